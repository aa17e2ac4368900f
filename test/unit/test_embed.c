/*
 * test_embed.c — the embed task (embed.h) on the shipped model: the C
 * forward pass against PyTorch's (test/golden/embed.txt, written by
 * models/train/embed/train.py from the same weights: raw input in hex and
 * PyTorch's fp32 vector, every element within 1e-4), and the properties
 * embed() promises: unit length, a row's bits independent of its batch,
 * NULL rows untouched, the documented content-free vector, errors on
 * invalid UTF-8 and on a model of another task.
 */
#include "embed.h"
#include "model.h"
#include "unit.h"

#include <stdlib.h>

#define MAX_LINE 65536
#define FP32_TOLERANCE 1e-4

static pt_model *
open_model(const char *path)
{
	pt_model   *m = NULL;
	pt_err		err;

	if (pt_model_open(path, &m, &err) != PT_OK)
		fprintf(stderr, "  %s\n", err.msg);
	return m;
}

/* the shipped model and its task object, or NULLs (a failed CHECK) */
static pt_embed *
load_shipped(pt_model **m)
{
	pt_embed   *e = NULL;
	pt_err		err;

	*m = open_model("models/embed-multi.ptm");
	CHECK(*m != NULL);
	if (*m)
		CHECK(pt_embed_load(*m, &e, &err) == PT_OK);
	return e;
}

static void
close_shipped(pt_model *m, pt_embed *e)
{
	pt_embed_free(e);
	pt_model_close(m);
}

static double
norm(const float *v, int n)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		s += (double) v[i] * v[i];
	return sqrt(s);
}

TEST(golden_embed)
{
	pt_model   *m;
	pt_embed   *e = load_shipped(&m);
	FILE	   *f = fopen("test/golden/embed.txt", "r");
	char	   *line = malloc(MAX_LINE);
	char	   *text = malloc(MAX_LINE / 2);
	int			cases = 0;

	CHECK(f != NULL);
	while (e && f && fgets(line, MAX_LINE, f))
	{
		char	   *bar = strstr(line, " | "),
				   *p;
		int			D = pt_embed_dim(e),
					len;
		float	   *y = malloc(sizeof(float) * (size_t) D);
		const char *t = text;
		size_t		n;
		pt_err		err;

		if (line[0] == '#' || bar == NULL)
		{
			free(y);
			continue;
		}
		len = unit_hex_decode(line, (size_t) (bar - line), text);
		n = (size_t) len;
		CHECK(pt_embed_texts(e, &t, &n, 1, 0, y, &err) == PT_OK);
		p = bar + 3;
		for (int d = 0; d < D; d++)
			CHECK_NEAR(y[d], strtod(p, &p), FP32_TOLERANCE);
		CHECK(*p == '\n' || *p == '\0');	/* as many elements as D */
		free(y);
		cases++;
	}
	CHECK(cases >= 5);
	if (f)
		fclose(f);
	free(line);
	free(text);
	close_shipped(m, e);
}

TEST(embed_batch_equals_single)
{
	const char *texts[] = {"Sony Turntable - PSLX350H", NULL, "晨光儿童画板双面白板", "",
	"<p>Linksys EtherFast 8-Port 10/100 Switch</p>"};
	size_t		lens[5];
	pt_model   *m;
	pt_embed   *e = load_shipped(&m);
	pt_err		err;

	for (int i = 0; i < 5; i++)
		lens[i] = texts[i] ? strlen(texts[i]) : 0;
	if (e)
	{
		int			D = pt_embed_dim(e);
		float	   *all = malloc(sizeof(float) * 5 * (size_t) D),
				   *one = malloc(sizeof(float) * (size_t) D);

		for (int i = 0; i < 5 * D; i++)
			all[i] = 7.0f;		/* the NULL row must keep it */
		CHECK(pt_embed_texts(e, texts, lens, 5, 0, all, &err) == PT_OK);
		for (int i = 0; i < 5; i++)
		{
			if (texts[i] == NULL)
			{
				CHECK(all[(size_t) i * D] == 7.0f && all[(size_t) i * D + D - 1] == 7.0f);
				continue;
			}
			CHECK_NEAR(norm(all + (size_t) i * D, D), 1.0, 1e-5);
			CHECK(pt_embed_texts(e, &texts[i], &lens[i], 1, 0, one, &err) == PT_OK);
			CHECK(memcmp(one, all + (size_t) i * D, sizeof(float) * (size_t) D) == 0);
		}
		free(all);
		free(one);
	}
	close_shipped(m, e);
}

