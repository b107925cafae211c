/* platform.c - health, readiness, Prometheus metrics and the OpenAPI document. */
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

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

/* What an operator alerts on besides requests, read in one round trip per scrape: the job
 * queue, the rollups' progress, the database's size and replicas' lag (on a primary). */
static const db_stmt_t q_gauges = {"metrics_gauges",
	"SELECT (SELECT count(*) FROM jobs WHERE done_at IS NULL AND run_at <= now()"
	"         AND (locked_until IS NULL OR locked_until < now())),"
	"       (SELECT count(*) FROM jobs WHERE done_at IS NULL AND locked_until >= now()),"
	"       (SELECT coalesce(extract(epoch FROM now() - min(run_at)), 0) FROM jobs"
	"         WHERE done_at IS NULL AND run_at <= now()),"
	"       (SELECT extract(epoch FROM now() - ran_at) FROM rollup_state),"
	"       (SELECT extract(epoch FROM greatest(interval '0',"
	"         date_trunc('hour', now()) - coalesce(rolled_until, date_trunc('hour', now()))))"
	"         FROM rollup_state),"
	"       pg_database_size(current_database()),"
	"       (SELECT max(extract(epoch FROM coalesce(replay_lag, interval '0')))"
	"         FROM pg_stat_replication)"};

static const struct gauge {
	const char *name, *help;
} gauges[] = {
	{"zoe_jobs_due", "Jobs due and not taken by a runner."},
	{"zoe_jobs_running", "Jobs a runner holds a lease on."},
	{"zoe_job_oldest_due_seconds", "Age of the oldest job due and not done (0: none)."},
	{"zoe_rollup_last_run_age_seconds", "Seconds since the rollup job last ran."},
	{"zoe_rollup_behind_seconds", "Closed hours of events not yet in the rollups, in seconds."},
	{"zoe_database_size_bytes", "Size of the platform's database."},
	{"zoe_replica_lag_seconds", "Largest replay lag of a streaming replica (absent: none)."},
};

static void metrics_gauges(arena_t *a, buf_t *b)
{
	PGresult *res = db_run(a, &q_gauges, 0, NULL);
	buf_printf(b, "# HELP zoe_database_up The pool reached PostgreSQL for this scrape.\n"
		      "# TYPE zoe_database_up gauge\nzoe_database_up %d\n", res != NULL);
	for (size_t i = 0; res && i < sizeof(gauges) / sizeof(gauges[0]); i++) {
		buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", gauges[i].name, gauges[i].help,
			   gauges[i].name);
		if (db_get(res, 0, (int)i))     /* NULL: no replica, no rollup run yet */
			buf_printf(b, "%s %.15g\n", gauges[i].name, db_getd(res, 0, (int)i, 0));
	}
	struct statvfs fs;
	if (statvfs(cfg.var_dir, &fs) == 0) {
		buf_printf(b, "# HELP zoe_disk_free_bytes Free space of the data folder's file system.\n"
			      "# TYPE zoe_disk_free_bytes gauge\nzoe_disk_free_bytes %.15g\n"
			      "# HELP zoe_disk_size_bytes Size of the data folder's file system.\n"
			      "# TYPE zoe_disk_size_bytes gauge\nzoe_disk_size_bytes %.15g\n",
			   (double)fs.f_bavail * fs.f_frsize, (double)fs.f_blocks * fs.f_frsize);
	}
}

int h_metrics(req_t *r)
{
	buf_t b;
	buf_init(&b, 4u << 20);
	int rc = metrics_render(&b, routes, routes_count);
	if (rc == 0)
		metrics_gauges(r->arena, &b);
	if (rc == 0)
		reply_raw(r, 200, "text/plain; version=0.0.4", b.data, b.len);
	else
		reply_problem(r, 500, "metrics are not available", NULL);
	buf_free(&b);
	return 0;
}

/* The description cannot change while the process runs: built once per worker. */
int h_openapi(req_t *r)
{
	static char *text;
	if (!text) {
		json_t *doc = openapi_new(routes, routes_count, cfg.public_url);
		text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
		json_decref(doc);
	}
	if (!text)
		return reply_problem(r, 500, "out of memory", NULL);
	return reply_raw(r, 200, "application/json; charset=utf-8", text, strlen(text));
}
