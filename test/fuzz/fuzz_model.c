/*
 * fuzz_model.c — the model loader on mutated .ptm bytes.
 *
 * Each input is tried twice: exactly as given (which mostly exercises the
 * size and checksum checks), and "repaired" — the header's file size and
 * CRC-32 rewritten to match — so that mutations get past the checksum into
 * the parser of the metadata and the tensor table, and on into the
 * sentiment and embed tasks' checks of names, shapes and hyper-parameters.
 * Whatever loads is then used: its tokenizer round-trips a text and the model
 * scores and explains (or embeds) a few inputs, so a file that passes validation can never
 * make inference read out of bounds.  Every failure must be a status code
 * with a message, never a crash, a leak or undefined behaviour.
 */
#include "fuzz_common.h"

#include <math.h>

#include "embed.h"
#include "sentiment.h"
#include "tokenizer.h"

#define CRC_OFFSET 48
#define SIZE_OFFSET 16

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int	verbose;			/* FUZZ_VERBOSE=1: say how far each input got */
static uint8_t *buf;			/* 64-byte aligned, as an mmap would be */
static size_t buf_cap;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	fuzz_single_thread();
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	return 0;
}

/* an embed model that loads embeds the texts; its vectors may hold NaN only when the weights do */
static void
use_embed(const pt_model *m, const char *const *texts, const size_t *lens, int n)
{
	pt_embed   *e;
	float	   *y;
	pt_err		err;

	if (pt_embed_load(m, &e, &err) != PT_OK)
	{
		FUZZ_CHECK(err.code != PT_OK && err.msg[0] != '\0', "a failed embed load without a message");
		return;
	}
	y = malloc(sizeof(float) * (size_t) n * (size_t) pt_embed_dim(e));
	FUZZ_CHECK(pt_embed_texts(e, texts, lens, (size_t) n, 0, y, &err) == PT_OK, "embed: %s", err.msg);
	if (verbose)
		fprintf(stderr, "fuzz_model: embed model used\n");
	free(y);
	pt_embed_free(e);
}

static void
use_model(const pt_model *m)
{
	static const char *const texts[] = {
		"Great product, works well!", "terrible. broke after 2 days", "",
		"质量很好，非常满意", "<p>ok &amp; fine</p>", "\xf0\x9f\x98\x80 x"
	};
	size_t		lens[6];
	float		probs[6 * PT_SENTIMENT_CLASSES];
	pt_tokenizer *tok;
	pt_sentiment *s;
	pt_err		err;

	FUZZ_CHECK(m->task && m->language && m->name && m->version, "required metadata missing");
	if (pt_tokenizer_from_model(m, &tok, &err) == PT_OK)
	{
		const char *t = texts[0];
		size_t		len = strlen(t),
					n,
					back_len;
		int32_t		ids[64];
		char		back[64];

		FUZZ_CHECK(pt_tokenize(tok, t, len, ids, 64, &n, &err) == PT_OK, "tokenize: %s", err.msg);
		FUZZ_CHECK(pt_detokenize(tok, ids, n, back, sizeof back, &back_len, &err) == PT_OK, "%s", err.msg);
		FUZZ_CHECK(back_len == len && memcmp(back, t, len) == 0, "round trip through a loaded tokenizer");
		pt_tokenizer_free(tok);
	}
	for (int i = 0; i < 6; i++)
		lens[i] = strlen(texts[i]);
	use_embed(m, texts, lens, 6);
	if (pt_sentiment_load(m, &s, &err) != PT_OK)
	{
		if (verbose)
			fprintf(stderr, "fuzz_model: sentiment load: %s\n", err.msg);
		FUZZ_CHECK(err.code != PT_OK && err.msg[0] != '\0', "a failed load without a message");
		return;
	}
	if (pt_sentiment_score(s, texts, lens, 6, 0, probs, &err) == PT_OK)
		for (int i = 0; i < 6 * PT_SENTIMENT_CLASSES; i++)
			FUZZ_CHECK(isnan(probs[i]) || (probs[i] >= 0.0f && probs[i] <= 1.0f), "p = %g", probs[i]);
	{
		pt_token_weight *items;
		size_t		n;
		float		p[PT_SENTIMENT_CLASSES];

		if (pt_sentiment_explain(s, texts[4], lens[4], 0, &items, &n, p, &err) == PT_OK)
		{
			for (size_t i = 0; i < n; i++)
				FUZZ_CHECK(items[i].token && items[i].token[0], "empty explained token");
			pt_token_weights_free(items, n);
		}
	}
	if (verbose)
		fprintf(stderr, "fuzz_model: sentiment model used\n");
	pt_sentiment_free(s);
}

static void
try_open(const uint8_t *bytes, size_t size)
{
	pt_model   *m;
	pt_err		err;
	pt_status	st = pt_model_open_buffer(bytes, size, &m, &err);

	if (verbose)
		fprintf(stderr, "fuzz_model: open (%zu bytes): %s\n", size, st == PT_OK ? "ok" : err.msg);
	if (st != PT_OK)
	{
		FUZZ_CHECK(m == NULL, "a failed open returned a model");
		FUZZ_CHECK(st == PT_ERR_FORMAT || st == PT_ERR_NOMEM, "status %d: %s", (int) st, err.msg);
		FUZZ_CHECK(err.msg[0] != '\0', "a failed open without a message");
		return;
	}
	use_model(m);
	pt_model_close(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size + 64 > buf_cap)
	{
		free(buf);
		buf_cap = (size + 64 + 4095) & ~(size_t) 4095;
		buf = aligned_alloc(64, buf_cap);
	}
	memcpy(buf, data, size);
	try_open(buf, size);

	/* repaired: the size and checksum fields describe these bytes */
	if (size >= 64)
	{
		uint64_t	sz = size;
		uint32_t	crc;

		memcpy(buf + SIZE_OFFSET, &sz, sizeof sz);	/* little-endian host */
		memset(buf + CRC_OFFSET, 0, 4);
		crc = pt_crc32(0, buf, size);
		memcpy(buf + CRC_OFFSET, &crc, sizeof crc);
		try_open(buf, size);
	}
	return 0;
}
