/*
 * facts.c — the faithfulness rule: fact words and number-unit pairs (see
 * facts.h).
 *
 * The input's facts are kept as one set of keys, ASCII-lower-cased with the
 * thousands separators dropped ("1,500mAh" → "1500mah"):
 *   - every word of the input (not only its fact words: an output fact word
 *     is supported when the input holds the same word in any case, so
 *     "iphone" in the input supports "iPhone" in the output);
 *   - for every number directly followed by a unit, the pair "number" ++
 *     canonical unit ("5 kg", "5kg", "5-kg" → "5kg"; "2 years", "2-year",
 *     "2年" → "2year"), and the number and the unit alone;
 * in an open-addressing hash table over one byte arena, plus the keys that
 * hold a digit sorted, for the prefix test of a word still being generated.
 * Building is linear in the input (plus sorting the distinct digit keys);
 * checking an output allocates nothing and calls the tokenizer only for a
 * capitalised word that the input lacks.
 */
#include "facts.h"

#include <stdlib.h>
#include <string.h>

/* inputs beyond this are refused (keys are addressed with 32-bit offsets) */
#define FACTS_MAX_INPUT ((size_t) 1 << 28)

/* a unit word after a number and its canonical form, the form of its pair key */
typedef struct fact_unit
{
	const char *s;
	const char *canon;
	int			space_ok;		/* glued units: may also follow "number " */
} fact_unit;

/*
 * ASCII units: a whole word, ASCII-case-insensitively, glued to the number
 * ("5kg", "5-kg") or after one space ("5 kg").  Synonyms share a canonical
 * form so that "5 inches" and "5-inch" are the same fact.
 */
static const fact_unit word_units[] = {
	{"mm", "mm", 0}, {"cm", "cm", 0}, {"m", "m", 0}, {"km", "km", 0},
	{"in", "inch", 0}, {"inch", "inch", 0}, {"inches", "inch", 0},
	{"ft", "ft", 0}, {"feet", "ft", 0}, {"foot", "ft", 0},
	{"g", "g", 0}, {"gram", "g", 0}, {"grams", "g", 0},
	{"kg", "kg", 0}, {"kgs", "kg", 0}, {"mg", "mg", 0},
	{"lb", "lb", 0}, {"lbs", "lb", 0}, {"pound", "lb", 0}, {"pounds", "lb", 0},
	{"oz", "oz", 0},
	{"ml", "ml", 0}, {"l", "l", 0}, {"ltr", "l", 0}, {"liter", "l", 0},
	{"liters", "l", 0}, {"litre", "l", 0}, {"litres", "l", 0}, {"gal", "gal", 0},
	{"kb", "kb", 0}, {"mb", "mb", 0}, {"gb", "gb", 0}, {"tb", "tb", 0},
	{"mbps", "mbps", 0}, {"gbps", "gbps", 0},
	{"mah", "mah", 0}, {"ma", "ma", 0}, {"ah", "ah", 0}, {"wh", "wh", 0},
	{"w", "w", 0}, {"watt", "w", 0}, {"watts", "w", 0}, {"kw", "kw", 0},
	{"v", "v", 0}, {"volt", "v", 0}, {"volts", "v", 0},
	{"hz", "hz", 0}, {"khz", "khz", 0}, {"mhz", "mhz", 0}, {"ghz", "ghz", 0},
	{"mp", "mp", 0}, {"rpm", "rpm", 0}, {"db", "db", 0}, {"x", "x", 0},
	{"pc", "pc", 0}, {"pcs", "pc", 0}, {"piece", "pc", 0}, {"pieces", "pc", 0},
	{"pack", "pack", 0}, {"packs", "pack", 0}, {"pk", "pack", 0},
	{"pair", "pair", 0}, {"pairs", "pair", 0}, {"set", "set", 0}, {"sets", "set", 0},
	{"count", "count", 0}, {"ct", "count", 0},
	{"sec", "sec", 0}, {"secs", "sec", 0}, {"second", "sec", 0}, {"seconds", "sec", 0},
	{"min", "min", 0}, {"mins", "min", 0}, {"minute", "min", 0}, {"minutes", "min", 0},
	{"h", "hour", 0}, {"hr", "hour", 0}, {"hrs", "hour", 0}, {"hour", "hour", 0},
	{"hours", "hour", 0},
	{"day", "day", 0}, {"days", "day", 0}, {"week", "week", 0}, {"weeks", "week", 0},
	{"month", "month", 0}, {"months", "month", 0},
	{"year", "year", 0}, {"years", "year", 0}, {"yr", "year", 0}, {"yrs", "year", 0},
};

