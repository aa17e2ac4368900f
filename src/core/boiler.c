/*
 * boiler.c — the seller-boilerplate detector of boiler.h: units of text,
 * their probability of being boilerplate, and the text without them.
 */
#include "boiler.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lexicon.h"
#include "ngrams.h"
#include "tidy.h"
#include "typography.h"

/*
 * Inside a unit the detector did not flag, a segment or a glued prefix or
 * suffix is cut only when it scores at least this on its own: a part
 * misjudged costs a product fact.
 */
#define GLUE_MIN_P 0.9f
#define GLUE_WORDS 12			/* the longest glued prefix or suffix tried, in words */
#define GLUE_HAN_MIN 2			/* the shortest glued Chinese prefix or suffix tried, in characters ("热卖") */
#define GLUE_HAN_KEEP 3			/* ... and the fewest bytes left of the unit, in 3-byte characters */
#define GLUE_HAN_MAX 12			/* ... and the longest */

struct pt_boiler
{
	int			buckets,
				nmin,
				nmax;
	const float *w;				/* [buckets] */
	float		bias,
				threshold;
};

pt_status
pt_boiler_load(const pt_model *m, pt_boiler **out, pt_err *err)
{
	pt_boiler	b;
	const float *bias;
	double		threshold;
	pt_status	st;

	*out = NULL;
	if (strcmp(m->task, "boilerplate") != 0)
		return pt_fail(err, PT_ERR_MODEL, "model \"%s\" is a %s model, not a boilerplate model",
					   m->name, m->task);
	if ((st = pt_model_require_int32(m, "buckets", 1, 1 << 24, &b.buckets, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "ngram_min", 1, PT_NGRAM_MAX_N, &b.nmin, err)) != PT_OK ||
		(st = pt_model_require_int32(m, "ngram_max", b.nmin, PT_NGRAM_MAX_N, &b.nmax, err)) != PT_OK ||
		(st = pt_model_require_float(m, "threshold", 0.0, 1.0, &threshold, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "linear.weight", 1, (int64_t[]) {b.buckets}, &b.w, err)) != PT_OK ||
		(st = pt_model_require_f32(m, "linear.bias", 1, (int64_t[]) {1}, &bias, err)) != PT_OK)
		return st;
	b.bias = bias[0];
	b.threshold = (float) threshold;
	if (!isfinite(b.bias))
		return pt_fail(err, PT_ERR_MODEL, "model \"%s\": linear.bias is not finite", m->name);
	if ((*out = pt_alloc(sizeof b)) == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	**out = b;
	return PT_OK;
}

void
pt_boiler_free(pt_boiler *b)
{
	pt_free(b);
}

float
pt_boiler_threshold(const pt_boiler *b)
{
	return b->threshold;
}

/* the classifier's view of a unit: " " + ASCII-lower-cased text with digits as '0' + " " */
static void
classifier_text(const char *s, size_t len, char *out)
{
	out[0] = ' ';
	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		else if (c >= '0' && c <= '9')
			c = '0';
		out[i + 1] = c;
	}
	out[len + 1] = ' ';
}

