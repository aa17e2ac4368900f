#!/usr/bin/env bash
# test/scale/sharded.sh — prodtext scaled out on PostgreSQL's own machinery.
#
# Starts a coordinator and two shard clusters (unix sockets only, no TCP),
# installs prodtext on all three, hash-partitions a reviews table by
# product_id over postgres_fdw foreign partitions (async_capable, server
# option extensions 'prodtext'), loads a few thousand reviews, and then:
#   - shows with EXPLAIN (VERBOSE, COSTS OFF) where each model function is
#     evaluated, and asserts exactly what PostgreSQL 15's postgres_fdw ships
#     to the shards (grep on the "Remote SQL:" lines) and what it does not;
#   - checks that every distributed result equals a single-node run over a
#     local copy of the same rows on the coordinator;
#   - reports rows/s of a full-table sentiment() over one shard vs two shards.
# Stops every cluster on exit, also on failure.  Ends with
# "scale: N passed, M failed"; exits non-zero when anything failed.
#
# The extension must already be installed (make install).  Environment:
#   PG_CONFIG        default /usr/lib/postgresql/15/bin/pg_config
#   SCALE_PORT_BASE  default 55200 (coordinator), +1 and +2 for the shards
#   SCALE_ROWS       default 3000 rows
#   SCALE_DATA       default ../shared/data/reviews (real reviews, if present;
#                    otherwise rows are generated from demo/sample.sql)
#   SCALE_HOLD=N     keep the clusters N seconds before stopping them (debugging)
#
# Adding a function (summarize, rewrite, summarize_agg) is one line in the
# lists below: SCALARS for row functions, AGGREGATES for aggregates.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
PGBIN=$("$PG_CONFIG" --bindir)

# ---- the functions under test ------------------------------------------------
# SCALARS: "column|expression over body|a WHERE predicate using it"
#   column: the name the function's value gets in the shard views (*_scored)
SCALARS=(
    "sentiment|sentiment(body)|sentiment(body) < 0"
    "sentiment_label|sentiment_label(body)|sentiment_label(body) = 'negative'"
    # "summary|summarize(body)|length(summarize(body)) < 40"        # issue 4
    # "rewritten|rewrite(body)|rewrite(body) <> body"                # issue 5
)
# AGGREGATES: "expression|comparison of distributed d.v with single-node l.v"
AGGREGATES=(
    "sentiment_avg(body)|abs(d.v - l.v) < 1e-5"
    # "summarize_agg(body)|d.v = l.v"                                # issue 6
)

PORT0=${SCALE_PORT_BASE:-55200}
PORTS=("$PORT0" $((PORT0 + 1)) $((PORT0 + 2)))     # coordinator, shard1, shard2
ROWS=${SCALE_ROWS:-3000}
DATA=${SCALE_DATA:-$ROOT/../shared/data/reviews}
RUN_AS=${PG_TEST_OS_USER:-postgres}

# whatever the caller's cluster is (test/run-tests.sh exports its own), use ours
unset PGHOST PGPORT PGDATABASE PGSERVICE PGOPTIONS PGPASSWORD PGSSLMODE
export PGUSER=postgres

BASE=$(mktemp -d /tmp/pt-scale.XXXXXX)       # short: socket paths are limited to 107 bytes
SOCK=$BASE/sock
mkdir -p "$SOCK"
if [ "$(id -u)" -eq 0 ]; then
    id "$RUN_AS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_AS"
    chown -R "$RUN_AS" "$BASE"
    as_pg() { (cd "$BASE" && runuser -u "$RUN_AS" -- "$@"); }
else
    as_pg() { (cd "$BASE" && "$@"); }
fi

