/* level2_optimization.c - #7 POST /api/level2/optimization/recommend and
 * #8 GET /api/level2/optimization/status: the recommendation engine.
 *
 * The rules are a table. Each is one SELECT over stored data (events, pages,
 * reviews) or over the pool's live route metrics, answering rows of
 * (target, evidence, weight); all rules run as one UNION ALL statement over
 * shared CTEs, so a run costs one round trip to evaluate and one to store.
 *
 *   priority = impact × weight × confidence ÷ effort
 *
 * impact (1–10), confidence (0–1) and effort (1–10) are the rule's; weight
 * is the finding's: its traffic (0.5–2), and for a web vital also how far its
 * p75 misses the good threshold (0.5 just over it, 2 at the poor threshold,
 * at most 4), so a page deep in "poor" outranks one-line metadata fixes and
 * a page barely over the line does not. Findings are deduplicated by
 * (rule, target): a finding seen again updates its evidence; an open
 * recommendation of an evaluated rule that is no longer found is resolved; a
 * resolved one found again reopens; a dismissed one stays dismissed.
 * The same engine runs every 6 hours from the job runner (without live route
 * metrics: the performance rules are then not evaluated, so they neither
 * create nor resolve anything). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "metrics.h"
#include "reviews.h"
#include "router.h"
#include "vitals.h"

typedef opt_rule_t rule_t;

/* Traffic weight of a page from its pageviews in 28 days. */
#define TRAFFIC "least(2.0, 0.5 + coalesce(w.n, 0) / 400.0)"
/* How far a vital's p75 misses: 0.5 just over good, 2 at poor, at most 4. */
#define MISS "least(4.0, 0.5 + 1.5 * (v.p75 - v.good) / (v.poor - v.good))"
#define VITAL_RULE(vital) \
	"SELECT v.url, jsonb_build_object('p75', round(v.p75::numeric, 3), 'good', v.good," \
	" 'poor', v.poor, 'samples', v.n, 'pageviews_28d', coalesce(w.n, 0)), " TRAFFIC \
	" * " MISS \
	" FROM vit v LEFT JOIN views w USING (url)" \
	" WHERE v.name = '" vital "' AND v.n >= 20 AND v.p75 > v.good"
#define PAGE_RULE(cond, evidence) \
	"SELECT p.url_norm, jsonb_build_object(" evidence "), " TRAFFIC \
	" FROM pages p LEFT JOIN views w ON w.url = p.url_norm WHERE " cond

