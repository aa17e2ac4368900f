/*
 * transformer.c — encoder, cached decoder step and copy attention of the
 * rewrite Transformer (transformer.h).
 *
 * Per decoder step and hypothesis the cost is the layers' projections
 * (about 12·d² + 2·d·ffn per layer), attention over its own cache and its
 * row's source, and the tied output projection (V·d), which dominates.
 * Projections and the output run as one GEMM over every live hypothesis.
 * A hypothesis's key/value cache is copied from its parent when the beam
 * reorders (t·d floats per layer), which is small next to the output GEMM.
 */
#include "transformer.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "copy.h"
#include "nn.h"

struct pt_tf_batch
{
	const pt_tf *m;
	int			n_rows;
	int			max_hyps;
	int			max_steps;
	int			t;				/* position of the next step */
	int		   *src_len;		/* [n_rows] */
	pt_copy_source *copy;		/* [n_rows] */
	float	  **enc;			/* per row [len, d]: the encoder output */
	float	  **copy_k;			/* per row [len, d]: copy.k · enc */
	float	  **cross_k,
			  **cross_v;		/* per row and decoder layer [len, d] */

	/*
	 * key/value caches [max_hyps slots][n_dec][max_steps][d]; hypothesis i
	 * keeps its cache in slot[i] (inherit_caches)
	 */
	float	   *kc,
			   *vc;
	int32_t    *slot,			/* [max_hyps] */
			   *next_slot;		/* [max_hyps] scratch of inherit_caches */
	uint8_t    *taken;			/* [max_hyps] scratch of inherit_caches: slot in use */

	/* step scratch, per hypothesis */
	float	   *x,
			   *hn,
			   *emb,
			   *qkv,
			   *att,
			   *proj,
			   *ff,
			   *ctx,
			   *attn,
			   *p_gen,
			   *mass,
			   *work;
	uint8_t    *q;				/* [H, max(d, ffn)] the 8-bit layers' quantized inputs */

	void	   *arena;
};

/* ---- loading ---- */

static pt_status
load_norm(const pt_model *m, const char *prefix, int d, pt_tf_norm *n, pt_err *err)
{
	char		name[64];
	pt_status	st;

	snprintf(name, sizeof name, "%s.weight", prefix);
	if ((st = pt_model_require_f32(m, name, 1, (int64_t[]) {d}, &n->w, err)) != PT_OK)
		return st;
	snprintf(name, sizeof name, "%s.bias", prefix);
	return pt_model_require_f32(m, name, 1, (int64_t[]) {d}, &n->b, err);
}

static pt_status
load_linear(const pt_model *m, const char *prefix, int out, int in, pt_tf_linear *l, pt_err *err)
{
	char		name[64];
	pt_status	st;

	snprintf(name, sizeof name, "%s.weight", prefix);
	if ((st = pt_model_require_f32(m, name, 2, (int64_t[]) {out, in}, &l->w, err)) != PT_OK)
		return st;
	snprintf(name, sizeof name, "%s.bias", prefix);
	if ((st = pt_model_require_f32(m, name, 1, (int64_t[]) {out}, &l->b, err)) != PT_OK)
		return st;
	return pt_linear_q8_load(m, prefix, in, out, l->b, &l->q8, err);
}

/* one call per layer tensor: "enc.3" + ".ln1" → load_norm(m, "enc.3.ln1", ...) */
#define LAYER_NAME(buf, kind, l, part) snprintf(buf, sizeof buf, "%s.%d.%s", kind, l, part)

