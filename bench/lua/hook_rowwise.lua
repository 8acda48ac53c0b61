-- Benchmark hook, per-row form: two columns from the row, as ../shared/anchors/rowwise_hook.py's hook():
--   income_per_txn = income / (num_transactions + 1)
--   age_bucket     = clamp((age - 18) // 10, 0, 6)
-- Written the way the plugins README recommends: each column read once, the output table reused
-- (both keys overwritten on every row). The data is clean (the job's `finite` validator runs first).
-- run.sh makes copies with suffixed output names (income_per_txn_2, ...) for BENCH_HOOK_STEPS > 1.
local out = {}

function features(row, params)
  local income, ntx, age = row.income, row.num_transactions, row.age
  out.income_per_txn = income / (ntx + 1)
  local b = (age - 18) // 10
  if b < 0 then b = 0 elseif b > 6 then b = 6 end
  out.age_bucket = b
  return out
end
