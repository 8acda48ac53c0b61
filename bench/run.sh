#!/usr/bin/env bash
# BatchScore vs the article's in-memory pandas + scikit-learn script, side by side in one run.
#
# Usage (from anywhere; works relative to the repo root):
#   bench/run.sh
#
# Environment knobs:
#   BENCH_ROWS=1000000        rows to generate (default 1,000,000)
#   BENCH_REPEAT=1            runs per tool (alternating); the table shows the median wall time
#   BENCH_SKIP_BUILD=1        don't run `swift build -c release` (use the existing binary)
#   BENCH_SKIP_BATCHSCORE=1   time only the Python baseline (e.g. before the CLI exists)
#   BENCH_REGEN=1             regenerate the data and the model even if present
#   ANCHORS=../shared/anchors where gen_data.py and seed_inmemory.py live
#
# Steps: python env -> data -> model -> build -> timed runs (/usr/bin/time -v) -> table + checks.
# Data goes to bench/data/, outputs and timing reports to bench/out/ (both git-ignored).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
ROWS=${BENCH_ROWS:-1000000}
REPEAT=${BENCH_REPEAT:-1}
ANCHORS=${ANCHORS:-../shared/anchors}
PY=$ROOT/.venv/bin/python
BIN=$ROOT/.build/release/batchscore

if [[ $ROWS == 1000000 ]]; then LABEL=1m; else LABEL=$ROWS; fi
DATA=$ROOT/bench/data/customers_$LABEL.csv
MODEL_DIR=$ROOT/bench/data/models/$LABEL
BUNDLE=$MODEL_DIR/lr.joblib
MODEL_JSON=$MODEL_DIR/lr.json
OUT=$ROOT/bench/out
JOB=$ROOT/bench/job-csv-logistic.yaml

BENCH_NAME=bench/run.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

[[ -f $ANCHORS/gen_data.py && -f $ANCHORS/seed_inmemory.py ]] \
  || die "anchors not found at $ANCHORS (set ANCHORS=...)"

# ---------------------------------------------------------------------------------------------
step "1/6 python environment (.venv)"
ensure_python_env "numpy, pandas, sklearn, joblib, pyarrow" numpy pandas scikit-learn joblib pyarrow
ensure_gnu_time

# ---------------------------------------------------------------------------------------------
step "2/6 data: $ROWS rows -> ${DATA#"$ROOT"/}"
mkdir -p "$ROOT/bench/data" "$MODEL_DIR" "$OUT"
ensure_data "$ANCHORS" "$ROWS" "$DATA"

# ---------------------------------------------------------------------------------------------
step "3/6 model: StandardScaler + LogisticRegression on a 100k sample"
if [[ ! -s $MODEL_JSON || ! -s $BUNDLE || $DATA -nt $MODEL_JSON ]] || flag BENCH_REGEN; then
  "$PY" bench/train_bench_model.py "$DATA" --out-dir "$MODEL_DIR" --sample 100000
else
  echo "using existing ${BUNDLE#"$ROOT"/} and ${MODEL_JSON#"$ROOT"/}"
fi

# ---------------------------------------------------------------------------------------------
step "4/6 build: swift build -c release"
if flag BENCH_SKIP_BATCHSCORE; then
  echo "skipped (BENCH_SKIP_BATCHSCORE=1)"
else
  build_release
fi
if ! flag BENCH_SKIP_BATCHSCORE; then
  [[ -x $BIN ]] || die "$BIN not found: build it, or set BENCH_SKIP_BATCHSCORE=1"
fi

# ---------------------------------------------------------------------------------------------
run_batchscore() {
  BENCH_INPUT=$DATA BENCH_MODEL=$MODEL_JSON BENCH_OUTPUT=$OUT/batchscore.csv \
    timed batchscore "$1" "$BIN" run "$JOB" --progress none
}

run_seed() {
  timed seed "$1" "$PY" "$ANCHORS/seed_inmemory.py" "$DATA" "$OUT/seed.csv" --model "$BUNDLE"
}

step "5/6 timed runs ($REPEAT per tool, alternating)"
rm -f "$OUT"/time_*.txt "$OUT"/*.log "$OUT"/batchscore.csv* "$OUT"/seed.csv
cat "$DATA" >/dev/null   # warm the page cache so neither tool pays for the first read
for ((k = 1; k <= REPEAT; k++)); do
  flag BENCH_SKIP_BATCHSCORE || run_batchscore "$k"
  run_seed "$k"
done

# ---------------------------------------------------------------------------------------------
step "6/6 results"
compare_args=(--rows "$ROWS" --time-dir "$OUT")
if ! flag BENCH_SKIP_BATCHSCORE; then
  compare_args+=(--batchscore-out "$OUT/batchscore.csv" --seed-out "$OUT/seed.csv")
fi
"$PY" bench/compare.py "${compare_args[@]}"