static pt_status
load_enc_layer(const pt_model *m, const pt_tf *t, int l, pt_tf_enc_layer *L, pt_err *err)
{
	char		n[5][64];
	pt_status	st;

	LAYER_NAME(n[0], "enc", l, "ln1");
	LAYER_NAME(n[1], "enc", l, "ln2");
	LAYER_NAME(n[2], "enc", l, "attn.in");
	LAYER_NAME(n[3], "enc", l, "attn.out");
	LAYER_NAME(n[4], "enc", l, "ff1");
	if ((st = load_norm(m, n[0], t->d, &L->ln1, err)) != PT_OK ||
		(st = load_norm(m, n[1], t->d, &L->ln2, err)) != PT_OK ||
		(st = load_linear(m, n[2], 3 * t->d, t->d, &L->attn_in, err)) != PT_OK ||
		(st = load_linear(m, n[3], t->d, t->d, &L->attn_out, err)) != PT_OK ||
		(st = load_linear(m, n[4], t->ffn, t->d, &L->ff1, err)) != PT_OK)
		return st;
	LAYER_NAME(n[0], "enc", l, "ff2");
	return load_linear(m, n[0], t->d, t->ffn, &L->ff2, err);
}

static pt_status
load_dec_layer(const pt_model *m, const pt_tf *t, int l, pt_tf_dec_layer *L, pt_err *err)
{
	int			d = t->d;
	struct
	{
		const char *part;
		pt_tf_norm *norm;
		pt_tf_linear *lin;
		int			out,
					in;
	}			parts[] = {
		{"ln1", &L->ln1, NULL, 0, 0},
		{"ln2", &L->ln2, NULL, 0, 0},
		{"ln3", &L->ln3, NULL, 0, 0},
		{"self.in", NULL, &L->self_in, 3 * d, d},
		{"self.out", NULL, &L->self_out, d, d},
		{"cross.q", NULL, &L->cross_q, d, d},
		{"cross.kv", NULL, &L->cross_kv, 2 * d, d},
		{"cross.out", NULL, &L->cross_out, d, d},
		{"ff1", NULL, &L->ff1, t->ffn, d},
		{"ff2", NULL, &L->ff2, d, t->ffn},
	};

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
	{
		char		name[64];
		pt_status	st;

		LAYER_NAME(name, "dec", l, parts[i].part);
		st = parts[i].norm ? load_norm(m, name, d, parts[i].norm, err)
			: load_linear(m, name, parts[i].out, parts[i].in, parts[i].lin, err);
		if (st != PT_OK)
			return st;
	}
	return PT_OK;
}

pt_status
pt_tf_load(const pt_model *m, int vocab, pt_tf *t, pt_err *err)
{
	double		eps;
	int64_t		V,
				d;
	pt_status	st;

	memset(t, 0, sizeof *t);
	if ((st = pt_model_require_int32(m, "vocab", vocab, vocab, &t->vocab, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "d_model", 1, 4096, &t->d, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "heads", 1, 64, &t->heads, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "ffn", 1, 16384, &t->ffn, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "enc_layers", 1, PT_TF_MAX_LAYERS, &t->n_enc, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "dec_layers", 1, PT_TF_MAX_LAYERS, &t->n_dec, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "max_src_tokens", 2, 4096, &t->max_src, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "max_tgt_tokens", 2, 4096, &t->max_tgt, err)) != PT_OK ||
		(st = pt_model_require_float(m, "ln_eps", 1e-12, 1e-2, &eps, err)) != PT_OK)
		return st;
	if (t->d % t->heads != 0)
		return pt_fail(err, PT_ERR_MODEL, "d_model %d is not a multiple of heads %d", t->d, t->heads);
	t->eps = (float) eps;
	V = t->vocab;
	d = t->d;
	if ((st = pt_model_require_f32(m, "embed", 2, (int64_t[]) {V, d}, &t->embed, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "enc.pos", 2, (int64_t[]) {t->max_src, d}, &t->enc_pos, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "dec.pos", 2, (int64_t[]) {t->max_tgt, d}, &t->dec_pos, err)) != PT_OK ||
		(st = load_norm(m, "enc.ln", t->d, &t->enc_ln, err)) != PT_OK ||
		(st = load_norm(m, "dec.ln", t->d, &t->dec_ln, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "copy.q.weight", 2, (int64_t[]) {d, d}, &t->copy_q, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "copy.k.weight", 2, (int64_t[]) {d, d}, &t->copy_k, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "gen.bias", 1, (int64_t[]) {V}, &t->gen_b, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "pgen.weight", 2, (int64_t[]) {1, 3 * d}, &t->pgen_w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "pgen.bias", 1, (int64_t[]) {1}, &t->pgen_b, err)) != PT_OK)
		return st;
	for (int l = 0; l < t->n_enc; l++)
		if ((st = load_enc_layer(m, t, l, &t->enc[l], err)) != PT_OK)
			return st;
	for (int l = 0; l < t->n_dec; l++)
		if ((st = load_dec_layer(m, t, l, &t->dec[l], err)) != PT_OK)
			return st;
	return pt_linear_q8_load(m, "logits", d, V, t->gen_b, &t->logits_q8, err);
}

