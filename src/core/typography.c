/*
 * typography.c — the output conventions of typography.h: names (a hash set
 * of the input's name-cased words) and the punctuation of the language.
 */
#include "typography.h"

#include <string.h>

#include "extract.h"
#include "text.h"

#define SHOUT_MIN_LETTERS 6
#define SHOUT_UPPER_TENTHS 7	/* 70 % */

/* how many loop steps pass between two calls of pt_check_interrupts */
#define INTERRUPT_STRIDE 65536

/* a code point no class below holds, for bytes that are not UTF-8 */
#define NOT_UTF8 0x110000u

typedef struct name_entry
{
	uint64_t	hash;			/* of the lower-cased word; 0 = empty slot */
	size_t		off;			/* the word as cased in the input: words[off..off+len) */
	size_t		len;
	int			emphasis;		/* all caps here, lower case elsewhere in the input: not a name */
} name_entry;

struct pt_namecase
{
	name_entry *tab;			/* open addressing, mask + 1 slots, at most half full */
	size_t		mask;
	size_t		count;
	char	   *words;			/* the names, back to back (never longer than the input) */
	size_t		words_len;
	uint64_t   *forms;			/* word_hash, unfolded, of each casing the input gives a name's word */
	size_t		forms_mask;
	size_t		forms_count;
};

/* c is in set; never for NUL, which strchr would find */
static int
in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static int
is_mark(char c)
{
	return in_set(c, ",.!?:;");
}

/* characters that glue a mark into a number, address or code ("3.5", "a.b@c", "http://") */
static int
code_char(char c)
{
	return pt_ascii_alnum(c) || in_set(c, "/@_-~%#&=+\\");
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* s[i] is the '.' of a list number: one or two digits after a non-ASCII character,
 * a space, a mark or the start ("功能:1.支持", "特色竞技场2.游戏化") */
static int
list_number_dot(const char *s, size_t i)
{
	size_t		d = 0;

	while (d < 3 && d < i && is_digit(s[i - 1 - d]))
		d++;
	return s[i] == '.' && (d == 1 || d == 2) &&
		(i == d || !code_char(s[i - 1 - d]));
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c + 'a' - 'A') : c;
}

/* long loops call this once a step: it lets the glue cancel every INTERRUPT_STRIDE steps */
static void
tick(size_t *steps)
{
	if (++*steps % INTERRUPT_STRIDE == 0)
		pt_check_interrupts();
}

/* one code point at s[i]; bytes that are not UTF-8 are taken one at a time as NOT_UTF8 */
static size_t
next_cp(const char *s, size_t len, size_t i, uint32_t *cp)
{
	size_t		k = pt_utf8_decode(s + i, len - i, cp);

	if (k == 0)
	{
		*cp = NOT_UTF8;
		return 1;
	}
	return k;
}

static uint32_t
wide_of(char c)
{
	switch (c)
	{
		case ',':
			return 0xFF0C;
		case '.':
			return 0x3002;
		case '!':
			return 0xFF01;
		case '?':
			return 0xFF1F;
		case ':':
			return 0xFF1A;
		case ';':
			return 0xFF1B;
		case '(':
			return 0xFF08;
		default:
			return 0xFF09;		/* ')' */
	}
}

/* the ASCII form of a full-width mark, or 0 */
static char
narrow_of(uint32_t cp)
{
	static const char marks[] = ",.!?:;()";

	if (cp < 0x3000)
		return 0;
	for (const char *m = marks; *m; m++)
		if (wide_of(*m) == cp)
			return *m;
	return 0;
}

int
pt_text_shouted(const char *s, size_t len)
{
	size_t		letters = 0,
				upper = 0,
				steps = 0;

	for (size_t i = 0; i < len;)
	{
		uint32_t	cp;

		tick(&steps);
		i += next_cp(s, len, i, &cp);
		if (pt_is_ideograph(cp))
			return 0;
		if (cp >= 0xFF21 && cp <= 0xFF5A)	/* full-width letters */
			cp -= 0xFEE0;
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
		{
			letters++;
			upper += cp <= 'Z';
		}
	}
	return letters >= SHOUT_MIN_LETTERS && upper * 10 >= letters * SHOUT_UPPER_TENTHS;
}

static int
upper_at(const char *s, size_t len, size_t k)
{
	return k < len && s[k] >= 'A' && s[k] <= 'Z';
}

/*
 * At s[i], a word of two or more capitals (inner hyphens between capitals
 * allowed: "E-MAIL") not followed by a lower-case letter, then maybe ! . ,
 * — its length, or 0.  *spaced: white space (or the end) follows, so a run
 * may go on.
 */
