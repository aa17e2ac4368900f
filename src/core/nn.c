/*
 * nn.c — float32 neural-network kernels (see nn.h).
 *
 * All matrix products go through gemm_rm(), which hands them to OpenBLAS
 * (sgemv when there is a single row: markedly faster than sgemm for large
 * weights).  pt_linear is the entry point for everything shaped like
 * nn.Linear; conv1d (after im2col) and the LSTM projections use it, and
 * attention calls gemm_rm directly with per-head strides.
 */
#include "nn.h"

#include <cblas.h>
#include <math.h>
#include <string.h>
#ifdef __SSE__
#include <xmmintrin.h>
#endif

#include "pt_common.h"

/*
 * C[M,N] = alpha · A[M,K] · op(B) + beta · C, row-major with leading
 * dimensions lda, ldb, ldc; op(B) is Bᵀ when trans_b (B stored [N,K]),
 * else B (stored [K,N]).  Requires M, N, K >= 1.
 */
static void
gemm_rm(int trans_b, int M, int N, int K, float alpha,
		const float *A, int lda, const float *B, int ldb,
		float beta, float *C, int ldc)
{
	if (M == 1)
	{
		if (trans_b)
			cblas_sgemv(CblasRowMajor, CblasNoTrans, N, K, alpha, B, ldb,
						A, 1, beta, C, 1);
		else
			cblas_sgemv(CblasRowMajor, CblasTrans, K, N, alpha, B, ldb,
						A, 1, beta, C, 1);
		return;
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
				M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/*
 * y[M,N] (+)= x[M,K] · W[N,K]ᵀ: overwrites y when accumulate is 0, adds to
 * it otherwise.  Any M, N, K >= 0.
 */
static void
linear_into(const float *x, int M, int K, const float *W, int N,
			int accumulate, float *y)
{
	if (M <= 0 || N <= 0)
		return;
	if (K <= 0)
	{
		if (!accumulate)
			memset(y, 0, (size_t) M * N * sizeof(float));
		return;
	}
	gemm_rm(1, M, N, K, 1.0f, x, K, W, K, accumulate ? 1.0f : 0.0f, y, N);
}

/* y[M,N] = x[M,K] · W[N,K]ᵀ + b[N] (b may be NULL), as nn.Linear. */
void
pt_linear(const float *x, int M, int K, const float *W,
		  const float *b, int N, float *y)
{
	if (M <= 0 || N <= 0)
		return;
	if (b)
	{
		for (int i = 0; i < M; i++)
			memcpy(y + (size_t) i * N, b, (size_t) N * sizeof(float));
	}
	linear_into(x, M, K, W, N, b != NULL, y);
}

/* out[n,D] = rows of table[V,D] picked by ids; ids outside [0,V) give zeros. */
void
pt_embedding(const float *table, int V, int D,
			 const int32_t *ids, int n, float *out)
{
	for (int i = 0; i < n; i++)
	{
		float	   *row = out + (size_t) i * D;

		if (ids[i] >= 0 && ids[i] < V)
			memcpy(row, table + (size_t) ids[i] * D, (size_t) D * sizeof(float));
		else
			memset(row, 0, (size_t) D * sizeof(float));
	}
}

/* Output length of a stride-1 conv1d over T steps; 0 when nothing fits. */
int
pt_conv1d_out_len(int T, int k, int pad)
{
	int			n = T + 2 * pad - k + 1;

	return n > 0 ? n : 0;
}

/* Floats of im2col scratch pt_conv1d needs: [Tout, Cin*k], none for k=1, pad=0. */
size_t
pt_conv1d_workspace(int T, int Cin, int k, int pad)
{
	if (k == 1 && pad == 0)
		return 0;
	return pt_mul_size(pt_mul_size((size_t) pt_conv1d_out_len(T, k, pad),
								   (size_t) Cin), (size_t) k);
}

/*
 * y[Tout,Cout] = conv1d of x[T,Cin] with W[Cout,Cin,k], b[Cout] or NULL,
 * zero padding pad, stride 1.  im2col puts window t into work row t as
 * [Cin,k] (W's own flattening), then one pt_linear does every position.
 */
void
pt_conv1d(const float *x, int T, int Cin, const float *W,
		  const float *b, int Cout, int k, int pad,
		  float *y, float *work)
{
	int			Tout = pt_conv1d_out_len(T, k, pad);
	size_t		ck = (size_t) Cin * k;
	const float *cols = x;

	if (Tout == 0)
		return;
	if (!(k == 1 && pad == 0))
	{
		for (int t = 0; t < Tout; t++)
		{
			float	   *row = work + (size_t) t * ck;

			for (int ci = 0; ci < Cin; ci++)
				for (int j = 0; j < k; j++)
				{
					int			src = t + j - pad;

					row[(size_t) ci * k + j] =
						(src >= 0 && src < T) ? x[(size_t) src * Cin + ci] : 0.0f;
				}
		}
		cols = work;
	}
	pt_linear(cols, Tout, (int) ck, W, b, Cout, y);
}

/* x[n] = max(x, 0) */
/* x[n] = x · Φ(x) = 0.5 · x · (1 + erf(x / √2)) */
void
pt_gelu(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752440f));
}

