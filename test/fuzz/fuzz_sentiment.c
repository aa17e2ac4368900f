/*
 * fuzz_sentiment.c — the whole sentiment path on arbitrary bytes, with the
 * installed models (models/sentiment-en.ptm and sentiment-zh.ptm).
 *
 * The input is a batch of texts separated by 0xFF (a byte UTF-8 never
 * uses).  They go through the path the SQL functions take — normalize with
 * a budget, detect the language, score each language's rows in one batched
 * pass — and through the core's own entry point on the raw texts; then the
 * first text is explained.  Checks:
 *   - a batch with invalid UTF-8 fails with PT_ERR_INVALID_UTF8, nothing else;
 *   - probabilities are finite, in [0, 1] and sum to 1; polarity in [-1, 1];
 *   - batching changes nothing: a row scored alone equals the same row
 *     scored inside the batch (vectorized == one at a time);
 *   - explain gives the same probabilities, and non-empty tokens of valid
 *     UTF-8 without surrounding white space and with finite weights.
 */
#include "fuzz_common.h"

#include <math.h>

#include "sentiment.h"
#include "text.h"

#define MAX_TEXTS 64
#define TOL 2e-4f

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pt_model *models[2];
static pt_sentiment *sent[2];	/* 0: en (and every other language), 1: zh */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const files[2] = {"sentiment-en.ptm", "sentiment-zh.ptm"};
	pt_err		err;

	(void) argc;
	(void) argv;
	fuzz_single_thread();
	for (int i = 0; i < 2; i++)
	{
		models[i] = fuzz_open_model(files[i]);
		if (pt_sentiment_load(models[i], &sent[i], &err) != PT_OK)
		{
			fprintf(stderr, "fuzz: %s: %s\n", files[i], err.msg);
			exit(2);
		}
	}
	return 0;
}

static void
check_probs(const float *p)
{
	float		sum = p[0] + p[1] + p[2],
				pol = pt_sentiment_polarity(p);

	for (int c = 0; c < PT_SENTIMENT_CLASSES; c++)
		FUZZ_CHECK(isfinite(p[c]) && p[c] >= 0.0f && p[c] <= 1.0f, "p[%d] = %g", c, p[c]);
	FUZZ_CHECK(fabsf(sum - 1.0f) < 1e-4f, "probabilities sum to %g", sum);
	FUZZ_CHECK(pol >= -1.0f && pol <= 1.0f, "polarity %g", pol);
}

static int
same_probs(const float *a, const float *b)
{
	for (int c = 0; c < PT_SENTIMENT_CLASSES; c++)
		if (fabsf(a[c] - b[c]) > TOL)
			return 0;
	return 1;
}

