-- Benchmark hook, columnar form: the same two columns as hook_rowwise.lua, one call per batch.
--   income_per_txn = income / (num_transactions + 1)
--   age_bucket     = clamp((age - 18) // 10, 0, 6)
-- run.sh makes copies with suffixed output names (income_per_txn_2, ...) for BENCH_HOOK_STEPS > 1.
function features_batch(cols, n, params)
  local inc, ntx, age = cols.income, cols.num_transactions, cols.age
  local ipt, bucket = {}, {}
  for i = 1, n do
    ipt[i] = inc[i] / (ntx[i] + 1)
    local b = (age[i] - 18) // 10
    if b < 0 then b = 0 elseif b > 6 then b = 6 end
    bucket[i] = b
  end
  return { income_per_txn = ipt, age_bucket = bucket }
end
