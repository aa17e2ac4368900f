/*
 * bench_core.c — the sentiment forward pass alone (no server), against the
 * machine's single-thread sgemm peak measured in the same run.
 *
 *   build/bench_core MODEL.ptm TEXTS.txt      (one text per line)
 *
 * Prints, for the fp32 weights and (when the model carries them and the
 * CPU has VNNI) the 8-bit convolutions, rows/s scoring one row per call and
 * 256 rows per call, the mean tokens per row, the achieved GFLOP/s
 * (convolutions + head, counted from the real token counts as fp32
 * multiply-adds, so the 8-bit line's figure is an effective rate) and its
 * share of the sgemm peak.  Every time is
 * the process's CPU time (one BLAS thread), so rates are per core and hold
 * up when other jobs share the machine; the peak is the best of runs
 * before and after the measurement.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conv_q8.h"
#include "model.h"
#include "sentiment.h"

#define MAX_TEXTS 100000

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* best of 10 square sgemms of size n, one thread */
static double
sgemm_peak(int n)
{
	float	   *a = calloc((size_t) n * n, sizeof(float)),
			   *b = calloc((size_t) n * n, sizeof(float)),
			   *c = calloc((size_t) n * n, sizeof(float));
	double		best = 0;

	for (size_t i = 0; i < (size_t) n * n; i++)
		a[i] = b[i] = (float) (i % 7) * 0.1f;
	for (int r = 0; r < 10; r++)
	{
		double		t = now();

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
		t = now() - t;
		if (2.0 * n * n * n / t / 1e9 > best)
			best = 2.0 * n * n * n / t / 1e9;
	}
	free(a);
	free(b);
	free(c);
	return best;
}

static int64_t
kv_int(const pt_model *m, const char *key)
{
	const pt_kv *kv = pt_model_kv(m, key);

	return kv ? kv->i : 0;
}

/* multiply-adds ×2 of one row of n tokens: every conv width, then the head */
static double
row_flops(const pt_model *m, int n)
{
	int64_t		E = kv_int(m, "embed_dim"),
				F = kv_int(m, "filters"),
				W = kv_int(m, "n_widths"),
				maxw = 0;
	double		f = 0;

	for (int i = 0; i < W; i++)
	{
		char		key[32];

		snprintf(key, sizeof key, "width.%d", i);
		if (kv_int(m, key) > maxw)
			maxw = kv_int(m, key);
	}
	if (n < maxw)
		n = (int) maxw;
	for (int i = 0; i < W; i++)
	{
		char		key[32];
		int64_t		k;

		snprintf(key, sizeof key, "width.%d", i);
		k = kv_int(m, key);
		f += 2.0 * (double) (n - k + 1) * (double) (E * k) * (double) F;
	}
	return f + 2.0 * 3 * F * W;
}

/* CPU seconds to score all n texts one per call (*single) and 256 per call (*batch) */
static void
time_scoring(const pt_sentiment *s, char **texts, const size_t *lens, size_t n, float *probs,
			 double *single, double *batch)
{
	pt_err		err;
	double		t = now();

	for (size_t i = 0; i < n; i++)
		pt_sentiment_score(s, (const char *const *) &texts[i], &lens[i], 1, 0, probs + 3 * i, &err);
	*single = now() - t;
	t = now();
	for (size_t i = 0; i < n; i += 256)
		pt_sentiment_score(s, (const char *const *) texts + i, lens + i, n - i < 256 ? n - i : 256, 0,
						   probs + 3 * i, &err);
	*batch = now() - t;
}

int
main(int argc, char **argv)
{
	pt_model   *m;
	pt_sentiment *s;
	pt_err		err;
	FILE	   *f;
	char	  **texts = malloc(sizeof(char *) * MAX_TEXTS);
	size_t	   *lens = malloc(sizeof(size_t) * MAX_TEXTS);
	size_t		n = 0;
	char		line[65536];
	float	   *probs,
				logits[3];
	int32_t    *ids;
	double		flops = 0,
				tokens = 0,
				t1[2] = {0},
				tb[2] = {0},
				t,
				peak;

	if (argc < 3)
	{
		fprintf(stderr, "usage: %s MODEL.ptm TEXTS.txt\n", argv[0]);
		return 2;
	}
	openblas_set_num_threads(1);
	if (pt_model_open(argv[1], &m, &err) != PT_OK || pt_sentiment_load(m, &s, &err) != PT_OK)
	{
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	f = fopen(argv[2], "r");
	while (f && n < MAX_TEXTS && fgets(line, sizeof line, f))
	{
		lens[n] = strcspn(line, "\n");
		texts[n] = strndup(line, lens[n]);
		n++;
	}
	if (n == 0)
	{
		fprintf(stderr, "no texts in %s\n", argv[2]);
		return 1;
	}
	probs = malloc(sizeof(float) * 3 * n);
	ids = malloc(sizeof(int32_t) * (size_t) pt_sentiment_max_tokens(s));
	for (size_t i = 0; i < n; i++)
	{
		int			k;

		pt_sentiment_logits(s, texts[i], lens[i], ids, &k, logits, &err);
		tokens += k;
		flops += k ? row_flops(m, k) : 0;
	}

	peak = sgemm_peak(1024);
	for (int int8 = 0; int8 <= 1; int8++)
	{
		if (pt_sentiment_set_int8(s, int8) != int8 || (int8 && !pt_q8_supported()))
			continue;
		time_scoring(s, texts, lens, n, probs, &t1[int8], &tb[int8]);
	}
	t = sgemm_peak(1024);
	if (t > peak)
		peak = t;

	printf("model,precision,rows,mean_tokens,rows_per_s_single,rows_per_s_batch256,gflops_batch256,"
		   "sgemm_peak_gflops,pct_of_peak,flops_per_row\n");
	for (int int8 = 0; int8 <= 1; int8++)
		if (tb[int8] > 0)
			printf("%s,%s,%zu,%.1f,%.0f,%.0f,%.1f,%.1f,%.1f,%.0f\n", m->name, int8 ? "int8" : "fp32", n,
				   tokens / n, n / t1[int8], n / tb[int8], flops / tb[int8] / 1e9, peak,
				   100.0 * flops / tb[int8] / 1e9 / peak, flops / n);
	return 0;
}
