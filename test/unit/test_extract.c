/* test_extract.c — cutting at piece boundaries, the extractive path, opinion summaries. */
#include "unit.h"
#include "extract.h"
#include "profanity.h"
#include "summarize.h"
#include "tokenizer.h"

#include <stdlib.h>
#include <time.h>

/* ---- pt_text_cut ---- */

/* the cut, as a malloc'd string */
static char *
cut(const char *s, size_t max_chars)
{
	size_t		n = pt_text_cut(s, strlen(s), max_chars);
	char	   *o = malloc(n + 1);

	if (o)
	{
		memcpy(o, s, n);
		o[n] = '\0';
	}
	return o;
}

#define CHECK_CUT(s, max, want) \
	do { char *got_ = cut(s, max); CHECK_STR_EQ(got_, want); free(got_); } while (0)

TEST(text_cut_english)
{
	CHECK_CUT("hello world foo", 0, "");
	CHECK_CUT("hello world foo", 1, "");
	CHECK_CUT("hello world foo", 4, "");
	CHECK_CUT("hello world foo", 5, "hello");
	CHECK_CUT("hello world foo", 7, "hello");
	CHECK_CUT("hello world foo", 11, "hello world");
	CHECK_CUT("hello world foo", 12, "hello world");
	CHECK_CUT("hello world foo", 15, "hello world foo");
	CHECK_CUT("hello world foo", (size_t) -1, "hello world foo");
	CHECK_CUT("don't stop", 4, "");
	CHECK_CUT("don't stop", 5, "don't");
	/* never inside a number or a model number: "3." or "XR" would be new facts */
	CHECK_CUT("size 3.5 mm, ok", 7, "size");
	CHECK_CUT("size 3.5 mm, ok", 8, "size 3.5");
	CHECK_CUT("Model XR-500 phones", 10, "Model");
	CHECK_CUT("1,500mAh battery", 4, "");
	CHECK_CUT("trailing   ", 20, "trailing");
	CHECK(pt_text_cut(NULL, 0, 10) == 0);
	CHECK(pt_text_cut("", 0, 10) == 0);
}

/* the reference: e splits "ab", "a-b", "a.b" (letters or digits around a joiner) */
static int
inside_ascii_word(const char *t, size_t len, size_t e)
{
#define ALNUM(c) (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define JOINER(c) ((c) == '-' || (c) == '.' || (c) == '_' || (c) == '/' || (c) == ',')
	if (e == 0 || e >= len)
		return 0;
	return (ALNUM(t[e - 1]) && ALNUM(t[e])) ||
		(ALNUM(t[e - 1]) && JOINER(t[e]) && e + 1 < len && ALNUM(t[e + 1])) ||
		(e >= 2 && JOINER(t[e - 1]) && ALNUM(t[e - 2]) && ALNUM(t[e]));
#undef ALNUM
#undef JOINER
}

TEST(text_cut_chinese_and_emoji)
{
	/* every ideograph is a word: a run of them is cut anywhere */
	const char *zh = "我们喜欢这个产品非常好用";

	CHECK_CUT(zh, 7, "我们喜欢这个产");
	CHECK_CUT(zh, 8, "我们喜欢这个产品");
	CHECK_CUT(zh, 11, "我们喜欢这个产品非常好");
	CHECK_CUT(zh, 12, zh);
	CHECK_CUT("BRAND以深灰色为主", 7, "BRAND以深");
	CHECK_CUT("好用，推荐。", 3, "好用，");
	CHECK_CUT("好用，推荐。", 1, "好");
	CHECK_CUT("ok \xf0\x9f\x91\x8d\xf0\x9f\x91\x8d yes", 4, "ok \xf0\x9f\x91\x8d");
	CHECK_CUT("ok \xf0\x9f\x91\x8d\xf0\x9f\x91\x8d yes", 5, "ok \xf0\x9f\x91\x8d\xf0\x9f\x91\x8d");
	CHECK_CUT("ok \xf0\x9f\x91\x8d\xf0\x9f\x91\x8d yes", 8, "ok \xf0\x9f\x91\x8d\xf0\x9f\x91\x8d");
	CHECK_CUT("ok \xf0\x9f\x91\x8d\xf0\x9f\x91\x8d yes", 9, "ok \xf0\x9f\x91\x8d\xf0\x9f\x91\x8d yes");
}

