/* abtest.h - the statistics of an A/B test (pure): a variant against the
 * control (rates, absolute and relative uplift with 95 % intervals, the
 * two-proportion z-test, the Bayesian chance to beat the control), the
 * sample-ratio-mismatch check, GrowthBook's decision rule, and assignment
 * (sticky hash into weight ranges, or Thompson sampling). */
#ifndef ZOE_ABTEST_H
#define ZOE_ABTEST_H

#include <stddef.h>
#include <stdint.h>

#define AB_VARIANTS_MAX 10
#define AB_ALPHA 0.05            /* two-sided */
#define AB_Z975 1.959963984540054 /* qnorm(0.975) */
#define AB_SRM_P 0.001           /* GrowthBook: mismatch below this p */
#define AB_SRM_MIN_UNITS 8       /* ... once every variant has this many units */
#define AB_CHANCE_SHIP 0.95      /* GrowthBook's chance-to-win threshold */
#define AB_CHANCE_LOSE 0.05      /* ... and its losing threshold */
#define AB_MIN_CONVERSIONS 150   /* GrowthBook's default minimum sample size */

/* A variant compared with the control. NAN where a figure is undefined (no
 * exposures, a zero control rate for the relative uplift, no variance). */
typedef struct ab_compare {
	double rate;                            /* conversions / exposures */
	double abs_uplift, abs_lo, abs_hi;      /* rate - control rate, Wald 95 % CI */
	double rel_uplift, rel_lo, rel_hi;      /* rate / control rate - 1, delta method */
	double z, p_value;                      /* pooled z-test, two-sided */
	double chance_to_beat;                  /* P(rate > control rate), Beta(1,1) priors */
} ab_compare_t;

/* Compares x conversions of n exposures with the control's xc of nc.
 * The CI and p equal R's prop.test(c(x, xc), c(n, nc), correct = FALSE).
 * 0, or -1 when a count is negative, not whole or conversions exceed
 * exposures. */
int ab_compare(double xc, double nc, double x, double n, ab_compare_t *out);

/* P(B > A) for B ~ Beta(ab, bb) and A ~ Beta(aa, ba) with whole-numbered
 * alphas: the exact finite sum (Evan Miller), evaluated in log space over the
 * smaller alpha; the normal approximation when both alphas exceed 10^7. */
double ab_prob_beats(double aa, double ba, double ab, double bb);

/* Upper tail of the chi-square distribution with df degrees of freedom
 * (regularised incomplete gamma Q(df/2, x/2)), as R's pchisq(x, df,
 * lower.tail = FALSE). NAN for df <= 0 or x < 0. */
double ab_chisq_upper(double x, double df);

/* Chi-square goodness of fit of k observed counts to expected shares (the
 * weights, summing to 1): R's chisq.test(observed, p = weights)$p.value;
 * the statistic into *chisq (may be NULL). NAN when k < 2 or no units. */
double ab_srm_p(const double *observed, const double *weights, size_t k, double *chisq);
/* 1 when the check applies (every variant has AB_SRM_MIN_UNITS) and
 * p < AB_SRM_P. */
int ab_srm_flag(const double *observed, size_t k, double p);

typedef enum { AB_KEEP_RUNNING, AB_SHIP, AB_STOP } ab_decision_t;
/* The decision over the k - 1 variants' chances to beat the control
 * (chance[0] is ignored) and conversions (conv[0] the control's): stop on a
 * sample-ratio mismatch; keep running while no variant and its control
 * together have AB_MIN_CONVERSIONS in the larger arm; ship the variant with
 * the highest chance when it reaches AB_CHANCE_SHIP; stop when every chance
 * is at most AB_CHANCE_LOSE; else keep running. *winner: the variant to ship
 * (0 = control wins on stop, -1 otherwise); *code and *reason: why, as a
 * static code (srm, chance_reached, all_losing, too_few_conversions,
 * undecided) and sentence. */
ab_decision_t ab_decide(const double *chance, const double *conv, size_t k, int srm,
			int *winner, const char **code, const char **reason);
const char *ab_decision_name(ab_decision_t d);

/* GrowthBook's hash v2 of (seed, id) into [0, 1): fnv1a32 of the decimal
 * fnv1a32(seed || id), modulo 10000, over 10000. */
double ab_hash(const char *seed, const char *id);
/* The index of the weight range of k weights (summing to 1) that u in [0, 1)
 * falls into; the last one for rounding leftovers. */
size_t ab_bucket(double u, const double *weights, size_t k);
/* Thompson sampling: one draw from each variant's Beta(1 + x, 1 + n - x)
 * posterior with a generator seeded by `seed`; the index of the largest.
 * Deterministic for a seed. */
size_t ab_thompson(const double *conv, const double *expo, size_t k, uint64_t seed);

#endif
