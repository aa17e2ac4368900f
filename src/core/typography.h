/*
 * typography.h — the output conventions of DESIGN.md §1 that every text
 * prodtext writes must follow, whatever produced it: the input's brand and
 * model casing, and the punctuation of the output's language.  Models see
 * normalized text (ASCII punctuation, casing as the model learnt it); these
 * rules restore the rest.
 *
 * Words.  An ASCII word is a maximal run of ASCII letters and digits with
 * single inner '-' ("XR-500", "USB-C"); anything else separates words.  A
 * word is cased as a name when a letter after its first character is upper
 * case: GP, POEZIE, iPhone, eBay, XR-500, 4K, Wi-Fi (not: Pro, A4, acme).
 *
 * Shouting.  A sentence (pt_split_sentences) is shouted when it has at
 * least 6 ASCII letters, 70 % of them upper case, and no Han character
 * ("三鼎(SANDING)肠粉机" is Chinese with a brand, not shouting).
 *
 * Casing (pt_namecase_*).  The names of an input are the words cased as a
 * name in it, outside shouted sentences; inside a shouted sentence only the
 * words holding a digit (model codes).  An all-caps word next to another
 * (no Han between) is shouting, not a name, unless it holds a digit: "OLIVE
 * GREEN SOLID" in a half-shouted sentence; "(SANDING)" and "ACME" alone are
 * names.  An all-caps word the input also writes in lower case is emphasis,
 * not a name ("small HOUSE" beside "design house").  Each name keeps the
 * casing of its first such occurrence.  Recasing a text writes every word whose case-
 * insensitive form is a name exactly as the name, unless (for an output)
 * the word is already written as the input writes it somewhere; other
 * words are left as they are (plain and Title case in the input are the
 * output's business).
 *
 * Punctuation (pt_typography_punct).  The marks are , . ! ? : ; and the
 * parentheses; their full-width forms ，。！？：；（）.
 *  - A text with no Han character is English: each full-width mark becomes
 *    ASCII, with no space before a closing mark or after '(', a space after
 *    a closing mark that a letter or digit follows (not between two digits:
 *    "1，000" → "1,000") and a space before '(' that a letter or digit
 *    precedes.  ASCII marks are left as they are.
 *  - A text with a Han character is Chinese: full-width marks are kept, and
 *    an ASCII mark becomes full-width, with the spaces on both sides of it
 *    removed, when
 *      a. its nearest neighbour on either side, skipping spaces, ASCII marks
 *         and parentheses, is a Han character or CJK punctuation
 *         (U+3000–U+303F, U+FF00–U+FFEF): "容量500ml,触控" → "容量500ml，触控";
 *      b. for ( and ): the pair (matched, nesting) holds a Han character or
 *         the nearest such neighbour outside it is one: "三鼎 (SANDING) 肠粉机"
 *         → "三鼎（SANDING）肠粉机";
 *    and, when the text is zh (pt_detect_lang), also when
 *      c. it is , : ; ! or ? in a sentence that holds a Han character
 *         ("支持Wi-Fi, NFC" → "支持Wi-Fi，NFC");
 *      d. it ends a sentence (. ! ? ; then white space or the end), even a
 *         sentence made of Latin words only: between Chinese sentences every
 *         sentence end is full-width ("好。Great quality. Fits well! 快。" →
 *         "好。Great quality。Fits well！快。"), while the marks inside such
 *         a Latin sentence stay ASCII ("Soft, light。").
 *    Never converted: a mark right between two ASCII letters, digits or
 *    code characters / @ _ - ~ % # & = + \ with no space ("3.5", "1,000",
 *    "v1.2", "12:30", "www.x.com", "a.b@c.com", "http://"), a '.' next to
 *    another '.' ("..."), the '.' of a list number that does not end a
 *    sentence (one or two digits after a Han character, space, mark or the
 *    start: "特点:1.支持" stays), and an unmatched parenthesis.
 *    Then runs of Chinese pause and stop marks ，、；：。！？ (white space
 *    between them aside) keep one mark: the same mark twice is once
 *    ("谢谢！！" → "谢谢！"), a pause before a stop goes ("纜車，。附近" →
 *    "纜車。附近") and so does a pause after one ("安全。，24小時" →
 *    "安全。24小時"); other pairs ("？！") stay.
 *
 * Nothing else changes (ASCII case, mark forms, the spaces next to a
 * converted mark and the collapsed marks are all): no letter, digit or
 * other character is added,
 * dropped or moved, so no new ASCII word can appear.  Every function is
 * linear in its input, and bytes that are not valid UTF-8 pass through as
 * they are (a separator for words, neither Han nor punctuation).
 */
