#!/usr/bin/env bash
# Memory: one backend calling each function many times must not grow (the
# issue's bar: < 10 MB over 100,000 calls of each), and sentiment_avg over
# 1,000,000 rows must run in bounded memory.  The backend reads its own
# /proc/self/status (pg_read_file, superuser), so the numbers are exact:
#   RssAnon  anonymous memory (heap, palloc blocks): what a leak grows;
#   VmRSS    everything resident, including the mapped model files;
#   VmHWM    the peak of VmRSS.
# Each function is warmed up (model mapping, tokenizer tables), then called
# MEMORY_CALLS times (default 20,000: CI time), each call its own query in a
# PL/pgSQL loop with varying text; the growth per call is printed and
# extrapolated to 100,000 calls, which must stay under 10 MB (growth under
# 1 MB in all is taken as allocator noise).  The aggregate
# runs over MEMORY_AVG_ROWS rows (default 1,000,000; one row in 10 has text,
# the rest are empty, to keep CI fast) in a fresh backend with jit = off; its
# peak must stay within 64 MB of the backend's size before the query.
#   MEMORY_CALLS=100000 bash test/scripts/memory.sh     the issue's full count
set -euo pipefail
export PGDATABASE=postgres
N=${MEMORY_CALLS:-20000}
ROWS=${MEMORY_AVG_ROWS:-1000000}
WARM=2000
LIMIT_KB=10240          # per 100,000 calls
AVG_PEAK_LIMIT_KB=65536
psql -X -q -c 'CREATE EXTENSION IF NOT EXISTS prodtext' 2>/dev/null
fail=0

status_fn="CREATE FUNCTION pg_temp.kb(field text) RETURNS bigint LANGUAGE sql AS
  \$\$ SELECT substring(pg_read_file('/proc/self/status') FROM field || ':\\s+(\\d+)')::bigint \$\$;"

calls=(
  "sentiment(text)|PERFORM sentiment('review ' || i || ': works fine, arrived late')"
  "sentiment_label|PERFORM sentiment_label('review ' || i || ': 质量很好 but noisy')"
  "sentiment(text[])|PERFORM sentiment(ARRAY['item ' || i, NULL, '<b>bad</b> &amp; ' || i, ''])"
  "sentiment_avg|PERFORM sentiment_avg(t) FROM (VALUES ('great ' || i), (NULL), ('太差了')) v(t)"
  "sentiment_explain|PERFORM count(*) FROM sentiment_explain('explain ' || i || ' please, it is good')"
  "prodtext_models|PERFORM count(*) FROM prodtext_models()"
)
# prodtext_models() hashes every model file (SHA-256, ~20 ms a call): fewer calls
declare -A calls_of=([prodtext_models]=$(( N / 100 > 50 ? N / 100 : 50 )))

for entry in "${calls[@]}"; do
    name=${entry%%|*}; call=${entry#*|}
    n=${calls_of[$name]:-$N}
    out=$(psql -X -At -v ON_ERROR_STOP=1 2>&1 <<SQL
$status_fn
DO \$\$
DECLARE a0 bigint; r0 bigint; t0 timestamptz;
BEGIN
  FOR i IN 1..$((n < WARM ? n : WARM)) LOOP $call; END LOOP;
  a0 := pg_temp.kb('RssAnon'); r0 := pg_temp.kb('VmRSS'); t0 := clock_timestamp();
  FOR i IN $((WARM + 1))..$((WARM + n)) LOOP $call; END LOOP;
  RAISE NOTICE 'result % % % % %', pg_temp.kb('RssAnon') - a0, pg_temp.kb('VmRSS') - r0,
    pg_temp.kb('RssAnon'), round(extract(epoch from clock_timestamp() - t0)::numeric * 1e6 / $n, 1), pg_backend_pid();
END \$\$;
SQL
) || true
    read -r anon rss anon_total us pid < <(grep -oE 'result .*' <<<"$out" | cut -d' ' -f2-) || true
    if [ -z "${anon:-}" ]; then echo "FAIL: $name: $out"; fail=1; continue; fi
    per_call=$(awk -v a="$anon" -v n="$n" 'BEGIN { printf "%.1f", a * 1024 / n }')
    extrap=$(awk -v a="$anon" -v n="$n" 'BEGIN { printf "%.0f", a * 100000 / n }')
    verdict=ok
    # below 1 MB of growth the numbers are allocator noise (palloc blocks, PL/pgSQL caches)
    if [ "$anon" -ge 1024 ] && [ "$extrap" -ge "$LIMIT_KB" ]; then
        verdict="FAIL (>= $LIMIT_KB kB per 100,000 calls)"; fail=1
    fi
    printf '%-18s %6d calls: RssAnon %+6d kB (%s B/call, %s kB per 100k calls), VmRSS %+6d kB, RssAnon now %d kB, %s us/call  %s\n' \
        "$name" "$n" "$anon" "$per_call" "$extrap" "$rss" "$anon_total" "$us" "$verdict"
done

# sentiment_avg over many rows: bounded memory (texts are scored and freed 64 at a time)
out=$(psql -X -At -v ON_ERROR_STOP=1 2>&1 <<SQL
$status_fn
-- the aggregate's COST makes a 1M-row query JIT-compile: LLVM adds ~80 MB of
-- its own (libLLVM pages, compiler heap), the same for any costly query
SET jit = off;
SELECT sentiment_avg(t) FROM (VALUES ('warm up'), ('好')) v(t);
SELECT 'before', pg_temp.kb('VmHWM'), pg_temp.kb('VmRSS'), pg_temp.kb('RssAnon');
SELECT 'avg', round(sentiment_avg(CASE WHEN g % 10 = 0 THEN 'row ' || g || ' was ok' ELSE '' END)::numeric, 4)
FROM generate_series(1, $ROWS) g;
SELECT 'after', pg_temp.kb('VmHWM'), pg_temp.kb('VmRSS'), pg_temp.kb('RssAnon');
SQL
) || true
before=$(grep '^before|' <<<"$out" | cut -d'|' -f2)
after=$(grep '^after|' <<<"$out" | cut -d'|' -f2)
if [ -z "$before" ] || [ -z "$after" ] || ! grep -q '^avg|' <<<"$out"; then
    echo "FAIL: sentiment_avg over $ROWS rows: $out"; fail=1
else
    peak=$((after - before)); verdict=ok
    [ "$peak" -lt "$AVG_PEAK_LIMIT_KB" ] || { verdict="FAIL (>= $AVG_PEAK_LIMIT_KB kB)"; fail=1; }
    echo "sentiment_avg over $ROWS rows: peak RSS (VmHWM) $before → $after kB ($peak kB more), result $(grep '^avg|' <<<"$out" | cut -d'|' -f2)  $verdict"
fi
exit $fail
