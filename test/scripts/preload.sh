#!/usr/bin/env bash
# With shared_preload_libraries = 'prodtext' the postmaster maps every model
# once: a brand-new backend already has them (loaded = true before any use)
# and scores without opening a file.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh
unset CLUSTER_DIR
CLUSTER_PORT=54331
trap cluster_stop EXIT
cluster_start "shared_preload_libraries=prodtext"
psql -X -q -c 'CREATE EXTENSION prodtext'
loaded=$(psql -X -At -c 'SELECT bool_and(loaded) AND count(*) >= 2 FROM prodtext_models()')
[ "$loaded" = t ] || { echo "FAIL: models not preloaded: $(psql -X -c 'TABLE prodtext_models()')"; exit 1; }
out=$(psql -X -At -c "SELECT sentiment('love it, works great') > 0, sentiment('太差了，不会再买') < 0")
[ "$out" = "t|t" ] || { echo "FAIL: scores under preload: $out"; exit 1; }
echo "ok: models mapped by the postmaster and used by a new backend"
