/* level3_journeys.c - #24 GET /api/level3/behavioral/journey and
 * #25 POST /api/level3/behavioral/optimize: where visits go.
 *
 * #24 reads the visits started in the range (sql/040_visits.sql), writes
 * each as the sequence of its pageviews' page groups (repeats collapsed, cut
 * at the first goal event) in one SQL statement, which returns the paths
 * with their number of visits. C (analysis/markov.c) counts them in a hash
 * table: the groups by traffic, the transitions of the chain Start ->
 * groups -> Conversion | Exit and the most frequent converting paths; then
 * builds the transition matrix, the drop-off points (exit rate × share of
 * traffic) and the removal-effect attribution: how much the chain's
 * conversion probability falls when a group is taken out, as shares of the
 * sum.
 *
 * #25 turns behaviour into recommendations of #7's store (same table, same
 * dedup by (rule, target), same priority formula, source "behavioural",
 * resolved when no longer found): busy pages where visits end far more often
 * than on the rest of the site, engaged time far below a page's reading time
 * (words ÷ 200 per minute, a German reading pace), and #24's drop-off points
 * over the last 28 days, per site. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "level3_visits.h"
#include "markov.h"
#include "range.h"

#define GOAL "lead"             /* the conversion, unless ?goal= names another event */
#define MAX_GROUPS 40           /* groups in the chain; the less visited merge into OTHER */
#define OTHER "(other)"
#define TOP_DROPS 10

static const vrule_t journey_query[] = {
	RANGE_RULES,
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
	{"goal", V_STRING, 0, 1, 64, NULL, NULL},
};

static void journey_check(req_t *r, json_t *errors)
{
	range_t rg;
	range_parse(r, &rg, errors);
}
const api_op_t op_behav_journey = {VRULES(journey_query), NULL, NULL, 0, journey_check};

/* $1 from, $2 to, $3 tz, $4 site domain or NULL, $5 goal. Rows (kind, path,
 * converted, n) by kind: 's' one, converted 'true' when the site is known (or
 * none asked for); 'g' a page group's or goal's name in path and its id in n;
 * 'k' a day's pack of paths in path (sql/065_journey_packs.sql); 'p' a path
 * as text[] with whether it ends in a conversion and its number of visits. A
 * visit's path is the groups of its pageview hits before its first hit of the
 * goal; visits without a path are left out; an unknown domain reads site 0,
 * none.
 *
 * Whole Berlin days the rollups have closed come packed, a row per day: the
 * distinct paths of journey_days (sql/049_journey_days.sql) with counts,
 * names as ids, and per goal event of a path the groups begun before its
 * first hit, where C cuts it for the goal. Read row by row, ~400 k rows at 10 M
 * events over 90 days, cut in SQL and written out as text[], those days were
 * most of the report. The rest of the range, [t0, a) and [b, t1), is computed
 * per visit from visits_between(); a visit's hits are searched for the goal
 * only when its name is among them (most visits do not convert; OFFSET 0: a
 * visit's groups are computed once, not per use). Ranking the groups,
 * merging those beyond the busiest MAX_GROUPS - 1 into OTHER and counting
 * the edges took SQL ~400 ms at a million events (tens of thousands of
 * distinct paths over thousands of groups): it is C's work. */
#define JOURNEY_DAY_AFTER(t) \
	"((date_trunc('day', " t " AT TIME ZONE 'Europe/Berlin') + interval '1 day')" \
	" AT TIME ZONE 'Europe/Berlin')"
