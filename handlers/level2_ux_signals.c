/* level2_ux_signals.c - #3 POST /api/level2/ux-signals/track and
 * #4 GET /api/level2/ux-signals/metrics.
 *
 * track: the website's beacons (one object or an array of at most 100) are
 * validated whole, each bad one reported by index; a valid batch goes into the
 * event table with one statement (handlers/events_ingest.c, shared with #43).
 * The visitor id is HMAC(daily salt, site, IP, UA): no cookie, no IP stored.
 * Bots are answered 202 and dropped. A vital report superseded later in its
 * batch (same name and id) is accepted, not stored.
 * metrics: p75 per page and vital (PostgreSQL percentile_cont, the CrUX
 * method) over page loads, each counted once with its last report, good /
 * needs-improvement / poor shares by the thresholds of analysis/vitals.c, the
 * Core Web Vitals verdict, engagement and scroll depth; all aggregated in one
 * SQL statement. The pages come a page of them at a time, most viewed first
 * (?limit=, ?cursor= as the breakdown's, next_cursor, pages_total); the
 * overall figures are always over all pages. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "cache.h"
#include "db.h"
#include "events_ingest.h"
#include "handlers.h"
#include "router.h"
#include "json_in.h"
#include "range.h"
#include "useragent.h"
#include "visits.h"
#include "vitals.h"

#define MAX_BEACONS 100
#define UX_PAGES_DEFAULT 100     /* pages per reply without ?limit= */

const api_op_t op_ux_track = {NULL, 0, &ingest_beacon_schema,
	"{\"type\": \"vital\", \"url\": \"https://zoe-solar.de/photovoltaik\", \"name\": \"LCP\", "
	"\"value\": 1830, \"rating\": \"good\"}", 202, NULL};

int h_ux_track(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	if (r->who.cred != CRED_SITEKEY) {
		json_t *first = json_is_array(body) ? json_array_get(body, 0) : body;
		const char *key = json_string_value(json_object_get(first, "site"));
		if (!key) {
			reply_header(r, "WWW-Authenticate", "SiteKey");
			return reply_problem(r, 401, "a site key is required (X-Site-Key, ?site= "
					     "or a \"site\" field)", NULL);
		}
		if (auth_site_key(r, key) < 0)
			return 0;
	}
	json_t *list = body;
	if (json_is_object(body)) {
		list = arena_json(r->arena, json_array());
		json_array_append(list, body);
	}
	json_t *errors = arena_json(r->arena, json_array());
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > MAX_BEACONS) {
		verr(errors, "", "send one beacon object or an array of 1 to %d", MAX_BEACONS);
		return reply_invalid(r, json_incref(errors));
	}
	if (ua_is_bot(r->user_agent))
		return ingest_reply_dropped(r, json_array_size(list), "bot");
	ingest_src_t src = {r->who.id, r->remote_addr, r->user_agent};
	ingest_t *in = ingest_new(r, INGEST_BEACON, "");
	if (!in)
		return reply_problem(r, 500, "out of memory", NULL);
	for (size_t i = 0; i < json_array_size(list); i++)
		ingest_event(in, list, i, &src);
	return ingest_finish(in);
}

/* One statement, one round trip: vitals per (page, vital) and per vital over
 * all pages, engagement per page and overall, pageviews per page, the slice of
 * pages $11 (limit) from $12 (offset) ranked by pageviews. The statement is
 * ux_metrics() of sql/068, where its reading of the rollups is explained: a
 * function so that it is planned once per connection (a generic plan; every
 * bound comes from the data at run time) where a prepared statement was planned
 * again for each of its first requests, 22-50 ms of each. The vital thresholds
 * come from analysis/vitals.c as arrays ($4..$7); $8 device, $9 path, $10 site
 * domain: NULL = any. */
static const db_stmt_t q_metrics = {"ux_metrics",
	"SELECT * FROM ux_metrics($1::date, $2::date, $3, $4::text[], $5::float8[], $6::float8[],"
	" $7::float8[], $8, $9, $10, $11::bigint, $12::bigint)"};

static double share(long long part, long long n)
{
	return n ? round((double)part / (double)n * 10000) / 10000 : 0;
}