TEST(embed_content_free)
{
	const char *texts[] = {"", "   ", "<p> </p>", "<br/>\t"};
	pt_model   *m;
	pt_embed   *e = load_shipped(&m);
	pt_err		err;

	if (e)
	{
		int			D = pt_embed_dim(e);
		float	   *y = malloc(sizeof(float) * (size_t) D),
				   *b = malloc(sizeof(float) * (size_t) D);
		const pt_tensor *bias = pt_model_tensor(m, "proj.bias");
		double		nb;

		CHECK(bias != NULL);
		memcpy(b, bias->data, sizeof(float) * (size_t) D);
		nb = norm(b, D);
		for (int i = 0; i < 4; i++)
		{
			size_t		len = strlen(texts[i]);

			CHECK(pt_embed_texts(e, &texts[i], &len, 1, 0, y, &err) == PT_OK);
			for (int d = 0; d < D; d++)
				CHECK_NEAR(y[d], b[d] / nb, 1e-6);
		}
		free(y);
		free(b);
	}
	close_shipped(m, e);
}

TEST(embed_max_chars_cuts)
{
	const char *texts[] = {"Sony Turntable. Belt drive system with pitch control.", "Sony Turntable."};
	size_t		lens[] = {strlen(texts[0]), strlen(texts[1])};
	pt_model   *m;
	pt_embed   *e = load_shipped(&m);
	pt_err		err;

	if (e)
	{
		int			D = pt_embed_dim(e);
		float	   *y = malloc(sizeof(float) * 2 * (size_t) D);

		/* cut at the sentence boundary within 20 characters: the same text as the second */
		CHECK(pt_embed_texts(e, texts, lens, 1, 20, y, &err) == PT_OK);
		CHECK(pt_embed_texts(e, texts + 1, lens + 1, 1, 0, y + D, &err) == PT_OK);
		CHECK(memcmp(y, y + D, sizeof(float) * (size_t) D) == 0);
		free(y);
	}
	close_shipped(m, e);
}

TEST(embed_invalid_utf8)
{
	const char *bad = "ok \xff\xfe then";
	size_t		len = strlen(bad);
	pt_model   *m;
	pt_embed   *e = load_shipped(&m);
	pt_err		err;

	if (e)
	{
		float	   *y = malloc(sizeof(float) * (size_t) pt_embed_dim(e));

		CHECK(pt_embed_texts(e, &bad, &len, 1, 0, y, &err) == PT_ERR_INVALID_UTF8);
		free(y);
	}
	close_shipped(m, e);
}

TEST(embed_rejects_other_task)
{
	pt_model   *m = open_model("models/sentiment-en.ptm");
	pt_embed   *e = NULL;
	pt_err		err;

	CHECK(m != NULL);
	if (m)
	{
		CHECK(pt_embed_load(m, &e, &err) == PT_ERR_MODEL);
		CHECK(e == NULL);
		CHECK(strstr(err.msg, "not embed") != NULL);
	}
	pt_model_close(m);
}

TEST(embed_cosine)
{
	float		a[] = {1, 0, 0, 0},
				b[] = {0, 2, 0, 0},
				c[] = {3, 0, 0, 0},
				d[] = {-1, 0, 0, 0},
				z[] = {0, 0, 0, 0};

	CHECK_NEAR(pt_embed_cosine(a, c, 4), 1.0, 1e-7);
	CHECK_NEAR(pt_embed_cosine(a, b, 4), 0.0, 1e-7);
	CHECK_NEAR(pt_embed_cosine(a, d, 4), -1.0, 1e-7);
	CHECK(pt_embed_cosine(a, z, 4) == 0.0f);
	CHECK(pt_embed_cosine(z, z, 4) == 0.0f);
	CHECK(pt_embed_cosine(a, a, 0) == 0.0f);
}