#define STR_(x) #x
#define STR(x) STR_(x)
static const db_stmt_t q_journey = {"behav_journey",
	"WITH p AS MATERIALIZED (SELECT ($1::date::timestamp AT TIME ZONE $3) AS t0,"
	"   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1,"
	"   CASE WHEN $4::text IS NOT NULL"
	"    THEN coalesce((SELECT id FROM sites WHERE domain = $4), 0) END AS site,"
	"   ($4::text IS NULL OR EXISTS (SELECT 1 FROM sites WHERE domain = $4)) AS site_known),"
	/* [a, b): the whole Berlin days in the range before rolled_until (a = b = t0: none) */
	" c AS MATERIALIZED (SELECT p.*, CASE WHEN d.d1 > d.d0 THEN d.d0 ELSE p.t0 END AS a,"
	"   CASE WHEN d.d1 > d.d0 THEN d.d1 ELSE p.t0 END AS b"
	"  FROM p, rollup_state s,"
	"   LATERAL (SELECT CASE WHEN rollup_day_floor(p.t0) = p.t0 THEN p.t0"
	"     ELSE " JOURNEY_DAY_AFTER("p.t0") " END AS d0,"
	"    rollup_day_floor(least(p.t1, coalesce(s.rolled_until, '-infinity'))) AS d1) d),"
	/* one branch for a site (its index), one for every site, as visits_between() */
	" jp AS (SELECT j.* FROM c, journey_day_packs j WHERE c.site IS NOT NULL AND j.site_id = c.site"
	"   AND j.day_start >= c.a AND j.day_end <= c.b"
	"  UNION ALL SELECT j.* FROM c, journey_day_packs j WHERE c.site IS NULL"
	"   AND j.day_start >= c.a AND j.day_end <= c.b),"
	" jg AS (SELECT g.* FROM c, journey_groups g WHERE c.site IS NOT NULL AND g.site_id = c.site"
	"  UNION ALL SELECT g.* FROM c, journey_groups g WHERE c.site IS NULL),"
	" pv AS (SELECT " COLLAPSED("g.g") " AS path, g.at IS NOT NULL AS converted, 1 AS n"
	"  FROM c, LATERAL (SELECT * FROM visits_between(c.site, c.t0, c.a)"
	"    UNION ALL SELECT * FROM visits_between(c.site, c.b, c.t1)) v,"
	"   LATERAL (SELECT CASE WHEN $5 = ANY (v.hit_names) THEN (SELECT min(h.i) FROM " HITS("v")
	"    WHERE h.goal AND h.name = $5) END AS at) x,"
	"   LATERAL (SELECT ARRAY(SELECT " PAGE_GROUP("h.name") " FROM " HITS("v")
	"    WHERE NOT h.goal AND (x.at IS NULL OR h.i < x.at) ORDER BY h.i) AS g, x.at OFFSET 0) g)"
	" SELECT 's' AS kind, NULL AS path, site_known::text AS converted, 0 AS n FROM p"
	" UNION ALL SELECT 'g', name, NULL, id FROM jg WHERE EXISTS (SELECT 1 FROM jp)"
	" UNION ALL SELECT 'k', pack, NULL, paths FROM jp"
	" UNION ALL SELECT 'p', path::text, converted::text, n FROM pv WHERE cardinality(path) > 0"};

enum { J_KIND, J_PATH, J_CONVERTED, J_N };
#define TOP_PATHS 10

/* The chain of page groups: states as in markov.h (0 Start, 1..k groups,
 * k+1 Conversion, k+2 Exit), and the most frequent converting paths. */
typedef struct chain {
	int k;
	const char *names[MAX_GROUPS + 1];      /* [1..k] */
	double *counts;                         /* (k+3)² */
	long long visits, conversions;
	int site_known;
	mk_top_path_t top[TOP_PATHS];
	int ntop;
} chain_t;

static double r4(double v)
{
	return round(v * 1e4) / 1e4;
}

static void paths_free(void *p)
{
	mk_paths_free(p);
}

/* Counts the statement's paths into c (analysis/markov.c: groups interned
 * in a hash table, ranked, transitions counted); 0, or -1 out of memory or
 * on a path it cannot read. */
