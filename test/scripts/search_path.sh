#!/usr/bin/env bash
# Everything works when the extension lives in its own schema that is not on
# the search_path: the install scripts schema-qualify what they reference.
set -euo pipefail
db=prodtext_search_path
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"' EXIT
out=$(PGOPTIONS="-c client_min_messages=warning" psql -X -At -q -v ON_ERROR_STOP=1 -d $db <<'SQL'
CREATE SCHEMA pt;
CREATE EXTENSION prodtext SCHEMA pt;
SET search_path = public;
CREATE TABLE reviews (id int PRIMARY KEY, body text, tone real);
CREATE TRIGGER fill BEFORE INSERT OR UPDATE ON reviews
    FOR EACH ROW EXECUTE FUNCTION pt.prodtext_fill('body', 'sentiment:tone');
INSERT INTO reviews (id, body) VALUES (1, 'love it, works great'), (2, 'broke after a day, awful');
SELECT string_agg((tone > 0)::text, ',' ORDER BY id) FROM reviews;
SELECT pt.sentiment('great') > 0, pt.sentiment_label('awful'), array_length(pt.sentiment(ARRAY['a', 'b']), 1);
SELECT pt.sentiment_avg(body) IS NOT NULL FROM reviews;
SELECT count(*) > 0 FROM pt.sentiment_explain('great value');
UPDATE reviews SET tone = NULL;
CALL pt.prodtext_refresh('reviews', 'body', ARRAY['sentiment:tone'], 1);
SELECT count(*) FROM reviews WHERE tone IS NOT NULL;
SELECT count(*) >= 1 FROM pt.prodtext_progress;
SQL
)
expected=$'true,false\nt|negative|2\nt\nt\n2\nt'
[ "$out" = "$expected" ] || { echo "FAIL: got:"; echo "$out"; exit 1; }
echo "ok: trigger, scalar, array, aggregate, explain and prodtext_refresh with the extension schema off the search_path"
