/* health_sample.c - the health sample job ("health-sample", every minute)
 * and the evaluation #57 and #58 share.
 *
 * A sample gathers: one SELECT 1 round trip, the database's connections and
 * size and its largest tables, replication lag where a replica streams
 * (NULL otherwise), the job queue, the disk of the data folder (statvfs),
 * and the worker pool's figures. The pool's counters live in shared memory
 * only its master and workers map, so the master writes them every 10 s to
 * var/run/pool-<socket>.json (metrics_snapshot_write); the sample sums the
 * files written in the last 30 s (one per pool on this host); a file older
 * than that counts as a pool with no worker alive, no file at all as no
 * pool on this host (workers NULL). The webhook failure rate is the share
 * of delivery attempts of the last hour without a 2xx answer (NULL: none).
 *
 * The sample, the verdict of every alert rule (with its hysteresis and
 * events, sql/028_health.sql) and the retention run in one transaction.
 * With payload {"sample": false} the job evaluates the stored samples
 * without taking one (tests drive the rules with samples they insert). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "handlers.h"
#include "jobs.h"
#include "log.h"
#include "maintenance.h"
#include "stats.h"

const mnt_metric_info_t mnt_metrics[M_COUNT] = {
	[M_DB_LATENCY] = {"db_latency_ms", "ms"},
	[M_DB_CONN_SHARE] = {"db_connections_share", "ratio"},
	[M_DB_SIZE] = {"db_size_bytes", "bytes"},
	[M_REPL_LAG] = {"replication_lag_s", "s"},
	[M_WORKERS] = {"workers_alive", "workers"},
	[M_RESTARTS] = {"worker_restarts", "restarts"},
	[M_QUEUE_DEPTH] = {"queue_depth", "jobs"},
	[M_QUEUE_OLDEST] = {"queue_oldest_s", "s"},
	[M_WEBHOOK_FAIL] = {"webhook_failure_rate", "ratio"},
	[M_CACHE_HIT] = {"cache_hit_rate", "ratio"},
	[M_DISK_FREE_SHARE] = {"disk_free_share", "ratio"},
	[M_REQ_RATE] = {"request_rate", "req/s"},
	[M_ERR_RATE] = {"error_rate", "ratio"},
	[M_P95] = {"p95_ms", "ms"},
};

/* The columns in enum mnt_metric order. */
static const db_stmt_t q_series = {"mnt_series",
	"WITH last AS (SELECT max(at) AS at FROM health_samples WHERE NOT hourly)"
	" SELECT extract(epoch FROM s.at), db_latency_ms, db_connections::float8 /"
	"  nullif(db_max_connections, 0), db_size_bytes, replication_lag_s, workers_alive,"
	"  worker_restarts, queue_depth, queue_oldest_s, webhook_failure_rate, cache_hit_rate,"
	"  disk_free_bytes::float8 / nullif(disk_total_bytes, 0), request_rate, error_rate, p95_ms"
	" FROM health_samples s, last"
	" WHERE NOT s.hourly AND s.at > last.at - make_interval(mins => $1::int) ORDER BY s.at"};

int mnt_series_load(arena_t *a, int minutes, mnt_series_t *out)
{
	char mins[16];
	snprintf(mins, sizeof(mins), "%d", minutes);
	const char *p[] = {mins};
	PGresult *res = db_run(a, &q_series, 1, p);
	if (!res)
		return -1;
	size_t n = (size_t)PQntuples(res);
	out->n = n;
	out->t = arena_calloc(a, n + 1, sizeof(double));
	for (int m = 0; m < M_COUNT; m++)
		out->v[m] = arena_calloc(a, n + 1, sizeof(double));
	for (int m = 0; m < M_COUNT; m++)
		if (!out->t || !out->v[m])
			return -1;
	for (size_t i = 0; i < n; i++) {
		out->t[i] = db_getd(res, (int)i, 0, NAN);
		for (int m = 0; m < M_COUNT; m++)
			out->v[m][i] = db_getd(res, (int)i, m + 1, NAN);
	}
	return 0;
}

