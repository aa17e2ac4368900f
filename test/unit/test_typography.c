/*
 * test_typography.c — the output conventions (typography.h): the input's
 * name casing and the punctuation of the output's language.
 */
#include "ascii_words.h"
#include "pt_common.h"
#include "text.h"
#include "typography.h"
#include "unit.h"

/* apply(out, input) must be want, gain no ASCII word, and be NUL-terminated at its length */
static void
check_apply(const char *out, const char *input, const char *want)
{
	char	   *res = NULL;
	size_t		n = 0,
				w;
	pt_err		err;

	CHECK(pt_typography_apply(out, strlen(out), input, strlen(input), 0, &res, &n, &err) == PT_OK);
	CHECK(res == NULL || strlen(res) == n);
	CHECK(res == NULL || missing_ascii_word(out, strlen(out), res, n, &w) < 0);
	CHECK_STR_EQ(res, want);
	pt_free(res);
}

/* the same with the output's own text as the input: punctuation alone */
static void
check_punct(const char *out, const char *want)
{
	check_apply(out, "", want);
}

TEST(typography_pinned_examples)
{
	check_apply("三鼎(sanding)肠粉机,好用。", "三鼎（SANDING）肠粉机，好用！质量很好。",
				"三鼎（SANDING）肠粉机，好用。");
	check_apply("Poezie诗色gp系列", "POEZIE诗色GP系列口红", "POEZIE诗色GP系列");
	check_punct("容量500ml,触控显示水温", "容量500ml，触控显示水温");
}

TEST(typography_keeps_name_casing)
{
	check_apply("Buy the iphone 12 pro", "APPLE iPhone 12 Pro", "Buy the iPhone 12 pro");
	/* a shouted sentence names nothing ... */
	check_apply("Soft cotton tee by acme", "SOFT COTTON TEE BY ACME", "Soft cotton tee by acme");
	/* ... except its model codes, and words also named outside it */
	check_apply("Soft tee xr-500 by acme", "SOFT COTTON TEE XR-500 BY ACME. Made by ACME in USA.",
				"Soft tee XR-500 by ACME");
	check_apply("usb-c cable, wi-fi and 4k", "A USB-C cable with Wi-Fi and 4K.", "USB-C cable, Wi-Fi and 4K");
	/* plain and Title case are the output's business; parts of a word are not the word */
	check_apply("Acme pro kettle, acmes", "Acme Pro kettle by ACMEX", "Acme pro kettle, acmes");
	/* the first name-cased occurrence wins; raw full-width letters count */
	check_apply("ebay store", "eBay EBAY", "eBay store");
	/* an all-caps word the input also writes in lower case is emphasis, not a name */
	check_apply("Cosy house with a patio", "Enjoy a cosy house. Completely renovated small HOUSE - 2 rooms.",
				"Cosy house with a patio");
	check_apply("Soft tee by acme", "Soft tee by ACME. Made by ACME.", "Soft tee by ACME");
	check_apply("gp series", "ＧＰ系列", "GP series");
	/* a word the output writes as the input writes it somewhere stays (raw Hong Kong listings) */
	check_apply("2 mins from Yau Ma Tei", "2 mins from Yau Ma Tei. Exit: Station-YAU MA TEI-Exit C",
				"2 mins from Yau Ma Tei");
	check_apply("优质WIFI，高速wifi", "高速WiFi上网，连接优质WIFI", "优质WIFI，高速WiFi");
	/* a Chinese sentence with a brand is not shouting */
	check_apply("Sanding肠粉机", "SANDING肠粉机好用", "SANDING肠粉机");
}

TEST(typography_never_touches_numbers_and_code)
{
	check_punct("价格3.5元,共1,000件", "价格3.5元，共1,000件");
	check_punct("版本v1.2,时间12:30开始", "版本v1.2，时间12:30开始");
	check_punct("访问www.x.com或写信a.b@c.com了解", "访问www.x.com或写信a.b@c.com了解");
	check_punct("网址: http://x.com/a,b", "网址：http://x.com/a,b");
	check_punct("很好...真的", "很好...真的");
}

