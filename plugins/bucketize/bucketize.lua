-- bucketize: the index of the bucket a value falls in, given k strictly ascending edges.
--
-- out_of_range = "clamp" (default): k+1 buckets, numbered 0..k, open-ended at both ends
--     bucket 0 = (-inf, e1), bucket i = [e_i, e_{i+1}), bucket k = [e_k, +inf)
--   i.e. the number of edges <= x (numpy.digitize / searchsorted side="right").
-- out_of_range = "error": the first and last edges are bounds too (like pandas.cut): k-1 buckets,
--     numbered 0..k-2, bucket i = [e_{i+1}, e_{i+2}); a value outside [e1, ek] rejects the row
--     (the last bucket includes ek, so [e1, ek] is covered exactly).
-- right_closed = true moves the edges' own values down a bucket: (e_i, e_{i+1}] (number of edges < x),
--   and with "error" the first bucket includes e1.
-- A null, NaN or non-numeric value rejects the row.
--
-- The age bucket clamp((age - 18) // 10, 0, 6) is edges [28, 38, 48, 58, 68, 78] with the defaults.

local type = type

-- Fixed by init(params), then only read (globals are frozen after init).
local col, out_col, edges, k, right, strict
local out = {} -- reused by the per-row form: its one key is overwritten on every row

-- The bucket of number x (0..k): how many edges are <= x (or < x when right-closed).
-- A linear scan for a few edges, a binary search for many; init picks one.
local function linear_left(x)
  local e = edges
  for j = 1, k do
    if not (e[j] <= x) then return j - 1 end
  end
  return k
end

local function linear_right(x)
  local e = edges
  for j = 1, k do
    if not (e[j] < x) then return j - 1 end
  end
  return k
end

local function binary_left(x)
  local e, lo, hi = edges, 0, k -- the answer is in [lo, hi]
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if e[mid] <= x then lo = mid else hi = mid - 1 end
  end
  return lo
end

local function binary_right(x)
  local e, lo, hi = edges, 0, k
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if e[mid] < x then lo = mid else hi = mid - 1 end
  end
  return lo
end

local count_below -- one of the four above, picked by init

function init(params)
  col = params.column
  if type(col) ~= "string" or col == "" then error("bucketize: param 'column' (a column name) is required", 0) end
  out_col = params.as or "bucket"
  if type(out_col) ~= "string" or out_col == "" then error("bucketize: param 'as' must be a column name", 0) end
  right = params.right_closed == true
  if params.right_closed ~= nil and type(params.right_closed) ~= "boolean" then
    error("bucketize: param 'right_closed' must be true or false", 0)
  end
  local mode = params.out_of_range or "clamp"
  if mode ~= "clamp" and mode ~= "error" then
    error(("bucketize: param 'out_of_range' must be 'clamp' or 'error', got %q"):format(tostring(mode)), 0)
  end
  strict = mode == "error"

  local given = params.edges
  if type(given) ~= "table" or given[1] == nil then
    error("bucketize: param 'edges' must be a non-empty list of numbers", 0)
  end
  edges = {}
  for i = 1, #given do
    local e = given[i]
    if type(e) ~= "number" or e ~= e or e == math.huge or e == -math.huge then
      error(("bucketize: edges[%d] = %s is not a finite number"):format(i, tostring(e)), 0)
    end
    if i > 1 and not (e > edges[i - 1]) then
      error(("bucketize: edges must be strictly ascending, but edges[%d] = %s follows edges[%d] = %s")
        :format(i, tostring(e), i - 1, tostring(edges[i - 1])), 0)
    end
    edges[i] = e
  end
  k = #edges
  if strict and k < 2 then error("bucketize: out_of_range 'error' needs at least 2 edges (the bounds)", 0) end
  if k <= 8 then
    count_below = right and linear_right or linear_left
  else
    count_below = right and binary_right or binary_left
  end
end

-- The bucket index of x, or nil and the reason the row is rejected.
local function bucket(x)
  if type(x) ~= "number" then
    if x == nil then return nil, "bucketize: " .. col .. " is missing" end
    return nil, ("bucketize: %s is not a number (got %s %q)"):format(col, type(x), tostring(x))
  end
  if x ~= x then return nil, "bucketize: " .. col .. " is NaN" end
  local b = count_below(x)
  if strict then
    -- Both bounds are in range: clamping the index puts ek in the last bucket (and, right-closed,
    -- e1 in the first).
    if x < edges[1] or x > edges[k] then
      return nil, ("bucketize: %s = %s is outside [%s, %s]"):format(col, tostring(x), tostring(edges[1]), tostring(edges[k]))
    end
    b = b - 1
    if b < 0 then b = 0 elseif b > k - 2 then b = k - 2 end
  end
  return b
end

function features(row, params)
  local x = row[col]
  local b
  if not strict and type(x) == "number" and x == x then
    b = count_below(x)
  else
    local why
    b, why = bucket(x)
    if b == nil then error(why) end
  end
  out[out_col] = b
  return out
end

-- Columnar form. A rejected row gets no output value; its reason goes in the second return value
-- (errors[i] = "why"), which rejects row i with that reason, as error() does per row.
function features_batch(cols, n, params)
  local xs = cols[col] or {}
  local res, errors = {}, nil
  if not strict then
    local find = count_below
    for i = 1, n do
      local x = xs[i]
      if type(x) == "number" and x == x then
        res[i] = find(x)
      else
        local _, why = bucket(x)
        errors = errors or {}
        errors[i] = why
      end
    end
  else
    for i = 1, n do
      local b, why = bucket(xs[i])
      if b == nil then
        errors = errors or {}
        errors[i] = why
      else
        res[i] = b
      end
    end
  end
  return { [out_col] = res }, errors
end
