/* level5_realtime_funnel.c - #44 GET /api/level5/analytics/realtime and
 * #47 GET /api/level5/analytics/funnel.
 *
 * Realtime (Plausible's "last 5 minutes"): visitors with any event in the
 * last 5 minutes, pageviews per UTC minute for the last 30 minutes (the
 * current, unfinished minute last), top pages by visitors viewing them in
 * the last 5 minutes and top sources by the entry source of each of those
 * visitors' current visit (30-minute rule, looked back at most a day).
 * Never cached: every request reads the events.
 *
 * Funnel: the visits started in the range, read whole (the visits table,
 * sql/040_visits.sql: #45's visits, a new one after 30 minutes without
 * activity). A visit reaches step k when it completed steps 1..k in order,
 * other hits in between allowed; each step takes the first matching hit
 * after the previous step's. A step is a page path pattern (`*` within a
 * segment, `**` across segments, analysis/funnel.c) matching a pageview, or
 * goal:<name> matching a goal event. As Plausible, steps count visitors: a
 * visitor reaches step k when one of their visits did; visits are reported
 * too. Conversion and drop-off are computed on visitors; the median time
 * between steps on the visits that took them. SQL reads the visits that may
 * enter (a hit of step 1 by name), or for one site without filters the
 * range's whole days packed (sql/069), C matches and counts. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "db.h"
#include "funnel.h"
#include "handlers.h"
#include "json_in.h"
#include "range.h"
#include "visits.h"

#define TOP_DEFAULT "10"
#define STEPS_MAX_CHARS 4096

static const char *const devices[] = {"all", "mobile", "tablet", "desktop", NULL};

/* ---- #44 realtime ---------------------------------------------------------------------- */

static const vrule_t realtime_query[] = {
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
	{"limit", V_INT, 0, 1, 100, NULL, NULL},
};

/* A site's domain: no blanks, no slash (the site itself is looked up by the query). */
static void check_site(req_t *r, json_t *errors)
{
	const char *site = req_query(r, "site");
	if (site && (!*site || strlen(site) > 253 || strpbrk(site, "/ ")))
		verr(errors, "site", "must be a site's domain, e.g. zoe-solar.de");
}
const api_op_t op_analytics_realtime = {VRULES(realtime_query), NULL, NULL, 0, check_site};

/* $1 site domain or NULL (all sites), $2 rows per top list, $3..$6 the request's
 * instants (realtime_clock): now, the first of the 30 minutes, 5 minutes and a
 * day ago. Rows (section, key, n) ordered: 'site' (1 when known), 'visitors',
 * 30 'minute' rows oldest first, 'page' and 'source' rows by visitors.
 *
 * The instants come as parameters, not as now() in the statement: a custom
 * plan then holds them as constants and the planner prunes the month
 * partitions of events before planning them (now() is pruned only when the
 * plan starts, after every partition and its indexes were planned). With 16
 * partitions planning took ~2.5 ms of a ~1 ms query on a warm connection,
 * and ~200 ms on a connection's first request (every partition's catalog
 * entries loaded); see README. */
