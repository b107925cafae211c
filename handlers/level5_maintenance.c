/* level5_maintenance.c - predictive maintenance of the platform itself:
 * #56 GET /api/level5/maintenance/health, #57 .../predictions and #58
 * .../alerts.
 *
 * #56 checks every part live (a round trip to PostgreSQL, its connections,
 * size and replicas, the pool's shared memory, the job queue, the disk of the
 * data folder) and reads the latest health sample; a table of limits turns
 * figures into ok / degraded / down with the reason. #57 forecasts the time
 * until each prediction rule's threshold from the minute samples of the last
 * 6 hours (a least-squares line as Prometheus's predict_linear, with its 95 %
 * band, and Holt's damped trend with its prediction interval; Mann-Kendall
 * and Sen's slope for the trend) and scores the latest figures for anomalies
 * (robust z, EWMA). #58 lists the alerts the health sample job fired and
 * resolved, and every rule with its hysteresis state (health_sample.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "maintenance.h"
#include "metrics.h"

/* ---- #56 health ----------------------------------------------------------- */

enum status { OK, DEGRADED, DOWN };
static const char *const status_names[] = {"ok", "degraded", "down"};

/* part, figure, above (1: bad when above), degraded and down limits */
static const struct check {
	const char *part, *figure;
	int above;
	double degraded, down;
} checks[] = {
	{"database", "latency_ms", 1, 100, 1000},
	{"database", "connections_share", 1, 0.80, 0.95},
	{"database", "replication_lag_s", 1, 30, 300},
	{"workers", "alive_share", 0, 1, 0.01},   /* fewer alive than started */
	{"job_queue", "oldest_s", 1, 600, 3600},
	{"job_queue", "last_sample_age_s", 1, 180, 900},
	{"webhooks", "failure_rate", 1, 0.20, 0.50},
	{"disk", "free_share", 0, 0.10, 0.05},
	{"requests", "error_rate", 1, 0.05, 0.20},
	{"requests", "p95_ms", 1, 1000, 5000},
	{"alerts", "critical_firing", 1, 0, INFINITY},
};

static const char *const parts[] = {"database", "workers", "job_queue", "webhooks", "cache",
				    "disk", "requests", "alerts"};
#define N_PARTS (sizeof(parts) / sizeof(parts[0]))

static const db_stmt_t q_latest = {"mnt_latest",
	"SELECT (SELECT row_to_json(s)::text FROM health_samples s WHERE NOT hourly"
	"   ORDER BY at DESC LIMIT 1),"
	" (SELECT extract(epoch FROM now() - max(at)) FROM health_samples WHERE NOT hourly),"
	" (SELECT count(*) FROM health_alerts WHERE state = 'firing'),"
	" (SELECT count(*) FROM health_alerts WHERE state = 'firing' AND severity = 'critical')"};

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

static void set(json_t *part, const char *figure, double v)
{
	json_object_set_new(json_object_get(part, "figures"), figure, mnt_num(v));
}

static json_t *part_new(void)
{
	return json_pack("{s:s, s:[], s:{}}", "status", "ok", "reasons", "figures");
}

static void worsen(json_t *part, enum status st, const char *reason)
{
	const char *now = json_string_value(json_object_get(part, "status"));
	if (st > (strcmp(now, "down") == 0 ? DOWN : strcmp(now, "degraded") == 0 ? DEGRADED : OK))
		json_object_set_new(part, "status", json_string(status_names[st]));
	json_array_append_new(json_object_get(part, "reasons"), json_string(reason));
}

