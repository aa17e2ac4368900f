#!/usr/bin/env bash
# Run every prodtext test tier: C unit tests (no server), then build and
# install the extension, start a throw-away cluster, run pg_regress and the
# scripted tests against it, stop it.  Ends with "tests: N passed, M failed"
# and exits non-zero when anything failed.  Works as root on a fresh Debian 12.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

bash scripts/install-deps.sh || exit 1

passed=0
failed=0
count() {   # count LOG: adds a tier's last "N passed, M failed" line (none: one failure)
    local line p f
    line=$(grep -oE '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    [ -n "$line" ] || { failed=$((failed + 1)); return; }
    p=${line%% passed*}; f=${line#*, }; f=${f%% failed}
    passed=$((passed + p)); failed=$((failed + f))
}

LOGS=$(mktemp -d /tmp/prodtext-tests.XXXXXX)
source test/lib/cluster.sh
cleanup() { cluster_stop; rm -rf "$LOGS"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== build"
make -s PG_CONFIG="$PG_CONFIG" >/dev/null || { echo "build failed"; exit 1; }

echo "== unit tests (C, no server)"
make -s unittest 2>&1 | tee "$LOGS/unit.log"
count "$LOGS/unit.log"

echo "== unit tests under ASan + UBSan + LSan"
make -s unittest-asan 2>&1 | tee "$LOGS/unit-asan.log"
count "$LOGS/unit-asan.log"

echo "== install"
make -s install PG_CONFIG="$PG_CONFIG" >/dev/null || { echo "install failed"; exit 1; }

echo "== pg_regress"
cluster_start || exit 1
rm -f regression.diffs regression.out
make installcheck PG_CONFIG="$PG_CONFIG" 2>&1 | tee "$LOGS/regress.log"
rc=${PIPESTATUS[0]}
# PG 15 prints "name ... ok", PG 16+ prints TAP-like "ok N - name"
r_pass=$(grep -cE '\.\.\. +ok( |$)|^ok [0-9]+ ' "$LOGS/regress.log")
r_fail=$(grep -cE '\.\.\. +FAILED|^not ok [0-9]+ ' "$LOGS/regress.log")
[ "$rc" -ne 0 ] && [ "$r_fail" -eq 0 ] && r_fail=1
echo "regress: $r_pass passed, $r_fail failed"
passed=$((passed + r_pass)); failed=$((failed + r_fail))
if [ "$rc" -ne 0 ]; then
    [ -f regression.diffs ] && { echo "======== regression.diffs ========"; cat regression.diffs; }
    echo "======== server log (last 50 lines) ========"; cluster_log | tail -n 50
fi

echo "== scripted tests (test/scripts)"
for t in test/scripts/*.sh; do
    [ -e "$t" ] || continue
    if bash "$t" >"$LOGS/script.log" 2>&1; then
        echo "$(basename "$t") ... ok"; passed=$((passed + 1))
    else
        echo "$(basename "$t") ... FAILED"; failed=$((failed + 1)); cat "$LOGS/script.log"
    fi
done

if grep -qE 'terminated by signal|server process .* was terminated' "$CLUSTER_DIR/server.log" 2>/dev/null; then
    echo "a backend crashed during the tests:"; grep -E 'terminated by signal' "$CLUSTER_DIR/server.log"
    failed=$((failed + 1))
fi

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
