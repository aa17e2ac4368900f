/*
 * test_conv_q8.c — the 8-bit convolution (conv_q8.h).
 *
 * The dispatched kernel (VNNI where the CPU has it) must equal the portable
 * one bit for bit, and both must equal nn.c's fp32 convolution of the
 * dequantized inputs and weights, which pins down the weight packing.
 */
#include "conv_q8.h"
#include "linear_q8.h"
#include "nn.h"
#include "unit.h"

#include <stdlib.h>

typedef struct q8_case
{
	int			T,
				k,
				dim,
				filters;
	uint8_t    *x;				/* [T, dim] */
	int8_t	   *w;				/* [k][dim / 4][filters][4] */
	float	   *scale,
			   *bias;
	int32_t    *offset;
	pt_conv_q8	conv;
} q8_case;

static uint32_t rng = 12345;

static void
case_init(q8_case *c, int T, int k, int dim, int filters)
{
	size_t		nw = (size_t) k * dim * filters;

	*c = (q8_case) {.T = T, .k = k, .dim = dim, .filters = filters};
	c->x = malloc((size_t) T * dim);
	c->w = malloc(nw);
	c->scale = malloc(sizeof(float) * filters);
	c->bias = malloc(sizeof(float) * filters);
	c->offset = malloc(sizeof(int32_t) * filters);
	for (size_t i = 0; i < (size_t) T * dim; i++)
		c->x[i] = (uint8_t) (1 + unit_rand(&rng) % 255);
	for (size_t i = 0; i < nw; i++)
		c->w[i] = (int8_t) ((int) (unit_rand(&rng) % 255) - 127);
	for (int f = 0; f < filters; f++)
	{
		c->scale[f] = 1e-3f * (float) (1 + unit_rand(&rng) % 100);
		c->bias[f] = 0.01f * (float) ((int) (unit_rand(&rng) % 200) - 100);
	}
	pt_conv_q8_offsets(c->w, k, dim, filters, c->offset);
	c->conv = (pt_conv_q8) {.width = k, .dim = dim, .filters = filters, .w = c->w,
	.scale = c->scale, .bias = c->bias, .offset = c->offset};
}

static void
case_free(q8_case *c)
{
	free(c->x);
	free(c->w);
	free(c->scale);
	free(c->bias);
	free(c->offset);
}

TEST(conv_q8_kernel_matches_portable)
{
	static const int Ts[] = {5, 6, 7, 8, 9, 31, 200};
	static const int dims[] = {8, 64};
	static const int filters[] = {64, 128};

	for (int k = 1; k <= 5; k++)
		for (size_t a = 0; a < sizeof Ts / sizeof Ts[0]; a++)
			for (size_t d = 0; d < 2; d++)
				for (size_t f = 0; f < 2; f++)
				{
					q8_case c;
					size_t		n = (size_t) (Ts[a] - k + 1) * filters[f];
					float	   *fast,
							   *slow;

					case_init(&c, Ts[a], k, dims[d], filters[f]);
					fast = malloc(sizeof(float) * n);
					slow = malloc(sizeof(float) * n);
					pt_conv1d_q8(c.x, c.T, &c.conv, fast);
					pt_conv1d_q8_portable(c.x, c.T, &c.conv, slow);
					CHECK(memcmp(fast, slow, sizeof(float) * n) == 0);
					free(fast);
					free(slow);
					case_free(&c);
				}
}

/*
 * The fused max-pool equals the portable convolution of the packed rows
 * then max-pooling each row's own windows with a ReLU floor, bit for bit:
 * rows of 1 to 10 windows (tiles full and partial), zero scales, negative
 * biases.
 */
