/* test_blas_select.c — OpenBLAS core type from CPUID features (blas_select.h). */
#include "unit.h"

#include <cblas.h>
#include <stdlib.h>

#include "blas_select.h"

/* a CPU with every feature of a tier, saved by the OS */
static pt_cpu_features
avx512_cpu(void)
{
	pt_cpu_features f = {.fma = 1, .avx2 = 1, .avx512f = 1, .avx512bw = 1, .avx512vl = 1,
	.avx512dq = 1, .os_ymm = 1, .os_zmm = 1};

	return f;
}

TEST(blas_best_core_avx512)
{
	pt_cpu_features f = avx512_cpu();

	CHECK_STR_EQ(pt_blas_best_core(&f), "SkylakeX");
	f.avx512_bf16 = 1;
	CHECK_STR_EQ(pt_blas_best_core(&f), "Cooperlake");
	f.amd = 1;					/* the vendor matters only below AVX-512 */
	CHECK_STR_EQ(pt_blas_best_core(&f), "Cooperlake");
}

TEST(blas_best_core_needs_all_avx512_subsets_and_os_support)
{
	pt_cpu_features f = avx512_cpu();

	f.avx512bw = 0;				/* e.g. Knights Landing: F without BW/VL/DQ */
	CHECK_STR_EQ(pt_blas_best_core(&f), "Haswell");
	f = avx512_cpu();
	f.avx512dq = 0;
	CHECK_STR_EQ(pt_blas_best_core(&f), "Haswell");
	f = avx512_cpu();
	f.os_zmm = 0;				/* a hypervisor or kernel that does not save ZMM state */
	CHECK_STR_EQ(pt_blas_best_core(&f), "Haswell");
}

TEST(blas_best_core_avx2)
{
	pt_cpu_features f = {.fma = 1, .avx2 = 1, .os_ymm = 1};

	CHECK_STR_EQ(pt_blas_best_core(&f), "Haswell");
	f.amd = 1;
	CHECK_STR_EQ(pt_blas_best_core(&f), "Zen");
	f.fma = 0;					/* AVX2 without FMA: nothing better known than OpenBLAS's own choice */
	CHECK(pt_blas_best_core(&f) == NULL);
	f.fma = 1;
	f.os_ymm = 0;
	CHECK(pt_blas_best_core(&f) == NULL);
	f = (pt_cpu_features) {0};
	CHECK(pt_blas_best_core(&f) == NULL);
}

TEST(blas_decide_never_overrides_the_user)
{
	CHECK(pt_blas_decide("Haswell", 0, "SkylakeX") == PT_BLAS_BY_USER);
	CHECK(pt_blas_decide("", 0, "SkylakeX") == PT_BLAS_BY_USER);
	CHECK(pt_blas_decide("Prescott", 1, NULL) == PT_BLAS_BY_USER);
	CHECK(pt_blas_decide(NULL, 0, "SkylakeX") == PT_BLAS_BY_PRODTEXT);
	/* too late (a shared OpenBLAS already picked) or nothing better known */
	CHECK(pt_blas_decide(NULL, 1, "SkylakeX") == PT_BLAS_BY_OPENBLAS);
	CHECK(pt_blas_decide(NULL, 0, NULL) == PT_BLAS_BY_OPENBLAS);
	CHECK_STR_EQ(pt_blas_chooser_name(PT_BLAS_BY_USER), "environment");
	CHECK_STR_EQ(pt_blas_chooser_name(PT_BLAS_BY_PRODTEXT), "prodtext");
	CHECK_STR_EQ(pt_blas_chooser_name(PT_BLAS_BY_OPENBLAS), "openblas");
}

/* what this process decided agrees with its CPU, its environment and the core in use */
TEST(blas_select_this_process)
{
	pt_cpu_features f;
	const char *core = openblas_get_corename();

	pt_cpu_features_read(&f);
	CHECK(pt_blas_best_core_here() == pt_blas_best_core(&f));
	if (f.avx512f)				/* AVX-512 implies the AVX2 tier's features */
		CHECK(f.avx2 && f.fma);
	switch (pt_blas_chooser_get())
	{
		case PT_BLAS_BY_PRODTEXT:
			CHECK_STR_EQ(core, pt_blas_best_core_here());
			break;
		case PT_BLAS_BY_USER:
			CHECK(getenv("OPENBLAS_CORETYPE") != NULL);
			break;
		case PT_BLAS_BY_OPENBLAS:
			/* the unit tests link the shared OpenBLAS: initialized before any constructor here */
			CHECK(getenv("OPENBLAS_CORETYPE") == NULL);
			break;
	}
	CHECK(strcmp(core, "Unknown") != 0);
}