static const rule_t rules[] = {
{"cwv-lcp", "vitals", "Largest Contentful Paint is too slow",
 "Largest Contentful Paint ist zu langsam", 8, 0.9, 5, 0, VITAL_RULE("LCP")},
{"cwv-inp", "vitals", "Interaction to Next Paint is too slow",
 "Interaction to Next Paint ist zu langsam", 7, 0.8, 6, 0, VITAL_RULE("INP")},
{"cwv-cls", "vitals", "Layout shifts (CLS) above the good threshold",
 "Layout-Verschiebungen (CLS) über dem guten Schwellenwert", 6, 0.9, 3, 0, VITAL_RULE("CLS")},
{"ttfb-slow", "vitals", "Server response (TTFB) is slow",
 "Serverantwort (TTFB) ist langsam", 5, 0.8, 5, 0, VITAL_RULE("TTFB")},
{"meta-description-missing", "metadata", "Meta description is missing",
 "Meta-Description fehlt", 4, 1.0, 1, 0,
 PAGE_RULE("coalesce(btrim(p.meta_description), '') = ''", "'title', p.title")},
{"meta-description-length", "metadata", "Meta description outside 120–156 characters",
 "Meta-Description nicht zwischen 120 und 156 Zeichen", 2, 0.9, 1, 0,
 PAGE_RULE("char_length(btrim(p.meta_description)) NOT BETWEEN 120 AND 156 "
	   "AND coalesce(btrim(p.meta_description), '') <> ''",
	   "'length', char_length(btrim(p.meta_description)), 'green', '120-156'")},
{"meta-title-missing-or-long", "metadata", "Title missing or too long for the results page",
 "Title fehlt oder ist für die Suchergebnisse zu lang", 4, 0.8, 1, 0,
 PAGE_RULE("coalesce(btrim(p.title), '') = '' OR char_length(p.title) > 60 OR "
	   "p.issues @> '[{\"check\": \"title_too_long\"}]'",
	   "'title', p.title, 'length', char_length(p.title)")},
{"meta-h1-missing", "metadata", "Page has no H1",
 "Seite hat keine H1", 4, 1.0, 1, 0,
 PAGE_RULE("cardinality(p.h1s) = 0", "'h1s', 0")},
{"meta-h1-multiple", "metadata", "Page has more than one H1",
 "Seite hat mehr als eine H1", 2, 0.9, 1, 0,
 PAGE_RULE("cardinality(p.h1s) > 1", "'h1s', cardinality(p.h1s), 'texts', to_jsonb(p.h1s)")},
{"meta-title-duplicate", "metadata", "Title shared with other pages",
 "Title wird von anderen Seiten mitbenutzt", 4, 0.9, 2, 0,
 "SELECT p.url_norm, jsonb_build_object('title', p.title, 'shared_with', d.paths), " TRAFFIC
 " FROM pages p LEFT JOIN views w ON w.url = p.url_norm JOIN (SELECT site_id, title,"
 " jsonb_agg(path ORDER BY path) AS paths FROM pages WHERE coalesce(btrim(title), '') <> ''"
 " GROUP BY site_id, title HAVING count(*) > 1) d"
 " ON d.title = p.title AND d.site_id IS NOT DISTINCT FROM p.site_id"},
{"meta-canonical-mismatch", "metadata", "Canonical points to another URL",
 "Canonical zeigt auf eine andere URL", 5, 0.8, 1, 0,
 PAGE_RULE("p.canonical IS NOT NULL AND p.canonical <> p.url",
	   "'canonical', p.canonical, 'url', p.url")},
{"content-thin", "content", "Thin content: fewer than 300 words",
 "Dünner Inhalt: weniger als 300 Wörter", 5, 0.7, 6, 0,
 PAGE_RULE("p.word_count < 300 AND p.page_group IN ('produkte', 'ratgeber', 'standorte')",
	   "'words', p.word_count, 'green', 300")},
{"engagement-low", "behaviour", "Visitors leave quickly: median engaged time under 15 s",
 "Besucher gehen schnell: mittlere aktive Zeit unter 15 s", 4, 0.6, 5, 0,
 "SELECT e.url, jsonb_build_object('median_engaged_ms', round(e.median_ms::numeric),"
 " 'samples', e.n, 'pageviews_28d', coalesce(w.n, 0)), " TRAFFIC
 " FROM eng e LEFT JOIN views w USING (url) WHERE e.n >= 20 AND e.median_ms < 15000"},
{"page-high-exit", "behaviour", "High traffic and high exit rate",
 "Viel Traffic und hohe Ausstiegsrate", 5, 0.6, 4, 0,
 "SELECT x.url, jsonb_build_object('exit_rate', round(x.exits::numeric / x.views, 3),"
 " 'exits', x.exits, 'pageviews_28d', x.views), least(2.0, 0.5 + x.views / 400.0)"
 " FROM ex x WHERE x.views >= 100 AND x.exits::float8 / x.views > 0.7"},
{"reviews-unanswered-negative", "reviews", "Negative reviews without a reply (90 days)",
 "Negative Bewertungen ohne Antwort (90 Tage)", 6, 0.9, 1, 0,
 "SELECT source, jsonb_build_object('unanswered', unanswered_negative, 'reviews', n), 1.0"
 " FROM rev WHERE unanswered_negative > 0"},
{"reviews-reply-rate", "reviews", "Reply rate below 50 %",
 "Antwortquote unter 50 %", 3, 0.8, 2, 0,
 "SELECT source, jsonb_build_object('reply_rate', round(replied::numeric / n, 3), 'reviews', n), 1.0"
 " FROM rev WHERE n >= 10 AND replied::float8 / n < 0.5"},
{"reviews-stale", "reviews", "No new review for 60 days",
 "Seit 60 Tagen keine neue Bewertung", 3, 0.7, 3, 0,
 "SELECT source, jsonb_build_object('latest', latest, 'reviews', n), 1.0"
 " FROM rev WHERE latest < now() - interval '60 days'"},
{"reviews-low-rating", "reviews", "Bayesian average rating below 4.0",
 "Bayes-Durchschnitt der Bewertungen unter 4,0", 7, 0.7, 7, 0,
 "SELECT source, jsonb_build_object('bayesian_average', round(bayes::numeric, 2),"
 " 'mean', round(mean::numeric, 2), 'reviews', n), 1.0 FROM rev WHERE bayes < 4.0"},
{"api-slow-route", "performance", "API route p95 latency above 250 ms (last hour)",
 "API-Route: p95-Latenz über 250 ms (letzte Stunde)", 4, 0.8, 4, 1,
 "SELECT route, jsonb_build_object('p95_ms', round(p95_ms::numeric, 1), 'requests', count),"
 " least(2.0, 0.5 + count / 1000.0) FROM perf WHERE count >= 20 AND p95_ms > 250"},
{"api-errors", "performance", "API route fails: more than 1 % server errors (last hour)",
 "API-Route scheitert: mehr als 1 % Serverfehler (letzte Stunde)", 6, 0.9, 3, 1,
 "SELECT route, jsonb_build_object('error_rate', round(errors::numeric / count, 4),"
 " 'errors', errors, 'requests', count), 1.0 FROM perf WHERE count >= 20"
 " AND errors::float8 / count > 0.01"},
};
#define N_RULES (sizeof(rules) / sizeof(rules[0]))

