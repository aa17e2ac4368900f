/*
 * pg_tasks.c — per-language task objects and grouped batched calls for the
 * generating tasks (pg_tasks.h).
 */
#include "pg_tasks.h"

#include <errno.h>

#include "utils/builtins.h"
#include "utils/memutils.h"

static const char *
slot_language(int slot)
{
	return slot ? "zh" : "en";
}

/* forget a slot's object; freed unless the other slot shares it */
static void
release_slot(PtTaskCache *c, int slot)
{
	if (c->by_lang[slot] != NULL && c->by_lang[slot] != c->by_lang[1 - slot])
		c->release(c->by_lang[slot]);
	c->by_lang[slot] = NULL;
}

static pt_status
build_slot(PtTaskCache *c, int slot, const pt_model *m, uint64 generation, pt_err *err)
{
	MemoryContext old;
	pt_status	st;

	release_slot(c, slot);
	if (c->by_lang[1 - slot] != NULL && c->generation_of[1 - slot] == generation)
	{
		c->by_lang[slot] = c->by_lang[1 - slot];	/* one multi model */
		c->generation_of[slot] = generation;
		return PT_OK;
	}
	/* the object outlives the query: the core allocates through palloc */
	old = MemoryContextSwitchTo(TopMemoryContext);
	st = c->load(m, &c->by_lang[slot], err);
	MemoryContextSwitchTo(old);
	if (st == PT_OK)
		c->generation_of[slot] = generation;
	return st;
}

/* PT_OK, PT_ERR_IO with ENOENT when no model is installed, or another failure */
static pt_status
find_slot(PtTaskCache *c, int slot, pt_err *err)
{
	const pt_model *m;
	uint64		generation;
	pt_status	st = PtFindModel(c->task, slot_language(slot), &m, &generation, err);

	if (st != PT_OK)
		return st;
	if (c->by_lang[slot] == NULL || c->generation_of[slot] != generation)
		return build_slot(c, slot, m, generation, err);
	return PT_OK;
}

const void *
PtTaskFor(PtTaskCache *c, pt_lang lang)
{
	int			slot = (lang == PT_LANG_ZH) ? 1 : 0;
	pt_err		err;
	pt_status	st;

	if (lang != PT_LANG_EN && lang != PT_LANG_ZH)
		return NULL;
	st = find_slot(c, slot, &err);
	if (st == PT_ERR_IO && err.sys_errno == ENOENT)
	{
		release_slot(c, slot);
		return NULL;
	}
	if (st != PT_OK)
		PtReportError(&err);
	return c->by_lang[slot];
}

void
PtTaskPreload(PtTaskCache *c)
{
	for (int slot = 0; slot < 2; slot++)
	{
		pt_err		err;
		pt_status	st = find_slot(c, slot, &err);

		if (st != PT_OK && !(st == PT_ERR_IO && err.sys_errno == ENOENT))
			ereport(WARNING, (errmsg("prodtext: %s model \"%s\" not preloaded: %s",
									 c->task, slot_language(slot), err.msg)));
	}
}

void
PtTaskRunTexts(PtTaskCache *c, PtTaskRun run, const void *opts,
			   const char *const *texts, const size_t *lens, int n, text **outs)
{
	int			cap = Max(n, 1);
	const void **obj = palloc0(sizeof(void *) * cap);
	bool	   *done = palloc0(sizeof(bool) * cap);
	const char **g_texts = palloc(sizeof(char *) * cap);
	size_t	   *g_lens = palloc(sizeof(size_t) * cap);
	int		   *g_rows = palloc(sizeof(int) * cap);
	char	  **g_outs = palloc(sizeof(char *) * cap);
	size_t	   *g_out_lens = palloc(sizeof(size_t) * cap);
	const void *for_lang[3];
	bool		looked_up[3] = {false, false, false};

	for (int i = 0; i < n; i++)
	{
		pt_lang		lang;

		outs[i] = NULL;
		if (texts[i] == NULL)
		{
			done[i] = true;
			continue;
		}
		lang = PtInputLanguage(texts[i], lens[i]);
		if (!looked_up[lang])
		{
			for_lang[lang] = PtTaskFor(c, lang);
			looked_up[lang] = true;
		}
		obj[i] = for_lang[lang];
	}
	for (int i = 0; i < n; i++)
	{
		int			members = 0;
		pt_err		err;

		if (done[i])
			continue;
		for (int j = i; j < n; j++)
			if (!done[j] && obj[j] == obj[i])
			{
				g_rows[members] = j;
				g_texts[members] = texts[j];
				g_lens[members++] = lens[j];
				done[j] = true;
			}
		PT_CHECK(run(obj[i], g_texts, g_lens, (size_t) members, opts, g_outs, g_out_lens, &err), &err);
		for (int k = 0; k < members; k++)
		{
			outs[g_rows[k]] = cstring_to_text_with_len(g_outs[k], (int) g_out_lens[k]);
			pt_free(g_outs[k]);
		}
	}
	pfree(obj);
	pfree(done);
	pfree(g_texts);
	pfree(g_lens);
	pfree(g_rows);
	pfree(g_outs);
	pfree(g_out_lens);
}