json_t *mnt_num(double v)
{
	if (!isfinite(v))
		return json_null();
	/* whole numbers (bytes, counts) exactly: replies print reals to 10 digits */
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

size_t mnt_present(arena_t *a, const mnt_series_t *s, enum mnt_metric m, double **t, double **v)
{
	*t = arena_calloc(a, s->n + 1, sizeof(double));
	*v = arena_calloc(a, s->n + 1, sizeof(double));
	size_t k = 0;
	for (size_t i = 0; *t && *v && i < s->n; i++)
		if (!isnan(s->v[m][i])) {
			(*t)[k] = s->t[i];
			(*v)[k++] = s->v[m][i];
		}
	return *t && *v ? k : 0;
}

int mnt_forecast(arena_t *a, const mnt_series_t *s, enum mnt_metric m, double threshold,
		 int rising, double horizon, mnt_forecast_t *out)
{
	double *t, *v;
	memset(out, 0, sizeof(*out));
	size_t n = mnt_present(a, s, m, &t, &v);
	out->n = n;
	if (n < MNT_MIN_SAMPLES)
		return -1;
	double now = t[n - 1];
	health_line_t line;
	if (health_line_fit(t, v, n, &line) < 0 ||
	    health_ttt_linear(&line, now, threshold, rising, horizon, 0.95, &out->linear) < 0)
		return -1;
	out->current = v[n - 1];
	out->slope_per_hour = line.slope * 3600;
	/* the damped trend steps a sample (a minute) at a time */
	double step = (now - t[0]) / (double)(n - 1);
	int steps = (int)ceil(horizon / step);
	out->damped_ok = fc_fit(v, n, 0, FC_DAMPED, &out->damped) == 0 &&
			 health_ttt_model(&out->damped, step, steps > 0 ? steps : 1, threshold, rising,
					  &out->damped_ttt) == 0;
	sen_result_t sen;
	out->mk_ok = mk_test(v, n, &out->mk) == 0 && sen_slope(v, n, out->mk.var_s, &sen) == 0;
	out->sen_per_hour = out->mk_ok ? sen.slope / step * 3600 : NAN;
	return 0;
}

#define ANOMALY_WINDOW 60
#define EWMA_RECENT 10

int mnt_anomaly(arena_t *a, const mnt_series_t *s, enum mnt_metric m, mnt_anomaly_t *out)
{
	double *t, *v;
	memset(out, 0, sizeof(*out));
	size_t all = mnt_present(a, s, m, &t, &v), n = all < ANOMALY_WINDOW ? all : ANOMALY_WINDOW;
	out->n = n;
	if (n < MNT_MIN_SAMPLES)
		return -1;
	double *w = v + (all - n), *sorted = arena_calloc(a, n, sizeof(double));
	if (!sorted)
		return -1;
	memcpy(sorted, w, n * sizeof(double));
	out->value = w[n - 1];
	out->median = stats_median(sorted, n);
	out->mad = stats_mad(w, n);
	double *z = arena_calloc(a, n, sizeof(double));
	if (!z || stats_robust_zscores(w, n, z) < 0)
		return -1;
	out->z = z[n - 1];
	out->flagged = fabs(out->z) > STATS_ROBUST_Z_FLAG;
	out->confidence = health_confidence(out->z);
	out->ewma_ok = health_ewma(w, n, n - EWMA_RECENT, 0.2, 3, &out->ewma) == 0;
	out->ewma_confidence = out->ewma_ok ? health_confidence(out->ewma.score) : NAN;
	return 0;
}

#define HOUR 3600.0
#define GiB (1024.0 * 1024 * 1024)

/* name, kind, severity, metric, above, limit, horizon (s), fire after,
 * resolve after (samples in a row), summary */
const mnt_rule_t mnt_rules[] = {
	{"disk_free_low", "threshold", "critical", M_DISK_FREE_SHARE, 0, 0.10, 0, 3, 5,
	 "Less than 10 % of the data folder's disk is free"},
	{"db_connections_high", "threshold", "warning", M_DB_CONN_SHARE, 1, 0.80, 0, 3, 5,
	 "More than 80 % of PostgreSQL's connections are in use"},
	{"replication_lag_high", "threshold", "warning", M_REPL_LAG, 1, 30, 0, 3, 5,
	 "A replica is more than 30 s behind"},
	{"workers_down", "threshold", "critical", M_WORKERS, 0, 1, 0, 2, 2,
	 "No worker of the pool is alive (or no pool reported)"},
	{"queue_stalled", "threshold", "warning", M_QUEUE_OLDEST, 1, 600, 0, 3, 3,
	 "A due job has waited more than 10 minutes"},
	{"webhook_failures_high", "threshold", "warning", M_WEBHOOK_FAIL, 1, 0.20, 0, 3, 5,
	 "More than 20 % of webhook deliveries fail"},
	{"error_rate_high", "threshold", "critical", M_ERR_RATE, 1, 0.05, 0, 3, 5,
	 "More than 5 % of requests answer 5xx"},
	{"latency_p95_high", "threshold", "warning", M_P95, 1, 1000, 0, 3, 5,
	 "The 95th percentile of request latency is above 1 s"},
	{"disk_full_predicted", "prediction", "critical", M_DISK_FREE_SHARE, 0, 0.05, 4 * HOUR, 3, 5,
	 "The disk is forecast to fall below 5 % free within 4 h"},
	{"db_size_predicted", "prediction", "warning", M_DB_SIZE, 1, 10 * GiB, 24 * HOUR, 3, 5,
	 "The database is forecast to exceed 10 GiB within 24 h"},
	{"latency_p95_predicted", "prediction", "warning", M_P95, 1, 1000, HOUR, 3, 5,
	 "p95 latency is forecast to pass 1 s within 1 h"},
	{"error_rate_predicted", "prediction", "warning", M_ERR_RATE, 1, 0.05, HOUR, 3, 5,
	 "The 5xx rate is forecast to pass 5 % within 1 h"},
	{"latency_p95_anomaly", "anomaly", "warning", M_P95, 1, STATS_ROBUST_Z_FLAG, 0, 2, 3,
	 "p95 latency is anomalously high (robust z > 3.5)"},
	{"error_rate_anomaly", "anomaly", "warning", M_ERR_RATE, 1, STATS_ROBUST_Z_FLAG, 0, 2, 3,
	 "The 5xx rate is anomalously high (robust z > 3.5)"},
	{"db_latency_anomaly", "anomaly", "warning", M_DB_LATENCY, 1, STATS_ROBUST_Z_FLAG, 0, 2, 3,
	 "Database round trips are anomalously slow (robust z > 3.5)"},
};
const size_t mnt_rules_count = sizeof(mnt_rules) / sizeof(mnt_rules[0]);

/* A prediction counts when the line reaches the limit within the horizon,
 * with confidence >= 0.9, and Mann-Kendall finds the trend (p < 0.05) with
 * Sen's slope pointing the same way (SPEC, reference figures). */
#define PREDICTION_CONFIDENCE 0.9
#define TREND_P 0.05

/* Whether rule `r` holds on the latest sample; *value gets its figure. */
static int rule_met(arena_t *a, const mnt_series_t *s, const mnt_rule_t *r, double *value)
{
	double sign = r->above ? 1 : -1;
	*value = NAN;
	if (strcmp(r->kind, "threshold") == 0) {
		*value = s->v[r->metric][s->n - 1];
		return !isnan(*value) && sign * (*value - r->limit) > 0;
	}
	if (strcmp(r->kind, "prediction") == 0) {
		mnt_forecast_t f;
		if (mnt_forecast(a, s, r->metric, r->limit, r->above, r->horizon, &f) < 0)
			return 0;
		*value = f.linear.eta;
		return !isnan(f.linear.eta) && f.linear.confidence >= PREDICTION_CONFIDENCE &&
		       f.mk_ok && f.mk.p < TREND_P && sign * f.sen_per_hour > 0;
	}
	mnt_anomaly_t an;
	if (mnt_anomaly(a, s, r->metric, &an) < 0)
		return 0;
	*value = an.z;
	return an.flagged && sign * an.z > 0;
}

static const db_stmt_t q_observe = {"mnt_observe",
	"SELECT health_rule_observe($1, $2, $3, $4::boolean, $5::float8, to_timestamp($6::float8),"
	" $7::int, $8::int, $9)"};

int mnt_rules_observe(arena_t *a, const mnt_series_t *s)
{
	if (s->n == 0)
		return 0;
	int changed = 0;
	for (size_t i = 0; i < mnt_rules_count; i++) {
		const mnt_rule_t *r = &mnt_rules[i];
		double value;
		int met = rule_met(a, s, r, &value);
		const char *p[] = {r->name, r->kind, r->severity, met ? "true" : "false",
				   isfinite(value) ? arena_printf(a, "%.17g", value) : NULL,
				   arena_printf(a, "%.6f", s->t[s->n - 1]),
				   arena_printf(a, "%d", r->fire_after),
				   arena_printf(a, "%d", r->resolve_after), r->summary};
		PGresult *res = db_run(a, &q_observe, 9, p);
		if (!res)
			return -1;
		const char *st = db_get(res, 0, 0);
		if (st && (strcmp(st, "fired") == 0 || strcmp(st, "resolved") == 0)) {
			log_info("alert %s %s (value %g)", r->name, st, value);
			changed++;
		}
	}
	return changed;
}

/* ---- taking a sample ---------------------------------------------------- */

typedef struct pools {
	int files;                      /* pool files: pools that run or died */
	int reporting;                  /* pools with a fresh file */
	double workers, restarts, count, errors, p95_ms, hits, misses;
	json_t *routes;                 /* {"GET /x": [count, errors, p95_ms]} */
} pools_t;

#define POOL_FRESH_SECONDS 30

static void add_routes(json_t *into, json_t *from)
{
	const char *key;
	json_t *v;
	json_object_foreach(from, key, v) {
		json_t *have = json_object_get(into, key);
		double c = json_number_value(json_object_get(v, "count"));
		double e = json_number_value(json_object_get(v, "errors"));
		json_t *p = json_object_get(v, "p95_ms");
		double p95 = json_is_number(p) ? json_number_value(p) : NAN;
		if (have) {
			c += json_number_value(json_array_get(have, 0));
			e += json_number_value(json_array_get(have, 1));
			json_t *hp = json_array_get(have, 2);
			if (json_is_number(hp) && (isnan(p95) || json_number_value(hp) > p95))
				p95 = json_number_value(hp);
		}
		json_object_set_new(into, key, json_pack("[f, f, o]", c, e, mnt_num(p95)));
	}
}

static void add_pool(pools_t *p, json_t *j)
{
	json_t *m = json_object_get(j, "minute"), *p95 = json_object_get(m, "p95_ms");
	p->reporting++;
	p->workers += json_number_value(json_object_get(j, "workers_alive"));
	p->restarts += json_number_value(json_object_get(j, "worker_restarts"));
	p->count += json_number_value(json_object_get(m, "count"));
	p->errors += json_number_value(json_object_get(m, "errors"));
	p->hits += json_number_value(json_object_get(m, "cache_hits"));
	p->misses += json_number_value(json_object_get(m, "cache_misses"));
	/* across pools the worst p95 stands for all (percentiles do not add) */
	if (json_is_number(p95) && (isnan(p->p95_ms) || json_number_value(p95) > p->p95_ms))
		p->p95_ms = json_number_value(p95);
	add_routes(p->routes, json_object_get(j, "routes"));
}

/* Sums the pool files of var/run written in the last 30 s. */
static void read_pools(arena_t *a, pools_t *p)
{
	char dir[1024];
	memset(p, 0, sizeof(*p));
	p->p95_ms = NAN;
	p->routes = arena_json(a, json_object());
	DIR *d = opendir(config_var_path(dir, sizeof(dir), "run"));
	struct dirent *e;
	while (d && p->routes && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "pool-", 5) != 0 || len < 6 ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		json_t *j = json_load_file(arena_printf(a, "%s/%s", dir, e->d_name), 0, NULL);
		json_int_t at = json_integer_value(json_object_get(j, "at"));
		p->files++;
		if (j && time(NULL) - at <= POOL_FRESH_SECONDS)
			add_pool(p, j);
		json_decref(j);
	}
	if (d)
		closedir(d);
}

