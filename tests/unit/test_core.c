/* test_core.c - arena, router, JSON input checks and validation, paging cursors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "http.h"
#include "json_in.h"
#include "metrics.h"
#include "range.h"
#include "ratelimit.h"
#include "router.h"
#include "testutil.h"

/* ---- arena ---- */
static int cleaned;
static void count_cleanup(void *p) { cleaned += *(int *)p; }

static void test_arena_alloc_and_cleanup(void **state)
{
	arena_t *a = arena_new(1024);
	assert_non_null(a);
	char *s = arena_strdup(a, "Photovoltaik");
	assert_string_equal(s, "Photovoltaik");
	assert_int_equal((uintptr_t)arena_alloc(a, 3) % 16, 0);
	/* grows past the first block */
	for (int i = 0; i < 100; i++)
		assert_non_null(arena_alloc(a, 1000));
	static int one = 1, two = 2;
	cleaned = 0;
	assert_int_equal(arena_cleanup(a, count_cleanup, &one), 0);
	assert_int_equal(arena_cleanup(a, count_cleanup, &two), 0);
	arena_reset(a);
	assert_int_equal(cleaned, 3);
	assert_int_equal(arena_used(a), 0);
	assert_string_equal(arena_printf(a, "%d kWp", 30), "30 kWp");
	arena_free(a);
	assert_int_equal(cleaned, 3); /* cleanups ran once only */
}

static void test_arena_cap(void **state)
{
	arena_t *a = arena_new(1024);
	arena_set_cap(a, 8192);
	assert_null(arena_alloc(a, 100000));
	assert_null(arena_calloc(a, SIZE_MAX / 2, 4)); /* overflow refused */
	assert_non_null(arena_alloc(a, 100));
	arena_free(a);
}

static void test_buf_cap(void **state)
{
	buf_t b;
	buf_init(&b, 16);
	assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_int_equal(buf_adds(&b, "0123456789"), -1);
	assert_true(b.oom);
	assert_int_equal(b.len, 10);
	buf_free(&b);
}

/* ---- router ---- */
static int dummy(req_t *r) { (void)r; return 0; }

static const route_t table[] = {
	{"GET", "/api/health", ROLE_NONE, 0, dummy, "health", 0, 0, NULL},
	{"GET", "/api/items", ROLE_VIEWER, ACCEPT_JWT, dummy, "list", 0, 0, NULL},
	{"POST", "/api/items", ROLE_EDITOR, ACCEPT_JWT, dummy, "create", 0, 0, NULL},
	{"PATCH", "/api/items/{id}", ROLE_EDITOR, ACCEPT_JWT, dummy, "edit", 0, 0, NULL},
	{"POST", "/api/items/{id}/publish", ROLE_EDITOR, ACCEPT_JWT, NULL, "publish", 0, 0, NULL},
};
#define N (sizeof(table) / sizeof(table[0]))

static void test_router_match(void **state)
{
	char err[128], allow[64];
	const char *params[MAX_PATH_PARAMS] = {0};
	int status = 0;
	arena_t *a = arena_new(1024);
	assert_int_equal(router_init(table, N, err, sizeof(err)), 0);
	const route_t *rt = router_match(table, N, "PATCH", "/api/items/42", a, params, &status,
					 allow, sizeof(allow));
	assert_ptr_equal(rt, &table[3]);
	assert_string_equal(params[0], "42");
	rt = router_match(table, N, "POST", "/api/items/7/publish", a, params, &status, allow,
			  sizeof(allow));
	assert_ptr_equal(rt, &table[4]);
	assert_string_equal(params[0], "7");
	assert_int_equal(router_index(table, N, rt), 4);
	arena_free(a);
}

