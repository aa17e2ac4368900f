/*
 * golden_decoder.h — checks a decoder's greedy path against a golden file
 * written by its training script (test/golden/summarize.txt,
 * test/golden/rewrite.txt): per case the input, the source ids the Python
 * side got through the same C tokenizer, PyTorch's unconstrained greedy
 * output ids, and the 10 best log-probabilities of the first three steps.
 * The C ids must be identical and those log-probabilities within tol:
 * 2e-3 for the fp32 path.  The 8-bit layers (linear_q8.h) are checked with
 * a looser tol, and only the greedy ids of the steps checked: further on, a
 * near-tie may go the other way.
 */
#ifndef PT_GOLDEN_DECODER_H
#define PT_GOLDEN_DECODER_H

#include "pt_common.h"

#define GOLDEN_STEPS 3			/* steps whose log-probabilities the golden files hold */
#define GOLDEN_INT8_TOL 0.15	/* log P of the 8-bit layers against PyTorch's fp32 (measured: up to 0.11) */

/* pt_summarizer_greedy / pt_rewriter_greedy */
typedef pt_status (*golden_greedy_fn) (const void *model, const char *text, size_t len,
									   int32_t *src, int *n_src, int32_t *out, int *n_out,
									   float *logp, int steps, pt_err *err);

/* Run every case of the golden file; returns the number of cases checked. */
int			check_decoder_golden(const char *path, golden_greedy_fn greedy, const void *model,
								 int max_src, int max_tgt, int vocab, double tol, int ids_prefix);

#endif							/* PT_GOLDEN_DECODER_H */
