/*
 * fuzz_rewrite.c — the rewrite task (rewrite.h, tidy.h) on arbitrary bytes.
 *
 * Input: two parameter bytes, then texts separated by 0xFF (a byte UTF-8
 * never uses); every 5th text is NULL (a SQL NULL).  b0: max_chars, 0 = no
 * limit, else b0 (so 1..255); b1: beam width 1 + (b1 & 3), bad options
 * also tried when b1 >> 3 == 31.  Paths:
 *   - pt_text_tidy on every normalized text;
 *   - pt_rewrite without a model (the tidied text comes back), all texts;
 *   - pt_rewrite with the real model, when models/rewrite-multi.ptm loads:
 *     the first MODEL_TEXTS texts, at most MODEL_BYTES each (~10 ms).
 * Checks:
 *   - invalid UTF-8 is PT_ERR_INVALID_UTF8, nothing else fails; bad options
 *     (beam 0 or > PT_REWRITE_MAX_BEAM) are PT_ERR_ARG;
 *   - every output is NUL-terminated valid UTF-8 of its stated length, no
 *     longer in characters than the normalized input, within max_chars;
 *     NULL in gives NULL out;
 *   - tidy never grows its input, and without a model rewrite() is exactly
 *     the tidied text (cut to max_chars);
 *   - every ASCII word of every output occurs in the input, ignoring ASCII
 *     case (tidy only drops and re-cases; the guards refuse new words), and
 *     with the model every fact word of the output occurs in the input.
 * Memory goes through malloc, so LeakSanitizer checks every path.
 */
#include "fuzz_common.h"

#include "../unit/ascii_words.h"
#include "facts.h"
#include "rewrite.h"
#include "text.h"
#include "tidy.h"
#include "typography.h"
#include "tokenizer.h"

#define MAX_TEXTS 8
#define MODEL_TEXTS 2
#define MODEL_BYTES 200

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pt_model *model;
static pt_rewriter *rewriter;	/* NULL when the model is absent */
static pt_tokenizer *tok;		/* the model's tokenizer, for the facts check */
static pt_boiler *boiler;		/* boilerplate-multi.ptm, NULL when absent */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pt_err		err;

	(void) argc;
	(void) argv;
	fuzz_single_thread();
	boiler = fuzz_load_boiler();
	model = fuzz_load_model("rewrite-multi.ptm", 0);
	if (model && (pt_rewriter_load(model, &rewriter, &err) != PT_OK ||
				  pt_tokenizer_from_model(model, &tok, &err) != PT_OK))
	{
		fprintf(stderr, "fuzz: rewrite model: %s: model path not fuzzed\n", err.msg);
		pt_rewriter_free(rewriter);
		rewriter = NULL;
	}
	return 0;
}

/* every ASCII word of out[0..n) is a word of in[0..len), ignoring ASCII case */
static void
check_words(const char *in, size_t len, const char *out, size_t n)
{
	size_t		w = 0;
	long		at = missing_ascii_word(in, len, out, n, &w);

	FUZZ_CHECK(at < 0, "word \"%.*s\" is not in the input", (int) w, at < 0 ? "" : out + at);
}

static void
check_output(const char *in, size_t in_len, const char *out, size_t n, size_t max_chars)
{
	char	   *norm;
	size_t		norm_len;
	pt_err		err;

	FUZZ_CHECK(out[n] == '\0' && strlen(out) == n, "output not NUL-terminated or holds a NUL");
	FUZZ_CHECK(pt_utf8_valid(out, n), "output is not valid UTF-8");
	FUZZ_CHECK(pt_text_normalize(in, in_len, 0, &norm, &norm_len, &err) == PT_OK, "%s", err.msg);
	FUZZ_CHECK(pt_utf8_chars(out, n) <= pt_utf8_chars(norm, norm_len), "output longer than its input");
	FUZZ_CHECK(max_chars == 0 || pt_utf8_chars(out, n) <= max_chars, "over max_chars %zu", max_chars);
	check_words(norm, norm_len, out, n);
	free(norm);
}

