/*
 * boiler.h — seller boilerplate: the sentences of a listing that are about
 * the shop, not the product (shipping, returns, store, warranty service,
 * call to action, promotion, greetings), in English and Chinese.
 *
 * One detector serves rewrite() and summarize(), so the two agree on what
 * noise is.  It is a logistic regression over hashed character n-grams
 * (ngrams.h) of one unit of text, trained on boilerplate mined from the
 * shared product data (models/boilerplate.md).  A unit's text is shown to
 * the classifier ASCII-lower-cased with every digit mapped to '0', so
 * "Ships in 24 hours" and "Ships in 48 hours" are one phrase to it; the
 * training side (models/train/boilerplate) applies the same mapping.
 *
 * Units are finer than sentences, because Chinese seller copy runs its
 * noise into one sentence ("【爆款热卖】316不锈钢内胆…包邮!七天无理由退换!"):
 * a unit ends where pt_split_sentences ends a sentence, after ! ? ; that
 * another character follows without a space (normalized Chinese text), at
 * a space beside a Han character (Chinese puts no space inside a phrase:
 * "316不锈钢内胆保温杯 包邮!" is two), and around a 【…】, 〖…〗, 『…』 or
 * 〔…〕 group.
 */
#ifndef PT_BOILER_H
#define PT_BOILER_H

#include "model.h"
#include "pt_common.h"
#include "text.h"

typedef struct pt_boiler pt_boiler;

pt_status	pt_boiler_load(const pt_model *m, pt_boiler **out, pt_err *err);
void		pt_boiler_free(pt_boiler *b);

/* P(boilerplate) of one unit of normalized, valid UTF-8 text; 0 for empty text */
pt_status	pt_boiler_prob(const pt_boiler *b, const char *s, size_t len, float *p, pt_err *err);

/* The decision threshold the model was calibrated with (models/boilerplate.md) */
float		pt_boiler_threshold(const pt_boiler *b);

/* The units of normalized text, in order; *spans is pt_alloc'd (NULL when none) */
pt_status	pt_boiler_units(const char *s, size_t len, pt_span **spans, size_t *n_spans,
							pt_err *err);

/*
 * s without its boilerplate, as a new pt_alloc'd, NUL-terminated string.
 * A unit the detector flags goes, or, when marks (| ~ [ ] * > # , ; ! ?
 * and " - ") cut it in segments, loses the flagged segments at its ends
 * (and goes whole when what is left is only list items: at most 12
 * characters, 4 with Han, the words of a keyword list); a unit not flagged
 * as a whole also loses segments at its ends that score 0.9 or more on
 * their own ("~特惠~服务说明…"); a 【…】
 * group is scored by what it holds; any unit also loses a flagged prefix
 * or suffix glued on with no mark at all, seen where a capitalized word begins ("… side slits Easy returns
 * within 30 days.").  What is kept is joined by the text that separated it
 * (one space where something cut stood between two kept parts of
 * space-separated text).  Keyword salad, short pieces that a longer unit
 * of the text holds (Han, or English words between list marks: "高腰 压个子
 * 不 高腰 很性感,拉高腰线,…", "… - reserve,bakery,morning"), goes too: a
 * unit of them whole, a run of three or more at a unit's edge.  b NULL keeps everything.  *n_dropped (may be
 * NULL) counts the units dropped whole.  Text that is all boilerplate
 * gives "".
 */
pt_status	pt_boiler_strip(const pt_boiler *b, const char *s, size_t len, char **out,
							size_t *out_len, size_t *n_dropped, pt_err *err);

/*
 * What rewrite() and summarize() work from: normalized text tidied
 * (tidy.h) but for the recasing of shouted sentences, in English and
 * Chinese (*lang, pt_detect_lang of that text) without its boilerplate,
 * then tidied in full, so that a sentence that repeats an earlier one once
 * its spam is gone goes too, and a shouted one is recased without the
 * noise glued onto it.
 * b NULL: tidied only.  *out is pt_alloc'd and NUL-terminated.
 */
pt_status	pt_boiler_clean(const pt_boiler *b, const char *norm, size_t len, char **out,
							size_t *out_len, pt_lang *lang, pt_err *err);

#endif							/* PT_BOILER_H */