#define STR(x) #x
#define XSTR(x) STR(x)

/* The CTEs the rules read. $1 live route metrics, $2-$4 vital thresholds.
 * Pages are told apart by URL (host and path): several sites may share paths.
 * Vitals count each page load once, with its last report (report_events()). */
#define EVENT_URL "coalesce('https://' || host, '') || path"
static const char cte[] =
	"WITH t(name, good, poor) AS (SELECT * FROM unnest($2::text[], $3::float8[], $4::float8[])),"
	" vit AS (SELECT " EVENT_URL " AS url, e.name, count(*) AS n,"
	"  percentile_cont(0.75) WITHIN GROUP (ORDER BY e.value) AS p75, t.good, t.poor"
	"  FROM report_events(now() - interval '28 days', 'infinity') e JOIN t ON t.name = e.name"
	"  WHERE e.kind = 'vital'"
	"  GROUP BY 1, e.name, t.good, t.poor),"
	" views AS (SELECT " EVENT_URL " AS url, count(*) AS n FROM events"
	"  WHERE kind = 'pageview' AND ts > now() - interval '28 days' GROUP BY 1),"
	" eng AS (SELECT " EVENT_URL " AS url, count(*) AS n,"
	"  percentile_cont(0.5) WITHIN GROUP (ORDER BY engaged_ms) AS median_ms FROM events"
	"  WHERE kind = 'engagement' AND ts > now() - interval '28 days' GROUP BY 1),"
	" ex AS (SELECT url, count(*) AS views, count(*) FILTER (WHERE nxt IS NULL"
	"  OR nxt > ts + interval '30 minutes') AS exits FROM (SELECT " EVENT_URL " AS url, path,"
	"  ts, lead(ts) OVER (PARTITION BY site_id, visitor_id ORDER BY ts) AS nxt FROM events"
	"  WHERE kind = 'pageview' AND ts > now() - interval '28 days') s"
	"  WHERE path NOT IN ('/kontakt', '/angebot-anfordern', '/impressum', '/datenschutz')"
	"  GROUP BY url),"
	" rev AS (SELECT source, count(*) AS n, avg(rating) AS mean,"
	"  (" XSTR(REVIEWS_PRIOR_C) " * " XSTR(REVIEWS_PRIOR_M) " + sum(rating))"
	"  / (" XSTR(REVIEWS_PRIOR_C) " + count(*)) AS bayes,"        /* as #6 reports it */
	"  count(*) FILTER (WHERE reply IS NOT NULL) AS replied, max(published_at) AS latest,"
	"  count(*) FILTER (WHERE rating <= 2 AND reply IS NULL"
	"   AND published_at > now() - interval '90 days') AS unanswered_negative"
	"  FROM reviews GROUP BY source),"
	" perf AS (SELECT * FROM jsonb_to_recordset($1::jsonb)"
	"  AS x(route text, count bigint, errors bigint, p95_ms float8))";

