#!/usr/bin/env bash
# make bench: sentiment throughput measured side by side in one run —
# the C core alone (one row per call, 256 per call) against the machine's
# single-thread sgemm peak, the same model in PyTorch (one thread), and the
# SQL functions in a throw-away cluster (scalar, arrays of 256, aggregate).
# Writes build/bench/*.csv and prints one table.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
OUT=build/bench
mkdir -p "$OUT"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
make -s core-lib >/dev/null
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc/core $(pkg-config --cflags openblas) -o build/bench_core \
    test/bench/bench_core.c $(ls src/core/*.c) $(pkg-config --libs openblas) -lm
/usr/bin/python3 test/bench/prepare_reviews.py "$OUT" 10000

have_torch=0
/usr/bin/python3 -c 'import torch' 2>/dev/null && have_torch=1

echo "== core (no server) and PyTorch peer, one thread, 10,000 real reviews per language"
printf '%-4s %8s %12s %14s %12s %10s %8s %14s %14s\n' lang tokens "C 1/call" "C 256/call" GFLOP/s "peak" "% peak" "torch 1/call" "torch 256/call"
echo "lang,mean_tokens,c_rows_per_s_single,c_rows_per_s_batch256,gflops,sgemm_peak,pct_peak,torch_rows_per_s_single,torch_rows_per_s_batch256" > "$OUT/sentiment-core.csv"
for lang in en zh; do
    IFS=, read -r _ _ tokens c1 c256 gf peak pct < <(build/bench_core models/sentiment-$lang.ptm "$OUT/reviews-$lang.txt" | tail -n 1)
    t1=n/a; t256=n/a
    if [ $have_torch = 1 ]; then
        IFS=, read -r t1 t256 < <(/usr/bin/python3 test/bench/torch_peer.py models/sentiment-$lang.ptm "$OUT/reviews-$lang.txt" | tail -n 1)
    fi
    printf '%-4s %8s %12s %14s %12s %10s %8s %14s %14s\n' $lang "$tokens" "$c1" "$c256" "$gf" "$peak" "$pct" "$t1" "$t256"
    echo "$lang,$tokens,$c1,$c256,$gf,$peak,$pct,$t1,$t256" >> "$OUT/sentiment-core.csv"
    if [ $have_torch = 1 ]; then
        echo "     C / PyTorch: $(awk -v a="$c1" -v b="$t1" 'BEGIN{printf "%.1fx", a/b}') one row per call, $(awk -v a="$c256" -v b="$t256" 'BEGIN{printf "%.1fx", a/b}') batched"
    fi
done

echo "== SQL, one backend, no parallel workers (rows/s)"
source test/lib/cluster.sh
trap cluster_stop EXIT
CLUSTER_PORT=54333 cluster_start
psql -X -q -c 'CREATE EXTENSION prodtext' \
     -c 'CREATE TABLE bench_reviews (id serial, lang text, body text)'
for lang in en zh; do
    psql -X -q -c "\\copy bench_reviews (body) FROM '$OUT/reviews-$lang.txt' WITH (FORMAT csv, DELIMITER E'\x1f', QUOTE E'\x1e')" \
         -c "UPDATE bench_reviews SET lang = '$lang' WHERE lang IS NULL"
done
psql -X -q -f test/bench/bench.sql | tee "$OUT/sentiment-sql.csv" | column -s, -t
