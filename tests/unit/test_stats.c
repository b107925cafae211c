/* test_stats.c - quantiles (percentile_cont), Bayesian average, robust z. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "stats.h"

#define EPS 1e-9
#include "testutil.h"

static void test_quantile(void **state)
{
	(void)state;
	double a[] = {4, 1, 3, 2};
	assert_near(stats_quantile(a, 4, 0.75), 3.25, EPS);
	assert_near(a[0], 1, EPS); /* sorted in place */
	assert_near(stats_quantile_sorted(a, 4, 0.5), 2.5, EPS);
	assert_near(stats_quantile_sorted(a, 4, 0), 1, EPS);
	assert_near(stats_quantile_sorted(a, 4, 1), 4, EPS);
	/* LCP samples in ms: p75 as PostgreSQL percentile_cont(0.75) gives */
	double lcp[] = {1800, 2100, 2400, 2600, 3100, 5200, 1200, 2450, 2300, 9000};
	assert_near(stats_quantile(lcp, 10, 0.75), 2975, EPS);
	double one[] = {42};
	assert_near(stats_quantile(one, 1, 0.75), 42, EPS);
	assert_true(isnan(stats_quantile_sorted(a, 0, 0.5)));
	assert_true(isnan(stats_quantile_sorted(a, 4, 1.5)));
}

static void test_mean_sd(void **state)
{
	(void)state;
	double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
	assert_near(stats_mean(x, 8), 5, EPS);
	assert_near(stats_stddev(x, 8), sqrt(32.0 / 7.0), EPS);
	assert_true(isnan(stats_stddev(x, 1)));
	assert_true(isnan(stats_mean(x, 0)));
}

static void test_bayes(void **state)
{
	(void)state;
	/* 3 reviews of 5 stars against a prior of 4.2 weighted as 10 reviews */
	assert_near(stats_bayes_avg(4.2, 10, 15, 3), (42.0 + 15.0) / 13.0, EPS);
	assert_near(stats_bayes_avg(4.2, 10, 0, 0), 4.2, EPS);
	/* many reviews pull towards their own mean (4.9) */
	assert_near(stats_bayes_avg(4.2, 10, 4.9 * 1000, 1000), 4.8930693069306930, 1e-12);
	assert_true(isnan(stats_bayes_avg(4.2, 0, 0, 0)));
}

static void test_median_mad_robust_z(void **state)
{
	(void)state;
	double x[] = {10, 12, 11, 13, 12, 11, 95};
	double med_in[] = {10, 12, 11, 13, 12, 11, 95};
	assert_near(stats_median(med_in, 7), 12, EPS);
	double even[] = {1, 3, 2, 4};
	assert_near(stats_median(even, 4), 2.5, EPS);
	/* |x - 12| = 2 0 1 1 0 1 83 -> sorted 0 0 1 1 1 2 83 -> MAD 1 */
	assert_near(stats_mad(x, 7), 1, EPS);
	assert_near(x[6], 95, EPS); /* untouched */
	assert_near(stats_robust_z(95, 12, 1), 0.6745 * 83, EPS);
	assert_true(fabs(stats_robust_z(95, 12, 1)) > STATS_ROBUST_Z_FLAG);
	assert_true(isnan(stats_robust_z(1, 1, 0)));
	double z[7];
	assert_int_equal(stats_robust_zscores(x, 7, z), 0);
	assert_near(z[0], -2 * 0.6745, EPS);
	assert_near(z[6], 0.6745 * 83, EPS);
	assert_true(fabs(z[3]) < STATS_ROBUST_Z_FLAG);
	/* MAD 0: falls back to the mean absolute deviation */
	double flat[] = {5, 5, 5, 5, 25};
	assert_int_equal(stats_robust_zscores(flat, 5, z), 0);
	assert_near(z[4], 20 / (1.253314 * 4), EPS);
	assert_near(z[0], 0, EPS);
	double same[] = {3, 3, 3};
	assert_int_equal(stats_robust_zscores(same, 3, z), 0);
	assert_near(z[1], 0, EPS);
	assert_int_equal(stats_robust_zscores(same, 0, z), -1);
	assert_true(isnan(stats_mad(same, 0)));
}

/* R: prop.test(c(30, 20), c(100, 100), correct = FALSE): X-squared 2.6667, p 0.1025 */
static void test_two_prop(void **state)
{
	(void)state;
	double z;
	assert_near(stats_two_prop_p(30, 100, 20, 100, &z), 0.10247043485974937, 1e-9);
	assert_near(z, 1.6329931618554523, 1e-9);
	assert_near(stats_two_prop_p(20, 100, 30, 100, &z), 0.10247043485974937, 1e-9);
	assert_near(z, -1.6329931618554523, 1e-9);
	assert_near(stats_two_prop_p(5, 10, 5, 10, NULL), 1, 1e-12);
	assert_true(isnan(stats_two_prop_p(0, 10, 0, 20, &z)));   /* no variance */
	assert_true(isnan(stats_two_prop_p(1, 0, 0, 20, NULL)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_two_prop),
		cmocka_unit_test(test_mean_sd),
		cmocka_unit_test(test_bayes),
		cmocka_unit_test(test_median_mad_robust_z),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
