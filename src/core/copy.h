/*
 * copy.h — the copy half of a pointer-generator output distribution,
 * shared by the summarize (LSTM) and rewrite (Transformer) decoders.
 *
 *   P(w) = p_gen · softmax(logits)(w) + (1 − p_gen) · Σ_{i: src_i = w} a_i
 *
 * computed in log space: log p_gen + log_softmax(logits) for every id, then
 * the exact mixture for the few ids that occur in the source, found once
 * per source by pt_copy_index.  So a step takes no V logarithms.
 */
#ifndef PT_COPY_H
#define PT_COPY_H

#include <stdint.h>

typedef struct pt_copy_source
{
	int			n;				/* source positions */
	int			n_uniq;			/* distinct ids */
	int32_t    *pos_uniq;		/* [n]: position -> index into uniq */
	int32_t    *uniq;			/* [n]: the distinct ids (first n_uniq used) */
} pt_copy_source;

/* Fill c (its arrays have room for n) from source ids[0..n). */
void		pt_copy_index(const int32_t *ids, int n, pt_copy_source *c);

/*
 * logits [V] in, log P out, in place; attn [c->n] are the copy attention
 * weights (summing to 1), mass has room for c->n floats of scratch.
 */
void		pt_copy_mix(const pt_copy_source *c, const float *attn, float p_gen,
						float *logits, int V, float *mass);

#endif							/* PT_COPY_H */