static const db_stmt_t q_ping = {"mnt_ping", "SELECT 1"};

/* Connections, size, replication lag (a standby's own replay delay, or the
 * largest lag of the replicas streaming from this primary; NULL with
 * neither), the waiting jobs and the largest tables (partitions summed into
 * their parent). */
static const db_stmt_t q_db_figures = {"mnt_db_figures",
	"SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()),"
	" current_setting('max_connections')::int, pg_database_size(current_database()),"
	" CASE WHEN pg_is_in_recovery()"
	"  THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())"
	"  ELSE (SELECT extract(epoch FROM max(coalesce(replay_lag, interval '0')))"
	"        FROM pg_stat_replication) END,"
	" (SELECT count(*) FROM jobs WHERE done_at IS NULL AND run_at <= now()"
	"   AND (locked_until IS NULL OR locked_until < now())),"
	" (SELECT extract(epoch FROM now() - min(run_at)) FROM jobs WHERE done_at IS NULL"
	"   AND run_at <= now() AND (locked_until IS NULL OR locked_until < now())),"
	" (SELECT jsonb_object_agg(relname, bytes) FROM (SELECT c.relname,"
	"   CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_total_relation_size(relid))::bigint"
	"    FROM pg_partition_tree(c.oid)) ELSE pg_total_relation_size(c.oid) END AS bytes"
	"   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	"   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
	"   ORDER BY bytes DESC LIMIT 20) t)::text"};

