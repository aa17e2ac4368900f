#!/usr/bin/env bash
# make bench: sentiment, summarize and rewrite measured side by side in one run, one table at the end.
#   0. the kernels everything runs (build/bench_kernels; prodtext_kernels() in
#      the server): OpenBLAS's core and who chose it, with a warning when it is
#      not the best this CPU supports;
#   1. the C core alone (one row per call, 256 per call) against the machine's
#      single-thread sgemm peak, and the same model in PyTorch outside the
#      server (test/bench/bench_core.c, torch_peer.py);
#   2. in a throw-away cluster (unix socket only, stopped on exit): rows/s of
#      sentiment(text), sentiment(text[]) in arrays of 256 and sentiment_avg,
#      and of the same model in PL/Python + PyTorch in the same server
#      (pg_torch_peer.py); summaries/s of summarize(text) and of
#      summarize(text[]) in arrays of 256, and of rewrite(text) and
#      rewrite(text[]) in arrays of 64, on 1,000 real product descriptions
#      (prepare_descriptions.py), and of the same decoders in PL/Python +
#      PyTorch (pg_torch_decoders.py); first-call latency in a new connection;
#      PSS of 1, 8 and 32 backends — without, then with
#      shared_preload_libraries.
# Rates are rows per CPU-second of one process (one core, one BLAS thread).
# Writes build/bench/*.csv and build/bench/{throughput,memory}.png.
# Needs: scripts/install-deps.sh --bench (PL/Python, PyTorch, gnuplot); parts
# whose packages are missing are skipped with a note.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
OUT=build/bench
mkdir -p "$OUT"
rm -f "$OUT"/*.csv "$OUT"/*.dat "$OUT"/*.png "$OUT"/peer-agreement.txt
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
PY=/usr/bin/python3

make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
make -s core-lib bench-bins >/dev/null
# first: the kernels everything below runs, with a warning when they are not this CPU's best
build/bench_kernels | tee "$OUT/kernels.txt"
$PY test/bench/prepare_reviews.py "$OUT" 10000
$PY test/bench/prepare_descriptions.py "$OUT" 1000

have_torch=0
$PY -c 'import torch' 2>/dev/null && have_torch=1
have_plpython=0
[ -f "$("$PG_CONFIG" --pkglibdir)/plpython3.so" ] && [ $have_torch = 1 ] && have_plpython=1
[ $have_torch = 1 ] || echo "(python3-torch not installed: no PyTorch peer; scripts/install-deps.sh --bench)"
[ $have_plpython = 1 ] || echo "(postgresql-plpython3-15 or python3-torch missing: no PL/Python peer)"

echo "== core (no server) and PyTorch outside the server, one thread, 10,000 real reviews per language"
echo "lang,precision,mean_tokens,c_rows_per_s_single,c_rows_per_s_batch256,gflops,sgemm_peak,pct_peak,flops_per_row,torch_rows_per_s_single,torch_rows_per_s_batch256" \
    > "$OUT/sentiment-core.csv"
for lang in en zh; do
    t1=n/a; t256=n/a
    if [ $have_torch = 1 ]; then
        IFS=, read -r t1 t256 < <($PY test/bench/torch_peer.py models/sentiment-$lang.ptm "$OUT/reviews-$lang.txt" | tail -n 1)
    fi
    # one line per precision the model and CPU offer (fp32; int8 with AVX-512 VNNI)
    while IFS=, read -r _ prec _ tokens c1 c256 gf peak pct fpr; do
        echo "   $lang $prec: C $c1 rows/s one per call, $c256 batched ($gf GFLOP/s, $pct% of $peak); PyTorch $t1, $t256"
        echo "$lang,$prec,$tokens,$c1,$c256,$gf,$peak,$pct,$fpr,$t1,$t256" >> "$OUT/sentiment-core.csv"
    done < <(build/bench_core models/sentiment-$lang.ptm "$OUT/reviews-$lang.txt" | tail -n +2)
done

echo "== summarize and rewrite in the core (no server), one thread, the first 300 real descriptions"
for task in summarize rewrite; do
    build/bench_decoders $task models/$task-multi.ptm "$OUT/descriptions-en.txt" 300 | tee "$OUT/$task-core.csv"
done

echo "== in the server"
# the server runs as deployed: OpenBLAS's own thread settings, prodtext.threads = 1
unset OPENBLAS_NUM_THREADS OMP_NUM_THREADS
source test/lib/cluster.sh
trap cluster_stop EXIT
trap 'exit 130' INT TERM
CLUSTER_PORT=54333 cluster_start max_connections=120
psql -X -q -c 'CREATE EXTENSION prodtext' \
     -c 'CREATE TABLE bench_reviews (id serial, lang text, body text)'
echo "   the server's kernels (prodtext_kernels()): $(psql -X -At -F ', ' -c \
     'SELECT openblas_core, chosen_by, avx512, int8_vnni FROM prodtext_kernels()')"
for lang in en zh; do
    psql -X -q -c "\\copy bench_reviews (body) FROM '$OUT/reviews-$lang.txt' WITH (FORMAT csv, DELIMITER E'\x1f', QUOTE E'\x1e')" \
         -c "UPDATE bench_reviews SET lang = '$lang' WHERE lang IS NULL"
done
psql -X -q -c 'CREATE TABLE bench_descriptions (id serial, body text)' \
     -c "\\copy bench_descriptions (body) FROM '$OUT/descriptions-en.txt' WITH (FORMAT csv, DELIMITER E'\x1f', QUOTE E'\x1e')"
psql -X -q -c 'VACUUM ANALYZE bench_reviews' -c 'VACUUM ANALYZE bench_descriptions'

# the peer's files, where the server's OS user can read them
PEERDIR=-
if [ $have_plpython = 1 ]; then
    PEERDIR=$CLUSTER_DIR/peer
    mkdir -p "$PEERDIR"
    cp test/bench/pg_torch_peer.py test/bench/pg_torch_decoders.py build/libptcore.so \
       models/sentiment-en.ptm models/sentiment-zh.ptm models/summarize-multi.ptm models/rewrite-multi.ptm "$PEERDIR/"
    # the training code's modules the peer imports, in their packages as in models/train
    for f in common/__init__.py common/ptm.py common/ptcore.py common/beam_torch.py \
             summarize/__init__.py summarize/model.py rewrite/__init__.py rewrite/model.py; do
        install -D -m 644 "models/train/$f" "$PEERDIR/$f"
    done
    [ "$(id -u)" -eq 0 ] && chown -R "$CLUSTER_USER" "$PEERDIR"
    chmod -R a+rX "$PEERDIR"
fi

# embed()'s peer (test/bench/bench_embed.py): its module, the model and the training code's encoder
if [ $have_plpython = 1 ]; then
    cp test/bench/pg_torch_embed.py models/embed-multi.ptm "$PEERDIR/"
    for f in embed/__init__.py embed/model.py; do install -D -m 644 "models/train/$f" "$PEERDIR/$f"; done
    [ "$(id -u)" -eq 0 ] && chown -R "$CLUSTER_USER" "$PEERDIR"
    chmod -R a+rX "$PEERDIR"
fi

echo "-- throughput, one backend, no parallel workers"
$PY test/bench/bench.py throughput "$OUT" "$PEERDIR"
echo "-- embed(text), one backend, no parallel workers"
$PY test/bench/bench_embed.py "$OUT" "$PEERDIR" | tee "$OUT/embed.txt"
echo "-- summarize and rewrite, one backend, no parallel workers"
$PY test/bench/bench.py summarize "$OUT" "$PEERDIR"
$PY test/bench/bench.py rewrite "$OUT" "$PEERDIR"
echo "-- first call in a new connection, and memory, without shared_preload_libraries"
$PY test/bench/bench.py latency "$OUT" "no preload" "$PEERDIR"
$PY test/bench/bench.py memory "$OUT" "no preload" "$PEERDIR"

echo "-- the same with shared_preload_libraries = 'prodtext'"
psql -X -q -c "ALTER SYSTEM SET shared_preload_libraries = 'prodtext'"
as_cluster_user "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -w -t 60 -m fast restart >/dev/null
$PY test/bench/bench.py latency "$OUT" preload -
$PY test/bench/bench.py memory "$OUT" preload -

$PY test/bench/bench.py report "$OUT" | tee "$OUT/table.txt"
