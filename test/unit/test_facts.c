/* test_facts.c — the faithfulness rule: fact words, number-unit pairs, prefixes, hostile inputs. */
#include "unit.h"

#include <stdlib.h>
#include <time.h>

#include "facts.h"
#include "model.h"
#include "tokenizer.h"

/* the committed tokenizer, so "common word" means what it means in production */
typedef struct fixture
{
	pt_model   *m;
	pt_tokenizer *tok;
} fixture;

static int
fixture_open(fixture *fx)
{
	pt_err		err;
	FILE	   *fp = fopen("models/tokenizer.ptm", "rb");

	memset(fx, 0, sizeof(*fx));
	if (fp == NULL)
		return 0;
	fclose(fp);
	CHECK(pt_model_open("models/tokenizer.ptm", &fx->m, &err) == PT_OK);
	if (fx->m == NULL)
		return 0;
	CHECK(pt_tokenizer_from_model(fx->m, &fx->tok, &err) == PT_OK);
	if (fx->tok == NULL)
	{
		pt_model_close(fx->m);
		return 0;
	}
	return 1;
}

static void
fixture_close(fixture *fx)
{
	pt_tokenizer_free(fx->tok);
	pt_model_close(fx->m);
}

static pt_facts *
facts_of(const pt_tokenizer *tok, const char *input)
{
	pt_facts   *f = NULL;
	pt_err		err;

	CHECK(pt_facts_build(tok, input, input ? strlen(input) : 0, &f, &err) == PT_OK);
	CHECK(f != NULL);
	return f;
}

static int
ok(const pt_facts *f, const char *out)
{
	return pt_facts_allowed(f, out, strlen(out), 1);
}

static int
ok_partial(const pt_facts *f, const char *out)
{
	return pt_facts_allowed(f, out, strlen(out), 0);
}

static size_t
unsupported(const pt_facts *f, const char *out)
{
	return pt_facts_unsupported(f, out, strlen(out));
}

static int
fact(const pt_tokenizer *tok, const char *w)
{
	return pt_facts_is_fact_word(tok, w, strlen(w));
}

