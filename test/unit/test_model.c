/* test_model.c — the .ptm loader on a good file and on every kind of damage. */
#include "model.h"
#include "summarize.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

static unsigned char *
read_file(const char *path, size_t *len)
{
	FILE	   *f;
	unsigned char *buf;
	long		n;

	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t) n);
	if (fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t) n;
	return buf;
}

static unsigned char *
read_fixture(const char *name, size_t *len)
{
	char		path[512];

	snprintf(path, sizeof path, "%s/%s", unit_fixture_dir, name);
	return read_file(path, len);
}

/* rewrite the header checksum so damage reaches the structural checks */
static void
fix_crc(unsigned char *b, size_t len)
{
	static const unsigned char zero[4];
	uint32_t	c = pt_crc32(0, b, 48);

	c = pt_crc32(c, zero, 4);
	c = pt_crc32(c, b + 52, len - 52);
	for (int i = 0; i < 4; i++)
		b[48 + i] = (unsigned char) (c >> (8 * i));
}

/* an accepted model's tensors must all lie inside the buffer */
static int
tensors_in_bounds(const pt_model *m, const unsigned char *b, size_t len)
{
	for (int i = 0; i < m->n_tensors; i++)
	{
		const unsigned char *d = m->tensors[i].data;

		if (d < b || d + m->tensors[i].nbytes > b + len)
			return 0;
	}
	return 1;
}

TEST(model_open_valid)
{
	char		path[512];
	pt_model   *m = NULL;
	pt_err		err;
	const pt_tensor *t;
	int64_t		hidden = 0;

	snprintf(path, sizeof path, "%s/tiny.ptm", unit_fixture_dir);
	CHECK(pt_model_open(path, &m, &err) == PT_OK);
	if (m == NULL)
		return;
	CHECK_STR_EQ(m->task, "test");
	CHECK_STR_EQ(m->language, "en");
	CHECK_STR_EQ(m->name, "tiny");
	CHECK_STR_EQ(m->version, "1");
	CHECK(m->n_tensors == 4);
	CHECK(m->parameters == 15 + 7 + 4);	/* tokenizer.* not counted */
	CHECK(pt_model_require(m, "w", PT_F32, 2, (int64_t[]) {3, 5}, &t, &err) == PT_OK);
	CHECK(((const float *) t->data)[14] == 14.0f);
	CHECK(((uintptr_t) t->data) % PT_MODEL_ALIGN == 0);
	CHECK(pt_model_require(m, "w", PT_F32, 2, (int64_t[]) {3, 4}, &t, &err) == PT_ERR_MODEL);
	CHECK(pt_model_require(m, "w", PT_I32, 2, NULL, &t, &err) == PT_ERR_MODEL);
	CHECK(pt_model_require(m, "missing", PT_F32, 1, NULL, &t, &err) == PT_ERR_MODEL);
	CHECK(strstr(err.msg, "missing") != NULL);
	CHECK(pt_model_require(m, "ids", PT_I32, 1, (int64_t[]) {-1}, &t, &err) == PT_OK);
	CHECK(pt_model_require_int(m, "hidden", 1, 10, &hidden, &err) == PT_OK && hidden == 5);
	CHECK(pt_model_require_int(m, "hidden", 6, 10, &hidden, &err) == PT_ERR_MODEL);
	CHECK(pt_model_require_int(m, "scale", 0, 10, &hidden, &err) == PT_ERR_MODEL);
	CHECK(pt_model_kv(m, "scale") != NULL && pt_model_kv(m, "scale")->f == 0.5);
	pt_model_close(m);
}

TEST(model_open_missing_file_names_it)
{
	pt_model   *m = NULL;
	pt_err		err;

	CHECK(pt_model_open("/nonexistent/x.ptm", &m, &err) == PT_ERR_IO);
	CHECK(m == NULL);
	CHECK(strstr(err.msg, "/nonexistent/x.ptm") != NULL);
	CHECK(pt_model_open("/", &m, &err) != PT_OK);
}

TEST(model_every_truncation_rejected)
{
	size_t		len;
	unsigned char *b = read_fixture("tiny.ptm", &len);

	CHECK(b != NULL);
	if (b == NULL)
		return;
	for (size_t n = 0; n < len; n++)
	{
		pt_model   *m = NULL;
		pt_err		err;
		/* a copy of exactly n bytes, so ASan sees any read past the end */
		unsigned char *cut = malloc(n ? n : 1);

		memcpy(cut, b, n);
		CHECK(pt_model_open_buffer(cut, n, &m, &err) == PT_ERR_FORMAT);
		CHECK(m == NULL);
		free(cut);
	}
	free(b);
}