static void test_router_404_405(void **state)
{
	char allow[64];
	int status = 0;
	assert_null(router_match(table, N, "GET", "/api/nothing", NULL, NULL, &status, allow,
				 sizeof(allow)));
	assert_int_equal(status, 404);
	assert_null(router_match(table, N, "DELETE", "/api/items", NULL, NULL, &status, allow,
				 sizeof(allow)));
	assert_int_equal(status, 405);
	assert_string_equal(allow, "GET, POST");
	/* trailing slash, empty parameter and extra segments do not match */
	assert_null(router_match(table, N, "GET", "/api/items/", NULL, NULL, &status, allow,
				 sizeof(allow)));
	assert_int_equal(status, 404);
	assert_null(router_match(table, N, "PATCH", "/api/items//", NULL, NULL, &status, allow,
				 sizeof(allow)));
	assert_null(router_match(table, N, "GET", "/api/health/x", NULL, NULL, &status, allow,
				 sizeof(allow)));
}

static void test_router_init_refuses_mistakes(void **state)
{
	char err[128];
	const route_t dup[] = {
		{"GET", "/api/a/{id}", ROLE_VIEWER, ACCEPT_JWT, dummy, "a", 0, 0, NULL},
		{"GET", "/api/a/{x}", ROLE_VIEWER, ACCEPT_JWT, dummy, "b", 0, 0, NULL},
	};
	assert_int_equal(router_init(dup, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "duplicates"));
	const route_t bad[] = {{"GET", "/api/A b", ROLE_NONE, 0, dummy, "c", 0, 0, NULL}};
	assert_int_equal(router_init(bad, 1, err, sizeof(err)), -1);
	const route_t norole[] = {{"GET", "/api/x", ROLE_EDITOR, 0, dummy, "d", 0, 0, NULL}};
	assert_int_equal(router_init(norole, 1, err, sizeof(err)), -1);
	const route_t method[] = {{"FETCH", "/api/x", ROLE_NONE, 0, dummy, "e", 0, 0, NULL}};
	assert_int_equal(router_init(method, 1, err, sizeof(err)), -1);
}

/* ---- JSON input ---- */
static void test_utf8(void **state)
{
	const char ok[] = "Wärmepumpe – Größe ✓ 🌞";
	assert_true(utf8_valid(ok, strlen(ok)));
	assert_false(utf8_valid("\xC3\x28", 2));            /* bad continuation */
	assert_false(utf8_valid("\xC0\xAF", 2));            /* overlong '/' */
	assert_false(utf8_valid("\xED\xA0\x80", 3));        /* surrogate */
	assert_false(utf8_valid("\xF4\x90\x80\x80", 4));    /* > U+10FFFF */
	assert_false(utf8_valid("\xE2\x82", 2));            /* truncated */
	assert_int_equal(utf8_len("Größe"), 5);
}

static void test_depth(void **state)
{
	assert_int_equal(json_depth("{\"a\":[1,{\"b\":2}]}", 16), 3);
	assert_int_equal(json_depth("\"[[[[\"", 6), 0);     /* brackets in strings do not count */
	assert_int_equal(json_depth("[\"\\\"[\"]", 7), 1);   /* escaped quote inside a string */
}

static req_t *fake_req(arena_t *a, const char *ctype, const char *body)
{
	req_t *r = arena_calloc(a, 1, sizeof(*r));
	r->arena = a;
	r->content_type = ctype;
	r->body = arena_strdup(a, body);
	r->body_len = strlen(body);
	r->path = "/api/x";
	return r;
}