static uint32_t rng_state = 12345;

/* append a random word, ideographs, emoji, digits or punctuation */
static size_t
random_piece(char *p)
{
	static const char *const parts[] = {
		"word", "don't", "Hello", "x", "3", "3.5", "好", "产品质量", "非常好用舒服", "\xf0\x9f\x98\x80",
		"。", ",", ".", "!", "é", "naïve", "mm", "-", "\n", "  ", "longwordwordwordwordwordwordwordwordwordwordwordwordwordwordwordword"
	};
	const char *s = parts[unit_rand(&rng_state) % (sizeof parts / sizeof parts[0])];
	size_t		n = strlen(s);

	memcpy(p, s, n);
	p[n] = unit_rand(&rng_state) % 3 ? ' ' : '\0';
	return p[n] == ' ' ? n + 1 : n;
}

/* 1 when the characters on both sides of byte e are ideographs (the random texts' only ones: 好产品质量非常用舒服) */
static int
between_ideographs(const char *t, size_t len, size_t e)
{
	uint32_t	a,
				b;
	size_t		s = e;

	if (e == 0 || e >= len)
		return 0;
	while (s > 0 && ((unsigned char) t[s - 1] & 0xC0) == 0x80)
		s--;
	return s > 0 && pt_utf8_decode(t + s - 1, e - s + 1, &a) > 0 && pt_utf8_decode(t + e, len - e, &b) > 0 &&
		pt_is_ideograph(a) && pt_is_ideograph(b);
}

/* every cut is within budget, on a piece boundary or between two ideographs, and the longest such */
TEST(text_cut_random_against_full_pretokenize)
{
	enum
	{
		LEN_MAX = 6000
	};
	char	   *buf = malloc(LEN_MAX + 128);
	uint32_t   *ends = malloc((LEN_MAX + 128) * sizeof *ends);
	int			bad = 0;

	for (int round = 0; round < 60 && buf && ends; round++)
	{
		size_t		len = 0,
					target = round < 40 ? unit_rand(&rng_state) % 200 : 1000 + unit_rand(&rng_state) % (LEN_MAX - 1000),
					n_pieces,
					chars;

		while (len < target)
			len += random_piece(buf + len);
		buf[len] = '\0';
		CHECK(pt_utf8_valid(buf, len));
		n_pieces = pt_pretokenize(buf, len, ends, LEN_MAX + 128);
		chars = pt_utf8_chars(buf, len);
		for (size_t max = 0; max <= chars + 2; max += (chars > 300 ? 1 + unit_rand(&rng_state) % 40 : 1))
		{
			size_t		got = pt_text_cut(buf, len, max),
						lim = pt_utf8_prefix(buf, len, max),
						want = 0;

			for (size_t i = 0; i < n_pieces; i++)
				if (ends[i] <= lim && !inside_ascii_word(buf, len, ends[i]))
					want = ends[i];
			if (between_ideographs(buf, len, lim))
				want = lim;
			while (want > 0 && (buf[want - 1] == ' ' || buf[want - 1] == '\n'))
				want--;
			if (got != want || pt_utf8_chars(buf, got) > max)
				bad++;
		}
	}
	CHECK(bad == 0);
	free(buf);
	free(ends);
}

/* ---- pt_extract_fill ---- */

