/*
 * lexicon.c — the words of an input and the check of lexicon.h: a sorted
 * array of the input's words (ASCII lower case) searched by binary search,
 * exactly for a finished word and by prefix for the one still growing, and
 * sorted code point sets for Han and other characters.
 */
#include "lexicon.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

const char *const pt_connectives_en[] = {
	"a", "an", "the", "and", "or", "with", "for", "of", "in", "on", "to", "by", "from", "at",
	"as", "is", "are", "has", "have", "its", "it", "this", "that", "these", "those", "x", NULL
};
const char	pt_connectives_zh[] = "的和与及或款是有";

int
pt_word_in_list(const char *const *list, const char *s, size_t len)
{
	char		w[8];

	if (len == 0 || len >= sizeof w)
		return 0;
	memcpy(w, s, len);
	pt_ascii_lower(w, len);
	for (const char *const *c = list; *c != NULL; c++)
		if (strlen(*c) == len && memcmp(w, *c, len) == 0)
			return 1;
	return 0;
}

int
pt_connective_en(const char *s, size_t len)
{
	return pt_word_in_list(pt_connectives_en, s, len);
}

size_t
pt_drop_connective_en(const char *s, size_t len)
{
	size_t		w = len;

	while (w > 0 && pt_ascii_alnum(s[w - 1]))
		w--;
	if (w == len || w == 0 || s[w - 1] != ' ' || !pt_connective_en(s + w, len - w))
		return len;
	return w;
}

typedef struct word
{
	const char *s;				/* ASCII lower case, into the lexicon's buffer */
	size_t		n;
} word;

struct pt_lexicon
{
	char	   *buf;			/* the words' bytes */
	word	   *words;			/* sorted (word_cmp), distinct */
	size_t		n_words;
	uint32_t   *han;			/* sorted, distinct */
	size_t		n_han;
	uint32_t   *other;			/* sorted, distinct */
	size_t		n_other;
};

/* ---- characters ---- */

static int
is_word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return pt_ascii_alnum((char) cp);
	return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
		(cp >= 0x300 && cp <= 0x52F) ||	/* combining marks, Greek, Cyrillic */
		(cp >= 0x1E00 && cp <= 0x1EFF) ||	/* Latin Extended Additional */
		(cp >= 0x3041 && cp <= 0x30FA) ||	/* kana */
		(cp >= 0xAC00 && cp <= 0xD7AF);	/* Hangul */
}

/*
 * sentence punctuation any output may use (typography is not vocabulary):
 * . , ! ? : ; and their CJK forms, the enumeration comma, the ellipsis.
 * Quotes, brackets, dashes and other marks must be the input's: an
 * abstract that opens a quotation the input never had is noise.
 */
static int
is_free_punct(uint32_t cp)
{
	return (cp < 0x80 && strchr(".,!?:; ", (int) cp) != NULL && cp != 0) ||
		cp == 0x2026 || cp == 0x3001 || cp == 0x3002 || cp == 0xFF01 || cp == 0xFF0C ||
		cp == 0xFF1A || cp == 0xFF1B || cp == 0xFF1F;
}

/* emoji, pictographs, dingbats, arrows: never in an output (the ranges tidy.c drops) */
static int
is_pictograph(uint32_t cp)
{
	return (cp >= 0x2190 && cp <= 0x21FF) || (cp >= 0x2600 && cp <= 0x27BF) ||
		(cp >= 0x2B00 && cp <= 0x2BFF) || (cp >= 0xE000 && cp <= 0xF8FF) ||
		cp == 0xFE0E || cp == 0xFE0F || cp == 0x20E3 || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

/* '-' and '\'' join two runs of word characters into one word: "pour-over", "Qraa's" */
static int
is_joiner(uint32_t cp)
{
	return cp == '-' || cp == '\'';
}

/* whether the joiner at s[i] has a word character right after it */
static int
joins(const char *s, size_t len, size_t i)
{
	uint32_t	cp;

	return is_joiner((unsigned char) s[i]) && i + 1 < len &&
		pt_utf8_decode(s + i + 1, len - i - 1, &cp) > 0 && is_word_cp(cp);
}

static inline unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char) (c - 'A' + 'a') : c;
}

