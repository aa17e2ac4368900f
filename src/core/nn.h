/*
 * nn.h — float32 neural-network kernels of the inference core.
 *
 * Every tensor is a dense row-major float array; weight layouts are those of
 * PyTorch (nn.Linear, nn.Conv1d, nn.LSTM), so weights exported from a
 * state_dict are used as they are.  Kernels never allocate: a kernel that
 * needs scratch space takes a `work` argument, and a matching
 * pt_*_workspace() function gives its size as a count of FLOATS (not bytes;
 * SIZE_MAX when the size overflows, which pt_alloc then refuses).
 *
 * Outputs never alias inputs unless a function says so.  Shapes are the
 * caller's responsibility (the model loader checks them against the file);
 * the only data-dependent checks are on token ids and sequence lengths,
 * which come from user input and are never used to read out of bounds.
 */
#ifndef PT_NN_H
#define PT_NN_H

#include <stddef.h>
#include <stdint.h>

#include "linear_q8.h"

/* 1 when the elementwise and row-wise kernels below run their AVX-512 versions */
int			pt_nn_avx512(void);

/* y[M,N] = x[M,K] · W[N,K]ᵀ + b[N] (b may be NULL), as nn.Linear. */
void		pt_linear(const float *x, int M, int K, const float *W,
					  const float *b, int N, float *y);

/* out[n,D] = table[ids[i]] rows; an id outside [0,V) gives a zero row. */
void		pt_embedding(const float *table, int V, int D,
						 const int32_t *ids, int n, float *out);

/*
 * Conv1d, stride 1, zero padding `pad` on both ends, as nn.Conv1d applied to
 * x transposed: x is [T, Cin] (one row per time step), W is [Cout, Cin, k],
 * b is [Cout] or NULL, y is [pt_conv1d_out_len(T,k,pad), Cout].  Rows of x
 * are treated as one sequence, so a batch can be packed as one long sequence
 * with zero separator rows between its members.  work holds
 * pt_conv1d_workspace(T, Cin, k, pad) floats.
 */
int			pt_conv1d_out_len(int T, int k, int pad);
size_t		pt_conv1d_workspace(int T, int Cin, int k, int pad);
void		pt_conv1d(const float *x, int T, int Cin, const float *W,
					  const float *b, int Cout, int k, int pad,
					  float *y, float *work);

/*
 * out[c] = max over t of x[t,c] for x [T,C]; argmax[c] (if not NULL) is the
 * first t reaching it.  T <= 0 gives zeros and argmax -1.
 */
void		pt_maxpool_time(const float *x, int T, int C, float *out,
							int32_t *argmax);

/* elementwise, in place */
void		pt_relu(float *x, size_t n);
void		pt_gelu(float *x, size_t n);	/* exact erf form, F.gelu default */
void		pt_tanh_inplace(float *x, size_t n);
void		pt_sigmoid_inplace(float *x, size_t n);

/* row-wise over x [rows, cols], in place, stable for large inputs */
void		pt_softmax_rows(float *x, int rows, int cols);
void		pt_log_softmax_rows(float *x, int rows, int cols);

/* log Σ e^x[i] of x[0..n), computed stably (vectorized; relative error ~2e-7) */
float		pt_logsumexp(const float *x, int n);

/* x[i] += v for i < n (vectorized) */
void		pt_add_inplace(float *x, size_t n, float v);

/* The largest of x[0..n) (-inf when n = 0), NaNs ignored as by `if (x > max) max = x`; vectorized */
float		pt_max(const float *x, int n);

/*
 * y[rows,dim] = nn.LayerNorm(dim) of x (biased variance); gamma and beta
 * are [dim] or NULL (no affine).  y may equal x.
 */
void		pt_layernorm(const float *x, int rows, int dim, const float *gamma,
						 const float *beta, float eps, float *y);

/*
 * The weights of one LSTM layer (direction), as nn.LSTM (gate order
 * i, f, g, o): W_ih [4H, In], W_hh [4H, H], b_ih and b_hh [4H] or NULL;
 * q_ih and q_hh, when not NULL, are 8-bit copies of the two products
 * (linear_q8.h), each used where it is on.
 */
typedef struct pt_lstm_weights
{
	const float *W_ih,
			   *W_hh,
			   *b_ih,
			   *b_hh;
	const pt_linear_q8 *q_ih,
			   *q_hh;
} pt_lstm_weights;

/*
 * One LSTM step for a batch: x [B, In]; h and c [B, H] hold the previous
 * state on entry and the new one on exit.  work holds
 * pt_lstm_step_workspace(B, H) floats; q, scratch for the 8-bit copies,
 * max(B · In, B · H) bytes (NULL when w has none).
 */
size_t		pt_lstm_step_workspace(int B, int H);
void		pt_lstm_step(const float *x, int B, int In, int H, const pt_lstm_weights *w,
						 float *h, float *c, float *work, uint8_t *q);

/*
 * One direction of a single-layer nn.LSTM over x [T, B, In] (time-major).
 * lengths [B] (or NULL: all T) gives each row's length, clamped to [0, T];
 * row b runs only over t < lengths[b], and outputs for t >= lengths[b] are
 * zero, as with packed sequences.  reverse = 0 runs t upwards from 0;
 * reverse = 1 runs each row from t = lengths[b] - 1 down to 0 (the backward
 * half of a bidirectional LSTM); outputs stay at their own positions.
 * h and c [B, H] hold h0/c0 on entry and each row's final state on exit.
 * out [T, B, H] may be NULL.  work holds pt_lstm_workspace(B, In, H) floats;
 * q, scratch for the 8-bit copies, pt_lstm_q8_scratch(B, In, H) bytes (NULL
 * when w has none).
 */
size_t		pt_lstm_workspace(int B, int In, int H);
size_t		pt_lstm_q8_scratch(int B, int In, int H);
void		pt_lstm_forward(const float *x, int T, int B, int In, int H, const pt_lstm_weights *w,
							const int32_t *lengths, int reverse,
							float *h, float *c, float *out, float *work, uint8_t *q);

/*
 * Multi-head scaled dot-product attention for one sequence, per head as
 * F.scaled_dot_product_attention: q [Tq, D], k and v [Tk, D] (already
 * projected; head h uses columns [h*D/n_heads, (h+1)*D/n_heads)), out
 * [Tq, D].  Query i sees key j when j < n_valid_keys (n_valid_keys < 0 or
 * > Tk means Tk) and, if causal, j <= i + (Tk - Tq) — so the last Tq
 * positions of a KV cache attend causally.  A query that sees no key gets a
 * zero output row.  work holds pt_attention_workspace(Tq, Tk) floats.
 */
size_t		pt_attention_workspace(int Tq, int Tk);
void		pt_attention(const float *q, int Tq, const float *k, const float *v,
						 int Tk, int D, int n_heads, int causal,
						 int n_valid_keys, float *out, float *work);

#endif							/* PT_NN_H */
