/* test_compete.c - the position -> CTR curve, the content score and the
 * figures of a page (JSON-LD types and rating, link kinds, headings). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compete.h"
#include "html.h"

#include "testutil.h"

static void test_ctr(void **state)
{
	(void)state;
	assert_near(compete_ctr(1), 0.276, 1e-12);
	assert_near(compete_ctr(2), 0.158, 1e-12);
	assert_near(compete_ctr(10), 0.024, 1e-12);
	assert_near(compete_ctr(1.5), (0.276 + 0.158) / 2, 1e-12);     /* linear between */
	assert_near(compete_ctr(9.25), 0.027 * 0.75 + 0.024 * 0.25, 1e-12);
	assert_near(compete_ctr(10.5), 0, 0);
	assert_near(compete_ctr(0.5), 0, 0);
	assert_near(compete_ctr(NAN), 0, 0);
	for (int i = 1; i < 10; i++)
		assert_true(compete_ctr_curve[i] < compete_ctr_curve[i - 1]);
}

static void test_content_score(void **state)
{
	(void)state;
	assert_int_equal(compete_content_score(1500, 1, 5, 3), 100);
	assert_int_equal(compete_content_score(3000, 1, 10, 7), 100);
	assert_int_equal(compete_content_score(0, 0, 0, 0), 0);
	/* 750 words: 20; one h1: 10; 1 of ceil(750/300) = 3 subheadings: 6.67; 1 type: 10 */
	assert_int_equal(compete_content_score(750, 1, 1, 1), 47);
	assert_int_equal(compete_content_score(750, 2, 1, 1), 37);      /* two h1: no h1 points */
}

static void test_page(void **state)
{
	(void)state;
	const char *html =
		"<title>T</title><h1>A</h1><h2>B</h2><h3>C</h3>"
		"<a href=\"/x\">1</a><a href=\"https://www.sonne.example/y\">2</a>"
		"<a href=\"//cdn.sonne.example/z\">3</a><a href=\"https://sonne.example.evil.example/\">4</a>"
		"<a href=\"https://andere.example\">5</a><a href=\"mailto:a@b.example\">6</a>"
		"<a href=\"#top\">7</a><a href=\"javascript:void(0)\">8</a><a href=\"tel:+49\">9</a>"
		"<script type=\"application/ld+json\">{\"@graph\": [{\"@type\": \"LocalBusiness\","
		" \"aggregateRating\": {\"@type\": \"AggregateRating\", \"ratingValue\": \"4,5\","
		" \"ratingCount\": 9}}, {\"@type\": [\"Product\", \"Thing\"], \"review\": {\"@type\":"
		" \"Review\"}}]}</script>"
		"<script type=\"application/ld+json\">{\"@type\": \"AggregateRating\", \"ratingValue\": 4.2,"
		" \"reviewCount\": \"31\"}</script>"
		"<script type=\"application/ld+json\">{broken</script>";
	json_t *x = html_extract_new(html, strlen(html));
	compete_page_t p;
	assert_int_equal(compete_page(x, "sonne.example", &p), 0);
	assert_int_equal(p.h1, 1);
	assert_int_equal(p.subheadings, 2);
	assert_int_equal(p.links_internal, 3);
	assert_int_equal(p.links_external, 2);
	char *types = json_dumps(p.types, JSON_COMPACT);
	assert_string_equal(types, "[\"AggregateRating\",\"LocalBusiness\",\"Product\",\"Review\",\"Thing\"]");
	/* "4,5" is no number: the next AggregateRating counts */
	assert_near(p.rating, 4.2, 1e-12);
	assert_int_equal(p.rating_count, 31);
	free(types);
	json_decref(p.types);
	json_decref(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr),
		cmocka_unit_test(test_content_score),
		cmocka_unit_test(test_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
