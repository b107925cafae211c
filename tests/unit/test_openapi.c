/* test_openapi.c - operationIds, query validation by the router and the
 * OpenAPI description derived from a route table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "json_in.h"
#include "openapi.h"
#include "router.h"

static int dummy(req_t *r) { (void)r; return 0; }

static const char *const sizes[] = {"s", "m", "l", NULL};
static const vrule_t list_query[] = {
	{"size", V_STRING, 0, 0, 0, sizes, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
	{"from", V_DATE, 0, 0, 0, NULL, NULL},
};
/* What the table cannot say; "limit" is the table's already. */
static void list_check(req_t *r, json_t *errors)
{
	const char *limit = req_query(r, "limit"), *cursor = req_query(r, "cursor");
	if (limit && strcmp(limit, "0") == 0)
		verr(errors, "limit", "second opinion");
	if (cursor && strcmp(cursor, "c1") != 0)
		verr(errors, "cursor", "is not a cursor this route gave out");
}
static const api_op_t list_op = {VRULES(list_query), NULL, NULL, 0, list_check};
static const vrule_t item_rules[] = {
	{"name", V_STRING, 1, 1, 80, NULL, NULL},
	{"rating", V_INT, 0, 1, 5, NULL, NULL},
};
static const vschema_t item = {"Item", VRULES(item_rules), NULL, 0, 100};
static const api_op_t create_op = {NULL, 0, &item, "{\"name\": \"Wallbox\"}", 202, NULL};

static const route_t table[] = {
	{"GET", "/api/health", ROLE_NONE, 0, dummy, "health", 0, 0, NULL},
	{"GET", "/api/level2/ux-signals/metrics", ROLE_VIEWER, ACCEPT_JWT, dummy, "m", 4, 0, NULL},
	{"GET", "/api/level5/items", ROLE_VIEWER, ACCEPT_JWT | ACCEPT_APIKEY, dummy, "list", 53, 0,
	 &list_op},
	{"POST", "/api/level5/items", ROLE_EDITOR, ACCEPT_JWT, dummy, "create", 52, 0, &create_op},
	{"PATCH", "/api/level5/items/{id}", ROLE_EDITOR, ACCEPT_JWT, NULL, "edit", 50, 0, NULL},
	{"GET", "/api/openapi.json", ROLE_NONE, 0, dummy, "doc", 0, 0, NULL},
};
#define N (sizeof(table) / sizeof(table[0]))

static const char *op_id(const route_t *rt)
{
	static char id[96];
	router_operation_id(table, N, rt, id, sizeof(id));
	return id;
}

static void test_operation_ids(void **state)
{
	assert_string_equal(op_id(&table[0]), "health");
	assert_string_equal(op_id(&table[1]), "level2UxSignalsMetrics");
	assert_string_equal(op_id(&table[2]), "level5ItemsGet");
	assert_string_equal(op_id(&table[3]), "level5ItemsPost");
	assert_string_equal(op_id(&table[4]), "level5ItemsById");
	assert_string_equal(op_id(&table[5]), "openapiJson");
	char err[160];
	assert_int_equal(router_init(table, N, err, sizeof(err)), 0);
	const route_t clash[] = {
		{"GET", "/api/a-b", ROLE_NONE, 0, dummy, "a", 0, 0, NULL},
		{"GET", "/api/a/b", ROLE_NONE, 0, dummy, "b", 0, 0, NULL},
	};
	assert_int_equal(router_init(clash, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "operationId aB"));
}

/* Runs the router's query check on `query`; returns the reply body or NULL. */
static const char *check(arena_t *a, const char *query, int *status)
{
	req_t r = {0};
	r.arena = a;
	r.route = &table[2];
	r.query = query;
	int rc = router_check_query(&r);
	*status = r.status;
	return rc < 0 ? r.reply_body : NULL;
}

static void test_router_checks_query(void **state)
{
	arena_t *a = arena_new(4096);
	int status = 0;
	assert_null(check(a, "size=m&limit=20&from=2026-01-31", &status));
	assert_null(check(a, NULL, &status));
	const char *body = check(a, "size=xl&limit=0&from=31.01.2026&other=1", &status);
	assert_int_equal(status, 422);
	assert_non_null(body);
	json_t *p = json_loads(body, 0, NULL);
	json_t *errors = json_object_get(p, "errors");
	assert_int_equal(json_array_size(errors), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "field")),
			    "size");
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 1), "field")),
			    "limit");
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 2), "field")),
			    "from");
	json_decref(p);
	assert_non_null(check(a, "limit=ten", &status));
	assert_int_equal(status, 422);
	/* the check's errors join the table's, one per field */
	body = check(a, "limit=0&cursor=zz", &status);
	p = json_loads(body, 0, NULL);
	errors = json_object_get(p, "errors");
	assert_int_equal(json_array_size(errors), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 1), "field")),
			    "cursor");
	json_decref(p);
	assert_null(check(a, "cursor=c1", &status));
	arena_free(a);
}

static json_t *op_of(json_t *doc, const char *path, const char *method)
{
	return json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
}

/* The response codes of an operation, as "200 401 ..." in document order. */
static const char *codes(json_t *op)
{
	static char out[128];
	const char *k;
	json_t *v;
	size_t used = 0;
	out[0] = '\0';
	json_object_foreach(json_object_get(op, "responses"), k, v)
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", used ? " " : "", k);
	return out;
}

static void test_description_follows_rows(void **state)
{
	json_t *doc = openapi_new(table, N, "https://api.example.org");
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(doc, "servers"), 0), "url")), "https://api.example.org");
	assert_string_equal(codes(op_of(doc, "/api/health", "get")), "200 500");
	assert_string_equal(codes(op_of(doc, "/api/level5/items", "get")), "200 401 422 500 503");
	assert_string_equal(codes(op_of(doc, "/api/level5/items", "post")),
			    "202 400 401 403 409 413 415 422 500 503");
	assert_string_equal(codes(op_of(doc, "/api/level5/items/{id}", "patch")),
			    "200 401 403 404 412 413 428 501");
	json_t *list = op_of(doc, "/api/level5/items", "get");
	assert_string_equal(json_string_value(json_object_get(list, "operationId")), "level5ItemsGet");
	assert_int_equal(json_array_size(json_object_get(list, "security")), 2);
	json_t *size = json_array_get(json_object_get(list, "parameters"), 0);
	assert_string_equal(json_string_value(json_object_get(size, "in")), "query");
	assert_int_equal(json_array_size(json_object_get(json_object_get(size, "schema"), "enum")), 3);
	json_t *limit = json_object_get(json_array_get(json_object_get(list, "parameters"), 1), "schema");
	assert_int_equal(json_integer_value(json_object_get(limit, "maximum")), 500);
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	json_t *it = json_object_get(schemas, "Item");
	assert_string_equal(json_string_value(json_array_get(json_object_get(it, "required"), 0)),
			    "name");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(it,
		"properties"), "name"), "maxLength")), 80);
	json_t *body = json_object_get(json_object_get(json_object_get(json_object_get(
		op_of(doc, "/api/level5/items", "post"), "requestBody"), "content"), "application/json"),
		"schema");
	assert_int_equal(json_array_size(json_object_get(body, "oneOf")), 2);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operation_ids),
		cmocka_unit_test(test_router_checks_query),
		cmocka_unit_test(test_description_follows_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