TEST(conv_q8_maxpool_matches_conv_then_pool)
{
	enum
	{
		B = 10, DIM = 64, F = 128
	};

	for (int k = 1; k <= 5; k++)
	{
		size_t		start[B + 1] = {0};
		q8_case		c;
		float	   *y,
					got[B * F],
					want[B * F];

		for (int b = 0; b < B; b++)
			start[b + 1] = start[b] + (size_t) (k + b);	/* row b has b + 1 windows */
		case_init(&c, (int) start[B], k, DIM, F);
		for (int f = 0; f < F; f += 7)
			c.scale[f] = 0.0f;
		y = malloc(sizeof(float) * (start[B] - (size_t) k + 1) * F);
		pt_conv1d_q8_portable(c.x, c.T, &c.conv, y);
		for (int b = 0; b < B; b++)
			for (int f = 0; f < F; f++)
			{
				float		m = 0.0f;

				for (size_t p = start[b]; p + (size_t) k <= start[b + 1]; p++)
					m = y[p * F + f] > m ? y[p * F + f] : m;
				want[b * F + f] = m;
			}
		CHECK(pt_conv1d_q8_maxpool(c.x, start, B, &c.conv, got, F) == pt_q8_supported());
		if (pt_q8_supported())
			CHECK(memcmp(got, want, sizeof got) == 0);
		free(y);
		case_free(&c);
	}
}

/* y = t_f · Σ (u − 128) · r + b_f is nn.c's conv of the dequantized x and W */
TEST(conv_q8_equals_fp32_conv_of_dequantized)
{
	q8_case c;
	int			T = 11,
				k = 3,
				dim = 8,
				F = 64,
				P = T - k + 1;
	float	   *x = malloc(sizeof(float) * T * dim),
			   *W = malloc(sizeof(float) * F * dim * k),
			   *want = malloc(sizeof(float) * P * F),
			   *got = malloc(sizeof(float) * P * F),
			   *work = malloc(sizeof(float) * pt_conv1d_workspace(T, dim, k, 0));

	case_init(&c, T, k, dim, F);
	for (int i = 0; i < T * dim; i++)
		x[i] = (float) ((int) c.x[i] - 128);
	for (int j = 0; j < k; j++)
		for (int g = 0; g < dim / 4; g++)
			for (int f = 0; f < F; f++)
				for (int i = 0; i < 4; i++)
					W[((size_t) f * dim + 4 * g + i) * k + j] =
						c.scale[f] * c.w[(((size_t) j * (dim / 4) + g) * F + f) * 4 + i];
	pt_conv1d(x, T, dim, W, c.bias, F, k, 0, want, work);
	pt_conv1d_q8(c.x, T, &c.conv, got);
	for (int i = 0; i < P * F; i++)
		CHECK_NEAR(got[i], want[i], 1e-3 * (1.0 + fabs(want[i])));
	free(x);
	free(W);
	free(want);
	free(got);
	free(work);
	case_free(&c);
}

TEST(q8_quantize_rows_rounds_and_clamps)
{
	float		x[4] = {0.0f, 1.26f, -1.26f, 1000.0f};
	float		inv[4] = {10.0f, 10.0f, 10.0f, 10.0f};
	uint8_t		q[4];

	pt_q8_quantize_rows(x, 1, 4, inv, q);
	CHECK(q[0] == 128);
	CHECK(q[1] == 141);
	CHECK(q[2] == 115);
	CHECK(q[3] == 255);
}

/* the 16-wide quantization (VNNI CPUs, dim % 16 == 0) rounds exactly as the scalar rule */
TEST(q8_quantize_rows_wide_matches_rule)
{
	enum
	{
		N = 37, D = 64
	};
	static float x[N * D],
				inv[D];
	static uint8_t q[N * D];

	for (int d = 0; d < D; d++)
		inv[d] = 0.5f + (float) (unit_rand(&rng) % 100);
	for (int i = 0; i < N * D; i++)
		x[i] = ((float) (unit_rand(&rng) % 2001) - 1000.0f) / 397.0f;
	x[0] = 0.5f / inv[0];		/* exact halves round away from zero */
	x[1] = -0.5f / inv[1];
	pt_q8_quantize_rows(x, N, D, inv, q);
	for (int i = 0; i < N * D; i++)
	{
		float		v = x[i] * inv[i % D];

		v = v < -127.0f ? -127.0f : v > 127.0f ? 127.0f : v;
		CHECK(q[i] == (uint8_t) (128 + (int) (v + (v < 0.0f ? -0.5f : 0.5f))));
	}
}

/*
 * The 8-bit linear layer (linear_q8.h) is x quantized per input dimension,
 * then the width-1 convolution: y = t_o · Σ_d q_d · r_{o,d} + b_o, where x_d
 * rounds to s_d · q_d.  Checked against that sum in double, and against the
 * fp32 layer it approximates.
 */
