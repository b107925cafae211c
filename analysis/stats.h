/* stats.h - descriptive statistics over arrays of doubles (pure). */
#ifndef ZOE_STATS_H
#define ZOE_STATS_H

#include <stddef.h>

/* Sorts `x` in place ascending. */
void stats_sort(double *x, size_t n);
/* Quantile q in [0,1] of sorted `x` by linear interpolation between closest
 * ranks (PostgreSQL's percentile_cont, R type 7). Returns NAN when n == 0. */
double stats_quantile_sorted(const double *x, size_t n, double q);
/* As above, for unsorted input: sorts `x` in place first. */
double stats_quantile(double *x, size_t n, double q);
/* Arithmetic mean, NAN when n == 0. */
double stats_mean(const double *x, size_t n);

/* Sample standard deviation (divisor n - 1), NAN when n < 2. */
double stats_stddev(const double *x, size_t n);
/* Bayesian average (C*m + sum) / (C + n) of n ratings summing to `sum`, with
 * prior mean m weighted as C ratings. NAN when C + n <= 0. */
double stats_bayes_avg(double m, double c, double sum, size_t n);
/* Median of `x` (sorts x in place); NAN when n == 0. */
double stats_median(double *x, size_t n);
/* Median absolute deviation median(|x - median(x)|), unscaled; `x` is left
 * untouched. NAN when n == 0 or out of memory. */
double stats_mad(const double *x, size_t n);
/* Robust z-score 0.6745 * (x - median) / mad (Iglewicz-Hoaglin); NAN when
 * mad <= 0. */
double stats_robust_z(double x, double median, double mad);
/* Robust z of every x[i] into z[i]. When the MAD is 0, uses the mean absolute
 * deviation scaled by 1.253314 (z = (x - median) / (1.253314 * meanAD)); when
 * that is 0 too, every z is 0. 0 = ok, -1 when n == 0 or out of memory. */
int stats_robust_zscores(const double *x, size_t n, double *z);

/* Pooled two-proportion z-test of x1 successes in n1 against x2 in n2: the
 * two-sided p-value, z into *z (may be NULL). NAN when n1 or n2 is 0 or the
 * pooled rate is 0 or 1 (no variance to test). */
double stats_two_prop_p(double x1, double n1, double x2, double n2, double *z);

/* |robust z| above this flags an outlier (Iglewicz and Hoaglin). */
#define STATS_ROBUST_Z_FLAG 3.5

/* Solves a·x = b (n×n, row-major, both overwritten) by Gaussian elimination
 * with partial pivoting; the answer is left in b. 0, or -1 when singular. */
int stats_solve(double *a, double *b, size_t n);

#endif
