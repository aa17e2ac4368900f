/*
 * rewrite.h — optimized product descriptions: noisy seller copy in, clean,
 * concise, consistent copy out, in the input's language.
 *
 * The input is normalized and tidied by rules that hold for any shop's
 * noise (tidy.h: symbols, punctuation runs, shouting, repeated sentences),
 * English and Chinese text loses its seller boilerplate (boiler.h: shipping,
 * returns, store, promotion, call to action — numbers included), the rest is
 * cut into chunks of whole sentences that fit the
 * model's source, and each chunk is rewritten by the Transformer
 * (transformer.h) under the constrained beam search (beam.h).  Guarantees:
 *   - every fact word of the output occurs in the input (facts.h);
 *   - a chunk's rewrite is never longer (in characters) than the chunk, so
 *     the output is never longer than the normalized input;
 *   - at most max_chars characters when max_chars > 0, cut only between
 *     chunks or, when not even one fits, on a piece boundary;
 *   - a chunk's rewrite is used only when it keeps every fact word of the
 *     chunk, when 95% of its content (letters, digits, ideographs) forms a
 *     common subsequence with the chunk's, when every ASCII word of it is
 *     a word of the chunk, and when it keeps at least a fifth of the
 *     chunk's content: a rewrite edits — deletes noise, re-cases,
 *     re-punctuates — it does not describe another product or drop nearly
 *     all of this one;
 *   - a chunk the model cannot finish within those limits, or whose
 *     rewrite fails those checks, is kept as it is (tidied), and text
 *     in a language the model does not know, or with no model, comes back
 *     tidied: rewrite never loses content to a failure.
 */
#ifndef PT_REWRITE_H
#define PT_REWRITE_H

#include "boiler.h"
#include "model.h"
#include "pt_common.h"

typedef struct pt_rewriter pt_rewriter;

typedef struct pt_rewrite_opts
{
	size_t		max_chars;		/* 0 = no limit beyond the input's length */
	int			beam_width;		/* 1 = greedy; at most PT_REWRITE_MAX_BEAM */
	size_t		max_input_chars;	/* long inputs are cut (pt_text_normalize); 0 = no cut */
	const pt_boiler *boiler;	/* drops seller boilerplate first (boiler.h); NULL = none */
} pt_rewrite_opts;

#define PT_REWRITE_MAX_BEAM 16

pt_status	pt_rewriter_load(const pt_model *m, pt_rewriter **out, pt_err *err);
void		pt_rewriter_free(pt_rewriter *r);

/*
 * Rewrites of n texts, decoded together.  r may be NULL (normalization
 * only).  texts[i] NULL gives outs[i] NULL; other outs[i] are pt_alloc'd
 * and NUL-terminated, out_lens[i] their byte lengths.  On failure no output
 * is left allocated.
 */
pt_status	pt_rewrite(const pt_rewriter *r, const char *const *texts, const size_t *lens,
					   size_t n, const pt_rewrite_opts *opts, char **outs, size_t *out_lens,
					   pt_err *err);

/*
 * Whether pt_rewrite uses out[0..out_len) as the rewrite of one chunk of
 * tidied, boilerplate-free text (*accept): it keeps every fact, only deletes
 * (no word, character or repeat the chunk lacks), deletes from Han text
 * only whole word groups, repeats or what the detector calls noise (boiler
 * may be NULL), and keeps a fifth of the chunk.  Otherwise the chunk stays
 * as it was.  For tests of that guard.
 */
pt_status	pt_rewrite_accepts(const pt_rewriter *r, const pt_boiler *boiler, const char *chunk,
							   size_t chunk_len, const char *out, size_t out_len, int *accept,
							   pt_err *err);

/* For golden tests, as pt_summarizer_greedy in summarize.h. */
pt_status	pt_rewriter_greedy(const pt_rewriter *r, const char *text, size_t len,
							   int32_t *src, int *n_src, int32_t *out, int *n_out,
							   float *logp, int steps, pt_err *err);
int			pt_rewriter_max_src(const pt_rewriter *r);

/*
 * Use the 8-bit output projection (linear_q8.h) where the model file has it
 * and the CPU runs AVX-512 VNNI (the default), or the fp32 one (on = 0).
 * Returns whether the 8-bit one is in use.
 */
int			pt_rewriter_set_int8(pt_rewriter *r, int on);
int			pt_rewriter_max_tgt(const pt_rewriter *r);
int			pt_rewriter_vocab(const pt_rewriter *r);

#endif							/* PT_REWRITE_H */