static const db_stmt_t q_realtime = {"analytics_realtime",
	"WITH p AS MATERIALIZED (SELECT $3::timestamptz AS t, $4::timestamptz AS m0,"
	"   (SELECT id FROM sites WHERE domain = $1) AS sid),"
	" ev AS (SELECT e.site_id, e.visitor_id, e.ts, e.kind, e.path FROM events e, p"
	"  WHERE e.ts >= $4::timestamptz AND e.ts <= $3::timestamptz"
	"   AND ($1::text IS NULL OR e.site_id = p.sid)),"
	" now5 AS (SELECT ev.* FROM ev WHERE ev.ts > $5::timestamptz),"
	" who AS (SELECT DISTINCT site_id, visitor_id FROM now5),"
	" hist AS (SELECT e.site_id, e.visitor_id, e.ts, e.source, lag(e.ts) OVER w AS before"
	"  FROM events e JOIN who USING (site_id, visitor_id)"
	"  WHERE e.ts > $6::timestamptz AND e.ts <= $3::timestamptz"
	"  WINDOW w AS (PARTITION BY e.site_id, e.visitor_id ORDER BY e.ts)),"
	" entry AS (SELECT DISTINCT ON (site_id, visitor_id) coalesce(source, 'direct') AS source"
	"  FROM hist WHERE before IS NULL OR ts - before > interval '30 minutes'"
	"  ORDER BY site_id, visitor_id, ts DESC),"
	" minutes AS (SELECT generate_series(p.m0, date_trunc('minute', p.t), interval '1 minute') AS m"
	"  FROM p),"
	" pv AS (SELECT date_trunc('minute', ts) AS m, count(*) AS n FROM ev WHERE kind = 'pageview'"
	"  GROUP BY 1),"
	" pages AS (SELECT path AS k, count(DISTINCT (site_id, visitor_id)) AS n FROM now5"
	"  WHERE kind = 'pageview' GROUP BY path),"
	" sources AS (SELECT source AS k, count(*) AS n FROM entry GROUP BY source)"
	" SELECT 1 AS o, 'site' AS section, NULL AS k,"
	"  ($1::text IS NULL OR p.sid IS NOT NULL)::int::bigint AS n, 0::bigint AS r FROM p"
	" UNION ALL SELECT 2, 'visitors', NULL, count(*), 0 FROM who"
	" UNION ALL SELECT 3, 'minute', to_char(m AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  coalesce(pv.n, 0), row_number() OVER (ORDER BY m) FROM minutes LEFT JOIN pv USING (m)"
	" UNION ALL SELECT 4, 'page', k, n, r FROM (SELECT k, n, row_number() OVER (ORDER BY n DESC, k) AS r"
	"  FROM pages) x WHERE r <= $2::int"
	" UNION ALL SELECT 5, 'source', k, n, r FROM (SELECT k, n, row_number() OVER (ORDER BY n DESC, k) AS r"
	"  FROM sources) x WHERE r <= $2::int"
	" ORDER BY 1, 5"};

enum { RT_ORDER, RT_SECTION, RT_KEY, RT_N };

/* Appends {key_name: key, value_name: n} for each row of `section`. */
static json_t *rows_of(const PGresult *res, const char *section, const char *key_name,
		       const char *value_name)
{
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		if (strcmp(db_get(res, i, RT_SECTION), section) == 0)
			json_array_append_new(a, json_pack("{s:s, s:I}", key_name,
				db_get(res, i, RT_KEY), value_name,
				(json_int_t)db_getll(res, i, RT_N, 0)));
	return a;
}

/* t seconds and us microseconds since the epoch as an ISO 8601 UTC instant */
static void utc_stamp(char out[32], time_t t, long us)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t k = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + k, 32 - k, ".%06ldZ", us);
}

/* The instants of a realtime request from this host's clock (UTC, to the
 * microsecond): now, the start of the minute 29 minutes back, 5 minutes and a
 * day ago. The hosts and PostgreSQL keep one clock (NTP); a skew of a second
 * moves a beacon at the window's edge, nothing more, and saves a round trip. */
static void realtime_clock(char now[32], char m0[32], char ago5[32], char ago1d[32])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	long us = ts.tv_nsec / 1000;
	utc_stamp(now, ts.tv_sec, us);
	utc_stamp(m0, ts.tv_sec - ts.tv_sec % 60 - 29 * 60, 0);
	utc_stamp(ago5, ts.tv_sec - 5 * 60, us);
	utc_stamp(ago1d, ts.tv_sec - 24 * 3600, us);
}

int h_analytics_realtime(req_t *r)
{
	const char *site = req_query(r, "site"), *limit = req_query(r, "limit");
	char now[32], m0[32], ago5[32], ago1d[32];
	realtime_clock(now, m0, ago5, ago1d);
	const char *p[] = {site, limit ? limit : TOP_DEFAULT, now, m0, ago5, ago1d};
	PGresult *res = db_run(r->arena, &q_realtime, 6, p);
	if (!res)
		return db_fail(r);
	if (PQntuples(res) < 2 || db_getll(res, 0, RT_N, 0) != 1) {
		json_t *errors = json_array();
		verr(errors, "site", "no site has this domain");
		return reply_invalid(r, errors);
	}
	json_t *minutes = rows_of(res, "minute", "minute", "pageviews");
	json_int_t total = 0;
	size_t i;
	json_t *m;
	json_array_foreach(minutes, i, m)
		total += json_integer_value(json_object_get(m, "pageviews"));
	json_t *j = arena_json(r->arena, json_pack("{s:s?, s:i, s:I, s:I, s:o, s:o, s:o}",
		"site", site, "window_minutes", 5, "visitors", (json_int_t)db_getll(res, 1, RT_N, 0),
		"pageviews_30_minutes", total, "per_minute", minutes,
		"top_pages", rows_of(res, "page", "path", "visitors"),
		"top_sources", rows_of(res, "source", "source", "visitors")));
	if (!j)
		return reply_problem(r, 500, "out of memory while building the reply", NULL);
	reply_header(r, "Cache-Control", "no-store");
	return reply_json(r, 200, j);
}