/* x[n] = softmax(x), max subtracted first; n >= 1 */
static void
softmax_span(float *x, int n)
{
	float		mx = x[0];
	float		sum = 0.0f;

	for (int j = 1; j < n; j++)
		if (x[j] > mx)
			mx = x[j];
	for (int j = 0; j < n; j++)
	{
		x[j] = expf(x[j] - mx);
		sum += x[j];
	}
	for (int j = 0; j < n; j++)
		x[j] /= sum;
}

/* each row of x[rows,cols] = softmax(row) */
void
pt_softmax_rows(float *x, int rows, int cols)
{
	if (cols <= 0)
		return;
	for (int r = 0; r < rows; r++)
		softmax_span(x + (size_t) r * cols, cols);
}

/*
 * The vector code below is written once for VL-lane GCC/clang vector
 * types: the compiler splits them into the target's registers (four SSE
 * registers on baseline x86-64).  Where the CPU has AVX-512, the hottest
 * loops (max, log-sum-exp, the LSTM activations) run a copy compiled for
 * it, which holds a vector in one register: the same operations lane by
 * lane.
 */
#define VL 16
typedef float vf __attribute__((vector_size(VL * sizeof(float))));
typedef int32_t vi __attribute__((vector_size(VL * sizeof(int32_t))));
#define VINLINE static inline __attribute__((always_inline))
/* a 64-byte vector passed between always-inlined static functions crosses no ABI */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define AVX512 __attribute__((target("avx512f")))

static int
have_avx512(void)
{
	static int	has = -1;		/* the answer never changes: ask the CPU once */

	if (has < 0)
		has = __builtin_cpu_supports("avx512f");
	return has;
}

/* NAME_avx512(...) where the CPU has AVX-512, else NAME_impl(...): the same code, compiled twice */
#define DISPATCH(name, ...) (have_avx512() ? name##_avx512(__VA_ARGS__) : name##_impl(__VA_ARGS__))
#else
#define DISPATCH(name, ...) name##_impl(__VA_ARGS__)
#endif

int
pt_nn_avx512(void)
{
#ifdef AVX512
	return have_avx512();
#else
	return 0;
#endif
}

/*
 * n <= VL floats from x, the other lanes zero.  Loops call it with n = VL
 * for whole vectors (a constant: one load) and only their tail with less.
 */
VINLINE vf
vload(const float *x, int n)
{
	vf			v = {0};

	memcpy(&v, x, (size_t) n * sizeof(float));
	return v;
}

VINLINE void
vstore(float *x, vf v, int n)
{
	memcpy(x, &v, (size_t) n * sizeof(float));
}

/* mask ? a : b, lane by lane */
VINLINE vf
vselect(vi mask, vf a, vf b)
{
	return (vf) ((mask & (vi) a) | (~mask & (vi) b));
}

/*
 * e^x for x <= 0: Cephes' expf polynomial after range reduction
 * x = n·ln2 + r, |r| <= ln2/2; relative error below 2e-7.  Inputs under
 * -87 give about 1e-38 instead of less.
 */
