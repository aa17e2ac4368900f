/*
 * pg_core.c — the core's bridge to the backend: its allocator (palloc in
 * the current memory context), its interrupt hook (CHECK_FOR_INTERRUPTS),
 * and its errors turned into ereport.
 */
#include "pg_glue.h"

#include <errno.h>

#include "miscadmin.h"
#include "utils/memutils.h"

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

/* Route core allocations to palloc in the current memory context. */
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

/* Install the backend allocator and interrupt hook in the core. */
void
PtCoreHooksInit(void)
{
	PtUseBackendAllocator();
	pt_set_interrupt_hook(backend_interrupts);
}

/* ereport(ERROR) with the SQLSTATE of a failed core call's status; never returns */
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
