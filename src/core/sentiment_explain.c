/*
 * sentiment_explain.c — which tokens drove a sentiment score.
 *
 * Both halves of the ensemble decompose exactly into per-token shares of
 * logit(positive) − logit(negative):
 *  - CNN: each pooled filter's contribution h_j · (W_pos,j − W_neg,j) is
 *    shared equally by the tokens of the window that won its max-pool;
 *  - linear: each n-gram bucket's contribution v_b · (W_pos,b − W_neg,b) is
 *    shared equally by its occurrences, and each occurrence's share by the
 *    tokens its bytes overlap (tokens tile the model text exactly).
 * Both are scaled by their ensemble weight.  Subword pieces are then merged
 * until they form whole UTF-8 characters.
 */
#include "sentiment_impl.h"

#include <stdlib.h>
#include <string.h>

#include "ngrams.h"
#include "nn.h"
#include "text.h"

void
pt_token_weights_free(pt_token_weight *items, size_t n)
{
	if (items == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		pt_free(items[i].token);
	pt_free(items);
}

static void
attribute_cnn(const pt_sentiment *s, const float *feat, const int32_t *argpos, int n_tok, float *tok_w)
{
	int			Fn = s->filters,
				width_total = Fn * s->n_widths;
	const float *w_neg = s->out_w,
			   *w_pos = s->out_w + 2 * (size_t) width_total;
	float		scale = 1.0f - s->lin_weight;

	for (int w = 0; w < s->n_widths; w++)
		for (int j = 0; j < Fn; j++)
		{
			int			f = w * Fn + j,
						start = argpos[f],
						stop = start + s->widths[w] < n_tok ? start + s->widths[w] : n_tok;
			float		c = scale * feat[f] * (w_pos[f] - w_neg[f]);

			for (int t = start; t < stop; t++)
				tok_w[t] += c / (float) (stop - start);
		}
}

/* index of bucket b in the sorted feature ids, or -1 */
static long
find_bucket(const int32_t *idx, size_t n, int32_t b)
{
	const int32_t *hit = bsearch(&b, idx, n, sizeof(int32_t), pt_compare_int32);

	return hit ? (long) (hit - idx) : -1;
}

static pt_status
attribute_linear(const pt_sentiment *s, const pt_sentiment_row *row, float *tok_w, pt_err *err)
{
	size_t		cap = pt_char_ngram_max_features(row->len, s->lin_nmin, s->lin_nmax) + 1,
				n_feat,
				n_occ;
	int32_t    *idx = pt_alloc(pt_mul_size(cap, sizeof(int32_t))),
			   *occ = pt_alloc(pt_mul_size(cap, sizeof(int32_t)));
	float	   *val = pt_alloc(pt_mul_size(cap, sizeof(float)));
	uint32_t   *start = pt_alloc(pt_mul_size(cap, sizeof(uint32_t))),
			   *end = pt_alloc(pt_mul_size(cap, sizeof(uint32_t))),
			   *tok_end = pt_alloc(pt_mul_size((size_t) row->n_ids + 1, sizeof(uint32_t))),
			   *count = pt_alloc_zero(pt_mul_size(cap, sizeof(uint32_t)));
	pt_status	st;

	if (!idx || !occ || !val || !start || !end || !tok_end || !count)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory explaining a score");
	else if ((st = pt_char_ngram_features(row->text, row->len, s->lin_nmin, s->lin_nmax, s->lin_buckets,
										  idx, val, cap, &n_feat, err)) == PT_OK &&
			 (st = pt_char_ngram_occurrences(row->text, row->len, s->lin_nmin, s->lin_nmax,
											 s->lin_buckets, occ, start, end, &n_occ, err)) == PT_OK)
	{
		uint32_t	pos = 0;
		int			first = 0;	/* of the tokens overlapping occurrence i */

		for (int t = 0; t < row->n_ids; t++)
		{
			size_t		plen;

			pt_tokenizer_piece(s->tok, row->ids[t], &plen);
			pos += (uint32_t) plen;
			tok_end[t] = pos;
		}
		/* every occurrence's bucket is among the features; the guards only keep that safe */
		for (size_t i = 0; i < n_occ; i++)
		{
			long		f = find_bucket(idx, n_feat, occ[i]);

			if (f >= 0)
				count[f]++;
			if ((i & 0xFFFF) == 0xFFFF)
				pt_check_interrupts();
		}
		/*
		 * Occurrences come in order of n, then position: the first token
		 * overlapping one only moves forward until n changes.  Text after
		 * the last token (beyond max_tokens) has no token to credit.
		 */
		for (size_t i = 0; i < n_occ; i++)
		{
			long		f;
			const float *w = s->lin_w + (size_t) occ[i] * PT_SENTIMENT_CLASSES;
			float		c;
			int			last;

			if ((i & 0xFFFF) == 0xFFFF)
				pt_check_interrupts();
			if (i > 0 && start[i] < start[i - 1])
				first = 0;
			if (row->n_ids == 0 || start[i] >= tok_end[row->n_ids - 1])
				continue;
			if ((f = find_bucket(idx, n_feat, occ[i])) < 0)
				continue;
			c = s->lin_weight * val[f] * (w[2] - w[0]) / (float) count[f];
			while (first < row->n_ids && tok_end[first] <= start[i])
				first++;
			for (last = first; last < row->n_ids && (last == first || tok_end[last - 1] < end[i]); last++)
				;
			for (int t = first; t < last; t++)
				tok_w[t] += c / (float) (last - first);
		}
	}
	pt_free(idx);
	pt_free(occ);
	pt_free(val);
	pt_free(start);
	pt_free(end);
	pt_free(tok_end);
	pt_free(count);
	return st;
}

/* Merge subword pieces into items that are whole UTF-8 characters, trimmed of spaces. */
static pt_status
group_tokens(const pt_sentiment *s, const int32_t *ids, const float *tok_w, int n_tok,
			 pt_token_weight **items, size_t *n_items, pt_err *err)
{
	pt_token_weight *out = pt_alloc_zero(pt_mul_size((size_t) n_tok + 1, sizeof(pt_token_weight)));
	size_t		n = 0;
	int			t = 0;

	if (out == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	while (t < n_tok)
	{
		char		buf[512];
		size_t		len = 0,
					a = 0,
					b;
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
	float	   *tok_w = pt_alloc_zero(pt_mul_size((size_t) s->max_tokens, sizeof(float)));
	pt_sentiment_row row = {.ids = ids};
	pt_status	st;

	*items = NULL;
	*n_items = 0;
	if (!ids || !feat || !argpos || !tok_w)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory");
	else if ((st = pt_sentiment_prepare(s, text, len, max_chars, 1, &row, err)) == PT_OK)
	{
		probs[0] = 0.0f;
		probs[1] = 1.0f;
		probs[2] = 0.0f;
		if (row.n_ids > 0 &&
			(st = pt_sentiment_features(s, &row.ids, &row.n_ids, 1, feat, argpos, err)) == PT_OK)
		{
			pt_sentiment_combine(s, feat, row.lin, 1, probs);
			pt_softmax_rows(probs, 1, PT_SENTIMENT_CLASSES);
			attribute_cnn(s, feat, argpos, row.n_ids, tok_w);
			if ((st = attribute_linear(s, &row, tok_w, err)) == PT_OK)
				st = group_tokens(s, row.ids, tok_w, row.n_ids, items, n_items, err);
		}
	}
	pt_free(row.text);
	pt_free(ids);
	pt_free(feat);
	pt_free(argpos);
	pt_free(tok_w);
	return st;
}
