/* events_ingest.h - the one way events enter the event store (#3 track,
 * #43 batch and Plausible ingest).
 *
 * A request validates its events one by one, naming every bad field with the
 * event's index, then stores the valid ones with one COPY in one transaction:
 * a batch is stored whole or not at all. The visitor id is HMAC(daily salt,
 * site, IP, user agent): no cookie, no IP stored. */
#ifndef ZOE_EVENTS_INGEST_H
#define ZOE_EVENTS_INGEST_H

#include <stdint.h>

#include "buf.h"
#include "handlers.h"
#include "http.h"
#include "json_in.h"

#define INGEST_COLS 28       /* 21 of the event, 7 breakdown dimensions */

/* Who sent an event: the site and the visitor's address and user agent. */
typedef struct ingest_src {
	int64_t site_id;
	const char *ip, *ua;
} ingest_src_t;

/* Where a batch comes from, which decides the fields an event may carry. */
enum ingest_mode {
	INGEST_BEACON,          /* #3: the tracker's beacons, timed by the server */
	INGEST_BROWSER,         /* #43 with a site key: may carry its own timestamp */
	INGEST_SERVER,          /* #43 with an API key: each event names its visitor's
				   ip and user_agent (hashed, never stored) */
};

/* What a row takes from its visitor, kept for the next row of the same
 * visitor: in a tracker's batch every row has the connection's address and
 * user agent. */
typedef struct ingest_visitor {
	int set;
	int64_t site_id;
	const char *ip, *ua;
	int bot;
	char vid[24];
	const char *device, *browser, *dims[EVENT_DIMS_VISITOR];
} ingest_visitor_t;

/* A batch being validated and stored; lives in one request. */
typedef struct ingest {
	req_t *r;
	enum ingest_mode mode;
	const char *prefix;     /* field names of errors: "events" gives "events[3].url" */
	json_t *errors;         /* {field, message} of every bad event */
	buf_t rows;             /* COPY text of the rows */
	buf_t late;             /* "{t,...}": Unix seconds of the rows with their own
				   time, for events_late */
	ingest_visitor_t who;   /* the last row's visitor */
	json_t *sup_list;       /* the list in->sup describes, once a vital came */
	unsigned char *sup;     /* 1: a later event of the list reports this vital again */
	size_t stored, accepted, dropped;
	int failed;             /* the salt could not be read: db_fail answers */
	int oom;
	long max_age;           /* oldest timestamp accepted, seconds before now */
} ingest_t;

/* The beacon of #3 (type, url, referrer and each type's fields) and the event
 * of #43 (a beacon with timestamp, ip and user_agent). */
extern const vschema_t ingest_beacon_schema, ingest_event_schema;

/* A new batch for `r`, owned by its arena (buffers too); NULL when out of memory. */
ingest_t *ingest_new(req_t *r, enum ingest_mode mode, const char *prefix);

/* Validates event i of `list` and adds it to the batch. Its own `timestamp`
 * (ISO 8601, within in->max_age and not in the future; not for beacons) is
 * used when present, else the time of storing. In INGEST_SERVER mode the
 * visitor is the event's ip and user_agent (a bot's event is dropped), else
 * src's. Bad fields land in in->errors. A vital reported again later in
 * `list`, or impossible, is counted, not stored. */
void ingest_event(ingest_t *in, json_t *list, size_t i, const ingest_src_t *src);

/* Adds an event the caller validated and translated into a beacon's fields
 * (Plausible payloads), with its revenue (amount and currency, or NULL) and
 * interactive flag ("f" for non-interactive, or NULL). 0, or -1 when its url
 * is not an absolute http(s) URL or a path (the caller names the field). */
int ingest_row(ingest_t *in, json_t *ev, const ingest_src_t *src, const char *revenue,
	       const char *currency, const char *interactive);

/* Props: at most 30 pairs of short strings, numbers or booleans; a bad one
 * is named `field` in errors. */
void ingest_check_props(json_t *props, const char *field, json_t *errors);

/* Answers the request: 422 naming every bad field (nothing stored), else
 * stores the batch in one transaction and answers 202 {accepted, dropped}.
 * Returns 0. */
int ingest_finish(ingest_t *in);

/* 202 {accepted: 0, dropped: n, reason} for traffic dropped whole (bots). */
int ingest_reply_dropped(req_t *r, size_t n, const char *reason);

#endif
