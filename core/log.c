/* log.c - JSON lines on stderr; strings are escaped by jansson. */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "router.h"

static void iso_now(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + k, n - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

static void emit(json_t *line)
{
	char *s = line ? json_dumps(line, JSON_COMPACT) : NULL;
	if (s) {
		fprintf(stderr, "%s\n", s);
		free(s);
	}
	json_decref(line);
}

void log_msg(const char *level, const char *fmt, ...)
{
	char ts[40], msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	iso_now(ts, sizeof(ts));
	emit(json_pack("{s:s, s:s, s:i, s:s}", "ts", ts, "level", level, "pid", (int)getpid(),
		       "msg", msg));
}

void log_request(const req_t *r, double ms)
{
	char ts[40];
	iso_now(ts, sizeof(ts));
	json_t *line = json_pack("{s:s, s:s, s:s, s:s, s:i, s:f, s:s, s:I}",
		"ts", ts, "level", "info", "method", r->method ? r->method : "",
		"path", r->path ? r->path : "", "status", r->status,
		"ms", ms, "request_id", r->request_id, "bytes", (json_int_t)r->reply_bytes);
	if (line && r->route)           /* absent, not null, when no route matched */
		json_object_set_new(line, "route", json_string(r->route->pattern));
	if (line && r->on_replica)
		json_object_set_new(line, "db", json_string("replica"));
	if (line && r->who.cred != CRED_ANON) {
		static const char *const kinds[] = {"anon", "user", "apikey", "site"};
		json_object_set_new(line, "auth", json_string(kinds[r->who.cred]));
		json_object_set_new(line, "user", json_string(r->who.name ? r->who.name : ""));
	}
	emit(line);
}
