#!/usr/bin/env bash
# In an SQL_ASCII database any bytes are text: invalid UTF-8 must be an
# error with SQLSTATE 22021 (character_not_in_repertoire) from every entry
# point, never a crash, and valid text in the same database still works.
set -euo pipefail
db=prodtext_sql_ascii
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" \
     -c "CREATE DATABASE $db ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"' EXIT
psql -X -q -d $db -c 'CREATE EXTENSION prodtext'
for q in "SELECT sentiment(E'good \\xff\\xfe bad'::text)" \
         "SELECT sentiment(ARRAY[E'ok', E'\\xc3\\x28'])" \
         "SELECT sentiment_label(E'\\xed\\xa0\\x80')" \
         "SELECT sentiment_avg(t) FROM (VALUES (E'\\xf5\\x80\\x80\\x80')) v(t)" \
         "SELECT * FROM sentiment_explain(E'\\xc0\\x80')" \
         "SELECT summarize(E'nice \\xff shirt'::text)" \
         "SELECT summarize(ARRAY[E'ok', E'\\xc3\\x28'], 50)" \
         "SELECT summarize_agg(t) FROM (VALUES ('fine'), (E'\\xf5\\x80\\x80\\x80')) v(t)" \
         "SELECT rewrite(E'BEST \\xff PRICE'::text)" \
         "SELECT rewrite(ARRAY[E'ok', E'\\xed\\xa0\\x80'])" \
         "SELECT embed(E'Sony \\xff\\xfe turntable'::text)" \
         "SELECT embed(E'\\xc0\\x80')"; do
    out=$(psql -X -At -v VERBOSITY=verbose -d $db -c "$q" 2>&1 || true)
    grep -q "22021: prodtext: input is not valid UTF-8" <<<"$out" || { echo "FAIL: $q → $out"; exit 1; }
    echo "ok: $q → 22021"
done
out=$(psql -X -At -d $db -c "SELECT sentiment('works great') > 0")
[ "$out" = t ] || { echo "FAIL: valid text in SQL_ASCII: $out"; exit 1; }
echo "ok: valid UTF-8 still scored"
