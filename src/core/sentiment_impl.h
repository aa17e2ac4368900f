/*
 * sentiment_impl.h — internals shared by sentiment.c (loading, forward pass,
 * scoring) and sentiment_explain.c (attribution).  Not for other callers.
 */
#ifndef PT_SENTIMENT_IMPL_H
#define PT_SENTIMENT_IMPL_H

#include "conv_q8.h"
#include "sentiment.h"
#include "tokenizer.h"

#define PT_SENTIMENT_MAX_WIDTHS 8

struct pt_sentiment
{
	pt_tokenizer *tok;
	int			max_tokens;
	int			lowercase;

	/* the CNN half */
	int			vocab;
	int			embed_dim;
	int			filters;
	int			n_widths;
	int			widths[PT_SENTIMENT_MAX_WIDTHS];
	int			max_width;
	const float *embed;			/* [vocab, embed_dim] */
	const float *conv_w[PT_SENTIMENT_MAX_WIDTHS];	/* [filters, embed_dim, width] */
	const float *conv_b[PT_SENTIMENT_MAX_WIDTHS];	/* [filters] */
	const float *out_w;			/* [3, filters * n_widths] */
	const float *out_b;			/* [3] */

	/*
	 * The optional 8-bit convolutions (conv_q8.h): present when the model
	 * file carries them, used when q8_on (the CPU has VNNI, or a caller
	 * asked for them with pt_sentiment_set_int8).
	 */
	int			has_q8;
	int			q8_on;
	float	   *q8_inv_scale;	/* 1 / s_d [embed_dim]; owns q8[*].offset too */
	pt_conv_q8	q8[PT_SENTIMENT_MAX_WIDTHS];

	/* the linear half: logistic regression over hashed character n-grams */
	int			lin_buckets;
	int			lin_nmin;
	int			lin_nmax;
	float		lin_weight;		/* logits = (1 - w) · CNN + w · linear */
	const float *lin_w;			/* [lin_buckets, 3] */
	const float *lin_b;			/* [3] */
};

/* One input after the front end: its model text, token ids and linear logits. */
typedef struct pt_sentiment_row
{
	char	   *text;			/* normalized (and lower-cased) text, pt_alloc'd, or NULL */
	size_t		len;
	int32_t    *ids;			/* room for max_tokens */
	int			n_ids;
	float		lin[PT_SENTIMENT_CLASSES];
} pt_sentiment_row;

/* Front end + linear half for one input; keep_text keeps row->text for the caller. */
pt_status	pt_sentiment_prepare(const pt_sentiment *s, const char *text, size_t len,
								 size_t max_chars, int keep_text, pt_sentiment_row *row,
								 pt_err *err);

/*
 * The CNN's pooled features of B rows (feat[B, filters * n_widths]) and,
 * when argpos is given, the winning window start of each feature.
 */
pt_status	pt_sentiment_features(const pt_sentiment *s, int32_t *const *ids, const int *n_ids,
								  int B, float *feat, int32_t *argpos, pt_err *err);

/* logits[B, 3] of the ensemble from B rows' CNN features and linear logits (lin[B, 3]) */
void		pt_sentiment_combine(const pt_sentiment *s, const float *feat, const float *lin,
								 int B, float *logits);

#endif							/* PT_SENTIMENT_IMPL_H */
