/*
 * test_rewrite.c — the C rewriter against PyTorch (golden_decoder.h:
 * test/golden/rewrite.txt, written by models/train/rewrite/train.py), and
 * the guarantees of every rewrite: never longer than the normalized input,
 * within max_chars, no number and no ASCII word the input lacks, content
 * kept on failure.
 */
#include "golden_decoder.h"
#include "model.h"
#include "rewrite.h"
#include "text.h"
#include "unit.h"

#include <stdlib.h>

#include "ascii_words.h"

static pt_model *model;
static pt_rewriter *rewriter;

static pt_rewriter *
get_rewriter(void)
{
	pt_err		err;

	if (rewriter == NULL)
	{
		CHECK(pt_model_open("models/rewrite-multi.ptm", &model, &err) == PT_OK);
		if (model)
			CHECK(pt_rewriter_load(model, &rewriter, &err) == PT_OK);
	}
	return rewriter;
}

__attribute__((destructor)) static void
release(void)
{
	pt_rewriter_free(rewriter);
	pt_model_close(model);
}

static pt_status
rewriter_greedy(const void *m, const char *text, size_t len, int32_t *src, int *n_src,
				int32_t *out, int *n_out, float *logp, int steps, pt_err *err)
{
	return pt_rewriter_greedy(m, text, len, src, n_src, out, n_out, logp, steps, err);
}

TEST(rewrite_golden_against_pytorch)
{
	pt_rewriter *r = get_rewriter();

	if (r == NULL)
		return;
	pt_rewriter_set_int8(r, 0);
	CHECK(check_decoder_golden("test/golden/rewrite.txt", rewriter_greedy, r,
							   pt_rewriter_max_src(r), pt_rewriter_max_tgt(r),
							   pt_rewriter_vocab(r), 2e-3, 0) >= 2);
	if (pt_rewriter_set_int8(r, 1))
		CHECK(check_decoder_golden("test/golden/rewrite.txt", rewriter_greedy, r,
								   pt_rewriter_max_src(r), pt_rewriter_max_tgt(r),
								   pt_rewriter_vocab(r), GOLDEN_INT8_TOL, GOLDEN_STEPS) >= 2);
}

static const char *const inputs[] = {
	"BEST PRICE!!! Navy blue solid casual shirt, has a spread collar, long sleeves. 100% cotton. "
	"FREE SHIPPING on all orders!!! Contact us for wholesale.",
	"<b>HOT SALE</b> 🔥🔥 Stainless steel water bottle, 750 ml, keeps drinks cold for 24 hours.",
	"包邮！限时抢购！这款连衣裙采用针织面料，柔软舒适，简约的纯色设计，尽显优雅气质。",
	"",
	NULL,
	"Это описание товара на русском языке.",
	"Soft. Soft. Soft. Soft. Soft. Soft. Soft. Soft. Soft. Soft. Soft. Soft. Soft. Soft. Soft.",
};

static void
check_rewrites(const char *const *texts, size_t n, size_t max_chars, int beam)
{
	pt_rewriter *r = get_rewriter();
	pt_rewrite_opts o = {.max_chars = max_chars, .beam_width = beam, .max_input_chars = 20000};
	char	   *outs[16];
	size_t		lens[16],
				in_lens[16];
	pt_err		err;

	for (size_t i = 0; i < n; i++)
		in_lens[i] = texts[i] ? strlen(texts[i]) : 0;
	CHECK(pt_rewrite(r, texts, in_lens, n, &o, outs, lens, &err) == PT_OK);
	for (size_t i = 0; i < n; i++)
	{
		char	   *norm;
		size_t		norm_len,
					word_len;

		CHECK((texts[i] == NULL) == (outs[i] == NULL));
		if (outs[i] == NULL)
			continue;
		CHECK(pt_text_normalize(texts[i], in_lens[i], 20000, &norm, &norm_len, &err) == PT_OK);
		CHECK(pt_utf8_valid(outs[i], lens[i]));
		CHECK(pt_utf8_chars(outs[i], lens[i]) <= pt_utf8_chars(norm, norm_len));
		if (max_chars > 0)
			CHECK(pt_utf8_chars(outs[i], lens[i]) <= max_chars);
		for (size_t k = 0; k < lens[i]; k++)
			if (outs[i][k] >= '0' && outs[i][k] <= '9')
				CHECK(strchr(texts[i], outs[i][k]) != NULL);
		CHECK(missing_ascii_word(texts[i], strlen(texts[i]), outs[i], lens[i], &word_len) < 0);
		pt_free(norm);
		pt_free(outs[i]);
	}
}

