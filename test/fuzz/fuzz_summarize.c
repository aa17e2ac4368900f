/*
 * fuzz_summarize.c — the summarize task (summarize.h, extract.h) on
 * arbitrary bytes.
 *
 * Input: four parameter bytes, then texts separated by 0xFF (a byte UTF-8
 * never uses); every 5th text is NULL (a SQL NULL).  The parameters: the
 * character budget 1 + (b0 b1 big-endian) % 300; b2: beam width 1 + (b2 & 3),
 * extractive_fill bit 2, bad options also tried when b2 >> 3 == 31; b3:
 * max_input_chars 0 when bit 7 is set, else 1 + 3 (b3 & 127).  Paths:
 *   - pt_text_cut and pt_extract_fill on the normalized texts, with the
 *     next text as the prefix (an abstract to extend);
 *   - pt_summarize with s = NULL (the extractive path), all texts at once
 *     and the first ones alone;
 *   - pt_summarize with the real model, when models/summarize-multi.ptm (or
 *     $PRODTEXT_FUZZ_SUMMARIZE_MODEL in the models directory) exists and
 *     loads: the first text, at most MODEL_BYTES of it (~10 ms);
 *   - pt_summarize_many on all texts, in the given and in reversed order.
 * Checks:
 *   - invalid UTF-8 is PT_ERR_INVALID_UTF8 (and leaves no output), nothing
 *     else fails; bad options (budget 0, beam 0 or > PT_SUMMARIZE_MAX_BEAM)
 *     are PT_ERR_ARG;
 *   - every output is NUL-terminated valid UTF-8 of its stated length with
 *     at most max_chars code points; NULL in gives NULL out; an input that
 *     normalizes to "" gives "";
 *   - pt_text_cut is the longest prefix within the budget ending on a
 *     pre-tokenizer piece boundary, without trailing white space;
 *   - pt_extract_fill starts with its prefix (or is the prefix cut, when
 *     the prefix alone is over budget);
 *   - pt_summarize: every fact word of the output occurs in the input
 *     (facts.h; skipped with FUZZ_SUMMARIZE_NO_FACTS=1), every word is a
 *     whole word of the input or a connective (lexicon.h), and a row gives
 *     the same summary alone as in a batch (extractive path; model path:
 *     the first text alone and with the second);
 *   - pt_summarize_many does not depend on the order of the texts.
 * The boilerplate detector (models/boilerplate-multi.ptm) is used when it
 * loads, as the server uses it.  Memory goes through malloc, so
 * LeakSanitizer checks every path.
 */
#include "fuzz_common.h"

#include "extract.h"
#include "facts.h"
#include "lexicon.h"
#include "summarize.h"
#include "text.h"
#include "tokenizer.h"

#define MAX_TEXTS 12
#define ALONE 3					/* rows also summarized alone */
#define MODEL_BYTES 256
#define MAX_PIECES 8192

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pt_model *tok_model;
static pt_tokenizer *tok;		/* tokenizer.ptm: facts of the extractive path */
static pt_model *summ_model;
static pt_summarizer *summ;		/* NULL when the model is absent */
static pt_tokenizer *summ_tok;	/* the model's own tokenizer */
static pt_boiler *boiler;		/* boilerplate-multi.ptm, NULL when absent */
static int	check_facts = 1;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *mf = getenv("PRODTEXT_FUZZ_SUMMARIZE_MODEL"),
			   *nf = getenv("FUZZ_SUMMARIZE_NO_FACTS");
	pt_err		err;

	(void) argc;
	(void) argv;
	fuzz_single_thread();
	check_facts = !(nf && *nf == '1');
	tok_model = fuzz_open_model("tokenizer.ptm");
	if (pt_tokenizer_from_model(tok_model, &tok, &err) != PT_OK)
	{
		fprintf(stderr, "fuzz: tokenizer: %s\n", err.msg);
		exit(2);
	}
	boiler = fuzz_load_boiler();
	summ_model = fuzz_load_model(mf && *mf ? mf : "summarize-multi.ptm", 0);
	if (summ_model != NULL)
	{
		if (pt_summarizer_load(summ_model, &summ, &err) != PT_OK ||
			pt_tokenizer_from_model(summ_model, &summ_tok, &err) != PT_OK)
		{
			fprintf(stderr, "fuzz: summarize model: %s: model path not fuzzed\n", err.msg);
			pt_summarizer_free(summ);
			summ = NULL;
		}
		else
			fprintf(stderr, "fuzz: summarize model loaded: model path fuzzed\n");
	}
	return 0;
}

