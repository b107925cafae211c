/* level2_ux_signals.c - #3 POST /api/level2/ux-signals/track and
 * #4 GET /api/level2/ux-signals/metrics.
 *
 * track: the website's beacons (one object or an array of at most 100) are
 * validated whole, each bad one reported by index; a valid batch goes into the
 * event table with one COPY. The visitor id is HMAC(daily salt, site, IP, UA):
 * no cookie, no IP stored. Bots are answered 202 and dropped. A vital report
 * superseded later in its batch (same name and id) is accepted, not stored.
 * metrics: p75 per page and vital (PostgreSQL percentile_cont, the CrUX
 * method) over page loads, each counted once with its last report, good /
 * needs-improvement / poor shares by the thresholds of analysis/vitals.c, the
 * Core Web Vitals verdict, engagement and scroll depth; all aggregated in one
 * SQL statement. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "router.h"
#include "json_in.h"
#include "range.h"
#include "useragent.h"
#include "vitals.h"

#define MAX_BEACONS 100
#define MAX_PROPS 30

static const char *const kinds[] = {"pageview", "engagement", "vital", "event", NULL};
static const char *const vital_names[] = {"LCP", "INP", "CLS", "FCP", "TTFB", NULL};
static const char *const ratings[] = {"good", "needs-improvement", "poor", NULL};

/* Rules per beacon kind: common fields first, then the kind's own. */
static const vrule_t common_rules[] = {
	{"type", V_STRING, 1, 0, 0, kinds, NULL},
	{"url", V_STRING, 1, 1, 2048, NULL, NULL},
	{"referrer", V_STRING, 0, 0, 2048, NULL, NULL},
};
static const vrule_t vital_rules[] = {
	{"name", V_STRING, 1, 0, 0, vital_names, NULL},
	{"value", V_NUMBER, 1, 0, 1e9, NULL, NULL},
	{"rating", V_STRING, 0, 0, 0, ratings, NULL},
	{"id", V_STRING, 0, 0, 128, NULL, NULL},
	{"navigationType", V_STRING, 0, 0, 32, NULL, NULL},
	{"delta", V_NUMBER, 0, 0, 0, NULL, NULL},
};
static const vrule_t engagement_rules[] = {
	{"engaged_ms", V_INT, 1, 0, 86400000, NULL, NULL},
	{"scroll_pct", V_NUMBER, 0, 0, 100, NULL, NULL},
};
static const vrule_t event_rules[] = {
	{"name", V_STRING, 1, 1, 64, NULL, NULL},
	{"props", V_OBJECT, 0, 0, 0, NULL, NULL},
};

static const vpart_t kind_rules[] = {
	{"vital", vital_rules, sizeof(vital_rules) / sizeof(vital_rules[0])},
	{"engagement", engagement_rules, sizeof(engagement_rules) / sizeof(engagement_rules[0])},
	{"event", event_rules, sizeof(event_rules) / sizeof(event_rules[0])},
};

static const vschema_t beacon = {"Beacon", VRULES(common_rules), VRULES(kind_rules),
				  MAX_BEACONS};
const api_op_t op_ux_track = {NULL, 0, &beacon,
	"{\"type\": \"vital\", \"url\": \"https://zoe-solar.de/photovoltaik\", \"name\": \"LCP\", "
	"\"value\": 1830, \"rating\": \"good\"}", 202, NULL};

static const db_stmt_t q_salt = {"ux_salt", "SELECT visitor_salt(current_date), current_date"};
/* Beacons go in with COPY: the fastest way into PostgreSQL (ts defaults to now()). */
static const char q_copy[] =
	"COPY events (site_id, visitor_id, kind, host, path, referrer, source, name, value, rating,"
	" nav_type, metric_id, engaged_ms, scroll_pct, props, " EVENT_DIMS_COLUMNS ", device, browser)"
	" FROM STDIN";

/* The web-vitals library sends {name, value, rating, delta, id, navigationType}
 * without a type: recognise it. */
static void infer_type(json_t *b)
{
	if (!json_object_get(b, "type") && json_is_string(json_object_get(b, "name")) &&
	    json_is_number(json_object_get(b, "value")) &&
	    vitals_find(json_string_value(json_object_get(b, "name"))))
		json_object_set_new(b, "type", json_string("vital"));
}

/* Props: at most 30 pairs of short strings, numbers or booleans. */
static void check_props(json_t *props, const char *prefix, json_t *errors)
{
	const char *k;
	json_t *v;
	char f[96];
	snprintf(f, sizeof(f), "%s.props", prefix);
	if (!props)
		return;
	if (json_object_size(props) > MAX_PROPS) {
		verr(errors, f, "at most %d pairs", MAX_PROPS);
		return;
	}
	json_object_foreach(props, k, v) {
		if (strlen(k) > 64 || !(json_is_string(v) || json_is_number(v) || json_is_boolean(v)) ||
		    (json_is_string(v) && strlen(json_string_value(v)) > 256))
			verr(errors, f, "%.64s must be a string (at most 256 bytes), number or boolean",
			     k);
	}
}

