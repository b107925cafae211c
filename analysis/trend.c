/* trend.c - Mann-Kendall, Sen's slope, classical decomposition; see trend.h.
 *
 * Mann-Kendall: S over all pairs, Var(S) = (n(n-1)(2n+5) - sum t(t-1)(2t+5))
 * / 18 over groups of t tied values, z with a continuity correction of 1,
 * two-sided p = 2 (1 - Phi(|z|)): the figures of R's cor.test(method =
 * "kendall", exact = FALSE) and Kendall::MannKendall. Sen's interval takes
 * the ordered slopes at (N -/+ C) / 2 with C = z(1 - alpha/2) sqrt(Var(S)),
 * rounded as trend::sens.slope does. The decomposition is R's decompose():
 * a centred moving average of the period (halved end weights for an even
 * period), the seasonal figure as the mean detrended value per position,
 * centred to sum 0. With only two seasons every position has one detrended
 * value, the figure would absorb all of it and the remainder be 0 (strength
 * 1 whatever the data); the figure is then the least-squares fit of the first
 * two harmonics of the period instead. */
#include "trend.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "stats.h"

static const double Z975 = 1.959963984540054;

double trend_pnorm(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

static int sign_of(double d)
{
	return (d > 0) - (d < 0);
}

/* sum t(t-1)(2t+5) and sum t(t-1) over the groups of ties of sorted x. */
static void ties_of(const double *x, size_t n, double *v, double *pairs)
{
	*v = 0;
	*pairs = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && x[j] == x[i])
			j++;
		double t = (double)(j - i);
		*v += t * (t - 1) * (2 * t + 5);
		*pairs += t * (t - 1) / 2;
		i = j;
	}
}

int mk_test(const double *y, size_t n, mk_result_t *out)
{
	if (!y || !out || n < 3)
		return -1;
	double s = 0, tv, tp;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(y[i]))
			return -1;
		for (size_t j = i + 1; j < n; j++)
			s += sign_of(y[j] - y[i]);
	}
	double *x = malloc(n * sizeof(*x));
	if (!x)
		return -1;
	for (size_t i = 0; i < n; i++)
		x[i] = y[i];
	stats_sort(x, n);
	ties_of(x, n, &tv, &tp);
	free(x);
	double dn = (double)n, n0 = dn * (dn - 1) / 2;
	out->n = n;
	out->s = s;
	out->var_s = (dn * (dn - 1) * (2 * dn + 5) - tv) / 18;
	out->z = 0;
	if (out->var_s > 0 && s != 0)
		out->z = (s - sign_of(s)) / sqrt(out->var_s);
	out->p = out->var_s > 0 ? 2 * (1 - trend_pnorm(fabs(out->z))) : 1;
	out->tau = n0 - tp > 0 ? s / sqrt(n0 * (n0 - tp)) : 0;
	return 0;
}

int sen_slope(const double *y, size_t n, double var_s, sen_result_t *out)
{
	if (!y || !out || n < 2)
		return -1;
	size_t np = n * (n - 1) / 2, k = 0;
	double *d = malloc((np > n ? np : n) * sizeof(*d));
	if (!d)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			d[k++] = (y[j] - y[i]) / (double)(j - i);
	stats_sort(d, np);
	out->slope = stats_quantile_sorted(d, np, 0.5);
	double c = Z975 * sqrt(var_s > 0 ? var_s : 0);
	long m1 = lround(((double)np - c) / 2), m2 = lround(((double)np + c) / 2 + 1);
	out->lo = d[m1 < 1 ? 0 : m1 > (long)np ? np - 1 : (size_t)m1 - 1];
	out->hi = d[m2 < 1 ? 0 : m2 > (long)np ? np - 1 : (size_t)m2 - 1];
	for (size_t i = 0; i < n; i++)
		d[i] = y[i] - out->slope * (double)i;
	out->intercept = stats_median(d, n);
	free(d);
	return 0;
}

/* Sample variance of the finite values of a (+ b when given). */
static double var_finite(const double *a, const double *b, size_t n)
{
	double s = 0, ss = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		double v = a[i] + (b ? b[i] : 0);
		if (!isfinite(v))
			continue;
		s += v;
		ss += v * v;
		k++;
	}
	return k > 1 ? (ss - s * s / (double)k) / (double)(k - 1) : NAN;
}

void decomp_trend(const double *y, size_t n, int p, double *trend)
{
	size_t half = (size_t)p / 2;
	for (size_t t = 0; t < n; t++) {
		trend[t] = NAN;
		if (t < half || t + half >= n)
			continue;
		double s = 0;
		for (size_t j = t - half; j <= t + half; j++)
			s += y[j];
		if (p % 2 == 0)
			s -= (y[t - half] + y[t + half]) / 2;
		trend[t] = s / p;
	}
}

