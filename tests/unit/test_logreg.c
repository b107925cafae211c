/* test_logreg.c - L2 logistic regression, AUC and log loss (analysis/logreg.c);
 * reference figures from R's glm(family = binomial), tests/reference/journeys.R. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "logreg.h"

#include "testutil.h"

#define N 30
static const double x1[N] = {0.5, 1.2, 2.3, 0.1, 3.4, 2.2, 1.1, 0.9, 4.0, 2.8, 0.3, 1.7, 3.1,
	2.6, 0.7, 1.9, 3.8, 0.2, 2.9, 1.4, 3.3, 0.8, 2.1, 1.0, 3.6, 0.4, 2.4, 1.6, 3.0, 1.3};
static const double x2[N] = {1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0,
	1, 0, 1, 1, 0, 1, 0, 0};
static const int y[N] = {0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1,
	1, 1, 0, 0, 1, 1, 0};

static void rows(double *x)
{
	for (int i = 0; i < N; i++) {
		x[2 * i] = x1[i];
		x[2 * i + 1] = x2[i];
	}
}

static void test_matches_glm(void **state)
{
	(void)state;
	double x[2 * N], beta[3], prob[N];
	rows(x);
	assert_true(logreg_fit(x, y, N, 2, 0, beta) > 0);
	assert_near(beta[0], -4.457851667230, 1e-7);
	assert_near(beta[1], 1.534014994001, 1e-7);
	assert_near(beta[2], 2.450699309835, 1e-7);
	for (int i = 0; i < N; i++)
		prob[i] = logreg_predict(beta, x + 2 * i, 2);
	/* deviance = 2 N log loss */
	assert_near(2 * N * logreg_log_loss(prob, y, N), 24.342549833946, 1e-7);
	assert_near(logreg_auc(prob, y, N), 0.901785714286, 1e-10);
}

/* With a penalty the coefficients shrink and the penalised gradient is 0. */
static void test_l2_shrinks_to_the_penalised_optimum(void **state)
{
	(void)state;
	double x[2 * N], b0[3], b1[3];
	rows(x);
	assert_true(logreg_fit(x, y, N, 2, 0, b0) > 0);
	assert_true(logreg_fit(x, y, N, 2, 5, b1) > 0);
	assert_true(b1[1] * b1[1] + b1[2] * b1[2] < b0[1] * b0[1] + b0[2] * b0[2]);
	double g[3] = {0, 5 * b1[1], 5 * b1[2]};
	for (int i = 0; i < N; i++) {
		double r = logreg_predict(b1, x + 2 * i, 2) - y[i];
		g[0] += r;
		g[1] += r * x[2 * i];
		g[2] += r * x[2 * i + 1];
	}
	for (int k = 0; k < 3; k++)
		assert_near(g[k], 0, 1e-8);
}

static void test_auc_ties_and_edge_cases(void **state)
{
	(void)state;
	const double s[] = {0.1, 0.4, 0.4, 0.8};
	const int l[] = {0, 0, 1, 1};
	/* pairs (pos, neg): 0.4>0.1, 0.4=0.4 (1/2), 0.8>0.1, 0.8>0.4: 3.5 of 4 */
	assert_near(logreg_auc(s, l, 4), 0.875, 1e-12);
	const int one[] = {1, 1, 1, 1};
	assert_near(logreg_auc(s, one, 4), -1, 0);
	const double p[] = {0.5, 0.5, 1.0};
	const int lp[] = {1, 0, 0};
	/* log 2 twice, the clipped certainty once */
	assert_near(logreg_log_loss(p, lp, 3), (2 * log(2) - log(1 - (1 - 1e-15))) / 3, 1e-12);
	assert_near(logreg_log_loss(p, lp, 0), -1, 0);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	double x[2 * N], beta[LOGREG_MAX_FEATURES + 2];
	rows(x);
	assert_int_equal(logreg_fit(x, y, 0, 2, 0, beta), -1);
	assert_int_equal(logreg_fit(x, y, N, 2, -1, beta), -1);
	assert_int_equal(logreg_fit(x, y, 1, LOGREG_MAX_FEATURES + 1, 0, beta), -1);
	/* perfectly separable without a penalty: no finite optimum */
	const double sx[] = {0, 1, 2, 3};
	const int sy[] = {0, 0, 1, 1};
	assert_int_equal(logreg_fit(sx, sy, 4, 1, 0, beta), -1);
	assert_true(logreg_fit(sx, sy, 4, 1, 1, beta) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_glm),
		cmocka_unit_test(test_l2_shrinks_to_the_penalised_optimum),
		cmocka_unit_test(test_auc_ties_and_edge_cases),
		cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
