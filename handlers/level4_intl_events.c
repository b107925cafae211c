/* level4_intl_events.c - #40 POST /api/level4/intl-local/events and #41 GET
 * /api/level4/intl-local/events-report.
 *
 * events: a batch of local events upserted on their `key`, all or none. A
 * time without an offset is the wall clock of `time_zone` (default
 * Europe/Berlin; analysis/local.c knows the EU daylight saving rule): the
 * spring hour that does not exist is refused, the autumn hour that happens
 * twice is read as summer time with a warning, an offset that is not the
 * zone's on that date is refused (+01:00 in July). start must lie before
 * end. The attendance mode decides the location: offline a Place with a
 * postal address, online a VirtualLocation, mixed both; an event moved
 * online needs its URL; a rescheduled one its previous start. The Event
 * JSON-LD (eventStatus, eventAttendanceMode, offers, organizer, performer)
 * is checked against Google's required and recommended properties
 * (local_event_check) and analysis/jsonld; its state is ok, warnings or
 * errors. One statement stores the batch with a `local_event.upserted`
 * event per changed event.
 *
 * events-report: upcoming (not yet ended) and past events with their
 * state; what is upcoming is decided at the time of the request (the cache
 * stamp carries the minute). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "jsonld.h"
#include "local.h"
#include "router.h"

#define EVENTS_MAX 100
#define ISO_MAX 40

static const char *const modes[] = {"offline", "online", "mixed", NULL};
static const char *const statuses[] = {"scheduled", "cancelled", "postponed", "rescheduled",
	"moved_online", NULL};
static const char *const availabilities[] = {"InStock", "SoldOut", "PreOrder", "LimitedAvailability",
	NULL};
static const char *const countries[] = {"DE", "AT", "CH", NULL};
/* schema.org names of the modes and statuses, in the order of the tables above */
static const char *const mode_iri[] = {"https://schema.org/OfflineEventAttendanceMode",
	"https://schema.org/OnlineEventAttendanceMode", "https://schema.org/MixedEventAttendanceMode"};
static const char *const status_iri[] = {"https://schema.org/EventScheduled",
	"https://schema.org/EventCancelled", "https://schema.org/EventPostponed",
	"https://schema.org/EventRescheduled", "https://schema.org/EventMovedOnline"};

