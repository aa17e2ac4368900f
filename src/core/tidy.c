/*
 * tidy.c — the rule-based clean-up of tidy.h, in two passes: characters
 * (symbols, punctuation runs, spaces), then sentences (repeats, shouting).
 * Shouting is typography.h's: a sentence with a Han character never is, and
 * a word that the text also writes as a name outside shouted sentences
 * ("ACME" in "Made by ACME.") keeps that casing when its sentence is unshouted.
 */
#include "tidy.h"

#include <string.h>

#include "text.h"
#include "typography.h"

static int
dropped_symbol(uint32_t cp)
{
	return (cp >= 0x2190 && cp <= 0x21FF) ||	/* arrows */
		(cp >= 0x25A0 && cp <= 0x27BF) ||	/* geometric shapes, misc symbols, dingbats */
		(cp >= 0x2B00 && cp <= 0x2BFF) ||	/* misc symbols and arrows (stars) */
		(cp >= 0xE000 && cp <= 0xF8FF) ||	/* private use */
		cp == 0xFE0E || cp == 0xFE0F || cp == 0x20E3 || /* variation selectors, keycap */
		(cp >= 0x1F000 && cp <= 0x1FAFF);	/* emoji and pictographs */
}

/* marks whose runs collapse to one */
static int
collapsible(uint32_t cp)
{
	return (cp < 128 && strchr("!?,;:~*#=_", (int) cp) != NULL) || cp == 0x3002 || cp == 0x3001;
}

/* bytes of the run of copies of the k-byte character at s (at least k) */
static size_t
run_bytes(const char *s, size_t len, size_t k)
{
	size_t		r = k;

	while (r + k <= len && memcmp(s + r, s, k) == 0)
		r += k;
	return r;
}

/*
 * pass 1: symbols, punctuation runs and spaces; out has room for len bytes.
 * Punctuation that a letter or digit follows is inside a token ("5,,000",
 * "PS..ft", "5 .5"): it is copied as it is, so no new number or model
 * number can appear.
 */
static size_t
tidy_chars(const char *s, size_t len, char *out)
{
	size_t		i = 0,
				n = 0;
	uint32_t	prev = '\n';	/* the last code point written; '\n' at the start */

	while (i < len)
	{
		uint32_t	cp;
		size_t		k = pt_utf8_decode(s + i, len - i, &cp),
					run;
		int			in_token;

		if (k == 0)				/* not reached for normalized input; copy the byte */
			k = 1, cp = (unsigned char) s[i];
		if (dropped_symbol(cp) || cp == ' ')
		{
			/* a symbol becomes a space, so "soft🌟cotton" does not become one word */
			if (prev != ' ' && prev != '\n')
				out[n++] = ' ';
			prev = prev == '\n' ? '\n' : ' ';
			i += k;
			continue;
		}
		run = (collapsible(cp) || cp == '.') ? run_bytes(s + i, len - i, k) : k;
		in_token = i + run < len && pt_ascii_alnum(s[i + run]);
		if (in_token || !(collapsible(cp) || cp == '.'))
		{
			memcpy(out + n, s + i, run);
			n += run;
		}
		else
		{
			/* no space between a word and its punctuation: "fits , well" → "fits, well" */
			if (cp < 128 && strchr(",.!?;:", (int) cp) != NULL && prev == ' ' && n >= 2 &&
				strchr(",.!?;:", out[n - 2]) == NULL)
				n--;
			if (cp == '.' && run >= 3)
			{
				memcpy(out + n, "...", 3);
				n += 3;
			}
			else				/* the run, once */
			{
				memcpy(out + n, s + i, k);
				n += k;
			}
		}
		i += run;
		prev = cp;
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\n'))
		n--;
	return n;
}

/* FNV-1a over the sentence's letters and digits, ASCII case-folded; 0 when it has none */
static uint64_t
sentence_key(const char *s, size_t len)
{
	uint64_t	h = 1469598103934665603ULL;
	int			any = 0;

	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 128 && !pt_ascii_alnum((char) c))
			continue;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 1099511628211ULL;
		any = 1;
	}
	return any ? (h | 1) : 0;
}

