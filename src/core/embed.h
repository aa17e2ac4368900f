/*
 * embed.h — the product-text encoder behind embed(): one L2-normalized
 * vector of fixed dimension for a text of any language the tokenizer reads
 * (trained on English and Chinese; models/embed.md).
 *
 * Input text goes through the whole front end here (normalize, cut to the
 * model's max_chars, ASCII lower-case, tokenize, hashed character n-grams),
 * so callers pass raw strings.  Two pooled halves, then a linear map:
 *
 *   pool_tok = Σ g[id] · E_tok[id] / Σ g[id]    over the first max_tokens tokens,
 *              g a learned positive (IDF-like) weight per token
 *   pool_ng  = Σ v · E_ng[bucket]                over the hashed character n-grams
 *              (ngrams.h: 1 + ln tf, unit L2 over the text)
 *   y        = W · [pool_tok; pool_ng] + b,      output y / |y|
 *
 * The two tables are stored in fp32 or in 8 bits with one scale per row
 * (models/FORMAT.md); the 8-bit rows are widened as they are added.
 *
 * Text with neither tokens nor n-grams (empty after normalization, e.g.
 * only HTML tags or white space) is content-free: its vector is b / |b|,
 * the same unit vector for every such text (the loader refuses b = 0).
 */
#ifndef PT_EMBED_H
#define PT_EMBED_H

#include "model.h"
#include "pt_common.h"

typedef struct pt_embed pt_embed;

/* Check every tensor and hyper-parameter the task needs; weights stay in the model's mapping. */
pt_status	pt_embed_load(const pt_model *m, pt_embed **out, pt_err *err);
void		pt_embed_free(pt_embed *e);

/* D, the length of every vector */
int			pt_embed_dim(const pt_embed *e);

/*
 * Vectors of n texts into out[n, D], rows pooled one by one and projected
 * in one pass.  texts[i] may be NULL: its row is left untouched.
 * max_chars > 0 cuts long inputs before the model's own limit applies (see
 * pt_text_normalize).  A row's vector does not depend on the other rows.
 */
pt_status	pt_embed_texts(const pt_embed *e, const char *const *texts, const size_t *lens,
						   size_t n, size_t max_chars, float *out, pt_err *err);

/*
 * Cosine similarity of a[n] and b[n] in [-1, 1]; 0 when either has norm 0
 * (there is no direction to compare).  Accumulates in double.
 */
float		pt_embed_cosine(const float *a, const float *b, size_t n);

#endif							/* PT_EMBED_H */
