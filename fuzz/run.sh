#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs a campaign per target on a TEMPORARY copy of its corpus
# (the repository is never written). See fuzz/README.md.
#
#   fuzz/run.sh [--seconds N] [TARGET...]     (default: every target, 10M execs or 1 hour each)
#
# Prints one line per target, "TARGET: N execs, M crashes"; exits non-zero when any target crashed,
# hung (> 1 s on one input), ran out of memory or allocated past the bound. Findings are kept in
# $FUZZ_OUT (default a fresh /tmp folder, printed) for minimizing into fuzz/regressions/TARGET/.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
ROOT=$(pwd)
ALL=(csv jsonl spec parquet model-native model-xgboost model-lightgbm lua)
SECONDS_ARG=""
TARGETS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_ARG="$2"; shift 2 ;;
        --seconds=*) SECONDS_ARG="${1#*=}"; shift ;;
        -h|--help) sed -n 2,9p "$0"; exit 0 ;;
        *) TARGETS+=("$1"); shift ;;
    esac
done
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
    [[ " ${ALL[*]} " == *" $t "* ]] || { echo "unknown target '$t' (targets: ${ALL[*]})" >&2; exit 2; }
done
if [ -n "$SECONDS_ARG" ]; then LIMITS=(-max_total_time="$SECONDS_ARG"); else LIMITS=(-max_total_time=3600 -runs=10000000); fi
# -detect_leaks=0: LeakSanitizer reports Swift lazy globals (e.g. JobSections.output) as leaks (false positives).
BOUNDS=(-timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=65536 -detect_leaks=0)

# 1. The library, instrumented (coverage + ASan), in its own build folder (.build* is ignored).
BUILD=.build-fuzz
start=$(date +%s)
swift build -c release --build-path "$BUILD" --target ScoreFuzzTargets \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table -Xcc -fsanitize=fuzzer-no-link,address >"$BUILD.log" 2>&1 \
    || { tail -30 "$BUILD.log" >&2; echo "fuzz build failed (log: $BUILD.log)" >&2; exit 1; }
REL="$BUILD/release"
# 2. One binary per target: the harness file linked against the modules' objects. libFuzzer gives main.
OBJS=()
for m in ScoreCore ScoreIO ScoreJobSpec ScoreLinalg ScoreModels ScoreLua ScoreRuntime CLuaBridge Logging ScoreFuzzTargets; do
    OBJS+=("$REL/$m.build"/*.o)
done
INCS=(-I "$REL/Modules" -Xcc -fmodule-map-file="$REL/CLuaBridge.build/module.modulemap")
for d in Sources/C*/; do [ -f "$d/module.modulemap" ] && INCS+=(-I "$d"); done
INCS+=(-I Sources/CLuaBridge/include -I /usr/include/lua5.4)
LIBS=(-lyaml -llua5.4 -lsnappy -lz -lzstd -llz4 -lopenblas)
mkdir -p "$BUILD/bin"
for t in "${TARGETS[@]}"; do
    bin="$BUILD/bin/fuzz-$t"
    # Always relinked (a second or two): a stale binary would fuzz old, uninstrumented objects.
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz_${t//-/_}" "${INCS[@]}" \
        "fuzz/harness/$t.swift" "${OBJS[@]}" "${LIBS[@]}" -o "$bin" 2> >(grep -vi 'cannot export local symbol' >&2) \
        || { echo "linking $bin failed" >&2; exit 1; }
done
echo "fuzz binaries ready in $(( $(date +%s) - start )) s" >&2

# 3. The campaigns, each on a temporary corpus: the committed seeds plus seeds read in place from
#    tests, examples and ../shared/conformance (copied only into the temporary folder).
OUT=${FUZZ_OUT:-$(mktemp -d /tmp/batchscore-fuzz-run.XXXXXX)}
mkdir -p "$OUT"
echo "findings and logs: $OUT" >&2
CONF="$ROOT/../shared/conformance"
seed_extra() {  # TARGET DIR: extra seeds, in place, copied into DIR
    local t=$1 dir=$2 f
    case "$t" in
        csv) for f in "$CONF"/csv-spectrum/csvs/*.csv Tests/ScoreModelsTests/Fixtures/*.input.csv examples/churn/customers.manifest.csv; do
                 [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65535 ] && { printf '\0'; cat "$f"; } >"$dir/extra-$(basename "$f")"; done ;;
        jsonl) for f in "$CONF"/csv-spectrum/json/*.json; do [ -f "$f" ] && { printf '\0'; tr -d '\n' <"$f"; echo; } >"$dir/extra-$(basename "$f")"; done ;;
        parquet) for f in "$CONF"/parquet-testing/data/*.parquet "$CONF"/parquet-testing/bad_data/*.parquet; do
                 [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$dir/extra-$(basename "$f")"; done ;;
        model-native) for f in Tests/ScoreModelsTests/Fixtures/zoo/*.json examples/*/model.json; do
                 case "$f" in *xgboost*|*index.json) continue ;; esac
                 [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$dir/extra-$(basename "$f")"; done ;;
        model-xgboost) for f in Tests/ScoreModelsTests/Fixtures/zoo/*xgboost*.json; do
                 [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$dir/extra-$(basename "$f")"; done ;;
        model-lightgbm) for f in Tests/ScoreModelsTests/Fixtures/zoo/*lightgbm*.txt; do
                 [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$dir/extra-$(basename "$f")"; done ;;
        spec) for f in examples/*/*.yaml configs/*.yaml plugins/*/*.yaml plugins/*/*/*.yaml; do
                 [ -f "$f" ] && cp "$f" "$dir/extra-$(echo "$f" | tr / -)"; done ;;
    esac
    return 0
}
status=0
for t in "${TARGETS[@]}"; do
    work="$OUT/$t"; mkdir -p "$work/corpus" "$work/artifacts"
    cp fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null
    [ -d "fuzz/regressions/$t" ] && cp fuzz/regressions/"$t"/* "$work/corpus/" 2>/dev/null
    seed_extra "$t" "$work/corpus"
    # Known issues (fuzz/regressions/KNOWN_ISSUES) would stop the campaign at once: leave them out.
    if [ -f fuzz/regressions/KNOWN_ISSUES ]; then
        grep -o "^$t/[^ #]*" fuzz/regressions/KNOWN_ISSUES | while read -r k; do rm -f "$work/corpus/${k#*/}"; done
    fi
    (cd "$work" && ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$ROOT/$BUILD/bin/fuzz-$t" "${LIMITS[@]}" "${BOUNDS[@]}" -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" corpus >"$work/log" 2>&1)
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' | tail -1)
    [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' "$work/log" | tail -1 | tr -d '#')
    crashes=$(find "$work/artifacts" -type f | wc -l)
    [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1  # a failure without an artifact (e.g. OOM of the runner) still counts
    echo "$t: ${execs:-0} execs, $crashes crashes"
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        status=1
        grep -m1 -E 'ERROR: (libFuzzer|AddressSanitizer)|Fatal error|SUMMARY' "$work/log" | sed "s/^/  $t: /" >&2
        find "$work/artifacts" -type f | sed "s/^/  $t artifact: /" >&2
    fi
done
exit $status
