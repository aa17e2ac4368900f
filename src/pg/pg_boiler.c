/*
 * pg_boiler.c — the seller-boilerplate detector (boiler.h) that rewrite()
 * and summarize() share, from the model cache like the tasks' models
 * (boilerplate-multi.ptm).  Without that file nothing is dropped as
 * boilerplate; the functions still work.
 */
#include "pg_tasks.h"

#include "boiler.h"

static pt_status
load_boiler(const pt_model *m, void **out, pt_err *err)
{
	return pt_boiler_load(m, (pt_boiler **) out, err);
}

static void
free_boiler(void *b)
{
	pt_boiler_free(b);
}

static PtTaskCache detectors = {"boilerplate", load_boiler, free_boiler};

void
PtBoilerPreload(void)
{
	PtTaskPreload(&detectors);
}

const pt_boiler *
PtBoiler(void)
{
	/* one model serves both languages; the English slot finds boilerplate-multi.ptm */
	return PtTaskFor(&detectors, PT_LANG_EN);
}
