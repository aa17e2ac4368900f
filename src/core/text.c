/*
 * text.c — the text front end: UTF-8, normalization of raw (often HTML)
 * input, sentence splitting and language detection.
 *
 * All of this runs on untrusted input, so every scan is linear in the input
 * size: a search that could restart at every position (the '>' closing a
 * tag, the end of a comment or of a <script>) remembers where it found its
 * target, so no byte is searched twice, and entity names are bounded.
 */
#include "text.h"

#include <string.h>

/* how many loop steps pass between two calls of pt_check_interrupts */
#define INTERRUPT_STRIDE 65536

/* entity names and numbers longer than this are not entities */
#define MAX_ENTITY_LEN 32

/* an abbreviation ("approx") is never longer than this */
#define MAX_ABBREV_LEN 8

/* a tag name is compared only when it fits here ("blockquote") */
#define MAX_TAG_NAME 10

/* white space a normalized string owes before its next character */
typedef enum pending_space
{
	PENDING_NONE = 0,
	PENDING_SPACE = 1,
	PENDING_BREAK = 2
} pending_space;

typedef struct outbuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	pending_space pending;
} outbuf;

/*
 * Where a search for a fixed string last looked: the first match at or after
 * `from` is `at` (the text length when there is none).  A later search that
 * starts inside [from, at] gets the same answer without scanning again.
 */
typedef struct search_cache
{
	size_t		from;
	size_t		at;
} search_cache;

typedef struct html_scan
{
	const char *s;
	size_t		len;
	search_cache gt;			/* '>' */
	search_cache comment_end;	/* "-->" */
	search_cache script_end;	/* "</script" */
	search_cache style_end;		/* "</style" */
} html_scan;

typedef struct entity
{
	const char *name;
	uint32_t	cp;
} entity;

static const entity named_entities[] = {
	{"nbsp", 0x00A0}, {"amp", '&'}, {"lt", '<'}, {"gt", '>'},
	{"quot", '"'}, {"apos", '\''}, {"hellip", 0x2026}, {"mdash", 0x2014},
	{"ndash", 0x2013}, {"rsquo", 0x2019}, {"lsquo", 0x2018},
	{"rdquo", 0x201D}, {"ldquo", 0x201C}, {"laquo", 0x00AB},
	{"raquo", 0x00BB}, {"bull", 0x2022}, {"middot", 0x00B7},
	{"times", 0x00D7}, {"divide", 0x00F7}, {"deg", 0x00B0},
	{"reg", 0x00AE}, {"trade", 0x2122}, {"copy", 0x00A9},
	{"yen", 0x00A5}, {"euro", 0x20AC}, {"pound", 0x00A3},
	{"cent", 0x00A2}, {"sect", 0x00A7}, {"para", 0x00B6},
	{"plusmn", 0x00B1}, {"ensp", 0x2002}, {"emsp", 0x2003},
	{"thinsp", 0x2009},
	/* HTML5's upper-case spellings (a shouting seller writes "EDITION&TRADE;") */
	{"AMP", '&'}, {"LT", '<'}, {"GT", '>'}, {"QUOT", '"'},
	{"REG", 0x00AE}, {"TRADE", 0x2122}, {"COPY", 0x00A9},
};

/* tags that end a line of text; everything else but td/th is inline */
static const char *const block_tags[] = {
	"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
	"ul", "ol", "table", "hr", "blockquote", "pre", "section", "article",
	"header", "footer", "dl", "dt", "dd", "title",
};

/*
 * Abbreviations after which '.' does not end a sentence (besides initials:
 * "J.", "U.S.", "e.g.", "i.e.").  A listed word that starts in lower case
 * also matches with a capital ("Etc.", "Vs."), since it may open a sentence;
 * "No." matches only as written, so "said no." ends one, and so do the
 * street words ("the 3rd." ends one).  Listings abbreviate units and
 * places: "10 Cu. Ft. White Refrigerator", "Our apt. is", "Ft. Greene".
 */
