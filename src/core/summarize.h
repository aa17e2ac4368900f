/*
 * summarize.h — summaries of product copy (one text) and of many reviews.
 *
 * pt_summarize runs the abstractive model (an encoder-decoder LSTM with
 * attention and a copy mechanism, models/summarize.md) with beam search,
 * then, when the character budget leaves room, extends the result with the
 * input's leading sentences it does not already say (the extractive
 * path).  Inputs the model cannot serve (no model, a language it was not
 * trained on) take the extractive path alone.
 *
 * The input is first tidied (tidy.h: emoji, punctuation runs, shouting,
 * repeated sentences) and, in English and Chinese, loses its seller
 * boilerplate (boiler.h); the model and the extractive path both see only
 * what is left.  An abstract whose beam score is below the model's
 * calibrated floor, or that is ill-formed (unbalanced brackets or quotes,
 * ending on an opening or connecting mark), gives way to the extractive
 * summary: a plain lead is better than an odd abstract.
 *
 * Guarantees, for every output:
 *   - at most max_chars characters (code points), never a word or a
 *     tokenizer piece cut in half;
 *   - every word is a whole word of the input or a connective, and every
 *     Han character is the input's or a connective's (lexicon.h) —
 *     enforced while decoding; the extractive path copies input sentences;
 *   - the typography of its language and the input's brand and model
 *     casing (typography.h);
 *   - every fact word of the output (facts.h: numbers, units after numbers,
 *     model numbers, brand-like words) occurs in the input — enforced while
 *     decoding, so such words can only be copied;
 *   - the input's language; empty or content-free input gives "".
 */
#ifndef PT_SUMMARIZE_H
#define PT_SUMMARIZE_H

#include "boiler.h"
#include "model.h"
#include "pt_common.h"

typedef struct pt_summarizer pt_summarizer;

typedef struct pt_summarize_opts
{
	size_t		max_chars;		/* output budget in characters, >= 1 */
	int			beam_width;		/* 1 = greedy; at most PT_SUMMARIZE_MAX_BEAM */
	size_t		max_input_chars;	/* long inputs are cut (pt_text_normalize); 0 = no cut */
	int			extractive_fill;	/* extend short abstracts with input sentences */
	const pt_boiler *boiler;	/* drops seller boilerplate first (boiler.h); NULL = none */
} pt_summarize_opts;

#define PT_SUMMARIZE_MAX_BEAM 16

/* Check every tensor and hyper-parameter; weights stay in the model's mapping. */
pt_status	pt_summarizer_load(const pt_model *m, pt_summarizer **out, pt_err *err);
void		pt_summarizer_free(pt_summarizer *s);

/*
 * Summaries of n texts, decoded together (the hypotheses of every row share
 * each decoder step's GEMMs).  s may be NULL: extractive path only.
 * texts[i] NULL gives outs[i] NULL; other outs[i] are pt_alloc'd,
 * NUL-terminated, with their byte length in out_lens[i].  On failure no
 * output is left allocated.
 */
pt_status	pt_summarize(const pt_summarizer *s, const char *const *texts,
						 const size_t *lens, size_t n, const pt_summarize_opts *opts,
						 char **outs, size_t *out_lens, pt_err *err);

/*
 * One opinion summary of n texts (e.g. all reviews of a product): what
 * several texts agree on, not what one alone says.  Extractive; NULL
 * texts are skipped.  polarity (may be NULL) gives each text's sentiment
 * in [-1, 1] (sentiment()): negative and positive sentences are then
 * picked in the proportion of negative and positive texts.  *out is
 * pt_alloc'd and NUL-terminated.
 */
pt_status	pt_summarize_many(const char *const *texts, const size_t *lens, size_t n,
							  size_t max_chars, size_t max_input_chars, const float *polarity,
							  char **out, size_t *out_len, pt_err *err);

/*
 * For golden tests against PyTorch: the model's source ids of one text
 * (src needs room for pt_summarizer_max_src(s)), its unconstrained greedy
 * output ids (out needs room for pt_summarizer_max_tgt(s)), and the full
 * log-probability vectors of the first `steps` decoder steps
 * (logp [steps, vocab], may be NULL).
 */
pt_status	pt_summarizer_greedy(const pt_summarizer *s, const char *text, size_t len,
								 int32_t *src, int *n_src, int32_t *out, int *n_out,
								 float *logp, int steps, pt_err *err);
int			pt_summarizer_max_src(const pt_summarizer *s);

/*
 * Use the 8-bit decoder layers (linear_q8.h) where the model file has them
 * and the CPU runs AVX-512 VNNI (the default), or the fp32 ones (on = 0).
 * Returns whether 8-bit layers are in use.
 */
int			pt_summarizer_set_int8(pt_summarizer *s, int on);

/*
 * Score only the model's output shortlist and the batch's source ids where
 * the file has a shortlist (the default; seq2seq.h), or every id (on = 0).
 * Greedy golden traces (pt_summarizer_greedy) always score every id.
 * Returns whether the shortlist is in use.
 */
int			pt_summarizer_set_shortlist(pt_summarizer *s, int on);

/*
 * An abstract whose beam score (mean log P per token) is not above the
 * model's teacher-forced score of the extractive summary by min_margin is
 * dropped for the extractive summary; the model file's abstract_min_margin
 * (calibrated by models/train/summarize/calibrate.py) is the default,
 * -INFINITY keeps every abstract and skips the scoring.
 */
void		pt_summarizer_set_min_margin(pt_summarizer *s, float min_margin);

/*
 * Whether an abstract reads as a phrase (else the extractive summary serves
 * its row): brackets and quotes balanced; not ending on an opening or
 * connecting mark; not starting on a joining word ("And city"), a mark
 * ("- jump jet") or a letter alone other than A and I ("S easy-to-use"); no
 * word twice in a row ("Navy blue Suede Suede shoes"; a name that repeats,
 * "Walla Walla", gives way too, as rare); no "!!".
 */
int			pt_summarize_well_formed(const char *s, size_t len);
int			pt_summarizer_max_tgt(const pt_summarizer *s);
int			pt_summarizer_vocab(const pt_summarizer *s);

#endif							/* PT_SUMMARIZE_H */
