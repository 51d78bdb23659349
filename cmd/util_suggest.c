// SPDX-License-Identifier: GPL-2.0
/*
 * "Did you mean": the known word nearest to a mistyped one, as git does for
 * commands.  Distance is optimal string alignment (Levenshtein with swaps of
 * two neighbours, so "replya" is one step from "replay").
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define SUGGEST_MAX 64		/* longer words are not typos of ours */

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

const char *cmd_suggest(const char *word, const char *const *known, size_t n)
{
	size_t len = strlen(word), best = SIZE_MAX;
	/* a third of the word may be wrong, at least one letter, at most three */
	size_t limit = len / 3 < 1 ? 1 : len / 3 > 3 ? 3 : len / 3;
	const char *pick = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d;

		if (!known[i])
			continue;
		d = distance(word, known[i]);
		if (d < best) {
			best = d;
			pick = known[i];
		}
	}
	return best <= limit ? pick : NULL;
}
