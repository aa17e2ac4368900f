/*
 * fuzz_facts.c — the faithfulness rule (facts.h) on arbitrary bytes, with
 * the real tokenizer (models/tokenizer.ptm) deciding which words are common.
 *
 * The input is "input text" 0xFF "output text" (0xFF never occurs in
 * UTF-8); without a 0xFF the whole input is both.  The input's facts are
 * built, then every prefix of the output (its first MAX_OUT bytes) is
 * checked the ways a decoder does.  Checks, each a promise of facts.h:
 *   - allowed(final = 1) is exactly unsupported == 0, and f NULL or a NULL
 *     tokenizer (both fail closed) never support more than the real set;
 *   - the input supports itself: unsupported(input, input) == 0 (every
 *     word and number-unit pair of a text occurs in that text);
 *   - ASCII case does not matter in the input: facts of the lower-cased
 *     input give the same verdicts;
 *   - settled offsets (facts.h, beam.c): for an allowed prefix (final = 0),
 *     settled <= its length, and checking any extension from the settled
 *     offset (final 0 and 1) gives the verdict of checking the whole text;
 *     the offsets chained the way beam.c keeps them do too.
 * With FUZZ_FACTS_SOFT=1 in the environment it also aborts on a property
 * facts.h does not literally promise but decoders rely on to be able to
 * copy a fact: every prefix of a text allowed with final = 1 is allowed with
 * final = 0 (so a decoder can reach it byte by byte).
 */
#include "fuzz_common.h"

#include "facts.h"
#include "tokenizer.h"

#define MAX_OUT 128				/* output bytes checked prefix by prefix: O(n^2) */
#define AHEAD 3				/* extensions checked from each prefix's settled offset */

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pt_model *tok_model;
static pt_tokenizer *tok;
static int	soft;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e = getenv("FUZZ_FACTS_SOFT");
	pt_err		err;

	(void) argc;
	(void) argv;
	fuzz_single_thread();
	soft = e != NULL && *e == '1';
	tok_model = fuzz_open_model("tokenizer.ptm");
	if (pt_tokenizer_from_model(tok_model, &tok, &err) != PT_OK)
	{
		fprintf(stderr, "fuzz: tokenizer: %s\n", err.msg);
		exit(2);
	}
	return 0;
}

static pt_facts *
build(const pt_tokenizer *t, const char *text, size_t len)
{
	pt_facts   *f = NULL;
	pt_err		err;

	FUZZ_CHECK(pt_facts_build(t, text, len, &f, &err) == PT_OK && f != NULL, "build: %s", err.msg);
	return f;
}

