/* test_trust.c - analysis/reviews: Bayesian average with the platform prior
 * and the trust score, on hand-computed figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "reviews.h"

#define EPS 1e-9
#include "testutil.h"

static void test_bayes_prior(void **state)
{
	(void)state;
	/* 3 five-star reviews: (10*4 + 15) / 13 */
	assert_near(reviews_bayes(15, 3), 55.0 / 13.0, EPS);
	/* 100 reviews at 4.8: the prior hardly matters */
	assert_near(reviews_bayes(480, 100), (40.0 + 480) / 110, EPS);
	/* a single 1-star review moves the average only a little */
	assert_near(reviews_bayes(1, 1), 41.0 / 11.0, EPS);
	assert_true(isnan(reviews_bayes(0, 0)));
}

static void test_trust_known(void **state)
{
	(void)state;
	reviews_summary_t s = {.n = 10, .sum = 45, .replied = 5, .scored = 10, .contradicting = 1,
			       .last_year = 6, .days_since_newest = 0};
	reviews_trust_t t;
	assert_int_equal(reviews_trust(&s, &t), 0);
	assert_near(t.bayes, 4.25, EPS);
	assert_near(t.quality, 0.8125, EPS);
	assert_near(t.volume, log(11) / log(101), EPS);
	assert_near(t.recency, 0.75, EPS);
	assert_near(t.reply, 0.5, EPS);
	assert_near(t.consistency, 0.9, EPS);
	/* 0.365625 + 0.0779359 + 0.1125 + 0.05 + 0.135 = 0.7410609 */
	assert_near(t.score, 74.1, EPS);
}

static void test_trust_without_sentiment(void **state)
{
	(void)state;
	/* nothing scored: consistency is left out, the other weights renormalised */
	reviews_summary_t s = {.n = 10, .sum = 45, .replied = 5, .scored = 0, .contradicting = 0,
			       .last_year = 6, .days_since_newest = 0};
	reviews_trust_t t;
	assert_int_equal(reviews_trust(&s, &t), 0);
	assert_true(isnan(t.consistency));
	/* 0.6060609 / 0.85 = 0.7130128 */
	assert_near(t.score, 71.3, EPS);
}

static void test_trust_bounds(void **state)
{
	(void)state;
	reviews_trust_t t;
	/* the best possible record: 500 fresh five-star reviews, all answered */
	reviews_summary_t best = {.n = 500, .sum = 2500, .replied = 500, .scored = 500,
				  .contradicting = 0, .last_year = 500, .days_since_newest = 0};
	assert_int_equal(reviews_trust(&best, &t), 0);
	assert_true(t.score > 95 && t.score <= 100);
	/* one old 1-star review without an answer and with contradicting text */
	reviews_summary_t worst = {.n = 1, .sum = 1, .replied = 0, .scored = 1,
				   .contradicting = 1, .last_year = 0, .days_since_newest = 2000};
	assert_int_equal(reviews_trust(&worst, &t), 0);
	assert_true(t.score >= 0 && t.score < 40);
	assert_near(t.recency, 0.5 * exp(-2000 / 90.0), EPS);
	/* a review in the future of the as-of time counts as fresh, not fresher */
	worst.days_since_newest = -3;
	assert_int_equal(reviews_trust(&worst, &t), 0);
	assert_near(t.recency, 0.5, EPS);
}

static void test_trust_refuses(void **state)
{
	(void)state;
	reviews_trust_t t;
	reviews_summary_t none = {0};
	assert_int_equal(reviews_trust(&none, &t), -1);
	assert_true(isnan(t.score) && isnan(t.bayes));
	reviews_summary_t bad = {.n = 2, .sum = 11, .replied = 0, .scored = 0};  /* mean 5.5 */
	assert_int_equal(reviews_trust(&bad, &t), -1);
	reviews_summary_t bad2 = {.n = 2, .sum = 8, .replied = 3};               /* 3 of 2 */
	assert_int_equal(reviews_trust(&bad2, &t), -1);
	assert_int_equal(reviews_trust(NULL, &t), -1);
}

static void test_weights(void **state)
{
	(void)state;
	double w = 0;
	for (int i = 0; i < REVIEWS_TRUST_COMPONENTS; i++)
		w += reviews_trust_weights[i];
	assert_near(w, 1.0, EPS);
	assert_string_equal(reviews_trust_names[0], "quality");
	assert_non_null(reviews_trust_formula);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bayes_prior),
		cmocka_unit_test(test_trust_known),
		cmocka_unit_test(test_trust_without_sentiment),
		cmocka_unit_test(test_trust_bounds),
		cmocka_unit_test(test_trust_refuses),
		cmocka_unit_test(test_weights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
