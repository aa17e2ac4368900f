/*
 * conv_q8.c — the 8-bit convolution of conv_q8.h: an AVX-512 VNNI kernel
 * chosen at run time, and a portable one for other CPUs and for tests.
 *
 * The kernel needs no im2col: window p's input for tap j is row p + j of x,
 * so four neighbouring windows read four consecutive rows.  A tile is 4
 * windows × 64 filters: 16 int32 accumulators, 4 weight vectors loaded and
 * 4 broadcasts per group of 4 input bytes, each used 4 times.
 */
#include "conv_q8.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define PT_HAVE_VNNI_KERNEL 1
#endif

#define TILE_WINDOWS 4
#define TILE_FILTERS 64

void
pt_conv_q8_offsets(const int8_t *w, int width, int dim, int filters, int32_t *offset)
{
	size_t		groups = (size_t) width * (dim / 4);

	memset(offset, 0, sizeof(int32_t) * (size_t) filters);
	for (size_t g = 0; g < groups; g++)
		for (int f = 0; f < filters; f++)
			for (int i = 0; i < 4; i++)
				offset[f] += 128 * w[(g * (size_t) filters + (size_t) f) * 4 + (size_t) i];
}

static int	quantize_vnni(const float *x, size_t n, int dim, const float *inv_scale, uint8_t *q);

void
pt_q8_quantize_rows(const float *x, size_t n, int dim, const float *inv_scale, uint8_t *q)
{
	if (quantize_vnni(x, n, dim, inv_scale, q))
		return;
	/* round half away from zero: add ±0.5, then truncate */
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < dim; d++)
		{
			float		v = x[i * (size_t) dim + (size_t) d] * inv_scale[d];

			v = v < -127.0f ? -127.0f : v > 127.0f ? 127.0f : v;
			q[i * (size_t) dim + (size_t) d] = (uint8_t) (128 + (int) (v + (v < 0.0f ? -0.5f : 0.5f)));
		}
}

/* the float output of one accumulator: t_f · (acc − offset_f) + b_f */
static inline float
epilogue(const pt_conv_q8 *c, int f, int32_t acc)
{
	return fmaf((float) (acc - c->offset[f]), c->scale[f], c->bias[f]);
}

void
pt_conv1d_q8_portable(const uint8_t *x, int T, const pt_conv_q8 *c, float *y)
{
	int			G = c->dim / 4,
				F = c->filters;

	for (int p = 0; p + c->width <= T; p++)
		for (int f = 0; f < F; f++)
		{
			int32_t		acc = 0;

			for (int j = 0; j < c->width; j++)
				for (int g = 0; g < G; g++)
					for (int i = 0; i < 4; i++)
						acc += (int32_t) x[(size_t) (p + j) * c->dim + 4 * g + i] *
							c->w[(((size_t) j * G + g) * F + f) * 4 + i];
			y[(size_t) p * F + f] = epilogue(c, f, acc);
		}
}

#ifdef PT_HAVE_VNNI_KERNEL

int
pt_q8_supported(void)
{
	static int	vnni = -1;		/* the answer never changes: ask the CPU once */

	if (vnni < 0)
	{
		__builtin_cpu_init();
		vnni = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni");
	}
	return vnni;
}

#define VNNI __attribute__((target("avx512f,avx512vnni")))