static pt_status
fill(const char *text, const char *prefix, size_t max_chars, char **out)
{
	char	   *o = NULL;
	size_t		ol = 0;
	pt_err		err;
	pt_status	st;

	pt_err_clear(&err);
	st = pt_extract_fill(text, text ? strlen(text) : 0, prefix, prefix ? strlen(prefix) : 0,
						 max_chars, &o, &ol, &err);
	*out = NULL;
	if (st == PT_OK)
	{
		CHECK(o != NULL && strlen(o) == ol);
		CHECK(pt_utf8_valid(o, ol));
		CHECK(pt_utf8_chars(o, ol) <= max_chars);
		*out = malloc(ol + 1);
		if (*out)
			memcpy(*out, o, ol + 1);
		pt_free(o);
	}
	else
		CHECK(o == NULL);
	return st;
}

static const char *desc =
"This stainless steel water bottle keeps drinks cold for 24 hours. "
"The double wall vacuum insulation keeps drinks hot for 12 hours. "
"Free shipping on all orders, contact us for returns. "
"The bottle is leak proof and fits most cup holders. "
"Great. "
"Stainless steel bottle keeps your drinks cold for 24 hours and hot for 12 hours.";

TEST(extract_fill_budget_and_order)
{
	char	   *o;

	for (size_t max = 0; max < 400; max += 7)
	{
		CHECK(fill(desc, "", max, &o) == PT_OK);
		if (o)
		{
			CHECK(strstr(o, "shipping") == NULL);
			CHECK(strcmp(o, "Great.") != 0);
			if (max >= 70)
				CHECK(strlen(o) > 40);	/* at least one whole sentence */
		}
		free(o);
	}
	CHECK(fill(desc, "", 1000, &o) == PT_OK);
	/* whole sentences in text order, boiler-plate and one-word filler left out */
	CHECK(o && strncmp(o, "This stainless steel water bottle", 33) == 0);
	CHECK(o && strstr(o, "leak proof") != NULL);
	CHECK(o && strstr(o, "Free shipping") == NULL);
	CHECK(o && strstr(o, "Great.") == NULL);
	/* the last sentence only repeats the first two */
	CHECK(o && strstr(o, "and hot for 12 hours") == NULL);
	free(o);
}

TEST(extract_fill_prefix_redundancy)
{
	char	   *o;

	/* the prefix already says the bottle keeps drinks cold: not repeated */
	CHECK(fill(desc, "Stainless steel bottle keeps drinks cold for 24 hours", 300, &o) == PT_OK);
	CHECK(o && strncmp(o, "Stainless steel bottle keeps drinks cold for 24 hours. ", 55) == 0);
	CHECK(o && strstr(o, "This stainless steel water bottle") == NULL);
	CHECK(o && strstr(o, "leak proof") != NULL);
	free(o);
	/* a prefix ending a sentence gets a space only */
	CHECK(fill("Battery lasts two days on one charge.", "Nice phone!", 100, &o) == PT_OK);
	CHECK_STR_EQ(o, "Nice phone! Battery lasts two days on one charge.");
	free(o);
	/* nothing fits after the prefix: the prefix alone, no dangling separator */
	CHECK(fill("Battery lasts two days on one charge.", "Nice phone", 20, &o) == PT_OK);
	CHECK_STR_EQ(o, "Nice phone");
	free(o);
	/* a prefix over budget is itself cut */
	CHECK(fill("Battery lasts two days.", "A very nice phone indeed", 10, &o) == PT_OK);
	CHECK_STR_EQ(o, "A very");
	free(o);
}

TEST(extract_fill_chinese)
{
	char	   *o;
	const char *zh = "这款保温杯采用不锈钢材质，保温效果很好。杯身轻便，适合出门携带。全国包邮，七天无理由退货。";

	CHECK(fill(zh, "", 200, &o) == PT_OK);
	CHECK(o && strstr(o, "保温效果很好。杯身轻便") != NULL);	/* no space after 。 */
	CHECK(o && strstr(o, "包邮") == NULL);
	free(o);
	CHECK(fill(zh, "不锈钢保温杯", 200, &o) == PT_OK);
	CHECK(o && strncmp(o, "不锈钢保温杯。", strlen("不锈钢保温杯。")) == 0);
	free(o);
	/* nothing fits whole: the best sentence cut on a piece boundary */
	CHECK(fill(zh, "", 10, &o) == PT_OK);
	CHECK(o && strlen(o) > 0 && pt_utf8_chars(o, strlen(o)) <= 10);
	free(o);
}

