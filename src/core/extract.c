/*
 * extract.c — sentence units and the extractive path (extract.h).
 */
#include "extract.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lexicon.h"
#include "tokenizer.h"
#include "typography.h"

/* ---------------------------------------------------------------- cutting */

/* bytes of look-ahead the pre-tokenizer may use past a piece's end */
#define CUT_LOOKAHEAD 8
#define CUT_WINDOW 1024

static int
is_space_byte(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static int
word_joiner(char c)
{
	return c == '-' || c == '.' || c == '_' || c == '/' || c == ',';
}

/*
 * 1 when a cut at e would split a word of facts.h ("XR-500", "1,500",
 * "2.5", "cancel1000with"): its first part would be another fact word,
 * one the input does not hold ("XR", "1", "10").
 */
static int
splits_word(const char *t, size_t len, size_t e)
{
	if (e == 0 || e >= len)
		return 0;
	if (pt_ascii_alnum(t[e - 1]) && pt_ascii_alnum(t[e]))
		return 1;
	if (pt_ascii_alnum(t[e - 1]) && word_joiner(t[e]) && e + 1 < len && pt_ascii_alnum(t[e + 1]))
		return 1;
	return e >= 2 && word_joiner(t[e - 1]) && pt_ascii_alnum(t[e - 2]) && pt_ascii_alnum(t[e]);
}

size_t
pt_text_clause_cut(const char *text, size_t len, size_t max_chars)
{
	size_t		best = 0,
				chars = 0;

	for (size_t i = 0; i < len && chars <= max_chars; i++)
	{
		/* "1,000" is a number, not two clauses */
		if ((text[i] == ',' || text[i] == ';') &&
			!(i > 0 && i + 1 < len && pt_ascii_alnum(text[i - 1]) && pt_ascii_alnum(text[i + 1])))
		{
			size_t		e = i;

			while (e > 0 && text[e - 1] == ' ')
				e--;
			best = e;
		}
		chars += ((unsigned char) text[i] & 0xC0) != 0x80;
	}
	return best;
}

size_t
pt_text_cut(const char *text, size_t len, size_t max_chars)
{
	size_t		lim,
				pos = 0,
				best = 0;
	uint32_t	ends[CUT_WINDOW];

	if (text == NULL || len == 0 || max_chars == 0)
		return 0;
	lim = pt_utf8_prefix(text, len, max_chars);
	if (lim >= len)
		best = len;
	else
	{
		/*
		 * The pre-tokenizer scans forward from a piece start with a few
		 * bytes of look-ahead, so pieces found in a window that starts on a
		 * boundary are the text's own pieces, except near the window's end.
		 * Windows keep this allocation-free and linear in lim.
		 */
		while (pos < lim)
		{
			size_t		wend = len - pos > CUT_WINDOW ? pos + CUT_WINDOW : len;
			size_t		n = pt_pretokenize(text + pos, wend - pos, ends, CUT_WINDOW);
			size_t		next = pos;

			if (n > CUT_WINDOW)
				n = CUT_WINDOW;
			for (size_t i = 0; i < n; i++)
			{
				size_t		e = pos + ends[i];

				if (wend != len && e + CUT_LOOKAHEAD > wend)
					break;
				if (e > lim)
				{
					next = lim;		/* done: later boundaries are too far */
					break;
				}
				if (!splits_word(text, len, e))
					best = e;
				next = e;
			}
			if (next == pos)
				break;			/* cannot happen: a window holds whole pieces */
			pos = next;
		}
	}
	if (best < lim && pt_ideograph_before(text, len, lim) && pt_ideograph_at(text, len, lim))
		best = lim;				/* a Han run is a run of words: cut it anywhere */
	while (best > 0 && is_space_byte(text[best - 1]))
		best--;
	return best;
}

/* ------------------------------------------------------------------ units */

#define PT_W_STOP 1
#define PT_W_FIRST 2
#define PT_W_BOILER 4

typedef struct word_entry
{
	const char *w;
	int			flags;
} word_entry;

/* sorted by strcmp, for bsearch */
static const word_entry word_table[] = {
	{"a", PT_W_STOP},
	{"about", PT_W_STOP},
	{"after", PT_W_STOP},
	{"again", PT_W_STOP},
	{"all", PT_W_STOP},
	{"also", PT_W_STOP},
	{"am", PT_W_STOP},
	{"an", PT_W_STOP},
	{"and", PT_W_STOP},
	{"any", PT_W_STOP},
	{"are", PT_W_STOP},
	{"arrival", PT_W_BOILER},
	{"arrived", PT_W_BOILER},
	{"as", PT_W_STOP},
	{"at", PT_W_STOP},
	{"be", PT_W_STOP},
	{"been", PT_W_STOP},
	{"before", PT_W_STOP},
	{"being", PT_W_STOP},
	{"but", PT_W_STOP},
	{"by", PT_W_STOP},
	{"can", PT_W_STOP},
	{"cart", PT_W_BOILER},
	{"click", PT_W_BOILER},
	{"contact", PT_W_BOILER},
	{"could", PT_W_STOP},
	{"delivered", PT_W_BOILER},
	{"delivery", PT_W_BOILER},
	{"did", PT_W_STOP},
	{"didn't", PT_W_STOP},
	{"do", PT_W_STOP},
	{"does", PT_W_STOP},
	{"doesn't", PT_W_STOP},
	{"don't", PT_W_STOP},
	{"down", PT_W_STOP},
	{"email", PT_W_BOILER},
	{"even", PT_W_STOP},
	{"for", PT_W_STOP},
	{"from", PT_W_STOP},
	{"get", PT_W_STOP},
	{"got", PT_W_STOP},
	{"had", PT_W_STOP},
	{"has", PT_W_STOP},
	{"have", PT_W_STOP},
	{"he", PT_W_STOP},
	{"her", PT_W_STOP},
	{"here", PT_W_STOP},
	{"him", PT_W_STOP},
	{"his", PT_W_STOP},
	{"how", PT_W_STOP},
	{"i", PT_W_FIRST | PT_W_STOP},
	{"i'd", PT_W_FIRST | PT_W_STOP},
	{"i'll", PT_W_FIRST | PT_W_STOP},
	{"i'm", PT_W_FIRST | PT_W_STOP},
	{"i've", PT_W_FIRST | PT_W_STOP},
	{"if", PT_W_STOP},
	{"im", PT_W_FIRST | PT_W_STOP},
	{"in", PT_W_STOP},
	{"into", PT_W_STOP},
	{"is", PT_W_STOP},
	{"isn't", PT_W_STOP},
	{"it", PT_W_STOP},
	{"it'll", PT_W_STOP},
	{"it's", PT_W_STOP},
	{"its", PT_W_STOP},
	{"ive", PT_W_FIRST | PT_W_STOP},
	{"just", PT_W_STOP},
	{"me", PT_W_FIRST | PT_W_STOP},
	{"mine", PT_W_FIRST | PT_W_STOP},
	{"more", PT_W_STOP},
	{"most", PT_W_STOP},
	{"much", PT_W_STOP},
	{"my", PT_W_FIRST | PT_W_STOP},
	{"myself", PT_W_FIRST | PT_W_STOP},
	{"no", PT_W_STOP},
	{"not", PT_W_STOP},
	{"of", PT_W_STOP},
	{"off", PT_W_STOP},
	{"on", PT_W_STOP},
	{"one", PT_W_STOP},
	{"only", PT_W_STOP},
	{"or", PT_W_STOP},
	{"other", PT_W_STOP},
	{"our", PT_W_FIRST | PT_W_STOP},
	{"out", PT_W_STOP},
	{"over", PT_W_STOP},
	{"own", PT_W_STOP},
	{"really", PT_W_STOP},
	{"refund", PT_W_BOILER},
	{"refunds", PT_W_BOILER},
	{"return", PT_W_BOILER},
	{"returned", PT_W_BOILER},
	{"returns", PT_W_BOILER},
	{"same", PT_W_STOP},
	{"seller", PT_W_BOILER},
	{"sellers", PT_W_BOILER},
	{"she", PT_W_STOP},
	{"shipped", PT_W_BOILER},
	{"shipping", PT_W_BOILER},
	{"should", PT_W_STOP},
	{"so", PT_W_STOP},
	{"some", PT_W_STOP},
	{"such", PT_W_STOP},
	{"than", PT_W_STOP},
	{"that", PT_W_STOP},
	{"that's", PT_W_STOP},
	{"the", PT_W_STOP},
	{"their", PT_W_STOP},
	{"them", PT_W_STOP},
	{"then", PT_W_STOP},
	{"there", PT_W_STOP},
	{"there's", PT_W_STOP},
	{"these", PT_W_STOP},
	{"they", PT_W_STOP},
	{"they're", PT_W_STOP},
	{"this", PT_W_STOP},
	{"those", PT_W_STOP},
	{"to", PT_W_STOP},
	{"too", PT_W_STOP},
	{"up", PT_W_STOP},
	{"us", PT_W_FIRST | PT_W_STOP},
	{"very", PT_W_STOP},
	{"was", PT_W_STOP},
	{"wasn't", PT_W_STOP},
	{"we", PT_W_FIRST | PT_W_STOP},
	{"well", PT_W_STOP},
	{"were", PT_W_STOP},
	{"what", PT_W_STOP},
	{"what's", PT_W_STOP},
	{"when", PT_W_STOP},
	{"where", PT_W_STOP},
	{"which", PT_W_STOP},
	{"who", PT_W_STOP},
	{"will", PT_W_STOP},
	{"with", PT_W_STOP},
	{"would", PT_W_STOP},
	{"you", PT_W_STOP},
	{"you're", PT_W_STOP},
	{"your", PT_W_STOP},
};

static int
word_cmp(const void *key, const void *ent)
{
	return strcmp((const char *) key, ((const word_entry *) ent)->w);
}

static int
word_flags(const char *w)
{
	const word_entry *e = bsearch(w, word_table, sizeof word_table / sizeof word_table[0],
								  sizeof word_table[0], word_cmp);

	return e ? e->flags : 0;
}

static int
is_cjk_cp(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
		(cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

/* letters and digits of any script except ideographs (which are units of their own) */
static int
is_word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
	if (cp == 0xD7 || cp == 0xF7 || cp < 0xC0)
		return 0;
	if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
		(cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
		(cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0xE000 && cp <= 0xF8FF))
		return 0;
	return !is_cjk_cp(cp);
}

static uint32_t
fnv1a(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
	{
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t
mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

/* what a scan of one sentence found */
typedef struct unit_scan
{
	uint32_t   *feats;
	size_t		n;
	size_t		cap;
	int			n_words;
	int			first_person;
	int			boiler;
} unit_scan;

static void
scan_emit(unit_scan *u, uint32_t h)
{
	if (u->n < u->cap)
		u->feats[u->n++] = h;
}

#define WORD_BUF 32

/* one finished word: w[0..n) lower-cased ASCII (or raw bytes), full_len its real length */
static void
scan_word(unit_scan *u, char *w, size_t n, size_t full_len)
{
	int			flags = 0;

	u->n_words++;
	if (full_len == n && n < WORD_BUF)
	{
		w[n] = '\0';
		flags = word_flags(w);
	}
	if (flags & PT_W_FIRST)
		u->first_person++;
	if (flags & PT_W_BOILER)
		u->boiler++;
	if (flags & PT_W_STOP)
		return;
	/* fold a plural 's' (not "ss"), and a possessive "'s" */
	if (n == full_len && n > 3 && w[n - 1] == 's' && w[n - 2] == '\'')
		full_len = n -= 2;
	else if (n == full_len && n > 3 && w[n - 1] == 's' && w[n - 2] != 's')
		full_len = --n;
	/* a word longer than the buffer: its first bytes and its length */
	scan_emit(u, mix32(fnv1a(2166136261u, w, n) ^ (uint32_t) full_len * 0x9e3779b9u));
}

/* zh boiler-plate bigrams: 包邮 发货 退货 退换 客服 快递 联系 物流 卖家 */
static const uint32_t zh_boiler[][2] = {
	{0x5305, 0x90AE}, {0x53D1, 0x8D27}, {0x9000, 0x8D27}, {0x9000, 0x6362},
	{0x5BA2, 0x670D}, {0x5FEB, 0x9012}, {0x8054, 0x7CFB}, {0x7269, 0x6D41},
	{0x5356, 0x5BB6}
};

static void
scan_units(const char *s, size_t len, unit_scan *u)
{
	char		w[WORD_BUF + 1];
	size_t		wn = 0,
				wfull = 0,
				i = 0;
	uint32_t	prev_cjk = 0;
	int			cjk_run = 0;

	if (len > PT_EXTRACT_SCAN_BYTES)
		len = PT_EXTRACT_SCAN_BYTES;
	while (i <= len)
	{
		uint32_t	cp = 0;
		size_t		k = 0;

		if (i < len)
		{
			k = pt_utf8_decode(s + i, len - i, &cp);
			if (k == 0)
			{
				k = 1;
				cp = 0xFFFD;
			}
		}
		/* an apostrophe between two letters continues a word */
		if (wfull > 0 && (cp == '\'' || cp == 0x2019))
		{
			uint32_t	next = 0;
			size_t		k2 = i + k < len ? pt_utf8_decode(s + i + k, len - i - k, &next) : 0;

			if (k2 > 0 && is_word_cp(next))
			{
				if (wn < WORD_BUF)
					w[wn++] = '\'';
				wfull++;
				i += k;
				continue;
			}
		}
		if (i < len && is_word_cp(cp))
		{
			char		buf[4];
			size_t		bl;

			if (cp >= 'A' && cp <= 'Z')
				cp += 'a' - 'A';
			else if (cp >= 0xC0 && cp <= 0xDE)
				cp += 0x20;
			bl = pt_utf8_encode(cp, buf);
			for (size_t j = 0; j < bl; j++)
			{
				if (wn < WORD_BUF)
					w[wn++] = buf[j];
				wfull++;
			}
		}
		else if (wfull > 0)
		{
			scan_word(u, w, wn, wfull);
			wn = wfull = 0;
		}
		if (i < len && is_cjk_cp(cp))
		{
			u->n_words++;
			if (cp == 0x6211)	/* 我 */
				u->first_person++;
			if (prev_cjk)
			{
				scan_emit(u, mix32((prev_cjk * 0x10001u) ^ (cp * 0x9e3779b9u) ^ 0x5bd1e995u));
				for (size_t b = 0; b < sizeof zh_boiler / sizeof zh_boiler[0]; b++)
					if (zh_boiler[b][0] == prev_cjk && zh_boiler[b][1] == cp)
						u->boiler++;
			}
			prev_cjk = cp;
			cjk_run++;
		}
		else
		{
			if (cjk_run == 1)	/* a lone ideograph is a unit by itself */
				scan_emit(u, mix32(prev_cjk ^ 0x27d4eb2du));
			prev_cjk = 0;
			cjk_run = 0;
		}
		if (i >= len)
			break;
		i += k;
	}
}

size_t
pt_text_units(const char *text, size_t len, uint32_t *feats, size_t cap)
{
	unit_scan	u;

	memset(&u, 0, sizeof u);
	if (text == NULL || feats == NULL || cap == 0)
		return 0;
	u.feats = feats;
	u.cap = cap;
	/* scan in sentence-sized slices so a long prefix is read whole */
	for (size_t off = 0; off < len && u.n < cap;)
	{
		size_t		end = len - off > PT_EXTRACT_SCAN_BYTES ? off + PT_EXTRACT_SCAN_BYTES : len;

		/* end the slice on a space so no word is split */
		while (end < len && end > off + 1 && !is_space_byte(text[end - 1]))
			end--;
		if (end == off + 1 && end < len)
			end = len - off > PT_EXTRACT_SCAN_BYTES ? off + PT_EXTRACT_SCAN_BYTES : len;
		scan_units(text + off, end - off, &u);
		off = end;
	}
	return pt_sort_unique_u32(feats, u.n);
}

size_t
pt_units_overlap(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t		i = 0,
				j = 0,
				c = 0;

	while (i < na && j < nb)
	{
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else
		{
			c++;
			i++;
			j++;
		}
	}
	return c;
}

double
pt_units_cosine(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	if (na == 0 || nb == 0)
		return 0.0;
	return (double) pt_units_overlap(a, na, b, nb) / sqrt((double) na * (double) nb);
}

/* ---------------------------------------------------------- sentence sets */

static int
is_bullet_cp(uint32_t cp)
{
	return cp == '-' || cp == '*' || cp == '#' || cp == '>' || cp == 0x2022 ||
		cp == 0xB7 || cp == 0x25CF || cp == 0x25A0 || cp == 0x2605 || cp == 0x2606 ||
		cp == 0x3010 || cp == ' ';
}

static pt_status
sents_reserve(pt_sent_set *set, size_t more_sents, size_t more_feats, pt_err *err)
{
	if (set->n + more_sents > set->cap)
	{
		size_t		cap = set->cap ? set->cap * 2 : 64;
		pt_sent    *s;

		while (cap < set->n + more_sents)
			cap *= 2;
		s = pt_realloc(set->s, pt_mul_size(cap, sizeof *s));
		if (s == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "extract: out of memory for %zu sentences", cap);
		set->s = s;
		set->cap = cap;
	}
	if (set->n_feats + more_feats > set->feats_cap)
	{
		size_t		cap = set->feats_cap ? set->feats_cap * 2 : 1024;
		uint32_t   *f;

		while (cap < set->n_feats + more_feats)
			cap *= 2;
		f = pt_realloc(set->feats, pt_mul_size(cap, sizeof *f));
		if (f == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "extract: out of memory for sentence units");
		set->feats = f;
		set->feats_cap = cap;
	}
	return PT_OK;
}

pt_status
pt_sents_add(pt_sent_set *set, const char *text, size_t len, int text_id,
			 size_t max_sents, pt_err *err)
{
	pt_span    *spans = NULL;
	size_t		n_spans = 0,
				taken = 0;
	pt_status	st;

	if (text == NULL || len == 0 || max_sents == 0)
		return PT_OK;
	st = pt_split_sentences(text, len, &spans, &n_spans, err);
	if (st != PT_OK)
		return st;
	for (size_t i = 0; i < n_spans && taken < max_sents; i++)
	{
		size_t		start = spans[i].start,
					end = spans[i].end;
		pt_sent    *s;
		unit_scan	u;

		if ((i & 63) == 0)
			pt_check_interrupts();
		/* trim bullet marks and white space at the start */
		while (start < end)
		{
			uint32_t	cp;
			size_t		k = pt_utf8_decode(text + start, end - start, &cp);

			if (k == 0 || !is_bullet_cp(cp))
				break;
			start += k;
		}
		while (end > start && is_space_byte(text[end - 1]))
			end--;
		if (end <= start)
			continue;
		st = sents_reserve(set, 1, PT_EXTRACT_MAX_FEATS, err);
		if (st != PT_OK)
			break;
		memset(&u, 0, sizeof u);
		u.feats = set->feats + set->n_feats;
		u.cap = PT_EXTRACT_MAX_FEATS;
		scan_units(text + start, end - start, &u);
		if (u.n_words == 0)
			continue;			/* no letter, digit or ideograph */
		s = &set->s[set->n];
		memset(s, 0, sizeof *s);
		s->text = text;
		s->start = start;
		s->end = end;
		s->chars = pt_utf8_chars(text + start, end - start);
		s->feat_off = set->n_feats;
		s->n_feat = (int) pt_sort_unique_u32(u.feats, u.n);
		s->n_words = u.n_words;
		s->text_id = text_id;
		s->pos = (int) taken;
		s->first_person = u.first_person;
		s->boiler = u.boiler;
		s->question = text[end - 1] == '?' ||
			(end - start >= 3 && memcmp(text + end - 3, "\xef\xbc\x9f", 3) == 0);
		set->n_feats += (size_t) s->n_feat;
		set->n++;
		taken++;
	}
	pt_free(spans);
	return st;
}

void
pt_sents_free(pt_sent_set *set)
{
	if (set == NULL)
		return;
	pt_free(set->s);
	pt_free(set->feats);
	memset(set, 0, sizeof *set);
}

/* ---------------------------------------------------------------- joining */

typedef enum end_kind
{
	END_NONE,					/* empty so far */
	END_CJK,					/* ends a sentence, nothing needed after it */
	END_LATIN,					/* ends a sentence, a space after it */
	END_OPEN					/* does not end a sentence */
} end_kind;

static end_kind
end_kind_of(const char *s, size_t len, pt_lang lang)
{
	size_t		i = len;
	uint32_t	cp = 0;

	if (len == 0)
		return END_NONE;
	while (i > 0 && len - i < 4 && (s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0)
		i--;
	if (pt_utf8_decode(s + i, len - i, &cp) == 0)
		return END_OPEN;
	switch (cp)
	{
		case 0x3002:			/* 。 ！ ？ ； … */
		case 0xFF01:
		case 0xFF1F:
		case 0xFF1B:
			return END_CJK;
		case 0x2026:
		case 0x201D:			/* ” ’ 」 』 ） */
		case 0x2019:
		case 0x300D:
		case 0x300F:
		case 0xFF09:
			return lang == PT_LANG_ZH ? END_CJK : END_LATIN;
		case '!':				/* also ！？；：， after normalization */
		case '?':
		case ';':
		case ':':
		case ',':				/* a line that ends on a comma goes on in the next */
			return lang == PT_LANG_ZH ? END_CJK : END_LATIN;
		case '.':
		case ')':
		case ']':
		case '"':
		case '\'':
			return END_LATIN;
		default:
			return END_OPEN;
	}
}

/* the separator to put after text ending in `kind` */
static const char *
separator(end_kind kind, pt_lang lang, size_t *chars)
{
	switch (kind)
	{
		case END_NONE:
		case END_CJK:
			*chars = 0;
			return "";
		case END_LATIN:
			*chars = 1;
			return " ";
		default:
			break;
	}
	if (lang == PT_LANG_ZH)
	{
		*chars = 1;
		return "\xe3\x80\x82";	/* 。 */
	}
	*chars = 2;
	return ". ";
}

size_t
pt_sents_join(const pt_sent_set *set, const size_t *idx, size_t n_idx,
			  const char *prefix, size_t prefix_len, pt_lang lang,
			  char *out, size_t *bytes)
{
	size_t		chars = 0,
				b = 0;
	end_kind	kind;

	if (n_idx > 0)
		while (prefix_len > 0 && is_space_byte(prefix[prefix_len - 1]))
			prefix_len--;
	if (prefix_len > 0)
	{
		if (out)
			memcpy(out, prefix, prefix_len);
		b = prefix_len;
		chars = pt_utf8_chars(prefix, prefix_len);
	}
	kind = end_kind_of(prefix, prefix_len, lang);
	for (size_t i = 0; i < n_idx; i++)
	{
		const pt_sent *s = &set->s[idx[i]];
		size_t		sep_chars,
					sl = s->end - s->start;
		const char *sep = separator(kind, lang, &sep_chars);
		size_t		sep_len = strlen(sep);

		if (out)
		{
			memcpy(out + b, sep, sep_len);
			memcpy(out + b + sep_len, s->text + s->start, sl);
		}
		b += sep_len + sl;
		chars += sep_chars + s->chars;
		kind = end_kind_of(s->text + s->start, sl, lang);
	}
	if (out)
		out[b] = '\0';
	if (bytes)
		*bytes = b;
	return chars;
}

/* ------------------------------------------------------------ extraction */

#define FILL_REDUNDANT 0.5		/* skip a sentence when this share of its units is said */
#define FILL_MIN_WORDS 3
#define FILL_RESTATES 0.6		/* a sentence holding this share of the prefix's units restates it */

static const uint32_t *
sent_feats(const pt_sent_set *set, size_t i)
{
	return set->feats + set->s[i].feat_off;
}

/* how many of sentence c's units the prefix units or the picked sentences hold */
static size_t
units_said(const pt_sent_set *set, size_t c, const uint32_t *pre, size_t n_pre,
		   const size_t *picks, size_t n_picks)
{
	const uint32_t *f = sent_feats(set, c);
	size_t		said = 0;

	for (int k = 0; k < set->s[c].n_feat; k++)
	{
		int			found = bsearch(&f[k], pre, n_pre, sizeof *pre, pt_compare_u32) != NULL;

		for (size_t p = 0; !found && p < n_picks; p++)
			found = bsearch(&f[k], sent_feats(set, picks[p]), (size_t) set->s[picks[p]].n_feat,
							sizeof *f, pt_compare_u32) != NULL;
		said += found;
	}
	return said;
}

/* copy s[0..len) into a new pt_alloc'd string */
static pt_status
copy_out(const char *s, size_t len, char **out, size_t *out_len, pt_err *err)
{
	char	   *o = pt_alloc(len + 1);

	if (o == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "extract: out of memory for a %zu-byte summary", len);
	if (len > 0)
		memcpy(o, s, len);
	o[len] = '\0';
	*out = o;
	*out_len = len;
	return PT_OK;
}

/*
 * a cut between words, without what dangles at its end: "nylon &", "soft
 * and", "Hanging Strap |" (a cut never ends on a connective, lexicon.h)
 */
static size_t
trim_dangling(const char *s, size_t len)
{
	for (;;)
	{
		size_t		w;

		while (len > 0 && strchr(" &,;:-/+(|~*#=", s[len - 1]) != NULL)
			len--;
		if ((w = pt_drop_connective_en(s, len)) == len)
			return len;
		len = w;
	}
}

/*
 * Where the word after the one at i starts, or len: each ideograph is a
 * word, and so is a run of other characters up to white space or an
 * ideograph ("Water-resistant", "1,500": a part of one is no word of it).
 */
static size_t
next_word(const char *t, size_t len, size_t i)
{
	if (i < len && pt_ideograph_at(t, len, i))
		return i + pt_utf8_decode(t + i, len - i, &(uint32_t) {0});
	while (i < len && !is_space_byte(t[i]) && !pt_ideograph_at(t, len, i))
		i++;
	while (i < len && !pt_ascii_alnum(t[i]) && !pt_ideograph_at(t, len, i))
		i++;
	return i;
}

/* words of b[0..n): runs of letters and digits, each ideograph one */
static int
count_words(const char *b, size_t n)
{
	size_t		i = 0;
	int			words = 0;

	while (i < n && !pt_ascii_alnum(b[i]) && !pt_ideograph_at(b, n, i) && (unsigned char) b[i] < 0x80)
		i++;
	for (; i < n; i = next_word(b, n, i))
		words++;
	return words;
}

/*
 * A sentence that shouts in part keeps its quiet part in a summary ("…
 * Maker Set HOURS OF FUN- Quickly …" → "… Maker Set"): the text before its
 * first shouting run, or, when the sentence opens shouting (nothing in lower
 * case before the run: "CREATE A REALISTIC … FANS - every car race …"), the
 * text after that run's last word up to the next run.  Its units stay those
 * of the whole sentence (they only tell what it says); chars and n_words
 * are counted again, and a part of under FILL_MIN_WORDS words is never
 * picked.  Cuts fall between words: never a part of one.
 */
static void
quiet_part(pt_sent *s)
{
	const char *b = s->text + s->start;
	size_t		n = s->end - s->start,
				from = 0,
				to = n,
				rs,
				re;
	int			opens = 1;

	if (!pt_text_shouting_run(b, n, 0, &rs, &re))
		return;
	for (size_t i = 0; i < rs; i++)
		opens &= !(b[i] >= 'a' && b[i] <= 'z');
	if (!opens)
		to = rs;
	else
	{
		from = re;
		while (from < n && b[from] != ' ' && b[from] != '\n')
			from++;				/* the rest of the run's last word ("FUN-") */
		while (from < n && !pt_ascii_alnum(b[from]) && (unsigned char) b[from] < 0x80)
			from++;
		if (pt_text_shouting_run(b, n, from, &rs, &re))
			to = rs;
	}
	to = from + trim_dangling(b + from, to > from ? to - from : 0);
	s->start += from;
	s->end = s->start + (to - from);
	s->chars = pt_utf8_chars(b + from, to - from);
	s->n_words = count_words(b + from, to - from);
}

#define CUT_SKIP_WORDS 8		/* leading words too long for the budget skipped, at most */

/* bytes of sentence b[0..n) kept by a cut to max_chars: its last clause that fits, or a cut between words */
static size_t
sentence_cut(const char *b, size_t n, size_t max_chars)
{
	size_t		word_cut = pt_text_cut(b, n, max_chars),
				clause_cut = pt_text_clause_cut(b, n, max_chars);

	if (clause_cut * 2 >= word_cut)
		return clause_cut;
	return word_cut < n ? trim_dangling(b, word_cut) : word_cut;
}

/*
 * The leading part of sentence s that fits max_chars: up to its last clause
 * that fits, unless that keeps under half of what a cut between words keeps.
 * When not even the first word fits ("Honeywell霍尼韦尔扫码枪" in 8
 * characters), the words after it that do, rather than nothing.
 */
static pt_status
cut_sentence(const pt_sent *s, size_t max_chars, char **out, size_t *out_len, pt_err *err)
{
	const char *b = s->text + s->start;
	size_t		n = s->end - s->start,
				skip = 0,
				len = sentence_cut(b, n, max_chars);

	for (int k = 0; len == 0 && k < CUT_SKIP_WORDS && (skip = next_word(b, n, skip)) < n; k++)
		len = sentence_cut(b + skip, n - skip, max_chars);
	return copy_out(b + skip, len, out, out_len, err);
}

pt_status
pt_extract_fill(const char *text, size_t len, const char *prefix, size_t prefix_len,
				size_t max_chars, char **out, size_t *out_len, pt_err *err)
{
	pt_sent_set set;
	size_t	   *picks = NULL;
	uint32_t   *pre = NULL;
	size_t		n_pre = 0,
				n_picks = 0,
				prefix_chars,
				bytes = 0;
	pt_lang		lang;
	pt_status	st;

	if (out == NULL || out_len == NULL)
		return pt_fail(err, PT_ERR_ARG, "extract: no output pointer");
	*out = NULL;
	*out_len = 0;
	if ((text == NULL && len > 0) || (prefix == NULL && prefix_len > 0))
		return pt_fail(err, PT_ERR_ARG, "extract: NULL text with a non-zero length");
	if (!pt_utf8_valid(text, len) || !pt_utf8_valid(prefix, prefix_len))
		return pt_fail(err, PT_ERR_INVALID_UTF8, "extract: input is not valid UTF-8");
	prefix_chars = pt_utf8_chars(prefix, prefix_len);
	if (prefix_chars >= max_chars)
		return copy_out(prefix, pt_text_cut(prefix, prefix_len, max_chars), out, out_len, err);

	memset(&set, 0, sizeof set);
	lang = pt_detect_lang(len > 0 ? text : prefix, len > 0 ? len : prefix_len);
	st = pt_sents_add(&set, text, len, 0, PT_EXTRACT_MAX_SENTS, err);
	if (st == PT_OK && set.n > 0)
	{
		picks = pt_alloc(pt_mul_size(set.n, sizeof *picks));
		pre = pt_alloc(4 * PT_EXTRACT_MAX_FEATS * sizeof *pre);
		if (picks == NULL || pre == NULL)
			st = pt_fail(err, PT_ERR_NOMEM, "extract: out of memory");
	}
	if (st != PT_OK || set.n == 0)
		goto done;

	/*
	 * Sentences in text order: product copy says what the product is first,
	 * and on every catalog the lead beats TextRank-style centrality
	 * (models/summarize.md, "The extractive path").
	 */
	n_pre = pt_text_units(prefix, prefix_len, pre, 4 * PT_EXTRACT_MAX_FEATS);
	for (size_t c = 0; c < set.n; c++)
		quiet_part(&set.s[c]);
	for (size_t c = 0; c < set.n; c++)
	{
		const pt_sent *s = &set.s[c];

		/* seller noise is never picked: boilerplate, and shouting (only quiet parts are left) */
		if (s->boiler || s->n_words < FILL_MIN_WORDS || s->n_feat == 0)
			continue;
		/* the first sentence, cut, says more of the product than a later one that fits */
		if (s->chars > max_chars && n_picks == 0 && prefix_len == 0)
		{
			st = cut_sentence(s, max_chars, out, out_len, err);
			goto done;
		}
		if (s->chars > max_chars ||
			(double) units_said(&set, c, pre, n_pre, picks, n_picks) > FILL_REDUNDANT * (double) s->n_feat)
			continue;
		/* a sentence that restates the prefix would repeat it, however much it adds */
		if (n_pre > 0 && (double) pt_units_overlap(pre, n_pre, sent_feats(&set, c), (size_t) s->n_feat) >=
			FILL_RESTATES * (double) n_pre)
			continue;
		picks[n_picks++] = c;
		if (pt_sents_join(&set, picks, n_picks, prefix, prefix_len, lang, NULL, NULL) > max_chars)
			n_picks--;
	}
	/* only noise and fragments: the first sentence, cut, rather than nothing */
	if (n_picks == 0 && prefix_len == 0)
	{
		st = cut_sentence(&set.s[0], max_chars, out, out_len, err);
		goto done;
	}
	/* sentences quiet alone can shout together ("… a COMMUNITY VIBE. PROFILE: …"): drop the last */
	for (;;)
	{
		pt_sents_join(&set, picks, n_picks, prefix, prefix_len, lang, NULL, &bytes);
		*out = pt_alloc(bytes + 1);
		if (*out == NULL)
		{
			st = pt_fail(err, PT_ERR_NOMEM, "extract: out of memory for a %zu-byte summary", bytes);
			goto done;
		}
		pt_sents_join(&set, picks, n_picks, prefix, prefix_len, lang, *out, out_len);
		if (n_picks <= 1 || !pt_text_caps_run(*out, *out_len))
			break;
		pt_free(*out);
		*out = NULL;
		n_picks--;
	}

done:
	if (st == PT_OK && *out == NULL)
		st = copy_out(prefix, prefix_len, out, out_len, err);
	pt_free(picks);
	pt_free(pre);
	pt_sents_free(&set);
	return st;
}