/*
 * Glued units: byte strings right after the number (the longest wins);
 * symbols may also follow one space ("5 %"), Chinese units only directly
 * ("5厘米", not "5 厘米").
 */
static const fact_unit glued_units[] = {
	{"%", "%", 1}, {"\xC2\xB0" "C", "\xC2\xB0" "c", 1}, {"\xE2\x84\x83", "\xC2\xB0" "c", 1},
	{"\xC2\xB0" "F", "\xC2\xB0" "f", 1}, {"\xE2\x84\x89", "\xC2\xB0" "f", 1},
	{"\xC2\xB0", "\xC2\xB0", 1}, {"\xE2\x80\xB3", "inch", 1},
	{"毫米", "mm", 0}, {"厘米", "cm", 0}, {"千米", "km", 0}, {"公里", "km", 0},
	{"米", "m", 0}, {"毫克", "mg", 0}, {"千克", "kg", 0}, {"公斤", "kg", 0},
	{"克", "g", 0}, {"斤", "斤", 0}, {"两", "两", 0}, {"毫升", "ml", 0},
	{"升", "l", 0}, {"英寸", "inch", 0}, {"寸", "寸", 0}, {"码", "码", 0},
	{"件", "件", 0}, {"个", "个", 0}, {"只", "只", 0}, {"双", "pair", 0},
	{"套", "set", 0}, {"片", "片", 0}, {"包", "pack", 0}, {"盒", "盒", 0},
	{"瓶", "瓶", 0}, {"支", "支", 0}, {"条", "条", 0}, {"台", "台", 0},
	{"张", "张", 0}, {"人", "人", 0}, {"岁", "岁", 0}, {"度", "度", 0},
	{"倍", "x", 0}, {"天", "day", 0}, {"周", "week", 0}, {"星期", "week", 0},
	{"年", "year", 0}, {"个月", "month", 0}, {"月", "月", 0},
	{"小时", "hour", 0}, {"分钟", "min", 0}, {"秒", "sec", 0},
	{"元", "元", 0}, {"块", "块", 0}, {"瓦", "w", 0}, {"千瓦", "kw", 0},
	{"伏", "v", 0}, {"毫安", "ma", 0}, {"毫安时", "mah", 0}, {"赫兹", "hz", 0},
};

#define N_WORD_UNITS (sizeof(word_units) / sizeof(word_units[0]))
#define N_GLUED_UNITS (sizeof(glued_units) / sizeof(glued_units[0]))

typedef struct fact_key
{
	uint32_t	off;			/* into bytes */
	uint32_t	len;
	uint32_t	hash;
} fact_key;

/* a key holding a digit, for the prefix test; pointers into the final arena */
typedef struct fact_ref
{
	const char *p;
	size_t		len;
} fact_ref;

struct pt_facts
{
	const pt_tokenizer *tok;	/* borrowed; must outlive this */
	char	   *bytes;			/* the keys' bytes, one after another */
	size_t		n_bytes;
	size_t		cap_bytes;
	fact_key   *keys;
	size_t		n_keys;
	size_t		cap_keys;
	uint32_t   *slots;			/* 0 empty, else key index + 1 */
	size_t		n_slots;		/* a power of two, at least twice n_keys */
	fact_ref   *digits;			/* keys holding a digit, sorted bytewise */
	size_t		n_digits;
};

/* ---- characters ---- */

static inline int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

static inline int
is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline unsigned char
fold(unsigned char c)
{
	return is_upper(c) ? (unsigned char) (c + ('a' - 'A')) : c;
}

/* ---- words ---- */