pt_status
pt_boiler_prob(const pt_boiler *b, const char *s, size_t len, float *p, pt_err *err)
{
	char	   *view;
	float		z = 0.0f;
	pt_status	st;

	*p = 0.0f;
	if (len == 0)
		return PT_OK;
	if ((view = pt_alloc(len + 2)) == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory scoring boilerplate");
	classifier_text(s, len, view);
	st = pt_char_ngram_dot(view, len + 2, b->nmin, b->nmax, b->buckets, b->w, 1, &z, err);
	pt_free(view);
	if (st == PT_OK)
		*p = 1.0f / (1.0f + expf(-(z + b->bias)));
	return st;
}

/* ---- units ---- */

/* 【 〖 『 〔: seller copy sets tags apart with them ("『当天发货』") */
#define LENTICULAR_OPEN(cp) ((cp) == 0x3010 || (cp) == 0x3016 || (cp) == 0x300E || (cp) == 0x3014)
#define LENTICULAR_CLOSE(cp) ((cp) == 0x3011 || (cp) == 0x3017 || (cp) == 0x300F || (cp) == 0x3015)

typedef struct span_list
{
	pt_span    *v;
	size_t		n,
				cap;
} span_list;

/* append [a, b) trimmed of spaces, if anything is left */
static pt_status
push_unit(span_list *L, const char *s, size_t a, size_t b, pt_err *err)
{
	while (a < b && s[a] == ' ')
		a++;
	while (b > a && s[b - 1] == ' ')
		b--;
	if (a == b)
		return PT_OK;
	if (L->n == L->cap)
	{
		size_t		cap = L->cap ? 2 * L->cap : 16;
		pt_span    *grown = pt_realloc(L->v, pt_mul_size(cap, sizeof(pt_span)));

		if (grown == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "out of memory splitting units");
		L->v = grown;
		L->cap = cap;
	}
	L->v[L->n].start = a;
	L->v[L->n].end = b;
	L->n++;
	return PT_OK;
}

/*
 * Whether the space at s[i] (s[..b)) follows or precedes a Han character:
 * Chinese copy puts no space inside a phrase, so there it parts keywords
 * ("316不锈钢内胆保温杯 包邮!"); after a colon it joins a head to what
 * the head introduces ("Tags: 对比使,…").
 */
static int
space_beside_han(const char *s, size_t b, size_t i)
{
	return pt_ideograph_before(s, b, i) || pt_ideograph_at(s, b, i + 1);
}

/* cut one sentence [a, b) into units */
static pt_status
split_sentence(span_list *L, const char *s, size_t a, size_t b, pt_err *err)
{
	size_t		start = a,
				i = a;
	pt_status	st = PT_OK;

	while (i < b && st == PT_OK)
	{
		uint32_t	cp;
		size_t		k = pt_utf8_decode(s + i, b - i, &cp);

		if (k == 0)
			k = 1;
		if (LENTICULAR_OPEN(cp) && i > start)
		{
			st = push_unit(L, s, start, i, err);
			start = i;
		}
		else if (LENTICULAR_CLOSE(cp))
		{
			st = push_unit(L, s, start, i + k, err);
			start = i + k;
		}
		else if (cp == ' ' && i > a && s[i - 1] != ':' && space_beside_han(s, b, i))
		{
			st = push_unit(L, s, start, i, err);
			start = i + 1;
		}
		else if (cp == '!' || cp == '?' || cp == ';')
		{
			size_t		e = i + 1;

			while (e < b && (s[e] == '!' || s[e] == '?' || s[e] == ';'))
				e++;
			/*
			 * "包邮!七天无理由退换": a mark another character follows at once;
			 * not a bracket or quote it closes ("(BEST PRICE!!!) with …")
			 */
			if (e < b && s[e] != ' ' && strchr(")]\"'", s[e]) == NULL)
			{
				st = push_unit(L, s, start, e, err);
				start = e;
			}
			k = e - i;
		}
		i += k;
	}
	if (st == PT_OK)
		st = push_unit(L, s, start, b, err);
	return st;
}

pt_status
pt_boiler_units(const char *s, size_t len, pt_span **spans, size_t *n_spans, pt_err *err)
{
	span_list	L = {0};
	pt_span    *sent = NULL;
	size_t		n_sent = 0;
	pt_status	st;

	*spans = NULL;
	*n_spans = 0;
	if ((st = pt_split_sentences(s, len, &sent, &n_sent, err)) != PT_OK)
		return st;
	for (size_t i = 0; i < n_sent && st == PT_OK; i++)
		st = split_sentence(&L, s, sent[i].start, sent[i].end, err);
	pt_free(sent);
	if (st != PT_OK)
	{
		pt_free(L.v);
		return st;
	}
	*spans = L.v;
	*n_spans = L.n;
	return PT_OK;
}

/* P(boilerplate) of a unit; a 【…】 group is scored by what it holds: the brackets are decoration */
static pt_status
unit_prob(const pt_boiler *b, const char *s, size_t len, float *p, pt_err *err)
{
	uint32_t	first,
				last;

	/* every bracket of LENTICULAR_OPEN / _CLOSE is 3 bytes of UTF-8 */
	if (len > 6 && pt_utf8_decode(s, len, &first) == 3 && pt_utf8_decode(s + len - 3, 3, &last) == 3 &&
		LENTICULAR_OPEN(first) && LENTICULAR_CLOSE(last))
		return pt_boiler_prob(b, s + 3, len - 6, p, err);
	return pt_boiler_prob(b, s, len, p, err);
}

/*
 * A run of TITLE_HAN_MIN or more Han characters with no mark between them is
 * a keyword-stuffed title ("出入库记录本仓库进出货明细账本店铺商用…", a
 * ledger for shops), never seller boilerplate as a whole: no boilerplate
 * sentence runs that long without a pause.  Its glued ends may still go.
 */
#define TITLE_HAN_MIN 20

static int
title_run(const char *s, size_t len)
{
	size_t		run = 0;

	for (size_t i = 0; i < len;)
	{
		uint32_t	cp;
		size_t		k = pt_utf8_decode(s + i, len - i, &cp);

		if (k == 0)
			k = 1;
		if (k == 3 && pt_is_ideograph(cp))
		{
			if (++run >= TITLE_HAN_MIN)
				return 1;
		}
		else if (cp >= 0x80 || !pt_ascii_alnum((char) cp))
			run = 0;			/* a mark or a space parts the run; Latin letters and digits do not ("A4") */
		i += k;
	}
	return 0;
}

/* whether s[a..b) holds white space */
static int
has_space(const char *s, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		if (s[i] == ' ' || s[i] == '\n')
			return 1;
	return 0;
}

/*
 * Where seller copy glues noise onto a product phrase inside one unit
 * ("[ORDER TODAY, don't wait navy shorts, two pockets ~ Flash sale - hurry"):
 * the marks that end a segment.  " - " needs its spaces ("mid-rise" is one
 * word).
 */
#define SEGMENT_MARKS "|~[]*>#,;!?"
#define DECORATION_MARKS "|~[]*>#"	/* the marks that part a Chinese unit's segments */
/*
 * A flagged English unit is also parted at colons: its product part
 * survives when the noise has one ("adaptec 5325301871 : usually ships
 * in 24 hours" was dropped whole).  Not a kept unit's: its head
 * ("Material: cotton") belongs to what follows.
 */
#define FLAGGED_MARKS "|~[]*>#,;:!?"

/* the marks that part a unit into segments, flagged or kept, Chinese or not (above) */
static const char *
unit_marks(int flagged, int han)
{
	if (han)
		return flagged ? SEGMENT_MARKS : DECORATION_MARKS;
	return flagged ? FLAGGED_MARKS : SEGMENT_MARKS;
}

static size_t
segment_break(const char *s, size_t b, size_t i, const char *marks)
{
	/* "1,500" and "10:30" are numbers, not two segments: a cut there would leave "500" */
	if ((s[i] == ',' || s[i] == ':') && i > 0 && i + 1 < b && pt_ascii_alnum(s[i - 1]) &&
		pt_ascii_alnum(s[i + 1]))
		return 0;
	if (strchr(marks, s[i]) != NULL && s[i] != '\0')
		return 1;
	if (s[i] == ' ' && i + 2 < b && s[i + 1] == '-' && s[i + 2] == ' ')
		return 3;
	return 0;
}

/*
 * A segment too short to say anything alone, a keyword of a list: at most
 * 12 characters ("round", "machine wash"), or 4 where Han characters are
 * ("核心", "钟以内的"; a Chinese clause of 5 or more says something).
 */
static int
has_han(const char *s, size_t len)
{
	for (size_t i = 0; i < len;)
	{
		uint32_t	cp;
		size_t		k = pt_utf8_decode(s + i, len - i, &cp);

		if (k > 0 && pt_is_ideograph(cp))
			return 1;
		i += k > 0 ? k : 1;
	}
	return 0;
}

static int
list_item(const char *s, size_t len)
{
	return pt_utf8_chars(s, len) <= (has_han(s, len) ? 4u : 12u);
}

/* the end of the segment of s[i..e) that starts at i, parted by marks */
static size_t
segment_end(const char *s, size_t i, size_t e, const char *marks)
{
	while (i < e && segment_break(s, e, i, marks) == 0)
		i++;
	return i;
}

static pt_status keep_unglued(const pt_boiler *b, const char *s, size_t *a, size_t *e, pt_err *err);

/*
 * The segment after a unit's kept part [.., kept_e), flagged and cut, may be
 * a product phrase with noise glued on ("…, button closure, and 4 pockets
 * Visit our store for more items."): its head is kept (*out moves to its
 * end) when keep_unglued would keep it.
 */
static pt_status
rescue_tail(const pt_boiler *b, const char *s, const char *marks, size_t kept_e, size_t e, size_t *out,
			pt_err *err)
{
	size_t		i = kept_e,
				sa,
				se,
				brk;
	pt_status	st;

	while (i < e && s[i] == ' ')
		i++;
	if (i >= e || (brk = segment_break(s, e, i, marks)) == 0)
		return PT_OK;
	for (sa = i + brk; sa < e && s[sa] == ' '; sa++)
		;
	se = segment_end(s, sa, e, marks);
	while (se > sa && s[se - 1] == ' ')
		se--;
	i = sa;
	if (se > sa && (st = keep_unglued(b, s, &i, &se, err)) != PT_OK)
		return st;
	if (i == sa && se > sa)
		*out = se;
	return PT_OK;
}

/*
 * The part of a unit [*a, *e) worth keeping: its segments, with flagged
 * ones cut off at both ends.  A unit that is not flagged as a whole keeps
 * everything but those ends ("~特惠~服务说明…" loses "特惠").  A flagged
 * unit goes whole when it has one segment, when every segment is flagged,
 * when none is (the whole is the evidence: "手工测量,请允许1-3cm误差。"
 * scores 0.74, its halves 0.41 and 0.56), or when all that would be left
 * are list items ("Keywords: 的知, 核心, 钟以内的"): *a == *e then.
 */
static pt_status
trim_unit(const pt_boiler *b, const char *s, int flagged, const char *marks, size_t *a, size_t *e,
		  pt_err *err)
{
	size_t		i = *a,
				seg = *a,
				first_seg = *e,
				keep_a = *e,
				keep_e = *e;
	int			n_segs = 0,
				n_flagged = 0,
				found = 0,
				last_kept = 0,	/* the unit's last segment is kept */
				list_only = 1;	/* every segment kept so far is a list item */
	pt_status	st = PT_OK;

	while (i <= *e && st == PT_OK)
	{
		size_t		brk = i < *e ? segment_break(s, *e, i, marks) : 1;

		if (brk == 0)
		{
			i++;
			continue;
		}
		while (seg < i && s[seg] == ' ')
			seg++;
		if (seg < i)
		{
			size_t		end = i;
			float		p;

			while (end > seg && s[end - 1] == ' ')
				end--;
			if (n_segs++ == 0)
				first_seg = seg;
			last_kept = 0;
			if ((st = pt_boiler_prob(b, s + seg, end - seg, &p, err)) == PT_OK &&
				p < (flagged ? b->threshold : GLUE_MIN_P))
			{
				if (!found)
					keep_a = seg;
				keep_e = end;
				found = 1;
				last_kept = 1;
				list_only &= list_item(s + seg, end - seg);
			}
			else
				n_flagged++;
		}
		i += brk;
		seg = i;
	}
	if (st != PT_OK)
		return st;
	if (n_segs <= 1 || !found)
	{
		if (flagged)
			*a = *e;
		return PT_OK;
	}
	if (flagged && (list_only || n_flagged == 0))
	{
		*a = *e;
		return PT_OK;
	}
	if (!flagged && keep_a == first_seg && last_kept)
		return PT_OK;			/* nothing cut: the unit as it was, marks and all */
	if (last_kept)
		keep_e = *e;			/* its own end keeps its final mark */
	else if ((st = rescue_tail(b, s, marks, keep_e, *e, &keep_e, err)) != PT_OK)
		return st;
	/* marks left over from a cut-off decoration: "#+ - Sea green top" */
	if (keep_a > first_seg)
		while (keep_a < keep_e && strchr(" +-~|*>#=_:", s[keep_a]) != NULL)
			keep_a++;
	while (keep_e > keep_a && (s[keep_e - 1] == ' ' || s[keep_e - 1] == '-'))
		keep_e--;
	*a = keep_a;
	*e = keep_e;
	return PT_OK;
}

/*
 * A headed keyword list leading a unit the detector kept as a whole
 * ("Tags: 我们将, 在这里, 里可以, 秋冬7500KM俄语学习…"): its first segment
 * holds a head (a ':') and scores at least GLUE_MIN_P on its own; it goes
 * with the list items that follow it, whether or not the unit is flagged
 * as a whole (a kept Chinese unit is otherwise never cut between commas).
 */
static pt_status
trim_list_head(const pt_boiler *b, const char *s, size_t *a, size_t e, pt_err *err)
{
	size_t		i = segment_end(s, *a, e, SEGMENT_MARKS);
	float		p;
	pt_status	st;

	if (memchr(s + *a, ':', i - *a) == NULL)
		return PT_OK;
	if ((st = pt_boiler_prob(b, s + *a, i - *a, &p, err)) != PT_OK || p < GLUE_MIN_P)
		return st;
	while (i < e)
	{
		size_t		seg = i + segment_break(s, e, i, SEGMENT_MARKS),
					end;

		while (seg < e && s[seg] == ' ')
			seg++;
		end = segment_end(s, seg, e, SEGMENT_MARKS);
		while (end > seg && s[end - 1] == ' ')
			end--;
		if (end == seg || !list_item(s + seg, end - seg))
		{
			i = seg;
			break;
		}
		i = segment_end(s, seg, e, SEGMENT_MARKS);
	}
	*a = i;
	return PT_OK;
}

/*
 * Boilerplate glued onto a product sentence with no mark between them
 * ("… side slits Easy returns within 30 days.", "grab yours now Black
 * solid shirt …"): of the prefixes and suffixes of at most GLUE_WORDS words
 * that start or end where a capitalized word begins and that the detector
 * scores at least GLUE_MIN_P on their own, cut the one it scores highest
 * (the longest of equals), leaving at least two words and no connective at
 * the end (without_dangling).  Not the longest: a surer detector scores "Parfum Please contact
 * us…" 0.98 as well as the noise alone, and the product word would go with
 * it.  Chinese glue has no such seam: trim_glued_han.
 */

static int
glue_seam(const char *s, size_t a, size_t i)
{
	return i > a && s[i - 1] == ' ' && ((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '#');
}

/*
 * Where s[a..e) ends without the connectives left dangling at its end by a
 * cut ("Cotton shirt in | Best Price Guaranteed"): no product phrase ends
 * on one.
 */
static size_t
without_dangling(const char *s, size_t a, size_t e)
{
	for (;;)
	{
		size_t		w;

		while (e > a && s[e - 1] == ' ')
			e--;
		if ((w = a + pt_drop_connective_en(s + a, e - a)) == e)
			return e;
		e = w;
	}
}

/* whether a word of s[a..) starts at i */
static int
word_starts(const char *s, size_t a, size_t i)
{
	return pt_ascii_alnum(s[i]) && (i == a || s[i - 1] == ' ');
}

/* where the k-th word of s[a..e) starts; e when it has fewer */
static size_t
kth_word(const char *s, size_t a, size_t e, size_t k)
{
	for (size_t i = a, n = 0; i < e; i++)
		if (word_starts(s, a, i) && ++n == k)
			return i;
	return e;
}

/* where the k-th word from the end of s[a..e) starts; SIZE_MAX when it has fewer */
static size_t
kth_word_from_end(const char *s, size_t a, size_t e, size_t k)
{
	for (size_t i = e, n = 0; i > a; i--)
		if (word_starts(s, a, i - 1) && ++n == k)
			return i - 1;
	return SIZE_MAX;
}

/*
 * The seams are bounded by word positions found once (the suffix holds at
 * most GLUE_WORDS words, two stay before it; the same for the prefix), so
 * a long unit costs a scan, not a count per seam.
 */
static pt_status
trim_glued(const pt_boiler *b, const char *s, size_t *a, size_t *e, pt_err *err)
{
	size_t		cut_e = *e,
				cut_a = *a,
				lo = *a + 1,
				hi,
				w;
	pt_status	st = PT_OK;
	float		p,
				best;

	/* suffixes, longest first: the seams from the left, within GLUE_WORDS of the end */
	if ((w = kth_word_from_end(s, *a, *e, GLUE_WORDS + 1)) != SIZE_MAX && w + 1 > lo)
		lo = w + 1;
	if ((w = kth_word(s, *a, *e, 2)) + 1 > lo)
		lo = w + 1;
	best = GLUE_MIN_P;
	for (size_t i = lo; i < *e && st == PT_OK; i++)
		if (glue_seam(s, *a, i) &&
			(st = pt_boiler_prob(b, s + i, *e - i, &p, err)) == PT_OK && p > best)
		{
			best = p;
			cut_e = i;
		}
	/* prefixes, longest first: the seams from the right, within GLUE_WORDS of the start */
	hi = kth_word(s, *a, cut_e, GLUE_WORDS + 1);
	if ((w = kth_word_from_end(s, *a, cut_e, 2)) == SIZE_MAX)
		hi = *a;
	else if (w < hi)
		hi = w;
	best = GLUE_MIN_P;
	for (size_t i = hi; i > *a + 1 && st == PT_OK; i--)
		if (glue_seam(s, *a, i) &&
			(st = pt_boiler_prob(b, s + *a, i - *a, &p, err)) == PT_OK && p > best)
		{
			best = p;
			cut_a = i;
		}
	if (cut_e < *e)
		cut_e = without_dangling(s, cut_a, cut_e);
	while (cut_e > cut_a && s[cut_e - 1] == ' ')
		cut_e--;
	*a = cut_a;
	*e = cut_e;
	return st;
}

/* a glue seam: at i, a word (Han or ASCII) goes on, so no mark parts it from what it is glued to */
static int
seam_at(const char *s, size_t e, size_t i)
{
	return pt_ideograph_at(s, e, i) || (i < e && pt_ascii_alnum(s[i]));
}

static int
seam_before(const char *s, size_t e, size_t i)
{
	return pt_ideograph_before(s, e, i) || pt_ascii_alnum(s[pt_utf8_start_before(s, i)]);
}

/*
 * Chinese noise glued to a product phrase with no mark at all ("现货速发爆款啦
 * 这款牛仔裤…", "…USB接口关注店铺领取优惠券。"): of the runs of
 * GLUE_HAN_MIN..GLUE_HAN_MAX Han characters at either end of the unit (its
 * final marks go with a suffix) that the detector scores at least
 * GLUE_MIN_P on their own, cut the one it scores highest, leaving at least
 * GLUE_HAN_KEEP characters.
 */
static pt_status
trim_glued_han(const pt_boiler *b, const char *s, size_t *a, size_t *e, pt_err *err)
{
	size_t		at[GLUE_HAN_MAX + 1],
				n = 0,
				end = *e,
				cut;
	uint32_t	cp;
	pt_status	st = PT_OK;
	float		p,
				best;

	/* suffixes: at[k] starts the (k+1)-th Han character before the final marks */
	while (end > *a && !seam_before(s, *e, end))
		end = pt_utf8_start_before(s, end);
	for (size_t i = end; i > *a && n <= GLUE_HAN_MAX && pt_ideograph_before(s, *e, i);)
		at[n++] = i = pt_utf8_start_before(s, i);
	cut = *e;
	best = GLUE_MIN_P;
	for (size_t k = GLUE_HAN_MIN - 1; k < n && k < GLUE_HAN_MAX && st == PT_OK; k++)
		if (at[k] >= *a + 3 * GLUE_HAN_KEEP && seam_before(s, *e, at[k]) &&
			(st = pt_boiler_prob(b, s + at[k], *e - at[k], &p, err)) == PT_OK && p >= best)
		{
			best = p;
			cut = at[k];
		}
	*e = cut;
	/* prefixes: at[k] ends the (k+1)-th Han character */
	n = 0;
	for (size_t i = *a; i < *e && n <= GLUE_HAN_MAX && pt_ideograph_at(s, *e, i);)
		at[n++] = i += pt_utf8_decode(s + i, *e - i, &cp);
	cut = *a;
	best = GLUE_MIN_P;
	for (size_t k = GLUE_HAN_MIN - 1; k < n && k < GLUE_HAN_MAX && st == PT_OK; k++)
		if (at[k] + 3 * GLUE_HAN_KEEP <= *e && seam_at(s, *e, at[k]) &&
			(st = pt_boiler_prob(b, s + *a, at[k] - *a, &p, err)) == PT_OK && p >= best)
		{
			best = p;
			cut = at[k];
		}
	*a = cut;
	return st;
}

static pt_status
trim_glued_any(const pt_boiler *b, const char *s, size_t *a, size_t *e, pt_err *err)
{
	return (has_han(s + *a, *e - *a) ? trim_glued_han : trim_glued) (b, s, a, e, err);
}

/*
 * An English unit flagged as a whole may be a product phrase with noise
 * glued on ("Apple iPhone 13 Free shipping" scores 0.57): when a glued
 * prefix or suffix comes off (trim_glued) and the detector is as sure that
 * what is left is product text as GLUE_MIN_P makes it of the glue, that is
 * kept; otherwise the unit goes (*a == *e).  Shouted text has a seam at
 * every word ("MONEY BACK GUARANTEE" would leave "MONEY BACK"), Chinese glue
 * none to trust that far ("七天无理由退换!" would leave "七天无").
 */
static pt_status
keep_unglued(const pt_boiler *b, const char *s, size_t *a, size_t *e, pt_err *err)
{
	size_t		ka = *a,
				ke = *e;
	float		p;
	pt_status	st = PT_OK;

	if (!has_han(s + *a, *e - *a) &&
		(st = trim_glued(b, s, &ka, &ke, err)) == PT_OK && (ka > *a || ke < *e) && ka < ke &&
		!pt_text_shouted(s + ka, ke - ka) &&
		(st = pt_boiler_prob(b, s + ka, ke - ka, &p, err)) == PT_OK && p < 1.0f - GLUE_MIN_P)
	{
		*a = ka;
		*e = ke;
		return PT_OK;
	}
	*a = *e;
	return st;
}

/*
 * Keyword salad: short pieces between spaces, commas, slashes or bars, each
 * found in a longer unit of the same text, repeat words the text has anyway:
 * they go, and no word is lost.  A piece is Han of at most SALAD_MAX_CHARS
 * code points ("高腰 压个子不 高腰 很性感,拉高腰线,不压个子不挑人穿。",
 * "…网上相册;部在,画册或,网上相。"), or one English word of at least
 * SALAD_MIN_LETTERS letters parted from its neighbours by a list mark, not a
 * space alone (an English sentence is words between spaces).  A unit of such
 * pieces goes whole (English: SALAD_MIN_RUN of them); a run of SALAD_MIN_RUN
 * or more at a unit's start or end is cut off ("寸手机/屏玻璃/片装/钢化膜/
 * oppor17钢化膜…", "… for you - reserve,bakery,morning,situated").  Texts
 * of more than SALAD_MAX_UNITS units or SALAD_MAX_BYTES bytes are not
 * searched (a piece is searched for in the whole text).
 */
#define SALAD_MAX_CHARS 6
#define SALAD_MAX_UNITS 512
#define SALAD_MAX_BYTES (1 << 20)
#define SALAD_MIN_LETTERS 3
#define SALAD_MIN_RUN 3
#define SALAD_SEPARATORS " ,/|"

/* whether s[a, e) is found in a unit of u[n] but u[i] longer than SALAD_MAX_CHARS; English whole words, in any case */
static int
found_elsewhere(const char *s, const pt_span *u, size_t n, size_t i, size_t a, size_t e, int word)
{
	for (size_t j = 0; j < n; j++)
	{
		const char *t = s + u[j].start;
		size_t		tn = u[j].end - u[j].start;

		if (j == i || tn <= SALAD_MAX_CHARS || pt_utf8_chars(t, tn) <= SALAD_MAX_CHARS)
			continue;
		if (!word && memmem(t, tn, s + a, e - a) != NULL)
			return 1;
		for (size_t k = 0; word && k + (e - a) <= tn; k++)
			if ((k == 0 || !pt_ascii_alnum(t[k - 1])) &&
				(k + (e - a) == tn || !pt_ascii_alnum(t[k + (e - a)])) &&
				strncasecmp(t + k, s + a, e - a) == 0)
				return 1;
	}
	return 0;
}

/* whether s[a, e) is one English word of SALAD_MIN_LETTERS letters or more (inner hyphens allowed) */
static int
english_word(const char *s, size_t a, size_t e)
{
	size_t		letters = 0;

	for (size_t k = a; k < e; k++)
	{
		if ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z')
			letters++;
		else if (s[k] != '-' || k == a || k + 1 == e)
			return 0;
	}
	return letters >= SALAD_MIN_LETTERS;
}

/* whether the code point ending at byte e of normalized s (e > 0) is ASCII punctuation or a CJK mark */
static int
end_mark_before(const char *s, size_t e)
{
	size_t		b = pt_utf8_start_before(s, e);
	uint32_t	cp;

	if (pt_utf8_decode(s + b, e - b, &cp) == 0)
		return 0;
	return (cp < 0x80 && !pt_ascii_alnum((char) cp)) || pt_is_cjk_punct(cp);
}

/* whether s[a, e) is ASCII marks only */
static int
marks_only(const char *s, size_t a, size_t e)
{
	for (size_t k = a; k < e; k++)
		if (pt_ascii_alnum(s[k]) || (unsigned char) s[k] >= 0x80)
			return 0;
	return 1;
}

/* whether the separators s[a, e) hold a list mark (or a lone mark), not only spaces */
static int
listed(const char *s, size_t a, size_t e)
{
	for (size_t k = a; k < e; k++)
		if (s[k] != ' ')
			return 1;
	return 0;
}

/* the next piece of s[*i, end) (lone marks skipped): 1 with it in s[*pa, *pe) and *i past it */
static int
piece_after(const char *s, size_t end, size_t *i, size_t *pa, size_t *pe)
{
	while (*i < end)
	{
		size_t		k = *i;

		while (k < end && strchr(SALAD_SEPARATORS, s[k]) != NULL)
			k++;
		*pa = k;
		while (k < end && strchr(SALAD_SEPARATORS, s[k]) == NULL)
			k++;
		*pe = *i = k;
		if (*pe > *pa && !marks_only(s, *pa, *pe))	/* a lone "-" or "#" parts pieces like a list mark */
			return 1;
	}
	return 0;
}

/* the piece of s[start, *i) that ends last (lone marks skipped): 1 with it in s[*pa, *pe) and *i before it */
static int
piece_before(const char *s, size_t start, size_t *i, size_t *pa, size_t *pe)
{
	while (*i > start)
	{
		size_t		k = *i;

		while (k > start && strchr(SALAD_SEPARATORS, s[k - 1]) != NULL)
			k--;
		*pe = k;
		while (k > start && strchr(SALAD_SEPARATORS, s[k - 1]) == NULL)
			k--;
		*pa = *i = k;
		if (*pe > *pa && !marks_only(s, *pa, *pe))
			return 1;
	}
	return 0;
}

/*
 * Whether the piece s[pa, pe) joins a run of salad: Han of at most
 * SALAD_MAX_CHARS code points, or an English word parted by a list mark from
 * the side the run goes on (s[sa, sb): the separators toward its neighbour in
 * the run, or toward the next piece when it would start the run), found in a
 * longer unit of the text.  The cheap tests first: words between spaces are
 * prose, never searched for.  *english is set by an English piece.
 */
static int
joins_salad(const char *s, const pt_span *u, size_t n, size_t i, size_t pa, size_t pe, size_t sa, size_t sb,
			int *english)
{
	int			han = has_han(s + pa, pe - pa);

	if (han ? pt_utf8_chars(s + pa, pe - pa) > SALAD_MAX_CHARS : !(english_word(s, pa, pe) && listed(s, sa, sb)))
		return 0;
	pt_check_interrupts();		/* each search reads the whole text */
	if (!found_elsewhere(s, u, n, i, pa, pe, !han))
		return 0;
	*english |= !han;
	return 1;
}

/*
 * The salad of unit i, s[*a, *e): 1 when it all goes; else *a and *e moved
 * past the runs at its ends.  Pieces are taken from each end until one is
 * no salad, so a unit of prose costs a look at its first and last words.
 */
static int
trim_salad(const char *s, const pt_span *u, size_t n, size_t i, size_t *a, size_t *e)
{
	size_t		end = *e,
				at = *a,
				pa = *a,
				pe = *a,
				na,
				ne,
				prev_end = *a,	/* the end of the leading run's last piece */
				run_a = *a;		/* the start of the trailing run's first piece */
	int			run = 0,
				english = 0;

	if (n > SALAD_MAX_UNITS || u[n - 1].end > SALAD_MAX_BYTES)
		return 0;
	while (end > *a && end_mark_before(s, end))
		end = pt_utf8_start_before(s, end);	/* its end marks aside */
	/* the leading run */
	while (piece_after(s, end, &at, &pa, &pe))
	{
		size_t		peek = at,
					sa = prev_end,
					sb = pa;

		if (run == 0)			/* a run's first piece: the separators after it */
		{
			sa = pe;
			sb = piece_after(s, end, &peek, &na, &ne) ? na : pe;
		}
		if (!joins_salad(s, u, n, i, pa, pe, sa, sb, &english))
			break;
		run++;
		prev_end = pe;
	}
	if (at >= end && run > 0 && prev_end == pe)	/* every piece is salad */
		return !english || run >= SALAD_MIN_RUN;
	if (run >= SALAD_MIN_RUN && listed(s, prev_end, pa))
		*a = pa;
	/* the trailing run, back to the start of what the leading run left */
	at = end;
	run = 0;
	english = 0;
	while (piece_before(s, *a, &at, &pa, &pe))
	{
		size_t		peek = at,
					sa = pe,
					sb = run_a;

		if (run == 0)			/* a run's last piece: the separators before it */
		{
			sa = piece_before(s, *a, &peek, &na, &ne) ? ne : pa;
			sb = pa;
		}
		if (!joins_salad(s, u, n, i, pa, pe, sa, sb, &english))
			break;
		run++;
		run_a = pa;
	}
	if (run >= SALAD_MIN_RUN && pa < run_a && listed(s, pe, run_a))
		*e = pe;
	return 0;
}

/*
 * Noise set inside a kept unit as an aside: a group in round or square
 * brackets ("Soft cotton T-shirt (BEST PRICE!!!) with…", "[free returns]",
 * "纯棉T恤(包邮),可机洗") or a middle segment between two spaced dashes,
 * bars or tildes ("… T-shirt - Free Shipping - crew neck …", "… 1.7 l — order
 * now and save 20% — boils …") that the detector scores at least GLUE_MIN_P
 * on its own.  The unit's ends are trim_unit's; these are in its middle.
 */
#define ASIDE_SEPARATORS 5

static size_t
aside_separator(const char *s, size_t e, size_t i)
{
	static const char *const seps[ASIDE_SEPARATORS] = {" - ", " | ", " ~ ", " \xe2\x80\x94 ", " \xe2\x80\x93 "};

	for (int k = 0; k < ASIDE_SEPARATORS; k++)
	{
		size_t		n = strlen(seps[k]);

		if (i + n <= e && memcmp(s + i, seps[k], n) == 0)
			return n;
	}
	return 0;
}

/* the end of the bracketed group opening at s[i] ('(' or '['), or 0: closed before e, not nested */
static size_t
group_end(const char *s, size_t i, size_t e)
{
	char		close = s[i] == '(' ? ')' : ']';

	for (size_t j = i + 1; j < e; j++)
	{
		if (s[j] == close)
			return j + 1;
		if (s[j] == '(' || s[j] == '[')
			return 0;
	}
	return 0;
}

/*
 * Copy s[a..e) to buf + *at without its noisy asides.  A group goes with
 * one space beside it; a middle segment with the separator before it.
 */
static pt_status
copy_without_asides(const pt_boiler *b, const char *s, size_t a, size_t e, char *buf, size_t *at, pt_err *err)
{
	size_t		i = a,
				sep_s = SIZE_MAX,	/* where the last separator starts in s (none yet) */
				sep_n = 0,			/* its length */
				sep_at = 0;			/* where it starts in buf */
	float		p;
	pt_status	st = PT_OK;

	while (i < e && st == PT_OK)
	{
		size_t		n,
					g;

		if ((s[i] == '(' || s[i] == '[') && i > a && (g = group_end(s, i, e)) > i + 2)
		{
			if ((st = pt_boiler_prob(b, s + i + 1, g - i - 2, &p, err)) == PT_OK && p >= GLUE_MIN_P)
			{
				if (*at > 0 && buf[*at - 1] == ' ')
					(*at)--;
				else if (g < e && s[g] == ' ')
					g++;
				i = g;
				continue;
			}
		}
		else if ((n = aside_separator(s, e, i)) > 0)
		{
			if (sep_s != SIZE_MAX &&
				(st = pt_boiler_prob(b, s + sep_s + sep_n, i - sep_s - sep_n, &p, err)) == PT_OK &&
				p >= GLUE_MIN_P)
				*at = sep_at;	/* the segment goes, and the separator before it */
			sep_s = i;
			sep_n = n;
			sep_at = *at;
			memcpy(buf + *at, s + i, n);
			*at += n;
			i += n;
			continue;
		}
		buf[(*at)++] = s[i++];
	}
	return st;
}

pt_status
pt_boiler_strip(const pt_boiler *b, const char *s, size_t len, char **out, size_t *out_len,
				size_t *n_dropped, pt_err *err)
{
	pt_span    *u = NULL;
	size_t		n = 0,
				at = 0,
				dropped = 0,
				prev_end = 0;	/* end of the last unit written */
	int			any = 0,
				gap = 0;		/* something was cut since the last unit written */
	char	   *buf;
	pt_status	st;

	*out = NULL;
	*out_len = 0;
	if ((buf = pt_alloc(len + 1)) == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	if (b == NULL)
	{
		memcpy(buf, s, len);
		at = len;
		st = PT_OK;
	}
	else
		st = pt_boiler_units(s, len, &u, &n, err);
	for (size_t i = 0; i < n && st == PT_OK; i++)
	{
		size_t		a = u[i].start,
					e = u[i].end;
		float		p;
		int			rescued = 0;

		pt_check_interrupts();
		/* the separator a dropped unit leaves ("纯棉T恤 - 全国包邮 - 可机洗"): the one before it stays */
		if (gap && marks_only(s, a, e))
			continue;
		if (trim_salad(s, u, n, i, &a, &e))
		{
			dropped++;
			gap = 1;
			continue;
		}
		if ((st = unit_prob(b, s + a, e - a, &p, err)) != PT_OK)
			break;
		/* a leading headed list goes first; what follows it is judged on its own */
		if ((st = trim_list_head(b, s, &a, e, err)) == PT_OK && a > u[i].start && a < e)
			st = unit_prob(b, s + a, e - a, &p, err);
		/*
		 * Chinese clauses between commas are product text too often to be
		 * cut from a kept unit: there only decoration parts segments
		 * ("~火爆热销中爆款推荐~捞米无线蓝牙耳机").
		 */
		if (st == PT_OK && a < e)
		{
			size_t		whole_a = a,
						whole_e = e;

			int			flagged = p >= b->threshold && !title_run(s + a, e - a);

			st = trim_unit(b, s, flagged, unit_marks(flagged, has_han(s + a, e - a)), &a, &e, err);
			if (st == PT_OK && a == e && flagged)
			{
				a = whole_a;
				e = whole_e;
				st = keep_unglued(b, s, &a, &e, err);
				rescued = a < e;
			}
		}
		if (st != PT_OK)
			break;
		/* a rescued unit has had its glue cut (keep_unglued) */
		if (a < e && !rescued && (st = trim_glued_any(b, s, &a, &e, err)) != PT_OK)
			break;
		if (a == e)
		{
			dropped++;
			gap = 1;
			continue;
		}
		if (any)
		{
			if (!gap && a == u[i].start)	/* neighbours: the text between them as it was */
			{
				memcpy(buf + at, s + prev_end, a - prev_end);
				at += a - prev_end;
			}
			/*
			 * a cut between two kept parts never glues two words into one
			 * ("blac!l"), nor two lines into one sentence ("iPhone 13" and
			 * "x" are not "iPhone 13 x", a new size), nor a number and a
			 * word into a new amount ("…)0包邮 min" is not "0 min", found by
			 * fuzz_summarize): those go on a new line
			 */
			else if (has_space(s, prev_end, a) ||
					 (pt_ascii_alnum(buf[at - 1]) && pt_ascii_alnum(s[a])))
			{
				int			new_line = memchr(s + prev_end, '\n', a - prev_end) != NULL ||
					(buf[at - 1] >= '0' && buf[at - 1] <= '9' && pt_ascii_alnum(s[a]));

				buf[at++] = new_line ? '\n' : ' ';
			}
		}
		if ((st = copy_without_asides(b, s, a, e, buf, &at, err)) != PT_OK)
			break;
		prev_end = e;
		any = 1;
		gap = e < u[i].end;
	}
	pt_free(u);
	if (st != PT_OK)
	{
		pt_free(buf);
		return st;
	}
	buf[at] = '\0';
	*out = buf;
	*out_len = at;
	if (n_dropped)
		*n_dropped = dropped;
	return PT_OK;
}

pt_status
pt_boiler_clean(const pt_boiler *b, const char *norm, size_t len, char **out, size_t *out_len,
				pt_lang *lang, pt_err *err)
{
	char	   *tidied,
			   *stripped;
	size_t		tidied_len,
				stripped_len;
	pt_status	st;

	*out = NULL;
	*out_len = 0;
	if (b == NULL)
	{
		/* nothing to strip: tidied once */
		if ((st = pt_text_tidy(norm, len, out, out_len, err)) == PT_OK)
			*lang = pt_detect_lang(*out, *out_len);
		return st;
	}
	/* shouting is recased after the strip: a shouted sentence shows where noise is glued on */
	if ((st = pt_text_tidy_keep_case(norm, len, &tidied, &tidied_len, err)) != PT_OK)
		return st;
	*lang = pt_detect_lang(tidied, tidied_len);
	if (*lang != PT_LANG_EN && *lang != PT_LANG_ZH)
	{
		/* another language: nothing to strip either, and tidied once as without a detector */
		pt_free(tidied);
		return pt_text_tidy(norm, len, out, out_len, err);
	}
	st = pt_boiler_strip(b, tidied, tidied_len, &stripped, &stripped_len, NULL, err);
	pt_free(tidied);
	if (st != PT_OK)
		return st;
	st = pt_text_tidy(stripped, stripped_len, out, out_len, err);
	pt_free(stripped);
	return st;
}
