/*
 * extract.h — sentence units and the extractive summary path.
 *
 * pt_extract_fill extends a (possibly empty) summary with the input's
 * leading sentences it does not already say; summarize() uses it to fill a
 * character budget the abstractive model leaves open and as the whole path
 * for inputs the model cannot serve.  pt_summarize_many (summarize.h) builds
 * on the same sentence sets.
 *
 * Sentences are compared by their content units: lower-cased words without
 * stop words (a plural 's' folded) for Latin text, ideograph bigrams for
 * Chinese, hashed to 32 bits, sorted and deduplicated.  Work is bounded:
 * at most PT_EXTRACT_MAX_SENTS sentences are scored per call and at most
 * PT_EXTRACT_MAX_FEATS units are kept per sentence, so a 1 MB input costs
 * a sentence split and a few hundred thousand set comparisons.
 */
#ifndef PT_EXTRACT_H
#define PT_EXTRACT_H

#include "pt_common.h"
#include "text.h"

#define PT_EXTRACT_MAX_SENTS 400	/* sentences scored per call */
#define PT_EXTRACT_MAX_FEATS 96		/* content units kept per sentence */
#define PT_EXTRACT_SCAN_BYTES 2048	/* bytes of a sentence read for its units */

/*
 * Byte length of the longest prefix of text[0..len) that holds at most
 * max_chars code points and ends on a pre-tokenizer piece boundary
 * (pt_pretokenize) that does not split an ASCII word of facts.h ("2.5",
 * "XR-500": a part would be a new fact), so no word or number is cut in
 * half; a run of Han characters may be cut between any two of them (each
 * is a word).  Trailing white space is dropped.  Allocates nothing; 0 when even the
 * first piece does not fit.
 */
size_t		pt_text_cut(const char *text, size_t len, size_t max_chars);

/*
 * Byte length of the longest leading clause of a sentence — text up to a
 * ',' or ';' (not one between two letters or digits: "1,000"), the mark
 * and the spaces before it dropped — that holds at most max_chars code
 * points; 0 when not even the first clause fits.
 */
size_t		pt_text_clause_cut(const char *text, size_t len, size_t max_chars);

/*
 * prefix (may be empty) followed by the sentences of text, in text order,
 * that fit and that the prefix and the earlier picks do not already say,
 * all within max_chars code points.  text must be normalized
 * (pt_text_normalize) UTF-8.  Whole sentences only, except that with an
 * empty prefix a first sentence that does not fit is cut: at its last
 * clause that fits (pt_text_clause_cut) unless that keeps under half of
 * what pt_text_cut keeps; when not even its first word fits, the words
 * after it that do (at most 8 words skipped).  A prefix that does
 * not end a sentence gets ". " (or "。" in Chinese) before the first
 * appended sentence; a prefix longer than max_chars is itself cut.
 * Text order, not TextRank-style centrality: the lead is the better summary
 * of product copy on every catalog measured; boiler-plate sentences
 * (shipping, returns, contact, very short) and sentences with shouting
 * (pt_text_caps_run) are never picked.
 * Deterministic.  *out is pt_alloc'd and NUL-terminated.
 */
pt_status	pt_extract_fill(const char *text, size_t len,
							const char *prefix, size_t prefix_len,
							size_t max_chars, char **out, size_t *out_len,
							pt_err *err);

/* ---- sentence sets, shared with summarize_agg.c ---- */

typedef struct pt_sent
{
	const char *text;			/* the text the sentence is in */
	size_t		start;			/* byte range in text, trimmed */
	size_t		end;
	size_t		chars;			/* code points */
	size_t		feat_off;		/* units: set->feats[feat_off .. + n_feat) */
	int			n_feat;
	int			n_words;		/* word tokens (Latin) + ideographs, capped */
	int			text_id;		/* which input text */
	int			pos;			/* sentence index within its text */
	int			first_person;	/* I, my, me, we, 我 ... */
	int			boiler;			/* shipping, returns, contact, seller noise */
	int			question;		/* ends with '?' */
	double		score;
} pt_sent;

typedef struct pt_sent_set
{
	pt_sent    *s;
	size_t		n;
	size_t		cap;
	uint32_t   *feats;
	size_t		n_feats;
	size_t		feats_cap;
} pt_sent_set;

/*
 * Split text (normalized, must outlive the set) into sentences and append
 * at most max_sents of them, each with its units.  Sentences without a
 * letter, digit or ideograph are skipped; leading bullet marks are trimmed.
 */
pt_status	pt_sents_add(pt_sent_set *set, const char *text, size_t len,
						 int text_id, size_t max_sents, pt_err *err);
void		pt_sents_free(pt_sent_set *set);

/* The sorted, deduplicated units of a text (at most cap of them) into feats. */
size_t		pt_text_units(const char *text, size_t len, uint32_t *feats, size_t cap);

/* Cosine of two unit sets (sorted, deduplicated): |a ∩ b| / sqrt(|a| |b|). */
double		pt_units_cosine(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* |a ∩ b| of two sorted unit sets */
size_t		pt_units_overlap(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/*
 * Join the chosen sentences (indices into set, in the order given) after
 * prefix, with the separators described at pt_extract_fill; with out NULL
 * only counts.  Returns the output's length in code points and, in
 * *bytes, in bytes (without the NUL).
 */
size_t		pt_sents_join(const pt_sent_set *set, const size_t *idx, size_t n_idx,
						  const char *prefix, size_t prefix_len, pt_lang lang,
						  char *out, size_t *bytes);

#endif							/* PT_EXTRACT_H */