TEST(extract_fill_cut_when_nothing_fits)
{
	char	   *o;

	CHECK(fill("The quick brown fox jumps over the lazy dog near the river bank.", "", 20, &o) == PT_OK);
	CHECK_STR_EQ(o, "The quick brown fox");
	free(o);
	/* a cut never ends on a connecting mark or a connective */
	CHECK(fill("Made of 420D ripstop nylon & weighs 1.2 kg.", "", 29, &o) == PT_OK);
	CHECK_STR_EQ(o, "Made of 420D ripstop nylon");
	free(o);
	CHECK(fill("Soft cotton shirt with a spread collar and long sleeves.", "", 24, &o) == PT_OK);
	CHECK_STR_EQ(o, "Soft cotton shirt");
	free(o);
	/* the lead, not a later sentence that fits: product copy says what the product is first */
	CHECK(fill("Navy blue solid casual shirt with a spread collar and long sleeves. Machine wash.", "", 30, &o) == PT_OK);
	CHECK_STR_EQ(o, "Navy blue solid casual shirt");
	free(o);
	/* a first word longer than the budget: the words after it, not nothing (and never a part of it) */
	CHECK(fill("Honeywell霍尼韦尔扫码枪Orbit码捷二维码扫描平台", "", 8, &o) == PT_OK);
	CHECK_STR_EQ(o, "霍尼韦尔扫码枪");
	free(o);
	CHECK(fill("Water-resistant 20 l daypack with a padded laptop sleeve.", "", 12, &o) == PT_OK);
	CHECK_STR_EQ(o, "20 l daypack");
	free(o);
	/* a line that ends on a comma goes on in the next: no ",." */
	CHECK(fill("Navy blue solid shirt, long sleeves,\nbutton placket & curved hem", "", 200, &o) == PT_OK);
	CHECK_STR_EQ(o, "Navy blue solid shirt, long sleeves, button placket & curved hem");
	free(o);
	/* shouting is noise: a half-shouted sentence keeps its quiet part, of three words or more */
	CHECK(fill("BRING THE DARK LORD INTO YOUR KITCHEN - a toaster. It toasts two slices at once.", "", 100, &o) == PT_OK);
	CHECK_STR_EQ(o, "It toasts two slices at once.");
	free(o);
	CHECK(fill("BigWood Snowball Maker Set HOURS OF FUN- Quickly build forts and walls ESSENTIAL WINTER TOY for kids",
			   "", 200, &o) == PT_OK);
	CHECK_STR_EQ(o, "BigWood Snowball Maker Set");
	free(o);
	/* the quiet part before a separator ends on a word (a sweep: "… Hanging Strap |") */
	CHECK(fill("Sony CD Clock Radio - LCD Display/ Hanging Strap | SONY WEATHER SHOWER CD CLOCK RADIO", "", 200, &o) == PT_OK);
	CHECK_STR_EQ(o, "Sony CD Clock Radio - LCD Display/ Hanging Strap");
	free(o);
	/* opening with a shout: what follows it, up to the next one ("ADD A …" with its one-letter word) */
	CHECK(fill("CREATE A REAL RACING EXPERIENCE - every race needs fans to cheer the drivers ADD A PREMIUM FEEL TO "
			   "ANY TRACK - ideal for racers", "", 200, &o) == PT_OK);
	CHECK_STR_EQ(o, "every race needs fans to cheer the drivers");
	free(o);
	/* brands, acronyms and model codes are names, not shouting */
	CHECK(fill("LG TROMM WM2688HNM 4.2 Cu. Ft. Front Load Washer with 9 Washing Programs", "", 200, &o) == PT_OK);
	CHECK_STR_EQ(o, "LG TROMM WM2688HNM 4.2 Cu. Ft. Front Load Washer with 9 Washing Programs");
	free(o);
	CHECK(fill("Plays BD-RE, DVD+RW, DVD-RW, CD-RW discs and JPEG, VC-1, MPEG-2 files", "", 200, &o) == PT_OK);
	CHECK_STR_EQ(o, "Plays BD-RE, DVD+RW, DVD-RW, CD-RW discs and JPEG, VC-1, MPEG-2 files");
	free(o);
	CHECK(fill("The quick brown fox jumps over the lazy dog.", "", 1, &o) == PT_OK);
	CHECK_STR_EQ(o, "");
	free(o);
	CHECK(fill("The quick brown fox jumps over the lazy dog.", "", 0, &o) == PT_OK);
	CHECK_STR_EQ(o, "");
	free(o);
}