/* ---- sorted sets ---- */

/* order of the word a[0..an) (ASCII case folded) against the stored b[0..bn) */
static int
word_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t		n = an < bn ? an : bn;

	for (size_t i = 0; i < n; i++)
	{
		unsigned char x = fold((unsigned char) a[i]),
					y = (unsigned char) b[i];

		if (x != y)
			return x < y ? -1 : 1;
	}
	return an < bn ? -1 : an > bn;
}

static int
compare_words(const void *x, const void *y)
{
	const word *a = x,
			   *b = y;

	return word_cmp(a->s, a->n, b->s, b->n);
}

/* the first stored word not before w[0..n) */
static size_t
lower_bound(const pt_lexicon *L, const char *w, size_t n)
{
	size_t		lo = 0,
				hi = L->n_words;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (word_cmp(w, n, L->words[mid].s, L->words[mid].n) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* whether w[0..n) is a stored word (exact) or the beginning of one (prefix) */
static int
has_word(const pt_lexicon *L, const char *w, size_t n, int prefix)
{
	size_t		i = lower_bound(L, w, n);

	if (i == L->n_words)
		return 0;
	if (!prefix)
		return word_cmp(w, n, L->words[i].s, L->words[i].n) == 0;
	return L->words[i].n >= n && word_cmp(w, n, L->words[i].s, n) == 0;
}

static int
has_cp(const uint32_t *set, size_t n, uint32_t cp)
{
	return n > 0 && bsearch(&cp, set, n, sizeof cp, pt_compare_u32) != NULL;
}

/* ---- building ---- */

void
pt_lexicon_free(pt_lexicon *L)
{
	if (L == NULL)
		return;
	pt_free(L->buf);
	pt_free(L->words);
	pt_free(L->han);
	pt_free(L->other);
	pt_free(L);
}

/* append word s[0..n) lower-cased to the buffer at *at and to the word list */
static void
add_word(pt_lexicon *L, size_t *at, const char *s, size_t n)
{
	char	   *d = L->buf + *at;

	for (size_t i = 0; i < n; i++)
		d[i] = (char) fold((unsigned char) s[i]);
	L->words[L->n_words].s = d;
	L->words[L->n_words].n = n;
	L->n_words++;
	*at += n;
}

pt_status
pt_lexicon_build(const char *text, size_t len, pt_lexicon **out, pt_err *err)
{
	pt_lexicon *L = pt_alloc_zero(sizeof *L);
	size_t		extra = 0,
				n_conn = 0,
				n_zh = pt_utf8_chars(pt_connectives_zh, strlen(pt_connectives_zh)),
				at = 0,
				i = 0,
				ws = 0;
	int			in_word = 0;

	*out = NULL;
	for (; pt_connectives_en[n_conn] != NULL; n_conn++)
		extra += strlen(pt_connectives_en[n_conn]);
	if (L == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory building a lexicon");
	/* at most one word, Han or other character per input byte */
	L->buf = pt_alloc(len + extra + 1);
	L->words = pt_alloc(pt_mul_size(len / 2 + 1 + n_conn, sizeof(word)));
	L->han = pt_alloc(pt_mul_size(len / 3 + 1 + n_zh, sizeof(uint32_t)));
	L->other = pt_alloc(pt_mul_size(len + 1, sizeof(uint32_t)));
	if (!L->buf || !L->words || !L->han || !L->other)
	{
		pt_lexicon_free(L);
		return pt_fail(err, PT_ERR_NOMEM, "out of memory building a lexicon");
	}
	while (i <= len)
	{
		uint32_t	cp = ' ';
		size_t		k = i < len ? pt_utf8_decode(text + i, len - i, &cp) : 1;

		if (k == 0)				/* an invalid byte ends a word, like a space */
		{
			k = 1;
			cp = ' ';
		}
		if (i < len && (is_word_cp(cp) || (in_word && joins(text, len, i))))
		{
			if (!in_word)
				ws = i;
			in_word = 1;
			if (is_joiner(cp))	/* an input with "pour-over" may use '-' as a mark too */
				L->other[L->n_other++] = cp;
		}
		else
		{
			if (in_word)
				add_word(L, &at, text + ws, i - ws);
			in_word = 0;
			if (pt_is_ideograph(cp))
				L->han[L->n_han++] = cp;
			else if (i < len && !is_free_punct(cp) && !is_pictograph(cp) && cp != ' ' && cp != '\n')
				L->other[L->n_other++] = cp;
		}
		i += k;
	}
	for (size_t c = 0; c < n_conn; c++)
		add_word(L, &at, pt_connectives_en[c], strlen(pt_connectives_en[c]));
	for (size_t j = 0; j < strlen(pt_connectives_zh);)
	{
		uint32_t	cp;

		j += pt_utf8_decode(pt_connectives_zh + j, strlen(pt_connectives_zh) - j, &cp);
		L->han[L->n_han++] = cp;
	}
	qsort(L->words, L->n_words, sizeof(word), compare_words);
	if (L->n_words > 0)
	{
		size_t		k = 0;

		for (size_t w = 1; w < L->n_words; w++)
			if (compare_words(&L->words[w], &L->words[k]) != 0)
				L->words[++k] = L->words[w];
		L->n_words = k + 1;
	}
	L->n_han = pt_sort_unique_u32(L->han, L->n_han);
	L->n_other = pt_sort_unique_u32(L->other, L->n_other);
	*out = L;
	return PT_OK;
}

/* ---- checking ---- */

/* whether a non-word code point may appear */
static int
char_allowed(const pt_lexicon *L, uint32_t cp)
{
	if (pt_is_ideograph(cp))
		return has_cp(L->han, L->n_han, cp);
	if (is_free_punct(cp) || cp == '\n')
		return 1;
	return !is_pictograph(cp) && has_cp(L->other, L->n_other, cp);
}

/*
 * Violations in out[from..len) (at most one is counted unless count_all):
 * words outside the lexicon, Han and other characters outside it.
 */
static size_t
violations(const pt_lexicon *L, const char *out, size_t len, size_t from, int final, int count_all)
{
	size_t		bad = 0,
				i = from,
				ws = from;
	int			in_word = 0;

	while (i < len && (bad == 0 || count_all))
	{
		uint32_t	cp;
		size_t		k = pt_utf8_decode(out + i, len - i, &cp);

		if (k == 0)
		{
			/* a character cut at the end of an unfinished output: wait for its bytes */
			if (!final && len - i < 4 && ((unsigned char) out[i] & 0xC0) == 0xC0)
				break;
			bad++;
			k = 1;
			cp = ' ';
		}
		/* "pour-" may still become "pour-over" */
		if (in_word && is_joiner(cp) && i + 1 == len && !final)
		{
			i++;
			break;
		}
		if (is_word_cp(cp) || (in_word && joins(out, len, i)))
		{
			if (!in_word)
				ws = i;
			in_word = 1;
		}
		else
		{
			if (in_word && !has_word(L, out + ws, i - ws, 0))
				bad++;
			in_word = 0;
			if (!char_allowed(L, cp))
				bad++;
		}
		i += k;
	}
	if (in_word && (bad == 0 || count_all) && !has_word(L, out + ws, i - ws, !final))
		bad++;
	return bad;
}

int
pt_lexicon_allowed(const pt_lexicon *L, const char *out, size_t len, size_t from, int final)
{
	if (from > len)
		from = len;
	/* back to the start of the character, then of the word, that `from` is in */
	while (from > 0 && from < len && ((unsigned char) out[from] & 0xC0) == 0x80)
		from--;
	while (from > 0)
	{
		size_t		p = from - 1;
		uint32_t	cp;

		while (p > 0 && ((unsigned char) out[p] & 0xC0) == 0x80)
			p--;
		if (pt_utf8_decode(out + p, from - p, &cp) == 0 || !(is_word_cp(cp) || is_joiner(cp)))
			break;
		from = p;
	}
	return violations(L, out, len, from, final, 0) == 0;
}

size_t
pt_lexicon_outside(const pt_lexicon *L, const char *out, size_t len)
{
	return violations(L, out, len, 0, 1, 1);
}
