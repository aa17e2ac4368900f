/*
 * test_nn.c — every kernel of nn.c against a naive reference written here
 * (plain loops, double accumulators), on fixed-seed random inputs and shapes
 * chosen to hit the edges: one row (the sgemv path), odd sizes, T = 1,
 * kernels wider than the input, variable and zero lengths, masked keys.
 */
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

#include "nn.h"

#define TOL 1e-4

static uint32_t lcg_state;

static void
seed(uint32_t s)
{
	lcg_state = s;
}

/* uniform in [-1, 1) */
static float
rnd(void)
{
	lcg_state = lcg_state * 1664525u + 1013904223u;
	return (float) ((lcg_state >> 8) / 8388608.0 - 1.0);
}

static float *
rand_vec(size_t n, float scale)
{
	float	   *v = malloc((n ? n : 1) * sizeof(float));

	for (size_t i = 0; i < n; i++)
		v[i] = scale * rnd();
	return v;
}

static float *
zeros(size_t n)
{
	return calloc(n ? n : 1, sizeof(float));
}

/* largest |a - ref|, relative to |ref| where |ref| > 1 */
static double
max_err(const float *a, const float *ref, size_t n)
{
	double		worst = 0.0;

	for (size_t i = 0; i < n; i++)
	{
		double		d = fabs((double) a[i] - ref[i]);
		double		m = fabs((double) ref[i]);

		if (m > 1.0)
			d /= m;
		if (!(d <= worst))
			worst = d;			/* also catches NaN */
	}
	return worst;
}

static double
sigmoid_ref(double v)
{
	return 1.0 / (1.0 + exp(-v));
}

/* ---- linear ---- */

static void
linear_ref(const float *x, int M, int K, const float *W, const float *b, int N, float *y)
{
	for (int i = 0; i < M; i++)
		for (int n = 0; n < N; n++)
		{
			double		s = b ? b[n] : 0.0;

			for (int kk = 0; kk < K; kk++)
				s += (double) x[i * K + kk] * W[n * K + kk];
			y[i * N + n] = (float) s;
		}
}

TEST(nn_linear)
{
	static const int shapes[][3] = {
		{1, 1, 1}, {1, 37, 53}, {1, 512, 301}, {7, 13, 5}, {16, 64, 33},
		{3, 300, 2}, {2, 1, 9}, {33, 17, 1}
	};

	seed(1);
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
	{
		int			M = shapes[s][0],
					K = shapes[s][1],
					N = shapes[s][2];
		float	   *x = rand_vec((size_t) M * K, 1.0f);
		float	   *W = rand_vec((size_t) N * K, 0.5f);
		float	   *b = rand_vec(N, 1.0f);
		float	   *y = zeros((size_t) M * N);
		float	   *r = zeros((size_t) M * N);

		for (int with_bias = 0; with_bias < 2; with_bias++)
		{
			const float *bb = with_bias ? b : NULL;

			for (int i = 0; i < M * N; i++)
				y[i] = 1e6f;	/* stale contents must not leak in */
			pt_linear(x, M, K, W, bb, N, y);
			linear_ref(x, M, K, W, bb, N, r);
			CHECK(max_err(y, r, (size_t) M * N) <= TOL);
		}
		free(x);
		free(W);
		free(b);
		free(y);
		free(r);
	}
}

/* ---- embedding ---- */

TEST(nn_embedding)
{
	enum {V = 10, D = 7, N = 8};
	const int32_t ids[N] = {0, 9, -1, 10, 3, INT32_MIN, INT32_MAX, 3};
	float	   *table;
	float		out[N * D];

	seed(2);
	table = rand_vec(V * D, 1.0f);
	memset(out, 0x7f, sizeof(out));
	pt_embedding(table, V, D, ids, N, out);
	for (int i = 0; i < N; i++)
		for (int d = 0; d < D; d++)
		{
			float		want = (ids[i] >= 0 && ids[i] < V) ? table[ids[i] * D + d] : 0.0f;

			CHECK(out[i * D + d] == want);
		}
	free(table);
}

/* ---- conv1d ---- */

