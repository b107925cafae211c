/* level5_breakdown.c - #46 GET /api/level5/analytics/breakdown.
 *
 * For one property (?property=page, the default, entry_page, exit_page, source,
 * referrer, utm_source, utm_medium, utm_campaign, device, browser, os,
 * country, region, goal) every value with its visitors, visits, pageviews,
 * bounce rate, visit duration, conversions and conversion rate, sorted by
 * visitors (desc) then value, a page at a time ({items, next_cursor}) or all
 * of them as CSV, streamed. Visits and their figures follow #45 (Plausible's
 * definitions, level5_analytics.c). Page and goal are event properties: a
 * value counts the visits with such an event and its own pageviews and
 * visitors; the others belong to the visit (its first event, its first and
 * last pageview) and count per visit. For goal values, conversions are the
 * visits with that goal and the rate is taken over all visits of the
 * selection. ?filters= takes Plausible's API v2 form, a JSON array of
 * [op, dimension, [values]] with op is / is_not / contains (case-sensitive),
 * all of which must hold (AND); an event is kept when every filter holds for
 * it, a visit when one of its events is kept. One SQL statement computes it
 * all; the filter list travels as one jsonb parameter. Page, device and
 * browser, filtered by device and browser, are read from the hour
 * rollups and the raw tail as the time series reads them (q_breakdown_rollups,
 * the same figures, visitors as HyperLogLog estimates); everything else from
 * the raw events of the range (q_breakdown). The reply says which
 * (computed_from). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "db.h"
#include "geo.h"
#include "handlers.h"
#include "json_in.h"
#include "range.h"
#include "visits.h"

#define MAX_FILTERS 20
#define MAX_FILTER_VALUES 50
#define CSV_CHUNK (64u << 10)

/* The properties, in the order of the SQL's dimension array (q_breakdown):
 * the event's page, the visit's dimensions, the event's goal. */
static const char *const prop_names[] = {"page", "entry_page", "exit_page", "source",
	"referrer", "utm_source", "utm_medium", "utm_campaign", "device", "browser", "os",
	"country", "region", "goal", NULL};
static const char *const ops[] = {"is", "is_not", "contains", NULL};
static const char *const formats[] = {"json", "csv", NULL};

static const vrule_t bd_query[] = {
	RANGE_RULES,
	{"property", V_STRING, 0, 0, 0, prop_names, NULL},
	{"filters", V_STRING, 0, 2, 4096, NULL, NULL},
	{"goal", V_STRING, 0, 1, 64, NULL, NULL},
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
	{"cursor", V_STRING, 0, 1, 64, NULL, NULL},
	{"format", V_STRING, 0, 0, 0, formats, NULL},
};

/* The metrics in reply order: counts, then rates rounded to `scale`. */
enum { F_VISITORS, F_VISITS, F_PAGEVIEWS, F_BOUNCE, F_DURATION, F_CONV, F_CONV_RATE, F_N };
static const struct {
	const char *name;
	double scale;       /* 0: a count */
} fields[F_N] = {
	{"visitors", 0}, {"visits", 0}, {"pageviews", 0}, {"bounce_rate", 1e4},
	{"visit_duration", 10}, {"conversions", 0}, {"conversion_rate", 1e4},
};

/* Whether a row holds every filter of $6 (jsonb [[op, dimension, [values]]]),
 * `dv` being the row's value of dimension x ->> 1 (an SQL expression). */
#define FILTERS_HOLD(dv) \
	" ($6::jsonb = '[]'::jsonb OR NOT EXISTS (SELECT 1" \
	"   FROM jsonb_array_elements($6::jsonb) f(x), LATERAL (SELECT " dv " AS dv) fv" \
	"   WHERE NOT CASE x ->> 0" \
	"    WHEN 'is' THEN coalesce(fv.dv IN (SELECT jsonb_array_elements_text(x -> 2)), false)" \
	"    WHEN 'is_not' THEN NOT coalesce(fv.dv IN (SELECT jsonb_array_elements_text(x -> 2)), false)" \
	"    ELSE EXISTS (SELECT 1 FROM jsonb_array_elements_text(x -> 2) t(s)" \
	"     WHERE strpos(fv.dv, t.s) > 0) END))"