static const vrule_t place_rules[] = {
	{"name", V_STRING, 1, 1, 200, NULL, NULL},
	{"street", V_STRING, 1, 1, 200, NULL, NULL},
	{"postal_code", V_STRING, 1, 1, 12, NULL, NULL},
	{"city", V_STRING, 1, 1, 100, NULL, NULL},
	{"country", V_STRING, 1, 0, 0, countries, NULL},
};
static const vschema_t place_schema = {"EventPlace", VRULES(place_rules), NULL, 0, 0};
static const vrule_t offer_rules[] = {
	{"price", V_NUMBER, 1, 0, 1e6, NULL, NULL},
	{"currency", V_STRING, 0, 3, 3, NULL, NULL},        /* ISO 4217, default EUR */
	{"url", V_URL, 0, 1, 2000, NULL, NULL},
	{"availability", V_STRING, 0, 0, 0, availabilities, NULL},
	{"valid_from", V_STRING, 0, 10, 40, NULL, NULL},
};
static const vschema_t offer_schema = {"EventOffer", VRULES(offer_rules), NULL, 0, 0};
static const vrule_t party_rules[] = {
	{"name", V_STRING, 1, 1, 200, NULL, NULL},
	{"url", V_URL, 0, 1, 2000, NULL, NULL},
};
static const vschema_t party_schema = {"EventParty", VRULES(party_rules), NULL, 0, 0};
static const vrule_t organizer_rules[] = {
	{"name", V_STRING, 1, 1, 200, NULL, NULL},
	{"url", V_URL, 0, 1, 2000, NULL, NULL},
	{"logo", V_URL, 0, 1, 2000, NULL, NULL},
};
static const vschema_t organizer_schema = {"EventOrganizer", VRULES(organizer_rules), NULL, 0, 0};
static const vrule_t event_rules[] = {
	{"key", V_STRING, 1, 1, 100, NULL, NULL},
	{"name", V_STRING, 1, 1, 300, NULL, NULL},
	{"description", V_STRING, 0, 1, 5000, NULL, NULL},
	{"start", V_STRING, 1, 16, 40, NULL, NULL},         /* "2026-05-14T18:00" */
	{"end", V_STRING, 0, 16, 40, NULL, NULL},
	{"time_zone", V_STRING, 0, 3, 40, NULL, NULL},      /* default Europe/Berlin */
	{"attendance_mode", V_STRING, 0, 0, 0, modes, NULL},
	{"status", V_STRING, 0, 0, 0, statuses, NULL},
	{"previous_start", V_STRING, 0, 16, 40, NULL, NULL},
	{"location", V_OBJECT, 0, 0, 0, NULL, &place_schema},
	{"online_url", V_URL, 0, 1, 2000, NULL, NULL},
	{"url", V_URL, 0, 1, 2000, NULL, NULL},
	{"image", V_URL, 0, 1, 2000, NULL, NULL},
	{"offers", V_ARRAY, 0, 0, 20, NULL, &offer_schema},
	{"organizer", V_OBJECT, 0, 0, 0, NULL, &organizer_schema},
	{"performer", V_OBJECT, 0, 0, 0, NULL, &party_schema},
};
static const vschema_t event_schema = {"LocalEvent", VRULES(event_rules), NULL, 0, 0};
static const vrule_t body_rules[] = {
	{"events", V_ARRAY, 1, 1, EVENTS_MAX, NULL, &event_schema},
};
static const vschema_t body_schema = {"LocalEvents", VRULES(body_rules), NULL, 0, 0};
const api_op_t op_local_events = {NULL, 0, &body_schema,
	"{\"events\": [{\"key\": \"infoabend-berlin-2026-05\", \"name\": \"Infoabend Photovoltaik "
	"und Speicher\", \"start\": \"2026-05-14T18:00\", \"end\": \"2026-05-14T20:00\", "
	"\"attendance_mode\": \"offline\", \"location\": {\"name\": \"ZOE Solar Berlin\", "
	"\"street\": \"Musterstraße 1\", \"postal_code\": \"10115\", \"city\": \"Berlin\", "
	"\"country\": \"DE\"}, \"offers\": [{\"price\": 0, \"currency\": \"EUR\"}], "
	"\"organizer\": {\"name\": \"ZOE Solar GmbH\", \"url\": \"https://zoe-solar.de\"}}]}",
	0, NULL};

/* One event, checked. */
typedef struct event {
	const char *key, *name, *zone, *city;
	int mode, status;       /* indexes into modes[] and statuses[] */
	long long start, end;   /* end -1: none */
	char start_iso[ISO_MAX], end_iso[ISO_MAX], prev_iso[ISO_MAX];
	json_t *warnings;
} event_t;

static int index_of(const char *const *names, const char *s, int dflt)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return dflt;
}

static void note(json_t *list, const char *path, const char *msg)
{
	json_array_append_new(list, json_pack("{s:s, s:s}", "path", path, "message", msg));
}

/* A time field: *t and iso, or an error naming p.name; 0/-1. */
static int read_time(json_t *ev, const char *name, event_t *e, long long *t, char *iso,
		     arena_t *a, const char *p, json_t *errors)
{
	const char *s = json_string_value(json_object_get(ev, name));
	char why[200];
	int rc = local_event_time(s, e->zone, t, iso, ISO_MAX, why, sizeof why);
	if (rc < 0) {
		verr(errors, arena_printf(a, "%s.%s", p, name), "%s", why);
		return -1;
	}
	if (rc == 1)
		note(e->warnings, arena_printf(a, "$.%s", name), arena_printf(a, "%s falls in the "
		     "hour that happens twice when clocks go back: read as summer time (%s); send "
		     "the offset to mean the other", s, iso));
	return 0;
}

