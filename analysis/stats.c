/* stats.c - quantiles and means; see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void stats_sort(double *x, size_t n) { qsort(x, n, sizeof(*x), cmp_double); }

double stats_quantile_sorted(const double *x, size_t n, double q)
{
	if (n == 0 || q < 0 || q > 1)
		return NAN;
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)floor(pos);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	double frac = pos - (double)lo;
	return x[lo] + (x[hi] - x[lo]) * frac;
}

double stats_quantile(double *x, size_t n, double q)
{
	stats_sort(x, n);
	return stats_quantile_sorted(x, n, q);
}

double stats_mean(const double *x, size_t n)
{
	if (n == 0)
		return NAN;
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	return s / (double)n;
}

double stats_stddev(const double *x, size_t n)
{
	if (n < 2)
		return NAN;
	double m = stats_mean(x, n), ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	return sqrt(ss / (double)(n - 1));
}

double stats_bayes_avg(double m, double c, double sum, size_t n)
{
	double w = c + (double)n;
	if (!(w > 0))
		return NAN;
	return (c * m + sum) / w;
}

double stats_median(double *x, size_t n)
{
	return stats_quantile(x, n, 0.5);
}

/* Median and MAD of x into *med and *mad; 0 or -1 (n == 0, out of memory). */
static int median_mad(const double *x, size_t n, double *med, double *mad)
{
	double *tmp;
	if (n == 0 || !(tmp = malloc(n * sizeof(*tmp))))
		return -1;
	for (size_t i = 0; i < n; i++)
		tmp[i] = x[i];
	*med = stats_median(tmp, n);
	for (size_t i = 0; i < n; i++)
		tmp[i] = fabs(x[i] - *med);
	*mad = stats_median(tmp, n);
	free(tmp);
	return 0;
}

double stats_mad(const double *x, size_t n)
{
	double med, mad;
	return median_mad(x, n, &med, &mad) == 0 ? mad : NAN;
}

double stats_robust_z(double x, double median, double mad)
{
	if (!(mad > 0))
		return NAN;
	return 0.6745 * (x - median) / mad;
}

int stats_robust_zscores(const double *x, size_t n, double *z)
{
	double med, mad, mean_ad = 0;
	if (median_mad(x, n, &med, &mad) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		mean_ad += fabs(x[i] - med) / (double)n;
	for (size_t i = 0; i < n; i++) {
		if (mad > 0)
			z[i] = stats_robust_z(x[i], med, mad);
		else if (mean_ad > 0)
			z[i] = (x[i] - med) / (1.253314 * mean_ad);
		else
			z[i] = 0;
	}
	return 0;
}

double stats_two_prop_p(double x1, double n1, double x2, double n2, double *z)
{
	double pool = n1 > 0 && n2 > 0 ? (x1 + x2) / (n1 + n2) : NAN;
	double zz = NAN;
	if (pool > 0 && pool < 1)
		zz = (x1 / n1 - x2 / n2) / sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2));
	if (z)
		*z = zz;
	return isnan(zz) ? NAN : erfc(fabs(zz) / sqrt(2.0));
}

int stats_solve(double *a, double *b, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		size_t piv = c;
		for (size_t r = c + 1; r < n; r++)
			if (fabs(a[r * n + c]) > fabs(a[piv * n + c]))
				piv = r;
		if (fabs(a[piv * n + c]) < 1e-12)
			return -1;
		if (piv != c) {
			for (size_t j = 0; j < n; j++) {
				double t = a[c * n + j];
				a[c * n + j] = a[piv * n + j];
				a[piv * n + j] = t;
			}
			double t = b[c];
			b[c] = b[piv];
			b[piv] = t;
		}
		for (size_t r = c + 1; r < n; r++) {
			double f = a[r * n + c] / a[c * n + c];
			if (f == 0)
				continue;
			for (size_t j = c; j < n; j++)
				a[r * n + j] -= f * a[c * n + j];
			b[r] -= f * b[c];
		}
	}
	for (size_t r = n; r-- > 0;) {
		double s = b[r];
		for (size_t j = r + 1; j < n; j++)
			s -= a[r * n + j] * b[j];
		b[r] = s / a[r * n + r];
	}
	return 0;
}