/*
 * End of the word that starts at t[s] (an ASCII letter or digit).  '-', '.'
 * and '_' join two letters or digits, '/' two digits ("1/2"), and ',' a
 * digit and exactly three digits ("1,500").  With final = 0, *partial says
 * the text ends inside the word or on a separator that could still join, so
 * the word may grow.
 */
static size_t
word_end(const unsigned char *t, size_t len, size_t s, int final, int *partial)
{
	size_t		i = s + 1;

	*partial = 0;
	for (;;)
	{
		unsigned char c;

		while (i < len && is_alnum(t[i]))
			i++;
		if (i == len)
		{
			*partial = !final;
			return i;
		}
		c = t[i];
		if (c == '-' || c == '.' || c == '_' || (c == '/' && is_digit(t[i - 1])))
		{
			if (i + 1 == len)
			{
				*partial = !final;
				return i;
			}
			if (c == '/' ? is_digit(t[i + 1]) : is_alnum(t[i + 1]))
			{
				i++;
				continue;
			}
			return i;
		}
		if (c == ',' && is_digit(t[i - 1]))
		{
			size_t		j = i + 1;

			while (j < len && j - i <= 4 && is_digit(t[j]))
				j++;
			if (j == len && j - i <= 4 && !final)
			{
				/* "1,5" might still become "1,500" */
				*partial = 1;
				return i;
			}
			if (j - i == 4 && (j == len || !is_digit(t[j])))
			{
				i++;
				continue;
			}
		}
		return i;
	}
}

/* Length of the number that starts word w: digits joined by '.', ',', '/', '-'. */
static size_t
number_prefix(const unsigned char *w, size_t n)
{
	size_t		i = 0;

	while (i < n && is_digit(w[i]))
		i++;
	if (i == 0)
		return 0;
	while (i + 1 < n && (w[i] == '.' || w[i] == ',' || w[i] == '/' || w[i] == '-') &&
		   is_digit(w[i + 1]))
	{
		i++;
		while (i < n && is_digit(w[i]))
			i++;
	}
	return i;
}

static int
has_digit(const unsigned char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_digit(w[i]))
			return 1;
	return 0;
}

static int
has_upper(const unsigned char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_upper(w[i]))
			return 1;
	return 0;
}

/* ASCII-case-insensitive a[0..n) == unit string s */
static int
equal_fold(const unsigned char *a, size_t n, const char *s)
{
	size_t		i = 0;

	for (; i < n && s[i] != '\0'; i++)
		if (fold(a[i]) != fold((unsigned char) s[i]))
			return 0;
	return i == n && s[i] == '\0';
}

/* ASCII-case-insensitive: a[0..n) is a prefix of s (equal included) */
static int
prefix_fold(const unsigned char *a, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || fold(a[i]) != fold((unsigned char) s[i]))
			return 0;
	return 1;
}

/* the ASCII unit spelled by the whole of w[0..n), or NULL */
static const fact_unit *
word_unit(const unsigned char *w, size_t n)
{
	if (n == 0 || n > 6)
		return NULL;
	for (size_t i = 0; i < N_WORD_UNITS; i++)
		if (equal_fold(w, n, word_units[i].s))
			return &word_units[i];
	return NULL;
}

/* the unit glued after a number in word w = number ++ ['-'] ++ unit, or NULL */
static const fact_unit *
rest_unit(const unsigned char *w, size_t n, size_t np)
{
	if (np < n && w[np] == '-')
		np++;
	return word_unit(w + np, n - np);
}

/*
 * The longest glued unit at t[p..len), or NULL.  A unit that ends in an
 * ASCII letter must end the word there ("5°Cx" has none).
 */
