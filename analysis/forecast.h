/* forecast.h - Holt-Winters (additive or multiplicative season) and Holt's
 * linear trend with prediction intervals.
 *
 * Pure code: no I/O, no globals. fc_select (below) chooses the model by holdout
 * and fits it; hw_smooth runs the recursions with parameters the caller chose;
 * hw_forecast turns a model into points with 80 % and 95 % intervals from the
 * h-step error variance of R's predict.HoltWinters (tests/reference/holtwinters.R),
 * widened by the model's `widen` (80 %) and `widen95` (95 %) (fc_select sets them
 * from its holdout errors). */
#ifndef ZOE_FORECAST_H
#define ZOE_FORECAST_H

#include <stddef.h>

#define HW_MAX_SEASON 64

typedef enum hw_kind { HW_ADDITIVE, HW_MULTIPLICATIVE } hw_kind_t;

typedef struct hw_model {
	int season;                 /* season length in use; 0 = Holt's linear trend */
	hw_kind_t kind;             /* how the season combines with level and trend */
	int has_trend;              /* 0: no trend (R's beta = FALSE), trend and beta stay 0 */
	int damped;                 /* 1: the trend is damped by phi per step */
	double phi;                 /* damping factor (used only when damped) */
	int one_season;             /* 1: start values from the first season alone (for
				       series shorter than two seasons, >= season + 2) */
	int r_start;                /* 1 (seasonal, not one_season): R's start values,
				       decompose() of the first two seasons */
	double alpha, beta, gamma;  /* level, trend, season smoothing (gamma 0 for Holt) */
	double level, trend;        /* state after the last observation */
	double seas[HW_MAX_SEASON]; /* seasonal terms indexed by time mod season */
	size_t n;                   /* observations fitted */
	size_t n_err;               /* one-step errors the SSE is taken over */
	double sse;                 /* sum of squared one-step errors */
	double sigma;               /* standard deviation of the one-step errors (R's
				       sd(residuals)); 0 with fewer than two errors */
	double widen;               /* factor on the 80 % interval's standard deviation
				       from the holdout errors (fc_select); 0 or 1: R's */
	double widen95;             /* the same for the 95 % interval; 0: widen's */
} hw_model_t;

typedef struct forecast_point {
	double point, lo80, hi80, lo95, hi95;
} forecast_point_t;

/* Runs the recursions over y[0..n-1] with m's season, kind, has_trend, alpha,
 * beta and gamma, from the start values of forecast.c; fills in the rest of m.
 * Returns 0, or -1 when n is too short for the model, a value is not finite,
 * a multiplicative season meets a value <= 0, or the season is unusable. */
int hw_smooth(const double *y, size_t n, hw_model_t *m);
/* Point forecast h >= 1 steps after the last observation. */
double hw_point(const hw_model_t *m, int h);
/* Writes `horizon` points (h = 1..horizon) of a fitted model to out, with
 * 80 % and 95 % intervals point -/+ z * sqrt(hw_variance(m, h)) and
 * point -/+ z * sqrt(hw_variance95(m, h)).
 * Returns 0 or -1 (horizon < 1). */
int hw_forecast(const hw_model_t *m, int horizon, forecast_point_t *out);
/* Variance of the h-step forecast error: R's formula times widen^2, what the
 * 80 % interval takes; hw_variance95 times widen95^2 (widen^2 when widen95 is
 * 0), what the 95 % interval takes. */
