/* level5_ingest.c - #43 POST /api/level5/analytics/events: batch ingest and
 * Plausible's event API, into the event store of #3.
 *
 * Three bodies, told apart by their keys:
 *  - Plausible's payload {n, u, d, r, p, $, i, sd, e, h, v}, as its tracker
 *    sends it (text/plain, no header but User-Agent), or with the long names
 *    of its Events API (name, url, domain, referrer, props, revenue,
 *    interactive). The domain names the site, the connection the visitor; an
 *    Origin, when sent, must be one of the site's. nginx maps Plausible's path
 *    /api/event here, so a site switches by changing the tracker's apiHost.
 *    "engagement" carries sd (scroll %) and e (engaged ms); "pageview" is a
 *    pageview; any other name a custom event (a goal) with its props.
 *  - {"domain": D, "events": [...]} with an API key: up to 1000 events of a
 *    site's server, each naming its visitor's ip and user_agent (hashed as #3
 *    does, never stored) and its own timestamp (at most 7 days old).
 *  - with a site key: an event, an array of them or {"events": [...]}.
 * Every shape answers 202, bots included (dropped); a bad batch is refused
 * whole with every bad field named (events[3].url). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "events_ingest.h"
#include "handlers.h"
#include "useragent.h"

static const vrule_t envelope_rules[] = {
	{"domain", V_STRING, 0, 1, 253, NULL, NULL},
	{"events", V_ARRAY, 1, 1, 1000, NULL, NULL},
};

static const vrule_t plausible_rules[] = {
	{"n", V_STRING, 1, 1, 120, NULL, NULL},
	{"u", V_STRING, 1, 1, 2048, NULL, NULL},
	{"d", V_STRING, 1, 1, 253, NULL, NULL},
	{"r", V_STRING, 0, 0, 2048, NULL, NULL},
	{"p", V_OBJECT, 0, 0, 0, NULL, NULL},
	{"$", V_OBJECT, 0, 0, 0, NULL, NULL},
	{"i", V_BOOL, 0, 0, 0, NULL, NULL},
	{"sd", V_NUMBER, 0, 0, 1000, NULL, NULL},
	{"e", V_INT, 0, 0, 86400000, NULL, NULL},
};

/* Plausible's Events API names and the tracker's short ones. */
static const char *const long_names[][2] = {
	{"name", "n"}, {"url", "u"}, {"domain", "d"}, {"referrer", "r"}, {"props", "p"},
	{"revenue", "$"}, {"interactive", "i"},
};

const api_op_t op_analytics_events = {NULL, 0, &ingest_event_schema,
	"[{\"type\": \"pageview\", \"url\": \"https://zoe-solar.de/photovoltaik\", "
	"\"referrer\": \"https://www.google.com/\"}, {\"type\": \"event\", \"name\": \"lead\", "
	"\"url\": \"https://zoe-solar.de/kontakt\", \"props\": {\"form\": \"angebot\"}}]",
	202, NULL};

/* The site of `domain` into *site, checking `origin` unless NULL; or replies
 * (422 naming `field`, 403) and returns -1. */
static int site_of(req_t *r, const char *domain, const char *origin, const char *field,
		   int64_t *site)
{
	int rc = auth_site_domain(r, domain, origin, site);
	if (rc == 1) {
		json_t *errors = json_array();
		verr(errors, field, "no active site has the domain %.253s", domain);
		reply_invalid(r, errors);
	}
	return rc ? -1 : 0;
}

/* Plausible's revenue {amount, currency} as text; names "$" on a problem. */
static void revenue_of(req_t *r, json_t *rev, const char **amount, const char **currency,
		       json_t *errors)
{
	json_t *a = json_object_get(rev, "amount");
	const char *c = json_string_value(json_object_get(rev, "currency"));
	const char *s = json_string_value(a);
	*amount = *currency = NULL;
	if (!rev)
		return;
	int ok = c && strlen(c) == 3 && strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3;
	if (json_is_number(a) && json_number_value(a) >= 0 && json_number_value(a) < 1e13)
		*amount = arena_printf(r->arena, "%.4f", json_number_value(a));
	else if (s && *s && strlen(s) < 20 && strspn(s, "0123456789.") == strlen(s) &&
		 strchr(s, '.') == strrchr(s, '.') && *s != '.')
		*amount = s;
	if (!ok || !*amount)
		verr(errors, "$", "must be {amount: a number >= 0, currency: an ISO 4217 code "
		     "such as EUR}");
	*currency = c;
}