static const db_stmt_t q_insert = {"mnt_insert",
	"INSERT INTO health_samples (at, db_latency_ms, db_connections, db_max_connections,"
	" db_size_bytes, replication_lag_s, workers_alive, worker_restarts, queue_depth,"
	" queue_oldest_s, webhook_failure_rate, cache_hit_rate, disk_free_bytes, disk_total_bytes,"
	" request_rate, error_rate, p95_ms, tables, routes)"
	" VALUES (date_trunc('minute', now()), $1, $2, $3, $4, $5, $6, $7, $8, $9,"
	"  (SELECT count(*) FILTER (WHERE http_status IS NULL OR http_status NOT BETWEEN 200 AND 299)"
	"   ::float8 / nullif(count(*), 0) FROM webhook_attempts WHERE at > now() - interval '1 hour'),"
	"  $10, $11,"
	" $12, $13, $14, $15, $16::jsonb, $17::jsonb)"
	" ON CONFLICT (at, hourly) DO NOTHING RETURNING at"};

PGresult *mnt_db_figures(arena_t *a) { return db_run(a, &q_db_figures, 0, NULL); }

int mnt_disk(double *free_bytes, double *total_bytes)
{
	struct statvfs vfs;
	*free_bytes = *total_bytes = NAN;
	if (statvfs(cfg.var_dir, &vfs) < 0)
		return -1;
	*free_bytes = (double)vfs.f_bavail * (double)vfs.f_frsize;
	*total_bytes = (double)vfs.f_blocks * (double)vfs.f_frsize;
	return 0;
}