/* Solves the k x k system a x = b in place (Gaussian elimination with
 * partial pivoting); 0, or -1 when singular. */
static int solve(double a[4][4], double *b, int k)
{
	for (int c = 0; c < k; c++) {
		int p = c;
		for (int r = c + 1; r < k; r++)
			if (fabs(a[r][c]) > fabs(a[p][c]))
				p = r;
		if (fabs(a[p][c]) < 1e-12)
			return -1;
		for (int j = 0; j < k; j++) {
			double t = a[c][j];
			a[c][j] = a[p][j];
			a[p][j] = t;
		}
		double t = b[c];
		b[c] = b[p];
		b[p] = t;
		for (int r = c + 1; r < k; r++) {
			double f = a[r][c] / a[c][c];
			for (int j = c; j < k; j++)
				a[r][j] -= f * a[c][j];
			b[r] -= f * b[c];
		}
	}
	for (int c = k - 1; c >= 0; c--) {
		for (int j = c + 1; j < k; j++)
			b[c] -= a[c][j] * b[j];
		b[c] /= a[c][c];
	}
	return 0;
}

/* The harmonic seasonal figure: least squares of the detrended values on
 * the first two harmonics of the period (one for a period below 5). */
static int harmonic_figure(const double *y, const double *trend, size_t n, int p, double *fig)
{
	double a[4][4] = {{0}}, b[4] = {0}, x[4];
	int k = p >= 5 ? 4 : 2;
	for (size_t t = 0; t < n; t++) {
		if (!isfinite(trend[t]))
			continue;
		for (int j = 0; j < k; j++)
			x[j] = (j % 2 ? sin : cos)(2 * M_PI * (j / 2 + 1) * (double)(t % (size_t)p) / p);
		for (int i = 0; i < k; i++) {
			for (int j = 0; j < k; j++)
				a[i][j] += x[i] * x[j];
			b[i] += x[i] * (y[t] - trend[t]);
		}
	}
	if (solve(a, b, k) < 0)
		return -1;
	for (int i = 0; i < p; i++) {
		fig[i] = 0;
		for (int j = 0; j < k; j++)
			fig[i] += b[j] * (j % 2 ? sin : cos)(2 * M_PI * (j / 2 + 1) * i / p);
	}
	return 0;
}

/* The seasonal figure of decompose(): the mean detrended value per position,
 * centred; harmonic when a position has fewer than two values (two seasons
 * would leave no remainder at all). */
static int seasonal_figure(const double *y, const double *trend, size_t n, int p, decomp_t *out)
{
	double sum[64] = {0}, mean = 0;
	int cnt[64] = {0}, fewest = INT_MAX;
	for (size_t t = 0; t < n; t++)
		if (isfinite(trend[t])) {
			sum[t % (size_t)p] += y[t] - trend[t];
			cnt[t % (size_t)p]++;
		}
	for (int i = 0; i < p; i++)
		fewest = cnt[i] < fewest ? cnt[i] : fewest;
	out->harmonic = fewest < 2;
	if (out->harmonic && harmonic_figure(y, trend, n, p, out->figure) < 0)
		return -1;
	for (int i = 0; !out->harmonic && i < p; i++)
		out->figure[i] = cnt[i] ? sum[i] / cnt[i] : 0;
	for (int i = 0; i < p; i++)
		mean += out->figure[i] / p;
	for (int i = 0; i < p; i++)
		out->figure[i] -= mean;
	return 0;
}

int decomp_additive(const double *y, size_t n, int period, double *trend, double *seasonal,
		    double *remainder, decomp_t *out)
{
	if (!y || !out || period < 2 || period > 64 || n < 2 * (size_t)period)
		return -1;
	decomp_trend(y, n, period, trend);
	if (seasonal_figure(y, trend, n, period, out) < 0)
		return -1;
	for (size_t t = 0; t < n; t++) {
		seasonal[t] = out->figure[t % (size_t)period];
		remainder[t] = y[t] - trend[t] - seasonal[t];
	}
	out->period = period;
	out->trend = trend;
	out->seasonal = seasonal;
	out->remainder = remainder;
	double vr = var_finite(remainder, NULL, n);
	double vs = var_finite(seasonal, remainder, n), vt = var_finite(trend, remainder, n);
	out->strength = vs > 0 ? fmax(0, 1 - vr / vs) : 0;
	out->trend_strength = vt > 0 ? fmax(0, 1 - vr / vt) : 0;
	return 0;
}
