#!/usr/bin/env bash
# Install the Debian packages prodtext needs to build, test and run (as root,
# or through sudo).  Idempotent: does nothing when everything is present.
#   scripts/install-deps.sh           build + test + run
#   scripts/install-deps.sh --train   also PyTorch and scikit-learn for `make models`
set -euo pipefail

pkgs=(build-essential pkg-config postgresql-15 postgresql-server-dev-15 libopenblas-dev)
[ "${1:-}" = "--train" ] && pkgs+=(python3-torch python3-sklearn python3-scipy python3-numpy)

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