static json_t *vital_json(const PGresult *res, int row, const vital_def_t *v)
{
	long long n = db_getll(res, row, 3, 0);
	double p75 = db_getd(res, row, 4, NAN);
	int enough = n >= VITALS_MIN_SAMPLES;
	json_t *j = json_pack("{s:f, s:s, s:I, s:f, s:f, s:f, s:s?, s:s}",
		"p75", round(p75 * 1000) / 1000, "unit", v->unit, "samples", (json_int_t)n,
		"good", share(db_getll(res, row, 6, 0), n),
		"needs_improvement", share(db_getll(res, row, 7, 0), n),
		"poor", share(db_getll(res, row, 8, 0), n),
		"rating", enough ? vitals_rating_name(vitals_rate(v, p75)) : NULL,
		"status", enough ? "ok" : "insufficient data");
	return j;
}

/* pass: no core vital with enough samples is worse than good and LCP and CLS
 * have enough samples (INP needs interactions, so a page may lack it, as in
 * CrUX); fail: a core vital with enough samples is not good. */
static const char *cwv_verdict(json_t *vitals)
{
	int fail = 0, have_lcp = 0, have_cls = 0;
	for (size_t i = 0; i < vitals_count; i++) {
		const vital_def_t *v = &vitals_table[i];
		const char *rating = json_string_value(json_object_get(
			json_object_get(vitals, v->name), "rating"));
		if (!v->core || !rating)
			continue;
		fail |= strcmp(rating, "good") != 0;
		have_lcp |= strcmp(v->name, "LCP") == 0;
		have_cls |= strcmp(v->name, "CLS") == 0;
	}
	return fail ? "fail" : have_lcp && have_cls ? "pass" : "insufficient data";
}

static json_t *engagement_json(const PGresult *res, int row)
{
	long long n = db_getll(res, row, 3, 0);
	return json_pack("{s:I, s:f, s:f, s:{s:f, s:f, s:f, s:f}}", "samples", (json_int_t)n,
		"engaged_ms_median", db_getd(res, row, 4, 0), "engaged_ms_p75", db_getd(res, row, 5, 0),
		"scroll_depth", "0-25", share(db_getll(res, row, 6, 0), n),
		"25-50", share(db_getll(res, row, 7, 0), n),
		"50-75", share(db_getll(res, row, 8, 0), n),
		"75-100", share(db_getll(res, row, 9, 0), n));
}

/* The page entry for `path` (NULL = overall), created on first use. */
static json_t *page_of(json_t *pages, json_t *overall, const char *path)
{
	if (!path)
		return overall;
	json_t *p = json_object_get(pages, path);
	if (!p) {
		p = json_pack("{s:s, s:i, s:{}, s:n}", "path", path, "pageviews", 0, "vitals",
			      "engagement");
		json_object_set_new(pages, path, p);
	}
	return p;
}

static int by_samples(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t vx = json_integer_value(json_object_get(x, "pageviews"));
	json_int_t vy = json_integer_value(json_object_get(y, "pageviews"));
	if (vx != vy)
		return vx < vy ? 1 : -1;
	return strcmp(json_string_value(json_object_get(x, "path")),
		      json_string_value(json_object_get(y, "path")));
}

/* Sorted array of the page objects: most viewed first, then by path. */
static json_t *page_list(json_t *pages)
{
	size_t n = json_object_size(pages), i = 0;
	json_t **v = calloc(n ? n : 1, sizeof(*v)), *list = json_array(), *p;
	const char *k;
	if (!v)
		return list;
	json_object_foreach(pages, k, p) {
		json_object_set_new(p, "cwv", json_string(cwv_verdict(json_object_get(p, "vitals"))));
		v[i++] = p;
	}
	qsort(v, n, sizeof(*v), by_samples);
	for (i = 0; i < n; i++)
		json_array_append(list, v[i]);
	free(v);
	return list;
}

/* The data this report reads, for the report cache (core/cache.h). */
static const db_stmt_t q_ux_stamp = {"q_ux_stamp",
	"SELECT rollup_stamp($1, $2) || '.' || (SELECT last_value FROM data_version_sites)"};