TEST(rewrite_keeps_length_budget_and_facts)
{
	size_t		n = sizeof inputs / sizeof inputs[0];
	size_t		budgets[] = {0, 1, 7, 30, 120, 5000};

	if (get_rewriter() == NULL)
		return;
	for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++)
	{
		check_rewrites(inputs, n, budgets[b], 1);
		check_rewrites(inputs, n, budgets[b], 3);
	}
}

/*
 * A sentence longer than the model's source is cut between tokens, maybe
 * inside a word: its chunks join back without a space there (fuzz_rewrite
 * found "7777… 7777solid" for a 180-digit run).
 */
TEST(rewrite_word_cut_between_chunks_stays_whole)
{
	char		text[400];
	const char *texts[1] = {text};

	if (get_rewriter() == NULL)
		return;
	strcpy(text, "Black solid casual shirt ,");
	memset(text + strlen(text), '7', 300);
	strcpy(text + 26 + 300, "solid casual shirt. 100% cotton.");
	check_rewrites(texts, 1, 0, 1);
	check_rewrites(texts, 1, 0, 4);
}

/*
 * A sentence longer than the model's source is cut where a word ends when
 * one is in reach: a cut inside "sulfates" made "ates" a word of the next
 * chunk, which its rewrite could keep (found by test/scripts/trust.sh).
 */
TEST(rewrite_long_sentence_chunks_end_on_words)
{
	/* one 1,789-character sentence of ingredient words (written for this test) */
	static const char *const texts[1] = {
		"Fungal infections gluten; tea glycerin parabens; bacteria mulberry lasting; helps "
		"rosemary from; long fresh infections long skin; orchids helps parabens; causing cucumber "
		"from vera prevents; fragrant infections tree phthalates neem; preservatives leaf alcohol "
		"infections; preservatives neem sulfates common bacteria; long rosemary; product mulberry "
		"soy; safe glycerin; vera removes soy product fresh; intimate sensitive irritations "
		"preventing gluten; cucumber cruelty preservatives; vera irritations rosemary orchids; "
		"lasting vegan removes area soy; aroma intimate lasting neem; mulberry lasting; "
		"irritations bacteria free; common causing prevents glycerin; balanced infections area "
		"orchids tea; ingredients neem helps phthalates dairy; removes pomegranate; area "
		"phthalates free; common orchids dairy skin preventing; gluten eliminating skin; "
		"eliminating eliminating parabens product alcohol; tea preservatives glycerin parabens; "
		"cucumber aroma; soy mulberry lasting long; cruelty alcohol removes; gluten common; neem "
		"skin phthalates oil area; against fungal free rosemary; odor sulfates vegan glycerin "
		"cucumber; ingredients common preventing; phthalates parabens removes cruelty causing; "
		"mulberry fragrant liquorice soy infections; preservatives product; rosemary gluten tree "
		"provides lasting; tea fragrant; leaf fungal fresh causing sulfates; sulfates provides "
		"phthalates; odor tree; tea cruelty; rosemary fungal; aroma parabens oil cucumber "
		"cruelty; lasting causing against; oil aroma rosemary removes free; vegan intimate "
		"parabens oil; helps causing extracts intimate; sensitive eliminating; mulberry oil "
		"against aroma; extracts orchids irritations liquorice; rosemary preservatives removes "
		"long; infections product area odor; helps vegan infections orchids; leaf aloe cruelty "
		"product."
	};

	if (get_rewriter() == NULL)
		return;
	check_rewrites(texts, 1, 0, 1);
}