/* Splits an absolute URL or a path into host and path (query and fragment
 * dropped); the utm_source, if any, into *utm. 0, or -1 if unusable. */
static int split_url(arena_t *a, const char *url, const char **host, const char **path,
		     const char **utm)
{
	const char *p = url, *h = NULL;
	size_t hl = 0;
	if (strncmp(p, "https://", 8) == 0 || strncmp(p, "http://", 7) == 0) {
		h = strchr(p, '/') + 2;
		hl = strcspn(h, "/?#");
		p = h + hl;
		if (hl == 0)
			return -1;
	} else if (*p != '/') {
		return -1;
	}
	size_t pl = strcspn(p, "?#");
	*host = h ? arena_strndup(a, h, hl) : NULL;
	*path = pl ? arena_strndup(a, p, pl) : "/";
	*utm = NULL;
	const char *q = strstr(p, "utm_source=");
	if (q && (q[-1] == '?' || q[-1] == '&'))
		*utm = arena_strndup(a, q + 11, strcspn(q + 11, "&#"));
	if (*host)
		for (char *c = (char *)*host; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c | 0x20);
	return 0;
}

/* Where the visit came from: utm_source, else the referrer's host if it is
 * another site, else "direct". */
static const char *source_of(arena_t *a, const char *utm, const char *referrer, const char *host)
{
	if (utm && *utm)
		return utm;
	const char *rh, *rp, *ru;
	if (referrer && split_url(a, referrer, &rh, &rp, &ru) == 0 && rh &&
	    (!host || strcmp(rh, host) != 0))
		return strncmp(rh, "www.", 4) == 0 ? rh + 4 : rh;
	return "direct";
}

enum beacon_fate { BEACON_STORED, BEACON_SUPERSEDED, BEACON_DROPPED, BEACON_INVALID };

/* Whether a later beacon of the batch reports the same vital of the same page
 * load (name and id) with a value that will be stored. The web-vitals library
 * reports CLS and INP again as they change, and a page load counts with its
 * last report; rows of one COPY share their timestamp, so the order within a
 * batch is settled here (report_events() in sql/012_vitals_dedup.sql orders
 * the batches). */
static int superseded(json_t *list, size_t i)
{
	json_t *b = json_array_get(list, i);
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *id = json_string_value(json_object_get(b, "id"));
	for (size_t j = i + 1; id && j < json_array_size(list); j++) {
		json_t *o = json_array_get(list, j);
		const char *type = json_string_value(json_object_get(o, "type"));
		const char *oname = json_string_value(json_object_get(o, "name"));
		const char *oid = json_string_value(json_object_get(o, "id"));
		const vital_def_t *v = oname ? vitals_find(oname) : NULL;
		if (v && oid && (!type || strcmp(type, "vital") == 0) && strcmp(oname, name) == 0 &&
		    strcmp(oid, id) == 0 &&
		    vitals_plausible(v, json_number_value(json_object_get(o, "value"))))
			return 1;
	}
	return 0;
}

/* Text of a JSON number or string field for COPY, NULL when absent. 15
 * significant digits (DBL_DIG) give back the decimal the client sent. */
static const char *text_of(arena_t *a, json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return arena_printf(a, "%.15g", json_real_value(v));
	return NULL;
}

/* Validates beacon i of `list`; a valid one is appended to `copy` as a COPY
 * line (after `lead`, the columns every row of the batch shares). */
