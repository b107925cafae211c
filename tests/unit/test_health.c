/* test_health.c - forecasts and control charts of health samples
 * (analysis/health.c) against R's figures (tests/reference/health.R). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "health.h"
#include "stats.h"

#include "testutil.h"

static void test_student_t_as_r(void **state)
{
	(void)state;
	assert_near(health_pt(2.1, 7), 0.963064401893539, 1e-12);   /* pt(2.1, 7) */
	assert_near(health_pt(-1.3, 2.5), 0.150243394635354, 1e-12); /* pt(-1.3, 2.5) */
	assert_near(health_qt(0.975, 28), 2.048407141795245, 1e-10); /* qt(0.975, 28) */
	assert_near(health_qt(0.995, 3), 5.840909309733354, 1e-9);   /* qt(0.995, 3) */
	assert_true(isnan(health_qt(1, 5)));
}

/* disk used (%) each minute: 60 + 0.5 x + 0.8 sin(1.7 x), x = 0..29 */
static void disk_series(double *x, double *y)
{
	for (int i = 0; i < 30; i++) {
		x[i] = i;
		y[i] = 60 + 0.5 * i + 0.8 * sin(1.7 * i);
	}
}

static void test_line_as_lm(void **state)
{
	(void)state;
	double x[30], y[30];
	disk_series(x, y);
	health_line_t l;
	assert_int_equal(health_line_fit(x, y, 30, &l), 0);
	assert_near(l.intercept, 60.078311439195, 1e-10);  /* coef(lm(y ~ x)) */
	assert_near(l.slope, 0.494191195121, 1e-11);
	assert_near(l.sigma, 0.579410072034, 1e-11);       /* summary(fit)$sigma */
	/* upr - fit of predict(fit, data.frame(x = 40), interval = "confidence") */
	assert_near(health_line_band(&l, 40, 0.95), 0.674173050500, 1e-10);
	double same[3] = {1, 1, 1};
	assert_int_equal(health_line_fit(same, y, 3, &l), -1);
	assert_int_equal(health_line_fit(x, y, 2, &l), -1);
}

static void test_time_to_threshold_as_r(void **state)
{
	(void)state;
	double x[30], y[30];
	disk_series(x, y);
	health_line_t l;
	health_ttt_t t;
	assert_int_equal(health_line_fit(x, y, 30, &l), 0);
	/* threshold 90 from now = 29 over 120 minutes: the line crosses at
	 * (90 - a) / b - 29, the upper and lower 95 % edges by uniroot() */
	assert_int_equal(health_ttt_linear(&l, 29, 90, 1, 120, 0.95, &t), 0);
	assert_near(t.eta, 31.5467860540, 1e-8);
	assert_near(t.earliest, 29.2857178488, 1e-8);
	assert_near(t.latest, 34.0448061818, 1e-8);
	assert_near(t.at_horizon, 133.7127995123, 1e-8);
	assert_near(t.confidence, 1.0, 1e-12);
	/* 32 minutes: the line is just past, the far edge not yet */
	assert_int_equal(health_ttt_linear(&l, 29, 90, 1, 32, 0.95, &t), 0);
	assert_near(t.at_horizon, 90.2239743416, 1e-8);
	assert_near(t.confidence, 0.649322746739, 1e-9); /* pt((fit - 90) / se.fit, 28) */
	assert_true(isnan(t.latest));
	/* going down to 50 never happens within the horizon; confidence near 0 */
	assert_int_equal(health_ttt_linear(&l, 29, 50, 0, 120, 0.95, &t), 0);
	assert_true(isnan(t.eta) && isnan(t.earliest) && isnan(t.latest));
	assert_true(t.confidence < 1e-6);
	/* already past: 0 */
	assert_int_equal(health_ttt_linear(&l, 29, 70, 1, 120, 0.95, &t), 0);
	assert_near(t.eta, 0, 0);
	assert_int_equal(health_ttt_linear(&l, 29, 90, 1, 0, 0.95, &t), -1);
}

static void test_damped_trend_as_r(void **state)
{
	(void)state;
	hw_model_t m;
	memset(&m, 0, sizeof(m));
	m.damped = 1;
	m.has_trend = 1;
	m.phi = 0.9;
	m.alpha = 0.5;
	m.beta = 0.1;
	m.level = 50;
	m.trend = 0.8;
	m.sigma = 1.2;
	health_ttt_t t;
	/* the level's limit is 50 + 0.8 * 9 = 57.2: 55 is reached at step 12,
	 * the upper 95 % limit at step 4, the lower one never within 60 steps */
	assert_int_equal(health_ttt_model(&m, 60, 60, 55, 1, &t), 0);
	assert_near(t.eta, 12 * 60, 0);
	assert_near(t.earliest, 4 * 60, 0);
	assert_true(isnan(t.latest));
	assert_near(t.at_horizon, 57.187061525841, 1e-10);
	assert_near(t.confidence, 0.604354823392, 1e-10);
	/* a threshold above the limit is never reached */
	assert_int_equal(health_ttt_model(&m, 60, 60, 58, 1, &t), 0);
	assert_true(isnan(t.eta));
}

static void test_ewma_as_montgomery(void **state)
{
	(void)state;
	double v[40];
	for (int i = 0; i < 40; i++)
		v[i] = 10 + 0.5 * sin(i + 1) + (i >= 30 ? 1.5 : 0);
	health_ewma_t e;
	assert_int_equal(health_ewma(v, 40, 30, 0.2, 3, &e), 0);
	assert_near(e.center, 10.004667505938, 1e-11);
	assert_near(e.sigma, 0.365947260827, 1e-11);
	assert_near(e.z, 11.451393561402, 1e-11);
	assert_near(e.lo, 9.638720248344, 1e-11);
	assert_near(e.hi, 10.370614763532, 1e-11);
	assert_near(e.score, 11.860119392417, 1e-9);
	assert_int_equal(e.first_out, 31);
	assert_int_equal(e.out, 1);
	/* the calm part alone stays inside */
	assert_int_equal(health_ewma(v, 30, 30, 0.2, 3, &e), 0);
	assert_int_equal(e.out, 0);
	assert_int_equal(e.first_out, 30);
	double flat[5] = {1, 1, 1, 1, 1};
	assert_int_equal(health_ewma(flat, 5, 5, 0.2, 3, &e), -1);
}

static void test_robust_z_flags_a_spike(void **state)
{
	(void)state;
	/* p95 latencies (ms): median 12, MAD 1; 30 ms gives z = 0.6745 * 18 = 12.1 */
	double v[] = {11, 12, 13, 12, 11, 13, 12, 30};
	double z[8];
	assert_int_equal(stats_robust_zscores(v, 8, z), 0);
	assert_true(fabs(z[7]) > STATS_ROBUST_Z_FLAG);
	assert_near(z[7], 0.6745 * 18, 1e-12);
	assert_true(fabs(z[0]) < STATS_ROBUST_Z_FLAG);
	assert_near(health_confidence(3.5), 0.999534741841, 1e-9); /* 2 * pnorm(3.5) - 1 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_student_t_as_r),
		cmocka_unit_test(test_line_as_lm),
		cmocka_unit_test(test_time_to_threshold_as_r),
		cmocka_unit_test(test_damped_trend_as_r),
		cmocka_unit_test(test_ewma_as_montgomery),
		cmocka_unit_test(test_robust_z_flags_a_spike),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