cleanup() {
    local rc=$?
    for i in 0 1 2; do
        if [ -f "$BASE/d$i/postmaster.pid" ]; then
            as_pg "$PGBIN/pg_ctl" -D "$BASE/d$i" -m fast -w -t 30 stop >/dev/null 2>&1 \
                || as_pg "$PGBIN/pg_ctl" -D "$BASE/d$i" -m immediate -w stop >/dev/null 2>&1
        fi
    done
    if [ "$rc" -ne 0 ] && [ -d "$BASE" ]; then
        for i in 0 1 2; do
            [ -f "$BASE/log$i" ] && { echo "---- server log $i (last 20 lines)"; tail -n 20 "$BASE/log$i"; }
        done
    fi
    rm -rf "$BASE"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t_start=$(date +%s.%N)
pass=0
fail=0
ok()  { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
die() { echo "FAIL: $*"; echo "scale: $pass passed, $((fail + 1)) failed"; exit 1; }

# ---- three clusters ------------------------------------------------------------
for i in 0 1 2; do
    as_pg "$PGBIN/initdb" -D "$BASE/d$i" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        >"$BASE/initdb$i.log" 2>&1 &
done
wait || true
for i in 0 1 2; do
    [ -f "$BASE/d$i/PG_VERSION" ] || { cat "$BASE/initdb$i.log"; die "initdb $i"; }
    as_pg "$PGBIN/pg_ctl" -D "$BASE/d$i" -l "$BASE/log$i" -w -t 60 \
        -o "-p ${PORTS[$i]} -k $SOCK -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$BASE/log$i"; die "start cluster $i on port ${PORTS[$i]}"; }
done

# q NODE SQL: run SQL on node 0 (coordinator), 1 or 2; unaligned, tuples only
q()  { "$PGBIN/psql" -X -v ON_ERROR_STOP=1 -qtA -h "$SOCK" -p "${PORTS[$1]}" -d postgres -c "$2"; }
# qf NODE: run the script on stdin
qf() { "$PGBIN/psql" -X -v ON_ERROR_STOP=1 -qtA -h "$SOCK" -p "${PORTS[$1]}" -d postgres "${@:2}"; }

for i in 0 1 2; do
    q "$i" "CREATE EXTENSION prodtext" || die "CREATE EXTENSION prodtext on node $i (is it installed? make install)"
done
versions=$(for i in 0 1 2; do q "$i" "SELECT extversion FROM pg_extension WHERE extname = 'prodtext'"; done | sort -u | wc -l)
models=$(for i in 0 1 2; do q "$i" "SELECT string_agg(name || ':' || version || ':' || sha256, ',' ORDER BY name) FROM prodtext_models()"; done | sort -u | wc -l)
[ "$versions" = 1 ] && [ "$models" = 1 ] && ok "same extension version and model files (sha256) on the three nodes" \
    || bad "nodes differ in extension version ($versions) or models ($models)"

# ---- shards: a table, and a view that evaluates every function next to the rows --
view_cols=""
stored_cols=""
for s in "${SCALARS[@]}"; do
    IFS='|' read -r col expr _ <<<"$s"
    view_cols="$view_cols, $expr AS $col"
    typ=$(q 1 "SELECT pg_typeof($expr)::text FROM (SELECT 'x'::text AS body) s") || die "type of $expr"
    stored_cols="$stored_cols, ${col}_stored $typ"      # model output materialized on the shard
done
for i in 1 2; do
    qf "$i" <<SQL || die "shard $i schema"
CREATE TABLE reviews_s$i (id int PRIMARY KEY, product_id int NOT NULL, body text$stored_cols);
CREATE VIEW reviews_s${i}_scored AS SELECT id, product_id, body$view_cols FROM reviews_s$i;
SQL
done
# shard1 also holds the whole table: the one-shard throughput baseline
qf 1 <<SQL || die "shard 1 baseline schema"
CREATE TABLE reviews_all (id int PRIMARY KEY, product_id int NOT NULL, body text);
CREATE VIEW reviews_all_scored AS SELECT id, product_id, body$view_cols FROM reviews_all;
SQL

# ---- coordinator: servers, partitioned tables over foreign partitions ----------
scored_cols=""
for s in "${SCALARS[@]}"; do
    IFS='|' read -r col expr _ <<<"$s"
    typ=$(q 1 "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'reviews_s1_scored'::regclass AND attname = '$col'")
    scored_cols="$scored_cols, $col $typ"
done
# fdw_tuple_cost: 2% of the most expensive per-row cost of prodtext's aggregate transition
# functions, at least 0.2 (PostgreSQL 17's default).  Below ~1% the planner sees a remote
# aggregate and a local one over sorted remote rows as equally expensive (the model's cost
# dominates both), keeps the local one for its lower startup cost, and runs the model on the
# coordinator.  See docs/scaling.md.
TUPLE_COST=$(q 0 "SELECT round(greatest(0.2, coalesce(max(p.procost), 0) * current_setting('cpu_operator_cost')::float8 / 50)::numeric, 2)
                  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggtransfn
                  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = a.aggfnoid AND d.deptype = 'e'
                  WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'prodtext')") || die "fdw_tuple_cost"
echo "servers: fdw_tuple_cost $TUPLE_COST"
agg_cols=""
for a in "${AGGREGATES[@]}"; do
    IFS='|' read -r agg _ <<<"$a"
    agg_cols="$agg_cols, $agg AS ${agg%%(*}"
done
for i in 1 2; do
    q "$i" "CREATE VIEW product_stats_s$i AS SELECT product_id$agg_cols FROM reviews_s$i GROUP BY product_id" \
        || die "shard $i aggregate view"
done
agg_typed=""
for a in "${AGGREGATES[@]}"; do
    IFS='|' read -r agg _ <<<"$a"
    typ=$(q 1 "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'product_stats_s1'::regclass AND attname = '${agg%%(*}'")
    agg_typed="$agg_typed, ${agg%%(*} $typ"
done
qf 0 <<SQL || die "coordinator schema"
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$SOCK', port '${PORTS[1]}', dbname 'postgres',
           extensions 'prodtext', async_capable 'true', fdw_tuple_cost '$TUPLE_COST', fetch_size '200', batch_size '200');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$SOCK', port '${PORTS[2]}', dbname 'postgres',
           extensions 'prodtext', async_capable 'true', fdw_tuple_cost '$TUPLE_COST', fetch_size '200', batch_size '200');