/* $1 from, $2 to, $3 tz, $4 site domain or NULL, $5 property, $6 filters
 * (jsonb [[op, dimension, [values]]]), $7 goal, $8 offset, $9 limit (NULL:
 * all), $10 the property names (prop_names). Each event carries the
 * dimensions as a text array in that order: its page, its visit's (from the
 * visit's first event; entry and exit page from its first and last
 * pageview), its goal. Rows: ('total', NULL, figures, number of values,
 * site known), then ('row', value, figures, ...) in reply order. Figures:
 * visitors, visits, pageviews, bounces, seconds of non-bounce visits,
 * conversions. */
static const db_stmt_t q_breakdown = {"analytics_breakdown",
	"WITH p AS MATERIALIZED (SELECT ($1::date::timestamp AT TIME ZONE $3) AS t0,"
	"   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1,"
	"   (SELECT id FROM sites WHERE domain = $4) AS site, $10::text[] AS names),"
	" ev AS (SELECT e.site_id, e.visitor_id, e.ts, e.kind, e.path, e.name, e.host, e.referrer,"
	"   e.source, e.source_group, e.utm_source, e.utm_medium, e.utm_campaign, e.device,"
	"   e.browser, e.os, e.country, e.region"
	"  FROM events e, p WHERE e.ts >= p.t0 AND e.ts < p.t1"
	"   AND e.kind IN ('pageview', 'engagement', 'event')"
	"   AND ($4::text IS NULL OR e.site_id = p.site)),"
	" marked AS (SELECT ev.*, (lag(ts) OVER w IS NULL"
	"    OR ts - lag(ts) OVER w > interval '30 minutes')::int AS starts"
	"  FROM ev WINDOW w AS (PARTITION BY site_id, visitor_id ORDER BY ts)),"
	" numbered AS (SELECT marked.*, sum(starts) OVER (PARTITION BY site_id, visitor_id"
	"    ORDER BY ts ROWS UNBOUNDED PRECEDING) AS visit FROM marked),"
	" visits AS (SELECT site_id, visitor_id, visit,"
	"   (count(*) FILTER (WHERE kind = 'pageview') = 1"
	"    AND count(*) FILTER (WHERE kind = 'event') = 0)::int AS bounce,"
	"   extract(epoch FROM max(ts) - min(ts))::float8 AS secs,"
	"   coalesce(bool_or(kind = 'event' AND name = $7), false) AS converted,"
	"   (array_agg(path ORDER BY ts) FILTER (WHERE kind = 'pageview'))[1] AS entry_page,"
	"   (array_agg(path ORDER BY ts DESC) FILTER (WHERE kind = 'pageview'))[1] AS exit_page"
	"  FROM numbered GROUP BY site_id, visitor_id, visit),"
	" vd AS (SELECT v.site_id, v.visitor_id, v.visit, ARRAY[v.entry_page, v.exit_page,"
	"    coalesce(n.source_group, CASE WHEN n.source IS NULL OR n.source = 'direct'"
	"     THEN 'Direct / None' ELSE n.source END),"
	"    CASE WHEN n.referrer ~* '^https?://[^/?#]' AND lower(regexp_replace(substring("
	"     n.referrer FROM '^[a-zA-Z]+://([^/?#:]+)'), '^www\\.', '')) IS DISTINCT FROM"
	"     lower(regexp_replace(n.host, '^www\\.', ''))"
	"     THEN regexp_replace(n.referrer, '[?#].*$', '') ELSE 'Direct / None' END,"
	"    n.utm_source, n.utm_medium, n.utm_campaign, n.device, n.browser, n.os, n.country,"
	"    n.region] AS d"
	"  FROM numbered n JOIN visits v USING (site_id, visitor_id, visit) WHERE n.starts = 1),"
	" evd AS (SELECT n.site_id, n.visitor_id, n.visit, n.kind, ARRAY[n.path] || vd.d"
	"    || CASE WHEN n.kind = 'event' THEN n.name END AS d"
	"  FROM numbered n JOIN vd USING (site_id, visitor_id, visit)),"
	" kept AS (SELECT site_id, visitor_id, visit, kind,"
	"   CASE WHEN $5 = 'page' AND kind <> 'pageview' THEN NULL"
	"    ELSE d[array_position(p.names, $5)] END AS v"
	"  FROM evd, p WHERE" FILTERS_HOLD("d[array_position(p.names, x ->> 1)]") "),"
	" kv AS (SELECT GROUPING(v) AS g, v, site_id, visitor_id, visit,"
	"   count(*) FILTER (WHERE kind = 'pageview') AS pageviews"
	"  FROM kept GROUP BY GROUPING SETS ((v, site_id, visitor_id, visit),"
	"   (site_id, visitor_id, visit))),"
	" agg AS (SELECT kv.g, kv.v, count(DISTINCT (kv.site_id, kv.visitor_id)) AS visitors,"
	"   count(*) AS visits, sum(kv.pageviews) AS pageviews, sum(vi.bounce) AS bounces,"
	"   sum(vi.secs * (1 - vi.bounce)) AS secs, count(*) FILTER (WHERE vi.converted) AS conversions"
	"  FROM kv JOIN visits vi USING (site_id, visitor_id, visit)"
	"  WHERE kv.g = 1 OR kv.v IS NOT NULL GROUP BY kv.g, kv.v)"
	" (SELECT 'total' AS section, NULL::text AS value, visitors, visits, pageviews, bounces, secs,"
	"   conversions, (SELECT count(*) FROM agg WHERE g = 0) AS nvalues,"
	"   ($4::text IS NULL OR p.site IS NOT NULL) AS site_known FROM p LEFT JOIN agg ON agg.g = 1)"
	" UNION ALL"
	" (SELECT 'row', v, visitors, visits, pageviews, bounces, secs, conversions, NULL, NULL"
	"  FROM agg WHERE g = 0"
	"  ORDER BY visitors DESC, v COLLATE \"C\" OFFSET $8::bigint LIMIT $9::bigint)"};