VINLINE vf
exp_nonpos(vf x)
{
	const float magic = 12582912.0f;	/* 1.5 · 2^23: adding it rounds to an integer */
	vf			t,
				n,
				r,
				p;

	x = vselect(x < -87.0f, (vf) {0} - 87.0f, x);
	t = x * 1.44269504088896341f + magic;
	n = t - magic;
	r = x - n * 0.693359375f + n * 2.12194440e-4f;
	p = 1.9875691500e-4f * r + 1.3981999507e-3f;
	p = p * r + 8.3334519073e-3f;
	p = p * r + 4.1665795894e-2f;
	p = p * r + 1.6666665459e-1f;
	p = p * r + 5.0000001201e-1f;
	p = p * r * r + r + 1.0f;
	return p * (vf) (((vi) t - (vi) ((vf) {0} + magic) + 127) << 23);
}

/*
 * tanh: Cephes' tanhf, an odd polynomial below |x| = 0.625 (relative error
 * 5e-9) and 1 − 2 / (e^{2|x|} + 1) above, through exp_nonpos.  glibc's
 * tanhf (through expm1f) was a fifth of a summary.
 */
VINLINE vf
vtanh(vf x)
{
	const vi	sign = (vi) {0} + INT32_MIN;
	vf			ax = (vf) ((vi) x & ~sign),
				s = x * x,
				small = ((((-5.70498872745e-3f * s + 2.06390887954e-2f) * s - 5.37397155531e-2f) * s +
						  1.33314422036e-1f) * s - 3.33332819422e-1f) * s * x + x,
				e = exp_nonpos(-2.0f * ax),
				big = (1.0f - e) / (1.0f + e);

	big = (vf) ((vi) big | ((vi) x & sign));
	return vselect(ax < 0.625f, small, big);
}

/*
 * 1 / (1 + e^-x), never overflowing exp for either sign; e^-|x| is taken
 * as 0 beyond |x| = 87, where exp_nonpos stops (so the tails are exactly
 * 0 and 1, as with expf).
 */
VINLINE vf
vsigmoid(vf x)
{
	vf			nx = (vf) ((vi) x | ((vi) {0} + INT32_MIN)),	/* -|x| */
				e = (vf) ((vi) exp_nonpos(nx) & ~(nx < -87.0f)),
				r = 1.0f / (1.0f + e);

	return vselect(x < 0.0f, e * r, r);
}

/* x[n] = tanh(x) */
void
pt_tanh_inplace(float *x, size_t n)
{
	size_t		i = 0;

	for (; i + VL <= n; i += VL)
		vstore(x + i, vtanh(vload(x + i, VL)), VL);
	if (i < n)
		vstore(x + i, vtanh(vload(x + i, (int) (n - i))), (int) (n - i));
}

/* x[n] = sigmoid(x) */
void
pt_sigmoid_inplace(float *x, size_t n)
{
	size_t		i = 0;

	for (; i + VL <= n; i += VL)
		vstore(x + i, vsigmoid(vload(x + i, VL)), VL);
	if (i < n)
		vstore(x + i, vsigmoid(vload(x + i, (int) (n - i))), (int) (n - i));
}

/*
 * out[C] = max over t of x[T,C]; argmax[C] = first t reaching it (or -1).
 * Without argmax, 16 columns (one cache line of every row) at a time, in
 * SSE registers where there are any: maxps(a, b) is a > b ? a : b, one
 * instruction where the generic vectors' compare-and-select takes four.
 */
void
pt_maxpool_time(const float *x, int T, int C, float *out, int32_t *argmax)
{
	int			c0 = 0;

	if (T <= 0)
	{
		memset(out, 0, (size_t) C * sizeof(float));
		for (int c = 0; argmax && c < C; c++)
			argmax[c] = -1;
		return;
	}
	memcpy(out, x, (size_t) C * sizeof(float));
	if (argmax)
		memset(argmax, 0, (size_t) C * sizeof(int32_t));
#ifdef __SSE__
	else
		for (; c0 + 16 <= C; c0 += 16)
		{
			__m128		m[4];

			for (int k = 0; k < 4; k++)
				m[k] = _mm_loadu_ps(x + c0 + 4 * k);
			for (int t = 1; t < T; t++)
				for (int k = 0; k < 4; k++)
					m[k] = _mm_max_ps(_mm_loadu_ps(x + (size_t) t * C + c0 + 4 * k), m[k]);
			for (int k = 0; k < 4; k++)
				_mm_storeu_ps(out + c0 + 4 * k, m[k]);
		}
#endif
	for (int t = 1; t < T; t++)
	{
		const float *row = x + (size_t) t * C;

		for (int c = c0; c < C; c++)
			if (row[c] > out[c])
			{
				out[c] = row[c];
				if (argmax)
					argmax[c] = t;
			}
	}
}