CREATE USER MAPPING FOR postgres SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR postgres SERVER shard2 OPTIONS (user 'postgres');

-- the table the application queries: rows live on the shards
CREATE TABLE reviews (id int NOT NULL, product_id int NOT NULL, body text$stored_cols) PARTITION BY HASH (product_id);
CREATE FOREIGN TABLE reviews_p0 PARTITION OF reviews FOR VALUES WITH (MODULUS 2, REMAINDER 0)
  SERVER shard1 OPTIONS (table_name 'reviews_s1');
CREATE FOREIGN TABLE reviews_p1 PARTITION OF reviews FOR VALUES WITH (MODULUS 2, REMAINDER 1)
  SERVER shard2 OPTIONS (table_name 'reviews_s2');

-- the recommended shape for per-row model output: the same partitions, over the shard views
CREATE TABLE reviews_scored (id int NOT NULL, product_id int NOT NULL, body text$scored_cols) PARTITION BY HASH (product_id);
CREATE FOREIGN TABLE reviews_scored_p0 PARTITION OF reviews_scored FOR VALUES WITH (MODULUS 2, REMAINDER 0)
  SERVER shard1 OPTIONS (table_name 'reviews_s1_scored');
CREATE FOREIGN TABLE reviews_scored_p1 PARTITION OF reviews_scored FOR VALUES WITH (MODULUS 2, REMAINDER 1)
  SERVER shard2 OPTIONS (table_name 'reviews_s2_scored');

-- the recommended shape for per-product aggregates: one grouped view per shard
CREATE TABLE product_stats (product_id int NOT NULL$agg_typed) PARTITION BY HASH (product_id);
CREATE FOREIGN TABLE product_stats_p0 PARTITION OF product_stats FOR VALUES WITH (MODULUS 2, REMAINDER 0)
  SERVER shard1 OPTIONS (table_name 'product_stats_s1');
CREATE FOREIGN TABLE product_stats_p1 PARTITION OF product_stats FOR VALUES WITH (MODULUS 2, REMAINDER 1)
  SERVER shard2 OPTIONS (table_name 'product_stats_s2');

-- one shard holding everything (throughput baseline)
CREATE FOREIGN TABLE reviews_one (id int NOT NULL, product_id int NOT NULL, body text)
  SERVER shard1 OPTIONS (table_name 'reviews_all');
CREATE FOREIGN TABLE reviews_one_scored (id int NOT NULL, product_id int NOT NULL, body text$scored_cols)
  SERVER shard1 OPTIONS (table_name 'reviews_all_scored');

-- the single-node reference: the same rows in a local table
CREATE TABLE reviews_local (id int PRIMARY KEY, product_id int NOT NULL, body text);
SQL

# ---- data: real reviews when ../shared/data is there, else the demo's texts --------
if [ -f "$DATA/en_flipkart.jsonl" ] && [ -f "$DATA/zh_online_shopping.jsonl" ]; then
    # blocks of 25 consecutive lines spread over each file (files list a product's reviews
    # together), 2/3 English, 1/3 Chinese; a product is a (language, product name/category)
    n_en=$((ROWS * 2 / 3)); n_zh=$((ROWS - n_en))
    k_en=$(( $(wc -l <"$DATA/en_flipkart.jsonl") * 25 / n_en / 25 )); k_zh=$(( $(wc -l <"$DATA/zh_online_shopping.jsonl") / n_zh ))
    qf 0 <<SQL || die "load reviews from $DATA"
