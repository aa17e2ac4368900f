/*
 * pg_sentiment.c — SQL functions of the sentiment task: sentiment(text),
 * sentiment_label(text), sentiment(text[]), the sentiment_avg aggregate and
 * sentiment_explain(text).
 *
 * The language is detected on normalized text (HTML tags would otherwise
 * look like English); then rows are grouped by language and each group is
 * scored in one batched forward pass.  Text that is neither English nor
 * Chinese goes to the English model, whose byte-level tokenizer accepts any
 * script.
 */
#include "pg_glue.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "sentiment.h"
#include "text.h"

#define AVG_BATCH 64			/* rows sentiment_avg buffers before one forward pass */

/* ---- models, one per language, kept for the life of the backend ---- */

static pt_sentiment *by_lang[2];	/* 0: en (and every non-Chinese input), 1: zh */
static uint64 generation_of[2];		/* the model mapping each was built from */

static const char *
slot_language(int slot)
{
	return slot ? "zh" : "en";
}

static pt_status
build_model(int slot, const pt_model *m, uint64 generation, pt_err *err)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	pt_status	st;

	pt_sentiment_free(by_lang[slot]);
	by_lang[slot] = NULL;
	st = pt_sentiment_load(m, &by_lang[slot], err);
	MemoryContextSwitchTo(old);
	if (st == PT_OK)
		generation_of[slot] = generation;
	return st;
}

static pt_sentiment *
sentiment_model(pt_lang lang)
{
	int			slot = (lang == PT_LANG_ZH) ? 1 : 0;
	uint64		generation;

	/* looked up every call: prodtext.model_dir or the file may have changed */
	const pt_model *m = PtGetModel("sentiment", slot_language(slot), &generation);

	if (by_lang[slot] == NULL || generation_of[slot] != generation)
	{
		pt_err		err;

		if (build_model(slot, m, generation, &err) != PT_OK)
			PtReportError(&err);
	}
	return by_lang[slot];
}

/*
 * Under shared_preload_libraries: build both models' objects (tokenizer
 * tables included) in the postmaster, so forked backends share those pages
 * too instead of each building its own.  Failures are left for the first
 * call to report.
 */
void
PtSentimentPreload(void)
{
	for (int slot = 0; slot < 2; slot++)
	{
		const pt_model *m;
		uint64		generation;
		pt_err		err;

		if (PtFindModel("sentiment", slot_language(slot), &m, &generation, &err) != PT_OK ||
			build_model(slot, m, generation, &err) != PT_OK)
			ereport(WARNING, (errmsg("prodtext: sentiment model \"%s\" not preloaded: %s",
									 slot_language(slot), err.msg)));
	}
}

/*
 * en for every input that is not Chinese: its byte-level tokenizer accepts
 * any script.  Plain ASCII cannot be Chinese, so it skips the normalization
 * PtInputLanguage needs (the model normalizes it anyway).
 */
static pt_lang
input_language(const char *s, size_t len)
{
	if (pt_ascii_without_entities(s, len))
		return PT_LANG_EN;
	return PtInputLanguage(s, len) == PT_LANG_ZH ? PT_LANG_ZH : PT_LANG_EN;
}

/*
 * Score n inputs into probs[n, 3]; NULL inputs are skipped.  Chinese rows go
 * to the zh model, all others to the en model: one forward pass per model.
 */
static void
score_inputs(const char *const *texts, const size_t *lens, int n, float *probs)
{
	pt_lang    *lang = palloc0(sizeof(pt_lang) * Max(n, 1));
	const char **group = palloc0(sizeof(char *) * Max(n, 1));

	for (int i = 0; i < n; i++)
		if (texts[i] != NULL)
			lang[i] = input_language(texts[i], lens[i]);
	for (int pass = 0; pass < 2; pass++)
	{
		pt_lang		want = pass == 0 ? PT_LANG_ZH : PT_LANG_EN;
		int			members = 0;
		pt_err		err;

		for (int i = 0; i < n; i++)
		{
			bool		mine = texts[i] != NULL && lang[i] == want;

			group[i] = mine ? texts[i] : NULL;
			members += mine;
		}
		if (members > 0)
			PT_CHECK(pt_sentiment_score(sentiment_model(want), group, lens, (size_t) n,
										(size_t) prodtext_max_input_chars, probs, &err), &err);
	}
	pfree(lang);
	pfree(group);
}