static const char *const device_filter[] = {"all", "mobile", "tablet", "desktop", NULL};
static const vrule_t metrics_query[] = {
	RANGE_RULES,
	{"device", V_STRING, 0, 0, 0, device_filter, NULL},
	{"path", V_STRING, 0, 1, 2048, NULL, NULL},
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
	{"limit", V_INT, 0, 1, 1000, NULL, NULL},
	{"cursor", V_STRING, 0, 1, 64, NULL, NULL},
};
static void metrics_check(req_t *r, json_t *errors)
{
	range_t rg;
	long long offset;
	const char *path = req_query(r, "path"), *site = req_query(r, "site");
	const char *cursor = req_query(r, "cursor");
	range_parse(r, &rg, errors);
	if (cursor && cursor_read(cursor, &offset) < 0)
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
	if (path && (path[0] != '/' || strlen(path) > 2048))
		verr(errors, "path", "must be a path starting with / (at most 2048 bytes)");
	if (site && (!*site || strlen(site) > 253 || strpbrk(site, "/ ")))
		verr(errors, "site", "must be a site's domain, e.g. zoe-solar.de");
}
const api_op_t op_ux_metrics = {VRULES(metrics_query), NULL, NULL, 0, metrics_check};

int h_ux_metrics(req_t *r)
{
	range_t rg;
	json_t *errors = arena_json(r->arena, json_array());
	const char *device = req_query(r, "device"), *path = req_query(r, "path");
	const char *site = req_query(r, "site");       /* a domain: one site of several */
	const char *limit = req_query(r, "limit"), *cursor = req_query(r, "cursor");
	long long offset = 0, nlimit = limit ? strtoll(limit, NULL, 10) : UX_PAGES_DEFAULT;
	char off[24], lim[24];
	range_parse(r, &rg, errors);     /* checked by the router: metrics_check */
	if (cursor)
		cursor_read(cursor, &offset);
	snprintf(off, sizeof(off), "%lld", offset);
	snprintf(lim, sizeof(lim), "%lld", nlimit);
	if (device && !strcmp(device, "all"))
		device = NULL;
	const char *stamp[] = {rg.to, rg.tz};
	if (cache_serve_with(r, &q_ux_stamp, 2, stamp))
		return 0;

	const char *p[] = {rg.from, rg.to, rg.tz, vitals_array_literal(VITALS_NAME),
			   vitals_array_literal(VITALS_GOOD), vitals_array_literal(VITALS_POOR),
			   vitals_array_literal(VITALS_MAX), device, path, site, lim, off};
	PGresult *res = db_run(r->arena, &q_metrics, 12, p);
	if (!res)
		return db_fail(r);
	json_t *pages = arena_json(r->arena, json_object());
	json_t *overall = arena_json(r->arena, json_pack("{s:{}, s:n}", "vitals", "engagement"));
	long long samples = 0, total = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *section = db_get(res, i, 0);
		if (strcmp(section, "pages") == 0) {
			total = db_getll(res, i, 3, 0);
			continue;
		}
		json_t *pg = page_of(pages, overall, db_get(res, i, 1));
		if (strcmp(section, "vital") == 0) {
			const vital_def_t *v = vitals_find(db_get(res, i, 2));
			json_object_set_new(json_object_get(pg, "vitals"), v->name, vital_json(res, i, v));
			if (pg == overall)
				samples += db_getll(res, i, 3, 0);
		} else if (strcmp(section, "engagement") == 0) {
			json_object_set_new(pg, "engagement", engagement_json(res, i));
		} else {
			json_object_set_new(pg, "pageviews", json_integer(db_getll(res, i, 3, 0)));
		}
	}
	json_object_set_new(overall, "cwv", json_string(cwv_verdict(json_object_get(overall, "vitals"))));
	json_t *thresholds = json_object();
	for (size_t i = 0; i < vitals_count; i++)
		json_object_set_new(thresholds, vitals_table[i].name, json_pack("{s:f, s:f, s:s, s:b}",
			"good", vitals_table[i].good, "poor", vitals_table[i].poor,
			"unit", vitals_table[i].unit, "core", vitals_table[i].core));
	json_t *list = page_list(pages);
	if (path)       /* the one page asked for, viewed in the range or not */
		total = (long long)json_array_size(list);
	json_t *next = !path && offset + nlimit < total ? cursor_new(offset + nlimit) : json_null();
	json_t *j = arena_json(r->arena, json_pack("{s:o, s:s, s:s?, s:i, s:I, s:o, s:O, s:o, s:I, s:o}",
		"range", range_json_new(&rg), "device", device ? device : "all", "site", site,
		"min_samples", VITALS_MIN_SAMPLES, "n", (json_int_t)samples, "thresholds", thresholds,
		"overall", overall, "pages", list, "pages_total", (json_int_t)total,
		"next_cursor", next));
	return reply_json(r, 200, j);
}
