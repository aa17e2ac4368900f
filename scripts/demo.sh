#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to prodtext answering queries:
# installs the packages, builds and installs the extension, starts a local
# PostgreSQL 15 cluster if none is reachable (and leaves it running), loads a
# small sample catalog (demo/sample.sql) and prints what the functions return.
set -euo pipefail
cd "$(dirname "$0")/.."
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

bash scripts/install-deps.sh
echo "== build and install"
make -s PG_CONFIG="$PG_CONFIG" >/dev/null
make -s install PG_CONFIG="$PG_CONFIG" >/dev/null

PSQL="$("$PG_CONFIG" --bindir)/psql"
if ! "$PSQL" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    source test/lib/cluster.sh
    CLUSTER_DIR=/tmp/prodtext-demo
    CLUSTER_PORT=5499
    # the demo cluster of an earlier run, if it still answers (a socket file can outlive its server)
    if [ -S "$CLUSTER_DIR/sock/.s.PGSQL.$CLUSTER_PORT" ] &&
       "$PSQL" -h "$CLUSTER_DIR/sock" -p "$CLUSTER_PORT" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
        export PGHOST=$CLUSTER_DIR/sock PGPORT=$CLUSTER_PORT PGUSER=postgres PGDATABASE=postgres
    else
        rm -rf "$CLUSTER_DIR"
        cluster_start
    fi
    echo "== using the demo cluster: psql -h $PGHOST -p $PGPORT -U postgres"
    echo "   (stop it with: runuser -u postgres -- $PGBIN/pg_ctl -D $CLUSTER_DIR/data stop)"
fi

# a database of its own, so the demo never touches the user's data
export PGOPTIONS="-c client_min_messages=warning"
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS prodtext_demo' -c 'CREATE DATABASE prodtext_demo'
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d prodtext_demo -c 'CREATE EXTENSION prodtext' -f demo/sample.sql
"$PSQL" -X -v ON_ERROR_STOP=1 -d prodtext_demo -f demo/queries.sql
echo "== the sample catalog stays in database prodtext_demo"