/* One statement evaluating every rule; built once per worker. */
static const char *evaluation_sql(void)
{
	static buf_t sql;
	if (sql.len)
		return sql.data;
	buf_init(&sql, 64 * 1024);
	buf_adds(&sql, cte);
	for (size_t i = 0; i < N_RULES; i++)
		buf_printf(&sql, "%s SELECT %zu, x.target::text, x.evidence::text, x.weight::float8"
			   " FROM (%s) x(target, evidence, weight)", i ? " UNION ALL" : "", i,
			   rules[i].sql);
	return sql.oom ? NULL : sql.data;
}

static const db_stmt_t q_store = {"opt_store",
	"WITH f AS (SELECT DISTINCT ON (rule, target) * FROM jsonb_to_recordset($1::jsonb)"
	"  AS x(rule text, target text, category text, title text, title_de text, evidence jsonb,"
	"  impact float8, confidence float8, effort float8, priority float8)"
	"  ORDER BY rule, target, priority DESC),"
	" prev AS (SELECT r.rule, r.target, r.status FROM recommendations r JOIN f USING (rule, target)),"
	" up AS (INSERT INTO recommendations AS r (rule, target, category, title, title_de, evidence,"
	"  impact, confidence, effort, priority, source) SELECT rule, target, category, title, title_de,"
	"  evidence, impact, confidence, effort, priority, $3 FROM f ON CONFLICT (rule, target) DO UPDATE"
	"  SET evidence = EXCLUDED.evidence, title = EXCLUDED.title, title_de = EXCLUDED.title_de,"
	"  impact = EXCLUDED.impact,"
	"  confidence = EXCLUDED.confidence, effort = EXCLUDED.effort, priority = EXCLUDED.priority,"
	"  last_seen = now(), status = CASE r.status WHEN 'resolved' THEN 'open' ELSE r.status END,"
	"  resolved_at = CASE r.status WHEN 'resolved' THEN NULL ELSE r.resolved_at END"
	"  RETURNING r.id),"
	" gone AS (UPDATE recommendations r SET status = 'resolved', resolved_at = now()"
	"  WHERE r.status = 'open' AND r.source = $3 AND r.rule = ANY ($2::text[])"
	"  AND NOT EXISTS (SELECT 1 FROM f WHERE f.rule = r.rule AND f.target = r.target)"
	"  RETURNING r.id),"
	" counts AS (SELECT (SELECT count(*) FROM f) AS findings,"
	"  (SELECT count(*) FROM f WHERE NOT EXISTS (SELECT 1 FROM prev p"
	"   WHERE p.rule = f.rule AND p.target = f.target)) AS created,"
	"  (SELECT count(*) FROM prev WHERE status = 'resolved') AS reopened,"
	"  (SELECT count(*) FROM gone) AS resolved, (SELECT count(*) FROM up) AS upserted,"
	"  (SELECT count(*) FROM recommendations WHERE status = 'open') AS open_before,"
	"  (SELECT count(*) FROM recommendations WHERE status = 'resolved') AS closed_before,"
	"  (SELECT count(*) FROM recommendations WHERE status = 'dismissed') AS dismissed),"
	" run AS (INSERT INTO recommendation_runs (rules, findings, created, reopened, resolved,"
	"  open, dismissed, closed) SELECT cardinality($2::text[]), findings, created, reopened,"
	"  resolved, open_before + created + reopened - resolved, dismissed,"
	"  closed_before - reopened + resolved FROM counts RETURNING *),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'recommendation.created',"
	"  jsonb_build_object('rule', f.rule, 'target', f.target, 'priority', f.priority)"
	"  FROM f WHERE NOT EXISTS (SELECT 1 FROM prev p WHERE p.rule = f.rule"
	"  AND p.target = f.target))"
	" SELECT id, run_at, rules, findings, created, reopened, resolved, open, dismissed, closed"
	" FROM run"};