static void
conv1d_ref(const float *x, int T, int Cin, const float *W, const float *b,
		   int Cout, int k, int pad, float *y)
{
	int			Tout = T + 2 * pad - k + 1;

	for (int t = 0; t < Tout; t++)
		for (int co = 0; co < Cout; co++)
		{
			double		s = b ? b[co] : 0.0;

			for (int ci = 0; ci < Cin; ci++)
				for (int j = 0; j < k; j++)
				{
					int			src = t + j - pad;

					if (src >= 0 && src < T)
						s += (double) W[(co * Cin + ci) * k + j] * x[src * Cin + ci];
				}
			y[t * Cout + co] = (float) s;
		}
}

TEST(nn_conv1d)
{
	/* T, Cin, Cout, k, pad */
	static const int shapes[][5] = {
		{1, 3, 4, 3, 1}, {1, 2, 3, 5, 2}, {2, 3, 2, 4, 2}, {10, 5, 7, 3, 1},
		{17, 8, 6, 4, 0}, {6, 3, 2, 1, 0}, {5, 3, 2, 2, 3}, {1, 1, 1, 1, 0},
		{40, 16, 32, 5, 2}
	};

	seed(3);
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
	{
		int			T = shapes[s][0],
					Cin = shapes[s][1],
					Cout = shapes[s][2],
					k = shapes[s][3],
					pad = shapes[s][4];
		int			Tout = pt_conv1d_out_len(T, k, pad);
		float	   *x = rand_vec((size_t) T * Cin, 1.0f);
		float	   *W = rand_vec((size_t) Cout * Cin * k, 0.5f);
		float	   *b = rand_vec(Cout, 1.0f);
		float	   *work = zeros(pt_conv1d_workspace(T, Cin, k, pad));
		float	   *y = zeros((size_t) Tout * Cout);
		float	   *r = zeros((size_t) Tout * Cout);

		CHECK(Tout == T + 2 * pad - k + 1);
		pt_conv1d(x, T, Cin, W, b, Cout, k, pad, y, work);
		conv1d_ref(x, T, Cin, W, b, Cout, k, pad, r);
		CHECK(max_err(y, r, (size_t) Tout * Cout) <= TOL);
		pt_conv1d(x, T, Cin, W, NULL, Cout, k, pad, y, work);
		conv1d_ref(x, T, Cin, W, NULL, Cout, k, pad, r);
		CHECK(max_err(y, r, (size_t) Tout * Cout) <= TOL);
		free(x);
		free(W);
		free(b);
		free(work);
		free(y);
		free(r);
	}
	/* nothing fits: no output, no workspace */
	CHECK(pt_conv1d_out_len(2, 6, 1) == 0);
	CHECK(pt_conv1d_workspace(2, 3, 6, 1) == 0);
	pt_conv1d(NULL, 2, 3, NULL, NULL, 4, 6, 1, NULL, NULL);
}

/*
 * A batch packed as one sequence — A, pad zero rows, B — with a "same"
 * convolution (k = 2·pad + 1) gives each member's own conv at its offset.
 */
TEST(nn_conv1d_packed_batch)
{
	enum {Cin = 4, Cout = 3, K = 5, PAD = 2, TA = 6, TB = 3};
	int			Tp = TA + PAD + TB;
	float	   *xa,
			   *xb,
			   *W,
			   *b;
	float	   *xp = zeros((size_t) Tp * Cin);
	float	   *yp = zeros((size_t) Tp * Cout);
	float	   *ya = zeros(TA * Cout);
	float	   *yb = zeros(TB * Cout);
	float	   *work = zeros(pt_conv1d_workspace(Tp, Cin, K, PAD));

	seed(4);
	xa = rand_vec(TA * Cin, 1.0f);
	xb = rand_vec(TB * Cin, 1.0f);
	W = rand_vec(Cout * Cin * K, 0.5f);
	b = rand_vec(Cout, 0.5f);
	memcpy(xp, xa, sizeof(float) * TA * Cin);
	memcpy(xp + (TA + PAD) * Cin, xb, sizeof(float) * TB * Cin);
	CHECK(pt_conv1d_out_len(Tp, K, PAD) == Tp);
	pt_conv1d(xp, Tp, Cin, W, b, Cout, K, PAD, yp, work);
	conv1d_ref(xa, TA, Cin, W, b, Cout, K, PAD, ya);
	conv1d_ref(xb, TB, Cin, W, b, Cout, K, PAD, yb);
	CHECK(max_err(yp, ya, TA * Cout) <= TOL);
	CHECK(max_err(yp + (TA + PAD) * Cout, yb, TB * Cout) <= TOL);
	free(xa);
	free(xb);
	free(W);
	free(b);
	free(xp);
	free(yp);
	free(ya);
	free(yb);
	free(work);
}