/* ---- #47 funnel ------------------------------------------------------------------------ */

static const vrule_t funnel_query[] = {
	RANGE_RULES,
	{"steps", V_STRING, 1, 1, STEPS_MAX_CHARS, NULL, NULL},
	{"device", V_STRING, 0, 0, 0, devices, NULL},
	{"source", V_STRING, 0, 1, 253, NULL, NULL},
	{"path", V_STRING, 0, 1, 2048, NULL, NULL},
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
};

typedef struct funnel_query {
	range_t rg;
	const char *site, *source, *device, *path;
	char *steps[FUNNEL_MAX_STEPS];
	funnel_step_t match[FUNNEL_MAX_STEPS];
	int n;
} funnel_query_t;

/* The steps of ?steps= into q->steps and q->match; the first problem to errors. */
static void parse_steps(req_t *r, funnel_query_t *q, json_t *errors)
{
	const char *spec = req_query(r, "steps");
	if (!spec || strlen(spec) > STEPS_MAX_CHARS * 4)
		return;         /* the router has named it */
	char *copy = arena_strdup(r->arena, spec);
	if (!copy)
		return;
	q->n = funnel_split(copy, q->steps, FUNNEL_MAX_STEPS);
	if (q->n < FUNNEL_MIN_STEPS || q->n > FUNNEL_MAX_STEPS) {
		verr(errors, "steps", "needs %d to %d comma-separated steps, got %d",
		     FUNNEL_MIN_STEPS, FUNNEL_MAX_STEPS, q->n);
		return;
	}
	for (int i = 0; i < q->n; i++) {
		const char *why = funnel_step_error(q->steps[i]);
		if (why) {
			verr(errors, "steps", "step %d: %s", i + 1, why);
			return;
		}
		funnel_step_init(&q->match[i], q->steps[i]);
	}
}

/* Reads and checks the query; every bad field goes to `errors`. */
static void parse_funnel(req_t *r, funnel_query_t *q, json_t *errors)
{
	memset(q, 0, sizeof(*q));
	range_parse(r, &q->rg, errors);
	check_site(r, errors);
	q->site = req_query(r, "site");
	q->source = req_query(r, "source");
	q->path = req_query(r, "path");
	q->device = req_query(r, "device");
	if (q->device && strcmp(q->device, "all") == 0)
		q->device = NULL;
	if (q->path && q->path[0] != '/')
		verr(errors, "path", "must be a path starting with /");
	parse_steps(r, q, errors);
}

static void funnel_check(req_t *r, json_t *errors)
{
	funnel_query_t q;
	parse_funnel(r, &q, errors);
}
const api_op_t op_analytics_funnel = {VRULES(funnel_query), NULL, NULL, 0, funnel_check};

/* $1 from, $2 to, $3 tz, $4 site domain, $5 source, $6 device, $7 path, $8
 * what step 1 needs among a visit's hit names. The candidates: the visits
 * started in the range that the filters keep and that may hold a hit of step
 * 1, with their visitor and hits; C walks them through the steps and counts
 * (analysis/funnel.c), which took most of the time as SQL (each visit's hits
 * unnested and joined with the steps, a recursive step per step). The first
 * column tells whether the site is known; with no candidate there is one row
 * of NULLs besides. `visits`: the set they come from (visits_between() or a
 * narrower one), `first` the test of step 1 on a visit's names (only ever
 * too wide: the kind and the pattern are C's). */
#define FUNNEL_SQL(visits, first) \
	"WITH p AS MATERIALIZED (SELECT ($1::date::timestamp AT TIME ZONE $3) AS t0," \
	"   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1," \
	"   (SELECT id FROM sites WHERE domain = $4) AS site," \
	"   ($4::text IS NULL OR EXISTS (SELECT 1 FROM sites WHERE domain = $4)) AS site_known)" \
	" SELECT p.site_known, v.site_id, v.visitor_id, v.hit_names, v.hit_goal, v.hit_secs" \
	" FROM p LEFT JOIN LATERAL (SELECT v.site_id, v.visitor_id, v.hit_names, v.hit_goal, v.hit_secs" \
	"  FROM " visits " v" \
	"  WHERE p.site_known AND ($5::text IS NULL OR v.source = $5)" \
	"   AND ($6::text IS NULL OR v.device = $6)" \
	"   AND ($7::text IS NULL OR " VISIT_HAS_HIT("false", "$7") ")" \
	/* OFFSET 0: planned apart, so that an unknown site stops it before it \
	 * reads (else its test waits in the join, after every site's visits) */ \
	"   AND " first " OFFSET 0) v ON true"