/* The rollups' answer for the properties and filters they carry (use_rollups):
 * $1..$9 as above, $10
 * whether the rows must tell devices apart, $11 browsers. Closed hours from the hour rollups
 * (sql/014_rollups.sql) at the coarsest level holding those dimensions ('*'
 * stands for every value; browsers only at the finest one), the tail from
 * the raw events (ROLLUP_TAIL_CTE). u: partial figures per value (v), item
 * if they count for the value, tot if for the totals (for pages, the totals
 * are the rows of every page, '*'); h the visitors with an event there, hv
 * those with a pageview (a page's visitors). A browser the tracker did not
 * know is '' in the rollups, NULL in the events. Visitors merge HyperLogLog
 * sketches, as the time series does. Same rows as q_breakdown. */
#define BD_VALUE(path, device, browser) \
	" CASE $5 WHEN 'page' THEN " path " WHEN 'device' THEN " device " ELSE " browser " END"
#define BD_FILTERS(device, browser) \
	FILTERS_HOLD("CASE x ->> 1 WHEN 'device' THEN " device " ELSE " browser " END")
#define BD_LEVEL \
	" CASE WHEN $11::boolean THEN r.browser <> '*' ELSE r.browser = '*' AND r.source = '*'" \
	"   AND (r.device <> '*') = $10::boolean END"
/* The rows of rollup `table` r of the closed hours at that level that hold
 * the filters: those of the filter's page or of every page ('*'), and those
 * of each page when `paths` (SQL) holds. */
#define BD_ROLLUP_ROWS(table, paths) \
	"  FROM " table " r, c WHERE r.hour >= c.t0 AND r.hour < c.cut" \
	"   AND ($4::text IS NULL OR r.site_id = c.site) AND (r.path = '*' OR (" paths "))" \
	"   AND" BD_LEVEL " AND" BD_FILTERS("r.device", "nullif(r.browser, '')")
