/*
 * pg_kernels.c — prodtext_kernels(): which kernels this backend runs, so a
 * slow machine can be told from a machine running slow kernels.
 *
 * The OpenBLAS core is the one inside prodtext.so (linked statically, picked
 * at load by src/core/blas_select.c), not that of any other OpenBLAS in the
 * process.
 */
#include "pg_glue.h"

#include <cblas.h>

#include "funcapi.h"
#include "utils/builtins.h"

#include "blas_select.h"
#include "conv_q8.h"
#include "nn.h"

#define KERNEL_COLUMNS 7

PG_FUNCTION_INFO_V1(prodtext_kernels);

/* One row: OpenBLAS core, who chose it, the best core of this CPU, BLAS threads, prodtext's SIMD paths. */
Datum
prodtext_kernels(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *best = pt_blas_best_core_here();
	Datum		values[KERNEL_COLUMNS];
	bool		nulls[KERNEL_COLUMNS] = {0};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = CStringGetTextDatum(openblas_get_corename());
	values[1] = CStringGetTextDatum(pt_blas_chooser_name(pt_blas_chooser_get()));
	values[2] = best ? CStringGetTextDatum(best) : (Datum) 0;
	nulls[2] = best == NULL;
	values[3] = Int32GetDatum(openblas_get_num_threads());
	values[4] = BoolGetDatum(pt_nn_avx512() != 0);
	values[5] = BoolGetDatum(pt_q8_supported() != 0);
	values[6] = CStringGetTextDatum(openblas_get_config());
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