/*
 * Chunks of Chinese text join without a space, except where Latin text
 * meets Latin text: an amenity list in a Hong Kong listing came back with
 * "ElevatorFamily/kid friendly" at a chunk boundary, a word the input
 * never had (found by a trust sweep over zh_airbnb_hk_listings_raw).
 */
TEST(rewrite_chinese_chunks_keep_latin_words_apart)
{
	/* written for this test: a Chinese description, then one long run of English amenities */
	static char text[4096];
	const char *const texts[1] = {text};
	const char *amenities = "TV Wifi Air conditioning Kitchen Elevator Family/kid friendly Washer Dryer "
		"Smoke detector Fire extinguisher Essentials Shampoo Hangers Hair dryer Iron Laptop friendly "
		"workspace Self check-in Smart lock Private entrance Hot water Bed linens Extra pillows ";

	/* enough Han characters for the text to be Chinese (pt_detect_lang) */
	strcpy(text, "房间干净整洁，交通便利，步行三分钟到地铁站，附近有很多餐厅和超市，适合情侣和独自旅行的朋友入住。"
		   "客厅宽敞明亮，有一张大沙发和一台电视，晚上可以看看电影，也可以在阳台上喝茶聊天，看城市的夜景。"
		   "厨房里有电饭锅、微波炉和冰箱，锅碗瓢盆一应俱全，喜欢做饭的客人可以自己买菜回来做一顿家常饭。"
		   "卧室里有一张双人床和一个衣柜，床品每次入住前都会更换清洗，窗帘很厚，早上不会被阳光晒醒。"
		   "浴室二十四小时有热水，提供洗发水、沐浴露和毛巾，吹风机放在洗手台下面的抽屉里，用完请放回原处。"
		   "楼下就是公交车站，坐车二十分钟可以到达市中心的购物区，去机场也有直达的巴士，非常方便出行。");
	for (int i = 0; i < 6; i++)
		strcat(text, amenities);
	if (get_rewriter() == NULL)
		return;
	check_rewrites(texts, 1, 0, 1);
}

/*
 * A sentence too long for one chunk may be cut right before its final mark
 * ("… for your trampoline|! Your model …"), and a rewrite may drop a mark
 * that starts a chunk: the words around it must not be glued
 * ("trampolineYour", found by a sweep over PromptCloud bullets).  The cut
 * moves with the words put in front.
 */
TEST(rewrite_chunks_cut_at_a_mark_keep_words_apart)
{
	static const char *const words[] = {
		"spring", "frame", "net", "pole", "mat", "pad", "cover", "ladder", "anchor", "rod", "clip",
		"strap", "bolt", "sleeve", "tube", "cap", "hook", "rope", "sheet", "ring"
	};
	static char text[4096];
	const char *const texts[1] = {text};
	uint32_t	rng = 7;

	if (get_rewriter() == NULL)
		return;
	for (int shift = 0; shift < 12; shift++)
	{
		/* one sentence of varied words (tidy drops a text pasted twice), then the mark */
		strcpy(text, "Genuine");
		for (int i = 0; i < 100 + shift; i++)
		{
			rng = rng * 1103515245u + 12345u;
			strcat(text, " ");
			strcat(text, words[(rng >> 16) % 20]);
		}
		strcat(text, " for your trampoline! Your model number is on the mat.");
		check_rewrites(texts, 1, 0, 4);	/* beam 4 drops the mark that starts a chunk */
	}
}

TEST(rewrite_without_model_normalizes)
{
	const char *t = "<p>Great&nbsp;value!</p>";
	size_t		len = strlen(t),
				out_len;
	char	   *out;
	pt_rewrite_opts o = {.beam_width = 1};
	pt_err		err;

	CHECK(pt_rewrite(NULL, &t, &len, 1, &o, &out, &out_len, &err) == PT_OK);
	CHECK_STR_EQ(out, "Great value!");
	pt_free(out);
	o.beam_width = PT_REWRITE_MAX_BEAM + 1;
	CHECK(pt_rewrite(NULL, &t, &len, 1, &o, &out, &out_len, &err) == PT_ERR_ARG);
}