static void
score_one(text *t, float *probs)
{
	const char *s = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);

	score_inputs(&s, &len, 1, probs);
}

/* polarity of one raw text, the same number sentiment(text) returns (for the trigger) */
float
PtSentimentPolarity(const char *s, size_t len)
{
	float		probs[PT_SENTIMENT_CLASSES];

	score_inputs(&s, &len, 1, probs);
	return pt_sentiment_polarity(probs);
}

/*
 * Polarities of n raw texts (NULL elements get 0) in one pass per language,
 * for summarize_agg's balance of negative and positive points; NULL when a
 * sentiment model is not installed (summarize_agg then does without).
 */
float *
PtSentimentPolarities(const char *const *texts, const size_t *lens, int n)
{
	float	   *probs,
			   *out;

	for (int slot = 0; slot < 2; slot++)
	{
		const pt_model *m;
		uint64		generation;
		pt_err		err;

		if (PtFindModel("sentiment", slot_language(slot), &m, &generation, &err) != PT_OK)
			return NULL;
	}
	probs = palloc(sizeof(float) * PT_SENTIMENT_CLASSES * Max(n, 1));
	out = palloc0(sizeof(float) * Max(n, 1));
	score_inputs(texts, lens, n, probs);
	for (int i = 0; i < n; i++)
		if (texts[i] != NULL)
			out[i] = pt_sentiment_polarity(probs + i * PT_SENTIMENT_CLASSES);
	pfree(probs);
	return out;
}

PG_FUNCTION_INFO_V1(prodtext_sentiment);

/* polarity in [-1, 1] of one text */
Datum
prodtext_sentiment(PG_FUNCTION_ARGS)
{
	float		probs[PT_SENTIMENT_CLASSES];

	score_one(PG_GETARG_TEXT_PP(0), probs);
	PG_RETURN_FLOAT4(pt_sentiment_polarity(probs));
}

PG_FUNCTION_INFO_V1(prodtext_sentiment_label);

/* negative / neutral / positive */
Datum
prodtext_sentiment_label(PG_FUNCTION_ARGS)
{
	float		probs[PT_SENTIMENT_CLASSES];

	score_one(PG_GETARG_TEXT_PP(0), probs);
	PG_RETURN_TEXT_P(cstring_to_text(pt_sentiment_label(probs)));
}

PG_FUNCTION_INFO_V1(prodtext_sentiment_array);

/* polarity of every element in one batched pass; NULL elements stay NULL */
Datum
prodtext_sentiment_array(PG_FUNCTION_ARGS)
{
	PtTextArray in;
	float	   *probs;
	Datum	   *out;

	PtTextArrayRead(PG_GETARG_ARRAYTYPE_P(0), &in);
	probs = palloc0(sizeof(float) * PT_SENTIMENT_CLASSES * Max(in.n, 1));
	out = palloc0(sizeof(Datum) * Max(in.n, 1));
	score_inputs(in.texts, in.lens, in.n, probs);
	for (int i = 0; i < in.n; i++)
		out[i] = Float4GetDatum(in.nulls[i] ? 0.0f : pt_sentiment_polarity(probs + i * PT_SENTIMENT_CLASSES));
	PG_RETURN_ARRAYTYPE_P(PtTextArrayResult(&in, out, FLOAT4OID));
}

/* ---- sentiment_avg: buffer rows, score them AVG_BATCH at a time ---- */

typedef struct AvgState
{
	double		sum;
	int64		count;
	int			pending;
	char	   *texts[AVG_BATCH];	/* in the aggregate context */
	size_t		lens[AVG_BATCH];
} AvgState;

static void
avg_flush(AvgState *st)
{
	float		probs[AVG_BATCH * PT_SENTIMENT_CLASSES];

	if (st->pending == 0)
		return;
	score_inputs((const char *const *) st->texts, st->lens, st->pending, probs);
	for (int i = 0; i < st->pending; i++)
	{
		st->sum += pt_sentiment_polarity(probs + i * PT_SENTIMENT_CLASSES);
		pfree(st->texts[i]);
	}
	st->count += st->pending;
	st->pending = 0;
}

