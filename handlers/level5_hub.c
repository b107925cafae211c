/* level5_hub.c - the integration hub: #59 POST, #60 GET and #61 DELETE
 * /api/level5/hub/webhooks, #62 GET /api/level5/hub/events, and three
 * operator routes beside them: rotate an endpoint's secret, replay its
 * deliveries from event N, send a test event.
 *
 * webhooks (POST): an https or http URL whose host passes the outbound check
 * (core/netguard.h; ZOE_OUTBOUND_ALLOW allows internal ranges) and the event
 * types it wants ("*" = all; "hub.test" reaches every endpoint anyway). The
 * answer carries the signing secret (whsec_...) once; nothing shows it again.
 * .../{id}/rotate: a new secret; the old one keeps signing too (deliveries
 * carry both signatures) for overlap_seconds (default 24 h, at most 7 days).
 * .../{id}/replay: every event from `from_event` on (in log order) is sent
 * again to this endpoint, in order, and a disabled endpoint is enabled.
 * Deliveries themselves are the job runner's (handlers/hub_delivery.c).
 *
 * events: the event log in its safe order (sql/027_hub.sql explains why it
 * is (transaction, id) and why no event can appear behind a cursor): after=
 * the id of the last event seen (0 = from the start), types= a comma list,
 * limit= up to 1000. next_after is the cursor for the next call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "netguard.h"
#include "router.h"
#include "whsig.h"

#define URL_MAX 2000
#define TYPES_MAX 50
#define TYPE_LEN 100
#define OVERLAP_DEFAULT 86400
#define OVERLAP_MAX (7 * 86400)

/* An event type: lowercase words of [a-z0-9_] joined by dots, or "*". */
static int type_ok(const char *t)
{
	size_t n = strlen(t);
	if (strcmp(t, "*") == 0)
		return 1;
	if (n == 0 || n > TYPE_LEN || t[0] == '.' || t[n - 1] == '.' || strstr(t, ".."))
		return 0;
	return strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789_.") == n;
}

/* The id of path parameter 0 (a positive integer), or -1. */
static long long path_id(req_t *r)
{
	const char *s = r->params[0];
	char *end;
	long long id = s && *s >= '1' && *s <= '9' && strlen(s) <= 18 ? strtoll(s, &end, 10) : -1;
	return id > 0 && *end == '\0' ? id : -1;
}

/* The request body checked against rules; NULL when answered already (400,
 * 415, 422, 500). No body at all counts as {} when `optional`. */
static json_t *checked_body(req_t *r, const vrule_t *rules, size_t n, int optional)
{
	json_t *body = optional && !r->body_len ? arena_json(r->arena, json_object()) : json_body(r);
	json_t *errors = body ? arena_json(r->arena, json_array()) : NULL;
	if (!body || !errors) {
		if (!r->replied)
			reply_problem(r, 500, "out of memory", NULL);
		return NULL;
	}
	if (validate(body, rules, n, "", errors)) {
		reply_invalid(r, json_incref(errors));
		return NULL;
	}
	return body;
}

/* ---- #59 subscribe ---------------------------------------------------------------- */

static const vrule_t subscribe_rules[] = {
	{"url", V_URL, 1, 1, URL_MAX, NULL, NULL},
	{"types", V_ARRAY, 1, 1, TYPES_MAX, NULL, NULL},
	{"description", V_STRING, 0, 0, 200, NULL, NULL},
};
static const vschema_t subscribe_body = {"WebhookSubscribe", VRULES(subscribe_rules), NULL, 0, 0};
const api_op_t op_hub_subscribe = {NULL, 0, &subscribe_body,
	"{\"url\": \"https://crm.example.org/hooks/zoe\", \"types\": [\"recommendation.created\", "
	"\"alert.fired\"], \"description\": \"CRM\"}", 201, NULL};

static int has_error(json_t *errors, const char *field)
{
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e)
		if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
			return 1;
	return 0;
}

