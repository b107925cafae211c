/* test_mediatype.c - Content-Type parsing, and which media types a JSON body
 * may come in on which route. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "http.h"
#include "json_in.h"
#include "mediatype.h"
#include "router.h"

static void parsed(const char *s, const char *type, const char *subtype, const char *charset)
{
	mediatype_t mt;
	if (mediatype_parse(s, &mt) != 0)
		fail_msg("'%s' did not parse", s);
	assert_string_equal(mt.type, type);
	assert_string_equal(mt.subtype, subtype);
	assert_string_equal(mt.charset, charset);
}

static void test_parse(void **state)
{
	(void)state;
	parsed("application/json", "application", "json", "");
	parsed("Application/JSON", "application", "json", "");
	parsed("application/json; charset=UTF-8", "application", "json", "utf-8");
	parsed("application/json;charset=utf-8", "application", "json", "utf-8");
	parsed("application/json ;\tcharset=\"utf-8\"", "application", "json", "utf-8");
	parsed("application/json; charset=\"ut\\f-8\"", "application", "json", "utf-8");
	parsed("  application/json  ", "application", "json", "");
	parsed("application/json;", "application", "json", "");
	parsed("application/json; profile=\"https://zoe-solar.de/a; b\"; Charset=latin1",
	       "application", "json", "latin1");
	parsed("application/json-patch+json", "application", "json-patch+json", "");
	parsed("text/plain;charset=UTF-8", "text", "plain", "utf-8");
	parsed("application/vnd.api+json", "application", "vnd.api+json", "");
}

static void test_parse_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "   ", "application", "application/", "/json", "application/json/x",
		"application /json", "application/ json", "application/js on", "appli\"cation/json",
		"application/json; charset", "application/json; =utf-8", "application/json; charset =utf-8",
		"application/json; charset= utf-8", "application/json; charset=\"utf-8",
		"application/json; charset=utf-8 x", "application/json, text/plain",
		"application/json; charset=utf-8; charset=utf-8", "application/json; a=\"\x01\"",
		"application/\xC3\xA4json",
	};
	mediatype_t mt;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mediatype_parse(bad[i], &mt) != -1)
			fail_msg("'%s' parsed", bad[i]);
	assert_int_equal(mediatype_parse(NULL, &mt), -1);
	char longsub[200] = "application/";
	memset(longsub + 12, 'x', 150);
	longsub[162] = '\0';
	assert_int_equal(mediatype_parse(longsub, &mt), -1);
}

static void test_is(void **state)
{
	(void)state;
	mediatype_t mt;
	assert_int_equal(mediatype_parse("Application/JSON; charset=utf-8", &mt), 0);
	assert_true(mediatype_is(&mt, "application/json"));
	assert_false(mediatype_is(&mt, "application/jsonx"));
	assert_false(mediatype_is(&mt, "application/js"));
	assert_false(mediatype_is(&mt, "text/json"));
	assert_int_equal(mediatype_parse("application/jsonx", &mt), 0);
	assert_false(mediatype_is(&mt, "application/json"));
}

/* ---- the media types of a JSON body, by route ---- */
static const route_t json_route = {.method = "POST", .pattern = "/api/x",
				   .min_role = ROLE_EDITOR, .accept = ACCEPT_JWT};
static const route_t beacon_route = {.method = "POST", .pattern = "/api/track",
				     .accept = ACCEPT_SITEKEY};
static const route_t patch_route = {.method = "PATCH", .pattern = "/api/x/{id}",
				    .min_role = ROLE_EDITOR, .accept = ACCEPT_JWT};

/* The status json_body answers for `ctype` on route `rt` (200: accepted). */
static int body_status(const route_t *rt, const char *ctype)
{
	arena_t *a = arena_new(4096);
	req_t *r = arena_calloc(a, 1, sizeof(*r));
	r->arena = a;
	r->route = rt;
	r->method = rt->method;
	r->path = rt->pattern;
	r->content_type = ctype;
	r->body = arena_strdup(a, "{\"ok\": true}");
	r->body_len = strlen(r->body);
	int status = json_body(r) ? 200 : r->status;
	if (status == 415) {
		assert_string_equal(r->reply_ctype, "application/problem+json");
		assert_non_null(strstr(r->reply_body, "\"field\":\"Content-Type\""));
	}
	arena_free(a);
	return status;
}

static void test_json_body_types(void **state)
{
	(void)state;
	cfg.json_max_depth = 32;
	static const struct { const route_t *rt; const char *ctype; int status; } cases[] = {
		{&json_route, "application/json", 200},
		{&json_route, "Application/JSON", 200},
		{&json_route, "application/json; charset=UTF-8", 200},
		{&json_route, "application/json;charset=\"utf-8\"", 200},
		{&json_route, "application/jsonx", 415},
		{&json_route, "application/json-patch+json", 415},
		{&json_route, "application/merge-patch+json", 415},
		{&json_route, "application/problem+json", 415},
		{&json_route, "text/json", 415},
		{&json_route, "application/json; charset=latin1", 415},
		{&json_route, "application/json; charset=utf-16", 415},
		{&json_route, "application/json, text/plain", 415},
		{&json_route, "text/plain", 415},
		{&json_route, NULL, 415},
		/* navigator.sendBeacon and Plausible's tracker send text/plain */
		{&beacon_route, "text/plain", 200},
		{&beacon_route, "text/plain;charset=UTF-8", 200},
		{&beacon_route, "application/json", 200},
		{&beacon_route, "text/plain; charset=iso-8859-1", 415},
		{&beacon_route, "text/plainx", 415},
		{&beacon_route, "text/html", 415},
		/* RFC 7396 merge patches on PATCH routes only */
		{&patch_route, "application/merge-patch+json", 200},
		{&patch_route, "application/json", 200},
		{&patch_route, "application/json-patch+json", 415},
		{&patch_route, "text/plain", 415},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = body_status(cases[i].rt, cases[i].ctype);
		if (got != cases[i].status)
			fail_msg("%s %s with '%s': %d, want %d", cases[i].rt->method,
				 cases[i].rt->pattern, cases[i].ctype ? cases[i].ctype : "(none)", got,
				 cases[i].status);
	}
}

static void test_body_types_listed(void **state)
{
	(void)state;
	char buf[128];
	assert_string_equal(json_body_types(&json_route, buf, sizeof(buf)), "application/json");
	assert_string_equal(json_body_types(&beacon_route, buf, sizeof(buf)),
			    "application/json, text/plain");
	assert_string_equal(json_body_types(&patch_route, buf, sizeof(buf)),
			    "application/json, application/merge-patch+json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_is),
		cmocka_unit_test(test_json_body_types),
		cmocka_unit_test(test_body_types_listed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
