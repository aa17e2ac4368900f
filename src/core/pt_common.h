/*
 * pt_common.h — what every part of the prodtext inference core shares:
 * status codes, the error message buffer, the pluggable allocator and the
 * cancellation hook.
 *
 * The core is plain C11 and never includes a PostgreSQL header.  It never
 * exits or aborts on bad data: functions return a pt_status and, on failure,
 * fill a pt_err that the caller (the PostgreSQL glue, a test, the Python
 * bindings) turns into its own kind of error.
 */
#ifndef PT_COMMON_H
#define PT_COMMON_H

#include <stddef.h>
#include <stdint.h>

typedef enum pt_status
{
	PT_OK = 0,
	PT_ERR_NOMEM = 1,			/* allocation failed or a size overflowed */
	PT_ERR_INVALID_UTF8 = 2,	/* input is not valid UTF-8 */
	PT_ERR_ARG = 3,				/* a caller passed a bad argument */
	PT_ERR_IO = 4,				/* open/stat/mmap failed (errno kept in pt_err) */
	PT_ERR_FORMAT = 5,			/* a model file is corrupt, truncated or hostile */
	PT_ERR_MODEL = 6,			/* a model file is well formed but unusable for its task */
	PT_ERR_LIMIT = 7			/* an input exceeds a hard limit */
} pt_status;

typedef struct pt_err
{
	pt_status	code;
	int			sys_errno;		/* errno for PT_ERR_IO, else 0 */
	char		msg[512];
} pt_err;

/* Record an error; always returns `code`, so `return pt_fail(err, ...)` works. */
pt_status	pt_fail(pt_err *err, pt_status code, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
void		pt_err_clear(pt_err *err);

/*
 * Allocator.  The glue installs one backed by palloc in the right memory
 * context; the default is malloc.  alloc may return NULL, and every caller in
 * the core handles that (PT_ERR_NOMEM).  Sizes are checked for overflow with
 * pt_mul_size before they reach the allocator.
 */
typedef struct pt_allocator
{
	void	   *(*alloc) (size_t size, void *ctx);
	void	   *(*realloc) (void *ptr, size_t size, void *ctx);
	void		(*free) (void *ptr, void *ctx);
	void	   *ctx;
} pt_allocator;

void		pt_set_allocator(const pt_allocator *a);	/* NULL restores malloc */
void	   *pt_alloc(size_t size);
void	   *pt_alloc_zero(size_t size);
void	   *pt_realloc(void *ptr, size_t size);
void		pt_free(void *ptr);

/* qsort/bsearch order of uint32 values */
int			pt_compare_u32(const void *a, const void *b);

/* Sort v[0..n) and drop repeats; returns how many distinct values are left at its start. */
size_t		pt_sort_unique_u32(uint32_t *v, size_t n);

/*
 * An open-addressing set of 64-bit keys: mask + 1 slots (a power of two),
 * 0 an empty slot, so keys must not be 0 (hashes or'ed with 1).  The caller
 * keeps it at most half full.
 */
int			pt_key_set_has(const uint64_t *set, size_t mask, uint64_t key);
void		pt_key_set_add(uint64_t *set, size_t mask, uint64_t key);

/* a * b, or SIZE_MAX when it overflows (the allocator then fails cleanly) */
size_t		pt_mul_size(size_t a, size_t b);

/*
 * Lay out many arrays in one allocation: returns the 64-byte aligned offset
 * of n elements of size sz after *bytes and advances *bytes past them;
 * *bytes becomes SIZE_MAX on overflow (and stays there), which pt_alloc
 * refuses.  Allocate *bytes + 64 and align the base to 64 bytes.
 */
size_t		pt_layout_reserve(size_t *bytes, size_t n, size_t sz);

/*
 * Cancellation: long loops call pt_check_interrupts(), which calls the hook
 * the glue installed (CHECK_FOR_INTERRUPTS, which may longjmp out; the core
 * therefore keeps all per-call memory in the caller's allocator).
 */
typedef void (*pt_interrupt_hook) (void);
void		pt_set_interrupt_hook(pt_interrupt_hook hook);
void		pt_check_interrupts(void);

#endif							/* PT_COMMON_H */
