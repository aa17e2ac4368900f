/*
 * test_golden.c — the C forward pass against PyTorch's on fixed inputs.
 *
 * test/golden/sentiment-<lang>.txt is written by models/train/sentiment/train.py
 * at export time from the same weights: per case the raw input (hex), the
 * token ids the Python side got through the same C tokenizer, and PyTorch's
 * fp32 logits.  The C ids must be identical and every logit within 1e-4.
 * The same cases run through the model's 8-bit convolutions (conv_q8.h)
 * must stay within Q8_TOLERANCE of PyTorch's fp32 logits.
 */
#include "model.h"
#include "sentiment.h"
#include "unit.h"

#include <stdlib.h>

#define MAX_LINE 65536
#define FP32_TOLERANCE 1e-4
#define Q8_TOLERANCE 0.1

int
unit_hex_decode(const char *hex, size_t n, char *out)
{
	for (size_t i = 0; i + 1 < n; i += 2)
	{
		unsigned	v;

		if (sscanf(hex + i, "%2x", &v) != 1)
			return -1;
		out[i / 2] = (char) v;
	}
	return (int) (n / 2);
}

static void
check_golden(const char *lang, int int8)
{
	char		path[512];
	pt_model   *m = NULL;
	pt_sentiment *s = NULL;
	pt_err		err;
	FILE	   *f;
	char	   *line = malloc(MAX_LINE);
	int			cases = 0;

	snprintf(path, sizeof path, "models/sentiment-%s.ptm", lang);
	CHECK(pt_model_open(path, &m, &err) == PT_OK);
	if (m == NULL)
	{
		fprintf(stderr, "  %s\n", err.msg);
		free(line);
		return;
	}
	CHECK(pt_sentiment_load(m, &s, &err) == PT_OK);
	if (s)
		CHECK(pt_sentiment_set_int8(s, int8) == int8);
	snprintf(path, sizeof path, "test/golden/sentiment-%s.txt", lang);
	f = fopen(path, "r");
	CHECK(f != NULL);
	while (s && f && fgets(line, MAX_LINE, f))
	{
		char	   *bar1 = strstr(line, " | "),
				   *bar2 = bar1 ? strstr(bar1 + 3, " | ") : NULL,
				   *p;
		char		text[MAX_LINE / 2];
		int32_t    *ids = malloc(sizeof(int32_t) * (size_t) pt_sentiment_max_tokens(s));
		int			n_ids = 0,
					len;
		float		logits[PT_SENTIMENT_CLASSES];

		if (line[0] == '#' || bar2 == NULL)
		{
			free(ids);
			continue;
		}
		len = unit_hex_decode(line, (size_t) (bar1 - line), text);
		CHECK(pt_sentiment_logits(s, text, (size_t) len, ids, &n_ids, logits, &err) == PT_OK);
		p = bar1 + 3;
		for (int i = 0; i < n_ids; i++)
			CHECK(strtol(p, &p, 10) == ids[i]);
		CHECK(p == bar2);		/* same number of ids */
		p = bar2 + 3;
		for (int c = 0; c < PT_SENTIMENT_CLASSES; c++)
			CHECK_NEAR(logits[c], strtod(p, &p), int8 ? Q8_TOLERANCE : FP32_TOLERANCE);
		free(ids);
		cases++;
	}
	CHECK(cases >= 5);
	if (f)
		fclose(f);
	pt_sentiment_free(s);
	pt_model_close(m);
	free(line);
}

TEST(golden_sentiment_en)
{
	check_golden("en", 0);
}

TEST(golden_sentiment_zh)
{
	check_golden("zh", 0);
}

TEST(golden_sentiment_en_int8)
{
	check_golden("en", 1);
}

TEST(golden_sentiment_zh_int8)
{
	check_golden("zh", 1);
}