/* Plausible's payload translated into a beacon and added to the batch. */
static int plausible(req_t *r, json_t *body)
{
	json_t *errors = arena_json(r->arena, json_array());
	for (size_t k = 0; k < sizeof(long_names) / sizeof(long_names[0]); k++)
		if (!json_object_get(body, long_names[k][1]) && json_object_get(body, long_names[k][0]))
			json_object_set(body, long_names[k][1], json_object_get(body, long_names[k][0]));
	if (json_is_null(json_object_get(body, "r")))
		json_object_del(body, "r");
	validate(body, VRULES(plausible_rules), "", errors);
	const char *n = json_string_value(json_object_get(body, "n"));
	int engagement = n && strcmp(n, "engagement") == 0;
	if (engagement && !json_object_get(body, "e"))
		verr(errors, "e", "is required with an engagement event (engaged milliseconds)");
	ingest_check_props(json_object_get(body, "p"), "p", errors);
	const char *amount, *currency;
	revenue_of(r, json_object_get(body, "$"), &amount, &currency, errors);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	if (ua_is_bot(r->user_agent))
		return ingest_reply_dropped(r, 1, "bot");
	ingest_src_t src = {0, r->remote_addr, r->user_agent};
	if (site_of(r, json_string_value(json_object_get(body, "d")), r->origin, "d",
		    &src.site_id) < 0)
		return 0;
	json_t *sd = json_object_get(body, "sd");
	json_t *ev = arena_json(r->arena, json_pack("{s:s, s:O, s:O*, s:s*, s:O*, s:O*}",
		"type", engagement ? "engagement" : strcmp(n, "pageview") ? "event" : "pageview",
		"url", json_object_get(body, "u"), "referrer", json_object_get(body, "r"),
		"name", engagement || !strcmp(n, "pageview") ? NULL : n,
		"props", json_object_get(body, "p"), "engaged_ms", json_object_get(body, "e")));
	if (ev && sd)   /* the tracker's ratio may pass 100 while the page grows */
		json_object_set_new(ev, "scroll_pct", json_integer(lround(fmin(json_number_value(sd), 100))));
	ingest_t *in = ev ? ingest_new(r, INGEST_BROWSER, "") : NULL;
	if (!in)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *i = json_object_get(body, "i");
	if (ingest_row(in, ev, &src, amount, currency, json_is_false(i) ? "f" : NULL) < 0)
		verr(in->errors, "u", "must be an absolute http(s) URL or a path starting with /");
	return ingest_finish(in);
}

/* A batch: the site from the key (site key) or the domain (API key). */
static int batch(req_t *r, json_t *body)
{
	json_t *errors = arena_json(r->arena, json_array()), *list = body;
	const char *prefix = "", *domain = NULL;
	if (json_is_object(body) && json_object_get(body, "events")) {
		if (validate(body, VRULES(envelope_rules), "", errors))
			return reply_invalid(r, json_incref(errors));
		list = json_object_get(body, "events");
		domain = json_string_value(json_object_get(body, "domain"));
		prefix = "events";
	} else if (json_is_object(body)) {
		list = arena_json(r->arena, json_array());
		json_array_append(list, body);
	}
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 1000) {
		verr(errors, prefix, "send one event, an array of 1 to 1000 or {\"events\": [...]}");
		return reply_invalid(r, json_incref(errors));
	}
	int server = r->who.cred == CRED_APIKEY;
	ingest_src_t src = {r->who.id, r->remote_addr, r->user_agent};
	if (server && !domain) {
		verr(errors, "domain", "is required with an API key: the site the events belong to");
		return reply_invalid(r, json_incref(errors));
	}
	if (server && site_of(r, domain, NULL, "domain", &src.site_id) < 0)
		return 0;
	if (!server && domain && strcmp(domain, r->who.name) != 0) {
		verr(errors, "domain", "must be the site key's domain (%.253s) or left out", r->who.name);
		return reply_invalid(r, json_incref(errors));
	}
	if (!server && ua_is_bot(r->user_agent))
		return ingest_reply_dropped(r, json_array_size(list), "bot");
	ingest_t *in = ingest_new(r, server ? INGEST_SERVER : INGEST_BROWSER, prefix);
	if (!in)
		return reply_problem(r, 500, "out of memory", NULL);
	for (size_t i = 0; i < json_array_size(list); i++)
		ingest_event(in, list, i, &src);
	return ingest_finish(in);
}

/* Plausible's payload: an object naming a domain without a list of events. */
static int is_plausible(json_t *body)
{
	return json_is_object(body) && !json_object_get(body, "events") &&
	       (json_object_get(body, "d") || json_object_get(body, "domain"));
}

int h_analytics_events(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	if (is_plausible(body))
		return plausible(r, body);
	if (r->who.cred == CRED_ANON) {
		reply_header(r, "WWW-Authenticate", "SiteKey");
		return reply_problem(r, 401, "a site key (X-Site-Key) or an API key (X-Api-Key) is "
				     "required, or Plausible's payload naming its domain", NULL);
	}
	return batch(r, body);
}
