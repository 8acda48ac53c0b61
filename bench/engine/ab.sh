#!/usr/bin/env bash
# Before/after on the engine bench's BatchScore jobs: two binaries, alternating run by run (so both
# see the same machine load), medians of BENCH_REPEAT rounds, and the ratio after / before.
#
# Usage: bench/engine/ab.sh BEFORE_BIN AFTER_BIN     (data and models from a bench/engine/run.sh run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
before=$1 after=$2 repeat=${BENCH_REPEAT:-5}
data=$PWD/bench/data native=$PWD/bench/data/anchor-models/native out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
scenarios=(
  "csv-logistic|bench/job-csv-logistic.yaml|$data/customers_1m.csv|$native/lr.json|csv"
  "parquet-logistic|bench/parquet/job-parquet.yaml|$data/customers_1m.parquet|$native/lr.json|parquet"
  "csv-mlp|bench/job-csv-logistic.yaml|$data/customers_1m.csv|$native/mlp.json|csv"
  "csv-hgb|bench/job-csv-logistic.yaml|$data/customers_1m.csv|$native/hgb.json|csv"
  "wide-logistic|bench/job-csv-logistic.yaml|$data/wide_200k.csv|$native/wide_lr.json|csv"
  "lua-hook|bench/lua/job-rowwise.yaml|$data/customers_1m.csv|$native/lr_fe.json|csv"
)
printf '| scenario | before s | after s | after / before |\n|---|---|---|---|\n'
for s in "${scenarios[@]}"; do
  IFS='|' read -r name job input model ext <<<"$s"
  for side in before after; do : >"$out/$name.$side"; done
  for ((i = 0; i < repeat; i++)); do
    for side in before after; do
      bin=${!side}
      start=$(date +%s.%N)
      BENCH_INPUT=$input BENCH_MODEL=$model BENCH_MODEL_FE=$model BENCH_OUTPUT=$out/$name.$side.$ext "$bin" run "$job" --progress none >/dev/null 2>"$out/err" \
        || { echo "$name: $side failed: $(tail -1 "$out/err")" >&2; exit 1; }
      end=$(date +%s.%N)
      echo "$end - $start" | bc >>"$out/$name.$side"
    done
  done
  median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  b=$(median "$out/$name.before") a=$(median "$out/$name.after")
  cmp -s "$out/$name.before.$ext" "$out/$name.after.$ext" && same="same bytes" || same="outputs differ"
  printf '| %s | %.3f | %.3f | %.2f (%s) |\n' "$name" "$b" "$a" "$(echo "$a / $b" | bc -l)" "$same"
done