static const db_stmt_t q_breakdown_rollups = {"analytics_breakdown_rollups",
	"WITH p AS MATERIALIZED (SELECT ($1::date::timestamp AT TIME ZONE $3) AS t0,"
	"   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1,"
	"   (SELECT id FROM sites WHERE domain = $4) AS site),"
	ROLLUP_TAIL_CTE("p.t0", "$4", "$7")
	" u AS MATERIALIZED (SELECT" BD_VALUE("r.path", "r.device", "nullif(r.browser, '')") " AS v,"
	"   $5 <> 'page' OR r.path <> '*' AS item, r.path = '*' AS tot,"
	"   NULL::hll AS h, NULL::hll AS hv, 0::numeric AS pageviews,"
	"   sum(r.visits) FILTER (WHERE r.goal = '') AS visits,"
	"   sum(r.bounces) FILTER (WHERE r.goal = '') AS bounces,"
	"   sum(r.secs) FILTER (WHERE r.goal = '') AS secs,"
	"   sum(r.visits) FILTER (WHERE r.goal = $7) AS conv"
	BD_ROLLUP_ROWS("rollup_visits", "$5 = 'page'") " AND r.goal IN ('', $7) GROUP BY 1, 2, 3"
	"  UNION ALL SELECT" BD_VALUE("r.path", "r.device", "nullif(r.browser, '')") ","
	"   $5 <> 'page' OR r.path <> '*', r.path = '*' OR $11,"
	"   hll_union_agg(r.visitors) FILTER (WHERE r.path = '*' OR $11),"
	"   hll_union_agg(r.viewers) FILTER (WHERE $5 = 'page' AND r.path <> '*'),"
	"   sum(r.pageviews), 0, 0, 0, 0"
	BD_ROLLUP_ROWS("rollup_pages", "$5 = 'page' OR $11") " GROUP BY 1, 2, 3"
	"  UNION ALL SELECT" BD_VALUE("path", "vdevice", "nullif(vbrowser, '')") ", true, true,"
	"   hll_add_agg(visitor_hash(site_id, visitor_id), 14, 5, -1, 0),"
	"   hll_add_agg(visitor_hash(site_id, visitor_id), 14, 5, -1, 0)"
	"    FILTER (WHERE kind = 'pageview'), count(*) FILTER (WHERE kind = 'pageview'), 0, 0, 0, 0"
	"  FROM se WHERE" BD_FILTERS("vdevice", "nullif(vbrowser, '')") " GROUP BY 1"
	"  UNION ALL SELECT" BD_VALUE("vp.path", "tv.vdevice", "nullif(tv.vbrowser, '')") ","
	"   $5 <> 'page' OR vp.path IS NOT NULL, vp.tot, NULL, NULL, 0, count(*), sum(tv.bounce),"
	"   sum(tv.secs * (1 - tv.bounce)), count(*) FILTER (WHERE tv.converted)"
	"  FROM tv, LATERAL (SELECT NULL::text AS path, true AS tot"
	"    UNION ALL SELECT x, false FROM unnest(tv.paths) x WHERE $5 = 'page') vp"
	"  WHERE" BD_FILTERS("tv.vdevice", "nullif(tv.vbrowser, '')") " GROUP BY 1, 2, 3),"
	" agg AS (SELECT v, round(hll_cardinality(hll_union_agg("
	"    CASE WHEN $5 = 'page' THEN hv ELSE h END)))::bigint AS visitors,"
	"   sum(pageviews) AS pageviews, sum(visits) AS visits, sum(bounces) AS bounces,"
	"   sum(secs) AS secs, sum(conv) AS conversions"
	"  FROM u WHERE item AND v IS NOT NULL GROUP BY v HAVING sum(visits) > 0),"
	" t AS (SELECT round(hll_cardinality(hll_union_agg(h)))::bigint AS visitors,"
	"   sum(pageviews) AS pageviews, sum(visits) AS visits, sum(bounces) AS bounces,"
	"   sum(secs) AS secs, sum(conv) AS conversions FROM u WHERE tot)"
	" (SELECT 'total' AS section, NULL::text AS value, t.visitors, t.visits, t.pageviews,"
	"   t.bounces, t.secs, t.conversions, (SELECT count(*) FROM agg) AS nvalues,"
	"   ($4::text IS NULL OR p.site IS NOT NULL) AS site_known FROM p, t)"
	" UNION ALL"
	" (SELECT 'row', v, visitors, visits, pageviews, bounces, secs, conversions, NULL, NULL"
	"  FROM agg ORDER BY visitors DESC, v COLLATE \"C\" OFFSET $8::bigint LIMIT $9::bigint)"};

enum { C_SECTION, C_VALUE, C_VISITORS, C_VISITS, C_PAGEVIEWS, C_BOUNCES, C_SECS, C_CONV,
       C_NVALUES, C_SITE_KNOWN };

