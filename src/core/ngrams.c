/* ngrams.c — hashed character n-gram TF features (see ngrams.h). */
#include "ngrams.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

size_t
pt_char_ngram_max_features(size_t len, int nmin, int nmax)
{
	return nmax >= nmin && nmin >= 1 ? pt_mul_size(len, (size_t) (nmax - nmin + 1)) : 0;
}

int
pt_compare_int32(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a,
				y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

/*
 * Sort n bucket ids in [0, buckets) ascending: an LSD radix sort through
 * tmp[n] with as few passes of at most 11-bit digits as the bucket ids need,
 * the digits as narrow as those passes allow (two 9-bit passes for 2^18
 * buckets: a review has a few hundred n-grams, so the digit histograms
 * cost as much as the scatter); insertion sort when short.  Same order as
 * qsort with pt_compare_int32.  The result may end up in tmp: returns where
 * it is.
 */
#define RADIX_MAX_BITS 11
static int32_t *
sort_buckets(int32_t *a, int32_t *tmp, size_t n, int buckets)
{
	size_t		count[1 << RADIX_MAX_BITS];
	int			bits = 1,
				passes,
				digit;

	if (n < 64)
	{
		for (size_t i = 1; i < n; i++)
		{
			int32_t		v = a[i];
			size_t		j = i;

			for (; j > 0 && a[j - 1] > v; j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
		return a;
	}
	while (bits < 31 && (buckets - 1) >> bits > 0)
		bits++;
	passes = (bits + RADIX_MAX_BITS - 1) / RADIX_MAX_BITS;
	digit = (bits + passes - 1) / passes;
	for (int shift = 0; shift < bits; shift += digit)
	{
		uint32_t	mask = (1u << digit) - 1;
		size_t		sum = 0;
		int32_t    *t;

		memset(count, 0, sizeof(size_t) << digit);
		for (size_t i = 0; i < n; i++)
			count[((uint32_t) a[i] >> shift) & mask]++;
		for (size_t d = 0; d <= mask; d++)
		{
			size_t		c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[((uint32_t) a[i] >> shift) & mask]++] = a[i];
		t = a;
		a = tmp;
		tmp = t;
		pt_check_interrupts();
	}
	return a;
}

/*
 * FNV-1a over an n-gram's UTF-8 bytes, then over n, modulo buckets.  The
 * byte part is extended one code point at a time (fnv_bytes), so all the
 * n-grams starting at one position share their prefix's work.
 */
#define FNV_BASIS 2166136261u
#define FNV_PRIME 16777619u

static uint32_t
fnv_bytes(uint32_t h, const char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
	{
		h ^= (uint8_t) bytes[i];
		h *= FNV_PRIME;
	}
	return h;
}

static int32_t
fnv_bucket(uint32_t h, int n, int buckets)
{
	h ^= (uint32_t) n;
	h *= FNV_PRIME;
	return (int32_t) (h % (uint32_t) buckets);
}

pt_status
pt_char_ngram_occurrences(const char *text, size_t len, int nmin, int nmax, int buckets,
						  int32_t *bucket, uint32_t *start, uint32_t *end, size_t *n, pt_err *err)
{
	size_t		n_chars,
				count = 0,
				base[PT_NGRAM_MAX_N + 1];		/* where the n-grams of each n begin in the output */
	uint32_t   *at;

	*n = 0;
	if (nmin < 1 || nmax < nmin || nmax > PT_NGRAM_MAX_N || buckets < 1)
		return pt_fail(err, PT_ERR_ARG, "invalid n-gram range %d..%d or bucket count %d", nmin, nmax, buckets);
	if (len >= UINT32_MAX)
		return pt_fail(err, PT_ERR_LIMIT, "text of %zu bytes is too long for n-gram features", len);
	if (!pt_utf8_valid(text, len))
		return pt_fail(err, PT_ERR_INVALID_UTF8, "n-gram features need valid UTF-8");
	n_chars = pt_utf8_chars(text, len);
	if (n_chars == 0)
		return PT_OK;
	at = pt_alloc(pt_mul_size(n_chars + 1, sizeof(uint32_t)));
	if (at == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory computing n-gram features");
	/* byte offset of every code point, and of the end */
	for (size_t i = 0, c = 0; c <= n_chars; c++)
	{
		uint32_t	cp;

		at[c] = (uint32_t) i;
		if (c < n_chars)
			i += pt_utf8_decode(text + i, len - i, &cp);
		if ((c & 0xFFFF) == 0xFFFF)
			pt_check_interrupts();
	}
	for (int g = nmin; g <= nmax; g++)
	{
		base[g] = count;
		count += n_chars >= (size_t) g ? n_chars - (size_t) g + 1 : 0;
	}
	/* position outer, n inner; each n-gram still lands at its (n, position) slot */
	for (size_t c = 0; c < n_chars; c++)
	{
		uint32_t	h = FNV_BASIS;

		for (int g = 1; g <= nmax && c + (size_t) g <= n_chars; g++)
		{
			size_t		o = base[g] + c;

			h = fnv_bytes(h, text + at[c + g - 1], at[c + g] - at[c + g - 1]);
			if (g < nmin)
				continue;
			bucket[o] = fnv_bucket(h, g, buckets);
			if (start)
				start[o] = at[c];
			if (end)
				end[o] = at[c + g];
		}
		if ((c & 0x3FFF) == 0x3FFF)
			pt_check_interrupts();
	}
	pt_free(at);
	*n = count;
	return PT_OK;
}

/* 1 + ln(count); most n-grams occur once, and ln(1) is exactly 0 */
static float
sublinear_tf(size_t count)
{
	return count == 1 ? 1.0f : 1.0f + logf((float) count);
}

pt_status
pt_char_ngram_features(const char *text, size_t len, int nmin, int nmax, int buckets,
					   int32_t *idx, float *val, size_t cap, size_t *n, pt_err *err)
{
	size_t		most = pt_char_ngram_max_features(len, nmin, nmax) + 1;
	/* the n-grams' buckets, then the radix sort's scratch */
	int32_t    *buf = pt_alloc(pt_mul_size(most, 2 * sizeof(int32_t))),
			   *hashes;
	size_t		n_grams,
				out = 0;
	double		norm = 0;
	pt_status	st;

	*n = 0;
	if (buf == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory computing n-gram features");
	st = pt_char_ngram_occurrences(text, len, nmin, nmax, buckets, buf, NULL, NULL, &n_grams, err);
	if (st != PT_OK)
	{
		pt_free(buf);
		return st;
	}
	hashes = sort_buckets(buf, buf + most, n_grams, buckets);

	/* run-length count → 1 + ln(count), then unit L2 norm */
	for (size_t i = 0; i < n_grams;)
	{
		size_t		j = i;
		float		v;

		while (j < n_grams && hashes[j] == hashes[i])
			j++;
		v = sublinear_tf(j - i);
		norm += (double) v * v;
		if (out < cap)
		{
			idx[out] = hashes[i];
			val[out] = v;
		}
		out++;
		i = j;
	}
	norm = sqrt(norm);
	for (size_t i = 0; i < out && i < cap; i++)
		val[i] = (float) (val[i] / norm);
	*n = out;
	pt_free(buf);
	return PT_OK;
}

/*
 * The distinct buckets of b[n] with their counts, in order of first
 * occurrence: an open-addressing table of `size` slots (a power of two
 * >= 2n) maps a bucket to its place in the output.  Bucket ids are hash
 * values already, so their low bits index the table.  Returns how many.
 */
static size_t
count_distinct(const int32_t *b, size_t n, int32_t *slot, size_t size, int32_t *distinct, uint32_t *count)
{
	size_t		mask = size - 1,
				k = 0;

	memset(slot, 0xFF, sizeof(int32_t) * size);
	for (size_t i = 0; i < n; i++)
	{
		size_t		at = (size_t) b[i] & mask;

		while (slot[at] >= 0 && distinct[slot[at]] != b[i])
			at = (at + 1) & mask;
		if (slot[at] < 0)
		{
			slot[at] = (int32_t) k;
			distinct[k] = b[i];
			count[k++] = 0;
		}
		count[slot[at]]++;
		if ((i & 0xFFFF) == 0xFFFF)
			pt_check_interrupts();
	}
	return k;
}

#define PREFETCH_AHEAD 16		/* weight rows requested before they are read */

pt_status
pt_char_ngram_dot(const char *text, size_t len, int nmin, int nmax, int buckets,
				  const float *w, int classes, float *out, pt_err *err)
{
	size_t		most = pt_char_ngram_max_features(len, nmin, nmax) + 1,
				/* there are never more distinct n-grams than buckets */
				most_distinct = most < (size_t) buckets ? most : (size_t) buckets,
				size = 16,
				n_grams,
				n;
	/* the n-grams' buckets, the distinct ones, their counts; then the table */
	int32_t    *grams = pt_alloc(pt_mul_size(most + 2 * most_distinct, sizeof(int32_t))),
			   *slot = NULL;
	double		norm = 0;
	pt_status	st;

	for (int c = 0; c < classes; c++)
		out[c] = 0.0f;
	if (grams == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory computing n-gram features");
	st = pt_char_ngram_occurrences(text, len, nmin, nmax, buckets, grams, NULL, NULL, &n_grams, err);
	/*
	 * A table at most half full: twice the distinct n-grams there can be,
	 * which on a long text is bounded by the buckets, not by its n-grams (a
	 * table sized by those took half a gigabyte and a quarter second to
	 * clear, uninterruptible, for 10 MB of text).
	 */
	while (st == PT_OK && size < 2 * n_grams && size < 2 * (size_t) buckets)
		size *= 2;
	if (st == PT_OK && n_grams > 0 && (slot = pt_alloc(pt_mul_size(size, sizeof(int32_t)))) == NULL)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory computing n-gram features");
	if (st == PT_OK && n_grams > 0)
	{
		int32_t    *distinct = grams + most;
		uint32_t   *count = (uint32_t *) (grams + most + most_distinct);

		n = count_distinct(grams, n_grams, slot, size, distinct, count);
		for (size_t i = 0; i < n; i++)
		{
			const float *row = w + (size_t) distinct[i] * classes;
			float		v = sublinear_tf(count[i]);

			/* the rows are scattered over a table larger than L2: ask for them early */
			if (i + PREFETCH_AHEAD < n)
				__builtin_prefetch(w + (size_t) distinct[i + PREFETCH_AHEAD] * classes);
			norm += (double) v * v;
			for (int c = 0; c < classes; c++)
				out[c] += v * row[c];
		}
		for (int c = 0; c < classes; c++)
			out[c] = (float) (out[c] / sqrt(norm));
	}
	pt_free(grams);
	pt_free(slot);
	return st;
}