/* Mode, status and location agree; errors named p.field. */
static void check_modes(json_t *ev, event_t *e, arena_t *a, const char *p, json_t *errors)
{
	json_t *loc = json_object_get(ev, "location");
	const char *online = json_string_value(json_object_get(ev, "online_url"));
	const char *why;
	char pc[16];
	if (e->mode != 1 && !json_is_object(loc))
		verr(errors, arena_printf(a, "%s.location", p), "%s needs its place "
		     "{name, street, postal_code, city, country}", e->mode ? "a mixed event" :
		     "an offline event");
	if ((e->mode != 0 || e->status == 4) && !online)
		verr(errors, arena_printf(a, "%s.online_url", p), "an online, mixed or moved-online "
		     "event needs the URL where it is streamed");
	if (e->status == 4 && e->mode == 0)
		verr(errors, arena_printf(a, "%s.attendance_mode", p), "an event moved online is "
		     "online or mixed, not offline");
	if (json_is_object(loc) && local_postal_code(json_string_value(json_object_get(loc,
	    "postal_code")), json_string_value(json_object_get(loc, "country")), pc, sizeof pc,
	    &why) < 0)
		verr(errors, arena_printf(a, "%s.location.postal_code", p), "%s", why);
	e->city = json_string_value(json_object_get(loc, "city"));
}

/* Checks events[i] into e; errors named events[i].field. */
static void check_event(json_t *ev, size_t i, event_t *e, arena_t *a, json_t *errors)
{
	const char *p = arena_printf(a, "events[%zu]", i);
	size_t before = json_array_size(errors), k;
	json_t *o;
	memset(e, 0, sizeof *e);
	e->warnings = arena_json(a, json_array());
	if (!json_is_object(ev)) {
		verr(errors, p, "must be an object");
		return;
	}
	validate(ev, VRULES(event_rules), p, errors);
	const char *objs[] = {"location", "organizer", "performer"};
	const vschema_t *sch[] = {&place_schema, &organizer_schema, &party_schema};
	for (k = 0; k < 3; k++)
		if (json_is_object(json_object_get(ev, objs[k])))
			validate(json_object_get(ev, objs[k]), sch[k]->fields, sch[k]->n,
				 arena_printf(a, "%s.%s", p, objs[k]), errors);
	json_array_foreach(json_object_get(ev, "offers"), k, o)
		if (!json_is_object(o))
			verr(errors, arena_printf(a, "%s.offers[%zu]", p, k), "must be an object");
		else if (validate(o, VRULES(offer_rules), arena_printf(a, "%s.offers[%zu]", p, k),
				  errors) == 0 && json_object_get(o, "valid_from") &&
			 !jsonld_is_iso8601(json_string_value(json_object_get(o, "valid_from"))))
			verr(errors, arena_printf(a, "%s.offers[%zu].valid_from", p, k), "must be an "
			     "ISO 8601 date or date-time");
	e->zone = json_string_value(json_object_get(ev, "time_zone"));
	if (!e->zone)
		e->zone = "Europe/Berlin";
	else if (!local_zone_known(e->zone))
		verr(errors, arena_printf(a, "%s.time_zone", p), "must be Europe/Berlin, "
		     "Europe/Vienna, Europe/Zurich (or another zone of Central European time) or UTC");
	if (json_array_size(errors) > before)
		return;
	e->key = json_string_value(json_object_get(ev, "key"));
	e->name = json_string_value(json_object_get(ev, "name"));
	e->mode = index_of(modes, json_string_value(json_object_get(ev, "attendance_mode")), 0);
	e->status = index_of(statuses, json_string_value(json_object_get(ev, "status")), 0);
	e->end = -1;
	long long prev;
	int ok = read_time(ev, "start", e, &e->start, e->start_iso, a, p, errors) == 0;
	if (json_is_string(json_object_get(ev, "end")) &&
	    read_time(ev, "end", e, &e->end, e->end_iso, a, p, errors) == 0 && ok &&
	    e->end <= e->start)
		verr(errors, arena_printf(a, "%s.end", p), "must lie after start (%s)", e->start_iso);
	if (e->status == 3 && !json_is_string(json_object_get(ev, "previous_start")))
		verr(errors, arena_printf(a, "%s.previous_start", p), "a rescheduled event names "
		     "the start it had before");
	else if (e->status != 3 && json_is_string(json_object_get(ev, "previous_start")))
		verr(errors, arena_printf(a, "%s.previous_start", p), "belongs to status "
		     "\"rescheduled\" only");
	else if (e->status == 3)
		read_time(ev, "previous_start", e, &prev, e->prev_iso, a, p, errors);
	check_modes(ev, e, a, p, errors);
}

