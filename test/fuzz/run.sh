#!/usr/bin/env bash
# Run libFuzzer targets for a bounded time each: test/fuzz/run.sh SECONDS [fuzz_text fuzz_model ...]
# (no targets: all of build/fuzz/).  Build them first with `make fuzz-build`.
# Seeds come from test/fuzz/corpus/<name>/ (read only); new inputs go to a
# scratch corpus under $FUZZ_WORK (default: a temporary directory, removed
# afterwards unless FUZZ_KEEP=1), crash/leak/timeout reproducers to
# $FUZZ_WORK/artifacts/.  Prints one summary line per target
#   fuzz_<name>: <runs> execs in <s> s, <n> crashes
# and exits non-zero if any target found a crash, a leak, a timeout or
# ran out of memory.  Reproduce one with: build/fuzz/fuzz_<name> <artifact>
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(cd build/fuzz 2>/dev/null && ls fuzz_* 2>/dev/null))
[ ${#targets[@]} -gt 0 ] || { echo "no fuzz targets: run make fuzz-build"; exit 1; }
work=${FUZZ_WORK:-$(mktemp -d /tmp/prodtext-fuzz.XXXXXX)}
[ -n "${FUZZ_WORK:-}" ] || [ "${FUZZ_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/artifacts"
# leaks are failures; hangs over 10 s per input are failures; 2 GB RSS cap
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export OPENBLAS_NUM_THREADS=1

fail=0
for t in "${targets[@]}"; do
    name=${t#fuzz_}
    bin=build/fuzz/$t
    [ -x "$bin" ] || { echo "$t: not built ($bin)"; fail=1; continue; }
    mkdir -p "$work/corpus/$name"
    maxlen=4096; [ "$name" = model ] && maxlen=16384
    opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen
          -print_final_stats=1 -artifact_prefix="$work/artifacts/$t-")
    [ -f "test/fuzz/$name.dict" ] && opts+=(-dict="test/fuzz/$name.dict")
    log=$work/$t.log
    "$bin" "${opts[@]}" "$work/corpus/$name" "test/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1)
    crashes=$(ls "$work/artifacts/$t-"* 2>/dev/null | wc -l)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
    echo "$t: ${runs:-0} execs in $secs s, ${cov:-cov: ?} edges, $crashes crashes (exit $rc)"
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        fail=1
        echo "---- $t: last 60 lines of $log"; tail -n 60 "$log"
        for a in "$work/artifacts/$t-"*; do
            [ -e "$a" ] && { echo "---- reproducer $a (base64):"; head -c 4096 "$a" | base64 -w 0; echo; }
        done
    fi
done
exit $fail
