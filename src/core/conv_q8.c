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
#include "pt_common.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define PT_HAVE_VNNI_KERNEL 1
#endif

#define TILE_WINDOWS 4
#define TILE_FILTERS 64

static int	offsets_vnni(const pt_conv_q8 *c, int32_t *offset);

void
pt_conv_q8_offsets(const int8_t *w, int width, int dim, int filters, int32_t *offset)
{
	size_t		groups = (size_t) width * (dim / 4);
	pt_conv_q8	c = {.width = width, .dim = dim, .filters = filters, .w = w};

	/* computed at every model load: the 16,000-row decoder projections took a millisecond */
	if (offsets_vnni(&c, offset))
		return;
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

/*
 * The multiply-adds of a tile: acc[i][t] for n (1..TILE_WINDOWS) windows
 * from p, filters f0 + 16t .. + 15.  Always inlined so that callers passing
 * n = TILE_WINDOWS (tile_acc_any) get a copy without the window checks; indices are
 * size_t so that the addressing does not depend on -fwrapv (which
 * PostgreSQL's build sets, and which cost a third of the speed with int).
 */
VNNI static inline __attribute__((always_inline)) void
tile_acc(const uint8_t *x, size_t p, size_t n, size_t f0, const pt_conv_q8 *c, __m512i acc[TILE_WINDOWS][4])
{
	size_t		G = (size_t) c->dim / 4,
				F = (size_t) c->filters;

#pragma GCC unroll 4
	for (size_t i = 0; i < TILE_WINDOWS; i++)
#pragma GCC unroll 4
		for (size_t t = 0; t < 4; t++)
			acc[i][t] = _mm512_setzero_si512();
	for (size_t j = 0; j < (size_t) c->width; j++)
	{
		const int32_t *rows = (const int32_t *) (x + (p + j) * (size_t) c->dim);
		const int8_t *wg = c->w + (j * G * F + f0) * 4;

		for (size_t g = 0; g < G; g++, wg += F * 4)
		{
			__m512i		b[4];

#pragma GCC unroll 4
			for (size_t t = 0; t < 4; t++)
				b[t] = _mm512_loadu_si512(wg + 64 * t);
#pragma GCC unroll 4
			for (size_t i = 0; i < TILE_WINDOWS; i++)
			{
				__m512i		a;

				if (i >= n)
					break;
				a = _mm512_set1_epi32(rows[i * G + g]);
#pragma GCC unroll 4
				for (size_t t = 0; t < 4; t++)
					acc[i][t] = _mm512_dpbusd_epi32(acc[i][t], a, b[t]);
			}
		}
	}
}

/* tile_acc with a copy for full tiles, whose window checks fold away */
VNNI static inline __attribute__((always_inline)) void
tile_acc_any(const uint8_t *x, int p, int n, int f0, const pt_conv_q8 *c, __m512i acc[TILE_WINDOWS][4])
{
	if (n == TILE_WINDOWS)
		tile_acc(x, (size_t) p, TILE_WINDOWS, (size_t) f0, c, acc);
	else
		tile_acc(x, (size_t) p, (size_t) n, (size_t) f0, c, acc);
}

/* epilogue() for the 16 filters from f */
VNNI static inline __m512
epilogue16(const pt_conv_q8 *c, int f, __m512i acc)
{
	__m512		v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc, _mm512_loadu_si512(c->offset + f)));

	return _mm512_fmadd_ps(v, _mm512_loadu_ps(c->scale + f), _mm512_loadu_ps(c->bias + f));
}

/* y of n (1..TILE_WINDOWS) windows from p, filters f0 .. f0 + 63 */
VNNI static inline void
tile(const uint8_t *x, int p, int n, int f0, const pt_conv_q8 *c, float *y)
{
	__m512i		acc[TILE_WINDOWS][4];

	tile_acc_any(x, p, n, f0, c, acc);
	for (int i = 0; i < n; i++)
#pragma GCC unroll 4
		for (int t = 0; t < 4; t++)
			_mm512_storeu_ps(y + (size_t) (p + i) * c->filters + f0 + 16 * t, epilogue16(c, f0 + 16 * t, acc[i][t]));
}

