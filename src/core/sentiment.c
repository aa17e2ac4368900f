/*
 * sentiment.c — forward pass of the sentiment text CNN (models/train/sentiment_train.py).
 *
 * A batch of rows is packed into one long sequence of embeddings, each row
 * padded with <pad> (a zero vector) to at least the widest kernel.  Every
 * convolution is then one GEMM over all positions of all rows; windows that
 * straddle two rows are computed but never pooled, which is cheaper than
 * separating rows with padding.  Max-over-time pooling then reads each row's
 * own valid windows only — the exact set PyTorch pools in training.
 */
#include "sentiment.h"

#include <stdio.h>
#include <string.h>

#include "nn.h"
#include "text.h"
#include "tokenizer.h"

#define MAX_WIDTHS 8
#define CHUNK_POSITIONS 8192	/* rows per GEMM chunk: bounds scratch memory */

struct pt_sentiment
{
	pt_tokenizer *tok;
	int			vocab;
	int			embed_dim;
	int			filters;
	int			n_widths;
	int			widths[MAX_WIDTHS];
	int			max_width;
	int			max_tokens;
	int			lowercase;
	const float *embed;			/* [vocab, embed_dim] */
	const float *conv_w[MAX_WIDTHS];	/* [filters, embed_dim, width] */
	const float *conv_b[MAX_WIDTHS];	/* [filters] */
	const float *out_w;			/* [3, filters * n_widths] */
	const float *out_b;			/* [3] */
};

static pt_status
load_hparams(const pt_model *m, pt_sentiment *s, pt_err *err)
{
	int64_t		v;
	pt_status	st;

	if ((st = pt_model_require_int(m, "embed_dim", 1, 4096, &v, err)) != PT_OK)
		return st;
	s->embed_dim = (int) v;
	if ((st = pt_model_require_int(m, "filters", 1, 4096, &v, err)) != PT_OK)
		return st;
	s->filters = (int) v;
	if ((st = pt_model_require_int(m, "n_widths", 1, MAX_WIDTHS, &v, err)) != PT_OK)
		return st;
	s->n_widths = (int) v;
	if ((st = pt_model_require_int(m, "max_tokens", 1, 65536, &v, err)) != PT_OK)
		return st;
	s->max_tokens = (int) v;
	if ((st = pt_model_require_int(m, "lowercase", 0, 1, &v, err)) != PT_OK)
		return st;
	s->lowercase = (int) v;
	for (int i = 0; i < s->n_widths; i++)
	{
		char		key[32];

		snprintf(key, sizeof key, "width.%d", i);
		if ((st = pt_model_require_int(m, key, 1, 64, &v, err)) != PT_OK)
			return st;
		s->widths[i] = (int) v;
		if (s->widths[i] > s->max_width)
			s->max_width = s->widths[i];
	}
	return PT_OK;
}

static pt_status
load_tensors(const pt_model *m, pt_sentiment *s, pt_err *err)
{
	const pt_tensor *t;
	pt_status	st;
	int64_t		E = s->embed_dim,
				Fn = s->filters;

	if ((st = pt_model_require(m, "embed.weight", PT_F32, 2,
							   (int64_t[]) {s->vocab, E}, &t, err)) != PT_OK)
		return st;
	s->embed = t->data;
	for (int i = 0; i < s->n_widths; i++)
	{
		char		name[32];

		snprintf(name, sizeof name, "conv.%d.weight", i);
		if ((st = pt_model_require(m, name, PT_F32, 3,
								   (int64_t[]) {Fn, E, s->widths[i]}, &t, err)) != PT_OK)
			return st;
		s->conv_w[i] = t->data;
		snprintf(name, sizeof name, "conv.%d.bias", i);
		if ((st = pt_model_require(m, name, PT_F32, 1, (int64_t[]) {Fn}, &t, err)) != PT_OK)
			return st;
		s->conv_b[i] = t->data;
	}
	if ((st = pt_model_require(m, "out.weight", PT_F32, 2,
							   (int64_t[]) {PT_SENTIMENT_CLASSES, Fn * s->n_widths}, &t, err)) != PT_OK)
		return st;
	s->out_w = t->data;
	if ((st = pt_model_require(m, "out.bias", PT_F32, 1,
							   (int64_t[]) {PT_SENTIMENT_CLASSES}, &t, err)) != PT_OK)
		return st;
	s->out_b = t->data;
	return PT_OK;
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
		st = load_tensors(m, s, err);
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
	pt_free(s);
}

