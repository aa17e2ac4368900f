/*
 * embed.c — the product-text encoder (embed.h; models/train/embed/model.py).
 *
 * Per row: normalize, tokenize, hash the character n-grams, and pool both
 * halves by gathering embedding rows (sparse: each row reads only its own
 * tokens' and n-grams' rows, so there is nothing to batch there).  The
 * projection is one cblas_sgemv per row rather than one GEMM for the batch:
 * OpenBLAS picks GEMM kernels, and so summation orders, by the batch's
 * shape, and a text must get the same bits alone as in an array (embed()
 * is IMMUTABLE, and embed(t) must equal embed(ARRAY[t])[1]).  It is ~16k
 * multiply-adds per row against ~10× that for the pooling.
 */
#include "embed.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ngrams.h"
#include "text.h"
#include "tokenizer.h"

/*
 * An embedding table in fp32 (NAME.weight [rows, E]) or in 8 bits
 * (NAME.i8 i8 [rows, E] and NAME.i8_scale f32 [rows]: row r is
 * i8_scale[r] · i8[r]); the model file holds one or the other.
 */
typedef struct table
{
	const float *w;
	const int8_t *q;
	const float *scale;
} table;

struct pt_embed
{
	pt_tokenizer *tok;
	int			vocab;
	int			embed_dim;		/* E, each half's width */
	int			dim;			/* D, the output's */
	int			max_tokens;
	int			max_chars;
	int			nmin,
				nmax,
				buckets;
	table		tok_rows;		/* [vocab, E] */
	const float *tok_gate;		/* [vocab], > 0 */
	table		ng_rows;		/* [buckets, E] */
	const float *proj_w;		/* [D, 2E] */
	const float *proj_b;		/* [D] */
};

/* ---- loading ---- */

static pt_status
load_hparams(const pt_model *m, pt_embed *e, pt_err *err)
{
	int			lowercase;
	pt_status	st;

	if ((st = pt_model_require_int32(m, "embed_dim", 1, 4096, &e->embed_dim, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "dim", 1, 4096, &e->dim, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "max_tokens", 1, 65536, &e->max_tokens, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "max_chars", 1, 1 << 20, &e->max_chars, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "lowercase", 1, 1, &lowercase, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "ngram_buckets", 1, 1 << 26, &e->buckets, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "ngram_min", 1, PT_NGRAM_MAX_N, &e->nmin, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "ngram_max", e->nmin, PT_NGRAM_MAX_N, &e->nmax, err)) != PT_OK)
		return st;
	return PT_OK;
}

/* NAME.weight when the file has it, else NAME.i8 and NAME.i8_scale (finite scales) */
static pt_status
load_table(const pt_model *m, const char *name, int64_t rows, int64_t E, table *t, pt_err *err)
{
	char		key[64];
	const pt_tensor *q;
	pt_status	st;

	snprintf(key, sizeof key, "%s.weight", name);
	if (pt_model_tensor(m, key) != NULL)
		return pt_model_require_f32(m, key, 2, (int64_t[]) {rows, E}, &t->w, err);
	snprintf(key, sizeof key, "%s.i8", name);
	if ((st = pt_model_require(m, key, PT_I8, 2, (int64_t[]) {rows, E}, &q, err)) != PT_OK)
		return st;
	t->q = q->data;
	snprintf(key, sizeof key, "%s.i8_scale", name);
	if ((st = pt_model_require_f32(m, key, 1, (int64_t[]) {rows}, &t->scale, err)) != PT_OK)
		return st;
	for (int64_t r = 0; r < rows; r++)
		if (!isfinite(t->scale[r]))
			return pt_fail(err, PT_ERR_MODEL, "model \"%s\": %s must be finite", m->name, key);
	return PT_OK;
}