/* Step 1 a goal or a page without a wildcard: its name among the visit's. */
static const db_stmt_t q_funnel = {"analytics_funnel",
	FUNNEL_SQL("visits_between(p.site, p.t0, p.t1)", "$8 = ANY (v.hit_names)")};

/* Step 1 a page pattern with a wildcard: its literal start ($8, a '/' at
 * least) within the visit's names, one string search instead of unnesting
 * them. */
static const db_stmt_t q_funnel_wild = {"analytics_funnel_wild",
	FUNNEL_SQL("visits_between(p.site, p.t0, p.t1)",
		   "strpos(array_to_string(v.hit_names, '/'), $8) > 0")};

/* Step 1 a page without a wildcard and the report over one site: only the
 * visits that viewed it can enter, and the visits' page rows (sql/053) find
 * them by page (visits_viewing_between(), sql/061) where the visits of the
 * range are otherwise read whole, most of them to be dropped. */
static const db_stmt_t q_funnel_viewing = {"analytics_funnel_viewing",
	FUNNEL_SQL("visits_viewing_between(p.site, p.t0, p.t1, $8)", "$8 = ANY (v.hit_names)")};

/* The funnel over one site without filters reads whole Berlin days from their
 * packs (sql/069_funnel_packs.sql; in pieces of an hour of visit starts until
 * the day is two hours past, sql/073): $1 from, $2 to, $3 tz, $4 site domain.
 * Rows (kind, n, goal, name, upto, pack), in binary: 's' once, n the site's
 * id (0: no site has this domain), name and upto the packed part [a, b) of
 * the range as text (a = b = t0: none); 'n' a name of the site's hits, id in
 * n; 'k' a day's pack or a piece of it, each a list of visits of its own. The
 * days packed are the range's whole Berlin days before the rollups' end (the
 * range in another time zone cuts its first and last days; the hours
 * after the rollups have none); the rest, [t0, a) and [b, t1), comes from the
 * candidate visits as without packs (q_funnel_edges_*), with a and b passed
 * on, so both statements split the range alike. */
static const db_stmt_t q_funnel_packs = {"analytics_funnel_packs",
	"WITH p AS MATERIALIZED (SELECT ($1::date::timestamp AT TIME ZONE $3) AS t0,"
	"   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1,"
	"   (SELECT id FROM sites WHERE domain = $4) AS site),"
	" c AS MATERIALIZED (SELECT p.*, CASE WHEN d.d1 > d.d0 THEN d.d0 ELSE p.t0 END AS a,"
	"   CASE WHEN d.d1 > d.d0 THEN d.d1 ELSE p.t0 END AS b"
	"  FROM p, rollup_state s,"
	"   LATERAL (SELECT CASE WHEN rollup_day_floor(p.t0) = p.t0 THEN p.t0"
	"     ELSE rollup_day_ceil(p.t0) END AS d0,"
	"    rollup_day_floor(least(p.t1, coalesce(s.rolled_until, '-infinity'))) AS d1) d),"
	" k AS (SELECT f.pack FROM c, funnel_hour_packs f WHERE f.site_id = c.site"
	"   AND f.day_start >= c.a AND f.day_end <= c.b)"
	" SELECT 's'::text AS kind, coalesce(c.site, 0) AS n, false AS goal, c.a::text AS name,"
	"  c.b::text AS upto, NULL::bytea AS pack FROM c"
	" UNION ALL SELECT 'n', f.id::bigint, f.goal, f.name, NULL, NULL FROM c, funnel_names f"
	"  WHERE f.site_id = c.site AND EXISTS (SELECT 1 FROM k)"
	" UNION ALL SELECT 'k', 0, false, NULL, NULL, k.pack FROM k"};

/* The candidate visits of [t0, $9) and [$10, t1) (the range's parts not
 * packed), as q_funnel and its kin read those of the range. */
#define FUNNEL_EDGES(between, more) \
	"(SELECT * FROM " between "(p.site, p.t0, $9::timestamptz" more ")" \
	" UNION ALL SELECT * FROM " between "(p.site, $10::timestamptz, p.t1" more "))"
