/*
 * lexicon.h — the words an output may use: those of its input, plus a short
 * published list of connectives per language (DESIGN.md §1).
 *
 * The rule, checked on every candidate extension of a hypothesis during
 * decoding (beam.h), so that it is obeyed rather than filtered afterwards:
 *   - a word (a maximal run of ASCII letters and digits and of other
 *     alphabetic letters — Latin-1 and extended Latin, Greek, Cyrillic,
 *     kana, Hangul — with single '-' or '\'' inside: "pour-over",
 *     "Qraa's", "XR-500") is a whole word of the input, compared with ASCII case
 *     folded, or an English connective; the last word of an unfinished
 *     output need only begin one (it may still grow), so a hypothesis can
 *     only continue the input word it has started or start another one.
 *     Two words glued together or a part of a word is not a word of the
 *     input, so neither can appear;
 *   - a Han character occurs in the input or is a Chinese connective;
 *   - sentence punctuation is free (. , ! ? : ; and their CJK forms, 、 and
 *     …: the output's typography is typography.h's business); any other
 *     character (quotes, brackets, dashes, ©, °, ™…) must occur in the
 *     input, and emoji and pictographs never appear.
 */
#ifndef PT_LEXICON_H
#define PT_LEXICON_H

#include "pt_common.h"

typedef struct pt_lexicon pt_lexicon;

/* English connectives, lower case, NULL-terminated; Chinese ones as one UTF-8 string */
extern const char *const pt_connectives_en[];
extern const char pt_connectives_zh[];

/* whether the ASCII word s[0..len) is one of list (lower case, NULL-terminated), in any case */
int			pt_word_in_list(const char *const *list, const char *s, size_t len);

/* whether the English word s[0..len) is a connective, in any case ("The", "and") */
int			pt_connective_en(const char *s, size_t len);

/*
 * Where s[0..len) ends without its last word, when that word is a
 * connective after a space ("soft and" → "soft "); len otherwise.  A cut
 * never ends on one.
 */
size_t		pt_drop_connective_en(const char *s, size_t len);

/* The lexicon of an input (normalized UTF-8; invalid bytes are skipped) */
pt_status	pt_lexicon_build(const char *text, size_t len, pt_lexicon **out, pt_err *err);
void		pt_lexicon_free(pt_lexicon *L);

/*
 * 1 when out[0..len) keeps the rule (final = 0: more may follow, so its
 * last word need only be a prefix of a word).  out[0..from) is known to
 * keep it as an unfinished output: only the word around `from` and what
 * follows are checked, so a beam pays for the new token, not the whole
 * hypothesis.  A multi-byte character cut at the end is allowed while
 * final = 0.
 */
int			pt_lexicon_allowed(const pt_lexicon *L, const char *out, size_t len, size_t from,
							   int final);

/* Words, Han characters and other characters of a complete out that break the rule */
size_t		pt_lexicon_outside(const pt_lexicon *L, const char *out, size_t len);

#endif							/* PT_LEXICON_H */
