/*
 * test_lexicon.c — the words an output may use (lexicon.h).
 */
#include "lexicon.h"
#include "unit.h"

static pt_lexicon *
lexicon(const char *input)
{
	pt_lexicon *L = NULL;
	pt_err		err;

	CHECK(pt_lexicon_build(input, strlen(input), &L, &err) == PT_OK);
	return L;
}

static int
allowed(const pt_lexicon *L, const char *out, int final)
{
	return pt_lexicon_allowed(L, out, strlen(out), 0, final);
}

TEST(lexicon_whole_input_words_and_connectives)
{
	pt_lexicon *L = lexicon("Hand-glazed ceramic pour-over dripper, IPX5 water resistance.");

	CHECK(allowed(L, "Hand-glazed ceramic dripper with IPX5 water resistance.", 1));
	CHECK(allowed(L, "HAND-GLAZED CERAMIC DRIPPER", 1));	/* case folded */
	CHECK(!allowed(L, "Land-glazed ceramic dripper", 1));	/* not a word of the input */
	CHECK(!allowed(L, "Pre water resistance", 1));
	CHECK(!allowed(L, "ceramicdripper", 1));	/* two words glued */
	CHECK(!allowed(L, "cera", 1));	/* part of a word, finished */
	CHECK(allowed(L, "cera", 0));	/* ... or the start of one, unfinished */
	CHECK(!allowed(L, "cerx", 0));
	CHECK(!allowed(L, "Black skinny dripper", 1));
	CHECK(!allowed(L, "ceramic pour.", 1));	/* part of "pour-over" */
	CHECK(allowed(L, "ceramic pour-", 0));	/* ... which may still follow */
	CHECK(allowed(L, "ceramic pour-over - IPX5", 1));
	CHECK(!allowed(L, "glazed", 1));
	CHECK(pt_lexicon_outside(L, "Black skinny ceramic dripper", 28) == 2);
	pt_lexicon_free(L);
}

TEST(lexicon_han_characters_and_symbols)
{
	pt_lexicon *L = lexicon("316不锈钢内胆保温杯,容量500ml。Acme® kettle");

	CHECK(allowed(L, "不锈钢保温杯的容量。", 1));	/* 的 is a connective */
	CHECK(!allowed(L, "爆款不锈钢保温杯", 1));
	CHECK(allowed(L, "Acme® kettle，500ml！", 1));	/* punctuation is free */
	CHECK(!allowed(L, "Acme™ kettle", 1));	/* a symbol the input lacks */
	CHECK(!allowed(L, "Acme kettle 🔥", 1));	/* emoji never */
	pt_lexicon_free(L);
}

TEST(lexicon_checking_from_an_offset_equals_checking_all)
{
	pt_lexicon *L = lexicon("soft cotton crew-neck tee, machine washable, 100% cotton");
	const char *outs[] = {"soft cotton tee", "soft cottonwash", "machine washable tee",
		"crew-neck tees", "soft cot", "100% cotton, machine wash"};

	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
		for (size_t from = 0; from <= strlen(outs[i]); from++)
		{
			/* the incremental check may be used only when the prefix was allowed */
			if (!pt_lexicon_allowed(L, outs[i], from, 0, 0))
				continue;
			CHECK(pt_lexicon_allowed(L, outs[i], strlen(outs[i]), from, 0) ==
				  pt_lexicon_allowed(L, outs[i], strlen(outs[i]), 0, 0));
			CHECK(pt_lexicon_allowed(L, outs[i], strlen(outs[i]), from, 1) ==
				  pt_lexicon_allowed(L, outs[i], strlen(outs[i]), 0, 1));
		}
	pt_lexicon_free(L);
}

TEST(lexicon_cut_characters_and_invalid_bytes)
{
	pt_lexicon *L = lexicon("保温杯 \xff kettle");
	const char	cut[] = "保温\xe6\x9d";	/* 杯 cut after two of its three bytes */

	CHECK(pt_lexicon_allowed(L, cut, sizeof cut - 1, 0, 0));
	CHECK(!pt_lexicon_allowed(L, cut, sizeof cut - 1, 0, 1));
	CHECK(!allowed(L, "kettle \xff", 1));
	pt_lexicon_free(L);
}

TEST(lexicon_quotes_and_brackets_only_from_the_input)
{
	pt_lexicon *L = lexicon("Bluetooth 5.3 earbuds, IPX5 water resistance (30 hours)");
	pt_lexicon *dashes = lexicon("-----");

	CHECK(allowed(L, "Bluetooth 5.3 earbuds (IPX5).", 1));
	CHECK(!allowed(L, "'Bluetooth earbuds", 1));
	CHECK(!allowed(L, "Bluetooth earbuds \"", 1));
	CHECK(!allowed(L, "earbuds - water resistance", 1));
	CHECK(allowed(dashes, "-", 1));	/* a text of marks alone fits the lexicon's room */
	pt_lexicon_free(L);
	pt_lexicon_free(dashes);
}
