#!/usr/bin/env bash
# The engine bench: BatchScore and the Python anchors side by side, in one run, one table.
#
# Usage (from anywhere):
#   bench/engine/run.sh
#
# Scenarios (names for BENCH_ONLY). Every run is a whole process under /usr/bin/time -v (wall time,
# peak RSS), page cache warm, the tools of a scenario alternating, BENCH_REPEAT rounds:
#   csv-logistic      CSV -> CSV, logistic, 1M rows: batchscore (the job's `workers: auto`), batchscore
#                     --set runtime.workers=1 and =2; seed_inmemory.py lr.joblib; ort.py lr.onnx
#   csv-logistic-10m  the same job on 10M rows: batchscore; ort.py (seed_inmemory.py: BENCH_10M_SEED=1)
#   parquet-logistic  Parquet -> Parquet, logistic, 1M rows: batchscore; arrow_parquet.py lr.joblib
#   csv-mlp           CSV -> CSV, MLP (64, 32), 1M rows: batchscore mlp.json; ort.py mlp.onnx
#   csv-hgb           CSV -> CSV, HistGradientBoosting, 1M rows: batchscore hgb.json; ort.py hgb.onnx
#   lua-hook          CSV -> CSV, 1M rows: batchscore without a hook (bench/lua/job-nohook.yaml, lr.json)
#                     and with the per-row Lua hook (bench/lua/job-rowwise.yaml, lr_fe.json);
#                     rowwise_hook.py lr_fe.joblib --mode apply (pandas row-wise) and --mode vectorized
#   wide-logistic     CSV -> CSV, logistic on 64 float features, 200k rows: batchscore wide_lr.json;
#                     seed_inmemory.py wide_lr.joblib; ort.py wide_lr.onnx
# Then bench/engine/summarize.py prints the table (scenario | tool | seconds | rows/s | peak RSS MB |
# ratio vs batchscore | target | met?) as Markdown, writes it to bench/out/engine/table.md, and checks
# that the outputs agree. A failed run is a FAIL row, not the end of the bench; the script exits
# non-zero at the end if a run or a check failed (a missed target is reported, not an error).
#
# Environment knobs:
#   BENCH_REPEAT=3            rounds; the table shows medians (of wall time; peak RSS is the largest)
#   BENCH_ANCHOR_REPEAT=1     rounds that also run the slow anchors (rowwise_hook.py --mode apply,
#                             about a minute on 1M rows; seed_inmemory.py on 10M rows)
#   BENCH_ONLY=a,b            run only these scenarios (names above)
#   BENCH_SKIP_10M=1          skip csv-logistic-10m (and generating its 350 MB of data)
#   BENCH_10M_SEED=1          also run seed_inmemory.py on 10M rows (slow, several GB of RAM)
#   BENCH_ROWS=1000000        rows of the 1M scenarios (e.g. 100000 for a quick pass)
#   BENCH_BIG_ROWS=10000000   rows of csv-logistic-10m
#   BENCH_SKIP_BUILD=1        don't run `swift build -c release` (use the existing binary)
#   BATCHSCORE_BIN=path       the binary (default .build/release/batchscore; setting it skips the build)
#   BENCH_REGEN=1             regenerate the data and retrain the anchor models
#   ANCHORS=../shared/anchors where the anchor scripts live
#
# Data: bench/data/customers_{1m,10m}.csv, customers_1m.parquet, wide_200k.csv (gen_data.py, seeded;
# shared with the other benches). Models: ../shared/anchors/train.py -> bench/data/anchor-models/,
# native exports in bench/data/anchor-models/native/ (shared with bench/models/run.sh). Outputs, logs,
# time -v reports and table.md: bench/out/engine/ (git-ignored; the 10M outputs are deleted once checked).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
ROWS=${BENCH_ROWS:-1000000}
BIG_ROWS=${BENCH_BIG_ROWS:-10000000}
WIDE_ROWS=200000                  # train.py's wide_200k.csv
REPEAT=${BENCH_REPEAT:-3}
ANCHOR_REPEAT=${BENCH_ANCHOR_REPEAT:-1}
ANCHORS=${ANCHORS:-../shared/anchors}
ANCHORS=$(cd "$ANCHORS" 2>/dev/null && pwd || echo "$ANCHORS")
PY=$ROOT/.venv/bin/python
BIN=${BATCHSCORE_BIN:-$ROOT/.build/release/batchscore}
[[ -n ${BATCHSCORE_BIN:-} ]] && BENCH_SKIP_BUILD=1