static int chain_read(arena_t *a, const PGresult *res, const char *goal, chain_t *c)
{
	int rows = PQntuples(res);
	mk_paths_t *p = mk_paths_new();
	memset(c, 0, sizeof(*c));
	if (!p || arena_cleanup(a, paths_free, p) < 0) {
		mk_paths_free(p);
		return -1;
	}
	/* the groups first: the packs name them by id */
	for (int i = 0; i < rows; i++)
		if (*db_get(res, i, J_KIND) == 'g' &&
		    mk_paths_name(p, db_getll(res, i, J_N, -1), db_get(res, i, J_PATH)) < 0)
			return -1;
	for (int i = 0; i < rows; i++) {
		const char *kind = db_get(res, i, J_KIND), *conv = db_get(res, i, J_CONVERTED);
		if (*kind == 's')
			c->site_known = strcmp(conv, "true") == 0;
		else if (*kind == 'k' && mk_paths_add_pack(p, db_get(res, i, J_PATH), goal) < 0)
			return -1;
		else if (*kind == 'p' && mk_paths_add_array(p, db_get(res, i, J_PATH),
							strcmp(conv, "true") == 0,
							db_getll(res, i, J_N, 0)) < 0)
			return -1;
	}
	c->visits = mk_paths_visits(p);
	c->conversions = mk_paths_conversions(p);
	if (!(c->counts = arena_calloc(a, (MAX_GROUPS + 3) * (MAX_GROUPS + 3), sizeof(double))))
		return -1;
	if ((c->k = mk_paths_chain(p, MAX_GROUPS, OTHER, c->names, c->counts)) < 0)
		return -1;
	return (c->ntop = mk_paths_top(p, TOP_PATHS, c->top)) < 0 ? -1 : 0;
}

/* {states, counts, probabilities}: rows Start and the groups, columns every state. */
static json_t *transitions_json(const chain_t *c)
{
	int w = c->k + 3;
	json_t *states = json_array(), *counts = json_array(), *probs = json_array();
	json_array_append_new(states, json_string("Start"));
	for (int i = 1; i <= c->k; i++)
		json_array_append_new(states, json_string(c->names[i]));
	json_array_append_new(states, json_string("Conversion"));
	json_array_append_new(states, json_string("Exit"));
	for (int i = 0; i <= c->k; i++) {
		double total = 0;
		json_t *rc = json_array(), *rp = json_array();
		for (int j = 0; j < w; j++)
			total += c->counts[i * w + j];
		for (int j = 0; j < w; j++) {
			json_array_append_new(rc, json_integer((json_int_t)c->counts[i * w + j]));
			json_array_append_new(rp, json_real(total ? r4(c->counts[i * w + j] / total) : 0));
		}
		json_array_append_new(counts, rc);
		json_array_append_new(probs, rp);
	}
	return json_pack("{s:o, s:o, s:o}", "states", states, "counts", counts, "probabilities", probs);
}

typedef struct drop {
	int group;
	double visits, exits, rate, share, weighted;
} drop_t;

static int by_weighted(const void *x, const void *y)
{
	const drop_t *a = x, *b = y;
	if (a->weighted != b->weighted)
		return a->weighted < b->weighted ? 1 : -1;
	return a->group - b->group;
}

/* Groups by exit rate × share of all visits passing through them (the share
 * of visits that end there), highest first; returns how many (<= k). */
static int drop_offs(const chain_t *c, drop_t *out)
{
	int w = c->k + 3, n = 0;
	for (int g = 1; g <= c->k; g++) {
		double through = 0;
		for (int j = 0; j < w; j++)
			through += c->counts[g * w + j];
		if (through <= 0)
			continue;
		drop_t *d = &out[n++];
		d->group = g;
		d->visits = through;
		d->exits = c->counts[g * w + c->k + 2];
		d->rate = d->exits / through;
		d->share = c->visits ? through / (double)c->visits : 0;
		d->weighted = d->rate * d->share;
	}
	qsort(out, (size_t)n, sizeof(*out), by_weighted);
	return n;
}

static json_t *drop_offs_json(const chain_t *c)
{
	drop_t d[MAX_GROUPS];
	int n = drop_offs(c, d);
	json_t *out = json_array();
	for (int i = 0; i < n && i < TOP_DROPS; i++)
		json_array_append_new(out, json_pack("{s:s, s:I, s:I, s:f, s:f, s:f}",
			"group", c->names[d[i].group], "visits", (json_int_t)d[i].visits,
			"exits", (json_int_t)d[i].exits, "exit_rate", r4(d[i].rate),
			"traffic_share", r4(d[i].share), "weighted", r4(d[i].weighted)));
	return out;
}

