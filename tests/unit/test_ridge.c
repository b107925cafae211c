/* test_ridge.c - ridge regression and its cross-validation against R
 * (tests/reference/ridge.R: solve(t(Z) %*% Z + lambda I, t(Z) %*% yc) on
 * scale()d features). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "ridge.h"

#define N 12
static const double X[N][3] = {
	{52, 820, 3}, {61, 1430, 6}, {38, 310, 1}, {70, 2100, 9}, {45, 640, 2}, {58, 990, 4},
	{66, 1750, 7}, {41, 420, 1}, {55, 1200, 5}, {49, 760, 3}, {63, 1550, 6}, {36, 280, 0},
};
static const double Y[N] = {410, 760, 120, 1130, 260, 520, 930, 170, 640, 350, 820, 90};

static void near(double got, double want, const char *what)
{
	if (!(fabs(got - want) <= 1e-6 * (1 + fabs(want))))
		fail_msg("%s: %.12f, R says %.12f", what, got, want);
}

static void test_fit_vs_r(void **state)
{
	(void)state;
	static const struct { double lambda, b[3], w[3], a; } r[] = {
		{0, {18.063444991131, 275.346397854136, 47.749403942568}, {1.607095197305, 0.465705212090, 17.391753840691}, -111.766636142677},
		{1, {86.040817659364, 129.497249910328, 115.838018441733}, {7.655006279280, 0.219024271625, 42.191653419489}, -276.610751599029},
		{10, {83.739277974154, 89.595176311778, 88.161293754009}, {7.450239504375, 0.151536177381, 32.110966685380}, -157.415454409106},
	};
	for (size_t c = 0; c < sizeof r / sizeof r[0]; c++) {
		ridge_model_t m;
		assert_int_equal(ridge_fit(&X[0][0], Y, N, 3, r[c].lambda, &m), 0);
		for (int j = 0; j < 3; j++) {
			near(m.beta[j], r[c].b[j], "beta");
			near(m.weight[j], r[c].w[j], "weight");
		}
		near(m.intercept, r[c].a, "intercept");
		/* the prediction of the standardised model equals the original-units one */
		double z = m.ymean;
		for (int j = 0; j < 3; j++)
			z += m.beta[j] * (X[4][j] - m.mean[j]) / m.sd[j];
		near(ridge_predict(&m, X[4]), z, "predict");
	}
}

static void test_constant_feature_ignored(void **state)
{
	(void)state;
	double x[N][4];
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < 3; j++)
			x[i][j] = X[i][j];
		x[i][3] = 7;                         /* every page the same age */
	}
	ridge_model_t m, m3;
	assert_int_equal(ridge_fit(&x[0][0], Y, N, 4, 1, &m), 0);
	assert_int_equal(ridge_fit(&X[0][0], Y, N, 3, 1, &m3), 0);
	assert_true(m.weight[3] == 0 && m.sd[3] == 0);
	near(m.intercept, m3.intercept, "intercept");
	near(m.weight[1], m3.weight[1], "weight");
}

static void test_cv_vs_r(void **state)
{
	(void)state;
	ridge_cv_t cv;
	assert_int_equal(ridge_cv(&X[0][0], Y, N, 3, 1, 4, &cv), 0);
	near(cv.rmse, 33.272712992885, "rmse");
	near(cv.mae, 29.201866426810, "mae");
	near(cv.base_rmse, 332.646514642351, "base rmse");
	near(cv.base_mae, 290.740740740741, "base mae");
	assert_int_equal(ridge_cv(&X[0][0], Y, N, 3, 10, 3, &cv), 0);
	near(cv.rmse, 120.070915025823, "rmse");
	near(cv.base_mae, 297.291666666667, "base mae");
}

static void test_refusals(void **state)
{
	(void)state;
	ridge_model_t m;
	ridge_cv_t cv;
	assert_int_equal(ridge_fit(&X[0][0], Y, 1, 3, 1, &m), -1);
	assert_int_equal(ridge_fit(&X[0][0], Y, N, 3, -1, &m), -1);
	assert_int_equal(ridge_fit(&X[0][0], Y, N, RIDGE_MAX_FEATURES + 1, 1, &m), -1);
	assert_int_equal(ridge_cv(&X[0][0], Y, N, 3, 1, 7, &cv), -1);   /* n < 2k */
	double dup[N][2];
	for (int i = 0; i < N; i++)
		dup[i][0] = dup[i][1] = X[i][0];       /* collinear: singular without a penalty */
	assert_int_equal(ridge_fit(&dup[0][0], Y, N, 2, 0, &m), -1);
	assert_int_equal(ridge_fit(&dup[0][0], Y, N, 2, 1, &m), 0);
	near(m.weight[0], m.weight[1], "shared weight");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_vs_r),
		cmocka_unit_test(test_constant_feature_ignored),
		cmocka_unit_test(test_cv_vs_r),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