double hw_variance(const hw_model_t *m, int h);
double hw_variance95(const hw_model_t *m, int h);
/* The factors those take: widen and widen95 as above, 1 where unset. */
double hw_widen80(const hw_model_t *m);
double hw_widen95(const hw_model_t *m);
/* ---- model choice -------------------------------------------------------------
 * Exponential smoothing without season (simple, Holt, damped Holt) and
 * Holt-Winters (additive, multiplicative, each also with a damped trend) are
 * each fitted by minimising the one-step squared error. Holt-Winters over at
 * least two seasons is R's HoltWinters(): R's start values (r_start) and
 * optim's L-BFGS-B from alpha 0.3, beta 0.1, gamma 0.1 within [0, 1], with
 * optim's numerical gradient (the same parameters as R's to about 1e-9); a
 * damped trend adds phi from 0.9 within [0.8, 0.98] (forecast::ets's bounds;
 * R has no damped Holt-Winters: tests/reference/holtwinters_damped.R writes it
 * out for optim()). The others (and Holt-Winters from one season) take a grid,
 * then a pattern search within the bounds;
 * the one with the least sMAPE on a holdout (the last season, or the last
 * quarter of a series without season, at most 12 points), averaged with up to
 * three earlier origins where the series is long enough (and at most 240
 * points), wins and is refitted on the whole series. sMAPE, not an absolute
 * error, so that each origin weighs the same where the level moves. */
typedef enum fc_method {
	FC_SES, FC_HOLT, FC_DAMPED, FC_HW_ADDITIVE, FC_HW_MULTIPLICATIVE, FC_HW_DAMPED_ADDITIVE,
	FC_HW_DAMPED_MULTIPLICATIVE, FC_METHODS
} fc_method_t;

/* "ses", "holt", "holt_damped", "hw_additive", "hw_multiplicative",
 * "hw_damped_additive", "hw_damped_multiplicative" */
extern const char *const fc_method_names[FC_METHODS];

typedef struct fc_accuracy {
	double mape, smape; /* percent; mape NAN when an actual is 0; smape: what
			       the choice minimises */
	double mae;         /* mean absolute error */
	double mase;        /* mae over the in-sample naive error (seasonal naive with a season) */
	double cover80, cover95; /* share of actuals inside the 80 / 95 % intervals */
} fc_accuracy_t;

typedef struct fc_choice {
	fc_method_t method;            /* the winner */
	hw_model_t model;              /* the winner refitted on the whole series */
	size_t holdout;                /* points held out */
	int tried[FC_METHODS];         /* 1 when the method could be fitted */
	fc_accuracy_t acc[FC_METHODS]; /* holdout accuracy of each method tried */
	int origins;                   /* holdouts the choice averaged (1 to 4) */
	double score[FC_METHODS];      /* each method's mean sMAPE over them (percent):
					  the least wins */
} fc_choice_t;

/* Fits a model of `method` to y[0..n-1] into out by least one-step squared
 * error; a seasonal method needs season >= 2 and n >= season + 2 (below two
 * seasons it starts from one). Returns 0, or -1 when the method does not
 * apply. */
int fc_fit(const double *y, size_t n, int season, fc_method_t method, hw_model_t *out);
/* Accuracy of forecasts of a model fitted on train[0..n-1] against the
 * `h` actuals that followed; MASE scales by the naive forecast at lag
 * `season` (1 when season < 2). */
void fc_accuracy(const hw_model_t *m, const double *train, size_t n, int season,
		 const double *actual, int h, fc_accuracy_t *out);
/* Widening factors of the 80 % and 95 % intervals from r[0..n-1], the forecast
 * errors at the choice's holdout origins each over the standard deviation the
 * variance formula gives for its step (r is overwritten: sorted |r|). With q80
 * and q95 the 80 % and 95 % quantiles of |r| (R's type 7) over 1.2816 and
 * 1.9600, and w = n / (n + prior): k80 = max(1, sqrt(q80)), the geometric
 * mean of the formula's standard deviation and the one the errors show;
 * k95 = max(1, w q95 + (1 - w) k80), the errors' own 95 % factor shrunk toward
 * what normal errors of the 80 % interval's scale would give, by `prior`
 * errors (fc_select: one holdout's). Both 1 with fewer than 4 errors. */
void fc_interval_factors(double *r, size_t n, size_t prior, double *k80, double *k95);
/* Chooses the method for y[0..n-1] (season 0 = none) by holdout and refits
 * it. Returns 0, or -1 when n < 4 or no method applies. */
int fc_select(const double *y, size_t n, int season, fc_choice_t *out);

#endif
