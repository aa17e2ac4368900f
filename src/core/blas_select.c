/*
 * blas_select.c — the OpenBLAS core type from CPUID features, set before
 * OpenBLAS's constructor reads it (see blas_select.h).
 */
#include "blas_select.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>

#ifndef bit_AVX512BF16
#define bit_AVX512BF16 (1 << 5)	/* CPUID.(7,1):EAX, absent from older GCC headers */
#endif

#define XCR0_YMM 0x06			/* SSE and AVX state */
#define XCR0_ZMM 0xe6			/* the same, plus opmask and both halves of ZMM */

/* XCR0: which register state the OS saves on a context switch */
static unsigned
xcr0(void)
{
	unsigned	lo,
				hi;

	__asm__ volatile ("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return lo;
}

void
pt_cpu_features_read(pt_cpu_features *f)
{
	unsigned	a,
				b,
				c,
				d,
				max_leaf;

	memset(f, 0, sizeof *f);
	max_leaf = __get_cpuid_max(0, &b);
	if (max_leaf < 1)
		return;
	__cpuid(0, a, b, c, d);
	/* vendor string in EBX, EDX, ECX: "Auth" "enti" "cAMD", "Hygo" "nGen" "uine" */
	f->amd = (b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163) ||
		(b == 0x6f677948 && d == 0x6e65476e && c == 0x656e6975);
	__cpuid(1, a, b, c, d);
	f->fma = (c & bit_FMA) != 0;
	if (c & bit_OSXSAVE)
	{
		unsigned	x = xcr0();

		f->os_ymm = (x & XCR0_YMM) == XCR0_YMM;
		f->os_zmm = (x & XCR0_ZMM) == XCR0_ZMM;
	}
	if (max_leaf < 7)
		return;
	__cpuid_count(7, 0, a, b, c, d);
	f->avx2 = (b & bit_AVX2) != 0;
	f->avx512f = (b & bit_AVX512F) != 0;
	f->avx512dq = (b & bit_AVX512DQ) != 0;
	f->avx512bw = (b & bit_AVX512BW) != 0;
	f->avx512vl = (b & bit_AVX512VL) != 0;
	if (a >= 1)					/* EAX of sub-leaf 0: the last sub-leaf */
	{
		__cpuid_count(7, 1, a, b, c, d);
		f->avx512_bf16 = (a & bit_AVX512BF16) != 0;
	}
}
#else
void
pt_cpu_features_read(pt_cpu_features *f)
{
	memset(f, 0, sizeof *f);
}
#endif

const char *
pt_blas_best_core(const pt_cpu_features *f)
{
	/* OpenBLAS's SkylakeX kernels use all four AVX-512 subsets */
	if (f->os_zmm && f->avx512f && f->avx512bw && f->avx512vl && f->avx512dq)
		return f->avx512_bf16 ? "Cooperlake" : "SkylakeX";
	if (f->os_ymm && f->avx2 && f->fma)
		return f->amd ? "Zen" : "Haswell";
	return NULL;
}

pt_blas_chooser
pt_blas_decide(const char *user_coretype, int openblas_ready, const char *best)
{
	if (user_coretype != NULL)
		return PT_BLAS_BY_USER;
	if (openblas_ready || best == NULL)
		return PT_BLAS_BY_OPENBLAS;
	return PT_BLAS_BY_PRODTEXT;
}

const char *
pt_blas_chooser_name(pt_blas_chooser by)
{
	switch (by)
	{
		case PT_BLAS_BY_PRODTEXT:
			return "prodtext";
		case PT_BLAS_BY_USER:
			return "environment";
		case PT_BLAS_BY_OPENBLAS:
			break;
	}
	return "openblas";
}

static pt_blas_chooser chooser = PT_BLAS_BY_OPENBLAS;
static const char *best_here;
static int	env_set_here;		/* 1 while OPENBLAS_CORETYPE is prodtext's, not the user's */

/*
 * Before OpenBLAS's constructor, which has the default priority and so runs
 * after every constructor given one (GCC orders .init_array.NNNNN first).
 * Before initialization OpenBLAS names its core "Unknown": any other name
 * means a shared OpenBLAS has already picked, and setting the variable now
 * would change nothing.
 */
__attribute__((constructor(101)))
static void
blas_select_at_load(void)
{
	pt_cpu_features f;

	pt_cpu_features_read(&f);
	best_here = pt_blas_best_core(&f);
	chooser = pt_blas_decide(getenv("OPENBLAS_CORETYPE"),
							 strcmp(openblas_get_corename(), "Unknown") != 0, best_here);
	if (chooser == PT_BLAS_BY_PRODTEXT && setenv("OPENBLAS_CORETYPE", best_here, 0) != 0)
		chooser = PT_BLAS_BY_OPENBLAS;	/* out of memory: OpenBLAS picks alone */
	env_set_here = chooser == PT_BLAS_BY_PRODTEXT;
}

pt_blas_chooser
pt_blas_chooser_get(void)
{
	return chooser;
}

const char *
pt_blas_best_core_here(void)
{
	return best_here;
}

void
pt_blas_select_restore_env(void)
{
	if (env_set_here)
		unsetenv("OPENBLAS_CORETYPE");
	env_set_here = 0;
}
