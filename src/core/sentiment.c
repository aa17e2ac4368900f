/*
 * sentiment.c — the sentiment ensemble (models/train/sentiment/train.py):
 * loading, the batched forward pass and scoring.
 *
 * CNN half: a batch of rows is packed into one long sequence of embeddings,
 * each row padded with <pad> (a zero vector) to at least the widest kernel.
 * Every convolution is then one GEMM over all positions of all rows;
 * windows that straddle two rows are computed but never pooled, which is
 * cheaper than separating rows with padding.  Max-over-time pooling reads
 * each row's own valid windows only — the exact set PyTorch pools.
 *
 * Linear half: logistic regression over hashed character n-grams
 * (ngrams.h), a sparse dot product per row.  The two halves' logits are
 * averaged with the model's linear_weight.
 */
#include "sentiment_impl.h"

#include <stdio.h>
#include <string.h>
#ifdef __SSE__
#include <xmmintrin.h>			/* the head's dot product */
#endif

#include "ngrams.h"
#include "nn.h"
#include "text.h"

#define CHUNK_POSITIONS 8192	/* positions per GEMM chunk: bounds scratch memory */

/* ---- loading ---- */

static pt_status
load_hparams(const pt_model *m, pt_sentiment *s, pt_err *err)
{
	double		w;
	pt_status	st;

	if ((st = pt_model_require_int32(m, "embed_dim", 1, 4096, &s->embed_dim, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "filters", 1, 4096, &s->filters, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "n_widths", 1, PT_SENTIMENT_MAX_WIDTHS, &s->n_widths, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "max_tokens", 1, 65536, &s->max_tokens, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "lowercase", 0, 1, &s->lowercase, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "linear_buckets", 1, 1 << 26, &s->lin_buckets, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "linear_ngram_min", 1, PT_NGRAM_MAX_N, &s->lin_nmin, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "linear_ngram_max", s->lin_nmin, PT_NGRAM_MAX_N, &s->lin_nmax, err)) != PT_OK ||
		(st = pt_model_require_float(m, "linear_weight", 0.0, 1.0, &w, err)) != PT_OK)
		return st;
	s->lin_weight = (float) w;
	for (int i = 0; i < s->n_widths; i++)
	{
		char		key[32];

		snprintf(key, sizeof key, "width.%d", i);
		if ((st = pt_model_require_int32(m, key, 1, 64, &s->widths[i], err)) != PT_OK)
			return st;
		if (s->widths[i] > s->max_width)
			s->max_width = s->widths[i];
	}
	return PT_OK;
}

static pt_status
load_tensors(const pt_model *m, pt_sentiment *s, pt_err *err)
{
	int64_t		E = s->embed_dim,
				Fn = s->filters,
				C = PT_SENTIMENT_CLASSES;
	pt_status	st;

	if ((st = pt_model_require_f32(m, "embed.weight", 2, (int64_t[]) {s->vocab, E}, &s->embed, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "out.weight", 2, (int64_t[]) {C, Fn * s->n_widths}, &s->out_w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "out.bias", 1, (int64_t[]) {C}, &s->out_b, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "linear.weight", 2, (int64_t[]) {s->lin_buckets, C}, &s->lin_w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "linear.bias", 1, (int64_t[]) {C}, &s->lin_b, err)) != PT_OK)
		return st;
	for (int i = 0; i < s->n_widths; i++)
	{
		char		name[32];

		snprintf(name, sizeof name, "conv.%d.weight", i);
		if ((st = pt_model_require_f32(m, name, 3, (int64_t[]) {Fn, E, s->widths[i]}, &s->conv_w[i], err)) != PT_OK)
			return st;
		snprintf(name, sizeof name, "conv.%d.bias", i);
		if ((st = pt_model_require_f32(m, name, 1, (int64_t[]) {Fn}, &s->conv_b[i], err)) != PT_OK)
			return st;
	}
	return PT_OK;
}

/*
 * The 8-bit convolutions, when the file has them (embed.q8_scale, and per
 * width conv.N.q8 and conv.N.q8_scale): check them and derive the
 * activation scales and each filter's offset.
 */