/* ---- markup ------------------------------------------------------------------------- */

static json_t *place_new(json_t *loc)
{
	return json_pack("{s:s, s:O, s:{s:s, s:O, s:O, s:O, s:O}}", "@type", "Place", "name",
		json_object_get(loc, "name"), "address", "@type", "PostalAddress", "streetAddress",
		json_object_get(loc, "street"), "postalCode", json_object_get(loc, "postal_code"),
		"addressLocality", json_object_get(loc, "city"), "addressCountry",
		json_object_get(loc, "country"));
}

static json_t *offers_new(json_t *list)
{
	json_t *out = json_array(), *o;
	size_t i;
	json_array_foreach(list, i, o) {
		const char *cur = json_string_value(json_object_get(o, "currency"));
		const char *av = json_string_value(json_object_get(o, "availability"));
		json_t *n = json_pack("{s:s, s:O, s:s, s:O*, s:O*}", "@type", "Offer", "price",
			json_object_get(o, "price"), "priceCurrency", cur ? cur : "EUR", "url",
			json_object_get(o, "url"), "validFrom", json_object_get(o, "valid_from"));
		if (n && av)
			json_object_set_new(n, "availability", json_sprintf("https://schema.org/%s", av));
		json_array_append_new(out, n);
	}
	return out;
}

static json_t *party_new(json_t *p, const char *type)
{
	return json_is_object(p) ? json_pack("{s:s, s:O, s:O*}", "@type", type, "name", json_object_get(p, "name"),
			     "url", json_object_get(p, "url")) : NULL;
}

/* The Event node of a checked event. */
static json_t *markup_new(json_t *ev, const event_t *e)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "@context", JSONLD_CONTEXT,
		"@type", "Event", "name", e->name, "startDate", e->start_iso, "eventStatus",
		status_iri[e->status], "eventAttendanceMode", mode_iri[e->mode]);
	if (!m)
		return NULL;
	if (e->end >= 0)
		json_object_set_new(m, "endDate", json_string(e->end_iso));
	if (e->status == 3)
		json_object_set_new(m, "previousStartDate", json_string(e->prev_iso));
	const char *text[][2] = {{"description", "description"}, {"url", "url"}, {"image", "image"}};
	for (size_t i = 0; i < 3; i++)
		if (json_is_string(json_object_get(ev, text[i][0])))
			json_object_set(m, text[i][1], json_object_get(ev, text[i][0]));
	json_t *place = e->mode != 1 ? place_new(json_object_get(ev, "location")) : NULL;
	json_t *virt = e->mode != 0 || e->status == 4 ? json_pack("{s:s, s:O}", "@type",
		"VirtualLocation", "url", json_object_get(ev, "online_url")) : NULL;
	if (place && virt)
		json_object_set_new(m, "location", json_pack("[o, o]", place, virt));
	else if (place || virt)
		json_object_set_new(m, "location", place ? place : virt);
	if (json_array_size(json_object_get(ev, "offers")))
		json_object_set_new(m, "offers", offers_new(json_object_get(ev, "offers")));
	json_t *org = party_new(json_object_get(ev, "organizer"), "Organization");
	json_t *logo = json_object_get(json_object_get(ev, "organizer"), "logo");
	if (org && json_is_string(logo))
		json_object_set(org, "logo", logo);
	json_t *perf = party_new(json_object_get(ev, "performer"), "Person");
	if (org)
		json_object_set_new(m, "organizer", org);
	if (perf)
		json_object_set_new(m, "performer", perf);
	return m;
}

/* The verdict of the markup: errors, warnings (with e's) and state. */
static json_t *verdict_new(json_t *m, const event_t *e)
{
	json_t *v = jsonld_validate_new(m);
	json_t *errors = json_object_get(v, "errors"), *warnings = json_object_get(v, "warnings");
	if (!v)
		return NULL;
	local_event_check(m, errors, warnings);
	json_array_extend(warnings, e->warnings);
	json_object_set_new(v, "state", json_string(json_array_size(errors) ? "errors" :
		json_array_size(warnings) ? "warnings" : "ok"));
	return v;
}

