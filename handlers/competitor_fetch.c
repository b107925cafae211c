/* competitor_fetch.c - the job `competitor-fetch`: fetches the page of a
 * queued competitor snapshot (#54) and stores what it holds.
 *
 * Every request goes out with libcurl as "ZOE-Solar-Bot/1.0": http and https
 * only, 10 s for the whole request, no proxy, at most 2 MiB of body (robots.txt:
 * its first 500 KiB, as Google reads it). Each URL, the first and every
 * redirect target (at most 5, followed here, never by curl), passes the SSRF
 * guard (core/netguard: loopback, private, link-local ... refused unless in
 * ZOE_OUTBOUND_ALLOW) and the connection is pinned to the checked address.
 * Before a page of a host is fetched, that host's robots.txt is read
 * (analysis/robots): 2xx is obeyed, 4xx means no rules, 5xx or no answer
 * means everything is disallowed (RFC 9309, section 2.3.1).
 *
 * The snapshot ends `done` (figures stored), `blocked` (robots.txt) or
 * `failed` with a one-line reason (timeout, too large, refused address, HTTP
 * status, not HTML, too many redirects). Only a database error makes the
 * job fail, so the runner tries it again. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "competitors.h"
#include "db.h"
#include "handlers.h"
#include "netguard.h"
#include "robots.h"

#define BOT_TOKEN "ZOE-Solar-Bot"
#define BOT_AGENT "ZOE-Solar-Bot/1.0 (+https://zoe-solar.de/bot)"
#define FETCH_TIMEOUT_S 10L
#define MAX_REDIRECTS 5
#define URL_MAX 2048

typedef struct fetch {
	buf_t body;
	size_t cap;
	int too_big;
	long status;
	char location[URL_MAX];         /* the redirect target, "" when none */
	char ctype[128];
} fetch_t;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	fetch_t *f = ud;
	size_t len = size * n;
	if (f->body.len + len > f->cap) {
		buf_add(&f->body, p, f->cap - f->body.len);
		f->too_big = 1;
		return 0;                   /* ends the transfer */
	}
	return buf_add(&f->body, p, len) == 0 ? len : 0;
}

/* One GET of url without following redirects. 0 with f filled; -1 with the
 * reason in err (refused address, timeout, too large, network error). */
static int get_once(const char *url, fetch_t *f, char *err, size_t errlen)
{
	CURL *c = curl_easy_init();
	struct curl_slist *resolve = NULL;
	CURLcode rc;
	f->body.len = 0, f->too_big = 0, f->status = 0, f->location[0] = f->ctype[0] = '\0';
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (netguard_curl_setup(c, url, getenv("ZOE_OUTBOUND_ALLOW"), FETCH_TIMEOUT_S, &resolve,
				err, errlen) < 0) {
		curl_easy_cleanup(c);
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_USERAGENT, BOT_AGENT);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
	rc = curl_easy_perform(c);
	char *loc = NULL, *ct = NULL;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
	if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
		snprintf(f->location, sizeof f->location, "%s", loc);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(f->ctype, sizeof f->ctype, "%s", ct);
	curl_slist_free_all(resolve);
	curl_easy_cleanup(c);
	if (f->too_big)
		snprintf(err, errlen, "%s is larger than %zu bytes", url, f->cap);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errlen, "%s: no complete answer within %ld s", url, FETCH_TIMEOUT_S);
	else if (rc != CURLE_OK)
		snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(rc));
	return rc == CURLE_OK || f->too_big ? 0 : -1;
}

/* The robots.txt verdict for url: 1 allowed, 0 disallowed (reason in err),
 * -1 when it could not be read (reason in err). */