/* printable form of a short byte string for messages */
static const char *
show(const char *s, size_t n)
{
	static char buf[4 * 200 + 1];
	size_t		o = 0;

	for (size_t i = 0; s != NULL && i < n && i < 200; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char) c;
		else
			o += (size_t) snprintf(buf + o, sizeof buf - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

static void
check_output(const char *what, const char *o, size_t len, size_t max_chars)
{
	FUZZ_CHECK(o != NULL, "%s: no output", what);
	FUZZ_CHECK(o[len] == '\0' && strlen(o) == len, "%s: length %zu but strlen %zu", what, len, strlen(o));
	FUZZ_CHECK(pt_utf8_valid(o, len), "%s: output is not valid UTF-8: \"%s\"", what, show(o, len));
	FUZZ_CHECK(pt_utf8_chars(o, len) <= max_chars, "%s: %zu chars over the budget %zu: \"%s\"",
			   what, pt_utf8_chars(o, len), max_chars, show(o, len));
}

/*
 * every word of out is a whole word of norm (the normalized input) or a
 * connective, and every fact of out occurs in norm (lexicon.h, facts.h)
 */
static void
check_faithful(const char *what, const pt_tokenizer *t, const char *norm, size_t norm_len,
			   const char *o, size_t len)
{
	pt_facts   *f = NULL;
	pt_lexicon *lex = NULL;
	pt_err		err;
	size_t		u;

	FUZZ_CHECK(pt_lexicon_build(norm, norm_len, &lex, &err) == PT_OK, "lexicon: %s", err.msg);
	if ((u = pt_lexicon_outside(lex, o, len)) != 0)
	{
		fprintf(stderr, "input: \"%s\"\n", show(norm, norm_len));
		FUZZ_CHECK(u == 0, "%s: %zu words outside the input in \"%s\"", what, u, show(o, len));
	}
	pt_lexicon_free(lex);
	if (!check_facts)
		return;
	FUZZ_CHECK(pt_facts_build(t, norm, norm_len, &f, &err) == PT_OK, "facts: %s", err.msg);
	u = pt_facts_unsupported(f, o, len);
	if (u != 0)
	{
		fprintf(stderr, "input: \"%s\"\n", show(norm, norm_len));
		FUZZ_CHECK(u == 0, "%s: %zu unsupported facts in the output \"%s\"", what, u, show(o, len));
	}
	pt_facts_free(f);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static int
ascii_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
joiner(char c)
{
	return c == '-' || c == '.' || c == '_' || c == '/' || c == ',';
}

/* a cut at e splits an ASCII word as facts.h reads words ("XR-500", "1,500") */
static int
splits_word(const char *t, size_t len, size_t e)
{
	if (e == 0 || e >= len)
		return 0;
	if (ascii_alnum(t[e - 1]) && (ascii_alnum(t[e]) || (joiner(t[e]) && e + 1 < len && ascii_alnum(t[e + 1]))))
		return 1;
	return e >= 2 && joiner(t[e - 1]) && ascii_alnum(t[e - 2]) && ascii_alnum(t[e]);
}

static size_t
strip_end(const char *s, size_t e)
{
	while (e > 0 && is_space(s[e - 1]))
		e--;
	return e;
}

/*
 * pt_text_cut against its definition, from the whole piece list: the
 * longest prefix within the budget that ends on a piece boundary, trailing
 * white space dropped.  A cut that also keeps the words of facts.h whole is
 * accepted too (the cut then lies between the longest boundary that splits
 * no word and the longest boundary), and so is the budget's end between two
 * ideographs.
 */
static void
check_cut(const char *s, size_t len, size_t max_chars)
{
	static uint32_t ends[MAX_PIECES];
	size_t		cut = pt_text_cut(s, len, max_chars),
				n,
				longest = 0,
				whole = 0;
	int			on_boundary = cut == 0;

	FUZZ_CHECK(cut <= len, "cut %zu > len %zu", cut, len);
	FUZZ_CHECK(pt_utf8_valid(s, cut), "cut %zu splits a character", cut);
	FUZZ_CHECK(pt_utf8_chars(s, cut) <= max_chars, "cut holds %zu chars > %zu", pt_utf8_chars(s, cut), max_chars);
	FUZZ_CHECK(cut == 0 || !is_space(s[cut - 1]), "cut ends in white space");
	FUZZ_CHECK(cut <= pt_text_cut(s, len, max_chars + 1), "cut not monotone in the budget");
	n = pt_pretokenize(s, len, ends, MAX_PIECES);
	if (n > MAX_PIECES)
		return;
	for (size_t i = 0, prev = 0, chars = 0; i < n; prev = ends[i++])
	{
		chars += pt_utf8_chars(s + prev, ends[i] - prev);
		if (chars > max_chars)
			break;
		longest = ends[i];
		if (!splits_word(s, len, ends[i]))
			whole = ends[i];
		on_boundary |= strip_end(s, ends[i]) == cut;
	}
	longest = strip_end(s, longest);
	whole = strip_end(s, whole);
	/* every ideograph is a word: the budget's end between two of them is a cut too */
	if (cut > longest && cut == pt_utf8_prefix(s, len, max_chars) && pt_ideograph_before(s, len, cut) &&
		pt_ideograph_at(s, len, cut))
		on_boundary = 1, longest = whole = cut;
	FUZZ_CHECK(on_boundary && cut >= whole && cut <= longest,
			   "pt_text_cut(%zu chars) = %zu: not a piece boundary in [%zu, %zu] of \"%s\"",
			   max_chars, cut, whole, longest, show(s, len));
}

static void
check_fill(const char *norm, size_t norm_len, const char *prefix, size_t prefix_len, size_t max_chars)
{
	char	   *o = NULL;
	size_t		ol = 0;
	pt_err		err;
	pt_status	st = pt_extract_fill(norm, norm_len, prefix, prefix_len, max_chars, &o, &ol, &err);

	if (!pt_utf8_valid(prefix, prefix_len))
	{
		FUZZ_CHECK(st == PT_ERR_INVALID_UTF8 && o == NULL, "fill: invalid prefix gave %d", (int) st);
		return;
	}
	FUZZ_CHECK(st == PT_OK, "fill: %s", err.msg);
	check_output("extract_fill", o, ol, max_chars);
	if (pt_utf8_chars(prefix, prefix_len) >= max_chars)
	{
		size_t		c = pt_text_cut(prefix, prefix_len, max_chars);

		FUZZ_CHECK(ol == c && memcmp(o, prefix, c) == 0, "fill: an over-budget prefix is not cut");
	}
	else
	{
		size_t		pl = prefix_len;

		while (pl > 0 && is_space(prefix[pl - 1]))
			pl--;
		FUZZ_CHECK(ol >= pl && memcmp(o, prefix, pl) == 0, "fill: output \"%s\" does not start with its prefix",
				   show(o, ol));
	}
	free(o);
}

/*
 * The model's summary of text 0 (cut to MODEL_BYTES: alone_out) is the
 * same in a batch with text 1: a row's output distribution, shortlist
 * included, does not depend on the other rows.
 */
static void
check_batch_independent(const char *const *raw, const size_t *raw_len, size_t n, const pt_summarize_opts *o,
						const char *alone_out, size_t alone_len)
{
	const char *two[2];
	size_t		lens[2],
				out_len[2] = {0, 0};
	char	   *out[2] = {NULL, NULL};
	pt_err		err;

	if (n < 2 || raw[1] == NULL)
		return;
	for (int i = 0; i < 2; i++)
	{
		two[i] = raw[i];
		lens[i] = raw_len[i] < MODEL_BYTES ? raw_len[i] : MODEL_BYTES;
	}
	if (!pt_utf8_valid(two[1], lens[1]))
		return;
	FUZZ_CHECK(pt_summarize(summ, two, lens, 2, o, out, out_len, &err) == PT_OK, "model batch: %s", err.msg);
	FUZZ_CHECK(out_len[0] == alone_len && (alone_len == 0 || memcmp(out[0], alone_out, alone_len) == 0),
			   "model: \"%s\" alone but \"%s\" in a batch", show(alone_out, alone_len), show(out[0], out_len[0]));
	free(out[0]);
	free(out[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *raw[MAX_TEXTS],
			   *rev[MAX_TEXTS];
	size_t		raw_len[MAX_TEXTS],
				rev_len[MAX_TEXTS];
	char	   *norm[MAX_TEXTS];
	size_t		norm_len[MAX_TEXTS];
	int			valid[MAX_TEXTS];
	char	   *outs[MAX_TEXTS];
	size_t		out_lens[MAX_TEXTS];
	pt_summarize_opts o;
	int			n = 0,
				any_invalid = 0,
				odd;
	pt_status	st;
	pt_err		err;

	if (size < 4)
		return 0;
	o = (pt_summarize_opts) {.boiler = boiler};
	o.max_chars = 1 + (((size_t) data[0] << 8) | data[1]) % 300;
	o.beam_width = 1 + (data[2] & 3);
	o.extractive_fill = (data[2] >> 2) & 1;
	odd = (data[2] >> 3) == 0x1f;
	o.max_input_chars = (data[3] & 0x80) ? 0 : 1 + (size_t) (data[3] & 0x7f) * 3;
	data += 4;
	size -= 4;

	n = fuzz_split_texts(data, size, 5, raw, raw_len, MAX_TEXTS, &any_invalid);
	for (int i = 0; i < n; i++)
		valid[i] = raw[i] == NULL || pt_utf8_valid(raw[i], raw_len[i]);

	/* the front end, pt_text_cut and pt_extract_fill */
	for (int i = 0; i < n; i++)
	{
		norm[i] = NULL;
		norm_len[i] = 0;
		if (raw[i] == NULL)
			continue;
		st = pt_text_normalize(raw[i], raw_len[i], o.max_input_chars, &norm[i], &norm_len[i], &err);
		if (!valid[i])
		{
			FUZZ_CHECK(st == PT_ERR_INVALID_UTF8, "normalize of invalid UTF-8 gave %d", (int) st);
			continue;
		}
		FUZZ_CHECK(st == PT_OK, "normalize: %s", err.msg);
		if (i < 4)
		{
			const char *p = i + 1 < n && raw[i + 1] ? raw[i + 1] : "";
			size_t		pl = i + 1 < n && raw[i + 1] ? raw_len[i + 1] : 0;

			check_cut(norm[i], norm_len[i], o.max_chars);
			check_fill(norm[i], norm_len[i], "", 0, o.max_chars);
			if (pl > 0 && memchr(p, 0, pl) == NULL)	/* an abstract never holds NUL */
				check_fill(norm[i], norm_len[i], p, pl, o.max_chars);
		}
	}

	/* bad options */
	if (odd)
	{
		pt_summarize_opts bad = o;

		for (int k = 0; k < 3; k++)
		{
			bad = o;
			if (k == 0)
				bad.max_chars = 0;
			else
				bad.beam_width = k == 1 ? 0 : PT_SUMMARIZE_MAX_BEAM + 1;
			st = pt_summarize(NULL, raw, raw_len, (size_t) n, &bad, outs, out_lens, &err);
			FUZZ_CHECK(st == PT_ERR_ARG, "bad options (%d) gave %d", k, (int) st);
			for (int i = 0; i < n; i++)
				FUZZ_CHECK(outs[i] == NULL, "bad options left output %d", i);
		}
	}

	/* the extractive path: all rows at once, then the first ones alone */
	st = pt_summarize(NULL, raw, raw_len, (size_t) n, &o, outs, out_lens, &err);
	if (any_invalid)
	{
		FUZZ_CHECK(st == PT_ERR_INVALID_UTF8, "invalid UTF-8 gave status %d: %s", (int) st, err.msg);
		for (int i = 0; i < n; i++)
			FUZZ_CHECK(outs[i] == NULL, "failed summarize left output %d", i);
	}
	else
	{
		FUZZ_CHECK(st == PT_OK, "summarize: %s", err.msg);
		for (int i = 0; i < n; i++)
		{
			char	   *one = NULL;
			size_t		one_len = 0;

			if (raw[i] == NULL)
			{
				FUZZ_CHECK(outs[i] == NULL, "NULL row %d gave output", i);
				continue;
			}
			check_output("summarize", outs[i], out_lens[i], o.max_chars);
			if (norm_len[i] == 0)
				FUZZ_CHECK(out_lens[i] == 0, "empty input gave \"%s\"", show(outs[i], out_lens[i]));
			check_faithful("summarize (extractive)", tok, norm[i], norm_len[i], outs[i], out_lens[i]);
			if (i >= ALONE)
				continue;
			FUZZ_CHECK(pt_summarize(NULL, &raw[i], &raw_len[i], 1, &o, &one, &one_len, &err) == PT_OK,
					   "summarize alone: %s", err.msg);
			FUZZ_CHECK(one_len == out_lens[i] && memcmp(one, outs[i], one_len) == 0,
					   "row %d alone \"%s\" differs from in the batch", i, show(one, one_len));
			free(one);
		}
	}
	for (int i = 0; i < n; i++)
		free(outs[i]);

	/* the model, on the first text only (cost) */
	if (summ != NULL && n > 0 && raw[0] != NULL)
	{
		size_t		l = raw_len[0] < MODEL_BYTES ? raw_len[0] : MODEL_BYTES;
		char	   *mo = NULL,
				   *mnorm = NULL;
		size_t		mo_len = 0,
					mnorm_len = 0;
		int			ok = pt_utf8_valid(raw[0], l);

		st = pt_summarize(summ, &raw[0], &l, 1, &o, &mo, &mo_len, &err);
		if (!ok)
			FUZZ_CHECK(st == PT_ERR_INVALID_UTF8 && mo == NULL, "model: invalid UTF-8 gave %d", (int) st);
		else
		{
			FUZZ_CHECK(st == PT_OK, "model summarize: %s", err.msg);
			check_output("summarize (model)", mo, mo_len, o.max_chars);
			FUZZ_CHECK(pt_text_normalize(raw[0], l, o.max_input_chars, &mnorm, &mnorm_len, &err) == PT_OK,
					   "normalize: %s", err.msg);
			if (mnorm_len == 0)
				FUZZ_CHECK(mo_len == 0, "model: empty input gave \"%s\"", show(mo, mo_len));
			check_faithful("summarize (model)", summ_tok, mnorm, mnorm_len, mo, mo_len);
			check_batch_independent(raw, raw_len, n, &o, mo, mo_len);
		}
		free(mo);
		free(mnorm);
	}

	/* one summary of all texts, in two orders (NULLs dropped from the second) */
	{
		char	   *a = NULL,
				   *b = NULL;
		size_t		al = 0,
					bl = 0,
					nr = 0;
		pt_status	sa,
					sb;

		for (int i = n - 1; i >= 0; i--)
			if (raw[i] != NULL)
			{
				rev[nr] = raw[i];
				rev_len[nr++] = raw_len[i];
			}
		sa = pt_summarize_many(raw, raw_len, (size_t) n, o.max_chars, o.max_input_chars, NULL, &a, &al, &err);
		sb = pt_summarize_many(rev, rev_len, nr, o.max_chars, o.max_input_chars, NULL, &b, &bl, &err);
		FUZZ_CHECK(sa == sb, "summarize_many: status %d, reversed %d", (int) sa, (int) sb);
		if (sa != PT_OK)
		{
			FUZZ_CHECK(sa == PT_ERR_INVALID_UTF8 && any_invalid, "summarize_many: %s", err.msg);
			FUZZ_CHECK(a == NULL && b == NULL, "failed summarize_many left output");
		}
		else
		{
			check_output("summarize_many", a, al, o.max_chars);
			FUZZ_CHECK(al == bl && memcmp(a, b, al) == 0,
					   "summarize_many depends on the order: \"%s\" vs reversed", show(a, al));
		}
		free(a);
		free(b);
	}

	for (int i = 0; i < n; i++)
		free(norm[i]);
	return 0;
}
