#!/usr/bin/env bash
# The job service's overhead: one job through `batchscore-server` (submitted -> finished, by the
# server's timestamps) against the same job with `batchscore run`, paired runs in one session, medians and the ratio;
# then submit -> running latency on an idle server. Release builds.
#
#   bash bench/service/run.sh              # 10M rows, 3 pairs
#   BENCH_ROWS=1000000 BENCH_REPEAT=5 bash bench/service/run.sh
#   BENCH_SKIP_BUILD=1                     # use the existing release binaries
#   BATCHSCORE_BIN_DIR=DIR                 # where batchscore and batchscore-server are (.build/release)
#
# Target (issue 13): service / CLI <= 1.05; submit -> running p99 <= 50 ms.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
BENCH_NAME=bench/service
OUT=$ROOT/bench/out/service
ANCHORS=${ANCHORS:-$ROOT/../shared/anchors}
source bench/lib.sh
ROWS=${BENCH_ROWS:-10000000}
REPEAT=${BENCH_REPEAT:-3}
LABEL=$((ROWS / 1000000))m; ((ROWS >= 1000000)) || LABEL=$((ROWS / 1000))k
DATA_DIR=$ROOT/bench/data
DATA=$DATA_DIR/customers_$LABEL.csv
MODEL_DIR=$DATA_DIR/model
BIN_DIR=${BATCHSCORE_BIN_DIR:-$ROOT/.build/release}

step "1/5 python environment, data, model"
ensure_python_env "numpy, pandas, sklearn, joblib" numpy pandas scikit-learn joblib pyarrow
ensure_gnu_time
mkdir -p "$OUT" "$MODEL_DIR"
ensure_data "$ANCHORS" "$ROWS" "$DATA"
if [[ ! -s $MODEL_DIR/lr.json ]]; then
  "$PY" bench/train_bench_model.py "$DATA" --out-dir "$MODEL_DIR" --sample 100000
fi

step "2/5 build: swift build -c release"
build_release
[[ -x $BIN_DIR/batchscore && -x $BIN_DIR/batchscore-server ]] || die "release binaries not found in $BIN_DIR"

# One job file for both: paths relative to bench/data, which is the CLI job's folder and the
# server's allowed root alike. The service writes into its job folder, the CLI into bench/out.
JOB=$DATA_DIR/service-job.yaml
cat >"$JOB" <<YAML
version: 1
name: bench-service
reader: { type: csv, path: customers_$LABEL.csv }
validate:
  - { type: finite }
model: { path: model/lr.json }
writer: { type: csv, path: service-out/predictions.csv }
runtime: { batch_rows: auto, workers: auto }
YAML
TINY=$DATA_DIR/service-tiny.yaml
head -101 "$DATA" >"$DATA_DIR/customers_100.csv"
sed "s/customers_$LABEL.csv/customers_100.csv/" "$JOB" >"$TINY"

step "3/5 server"
SERVE_DATA=$OUT/serve-data
rm -rf "$SERVE_DATA"
TOKEN=$("$BIN_DIR/batchscore-server" token create --data "$SERVE_DATA" --scope read,submit)
"$BIN_DIR/batchscore-server" serve --data "$SERVE_DATA" --listen 127.0.0.1:0 --allow-root "$DATA_DIR" \
  >"$OUT/serve.out" 2>"$OUT/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$OUT/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$OUT/serve.out")
[[ -n $URL ]] || die "the server did not start: $(tail -5 "$OUT/serve.log")"
echo "server at $URL (pid $SERVER)"

step "4/5 $REPEAT paired runs, $ROWS rows"
cli=() service=()
# Each run starts with the disk quiet: the last run's outputs deleted and written back (`sync`), or
# the writeback of one run's gigabyte lands on the next (measured: the CLI writing a new file each
# time took 3.35, 3.95, 3.75 s).
quiet() { rm -rf "$DATA_DIR/service-out" "$SERVE_DATA"/jobs/*/out; sync; }
for k in $(seq "$REPEAT"); do
  quiet
  start=$(date +%s%N)
  "$BIN_DIR/batchscore" run "$JOB" --progress none >"$OUT/cli_$k.log" 2>&1 || die "the CLI run failed: $(tail -3 "$OUT/cli_$k.log")"
  end=$(date +%s%N)
  c=$(awk "BEGIN{printf \"%.3f\", ($end - $start) / 1e9}")
  cp "$DATA_DIR/service-out/predictions.csv" "$OUT/cli-predictions.csv"
  quiet
  read -r s state seen < <("$PY" bench/service/drive.py job "$URL" "$TOKEN" "$JOB")
  [[ $state == succeeded ]] || die "the service run ended $state"
  cli+=("$c") service+=("$s")
  echo "pair $k: cli ${c} s, service ${s} s (the poller saw it end after ${seen} s)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mc=$(median "${cli[@]}") ms=$(median "${service[@]}")
rss=$(awk '/VmHWM/{print int($2/1024)}' /proc/$SERVER/status)
echo "median: cli $mc s, service $ms s, service/cli $(awk "BEGIN{printf \"%.3f\", $ms / $mc}") (target <= 1.05); server peak RSS $rss MB"
# Both wrote the same bytes.
last=$(ls -t "$SERVE_DATA"/jobs/*/out/service-out/predictions.csv | head -1)
cmp -s "$last" "$OUT/cli-predictions.csv" && echo "outputs: identical" || die "the service's output differs from the CLI's"
rm -f "$OUT/cli-predictions.csv"

step "5/5 submit -> running on an idle server (100 tiny jobs, one at a time)"
"$PY" bench/service/drive.py probe "$URL" "$TOKEN" "$TINY" 100
echo
echo "== 200 concurrent submissions of the tiny job"
"$PY" bench/service/drive.py burst "$URL" "$TOKEN" "$TINY" 200
