/*
 * seq2seq.c — encoder, bridge and decoder step of the pointer-generator
 * LSTM (seq2seq.h).
 *
 * Cost per decoder step and hypothesis: the LSTM cell (4D × (E+2H+D)), the
 * attention over the row's source (2 × len × D), and the tied output
 * projection (V × E), which dominates; all three are GEMMs/GEMVs shared by
 * the hypotheses of every row.  The copy mixture is copy.h's.
 */
#include "seq2seq.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "copy.h"
#include "nn.h"
#include "tokenizer.h"

struct pt_s2s_batch
{
	const pt_s2s *m;
	int			n_rows;
	int			max_hyps;
	int		   *src_len;		/* [n_rows] */
	pt_copy_source *copy;		/* [n_rows] the sources' ids for the copy mixture */
	float	  **enc;			/* per row [len, 2H] */
	float	  **keys;			/* per row [len, D]: enc · attn_wᵀ */
	float	   *h0, *c0;		/* [n_rows, D] decoder start state */

	/* hypothesis state, double-buffered: cur = previous step, nxt = this one */
	float	   *h[2], *c[2], *ctx[2];	/* [max_hyps, D], [max_hyps, D], [max_hyps, 2H] */
	int			cur;

	/* step scratch */
	float	   *x;				/* [max_hyps, E + 2H] */
	float	   *hc;				/* [max_hyps, D + 2H] */
	float	   *o;				/* [max_hyps, E] */
	float	   *attn;			/* [max_hyps, max_src] attention weights */
	float	   *p_gen;			/* [max_hyps] */
	float	   *mass;			/* [max_src] scratch of pt_copy_mix */
	float	   *work;			/* pt_lstm_step_workspace(max_hyps, D) */
	uint8_t    *q;				/* [max_hyps, E + D + 2H] the 8-bit layers' quantized inputs */

	/*
	 * the encoder's scratch (T = the longest source): x [T, B, E], out
	 * [T, B, H], the LSTM's work, hcat, ccat [B, 2H], h, c [B, H], q
	 */
	float	   *enc_x, *enc_out, *enc_work, *enc_hcat, *enc_ccat, *enc_h, *enc_c;
	uint8_t    *enc_q;

	void	   *arena;			/* every array above lives in one allocation */
	size_t		arena_bytes;	/* its size, for a later batch to reuse (pt_s2s_encode) */

	/* the output columns (pt_s2s_encode): all V, or the shortlist's */
	int			width;
	int32_t    *cols;			/* [width] ascending ids, or NULL: all */
	const float *embed_cols,	/* [width, E] output projection rows */
			   *bias_cols;		/* [width] */
	const pt_linear_q8 *logits_q8;	/* 8-bit projection over the columns */
	pt_linear_q8 gathered_q8;	/* its storage when cols */
	float	   *gathered;		/* the fp32 rows' storage when cols */
	int32_t    *excl;			/* when cols: row r may not generate columns */
	int		   *excl_start;		/* excl[excl_start[r] .. excl_start[r+1]) */
};

/* ---- loading ---- */

/* the optional tensor "shortlist": i32 [N], ids in [0, V) */
static pt_status
load_shortlist(const pt_model *m, pt_s2s *s, pt_err *err)
{
	static const int64_t any1[1] = {-1};
	const pt_tensor *t;
	const int32_t *ids;
	pt_status	st;

	if (pt_model_tensor(m, "shortlist") == NULL)
		return PT_OK;
	if ((st = pt_model_require(m, "shortlist", PT_I32, 1, any1, &t, err)) != PT_OK)
		return st;
	if (t->shape[0] < 1 || t->shape[0] > s->vocab)
		return pt_fail(err, PT_ERR_MODEL, "model \"%s\": a shortlist of %lld ids for %d words",
					   m->name, (long long) t->shape[0], s->vocab);
	ids = t->data;
	for (int64_t i = 0; i < t->shape[0]; i++)
		if (ids[i] < 0 || ids[i] >= s->vocab)
			return pt_fail(err, PT_ERR_MODEL, "model \"%s\": shortlist id %d outside the vocabulary",
						   m->name, (int) ids[i]);
	s->shortlist = ids;
	s->n_shortlist = (int) t->shape[0];
	s->shortlist_on = 1;
	return PT_OK;
}

