#!/usr/bin/env bash
# compare_release.sh REF [TASK] [N] — the C decoders of this tree against those of an earlier
# release (a git ref, e.g. 3e13b63 for 0.5.0), each with its own model file, on the same texts
# and the same OpenBLAS kernels, runs alternating so that a busy machine slows both alike.
#
#   bash test/bench/compare_release.sh 3e13b63 summarize 300
#
# Texts: build/bench/descriptions-en.txt (test/bench/prepare_descriptions.py, as `make bench`
# writes it).  Prints bench_decoders' CSV lines (rows per CPU-second of one thread, mean output
# characters) for each tree and run, then this tree's cost per row as a multiple of REF's.
set -euo pipefail
ref=${1:?usage: compare_release.sh REF [TASK] [N]}
task=${2:-summarize}
n=${3:-300}
texts=build/bench/descriptions-en.txt
old=$(mktemp -d)
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || rm -rf "$old"' EXIT

[ -s "$texts" ] || { mkdir -p build/bench; /usr/bin/python3 test/bench/prepare_descriptions.py build/bench 1000; }
make -s bench-bins >/dev/null
git worktree add --detach -f "$old" "$ref" >/dev/null 2>&1
# the way releases up to 0.5.0 built it (test/bench/run.sh): every core file, OpenBLAS as found
cc -std=c11 -D_GNU_SOURCE -O2 -Wno-psabi -I"$old/src/core" $(pkg-config --cflags openblas) \
    -o "$old/bench_decoders" "$old/test/bench/bench_decoders.c" "$old"/src/core/*.c $(pkg-config --libs openblas) -lm
# the kernels prodtext picks on this CPU (its best), for both; a user's OPENBLAS_CORETYPE wins
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$(build/bench_kernels | sed -n "s/.*this CPU's best: \([A-Za-z0-9]*\).*/\1/p" | head -n 1)}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
echo "# OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE; $task, the first $n texts of $texts"
out=$(mktemp)
for run in 1 2; do
    "$old/bench_decoders" "$task" "$old/models/$task-multi.ptm" "$texts" "$n" | tail -n +2 | sed "s/^/$ref,$run,/" | tee -a "$out"
    build/bench_decoders "$task" "models/$task-multi.ptm" "$texts" "$n" | tail -n +2 | sed "s/^/now,$run,/" | tee -a "$out"
done
# tree,run,task,beam,batch,rows,rows_per_s,chars: mean rows/s per (tree, beam, batch) → cost ratio
awk -F, '{ k = $4 "," $5; s[$1 "|" k] += $7; c[$1 "|" k]++; keys[k] = 1 }
    END { for (k in keys) { split(k, b, ","); o = s["'"$ref"'|" k] / c["'"$ref"'|" k]; m = s["now|" k] / c["now|" k];
          printf "beam %s, %s per call: %.0f -> %.0f rows/s, cost per row x%.2f\n", b[1], b[2], o, m, o / m } }' "$out" | sort
rm -f "$out"