/* The types as a PostgreSQL array literal "{a,b}" (checked: no quoting needed). */
static const char *types_literal(req_t *r, json_t *types, json_t *errors)
{
	size_t i, len = 3;
	json_t *t;
	json_array_foreach(types, i, t) {
		const char *s = json_string_value(t);
		if (!s || !type_ok(s)) {
			verr(errors, arena_printf(r->arena, "types[%zu]", i), "must be an event type "
			     "such as \"recommendation.created\" (a-z, 0-9, _ and dots) or \"*\"");
			return NULL;
		}
		len += strlen(s) + 1;
	}
	char *out = arena_alloc(r->arena, len), *p = out;
	if (!out)
		return NULL;
	*p++ = '{';
	json_array_foreach(types, i, t) {
		size_t n = strlen(json_string_value(t));
		memcpy(p, json_string_value(t), n);
		p += n;
		*p++ = i + 1 < json_array_size(types) ? ',' : '}';
	}
	*p = '\0';
	return out;
}

/* $1 url, $2 types, $3 description, $4 secret, $5 who. */
static const db_stmt_t q_subscribe = {"hub_subscribe",
	"WITH w AS (INSERT INTO webhook_endpoints (url, types, description, secret, created_by)"
	"  VALUES ($1, $2::text[], coalesce($3, ''), $4, $5) RETURNING *),"
	" ev AS (INSERT INTO event_log (type, data, aggregate) SELECT 'webhook.endpoint_created',"
	"  jsonb_build_object('id', id, 'url', url, 'types', types, 'by', $5::text),"
	"  'webhook_endpoint:' || id FROM w)"
	" SELECT json_build_object('id', id, 'url', url, 'types', types, 'description',"
	"  description, 'enabled', enabled, 'created_at', to_char(created_at AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))::text FROM w"};

int h_hub_subscribe(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	validate(body, subscribe_rules, sizeof subscribe_rules / sizeof subscribe_rules[0], "", errors);
	const char *url = json_string_value(json_object_get(body, "url"));
	json_t *tj = json_object_get(body, "types");
	const char *types = json_array_size(tj) && json_array_size(tj) <= TYPES_MAX ?
		types_literal(r, tj, errors) : NULL;
	netguard_target_t t;
	char why[256];
	if (url && !has_error(errors, "url") &&
	    netguard_check_url(url, getenv("ZOE_OUTBOUND_ALLOW"), &t, why, sizeof why) < 0)
		verr(errors, "url", "cannot receive webhooks: %s", why);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	char secret[WHSIG_SECRET_LEN];
	if (!types || whsig_secret_new(secret) < 0)
		return reply_problem(r, 500, "out of memory", NULL);
	const char *p[] = {url, types, json_string_value(json_object_get(body, "description")),
		secret, req_actor(r)};
	PGresult *res = db_run(r->arena, &q_subscribe, 5, p);
	if (!res)
		return db_fail(r);
	json_t *out = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	if (!out)
		return reply_problem(r, 500, "out of memory", NULL);
	json_object_set_new(out, "secret", json_string(secret));
	return reply_json(r, 201, out);
}

/* ---- rotate ---------------------------------------------------------------------- */

static const vrule_t rotate_rules[] = {
	{"overlap_seconds", V_INT, 0, 0, OVERLAP_MAX, NULL, NULL},
};
static const vschema_t rotate_body = {"WebhookRotate", VRULES(rotate_rules), NULL, 0, 0};
const api_op_t op_hub_rotate = {NULL, 0, &rotate_body, "{\"overlap_seconds\": 86400}", 0, NULL};

