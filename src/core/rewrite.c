/*
 * rewrite.c — the rewrite task (rewrite.h): normalization, chunking into
 * whole sentences that fit the model's source, the Transformer under the
 * constrained beam search, and reassembly within the budget.
 */
#include "rewrite.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "beam.h"
#include "extract.h"
#include "facts.h"
#include "text.h"
#include "tokenizer.h"
#include "transformer.h"
#include "typography.h"

#define CHUNKS_PER_BATCH 8		/* chunks decoded together: logp is chunks · beam · V floats; 8 was fastest of 4-16 */
#define LENGTH_ALPHA 1.0f
#define NO_REPEAT_NGRAM 4		/* rewrites copy long spans: only block 4-gram loops */
#define EXTRA_TOKENS 8			/* output tokens allowed beyond the chunk's own */
/*
 * pt_rewrite_accepts: share of the chunk the rewrite keeps.  Spam, boilerplate and
 * keyword lists can be most of a chunk, and facts are guarded on their own,
 * so the floor only stops a rewrite that throws nearly everything away
 * (0.5 refused many right deletions: dev chrF en 85.7 → 86.6 at 0.2).
 */
#define MIN_CONTENT_KEPT 0.2

struct pt_rewriter
{
	pt_tokenizer *tok;
	pt_tf		m;
};

