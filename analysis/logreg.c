/* logreg.c - L2-penalised logistic regression by Newton-Raphson; see logreg.h. */
#include "logreg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITER 50
#define TOL 1e-10

static double sigmoid(double z)
{
	return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

double logreg_predict(const double *beta, const double *x, size_t p)
{
	double z = beta[0];
	for (size_t j = 0; j < p; j++)
		z += beta[j + 1] * x[j];
	return sigmoid(z);
}

/* Solves the symmetric positive definite system h·d = g (m×m) by Cholesky;
 * d receives the answer. 0, or -1 when h is not positive definite. */
static int cholesky_solve(double *h, const double *g, double *d, size_t m)
{
	for (size_t j = 0; j < m; j++) {
		double s = h[j * m + j];
		for (size_t k = 0; k < j; k++)
			s -= h[j * m + k] * h[j * m + k];
		if (s <= 1e-14)
			return -1;
		h[j * m + j] = sqrt(s);
		for (size_t i = j + 1; i < m; i++) {
			double t = h[i * m + j];
			for (size_t k = 0; k < j; k++)
				t -= h[i * m + k] * h[j * m + k];
			h[i * m + j] = t / h[j * m + j];
		}
	}
	for (size_t i = 0; i < m; i++) {        /* L z = g */
		double t = g[i];
		for (size_t k = 0; k < i; k++)
			t -= h[i * m + k] * d[k];
		d[i] = t / h[i * m + i];
	}
	for (size_t i = m; i-- > 0;) {          /* L' d = z */
		double t = d[i];
		for (size_t k = i + 1; k < m; k++)
			t -= h[k * m + i] * d[k];
		d[i] = t / h[i * m + i];
	}
	return 0;
}

/* Gradient g and Hessian h of the penalised negative log-likelihood at beta. */
static void derivatives(const double *x, const int *y, size_t n, size_t p, double lambda,
			const double *beta, double *g, double *h)
{
	size_t m = p + 1;
	memset(g, 0, m * sizeof(double));
	memset(h, 0, m * m * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		const double *row = x + i * p;
		double mu = logreg_predict(beta, row, p), w = mu * (1 - mu), r = mu - y[i];
		for (size_t a = 0; a < m; a++) {
			double xa = a ? row[a - 1] : 1;
			g[a] += r * xa;
			for (size_t b = 0; b <= a; b++)
				h[a * m + b] += w * xa * (b ? row[b - 1] : 1);
		}
	}
	for (size_t a = 1; a < m; a++) {
		g[a] += lambda * beta[a];
		h[a * m + a] += lambda;
	}
	for (size_t a = 0; a < m; a++)          /* mirror the lower triangle */
		for (size_t b = a + 1; b < m; b++)
			h[a * m + b] = h[b * m + a];
}

int logreg_fit(const double *x, const int *y, size_t n, size_t p, double lambda, double *beta)
{
	size_t m = p + 1;
	int rc = -1;
	if (!x || !y || !beta || n == 0 || p > LOGREG_MAX_FEATURES || lambda < 0)
		return -1;
	double *g = malloc(m * sizeof(double)), *h = malloc(m * m * sizeof(double));
	double *d = malloc(m * sizeof(double));
	if (!g || !h || !d)
		goto out;
	memset(beta, 0, m * sizeof(double));
	for (int it = 1; it <= MAX_ITER; it++) {
		derivatives(x, y, n, p, lambda, beta, g, h);
		if (cholesky_solve(h, g, d, m) < 0)
			goto out;
		double step = 0;
		for (size_t a = 0; a < m; a++) {
			beta[a] -= d[a];
			step = fmax(step, fabs(d[a]));
		}
		if (!isfinite(step))
			goto out;
		if (step < TOL * (1 + fabs(beta[0]))) {
			rc = it;
			goto out;
		}
	}
out:
	free(g);
	free(h);
	free(d);
	return rc;
}

typedef struct scored {
	double s;
	int y;
} scored_t;

static int by_score(const void *a, const void *b)
{
	double x = ((const scored_t *)a)->s, z = ((const scored_t *)b)->s;
	return (x > z) - (x < z);
}

/* Mann-Whitney: the rank sum of the positives, ties at their mean rank. */
double logreg_auc(const double *score, const int *y, size_t n)
{
	scored_t *v = malloc((n ? n : 1) * sizeof(*v));
	double pos = 0, neg = 0, ranks = 0, auc = -1;
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v[i].s = score[i];
		v[i].y = y[i] != 0;
		pos += v[i].y;
	}
	neg = (double)n - pos;
	qsort(v, n, sizeof(*v), by_score);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double tied_pos = 0;
		while (j < n && v[j].s == v[i].s)
			tied_pos += v[j++].y;
		ranks += tied_pos * ((double)(i + 1) + (double)j) / 2;   /* mean of ranks i+1..j */
		i = j;
	}
	if (pos > 0 && neg > 0)
		auc = (ranks - pos * (pos + 1) / 2) / (pos * neg);
	free(v);
	return auc;
}

double logreg_log_loss(const double *prob, const int *y, size_t n)
{
	double s = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		double q = fmin(fmax(prob[i], 1e-15), 1 - 1e-15);
		s -= y[i] ? log(q) : log(1 - q);
	}
	return s / (double)n;
}
