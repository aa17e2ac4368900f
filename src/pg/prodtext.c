/*
 * prodtext.c — module entry: settings, the core's allocator and interrupt
 * hook, and error reporting.  Everything model-specific lives in the core.
 */
#include "pg_glue.h"

#include <cblas.h>
#include <errno.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "rewrite.h"
#include "summarize.h"

PG_MODULE_MAGIC;

char	   *prodtext_model_dir = NULL;
int			prodtext_max_input_chars = 20000;
int			prodtext_threads = 1;
int			prodtext_beam_width = 4;
int			prodtext_rewrite_beam_width = 1;

void		_PG_init(void);

static void *
backend_alloc(size_t size, void *ctx)
{
	/* NULL on failure instead of ERROR: the core reports PT_ERR_NOMEM itself */
	return palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void *
backend_realloc(void *ptr, size_t size, void *ctx)
{
	return repalloc_huge(ptr, size);
}

static void
backend_free(void *ptr, void *ctx)
{
	pfree(ptr);
}

void
PtUseBackendAllocator(void)
{
	static const pt_allocator a = {backend_alloc, backend_realloc, backend_free, NULL};

	pt_set_allocator(&a);
}

/* The core's long loops call this: lets statement_timeout and cancel work. */
static void
backend_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

static void
assign_threads(int newval, void *extra)
{
	openblas_set_num_threads(newval);
}

void
PtReportError(const pt_err *err)
{
	switch (err->code)
	{
		case PT_ERR_NOMEM:
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("prodtext: %s", err->msg)));
			break;
		case PT_ERR_INVALID_UTF8:
			ereport(ERROR, (errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
							errmsg("prodtext: input is not valid UTF-8: %s", err->msg),
							errhint("prodtext reads text as UTF-8; use a UTF8 database or convert the input.")));
			break;
		case PT_ERR_ARG:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("prodtext: %s", err->msg)));
			break;
		case PT_ERR_IO:
			errno = err->sys_errno;
			ereport(ERROR, (errcode_for_file_access(), errmsg("prodtext: %s", err->msg),
							errhint("Check prodtext.model_dir (now \"%s\") and run \"make install\".",
									PtModelDir())));
			break;
		case PT_ERR_FORMAT:
		case PT_ERR_MODEL:
			ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("prodtext: %s", err->msg),
							errhint("Reinstall the model files (\"make install\") and reconnect.")));
			break;
		case PT_ERR_LIMIT:
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("prodtext: %s", err->msg)));
			break;
		case PT_OK:
			break;
	}
	elog(ERROR, "prodtext: unexpected core status %d: %s", (int) err->code, err->msg);
}

void
_PG_init(void)
{
	DefineCustomStringVariable("prodtext.model_dir",
							   "Directory holding prodtext's .ptm model files.",
							   "Empty means the directory \"make install\" fills: $sharedir/prodtext.",
							   &prodtext_model_dir, "", PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("prodtext.max_input_chars",
							"Inputs longer than this many characters are cut at a sentence boundary.",
							"Bounds the time and memory of one call.",
							&prodtext_max_input_chars, 20000, 1, 10000000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("prodtext.threads",
							"BLAS threads per backend.",
							"Parallel query already uses one process per core; raise this only for single large calls.",
							&prodtext_threads, 1, 1, 64,
							PGC_USERSET, 0, NULL, assign_threads, NULL);
	DefineCustomIntVariable("prodtext.beam_width",
							"Beam width of summarize()'s decoder.",
							"1 decodes greedily (fastest); wider beams search more candidate summaries.",
							&prodtext_beam_width, 4, 1, PT_SUMMARIZE_MAX_BEAM,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("prodtext.rewrite_beam_width",
							"Beam width of rewrite()'s decoder.",
							"1 decodes greedily (the default: rewrites are long, and a beam costs its width in time).",
							&prodtext_rewrite_beam_width, 1, 1, PT_REWRITE_MAX_BEAM,
							PGC_USERSET, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("prodtext");

	openblas_set_num_threads(prodtext_threads);
	PtUseBackendAllocator();
	pt_set_interrupt_hook(backend_interrupts);

	/* under shared_preload_libraries: map the models once, backends inherit them */
	if (process_shared_preload_libraries_in_progress)
	{
		PtPreloadModels();
		PtSentimentPreload();
		PtSummarizePreload();
		PtRewritePreload();
	}
}