TEST(extract_fill_null_empty_invalid)
{
	char	   *o;
	size_t		ol;
	pt_err		err;

	CHECK(fill(NULL, NULL, 100, &o) == PT_OK);
	CHECK_STR_EQ(o, "");
	free(o);
	CHECK(fill("", "", 100, &o) == PT_OK);
	CHECK_STR_EQ(o, "");
	free(o);
	CHECK(fill("...  !!! ---", "", 100, &o) == PT_OK);
	CHECK_STR_EQ(o, "");
	free(o);
	CHECK(fill("", "Only a prefix", 100, &o) == PT_OK);
	CHECK_STR_EQ(o, "Only a prefix");
	free(o);
	CHECK(pt_extract_fill(NULL, 5, "", 0, 10, &o, &ol, &err) == PT_ERR_ARG);
	CHECK(pt_extract_fill("ab\xff", 3, "", 0, 10, &o, &ol, &err) == PT_ERR_INVALID_UTF8);
	CHECK(pt_extract_fill("ab", 2, "\xc3", 1, 10, &o, &ol, &err) == PT_ERR_INVALID_UTF8);
}

/* ---- pt_summarize_many ---- */

static pt_status
many(const char *const *texts, size_t n, size_t max_chars, char **out)
{
	size_t	   *lens = calloc(n ? n : 1, sizeof *lens);
	char	   *o = NULL;
	size_t		ol = 0;
	pt_err		err;
	pt_status	st;

	for (size_t i = 0; i < n; i++)
		lens[i] = texts[i] ? strlen(texts[i]) : 0;
	pt_err_clear(&err);
	st = pt_summarize_many(texts, lens, n, max_chars, 0, NULL, &o, &ol, &err);
	*out = NULL;
	if (st == PT_OK)
	{
		CHECK(o != NULL && strlen(o) == ol);
		CHECK(pt_utf8_valid(o, ol));
		CHECK(pt_utf8_chars(o, ol) <= max_chars);
		*out = malloc(ol + 1);
		if (*out)
			memcpy(*out, o, ol + 1);
		pt_free(o);
	}
	else
		CHECK(o == NULL);
	free(lens);
	return st;
}

static const char *const reviews[] = {
	"The battery life is excellent and lasts two full days. My cat knocked it off the table on a Tuesday in March.",
	"Battery life is excellent, it lasts about two days. The screen is bright and sharp.",
	"I love that the battery lasts two days. The screen is bright and very sharp outdoors.",
	"The screen is sharp and bright. Excellent battery life lasts two days.",
	NULL,
	"My grandmother's neighbour collects vintage typewriters from Portugal and Spain.",
};

TEST(summarize_many_agreement)
{
	char	   *o;

	CHECK(many(reviews, 6, 300, &o) == PT_OK);
	CHECK(o && strstr(o, "attery") != NULL);
	CHECK(o && strstr(o, "screen") != NULL);
	/* what one reviewer alone says is left out */
	CHECK(o && strstr(o, "typewriters") == NULL);
	CHECK(o && strstr(o, "cat knocked") == NULL);
	free(o);
	/* a small budget: the best-supported sentence only */
	CHECK(many(reviews, 6, 75, &o) == PT_OK);
	CHECK(o && strstr(o, "attery") != NULL);
	free(o);
}

