/* forecast.h - Holt-Winters (additive or multiplicative season) and Holt's
 * linear trend with prediction intervals.
 *
 * Pure code: no I/O, no globals. hw_fit chooses the smoothing parameters from a
 * small grid by the least one-step-ahead squared error; hw_smooth runs the
 * recursions with parameters the caller chose; hw_forecast turns a model into
 * points with 80 % and 95 % intervals from the h-step error variance of R's
 * predict.HoltWinters (tests/reference/holtwinters.R). */
#ifndef ZOE_FORECAST_H
#define ZOE_FORECAST_H

#include <stddef.h>

#define HW_MAX_SEASON 64

typedef enum hw_kind { HW_ADDITIVE, HW_MULTIPLICATIVE } hw_kind_t;

typedef struct hw_model {
	int season;                 /* season length in use; 0 = Holt's linear trend */
	hw_kind_t kind;             /* how the season combines with level and trend */
	int has_trend;              /* 0: no trend (R's beta = FALSE), trend and beta stay 0 */
	double alpha, beta, gamma;  /* level, trend, season smoothing (gamma 0 for Holt) */
	double level, trend;        /* state after the last observation */
	double seas[HW_MAX_SEASON]; /* seasonal terms indexed by time mod season */
	size_t n;                   /* observations fitted */
	size_t n_err;               /* one-step errors the SSE is taken over */
	double sse;                 /* sum of squared one-step errors */
	double sigma;               /* standard deviation of the one-step errors (R's
				       sd(residuals)); 0 with fewer than two errors */
} hw_model_t;

typedef struct forecast_point {
	double point, lo80, hi80, lo95, hi95;
} forecast_point_t;

/* Fits y[0..n-1]: Holt-Winters of `kind` with season length `season` when
 * 2 <= season <= HW_MAX_SEASON and n >= 2 * season, else Holt's linear trend.
 * Returns 0, or -1 when n < 2, a value is not finite, or a multiplicative
 * season meets a value <= 0. */
int hw_fit(const double *y, size_t n, int season, hw_kind_t kind, hw_model_t *out);
/* Runs the recursions over y[0..n-1] with m's season, kind, has_trend, alpha,
 * beta and gamma, from the start values of forecast.c; fills in the rest of m.
 * Returns 0, or -1 on input hw_fit refuses or a season it cannot use. */
int hw_smooth(const double *y, size_t n, hw_model_t *m);
/* Point forecast h >= 1 steps after the last observation. */
double hw_point(const hw_model_t *m, int h);
/* Writes `horizon` points (h = 1..horizon) of a fitted model to out, with
 * 80 % and 95 % intervals point -/+ z * sqrt(hw_variance(m, h)).
 * Returns 0 or -1 (horizon < 1). */
int hw_forecast(const hw_model_t *m, int horizon, forecast_point_t *out);
/* Variance of the h-step forecast error. */
double hw_variance(const hw_model_t *m, int h);
/* Fits y with an additive season (hw_fit) and writes hw_forecast's points.
 * `model` may be NULL. Returns 0 or -1 (as hw_fit, or horizon < 1). */
int forecast_run(const double *y, size_t n, int season, int horizon, forecast_point_t *out,
		 hw_model_t *model);

#endif