/* The database part; returns 0 when PostgreSQL answered. */
static int database_part(req_t *r, json_t *db, json_t *queue)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	PGresult *f = mnt_db_figures(r->arena);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!f) {
		worsen(db, DOWN, arena_printf(r->arena, "unreachable: %s", db_last_message()));
		return -1;
	}
	set(db, "latency_ms", (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	set(db, "connections", db_getd(f, 0, 0, NAN));
	set(db, "max_connections", db_getd(f, 0, 1, NAN));
	set(db, "connections_share", ratio(db_getd(f, 0, 0, NAN), db_getd(f, 0, 1, NAN)));
	set(db, "size_bytes", db_getd(f, 0, 2, NAN));
	set(db, "replication_lag_s", db_getd(f, 0, 3, NAN));
	json_t *tables = db_get(f, 0, 6) ? json_loads(db_get(f, 0, 6), 0, NULL) : NULL;
	json_object_set_new(json_object_get(db, "figures"), "tables",
			    tables ? tables : json_object());
	set(queue, "depth", db_getd(f, 0, 4, NAN));
	set(queue, "oldest_s", db_getd(f, 0, 5, NAN));
	return 0;
}

/* Workers, cache and requests from this pool's shared memory (last 5 min). */
static void pool_parts(json_t *workers, json_t *cache, json_t *requests)
{
	int expected = cfg.workers + cfg.report_workers;
	set(workers, "alive", metrics_workers_alive());
	set(workers, "expected", expected);
	set(workers, "alive_share", ratio(metrics_workers_alive(), expected));
	set(workers, "restarts", (double)metrics_worker_restarts());
	metrics_window_t w;
	metrics_window(-2, 5, &w);
	double lookups = (double)(w.cache_hits + w.cache_misses);
	set(cache, "lookups", lookups);
	set(cache, "hit_rate", ratio((double)w.cache_hits, lookups));
	json_object_set_new(cache, "backend", json_string(cfg.redis ? "redis" : "per worker"));
	set(requests, "count", (double)w.count);
	set(requests, "error_rate", ratio((double)w.errors, (double)w.count));
	set(requests, "p95_ms", w.p95 * 1000);
	json_object_set_new(requests, "window", json_string("5m"));
}

/* Applies the limits of `checks` to the figures of every part. */
static void apply_checks(arena_t *a, json_t *by_part)
{
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const struct check *c = &checks[i];
		json_t *part = json_object_get(by_part, c->part);
		json_t *v = json_object_get(json_object_get(part, "figures"), c->figure);
		if (!json_is_number(v))
			continue;
		double x = json_number_value(v), sign = c->above ? 1 : -1;
		enum status st = sign * (x - c->down) > 0 && isfinite(c->down) ? DOWN
				 : sign * (x - c->degraded) > 0              ? DEGRADED
									     : OK;
		if (st != OK)
			worsen(part, st, arena_printf(a, "%s %g %s %g", c->figure, x,
						      c->above ? ">" : "<",
						      st == DOWN ? c->down : c->degraded));
	}
}

static enum status overall(json_t *by_part)
{
	enum status worst = OK;
	for (size_t i = 0; i < N_PARTS; i++) {
		const char *s = json_string_value(json_object_get(json_object_get(by_part, parts[i]),
								  "status"));
		enum status st = strcmp(s, "down") == 0 ? DOWN : strcmp(s, "degraded") == 0 ? DEGRADED : OK;
		worst = st > worst ? st : worst;
	}
	return worst;
}

/* The latest sample, its age, firing alerts, webhook figures. */
static json_t *sample_parts(req_t *r, json_t *by_part)
{
	PGresult *res = db_run(r->arena, &q_latest, 0, NULL);
	json_t *sample = res && db_get(res, 0, 0) ? json_loads(db_get(res, 0, 0), 0, NULL) : NULL;
	json_t *queue = json_object_get(by_part, "job_queue"), *hooks = json_object_get(by_part, "webhooks");
	json_t *alerts = json_object_get(by_part, "alerts");
	set(queue, "last_sample_age_s", res ? db_getd(res, 0, 1, NAN) : NAN);
	if (res && !db_get(res, 0, 1))
		worsen(queue, DEGRADED, "no health sample yet: is the job runner running?");
	set(alerts, "firing", res ? db_getd(res, 0, 2, NAN) : NAN);
	set(alerts, "critical_firing", res ? db_getd(res, 0, 3, NAN) : NAN);
	json_t *rate = json_object_get(sample, "webhook_failure_rate");
	set(hooks, "failure_rate", json_is_number(rate) ? json_number_value(rate) : NAN);
	if (!json_is_number(rate))
		json_array_append_new(json_object_get(hooks, "reasons"),
				      json_string("no webhook deliveries recorded"));
	return sample ? sample : json_null();
}