TEST(summarize_many_order_independent)
{
	const char *rev[6];
	char	   *a,
			   *b;

	for (int i = 0; i < 6; i++)
		rev[i] = reviews[5 - i];
	CHECK(many(reviews, 6, 200, &a) == PT_OK);
	CHECK(many(rev, 6, 200, &b) == PT_OK);
	CHECK_STR_EQ(a, b);
	free(a);
	free(b);
}

TEST(summarize_many_chinese)
{
	static const char *const zh[] = {
		"电池续航很好，可以用两天。快递很快。",
		"续航很好，充一次电用两天。屏幕清晰。",
		"屏幕很清晰！电池续航也很好。",
		"我家的猫特别喜欢睡在箱子里面。",
	};
	char	   *o;

	CHECK(many(zh, 4, 100, &o) == PT_OK);
	CHECK(o && strstr(o, "续航") != NULL);
	CHECK(o && strstr(o, "猫") == NULL);
	CHECK(o && strstr(o, " ") == NULL);	/* no spaces between Chinese sentences */
	free(o);
}

TEST(summarize_many_null_empty)
{
	static const char *const nulls[] = {NULL, NULL, "", "   "};
	char	   *o;
	size_t		ol;
	pt_err		err;
	static const char *const bad[] = {"fine text here.", "bad \xff byte"};
	size_t		bad_lens[] = {15, 10};

	CHECK(many(NULL, 0, 100, &o) == PT_OK);
	CHECK_STR_EQ(o, "");
	free(o);
	CHECK(many(nulls, 4, 100, &o) == PT_OK);
	CHECK_STR_EQ(o, "");
	free(o);
	CHECK(many(reviews, 6, 0, &o) == PT_OK);
	CHECK_STR_EQ(o, "");
	free(o);
	/* one text: its most central sentence */
	CHECK(many(reviews + 1, 1, 100, &o) == PT_OK);
	CHECK(o && strlen(o) > 0);
	free(o);
	/* max_chars 1: nothing whole fits and no piece is one character */
	CHECK(many(reviews, 6, 1, &o) == PT_OK);
	free(o);
	CHECK(pt_summarize_many(NULL, NULL, 3, 100, 0, NULL, &o, &ol, &err) == PT_ERR_ARG);
	CHECK(pt_summarize_many(bad, bad_lens, 2, 100, 0, NULL, &o, &ol, &err) == PT_ERR_INVALID_UTF8);
	CHECK(o == NULL);
}

/* ---- hostile sizes ---- */

TEST(extract_hostile_inputs_finish_fast)
{
	enum
	{
		MB = 1 << 20
	};
	char	   *big = malloc(MB + 64),
			   *o;
	size_t		len = 0;
	clock_t		t0 = clock();
	const char **many_texts = malloc(5000 * sizeof *many_texts);

	if (big == NULL || many_texts == NULL)
	{
		CHECK(0);
		free(big);
		free(many_texts);
		return;
	}
	/* 1 MB of distinct short sentences */
	while (len < MB)
		len += (size_t) sprintf(big + len, "Item %u is good value. ", unit_rand(&rng_state) % 100000);
	CHECK(fill(big, "", 300, &o) == PT_OK);
	CHECK(o && strlen(o) > 0);
	free(o);
	/* 1 MB without a sentence boundary or a space */
	memset(big, 'a', MB);
	big[MB] = '\0';
	CHECK(fill(big, "", 300, &o) == PT_OK);
	free(o);
	CHECK(fill(big, big, 300, &o) == PT_OK);	/* a 1 MB prefix too */
	free(o);
	/* 1 MB of ideographs */
	for (len = 0; len + 3 <= MB; len += 3)
		memcpy(big + len, "好", 3);
	big[len] = '\0';
	CHECK(fill(big, "", 300, &o) == PT_OK);
	CHECK(o && strlen(o) > 0);
	free(o);
	/* 5000 texts of which 1000 are a 1 MB text */
	len = 0;
	while (len < MB)
		len += (size_t) sprintf(big + len, "Part %u works well. ", unit_rand(&rng_state) % 100000);
	for (int i = 0; i < 5000; i++)
		many_texts[i] = i % 5 ? reviews[i % 4] : big;
	CHECK(many(many_texts, 5000, 300, &o) == PT_OK);
	CHECK(o && strlen(o) > 0);
	free(o);
	CHECK((double) (clock() - t0) / CLOCKS_PER_SEC < 10.0);
	free(big);
	free(many_texts);
}