typedef struct query {
	range_t rg;
	const char *prop;
	const char *site, *goal, *format;
	json_t *filters;        /* normalised: [[op, dimension, [values]]] */
	long long offset, limit;
	int rollups;            /* 1: the rollups answer (use_rollups) */
	int need_device, need_browser;
} query_t;

static int in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Page and goal belong to an event, the others to the visit. */
static int per_visit(const char *prop)
{
	return strcmp(prop, "page") != 0 && strcmp(prop, "goal") != 0;
}

/* Whether the hour rollups hold what q asks: the property is the page, the
 * device or the browser, and every filter is on the device or the browser.
 * Sets the levels of detail q_breakdown_rollups reads. The rest reads the
 * events: entry and exit page (the rollups keep the pages a visit viewed),
 * source (grouped at ingest, the rollups keep the raw one), goal (no visitors
 * per goal), OS, country, region, referrer, UTM, and filters on the page (a
 * filter keeps the visits with any event there, the rollups count views). */
static int use_rollups(query_t *q)
{
	json_t *f;
	size_t i;
	q->need_device = strcmp(q->prop, "device") == 0;
	q->need_browser = strcmp(q->prop, "browser") == 0;
	if (!q->need_device && !q->need_browser && strcmp(q->prop, "page") != 0)
		return 0;
	json_array_foreach(q->filters, i, f) {
		const char *dim = json_string_value(json_array_get(f, 1));
		if (strcmp(dim, "device") == 0)
			q->need_device = 1;
		else if (strcmp(dim, "browser") == 0)
			q->need_browser = 1;
		else
			return 0;
	}
	return 1;
}

/* Checks filter i ([op, dimension, [values]]); adds the normalised one to
 * `out` (a dimension's "event:"/"visit:" prefix of Plausible is dropped). */
static void filter_one(json_t *f, size_t i, json_t *out, json_t *errors)
{
	char field[32];
	snprintf(field, sizeof(field), "filters[%zu]", i);
	const char *op = json_string_value(json_array_get(f, 0));
	const char *dim = json_string_value(json_array_get(f, 1));
	json_t *vals = json_array_get(f, 2), *v;
	size_t k, bad = 0;
	json_array_foreach(vals, k, v)
		bad += !json_is_string(v) || strlen(json_string_value(v)) > 2048;
	if (dim && (strncmp(dim, "event:", 6) == 0 || strncmp(dim, "visit:", 6) == 0))
		dim += 6;
	if (!json_is_array(f) || json_array_size(f) != 3)
		verr(errors, field, "must be [operator, dimension, [values]]");
	else if (!op || !in_list(op, ops))
		verr(errors, field, "operator must be one of is, is_not, contains");
	else if (!in_list(dim, prop_names))
		verr(errors, field, "dimension must be one of the properties (page, source, country, ...)");
	else if (!json_is_array(vals) || !json_array_size(vals) ||
		 json_array_size(vals) > MAX_FILTER_VALUES || bad)
		verr(errors, field, "values must be an array of 1 to %d strings", MAX_FILTER_VALUES);
	else
		json_array_append_new(out, json_pack("[s, s, O]", op, dim, vals));
}

/* Parses ?filters= into q->filters (an arena-owned array, empty if absent). */
static void parse_filters(req_t *r, query_t *q, json_t *errors)
{
	const char *text = req_query(r, "filters");
	q->filters = arena_json(r->arena, json_array());
	if (!text)
		return;
	json_t *list = arena_json(r->arena, json_loads(text, JSON_REJECT_DUPLICATES, NULL)), *f;
	size_t i;
	if (!json_is_array(list) || json_array_size(list) > MAX_FILTERS) {
		verr(errors, "filters", "must be a JSON array of at most %d [operator, dimension, "
		     "[values]] filters", MAX_FILTERS);
		return;
	}
	json_array_foreach(list, i, f)
		filter_one(f, i, q->filters, errors);
}