/* Live route metrics of the last hour as JSON rows for the perf CTE. */
static char *live_metrics(arena_t *a)
{
	json_t *rows = arena_json(a, json_array());
	for (size_t i = 0; rows && i < routes_count; i++) {
		metrics_window_t w;
		metrics_window((int)i, 60, &w);
		if (!w.count)
			continue;
		json_array_append_new(rows, json_pack("{s:s, s:I, s:I, s:f}", "route",
			arena_printf(a, "%s %s", routes[i].method, routes[i].pattern),
			"count", (json_int_t)w.count, "errors", (json_int_t)w.errors,
			"p95_ms", isnan(w.p95) ? 0 : w.p95 * 1000));
	}
	char *s = rows ? json_dumps(rows, JSON_COMPACT) : NULL;
	if (s && arena_cleanup(a, free, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

json_t *opt_finding_new(const opt_rule_t *rl, const char *target, json_t *evidence, double weight)
{
	double impact = rl->impact * weight;
	double priority = round(impact * rl->confidence / rl->effort * 1000) / 1000;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:f, s:f, s:f, s:f}",
		"rule", rl->id, "target", target, "category", rl->category,
		"title", rl->title, "title_de", rl->title_de, "evidence", evidence ? evidence : json_object(),
		"impact", round(impact * 100) / 100, "confidence", rl->confidence,
		"effort", rl->effort, "priority", priority);
}

/* Turns the evaluation rows into findings with priorities. */
static json_t *findings_of(const PGresult *res)
{
	json_t *out = json_array();
	for (int i = 0; out && i < PQntuples(res); i++)
		json_array_append_new(out, opt_finding_new(&rules[db_getll(res, i, 0, 0)],
			db_get(res, i, 1), json_loads(db_get(res, i, 2), 0, NULL), db_getd(res, i, 3, 1)));
	return out;
}

json_t *opt_store(arena_t *a, json_t *findings, const char *evaluated, const char *source)
{
	char *text = findings ? json_dumps(findings, JSON_COMPACT) : NULL;
	const char *ps[] = {text, evaluated, source};
	PGresult *run = text ? db_run(a, &q_store, 3, ps) : NULL;
	free(text);
	if (!run)
		return NULL;
	return json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"id", (json_int_t)db_getll(run, 0, 0, 0), "run_at", db_get(run, 0, 1),
		"rules", (json_int_t)db_getll(run, 0, 2, 0), "findings", (json_int_t)db_getll(run, 0, 3, 0),
		"created", (json_int_t)db_getll(run, 0, 4, 0), "reopened", (json_int_t)db_getll(run, 0, 5, 0),
		"resolved", (json_int_t)db_getll(run, 0, 6, 0), "open", (json_int_t)db_getll(run, 0, 7, 0),
		"dismissed", (json_int_t)db_getll(run, 0, 8, 0), "closed", (json_int_t)db_getll(run, 0, 9, 0));
}

/* Runs every rule (the live ones only with live metrics) and stores the
 * outcome. Returns the run's summary (new reference) or NULL; db_last()
 * tells why. */
static json_t *engine_run(arena_t *a, int live)
{
	static db_stmt_t q_eval = {"opt_eval", NULL};
	q_eval.sql = evaluation_sql();
	const char *perf = live ? live_metrics(a) : "[]";
	const char *p[] = {perf, vitals_array_literal(VITALS_NAME),
			   vitals_array_literal(VITALS_GOOD), vitals_array_literal(VITALS_POOR)};
	if (!q_eval.sql || !perf)
		return NULL;
	PGresult *res = db_run(a, &q_eval, 4, p);
	if (!res)
		return NULL;
	json_t *found = arena_json(a, findings_of(res));
	buf_t evaluated;
	buf_init(&evaluated, 4096);
	for (size_t i = 0; i < N_RULES; i++)
		if (live || !rules[i].live)
			buf_printf(&evaluated, "%s%s", evaluated.len ? "," : "{", rules[i].id);
	buf_adds(&evaluated, "}");
	json_t *run = evaluated.oom ? NULL : opt_store(a, found, evaluated.data, "rules");
	buf_free(&evaluated);
	return run;
}