static size_t
caps_word(const char *s, size_t len, size_t i, int *spaced)
{
	size_t		k = i,
				letters = 0;

	for (; upper_at(s, len, k) || (k > i && k < len && s[k] == '-' && upper_at(s, len, k + 1)); k++)
		letters += s[k] != '-';
	if (letters < 2 || (k < len && s[k] >= 'a' && s[k] <= 'z'))
		return 0;
	while (k < len && in_set(s[k], "!.,"))
		k++;
	*spaced = k == len || s[k] == ' ' || s[k] == '\n';
	return k - i;
}

/*
 * The caps word that ends the token s[i, end) after a mark that is not a
 * letter ("COFFEE—ONE", "(MTR)/ONE"): where it starts, or i when there is
 * none.  A reader sees a word there.
 */
static size_t
caps_tail(const char *s, size_t len, size_t i, size_t end)
{
	size_t		k;
	int			spaced = 0;

	for (k = end; k > i && strchr("!.,", s[k - 1]) != NULL; k--)
		;
	while (k > i && (upper_at(s, len, k - 1) || s[k - 1] == '-'))
		k--;
	while (k < end && s[k] == '-')
		k++;
	if (k == i || upper_at(s, len, k - 1) || (s[k - 1] >= 'a' && s[k - 1] <= 'z') ||
		caps_word(s, len, k, &spaced) != end - k || !spaced)
		return i;
	return k;
}

int
pt_text_caps_run_span(const char *s, size_t len, size_t *start, size_t *end)
{
	int			run = 0;
	size_t		first = 0;

	/* white-space separated tokens; a run is broken by any token that is not a caps word */
	for (size_t i = 0; i < len;)
	{
		int			spaced = 0;
		size_t		w = caps_word(s, len, i, &spaced),
					token_end = i + w;

		if (w > 0 && run++ == 0)
			first = i;
		if (run >= 3)
		{
			*start = first;
			*end = i + w;
		}
		while (token_end < len && s[token_end] != ' ' && s[token_end] != '\n')
			token_end++;
		if (w == 0 || !spaced)
		{
			size_t		tail;

			if (run >= 3)
				return 1;
			run = 0;
			if ((tail = caps_tail(s, len, i, token_end)) > i)	/* "COFFEE—ONE COMPLIMENTARY BAG": ONE starts a run */
			{
				run = 1;
				first = tail;
			}
		}
		i = token_end;
		while (i < len && (s[i] == ' ' || s[i] == '\n'))
			i++;
	}
	return run >= 3;
}

int
pt_text_caps_run(const char *s, size_t len)
{
	size_t		start,
				end;

	return pt_text_caps_run_span(s, len, &start, &end);
}

/*
 * The English words of two letters; any other all-caps pair is taken for
 * an acronym or a brand ("LG", "HP", "TV", "UK") and keeps its capitals
 * when its sentence is recased ("BUY NOW FOR MEN" is still lowered).
 */
static const char two_letter_words[][3] = {
	"ah", "am", "an", "as", "at", "be", "by", "do", "go", "he", "hi", "if", "in", "is", "it",
	"me", "my", "no", "of", "oh", "ok", "on", "or", "ox", "so", "to", "up", "us", "we",
};