/* ---- random inputs and allocation failures ---- */

/* random valid UTF-8 of about n bytes from random_piece, NUL-terminated, in buf */
static size_t
random_text(char *buf, size_t n)
{
	size_t		len = 0;

	while (len < n)
		len += random_piece(buf + len);
	buf[len] = '\0';
	return len;
}

TEST(extract_random_texts_keep_contracts)
{
	char	   *texts[6],
			   *o;
	int			bad = 0,
				have = 1;

	for (int i = 0; i < 6; i++)
		have &= (texts[i] = malloc(2200)) != NULL;
	for (int round = 0; round < 300 && have; round++)
	{
		size_t		lens[6],
					max = unit_rand(&rng_state) % 3 ? unit_rand(&rng_state) % 120 : unit_rand(&rng_state) % 3000,
					ol;
		pt_err		err;

		for (int i = 0; i < 6; i++)
			lens[i] = random_text(texts[i], unit_rand(&rng_state) % 2000);
		/* not normalized (runs of spaces, line breaks): the contracts hold anyway */
		if (fill(texts[0], round % 2 ? texts[1] : "", max, &o) != PT_OK)
		{
			bad++;
			fprintf(stderr, "  extract_fill failed in round %d\n", round);
		}
		free(o);
		if (pt_summarize_many((const char *const *) texts, lens, 1 + unit_rand(&rng_state) % 6, max, unit_rand(&rng_state) % 500,
							  NULL, &o, &ol, &err) != PT_OK)
		{
			bad++;
			fprintf(stderr, "  summarize_many failed in round %d: %s\n", round, err.msg);
		}
		else
		{
			if (pt_utf8_chars(o, ol) > max || !pt_utf8_valid(o, ol))
			{
				bad++;
				fprintf(stderr, "  summarize_many: %zu characters for a budget of %zu\n",
						pt_utf8_chars(o, ol), max);
			}
			pt_free(o);
		}
	}
	CHECK(bad == 0);
	for (int i = 0; i < 6; i++)
		free(texts[i]);
}

/* an allocator that fails after a given number of allocations and counts live blocks */
static int	allocs_left;
static long live_blocks;

static void *
counting_alloc(size_t size, void *ctx)
{
	void	   *p;

	(void) ctx;
	if (allocs_left-- <= 0)
		return NULL;
	p = malloc(size ? size : 1);
	live_blocks += p != NULL;
	return p;
}

static void *
counting_realloc(void *ptr, size_t size, void *ctx)
{
	void	   *p;

	(void) ctx;
	if (allocs_left-- <= 0)
		return NULL;
	p = realloc(ptr, size ? size : 1);
	live_blocks += p != NULL && ptr == NULL;
	return p;
}

static void
counting_free(void *ptr, void *ctx)
{
	(void) ctx;
	live_blocks -= ptr != NULL;
	free(ptr);
}

