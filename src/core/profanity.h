/*
 * profanity.h — insults and profanity that no text prodtext writes may
 * hold (DESIGN.md §1: summarize_agg copies review sentences, and reviews
 * swear).  One short word list per language, in profanity.c: English
 * words match whole, ASCII case folded, with any ending ("fucking",
 * "shitty"); Chinese ones as substrings.
 */
#ifndef PT_PROFANITY_H
#define PT_PROFANITY_H

#include <stddef.h>

/* 1 when s[0..len) holds a listed word */
int			pt_has_profanity(const char *s, size_t len);

#endif							/* PT_PROFANITY_H */
