/* trend.h - trend and season of a series: the Mann-Kendall test with tie
 * correction, Sen's slope with its confidence interval, and the classical
 * decomposition of R's decompose() with Hyndman's seasonality strength.
 *
 * Pure code: no I/O, no globals. Reference figures from R are in
 * tests/reference/trend.R. */
#ifndef ZOE_TREND_H
#define ZOE_TREND_H

#include <stddef.h>

typedef struct mk_result {
	size_t n;
	double s;       /* Kendall's S: sum of sign(y[j] - y[i]) over i < j */
	double var_s;   /* variance of S under no trend, corrected for ties */
	double z;       /* (S -/+ 1) / sqrt(var_s), continuity corrected; 0 when S = 0 */
	double p;       /* two-sided p-value from the normal approximation */
	double tau;     /* Kendall's tau-b of y against time */
} mk_result_t;

typedef struct sen_result {
	double slope;   /* median of the pairwise slopes */
	double lo, hi;  /* confidence 95 % interval of the slope (as trend::sens.slope) */
	double intercept; /* median of y[i] - slope * i (Conover) */
} sen_result_t;

/* Mann-Kendall test of y[0..n-1]. Returns 0, or -1 when n < 3 or a value is
 * not finite. */
int mk_test(const double *y, size_t n, mk_result_t *out);
/* Sen's slope of y[0..n-1] per step with its 95 % interval from the
 * Mann-Kendall variance var_s (mk_test). Returns 0, or -1 when n < 2 or out
 * of memory. */
int sen_slope(const double *y, size_t n, double var_s, sen_result_t *out);
/* Standard normal distribution function. */
double trend_pnorm(double z);

typedef struct decomp {
	int period;
	double *trend;     /* n values, NAN where the centred moving average is undefined */
	double *seasonal;  /* n values: the seasonal figure repeated */
	double *remainder; /* n values, NAN where the trend is */
	double figure[64]; /* seasonal index per position 0..period-1 (sums to 0) */
	int harmonic;      /* 1: figure from two harmonics (a position had < 2 values) */
	double strength;   /* max(0, 1 - Var(remainder) / Var(seasonal + remainder)) */
	double trend_strength; /* max(0, 1 - Var(remainder) / Var(trend + remainder)) */
} decomp_t;

/* Additive classical decomposition of y[0..n-1] with 2 <= period <= 64 and
 * n >= 2 * period (as R's decompose(); harmonic figure below three seasons), into arrays the caller gives (each n doubles). Returns 0
 * or -1. */
int decomp_additive(const double *y, size_t n, int period, double *trend, double *seasonal,
		    double *remainder, decomp_t *out);
/* decompose()'s trend: the centred moving average of y[0..n-1] over `period`
 * (half weights at both ends for an even period) into trend, NAN at the ends. */
void decomp_trend(const double *y, size_t n, int period, double *trend);

#endif
