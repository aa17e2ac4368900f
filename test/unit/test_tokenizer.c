/* test_tokenizer.c — byte-level BPE: encoding, round trips, validation, pre-tokenization. */
#include "unit.h"

#include <stdlib.h>

#include "model.h"
#include "text.h"
#include "tokenizer.h"

#define TINY_MAX_VOCAB 300
#define TINY_MAX_BYTES 1024

/* A tokenizer's arrays, built in memory from a handful of merges. */
typedef struct tiny
{
	uint8_t		vocab[TINY_MAX_BYTES];
	int32_t		offsets[TINY_MAX_VOCAB + 1];
	int32_t		merges[2 * (TINY_MAX_VOCAB - PT_TOK_FIRST_MERGE)];
	int32_t		n_vocab;
	int32_t		n_merges;
} tiny;

static int32_t
tiny_find(const tiny *t, const char *s)
{
	size_t		len = strlen(s);

	for (int32_t id = PT_TOK_BYTE0; id < t->n_vocab; id++)
		if ((size_t) (t->offsets[id + 1] - t->offsets[id]) == len &&
			memcmp(t->vocab + t->offsets[id], s, len) == 0)
			return id;
	return -1;
}

static void
tiny_merge(tiny *t, const char *a, const char *b)
{
	int32_t		ia = tiny_find(t, a),
				ib = tiny_find(t, b),
				end = t->offsets[t->n_vocab];
	size_t		la = strlen(a),
				lb = strlen(b);

	CHECK(ia >= 0 && ib >= 0);
	memcpy(t->vocab + end, a, la);
	memcpy(t->vocab + end + la, b, lb);
	t->merges[2 * t->n_merges] = ia;
	t->merges[2 * t->n_merges + 1] = ib;
	t->n_merges++;
	t->n_vocab++;
	t->offsets[t->n_vocab] = end + (int32_t) (la + lb);
}

/*
 * Merges, in rank order: th, the, " the", er, 12 (never usable: digits are
 * separate pieces), and the two steps that make 好 (E5 A5 BD) one token.
 */
static void
tiny_init(tiny *t)
{
	memset(t, 0, sizeof(*t));
	for (int b = 0; b < 256; b++)
	{
		t->vocab[b] = (uint8_t) b;
		t->offsets[PT_TOK_BYTE0 + b + 1] = b + 1;
	}
	t->n_vocab = PT_TOK_FIRST_MERGE;
	tiny_merge(t, "t", "h");
	tiny_merge(t, "th", "e");
	tiny_merge(t, " ", "the");
	tiny_merge(t, "e", "r");
	tiny_merge(t, "1", "2");
	tiny_merge(t, "\xE5", "\xA5");
	tiny_merge(t, "\xE5\xA5", "\xBD");
}

static pt_tokenizer *
tiny_create(const tiny *t)
{
	pt_tokenizer *tok = NULL;
	pt_err		err;

	pt_err_clear(&err);
	CHECK(pt_tokenizer_create(t->vocab, (size_t) t->offsets[t->n_vocab], t->offsets,
							  t->n_vocab, t->merges, t->n_merges, &tok, &err) == PT_OK);
	return tok;
}

/*
 * Create from t's arrays and free again; on failure the message must contain
 * `expect`, so each hostile case is caught by the check meant for it.
 */
static pt_status
tiny_try(const tiny *t, size_t vocab_len, const char *expect)
{
	pt_tokenizer *tok = NULL;
	pt_err		err;
	pt_status	st;

	pt_err_clear(&err);
	st = pt_tokenizer_create(t->vocab, vocab_len, t->offsets, t->n_vocab,
							 t->merges, t->n_merges, &tok, &err);
	CHECK((st == PT_OK) == (tok != NULL));
	if (st != PT_OK && strstr(err.msg, expect) == NULL)
	{
		char		m[400];

		snprintf(m, sizeof m, "message \"%.255s\" lacks \"%.100s\"", err.msg, expect);
		unit_fail(__FILE__, __LINE__, m);
	}
	pt_tokenizer_free(tok);
	return st;
}

