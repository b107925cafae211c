/* level5_analytics.c - #45 GET /api/level5/analytics/timeseries.
 *
 * Visitors, visits, pageviews, bounce rate, visit duration, conversions and
 * conversion rate per hour/day/week/month bucket in the caller's time zone,
 * with totals for the range and for the previous period of equal length.
 * Plausible's definitions: a visit is a run of one visitor's events on one
 * site without a gap over 30 minutes; a bounce is a visit with exactly one
 * pageview and no interactive event; visit duration averages all visits with
 * bounces as 0 s; a conversion is a visit with the goal event. Visits belong
 * to the bucket they start in, visitors and pageviews to their event's bucket.
 * Filters: source and device apply to the visit (its first event), a path
 * keeps the visits that viewed it and counts only its pageviews and visitors.
 * Everything is aggregated in one SQL statement over the hour rollups and
 * the raw tail of the hours not rolled yet; ?forecast=N appends forecasts
 * of visitors and visits learnt from the complete buckets of the range, each
 * by the exponential smoothing model its holdout chooses (fc_select,
 * analysis/forecast.c: R's HoltWinters fit over two seasons); ?format=csv
 * exports the buckets.
 * Rates are fractions (0..1), changes versus the previous period percent. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "db.h"
#include "forecast.h"
#include "handlers.h"
#include "json_in.h"
#include "range.h"
#include "visits.h"

#define HOUR_MAX_DAYS 92
#define CSV_CAP (16u << 20)
#define MIN_HISTORY 4   /* complete buckets a forecast needs (fc_select's least) */

static const char *const intervals[] = {"hour", "day", "week", "month", NULL};
static const char *const formats[] = {"json", "csv", NULL};

/* What the router checks and OpenAPI describes: the range, the filters. */
static const vrule_t ts_query[] = {
	RANGE_RULES,
	{"interval", V_STRING, 0, 0, 0, intervals, NULL},
	{"format", V_STRING, 0, 0, 0, formats, NULL},
	{"forecast", V_INT, 0, 1, 60, NULL, NULL},
	VISIT_FILTER_RULES,
};

/* Season length per interval (a week of days, a day of hours, ...). */
static const struct {
	const char *interval;
	int season;
} seasons[] = {{"hour", 24}, {"day", 7}, {"week", 52}, {"month", 12}};

/* The metrics in reply order; counts are integers, the rest rounded reals. */
enum { M_VISITORS, M_VISITS, M_PAGEVIEWS, M_BOUNCE, M_DURATION, M_CONV, M_CONV_RATE, M_COUNT };
static const struct {
	const char *name;
	int is_count;
	double scale;       /* rounding: 1e4 = four decimals */
} metrics[M_COUNT] = {
	{"visitors", 1, 1}, {"visits", 1, 1}, {"pageviews", 1, 1}, {"bounce_rate", 0, 1e4},
	{"visit_duration", 0, 10}, {"conversions", 1, 1}, {"conversion_rate", 0, 1e4},
};

/* $1 from, $2 to, $3 tz, $4 interval, $5 site domain, $6 path, $7 source,
 * $8 device, $9 goal, $10 extra buckets after the range (for forecasts).
 * Closed hours come from the rollups (whole days from the day rollups where
 * TS_DAYS), the hours from rollup_state.rolled_until
 * on from the raw events (ROLLUP_TAIL_CTE, visits.h); u holds both as
 * per-hour figures, visitors as HyperLogLog sketches, merged per local day,
 * or hour for hourly buckets (ud: many small sketches into few), then per
 * bucket and over the range.
 * An hour is its own bucket: its merged sketch is counted as it is, not
 * merged once more per bucket (a second hash aggregate of ~2,200 sketch
 * states over 90 days, spilling to disk); the previous period only feeds the
 * totals and is merged per day.
 * Rows: ('bucket', local start, UTC offset in minutes, in range, complete,
 * figures..., site known, sort key) per bucket, then 'previous' (local = its
 * first day, pto = its last) and 'total'. Figures: visitors, visits,
 * pageviews, bounces, seconds of non-bounce visits, conversions. */
