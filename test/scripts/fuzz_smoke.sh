#!/usr/bin/env bash
# Fuzz smoke test: build the libFuzzer targets (ASan + UBSan) and run each
# for FUZZ_SMOKE_SECONDS (default 10) from the committed seed corpora.  Fails
# on any crash, sanitizer report, leak, timeout or out-of-memory.  Needs no
# server.  Longer runs: make fuzz FUZZ_SECONDS=1800 (docs/robustness.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s fuzz-build >/dev/null
bash test/fuzz/run.sh "${FUZZ_SMOKE_SECONDS:-10}"