VNNI static void
offsets_avx512(const uint8_t *x, const pt_conv_q8 *c, int32_t *offset)
{
	for (int f0 = 0; f0 < c->filters; f0 += TILE_FILTERS)
	{
		__m512i		acc[TILE_WINDOWS][4];

		tile_acc(x, 0, 1, (size_t) f0, c, acc);
#pragma GCC unroll 4
		for (int t = 0; t < 4; t++)
			_mm512_storeu_si512(offset + f0 + 16 * t, acc[0][t]);
	}
}

/*
 * out[f] = max(0, max of y[p, f] over the windows p = first .. last): the
 * maximum is taken over the int32 accumulators and only it goes through
 * the epilogue, which is monotone (exact int → float, then one rounding of
 * a non-decreasing affine map, as t_f >= 0), so the bits are those of
 * max-pooling y.
 */
VNNI static void
maxpool_windows(const uint8_t *x, int first, int last, const pt_conv_q8 *c, float *out)
{
	for (int f0 = 0; f0 < c->filters; f0 += TILE_FILTERS)
	{
		__m512i		m[4],
					acc[TILE_WINDOWS][4];

#pragma GCC unroll 4
		for (int t = 0; t < 4; t++)
			m[t] = _mm512_set1_epi32(INT32_MIN);
		for (int p = first; p <= last; p += TILE_WINDOWS)
		{
			int			n = last - p + 1 < TILE_WINDOWS ? last - p + 1 : TILE_WINDOWS;

			tile_acc_any(x, p, n, f0, c, acc);
			for (int i = 0; i < n; i++)
#pragma GCC unroll 4
				for (int t = 0; t < 4; t++)
					m[t] = _mm512_max_epi32(m[t], acc[i][t]);
		}
#pragma GCC unroll 4
		for (int t = 0; t < 4; t++)
			_mm512_storeu_ps(out + f0 + 16 * t,
							 _mm512_max_ps(epilogue16(c, f0 + 16 * t, m[t]), _mm512_setzero_ps()));
	}
}

static int	vnni_fits(const pt_conv_q8 *c);

/* the offsets are the accumulators of an input of 128s: one window of the kernel */
static int
offsets_vnni(const pt_conv_q8 *c, int32_t *offset)
{
	size_t		bytes = (size_t) c->width * (size_t) c->dim;
	uint8_t    *x;

	if (!vnni_fits(c) || (x = pt_alloc(bytes)) == NULL)
		return 0;
	memset(x, 128, bytes);
	offsets_avx512(x, c, offset);
	pt_free(x);
	return 1;
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

static int
vnni_fits(const pt_conv_q8 *c)
{
	return pt_q8_supported() && c->dim % 4 == 0 && c->filters % TILE_FILTERS == 0;
}

void
pt_conv1d_q8(const uint8_t *x, int T, const pt_conv_q8 *c, float *y)
{
	if (vnni_fits(c))
		conv_vnni(x, T, c, y);
	else
		pt_conv1d_q8_portable(x, T, c, y);
}

int
pt_conv1d_q8_maxpool(const uint8_t *x, const size_t *start, int B, const pt_conv_q8 *c,
					 float *out, size_t stride)
{
	if (!vnni_fits(c))
		return 0;
	for (int b = 0; b < B; b++)
		maxpool_windows(x, (int) start[b], (int) (start[b + 1] - (size_t) c->width), c, out + (size_t) b * stride);
	return 1;
}

#else							/* no x86-64 GCC: the portable kernel only */

int
pt_q8_supported(void)
{
	return 0;
}

static int
offsets_vnni(const pt_conv_q8 *c, int32_t *offset)
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

int
pt_conv1d_q8_maxpool(const uint8_t *x, const size_t *start, int B, const pt_conv_q8 *c,
					 float *out, size_t stride)
{
	return 0;
}

#endif