/* Day rollups (sql/046) hold Berlin days: they serve buckets of a day or
 * longer in that zone; hours, and buckets in another zone, read hours. */
#define TS_DAYS "($3 = 'Europe/Berlin' AND $4 <> 'hour')"
static const db_stmt_t q_timeseries = {"analytics_timeseries",
	"WITH p AS MATERIALIZED (SELECT ($1::date::timestamp AT TIME ZONE $3) AS t0,"
	"   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1,"
	"   (($1::date - ($2::date - $1::date + 1))::timestamp AT TIME ZONE $3) AS tp,"
	"   (SELECT id FROM sites WHERE domain = $5) AS site,"
	"   ($5::text IS NULL OR EXISTS (SELECT 1 FROM sites WHERE domain = $5)) AS site_known),"
	ROLLUP_TAIL_CTE("p.tp", "$5", "$9")
	" u AS (SELECT r.hour AS t, r.visitors AS h, r.pageviews, 0::numeric AS visits,"
	"    0::numeric AS bounces, 0::float8 AS secs, 0::numeric AS conv"
	"  FROM c JOIN sites st ON ($5::text IS NULL OR st.id = c.site),"
	"   rollup_pages_between(st.id, c.tp, c.cut, " TS_DAYS ") r"
	"  WHERE r.path = coalesce($6, '*')"
	"    AND r.source = coalesce($7, '*') AND r.device = coalesce($8, '*') AND r.browser = '*'"
	"  UNION ALL SELECT r.hour, NULL, 0, sum(r.visits) FILTER (WHERE r.goal = ''),"
	"   sum(r.bounces) FILTER (WHERE r.goal = ''), sum(r.secs) FILTER (WHERE r.goal = ''),"
	"   sum(r.visits) FILTER (WHERE r.goal = $9)"
	"  FROM c JOIN sites st ON ($5::text IS NULL OR st.id = c.site),"
	"   rollup_visits_between(st.id, c.tp, c.cut, " TS_DAYS ") r"
	"  WHERE r.path = coalesce($6, '*')"
	"    AND r.goal IN ('', $9) AND r.source = coalesce($7, '*')"
	"    AND r.device = coalesce($8, '*') AND r.browser = '*' GROUP BY r.hour"
	"  UNION ALL SELECT date_trunc('hour', ts),"
	"   hll_add_agg(visitor_hash(site_id, visitor_id), 14, 5, -1, 0),"
	"   count(*) FILTER (WHERE kind = 'pageview'), 0, 0, 0, 0"
	"  FROM se WHERE ($6::text IS NULL OR path = $6) AND ($7::text IS NULL OR vsource = $7)"
	"    AND ($8::text IS NULL OR vdevice = $8) GROUP BY 1"
	"  UNION ALL SELECT date_trunc('hour', vstart), NULL, 0, count(*), sum(bounce),"
	"   sum(secs * (1 - bounce)), count(*) FILTER (WHERE converted)"
	"  FROM tv WHERE ($6::text IS NULL OR $6 = ANY(paths)) AND ($7::text IS NULL OR vsource = $7)"
	"    AND ($8::text IS NULL OR vdevice = $8) GROUP BY 1),"
	" bk AS (SELECT b, CASE WHEN $4 = 'hour' THEN b + interval '1 hour'"
	"    ELSE ((b AT TIME ZONE $3) + ('1 ' || $4)::interval) AT TIME ZONE $3 END AS e"
	"  FROM (SELECT generate_series(p.t0, p.t1 + ($10::int - 1) * interval '1 hour',"
	"      interval '1 hour') AS b FROM p WHERE $4 = 'hour'"
	"    UNION ALL SELECT lb AT TIME ZONE $3 FROM generate_series(date_trunc($4, $1::date::timestamp),"
	"      $2::date::timestamp + $10::int * ('1 ' || $4)::interval, ('1 ' || $4)::interval) lb"
	"    WHERE $4 <> 'hour') s),"
	" ud AS MATERIALIZED (SELECT date_trunc(CASE WHEN $4 = 'hour' AND t >= p.t0 THEN 'hour'"
	"    ELSE 'day' END, t, $3) AS t, hll_union_agg(h) AS h, sum(pageviews) AS pageviews,"
	"    sum(visits) AS visits, sum(bounces) AS bounces, sum(secs) AS secs, sum(conv) AS conv"
	"  FROM u, p GROUP BY 1),"
	" ub AS (SELECT date_trunc($4, t, $3) AS b, round(hll_cardinality(hll_union_agg(h)))::bigint"
	"    AS visitors, sum(pageviews) AS pageviews, sum(visits) AS visits, sum(bounces) AS bounces,"
	"    sum(secs) AS secs, sum(conv) AS conversions FROM ud, p"
	"  WHERE $4 <> 'hour' AND t >= p.t0 GROUP BY 1"
	"  UNION ALL SELECT t, round(hll_cardinality(h))::bigint, pageviews, visits, bounces, secs, conv"
	"  FROM ud, p WHERE $4 = 'hour' AND t >= p.t0),"
	" ut AS (SELECT t >= p.t0 AS cur, round(hll_cardinality(hll_union_agg(h)))::bigint AS visitors,"
	"    sum(pageviews) AS pageviews, sum(visits) AS visits, sum(bounces) AS bounces,"
	"    sum(secs) AS secs, sum(conv) AS conversions FROM ud, p GROUP BY 1)"
	" SELECT 'bucket' AS section, to_char(bk.b AT TIME ZONE $3, 'YYYY-MM-DD\"T\"HH24:MI:SS'),"
	"  (extract(epoch FROM (bk.b AT TIME ZONE $3) - (bk.b AT TIME ZONE 'UTC')) / 60)::int,"
	"  bk.b < p.t1, bk.e <= now(), coalesce(ub.visitors, 0), coalesce(ub.visits, 0),"
	"  coalesce(ub.pageviews, 0), coalesce(ub.bounces, 0), coalesce(ub.secs, 0),"
	"  coalesce(ub.conversions, 0), p.site_known, NULL::text AS pto, bk.b AS sort"
	" FROM bk CROSS JOIN p LEFT JOIN ub USING (b)"
	" UNION ALL"
	" SELECT CASE WHEN c.cur THEN 'total' ELSE 'previous' END,"
	"  CASE WHEN NOT c.cur THEN ($1::date - ($2::date - $1::date + 1))::text END, NULL, NULL, NULL,"
	"  coalesce(ut.visitors, 0), coalesce(ut.visits, 0), coalesce(ut.pageviews, 0),"
	"  coalesce(ut.bounces, 0), coalesce(ut.secs, 0), coalesce(ut.conversions, 0), p.site_known,"
	"  CASE WHEN NOT c.cur THEN ($1::date - 1)::text END, NULL"
	" FROM (VALUES (true), (false)) c(cur) CROSS JOIN p LEFT JOIN ut ON ut.cur = c.cur"
	" ORDER BY 1, 14"};