/* Tokenize s, requiring success; returns the id count. */
static size_t
encode(const pt_tokenizer *tok, const char *s, int32_t *ids, size_t max_ids)
{
	size_t		n = 0;
	pt_err		err;

	pt_err_clear(&err);
	CHECK(pt_tokenize(tok, s, strlen(s), ids, max_ids, &n, &err) == PT_OK);
	return n;
}

static void
check_round_trip(const pt_tokenizer *tok, const char *s)
{
	size_t		len = strlen(s),
				n,
				out_len = 0;
	int32_t    *ids = malloc((len + 1) * sizeof(int32_t));
	char	   *out = malloc(len + 1);
	pt_err		err;

	n = encode(tok, s, ids, len);
	CHECK(n <= len);
	CHECK(pt_detokenize(tok, ids, n, out, len + 1, &out_len, &err) == PT_OK);
	CHECK(out_len == len);
	CHECK_STR_EQ(out, s);
	free(ids);
	free(out);
}

TEST(tokenizer_encode_applies_merges_by_rank)
{
	tiny		t;
	pt_tokenizer *tok;
	int32_t		ids[16];
	size_t		n;

	tiny_init(&t);
	tok = tiny_create(&t);
	if (tok == NULL)
		return;
	CHECK(pt_tokenizer_vocab_size(tok) == PT_TOK_FIRST_MERGE + 7);

	n = encode(tok, " the", ids, 16);
	CHECK(n == 1 && ids[0] == tiny_find(&t, " the"));

	/* th, then the; "er" ranks later and loses the shared 'e' */
	n = encode(tok, "there", ids, 16);
	CHECK(n == 3);
	CHECK(ids[0] == tiny_find(&t, "the"));
	CHECK(ids[1] == PT_TOK_BYTE0 + 'r' && ids[2] == PT_TOK_BYTE0 + 'e');

	n = encode(tok, "好", ids, 16);
	CHECK(n == 1 && ids[0] == tiny_find(&t, "好"));
	pt_tokenizer_free(tok);
}

TEST(tokenizer_byte_fallback_and_digits)
{
	tiny		t;
	pt_tokenizer *tok;
	int32_t		ids[16];
	size_t		n;

	tiny_init(&t);
	tok = tiny_create(&t);
	if (tok == NULL)
		return;
	/* é has no merge: its two bytes */
	n = encode(tok, "é", ids, 16);
	CHECK(n == 2 && ids[0] == PT_TOK_BYTE0 + 0xC3 && ids[1] == PT_TOK_BYTE0 + 0xA9);

	/* a merge of "1" and "2" exists, but every digit is its own piece */
	n = encode(tok, "12", ids, 16);
	CHECK(n == 2 && ids[0] == PT_TOK_BYTE0 + '1' && ids[1] == PT_TOK_BYTE0 + '2');
	n = encode(tok, " 12", ids, 16);
	CHECK(n == 3 && ids[0] == PT_TOK_BYTE0 + ' ' && ids[1] == PT_TOK_BYTE0 + '1');
	pt_tokenizer_free(tok);
}

TEST(tokenizer_round_trips)
{
	static const char *const texts[] = {
		"",
		"the weather there is better than the rest",
		"这件衣服很好，质量不错，好好好好好好好好好好。",
		"Love it 😍👍🏽 5/5 ★★★★★",
		"Size 42, 3.5 mm, 100% cotton, model X-2000 (2 pcs)",
		"line one\nline two\n\nend",
		"混合 mixed 文本 with English 和中文 123 个",
		"naïve café Ünïcödé Привет мир Γειά σου 안녕하세요 こんにちは",
		"don't stop' 'quoted' rock'n'roll",
		"  two  spaces\ttab \x01 control",
		"\xF0\xA0\x80\x80\xF0\xA0\x80\x81 ext-B ideographs",
	};
	tiny		t;
	pt_tokenizer *tok;

	tiny_init(&t);
	tok = tiny_create(&t);
	if (tok == NULL)
		return;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		check_round_trip(tok, texts[i]);
	pt_tokenizer_free(tok);
}