VINLINE float
max_impl(const float *x, int n)
{
	vf			m = (vf) {0} - INFINITY;
	float		mx = -INFINITY;
	int			j = 0;

	for (; j + VL <= n; j += VL)
	{
		vf			v = vload(x + j, VL);

		m = vselect(v > m, v, m);
	}
	for (int k = 0; k < VL; k++)
		if (m[k] > mx)
			mx = m[k];
	for (; j < n; j++)
		if (x[j] > mx)
			mx = x[j];
	return mx;
}

VINLINE float
logsumexp_impl(const float *x, int n)
{
	float		mx,
				sum = 0.0f;
	vf			acc = {0};
	int			j = 0;

	if (n <= 0)
		return -INFINITY;
	mx = max_impl(x, n);
	if (!isfinite(mx))
		return mx;
	for (; j + VL <= n; j += VL)
		acc += exp_nonpos(vload(x + j, VL) - mx);
	for (; j < n; j++)
		sum += expf(x[j] - mx);
	for (int k = 0; k < VL; k++)
		sum += acc[k];
	return mx + logf(sum);
}

#ifdef AVX512
AVX512 static float
max_avx512(const float *x, int n)
{
	return max_impl(x, n);
}

AVX512 static float
logsumexp_avx512(const float *x, int n)
{
	return logsumexp_impl(x, n);
}
#endif

VINLINE void
add_impl(float *x, size_t n, float v)
{
	size_t		i = 0;

	for (; i + VL <= n; i += VL)
		vstore(x + i, vload(x + i, VL) + v, VL);
	if (i < n)
		vstore(x + i, vload(x + i, (int) (n - i)) + v, (int) (n - i));
}

#ifdef AVX512
AVX512 static void
add_avx512(float *x, size_t n, float v)
{
	add_impl(x, n, v);
}
#endif

void
pt_add_inplace(float *x, size_t n, float v)
{
	DISPATCH(add, x, n, v);
}

/*
 * x > 0 ? x : +0, lane by lane (NaN and -0 give +0).  Branch-free: a branch
 * on the sign of a feed-forward layer's inputs mispredicts about every other
 * element, and made this loop 7% of a rewrite.
 */
VINLINE vf
relu_v(vf v)
{
	return vselect(v > (vf) {0}, v, (vf) {0});
}

VINLINE void
relu_impl(float *x, size_t n)
{
	size_t		i = 0;

	for (; i + VL <= n; i += VL)
		vstore(x + i, relu_v(vload(x + i, VL)), VL);
	if (i < n)
		vstore(x + i, relu_v(vload(x + i, (int) (n - i))), (int) (n - i));
}

#ifdef AVX512
AVX512 static void
relu_avx512(float *x, size_t n)
{
	relu_impl(x, n);
}
#endif

void
pt_relu(float *x, size_t n)
{
	DISPATCH(relu, x, n);
}

float
pt_max(const float *x, int n)
{
	return DISPATCH(max, x, n);
}

float
pt_logsumexp(const float *x, int n)
{
	return DISPATCH(logsumexp, x, n);
}

/* each row of x[rows,cols] = log_softmax(row) = row - logsumexp(row) */
void
pt_log_softmax_rows(float *x, int rows, int cols)
{
	if (cols <= 0)
		return;
	for (int r = 0; r < rows; r++)
	{
		float	   *row = x + (size_t) r * cols;
		float		lse = pt_logsumexp(row, cols);

		for (int j = 0; j < cols; j++)
			row[j] -= lse;
	}
}

/*
 * y[rows,dim] = (x - mean) / sqrt(var + eps) · gamma + beta per row, biased
 * variance, as nn.LayerNorm; gamma/beta may be NULL; y may equal x.
 */
