/*
 * tokenizer.c — byte-level BPE with CJK-aware pre-tokenization.
 *
 * Encoding a piece is classic BPE: start from its bytes and repeatedly join
 * the adjacent pair whose merge was learnt first (lowest rank), leftmost on a
 * tie, until no adjacent pair has a merge.  That is exactly how the trainer
 * applied merges to its corpus, so a training word encodes as it was learnt.
 * Pieces are at most PT_TOK_MAX_PIECE bytes, so the quadratic worst case of
 * this loop is bounded by a constant per piece and encoding is linear in the
 * text length.
 */
#include "tokenizer.h"

#include <string.h>

#include "text.h"

typedef struct pair_slot
{
	int32_t		a;
	int32_t		b;
	int32_t		rank;			/* -1: empty slot */
} pair_slot;

struct pt_tokenizer
{
	const uint8_t *vocab;
	const int32_t *offsets;
	int32_t		n_vocab;
	uint32_t	mask;			/* table size - 1, a power of two minus one */
	pair_slot  *table;			/* open addressing, linear probing */
};

/* Closed ranges of code points that count as letters (sorted, disjoint). */
static const uint32_t letter_ranges[][2] = {
	{0x0041, 0x005A}, {0x0061, 0x007A}, {0x00AA, 0x00AA}, {0x00B5, 0x00B5},
	{0x00BA, 0x00BA}, {0x00C0, 0x00D6}, {0x00D8, 0x00F6}, {0x00F8, 0x02C1},
	{0x02C6, 0x02D1}, {0x02E0, 0x02E4}, {0x0300, 0x0373}, {0x0376, 0x0377},
	{0x037B, 0x037D}, {0x037F, 0x037F}, {0x0386, 0x0386}, {0x0388, 0x03F5},
	{0x03F7, 0x0481}, {0x0483, 0x052F}, {0x0531, 0x0556}, {0x0561, 0x0587},
	{0x0591, 0x05BD}, {0x05D0, 0x05EA}, {0x0610, 0x061A}, {0x0620, 0x065F},
	{0x066E, 0x06D3}, {0x06D5, 0x06DC}, {0x06DF, 0x06E8}, {0x06EA, 0x06FC},
	{0x0900, 0x0963}, {0x0971, 0x097F}, {0x0E01, 0x0E3A}, {0x0E40, 0x0E4E},
	{0x10A0, 0x10FF}, {0x1100, 0x11FF}, {0x1E00, 0x1FBC}, {0x1FC2, 0x1FCC},
	{0x1FD0, 0x1FDB}, {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FFC}, {0x3041, 0x3096},
	{0x3099, 0x309F}, {0x30A1, 0x30FA}, {0x30FC, 0x30FF}, {0x3131, 0x318E},
	{0xAC00, 0xD7A3}, {0xFB00, 0xFB06}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A},
	{0xFF66, 0xFF9F},
};