/* every linear layer of the model, for what applies to all of them */
static int
all_linears(pt_tf *t, pt_tf_linear **out)
{
	int			n = 0;

	for (int l = 0; l < t->n_enc; l++)
	{
		pt_tf_enc_layer *L = &t->enc[l];

		out[n++] = &L->attn_in;
		out[n++] = &L->attn_out;
		out[n++] = &L->ff1;
		out[n++] = &L->ff2;
	}
	for (int l = 0; l < t->n_dec; l++)
	{
		pt_tf_dec_layer *L = &t->dec[l];

		out[n++] = &L->self_in;
		out[n++] = &L->self_out;
		out[n++] = &L->cross_q;
		out[n++] = &L->cross_kv;
		out[n++] = &L->cross_out;
		out[n++] = &L->ff1;
		out[n++] = &L->ff2;
	}
	return n;
}

#define MAX_LINEARS (PT_TF_MAX_LAYERS * 11)

void
pt_tf_free(pt_tf *t)
{
	pt_tf_linear *lin[MAX_LINEARS];
	int			n = all_linears(t, lin);

	for (int i = 0; i < n; i++)
		pt_linear_q8_free(&lin[i]->q8);
	pt_linear_q8_free(&t->logits_q8);
}

int
pt_tf_set_int8(pt_tf *t, int on)
{
	pt_tf_linear *lin[MAX_LINEARS];
	int			n = all_linears(t, lin),
				used = pt_linear_q8_set(&t->logits_q8, on);

	for (int i = 0; i < n; i++)
		used |= pt_linear_q8_set(&lin[i]->q8, on);
	return used;
}

/* ---- shared pieces of the encoder and the decoder ---- */

/* y[n, d] = lin(in[n, k]), through its 8-bit copy where that is on (q: n · k bytes, or NULL: fp32) */
static void
apply_linear(const float *in, int n, int k, const pt_tf_linear *lin, int d, float *y, uint8_t *q)
{
	if (q != NULL && lin->q8.on)
		pt_linear_q8_apply(&lin->q8, in, n, q, y);
	else
		pt_linear(in, n, k, lin->w, lin->b, d, y);
}

/* x[n, d] += lin(in[n, k]) */
static void
add_linear(float *x, const float *in, int n, int k, const pt_tf_linear *lin, int d, float *tmp,
		   uint8_t *q)
{
	apply_linear(in, n, k, lin, d, tmp, q);
	for (size_t i = 0; i < (size_t) n * d; i++)
		x[i] += tmp[i];
}

/* x[n, d] += ff2(relu(ff1(LN(x)))) */
static void
feed_forward(const pt_tf *m, float *x, int n, const pt_tf_norm *ln, const pt_tf_linear *ff1,
			 const pt_tf_linear *ff2, float *hn, float *ff, float *tmp, uint8_t *q)
{
	pt_layernorm(x, n, m->d, ln->w, ln->b, m->eps, hn);
	apply_linear(hn, n, m->d, ff1, m->ffn, ff, q);
	pt_relu(ff, (size_t) n * m->ffn);
	add_linear(x, ff, n, m->ffn, ff2, m->d, tmp, q);
}

/* copy columns [c0, c0 + w) of rows of src [n, stride] into dst [n, w] */
static void
take_columns(const float *src, int n, int stride, int c0, int w, float *dst)
{
	for (int i = 0; i < n; i++)
		memcpy(dst + (size_t) i * w, src + (size_t) i * stride + c0, w * sizeof(float));
}