TEST(extract_out_of_memory_fails_cleanly)
{
	pt_allocator a = {counting_alloc, counting_realloc, counting_free, NULL};
	int			ok_fill = 0,
				ok_many = 0,
				bad = 0;

	pt_set_allocator(&a);
	for (int k = 0; k < 60; k++)
	{
		char	   *o = NULL;
		size_t		ol = 0,
					lens[6];
		pt_err		err;
		pt_status	st;

		allocs_left = k;
		live_blocks = 0;
		st = pt_extract_fill(desc, strlen(desc), "Steel bottle", 12, 200, &o, &ol, &err);
		if (st == PT_OK)
		{
			ok_fill++;
			pt_free(o);
		}
		else if (st != PT_ERR_NOMEM || o != NULL)
			bad++;
		if (live_blocks != 0)
			bad++;

		for (int i = 0; i < 6; i++)
			lens[i] = reviews[i] ? strlen(reviews[i]) : 0;
		allocs_left = k;
		live_blocks = 0;
		o = NULL;
		st = pt_summarize_many(reviews, lens, 6, 200, 0, NULL, &o, &ol, &err);
		if (st == PT_OK)
		{
			ok_many++;
			pt_free(o);
		}
		else if (st != PT_ERR_NOMEM || o != NULL)
			bad++;
		if (live_blocks != 0)
			bad++;
	}
	pt_set_allocator(NULL);
	CHECK(bad == 0);
	CHECK(ok_fill > 0 && ok_fill < 60);	/* both the failures and success were reached */
	CHECK(ok_many > 0 && ok_many < 60);
}

TEST(summarize_many_never_profane)
{
	const char *const rude[] = {
		"The battery is fucking excellent and lasts two full days.",
		"Battery life is excellent, it lasts about two days.",
		"The seller is an idiot but the battery lasts two days, excellent.",
		"Excellent battery life, lasts two days.",
	};
	char	   *o;

	CHECK(pt_has_profanity("What a SHITTY case", 18));
	CHECK(pt_has_profanity("卖家是骗子", strlen("卖家是骗子")));
	CHECK(!pt_has_profanity("Assembly is easy, a classic design", 34));
	CHECK(many(rude, 4, 300, &o) == PT_OK);
	CHECK(o != NULL && o[0] != '\0' && !pt_has_profanity(o, strlen(o)));
	free(o);
}

TEST(summarize_many_never_cuts_a_clause)
{
	const char *const long_one[] = {
		"Sound is clear and loud, the bass is deep, and the battery lasts two days.",
		"Sound is clear and loud, the bass is deep, and it pairs in seconds.",
	};
	char	   *o;

	CHECK(many(long_one, 2, 30, &o) == PT_OK);
	CHECK_STR_EQ(o, "Sound is clear and loud");
	free(o);
	CHECK(many(long_one, 2, 5, &o) == PT_OK);
	CHECK_STR_EQ(o, "");
	free(o);
}

TEST(clause_cut_keeps_numbers_whole)
{
	const char *s = "Price 1,000 yen, soft cotton, machine wash";

	CHECK(pt_text_clause_cut(s, strlen(s), 20) == strlen("Price 1,000 yen"));
	CHECK(pt_text_clause_cut(s, strlen(s), 8) == 0);
	CHECK(pt_text_clause_cut(s, strlen(s), 100) == strlen("Price 1,000 yen, soft cotton"));
}

TEST(summarize_many_follows_the_groups_sentiment)
{
	const char *const texts[] = {
		"The battery lasts two full days and the screen is bright.",
		"Battery life is excellent, two days, and the screen is bright and sharp.",
		"The strap broke after a week and the battery died.",
		"The strap broke after a week, poor build.",
		"The strap broke within days, very poor build quality.",
	};
	const float polarity[] = {0.9f, 0.8f, -0.9f, -0.8f, -0.9f};
	size_t		lens[5];
	char	   *o = NULL;
	size_t		ol = 0;
	pt_err		err;

	for (int i = 0; i < 5; i++)
		lens[i] = strlen(texts[i]);
	/* three of five texts are negative: the first pick is a negative point */
	CHECK(pt_summarize_many(texts, lens, 5, 60, 0, polarity, &o, &ol, &err) == PT_OK);
	CHECK(o != NULL && strstr(o, "strap") != NULL);
	pt_free(o);
}
