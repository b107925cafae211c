/* markov.h - Markov chains over visits: next-page prediction with back-off
 * (order 2, falling back to order 1) and removal-effect attribution over an
 * absorbing chain (Start, states..., Conversion, Exit).
 *
 * Pure code: counts come in (aggregated in SQL), probabilities go out. */
#ifndef ZOE_MARKOV_H
#define ZOE_MARKOV_H

#include <stddef.h>

/* One aggregated observation of a visit moving on: after `prev2` (NULL for
 * an order-1 gram) and `prev1`, the visitor went to `next` (NULL = left the
 * site), `count` times. */
typedef struct mk_gram {
	const char *prev2, *prev1, *next;
	double count;
} mk_gram_t;

typedef struct mk_next {
	const char *next;       /* a state of the grams (not copied); NULL = exit */
	double p;               /* its probability given the context */
	double count;
} mk_next_t;

typedef struct mk_answer {
	int order;              /* 2, 1, or 0 when even prev1 was never seen */
	double support;         /* observations of the context that answered */
	double support2;        /* observations of the order-2 context */
	size_t n;               /* entries in out[] (highest p first, ties by name) */
} mk_answer_t;

/* Distribution of the next state after (prev2, prev1): order 2 when the
 * grams hold at least `min_context` observations of that context, else order
 * 1 from the grams with prev2 == NULL. Writes at most `max` entries into out
 * (exit included, as next == NULL). Returns 0, -1 on bad arguments. */
int mk_predict(const mk_gram_t *grams, size_t n, const char *prev2, const char *prev1,
	       double min_context, mk_next_t *out, size_t max, mk_answer_t *ans);

/* An absorbing chain: state 0 is Start, 1..k the transient page groups,
 * k+1 Conversion, k+2 Exit. counts is (k+3)×(k+3), row-major, counts[i][j]
 * transitions from i to j; a transient row with no outgoing count exits. */
#define MK_START 0
#define MK_MAX_STATES 128

/* Probability of reaching Conversion from Start; the states with removed[i]
 * set send whatever enters them to Exit. removed may be NULL. Returns the
 * probability, or -1 on bad arguments or a singular chain. */
double mk_conversion_prob(const double *counts, int k, const unsigned char *removed);

/* Removal effect of each page group i (1..k) into effect[i - 1]:
 * 1 - P(conversion without i) / P(conversion), and its share of the sum of
 * effects into share[i - 1] (all 0 when nothing converts). Returns P, or -1. */
double mk_removal_effects(const double *counts, int k, double *effect, double *share);

#endif