static const fact_unit *
glued_unit(const unsigned char *t, size_t len, size_t p, int need_space_ok,
		   size_t *ulen)
{
	const fact_unit *best = NULL;
	size_t		best_len = 0;

	if (p >= len || is_alnum(t[p]) || t[p] == ' ')
		return NULL;
	for (size_t i = 0; i < N_GLUED_UNITS; i++)
	{
		const fact_unit *u = &glued_units[i];
		size_t		n = strlen(u->s);

		if (n <= best_len || n > len - p || (need_space_ok && !u->space_ok) ||
			(unsigned char) u->s[0] != t[p] || !prefix_fold(t + p, n, u->s))
			continue;
		/* "5°Cx", "5°C-DKNY": the letter goes on into a word, so it is no unit */
		if (is_alnum((unsigned char) u->s[n - 1]) && p + n < len &&
			(is_alnum(t[p + n]) ||
			 ((t[p + n] == '-' || t[p + n] == '.' || t[p + n] == '_') &&
			  p + n + 1 < len && is_alnum(t[p + n + 1]))))
			continue;
		best = u;
		best_len = n;
	}
	*ulen = best_len;
	return best;
}

/*
 * With final = 0: could t[p..len), the end of the text, still grow into a
 * (longer) unit?  True when it is a proper prefix of a unit, or a whole unit
 * that a longer one starts with ("个" of "个月"), or a whole unit word that
 * the next bytes might extend.
 */
static int
unit_may_grow(const unsigned char *t, size_t len, size_t p, int after_space)
{
	size_t		n = len - p;

	if (n > 16)
		return 0;
	for (size_t i = 0; i < N_GLUED_UNITS; i++)
	{
		const fact_unit *u = &glued_units[i];
		size_t		un = strlen(u->s);

		if (after_space && !u->space_ok)
			continue;
		/* "5°C-" may still become "5°C-DKNY", where "°C" is no unit */
		if (n == un + 1 && is_alnum((unsigned char) u->s[un - 1]) && prefix_fold(t + p, un, u->s) &&
			(t[p + un] == '-' || t[p + un] == '.' || t[p + un] == '_'))
			return 1;
		if (n > un || !prefix_fold(t + p, n, u->s))
			continue;
		if (n < un || is_alnum((unsigned char) u->s[un - 1]))
			return 1;
		for (size_t k = 0; k < N_GLUED_UNITS; k++)
			if (strlen(glued_units[k].s) > un && strncmp(glued_units[k].s, u->s, un) == 0)
				return 1;
	}
	if (after_space)
		for (size_t i = 0; i < N_WORD_UNITS; i++)
			if (prefix_fold(t + p, n, word_units[i].s))
				return 1;
	return 0;
}

enum
{
	UNIT_NONE,
	UNIT_MATCH,
	UNIT_DEFER					/* final = 0 and the unit may still be forming */
};

/*
 * The unit after a number that ends at t[e]: glued ("5%", "5厘米") or after
 * one space ("5 kg", "5 %").  On a match, *end is where the unit ends.
 */
static int
unit_after(const unsigned char *t, size_t len, size_t e, int final,
		   const fact_unit **unit, size_t *end)
{
	size_t		ulen;
	size_t		q;

	*unit = NULL;
	if (e >= len)
		return UNIT_NONE;
	if (!final && unit_may_grow(t, len, e, 0))
		return UNIT_DEFER;
	if ((*unit = glued_unit(t, len, e, 0, &ulen)) != NULL)
	{
		*end = e + ulen;
		return UNIT_MATCH;
	}
	if (t[e] != ' ')
		return UNIT_NONE;
	q = e + 1;
	if (!final && unit_may_grow(t, len, q, 1))
		return UNIT_DEFER;
	if ((*unit = glued_unit(t, len, q, 1, &ulen)) != NULL)
	{
		*end = q + ulen;
		return UNIT_MATCH;
	}
	if (q < len && is_alpha(t[q]))
	{
		int			partial;
		size_t		we = word_end(t, len, q, final, &partial);

		/* "5 hours." may still become "5 hours.5", where "hours.5" is no unit */
		if (partial)
			return word_unit(t + q, we - q) != NULL ? UNIT_DEFER : UNIT_NONE;
		if (!partial && (*unit = word_unit(t + q, we - q)) != NULL)
		{
			*end = we;
			return UNIT_MATCH;
		}
	}
	return UNIT_NONE;
}

/* ---- keys: a[0..an) ++ b[0..bn), lower-cased, without ',' ---- */