/* Normalize, lower-case and tokenize one input into ids[max_tokens]. */
static pt_status
prepare(const pt_sentiment *s, const char *text, size_t len, size_t max_chars,
		int32_t *ids, int *n_ids, pt_err *err)
{
	char	   *norm;
	size_t		norm_len,
				n;
	pt_status	st;

	if ((st = pt_text_normalize(text, len, max_chars, &norm, &norm_len, err)) != PT_OK)
		return st;
	if (s->lowercase)
		for (size_t i = 0; i < norm_len; i++)
			if (norm[i] >= 'A' && norm[i] <= 'Z')
				norm[i] += 'a' - 'A';
	st = pt_tokenize(s->tok, norm, norm_len, ids, (size_t) s->max_tokens, &n, err);
	pt_free(norm);
	*n_ids = (int) n;
	return st;
}

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
 * Pooled features of B tokenized rows: feat[B, filters * n_widths] and, when
 * argpos is given, the winning window start of each feature (row-relative).
 */
static pt_status
forward_features(const pt_sentiment *s, int32_t *const *ids, const int *n_ids, int B,
				 float *feat, int32_t *argpos, pt_err *err)
{
	int			E = s->embed_dim,
				Fn = s->filters,
				width_total = Fn * s->n_widths;
	size_t		T = 0;
	int32_t    *packed;
	float	   *emb,
			   *y,
			   *work;
	size_t	   *offset;
	pt_status	st = PT_OK;

	for (int b = 0; b < B; b++)
		T += (size_t) (n_ids[b] > s->max_width ? n_ids[b] : s->max_width);
	packed = pt_alloc_zero(pt_mul_size(T, sizeof(int32_t)));
	offset = pt_alloc(pt_mul_size((size_t) B + 1, sizeof(size_t)));
	emb = pt_alloc(pt_mul_size(pt_mul_size(T, (size_t) E), sizeof(float)));
	y = pt_alloc(pt_mul_size(pt_mul_size(T, (size_t) Fn), sizeof(float)));
	work = pt_alloc(pt_mul_size(conv_workspace(s, T), sizeof(float)));
	if (!packed || !offset || !emb || !y || !work)
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
	pt_embedding(s->embed, s->vocab, E, packed, (int) T, emb);
	for (int w = 0; w < s->n_widths; w++)
	{
		int			k = s->widths[w];

		pt_conv1d(emb, (int) T, E, s->conv_w[w], s->conv_b[w], Fn, k, 0, y, work);
		for (int b = 0; b < B; b++)
		{
			/* valid windows of row b start at offset[b] .. offset[b+1]-k */
			size_t		first = offset[b],
						last = offset[b + 1] - (size_t) k;
			float	   *f = feat + (size_t) b * width_total + (size_t) w * Fn;

			for (int j = 0; j < Fn; j++)
			{
				float		best = 0.0f;	/* ReLU: a max below 0 is 0 */
				size_t		at = first;

				for (size_t p = first; p <= last; p++)
					if (y[p * Fn + j] > best)
					{
						best = y[p * Fn + j];
						at = p;
					}
				f[j] = best;
				if (argpos)
					argpos[(size_t) b * width_total + (size_t) w * Fn + j] = (int32_t) (at - first);
			}
		}
		pt_check_interrupts();
	}
done:
	pt_free(packed);
	pt_free(offset);
	pt_free(emb);
	pt_free(y);
	pt_free(work);
	return st;
}

static void
classify(const pt_sentiment *s, const float *feat, int B, float *probs)
{
	pt_linear(feat, B, s->filters * s->n_widths, s->out_w, s->out_b, PT_SENTIMENT_CLASSES, probs);
	pt_softmax_rows(probs, B, PT_SENTIMENT_CLASSES);
}

static void
set_neutral(float *p)
{
	p[0] = 0.0f;
	p[1] = 1.0f;
	p[2] = 0.0f;
}