static const char *const abbreviations[] = {
	"Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Jr", "Sr", "vs", "etc", "No",
	"approx", "incl", "Inc", "Ltd", "Co", "Corp", "Bros", "Dept",
	"cu", "ft", "sq", "apt", "Ave", "Blvd", "Rd", "Mt",
};

#define lengthof(a) (sizeof(a) / sizeof((a)[0]))

static int	next_sentence(const char *s, size_t len, size_t *pos, pt_span *span);

const char *
pt_lang_name(pt_lang lang)
{
	switch (lang)
	{
		case PT_LANG_EN:
			return "en";
		case PT_LANG_ZH:
			return "zh";
		case PT_LANG_OTHER:
			break;
	}
	return "other";
}

/* ---------------------------------------------------------------- UTF-8 */

size_t
pt_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *) s;
	unsigned char lo = 0x80,
				hi = 0xBF;
	uint32_t	c;
	size_t		n,
				k;

	if (s == NULL || len == 0)
		return 0;
	if (u[0] < 0x80)
	{
		n = 1;
		c = u[0];
	}
	else if (u[0] >= 0xC2 && u[0] <= 0xDF)
	{
		n = 2;
		c = u[0] & 0x1F;
	}
	else if (u[0] >= 0xE0 && u[0] <= 0xEF)
	{
		n = 3;
		c = u[0] & 0x0F;
		/* the second byte's range is what rules out overlongs and surrogates */
		if (u[0] == 0xE0)
			lo = 0xA0;
		else if (u[0] == 0xED)
			hi = 0x9F;
	}
	else if (u[0] >= 0xF0 && u[0] <= 0xF4)
	{
		n = 4;
		c = u[0] & 0x07;
		/* likewise overlongs, and code points above U+10FFFF */
		if (u[0] == 0xF0)
			lo = 0x90;
		else if (u[0] == 0xF4)
			hi = 0x8F;
	}
	else
		return 0;				/* continuation byte, C0/C1 overlong lead, F5+ */

	if (len < n)
		return 0;
	if (n > 1 && (u[1] < lo || u[1] > hi))
		return 0;
	for (k = 1; k < n; k++)
	{
		if ((u[k] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[k] & 0x3F);
	}
	if (cp)
		*cp = c;
	return n;
}

