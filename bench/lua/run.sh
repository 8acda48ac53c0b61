#!/usr/bin/env bash
# Lua hook throughput inside a real `batchscore run`, next to the pandas row-wise apply anchor.
#
# Usage (from anywhere):
#   bench/lua/run.sh
#
# The same 1M-row job runs several ways (release build, sandbox on: default instruction budget and
# memory cap). Each writes the same columns (the input's, prediction, confidence):
#   nohook    no feature step; model on the 4 raw features (bench/data/models/1m/lr.json)
#   rowwise   script hook_rowwise.lua, features(row, params); model on the 6 features (lr_fe.json)
#   columnar  script hook_columnar.lua, features_batch(cols, n, params); model on the 6 features
#   plugins   the shipped plugins ratio + bucketize (two columnar steps); model on the 6 features
# Then ../shared/anchors/rowwise_hook.py IN OUT --model lr_fe.joblib --mode apply (pandas
# row-wise apply) and --mode vectorized, on the same data in the same run.
# Hook throughput = rows / (time with hook - time without), from wall time and from CPU time
# (user + sys). See bench/lua/README.md.
#
# Environment knobs:
#   BENCH_ROWS=1000000          rows (the data file is shared with bench/run.sh)
#   BENCH_REPEAT=3              batchscore runs per variant (alternating); the table shows medians
#   BENCH_ANCHOR_REPEAT=1       runs of the pandas apply anchor (about 20 s each on 1M rows here)
#   BENCH_SKIP_ANCHOR=1         skip the pandas anchors
#   BENCH_VARIANTS="nohook rowwise columnar plugins"
#   BENCH_HOOK_STEPS=8          the hook runs as K identical steps (output names suffixed _2.._K), so
#                               the time it adds is K times its cost and stands out of the run-to-run
#                               noise of a sub-second job; throughput is reported per hook (rows*K / time)
#   BENCH_SKIP_BUILD=1          don't build (use $BATCHSCORE_BIN)
#   BATCHSCORE_BIN=path         the binary (default .build/release/batchscore)
#   SWIFT_SCRATCH=dir           build with `swift build -c release --scratch-path dir`; the
#                               binary is then dir/release/batchscore
#   BENCH_REGEN=1               regenerate data and models
#   ANCHORS=../shared/anchors
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
ROWS=${BENCH_ROWS:-1000000}
REPEAT=${BENCH_REPEAT:-3}
ANCHOR_REPEAT=${BENCH_ANCHOR_REPEAT:-1}
VARIANTS=${BENCH_VARIANTS:-nohook rowwise columnar plugins}
HOOK_STEPS=${BENCH_HOOK_STEPS:-8}
ANCHORS=${ANCHORS:-../shared/anchors}
ANCHORS=$(cd "$ANCHORS" 2>/dev/null && pwd || echo "$ANCHORS")
PY=$ROOT/.venv/bin/python
if [[ -n ${SWIFT_SCRATCH:-} ]]; then
  BIN=${BATCHSCORE_BIN:-$SWIFT_SCRATCH/release/batchscore}
else
  BIN=${BATCHSCORE_BIN:-$ROOT/.build/release/batchscore}
fi

if [[ $ROWS == 1000000 ]]; then LABEL=1m; else LABEL=$ROWS; fi
DATA=$ROOT/bench/data/customers_$LABEL.csv
MODEL_DIR=$ROOT/bench/data/models/$LABEL
MODEL_RAW=$MODEL_DIR/lr.json
MODEL_FE=$MODEL_DIR/lr_fe.json
BUNDLE_FE=$MODEL_DIR/lr_fe.joblib
OUT=$ROOT/bench/out/lua

BENCH_NAME=bench/lua/run.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

[[ -f $ANCHORS/gen_data.py && -f $ANCHORS/rowwise_hook.py ]] \
  || die "anchors not found at $ANCHORS (set ANCHORS=...)"

# ---------------------------------------------------------------------------------------------
step "1/6 python environment (.venv)"
ensure_python_env "numpy, pandas, sklearn, joblib" numpy pandas scikit-learn joblib
[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) is missing: apt-get install time"

# ---------------------------------------------------------------------------------------------
step "2/6 data: $ROWS rows -> ${DATA#"$ROOT"/} (the same file as bench/run.sh)"
mkdir -p "$ROOT/bench/data" "$MODEL_DIR" "$OUT"
ensure_data "$ANCHORS" "$ROWS" "$DATA"

# ---------------------------------------------------------------------------------------------
step "3/6 models: raw (4 features) and engineered (6 features), on a 100k sample"
if [[ ! -s $MODEL_RAW || $DATA -nt $MODEL_RAW ]] || flag BENCH_REGEN; then
  "$PY" bench/train_bench_model.py "$DATA" --out-dir "$MODEL_DIR" --sample 100000
else
  echo "using existing ${MODEL_RAW#"$ROOT"/}"
fi
if [[ ! -s $MODEL_FE || ! -s $BUNDLE_FE || $DATA -nt $MODEL_FE ]] || flag BENCH_REGEN; then
  "$PY" bench/train_bench_model.py "$DATA" --out-dir "$MODEL_DIR" --sample 100000 --hook-features
else
  echo "using existing ${MODEL_FE#"$ROOT"/} and ${BUNDLE_FE#"$ROOT"/}"
fi