/* ---- the batch ---- */

void
pt_tf_batch_free(pt_tf_batch *b)
{
	if (b == NULL)
		return;
	pt_free(b->arena);
	pt_free(b);
}

static pt_status
alloc_batch(const pt_tf *m, int n_rows, const int *n_ids, int max_hyps, int max_steps,
			pt_tf_batch **out, pt_err *err)
{
	size_t		d = m->d,
				L = m->n_dec,
				H = max_hyps,
				total = 0,
				bytes = 0,
				cache = pt_mul_size(pt_mul_size(H, L), pt_mul_size(max_steps, d));
	size_t		o_len, o_copy, o_ptr, o_pos, o_uniq, o_enc, o_ck, o_xk, o_xv, o_kc, o_vc, o_slot,
				o_x, o_hn, o_emb, o_qkv, o_att, o_proj, o_ff, o_ctx, o_attn, o_pgen, o_mass,
				o_work, o_q;
	int			longest = max_steps;
	pt_tf_batch *b;
	char	   *a;

	for (int r = 0; r < n_rows; r++)
	{
		total += (size_t) n_ids[r];
		if (n_ids[r] > longest)
			longest = n_ids[r];
	}
	o_len = pt_layout_reserve(&bytes, n_rows, sizeof(int));
	o_copy = pt_layout_reserve(&bytes, n_rows, sizeof(pt_copy_source));
	o_ptr = pt_layout_reserve(&bytes, pt_mul_size(n_rows, 2 + 2 * L), sizeof(float *));
	o_pos = pt_layout_reserve(&bytes, total, sizeof(int32_t));
	o_uniq = pt_layout_reserve(&bytes, total, sizeof(int32_t));
	o_enc = pt_layout_reserve(&bytes, pt_mul_size(total, d), sizeof(float));
	o_ck = pt_layout_reserve(&bytes, pt_mul_size(total, d), sizeof(float));
	o_xk = pt_layout_reserve(&bytes, pt_mul_size(pt_mul_size(total, d), L), sizeof(float));
	o_xv = pt_layout_reserve(&bytes, pt_mul_size(pt_mul_size(total, d), L), sizeof(float));
	o_kc = pt_layout_reserve(&bytes, cache, sizeof(float));
	o_vc = pt_layout_reserve(&bytes, cache, sizeof(float));
	o_slot = pt_layout_reserve(&bytes, pt_mul_size(H, 2 * sizeof(int32_t) + 1), 1);
	o_x = pt_layout_reserve(&bytes, pt_mul_size(H, d), sizeof(float));
	o_hn = pt_layout_reserve(&bytes, pt_mul_size(H, d), sizeof(float));
	o_emb = pt_layout_reserve(&bytes, pt_mul_size(H, d), sizeof(float));
	o_qkv = pt_layout_reserve(&bytes, pt_mul_size(H, 3 * d), sizeof(float));
	o_att = pt_layout_reserve(&bytes, pt_mul_size(H, d), sizeof(float));
	o_proj = pt_layout_reserve(&bytes, pt_mul_size(H, d), sizeof(float));
	o_ff = pt_layout_reserve(&bytes, pt_mul_size(H, m->ffn), sizeof(float));
	o_ctx = pt_layout_reserve(&bytes, pt_mul_size(H, d), sizeof(float));
	o_attn = pt_layout_reserve(&bytes, pt_mul_size(H, m->max_src), sizeof(float));
	o_pgen = pt_layout_reserve(&bytes, H, sizeof(float));
	o_mass = pt_layout_reserve(&bytes, m->max_src, sizeof(float));
	o_work = pt_layout_reserve(&bytes, pt_attention_workspace(1, longest), sizeof(float));
	o_q = pt_layout_reserve(&bytes, pt_mul_size(H, d > (size_t) m->ffn ? d : (size_t) m->ffn), 1);

	*out = NULL;
	b = pt_alloc_zero(sizeof *b);
	a = bytes == SIZE_MAX ? NULL : pt_alloc(bytes + 64);
	if (b == NULL || a == NULL)
	{
		pt_free(b);
		pt_free(a);
		return pt_fail(err, PT_ERR_NOMEM, "out of memory for a rewrite batch of %d rows", n_rows);
	}
	b->arena = a;
	a = (char *) (((uintptr_t) a + 63) & ~(uintptr_t) 63);
	b->m = m;
	b->n_rows = n_rows;
	b->max_hyps = max_hyps;
	b->max_steps = max_steps;
	b->src_len = (int *) (a + o_len);
	b->copy = (pt_copy_source *) (a + o_copy);
	b->enc = (float **) (a + o_ptr);
	b->copy_k = b->enc + n_rows;
	b->cross_k = b->copy_k + n_rows;
	b->cross_v = b->cross_k + (size_t) n_rows * L;
	b->kc = (float *) (a + o_kc);
	b->vc = (float *) (a + o_vc);
	b->slot = (int32_t *) (a + o_slot);
	b->next_slot = b->slot + H;
	b->taken = (uint8_t *) (b->next_slot + H);
	b->x = (float *) (a + o_x);
	b->hn = (float *) (a + o_hn);
	b->emb = (float *) (a + o_emb);
	b->qkv = (float *) (a + o_qkv);
	b->att = (float *) (a + o_att);
	b->proj = (float *) (a + o_proj);
	b->ff = (float *) (a + o_ff);
	b->ctx = (float *) (a + o_ctx);
	b->attn = (float *) (a + o_attn);
	b->p_gen = (float *) (a + o_pgen);
	b->mass = (float *) (a + o_mass);
	b->work = (float *) (a + o_work);
	b->q = (uint8_t *) (a + o_q);
	for (size_t r = 0, at = 0; r < (size_t) n_rows; at += (size_t) n_ids[r], r++)
	{
		b->src_len[r] = n_ids[r];
		b->copy[r].pos_uniq = (int32_t *) (a + o_pos) + at;
		b->copy[r].uniq = (int32_t *) (a + o_uniq) + at;
		b->enc[r] = (float *) (a + o_enc) + at * d;
		b->copy_k[r] = (float *) (a + o_ck) + at * d;
		for (size_t l = 0; l < L; l++)
		{
			b->cross_k[r * L + l] = (float *) (a + o_xk) + (at * L + l * n_ids[r]) * d;
			b->cross_v[r * L + l] = (float *) (a + o_xv) + (at * L + l * n_ids[r]) * d;
		}
	}
	*out = b;
	return PT_OK;
}

