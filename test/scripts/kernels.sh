#!/usr/bin/env bash
# OpenBLAS kernels inside prodtext.so as a backend loads it (issue 21):
#   1. on a CPU with AVX-512 (F/BW/VL/DQ) the core in use is SkylakeX or
#      Cooperlake, never a generic or older one (OpenBLAS 0.3.21 falls back to
#      Prescott on CPU models it does not know), with and without
#      shared_preload_libraries; skipped, with a note, on CPUs without AVX-512;
#   2. a user's OPENBLAS_CORETYPE in the server's environment is left alone,
#      and the environment prodtext's programs see is the user's in both cases.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh
unset CLUSTER_DIR
CLUSTER_PORT=54338
trap cluster_stop EXIT

fail() { echo "FAIL: $*"; psql -X -c 'SELECT * FROM prodtext_kernels()' || true; exit 1; }
kernels() { psql -X -At -F ' ' -c 'SELECT openblas_core, chosen_by, cpu_best_core FROM prodtext_kernels()'; }
# the OPENBLAS_CORETYPE a program started by the backend sees, after prodtext is loaded ("-" when unset)
child_env() {
    psql -X -q -c "LOAD 'prodtext'" \
         -c "COPY (SELECT 1) TO PROGRAM 'printf %s \"\${OPENBLAS_CORETYPE:--}\" > $CLUSTER_DIR/child-env'"
    cat "$CLUSTER_DIR/child-env"
}
restart() {   # restart the server with the environment given as arguments (VAR=value or -u VAR)
    as_cluster_user env "$@" "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -w -t 60 -m fast restart >/dev/null
}

avx512=1
for flag in avx512f avx512bw avx512vl avx512dq; do
    grep -qw "$flag" /proc/cpuinfo || avx512=0
done

# prodtext's own choice: the server's environment without OPENBLAS_CORETYPE
unset OPENBLAS_CORETYPE
cluster_start
psql -X -q -c 'CREATE EXTENSION prodtext'
for config in "no preload" preload; do
    if [ "$config" = preload ]; then
        psql -X -q -c "ALTER SYSTEM SET shared_preload_libraries = 'prodtext'"
        restart -u OPENBLAS_CORETYPE
    fi
    read -r core by best < <(kernels)
    echo "$config: OpenBLAS core $core, chosen by $by; this CPU's best: ${best:-none}"
    if [ $avx512 = 1 ]; then
        case "$core" in
            SkylakeX | Cooperlake) ;;
            *) fail "$config: AVX-512 CPU runs OpenBLAS core $core" ;;
        esac
        [ "$core" = "$best" ] || fail "$config: core $core, but this CPU's best is $best"
    fi
    [ "$by" != environment ] || fail "$config: chosen_by environment, but OPENBLAS_CORETYPE is unset"
    env_seen=$(child_env)
    [ "$env_seen" = - ] || fail "$config: programs started by the backend see OPENBLAS_CORETYPE=$env_seen"
done
[ $avx512 = 1 ] || echo "note: this CPU has no AVX-512 (F/BW/VL/DQ): the check of its core is skipped"

# a user's choice wins, and stays in the environment
restart OPENBLAS_CORETYPE=Prescott
read -r core by best < <(kernels)
[ "$core" = Prescott ] && [ "$by" = environment ] || fail "OPENBLAS_CORETYPE=Prescott gave core $core, chosen by $by"
env_seen=$(child_env)
[ "$env_seen" = Prescott ] || fail "the user's OPENBLAS_CORETYPE became $env_seen for the backend's programs"
echo "ok: prodtext's core choice is in use, and a user's OPENBLAS_CORETYPE is left alone"
