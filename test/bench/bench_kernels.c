/*
 * bench_kernels.c — the kernels the benchmarks (and prodtext.so, linked the
 * same way) run on this machine, printed at the top of make bench: the
 * OpenBLAS core and who chose it (blas_select.h), and prodtext's own SIMD
 * paths.  A warning when the core is not the best this CPU supports: then
 * every fp32 GEMM, and the sgemm peak below, is slower than the hardware
 * allows.
 *
 *   build/bench_kernels
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas_select.h"
#include "conv_q8.h"
#include "nn.h"

int
main(void)
{
	const char *core = openblas_get_corename(),
			   *best = pt_blas_best_core_here(),
			   *env = getenv("OPENBLAS_CORETYPE");
	pt_blas_chooser by = pt_blas_chooser_get();

	printf("kernels: OpenBLAS core %s, chosen by %s%s%s; this CPU's best: %s; AVX-512 kernels %s; "
		   "8-bit VNNI kernels %s\n         %s\n",
		   core, pt_blas_chooser_name(by), by == PT_BLAS_BY_USER ? ": OPENBLAS_CORETYPE=" : "",
		   by == PT_BLAS_BY_USER ? env : "", best ? best : "none known",
		   pt_nn_avx512() ? "on" : "off", pt_q8_supported() ? "on" : "off", openblas_get_config());
	if (best && strcmp(core, best) != 0)
		printf("WARNING: OpenBLAS runs its %s kernels on a CPU that supports %s: every fp32 GEMM is slower "
			   "than this machine allows%s\n", core, best,
			   by == PT_BLAS_BY_USER ? " (unset OPENBLAS_CORETYPE to let prodtext choose)" : "");
	return 0;
}
