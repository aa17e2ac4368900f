/*
 * bench_decoders.c — summarize and rewrite in the core alone (no server):
 * rows per CPU-second of one thread, one row per call and 32 rows per call,
 * greedy and with a beam of 4.
 *
 *   build/bench_decoders summarize|rewrite MODEL.ptm TEXTS.txt [N]   (one text per line;
 *                                                                  the first N, default all)
 *
 * As the server does, both tasks drop seller boilerplate with the detector
 * boilerplate-multi.ptm when it sits beside MODEL.ptm (boiler.h).
 *
 * Prints one CSV line per (beam, batch): task, beam, batch, rows,
 * rows_per_s, mean output characters.  CPU time of the calling thread
 * (the decoders run on it alone, OpenBLAS at one thread; an idle OpenBLAS
 * worker's start-up spin is not theirs), after an untimed first pass, so
 * rates are per core and hold up on a shared machine.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boiler.h"
#include "model.h"
#include "rewrite.h"
#include "summarize.h"
#include "text.h"

#define MAX_TEXTS 10000
#define BATCH 32

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct task
{
	int			rewrite;
	const pt_summarizer *s;
	const pt_rewriter *r;
	const pt_boiler *boiler;	/* NULL when no detector is installed */
} task;

static pt_status
run(const task *t, char **texts, size_t *lens, size_t n, int beam, char **outs,
	size_t *out_lens, pt_err *err)
{
	if (t->rewrite)
	{
		pt_rewrite_opts o = {.beam_width = beam, .max_input_chars = 20000, .boiler = t->boiler};

		return pt_rewrite(t->r, (const char *const *) texts, lens, n, &o, outs, out_lens, err);
	}
	else
	{
		pt_summarize_opts o = {.max_chars = 200, .beam_width = beam, .max_input_chars = 20000,
		.extractive_fill = 1, .boiler = t->boiler};

		return pt_summarize(t->s, (const char *const *) texts, lens, n, &o, outs, out_lens, err);
	}
}

/* CPU seconds of one pass over the texts, batch rows per call (outs: the last pass's); -1 on error */
static double
pass(const task *t, char **texts, size_t *lens, size_t n, int beam, int batch, char **outs,
	 size_t *out_lens, pt_err *err)
{
	double		el = now();

	for (size_t i = 0; i < n; i++)
		pt_free(outs[i]);
	memset(outs, 0, n * sizeof *outs);
	for (size_t i = 0; i < n; i += batch)
		if (run(t, texts + i, lens + i, n - i < (size_t) batch ? n - i : (size_t) batch, beam,
				outs + i, out_lens + i, err) != PT_OK)
		{
			fprintf(stderr, "%s\n", err->msg);
			return -1;
		}
	return now() - el;
}

int
main(int argc, char **argv)
{
	pt_model   *m;
	pt_err		err;
	task		t = {0};
	FILE	   *f;
	char	  **texts = malloc(sizeof(char *) * MAX_TEXTS),
			  **outs = calloc(MAX_TEXTS, sizeof(char *));
	size_t	   *lens = malloc(sizeof(size_t) * MAX_TEXTS),
			   *out_lens = malloc(sizeof(size_t) * MAX_TEXTS),
				n = 0;
	static char line[1 << 20];

	if (argc < 4)
	{
		fprintf(stderr, "usage: %s summarize|rewrite MODEL.ptm TEXTS.txt\n", argv[0]);
		return 2;
	}
	openblas_set_num_threads(1);
	t.rewrite = strcmp(argv[1], "rewrite") == 0;
	if (pt_model_open(argv[2], &m, &err) != PT_OK ||
		(t.rewrite ? pt_rewriter_load(m, (pt_rewriter **) &t.r, &err)
		 : pt_summarizer_load(m, (pt_summarizer **) &t.s, &err)) != PT_OK)
	{
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	{
		/* the detector beside the model, as the server finds it in prodtext.model_dir */
		char		path[4096];
		const char *slash = strrchr(argv[2], '/');
		pt_model   *bm;

		snprintf(path, sizeof path, "%.*sboilerplate-multi.ptm",
				 slash ? (int) (slash - argv[2] + 1) : 0, argv[2]);
		if (pt_model_open(path, &bm, &err) == PT_OK &&
			pt_boiler_load(bm, (pt_boiler **) &t.boiler, &err) != PT_OK)
			fprintf(stderr, "%s: %s\n", path, err.msg);
	}
	f = fopen(argv[3], "r");
	while (f && n < (argc > 4 ? (size_t) atoi(argv[4]) : MAX_TEXTS) && n < MAX_TEXTS &&
		   fgets(line, sizeof line, f))
	{
		lens[n] = strcspn(line, "\n");
		texts[n] = strndup(line, lens[n]);
		n++;
	}
	if (n == 0)
	{
		fprintf(stderr, "no texts in %s\n", argv[3]);
		return 1;
	}
	/*
	 * One untimed pass first, at the widest form: the first pass over the
	 * texts pays once for what a backend's first calls pay (the model's
	 * pages, the heap grown to a batch's size), a third of a greedy pass.
	 */
	if (pass(&t, texts, lens, n, 4, BATCH, outs, out_lens, &err) < 0)
		return 1;
	printf("task,beam,batch,rows,rows_per_s,mean_out_chars\n");
	for (int beam = 1; beam <= 4; beam += 3)
		for (int batch = 1; batch <= BATCH; batch += BATCH - 1)
		{
			double		el = pass(&t, texts, lens, n, beam, batch, outs, out_lens, &err),
						chars = 0;

			if (el < 0)
				return 1;
			for (size_t i = 0; i < n; i++)
				chars += pt_utf8_chars(outs[i], out_lens[i]);
			printf("%s,%d,%d,%zu,%.1f,%.1f\n", argv[1], beam, batch, n, n / el, chars / n);
		}
	return 0;
}