TEST(typography_chinese_marks)
{
	check_punct("质量很好 , 物流快!", "质量很好，物流快！");
	check_punct("好用!?真的", "好用！？真的");
	check_punct("三鼎 ( SANDING ) 肠粉机", "三鼎（SANDING）肠粉机");
	check_punct("肠粉机(很好用)", "肠粉机（很好用）");
	check_punct("支持Wi-Fi, NFC: 很方便", "支持Wi-Fi，NFC：很方便");
	/* a sentence end is full-width even after Latin words; inside a Latin sentence marks stay ASCII */
	check_punct("适用于iPhone 12. 颜色: 黑色", "适用于iPhone 12。颜色：黑色");
	check_punct("质量很好。Great quality. Soft, light! 物流很快。",
				"质量很好。Great quality。Soft, light！物流很快。");
	/* a list number's dot stays, unless it ends a sentence; a model number's converts */
	check_punct("功能:1.支持蓝牙2.防水", "功能：1.支持蓝牙2.防水");
	check_punct("特色竞技场1.特色游戏", "特色竞技场1.特色游戏");
	check_punct("型号X1.好用", "型号X1。好用");
	/* an abbreviation's dot inside a sentence stays */
	check_punct("Dr. Li推荐", "Dr. Li推荐");
	/* full-width stays full-width; unmatched parentheses stay */
	check_punct("很好，Great！", "很好，Great！");
	check_punct("尺码(M", "尺码(M");
	/* an English text quoting a Chinese name converts only next to it */
	check_punct("Made by 三鼎. Great quality, fast shipping.", "Made by 三鼎。Great quality, fast shipping.");
	/* one mark of a run of pause and stop marks (raw Hong Kong listings: "纜車, ｡附近") */
	check_punct("昂坪360觀光纜車, 。附近街道", "昂坪360觀光纜車。附近街道");
	check_punct("相當安全。,24小時營業", "相當安全。24小時營業");
	check_punct("请保持卫生，谢谢！！嚴禁吸煙,,好", "请保持卫生，谢谢！嚴禁吸煙，好");
	check_punct("真的吗？！好", "真的吗？！好");
	/* the text's start counts as a stop: a rewrite that dropped a first clause opens on no pause */
	check_punct(",仅限前100名。纯棉T恤", "仅限前100名。纯棉T恤");
	check_punct("，。纯棉T恤", "纯棉T恤");
}

TEST(typography_english_marks)
{
	check_punct("Soft cotton tee, 100% cotton. Fits well!", "Soft cotton tee, 100% cotton. Fits well!");
	check_punct("Soft，warm。Fits well！", "Soft, warm. Fits well!");
	check_punct("Size（M）：fits ； ok？", "Size (M): fits; ok?");
	check_punct("1，000 pcs", "1,000 pcs");
	check_punct("Sony WH-100。4 hours of play", "Sony WH-100. 4 hours of play");	/* never a new number 100.4 */
	check_punct("", "");
}

TEST(typography_invalid_utf8_passes_through)
{
	static const char out[] = "Bad \xff\xfe byte,\xc3 gp\xe4\xb8 系列,x";
	static const char input[] = "GP \xff Acme\xc0 by us";
	static const char want[] = "Bad \xff\xfe byte,\xc3 GP\xe4\xb8 系列，x";
	char	   *res = NULL;
	size_t		n = 0;
	pt_err		err;

	CHECK(pt_typography_apply(out, sizeof out - 1, input, sizeof input - 1, 0, &res, &n, &err) == PT_OK);
	CHECK(res != NULL && n == sizeof want - 1 && memcmp(res, want, n) == 0);
	pt_free(res);
	CHECK(pt_text_shouted("\xff\xfe\xfd", 3) == 0);
}

TEST(typography_shouted_sentences)
{
	CHECK(pt_text_shouted("SOFT COTTON TEE", 15));
	CHECK(!pt_text_shouted("USB-C", 5));
	CHECK(!pt_text_shouted("Made by ACME in USA", 19));
	CHECK(!pt_text_shouted("三鼎(SANDING)肠粉机", strlen("三鼎(SANDING)肠粉机")));
}

/* letters and digits (ASCII case-folded) and Han characters of s, in order */
static size_t
skeleton(const char *s, size_t len, char *out)
{
	size_t		n = 0;

	for (size_t i = 0; i < len;)
	{
		uint32_t	cp;
		size_t		k = pt_utf8_decode(s + i, len - i, &cp);

		if (k == 0)
			k = 1;
		else if (cp < 0x80 && pt_ascii_alnum((char) cp))
			out[n++] = (char) (cp | 0x20);
		else if (cp >= 0x4E00 && cp <= 0x9FFF)
		{
			memcpy(out + n, s + i, k);
			n += k;
		}
		i += k;
	}
	return n;
}