/* $1 id, $2 new secret, $3 overlap seconds, $4 who. */
static const db_stmt_t q_rotate = {"hub_rotate",
	"WITH w AS (UPDATE webhook_endpoints SET prev_secret = secret, secret = $2,"
	"  prev_until = now() + make_interval(secs => $3::int) WHERE id = $1::bigint"
	"  RETURNING id, prev_until),"
	" ev AS (INSERT INTO event_log (type, data, aggregate) SELECT 'webhook.secret_rotated',"
	"  jsonb_build_object('id', id, 'previous_valid_until', prev_until, 'by', $4::text),"
	"  'webhook_endpoint:' || id FROM w)"
	" SELECT to_char(prev_until AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM w"};

int h_hub_rotate(req_t *r)
{
	long long id = path_id(r);
	json_t *body = checked_body(r, rotate_rules, 1, 1);
	if (!body)
		return 0;
	json_t *ov = json_object_get(body, "overlap_seconds");
	char secret[WHSIG_SECRET_LEN];
	const char *p[] = {arena_printf(r->arena, "%lld", id), secret,
		arena_printf(r->arena, "%lld", ov ? (long long)json_integer_value(ov) :
			     (long long)OVERLAP_DEFAULT), req_actor(r)};
	if (id < 0)
		return reply_problem(r, 404, "no such webhook endpoint", NULL);
	if (whsig_secret_new(secret) < 0 || !p[0] || !p[2] || !p[3])
		return reply_problem(r, 500, "out of memory", NULL);
	PGresult *res = db_run(r->arena, &q_rotate, 4, p);
	if (!res)
		return db_fail(r);
	if (PQntuples(res) == 0)
		return reply_problem(r, 404, "no such webhook endpoint", NULL);
	json_t *out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "secret", secret,
				"previous_valid_until", db_get(res, 0, 0));
	return out && arena_json(r->arena, out) ? reply_json(r, 200, out)
		: reply_problem(r, 500, "out of memory", NULL);
}

/* ---- replay ---------------------------------------------------------------------- */

static const vrule_t replay_rules[] = {
	{"from_event", V_INT, 1, 1, 9e15, NULL, NULL},
};
static const vschema_t replay_body = {"WebhookReplay", VRULES(replay_rules), NULL, 0, 0};
const api_op_t op_hub_replay = {NULL, 0, &replay_body, "{\"from_event\": 1}", 202, NULL};

/* $1 endpoint, $2 from event, $3 who. Events from $2 on (in log order) up to
 * where the dispatcher stands become pending again (attempts kept: the
 * webhook-id stays msg_<event>), missing ones are added; NULL row: no such
 * endpoint; -1: no such event. */
static const db_stmt_t q_replay = {"hub_replay",
	"WITH w AS (UPDATE webhook_endpoints SET enabled = true, disabled_reason = NULL,"
	"  disabled_at = NULL, failing_since = NULL WHERE id = $1::bigint RETURNING id, types),"
	" f AS (SELECT xid, id FROM event_log WHERE id = $2::bigint),"
	" c AS (SELECT last_xid, last_id FROM hub_cursor WHERE name = 'webhooks'),"
	" evs AS (SELECT e.id, e.xid FROM event_log e, w, f, c WHERE (e.xid, e.id) >= (f.xid, f.id)"
	"  AND (e.xid, e.id) <= (c.last_xid, c.last_id)"
	"  AND (e.type = ANY (w.types) OR '*' = ANY (w.types) OR e.type = 'hub.test')),"
	" up AS (INSERT INTO webhook_deliveries (endpoint_id, event_id, ev_xid)"
	"  SELECT $1::bigint, id, xid FROM evs ON CONFLICT (endpoint_id, event_id) DO UPDATE"
	"  SET status = 'pending', attempts = 0, next_at = now(), done_at = NULL RETURNING 1),"
	" ev AS (INSERT INTO event_log (type, data, aggregate) SELECT 'webhook.replayed',"
	"  jsonb_build_object('id', w.id, 'from_event', $2::bigint, 'by', $3::text),"
	"  'webhook_endpoint:' || w.id FROM w WHERE EXISTS (SELECT 1 FROM f))"
	" SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM f) THEN -1 ELSE (SELECT count(*) FROM up) END"
	" FROM w"};

