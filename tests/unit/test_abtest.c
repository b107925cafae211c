/* test_abtest.c - A/B statistics against R (tests/reference/abtest.R):
 * prop.test(correct = FALSE), the delta-method relative interval, the
 * Bayesian chance to beat the control by integrate(), chisq.test for the
 * sample-ratio mismatch, pchisq; GrowthBook's decision rule, the hash into
 * weight ranges and Thompson sampling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "abtest.h"

#define TOL 1e-6

static void near(double got, double want, const char *what, size_t i)
{
	if (!(fabs(got - want) <= TOL))
		fail_msg("case %zu %s: %.12f, R says %.12f", i, what, got, want);
}

/* Rscript tests/reference/abtest.R, first block */
static const double cmp_cases[][11] = {
	/* xc, nc, x, n, p, abs_lo, abs_hi, rel_lo, rel_hi, chance, |z| */
	{100, 1000, 130, 1000, 0.035488450466, 0.002067934439, 0.057932065561, -0.019179397714, 0.619179397714, 0.982165066116, 2.102740605622},
	{250, 5000, 330, 5000, 0.000620353610, 0.006842793204, 0.025157206796, 0.109336783395, 0.530663216605, 0.999691984982, 3.422555810910},
	{10, 200, 9, 180, 1.000000000000, -0.043886954438, 0.043886954438, -0.877739088755, 0.877739088755, 0.505772204417, 0.000000000000},
	{400, 4000, 380, 4100, 0.264383862266, -0.020170976553, 0.005536830211, -0.196878808976, 0.050537345561, 0.132252940498, 1.116089415737},
	{30, 1200, 31, 1150, 0.765570067701, -0.010913903871, 0.014826947349, -0.455913786799, 0.612435525929, 0.617474234703, 0.298174389174},
	{1200, 20000, 1320, 20000, 0.013529739600, 0.001238376511, 0.010761623489, 0.016753428224, 0.183246571776, 0.993233324186, 2.469512223815},
};

static void test_compare_vs_r(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cmp_cases / sizeof cmp_cases[0]; i++) {
		const double *c = cmp_cases[i];
		ab_compare_t o;
		assert_int_equal(ab_compare(c[0], c[1], c[2], c[3], &o), 0);
		near(o.rate, c[2] / c[3], "rate", i);
		near(o.abs_uplift, c[2] / c[3] - c[0] / c[1], "uplift", i);
		near(o.p_value, c[4], "p", i);
		near(o.abs_lo, c[5], "abs_lo", i);
		near(o.abs_hi, c[6], "abs_hi", i);
		near(o.rel_lo, c[7], "rel_lo", i);
		near(o.rel_hi, c[8], "rel_hi", i);
		near(o.chance_to_beat, c[9], "chance", i);
		near(fabs(o.z), c[10], "|z|", i);
	}
}

static void test_compare_refuses(void **state)
{
	(void)state;
	ab_compare_t o;
	assert_int_equal(ab_compare(11, 10, 1, 10, &o), -1);
	assert_int_equal(ab_compare(1, 10, 1.5, 10, &o), -1);
	assert_int_equal(ab_compare(-1, 10, 1, 10, &o), -1);
	assert_int_equal(ab_compare(0, 0, 1, 10, &o), 0);
	assert_true(isnan(o.abs_uplift) && isnan(o.p_value) && isnan(o.chance_to_beat));
	assert_int_equal(ab_compare(0, 100, 0, 100, &o), 0);     /* no variance */
	assert_true(isnan(o.p_value) && isnan(o.rel_uplift));
	near(o.chance_to_beat, 0.5, "ties", 0);
}

/* Symmetry and the swap to the smaller alpha agree; very large counts take
 * the normal approximation and stay near the exact value. */
static void test_prob_beats(void **state)
{
	(void)state;
	double p = ab_prob_beats(101, 901, 131, 871);
	near(p + ab_prob_beats(131, 871, 101, 901), 1, "symmetry", 0);
	near(ab_prob_beats(5, 5, 5, 5), 0.5, "equal", 0);
	double big = ab_prob_beats(2e7 + 1, 2e8, 2e7 + 5000, 2e8);
	assert_true(big > 0.5 && big < 1);
	assert_true(isnan(ab_prob_beats(0, 1, 1, 1)));
}

static const struct { double obs[3], w[3]; size_t k; double p, chisq; } srm_cases[] = {
	{{5000, 4700}, {0.5, 0.5}, 2, 0.00231878145433458, 9.278350515464},
	{{5000, 4950}, {0.5, 0.5}, 2, 0.616191877009842, 0.251256281407},
	{{1000, 2050, 2950}, {0.2, 0.4, 0.4}, 3, 2.03517323776221e-46, 210.416666666667},
	{{3000, 2000}, {0.6, 0.4}, 2, 1, 0.000000000000},
	{{520, 480, 1000}, {0.25, 0.25, 0.5}, 3, 0.449328964117222, 1.600000000000},
	{{10, 30}, {0.5, 0.5}, 2, 0.00156540225800255, 10.000000000000},
};