/* ---- max pooling ---- */

TEST(nn_maxpool_time)
{
	enum {C = 5};
	float		one[C] = {1, -2, 3, -4, 0};
	float		x[4 * C] = {
		1, -5, 2, 0, -1,
		3, -6, 2, 0, -2,
		3, -7, 1, 9, -3,
		0, -8, 0, 0, -4
	};
	float		out[C];
	int32_t		am[C];
	static const float want[C] = {3, -5, 2, 9, -1};
	static const int32_t want_am[C] = {1, 0, 0, 2, 0};

	pt_maxpool_time(x, 4, C, out, am);
	for (int c = 0; c < C; c++)
	{
		CHECK(out[c] == want[c]);
		CHECK(am[c] == want_am[c]);		/* ties keep the first t */
	}
	pt_maxpool_time(one, 1, C, out, NULL);
	for (int c = 0; c < C; c++)
		CHECK(out[c] == one[c]);
	pt_maxpool_time(x, 0, C, out, am);
	for (int c = 0; c < C; c++)
		CHECK(out[c] == 0.0f && am[c] == -1);
}

/* ---- activations ---- */

TEST(nn_activations)
{
	enum {N = 41};
	float		x[N],
				a[N];

	for (int i = 0; i < N; i++)
		x[i] = (float) (i - 20) * 0.37f;
	x[0] = -1000.0f;
	x[N - 1] = 1000.0f;

	memcpy(a, x, sizeof(x));
	pt_relu(a, N);
	for (int i = 0; i < N; i++)
		CHECK(a[i] == (x[i] > 0 ? x[i] : 0.0f));

	/* NaN and -0 give +0, bit for bit, at every length (whole vectors and tails) */
	x[3] = NAN;
	x[5] = -0.0f;
	for (int n = 0; n <= N; n++)
	{
		memcpy(a, x, sizeof(x));
		pt_relu(a, n);
		for (int i = 0; i < N; i++)
		{
			float		want = i >= n ? x[i] : x[i] > 0 ? x[i] : 0.0f;

			CHECK(memcmp(&a[i], &want, sizeof want) == 0);
		}
	}
	x[3] = (float) (3 - 20) * 0.37f;
	x[5] = (float) (5 - 20) * 0.37f;

	memcpy(a, x, sizeof(x));
	pt_gelu(a, N);
	for (int i = 0; i < N; i++)
	{
		double		g = 0.5 * x[i] * (1.0 + erf(x[i] / sqrt(2.0)));

		CHECK_NEAR(a[i], g, TOL * fmax(1.0, fabs(g)));
	}

	memcpy(a, x, sizeof(x));
	pt_tanh_inplace(a, N);
	for (int i = 0; i < N; i++)
		CHECK_NEAR(a[i], tanh(x[i]), TOL);

	memcpy(a, x, sizeof(x));
	pt_sigmoid_inplace(a, N);
	for (int i = 0; i < N; i++)
	{
		CHECK(isfinite(a[i]));
		CHECK_NEAR(a[i], sigmoid_ref(x[i]), TOL);
	}
	CHECK(a[0] == 0.0f);
	CHECK(a[N - 1] == 1.0f);
}

/* ---- softmax ---- */