/* write a shouted sentence in sentence case: words lower-cased unless they hold a digit, or are "I" */
static void
unshout(const char *s, size_t len, char *out)
{
	size_t		i = 0;

	while (i < len)
	{
		size_t		end = i;
		int			digit = 0;

		if (!pt_ascii_alnum(s[i]))
		{
			out[i] = s[i];
			i++;
			continue;
		}
		for (; end < len && (pt_ascii_alnum(s[end]) || s[end] == '-' || s[end] == '\''); end++)
			digit |= s[end] >= '0' && s[end] <= '9';
		for (size_t j = i; j < end; j++)
			out[j] = (!digit && s[j] >= 'A' && s[j] <= 'Z') ? (char) (s[j] + 'a' - 'A') : s[j];
		if (end - i == 1 && s[i] == 'I')
			out[i] = 'I';
		i = end;
	}
	if (len > 0 && out[0] >= 'a' && out[0] <= 'z')
		out[0] -= 'a' - 'A';
}

/* pass 2: sentences, joined by the white space that preceded each in the source */
static pt_status
tidy_sentences(const char *s, size_t len, char *out, size_t *out_len, pt_err *err)
{
	pt_span    *spans;
	uint64_t   *seen;			/* open-addressing set of sentence keys, 0 = empty */
	pt_namecase *names = NULL;	/* built at the first shouted sentence */
	size_t		n_spans,
				mask = 15,
				n = 0;
	pt_status	st;

	if ((st = pt_split_sentences(s, len, &spans, &n_spans, err)) != PT_OK)
		return st;
	while (mask < 2 * n_spans)
		mask = 2 * mask + 1;
	if ((seen = pt_alloc_zero(pt_mul_size(mask + 1, sizeof(uint64_t)))) == NULL)
	{
		pt_free(spans);
		return pt_fail(err, PT_ERR_NOMEM, "out of memory tidying text");
	}
	for (size_t i = 0; i < n_spans; i++)
	{
		const char *p = s + spans[i].start;
		size_t		plen = spans[i].end - spans[i].start,
					slot;
		uint64_t	key = sentence_key(p, plen);

		if (key == 0)
			continue;
		for (slot = key & mask; seen[slot] != 0 && seen[slot] != key; slot = (slot + 1) & mask)
			;
		if (seen[slot] == key)	/* said before */
			continue;
		seen[slot] = key;
		if (n > 0)				/* so i > 0 */
		{
			const char *gap = s + spans[i - 1].end;
			size_t		gap_len = (size_t) (p - gap);

			if (memchr(gap, '\n', gap_len))
				out[n++] = '\n';
			else if (memchr(gap, ' ', gap_len))
				out[n++] = ' ';
		}
		if (pt_text_shouted(p, plen))
		{
			if (names == NULL && (st = pt_namecase_build(s, len, &names, err)) != PT_OK)
				break;
			unshout(p, plen, out + n);
			pt_namecase_apply(names, out + n, plen);
		}
		else
			memcpy(out + n, p, plen);
		n += plen;
		if (i % 64 == 63)
			pt_check_interrupts();
	}
	pt_free(spans);
	pt_free(seen);
	pt_namecase_free(names);
	*out_len = n;
	return st;
}

pt_status
pt_text_tidy(const char *s, size_t len, char **out, size_t *out_len, pt_err *err)
{
	char	   *chars = pt_alloc(len + 1),
			   *buf = pt_alloc(len + 1);
	size_t		n = 0;
	pt_status	st;

	*out = NULL;
	*out_len = 0;
	if (chars == NULL || buf == NULL)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory tidying text");
	else if ((st = tidy_sentences(chars, tidy_chars(s, len, chars), buf, &n, err)) == PT_OK)
	{
		buf[n] = '\0';
		*out = buf;
		*out_len = n;
		buf = NULL;
	}
	pt_free(chars);
	pt_free(buf);
	return st;
}
