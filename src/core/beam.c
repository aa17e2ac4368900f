/*
 * beam.c — constrained beam search (beam.h).
 *
 * Hypotheses live in two pools (this step's and the next's); each holds
 * its tokens and its text so far, so the constraints look at plain text.
 * Per step and row: every live hypothesis proposes its best `propose`
 * tokens, the proposals are sorted by total score, and they are taken in
 * that order while they pass the constraints, until the beam is full.
 */
#include "beam.h"
#include "nn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef struct hyp
{
	int32_t		row;
	int32_t		n_tok;
	float		score;			/* summed log P */
	size_t		text_len;
	size_t		chars;			/* code points, leading white space excluded */
	size_t		settled;		/* facts of text[0..settled) are final (pt_facts_settled) */
	int32_t    *tokens;			/* [max_tokens] */
	char	   *text;			/* [text_cap] */
} hyp;

typedef struct cand
{
	float		score;
	int32_t		hyp;
	int32_t		token;
} cand;

typedef struct finished
{
	int			count;
	float		best;			/* normalized score of the best */
	char	   *text;			/* its text, pt_alloc'd */
	size_t		len;
} finished;

typedef struct search
{
	const pt_tokenizer *tok;
	const pt_beam_opts *o;
	pt_facts *const *facts;
	int			vocab;			/* columns of logp: tokens, or those of o->ids */
	int			max_hyps;
	int			propose;		/* candidates each hypothesis proposes */
	size_t		text_cap;
	hyp		   *pool[2];
	int			n_live;
	int			cur;
	int32_t    *row,
			   *parent,
			   *token;			/* step inputs [max_hyps] */
	float	   *logp;			/* [max_hyps, vocab] */
	cand	   *cands;			/* [beam_width * propose] */
	char	   *scratch;		/* [text_cap] candidate text */
	finished   *fin;			/* [n_rows] */
	char	   *done;			/* [n_rows] */
} search;

static int
cand_cmp(const void *a, const void *b)
{
	const cand *x = a,
			   *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->hyp != y->hyp)
		return x->hyp < y->hyp ? -1 : 1;
	return x->token < y->token ? -1 : (x->token > y->token);
}

#define TOP_K_BLOCK 64			/* ids whose maximum is checked before any one of them */

/*
 * The best k ids of logp[0..V) (column w is token ids[w], or w when ids
 * is NULL) other than the never-generated specials, best first.  Once k are held, a block of ids none of which beats the
 * k-th is skipped on its maximum: nearly all of a 16,000-word vocabulary.
 */
static int
top_k(const float *logp, int V, const int32_t *ids, int k, int allow_eos, cand *out,
	  int hyp_index, float base)
{
	int			n = 0;

	for (int w0 = 0; w0 < V; w0 += TOP_K_BLOCK)
	{
		int			end = V - w0 < TOP_K_BLOCK ? V : w0 + TOP_K_BLOCK;

		if (n == k && pt_max(logp + w0, end - w0) <= out[n - 1].score - base)
			continue;
		for (int w = w0; w < end; w++)
		{
			float		s = logp[w];
			int32_t		id;
			int			at;

			if ((n == k && s <= out[n - 1].score - base) || isnan(s))
				continue;
			id = ids ? ids[w] : w;
			if (id < PT_TOK_EOS || (id == PT_TOK_EOS && !allow_eos) || id == PT_TOK_SEP)
				continue;
			at = n < k ? n++ : k - 1;
			while (at > 0 && out[at - 1].score - base < s)
			{
				out[at] = out[at - 1];
				at--;
			}
			out[at] = (cand) {base + s, hyp_index, id};
		}
	}
	return n;
}

/* 1 when the hypothesis's last n-1 tokens followed by `token` occur earlier in it */
static int
repeats_ngram(const hyp *h, int32_t token, int n)
{
	const int32_t *t = h->tokens;
	int			len = h->n_tok;

	if (n <= 0 || len < n - 1)
		return 0;
	for (int s = 0; s + n - 1 < len; s++)
	{
		int			k = 0;

		while (k < n - 1 && t[s + k] == t[len - n + 1 + k])
			k++;
		if (k == n - 1 && t[s + n - 1] == token)
			return 1;
	}
	return 0;
}