/* n (1..TILE_WINDOWS) windows from p, filters f0 .. f0 + 63 */
VNNI static inline void
tile(const uint8_t *x, int p, int n, int f0, const pt_conv_q8 *c, float *y)
{
	int			G = c->dim / 4,
				F = c->filters;
	__m512i		acc[TILE_WINDOWS][4];

#pragma GCC unroll 4
	for (int i = 0; i < TILE_WINDOWS; i++)
#pragma GCC unroll 4
		for (int t = 0; t < 4; t++)
			acc[i][t] = _mm512_setzero_si512();
	for (int j = 0; j < c->width; j++)
	{
		const int32_t *rows = (const int32_t *) (x + (size_t) (p + j) * c->dim);
		const int8_t *wj = c->w + ((size_t) j * G * F + f0) * 4;

		for (int g = 0; g < G; g++)
		{
			const int8_t *wg = wj + (size_t) g * F * 4;
			__m512i		b[4];

#pragma GCC unroll 4
			for (int t = 0; t < 4; t++)
				b[t] = _mm512_loadu_si512(wg + 64 * t);
#pragma GCC unroll 4
			for (int i = 0; i < TILE_WINDOWS; i++)
			{
				__m512i		a;

				if (i >= n)
					break;
				a = _mm512_set1_epi32(rows[(size_t) i * G + g]);
#pragma GCC unroll 4
				for (int t = 0; t < 4; t++)
					acc[i][t] = _mm512_dpbusd_epi32(acc[i][t], a, b[t]);
			}
		}
	}
	for (int i = 0; i < n; i++)
#pragma GCC unroll 4
		for (int t = 0; t < 4; t++)
		{
			int			f = f0 + 16 * t;
			__m512		v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[i][t], _mm512_loadu_si512(c->offset + f)));

			_mm512_storeu_ps(y + (size_t) (p + i) * F + f,
							 _mm512_fmadd_ps(v, _mm512_loadu_ps(c->scale + f), _mm512_loadu_ps(c->bias + f)));
		}
}

/* pt_q8_quantize_rows 16 values at a time, the same arithmetic (dim % 16 == 0) */
VNNI static void
quantize_avx512(const float *x, size_t n, int dim, const float *inv_scale, uint8_t *q)
{
	const __m512 lo = _mm512_set1_ps(-127.0f),
				hi = _mm512_set1_ps(127.0f),
				half = _mm512_set1_ps(0.5f),
				zero = _mm512_setzero_ps();
	const __m512i bias = _mm512_set1_epi32(128);

	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < dim; d += 16)
		{
			__m512		v = _mm512_mul_ps(_mm512_loadu_ps(x + i * (size_t) dim + (size_t) d),
										  _mm512_loadu_ps(inv_scale + d));
			__mmask16	neg;

			v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
			neg = _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ);
			v = _mm512_mask_sub_ps(_mm512_add_ps(v, half), neg, v, half);
			_mm_storeu_si128((__m128i *) (q + i * (size_t) dim + (size_t) d),
							 _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvttps_epi32(v), bias)));
		}
}

static int
quantize_vnni(const float *x, size_t n, int dim, const float *inv_scale, uint8_t *q)
{
	if (!pt_q8_supported() || dim % 16 != 0)
		return 0;
	quantize_avx512(x, n, dim, inv_scale, q);
	return 1;
}

VNNI static void
conv_vnni(const uint8_t *x, int T, const pt_conv_q8 *c, float *y)
{
	int			P = T - c->width + 1;

	for (int f0 = 0; f0 < c->filters; f0 += TILE_FILTERS)
	{
		int			p = 0;

		for (; p + TILE_WINDOWS <= P; p += TILE_WINDOWS)
			tile(x, p, TILE_WINDOWS, f0, c, y);
		if (p < P)
			tile(x, p, P - p, f0, c, y);
	}
}

void
pt_conv1d_q8(const uint8_t *x, int T, const pt_conv_q8 *c, float *y)
{
	if (pt_q8_supported() && c->dim % 4 == 0 && c->filters % TILE_FILTERS == 0)
		conv_vnni(x, T, c, y);
	else
		pt_conv1d_q8_portable(x, T, c, y);
}

#else							/* no x86-64 GCC: the portable kernel only */

int
pt_q8_supported(void)
{
	return 0;
}

static int
quantize_vnni(const float *x, size_t n, int dim, const float *inv_scale, uint8_t *q)
{
	return 0;
}

void
pt_conv1d_q8(const uint8_t *x, int T, const pt_conv_q8 *c, float *y)
{
	pt_conv1d_q8_portable(x, T, c, y);
}

#endif
