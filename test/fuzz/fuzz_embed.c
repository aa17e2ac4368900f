/*
 * fuzz_embed.c — embed() on arbitrary bytes, with the installed model
 * (models/embed-multi.ptm).
 *
 * The input is a batch of texts separated by 0xFF (a byte UTF-8 never
 * uses), with a NULL slot every 7th text.  Checks:
 *   - a batch with invalid UTF-8 fails with PT_ERR_INVALID_UTF8, nothing else;
 *   - every vector has D finite elements and unit length; NULL rows are untouched;
 *   - batching changes nothing: a row embedded alone has the same bits as
 *     inside the batch;
 *   - the cosine of two vectors is in [-1, 1], and 1 (within rounding) for a vector with itself.
 */
#include "fuzz_common.h"

#include <math.h>

#include "embed.h"

#define MAX_TEXTS 64

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pt_model *model;
static pt_embed *emb;
static float *out,
		   *one;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pt_err		err;

	(void) argc;
	(void) argv;
	fuzz_single_thread();
	model = fuzz_open_model("embed-multi.ptm");
	if (pt_embed_load(model, &emb, &err) != PT_OK)
	{
		fprintf(stderr, "fuzz: embed-multi.ptm: %s\n", err.msg);
		exit(2);
	}
	out = malloc(sizeof(float) * MAX_TEXTS * (size_t) pt_embed_dim(emb));
	one = malloc(sizeof(float) * (size_t) pt_embed_dim(emb));
	return 0;
}

static void
check_vector(const float *y, int D)
{
	double		norm = 0.0;

	for (int d = 0; d < D; d++)
	{
		FUZZ_CHECK(isfinite(y[d]), "element %d = %g", d, y[d]);
		norm += (double) y[d] * y[d];
	}
	FUZZ_CHECK(fabs(sqrt(norm) - 1.0) < 1e-4, "norm %g", sqrt(norm));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *raw[MAX_TEXTS];
	size_t		raw_len[MAX_TEXTS];
	int			D = pt_embed_dim(emb),
				n,
				any_invalid;
	/* the budget a session could set with prodtext.max_input_chars */
	size_t		max_chars = size > 0 && (data[0] & 1) ? 1 + data[0] % 97 : 20000;
	pt_status	st;
	pt_err		err;

	/* a NULL slot (a SQL NULL array element) every 7th text */
	n = fuzz_split_texts(data, size, 7, raw, raw_len, MAX_TEXTS, &any_invalid);
	for (int i = 0; i < n * D; i++)
		out[i] = 2.0f;			/* a NULL row must keep it */
	st = pt_embed_texts(emb, raw, raw_len, (size_t) n, max_chars, out, &err);
	if (any_invalid)
	{
		FUZZ_CHECK(st == PT_ERR_INVALID_UTF8, "invalid UTF-8 gave status %d: %s", (int) st, err.msg);
		return 0;
	}
	FUZZ_CHECK(st == PT_OK, "embed: %s", err.msg);
	for (int i = 0; i < n; i++)
		if (raw[i])
			check_vector(out + (size_t) i * D, D);
		else
			FUZZ_CHECK(out[(size_t) i * D] == 2.0f && out[(size_t) i * D + D - 1] == 2.0f, "NULL row %d written", i);

	/* batching changes nothing (two rows, to bound the cost) */
	for (int i = 0; i < n && i < 2; i++)
	{
		float		self;

		if (raw[i] == NULL)
			continue;
		FUZZ_CHECK(pt_embed_texts(emb, &raw[i], &raw_len[i], 1, max_chars, one, &err) == PT_OK,
				   "embed one: %s", err.msg);
		FUZZ_CHECK(memcmp(one, out + (size_t) i * D, sizeof(float) * (size_t) D) == 0,
				   "row %d alone differs from the same row in a batch of %d", i, n);
		self = pt_embed_cosine(one, one, (size_t) D);
		FUZZ_CHECK(fabsf(self - 1.0f) < 1e-5f, "cosine with itself %g", self);
		if (n > 1 && raw[n - 1])
		{
			float		c = pt_embed_cosine(one, out + (size_t) (n - 1) * D, (size_t) D);

			FUZZ_CHECK(c >= -1.0f && c <= 1.0f, "cosine %g", c);
		}
	}
	return 0;
}
