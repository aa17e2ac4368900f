/*
 * text.h — the text front end: UTF-8, normalization, sentences, language.
 *
 * Every model sees text only after pt_text_normalize, and the tokenizer's
 * round trip is defined against it: detokenize(tokenize(normalize(x))) ==
 * normalize(x).
 */
#ifndef PT_TEXT_H
#define PT_TEXT_H

#include "pt_common.h"

typedef enum pt_lang
{
	PT_LANG_OTHER = 0,
	PT_LANG_EN = 1,
	PT_LANG_ZH = 2
} pt_lang;

/* "en", "zh", "other" */
const char *pt_lang_name(pt_lang lang);

/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF) */
int			pt_utf8_valid(const char *s, size_t len);

/*
 * Decode one code point from s[0..len); returns the bytes consumed (1..4),
 * or 0 when the sequence is invalid or len == 0.
 */
size_t		pt_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encode cp into out (room for 4 bytes); returns bytes written, 0 if cp invalid. */
size_t		pt_utf8_encode(uint32_t cp, char *out);

/* Number of code points in valid UTF-8 */
size_t		pt_utf8_chars(const char *s, size_t len);

/* Byte length of the longest prefix of valid UTF-8 s holding at most max_chars code points. */
size_t		pt_utf8_prefix(const char *s, size_t len, size_t max_chars);

/* a CJK ideograph (Han character): the unified blocks, Extension A, compatibility, planes 2 */
static inline int
pt_is_ideograph(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
		(cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

/* CJK symbols and punctuation, full-width forms */
static inline int
pt_is_cjk_punct(uint32_t cp)
{
	return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

/* byte offset of the code point that ends at byte i of valid UTF-8 s (i > 0) */
static inline size_t
pt_utf8_start_before(const char *s, size_t i)
{
	do
		i--;
	while (i > 0 && ((unsigned char) s[i] & 0xC0) == 0x80);
	return i;
}

/* whether the code point starting at byte i of valid UTF-8 s[0, len) is an ideograph */
static inline int
pt_ideograph_at(const char *s, size_t len, size_t i)
{
	uint32_t	cp;

	return i < len && pt_utf8_decode(s + i, len - i, &cp) > 0 && pt_is_ideograph(cp);
}

/* whether the code point ending at byte i of valid UTF-8 s[0, len) is an ideograph */
static inline int
pt_ideograph_before(const char *s, size_t len, size_t i)
{
	return i > 0 && pt_ideograph_at(s, len, pt_utf8_start_before(s, i));
}

/* an ASCII letter or digit */
static inline int
pt_ascii_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* lower-case the ASCII letters of s[0, len) in place (what models trained on lower-cased text see) */
static inline void
pt_ascii_lower(char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 'a' - 'A';
}

/*
 * Normalize raw input into a new NUL-terminated string (pt_alloc'd; the
 * caller pt_frees it):
 *  - invalid UTF-8 → PT_ERR_INVALID_UTF8 (with the byte offset in the message);
 *  - HTML: tags are removed (<script>/<style> with their content); block
 *    tags (br, p, div, li, tr, h1-h6, ul, ol, table) act as line breaks;
 *    character references decoded (named: the common HTML set incl. nbsp,
 *    amp, lt, gt, quot, apos, hellip, mdash, ndash, rsquo, lsquo, rdquo,
 *    ldquo, bull, middot, times, deg, reg, trade, copy, yen, euro, pound;
 *    numeric &#NNN; and &#xHH;). A reference to an invalid code point, or an
 *    unknown name, is kept literally.  Text that merely contains '<' not
 *    followed by a tag-like character (e.g. "size < 5") is kept; an aside
 *    in angle brackets closed on its line ("<3片装送后膜>": '<', no white
 *    space, a '>' within 256 bytes and no '<' between) is dropped like a
 *    tag, as readers and the contract's trust checker take it for one.
 *  - full-width ASCII U+FF01–U+FF5E folds to U+0021–U+007E, U+3000 to space;
 *    half-width CJK marks ｡｢｣､ (U+FF61–U+FF64) to 。「」、, as NFKC does, so
 *    that a Hong Kong listing's ｡ ends a sentence like any 。;
 *  - control characters (C0 except \t \n, DEL, C1) and zero-width characters
 *    (U+200B–U+200D, U+2060, U+FEFF) are dropped;
 *  - white space: any run of white space (incl. NBSP and other Unicode
 *    spaces) becomes one ' ', or one '\n' when the run held a line break;
 *    leading and trailing white space is removed.
 *  - when max_chars > 0 and the result is longer, it is cut at the last
 *    sentence boundary within max_chars code points (or at the last space,
 *    or hard at max_chars when there is neither).
 * Output is always valid UTF-8 and never longer than the input plus a few
 * bytes per decoded entity (entities only shrink in practice).
 */
pt_status	pt_text_normalize(const char *in, size_t len, size_t max_chars,
							  char **out, size_t *out_len, pt_err *err);

/*
 * Whether s is ASCII without '&': no character reference can decode to
 * anything else, so its normalized form is ASCII too (and never zh) —
 * callers that only need to rule Chinese out can skip normalizing.
 */
int			pt_ascii_without_entities(const char *s, size_t len);

/* Per-input language: zh when CJK ideographs dominate the letters, en when Latin letters do. */
pt_lang		pt_detect_lang(const char *s, size_t len);

typedef struct pt_span
{
	size_t		start;			/* byte offsets into the text */
	size_t		end;
} pt_span;

/*
 * Split normalized text into sentences.  Boundaries: '\n'; 。！？；… and
 * their runs; '.', '!', '?' followed by a space or end of text, except after
 * common abbreviations (Mr. Mrs. Dr. St. vs. etc. e.g. i.e. No. approx. incl.
 * Inc. Ltd. Co., units and places such as Cu. Ft. sq. apt. Ave., and single
 * capital letters), inside decimals ("3.5 mm"), and '!' or '?' before a
 * lower-case word ("jeopardy! is a game show").
 * Spans exclude the surrounding white space.  *spans is pt_alloc'd.
 */
pt_status	pt_split_sentences(const char *s, size_t len, pt_span **spans,
							   size_t *n_spans, pt_err *err);

#endif							/* PT_TEXT_H */
