/*
 * unit.h — a minimal self-registering C unit-test harness (no server, no
 * dependencies).  Each TEST(name) registers itself before main() runs; one
 * binary runs them all and ends with the plain line "unit: N passed, M failed".
 *
 *   TEST(utf8_roundtrip) { CHECK(x == 1); CHECK_STR_EQ(a, b); CHECK_NEAR(f, g, 1e-5); }
 *
 * A failed CHECK prints file:line and marks the test failed; the test goes on,
 * so one run shows every broken expectation.
 */
#ifndef PT_UNIT_H
#define PT_UNIT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*unit_fn) (void);
void		unit_register(const char *name, unit_fn fn);
void		unit_fail(const char *file, int line, const char *what);

/* a tiny deterministic generator for property tests: 24 random bits per call */
static inline uint32_t
unit_rand(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/* bytes of the n hex digits at hex into out (n / 2 bytes): their count, or -1 (test_golden.c) */
int			unit_hex_decode(const char *hex, size_t n, char *out);

/* set to the directory holding test fixtures (test/unit/fixtures) */
extern const char *unit_fixture_dir;

#define TEST(name) \
	static void test_##name(void); \
	__attribute__((constructor)) static void register_##name(void) \
	{ unit_register(#name, test_##name); } \
	static void test_##name(void)

#define CHECK(cond) \
	do { if (!(cond)) unit_fail(__FILE__, __LINE__, #cond); } while (0)

#define CHECK_STR_EQ(a, b) \
	do { const char *a_ = (a), *b_ = (b); \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) { \
			char m_[512]; snprintf(m_, sizeof m_, "%s == %s (\"%s\" vs \"%s\")", \
				#a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
			unit_fail(__FILE__, __LINE__, m_); } } while (0)

#define CHECK_NEAR(a, b, tol) \
	do { double a_ = (a), b_ = (b); \
		if (!(fabs(a_ - b_) <= (tol))) { \
			char m_[256]; snprintf(m_, sizeof m_, "%s ~ %s (%g vs %g, tol %g)", \
				#a, #b, a_, b_, (double) (tol)); \
			unit_fail(__FILE__, __LINE__, m_); } } while (0)

#endif