static void test_json_body_refusals(void **state)
{
	arena_t *a = arena_new(4096);
	cfg.json_max_depth = 32;
	req_t *r = fake_req(a, "application/json", "{\"a\":1,\"a\":2}");
	assert_null(json_body(r));
	assert_int_equal(r->status, 400);           /* duplicate keys */
	r = fake_req(a, "text/html", "{}");
	assert_null(json_body(r));
	assert_int_equal(r->status, 415);
	r = fake_req(a, "application/json", "{\"t\":\"\xff\"}");
	assert_null(json_body(r));
	assert_int_equal(r->status, 400);
	assert_non_null(strstr(r->reply_body, "UTF-8"));
	char deep[200] = "";
	for (int i = 0; i < 40; i++)
		deep[i] = '[';
	for (int i = 40; i < 80; i++)
		deep[i] = ']';
	r = fake_req(a, "application/json", deep);
	assert_null(json_body(r));
	assert_int_equal(r->status, 400);
	assert_non_null(strstr(r->reply_body, "nested"));
	r = fake_req(a, "application/json; charset=utf-8", "{\"ok\":true}");
	assert_non_null(json_body(r));
	arena_free(a);
}

/* A parsed body's nodes come from the arena; nodes added later from malloc.
 * jansson's free() must tell them apart: freeing an arena node, or leaking
 * into glibc a pointer it never gave, aborts the test. */
static void test_arena_json_nodes(void **state)
{
	arena_t *a = arena_new(1024);
	const char *doc = "[{\"type\":\"pageview\",\"url\":\"/a\"},{\"name\":\"CLS\",\"value\":0.1}]";
	json_error_t e;
	int capped = 1;
	size_t before = arena_used(a);
	json_t *j = arena_json_loadb(a, doc, strlen(doc), JSON_REJECT_DUPLICATES, &e, &capped);
	assert_non_null(j);
	assert_int_equal(capped, 0);
	assert_true(arena_used(a) > before + 200);
	json_t *o = json_array_get(j, 0);
	for (int i = 0; i < 40; i++) {          /* the object's table grows: old one freed */
		char k[16];
		snprintf(k, sizeof(k), "k%d", i);
		json_object_set_new(o, k, json_integer(i));
	}
	for (int i = 0; i < 40; i++)
		json_array_append_new(j, json_string("x"));
	json_object_del(o, "url");
	json_object_set_new(json_array_get(j, 1), "value", json_real(0.2));
	char *text = json_dumps(j, JSON_COMPACT);
	assert_non_null(strstr(text, "\"k39\":39"));
	assert_null(strstr(text, "url"));
	free(text);                             /* not the arena's: plain free() */
	arena_reset(a);                         /* json_decref of arena and malloc nodes */
	json_t *m = json_pack("{s:[i,i]}", "a", 1, 2);
	json_decref(m);
	j = arena_json_loadb(a, "{\"a\":1,\"a\":2}", 13, JSON_REJECT_DUPLICATES, &e, &capped);
	assert_null(j);                         /* a parse error, not the cap */
	assert_int_equal(capped, 0);
	j = arena_json_loadb(a, "{\"b\":[true]}", 12, 0, &e, &capped);
	assert_true(json_is_true(json_array_get(json_object_get(j, "b"), 0)));
	arena_free(a);
	m = json_loads("[\"after the arena\"]", 0, NULL);
	json_decref(m);
}

/* Hostile input: a megabyte of "{}," is ~70 MB of nodes. The arena's cap
 * stops the parse, leaves room to answer, and the body is refused. */
static void test_arena_json_cap(void **state)
{
	arena_t *a = arena_new(4096);
	arena_set_cap(a, 4u << 20);
	size_t n = 100000, len = 3 * n + 1;
	char *doc = malloc(len + 1);
	doc[0] = '[';
	for (size_t i = 0; i < n; i++)
		memcpy(doc + 1 + 3 * i, "{},", 3);
	doc[len - 1] = ']';
	doc[len] = '\0';
	json_error_t e;
	int capped = 0;
	assert_null(arena_json_loadb(a, doc, len, 0, &e, &capped));
	assert_int_equal(capped, 1);
	assert_non_null(arena_alloc(a, 512 * 1024));    /* the reserve */
	arena_reset(a);
	cfg.json_max_depth = 32;
	cfg.body_limit = 1u << 20;
	req_t *r = fake_req(a, "application/json", doc);
	assert_null(json_body(r));
	assert_int_equal(r->status, 400);
	assert_non_null(strstr(r->reply_body, "more memory than a request may use"));
	arena_reset(a);
	r = fake_req(a, "application/json", "[{},{},{}]");
	assert_int_equal(json_array_size(json_body(r)), 3);
	arena_reset(a);
	cfg.body_limit = 1024;                  /* a route's larger limit: malloc's nodes */
	doc[3 * 1000] = ']';
	doc[3 * 1000 + 1] = '\0';
	r = fake_req(a, "application/json", doc);
	size_t before = arena_used(a);
	assert_int_equal(json_array_size(json_body(r)), 1000);
	assert_true(arena_used(a) - before < 1024);
	arena_free(a);
	free(doc);
}

