/*
 * pg_glue.h — what the thin PostgreSQL layer shares between its files:
 * settings (pg_guc.c), the core's allocator, interrupt hook and errors
 * (pg_core.c), the model cache (pg_models.c), shared input handling
 * (pg_input.c), the boilerplate detector (pg_boiler.c) and the task entry
 * points (pg_sentiment.c, pg_summarize.c, pg_rewrite.c, pg_embed.c).  prodtext.c (PG_MODULE_MAGIC, _PG_init) only calls these:
 * nothing calls into it.
 */
#ifndef PT_PG_GLUE_H
#define PT_PG_GLUE_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/array.h"

#include "boiler.h"
#include "model.h"
#include "pt_common.h"
#include "text.h"

/* settings (pg_guc.c) */
extern char *prodtext_model_dir;	/* "" = $sharedir/prodtext */
extern int	prodtext_max_input_chars;
extern int	prodtext_threads;
extern int	prodtext_beam_width;
extern int	prodtext_rewrite_beam_width;

/* Define every prodtext.* GUC, reserve the prefix, apply prodtext.threads (from _PG_init). */
extern void PtGucInit(void);
/* prodtext.model_dir, or $sharedir/prodtext when it is empty */
extern const char *PtModelDir(void);

/* the core in the backend (pg_core.c) */

/* Install the backend allocator and interrupt hook in the core (from _PG_init). */
extern void PtCoreHooksInit(void);

/* ereport(ERROR) for a failed core call; never returns */
extern void PtReportError(const pt_err *err) pg_attribute_noreturn();

/* run a core call and report its failure */
#define PT_CHECK(call, errp) \
	do { if ((call) != PT_OK) PtReportError(errp); } while (0)

/* Route core allocations to palloc in the current memory context. */
extern void PtUseBackendAllocator(void);

/* model cache (pg_models.c) */
/*
 * The model for a task and language, (re)mapped when its file changed.
 * *generation identifies this mapping: objects built from an earlier
 * generation must be rebuilt (the address alone may be reused).
 */
extern const pt_model *PtGetModel(const char *task, const char *language, uint64 *generation);

/* The same without ereport (for the postmaster): PT_ERR_IO + ENOENT when no file exists */
extern pt_status PtFindModel(const char *task, const char *language, const pt_model **out,
							 uint64 *generation, pt_err *err);
extern void PtPreloadModels(void);

/* shared input handling of the task functions (pg_input.c) */

/* the language of one raw input, detected on its normalized form; ERROR on invalid UTF-8 */
extern pt_lang PtInputLanguage(const char *s, size_t len);

/* the elements of a text[] as byte strings, and its shape */
typedef struct PtTextArray
{
	int			n;				/* elements, all dimensions together */
	const char **texts;			/* NULL for a NULL element; not NUL-terminated */
	size_t	   *lens;
	bool	   *nulls;
	int			ndim;
	int			dims[MAXDIM];
	int			lbs[MAXDIM];
} PtTextArray;

extern void PtTextArrayRead(ArrayType *arr, PtTextArray *out);
/* an array of elemtype of the input's shape: values[i], NULL where the input was NULL */
extern ArrayType *PtTextArrayResult(const PtTextArray *in, Datum *values, Oid elemtype);

/* the aggregate's memory context; ERROR when not called as an aggregate */
extern MemoryContext PtAggContext(FunctionCallInfo fcinfo);

/* sentiment (pg_sentiment.c): build the task objects in the postmaster, to share them */
extern void PtSentimentPreload(void);

/* sentiment (pg_sentiment.c): polarity in [-1, 1] of one raw text, as sentiment(text) */
extern float PtSentimentPolarity(const char *s, size_t len);
/* ... of n raw texts (NULL elements: 0), palloc'd; NULL when no sentiment model is installed */
extern float *PtSentimentPolarities(const char *const *texts, const size_t *lens, int n);

/* the seller-boilerplate detector rewrite() and summarize() share (pg_boiler.c); NULL when not installed */
extern void PtBoilerPreload(void);
extern const pt_boiler *PtBoiler(void);

/* summarize (pg_summarize.c) */
#define PT_SUMMARIZE_DEFAULT_CHARS 200	/* summarize(text), and the trigger's summary:col */
extern void PtSummarizePreload(void);
/* summarize(text, max_chars) of one raw text, as a palloc'd text */
extern text *PtSummarizeText(const char *s, size_t len, int max_chars);

/* rewrite (pg_rewrite.c) */
extern void PtRewritePreload(void);
/* rewrite(text, max_chars) of one raw text (max_chars 0: rewrite(text)), as a palloc'd text */
extern text *PtRewriteText(const char *s, size_t len, int max_chars);

/* embed (pg_embed.c) */
extern void PtEmbedPreload(void);

#endif