/* Removal effects and their shares, largest share first; NULL on a singular chain. */
static json_t *attribution_json(const chain_t *c)
{
	double effect[MAX_GROUPS], share[MAX_GROUPS];
	double p = mk_removal_effects(c->counts, c->k, effect, share);
	if (p < 0)
		return NULL;
	json_t *groups = json_array();
	int used[MAX_GROUPS] = {0};
	for (int n = 0; n < c->k; n++) {
		int best = -1;
		for (int i = 0; i < c->k; i++)
			if (!used[i] && (best < 0 || share[i] > share[best]))
				best = i;
		used[best] = 1;
		json_array_append_new(groups, json_pack("{s:s, s:f, s:f}", "group", c->names[best + 1],
			"removal_effect", r4(effect[best]), "share", r4(share[best])));
	}
	return json_pack("{s:s, s:f, s:o}", "method",
		"first-order Markov chain, removal effect: 1 - P(conversion without the group) / P(conversion)",
		"conversion_probability", r4(p), "groups", groups);
}

static json_t *paths_json(const chain_t *c)
{
	json_t *out = json_array();
	for (int i = 0; i < c->ntop; i++) {
		long long n = c->top[i].n;
		json_array_append_new(out, json_pack("{s:o, s:I, s:f}", "path",
			json_loads(c->top[i].json, 0, NULL), "conversions", (json_int_t)n,
			"share", c->conversions ? r4((double)n / (double)c->conversions) : 0.0));
	}
	return out;
}

/* Reads the chain of the range; 0, or -1 with the reply sent. */
static int journey_chain(req_t *r, const range_t *rg, const char *site, const char *goal,
			 chain_t *c, PGresult **res)
{
	const char *p[] = {rg->from, rg->to, rg->tz, site, goal};
	if (!(*res = db_run(r->arena, &q_journey, 5, p)))
		return db_fail(r), -1;
	if (chain_read(r->arena, *res, goal, c) < 0)
		return reply_problem(r, 500, "out of memory while reading the journeys", NULL), -1;
	if (!c->site_known) {
		json_t *errors = json_array();
		verr(errors, "site", "no site has this domain");
		return reply_invalid(r, errors), -1;
	}
	return 0;
}

/* The data this report reads, for the report cache (core/cache.h): the
 * visits table (the rollups' version) and the raw tail after it. */
static const db_stmt_t q_journey_stamp = {"behav_journey_stamp",
	"SELECT rollup_stamp($1, $2) || '.' || (SELECT last_value FROM data_version_sites)"};

int h_behav_journey(req_t *r)
{
	range_t rg;
	json_t *errors = arena_json(r->arena, json_array());
	chain_t c;
	PGresult *res;
	if (range_parse(r, &rg, errors))
		return reply_invalid(r, json_incref(errors));
	const char *site = req_query(r, "site"), *goal = req_query(r, "goal");
	const char *stamp[] = {rg.to, rg.tz};
	if (cache_serve_with(r, &q_journey_stamp, 2, stamp))
		return 0;
	if (journey_chain(r, &rg, site, goal ? goal : GOAL, &c, &res) < 0)
		return 0;
	json_t *attribution = attribution_json(&c);
	if (!attribution)
		return reply_problem(r, 500, "the journey chain could not be solved", NULL);
	json_t *j = arena_json(r->arena, json_pack(
		"{s:o, s:{s:s?, s:s}, s:s, s:I, s:I, s:o, s:o, s:o, s:o}",
		"range", range_json_new(&rg), "filters", "site", site, "goal", goal ? goal : GOAL,
		"grouping", "first path segment", "visits", (json_int_t)c.visits,
		"conversions", (json_int_t)c.conversions, "top_paths", paths_json(&c),
		"transitions", transitions_json(&c), "drop_offs", drop_offs_json(&c),
		"attribution", attribution));
	if (!j)
		return reply_problem(r, 500, "out of memory while building the reply", NULL);
	return reply_json(r, 200, j);
}

/* ---- #25 behavioural recommendations ---- */

/* A busy page is in its site's top quarter by pageviews (at least 30); it
 * ends visits "far more often" at 1.25 times the site's exit rate. Reading
 * time: words × 60 ÷ 200; "far below" is under a quarter of it. Drop-off
 * points: at least 20 visits through the group and half of them ending there. */
