/*
 * fuzz_common.h — shared by the libFuzzer targets in test/fuzz: a check
 * that aborts with a message (so libFuzzer records the input as a crash),
 * model loading at start-up, and one BLAS thread.
 */
#ifndef PT_FUZZ_COMMON_H
#define PT_FUZZ_COMMON_H

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boiler.h"
#include "model.h"
#include "pt_common.h"
#include "text.h"

#define FUZZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz check failed at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/*
 * Models are found in $PRODTEXT_FUZZ_MODELS, default "models" (run from the
 * repo root).  The file is read into memory rather than mapped: training
 * rewrites the model files in place, and a mapped file that shrinks under a
 * running fuzzer is a SIGBUS that is not the code's fault.  A model that is
 * missing or does not open ends the fuzzer when it is required; otherwise
 * the target skips its model path (NULL).
 */
static inline pt_model *
fuzz_load_model(const char *file, int required)
{
	const char *dir = getenv("PRODTEXT_FUZZ_MODELS");
	char		path[4096];
	FILE	   *f;
	long		size;
	void	   *buf = NULL;
	pt_model   *m;
	pt_err		err;

	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "models", file);
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) <= 0 ||
		fseek(f, 0, SEEK_SET) != 0 ||
		(buf = aligned_alloc(64, ((size_t) size + 63) & ~(size_t) 63)) == NULL ||
		fread(buf, 1, (size_t) size, f) != (size_t) size)
		snprintf(err.msg, sizeof err.msg, "cannot read it (run from the repository root or set "
				 "PRODTEXT_FUZZ_MODELS)");
	else if (pt_model_open_buffer(buf, (size_t) size, &m, &err) == PT_OK)
	{
		fclose(f);
		return m;			/* kept, with buf, for the life of the process */
	}
	if (f)
		fclose(f);
	free(buf);
	fprintf(stderr, "fuzz: %s: %s%s\n", path, err.msg, required ? "" : ": model path not fuzzed");
	if (required)
		exit(2);
	return NULL;
}

/* The boilerplate detector the server uses, or NULL when its model is absent */
static inline pt_boiler *
fuzz_load_boiler(void)
{
	static pt_model *m;			/* kept for the life of the process, like the detector */
	pt_boiler  *b = NULL;
	pt_err		err;

	m = fuzz_load_model("boilerplate-multi.ptm", 0);
	if (m != NULL && pt_boiler_load(m, &b, &err) != PT_OK)
		fprintf(stderr, "fuzz: boilerplate model: %s: detector not fuzzed\n", err.msg);
	return b;
}

static inline pt_model *
fuzz_open_model(const char *file)
{
	return fuzz_load_model(file, 1);
}

static inline void
fuzz_single_thread(void)
{
	openblas_set_num_threads(1);
}

/*
 * A batch of texts from the input: split on 0xFF (a byte UTF-8 never holds),
 * every null_every-th slot NULL (a SQL NULL array element).  At most max
 * texts; returns how many, and sets *any_invalid when one is not UTF-8.
 */
static inline int
fuzz_split_texts(const uint8_t *data, size_t size, int null_every, const char **raw, size_t *raw_len,
				 int max, int *any_invalid)
{
	int			n = 0;

	*any_invalid = 0;
	for (size_t i = 0, start = 0; i <= size && n < max; i++)
		if (i == size || data[i] == 0xFF)
		{
			raw[n] = (n % null_every == null_every - 1) ? NULL : (const char *) data + start;
			raw_len[n] = i - start;
			if (raw[n] && !pt_utf8_valid(raw[n], raw_len[n]))
				*any_invalid = 1;
			n++;
			start = i + 1;
		}
	return n;
}

#endif