/* pt_rewrite over texts[0..n); returns its status, checks and frees the outputs */
static pt_status
run_rewrite(const pt_rewriter *r, const char **texts, const size_t *lens, size_t n,
			const pt_rewrite_opts *o, int valid)
{
	char	   *outs[MAX_TEXTS];
	size_t		out_lens[MAX_TEXTS];
	pt_err		err;
	pt_status	st = pt_rewrite(r, texts, lens, n, o, outs, out_lens, &err);

	if (st != PT_OK)
		return st;
	FUZZ_CHECK(valid, "invalid UTF-8 was rewritten");
	for (size_t i = 0; i < n; i++)
	{
		FUZZ_CHECK((texts[i] == NULL) == (outs[i] == NULL), "NULL in/out mismatch at %zu", i);
		if (outs[i] == NULL)
			continue;
		check_output(texts[i], lens[i], outs[i], out_lens[i], o->max_chars);
		if (r && tok)			/* facts of the normalized input (markup and control bytes gone) */
		{
			pt_facts   *f = NULL;
			char	   *norm;
			size_t		norm_len;

			FUZZ_CHECK(pt_text_normalize(texts[i], lens[i], 0, &norm, &norm_len, &err) == PT_OK, "%s", err.msg);
			FUZZ_CHECK(pt_facts_build(tok, norm, norm_len, &f, &err) == PT_OK, "facts: %s", err.msg);
			FUZZ_CHECK(pt_facts_unsupported(f, outs[i], out_lens[i]) == 0,
					   "a fact of \"%s\" is not in its input", outs[i]);
			pt_facts_free(f);
			free(norm);
		}
		free(outs[i]);
	}
	return st;
}

/* tidy of normalized text: never longer; no model gives exactly it, typeset (typography.h) */
static void
check_tidy(const char *text, size_t len)
{
	char	   *norm,
			   *tidy,
			   *typeset,
			   *out;
	size_t		norm_len,
				tidy_len,
				typeset_len,
				out_len;
	pt_rewrite_opts o = {.max_chars = 0, .beam_width = 1};
	pt_err		err;

	if (pt_text_normalize(text, len, 0, &norm, &norm_len, &err) != PT_OK)
		return;
	FUZZ_CHECK(pt_text_tidy(norm, norm_len, &tidy, &tidy_len, &err) == PT_OK, "tidy: %s", err.msg);
	FUZZ_CHECK(tidy_len <= norm_len, "tidy grew %zu bytes to %zu", norm_len, tidy_len);
	FUZZ_CHECK(pt_typography_apply(tidy, tidy_len, norm, norm_len, 0, &typeset, &typeset_len, &err) == PT_OK,
			   "typography: %s", err.msg);
	FUZZ_CHECK(pt_rewrite(NULL, &text, &len, 1, &o, &out, &out_len, &err) == PT_OK, "%s", err.msg);
	FUZZ_CHECK(out_len == typeset_len && memcmp(out, typeset, typeset_len) == 0,
			   "rewrite without a model is not the tidied text, typeset");
	free(norm);
	free(tidy);
	free(typeset);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *texts[MAX_TEXTS];
	size_t		lens[MAX_TEXTS],
				n = 0,
				at = 2;
	pt_rewrite_opts o;
	int			valid = 1;
	pt_status	st;

	if (size < 2)
		return 0;
	o = (pt_rewrite_opts) {.max_chars = data[0], .beam_width = 1 + (data[1] & 3), .max_input_chars = 0,
	.boiler = boiler};
	while (at <= size && n < MAX_TEXTS)
	{
		const uint8_t *end = memchr(data + at, 0xFF, size - at);
		size_t		len = end ? (size_t) (end - (data + at)) : size - at;

		texts[n] = n % 5 == 4 ? NULL : (const char *) data + at;
		lens[n] = texts[n] ? len : 0;
		if (texts[n] && !pt_utf8_valid(texts[n], len))
			valid = 0;
		n++;
		at += len + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (texts[i] && pt_utf8_valid(texts[i], lens[i]))
			check_tidy(texts[i], lens[i]);

	if (data[1] >> 3 == 31)
	{
		pt_rewrite_opts bad = o;

		bad.beam_width = (data[1] & 4) ? 0 : PT_REWRITE_MAX_BEAM + 1;
		FUZZ_CHECK(run_rewrite(NULL, texts, lens, n, &bad, valid) == PT_ERR_ARG, "bad beam accepted");
	}
	st = run_rewrite(NULL, texts, lens, n, &o, valid);
	FUZZ_CHECK(st == PT_OK || (!valid && st == PT_ERR_INVALID_UTF8), "no-model rewrite: status %d", (int) st);

	if (rewriter)
	{
		size_t		m = n < MODEL_TEXTS ? n : MODEL_TEXTS,
					cut[MODEL_TEXTS];
		int			ok = 1;

		for (size_t i = 0; i < m; i++)
		{
			cut[i] = lens[i] < MODEL_BYTES ? lens[i] : MODEL_BYTES;
			while (texts[i] && cut[i] > 0 && cut[i] < lens[i] && (texts[i][cut[i]] & 0xC0) == 0x80)
				cut[i]--;		/* whole characters */
			if (texts[i] && !pt_utf8_valid(texts[i], cut[i]))
				ok = 0;
		}
		st = run_rewrite(rewriter, texts, cut, m, &o, ok);
		FUZZ_CHECK(st == PT_OK || (!ok && st == PT_ERR_INVALID_UTF8), "rewrite: status %d", (int) st);
	}
	return 0;
}
