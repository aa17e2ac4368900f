/*
 * pg_rewrite.c — SQL functions of the rewrite task: rewrite(text),
 * rewrite(text, int) and their text[] forms.
 *
 * English and Chinese inputs go to their model (rewrite-<lang>.ptm, or one
 * rewrite-multi.ptm for both); other inputs, and every input when no model
 * is installed, come back normalized (HTML stripped, white space and
 * full-width forms folded): rewrite() never fails for want of a model.
 */
#include "pg_tasks.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"

#include "rewrite.h"

static pt_status
load_rewriter(const pt_model *m, void **out, pt_err *err)
{
	return pt_rewriter_load(m, (pt_rewriter **) out, err);
}

static void
free_rewriter(void *r)
{
	pt_rewriter_free(r);
}

static pt_status
run_rewrite(const void *r, const char *const *texts, const size_t *lens, size_t n,
			const void *opts, char **outs, size_t *out_lens, pt_err *err)
{
	return pt_rewrite(r, texts, lens, n, opts, outs, out_lens, err);
}

static PtTaskCache rewriters = {"rewrite", load_rewriter, free_rewriter};

void
PtRewritePreload(void)
{
	PtTaskPreload(&rewriters);
}

/* outs[i] = rewrite of texts[i] within max_chars (0: no budget beyond the input's length) */
static void
rewrite_texts(const char *const *texts, const size_t *lens, int n, int max_chars, text **outs)
{
	pt_rewrite_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.max_chars = (size_t) max_chars;
	opts.beam_width = prodtext_rewrite_beam_width;
	opts.max_input_chars = (size_t) prodtext_max_input_chars;
	opts.boiler = PtBoiler();
	PtTaskRunTexts(&rewriters, run_rewrite, &opts, texts, lens, n, outs);
}

/* the budget argument: absent means none; given, it must be at least 1 */
static int
budget_arg(FunctionCallInfo fcinfo, int argno)
{
	int			max_chars;

	if (PG_NARGS() <= argno)
		return 0;
	max_chars = PG_GETARG_INT32(argno);
	if (max_chars < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prodtext: max_chars must be at least 1, not %d", max_chars)));
	return max_chars;
}

/* rewrite of one raw text, as a palloc'd text (also the trigger's rewrite:col) */
text *
PtRewriteText(const char *s, size_t len, int max_chars)
{
	text	   *out;

	rewrite_texts(&s, &len, 1, max_chars, &out);
	return out;
}

PG_FUNCTION_INFO_V1(prodtext_rewrite);

/* rewrite(t text [, max_chars int]) */
Datum
prodtext_rewrite(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			max_chars = budget_arg(fcinfo, 1);

	PG_RETURN_TEXT_P(PtRewriteText(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), max_chars));
}

PG_FUNCTION_INFO_V1(prodtext_rewrite_array);

/* rewrite(t text[] [, max_chars int]): every element in one batched pass, NULLs kept, shape kept */
Datum
prodtext_rewrite_array(PG_FUNCTION_ARGS)
{
	PtTextArray in;
	int			max_chars = budget_arg(fcinfo, 1);
	text	  **outs;
	Datum	   *values;

	PtTextArrayRead(PG_GETARG_ARRAYTYPE_P(0), &in);
	outs = palloc(sizeof(text *) * Max(in.n, 1));
	values = palloc0(sizeof(Datum) * Max(in.n, 1));
	rewrite_texts(in.texts, in.lens, in.n, max_chars, outs);
	for (int i = 0; i < in.n; i++)
		values[i] = PointerGetDatum(outs[i]);
	PG_RETURN_ARRAYTYPE_P(PtTextArrayResult(&in, values, TEXTOID));
}