label() { case $1 in 1000000) echo 1m ;; 10000000) echo 10m ;; *) echo "$1" ;; esac; }
DATA_DIR=$ROOT/bench/data
CSV=$DATA_DIR/customers_$(label "$ROWS").csv
PARQUET=$DATA_DIR/customers_$(label "$ROWS").parquet
BIG_CSV=$DATA_DIR/customers_$(label "$BIG_ROWS").csv
WIDE=$DATA_DIR/wide_200k.csv
MODELS=$DATA_DIR/anchor-models
NATIVE=$MODELS/native
OUT=$ROOT/bench/out/engine
CSV_JOB=$ROOT/bench/job-csv-logistic.yaml         # csv -> finite -> model -> csv, default output
PARQUET_JOB=$ROOT/bench/parquet/job-parquet.yaml  # parquet -> finite -> model -> parquet, default output

BENCH_NAME=bench/engine/run.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

BENCH_ONLY=${BENCH_ONLY:-}
SCENARIOS=(csv-logistic csv-logistic-10m parquet-logistic csv-mlp csv-hgb lua-hook wide-logistic)
for s in ${BENCH_ONLY//,/ }; do   # unquoted: split on the commas
  [[ " ${SCENARIOS[*]} " == *" $s "* ]] || die "BENCH_ONLY: unknown scenario '$s' (${SCENARIOS[*]})"
done
# want SCENARIO: whether this run includes it
want() {
  [[ $1 == csv-logistic-10m ]] && flag BENCH_SKIP_10M && return 1
  [[ -z $BENCH_ONLY || ",$BENCH_ONLY," == *",$1,"* ]]
}
for f in gen_data.py train.py seed_inmemory.py ort.py arrow_parquet.py rowwise_hook.py; do
  [[ -f $ANCHORS/$f ]] || die "anchors not found at $ANCHORS (no $f; set ANCHORS=...)"
done

# ---------------------------------------------------------------------------------------------
step "1/6 python environment (.venv)"
ensure_python_env "numpy, pandas, sklearn, joblib, pyarrow, onnxruntime, skl2onnx, onnx, xgboost, lightgbm" \
  numpy pandas scikit-learn joblib pyarrow onnxruntime skl2onnx onnx xgboost lightgbm
ensure_gnu_time

# ---------------------------------------------------------------------------------------------
step "2/6 data"
mkdir -p "$OUT"
INPUTS=()   # the files this run reads (warmed into the page cache before the timed runs)
if want csv-logistic || want csv-mlp || want csv-hgb || want lua-hook; then
  ensure_data "$ANCHORS" "$ROWS" "$CSV"
  INPUTS+=("$CSV")
fi
if want parquet-logistic; then
  ensure_data "$ANCHORS" "$ROWS" "$PARQUET"
  INPUTS+=("$PARQUET")
fi
if want csv-logistic-10m; then
  ensure_data "$ANCHORS" "$BIG_ROWS" "$BIG_CSV"
  INPUTS+=("$BIG_CSV")
fi
if want wide-logistic; then
  if [[ ! -s $WIDE ]] || flag BENCH_REGEN; then
    "$PY" "$ANCHORS/gen_data.py" --rows "$WIDE_ROWS" --wide 64 --out "$WIDE"
  fi
  INPUTS+=("$WIDE")
fi

# ---------------------------------------------------------------------------------------------
step "3/6 models: ../shared/anchors/train.py -> ${MODELS#"$ROOT"/}, native exports -> ${NATIVE#"$ROOT"/}"
ensure_anchor_models "$ANCHORS" "$DATA_DIR" "$MODELS"
export_native "$MODELS" lr mlp hgb lr_fe wide_lr

# ---------------------------------------------------------------------------------------------
step "4/6 build: swift build -c release"
build_release
[[ -x $BIN ]] || die "$BIN not found: build it (swift build -c release) or set BATCHSCORE_BIN"
echo "binary: $BIN ($("$BIN" --version))"

# ---------------------------------------------------------------------------------------------
# Runs: the time -v report of tool T in scenario S, round k, is $OUT/time_S.T_k.txt, its output
# $OUT/S.T.csv (or .parquet). A failed run is recorded (its report has the exit status) and skipped.

# bs S.T K JOB INPUT MODEL EXT [ARGS...]: `batchscore run JOB ARGS`; the bench jobs take their paths
# from BENCH_INPUT, BENCH_MODEL (bench/lua's jobs: BENCH_MODEL_RAW / BENCH_MODEL_FE), BENCH_OUTPUT.
bs() {
  local key=$1 k=$2 job=$3 input=$4 model=$5 ext=$6; shift 6
  BENCH_INPUT=$input BENCH_MODEL=$model BENCH_MODEL_RAW=$model BENCH_MODEL_FE=$model \
    BENCH_OUTPUT=$OUT/$key.$ext timed_or_fail "$key" "$k" "$BIN" run "$job" --progress none "$@" || true
}
# anchor S.T K SCRIPT INPUT EXT ARGS...: ../shared/anchors/SCRIPT INPUT OUTPUT ARGS
anchor() {
  local key=$1 k=$2 script=$3 input=$4 ext=$5; shift 5
  timed_or_fail "$key" "$k" "$PY" "$ANCHORS/$script" "$input" "$OUT/$key.$ext" "$@" || true
}

step "5/6 timed runs ($REPEAT rounds; slow anchors in $ANCHOR_REPEAT)"
rm -f "$OUT"/time_*.txt "$OUT"/*.log "$OUT"/*.csv "$OUT"/*.parquet "$OUT"/table.md
((${#INPUTS[@]})) && cat "${INPUTS[@]}" >/dev/null   # warm the page cache: no run pays for the first read
for ((k = 1; k <= REPEAT; k++)); do
  slow=0; ((k <= ANCHOR_REPEAT)) && slow=1
  if want csv-logistic; then
    bs csv-logistic.batchscore "$k" "$CSV_JOB" "$CSV" "$NATIVE/lr.json" csv
    bs csv-logistic.batchscore-w1 "$k" "$CSV_JOB" "$CSV" "$NATIVE/lr.json" csv --set runtime.workers=1
    bs csv-logistic.batchscore-w2 "$k" "$CSV_JOB" "$CSV" "$NATIVE/lr.json" csv --set runtime.workers=2
    anchor csv-logistic.seed "$k" seed_inmemory.py "$CSV" csv --model "$MODELS/lr.joblib"
    anchor csv-logistic.ort "$k" ort.py "$CSV" csv --model "$MODELS/lr.onnx"
  fi
  if want csv-logistic-10m; then
    bs csv-logistic-10m.batchscore "$k" "$CSV_JOB" "$BIG_CSV" "$NATIVE/lr.json" csv
    anchor csv-logistic-10m.ort "$k" ort.py "$BIG_CSV" csv --model "$MODELS/lr.onnx"
    if flag BENCH_10M_SEED && ((slow)); then
      anchor csv-logistic-10m.seed "$k" seed_inmemory.py "$BIG_CSV" csv --model "$MODELS/lr.joblib"
    fi
  fi
  if want parquet-logistic; then
    bs parquet-logistic.batchscore "$k" "$PARQUET_JOB" "$PARQUET" "$NATIVE/lr.json" parquet
    anchor parquet-logistic.arrow "$k" arrow_parquet.py "$PARQUET" parquet --model "$MODELS/lr.joblib"
  fi
  for m in mlp hgb; do
    if want "csv-$m"; then
      bs "csv-$m.batchscore" "$k" "$CSV_JOB" "$CSV" "$NATIVE/$m.json" csv
      anchor "csv-$m.ort" "$k" ort.py "$CSV" csv --model "$MODELS/$m.onnx"
    fi
  done
  if want lua-hook; then
    bs lua-hook.batchscore-nohook "$k" "$ROOT/bench/lua/job-nohook.yaml" "$CSV" "$NATIVE/lr.json" csv
    bs lua-hook.batchscore-hook "$k" "$ROOT/bench/lua/job-rowwise.yaml" "$CSV" "$NATIVE/lr_fe.json" csv
    anchor lua-hook.vectorized "$k" rowwise_hook.py "$CSV" csv --model "$MODELS/lr_fe.joblib" --mode vectorized
    if ((slow)); then
      anchor lua-hook.apply "$k" rowwise_hook.py "$CSV" csv --model "$MODELS/lr_fe.joblib" --mode apply
    fi
  fi
  if want wide-logistic; then
    bs wide-logistic.batchscore "$k" "$CSV_JOB" "$WIDE" "$NATIVE/wide_lr.json" csv
    anchor wide-logistic.seed "$k" seed_inmemory.py "$WIDE" csv --model "$MODELS/wide_lr.joblib"
    anchor wide-logistic.ort "$k" ort.py "$WIDE" csv --model "$MODELS/wide_lr.onnx"
  fi
done

# ---------------------------------------------------------------------------------------------
step "6/6 results"
# a line above the table: when, which tree, which binary (BATCHSCORE_BIN may be built from elsewhere)
dirty=$(git status --porcelain --untracked-files=no -- Sources Package.swift 2>/dev/null | head -c1)
note="$(date -u +%F), tree $(git rev-parse --short HEAD 2>/dev/null || echo '?')${dirty:+ + uncommitted Sources changes},"
note+=" binary ${BIN#"$ROOT"/} ($("$BIN" --version)), $(nproc) cores"
status=0
"$PY" bench/engine/summarize.py --out-dir "$OUT" --rows "$ROWS" --big-rows "$BIG_ROWS" \
  --wide-rows "$WIDE_ROWS" --note "$note" --markdown "$OUT/table.md" || status=$?
rm -f "$OUT"/csv-logistic-10m.*.csv   # checked; about 0.5 GB each (the logs and reports stay)
exit "$status"
