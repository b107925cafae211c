/* level3_behavioral.c - #22 GET /api/level3/behavioral/metrics and
 * #21 POST /api/level3/behavioral/dynamic.
 *
 * #22: the visits started in the range (sql/040_visits.sql: #45's visits,
 * 30 minutes without activity), filtered as #45 filters them (site, path,
 * source, device, goal). GA4's definitions: a session is engaged when it has
 * at least 10 s of engaged time (the tracker's engagement beacons), or 2
 * pageviews, or a conversion (the goal event); its bounce rate is
 * 1 - engagement rate. Plausible's bounce (one pageview, no
 * interactive event, as in #45) comes alongside. Scroll depth is each
 * session's deepest scroll. Figures overall, by device and by source in one
 * statement (GROUPING SETS); the cross-device comparison tests each device
 * against the sessions of the other devices (pooled two-proportion z-test).
 *
 * #21: an editor (JWT or API key) replaces a site's rule set with {rules}
 * in one transaction after checking all of it, or reads it ({} without
 * rules); a site key evaluates {context} against its site's rules
 * (analysis/dynamic.c) and answers the variant of the rule that applies, the
 * same for the same context on every request and worker: weighted variants
 * are chosen by the context's visitor_id, else by the visitor id the tracker's
 * beacons carry (core/visits.h), so a browser keeps its variant all day. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cache.h"
#include "db.h"
#include "dynamic.h"
#include "handlers.h"
#include "json_in.h"
#include "range.h"
#include "stats.h"
#include "useragent.h"
#include "visits.h"

/* ---- #22 behavioural metrics ---------------------------------------------- */

static const vrule_t metrics_query[] = {
	RANGE_RULES,
	VISIT_FILTER_RULES,
};

static void metrics_check(req_t *r, json_t *errors)
{
	range_t rg;
	visit_filters_t f;
	range_parse(r, &rg, errors);
	visits_parse_filters(r, &f, errors);
}
const api_op_t op_behavior_metrics = {VRULES(metrics_query), NULL, NULL, 0, metrics_check};

/* $1 from, $2 to, $3 tz, $4 site domain, $5 path, $6 source, $7 device,
 * $8 goal. The visits started in the range (visits_between(), read whole),
 * kept by the filters: their first event's source and device, a pageview of
 * the path. One row per group: ('all' | 'device' | 'source', key,
 * figures..., site known), the overall row first, then by sessions. */
static const db_stmt_t q_behavior = {"behavior_metrics",
	"WITH p AS MATERIALIZED (SELECT ($1::date::timestamp AT TIME ZONE $3) AS t0,"
	"   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1,"
	"   (SELECT id FROM sites WHERE domain = $4) AS site,"
	"   ($4::text IS NULL OR EXISTS (SELECT 1 FROM sites WHERE domain = $4)) AS site_known),"
	" s AS (SELECT coalesce(v.source, 'direct') AS source, v.device, v.pageviews AS pv,"
	"   v.goals AS interactions, v.engaged_ms, v.scroll,"
	"   " VISIT_HAS_HIT("true", "$8") " AS converted"
	"  FROM p, visits_between(p.site, p.t0, p.t1) v"
	"  WHERE p.site_known AND ($5::text IS NULL OR " VISIT_HAS_HIT("false", "$5") ")"
	"    AND ($6::text IS NULL OR v.source = $6) AND ($7::text IS NULL OR v.device = $7)),"
	" g AS (SELECT *, (engaged_ms >= 10000 OR pv >= 2 OR converted) AS engaged,"
	"   (pv = 1 AND interactions = 0) AS pbounce FROM s)"
	" SELECT CASE WHEN grouping(device) = 0 THEN 'device' WHEN grouping(source) = 0 THEN 'source'"
	"   ELSE 'all' END AS grp, coalesce(device, source) AS key, count(*) AS sessions,"
	"  coalesce(sum(pv), 0), count(*) FILTER (WHERE engaged), count(*) FILTER (WHERE pbounce),"
	"  coalesce(sum(engaged_ms), 0), count(*) FILTER (WHERE converted), count(scroll),"
	"  count(*) FILTER (WHERE scroll >= 25), count(*) FILTER (WHERE scroll >= 50),"
	"  count(*) FILTER (WHERE scroll >= 75), count(*) FILTER (WHERE scroll >= 100),"
	"  percentile_cont(0.25) WITHIN GROUP (ORDER BY scroll),"
	"  percentile_cont(0.5) WITHIN GROUP (ORDER BY scroll),"
	"  percentile_cont(0.75) WITHIN GROUP (ORDER BY scroll), (SELECT site_known FROM p)"
	" FROM g GROUP BY GROUPING SETS ((), (device), (source))"
	" ORDER BY grouping(device, source) = 3 DESC, count(*) DESC, 2"};

