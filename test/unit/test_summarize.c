/*
 * test_summarize.c — the C summarizer against PyTorch, and its guarantees.
 *
 * test/golden/summarize.txt is written by models/train/summarize_train.py
 * from the exported weights: per case the input, the source ids the Python
 * side got through the same C tokenizer, PyTorch's unconstrained greedy
 * output ids, and the 10 best log-probabilities of the first three steps.
 * The C ids must be identical and those log-probabilities within 2e-3.
 */
#include "model.h"
#include "summarize.h"
#include "text.h"
#include "unit.h"

#include <stdlib.h>

#define MAX_LINE 65536
#define GOLDEN_STEPS 3

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

/* undo the golden file's escapes (\t, \n, \\) in place */
static void
unescape(char *s)
{
	char	   *o = s;

	for (; *s; s++)
	{
		if (*s == '\\' && s[1])
		{
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		}
		else
			*o++ = *s;
	}
	*o = '\0';
}

static int
parse_ids(char *s, int32_t *ids, int cap)
{
	int			n = 0;

	for (char *tok = strtok(s, " \n"); tok && n < cap; tok = strtok(NULL, " \n"))
		ids[n++] = atoi(tok);
	return n;
}

static void
check_ids(const int32_t *a, int na, const int32_t *b, int nb)
{
	CHECK(na == nb);
	for (int i = 0; i < na && i < nb; i++)
		CHECK(a[i] == b[i]);
}

TEST(summarize_golden_against_pytorch)
{
	pt_summarizer *s = get_summarizer();
	FILE	   *f = fopen("test/golden/summarize.txt", "r");
	char	   *line = malloc(MAX_LINE),
			   *text = malloc(MAX_LINE);
	int32_t    *src = NULL,
			   *out = NULL,
			   *want = malloc(sizeof(int32_t) * 4096);
	float	   *logp = NULL;
	int			n_src = 0,
				n_out = 0,
				cases = 0;
	pt_err		err;

	CHECK(f != NULL);
	if (s == NULL || f == NULL)
		goto done;
	src = malloc(sizeof(int32_t) * pt_summarizer_max_src(s));
	out = malloc(sizeof(int32_t) * pt_summarizer_max_tgt(s));
	logp = malloc(sizeof(float) * GOLDEN_STEPS * pt_summarizer_vocab(s));
	while (fgets(line, MAX_LINE, f))
	{
		char	   *tab = strchr(line, '\t');

		if (tab == NULL)
			continue;
		*tab++ = '\0';
		tab[strcspn(tab, "\n")] = '\0';
		if (strcmp(line, "text") == 0)
		{
			strcpy(text, tab);
			unescape(text);
			CHECK(pt_summarizer_greedy(s, text, strlen(text), src, &n_src, out, &n_out,
									   logp, GOLDEN_STEPS, &err) == PT_OK);
			cases++;
		}
		else if (strcmp(line, "src") == 0)
			check_ids(src, n_src, want, parse_ids(tab, want, 4096));
		else if (strcmp(line, "greedy") == 0)
			check_ids(out, n_out, want, parse_ids(tab, want, 4096));
		else if (strncmp(line, "step", 4) == 0)
		{
			int			step = atoi(line + 4);

			if (step >= n_out || step >= GOLDEN_STEPS)
				continue;
			for (char *tok = strtok(tab, " "); tok; tok = strtok(NULL, " "))
			{
				int			id = atoi(tok);
				char	   *colon = strchr(tok, ':');

				CHECK(colon != NULL && id >= 0 && id < pt_summarizer_vocab(s));
				if (colon && id >= 0 && id < pt_summarizer_vocab(s))
					CHECK_NEAR(logp[(size_t) step * pt_summarizer_vocab(s) + id], atof(colon + 1), 2e-3);
			}
		}
	}
	CHECK(cases >= 4);
done:
	if (f)
		fclose(f);
	free(line);
	free(text);
	free(src);
	free(out);
	free(want);
	free(logp);
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