#ifndef PT_TYPOGRAPHY_H
#define PT_TYPOGRAPHY_H

#include "pt_common.h"

/* Whether s[0..len) is a shouted sentence (above); full-width letters count as ASCII. */
int			pt_text_shouted(const char *s, size_t len);

/*
 * Whether s[0..len) holds three or more all-caps words in a row ("BRING THE
 * DARK LORD" in an otherwise quiet sentence): words of two or more capital
 * letters (inner hyphens allowed: "E-MAIL"), maybe followed by ! . or ,,
 * parted by white space; the first may follow a mark that is no letter
 * ("COFFEE—ONE COMPLIMENTARY BAG", as a reader sees words).  Shouting that
 * sentence-wise recasing (pt_text_shouted) leaves.
 */
int			pt_text_caps_run(const char *s, size_t len);

/* The first such run: 1 with its bytes s[*start..*end) (marks after its last word included), or 0. */
int			pt_text_caps_run_span(const char *s, size_t len, size_t *start, size_t *end);

/*
 * The first run of s[from..len) (pt_text_caps_run_span) that shouts rather
 * than names: two or more of its words have three letters or more, a vowel
 * and no digit ("HOURS OF FUN"; not "LG TROMM WM2688HNM", "DVD-RW, CD-RW"),
 * with the all-caps words just before it ("ADD A PREMIUM FEEL …"): 1 with
 * its bytes s[*start..*end), or 0.
 */
int			pt_text_shouting_run(const char *s, size_t len, size_t from, size_t *start, size_t *end);

/*
 * Shouted s[0..len) in lower case, in place and byte for byte: every word
 * but those holding a digit, "I", and acronyms (two letters that are no
 * English word, three without a vowel: "LG", "TV", "JBL", "DVD"); with
 * capitalize, its first letter upper case.
 */
void		pt_text_unshout(char *s, size_t len, int capitalize);

/* The names of an input: a hash set of its name-cased words. */
typedef struct pt_namecase pt_namecase;

/* The names of input[0..len) (raw or normalized; full-width letters count as ASCII) into *names. */
pt_status	pt_namecase_build(const char *input, size_t len, pt_namecase **names, pt_err *err);

/*
 * Rewrite, in place, every word of text[0..len) that is a name as the name
 * (only ASCII case changes); with keep_input_forms, not a word written as
 * the input writes it somewhere: an output copies its words from the input,
 * and "Yau Ma Tei" stays so though "MA" alone is a name elsewhere in it.
 * tidy, which recases the lower-cased words of a shouted sentence, passes 0.
 */
void		pt_namecase_apply(const pt_namecase *names, char *text, size_t len, int keep_input_forms);

void		pt_namecase_free(pt_namecase *names);

/* s[0..len) with the punctuation of its language (above), into a new pt_alloc'd, NUL-terminated *res. */
pt_status	pt_typography_punct(const char *s, size_t len, char **res, size_t *res_len, pt_err *err);

/*
 * Both conventions for one output: recase out[0..out_len) with the names of
 * input[0..in_len), the text it was made from (raw or normalized), then fix
 * its punctuation; when max_chars > 0, cut the result to that many
 * characters (pt_text_cut) should a space added after a mark push it over.
 * *res is pt_alloc'd and NUL-terminated; *res_len is at most out_len plus
 * 2 bytes per ASCII mark made full-width.
 */
pt_status	pt_typography_apply(const char *out, size_t out_len, const char *input, size_t in_len,
								size_t max_chars, char **res, size_t *res_len, pt_err *err);

#endif							/* PT_TYPOGRAPHY_H */
