/*
 * facts.h — the faithfulness rule of summarize and rewrite.
 *
 * A word is a run of ASCII letters and digits; '-', '.' and '_' between two
 * of them join ("XR-500", "2.5", "USB-C"), as do '/' between two digits
 * ("1/2") and ',' between a digit and exactly three digits ("1,500", a
 * thousands separator that is ignored when comparing: "1500" is the same
 * number).  Everything else is a boundary: spaces, punctuation, CJK, emoji,
 * and non-ASCII letters too ("Café" holds the word "Caf").
 *
 * A fact word is a word that
 *   - holds a digit (numbers, sizes, model numbers), or
 *   - holds an upper-case letter and has a letter-only part that holds an
 *     upper-case letter and either has it right after a lower-case letter
 *     ("iPhone", "eBay") or is not a common word when lower-cased ("DKNY",
 *     "Roadster"); a word is common when the tokenizer, trained on all our
 *     text, learned " word" as a single piece ("Black", "Men", but also
 *     "Apple", "Sony": well-known brands that are common words pass);
 * and a unit directly after a number is a fact together with that number:
 * an ASCII unit word glued or after one space ("5 kg", "5kg", "5-kg", "5 KG"
 * alike), a symbol glued or after one space ("100%", "30°C"), a Chinese unit
 * glued ("5厘米", the longest unit wins: "12个月").  Synonymous spellings
 * share a canonical form ("inches", "in", "″", "英寸" → inch; "years", "年"
 * → year; "公斤" → kg), so "2-year" supports "2 years"; different units never
 * match ("5 g" does not support "5 kg").
 *
 * Output text may contain a fact word only if the input contains the same
 * word (ASCII case-insensitively, as any word: "iphone" supports "iPhone"),
 * and a number-unit pair only if the input has that number directly
 * followed by that unit.  A number alone is supported by the number of an
 * input pair ("5" by "5 kg"); a part of a word is not supported by the word
 * ("500" and "XR" not by "XR-500", "13" not by "iPhone13").  Decoders call
 * pt_facts_allowed on every candidate extension, so facts can only be
 * copied; pt_facts_unsupported counts violations for metrics and tests.
 */
#ifndef PT_FACTS_H
#define PT_FACTS_H

#include "pt_common.h"
#include "tokenizer.h"

typedef struct pt_facts pt_facts;

/*
 * The words and number-unit pairs of an input text (normalized UTF-8; any
 * bytes are safe).  NULL text or len 0 gives an empty set, which supports no
 * fact.  tok decides which words are common and must outlive *out; NULL tok
 * makes every capitalised word a fact (fails closed).  Linear in len (plus
 * sorting the distinct keys that hold a digit): about 10 ms per MB.  Inputs
 * over 256 MiB are PT_ERR_LIMIT; out of memory is PT_ERR_NOMEM.
 */
pt_status	pt_facts_build(const pt_tokenizer *tok, const char *text, size_t len,
						   pt_facts **out, pt_err *err);
void		pt_facts_free(pt_facts *f);

/*
 * 1 when text[0..len), an output being generated, keeps the rule: every
 * complete fact word and number-unit pair of it occurs in the input.  With
 * final = 0 the trailing word may still grow, so it is only required to be
 * a prefix of an input fact word when it holds a digit, and a number whose
 * unit may still be forming ("128 G", "12个" on the way to "12个月") is
 * checked as a number only; final = 1 checks everything as complete.
 * Allocates nothing; about 0.3-1 us for a 100-byte text (the tokenizer is
 * consulted only for a capitalised word that the input lacks).  f NULL
 * supports no fact.
 */
int			pt_facts_allowed(const pt_facts *f, const char *text, size_t len, int final);

/*
 * For incremental checking (beam search): an offset into text[0..len), an
 * output being generated, before which every verdict is final.  When text
 * was allowed (final = 0), an extension text ++ x is allowed exactly when
 * (text ++ x)[settled ..] is: a hypothesis can keep this offset and check
 * each candidate extension from there, in time independent of its length.
 */
size_t		pt_facts_settled(const pt_facts *f, const char *text, size_t len);

/*
 * Fact words and number-unit pairs of a complete text that the input lacks
 * (a pair whose number is also unsupported counts once).
 */
size_t		pt_facts_unsupported(const pt_facts *f, const char *text, size_t len);

/* 1 when word[0..len) is a fact word by itself (tests, diagnostics); tok may be NULL. */
int			pt_facts_is_fact_word(const pt_tokenizer *tok, const char *word, size_t len);

#endif							/* PT_FACTS_H */