int h_hub_replay(req_t *r)
{
	long long id = path_id(r);
	json_t *body = checked_body(r, replay_rules, 1, 0);
	if (!body)
		return 0;
	if (id < 0)
		return reply_problem(r, 404, "no such webhook endpoint", NULL);
	long long from = (long long)json_integer_value(json_object_get(body, "from_event"));
	const char *p[] = {arena_printf(r->arena, "%lld", id),
		arena_printf(r->arena, "%lld", from), req_actor(r)};
	if (!p[0] || !p[1] || !p[2])
		return reply_problem(r, 500, "out of memory", NULL);
	if (db_begin() < 0)
		return db_fail(r);
	PGresult *res = db_run(r->arena, &q_replay, 3, p);
	long long n = res && PQntuples(res) ? db_getll(res, 0, 0, 0) : 0;
	if (!res || PQntuples(res) == 0 || n < 0) {
		db_rollback();
		if (!res)
			return db_fail(r);
		if (n < 0)
			return reply_invalid(r, json_pack("[{s:s, s:s}]", "field", "from_event",
				"message", "is not the id of an event in the log"));
		return reply_problem(r, 404, "no such webhook endpoint", NULL);
	}
	if (db_commit() < 0)
		return db_fail(r);
	json_t *out = json_pack("{s:I, s:I, s:I}", "id", (json_int_t)id, "from_event",
				(json_int_t)from, "queued", (json_int_t)n);
	return out && arena_json(r->arena, out) ? reply_json(r, 202, out)
		: reply_problem(r, 500, "out of memory", NULL);
}

/* ---- test event ------------------------------------------------------------------- */

static const vrule_t test_rules[] = {
	{"message", V_STRING, 0, 0, 500, NULL, NULL},
};
static const vschema_t test_body = {"HubTestEvent", VRULES(test_rules), NULL, 0, 0};
const api_op_t op_hub_test = {NULL, 0, &test_body, "{\"message\": \"Hallo\"}", 202, NULL};

static const db_stmt_t q_test = {"hub_test",
	"INSERT INTO event_log (type, data, aggregate) VALUES ('hub.test',"
	" jsonb_build_object('message', $1::text, 'by', $2::text), 'hub:test')"
	" RETURNING json_build_object('event_id', id, 'type', type)::text"};

int h_hub_test_event(req_t *r)
{
	json_t *body = checked_body(r, test_rules, 1, 1);
	if (!body)
		return 0;
	const char *msg = json_string_value(json_object_get(body, "message"));
	const char *p[] = {msg ? msg : "Testereignis", req_actor(r)};
	PGresult *res = db_run(r->arena, &q_test, 2, p);
	if (!res)
		return db_fail(r);
	json_t *out = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	return out ? reply_json(r, 202, out) : reply_problem(r, 500, "out of memory", NULL);
}

/* ---- #60 list --------------------------------------------------------------------- */

static const vrule_t list_query[] = {
	{"attempts", V_INT, 0, 0, 100, NULL, NULL},
};
const api_op_t op_hub_list = {VRULES(list_query), NULL, NULL, 0, NULL};

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* $1 recent attempts per endpoint. Stats over all of an endpoint's deliveries;
 * `pending` lists the queue in sending order with each one's next try. */
