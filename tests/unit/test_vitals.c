/* test_vitals.c - web-vitals thresholds and ratings; User-Agent classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "useragent.h"
#include "vitals.h"

static const char *rate(const char *name, double v)
{
	const vital_def_t *d = vitals_find(name);
	assert_non_null(d);
	return vitals_rating_name(vitals_rate(d, v));
}

static void test_table(void **state)
{
	(void)state;
	static const struct { const char *name; double good, poor; int core; } want[] = {
		{"LCP", 2500, 4000, 1}, {"INP", 200, 500, 1}, {"CLS", 0.1, 0.25, 1},
		{"FCP", 1800, 3000, 0}, {"TTFB", 800, 1800, 0},
	};
	assert_int_equal(vitals_count, 5);
	for (size_t i = 0; i < 5; i++) {
		const vital_def_t *d = vitals_find(want[i].name);
		assert_non_null(d);
		assert_true(d->good == want[i].good && d->poor == want[i].poor);
		assert_int_equal(d->core, want[i].core);
	}
	assert_null(vitals_find("lcp")); /* case-sensitive */
	assert_null(vitals_find("FID"));
}

static void test_boundaries(void **state)
{
	(void)state;
	assert_string_equal(rate("LCP", 2500), "good");
	assert_string_equal(rate("LCP", 2501), "needs-improvement");
	assert_string_equal(rate("LCP", 4000), "needs-improvement");
	assert_string_equal(rate("LCP", 4001), "poor");
	assert_string_equal(rate("INP", 200), "good");
	assert_string_equal(rate("INP", 201), "needs-improvement");
	assert_string_equal(rate("INP", 501), "poor");
	assert_string_equal(rate("CLS", 0.1), "good");
	assert_string_equal(rate("CLS", 0.11), "needs-improvement");
	assert_string_equal(rate("CLS", 0.25), "needs-improvement");
	assert_string_equal(rate("CLS", 0.26), "poor");
	assert_string_equal(rate("FCP", 1800), "good");
	assert_string_equal(rate("FCP", 3001), "poor");
	assert_string_equal(rate("TTFB", 801), "needs-improvement");
	assert_string_equal(rate("TTFB", 1801), "poor");
	const vital_def_t *lcp = vitals_find("LCP"), *cls = vitals_find("CLS");
	assert_true(vitals_plausible(lcp, 0));
	assert_true(vitals_plausible(lcp, 60000));
	assert_false(vitals_plausible(lcp, 60001));
	assert_false(vitals_plausible(lcp, -1));
	assert_true(vitals_plausible(cls, 100));
	assert_false(vitals_plausible(cls, 100.5));
}

static void test_useragent(void **state)
{
	(void)state;
	const char *iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
	                     "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
	const char *ipad = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
	                   "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1";
	const char *android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
	                      "Chrome/124.0.0.0 Mobile Safari/537.36";
	const char *tab = "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
	                  "Chrome/124.0.0.0 Safari/537.36";
	const char *edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	                   "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51";
	const char *firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
	const char *gbot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
	assert_string_equal(ua_device(iphone), "mobile");
	assert_string_equal(ua_browser(iphone), "Safari");
	assert_string_equal(ua_device(ipad), "tablet");
	assert_string_equal(ua_device(android), "mobile");
	assert_string_equal(ua_browser(android), "Chrome");
	assert_string_equal(ua_device(tab), "tablet");
	assert_string_equal(ua_device(edge), "desktop");
	assert_string_equal(ua_browser(edge), "Edge");
	assert_string_equal(ua_browser(firefox), "Firefox");
	assert_string_equal(ua_device(NULL), "desktop");
	assert_string_equal(ua_browser("curl/8.5.0"), "Other");
	assert_false(ua_is_bot(iphone));
	assert_true(ua_is_bot(gbot));
	assert_true(ua_is_bot("curl/8.5.0"));
	assert_true(ua_is_bot(""));
	assert_true(ua_is_bot(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_useragent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
