/*
 * pg_tasks.h — what the generating tasks (summarize, rewrite) and the
 * boilerplate detector they use share in the glue: one task object per
 * language built from the model cache and rebuilt when its file changes, and running a core call over many raw
 * texts grouped by the object their language selects.
 */
#ifndef PT_PG_TASKS_H
#define PT_PG_TASKS_H

#include "pg_glue.h"

#include "text.h"

typedef pt_status (*PtTaskLoad) (const pt_model *m, void **out, pt_err *err);
typedef void (*PtTaskFree) (void *obj);

/* n texts in, n pt_alloc'd outputs: pt_summarize, pt_rewrite behind a common signature */
typedef pt_status (*PtTaskRun) (const void *obj, const char *const *texts, const size_t *lens,
								size_t n, const void *opts, char **outs, size_t *out_lens,
								pt_err *err);

typedef struct PtTaskCache
{
	const char *task;			/* "summarize": models <task>-<lang>.ptm or <task>-multi.ptm */
	PtTaskLoad	load;
	PtTaskFree	release;
	void	   *by_lang[2];		/* 0: en, 1: zh; one object when a multi model serves both */
	uint64		generation_of[2];
} PtTaskCache;

/*
 * The task object for inputs of one language: NULL for a language without
 * a model or when no model of the task is installed (the caller's
 * model-free path), ERROR when a model exists but cannot be used.  Looked
 * up on every call: prodtext.model_dir or the file may have changed.
 */
extern const void *PtTaskFor(PtTaskCache *c, pt_lang lang);

/* Under shared_preload_libraries: build the objects in the postmaster, to share them. */
extern void PtTaskPreload(PtTaskCache *c);

/*
 * outs[i] = the task's output for raw texts[i] (palloc'd text; NULL for a
 * NULL input): rows are grouped by the object their language selects and
 * each group is one batched core call.
 */
extern void PtTaskRunTexts(PtTaskCache *c, PtTaskRun run, const void *opts,
						   const char *const *texts, const size_t *lens, int n, text **outs);

#endif							/* PT_PG_TASKS_H */