/* Reads and checks the query; every bad field goes to `errors`. */
static void parse_query(req_t *r, query_t *q, json_t *errors)
{
	const char *limit = req_query(r, "limit"), *cursor = req_query(r, "cursor");
	range_parse(r, &q->rg, errors);
	parse_filters(r, q, errors);
	q->prop = req_query(r, "property") ? req_query(r, "property") : "page";
	q->site = req_query(r, "site");
	q->goal = req_query(r, "goal") ? req_query(r, "goal") : "lead";
	q->format = req_query(r, "format") ? req_query(r, "format") : "json";
	q->limit = limit ? strtoll(limit, NULL, 10) : 50;
	if (cursor && cursor_read(cursor, &q->offset) < 0)
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
	if (q->site && (!*q->site || strpbrk(q->site, "/ ")))
		verr(errors, "site", "must be a site's domain, e.g. zoe-solar.de");
}

static void bd_check(req_t *r, json_t *errors)
{
	query_t q;
	memset(&q, 0, sizeof(q));
	parse_query(r, &q, errors);
}
const api_op_t op_analytics_breakdown = {VRULES(bd_query), NULL, NULL, 0, bd_check};

/* The figures of result row i; `all_visits` is the selection's (goal rates). */
static void figures_of(const query_t *q, const PGresult *res, int i, double all_visits,
		       double v[F_N])
{
	double visits = (double)db_getll(res, i, C_VISITS, 0);
	int goal = strcmp(q->prop, "goal") == 0 && !strcmp(db_get(res, i, C_SECTION), "row");
	v[F_VISITORS] = (double)db_getll(res, i, C_VISITORS, 0);
	v[F_VISITS] = visits;
	v[F_PAGEVIEWS] = (double)db_getll(res, i, C_PAGEVIEWS, 0);
	v[F_BOUNCE] = visits ? (double)db_getll(res, i, C_BOUNCES, 0) / visits : 0;
	v[F_DURATION] = visits ? db_getd(res, i, C_SECS, 0) / visits : 0;
	v[F_CONV] = goal ? visits : (double)db_getll(res, i, C_CONV, 0);
	v[F_CONV_RATE] = goal ? (all_visits ? visits / all_visits : 0) : visits ? v[F_CONV] / visits : 0;
	for (int k = 0; k < F_N; k++)
		if (fields[k].scale)
			v[k] = round(v[k] * fields[k].scale) / fields[k].scale;
}

static json_t *figures_json(json_t *o, const double v[F_N])
{
	for (int k = 0; k < F_N; k++)
		json_object_set_new(o, fields[k].name, fields[k].scale ? json_real(v[k])
				    : json_integer((json_int_t)v[k]));
	return o;
}


/* Every value as CSV, streamed in parts of CSV_CHUNK: no row cap. */
static int reply_csv(req_t *r, const query_t *q, const PGresult *res, int total, double all)
{
	buf_t b;
	int rc = 0;
	buf_init(&b, 2 * CSV_CHUNK + 8192);
	reply_header(r, "Content-Disposition", arena_printf(r->arena,
		"attachment; filename=\"breakdown-%s.csv\"", q->prop));
	reply_stream_start(r, 200, "text/csv; charset=utf-8");
	buf_adds(&b, q->prop);
	for (int k = 0; k < F_N; k++)
		buf_printf(&b, ",%s", fields[k].name);
	buf_adds(&b, "\r\n");
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		double v[F_N];
		if (i == total)
			continue;
		figures_of(q, res, i, all, v);
		buf_csv_field(&b, db_get(res, i, C_VALUE));
		for (int k = 0; k < F_N; k++)
			buf_printf(&b, fields[k].scale ? ",%.10g" : ",%.0f", v[k]);
		buf_adds(&b, "\r\n");
		if (b.len >= CSV_CHUNK || i + 1 == PQntuples(res)) {
			rc = b.oom ? -1 : reply_stream(r, b.data, b.len);
			b.len = 0;
		}
	}
	if (rc == 0 && b.len)
		rc = reply_stream(r, b.data, b.len);
	buf_free(&b);
	return rc;
}

/* The data this report reads, for the report cache (core/cache.h). */
static const db_stmt_t q_bd_stamp = {"q_bd_stamp",
	"SELECT events_stamp($1, $2) || '.' || (SELECT last_value FROM data_version_sites)"};
static const db_stmt_t q_bd_rollup_stamp = {"q_bd_rollup_stamp",
	"SELECT rollup_stamp($1, $2) || '.' || (SELECT last_value FROM data_version_sites)"};