TEST(tokenizer_rejects_invalid_utf8)
{
	tiny		t;
	pt_tokenizer *tok;
	int32_t		ids[16];
	size_t		n = 99;
	pt_err		err;

	tiny_init(&t);
	tok = tiny_create(&t);
	if (tok == NULL)
		return;
	CHECK(pt_tokenize(tok, "ab\xC3", 3, ids, 16, &n, &err) == PT_ERR_INVALID_UTF8);
	CHECK(n == 0);
	CHECK(pt_tokenize(tok, "\xED\xA0\x80", 3, ids, 16, &n, &err) == PT_ERR_INVALID_UTF8);
	CHECK(pt_tokenize(tok, NULL, 0, NULL, 0, &n, &err) == PT_OK && n == 0);
	pt_tokenizer_free(tok);
}

TEST(tokenizer_max_ids_truncates)
{
	const char *s = "the other 好 thing 123";
	tiny		t;
	pt_tokenizer *tok;
	int32_t		all[64],
				ids[8];
	size_t		n_all;

	tiny_init(&t);
	tok = tiny_create(&t);
	if (tok == NULL)
		return;
	n_all = encode(tok, s, all, 64);
	CHECK(n_all > 6);
	for (size_t max = 0; max <= 6; max++)
	{
		size_t		n;

		for (int i = 0; i < 8; i++)
			ids[i] = -7;
		n = encode(tok, s, ids, max);
		CHECK(n == max);
		CHECK(memcmp(ids, all, max * sizeof(int32_t)) == 0);
		for (size_t i = max; i < 8; i++)
			CHECK(ids[i] == -7);
	}
	CHECK(encode(tok, s, NULL, 0) == 0);
	pt_tokenizer_free(tok);
}

TEST(tokenizer_detokenize_contract)
{
	tiny		t;
	pt_tokenizer *tok;
	int32_t		ids[8];
	char		out[16];
	size_t		len = 99;
	pt_err		err;

	tiny_init(&t);
	tok = tiny_create(&t);
	if (tok == NULL)
		return;

	/* specials produce nothing */
	ids[0] = PT_TOK_BOS;
	ids[1] = tiny_find(&t, "the");
	ids[2] = PT_TOK_SEP;
	ids[3] = PT_TOK_EOS;
	ids[4] = PT_TOK_PAD;
	CHECK(pt_detokenize(tok, ids, 5, out, sizeof(out), &len, &err) == PT_OK);
	CHECK_STR_EQ(out, "the");
	CHECK(len == 3);

	/* out-of-range ids */
	ids[0] = pt_tokenizer_vocab_size(tok);
	CHECK(pt_detokenize(tok, ids, 1, out, sizeof(out), &len, &err) == PT_ERR_ARG);
	ids[0] = -1;
	CHECK(pt_detokenize(tok, ids, 1, out, sizeof(out), &len, &err) == PT_ERR_ARG);

	/* bytes in a bad order are dropped; what stays is valid UTF-8 */
	ids[0] = PT_TOK_BYTE0 + 0xA5;	/* stray continuation */
	ids[1] = PT_TOK_BYTE0 + 'a';
	ids[2] = PT_TOK_BYTE0 + 0xE5;	/* lead, cut short by 'b' */
	ids[3] = PT_TOK_BYTE0 + 'b';
	ids[4] = PT_TOK_BYTE0 + 0xE5;
	ids[5] = tiny_find(&t, "\xE5\xA5\xBD");	/* lead dropped, 好 kept */
	ids[6] = PT_TOK_BYTE0 + 0xED;	/* would be a surrogate */
	ids[7] = PT_TOK_BYTE0 + 0xA0;
	CHECK(pt_detokenize(tok, ids, 8, out, sizeof(out), &len, &err) == PT_OK);
	CHECK_STR_EQ(out, "ab好");
	CHECK(len == 5);

	/* a NUL byte would cut the C string: dropped */
	ids[0] = PT_TOK_BYTE0 + 'a';
	ids[1] = PT_TOK_BYTE0;
	ids[2] = PT_TOK_BYTE0 + 'b';
	CHECK(pt_detokenize(tok, ids, 3, out, sizeof(out), &len, &err) == PT_OK);
	CHECK_STR_EQ(out, "ab");
	CHECK(len == 2);

	/* measuring, and a buffer that is too small keeps whole characters */
	ids[0] = PT_TOK_BYTE0 + 'x';
	ids[1] = tiny_find(&t, "好");
	CHECK(pt_detokenize(tok, ids, 2, NULL, 0, &len, &err) == PT_OK);
	CHECK(len == 4);
	memset(out, 'z', sizeof(out));
	CHECK(pt_detokenize(tok, ids, 2, out, 4, &len, &err) == PT_ERR_LIMIT);
	CHECK(len == 4);
	CHECK_STR_EQ(out, "x");
	CHECK(out[4] == 'z');
	CHECK(pt_detokenize(tok, ids, 2, out, 5, &len, &err) == PT_OK);
	CHECK_STR_EQ(out, "x好");
	CHECK(pt_detokenize(tok, ids, 0, out, 1, &len, &err) == PT_OK);
	CHECK_STR_EQ(out, "");
	pt_tokenizer_free(tok);
}

