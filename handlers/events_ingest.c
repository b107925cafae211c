/* events_ingest.c - validating events and storing a batch with one COPY;
 * see events_ingest.h.
 *
 * The batch grows as COPY text and is sent with COPY FROM STDIN: PostgreSQL
 * then writes a page's rows in one heap insert and one WAL record, where an
 * INSERT ... SELECT FROM unnest() of one array literal per column wrote them
 * row by row and parsed 28 arrays first. A batch costs two round trips (the
 * COPY's start and its rows; the daily salt is read once a day per worker).
 * Rows without a timestamp are sent as 'now', the transaction's start, as
 * now() is: rows of one request share it, so the order of a vital's reports
 * within a batch is settled here (mark_superseded()), between batches by time
 * (report_events() in sql/012_vitals_dedup.sql). */
#include "events_ingest.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "useragent.h"
#include "visits.h"
#include "vitals.h"

#define MAX_PROPS 30
#define FUTURE_SKEW 60          /* seconds a client's clock may run ahead */

static const char *const kinds[] = {"pageview", "engagement", "vital", "event", NULL};
static const char *const vital_names[] = {"LCP", "INP", "CLS", "FCP", "TTFB", NULL};
static const char *const ratings[] = {"good", "needs-improvement", "poor", NULL};

/* A beacon's fields are the first three; #43's events add the rest. */
static const vrule_t event_rules[] = {
	{"type", V_STRING, 1, 0, 0, kinds, NULL},
	{"url", V_STRING, 1, 1, 2048, NULL, NULL},
	{"referrer", V_STRING, 0, 0, 2048, NULL, NULL},
	{"timestamp", V_STRING, 0, 20, 35, NULL, NULL},
	{"ip", V_STRING, 0, 2, 45, NULL, NULL},
	{"user_agent", V_STRING, 0, 1, 1024, NULL, NULL},
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
static const vrule_t custom_rules[] = {
	{"name", V_STRING, 1, 1, 64, NULL, NULL},
	{"props", V_OBJECT, 0, 0, 0, NULL, NULL},
};
static const vpart_t kind_rules[] = {
	{"vital", VRULES(vital_rules)},
	{"engagement", VRULES(engagement_rules)},
	{"event", VRULES(custom_rules)},
};

#define BEACON_FIELDS 3
const vschema_t ingest_beacon_schema = {"Beacon", event_rules, BEACON_FIELDS,
	VRULES(kind_rules), 100};
const vschema_t ingest_event_schema = {"Event", VRULES(event_rules), VRULES(kind_rules), 1000};

/* The batch's rows, in the order add_row writes them. Rows timed before the
 * current hour may lie in hours the rollup job has rolled: a statement in the
 * same transaction names those hours in events_late, which the job reads
 * instead of counting events (sql/048_rollup_late_hours.sql); the list of
 * times is formatted here ("%.6f" numbers only), as COPY takes no parameters
 * and a statement of its own would cost a round trip and an explicit
 * transaction. */
#define COPY_EVENTS "COPY events (site_id, ts, visitor_id, kind, host, path, referrer, source," \
	" name, value, rating, nav_type, metric_id, engaged_ms, scroll_pct, props, device," \
	" browser, revenue, currency, interactive, " EVENT_DIMS_COLUMNS ") FROM STDIN"
#define LATE_HOURS "INSERT INTO events_late (hour)" \
	" SELECT DISTINCT date_trunc('hour', to_timestamp(t)) FROM unnest('%s'::float8[]) t" \
	" WHERE to_timestamp(t) < date_trunc('hour', now()); "

static void release(void *p)
{
	ingest_t *in = p;
	buf_free(&in->rows);
	buf_free(&in->late);
}

ingest_t *ingest_new(req_t *r, enum ingest_mode mode, const char *prefix)
{
	ingest_t *in = arena_calloc(r->arena, 1, sizeof(*in));
	if (!in)
		return NULL;
	in->r = r;
	in->mode = mode;
	in->prefix = prefix;
	in->max_age = 7 * 86400;
	in->errors = arena_json(r->arena, json_array());
	/* the limit the 28 array literals had together */
	buf_init(&in->rows, INGEST_COLS * (4 * cfg.body_limit + 64));
	buf_init(&in->late, 24 * 1000 + 64);
	if (arena_cleanup(r->arena, release, in) < 0) {
		release(in);
		return NULL;
	}
	return in->errors ? in : NULL;
}

/* The web-vitals library sends {name, value, rating, delta, id, navigationType}
 * without a type: recognise it. */
static void infer_type(json_t *b)
{
	if (!json_object_get(b, "type") && json_is_string(json_object_get(b, "name")) &&
	    json_is_number(json_object_get(b, "value")) &&
	    vitals_find(json_string_value(json_object_get(b, "name"))))
		json_object_set_new(b, "type", json_string("vital"));
}

void ingest_check_props(json_t *props, const char *f, json_t *errors)
{
	const char *k;
	json_t *v;
	if (!json_is_object(props))
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

/* The vital event o reports, if it is one whose value will be stored: its
 * name and id into *name and *id. The type may be absent (web-vitals sends
 * none); o need not have been validated yet. */
static int later_vital(json_t *o, const char **name, const char **id)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	const vital_def_t *v;
	*name = json_string_value(json_object_get(o, "name"));
	*id = json_string_value(json_object_get(o, "id"));
	return *name && *id && (!type || strcmp(type, "vital") == 0) &&
	       (v = vitals_find(*name)) != NULL &&
	       vitals_plausible(v, json_number_value(json_object_get(o, "value")));
}

static uint32_t vital_hash(const char *name, const char *id)
{
	uint32_t h = 2166136261u;               /* FNV-1a over name, NUL, id */
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h *= 16777619u;
	for (const char *p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/* Marks in in->sup each event of the batch that a later event reports again:
 * the same vital of the same page load (name and id) with a value that will
 * be stored. The web-vitals library reports CLS and INP again as they change,
 * and a page load counts with its last report. One pass from the end with a
 * hash set of the (name, id) seen later: comparing each vital with every
 * later event cost a batch of 1,000 half a million lookups. Events are
 * changed only as they are taken in turn (infer_type() adds the type a
 * vital may lack, which later_vital() already allows), so the marks taken
 * before the first vital hold for the whole batch. 0/-1 (out of memory). */
static int mark_superseded(ingest_t *in, json_t *list)
{
	size_t n = json_array_size(list), size = 16;
	while (size < 2 * n)
		size *= 2;
	size_t *slot = arena_calloc(in->r->arena, size, sizeof(*slot));   /* index + 1 */
	in->sup = arena_calloc(in->r->arena, n ? n : 1, 1);
	if (!slot || !in->sup)
		return -1;
	in->sup_list = list;
	for (size_t i = n; i-- > 0;) {
		const char *name, *id;
		int later = later_vital(json_array_get(list, i), &name, &id);
		if (!name || !id)
			continue;
		size_t k = vital_hash(name, id) & (size - 1);
		for (; slot[k]; k = (k + 1) & (size - 1)) {
			json_t *s = json_array_get(list, slot[k] - 1);
			if (strcmp(json_string_value(json_object_get(s, "name")), name) == 0 &&
			    strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
				break;
		}
		if (slot[k])
			in->sup[i] = 1;
		else if (later)
			slot[k] = i + 1;
	}
	return 0;
}

/* Text of a JSON number or string, NULL when absent; a number is written
 * into buf (32 bytes), once: arena_printf() formats twice to size its copy.
 * 15 significant digits (DBL_DIG) give back the decimal the client sent. */
static const char *text_of(json_t *v, char *buf)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, 32, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, 32, "%.15g", json_real_value(v));
	else
		return NULL;
	return buf;
}

/* n decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" to Unix seconds; 0/-1. */
static int parse_ts(const char *s, double *out)
{
	struct tm tm = {0};
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
	    s[13] != ':' || s[16] != ':' || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
		return -1;
	const char *p = s + 19;
	double frac = 0, scale = 0.1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac += (*p - '0') * scale;
	long off = 0;
	if ((*p == '+' || *p == '-') && digits(p + 1, 2) >= 0 && p[3] == ':' &&
	    digits(p + 4, 2) >= 0 && p[6] == '\0')
		off = (*p == '-' ? -1 : 1) * (digits(p + 1, 2) * 3600L + digits(p + 4, 2) * 60L);
	else if (strcmp(p, "Z") != 0)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = (double)timegm(&tm) - (double)off + frac;
	return tm.tm_mday == d ? 0 : -1;        /* timegm normalised 31 April: not a date */
}

/* The event's own time into *t: 1, 0 for "now", or -1 after naming a bad
 * timestamp in the errors. */
static int event_time(ingest_t *in, json_t *b, const char *prefix, double *t)
{
	const char *s = json_string_value(json_object_get(b, "timestamp"));
	char f[64];
	double now = (double)time(NULL);
	if (!s)
		return 0;
	snprintf(f, sizeof(f), "%s.timestamp", prefix);
	if (parse_ts(s, t) < 0)
		verr(in->errors, f, "must be an ISO 8601 time with a zone, e.g. 2026-05-04T10:15:00Z");
	else if (*t > now + FUTURE_SKEW)
		verr(in->errors, f, "must not be in the future");
	else if (*t < now - (double)in->max_age)
		verr(in->errors, f, "must not be older than %ld days", in->max_age / 86400);
	else
		return 1;
	return -1;
}

/* Unix seconds as timestamptz text in UTC, rounded to the microsecond (the
 * column's precision); t is after 1970 (event_time checked it). */
static const char *ts_text(arena_t *a, double t)
{
	long long us = llround(t * 1e6);
	time_t sec = (time_t)(us / 1000000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	return arena_printf(a, "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00", tm.tm_year + 1900,
			    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			    us % 1000000);
}

/* The visitor's part of a row, computed when the visitor differs from the
 * last row's; -1 when the salt could not be read. */
static int visitor_of(ingest_t *in, const ingest_src_t *src)
{
	ingest_visitor_t *w = &in->who;
	arena_t *a = in->r->arena;
	if (w->set && w->site_id == src->site_id &&
	    (w->ip == src->ip || (w->ip && src->ip && strcmp(w->ip, src->ip) == 0)) &&
	    (w->ua == src->ua || (w->ua && src->ua && strcmp(w->ua, src->ua) == 0)))
		return 0;
	w->set = 0;
	if (visits_visitor_id_of(a, (long long)src->site_id, src->ip, src->ua, w->vid) < 0)
		return -1;
	w->site_id = src->site_id;
	w->ip = src->ip;
	w->ua = src->ua;
	w->bot = ua_is_bot(src->ua);
	w->device = ua_device(src->ua);
	w->browser = ua_browser(src->ua);
	event_dims_visitor(a, src->ip, src->ua, w->dims);
	w->set = 1;
	return 0;
}

/* Formats event b into one row of the batch, timed *t or now (t NULL); -1
 * when its url is unusable. */
static int add_row(ingest_t *in, json_t *b, const ingest_src_t *src, const double *t,
		   const char *revenue, const char *currency, const char *interactive)
{
	arena_t *a = in->r->arena;
	const char *host, *path, *utm, *ref = json_string_value(json_object_get(b, "referrer"));
	const char *url = json_string_value(json_object_get(b, "url"));
	if (split_url(a, url, &host, &path, &utm) < 0)
		return -1;
	if (visitor_of(in, src) < 0) {
		in->failed = 1;
		return 0;
	}
	json_t *props = json_object_get(b, "props"), *scroll = json_object_get(b, "scroll_pct");
	char *props_text = props ? json_dumps(props, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	if ((props && !props_text) || (props_text && arena_cleanup(a, free, props_text) < 0)) {
		free(props_text);
		in->oom = 1;
		return 0;
	}
	char site[24], num[7][32];       /* the row's numbers, written once */
	snprintf(site, sizeof(site), "%lld", (long long)src->site_id);
	if (scroll)
		snprintf(num[6], sizeof(num[6]), "%ld", lround(json_number_value(scroll)));
	const char *cols[INGEST_COLS] = {site, t ? ts_text(a, *t) : "now", in->who.vid,
		json_string_value(json_object_get(b, "type")), host, path, ref,
		source_of(a, utm, ref, host), text_of(json_object_get(b, "name"), num[0]),
		text_of(json_object_get(b, "value"), num[1]),
		text_of(json_object_get(b, "rating"), num[2]),
		text_of(json_object_get(b, "navigationType"), num[3]),
		text_of(json_object_get(b, "id"), num[4]),
		text_of(json_object_get(b, "engaged_ms"), num[5]), scroll ? num[6] : NULL,
		props_text, in->who.device, in->who.browser, revenue, currency, interactive};
	const char **dims = cols + INGEST_COLS - EVENT_DIMS_N;
	memcpy(dims, in->who.dims, sizeof(in->who.dims));
	event_dims_page(a, url, ref, host, dims);
	for (int c = 0; c < INGEST_COLS; c++)
		db_copy_field(&in->rows, cols[c], c == INGEST_COLS - 1 ? '\n' : '\t');
	if (t)
		buf_printf(&in->late, "%s%.6f", in->late.len ? "," : "{", *t);
	in->stored++;
	in->accepted++;
	return 0;
}

int ingest_row(ingest_t *in, json_t *ev, const ingest_src_t *src, const char *revenue,
	       const char *currency, const char *interactive)
{
	return add_row(in, ev, src, NULL, revenue, currency, interactive);
}

/* The fields an event may carry besides a beacon's, by mode. */
static void check_origin_fields(ingest_t *in, json_t *b, const char *prefix)
{
	static const char *const server_only[] = {"ip", "user_agent"};
	char f[64];
	for (size_t k = 0; k < 2; k++) {
		int has = json_object_get(b, server_only[k]) != NULL;
		snprintf(f, sizeof(f), "%s.%s", prefix, server_only[k]);
		if (in->mode == INGEST_SERVER && !has)
			verr(in->errors, f, "is required with an API key: the visitor's %s",
			     k ? "User-Agent" : "IP address");
		else if (in->mode == INGEST_BROWSER && has)
			verr(in->errors, f, "is taken from the connection with a site key; "
			     "send it with an API key");
	}
}

void ingest_event(ingest_t *in, json_t *list, size_t i, const ingest_src_t *src)
{
	json_t *b = json_array_get(list, i);
	char prefix[48], f[64];
	snprintf(prefix, sizeof(prefix), "%s[%zu]", in->prefix, i);
	if (!json_is_object(b)) {
		verr(in->errors, prefix, "must be an object");
		return;
	}
	infer_type(b);
	if (in->mode == INGEST_BEACON && !json_object_get(b, "url") &&
	    req_param(in->r, "HTTP_REFERER"))
		json_object_set_new(b, "url", json_string(req_param(in->r, "HTTP_REFERER")));
	size_t before = json_array_size(in->errors);
	if (validate(b, event_rules, in->mode == INGEST_BEACON ? BEACON_FIELDS :
		     sizeof(event_rules) / sizeof(event_rules[0]), prefix, in->errors))
		return;
	if (in->mode != INGEST_BEACON)
		check_origin_fields(in, b, prefix);
	const char *kind = json_string_value(json_object_get(b, "type"));
	for (size_t k = 0; k < sizeof(kind_rules) / sizeof(kind_rules[0]); k++)
		if (strcmp(kind, kind_rules[k].when) == 0)
			validate(b, kind_rules[k].rules, kind_rules[k].n, prefix, in->errors);
	snprintf(f, sizeof(f), "%s.props", prefix);
	ingest_check_props(json_object_get(b, "props"), f, in->errors);
	double t;
	int timed = in->mode == INGEST_BEACON ? 0 : event_time(in, b, prefix, &t);
	const char *host, *path, *utm, *url = json_string_value(json_object_get(b, "url"));
	snprintf(f, sizeof(f), "%s.url", prefix);
	if (url && split_url(in->r->arena, url, &host, &path, &utm) < 0)
		verr(in->errors, f, "must be an absolute http(s) URL or a path starting with /");
	if (json_array_size(in->errors) > before)
		return;
	json_t *value = json_object_get(b, "value");
	if (strcmp(kind, "vital") == 0 &&
	    !vitals_plausible(vitals_find(json_string_value(json_object_get(b, "name"))),
			      json_number_value(value))) {
		in->dropped++;          /* impossible timing (> 60 s) or CLS > 100 */
		return;
	}
	if (json_array_size(in->errors))
		return;                 /* the batch is refused: no need to format */
	ingest_src_t own = *src;
	if (in->mode == INGEST_SERVER) {
		own.ip = json_string_value(json_object_get(b, "ip"));
		own.ua = json_string_value(json_object_get(b, "user_agent"));
	}
	if (visitor_of(in, &own) < 0) {
		in->failed = 1;
		return;
	}
	if (in->who.bot) {
		in->dropped++;
		return;
	}
	if (strcmp(kind, "vital") == 0) {
		if (in->sup_list != list && mark_superseded(in, list) < 0) {
			in->oom = 1;
			return;
		}
		if (in->sup[i]) {
			in->accepted++;
			return;
		}
	}
	add_row(in, b, &own, timed > 0 ? &t : NULL, NULL, NULL, NULL);   /* url checked above */
}

int ingest_reply_dropped(req_t *r, size_t n, const char *reason)
{
	return reply_json(r, 202, arena_json(r->arena, json_pack("{s:i, s:I, s:s}",
		"accepted", 0, "dropped", (json_int_t)n, "reason", reason)));
}

int ingest_finish(ingest_t *in)
{
	req_t *r = in->r;
	int oom = in->oom || in->rows.oom || in->late.oom || (in->late.len && buf_add(&in->late, "}", 1) < 0);
	if (json_array_size(in->errors))
		return reply_invalid(r, json_incref(in->errors));
	const char *sql = in->late.len ? arena_printf(r->arena, LATE_HOURS COPY_EVENTS,
						      in->late.data) : COPY_EVENTS;
	if (oom || !sql)
		return reply_problem(r, 500, "out of memory while preparing the batch", NULL);
	/* the late hours' statement and the COPY are one query string: one
	 * implicit transaction, so the hours commit with the rows */
	if (in->failed || (in->stored && db_copy_in(sql, in->rows.data, in->rows.len) < 0))
		return db_fail(r);
	return reply_json(r, 202, arena_json(r->arena, json_pack("{s:I, s:I}",
		"accepted", (json_int_t)in->accepted, "dropped", (json_int_t)in->dropped)));
}