static void test_validate_collects_every_error(void **state)
{
	static const char *const kinds[] = {"a", "b", NULL};
	const vrule_t rules[] = {
		{"email", V_EMAIL, 1, 3, 254, NULL, NULL},
		{"name", V_STRING, 1, 1, 5, NULL, NULL},
		{"rating", V_INT, 1, 1, 5, NULL, NULL},
		{"kind", V_STRING, 0, 0, 0, kinds, NULL},
		{"url", V_URL, 0, 0, 0, NULL, NULL},
		{"day", V_DATE, 0, 0, 0, NULL, NULL},
	};
	json_t *errors = json_array();
	json_t *obj = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "email", "nope", "name",
				"Größere", "rating", 9, "kind", "c", "url", "ftp://x", "day", "2026-13-01");
	assert_int_equal(validate(obj, rules, 6, "[3]", errors), 6);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "field")),
			    "[3].email");
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 1), "field")),
			    "[3].name");
	json_decref(obj);
	json_array_clear(errors);
	obj = json_pack("{s:s, s:s, s:i}", "email", "a@zoe-solar.de", "name", "Jörg", "rating", 5);
	assert_int_equal(validate(obj, rules, 6, "", errors), 0);
	json_decref(obj);
	obj = json_object();
	assert_int_equal(validate(obj, rules, 6, "", errors), 3); /* three required */
	json_decref(obj);
	json_decref(errors);
}

static void test_problem_reply(void **state)
{
	arena_t *a = arena_new(4096);
	req_t *r = fake_req(a, NULL, "");
	json_t *errors = json_array();
	verr(errors, "rating", "must be between %d and %d", 1, 5);
	reply_invalid(r, errors);
	assert_int_equal(r->status, 422);
	assert_string_equal(r->reply_ctype, "application/problem+json");
	json_t *p = json_loads(r->reply_body, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(p, "status")), 422);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(p, "errors"), 0), "field")), "rating");
	json_decref(p);
	arena_free(a);
}

static void test_metrics_bucket_quantile(void **state)
{
	uint64_t b[METRICS_BUCKETS] = {0};
	b[4] = 100;     /* all between 5 and 10 ms */
	double p50 = metrics_bucket_quantile(b, 0.5);
	assert_true(p50 > 0.005 && p50 <= 0.010);
	assert_true(metrics_bucket_quantile(b, 0.99) <= 0.010);
}

/* A bucket of 3 at 2 per second: the burst, then refusals naming the wait,
 * then the refill; never above the burst after a long pause or a clock step. */
static void test_ratelimit_bucket(void **state)
{
	(void)state;
	double tokens = 0, at = 0, wait = -1;
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(&tokens, &at, 100.0, 2, 3, &wait), 0);
	assert_int_equal(ratelimit_take(&tokens, &at, 100.0, 2, 3, &wait), -1);
	assert_near(wait, 0.5, 1e-9);
	assert_int_equal(ratelimit_take(&tokens, &at, 100.25, 2, 3, &wait), -1);
	assert_near(wait, 0.25, 1e-9);
	assert_int_equal(ratelimit_take(&tokens, &at, 100.5, 2, 3, &wait), 0);
	assert_near(wait, 0, 1e-12);
	assert_int_equal(ratelimit_take(&tokens, &at, 1000.0, 2, 3, &wait), 0);
	assert_near(tokens, 2, 1e-9);                 /* full at 3, one taken */
	assert_int_equal(ratelimit_take(&tokens, &at, 999.0, 2, 3, &wait), 0);
	assert_near(tokens, 1, 1e-9);                 /* a step back refills nothing */
}

