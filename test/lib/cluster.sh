# test/lib/cluster.sh — start and stop a throw-away PostgreSQL 15 cluster.
# Source it, then: cluster_start [extra postgres -c options...]; ... ; cluster_stop
# Exports PGHOST/PGPORT/PGUSER for psql and pg_regress.  Works as root (the
# server runs as the unprivileged user `postgres`, since it refuses root) and
# as a normal user.  Unix socket only: no TCP port, no clash with other clusters.

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
PGBIN=$("$PG_CONFIG" --bindir)
CLUSTER_USER=${PG_TEST_OS_USER:-postgres}

as_cluster_user() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$CLUSTER_DIR" && runuser -u "$CLUSTER_USER" -- "$@")
    else
        (cd "$CLUSTER_DIR" && "$@")
    fi
}

cluster_start() {
    # CLUSTER_DIR may be preset (the demo keeps its cluster); keep it short:
    # socket paths are limited to 107 bytes
    CLUSTER_DIR=${CLUSTER_DIR:-$(mktemp -d /tmp/prodtext-pg.XXXXXX)}
    CLUSTER_PORT=${CLUSTER_PORT:-54329}
    mkdir -p "$CLUSTER_DIR/sock"
    if [ "$(id -u)" -eq 0 ]; then
        id "$CLUSTER_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$CLUSTER_USER"
        chown -R "$CLUSTER_USER" "$CLUSTER_DIR"
    fi
    as_cluster_user "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        >"$CLUSTER_DIR/initdb.log" 2>&1 || { cat "$CLUSTER_DIR/initdb.log"; return 1; }
    local opts="-p $CLUSTER_PORT -k $CLUSTER_DIR/sock -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    for o in "$@"; do opts="$opts -c $o"; done
    as_cluster_user "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -t 60 -o "$opts" start >/dev/null \
        || { cat "$CLUSTER_DIR/server.log"; return 1; }
    export PGHOST=$CLUSTER_DIR/sock PGPORT=$CLUSTER_PORT PGUSER=postgres PGDATABASE=postgres
    unset PGPASSWORD PGSERVICE PGSSLMODE
}

cluster_stop() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    if [ -f "$CLUSTER_DIR/data/postmaster.pid" ]; then
        as_cluster_user "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || as_cluster_user "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$CLUSTER_DIR"
    CLUSTER_DIR=
}

cluster_log() { cat "$CLUSTER_DIR/server.log" 2>/dev/null; }