TEST(tokenizer_piece_lookup)
{
	tiny		t;
	pt_tokenizer *tok;
	const uint8_t *p;
	size_t		len = 99;

	tiny_init(&t);
	tok = tiny_create(&t);
	if (tok == NULL)
		return;
	p = pt_tokenizer_piece(tok, tiny_find(&t, " the"), &len);
	CHECK(p != NULL && len == 4 && memcmp(p, " the", 4) == 0);
	p = pt_tokenizer_piece(tok, PT_TOK_EOS, &len);
	CHECK(p != NULL && len == 0);
	p = pt_tokenizer_piece(tok, PT_TOK_BYTE0 + 'A', &len);
	CHECK(p != NULL && len == 1 && p[0] == 'A');
	CHECK(pt_tokenizer_piece(tok, 100000, &len) == NULL && len == 0);
	CHECK(pt_tokenizer_piece(tok, -3, &len) == NULL);
	pt_tokenizer_free(tok);
}

TEST(tokenizer_validation_rejects_hostile_arrays)
{
	tiny		good,
				t;
	size_t		vlen;

	tiny_init(&good);
	vlen = (size_t) good.offsets[good.n_vocab];
	CHECK(tiny_try(&good, vlen, "") == PT_OK);

	/* wrong n_vocab for the merges */
	t = good;
	t.n_vocab--;
	CHECK(tiny_try(&t, (size_t) t.offsets[t.n_vocab], "do not match") == PT_ERR_FORMAT);
	t = good;
	t.n_merges = -1;
	CHECK(tiny_try(&t, vlen, "do not match") == PT_ERR_FORMAT);

	/* offsets: not starting at 0, not ending at vocab_len, decreasing */
	t = good;
	t.offsets[0] = 1;
	CHECK(tiny_try(&t, vlen, "span") == PT_ERR_FORMAT);
	CHECK(tiny_try(&good, vlen + 1, "span") == PT_ERR_FORMAT);
	CHECK(tiny_try(&good, vlen - 1, "span") == PT_ERR_FORMAT);
	t = good;
	t.offsets[100] = 1000;
	CHECK(tiny_try(&t, vlen, "decrease") == PT_ERR_FORMAT);
	t = good;
	t.offsets[PT_TOK_FIRST_MERGE + 2] = -5;
	CHECK(tiny_try(&t, vlen, "decrease") == PT_ERR_FORMAT);

	/* a special with bytes: <sep> holds "X", everything after shifts by one */
	t = good;
	memmove(t.vocab + 1, t.vocab, vlen);
	t.vocab[0] = 'X';
	for (int32_t i = PT_TOK_N_SPECIAL; i <= t.n_vocab; i++)
		t.offsets[i]++;
	CHECK(tiny_try(&t, vlen + 1, "special") == PT_ERR_FORMAT);

	/* a byte token that is not its byte */
	t = good;
	t.vocab['q'] = 'r';
	CHECK(tiny_try(&t, vlen, "byte") == PT_ERR_FORMAT);

	/* merges referencing themselves, later ids, specials, or out of range */
	t = good;
	t.merges[2 * 1] = PT_TOK_FIRST_MERGE + 1;
	CHECK(tiny_try(&t, vlen, "earlier") == PT_ERR_FORMAT);
	t = good;
	t.merges[2 * 1 + 1] = PT_TOK_FIRST_MERGE + 3;
	CHECK(tiny_try(&t, vlen, "earlier") == PT_ERR_FORMAT);
	t = good;
	t.merges[0] = PT_TOK_EOS;
	CHECK(tiny_try(&t, vlen, "earlier") == PT_ERR_FORMAT);
	t = good;
	t.merges[1] = -1000000;
	CHECK(tiny_try(&t, vlen, "earlier") == PT_ERR_FORMAT);
	t = good;
	t.merges[1] = INT32_MAX;
	CHECK(tiny_try(&t, vlen, "earlier") == PT_ERR_FORMAT);

	/* bytes that are not the join of the parts, and a repeated pair */
	t = good;
	t.vocab[t.offsets[PT_TOK_FIRST_MERGE + 1]] = 'x';
	CHECK(tiny_try(&t, vlen, "join") == PT_ERR_FORMAT);
	t = good;
	t.merges[2 * 3] = PT_TOK_BYTE0 + 't';
	t.merges[2 * 3 + 1] = PT_TOK_BYTE0 + 'h';
	memcpy(t.vocab + t.offsets[PT_TOK_FIRST_MERGE + 3], "th", 2);
	CHECK(tiny_try(&t, vlen, "repeats") == PT_ERR_FORMAT);
}