/*
 * ---- the encoder: every layer's linear maps take the positions of all
 * rows at once (b->enc holds the rows one after another); only attention
 * runs row by row.  Per row, the weights were packed again for every GEMM
 * (OpenBLAS's sgemm_incopy: 7% of a greedy rewrite). ----
 */

typedef struct enc_scratch
{
	float	   *hn,
			   *qkv,
			   *q,
			   *k,
			   *v,
			   *att,
			   *tmp,
			   *ff,
			   *work;
} enc_scratch;

/* self-attention of every row over its own positions: att from the qkv of all rows */
static void
encoder_attention(const pt_tf *m, const pt_tf_batch *b, enc_scratch *s)
{
	size_t		d = m->d;

	for (size_t r = 0, at = 0; r < (size_t) b->n_rows; at += (size_t) b->src_len[r], r++)
	{
		int			n = b->src_len[r];

		take_columns(s->qkv + at * 3 * d, n, 3 * d, 0, d, s->q);
		take_columns(s->qkv + at * 3 * d, n, 3 * d, d, d, s->k);
		take_columns(s->qkv + at * 3 * d, n, 3 * d, 2 * d, d, s->v);
		pt_attention(s->q, n, s->k, s->v, n, d, m->heads, 0, -1, s->att + at * d, s->work);
	}
}

