#!/usr/bin/env bash
# Before/after on the engine bench's BatchScore jobs: two binaries, alternating run by run (so both
# see the same machine load), medians of BENCH_REPEAT rounds of wall time, the largest peak RSS
# (GNU time's maximum resident set), and the ratio after / before. The 10M-row CSV scenario runs when
# bench/data/customers_10m.csv exists (bench/engine/run.sh generates it).
#
# Usage: bench/engine/ab.sh BEFORE_BIN AFTER_BIN     (data and models from a bench/engine/run.sh run)
#   BENCH_ONLY=a,b   only these scenarios
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
[[ -s $data/customers_10m.csv ]] && scenarios+=("csv-logistic-10m|bench/job-csv-logistic.yaml|$data/customers_10m.csv|$native/lr.json|csv")
printf '| scenario | before s | after s | after / before | before peak RSS MB | after peak RSS MB |\n|---|---|---|---|---|---|\n'
for s in "${scenarios[@]}"; do
  IFS='|' read -r name job input model ext <<<"$s"
  [[ -n ${BENCH_ONLY:-} && ",$BENCH_ONLY," != *",$name,"* ]] && continue
  for side in before after; do : >"$out/$name.$side"; : >"$out/$name.$side.rss"; done
  for ((i = 0; i < repeat; i++)); do
    for side in before after; do
      bin=${!side}
      start=$(date +%s.%N)
      BENCH_INPUT=$input BENCH_MODEL=$model BENCH_MODEL_FE=$model BENCH_OUTPUT=$out/$name.$side.$ext \
        /usr/bin/time -f %M -o "$out/rss" "$bin" run "$job" --progress none >/dev/null 2>"$out/err" \
        || { echo "$name: $side failed: $(tail -1 "$out/err")" >&2; exit 1; }
      end=$(date +%s.%N)
      echo "$end - $start" | bc >>"$out/$name.$side"
      tail -1 "$out/rss" >>"$out/$name.$side.rss"
    done
  done
  median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  peak() { sort -n "$1" | tail -1 | awk '{printf "%.0f", $1 / 1024}'; }
  b=$(median "$out/$name.before") a=$(median "$out/$name.after")
  cmp -s "$out/$name.before.$ext" "$out/$name.after.$ext" && same="same bytes" || same="outputs differ"
  printf '| %s | %.3f | %.3f | %.2f (%s) | %s | %s |\n' "$name" "$b" "$a" "$(echo "$a / $b" | bc -l)" "$same" \
    "$(peak "$out/$name.before.rss")" "$(peak "$out/$name.after.rss")"
  rm -f "$out/$name".*."$ext"  # the 10M outputs are 600 MB each
done
