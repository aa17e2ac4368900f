/* test_text.c — UTF-8, normalization, sentences and language detection. */
#include "unit.h"
#include "text.h"

#include <stdlib.h>
#include <time.h>

/* normalize a NUL-terminated string; returns a malloc'd copy, or NULL on error */
static char *
norm_max(const char *in, size_t max_chars)
{
	char	   *out = NULL,
			   *copy;
	size_t		out_len = 0;
	pt_err		err;

	pt_err_clear(&err);
	if (pt_text_normalize(in, strlen(in), max_chars, &out, &out_len, &err) != PT_OK)
		return NULL;
	CHECK(out != NULL && strlen(out) == out_len);
	CHECK(pt_utf8_valid(out, out_len));
	copy = malloc(out_len + 1);
	if (copy)
		memcpy(copy, out, out_len + 1);
	pt_free(out);
	return copy;
}

static char *
norm(const char *in)
{
	return norm_max(in, 0);
}

/* compare normalize(in) with want, freeing the result */
#define CHECK_NORM(in, want) \
	do { char *got_ = norm(in); CHECK_STR_EQ(got_, want); free(got_); } while (0)

#define CHECK_NORM_MAX(in, max, want) \
	do { char *got_ = norm_max(in, max); CHECK_STR_EQ(got_, want); free(got_); } while (0)

/* split s and check the sentences against a NULL-terminated list */
static void
check_sentences(const char *s, const char *const *want)
{
	pt_span    *spans = NULL;
	size_t		n = 0,
				n_want = 0,
				i;
	pt_err		err;

	while (want[n_want])
		n_want++;
	CHECK(pt_split_sentences(s, strlen(s), &spans, &n, &err) == PT_OK);
	CHECK(n == n_want);
	for (i = 0; i < n && i < n_want; i++)
	{
		char		buf[256];
		size_t		l = spans[i].end - spans[i].start;

		CHECK(spans[i].start < spans[i].end && spans[i].end <= strlen(s));
		if (l >= sizeof(buf))
			l = sizeof(buf) - 1;
		memcpy(buf, s + spans[i].start, l);
		buf[l] = '\0';
		CHECK_STR_EQ(buf, want[i]);
	}
	pt_free(spans);
}

TEST(text_lang_name)
{
	CHECK_STR_EQ(pt_lang_name(PT_LANG_EN), "en");
	CHECK_STR_EQ(pt_lang_name(PT_LANG_ZH), "zh");
	CHECK_STR_EQ(pt_lang_name(PT_LANG_OTHER), "other");
	CHECK_STR_EQ(pt_lang_name((pt_lang) 42), "other");
}

