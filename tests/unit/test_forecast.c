/* test_forecast.c - Holt-Winters / Holt forecasts and their intervals (analysis/forecast.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "forecast.h"

#include "testutil.h"

static const double week[7] = {-30, 10, 20, 25, 15, 5, -45};   /* sums to 0 */

/* Deterministic noise in [-1, 1) (a 32-bit LCG). */
static double noise(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return (double)(*s >> 8) / (double)(1u << 23) - 1.0;
}

static void test_trend_and_season_exact(void **state)
{
	(void)state;
	double y[56];
	for (int t = 0; t < 56; t++)
		y[t] = 100 + 2.5 * t + week[t % 7];
	forecast_point_t f[14];
	hw_model_t m;
	assert_int_equal(forecast_run(y, 56, 7, 14, f, &m), 0);
	assert_int_equal(m.season, 7);
	assert_near(m.sigma, 0, 1e-9);
	for (int h = 1; h <= 14; h++) {
		int t = 55 + h;
		assert_near(f[h - 1].point, 100 + 2.5 * t + week[t % 7], 1e-6);
		assert_near(f[h - 1].hi95 - f[h - 1].lo95, 0, 1e-6);
	}
}

static void test_constant(void **state)
{
	(void)state;
	double y[30];
	for (int i = 0; i < 30; i++)
		y[i] = 42;
	forecast_point_t f[10];
	hw_model_t m;
	assert_int_equal(forecast_run(y, 30, 7, 10, f, &m), 0);
	assert_int_equal(m.season, 7);
	for (int h = 0; h < 10; h++) {
		assert_near(f[h].point, 42, 1e-9);
		assert_near(f[h].lo95, 42, 1e-9);
		assert_near(f[h].hi95, 42, 1e-9);
	}
	/* too short for two seasons of 24: Holt, still the constant */
	assert_int_equal(forecast_run(y, 30, 24, 5, f, &m), 0);
	assert_int_equal(m.season, 0);
	assert_near(f[4].point, 42, 1e-9);
}

static void test_holt_fallback_linear(void **state)
{
	(void)state;
	double y[10];
	for (int t = 0; t < 10; t++)
		y[t] = 1 + 2 * t;
	forecast_point_t f[5];
	hw_model_t m;
	assert_int_equal(forecast_run(y, 10, 7, 5, f, &m), 0);   /* 10 < 2 * 7 */
	assert_int_equal(m.season, 0);
	assert_near(m.gamma, 0, 0);
	for (int h = 1; h <= 5; h++)
		assert_near(f[h - 1].point, 1 + 2 * (9 + h), 1e-9);
}

static void test_noisy_season_and_intervals(void **state)
{
	(void)state;
	double y[84];
	uint32_t s = 7;
	for (int t = 0; t < 84; t++)
		y[t] = 200 + week[t % 7] + 4 * noise(&s);
	forecast_point_t f[21];
	hw_model_t m;
	assert_int_equal(forecast_run(y, 84, 7, 21, f, &m), 0);
	assert_true(m.sigma > 0.5 && m.sigma < 6);
	assert_true(m.alpha > 0 && m.alpha < 1 && m.beta > 0 && m.gamma > 0);
	for (int h = 1; h <= 21; h++) {
		const forecast_point_t *p = &f[h - 1];
		assert_near(p->point, 200 + week[(83 + h) % 7], 8);
		assert_true(p->lo95 <= p->lo80 && p->lo80 <= p->point);
		assert_true(p->point <= p->hi80 && p->hi80 <= p->hi95);
		/* width grows with sqrt(h) */
		assert_near((p->hi95 - p->lo95) / (f[0].hi95 - f[0].lo95), sqrt(h), 1e-9);
		assert_near((p->hi80 - p->point) / (p->hi95 - p->point), 1.2815515655 / 1.9599639845,
			    1e-9);
		if (h > 1)
			assert_true(p->hi80 - p->lo80 > f[h - 2].hi80 - f[h - 2].lo80);
	}
}

static void test_bad_input(void **state)
{
	(void)state;
	double y[3] = {1, 2, NAN};
	forecast_point_t f[2];
	hw_model_t m;
	assert_int_equal(hw_fit(y, 1, 7, &m), -1);
	assert_int_equal(hw_fit(y, 3, 7, &m), -1);          /* NaN */
	assert_int_equal(forecast_run(y, 2, 7, 0, f, NULL), -1);
	assert_int_equal(forecast_run(NULL, 5, 7, 1, f, NULL), -1);
	assert_int_equal(forecast_run(y, 2, 7, 2, f, NULL), 0); /* two points: Holt */
	assert_near(f[1].point, 4, 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trend_and_season_exact),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_holt_fallback_linear),
		cmocka_unit_test(test_noisy_season_and_intervals),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