static const opt_rule_t behav_rules[] = {
{"behaviour-exit-traffic", "behaviour", "Busy page where visits end far more often than elsewhere",
 "Viel besuchte Seite, auf der Besuche weit öfter enden als sonst", 6, 0.7, 4, 0, NULL},
{"behaviour-reading-time", "behaviour", "Engaged time far below the page's reading time",
 "Aktive Zeit weit unter der Lesedauer der Seite", 5, 0.6, 5, 0, NULL},
{"behaviour-journey-dropoff", "behaviour", "Journey drop-off point: many visits end in this page group",
 "Ausstiegspunkt der Besucherwege: viele Besuche enden in dieser Seitengruppe", 7, 0.6, 6, 0, NULL},
};
enum { R_EXIT, R_READING, R_DROPOFF, R_COUNT };
#define DROP_MIN_VISITS 20
#define DROP_MIN_RATE 0.5

/* $1 goal. Rows (rule index, target, evidence, weight) of the two SQL rules
 * over the last 28 days; pages where the goal fires are not exits to fix.
 * Pageviews and exits (a visit's exit page) come from the visits started in
 * them, a page's URL from its visit's host; engaged time per page and the
 * goal's pages from the raw events, which the visits table does not keep. */
static const db_stmt_t q_behav_rules = {"behav_rules",
	"WITH p AS MATERIALIZED (SELECT now() - interval '28 days' AS t0, now() AS t1),"
	" ev AS (SELECT site_id, kind, path, name, engaged_ms FROM events"
	"  WHERE ts >= now() - interval '28 days' AND kind IN ('engagement', 'event')),"
	" pv AS (SELECT v.site_id, coalesce('https://' || v.host, '') || x.path AS url, x.path,"
	"   x.views, x.exits"
	"  FROM p, visits_between(NULL, p.t0, p.t1) v,"
	"   LATERAL (SELECT h.name AS path, 1 AS views, 0 AS exits FROM " HITS("v") " WHERE NOT h.goal"
	"    UNION ALL SELECT v.exit_page, 0, 1 WHERE v.exit_page IS NOT NULL) x),"
	" gp AS (SELECT DISTINCT site_id, path FROM ev WHERE kind = 'event' AND name = $1),"
	" ex AS (SELECT pv.site_id, pv.url, sum(pv.views) AS views, sum(pv.exits) AS exits"
	"  FROM pv LEFT JOIN gp USING (site_id, path) WHERE gp.path IS NULL GROUP BY pv.site_id, pv.url),"
	" site AS (SELECT site_id, sum(exits)::float8 / sum(views) AS rate,"
	"   percentile_cont(0.75) WITHIN GROUP (ORDER BY views) AS busy FROM ex GROUP BY site_id),"
	" eng AS (SELECT site_id, path, count(*) AS n,"
	"   percentile_cont(0.5) WITHIN GROUP (ORDER BY engaged_ms) AS median_ms FROM ev"
	"  WHERE kind = 'engagement' AND engaged_ms IS NOT NULL GROUP BY site_id, path)"
	" SELECT 0, x.url, jsonb_build_object('pageviews_28d', x.views, 'exits', x.exits,"
	"   'exit_rate', round(x.exits::numeric / x.views, 3), 'site_exit_rate', round(s.rate::numeric, 3),"
	"   'busy_from_pageviews', s.busy)::text, least(2.0, 0.5 + x.views / 400.0)"
	"  FROM ex x JOIN site s USING (site_id)"
	"  WHERE x.views >= 30 AND x.views >= s.busy AND x.exits::float8 / x.views >= s.rate * 1.25"
" UNION ALL SELECT 1, p.url_norm, jsonb_build_object('median_engaged_s',"
	"   round(e.median_ms::numeric / 1000, 1), 'reading_time_s', round(p.word_count * 0.3),"
	"   'words', p.word_count, 'samples', e.n,"
	"   'ratio', round((e.median_ms / 1000 / (p.word_count * 0.3))::numeric, 3))::text,"
	"   least(2.0, 0.5 + e.n / 200.0)"
	"  FROM pages p JOIN eng e ON e.path = p.path AND (p.site_id IS NULL OR p.site_id = e.site_id)"
	"  WHERE p.word_count >= 150 AND e.n >= 10 AND e.median_ms / 1000.0 < 0.25 * p.word_count * 0.3"};