CREATE TEMP TABLE raw (j jsonb);
\copy raw FROM PROGRAM 'awk "int(NR / 25) % $k_en == 0" $DATA/en_flipkart.jsonl | head -n $n_en' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
\copy raw FROM PROGRAM 'awk "int(NR / 25) % $k_zh == 0" $DATA/zh_online_shopping.jsonl | head -n $n_zh' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO reviews_local
SELECT row_number() OVER (ORDER BY j->>'id'),
       dense_rank() OVER (ORDER BY j->>'lang', j->>'category'),
       j->>'text'
FROM raw;
SQL
    source_desc="real reviews (en_flipkart + zh_online_shopping, blocks of 25 lines)"
else
    qf 0 <<SQL || die "generate reviews from demo/sample.sql"
SET client_min_messages = warning;
CREATE SCHEMA demo;
SET search_path = demo;
\i $ROOT/demo/sample.sql
RESET search_path;
INSERT INTO reviews_local
SELECT g, 1 + g % 97,
       a.body || CASE WHEN g % 3 = 0 THEN '' ELSE ' ' || b.body END
FROM generate_series(1, $ROWS) g
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, body FROM demo.demo_reviews) a ON a.k = g % 10
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, body FROM demo.demo_reviews) b ON b.k = (g / 10) % 10;
DROP SCHEMA demo CASCADE;
SQL
    source_desc="generated from demo/sample.sql ($DATA not found)"
fi
# a probe row whose score depends on prodtext.max_input_chars (see the settings check)
PROBE="Great product. Terrible support, never again."
q 0 "INSERT INTO reviews_local VALUES (0, 1, '$PROBE')" || die "probe row"
qf 0 <<SQL || die "distribute rows to the shards"
INSERT INTO reviews (id, product_id, body) SELECT * FROM reviews_local;
INSERT INTO reviews_one SELECT * FROM reviews_local;
ANALYZE reviews_local;
SQL
for i in 1 2; do q "$i" "ANALYZE" || die "analyze shard $i"; done
qf 0 <<<"ANALYZE reviews; ANALYZE reviews_scored; ANALYZE reviews_one; ANALYZE reviews_one_scored;" >/dev/null 2>&1
n_local=$(q 0 "SELECT count(*) FROM reviews_local")
n_dist=$(q 0 "SELECT count(*) FROM reviews")
n_s1=$(q 1 "SELECT count(*) FROM reviews_s1"); n_s2=$(q 2 "SELECT count(*) FROM reviews_s2")
n_one=$(q 1 "SELECT count(*) FROM reviews_all")
echo "data: $n_local rows, $source_desc; shard1 $n_s1, shard2 $n_s2"
[ "$n_local" -gt 1000 ] && [ "$n_dist" = "$n_local" ] && [ "$n_one" = "$n_local" ] \
    && [ "$n_s1" -gt 0 ] && [ "$n_s2" -gt 0 ] && [ $((n_s1 + n_s2)) = "$n_local" ] \
    && ok "rows routed by hash(product_id) to both shards" || bad "row counts: local $n_local, distributed $n_dist, shards $n_s1+$n_s2, one-shard $n_one"

# ---- plans -------------------------------------------------------------------------
# plan NAME SETTINGS QUERY: EXPLAIN (VERBOSE, COSTS OFF) on the coordinator into $PLAN
plan() {
    PLAN=$(printf '%s\nEXPLAIN (VERBOSE, COSTS OFF) %s;\n' "$2" "$3" | qf 0 2>&1)
    echo "---- $1"
    echo "     $3"
    sed 's/^/     | /' <<<"$PLAN"
}
remote()  { grep -E '^ *Remote SQL:' <<<"$PLAN"; }
nremote() { remote | grep -c "$1"; }          # Remote SQL lines containing $1
nlines()  { grep -c -- "$1" <<<"$PLAN"; }      # plan lines containing $1