static pt_status
load_tensors(const pt_model *m, pt_embed *e, pt_err *err)
{
	int64_t		E = e->embed_dim,
				D = e->dim;
	double		bias_norm = 0.0;
	pt_status	st;

	if ((st = load_table(m, "tok", e->vocab, E, &e->tok_rows, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "tok.gate", 1, (int64_t[]) {e->vocab}, &e->tok_gate, err)) != PT_OK ||
		(st = load_table(m, "ngram", e->buckets, E, &e->ng_rows, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "proj.weight", 2, (int64_t[]) {D, 2 * E}, &e->proj_w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "proj.bias", 1, (int64_t[]) {D}, &e->proj_b, err)) != PT_OK)
		return st;
	/* a gate of 0 (or NaN) could make a row's weights sum to 0: refuse it here, not per row */
	for (int i = 0; i < e->vocab; i++)
		if (!(e->tok_gate[i] > 0.0f && e->tok_gate[i] < 1e30f))
			return pt_fail(err, PT_ERR_MODEL, "model \"%s\": tok.gate must be positive and finite", m->name);
	for (int d = 0; d < e->dim; d++)
		bias_norm += (double) e->proj_b[d] * e->proj_b[d];
	/* the content-free vector is b / |b| */
	if (!(bias_norm > 0.0 && isfinite(bias_norm)))
		return pt_fail(err, PT_ERR_MODEL, "model \"%s\": proj.bias must be finite and non-zero", m->name);
	return PT_OK;
}