PG_FUNCTION_INFO_V1(prodtext_sentiment_avg_trans);

Datum
prodtext_sentiment_avg_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PtAggContext(fcinfo);
	AvgState   *st = PG_ARGISNULL(0) ? NULL : (AvgState *) PG_GETARG_POINTER(0);

	if (st == NULL)
		st = MemoryContextAllocZero(ctx, sizeof(AvgState));
	if (!PG_ARGISNULL(1))
	{
		text	   *t = PG_GETARG_TEXT_PP(1);
		size_t		len = VARSIZE_ANY_EXHDR(t);
		char	   *copy = MemoryContextAlloc(ctx, len + 1);

		memcpy(copy, VARDATA_ANY(t), len);
		copy[len] = '\0';
		st->texts[st->pending] = copy;
		st->lens[st->pending++] = len;
		if (st->pending == AVG_BATCH)
			avg_flush(st);
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(prodtext_sentiment_avg_final);

Datum
prodtext_sentiment_avg_final(PG_FUNCTION_ARGS)
{
	AvgState   *st = PG_ARGISNULL(0) ? NULL : (AvgState *) PG_GETARG_POINTER(0);

	if (st == NULL)
		PG_RETURN_NULL();
	avg_flush(st);
	if (st->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT4((float4) (st->sum / (double) st->count));
}

PG_FUNCTION_INFO_V1(prodtext_sentiment_avg_combine);

Datum
prodtext_sentiment_avg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PtAggContext(fcinfo);
	AvgState   *a = PG_ARGISNULL(0) ? NULL : (AvgState *) PG_GETARG_POINTER(0);
	AvgState   *b = PG_ARGISNULL(1) ? NULL : (AvgState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = MemoryContextAllocZero(ctx, sizeof(AvgState));
	avg_flush(a);
	avg_flush(b);
	a->sum += b->sum;
	a->count += b->count;
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(prodtext_sentiment_avg_serial);

/* Partial states cross processes as (sum, count), after scoring what is pending. */
Datum
prodtext_sentiment_avg_serial(PG_FUNCTION_ARGS)
{
	AvgState   *st = (AvgState *) PG_GETARG_POINTER(0);
	bytea	   *out = palloc(VARHDRSZ + sizeof(double) + sizeof(int64));

	PtAggContext(fcinfo);
	avg_flush(st);
	SET_VARSIZE(out, VARHDRSZ + sizeof(double) + sizeof(int64));
	memcpy(VARDATA(out), &st->sum, sizeof(double));
	memcpy(VARDATA(out) + sizeof(double), &st->count, sizeof(int64));
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(prodtext_sentiment_avg_deserial);

Datum
prodtext_sentiment_avg_deserial(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PtAggContext(fcinfo);
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	AvgState   *st = MemoryContextAllocZero(ctx, sizeof(AvgState));

	if (VARSIZE_ANY_EXHDR(in) != sizeof(double) + sizeof(int64))
		elog(ERROR, "prodtext: malformed sentiment_avg state");
	memcpy(&st->sum, VARDATA_ANY(in), sizeof(double));
	memcpy(&st->count, VARDATA_ANY(in) + sizeof(double), sizeof(int64));
	PG_RETURN_POINTER(st);
}

/* ---- explanation ---- */

PG_FUNCTION_INFO_V1(prodtext_sentiment_explain);

/* (token, weight) for each token of the text, in order; weight > 0 pushes towards positive */
Datum
prodtext_sentiment_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	pt_token_weight *items;
	size_t		n;
	float		probs[PT_SENTIMENT_CLASSES];
	pt_err		err;

	InitMaterializedSRF(fcinfo, 0);
	PT_CHECK(pt_sentiment_explain(sentiment_model(input_language(s, len)), s, len,
								  (size_t) prodtext_max_input_chars, &items, &n, probs, &err), &err);
	for (size_t i = 0; i < n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(items[i].token);
		values[1] = Float4GetDatum(items[i].weight);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	pt_token_weights_free(items, n);
	return (Datum) 0;
}
