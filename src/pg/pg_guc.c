/*
 * pg_guc.c — prodtext's settings: the prodtext.* GUC variables, their
 * definition, and the model directory they resolve to.
 */
#include "pg_glue.h"

#include <cblas.h>

#include "miscadmin.h"
#include "utils/guc.h"

#include "rewrite.h"
#include "summarize.h"

char	   *prodtext_model_dir = NULL;
int			prodtext_max_input_chars = 20000;
int			prodtext_threads = 1;
int			prodtext_beam_width = 4;
int			prodtext_rewrite_beam_width = 1;

static void
assign_threads(int newval, void *extra)
{
	openblas_set_num_threads(newval);
}

/* Define every prodtext.* setting, reserve the prefix, apply prodtext.threads. */
void
PtGucInit(void)
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
}

/* prodtext.model_dir, or $sharedir/prodtext when it is empty */
const char *
PtModelDir(void)
{
	static char default_dir[MAXPGPATH];

	if (prodtext_model_dir != NULL && prodtext_model_dir[0] != '\0')
		return prodtext_model_dir;
	if (default_dir[0] == '\0')
	{
		char		share[MAXPGPATH];

		get_share_path(my_exec_path, share);
		snprintf(default_dir, sizeof(default_dir), "%s/prodtext", share);
	}
	return default_dir;
}

