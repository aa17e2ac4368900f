/* pt_common.c — errors, allocator and cancellation hook of the core. */
#include "pt_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *
default_alloc(size_t size, void *ctx)
{
	(void) ctx;
	return malloc(size ? size : 1);
}

static void *
default_realloc(void *ptr, size_t size, void *ctx)
{
	(void) ctx;
	return realloc(ptr, size ? size : 1);
}

static void
default_free(void *ptr, void *ctx)
{
	(void) ctx;
	free(ptr);
}

static const pt_allocator default_allocator = {default_alloc, default_realloc, default_free, NULL};
static pt_allocator current = {default_alloc, default_realloc, default_free, NULL};
static pt_interrupt_hook interrupt_hook = NULL;

pt_status
pt_fail(pt_err *err, pt_status code, const char *fmt,...)
{
	if (err)
	{
		va_list		ap;

		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void
pt_err_clear(pt_err *err)
{
	if (err)
	{
		err->code = PT_OK;
		err->sys_errno = 0;
		err->msg[0] = '\0';
	}
}

void
pt_set_allocator(const pt_allocator *a)
{
	current = a ? *a : default_allocator;
}

int
pt_key_set_has(const uint64_t *set, size_t mask, uint64_t key)
{
	size_t		slot = key & mask;

	for (; set[slot] != 0; slot = (slot + 1) & mask)
		if (set[slot] == key)
			return 1;
	return 0;
}

void
pt_key_set_add(uint64_t *set, size_t mask, uint64_t key)
{
	size_t		slot = key & mask;

	while (set[slot] != 0 && set[slot] != key)
		slot = (slot + 1) & mask;
	set[slot] = key;
}

size_t
pt_mul_size(size_t a, size_t b)
{
	if (a != 0 && b > SIZE_MAX / a)
		return SIZE_MAX;
	return a * b;
}

void *
pt_alloc(size_t size)
{
	if (size == SIZE_MAX)
		return NULL;
	return current.alloc(size, current.ctx);
}

void *
pt_alloc_zero(size_t size)
{
	void	   *p = pt_alloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *
pt_realloc(void *ptr, size_t size)
{
	if (size == SIZE_MAX)
		return NULL;
	if (ptr == NULL)
		return pt_alloc(size);
	return current.realloc(ptr, size, current.ctx);
}

void
pt_free(void *ptr)
{
	if (ptr)
		current.free(ptr, current.ctx);
}

void
pt_set_interrupt_hook(pt_interrupt_hook hook)
{
	interrupt_hook = hook;
}

void
pt_check_interrupts(void)
{
	if (interrupt_hook)
		interrupt_hook();
}

size_t
pt_layout_reserve(size_t *bytes, size_t n, size_t sz)
{
	size_t		len = pt_mul_size(n, sz),
				at;

	if (*bytes == SIZE_MAX || len == SIZE_MAX || *bytes > SIZE_MAX - 64)
	{
		*bytes = SIZE_MAX;
		return 0;
	}
	at = (*bytes + 63) & ~(size_t) 63;
	if (at > SIZE_MAX - len)
	{
		*bytes = SIZE_MAX;
		return 0;
	}
	*bytes = at + len;
	return at;
}

int
pt_compare_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *) a,
				y = *(const uint32_t *) b;

	return (x > y) - (x < y);
}

size_t
pt_sort_unique_u32(uint32_t *v, size_t n)
{
	size_t		m = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, pt_compare_u32);
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[m])
			v[++m] = v[i];
	return m + 1;
}
