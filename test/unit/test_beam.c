/*
 * test_beam.c — the constrained beam search against a scripted decoder.
 *
 * The decoder ignores its inputs and ranks tokens by a fixed preference
 * list, so each test can make the model "want" something the constraints
 * must refuse (an invented number, a longer text than the budget, a
 * repeated phrase, a broken UTF-8 sequence) and check what comes out.
 */
#include "beam.h"
#include "facts.h"
#include "model.h"
#include "text.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>

#define MAX_PREF 16

typedef struct script
{
	int			vocab;
	int			n_pref;
	int32_t		pref[MAX_PREF];	/* best first */
	int			steps;			/* calls so far */
} script;

static pt_status
scripted_step(void *ctx, int N, const int32_t *row, const int32_t *parent,
			  const int32_t *token, float *logp, pt_err *err)
{
	script	   *s = ctx;

	(void) row;
	(void) parent;
	(void) token;
	(void) err;
	s->steps++;
	for (int i = 0; i < N; i++)
	{
		float	   *lp = logp + (size_t) i * s->vocab;

		for (int w = 0; w < s->vocab; w++)
			lp[w] = -30.0f;
		for (int k = 0; k < s->n_pref; k++)
			lp[s->pref[k]] = -0.1f - (float) k;
	}
	return PT_OK;
}

static pt_tokenizer *
load_tokenizer(pt_model **m)
{
	pt_tokenizer *t = NULL;
	pt_err		err;

	CHECK(pt_model_open("models/tokenizer.ptm", m, &err) == PT_OK);
	if (*m)
		CHECK(pt_tokenizer_from_model(*m, &t, &err) == PT_OK);
	return t;
}

static int32_t
one_id(const pt_tokenizer *t, const char *piece)
{
	int32_t		ids[8];
	size_t		n = 0;
	pt_err		err;

	CHECK(pt_tokenize(t, piece, strlen(piece), ids, 8, &n, &err) == PT_OK);
	CHECK(n == 1);
	return n == 1 ? ids[0] : PT_TOK_EOS;
}

/* run one row with the given preferences; returns the output (malloc'd by pt_alloc) or NULL */
static char *
decode(const pt_tokenizer *t, const char *input, const char *const *pieces, int n_pieces,
	   int eos_rank, size_t max_chars, int beam)
{
	script		s = {.vocab = pt_tokenizer_vocab_size(t)};
	pt_facts   *f = NULL;
	pt_beam_opts o = {.beam_width = beam, .max_tokens = 12, .max_chars = max_chars,
	.length_alpha = 1.0f, .no_repeat_ngram = 3};
	char	   *out = NULL;
	size_t		len = 0;
	pt_err		err;

	for (int k = 0; k < n_pieces; k++)
	{
		if (k == eos_rank)
			s.pref[s.n_pref++] = PT_TOK_EOS;
		s.pref[s.n_pref++] = one_id(t, pieces[k]);
	}
	if (eos_rank >= n_pieces)
		s.pref[s.n_pref++] = PT_TOK_EOS;
	CHECK(pt_facts_build(t, input, strlen(input), &f, &err) == PT_OK);
	CHECK(pt_beam_search(t, s.vocab, scripted_step, &s, 1, &f, &o, &out, &len, &err) == PT_OK);
	CHECK(out == NULL || strlen(out) == len);
	pt_facts_free(f);
	return out;
}

TEST(beam_never_invents_a_number)
{
	pt_model   *m = NULL;
	pt_tokenizer *t = load_tokenizer(&m);
	const char *pieces[] = {" 9", " 5", " kg", " bag", " light"};

	if (t == NULL)
		return;
	/* the decoder wants "9" most; the input only has 5 kg */
	for (int beam = 1; beam <= 4; beam *= 2)
	{
		char	   *out = decode(t, "A light bag that weighs 5 kg.", pieces, 5, 3, 100, beam);

		CHECK(out != NULL);
		if (out)
		{
			CHECK(strchr(out, '9') == NULL);
			CHECK(strstr(out, "5 kg") != NULL || strchr(out, '5') == NULL);
		}
		pt_free(out);
	}
	pt_tokenizer_free(t);
	pt_model_close(m);
}

