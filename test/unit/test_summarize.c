/*
 * test_summarize.c — the C summarizer against PyTorch (golden_decoder.h:
 * test/golden/summarize.txt, written by models/train/summarize/train.py),
 * and the guarantees of every summary.
 */
#include "golden_decoder.h"
#include "boiler.h"
#include "lexicon.h"
#include "model.h"
#include "seq2seq.h"
#include "summarize.h"
#include "text.h"
#include "tokenizer.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>

static pt_model *model;
static pt_summarizer *summarizer;

static pt_summarizer *
get_summarizer(void)
{
	pt_err		err;

	if (summarizer == NULL)
	{
		CHECK(pt_model_open("models/summarize-multi.ptm", &model, &err) == PT_OK);
		if (model)
			CHECK(pt_summarizer_load(model, &summarizer, &err) == PT_OK);
	}
	return summarizer;
}

__attribute__((destructor)) static void
release(void)
{
	pt_summarizer_free(summarizer);
	pt_model_close(model);
}

static pt_status
summarizer_greedy(const void *model, const char *text, size_t len, int32_t *src, int *n_src,
				  int32_t *out, int *n_out, float *logp, int steps, pt_err *err)
{
	return pt_summarizer_greedy(model, text, len, src, n_src, out, n_out, logp, steps, err);
}

/* the fp32 path is PyTorch's arithmetic; the 8-bit output projection stays close to it */
TEST(summarize_golden_against_pytorch)
{
	pt_summarizer *s = get_summarizer();

	if (s == NULL)
		return;
	pt_summarizer_set_int8(s, 0);
	CHECK(check_decoder_golden("test/golden/summarize.txt", summarizer_greedy, s,
							   pt_summarizer_max_src(s), pt_summarizer_max_tgt(s),
							   pt_summarizer_vocab(s), 2e-3, 0) >= 4);
	if (pt_summarizer_set_int8(s, 1))
		CHECK(check_decoder_golden("test/golden/summarize.txt", summarizer_greedy, s,
								   pt_summarizer_max_src(s), pt_summarizer_max_tgt(s),
								   pt_summarizer_vocab(s), GOLDEN_INT8_TOL, GOLDEN_STEPS) >= 4);
}

/* summarize n texts with a budget; every output checked against the guarantees */
static void
check_outputs(const char *const *texts, size_t n, size_t max_chars, int beam, int fill)
{
	pt_summarizer *s = get_summarizer();
	pt_summarize_opts o = {.max_chars = max_chars, .beam_width = beam,
	.max_input_chars = 20000, .extractive_fill = fill};
	char	   *outs[16];
	size_t		lens[16],
				in_lens[16];
	pt_err		err;

	for (size_t i = 0; i < n; i++)
		in_lens[i] = texts[i] ? strlen(texts[i]) : 0;
	CHECK(pt_summarize(s, texts, in_lens, n, &o, outs, lens, &err) == PT_OK);
	for (size_t i = 0; i < n; i++)
	{
		CHECK((texts[i] == NULL) == (outs[i] == NULL));
		if (outs[i] == NULL)
			continue;
		CHECK(pt_utf8_valid(outs[i], lens[i]));
		CHECK(pt_utf8_chars(outs[i], lens[i]) <= max_chars);
		/* no digit that the input lacks */
		for (size_t k = 0; k < lens[i]; k++)
			if (outs[i][k] >= '0' && outs[i][k] <= '9')
				CHECK(strchr(texts[i], outs[i][k]) != NULL);
		pt_free(outs[i]);
	}
}

static const char *const inputs[] = {
	"Black and grey printed medium trolley bag, secured with a TSA lock. One handle on the top "
	"and one on the side. Four inline skate wheels. Warranty: 5 years.",
	"I love this dress! The fabric is soft and the fit is true to size. I ordered a small and "
	"it fits perfectly. The color is a bit darker than the picture.",
	"这款连衣裙采用针织面料，柔软舒适，简约的纯色设计，尽显优雅气质。",
	"",
	NULL,
	"<p>Great&nbsp;value!</p> <b>Buy now</b>",
	"12345 67890 12345 67890",
	"Это описание товара на русском языке. Очень хороший товар.",
};

TEST(summarize_keeps_budget_language_and_facts)
{
	size_t		n = sizeof inputs / sizeof inputs[0];
	size_t		budgets[] = {1, 5, 17, 40, 200, 1000};

	if (get_summarizer() == NULL)
		return;
	for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++)
		for (int fill = 0; fill <= 1; fill++)
		{
			check_outputs(inputs, n, budgets[b], 4, fill);
			check_outputs(inputs, n, budgets[b], 1, fill);
		}
}