/* the encoder over all rows' ids (total positions); then copy keys and cross-attention keys and values */
static void
encode_rows(const pt_tf *m, pt_tf_batch *b, const int32_t *const *ids, int total, enc_scratch *s)
{
	int			d = m->d;
	float	   *x = b->enc[0];

	for (int r = 0; r < b->n_rows; r++)
	{
		int			n = b->src_len[r];

		pt_embedding(m->embed, m->vocab, d, ids[r], n, b->enc[r]);
		for (size_t i = 0; i < (size_t) n * d; i++)
			b->enc[r][i] += m->enc_pos[i];
	}
	for (int l = 0; l < m->n_enc; l++)
	{
		const pt_tf_enc_layer *L = &m->enc[l];

		pt_check_interrupts();
		pt_layernorm(x, total, d, L->ln1.w, L->ln1.b, m->eps, s->hn);
		pt_linear(s->hn, total, d, L->attn_in.w, L->attn_in.b, 3 * d, s->qkv);
		encoder_attention(m, b, s);
		add_linear(x, s->att, total, d, &L->attn_out, d, s->tmp, NULL);
		feed_forward(m, x, total, &L->ln2, &L->ff1, &L->ff2, s->hn, s->ff, s->tmp, NULL);
	}
	pt_layernorm(x, total, d, m->enc_ln.w, m->enc_ln.b, m->eps, x);
	pt_linear(x, total, d, m->copy_k, NULL, d, b->copy_k[0]);
	for (int l = 0; l < m->n_dec; l++)
	{
		pt_linear(x, total, d, m->dec[l].cross_kv.w, m->dec[l].cross_kv.b, 2 * d, s->qkv);
		for (size_t r = 0, at = 0; r < (size_t) b->n_rows; at += (size_t) b->src_len[r], r++)
		{
			take_columns(s->qkv + at * 2 * d, b->src_len[r], 2 * d, 0, d, b->cross_k[r * m->n_dec + l]);
			take_columns(s->qkv + at * 2 * d, b->src_len[r], 2 * d, d, d, b->cross_v[r * m->n_dec + l]);
		}
	}
}

pt_status
pt_tf_encode(const pt_tf *m, int n_rows, const int32_t *const *ids, const int *n_ids,
			 int max_hyps, int max_steps, pt_tf_batch **out, pt_err *err)
{
	pt_tf_batch *b;
	enc_scratch s;
	size_t		n = 0,
				total = 0,
				d = m->d;
	float	   *scratch;
	pt_status	st;

	*out = NULL;
	if (n_rows < 1 || max_hyps < 1 || max_steps < 1 || max_steps > m->max_tgt)
		return pt_fail(err, PT_ERR_ARG, "transformer: bad batch shape");
	for (int r = 0; r < n_rows; r++)
	{
		if (n_ids[r] < 1 || n_ids[r] > m->max_src)
			return pt_fail(err, PT_ERR_ARG, "transformer: source of %d ids outside [1, %d]",
						   n_ids[r], m->max_src);
		for (int j = 0; j < n_ids[r]; j++)
			if (ids[r][j] < 0 || ids[r][j] >= m->vocab)
				return pt_fail(err, PT_ERR_ARG, "transformer: source id %d outside the vocabulary",
							   (int) ids[r][j]);
		if ((size_t) n_ids[r] > n)
			n = (size_t) n_ids[r];
		total += (size_t) n_ids[r];
	}
	if ((st = alloc_batch(m, n_rows, n_ids, max_hyps, max_steps, &b, err)) != PT_OK)
		return st;
	/* all positions: hn, qkv (3d), att, tmp: d-wide rows; ff: ffn-wide; one row's q, k, v, work (n × n) */
	scratch = pt_alloc(pt_mul_size(pt_mul_size(total, 6 * d + m->ffn) + pt_mul_size(n, 3 * d) +
								   pt_attention_workspace(n, n), sizeof(float)));
	if (scratch == NULL)
	{
		pt_tf_batch_free(b);
		return pt_fail(err, PT_ERR_NOMEM, "out of memory encoding %d sources", n_rows);
	}
	s.hn = scratch;
	s.qkv = s.hn + total * d;
	s.att = s.qkv + 3 * total * d;
	s.tmp = s.att + total * d;
	s.ff = s.tmp + total * d;
	s.q = s.ff + total * m->ffn;
	s.k = s.q + n * d;
	s.v = s.k + n * d;
	s.work = s.v + n * d;
	for (int r = 0; r < n_rows; r++)
		pt_copy_index(ids[r], n_ids[r], &b->copy[r]);
	encode_rows(m, b, ids, (int) total, &s);
	pt_free(scratch);
	*out = b;
	return PT_OK;
}