/* printable form of a short byte string for messages */
static const char *
show(const char *s, size_t n)
{
	static char buf[4 * 160 + 1];
	size_t		o = 0;

	for (size_t i = 0; i < n && i < 160; i++)
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data,
			   *out;
	size_t		in_len = size,
				out_len;
	const uint8_t *sep = memchr(data, 0xFF, size);
	pt_facts   *f,
			   *f_null_tok,
			   *f_lower;
	char	   *lower;
	size_t		chain = 0;		/* settled offset kept incrementally, as beam.c does */
	int			prev_allowed = 1;

	if (sep)
	{
		in_len = (size_t) (sep - data);
		out = (const char *) sep + 1;
		out_len = size - in_len - 1;
	}
	else
	{
		out = in;
		out_len = size;
	}
	if (out_len > MAX_OUT)
		out_len = MAX_OUT;

	f = build(tok, in, in_len);
	f_null_tok = build(NULL, in, in_len);
	lower = malloc(in_len + 1);
	FUZZ_CHECK(lower != NULL, "malloc");
	for (size_t i = 0; i < in_len; i++)
		lower[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char) (in[i] + 32) : in[i];
	f_lower = build(tok, lower, in_len);

	/* the input supports itself */
	{
		size_t		u = pt_facts_unsupported(f, in, in_len);

		FUZZ_CHECK(u == 0, "input does not support itself: %zu unsupported in \"%s\"", u, show(in, in_len));
		FUZZ_CHECK(pt_facts_allowed(f, in, in_len, 1), "input not allowed against itself");
	}

	for (size_t k = 0; k <= out_len; k++)
	{
		int			a0 = pt_facts_allowed(f, out, k, 0),
					a1 = pt_facts_allowed(f, out, k, 1);
		size_t		u = pt_facts_unsupported(f, out, k),
					s;

		FUZZ_CHECK(a1 == (u == 0), "prefix %zu: allowed(final=1) %d but %zu unsupported in \"%s\"",
				   k, a1, u, show(out, k));
		/* variants of the set (on the whole output and a few prefixes: cost) */
		if (k == out_len || k % 16 == 7)
		{
			/* fail-closed variants never support more */
			FUZZ_CHECK(pt_facts_unsupported(f_null_tok, out, k) >= u, "NULL tokenizer supports more at %zu", k);
			FUZZ_CHECK(pt_facts_unsupported(NULL, out, k) >= u, "f NULL supports more at %zu", k);
			FUZZ_CHECK(pt_facts_allowed(NULL, out, k, 1) == (pt_facts_unsupported(NULL, out, k) == 0),
					   "f NULL: allowed and unsupported disagree at %zu", k);
			/* case of the input does not matter */
			FUZZ_CHECK(pt_facts_unsupported(f_lower, out, k) == u &&
					   pt_facts_allowed(f_lower, out, k, 0) == a0,
					   "lower-cased input gives another verdict at prefix %zu of \"%s\"", k, show(out, k));
		}

		/* the incremental chain of beam.c: only while every prefix was allowed */
		if (prev_allowed)
		{
			FUZZ_CHECK(chain <= k, "chained settled %zu > length %zu", chain, k);
			FUZZ_CHECK(pt_facts_allowed(f, out + chain, k - chain, 0) == a0,
					   "prefix %zu: allowed %d but %d from the chained settled offset %zu of \"%s\"",
					   k, a0, !a0, chain, show(out, k));
			FUZZ_CHECK(pt_facts_allowed(f, out + chain, k - chain, 1) == a1,
					   "prefix %zu: allowed(final=1) %d but %d from the chained settled offset %zu of \"%s\"",
					   k, a1, !a1, chain, show(out, k));
			if (a0)
				chain += pt_facts_settled(f, out + chain, k - chain);
			prev_allowed = a0;
		}

		if (!a0)
			continue;
		/* the settled offset of this allowed prefix holds for its extensions */
		s = pt_facts_settled(f, out, k);
		FUZZ_CHECK(s <= k, "settled %zu > length %zu", s, k);
		for (size_t m = k; m <= out_len && m <= k + AHEAD; m++)
			for (int fin = 0; fin <= 1; fin++)
				FUZZ_CHECK(pt_facts_allowed(f, out, m, fin) == pt_facts_allowed(f, out + s, m - s, fin),
						   "prefix %zu settled %zu, extension to %zu final %d: whole %d, from settled %d; \"%s\"",
						   k, s, m, fin, pt_facts_allowed(f, out, m, fin), !pt_facts_allowed(f, out, m, fin),
						   show(out, m));
		if (k + AHEAD < out_len)
			for (int fin = 0; fin <= 1; fin++)
				FUZZ_CHECK(pt_facts_allowed(f, out, out_len, fin) ==
						   pt_facts_allowed(f, out + s, out_len - s, fin),
						   "prefix %zu settled %zu, whole output final %d disagrees; \"%s\"",
						   k, s, fin, show(out, out_len));
	}

	if (soft && pt_facts_allowed(f, out, out_len, 1))
		for (size_t k = 0; k < out_len; k++)
			FUZZ_CHECK(pt_facts_allowed(f, out, k, 0),
					   "soft: \"%s\" is allowed but its prefix of %zu bytes is not (final=0)",
					   show(out, out_len), k);

	pt_facts_free(f);
	pt_facts_free(f_null_tok);
	pt_facts_free(f_lower);
	free(lower);
	return 0;
}