void
pt_layernorm(const float *x, int rows, int dim, const float *gamma,
			 const float *beta, float eps, float *y)
{
	for (int r = 0; r < rows; r++)
	{
		const float *xr = x + (size_t) r * dim;
		float	   *yr = y + (size_t) r * dim;
		double		mean = 0.0,
					var = 0.0;
		float		fmean,
					inv;

		for (int j = 0; j < dim; j++)
			mean += xr[j];
		mean /= dim;
		for (int j = 0; j < dim; j++)
			var += (xr[j] - mean) * (xr[j] - mean);
		var /= dim;
		fmean = (float) mean;
		inv = (float) (1.0 / sqrt(var + eps));
		for (int j = 0; j < dim; j++)
		{
			float		v = (xr[j] - fmean) * inv;

			if (gamma)
				v *= gamma[j];
			if (beta)
				v += beta[j];
			yr[j] = v;
		}
	}
}

/* length of LSTM row b, clamped to [0, T]; T when lengths is NULL */
static inline int
row_len(const int32_t *lengths, int b, int T)
{
	if (lengths == NULL || lengths[b] > T)
		return T;
	return lengths[b] < 0 ? 0 : lengths[b];
}

/* n floats of a gate's pre-activation: g plus a (NULL: nothing to add) */
VINLINE vf
vgate(const float *g, const float *a, int n)
{
	return a != NULL ? vload(g, n) + vload(a, n) : vload(g, n);
}

/*
 * n (1..VL) units of one row: its gates [4H] (i, f, g, o) are g + a, the
 * input projection plus the recurrent term; c = f·c + i·g, h = o·tanh(c).
 */
VINLINE void
lstm_units(const float *g, const float *a, int H, float *c, float *h, int n)
{
	const float *a1 = a ? a + H : NULL,
			   *a2 = a ? a + 2 * H : NULL,
			   *a3 = a ? a + 3 * H : NULL;
	vf			cv = vsigmoid(vgate(g + H, a1, n)) * vload(c, n) +
		vsigmoid(vgate(g, a, n)) * vtanh(vgate(g + 2 * H, a2, n));

	vstore(c, cv, n);
	vstore(h, vsigmoid(vgate(g + 3 * H, a3, n)) * vtanh(cv), n);
}

VINLINE void
lstm_rows_impl(const float *gates, const float *add, size_t add_stride, int B, int H, float *h,
			   float *c)
{
	size_t		G = 4 * (size_t) H;

	for (int b = 0; b < B; b++)
	{
		const float *g = gates + (size_t) b * G,
				   *a = add ? add + (size_t) b * add_stride : NULL;
		float	   *cb = c + (size_t) b * H,
				   *hb = h + (size_t) b * H;
		int			j = 0;

		for (; j + VL <= H; j += VL)
			lstm_units(g + j, a ? a + j : NULL, H, cb + j, hb + j, VL);
		if (j < H)
			lstm_units(g + j, a ? a + j : NULL, H, cb + j, hb + j, H - j);
	}
}

#ifdef AVX512
AVX512 static void
lstm_rows_avx512(const float *gates, const float *add, size_t add_stride, int B, int H, float *h,
				 float *c)
{
	lstm_rows_impl(gates, add, add_stride, B, H, h, c);
}
#endif

/*
 * The recurrent half of an LSTM step: h, c [B, H] from the gates'
 * pre-activations [B, 4H] plus add, the recurrent product [B, 4H]
 * (add_stride 4H) or the bias b_hh (add_stride 0; NULL: none), summed in
 * the same pass instead of written back.
 */
static void
lstm_rows(const float *gates, const float *add, size_t add_stride, int B, int H, float *h, float *c)
{
	DISPATCH(lstm_rows, gates, add, add_stride, B, H, h, c);
}

/* q8 is usable: given and on */
static int
q8_on(const pt_linear_q8 *q8)
{
	return q8 != NULL && q8->on;
}

/* gates [B, 4H] = x [B, In] · W_ihᵀ + b_ih */
static void
lstm_input(const float *x, int B, int In, int H, const pt_lstm_weights *w, float *gates, uint8_t *q)
{
	if (q8_on(w->q_ih))
		pt_linear_q8_apply(w->q_ih, x, B, q, gates);
	else
		pt_linear(x, B, In, w->W_ih, w->b_ih, 4 * H, gates);
}

/*
 * gates [B, 4H] (the input projection) += h · W_hhᵀ + b_hh, then the cell
 * update of h, c [B, H].  tmp [B, 4H] holds the 8-bit product.
 */