/* ---- one decoder step ---- */

/* the cache in slot k, layer l: [max_steps, d] */
static float *
cache_at(const pt_tf_batch *b, float *buf, int k, int l)
{
	return buf + (((size_t) k * b->m->n_dec + l) * b->max_steps) * b->m->d;
}

/*
 * Every hypothesis takes its parent's cache (rows [0, t)).  A parent's first
 * child takes its slot over and copies nothing; only a further child of the
 * same parent copies, into a slot no hypothesis took.  Greedy search then
 * never copies, and a beam copies once per extra child: copying every cache
 * to a second buffer at every step was 6-8% of a rewrite.
 */
static void
inherit_caches(pt_tf_batch *b, int N, const int32_t *parent)
{
	size_t		rows = (size_t) b->t * b->m->d * sizeof(float);
	int			spare = 0;

	if (parent[0] < 0)			/* the first step: hypothesis i starts in slot i */
	{
		for (int i = 0; i < N; i++)
			b->slot[i] = i;
		return;
	}
	memset(b->taken, 0, (size_t) b->max_hyps);
	for (int i = 0; i < N; i++)
	{
		int32_t		k = b->slot[parent[i]];

		b->next_slot[i] = b->taken[k] ? -1 : k;
		b->taken[k] = 1;
	}
	for (int i = 0; i < N; i++)
		if (b->next_slot[i] < 0)
		{
			int32_t		from = b->slot[parent[i]];

			while (b->taken[spare])
				spare++;
			b->taken[spare] = 1;
			b->next_slot[i] = spare;
			for (int l = 0; l < b->m->n_dec; l++)
			{
				memcpy(cache_at(b, b->kc, spare, l), cache_at(b, b->kc, from, l), rows);
				memcpy(cache_at(b, b->vc, spare, l), cache_at(b, b->vc, from, l), rows);
			}
		}
	memcpy(b->slot, b->next_slot, (size_t) N * sizeof(int32_t));
}

static void
decoder_layer(pt_tf_batch *b, int l, int N, const int32_t *row)
{
	const pt_tf *m = b->m;
	const pt_tf_dec_layer *L = &m->dec[l];
	int			d = m->d,
				t = b->t;

	/* self-attention over the cache, this position included */
	pt_layernorm(b->x, N, d, L->ln1.w, L->ln1.b, m->eps, b->hn);
	apply_linear(b->hn, N, d, &L->self_in, 3 * d, b->qkv, b->q);
	for (int i = 0; i < N; i++)
	{
		float	   *kc = cache_at(b, b->kc, b->slot[i], l),
				   *vc = cache_at(b, b->vc, b->slot[i], l),
				   *qkv = b->qkv + (size_t) i * 3 * d;

		memcpy(kc + (size_t) t * d, qkv + d, d * sizeof(float));
		memcpy(vc + (size_t) t * d, qkv + 2 * d, d * sizeof(float));
		pt_attention(qkv, 1, kc, vc, t + 1, d, m->heads, 0, -1, b->att + (size_t) i * d, b->work);
	}
	add_linear(b->x, b->att, N, d, &L->self_out, d, b->proj, b->q);

	/* cross-attention over the row's source */
	pt_layernorm(b->x, N, d, L->ln2.w, L->ln2.b, m->eps, b->hn);
	apply_linear(b->hn, N, d, &L->cross_q, d, b->proj, b->q);
	for (int i = 0; i < N; i++)
	{
		size_t		rl = (size_t) row[i] * m->n_dec + l;

		pt_attention(b->proj + (size_t) i * d, 1, b->cross_k[rl], b->cross_v[rl],
					 b->src_len[row[i]], d, m->heads, 0, -1, b->att + (size_t) i * d, b->work);
	}
	add_linear(b->x, b->att, N, d, &L->cross_out, d, b->proj, b->q);

	feed_forward(m, b->x, N, &L->ln3, &L->ff1, &L->ff2, b->hn, b->ff, b->proj, b->q);
}

