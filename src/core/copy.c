/*
 * copy.c — the pointer-generator mixture in log space (copy.h).
 */
#include "copy.h"

#include <math.h>
#include <string.h>

#include "nn.h"

void
pt_copy_index(const int32_t *ids, int n, pt_copy_source *c)
{
	int			k = 0;

	/* sources are short (a few hundred ids): a linear probe beats hashing */
	for (int j = 0; j < n; j++)
	{
		int			u = 0;

		while (u < k && c->uniq[u] != ids[j])
			u++;
		if (u == k)
			c->uniq[k++] = ids[j];
		c->pos_uniq[j] = u;
	}
	c->n = n;
	c->n_uniq = k;
}

void
pt_copy_mix(const pt_copy_source *c, const float *attn, float p_gen, float *logits, int V,
			float *mass)
{
	float		lse = pt_logsumexp(logits, V),
				shift = logf(fmaxf(p_gen, 1e-20f)) - lse;

	memset(mass, 0, c->n_uniq * sizeof(float));
	for (int j = 0; j < c->n; j++)
		mass[c->pos_uniq[j]] += attn[j];
	for (int u = 0; u < c->n_uniq; u++)
	{
		int32_t		id = c->uniq[u];
		float		p = p_gen * expf(logits[id] - lse) + (1.0f - p_gen) * mass[u];

		logits[id] = logf(fmaxf(p, 1e-20f)) - shift;	/* shift is added to every id below */
	}
	pt_add_inplace(logits, (size_t) V, shift);
}