/* $1 from, $2 to, $3 tz, $4 site domain, $5 source, $6 device, $7 goal. The
 * same rows when no path is asked for: the whole Berlin days from
 * behavior_days, the rest from the visits (behavior_figures_between(),
 * sql/051), summed per group with the goal's conversions (and the visits
 * they make engaged); the scroll quartiles from the groups' summed
 * histograms, interpolated as percentile_cont. */
static const db_stmt_t q_behavior_days = {"behavior_metrics_days",
	"WITH p AS MATERIALIZED (SELECT ($1::date::timestamp AT TIME ZONE $3) AS t0,"
	"   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1,"
	"   (SELECT id FROM sites WHERE domain = $4) AS site,"
	"   ($4::text IS NULL OR EXISTS (SELECT 1 FROM sites WHERE domain = $4)) AS site_known),"
	" d AS MATERIALIZED (SELECT coalesce(b.source, 'direct') AS source, b.device, b.visits,"
	"   b.pageviews, b.engaged + coalesce((b.goals->$7::text->>1)::bigint, 0) AS engaged,"
	"   coalesce((b.goals->$7::text->>0)::bigint, 0) AS conv, b.pbounces, b.engaged_ms,"
	"   b.scroll_vals, b.scroll_ns"
	"  FROM p, behavior_figures_between(p.site, p.t0, p.t1) b"
	"  WHERE p.site_known AND ($5::text IS NULL OR b.source = $5)"
	"    AND ($6::text IS NULL OR b.device = $6)),"
	" f AS (SELECT grouping(device, source) AS gs, device, source, coalesce(sum(visits), 0) AS n,"
	"   coalesce(sum(pageviews), 0) AS pv, coalesce(sum(engaged), 0) AS engaged,"
	"   coalesce(sum(pbounces), 0) AS pbounces, coalesce(sum(engaged_ms), 0) AS engaged_ms,"
	"   coalesce(sum(conv), 0) AS conv"
	"  FROM d GROUP BY GROUPING SETS ((), (device), (source))),"
	" h AS (SELECT grouping(d.device, d.source) AS gs, d.device, d.source, u.v, sum(u.n)::bigint AS n"
	"  FROM d, unnest(d.scroll_vals, d.scroll_ns) u(v, n)"
	"  GROUP BY GROUPING SETS ((u.v), (d.device, u.v), (d.source, u.v))),"
	" hg AS (SELECT gs, device, source, array_agg(v ORDER BY v) AS vals, array_agg(n ORDER BY v) AS ns,"
	"   sum(n) AS n, coalesce(sum(n) FILTER (WHERE v >= 25), 0) AS r25,"
	"   coalesce(sum(n) FILTER (WHERE v >= 50), 0) AS r50,"
	"   coalesce(sum(n) FILTER (WHERE v >= 75), 0) AS r75,"
	"   coalesce(sum(n) FILTER (WHERE v >= 100), 0) AS r100"
	"  FROM h GROUP BY gs, device, source)"
	" SELECT CASE f.gs WHEN 1 THEN 'device' WHEN 2 THEN 'source' ELSE 'all' END,"
	"  coalesce(f.device, f.source), f.n, f.pv, f.engaged, f.pbounces, f.engaged_ms, f.conv,"
	"  coalesce(hg.n, 0), coalesce(hg.r25, 0), coalesce(hg.r50, 0), coalesce(hg.r75, 0),"
	"  coalesce(hg.r100, 0), histogram_percentile(hg.vals, hg.ns, 0.25),"
	"  histogram_percentile(hg.vals, hg.ns, 0.5), histogram_percentile(hg.vals, hg.ns, 0.75),"
	"  (SELECT site_known FROM p)"
	" FROM f LEFT JOIN hg ON hg.gs = f.gs AND hg.device IS NOT DISTINCT FROM f.device"
	"  AND hg.source IS NOT DISTINCT FROM f.source"
	" ORDER BY f.gs = 3 DESC, f.n DESC, 2"};