pt_status
pt_s2s_load(const pt_model *m, int vocab, pt_s2s *s, pt_err *err)
{
	const char *dir[2] = {"fwd", "bwd"};
	int64_t		V,
				E,
				H,
				D;
	pt_status	st;

	memset(s, 0, sizeof *s);
	if ((st = pt_model_require_int32(m, "vocab", vocab, vocab, &s->vocab, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "embed_dim", 1, 4096, &s->embed_dim, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "enc_hidden", 1, 4096, &s->enc_hidden, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "dec_hidden", 1, 4096, &s->dec_hidden, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "max_src_tokens", 2, 4096, &s->max_src, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "max_tgt_tokens", 2, 1024, &s->max_tgt, err)) != PT_OK)
		return st;
	V = s->vocab;
	E = s->embed_dim;
	H = s->enc_hidden;
	D = s->dec_hidden;
	if ((st = pt_model_require_f32(m, "embed", 2, (int64_t[]) {V, E}, &s->embed, err)) != PT_OK)
		return st;
	for (int d = 0; d < 2; d++)
	{
		char		name[32];

		snprintf(name, sizeof name, "enc.%s.weight_ih", dir[d]);
		if ((st = pt_model_require_f32(m, name, 2, (int64_t[]) {4 * H, E}, &s->enc_w_ih[d], err)) != PT_OK)
			return st;
		snprintf(name, sizeof name, "enc.%s.weight_hh", dir[d]);
		if ((st = pt_model_require_f32(m, name, 2, (int64_t[]) {4 * H, H}, &s->enc_w_hh[d], err)) != PT_OK)
			return st;
		snprintf(name, sizeof name, "enc.%s.bias_ih", dir[d]);
		if ((st = pt_model_require_f32(m, name, 1, (int64_t[]) {4 * H}, &s->enc_b_ih[d], err)) != PT_OK)
			return st;
		snprintf(name, sizeof name, "enc.%s.bias_hh", dir[d]);
		if ((st = pt_model_require_f32(m, name, 1, (int64_t[]) {4 * H}, &s->enc_b_hh[d], err)) != PT_OK)
			return st;
	}
	if ((st = pt_model_require_f32(m, "bridge.h.weight", 2, (int64_t[]) {D, 2 * H}, &s->bridge_h_w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "bridge.h.bias", 1, (int64_t[]) {D}, &s->bridge_h_b, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "bridge.c.weight", 2, (int64_t[]) {D, 2 * H}, &s->bridge_c_w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "bridge.c.bias", 1, (int64_t[]) {D}, &s->bridge_c_b, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "dec.weight_ih", 2, (int64_t[]) {4 * D, E + 2 * H}, &s->dec_w_ih, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "dec.weight_hh", 2, (int64_t[]) {4 * D, D}, &s->dec_w_hh, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "dec.bias_ih", 1, (int64_t[]) {4 * D}, &s->dec_b_ih, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "dec.bias_hh", 1, (int64_t[]) {4 * D}, &s->dec_b_hh, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "attn.weight", 2, (int64_t[]) {D, 2 * H}, &s->attn_w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "out.weight", 2, (int64_t[]) {E, D + 2 * H}, &s->out_w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "out.bias", 1, (int64_t[]) {E}, &s->out_b, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "gen.bias", 1, (int64_t[]) {V}, &s->gen_b, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "pgen.weight", 2, (int64_t[]) {1, D + 2 * H + E}, &s->pgen_w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "pgen.bias", 1, (int64_t[]) {1}, &s->pgen_b, err)) != PT_OK)
		return st;
	if ((st = load_shortlist(m, s, err)) != PT_OK)
		return st;
	if ((st = pt_linear_q8_load(m, "logits", (int) E, (int) V, s->gen_b, &s->logits_q8, err)) != PT_OK ||
		(st = pt_linear_q8_load(m, "dec.weight_ih", (int) (E + 2 * H), (int) (4 * D), s->dec_b_ih,
								&s->dec_ih_q8, err)) != PT_OK ||
		(st = pt_linear_q8_load(m, "dec.weight_hh", (int) D, (int) (4 * D), s->dec_b_hh, &s->dec_hh_q8, err)) != PT_OK ||
		(st = pt_linear_q8_load(m, "out.weight", (int) (D + 2 * H), (int) E, s->out_b, &s->out_q8, err)) != PT_OK ||
		(st = pt_linear_q8_load(m, "attn.weight", (int) (2 * H), (int) D, NULL, &s->attn_q8, err)) != PT_OK)
	{
		pt_s2s_free(s);
		return st;
	}
	for (int d = 0; d < 2; d++)
	{
		char		name[32];

		snprintf(name, sizeof name, "enc.%s.weight_ih", d ? "bwd" : "fwd");
		if ((st = pt_linear_q8_load(m, name, (int) E, (int) (4 * H), s->enc_b_ih[d], &s->enc_ih_q8[d], err)) != PT_OK)
			break;
		snprintf(name, sizeof name, "enc.%s.weight_hh", d ? "bwd" : "fwd");
		if ((st = pt_linear_q8_load(m, name, (int) H, (int) (4 * H), s->enc_b_hh[d], &s->enc_hh_q8[d], err)) != PT_OK)
			break;
	}
	if (st != PT_OK)
		pt_s2s_free(s);
	return st;
}