enum { C_SECTION, C_LOCAL, C_OFFSET, C_INRANGE, C_COMPLETE, C_VISITORS, C_VISITS, C_PAGEVIEWS,
       C_BOUNCES, C_SECS, C_CONV, C_SITE_KNOWN, C_PTO };

typedef struct query {
	range_t rg;
	visit_filters_t f;
	const char *interval, *format;
	int forecast;       /* 0 = none */
} query_t;

/* The metric values of result row i. */
static void values_of(const PGresult *res, int i, double v[M_COUNT])
{
	double visits = (double)db_getll(res, i, C_VISITS, 0);
	v[M_VISITORS] = (double)db_getll(res, i, C_VISITORS, 0);
	v[M_VISITS] = visits;
	v[M_PAGEVIEWS] = (double)db_getll(res, i, C_PAGEVIEWS, 0);
	v[M_CONV] = (double)db_getll(res, i, C_CONV, 0);
	v[M_BOUNCE] = visits ? (double)db_getll(res, i, C_BOUNCES, 0) / visits : 0;
	v[M_DURATION] = visits ? db_getd(res, i, C_SECS, 0) / visits : 0;
	v[M_CONV_RATE] = visits ? v[M_CONV] / visits : 0;
	for (int k = 0; k < M_COUNT; k++)
		v[k] = round(v[k] * metrics[k].scale) / metrics[k].scale;
}