TEST(nn_softmax)
{
	enum {R = 4, C = 7};
	float		x[R * C],
				s[R * C],
				l[R * C];

	seed(5);
	for (int i = 0; i < R * C; i++)
		x[i] = 3.0f * rnd();
	for (int j = 0; j < C; j++)
		x[2 * C + j] += 1000.0f;	/* would overflow expf without the max */
	x[3 * C + 0] = 1000.0f;
	x[3 * C + 1] = -1000.0f;
	memcpy(s, x, sizeof(x));
	memcpy(l, x, sizeof(x));
	pt_softmax_rows(s, R, C);
	pt_log_softmax_rows(l, R, C);
	for (int r = 0; r < R; r++)
	{
		double		mx = x[r * C],
					sum = 0.0,
					total = 0.0;

		for (int j = 1; j < C; j++)
			mx = fmax(mx, x[r * C + j]);
		for (int j = 0; j < C; j++)
			sum += exp((double) x[r * C + j] - mx);
		for (int j = 0; j < C; j++)
		{
			double		lp = (double) x[r * C + j] - mx - log(sum);

			CHECK(isfinite(s[r * C + j]));
			CHECK_NEAR(s[r * C + j], exp(lp), TOL);
			CHECK_NEAR(l[r * C + j], lp, TOL * fmax(1.0, fabs(lp)));
			total += s[r * C + j];
		}
		CHECK_NEAR(total, 1.0, 1e-5);
	}
	/* one column: probability 1, log 0 */
	s[0] = 1000.0f;
	pt_softmax_rows(s, 1, 1);
	CHECK(s[0] == 1.0f);
	l[0] = -1000.0f;
	pt_log_softmax_rows(l, 1, 1);
	CHECK(l[0] == 0.0f);
}

/* ---- layernorm ---- */

TEST(nn_layernorm)
{
	static const int dims[] = {1, 7, 64, 301};

	seed(6);
	for (size_t s = 0; s < sizeof(dims) / sizeof(dims[0]); s++)
	{
		int			R = 3,
					D = dims[s];
		float	   *x = rand_vec((size_t) R * D, 4.0f);
		float	   *g = rand_vec(D, 1.0f);
		float	   *b = rand_vec(D, 1.0f);
		float	   *y = zeros((size_t) R * D);
		float	   *r = zeros((size_t) R * D);

		for (int i = 0; i < D; i++)
			x[i] += 100.0f;		/* an offset row */
		for (int affine = 0; affine < 2; affine++)
		{
			for (int row = 0; row < R; row++)
			{
				double		mean = 0,
							var = 0;

				for (int j = 0; j < D; j++)
					mean += x[row * D + j];
				mean /= D;
				for (int j = 0; j < D; j++)
					var += (x[row * D + j] - mean) * (x[row * D + j] - mean);
				var /= D;
				for (int j = 0; j < D; j++)
				{
					double		v = (x[row * D + j] - mean) / sqrt(var + 1e-5);

					r[row * D + j] = (float) (affine ? v * g[j] + b[j] : v);
				}
			}
			pt_layernorm(x, R, D, affine ? g : NULL, affine ? b : NULL, 1e-5f, y);
			CHECK(max_err(y, r, (size_t) R * D) <= TOL);
			/* in place */
			memcpy(y, x, sizeof(float) * R * D);
			pt_layernorm(y, R, D, affine ? g : NULL, affine ? b : NULL, 1e-5f, y);
			CHECK(max_err(y, r, (size_t) R * D) <= TOL);
		}
		free(x);
		free(g);
		free(b);
		free(y);
		free(r);
	}
}

/* ---- LSTM ---- */

typedef struct lstm_w
{
	int			I,
				H;
	float	   *W_ih,
			   *W_hh,
			   *b_ih,
			   *b_hh;
} lstm_w;

/* the core's view of w: fp32 weights, no 8-bit copies */
static const pt_lstm_weights *
fp32_weights(const lstm_w *w)
{
	static pt_lstm_weights lw;

	lw = (pt_lstm_weights) {.W_ih = w->W_ih, .W_hh = w->W_hh, .b_ih = w->b_ih, .b_hh = w->b_hh};
	return &lw;
}

static lstm_w
lstm_rand(int I, int H)
{
	lstm_w		w;

	w.I = I;
	w.H = H;
	w.W_ih = rand_vec((size_t) 4 * H * I, 0.5f);
	w.W_hh = rand_vec((size_t) 4 * H * H, 0.5f);
	w.b_ih = rand_vec((size_t) 4 * H, 0.5f);
	w.b_hh = rand_vec((size_t) 4 * H, 0.5f);
	return w;
}

static void
lstm_free(lstm_w *w)
{
	free(w->W_ih);
	free(w->W_hh);
	free(w->b_ih);
	free(w->b_hh);
}

