#!/usr/bin/env bash
# prodtext_fill under load: a COPY of 10,000 rows through the trigger, and
# two sessions inserting into the same table at once.  Every row ends up
# with exactly the score sentiment() gives its text; no errors, no crash.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh
unset CLUSTER_DIR
CLUSTER_PORT=54336
trap cluster_stop EXIT
cluster_start
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION prodtext;
CREATE TABLE reviews (id int PRIMARY KEY, body text, tone real);
CREATE TRIGGER reviews_fill BEFORE INSERT OR UPDATE OF body ON reviews
FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone');
SQL

# 10,000 rows through COPY (a NULL every 10th row)
psql -X -q -v ON_ERROR_STOP=1 -c "COPY (SELECT i, CASE WHEN i % 10 = 0 THEN NULL
        WHEN i % 3 = 0 THEN 'great value, works perfectly ' || i
        WHEN i % 3 = 1 THEN 'arrived broken, very disappointed ' || i
        ELSE '东西不错，很满意 ' || i END FROM generate_series(1, 10000) i) TO STDOUT" \
  | psql -X -q -v ON_ERROR_STOP=1 -c 'COPY reviews (id, body) FROM STDIN'
out=$(psql -X -At -c "SELECT count(*), count(tone), bool_and(tone = sentiment(body)), bool_and(tone IS NULL) FILTER (WHERE body IS NULL) FROM reviews")
[ "$out" = "10000|9000|t|t" ] || { echo "FAIL: COPY through the trigger: $out"; exit 1; }
echo "ok: COPY of 10,000 rows filled by the trigger"

# two sessions inserting at the same time, 2,000 rows each in 100-row statements
for s in 0 1; do
    (for b in $(seq 0 19); do
        lo=$((20000 + s * 10000 + b * 100))
        echo "INSERT INTO reviews (id, body) SELECT i, 'session $s says ' || CASE WHEN i % 2 = 0 THEN 'love it' ELSE 'hate it' END FROM generate_series($lo, $((lo + 99))) i;"
     done) | psql -X -q -v ON_ERROR_STOP=1 >/dev/null &
done
wait
out=$(psql -X -At -c "SELECT count(*), count(tone), bool_and(tone = sentiment(body)) FROM reviews WHERE id >= 20000")
[ "$out" = "4000|4000|t" ] || { echo "FAIL: concurrent inserts: $out"; exit 1; }
echo "ok: two concurrent sessions, every row filled"
