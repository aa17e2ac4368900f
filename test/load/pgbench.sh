#!/usr/bin/env bash
# Load: pgbench with many clients mixing every prodtext function for a fixed
# time; passes only with zero failed transactions, no error and no server
# restart, and reports the throughput.  Not part of CI (2 minutes); run it
# by hand (docs/robustness.md has the figures):
#   bash test/load/pgbench.sh [SECONDS] [CLIENTS]     default 120 s, 16 clients
# Uses the cluster in PGHOST/PGPORT when set and reachable, otherwise starts
# a throw-away one (test/lib/cluster.sh) after `make install`.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-${LOAD_SECONDS:-120}}
clients=${2:-${LOAD_CLIENTS:-16}}
threads=${LOAD_THREADS:-2}
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
PGBENCH=$("$PG_CONFIG" --bindir)/pgbench
export PGDATABASE=${PGDATABASE:-postgres}

own=0
if ! psql -X -q -c 'SELECT 1' >/dev/null 2>&1; then
    make -s PG_CONFIG="$PG_CONFIG" >/dev/null && make -s install PG_CONFIG="$PG_CONFIG" >/dev/null || exit 1
    source test/lib/cluster.sh
    CLUSTER_PORT=${CLUSTER_PORT:-54335}
    cluster_start "max_connections=$((clients + 10))" || exit 1
    own=1
    trap cluster_stop EXIT
fi
psql -X -q -c 'CREATE EXTENSION IF NOT EXISTS prodtext' 2>/dev/null
work=$(mktemp -d /tmp/prodtext-load.XXXXXX)
chmod 755 "$work"
trap '[ $own = 1 ] && cluster_stop; rm -rf "$work"' EXIT

# a small review table for the aggregate
psql -X -q <<'SQL'
DROP TABLE IF EXISTS prodtext_load_reviews;
CREATE TABLE prodtext_load_reviews AS
SELECT g AS id, g % 50 AS product,
       (ARRAY['Great value, works as described.', 'Broke after two days, very disappointed.',
              '质量很好，物流也快', '太差了，不会再买', 'OK for the price <b>but</b> noisy &amp; hot.',
              'Love it 😀 would buy again!!', '', 'meh'])[1 + g % 8] || ' #' || g AS body
FROM generate_series(1, 5000) g;
ANALYZE prodtext_load_reviews;
SQL
pid0=$(psql -X -At -c "SELECT pg_postmaster_start_time()")

# the mix: every function, random inputs from the table, each script equally likely
cat >"$work/scalar.sql" <<'SQL'
\set id random(1, 5000)
SELECT sentiment(body), sentiment_label(body) FROM prodtext_load_reviews WHERE id = :id;
SQL
cat >"$work/array.sql" <<'SQL'
\set id random(1, 4950)
SELECT sentiment(array_agg(body)) FROM prodtext_load_reviews WHERE id BETWEEN :id AND :id + 49;
SQL
cat >"$work/avg.sql" <<'SQL'
\set p random(0, 49)
SELECT sentiment_avg(body) FROM prodtext_load_reviews WHERE product = :p AND id <= 2000;
SQL
cat >"$work/explain.sql" <<'SQL'
\set id random(1, 5000)
SELECT count(*) FROM prodtext_load_reviews r, sentiment_explain(r.body) WHERE id = :id;
SQL
cat >"$work/hostile.sql" <<'SQL'
\set n random(1, 2000)
SELECT sentiment(repeat('<p>good &amp; bad ', :n)), sentiment(repeat('😀', :n)), sentiment('');
SQL
cat >"$work/models.sql" <<'SQL'
SELECT count(*) FROM prodtext_models() WHERE loaded;
SQL

echo "== pgbench: $clients clients, $threads threads, $secs s, scripts: scalar array avg explain hostile models(1/20 weight)"
"$PGBENCH" -n -c "$clients" -j "$threads" -T "$secs" -P $(( secs >= 20 ? 10 : 5 )) --failures-detailed \
    -f "$work/scalar.sql@20" -f "$work/array.sql@20" -f "$work/avg.sql@20" \
    -f "$work/explain.sql@20" -f "$work/hostile.sql@19" -f "$work/models.sql@1" \
    >"$work/out" 2>&1
rc=$?
cat "$work/out" | grep -vE '^progress' | sed -n '/^transaction type/,$p'
grep -E '^progress' "$work/out" | tail -n 3
tps=$(grep -oE 'tps = [0-9.]+' "$work/out" | head -n 1)
failed=$(grep -oE 'number of failed transactions: [0-9]+' "$work/out" | head -n 1 | grep -oE '[0-9]+$')
xacts=$(grep -oE 'number of transactions actually processed: [0-9]+' "$work/out" | grep -oE '[0-9]+$')
errs=$(grep -cE 'ERROR|FATAL|aborted' "$work/out")
pid1=$(psql -X -At -c "SELECT pg_postmaster_start_time()" 2>/dev/null)
restarted=0
# a crash shows as aborted clients and killed sessions; the log, when we own it, tells for sure
if [ $own = 1 ] && grep -qE 'terminated by signal' "$CLUSTER_DIR/server.log"; then restarted=1; fi
[ "$pid0" = "$pid1" ] || restarted=1
echo "load: $clients clients, $secs s: ${xacts:-0} transactions, ${tps:-tps = ?}, failed ${failed:-?}, error lines $errs, server restarted: $restarted"
[ "$rc" -eq 0 ] && [ "${failed:-1}" -eq 0 ] && [ "$errs" -eq 0 ] && [ "$restarted" -eq 0 ] && [ "${xacts:-0}" -gt 0 ]
