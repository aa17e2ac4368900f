/*
 * summarize_agg.c — one opinion summary of many texts (pt_summarize_many).
 *
 * Every sentence of every text is scored by how much the OTHER texts say
 * the same thing: for each other text, the unit cosine (extract.h) of its
 * closest sentence, summed.  A sentence no other text comes close to
 * (cosine below AGG_SUPPORT_SIM) is left out whenever supported ones exist.
 * Short, general sentences beat first-person anecdotes, questions and
 * shipping talk through a multiplicative prior, and the picks are made
 * greedily by support times novelty (maximal marginal relevance), whole
 * sentences within the character budget, output with the sentences that
 * open their reviews first.  Given each text's polarity, the picks keep
 * negative and positive sentences in the proportion of negative and
 * positive texts (those beyond ±AGG_POLAR), so a mostly unhappy group does
 * not read as praise.  A sentence with profanity or an insult
 * (profanity.h) is never picked; when no sentence fits the budget whole,
 * the summary is the longest leading clause of the best one that does,
 * or "" — never a sentence cut inside a clause.  The output follows its
 * language's typography (typography.h).  The parameters were tuned on the
 * train split of FewSum (models/train/summarize/agg_eval.py).
 *
 * The result does not depend on the order of the texts: they are sorted by
 * a hash of their content first, and when there are more than
 * AGG_MAX_TEXTS, the ones with the smallest hashes form the sample.  Work
 * is bounded: only the first AGG_MAX_TEXT_BYTES of a text are read
 * (hashed, validated, normalized), at most AGG_MAX_TEXTS texts are
 * normalized, and at most AGG_MAX_SENTS sentences are compared pairwise.
 */
#include "summarize.h"

#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "profanity.h"
#include "text.h"
#include "typography.h"

#ifndef AGG_MAX_TEXTS
#define AGG_MAX_TEXTS 256		/* texts read; more are sampled by hash */
#endif
#ifndef AGG_MAX_TEXT_BYTES
#define AGG_MAX_TEXT_BYTES 65536	/* bytes of one text read (after validation) */
#endif
#ifndef AGG_MAX_SENTS
#define AGG_MAX_SENTS 512		/* sentences scored in all */
#endif
#ifndef AGG_SUPPORT_SIM
#define AGG_SUPPORT_SIM 0.15	/* cosine at which another text "says it too" */
#endif
#ifndef AGG_REDUNDANT
#define AGG_REDUNDANT 0.35		/* cosine to a pick at which a sentence is skipped */
#endif
#ifndef AGG_LAMBDA
#define AGG_LAMBDA 0.7			/* novelty weight of the greedy picks */
#endif
#ifndef AGG_FIRST_PERSON
#define AGG_FIRST_PERSON 0.3	/* prior of a sentence with I/my/we */
#endif
#ifndef AGG_QUESTION
#define AGG_QUESTION 0.3
#endif
#ifndef AGG_BOILER
#define AGG_BOILER 0.3
#endif
#ifndef AGG_MIN_WORDS
#define AGG_MIN_WORDS 6			/* shorter sentences get AGG_SHORT */
#endif
#ifndef AGG_SHORT
#define AGG_SHORT 0.3
#endif
#ifndef AGG_LONG_WORDS
#define AGG_LONG_WORDS 35		/* longer sentences get AGG_LONG */
#endif
#ifndef AGG_LONG
#define AGG_LONG 0.7
#endif

typedef struct agg_text
{
	const char *text;
	size_t		len;			/* the bytes read: read_prefix() */
	uint64_t	hash;			/* of those bytes and the full length */
	int			side;			/* -1 negative, +1 positive, 0 neutral or unknown */
} agg_text;

#ifndef AGG_POLAR
#define AGG_POLAR 0.2			/* |polarity| beyond which a text takes a side */
#endif

/*
 * The side the next pick should take so that negative and positive picks
 * follow the share of negative texts among those that take one (q_neg):
 * -1 or +1 when one side is half a pick or more behind, else 0.
 */
static int
side_wanted(int neg, int pos, double q_neg)
{
	double		after = (double) (neg + pos + 1);

	if (q_neg < 0.0)
		return 0;
	if (neg + 0.5 < q_neg * after)
		return -1;
	if (pos + 0.5 < (1.0 - q_neg) * after)
		return 1;
	return 0;
}