TEST(beam_refuses_a_unit_the_input_does_not_pair)
{
	pt_model   *m = NULL;
	pt_tokenizer *t = load_tokenizer(&m);
	const char *pieces[] = {" 5", " g", " kg", " bag"};

	if (t == NULL)
		return;
	{
		char	   *out = decode(t, "A bag of 5 kg.", pieces, 4, 4, 100, 4);

		CHECK(out != NULL);
		if (out)
			CHECK(strstr(out, "5 g") == NULL);
		pt_free(out);
	}
	pt_tokenizer_free(t);
	pt_model_close(m);
}

TEST(beam_keeps_the_character_budget)
{
	pt_model   *m = NULL;
	pt_tokenizer *t = load_tokenizer(&m);
	const char *pieces[] = {" light", " bag", " black", " strong"};

	if (t == NULL)
		return;
	for (size_t budget = 1; budget <= 30; budget++)
	{
		char	   *out = decode(t, "strong light black bag", pieces, 4, 3, budget, 4);

		if (out)
			CHECK(strlen(out) <= budget);
		pt_free(out);
	}
	pt_tokenizer_free(t);
	pt_model_close(m);
}

TEST(beam_blocks_repeated_trigrams)
{
	pt_model   *m = NULL;
	pt_tokenizer *t = load_tokenizer(&m);
	const char *pieces[] = {" very", " good"};

	if (t == NULL)
		return;
	{
		/* the decoder would say "very good very good ..." forever */
		char	   *out = decode(t, "very good", pieces, 2, 2, 200, 2);

		if (out)
			CHECK(strstr(out, "very good very good") == NULL);
		pt_free(out);
	}
	pt_tokenizer_free(t);
	pt_model_close(m);
}

TEST(beam_output_is_valid_utf8)
{
	pt_model   *m = NULL;
	pt_tokenizer *t = load_tokenizer(&m);
	script		s;
	pt_beam_opts o = {.beam_width = 2, .max_tokens = 8, .max_chars = 50,
	.length_alpha = 1.0f, .no_repeat_ngram = 0};
	char	   *out = NULL;
	size_t		len;
	pt_err		err;

	if (t == NULL)
		return;
	/* a lone continuation byte and a lead byte with no continuation are preferred */
	s = (script) {.vocab = pt_tokenizer_vocab_size(t), .n_pref = 4,
	.pref = {PT_TOK_BYTE0 + 0x80, PT_TOK_BYTE0 + 0xE4, PT_TOK_EOS, one_id(t, " bag")}};
	CHECK(pt_beam_search(t, s.vocab, scripted_step, &s, 1, NULL, &o, &out, &len, &err) == PT_OK);
	if (out)
		CHECK(pt_utf8_valid(out, len));
	pt_free(out);
	pt_tokenizer_free(t);
	pt_model_close(m);
}

TEST(beam_rejects_bad_arguments)
{
	script		s = {.vocab = 300};
	pt_beam_opts o = {.beam_width = 0, .max_tokens = 8, .max_chars = 10};
	char	   *out;
	size_t		len;
	pt_err		err;

	CHECK(pt_beam_search(NULL, s.vocab, scripted_step, &s, 1, NULL, &o, &out, &len, &err) == PT_ERR_ARG);
}

/*
 * pt_forced_score against the scripted decoder: every step gives token k of
 * the preference list log P -0.1 - k and every other token -30, so a
 * forced sequence's score is known in closed form.  Also: rows of
 * different lengths, prefixes without <eos>, columns given by ids (with a
 * token they lack, which counts the floor), and the score of <eos> alone.
 */