static const db_stmt_t q_list = {"hub_list",
	"SELECT json_build_object('endpoints', coalesce(json_agg(json_build_object("
	" 'id', w.id, 'url', w.url, 'types', w.types, 'description', w.description,"
	" 'enabled', w.enabled, 'disabled_reason', w.disabled_reason,"
	" 'disabled_at', " TS("w.disabled_at") ", 'failing_since', " TS("w.failing_since") ","
	" 'created_at', " TS("w.created_at") ","
	" 'secret_rotation', CASE WHEN w.prev_until > now() THEN json_build_object("
	"   'previous_valid_until', " TS("w.prev_until") ") END,"
	" 'stats', (SELECT json_build_object('deliveries', count(*),"
	"   'succeeded', count(*) FILTER (WHERE status = 'succeeded'),"
	"   'failed', count(*) FILTER (WHERE status = 'failed'),"
	"   'pending', count(*) FILTER (WHERE status = 'pending'),"
	"   'attempts', coalesce(sum(attempts), 0),"
	"   'success_rate', round(count(*) FILTER (WHERE status = 'succeeded')::numeric /"
	"     nullif(count(*) FILTER (WHERE status <> 'pending'), 0), 4),"
	"   'mean_ms', (SELECT round(avg(duration_ms)) FROM webhook_attempts a"
	"     WHERE a.endpoint_id = w.id),"
	"   'last_success_at', " TS("max(done_at) FILTER (WHERE status = 'succeeded')") ")"
	"   FROM webhook_deliveries d WHERE d.endpoint_id = w.id),"
	" 'pending', (SELECT coalesce(json_agg(json_build_object('delivery_id', d.id,"
	"   'event_id', d.event_id, 'type', e.type, 'attempts', d.attempts,"
	"   'next_at', " TS("d.next_at") ", 'last_status', d.last_status, 'last_error', d.last_error)"
	"   ORDER BY d.ev_xid, d.event_id), '[]') FROM (SELECT * FROM webhook_deliveries"
	"   WHERE endpoint_id = w.id AND status = 'pending' ORDER BY ev_xid, event_id LIMIT 20) d"
	"   JOIN event_log e ON e.id = d.event_id),"
	" 'recent_attempts', (SELECT coalesce(json_agg(json_build_object('id', a.id,"
	"   'delivery_id', a.delivery_id, 'event_id', d.event_id, 'type', e.type,"
	"   'webhook_id', 'msg_' || d.event_id, 'at', " TS("a.at") ","
	"   'http_status', a.http_status, 'error', a.error, 'duration_ms', a.duration_ms)"
	"   ORDER BY a.id DESC), '[]') FROM (SELECT * FROM webhook_attempts"
	"   WHERE endpoint_id = w.id ORDER BY id DESC LIMIT $1::int) a"
	"   JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN event_log e ON e.id = d.event_id))"
	" ORDER BY w.id), '[]'), 'retry_schedule_seconds', $2::json)::text"
	" FROM webhook_endpoints w"};

int h_hub_list(req_t *r)
{
	const char *n = req_query(r, "attempts");
	const char *p[] = {n ? n : "10", hub_schedule_json(r->arena)};
	if (!p[1])
		return reply_problem(r, 500, "out of memory", NULL);
	PGresult *res = db_run(r->arena, &q_list, 2, p);
	if (!res)
		return db_fail(r);
	json_t *out = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	return out ? reply_json(r, 200, out) : reply_problem(r, 500, "out of memory", NULL);
}

/* ---- #61 unsubscribe -------------------------------------------------------------- */

static const db_stmt_t q_delete = {"hub_delete",
	"WITH w AS (DELETE FROM webhook_endpoints WHERE id = $1::bigint RETURNING id, url),"
	" ev AS (INSERT INTO event_log (type, data, aggregate) SELECT 'webhook.endpoint_deleted',"
	"  jsonb_build_object('id', id, 'url', url, 'by', $2::text), 'webhook_endpoint:' || id FROM w)"
	" SELECT id FROM w"};

int h_hub_delete(req_t *r)
{
	long long id = path_id(r);
	if (id < 0)
		return reply_problem(r, 404, "no such webhook endpoint", NULL);
	const char *p[] = {arena_printf(r->arena, "%lld", id), req_actor(r)};
	PGresult *res = p[0] && p[1] ? db_run(r->arena, &q_delete, 2, p) : NULL;
	if (!res)
		return db_fail(r);
	if (PQntuples(res) == 0)
		return reply_problem(r, 404, "no such webhook endpoint", NULL);
	json_t *out = json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1);
	return out && arena_json(r->arena, out) ? reply_json(r, 200, out)
		: reply_problem(r, 500, "out of memory", NULL);
}

