/*
 * pg_input.c — input handling every task's SQL functions share: the
 * language of a raw text, text[] arguments in and arrays of the same shape
 * out, and the aggregate memory context.
 */
#include "pg_glue.h"

#include "catalog/pg_type.h"
#include "utils/lsyscache.h"

/*
 * The language of one raw input, detected on its normalized form (HTML tags
 * would otherwise look like English).  Models are then given the raw text
 * and normalize it themselves, exactly once: normalizing twice is not the
 * same as once (an escaped "&lt;b&gt;" would become a tag the second time).
 */
pt_lang
PtInputLanguage(const char *s, size_t len)
{
	char	   *norm;
	size_t		norm_len;
	pt_lang		lang;
	pt_err		err;

	PT_CHECK(pt_text_normalize(s, len, (size_t) prodtext_max_input_chars, &norm, &norm_len, &err), &err);
	lang = pt_detect_lang(norm, norm_len);
	pfree(norm);
	return lang;
}

/* Deconstruct a text[] of any shape; element bytes point into the (detoasted) array. */
void
PtTextArrayRead(ArrayType *arr, PtTextArray *out)
{
	Datum	   *elems;
	int			n;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &out->nulls, &n);
	out->n = n;
	out->texts = palloc0(sizeof(char *) * Max(n, 1));
	out->lens = palloc0(sizeof(size_t) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (out->nulls[i])
			continue;
		t = (text *) PG_DETOAST_DATUM_PACKED(elems[i]);
		out->texts[i] = VARDATA_ANY(t);
		out->lens[i] = VARSIZE_ANY_EXHDR(t);
	}
	out->ndim = ARR_NDIM(arr);
	for (int d = 0; d < out->ndim; d++)
	{
		out->dims[d] = ARR_DIMS(arr)[d];
		out->lbs[d] = ARR_LBOUND(arr)[d];
	}
}

/* The results, in an array with the input's dimensions, lower bounds and NULLs. */
ArrayType *
PtTextArrayResult(const PtTextArray *in, Datum *values, Oid elemtype)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (in->n == 0)
		return construct_empty_array(elemtype);
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	return construct_md_array(values, in->nulls, in->ndim, (int *) in->dims, (int *) in->lbs,
							  elemtype, typlen, typbyval, typalign);
}

MemoryContext
PtAggContext(FunctionCallInfo fcinfo)
{
	MemoryContext ctx;

	if (!AggCheckCallContext(fcinfo, &ctx))
		elog(ERROR, "prodtext: aggregate function called in non-aggregate context");
	return ctx;
}