TEST(forced_score_is_the_mean_log_p_of_the_tokens_and_eos)
{
	script		s = {.vocab = 8, .n_pref = 3, .pref = {5, PT_TOK_EOS, 6}};
	const int32_t a[] = {5, 6, 5},
				b[] = {7};
	const int32_t *tgt[] = {a, b, a};
	int			n_tgt[] = {3, 1, 0},
				eos[] = {1, 1, 1},
				no_eos[] = {0, 0, 0};
	float		score[3];
	pt_err		err;

	CHECK(pt_forced_score(scripted_step, &s, s.vocab, NULL, 3, tgt, n_tgt, eos, 1.0f, NULL, score, &err) == PT_OK);
	/* a: 5 (-0.1), 6 (-2.1), 5 (-0.1), <eos> (-1.1) over 4 tokens */
	CHECK_NEAR(score[0], (-0.1f - 2.1f - 0.1f - 1.1f) / 4.0f, 1e-5);
	/* b: 7 is not preferred (-30), then <eos> */
	CHECK_NEAR(score[1], (-30.0f - 1.1f) / 2.0f, 1e-5);
	/* nothing but <eos> */
	CHECK_NEAR(score[2], -1.1f, 1e-5);
	CHECK(s.steps == 4);			/* the longest row's tokens and its <eos> */

	/* a prefix: the tokens alone, no <eos> */
	s.steps = 0;
	CHECK(pt_forced_score(scripted_step, &s, s.vocab, NULL, 3, tgt, n_tgt, no_eos, 1.0f, NULL, score, &err) == PT_OK);
	CHECK_NEAR(score[0], (-0.1f - 2.1f - 0.1f) / 3.0f, 1e-5);
	CHECK_NEAR(score[1], -30.0f, 1e-5);
	CHECK(s.steps == 3);

	/* columns <eos>, 5, 6: token 7 is absent and counts log PT_FORCED_FLOOR */
	{
		const int32_t cols[] = {PT_TOK_EOS, 5, 6};
		script		c = {.vocab = 3, .n_pref = 2, .pref = {1, 2}};	/* column 1 = id 5, column 2 = id 6 */

		CHECK(PT_TOK_EOS < 5);
		CHECK(pt_forced_score(scripted_step, &c, 3, cols, 2, tgt, n_tgt, eos, 1.0f, NULL, score, &err) == PT_OK);
		CHECK_NEAR(score[0], (-0.1f - 1.1f - 0.1f - 30.0f) / 4.0f, 1e-4);
		CHECK_NEAR(score[1], (logf(PT_FORCED_FLOOR) - 30.0f) / 2.0f, 1e-4);
	}
}

/*
 * stop_below: a row stops once its score so far, over its full count,
 * falls below its bound, and reports that (still below the bound); a row
 * that never falls below it is scored in full, the same as without.
 */
TEST(forced_score_stops_a_row_that_cannot_reach_its_bound)
{
	script		s = {.vocab = 8, .n_pref = 3, .pref = {5, PT_TOK_EOS, 6}};
	const int32_t a[] = {7, 5, 5, 5},
				b[] = {5, 6, 5};
	const int32_t *tgt[] = {a, b};
	int			n_tgt[] = {4, 3},
				eos[] = {1, 1};
	float		bound[] = {-1.0f, -10.0f},
				score[2];
	pt_err		err;

	CHECK(pt_forced_score(scripted_step, &s, s.vocab, NULL, 2, tgt, n_tgt, eos, 1.0f, bound, score, &err) == PT_OK);
	/* a's first token alone (-30 over 5 tokens) is below -1: one step, and that bound */
	CHECK_NEAR(score[0], -30.0f / 5.0f, 1e-5);
	CHECK(score[0] < bound[0]);
	/* b stays above -10 and is scored in full: 4 steps in all */
	CHECK_NEAR(score[1], (-0.1f - 2.1f - 0.1f - 1.1f) / 4.0f, 1e-5);
	CHECK(s.steps == 4);
}
