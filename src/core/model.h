/*
 * model.h — the .ptm weight file (see models/FORMAT.md): open, validate, look up.
 *
 * A model is one read-only mmap of the file.  Tensors are pointers into that
 * mapping (nothing copied), so every backend that opens the same file shares
 * one physical copy through the page cache, and a model opened in the
 * postmaster is inherited by every forked backend.
 *
 * pt_model_open validates the whole file before anything touches the data:
 * magic, version, the checksum, every length and offset against the file
 * size, dtype × shape against byte sizes, 64-byte alignment, unique names,
 * and the metadata every model must carry.  A truncated, bit-flipped or
 * hostile file gives PT_ERR_FORMAT with a message, never a crash.
 */
#ifndef PT_MODEL_H
#define PT_MODEL_H

#include "pt_common.h"

#define PT_MODEL_MAGIC "PRODTEXT"	/* 8 bytes, no terminator in the file */
#define PT_MODEL_FORMAT_VERSION 1
#define PT_MODEL_ALIGN 64
#define PT_MODEL_MAX_DIMS 4

typedef enum pt_dtype
{
	PT_F32 = 0,
	PT_F16 = 1,
	PT_I32 = 2,
	PT_U8 = 3,
	PT_I8 = 4
} pt_dtype;

typedef struct pt_tensor
{
	const char *name;			/* NUL-terminated copy, owned by the model */
	pt_dtype	dtype;
	int			ndim;
	int64_t		shape[PT_MODEL_MAX_DIMS];
	int64_t		numel;
	size_t		nbytes;
	const void *data;			/* into the mapping, 64-byte aligned */
} pt_tensor;

typedef enum pt_kv_type
{
	PT_KV_INT = 0,				/* int64 */
	PT_KV_FLOAT = 1,			/* float64 */
	PT_KV_STRING = 2			/* UTF-8, NUL-terminated copy */
} pt_kv_type;

typedef struct pt_kv
{
	const char *key;
	pt_kv_type	type;
	int64_t		i;
	double		f;
	const char *s;
} pt_kv;

typedef struct pt_model
{
	/* required metadata */
	const char *task;			/* "sentiment", "summarize", "rewrite", "tokenizer" */
	const char *language;		/* "en", "zh", "multi" */
	const char *name;
	const char *version;

	int			n_kv;
	pt_kv	   *kv;
	int			n_tensors;
	pt_tensor  *tensors;

	const void *base;			/* start of the file's bytes */
	size_t		size;
	int			mapped;			/* 1: base is an mmap we own */
	int64_t		parameters;		/* elements of all non-"tokenizer." tensors */
	char	   *path;			/* NULL when opened from a buffer */
} pt_model;

/* mmap `path` read-only and validate it. */
pt_status	pt_model_open(const char *path, pt_model **out, pt_err *err);

/* validate a buffer that stays owned by the caller (tests, fuzzing) */
pt_status	pt_model_open_buffer(const void *buf, size_t len, pt_model **out, pt_err *err);

void		pt_model_close(pt_model *m);

/* lookups; NULL / default when absent */
const pt_tensor *pt_model_tensor(const pt_model *m, const char *name);
const pt_kv *pt_model_kv(const pt_model *m, const char *key);

/*
 * Fetch a tensor a task needs, checking dtype, rank and each dimension
 * (a dimension of -1 in `shape` matches any size).  Fails with PT_ERR_MODEL
 * and a message naming the tensor.
 */
pt_status	pt_model_require(const pt_model *m, const char *name, pt_dtype dtype,
							 int ndim, const int64_t *shape,
							 const pt_tensor **out, pt_err *err);

/* An integer hyper-parameter in [lo, hi]; PT_ERR_MODEL when absent or out of range. */
pt_status	pt_model_require_int(const pt_model *m, const char *key,
								 int64_t lo, int64_t hi, int64_t *out, pt_err *err);

/* The same into an int (lo and hi within int range). */
pt_status	pt_model_require_int32(const pt_model *m, const char *key,
								   int lo, int hi, int *out, pt_err *err);

/* A float32 tensor's data, checked as pt_model_require does. */
pt_status	pt_model_require_f32(const pt_model *m, const char *name, int ndim,
								 const int64_t *shape, const float **out, pt_err *err);

/* A float hyper-parameter in [lo, hi]; PT_ERR_MODEL when absent or out of range. */
pt_status	pt_model_require_float(const pt_model *m, const char *key,
								   double lo, double hi, double *out, pt_err *err);

/* CRC-32 (IEEE) as stored in the header; exposed for tests and tools */
uint32_t	pt_crc32(uint32_t crc, const void *buf, size_t len);

#endif							/* PT_MODEL_H */