static uint32_t
key_hash(const unsigned char *a, size_t an, const char *b, size_t bn, size_t *flen)
{
	uint32_t	h = 2166136261u;
	size_t		n = 0;

	for (size_t i = 0; i < an + bn; i++)
	{
		unsigned char c = i < an ? a[i] : (unsigned char) b[i - an];

		if (c == ',')
			continue;
		h = (h ^ fold(c)) * 16777619u;
		n++;
	}
	/* murmur3's finalizer: FNV's low bits alone index a table poorly */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	*flen = n;
	return h;
}

static int
key_equal(const char *k, size_t kn, const unsigned char *a, size_t an,
		  const char *b, size_t bn)
{
	size_t		j = 0;

	for (size_t i = 0; i < an + bn; i++)
	{
		unsigned char c = i < an ? a[i] : (unsigned char) b[i - an];

		if (c == ',')
			continue;
		if (j >= kn || (unsigned char) k[j] != fold(c))
			return 0;
		j++;
	}
	return j == kn;
}

/* a ++ b (lower-cased, without ',') is a prefix of k[0..kn) */
static int
key_equal_prefix(const char *k, size_t kn, const unsigned char *a, size_t an,
				 const unsigned char *b, size_t bn)
{
	size_t		j = 0;

	for (size_t i = 0; i < an + bn; i++)
	{
		unsigned char c = i < an ? a[i] : b[i - an];

		if (c == ',')
			continue;
		if (j >= kn || (unsigned char) k[j] != fold(c))
			return 0;
		j++;
	}
	return 1;
}

/* slot of the key, or of the empty slot where it would go */
static size_t
key_slot(const pt_facts *f, const unsigned char *a, size_t an, const char *b,
		 size_t bn, uint32_t h, size_t flen)
{
	size_t		mask = f->n_slots - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask)
	{
		uint32_t	s = f->slots[i];
		const fact_key *k;

		if (s == 0)
			return i;
		k = &f->keys[s - 1];
		if (k->hash == h && k->len == flen &&
			key_equal(f->bytes + k->off, k->len, a, an, b, bn))
			return i;
	}
}

static int
key_find(const pt_facts *f, const unsigned char *a, size_t an, const char *b)
{
	size_t		bn = b ? strlen(b) : 0;
	size_t		flen;
	uint32_t	h;

	if (f == NULL || f->n_keys == 0)
		return 0;
	h = key_hash(a, an, b, bn, &flen);
	return f->slots[key_slot(f, a, an, b, bn, h, flen)] != 0;
}