/* ---- storage -------------------------------------------------------------------------- */

#define EV_COLUMNS "key, name, start_at, end_at, time_zone, status, attendance_mode, city, state," \
	" errors, warnings, jsonld"
static const db_stmt_t q_upsert = {"local_events_upsert",
	"WITH rows AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(key text, name text,"
	"  start_at timestamptz, end_at timestamptz, time_zone text, status text,"
	"  attendance_mode text, city text, state text, errors jsonb, warnings jsonb, jsonld jsonb)),"
	" up AS (INSERT INTO local_events AS e (" EV_COLUMNS ") SELECT " EV_COLUMNS " FROM rows"
	"  ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, start_at = EXCLUDED.start_at,"
	"   end_at = EXCLUDED.end_at, time_zone = EXCLUDED.time_zone, status = EXCLUDED.status,"
	"   attendance_mode = EXCLUDED.attendance_mode, city = EXCLUDED.city,"
	"   state = EXCLUDED.state, errors = EXCLUDED.errors, warnings = EXCLUDED.warnings,"
	"   jsonld = EXCLUDED.jsonld, updated_at = now()"
	"  WHERE (e.name, e.start_at, e.end_at, e.time_zone, e.status, e.attendance_mode, e.city,"
	"   e.state, e.errors, e.warnings, e.jsonld) IS DISTINCT FROM (EXCLUDED.name,"
	"   EXCLUDED.start_at, EXCLUDED.end_at, EXCLUDED.time_zone, EXCLUDED.status,"
	"   EXCLUDED.attendance_mode, EXCLUDED.city, EXCLUDED.state, EXCLUDED.errors,"
	"   EXCLUDED.warnings, EXCLUDED.jsonld)"
	"  RETURNING e.id, e.key, (e.xmax = 0) AS inserted),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'local_event.upserted',"
	"  jsonb_build_object('id', id, 'key', key, 'status', CASE WHEN inserted THEN 'inserted'"
	"  ELSE 'updated' END, 'by', $2::text) FROM up RETURNING id)"
	" SELECT r.key, coalesce(u.id, x.id), CASE WHEN u.inserted THEN 'inserted'"
	"  WHEN u.id IS NOT NULL THEN 'updated' ELSE 'unchanged' END, (SELECT count(*) FROM ev)"
	" FROM rows r LEFT JOIN up u ON u.key = r.key LEFT JOIN local_events x ON x.key = r.key"};

static json_t *row_new(const event_t *e, json_t *m, json_t *v)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s?, s:O, s:O, s:O, s:O}", "key",
		e->key, "name", e->name, "start_at", e->start_iso, "end_at", e->end >= 0 ?
		e->end_iso : NULL, "time_zone", e->zone, "status", statuses[e->status],
		"attendance_mode", modes[e->mode], "city", e->city, "state",
		json_object_get(v, "state"), "errors", json_object_get(v, "errors"), "warnings",
		json_object_get(v, "warnings"), "jsonld", m);
}

/* Checks and stores a body of events; its reply into *out (owned by a).
 * 0, 422 (errors named), 500 out of memory, -1 database error. */
