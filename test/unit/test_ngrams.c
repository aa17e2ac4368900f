/*
 * test_ngrams.c — hashed character n-grams (ngrams.h): the occurrences
 * against a plain FNV-1a of each n-gram's bytes, in their documented order,
 * and the features' sort and sublinear weights.
 */
#include "ngrams.h"
#include "unit.h"

#include <stdlib.h>

/* FNV-1a over the bytes, then over n, modulo buckets: the rule of ngrams.h, spelled out */
static int32_t
naive_bucket(const char *bytes, size_t len, int n, int buckets)
{
	uint32_t	h = 2166136261u;

	for (size_t i = 0; i < len; i++)
	{
		h ^= (uint8_t) bytes[i];
		h *= 16777619u;
	}
	h ^= (uint32_t) n;
	h *= 16777619u;
	return (int32_t) (h % (uint32_t) buckets);
}

/* byte length of the UTF-8 sequence led by c (valid input) */
static size_t
seq_len(uint8_t c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

TEST(ngram_occurrences_match_naive_hash_in_order)
{
	const char *text = "Good 好评! très bien";
	size_t		len = strlen(text),
				n_chars = 0,
				at[64],
				cap = pt_char_ngram_max_features(len, 2, 4),
				n,
				i = 0;
	int32_t    *bucket = malloc(sizeof(int32_t) * cap);
	uint32_t   *start = malloc(sizeof(uint32_t) * cap),
			   *end = malloc(sizeof(uint32_t) * cap);
	pt_err		err;

	for (size_t b = 0; b < len; b += seq_len((uint8_t) text[b]))
		at[n_chars++] = b;
	at[n_chars] = len;
	CHECK(pt_char_ngram_occurrences(text, len, 2, 4, 1 << 18, bucket, start, end, &n, &err) == PT_OK);
	/* n outer, position inner */
	for (int g = 2; g <= 4; g++)
		for (size_t c = 0; c + (size_t) g <= n_chars; c++, i++)
		{
			CHECK(i < n);
			if (i >= n)
				break;
			CHECK(start[i] == at[c]);
			CHECK(end[i] == at[c + g]);
			CHECK(bucket[i] == naive_bucket(text + at[c], at[c + g] - at[c], g, 1 << 18));
		}
	CHECK(i == n);
	free(bucket);
	free(start);
	free(end);
}

/* sorted distinct buckets, 1 + ln(count) scaled to unit norm; long inputs take the radix sort */
TEST(ngram_features_sorted_sublinear_unit_norm)
{
	char		text[400];
	size_t		len,
				cap,
				n;
	int32_t    *idx;
	float	   *val;
	double		norm = 0;
	pt_err		err;

	for (len = 0; len < sizeof text - 1; len++)
		text[len] = "abcab "[len % 6];
	text[len] = '\0';
	cap = pt_char_ngram_max_features(len, 1, 3);
	idx = malloc(sizeof(int32_t) * cap);
	val = malloc(sizeof(float) * cap);
	CHECK(pt_char_ngram_features(text, len, 1, 3, 1 << 18, idx, val, cap, &n, &err) == PT_OK);
	CHECK(n > 1 && n < 30);
	for (size_t i = 0; i < n; i++)
	{
		norm += (double) val[i] * val[i];
		if (i > 0)
			CHECK(idx[i - 1] < idx[i]);
	}
	CHECK_NEAR(norm, 1.0, 1e-5);
	/* "a" occurs 133 times, " " 66 times: their weights keep the ratio of 1 + ln(count) */
	{
		int32_t		a = naive_bucket("a", 1, 1, 1 << 18),
					sp = naive_bucket(" ", 1, 1, 1 << 18);
		float		va = 0,
					vs = 0;

		for (size_t i = 0; i < n; i++)
		{
			va = idx[i] == a ? val[i] : va;
			vs = idx[i] == sp ? val[i] : vs;
		}
		CHECK_NEAR(va / vs, (1.0 + log(133.0)) / (1.0 + log(66.0)), 1e-5);
	}
	free(idx);
	free(val);
}

/*
 * pt_char_ngram_dot is the features' dot product with a weight table, for
 * few n-grams and for many more n-grams than buckets (its counting table is
 * then sized by the buckets).
 */
TEST(ngram_dot_equals_features_times_weights)
{
	enum
	{
		CLASSES = 3
	};
	static const int bucket_counts[] = {1 << 18, 64};
	static const size_t lens[] = {40, 3000};
	char		text[3001];
	pt_err		err;

	for (size_t i = 0; i < sizeof text - 1; i++)
		text[i] = "the quick brown fox, jumps! "[(i * 7 + i / 5) % 28];
	text[sizeof text - 1] = '\0';
	for (int b = 0; b < 2; b++)
		for (int l = 0; l < 2; l++)
		{
			int			buckets = bucket_counts[b];
			size_t		len = lens[l],
						cap = pt_char_ngram_max_features(len, 1, 5),
						n;
			int32_t    *idx = malloc(sizeof(int32_t) * cap);
			float	   *val = malloc(sizeof(float) * cap),
					   *w = malloc(sizeof(float) * (size_t) buckets * CLASSES),
						out[CLASSES];
			double		want[CLASSES] = {0};

			for (size_t i = 0; i < (size_t) buckets * CLASSES; i++)
				w[i] = (float) ((i * 2654435761u) % 1000) / 500.0f - 1.0f;
			CHECK(pt_char_ngram_features(text, len, 1, 5, buckets, idx, val, cap, &n, &err) == PT_OK);
			CHECK(n <= (size_t) buckets);
			for (size_t i = 0; i < n; i++)
				for (int c = 0; c < CLASSES; c++)
					want[c] += (double) val[i] * w[(size_t) idx[i] * CLASSES + c];
			CHECK(pt_char_ngram_dot(text, len, 1, 5, buckets, w, CLASSES, out, &err) == PT_OK);
			for (int c = 0; c < CLASSES; c++)
				CHECK_NEAR(out[c], want[c], 1e-4);
			free(idx);
			free(val);
			free(w);
		}
}
