/*
 * pg_embed.c — SQL functions of the embed task: embed(text), a unit vector
 * of the model's dimension D as real[], and embed_similarity(real[],
 * real[]), the cosine of two such vectors for servers without pgvector.
 *
 * One multi-language model (embed-multi.ptm) serves every input, so it is
 * taken from the task cache's English slot, as the boilerplate detector is.
 */
#include "pg_tasks.h"

#include "catalog/pg_type.h"
#include "utils/array.h"

#include <math.h>

#include "embed.h"

static pt_status
load_embed(const pt_model *m, void **out, pt_err *err)
{
	return pt_embed_load(m, (pt_embed **) out, err);
}

static void
free_embed(void *e)
{
	pt_embed_free(e);
}

static PtTaskCache embedders = {"embed", load_embed, free_embed};

void
PtEmbedPreload(void)
{
	PtTaskPreload(&embedders);
}

static const pt_embed *
embedder(void)
{
	const pt_embed *e = PtTaskFor(&embedders, PT_LANG_EN);

	if (e == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("prodtext: no embed model in \"%s\"", PtModelDir()),
				 errhint("Install the models with \"make install\", or set prodtext.model_dir.")));
	return e;
}

PG_FUNCTION_INFO_V1(prodtext_embed);

/* the L2-normalized vector of one text: D elements, never NULL or NaN */
Datum
prodtext_embed(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	const pt_embed *e = embedder();
	int			D = pt_embed_dim(e);
	float	   *y = palloc(sizeof(float) * D);
	Datum	   *elems = palloc(sizeof(Datum) * D);
	pt_err		err;

	PT_CHECK(pt_embed_texts(e, &s, &len, 1, (size_t) prodtext_max_input_chars, y, &err), &err);
	for (int d = 0; d < D; d++)
		elems[d] = Float4GetDatum(y[d]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, D, FLOAT4OID, sizeof(float4), true,
										  TYPALIGN_INT));
}

/* the elements of a one-dimensional real[] without NULLs or non-finite values; ERROR otherwise */
static float *
vector_elements(ArrayType *a, const char *which, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	float	   *out;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
						errmsg("prodtext: embedding %s must be one-dimensional, not %d-dimensional",
							   which, ARR_NDIM(a))));
	deconstruct_array(a, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT, &elems, &nulls, n);
	if (*n == 0)
		ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
						errmsg("prodtext: embedding %s is empty", which)));
	out = palloc(sizeof(float) * *n);
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("prodtext: embedding %s has a NULL element at position %d", which, i + 1)));
		out[i] = DatumGetFloat4(elems[i]);
		if (isnan(out[i]) || isinf(out[i]))
			ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
							errmsg("prodtext: embedding %s has a non-finite element at position %d",
								   which, i + 1)));
	}
	return out;
}

PG_FUNCTION_INFO_V1(prodtext_embed_similarity);

/* cosine similarity in [-1, 1] of two embeddings of the same length; 0 when either is all zeros */
Datum
prodtext_embed_similarity(PG_FUNCTION_ARGS)
{
	int			na,
				nb;
	float	   *a = vector_elements(PG_GETARG_ARRAYTYPE_P(0), "a", &na);
	float	   *b = vector_elements(PG_GETARG_ARRAYTYPE_P(1), "b", &nb);

	if (na != nb)
		ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
						errmsg("prodtext: different embedding dimensions %d and %d", na, nb),
						errhint("Compare vectors made by the same embed model.")));
	PG_RETURN_FLOAT4(pt_embed_cosine(a, b, (size_t) na));
}
