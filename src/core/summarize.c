/*
 * summarize.c — the summarize task (summarize.h): front end, the
 * abstractive model under constrained beam search, and the extractive
 * path that extends short abstracts and serves what the model cannot.
 */
#include "summarize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beam.h"
#include "extract.h"
#include "facts.h"
#include "lexicon.h"
#include "seq2seq.h"
#include "text.h"
#include "tokenizer.h"
#include "typography.h"

/*
 * Rows decoded together.  Each decoder step streams the layers' weights
 * (about a megabyte, more than L2) once for all the batch's hypotheses,
 * so wider batches cost less per row, although their sources' ids widen
 * the shortlist's columns: 16 gave 2,750 -> 3,000-3,250 greedy summaries
 * per second in arrays of 32 and +5-10 % at beam 4 over 4 (8 in between).
 */
#define ROWS_PER_BATCH 16
#define LENGTH_ALPHA 1.0f		/* beam score / tokens^alpha */
#define NO_REPEAT_NGRAM 3
#define MIN_SUMMARY_COLUMNS 20	/* shorter abstracts give way to a longer lead (extract_says_more) */

struct pt_summarizer
{
	pt_tokenizer *tok;
	pt_s2s		m;
	float		min_margin;		/* abstracts the model does not prefer to the lead by this much give way to it */
};

pt_status
pt_summarizer_load(const pt_model *m, pt_summarizer **out, pt_err *err)
{
	pt_summarizer *s = pt_alloc_zero(sizeof(pt_summarizer));
	pt_status	st;

	*out = NULL;
	if (s == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	if (strcmp(m->task, "summarize") != 0)
		st = pt_fail(err, PT_ERR_MODEL, "model \"%s\" is a %s model, not summarize", m->name, m->task);
	else if ((st = pt_tokenizer_from_model(m, &s->tok, err)) == PT_OK)
		st = pt_s2s_load(m, pt_tokenizer_vocab_size(s->tok), &s->m, err);
	if (st == PT_OK)
	{
		/* calibrated by models/train/summarize/calibrate.py; files without it abstract always */
		const pt_kv *kv = pt_model_kv(m, "abstract_min_margin");

		s->min_margin = -INFINITY;
		if (kv != NULL && kv->type == PT_KV_FLOAT && isfinite(kv->f))
			s->min_margin = (float) kv->f;
	}
	if (st != PT_OK)
	{
		pt_summarizer_free(s);
		return st;
	}
	*out = s;
	return PT_OK;
}

void
pt_summarizer_free(pt_summarizer *s)
{
	if (s == NULL)
		return;
	pt_tokenizer_free(s->tok);
	pt_s2s_free(&s->m);
	pt_free(s);
}

int
pt_summarizer_set_int8(pt_summarizer *s, int on)
{
	return pt_s2s_set_int8(&s->m, on);
}

int
pt_summarizer_set_shortlist(pt_summarizer *s, int on)
{
	return pt_s2s_set_shortlist(&s->m, on);
}

void
pt_summarizer_set_min_margin(pt_summarizer *s, float min_margin)
{
	s->min_margin = min_margin;
}

int
pt_summarizer_max_src(const pt_summarizer *s)
{
	return s->m.max_src;
}

int
pt_summarizer_max_tgt(const pt_summarizer *s)
{
	return s->m.max_tgt;
}

int
pt_summarizer_vocab(const pt_summarizer *s)
{
	return s->m.vocab;
}

/* ---- one batch of rows ---- */

typedef struct row
{
	char	   *input;			/* normalized input, NULL for a NULL input */
	size_t		input_len;
	char	   *norm;			/* tidied, without boilerplate: what is summarized */
	size_t		len;
	int			model;			/* 1 when the abstractive model serves it */
	int32_t    *ids;
	int			n_ids;
	pt_facts   *facts;
	pt_lexicon *lex;			/* the words the abstract may use */
	char	   *abstract;		/* the model's output, NULL if none */
	size_t		abstract_len;
	char	   *extract;		/* the extractive summary, once made */
	size_t		extract_len;
} row;

static void
free_rows(row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		pt_free(rows[i].input);
		pt_free(rows[i].norm);
		pt_lexicon_free(rows[i].lex);
		pt_free(rows[i].ids);
		pt_facts_free(rows[i].facts);
		pt_free(rows[i].abstract);
		pt_free(rows[i].extract);
	}
}

