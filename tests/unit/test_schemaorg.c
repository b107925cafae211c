/* test_schemaorg.c - the schema.org vocabulary table and the JSON-LD validator
 * against the fixtures in tests/data/jsonld (one snippet per file with the
 * expected verdict per property; jansson-style data-driven suite). */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jsonld.h"
#include "schemaorg.h"
#include "testutil.h"

static void vocabulary(void **state)
{
	(void)state;
	int car = schemaorg_type("Car"), product = schemaorg_type("Product");
	int step = schemaorg_type("HowToStep"), avail = schemaorg_type("ItemAvailability");
	const unsigned short *r;
	assert_true(car >= 0 && product >= 0 && step >= 0 && avail >= 0);
	assert_int_equal(schemaorg_type("https://schema.org/Car"), car);
	assert_int_equal(schemaorg_type("ChargingStation"), -1);
	assert_true(schemaorg_is_a(car, schemaorg_type("Vehicle")));
	assert_true(schemaorg_is_a(car, product));
	assert_true(schemaorg_is_a(car, schemaorg_type("Thing")));
	assert_false(schemaorg_is_a(product, car));
	/* HowToStep has three parents */
	assert_true(schemaorg_is_a(step, schemaorg_type("CreativeWork")));
	assert_true(schemaorg_is_a(step, schemaorg_type("ListItem")));
	assert_true(schemaorg_is_a(step, schemaorg_type("ItemList")));
	assert_true(schemaorg_has_prop(car, schemaorg_prop_index("mileageFromOdometer")));
	assert_true(schemaorg_has_prop(car, schemaorg_prop_index("name"))); /* from Thing */
	assert_false(schemaorg_has_prop(product, schemaorg_prop_index("mileageFromOdometer")));
	assert_int_equal(schemaorg_prop_index("colour"), -1);
	assert_int_equal(schemaorg_type_kind[avail], SCHEMAORG_ENUMERATION);
	assert_int_equal(schemaorg_type_kind[schemaorg_type("URL")], SCHEMAORG_DATATYPE);
	assert_true(schemaorg_is_member(avail, "InStock"));
	assert_true(schemaorg_is_member(avail, "https://schema.org/PreOrder"));
	assert_false(schemaorg_is_member(avail, "Available"));
	assert_true(schemaorg_is_member(schemaorg_type("EventStatusType"), "EventRescheduled"));
	assert_true(schemaorg_is_member(schemaorg_type("EventAttendanceModeEnumeration"),
	                                "OnlineEventAttendanceMode"));
	assert_int_equal(schemaorg_range_of(schemaorg_prop_index("availability"), &r), 1);
	assert_int_equal(r[0], avail);
}

static void durations(void **state)
{
	(void)state;
	double s;
	assert_int_equal(jsonld_duration_seconds("PT1H30M", &s), 0);
	assert_near(s, 5400, 1e-9);
	assert_int_equal(jsonld_duration_seconds("P2D", &s), 0);
	assert_near(s, 172800, 1e-9);
	assert_int_equal(jsonld_duration_seconds("P1DT2H3M4.5S", &s), 0);
	assert_near(s, 86400 + 7200 + 180 + 4.5, 1e-9);
	assert_int_equal(jsonld_duration_seconds("P1W", &s), 0);
	assert_near(s, 604800, 1e-9);
	assert_int_equal(jsonld_duration_seconds("30 Minuten", &s), -1);
	assert_int_equal(jsonld_duration_seconds("PT", &s), -1);
	assert_int_equal(jsonld_duration_seconds(NULL, &s), -1);
}

/* The verdict for property path `key`: "error", "warning" or "ok". A
 * diagnostic counts when it sits at `key`, or at its parent and names the
 * property ("missing required property 'price'"). */
static int names(const json_t *d, const char *key)
{
	const char *path = json_string_value(json_object_get(d, "path"));
	const char *msg = json_string_value(json_object_get(d, "message"));
	size_t n = strlen(path);
	char quoted[96];
	if (strcmp(path, key) == 0)
		return 1;
	if (strncmp(key, path, n) != 0 || key[n] != '.' || strpbrk(key + n + 1, ".["))
		return 0;
	snprintf(quoted, sizeof quoted, "'%s'", key + n + 1);
	return strstr(msg, quoted) != NULL;
}

static const char *verdict(const json_t *r, const char *key)
{
	static const char *const lists[] = {"errors", "warnings"}, *const verdicts[] = {"error", "warning"};
	for (size_t k = 0; k < 2; k++) {
		const json_t *d;
		size_t i;
		json_array_foreach(json_object_get(r, lists[k]), i, d)
			if (names(d, key))
				return verdicts[k];
	}
	return "ok";
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs one fixture; adds to *agree / *total and prints each disagreement. */
static void run_fixture(const char *file, int *agree, int *total)
{
	char path[512];
	json_error_t e;
	const char *key;
	json_t *want;
	snprintf(path, sizeof path, "%s/jsonld/%s", ZOE_TEST_DATA, file);
	json_t *fx = json_load_file(path, 0, &e);
	if (!fx)
		fail_msg("%s: %s (line %d)", file, e.text, e.line);
	json_t *r = jsonld_validate_new(json_object_get(fx, "markup"));
	assert_non_null(r);
	(*total)++;
	if (json_is_true(json_object_get(r, "valid")) == json_is_true(json_object_get(fx, "valid")))
		(*agree)++;
	else {
		char *dump = json_dumps(json_object_get(r, "errors"), JSON_INDENT(1));
		print_message("%s: valid is %d: %s\n", file, json_is_true(json_object_get(r, "valid")), dump);
		free(dump);
	}
	json_object_foreach(json_object_get(fx, "expect"), key, want) {
		const char *got = verdict(r, key);
		(*total)++;
		if (strcmp(got, json_string_value(want)) == 0) {
			(*agree)++;
			continue;
		}
		char *dump = json_dumps(r, JSON_INDENT(1));
		print_message("%s: %s is %s, want %s\n%s\n", file, key, got, json_string_value(want), dump);
		free(dump);
	}
	json_decref(r);
	json_decref(fx);
}

static void fixtures(void **state)
{
	(void)state;
	char dir[512], *files[128];
	size_t n = 0;
	int agree = 0, total = 0;
	struct dirent *de;
	snprintf(dir, sizeof dir, "%s/jsonld", ZOE_TEST_DATA);
	DIR *d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) && n < 128)
		if (strlen(de->d_name) > 5 && strcmp(de->d_name + strlen(de->d_name) - 5, ".json") == 0)
			files[n++] = strdup(de->d_name);
	closedir(d);
	qsort(files, n, sizeof(char *), by_name);
	for (size_t i = 0; i < n; i++) {
		run_fixture(files[i], &agree, &total);
		free(files[i]);
	}
	print_message("jsonld fixtures: %zu files, %d of %d verdicts agree\n", n, agree, total);
	assert_true(n >= 15);
	assert_int_equal(agree, total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vocabulary),
		cmocka_unit_test(durations),
		cmocka_unit_test(fixtures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
