/*
 * ascii_words.h — a test oracle shared by test_rewrite.c and
 * fuzz_rewrite.c, written apart from the core's own guard: the first ASCII
 * word (run of letters and digits) of out that is not a whole word of
 * text, ignoring ASCII case.
 */
#ifndef PT_TEST_ASCII_WORDS_H
#define PT_TEST_ASCII_WORDS_H

#include <stddef.h>
#include <strings.h>

static inline int
test_alnum(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* offset in out of the first word that text lacks, with its length in *n; -1 when there is none */
static inline long
missing_ascii_word(const char *text, size_t len, const char *out, size_t out_len, size_t *n)
{
	for (size_t i = 0; i < out_len;)
	{
		size_t		w = 0;
		int			found = 0;

		while (i + w < out_len && test_alnum(out[i + w]))
			w++;
		for (size_t p = 0; w > 0 && !found && p + w <= len; p++)
			found = (p == 0 || !test_alnum(text[p - 1])) && (p + w == len || !test_alnum(text[p + w])) &&
				strncasecmp(text + p, out + i, w) == 0;
		if (w > 0 && !found)
		{
			*n = w;
			return (long) i;
		}
		i += w + 1;
	}
	return -1;
}

#endif							/* PT_TEST_ASCII_WORDS_H */