enum { C_GROUP, C_KEY, C_SESSIONS, C_PAGEVIEWS, C_ENGAGED, C_PBOUNCES, C_ENGAGED_MS, C_CONV,
       C_SCROLL_N, C_R25, C_R50, C_R75, C_R100, C_P25, C_P50, C_P75, C_SITE_KNOWN };

/* What the reply says about its definitions. */
static const char *const definitions[][2] = {
	{"session", "a visitor's events without a gap over 30 minutes (as /api/level5/analytics/timeseries), "
		    "counted whole in the range it starts in"},
	{"engaged_session", "GA4: at least 10 s of engaged time, or at least 2 pageviews, or a conversion"},
	{"bounce_rate", "GA4: 1 - engagement rate"},
	{"plausible_bounce_rate", "Plausible: share of sessions with one pageview and no interactive event"},
	{"conversion_rate", "sessions with the goal event / sessions"},
	{"scroll", "each session's deepest scroll (percent of the page), over sessions that reported one"},
	{"comparison", "each device against the overall; p-values of a pooled two-proportion z-test "
		       "of the device against the other devices' sessions"},
};

static double rate(long long part, long long n) { return n ? round((double)part / (double)n * 1e4) / 1e4 : 0; }

/* The scroll-depth figures of row i. */
static json_t *scroll_json(const PGresult *res, int i)
{
	long long n = db_getll(res, i, C_SCROLL_N, 0);
	json_t *o = json_pack("{s:I, s:{s:f, s:f, s:f, s:f}}", "sessions", (json_int_t)n, "reached",
		"25", rate(db_getll(res, i, C_R25, 0), n), "50", rate(db_getll(res, i, C_R50, 0), n),
		"75", rate(db_getll(res, i, C_R75, 0), n), "100", rate(db_getll(res, i, C_R100, 0), n));
	static const struct { const char *name; int col; } q[] = {{"p25", C_P25}, {"p50", C_P50}, {"p75", C_P75}};
	for (size_t k = 0; k < sizeof(q) / sizeof(q[0]); k++)
		json_object_set_new(o, q[k].name, n ? json_real(round(db_getd(res, i, q[k].col, 0) * 10) / 10)
						: json_null());
	return o;
}

/* The figures of row i into object `o` (returned). */
static json_t *figures_into(json_t *o, const PGresult *res, int i)
{
	long long n = db_getll(res, i, C_SESSIONS, 0), pv = db_getll(res, i, C_PAGEVIEWS, 0);
	long long engaged = db_getll(res, i, C_ENGAGED, 0), conv = db_getll(res, i, C_CONV, 0);
	double er = rate(engaged, n);
	json_object_set_new(o, "sessions", json_integer(n));
	json_object_set_new(o, "pageviews", json_integer(pv));
	json_object_set_new(o, "pages_per_session", json_real(n ? round((double)pv / (double)n * 100) / 100 : 0));
	json_object_set_new(o, "engaged_sessions", json_integer(engaged));
	json_object_set_new(o, "engagement_rate", json_real(er));
	json_object_set_new(o, "bounce_rate", json_real(n ? round((1 - er) * 1e4) / 1e4 : 0));
	json_object_set_new(o, "plausible_bounce_rate", json_real(rate(db_getll(res, i, C_PBOUNCES, 0), n)));
	json_object_set_new(o, "avg_engaged_seconds", json_real(n
		? round(db_getd(res, i, C_ENGAGED_MS, 0) / (double)n / 100) / 10 : 0));
	json_object_set_new(o, "conversions", json_integer(conv));
	json_object_set_new(o, "conversion_rate", json_real(rate(conv, n)));
	json_object_set_new(o, "scroll", scroll_json(res, i));
	return o;
}

