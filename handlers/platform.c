/* platform.c - health, readiness, Prometheus metrics and the OpenAPI document. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "handlers.h"
#include "metrics.h"
#include "migrate.h"
#include "openapi.h"
#include "config.h"
#include "router.h"

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

int h_openapi(req_t *r)
{
	json_t *doc = arena_json(r->arena, openapi_new(routes, routes_count, cfg.public_url));
	if (!doc)
		return reply_problem(r, 500, "out of memory", NULL);
	return reply_json(r, 200, doc);
}