/* copy attention of hypothesis i: weights into b->attn row i, context into b->ctx row i */
static void
copy_attention(pt_tf_batch *b, int i, int r, const float *q)
{
	const pt_tf *m = b->m;
	int			n = b->src_len[r],
				d = m->d;
	float	   *a = b->attn + (size_t) i * m->max_src;

	cblas_sgemv(CblasRowMajor, CblasNoTrans, n, d, 1.0f / sqrtf((float) d), b->copy_k[r], d,
				q, 1, 0.0f, a, 1);
	pt_softmax_rows(a, 1, n);
	cblas_sgemv(CblasRowMajor, CblasTrans, n, d, 1.0f, b->enc[r], d, a, 1, 0.0f,
				b->ctx + (size_t) i * d, 1);
}

pt_status
pt_tf_step(void *batch, int N, const int32_t *row, const int32_t *parent,
		   const int32_t *token, float *logp, pt_err *err)
{
	pt_tf_batch *b = batch;
	const pt_tf *m = b->m;
	int			d = m->d,
				V = m->vocab;

	if (N < 1 || N > b->max_hyps)
		return pt_fail(err, PT_ERR_ARG, "transformer: %d hypotheses for room of %d", N, b->max_hyps);
	b->t = parent[0] < 0 ? 0 : b->t + 1;
	if (b->t >= b->max_steps)
		return pt_fail(err, PT_ERR_ARG, "transformer: step %d beyond %d", b->t, b->max_steps);
	for (int i = 0; i < N; i++)
	{
		if (row[i] < 0 || row[i] >= b->n_rows || token[i] < 0 || token[i] >= V ||
			parent[i] >= b->max_hyps || (parent[i] < 0) != (b->t == 0))
			return pt_fail(err, PT_ERR_ARG, "transformer: bad hypothesis %d", i);
		pt_embedding(m->embed, V, d, &token[i], 1, b->emb + (size_t) i * d);
		for (int j = 0; j < d; j++)
			b->x[(size_t) i * d + j] = b->emb[(size_t) i * d + j] + m->dec_pos[(size_t) b->t * d + j];
	}
	inherit_caches(b, N, parent);

	for (int l = 0; l < m->n_dec; l++)
		decoder_layer(b, l, N, row);
	pt_layernorm(b->x, N, d, m->dec_ln.w, m->dec_ln.b, m->eps, b->x);

	/* copy attention, p_gen and the output distribution */
	pt_linear(b->x, N, d, m->copy_q, NULL, d, b->proj);
	for (int i = 0; i < N; i++)
	{
		copy_attention(b, i, row[i], b->proj + (size_t) i * d);
		b->p_gen[i] = m->pgen_b[0] +
			cblas_sdot(d, m->pgen_w, 1, b->x + (size_t) i * d, 1) +
			cblas_sdot(d, m->pgen_w + d, 1, b->ctx + (size_t) i * d, 1) +
			cblas_sdot(d, m->pgen_w + 2 * d, 1, b->emb + (size_t) i * d, 1);
		b->p_gen[i] = 1.0f / (1.0f + expf(-b->p_gen[i]));
	}
	if (m->logits_q8.on)
		pt_linear_q8_apply(&m->logits_q8, b->x, N, b->q, logp);
	else
		pt_linear(b->x, N, d, m->embed, m->gen_b, V, logp);
	for (int i = 0; i < N; i++)
		pt_copy_mix(&b->copy[row[i]], b->attn + (size_t) i * m->max_src, b->p_gen[i],
					logp + (size_t) i * V, V, b->mass);
	return PT_OK;
}
