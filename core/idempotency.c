/* idempotency.c - see idempotency.h. */
#include "idempotency.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "router.h"

static const db_stmt_t q_get = {"idem_get",
	"SELECT status, body FROM idempotency_keys WHERE key = $1 AND route = $2 AND principal = $3"
	" AND created_at > now() - interval '24 hours'"};
static const db_stmt_t q_put = {"idem_put",
	"INSERT INTO idempotency_keys (key, route, principal, status, body)"
	" VALUES ($1, $2, $3, $4::int, $5) ON CONFLICT (key, route, principal) DO UPDATE"
	" SET status = EXCLUDED.status, body = EXCLUDED.body, created_at = now()"
	" WHERE idempotency_keys.created_at <= now() - interval '24 hours'"};

int idem_wanted(const req_t *r)
{
	return r->idempotency_key && r->route && r->method && strcmp(r->method, "GET") != 0;
}

static const char *principal(req_t *r)
{
	return arena_printf(r->arena, "%d:%lld", (int)r->who.cred, (long long)r->who.id);
}

static const char *route_key(req_t *r)
{
	return arena_printf(r->arena, "%s %s", r->method, r->path);
}

int idem_replay(req_t *r)
{
	if (!idem_wanted(r))
		return 0;
	size_t n = strlen(r->idempotency_key);
	if (n == 0 || n > 200) {
		reply_problem(r, 400, "Idempotency-Key must be 1 to 200 characters", NULL);
		return -1;
	}
	const char *p[] = {r->idempotency_key, route_key(r), principal(r)};
	PGresult *res = db_run(r->arena, &q_get, 3, p);
	if (!res) {
		db_fail(r);
		return -1;
	}
	if (PQntuples(res) == 0)
		return 0;
	const char *body = db_get(res, 0, 1);
	reply_header(r, "Idempotent-Replayed", "true");
	reply_raw(r, (int)db_getll(res, 0, 0, 200), "application/json; charset=utf-8", body,
		  strlen(body));
	return 1;
}

void idem_store(req_t *r)
{
	if (!idem_wanted(r) || r->status < 200 || r->status >= 300 || !r->reply_body)
		return;
	char status[8];
	snprintf(status, sizeof(status), "%d", r->status);
	const char *p[] = {r->idempotency_key, route_key(r), principal(r), status, r->reply_body};
	db_run(r->arena, &q_put, 5, p);      /* best effort: the answer is already out */
}