TEST(linear_q8_is_quantized_linear)
{
	enum
	{
		M = 5, IN = 64, OUT = 128
	};
	q8_case		c;
	pt_linear_q8 l;
	float		x[M * IN],
				inv[IN],
				y[M * OUT];
	uint8_t		q[M * IN];

	case_init(&c, 1, 1, IN, OUT);
	for (int d = 0; d < IN; d++)
		inv[d] = 127.0f;		/* s_d = 1 / 127: inputs in [-1, 1] */
	for (int i = 0; i < M * IN; i++)
		x[i] = ((float) (unit_rand(&rng) % 2001) - 1000.0f) / 1000.0f;
	l = (pt_linear_q8) {.conv = c.conv, .inv_scale = inv, .on = 1};
	pt_linear_q8_apply(&l, x, M, q, y);
	for (int m = 0; m < M; m++)
		for (int o = 0; o < OUT; o++)
		{
			double		exact = 0,
						fp32 = 0,
						rounding = 0;	/* each q_d is within half a step of 127 x_d */

			for (int d = 0; d < IN; d++)
			{
				double		r = c.w[((size_t) (d / 4) * OUT + o) * 4 + d % 4];

				exact += ((int) q[m * IN + d] - 128) * r;
				fp32 += x[m * IN + d] * 127.0 * r;
				rounding += 0.5 * fabs(r);
			}
			CHECK_NEAR(y[m * OUT + o], c.scale[o] * exact + c.bias[o], 1e-4 * (1 + fabs(y[m * OUT + o])));
			CHECK_NEAR(y[m * OUT + o], c.scale[o] * fp32 + c.bias[o], c.scale[o] * rounding + 1e-3);
		}
	case_free(&c);
}

/* a gathered layer computes exactly the chosen outputs of the whole one */
TEST(linear_q8_gather_keeps_chosen_outputs)
{
	enum
	{
		M = 3, IN = 32, OUT = 256, N = 128
	};
	q8_case		c;
	pt_linear_q8 l,
				g;
	pt_err		err;
	int32_t		ids[N];
	float		x[M * IN],
				inv[IN],
				y[M * OUT],
				yg[M * N];
	uint8_t		q[M * IN];

	case_init(&c, 1, 1, IN, OUT);
	for (int d = 0; d < IN; d++)
		inv[d] = 127.0f;
	for (int i = 0; i < M * IN; i++)
		x[i] = ((float) (unit_rand(&rng) % 2001) - 1000.0f) / 1000.0f;
	for (int k = 0; k < N; k++)
		ids[k] = (k * 37 + 5) % OUT;	/* distinct, not in order */
	l = (pt_linear_q8) {.conv = c.conv, .inv_scale = inv, .on = 1};
	CHECK(pt_linear_q8_gather(&l, ids, N, &g, &err) == PT_OK);
	pt_linear_q8_apply(&l, x, M, q, y);
	pt_linear_q8_apply(&g, x, M, q, yg);
	for (int m = 0; m < M; m++)
		for (int k = 0; k < N; k++)
			CHECK(yg[m * N + k] == y[m * OUT + ids[k]]);
	pt_linear_q8_free(&g);
	CHECK(pt_linear_q8_gather(&l, ids, 100, &g, &err) == PT_ERR_ARG && g.inv_scale == NULL);
	case_free(&c);
}

/* the offsets (the VNNI kernel's, where it runs) are 128 · Σ r_f over the taps and inputs */
TEST(conv_q8_offsets_sum_the_weights)
{
	static const int shapes[][3] = {{1, 128, 64}, {3, 32, 128}, {2, 4, 64}, {1, 8, 100}};

	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
	{
		int			k = shapes[s][0],
					dim = shapes[s][1],
					F = shapes[s][2];
		int8_t	   *w = malloc((size_t) k * dim * F);
		int32_t    *got = malloc(sizeof(int32_t) * F);

		for (int i = 0; i < k * dim * F; i++)
			w[i] = (int8_t) ((int) (unit_rand(&rng) % 255) - 127);
		pt_conv_q8_offsets(w, k, dim, F, got);
		for (int f = 0; f < F; f++)
		{
			int32_t		want = 0;

			for (int g = 0; g < k * dim / 4; g++)
				for (int i = 0; i < 4; i++)
					want += 128 * w[((size_t) g * F + f) * 4 + i];
			CHECK(got[f] == want);
		}
		free(w);
		free(got);
	}
}