static const db_stmt_t q_funnel_edges = {"analytics_funnel_edges",
	FUNNEL_SQL(FUNNEL_EDGES("visits_between", ""), "$8 = ANY (v.hit_names)")};
static const db_stmt_t q_funnel_edges_wild = {"analytics_funnel_edges_wild",
	FUNNEL_SQL(FUNNEL_EDGES("visits_between", ""),
		   "strpos(array_to_string(v.hit_names, '/'), $8) > 0")};
static const db_stmt_t q_funnel_edges_viewing = {"analytics_funnel_edges_viewing",
	FUNNEL_SQL(FUNNEL_EDGES("visits_viewing_between", ", $8"), "$8 = ANY (v.hit_names)")};

enum { F_SITE_KNOWN, F_SITE, F_VISITOR, F_NAMES, F_GOALS, F_SECS };
enum { K_KIND, K_N, K_GOAL, K_NAME, K_UPTO, K_PACK };

static double rate(long long part, long long whole)
{
	return whole ? round((double)part / (double)whole * 1e4) / 1e4 : 0;
}

/* The reply's steps from the figures of steps 1..n. */
static json_t *steps_json(const funnel_query_t *q, const funnel_figures_t *f)
{
	json_t *a = json_array();
	long long first = f[0].visitors, prev = first;
	for (int i = 0; i < q->n; i++) {
		long long v = f[i].visitors;
		json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:I, s:I, s:f, s:f, s:I, s:f, s:o}",
			"step", i + 1, "step_spec", q->steps[i],
			"kind", funnel_kind(q->steps[i]) == FUNNEL_GOAL ? "goal" : "page",
			"visitors", (json_int_t)v, "visits", (json_int_t)f[i].visits,
			"conversion_from_previous", i ? rate(v, prev) : (first ? 1.0 : 0.0),
			"conversion_from_first", rate(v, first),
			"dropoff", (json_int_t)(i ? prev - v : 0), "dropoff_rate", i ? rate(prev - v, prev) : 0.0,
			"median_seconds_from_previous", i && !isnan(f[i].median)
				? json_real(round(f[i].median * 10) / 10) : json_null()));
		prev = v;
	}
	return a;
}

/* Walks the candidate visits of `res` (rows of FUNNEL_SQL) into c; 0, or -1
 * out of memory or on a malformed row. */
static int add_candidates(funnel_count_t *c, const PGresult *res)
{
	int rows = PQntuples(res), rc = 0;
	for (int i = 0; i < rows && rc == 0; i++)
		if (!PQgetisnull(res, i, F_VISITOR))
			rc = funnel_count_add_text(c, db_getll(res, i, F_SITE, 0),
				db_getll(res, i, F_VISITOR, 0), db_get(res, i, F_NAMES),
				db_get(res, i, F_GOALS), db_get(res, i, F_SECS));
	return rc;
}

static void count_free(void *c)
{
	funnel_count_free(c);
}

/* A binary int8 column; -1 when it is not one. */
static long long be64(const PGresult *res, int row, int col)
{
	const unsigned char *v = (const unsigned char *)PQgetvalue(res, row, col);
	uint64_t x = 0;
	if (PQgetlength(res, row, col) != 8)
		return -1;
	for (int i = 0; i < 8; i++)
		x = x << 8 | v[i];
	return (long long)x;
}

/* The rows of q_funnel_packs into c: the names, then the packs (of site
 * `site`). 0, or -1 out of memory or on a malformed row. */
static int add_packs(funnel_count_t *c, const PGresult *res, long long site)
{
	int rows = PQntuples(res);
	for (int i = 0; i < rows; i++)
		if (*PQgetvalue(res, i, K_KIND) == 'n' &&
		    funnel_count_name(c, be64(res, i, K_N), *PQgetvalue(res, i, K_GOAL) == 1,
				      PQgetvalue(res, i, K_NAME)) < 0)
			return -1;
	for (int i = 0; i < rows; i++)
		if (*PQgetvalue(res, i, K_KIND) == 'k' &&
		    funnel_count_add_pack(c, site, (const unsigned char *)PQgetvalue(res, i, K_PACK),
					  (size_t)PQgetlength(res, i, K_PACK)) < 0)
			return -1;
	return 0;
}