size_t
pt_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *u = (unsigned char *) out;

	if (cp < 0x80)
	{
		u[0] = (unsigned char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		u[0] = (unsigned char) (0xC0 | (cp >> 6));
		u[1] = (unsigned char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000)
	{
		u[0] = (unsigned char) (0xE0 | (cp >> 12));
		u[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char) (0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF)
	{
		u[0] = (unsigned char) (0xF0 | (cp >> 18));
		u[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
		u[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
		u[3] = (unsigned char) (0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

/* byte offset of the first invalid sequence in s, or len when there is none */
static size_t
utf8_invalid_offset(const char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		size_t		n;

		/* ASCII runs are the common case; skip them without decoding */
		if ((unsigned char) s[i] < 0x80)
		{
			i++;
			continue;
		}
		n = pt_utf8_decode(s + i, len - i, NULL);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

int
pt_utf8_valid(const char *s, size_t len)
{
	if (s == NULL)
		return len == 0;
	return utf8_invalid_offset(s, len) == len;
}

static int
is_continuation(char c)
{
	return ((unsigned char) c & 0xC0) == 0x80;
}

size_t
pt_utf8_chars(const char *s, size_t len)
{
	size_t		n = 0,
				i;

	for (i = 0; i < len; i++)
		if (!is_continuation(s[i]))
			n++;
	return n;
}

size_t
pt_utf8_prefix(const char *s, size_t len, size_t max_chars)
{
	size_t		n = 0,
				i;

	for (i = 0; i < len; i++)
	{
		if (!is_continuation(s[i]))
		{
			if (n == max_chars)
				break;
			n++;
		}
	}
	return i;
}

/*
 * Decode at s[i] for the scanners that accept unvalidated text (sentence
 * splitting, language detection): a bad byte reads as U+FFFD of length 1, so
 * they always make progress.
 */
static size_t
decode_lenient(const char *s, size_t len, size_t i, uint32_t *cp)
{
	size_t		n = pt_utf8_decode(s + i, len - i, cp);

	if (n == 0)
	{
		*cp = 0xFFFD;
		n = 1;
	}
	return n;
}

/* ------------------------------------------------------- character classes */

static int
is_ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char
ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/* white space that makes a run of white space a line break */
static int
is_line_break(uint32_t cp)
{
	/* \r, \v, \f and NEL break lines too, or "a\rb" would become "ab" */
	return cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C ||
		cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

static int
is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x1680 ||
		(cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
		cp == 0x3000;
}

/* control and zero-width characters; tested after the white space above */
static int
is_dropped(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
		(cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

/* ideographs plus the scripts and punctuation written among them */
static int
is_cjk(uint32_t cp)
{
	return pt_is_ideograph(cp) || (cp >= 0x3000 && cp <= 0x30FF) ||
		(cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

/* Latin script: ASCII letters, Latin-1 letters, Latin Extended-A/B and Additional */
static int
is_latin_letter(uint32_t cp)
{
	return (cp < 0x80 && is_ascii_alpha((char) cp)) ||
		(cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
		(cp >= 0x1E00 && cp <= 0x1EFF);
}

/*
 * Letters of other scripts: Greek to Mongolian (incl. Cyrillic, Hebrew,
 * Arabic, the Indic scripts, Thai), Greek Extended, kana, Hangul.
 */
static int
is_other_letter(uint32_t cp)
{
	return (cp >= 0x370 && cp <= 0x1DFF) || (cp >= 0x1F00 && cp <= 0x1FFF) ||
		(cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3130 && cp <= 0x318F) ||
		(cp >= 0xAC00 && cp <= 0xD7AF);
}

/* ------------------------------------------------------------ normalizing */

static int
outbuf_reserve(outbuf *b, size_t extra)
{
	size_t		cap = b->cap;
	char	   *p;

	if (cap - b->len >= extra)
		return 1;
	while (cap - b->len < extra)
	{
		if (cap > SIZE_MAX / 2)
			return 0;
		cap *= 2;
	}
	p = pt_realloc(b->data, cap);
	if (p == NULL)
		return 0;
	b->data = p;
	b->cap = cap;
	return 1;
}

/* ｡｢｣､ (U+FF61–U+FF64) as NFKC writes them: 。「」、 */
static uint32_t
halfwidth_cjk_mark(uint32_t cp)
{
	static const uint32_t full[] = {0x3002, 0x300C, 0x300D, 0x3001};

	return full[cp - 0xFF61];
}

/*
 * Append one code point of text, applying the character rules: white space
 * only accumulates (it is written, as one ' ' or '\n', before the next
 * visible character, so leading and trailing runs vanish), controls and
 * zero-width characters disappear, full-width ASCII folds.
 */
static int
emit(outbuf *b, uint32_t cp)
{
	if (is_line_break(cp))
	{
		b->pending = PENDING_BREAK;
		return 1;
	}
	if (is_space(cp))
	{
		if (b->pending == PENDING_NONE)
			b->pending = PENDING_SPACE;
		return 1;
	}
	if (is_dropped(cp))
		return 1;
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	else if (cp >= 0xFF61 && cp <= 0xFF64)
		cp = halfwidth_cjk_mark(cp);

	/* a separator, four bytes of character and the final NUL */
	if (!outbuf_reserve(b, 6))
		return 0;
	if (b->pending != PENDING_NONE && b->len > 0)
		b->data[b->len++] = b->pending == PENDING_BREAK ? '\n' : ' ';
	b->pending = PENDING_NONE;
	b->len += pt_utf8_encode(cp, b->data + b->len);
	return 1;
}

/* a tag boundary between words, as opposed to one inside a word (<b>) */
static void
emit_separator(outbuf *b, pending_space kind)
{
	if (b->pending < kind)
		b->pending = kind;
}

static size_t
find_string(const char *s, size_t len, size_t from, const char *needle,
			size_t n, int ignore_case)
{
	size_t		i,
				k;

	for (i = from; i < len && len - i >= n; i++)
	{
		for (k = 0; k < n; k++)
		{
			char		c = ignore_case ? ascii_lower(s[i + k]) : s[i + k];

			if (c != needle[k])
				break;
		}
		if (k == n)
			return i;
	}
	return len;
}

static size_t
cached_find(html_scan *h, search_cache *c, size_t from, const char *needle,
			int ignore_case)
{
	if (from < c->from || from > c->at)
	{
		size_t		n = strlen(needle);

		if (n == 1)
		{
			const char *p = memchr(h->s + from, needle[0], h->len - from);

			c->at = p ? (size_t) (p - h->s) : h->len;
		}
		else
			c->at = find_string(h->s, h->len, from, needle, n, ignore_case);
		c->from = from;
	}
	return c->at;
}

static int
name_in(const char *name, const char *const *list, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

/*
 * End of a <script> or <style> element whose start tag closes at gt: past
 * its end tag, or the end of the text when it is never closed (a browser
 * would not show that text either).
 */
static size_t
skip_raw_text(html_scan *h, size_t gt, int is_script)
{
	size_t		end,
				close;

	if (is_script)
		end = cached_find(h, &h->script_end, gt + 1, "</script", 1);
	else
		end = cached_find(h, &h->style_end, gt + 1, "</style", 1);
	if (end == h->len)
		return h->len;
	close = cached_find(h, &h->gt, end, ">", 0);
	return close == h->len ? h->len : close + 1;
}

#define MAX_BRACKETED 256		/* bytes of an "<…>" aside read as markup (below) */

/*
 * An aside in angle brackets that is no tag ("<3片装送后膜>", "<新增手写文稿功
 *能>" in Chinese titles): '<', then no white space, closed by a '>' on the
 * same line within MAX_BRACKETED bytes with no '<' between.  Readers of the
 * text, and the contract's trust checker, take it for markup, so it goes
 * like a tag.  Returns 1 with *next past it.
 */
static int
skip_bracketed(const char *s, size_t len, size_t i, size_t *next)
{
	if (i + 1 >= len || s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '\n' || s[i + 1] == '\r' ||
		s[i + 1] == '<' || s[i + 1] == '>' || s[i + 1] == '=')
		return 0;
	for (size_t k = i + 2; k < len && k - i < MAX_BRACKETED; k++)
	{
		if (s[k] == '<' || s[k] == '\n' || s[k] == '\r')
			return 0;
		if (s[k] == '>')
		{
			*next = k + 1;
			return 1;
		}
	}
	return 0;
}

/*
 * Markup at s[i] == '<': '<' and then a letter, '/', '!' or '?', closed by a
 * '>' (or "-->" for a comment), or an aside in angle brackets
 * (skip_bracketed).  Returns 1 with *next past the markup, or 0 when s[i]
 * is a literal '<' ("size < 5", or a tag that never closes).
 */
static int
skip_markup(html_scan *h, size_t i, outbuf *b, size_t *next)
{
	const char *s = h->s;
	size_t		len = h->len;
	size_t		j = i + 1,
				gt,
				n = 0;
	char		name[MAX_TAG_NAME + 1];
	int			closing = 0;

	if (j >= len || !(is_ascii_alpha(s[j]) || s[j] == '/' || s[j] == '!' ||
					  s[j] == '?'))
	{
		if (!skip_bracketed(s, len, i, next))
			return 0;
		emit_separator(b, PENDING_SPACE);
		return 1;
	}
	if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0)
	{
		size_t		end = cached_find(h, &h->comment_end, i + 4, "-->", 0);

		if (end == len)
			return 0;
		*next = end + 3;
		return 1;
	}
	gt = cached_find(h, &h->gt, j, ">", 0);
	if (gt == len)
		return 0;
	*next = gt + 1;

	if (s[j] == '/')
	{
		closing = 1;
		j++;
	}
	while (j < gt && (is_ascii_alpha(s[j]) || is_ascii_digit(s[j])) &&
		   n <= MAX_TAG_NAME)
		name[n++] = ascii_lower(s[j++]);
	if (n == 0 || n > MAX_TAG_NAME)
		return 1;				/* <!DOCTYPE>, <?xml?>, or no tag we know */
	name[n] = '\0';

	if (!closing && strcmp(name, "script") == 0)
		*next = skip_raw_text(h, gt, 1);
	else if (!closing && strcmp(name, "style") == 0)
		*next = skip_raw_text(h, gt, 0);
	else if (name_in(name, block_tags, lengthof(block_tags)))
		emit_separator(b, PENDING_BREAK);
	else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		emit_separator(b, PENDING_SPACE);
	return 1;
}

static int
hex_value(char c)
{
	if (is_ascii_digit(c))
		return c - '0';
	c = ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* &#NNN; or &#xHH; at s[i]: bytes consumed, or 0 when not a valid reference */
static size_t
decode_numeric_ref(const char *s, size_t len, size_t i, uint32_t *cp)
{
	size_t		j = i + 2,
				start;
	uint32_t	base = 10,
				v = 0;

	if (j < len && (s[j] == 'x' || s[j] == 'X'))
	{
		base = 16;
		j++;
	}
	start = j;
	while (j < len && j - start < MAX_ENTITY_LEN)
	{
		int			d = hex_value(s[j]);

		if (d < 0 || (uint32_t) d >= base)
			break;
		/* saturate just past the Unicode range instead of overflowing */
		v = v * base + (uint32_t) d;
		if (v > 0x10FFFF)
			v = 0x110000;
		j++;
	}
	if (j == start || j >= len || s[j] != ';')
		return 0;
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return j + 1 - i;
}

/* a character reference at s[i] == '&': bytes consumed, or 0 to keep it literally */
static size_t
decode_entity(const char *s, size_t len, size_t i, uint32_t *cp)
{
	size_t		j = i + 1,
				k;

	if (j < len && s[j] == '#')
		return decode_numeric_ref(s, len, i, cp);
	while (j < len && j - (i + 1) < MAX_ENTITY_LEN &&
		   (is_ascii_alpha(s[j]) || is_ascii_digit(s[j])))
		j++;
	if (j == i + 1 || j >= len || s[j] != ';')
		return 0;
	for (k = 0; k < lengthof(named_entities); k++)
	{
		const char *name = named_entities[k].name;

		if (strlen(name) == j - (i + 1) && memcmp(name, s + i + 1, j - (i + 1)) == 0)
		{
			*cp = named_entities[k].cp;
			return j + 1 - i;
		}
	}
	return 0;
}

/*
 * Where to cut normalized text s that is longer than max_chars: the end of
 * the last sentence that fits, else the last white space that fits, else
 * exactly max_chars code points.
 */
static size_t
cut_point(const char *s, size_t len, size_t max_chars)
{
	size_t		limit = pt_utf8_prefix(s, len, max_chars),
				pos = 0,
				best = 0,
				k;
	pt_span		span;

	while (next_sentence(s, len, &pos, &span) && span.end <= limit)
		best = span.end;
	if (best > 0)
		return best;

	/* s[limit] exists (s is longer), and white space there is a word end too */
	for (k = limit; k > 0; k--)
		if (s[k] == ' ' || s[k] == '\n')
			return k;			/* runs are collapsed: s[k - 1] is no space */
	return limit;
}

/*
 * Whether normalizing in[0..len) gives it back unchanged: printable ASCII
 * without markup or character references ('<', '&'), single spaces between
 * words and none at either end.  Most reviews are, and skip the scan.
 */
static int
already_normal(const char *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
	{
		uint8_t		c = (uint8_t) in[i];

		if (c < 0x20 || c > 0x7E || c == '<' || c == '&')
			return 0;
		if (c == ' ' && (i == 0 || i + 1 == len || in[i + 1] == ' '))
			return 0;
	}
	return 1;
}

pt_status
pt_text_normalize(const char *in, size_t len, size_t max_chars,
				  char **out, size_t *out_len, pt_err *err)
{
	outbuf		b = {NULL, 0, 0, PENDING_NONE};
	html_scan	h;
	size_t		bad,
				i = 0,
				steps = 0;

	if (out == NULL || out_len == NULL || (in == NULL && len > 0))
		return pt_fail(err, PT_ERR_ARG, "pt_text_normalize: bad argument");
	*out = NULL;
	*out_len = 0;
	if (in == NULL)
		in = "";

	if ((max_chars == 0 || len <= max_chars) && already_normal(in, len))
	{
		if ((*out = pt_alloc(len + 1)) == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "out of memory normalizing %zu bytes", len);
		memcpy(*out, in, len);
		(*out)[len] = '\0';
		*out_len = len;
		return PT_OK;
	}
	bad = utf8_invalid_offset(in, len);
	if (bad < len)
		return pt_fail(err, PT_ERR_INVALID_UTF8,
					   "invalid UTF-8 at byte offset %zu", bad);

	/* the output rarely outgrows the input; outbuf_reserve grows it if so */
	b.cap = len < SIZE_MAX - 16 ? len + 16 : SIZE_MAX;
	b.data = pt_alloc(b.cap);
	if (b.data == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory normalizing %zu bytes", len);

	memset(&h, 0, sizeof(h));
	h.s = in;
	h.len = len;
	h.gt.from = h.comment_end.from = h.script_end.from = h.style_end.from = SIZE_MAX;

	/* validated above, and every jump lands after an ASCII byte: n >= 1 */
	while (i < len)
	{
		uint32_t	cp;
		size_t		n,
					next;

		if (++steps % INTERRUPT_STRIDE == 0)
			pt_check_interrupts();
		if (in[i] == '<' && skip_markup(&h, i, &b, &next))
		{
			i = next;
			continue;
		}
		n = in[i] == '&' ? decode_entity(in, len, i, &cp) : 0;
		if (n == 0)
			n = pt_utf8_decode(in + i, len - i, &cp);
		if (!emit(&b, cp))
		{
			pt_free(b.data);
			return pt_fail(err, PT_ERR_NOMEM, "out of memory normalizing %zu bytes", len);
		}
		i += n;
	}

	if (max_chars > 0 && pt_utf8_chars(b.data, b.len) > max_chars)
		b.len = cut_point(b.data, b.len, max_chars);
	b.data[b.len] = '\0';		/* emit reserved room for it */
	*out = b.data;
	*out_len = b.len;
	return PT_OK;
}

/* ------------------------------------------------------------- language */

int
pt_ascii_without_entities(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((uint8_t) s[i] >= 0x80 || s[i] == '&')
			return 0;
	return 1;
}

/*
 * Counts ideographs (I), Latin letters (L) and letters of other scripts (O).
 * zh when I > 0, I * 4 >= L and I >= O: one ideograph weighs about as much as
 * a short Latin word, so a Chinese sentence naming an English brand stays zh
 * while an English sentence quoting one Chinese character is en, and
 * Japanese (more kana than kanji) is not zh.  Otherwise en when L > O (any
 * Latin-script text; the models know no other Latin language), else other:
 * Cyrillic, Arabic, Korean... or no letters at all.
 */
pt_lang
pt_detect_lang(const char *s, size_t len)
{
	size_t		ideographs = 0,
				latin = 0,
				other = 0,
				i = 0,
				steps = 0;

	if (s == NULL)
		return PT_LANG_OTHER;
	while (i < len)
	{
		uint32_t	cp;

		if (++steps % INTERRUPT_STRIDE == 0)
			pt_check_interrupts();
		i += decode_lenient(s, len, i, &cp);
		if (pt_is_ideograph(cp))
			ideographs++;
		else if (is_latin_letter(cp))
			latin++;
		else if (is_other_letter(cp))
			other++;
	}
	/* I * 4 >= L, written so that it cannot overflow */
	if (ideographs > 0 && ideographs >= latin / 4 + (latin % 4 != 0) &&
		ideographs >= other)
		return PT_LANG_ZH;
	if (latin > other)
		return PT_LANG_EN;
	return PT_LANG_OTHER;
}

/* ------------------------------------------------------------ sentences */

static int
is_ascii_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* terminators that end a sentence wherever they stand */
static int
is_strong_terminator(uint32_t cp)
{
	return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1B ||
		cp == 0x2026 || cp == 0xFF61;
}

/* terminators whose meaning depends on what is around them */
static int
is_weak_terminator(uint32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?' || cp == ';';
}

/* closing quotes and brackets that stay with the sentence they close */
static int
is_closer(uint32_t cp)
{
	return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}' ||
		cp == 0x00BB || cp == 0x2019 || cp == 0x201D || cp == 0x203A ||
		cp == 0x3009 || cp == 0x300B || cp == 0x300D || cp == 0x300F ||
		cp == 0x3011 || cp == 0xFF02 || cp == 0xFF07 || cp == 0xFF09 ||
		cp == 0xFF3D;
}

/* the code point before s[i], not looking before start; 0 when none */
static uint32_t
prev_cp(const char *s, size_t start, size_t i)
{
	size_t		k = i;
	uint32_t	cp;

	if (i <= start)
		return 0;
	do
		k--;
	while (k > start && i - k < 4 && is_continuation(s[k]));
	if (pt_utf8_decode(s + k, i - k, &cp) != i - k)
		return 0xFFFD;
	return cp;
}

/* "U.S", "e.g", "p.m": single letters joined by dots */
static int
is_dotted_initials(const char *t, size_t n)
{
	size_t		k;

	if (n < 3 || n % 2 == 0)
		return 0;
	for (k = 0; k < n; k++)
		if (k % 2 == 0 ? !is_ascii_alpha(t[k]) : t[k] != '.')
			return 0;
	return 1;
}

/* the '.' at s[dot] follows an abbreviation, an initial ("J.") or initials */
static int
is_abbreviation(const char *s, size_t start, size_t dot)
{
	size_t		b = dot,
				n,
				k;

	while (b > start && dot - b <= MAX_ABBREV_LEN &&
		   (is_ascii_alpha(s[b - 1]) || s[b - 1] == '.'))
		b--;
	n = dot - b;
	if (n == 0 || n > MAX_ABBREV_LEN)
		return 0;
	if (n == 1)
		return s[b] >= 'A' && s[b] <= 'Z';
	if (is_dotted_initials(s + b, n))
		return 1;

	for (k = 0; k < lengthof(abbreviations); k++)
	{
		const char *a = abbreviations[k];

		if (strlen(a) != n || strncmp(a + 1, s + b + 1, n - 1) != 0)
			continue;
		if (s[b] == a[0] || (a[0] >= 'a' && a[0] <= 'z' && s[b] == a[0] - 'a' + 'A'))
			return 1;
	}
	return 0;
}

/* the first non-space character at or after i is an ASCII lower-case letter */
static int
next_word_lower(const char *s, size_t len, size_t i)
{
	while (i < len && is_ascii_space(s[i]) && s[i] != '\n')
		i++;
	return i < len && s[i] >= 'a' && s[i] <= 'z';
}

/*
 * Whether the terminators s[run..run_end), followed by closing quotes up to
 * s[after], end the sentence that began at start.  '!', '?' and ';' next to
 * CJK text end it even without a following space: normalization folds "！" to "!", and
 * Chinese puts no space after it.  Otherwise a space or the end of the text
 * must follow, ';' alone never ends an English sentence, and a single '.'
 * after an abbreviation does not either.  Decimals ("3.5", "v2.0") never
 * reach here with a space after the '.'.
 */
static int
ends_sentence(const char *s, size_t len, size_t start, size_t run,
			  size_t run_end, size_t after, int has_strong)
{
	int			has_bang = 0,
				has_semicolon = 0,
				has_dot = 0;
	uint32_t	next = 0;
	size_t		k;

	if (has_strong)
		return 1;
	for (k = run; k < run_end; k++)
	{
		has_bang |= s[k] == '!' || s[k] == '?';
		has_semicolon |= s[k] == ';';
		has_dot |= s[k] == '.';
	}
	if (after < len)
		decode_lenient(s, len, after, &next);
	if ((has_bang || has_semicolon) &&
		(is_cjk(prev_cp(s, start, run)) || is_cjk(next)))
		return 1;
	if (after < len && !is_ascii_space(s[after]))
		return 0;
	if (!has_bang && !has_dot)
		return 0;
	/* "jeopardy! is one of the all-time game shows": a name's mark, the sentence goes on */
	if (has_bang && !has_dot && next_word_lower(s, len, after))
		return 0;
	if (run_end - run == 1 && s[run] == '.' && is_abbreviation(s, start, run))
		return 0;
	return 1;
}

/*
 * The next sentence at or after *pos: 1 with *span set and *pos moved past
 * it, or 0 when only white space is left.
 */
static int
next_sentence(const char *s, size_t len, size_t *pos, pt_span *span)
{
	size_t		i = *pos,
				start,
				end;

	while (i < len && is_ascii_space(s[i]))
		i++;
	if (i >= len)
	{
		*pos = len;
		return 0;
	}
	start = i;
	end = len;
	*pos = len;
	while (i < len)
	{
		uint32_t	cp;
		size_t		n = decode_lenient(s, len, i, &cp),
					run = i,
					run_end,
					after;
		int			has_strong = 0;

		if (cp == '\n')
		{
			end = i;
			*pos = i + 1;
			break;
		}
		if (!is_strong_terminator(cp) && !is_weak_terminator(cp))
		{
			i += n;
			continue;
		}
		/* the whole run of terminators ("?!", "……"), then closing quotes */
		after = i;
		while (after < len)
		{
			n = decode_lenient(s, len, after, &cp);
			if (!is_strong_terminator(cp) && !is_weak_terminator(cp))
				break;
			has_strong |= is_strong_terminator(cp);
			after += n;
		}
		run_end = after;
		while (after < len)
		{
			n = decode_lenient(s, len, after, &cp);
			if (!is_closer(cp))
				break;
			after += n;
		}
		if (ends_sentence(s, len, start, run, run_end, after, has_strong))
		{
			end = after;
			*pos = after;
			break;
		}
		i = after;
	}
	while (end > start && is_ascii_space(s[end - 1]))
		end--;
	span->start = start;
	span->end = end;
	return 1;
}

pt_status
pt_split_sentences(const char *s, size_t len, pt_span **spans,
				   size_t *n_spans, pt_err *err)
{
	pt_span    *arr = NULL;
	size_t		n = 0,
				cap = 0,
				pos = 0;
	pt_span		span;

	if (spans == NULL || n_spans == NULL || (s == NULL && len > 0))
		return pt_fail(err, PT_ERR_ARG, "pt_split_sentences: bad argument");
	*spans = NULL;
	*n_spans = 0;
	while (next_sentence(s, len, &pos, &span))
	{
		if (n == cap)
		{
			size_t		new_cap = cap ? cap * 2 : 8;
			pt_span    *p = pt_realloc(arr, pt_mul_size(new_cap, sizeof(pt_span)));

			if (p == NULL)
			{
				pt_free(arr);
				return pt_fail(err, PT_ERR_NOMEM, "out of memory splitting sentences");
			}
			arr = p;
			cap = new_cap;
		}
		arr[n++] = span;
		if (n % INTERRUPT_STRIDE == 0)
			pt_check_interrupts();
	}
	*spans = arr;
	*n_spans = n;
	return PT_OK;
}