static void
lstm_cell(float *gates, int B, int H, const pt_lstm_weights *w, float *h, float *c, float *tmp,
		  uint8_t *q)
{
	if (q8_on(w->q_hh))
	{
		pt_linear_q8_apply(w->q_hh, h, B, q, tmp);
		lstm_rows(gates, tmp, 4 * (size_t) H, B, H, h, c);
		return;
	}
	linear_into(h, B, H, w->W_hh, 4 * H, 1, gates);
	lstm_rows(gates, w->b_hh, 0, B, H, h, c);
}

/* Floats of scratch pt_lstm_step needs: the gates and an 8-bit recurrent product, [B, 4H] each. */
size_t
pt_lstm_step_workspace(int B, int H)
{
	return pt_mul_size(2 * (size_t) B, 4 * (size_t) H);
}

void
pt_lstm_step(const float *x, int B, int In, int H, const pt_lstm_weights *w,
			 float *h, float *c, float *work, uint8_t *q)
{
	if (B <= 0 || H <= 0)
		return;
	lstm_input(x, B, In, H, w, work, q);
	lstm_cell(work, B, H, w, h, c, work + (size_t) B * 4 * H, q);
}

#define LSTM_CHUNK 8			/* steps whose input projections are computed together */

/*
 * Floats of scratch pt_lstm_forward needs: a chunk's gathered inputs
 * [LSTM_CHUNK·B, In] and their projections [LSTM_CHUNK·B, 4H], then the
 * running rows' states (h and c, [B, H] each, within [B, 4H]) and an
 * 8-bit recurrent product [B, 4H].
 */
size_t
pt_lstm_workspace(int B, int In, int H)
{
	return pt_mul_size(pt_mul_size(LSTM_CHUNK + 2, (size_t) B), (size_t) In + 4 * (size_t) H);
}

/* bytes of q pt_lstm_forward needs */
size_t
pt_lstm_q8_scratch(int B, int In, int H)
{
	size_t		proj = pt_mul_size(pt_mul_size(LSTM_CHUNK, (size_t) B), (size_t) In);

	return proj > pt_mul_size((size_t) B, (size_t) H) ? proj : (size_t) B * H;
}

/* the time row b reads at step s */
static inline int
step_time(const int32_t *lengths, int b, int T, int s, int reverse)
{
	return reverse ? row_len(lengths, b, T) - 1 - s : s;
}

/*
 * Between the states h, c [B, H] of all rows and run_h, run_c [live, H] of
 * the rows still running at step s, in row order: gathered into run_h,
 * run_c (gather), else scattered back.
 */
static void
move_running(float *h, float *c, float *run_h, float *run_c, int B, int H,
			 const int32_t *lengths, int T, int s, int gather)
{
	size_t		bytes = (size_t) H * sizeof(float);

	for (int b = 0, i = 0; b < B; b++)
		if (s < row_len(lengths, b, T))
		{
			float	   *all_h = h + (size_t) b * H,
					   *all_c = c + (size_t) b * H,
					   *one_h = run_h + (size_t) i * H,
					   *one_c = run_c + (size_t) i++ * H;

			memcpy(gather ? one_h : all_h, gather ? all_h : one_h, bytes);
			memcpy(gather ? one_c : all_c, gather ? all_c : one_c, bytes);
		}
}

/*
 * One direction of nn.LSTM over x [T, B, In] with per-row lengths (see nn.h),
 * LSTM_CHUNK steps at a time: the inputs each running row reads in those
 * steps (row b at step s reads time s, or lengths[b]-1-s in reverse) are
 * gathered, projected in one product, and then each step runs one batched
 * recurrent product.  Padding is never projected, and the projections stay
 * in cache (all T steps at once were megabytes for a batch of summaries).
 * h, c [B,H] in/out; out [T,B,H] or NULL, zero past each row's length.
 */
