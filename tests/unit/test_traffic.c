/* test_traffic.c - UTM parameters, referrer groups, operating systems, and
 * the country lookup against Debian's GeoIP file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "geo.h"
#include "traffic.h"
#include "useragent.h"

static void test_param(void **state)
{
	(void)state;
	char v[16];
	const char *url = "https://zoe-solar.de/pv?x=1&utm_source=news%20letter&utm_medium=e+mail"
			  "&utm_campaign=fr%C3%BChling#utm_term=no";
	assert_int_equal(traffic_param(url, "utm_source", v, sizeof(v)), 0);
	assert_string_equal(v, "news letter");
	assert_int_equal(traffic_param(url, "utm_medium", v, sizeof(v)), 0);
	assert_string_equal(v, "e mail");
	assert_int_equal(traffic_param(url, "utm_campaign", v, sizeof(v)), 0);
	assert_string_equal(v, "fr\xC3\xBChling");
	assert_int_equal(traffic_param(url, "utm_term", v, sizeof(v)), -1);    /* fragment */
	assert_int_equal(traffic_param("/p?xutm_source=a", "utm_source", v, sizeof(v)), -1);
	assert_int_equal(traffic_param("/p?utm_source=&a=1", "utm_source", v, sizeof(v)), -1);
	assert_string_equal(v, "");
	assert_int_equal(traffic_param(NULL, "utm_source", v, sizeof(v)), -1);
}

static void test_param_truncated(void **state)
{
	(void)state;
	char v[6];
	/* "aaaa" + ü (2 bytes) does not fit in 5 bytes: the ü goes whole */
	assert_int_equal(traffic_param("/?utm_campaign=aaaa%C3%BCb", "utm_campaign", v, sizeof(v)), 0);
	assert_string_equal(v, "aaaa");
	assert_int_equal(traffic_param("/?utm_campaign=abcdefgh", "utm_campaign", v, sizeof(v)), 0);
	assert_string_equal(v, "abcde");
	/* "aaa" + ü fits exactly: kept whole */
	assert_int_equal(traffic_param("/?utm_campaign=aaa%C3%BCb", "utm_campaign", v, sizeof(v)), 0);
	assert_string_equal(v, "aaa\xC3\xBC");
}

static void test_host(void **state)
{
	(void)state;
	char h[32];
	assert_int_equal(traffic_host("https://WWW.Google.DE/search?q=pv", h, sizeof(h)), 0);
	assert_string_equal(h, "google.de");
	assert_int_equal(traffic_host("http://chat.openai.com:443/", h, sizeof(h)), 0);
	assert_string_equal(h, "chat.openai.com");
	assert_int_equal(traffic_host("/relative", h, sizeof(h)), -1);
	assert_int_equal(traffic_host("android-app://com.google/", h, sizeof(h)), -1);
}

static void test_source_groups(void **state)
{
	(void)state;
	static const struct { const char *ref, *utm, *want; } cases[] = {
		{"google.de", NULL, "Google"}, {"google.co.uk", NULL, "Google"},
		{"news.google.com", NULL, "Google"}, {"bing.com", NULL, "Bing"},
		{"duckduckgo.com", NULL, "DuckDuckGo"}, {"ecosia.org", NULL, "Ecosia"},
		{"chatgpt.com", NULL, "AI assistants"}, {"chat.openai.com", NULL, "AI assistants"},
		{"perplexity.ai", NULL, "AI assistants"}, {"gemini.google.com", NULL, "AI assistants"},
		{"copilot.microsoft.com", NULL, "AI assistants"},
		{"l.facebook.com", NULL, "Social"}, {"linkedin.com", NULL, "Social"},
		{"t.co", NULL, "Social"}, {"instagram.com", NULL, "Social"},
		{"energie-blog.de", NULL, "energie-blog.de"},
		{"googleusercontent.com", NULL, "googleusercontent.com"},
		{"notgoogle.de", NULL, "notgoogle.de"}, {"google.evil.example.com", NULL,
		"google.evil.example.com"},
		{NULL, "chatgpt.com", "AI assistants"}, {NULL, "Google", "Google"},
		{NULL, "newsletter", "newsletter"}, {"bing.com", "facebook", "Social"},
		{NULL, NULL, "Direct / None"}, {"", "", "Direct / None"},
		{"zoe-solar.de", NULL, "Direct / None"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(traffic_source(cases[i].ref, "www.zoe-solar.de", cases[i].utm),
				    cases[i].want);
}

static void test_os(void **state)
{
	(void)state;
	static const struct { const char *ua, *want; } cases[] = {
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15", "iOS"},
		{"Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X)", "iOS"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/124.0 Mobile", "Android"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0", "Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15", "macOS"},
		{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) Chrome/124.0", "Chrome OS"},
		{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Firefox/125.0", "Linux"},
		{"Lynx/2.9", "Other"}, {NULL, "Other"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(ua_os(cases[i].ua), cases[i].want);
}

/* Debian's geoip-database (a package the build needs): addresses long held
 * by Deutsche Telekom and Google, and addresses no country owns. */
static void test_geo(void **state)
{
	(void)state;
	geo_t g;
	assert_int_equal(geo_lookup("217.0.0.1", &g), 0);
	assert_string_equal(g.country, "DE");
	assert_string_equal(g.region, "");
	assert_int_equal(geo_lookup("8.8.8.8", &g), 0);
	assert_string_equal(g.country, "US");
	assert_int_equal(geo_lookup("127.0.0.1", &g), 0);
	assert_string_equal(g.country, "");
	assert_int_equal(geo_lookup("not an address", &g), 0);
	assert_string_equal(g.country, "");
	assert_string_equal(geo_source(), "GeoIP country database (2019)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_param), cmocka_unit_test(test_param_truncated),
		cmocka_unit_test(test_host), cmocka_unit_test(test_source_groups),
		cmocka_unit_test(test_os), cmocka_unit_test(test_geo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
