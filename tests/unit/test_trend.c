/* test_trend.c - Mann-Kendall, Sen's slope and decomposition (analysis/trend.c)
 * against R's figures (tests/reference/trend.R). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "trend.h"

#include "testutil.h"

struct mk_case {
	const double *y;
	size_t n;
	double s, var_s, tau, p, sen, lo, hi;
};

static const double rising[] = {3.1, 4.2, 2.8, 5.0, 6.3, 5.9, 7.4, 8.1, 7.7, 9.0, 8.6, 10.2};
static const double tied[] = {5, 3, 5, 6, 6, 4, 7, 7, 7, 8, 6, 9, 9, 10};
static const double flat[] = {10, 12, 9, 11, 8, 10, 9, 7, 11, 8};

static const struct mk_case cases[] = {
	{rising, 12, 56, 212.6666666667, 0.848484848485, 0.000162275566, 0.6, 0.525, 0.775},
	{tied, 14, 65, 324.3333333333, 0.747917360848, 0.000379811848, 0.4, 1.0 / 3, 0.5},
	{flat, 10, -15, 121, -0.349215147885, 0.203114836343, -1.0 / 3, -0.5, 1.0 / 3},
};

static void test_mann_kendall_as_r(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mk_case *c = &cases[i];
		mk_result_t mk;
		sen_result_t sen;
		assert_int_equal(mk_test(c->y, c->n, &mk), 0);
		assert_near(mk.s, c->s, 0);
		assert_near(mk.var_s, c->var_s, 1e-9);
		assert_near(mk.tau, c->tau, 1e-11);
		assert_near(mk.p, c->p, 1e-11);
		assert_int_equal(sen_slope(c->y, c->n, mk.var_s, &sen), 0);
		assert_near(sen.slope, c->sen, 1e-12);
		assert_near(sen.lo, c->lo, 1e-12);
		assert_near(sen.hi, c->hi, 1e-12);
	}
}

static void test_mann_kendall_refuses(void **state)
{
	(void)state;
	mk_result_t mk;
	double two[] = {1, 2}, bad[] = {1, NAN, 3};
	assert_int_equal(mk_test(two, 2, &mk), -1);
	assert_int_equal(mk_test(bad, 3, &mk), -1);
	double same[] = {4, 4, 4, 4};
	assert_int_equal(mk_test(same, 4, &mk), 0);   /* all tied: no trend, p 1 */
	assert_near(mk.s, 0, 0);
	assert_near(mk.p, 1, 0);
}

static const double air48[] = {112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
	115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140, 145, 150, 178, 163, 172,
	178, 199, 199, 184, 162, 146, 166, 171, 180, 193, 181, 183, 218, 230, 242, 209, 191,
	172, 194};
static const double air_figure[12] = {-12.9050925926, -7.0162037037, 9.3310185185,
	-3.6828703704, -5.2939814815, 14.3726851852, 26.6087962963, 24.9282407407,
	10.2199074074, -12.6828703704, -30.9328703704, -12.9467592593};

static void test_decompose_as_r(void **state)
{
	(void)state;
	double tr[48], se[48], re[48];
	decomp_t d;
	assert_int_equal(decomp_additive(air48, 48, 12, tr, se, re, &d), 0);
	for (int i = 0; i < 12; i++)
		assert_near(d.figure[i], air_figure[i], 1e-9);
	assert_true(isnan(tr[5]) && isnan(re[42]));
	assert_near(tr[6], 126.7916666667, 1e-9);
	assert_near(d.strength, 0.940112858397, 1e-11);
	assert_near(d.trend_strength, 0.966082231497, 1e-11);
	assert_int_equal(decomp_additive(air48, 23, 12, tr, se, re, &d), -1);
}

/* Two seasons: the harmonic figure (R: lm on two harmonics, trend.R). */
static void test_decompose_two_seasons(void **state)
{
	(void)state;
	static const double fig[12] = {-9.0330998814, -0.3351391110, 0.2933056209,
		-3.2059966808, -1.7360944976, 8.3583090968, 20.2622665481, 22.6268057776,
		10.7691943791, -8.0231699859, -20.5555721690, -19.4208090968};
	double tr[48], se[48], re[48];
	decomp_t d;
	assert_int_equal(decomp_additive(air48, 24, 12, tr, se, re, &d), 0);
	assert_true(d.harmonic);
	for (int i = 0; i < 12; i++)
		assert_near(d.figure[i], fig[i], 1e-8);
	assert_near(d.strength, 0.865851021856, 1e-10);
	assert_int_equal(decomp_additive(air48, 48, 12, tr, se, re, &d), 0);
	assert_false(d.harmonic);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mann_kendall_as_r),
		cmocka_unit_test(test_mann_kendall_refuses),
		cmocka_unit_test(test_decompose_as_r),
		cmocka_unit_test(test_decompose_two_seasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