static enum beacon_fate beacon_row(req_t *r, json_t *list, size_t i, const char *lead,
				   const char *tail, buf_t *copy, json_t *errors)
{
	json_t *b = json_array_get(list, i);
	char prefix[24];
	snprintf(prefix, sizeof(prefix), "[%zu]", i);
	if (!json_is_object(b)) {
		verr(errors, prefix, "must be an object");
		return BEACON_INVALID;
	}
	infer_type(b);
	if (!json_object_get(b, "url") && req_param(r, "HTTP_REFERER"))
		json_object_set_new(b, "url", json_string(req_param(r, "HTTP_REFERER")));
	if (validate(b, common_rules, 3, prefix, errors))
		return BEACON_INVALID;
	const char *kind = json_string_value(json_object_get(b, "type"));
	for (size_t k = 0; k < sizeof(kind_rules) / sizeof(kind_rules[0]); k++)
		if (strcmp(kind, kind_rules[k].when) == 0 &&
		    validate(b, kind_rules[k].rules, kind_rules[k].n, prefix, errors))
			return BEACON_INVALID;
	json_t *props = json_object_get(b, "props");
	if (strcmp(kind, "event") == 0)
		check_props(props, prefix, errors);
	const char *host, *path, *utm, *ref = json_string_value(json_object_get(b, "referrer"));
	if (split_url(r->arena, json_string_value(json_object_get(b, "url")), &host, &path, &utm)) {
		char f[40];
		snprintf(f, sizeof(f), "%s.url", prefix);
		verr(errors, f, "must be an absolute http(s) URL or a path starting with /");
		return BEACON_INVALID;
	}
	json_t *value = json_object_get(b, "value"), *scroll = json_object_get(b, "scroll_pct");
	if (strcmp(kind, "vital") == 0 &&
	    !vitals_plausible(vitals_find(json_string_value(json_object_get(b, "name"))),
			      json_number_value(value)))
		return BEACON_DROPPED;  /* impossible timing (> 60 s) or CLS > 100 */
	if (json_array_size(errors))
		return BEACON_INVALID;  /* the batch is refused: no need to format */
	if (strcmp(kind, "vital") == 0 && superseded(list, i))
		return BEACON_SUPERSEDED;
	char *props_text = props ? json_dumps(props, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	if (props_text)
		arena_cleanup(r->arena, free, props_text);
	const char *cols[] = {kind, host, path, ref, source_of(r->arena, utm, ref, host),
		text_of(r->arena, json_object_get(b, "name")), text_of(r->arena, value),
		text_of(r->arena, json_object_get(b, "rating")),
		text_of(r->arena, json_object_get(b, "navigationType")),
		text_of(r->arena, json_object_get(b, "id")),
		text_of(r->arena, json_object_get(b, "engaged_ms")),
		scroll ? arena_printf(r->arena, "%ld", lround(json_number_value(scroll))) : NULL,
		props_text};
	buf_adds(copy, lead);
	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		db_copy_field(copy, cols[k], '\t');
	event_dims(r, json_string_value(json_object_get(b, "url")), ref, host, copy);
	buf_adds(copy, tail);
	return BEACON_STORED;
}

/* HMAC(salt of today, site \n ip \n ua) folded to a positive int64. The salt
 * is fetched once a day per worker. */
static int visitor_id(req_t *r, char out[24])
{
	static unsigned char salt[64];
	static size_t salt_len;
	static char salt_day[16];
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (strcmp(today, salt_day) != 0) {
		PGresult *res = db_run(r->arena, &q_salt, 0, NULL);
		if (!res)
			return -1;
		size_t n;
		unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0), &n);
		if (!raw)
			return -1;
		salt_len = n < sizeof(salt) ? n : sizeof(salt);
		memcpy(salt, raw, salt_len);
		PQfreemem(raw);
		snprintf(salt_day, sizeof(salt_day), "%s", PQgetvalue(res, 0, 1));
	}
	char *msg = arena_printf(r->arena, "%lld\n%s\n%s", (long long)r->who.id,
				 r->remote_addr ? r->remote_addr : "", r->user_agent ? r->user_agent : "");
	unsigned char mac[32];
	if (!msg)
		return -1;
	crypto_hmac_sha256(salt, salt_len, msg, strlen(msg), mac);
	unsigned long long v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | mac[i];
	snprintf(out, 24, "%lld", (long long)(v >> 1));
	return 0;
}

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
		return reply_json(r, 202, arena_json(r->arena, json_pack("{s:i, s:I, s:s}",
			"accepted", 0, "dropped", (json_int_t)json_array_size(list), "reason", "bot")));
	/* every row shares site and visitor before, device and browser after */
	char vid[24];
	if (visitor_id(r, vid) < 0)
		return db_fail(r);
	buf_t lead, tail, copy;
	buf_init(&lead, 256);
	buf_init(&tail, 256);
	buf_init(&copy, 4 * cfg.body_limit);
	buf_printf(&lead, "%lld\t%s\t", (long long)r->who.id, vid);
	db_copy_field(&tail, ua_device(r->user_agent), '\t');
	db_copy_field(&tail, ua_browser(r->user_agent), '\n');
	size_t stored = 0, accepted = 0, dropped = 0;
	for (size_t i = 0; i < json_array_size(list); i++) {
		enum beacon_fate f = beacon_row(r, list, i, lead.data, tail.data, &copy, errors);
		stored += f == BEACON_STORED;
		accepted += f == BEACON_STORED || f == BEACON_SUPERSEDED;
		dropped += f == BEACON_DROPPED;
	}
	int rc = 0;
	if (json_array_size(errors))
		rc = reply_invalid(r, json_incref(errors));
	else if (copy.oom || lead.oom || tail.oom)
		rc = reply_problem(r, 500, "out of memory while preparing the batch", NULL);
	else if (stored && db_copy_in(q_copy, copy.data, copy.len) < 0)
		rc = db_fail(r);
	else
		rc = reply_json(r, 202, arena_json(r->arena, json_pack("{s:I, s:I}",
			"accepted", (json_int_t)accepted, "dropped", (json_int_t)dropped)));
	buf_free(&lead);
	buf_free(&tail);
	buf_free(&copy);
	return rc;
}