int job_recommendations(json_t *payload, char *err, size_t errlen)
{
	arena_t *a = arena_new(64 * 1024);
	json_t *run = a ? engine_run(a, 0) : NULL;
	int rc = run ? 0 : -1;
	if (!run)
		snprintf(err, errlen, "%s", a ? db_last_message() : "out of memory");
	json_decref(run);
	arena_free(a);
	return rc;
}

/* ---- #8 status and the list ---- */

static const char *const statuses[] = {"open", "resolved", "dismissed", "all", NULL};
static const char *const categories[] = {"vitals", "metadata", "content", "behaviour",
					 "reviews", "performance", NULL};

/* Everything the status page shows in one round trip, assembled as JSON by
 * PostgreSQL. $1 status or NULL, $2 category or NULL, $3 limit + 1,
 * $4/$5 keyset cursor (priority, id) or NULL. */
static const db_stmt_t q_status = {"opt_status",
	"SELECT json_build_object("
	" 'counts', (SELECT json_build_object('open', count(*) FILTER (WHERE status = 'open'),"
	"   'resolved', count(*) FILTER (WHERE status = 'resolved'),"
	"   'dismissed', count(*) FILTER (WHERE status = 'dismissed')) FROM recommendations),"
	" 'open_by_category', (SELECT coalesce(json_object_agg(category, n), '{}') FROM"
	"   (SELECT category, count(*) AS n FROM recommendations WHERE status = 'open'"
	"    GROUP BY category) c),"
	" 'items', (SELECT coalesce(json_agg(i ORDER BY i.priority DESC, i.id DESC), '[]') FROM"
	"   (SELECT id, rule, target, category, title, title_de, evidence, impact, confidence, effort,"
	"    priority, status, source, first_seen, last_seen, resolved_at, dismissed_at"
	"    FROM recommendations WHERE ($1::text IS NULL OR status = $1)"
	"    AND ($2::text IS NULL OR category = $2)"
	"    AND ($4::float8 IS NULL OR (priority, id) < ($4::float8, $5::bigint))"
	"    ORDER BY priority DESC, id DESC LIMIT $3::int) i),"
	" 'progress', (SELECT coalesce(json_agg(p ORDER BY p.run_at), '[]') FROM"
	"   (SELECT run_at, findings, created, reopened, resolved, open, dismissed, closed"
	"    FROM recommendation_runs ORDER BY run_at DESC LIMIT 60) p))"};

/* Opaque cursor: base64url of "priority:id". */
static void make_cursor(json_t *item, char *out, size_t outlen)
{
	char raw[64];
	int n = snprintf(raw, sizeof(raw), "%.17g:%lld",
			 json_number_value(json_object_get(item, "priority")),
			 (long long)json_integer_value(json_object_get(item, "id")));
	char enc[96];
	crypto_b64url((const unsigned char *)raw, (size_t)n, enc);
	snprintf(out, outlen, "%s", enc);
}

/* Decodes a cursor into text parameters; 0/-1. */
static int read_cursor(arena_t *a, const char *cur, const char **prio, const char **id)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char raw[64];
	size_t o = 0;
	unsigned v = 0;
	int bits = 0;
	if (strlen(cur) > 80)
		return -1;
	for (const char *c = cur; *c; c++) {
		const char *p = strchr(alpha, *c);
		if (!p || !*c)
			return -1;
		v = (v << 6) | (unsigned)(p - alpha);
		if ((bits += 6) >= 8) {
			bits -= 8;
			raw[o++] = (char)((v >> bits) & 0xFF);
		}
	}
	raw[o] = '\0';
	char *colon = strchr(raw, ':'), *end1, *end2;
	if (!colon)
		return -1;
	*colon = '\0';
	double pr = strtod(raw, &end1);
	long long idv = strtoll(colon + 1, &end2, 10);
	if (*end1 || *end2 || end1 == raw || idv <= 0 || !isfinite(pr))
		return -1;
	*prio = arena_strdup(a, raw);
	*id = arena_strdup(a, colon + 1);
	return 0;
}