/* Adds the metrics to object `o` (returned). */
static json_t *figures_into(json_t *o, const double v[M_COUNT])
{
	for (int k = 0; k < M_COUNT; k++)
		json_object_set_new(o, metrics[k].name, metrics[k].is_count
			? json_integer((json_int_t)v[k]) : json_real(v[k]));
	return o;
}

/* Change in percent per metric, null where the previous value is 0. */
static json_t *change_json(const double cur[M_COUNT], const double prev[M_COUNT])
{
	json_t *o = json_object();
	for (int k = 0; k < M_COUNT; k++)
		json_object_set_new(o, metrics[k].name, prev[k] == 0 ? json_null()
			: json_real(round((cur[k] - prev[k]) / prev[k] * 1000) / 10));
	return o;
}

/* A bucket's label: the local date, or for hours the local time with offset. */
static const char *label_of(req_t *r, const query_t *q, const PGresult *res, int i)
{
	const char *local = db_get(res, i, C_LOCAL);
	if (strcmp(q->interval, "hour") != 0)
		return arena_strndup(r->arena, local, 10);
	long off = (long)db_getll(res, i, C_OFFSET, 0), a = labs(off);
	return arena_printf(r->arena, "%s%c%02ld:%02ld", local, off < 0 ? '-' : '+', a / 60, a % 60);
}

/* Puts query value `v` of `key` into q (as an integer when `integer` and it
 * is all digits, so validate() tells a non-number apart). */
static void put(json_t *q, json_t *errors, const char *key, const char *v, int integer)
{
	if (!v)
		return;
	if (!utf8_valid(v, strlen(v))) {
		verr(errors, key, "must be UTF-8");
		return;
	}
	size_t n = strlen(v);
	if (integer && n > 0 && n < 7 && strspn(v, "0123456789") == n)
		json_object_set_new(q, key, json_integer(strtol(v, NULL, 10)));
	else
		json_object_set_new(q, key, json_string(v));
}

/* Reads and checks the query; every bad field goes to `errors`. */
static void parse_query(req_t *r, query_t *q, json_t *errors)
{
	range_parse(r, &q->rg, errors);
	visits_parse_filters(r, &q->f, errors);
	json_t *o = arena_json(r->arena, json_object());
	static const char *const keys[] = {"interval", "format", "forecast"};
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		put(o, errors, keys[k], req_query(r, keys[k]), strcmp(keys[k], "forecast") == 0);
	/* the router has checked them against ts_query */
	json_t *iv = json_object_get(o, "interval"), *fc = json_object_get(o, "forecast");
	q->interval = json_is_string(iv) ? json_string_value(iv) : "day";
	q->format = json_is_string(json_object_get(o, "format"))
		? json_string_value(json_object_get(o, "format")) : "json";
	q->forecast = json_is_integer(fc) ? (int)json_integer_value(fc) : 0;
	if (strcmp(q->interval, "hour") == 0 && q->rg.days > HOUR_MAX_DAYS)
		verr(errors, "interval", "hour buckets need a range of at most %d days", HOUR_MAX_DAYS);
}

static void ts_check(req_t *r, json_t *errors)
{
	query_t q;
	parse_query(r, &q, errors);
}
const api_op_t op_analytics_timeseries = {VRULES(ts_query), NULL, NULL, 0, ts_check};

/* Forecast points {point, lo80, hi80, lo95, hi95}, clamped at 0 (counts). */
static json_t *point_json(const forecast_point_t *f)
{
	double v[] = {f->point, f->lo80, f->hi80, f->lo95, f->hi95};
	for (size_t k = 0; k < 5; k++)
		v[k] = round(fmax(0, v[k]) * 100) / 100;
	return json_pack("{s:f, s:f, s:f, s:f, s:f}", "point", v[0], "lo80", v[1], "hi80", v[2],
			 "lo95", v[3], "hi95", v[4]);
}

/* A figure rounded to 4 places, null when there is none (a MAPE over a 0). */
static json_t *num4(double x)
{
	return isfinite(x) ? json_real(round(x * 1e4) / 1e4) : json_null();
}