static int robots_allow(const char *url, char *err, size_t errlen)
{
	char robots[URL_MAX], path[ROBOTS_PATH_MAX];
	const char *host = strstr(url, "://") + 3;
	size_t origin = (size_t)(host - url) + strcspn(host, "/?#");
	fetch_t f = {.cap = ROBOTS_MAX_BYTES};
	snprintf(robots, sizeof robots, "%.*s/robots.txt", (int)origin, url);
	snprintf(path, sizeof path, "%s", url[origin] == '/' ? url + origin : "/");
	if (url[origin] == '?')
		snprintf(path, sizeof path, "/%.*s", (int)strcspn(url + origin, "#"), url + origin);
	path[strcspn(path, "#")] = '\0';
	buf_init(&f.body, ROBOTS_MAX_BYTES + 1);
	int rc = 1;
	for (int hop = 0; rc == 1; hop++) {
		if (get_once(robots, &f, err, errlen) < 0)
			rc = -1;
		else if (f.status >= 300 && f.status < 400 && f.location[0] && hop < MAX_REDIRECTS)
			snprintf(robots, sizeof robots, "%s", f.location);
		else
			break;
	}
	if (rc == 1 && f.status >= 500) {
		snprintf(err, errlen, "robots.txt answered %ld: everything counts as disallowed "
			 "(RFC 9309)", f.status);
		rc = 0;
	} else if (rc == 1 && f.status >= 200 && f.status < 300) {
		robots_verdict_t v;
		if (!robots_check(f.body.data ? f.body.data : "", f.body.len, BOT_TOKEN, path, &v)) {
			snprintf(err, errlen, "robots.txt disallows %.300s for %s (line %d: %s)", path,
				 BOT_TOKEN, v.line, v.rule);
			rc = 0;
		}
	}
	buf_free(&f.body);
	return rc;
}

/* Fetches url (robots.txt and the guard at every hop) into f; 0, or the
 * state "blocked"/"failed" with the reason in err. */
static const char *fetch_page(const char *url, fetch_t *f, char *err, size_t errlen)
{
	char cur[URL_MAX];
	snprintf(cur, sizeof cur, "%s", url);
	for (int hop = 0;; hop++) {
		int ok = robots_allow(cur, err, errlen);
		if (ok <= 0)
			return ok == 0 ? "blocked" : "failed";
		if (get_once(cur, f, err, errlen) < 0 || f->too_big)
			return "failed";
		if (f->status < 300 || f->status >= 400 || !f->location[0])
			break;
		if (hop == MAX_REDIRECTS) {
			snprintf(err, errlen, "more than %d redirects", MAX_REDIRECTS);
			return "failed";
		}
		snprintf(cur, sizeof cur, "%s", f->location);
	}
	if (f->status < 200 || f->status >= 300) {
		snprintf(err, errlen, "%.300s answered HTTP %ld", cur, f->status);
		return "failed";
	}
	if (f->ctype[0] && strncasecmp(f->ctype, "text/html", 9) != 0 &&
	    strncasecmp(f->ctype, "application/xhtml+xml", 21) != 0) {
		snprintf(err, errlen, "%.300s is %.100s, not HTML", cur, f->ctype);
		return "failed";
	}
	return NULL;
}

static const db_stmt_t q_queued = {"comp_fetch_queued",
	"SELECT s.url, c.domain FROM competitor_snapshots s JOIN competitors c"
	" ON c.id = s.competitor_id WHERE s.id = $1::bigint AND s.state = 'queued'"};

int job_competitor_fetch(json_t *payload, char *err, size_t errlen)
{
	long long id = (long long)json_integer_value(json_object_get(payload, "snapshot"));
	arena_t *a = arena_new(1 << 16);
	fetch_t f = {.cap = COMPETITOR_HTML_MAX};
	char why[600] = "";
	int rc = -1;
	buf_init(&f.body, COMPETITOR_HTML_MAX + 1);
	const char *p[] = {a ? arena_printf(a, "%lld", id) : NULL};
	PGresult *res = p[0] ? db_run(a, &q_queued, 1, p) : NULL;
	if (res && PQntuples(res) == 0) {
		rc = 0;                     /* done already, or gone */
	} else if (res) {
		const char *state = fetch_page(db_get(res, 0, 0), &f, why, sizeof why);
		json_t *fig = state ? NULL : competitor_extract(a, f.body.data ? f.body.data : "",
								f.body.len, db_get(res, 0, 1), db_get(res, 0, 0));
		if (state)
			rc = competitor_snapshot_fail(a, id, state, (int)f.status, why);
		else if (fig)
			rc = competitor_snapshot_done(a, id, (int)f.status, fig);
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", a ? db_last_message() : "out of memory");
	buf_free(&f.body);
	if (a)
		arena_free(a);
	return rc;
}