static pt_status
load_q8(const pt_model *m, pt_sentiment *s, pt_err *err)
{
	int			E = s->embed_dim,
				Fn = s->filters;
	const float *scale;
	int32_t    *offsets;
	pt_status	st;

	if (pt_model_tensor(m, "embed.q8_scale") == NULL)
		return PT_OK;
	if (E % 4 != 0 || Fn % 64 != 0)
		return pt_fail(err, PT_ERR_MODEL, "model \"%s\": 8-bit convolutions need embed_dim %% 4 == 0 "
					   "and filters %% 64 == 0", m->name);
	if ((st = pt_model_require_f32(m, "embed.q8_scale", 1, (int64_t[]) {E}, &scale, err)) != PT_OK)
		return st;
	/* one allocation: E inverse scales, then n_widths × Fn offsets (both 4-byte types) */
	s->q8_inv_scale = pt_alloc(pt_mul_size((size_t) E + (size_t) s->n_widths * Fn, sizeof(float)));
	if (s->q8_inv_scale == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	offsets = (int32_t *) (s->q8_inv_scale + E);
	for (int d = 0; d < E; d++)
	{
		if (!(scale[d] > 0.0f))
			return pt_fail(err, PT_ERR_MODEL, "model \"%s\": embed.q8_scale must be positive", m->name);
		s->q8_inv_scale[d] = 1.0f / scale[d];
	}
	for (int i = 0; i < s->n_widths; i++)
	{
		pt_conv_q8 *c = &s->q8[i];
		const pt_tensor *w;
		char		name[32];

		c->width = s->widths[i];
		c->dim = E;
		c->filters = Fn;
		c->bias = s->conv_b[i];
		snprintf(name, sizeof name, "conv.%d.q8", i);
		if ((st = pt_model_require(m, name, PT_I8, 4, (int64_t[]) {c->width, E / 4, Fn, 4}, &w, err)) != PT_OK)
			return st;
		c->w = w->data;
		snprintf(name, sizeof name, "conv.%d.q8_scale", i);
		if ((st = pt_model_require_f32(m, name, 1, (int64_t[]) {Fn}, &c->scale, err)) != PT_OK)
			return st;
		/* the fused max-pool relies on it (conv_q8.h) */
		for (int f = 0; f < Fn; f++)
			if (!(c->scale[f] >= 0.0f))
				return pt_fail(err, PT_ERR_MODEL, "model \"%s\": %s must be non-negative", m->name, name);
		pt_conv_q8_offsets(c->w, c->width, E, Fn, offsets + (size_t) i * Fn);
		c->offset = offsets + (size_t) i * Fn;
	}
	s->has_q8 = 1;
	s->q8_on = pt_q8_supported();
	return PT_OK;
}

int
pt_sentiment_set_int8(pt_sentiment *s, int on)
{
	s->q8_on = on && s->has_q8;
	return s->q8_on;
}

pt_status
pt_sentiment_load(const pt_model *m, pt_sentiment **out, pt_err *err)
{
	pt_sentiment *s = pt_alloc_zero(sizeof(pt_sentiment));
	pt_status	st;

	*out = NULL;
	if (s == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	if (strcmp(m->task, "sentiment") != 0)
		st = pt_fail(err, PT_ERR_MODEL, "model \"%s\" is a %s model, not sentiment", m->name, m->task);
	else if ((st = pt_tokenizer_from_model(m, &s->tok, err)) == PT_OK &&
			 (st = load_hparams(m, s, err)) == PT_OK)
	{
		s->vocab = pt_tokenizer_vocab_size(s->tok);
		if ((st = load_tensors(m, s, err)) == PT_OK)
			st = load_q8(m, s, err);
	}
	if (st != PT_OK)
	{
		pt_sentiment_free(s);
		return st;
	}
	*out = s;
	return PT_OK;
}

void
pt_sentiment_free(pt_sentiment *s)
{
	if (s == NULL)
		return;
	pt_tokenizer_free(s->tok);
	pt_free(s->q8_inv_scale);
	pt_free(s);
}

int
pt_sentiment_max_tokens(const pt_sentiment *s)
{
	return s->max_tokens;
}

/* ---- the front end and the linear half ---- */

/* lin[3] = bias + Σ value · weight over the text's hashed n-grams */
static pt_status
linear_logits(const pt_sentiment *s, const char *text, size_t len, float *lin, pt_err *err)
{
	pt_status	st = pt_char_ngram_dot(text, len, s->lin_nmin, s->lin_nmax, s->lin_buckets,
									   s->lin_w, PT_SENTIMENT_CLASSES, lin, err);

	for (int c = 0; c < PT_SENTIMENT_CLASSES; c++)
		lin[c] += s->lin_b[c];
	return st;
}

pt_status
pt_sentiment_prepare(const pt_sentiment *s, const char *text, size_t len, size_t max_chars,
					 int keep_text, pt_sentiment_row *row, pt_err *err)
{
	size_t		n;
	pt_status	st;

	row->text = NULL;
	row->n_ids = 0;
	if ((st = pt_text_normalize(text, len, max_chars, &row->text, &row->len, err)) != PT_OK)
		return st;
	if (s->lowercase)
		pt_ascii_lower(row->text, row->len);
	if ((st = pt_tokenize(s->tok, row->text, row->len, row->ids, (size_t) s->max_tokens, &n, err)) == PT_OK)
		st = linear_logits(s, row->text, row->len, row->lin, err);
	row->n_ids = (int) n;
	if (!keep_text || st != PT_OK)
	{
		pt_free(row->text);
		row->text = NULL;
	}
	return st;
}

/* ---- the CNN half ---- */

/* im2col floats for T positions: (T-k+1)·k is not monotone in k, so take the max */
static size_t
conv_workspace(const pt_sentiment *s, size_t T)
{
	size_t		most = 0;

	for (int w = 0; w < s->n_widths; w++)
	{
		size_t		need = pt_conv1d_workspace((int) T, s->embed_dim, s->widths[w], 0);

		if (need > most)
			most = need;
	}
	return most;
}

/*
 * out[j] = max over the windows [first, last] of feature j of y[T, Fn], and
 * at[j] (when at is not NULL) the first window reaching it, relative to
 * first.  ReLU makes 0 the floor (and window 0 the position of a 0).
 */
static void
pool(const float *y, int Fn, size_t first, size_t last, float *out, int32_t *at)
{
	pt_maxpool_time(y + first * Fn, (int) (last - first + 1), Fn, out, at);
	for (int j = 0; j < Fn; j++)
		if (!(out[j] > 0.0f))
		{
			out[j] = 0.0f;
			if (at)
				at[j] = 0;
		}
}

/* the 8-bit rows of T token ids, rounded straight from the table (pt_embedding's zero row for a bad id) */
static void
embed_q8(const pt_sentiment *s, const int32_t *ids, size_t T, uint8_t *q)
{
	size_t		E = (size_t) s->embed_dim;

	for (size_t t = 0; t < T; t++)
		if (ids[t] >= 0 && ids[t] < s->vocab)
			pt_q8_quantize_rows(s->embed + (size_t) ids[t] * E, 1, s->embed_dim, s->q8_inv_scale, q + t * E);
		else
			memset(q + t * E, 128, E);
}

pt_status
pt_sentiment_features(const pt_sentiment *s, int32_t *const *ids, const int *n_ids, int B,
					  float *feat, int32_t *argpos, pt_err *err)
{
	int			E = s->embed_dim,
				Fn = s->filters,
				width_total = Fn * s->n_widths;
	size_t		T = 0;
	int32_t    *packed;
	size_t	   *offset;
	float	   *emb = NULL,
			   *y = NULL,		/* convolution output, made when the fused max-pool cannot run */
			   *work = NULL;
	uint8_t    *qemb = NULL;
	pt_status	st = PT_OK;

	for (int b = 0; b < B; b++)
		T += (size_t) (n_ids[b] > s->max_width ? n_ids[b] : s->max_width);
	packed = pt_alloc_zero(pt_mul_size(T, sizeof(int32_t)));
	offset = pt_alloc(pt_mul_size((size_t) B + 1, sizeof(size_t)));
	/* the 8-bit path reads quantized rows in place; the fp32 one needs fp32 rows and im2col room */
	if (s->q8_on)
		qemb = pt_alloc(pt_mul_size(T, (size_t) E));
	else
	{
		emb = pt_alloc(pt_mul_size(pt_mul_size(T, (size_t) E), sizeof(float)));
		work = pt_alloc(pt_mul_size(conv_workspace(s, T), sizeof(float)));
	}
	if (!packed || !offset || (s->q8_on ? !qemb : (!emb || !work)))
	{
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory scoring %d rows", B);
		goto done;
	}
	offset[0] = 0;
	for (int b = 0; b < B; b++)
	{
		memcpy(packed + offset[b], ids[b], sizeof(int32_t) * (size_t) n_ids[b]);
		offset[b + 1] = offset[b] + (size_t) (n_ids[b] > s->max_width ? n_ids[b] : s->max_width);
	}
	if (qemb)
		embed_q8(s, packed, T, qemb);
	else
		pt_embedding(s->embed, s->vocab, E, packed, (int) T, emb);
	for (int w = 0; w < s->n_widths; w++)
	{
		int			k = s->widths[w];

		if (qemb && argpos == NULL &&
			pt_conv1d_q8_maxpool(qemb, offset, B, &s->q8[w], feat + (size_t) w * Fn, (size_t) width_total))
		{
			pt_check_interrupts();
			continue;
		}
		if (y == NULL && (y = pt_alloc(pt_mul_size(pt_mul_size(T, (size_t) Fn), sizeof(float)))) == NULL)
		{
			st = pt_fail(err, PT_ERR_NOMEM, "out of memory scoring %d rows", B);
			break;
		}
		if (qemb)
			pt_conv1d_q8(qemb, (int) T, &s->q8[w], y);
		else
			pt_conv1d(emb, (int) T, E, s->conv_w[w], s->conv_b[w], Fn, k, 0, y, work);
		for (int b = 0; b < B; b++)
		{
			size_t		base = (size_t) b * width_total + (size_t) w * Fn;

			pool(y, Fn, offset[b], offset[b + 1] - (size_t) k, feat + base, argpos ? argpos + base : NULL);
		}
		pt_check_interrupts();
	}
done:
	pt_free(packed);
	pt_free(offset);
	pt_free(emb);
	pt_free(qemb);
	pt_free(y);
	pt_free(work);
	return st;
}

#define DOT_LANES 16

/*
 * x · w in a fixed order: DOT_LANES partial sums, then the lanes in order.
 * With SSE the partial sums live in four registers (the same products and
 * sums, so the same bits: x86-64's baseline has no FMA to contract them).
 */
static float
dot(const float *x, const float *w, int n)
{
	float		part[DOT_LANES] = {0},
				sum = 0.0f;
	int			j = 0;

#ifdef __SSE__
	__m128		a[4] = {_mm_setzero_ps(), _mm_setzero_ps(), _mm_setzero_ps(), _mm_setzero_ps()};

	for (; j + DOT_LANES <= n; j += DOT_LANES)
		for (int k = 0; k < 4; k++)
			a[k] = _mm_add_ps(a[k], _mm_mul_ps(_mm_loadu_ps(x + j + 4 * k), _mm_loadu_ps(w + j + 4 * k)));
	for (int k = 0; k < 4; k++)
		_mm_storeu_ps(part + 4 * k, a[k]);
#endif
	for (; j + DOT_LANES <= n; j += DOT_LANES)
		for (int k = 0; k < DOT_LANES; k++)
			part[k] += x[j + k] * w[j + k];
	for (; j < n; j++)
		part[j % DOT_LANES] += x[j] * w[j];
	for (int k = 0; k < DOT_LANES; k++)
		sum += part[k];
	return sum;
}

/*
 * The head is a dot product per row and class, not a GEMM: BLAS picks
 * kernels (and so summation orders) by batch shape, and a row must score
 * the same bits alone as in an array.
 */
void
pt_sentiment_combine(const pt_sentiment *s, const float *feat, const float *lin, int B, float *logits)
{
	int			D = s->filters * s->n_widths;

	for (int b = 0; b < B; b++)
		for (int c = 0; c < PT_SENTIMENT_CLASSES; c++)
		{
			size_t		i = (size_t) b * PT_SENTIMENT_CLASSES + c;
			float		cnn = s->out_b[c] + dot(feat + (size_t) b * D, s->out_w + (size_t) c * D, D);

			logits[i] = (1.0f - s->lin_weight) * cnn + s->lin_weight * lin[i];
		}
}

/* ---- scoring ---- */

static void
set_neutral(float *p)
{
	p[0] = 0.0f;
	p[1] = 1.0f;
	p[2] = 0.0f;
}

/* Probabilities of B prepared rows; rows without tokens are content-free: neutral. */
static pt_status
score_rows(const pt_sentiment *s, pt_sentiment_row *rows, int B, float **probs_of, pt_err *err)
{
	int			width_total = s->filters * s->n_widths;
	int32_t   **ids = pt_alloc(pt_mul_size((size_t) B, sizeof(int32_t *)));
	int		   *n_ids = pt_alloc(pt_mul_size((size_t) B, sizeof(int)));
	int		   *row_of = pt_alloc(pt_mul_size((size_t) B, sizeof(int)));
	float	   *feat = pt_alloc(pt_mul_size(pt_mul_size((size_t) B, (size_t) width_total), sizeof(float)));
	float	   *lin = pt_alloc(pt_mul_size((size_t) B * PT_SENTIMENT_CLASSES, sizeof(float)));
	float	   *p = pt_alloc(pt_mul_size((size_t) B * PT_SENTIMENT_CLASSES, sizeof(float)));
	int			live = 0;
	pt_status	st = PT_OK;

	if (!ids || !n_ids || !row_of || !feat || !lin || !p)
	{
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory scoring %d rows", B);
		goto done;
	}
	for (int b = 0; b < B; b++)
	{
		if (rows[b].n_ids == 0)
		{
			set_neutral(probs_of[b]);
			continue;
		}
		ids[live] = rows[b].ids;
		n_ids[live] = rows[b].n_ids;
		memcpy(lin + (size_t) live * PT_SENTIMENT_CLASSES, rows[b].lin, sizeof(rows[b].lin));
		row_of[live++] = b;
	}
	if (live > 0 && (st = pt_sentiment_features(s, ids, n_ids, live, feat, NULL, err)) == PT_OK)
	{
		pt_sentiment_combine(s, feat, lin, live, p);
		pt_softmax_rows(p, live, PT_SENTIMENT_CLASSES);
		for (int i = 0; i < live; i++)
			memcpy(probs_of[row_of[i]], p + (size_t) i * PT_SENTIMENT_CLASSES,
				   sizeof(float) * PT_SENTIMENT_CLASSES);
	}
done:
	pt_free(ids);
	pt_free(n_ids);
	pt_free(row_of);
	pt_free(feat);
	pt_free(lin);
	pt_free(p);
	return st;
}

pt_status
pt_sentiment_score(const pt_sentiment *s, const char *const *texts, const size_t *lens,
				   size_t n, size_t max_chars, float *probs, pt_err *err)
{
	/* rows per chunk so one chunk's packed positions stay near CHUNK_POSITIONS */
	size_t		chunk = CHUNK_POSITIONS / (size_t) s->max_tokens;
	int32_t    *idbuf;
	pt_sentiment_row *rows;
	float	  **probs_of;
	pt_status	st = PT_OK;
	size_t		i = 0;

	if (chunk < 1)
		chunk = 1;
	idbuf = pt_alloc(pt_mul_size(pt_mul_size(chunk, (size_t) s->max_tokens), sizeof(int32_t)));
	rows = pt_alloc(pt_mul_size(chunk, sizeof(pt_sentiment_row)));
	probs_of = pt_alloc(pt_mul_size(chunk, sizeof(float *)));
	if (!idbuf || !rows || !probs_of)
	{
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory scoring %zu texts", n);
		goto done;
	}
	while (i < n && st == PT_OK)
	{
		int			B = 0;

		for (; i < n && (size_t) B < chunk; i++)
		{
			if (texts[i] == NULL)
				continue;
			rows[B].ids = idbuf + (size_t) B * s->max_tokens;
			probs_of[B] = probs + i * PT_SENTIMENT_CLASSES;
			if ((st = pt_sentiment_prepare(s, texts[i], lens[i], max_chars, 0, &rows[B], err)) != PT_OK)
				goto done;
			B++;
		}
		if (B > 0)
			st = score_rows(s, rows, B, probs_of, err);
		pt_check_interrupts();
	}
done:
	pt_free(idbuf);
	pt_free(rows);
	pt_free(probs_of);
	return st;
}

pt_status
pt_sentiment_logits(const pt_sentiment *s, const char *text, size_t len,
					int32_t *ids, int *n_ids, float *logits, pt_err *err)
{
	float	   *feat = pt_alloc(pt_mul_size((size_t) (s->filters * s->n_widths), sizeof(float)));
	pt_sentiment_row row = {.ids = ids};
	pt_status	st;

	memset(logits, 0, sizeof(float) * PT_SENTIMENT_CLASSES);
	*n_ids = 0;
	if (feat == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	st = pt_sentiment_prepare(s, text, len, 0, 0, &row, err);
	*n_ids = row.n_ids;
	if (st == PT_OK && row.n_ids > 0 &&
		(st = pt_sentiment_features(s, &row.ids, &row.n_ids, 1, feat, NULL, err)) == PT_OK)
		pt_sentiment_combine(s, feat, row.lin, 1, logits);
	pt_free(feat);
	return st;
}

float
pt_sentiment_polarity(const float *probs)
{
	float		v = probs[2] - probs[0];

	return v < -1.0f ? -1.0f : v > 1.0f ? 1.0f : v;
}

const char *
pt_sentiment_label(const float *probs)
{
	static const char *const names[PT_SENTIMENT_CLASSES] = {"negative", "neutral", "positive"};
	int			best = 1;

	for (int c = 0; c < PT_SENTIMENT_CLASSES; c++)
		if (probs[c] > probs[best])
			best = c;
	return names[best];
}