pt_status
pt_embed_load(const pt_model *m, pt_embed **out, pt_err *err)
{
	pt_embed   *e = pt_alloc_zero(sizeof(pt_embed));
	pt_status	st;

	*out = NULL;
	if (e == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	if (strcmp(m->task, "embed") != 0)
		st = pt_fail(err, PT_ERR_MODEL, "model \"%s\" is a %s model, not embed", m->name, m->task);
	else if ((st = pt_tokenizer_from_model(m, &e->tok, err)) == PT_OK &&
			 (st = load_hparams(m, e, err)) == PT_OK)
	{
		e->vocab = pt_tokenizer_vocab_size(e->tok);
		st = load_tensors(m, e, err);
	}
	if (st != PT_OK)
	{
		pt_embed_free(e);
		return st;
	}
	*out = e;
	return PT_OK;
}

void
pt_embed_free(pt_embed *e)
{
	if (e == NULL)
		return;
	pt_tokenizer_free(e->tok);
	pt_free(e);
}

int
pt_embed_dim(const pt_embed *e)
{
	return e->dim;
}

/* ---- the forward pass ---- */

/* scratch reused by every row of a call, grown as rows need */
typedef struct scratch
{
	int32_t    *ids;			/* [max_tokens] */
	int32_t    *ng_idx;
	float	   *ng_val;
	size_t		ng_cap;
	float	   *h;				/* [2E]: the two pools of the current row */
} scratch;

static pt_status
grow_ngrams(scratch *s, size_t need, pt_err *err)
{
	if (need <= s->ng_cap)
		return PT_OK;
	pt_free(s->ng_idx);
	pt_free(s->ng_val);
	s->ng_idx = pt_alloc(pt_mul_size(need, sizeof(int32_t)));
	s->ng_val = pt_alloc(pt_mul_size(need, sizeof(float)));
	s->ng_cap = (s->ng_idx && s->ng_val) ? need : 0;
	return s->ng_cap ? PT_OK : pt_fail(err, PT_ERR_NOMEM, "out of memory embedding a text of %zu n-grams", need);
}

/*
 * h[0, E) += w · q[0, E): restrict, because an int8_t pointer may alias
 * anything, and blocks of a fixed 16, so that GCC's -O2 vectorizes the loop
 * (it will not version a loop for aliasing or add a remainder loop there).
 */
static void
add_q8(const int8_t *restrict q, float w, int E, float *restrict h)
{
	int			d = 0;

	for (; d + 16 <= E; d += 16)
		for (int k = 0; k < 16; k++)
			h[d + k] += w * (float) q[d + k];
	for (; d < E; d++)
		h[d] += w * (float) q[d];
}

/* h[0, E) += w · row r of t */
static void
add_row(const table *t, int32_t r, float w, int E, float *h)
{
	if (t->w)
		cblas_saxpy(E, w, t->w + (size_t) r * E, 1, h, 1);
	else
		add_q8(t->q + (size_t) r * E, w * t->scale[r], E, h);
}

/* h[0, E) = the gate-weighted mean of the tokens' rows (0 without tokens) */
static void
pool_tokens(const pt_embed *e, const int32_t *ids, size_t n, float *h)
{
	int			E = e->embed_dim;
	float		total = 0.0f;

	memset(h, 0, sizeof(float) * (size_t) E);
	for (size_t t = 0; t < n; t++)
	{
		float		g = e->tok_gate[ids[t]];

		add_row(&e->tok_rows, ids[t], g, E, h);
		total += g;
	}
	if (total > 0.0f)
		cblas_sscal(E, 1.0f / total, h, 1);
}

/* h[0, E) = Σ value · row of the text's n-gram features */
static pt_status
pool_ngrams(const pt_embed *e, const char *text, size_t len, scratch *s, float *h, pt_err *err)
{
	int			E = e->embed_dim;
	size_t		n;
	pt_status	st = grow_ngrams(s, pt_char_ngram_max_features(len, e->nmin, e->nmax), err);

	memset(h, 0, sizeof(float) * (size_t) E);
	if (st == PT_OK)
		st = pt_char_ngram_features(text, len, e->nmin, e->nmax, e->buckets, s->ng_idx, s->ng_val,
									s->ng_cap, &n, err);
	if (st != PT_OK)
		return st;
	for (size_t i = 0; i < n && i < s->ng_cap; i++)
		add_row(&e->ng_rows, s->ng_idx[i], s->ng_val[i], E, h);
	return PT_OK;
}

/* y[D] = unit(W h + b); a zero y (cannot happen with a checked model unless W h = -b exactly) stays 0 */
static void
project(const pt_embed *e, const float *h, float *y)
{
	double		norm = 0.0;

	memcpy(y, e->proj_b, sizeof(float) * (size_t) e->dim);
	cblas_sgemv(CblasRowMajor, CblasNoTrans, e->dim, 2 * e->embed_dim, 1.0f, e->proj_w,
				2 * e->embed_dim, h, 1, 1.0f, y, 1);
	for (int d = 0; d < e->dim; d++)
		norm += (double) y[d] * y[d];
	if (norm > 0.0)
	{
		float		inv = (float) (1.0 / sqrt(norm));

		for (int d = 0; d < e->dim; d++)
			y[d] *= inv;
	}
}

/* one raw text's vector */
static pt_status
embed_one(const pt_embed *e, const char *text, size_t len, size_t max_chars, scratch *s,
		  float *y, pt_err *err)
{
	size_t		cut = (max_chars > 0 && max_chars < (size_t) e->max_chars) ? max_chars : (size_t) e->max_chars;
	char	   *norm = NULL;
	size_t		norm_len,
				n_ids = 0;
	pt_status	st = pt_text_normalize(text, len, cut, &norm, &norm_len, err);

	if (st == PT_OK)
	{
		pt_ascii_lower(norm, norm_len);
		st = pt_tokenize(e->tok, norm, norm_len, s->ids, (size_t) e->max_tokens, &n_ids, err);
	}
	if (st == PT_OK)
	{
		pool_tokens(e, s->ids, n_ids, s->h);
		st = pool_ngrams(e, norm, norm_len, s, s->h + e->embed_dim, err);
	}
	if (st == PT_OK)
		project(e, s->h, y);
	pt_free(norm);
	return st;
}

pt_status
pt_embed_texts(const pt_embed *e, const char *const *texts, const size_t *lens, size_t n,
			   size_t max_chars, float *out, pt_err *err)
{
	scratch		s = {0};
	pt_status	st = PT_OK;

	s.ids = pt_alloc(pt_mul_size((size_t) e->max_tokens, sizeof(int32_t)));
	s.h = pt_alloc(pt_mul_size(2 * (size_t) e->embed_dim, sizeof(float)));
	if (!s.ids || !s.h)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory embedding %zu texts", n);
	for (size_t i = 0; i < n && st == PT_OK; i++)
	{
		if (texts[i] == NULL)
			continue;
		st = embed_one(e, texts[i], lens[i], max_chars, &s, out + i * (size_t) e->dim, err);
		pt_check_interrupts();
	}
	pt_free(s.ids);
	pt_free(s.h);
	pt_free(s.ng_idx);
	pt_free(s.ng_val);
	return st;
}

float
pt_embed_cosine(const float *a, const float *b, size_t n)
{
	double		ab = 0.0,
				aa = 0.0,
				bb = 0.0;

	for (size_t i = 0; i < n; i++)
	{
		ab += (double) a[i] * b[i];
		aa += (double) a[i] * a[i];
		bb += (double) b[i] * b[i];
	}
	if (!(aa > 0.0 && bb > 0.0))
		return 0.0f;
	/* rounding can step just outside [-1, 1] */
	return (float) fmax(-1.0, fmin(1.0, ab / sqrt(aa * bb)));
}