void
pt_lstm_forward(const float *x, int T, int B, int In, int H, const pt_lstm_weights *w,
				const int32_t *lengths, int reverse,
				float *h, float *c, float *out, float *work, uint8_t *q)
{
	size_t		G = 4 * (size_t) H;
	float	   *xs = work;
	float	   *proj = xs + (size_t) LSTM_CHUNK * B * In;
	float	   *run_h = proj + (size_t) LSTM_CHUNK * B * G;
	float	   *run_c = run_h + (size_t) B * H;
	float	   *recurrent = run_h + (size_t) B * G;
	int			steps = 0;

	if (T <= 0 || B <= 0 || H <= 0)
		return;
	if (out)
		memset(out, 0, (size_t) T * B * H * sizeof(float));
	for (int b = 0; b < B; b++)
		if (row_len(lengths, b, T) > steps)
			steps = row_len(lengths, b, T);

	for (int s0 = 0; s0 < steps; s0 += LSTM_CHUNK)
	{
		int			end = steps - s0 < LSTM_CHUNK ? steps : s0 + LSTM_CHUNK,
					n = 0;

		for (int s = s0; s < end; s++)
			for (int b = 0; b < B; b++)
				if (s < row_len(lengths, b, T))
					memcpy(xs + (size_t) n++ * In,
						   x + ((size_t) step_time(lengths, b, T, s, reverse) * B + b) * In,
						   (size_t) In * sizeof(float));
		lstm_input(xs, n, In, H, w, proj, q);
		n = 0;
		for (int s = s0; s < end; s++)
		{
			int			live = 0;

			pt_check_interrupts();
			for (int b = 0; b < B; b++)
				live += s < row_len(lengths, b, T);
			/*
			 * The step's projections lie in proj in row order, one per
			 * running row; the recurrent product takes only those rows
			 * (a finished row's would be thrown away), their states
			 * gathered when some rows have finished.
			 */
			if (live == B)
				lstm_cell(proj + (size_t) n * G, B, H, w, h, c, recurrent, q);
			else
			{
				move_running(h, c, run_h, run_c, B, H, lengths, T, s, 1);
				lstm_cell(proj + (size_t) n * G, live, H, w, run_h, run_c, recurrent, q);
				move_running(h, c, run_h, run_c, B, H, lengths, T, s, 0);
			}
			n += live;
			if (out)
				for (int b = 0; b < B; b++)
					if (s < row_len(lengths, b, T))
						memcpy(out + ((size_t) step_time(lengths, b, T, s, reverse) * B + b) * H,
							   h + (size_t) b * H, (size_t) H * sizeof(float));
		}
	}
}

/* Floats of scratch pt_attention needs: the scores of one head [Tq, Tk]. */
size_t
pt_attention_workspace(int Tq, int Tk)
{
	return pt_mul_size((size_t) Tq, (size_t) Tk);
}

/*
 * out[Tq,D] = per head softmax(q_h·k_hᵀ / √(D/n_heads) + mask) · v_h for
 * q [Tq,D], k, v [Tk,D]; the mask keeps keys j < n_valid_keys and, when
 * causal, j <= i + Tk - Tq.  Heads are column slices read in place (lda D).
 */
void
pt_attention(const float *q, int Tq, const float *k, const float *v,
			 int Tk, int D, int n_heads, int causal,
			 int n_valid_keys, float *out, float *work)
{
	int			nk = (n_valid_keys < 0 || n_valid_keys > Tk) ? Tk : n_valid_keys;
	int			dh;
	float		scale;

	if (Tq <= 0 || D <= 0 || n_heads <= 0)
		return;
	dh = D / n_heads;
	scale = (float) (1.0 / sqrt((double) dh));
	if (nk == 0)
	{
		memset(out, 0, (size_t) Tq * D * sizeof(float));
		return;
	}
	for (int hd = 0; hd < n_heads; hd++)
	{
		int			off = hd * dh;

		gemm_rm(1, Tq, nk, dh, scale, q + off, D, k + off, D, 0.0f, work, nk);
		for (int i = 0; i < Tq; i++)
		{
			float	   *row = work + (size_t) i * nk;
			int			lim = nk;

			if (causal && i + Tk - Tq + 1 < lim)
				lim = i + Tk - Tq + 1;
			if (lim < 0)
				lim = 0;
			if (lim > 0)
				softmax_span(row, lim);
			memset(row + lim, 0, (size_t) (nk - lim) * sizeof(float));
		}
		gemm_rm(0, Tq, dh, nk, 1.0f, work, nk, v + off, D, 0.0f, out + off, D);
	}
}