/* The model the holdout chose for one series: its method, season (0 without),
 * parameters (beta 0 without trend, gamma 0 without season, phi 1 without
 * damping), sigma, the 80 % and 95 % intervals' widening and holdout error: mean_smape the sMAPE the choice compared
 * (averaged over `origins`), mape/smape/mase of the last holdout. */
static json_t *model_json(const fc_choice_t *c)
{
	const hw_model_t *m = &c->model;
	const fc_accuracy_t *a = &c->acc[c->method];
	return json_pack("{s:s, s:i, s:f, s:f, s:f, s:f, s:f, s:o, s:o, s:{s:i, s:i, s:o, s:o, s:o, s:o}}",
		"method", fc_method_names[c->method], "season", m->season, "alpha", m->alpha,
		"beta", m->has_trend ? m->beta : 0, "gamma", m->season ? m->gamma : 0,
		"phi", m->damped ? m->phi : 1, "sigma", round(m->sigma * 1000) / 1000,
		"interval_widen", num4(hw_widen80(m)), "interval_widen_95", num4(hw_widen95(m)),
		"holdout", "n", (int)c->holdout, "origins", c->origins,
		"mean_smape", num4(c->score[c->method]), "mape", num4(a->mape), "smape", num4(a->smape),
		"mase", num4(a->mase));
}

/* Forecasts of visitors and visits for the q->forecast buckets after the
 * last complete bucket of the range (rows 0..nb-1 are the buckets), each
 * from the model fc_select chooses by holdout; the interval's season is
 * considered from season + 2 complete buckets on (below two seasons
 * Holt-Winters starts from one, as fc_select does). */
static json_t *forecast_json(req_t *r, const query_t *q, const PGresult *res, int nb)
{
	int n = 0, season = 0, h = q->forecast;
	while (n < nb && !strcmp(db_get(res, n, C_INRANGE), "t") && !strcmp(db_get(res, n, C_COMPLETE), "t"))
		n++;
	for (size_t k = 0; k < sizeof(seasons) / sizeof(seasons[0]); k++)
		if (strcmp(seasons[k].interval, q->interval) == 0 && n >= seasons[k].season + 2)
			season = seasons[k].season;
	json_t *out = json_pack("{s:i, s:i, s:[]}", "horizon", h, "history", n, "points");
	if (n < MIN_HISTORY || n + h > nb) {
		json_object_set_new(out, "reason", json_string(
			"too few complete buckets in the range to learn from (at least 4)"));
		return out;
	}
	double *y[2];
	forecast_point_t *f[2];
	fc_choice_t *c = arena_calloc(r->arena, 2, sizeof(*c));
	json_t *models = json_object();
	static const char *const names[2] = {"visitors", "visits"};
	for (int s = 0; s < 2; s++) {
		y[s] = arena_calloc(r->arena, (size_t)n, sizeof(double));
		f[s] = arena_calloc(r->arena, (size_t)h, sizeof(forecast_point_t));
		if (!c || !y[s] || !f[s]) {
			json_decref(models);
			json_decref(out);
			return NULL;
		}
		for (int i = 0; i < n; i++)
			y[s][i] = (double)db_getll(res, i, s ? C_VISITS : C_VISITORS, 0);
		if (fc_select(y[s], (size_t)n, season, &c[s]) < 0 ||
		    hw_forecast(&c[s].model, h, f[s]) < 0) {
			json_decref(models);
			json_decref(out);
			return NULL;
		}
		json_object_set_new(models, names[s], model_json(&c[s]));
	}
	json_object_set_new(out, "method", json_string("holdout"));
	json_object_set_new(out, "season", season ? json_integer(season) : json_null());
	json_object_set_new(out, "models", models);
	json_t *points = json_object_get(out, "points");
	for (int i = 0; i < h; i++)
		json_array_append_new(points, json_pack("{s:s, s:o, s:o}",
			"bucket", label_of(r, q, res, n + i), "visitors", point_json(&f[0][i]),
			"visits", point_json(&f[1][i])));
	return out;
}

