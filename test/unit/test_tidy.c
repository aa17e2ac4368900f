/*
 * test_tidy.c — the rule-based clean-up in front of rewrite() (tidy.h).
 */
#include "pt_common.h"
#include "text.h"
#include "tidy.h"
#include "unit.h"

#include <stdlib.h>

/* tidy(in) must be want, and never longer than in */
static void
check_tidy(const char *in, const char *want)
{
	char	   *out = NULL;
	size_t		n = 0;
	pt_err		err;

	CHECK(pt_text_tidy(in, strlen(in), &out, &n, &err) == PT_OK);
	CHECK(n <= strlen(in));
	CHECK(out == NULL || strlen(out) == n);
	CHECK_STR_EQ(out, want);
	pt_free(out);
}

TEST(tidy_drops_symbols_keeps_marks)
{
	check_tidy("Soft cotton 🌟🌟 tee ★ fits well ✔️", "Soft cotton tee fits well");
	check_tidy("Acme® Pro™ kettle, 100 °C", "Acme® Pro™ kettle, 100 °C");
	check_tidy("➡️ 2 pack", "2 pack");
	check_tidy("Soft🌟cotton🔥!", "Soft cotton!");	/* a dropped symbol never joins words */
}

TEST(tidy_collapses_punctuation_runs)
{
	check_tidy("Great!!! Really???", "Great! Really?");
	check_tidy("Soft,,, warm , light....", "Soft, warm, light...");
	check_tidy("warm ,light", "warm ,light");
	check_tidy("Wait.. what", "Wait. what");
	check_tidy("舒适自在。。设计!!!", "舒适自在。设计!");
	check_tidy("Ratio 3.5 mm, v1.2", "Ratio 3.5 mm, v1.2");
	check_tidy("Size 5 .5 and 7 ,5", "Size 5 .5 and 7 ,5");	/* never makes a number */
}

TEST(tidy_unshouts_sentences_but_not_model_numbers)
{
	check_tidy("KHAKI SOLID TROUSERS WITH XR-500 ZIP. Fits well.",
			   "Khaki solid trousers with XR-500 zip. Fits well.");
	check_tidy("I LOVE THIS 4K SCREEN", "I love this 4K screen");
	check_tidy("Made by ACME in USA", "Made by ACME in USA");	/* not shouted: mostly lower case */
	check_tidy("USB-C", "USB-C");	/* too few letters to call shouting */
	/* acronyms and brands of two or three capitals keep them; common short words do not */
	check_tidy("LG 55UK6300 4K TV.", "LG 55UK6300 4K TV.");
	check_tidy("HP LJ 1020 LASER PRINTER. FAST AND QUIET.", "HP LJ 1020 laser printer. Fast and quiet.");
	check_tidy("SOFT TEE FOR MEN WITH JBL FAN", "Soft tee for men with JBL fan");
}

/* a sentence with Han is Chinese naming a brand, not shouting; names used elsewhere keep their casing */
TEST(tidy_keeps_brands_when_unshouting)
{
	check_tidy("三鼎(SANDING)肠粉机,好用!", "三鼎(SANDING)肠粉机,好用!");
	check_tidy("三鼎（SANDING）肠粉机，好用！", "三鼎（SANDING）肠粉机，好用！");
	check_tidy("BEST KETTLE FROM ACME. Made by ACME in USA.", "Best kettle from ACME. Made by ACME in USA.");
	check_tidy("GREAT KETTLE FROM ACME", "Great kettle from acme");
	check_tidy("IPHONE CASE FOR IPHONE 12. Fits the iPhone well.",
			   "iPhone case for iPhone 12. Fits the iPhone well.");
}

TEST(tidy_drops_repeated_and_empty_sentences)
{
	check_tidy("Great shoes! Great shoes! great   SHOES. Comfy.", "Great shoes! Comfy.");
	check_tidy("Warm. !!! Light.", "Warm. Light.");
	check_tidy("质量很好。质量很好。物流快。", "质量很好。物流快。");
	check_tidy("Line one\nLine one\nLine two", "Line one\nLine two");
	/* CJK and ASCII marks end the same sentence; a CJK mark alone is punctuation alone */
	check_tidy("好用,质量很好。好用,质量很好!物流快。", "好用,质量很好。物流快。");
	check_tidy("物流快。 。", "物流快。");
	/* a sentence dropped between two leaves the break before it: never two words glued (fuzz_summarize) */
	check_tidy("display here\n。A15 Bionic & 5G", "display here\nA15 Bionic & 5G");
	check_tidy("Soft tee. Soft tee.\nGreat fit.", "Soft tee.\nGreat fit.");
}

