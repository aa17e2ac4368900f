/*
 * prodtext.c — module entry: PG_MODULE_MAGIC and _PG_init, which defines
 * the settings (pg_guc.c), hooks the core into the backend (pg_core.c) and,
 * under shared_preload_libraries, preloads the models and task objects.
 * Nothing else calls into this file.
 */
#include "pg_glue.h"

#include "fmgr.h"
#include "miscadmin.h"

#include "blas_select.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	/* OpenBLAS has read the core type prodtext chose: the environment is the user's again */
	pt_blas_select_restore_env();
	PtGucInit();
	PtCoreHooksInit();

	/* under shared_preload_libraries: map the models once, backends inherit them */
	if (process_shared_preload_libraries_in_progress)
	{
		PtPreloadModels();
		PtSentimentPreload();
		PtBoilerPreload();
		PtSummarizePreload();
		PtRewritePreload();
		PtEmbedPreload();
	}
}