/* {device, overall, difference, z, p_value} of one rate: row i against row
 * `all`, tested against the sessions outside row i. */
static json_t *compare_json(const PGresult *res, int i, int all, int col)
{
	double x = (double)db_getll(res, i, col, 0), n = (double)db_getll(res, i, C_SESSIONS, 0);
	double xa = (double)db_getll(res, all, col, 0), na = (double)db_getll(res, all, C_SESSIONS, 0);
	double z, p = stats_two_prop_p(x, n, xa - x, na - n, &z);
	double d = n ? x / n : 0, o = na ? xa / na : 0;
	return json_pack("{s:f, s:f, s:f, s:o, s:o}", "device", round(d * 1e4) / 1e4,
		"overall", round(o * 1e4) / 1e4, "difference", round((d - o) * 1e4) / 1e4,
		"z", isnan(z) ? json_null() : json_real(round(z * 1e3) / 1e3),
		"p_value", isnan(p) ? json_null() : json_real(round(p * 1e4) / 1e4));
}

/* The data this report reads, for the report cache (core/cache.h): the
 * visits table (kept with the rollups) and the raw tail. */
static const db_stmt_t q_behavior_stamp = {"q_behavior_stamp",
	"SELECT rollup_stamp($1, $2) || '.' || (SELECT last_value FROM data_version_sites)"};

int h_behavior_metrics(req_t *r)
{
	range_t rg;
	visit_filters_t f;
	json_t *errors = arena_json(r->arena, json_array());
	range_parse(r, &rg, errors);            /* checked by the router: metrics_check */
	const char *stamp[] = {rg.to, rg.tz};
	if (cache_serve_with(r, &q_behavior_stamp, 2, stamp))
		return 0;
	visits_parse_filters(r, &f, errors);
	const char *p[] = {rg.from, rg.to, rg.tz, f.site, f.path, f.source, f.device, f.goal};
	const char *pd[] = {rg.from, rg.to, rg.tz, f.site, f.source, f.device, f.goal};
	/* a path filter is a property of single hits: only the visits have them */
	PGresult *res = f.path ? db_run(r->arena, &q_behavior, 8, p)
		: db_run(r->arena, &q_behavior_days, 7, pd);
	if (!res)
		return db_fail(r);
	int rows = PQntuples(res);
	if (rows < 1 || strcmp(db_get(res, 0, C_GROUP), "all") != 0)
		return reply_problem(r, 500, "the metrics query returned no overall row", NULL);
	if (strcmp(db_get(res, 0, C_SITE_KNOWN), "t") != 0) {
		verr(errors, "site", "no site has this domain");
		return reply_invalid(r, json_incref(errors));
	}
	json_t *defs = json_object(), *by_device = json_array(), *by_source = json_array();
	json_t *cmp = json_array();
	for (size_t k = 0; k < sizeof(definitions) / sizeof(definitions[0]); k++)
		json_object_set_new(defs, definitions[k][0], json_string(definitions[k][1]));
	for (int i = 1; i < rows; i++) {
		const char *grp = db_get(res, i, C_GROUP), *key = db_get(res, i, C_KEY);
		int dev = strcmp(grp, "device") == 0;
		json_array_append_new(dev ? by_device : by_source, figures_into(
			json_pack("{s:s}", dev ? "device" : "source", key), res, i));
		if (dev)
			json_array_append_new(cmp, json_pack("{s:s, s:I, s:o, s:o}", "device", key,
				"sessions", (json_int_t)db_getll(res, i, C_SESSIONS, 0),
				"engagement_rate", compare_json(res, i, 0, C_ENGAGED),
				"conversion_rate", compare_json(res, i, 0, C_CONV)));
	}
	json_t *j = arena_json(r->arena, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"range", range_json_new(&rg), "filters", visits_filters_json_new(&f),
		"definitions", defs, "overall", figures_into(json_object(), res, 0),
		"by_device", by_device, "by_source", by_source, "comparison", cmp));
	if (!j)
		return reply_problem(r, 500, "out of memory while building the reply", NULL);
	return reply_json(r, 200, j);
}

