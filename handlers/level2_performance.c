/* level2_performance.c - #10 GET /api/level2/performance/monitor.
 *
 * This backend's own performance, read from the shared memory every worker
 * of the pool writes to (core/metrics.c), never from the database: per route
 * the request count, the 5xx share and p50/p95/p99 latency over the last
 * 1 min, 5 min and 1 h (the ring of ten-second slots), the same over all
 * routes, PostgreSQL round trips, worker restarts and workers alive.
 *
 * The figures are those /metrics exposes: count and errors are the ring's
 * share of zoe_requests_total{method,route,class} (class="5xx" = errors), the
 * percentiles are interpolated in the buckets of
 * zoe_request_duration_seconds, db comes from zoe_db_roundtrip_seconds_count
 * and _sum, workers from zoe_worker_restarts_total and zoe_workers. Routes
 * are listed when they had traffic in the last hour, or all with ?all=1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers.h"
#include "json_in.h"
#include "metrics.h"
#include "router.h"

/* The windows reported, in minutes (the ring holds one hour). */
static const struct {
	const char *name;
	int minutes;
} windows[] = {{"1m", 1}, {"5m", 5}, {"1h", 60}};

#define N_WINDOWS (sizeof(windows) / sizeof(windows[0]))

/* Where each figure lives in /metrics (part of the reply, for dashboards). */
static const char *const metrics_names[][2] = {
	{"count", "zoe_requests_total (sum over class), last N minutes"},
	{"errors", "zoe_requests_total{class=\"5xx\"}, last N minutes"},
	{"p50_ms/p95_ms/p99_ms", "zoe_request_duration_seconds buckets, last N minutes"},
	{"db.roundtrips/db.mean_ms", "zoe_db_roundtrip_seconds_count / _sum (since start)"},
	{"workers.restarts", "zoe_worker_restarts_total"},
	{"workers.alive", "zoe_workers"},
};

/* Milliseconds rounded to 0.01, or JSON null for NAN (no requests). */
static json_t *ms_new(double seconds)
{
	return isnan(seconds) ? json_null() : json_real(round(seconds * 1e5) / 100);
}

static json_t *window_json(const metrics_window_t *w)
{
	json_t *rate = w->count ? json_real(round((double)w->errors / (double)w->count * 1e4) / 1e4)
				: json_null();
	return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o}", "count", (json_int_t)w->count,
			 "errors", (json_int_t)w->errors, "error_rate", rate,
			 "p50_ms", ms_new(w->p50), "p95_ms", ms_new(w->p95), "p99_ms", ms_new(w->p99));
}

/* {"1m": {...}, "5m": {...}, "1h": {...}} for route index idx (-1 unmatched,
 * -2 all); *hour gets the 1 h count. */
static json_t *windows_json(int idx, uint64_t *hour)
{
	json_t *j = json_object();
	for (size_t k = 0; k < N_WINDOWS; k++) {
		metrics_window_t w;
		metrics_window(idx, windows[k].minutes, &w);
		json_object_set_new(j, windows[k].name, window_json(&w));
		if (windows[k].minutes == 60)
			*hour = w.count;
	}
	return j;
}

static int by_traffic(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t cx = json_integer_value(json_object_get(json_object_get(
		json_object_get(x, "windows"), "1h"), "count"));
	json_int_t cy = json_integer_value(json_object_get(json_object_get(
		json_object_get(y, "windows"), "1h"), "count"));
	if (cx != cy)
		return cx < cy ? 1 : -1;
	return (int)(json_integer_value(json_object_get(x, "index")) -
		     json_integer_value(json_object_get(y, "index")));
}

/* Routes (with traffic in the last hour unless `all`), busiest first. */
static json_t *routes_json(int all)
{
	json_t **v = calloc(routes_count + 1, sizeof(*v)), *list = json_array();
	size_t n = 0;
	if (!v || !list) {
		free(v);
		json_decref(list);
		return NULL;
	}
	for (size_t i = 0; i < routes_count; i++) {
		uint64_t hour = 0;
		json_t *w = windows_json((int)i, &hour);
		if (!all && hour == 0) {
			json_decref(w);
			continue;
		}
		v[n++] = json_pack("{s:s, s:s, s:i, s:I, s:o}", "method", routes[i].method,
				   "route", routes[i].pattern, "spec_no", routes[i].spec_no,
				   "index", (json_int_t)i, "windows", w);
	}
	qsort(v, n, sizeof(*v), by_traffic);
	for (size_t i = 0; i < n; i++) {
		json_object_del(v[i], "index");
		json_array_append_new(list, v[i]);
	}
	free(v);
	return list;
}

static json_t *sources_json(void)
{
	json_t *j = json_object();
	for (size_t i = 0; i < sizeof(metrics_names) / sizeof(metrics_names[0]); i++)
		json_object_set_new(j, metrics_names[i][0], json_string(metrics_names[i][1]));
	return j;
}

static const char *const flags[] = {"0", "1", "true", "false", NULL};
static const vrule_t monitor_query[] = {
	{"all", V_STRING, 0, 0, 0, flags, NULL},
};
const api_op_t op_perf_monitor = {VRULES(monitor_query), NULL, NULL, 0, NULL};

int h_perf_monitor(req_t *r)
{
	const char *all = req_query(r, "all");     /* checked by the router (monitor_query) */
	int want_all = all && (strcmp(all, "1") == 0 || strcmp(all, "true") == 0);

	uint64_t db_count, hour_all, hour_unmatched;
	double db_sum;
	metrics_db_stats(&db_count, &db_sum);
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *routes_list = routes_json(want_all);
	json_t *j = arena_json(r->arena, json_pack(
		"{s:s, s:s, s:[s,s,s], s:o, s:o, s:o, s:{s:I, s:o}, s:{s:i, s:I}, s:o}",
		"generated_at", now, "source", "shared memory of the worker pool (as /metrics)",
		"windows", "1m", "5m", "1h", "overall", windows_json(-2, &hour_all),
		"routes", routes_list ? routes_list : json_null(),
		"unmatched", windows_json(-1, &hour_unmatched),
		"db", "roundtrips", (json_int_t)db_count,
		"mean_ms", db_count ? json_real(round(db_sum / (double)db_count * 1e5) / 100)
				    : json_null(),
		"workers", "alive", metrics_workers_alive(),
		"restarts", (json_int_t)metrics_worker_restarts(), "metrics", sources_json()));
	if (!j || !routes_list)
		return reply_problem(r, 500, "out of memory", NULL);
	return reply_json(r, 200, j);
}