static void
check_explain(const pt_sentiment *s, const char *text, size_t len, const float *want)
{
	pt_token_weight *items;
	size_t		n;
	float		p[PT_SENTIMENT_CLASSES];
	pt_err		err;

	FUZZ_CHECK(pt_sentiment_explain(s, text, len, 0, &items, &n, p, &err) == PT_OK, "explain: %s", err.msg);
	FUZZ_CHECK(same_probs(p, want), "explain (%g %g %g) != score (%g %g %g)",
			   p[0], p[1], p[2], want[0], want[1], want[2]);
	for (size_t i = 0; i < n; i++)
	{
		const char *t = items[i].token;
		size_t		tl = strlen(t);

		FUZZ_CHECK(tl > 0 && pt_utf8_valid(t, tl), "token %zu is empty or not UTF-8", i);
		FUZZ_CHECK(t[0] != ' ' && t[0] != '\n' && t[tl - 1] != ' ' && t[tl - 1] != '\n',
				   "token %zu \"%s\" has white space around it", i, t);
		FUZZ_CHECK(isfinite(items[i].weight), "token %zu weight %g", i, items[i].weight);
	}
	pt_token_weights_free(items, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *raw[MAX_TEXTS];
	size_t		raw_len[MAX_TEXTS];
	char	   *norm[MAX_TEXTS];
	size_t		norm_len[MAX_TEXTS];
	const char *group[MAX_TEXTS];
	pt_lang		lang[MAX_TEXTS];
	float		probs[MAX_TEXTS * PT_SENTIMENT_CLASSES],
				core[MAX_TEXTS * PT_SENTIMENT_CLASSES],
				one[PT_SENTIMENT_CLASSES];
	/* the budget a session could set with prodtext.max_input_chars */
	size_t		max_chars = size > 0 && (data[0] & 1) ? 1 + data[0] % 97 : 20000;
	int			n,
				any_invalid;
	pt_status	st;
	pt_err		err;

	/* a NULL slot (a SQL NULL array element) every 7th text */
	n = fuzz_split_texts(data, size, 7, raw, raw_len, MAX_TEXTS, &any_invalid);

	/* the core's entry point on the raw texts: NULL rows are left untouched */
	memset(core, 0, sizeof core);
	st = pt_sentiment_score(sent[0], raw, raw_len, (size_t) n, max_chars, core, &err);
	if (any_invalid)
	{
		FUZZ_CHECK(st == PT_ERR_INVALID_UTF8, "invalid UTF-8 gave status %d: %s", (int) st, err.msg);
		return 0;
	}
	FUZZ_CHECK(st == PT_OK, "score: %s", err.msg);
	for (int i = 0; i < n; i++)
		if (raw[i])
			check_probs(core + i * PT_SENTIMENT_CLASSES);
		else
			FUZZ_CHECK(core[i * 3] == 0 && core[i * 3 + 1] == 0 && core[i * 3 + 2] == 0, "NULL row written");

	/* the glue's path: normalize with the budget, group by language, score each group */
	for (int i = 0; i < n; i++)
	{
		norm[i] = NULL;
		if (raw[i] == NULL)
			continue;
		FUZZ_CHECK(pt_text_normalize(raw[i], raw_len[i], max_chars, &norm[i], &norm_len[i], &err) == PT_OK,
				   "normalize: %s", err.msg);
		lang[i] = pt_detect_lang(norm[i], norm_len[i]);
	}
	for (int zh = 0; zh < 2; zh++)
	{
		int			members = 0;

		for (int i = 0; i < n; i++)
		{
			int			mine = norm[i] != NULL && (lang[i] == PT_LANG_ZH) == zh;

			group[i] = mine ? norm[i] : NULL;
			members += mine;
		}
		if (members > 0)
			FUZZ_CHECK(pt_sentiment_score(sent[zh], group, norm_len, (size_t) n, 0, probs, &err) == PT_OK,
					   "score (%s): %s", zh ? "zh" : "en", err.msg);
	}
	for (int i = 0; i < n; i++)
		if (norm[i])
			check_probs(probs + i * PT_SENTIMENT_CLASSES);

	/* batching changes nothing (two rows, to bound the cost) */
	for (int i = 0; i < n && i < 2; i++)
	{
		int			zh = norm[i] && lang[i] == PT_LANG_ZH;

		if (norm[i] == NULL)
			continue;
		FUZZ_CHECK(pt_sentiment_score(sent[zh], (const char *const *) &norm[i], &norm_len[i], 1, 0, one, &err)
				   == PT_OK, "score one: %s", err.msg);
		FUZZ_CHECK(same_probs(one, probs + i * PT_SENTIMENT_CLASSES),
				   "row %d alone (%g %g %g) != in a batch of %d (%g %g %g)", i, one[0], one[1], one[2], n,
				   probs[i * 3], probs[i * 3 + 1], probs[i * 3 + 2]);
	}

	/* the explanation of the first text */
	if (n > 0 && norm[0])
		check_explain(sent[lang[0] == PT_LANG_ZH], norm[0], norm_len[0], probs);

	for (int i = 0; i < n; i++)
		free(norm[i]);
	return 0;
}