static uint64_t
hash_bytes(const char *s, size_t len)
{
	uint64_t	h = UINT64_C(14695981039346656037);

	for (size_t i = 0; i < len; i++)
	{
		h ^= (unsigned char) s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

/*
 * By content hash, then length.  Texts equal in both are taken as equal
 * (their order then changes nothing), so no comparison reads a text.
 */
static int
cmp_agg_text(const void *a, const void *b)
{
	const agg_text *x = a,
			   *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->len > y->len) - (x->len < y->len);
}

/* The bytes of a text worth normalizing: a prefix ending on a character boundary. */
static size_t
read_prefix(const char *text, size_t len, size_t max_input_chars)
{
	size_t		cap = AGG_MAX_TEXT_BYTES;

	if (max_input_chars > 0 && max_input_chars < cap / 8)
		cap = 8 * max_input_chars;	/* room for markup around the characters kept */
	if (len <= cap)
		return len;
	while (cap > 0 && ((unsigned char) text[cap] & 0xC0) == 0x80)
		cap--;
	return cap;
}

static const uint32_t *
units_of(const pt_sent_set *set, size_t i)
{
	return set->feats + set->s[i].feat_off;
}

static double
sent_cosine(const pt_sent_set *set, size_t i, size_t j)
{
	return pt_units_cosine(units_of(set, i), (size_t) set->s[i].n_feat,
						   units_of(set, j), (size_t) set->s[j].n_feat);
}

static double
sent_prior(const pt_sent *s)
{
	double		q = 1.0;

	if (s->first_person)
		q *= AGG_FIRST_PERSON;
	if (s->question)
		q *= AGG_QUESTION;
	if (s->boiler)
		q *= AGG_BOILER;
	if (s->n_words < AGG_MIN_WORDS)
		q *= AGG_SHORT;
	if (s->n_words > AGG_LONG_WORDS)
		q *= AGG_LONG;
	return q;
}

/*
 * support[i]: sum over the other texts of the cosine of their closest
 * sentence to i; n_support[i]: how many of those reach AGG_SUPPORT_SIM.
 * With a single text, each other sentence counts as a text of its own.
 */
static void
score_support(pt_sent_set *set, size_t n_texts, double *best, int *n_support)
{
	size_t		n = set->n;
	int			single = n_texts < 2;

	for (size_t i = 0; i < n; i++)
	{
		double		sum = 0.0;
		int			cnt = 0;
		size_t		slots = single ? n : n_texts;

		pt_check_interrupts();
		for (size_t u = 0; u < slots; u++)
			best[u] = 0.0;
		for (size_t j = 0; j < n; j++)
		{
			size_t		slot = single ? j : (size_t) set->s[j].text_id;
			double		c;

			if (j == i || (!single && set->s[j].text_id == set->s[i].text_id))
				continue;
			c = sent_cosine(set, i, j);
			if (c > best[slot])
				best[slot] = c;
		}
		for (size_t u = 0; u < slots; u++)
		{
			sum += best[u];
			cnt += best[u] >= AGG_SUPPORT_SIM;
		}
		set->s[i].score = sum / (double) (slots > 1 ? slots - 1 : 1) * sent_prior(&set->s[i]);
		n_support[i] = cnt;
	}
}

pt_status
pt_summarize_many(const char *const *texts, const size_t *lens, size_t n,
				  size_t max_chars, size_t max_input_chars, const float *polarity,
				  char **out, size_t *out_len, pt_err *err)
{
	agg_text   *order = NULL;
	char	  **norm = NULL;
	size_t	   *norm_len = NULL;
	pt_sent_set set;
	size_t		n_use = 0,
				n_texts = 0,
				per_text,
				n_picks = 0,
				bytes = 0;
	double	   *best = NULL,
			   *maxsim = NULL;
	int		   *n_support = NULL,
			   *done = NULL,
			   *profane = NULL,
			   *side_of = NULL,	/* per text id */
				n_neg = 0,
				n_pos = 0,
				picked_neg = 0,
				picked_pos = 0;
	double		q_neg = -1.0;	/* share of negative texts among those with a side; < 0: none */
	size_t	   *picks = NULL;
	int			n_zh = 0,
				any_supported = 0;
	pt_lang		lang;
	pt_status	st = PT_OK;

	memset(&set, 0, sizeof set);
	if (out == NULL || out_len == NULL)
		return pt_fail(err, PT_ERR_ARG, "summarize_many: no output pointer");
	*out = NULL;
	*out_len = 0;
	if (n > 0 && (texts == NULL || lens == NULL))
		return pt_fail(err, PT_ERR_ARG, "summarize_many: NULL text array");

	/* the texts, in an order that does not depend on the caller's */
	order = pt_alloc(pt_mul_size(n ? n : 1, sizeof *order));
	if (order == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "summarize_many: out of memory for %zu texts", n);
	for (size_t i = 0; i < n; i++)
	{
		if (texts[i] == NULL)
			continue;
		if ((i & 255) == 0)
			pt_check_interrupts();
		order[n_use].text = texts[i];
		order[n_use].len = read_prefix(texts[i], lens[i], max_input_chars);
		order[n_use].hash = hash_bytes(texts[i], order[n_use].len) ^ (uint64_t) lens[i];
		order[n_use].side = polarity == NULL ? 0 :
			polarity[i] > AGG_POLAR ? 1 : polarity[i] < -AGG_POLAR ? -1 : 0;
		n_use++;
	}
	qsort(order, n_use, sizeof *order, cmp_agg_text);
	if (n_use > AGG_MAX_TEXTS)
		n_use = AGG_MAX_TEXTS;
	per_text = n_use ? AGG_MAX_SENTS / n_use : 0;
	if (per_text < 2)
		per_text = 2;

	norm = pt_alloc_zero(pt_mul_size(n_use ? n_use : 1, sizeof *norm));
	norm_len = pt_alloc_zero(pt_mul_size(n_use ? n_use : 1, sizeof *norm_len));
	side_of = pt_alloc_zero(pt_mul_size(n_use ? n_use : 1, sizeof *side_of));
	if (norm == NULL || norm_len == NULL || side_of == NULL)
	{
		st = pt_fail(err, PT_ERR_NOMEM, "summarize_many: out of memory");
		goto done;
	}
	for (size_t t = 0; t < n_use && st == PT_OK; t++)
	{
		size_t		before = set.n;

		pt_check_interrupts();
		if (!pt_utf8_valid(order[t].text, order[t].len))
		{
			st = pt_fail(err, PT_ERR_INVALID_UTF8,
						 "summarize_many: a text is not valid UTF-8 in its first %zu bytes",
						 order[t].len);
			break;
		}
		st = pt_text_normalize(order[t].text, order[t].len, max_input_chars,
							   &norm[t], &norm_len[t], err);
		if (st != PT_OK)
			break;
		if (norm_len[t] == 0)
			continue;
		n_zh += pt_detect_lang(norm[t], norm_len[t]) == PT_LANG_ZH;
		st = pt_sents_add(&set, norm[t], norm_len[t], (int) n_texts,
						  set.n < AGG_MAX_SENTS ?
						  (AGG_MAX_SENTS - set.n < per_text ? AGG_MAX_SENTS - set.n : per_text) : 0,
						  err);
		if (set.n > before)
		{
			side_of[n_texts] = order[t].side;
			n_neg += order[t].side < 0;
			n_pos += order[t].side > 0;
			n_texts++;
		}
	}
	if (n_neg + n_pos > 0)
		q_neg = (double) n_neg / (double) (n_neg + n_pos);
	if (st != PT_OK || set.n == 0 || max_chars == 0)
		goto done;
	lang = 2 * (size_t) n_zh > n_texts ? PT_LANG_ZH : PT_LANG_EN;

	best = pt_alloc(pt_mul_size(set.n > n_texts ? set.n : n_texts, sizeof *best));
	maxsim = pt_alloc_zero(pt_mul_size(set.n, sizeof *maxsim));
	n_support = pt_alloc(pt_mul_size(set.n, sizeof *n_support));
	done = pt_alloc_zero(pt_mul_size(set.n, sizeof *done));
	profane = pt_alloc_zero(pt_mul_size(set.n, sizeof *profane));
	picks = pt_alloc(pt_mul_size(set.n, sizeof *picks));
	if (best == NULL || maxsim == NULL || n_support == NULL || done == NULL || profane == NULL ||
		picks == NULL)
	{
		st = pt_fail(err, PT_ERR_NOMEM, "summarize_many: out of memory scoring %zu sentences",
					 set.n);
		goto done;
	}
	score_support(&set, n_texts, best, n_support);
	for (size_t i = 0; i < set.n; i++)
		any_supported |= n_support[i] > 0 && set.s[i].n_feat > 0;
	for (size_t i = 0; i < set.n; i++)
	{
		profane[i] = pt_has_profanity(set.s[i].text + set.s[i].start, set.s[i].end - set.s[i].start);
		if ((any_supported && n_support[i] == 0) || set.s[i].n_feat == 0 ||
			set.s[i].chars > max_chars || profane[i])
			done[i] = 1;
	}

	/* greedy picks by support times novelty, whole sentences in budget */
	for (;;)
	{
		size_t		c = set.n,
					at;
		double		cv = -1.0;
		int			want = side_wanted(picked_neg, picked_pos, q_neg);

		pt_check_interrupts();
		/* the best candidate of the side the group's sentiment asks for, else the best of all */
		for (int pass = want != 0 ? 0 : 1; pass < 2 && c == set.n; pass++)
			for (size_t i = 0; i < set.n; i++)
			{
				double		v;

				if (done[i] || (pass == 0 && side_of[set.s[i].text_id] != want))
					continue;
				v = set.s[i].score * (1.0 - AGG_LAMBDA * maxsim[i]);
				if (v > cv)
				{
					cv = v;
					c = i;
				}
			}
		if (c == set.n)
			break;
		done[c] = 1;

		/*
		 * Output order: sentences that open their reviews first (verdicts
		 * tend to), the better-supported first among equals.  The budget is
		 * checked on the text in that order, separators included.
		 */
		for (at = n_picks; at > 0 && set.s[picks[at - 1]].pos > set.s[c].pos; at--)
			picks[at] = picks[at - 1];
		picks[at] = c;
		n_picks++;
		if (pt_sents_join(&set, picks, n_picks, "", 0, lang, NULL, NULL) > max_chars)
		{
			memmove(picks + at, picks + at + 1, (n_picks - at - 1) * sizeof *picks);
			n_picks--;
			continue;
		}
		picked_neg += side_of[set.s[c].text_id] < 0;
		picked_pos += side_of[set.s[c].text_id] > 0;
		for (size_t i = 0; i < set.n; i++)
		{
			double		s;

			if (done[i])
				continue;
			s = sent_cosine(&set, i, c);
			if (s > maxsim[i])
				maxsim[i] = s;
			if (s >= AGG_REDUNDANT)
				done[i] = 1;
		}
	}

	if (n_picks == 0)
	{
		/* nothing fits whole: the longest leading clause of the best-supported sentence that does */
		size_t		b = set.n;
		const pt_sent *s;

		for (size_t i = 0; i < set.n; i++)
			if (!profane[i] && (b == set.n || set.s[i].score > set.s[b].score))
				b = i;
		if (b == set.n)
			goto done;
		s = &set.s[b];
		bytes = pt_text_clause_cut(s->text + s->start, s->end - s->start, max_chars);
		*out = pt_alloc(bytes + 1);
		if (*out == NULL)
		{
			st = pt_fail(err, PT_ERR_NOMEM, "summarize_many: out of memory");
			goto done;
		}
		memcpy(*out, s->text + s->start, bytes);
		(*out)[bytes] = '\0';
		*out_len = bytes;
		goto done;
	}
	pt_sents_join(&set, picks, n_picks, "", 0, lang, NULL, &bytes);
	*out = pt_alloc(bytes + 1);
	if (*out == NULL)
	{
		st = pt_fail(err, PT_ERR_NOMEM, "summarize_many: out of memory for a %zu-byte summary",
					 bytes);
		goto done;
	}
	pt_sents_join(&set, picks, n_picks, "", 0, lang, *out, out_len);

done:
	if (st == PT_OK && *out != NULL)
	{
		/* review sentences keep their words and casing; the punctuation follows the language */
		char	   *typeset;
		size_t		typeset_len;

		st = pt_typography_apply(*out, *out_len, NULL, 0, max_chars, &typeset, &typeset_len, err);
		pt_free(*out);
		*out = st == PT_OK ? typeset : NULL;
		*out_len = st == PT_OK ? typeset_len : 0;
	}
	if (st == PT_OK && *out == NULL)
	{
		*out = pt_alloc(1);
		if (*out == NULL)
			st = pt_fail(err, PT_ERR_NOMEM, "summarize_many: out of memory");
		else
			(*out)[0] = '\0';
		*out_len = 0;
	}
	if (st != PT_OK && *out != NULL)
	{
		pt_free(*out);
		*out = NULL;
		*out_len = 0;
	}
	pt_sents_free(&set);
	for (size_t t = 0; norm != NULL && t < n_use; t++)
		pt_free(norm[t]);
	pt_free(norm);
	pt_free(norm_len);
	pt_free(order);
	pt_free(best);
	pt_free(maxsim);
	pt_free(n_support);
	pt_free(done);
	pt_free(profane);
	pt_free(side_of);
	pt_free(picks);
	return st;
}
