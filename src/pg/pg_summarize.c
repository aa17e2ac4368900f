/*
 * pg_summarize.c — SQL functions of the summarize task: summarize(text, int),
 * summarize(text[], int) and the summarize_agg aggregates.
 *
 * Each input's language is detected on its normalized text; English and
 * Chinese inputs go to their model (summarize-<lang>.ptm, or one
 * summarize-multi.ptm for both), every other input — and every input when no
 * model is installed — takes the core's extractive path (s = NULL), so
 * summarize() never fails for want of a model.  The rows of a call are
 * grouped by model and each group is decoded in one batched core call.
 */
#include "pg_tasks.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "summarize.h"

#define AGG_DEFAULT_CHARS 300	/* summarize_agg(text) */
/*
 * summarize_agg keeps at most AGG_MAX_TEXTS texts and AGG_MAX_BYTES bytes of
 * them per group.  Over the cap it keeps those with the smallest content
 * hash: a pseudo-random sample that depends only on the group's texts, not
 * on their order or on how parallel workers split them.
 */
#define AGG_MAX_TEXTS 1000
#define AGG_MAX_BYTES ((int64) 4 * 1024 * 1024)

/* ---- models, one per language (shared when one multi model serves both) ---- */

static pt_status
load_summarizer(const pt_model *m, void **out, pt_err *err)
{
	return pt_summarizer_load(m, (pt_summarizer **) out, err);
}

static void
free_summarizer(void *s)
{
	pt_summarizer_free(s);
}

static pt_status
run_summarize(const void *s, const char *const *texts, const size_t *lens, size_t n,
			  const void *opts, char **outs, size_t *out_lens, pt_err *err)
{
	return pt_summarize(s, texts, lens, n, opts, outs, out_lens, err);
}

/* no model for a language (or none installed) gives NULL: the core's extractive path */
static PtTaskCache summarizers = {"summarize", load_summarizer, free_summarizer};

void
PtSummarizePreload(void)
{
	PtTaskPreload(&summarizers);
}

/* ---- summaries of n texts ---- */

static void
check_budget(int max_chars)
{
	if (max_chars < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prodtext: max_chars must be at least 1, not %d", max_chars)));
}

/* the core's budget: an output is never longer than the (cut) input, so larger budgets change nothing */
static size_t
core_budget(int max_chars)
{
	check_budget(max_chars);
	return (size_t) Min(max_chars, Max(prodtext_max_input_chars, PT_SUMMARIZE_DEFAULT_CHARS));
}

/* Summaries of n raw texts into outs[i] (palloc'd text, NULL for a NULL input). */
static void
summarize_texts(const char *const *texts, const size_t *lens, int n, int max_chars, text **outs)
{
	pt_summarize_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.max_chars = core_budget(max_chars);
	opts.beam_width = prodtext_beam_width;
	opts.max_input_chars = (size_t) prodtext_max_input_chars;
	opts.extractive_fill = 1;
	opts.boiler = PtBoiler();
	PtTaskRunTexts(&summarizers, run_summarize, &opts, texts, lens, n, outs);
}

/* summarize(text, max_chars) of one raw text (also the trigger's summary:col) */
text *
PtSummarizeText(const char *s, size_t len, int max_chars)
{
	text	   *out;

	summarize_texts(&s, &len, 1, max_chars, &out);
	return out;
}

PG_FUNCTION_INFO_V1(prodtext_summarize);

/* a summary of at most max_chars characters, in the input's language */
Datum
prodtext_summarize(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_TEXT_P(PtSummarizeText(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), PG_GETARG_INT32(1)));
}

PG_FUNCTION_INFO_V1(prodtext_summarize_array);

/* a summary of every element, decoded together; NULL elements stay NULL, the shape is kept */
Datum
prodtext_summarize_array(PG_FUNCTION_ARGS)
{
	PtTextArray in;
	int			max_chars = PG_GETARG_INT32(1);
	text	  **outs;
	Datum	   *values;

	check_budget(max_chars);
	PtTextArrayRead(PG_GETARG_ARRAYTYPE_P(0), &in);
	outs = palloc(sizeof(text *) * Max(in.n, 1));
	values = palloc0(sizeof(Datum) * Max(in.n, 1));
	summarize_texts(in.texts, in.lens, in.n, max_chars, outs);
	for (int i = 0; i < in.n; i++)
		values[i] = PointerGetDatum(outs[i]);
	PG_RETURN_ARRAYTYPE_P(PtTextArrayResult(&in, values, TEXTOID));
}

