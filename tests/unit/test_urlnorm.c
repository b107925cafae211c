/* test_urlnorm.c - the page inventory's URL normal form and hygiene flags,
 * as a table of input, expected normal form, expected flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "urlnorm.h"

static const struct {
	const char *url, *norm;
	int flags;
	const char *removed;
} cases[] = {
	{"https://zoe-solar.de", "https://zoe-solar.de/", 0, ""},
	{"HTTPS://ZOE-Solar.DE/Agri-PV", "https://zoe-solar.de/Agri-PV", URLNORM_UPPERCASE, ""},
	{"https://zoe-solar.de:443/wallbox#preise", "https://zoe-solar.de/wallbox",
	 URLNORM_FRAGMENT, ""},
	{"http://zoe-solar.de:80/", "http://zoe-solar.de/", 0, ""},
	{"http://zoe-solar.de:8080/x", "http://zoe-solar.de:8080/x", 0, ""},
	{"https://zoe-solar.de/agri-pv?utm_source=google&utm_medium=cpc&seite=2&gclid=abc",
	 "https://zoe-solar.de/agri-pv?seite=2", URLNORM_TRACKING, "utm_source,utm_medium,gclid"},
	{"https://zoe-solar.de/?fbclid=IwAR0", "https://zoe-solar.de/", URLNORM_TRACKING, "fbclid"},
	{"https://zoe-solar.de/shop;jsessionid=A1B2C3?PHPSESSID=x&q=1",
	 "https://zoe-solar.de/shop?q=1", URLNORM_SESSION, "PHPSESSID"},
	{"https://zoe-solar.de/ratgeber//eeg", "https://zoe-solar.de/ratgeber//eeg",
	 URLNORM_DOUBLE_SLASH, ""},
	{"https://zoe-solar.de/standorte/köln", "https://zoe-solar.de/standorte/k%C3%B6ln",
	 URLNORM_NON_ASCII, ""},
	{"https://zoe-solar.de/standorte/k%c3%b6ln", "https://zoe-solar.de/standorte/k%C3%B6ln",
	 0, ""},
	{"https://zoe-solar.de/ratgeber/", "https://zoe-solar.de/ratgeber/",
	 URLNORM_TRAILING_SLASH, ""},
	{"https://zoe-solar.de/a?&&b=1&", "https://zoe-solar.de/a?b=1", 0, ""},
	{"https://zoe-solar.de/a?utm_=1", "https://zoe-solar.de/a?utm_=1", 0, ""},
	{"https://zoe-solar.de/%", "https://zoe-solar.de/%", 0, ""},
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[256], removed[64];
		int flags = urlnorm(cases[i].url, out, sizeof(out), removed, sizeof(removed));
		if (flags != cases[i].flags || strcmp(out, cases[i].norm) != 0 ||
		    strcmp(removed, cases[i].removed) != 0)
			fail_msg("%s -> %s (%d, removed %s), want %s (%d, removed %s)", cases[i].url,
				 out, flags, removed, cases[i].norm, cases[i].flags, cases[i].removed);
	}
}

static void test_refused(void **state)
{
	(void)state;
	char out[32];
	assert_int_equal(urlnorm("/relative", out, sizeof(out), NULL, 0), -1);
	assert_int_equal(urlnorm("ftp://zoe-solar.de/", out, sizeof(out), NULL, 0), -1);
	assert_int_equal(urlnorm("https:///path", out, sizeof(out), NULL, 0), -1);
	assert_int_equal(urlnorm(NULL, out, sizeof(out), NULL, 0), -1);
	/* too small for the result */
	assert_int_equal(urlnorm("https://zoe-solar.de/ratgeber/eeg-verguetung-2026", out,
				 sizeof(out), NULL, 0), -1);
	/* removed list truncated, never overflowing */
	char big[256], rm[8];
	assert_int_equal(urlnorm("https://a.de/?utm_source=1&utm_campaign=2", big, sizeof(big),
				 rm, sizeof(rm)), URLNORM_TRACKING);
	assert_true(strlen(rm) < sizeof(rm));
}

static void test_resolve(void **state)
{
	(void)state;
	char out[256];
	const char *base = "https://zoe-solar.de/ratgeber/eeg";
	assert_int_equal(urlnorm_resolve("/wallbox#x", base, out, sizeof(out)), URLNORM_FRAGMENT);
	assert_string_equal(out, "https://zoe-solar.de/wallbox");
	assert_int_equal(urlnorm_resolve("kfw", base, out, sizeof(out)), 0);
	assert_string_equal(out, "https://zoe-solar.de/ratgeber/kfw");
	/* a base without a path: relative links hang off the root */
	assert_int_equal(urlnorm_resolve("kontakt", "https://zoe-solar.de", out, sizeof(out)), 0);
	assert_string_equal(out, "https://zoe-solar.de/kontakt");
	assert_int_equal(urlnorm_resolve("//ZOE-solar.de/x", base, out, sizeof(out)), 0);
	assert_string_equal(out, "https://zoe-solar.de/x");
	assert_int_equal(urlnorm_resolve("https://www.zoe-solar.de/", base, out, sizeof(out)), 0);
	assert_string_equal(out, "https://www.zoe-solar.de/");
	const char *host;
	assert_int_equal(urlnorm_host(base, &host), strlen("zoe-solar.de"));
	assert_string_equal(urlnorm_path(base), "/ratgeber/eeg");
	assert_true(urlnorm_is_tracking("utm_term", 8));
	assert_true(urlnorm_is_tracking("MSCLKID", 7));
	assert_false(urlnorm_is_tracking("seite", 5));
	assert_true(urlnorm_is_session("ASPSESSIONIDQQ", 14));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_resolve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
