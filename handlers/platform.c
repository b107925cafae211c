/* platform.c - health, readiness, Prometheus metrics and the OpenAPI document. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "handlers.h"
#include "metrics.h"
#include "migrate.h"
#include "router.h"
#include "auth.h"

int h_health(req_t *r)
{
	static const char body[] = "{\"status\":\"ok\"}";
	return reply_raw(r, 200, "application/json", body, sizeof(body) - 1);
}

int h_ready(req_t *r)
{
	json_t *pending = arena_json(r->arena, migrate_pending_new());
	int ok = pending && json_array_size(pending) == 0;
	json_t *j = arena_json(r->arena, json_pack("{s:s, s:b, s:O?}",
		"status", ok ? "ready" : "not ready", "database", pending != NULL,
		"pending_migrations", pending));
	return reply_json(r, ok ? 200 : 503, j);
}

int h_metrics(req_t *r)
{
	buf_t b;
	buf_init(&b, 4u << 20);
	int rc = metrics_render(&b, routes, routes_count);
	if (rc == 0)
		reply_raw(r, 200, "text/plain; version=0.0.4", b.data, b.len);
	else
		reply_problem(r, 500, "metrics are not available", NULL);
	buf_free(&b);
	return 0;
}

/* "/a/{id}/b" -> parameters array for OpenAPI. */
static json_t *path_params(const char *pattern)
{
	json_t *params = json_array();
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e)
			break;
		json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name",
			p + 1, (size_t)(e - p - 1), "in", "path", "required", 1, "schema", "type",
			"string"));
	}
	return params;
}

static json_t *security_of(const route_t *rt)
{
	json_t *sec = json_array();
	if (rt->accept & ACCEPT_JWT)
		json_array_append_new(sec, json_pack("{s:[]}", "bearer"));
	if (rt->accept & ACCEPT_APIKEY)
		json_array_append_new(sec, json_pack("{s:[]}", "apiKey"));
	if (rt->accept & ACCEPT_SITEKEY)
		json_array_append_new(sec, json_pack("{s:[]}", "siteKey"));
	return sec;
}

static json_t *operation(const route_t *rt)
{
	static const char *const tags[] = {"platform", "", "level2", "level3", "level4", "level5"};
	int level = rt->spec_no == 0 ? 0 : rt->spec_no <= 10 ? 2 : rt->spec_no <= 25 ? 3
		  : rt->spec_no <= 42 ? 4 : 5;
	char desc[160];
	snprintf(desc, sizeof(desc), "%sMinimum role: %s.%s",
		 rt->spec_no ? "" : "Platform endpoint. ",
		 rt->min_role ? role_name(rt->min_role) : "none",
		 rt->handler ? "" : " Not built yet: answers 501.");
	json_t *op = json_pack("{s:s, s:s, s:[s], s:o, s:o, s:{s:{s:s}, s:{s:s}}}",
		"summary", rt->summary, "description", desc, "tags", tags[level],
		"parameters", path_params(rt->pattern), "security", security_of(rt),
		"responses", "default", "description", "application/json or problem+json",
		"501", "description", "not built yet");
	if (op && rt->spec_no)
		json_object_set_new(op, "x-spec-number", json_integer(rt->spec_no));
	return op;
}

int h_openapi(req_t *r)
{
	json_t *paths = json_object();
	for (size_t i = 0; i < routes_count; i++) {
		const route_t *rt = &routes[i];
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		char m[8];
		size_t k = 0;
		for (; rt->method[k] && k < sizeof(m) - 1; k++)
			m[k] = (char)(rt->method[k] | 0x20);
		m[k] = '\0';
		json_object_set_new(item, m, operation(rt));
	}
	json_t *doc = arena_json(r->arena, json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, "
		"s:{s:s, s:s, s:s}}}}",
		"openapi", "3.1.0", "info", "title", "ZOE Solar platform API", "version", "0.1.0",
		"description", "Generated from the handler table (handlers/routes.c).",
		"paths", paths, "components", "securitySchemes",
		"bearer", "type", "http", "scheme", "bearer", "bearerFormat", "JWT",
		"apiKey", "type", "apiKey", "in", "header", "name", "X-Api-Key",
		"siteKey", "type", "apiKey", "in", "header", "name", "X-Site-Key"));
	if (!doc)
		return reply_problem(r, 500, "out of memory", NULL);
	return reply_json(r, 200, doc);
}