static void test_srm_vs_r(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof srm_cases / sizeof srm_cases[0]; i++) {
		double chisq;
		double p = ab_srm_p(srm_cases[i].obs, srm_cases[i].w, srm_cases[i].k, &chisq);
		near(p, srm_cases[i].p, "srm p", i);
		near(chisq, srm_cases[i].chisq, "chisq", i);
	}
	assert_false(ab_srm_flag(srm_cases[0].obs, 2, srm_cases[0].p));  /* p = 0.0023 */
	assert_true(ab_srm_flag(srm_cases[2].obs, 3, srm_cases[2].p));
	double few[] = {7, 100};                                            /* < 8 units */
	assert_false(ab_srm_flag(few, 2, ab_srm_p(few, (double[]){0.5, 0.5}, 2, NULL)));
	double none[] = {0, 0};
	assert_true(isnan(ab_srm_p(none, (double[]){0.5, 0.5}, 2, NULL)));
}

static void test_chisq_upper(void **state)
{
	(void)state;
	static const double c[][3] = {
		{0.5, 1, 0.479500122186953}, {3.84, 1, 0.0500435212487052},
		{10, 2, 0.00673794699908547}, {25, 3, 1.54404982911014e-05},
		{0.1, 5, 0.999837683388077}, {60, 9, 1.34067804839596e-09},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		near(ab_chisq_upper(c[i][0], c[i][1]), c[i][2], "pchisq", i);
	/* relative accuracy far in the tail */
	assert_true(fabs(ab_chisq_upper(60, 9) / 1.34067804839596e-09 - 1) < 1e-9);
	assert_true(isnan(ab_chisq_upper(1, 0)));
}

static void test_decide(void **state)
{
	(void)state;
	int w;
	const char *why, *code;
	double conv[] = {250, 330, 200};
	assert_int_equal(ab_decide((double[]){0, 0.9997, 0.2}, conv, 3, 0, &w, &code, &why), AB_SHIP);
	assert_int_equal(w, 1);
	assert_int_equal(ab_decide((double[]){0, 0.9997, 0.2}, conv, 3, 1, &w, &code, &why), AB_STOP);
	assert_int_equal(w, -1);
	assert_int_equal(ab_decide((double[]){0, 0.03, 0.05}, conv, 3, 0, &w, &code, &why), AB_STOP);
	assert_int_equal(w, 0);
	assert_int_equal(ab_decide((double[]){0, 0.03, 0.5}, conv, 3, 0, &w, &code, &why), AB_KEEP_RUNNING);
	double few[] = {20, 40};                          /* below 150 conversions */
	assert_int_equal(ab_decide((double[]){0, 0.999}, few, 2, 0, &w, &code, &why), AB_KEEP_RUNNING);
	assert_non_null(strstr(why, "150"));
	assert_string_equal(code, "too_few_conversions");
	assert_string_equal(ab_decision_name(AB_SHIP), "ship");
}

static void test_hash_and_bucket(void **state)
{
	(void)state;
	/* fnv1a32("1visitor-a") and again of its decimal: fixed by the algorithm */
	double u = ab_hash("1", "visitor-a");
	assert_true(u >= 0 && u < 1);
	assert_true(ab_hash("1", "visitor-a") == u);                  /* sticky */
	assert_true(ab_hash("2", "visitor-a") != u || ab_hash("3", "visitor-a") != u);
	double w[] = {0.2, 0.3, 0.5};
	assert_int_equal(ab_bucket(0.0, w, 3), 0);
	assert_int_equal(ab_bucket(0.1999, w, 3), 0);
	assert_int_equal(ab_bucket(0.2, w, 3), 1);
	assert_int_equal(ab_bucket(0.4999, w, 3), 1);
	assert_int_equal(ab_bucket(0.9999, w, 3), 2);
	/* shares follow the weights over many ids */
	size_t n[3] = {0, 0, 0};
	char id[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(id, sizeof id, "v%d", i);
		n[ab_bucket(ab_hash("42", id), w, 3)]++;
	}
	for (int i = 0; i < 3; i++)
		if (fabs(n[i] / 20000.0 - w[i]) > 0.02)
			fail_msg("bucket %d holds %zu of 20000", i, n[i]);
}

static void test_thompson(void **state)
{
	(void)state;
	double conv[] = {50, 150}, expo[] = {1000, 1000};
	assert_int_equal(ab_thompson(conv, expo, 2, 7), ab_thompson(conv, expo, 2, 7));
	size_t wins = 0;
	for (uint64_t s = 0; s < 1000; s++)
		wins += ab_thompson(conv, expo, 2, s) == 1;
	assert_true(wins > 990);                /* the clear winner gets nearly all */
	double c0[] = {0, 0}, e0[] = {0, 0};
	wins = 0;
	for (uint64_t s = 0; s < 2000; s++)
		wins += ab_thompson(c0, e0, 2, s) == 1;
	assert_true(wins > 900 && wins < 1100);  /* no data: an even split */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_vs_r),
		cmocka_unit_test(test_compare_refuses),
		cmocka_unit_test(test_prob_beats),
		cmocka_unit_test(test_srm_vs_r),
		cmocka_unit_test(test_chisq_upper),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_hash_and_bucket),
		cmocka_unit_test(test_thompson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