/* s[0..n) is capital letters only */
static int
all_caps(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

/*
 * All-caps s[0..n) is an acronym or a brand, not a shouted word: two
 * letters that are no English word, or three without a vowel ("JBL",
 * "DVD", "LCD": English words of three letters have one, "dry" its y).
 */
static int
acronym(const char *s, size_t n)
{
	if (n == 3)
	{
		for (size_t i = 0; i < n; i++)
			if (strchr("AEIOUY", s[i]) != NULL)
				return 0;
		return 1;
	}
	if (n != 2)
		return 0;
	for (size_t k = 0; k < sizeof two_letter_words / sizeof *two_letter_words; k++)
		if (s[0] - 'A' + 'a' == two_letter_words[k][0] && s[1] - 'A' + 'a' == two_letter_words[k][1])
			return 0;
	return 1;
}

/*
 * Write shouted s[0..len) in lower case, in place (byte for byte): every
 * word but those that hold a digit, are "I", or are an acronym (above);
 * with capitalize, its first letter upper case (a sentence's start).
 */
void
pt_text_unshout(char *s, size_t len, int capitalize)
{
	size_t		i = 0;

	while (i < len)
	{
		size_t		end = i;
		int			digit = 0;

		if (!pt_ascii_alnum(s[i]))
		{
			i++;
			continue;
		}
		for (; end < len && (pt_ascii_alnum(s[end]) || s[end] == '-' || s[end] == '\''); end++)
			digit |= s[end] >= '0' && s[end] <= '9';
		if (!digit && all_caps(s + i, end - i) && acronym(s + i, end - i))
			digit = 1;			/* an acronym: kept as written, like a code */
		if (!digit && !(end - i == 1 && s[i] == 'I'))
			for (size_t j = i; j < end; j++)
				if (s[j] >= 'A' && s[j] <= 'Z')
					s[j] += 'a' - 'A';
		i = end;
	}
	if (capitalize && len > 0 && s[0] >= 'a' && s[0] <= 'z')
		s[0] -= 'a' - 'A';
}

/*
 * Whether the caps run r[0..n) shouts rather than names: two or more of its
 * words have three letters or more, a vowel and no digit ("HOURS OF FUN");
 * brands, acronyms and model codes ("LG TROMM WM2688HNM", "DVD-RW, CD-RW")
 * are names.
 */
static int
run_shouts(const char *r, size_t n)
{
	int			shouted = 0;

	for (size_t i = 0; i < n;)
	{
		int			letters = 0,
					vowel = 0,
					digit = 0;

		for (; i < n && r[i] != ' ' && r[i] != '\n'; i++)
		{
			letters += r[i] >= 'A' && r[i] <= 'Z';
			vowel |= strchr("AEIOUY", r[i]) != NULL && r[i] != '\0';
			digit |= r[i] >= '0' && r[i] <= '9';
		}
		shouted += letters >= 3 && vowel && !digit;
		while (i < n && (r[i] == ' ' || r[i] == '\n'))
			i++;
	}
	return shouted >= 2;
}

/* where the white-space separated word that ends before b[at] (and its spaces) starts */
static size_t
word_start_before(const char *b, size_t at)
{
	while (at > 0 && (b[at - 1] == ' ' || b[at - 1] == '\n'))
		at--;
	while (at > 0 && b[at - 1] != ' ' && b[at - 1] != '\n')
		at--;
	return at;
}

/* whether that word has a capital and no lower-case letter ("A", "ADD", "I") */
static int
all_caps_word_before(const char *b, size_t at)
{
	size_t		w = word_start_before(b, at);
	int			upper = 0;

	for (size_t i = w; i < at; i++)
	{
		if ((unsigned char) b[i] >= 0x80 || (b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' && b[i] <= '9'))
			return 0;
		upper |= b[i] >= 'A' && b[i] <= 'Z';
	}
	return upper;
}

int
pt_text_shouting_run(const char *b, size_t n, size_t from, size_t *rs, size_t *re)
{
	while (from < n && pt_text_caps_run_span(b + from, n - from, rs, re))
	{
		*rs += from;
		*re += from;
		if (run_shouts(b + *rs, *re - *rs))
		{
			/* words of capitals before it belong to it: "ADD A PREMIUM FEEL …" */
			while (*rs > 0 && all_caps_word_before(b, *rs))
				*rs = word_start_before(b, *rs);
			return 1;
		}
		from = *re;
	}
	return 0;
}

/* whether s[i] starts a sentence: the text's start, or after a line break or ". " "! " "? " */
static int
sentence_start(const char *s, size_t i)
{
	while (i > 0 && s[i - 1] == ' ')
		i--;
	return i == 0 || s[i - 1] == '\n' || strchr(".!?", s[i - 1]) != NULL;
}

static int	has_han(const char *s, size_t len);

/*
 * Shouting left inside a quiet sentence of an English output ("… with a 5
 * star view. TO BE ORGANIZED VIA E-MAIL …", a rewrite copying its input):
 * each run that shouts (pt_text_shouting_run) lower-cased, in place; the
 * names are restored after it (pt_namecase_apply).  In Chinese text capitals
 * name ("(MAIN SHING HOTEL)位于…", "C'EST LA VIE《戀戀法舍》"): left alone.
 */
static void
unshout_runs(char *s, size_t len)
{
	size_t		from = 0,
				rs,
				re;

	if (has_han(s, len))
		return;
	while (from < len && pt_text_shouting_run(s, len, from, &rs, &re))
	{
		pt_text_unshout(s + rs, re - rs, sentence_start(s, rs));
		from = re;
	}
}

/* ------------------------------------------------------------ names */

/* FNV-1a of a word, ASCII case folded (fold) or as written (one casing of it); never 0 */
static uint64_t
word_hash(const char *w, size_t len, int fold)
{
	uint64_t	h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char) (fold ? lower(w[i]) : w[i])) * 1099511628211ULL;
	return h | 1;
}

/* one casing the input gives a name's word, into forms (grown to stay half empty) */
static pt_status
add_form(pt_namecase *nc, uint64_t h, pt_err *err)
{
	if (pt_key_set_has(nc->forms, nc->forms_mask, h))
		return PT_OK;
	if (2 * (nc->forms_count + 1) > nc->forms_mask + 1)
	{
		size_t		mask = 2 * nc->forms_mask + 1;
		uint64_t   *tab = pt_alloc_zero(pt_mul_size(mask + 1, sizeof(uint64_t)));

		if (tab == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "out of memory collecting names");
		for (size_t i = 0; i <= nc->forms_mask; i++)
			if (nc->forms[i] != 0)
				pt_key_set_add(tab, mask, nc->forms[i]);
		pt_free(nc->forms);
		nc->forms = tab;
		nc->forms_mask = mask;
	}
	pt_key_set_add(nc->forms, nc->forms_mask, h);
	nc->forms_count++;
	return PT_OK;
}

static int
same_word(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

/* the slot holding the word, or the empty slot where it would go */
static size_t
find_slot(const pt_namecase *nc, const char *w, size_t len, uint64_t h)
{
	size_t		slot = h & nc->mask;

	while (nc->tab[slot].hash != 0 &&
		   !(nc->tab[slot].hash == h && nc->tab[slot].len == len &&
			 same_word(nc->words + nc->tab[slot].off, w, len)))
		slot = (slot + 1) & nc->mask;
	return slot;
}

static pt_status
grow(pt_namecase *nc, pt_err *err)
{
	size_t		new_mask = 2 * nc->mask + 1;
	name_entry *old = nc->tab,
			   *tab = pt_alloc_zero(pt_mul_size(new_mask + 1, sizeof(name_entry)));

	if (tab == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory collecting names");
	for (size_t i = 0; i <= nc->mask; i++)
	{
		size_t		slot;

		if (old[i].hash == 0)
			continue;
		for (slot = old[i].hash & new_mask; tab[slot].hash != 0; slot = (slot + 1) & new_mask)
			;
		tab[slot] = old[i];
	}
	nc->tab = tab;
	nc->mask = new_mask;
	pt_free(old);
	return PT_OK;
}

/* keep the word just written at words[words_len..+len) unless an earlier occurrence is kept */
static pt_status
add_name(pt_namecase *nc, size_t len, pt_err *err)
{
	const char *w = nc->words + nc->words_len;
	uint64_t	h = word_hash(w, len, 1);
	size_t		slot = find_slot(nc, w, len, h);
	pt_status	st;

	if (nc->tab[slot].hash != 0)
		return PT_OK;
	if (2 * (nc->count + 1) > nc->mask + 1)
	{
		if ((st = grow(nc, err)) != PT_OK)
			return st;
		slot = find_slot(nc, w, len, h);
	}
	nc->tab[slot].hash = h;
	nc->tab[slot].off = nc->words_len;
	nc->tab[slot].len = len;
	nc->count++;
	nc->words_len += len;
	return PT_OK;
}

/* the ASCII character at s[i], full-width forms folded; '\0' for any other; returns the bytes */
static size_t
folded_at(const char *s, size_t len, size_t i, char *c)
{
	uint32_t	cp;
	size_t		k = next_cp(s, len, i, &cp);

	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	*c = cp < 0x80 ? (char) cp : '\0';
	return k;
}

/* a word of a sentence being read, whose fate may wait for the next word */
typedef struct word_seen
{
	size_t		n;				/* bytes, at nc->words + nc->words_len; 0 = none */
	int			named,
				digit,
				caps,			/* letters, all upper case: GP, POEZIE, OLIVE */
				in_run;			/* an all-caps neighbour came before it, no Han between */
} word_seen;

/*
 * Keep or forget the word w (typography.h): name-cased outside shouting,
 * and not an all-caps word in a run of them ("OLIVE GREEN SOLID" in a
 * half-shouted sentence is shouting; "(SANDING)", "ACME" alone are names).
 */
static pt_status
settle_word(pt_namecase *nc, const word_seen *w, int shouted, int next_in_run, pt_err *err)
{
	int			run = w->caps && !w->digit && (w->in_run || next_in_run);

	if (w->n > 0 && w->named && (!shouted || w->digit) && !run)
		return add_name(nc, w->n, err);
	return PT_OK;
}

/* the names of one sentence of the input */
static pt_status
add_sentence(pt_namecase *nc, const char *s, size_t len, pt_err *err)
{
	int			shouted = pt_text_shouted(s, len),
				han_since = 0;	/* a Han character since the pending word */
	word_seen	pending = {0};
	size_t		i = 0,
				steps = 0;
	pt_status	st;

	while (i < len)
	{
		char		c,
				   *w;
		size_t		k = folded_at(s, len, i, &c),
					n = 0;
		word_seen	cur = {0};

		tick(&steps);
		if (!pt_ascii_alnum(c))
		{
			uint32_t	cp;

			next_cp(s, len, i, &cp);
			han_since |= pt_is_ideograph(cp);
			i += k;
			continue;
		}
		/* the word goes after the pending one: together they are no longer than the input */
		w = nc->words + nc->words_len + pending.n;
		cur.caps = 1;
		for (;;)
		{
			char		c2;
			size_t		k2;

			tick(&steps);
			cur.named |= n > 0 && c >= 'A' && c <= 'Z';
			cur.digit |= is_digit(c);
			cur.caps &= !(c >= 'a' && c <= 'z');
			w[n++] = c;
			i += k;
			if (i >= len)
				break;
			k = folded_at(s, len, i, &c);
			if (c == '-' && i + k < len && (k2 = folded_at(s, len, i + k, &c2), pt_ascii_alnum(c2)))
			{
				w[n++] = '-';
				i += k;
				c = c2;
				k = k2;
			}
			else if (!pt_ascii_alnum(c))
				break;
		}
		cur.n = n;
		cur.caps &= cur.named;
		cur.in_run = pending.n > 0 && pending.caps && cur.caps && !han_since;
		{
			size_t		before = nc->words_len;

			if ((st = settle_word(nc, &pending, shouted, cur.in_run, err)) != PT_OK)
				return st;
			/* the pending word was forgotten: the current one moves into its place */
			if (nc->words_len == before && pending.n > 0)
				memmove(nc->words + before, w, n);
		}
		pending = cur;
		han_since = 0;
	}
	return settle_word(nc, &pending, shouted, 0, err);
}

/* the end of the ASCII word starting at text[i] (pt_namecase_apply's words) */
static size_t
word_end(const char *text, size_t len, size_t i)
{
	size_t		e = i + 1;

	while (e < len && (pt_ascii_alnum(text[e]) ||
					   (text[e] == '-' && e + 1 < len && pt_ascii_alnum(text[e + 1]))))
		e++;
	return e;
}

static int
all_caps_letters(const char *w, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!(w[i] >= 'A' && w[i] <= 'Z') && w[i] != '-')
			return 0;
	return 1;
}

/*
 * A second look at the input's words: an all-caps name the input also
 * writes in lower case is emphasis ("small HOUSE" beside "design house"):
 * recasing every "house" would shout; and every casing the input gives a
 * name's word goes to forms ("Yau Ma Tei" beside "Station-YAU MA TEI").
 */
static pt_status
mark_emphasis(pt_namecase *nc, const char *input, size_t len, pt_err *err)
{
	size_t		i = 0,
				steps = 0;
	pt_status	st = PT_OK;

	while (i < len && nc->count > 0 && st == PT_OK)
	{
		size_t		e,
					slot;
		int			lower_case = 1;

		tick(&steps);
		if (!pt_ascii_alnum(input[i]))
		{
			i++;
			continue;
		}
		e = word_end(input, len, i);
		for (size_t k = i; k < e; k++)
			lower_case &= !(input[k] >= 'A' && input[k] <= 'Z');
		slot = find_slot(nc, input + i, e - i, word_hash(input + i, e - i, 1));
		if (lower_case && nc->tab[slot].hash != 0 &&
			all_caps_letters(nc->words + nc->tab[slot].off, nc->tab[slot].len))
			nc->tab[slot].emphasis = 1;
		if (nc->tab[slot].hash != 0)
			st = add_form(nc, word_hash(input + i, e - i, 0), err);
		i = e;
	}
	return st;
}

void
pt_namecase_free(pt_namecase *names)
{
	if (names == NULL)
		return;
	pt_free(names->tab);
	pt_free(names->words);
	pt_free(names->forms);
	pt_free(names);
}

pt_status
pt_namecase_build(const char *input, size_t len, pt_namecase **names, pt_err *err)
{
	pt_namecase *nc;
	pt_span    *spans = NULL;
	size_t		n_spans = 0;
	pt_status	st;

	if (names == NULL || (input == NULL && len > 0))
		return pt_fail(err, PT_ERR_ARG, "pt_namecase_build: bad argument");
	*names = NULL;
	if ((nc = pt_alloc_zero(sizeof *nc)) == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory collecting names");
	nc->mask = 63;
	nc->tab = pt_alloc_zero((nc->mask + 1) * sizeof(name_entry));
	nc->words = pt_alloc(len + 1);
	nc->forms_mask = 63;
	nc->forms = pt_alloc_zero((nc->forms_mask + 1) * sizeof(uint64_t));
	if (nc->tab == NULL || nc->words == NULL || nc->forms == NULL)
		st = pt_fail(err, PT_ERR_NOMEM, "out of memory collecting names");
	else
		st = pt_split_sentences(input, len, &spans, &n_spans, err);
	for (size_t i = 0; st == PT_OK && i < n_spans; i++)
		st = add_sentence(nc, input + spans[i].start, spans[i].end - spans[i].start, err);
	pt_free(spans);
	if (st == PT_OK)
		st = mark_emphasis(nc, input, len, err);
	if (st != PT_OK)
	{
		pt_namecase_free(nc);
		return st;
	}
	*names = nc;
	return PT_OK;
}

void
pt_namecase_apply(const pt_namecase *names, char *text, size_t len, int keep_input_forms)
{
	size_t		i = 0,
				steps = 0;

	if (names == NULL || names->count == 0)
		return;
	while (i < len)
	{
		size_t		e,
					slot;

		tick(&steps);
		if (!pt_ascii_alnum(text[i]))
		{
			i++;
			continue;
		}
		e = word_end(text, len, i);
		slot = find_slot(names, text + i, e - i, word_hash(text + i, e - i, 1));
		if (names->tab[slot].hash != 0 && !names->tab[slot].emphasis &&
			!(keep_input_forms && pt_key_set_has(names->forms, names->forms_mask, word_hash(text + i, e - i, 0))))
			memcpy(text + i, names->words + names->tab[slot].off, e - i);
		i = e;
	}
}

/* ------------------------------------------------------------ punctuation */

#define F_PREV_CJK	0x01		/* the nearest neighbour before (typography.h, a.) is CJK */
#define F_NEXT_CJK	0x02		/* ... after */
#define F_HAN_SENT	0x04		/* in a sentence that holds a Han character */
#define F_SENT_END	0x08		/* ends a sentence */
#define F_CONVERT	0x10		/* becomes full-width */

/* skipped when looking for a mark's neighbours */
static int
transparent(uint32_t cp)
{
	return cp < 0x80 && (cp == ' ' || cp == '(' || cp == ')' || is_mark((char) cp));
}

static int
has_han(const char *s, size_t len)
{
	size_t		steps = 0;

	for (size_t i = 0; i < len;)
	{
		uint32_t	cp;

		tick(&steps);
		i += next_cp(s, len, i, &cp);
		if (pt_is_ideograph(cp))
			return 1;
	}
	return 0;
}

/* English: full-width marks become ASCII; res has room for len bytes */
static size_t
punct_english(const char *s, size_t len, char *res)
{
	size_t		n = 0,
				steps = 0,
				k;

	for (size_t i = 0; i < len; i += k)
	{
		uint32_t	cp;
		char		a;

		tick(&steps);
		k = next_cp(s, len, i, &cp);
		if ((a = narrow_of(cp)) == 0)
		{
			memcpy(res + n, s + i, k);
			n += k;
		}
		else if (a == '(')
		{
			/* 3 bytes become at most 2 */
			if (n > 0 && pt_ascii_alnum(res[n - 1]))
				res[n++] = ' ';
			res[n++] = '(';
			while (i + k < len && s[i + k] == ' ')
				k++;
		}
		else
		{
			while (n > 0 && res[n - 1] == ' ')
				n--;
			res[n++] = a;
			/* "1，000" is a number; "100。4" is two sentences, never 100.4 */
			if (i + k < len && pt_ascii_alnum(s[i + k]) &&
				!(a != '.' && is_digit(s[i + k]) && n >= 2 && is_digit(res[n - 2])))
				res[n++] = ' ';
		}
	}
	return n;
}

/* fl: the neighbours (F_*_CJK) of every mark and parenthesis; returns the '(' count */
static size_t
find_neighbours(const char *s, size_t len, uint8_t *fl)
{
	size_t		i = 0,
				after_last = 0,	/* just past the last character that is not transparent */
				opens = 0,
				steps = 0;
	int			prev_cjk = 0;

	while (i < len)
	{
		uint32_t	cp;
		size_t		k = next_cp(s, len, i, &cp);
		int			cjk;

		tick(&steps);
		if (transparent(cp))
		{
			if (prev_cjk && cp != ' ')
				fl[i] |= F_PREV_CJK;
			opens += cp == '(';
			i += k;
			continue;
		}
		/* everything in s[after_last..i) is transparent ASCII, so each byte is seen once here */
		cjk = pt_is_ideograph(cp) || pt_is_cjk_punct(cp);
		for (size_t p = after_last; cjk && p < i; p++)
			if (s[p] != ' ')
				fl[p] |= F_NEXT_CJK;
		after_last = i + k;
		prev_cjk = cjk;
		i += k;
	}
	return opens;
}

/* rule b.: matched parentheses around or next to Han become full-width, counted in *n_conv */
static pt_status
convert_parens(const char *s, size_t len, uint8_t *fl, size_t opens, size_t *n_conv, pt_err *err)
{
	struct open
	{
		size_t		pos;
		size_t		han_before;
	}		   *stack;
	size_t		depth = 0,
				hans = 0,
				steps = 0,
				k;

	if (opens == 0)
		return PT_OK;
	if ((stack = pt_alloc(pt_mul_size(opens, sizeof *stack))) == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory fixing punctuation");
	for (size_t i = 0; i < len; i += k)
	{
		uint32_t	cp;

		tick(&steps);
		k = next_cp(s, len, i, &cp);
		if (pt_is_ideograph(cp))
			hans++;
		else if (cp == '(')
		{
			stack[depth].pos = i;
			stack[depth].han_before = hans;
			depth++;
		}
		else if (cp == ')' && depth > 0)
		{
			size_t		o = stack[--depth].pos;

			if (hans > stack[depth].han_before || (fl[o] & F_PREV_CJK) || (fl[i] & F_NEXT_CJK))
			{
				fl[o] |= F_CONVERT;
				fl[i] |= F_CONVERT;
				*n_conv += 2;
			}
		}
	}
	pt_free(stack);
	return PT_OK;
}

/* rules c. and d.: which marks are in a Han sentence, which end a sentence */
static pt_status
mark_sentences(const char *s, size_t len, uint8_t *fl, pt_err *err)
{
	pt_span    *spans;
	size_t		n_spans,
				steps = 0;
	pt_status	st;

	if ((st = pt_split_sentences(s, len, &spans, &n_spans, err)) != PT_OK)
		return st;
	for (size_t j = 0; j < n_spans; j++)
	{
		size_t		start = spans[j].start,
					e = spans[j].end;

		if (has_han(s + start, e - start))
			for (size_t p = start; p < e; p++)
			{
				tick(&steps);
				if (is_mark(s[p]))
					fl[p] |= F_HAN_SENT;
			}
		while (e > start && in_set(s[e - 1], ")]}\"'"))
			e--;
		while (e > start && in_set(s[e - 1], ".!?;"))
			fl[--e] |= F_SENT_END;
	}
	pt_free(spans);
	return PT_OK;
}

/* 1 for a Chinese pause mark ，、；：, 2 for a stop 。！？, 0 for anything else */
static int
cjk_mark_kind(uint32_t cp)
{
	if (cp == 0xFF0C || cp == 0x3001 || cp == 0xFF1B || cp == 0xFF1A)
		return 1;
	return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F ? 2 : 0;
}

/*
 * One mark of each run of Chinese pause and stop marks (typography.h): the
 * input's own ",，" or "｡," would otherwise survive as "，，" or "，。".
 * The text's start counts as a stop: a rewrite that drops a sentence's
 * first clause ("今日特价，仅限前100名。") must not open on its pause.
 * In place; the text only shrinks.
 */
static size_t
collapse_cjk_marks(char *s, size_t len)
{
	size_t		n = 0,
				last = 0,			/* where the last mark written starts */
				steps = 0;
	uint32_t	last_cp = 0x3002;	/* that mark, or 0 once anything but a space follows it */

	for (size_t i = 0; i < len;)
	{
		uint32_t	cp;
		size_t		k = next_cp(s, len, i, &cp);
		int			kind = cjk_mark_kind(cp);

		tick(&steps);
		if (kind != 0 && last_cp != 0)
		{
			int			last_kind = cjk_mark_kind(last_cp);

			if (cp == last_cp || (last_kind == 2 && kind == 1))
			{
				i += k;			/* the mark before says it */
				continue;
			}
			if (last_kind == 1 && kind == 2)
				n = last;		/* the stop replaces the pause, and the spaces after it */
		}
		if (kind != 0)
		{
			last = n;
			last_cp = cp;
		}
		else if (s[i] != ' ')
			last_cp = 0;
		memmove(s + n, s + i, k);
		n += k;
		i += k;
	}
	return n;
}

/* Chinese: ASCII marks become full-width by the rules of typography.h */
static pt_status
punct_chinese(const char *s, size_t len, char **res, size_t *res_len, pt_err *err)
{
	uint8_t    *fl = pt_alloc_zero(len + 1);
	size_t		n_conv = 0,
				n = 0,
				steps = 0;
	char	   *out;
	int			skip_spaces = 0;
	pt_status	st;

	if (fl == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory fixing punctuation");
	st = convert_parens(s, len, fl, find_neighbours(s, len, fl), &n_conv, err);
	if (st == PT_OK && pt_detect_lang(s, len) == PT_LANG_ZH)
		st = mark_sentences(s, len, fl, err);
	if (st != PT_OK)
	{
		pt_free(fl);
		return st;
	}
	for (size_t i = 0; i < len; i++)
	{
		tick(&steps);
		if (!is_mark(s[i]) ||
			(s[i] == '.' && ((i > 0 && s[i - 1] == '.') || (i + 1 < len && s[i + 1] == '.'))) ||
			(list_number_dot(s, i) && !(fl[i] & F_SENT_END)) ||
			(i > 0 && i + 1 < len && code_char(s[i - 1]) && code_char(s[i + 1])))
			continue;
		if ((fl[i] & (F_PREV_CJK | F_NEXT_CJK | F_SENT_END)) || ((fl[i] & F_HAN_SENT) && s[i] != '.'))
		{
			fl[i] |= F_CONVERT;
			n_conv++;
		}
	}
	/* each converted mark grows from 1 to 3 bytes */
	if ((out = pt_alloc(len + 2 * n_conv + 1)) == NULL)
	{
		pt_free(fl);
		return pt_fail(err, PT_ERR_NOMEM, "out of memory fixing punctuation");
	}
	for (size_t i = 0; i < len; i++)
	{
		tick(&steps);
		if (fl[i] & F_CONVERT)
		{
			while (n > 0 && out[n - 1] == ' ')
				n--;
			n += pt_utf8_encode(wide_of(s[i]), out + n);
			skip_spaces = 1;
		}
		else if (!(skip_spaces && s[i] == ' '))
		{
			out[n++] = s[i];
			skip_spaces = 0;
		}
	}
	pt_free(fl);
	n = collapse_cjk_marks(out, n);
	out[n] = '\0';
	*res = out;
	*res_len = n;
	return PT_OK;
}

pt_status
pt_typography_punct(const char *s, size_t len, char **res, size_t *res_len, pt_err *err)
{
	char	   *out;

	if (res == NULL || res_len == NULL || (s == NULL && len > 0))
		return pt_fail(err, PT_ERR_ARG, "pt_typography_punct: bad argument");
	*res = NULL;
	*res_len = 0;
	if (has_han(s, len))
		return punct_chinese(s, len, res, res_len, err);
	if ((out = pt_alloc(len + 1)) == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory fixing punctuation");
	*res_len = punct_english(s, len, out);
	out[*res_len] = '\0';
	*res = out;
	return PT_OK;
}

pt_status
pt_typography_apply(const char *out, size_t out_len, const char *input, size_t in_len,
					size_t max_chars, char **res, size_t *res_len, pt_err *err)
{
	pt_namecase *names;
	char	   *text;
	pt_status	st;

	if (res == NULL || res_len == NULL || (out == NULL && out_len > 0) ||
		(input == NULL && in_len > 0))
		return pt_fail(err, PT_ERR_ARG, "pt_typography_apply: bad argument");
	*res = NULL;
	*res_len = 0;
	if ((st = pt_namecase_build(input, in_len, &names, err)) != PT_OK)
		return st;
	if ((text = pt_alloc(out_len + 1)) == NULL)
	{
		pt_namecase_free(names);
		return pt_fail(err, PT_ERR_NOMEM, "out of memory fixing typography");
	}
	if (out_len > 0)
		memcpy(text, out, out_len);
	unshout_runs(text, out_len);
	pt_namecase_apply(names, text, out_len, 1);
	st = pt_typography_punct(text, out_len, res, res_len, err);
	pt_namecase_free(names);
	pt_free(text);
	/* English typography may add a space after a mark: the budget still holds */
	if (st == PT_OK && max_chars > 0 && pt_utf8_chars(*res, *res_len) > max_chars)
	{
		*res_len = pt_text_cut(*res, *res_len, max_chars);
		(*res)[*res_len] = '\0';
	}
	return st;
}