/* one torch.nn.LSTM cell step for a single row, in double */
static void
lstm_cell_ref(const lstm_w *w, const float *x, double *h, double *c)
{
	int			H = w->H;
	double	   *g = malloc(sizeof(double) * 4 * H);

	for (int n = 0; n < 4 * H; n++)
	{
		double		s = (double) w->b_ih[n] + w->b_hh[n];

		for (int i = 0; i < w->I; i++)
			s += (double) w->W_ih[n * w->I + i] * x[i];
		for (int j = 0; j < H; j++)
			s += (double) w->W_hh[n * H + j] * h[j];
		g[n] = s;
	}
	for (int j = 0; j < H; j++)
	{
		c[j] = sigmoid_ref(g[H + j]) * c[j] + sigmoid_ref(g[j]) * tanh(g[2 * H + j]);
		h[j] = sigmoid_ref(g[3 * H + j]) * tanh(c[j]);
	}
	free(g);
}

TEST(nn_lstm_step)
{
	enum {B = 3, I = 5, H = 4};
	lstm_w		w;
	float	   *x,
			   *h,
			   *c,
			   *work;
	double		hr[B][H],
				cr[B][H];

	seed(7);
	w = lstm_rand(I, H);
	x = rand_vec(B * I, 1.0f);
	h = rand_vec(B * H, 0.5f);
	c = rand_vec(B * H, 0.5f);
	work = zeros(pt_lstm_step_workspace(B, H));
	for (int b = 0; b < B; b++)
		for (int j = 0; j < H; j++)
		{
			hr[b][j] = h[b * H + j];
			cr[b][j] = c[b * H + j];
		}
	for (int rep = 0; rep < 3; rep++)
	{
		pt_lstm_step(x, B, I, H, fp32_weights(&w), h, c, work, NULL);
		for (int b = 0; b < B; b++)
		{
			lstm_cell_ref(&w, x + b * I, hr[b], cr[b]);
			for (int j = 0; j < H; j++)
			{
				CHECK_NEAR(h[b * H + j], hr[b][j], TOL);
				CHECK_NEAR(c[b * H + j], cr[b][j], TOL);
			}
		}
	}
	/* B = 1 takes the sgemv path */
	pt_lstm_step(x, 1, I, H, fp32_weights(&w), h, c, work, NULL);
	lstm_cell_ref(&w, x, hr[0], cr[0]);
	for (int j = 0; j < H; j++)
	{
		CHECK_NEAR(h[j], hr[0][j], TOL);
		CHECK_NEAR(c[j], cr[0][j], TOL);
	}
	lstm_free(&w);
	free(x);
	free(h);
	free(c);
	free(work);
}

/*
 * Run pt_lstm_forward and a per-row reference (row b alone over its own
 * length, forwards or backwards from lengths[b]-1) and compare out, h, c.
 */
