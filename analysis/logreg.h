/* logreg.h - logistic regression with an L2 penalty (Newton-Raphson / IRLS),
 * and the two figures a holdout is judged by: ROC AUC and log loss. */
#ifndef ZOE_LOGREG_H
#define ZOE_LOGREG_H

#include <stddef.h>

#define LOGREG_MAX_FEATURES 32

/* Fits P(y = 1 | x) = 1 / (1 + exp(-(b0 + b·x))) to n rows of p features
 * (x row-major, n×p; y 0/1) by minimising the negative log-likelihood plus
 * lambda/2 · |b|² (the intercept b0 is not penalised). beta receives p + 1
 * values: b0 first. Returns the Newton iterations used, or -1 (bad
 * arguments, p > LOGREG_MAX_FEATURES, no convergence, out of memory). */
int logreg_fit(const double *x, const int *y, size_t n, size_t p, double lambda, double *beta);

/* The model's probability for one row of p features. */
double logreg_predict(const double *beta, const double *x, size_t p);

/* Area under the ROC curve of scores against labels (ties count one half);
 * -1 when either class is missing. */
double logreg_auc(const double *score, const int *y, size_t n);

/* Mean negative log-likelihood of probabilities against labels, with the
 * probabilities clipped to [1e-15, 1 - 1e-15]; -1 when n is 0. */
double logreg_log_loss(const double *prob, const int *y, size_t n);

#endif
