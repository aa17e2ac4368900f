/*
 * fuzz_text.c — the text front end and the tokenizer on arbitrary bytes.
 *
 * For every input: normalize (uncut, and cut at a budget taken from the
 * input's length), detect the language, split sentences, pre-tokenize,
 * tokenize and detokenize, and check the contracts of text.h and
 * tokenizer.h:
 *   - invalid UTF-8 is PT_ERR_INVALID_UTF8 and nothing else fails;
 *   - normalized text is valid UTF-8 with no NUL, no control characters
 *     but '\n', no leading/trailing or doubled white space;
 *   - a cut result has at most max_chars characters;
 *   - sentences are ordered, disjoint spans inside the text;
 *   - tidy (tidy.h) of normalized text succeeds with valid UTF-8 that is
 *     no longer than its input, holds no NUL and has no leading or
 *     trailing white space;
 *   - pieces tile the text, none longer than PT_TOK_MAX_PIECE bytes;
 *   - detokenize(tokenize(normalize(x))) == normalize(x), byte for byte;
 *   - detokenizing arbitrary ids (a model emitting bytes in a bad order)
 *     gives valid UTF-8 without NUL, and truncation to a small buffer gives
 *     PT_ERR_LIMIT with a prefix of whole characters.
 * Memory goes through the default malloc allocator, so LeakSanitizer also
 * proves that no path leaks.
 */
#include "fuzz_common.h"

#include "text.h"
#include "tidy.h"
#include "tokenizer.h"

static pt_model *tok_model;
static pt_tokenizer *tok;

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pt_err		err;

	(void) argc;
	(void) argv;
	fuzz_single_thread();
	tok_model = fuzz_open_model("sentiment-en.ptm");
	if (pt_tokenizer_from_model(tok_model, &tok, &err) != PT_OK)
	{
		fprintf(stderr, "fuzz: tokenizer: %s\n", err.msg);
		exit(2);
	}
	return 0;
}

static void
check_normalized(const char *s, size_t len)
{
	FUZZ_CHECK(s[len] == '\0', "not NUL-terminated");
	FUZZ_CHECK(strlen(s) == len, "NUL inside normalized text (%zu of %zu)", strlen(s), len);
	FUZZ_CHECK(pt_utf8_valid(s, len), "normalized text is not valid UTF-8");
	if (len > 0)
	{
		FUZZ_CHECK(s[0] != ' ' && s[0] != '\n', "leading white space");
		FUZZ_CHECK(s[len - 1] != ' ' && s[len - 1] != '\n', "trailing white space");
	}
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		FUZZ_CHECK(c >= 0x20 || c == '\n', "control byte 0x%02x at %zu", c, i);
		FUZZ_CHECK(c != 0x7F, "DEL at %zu", i);
		FUZZ_CHECK(c != '\t', "tab at %zu", i);
		if (i > 0 && (c == ' ' || c == '\n'))
			FUZZ_CHECK(s[i - 1] != ' ' && s[i - 1] != '\n', "white space run at %zu", i);
	}
}

static void
check_tidy(const char *s, size_t len)
{
	char	   *out;
	size_t		n;
	pt_err		err;

	FUZZ_CHECK(pt_text_tidy(s, len, &out, &n, &err) == PT_OK, "tidy: %s", err.msg);
	FUZZ_CHECK(n <= len, "tidy grew %zu bytes to %zu", len, n);
	FUZZ_CHECK(out[n] == '\0' && strlen(out) == n, "tidy: NUL inside or not terminated");
	FUZZ_CHECK(pt_utf8_valid(out, n), "tidy: invalid UTF-8");
	if (n > 0)
		FUZZ_CHECK(out[0] != ' ' && out[0] != '\n' && out[n - 1] != ' ' && out[n - 1] != '\n',
				   "tidy: white space at an end");
	free(out);
}

static void
check_tokens(const char *s, size_t len)
{
	size_t		n_ids,
				n_pieces,
				out_len,
				cap;
	int32_t    *ids = malloc((len + 1) * sizeof(int32_t));
	uint32_t   *ends;
	char	   *back = malloc(len + 1);
	pt_err		err;

	/* pieces tile the text */
	n_pieces = pt_pretokenize(s, len, NULL, 0);
	ends = malloc((n_pieces + 1) * sizeof(uint32_t));
	FUZZ_CHECK(pt_pretokenize(s, len, ends, n_pieces) == n_pieces, "piece count changed");
	for (size_t i = 0, prev = 0; i < n_pieces; i++)
	{
		FUZZ_CHECK(ends[i] > prev && ends[i] - prev <= PT_TOK_MAX_PIECE,
				   "piece %zu: [%zu, %u)", i, prev, ends[i]);
		prev = ends[i];
	}
	FUZZ_CHECK(n_pieces == 0 ? len == 0 : ends[n_pieces - 1] == len, "pieces do not cover the text");

	/* the round trip */
	FUZZ_CHECK(pt_tokenize(tok, s, len, ids, len, &n_ids, &err) == PT_OK, "tokenize: %s", err.msg);
	FUZZ_CHECK(n_ids <= len, "%zu ids for %zu bytes", n_ids, len);
	for (size_t i = 0; i < n_ids; i++)
		FUZZ_CHECK(ids[i] >= PT_TOK_N_SPECIAL && ids[i] < pt_tokenizer_vocab_size(tok), "id %d", ids[i]);
	FUZZ_CHECK(pt_detokenize(tok, ids, n_ids, back, len + 1, &out_len, &err) == PT_OK,
			   "detokenize: %s", err.msg);
	FUZZ_CHECK(out_len == len && memcmp(back, s, len) == 0, "round trip: %zu bytes back of %zu", out_len, len);

	/* a short output buffer: a prefix of whole characters and PT_ERR_LIMIT */
	cap = len / 2 + 1;
	if (len > 0)
	{
		pt_status	st = pt_detokenize(tok, ids, n_ids, back, cap, &out_len, &err);
		size_t		got = strlen(back);

		FUZZ_CHECK(out_len == len, "measured %zu of %zu", out_len, len);
		FUZZ_CHECK(st == (len + 1 > cap ? PT_ERR_LIMIT : PT_OK), "status %d", (int) st);
		FUZZ_CHECK(got < cap && memcmp(back, s, got) == 0 && pt_utf8_valid(back, got), "bad prefix");
	}
	free(ids);
	free(ends);
	free(back);
}