/* The data this report reads, for the report cache (core/cache.h). */
static const db_stmt_t q_funnel_stamp = {"q_funnel_stamp",
	"SELECT rollup_stamp($1, $2) || '.' || (SELECT last_value FROM data_version_sites)"};

int h_analytics_funnel(req_t *r)
{
	funnel_query_t q;
	json_t *errors = arena_json(r->arena, json_array());
	parse_funnel(r, &q, errors);
	if (json_array_size(errors) || q.n < FUNNEL_MIN_STEPS || q.n > FUNNEL_MAX_STEPS)
		return reply_invalid(r, json_incref(errors));
	const char *stamp[] = {q.rg.to, q.rg.tz};
	if (cache_serve_with(r, &q_funnel_stamp, 2, stamp))
		return 0;
	/* what step 1 needs among a visit's names: its whole name, or a wildcard
	 * page's literal start */
	const funnel_step_t *s1 = &q.match[0];
	char *need = arena_strdup(r->arena, s1->text);
	funnel_count_t *c = funnel_count_new(q.match, q.n);
	if (!need || !c || arena_cleanup(r->arena, count_free, c) < 0) {
		funnel_count_free(c);
		return reply_problem(r, 500, "out of memory", NULL);
	}
	need[s1->prefix] = '\0';
	/* One site without filters: its whole Berlin days packed, the rest of the
	 * range as candidates. Filters need the visits' dimensions, which packs
	 * do not keep; every site would need every site's names. */
	const char *a = NULL, *b = NULL;
	if (q.site && !q.source && !q.device && !q.path) {
		const char *pp[] = {q.rg.from, q.rg.to, q.rg.tz, q.site};
		PGresult *packs = db_run_binary(r->arena, &q_funnel_packs, 4, pp);
		if (!packs)
			return db_fail(r);
		long long site = -1;
		for (int i = 0; i < PQntuples(packs); i++)
			if (*PQgetvalue(packs, i, K_KIND) == 's') {
				site = be64(packs, i, K_N);
				a = PQgetvalue(packs, i, K_NAME);
				b = PQgetvalue(packs, i, K_UPTO);
			}
		if (!a || !b)
			return reply_problem(r, 500, "the funnel query returned no row", NULL);
		if (site <= 0) {
			verr(errors, "site", "no site has this domain");
			return reply_invalid(r, json_incref(errors));
		}
		if (add_packs(c, packs, site) < 0)
			return reply_problem(r, 500, "could not count the funnel's visits", NULL);
	}
	const char *p[] = {q.rg.from, q.rg.to, q.rg.tz, q.site, q.source, q.device, q.path, need, a, b};
	const db_stmt_t *st;
	if (a)
		st = s1->wild ? &q_funnel_edges_wild : !s1->goal ? &q_funnel_edges_viewing
			: &q_funnel_edges;
	else
		st = s1->wild ? &q_funnel_wild : q.site && !s1->goal ? &q_funnel_viewing : &q_funnel;
	PGresult *res = db_run(r->arena, st, a ? 10 : 8, p);
	if (!res)
		return db_fail(r);
	if (PQntuples(res) < 1)
		return reply_problem(r, 500, "the funnel query returned no row", NULL);
	if (strcmp(db_get(res, 0, F_SITE_KNOWN), "t") != 0) {
		verr(errors, "site", "no site has this domain");
		return reply_invalid(r, json_incref(errors));
	}
	funnel_figures_t f[FUNNEL_MAX_STEPS];
	if (add_candidates(c, res) < 0 || funnel_count_figures(c, f) < 0)
		return reply_problem(r, 500, "could not count the funnel's visits", NULL);
	long long first = f[0].visitors, last = f[q.n - 1].visitors;
	json_t *j = arena_json(r->arena, json_pack(
		"{s:o, s:{s:s?, s:s?, s:s?, s:s}, s:s, s:s, s:o, s:I, s:I, s:f}",
		"range", range_json_new(&q.rg),
		"filters", "site", q.site, "path", q.path, "source", q.source,
		"device", q.device ? q.device : "all",
		"counted", "visitors",
		"definition", "a visitor reaches step k when one of their visits (30 minutes of "
			"inactivity end a visit) completed steps 1..k in this order; other events "
			"in between are allowed",
		"steps", steps_json(&q, f), "entered", (json_int_t)first, "completed", (json_int_t)last,
		"conversion_rate", rate(last, first)));
	if (!j)
		return reply_problem(r, 500, "out of memory while building the reply", NULL);
	return reply_json(r, 200, j);
}