/* The JSON page: totals, items, next_cursor. */
static int reply_page(req_t *r, const query_t *q, const PGresult *res, int total, double all)
{
	double t[F_N];
	long long nvalues = db_getll(res, total, C_NVALUES, 0);
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		double v[F_N];
		if (i == total)
			continue;
		figures_of(q, res, i, all, v);
		json_array_append_new(items, figures_json(json_pack("{s:s}", "value",
			db_get(res, i, C_VALUE)), v));
	}
	figures_of(q, res, total, all, t);
	json_t *next = q->offset + q->limit < nvalues ? cursor_new(q->offset + q->limit)
		       : json_null();
	json_t *j = arena_json(r->arena, json_pack(
		"{s:o, s:s, s:s, s:s, s:O, s:s, s:s?, s:s, s:o, s:I, s:o, s:o}",
		"range", range_json_new(&q->rg), "property", q->prop,
		"counted_per", per_visit(q->prop) ? "visit" : "event",
		"computed_from", q->rollups ? "rollups" : "events", "filters", q->filters,
		"goal", q->goal, "site", q->site, "geo_source", geo_source(),
		"totals", figures_json(json_object(), t), "total_values", (json_int_t)nvalues,
		"items", items, "next_cursor", next));
	if (!j)
		return reply_problem(r, 500, "out of memory while building the reply", NULL);
	return reply_json(r, 200, j);
}

/* prop_names as a PostgreSQL array literal, "{page,entry_page,...}". */
static const char *names_array(void)
{
	static char lit[256];
	size_t n = 0;
	if (lit[0])
		return lit;
	for (size_t i = 0; prop_names[i] && n + 20 < sizeof(lit); i++)
		n += (size_t)snprintf(lit + n, sizeof(lit) - n, "%c%s", i ? ',' : '{', prop_names[i]);
	snprintf(lit + n, sizeof(lit) - n, "}");
	return lit;
}

int h_analytics_breakdown(req_t *r)
{
	query_t q;
	json_t *errors = arena_json(r->arena, json_array());
	memset(&q, 0, sizeof(q));
	parse_query(r, &q, errors);
	if (json_array_size(errors) || !q.prop)
		return reply_invalid(r, json_incref(errors));
	int csv = strcmp(q.format, "csv") == 0;
	q.rollups = use_rollups(&q);
	const char *stamp[] = {q.rg.to, q.rg.tz};
	if (!csv && cache_serve_with(r, q.rollups ? &q_bd_rollup_stamp : &q_bd_stamp, 2, stamp))
		return 0;
	char *ftext = json_dumps(q.filters, JSON_COMPACT), off[24], lim[24];
	if (!ftext)
		return reply_problem(r, 500, "out of memory", NULL);
	arena_cleanup(r->arena, free, ftext);
	snprintf(off, sizeof(off), "%lld", csv ? 0 : q.offset);
	snprintf(lim, sizeof(lim), "%lld", q.limit);
	const char *p[] = {q.rg.from, q.rg.to, q.rg.tz, q.site, q.prop, ftext, q.goal, off,
			   csv ? NULL : lim, names_array()};
	const char *pr[] = {q.rg.from, q.rg.to, q.rg.tz, q.site, q.prop, ftext, q.goal, off,
			    csv ? NULL : lim, q.need_device ? "t" : "f",
			    q.need_browser ? "t" : "f"};
	PGresult *res = q.rollups ? db_run(r->arena, &q_breakdown_rollups, 11, pr)
				  : db_run(r->arena, &q_breakdown, 10, p);
	if (!res)
		return db_fail(r);
	int total = -1;
	for (int i = 0; i < PQntuples(res) && total < 0; i++)
		if (strcmp(db_get(res, i, C_SECTION), "total") == 0)
			total = i;
	if (total < 0)
		return reply_problem(r, 500, "the breakdown query returned no totals", NULL);
	if (strcmp(db_get(res, total, C_SITE_KNOWN), "t") != 0) {
		verr(errors, "site", "no site has this domain");
		return reply_invalid(r, json_incref(errors));
	}
	double all = (double)db_getll(res, total, C_VISITS, 0);
	if (csv)
		return reply_csv(r, &q, res, total, all);
	return reply_page(r, &q, res, total, all);
}
