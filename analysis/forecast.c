/* forecast.c - Holt-Winters / Holt's linear trend; see forecast.h.
 *
 * The recursions are those of R's HoltWinters(). Seasonal start values come
 * from the first two seasons: the trend is the difference of their means per
 * step, the level is the first season's mean moved to its last time step, and
 * each seasonal term is the first season's deviation from (multiplicative:
 * ratio to) that straight line; so a series that is exactly trend + season is
 * forecast exactly. Holt starts from the first two observations, a model
 * without trend from the first one. R's own start values come from a moving
 * average and put the level a few steps before the first season's end. */
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

static int is_mult(const hw_model_t *m)
{
	return m->season && m->kind == HW_MULTIPLICATIVE;
}

/* 0 when y[0..n-1] can be smoothed with m's season, kind and trend. */
static int usable(const double *y, size_t n, const hw_model_t *m)
{
	size_t need = m->season ? 2 * (size_t)m->season : m->has_trend ? 2 : 1;
	if (!y || m->season < 0 || m->season == 1 || m->season > HW_MAX_SEASON || n < need)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(y[i]) || (is_mult(m) && y[i] <= 0))
			return -1;
	return 0;
}

/* Start values of `m` for the model already set in it; -1 when a
 * multiplicative season meets a start line that is not positive. */
static int start(const double *y, hw_model_t *m)
{
	int s = m->season;
	if (!s) {
		m->level = m->has_trend ? y[1] : y[0];
		m->trend = m->has_trend ? y[1] - y[0] : 0;
		return 0;
	}
	double m1 = mean_of(y, (size_t)s), m2 = mean_of(y + s, (size_t)s);
	m->trend = m->has_trend ? (m2 - m1) / s : 0;
	m->level = m1 + m->trend * (s - 1) / 2.0;
	for (int i = 0; i < s; i++) {
		double line = m1 + m->trend * (i - (s - 1) / 2.0);
		if (is_mult(m) && line <= 0)
			return -1;
		m->seas[i] = is_mult(m) ? y[i] / line : y[i] - line;
	}
	return 0;
}

/* Runs the recursions over y with the parameters in m; leaves the final state,
 * the one-step SSE and the errors' standard deviation in m. */
static int run(const double *y, size_t n, hw_model_t *m)
{
	int s = m->season, mult = is_mult(m);
	double sum = 0;
	if (start(y, m) < 0)
		return -1;
	m->sse = 0;
	m->n_err = 0;
	for (size_t t = s ? (size_t)s : m->has_trend ? 2 : 1; t < n; t++) {
		double st = s ? m->seas[t % (size_t)s] : 0, base = m->level + m->trend;
		double e = y[t] - (mult ? base * st : base + st);
		double prev = m->level;
		sum += e;
		m->sse += e * e;
		m->n_err++;
		m->level = m->alpha * (mult ? y[t] / st : y[t] - st) + (1 - m->alpha) * base;
		m->trend = m->beta * (m->level - prev) + (1 - m->beta) * m->trend;
		if (s)
			m->seas[t % (size_t)s] = m->gamma * (mult ? y[t] / m->level : y[t] - m->level) +
						 (1 - m->gamma) * st;
	}
	m->n = n;
	m->sigma = 0;
	if (m->n_err > 1)
		m->sigma = sqrt(fmax(0, (m->sse - sum * sum / (double)m->n_err) /
					(double)(m->n_err - 1)));
	return 0;
}

int hw_smooth(const double *y, size_t n, hw_model_t *m)
{
	if (!m || usable(y, n, m) < 0)
		return -1;
	if (!m->has_trend)
		m->beta = 0;
	if (!m->season)
		m->gamma = 0;
	return run(y, n, m);
}

int hw_fit(const double *y, size_t n, int season, hw_kind_t kind, hw_model_t *out)
{
	hw_model_t best, cur;
	if (!out || n < 2)
		return -1;
	memset(&cur, 0, sizeof(cur));
	cur.season = season >= 2 && season <= HW_MAX_SEASON && n >= 2 * (size_t)season ? season : 0;
	cur.kind = kind;
	cur.has_trend = 1;
	if (usable(y, n, &cur) < 0)
		return -1;
	best = cur;
	best.sse = INFINITY;
	size_t ng = cur.season ? COUNT(gammas) : 1, nb = COUNT(betas);
	for (size_t k = 0; k < COUNT(alphas) * nb * ng; k++) {
		cur.alpha = alphas[k / (nb * ng)];
		cur.beta = betas[k / ng % nb];
		cur.gamma = cur.season ? gammas[k % ng] : 0;
		if (run(y, n, &cur) == 0 && cur.sse < best.sse)
			best = cur;
	}
	if (!isfinite(best.sse))
		return -1;
	*out = best;
	return 0;
}

/* Seasonal term of the step h >= 1 after the last observation. */
static double seas_at(const hw_model_t *m, int h)
{
	return m->seas[(m->n + (size_t)h - 1) % (size_t)m->season];
}

double hw_point(const hw_model_t *m, int h)
{
	double base = m->level + h * m->trend;
	if (!m->season)
		return base;
	return is_mult(m) ? base * seas_at(m, h) : base + seas_at(m, h);
}

/* Weight of the one-step error j >= 1 steps before the forecast step in the
 * forecast error: the level and trend carry alpha (1 + j beta) of it, and the
 * seasonal term, through its update from the new level, gamma (1 - alpha). */
static double psi(const hw_model_t *m, int j)
{
	double seasonal = m->season && j % m->season == 0 ? m->gamma * (1 - m->alpha) : 0;
	return m->alpha * (1 + j * m->beta) + seasonal;
}

/* R's predict.HoltWinters: additive sigma^2 (1 + sum_{j=1}^{h-1} psi(j)^2);
 * multiplicative each psi(j) scaled by the ratio of the seasonal terms of the
 * steps h and h - j. R's multiplicative sum weighs the error of the step itself
 * (j = 0) with psi(0) = alpha + gamma (1 - alpha) where it has weight 1, and
 * from h = season on divides by the trend b where a step falls on the season's
 * last term; here both are as the derivation has them. */
double hw_variance(const hw_model_t *m, int h)
{
	double sum = 1;
	for (int j = 1; j < h; j++) {
		double w = psi(m, j) * (is_mult(m) ? seas_at(m, h) / seas_at(m, h - j) : 1);
		sum += w * w;
	}
	return m->sigma * m->sigma * sum;
}

int hw_forecast(const hw_model_t *m, int horizon, forecast_point_t *out)
{
	if (!m || !out || horizon < 1)
		return -1;
	for (int h = 1; h <= horizon; h++) {
		double p = hw_point(m, h), sd = sqrt(hw_variance(m, h));
		out[h - 1] = (forecast_point_t){p, p - Z80 * sd, p + Z80 * sd, p - Z95 * sd,
						p + Z95 * sd};
	}
	return 0;
}

int forecast_run(const double *y, size_t n, int season, int horizon, forecast_point_t *out,
		 hw_model_t *model)
{
	hw_model_t m;
	if (horizon < 1 || !out || hw_fit(y, n, season, HW_ADDITIVE, &m) < 0)
		return -1;
	hw_forecast(&m, horizon, out);
	if (model)
		*model = m;
	return 0;
}