/* Score rows [0, B) whose ids are prepared; rows without tokens are neutral. */
static pt_status
score_prepared(const pt_sentiment *s, int32_t **ids, int *n_ids, int B, float **probs_of, pt_err *err)
{
	int			width_total = s->filters * s->n_widths;
	int32_t   **live_ids = pt_alloc(pt_mul_size((size_t) B, sizeof(int32_t *)));
	int		   *live_n = pt_alloc(pt_mul_size((size_t) B, sizeof(int)));
	int		   *live_row = pt_alloc(pt_mul_size((size_t) B, sizeof(int)));
	float	   *feat = pt_alloc(pt_mul_size(pt_mul_size((size_t) B, (size_t) width_total), sizeof(float)));
	float	   *p = pt_alloc(pt_mul_size((size_t) B * PT_SENTIMENT_CLASSES, sizeof(float)));
	int			live = 0;
	pt_status	st = PT_OK;

	if (!live_ids || !live_n || !live_row || !feat || !p)
	{
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory scoring %d rows", B);
		goto done;
	}
	for (int b = 0; b < B; b++)
	{
		if (n_ids[b] == 0)
		{
			set_neutral(probs_of[b]);
			continue;
		}
		live_ids[live] = ids[b];
		live_n[live] = n_ids[b];
		live_row[live++] = b;
	}
	if (live > 0)
	{
		if ((st = forward_features(s, live_ids, live_n, live, feat, NULL, err)) != PT_OK)
			goto done;
		classify(s, feat, live, p);
		for (int i = 0; i < live; i++)
			memcpy(probs_of[live_row[i]], p + (size_t) i * PT_SENTIMENT_CLASSES,
				   sizeof(float) * PT_SENTIMENT_CLASSES);
	}
done:
	pt_free(live_ids);
	pt_free(live_n);
	pt_free(live_row);
	pt_free(feat);
	pt_free(p);
	return st;
}

pt_status
pt_sentiment_score(const pt_sentiment *s, const char *const *texts, const size_t *lens,
				   size_t n, size_t max_chars, float *probs, pt_err *err)
{
	int32_t    *idbuf;
	int32_t   **ids;
	int		   *n_ids;
	float	  **probs_of;
	pt_status	st = PT_OK;
	size_t		i = 0;
	/* rows per chunk so one chunk's packed positions stay near CHUNK_POSITIONS */
	size_t		chunk = CHUNK_POSITIONS / (size_t) s->max_tokens;

	if (chunk < 1)
		chunk = 1;
	idbuf = pt_alloc(pt_mul_size(pt_mul_size(chunk, (size_t) s->max_tokens), sizeof(int32_t)));
	ids = pt_alloc(pt_mul_size(chunk, sizeof(int32_t *)));
	n_ids = pt_alloc(pt_mul_size(chunk, sizeof(int)));
	probs_of = pt_alloc(pt_mul_size(chunk, sizeof(float *)));
	if (!idbuf || !ids || !n_ids || !probs_of)
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
			ids[B] = idbuf + (size_t) B * s->max_tokens;
			probs_of[B] = probs + i * PT_SENTIMENT_CLASSES;
			if ((st = prepare(s, texts[i], lens[i], max_chars, ids[B], &n_ids[B], err)) != PT_OK)
				goto done;
			B++;
		}
		if (B > 0)
			st = score_prepared(s, ids, n_ids, B, probs_of, err);
		pt_check_interrupts();
	}
done:
	pt_free(idbuf);
	pt_free(ids);
	pt_free(n_ids);
	pt_free(probs_of);
	return st;
}

int
pt_sentiment_max_tokens(const pt_sentiment *s)
{
	return s->max_tokens;
}

