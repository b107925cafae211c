/* ridge.h - ridge regression by the normal equations on standardised
 * features, k-fold cross-validation against a mean baseline (pure). */
#ifndef ZOE_RIDGE_H
#define ZOE_RIDGE_H

#include <stddef.h>

#define RIDGE_MAX_FEATURES 24

typedef struct ridge_model {
	size_t p;
	double lambda;
	double mean[RIDGE_MAX_FEATURES], sd[RIDGE_MAX_FEATURES];  /* sd 0: constant, unused */
	double beta[RIDGE_MAX_FEATURES];      /* per standard deviation of the feature */
	double weight[RIDGE_MAX_FEATURES];    /* per unit of the feature */
	double intercept;                     /* original units: y at x = 0 */
	double ymean;
} ridge_model_t;

/* Fits y ~ x (n rows of p features, row-major) by minimising
 * |y - ymean - Z b|^2 + lambda |b|^2 with Z the features standardised as R's
 * scale() does (sample sd): b = solve(Z'Z + lambda I, Z'(y - ymean)).
 * Constant features get weight 0. 0, or -1 (n < 2, p > RIDGE_MAX_FEATURES,
 * lambda < 0, a singular system). */
int ridge_fit(const double *x, const double *y, size_t n, size_t p, double lambda,
	      ridge_model_t *m);
/* The model's prediction for one row of p features. */
double ridge_predict(const ridge_model_t *m, const double *x);

typedef struct ridge_cv {
	size_t k;
	double rmse, mae;               /* out-of-fold errors of the model */
	double base_rmse, base_mae;     /* ... of the training folds' mean */
} ridge_cv_t;
/* k-fold cross-validation; row i is held out in fold i mod k. 0, or -1
 * (k < 2, n < 2k, a fit failed). */
int ridge_cv(const double *x, const double *y, size_t n, size_t p, double lambda, size_t k,
	     ridge_cv_t *out);

#endif