int h_maint_health(req_t *r)
{
	json_t *by_part = arena_json(r->arena, json_object());
	for (size_t i = 0; by_part && i < N_PARTS; i++)
		json_object_set_new(by_part, parts[i], part_new());
	if (!by_part)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *sample = json_null();
	if (database_part(r, json_object_get(by_part, "database"),
			  json_object_get(by_part, "job_queue")) == 0)
		sample = sample_parts(r, by_part);
	pool_parts(json_object_get(by_part, "workers"), json_object_get(by_part, "cache"),
		   json_object_get(by_part, "requests"));
	double free_b, total_b;
	mnt_disk(&free_b, &total_b);
	json_t *disk = json_object_get(by_part, "disk");
	set(disk, "free_bytes", free_b);
	set(disk, "total_bytes", total_b);
	set(disk, "free_share", ratio(free_b, total_b));
	apply_checks(r->arena, by_part);
	json_t *j = json_pack("{s:s, s:O, s:o}", "status", status_names[overall(by_part)],
			      "parts", by_part, "latest_sample", sample);
	return j ? reply_json(r, 200, arena_json(r->arena, j))
		 : reply_problem(r, 500, "out of memory", NULL);
}

/* ---- #57 predictions -------------------------------------------------------- */

static json_t *ttt_json(const health_ttt_t *t)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:f}", "eta_s", mnt_num(t->eta), "earliest_s",
			 mnt_num(t->earliest), "latest_s", mnt_num(t->latest), "at_horizon",
			 mnt_num(t->at_horizon), "confidence", t->confidence);
}

#define BAND_POINTS 12

/* The line with its 95 % band and the damped forecast with its 95 %
 * interval at BAND_POINTS + 1 offsets from now to the horizon. */
static json_t *band_json(arena_t *a, const mnt_series_t *s, enum mnt_metric m,
			 const mnt_forecast_t *f, double horizon)
{
	double *t, *v;
	json_t *out = json_array();
	size_t n = mnt_present(a, s, m, &t, &v);
	health_line_t l;
	if (!out || n < 3 || health_line_fit(t, v, n, &l) < 0)
		return out;
	double now = t[n - 1], step = (now - t[0]) / (double)(n - 1);
	for (int k = 0; k <= BAND_POINTS; k++) {
		double dt = horizon * k / BAND_POINTS, half = health_line_band(&l, now + dt, 0.95);
		int h = (int)lround(dt / step);
		double dp = NAN, dsd = NAN;
		if (f->damped_ok && h >= 1) {
			dp = hw_point(&f->damped, h);
			dsd = 1.959963984540054 * sqrt(hw_variance(&f->damped, h));
		}
		json_array_append_new(out, json_pack("{s:f, s:f, s:f, s:f, s:o, s:o, s:o}",
			"offset_s", dt, "linear", health_line_at(&l, now + dt), "lo",
			health_line_at(&l, now + dt) - half, "hi", health_line_at(&l, now + dt) + half,
			"damped", mnt_num(h >= 1 ? dp : f->current), "damped_lo", mnt_num(dp - dsd),
			"damped_hi", mnt_num(dp + dsd)));
	}
	return out;
}

static json_t *history_json(const mnt_series_t *s, enum mnt_metric m)
{
	json_t *out = json_array();
	size_t from = s->n > 60 ? s->n - 60 : 0;
	for (size_t i = from; out && i < s->n; i++)
		if (!isnan(s->v[m][i]))
			json_array_append_new(out, json_pack("[f, f]", s->t[i], s->v[m][i]));
	return out;
}

static json_t *forecast_json(arena_t *a, const mnt_series_t *s, const mnt_rule_t *r, double horizon)
{
	mnt_forecast_t f;
	json_t *j = json_pack("{s:s, s:s, s:s, s:f, s:s, s:f}", "rule", r->name, "metric",
			      mnt_metrics[r->metric].name, "unit", mnt_metrics[r->metric].unit,
			      "threshold", r->limit, "direction", r->above ? "rising" : "falling",
			      "horizon_s", horizon);
	if (mnt_forecast(a, s, r->metric, r->limit, r->above, horizon, &f) < 0) {
		json_object_set_new(j, "n", json_integer((json_int_t)f.n));
		json_object_set_new(j, "status", json_string("insufficient data"));
		return j;
	}
	json_object_set_new(j, "n", json_integer((json_int_t)f.n));
	json_object_set_new(j, "status", json_string("ok"));
	json_object_set_new(j, "current", mnt_num(f.current));
	json_object_set_new(j, "slope_per_hour", mnt_num(f.slope_per_hour));
	json_object_set_new(j, "linear", ttt_json(&f.linear));
	json_object_set_new(j, "damped", f.damped_ok ? ttt_json(&f.damped_ttt) : json_null());
	if (f.damped_ok)
		json_object_set_new(json_object_get(j, "damped"), "phi", json_real(f.damped.phi));
	json_object_set_new(j, "trend", f.mk_ok ? json_pack("{s:f, s:f, s:o, s:b}", "mk_p", f.mk.p,
		"tau", f.mk.tau, "sen_per_hour", mnt_num(f.sen_per_hour), "significant",
		f.mk.p < 0.05) : json_null());
	json_object_set_new(j, "band", band_json(a, s, r->metric, &f, horizon));
	json_object_set_new(j, "history", history_json(s, r->metric));
	return j;
}