/* ---- base64 (RFC 4648 section 10 vectors) ---- */
static void test_b64_decode(void **state)
{
	(void)state;
	static const char *const vec[][2] = {
		{"", ""}, {"Zg==", "f"}, {"Zm8=", "fo"}, {"Zm9v", "foo"}, {"Zm9vYg==", "foob"},
		{"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"}, {"Zm9v\r\nYmFy", "foobar"},
		{" Zm9v YmE= \n", "fooba"},
	};
	unsigned char out[16];
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		long n = crypto_b64_decode(vec[i][0], strlen(vec[i][0]), out, sizeof out);
		assert_int_equal(n, (long)strlen(vec[i][1]));
		assert_memory_equal(out, vec[i][1], (size_t)n);
	}
	/* every byte value through the encoder and back */
	unsigned char all[256], back[256];
	char enc[4 * 86 + 1];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	crypto_b64(all, sizeof all, enc);
	assert_int_equal(crypto_b64_decode(enc, strlen(enc), back, sizeof back), 256);
	assert_memory_equal(all, back, 256);
	/* refused: base64url letters, stray characters, bad or missing padding,
	 * data after padding, non-zero pad bits, output beyond the buffer */
	static const char *const bad[] = {"Zm9v-_==", "Zm9v!", "Zg", "Zg=", "Zg===", "Z===",
					  "Zg==Zm9v", "Zh==", "Zm9=", "====", "Zm9vYmFy\x01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(crypto_b64_decode(bad[i], strlen(bad[i]), out, sizeof out), -1);
	assert_int_equal(crypto_b64_decode("Zm9vYmFy", 8, out, 5), -1);
	assert_int_equal(crypto_b64_decode("Zm9vYmFy", 8, out, 6), 6);
}

/* ---- paging cursors ---- */
static void test_cursor(void **state)
{
	(void)state;
	long long off = -1;
	static const long long offs[] = {0, 1, 100, 1900, 9223372036854775807LL};
	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		json_t *c = cursor_new(offs[i]);
		assert_int_equal(cursor_read(json_string_value(c), &off), 0);
		assert_true(off == offs[i]);
		json_decref(c);
	}
	json_t *c = cursor_new(100);
	assert_string_equal(json_string_value(c), "b2Zmc2V0OjEwMA");     /* "offset:100" */
	json_decref(c);
	/* not ours: a bare number, base64url of other text, a negative or empty
	 * offset, trailing bytes, characters outside base64url */
	static const char *const bad[] = {"100", "aGVsbG8gd29ybGQ", "b2Zmc2V0Oi0x", "b2Zmc2V0Og",
					  "b2Zmc2V0OjEweA", "b2Zmc2V0OjEwMA==!", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(cursor_read(bad[i], &off), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_alloc_and_cleanup),
		cmocka_unit_test(test_arena_cap),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_router_match),
		cmocka_unit_test(test_router_404_405),
		cmocka_unit_test(test_router_init_refuses_mistakes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_json_body_refusals),
		cmocka_unit_test(test_arena_json_nodes),
		cmocka_unit_test(test_arena_json_cap),
		cmocka_unit_test(test_validate_collects_every_error),
		cmocka_unit_test(test_problem_reply),
		cmocka_unit_test(test_metrics_bucket_quantile),
		cmocka_unit_test(test_ratelimit_bucket),
		cmocka_unit_test(test_b64_decode),
		cmocka_unit_test(test_cursor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
