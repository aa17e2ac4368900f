/*
 * tidy.c — the rule-based clean-up of tidy.h, in two passes: characters
 * (symbols, punctuation runs, spaces), then sentences (repeats, copies
 * glued together, shouting).
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
	return cp == 0x203C || cp == 0x2049 ||	/* ‼ ⁉: emoji, not sentence marks */
		(cp >= 0x2190 && cp <= 0x21FF) ||	/* arrows */
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

/*
 * A character that carries a sentence's content: ASCII letters and digits,
 * and the letters of other scripts (Latin-1 on, Han, kana, Hangul).  Not
 * punctuation, ASCII or CJK ("。" and "!" end the same sentence), symbols or
 * spaces.
 */
static int
content_char(uint32_t cp)
{
	if (cp < 128)
		return pt_ascii_alnum((char) cp);
	return (cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7) || pt_is_ideograph(cp) ||
		(cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7A3);
}

/*
 * The content characters of s[0, len) (ASCII case-folded) into cps, and the
 * byte offset of each into at; returns how many.
 */
static size_t
sentence_content(const char *s, size_t len, uint32_t *cps, size_t *at)
{
	size_t		i = 0,
				n = 0;

	while (i < len)
	{
		uint32_t	cp;
		size_t		k = pt_utf8_decode(s + i, len - i, &cp);

		if (k == 0)
			k = 1, cp = (unsigned char) s[i];
		if (content_char(cp))
		{
			cps[n] = (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
			at[n++] = i;
		}
		i += k;
	}
	return n;
}

/* FNV-1a over content characters, one at a time; a key is h | 1, so never 0 */
#define KEY_BASIS 1469598103934665603ULL

static inline uint64_t
key_step(uint64_t h, uint32_t cp)
{
	return (h ^ cp) * 1099511628211ULL;
}

/* the key of content characters; 0 when there are none */
static uint64_t
content_key(const uint32_t *cps, size_t n)
{
	uint64_t	h = KEY_BASIS;

	for (size_t i = 0; i < n; i++)
		h = key_step(h, cps[i]);
	return n > 0 ? (h | 1) : 0;
}

/*
 * A sentence that starts with one text said twice in a row ("…客服电话
 * 4007205558官方微信…客服电话4007205558", "Black Finish SAMSUNG HTX810T
 * SOUND BAR … BLACK FINISH Visit our store": a pasted copy, in any case,
 * glued to the first, maybe with more after it): the second copy's content
 * characters are [k, 2k), and the result is k, or 0 when there is none.
 * The longest such copy wins.  Copies of fewer than MIN_COPY content
 * characters are left alone ("bye bye", "哈哈"), and so is a copy that
 * would start or end inside an ASCII word, which has no copy to keep.  Prefix
 * hashes (hash, pw: room for n + 1) make it linear in the sentence.
 */
#define MIN_COPY 8
#define COPY_MUL 0x100000001b3ULL

/* whether byte i of p is inside an ASCII word (a cut there would make two words of one) */
static int
inside_word(const char *p, size_t i)
{
	return i > 0 && pt_ascii_alnum(p[i - 1]) && pt_ascii_alnum(p[i]);
}

static size_t
copy_start(const char *p, const uint32_t *cps, const size_t *at, size_t n, uint64_t *hash, uint64_t *pw)
{
	hash[0] = 0;
	pw[0] = 1;
	for (size_t i = 0; i < n; i++)
	{
		hash[i + 1] = hash[i] * COPY_MUL + cps[i] + 1;
		pw[i + 1] = pw[i] * COPY_MUL;
	}
	for (size_t k = n / 2; k >= MIN_COPY; k--)
	{
		if (inside_word(p, at[k]) || (2 * k < n && inside_word(p, at[2 * k])))
			continue;
		if (hash[k] == hash[2 * k] - hash[k] * pw[k] &&
			memcmp(cps, cps + k, k * sizeof(uint32_t)) == 0)
			return k;
	}
	return 0;
}

/*
 * Remember the keys of a kept sentence's proper prefixes of MIN_COPY or
 * more content characters (content_key of each), so that a later sentence
 * that is only its start ("…双开神器;全球最强的虚拟引擎,…更加稳定的双", a
 * copy cut short) is known as said before; at most PREFIX_KEYS_MAX in all,
 * whatever the text's length, so the set's memory stays bounded.
 */
#define PREFIX_KEYS_MAX (1 << 16)
static void
remember_prefixes(uint64_t *set, size_t mask, size_t *count, const uint32_t *cps, size_t n)
{
	uint64_t	h = KEY_BASIS;

	for (size_t i = 0; i + 1 < n && *count < PREFIX_KEYS_MAX; i++)
	{
		h = key_step(h, cps[i]);
		if (i + 1 >= MIN_COPY)
		{
			pt_key_set_add(set, mask, h | 1);
			(*count)++;
		}
	}
}

/* where a sentence's trailing marks begin: after its last content character (n > 0) */
static size_t
content_end(const char *p, size_t plen, const size_t *at, size_t n)
{
	uint32_t	cp;
	size_t		k = pt_utf8_decode(p + at[n - 1], plen - at[n - 1], &cp);

	return at[n - 1] + (k > 0 ? k : 1);
}

/* i moved past the closing brackets and quotes at p[i, end) */
static size_t
after_closers(const char *p, size_t i, size_t end)
{
	while (i < end && strchr(")]}\"'", p[i]) != NULL)
		i++;
	return i;
}

/* pass 2: sentences, joined by the white space that preceded each in the source */
static pt_status
tidy_sentences(const char *s, size_t len, int unshout_them, char *out, size_t *out_len, pt_err *err)
{
	pt_span    *spans;
	uint64_t   *seen,			/* key_set of the kept sentences' keys */
			   *prefixes;		/* and of their prefixes (remember_prefixes) */
	uint32_t   *cps;			/* a sentence's content characters (sentence_content) */
	size_t	   *at;				/* and their byte offsets */
	uint64_t   *hash,			/* and their prefix hashes (copy_start) */
			   *pw;
	pt_namecase *names = NULL;	/* built at the first shouted sentence */
	size_t		n_spans,
				mask = 15,
				prefix_mask = 15,
				n_prefixes = 0,
				n = 0,
				kept_end = 0;	/* where the last sentence kept ends in s */
	pt_status	st;

	if ((st = pt_split_sentences(s, len, &spans, &n_spans, err)) != PT_OK)
		return st;
	while (mask < 2 * n_spans)
		mask = 2 * mask + 1;
	while (prefix_mask < 2 * (len < PREFIX_KEYS_MAX ? len : PREFIX_KEYS_MAX))
		prefix_mask = 2 * prefix_mask + 1;
	seen = pt_alloc_zero(pt_mul_size(mask + 1, sizeof(uint64_t)));
	prefixes = pt_alloc_zero(pt_mul_size(prefix_mask + 1, sizeof(uint64_t)));
	cps = pt_alloc(pt_mul_size(len + 1, sizeof(uint32_t)));
	at = pt_alloc(pt_mul_size(len + 1, sizeof(size_t)));
	hash = pt_alloc(pt_mul_size(len + 1, sizeof(uint64_t)));
	pw = pt_alloc(pt_mul_size(len + 1, sizeof(uint64_t)));
	if (seen == NULL || prefixes == NULL || cps == NULL || at == NULL || hash == NULL || pw == NULL)
	{
		pt_free(spans);
		pt_free(seen);
		pt_free(prefixes);
		pt_free(cps);
		pt_free(at);
		pt_free(hash);
		pt_free(pw);
		return pt_fail(err, PT_ERR_NOMEM, "out of memory tidying text");
	}
	for (size_t i = 0; i < n_spans; i++)
	{
		const char *p = s + spans[i].start;
		size_t		plen = spans[i].end - spans[i].start,
					n_content = sentence_content(p, plen, cps, at),
					k = copy_start(p, cps, at, n_content, hash, pw),
					cut = plen,		/* the second copy is p[cut, rest), dropped */
					rest = plen;
		uint64_t	key;

		if (k > 0)
		{
			/*
			 * each copy with its closing brackets; the first, then what follows
			 * the second as it is: more text, or the end marks.  The marks
			 * after the second copy replace those after the first ("tee,
			 * TEE." is "tee.", not "tee,."), unless the second runs straight
			 * into more text ("1.0.16,,1.0.16关键词"): then the first keeps its own.
			 */
			rest = after_closers(p, content_end(p, plen, at, 2 * k), plen);
			if (2 * k < n_content && rest == at[2 * k])
				for (cut = at[k]; cut > 0 && p[cut - 1] == ' '; cut--)
					;
			else
				cut = after_closers(p, content_end(p, plen, at, k), at[k]);
			memmove(cps + k, cps + 2 * k, (n_content - 2 * k) * sizeof(uint32_t));
			n_content -= k;
		}
		key = content_key(cps, n_content);

		/* said before, whole or as the start of a longer sentence */
		if (key == 0 || pt_key_set_has(seen, mask, key) || pt_key_set_has(prefixes, prefix_mask, key))
			continue;
		pt_key_set_add(seen, mask, key);
		remember_prefixes(prefixes, prefix_mask, &n_prefixes, cps, n_content);
		if (n > 0)
		{
			/* from the last sentence kept: one dropped between ("\n。") leaves its break */
			const char *gap = s + kept_end;
			size_t		gap_len = (size_t) (p - gap);

			if (memchr(gap, '\n', gap_len))
				out[n++] = '\n';
			else if (memchr(gap, ' ', gap_len))
				out[n++] = ' ';
		}
		kept_end = spans[i].end;
		memcpy(out + n, p, cut);
		if (cut < plen)
		{
			memcpy(out + n + cut, p + rest, plen - rest);
			plen = cut + plen - rest;
		}
		if (unshout_them && pt_text_shouted(out + n, plen))
		{
			if (names == NULL && (st = pt_namecase_build(s, len, &names, err)) != PT_OK)
				break;
			pt_text_unshout(out + n, plen, 1);
			pt_namecase_apply(names, out + n, plen, 0);
		}
		n += plen;
		if (i % 64 == 63)
			pt_check_interrupts();
	}
	pt_free(spans);
	pt_free(seen);
	pt_free(prefixes);
	pt_free(cps);
	pt_free(at);
	pt_free(hash);
	pt_free(pw);
	pt_namecase_free(names);
	*out_len = n;
	return st;
}

/* '>' only starts a run: at an end it may close an "<…>" the reader takes for a tag */
static int
separator_mark(char c, int leading)
{
	return c != '\0' && strchr(leading ? "|~*>#=-" : "|~*#=-", c) != NULL;
}

/* at s[i] a run of separator marks (• included) and spaces that no digit follows: its length, or 0 */
static size_t
separator_run(const char *s, size_t n, size_t i, int leading)
{
	size_t		k = i;

	for (;;)
	{
		if (k < n && (separator_mark(s[k], leading) || s[k] == ' '))
			k++;
		else if (k + 2 < n && memcmp(s + k, "\xe2\x80\xa2", 3) == 0)
			k += 3;				/* • */
		else
			break;
	}
	return k > i && (k == n || !(s[k] >= '0' && s[k] <= '9')) ? k - i : 0;
}

/*
 * Separator marks at the start or the end of a sentence or line go
 * (tidy.h), in place: s[0..n) becomes shorter, never longer.
 */
static size_t
trim_separators(char *s, size_t n)
{
	size_t		w = 0;
	int			at_start = 1;	/* s[i] starts the text, a line or a sentence */

	for (size_t i = 0; i < n;)
	{
		size_t		run = separator_run(s, n, i, at_start),
					end = i + run;

		/* a run that starts a sentence, or that ends one (the end, a line break or a mark after it) */
		if (run > 0 && s[i] != ' ' &&
			(at_start || end == n || s[end] == '\n' || (w > 0 && s[w - 1] == ' ' && strchr(".!?", s[end]) != NULL)))
		{
			while (!at_start && w > 0 && s[w - 1] == ' ' && (end == n || s[end] == '\n'))
				w--;			/* "Soft tee ~": the space before the mark too */
			i = end;
			continue;
		}
		at_start = s[i] == '\n' ||
			((s[i] == '.' || s[i] == '!' || s[i] == '?') && i + 1 < n && s[i + 1] == ' ') ||
			(at_start && s[i] == ' ');
		s[w++] = s[i++];
	}
	while (w > 0 && s[w - 1] == ' ')
		w--;
	return w;
}

static pt_status
tidy(const char *s, size_t len, int unshout_them, char **out, size_t *out_len, pt_err *err)
{
	char	   *chars = pt_alloc(len + 1),
			   *buf = pt_alloc(len + 1);
	size_t		n = 0;
	pt_status	st;

	*out = NULL;
	*out_len = 0;
	if (chars == NULL || buf == NULL)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory tidying text");
	else if ((st = tidy_sentences(chars, tidy_chars(s, len, chars), unshout_them, buf, &n, err)) == PT_OK)
	{
		n = trim_separators(buf, n);
		buf[n] = '\0';
		*out = buf;
		*out_len = n;
		buf = NULL;
	}
	pt_free(chars);
	pt_free(buf);
	return st;
}

pt_status
pt_text_tidy(const char *s, size_t len, char **out, size_t *out_len, pt_err *err)
{
	return tidy(s, len, 1, out, out_len, err);
}

pt_status
pt_text_tidy_keep_case(const char *s, size_t len, char **out, size_t *out_len, pt_err *err)
{
	return tidy(s, len, 0, out, out_len, err);
}
