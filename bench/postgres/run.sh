#!/usr/bin/env bash
# PostgreSQL as a reader and a writer against CSV files: the same 1M-row job (logistic model)
# CSV -> CSV, PostgreSQL -> CSV (COPY out), CSV -> PostgreSQL (COPY in, one transaction) and
# PostgreSQL -> PostgreSQL, in rounds (each round runs all four), medians, rows/s and the ratio to
# CSV -> CSV, with each run's peak RSS. A private PostgreSQL server (initdb in a temporary folder, Unix socket only, default
# durability settings) is started and stopped by the script. Release build.
#
#   bash bench/postgres/run.sh                 # 1M rows, 3 rounds
#   BENCH_ROWS=200000 BENCH_REPEAT=5 bash bench/postgres/run.sh
#   BENCH_SKIP_BUILD=1 BATCHSCORE_BIN_DIR=DIR  # use existing release binaries
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
BENCH_NAME=bench/postgres
OUT=$ROOT/bench/out/postgres
ANCHORS=${ANCHORS:-$ROOT/../shared/anchors}
source bench/lib.sh
ROWS=${BENCH_ROWS:-1000000}
REPEAT=${BENCH_REPEAT:-3}
DATA_DIR=$ROOT/bench/data
BIN_DIR=${BATCHSCORE_BIN_DIR:-$ROOT/.build/release}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $PGBIN/initdb ]] || die "no PostgreSQL server binaries (apt-get install postgresql)"

step "1/4 python environment, data, model"
ensure_python_env "numpy, pandas, sklearn, joblib" numpy pandas scikit-learn joblib pyarrow
ensure_gnu_time
mkdir -p "$OUT" "$DATA_DIR/model"
LABEL=$((ROWS / 1000))k
DATA=$DATA_DIR/customers_pg_$LABEL.csv
ensure_data "$ANCHORS" "$ROWS" "$DATA"
if [[ ! -s $DATA_DIR/model/lr.json ]]; then
  "$PY" bench/train_bench_model.py "$DATA" --out-dir "$DATA_DIR/model" --sample 100000
fi

step "2/4 build: swift build -c release"
build_release
[[ -x $BIN_DIR/batchscore ]] || die "release binary not found in $BIN_DIR"

step "3/4 a private PostgreSQL, the data loaded"
PGDIR=$(mktemp -d /tmp/batchscore-bench-pg-XXXXXX)
AS=(); [[ $(id -u) == 0 ]] && { chown postgres "$PGDIR"; AS=(runuser -u postgres --); }
cleanup() { "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
trap cleanup EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U batchscore -E UTF8 --locale=C >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
  -o "-c listen_addresses='' -k $PGDIR -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
URL="postgresql://batchscore@/postgres?host=$PGDIR"
psql() { "$PGBIN/psql" "$URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -c "CREATE TABLE customers (id bigint PRIMARY KEY, age integer, income double precision, credit_score integer, num_transactions integer, region text, churn integer)"
psql -c "\\copy customers FROM '$DATA' WITH (FORMAT csv, HEADER true)"
psql -c "VACUUM ANALYZE customers"
echo "loaded $(psql -At -c 'SELECT count(*) FROM customers') rows"

job() {  # job NAME READER WRITER
  cat >"$OUT/$1.yaml" <<YAML
version: 1
name: $1
reader: $2
validate:
  - { type: finite }
model: { path: $DATA_DIR/model/lr.json }
writer: $3
quarantine: { path: $OUT/$1.rejected.csv }
runtime: { batch_rows: auto, workers: auto }
YAML
}
job csv_csv "{ type: csv, path: $DATA }" "{ type: csv, path: $OUT/csv_csv.csv }"
job pg_csv "{ type: postgres, url: \"$URL\", query: \"SELECT * FROM customers\", order_by: [id] }" "{ type: csv, path: $OUT/pg_csv.csv }"
job csv_pg "{ type: csv, path: $DATA }" "{ type: postgres, url: \"$URL\", table: scores_csv_pg, mode: replace }"
job pg_pg "{ type: postgres, url: \"$URL\", query: \"SELECT * FROM customers\", order_by: [id] }" "{ type: postgres, url: \"$URL\", table: scores_pg_pg, mode: replace }"

step "4/4 $REPEAT rounds, $ROWS rows"
declare -A times
for k in $(seq 1 "$REPEAT"); do
  line="round $k:"
  for name in csv_csv pg_csv csv_pg pg_pg; do
    rm -f "$OUT/$name.csv"; sync
    start=$(date +%s%N)
    /usr/bin/time -v -o "$OUT/$name.time" "$BIN_DIR/batchscore" run "$OUT/$name.yaml" --progress none >"$OUT/$name.log" 2>&1 \
      || { tail "$OUT/$name.log"; die "$name failed"; }
    end=$(date +%s%N)
    t=$(( (end - start) / 1000000 ))
    times[$name]+="$t "
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/$name.time")
    line+=" $name $(printf '%d.%03d' $((t / 1000)) $((t % 1000))) s ($((rss / 1024)) MB)"
  done
  echo "$line"
done
# The outputs hold the same values: the PostgreSQL -> CSV file against CSV -> CSV, cell by cell as
# numbers where they are numbers (a passed-through column keeps its source's text: the CSV file's
# `33330.0` is PostgreSQL's `33330`), and both tables' row counts.
"$PY" - "$OUT/csv_csv.csv" "$OUT/pg_csv.csv" <<'PY'
import csv, sys
from itertools import zip_longest
def cells(path):
    with open(path, newline="") as f:
        for row in csv.reader(f):
            yield [float(c) if c.replace(".", "", 1).replace("-", "", 1).replace("e", "", 1).isdigit() else c for c in row]
same = all(a == b for a, b in zip_longest(cells(sys.argv[1]), cells(sys.argv[2])))
print("PostgreSQL -> CSV output: " + ("the same values as CSV -> CSV" if same else "DIFFERS from CSV -> CSV"))
PY
# The anchor for the writer: PostgreSQL's own COPY of the CSV -> CSV output file into a fresh
# table, in one transaction (what psql's \copy does), with no scoring at all.
psql -c "CREATE TABLE copy_anchor (LIKE scores_csv_pg)"
anchor=""
for k in $(seq 1 "$REPEAT"); do
  psql -c "TRUNCATE copy_anchor"
  start=$(date +%s%N)
  psql -c "\\copy copy_anchor FROM '$OUT/csv_csv.csv' WITH (FORMAT csv, HEADER true)"
  end=$(date +%s%N)
  anchor+="$(( (end - start) / 1000000 )) "
done
for t in scores_csv_pg scores_pg_pg; do
  echo "$t: $(psql -At -c "SELECT count(*) FROM $t") rows"
done
"$PY" - "$ROWS" "${times[csv_csv]}" "${times[pg_csv]}" "${times[csv_pg]}" "${times[pg_pg]}" "$anchor" <<'PY'
import statistics, sys
rows = int(sys.argv[1])
names = ["CSV -> CSV", "PostgreSQL -> CSV (COPY out)", "CSV -> PostgreSQL (COPY in)", "PostgreSQL -> PostgreSQL",
         "anchor: psql \\copy of the output"]
medians = [statistics.median(int(x) for x in arg.split()) / 1000 for arg in sys.argv[2:]]
for name, m in zip(names, medians):
    print(f"{name:36} median {m:6.3f} s  {rows / m:12,.0f} rows/s  ratio to CSV -> CSV {m / medians[0]:.2f}")
print(f"CSV -> PostgreSQL against the anchor (scoring + COPY in vs COPY alone): {medians[2] / medians[4]:.2f}")
PY