pt_status
pt_sentiment_logits(const pt_sentiment *s, const char *text, size_t len,
					int32_t *ids, int *n_ids, float *logits, pt_err *err)
{
	float	   *feat = pt_alloc(pt_mul_size((size_t) (s->filters * s->n_widths), sizeof(float)));
	pt_status	st;

	memset(logits, 0, sizeof(float) * PT_SENTIMENT_CLASSES);
	if (feat == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	st = prepare(s, text, len, 0, ids, n_ids, err);
	if (st == PT_OK && *n_ids > 0 &&
		(st = forward_features(s, &ids, n_ids, 1, feat, NULL, err)) == PT_OK)
		pt_linear(feat, 1, s->filters * s->n_widths, s->out_w, s->out_b, PT_SENTIMENT_CLASSES, logits);
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

/* ---- explanation ---- */

void
pt_token_weights_free(pt_token_weight *items, size_t n)
{
	if (items == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		pt_free(items[i].token);
	pt_free(items);
}

/* Spread each pooled feature's contribution over the tokens of its winning window. */
static void
attribute(const pt_sentiment *s, const float *feat, const int32_t *argpos, int n_tok, float *tok_w)
{
	int			Fn = s->filters,
				width_total = Fn * s->n_widths;
	const float *w_neg = s->out_w,
			   *w_pos = s->out_w + 2 * (size_t) width_total;

	memset(tok_w, 0, sizeof(float) * (size_t) n_tok);
	for (int w = 0; w < s->n_widths; w++)
		for (int j = 0; j < Fn; j++)
		{
			int			f = w * Fn + j,
						k = s->widths[w],
						start = argpos[f],
						real = 0;
			float		c = feat[f] * (w_pos[f] - w_neg[f]);

			for (int t = start; t < start + k; t++)
				real += (t < n_tok);
			for (int t = start; t < start + k && t < n_tok && real > 0; t++)
				tok_w[t] += c / (float) real;
		}
}

/* Merge subword pieces into items that are whole UTF-8 characters, trimmed of spaces. */
static pt_status
group_tokens(const pt_sentiment *s, const int32_t *ids, const float *tok_w, int n_tok,
			 pt_token_weight **items, size_t *n_items, pt_err *err)
{
	pt_token_weight *out = pt_alloc_zero(pt_mul_size((size_t) n_tok, sizeof(pt_token_weight)));
	size_t		n = 0;
	int			t = 0;

	if (out == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	while (t < n_tok)
	{
		char		buf[512];
		size_t		len = 0;
		float		w = 0.0f;

		do
		{
			size_t		plen;
			const uint8_t *piece = pt_tokenizer_piece(s->tok, ids[t], &plen);

			if (len + plen < sizeof(buf))
			{
				memcpy(buf + len, piece, plen);
				len += plen;
			}
			w += tok_w[t++];
		} while (t < n_tok && !pt_utf8_valid(buf, len));
		{
			size_t		a = 0,
						b = len;

			while (a < b && (buf[a] == ' ' || buf[a] == '\n'))
				a++;
			while (b > a && (buf[b - 1] == ' ' || buf[b - 1] == '\n'))
				b--;
			if (a == b || !pt_utf8_valid(buf + a, b - a))
				continue;
			out[n].token = pt_alloc(b - a + 1);
			if (out[n].token == NULL)
			{
				pt_token_weights_free(out, n);
				return pt_fail(err, PT_ERR_NOMEM, "out of memory");
			}
			memcpy(out[n].token, buf + a, b - a);
			out[n].token[b - a] = '\0';
			out[n++].weight = w;
		}
	}
	*items = out;
	*n_items = n;
	return PT_OK;
}

pt_status
pt_sentiment_explain(const pt_sentiment *s, const char *text, size_t len, size_t max_chars,
					 pt_token_weight **items, size_t *n_items, float *probs, pt_err *err)
{
	int			width_total = s->filters * s->n_widths;
	int32_t    *ids = pt_alloc(pt_mul_size((size_t) s->max_tokens, sizeof(int32_t)));
	float	   *feat = pt_alloc(pt_mul_size((size_t) width_total, sizeof(float)));
	int32_t    *argpos = pt_alloc(pt_mul_size((size_t) width_total, sizeof(int32_t)));
	float	   *tok_w = pt_alloc(pt_mul_size((size_t) s->max_tokens, sizeof(float)));
	int			n_tok = 0;
	pt_status	st;

	*items = NULL;
	*n_items = 0;
	if (!ids || !feat || !argpos || !tok_w)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory");
	else if ((st = prepare(s, text, len, max_chars, ids, &n_tok, err)) == PT_OK)
	{
		if (n_tok == 0)
			set_neutral(probs);
		else if ((st = forward_features(s, &ids, &n_tok, 1, feat, argpos, err)) == PT_OK)
		{
			classify(s, feat, 1, probs);
			attribute(s, feat, argpos, n_tok, tok_w);
			st = group_tokens(s, ids, tok_w, n_tok, items, n_items, err);
		}
	}
	pt_free(ids);
	pt_free(feat);
	pt_free(argpos);
	pt_free(tok_w);
	return st;
}
