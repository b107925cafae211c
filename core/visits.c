/* visits.c - the filters of the visit reports and the visitor id; see visits.h. */
#include "visits.h"

#include <string.h>
#include <time.h>

#include "crypto.h"
#include "db.h"

const char *const visit_devices[] = {"all", "mobile", "tablet", "desktop", NULL};

/* The query value of `key` when it is UTF-8 (else an error), NULL when absent. */
static const char *text_param(req_t *r, const char *key, json_t *errors)
{
	const char *v = req_query(r, key);
	if (v && !utf8_valid(v, strlen(v))) {
		verr(errors, key, "must be UTF-8");
		return NULL;
	}
	return v;
}

int visits_parse_filters(req_t *r, visit_filters_t *f, json_t *errors)
{
	size_t before = json_array_size(errors);
	f->device = text_param(r, "device", errors);
	if (f->device && strcmp(f->device, "all") == 0)
		f->device = NULL;
	f->source = text_param(r, "source", errors);
	f->goal = text_param(r, "goal", errors);
	if (!f->goal)
		f->goal = "lead";
	f->path = text_param(r, "path", errors);
	f->site = text_param(r, "site", errors);
	if (f->path && (f->path[0] != '/' || strlen(f->path) > 2048))
		verr(errors, "path", "must be a path starting with / (at most 2048 bytes)");
	if (f->site && (!*f->site || strlen(f->site) > 253 || strpbrk(f->site, "/ ")))
		verr(errors, "site", "must be a site's domain, e.g. zoe-solar.de");
	return (int)(json_array_size(errors) - before);
}

json_t *visits_filters_json_new(const visit_filters_t *f)
{
	return json_pack("{s:s?, s:s?, s:s?, s:s, s:s}", "site", f->site, "path", f->path,
			 "source", f->source, "device", f->device ? f->device : "all", "goal", f->goal);
}

/* HMAC(salt of today (UTC), site \n ip \n ua) folded to a positive int64.
 * The salt is read once a day per worker. */
static const db_stmt_t q_salt = {"visitor_salt",
	"SELECT visitor_salt(d), d FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS d) t"};

int visits_visitor_id_of(arena_t *a, long long site, const char *ip, const char *ua,
			 char out[24])
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
		PGresult *res = db_run(a, &q_salt, 0, NULL);
		size_t n;
		unsigned char *raw = res ? PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0),
							   &n) : NULL;
		if (!raw)
			return -1;
		salt_len = n < sizeof(salt) ? n : sizeof(salt);
		memcpy(salt, raw, salt_len);
		PQfreemem(raw);
		snprintf(salt_day, sizeof(salt_day), "%s", PQgetvalue(res, 0, 1));
	}
	char *msg = arena_printf(a, "%lld\n%s\n%s", site, ip ? ip : "", ua ? ua : "");
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

int visits_visitor_id(req_t *r, char out[24])
{
	return visits_visitor_id_of(r->arena, (long long)r->who.id, r->remote_addr,
				    r->user_agent, out);
}
