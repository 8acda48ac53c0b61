-- churn-rules: business rules for a customer row of the churn example. A row is accepted when
--   income            is present, a number, income_min <= income < income_max      (0 .. 10,000,000)
--   num_transactions  is present, a whole number, 0 <= num_transactions <= transactions_max
--   credit_score      is present, a number, credit_min <= credit_score <= credit_max (300 .. 850)
--   region            is present, a non-empty string, lowercase, without surrounding whitespace,
--                     and one of `regions` when that list is given
-- The rules are checked in that order; the first broken one is the reason.
-- NaN is rejected ("income is NaN"); so is text in a numeric column.

local type, tostring, fmt = type, tostring, string.format
local find, byte = string.find, string.byte

-- Fixed by init(params), then only read (globals are frozen after init).
local income_min, income_max, tx_max, credit_min, credit_max
local allowed -- region name -> true (passes every region rule) or its reason; nil: any lowercase name

-- Why a region name breaks the lowercase / whitespace rules, or nil. No allocation for good names.
local function region_problem(region)
  if region == "" then return "region is empty" end
  if find(region, "%u") then return fmt("region %q must be lowercase", region) end
  local first, last = byte(region, 1), byte(region, -1)
  if first == 32 or (first >= 9 and first <= 13) or last == 32 or (last >= 9 and last <= 13) then
    return fmt("region %q has leading or trailing whitespace", region)
  end
  return nil
end

local function number_param(params, key, default)
  local v = params[key]
  if v == nil then return default end
  if type(v) ~= "number" or v ~= v then
    error(fmt("churn-rules: param '%s' must be a number, got %s", key, tostring(v)), 0)
  end
  return v
end

function init(params)
  income_min = number_param(params, "income_min", 0)
  income_max = number_param(params, "income_max", 10000000)
  tx_max = number_param(params, "transactions_max", 100000)
  credit_min = number_param(params, "credit_min", 300)
  credit_max = number_param(params, "credit_max", 850)
  if income_min >= income_max then error("churn-rules: income_min must be below income_max", 0) end
  if credit_min > credit_max then error("churn-rules: credit_min must not be above credit_max", 0) end
  if params.regions ~= nil then
    if type(params.regions) ~= "table" then error("churn-rules: param 'regions' must be a list of names", 0) end
    allowed = {}
    for i = 1, #params.regions do
      local r = params.regions[i]
      if type(r) ~= "string" then
        error(fmt("churn-rules: regions[%d] must be a string, got %s", i, tostring(r)), 0)
      end
      allowed[r] = region_problem(r) or true -- a listed name that breaks a rule still fails it
    end
  end
end

local function num(v) -- a number for messages: the shortest of %.15g / %.17g that reads back exactly
  if math.type(v) ~= "float" then return tostring(v) end
  local s = fmt("%.15g", v)
  if tonumber(s) ~= v then s = fmt("%.17g", v) end
  return s
end

local function kind(v) return fmt("%s %q", type(v), tostring(v)) end

-- nil when the row passes, else the reason.
local function check(income, ntx, credit, region)
  if income == nil then return "income is missing" end
  if type(income) ~= "number" then return "income is not a number (got " .. kind(income) .. ")" end
  if income ~= income then return "income is NaN" end
  if not (income >= income_min) then return fmt("income %s is below %s", num(income), num(income_min)) end
  if not (income < income_max) then return fmt("income %s is not below %s", num(income), num(income_max)) end

  if ntx == nil then return "num_transactions is missing" end
  if type(ntx) ~= "number" then return "num_transactions is not a number (got " .. kind(ntx) .. ")" end
  if ntx ~= ntx then return "num_transactions is NaN" end
  if math.type(ntx) == "float" and ntx % 1 ~= 0 then
    return fmt("num_transactions %s is not a whole number", num(ntx))
  end
  if ntx < 0 then return fmt("num_transactions %s is negative", num(ntx)) end
  if ntx > tx_max then return fmt("num_transactions %s is above %s", num(ntx), num(tx_max)) end

  if credit == nil then return "credit_score is missing" end
  if type(credit) ~= "number" then return "credit_score is not a number (got " .. kind(credit) .. ")" end
  if credit ~= credit then return "credit_score is NaN" end
  if not (credit >= credit_min and credit <= credit_max) then
    return fmt("credit_score %s is outside %s..%s", num(credit), num(credit_min), num(credit_max))
  end

  if region == nil then return "region is missing" end
  if type(region) ~= "string" then return "region is not a string (got " .. kind(region) .. ")" end
  if allowed then
    local verdict = allowed[region] -- precomputed for listed names: true or the reason
    if verdict == true then return nil end
    if verdict then return verdict end
    return region_problem(region) or fmt("region %q is not an allowed region", region)
  end
  return region_problem(region)
end

function validate(row, params)
  local why = check(row.income, row.num_transactions, row.credit_score, row.region)
  if why then return false, why end
  return true
end

function validate_batch(cols, n, params)
  local none = {}
  local inc, ntx = cols.income or none, cols.num_transactions or none
  local cs, reg = cols.credit_score or none, cols.region or none
  local verdicts = {}
  for i = 1, n do
    verdicts[i] = check(inc[i], ntx[i], cs[i], reg[i]) or true
  end
  return verdicts
end