static const vrule_t status_query[] = {
	{"status", V_STRING, 0, 0, 0, statuses, NULL},
	{"category", V_STRING, 0, 0, 0, categories, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
	{"cursor", V_STRING, 0, 1, 128, NULL, NULL},
};
static void status_check(req_t *r, json_t *errors)
{
	const char *cursor = req_query(r, "cursor"), *prio, *id;
	if (cursor && read_cursor(r->arena, cursor, &prio, &id) < 0)
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
}
const api_op_t op_opt_status = {VRULES(status_query), NULL, NULL, 0, status_check};

/* Reads ?status ?category ?limit ?cursor; replies 422 and returns NULL on bad input. */
static json_t *status_report(req_t *r, const char *status, const char *category, long limit,
			     const char *cursor)
{
	const char *prio = NULL, *id = NULL;
	char lim[24];
	json_t *errors = arena_json(r->arena, json_array());
	json_t *q = arena_json(r->arena, json_pack("{s:s?, s:s?}", "status", status,
						   "category", category));
	validate(q, status_query, 2, "", errors);
	if (limit < 1 || limit > 500)
		verr(errors, "limit", "must be between 1 and 500");
	if (cursor && read_cursor(r->arena, cursor, &prio, &id) < 0)
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
	if (json_array_size(errors)) {
		reply_invalid(r, json_incref(errors));
		return NULL;
	}
	snprintf(lim, sizeof(lim), "%ld", limit + 1);
	const char *p[] = {status && strcmp(status, "all") ? status : NULL, category, lim, prio, id};
	PGresult *res = db_run(r->arena, &q_status, 5, p);
	if (!res) {
		db_fail(r);
		return NULL;
	}
	json_t *j = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	json_t *items = json_object_get(j, "items");
	json_object_set_new(j, "next_cursor", json_null());
	if ((long)json_array_size(items) > limit) {
		char next[128];
		json_array_remove(items, (size_t)limit);
		make_cursor(json_array_get(items, (size_t)limit - 1), next, sizeof(next));
		json_object_set_new(j, "next_cursor", json_string(next));
	}
	json_object_set_new(j, "formula", json_string("priority = impact × weight × confidence ÷ effort"));
	return j;
}

static long limit_param(req_t *r)
{
	const char *l = req_query(r, "limit");
	char *end;
	long n = l ? strtol(l, &end, 10) : 50;
	return l && (*end || !*l) ? -1 : n;
}

/* The data this report reads, for the report cache (core/cache.h). */
static const db_stmt_t q_opt_stamp = {"q_opt_stamp",
	"SELECT (SELECT last_value FROM data_version_recommendations)::text"};

int h_opt_status(req_t *r)
{
	int cached = cache_serve(r, &q_opt_stamp);
	if (cached)
		return 0;
	json_t *j = status_report(r, req_query(r, "status"), req_query(r, "category"),
				  limit_param(r), req_query(r, "cursor"));
	return j ? reply_json(r, 200, j) : 0;
}

/* The status changes a body may ask for: {"dismiss": [ids]} and its undo
 * {"restore": [ids]} (a dismissed recommendation back to open). */
typedef struct change {
	const char *field, *done;       /* body field, reply field of the ids changed */
	db_stmt_t stmt;                 /* $1 ids, $2 who; RETURNING id */
} change_t;

static const change_t changes[] = {
	{"dismiss", "dismissed", {"opt_dismiss",
	 "UPDATE recommendations SET status = 'dismissed', dismissed_at = now(), dismissed_by = $2"
	 " WHERE id = ANY ($1::bigint[]) AND status <> 'dismissed' RETURNING id"}},
	{"restore", "restored", {"opt_restore",         /* who ($2) is not recorded */
	 "UPDATE recommendations SET status = 'open', dismissed_at = NULL, dismissed_by = NULL"
	 " WHERE id = ANY ($1::bigint[]) AND status = 'dismissed' AND $2::text IS NOT NULL"
	 " RETURNING id"}},
};
#define N_CHANGES (sizeof(changes) / sizeof(changes[0]))

/* At most 500 ids; unknown ids and those already in the state asked for are
 * reported back as not changed. */
static int change_status(req_t *r, const change_t *c, json_t *ids)
{
	json_t *errors = arena_json(r->arena, json_array());
	buf_t arr;
	size_t i;
	json_t *v;
	if (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > 500)
		verr(errors, c->field, "must be an array of 1 to 500 recommendation ids");
	buf_init(&arr, 16 * 1024);
	json_array_foreach(ids, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			char f[32];
			snprintf(f, sizeof(f), "%s[%zu]", c->field, i);
			verr(errors, f, "must be a positive integer id");
		}
		buf_printf(&arr, "%s%lld", i ? "," : "{", (long long)json_integer_value(v));
	}
	buf_adds(&arr, "}");
	if (json_array_size(errors)) {
		buf_free(&arr);
		return reply_invalid(r, json_incref(errors));
	}
	const char *p[] = {arr.data, r->who.name ? r->who.name : ""};
	PGresult *res = db_run(r->arena, &c->stmt, 2, p);
	buf_free(&arr);
	if (!res)
		return db_fail(r);
	json_t *done = json_array();
	for (int k = 0; k < PQntuples(res); k++)
		json_array_append_new(done, json_integer(db_getll(res, k, 0, 0)));
	return reply_json(r, 200, arena_json(r->arena, json_pack("{s:o, s:I}", c->done, done,
		"unchanged", (json_int_t)(json_array_size(ids) - (size_t)PQntuples(res)))));
}

