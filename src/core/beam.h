/*
 * beam.h — beam search with the constraints every prodtext generator
 * obeys, for any decoder that can score one step of many hypotheses.
 *
 * Per row, the beam keeps the best beam_width live hypotheses by summed log
 * probability and finishes those that emit <eos>; the winner is the finished
 * hypothesis with the best score / length^length_alpha.  A candidate token
 * is only considered when
 *   - it is not a special id (<pad>, <bos>, <sep>; <eos> only after a token),
 *   - it does not repeat an n-gram of the hypothesis (no_repeat_ngram),
 *   - the text stays valid UTF-8 (a multi-byte character may be completed
 *     by the next byte token) and within max_chars characters,
 *   - the row's facts allow it (facts.h): fact words can only be copied;
 *   - the row's lexicon allows it (lexicon.h), where one is given: every
 *     word is a word of the input or a connective.
 * Candidates are checked lazily in score order, so constraints cost little.
 */
#ifndef PT_BEAM_H
#define PT_BEAM_H

#include "facts.h"
#include "lexicon.h"
#include "pt_common.h"
#include "tokenizer.h"

/*
 * Advance N hypotheses by one token: hypothesis i belongs to row[i],
 * continues hypothesis parent[i] of the previous call (-1: a fresh start
 * of its row) and was extended by token[i]; write log P(next) into
 * logp [N, vocab] (vocab columns: every token, or those of
 * pt_beam_opts.ids).
 */
typedef pt_status (*pt_decode_step) (void *ctx, int N, const int32_t *row,
									 const int32_t *parent, const int32_t *token,
									 float *logp, pt_err *err);

typedef struct pt_beam_opts
{
	int			beam_width;		/* hypotheses per row; 1 = greedy */
	int			max_tokens;		/* output tokens, <eos> included */
	size_t		max_chars;		/* output characters, surrounding white space excluded */
	const size_t *row_max_chars;	/* per row instead of max_chars, or NULL */
	float		length_alpha;	/* finished score = log P / tokens^alpha */
	int			no_repeat_ngram;	/* block repeated token n-grams of this size; 0 = off */
	const int32_t *ids;			/* [vocab] the token of each logp column, ascending; NULL: the column's index */
	const pt_lexicon *const *lexicons;	/* [rows] the words each row may use, or NULL: any */
	float	   *row_score;		/* [rows] out: the winner's log P / tokens^alpha, or NULL */
	/*
	 * 0: a row is done once beam_width hypotheses have finished; 1: only
	 * when no live one can still win.  Copying decoders (rewrite) propose
	 * <eos> among their top candidates at many steps, and with 0 a few
	 * early stops fill the count before the full copy can finish.
	 */
	int			finish_all;
} pt_beam_opts;

/*
 * Decode n_rows outputs with `step` (ctx is its first argument); facts[r]
 * may be NULL (no fact constraint).  out[r] is the winner's text, trimmed
 * and pt_alloc'd, or NULL when no hypothesis of the row finished within
 * the limits; out_len[r] its byte length.
 */
pt_status	pt_beam_search(const pt_tokenizer *tok, int vocab, pt_decode_step step, void *ctx,
						   int n_rows, pt_facts *const *facts, const pt_beam_opts *opts,
						   char **out, size_t *out_len, pt_err *err);

/*
 * Unconstrained greedy decoding of one row (row 0 of the step's batch),
 * for golden tests against the training framework: the argmax id of each
 * step (<eos> included when reached) into out (room for max_tokens), and
 * the full log P vectors of the first `steps` steps into logp [steps,
 * vocab] (may be NULL).
 */
pt_status	pt_greedy_trace(pt_decode_step step, void *ctx, int vocab, int max_tokens,
							int32_t *out, int *n_out, float *logp, int steps, pt_err *err);

/*
 * Teacher-forced scores: for each row r, the log P the decoder gives the
 * tokens tgt[r][0..n_tgt[r]), followed by <eos> when eos[r], divided by
 * their count ^ length_alpha — with <eos>, the score pt_beam_search gives a
 * finished hypothesis, so the two compare; without, that of a prefix.
 * Row r is row r of the step's batch (n_rows <= its max_hyps); each step
 * advances only the rows with tokens left, so a batch costs the sum of its
 * rows' lengths.  ids are the logp columns' tokens as in pt_beam_opts; a
 * token the columns lack, or that the step gives -inf, counts log
 * PT_FORCED_FLOOR.  n_tgt[r] may be 0 with eos[r] (the score of <eos> alone).
 *
 * stop_below (NULL: none) lets a caller that only needs to know whether
 * row r's score reaches stop_below[r] stop scoring it once it cannot: as
 * every token's log P is <= 0, the score so far (divided by the full
 * count) bounds the final one from above.  Such a row's score is that
 * bound, below stop_below[r] as the final score is.
 */
#define PT_FORCED_FLOOR 1e-20f
pt_status	pt_forced_score(pt_decode_step step, void *ctx, int width, const int32_t *ids,
							int n_rows, const int32_t *const *tgt, const int *n_tgt, const int *eos,
							float length_alpha, const float *stop_below, float *score, pt_err *err);

#endif							/* PT_BEAM_H */