pt_status
pt_rewriter_load(const pt_model *m, pt_rewriter **out, pt_err *err)
{
	pt_rewriter *r = pt_alloc_zero(sizeof(pt_rewriter));
	pt_status	st;

	*out = NULL;
	if (r == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	if (strcmp(m->task, "rewrite") != 0)
		st = pt_fail(err, PT_ERR_MODEL, "model \"%s\" is a %s model, not rewrite", m->name, m->task);
	else if ((st = pt_tokenizer_from_model(m, &r->tok, err)) == PT_OK)
		st = pt_tf_load(m, pt_tokenizer_vocab_size(r->tok), &r->m, err);
	if (st != PT_OK)
	{
		pt_rewriter_free(r);
		return st;
	}
	*out = r;
	return PT_OK;
}

void
pt_rewriter_free(pt_rewriter *r)
{
	if (r == NULL)
		return;
	pt_tokenizer_free(r->tok);
	pt_tf_free(&r->m);
	pt_free(r);
}

int
pt_rewriter_set_int8(pt_rewriter *r, int on)
{
	return pt_tf_set_int8(&r->m, on);
}

int
pt_rewriter_max_src(const pt_rewriter *r)
{
	return r->m.max_src;
}

int
pt_rewriter_max_tgt(const pt_rewriter *r)
{
	return r->m.max_tgt;
}

int
pt_rewriter_vocab(const pt_rewriter *r)
{
	return r->m.vocab;
}

/* ---- chunks: byte ranges of whole sentences of one text ---- */

typedef struct chunk
{
	int			text;			/* index of its input text */
	size_t		start,
				end;			/* byte range in the normalized text, trimmed */
	int32_t    *ids;			/* model source, <eos> included */
	int			n_ids;
	char	   *out;			/* its rewrite, NULL until decoded */
	size_t		out_len;
} chunk;

typedef struct job
{
	const pt_rewriter *r;
	const pt_rewrite_opts *o;
	char	  **input;			/* per text: normalized, NULL for NULL input */
	size_t	   *input_len;
	char	  **norm;			/* per text: tidied, without boilerplate: what is rewritten */
	size_t	   *norm_len;
	pt_lang    *lang;
	pt_facts  **facts;			/* per text, NULL when the model does not serve it */
	size_t	   *first_chunk;	/* per text: its chunks are [first_chunk, end_chunk) */
	size_t	   *end_chunk;
	chunk	   *chunks;
	size_t		n_chunks,
				cap_chunks;
} job;

static pt_status
add_chunk(job *J, int text, size_t start, size_t end, pt_err *err)
{
	const char *s = J->norm[text];
	chunk	   *c;

	while (start < end && s[start] == ' ')
		start++;
	while (end > start && s[end - 1] == ' ')
		end--;
	if (start == end)
		return PT_OK;
	if (J->n_chunks == J->cap_chunks)
	{
		size_t		cap = J->cap_chunks ? 2 * J->cap_chunks : 16;
		chunk	   *grown = pt_realloc(J->chunks, pt_mul_size(cap, sizeof(chunk)));

		if (grown == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "out of memory");
		J->chunks = grown;
		J->cap_chunks = cap;
	}
	c = &J->chunks[J->n_chunks++];
	memset(c, 0, sizeof *c);
	c->text = text;
	c->start = start;
	c->end = end;
	return PT_OK;
}

/* bytes of the first max_tokens tokens of s[0..len) (pieces concatenate to the text) */
static size_t
token_prefix_bytes(const pt_tokenizer *tok, const char *s, size_t len, size_t max_tokens,
				   int32_t *ids, pt_err *err, pt_status *st)
{
	size_t		n,
				bytes = 0;

	if ((*st = pt_tokenize(tok, s, len, ids, max_tokens, &n, err)) != PT_OK)
		return 0;
	for (size_t i = 0; i < n; i++)
	{
		size_t		plen;

		pt_tokenizer_piece(tok, ids[i], &plen);
		bytes += plen;
	}
	return bytes < len ? bytes : len;
}

/*
 * Cut text t into chunks: consecutive sentences while their tokens fit the
 * model's source; a sentence longer than that alone is cut every
 * max_src - 1 tokens.
 */
static pt_status
chunk_text(job *J, int t, int32_t *ids, pt_err *err)
{
	const pt_tokenizer *tok = J->r->tok;
	const char *s = J->norm[t];
	size_t		fit = (size_t) J->r->m.max_src - 1,
				n_spans,
				start = 0,
				tokens = 0;
	pt_span    *spans = NULL;
	pt_status	st;

	if ((st = pt_split_sentences(s, J->norm_len[t], &spans, &n_spans, err)) != PT_OK)
		return st;
	for (size_t i = 0; i < n_spans && st == PT_OK; i++)
	{
		size_t		a = spans[i].start,
					n;

		/* tokens of this sentence, counted up to one more than fits */
		if ((st = pt_tokenize(tok, s + a, spans[i].end - a, ids, fit + 1, &n, err)) != PT_OK)
			break;
		if (tokens > 0 && tokens + n > fit)
		{
			st = add_chunk(J, t, start, a, err);
			tokens = 0;
		}
		if (tokens == 0)
			start = a;
		while (st == PT_OK && n > fit)
		{
			/*
			 * a sentence too long for the model: its first `fit` tokens make
			 * a chunk, ending where a word ends — a cut inside "sulfates"
			 * would make "ates" a word of the next chunk, which its rewrite
			 * could then keep
			 */
			size_t		cut = token_prefix_bytes(tok, s + a, spans[i].end - a, fit, ids, err, &st),
						word_cut;

			if (st != PT_OK || cut == 0)
				break;
			word_cut = pt_text_cut(s + a, spans[i].end - a, pt_utf8_chars(s + a, cut));
			if (word_cut > 0)
				cut = word_cut;
			st = add_chunk(J, t, a, a + cut, err);
			a += cut;
			start = a;
			if (st == PT_OK)
				st = pt_tokenize(tok, s + a, spans[i].end - a, ids, fit + 1, &n, err);
		}
		tokens += n;
	}
	if (st == PT_OK && n_spans > 0)
		st = add_chunk(J, t, start, spans[n_spans - 1].end, err);
	pt_free(spans);
	return st;
}

/* ---- keeping a rewrite only when it edits rather than invents ---- */

/*
 * The content units of s: its code points other than white space and ASCII
 * punctuation, ASCII letters lower-cased (re-casing and re-punctuating are
 * what a cleaner does).  units needs room for len; returns the count.
 */
static size_t
content_units(const char *s, size_t len, uint32_t *units)
{
	size_t		n = 0,
				i = 0;

	while (i < len)
	{
		uint32_t	cp;
		size_t		k = pt_utf8_decode(s + i, len - i, &cp);

		if (k == 0)
			break;
		i += k;
		if (cp < 0x80 && !((cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')))
			continue;
		units[n++] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	}
	return n;
}

/* length of the longest common subsequence of a[0..na) and b[0..nb); row has room for nb + 1 */
static size_t
lcs_length(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t *row)
{
	memset(row, 0, (nb + 1) * sizeof *row);
	for (size_t i = 0; i < na; i++)
	{
		size_t		diag = 0;

		for (size_t j = 0; j < nb; j++)
		{
			size_t		up = row[j + 1],
						best = a[i] == b[j] ? diag + 1 : (up > row[j] ? up : row[j]);

			diag = up;
			row[j + 1] = best;
		}
	}
	return row[nb];
}

/* whether the word w[0..n) occurs in s as a whole ASCII word, ignoring ASCII case */
static int
has_word(const char *s, size_t len, const char *w, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
	{
		size_t		j = 0;

		if (i > 0 && pt_ascii_alnum(s[i - 1]))
			continue;
		while (j < n && (s[i + j] | 0x20) == (w[j] | 0x20))
			j++;
		if (j == n && (i + n == len || !pt_ascii_alnum(s[i + n])))
			return 1;
	}
	return 0;
}

/* whether s[0..len) holds w[0..n), ignoring ASCII case */
static int
has_substring(const char *s, size_t len, const char *w, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, w, n) == 0)
			return 1;
	return 0;
}

/*
 * Whether out uses only src's ASCII: every word (a run of letters and
 * digits) is a word of src, and every token (a run of printable ASCII
 * between spaces, line breaks and other scripts) that holds a digit — a
 * model number, a size, a price: "LJ--10", "3.5mm" — occurs verbatim in
 * src, punctuation at its ends aside, so it cannot be re-punctuated
 * ("LJ---10").
 */
static int
ascii_from(const char *src, size_t src_len, const char *out, size_t out_len)
{
	size_t		i = 0;

	while (i < out_len)
	{
		size_t		end = i,
					a,
					b;
		int			digit = 0;

		for (; end < out_len && out[end] > ' ' && out[end] < 0x7f; end++)
			digit |= out[end] >= '0' && out[end] <= '9';
		for (a = i; a < end && !pt_ascii_alnum(out[a]); a++)
			;
		for (b = end; b > a && !pt_ascii_alnum(out[b - 1]); b--)
			;
		if (digit && !has_substring(src, src_len, out + a, b - a))
			return 0;
		for (size_t w = a; w < b;)
		{
			size_t		e = w;

			while (e < b && pt_ascii_alnum(out[e]))
				e++;
			if (e > w && !has_word(src, src_len, out + w, e - w))
				return 0;
			w = e + 1;
		}
		i = end + 1;
	}
	return 1;
}

/*
 * Whether every code point of a[0..na) beyond ASCII — a Han character, a
 * letter of another script, a symbol ("★") — is one of b[0..nb); sorts
 * and deduplicates b.
 */
static int
non_ascii_from(const uint32_t *a, size_t na, uint32_t *b, size_t nb)
{
	nb = pt_sort_unique_u32(b, nb);
	for (size_t i = 0; i < na; i++)
		if (a[i] >= 0x80 && bsearch(&a[i], b, nb, sizeof *b, pt_compare_u32) == NULL)
			return 0;
	return 1;
}

/*
 * Whether the run of the chunk's Han text [a, e) that a rewrite leaves out
 * may go: it is not inside a word group (white space, a mark, a symbol or
 * the chunk's end on one side of it: a spam word glued to the start of a
 * clause, "秋冬这款游戏…", goes), a repeat of what the rewrite keeps
 * ("好用好用的杯子"), or noise by the boilerplate detector ("纯棉爆款T恤");
 * not text torn out of the middle ("304不锈钢保温杯" → "304不锈钢杯", "…
 * 网络下单请求跑腿服务。系统…" → "…网络系统…") nor the chunk's tail cut
 * inside a word group ("…营造出天马行空、…世界。" → "…营造出天马": the
 * decoder stopped early).  A cut at a word group's end before a mark
 * ("以实物为准," → "以实物,") is not told from a glued slogan this way.
 */
static pt_status
deletion_is_noise(const pt_boiler *boiler, const char *c, size_t len, size_t a, size_t e, const char *out,
				  size_t out_len, int *ok, pt_err *err)
{
	float		p;
	pt_status	st;

	int			left = a == 0 || !(pt_ascii_alnum(c[a - 1]) || pt_ideograph_before(c, len, a)),
				to_end = 1;

	for (size_t i = e; i < len && to_end; i++)
		to_end = !(pt_ascii_alnum(c[i]) || pt_ideograph_at(c, len, i));
	/* a run to the chunk's end (marks aside) is the decoder stopping early unless a word group ends before it */
	*ok = left || (!to_end && !(pt_ascii_alnum(c[e]) || pt_ideograph_at(c, len, e)));
	/* a repeat of two characters or more: "满满的" → "满的" is no repeat dropped */
	for (size_t i = 0; !*ok && e - a >= 6 && i + (e - a) <= out_len; i++)
		*ok = memcmp(out + i, c + a, e - a) == 0;
	if (*ok || boiler == NULL)
		return PT_OK;
	if ((st = pt_boiler_prob(boiler, c + a, e - a, &p, err)) == PT_OK)
		*ok = p >= pt_boiler_threshold(boiler);
	return st;
}

/*
 * Whether every run of Han characters a rewrite of chunk c deletes may go
 * (deletion_is_noise).  The rewrite's content units are a subsequence of
 * the chunk's (pt_rewrite_accepts): they are matched to the chunk's first
 * occurrences left to right, and a run is the chunk's text from a deleted
 * unit to the next kept one (marks between deleted units belong to it).
 */
static pt_status
deletions_are_noise(const pt_boiler *boiler, const char *c, size_t len, const char *out, size_t out_len,
					const uint32_t *kept, size_t n_kept, int *ok, pt_err *err)
{
	size_t		j = 0,
				run_a = 0,
				run_e = 0;
	int			in_run = 0,
				han = 0;
	pt_status	st = PT_OK;

	*ok = 1;
	for (size_t i = 0; i <= len && *ok && st == PT_OK;)
	{
		uint32_t	cp = 0;
		size_t		k = i < len ? pt_utf8_decode(c + i, len - i, &cp) : 1;
		int			unit,
					deleted;

		if (k == 0)
			k = 1;
		if (cp >= 'A' && cp <= 'Z')
			cp += 32;
		unit = i < len && (cp >= 0x80 || pt_ascii_alnum((char) cp));
		deleted = unit && !(j < n_kept && kept[j] == cp);
		if (unit && !deleted)
			j++;
		/* a CJK or general punctuation mark ends a run like an ASCII one ("…天马行空、独具…") */
		if (deleted && (pt_is_cjk_punct(cp) || (cp >= 0x2000 && cp <= 0x206F)))
			deleted = 0;
		else if (deleted)
		{
			if (!in_run)
				run_a = i;
			in_run = 1;
			run_e = i + k;
			han |= pt_is_ideograph(cp);
		}
		else if (in_run && (unit || i == len))
		{
			if (han)
				st = deletion_is_noise(boiler, c, len, run_a, run_e, out, out_len, ok, err);
			in_run = han = 0;
		}
		i += k;
	}
	return st;
}

/*
 * Whether a chunk's rewrite is used: it keeps every fact word of the chunk
 * (facts.h; the decoder already made sure it adds none), it only deletes —
 * its content units are a subsequence of the chunk's, so no new words, no
 * reordering, no loops (a 5 % allowance let the decoder's stutters through:
 * "重庆时时时彩", "漫漫漫升官路") — what it deletes from Han text is whole
 * clauses, repeats or noise (deletions_are_noise), every ASCII word of it
 * is a word of the chunk (so a colour, a
 * material or a misspelling cannot slip through the subsequence test: "Navy
 * Blue" for "Black"), every token with a digit is the chunk's verbatim,
 * every other character is one the chunk has (a Han character is a word;
 * "★" is noise), and it keeps at least MIN_CONTENT_KEPT of the chunk's
 * content (noise is never most of a chunk).
 */
pt_status
pt_rewrite_accepts(const pt_rewriter *r, const pt_boiler *boiler, const char *chunk, size_t chunk_len,
				   const char *out, size_t out_len, int *keep, pt_err *err)
{
	uint32_t   *a = pt_alloc(pt_mul_size(out_len + 1, sizeof(uint32_t))),
			   *b = pt_alloc(pt_mul_size(chunk_len + 1, sizeof(uint32_t)));
	size_t	   *row = pt_alloc(pt_mul_size(chunk_len + 1, sizeof(size_t)));
	pt_facts   *of = NULL;
	pt_status	st;

	*keep = 0;
	if (a == NULL || b == NULL || row == NULL)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory checking a rewrite");
	else if ((st = pt_facts_build(r->tok, out, out_len, &of, err)) == PT_OK)
	{
		size_t		na = content_units(out, out_len, a),
					nb = content_units(chunk, chunk_len, b),
					common = lcs_length(a, na, b, nb, row);

		*keep = pt_facts_unsupported(of, chunk, chunk_len) == 0 && na > 0 &&
			ascii_from(chunk, chunk_len, out, out_len) &&
			common == na &&
			(double) common >= MIN_CONTENT_KEPT * (double) nb;
		if (*keep)
			st = deletions_are_noise(boiler, chunk, chunk_len, out, out_len, a, na, keep, err);
		/* last: it sorts b */
		*keep = *keep && st == PT_OK && non_ascii_from(a, na, b, nb);
	}
	pt_facts_free(of);
	pt_free(a);
	pt_free(b);
	pt_free(row);
	return st;
}

/* ---- decoding ---- */

static pt_status
decode_chunks(job *J, chunk *cs, int B, pt_err *err)
{
	const pt_rewriter *r = J->r;
	const int32_t *ids[CHUNKS_PER_BATCH];
	int			n_ids[CHUNKS_PER_BATCH],
				longest = 0;
	pt_facts   *facts[CHUNKS_PER_BATCH];
	size_t		max_chars[CHUNKS_PER_BATCH];
	char	   *out[CHUNKS_PER_BATCH];
	size_t		out_len[CHUNKS_PER_BATCH];
	pt_beam_opts bo = {
		.beam_width = J->o->beam_width,
		.length_alpha = LENGTH_ALPHA,
		.no_repeat_ngram = NO_REPEAT_NGRAM,
		.row_max_chars = max_chars,
		.finish_all = 1,
	};
	pt_tf_batch *batch;
	pt_status	st;

	for (int b = 0; b < B; b++)
	{
		ids[b] = cs[b].ids;
		n_ids[b] = cs[b].n_ids;
		facts[b] = J->facts[cs[b].text];
		/* a rewrite is never longer than its chunk */
		max_chars[b] = pt_utf8_chars(J->norm[cs[b].text] + cs[b].start, cs[b].end - cs[b].start);
		if (n_ids[b] > longest)
			longest = n_ids[b];
	}
	bo.max_tokens = longest + EXTRA_TOKENS < r->m.max_tgt ? longest + EXTRA_TOKENS : r->m.max_tgt;
	if ((st = pt_tf_encode(&r->m, B, ids, n_ids, B * J->o->beam_width, bo.max_tokens, &batch,
						   err)) != PT_OK)
		return st;
	st = pt_beam_search(r->tok, r->m.vocab, pt_tf_step, batch, B, facts, &bo, out, out_len, err);
	pt_tf_batch_free(batch);
	if (st != PT_OK)
		return st;
	for (int b = 0; b < B; b++)
	{
		int			keep = 0;

		if (st == PT_OK && out[b] != NULL)
			st = pt_rewrite_accepts(r, J->o->boiler, J->norm[cs[b].text] + cs[b].start,
									cs[b].end - cs[b].start, out[b], out_len[b], &keep, err);
		if (st == PT_OK && keep)
		{
			cs[b].out = out[b];
			cs[b].out_len = out_len[b];
		}
		else
			pt_free(out[b]);	/* the chunk stays as it was */
	}
	return st;
}

/* ---- per text: prepare, then assemble ---- */

static pt_status
prepare_text(job *J, int t, const char *text, size_t len, int32_t *ids, pt_err *err)
{
	const pt_rewriter *r = J->r;
	size_t		first = J->n_chunks,
				norm_len;
	char	   *norm;
	pt_status	st;

	/* the model sees, and falls back to, the tidied text (tidy.h) without its boilerplate */
	if ((st = pt_text_normalize(text, len, J->o->max_input_chars, &norm, &norm_len, err)) != PT_OK)
		return st;
	J->input[t] = norm;
	J->input_len[t] = norm_len;
	if ((st = pt_boiler_clean(J->o->boiler, norm, norm_len, &J->norm[t], &J->norm_len[t], &J->lang[t],
							  err)) != PT_OK)
		return st;
	if (r == NULL || J->norm_len[t] == 0 || (J->lang[t] != PT_LANG_EN && J->lang[t] != PT_LANG_ZH))
		return PT_OK;
	J->first_chunk[t] = first;
	if ((st = pt_facts_build(r->tok, J->norm[t], J->norm_len[t], &J->facts[t], err)) != PT_OK ||
		(st = chunk_text(J, t, ids, err)) != PT_OK)
		return st;
	J->end_chunk[t] = J->n_chunks;
	for (size_t c = first; c < J->n_chunks; c++)
	{
		chunk	   *ch = &J->chunks[c];
		size_t		n;

		ch->ids = pt_alloc(pt_mul_size((size_t) r->m.max_src, sizeof(int32_t)));
		if (ch->ids == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "out of memory");
		if ((st = pt_tokenize_source(r->tok, J->norm[t] + ch->start, ch->end - ch->start, ch->ids,
									 (size_t) r->m.max_src, &n, err)) != PT_OK)
			return st;
		ch->n_ids = (int) n;
	}
	return PT_OK;
}

/*
 * Whether chunk c's text (s) follows the output so far (prev) with a space.
 * Where white space parted the two chunks in the input: always in English;
 * in Chinese only where Latin text meets Latin text ("Elevator" + "Family/kid
 * friendly").  Where a cut at a mark parted them ("trampoline|! Your": a
 * sentence too long for one chunk): where two words meet once the rewrite
 * dropped the mark.  Never inside a word a cut split ("sul|fates", a
 * sentence of one word).  A join without a space must not glue two words
 * into one the input never had.
 */
static int
joins_with_space(const job *J, int t, size_t c, const char *prev, size_t prev_len, const char *s, size_t len)
{
	const chunk *ch = &J->chunks[c],
			   *before = &J->chunks[c - 1];
	const char *norm = J->norm[t];

	if (prev_len == 0 || len == 0)
		return 0;
	if (ch->start > before->end)
		return J->lang[t] != PT_LANG_ZH ||
			((unsigned char) prev[prev_len - 1] < 0x80 && (unsigned char) s[0] < 0x80);
	if (pt_ascii_alnum(norm[before->end - 1]) && pt_ascii_alnum(norm[ch->start]))
		return 0;
	return pt_ascii_alnum(prev[prev_len - 1]) && pt_ascii_alnum(s[0]);
}

/*
 * The output of text t: its chunks' rewrites (or the chunks themselves)
 * within the budget, in the typography of its language with the input's
 * brand and model casing (typography.h).
 */
static pt_status
assemble(job *J, int t, char **out, size_t *out_len, pt_err *err)
{
	size_t		first = J->first_chunk[t],
				end = J->end_chunk[t],
				budget = J->o->max_chars,
				cap = J->norm_len[t] + 1,
				at = 0,
				chars = 0;
	char	   *buf;
	pt_status	st;

	for (size_t c = first; c < end; c++)
		cap += (J->chunks[c].out ? J->chunks[c].out_len : 0) + 1;
	if ((buf = pt_alloc(cap)) == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	for (size_t c = first; c < end; c++)
	{
		const chunk *ch = &J->chunks[c];
		const char *s = ch->out ? ch->out : J->norm[t] + ch->start;
		size_t		len = ch->out ? ch->out_len : ch->end - ch->start,
					sep_len = c > first && joins_with_space(J, t, c, buf, at, s, len),
					more = pt_utf8_chars(s, len) + sep_len;

		if (budget > 0 && chars + more > budget)
		{
			if (at == 0)		/* not even the first chunk fits: cut it */
			{
				at = pt_text_cut(s, len, budget);
				memcpy(buf, s, at);
			}
			break;
		}
		memcpy(buf + at, " ", sep_len);
		memcpy(buf + at + sep_len, s, len);
		at += sep_len + len;
		chars += more;
	}
	if (first == end)			/* not served by the model: the normalized text */
	{
		at = budget > 0 ? pt_text_cut(J->norm[t], J->norm_len[t], budget) : J->norm_len[t];
		memcpy(buf, J->norm[t], at);
	}
	st = pt_typography_apply(buf, at, J->input[t], J->input_len[t], budget, out, out_len, err);
	pt_free(buf);
	return st;
}

static void
free_job(job *J, size_t n)
{
	for (size_t i = 0; i < n && J->norm != NULL && J->input != NULL && J->facts != NULL; i++)
	{
		pt_free(J->input[i]);
		pt_free(J->norm[i]);
		pt_facts_free(J->facts[i]);
	}
	for (size_t c = 0; c < J->n_chunks; c++)
	{
		pt_free(J->chunks[c].ids);
		pt_free(J->chunks[c].out);
	}
	pt_free(J->chunks);
	pt_free(J->input);
	pt_free(J->input_len);
	pt_free(J->norm);
	pt_free(J->norm_len);
	pt_free(J->lang);
	pt_free(J->facts);
	pt_free(J->first_chunk);
	pt_free(J->end_chunk);
}

pt_status
pt_rewrite(const pt_rewriter *r, const char *const *texts, const size_t *lens, size_t n,
		   const pt_rewrite_opts *opts, char **outs, size_t *out_lens, pt_err *err)
{
	job			J = {.r = r, .o = opts};
	int32_t    *ids = NULL;
	pt_status	st = PT_OK;

	for (size_t i = 0; i < n; i++)
	{
		outs[i] = NULL;
		out_lens[i] = 0;
	}
	if (opts->beam_width < 1 || opts->beam_width > PT_REWRITE_MAX_BEAM)
		return pt_fail(err, PT_ERR_ARG, "rewrite: beam_width must be in [1, %d]", PT_REWRITE_MAX_BEAM);
	J.input = pt_alloc_zero(pt_mul_size(n + 1, sizeof(char *)));
	J.input_len = pt_alloc_zero(pt_mul_size(n + 1, sizeof(size_t)));
	J.norm = pt_alloc_zero(pt_mul_size(n + 1, sizeof(char *)));
	J.norm_len = pt_alloc_zero(pt_mul_size(n + 1, sizeof(size_t)));
	J.lang = pt_alloc_zero(pt_mul_size(n + 1, sizeof(pt_lang)));
	J.facts = pt_alloc_zero(pt_mul_size(n + 1, sizeof(pt_facts *)));
	J.first_chunk = pt_alloc_zero(pt_mul_size(n + 1, sizeof(size_t)));
	J.end_chunk = pt_alloc_zero(pt_mul_size(n + 1, sizeof(size_t)));
	if (r != NULL)
		ids = pt_alloc(pt_mul_size((size_t) r->m.max_src + 1, sizeof(int32_t)));
	if (!J.input || !J.input_len || !J.norm || !J.norm_len || !J.lang || !J.facts || !J.first_chunk || !J.end_chunk ||
		(r != NULL && ids == NULL))
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n && st == PT_OK; i++)
		if (texts[i] != NULL)
			st = prepare_text(&J, (int) i, texts[i], lens[i], ids, err);
	for (size_t c = 0; c < J.n_chunks && st == PT_OK; c += CHUNKS_PER_BATCH)
	{
		size_t		k = J.n_chunks - c < CHUNKS_PER_BATCH ? J.n_chunks - c : CHUNKS_PER_BATCH;

		st = decode_chunks(&J, J.chunks + c, (int) k, err);
	}
	for (size_t i = 0; i < n && st == PT_OK; i++)
		if (J.norm[i] != NULL)
			st = assemble(&J, (int) i, &outs[i], &out_lens[i], err);
	if (st != PT_OK)
		for (size_t i = 0; i < n; i++)
		{
			pt_free(outs[i]);
			outs[i] = NULL;
			out_lens[i] = 0;
		}
	pt_free(ids);
	free_job(&J, n);
	return st;
}

pt_status
pt_rewriter_greedy(const pt_rewriter *r, const char *text, size_t len,
				   int32_t *src, int *n_src, int32_t *out, int *n_out,
				   float *logp, int steps, pt_err *err)
{
	char	   *norm = NULL;
	size_t		norm_len,
				n;
	pt_tf_batch *batch = NULL;
	const int32_t *ids = src;
	pt_status	st;

	*n_out = 0;
	*n_src = 0;
	if ((st = pt_text_normalize(text, len, 0, &norm, &norm_len, err)) == PT_OK &&
		(st = pt_tokenize_source(r->tok, norm, norm_len, src, (size_t) r->m.max_src, &n, err)) == PT_OK)
	{
		*n_src = (int) n;
		if ((st = pt_tf_encode(&r->m, 1, &ids, n_src, 1, r->m.max_tgt, &batch, err)) == PT_OK)
			st = pt_greedy_trace(pt_tf_step, batch, r->m.vocab, r->m.max_tgt, out, n_out,
								 logp, steps, err);
	}
	pt_tf_batch_free(batch);
	pt_free(norm);
	return st;
}