TEST(model_every_bit_flip_detected_by_checksum)
{
	size_t		len;
	unsigned char *b = read_fixture("tiny.ptm", &len);
	int			rejected = 0;

	if (b == NULL)
		return;
	for (size_t i = 0; i < len; i++)
	{
		pt_model   *m = NULL;
		pt_err		err;

		b[i] ^= 0x10;
		if (pt_model_open_buffer(b, len, &m, &err) != PT_OK)
			rejected++;
		pt_model_close(m);
		b[i] ^= 0x10;
	}
	CHECK(rejected == (int) len);
	free(b);
}

/*
 * With the checksum recomputed, every mutation of every metadata byte must
 * be either rejected or yield tensors inside the file: the structural
 * checks alone keep hostile files safe.
 */
TEST(model_hostile_metadata_with_valid_checksum)
{
	size_t		len;
	unsigned char *b = read_fixture("tiny.ptm", &len);
	static const unsigned char values[] = {0x00, 0x01, 0x3f, 0x40, 0x7f, 0x80, 0xff};

	if (b == NULL)
		return;
	for (size_t i = 0; i < len && i < 512; i++)
	{
		unsigned char orig = b[i];

		if (i >= 48 && i < 52)
			continue;			/* the checksum itself */
		for (size_t v = 0; v < sizeof values; v++)
		{
			pt_model   *m = NULL;
			pt_err		err;

			b[i] = values[v];
			fix_crc(b, len);
			if (pt_model_open_buffer(b, len, &m, &err) == PT_OK)
			{
				CHECK(tensors_in_bounds(m, b, len));
				pt_model_close(m);
			}
			else
				CHECK(err.msg[0] != '\0');
		}
		b[i] = orig;
	}
	fix_crc(b, len);
	free(b);
}

TEST(model_wrong_version_and_magic)
{
	size_t		len;
	unsigned char *b = read_fixture("tiny.ptm", &len);
	pt_model   *m = NULL;
	pt_err		err;

	if (b == NULL)
		return;
	b[8] = 2;
	fix_crc(b, len);
	CHECK(pt_model_open_buffer(b, len, &m, &err) == PT_ERR_FORMAT);
	CHECK(strstr(err.msg, "version 2") != NULL);
	b[8] = 1;
	b[0] = 'X';
	fix_crc(b, len);
	CHECK(pt_model_open_buffer(b, len, &m, &err) == PT_ERR_FORMAT);
	CHECK(strstr(err.msg, "magic") != NULL);
	free(b);
}

TEST(model_crc32_matches_zlib)
{
	/* zlib.crc32(b"123456789") == 0xCBF43926, the standard check value */
	CHECK(pt_crc32(0, "123456789", 9) == 0xCBF43926u);
	CHECK(pt_crc32(pt_crc32(0, "1234", 4), "56789", 5) == 0xCBF43926u);
}

/* every length and offset the folding paths split differently (16, 64, 256 bytes) equals a bitwise CRC */
TEST(model_crc32_folding_equals_bitwise)
{
	enum
	{
		N = 2300
	};
	unsigned char *b = malloc(N);
	uint32_t	x = 12345;

	for (int i = 0; i < N; i++)
		b[i] = (unsigned char) ((x = x * 1103515245u + 12345u) >> 16);
	for (size_t len = 0; len + 3 <= N; len += len < 300 ? 1 : 97)
		for (size_t off = 0; off < 3; off++)
		{
			uint32_t	want = 0xFFFFFFFFu;

			for (size_t i = 0; i < len; i++)
			{
				want ^= b[off + i];
				for (int k = 0; k < 8; k++)
					want = (want & 1) ? 0xEDB88320u ^ (want >> 1) : want >> 1;
			}
			CHECK(pt_crc32(0, b + off, len) == ~want);
		}
	free(b);
}

/* a summarize model whose shortlist names an id outside its vocabulary is refused, never used */
TEST(model_summarize_refuses_a_bad_shortlist)
{
	size_t		len,
				at;
	unsigned char *b = read_file("models/summarize-multi.ptm", &len);
	const int32_t outside = 16000;	/* the vocabulary's size */
	pt_model   *m = NULL;
	pt_summarizer *s = NULL;
	pt_err		err;

	CHECK(b != NULL);
	if (b == NULL)
		return;
	CHECK(pt_model_open_buffer(b, len, &m, &err) == PT_OK);
	CHECK(m != NULL && pt_model_tensor(m, "shortlist") != NULL);
	if (m == NULL || pt_model_tensor(m, "shortlist") == NULL)
	{
		free(b);
		return;
	}
	at = (size_t) ((const unsigned char *) pt_model_tensor(m, "shortlist")->data - b);
	pt_model_close(m);
	memcpy(b + at + 7 * sizeof(int32_t), &outside, sizeof outside);
	fix_crc(b, len);
	CHECK(pt_model_open_buffer(b, len, &m, &err) == PT_OK);
	CHECK(pt_summarizer_load(m, &s, &err) == PT_ERR_MODEL && s == NULL);
	CHECK(strstr(err.msg, "shortlist id 16000") != NULL);
	pt_model_close(m);
	free(b);
}