static const enum mnt_metric anomaly_metrics[] = {M_P95, M_ERR_RATE, M_REQ_RATE, M_DB_LATENCY,
						  M_QUEUE_DEPTH};

static json_t *anomaly_json(arena_t *a, const mnt_series_t *s, enum mnt_metric m)
{
	mnt_anomaly_t an;
	json_t *j = json_pack("{s:s, s:s}", "metric", mnt_metrics[m].name, "unit", mnt_metrics[m].unit);
	if (mnt_anomaly(a, s, m, &an) < 0) {
		json_object_set_new(j, "n", json_integer((json_int_t)an.n));
		json_object_set_new(j, "status", json_string("insufficient data"));
		return j;
	}
	json_object_set_new(j, "n", json_integer((json_int_t)an.n));
	json_object_set_new(j, "status", json_string("ok"));
	json_object_set_new(j, "robust_z", json_pack("{s:f, s:f, s:f, s:o, s:b, s:o}", "value",
		an.value, "median", an.median, "mad", an.mad, "z", mnt_num(an.z), "flagged",
		an.flagged, "confidence", mnt_num(an.confidence)));
	json_object_set_new(j, "ewma", an.ewma_ok ? json_pack("{s:f, s:f, s:f, s:f, s:f, s:b, s:o}",
		"lambda", 0.2, "z", an.ewma.z, "center", an.ewma.center, "lo", an.ewma.lo, "hi",
		an.ewma.hi, "out", an.ewma.out, "confidence", mnt_num(an.ewma_confidence))
		: json_null());
	json_object_set_new(j, "anomalous", json_boolean(an.flagged || (an.ewma_ok && an.ewma.out)));
	return j;
}

static const vrule_t predictions_query[] = {
	{"horizon_hours", V_INT, 0, 1, 720, NULL, NULL},
};
const api_op_t op_maint_predictions = {VRULES(predictions_query), NULL, NULL, 0, NULL};

int h_maint_predictions(req_t *r)
{
	const char *hq = req_query(r, "horizon_hours");     /* checked by the router */
	double horizon = hq ? strtod(hq, NULL) * 3600 : 0;
	mnt_series_t s;
	if (mnt_series_load(r->arena, 360, &s) < 0)
		return db_fail(r);
	json_t *forecasts = json_array(), *anomalies = json_array();
	for (size_t i = 0; forecasts && i < mnt_rules_count; i++)
		if (strcmp(mnt_rules[i].kind, "prediction") == 0)
			json_array_append_new(forecasts, forecast_json(r->arena, &s, &mnt_rules[i],
					      horizon > 0 ? horizon : mnt_rules[i].horizon));
	for (size_t i = 0; anomalies && i < sizeof(anomaly_metrics) / sizeof(anomaly_metrics[0]); i++)
		json_array_append_new(anomalies, anomaly_json(r->arena, &s, anomaly_metrics[i]));
	json_t *j = arena_json(r->arena, json_pack("{s:I, s:o, s:o, s:o, s:o}", "n", (json_int_t)s.n,
		"from", s.n ? json_real(s.t[0]) : json_null(), "to",
		s.n ? json_real(s.t[s.n - 1]) : json_null(), "forecasts", forecasts, "anomalies",
		anomalies));
	return j ? reply_json(r, 200, j) : reply_problem(r, 500, "out of memory", NULL);
}

/* ---- #58 alerts ----------------------------------------------------------- */

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const db_stmt_t q_alerts = {"mnt_alerts",
	"SELECT coalesce(json_agg(json_build_object('id', id, 'rule', rule, 'kind', kind,"
	"  'severity', severity, 'state', state, 'summary', summary, 'value', value,"
	"  'first_seen', " TS("first_seen") ", 'fired_at', " TS("fired_at") ","
	"  'last_seen', " TS("last_seen") ", 'resolved_at', " TS("resolved_at") ","
	"  'duration_s', extract(epoch FROM coalesce(resolved_at, now()) - first_seen))"
	"  ORDER BY id DESC), '[]')::text"
	" FROM (SELECT * FROM health_alerts WHERE ($1::text IS NULL OR state = $1)"
	"  AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3::int) a"};