/* One CSV row per bucket of the range, a header row first. */
static int reply_csv(req_t *r, const query_t *q, const PGresult *res, int nb)
{
	buf_t b;
	buf_init(&b, CSV_CAP);
	buf_adds(&b, "bucket");
	for (int k = 0; k < M_COUNT; k++)
		buf_printf(&b, ",%s", metrics[k].name);
	buf_adds(&b, "\r\n");
	for (int i = 0; i < nb; i++) {
		double v[M_COUNT];
		if (strcmp(db_get(res, i, C_INRANGE), "t") != 0)
			continue;
		values_of(res, i, v);
		buf_adds(&b, label_of(r, q, res, i));
		for (int k = 0; k < M_COUNT; k++)
			buf_printf(&b, metrics[k].is_count ? ",%.0f" : ",%.10g", v[k]);
		buf_adds(&b, "\r\n");
	}
	int rc;
	if (b.oom) {
		rc = reply_problem(r, 500, "out of memory while writing the CSV", NULL);
	} else {
		reply_header(r, "Content-Disposition", "attachment; filename=\"timeseries.csv\"");
		rc = reply_raw(r, 200, "text/csv; charset=utf-8", b.data, b.len);
	}
	buf_free(&b);
	return rc;
}

/* The data this report reads, for the report cache (core/cache.h). */
static const db_stmt_t q_ts_stamp = {"q_ts_stamp",
	"SELECT rollup_stamp($1, $2) || '.' || (SELECT last_value FROM data_version_sites)"};

int h_analytics_timeseries(req_t *r)
{
	query_t q;
	json_t *errors = arena_json(r->arena, json_array());
	memset(&q, 0, sizeof(q));
	parse_query(r, &q, errors);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	const char *stamp[] = {q.rg.to, q.rg.tz};
	if (cache_serve_with(r, &q_ts_stamp, 2, stamp))
		return 0;
	char extra[8];
	snprintf(extra, sizeof(extra), "%d", q.forecast);
	const char *p[] = {q.rg.from, q.rg.to, q.rg.tz, q.interval, q.f.site, q.f.path, q.f.source,
			   q.f.device, q.f.goal, extra};
	PGresult *res = db_run(r->arena, &q_timeseries, 10, p);
	if (!res)
		return db_fail(r);
	int rows = PQntuples(res), nb = rows - 2;   /* the last two: previous, total */
	if (nb < 0)
		return reply_problem(r, 500, "the time series query returned no totals", NULL);
	if (strcmp(db_get(res, rows - 1, C_SITE_KNOWN), "t") != 0) {
		verr(errors, "site", "no site has this domain");
		return reply_invalid(r, json_incref(errors));
	}
	if (strcmp(q.format, "csv") == 0)
		return reply_csv(r, &q, res, nb);
	double cur[M_COUNT], prev[M_COUNT];
	values_of(res, rows - 1, cur);
	values_of(res, rows - 2, prev);
	json_t *buckets = json_array();
	for (int i = 0; i < nb; i++) {
		double v[M_COUNT];
		if (strcmp(db_get(res, i, C_INRANGE), "t") != 0)
			continue;
		values_of(res, i, v);
		json_array_append_new(buckets, figures_into(json_pack("{s:s, s:b}",
			"bucket", label_of(r, &q, res, i), "complete",
			strcmp(db_get(res, i, C_COMPLETE), "t") == 0), v));
	}
	json_t *j = arena_json(r->arena, json_pack(
		"{s:o, s:s, s:o, s:o, s:{s:s, s:s, s:o}, s:o, s:o}",
		"range", range_json_new(&q.rg), "interval", q.interval,
		"filters", visits_filters_json_new(&q.f),
		"totals", figures_into(json_object(), cur),
		"previous", "from", db_get(res, rows - 2, C_LOCAL), "to", db_get(res, rows - 2, C_PTO),
		"totals", figures_into(json_object(), prev),
		"change", change_json(cur, prev), "buckets", buckets));
	if (!j)
		return reply_problem(r, 500, "out of memory while building the reply", NULL);
	if (q.forecast) {
		json_t *f = forecast_json(r, &q, res, nb);
		if (!f)
			return reply_problem(r, 500, "the forecast could not be computed", NULL);
		json_object_set_new(j, "forecast", f);
	}
	return reply_json(r, 200, j);
}
