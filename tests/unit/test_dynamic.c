/* test_dynamic.c - the dynamic-content condition language: checker field
 * names, matching of every condition kind, priority order, sticky weighted
 * variants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dynamic.h"

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);
	if (!j)
		fail_msg("bad test JSON: %s", e.text);
	return j;
}

/* The field names of the errors `cond` gets, joined with '|'. */
static void expect_errors(const char *cond, const char *want)
{
	json_t *c = parse(cond), *errors = json_array(), *e;
	char got[512] = "";
	size_t i, n = 0;
	dyn_check_conditions(c, "rules[3]", errors);
	json_array_foreach(errors, i, e)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", i ? "|" : "",
				      json_string_value(json_object_get(e, "field")));
	assert_string_equal(got, want);
	json_decref(c);
	json_decref(errors);
}

static void test_check(void **state)
{
	(void)state;
	expect_errors("{}", "");
	expect_errors("{\"source\": [\"google\"], \"device\": [\"mobile\", \"desktop\"],"
		      " \"region\": [\"DE-BY\"], \"visit_count\": {\"min\": 2},"
		      " \"pages_seen\": {\"min\": 1, \"max\": 9},"
		      " \"time\": {\"hours\": {\"from\": 22, \"to\": 6}, \"days\": [6, 7]}}", "");
	expect_errors("{\"device\": [\"phone\"]}", "rules[3].conditions.device");
	expect_errors("{\"device\": \"mobile\"}", "rules[3].conditions.device");
	expect_errors("{\"visit_count\": {\"min\": 5, \"max\": 2}}", "rules[3].conditions.visit_count");
	expect_errors("{\"pages_seen\": {\"min\": -1}}", "rules[3].conditions.pages_seen");
	expect_errors("{\"weather\": [\"sun\"]}", "rules[3].conditions.weather");
	expect_errors("{\"time\": {\"hours\": {\"from\": 8, \"to\": 25}, \"days\": [0]}}",
		      "rules[3].conditions.time.hours|rules[3].conditions.time.days");
	expect_errors("{\"time\": {}}", "rules[3].conditions.time");
	expect_errors("{\"source\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\","
		      "\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\",\"r\",\"s\"], \"device\": [\"mobile\","
		      " \"tablet\"]}", "rules[3].conditions");
	expect_errors("[]", "rules[3].conditions");
}

static int matches(const char *cond, const dyn_ctx_t *c)
{
	json_t *j = parse(cond);
	int m = dyn_match(j, c);
	json_decref(j);
	return m;
}

static void test_match(void **state)
{
	(void)state;
	dyn_ctx_t c = {"Google", "mobile", "DE-BY", 3, 5, 23, 6, "v1"};
	assert_true(matches("{}", &c));
	assert_true(matches("{\"source\": [\"bing\", \"google\"]}", &c));
	assert_false(matches("{\"source\": [\"bing\"]}", &c));
	assert_true(matches("{\"device\": [\"mobile\"]}", &c));
	assert_false(matches("{\"device\": [\"desktop\"]}", &c));
	assert_true(matches("{\"region\": [\"de\"]}", &c));           /* covers DE-BY */
	assert_true(matches("{\"region\": [\"DE-BY\"]}", &c));
	assert_false(matches("{\"region\": [\"DE-B\"]}", &c));        /* not a prefix match */
	assert_true(matches("{\"visit_count\": {\"min\": 3, \"max\": 3}}", &c));
	assert_false(matches("{\"visit_count\": {\"min\": 4}}", &c));
	assert_false(matches("{\"pages_seen\": {\"max\": 4}}", &c));
	assert_true(matches("{\"time\": {\"hours\": {\"from\": 22, \"to\": 6}}}", &c));
	assert_false(matches("{\"time\": {\"hours\": {\"from\": 8, \"to\": 23}}}", &c));
	assert_true(matches("{\"time\": {\"days\": [6, 7]}}", &c));
	assert_false(matches("{\"time\": {\"days\": [1, 2, 3, 4, 5]}}", &c));
	assert_false(matches("{\"device\": [\"mobile\"], \"source\": [\"bing\"]}", &c));
	/* a condition on what the context does not tell fails */
	dyn_ctx_t u = {NULL, NULL, NULL, -1, -1, -1, 0, ""};
	assert_true(matches("{}", &u));
	assert_false(matches("{\"source\": [\"google\"]}", &u));
	assert_false(matches("{\"visit_count\": {\"min\": 0}}", &u));
	assert_false(matches("{\"time\": {\"hours\": {\"from\": 0, \"to\": 24}}}", &u));
}

static void test_choose(void **state)
{
	(void)state;
	json_t *rules = parse("["
		"{\"name\": \"any\", \"priority\": 0, \"conditions\": {}},"
		"{\"name\": \"mobile\", \"priority\": 5, \"conditions\": {\"device\": [\"mobile\"]}},"
		"{\"name\": \"mobile2\", \"priority\": 5, \"conditions\": {\"device\": [\"mobile\"]}},"
		"{\"name\": \"returning\", \"priority\": 9, \"conditions\": {\"visit_count\": {\"min\": 2}}}]");
	dyn_ctx_t c = {NULL, "mobile", NULL, 1, 1, 12, 2, ""};
	assert_int_equal(dyn_choose(rules, &c), 1);    /* priority, then the earlier */
	c.visit_count = 2;
	assert_int_equal(dyn_choose(rules, &c), 3);
	c.visit_count = 1;
	c.device = "desktop";
	assert_int_equal(dyn_choose(rules, &c), 0);
	json_array_remove(rules, 0);
	assert_int_equal(dyn_choose(rules, &c), -1);
	json_decref(rules);
}

static void test_pick(void **state)
{
	(void)state;
	long w[] = {1, 3};
	int count[2] = {0, 0};
	char v[32];
	for (int i = 0; i < 4000; i++) {
		snprintf(v, sizeof(v), "visitor-%d", i);
		int k = dyn_pick(w, 2, v, "hero");
		assert_true(k == 0 || k == 1);
		assert_int_equal(dyn_pick(w, 2, v, "hero"), k);          /* sticky */
		count[k]++;
	}
	/* shares follow the weights: 1000 +- 4 sd (sd = sqrt(4000 * .25 * .75) = 27) */
	assert_in_range(count[0], 890, 1110);
	/* the rule is part of the key: another rule splits visitors differently */
	int differ = 0;
	for (int i = 0; i < 200; i++) {
		snprintf(v, sizeof(v), "visitor-%d", i);
		differ += dyn_pick(w, 2, v, "hero") != dyn_pick(w, 2, v, "banner");
	}
	assert_true(differ > 20);
	long one[] = {7};
	assert_int_equal(dyn_pick(one, 1, "x", "r"), 0);
	assert_int_equal(dyn_pick(w, 0, "x", "r"), -1);
	/* a fixed point (FNV-1a of "42\0hero\0" mod 10), so a change of the hash,
	 * which would move every visitor, shows */
	long ten[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	assert_int_equal(dyn_pick(ten, 10, "42", "hero"), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_pick),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