TEST(summarize_batched_equals_one_by_one)
{
	pt_summarizer *s = get_summarizer();
	size_t		n = sizeof inputs / sizeof inputs[0];
	pt_summarize_opts o = {.max_chars = 200, .beam_width = 4, .extractive_fill = 1};
	char	   *all[16],
			   *one;
	size_t		lens[16],
				in_lens[16],
				len;
	pt_err		err;

	if (s == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		in_lens[i] = inputs[i] ? strlen(inputs[i]) : 0;
	CHECK(pt_summarize(s, inputs, in_lens, n, &o, all, lens, &err) == PT_OK);
	for (size_t i = 0; i < n; i++)
	{
		CHECK(pt_summarize(s, &inputs[i], &in_lens[i], 1, &o, &one, &len, &err) == PT_OK);
		if (one && all[i])
			CHECK_STR_EQ(one, all[i]);
		CHECK((one == NULL) == (all[i] == NULL));
		pt_free(one);
		pt_free(all[i]);
	}
}

/* one decoder step from <bos> of source src, over every id or the shortlist: its columns and log P */
static int
first_step(const pt_s2s *m, const int32_t *src, int n_src, int shortlist, float **logp,
		   const int32_t **cols, pt_s2s_batch **batch)
{
	int32_t		row = 0,
				parent = -1,
				token = PT_TOK_BOS;
	pt_err		err;
	int			width;

	CHECK(pt_s2s_encode(m, 1, &src, &n_src, 1, shortlist, NULL, batch, &err) == PT_OK);
	width = pt_s2s_batch_width(*batch);
	*cols = pt_s2s_batch_columns(*batch);
	*logp = malloc(sizeof(float) * width);
	CHECK(pt_s2s_step(*batch, 1, &row, &parent, &token, *logp, &err) == PT_OK);
	return width;
}

/*
 * With the shortlist, a row's distribution is the full one renormalized
 * over the shortlist, <eos> and its source ids: apart from those copied
 * ids, every log P moves by the same constant; the other columns are -inf.
 */
TEST(summarize_shortlist_renormalizes_the_full_distribution)
{
	const char *text = "Cotton kurta with 3/4 sleeves by Anouk, machine wash, size M";
	pt_s2s		m;
	pt_tokenizer *tok = NULL;
	pt_s2s_batch *full_b = NULL,
			   *short_b = NULL;
	const int32_t *cols,
			   *no_cols;
	float	   *full,
			   *lp,
				shift = NAN;
	int32_t		src[64];
	size_t		n_src;
	double		mass = 0;
	int			width,
				in_source = 0;
	pt_err		err;

	if (get_summarizer() == NULL)
		return;
	CHECK(pt_tokenizer_from_model(model, &tok, &err) == PT_OK);
	CHECK(pt_s2s_load(model, pt_tokenizer_vocab_size(tok), &m, &err) == PT_OK);
	CHECK(m.shortlist != NULL && m.n_shortlist < m.vocab);
	CHECK(pt_tokenize_source(tok, text, strlen(text), src, 64, &n_src, &err) == PT_OK);
	CHECK(first_step(&m, src, (int) n_src, 0, &full, &no_cols, &full_b) == m.vocab && no_cols == NULL);
	width = first_step(&m, src, (int) n_src, 1, &lp, &cols, &short_b);
	CHECK(cols != NULL && width % 64 == 0 && width < m.vocab);
	for (int k = 0; k < width; k++)
	{
		int			source = 0,
					listed = cols[k] == PT_TOK_EOS;

		CHECK(k == 0 || cols[k] > cols[k - 1]);
		for (size_t j = 0; j < n_src; j++)
			source |= src[j] == cols[k];
		for (int i = 0; i < m.n_shortlist && !listed; i++)
			listed = m.shortlist[i] == cols[k];
		in_source += source;
		mass += exp(lp[k]);
		if (!source && !listed)
			CHECK(lp[k] == -INFINITY);	/* padding */
		else if (!source)
		{
			if (isnan(shift))
				shift = lp[k] - full[cols[k]];
			CHECK_NEAR(lp[k] - full[cols[k]], shift, 1e-4);
		}
	}
	CHECK(in_source > 0 && shift > 0.0f);	/* fewer ids: each keeps a larger share */
	CHECK_NEAR(mass, 1.0, 1e-4);
	free(full);
	free(lp);
	pt_s2s_batch_free(full_b);
	pt_s2s_batch_free(short_b);
	pt_s2s_free(&m);
	pt_tokenizer_free(tok);
}

/* what makes an abstract give way to the lead, on the kinds the held-out catalogs showed */
TEST(summarize_well_formed_abstracts)
{
	static const char *const good[] = {
		"Black solid T-shirt", "A pair of boat shoes", "I-Pod case (2 pack)", "In-ear headphones",
		"3 see-thru drawers", "\"Classic\" tee", "Walla onion seeds, organic.", "纯棉短袖T恤",
	};
	static const char *const bad[] = {
		"And city", "- jump jet prestige", "S easy-to-use symantec ghost suite", "Navy blue Suede suede shoes",
		"Sv 6000 dvd software software", "Fantastic!!!", "Soft cotton (crew", "Soft cotton tee,", "",
	};

	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		CHECK(pt_summarize_well_formed(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(!pt_summarize_well_formed(bad[i], strlen(bad[i])));
}

TEST(summarize_rejects_bad_options)
{
	const char *t = "text";
	size_t		len = 4;
	char	   *out;
	pt_summarize_opts o = {.max_chars = 0, .beam_width = 4};
	pt_err		err;

	CHECK(pt_summarize(NULL, &t, &len, 1, &o, &out, &len, &err) == PT_ERR_ARG);
	o.max_chars = 10;
	o.beam_width = PT_SUMMARIZE_MAX_BEAM + 1;
	CHECK(pt_summarize(NULL, &t, &len, 1, &o, &out, &len, &err) == PT_ERR_ARG);
}

/*
 * Rule 1 of the contract on adversarial inputs, with the shipped model and
 * detector: every word of every summary is a whole word of the input or a
 * connective, every Han character the input's (lexicon.h), at every budget
 * and with the abstractive and extractive paths alike.
 */
TEST(summarize_only_input_words_on_adversarial_inputs)
{
	static const char *const inputs[] = {
		"BEST BACKPACK EVER!!! Water-resistant 20 l daypack with a padded laptop sleeve, IPX5 water "
		"resistance and two side pockets. Free shipping! Buy now!",
		"Hand-glazed ceramic pour-over dripper for 1-4 cups. Fits most mugs and carafes.",
		"【爆款热卖】316不锈钢内胆保温杯，容量500ml，触控显示水温，保温12小时。包邮!七天无理由退换!",
		"<p>Apple&nbsp;Shake 4.1 is a <b>high-performance</b> compositing application for film.</p>",
		"Supercalifragilisticexpialidociousnesslessnessfulnesswordthatgoesonandonandon kettle 1.7 l.",
		"Чайник из нержавеющей стали, 1,7 л. Stainless steel kettle with a 1.7 l capacity.",
		"12345 67890 3.5mm 4K 1080p USB-C 2x 100% 24/7 XR-500 A4 #1",
		"Peach-coloured solid open toe flats, has regular styling, slip-on closure",
		"POEZIE诗色GP系列口红 滋润保湿 持久不脱色 🔥🔥 新款 ins风",
		"Mid-century modern oak lamp; cotton shade, E27 bulb (not included). Made in Portugal.",
	};
	static const size_t budgets[] = {12, 40, 120, 200};
	pt_model   *bm = NULL;
	pt_boiler  *boiler = NULL;
	pt_summarizer *s = get_summarizer();
	pt_err		err;

	if (s == NULL)
		return;
	CHECK(pt_model_open("models/boilerplate-multi.ptm", &bm, &err) == PT_OK);
	if (bm != NULL)
		CHECK(pt_boiler_load(bm, &boiler, &err) == PT_OK);
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
		for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++)
		{
			pt_summarize_opts o = {.max_chars = budgets[b], .beam_width = 4, .extractive_fill = 1,
			.boiler = boiler};
			const char *text = inputs[i];
			size_t		len = strlen(text),
						out_len = 0,
						norm_len;
			char	   *out = NULL,
					   *norm = NULL;
			pt_lexicon *lex = NULL;

			CHECK(pt_summarize(s, &text, &len, 1, &o, &out, &out_len, &err) == PT_OK);
			CHECK(pt_text_normalize(text, len, 0, &norm, &norm_len, &err) == PT_OK);
			CHECK(pt_lexicon_build(norm, norm_len, &lex, &err) == PT_OK);
			if (out != NULL && lex != NULL && pt_lexicon_outside(lex, out, out_len) != 0)
			{
				fprintf(stderr, "  outside the input at %zu chars: \"%s\"\n", budgets[b], out);
				CHECK(!"a summary word outside the input");
			}
			CHECK(out == NULL || pt_utf8_chars(out, out_len) <= budgets[b]);
			pt_lexicon_free(lex);
			pt_free(norm);
			pt_free(out);
		}
	pt_boiler_free(boiler);
	pt_model_close(bm);
}
