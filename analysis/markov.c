/* markov.c - next-page back-off and removal-effect attribution; see markov.h. */
#include "markov.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int by_p(const void *x, const void *y)
{
	const mk_next_t *a = x, *b = y;
	if (a->p != b->p)
		return a->p < b->p ? 1 : -1;
	if (!a->next || !b->next)
		return a->next ? -1 : (b->next ? 1 : 0);    /* exit after pages */
	return strcmp(a->next, b->next);
}

/* Sum of the counts of context (prev2, prev1); prev2 NULL = order 1. */
static double context_total(const mk_gram_t *g, size_t n, const char *prev2, const char *prev1)
{
	double t = 0;
	for (size_t i = 0; i < n; i++)
		if (same(g[i].prev2, prev2) && same(g[i].prev1, prev1) && g[i].count > 0)
			t += g[i].count;
	return t;
}

int mk_predict(const mk_gram_t *grams, size_t n, const char *prev2, const char *prev1,
	       double min_context, mk_next_t *out, size_t max, mk_answer_t *ans)
{
	if (!grams && n)
		return -1;
	if (!prev1 || !out || !ans)
		return -1;
	memset(ans, 0, sizeof(*ans));
	ans->support2 = prev2 ? context_total(grams, n, prev2, prev1) : 0;
	const char *ctx2 = NULL;
	if (prev2 && ans->support2 >= min_context && ans->support2 > 0) {
		ctx2 = prev2;
		ans->order = 2;
		ans->support = ans->support2;
	} else {
		ans->support = context_total(grams, n, NULL, prev1);
		ans->order = ans->support > 0 ? 1 : 0;
	}
	if (!ans->order)
		return 0;
	size_t m = 0;
	for (size_t i = 0; i < n && m < max; i++) {
		if (!same(grams[i].prev2, ctx2) || !same(grams[i].prev1, prev1) || grams[i].count <= 0)
			continue;
		out[m].next = grams[i].next;
		out[m].count = grams[i].count;
		out[m].p = grams[i].count / ans->support;
		m++;
	}
	qsort(out, m, sizeof(*out), by_p);
	ans->n = m;
	return 0;
}

/* x_i = P(conversion | in state i) for the transient states 0..k (Start
 * and the groups): x_i = sum_j P(i→j) x_j + P(i→Conversion), that is
 * (I - Q) x = r. A removed state is an exit: x = 0. */
double mk_conversion_prob(const double *counts, int k, const unsigned char *removed)
{
	if (!counts || k < 0 || k + 3 > MK_MAX_STATES)
		return -1;
	int n = k + 1, w = k + 3;
	double *a = calloc((size_t)n * (size_t)n, sizeof(double));
	double *b = calloc((size_t)n, sizeof(double));
	double p = -1;
	if (!a || !b)
		goto out;
	for (int i = 0; i < n; i++) {
		a[i * n + i] = 1;
		if (removed && removed[i])
			continue;       /* x_i = 0 */
		double total = 0;
		for (int j = 0; j < w; j++)
			total += counts[i * w + j] > 0 ? counts[i * w + j] : 0;
		if (total <= 0)
			continue;       /* nothing leaves it: an exit */
		for (int j = 0; j < n; j++)
			if (counts[i * w + j] > 0)
				a[i * n + j] -= counts[i * w + j] / total;
		if (counts[i * w + k + 1] > 0)
			b[i] = counts[i * w + k + 1] / total;
	}
	if (stats_solve(a, b, (size_t)n) == 0)
		p = b[MK_START];
out:
	free(a);
	free(b);
	return p;
}

double mk_removal_effects(const double *counts, int k, double *effect, double *share)
{
	unsigned char removed[MK_MAX_STATES] = {0};
	double p = mk_conversion_prob(counts, k, NULL), sum = 0;
	if (p < 0 || (k && (!effect || !share)))
		return -1;
	for (int i = 1; i <= k; i++) {
		removed[i] = 1;
		double q = mk_conversion_prob(counts, k, removed);
		removed[i] = 0;
		if (q < 0)
			return -1;
		effect[i - 1] = p > 0 ? fmax(0, 1 - q / p) : 0;
		sum += effect[i - 1];
	}
	for (int i = 0; i < k; i++)
		share[i] = sum > 0 ? effect[i] / sum : 0;
	return p;
}
