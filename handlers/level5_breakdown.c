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
 * all of which must hold (AND): a filter on a visit property holds for the
 * visit, one on the page for one of its pageviews, one on the goal for one
 * of its goal events. One SQL statement computes it all, from the visits
 * started in the range (sql/040_visits.sql: the visits table and the raw
 * tail), each read whole, visitors counted exactly; the filter list travels
 * as one jsonb parameter. The reply says so (computed_from: visits,
 * visitors_counted: exact). For a property other than the pages, without
 * filters or with filters on the device only, the per-day figures of
 * sql/047 answer instead: whole Berlin days
 * summed once by the rollup job, the edges and the tail from the visits,
 * visitors merged from HyperLogLog sketches (computed_from: visit_days,
 * visitors_counted: hll). The pages (viewed, entry, exit), without filters
 * or with filters on the device only, come from the page figures per Berlin
 * day and week of sql/061 (whole weeks, the days at the edges, the rest from
 * the visits' page rows of sql/053), visitors merged from HyperLogLog
 * sketches (computed_from: page_days, visitors_counted: hll); over every
 * site, from the page rows alone, visitors counted exactly (computed_from:
 * visit_pages). */
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

#define MAX_FILTERS 20
#define MAX_FILTER_VALUES 50
#define CSV_CHUNK (64u << 10)

/* The properties: the page, the visit's dimensions, the goal. */
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

/* Whether a row holds every filter of `list` (jsonb [[op, dimension,
 * [values]]], SQL), `dv` being the row's value of dimension x ->> 1 (an SQL
 * expression). */
#define FILTERS_HOLD(list, dv) \
	" (" list " = '[]'::jsonb OR NOT EXISTS (SELECT 1" \
	"   FROM jsonb_array_elements(" list ") f(x), LATERAL (SELECT " dv " AS dv) fv" \
	"   WHERE NOT CASE x ->> 0" \
	"    WHEN 'is' THEN coalesce(fv.dv IN (SELECT jsonb_array_elements_text(x -> 2)), false)" \
	"    WHEN 'is_not' THEN NOT coalesce(fv.dv IN (SELECT jsonb_array_elements_text(x -> 2)), false)" \
	"    ELSE EXISTS (SELECT 1 FROM jsonb_array_elements_text(x -> 2) t(s)" \
	"     WHERE strpos(fv.dv, t.s) > 0) END))"

/* Visit v's value of the visit property `name` (SQL): visit_value() of
 * sql/047, which the per-day figures are summed by. */
#define VISIT_VALUE(name) " visit_value(" name ", v)"

/* p's range [t0, t1) and site from $1 from, $2 to, $3 tz, $4 domain (an
 * unknown one reads site -1, no visits). */
#define RANGE_SITE \
	" ($1::date::timestamp AT TIME ZONE $3) AS t0," \
	"   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1," \
	"   coalesce((SELECT id FROM sites WHERE domain = $4), CASE WHEN $4 IS NOT NULL THEN -1 END)" \
	"    AS site"

/* The reply's rows from the totals t and the values agg (v, figures):
 * the totals first, then the values of the page ($8 offset, $9 limit).
 * REPLY_ROWS_OF counts the values in another relation than agg. */
#define REPLY_ROWS REPLY_ROWS_OF("agg")
#define REPLY_ROWS_OF(values) \
	" (SELECT 'total' AS section, NULL::text AS value, t.visitors, t.visits, t.pageviews," \
	"   t.bounces, t.secs, t.conversions, (SELECT count(*) FROM " values ") AS nvalues," \
	"   p.site IS DISTINCT FROM -1 AS site_known FROM p, t)" \
	" UNION ALL" \
	" (SELECT 'row', v, visitors, visits, pageviews, bounces, secs, conversions, NULL, NULL" \
	"  FROM agg ORDER BY visitors DESC, v COLLATE \"C\" OFFSET $8::bigint LIMIT $9::bigint)"

/* $1 from, $2 to, $3 tz, $4 site domain or NULL, $5 property, $6 filters
 * (jsonb [[op, dimension, [values]]]), $7 goal, $8 offset, $9 limit (NULL:
 * all). Reads the visits started in the range (visits_between(), sql/040),
 * each whole. p splits the filters: those on the visit's dimensions (vf)
 * hold for the visit, those on the page (pf) for one of its pageviews, those
 * on the goal (gf) for one of its goal events; a visit is kept when all do.
 * Its kept hits are the pageviews that hold pf and the goal events that hold
 * gf: its pageviews figure counts the kept pageviews, and it counts for a
 * page or goal value when it has a kept hit there. An unknown domain reads
 * site -1, no visits. Rows: ('total', NULL, figures, number of values, site
 * known), then ('row', value, figures, ...) in reply order. Figures:
 * visitors, visits, pageviews, bounces, seconds of non-bounce visits,
 * conversions. */
static const db_stmt_t q_breakdown = {"analytics_breakdown",
	"WITH p AS MATERIALIZED (SELECT" RANGE_SITE ", f.*"
	"  FROM (SELECT coalesce(jsonb_agg(x) FILTER (WHERE x ->> 1 NOT IN ('page', 'goal')), '[]') AS vf,"
	"    coalesce(jsonb_agg(x) FILTER (WHERE x ->> 1 = 'page'), '[]') AS pf,"
	"    coalesce(jsonb_agg(x) FILTER (WHERE x ->> 1 = 'goal'), '[]') AS gf"
	"   FROM jsonb_array_elements($6::jsonb) x) f),"
	" vs AS (SELECT v.site_id, v.visitor_id, v.hit_names, v.hit_goal," VISIT_VALUE("$5") " AS value,"
	"   (v.pageviews = 1 AND v.goals = 0)::int AS bounce,"
	"   extract(epoch FROM v.vend - v.vstart)::float8 AS secs,"
	"   v.goals > 0 AND EXISTS (SELECT 1 FROM unnest(v.hit_names, v.hit_goal) h(n, g)"
	"    WHERE g AND n = $7) AS converted,"
	"   CASE WHEN p.pf = '[]' THEN v.pageviews ELSE (SELECT count(*)"
	"    FROM unnest(v.hit_names, v.hit_goal) h(n, g) WHERE NOT g AND" FILTERS_HOLD("p.pf", "h.n")
	"    ) END AS pageviews"
	"  FROM p, visits_between(p.site, p.t0, p.t1) v"
	"  WHERE" FILTERS_HOLD("p.vf", VISIT_VALUE("x ->> 1"))
	"   AND (p.gf = '[]' OR EXISTS (SELECT 1 FROM unnest(v.hit_names, v.hit_goal) h(n, g)"
	"    WHERE g AND" FILTERS_HOLD("p.gf", "h.n") "))),"
	" kept AS (SELECT vs.* FROM vs, p WHERE p.pf = '[]' OR vs.pageviews > 0),"
	/* per visit and value: the visit's own, or its kept hits' (page, goal) in
	 * one flat list, n counting a pageview; the first hit of its value and
	 * kind in the visit (first) stands for the visit, so no grouping visit by
	 * visit is needed (an earlier hit of that name is rare: only then its
	 * kind is looked at) */
	" kv AS (SELECT k.value AS v, k.site_id, k.visitor_id, k.bounce, k.secs, k.converted,"
	"   k.pageviews AS n, true AS first FROM kept k"
	"  WHERE $5 NOT IN ('page', 'goal') AND k.value IS NOT NULL"
	"  UNION ALL SELECT h.n, k.site_id, k.visitor_id, k.bounce, k.secs, k.converted,"
	"   (NOT h.g)::int, CASE WHEN array_position(k.hit_names, h.n) = h.i THEN true"
	"    ELSE NOT EXISTS (SELECT 1 FROM unnest(k.hit_names[:h.i - 1], k.hit_goal[:h.i - 1]) e(n, g)"
	"     WHERE e.n = h.n AND e.g = h.g) END"
	"  FROM p, kept k, unnest(k.hit_names, k.hit_goal) WITH ORDINALITY h(n, g, i)"
	"  WHERE $5 IN ('page', 'goal') AND h.g = ($5 = 'goal') AND CASE WHEN h.g"
	"   THEN" FILTERS_HOLD("p.gf", "h.n") " ELSE" FILTERS_HOLD("p.pf", "h.n") " END),"
	/* per value: the sums, and its visitors counted exactly from the
	 * distinct (value, visitor) pairs apart, narrow enough to be hashed
	 * (sorting them with their figures spilled to disk at 1 M events) */
	" vsum AS (SELECT v COLLATE \"C\" AS v, count(*) FILTER (WHERE first) AS visits,"
	"   sum(n) AS pageviews, sum(bounce) FILTER (WHERE first) AS bounces,"
	"   sum(secs * (1 - bounce)) FILTER (WHERE first) AS secs,"
	"   count(*) FILTER (WHERE first AND converted) AS conversions FROM kv GROUP BY 1),"
	" vvis AS (SELECT v, count(*) AS visitors FROM (SELECT DISTINCT v COLLATE \"C\" AS v,"
	"   site_id, visitor_id FROM kv WHERE first) d GROUP BY v),"
	" agg AS (SELECT s.v, d.visitors, s.visits, s.pageviews, s.bounces, s.secs, s.conversions"
	"  FROM vsum s JOIN vvis d ON d.v = s.v),"
	" t AS (SELECT (SELECT count(*) FROM (SELECT DISTINCT site_id, visitor_id FROM kept) d)"
	"   AS visitors, count(*) AS visits, sum(pageviews) AS pageviews, sum(bounce) AS bounces,"
	"   sum(secs * (1 - bounce)) AS secs, count(*) FILTER (WHERE converted) AS conversions"
	"  FROM kept)"
	REPLY_ROWS};

/* The same rows from the per-day figures (sql/047_visit_days.sql: whole
 * Berlin days summed, the rest of the range from the visits), for a
 * selection they cover (days_cover()): no filter (the rows of all devices),
 * filters on the device (vf, each holding for a row's device) and "is" or
 * "contains" filters on the property broken down (of, holding for a row's
 * value: a click on a value of the list itself). Visitors are the merged
 * HyperLogLog sketches (0.8 % error, exact for small sets); the totals are
 * the rows of property device, which hold every visit once, or with `of`
 * the values kept (a visit has one value of a visit property). Same
 * parameters as q_breakdown. */
static const db_stmt_t q_breakdown_days = {"analytics_breakdown_days",
	"WITH p AS MATERIALIZED (SELECT" RANGE_SITE ","
	"   coalesce(jsonb_agg(x) FILTER (WHERE x ->> 1 = 'device'), '[]') AS vf,"
	"   coalesce(jsonb_agg(x) FILTER (WHERE x ->> 1 <> 'device'), '[]') AS of"
	"  FROM jsonb_array_elements($6::jsonb) x),"
	" f AS (SELECT d.* FROM p, visit_figures_between(p.site, p.t0, p.t1, ARRAY[$5::text, 'device']) d"
	"  WHERE CASE WHEN p.vf = '[]' THEN d.device = '*' OR d.property = 'device'"
	"   ELSE d.device <> '*' AND" FILTERS_HOLD("p.vf", "d.device") " END),"
	" agg AS (SELECT value COLLATE \"C\" AS v,"
	"   round(hll_cardinality(hll_union_agg(visitors)))::bigint AS visitors, sum(visits) AS visits,"
	"   sum(pageviews) AS pageviews, sum(bounces) AS bounces, sum(secs) AS secs,"
	"   coalesce(sum((goals ->> $7)::bigint), 0) AS conversions"
	"  FROM p, f r WHERE r.property = $5 AND" FILTERS_HOLD("p.of", "r.value") " GROUP BY 1),"
	" t AS (SELECT coalesce(round(hll_cardinality(hll_union_agg(visitors)))::bigint, 0) AS visitors,"
	"   coalesce(sum(visits), 0) AS visits, sum(pageviews) AS pageviews, sum(bounces) AS bounces,"
	"   sum(secs) AS secs, coalesce(sum((goals ->> $7)::bigint), 0) AS conversions"
	"  FROM p, f r WHERE CASE WHEN p.of = '[]' THEN r.property = 'device'"
	"   ELSE r.property = $5 AND" FILTERS_HOLD("p.of", "r.value") " END)"
	REPLY_ROWS};

/* The same rows for the pages (property page, entry_page or exit_page) from
 * the visits' page rows (sql/053_visit_pages.sql: one per visit and page it
 * viewed, with the visit's figures; the head row carries the visit and its
 * entry page), for a selection pages_cover() admits: no filter, or filters on
 * the device (vf). Every figure as q_breakdown's, visitors counted exactly.
 * Same parameters as q_breakdown. */
static const db_stmt_t q_breakdown_pages = {"analytics_breakdown_pages",
	"WITH p AS MATERIALIZED (SELECT" RANGE_SITE ", coalesce(jsonb_agg(x), '[]') AS vf"
	"  FROM jsonb_array_elements($6::jsonb) x),"
	/* one scan: per row its value (the page, or the visit's entry or exit page)
	 * and, for the head row, the visit once more for the totals (tot) */
	" kv AS (SELECT x.tot, x.v, g.site_id, g.visitor_id, x.n, g.bounce::int AS bounce, g.secs,"
	"   coalesce($7 = ANY (g.goals), false) AS converted"
	"  FROM p, visit_pages_between(p.site, p.t0, p.t1) g,"
	"   LATERAL (SELECT false, g.page, CASE WHEN $5 = 'page' THEN g.views ELSE g.vviews END"
	"     WHERE g.views > 0 AND CASE $5 WHEN 'page' THEN true WHEN 'entry_page' THEN g.head"
	"      ELSE g.is_exit END"
	"    UNION ALL SELECT true, NULL, g.vviews WHERE g.head) x(tot, v, n)"
	"  WHERE" FILTERS_HOLD("p.vf", "g.device") "),"
	/* per value and visitor, then per value: visitors counted exactly */
	" pv AS (SELECT tot, v COLLATE \"C\" AS v, count(*) AS visits, sum(n) AS pageviews,"
	"   sum(bounce) AS bounces, sum(secs * (1 - bounce)) AS secs,"
	"   count(*) FILTER (WHERE converted) AS conversions FROM kv GROUP BY tot, 2, site_id, visitor_id),"
	" a AS (SELECT tot, v, count(*) AS visitors, sum(visits)::bigint AS visits,"
	"   sum(pageviews)::bigint AS pageviews, sum(bounces)::bigint AS bounces, sum(secs) AS secs,"
	"   sum(conversions)::bigint AS conversions FROM pv GROUP BY tot, v),"
	" agg AS (SELECT v, visitors, visits, pageviews, bounces, secs, conversions FROM a WHERE NOT tot),"
	" t AS (SELECT coalesce(max(visitors), 0) AS visitors, coalesce(max(visits), 0) AS visits,"
	"   max(pageviews) AS pageviews, max(bounces) AS bounces, max(secs) AS secs,"
	"   coalesce(max(conversions), 0) AS conversions FROM a WHERE tot)"
	REPLY_ROWS};

/* The visitors u of each page v of candidates c.pages (a CTE of the statement
 * below): the rolled sketches found by page and today's tail, merged. */
#define PAGE_VISITORS(c) \
	" (SELECT page COLLATE \"C\" AS v, round(hll_cardinality(hll_union_agg(visitors)))::bigint AS u" \
	"  FROM (SELECT d.* FROM p, " c ", ok," \
	"    page_sketches_between(p.site, p.t0, p.t1, $5, p.vf = '[]', " c ".pages, ok.devices) d" \
	"   UNION ALL SELECT tl.page, tl.visitors FROM tl, " c ", ok" \
	"   WHERE tl.property = $5 AND tl.page = ANY (" c ".pages) AND tl.device = ANY (ok.devices)) m" \
	"  GROUP BY 1)"

/* The same rows for the pages from the page figures per Berlin day and week
 * (sql/061_page_weeks.sql: whole weeks, the days at the range's edges, the
 * rest from the page rows), for a selection pages_cover() admits and one site:
 * no filter (the rows over all devices), or filters on the device (vf; ok
 * holds the devices of the totals' rows tt that hold them, each tested once:
 * a page row's device has a total row too, and there are a few dozen of them
 * to the page rows' tens of thousands). The sums s read the rows of the one
 * property without their sketches (index-only, sql/071) and only of the
 * devices kept, which the scalar list lets the scans test (today's tail tl is
 * summed once, with its sketches). Visitors are merged HyperLogLog sketches (0.8 %
 * error, exact for small sets), clamped to the visits, which a page's
 * visitors cannot exceed; so only the pages that can rank among the first
 * k = $8 + $9 are merged (sql/064_page_top_visitors.sql): the first k by
 * visits (c1, m1), then every other page whose visits reach the k-th
 * visitors found (c2, m2). Without a limit (CSV) c1 holds every page. The
 * totals are the rows of property total, which hold every visit once. Same
 * parameters as q_breakdown. */
static const db_stmt_t q_breakdown_page_weeks = {"analytics_breakdown_page_weeks",
	"WITH p AS MATERIALIZED (SELECT" RANGE_SITE ", coalesce(jsonb_agg(x), '[]') AS vf,"
	"   $8::bigint + $9::bigint AS k"
	"  FROM jsonb_array_elements($6::jsonb) x),"
	" tl AS MATERIALIZED (SELECT d.* FROM p,"
	"   page_tail_between(p.site, p.t0, p.t1, ARRAY[$5::text, 'total'], p.vf = '[]', $7) d),"
	" tt AS MATERIALIZED (SELECT d.* FROM p,"
	"   page_sums_between(p.site, p.t0, p.t1, ARRAY['total'], p.vf = '[]', $7) d"
	"  UNION ALL SELECT property, page, device, visits, pageviews, bounces, secs, conversions"
	"  FROM tl WHERE property = 'total'),"
	" ok AS MATERIALIZED (SELECT CASE WHEN p.vf = '[]' THEN ARRAY['*']"
	"   ELSE (SELECT array_agg(x.device) FROM (SELECT DISTINCT device FROM tt) x"
	"    WHERE" FILTERS_HOLD("p.vf", "x.device") ") END AS devices FROM p),"
	" s AS MATERIALIZED (SELECT page COLLATE \"C\" AS v, sum(visits) AS visits,"
	"   sum(pageviews) AS pageviews, sum(bounces) AS bounces, sum(secs) AS secs,"
	"   coalesce(sum(conversions), 0) AS conversions"
	"  FROM (SELECT d.* FROM p,"
	"    page_sums_between(p.site, p.t0, p.t1, ARRAY[$5::text], p.vf = '[]', $7) d"
	"   UNION ALL SELECT property, page, device, visits, pageviews, bounces, secs, conversions"
	"   FROM tl WHERE property = $5) r"
	"  WHERE device = ANY ((SELECT devices FROM ok)::text[]) GROUP BY 1),"
	" c1 AS MATERIALIZED (SELECT coalesce(array_agg(v), '{}') AS pages"
	"  FROM (SELECT v FROM s ORDER BY visits DESC, v LIMIT (SELECT k FROM p)) x),"
	" m1 AS MATERIALIZED" PAGE_VISITORS("c1") ","
	" c2 AS MATERIALIZED (SELECT coalesce(array_agg(s.v), '{}') AS pages FROM s, c1"
	"  WHERE s.visits >= (SELECT least(m1.u, s1.visits) FROM m1 JOIN s s1 USING (v)"
	"    ORDER BY 1 DESC, v OFFSET (SELECT k FROM p) - 1 LIMIT 1)"
	"   AND s.v <> ALL (c1.pages)),"
	" m2 AS MATERIALIZED" PAGE_VISITORS("c2") ","
	" agg AS (SELECT s.v, least(m.u, s.visits) AS visitors, s.visits, s.pageviews, s.bounces,"
	"   s.secs, s.conversions"
	"  FROM (SELECT * FROM m1 UNION ALL SELECT * FROM m2) m JOIN s USING (v)),"
	" t AS (SELECT (SELECT coalesce(round(hll_cardinality(hll_union_agg(visitors)))::bigint, 0)"
	"    FROM (SELECT d.visitors FROM p, ok, page_sketches_between(p.site, p.t0, p.t1, 'total',"
	"      p.vf = '[]', ARRAY[''], ok.devices) d"
	"     UNION ALL SELECT tl.visitors FROM tl, ok"
	"     WHERE tl.property = 'total' AND tl.device = ANY (ok.devices)) m) AS visitors,"
	"   coalesce(sum(visits), 0) AS visits, sum(pageviews) AS pageviews, sum(bounces) AS bounces,"
	"   sum(secs) AS secs, coalesce(sum(conversions), 0) AS conversions"
	"  FROM tt, ok WHERE device = ANY (ok.devices))"
	REPLY_ROWS_OF("s")};

enum { C_SECTION, C_VALUE, C_VISITORS, C_VISITS, C_PAGEVIEWS, C_BOUNCES, C_SECS, C_CONV,
       C_NVALUES, C_SITE_KNOWN };

typedef struct query {
	range_t rg;
	const char *prop;
	const char *site, *goal, *format;
	json_t *filters;        /* normalised: [[op, dimension, [values]]] */
	long long offset, limit;
	int from_days;          /* the per-day figures answer it (q_breakdown_days) */
	int from_pages;         /* the visits' page rows answer it (q_breakdown_pages) */
	int from_page_days;     /* the page figures per day and week (q_breakdown_page_weeks) */
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

/* Whether the per-day figures answer property `prop` under the filters:
 * they keep no pages (sql/047); each filter must be on the device, which
 * their rows are kept by, or an "is" or "contains" on `prop` itself (not on
 * the goal: a visit may reach several). "is_not" stays on the visits: it
 * keeps the visits without a value, which the days do not hold. */
static int days_cover(const char *prop, const json_t *filters)
{
	static const char *const pages[] = {"page", "entry_page", "exit_page", NULL};
	json_t *f;
	size_t i;
	if (in_list(prop, pages))
		return 0;
	json_array_foreach(filters, i, f) {
		const char *op = json_string_value(json_array_get(f, 0));
		const char *dim = json_string_value(json_array_get(f, 1));
		if (strcmp(dim, "device") == 0)
			continue;
		if (strcmp(dim, prop) != 0 || strcmp(prop, "goal") == 0 || strcmp(op, "is_not") == 0)
			return 0;
	}
	return 1;
}

/* Whether the visits' page rows (sql/053) answer property `prop` under the
 * filters: a page property, each filter on the device (a row holds its
 * visit's). Filters on the page or on other properties read the visits. */
static int pages_cover(const char *prop, const json_t *filters)
{
	static const char *const pages[] = {"page", "entry_page", "exit_page", NULL};
	json_t *f;
	size_t i;
	if (!in_list(prop, pages))
		return 0;
	json_array_foreach(filters, i, f)
		if (strcmp(json_string_value(json_array_get(f, 1)), "device") != 0)
			return 0;
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
	q->from_days = days_cover(q->prop, q->filters);
	q->from_pages = pages_cover(q->prop, q->filters);
	/* the page figures are kept per site: a report over every site reads the
	 * page rows, which are */
	q->from_page_days = q->from_pages && q->site;
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

/* The data this report reads, for the report cache (core/cache.h): the visits
 * table (kept with the rollups) and the raw tail, and the sites. */
static const db_stmt_t q_bd_stamp = {"q_bd_stamp",
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
		"{s:o, s:s, s:s, s:s, s:s, s:O, s:s, s:s?, s:s, s:o, s:I, s:o, s:o}",
		"range", range_json_new(&q->rg), "property", q->prop,
		"counted_per", per_visit(q->prop) ? "visit" : "event",
		"computed_from", q->from_days ? "visit_days" : q->from_page_days ? "page_days"
				 : q->from_pages ? "visit_pages" : "visits",
		"visitors_counted", q->from_days || q->from_page_days ? "hll" : "exact",
		"filters", q->filters,
		"goal", q->goal, "site", q->site, "geo_source", geo_source(),
		"totals", figures_json(json_object(), t), "total_values", (json_int_t)nvalues,
		"items", items, "next_cursor", next));
	if (!j)
		return reply_problem(r, 500, "out of memory while building the reply", NULL);
	return reply_json(r, 200, j);
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
	const char *stamp[] = {q.rg.to, q.rg.tz};
	if (!csv && cache_serve_with(r, &q_bd_stamp, 2, stamp))
		return 0;
	char *ftext = json_dumps(q.filters, JSON_COMPACT), off[24], lim[24];
	if (!ftext)
		return reply_problem(r, 500, "out of memory", NULL);
	arena_cleanup(r->arena, free, ftext);
	snprintf(off, sizeof(off), "%lld", csv ? 0 : q.offset);
	snprintf(lim, sizeof(lim), "%lld", q.limit);
	const char *p[] = {q.rg.from, q.rg.to, q.rg.tz, q.site, q.prop, ftext, q.goal, off,
			   csv ? NULL : lim};
	PGresult *res = db_run(r->arena, q.from_days ? &q_breakdown_days
			       : q.from_page_days ? &q_breakdown_page_weeks
			       : q.from_pages ? &q_breakdown_pages : &q_breakdown, 9, p);
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
