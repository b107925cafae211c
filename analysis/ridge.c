/* ridge.c - ridge regression on standardised features; see ridge.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ridge.h"
#include "stats.h"

#define P RIDGE_MAX_FEATURES

static void moments(const double *x, const double *y, size_t n, size_t p, ridge_model_t *m)
{
	m->ymean = 0;
	for (size_t i = 0; i < n; i++)
		m->ymean += y[i] / (double)n;
	for (size_t j = 0; j < p; j++) {
		double s = 0, ss = 0;
		for (size_t i = 0; i < n; i++)
			s += x[i * p + j];
		m->mean[j] = s / (double)n;
		for (size_t i = 0; i < n; i++)
			ss += (x[i * p + j] - m->mean[j]) * (x[i * p + j] - m->mean[j]);
		m->sd[j] = sqrt(ss / (double)(n - 1));
		if (m->sd[j] < 1e-12 * (1 + fabs(m->mean[j])))
			m->sd[j] = 0;
	}
}

int ridge_fit(const double *x, const double *y, size_t n, size_t p, double lambda,
	      ridge_model_t *m)
{
	double a[P * P], b[P];
	if (n < 2 || p > P || !(lambda >= 0))
		return -1;
	memset(m, 0, sizeof *m);
	m->p = p;
	m->lambda = lambda;
	moments(x, y, n, p, m);
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	for (size_t i = 0; i < n; i++) {
		double z[P];
		for (size_t j = 0; j < p; j++)
			z[j] = m->sd[j] > 0 ? (x[i * p + j] - m->mean[j]) / m->sd[j] : 0;
		for (size_t j = 0; j < p; j++) {
			b[j] += z[j] * (y[i] - m->ymean);
			for (size_t l = 0; l < p; l++)
				a[j * p + l] += z[j] * z[l];
		}
	}
	for (size_t j = 0; j < p; j++)
		a[j * p + j] += m->sd[j] > 0 ? lambda : 1;     /* a constant feature solves to 0 */
	if (stats_solve(a, b, p) < 0)
		return -1;
	m->intercept = m->ymean;
	for (size_t j = 0; j < p; j++) {
		m->beta[j] = m->sd[j] > 0 ? b[j] : 0;
		m->weight[j] = m->sd[j] > 0 ? b[j] / m->sd[j] : 0;
		m->intercept -= m->weight[j] * m->mean[j];
	}
	return 0;
}

double ridge_predict(const ridge_model_t *m, const double *x)
{
	double v = m->intercept;
	for (size_t j = 0; j < m->p; j++)
		v += m->weight[j] * x[j];
	return v;
}

int ridge_cv(const double *x, const double *y, size_t n, size_t p, double lambda, size_t k,
	     ridge_cv_t *out)
{
	if (k < 2 || n < 2 * k || p > P)
		return -1;
	double *tx = malloc(n * p * sizeof *tx), *ty = malloc(n * sizeof *ty);
	double se = 0, ae = 0, bse = 0, bae = 0;
	int rc = tx && ty ? 0 : -1;
	for (size_t f = 0; rc == 0 && f < k; f++) {
		size_t m = 0;
		double mean = 0;
		for (size_t i = 0; i < n; i++)
			if (i % k != f) {
				memcpy(tx + m * p, x + i * p, p * sizeof *tx);
				ty[m++] = y[i];
				mean += y[i];
			}
		mean /= (double)m;
		ridge_model_t model;
		rc = ridge_fit(tx, ty, m, p, lambda, &model);
		for (size_t i = f; rc == 0 && i < n; i += k) {
			double e = ridge_predict(&model, x + i * p) - y[i], be = mean - y[i];
			se += e * e;
			ae += fabs(e);
			bse += be * be;
			bae += fabs(be);
		}
	}
	free(tx);
	free(ty);
	if (rc < 0)
		return -1;
	out->k = k;
	out->rmse = sqrt(se / (double)n);
	out->mae = ae / (double)n;
	out->base_rmse = sqrt(bse / (double)n);
	out->base_mae = bae / (double)n;
	return 0;
}