/* ---- #21 dynamic content -------------------------------------------------- */

#define MAX_RULES 200

static const char *const devices[] = {"mobile", "tablet", "desktop", NULL};

static const vrule_t variant_rules[] = {
	{"weight", V_INT, 1, 1, DYN_MAX_WEIGHT, NULL, NULL},
	{"content", V_OBJECT, 1, 0, 0, NULL, NULL},
};
static const vschema_t variant_schema = {"DynamicVariant", VRULES(variant_rules), NULL, 0, 0};
/* conditions: the language of analysis/dynamic.h; variant (one content) or
 * variants (weighted, chosen sticky per visitor) */
static const vrule_t rule_rules[] = {
	{"name", V_STRING, 1, 1, 100, NULL, NULL},
	{"priority", V_INT, 0, -1000, 1000, NULL, NULL},
	{"conditions", V_OBJECT, 0, 0, 0, NULL, NULL},
	{"variant", V_OBJECT, 0, 0, 0, NULL, NULL},
	{"variants", V_ARRAY, 0, 1, DYN_MAX_VARIANTS, NULL, &variant_schema},
};
static const vschema_t rule_schema = {"DynamicRule", VRULES(rule_rules), NULL, 0, 0};
static const vrule_t context_rules[] = {
	{"source", V_STRING, 0, 1, 253, NULL, NULL},
	{"device", V_STRING, 0, 0, 0, devices, NULL},
	{"region", V_STRING, 0, 1, 16, NULL, NULL},
	{"visit_count", V_INT, 0, 0, 1000000, NULL, NULL},
	{"pages_seen", V_INT, 0, 0, 1000000, NULL, NULL},
	{"time", V_DATE, 0, 0, 0, NULL, NULL},
	{"visitor_id", V_STRING, 0, 1, 128, NULL, NULL},
};
static const vschema_t context_schema = {"DynamicContext", VRULES(context_rules), NULL, 0, 0};
/* Editors send rules (or nothing, to read the set) for the site `domain`
 * (default: the first site registered);
 * the site's tracker sends context with its site key. */
static const vrule_t dynamic_rules[] = {
	{"domain", V_STRING, 0, 1, 253, NULL, NULL},
	{"rules", V_ARRAY, 0, 0, MAX_RULES, NULL, &rule_schema},
	{"context", V_OBJECT, 0, 0, 0, NULL, &context_schema},
	{"site", V_STRING, 0, 1, 200, NULL, NULL},
};
static const vschema_t dynamic_body = {"DynamicRequest", VRULES(dynamic_rules), NULL, 0, 0};
const api_op_t op_behavior_dynamic = {NULL, 0, &dynamic_body,
	"{\"domain\": \"zoe-solar.de\", \"rules\": [{\"name\": \"Speicher mobil\", \"priority\": 10,"
	" \"conditions\": {\"device\": [\"mobile\"], \"source\": [\"google\"], \"visit_count\": {\"min\": 2}},"
	" \"variants\": [{\"weight\": 1, \"content\": {\"headline\": \"Stromspeicher jetzt planen\"}},"
	" {\"weight\": 1, \"content\": {\"headline\": \"Mehr Eigenverbrauch mit Speicher\"}}]},"
	" {\"name\": \"Abends\", \"conditions\": {\"time\": {\"hours\": {\"from\": 18, \"to\": 23}}},"
	" \"variant\": {\"headline\": \"Rückruf morgen früh?\"}}]}", 0, NULL};