static int
is_letter(uint32_t cp)
{
	size_t		lo = 0,
				hi = sizeof(letter_ranges) / sizeof(letter_ranges[0]);

	if (cp < 0x80)
		return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
	while (lo < hi)
	{
		size_t		mid = (lo + hi) / 2;

		if (cp < letter_ranges[mid][0])
			hi = mid;
		else if (cp > letter_ranges[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int
is_cjk(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4DBF) ||
		(cp >= 0x4E00 && cp <= 0x9FFF) ||
		(cp >= 0xF900 && cp <= 0xFAFF) ||
		(cp >= 0x20000 && cp <= 0x2FFFF);
}

static int
is_apostrophe(uint32_t cp)
{
	return cp == '\'' || cp == 0x2019;
}

/* Decode at pos; *k = 0 when the byte there does not start valid UTF-8. */
static uint32_t
peek(const char *text, size_t len, size_t pos, size_t *k)
{
	uint32_t	cp = 0;

	*k = pos < len ? pt_utf8_decode(text + pos, len - pos, &cp) : 0;
	return *k ? cp : 0;
}

/*
 * Extend a run of letters (cjk = 0) or ideographs (cjk = 1) that starts at
 * pos, up to PT_TOK_MAX_CJK ideographs and PT_TOK_MAX_PIECE bytes measured
 * from piece_start.  An apostrophe continues a letter run only between two
 * letters, so "don't" stays one word while a closing quote does not.
 */
static size_t
scan_run(const char *text, size_t len, size_t piece_start, size_t pos, int cjk)
{
	size_t		n_chars = 0;

	while (pos < len && (!cjk || n_chars < PT_TOK_MAX_CJK))
	{
		size_t		k;
		uint32_t	cp = peek(text, len, pos, &k);

		if (k == 0)
			break;
		if (cjk ? !is_cjk(cp) : !is_letter(cp))
		{
			size_t		k2;
			uint32_t	next;

			if (cjk || n_chars == 0 || !is_apostrophe(cp))
				break;
			next = peek(text, len, pos + k, &k2);
			if (k2 == 0 || !is_letter(next) ||
				pos + k + k2 - piece_start > PT_TOK_MAX_PIECE)
				break;
		}
		if (pos + k - piece_start > PT_TOK_MAX_PIECE)
			break;
		pos += k;
		n_chars++;
	}
	return pos;
}

/* End offset of the piece starting at pos (< len). */
static size_t
next_piece(const char *text, size_t len, size_t pos)
{
	size_t		start = pos,
				k;
	uint32_t	cp = peek(text, len, pos, &k);

	if (k == 0)
		return pos + 1;
	if (cp == ' ')
	{
		size_t		k2;
		uint32_t	next = peek(text, len, pos + 1, &k2);

		if (k2 == 0)
			return pos + 1;
		pos++;
		cp = next;
		k = k2;
		if (!is_letter(cp) && !is_cjk(cp) && !(cp >= '0' && cp <= '9'))
			return pos;
	}
	if (is_letter(cp))
		return scan_run(text, len, start, pos, 0);
	if (is_cjk(cp))
		return scan_run(text, len, start, pos, 1);
	return pos + k;
}

size_t
pt_pretokenize(const char *text, size_t len, uint32_t *ends, size_t max_pieces)
{
	size_t		pos = 0,
				n = 0;

	if (len > UINT32_MAX || (text == NULL && len > 0))
		return 0;
	while (pos < len)
	{
		pos = next_piece(text, len, pos);
		if (n < max_pieces)
			ends[n] = (uint32_t) pos;
		n++;
	}
	return n;
}

static uint32_t
pair_hash(int32_t a, int32_t b)
{
	uint64_t	h = ((uint64_t) (uint32_t) a << 32) | (uint32_t) b;

	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (uint32_t) h;
}

/* Rank of the merge joining (a, b), or -1. */
static int32_t
pair_rank(const pt_tokenizer *t, int32_t a, int32_t b)
{
	uint32_t	i = pair_hash(a, b) & t->mask;

	for (;;)
	{
		const pair_slot *s = &t->table[i];

		if (s->rank < 0)
			return -1;
		if (s->a == a && s->b == b)
			return s->rank;
		i = (i + 1) & t->mask;
	}
}

/* offsets are validated monotone, so this is never negative */
static size_t
token_len(const pt_tokenizer *t, int32_t id)
{
	return (size_t) (t->offsets[id + 1] - t->offsets[id]);
}

pt_status
pt_tokenizer_create(const uint8_t *vocab_bytes, size_t vocab_len,
					const int32_t *offsets, int32_t n_vocab,
					const int32_t *merges, int32_t n_merges,
					pt_tokenizer **out, pt_err *err)
{
	pt_tokenizer *t;
	size_t		table_size = 1;
	size_t		table_bytes;

	*out = NULL;
	if (n_merges < 0 || n_merges > INT32_MAX - PT_TOK_FIRST_MERGE ||
		n_vocab != PT_TOK_FIRST_MERGE + n_merges)
		return pt_fail(err, PT_ERR_FORMAT,
					   "tokenizer: %d tokens do not match %d merges",
					   (int) n_vocab, (int) n_merges);
	if (vocab_bytes == NULL || offsets == NULL || (merges == NULL && n_merges > 0))
		return pt_fail(err, PT_ERR_FORMAT, "tokenizer: missing array");
	if (offsets[0] != 0 || (size_t) offsets[n_vocab] != vocab_len ||
		offsets[n_vocab] < 0)
		return pt_fail(err, PT_ERR_FORMAT,
					   "tokenizer: offsets do not span the %zu vocabulary bytes",
					   vocab_len);
	for (int32_t i = 0; i < n_vocab; i++)
		if (offsets[i + 1] < offsets[i])
			return pt_fail(err, PT_ERR_FORMAT,
						   "tokenizer: offsets decrease at token %d", (int) i);
	for (int32_t i = 0; i < PT_TOK_N_SPECIAL; i++)
		if (offsets[i + 1] != offsets[i])
			return pt_fail(err, PT_ERR_FORMAT,
						   "tokenizer: special token %d is not empty", (int) i);
	for (int32_t b = 0; b < 256; b++)
	{
		int32_t		id = PT_TOK_BYTE0 + b;

		if (offsets[id + 1] - offsets[id] != 1 || vocab_bytes[offsets[id]] != b)
			return pt_fail(err, PT_ERR_FORMAT,
						   "tokenizer: token %d is not the byte 0x%02x",
						   (int) id, (unsigned) b);
	}

	/* a load factor of at most one half keeps probes short */
	while (table_size < (size_t) n_merges * 2)
		table_size *= 2;
	table_bytes = pt_mul_size(table_size, sizeof(pair_slot));
	t = table_bytes < SIZE_MAX - sizeof(pt_tokenizer) ?
		pt_alloc(sizeof(pt_tokenizer) + table_bytes) : NULL;
	if (t == NULL)
		return pt_fail(err, PT_ERR_NOMEM, "tokenizer: out of memory for %d merges",
					   (int) n_merges);
	t->vocab = vocab_bytes;
	t->offsets = offsets;
	t->n_vocab = n_vocab;
	t->mask = (uint32_t) (table_size - 1);
	t->table = (pair_slot *) (t + 1);
	for (size_t i = 0; i < table_size; i++)
		t->table[i].rank = -1;

	for (int32_t r = 0; r < n_merges; r++)
	{
		int32_t		id = PT_TOK_FIRST_MERGE + r;
		int32_t		a = merges[2 * r],
					b = merges[2 * r + 1];
		uint32_t	i;

		if (a < PT_TOK_BYTE0 || a >= id || b < PT_TOK_BYTE0 || b >= id)
		{
			pt_tokenizer_free(t);
			return pt_fail(err, PT_ERR_FORMAT,
						   "tokenizer: merge %d joins ids %d and %d, not earlier tokens",
						   (int) r, (int) a, (int) b);
		}
		if (token_len(t, id) != token_len(t, a) + token_len(t, b) ||
			memcmp(vocab_bytes + offsets[id], vocab_bytes + offsets[a],
				   token_len(t, a)) != 0 ||
			memcmp(vocab_bytes + offsets[id] + token_len(t, a),
				   vocab_bytes + offsets[b], token_len(t, b)) != 0)
		{
			pt_tokenizer_free(t);
			return pt_fail(err, PT_ERR_FORMAT,
						   "tokenizer: token %d is not the join of tokens %d and %d",
						   (int) id, (int) a, (int) b);
		}
		if (pair_rank(t, a, b) >= 0)
		{
			pt_tokenizer_free(t);
			return pt_fail(err, PT_ERR_FORMAT,
						   "tokenizer: merge %d repeats the pair (%d, %d)",
						   (int) r, (int) a, (int) b);
		}
		i = pair_hash(a, b) & t->mask;
		while (t->table[i].rank >= 0)
			i = (i + 1) & t->mask;
		t->table[i].a = a;
		t->table[i].b = b;
		t->table[i].rank = r;
	}
	*out = t;
	return PT_OK;
}

pt_status
pt_tokenizer_from_model(const pt_model *m, pt_tokenizer **out, pt_err *err)
{
	static const int64_t any1[1] = {-1};
	static const int64_t pairs[2] = {-1, 2};
	const pt_tensor *vocab,
			   *offsets,
			   *merges;
	pt_status	st;

	*out = NULL;
	if ((st = pt_model_require(m, "tokenizer.vocab", PT_U8, 1, any1, &vocab, err)) != PT_OK ||
		(st = pt_model_require(m, "tokenizer.offsets", PT_I32, 1, any1, &offsets, err)) != PT_OK ||
		(st = pt_model_require(m, "tokenizer.merges", PT_I32, 2, pairs, &merges, err)) != PT_OK)
		return st;
	if (offsets->shape[0] < 1 || offsets->shape[0] - 1 > INT32_MAX ||
		merges->shape[0] > INT32_MAX)
		return pt_fail(err, PT_ERR_FORMAT, "tokenizer: tensor sizes out of range");
	return pt_tokenizer_create(vocab->data, (size_t) vocab->shape[0],
							   offsets->data, (int32_t) (offsets->shape[0] - 1),
							   merges->data, (int32_t) merges->shape[0],
							   out, err);
}

void
pt_tokenizer_free(pt_tokenizer *t)
{
	pt_free(t);
}

int32_t
pt_tokenizer_vocab_size(const pt_tokenizer *t)
{
	return t->n_vocab;
}

const uint8_t *
pt_tokenizer_piece(const pt_tokenizer *t, int32_t id, size_t *len)
{
	if (id < 0 || id >= t->n_vocab)
	{
		*len = 0;
		return NULL;
	}
	*len = token_len(t, id);
	return t->vocab + t->offsets[id];
}

/*
 * BPE over one piece of n <= PT_TOK_MAX_PIECE bytes into sym[], returning the
 * number of symbols.  rank[i] caches the rank of the pair (sym[i], sym[i+1]),
 * so after a merge only the two pairs around it are looked up again.
 */
static size_t
encode_piece(const pt_tokenizer *t, const uint8_t *p, size_t n, int32_t *sym)
{
	int32_t		rank[PT_TOK_MAX_PIECE];

	for (size_t i = 0; i < n; i++)
		sym[i] = PT_TOK_BYTE0 + p[i];
	for (size_t i = 0; i + 1 < n; i++)
		rank[i] = pair_rank(t, sym[i], sym[i + 1]);
	while (n > 1)
	{
		size_t		best = n;

		for (size_t i = 0; i + 1 < n; i++)
			if (rank[i] >= 0 && (best == n || rank[i] < rank[best]))
				best = i;
		if (best == n)
			break;
		sym[best] = PT_TOK_FIRST_MERGE + rank[best];
		memmove(sym + best + 1, sym + best + 2, (n - best - 2) * sizeof(int32_t));
		memmove(rank + best + 1, rank + best + 2,
				(n > best + 3 ? n - best - 3 : 0) * sizeof(int32_t));
		n--;
		if (best > 0)
			rank[best - 1] = pair_rank(t, sym[best - 1], sym[best]);
		if (best + 1 < n)
			rank[best] = pair_rank(t, sym[best], sym[best + 1]);
	}
	return n;
}

pt_status
pt_tokenize(const pt_tokenizer *t, const char *text, size_t len,
			int32_t *ids, size_t max_ids, size_t *n_ids, pt_err *err)
{
	size_t		pos = 0,
				n = 0,
				n_pieces = 0;

	*n_ids = 0;
	if (text == NULL && len > 0)
		return pt_fail(err, PT_ERR_ARG, "tokenize: NULL text");
	if (len > 0 && !pt_utf8_valid(text, len))
		return pt_fail(err, PT_ERR_INVALID_UTF8, "tokenize: text is not valid UTF-8");
	while (pos < len && n < max_ids)
	{
		size_t		end = next_piece(text, len, pos);
		int32_t		sym[PT_TOK_MAX_PIECE];
		size_t		k = encode_piece(t, (const uint8_t *) text + pos, end - pos, sym);

		for (size_t i = 0; i < k && n < max_ids; i++)
			ids[n++] = sym[i];
		pos = end;
		if (++n_pieces % 4096 == 0)
			pt_check_interrupts();
	}
	*n_ids = n;
	return PT_OK;
}

/*
 * Length of the UTF-8 sequence led by byte c (0: not a lead byte), and the
 * allowed range of its second byte, which excludes overlongs (E0, F0),
 * surrogates (ED) and code points above U+10FFFF (F4).
 */
static int
utf8_lead(uint8_t c, uint8_t *lo, uint8_t *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
	{
		if (c == 0xE0)
			*lo = 0xA0;
		else if (c == 0xED)
			*hi = 0x9F;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4)
	{
		if (c == 0xF0)
			*lo = 0x90;
		else if (c == 0xF4)
			*hi = 0x8F;
		return 4;
	}
	return 0;
}

/* Streaming UTF-8 repair: a partial sequence waits in seq[] until complete. */
typedef struct detok_state
{
	char	   *out;
	size_t		cap;
	size_t		written;		/* bytes stored in out */
	size_t		len;			/* bytes of the whole repaired text */
	int			full;			/* a character did not fit: store nothing more */
	uint8_t		seq[4];
	int			have;
	int			need;
	uint8_t		lo;				/* allowed range of the next byte of seq */
	uint8_t		hi;
} detok_state;

static void
emit(detok_state *s, const uint8_t *p, size_t k)
{
	if (!s->full && s->written + k < s->cap)
	{
		memcpy(s->out + s->written, p, k);
		s->written += k;
	}
	else
		s->full = 1;
	s->len += k;
}

static void
feed(detok_state *s, uint8_t c)
{
	if (s->have > 0)
	{
		if (c >= s->lo && c <= s->hi)
		{
			s->seq[s->have++] = c;
			s->lo = 0x80;
			s->hi = 0xBF;
			if (s->have == s->need)
			{
				emit(s, s->seq, s->need);
				s->have = 0;
			}
			return;
		}
		/* the partial sequence is dropped; c may still start a new one */
		s->have = 0;
	}
	if (c == 0)
		return;					/* a NUL would end the C string early */
	if (c < 0x80)
		emit(s, &c, 1);
	else if ((s->need = utf8_lead(c, &s->lo, &s->hi)) > 0)
	{
		s->seq[0] = c;
		s->have = 1;
	}
}

pt_status
pt_detokenize(const pt_tokenizer *t, const int32_t *ids, size_t n,
			  char *out, size_t cap, size_t *out_len, pt_err *err)
{
	detok_state s;

	*out_len = 0;
	if (out == NULL && cap > 0)
		return pt_fail(err, PT_ERR_ARG, "detokenize: NULL output buffer");
	for (size_t i = 0; i < n; i++)
		if (ids[i] < 0 || ids[i] >= t->n_vocab)
			return pt_fail(err, PT_ERR_ARG,
						   "detokenize: id %d at position %zu is outside the vocabulary of %d",
						   (int) ids[i], i, (int) t->n_vocab);
	memset(&s, 0, sizeof(s));
	s.out = out;
	s.cap = cap;
	for (size_t i = 0; i < n; i++)
	{
		const uint8_t *p = t->vocab + t->offsets[ids[i]];
		size_t		k = token_len(t, ids[i]);

		for (size_t j = 0; j < k; j++)
			feed(&s, p[j]);
	}
	*out_len = s.len;
	if (cap == 0)
		return PT_OK;
	out[s.written] = '\0';
	if (s.full)
		return pt_fail(err, PT_ERR_LIMIT,
					   "detokenize: %zu bytes do not fit in a buffer of %zu",
					   s.len, cap);
	return PT_OK;
}

pt_status
pt_tokenize_source(const pt_tokenizer *t, const char *text, size_t len,
				   int32_t *ids, size_t max_ids, size_t *n_ids, pt_err *err)
{
	pt_status	st;

	if (max_ids < 1)
		return pt_fail(err, PT_ERR_ARG, "tokenize: no room for <eos>");
	if ((st = pt_tokenize(t, text, len, ids, max_ids - 1, n_ids, err)) != PT_OK)
		return st;
	ids[(*n_ids)++] = PT_TOK_EOS;
	return PT_OK;
}
