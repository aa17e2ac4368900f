/*
 * seq2seq.h — the encoder-decoder LSTM with attention and a copy mechanism
 * (pointer-generator) behind summarize; the math is that of
 * models/train/summarize/model.py, written out in models/summarize.md.
 *
 * A batch holds the encoded sources of some rows and the decoder state of
 * the live hypotheses of those rows.  pt_s2s_step advances every hypothesis
 * by one token in shared GEMMs and has the signature of a beam-search step
 * (beam.h), so the same search serves any decoder.
 */
#ifndef PT_SEQ2SEQ_H
#define PT_SEQ2SEQ_H

#include "linear_q8.h"
#include "model.h"
#include "pt_common.h"

typedef struct pt_s2s
{
	int			vocab;			/* V */
	int			embed_dim;		/* E */
	int			enc_hidden;		/* H, per direction */
	int			dec_hidden;		/* D */
	int			max_src;		/* source tokens, <eos> included */
	int			max_tgt;		/* output tokens, <eos> included */
	const float *embed;			/* [V, E], also the tied output projection */
	const float *enc_w_ih[2], *enc_w_hh[2], *enc_b_ih[2], *enc_b_hh[2];	/* fwd, bwd */
	const float *bridge_h_w, *bridge_h_b, *bridge_c_w, *bridge_c_b;	/* [D, 2H], [D] */
	const float *dec_w_ih, *dec_w_hh, *dec_b_ih, *dec_b_hh;	/* [4D, E+2H], [4D, D] */
	const float *attn_w;		/* [D, 2H] */
	const float *out_w, *out_b; /* [E, D+2H], [E] */
	const float *gen_b;			/* [V] */
	const float *pgen_w, *pgen_b;	/* [D+2H+E], [1] */
	/* 8-bit copies, when the file has them (linear_q8.h) */
	pt_linear_q8 logits_q8;		/* the output projection (the tied embedding) */
	pt_linear_q8 dec_ih_q8,		/* the decoder LSTM's input and hidden products */
				dec_hh_q8;
	pt_linear_q8 out_q8;		/* out.weight */
	pt_linear_q8 enc_ih_q8[2],	/* the encoder LSTM's products, fwd and bwd */
				enc_hh_q8[2];
	pt_linear_q8 attn_q8;		/* attn.weight (the attention keys) */
	/* the optional output shortlist (models/summarize.md): see pt_s2s_encode */
	const int32_t *shortlist;	/* [n_shortlist] ids, or NULL */
	int			n_shortlist;
	int			shortlist_on;	/* the file has one and it is not turned off */
} pt_s2s;

/* Check the hyper-parameters and every tensor of an "lstm-pg" model. */
pt_status	pt_s2s_load(const pt_model *m, int vocab, pt_s2s *out, pt_err *err);
void		pt_s2s_free(pt_s2s *s);

/* Use the 8-bit layers the file has (on = 1, where the CPU runs VNNI) or none; returns whether any is used */
int			pt_s2s_set_int8(pt_s2s *s, int on);

/* Use the file's shortlist (on = 1, where it has one) or not; returns whether it is used */
int			pt_s2s_set_shortlist(pt_s2s *s, int on);

typedef struct pt_s2s_batch pt_s2s_batch;

/*
 * Encode n_rows sources (ids[r][0..n_ids[r]), each 1..max_src ids ending
 * in <eos>) and make room for up to max_hyps live hypotheses.
 *
 * With shortlist = 1 and the model's shortlist on, a row may generate only
 * the shortlist's ids, <eos> and its own source's ids, and its output
 * distribution is normalized over them.  A summary's words are nearly all
 * copied or frequent, and the output projection over all V ids was most of
 * a step.  The steps score the batch's columns (pt_s2s_batch_columns): those
 * ids for every row, padded with the lowest other ids to a multiple of 64;
 * the columns a row may not generate get log P = -inf.  Otherwise the
 * columns are the whole vocabulary.
 *
 * reuse (NULL: none) is a batch of m that an earlier call returned and
 * the caller is done with: its memory serves the new batch when large
 * enough, and it is freed otherwise (or on error).  A caller decoding
 * many batches passes each to the next and frees the last.
 */
pt_status	pt_s2s_encode(const pt_s2s *m, int n_rows, const int32_t *const *ids,
						  const int *n_ids, int max_hyps, int shortlist,
						  pt_s2s_batch *reuse, pt_s2s_batch **out, pt_err *err);
void		pt_s2s_batch_free(pt_s2s_batch *b);

/* The batch's logp columns: their number, and their ids (NULL: column = id) */
int			pt_s2s_batch_width(const pt_s2s_batch *b);
const int32_t *pt_s2s_batch_columns(const pt_s2s_batch *b);

/*
 * One decoder step for N <= max_hyps hypotheses: hypothesis i belongs to
 * row[i], continues hypothesis parent[i] of the previous step (-1: starts
 * afresh from its row's encoder state) and was extended by token[i].
 * Writes log P(next token) into logp [N, width], one column per id of
 * pt_s2s_batch_columns.  A pt_decode_step (beam.h).
 */
pt_status	pt_s2s_step(void *batch, int N, const int32_t *row, const int32_t *parent,
						const int32_t *token, float *logp, pt_err *err);

#endif							/* PT_SEQ2SEQ_H */