PWA="SET enable_partitionwise_aggregate = on;"
for s in "${SCALARS[@]}"; do
    IFS='|' read -r col expr pred <<<"$s"
    fn=${expr%%(*}

    # 1. select list of a plain scan: postgres_fdw ships only columns; the function runs on the coordinator
    plan "$fn: select list (evaluated on the coordinator)" "" "SELECT id, $expr FROM reviews"
    [ "$(nremote 'Remote SQL')" = 2 ] && [ "$(nremote "$fn(")" = 0 ] && [ "$(nlines 'Async Foreign Scan')" = 2 ] \
        && [ "$(grep -cE '^ *Output: .*'"$fn"'\(reviews_[0-9]+\.body\)' <<<"$PLAN")" = 2 ] \
        && ok "$fn in a plain select list: NOT shipped (Remote SQL fetches body; Output computes $fn locally)" \
        || bad "$fn in a plain select list: plan differs from what PG 15 is known to do"

    # 2. WHERE: an IMMUTABLE function of an extension named in 'extensions' is shipped
    plan "$fn: WHERE (shipped)" "" "SELECT id FROM reviews WHERE $pred"
    [ "$(nremote 'Remote SQL')" = 2 ] && [ "$(nremote "WHERE ((public\.$fn(body)")" = 2 ] \
        && [ "$(grep -E '^ *Filter:' <<<"$PLAN" | wc -l)" = 0 ] \
        && ok "$fn in WHERE: shipped to both shards ($(remote | head -n 1 | sed 's/^ *//'))" \
        || bad "$fn in WHERE: not shipped to both shards"

    # 3. the view shape: the shard view computes the column, the coordinator only fetches it
    plan "$fn: column of a shard view (evaluated on the shards)" "" "SELECT id, $col FROM reviews_scored"
    [ "$(nremote "SELECT id, $col FROM public.reviews_s[12]_scored")" = 2 ] && [ "$(nlines "$fn(")" = 0 ] \
        && ok "$fn as a column of a shard view: evaluated on the shards" \
        || bad "$fn as a view column: unexpected plan"

    # 4. volatile context: a conjunct calling random() stays local; the other conjuncts still ship,
    #    but a clause mixing the function with random() is evaluated whole on the coordinator
    plan "$fn: WHERE with a volatile conjunct (that conjunct stays local)" "" "SELECT id FROM reviews WHERE $pred AND random() < 2"
    [ "$(nremote "WHERE ((public\.$fn(body)")" = 2 ] && [ "$(grep -cE '^ *Filter: \(random\(\)' <<<"$PLAN")" = 2 ] \
        && ok "$fn: the immutable conjunct is shipped, the volatile one (random()) is filtered locally" \
        || bad "$fn with a volatile conjunct: unexpected plan"
    plan "$fn: one clause mixing it with a volatile function (not shipped)" "" \
         "SELECT id FROM reviews WHERE ($pred) = (random() < 2)"
    [ "$(nremote "$fn(")" = 0 ] && [ "$(grep -cE '^ *Filter: .*'"$fn"'\(reviews_[0-9]+\.body\).*random\(\)' <<<"$PLAN")" = 2 ] \
        && ok "$fn in a clause with random(): NOT shipped (contain_mutable_functions), evaluated on the coordinator" \
        || bad "$fn in a volatile clause: unexpected plan"
done

# 5. the extensions server option is what makes the functions shippable
plan "WHERE without the 'extensions' option on shard1 (not shipped there)" \
     "BEGIN; ALTER SERVER shard1 OPTIONS (DROP extensions);" "SELECT id FROM reviews WHERE sentiment(body) < 0"
[ "$(nremote 'reviews_s1 WHERE')" = 0 ] && [ "$(nremote 'reviews_s2 WHERE ((public.sentiment(body)')" = 1 ] \
    && [ "$(grep -cE '^ *Filter: \(sentiment\(reviews_[0-9]+\.body\)' <<<"$PLAN")" = 1 ] \
    && ok "without extensions 'prodtext' the server does not ship sentiment(); the coordinator filters" \
    || bad "extensions option: unexpected plan"

for a in "${AGGREGATES[@]}"; do
    IFS='|' read -r agg cmp <<<"$a"
    fn=${agg%%(*}
    # 6. grouped by the partition key, partitionwise: the whole aggregate runs on each shard
    plan "$fn: GROUP BY the partition key, partitionwise (shipped)" "$PWA" \
         "SELECT product_id, $agg FROM reviews GROUP BY product_id"
    [ "$(nremote "SELECT product_id, public.$fn(body) FROM public.reviews_s[12] GROUP BY 1")" = 2 ] \
        && [ "$(grep -cE 'Aggregate  *$|HashAggregate|GroupAggregate|Partial' <<<"$PLAN")" = 0 ] \
        && [ "$(nlines 'Relations: Aggregate on')" = 2 ] && [ "$(nlines 'Async Foreign Scan')" = 2 ] \
        && ok "$fn GROUP BY partition key (enable_partitionwise_aggregate): whole aggregate shipped to each shard, async" \
        || bad "$fn GROUP BY partition key: not shipped"

    # 6b. the same with PostgreSQL 15's default fdw_tuple_cost (0.01): a cost tie, decided by the planner
    plan "$fn: GROUP BY the partition key, partitionwise, default fdw_tuple_cost (cost-dependent)" \
         "$PWA BEGIN; ALTER SERVER shard1 OPTIONS (DROP fdw_tuple_cost); ALTER SERVER shard2 OPTIONS (DROP fdw_tuple_cost);" \
         "SELECT product_id, $agg FROM reviews GROUP BY product_id"
    if [ "$(nremote "public.$fn(body)")" = 2 ]; then
        echo "info: with fdw_tuple_cost 0.01 the planner still ships $fn"
    else
        echo "info: with fdw_tuple_cost 0.01 the planner aggregates locally over remotely sorted rows: $fn runs on the coordinator"
    fi

    # 7. the same query with enable_partitionwise_aggregate off (the default): aggregated on the coordinator
    plan "$fn: GROUP BY the partition key, default settings (not shipped)" "" \
         "SELECT product_id, $agg FROM reviews GROUP BY product_id"
    [ "$(nremote "$fn(")" = 0 ] && [ "$(grep -cE 'HashAggregate|GroupAggregate' <<<"$PLAN")" -ge 1 ] \
        && ok "$fn with enable_partitionwise_aggregate = off: aggregated (and the model run) on the coordinator" \
        || bad "$fn without partitionwise aggregation: unexpected plan"

    # 8. not grouped by the partition key: PG 15 never ships partial aggregates
    plan "$fn: no GROUP BY, partitionwise (partial aggregates are not shipped)" "$PWA" \
         "SELECT $agg FROM reviews"
    [ "$(nremote "$fn(")" = 0 ] && [ "$(nlines 'Partial Aggregate')" = 2 ] && [ "$(nlines 'Finalize Aggregate')" = 1 ] \
        && ok "$fn across partitions: partial aggregates run on the coordinator, none shipped" \
        || bad "$fn across partitions: unexpected plan"

    # 8b. the grouped view on each shard: shipped whatever the settings and costs
    plan "$fn: per-product view on each shard (always on the shards)" "" \
         "SELECT product_id, $fn FROM product_stats"
    [ "$(nremote "SELECT product_id, $fn FROM public.product_stats_s[12]")" = 2 ] && [ "$(nlines "$fn(")" = 0 ] \
        && [ "$(nlines 'Async Foreign Scan')" = 2 ] \
        && ok "$fn from a grouped view per shard: evaluated on the shards, no setting or cost involved" \
        || bad "$fn grouped view: unexpected plan"
done

# 8c. one product: partition pruning, and the qual is pushed into the shard's grouped view
plan "one product from the grouped views (pruned to one shard)" "" "SELECT * FROM product_stats WHERE product_id = 7"
[ "$(nremote 'WHERE ((product_id = 7))')" = 1 ] && [ "$(nremote 'Remote SQL')" = 1 ] \
    && ok "one product: pruned to one shard, WHERE product_id = 7 shipped into its grouped view" \
    || bad "one product: unexpected plan"

# 9. the recommended shape for a total across shards: aggregate the shard-computed column.
#    With enable_partitionwise_aggregate off (the default) the aggregate sits on an Append of
#    *async* foreign scans: both shards score at the same time.  Switched on, each scan sits
#    under a local Partial Aggregate, is no longer async, and the shards run one after the other.
plan "total over all shards from the view column, default settings (shards run concurrently)" "" \
     "SELECT avg(sentiment) FROM reviews_scored"
[ "$(nremote 'SELECT sentiment FROM public.reviews_s[12]_scored')" = 2 ] && [ "$(nlines 'sentiment(')" = 0 ] \
    && [ "$(nlines 'Async Foreign Scan')" = 2 ] \
    && ok "avg(view column) across shards: the model runs on the shards, concurrently (async), only numbers travel" \
    || bad "avg(view column): unexpected plan"
plan "total over all shards from the view column, partitionwise (shards run one after the other)" "$PWA" \
     "SELECT avg(sentiment) FROM reviews_scored"
[ "$(nremote 'SELECT sentiment FROM public.reviews_s[12]_scored')" = 2 ] && [ "$(nlines 'Async Foreign Scan')" = 0 ] \
    && [ "$(nlines 'Partial Aggregate')" = 2 ] \
    && ok "avg(view column) with enable_partitionwise_aggregate: local partial aggregates, foreign scans no longer async" \
    || bad "avg(view column), partitionwise: unexpected plan"

# 10. writes: UPDATE ... SET col = f(body) is a direct modification, shipped whole; this is
#     how to materialize model output on the shards (and refresh it after a model upgrade)
for s in "${SCALARS[@]}"; do
    IFS='|' read -r col expr _ <<<"$s"
    fn=${expr%%(*}
    plan "$fn: UPDATE ... SET ${col}_stored = $expr (shipped)" "" "UPDATE reviews SET ${col}_stored = $expr"
    [ "$(nremote "UPDATE public.reviews_s[12] SET ${col}_stored = public.$fn(body)")" = 2 ] \
        && ok "$fn in UPDATE ... SET: shipped to both shards as one remote UPDATE each (Foreign Update)" \
        || bad "$fn in UPDATE SET: not shipped"
    r=$(qf 0 <<SQL
UPDATE reviews SET ${col}_stored = $expr;
SELECT count(*) FROM reviews d JOIN reviews_local l USING (id) WHERE d.${col}_stored IS NOT DISTINCT FROM ${expr//body/l.body};
SQL
)
    [ "$r" = "$n_local" ] && ok "$fn values stored on the shards by the shipped UPDATE equal the single-node run" \
        || bad "$fn stored values: $r of $n_local equal"
done

# 11. settings: a SET in the coordinator session does not reach the shards' sessions
#     (postgres_fdw sets only search_path, TimeZone, DateStyle, IntervalStyle and
#     extra_float_digits remotely); the server option options '-c ...' does
S15="SET prodtext.max_input_chars = 15;"
v_local=$(q 0 "$S15 SELECT sentiment(body) FROM reviews WHERE id = 0")
v_ship=$(q 0 "$S15 SELECT sentiment FROM reviews_scored WHERE id = 0")
v_opt=$(qf 0 <<SQL
BEGIN;
ALTER SERVER shard1 OPTIONS (ADD options '-c prodtext.max_input_chars=15');
ALTER SERVER shard2 OPTIONS (ADD options '-c prodtext.max_input_chars=15');
SELECT sentiment FROM reviews_scored WHERE id = 0;
ROLLBACK;
SQL
)
echo "info: '$PROBE' with prodtext.max_input_chars = 15 in the coordinator session: local $v_local, on the shard $v_ship, on the shard with server option options '-c prodtext.max_input_chars=15': $v_opt"
[ -n "$v_local" ] && [ "$v_local" != "$v_ship" ] && [ "$v_opt" = "$v_local" ] \
    && ok "session settings do not travel to the shards; the server option options '-c prodtext.…' does" \
    || bad "settings: local $v_local, shipped $v_ship, with options $v_opt"

# ---- results equal a single-node run -------------------------------------------------
for s in "${SCALARS[@]}"; do
    IFS='|' read -r col expr pred <<<"$s"
    fn=${expr%%(*}
    # per-row values: local evaluation over foreign rows, and shard-side evaluation (view)
    r=$(qf 0 <<SQL
SELECT (SELECT count(*) FROM reviews d JOIN reviews_local l USING (id)
         WHERE d.product_id = l.product_id AND ${expr//body/d.body} IS NOT DISTINCT FROM ${expr//body/l.body})
     || ' ' ||
       (SELECT count(*) FROM reviews_scored d JOIN reviews_local l USING (id)
         WHERE d.$col IS NOT DISTINCT FROM ${expr//body/l.body})
     || ' ' ||
       (SELECT count(*) FROM (SELECT id FROM reviews WHERE $pred
                              EXCEPT ALL SELECT id FROM reviews_local WHERE $pred) x)
     || ' ' ||
       (SELECT count(*) FROM (SELECT id FROM reviews_local WHERE $pred
                              EXCEPT ALL SELECT id FROM reviews WHERE $pred) x)
     || ' ' || (SELECT count(*) FROM reviews_local WHERE $pred)
SQL
)
    read -r same_local same_view extra_d extra_l n_pred <<<"$r"
    [ "$same_local" = "$n_local" ] && [ "$same_view" = "$n_local" ] && [ "$extra_d" = 0 ] && [ "$extra_l" = 0 ] \
        && ok "$fn: all $n_local per-row values and the $n_pred rows of WHERE $pred equal the single-node run" \
        || bad "$fn differs from single node: equal rows $same_local/$same_view of $n_local, WHERE extra $extra_d/$extra_l"
done
for a in "${AGGREGATES[@]}"; do
    IFS='|' read -r agg cmp <<<"$a"
    fn=${agg%%(*}
    r=$(qf 0 <<SQL
$PWA
CREATE TEMP TABLE d AS SELECT product_id, $agg AS v FROM reviews GROUP BY product_id;
CREATE TEMP TABLE l AS SELECT product_id, $agg AS v FROM reviews_local GROUP BY product_id;
CREATE TEMP TABLE w AS SELECT product_id, $fn AS v FROM product_stats;
SELECT (SELECT count(*) FROM l) || ' ' ||
       (SELECT count(*) FROM d JOIN l USING (product_id) WHERE $cmp) || ' ' ||
       (SELECT count(*) FROM w d JOIN l USING (product_id) WHERE $cmp);
SQL
)
    read -r n_groups n_same n_same_view <<<"$r"
    [ -n "$n_groups" ] && [ "$n_groups" -gt 1 ] && [ "$n_same" = "$n_groups" ] && [ "$n_same_view" = "$n_groups" ] \
        && ok "$fn: all $n_groups per-product values (pushed aggregate and grouped view) equal the single-node run" \
        || bad "$fn per product: $n_same (pushed aggregate) and $n_same_view (grouped view) of $n_groups equal"
done
r=$(q 0 "SELECT abs((SELECT avg(sentiment) FROM reviews_scored) - (SELECT avg(sentiment(body)) FROM reviews_local)) < 1e-9")
[ "$r" = t ] && ok "total avg from the shard views equals the single-node avg(sentiment(body))" \
    || bad "total avg from views differs from single node"

# ---- throughput: one shard vs two shards, same rows, same run --------------------------
# Every query scores every row once.  Row functions: the view column (computed on the shards;
# enable_partitionwise_aggregate off, so count() sits on an Append of async scans and both
# shards work at once).  Aggregates: GROUP BY product_id shipped whole to each shard.
plan "one-shard baseline for aggregates (shipped whole)" "" \
     "SELECT product_id, ${AGGREGATES[0]%%|*} FROM reviews_one GROUP BY product_id"
[ "$(nremote "GROUP BY 1")" = 1 ] && ok "one-shard baseline: aggregate shipped" || bad "one-shard baseline: aggregate not shipped"
tq="SELECT 1;"                       # warm-up first: connections, model mapping in every backend
labels=()
for s in "${SCALARS[@]}"; do
    IFS='|' read -r col expr _ <<<"$s"
    tq="$tq
SELECT count($col) FROM reviews_one_scored; SELECT count($col) FROM reviews_scored; SELECT count($expr) FROM reviews_local;
\\timing on
SELECT '${col}@1', count($col) FROM reviews_one_scored;
SELECT '${col}@2', count($col) FROM reviews_scored;
SELECT '${col}@0', count($expr) FROM reviews_local;
\\timing off"
    labels+=("$col|$expr row by row")
done
for a in "${AGGREGATES[@]}"; do
    IFS='|' read -r agg _ <<<"$a"
    fn=${agg%%(*}
    tq="$tq
$PWA
SELECT count(s) FROM (SELECT product_id, $agg s FROM reviews GROUP BY product_id) x;
\\timing on
SELECT '${fn}@1', count(s) FROM (SELECT product_id, $agg s FROM reviews_one GROUP BY product_id) x;
SELECT '${fn}@2', count(s) FROM (SELECT product_id, $agg s FROM reviews GROUP BY product_id) x;
SELECT '${fn}@0', count(s) FROM (SELECT product_id, $agg s FROM reviews_local GROUP BY product_id) x;
\\timing off
RESET enable_partitionwise_aggregate;"
    labels+=("$fn|$agg GROUP BY product_id")
done
timing=$(qf 0 <<<"$tq" 2>&1)
ms()  { grep -A1 "^$1|" <<<"$timing" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'; }
rps() { awk -v n="$n_local" -v t="$1" 'BEGIN { printf "%.0f", n / (t / 1000) }'; }
echo "throughput: $n_local rows, $(nproc) cores shared by all three servers (load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-42s %12s %12s %12s %9s\n' "rows/s" "one shard" "two shards" "single node" "2 vs 1"
tp_ok=1
for l in "${labels[@]}"; do
    key=${l%%|*}; what=${l#*|}
    t1=$(ms "$key@1"); t2=$(ms "$key@2"); t0=$(ms "$key@0")
    if [ -z "$t1" ] || [ -z "$t2" ] || [ -z "$t0" ]; then tp_ok=0; continue; fi
    printf '  %-42s %12s %12s %12s %8sx\n' "$what" "$(rps "$t1")" "$(rps "$t2")" "$(rps "$t0")" \
        "$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", a / b }')"
done
[ "$tp_ok" = 1 ] && ok "throughput measured" || { echo "$timing"; bad "throughput: could not time the queries"; }

[ -n "${SCALE_HOLD:-}" ] && { echo "holding: psql -h $SOCK -p ${PORTS[0]} -U postgres"; sleep "$SCALE_HOLD"; }
echo "elapsed: $(awk -v s="$t_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
echo "scale: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
