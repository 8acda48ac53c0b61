#!/usr/bin/env bash
# The model zoo against the Python libraries, side by side in one run (issue 4, "Performance").
#
# Usage (from anywhere):
#   bench/models/run.sh
#
# 1. Tree model throughput, predict alone: XGBoost Booster.inplace_predict on xgb.json and LightGBM
#    Booster.predict on lgbm.txt (bench/models/predict_alone.py: float64 numpy array of the 4
#    features in memory, best of 3), vs BatchScore on the same model files and data. The CLI has no
#    predict-only entry point, so BatchScore's predict time is measured by difference:
#      (whole-process `batchscore run` with the tree model) - (the same run with the anchors'
#      logistic model on the same 4 features), medians of BENCH_REPEAT runs each.
#    Both runs read, validate and write the same columns, so the difference is the tree model's
#    cost beyond a 4-coefficient dot product.
# 2. End to end CSV -> CSV, whole process under /usr/bin/time -v (wall, peak RSS), median of
#    BENCH_REPEAT: `batchscore run` with the HistGradientBoosting / MLP bundles exported by
#    tools/export_sklearn.py vs ../shared/anchors/ort.py with the matching skl2onnx models; outputs
#    checked for agreement (identical prediction, confidence within 1e-5: ONNX computes in float32).
# 3. A table: scenario, tool, seconds, rows/s, peak RSS MB, ratio, target, met?
#
# Environment knobs:
#   BENCH_REPEAT=3            whole-process runs per command (alternating); medians are reported
#   BENCH_PREDICT_REPEAT=3    predict calls per Python library (best of)
#   BENCH_SKIP_BUILD=1        don't run `swift build -c release` (use the existing binary)
#   BENCH_REGEN=1             regenerate the data and retrain the anchor models
#   ANCHORS=../shared/anchors where gen_data.py, train.py and ort.py live
#
# Data: bench/data/customers_1m.csv (shared with bench/run.sh), bench/data/customers_1m.parquet and
# bench/data/wide_200k.csv (train.py's inputs); models: bench/data/anchor-models/ (train.py's output)
# and bench/data/anchor-models/native/ (our exports). Reports and outputs: bench/out/models/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
ROWS=1000000                      # train.py reads customers_1m.parquet: the bench is 1M rows only
REPEAT=${BENCH_REPEAT:-3}
PREDICT_REPEAT=${BENCH_PREDICT_REPEAT:-3}
ANCHORS=${ANCHORS:-../shared/anchors}
ANCHORS=$(cd "$ANCHORS" 2>/dev/null && pwd || echo "$ANCHORS")
PY=$ROOT/.venv/bin/python
BIN=$ROOT/.build/release/batchscore

DATA=$ROOT/bench/data/customers_1m.csv
MODELS=$ROOT/bench/data/anchor-models
NATIVE=$MODELS/native
OUT=$ROOT/bench/out/models
JOB=$ROOT/bench/job-csv-logistic.yaml   # reader csv -> finite -> model -> csv writer (default output)

BENCH_NAME=bench/models/run.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

for f in gen_data.py train.py ort.py; do
  [[ -f $ANCHORS/$f ]] || die "anchors not found at $ANCHORS (no $f; set ANCHORS=...)"
done

# ---------------------------------------------------------------------------------------------
step "1/7 python environment (.venv)"
ensure_python_env "numpy, pandas, sklearn, joblib, pyarrow, onnxruntime, skl2onnx, onnx, xgboost, lightgbm" \
  numpy pandas scikit-learn joblib pyarrow onnxruntime skl2onnx onnx xgboost lightgbm
"$PY" -c 'import xgboost, lightgbm, onnxruntime; print(f"xgboost {xgboost.__version__}, lightgbm {lightgbm.__version__}, onnxruntime {onnxruntime.__version__}")'
ensure_gnu_time

# ---------------------------------------------------------------------------------------------
step "2/7 data: 1M rows -> ${DATA#"$ROOT"/}"
mkdir -p "$OUT"
ensure_data "$ANCHORS" "$ROWS" "$DATA"

# ---------------------------------------------------------------------------------------------
step "3/7 models: ../shared/anchors/train.py -> ${MODELS#"$ROOT"/}, native exports -> ${NATIVE#"$ROOT"/}"
# train.py (if a model is missing) reads bench/data/customers_1m.parquet and bench/data/wide_200k.csv
ensure_anchor_models "$ANCHORS" "$ROOT/bench/data" "$MODELS"
export_native "$MODELS" hgb mlp lr

# ---------------------------------------------------------------------------------------------
step "4/7 build: swift build -c release"
build_release
[[ -x $BIN ]] || die "$BIN not found: build it (swift build -c release)"
for m in "$MODELS/xgb.json" "$MODELS/lgbm.txt" "$NATIVE/hgb.json" "$NATIVE/mlp.json" "$NATIVE/lr.json"; do
  "$BIN" model inspect "$m" | head -n 1
done

rm -f "$OUT"/time_*.txt "$OUT"/*.log "$OUT"/*.csv "$OUT"/*.npy "$OUT"/predict_alone.json
cat "$DATA" >/dev/null   # warm the page cache so no run pays for the first read

# ---------------------------------------------------------------------------------------------
step "5/7 predict alone, Python: inplace_predict / predict on a 1M x 4 float64 array (best of $PREDICT_REPEAT)"
"$PY" bench/models/predict_alone.py "$DATA" --xgb "$MODELS/xgb.json" --lgbm "$MODELS/lgbm.txt" \
  --out-dir "$OUT" --repeat "$PREDICT_REPEAT"

# run_bs TOOL K MODEL: `batchscore run` of the bench job with MODEL, output $OUT/TOOL.csv
run_bs() {
  BENCH_INPUT=$DATA BENCH_MODEL=$3 BENCH_OUTPUT=$OUT/$1.csv \
    timed "$1" "$2" "$BIN" run "$JOB" --progress none
}
# run_ort TOOL K MODEL.onnx: ../shared/anchors/ort.py, output $OUT/TOOL.csv
run_ort() {
  timed "$1" "$2" "$PY" "$ANCHORS/ort.py" "$DATA" "$OUT/$1.csv" --model "$3"
}

step "6/7 timed whole-process runs ($REPEAT each, alternating)"
for ((k = 1; k <= REPEAT; k++)); do
  run_bs bs-linear "$k" "$NATIVE/lr.json"
  run_bs bs-xgb "$k" "$MODELS/xgb.json"
  run_bs bs-lgbm "$k" "$MODELS/lgbm.txt"
  run_bs bs-hgb "$k" "$NATIVE/hgb.json"
  run_ort ort-hgb "$k" "$MODELS/hgb.onnx"
  run_bs bs-mlp "$k" "$NATIVE/mlp.json"
  run_ort ort-mlp "$k" "$MODELS/mlp.onnx"
done

# ---------------------------------------------------------------------------------------------
step "7/7 results"
"$PY" bench/models/summarize.py --rows "$ROWS" --out-dir "$OUT" --markdown "$OUT/table.md"