/* {} (or no body) runs the rules; {"dismiss": [ids]} dismisses, {"restore": [ids]}
 * undoes a dismissal. */
static const vrule_t recommend_rules[] = {
	{"dismiss", V_ARRAY, 0, 1, 500, NULL, NULL},
	{"restore", V_ARRAY, 0, 1, 500, NULL, NULL},
};
static const vschema_t recommend_body = {"RecommendRequest", VRULES(recommend_rules), NULL, 0, 0};
const api_op_t op_opt_recommend = {NULL, 0, &recommend_body, "{}", 0, NULL};

/* The status change the body asks for, or NULL to run; -1 when it asks for two. */
static int change_of(json_t *body, const change_t **c)
{
	*c = NULL;
	for (size_t i = 0; i < N_CHANGES; i++) {
		if (!json_object_get(body, changes[i].field))
			continue;
		if (*c)
			return -1;
		*c = &changes[i];
	}
	return 0;
}

int h_opt_recommend(req_t *r)
{
	json_t *body = NULL;
	if (r->body_len) {
		if (!(body = json_body(r)))
			return 0;
		if (!json_is_object(body)) {
			json_t *errors = json_array();
			verr(errors, "", "must be an object: {} to run, {\"dismiss\": [ids]} to dismiss,"
			     " {\"restore\": [ids]} to undo a dismissal");
			return reply_invalid(r, errors);
		}
		const change_t *c;
		if (change_of(body, &c) < 0) {
			json_t *errors = json_array();
			verr(errors, "restore", "send either dismiss or restore, not both");
			return reply_invalid(r, errors);
		}
		if (c)
			return change_status(r, c, json_object_get(body, c->field));
	}
	json_t *run = arena_json(r->arena, engine_run(r->arena, 1));
	if (!run)
		return db_fail(r);
	json_t *top = status_report(r, "open", NULL, 20, NULL);
	if (!top)
		return 0;
	return reply_json(r, 200, arena_json(r->arena, json_pack("{s:O, s:O, s:O}", "run", run,
		"counts", json_object_get(top, "counts"), "items", json_object_get(top, "items"))));
}
