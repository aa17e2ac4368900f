/*
 * tidy.h — rule-based clean-up of seller noise that needs no model: the
 * front end of rewrite(), before the Transformer sees the text.
 *
 * Only rules that hold for any shop's noise, whatever its wording:
 *  - emoji (‼ ⁉ too), pictographs, dingbats, arrows, geometric bullets and
 *    private-use characters become a space (© ® ™ ° and letters are kept);
 *  - a run of the same punctuation mark becomes one ("!!!" → "!", "，，" →
 *    ","); a run of 3 or more dots becomes "..." and ".." becomes ".";
 *  - no space before , . ! ? ; :
 *    (these two only where no letter or digit follows the mark: "5,,000",
 *    "PS..ft" and "5 .5" stay as they are, so no new number appears);
 *  - a shouted sentence (pt_text_shouted, typography.h: at least 6 ASCII
 *    letters, 70 % of them upper case, and no Han character) is
 *    lower-cased word by word, except words holding a digit (model numbers
 *    such as XR-500), acronyms (two capitals that are no English word,
 *    three without a vowel: "LG", "TV", "JBL"; "UP", "NOW", "USB" are
 *    lowered) and words the input writes as a name outside
 *    shouted sentences ("ACME" in "Made by ACME."), and its first letter
 *    capitalized;
 *  - a sentence that repeats an earlier one (same letters, digits and Han
 *    characters, ignoring ASCII case, space, symbols and punctuation, ASCII
 *    or CJK: "好用。" repeats "好用!") and a sentence of punctuation alone
 *    are dropped, and so is one that only repeats the start of an earlier one
 *    (8 or more such characters: a copy cut short); a sentence that is one
 *    text pasted twice without a break
 *    ("…热线4007205558官方微信…热线4007205558", copies of 8 or more such
 *    characters) keeps its first copy;
 *  - separator marks | ~ * > # = • - that start a sentence or a line, or
 *    end one (but '>', which may close "<3片装送后膜>"), go with the spaces
 *    beside them ("| Near the MTR", "Soft tee ~"): what a dropped unit of
 *    seller noise leaves behind.  A mark a digit follows stays ("-5 °C",
 *    "#1", "> 5 years").
 * Everything else — wording, order, facts — is the model's job.  The
 * output never holds a character the input did not (up to ASCII case and
 * the spaces that replace symbols) and is never longer than the input.
 */
#ifndef PT_TIDY_H
#define PT_TIDY_H

#include "pt_common.h"

/* Tidy normalized text (pt_text_normalize) into a new pt_alloc'd, NUL-terminated string. */
pt_status	pt_text_tidy(const char *s, size_t len, char **out, size_t *out_len, pt_err *err);

/*
 * The same without recasing shouted sentences: the boilerplate strip
 * (boiler.h) looks for noise glued onto a unit where a capitalized word
 * begins, which a shouted sentence shows only before it is recased
 * ("*** Order today while stocks last THIS IS AN APARTMENT …").
 */
pt_status	pt_text_tidy_keep_case(const char *s, size_t len, char **out, size_t *out_len, pt_err *err);

#endif							/* PT_TIDY_H */
