/* forecast.c - additive Holt-Winters / Holt's linear trend; see forecast.h.
 *
 * Seasonal start values come from the first two seasons: the trend is the
 * difference of their means per step, the level is the first season's mean
 * moved to its last time step, and each seasonal term is the first season's
 * deviation from that straight line; so a series that is exactly trend +
 * season is forecast exactly. Holt starts from the first two observations. */
#include "forecast.h"

#include <math.h>
#include <string.h>

static const double alphas[] = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99};
static const double betas[] = {0.01, 0.05, 0.1, 0.2, 0.3};
static const double gammas[] = {0.01, 0.05, 0.1, 0.2, 0.3, 0.5};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const double Z80 = 1.2815515655446004, Z95 = 1.959963984540054;

static double mean_of(const double *y, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += y[i];
	return s / (double)n;
}

/* Start values of `m` for the parameters already set in it. */
static void start(const double *y, hw_model_t *m)
{
	int s = m->season;
	if (s) {
		double m1 = mean_of(y, (size_t)s), m2 = mean_of(y + s, (size_t)s);
		m->trend = (m2 - m1) / s;
		m->level = m1 + m->trend * (s - 1) / 2.0;
		for (int i = 0; i < s; i++)
			m->seas[i] = y[i] - (m1 + m->trend * (i - (s - 1) / 2.0));
	} else {
		m->level = y[1];
		m->trend = y[1] - y[0];
	}
	m->sse = 0;
	m->n_err = 0;
}

/* Runs the recursions over y with the parameters in m; leaves the final state
 * and the one-step SSE in m. */
static void run(const double *y, size_t n, hw_model_t *m)
{
	int s = m->season;
	start(y, m);
	for (size_t t = s ? (size_t)s : 2; t < n; t++) {
		double st = s ? m->seas[t % (size_t)s] : 0;
		double e = y[t] - (m->level + m->trend + st);
		double prev = m->level;
		m->sse += e * e;
		m->n_err++;
		m->level = m->alpha * (y[t] - st) + (1 - m->alpha) * (m->level + m->trend);
		m->trend = m->beta * (m->level - prev) + (1 - m->beta) * m->trend;
		if (s)
			m->seas[t % (size_t)s] = m->gamma * (y[t] - m->level) + (1 - m->gamma) * st;
	}
	m->n = n;
	m->sigma = m->n_err ? sqrt(m->sse / (double)m->n_err) : 0;
}

int hw_fit(const double *y, size_t n, int season, hw_model_t *out)
{
	if (!y || !out || n < 2)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(y[i]))
			return -1;
	int s = season >= 2 && season <= HW_MAX_SEASON && n >= 2 * (size_t)season ? season : 0;
	hw_model_t best, cur;
	memset(&best, 0, sizeof(best));
	memset(&cur, 0, sizeof(cur));
	best.sse = INFINITY;
	cur.season = s;
	size_t ng = s ? COUNT(gammas) : 1;
	for (size_t a = 0; a < COUNT(alphas); a++)
		for (size_t b = 0; b < COUNT(betas); b++)
			for (size_t g = 0; g < ng; g++) {
				cur.alpha = alphas[a];
				cur.beta = betas[b];
				cur.gamma = s ? gammas[g] : 0;
				run(y, n, &cur);
				if (cur.sse < best.sse)
					best = cur;
			}
	*out = best;
	return 0;
}

double hw_point(const hw_model_t *m, int h)
{
	double st = m->season ? m->seas[(m->n + (size_t)h - 1) % (size_t)m->season] : 0;
	return m->level + h * m->trend + st;
}

int forecast_run(const double *y, size_t n, int season, int horizon, forecast_point_t *out,
		 hw_model_t *model)
{
	hw_model_t m;
	if (horizon < 1 || !out || hw_fit(y, n, season, &m) < 0)
		return -1;
	for (int h = 1; h <= horizon; h++) {
		double p = hw_point(&m, h), w = m.sigma * sqrt((double)h);
		out[h - 1] = (forecast_point_t){p, p - Z80 * w, p + Z80 * w, p - Z95 * w, p + Z95 * w};
	}
	if (model)
		*model = m;
	return 0;
}
