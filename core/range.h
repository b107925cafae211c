/* range.h - the ?from=&to=&tz= date range every report takes (SPEC conventions),
 * and the ?cursor= of the reports that answer a page of rows at a time. */
#ifndef ZOE_RANGE_H
#define ZOE_RANGE_H

#include <jansson.h>

#include "http.h"

typedef struct range {
	char from[11], to[11];      /* inclusive local dates, YYYY-MM-DD */
	const char *tz;             /* IANA zone, default Europe/Berlin */
	int days;                   /* number of days in the range */
} range_t;

#define RANGE_DEFAULT_DAYS 28
#define RANGE_MAX_DAYS 1100

/* The rules of from/to/tz, for a route's query table (router.h). */
#define RANGE_RULES \
	{"from", V_DATE, 0, 0, 0, NULL, NULL}, \
	{"to", V_DATE, 0, 0, 0, NULL, NULL}, \
	{"tz", V_STRING, 0, 1, 64, NULL, NULL}

/* Reads from/to/tz from the query (defaults: the last 28 days up to today in
 * tz). Bad values are added to `errors` as {field, message}; returns the
 * number of errors added. */
int range_parse(req_t *r, range_t *out, json_t *errors);
/* {"from","to","tz","days"} for replies (new reference). */
json_t *range_json_new(const range_t *rg);

/* A paging cursor is base64url of "offset:N": opaque to clients, and a
 * client's own offset is not one of ours. cursor_read: 0 with *offset set, or
 * -1 if `cur` is not a cursor. cursor_new: the cursor of `offset` (new
 * reference). */
int cursor_read(const char *cur, long long *offset);
json_t *cursor_new(long long offset);

#endif
