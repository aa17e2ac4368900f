#!/usr/bin/env bash
# summarize() and rewrite() as a catalog team would publish them (issues 17
# and 18): over seller copy full of noise, adversarial inputs, and (where
# ../shared/data is there) the dev rows of every catalog and noisy copies of
# them, no output has a word outside its input and the connectives, or
# profanity; and at most 1 % of the noisy ones shouting, lost brand casing,
# ASCII punctuation inside Chinese, seller noise or emoji (test/lib/trust.py).
# The verdict is ../shared/tools/trust_check.py's, independent of the C
# lexicon and guard; skipped, with a note, where that checker is missing.
set -euo pipefail
lib=test/lib/trust.py
trust=$(/usr/bin/python3 -c "import sys; sys.path.insert(0, 'models/train'); import os; from common import DATA; print(os.path.join(os.path.dirname(DATA), 'tools', 'trust_check.py'))")
[ -f "$trust" ] || { echo "skipped: $trust not found"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s core-lib >/dev/null
psql -X -q -c 'CREATE EXTENSION IF NOT EXISTS prodtext' 2>/dev/null
/usr/bin/python3 $lib inputs "$tmp/in.jsonl"
status=0
for task in summarize rewrite; do
    # the rows go in as JSON (no quoting to get wrong) and come out, one per line, with their outputs
    psql -X -q -At -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE rows (r jsonb);
\copy rows FROM PROGRAM 'sed ''s/\\\\/\\\\\\\\/g'' $tmp/in.jsonl'
\o $tmp/$task.jsonl
SELECT jsonb_set(r, '{out}', to_jsonb($task(r->>'src'))) FROM rows;
SQL
    /usr/bin/python3 $lib check $task "$tmp/$task.jsonl" || status=1
done
exit $status
