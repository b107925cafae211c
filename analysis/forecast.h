/* forecast.h - additive Holt-Winters and Holt's linear trend with prediction intervals.
 *
 * Pure code: no I/O, no globals. hw_fit chooses the smoothing parameters from a
 * small grid by the least one-step-ahead squared error; forecast_run turns a fit
 * into points with 80 % and 95 % intervals whose width grows with sqrt(h). */
#ifndef ZOE_FORECAST_H
#define ZOE_FORECAST_H

#include <stddef.h>

#define HW_MAX_SEASON 64

typedef struct hw_model {
	int season;                 /* season length in use; 0 = Holt's linear trend */
	double alpha, beta, gamma;  /* level, trend, season smoothing (gamma 0 for Holt) */
	double level, trend;        /* state after the last observation */
	double seas[HW_MAX_SEASON]; /* seasonal terms indexed by time mod season */
	size_t n;                   /* observations fitted */
	size_t n_err;               /* one-step errors the SSE is taken over */
	double sse;                 /* sum of squared one-step errors */
	double sigma;               /* residual standard deviation (0 without errors) */
} hw_model_t;

typedef struct forecast_point {
	double point, lo80, hi80, lo95, hi95;
} forecast_point_t;

/* Fits y[0..n-1]: additive Holt-Winters with season length `season` when
 * 2 <= season <= HW_MAX_SEASON and n >= 2 * season, else Holt's linear trend.
 * Returns 0, or -1 when n < 2 or an argument is unusable. */
int hw_fit(const double *y, size_t n, int season, hw_model_t *out);
/* Point forecast h >= 1 steps after the last observation. */
double hw_point(const hw_model_t *m, int h);
/* Fits y and writes `horizon` points (h = 1..horizon) to out; the intervals
 * are point -/+ z * sigma * sqrt(h) (z 1.2816 and 1.9600). `model` may be NULL.
 * Returns 0 or -1 (as hw_fit, or horizon < 1). */
int forecast_run(const double *y, size_t n, int season, int horizon, forecast_point_t *out,
		 hw_model_t *model);

#endif
