/*
 * blas_select.h — OpenBLAS kernels chosen from the CPU's features, before
 * OpenBLAS picks its own.
 *
 * OpenBLAS 0.3.21 (DYNAMIC_ARCH, Debian 12) picks its kernels once, in its
 * own constructor, from the CPU's family and model numbers: a CPU newer than
 * its tables (e.g. an Intel Xeon of family 6, model 207) falls back to
 * generic SSE3 kernels (Prescott), a 4-5x slower sgemm.  That constructor
 * honours the environment variable OPENBLAS_CORETYPE.  A constructor of
 * higher priority here (blas_select.c) runs before OpenBLAS's where OpenBLAS
 * is linked statically into the same object (prodtext.so, the benches) and,
 * unless the user set the variable, sets it to the best core the CPUID
 * features support:
 *     AVX-512 F/BW/VL/DQ, saved by the OS   SkylakeX (Cooperlake with AVX512_BF16)
 *     AVX2 + FMA, saved by the OS           Haswell (Zen on AMD, as OpenBLAS itself picks there)
 *     less                                  OpenBLAS's own choice
 * Features, not model numbers, so the next CPU generation is covered too.
 * Where OpenBLAS is a shared library it has initialized before this code
 * runs, and keeps its own choice (reported as such).
 */
#ifndef PT_BLAS_SELECT_H
#define PT_BLAS_SELECT_H

/* the CPUID features that decide the kernels (each 0 or 1) */
typedef struct pt_cpu_features
{
	int			fma;
	int			avx2;
	int			avx512f;
	int			avx512bw;
	int			avx512vl;
	int			avx512dq;
	int			avx512_bf16;
	int			os_ymm;			/* the OS saves the AVX registers (XCR0) */
	int			os_zmm;			/* the OS saves the AVX-512 registers (XCR0) */
	int			amd;			/* vendor AuthenticAMD or HygonGenuine */
} pt_cpu_features;

/* who picked the kernels in use */
typedef enum pt_blas_chooser
{
	PT_BLAS_BY_OPENBLAS,		/* OpenBLAS, from the CPU model (or no better core was known) */
	PT_BLAS_BY_PRODTEXT,		/* prodtext set OPENBLAS_CORETYPE from the features */
	PT_BLAS_BY_USER				/* the process's environment had OPENBLAS_CORETYPE */
} pt_blas_chooser;

/* The features of the CPU this runs on (all 0 off x86-64). */
void		pt_cpu_features_read(pt_cpu_features *f);

/* The OpenBLAS core name these features support best, NULL when none is known. */
const char *pt_blas_best_core(const pt_cpu_features *f);

/*
 * Who picks, given the user's OPENBLAS_CORETYPE (NULL when unset; any value,
 * even empty, is the user's), whether OpenBLAS has already picked, and the
 * best core (NULL when none).
 */
pt_blas_chooser pt_blas_decide(const char *user_coretype, int openblas_ready, const char *best);

/* What the constructor decided in this process: who picked, and the best core (NULL when none). */
pt_blas_chooser pt_blas_chooser_get(void);
const char *pt_blas_best_core_here(void);

/* "prodtext", "environment" or "openblas" */
const char *pt_blas_chooser_name(pt_blas_chooser by);

/*
 * Remove the OPENBLAS_CORETYPE prodtext set, once OpenBLAS has read it, so
 * the process's environment (and its children's) is the user's again.  A
 * no-op when prodtext set nothing.
 */
void		pt_blas_select_restore_env(void);

#endif