/* ---- #62 events ------------------------------------------------------------------- */

static const vrule_t events_query[] = {
	{"after", V_INT, 0, 0, 9e15, NULL, NULL},
	{"types", V_STRING, 0, 1, 2000, NULL, NULL},
	{"limit", V_INT, 0, 1, 1000, NULL, NULL},
};

/* types= as an array literal, or NULL when absent; "" when one is malformed. */
static const char *types_query(req_t *r)
{
	const char *q = req_query(r, "types");
	if (!q)
		return NULL;
	if (strpbrk(q, "{}\"\\ "))
		return "";
	char *lit = arena_printf(r->arena, "{%s}", q);
	if (!lit)
		return NULL;
	size_t n = 0;
	for (char *s = lit + 1, *e; *s; s = e + 1, n++) {
		e = strpbrk(s, ",}");
		char c = *e;
		*e = '\0';
		int ok = type_ok(s) && strcmp(s, "*") != 0;
		*e = c;
		if (!ok || n >= TYPES_MAX)
			return "";
	}
	return lit;
}

static void events_check(req_t *r, json_t *errors)
{
	const char *t = types_query(r);
	if (t && !*t)
		verr(errors, "types", "must be up to %d event types separated by commas, "
		     "e.g. recommendation.created,alert.fired", TYPES_MAX);
}
const api_op_t op_hub_events = {VRULES(events_query), NULL, NULL, 0, events_check};

/* $1 after (event id, NULL = start), $2 types, $3 limit + 1. The cursor is
 * the (xid, id) of event $1; a row is NULL when $1 is not an event. */
static const db_stmt_t q_events = {"hub_events",
	"WITH c AS (SELECT xid, id FROM event_log WHERE id = $1::bigint),"
	" p AS (SELECT * FROM event_log_page((SELECT xid FROM c), (SELECT id FROM c),"
	"  $2::text[], $3::int))"
	" SELECT CASE WHEN $1::bigint > 0 AND NOT EXISTS (SELECT 1 FROM c) THEN NULL ELSE"
	"  json_build_object('events', coalesce((SELECT json_agg(json_build_object('id', id,"
	"  'type', type, 'aggregate', aggregate, 'timestamp', " TS("created_at") ","
	"  'data', data) ORDER BY xid, id) FROM p), '[]'))::text END"};

int h_hub_events(req_t *r)
{
	const char *after = req_query(r, "after"), *limit = req_query(r, "limit");
	long lim = limit ? strtol(limit, NULL, 10) : 100;       /* checked by the router */
	const char *p[] = {after && strcmp(after, "0") ? after : NULL, types_query(r),
		arena_printf(r->arena, "%ld", lim + 1)};
	if (!p[2])
		return reply_problem(r, 500, "out of memory", NULL);
	PGresult *res = db_run(r->arena, &q_events, 3, p);
	if (!res)
		return db_fail(r);
	if (!db_get(res, 0, 0))
		return reply_invalid(r, json_pack("[{s:s, s:s}]", "field", "after", "message",
			"is not the id of an event in the log (use 0, or next_after of a reply)"));
	json_t *out = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	if (!out)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *ev = json_object_get(out, "events");
	int more = (long)json_array_size(ev) > lim;
	if (more)
		json_array_remove(ev, (size_t)lim);
	json_t *last = json_array_get(ev, json_array_size(ev) - 1);
	json_object_set_new(out, "next_after", last ? json_incref(json_object_get(last, "id"))
			    : json_integer(after ? strtoll(after, NULL, 10) : 0));
	json_object_set_new(out, "has_more", json_boolean(more));
	json_object_set_new(out, "limit", json_integer(lim));
	return reply_json(r, 200, out);
}
