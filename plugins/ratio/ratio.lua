-- ratio: out = num / (den + offset); on_zero when den + offset == 0.
-- A null (missing) or non-numeric input rejects the row with a reason naming the column.
--
-- Per-row form: features(row, params). Columnar form: features_batch(cols, n, params), used by
-- the runtime when defined (much faster). Both give the same results for every row; see README.md.

local type = type

-- Settings, fixed by init(params) and only read afterwards (locals, not globals: globals are
-- frozen once init returns).
local num_col, den_col, out_col, offset, on_zero
-- The per-row form returns this one table every time: its only key is overwritten on every row,
-- so nothing carries over between rows, and no table is allocated per row.
local out = {}

local function number_param(params, key, default)
  local v = params[key]
  if v == nil then return default end
  if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
    error(("ratio: param '%s' must be a finite number, got %s"):format(key, tostring(v)), 0)
  end
  return v + 0.0 -- float: den + offset never wraps around, even for int64 inputs near 2^63
end

local function column_param(params, key)
  local v = params[key]
  if type(v) ~= "string" or v == "" then
    error(("ratio: param '%s' (a column name) is required"):format(key), 0)
  end
  return v
end

function init(params)
  num_col = column_param(params, "num")
  den_col = column_param(params, "den")
  out_col = params.as or "ratio"
  if type(out_col) ~= "string" or out_col == "" then error("ratio: param 'as' must be a column name", 0) end
  offset = number_param(params, "offset", 0.0)
  on_zero = number_param(params, "on_zero", 0.0)
end

-- The reason a value cannot be used, or nil when it is a number.
local function problem(col, v)
  if v == nil then return "ratio: " .. col .. " is missing" end
  return ("ratio: %s is not a number (got %s %q)"):format(col, type(v), tostring(v))
end

function features(row, params)
  local x, d = row[num_col], row[den_col]
  if type(x) ~= "number" then error(problem(num_col, x)) end
  if type(d) ~= "number" then error(problem(den_col, d)) end
  local den = d + offset
  if den == 0 then out[out_col] = on_zero else out[out_col] = x / den end
  return out
end

-- Columnar form. A row with a bad input gets no output value; its reason goes in the second
-- return value (errors[i] = "why"), which rejects row i with that reason, as error() does per row.
local EMPTY = {} -- stands in for a column the batch does not have (every value missing)

function features_batch(cols, n, params)
  local xs, ds = cols[num_col] or EMPTY, cols[den_col] or EMPTY
  local res, errors = {}, nil
  local off, zero = offset, on_zero
  for i = 1, n do
    local x, d = xs[i], ds[i]
    if type(x) == "number" and type(d) == "number" then
      local den = d + off
      if den == 0 then res[i] = zero else res[i] = x / den end
    else
      errors = errors or {}
      errors[i] = type(x) ~= "number" and problem(num_col, x) or problem(den_col, d)
    end
  end
  return { [out_col] = res }, errors
end
