/*
 * sentiment.h — the review sentiment task: a text CNN over subword embeddings.
 *
 * Input text goes through the whole front end here (normalize, ASCII
 * lower-case when the model asks for it, tokenize), so callers pass raw
 * strings.  Output per text: probabilities of (negative, neutral, positive);
 * polarity = P(positive) − P(negative) in [-1, 1].  Text with no tokens after
 * normalization is content-free: (0, 1, 0), polarity 0.
 */
#ifndef PT_SENTIMENT_H
#define PT_SENTIMENT_H

#include "model.h"
#include "pt_common.h"

#define PT_SENTIMENT_CLASSES 3

typedef struct pt_sentiment pt_sentiment;

/* Check every tensor and hyper-parameter the task needs; weights stay in the model's mapping. */
pt_status	pt_sentiment_load(const pt_model *m, pt_sentiment **out, pt_err *err);
void		pt_sentiment_free(pt_sentiment *s);

/*
 * Score n texts in one batched forward pass (rows are packed into shared
 * GEMMs).  texts[i] may be NULL: its probabilities are left untouched.
 * max_chars > 0 cuts long inputs (see pt_text_normalize).
 */
pt_status	pt_sentiment_score(const pt_sentiment *s, const char *const *texts,
							   const size_t *lens, size_t n, size_t max_chars,
							   float *probs, pt_err *err);

/*
 * The raw logits of one text and its token ids (ids needs room for
 * pt_sentiment_max_tokens(s)); for golden tests against PyTorch.  Text
 * without tokens gives n_ids = 0 and zero logits.
 */
pt_status	pt_sentiment_logits(const pt_sentiment *s, const char *text, size_t len,
								int32_t *ids, int *n_ids, float *logits, pt_err *err);
int			pt_sentiment_max_tokens(const pt_sentiment *s);

/*
 * The 8-bit convolutions (conv_q8.h) are used when the model file carries
 * them and the CPU has AVX-512 VNNI.  on = 0 selects the fp32 weights, on =
 * 1 the 8-bit ones wherever the file has them (on other CPUs through the
 * slow portable kernel: for tests and evaluation).  Returns 1 when the
 * 8-bit path is now in use.  Not for an object that other threads use.
 */
int			pt_sentiment_set_int8(pt_sentiment *s, int on);

/* P(positive) − P(negative) */
float		pt_sentiment_polarity(const float *probs);

/* "negative", "neutral" or "positive": the class with the highest probability */
const char *pt_sentiment_label(const float *probs);

typedef struct pt_token_weight
{
	char	   *token;			/* pt_alloc'd UTF-8, one or more subword tokens */
	float		weight;			/* contribution to logit(positive) − logit(negative) */
} pt_token_weight;

/*
 * Which tokens drove the score: every pooled filter's contribution
 * h_j · (W_pos,j − W_neg,j) is shared equally by the tokens of the window
 * that won its max-pool.  Tokens come out in text order; subword pieces are
 * merged until they form whole UTF-8 characters.  Free with
 * pt_token_weights_free.
 */
pt_status	pt_sentiment_explain(const pt_sentiment *s, const char *text, size_t len,
								 size_t max_chars, pt_token_weight **items,
								 size_t *n_items, float *probs, pt_err *err);
void		pt_token_weights_free(pt_token_weight *items, size_t n);

#endif							/* PT_SENTIMENT_H */