/* The recommendations stored for the findings, highest priority first. */
static const db_stmt_t q_behav_items = {"behav_items",
	"SELECT coalesce(json_agg(i ORDER BY i.priority DESC, i.id), '[]')::text FROM"
	" (SELECT r.id, r.rule, r.target, r.category, r.title, r.title_de, r.evidence, r.impact,"
	"  r.confidence, r.effort, r.priority, r.status, r.source, r.first_seen, r.last_seen"
	"  FROM recommendations r JOIN jsonb_to_recordset($1::jsonb) f(rule text, target text)"
	"  USING (rule, target)) i"};

/* The sites with visits in the last 28 days. */
static const db_stmt_t q_behav_sites = {"behav_sites",
	"SELECT s.domain FROM sites s WHERE EXISTS (SELECT 1 FROM visits v"
	"  WHERE v.site_id = s.id AND v.vstart >= now() - interval '28 days') ORDER BY s.id"};

/* #24's drop-off points of the last 28 days as findings, each site's chain
 * on its own (the groups of one site compete for the MAX_GROUPS states with
 * no other site's; a busy site no longer hides a small site's groups in
 * OTHER). The target is the group's URL prefix on the site; OTHER, a merge
 * of the site's less visited groups, is no place to fix. 0, or -1 replied. */
static int dropoff_findings(req_t *r, json_t *findings)
{
	range_t rg;
	json_t *errors = arena_json(r->arena, json_array());
	range_parse(r, &rg, errors);        /* no query: the last 28 days */
	PGresult *sites = db_run(r->arena, &q_behav_sites, 0, NULL);
	if (!sites)
		return db_fail(r), -1;
	for (int s = 0; s < PQntuples(sites); s++) {
		const char *site = db_get(sites, s, 0);
		chain_t c;
		PGresult *res;
		drop_t d[MAX_GROUPS];
		if (journey_chain(r, &rg, site, GOAL, &c, &res) < 0)
			return -1;
		int n = drop_offs(&c, d);
		for (int i = 0; i < n; i++) {
			const char *g = c.names[d[i].group];
			if (d[i].visits < DROP_MIN_VISITS || d[i].rate < DROP_MIN_RATE ||
			    strcmp(g, OTHER) == 0)
				continue;
			json_array_append_new(findings, opt_finding_new(&behav_rules[R_DROPOFF],
				arena_printf(r->arena, "https://%s%s%s", site, g, strcmp(g, "/") ? "*" : ""),
				json_pack("{s:s, s:s, s:I, s:I, s:f, s:f}", "site", site, "group", g,
					  "visits_through", (json_int_t)d[i].visits,
					  "exits", (json_int_t)d[i].exits, "exit_rate", r4(d[i].rate),
					  "traffic_share", r4(d[i].share)),
				fmin(2.0, 0.5 + d[i].share * 3)));
		}
	}
	return 0;
}

const api_op_t op_behav_optimize = {NULL, 0, NULL, NULL, 0, NULL};

int h_behav_optimize(req_t *r)
{
	const char *goal[] = {GOAL};
	json_t *findings = arena_json(r->arena, json_array());
	PGresult *res = db_run(r->arena, &q_behav_rules, 1, goal);
	if (!res)
		return db_fail(r);
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(findings, opt_finding_new(&behav_rules[db_getll(res, i, 0, 0)],
			db_get(res, i, 1), json_loads(db_get(res, i, 2), 0, NULL), db_getd(res, i, 3, 1)));
	if (dropoff_findings(r, findings) < 0)
		return 0;
	buf_t evaluated;
	buf_init(&evaluated, 1024);
	for (size_t i = 0; i < R_COUNT; i++)
		buf_printf(&evaluated, "%c%s", i ? ',' : '{', behav_rules[i].id);
	buf_adds(&evaluated, "}");
	json_t *run = evaluated.oom ? NULL
		: arena_json(r->arena, opt_store(r->arena, findings, evaluated.data, "behavioural"));
	buf_free(&evaluated);
	if (!run)
		return db_fail(r);
	char *keys = json_dumps(findings, JSON_COMPACT);
	const char *p[] = {keys};
	PGresult *items = keys ? db_run(r->arena, &q_behav_items, 1, p) : NULL;
	free(keys);
	if (!items)
		return db_fail(r);
	return reply_json(r, 200, arena_json(r->arena, json_pack("{s:O, s:o}", "run", run,
		"items", json_loads(db_get(items, 0, 0), 0, NULL))));
}