TEST(text_utf8_decode_encode)
{
	uint32_t	cp = 0;
	char		buf[4];
	static const uint32_t samples[] = {0x0, 0x41, 0x7F, 0x80, 0x7FF, 0x800,
	0x4E2D, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
	size_t		i;

	CHECK(pt_utf8_decode("A", 1, &cp) == 1 && cp == 'A');
	CHECK(pt_utf8_decode("\xC3\xA9", 2, &cp) == 2 && cp == 0xE9);
	CHECK(pt_utf8_decode("\xE4\xB8\xAD", 3, &cp) == 3 && cp == 0x4E2D);
	CHECK(pt_utf8_decode("\xF0\x9F\x98\x80", 4, &cp) == 4 && cp == 0x1F600);
	CHECK(pt_utf8_decode("A", 0, &cp) == 0);

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
	{
		size_t		n = pt_utf8_encode(samples[i], buf);

		CHECK(n >= 1 && n <= 4);
		CHECK(pt_utf8_decode(buf, n, &cp) == n && cp == samples[i]);
	}
	CHECK(pt_utf8_encode(0xD800, buf) == 0);
	CHECK(pt_utf8_encode(0xDFFF, buf) == 0);
	CHECK(pt_utf8_encode(0x110000, buf) == 0);
}

TEST(text_utf8_invalid)
{
	uint32_t	cp;

	CHECK(pt_utf8_valid("", 0));
	CHECK(pt_utf8_valid("abc \xE4\xB8\xAD\xF0\x9F\x98\x80", 11));
	CHECK(pt_utf8_valid("\xF4\x8F\xBF\xBF", 4));	/* U+10FFFF */
	CHECK(!pt_utf8_valid("\x80", 1));	/* lone continuation */
	CHECK(!pt_utf8_valid("a\xBF" "b", 3));
	CHECK(!pt_utf8_valid("\xC0\x80", 2));	/* overlong NUL */
	CHECK(!pt_utf8_valid("\xC1\xBF", 2));
	CHECK(!pt_utf8_valid("\xE0\x80\x80", 3));	/* overlong 3-byte */
	CHECK(!pt_utf8_valid("\xF0\x80\x80\x80", 4));	/* overlong 4-byte */
	CHECK(!pt_utf8_valid("\xED\xA0\x80", 3));	/* surrogate U+D800 */
	CHECK(!pt_utf8_valid("\xED\xBF\xBF", 3));	/* surrogate U+DFFF */
	CHECK(!pt_utf8_valid("\xF4\x90\x80\x80", 4));	/* U+110000 */
	CHECK(!pt_utf8_valid("\xF5\x80\x80\x80", 4));
	CHECK(!pt_utf8_valid("\xFF", 1));
	CHECK(!pt_utf8_valid("\xE4\xB8", 2));	/* truncated */
	CHECK(!pt_utf8_valid("\xF0\x9F\x98", 3));
	CHECK(!pt_utf8_valid("\xE4" "a\xAD", 3));	/* interrupted */
	CHECK(pt_utf8_decode("\xE4\xB8", 2, &cp) == 0);
	CHECK(pt_utf8_decode("\xE4\xB8\xAD", 2, &cp) == 0);	/* len cuts it */
	CHECK(pt_utf8_decode("\xED\xA0\x80", 3, &cp) == 0);
}

TEST(text_utf8_count_prefix)
{
	const char *s = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80z";	/* a é 中 😀 z */
	size_t		len = strlen(s);

	CHECK(pt_utf8_chars(s, len) == 5);
	CHECK(pt_utf8_chars("", 0) == 0);
	CHECK(pt_utf8_prefix(s, len, 0) == 0);
	CHECK(pt_utf8_prefix(s, len, 1) == 1);
	CHECK(pt_utf8_prefix(s, len, 2) == 3);
	CHECK(pt_utf8_prefix(s, len, 3) == 6);
	CHECK(pt_utf8_prefix(s, len, 4) == 10);
	CHECK(pt_utf8_prefix(s, len, 5) == len);
	CHECK(pt_utf8_prefix(s, len, 100) == len);
}

TEST(text_normalize_rejects_invalid_utf8)
{
	char	   *out = (char *) 1;
	size_t		out_len = 7;
	pt_err		err;

	pt_err_clear(&err);
	CHECK(pt_text_normalize("ab\xC0\x80", 4, 0, &out, &out_len, &err) == PT_ERR_INVALID_UTF8);
	CHECK(out == NULL && out_len == 0);
	CHECK(err.code == PT_ERR_INVALID_UTF8);
	CHECK(strstr(err.msg, "offset 2") != NULL);
	/* invalid bytes hidden in a tag or a comment are still rejected */
	CHECK(pt_text_normalize("<b \xFF>x", 6, 0, &out, &out_len, &err) == PT_ERR_INVALID_UTF8);
	CHECK(pt_text_normalize("x\xED\xA0\x80", 4, 0, &out, &out_len, &err) == PT_ERR_INVALID_UTF8);
	CHECK(pt_text_normalize(NULL, 3, 0, &out, &out_len, &err) == PT_ERR_ARG);
	CHECK(pt_text_normalize("x", 1, 0, NULL, &out_len, &err) == PT_ERR_ARG);
}

TEST(text_normalize_plain)
{
	CHECK_NORM("", "");
	CHECK_NORM("   \n\t ", "");
	CHECK_NORM("Hello world", "Hello world");
	CHECK_NORM("我喜欢用iPhone拍照", "我喜欢用iPhone拍照");
	CHECK_NORM("emoji 😀 ok 👍🏽", "emoji 😀 ok 👍🏽");
	CHECK_NORM("café naïve", "café naïve");
}

TEST(text_normalize_whitespace)
{
	CHECK_NORM("  a   b\t\tc  ", "a b c");
	CHECK_NORM("a \n \n  b", "a\nb");
	CHECK_NORM("a\r\nb", "a\nb");
	CHECK_NORM("a\rb", "a\nb");
	CHECK_NORM("a\n\n\n\nb  c", "a\nb c");
	CHECK_NORM("\n\n  a\n", "a");
	CHECK_NORM("a\xC2\xA0\xC2\xA0" "b", "a b");	/* NBSP */
	CHECK_NORM("a\xE2\x80\x83" "b\xE2\x80\xA8" "c", "a b\nc");	/* em space, LINE SEPARATOR */
	CHECK_NORM("你好\xE3\x80\x80世界", "你好 世界");	/* U+3000 */
}

TEST(text_normalize_controls)
{
	CHECK_NORM("a\x01" "b\x1B" "c\x7F" "d", "abcd");
	CHECK_NORM("a\xC2\x80" "b\xC2\x9F" "c", "abc");	/* C1 */
	CHECK_NORM("zero\xE2\x80\x8Bwidth\xE2\x81\xA0join\xEF\xBB\xBF", "zerowidthjoin");
	CHECK_NORM("\xEF\xBB\xBFhello", "hello");	/* BOM */
	CHECK_NORM("a\x0B" "b\x0C" "c", "a\nb\nc");	/* VT and FF break lines */
	CHECK_NORM("a\x00" "b", "a");	/* strlen stops; NUL itself below */
	{
		char	   *out;
		size_t		out_len;
		pt_err		err;

		CHECK(pt_text_normalize("a\0b", 3, 0, &out, &out_len, &err) == PT_OK);
		CHECK(out_len == 2 && memcmp(out, "ab", 3) == 0);
		pt_free(out);
	}
}

TEST(text_normalize_fullwidth)
{
	CHECK_NORM("ＡＢＣ１２３", "ABC123");
	CHECK_NORM("ａｂｃ！？～", "abc!?~");
	CHECK_NORM("价格：１００元（含税）", "价格:100元(含税)");
	CHECK_NORM("Ａ\xE3\x80\x80Ｂ", "A B");
	/* U+FF5F and beyond, and half-width katakana, are not ASCII: kept */
	CHECK_NORM("\xEF\xBD\x9F\xEF\xBD\xB1", "\xEF\xBD\x9F\xEF\xBD\xB1");
	/* half-width CJK marks take their full forms, as NFKC gives them (Hong Kong listings write ｡ and ､) */
	CHECK_NORM("靠近地鐵站｡步行3分鐘､很方便｡｢好評｣", "靠近地鐵站。步行3分鐘、很方便。「好評」");
}

TEST(text_normalize_html_tags)
{
	CHECK_NORM("<b>bold</b> text", "bold text");
	/* an aside in angle brackets reads as markup (to the trust checker too); a lone '<' is text */
	CHECK_NORM("钻石玻璃膜<3片装送后膜>", "钻石玻璃膜");
	CHECK_NORM("最近更新<新增手写文稿功能>身边没有笔", "最近更新 身边没有笔");
	CHECK_NORM("size < 5 and > 3, love it <3", "size < 5 and > 3, love it <3");
	CHECK_NORM("a <3 b\nc > d", "a <3 b\nc > d");
	CHECK_NORM("foo<br>bar", "foo\nbar");
	CHECK_NORM("foo<br/>bar<BR />baz", "foo\nbar\nbaz");
	CHECK_NORM("<p>one</p><p>two</p>", "one\ntwo");
	CHECK_NORM("<div class=\"x\">a<span>b</span>c</div>d", "abc\nd");
	CHECK_NORM("<ul><li>x</li><li>y</li></ul>", "x\ny");
	CHECK_NORM("<h1>Title</h1>Body", "Title\nBody");
	CHECK_NORM("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
			   "a b\nc");
	CHECK_NORM("W<b>or</b>d", "Word");
	CHECK_NORM("<!DOCTYPE html><html><body>hi</body></html>", "hi");
	CHECK_NORM("<?xml version=\"1.0\"?>x", "x");
	CHECK_NORM("<P>upper</P>case", "upper\ncase");
	CHECK_NORM("<b><i><u>deep</u></i></b>", "deep");
}

TEST(text_normalize_html_literal_lt)
{
	CHECK_NORM("size < 5 and x<5", "size < 5 and x<5");
	CHECK_NORM("a <= b", "a <= b");
	CHECK_NORM("unclosed <div", "unclosed <div");
	CHECK_NORM("a<b", "a<b");
	CHECK_NORM("<", "<");
	CHECK_NORM("<<<b>>>", "<<>>");
	CHECK_NORM("x <!-- never closed", "x <!-- never closed");
}

TEST(text_normalize_html_comments_script)
{
	CHECK_NORM("a<!-- hidden <b>x</b> -->b", "ab");
	CHECK_NORM("a <!---->b", "a b");
	CHECK_NORM("x<script>var a = '<p>1 < 2</p>';</script>y", "xy");
	CHECK_NORM("x<SCRIPT type=\"t\">alert(1)</Script >y", "xy");
	CHECK_NORM("<style>p { color: red }</style>text", "text");
	CHECK_NORM("keep<script>never closed", "keep");
	CHECK_NORM("a</script>b", "ab");	/* a stray end tag is just a tag */
	CHECK_NORM("<script>1</script>mid<script>2</script>end", "midend");
}

TEST(text_normalize_entities)
{
	CHECK_NORM("Tom &amp; Jerry", "Tom & Jerry");
	CHECK_NORM("&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>");
	CHECK_NORM("a&nbsp;&nbsp;b", "a b");
	CHECK_NORM("&copy; 2024 &#169; &#xA9; &#XA9;", "© 2024 © © ©");
	CHECK_NORM("&#x4E2D;&#25991;", "中文");
	CHECK_NORM("&#x1F600;", "😀");
	CHECK_NORM("&quot;hi&quot; &apos;x&apos;", "\"hi\" 'x'");
	CHECK_NORM("a&hellip; &mdash; &euro;5 &yen;3 &pound;2 &trade;",
			   "a… — €5 ¥3 £2 ™");
	CHECK_NORM("&#xFF21;", "A");	/* a decoded character is folded like any other */
	CHECK_NORM("a&#10;b", "a\nb");
	CHECK_NORM("a&#8203;b", "ab");	/* zero-width space */
	/* kept literally: invalid code points, unknown names, no ';' */
	CHECK_NORM("&#xD800;", "&#xD800;");
	CHECK_NORM("&#0;", "&#0;");
	CHECK_NORM("&#x110000;", "&#x110000;");
	CHECK_NORM("&#99999999999999999999;", "&#99999999999999999999;");
	CHECK_NORM("&foo;", "&foo;");
	CHECK_NORM("&Amp; &Trade;", "&Amp; &Trade;");
	/* HTML5's upper-case names, as a reader decodes them (a sweep: "EDITION&TRADE;" came back "&trade;") */
	CHECK_NORM("EDITION&TRADE; &AMP; &LT;b&GT; &COPY;", "EDITION™ & <b> ©");
	CHECK_NORM("fish & chips", "fish & chips");
	CHECK_NORM("&amp", "&amp");
	CHECK_NORM("&#;&#x;&;", "&#;&#x;&;");
	CHECK_NORM("&amp;lt;", "&lt;");	/* decoded once, never twice */
}

TEST(text_normalize_mixed)
{
	CHECK_NORM("<p>苹果发布了新款 iPhone&nbsp;15。</p>\n\n<p>售价&yen;5999！</p>",
			   "苹果发布了新款 iPhone 15。\n售价¥5999!");
	CHECK_NORM("  <div>\n  Hello,\n  <b>world</b>!\n  </div>  ", "Hello,\nworld!");
}

TEST(text_normalize_idempotent)
{
	static const char *const samples[] = {
		"<p>Hello <b>big</b> world.</p><p>Second&nbsp;line</p>",
		"  ＡＢＣ　中文\r\n\r\ntext\x01\xE2\x80\x8B end  ",
		"emoji 😀 and Dr. Smith said: \"3.5 mm\".",
	};
	size_t		i;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
	{
		char	   *once = norm(samples[i]);
		char	   *twice = once ? norm(once) : NULL;

		CHECK_STR_EQ(twice, once);
		free(once);
		free(twice);
	}
}

TEST(text_normalize_max_chars)
{
	/* the last sentence that fits */
	CHECK_NORM_MAX("One two. Three four. Five six.", 22, "One two. Three four.");
	CHECK_NORM_MAX("One two. Three four. Five six.", 20, "One two. Three four.");
	CHECK_NORM_MAX("One two. Three four. Five six.", 19, "One two.");
	/* no sentence fits: the last space */
	CHECK_NORM_MAX("alpha beta gamma delta", 13, "alpha beta");
	CHECK_NORM_MAX("alpha beta gamma delta", 10, "alpha beta");
	/* neither: hard cut, never inside a character */
	CHECK_NORM_MAX("abcdefghij", 4, "abcd");
	CHECK_NORM_MAX("中文字符串测试", 3, "中文字");
	CHECK_NORM_MAX("😀😀😀😀", 2, "😀😀");
	CHECK_NORM_MAX("你好。我很好。谢谢。", 7, "你好。我很好。");
	CHECK_NORM_MAX("你好。我很好。谢谢。", 6, "你好。");
	/* short enough, or no limit */
	CHECK_NORM_MAX("short text.", 11, "short text.");
	CHECK_NORM_MAX("short text.", 100, "short text.");
	CHECK_NORM_MAX("short text.", 0, "short text.");
	/* a line break is a boundary; the cut never leaves white space at the end */
	CHECK_NORM_MAX("<p>first para</p><p>second para</p>", 15, "first para");
	CHECK_NORM_MAX("Dr. Smith arrived home late", 12, "Dr. Smith");
}

TEST(text_normalize_max_chars_bounds)
{
	const char *s = "Mixed 中文 text with émoji 😀 and more words. Another one here! 最后一句。";
	size_t		m;

	for (m = 1; m < 80; m++)
	{
		char	   *got = norm_max(s, m);

		CHECK(got != NULL);
		if (got)
		{
			CHECK(pt_utf8_valid(got, strlen(got)));
			CHECK(pt_utf8_chars(got, strlen(got)) <= m);
			CHECK(got[0] != '\0');
			CHECK(got[0] == '\0' || got[strlen(got) - 1] != ' ');
		}
		free(got);
	}
}

TEST(text_split_english)
{
	static const char *const s1[] = {"Dr. Smith went home.", "He slept.", NULL};
	static const char *const s2[] = {"It is 3.5 mm long.", "Version v2.0 is out!", "Great?", NULL};
	static const char *const s3[] = {"Use e.g. apples, i.e. fruit.", "Mr. and Mrs. Lee came.", NULL};
	static const char *const s4[] = {"He said \"Stop.\"", "Then he left.", NULL};
	static const char *const s5[] = {"Line one", "line two", NULL};
	static const char *const s6[] = {"Wait...", "what?!", "J. R. R. Tolkien wrote it.", NULL};
	static const char *const s7[] = {"Apples; pears.", "No. 5 is here.", NULL};
	static const char *const s8[] = {"No end", NULL};
	static const char *const s9[] = {"(See above.)", "Ok.", NULL};
	static const char *const s10[] = {"At 5 p.m. in the U.S. it rains.", "E.g. here.", "I said no.", "Fine.", NULL};
	/* listings' units and places; a name's '!' before a lower-case word ends nothing */
	static const char *const s11[] = {"LG 10 Cu. Ft. White Refrigerator.", "Our apt. is near Ft. Greene.", NULL};
	static const char *const s12[] = {"jeopardy! is a game show.", "Play now!", "Great fun!", NULL};

	check_sentences("Dr. Smith went home. He slept.", s1);
	check_sentences("It is 3.5 mm long. Version v2.0 is out! Great?", s2);
	check_sentences("Use e.g. apples, i.e. fruit. Mr. and Mrs. Lee came.", s3);
	check_sentences("He said \"Stop.\" Then he left.", s4);
	check_sentences("  Line one \n line two  ", s5);
	check_sentences("Wait... what?! J. R. R. Tolkien wrote it.", s6);
	check_sentences("Apples; pears. No. 5 is here.", s7);
	check_sentences("No end", s8);
	check_sentences("(See above.) Ok.", s9);
	check_sentences("At 5 p.m. in the U.S. it rains. E.g. here. I said no. Fine.", s10);
	check_sentences("LG 10 Cu. Ft. White Refrigerator. Our apt. is near Ft. Greene.", s11);
	check_sentences("jeopardy! is a game show. Play now! Great fun!", s12);
}

TEST(text_split_chinese)
{
	static const char *const s1[] = {"你好。", "我很好！！！", "谢谢……", "再见", NULL};
	static const char *const s2[] = {"他说：“好。”", "然后走了。", NULL};
	static const char *const s3[] = {"他说:\"好。\"", "然后走了。", NULL};
	/* normalized text: ！ and ？ were folded to ASCII */
	static const char *const s4[] = {"真的吗?", "真的!!!", "太好了;", "走吧", NULL};
	static const char *const s5[] = {"我买了iPhone 15。", "价格是3.5万元。", NULL};
	static const char *const s6[] = {"「好！」", "他说。", NULL};

	check_sentences("你好。我很好！！！谢谢……再见", s1);
	check_sentences("他说：“好。”然后走了。", s2);
	check_sentences("他说:\"好。\"然后走了。", s3);
	check_sentences("真的吗?真的!!!太好了;走吧", s4);
	check_sentences("我买了iPhone 15。价格是3.5万元。", s5);
	check_sentences("「好！」他说。", s6);
}

TEST(text_split_empty)
{
	pt_span    *spans = (pt_span *) 1;
	size_t		n = 9;
	pt_err		err;

	CHECK(pt_split_sentences("", 0, &spans, &n, &err) == PT_OK);
	CHECK(n == 0 && spans == NULL);
	CHECK(pt_split_sentences(" \n \n", 4, &spans, &n, &err) == PT_OK);
	CHECK(n == 0);
	pt_free(spans);
	CHECK(pt_split_sentences(NULL, 0, &spans, &n, &err) == PT_OK && n == 0);
	CHECK(pt_split_sentences("x", 1, NULL, &n, &err) == PT_ERR_ARG);
}

TEST(text_split_many)
{
	size_t		count = 10000,
				i,
				n = 0;
	char	   *s = malloc(count * 3 + 1);
	pt_span    *spans = NULL;
	pt_err		err;

	for (i = 0; i < count; i++)
		memcpy(s + i * 3, "a. ", 3);
	s[count * 3] = '\0';
	CHECK(pt_split_sentences(s, count * 3, &spans, &n, &err) == PT_OK);
	CHECK(n == count);
	CHECK(n == count && spans[count - 1].start == (count - 1) * 3 &&
		  spans[count - 1].end == (count - 1) * 3 + 2);
	pt_free(spans);
	free(s);
}

TEST(text_detect_lang)
{
#define LANG(s) pt_detect_lang(s, strlen(s))
	CHECK(LANG("The quick brown fox jumps over the lazy dog.") == PT_LANG_EN);
	CHECK(LANG("这是一个中文句子。") == PT_LANG_ZH);
	CHECK(LANG("我最喜欢的手机是iPhone") == PT_LANG_ZH);
	CHECK(LANG("苹果发布了新款 MacBook Pro 笔记本") == PT_LANG_ZH);
	CHECK(LANG("I learned the character 中 today") == PT_LANG_EN);
	CHECK(LANG("Crème brûlée à la française") == PT_LANG_EN);
	CHECK(LANG("Привет, как дела?") == PT_LANG_OTHER);
	CHECK(LANG("مرحبا بالعالم") == PT_LANG_OTHER);
	CHECK(LANG("こんにちは、世界") == PT_LANG_OTHER);	/* kana outweigh the kanji */
	CHECK(LANG("12345 !!! 😀") == PT_LANG_OTHER);
	CHECK(LANG("") == PT_LANG_OTHER);
	CHECK(pt_detect_lang(NULL, 0) == PT_LANG_OTHER);
	CHECK(LANG("abc\xFF\xFE") == PT_LANG_EN);	/* invalid bytes are skipped */
#undef LANG
}

/* a 1 MB pathological input must finish quickly and give valid output */
static void
check_bomb(const char *unit, size_t repeat, const char *tail, const char *want)
{
	size_t		ul = strlen(unit),
				tl = strlen(tail),
				len = ul * repeat + tl,
				i,
				out_len = 0;
	char	   *in = malloc(len + 1),
			   *out = NULL;
	pt_err		err;
	clock_t		t0 = clock();

	for (i = 0; i < repeat; i++)
		memcpy(in + i * ul, unit, ul);
	memcpy(in + ul * repeat, tail, tl + 1);
	CHECK(pt_text_normalize(in, len, 0, &out, &out_len, &err) == PT_OK);
	CHECK(out != NULL && pt_utf8_valid(out, out_len));
	if (want)
		CHECK_STR_EQ(out, want);
	pt_free(out);
	out = NULL;
	CHECK(pt_text_normalize(in, len, 1000, &out, &out_len, &err) == PT_OK);
	CHECK(out != NULL && pt_utf8_chars(out, out_len) <= 1000);
	pt_free(out);
	/* linear work is milliseconds even under ASan; quadratic would be hours */
	CHECK((double) (clock() - t0) / CLOCKS_PER_SEC < 5.0);
	free(in);
}

TEST(text_normalize_bombs)
{
	check_bomb("<", 1 << 20, "", NULL);
	check_bomb("<div", 1 << 18, "", NULL);
	check_bomb("<div ", 1 << 18, ">x", "x");
	check_bomb("<b>", 100000, "deep", "deep");
	check_bomb("<!--", 1 << 18, "", NULL);
	check_bomb("<!--", 1 << 18, "-->x", "x");
	check_bomb("<script>", 1 << 17, "</script>x", "x");
	check_bomb("<style>", 1 << 17, "", "");
	check_bomb("&", 1 << 20, "", NULL);
	check_bomb("&#", 1 << 19, "", NULL);
	check_bomb("&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 20000, ";", NULL);
	check_bomb("a. ", 1 << 18, "", NULL);
	check_bomb(" \n", 1 << 19, "x", "x");
}

/* an allocator that fails after a given number of allocations */
static int	allocs_left;

static void *
failing_alloc(size_t size, void *ctx)
{
	(void) ctx;
	if (allocs_left-- <= 0)
		return NULL;
	return malloc(size ? size : 1);
}

static void *
failing_realloc(void *ptr, size_t size, void *ctx)
{
	(void) ctx;
	if (allocs_left-- <= 0)
		return NULL;
	return realloc(ptr, size ? size : 1);
}

static void
plain_free(void *ptr, void *ctx)
{
	(void) ctx;
	free(ptr);
}

TEST(text_out_of_memory)
{
	pt_allocator failing = {failing_alloc, failing_realloc, plain_free, NULL};
	char	   *out = NULL;
	size_t		n = 0;
	pt_span    *spans = NULL;
	pt_err		err;
	char		big[200];

	/* output never outgrows the input, so one allocation suffices */
	memset(big, 0, sizeof(big));
	for (n = 0; n + 8 < sizeof(big); n += 8)
		memcpy(big + n, "&#65536;", 8);

	pt_set_allocator(&failing);
	allocs_left = 0;
	CHECK(pt_text_normalize("abc", 3, 0, &out, &n, &err) == PT_ERR_NOMEM);
	CHECK(out == NULL);
	allocs_left = 0;
	CHECK(pt_split_sentences("a. b.", 5, &spans, &n, &err) == PT_ERR_NOMEM);
	CHECK(spans == NULL);
	allocs_left = 1;
	CHECK(pt_text_normalize(big, strlen(big), 0, &out, &n, &err) == PT_OK);
	pt_free(out);
	pt_set_allocator(NULL);
}

/* plain ASCII is told apart without normalizing; an entity could decode to anything */
TEST(ascii_without_entities)
{
	CHECK(pt_ascii_without_entities("Great <b>fit</b>, size < 5", 26));
	CHECK(pt_ascii_without_entities("", 0));
	CHECK(!pt_ascii_without_entities("&#20013;&#25991;", 16));
	CHECK(!pt_ascii_without_entities("caf\xc3\xa9", 5));
	CHECK(!pt_ascii_without_entities("\xe5\xa5\xbd", 3));
}
