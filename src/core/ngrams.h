/*
 * ngrams.h — hashed character n-gram features, the input of the linear
 * half of the sentiment ensemble.
 *
 * Every n-gram of n = nmin..nmax code points of the text is hashed (FNV-1a
 * over its UTF-8 bytes, then the n) into one of `buckets` buckets; a
 * bucket's value is 1 + ln(count) (sublinear term frequency) and the vector
 * is scaled to unit L2 norm — TF-IDF without the IDF, which the linear model
 * learns into its weights.  Training computes the same features through the
 * Python bindings, so the two sides cannot disagree.
 */
#ifndef PT_NGRAMS_H
#define PT_NGRAMS_H

#include "pt_common.h"

#define PT_NGRAM_MAX_N 16		/* the longest n-grams supported */

/* Upper bound on the n-grams (and so features) of a text of len bytes */
size_t		pt_char_ngram_max_features(size_t len, int nmin, int nmax);

/*
 * Every n-gram occurrence of valid UTF-8 text, in order of n then position:
 * its bucket and byte range [start, end).  Arrays need
 * pt_char_ngram_max_features(len, ...) entries; *n receives the count.
 */
pt_status	pt_char_ngram_occurrences(const char *text, size_t len, int nmin, int nmax,
									  int buckets, int32_t *bucket, uint32_t *start,
									  uint32_t *end, size_t *n, pt_err *err);

/*
 * Features of valid UTF-8 text: writes at most cap (bucket, value) pairs,
 * sorted by bucket, and returns in *n how many there are (which may exceed
 * cap: call again with more room).  Empty text gives none.
 */
pt_status	pt_char_ngram_features(const char *text, size_t len, int nmin, int nmax,
								   int buckets, int32_t *idx, float *val, size_t cap,
								   size_t *n, pt_err *err);

/*
 * out[c] = Σ value · w[bucket · classes + c] over the features of valid
 * UTF-8 text, for c < classes (w holds `classes` weights per bucket): the
 * dot product of pt_char_ngram_features' pairs with w, without sorting
 * (the n-grams are counted in a hash table and summed in order of first
 * occurrence, so the last bits may differ).  Empty text gives 0.
 */
pt_status	pt_char_ngram_dot(const char *text, size_t len, int nmin, int nmax,
							  int buckets, const float *w, int classes, float *out,
							  pt_err *err);

/* qsort/bsearch order of int32 values (the feature ids are sorted by it) */
int			pt_compare_int32(const void *a, const void *b);

#endif							/* PT_NGRAMS_H */
