/*
 * tokenizer.h — byte-level BPE shared by training (through ctypes) and serving.
 *
 * Ids:
 *   0 <pad>, 1 <bos>, 2 <eos>, 3 <sep>     specials, empty byte strings
 *   4 .. 259                               the single bytes 0x00 .. 0xFF
 *   260 + i                                merge i (its two parts have smaller ids)
 * Every byte has an id, so no input is ever unknown, and for any valid UTF-8
 * text without NUL bytes (all normalized text) detokenize(tokenize(x)) == x.
 *
 * Text is first cut into pieces (pt_pretokenize) and merges never cross a
 * piece boundary.  The trainer cuts its corpus with the same function, so
 * training and serving can never disagree about where words end.
 *
 * A tokenizer keeps pointers to the caller's arrays (typically tensors inside
 * a memory-mapped model) and allocates only its pair → rank hash table; the
 * arrays must outlive it.  Tokenizing and detokenizing allocate nothing, so a
 * tokenizer can be shared by concurrent readers.
 */
#ifndef PT_TOKENIZER_H
#define PT_TOKENIZER_H

#include "pt_common.h"
#include "model.h"

#define PT_TOK_PAD 0
#define PT_TOK_BOS 1
#define PT_TOK_EOS 2
#define PT_TOK_SEP 3
#define PT_TOK_N_SPECIAL 4
#define PT_TOK_BYTE0 4			/* id of byte b is PT_TOK_BYTE0 + b */
#define PT_TOK_FIRST_MERGE 260

/* pieces never exceed this many bytes, which bounds the cost of encoding one */
#define PT_TOK_MAX_PIECE 64
/* runs of CJK ideographs are cut into pieces of at most this many characters */
#define PT_TOK_MAX_CJK 8

typedef struct pt_tokenizer pt_tokenizer;

/*
 * Build a tokenizer from its three arrays:
 *   vocab_bytes[vocab_len]   the byte strings of all tokens, concatenated;
 *   offsets[n_vocab + 1]     token i is vocab_bytes[offsets[i] .. offsets[i+1]);
 *   merges[n_merges * 2]     merge i joins (merges[2i], merges[2i+1]) into id 260 + i.
 * Everything is validated (n_vocab == 260 + n_merges, offsets start at 0, are
 * monotone and end at vocab_len, specials empty, 4..259 the single bytes,
 * merge parts are non-special ids below the merge's own id, no pair merged
 * twice, and bytes(260 + i) == bytes(a) ++ bytes(b)); anything else is
 * PT_ERR_FORMAT.  Nothing is copied.
 */
pt_status	pt_tokenizer_create(const uint8_t *vocab_bytes, size_t vocab_len,
								const int32_t *offsets, int32_t n_vocab,
								const int32_t *merges, int32_t n_merges,
								pt_tokenizer **out, pt_err *err);

/*
 * Build the tokenizer stored in a model file: tensors "tokenizer.vocab"
 * (PT_U8 [vocab_len]), "tokenizer.offsets" (PT_I32 [n_vocab + 1]) and
 * "tokenizer.merges" (PT_I32 [n_merges, 2]).  The model must stay open for as
 * long as the tokenizer is used.
 */
pt_status	pt_tokenizer_from_model(const pt_model *m, pt_tokenizer **out,
									pt_err *err);

void		pt_tokenizer_free(pt_tokenizer *t);

int32_t		pt_tokenizer_vocab_size(const pt_tokenizer *t);

/*
 * Byte string of token `id` (not NUL-terminated; empty for specials), or
 * NULL with *len = 0 when id is out of range.
 */
const uint8_t *pt_tokenizer_piece(const pt_tokenizer *t, int32_t id, size_t *len);

/*
 * Encode text[0..len), which must be valid UTF-8 (PT_ERR_INVALID_UTF8
 * otherwise).  No <bos>/<eos> are added.  At most max_ids ids are written;
 * later ones are dropped and *n_ids is the number written.  A text never
 * needs more ids than it has bytes, so max_ids = len always suffices.
 */
pt_status	pt_tokenize(const pt_tokenizer *t, const char *text, size_t len,
						int32_t *ids, size_t max_ids, size_t *n_ids, pt_err *err);

/*
 * Decode ids into out, NUL-terminated.  Specials produce nothing.  Byte
 * tokens emitted by a model in a bad order can form invalid UTF-8: the result
 * is repaired by dropping every byte that is not part of a complete, valid
 * sequence, and NUL bytes are dropped too, so out is always valid UTF-8 and
 * a proper C string.  It equals the plain concatenation of the tokens'
 * bytes whenever that is valid UTF-8 without NULs, e.g. for the ids of any
 * normalized text.
 *
 * *out_len is the length of the full repaired text (without the NUL).  With
 * cap == 0 this only measures (out may then be NULL).  When the text needs
 * more than cap - 1 bytes, out holds its longest prefix of whole characters
 * that fits and the result is PT_ERR_LIMIT.  An id outside [0, vocab size)
 * is PT_ERR_ARG.
 */
pt_status	pt_detokenize(const pt_tokenizer *t, const int32_t *ids, size_t n,
						  char *out, size_t cap, size_t *out_len, pt_err *err);

/*
 * Cut text[0..len) into pieces and write the end offset of each into
 * ends[0 .. max_pieces); returns the total number of pieces (which may
 * exceed max_pieces: call with max_pieces = 0 to count).  Pieces:
 *   - a run of letters (any script except CJK ideographs, with combining
 *     marks and apostrophes between letters), with one leading space if
 *     there is one: " don't";
 *   - each ASCII digit alone, with its leading space if any: " 1", "2";
 *   - a run of at most PT_TOK_MAX_CJK CJK ideographs (U+3400–4DBF,
 *     U+4E00–9FFF, U+F900–FAFF, U+20000–2FFFF), with a leading space if any;
 *   - any other character alone (punctuation, symbols, emoji, '\n', a space
 *     not followed by a letter, digit or ideograph).
 * No piece exceeds PT_TOK_MAX_PIECE bytes; longer runs are cut between
 * characters.  Bytes that are not valid UTF-8 become one-byte pieces, so
 * this never fails; texts of 4 GiB or more give 0.
 */
size_t		pt_pretokenize(const char *text, size_t len, uint32_t *ends,
						   size_t max_pieces);

/*
 * A model's source: the ids of text cut to max_ids - 1, then <eos>; ids
 * needs room for max_ids (>= 1), *n_ids gets the count.
 */
pt_status	pt_tokenize_source(const pt_tokenizer *t, const char *text, size_t len,
							   int32_t *ids, size_t max_ids, size_t *n_ids, pt_err *err);

#endif							/* PT_TOKENIZER_H */