static const char *num(arena_t *a, double v)
{
	return isfinite(v) ? arena_printf(a, "%.17g", v) : NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Gathers the figures and stores the sample in the open transaction.
 * Returns 1 when stored, 0 when this minute has a sample already, -1. */
static int take_sample(arena_t *a)
{
	double t0 = now_s();
	PGresult *ping = db_run(a, &q_ping, 0, NULL);
	double latency = (now_s() - t0) * 1000;
	PGresult *db = ping ? mnt_db_figures(a) : NULL;
	if (!db)
		return -1;
	pools_t p;
	read_pools(a, &p);
	double free_b, total_b;
	mnt_disk(&free_b, &total_b);
	/* no file: no pool on this host (a pool removes it when it stops); a
	 * file gone stale: its master died or hangs, no worker serves */
	int up = p.reporting > 0, known = p.files > 0;
	char *route_text = p.routes ? json_dumps(p.routes, JSON_COMPACT) : NULL;
	const char *v[] = {
		num(a, latency), db_get(db, 0, 0), db_get(db, 0, 1), db_get(db, 0, 2),
		db_get(db, 0, 3), known ? num(a, up ? p.workers : 0) : NULL, up ? num(a, p.restarts) : NULL,
		db_get(db, 0, 4), db_get(db, 0, 5),
		p.hits + p.misses > 0 ? num(a, p.hits / (p.hits + p.misses)) : NULL,
		num(a, free_b), num(a, total_b), up ? num(a, p.count / 60) : NULL,
		p.count > 0 ? num(a, p.errors / p.count) : NULL, num(a, p.p95_ms),
		db_get(db, 0, 6), route_text ? arena_strdup(a, route_text) : NULL};
	free(route_text);
	PGresult *res = db_run(a, &q_insert, 17, v);
	return res ? PQntuples(res) : -1;
}

static const db_stmt_t q_prune = {"mnt_prune",
	"SELECT health_samples_prune(make_interval(days => $1::int))"};

/* Minute samples are kept this many days, then thinned to hourly rows. */
#define THIN_AFTER_DAYS "7"
/* The rules look back 6 hours (the forecasts' window). */
#define WINDOW_MINUTES 360

int job_health_sample(json_t *payload, char *err, size_t errlen)
{
	int take = !json_is_false(json_object_get(payload, "sample")), rc = -1, stored = 1;
	arena_t *a = arena_new(256 * 1024);
	mnt_series_t s;
	if (!a || db_begin() < 0)
		goto out;
	if (take && (stored = take_sample(a)) < 0)
		goto out;
	if (stored && (mnt_series_load(a, WINDOW_MINUTES, &s) < 0 || mnt_rules_observe(a, &s) < 0))
		goto out;
	const char *days[] = {THIN_AFTER_DAYS};
	if (take && !db_run(a, &q_prune, 1, days))
		goto out;
	rc = db_commit();
out:
	if (rc < 0) {
		snprintf(err, errlen, "%s", a ? db_last_message() : "out of memory");
		db_rollback();
	}
	arena_free(a);
	return rc;
}
