/* test_funnel.c - funnel steps: splitting, syntax, wildcard patterns as regexes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "funnel.h"

static void test_split(void **state)
{
	(void)state;
	char spec[] = "/,/preise/*,goal:lead";
	char *steps[FUNNEL_MAX_STEPS];
	assert_int_equal(funnel_split(spec, steps, FUNNEL_MAX_STEPS), 3);
	assert_string_equal(steps[0], "/");
	assert_string_equal(steps[1], "/preise/*");
	assert_string_equal(steps[2], "goal:lead");
	char empty[] = "/a,,/b,";
	assert_int_equal(funnel_split(empty, steps, FUNNEL_MAX_STEPS), 4);
	assert_string_equal(steps[1], "");
	assert_string_equal(steps[3], "");
	char one[] = "/a";
	assert_int_equal(funnel_split(one, steps, FUNNEL_MAX_STEPS), 1);
	/* more than max: counted, not stored beyond max */
	char many[] = "/1,/2,/3,/4";
	char *two[2];
	assert_int_equal(funnel_split(many, two, 2), 4);
	assert_string_equal(two[1], "/2");
}

static void test_syntax(void **state)
{
	(void)state;
	static const struct { const char *step; int ok; enum funnel_kind kind; } cases[] = {
		{"/", 1, FUNNEL_PAGE}, {"/preise/*", 1, FUNNEL_PAGE}, {"/blog/**", 1, FUNNEL_PAGE},
		{"/größe?x=1", 1, FUNNEL_PAGE}, {"goal:lead", 1, FUNNEL_GOAL},
		{"goal:Anfrage gesendet", 0, FUNNEL_GOAL}, {"goal:", 0, FUNNEL_GOAL},
		{"", 0, FUNNEL_PAGE}, {"preise", 0, FUNNEL_PAGE}, {"/a b", 0, FUNNEL_PAGE},
		{"/a\tb", 0, FUNNEL_PAGE}, {"/a/***", 0, FUNNEL_PAGE}, {"Goal:lead", 0, FUNNEL_PAGE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *err = funnel_step_error(cases[i].step);
		if (cases[i].ok)
			assert_null(err);
		else
			assert_non_null(err);
		if (*cases[i].step)
			assert_int_equal(funnel_kind(cases[i].step), cases[i].kind);
	}
	char longer[FUNNEL_STEP_MAX + 2];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[0] = '/';
	longer[sizeof(longer) - 1] = '\0';
	assert_non_null(funnel_step_error(longer));
	longer[FUNNEL_STEP_MAX] = '\0';
	assert_null(funnel_step_error(longer));
	char goal[5 + FUNNEL_GOAL_MAX + 2] = "goal:";
	memset(goal + 5, 'g', FUNNEL_GOAL_MAX + 1);
	goal[5 + FUNNEL_GOAL_MAX + 1] = '\0';
	assert_non_null(funnel_step_error(goal));
	goal[5 + FUNNEL_GOAL_MAX] = '\0';
	assert_null(funnel_step_error(goal));
}

static void test_regex(void **state)
{
	(void)state;
	static const struct { const char *pattern, *regex; } cases[] = {
		{"/", "^/$"},
		{"/preise/*", "^/preise/[^/]*$"},
		{"/blog/**", "^/blog/.*$"},
		{"/*/kontakt", "^/[^/]*/kontakt$"},
		{"/a.b+c(d)[e]{f}|g^h$i\\j?k", "^/a\\.b\\+c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\\\j\\?k$"},
		{"/100%_sicher-x", "^/100%_sicher-x$"},
		{"/größe", "^/größe$"},
		{"/x-**-*", "^/x-.*-[^/]*$"},
	};
	char out[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(funnel_regex(cases[i].pattern, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].regex);
	}
	/* the documented bound always fits, one byte less may not */
	const char *stars = "/*/*/*";
	size_t need = FUNNEL_REGEX_MAX(strlen(stars));
	assert_int_equal(funnel_regex(stars, out, need), 0);
	assert_string_equal(out, "^/[^/]*/[^/]*/[^/]*$");
	assert_int_equal(funnel_regex("/abc", out, 5), -1);
	assert_int_equal(funnel_regex("/abc", out, 2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_regex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