/* a text pasted twice without a break keeps one copy; short doublings are words */
TEST(tidy_keeps_one_of_two_glued_copies)
{
	check_tidy("官方微信ABC客服电话4007205558官方微信abc客服电话4007205558",
			   "官方微信ABC客服电话4007205558");
	check_tidy("Soft cotton tee Soft cotton tee! Machine wash.", "Soft cotton tee! Machine wash.");
	check_tidy("Bye bye. 哈哈哈哈", "Bye bye. 哈哈哈哈");
	check_tidy("Model XR5 XR5", "Model XR5 XR5");	/* not a copy of the sentence's start */
	/* a pasted copy in another case, with more glued after it: the more stays */
	check_tidy("Canon charger - black finish CANON CHARGER - BLACK FINISH our team is here to help.",
			   "Canon charger - black finish our team is here to help.");
	check_tidy("官方微信ABC客服电话4007205558官方微信abc客服电话4007205558欢迎咨询。",
			   "官方微信ABC客服电话4007205558欢迎咨询。");
	/* the first copy's separator goes with the second copy: no ",." or ",," */
	check_tidy("Soft cotton tee, SOFT COTTON TEE.", "Soft cotton tee.");
	check_tidy("Soft cotton tee, SOFT COTTON TEE, machine wash.", "Soft cotton tee, machine wash.");
	check_tidy("Tee (organic cotton) TEE (ORGANIC COTTON)!", "Tee (organic cotton)!");
	/* unless the second copy runs straight into more text: then the first keeps its mark */
	check_tidy("收录版本1.0.1612,,收录版本1.0.1612关键词:新款", "收录版本1.0.1612,关键词:新款");
	/* found by fuzz_rewrite: halving one word would make a new word */
	check_tidy("nnnnnnnnnnnnnnnnnnnn!!", "nnnnnnnnnnnnnnnnnnnn!");
}

/* a sentence that only repeats the start of an earlier one is a copy cut short; short starts are words */
TEST(tidy_drops_copies_cut_short)
{
	check_tidy("全球最强的虚拟引擎,安装包精简至1M多,更加稳定的双开神器;全球最强的虚拟引擎,安装包精简至1M多,更加稳定的双",
			   "全球最强的虚拟引擎,安装包精简至1M多,更加稳定的双开神器;");
	check_tidy("Machine wash cold, tumble dry low. Machine wash cold. Soft.", "Machine wash cold, tumble dry low. Soft.");
	check_tidy("Soft cotton. Soft cotton tee, machine washable.", "Soft cotton. Soft cotton tee, machine washable.");
	check_tidy("Size M fits well. Size M.", "Size M fits well. Size M.");	/* under 8 characters */
}

/* separator marks a dropped unit of noise leaves at a sentence's or line's ends go; a number's stay */
TEST(tidy_drops_separators_at_sentence_ends)
{
	check_tidy("| Most convenient place to stay.", "Most convenient place to stay.");
	check_tidy("Great room. | Near the MTR. Soft tee ~", "Great room. Near the MTR. Soft tee");
	check_tidy("=== Features ===\n\xe2\x80\xa2 Soft cotton\n- Machine wash", "Features\nSoft cotton\nMachine wash");
	check_tidy("-5 °C rated. #1 in sales. > 5 years", "-5 °C rated. #1 in sales. > 5 years");
	check_tidy("Colour: red | size: M - cotton", "Colour: red | size: M - cotton");
	/* a closing '>' stays: "<…>" reads as a tag to some readers, and half of one as words */
	check_tidy(">> 钢化膜【钻石玻璃膜】<3片装送后膜>", "钢化膜【钻石玻璃膜】<3片装送后膜>");
}

TEST(tidy_empty_and_symbol_only_input)
{
	check_tidy("", "");
	check_tidy("🌟🌟🌟", "");
	check_tidy("!!!", "");
}

/* every output of a messy generated input is valid UTF-8 and no longer than the input */
TEST(tidy_output_valid_and_short)
{
	static const char *const parts[] = {"🌟", "!!", "ABC DEF GHI", " ", "。", "质量", "3.5", "..", "\n", "x", ",", "★"};
	uint32_t	rng = 7;

	for (int round = 0; round < 500; round++)
	{
		char		in[512] = "";
		char	   *out = NULL;
		size_t		n = 0;
		pt_err		err;

		for (int k = 0; k < 20; k++)
		{
			strcat(in, parts[unit_rand(&rng) % (sizeof parts / sizeof parts[0])]);
		}
		CHECK(pt_text_tidy(in, strlen(in), &out, &n, &err) == PT_OK);
		CHECK(n <= strlen(in));
		CHECK(pt_utf8_valid(out, n));
		pt_free(out);
	}
}