/* $1 domain, or NULL for the first site registered (the installation's own). */
static const db_stmt_t q_dyn_site = {"dyn_site",
	"SELECT id FROM sites WHERE $1::text IS NULL OR domain = $1 ORDER BY id LIMIT 1"};
/* $1 site id, $2 time or NULL (now): the rule set in order, local hour and ISO weekday. */
static const db_stmt_t q_dyn_load = {"dyn_load",
	"SELECT (SELECT coalesce(jsonb_agg(jsonb_build_object('name', name, 'priority', priority,"
	"    'conditions', conditions, 'variants', variants) ORDER BY position), '[]')"
	"   FROM dynamic_rules WHERE site_id = $1)::text,"
	"  extract(hour FROM t)::int, extract(isodow FROM t)::int,"
	"  (SELECT domain FROM sites WHERE id = $1)"
	" FROM (SELECT coalesce($2::timestamptz, now()) AT TIME ZONE 'Europe/Berlin' AS t) x"};
static const db_stmt_t q_dyn_clear = {"dyn_clear", "DELETE FROM dynamic_rules WHERE site_id = $1"};
static const db_stmt_t q_dyn_insert = {"dyn_insert",
	"INSERT INTO dynamic_rules (site_id, position, name, priority, conditions, variants)"
	" SELECT $1, o - 1, r->>'name', (r->>'priority')::int, r->'conditions', r->'variants'"
	" FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(r, o)"};

/* An ISO 8601 date-time with hours and minutes in range ("2026-03-10T18:30:00+01:00"). */
static int datetime_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 16 || s[10] != 'T' || s[13] != ':' || strspn(s + 11, "0123456789") != 2 ||
	    strspn(s + 14, "0123456789") != 2 || strspn(s + 16, "0123456789:.+-Z") != n - 16)
		return 0;
	return strtol(s + 11, NULL, 10) < 24 && strtol(s + 14, NULL, 10) < 60;
}

/* Checks rule i and returns its stored form {name, priority, conditions,
 * variants: [{weight, content}]} (new reference), or NULL after errors. */
static json_t *rule_normal_new(json_t *rule, size_t i, json_t *errors)
{
	char pre[32], vp[64];
	size_t k, before = json_array_size(errors);
	json_t *v, *cond = json_object_get(rule, "conditions");
	json_t *one = json_object_get(rule, "variant"), *many = json_object_get(rule, "variants");
	snprintf(pre, sizeof(pre), "rules[%zu]", i);
	if (!json_is_object(rule)) {
		verr(errors, pre, "must be an object");
		return NULL;
	}
	validate(rule, rule_rules, sizeof(rule_rules) / sizeof(rule_rules[0]), pre, errors);
	if (json_is_object(cond))
		dyn_check_conditions(cond, pre, errors);
	if (!one == !many) {
		snprintf(vp, sizeof(vp), "%s.variant", pre);
		verr(errors, vp, "give variant (one content) or variants (weighted), exactly one");
	}
	json_array_foreach(many, k, v) {
		snprintf(vp, sizeof(vp), "%s.variants[%zu]", pre, k);
		if (!json_is_object(v))
			verr(errors, vp, "must be an object {weight, content}");
		else
			validate(v, variant_rules, sizeof(variant_rules) / sizeof(variant_rules[0]), vp, errors);
	}
	if (json_array_size(errors) > before)
		return NULL;
	json_t *priority = json_object_get(rule, "priority");
	return json_pack("{s:O, s:I, s:o, s:o}", "name", json_object_get(rule, "name"),
		"priority", priority ? json_integer_value(priority) : (json_int_t)0,
		"conditions", cond ? json_incref(cond) : json_object(),
		"variants", many ? json_incref(many) : json_pack("[{s:i, s:O}]", "weight", 1, "content", one));
}

/* The rule set as stored: checks every rule first (all errors at once), then
 * names must be unique (they key the sticky choice). New reference or NULL. */
