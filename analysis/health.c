/* health.c - forecasts and control charts of health samples; see health.h. */
#include "health.h"

#include <math.h>

#include "stats.h"
#include "trend.h"

/* Regularised incomplete beta I_x(a, b) by Lentz's continued fraction. */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1);
	d = 1 / (fabs(d) < tiny ? tiny : d);
	double h = d;
	for (int m = 1; m <= 300; m++) {
		for (int odd = 0; odd < 2; odd++) {
			double num = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
					 : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
			d = 1 + num * d;
			d = 1 / (fabs(d) < tiny ? tiny : d);
			c = 1 + num / c;
			if (fabs(c) < tiny)
				c = tiny;
			h *= d * c;
			if (odd && fabs(d * c - 1) < 1e-15)
				return h;
		}
	}
	return h;
}

static double ibeta(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double lb = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lb) * betacf(a, b, x) / a;
	return 1 - exp(lb) * betacf(b, a, 1 - x) / b;
}

double health_pt(double t, double df)
{
	if (isnan(t) || df <= 0)
		return NAN;
	if (isinf(t))
		return t > 0 ? 1 : 0;
	double tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
	return t > 0 ? 1 - tail : tail;
}

double health_qt(double p, double df)
{
	if (!(p > 0 && p < 1) || df <= 0)
		return NAN;
	double lo = -1, hi = 1;
	while (health_pt(lo, df) > p)
		lo *= 2;
	while (health_pt(hi, df) < p)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-13 * (1 + fabs(lo)); i++) {
		double mid = (lo + hi) / 2;
		if (health_pt(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

int health_line_fit(const double *x, const double *y, size_t n, health_line_t *out)
{
	if (n < 3)
		return -1;
	double xbar = stats_mean(x, n), ybar = stats_mean(y, n), sxx = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - xbar) * (x[i] - xbar);
		sxy += (x[i] - xbar) * (y[i] - ybar);
	}
	if (!(sxx > 0) || !isfinite(sxy))
		return -1;
	out->n = n;
	out->xbar = xbar;
	out->sxx = sxx;
	out->slope = sxy / sxx;
	out->intercept = ybar - out->slope * xbar;
	double sse = 0;
	for (size_t i = 0; i < n; i++) {
		double e = y[i] - health_line_at(out, x[i]);
		sse += e * e;
	}
	out->sigma = sqrt(sse / (double)(n - 2));
	out->se_slope = out->sigma / sqrt(sxx);
	return 0;
}

double health_line_at(const health_line_t *l, double x) { return l->intercept + l->slope * x; }

static double se_mean(const health_line_t *l, double x)
{
	return l->sigma * sqrt(1.0 / (double)l->n + (x - l->xbar) * (x - l->xbar) / l->sxx);
}

double health_line_band(const health_line_t *l, double x, double level)
{
	return health_qt((1 + level) / 2, (double)l->n - 2) * se_mean(l, x);
}

/* Distance past the threshold, toward it positive, of the line moved by
 * `edge` band widths (+1 near edge, -1 far edge, 0 the line). */
static double past(const health_line_t *l, double x, double thr, double sign, double q, int edge)
{
	return sign * (health_line_at(l, x) - thr) + edge * q * se_mean(l, x);
}

/* First x in (now, now + horizon] where past() >= 0: a scan of 400 steps,
 * then bisection inside the step; NAN when none. 0 when already past. */
static double first_crossing(const health_line_t *l, double now, double horizon, double thr,
			     double sign, double q, int edge)
{
	if (past(l, now, thr, sign, q, edge) >= 0)
		return 0;
	const int steps = 400;
	double prev = now;
	for (int k = 1; k <= steps; k++) {
		double x = now + horizon * k / steps;
		if (past(l, x, thr, sign, q, edge) >= 0) {
			double a = prev, b = x;
			for (int i = 0; i < 60; i++) {
				double m = (a + b) / 2;
				if (past(l, m, thr, sign, q, edge) >= 0)
					b = m;
				else
					a = m;
			}
			return b - now;
		}
		prev = x;
	}
	return NAN;
}

int health_ttt_linear(const health_line_t *l, double now, double threshold, int rising,
		      double horizon, double level, health_ttt_t *out)
{
	if (!(horizon > 0) || !(level > 0 && level < 1) || l->n < 3 || !isfinite(threshold))
		return -1;
	double sign = rising ? 1 : -1, q = health_qt((1 + level) / 2, (double)l->n - 2);
	out->eta = first_crossing(l, now, horizon, threshold, sign, q, 0);
	out->earliest = first_crossing(l, now, horizon, threshold, sign, q, 1);
	out->latest = first_crossing(l, now, horizon, threshold, sign, q, -1);
	double end = now + horizon, se = se_mean(l, end);
	out->at_horizon = health_line_at(l, end);
	double d = sign * (out->at_horizon - threshold);
	out->confidence = se > 0 ? health_pt(d / se, (double)l->n - 2) : d >= 0 ? 1 : 0;
	return 0;
}

int health_ttt_model(const hw_model_t *m, double step, int steps, double threshold, int rising,
		     health_ttt_t *out)
{
	if (steps < 1 || !(step > 0) || !isfinite(threshold))
		return -1;
	const double z95 = 1.959963984540054;
	double sign = rising ? 1 : -1, sd = 0, point = m->level;
	out->eta = out->earliest = out->latest = NAN;
	if (sign * (m->level - threshold) >= 0)
		out->eta = out->earliest = out->latest = 0;
	for (int h = 1; h <= steps; h++) {
		point = hw_point(m, h);
		sd = sqrt(hw_variance(m, h));
		double d = sign * (point - threshold);
		if (isnan(out->eta) && d >= 0)
			out->eta = h * step;
		if (isnan(out->earliest) && d + z95 * sd >= 0)
			out->earliest = h * step;
		if (isnan(out->latest) && d - z95 * sd >= 0)
			out->latest = h * step;
	}
	out->at_horizon = point;
	double d = sign * (point - threshold);
	out->confidence = sd > 0 ? trend_pnorm(d / sd) : d >= 0 ? 1 : 0;
	return 0;
}

int health_ewma(const double *x, size_t n, size_t base, double lambda, double L,
		health_ewma_t *out)
{
	if (base < 2 || base > n || !(lambda > 0 && lambda <= 1) || !(L > 0))
		return -1;
	out->center = stats_mean(x, base);
	out->sigma = stats_stddev(x, base);
	if (!(out->sigma > 0))
		return -1;
	double z = out->center, w = 0, decay = 1;
	out->first_out = n;
	for (size_t i = 0; i < n; i++) {
		z = lambda * x[i] + (1 - lambda) * z;
		decay *= (1 - lambda) * (1 - lambda);
		w = out->sigma * sqrt(lambda / (2 - lambda) * (1 - decay));
		if (fabs(z - out->center) > L * w && out->first_out == n)
			out->first_out = i;
	}
	out->z = z;
	out->lo = out->center - L * w;
	out->hi = out->center + L * w;
	out->score = (z - out->center) / w;
	out->out = fabs(z - out->center) > L * w;
	return 0;
}

double health_confidence(double z) { return isnan(z) ? NAN : 2 * trend_pnorm(fabs(z)) - 1; }