static uint32_t
lcg(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/* Random ids always decode to valid UTF-8; random valid text always round-trips. */
TEST(tokenizer_random_ids_and_texts)
{
	static const uint32_t pool[] = {
		'a', 'e', 't', 'h', 'r', ' ', ' ', '1', '2', '.', '\n', '\'', 0xE9, 0x416,
		0x597D, 0x3002, 0x20000, 0x1F60D, 0xFFFD, 0x7F, 0x3041, 0xAC00,
	};
	tiny		t;
	pt_tokenizer *tok;
	uint32_t	rng = 12345;

	tiny_init(&t);
	tok = tiny_create(&t);
	if (tok == NULL)
		return;
	for (int iter = 0; iter < 2000; iter++)
	{
		int32_t		ids[24];
		char		out[24 * 4 + 1],
					text[40 * 4 + 1];
		size_t		n = 1 + lcg(&rng) % 24,
					len = 0,
					out_len;
		pt_err		err;

		for (size_t i = 0; i < n; i++)
			ids[i] = (int32_t) (lcg(&rng) % (uint32_t) t.n_vocab);
		CHECK(pt_detokenize(tok, ids, n, out, sizeof(out), &out_len, &err) == PT_OK);
		CHECK(strlen(out) == out_len && pt_utf8_valid(out, out_len));

		n = lcg(&rng) % 40;
		for (size_t i = 0; i < n; i++)
			len += pt_utf8_encode(pool[lcg(&rng) % (sizeof(pool) / sizeof(pool[0]))],
								  text + len);
		text[len] = '\0';
		check_round_trip(tok, text);
	}
	pt_tokenizer_free(tok);
}

/* A model struct whose three tokenizer tensors point at t's arrays. */
static void
tiny_model(tiny *t, pt_model *m, pt_tensor *tensors)
{
	memset(m, 0, sizeof(*m));
	memset(tensors, 0, 3 * sizeof(pt_tensor));
	m->task = "tokenizer";
	m->n_tensors = 3;
	m->tensors = tensors;
	tensors[0].name = "tokenizer.vocab";
	tensors[0].dtype = PT_U8;
	tensors[0].ndim = 1;
	tensors[0].shape[0] = t->offsets[t->n_vocab];
	tensors[0].data = t->vocab;
	tensors[1].name = "tokenizer.offsets";
	tensors[1].dtype = PT_I32;
	tensors[1].ndim = 1;
	tensors[1].shape[0] = t->n_vocab + 1;
	tensors[1].data = t->offsets;
	tensors[2].name = "tokenizer.merges";
	tensors[2].dtype = PT_I32;
	tensors[2].ndim = 2;
	tensors[2].shape[0] = t->n_merges;
	tensors[2].shape[1] = 2;
	tensors[2].data = t->merges;
}

TEST(tokenizer_from_model_checks_tensors)
{
	tiny		t;
	pt_model	m;
	pt_tensor	tensors[3];
	pt_tokenizer *tok = NULL;
	pt_err		err;

	tiny_init(&t);
	tiny_model(&t, &m, tensors);
	CHECK(pt_tokenizer_from_model(&m, &tok, &err) == PT_OK);
	CHECK(tok != NULL && pt_tokenizer_vocab_size(tok) == t.n_vocab);
	pt_tokenizer_free(tok);

	tensors[1].dtype = PT_F32;
	CHECK(pt_tokenizer_from_model(&m, &tok, &err) == PT_ERR_MODEL && tok == NULL);
	tiny_model(&t, &m, tensors);
	tensors[2].shape[1] = 3;
	CHECK(pt_tokenizer_from_model(&m, &tok, &err) == PT_ERR_MODEL);
	tiny_model(&t, &m, tensors);
	m.n_tensors = 2;
	CHECK(pt_tokenizer_from_model(&m, &tok, &err) == PT_ERR_MODEL);
	CHECK(strstr(err.msg, "tokenizer.merges") != NULL);

	/* well-typed but inconsistent: one merge fewer than the offsets say */
	tiny_model(&t, &m, tensors);
	tensors[2].shape[0] = t.n_merges - 1;
	CHECK(pt_tokenizer_from_model(&m, &tok, &err) == PT_ERR_FORMAT && tok == NULL);
}

static int	fail_allocs;

static void *
failing_alloc(size_t size, void *ctx)
{
	(void) size;
	(void) ctx;
	fail_allocs++;
	return NULL;
}

static void *
failing_realloc(void *ptr, size_t size, void *ctx)
{
	(void) ptr;
	(void) size;
	(void) ctx;
	return NULL;
}

static void
plain_free(void *ptr, void *ctx)
{
	(void) ctx;
	free(ptr);
}

TEST(tokenizer_create_handles_allocation_failure)
{
	pt_allocator a = {failing_alloc, failing_realloc, plain_free, NULL};
	tiny		t;
	pt_tokenizer *tok = (pt_tokenizer *) &t;
	pt_err		err;

	tiny_init(&t);
	pt_set_allocator(&a);
	CHECK(pt_tokenizer_create(t.vocab, (size_t) t.offsets[t.n_vocab], t.offsets,
							  t.n_vocab, t.merges, t.n_merges, &tok, &err) == PT_ERR_NOMEM);
	pt_set_allocator(NULL);
	CHECK(tok == NULL);
	CHECK(fail_allocs == 1);
}

/* Pieces of s, joined by '|'. */
static void
pieces(const char *s, char *out, size_t cap)
{
	uint32_t	ends[128];
	size_t		n = pt_pretokenize(s, strlen(s), ends, 128),
				start = 0,
				o = 0;

	CHECK(n <= 128);
	for (size_t i = 0; i < n && i < 128; i++)
	{
		CHECK(o + (ends[i] - start) + 2 < cap);
		if (i > 0)
			out[o++] = '|';
		memcpy(out + o, s + start, ends[i] - start);
		o += ends[i] - start;
		start = ends[i];
	}
	out[o] = '\0';
}

TEST(tokenizer_pretokenize_boundaries)
{
	char		buf[128];

	pieces("Hello, world! I don't", buf, sizeof buf);
	CHECK_STR_EQ(buf, "Hello|,| world|!| I| don't");
	pieces("rock'n'roll dogs' toys 'hi'", buf, sizeof buf);
	CHECK_STR_EQ(buf, "rock'n'roll| dogs|'| toys| |'|hi|'");
	pieces("it’s 12.5 mm x2", buf, sizeof buf);
	CHECK_STR_EQ(buf, "it’s| 1|2|.|5| mm| x|2");
	pieces("line\nnext  two", buf, sizeof buf);
	CHECK_STR_EQ(buf, "line|\n|next| | two");
	pieces("很好 质量不错的好东西真的很喜欢。", buf, sizeof buf);
	CHECK_STR_EQ(buf, "很好| 质量不错的好东西|真的很喜欢|。");
	pieces("café naïve Привет 😍 é", buf, sizeof buf);
	CHECK_STR_EQ(buf, "café| naïve| Привет| |😍| é");
	pieces("iPhone12 ok ", buf, sizeof buf);
	CHECK_STR_EQ(buf, "iPhone|1|2| ok| ");
	pieces("a\xFF" "b \xC3", buf, sizeof buf);
	CHECK_STR_EQ(buf, "a|\xFF|b| |\xC3");
	CHECK(pt_pretokenize("", 0, NULL, 0) == 0);
	CHECK(pt_pretokenize("a b c", 5, NULL, 0) == 3);
}

TEST(tokenizer_pretokenize_caps_long_runs)
{
	char		text[400];
	uint32_t	ends[64];
	size_t		n;

	/* 200 letters after a space: pieces of 64 bytes, the first with the space */
	text[0] = ' ';
	memset(text + 1, 'a', 200);
	n = pt_pretokenize(text, 201, ends, 64);
	CHECK(n == 4);
	CHECK(ends[0] == 64 && ends[1] == 128 && ends[2] == 192 && ends[3] == 201);

	/* 20 ideographs (3 bytes each): 8 + 8 + 4 */
	for (int i = 0; i < 20; i++)
		memcpy(text + 3 * i, "好", 3);
	n = pt_pretokenize(text, 60, ends, 64);
	CHECK(n == 3);
	CHECK(ends[0] == 24 && ends[1] == 48 && ends[2] == 60);

	/* 30 Cyrillic letters (2 bytes each) never split a character */
	for (int i = 0; i < 40; i++)
		memcpy(text + 2 * i, "ж", 2);
	n = pt_pretokenize(text, 80, ends, 64);
	CHECK(n == 2 && ends[0] == 64 && ends[1] == 80);
}

/* The committed tokenizer, when it exists, round-trips real product text. */
TEST(tokenizer_committed_model_round_trips)
{
	static const char *const texts[] = {
		"Great quality, fits perfectly. Would buy again!",
		"Black and grey printed medium trolley bag, secured with a TSA lock",
		"Warranty: 5 years; 100% cotton; 3.5 mm jack; model XG-2000",
		"物流很快，包装完好，手机运行流畅，电池续航一般。",
		"这款连衣裙采用雪纺面料，轻盈透气，适合夏季穿着。",
		"Mixed 混合 text 😀 with emoji\nand a second line",
		"Ünïcödé naïve café Привет 안녕하세요 𠀀𠀁",
	};
	const char *path = "models/tokenizer.ptm";
	pt_model   *m = NULL;
	pt_tokenizer *tok = NULL;
	pt_err		err;
	FILE	   *f = fopen(path, "rb");

	if (f == NULL)
		return;
	fclose(f);
	pt_err_clear(&err);
	CHECK(pt_model_open(path, &m, &err) == PT_OK);
	if (m == NULL)
		return;
	CHECK_STR_EQ(m->task, "tokenizer");
	CHECK(pt_tokenizer_from_model(m, &tok, &err) == PT_OK);
	if (tok != NULL)
	{
		int32_t		ids[256];

		CHECK(pt_tokenizer_vocab_size(tok) > PT_TOK_FIRST_MERGE);
		for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
			check_round_trip(tok, texts[i]);
		/* a trained vocabulary compresses: far fewer ids than bytes */
		CHECK(encode(tok, texts[1], ids, 256) * 3 < strlen(texts[1]));
		CHECK(encode(tok, texts[3], ids, 256) * 3 < strlen(texts[3]));
		pt_tokenizer_free(tok);
	}
	pt_model_close(m);
}
