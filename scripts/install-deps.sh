#!/usr/bin/env bash
# Install the Debian packages prodtext needs to build, test and run (as root,
# or through sudo).  Idempotent: does nothing when everything is present.
#   scripts/install-deps.sh           build + test + run
#   scripts/install-deps.sh --train   also PyTorch and scikit-learn for `make models`
#   scripts/install-deps.sh --bench   also PL/Python, PyTorch and gnuplot for `make bench`
set -euo pipefail

pkgs=(build-essential pkg-config postgresql-15 postgresql-server-dev-15 libopenblas-dev
      clang libclang-rt-14-dev    # clang + libFuzzer: make fuzz, test/scripts/fuzz_smoke.sh
      python3-numpy)              # test/scripts/trust.sh reads the dev sets through the core
[ "${1:-}" = "--train" ] && pkgs+=(python3-torch python3-sklearn python3-scipy python3-numpy)
[ "${1:-}" = "--bench" ] && pkgs+=(postgresql-plpython3-15 python3-torch python3-scipy python3-sklearn gnuplot-nox)

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "== installing: ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