static pt_status
grow_slots(pt_facts *f, pt_err *err)
{
	size_t		n = f->n_slots ? f->n_slots * 2 : 64;
	uint32_t   *slots = pt_alloc_zero(pt_mul_size(n, sizeof(uint32_t)));

	if (slots == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory for %zu fact slots", n);
	for (size_t i = 0; i < f->n_keys; i++)
	{
		size_t		j = f->keys[i].hash & (n - 1);

		while (slots[j] != 0)
			j = (j + 1) & (n - 1);
		slots[j] = (uint32_t) (i + 1);
	}
	pt_free(f->slots);
	f->slots = slots;
	f->n_slots = n;
	return PT_OK;
}

static pt_status
key_insert(pt_facts *f, const unsigned char *a, size_t an, const char *b, size_t bn,
		   pt_err *err)
{
	size_t		flen;
	uint32_t	h = key_hash(a, an, b, bn, &flen);
	size_t		slot;
	fact_key   *k;
	char	   *dst;
	pt_status	st;

	if (flen == 0)
		return PT_OK;
	slot = key_slot(f, a, an, b, bn, h, flen);
	if (f->slots[slot] != 0)
		return PT_OK;
	if ((f->n_keys + 1) * 2 > f->n_slots)
	{
		if ((st = grow_slots(f, err)) != PT_OK)
			return st;
		slot = key_slot(f, a, an, b, bn, h, flen);
	}
	if (f->n_bytes + flen > UINT32_MAX || f->n_keys + 1 >= UINT32_MAX)
		return pt_fail(err, PT_ERR_LIMIT, "too many distinct words for the fact table");
	if (f->n_bytes + flen > f->cap_bytes)
	{
		size_t		cap = f->cap_bytes ? f->cap_bytes : 4096;
		char	   *p;

		while (cap < f->n_bytes + flen)
			cap *= 2;
		if ((p = pt_realloc(f->bytes, cap)) == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "out of memory for %zu bytes of facts", cap);
		f->bytes = p;
		f->cap_bytes = cap;
	}
	if (f->n_keys == f->cap_keys)
	{
		size_t		cap = f->cap_keys ? f->cap_keys * 2 : 256;
		fact_key   *p = pt_realloc(f->keys, pt_mul_size(cap, sizeof(fact_key)));

		if (p == NULL)
			return pt_fail(err, PT_ERR_NOMEM, "out of memory for %zu fact keys", cap);
		f->keys = p;
		f->cap_keys = cap;
	}
	dst = f->bytes + f->n_bytes;
	for (size_t i = 0; i < an + bn; i++)
	{
		unsigned char c = i < an ? a[i] : (unsigned char) b[i - an];

		if (c != ',')
			*dst++ = (char) fold(c);
	}
	k = &f->keys[f->n_keys];
	k->off = (uint32_t) f->n_bytes;
	k->len = (uint32_t) flen;
	k->hash = h;
	f->n_bytes += flen;
	f->slots[slot] = (uint32_t) ++f->n_keys;
	return PT_OK;
}

static int
compare_refs(const void *x, const void *y)
{
	const fact_ref *a = x,
			   *b = y;
	size_t		n = a->len < b->len ? a->len : b->len;
	int			c = memcmp(a->p, b->p, n);

	return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

/*
 * Is a[0..an) ++ b[0..bn) (lower-cased, without ',') a prefix of a key that
 * holds a digit?  A binary search for the first key not below it: if any key
 * starts with it, that one does.
 */
static int
digit_prefix(const pt_facts *f, const unsigned char *a, size_t an,
			 const unsigned char *b, size_t bn)
{
	size_t		lo = 0,
				hi = f ? f->n_digits : 0;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;
		const fact_ref *r = &f->digits[mid];
		size_t		j = 0;
		int			c = 0;		/* > 0: key < query */

		for (size_t i = 0; i < an + bn; i++)
		{
			unsigned char q = i < an ? a[i] : b[i - an];

			if (q == ',')
				continue;
			q = fold(q);
			if (j >= r->len || (unsigned char) r->p[j] != q)
			{
				c = j >= r->len || (unsigned char) r->p[j] < q ? 1 : -1;
				break;
			}
			j++;
		}
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < (f ? f->n_digits : 0) &&
		key_equal_prefix(f->digits[lo].p, f->digits[lo].len, a, an, b, bn);
}

/* ---- the fact-word predicate ---- */

/* " " ++ lower(c[0..n)) is one token of the tokenizer */
static int
common_word(const pt_tokenizer *tok, const unsigned char *c, size_t n)
{
	char		buf[PT_TOK_MAX_PIECE];
	int32_t		ids[PT_TOK_MAX_PIECE];
	size_t		n_ids = 0;
	pt_err		err;

	if (tok == NULL || n + 1 > sizeof(buf))
		return 0;
	buf[0] = ' ';
	for (size_t i = 0; i < n; i++)
		buf[i + 1] = (char) fold(c[i]);
	if (pt_tokenize(tok, buf, n + 1, ids, PT_TOK_MAX_PIECE, &n_ids, &err) != PT_OK)
		return 0;
	return n_ids == 1;
}

/*
 * A word without digits is brand-like when one of its letter runs holds an
 * upper-case letter and either is not a common word ("DKNY", "Roadster") or
 * has an upper-case letter right after a lower-case one ("iPhone", "eBay",
 * "PlayStation": the tokenizer knows " iphone", but inner capitals mark a
 * name).
 */
static int
brand_like(const pt_tokenizer *tok, const unsigned char *w, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		size_t		j = i;
		int			upper = 0,
					inner = 0;

		if (!is_alpha(w[i]))
		{
			i++;
			continue;
		}
		for (; j < n && is_alpha(w[j]); j++)
		{
			if (is_upper(w[j]))
			{
				upper = 1;
				if (j > i && !is_upper(w[j - 1]))
					inner = 1;
			}
		}
		if (upper && (inner || !common_word(tok, w + i, j - i)))
			return 1;
		i = j;
	}
	return 0;
}

int
pt_facts_is_fact_word(const pt_tokenizer *tok, const char *word, size_t len)
{
	const unsigned char *w = (const unsigned char *) word;

	if (w == NULL || len == 0)
		return 0;
	return has_digit(w, len) || brand_like(tok, w, len);
}

/* ---- building ---- */

void
pt_facts_free(pt_facts *f)
{
	if (f == NULL)
		return;
	pt_free(f->bytes);
	pt_free(f->keys);
	pt_free(f->slots);
	pt_free(f->digits);
	pt_free(f);
}

static pt_status
collect(pt_facts *f, const unsigned char *t, size_t len, pt_err *err)
{
	size_t		pos = 0,
				words = 0;
	pt_status	st;

	for (;;)
	{
		size_t		s = pos,
					e,
					np,
					n;
		int			partial;
		const fact_unit *u;

		while (s < len && !is_alnum(t[s]))
			s++;
		if (s >= len)
			return PT_OK;
		if ((++words & 4095) == 0)
			pt_check_interrupts();
		e = word_end(t, len, s, 1, &partial);
		n = e - s;
		if ((st = key_insert(f, t + s, n, NULL, 0, err)) != PT_OK)
			return st;
		np = number_prefix(t + s, n);
		if (np == n)
		{
			size_t		uend;

			/* the pair, and the number with the unit as written ("2years") */
			if (unit_after(t, len, e, 1, &u, &uend) == UNIT_MATCH &&
				((st = key_insert(f, t + s, n, u->canon, strlen(u->canon), err)) != PT_OK ||
				 (t[e] == ' ' && is_alpha(t[e + 1]) &&
				  (st = key_insert(f, t + s, n, (const char *) t + e + 1, uend - e - 1,
								   err)) != PT_OK)))
				return st;
		}
		else if (np > 0 && (u = rest_unit(t + s, n, np)) != NULL)
		{
			size_t		r = t[s + np] == '-' ? np + 1 : np;

			if ((st = key_insert(f, t + s, np, NULL, 0, err)) != PT_OK ||
				(st = key_insert(f, t + s + r, n - r, NULL, 0, err)) != PT_OK ||
				(st = key_insert(f, t + s, np, u->canon, strlen(u->canon), err)) != PT_OK ||
				(st = key_insert(f, t + s, np, (const char *) t + s + r, n - r, err)) != PT_OK)
				return st;
		}
		pos = e;
	}
}

pt_status
pt_facts_build(const pt_tokenizer *tok, const char *text, size_t len,
			   pt_facts **out, pt_err *err)
{
	pt_facts   *f;
	pt_status	st;

	if (out == NULL)
		return pt_fail(err, PT_ERR_ARG, "pt_facts_build: out is NULL");
	*out = NULL;
	if (text == NULL)
		len = 0;
	if (len > FACTS_MAX_INPUT)
		return pt_fail(err, PT_ERR_LIMIT,
					   "input of %zu bytes exceeds the fact extractor's limit of %zu bytes",
					   len, FACTS_MAX_INPUT);
	if ((f = pt_alloc_zero(sizeof(*f))) == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory for facts");
	f->tok = tok;
	if ((st = grow_slots(f, err)) != PT_OK ||
		(st = collect(f, (const unsigned char *) text, len, err)) != PT_OK)
	{
		pt_facts_free(f);
		return st;
	}
	for (size_t i = 0; i < f->n_keys; i++)
		if (has_digit((const unsigned char *) f->bytes + f->keys[i].off, f->keys[i].len))
			f->n_digits++;
	if (f->n_digits > 0)
	{
		size_t		j = 0;

		f->digits = pt_alloc(pt_mul_size(f->n_digits, sizeof(fact_ref)));
		if (f->digits == NULL)
		{
			pt_facts_free(f);
			return pt_fail(err, PT_ERR_NOMEM, "out of memory for %zu numeric facts", f->n_digits);
		}
		for (size_t i = 0; i < f->n_keys; i++)
		{
			const char *p = f->bytes + f->keys[i].off;

			if (has_digit((const unsigned char *) p, f->keys[i].len))
			{
				f->digits[j].p = p;
				f->digits[j].len = f->keys[i].len;
				j++;
			}
		}
		qsort(f->digits, f->n_digits, sizeof(fact_ref), compare_refs);
	}
	*out = f;
	return PT_OK;
}

/* ---- checking ---- */

/*
 * A word the text ends in, still growing (final = 0): when it holds a digit
 * it must start an input key ("12" of "128", "XR-5" of "XR-500"); a number
 * with a unit being glued on may drop the '-' ("5-k" of the pair "5kg").
 */
static int
partial_ok(const pt_facts *f, const unsigned char *w, size_t n)
{
	size_t		np;

	if (!has_digit(w, n) || digit_prefix(f, w, n, NULL, 0))
		return 1;
	np = number_prefix(w, n);
	if (np == 0 || np + 1 >= n || w[np] != '-')
		return 0;
	for (size_t i = np + 1; i < n; i++)
		if (!is_alpha(w[i]))
			return 0;
	return digit_prefix(f, w, np, w + np + 1, n - np - 1);
}

/*
 * Count the unsupported facts of t[0..len); with stop, stop at the first.
 * *settled (may be NULL) gets where the scan last started a word that it
 * then decided for good: the scan keeps no other state, so checking from
 * there on gives the same verdicts for the rest and for any extension.
 */
static size_t
check_text(const pt_facts *f, const unsigned char *t, size_t len, int final, int stop,
		   size_t *settled)
{
	const pt_tokenizer *tok = f ? f->tok : NULL;
	size_t		bad = 0,
				pos = 0;

	if (settled)
		*settled = 0;
	if (t == NULL)
		return 0;
	while (!(stop && bad))
	{
		size_t		s = pos,
					e,
					n,
					np;
		int			partial;
		const fact_unit *u;

		if (settled)
			*settled = pos;
		while (s < len && !is_alnum(t[s]))
			s++;
		if (s >= len)
			break;
		e = word_end(t, len, s, final, &partial);
		n = e - s;
		pos = e;
		if (partial)
		{
			if (!partial_ok(f, t + s, n))
				bad++;
			break;
		}
		np = number_prefix(t + s, n);
		if (np == n)
		{
			size_t		uend;
			int			r = unit_after(t, len, e, final, &u, &uend);

			if (r == UNIT_MATCH)
			{
				/* the pair implies the number: one fact */
				if (!key_find(f, t + s, n, u->canon))
					bad++;
				pos = uend;
				continue;
			}
			if (!key_find(f, t + s, n, NULL))
				bad++;
			if (r == UNIT_DEFER)
				break;
		}
		else if (np > 0 && (u = rest_unit(t + s, n, np)) != NULL)
		{
			if (!key_find(f, t + s, np, u->canon))
				bad++;
		}
		else if (np > 0 || has_digit(t + s, n))
		{
			if (!key_find(f, t + s, n, NULL))
				bad++;
		}
		else if (has_upper(t + s, n) && !key_find(f, t + s, n, NULL) &&
				 brand_like(tok, t + s, n))
			bad++;
	}
	return bad;
}

int
pt_facts_allowed(const pt_facts *f, const char *text, size_t len, int final)
{
	return check_text(f, (const unsigned char *) text, len, final, 1, NULL) == 0;
}

size_t
pt_facts_settled(const pt_facts *f, const char *text, size_t len)
{
	size_t		settled;

	check_text(f, (const unsigned char *) text, len, 0, 0, &settled);
	return settled;
}

size_t
pt_facts_unsupported(const pt_facts *f, const char *text, size_t len)
{
	return check_text(f, (const unsigned char *) text, len, 1, 0, NULL);
}
