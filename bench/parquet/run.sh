#!/usr/bin/env bash
# Parquet scoring against the pyarrow + scikit-learn baseline, in one run (issue 5, "Performance").
#
# Usage (from anywhere):
#   bench/parquet/run.sh
#
# 1. Parquet -> Parquet, 1M rows, logistic model: `batchscore run job-parquet.yaml` (reader parquet,
#    writer parquet, default output = every input column + prediction + confidence) vs
#    ../shared/anchors/arrow_parquet.py IN OUT --model lr.joblib (the same columns out), whole
#    process under /usr/bin/time -v, median of BENCH_REPEAT. Target: >= 1.5x arrow_parquet.py.
#    If the binary has no Parquet writer (`batchscore plugins` lists none), batchscore writes CSV
#    instead and every report says the comparison is NOT like for like.
# 2. Projection: the 20-column file (the 7 customers columns + f0..f12), the same 4-feature model,
#    reading the 4 features (`select`, job-select4.yaml) vs every column (job-all20.yaml); both write
#    only prediction + confidence, so the difference is the 16 extra columns' read cost.
# 3. Agreement (bench/parquet/summarize.py, with bench/common.py's check_outputs): row counts,
#    identical predictions and |Δ confidence| < 1e-9 vs arrow_parquet.py; the table
#    scenario, tool, seconds, rows/s, peak RSS MB, ratio, target, met?
#
# Environment knobs:
#   BENCH_REPEAT=3            whole-process runs per command (alternating); medians are reported
#   BENCH_SKIP_BUILD=1        don't run `swift build -c release` (use the existing binary)
#   BENCH_REGEN=1             regenerate the data and retrain the model
#   ANCHORS=../shared/anchors where gen_data.py and arrow_parquet.py live
#   BENCH_BIN=PATH            the batchscore binary (default .build/release/batchscore)
#
# Data: bench/data/customers_1m.parquet, bench/data/customers_wide20_1m.parquet (generated),
# bench/data/customers_1m.csv (the model's training data, shared with bench/run.sh); model:
# bench/data/models/1m/lr.{json,joblib} (bench/train_bench_model.py, shared with bench/run.sh).
# Outputs, logs and time -v reports: bench/out/parquet/ (git-ignored).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
ROWS=1000000
REPEAT=${BENCH_REPEAT:-3}
ANCHORS=${ANCHORS:-../shared/anchors}
ANCHORS=$(cd "$ANCHORS" 2>/dev/null && pwd || echo "$ANCHORS")
PY=$ROOT/.venv/bin/python
BIN=${BENCH_BIN:-$ROOT/.build/release/batchscore}

CSV=$ROOT/bench/data/customers_1m.csv
PARQUET=$ROOT/bench/data/customers_1m.parquet
WIDE=$ROOT/bench/data/customers_wide20_1m.parquet
MODEL_DIR=$ROOT/bench/data/models/1m
BUNDLE=$MODEL_DIR/lr.joblib
MODEL_JSON=$MODEL_DIR/lr.json
OUT=$ROOT/bench/out/parquet
JOBS=$ROOT/bench/parquet

BENCH_NAME=bench/parquet/run.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

for f in gen_data.py arrow_parquet.py; do
  [[ -f $ANCHORS/$f ]] || die "anchors not found at $ANCHORS (no $f; set ANCHORS=...)"
done

# ---------------------------------------------------------------------------------------------
step "1/7 python environment (.venv)"
ensure_python_env "numpy, pandas, sklearn, joblib, pyarrow" numpy pandas scikit-learn joblib pyarrow
"$PY" -c 'import pyarrow; print(f"pyarrow {pyarrow.__version__}")'
ensure_gnu_time

# ---------------------------------------------------------------------------------------------
step "2/7 data: 1M rows -> ${PARQUET#"$ROOT"/}, ${WIDE#"$ROOT"/} (20 columns), ${CSV#"$ROOT"/} (training)"
mkdir -p "$OUT" "$MODEL_DIR"
ensure_data "$ANCHORS" "$ROWS" "$PARQUET"
ensure_data "$ANCHORS" "$ROWS" "$CSV"
if [[ ! -s $WIDE ]] || flag BENCH_REGEN; then
  # the same seeded id..region columns as customers_1m (churn differs), plus f0..f12
  "$PY" "$ANCHORS/gen_data.py" --rows "$ROWS" --wide 13 --out "$WIDE"
