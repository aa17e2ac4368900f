/*
 * linear_q8.h — an 8-bit linear layer, y = x · Wᵀ + b, for the decoders'
 * output projection (16,000 vocabulary rows of the tied embedding): the
 * width-1 case of the 8-bit convolution (conv_q8.h), so the VNNI kernel
 * reads the packed weights directly, with no per-call packing as OpenBLAS
 * does, and 64 multiply-adds per instruction.
 *
 * Tensors, written by models/train/common/decoder_quantize.py (models/FORMAT.md):
 *   NAME.q8          i8  [1, in/4, out, 4]  r, packed as conv_q8.h says
 *   NAME.q8_scale    f32 [out]              t_o, one per output (>= 0)
 *   NAME.q8_in_scale f32 [in]               s_d: an input x_d ≈ s_d · q_d,
 *                                           clamped to ±127 steps
 * with W_{o,d} · s_d ≈ t_o · r_{o,d}.  The layer is used where the file
 * has the tensors and the CPU runs VNNI (the portable kernel would be
 * slower than OpenBLAS in fp32); the fp32 weights stay the reference.
 */
#ifndef PT_LINEAR_Q8_H
#define PT_LINEAR_Q8_H

#include "conv_q8.h"
#include "model.h"
#include "pt_common.h"

typedef struct pt_linear_q8
{
	pt_conv_q8	conv;			/* width 1: dim = in, filters = out; conv.w NULL: none */
	float	   *inv_scale;		/* [in] 1 / s_d, then the [out] offsets and a zero bias: one allocation */
	int			on;				/* the file has it and the CPU runs VNNI (and not turned off) */
} pt_linear_q8;

/*
 * Load NAME.q8* for a layer of in → out features with the given bias [out]
 * (NULL: none) when the file has them; without them l->conv.w stays NULL
 * and l->on 0.
 */
pt_status	pt_linear_q8_load(const pt_model *m, const char *name, int in, int out,
							  const float *bias, pt_linear_q8 *l, pt_err *err);
void		pt_linear_q8_free(pt_linear_q8 *l);

/* Use the layer (on = 1, where it exists and the CPU runs VNNI) or not; returns whether it is used */
int			pt_linear_q8_set(pt_linear_q8 *l, int on);

/*
 * dst = the layer's outputs ids[0..n) (n a multiple of 64), with its own
 * copy of their packed weights, scales, offsets and biases; free with
 * pt_linear_q8_free.
 */
pt_status	pt_linear_q8_gather(const pt_linear_q8 *l, const int32_t *ids, int n,
								pt_linear_q8 *dst, pt_err *err);

/* y[M, out] = x[M, in] · Wᵀ + b in 8 bits; q is scratch of M · in bytes */
void		pt_linear_q8_apply(const pt_linear_q8 *l, const float *x, int M, uint8_t *q, float *y);

#endif							/* PT_LINEAR_Q8_H */