/* Numbers, model numbers and rare or inner-capital names are facts; common words are not. */
TEST(facts_fact_word_predicate)
{
	fixture		fx;

	if (!fixture_open(&fx))
		return;
	CHECK(fact(fx.tok, "128"));
	CHECK(fact(fx.tok, "2.5"));
	CHECK(fact(fx.tok, "5kg"));
	CHECK(fact(fx.tok, "XR-500"));
	CHECK(fact(fx.tok, "iPhone"));	/* " iphone" is one token, but the inner capital marks a name */
	CHECK(fact(fx.tok, "DKNY"));
	CHECK(fact(fx.tok, "Roadster"));
	CHECK(fact(fx.tok, "Adidas"));
	CHECK(fact(fx.tok, "XXL"));
	CHECK(!fact(fx.tok, "Black"));
	CHECK(!fact(fx.tok, "Men"));
	CHECK(!fact(fx.tok, "BLACK"));
	CHECK(!fact(fx.tok, "The"));
	CHECK(!fact(fx.tok, "dkny"));	/* no capital: not brand-like */
	CHECK(!fact(fx.tok, "kg"));
	CHECK(!fact(fx.tok, ""));
	CHECK(!pt_facts_is_fact_word(fx.tok, NULL, 0));
	/* a component longer than any tokenizer piece cannot be common */
	CHECK(fact(fx.tok, "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	/* without a tokenizer every capitalised word counts (fail closed) */
	CHECK(fact(NULL, "Black"));
	CHECK(!fact(NULL, "black"));
	fixture_close(&fx);
}

/* Fact words are supported only by the same word in the input, in any case. */
TEST(facts_supported_words_case_insensitive)
{
	fixture		fx;
	pt_facts   *f;

	if (!fixture_open(&fx))
		return;
	f = facts_of(fx.tok, "New DKNY XR-500 backpack for men, IPHONE case included.");
	CHECK(ok(f, "DKNY backpack"));
	CHECK(ok(f, "Dkny backpack"));
	CHECK(ok(f, "dkny backpack"));
	CHECK(ok(f, "XR-500"));
	CHECK(ok(f, "xr-500 for Men"));
	CHECK(ok(f, "iPhone case"));	/* the input's IPHONE */
	CHECK(ok(f, "Black backpack for Men"));	/* common words are free */
	CHECK(!ok(f, "Gucci backpack"));
	CHECK(!ok(f, "XR-600 backpack"));
	CHECK(!ok(f, "XR500 backpack"));	/* another word */
	CHECK(!ok(f, "XR backpack"));	/* a part of a model number is not the model number */
	CHECK(!ok(f, "500 backpacks"));
	pt_facts_free(f);
	fixture_close(&fx);
}

/* "5 kg", "5kg", "5-kg" and "5 KG" are one pair; another unit is another fact. */
TEST(facts_pairs)
{
	fixture		fx;
	pt_facts   *f;

	if (!fixture_open(&fx))
		return;
	f = facts_of(fx.tok, "Weight: 5kg.");
	CHECK(ok(f, "weighs 5 kg"));
	CHECK(ok(f, "weighs 5kg"));
	CHECK(ok(f, "weighs 5 KG"));
	CHECK(ok(f, "a 5-kg bag"));
	CHECK(ok(f, "size 5"));		/* the number alone occurs */
	CHECK(!ok(f, "weighs 5 g"));
	CHECK(!ok(f, "weighs 5g"));
	CHECK(!ok(f, "weighs 6 kg"));
	pt_facts_free(f);

	f = facts_of(fx.tok, "Mix 5 g of salt into 10 kg of flour");
	CHECK(!ok(f, "5 kg"));
	CHECK(!ok(f, "10 g"));
	CHECK(!ok(f, "10g of salt"));
	CHECK(ok(f, "5 g and 10 kg"));
	CHECK(ok(f, "5 and 10"));
	CHECK(!ok(f, "7 g"));
	CHECK(!ok(f, "7"));
	pt_facts_free(f);
	fixture_close(&fx);
}

/* Synonymous unit spellings share a pair; different units do not. */
TEST(facts_unit_synonyms)
{
	fixture		fx;
	pt_facts   *f;

	if (!fixture_open(&fx))
		return;
	f = facts_of(fx.tok, "2-year warranty, 15.6 inches screen, 3 lbs");
	CHECK(ok(f, "2 years warranty"));
	CHECK(ok(f, "2 yr warranty"));
	CHECK(ok(f, "15.6-inch screen"));
	CHECK(ok(f, "15.6 in screen"));
	CHECK(ok(f, "3 lb"));
	CHECK(!ok(f, "2 months warranty"));
	CHECK(!ok(f, "15.6 cm"));
	CHECK(!ok(f, "15 inch"));
	CHECK(!ok(f, "6 inch"));
	pt_facts_free(f);
	fixture_close(&fx);
}

/* Chinese units directly after the digits, the longest unit winning. */
TEST(facts_cjk_pairs)
{
	fixture		fx;
	pt_facts   *f;

	if (!fixture_open(&fx))
		return;
	f = facts_of(fx.tok, "长度5厘米，重量2公斤，保修12个月，电池5000毫安时");
	CHECK(ok(f, "长5厘米"));
	CHECK(ok(f, "5厘米长"));
	CHECK(ok(f, "5 cm"));		/* 厘米 is cm */
	CHECK(ok(f, "重2kg"));
	CHECK(ok(f, "保修12个月"));
	CHECK(ok(f, "5000毫安时"));
	CHECK(!ok(f, "5毫米"));
	CHECK(!ok(f, "3厘米"));
	CHECK(!ok(f, "5000毫安"));	/* mA is not mAh */
	/* "12个" may still become "12个月" while generating, not when final */
	CHECK(ok_partial(f, "保修12个"));
	CHECK(!ok(f, "保修12个"));
	CHECK(!ok_partial(f, "保修12个苹果"));
	CHECK(!ok(f, "6个月"));
	CHECK(ok(f, "好评"));
	pt_facts_free(f);
	fixture_close(&fx);
}

/* With final = 0 a trailing word with a digit need only start an input fact. */
TEST(facts_prefix_while_generating)
{
	fixture		fx;
	pt_facts   *f;

	if (!fixture_open(&fx))
		return;
	f = facts_of(fx.tok, "128GB storage, model XR-500, 3.5 mm jack");
	CHECK(ok_partial(f, "12"));
	CHECK(ok_partial(f, "with 12"));
	CHECK(!ok_partial(f, "13"));
	CHECK(!ok(f, "12"));
	CHECK(ok(f, "128"));
	CHECK(ok_partial(f, "128G"));
	CHECK(ok_partial(f, "128 G"));	/* the unit is still forming */
	CHECK(ok_partial(f, "128 "));
	CHECK(ok(f, "128 GB"));
	CHECK(ok(f, "128GB"));
	CHECK(!ok(f, "128 TB"));
	CHECK(!ok_partial(f, "128T"));
	CHECK(!ok(f, "128 GB and 64 GB"));
	CHECK(ok_partial(f, "XR-5"));
	CHECK(ok_partial(f, "XR-"));	/* '-' may yet join */
	CHECK(ok_partial(f, "XR"));
	CHECK(!ok_partial(f, "XR "));	/* complete now, and not in the input */
	CHECK(!ok_partial(f, "XR-6"));
	CHECK(ok_partial(f, "3."));
	CHECK(ok_partial(f, "3.5"));
	CHECK(ok_partial(f, "3.5 m"));	/* may become "3.5 mm" */
	CHECK(!ok(f, "3.5 m"));
	CHECK(ok(f, "3.5 mm"));
	CHECK(ok_partial(f, "3.5-m"));
	CHECK(!ok_partial(f, "3.5-q"));
	/* a complete fact before the trailing word still counts */
	CHECK(!ok_partial(f, "Gucci 12"));
	CHECK(ok_partial(f, ""));
	pt_facts_free(f);
	fixture_close(&fx);
}

/* Numbers glued inside words and joined by punctuation are facts of their own. */
TEST(facts_adversarial_words)
{
	fixture		fx;
	pt_facts   *f;

	if (!fixture_open(&fx))
		return;
	f = facts_of(fx.tok, "iPhone13 Pro; ratio 1/2; 1,500mAh battery; 5kg/10kg; USB-C; v2.0.1");
	CHECK(ok(f, "iPhone13 Pro"));
	CHECK(!ok(f, "13 Pro"));		/* 13 occurs only inside iPhone13 */
	CHECK(ok(f, "1/2"));
	CHECK(!ok(f, "1 in 2"));
	CHECK(ok(f, "1,500 mAh"));
	CHECK(ok(f, "1500mAh"));		/* a thousands separator is not part of the fact */
	CHECK(!ok(f, "500mAh"));		/* not a fragment of 1,500 */
	CHECK(!ok(f, "500"));
	CHECK(ok(f, "5 kg or 10 kg"));	/* '/' between letters separates */
	CHECK(ok(f, "USB-C"));
	CHECK(ok(f, "v2.0.1"));
	CHECK(!ok(f, "v2.0"));
	CHECK(!ok(f, "2.0"));
	CHECK(ok_partial(f, "1,5"));	/* may become 1,500 */
	CHECK(!ok(f, "1,5"));
	CHECK(!ok(f, "sizes 1, 2"));	/* 1 and 2 occur only in 1/2 */
	pt_facts_free(f);
	fixture_close(&fx);
}

/* Percentages and temperatures are glued symbol units. */
TEST(facts_symbol_units)
{
	fixture		fx;
	pt_facts   *f;

	if (!fixture_open(&fx))
		return;
	f = facts_of(fx.tok, "100% cotton, wash at 30°C");
	CHECK(ok(f, "100% cotton"));
	CHECK(ok(f, "100 % cotton"));
	CHECK(!ok(f, "50% cotton"));
	CHECK(ok(f, "30°C wash"));
	CHECK(ok(f, "30℃"));
	CHECK(!ok(f, "40°C"));
	CHECK(!ok(f, "30°F"));
	CHECK(!ok(f, "100 cotton 30%"));
	CHECK(ok_partial(f, "30°"));	/* may become 30°C */
	pt_facts_free(f);
	fixture_close(&fx);
}

/* pt_facts_unsupported counts each bad word or pair once; allowed agrees with it. */
TEST(facts_unsupported_counts)
{
	static const char *const outs[] = {
		"Nike running shoes, size 42",
		"Adidas shoes size 42, 7 kg, XR-500",
		"Nike 42 43",
		"black shoes",
		"",
		"5 kg 42 kg 42",
	};
	fixture		fx;
	pt_facts   *f;

	if (!fixture_open(&fx))
		return;
	f = facts_of(fx.tok, "Nike running shoes for men, size 42, 350 g");
	CHECK(unsupported(f, "Nike running shoes for men, size 42, 350 g") == 0);
	CHECK(unsupported(f, outs[0]) == 0);
	CHECK(unsupported(f, outs[1]) == 3);	/* Adidas, 7 kg, XR-500 */
	CHECK(unsupported(f, outs[2]) == 1);
	CHECK(unsupported(f, outs[3]) == 0);
	CHECK(unsupported(f, outs[4]) == 0);
	CHECK(unsupported(f, outs[5]) == 2);	/* 5 kg, 42 kg; 42 alone is fine */
	CHECK(pt_facts_unsupported(f, NULL, 0) == 0);
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		CHECK(ok(f, outs[i]) == (unsupported(f, outs[i]) == 0));
	pt_facts_free(f);
	fixture_close(&fx);
}

/* No input facts: every output fact is unsupported; plain words pass. */
TEST(facts_empty_input)
{
	fixture		fx;
	pt_facts   *f = NULL;
	pt_err		err;

	if (!fixture_open(&fx))
		return;
	CHECK(pt_facts_build(fx.tok, NULL, 0, &f, &err) == PT_OK && f != NULL);
	CHECK(ok(f, ""));
	CHECK(ok(f, "Great black shoes for Men."));
	CHECK(!ok(f, "Nike shoes"));
	CHECK(!ok(f, "5"));
	CHECK(!ok_partial(f, "5"));
	CHECK(!ok(f, "XR-500"));
	CHECK(unsupported(f, "Nike 5 kg") == 2);
	pt_facts_free(f);
	CHECK(pt_facts_build(fx.tok, "", 0, NULL, &err) == PT_ERR_ARG);
	/* a NULL fact set supports nothing */
	CHECK(!pt_facts_allowed(NULL, "5", 1, 1));
	CHECK(pt_facts_allowed(NULL, "shoes", 5, 1));
	pt_facts_free(NULL);
	fixture_close(&fx);
}

static double
seconds_since(clock_t t0)
{
	return (double) (clock() - t0) / CLOCKS_PER_SEC;
}

/* 1 MB hostile inputs build in linear time and never crash. */
TEST(facts_hostile_inputs)
{
	const size_t n = 1 << 20;
	char	   *buf = malloc(n + 1);
	fixture		fx;
	pt_facts   *f = NULL;
	pt_err		err;
	clock_t		t0;

	CHECK(buf != NULL);
	if (buf == NULL || !fixture_open(&fx))
	{
		free(buf);
		return;
	}
	t0 = clock();

	/* one word of a million digits */
	memset(buf, '7', n);
	CHECK(pt_facts_build(fx.tok, buf, n, &f, &err) == PT_OK);
	CHECK(ok_partial(f, "777"));
	CHECK(!ok(f, "777"));
	CHECK(pt_facts_allowed(f, buf, n, 1));
	pt_facts_free(f);

	/* thousands separators all the way: "1,000,000,..." */
	buf[0] = '1';
	for (size_t i = 1; i + 4 <= n; i += 4)
		memcpy(buf + i, ",000", 4);
	CHECK(pt_facts_build(fx.tok, buf, n - (n - 1) % 4, &f, &err) == PT_OK);
	pt_facts_free(f);

	/* half a million distinct numbers */
	{
		size_t		p = 0;

		for (unsigned i = 0; p + 12 < n; i++)
			p += (size_t) snprintf(buf + p, n - p, "%u%s ", i * 7919u, i % 3 ? "kg" : "");
		CHECK(pt_facts_build(fx.tok, buf, p, &f, &err) == PT_OK);
		CHECK(ok(f, "0"));
		CHECK(!ok(f, "0 kg"));
		CHECK(ok(f, "7919 kg"));
		CHECK(!ok(f, "7920"));
		CHECK(ok_partial(f, "791"));
		pt_facts_free(f);
	}

	/* every byte value, invalid UTF-8 and NULs included */
	srand(42);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char) (rand() & 0xFF);
	CHECK(pt_facts_build(fx.tok, buf, n, &f, &err) == PT_OK);
	CHECK(pt_facts_unsupported(f, buf, n) == 0);
	CHECK(pt_facts_allowed(f, buf, n, 0));
	pt_facts_free(f);

	/* separators and units only */
	for (size_t i = 0; i < n; i++)
		buf[i] = "1 -./,%kg"[i % 9];
	CHECK(pt_facts_build(fx.tok, buf, n, &f, &err) == PT_OK);
	CHECK(pt_facts_unsupported(f, buf, n) == 0);
	pt_facts_free(f);

	/* a long capitalised word */
	memset(buf, 'Q', n);
	CHECK(pt_facts_build(fx.tok, buf, n, &f, &err) == PT_OK);
	CHECK(pt_facts_allowed(f, buf, n, 1));
	CHECK(!ok(f, "QQQ"));
	pt_facts_free(f);

	/* loose: all of the above in well under a few seconds, even under ASan */
	CHECK(seconds_since(t0) < 20.0);
	free(buf);
	fixture_close(&fx);
}

/* A 1 MB product text builds fast and keeps its facts. */
TEST(facts_large_realistic_input)
{
	static const char *const parts[] = {
		"The DKNY XR-%u backpack weighs %u.5 kg and holds a %u-inch laptop. ",
		"电池%u毫安时，重量%u克，保修%u个月。",
		"100%% cotton, wash at %u°C, pack of %u, %u,500 mAh. ",
	};
	const size_t n = 1 << 20;
	char	   *buf = malloc(n + 256);
	size_t		p = 0;
	fixture		fx;
	pt_facts   *f = NULL;
	pt_err		err;
	clock_t		t0;

	if (buf == NULL || !fixture_open(&fx))
	{
		free(buf);
		return;
	}
	for (unsigned i = 0; p < n; i++)
		p += (size_t) snprintf(buf + p, 256, parts[i % 3], i, i % 50, i % 20);
	t0 = clock();
	CHECK(pt_facts_build(fx.tok, buf, p, &f, &err) == PT_OK);
	CHECK(seconds_since(t0) < 5.0);	/* about 0.05 s without sanitizers */
	CHECK(ok(f, "DKNY XR-42 weighs 42.5 kg"));
	CHECK(ok(f, "12个月"));
	CHECK(!ok(f, "99个月"));
	CHECK(!ok(f, "DKNY XR-42 weighs 7.5 lb"));
	pt_facts_free(f);
	free(buf);
	fixture_close(&fx);
}

/*
 * pt_facts_settled: once a prefix was allowed, checking any extension from
 * its settled offset gives the verdict of checking the whole text.
 */
TEST(facts_settled_offset_is_incremental)
{
	static const char *const texts[] = {
		"DKNY XR-500 bag, 2.8 kg, 55 x 40 x 20 cm; 5-year warranty. 100% nylon",
		"DKNY XR-600 bag, 2.8 g, 128 GB, 12个月 12个 5厘米, 1,500mAh and 30°C",
		"Gucci 3.5 mm jack 3.5 m, iPhone 13, 1/2 inch, 2 years, v2.0.1",
		"5 5 5 kg kg 2.8kg 2.8-kg 2.8 KG. XR-5000 XR-500",
	};
	fixture		fx;
	pt_facts   *f;

	if (!fixture_open(&fx))
		return;
	f = facts_of(fx.tok, "The DKNY XR-500 bag weighs 2.8 kg, measures 55 x 40 x 20 cm, "
				 "has a 5-year warranty and 100% nylon. 128GB, 保修12个月, 长5厘米, "
				 "1,500mAh, 30°C, 3.5 mm jack, iPhone 13, 1/2 inch");
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
	{
		const char *x = texts[t];
		size_t		n = strlen(x);

		for (size_t k = 0; k <= n; k++)
		{
			size_t		s = pt_facts_settled(f, x, k);

			CHECK(s <= k);
			if (!pt_facts_allowed(f, x, k, 0))
				continue;
			for (size_t m = k; m <= n; m++)
				for (int fin = 0; fin <= 1; fin++)
					if (pt_facts_allowed(f, x, m, fin) !=
						pt_facts_allowed(f, x + s, m - s, fin))
					{
						char		msg[160];

						snprintf(msg, sizeof msg, "text %zu: prefix %zu settled %zu, length %zu, final %d",
								 t, k, s, m, fin);
						unit_fail(__FILE__, __LINE__, msg);
					}
		}
	}
	/* a settled offset skips what is decided */
	CHECK(pt_facts_settled(f, "DKNY bag 12", 11) == 8);
	CHECK(pt_facts_settled(f, "DKNY bag 12 ", 12) == 8);	/* a unit may follow */
	CHECK(pt_facts_settled(f, "DKNY bag 12 x", 13) == 8);
	CHECK(pt_facts_settled(f, "DKNY bag 12 x ", 14) == 13);
	pt_facts_free(f);
	fixture_close(&fx);
}