# ---------------------------------------------------------------------------------------------
step "4/6 build: swift build -c release${SWIFT_SCRATCH:+ --scratch-path $SWIFT_SCRATCH}"
if [[ -n ${SWIFT_SCRATCH:-} ]] && ! flag BENCH_SKIP_BUILD; then
  swift build -c release --scratch-path "$SWIFT_SCRATCH"
else
  build_release
fi
[[ -x $BIN ]] || die "$BIN not found: build it (or set BATCHSCORE_BIN)"
echo "binary: $BIN"

# The jobs that run: copies of bench/lua/job-*.yaml in $OUT/jobs, where each Lua step is repeated
# HOOK_STEPS times; copy i computes income_per_txn_i and age_bucket_i (scripts hook_*_i.lua, or the
# plugins' `as`). Only the first copy's outputs feed the model; the writer writes none of them.
JOBS=$OUT/jobs
rm -rf "$JOBS" && mkdir -p "$JOBS"
cp bench/lua/hook_rowwise.lua bench/lua/hook_columnar.lua "$JOBS/"
for ((i = 2; i <= HOOK_STEPS; i++)); do
  for h in hook_rowwise hook_columnar; do
    sed "s/income_per_txn/income_per_txn_$i/g; s/age_bucket/age_bucket_$i/g" "bench/lua/$h.lua" >"$JOBS/${h}_$i.lua"
  done
done
for v in $VARIANTS; do
  [[ -f bench/lua/job-$v.yaml ]] || die "no job for variant '$v' (bench/lua/job-$v.yaml)"
  awk -v K="$HOOK_STEPS" '
    { print }
    /^  - \{ type: lua/ {
      for (i = 2; i <= K; i++) {
        line = $0
        gsub(/income_per_txn/, "income_per_txn_" i, line)
        gsub(/age_bucket/, "age_bucket_" i, line)
        gsub(/hook_rowwise\.lua/, "hook_rowwise_" i ".lua", line)
        gsub(/hook_columnar\.lua/, "hook_columnar_" i ".lua", line)
        print line
      }
    }' "bench/lua/job-$v.yaml" >"$JOBS/job-$v.yaml"
done
echo "jobs: ${JOBS#"$ROOT"/}/job-{${VARIANTS// /,}}.yaml (each Lua step x $HOOK_STEPS)"

export BENCH_INPUT=$DATA BENCH_MODEL_RAW=$MODEL_RAW BENCH_MODEL_FE=$MODEL_FE
# The plugins variant names ratio@^1 and bucketize@^1: found in ./plugins (we run from the root).
export BATCHSCORE_PLUGIN_PATH=$ROOT/plugins${BATCHSCORE_PLUGIN_PATH:+:$BATCHSCORE_PLUGIN_PATH}
for v in $VARIANTS; do
  if ! BENCH_OUTPUT=$OUT/$v.csv "$BIN" validate "$JOBS/job-$v.yaml" >"$OUT/validate_$v.log" 2>&1; then
    cat "$OUT/validate_$v.log" >&2
    if grep -q "type 'lua'" "$OUT/validate_$v.log"; then
      die "this binary has no 'lua' step type yet (the Lua hooks issue): rebuild once it has landed"
    fi
    die "$JOBS/job-$v.yaml does not validate (above)"
  fi
done

# ---------------------------------------------------------------------------------------------
# timed_cpu NAME K CMD...: lib.sh's `timed` (report in $OUT/time_NAME_K.txt, the command's own
# output in $OUT/NAME_K.log, stops the benchmark if the command fails), but the line it prints
# shows user and sys time next to the wall time: the hook throughput is worked out from both.
timed_cpu() {
  timed "$@" >/dev/null
  local report=$OUT/time_$1_$2.txt
  printf '%-20s run %s: %8s wall, %6s user, %6s sys\n' "$1" "$2" \
    "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$report")" \
    "$(sed -n 's/.*User time (seconds): //p' "$report")" "$(sed -n 's/.*System time (seconds): //p' "$report")"
}

step "5/6 timed runs ($REPEAT per variant, alternating; anchors $ANCHOR_REPEAT)"
rm -f "$OUT"/time_*.txt "$OUT"/*_[0-9]*.log "$OUT"/*.csv "$OUT"/*.rejected.csv
cat "$DATA" >/dev/null   # warm the page cache
for ((k = 1; k <= REPEAT; k++)); do
  for v in $VARIANTS; do
    BENCH_OUTPUT=$OUT/$v.csv timed_cpu "batchscore_$v" "$k" "$BIN" run "$JOBS/job-$v.yaml" --progress none
  done
done
if ! flag BENCH_SKIP_ANCHOR; then
  for ((k = 1; k <= ANCHOR_REPEAT; k++)); do
    timed_cpu pandas_apply "$k" "$PY" "$ANCHORS/rowwise_hook.py" "$DATA" "$OUT/pandas_apply.csv" --model "$BUNDLE_FE" --mode apply
    timed_cpu pandas_vectorized "$k" "$PY" "$ANCHORS/rowwise_hook.py" "$DATA" "$OUT/pandas_vectorized.csv" --model "$BUNDLE_FE" --mode vectorized
  done
fi

# ---------------------------------------------------------------------------------------------
step "6/6 results"
"$PY" bench/lua/summarize.py --rows "$ROWS" --out-dir "$OUT" --hook-steps "$HOOK_STEPS" --variants $VARIANTS
