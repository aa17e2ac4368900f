/* main.c — runs every registered unit test; optional argv[1] filters by substring. */
#include "unit.h"

#include <stdlib.h>

#define MAX_TESTS 1024

static struct
{
	const char *name;
	unit_fn		fn;
}			tests[MAX_TESTS];
static int	n_tests;
static int	current_failed;

const char *unit_fixture_dir = "test/unit/fixtures";

void
unit_register(const char *name, unit_fn fn)
{
	if (n_tests < MAX_TESTS)
	{
		tests[n_tests].name = name;
		tests[n_tests].fn = fn;
		n_tests++;
	}
}

void
unit_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "  %s:%d: CHECK failed: %s\n", file, line, what);
	current_failed = 1;
}

int
main(int argc, char **argv)
{
	int			passed = 0,
				failed = 0;
	const char *env = getenv("PT_FIXTURE_DIR");

	if (env)
		unit_fixture_dir = env;
	for (int i = 0; i < n_tests; i++)
	{
		if (argc > 1 && strstr(tests[i].name, argv[1]) == NULL)
			continue;
		current_failed = 0;
		tests[i].fn();
		printf("%-48s %s\n", tests[i].name, current_failed ? "FAILED" : "ok");
		if (current_failed)
			failed++;
		else
			passed++;
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