/* One statement, one round trip: vitals per (page, vital) and per vital over
 * all pages, each page load once with its last report (report_events(),
 * sql/012_vitals_dedup.sql); engagement per page and overall; pageviews per
 * page. The vital thresholds come from analysis/vitals.c as arrays ($4..$7). */
static const db_stmt_t q_metrics = {"ux_metrics",
	"WITH t(name, good, poor, maxv) AS ("
	"  SELECT * FROM unnest($4::text[], $5::float8[], $6::float8[], $7::float8[])),"
	" ev AS NOT MATERIALIZED (SELECT e.* FROM report_events($1::date::timestamp AT TIME ZONE $3,"
	"    ($2::date + 1)::timestamp AT TIME ZONE $3) e"
	"  WHERE ($8::text IS NULL OR e.device = $8) AND ($9::text IS NULL OR e.path = $9)"
	"    AND ($10::text IS NULL OR e.site_id = (SELECT id FROM sites WHERE domain = $10)))"
	" SELECT 'vital', e.path, e.name, count(*),"
	"  percentile_cont(0.75) WITHIN GROUP (ORDER BY e.value), NULL::float8,"
	"  count(*) FILTER (WHERE e.value <= t.good),"
	"  count(*) FILTER (WHERE e.value > t.good AND e.value <= t.poor),"
	"  count(*) FILTER (WHERE e.value > t.poor), NULL::bigint"
	" FROM ev e JOIN t ON t.name = e.name"
	" WHERE e.kind = 'vital' AND e.value >= 0 AND e.value <= t.maxv"
	" GROUP BY GROUPING SETS ((e.path, e.name), (e.name))"
	" UNION ALL"
	" SELECT 'engagement', e.path, NULL, count(*),"
	"  percentile_cont(0.5) WITHIN GROUP (ORDER BY e.engaged_ms),"
	"  percentile_cont(0.75) WITHIN GROUP (ORDER BY e.engaged_ms),"
	"  count(*) FILTER (WHERE e.scroll_pct < 25),"
	"  count(*) FILTER (WHERE e.scroll_pct >= 25 AND e.scroll_pct < 50),"
	"  count(*) FILTER (WHERE e.scroll_pct >= 50 AND e.scroll_pct < 75),"
	"  count(*) FILTER (WHERE e.scroll_pct >= 75)"
	" FROM ev e WHERE e.kind = 'engagement' GROUP BY GROUPING SETS ((e.path), ())"
	" UNION ALL"
	" SELECT 'views', e.path, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL"
	" FROM ev e WHERE e.kind = 'pageview' GROUP BY e.path"};

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
	"SELECT events_stamp($1, $2) || '.' || (SELECT last_value FROM data_version_sites)"};

static const char *const device_filter[] = {"all", "mobile", "tablet", "desktop", NULL};
static const vrule_t metrics_query[] = {
	RANGE_RULES,
	{"device", V_STRING, 0, 0, 0, device_filter, NULL},
	{"path", V_STRING, 0, 1, 2048, NULL, NULL},
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
};
static void metrics_check(req_t *r, json_t *errors)
{
	range_t rg;
	const char *path = req_query(r, "path"), *site = req_query(r, "site");
	range_parse(r, &rg, errors);
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
	range_parse(r, &rg, errors);     /* checked by the router: metrics_check */
	if (device && !strcmp(device, "all"))
		device = NULL;
	const char *stamp[] = {rg.to, rg.tz};
	if (cache_serve_with(r, &q_ux_stamp, 2, stamp))
		return 0;

	const char *p[] = {rg.from, rg.to, rg.tz, vitals_array_literal(VITALS_NAME),
			   vitals_array_literal(VITALS_GOOD), vitals_array_literal(VITALS_POOR),
			   vitals_array_literal(VITALS_MAX), device, path, site};
	PGresult *res = db_run(r->arena, &q_metrics, 10, p);
	if (!res)
		return db_fail(r);
	json_t *pages = arena_json(r->arena, json_object());
	json_t *overall = arena_json(r->arena, json_pack("{s:{}, s:n}", "vitals", "engagement"));
	long long samples = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *section = db_get(res, i, 0);
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
	json_t *j = arena_json(r->arena, json_pack("{s:o, s:s, s:s?, s:i, s:I, s:o, s:O, s:o}",
		"range", range_json_new(&rg), "device", device ? device : "all", "site", site,
		"min_samples", VITALS_MIN_SAMPLES, "n", (json_int_t)samples, "thresholds", thresholds,
		"overall", overall, "pages", page_list(pages)));
	return reply_json(r, 200, j);
}