else
  echo "using existing $(du -h "$WIDE" | cut -f1) ${WIDE#"$ROOT"/} (BENCH_REGEN=1 to regenerate)"
fi

# ---------------------------------------------------------------------------------------------
step "3/7 model: StandardScaler + LogisticRegression on a 100k sample (bench/train_bench_model.py)"
if [[ ! -s $MODEL_JSON || ! -s $BUNDLE || $CSV -nt $MODEL_JSON ]] || flag BENCH_REGEN; then
  "$PY" bench/train_bench_model.py "$CSV" --out-dir "$MODEL_DIR" --sample 100000
else
  echo "using existing ${BUNDLE#"$ROOT"/} and ${MODEL_JSON#"$ROOT"/}"
fi

# ---------------------------------------------------------------------------------------------
step "4/7 build: swift build -c release"
build_release
[[ -x $BIN ]] || die "$BIN not found: build it (swift build -c release)"
plugins=$("$BIN" plugins)
parquet_plugins=$(awk '/^READERS/ {s="reader"} /^WRITERS/ {s="writer"} /^[A-Z]/ && !/^(READERS|WRITERS)/ {s=""}
                       s && /^  parquet / {print s}' <<<"$plugins")
grep -qx reader <<<"$parquet_plugins" || die "$BIN has no Parquet reader (batchscore plugins); rebuild it"
if grep -qx writer <<<"$parquet_plugins"; then
  WRITER=parquet
  echo "parquet reader and writer: present"
else
  WRITER=csv
  cat <<'WARN'

  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
  !!! NO PARQUET WRITER in this binary (`batchscore plugins` lists none): batchscore writes CSV.  !!!
  !!! Scenario 1 is then Parquet -> CSV vs arrow_parquet.py's Parquet -> Parquet: NOT like for   !!!
  !!! like. Rebuild once the writer has landed (swift build -c release) and run again.           !!!
  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
WARN
fi
EXT=$WRITER
BS_OUT=$OUT/batchscore.$EXT
ARROW_OUT=$OUT/arrow.parquet
SEL4_OUT=$OUT/bs-select4.$EXT
ALL20_OUT=$OUT/bs-all20.$EXT

rm -f "$OUT"/time_*.txt "$OUT"/*.log "$OUT"/*.parquet "$OUT"/*.csv "$OUT"/table.md
cat "$PARQUET" "$WIDE" >/dev/null   # warm the page cache so no run pays for the first read

# run_bs TOOL K JOB INPUT OUTPUT: `batchscore run JOB` on INPUT with the logistic model
run_bs() {
  BENCH_INPUT=$4 BENCH_MODEL=$MODEL_JSON BENCH_OUTPUT=$5 BENCH_WRITER=$WRITER \
    timed "$1" "$2" "$BIN" run "$3" --progress none
}

# ---------------------------------------------------------------------------------------------
step "5/7 Parquet -> $WRITER (batchscore) vs Parquet -> Parquet (arrow_parquet.py): $REPEAT each, alternating"
for ((k = 1; k <= REPEAT; k++)); do
  run_bs batchscore "$k" "$JOBS/job-parquet.yaml" "$PARQUET" "$BS_OUT"
  timed arrow "$k" "$PY" "$ANCHORS/arrow_parquet.py" "$PARQUET" "$ARROW_OUT" --model "$BUNDLE"
done

# ---------------------------------------------------------------------------------------------
step "6/7 projection on ${WIDE#"$ROOT"/}: select 4 features vs all 20 columns, $REPEAT each, alternating"
for ((k = 1; k <= REPEAT; k++)); do
  run_bs bs-select4 "$k" "$JOBS/job-select4.yaml" "$WIDE" "$SEL4_OUT"
  run_bs bs-all20 "$k" "$JOBS/job-all20.yaml" "$WIDE" "$ALL20_OUT"
done

# ---------------------------------------------------------------------------------------------
step "7/7 results"
"$PY" bench/parquet/summarize.py --rows "$ROWS" --out-dir "$OUT" --writer "$WRITER" \
  --bs-out "$BS_OUT" --arrow-out "$ARROW_OUT" --select4-out "$SEL4_OUT" --all20-out "$ALL20_OUT" \
  --markdown "$OUT/table.md"