TEST(rewrite_long_input_is_chunked_not_cut)
{
	pt_rewriter *r = get_rewriter();
	size_t		n_sent = 60,
				len,
				out_len;
	char	   *text,
			   *out;
	pt_rewrite_opts o = {.beam_width = 1, .max_input_chars = 100000};
	pt_err		err;

	if (r == NULL)
		return;
	text = malloc(n_sent * 64 + 1);
	text[0] = '\0';
	for (size_t i = 0; i < n_sent; i++)
		sprintf(text + strlen(text), "The bag has pocket number %zu inside. ", i);
	len = strlen(text);
	CHECK(pt_rewrite(r, (const char *const *) &text, &len, 1, &o, &out, &out_len, &err) == PT_OK);
	/* every chunk comes back (rewritten or as it was): far more than one model source */
	CHECK(out_len > (size_t) pt_rewriter_max_src(r));
	CHECK(pt_utf8_chars(out, out_len) <= len);
	pt_free(out);
	free(text);
}

static int
accepts(const pt_boiler *boiler, const char *chunk, const char *out)
{
	int			ok = -1;
	pt_err		err;

	CHECK(pt_rewrite_accepts(get_rewriter(), boiler, chunk, strlen(chunk), out, strlen(out), &ok, &err) == PT_OK);
	return ok;
}

/*
 * The guard on a chunk's rewrite: deletions only (the decoder's stutters
 * and repeats go back to the chunk), and no Han text torn out of a word
 * group unless the detector calls it noise (models/rewrite.md, ninth run).
 */
TEST(rewrite_guard_refuses_stutters_and_torn_words)
{
	pt_model   *bm = NULL;
	pt_boiler  *boiler = NULL;
	pt_err		err;

	if (get_rewriter() == NULL)
		return;
	CHECK(accepts(NULL, "Soft cotton tee!!! Buy now! Machine wash.", "Soft cotton tee. Machine wash.") == 1);
	CHECK(accepts(NULL, "重庆时时彩,北京赛车。", "重庆时时时彩,北京赛车。") == 0);
	CHECK(accepts(NULL, "304不锈钢保温杯,保冷24小时。", "304不锈钢杯,保冷24小时。") == 0);
	CHECK(accepts(NULL, "304不锈钢保温杯,保冷24小时。全国包邮。", "304不锈钢保温杯,保冷24小时。") == 1);
	CHECK(accepts(NULL, "秋冬这款游戏很好玩。", "这款游戏很好玩。") == 1);
	CHECK(accepts(NULL, "女 香港巴士通荣获大奖。", "香港巴士通荣获大奖。") == 1);
	CHECK(accepts(NULL, "好用好用的杯子。", "好用的杯子。") == 1);
	/* the decoder stopping early inside a word group; a whole last clause may go */
	CHECK(accepts(NULL, "为玩家营造出天马行空、独具韵味的仙侠世界。", "为玩家营造出天马") == 0);
	CHECK(accepts(NULL, "为玩家营造出天马行空、独具韵味的仙侠世界。", "为玩家营造出天马行空") == 1);
	CHECK(accepts(NULL, "纯棉爆款T恤,可机洗。", "纯棉T恤,可机洗。") == 0);
	if (pt_model_open("models/boilerplate-multi.ptm", &bm, &err) != PT_OK)
		return;
	CHECK(pt_boiler_load(bm, &boiler, &err) == PT_OK);
	CHECK(accepts(boiler, "纯棉爆款T恤,可机洗。", "纯棉T恤,可机洗。") == 1);
	CHECK(accepts(boiler, "304不锈钢保温杯,保冷24小时。", "304不锈钢杯,保冷24小时。") == 0);
	pt_boiler_free(boiler);
	pt_model_close(bm);
}