/* ---- summarize_agg: collect the group's texts, summarize them once ---- */

typedef struct AggText
{
	uint64		hash;			/* of the bytes: decides what is kept over the cap */
	size_t		len;
	char	   *data;			/* in the aggregate context */
} AggText;

typedef struct SummarizeAggState
{
	int32		max_chars;		/* the smallest budget of the group's rows; 0: none yet */
	int			n;
	int			capacity;		/* of texts[], grown up to AGG_MAX_TEXTS */
	int64		bytes;
	AggText    *texts;			/* in the aggregate context */
} SummarizeAggState;

static int
compare_agg_texts(const void *a, const void *b)
{
	const AggText *x = a;
	const AggText *y = b;
	int			c;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	c = memcmp(x->data, y->data, Min(x->len, y->len));
	if (c != 0)
		return c;
	return x->len < y->len ? -1 : (x->len > y->len ? 1 : 0);
}

/* the kept text that the cap drops first: the largest in compare_agg_texts order */
static int
agg_last(const SummarizeAggState *st)
{
	int			last = 0;

	for (int i = 1; i < st->n; i++)
		if (compare_agg_texts(&st->texts[i], &st->texts[last]) > 0)
			last = i;
	return last;
}

static void
agg_drop(SummarizeAggState *st, int i)
{
	st->bytes -= st->texts[i].len;
	pfree(st->texts[i].data);
	st->texts[i] = st->texts[--st->n];
}

/* Add a copy of data[0..len) to the state, keeping it within the caps. */
static void
agg_add(MemoryContext ctx, SummarizeAggState *st, const char *data, size_t len)
{
	AggText		t;

	if ((int64) len > AGG_MAX_BYTES)
		return;					/* alone over the cap: never kept */
	t.hash = hash_bytes_extended((const unsigned char *) data, (int) len, 0);
	t.len = len;
	t.data = (char *) data;
	while (st->n > 0 && (st->n == AGG_MAX_TEXTS || st->bytes + (int64) len > AGG_MAX_BYTES))
	{
		int			last = agg_last(st);

		if (compare_agg_texts(&t, &st->texts[last]) >= 0)
			return;				/* the new text is the one the cap drops */
		agg_drop(st, last);
	}
	if (st->n == st->capacity)
	{
		st->capacity = st->capacity == 0 ? 8 : Min(2 * st->capacity, AGG_MAX_TEXTS);
		st->texts = st->texts == NULL
			? MemoryContextAlloc(ctx, sizeof(AggText) * st->capacity)
			: repalloc(st->texts, sizeof(AggText) * st->capacity);
	}
	t.data = MemoryContextAlloc(ctx, Max(len, 1));
	memcpy(t.data, data, len);
	st->texts[st->n++] = t;
	st->bytes += (int64) len;
}

static void
agg_budget(SummarizeAggState *st, int32 max_chars)
{
	if (max_chars > 0 && (st->max_chars == 0 || max_chars < st->max_chars))
		st->max_chars = max_chars;
}

static SummarizeAggState *
agg_state(FunctionCallInfo fcinfo, MemoryContext ctx, int argno)
{
	if (!PG_ARGISNULL(argno))
		return (SummarizeAggState *) PG_GETARG_POINTER(argno);
	return MemoryContextAllocZero(ctx, sizeof(SummarizeAggState));
}

PG_FUNCTION_INFO_V1(prodtext_summarize_agg_trans);