static void
check_lstm_forward(int T, int B, int I, int H, const int32_t *lengths, int reverse)
{
	lstm_w		w = lstm_rand(I, H);
	float	   *x = rand_vec((size_t) T * B * I, 1.0f);
	float	   *h = rand_vec((size_t) B * H, 0.5f);
	float	   *c = rand_vec((size_t) B * H, 0.5f);
	float	   *out = zeros((size_t) T * B * H);
	float	   *out_r = zeros((size_t) T * B * H);
	float	   *h_r = zeros((size_t) B * H);
	float	   *c_r = zeros((size_t) B * H);
	float	   *work = zeros(pt_lstm_workspace(B, I, H));
	double	   *hd = malloc(sizeof(double) * H);
	double	   *cd = malloc(sizeof(double) * H);

	for (int i = 0; i < T * B * H; i++)
		out[i] = 1e6f;			/* padding positions must come back zero */
	for (int b = 0; b < B; b++)
	{
		int			len = lengths ? lengths[b] : T;

		for (int j = 0; j < H; j++)
		{
			hd[j] = h[b * H + j];
			cd[j] = c[b * H + j];
		}
		for (int s = 0; s < len; s++)
		{
			int			t = reverse ? len - 1 - s : s;

			lstm_cell_ref(&w, x + ((size_t) t * B + b) * I, hd, cd);
			for (int j = 0; j < H; j++)
				out_r[((size_t) t * B + b) * H + j] = (float) hd[j];
		}
		for (int j = 0; j < H; j++)
		{
			h_r[b * H + j] = (float) hd[j];
			c_r[b * H + j] = (float) cd[j];
		}
	}
	pt_lstm_forward(x, T, B, I, H, fp32_weights(&w),
					lengths, reverse, h, c, out, work, NULL);
	CHECK(max_err(out, out_r, (size_t) T * B * H) <= TOL);
	CHECK(max_err(h, h_r, (size_t) B * H) <= TOL);
	CHECK(max_err(c, c_r, (size_t) B * H) <= TOL);

	/* without out, the final state is the same */
	for (int i = 0; i < B * H; i++)
		h[i] = c[i] = 0.0f;
	pt_lstm_forward(x, T, B, I, H, fp32_weights(&w),
					lengths, reverse, h, c, NULL, work, NULL);
	for (int b = 0; b < B; b++)
	{
		int			len = lengths ? lengths[b] : T;

		for (int j = 0; j < H; j++)
			hd[j] = cd[j] = 0.0;
		for (int s = 0; s < len; s++)
			lstm_cell_ref(&w, x + ((size_t) (reverse ? len - 1 - s : s) * B + b) * I, hd, cd);
		for (int j = 0; j < H; j++)
		{
			CHECK_NEAR(h[b * H + j], hd[j], TOL);
			CHECK_NEAR(c[b * H + j], cd[j], TOL);
		}
	}
	lstm_free(&w);
	free(x);
	free(h);
	free(c);
	free(out);
	free(out_r);
	free(h_r);
	free(c_r);
	free(work);
	free(hd);
	free(cd);
}

TEST(nn_lstm_forward)
{
	static const int32_t lens4[] = {5, 0, 3, 1};
	static const int32_t lens3[] = {2, 7, 4};
	static const int32_t lens1[] = {1};
	static const int32_t lens5[] = {20, 9, 17, 1, 8};	/* across chunks of steps, ending inside and at their edges */

	seed(8);
	for (int reverse = 0; reverse < 2; reverse++)
	{
		check_lstm_forward(5, 4, 6, 8, NULL, reverse);
		check_lstm_forward(5, 4, 6, 8, lens4, reverse);
		check_lstm_forward(7, 3, 3, 5, lens3, reverse);
		check_lstm_forward(1, 1, 4, 3, NULL, reverse);
		check_lstm_forward(1, 1, 4, 3, lens1, reverse);
		check_lstm_forward(9, 1, 17, 16, NULL, reverse);
		check_lstm_forward(20, 5, 6, 8, lens5, reverse);
		check_lstm_forward(17, 2, 4, 4, NULL, reverse);
	}
}

/* lengths outside [0, T] are clamped, never read past x or written past out */
TEST(nn_lstm_length_clamp)
{
	enum {T = 3, B = 2, I = 2, H = 3};
	static const int32_t bad[B] = {100, -4};
	static const int32_t good[B] = {T, 0};
	lstm_w		w;
	float	   *x,
				h1[B * H] = {0},
				c1[B * H] = {0},
				h2[B * H] = {0},
				c2[B * H] = {0},
				o1[T * B * H],
				o2[T * B * H],
			   *work;

	seed(9);
	w = lstm_rand(I, H);
	x = rand_vec(T * B * I, 1.0f);
	work = zeros(pt_lstm_workspace(B, I, H));
	pt_lstm_forward(x, T, B, I, H, fp32_weights(&w), bad, 1, h1, c1, o1, work, NULL);
	pt_lstm_forward(x, T, B, I, H, fp32_weights(&w), good, 1, h2, c2, o2, work, NULL);
	CHECK(memcmp(o1, o2, sizeof(o1)) == 0);
	CHECK(memcmp(h1, h2, sizeof(h1)) == 0);
	CHECK(memcmp(c1, c2, sizeof(c1)) == 0);
	lstm_free(&w);
	free(x);
	free(work);
}

/* ---- attention ---- */

