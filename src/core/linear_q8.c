/* linear_q8.c — the 8-bit linear layer of linear_q8.h. */
#include "linear_q8.h"

#include <stdio.h>
#include <string.h>

pt_status
pt_linear_q8_load(const pt_model *m, const char *name, int in, int out,
				  const float *bias, pt_linear_q8 *l, pt_err *err)
{
	char		key[96];
	const pt_tensor *w;
	const float *in_scale;
	pt_status	st;

	*l = (pt_linear_q8) {0};
	snprintf(key, sizeof key, "%s.q8", name);
	if (pt_model_tensor(m, key) == NULL)
		return PT_OK;
	if (in % 4 != 0 || out % 64 != 0)
		return pt_fail(err, PT_ERR_MODEL, "model \"%s\": %s needs in %% 4 == 0 and out %% 64 == 0",
					   m->name, key);
	if ((st = pt_model_require(m, key, PT_I8, 4, (int64_t[]) {1, in / 4, out, 4}, &w, err)) != PT_OK)
		return st;
	snprintf(key, sizeof key, "%s.q8_scale", name);
	if ((st = pt_model_require_f32(m, key, 1, (int64_t[]) {out}, &l->conv.scale, err)) != PT_OK)
		return st;
	for (int o = 0; o < out; o++)
		if (!(l->conv.scale[o] >= 0.0f))
			return pt_fail(err, PT_ERR_MODEL, "model \"%s\": %s must be non-negative", m->name, key);
	snprintf(key, sizeof key, "%s.q8_in_scale", name);
	if ((st = pt_model_require_f32(m, key, 1, (int64_t[]) {in}, &in_scale, err)) != PT_OK)
		return st;
	/* one allocation: in inverse scales, out offsets, out zeros for a missing bias (4-byte types) */
	l->inv_scale = pt_alloc_zero(pt_mul_size((size_t) in + 2 * (size_t) out, sizeof(float)));
	if (l->inv_scale == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	for (int d = 0; d < in; d++)
	{
		if (!(in_scale[d] > 0.0f))
		{
			pt_linear_q8_free(l);
			return pt_fail(err, PT_ERR_MODEL, "model \"%s\": %s must be positive", m->name, key);
		}
		l->inv_scale[d] = 1.0f / in_scale[d];
	}
	l->conv.width = 1;
	l->conv.dim = in;
	l->conv.filters = out;
	l->conv.w = w->data;
	l->conv.bias = bias ? bias : l->inv_scale + in + out;
	pt_conv_q8_offsets(l->conv.w, 1, in, out, (int32_t *) (l->inv_scale + in));
	l->conv.offset = (const int32_t *) (l->inv_scale + in);
	l->on = pt_q8_supported();
	return PT_OK;
}

void
pt_linear_q8_free(pt_linear_q8 *l)
{
	pt_free(l->inv_scale);
	*l = (pt_linear_q8) {0};
}

int
pt_linear_q8_set(pt_linear_q8 *l, int on)
{
	l->on = on && l->conv.w != NULL && pt_q8_supported();
	return l->on;
}

pt_status
pt_linear_q8_gather(const pt_linear_q8 *l, const int32_t *ids, int n, pt_linear_q8 *dst,
					pt_err *err)
{
	size_t		in = (size_t) l->conv.dim,
				F = (size_t) l->conv.filters;
	float	   *scale,
			   *bias;
	int32_t    *offset;
	int8_t	   *w;

	*dst = (pt_linear_q8) {0};
	if (n < 64 || n % 64 != 0)
		return pt_fail(err, PT_ERR_ARG, "8-bit layer: %d outputs is not a multiple of 64", n);
	/* one allocation, freed as inv_scale: inv_scale [in], offset, scale, bias [n], then w */
	dst->inv_scale = pt_alloc(pt_mul_size(in + 3 * (size_t) n, sizeof(float)) + in * (size_t) n);
	if (dst->inv_scale == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	memcpy(dst->inv_scale, l->inv_scale, in * sizeof(float));
	offset = (int32_t *) (dst->inv_scale + in);
	scale = dst->inv_scale + in + n;
	bias = scale + n;
	w = (int8_t *) (bias + n);
	for (int k = 0; k < n; k++)
	{
		offset[k] = l->conv.offset[ids[k]];
		scale[k] = l->conv.scale[ids[k]];
		bias[k] = l->conv.bias[ids[k]];
	}
	/* packed [in/4][out][4]: 4 bytes per output and group of inputs */
	for (size_t g = 0; g < in / 4; g++)
		for (int k = 0; k < n; k++)
			memcpy(w + (g * (size_t) n + (size_t) k) * 4, l->conv.w + (g * F + (size_t) ids[k]) * 4, 4);
	dst->conv = (pt_conv_q8) {.width = 1, .dim = l->conv.dim, .filters = n, .w = w,
	.scale = scale, .bias = bias, .offset = offset};
	dst->on = l->on;
	return PT_OK;
}

void
pt_linear_q8_apply(const pt_linear_q8 *l, const float *x, int M, uint8_t *q, float *y)
{
	pt_q8_quantize_rows(x, (size_t) M, l->conv.dim, l->inv_scale, q);
	pt_conv1d_q8(q, M, &l->conv, y);
}