/* random mixes: no failure, the same letters, digits and Han, growth only from converted marks */
TEST(typography_random_mixes)
{
	static const char *const parts[] = {
		"质量", "好用", "GP", "iPhone", "acme", "3.5", "1,000", "v1.2", " ", ",", ".", "!", "?", ":", ";",
		"(", ")", "，", "。", "！", "（", "）", "...", "\n", "www.x.com", "XR-500", "-", "\xff", "\xe4\xb8",
		"SOFT COTTON TEE", "Great quality. ", "Dr. ", "😀"
	};
	uint32_t	rng = 12345;

	for (int round = 0; round < 2000; round++)
	{
		char		out[512] = "",
					input[512] = "",
					a[512],
					b[2048];
		char	   *res = NULL;
		size_t		n = 0,
					marks = 0,
					len,
					w;
		pt_err		err;

		for (int k = 0; k < 24; k++)
		{
			strcat(out, parts[unit_rand(&rng) % (sizeof parts / sizeof parts[0])]);
			strcat(input, parts[unit_rand(&rng) % (sizeof parts / sizeof parts[0])]);
		}
		len = strlen(out);
		for (size_t i = 0; i < len; i++)
			marks += strchr(",.!?:;()", out[i]) != NULL;
		CHECK(pt_typography_apply(out, len, input, strlen(input), 0, &res, &n, &err) == PT_OK);
		CHECK(res != NULL && strlen(res) == n);
		CHECK(n <= len + 2 * marks);
		CHECK(skeleton(out, len, a) == skeleton(res, n, b) && memcmp(a, b, skeleton(out, len, a)) == 0);
		CHECK(missing_ascii_word(out, len, res, n, &w) < 0);
		pt_free(res);
	}
}

TEST(typography_caps_runs_are_shouting_not_names)
{
	check_apply("Olive green solid trousers, 5 pockets",
				"Olive Green solid trousers OLIVE GREEN SOLID TROUSERS, XR-500 ACME",
				"Olive green solid trousers, 5 pockets");
	check_apply("made by acme, model xr-500", "Made by ACME in USA. OLIVE GREEN XR-500 TROUSERS",
				"made by ACME, model XR-500");
}

/*
 * Shouting a rewrite copied from inside a quiet sentence is lower-cased, its
 * names restored from the input; a run at a sentence's start keeps a capital
 * (found by the trust test: "… 5 star view. TO BE ORGANIZED VIA E-MAIL …").
 */
TEST(typography_recases_shouting_runs)
{
	check_apply("A view. TO BE ORGANIZED VIA E-MAIL for you", "A view. TO BE ORGANIZED VIA E-MAIL for you",
				"A view. To be organized via e-mail for you");
	check_apply("Strap | SONY WEATHER SHOWER CD CLOCK RADIO - ICFCD73W", "Sony Weather Shower CD Clock Radio",
				"Strap | sony weather shower CD clock radio - ICFCD73W");	/* acronyms and codes stay */
	/* the all-caps words before a run are part of it */
	check_apply("pres IT INCLUDES A PRIVATE ROOM WITH A DOUBLE SIZE BED.", "IT INCLUDES A PRIVATE ROOM WITH A DOUBLE SIZE BED.",
				"pres it includes a private room with a double size bed.");
	check_apply("LG TROMM WM2688HNM washer", "LG TROMM WM2688HNM washer", "LG TROMM WM2688HNM washer");
	check_apply("香港铭城宾馆(MAIN SHING HOTEL)位于铜锣湾", "香港铭城宾馆(MAIN SHING HOTEL)位于铜锣湾",
				"香港铭城宾馆（MAIN SHING HOTEL）位于铜锣湾");	/* capitals in Chinese text name */
}

TEST(typography_caps_runs)
{
	CHECK(pt_text_caps_run("VIA E-MAIL HOT SALE", 19));					/* E-MAIL is a caps word */
	CHECK(pt_text_caps_run("of KONA COFFEE\xe2\x80\x94ONE COMPLIMENTARY BAG of", 41));	/* a run may start after a dash */
	CHECK(!pt_text_caps_run("KONA COFFEE\xe2\x80\x94one COMPLIMENTARY BAG", 35));
	CHECK(pt_text_caps_run("BRING THE DARK LORD INTO YOUR KITCHEN - a toaster", 49));
	CHECK(pt_text_caps_run("Great. HOT SALE, BUY NOW!", 25));
	CHECK(!pt_text_caps_run("CLEAR SOUND & LONG RANGE: be heard", 34));	/* & parts the runs */
	CHECK(!pt_text_caps_run("Sony KDL-40 LED TV with HDMI", 28));		/* codes with digits are not words */
	CHECK(!pt_text_caps_run("USB C OK", 8));								/* C is one letter */
	CHECK(pt_text_caps_run("access, AND SEVEN YEAR/FIVE STAR hosts", 38));	/* a run may end on any mark */
	CHECK(!pt_text_caps_run("and SEVEN YEAR/FIVE STAR hosts", 30));
	CHECK(!pt_text_caps_run("", 0));
}
