/*
 * pg_models.c — the per-process model cache and prodtext_models().
 *
 * A model is the file <model_dir>/<task>-<language>.ptm (or <task>-multi.ptm
 * for one bilingual model).  It is mapped at first use and kept for the life
 * of the process; under shared_preload_libraries the postmaster maps every
 * model once and forked backends inherit the mapping, so one physical copy
 * of the weights serves the whole server either way (the mapping is
 * read-only and file-backed: the page cache holds it once).
 *
 * A file that fails validation is never cached: every call reports it, and
 * a fixed file is picked up by the next call without a restart.  A cached
 * model whose file has changed since it was mapped (another inode, size or
 * mtime: a new install, or a file rewritten in place, whose old mapping
 * could fault) is replaced by the new file at the next call.
 */
#include "pg_glue.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "common/cryptohash.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#define MAX_CACHED_MODELS 64
#define MAX_LISTED_FILES 256

typedef struct CachedModel
{
	char		path[MAXPGPATH];
	struct stat file;			/* identity of the file when it was mapped */
	uint64		generation;		/* unique per mapping, never reused */
	pt_model   *model;
} CachedModel;

static CachedModel cache[MAX_CACHED_MODELS];
static int	n_cached;
static uint64 last_generation;

static CachedModel *
cache_entry(const char *path)
{
	for (int i = 0; i < n_cached; i++)
		if (strcmp(cache[i].path, path) == 0)
			return &cache[i];
	return NULL;
}

static pt_model *
cache_lookup(const char *path)
{
	CachedModel *e = cache_entry(path);

	return e ? e->model : NULL;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
		a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * The model of `path` (whose current identity is `file`), mapped at most once
 * per identity; its allocations live in TopMemoryContext.  Each mapping
 * gets a new generation number: a model freed and another allocated at the
 * same address must still look different to callers that keep objects built
 * from it.
 */
static pt_status
cache_attach(const char *path, const struct stat *file, pt_model **out,
			 uint64 *generation, pt_err *err)
{
	CachedModel *e = cache_entry(path);
	MemoryContext old;
	pt_status	st;

	if (e && same_file(&e->file, file))
	{
		*out = e->model;
		*generation = e->generation;
		return PT_OK;
	}
	if (e == NULL && n_cached >= MAX_CACHED_MODELS)
		return pt_fail(err, PT_ERR_LIMIT, "more than %d model files are in use", MAX_CACHED_MODELS);
	old = MemoryContextSwitchTo(TopMemoryContext);
	st = pt_model_open(path, out, err);
	MemoryContextSwitchTo(old);
	if (st != PT_OK)
		return st;
	if (e)
		pt_model_close(e->model);
	else
	{
		e = &cache[n_cached++];
		strlcpy(e->path, path, MAXPGPATH);
	}
	e->file = *file;
	e->model = *out;
	e->generation = *generation = ++last_generation;
	return PT_OK;
}

pt_status
PtFindModel(const char *task, const char *language, const pt_model **out,
			uint64 *generation, pt_err *err)
{
	char		path[MAXPGPATH];
	struct stat file;
	pt_model   *m;
	pt_status	st;

	snprintf(path, sizeof(path), "%s/%s-%s.ptm", PtModelDir(), task, language);
	if (stat(path, &file) != 0)
		snprintf(path, sizeof(path), "%s/%s-multi.ptm", PtModelDir(), task);
	if (stat(path, &file) != 0)
	{
		pt_fail(err, PT_ERR_IO, "no %s model for language \"%s\" in \"%s\"",
				task, language, PtModelDir());
		err->sys_errno = ENOENT;
		return PT_ERR_IO;
	}
	if ((st = cache_attach(path, &file, &m, generation, err)) != PT_OK)
		return st;
	if (strcmp(m->task, task) != 0)
		return pt_fail(err, PT_ERR_MODEL, "model file \"%s\" holds a \"%s\" model, not \"%s\"",
					   path, m->task, task);
	*out = m;
	return PT_OK;
}

const pt_model *
PtGetModel(const char *task, const char *language, uint64 *generation)
{
	const pt_model *m = NULL;
	pt_err		err;
	pt_status	st = PtFindModel(task, language, &m, generation, &err);

	if (st == PT_ERR_IO && err.sys_errno == ENOENT)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("prodtext: %s", err.msg),
				 errhint("Install the models with \"make install\", or set prodtext.model_dir.")));
	PT_CHECK(st, &err);
	return m;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The *.ptm file names in the model directory, sorted; palloc'd. */
static int
list_model_files(const char *dir, char ***names_out)
{
	DIR		   *d = opendir(dir);
	struct dirent *de;
	char	  **names = palloc(sizeof(char *) * MAX_LISTED_FILES);
	int			n = 0;

	*names_out = names;
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < MAX_LISTED_FILES)
	{
		size_t		len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".ptm") == 0 && de->d_name[0] != '.')
			names[n++] = pstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), compare_names);
	return n;
}

void
PtPreloadModels(void)
{
	const char *dir = PtModelDir();
	char	  **names;
	int			n = list_model_files(dir, &names);

	for (int i = 0; i < n; i++)
	{
		char		path[MAXPGPATH];
		struct stat file;
		pt_model   *m;
		uint64		generation;
		pt_err		err;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &file) != 0)
			continue;			/* removed since the listing */
		if (cache_attach(path, &file, &m, &generation, &err) != PT_OK)
			ereport(WARNING, (errmsg("prodtext: model not preloaded: %s", err.msg)));
	}
}

static void
sha256_hex(const pt_model *m, char *out)
{
	uint8		digest[32];
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, m->base, m->size) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "prodtext: could not compute SHA-256");
	pg_cryptohash_free(ctx);
	hex_encode((const char *) digest, sizeof(digest), out);
	out[64] = '\0';
}

PG_FUNCTION_INFO_V1(prodtext_models);

/* One row per readable model file in prodtext.model_dir; broken files are warned about. */
Datum
prodtext_models(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *dir = PtModelDir();
	char	  **names;
	int			n;

	InitMaterializedSRF(fcinfo, 0);
	n = list_model_files(dir, &names);
	if (n < 0)
		ereport(WARNING,
				(errcode_for_file_access(),
				 errmsg("prodtext: could not read model directory \"%s\": %m", dir)));
	for (int i = 0; i < n; i++)
	{
		char		path[MAXPGPATH];
		char		sha[65];
		pt_model   *m;
		pt_err		err;
		bool		loaded;
		Datum		values[9];
		bool		nulls[9] = {0};

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		m = cache_lookup(path);
		loaded = (m != NULL);
		if (!loaded && pt_model_open(path, &m, &err) != PT_OK)
		{
			ereport(WARNING, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("prodtext: %s", err.msg)));
			continue;
		}
		sha256_hex(m, sha);
		values[0] = CStringGetTextDatum(m->task);
		values[1] = CStringGetTextDatum(m->language);
		values[2] = CStringGetTextDatum(m->name);
		values[3] = CStringGetTextDatum(m->version);
		values[4] = Int64GetDatum(m->parameters);
		values[5] = Int64GetDatum((int64) m->size);
		values[6] = CStringGetTextDatum(sha);
		values[7] = CStringGetTextDatum(path);
		values[8] = BoolGetDatum(loaded);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if (!loaded)
			pt_model_close(m);
	}
	return (Datum) 0;
}
