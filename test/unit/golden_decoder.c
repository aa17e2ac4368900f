/*
 * golden_decoder.c — see golden_decoder.h.
 */
#include "golden_decoder.h"

#include <stdlib.h>

#include "unit.h"

#define MAX_LINE 65536

/* undo the golden file's escapes (\t, \n, \\) in place */
static void
unescape(char *s)
{
	char	   *o = s;

	for (; *s; s++)
	{
		if (*s == '\\' && s[1])
		{
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		}
		else
			*o++ = *s;
	}
	*o = '\0';
}

static int
parse_ids(char *s, int32_t *ids, int cap)
{
	int			n = 0;

	for (char *tok = strtok(s, " \n"); tok && n < cap; tok = strtok(NULL, " \n"))
		ids[n++] = atoi(tok);
	return n;
}

/* a == b, or only their first `prefix` ids when prefix > 0 */
static void
check_ids(const int32_t *a, int na, const int32_t *b, int nb, int prefix)
{
	if (prefix > 0)
	{
		na = na < prefix ? na : prefix;
		nb = nb < prefix ? nb : prefix;
	}
	CHECK(na == nb);
	for (int i = 0; i < na && i < nb; i++)
		CHECK(a[i] == b[i]);
}

int
check_decoder_golden(const char *path, golden_greedy_fn greedy, const void *model,
					 int max_src, int max_tgt, int vocab, double tol, int ids_prefix)
{
	FILE	   *f = fopen(path, "r");
	char	   *line = malloc(MAX_LINE),
			   *text = malloc(MAX_LINE);
	int32_t    *src = malloc(sizeof(int32_t) * max_src),
			   *out = malloc(sizeof(int32_t) * max_tgt),
			   *want = malloc(sizeof(int32_t) * 4096);
	float	   *logp = malloc(sizeof(float) * GOLDEN_STEPS * vocab);
	int			n_src = 0,
				n_out = 0,
				cases = 0;
	pt_err		err;

	CHECK(f != NULL);
	while (f && fgets(line, MAX_LINE, f))
	{
		char	   *tab = strchr(line, '\t');

		if (tab == NULL)
			continue;
		*tab++ = '\0';
		tab[strcspn(tab, "\n")] = '\0';
		if (strcmp(line, "text") == 0)
		{
			strcpy(text, tab);
			unescape(text);
			CHECK(greedy(model, text, strlen(text), src, &n_src, out, &n_out,
						 logp, GOLDEN_STEPS, &err) == PT_OK);
			cases++;
		}
		else if (strcmp(line, "src") == 0)
			check_ids(src, n_src, want, parse_ids(tab, want, 4096), 0);
		else if (strcmp(line, "greedy") == 0)
			check_ids(out, n_out, want, parse_ids(tab, want, 4096), ids_prefix);
		else if (strncmp(line, "step", 4) == 0)
		{
			int			step = atoi(line + 4);

			if (step >= n_out || step >= GOLDEN_STEPS)
				continue;
			for (char *tok = strtok(tab, " "); tok; tok = strtok(NULL, " "))
			{
				int			id = atoi(tok);
				char	   *colon = strchr(tok, ':');

				CHECK(colon != NULL && id >= 0 && id < vocab);
				if (colon && id >= 0 && id < vocab)
					CHECK_NEAR(logp[(size_t) step * vocab + id], atof(colon + 1), tol);
			}
		}
	}
	if (f)
		fclose(f);
	free(line);
	free(text);
	free(src);
	free(out);
	free(want);
	free(logp);
	return cases;
}