static const db_stmt_t q_rule_states = {"mnt_rule_states",
	"SELECT coalesce(json_object_agg(s.rule, json_build_object('hits', s.hits, 'misses',"
	"  s.misses, 'value', s.value, 'since', " TS("s.since") ", 'firing', EXISTS (SELECT 1"
	"  FROM health_alerts a WHERE a.rule = s.rule AND a.state = 'firing'))), '{}')::text"
	" FROM health_rule_state s"};

static json_t *rules_json(json_t *states)
{
	json_t *out = json_array();
	for (size_t i = 0; out && i < mnt_rules_count; i++) {
		const mnt_rule_t *r = &mnt_rules[i];
		json_t *st = json_object_get(states, r->name);
		int firing = json_is_true(json_object_get(st, "firing"));
		json_int_t hits = json_integer_value(json_object_get(st, "hits"));
		json_array_append_new(out, json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:f, s:o, s:i, s:i, s:s, s:s, s:I, s:I, s:O}",
			"name", r->name, "kind", r->kind, "severity", r->severity, "metric",
			mnt_metrics[r->metric].name, "op", r->above ? ">" : "<", "limit", r->limit,
			"horizon_s", r->horizon > 0 ? json_real(r->horizon) : json_null(),
			"fire_after", r->fire_after, "resolve_after", r->resolve_after, "summary",
			r->summary, "state", firing ? "firing" : hits > 0 ? "pending" : "ok", "hits",
			hits, "misses", json_integer_value(json_object_get(st, "misses")), "value",
			json_object_get(st, "value") ? json_object_get(st, "value") : json_null()));
	}
	return out;
}

/* The cursor: base64url of "v1:<id>" of the last alert listed. */
static const char *read_cursor(arena_t *a, const char *cur)
{
	unsigned char raw[40];
	if (strlen(cur) > 40)
		return NULL;
	int n = crypto_b64url_decode(cur, raw, sizeof raw - 1);
	if (n < 4)
		return NULL;
	raw[n] = 0;
	char *end;
	long long id = strncmp((char *)raw, "v1:", 3) == 0 ? strtoll((char *)raw + 3, &end, 10) : 0;
	return id > 0 && !*end ? arena_printf(a, "%lld", id) : NULL;
}

static const char *const states[] = {"firing", "resolved", NULL};
static const vrule_t alerts_query[] = {
	{"state", V_STRING, 0, 0, 0, states, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
	{"cursor", V_STRING, 0, 1, 40, NULL, NULL},
};
static void alerts_check(req_t *r, json_t *errors)
{
	const char *cursor = req_query(r, "cursor");
	if (cursor && !read_cursor(r->arena, cursor))
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
}
const api_op_t op_maint_alerts = {VRULES(alerts_query), NULL, NULL, 0, alerts_check};

int h_maint_alerts(req_t *r)
{
	const char *lq = req_query(r, "limit"), *cq = req_query(r, "cursor");
	long limit = lq ? strtol(lq, NULL, 10) : 50;
	const char *p[] = {req_query(r, "state"), cq ? read_cursor(r->arena, cq) : NULL,
			   arena_printf(r->arena, "%ld", limit + 1)};
	PGresult *res = db_run(r->arena, &q_alerts, 3, p);
	PGresult *st = res ? db_run(r->arena, &q_rule_states, 0, NULL) : NULL;
	if (!st)
		return db_fail(r);
	json_t *items = json_loads(db_get(res, 0, 0), 0, NULL);
	json_t *states_j = arena_json(r->arena, json_loads(db_get(st, 0, 0), 0, NULL));
	json_t *next = json_null();
	if ((long)json_array_size(items) > limit) {
		json_array_remove(items, (size_t)limit);
		char raw[40], enc[64];
		snprintf(raw, sizeof raw, "v1:%lld", (long long)json_integer_value(json_object_get(
			json_array_get(items, (size_t)limit - 1), "id")));
		crypto_b64url((const unsigned char *)raw, strlen(raw), enc);
		next = json_string(enc);
	}
	json_t *j = arena_json(r->arena, json_pack("{s:o, s:o, s:o}", "items",
		items ? items : json_array(), "next_cursor", next, "rules", rules_json(states_j)));
	return j ? reply_json(r, 200, j) : reply_problem(r, 500, "out of memory", NULL);
}
