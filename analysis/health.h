/* health.h - forecasts and anomaly scores for the platform's own health
 * samples (#57, #58): a least-squares line with its confidence band and the
 * time until it crosses a threshold (Prometheus's predict_linear, with an
 * interval and a confidence), the same from a damped-trend model
 * (forecast.h), and the EWMA control chart. Robust z-scores are stats.h's,
 * trend tests trend.h's.
 *
 * Pure code: no I/O, no globals. Reference figures from R are in
 * tests/reference/health.R. */
#ifndef ZOE_HEALTH_H
#define ZOE_HEALTH_H

#include <stddef.h>

#include "forecast.h"

/* Student t distribution function with df > 0 degrees of freedom. */
double health_pt(double t, double df);
/* Its quantile for 0 < p < 1. */
double health_qt(double p, double df);

typedef struct health_line {
	size_t n;
	double intercept, slope;  /* y = intercept + slope * x */
	double xbar, sxx;         /* mean of x and sum of (x - xbar)^2 */
	double sigma;             /* residual standard error, divisor n - 2 */
	double se_slope;          /* sigma / sqrt(sxx) */
} health_line_t;

/* Least squares of y on x over n >= 3 points with x not all equal; 0/-1. */
int health_line_fit(const double *x, const double *y, size_t n, health_line_t *out);
/* The fitted line at x. */
double health_line_at(const health_line_t *l, double x);
/* Half width of the two-sided `level` confidence band of the mean at x
 * (R's predict(lm, interval = "confidence")). */
double health_line_band(const health_line_t *l, double x, double level);

typedef struct health_ttt {
	double eta;        /* time from `now` until the forecast reaches the threshold;
			      NAN when it does not within the horizon */
	double earliest;   /* when the band's near edge reaches it (NAN: not within) */
	double latest;     /* when the band's far edge reaches it (NAN: not within) */
	double at_horizon; /* the forecast at now + horizon */
	double confidence; /* probability that the level at now + horizon lies beyond
			      the threshold, from the forecast's distribution */
} health_ttt_t;

/* Time until the line crosses `threshold` going up (rising = 1) or down
 * (rising = 0), searched over (now, now + horizon], with the `level` band.
 * Already beyond at `now`: eta = earliest = 0. Returns 0, -1 on bad input. */
int health_ttt_linear(const health_line_t *l, double now, double threshold, int rising,
		      double horizon, double level, health_ttt_t *out);
/* The same from a fitted model of forecast.h (a damped trend) in steps of
 * `step` time units for at most `steps` steps, with its 95 % prediction
 * interval; times are multiples of `step`. Returns 0, -1 on bad input. */
int health_ttt_model(const hw_model_t *m, double step, int steps, double threshold, int rising,
		     health_ttt_t *out);

typedef struct health_ewma {
	double center, sigma; /* mean and standard deviation of the baseline */
	double z;             /* the EWMA statistic after the last value */
	double lo, hi;        /* its control limits at the last value */
	double score;         /* (z - center) / standard error of z */
	size_t first_out;     /* index of the first value whose statistic left the
				 limits, n when none did */
	int out;              /* 1 when the last statistic lies outside the limits */
} health_ewma_t;

/* EWMA chart of x[0..n-1] (Montgomery): z_0 = center, z_i = lambda x_i +
 * (1 - lambda) z_{i-1}, limits center -/+ L sigma sqrt(lambda / (2 - lambda)
 * (1 - (1 - lambda)^(2i))), centre and sigma from the first `base` values
 * (2 <= base <= n). Returns 0, or -1 on bad input or a constant baseline. */
int health_ewma(const double *x, size_t n, size_t base, double lambda, double L,
		health_ewma_t *out);

/* Two-sided normal confidence of a score: 2 Phi(|z|) - 1. */
double health_confidence(double z);

#endif
