#!/usr/bin/env bash
# Corrupt, truncated, wrong-version and missing model files give a clear
# error that names the file (SQLSTATE XX001 data_corrupted / 58P01
# undefined_file), the server stays up, and a fixed file works again in the
# same session.  Runs against the cluster of test/run-tests.sh (PGHOST...).
set -euo pipefail
cd "$(dirname "$0")/../.."
share=$("${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" --sharedir)/prodtext
dir=$(mktemp -d /tmp/prodtext-bad.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
psql_q() { psql -X -At -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -d postgres -c "SET prodtext.model_dir = '$dir'" -c "$1" 2>&1; }
expect() {  # expect SQL PATTERN: the output of SQL must match PATTERN
    local out
    out=$(psql_q "$1" || true)
    if ! grep -qE "$2" <<<"$out"; then echo "FAIL: $1 → $out (wanted /$2/)"; exit 1; fi
    echo "ok: $1 → $(head -c 150 <<<"$out" | tr '\n' ' ')"
}
psql -X -q -d postgres -c 'CREATE EXTENSION IF NOT EXISTS prodtext'

# missing
expect "SELECT sentiment('great')" '58P01: prodtext: no sentiment model for language "en"'
# truncated
head -c 1000 "$share/sentiment-en.ptm" > "$dir/sentiment-en.ptm"
expect "SELECT sentiment('great')" "XX001: .*sentiment-en.ptm.*truncated"
# one flipped bit in the weights
cp "$share/sentiment-en.ptm" "$dir/sentiment-en.ptm"
size=$(stat -c %s "$dir/sentiment-en.ptm")
printf '\x55' | dd of="$dir/sentiment-en.ptm" bs=1 seek=$((size - 100)) conv=notrunc status=none
expect "SELECT sentiment('great')" "XX001: .*sentiment-en.ptm.*checksum mismatch"
expect "SELECT sentiment(ARRAY['great'])" "sentiment-en.ptm.*checksum mismatch"
expect "SELECT sentiment_avg(x) FROM (VALUES ('great')) v(x)" "sentiment-en.ptm.*checksum mismatch"
expect "SELECT count(*) FROM prodtext_models()" "WARNING:.*checksum mismatch"
# wrong format version (byte 8), with the checksum left stale: still an error, never a crash
cp "$share/sentiment-en.ptm" "$dir/sentiment-en.ptm"
printf '\x02' | dd of="$dir/sentiment-en.ptm" bs=1 seek=8 conv=notrunc status=none
expect "SELECT sentiment('great')" "version 2 is not supported"
# unreadable
cp "$share/sentiment-en.ptm" "$dir/sentiment-en.ptm"
chmod 000 "$dir/sentiment-en.ptm"
expect "SELECT sentiment('great')" '42501: .*could not open model file.*Permission denied'
# a file of the wrong task under a task's name
rm -f "$dir/sentiment-en.ptm"
cp models/tokenizer.ptm "$dir/sentiment-en.ptm"
expect "SELECT sentiment('great')" 'holds a "tokenizer" model, not "sentiment"'
# fixed: works again in the same session, without a restart
cp "$share/sentiment-en.ptm" "$dir/sentiment-en.ptm"
expect "SELECT sentiment('great') > 0" '^t$'
# rewritten in place (same inode) while a session has it mapped: the next
# call maps the new file instead of touching the old mapping (which would
# fault past the new end of file); then a good file again, same session
out=$(psql -X -At -v VERBOSITY=verbose -d postgres 2>&1 <<SQL || true
SET prodtext.model_dir = '$dir';
SELECT sentiment('great') > 0;
\! cat models/tokenizer.ptm > $dir/sentiment-en.ptm
SELECT sentiment('great') > 0;
\! cat $share/sentiment-en.ptm > $dir/sentiment-en.ptm
SELECT sentiment('great') > 0;
SQL
)
if ! grep -qE 'holds a "tokenizer" model' <<<"$out" || [ "$(grep -c '^t$' <<<"$out")" != 2 ]; then
    echo "FAIL: in-place rewrite in one session → $out"; exit 1
fi
echo "ok: a model file rewritten in place is re-mapped at the next call, in the same session"
# embed(): missing, one flipped bit, the wrong task, then fixed
expect "SELECT embed('great')" '58P01: prodtext: no embed model in'
cp "$share/embed-multi.ptm" "$dir/embed-multi.ptm"
size=$(stat -c %s "$dir/embed-multi.ptm")
printf '\x55' | dd of="$dir/embed-multi.ptm" bs=1 seek=$((size - 100)) conv=notrunc status=none
expect "SELECT embed('great')" "XX001: .*embed-multi.ptm.*checksum mismatch"
cp models/tokenizer.ptm "$dir/embed-multi.ptm"
expect "SELECT embed('great')" 'holds a "tokenizer" model, not "embed"'
cp "$share/embed-multi.ptm" "$dir/embed-multi.ptm"
expect "SELECT array_length(embed('great'), 1) > 0" '^t$'
# (test/run-tests.sh checks the server log: no backend was terminated by a signal)