/* normalize, detect the language and tokenize one input */
static pt_status
prepare_row(const pt_summarizer *s, const char *text, size_t len, const pt_summarize_opts *o,
			row *r, pt_err *err)
{
	pt_lang		lang;
	size_t		n_ids;
	pt_status	st;

	if ((st = pt_text_normalize(text, len, o->max_input_chars, &r->input, &r->input_len, err)) != PT_OK ||
		(st = pt_boiler_clean(o->boiler, r->input, r->input_len, &r->norm, &r->len, &lang, err)) != PT_OK)
		return st;
	if (lang != PT_LANG_EN && lang != PT_LANG_ZH)
		return PT_OK;
	if (s == NULL || r->len == 0)
		return PT_OK;
	r->ids = pt_alloc(pt_mul_size((size_t) s->m.max_src, sizeof(int32_t)));
	if (r->ids == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	if ((st = pt_tokenize_source(s->tok, r->norm, r->len, r->ids, (size_t) s->m.max_src, &n_ids,
								 err)) != PT_OK ||
		(st = pt_facts_build(s->tok, r->norm, r->len, &r->facts, err)) != PT_OK ||
		(st = pt_lexicon_build(r->norm, r->len, &r->lex, err)) != PT_OK)
		return st;
	r->n_ids = (int) n_ids;
	r->model = r->n_ids > 1;
	return PT_OK;
}

/*
 * Whether s starts with a word that joins a phrase to what came before
 * ("And city", "For Bolsa", "By"): no product summary does; an abstract
 * that does is the decoder's word salad on a catalog it never saw
 * (models/summarize.md).  Articles and demonstratives may start one.
 */
static int
starts_with_joiner(const char *s, size_t len)
{
	static const char *const joiners[] = {
		"and", "or", "for", "of", "in", "on", "to", "by", "from", "at", "as",
		"is", "are", "has", "have", "with", NULL
	};
	size_t		n = 0;

	while (n < len && pt_ascii_alnum(s[n]))
		n++;
	/* "In-ear", "On/off", "To's" are words of their own */
	return !(n < len && strchr("-'/", s[n]) != NULL) && pt_word_in_list(joiners, s, n);
}

/*
 * Whether an abstract starts as no phrase does: on a mark ("- jump jet
 * prestige") or on a letter alone other than "A" and "I" ("S easy-to-use
 * symantec ghost suite").
 */
static int
starts_badly(const char *s, size_t len)
{
	if ((unsigned char) s[0] < 0x80 && !pt_ascii_alnum(s[0]) && strchr("([\"'", s[0]) == NULL)
		return 1;
	return len > 1 && s[1] == ' ' && pt_ascii_alnum(s[0]) && strchr("AaI", s[0]) == NULL &&
		!(s[0] >= '0' && s[0] <= '9');
}

/* a[0..n) and b[0..n), ASCII letters and digits, are equal but for case */
static int
same_ascii_word(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((a[i] | 0x20) != (b[i] | 0x20))
			return 0;
	return 1;
}

/*
 * Whether an ASCII word follows itself ("sony sony", "fairy fairy",
 * "software software", ASCII case aside): what a decoder unsure of a
 * catalog writes, and no product title does.
 */
static int
repeats_word(const char *s, size_t len)
{
	size_t		prev = 0,
				prev_n = 0;

	for (size_t i = 0; i < len;)
	{
		size_t		n = 0;

		if (!pt_ascii_alnum(s[i]))
		{
			i++;
			continue;
		}
		while (i + n < len && pt_ascii_alnum(s[i + n]))
			n++;
		if (n == prev_n && i == prev + prev_n + 1 && s[i - 1] == ' ' && same_ascii_word(s + prev, s + i, n))
			return 1;
		prev = i;
		prev_n = n;
		i += n;
	}
	return 0;
}

int
pt_summarize_well_formed(const char *s, size_t len)
{
	int			paren = 0,
				bracket = 0,
				quotes = 0;

	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len == 0 || strchr("([{\"'-/&:,;", s[len - 1]) != NULL || starts_with_joiner(s, len) ||
		starts_badly(s, len) || repeats_word(s, len) || memmem(s, len, "!!", 2) != NULL)
		return 0;
	for (size_t i = 0; i < len; i++)
	{
		paren += (s[i] == '(') - (s[i] == ')');
		bracket += (s[i] == '[') - (s[i] == ']');
		quotes += s[i] == '"';
		if (paren < 0 || bracket < 0)
			return 0;
	}
	return paren == 0 && bracket == 0 && quotes % 2 == 0;
}

/* the row's extractive summary (the lead that fits max_chars), made once */
static pt_status
row_extract(row *r, const pt_summarize_opts *o, pt_err *err)
{
	if (r->extract != NULL)
		return PT_OK;
	return pt_extract_fill(r->norm, r->len, NULL, 0, o->max_chars, &r->extract, &r->extract_len, err);
}