void
pt_s2s_free(pt_s2s *s)
{
	pt_linear_q8_free(&s->logits_q8);
	pt_linear_q8_free(&s->dec_ih_q8);
	pt_linear_q8_free(&s->dec_hh_q8);
	pt_linear_q8_free(&s->out_q8);
	pt_linear_q8_free(&s->attn_q8);
	for (int d = 0; d < 2; d++)
	{
		pt_linear_q8_free(&s->enc_ih_q8[d]);
		pt_linear_q8_free(&s->enc_hh_q8[d]);
	}
}

int
pt_s2s_set_int8(pt_s2s *s, int on)
{
	int			used = pt_linear_q8_set(&s->logits_q8, on);

	used |= pt_linear_q8_set(&s->dec_ih_q8, on);
	used |= pt_linear_q8_set(&s->dec_hh_q8, on);
	used |= pt_linear_q8_set(&s->out_q8, on);
	used |= pt_linear_q8_set(&s->attn_q8, on);
	for (int d = 0; d < 2; d++)
	{
		used |= pt_linear_q8_set(&s->enc_ih_q8[d], on);
		used |= pt_linear_q8_set(&s->enc_hh_q8[d], on);
	}
	return used;
}

int
pt_s2s_set_shortlist(pt_s2s *s, int on)
{
	s->shortlist_on = on && s->shortlist != NULL;
	return s->shortlist_on;
}

/* ---- the batch: one arena for every array ---- */

/* the columns' buffers, outside the arena */
static void
free_columns(pt_s2s_batch *b)
{
	pt_free(b->cols);
	pt_free(b->gathered);
	pt_free(b->excl);
	pt_free(b->excl_start);
	pt_linear_q8_free(&b->gathered_q8);
}

void
pt_s2s_batch_free(pt_s2s_batch *b)
{
	if (b == NULL)
		return;
	free_columns(b);
	pt_free(b->arena);
	pt_free(b);
}

int
pt_s2s_batch_width(const pt_s2s_batch *b)
{
	return b->width;
}

const int32_t *
pt_s2s_batch_columns(const pt_s2s_batch *b)
{
	return b->cols;
}

/* every id scored: the whole vocabulary */
static void
all_columns(pt_s2s_batch *b)
{
	b->width = b->m->vocab;
	b->cols = NULL;
	b->embed_cols = b->m->embed;
	b->bias_cols = b->m->gen_b;
	b->logits_q8 = &b->m->logits_q8;
}

/*
 * Row r may generate: the shortlist, <eos> and its own source's ids
 * (marked in `allowed`, V bytes, the shortlist and <eos> already set).
 * The batch's other columns (other rows' ids, padding) go on the row's
 * exclusion list, so that its outputs do not depend on the other rows.
 */
static void
exclude_for_row(pt_s2s_batch *b, int r, uint8_t *allowed, int32_t *excl, int *n_excl)
{
	const pt_copy_source *c = &b->copy[r];
	int			n = 0;

	for (int u = 0; u < c->n_uniq; u++)
		allowed[c->uniq[u]] |= 2;
	for (int k = 0; k < b->width; k++)
		if (allowed[b->cols[k]] == 0)
			excl[n++] = k;
	for (int u = 0; u < c->n_uniq; u++)
		allowed[c->uniq[u]] &= 1;
	*n_excl = n;
}

/*
 * The batch's columns: the shortlist, <eos> and every row's source ids,
 * padded with the lowest other ids to a multiple of 64 (the 8-bit
 * kernel's tile), ascending.  Marks the shortlist and <eos> in allowed,
 * sets col[id] to an id's column (-1: none) and fills b->cols and
 * b->width, or leaves all columns when that would be nearly all of them.
 */