static json_t *rules_normal_new(json_t *rules, json_t *errors)
{
	json_t *out = json_array(), *rule, *seen = json_object();
	size_t i;
	char f[48];
	json_array_foreach(rules, i, rule) {
		json_t *n = rule_normal_new(rule, i, errors);
		if (!n)
			continue;
		const char *name = json_string_value(json_object_get(n, "name"));
		if (json_object_get(seen, name)) {
			snprintf(f, sizeof(f), "rules[%zu].name", i);
			verr(errors, f, "repeats the name of rules[%lld]",
			     (long long)json_integer_value(json_object_get(seen, name)));
		}
		json_object_set_new(seen, name, json_integer((json_int_t)i));
		json_array_append_new(out, n);
	}
	json_decref(seen);
	if (json_array_size(errors)) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* Loads site `site_id`'s rules (*rules, arena-owned) and the local hour and
 * weekday of `time` (NULL: now) into c. 0, or -1 after a reply. */
static int load_rules(req_t *r, const char *site_id, const char *time, json_t **rules,
		      dyn_ctx_t *c, const char **domain)
{
	const char *p[] = {site_id, time};
	PGresult *res = db_run(r->arena, &q_dyn_load, 2, p);
	if (!res) {
		db_fail(r);
		return -1;
	}
	*rules = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	if (!*rules) {
		reply_problem(r, 500, "the stored rule set could not be read", NULL);
		return -1;
	}
	c->hour = (int)db_getll(res, 0, 1, -1);
	c->wday = (int)db_getll(res, 0, 2, 0);
	*domain = db_get(res, 0, 3);
	return 0;
}

/* Replaces (rules given) or reads the rule set of site `site_id`. */
static int rules_reply(req_t *r, const char *site_id, json_t *rules)
{
	json_t *errors = arena_json(r->arena, json_array());
	json_t *stored = rules ? arena_json(r->arena, rules_normal_new(rules, errors)) : NULL;
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	if (rules) {
		if (!stored)
			return reply_problem(r, 500, "out of memory while checking the rules", NULL);
		char *text = json_dumps(stored, JSON_COMPACT);
		const char *p[] = {site_id, text};
		int ok = text && db_begin() == 0 && db_run(r->arena, &q_dyn_clear, 1, p) &&
			db_run(r->arena, &q_dyn_insert, 2, p) && db_commit() == 0;
		free(text);
		if (!ok) {
			db_rollback();
			return db_fail(r);
		}
	}
	json_t *set;
	dyn_ctx_t c;
	const char *domain;
	if (load_rules(r, site_id, NULL, &set, &c, &domain) < 0)
		return 0;
	return reply_json(r, 200, arena_json(r->arena, json_pack("{s:s, s:b, s:I, s:O}",
		"site", domain, "replaced", rules != NULL, "count", (json_int_t)json_array_size(set),
		"rules", set)));
}

/* The variant for `ctx` among site `site_id`'s rules. */
static int evaluate_reply(req_t *r, const char *site_id, json_t *ctx)
{
	json_t *errors = arena_json(r->arena, json_array());
	const char *time = json_string_value(json_object_get(ctx, "time"));
	if (time && !datetime_ok(time))
		verr(errors, "context.time", "must be an ISO 8601 date-time, e.g. 2026-03-10T18:30:00+01:00");
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	json_t *rules;
	const char *domain;
	json_t *vc = json_object_get(ctx, "visit_count"), *ps = json_object_get(ctx, "pages_seen");
	dyn_ctx_t c = {json_string_value(json_object_get(ctx, "source")),
		json_string_value(json_object_get(ctx, "device")),
		json_string_value(json_object_get(ctx, "region")),
		vc ? (long)json_integer_value(vc) : -1, ps ? (long)json_integer_value(ps) : -1, -1, 0,
		json_string_value(json_object_get(ctx, "visitor_id"))};
	if (!c.device && r->user_agent)
		c.device = ua_device(r->user_agent);
	const char *sticky = c.visitor ? "visitor_id" : "none";
	char vid[24];
	if (!c.visitor && r->who.cred == CRED_SITEKEY) {     /* the tracker's visitor id */
		if (visits_visitor_id(r, vid) < 0)
			return db_fail(r);
		c.visitor = vid;
		sticky = "tracker";
	}
	if (!c.visitor)
		c.visitor = "";
	if (load_rules(r, site_id, time, &rules, &c, &domain) < 0)
		return 0;
	int i = dyn_choose(rules, &c), k = -1;
	json_t *rule = json_array_get(rules, (size_t)i), *variants = json_object_get(rule, "variants");
	if (rule) {
		long w[DYN_MAX_VARIANTS];
		int n = (int)json_array_size(variants);
		for (int v = 0; v < n && v < DYN_MAX_VARIANTS; v++)
			w[v] = (long)json_integer_value(json_object_get(json_array_get(variants, (size_t)v), "weight"));
		k = dyn_pick(w, n < DYN_MAX_VARIANTS ? n : DYN_MAX_VARIANTS, c.visitor,
			     json_string_value(json_object_get(rule, "name")));
	}
	json_t *variant = json_object_get(json_array_get(variants, (size_t)k), "content");
	return reply_json(r, 200, arena_json(r->arena, json_pack(
		"{s:s, s:b, s:o, s:o, s:o, s:O?, s:s, s:{s:s?, s:s?, s:s?, s:o, s:o, s:i, s:i}}",
		"site", domain, "default", rule == NULL,
		"rule", rule ? json_incref(json_object_get(rule, "name")) : json_null(),
		"priority", rule ? json_incref(json_object_get(rule, "priority")) : json_null(),
		"variant_index", k >= 0 ? json_integer(k) : json_null(), "variant", variant,
		"sticky_by", sticky,
		"context", "source", c.source, "device", c.device, "region", c.region,
		"visit_count", c.visit_count >= 0 ? json_integer(c.visit_count) : json_null(),
		"pages_seen", c.pages_seen >= 0 ? json_integer(c.pages_seen) : json_null(),
		"hour", c.hour, "weekday", c.wday)));
}

/* The site an editor names by domain (the first site registered when none is named). */
static const char *editor_site(req_t *r, json_t *body)
{
	const char *domain = json_string_value(json_object_get(body, "domain"));
	const char *p[] = {domain};
	json_t *errors = arena_json(r->arena, json_array());
	PGresult *res = db_run(r->arena, &q_dyn_site, 1, p);
	if (!res) {
		db_fail(r);
		return NULL;
	}
	if (PQntuples(res) == 1)
		return db_get(res, 0, 0);
	verr(errors, "domain", "no site has this domain");
	reply_invalid(r, json_incref(errors));
	return NULL;
}

int h_behavior_dynamic(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	if (!json_is_object(body))
		verr(errors, "", "must be an object with rules (editors) or context (site key)");
	else
		validate(body, dynamic_rules, sizeof(dynamic_rules) / sizeof(dynamic_rules[0]), "", errors);
	json_t *rules = json_object_get(body, "rules"), *ctx = json_object_get(body, "context");
	if (!json_array_size(errors) && rules && ctx)
		verr(errors, "context", "send either rules (to replace the set) or context (to evaluate)");
	if (json_is_object(ctx))
		validate(ctx, context_rules, sizeof(context_rules) / sizeof(context_rules[0]), "context", errors);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	if (auth_user_or_site(r, json_string_value(json_object_get(body, "site"))) < 0)
		return 0;
	if (r->who.cred == CRED_SITEKEY) {
		if (!ctx)
			return reply_problem(r, 403, "a site key may only evaluate a context; "
					     "rules are written with an editor's token or API key", NULL);
		return evaluate_reply(r, arena_printf(r->arena, "%lld", (long long)r->who.id), ctx);
	}
	const char *site = editor_site(r, body);
	if (!site)
		return 0;
	return ctx ? evaluate_reply(r, site, ctx) : rules_reply(r, site, rules);
}