/* (state, text) and (state, text, max_chars): rows with a NULL argument are skipped */
Datum
prodtext_summarize_agg_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PtAggContext(fcinfo);
	SummarizeAggState *st = agg_state(fcinfo, ctx, 0);
	int32		max_chars = AGG_DEFAULT_CHARS;

	if (PG_NARGS() > 2)
	{
		if (PG_ARGISNULL(2))
			PG_RETURN_POINTER(st);
		max_chars = PG_GETARG_INT32(2);
		check_budget(max_chars);
	}
	if (!PG_ARGISNULL(1))
	{
		text	   *t = PG_GETARG_TEXT_PP(1);
		pt_err		err;

		/* checked here, not at the final call: every row, even one the cap drops */
		if (!pt_utf8_valid(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)))
		{
			pt_fail(&err, PT_ERR_INVALID_UTF8, "invalid UTF-8 in a summarize_agg input");
			PtReportError(&err);
		}
		agg_budget(st, max_chars);
		agg_add(ctx, st, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(prodtext_summarize_agg_final);

/* one summary of the kept texts, in a fixed order; NULL when the group had none */
Datum
prodtext_summarize_agg_final(PG_FUNCTION_ARGS)
{
	SummarizeAggState *st = PG_ARGISNULL(0) ? NULL : (SummarizeAggState *) PG_GETARG_POINTER(0);
	const char **texts;
	size_t	   *lens;
	char	   *out;
	size_t		out_len;
	text	   *result;
	pt_err		err;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	qsort(st->texts, st->n, sizeof(AggText), compare_agg_texts);
	texts = palloc(sizeof(char *) * st->n);
	lens = palloc(sizeof(size_t) * st->n);
	for (int i = 0; i < st->n; i++)
	{
		texts[i] = st->texts[i].data;
		lens[i] = st->texts[i].len;
	}
	/* negative and positive points in proportion to the group's sentiment */
	PT_CHECK(pt_summarize_many(texts, lens, (size_t) st->n, core_budget(st->max_chars),
							   (size_t) prodtext_max_input_chars,
							   PtSentimentPolarities(texts, lens, st->n), &out, &out_len, &err), &err);
	result = cstring_to_text_with_len(out, (int) out_len);
	pt_free(out);
	PG_RETURN_TEXT_P(result);
}

PG_FUNCTION_INFO_V1(prodtext_summarize_agg_combine);

Datum
prodtext_summarize_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PtAggContext(fcinfo);
	SummarizeAggState *b = PG_ARGISNULL(1) ? NULL : (SummarizeAggState *) PG_GETARG_POINTER(1);
	SummarizeAggState *a;

	if (b == NULL)
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	a = agg_state(fcinfo, ctx, 0);
	agg_budget(a, b->max_chars);
	for (int i = 0; i < b->n; i++)
		agg_add(ctx, a, b->texts[i].data, b->texts[i].len);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(prodtext_summarize_agg_serial);

/* a partial state crosses processes as: max_chars, n, then n × (length, bytes) */
Datum
prodtext_summarize_agg_serial(PG_FUNCTION_ARGS)
{
	SummarizeAggState *st = (SummarizeAggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	PtAggContext(fcinfo);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->max_chars);
	pq_sendint32(&buf, st->n);
	for (int i = 0; i < st->n; i++)
	{
		pq_sendint32(&buf, (int32) st->texts[i].len);
		pq_sendbytes(&buf, st->texts[i].data, (int) st->texts[i].len);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(prodtext_summarize_agg_deserial);

Datum
prodtext_summarize_agg_deserial(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PtAggContext(fcinfo);
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	SummarizeAggState *st = MemoryContextAllocZero(ctx, sizeof(SummarizeAggState));
	StringInfoData buf;
	int			n;

	buf.data = VARDATA_ANY(in);
	buf.len = buf.maxlen = VARSIZE_ANY_EXHDR(in);
	buf.cursor = 0;
	st->max_chars = pq_getmsgint(&buf, 4);
	n = pq_getmsgint(&buf, 4);
	if (n < 0 || n > AGG_MAX_TEXTS)
		elog(ERROR, "prodtext: malformed summarize_agg state");
	for (int i = 0; i < n; i++)
	{
		int			len = pq_getmsgint(&buf, 4);

		agg_add(ctx, st, pq_getmsgbytes(&buf, len), (size_t) len);
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(st);
}