/*
 * The teacher-forced score of each row's extractive summary under the
 * model, comparable with the beam score of its abstract (pt_forced_score):
 * of as many of its leading tokens as the abstract has, and <eos> when
 * that is all of it.  Like against like, at the cost of one pass as short
 * as the abstract.  A row stops once its score is sure to fall below
 * what keeps its abstract (abstract_score - min_margin): the decision
 * needs no more.
 */
static pt_status
extract_scores(const pt_summarizer *s, row *rows, const int *map, char *const *abstracts,
			   const size_t *abstract_lens, const float *abstract_score, int B, pt_s2s_batch *batch,
			   const pt_summarize_opts *o, float *ext_score, pt_err *err)
{
	size_t		cap = (size_t) s->m.max_tgt;
	int32_t    *ids = pt_alloc(pt_mul_size(pt_mul_size((size_t) B, cap), sizeof *ids));
	const int32_t *tgt[ROWS_PER_BATCH];
	int			n_tgt[ROWS_PER_BATCH],
				eos[ROWS_PER_BATCH];
	float		keep_below[ROWS_PER_BATCH];
	pt_status	st = PT_OK;

	if (ids == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	for (int b = 0; b < B && st == PT_OK; b++)
	{
		row		   *r = &rows[map[b]];
		size_t		n_abs = 0,
					n = 0;
		int32_t    *t = ids + (size_t) b * cap;

		tgt[b] = t;
		n_tgt[b] = eos[b] = 0;
		keep_below[b] = -INFINITY;
		if (abstracts[b] == NULL)
			continue;
		/* the abstract's length in tokens, then the lead's first tokens, one more to see if it goes on */
		if ((st = pt_tokenize(s->tok, abstracts[b], abstract_lens[b], t, cap - 1, &n_abs, err)) != PT_OK ||
			(st = row_extract(r, o, err)) != PT_OK ||
			(st = pt_tokenize(s->tok, r->extract, r->extract_len, t, n_abs + 1, &n, err)) != PT_OK)
			break;
		eos[b] = n <= n_abs;
		n_tgt[b] = (int) (n <= n_abs ? n : n_abs);
		keep_below[b] = abstract_score[b] - s->min_margin;
	}
	if (st == PT_OK)
		st = pt_forced_score(pt_s2s_step, batch, pt_s2s_batch_width(batch), pt_s2s_batch_columns(batch),
							 B, tgt, n_tgt, eos, LENGTH_ALPHA, keep_below, ext_score, err);
	pt_free(ids);
	return st;
}

/*
 * Beam search over the rows the model serves.  *spare: the batch of the
 * call's previous rows (NULL at first), whose memory this one reuses; it
 * becomes this batch, for the next.
 */
static pt_status
decode_rows(const pt_summarizer *s, row *rows, size_t n, const pt_summarize_opts *o,
			pt_s2s_batch **spare, pt_err *err)
{
	const int32_t *ids[ROWS_PER_BATCH];
	int			n_ids[ROWS_PER_BATCH];
	pt_facts   *facts[ROWS_PER_BATCH];
	const pt_lexicon *lex[ROWS_PER_BATCH];
	float		score[ROWS_PER_BATCH],
				ext_score[ROWS_PER_BATCH];
	char	   *out[ROWS_PER_BATCH];
	size_t		out_len[ROWS_PER_BATCH];
	int			map[ROWS_PER_BATCH],
				B = 0;
	pt_beam_opts bo = {
		.beam_width = o->beam_width,
		.max_tokens = s->m.max_tgt,
		.max_chars = o->max_chars,
		.length_alpha = LENGTH_ALPHA,
		.no_repeat_ngram = NO_REPEAT_NGRAM,
		.lexicons = lex,
		.row_score = score,
	};
	pt_s2s_batch *batch;
	pt_status	st;

	for (size_t i = 0; i < n; i++)
		if (rows[i].model)
		{
			ids[B] = rows[i].ids;
			n_ids[B] = rows[i].n_ids;
			facts[B] = rows[i].facts;
			lex[B] = rows[i].lex;
			map[B++] = (int) i;
		}
	if (B == 0)
		return PT_OK;
	st = pt_s2s_encode(&s->m, B, ids, n_ids, B * o->beam_width, 1, *spare, &batch, err);
	*spare = batch;
	if (st != PT_OK)
		return st;
	bo.ids = pt_s2s_batch_columns(batch);
	st = pt_beam_search(s->tok, pt_s2s_batch_width(batch), pt_s2s_step, batch, B, facts, &bo,
						out, out_len, err);
	for (int b = 0; b < B; b++)
		ext_score[b] = -INFINITY;
	if (st == PT_OK && isfinite(s->min_margin))
		st = extract_scores(s, rows, map, out, out_len, score, B, batch, o, ext_score, err);
	if (st != PT_OK)
	{
		for (int b = 0; b < B; b++)
			pt_free(out[b]);
		return st;
	}
	for (int b = 0; b < B; b++)
	{
		/*
		 * An abstract the model itself hardly prefers to the plain lead, or
		 * an ill-formed one, is worse than the lead: the extractive path
		 * serves the row.  On a catalog the model never saw it is unsure
		 * of its abstracts, and the lead is the better summary there.
		 */
		if (out[b] != NULL && (score[b] - ext_score[b] < s->min_margin || !pt_summarize_well_formed(out[b], out_len[b])))
		{
			pt_free(out[b]);
			out[b] = NULL;
		}
		rows[map[b]].abstract = out[b];
		rows[map[b]].abstract_len = out_len[b];
	}
	return PT_OK;
}

/* display columns of valid UTF-8 s: a Han character is two */
static size_t
columns(const char *s, size_t len)
{
	size_t		n = 0;

	for (size_t i = 0; i < len;)
	{
		uint32_t	cp;
		size_t		k = pt_utf8_decode(s + i, len - i, &cp);

		n += k > 0 && pt_is_ideograph(cp) ? 2 : 1;
		i += k > 0 ? k : 1;
	}
	return n;
}

/*
 * Whether the extractive summary ext should stand instead of the filled
 * abstract abs, which is too short to summarize anything (under
 * MIN_SUMMARY_COLUMNS; the caller checks, before it extracts): ext is
 * longer, and the abstract says no word ext does not ("Stainless steel" against "Stainless steel kettle, 1.7 l,
 * boils in 4 minutes."): such an abstract only loses the lead's content.
 * A title-like abstract ("Black solid bomber jacket") stays.
 */
static pt_status
extract_says_more(const char *abs, size_t abs_len, const char *ext, size_t ext_len, int *more,
				  pt_err *err)
{
	pt_lexicon *lex;
	pt_status	st;

	*more = 0;
	if (pt_utf8_chars(ext, ext_len) <= pt_utf8_chars(abs, abs_len))
		return PT_OK;
	if ((st = pt_lexicon_build(ext, ext_len, &lex, err)) != PT_OK)
		return st;
	*more = pt_lexicon_outside(lex, abs, abs_len) == 0;
	pt_lexicon_free(lex);
	return PT_OK;
}

/*
 * The final text of one row: the abstract, extended or replaced by
 * extraction, in its language's typography with the input's casing.
 */
static pt_status
finish_row(row *r, const pt_summarize_opts *o, char **out, size_t *out_len, pt_err *err)
{
	char	   *text;
	size_t		len;
	int			more = 0;
	pt_status	st;

	if (r->abstract != NULL && !o->extractive_fill)
	{
		text = r->abstract;
		len = r->abstract_len;
		r->abstract = NULL;
	}
	else if (r->abstract == NULL)
	{
		if ((st = row_extract(r, o, err)) != PT_OK)
			return st;
		text = r->extract;
		len = r->extract_len;
		r->extract = NULL;
	}
	else if ((st = pt_extract_fill(r->norm, r->len, r->abstract, r->abstract_len,
								   o->max_chars, &text, &len, err)) != PT_OK)
		return st;
	if (r->abstract != NULL && columns(text, len) < MIN_SUMMARY_COLUMNS &&
		((st = row_extract(r, o, err)) != PT_OK ||
		 (st = extract_says_more(text, len, r->extract, r->extract_len, &more, err)) != PT_OK))
	{
		pt_free(text);
		return st;
	}
	if (more)
	{
		pt_free(text);
		text = r->extract;
		len = r->extract_len;
		r->extract = NULL;
	}
	st = pt_typography_apply(text, len, r->input, r->input_len, o->max_chars, out, out_len, err);
	pt_free(text);
	return st;
}

static pt_status
summarize_batch(const pt_summarizer *s, const char *const *texts, const size_t *lens, size_t n,
				const pt_summarize_opts *o, pt_s2s_batch **spare, char **outs, size_t *out_lens,
				pt_err *err)
{
	row			rows[ROWS_PER_BATCH];
	pt_status	st = PT_OK;

	memset(rows, 0, sizeof rows);
	for (size_t i = 0; i < n && st == PT_OK; i++)
		if (texts[i] != NULL)
			st = prepare_row(s, texts[i], lens[i], o, &rows[i], err);
	if (st == PT_OK && s != NULL)
		st = decode_rows(s, rows, n, o, spare, err);
	for (size_t i = 0; i < n && st == PT_OK; i++)
		if (rows[i].input != NULL)
			st = finish_row(&rows[i], o, &outs[i], &out_lens[i], err);
	free_rows(rows, n);
	return st;
}

typedef struct by_len
{
	size_t		len;
	size_t		at;
} by_len;

static int
cmp_by_len(const void *a, const void *b)
{
	const by_len *x = a,
			   *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->at < y->at ? -1 : (x->at > y->at);
}

/*
 * Rows are batched in order of input length, so that a batch's sources
 * have similar lengths: the encoder runs every row of a batch up to the
 * longest, and the padding had doubled its cost per row in arrays.  The
 * order changes no output (rows are decoded independently).
 */
static by_len *
length_order(const size_t *lens, size_t n)
{
	by_len	   *order = pt_alloc(pt_mul_size(n, sizeof(by_len)));

	if (order == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		order[i] = (by_len) {lens[i], i};
	qsort(order, n, sizeof(by_len), cmp_by_len);
	return order;
}

pt_status
pt_summarize(const pt_summarizer *s, const char *const *texts, const size_t *lens, size_t n,
			 const pt_summarize_opts *opts, char **outs, size_t *out_lens, pt_err *err)
{
	pt_status	st = PT_OK;
	by_len	   *order;
	pt_s2s_batch *spare = NULL;	/* the memory of a batch, for the next (decode_rows) */

	for (size_t i = 0; i < n; i++)
	{
		outs[i] = NULL;
		out_lens[i] = 0;
	}
	if (opts->max_chars < 1 || opts->beam_width < 1 || opts->beam_width > PT_SUMMARIZE_MAX_BEAM)
		return pt_fail(err, PT_ERR_ARG, "summarize: max_chars must be >= 1 and beam_width in [1, %d]",
					   PT_SUMMARIZE_MAX_BEAM);
	if (n == 0)
		return PT_OK;
	if ((order = length_order(lens, n)) == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	for (size_t at = 0; at < n && st == PT_OK; at += ROWS_PER_BATCH)
	{
		size_t		k = n - at < ROWS_PER_BATCH ? n - at : ROWS_PER_BATCH;
		const char *t[ROWS_PER_BATCH];
		size_t		l[ROWS_PER_BATCH];
		char	   *o[ROWS_PER_BATCH];
		size_t		ol[ROWS_PER_BATCH];

		for (size_t i = 0; i < k; i++)
		{
			t[i] = texts[order[at + i].at];
			l[i] = lens[order[at + i].at];
			o[i] = NULL;
		}
		st = summarize_batch(s, t, l, k, opts, &spare, o, ol, err);
		for (size_t i = 0; i < k; i++)
		{
			outs[order[at + i].at] = o[i];
			out_lens[order[at + i].at] = o[i] ? ol[i] : 0;
		}
	}
	pt_free(order);
	pt_s2s_batch_free(spare);
	if (st != PT_OK)
		for (size_t i = 0; i < n; i++)
		{
			pt_free(outs[i]);
			outs[i] = NULL;
			out_lens[i] = 0;
		}
	return st;
}

/* ---- unconstrained greedy decoding, for golden tests ---- */

pt_status
pt_summarizer_greedy(const pt_summarizer *s, const char *text, size_t len,
					 int32_t *src, int *n_src, int32_t *out, int *n_out,
					 float *logp, int steps, pt_err *err)
{
	char	   *norm = NULL;
	size_t		norm_len,
				n;
	pt_s2s_batch *batch = NULL;
	const int32_t *ids = src;
	pt_status	st;

	*n_out = 0;
	*n_src = 0;
	if ((st = pt_text_normalize(text, len, 0, &norm, &norm_len, err)) == PT_OK &&
		(st = pt_tokenize_source(s->tok, norm, norm_len, src, (size_t) s->m.max_src, &n, err)) == PT_OK)
	{
		*n_src = (int) n;
		if ((st = pt_s2s_encode(&s->m, 1, &ids, n_src, 1, 0, NULL, &batch, err)) == PT_OK)
			st = pt_greedy_trace(pt_s2s_step, batch, s->m.vocab, s->m.max_tgt, out, n_out,
								 logp, steps, err);
	}
	pt_s2s_batch_free(batch);
	pt_free(norm);
	return st;
}