/* arbitrary ids made from the raw bytes: the repaired output is a proper UTF-8 C string */
static void
check_detok_garbage(const uint8_t *data, size_t size)
{
	size_t		n = size / 2,
				out_len;
	int32_t    *ids = malloc((n + 1) * sizeof(int32_t));
	char	   *out;
	int32_t		V = pt_tokenizer_vocab_size(tok);
	pt_err		err;

	for (size_t i = 0; i < n; i++)
		ids[i] = (int32_t) (((uint32_t) data[2 * i] << 8 | data[2 * i + 1]) % (uint32_t) V);
	FUZZ_CHECK(pt_detokenize(tok, ids, n, NULL, 0, &out_len, &err) == PT_OK, "measure: %s", err.msg);
	out = malloc(out_len + 1);
	FUZZ_CHECK(pt_detokenize(tok, ids, n, out, out_len + 1, &out_len, &err) == PT_OK, "%s", err.msg);
	FUZZ_CHECK(strlen(out) == out_len && pt_utf8_valid(out, out_len), "repaired output is not clean UTF-8");
	if (n > 0)
	{
		ids[0] = V;				/* out of range: an error, not a read past the vocabulary */
		FUZZ_CHECK(pt_detokenize(tok, ids, n, out, out_len + 1, &out_len, &err) == PT_ERR_ARG, "id V accepted");
		ids[0] = -1;
		FUZZ_CHECK(pt_detokenize(tok, ids, n, out, out_len + 1, &out_len, &err) == PT_ERR_ARG, "id -1 accepted");
	}
	free(out);
	free(ids);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	char	   *norm,
			   *cut;
	size_t		len,
				cut_len,
				n_spans;
	size_t		max_chars = size > 0 ? 1 + data[size - 1] % 48 : 1;
	pt_span    *spans;
	pt_lang		lang;
	pt_status	st;
	pt_err		err;
	int			valid = pt_utf8_valid(in, size);

	check_detok_garbage(data, size);

	/* the validator and the decoder agree */
	{
		size_t		i = 0,
					k;
		uint32_t	cp;

		while (i < size && (k = pt_utf8_decode(in + i, size - i, &cp)) > 0)
		{
			char		enc[4];

			FUZZ_CHECK(pt_utf8_encode(cp, enc) == k && memcmp(enc, in + i, k) == 0, "encode(decode) at %zu", i);
			i += k;
		}
		FUZZ_CHECK((i == size) == valid, "pt_utf8_valid disagrees with pt_utf8_decode at %zu", i);
	}

	st = pt_text_normalize(in, size, 0, &norm, &len, &err);
	if (!valid)
	{
		FUZZ_CHECK(st == PT_ERR_INVALID_UTF8 && norm == NULL, "invalid UTF-8 gave status %d", (int) st);
		return 0;
	}
	FUZZ_CHECK(st == PT_OK, "normalize: %s", err.msg);
	check_normalized(norm, len);

	st = pt_text_normalize(in, size, max_chars, &cut, &cut_len, &err);
	FUZZ_CHECK(st == PT_OK, "normalize with a budget: %s", err.msg);
	check_normalized(cut, cut_len);
	FUZZ_CHECK(pt_utf8_chars(cut, cut_len) <= max_chars, "%zu chars over a budget of %zu",
			   pt_utf8_chars(cut, cut_len), max_chars);
	FUZZ_CHECK(cut_len <= len && memcmp(cut, norm, cut_len) == 0, "the cut text is not a prefix");
	free(cut);

	lang = pt_detect_lang(norm, len);
	FUZZ_CHECK(lang == PT_LANG_OTHER || lang == PT_LANG_EN || lang == PT_LANG_ZH, "lang %d", (int) lang);

	FUZZ_CHECK(pt_split_sentences(norm, len, &spans, &n_spans, &err) == PT_OK, "split: %s", err.msg);
	for (size_t i = 0, prev = 0; i < n_spans; i++)
	{
		FUZZ_CHECK(spans[i].start >= prev && spans[i].start <= spans[i].end && spans[i].end <= len,
				   "span %zu [%zu, %zu) after %zu in %zu", i, spans[i].start, spans[i].end, prev, len);
		prev = spans[i].end;
	}
	free(spans);

	check_tidy(norm, len);
	check_tokens(norm, len);
	free(norm);
	return 0;
}