/*
 * 1 when s[0..len) is valid UTF-8 except perhaps for an incomplete last
 * character (complete = 1: no exception).
 */
static int
utf8_prefix_ok(const char *s, size_t len, int complete)
{
	size_t		i = len,
				back = 0;

	/* find where the last character starts: at most 3 continuation bytes back */
	while (i > 0 && back < 4 && ((unsigned char) s[i - 1] & 0xC0) == 0x80)
		i--, back++;
	if (i > 0 && back < 4 && ((unsigned char) s[i - 1] & 0x80))
	{
		unsigned char lead = (unsigned char) s[i - 1];
		size_t		need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;

		if (need > back)
		{
			if (complete || lead < 0xC2 || lead > 0xF4)
				return 0;
			/* check the complete text before the incomplete character */
			return pt_utf8_valid(s, i - 1);
		}
	}
	return pt_utf8_valid(s, len);
}

static size_t
count_chars(const char *s, size_t len, int skip_leading_space)
{
	size_t		n = 0;

	for (size_t i = 0; i < len; i++)
	{
		if (skip_leading_space && n == 0 && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'))
			continue;
		if (((unsigned char) s[i] & 0xC0) != 0x80)
			n++;
	}
	return n;
}

/* hypothesis h extended by token (not <eos>) if every constraint allows it, into *to */
static int
try_extend(search *S, const hyp *h, int32_t token, float score, hyp *to)
{
	size_t		plen;
	const uint8_t *piece = pt_tokenizer_piece(S->tok, token, &plen);
	size_t		len = h->text_len + plen,
				chars;
	pt_facts   *f = S->facts ? S->facts[h->row] : NULL;
	const pt_lexicon *lex = S->o->lexicons ? S->o->lexicons[h->row] : NULL;

	/* NUL never occurs in normalized text and would end a C string early */
	if (piece == NULL || token < PT_TOK_N_SPECIAL || memchr(piece, 0, plen) != NULL ||
		len > S->text_cap ||
		h->n_tok + 1 >= S->o->max_tokens ||
		repeats_ngram(h, token, S->o->no_repeat_ngram))
		return 0;
	chars = h->chars + count_chars((const char *) piece, plen, h->chars == 0);
	if (chars > (S->o->row_max_chars ? S->o->row_max_chars[h->row] : S->o->max_chars))
		return 0;
	memcpy(S->scratch, h->text, h->text_len);
	memcpy(S->scratch + h->text_len, piece, plen);
	/* only the unsettled tail needs the fact check */
	if (!utf8_prefix_ok(S->scratch, len, 0) ||
		(f != NULL && !pt_facts_allowed(f, S->scratch + h->settled, len - h->settled, 0)) ||
		(lex != NULL && !pt_lexicon_allowed(lex, S->scratch, len, h->text_len, 0)))
		return 0;
	to->settled = f == NULL ? 0 :
		h->settled + pt_facts_settled(f, S->scratch + h->settled, len - h->settled);
	to->row = h->row;
	to->n_tok = h->n_tok + 1;
	to->score = score;
	to->text_len = len;
	to->chars = chars;
	memcpy(to->tokens, h->tokens, h->n_tok * sizeof(int32_t));
	to->tokens[h->n_tok] = token;
	memcpy(to->text, S->scratch, len);
	return 1;
}

/* hypothesis h ends here (<eos>): keep it when complete and the row's best */
static pt_status
try_finish(search *S, const hyp *h, float score, pt_err *err)
{
	finished   *f = &S->fin[h->row];
	pt_facts   *facts = S->facts ? S->facts[h->row] : NULL;
	const pt_lexicon *lex = S->o->lexicons ? S->o->lexicons[h->row] : NULL;
	size_t		start = 0,
				end = h->text_len;
	float		norm;

	while (start < end && (h->text[start] == ' ' || h->text[start] == '\n'))
		start++;
	while (end > start && (h->text[end - 1] == ' ' || h->text[end - 1] == '\n'))
		end--;
	if (end == start || !utf8_prefix_ok(h->text, h->text_len, 1) ||
		(facts != NULL && !pt_facts_allowed(facts, h->text, h->text_len, 1)) ||
		(lex != NULL && !pt_lexicon_allowed(lex, h->text, h->text_len, h->text_len, 1)))
		return PT_OK;
	norm = score / powf((float) (h->n_tok + 1), S->o->length_alpha);
	f->count++;
	if (f->text != NULL && norm <= f->best)
		return PT_OK;
	pt_free(f->text);
	f->text = pt_alloc(end - start + 1);
	if (f->text == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory in beam search");
	memcpy(f->text, h->text + start, end - start);
	f->text[end - start] = '\0';
	f->len = end - start;
	f->best = norm;
	return PT_OK;
}

/* choose row r's next beam from the proposals of its live hypotheses */
static pt_status
advance_row(search *S, int r, int first, int last, hyp *next, int *n_next, pt_err *err)
{
	const hyp  *live = S->pool[S->cur];
	int			k = S->o->beam_width,
				n_c = 0,
				taken = 0;
	float		best_live = -INFINITY;
	pt_status	st;

	for (int i = first; i < last; i++)
		n_c += top_k(S->logp + (size_t) i * S->vocab, S->vocab, S->o->ids, S->propose,
					 live[i].n_tok > 0, S->cands + n_c, i, live[i].score);
	qsort(S->cands, n_c, sizeof(cand), cand_cmp);
	for (int c = 0; c < n_c && taken < k; c++)
	{
		const hyp  *h = &live[S->cands[c].hyp];

		if (S->cands[c].token == PT_TOK_EOS)
		{
			if ((st = try_finish(S, h, S->cands[c].score, err)) != PT_OK)
				return st;
		}
		else if (try_extend(S, h, S->cands[c].token, S->cands[c].score, &next[*n_next + taken]))
		{
			S->row[*n_next + taken] = r;
			S->parent[*n_next + taken] = S->cands[c].hyp;
			S->token[*n_next + taken] = S->cands[c].token;
			if (S->cands[c].score > best_live)
				best_live = S->cands[c].score;
			taken++;
		}
	}
	*n_next += taken;
	/* done: beam full of finished outputs, nothing live, or no live one can win */
	if (taken == 0 || (!S->o->finish_all && S->fin[r].count >= k) ||
		(S->fin[r].text != NULL &&
		 S->fin[r].best >= best_live / powf((float) (live[first].n_tok + 2), S->o->length_alpha)))
		S->done[r] = 1;
	return PT_OK;
}

static pt_status
run(search *S, pt_decode_step step, void *ctx, int n_rows, pt_err *err)
{
	pt_status	st;

	/* one fresh hypothesis per row, fed <bos> */
	for (int r = 0; r < n_rows; r++)
	{
		hyp		   *h = &S->pool[0][r];

		h->row = r;
		h->n_tok = 0;
		h->score = 0.0f;
		h->text_len = 0;
		h->chars = 0;
		h->settled = 0;
		S->row[r] = r;
		S->parent[r] = -1;
		S->token[r] = PT_TOK_BOS;
	}
	S->cur = 0;
	S->n_live = n_rows;
	while (S->n_live > 0)
	{
		hyp		   *next = S->pool[1 - S->cur];
		int			n_next = 0,
					i = 0;

		pt_check_interrupts();
		if ((st = step(ctx, S->n_live, S->row, S->parent, S->token, S->logp, err)) != PT_OK)
			return st;
		/* live hypotheses are grouped by row, in row order */
		while (i < S->n_live)
		{
			int			r = S->pool[S->cur][i].row,
						j = i;

			while (j < S->n_live && S->pool[S->cur][j].row == r)
				j++;
			if ((st = advance_row(S, r, i, j, next, &n_next, err)) != PT_OK)
				return st;
			if (S->done[r])
			{
				/* drop the row's new hypotheses */
				while (n_next > 0 && S->row[n_next - 1] == r)
					n_next--;
			}
			i = j;
		}
		S->cur = 1 - S->cur;
		S->n_live = n_next;
	}
	return PT_OK;
}

static pt_status
setup(search *S, int n_rows, pt_err *err)
{
	int			k = S->o->beam_width;
	size_t		T = (size_t) S->o->max_tokens;

	S->max_hyps = n_rows * k > n_rows ? n_rows * k : n_rows;
	S->propose = 2 * k + 2;
	S->text_cap = T * PT_TOK_MAX_PIECE;
	for (int p = 0; p < 2; p++)
	{
		S->pool[p] = pt_alloc_zero(pt_mul_size(S->max_hyps, sizeof(hyp)));
		if (S->pool[p] == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "out of memory in beam search");
		for (int i = 0; i < S->max_hyps; i++)
		{
			S->pool[p][i].tokens = pt_alloc(T * sizeof(int32_t));
			S->pool[p][i].text = pt_alloc(S->text_cap);
			if (S->pool[p][i].tokens == NULL || S->pool[p][i].text == NULL)
				return pt_fail(err, PT_ERR_NOMEM, "out of memory in beam search");
		}
	}
	S->row = pt_alloc(pt_mul_size(S->max_hyps, sizeof(int32_t)));
	S->parent = pt_alloc(pt_mul_size(S->max_hyps, sizeof(int32_t)));
	S->token = pt_alloc(pt_mul_size(S->max_hyps, sizeof(int32_t)));
	S->logp = pt_alloc(pt_mul_size(pt_mul_size(S->max_hyps, S->vocab), sizeof(float)));
	S->cands = pt_alloc(pt_mul_size(pt_mul_size(k, S->propose), sizeof(cand)));
	S->scratch = pt_alloc(S->text_cap);
	S->fin = pt_alloc_zero(pt_mul_size(n_rows, sizeof(finished)));
	S->done = pt_alloc_zero(n_rows);
	if (!S->row || !S->parent || !S->token || !S->logp || !S->cands || !S->scratch ||
		!S->fin || !S->done)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory in beam search");
	return PT_OK;
}

static void
teardown(search *S, int n_rows)
{
	for (int p = 0; p < 2; p++)
		if (S->pool[p] != NULL)
		{
			for (int i = 0; i < S->max_hyps; i++)
			{
				pt_free(S->pool[p][i].tokens);
				pt_free(S->pool[p][i].text);
			}
			pt_free(S->pool[p]);
		}
	if (S->fin != NULL)
		for (int r = 0; r < n_rows; r++)
			pt_free(S->fin[r].text);
	pt_free(S->row);
	pt_free(S->parent);
	pt_free(S->token);
	pt_free(S->logp);
	pt_free(S->cands);
	pt_free(S->scratch);
	pt_free(S->fin);
	pt_free(S->done);
}

pt_status
pt_beam_search(const pt_tokenizer *tok, int vocab, pt_decode_step step, void *ctx,
			   int n_rows, pt_facts *const *facts, const pt_beam_opts *opts,
			   char **out, size_t *out_len, pt_err *err)
{
	search		S = {.tok = tok, .o = opts, .facts = facts, .vocab = vocab};
	pt_status	st;

	if (n_rows < 1 || opts->beam_width < 1 || opts->max_tokens < 1 || vocab <= PT_TOK_N_SPECIAL)
		return pt_fail(err, PT_ERR_ARG, "beam search: bad arguments");
	if ((st = setup(&S, n_rows, err)) == PT_OK)
		st = run(&S, step, ctx, n_rows, err);
	for (int r = 0; r < n_rows; r++)
	{
		out[r] = st == PT_OK ? S.fin[r].text : NULL;
		out_len[r] = st == PT_OK ? S.fin[r].len : 0;
		if (opts->row_score != NULL)
			opts->row_score[r] = out[r] != NULL ? S.fin[r].best : -INFINITY;
		if (st == PT_OK)
			S.fin[r].text = NULL;
	}
	teardown(&S, n_rows);
	return st;
}

pt_status
pt_greedy_trace(pt_decode_step step, void *ctx, int vocab, int max_tokens,
				int32_t *out, int *n_out, float *logp, int steps, pt_err *err)
{
	float	   *lp = pt_alloc(pt_mul_size((size_t) vocab, sizeof(float)));
	int32_t		row = 0,
				parent = -1,
				token = PT_TOK_BOS;
	pt_status	st = PT_OK;

	*n_out = 0;
	if (lp == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	while (*n_out < max_tokens &&
		   (st = step(ctx, 1, &row, &parent, &token, lp, err)) == PT_OK)
	{
		int			best = 0;

		for (int w = 1; w < vocab; w++)
			if (lp[w] > lp[best])
				best = w;
		if (logp != NULL && *n_out < steps)
			memcpy(logp + (size_t) *n_out * vocab, lp, vocab * sizeof(float));
		out[(*n_out)++] = best;
		if (best == PT_TOK_EOS)
			break;
		parent = 0;
		token = best;
	}
	pt_free(lp);
	return st;
}

/* log P of token in one step's logp row, at the floor when absent or impossible */
static float
column_logp(const float *lp, int width, const int32_t *ids, int32_t token)
{
	int			col = -1;
	float		floor_lp = logf(PT_FORCED_FLOOR);

	if (ids == NULL)
		col = token < width ? token : -1;
	else
	{
		/* ids are non-negative: their order is their u32 order */
		const int32_t *hit = bsearch(&token, ids, (size_t) width, sizeof *ids, pt_compare_u32);

		col = hit != NULL ? (int) (hit - ids) : -1;
	}
	return col >= 0 && lp[col] > floor_lp ? lp[col] : floor_lp;
}

pt_status
pt_forced_score(pt_decode_step step, void *ctx, int width, const int32_t *ids,
				int n_rows, const int32_t *const *tgt, const int *n_tgt, const int *eos,
				float length_alpha, const float *stop_below, float *score, pt_err *err)
{
	float	   *lp;
	int32_t    *row,
			   *parent,
			   *token,
			   *slot,
			   *stopped;
	double	   *sum,
			   *norm;
	pt_status	st = PT_OK;

	if (n_rows <= 0)
		return PT_OK;
	lp = pt_alloc(pt_mul_size(pt_mul_size((size_t) n_rows, (size_t) width), sizeof *lp));
	row = pt_alloc(pt_mul_size((size_t) n_rows, 5 * sizeof *row));
	sum = pt_alloc(pt_mul_size((size_t) n_rows, 2 * sizeof *sum));
	if (lp == NULL || row == NULL || sum == NULL)
	{
		pt_free(lp);
		pt_free(row);
		pt_free(sum);
		return pt_fail(err, PT_ERR_NOMEM, "out of memory scoring %d rows", n_rows);
	}
	parent = row + n_rows;
	token = parent + n_rows;
	slot = token + n_rows;		/* row r's hypothesis in the previous call */
	stopped = slot + n_rows;
	norm = sum + n_rows;
	for (int r = 0; r < n_rows; r++)
	{
		sum[r] = 0.0;
		stopped[r] = 0;
		norm[r] = pow((double) (n_tgt[r] + eos[r]), (double) length_alpha);
	}
	/*
	 * Step t feeds row r's token t (<bos> first) and scores its token t;
	 * only the rows with a token left to score take part, so a batch costs
	 * the sum of its rows' lengths, not its longest times its size.
	 */
	for (int t = 0; st == PT_OK; t++)
	{
		int			n = 0;

		for (int r = 0; r < n_rows; r++)
			if (t < n_tgt[r] + eos[r] && !stopped[r])
			{
				row[n] = r;
				parent[n] = t == 0 ? -1 : slot[r];
				token[n] = t == 0 ? PT_TOK_BOS : tgt[r][t - 1];
				slot[r] = n++;
			}
		if (n == 0)
			break;
		pt_check_interrupts();
		if ((st = step(ctx, n, row, parent, token, lp, err)) != PT_OK)
			break;
		for (int i = 0; i < n; i++)
		{
			int			r = row[i];

			sum[r] += column_logp(lp + (size_t) i * width, width, ids,
								  t < n_tgt[r] ? tgt[r][t] : PT_TOK_EOS);
			stopped[r] = stop_below != NULL && sum[r] / norm[r] < stop_below[r];
		}
	}
	for (int r = 0; r < n_rows && st == PT_OK; r++)
		score[r] = n_tgt[r] + eos[r] > 0 ? (float) (sum[r] / norm[r]) : 0.0f;
	pt_free(lp);
	pt_free(row);
	pt_free(sum);
	return st;
}