int local_events_apply(arena_t *a, json_t *body, const char *who, json_t *errors, json_t **out)
{
	json_t *list = json_object_get(body, "events");
	size_t n = json_array_size(list);
	event_t *e = arena_calloc(a, n ? n : 1, sizeof *e);
	if (!e)
		return 500;
	validate(body, VRULES(body_rules), "", errors);
	for (size_t i = 0; n <= EVENTS_MAX && i < n; i++) {
		check_event(json_array_get(list, i), i, &e[i], a, errors);
		for (size_t j = 0; j < i && e[i].key; j++)
			if (e[j].key && strcmp(e[i].key, e[j].key) == 0)
				verr(errors, arena_printf(a, "events[%zu].key", i), "repeats "
				     "events[%zu].key", j);
	}
	if (json_array_size(errors))
		return 422;
	json_t *rows = arena_json(a, json_array()), *items = arena_json(a, json_array());
	for (size_t i = 0; rows && items && i < n; i++) {
		json_t *m = arena_json(a, markup_new(json_array_get(list, i), &e[i]));
		json_t *v = m ? arena_json(a, verdict_new(m, &e[i])) : NULL;
		if (!v)
			return 500;
		json_array_append_new(rows, row_new(&e[i], m, v));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s?, s:O, s:O, s:O, s:O}", "key",
			e[i].key, "start", e[i].start_iso, "end", e[i].end >= 0 ? e[i].end_iso : NULL,
			"state", json_object_get(v, "state"), "errors", json_object_get(v, "errors"),
			"warnings", json_object_get(v, "warnings"), "jsonld", m));
	}
	char *rows_s = rows ? json_dumps(rows, JSON_COMPACT) : NULL;
	if (!rows_s || arena_cleanup(a, free, rows_s) < 0 || !items) {
		free(rows_s);
		return 500;
	}
	const char *p[] = {rows_s, who};
	PGresult *res = db_run(a, &q_upsert, 2, p);
	if (!res)
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		for (size_t k = 0; k < n; k++)
			if (strcmp(e[k].key, db_get(res, i, 0)) == 0) {
				json_t *it = json_array_get(items, k);
				json_object_set_new(it, "id", json_integer(db_getll(res, i, 1, 0)));
				json_object_set_new(it, "status", json_string(db_get(res, i, 2)));
			}
	*out = arena_json(a, json_pack("{s:i, s:O}", "n", (int)n, "events", items));
	return *out ? 0 : 500;
}

int h_local_events(req_t *r)
{
	return intl_post(r, local_events_apply);
}

/* ---- #41 --------------------------------------------------------------------------------- */

/* $1 items per list. Upcoming: not yet ended (or started, without an end). */
static const db_stmt_t q_report = {"local_events_report",
	"WITH e AS (SELECT *, coalesce(end_at, start_at) >= now() AS upcoming FROM local_events),"
	" items AS (SELECT id, upcoming, start_at, json_build_object('id', id, 'key', key,"
	"  'name', name, 'start', jsonld->>'startDate', 'end', jsonld->>'endDate',"
	"  'time_zone', time_zone, 'status', status, 'attendance_mode', attendance_mode,"
	"  'city', city, 'state', state, 'errors', errors, 'warnings', warnings, 'jsonld', jsonld)"
	"  AS j FROM e)"
	" SELECT json_build_object('n', (SELECT count(*) FROM e),"
	" 'n_upcoming', (SELECT count(*) FROM e WHERE upcoming),"
	" 'n_past', (SELECT count(*) FROM e WHERE NOT upcoming),"
	" 'states', json_build_object('ok', (SELECT count(*) FROM e WHERE state = 'ok'),"
	"   'warnings', (SELECT count(*) FROM e WHERE state = 'warnings'),"
	"   'errors', (SELECT count(*) FROM e WHERE state = 'errors')),"
	" 'upcoming', (SELECT coalesce(json_agg(j ORDER BY start_at, id), '[]') FROM (SELECT * FROM"
	"   items WHERE upcoming ORDER BY start_at, id LIMIT $1::int) u),"
	" 'past', (SELECT coalesce(json_agg(j ORDER BY start_at DESC, id DESC), '[]') FROM (SELECT *"
	"   FROM items WHERE NOT upcoming ORDER BY start_at DESC, id DESC LIMIT $1::int) p),"
	" 'as_of', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"};
/* The data and the minute: an event passes into the past without a write. */
static const db_stmt_t q_events_stamp = {"q_local_events_stamp",
	"SELECT (SELECT last_value FROM data_version_local_events)::text || ':' ||"
	" to_char(now(), 'YYYYMMDDHH24MI')"};

static const vrule_t report_query[] = {
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
};
const api_op_t op_local_events_report = {VRULES(report_query), NULL, NULL, 0, NULL};

int h_local_events_report(req_t *r)
{
	return intl_report(r, &q_events_stamp, &q_report);
}