static void
attention_ref(const float *q, int Tq, const float *k, const float *v, int Tk,
			  int D, int nh, int causal, int n_valid, float *out)
{
	int			dh = D / nh;
	int			nk = (n_valid < 0 || n_valid > Tk) ? Tk : n_valid;
	double	   *p = malloc(sizeof(double) * (Tk ? Tk : 1));

	for (int hd = 0; hd < nh; hd++)
		for (int i = 0; i < Tq; i++)
		{
			int			lim = nk;
			double		mx = -INFINITY,
						sum = 0.0;

			if (causal && i + Tk - Tq + 1 < lim)
				lim = i + Tk - Tq + 1;
			for (int j = 0; j < lim; j++)
			{
				double		s = 0.0;

				for (int d = 0; d < dh; d++)
					s += (double) q[i * D + hd * dh + d] * k[j * D + hd * dh + d];
				p[j] = s / sqrt((double) dh);
				mx = fmax(mx, p[j]);
			}
			for (int j = 0; j < lim; j++)
			{
				p[j] = exp(p[j] - mx);
				sum += p[j];
			}
			for (int d = 0; d < dh; d++)
			{
				double		o = 0.0;

				for (int j = 0; j < lim; j++)
					o += p[j] / sum * v[j * D + hd * dh + d];
				out[i * D + hd * dh + d] = (float) o;
			}
		}
	free(p);
}

TEST(nn_attention)
{
	/* Tq, Tk, D, heads, causal, n_valid_keys */
	static const int cases[][6] = {
		{5, 5, 8, 2, 0, -1}, {5, 5, 8, 2, 1, -1}, {1, 9, 12, 3, 1, -1},
		{3, 9, 12, 3, 1, -1}, {4, 6, 6, 1, 0, 4}, {4, 4, 6, 2, 1, 2},
		{1, 1, 4, 1, 1, -1}, {6, 3, 4, 2, 1, -1}, {7, 11, 15, 5, 0, 100},
		{1, 20, 64, 4, 0, 13}, {3, 5, 8, 2, 0, 0}, {2, 0, 4, 2, 0, -1},
		{32, 32, 64, 8, 1, -1}
	};

	seed(10);
	for (size_t s = 0; s < sizeof(cases) / sizeof(cases[0]); s++)
	{
		int			Tq = cases[s][0],
					Tk = cases[s][1],
					D = cases[s][2],
					nh = cases[s][3],
					causal = cases[s][4],
					nv = cases[s][5];
		float	   *q = rand_vec((size_t) Tq * D, 2.0f);
		float	   *k = rand_vec((size_t) Tk * D, 2.0f);
		float	   *v = rand_vec((size_t) Tk * D, 1.0f);
		float	   *o = zeros((size_t) Tq * D);
		float	   *r = zeros((size_t) Tq * D);
		float	   *work = zeros(pt_attention_workspace(Tq, Tk));

		for (int i = 0; i < Tq * D; i++)
			o[i] = 1e6f;
		pt_attention(q, Tq, k, v, Tk, D, nh, causal, nv, o, work);
		attention_ref(q, Tq, k, v, Tk, D, nh, causal, nv, r);
		CHECK(max_err(o, r, (size_t) Tq * D) <= TOL);
		free(q);
		free(k);
		free(v);
		free(o);
		free(r);
		free(work);
	}
}

/*
 * Decoding with a KV cache: attending causally for the last query alone
 * over the whole cache equals the last row of the full causal pass.
 */
TEST(nn_attention_kv_cache)
{
	enum {T = 6, D = 8, NH = 2};
	float	   *q,
			   *k,
			   *v;
	float		full[T * D],
				one[D];
	float	   *work = zeros(pt_attention_workspace(T, T));

	seed(11);
	q = rand_vec(T * D, 1.0f);
	k = rand_vec(T * D, 1.0f);
	v = rand_vec(T * D, 1.0f);
	pt_attention(q, T, k, v, T, D, NH, 1, -1, full, work);
	for (int t = 1; t <= T; t++)
	{
		/* the query at position t-1 over a cache holding t keys */
		pt_attention(q + (t - 1) * D, 1, k, v, t, D, NH, 1, -1, one, work);
		CHECK(max_err(one, full + (t - 1) * D, D) <= TOL);
		/* same through n_valid_keys over the full-size cache buffer */
		pt_attention(q + (t - 1) * D, 1, k, v, T, D, NH, 0, t, one, work);
		CHECK(max_err(one, full + (t - 1) * D, D) <= TOL);
	}
	free(q);
	free(k);
	free(v);
	free(work);
}
