/*
 * transformer.h — the pre-norm Transformer encoder-decoder with copy
 * attention behind rewrite (models/train/rewrite/model.py; tensor names and
 * math in models/rewrite.md).
 *
 * The encoder runs once per source as GEMMs over all its positions; the
 * decoder keeps a key/value cache per hypothesis and layer, so a step costs
 * one position.  pt_tf_step has the signature of a beam-search step
 * (beam.h): hypotheses of many rows advance together in shared GEMMs.
 */
#ifndef PT_TRANSFORMER_H
#define PT_TRANSFORMER_H

#include "linear_q8.h"
#include "model.h"
#include "pt_common.h"

#define PT_TF_MAX_LAYERS 12

typedef struct pt_tf_norm
{
	const float *w,
			   *b;				/* [d] */
} pt_tf_norm;

typedef struct pt_tf_linear
{
	const float *w,
			   *b;				/* [out, in], [out] */
	pt_linear_q8 q8;			/* an 8-bit copy, when the file has one (decoder layers) */
} pt_tf_linear;

typedef struct pt_tf_enc_layer
{
	pt_tf_norm	ln1,
				ln2;
	pt_tf_linear attn_in,		/* [3d, d]: q, k, v */
				attn_out,
				ff1,
				ff2;
} pt_tf_enc_layer;

typedef struct pt_tf_dec_layer
{
	pt_tf_norm	ln1,
				ln2,
				ln3;
	pt_tf_linear self_in,		/* [3d, d] */
				self_out,
				cross_q,
				cross_kv,		/* [2d, d]: k, v */
				cross_out,
				ff1,
				ff2;
} pt_tf_dec_layer;

typedef struct pt_tf
{
	int			vocab;			/* V */
	int			d;				/* d_model */
	int			heads;
	int			ffn;
	int			n_enc,
				n_dec;
	int			max_src;		/* source tokens, <eos> included */
	int			max_tgt;		/* output tokens, <eos> included */
	float		eps;			/* layer-norm epsilon */
	const float *embed;			/* [V, d]: inputs and the tied output projection */
	const float *enc_pos,
			   *dec_pos;		/* [max_src, d], [max_tgt, d] */
	pt_tf_norm	enc_ln,
				dec_ln;
	pt_tf_enc_layer enc[PT_TF_MAX_LAYERS];
	pt_tf_dec_layer dec[PT_TF_MAX_LAYERS];
	const float *copy_q,
			   *copy_k;			/* [d, d] */
	const float *gen_b;			/* [V] */
	const float *pgen_w,
			   *pgen_b;			/* [3d], [1] */
	pt_linear_q8 logits_q8;		/* the output projection in 8 bits, when the file has it */
} pt_tf;

/* Use the 8-bit layers the file has (on = 1, where the CPU runs VNNI) or none; returns whether any is used */
int			pt_tf_set_int8(pt_tf *t, int on);

/* Check the hyper-parameters and every tensor of a "tf-copy" model. */
pt_status	pt_tf_load(const pt_model *m, int vocab, pt_tf *out, pt_err *err);
void		pt_tf_free(pt_tf *t);

typedef struct pt_tf_batch pt_tf_batch;

/*
 * Encode n_rows sources (ids[r][0..n_ids[r]), 1..max_src ids ending in
 * <eos>) and make room for max_hyps hypotheses of up to max_steps tokens
 * (<= max_tgt).
 */
pt_status	pt_tf_encode(const pt_tf *m, int n_rows, const int32_t *const *ids,
						 const int *n_ids, int max_hyps, int max_steps,
						 pt_tf_batch **out, pt_err *err);
void		pt_tf_batch_free(pt_tf_batch *b);

/* One decoder step, as pt_decode_step in beam.h. */
pt_status	pt_tf_step(void *batch, int N, const int32_t *row, const int32_t *parent,
					   const int32_t *token, float *logp, pt_err *err);

#endif							/* PT_TRANSFORMER_H */