static pt_status
choose_columns(pt_s2s_batch *b, uint8_t *allowed, int32_t *col, pt_err *err)
{
	const pt_s2s *m = b->m;
	int			V = m->vocab,
				n = 0;

	memset(col, 0xff, (size_t) V * sizeof(int32_t));
	allowed[PT_TOK_EOS] = 1;
	col[PT_TOK_EOS] = 0;
	for (int i = 0; i < m->n_shortlist; i++)
	{
		allowed[m->shortlist[i]] = 1;
		col[m->shortlist[i]] = 0;
	}
	for (int r = 0; r < b->n_rows; r++)
		for (int u = 0; u < b->copy[r].n_uniq; u++)
			col[b->copy[r].uniq[u]] = 0;
	for (int id = 0; id < V; id++)
		n += col[id] == 0;
	b->width = (n + 63) / 64 * 64;
	if (b->width >= V)
	{
		all_columns(b);
		return PT_OK;
	}
	for (int id = 0; n < b->width; id++)
		if (col[id] != 0)
		{
			col[id] = 0;
			n++;
		}
	b->cols = pt_alloc(pt_mul_size((size_t) b->width, sizeof(int32_t)));
	if (b->cols == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	for (int id = 0, k = 0; id < V; id++)
		if (col[id] == 0)
		{
			col[id] = k;
			b->cols[k++] = id;
		}
	return PT_OK;
}

/* the output projection's rows of the columns: 8-bit, or fp32 rows and biases */
static pt_status
gather_projection(pt_s2s_batch *b, pt_err *err)
{
	const pt_s2s *m = b->m;
	size_t		E = (size_t) m->embed_dim,
				W = (size_t) b->width;

	b->logits_q8 = &b->gathered_q8;	/* stays zero, so off, for fp32 */
	if (m->logits_q8.on)
		return pt_linear_q8_gather(&m->logits_q8, b->cols, b->width, &b->gathered_q8, err);
	b->gathered = pt_alloc(pt_mul_size(W, E + 1) * sizeof(float));
	if (b->gathered == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	for (size_t k = 0; k < W; k++)
	{
		memcpy(b->gathered + k * E, m->embed + (size_t) b->cols[k] * E, E * sizeof(float));
		b->gathered[W * E + k] = m->gen_b[b->cols[k]];
	}
	b->embed_cols = b->gathered;
	b->bias_cols = b->gathered + W * E;
	return PT_OK;
}

/*
 * A shortlisted batch (pt_s2s_encode): its columns, each row's exclusions,
 * the copy indexes renumbered from ids to columns, the gathered projection.
 */
static pt_status
shortlist_columns(pt_s2s_batch *b, pt_err *err)
{
	uint8_t    *allowed = pt_alloc_zero((size_t) b->m->vocab);
	int32_t    *col = pt_alloc(pt_mul_size((size_t) b->m->vocab, sizeof(int32_t)));
	pt_status	st;

	if (allowed == NULL || col == NULL)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory");
	else if ((st = choose_columns(b, allowed, col, err)) == PT_OK && b->cols != NULL)
	{
		b->excl = pt_alloc(pt_mul_size(pt_mul_size((size_t) b->n_rows, (size_t) b->width), sizeof(int32_t)));
		b->excl_start = pt_alloc(pt_mul_size((size_t) b->n_rows + 1, sizeof(int)));
		if (b->excl == NULL || b->excl_start == NULL)
			st = pt_fail(err, PT_ERR_NOMEM, "out of memory");
	}
	if (st == PT_OK && b->cols != NULL)
	{
		b->excl_start[0] = 0;
		for (int r = 0; r < b->n_rows; r++)
		{
			int			n;

			exclude_for_row(b, r, allowed, b->excl + b->excl_start[r], &n);
			b->excl_start[r + 1] = b->excl_start[r] + n;
		}
		for (int r = 0; r < b->n_rows; r++)
			for (int u = 0; u < b->copy[r].n_uniq; u++)
				b->copy[r].uniq[u] = col[b->copy[r].uniq[u]];
		st = gather_projection(b, err);
	}
	pt_free(allowed);
	pt_free(col);
	return st;
}

/*
 * Lay out the arena: per-row arrays are sized by the rows' lengths.  The
 * arena of reuse (a batch of an earlier call, or NULL) serves when it is
 * large enough, else reuse is freed: a call that decodes many batches
 * then allocates its megabytes once, not once per batch (freed and
 * allocated again, they were handed back to the kernel and faulted in
 * anew: 8 % of a greedy summary in batches of 16).
 */
static pt_status
alloc_batch(const pt_s2s *m, int n_rows, const int *n_ids, int max_hyps, pt_s2s_batch *reuse,
			pt_s2s_batch **out, pt_err *err)
{
	size_t		E = m->embed_dim,
				H = m->enc_hidden,
				H2 = 2 * (size_t) m->enc_hidden,
				D = m->dec_hidden,
				total_len = 0,
				T = 0;
	size_t		bytes = 0;
	size_t		o_src_len, o_src_uniq, o_uniq_ids, o_copy, o_enc, o_keys, o_h0, o_c0,
				o_h[2], o_c[2], o_ctx[2], o_x, o_hc, o_o, o_attn, o_pgen, o_mass, o_work,
				o_q, o_rowptr, o_ex, o_eout, o_ework, o_ehcat, o_eccat, o_eh, o_ec, o_eq;
	pt_s2s_batch *b;
	char	   *a;

	for (int r = 0; r < n_rows; r++)
	{
		total_len += (size_t) n_ids[r];
		if ((size_t) n_ids[r] > T)
			T = (size_t) n_ids[r];
	}
	o_src_len = pt_layout_reserve(&bytes, n_rows, sizeof(int));
	o_copy = pt_layout_reserve(&bytes, n_rows, sizeof(pt_copy_source));
	o_rowptr = pt_layout_reserve(&bytes, 2 * (size_t) n_rows, sizeof(void *));
	o_src_uniq = pt_layout_reserve(&bytes, total_len, sizeof(int32_t));
	o_uniq_ids = pt_layout_reserve(&bytes, total_len, sizeof(int32_t));
	o_enc = pt_layout_reserve(&bytes, pt_mul_size(total_len, H2), sizeof(float));
	o_keys = pt_layout_reserve(&bytes, pt_mul_size(total_len, D), sizeof(float));
	o_h0 = pt_layout_reserve(&bytes, pt_mul_size(n_rows, D), sizeof(float));
	o_c0 = pt_layout_reserve(&bytes, pt_mul_size(n_rows, D), sizeof(float));
	for (int k = 0; k < 2; k++)
	{
		o_h[k] = pt_layout_reserve(&bytes, pt_mul_size(max_hyps, D), sizeof(float));
		o_c[k] = pt_layout_reserve(&bytes, pt_mul_size(max_hyps, D), sizeof(float));
		o_ctx[k] = pt_layout_reserve(&bytes, pt_mul_size(max_hyps, H2), sizeof(float));
	}
	o_x = pt_layout_reserve(&bytes, pt_mul_size(max_hyps, E + H2), sizeof(float));
	o_hc = pt_layout_reserve(&bytes, pt_mul_size(max_hyps, D + H2), sizeof(float));
	o_o = pt_layout_reserve(&bytes, pt_mul_size(max_hyps, E), sizeof(float));
	o_attn = pt_layout_reserve(&bytes, pt_mul_size(max_hyps, m->max_src), sizeof(float));
	o_pgen = pt_layout_reserve(&bytes, max_hyps, sizeof(float));
	o_mass = pt_layout_reserve(&bytes, m->max_src, sizeof(float));
	o_work = pt_layout_reserve(&bytes, pt_lstm_step_workspace(max_hyps, m->dec_hidden), sizeof(float));
	o_q = pt_layout_reserve(&bytes, pt_mul_size(max_hyps, E + D + H2), 1);
	o_ex = pt_layout_reserve(&bytes, pt_mul_size(T * n_rows, E), sizeof(float));
	o_eout = pt_layout_reserve(&bytes, pt_mul_size(T * n_rows, H), sizeof(float));
	o_ework = pt_layout_reserve(&bytes, pt_lstm_workspace(n_rows, (int) E, (int) H), sizeof(float));
	o_ehcat = pt_layout_reserve(&bytes, pt_mul_size(n_rows, H2), sizeof(float));
	o_eccat = pt_layout_reserve(&bytes, pt_mul_size(n_rows, H2), sizeof(float));
	o_eh = pt_layout_reserve(&bytes, pt_mul_size(n_rows, H), sizeof(float));
	o_ec = pt_layout_reserve(&bytes, pt_mul_size(n_rows, H), sizeof(float));
	/* the 8-bit layers' quantized inputs: the LSTMs' or the attention keys' [T, 2H] */
	o_eq = pt_layout_reserve(&bytes, pt_lstm_q8_scratch(n_rows, (int) E, (int) H) > pt_mul_size(T, H2) ?
							 pt_lstm_q8_scratch(n_rows, (int) E, (int) H) : pt_mul_size(T, H2), 1);

	*out = NULL;
	if (bytes == SIZE_MAX)
	{
		pt_s2s_batch_free(reuse);
		return pt_fail(err, PT_ERR_NOMEM, "out of memory for a summarize batch of %d rows", n_rows);
	}
	if (reuse != NULL && reuse->m == m && reuse->arena_bytes >= bytes + 64)
	{
		size_t		cap = reuse->arena_bytes;

		b = reuse;
		free_columns(b);
		a = b->arena;
		*b = (pt_s2s_batch) {.arena = a, .arena_bytes = cap};
	}
	else
	{
		pt_s2s_batch_free(reuse);
		b = pt_alloc_zero(sizeof *b);
		a = pt_alloc(bytes + 64);
		if (b == NULL || a == NULL)
		{
			pt_free(b);
			pt_free(a);
			return pt_fail(err, PT_ERR_NOMEM, "out of memory for a summarize batch of %d rows", n_rows);
		}
		b->arena = a;
		b->arena_bytes = bytes + 64;
	}
	a = (char *) (((uintptr_t) a + 63) & ~(uintptr_t) 63);
	b->m = m;
	b->n_rows = n_rows;
	b->max_hyps = max_hyps;
	b->src_len = (int *) (a + o_src_len);
	b->copy = (pt_copy_source *) (a + o_copy);
	b->enc = (float **) (a + o_rowptr);
	b->keys = b->enc + n_rows;
	b->h0 = (float *) (a + o_h0);
	b->c0 = (float *) (a + o_c0);
	for (int k = 0; k < 2; k++)
	{
		b->h[k] = (float *) (a + o_h[k]);
		b->c[k] = (float *) (a + o_c[k]);
		b->ctx[k] = (float *) (a + o_ctx[k]);
	}
	b->x = (float *) (a + o_x);
	b->hc = (float *) (a + o_hc);
	b->o = (float *) (a + o_o);
	b->attn = (float *) (a + o_attn);
	b->p_gen = (float *) (a + o_pgen);
	b->mass = (float *) (a + o_mass);
	b->work = (float *) (a + o_work);
	b->q = (uint8_t *) (a + o_q);
	b->enc_x = (float *) (a + o_ex);
	b->enc_out = (float *) (a + o_eout);
	b->enc_work = (float *) (a + o_ework);
	b->enc_hcat = (float *) (a + o_ehcat);
	b->enc_ccat = (float *) (a + o_eccat);
	b->enc_h = (float *) (a + o_eh);
	b->enc_c = (float *) (a + o_ec);
	b->enc_q = (uint8_t *) (a + o_eq);

	{
		size_t		at = 0;

		for (int r = 0; r < n_rows; r++)
		{
			b->src_len[r] = n_ids[r];
			b->copy[r].pos_uniq = (int32_t *) (a + o_src_uniq) + at;
			b->copy[r].uniq = (int32_t *) (a + o_uniq_ids) + at;
			b->enc[r] = (float *) (a + o_enc) + at * H2;
			b->keys[r] = (float *) (a + o_keys) + at * D;
			at += (size_t) n_ids[r];
		}
	}
	*out = b;
	return PT_OK;
}

/* ---- the encoder: a bidirectional LSTM over all rows at once ---- */

static void
run_encoder(pt_s2s_batch *b, const int32_t *const *ids)
{
	const pt_s2s *m = b->m;
	int			B = b->n_rows,
				T = 0,
				E = m->embed_dim,
				H = m->enc_hidden,
				D = m->dec_hidden;
	size_t		H2 = 2 * (size_t) H;
	float	   *x = b->enc_x,
			   *out = b->enc_out,
			   *hcat = b->enc_hcat,
			   *ccat = b->enc_ccat,
			   *h = b->enc_h,
			   *c = b->enc_c;
	uint8_t    *q = b->enc_q;

	for (int r = 0; r < B; r++)
		if (b->src_len[r] > T)
			T = b->src_len[r];

	/* time-major embeddings [T, B, E]; positions past a row's end stay zero */
	memset(x, 0, (size_t) T * B * E * sizeof(float));
	for (int r = 0; r < B; r++)
		for (int t = 0; t < b->src_len[r]; t++)
			pt_embedding(m->embed, m->vocab, E, &ids[r][t], 1, x + ((size_t) t * B + r) * E);

	for (int d = 0; d < 2; d++)
	{
		pt_lstm_weights lw = {m->enc_w_ih[d], m->enc_w_hh[d], m->enc_b_ih[d], m->enc_b_hh[d],
		&m->enc_ih_q8[d], &m->enc_hh_q8[d]};

		memset(h, 0, (size_t) B * H * sizeof(float));
		memset(c, 0, (size_t) B * H * sizeof(float));
		pt_lstm_forward(x, T, B, E, H, &lw, b->src_len, d, h, c, out, b->enc_work, q);
		for (int r = 0; r < B; r++)
		{
			memcpy(hcat + r * H2 + (size_t) d * H, h + (size_t) r * H, H * sizeof(float));
			memcpy(ccat + r * H2 + (size_t) d * H, c + (size_t) r * H, H * sizeof(float));
			for (int t = 0; t < b->src_len[r]; t++)
				memcpy(b->enc[r] + t * H2 + (size_t) d * H, out + ((size_t) t * B + r) * H,
					   H * sizeof(float));
		}
	}
	for (int r = 0; r < B; r++)
		if (m->attn_q8.on)
			pt_linear_q8_apply(&m->attn_q8, b->enc[r], b->src_len[r], q, b->keys[r]);
		else
			pt_linear(b->enc[r], b->src_len[r], (int) H2, m->attn_w, NULL, D, b->keys[r]);
	pt_linear(hcat, B, (int) H2, m->bridge_h_w, m->bridge_h_b, D, b->h0);
	pt_linear(ccat, B, (int) H2, m->bridge_c_w, m->bridge_c_b, D, b->c0);
	pt_tanh_inplace(b->h0, (size_t) B * D);
	pt_tanh_inplace(b->c0, (size_t) B * D);
}

/* whether the sources are well formed: n_rows of 1..max_src ids in the vocabulary */
static pt_status
check_sources(const pt_s2s *m, int n_rows, const int32_t *const *ids, const int *n_ids, int max_hyps,
			  pt_err *err)
{
	if (n_rows < 1 || max_hyps < 1)
		return pt_fail(err, PT_ERR_ARG, "seq2seq: need at least one row and hypothesis");
	for (int r = 0; r < n_rows; r++)
	{
		if (n_ids[r] < 1 || n_ids[r] > m->max_src)
			return pt_fail(err, PT_ERR_ARG, "seq2seq: source of %d ids outside [1, %d]",
						   n_ids[r], m->max_src);
		for (int j = 0; j < n_ids[r]; j++)
			if (ids[r][j] < 0 || ids[r][j] >= m->vocab)
				return pt_fail(err, PT_ERR_ARG, "seq2seq: source id %d outside the vocabulary",
							   (int) ids[r][j]);
	}
	return PT_OK;
}

pt_status
pt_s2s_encode(const pt_s2s *m, int n_rows, const int32_t *const *ids, const int *n_ids,
			  int max_hyps, int shortlist, pt_s2s_batch *reuse, pt_s2s_batch **out, pt_err *err)
{
	pt_s2s_batch *b;
	pt_status	st;

	*out = NULL;
	if ((st = check_sources(m, n_rows, ids, n_ids, max_hyps, err)) != PT_OK)
	{
		pt_s2s_batch_free(reuse);
		return st;
	}
	if ((st = alloc_batch(m, n_rows, n_ids, max_hyps, reuse, &b, err)) != PT_OK)
		return st;
	for (int r = 0; r < n_rows; r++)
		pt_copy_index(ids[r], n_ids[r], &b->copy[r]);
	all_columns(b);
	if (shortlist && m->shortlist_on && (st = shortlist_columns(b, err)) != PT_OK)
	{
		pt_s2s_batch_free(b);
		return st;
	}
	run_encoder(b, ids);
	*out = b;
	return PT_OK;
}

/* ---- one decoder step ---- */

/* ctx = Σ_j attn_j enc_j, attn = softmax_j(h · keys_j) over row r's source */
static void
attend(const pt_s2s_batch *b, int r, const float *h, float *attn, float *ctx)
{
	const pt_s2s *m = b->m;
	int			n = b->src_len[r],
				H2 = 2 * m->enc_hidden;

	cblas_sgemv(CblasRowMajor, CblasNoTrans, n, m->dec_hidden, 1.0f, b->keys[r],
				m->dec_hidden, h, 1, 0.0f, attn, 1);
	pt_softmax_rows(attn, 1, n);
	cblas_sgemv(CblasRowMajor, CblasTrans, n, H2, 1.0f, b->enc[r], H2, attn, 1,
				0.0f, ctx, 1);
}

pt_status
pt_s2s_step(void *batch, int N, const int32_t *row, const int32_t *parent,
			const int32_t *token, float *logp, pt_err *err)
{
	pt_s2s_batch *b = batch;
	const pt_s2s *m = b->m;
	int			E = m->embed_dim,
				D = m->dec_hidden,
				H2 = 2 * m->enc_hidden,
				V = m->vocab,
				prev = b->cur,
				nxt = 1 - b->cur;
	float	   *h = b->h[nxt],
			   *c = b->c[nxt],
			   *ctx = b->ctx[nxt];
	pt_lstm_weights dec = {m->dec_w_ih, m->dec_w_hh, m->dec_b_ih, m->dec_b_hh, &m->dec_ih_q8, &m->dec_hh_q8};

	if (N < 1 || N > b->max_hyps)
		return pt_fail(err, PT_ERR_ARG, "seq2seq: %d hypotheses for room of %d", N, b->max_hyps);
	for (int i = 0; i < N; i++)
	{
		if (row[i] < 0 || row[i] >= b->n_rows || token[i] < 0 || token[i] >= V ||
			parent[i] >= b->max_hyps)
			return pt_fail(err, PT_ERR_ARG, "seq2seq: bad hypothesis %d", i);
		if (parent[i] < 0)
		{
			memcpy(h + (size_t) i * D, b->h0 + (size_t) row[i] * D, D * sizeof(float));
			memcpy(c + (size_t) i * D, b->c0 + (size_t) row[i] * D, D * sizeof(float));
			memset(ctx + (size_t) i * H2, 0, H2 * sizeof(float));
		}
		else
		{
			memcpy(h + (size_t) i * D, b->h[prev] + (size_t) parent[i] * D, D * sizeof(float));
			memcpy(c + (size_t) i * D, b->c[prev] + (size_t) parent[i] * D, D * sizeof(float));
			memcpy(ctx + (size_t) i * H2, b->ctx[prev] + (size_t) parent[i] * H2, H2 * sizeof(float));
		}
		/* decoder input: [embed(token) ; previous context] */
		pt_embedding(m->embed, V, E, &token[i], 1, b->x + (size_t) i * (E + H2));
		memcpy(b->x + (size_t) i * (E + H2) + E, ctx + (size_t) i * H2, H2 * sizeof(float));
	}
	b->cur = nxt;

	pt_lstm_step(b->x, N, E + H2, D, &dec, h, c, b->work, b->q);
	for (int i = 0; i < N; i++)
	{
		float	   *hci = b->hc + (size_t) i * (D + H2);

		attend(b, row[i], h + (size_t) i * D, b->attn + (size_t) i * m->max_src, ctx + (size_t) i * H2);
		memcpy(hci, h + (size_t) i * D, D * sizeof(float));
		memcpy(hci + D, ctx + (size_t) i * H2, H2 * sizeof(float));
		b->p_gen[i] = m->pgen_b[0] + cblas_sdot(D + H2, m->pgen_w, 1, hci, 1) +
			cblas_sdot(E, m->pgen_w + D + H2, 1, b->x + (size_t) i * (E + H2), 1);
		b->p_gen[i] = 1.0f / (1.0f + expf(-b->p_gen[i]));
	}
	if (m->out_q8.on)
		pt_linear_q8_apply(&m->out_q8, b->hc, N, b->q, b->o);
	else
		pt_linear(b->hc, N, D + H2, m->out_w, m->out_b, E, b->o);
	pt_tanh_inplace(b->o, (size_t) N * E);
	if (b->logits_q8->on)
		pt_linear_q8_apply(b->logits_q8, b->o, N, b->q, logp);
	else
		pt_linear(b->o, N, E, b->embed_cols, b->bias_cols, b->width, logp);
	for (int i = 0; i < N; i++)
	{
		float	   *lp = logp + (size_t) i * b->width;

		if (b->cols)
			for (int e = b->excl_start[row[i]]; e < b->excl_start[row[i] + 1]; e++)
				lp[b->excl[e]] = -INFINITY;
		pt_copy_mix(&b->copy[row[i]], b->attn + (size_t) i * m->max_src, b->p_gen[i],
					lp, b->width, b->mass);
	}
	return PT_OK;
}
