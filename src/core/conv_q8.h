/*
 * conv_q8.h — 8-bit integer 1-D convolution over token embeddings: the
 * reduced-precision path of the sentiment CNN.
 *
 * On CPUs with AVX-512 VNNI one vpdpbusd does 64 u8 × s8 products with
 * int32 accumulation, four times the multiply-adds of an fp32 FMA.
 *
 * Quantization (models/train/sentiment/quantize.py writes the tensors):
 * an embedding value x_d ≈ s_d · q_d with one scale per dimension and q in
 * [-127, 127], stored offset by 128 as u8.  The scales fold into the
 * weights, W'_{f,d,j} = W_{f,d,j} · s_d ≈ t_f · r_{f,d,j}, with r in int8
 * and one scale t_f per filter.  Then
 *     (x ⊛ W)_f ≈ t_f · (Σ u · r − 128 · Σ r) + b_f,
 * where the correction 128 · Σ r depends on the filter only.  Accumulation
 * is exact in int32, so the SIMD kernel and the portable one agree bit for
 * bit (the float epilogue of both is one fused multiply-add).
 */
#ifndef PT_CONV_Q8_H
#define PT_CONV_Q8_H

#include <stddef.h>
#include <stdint.h>

typedef struct pt_conv_q8
{
	int			width;			/* kernel width k */
	int			dim;			/* input dimension, a multiple of 4 */
	int			filters;		/* output channels, a multiple of 64 */
	const int8_t *w;			/* r packed as [k][dim / 4][filters][4] */
	const float *scale;			/* t_f [filters], >= 0 */
	const float *bias;			/* b_f [filters] */
	const int32_t *offset;		/* 128 · Σ r_f [filters] (pt_conv_q8_offsets) */
} pt_conv_q8;

/* 1 when this CPU runs the AVX-512 VNNI kernel */
int			pt_q8_supported(void);

/* offset[f] = 128 · Σ r_f of packed weights */
void		pt_conv_q8_offsets(const int8_t *w, int width, int dim, int filters, int32_t *offset);

/* q[i, d] = 128 + round(x[i, d] · inv_scale[d]) (halves away from zero), clamped to [1, 255] */
void		pt_q8_quantize_rows(const float *x, size_t n, int dim, const float *inv_scale, uint8_t *q);

/*
 * y[p, f] for the P = T − k + 1 windows of x [T, dim] (u8, from
 * pt_q8_quantize_rows): the VNNI kernel where the CPU has it, else
 * pt_conv1d_q8_portable.  No activation is applied.
 */
void		pt_conv1d_q8(const uint8_t *x, int T, const pt_conv_q8 *c, float *y);
void		pt_conv1d_q8_portable(const uint8_t *x, int T, const pt_conv_q8 *c, float *y);

/*
 * The convolution with max-over-time pooling fused in, for rows packed in
 * x: row b < B holds positions [start[b], start[b + 1]), at least k of
 * them.  out[b · stride + f] = max(0, max over the row's windows of
 * y[·, f]), the same bits as pt_conv1d_q8 then max-pooling with a ReLU
 * floor, without y or the windows that straddle two rows.  VNNI only:
 * returns 0, doing nothing, on other CPUs.
 */
int			pt_conv1d_q8_maxpool(const uint8_t *x, const size_t *start, int B,
								 const pt_conv_q8 *c, float *out, size_t stride);

#endif							/* PT_CONV_Q8_H */
