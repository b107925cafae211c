/* idempotency.c - see idempotency.h.
 *
 * One transaction per keyed write: BEGIN, reserve the key (a 'running' row),
 * the handler's work (its own transaction becomes a savepoint), the answer
 * into the row ('done'), COMMIT, then the answer goes out. A duplicate that
 * arrives meanwhile waits on the row's unique index entry for at most
 * lock_timeout and gets 409; a worker that dies mid-request loses its
 * connection, so PostgreSQL rolls the reservation back with the work, and a
 * worker that hangs is cut off by idle_in_transaction_session_timeout. */
#include "idempotency.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "db.h"
#include "router.h"

#define KEY_MAX 200
#define HOLD_SETTINGS "SET LOCAL lock_timeout = '2s';" \
	" SET LOCAL idle_in_transaction_session_timeout = '60s'"

static const db_stmt_t q_reserve = {"idem_reserve",
	"INSERT INTO idempotency_keys (key, route, principal, fingerprint, state, status, body)"
	" VALUES ($1, $2, $3, $4, 'running', 0, '') ON CONFLICT (key, route, principal) DO UPDATE"
	" SET fingerprint = EXCLUDED.fingerprint, state = 'running', status = 0, body = '',"
	" headers = '', created_at = now()"
	" WHERE idempotency_keys.created_at <= now() - interval '24 hours' RETURNING 1"};
static const db_stmt_t q_get = {"idem_get",
	"SELECT fingerprint, state, status, ctype, headers, body FROM idempotency_keys"
	" WHERE key = $1 AND route = $2 AND principal = $3"
	" AND created_at > now() - interval '24 hours'"};
static const db_stmt_t q_done = {"idem_done",
	"UPDATE idempotency_keys SET state = 'done', status = $4::int, ctype = $5, headers = $6,"
	" body = $7 WHERE key = $1 AND route = $2 AND principal = $3"};

/* Answer headers a replay repeats: all but the caller's own and the cache's. */
static const char *const not_replayed[] = {"Set-Cookie:", "X-Cache:"};

static const char *held[3];     /* key, route, principal of the reservation held */

int idem_wanted(const req_t *r)
{
	return r->idempotency_key && r->route && r->method && strcmp(r->method, "GET") != 0 &&
	       r->who.cred != CRED_ANON;
}

static int refuse(req_t *r, int status, const char *detail, const char *message)
{
	json_t *errors = json_pack("[{s:s, s:s}]", "field", "Idempotency-Key", "message", message);
	if (status == 409)
		reply_header(r, "Retry-After", "1");
	return reply_problem(r, status, detail, errors);
}

/* The key without the quotes of the draft's sf-string form; NULL when it is
 * not 1 to KEY_MAX visible ASCII characters. */
static const char *valid_key(req_t *r)
{
	const char *k = r->idempotency_key;
	size_t n = strlen(k);
	if (n >= 2 && k[0] == '"' && k[n - 1] == '"') {
		k++;
		n -= 2;
	}
	if (n == 0 || n > KEY_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (k[i] < 0x21 || k[i] > 0x7e || k[i] == '"' || k[i] == '\\')
			return NULL;
	return arena_strndup(r->arena, k, n);
}

/* SHA-256 hex of method, path, query and body: what a retry must repeat. */
static int fingerprint(req_t *r, char out[65])
{
	const char *parts[] = {r->method, r->path, r->query ? r->query : ""};
	size_t n = r->body_len + 3;
	for (size_t i = 0; i < 3; i++)
		n += strlen(parts[i]);
	unsigned char *all = arena_alloc(r->arena, n), *p = all, digest[32];
	if (!all)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(parts[i]);
		memcpy(p, parts[i], len);
		p[len] = '\n';
		p += len + 1;
	}
	memcpy(p, r->body ? r->body : "", r->body_len);
	crypto_sha256(all, n, digest);
	crypto_hex(digest, sizeof(digest), out);
	return 0;
}

/* A finished answer under this key: replayed when the request is the same. */
static int replay(req_t *r, const char *const *key, const char *fp)
{
	PGresult *res = db_run(r->arena, &q_get, 3, key);
	if (!res)
		return db_fail(r);
	if (PQntuples(res) == 0 || strcmp(db_get(res, 0, 1), "done") != 0)
		return refuse(r, 409, "a request with this Idempotency-Key is in progress; retry"
			      " shortly", "in progress");
	if (strcmp(db_get(res, 0, 0), fp) != 0)
		return refuse(r, 422, "this Idempotency-Key was used for a different request"
			      " (method, path or body)", "used for a different request");
	char *l = arena_strdup(r->arena, db_get(res, 0, 4));
	while (l && *l) {
		char *end = strchr(l, '\n'), *colon = strstr(l, ": ");
		if (end)
			*end = '\0';
		if (colon) {
			*colon = '\0';
			reply_header(r, l, colon + 2);
		}
		l = end ? end + 1 : NULL;
	}
	reply_header(r, "Idempotent-Replayed", "true");
	const char *body = db_get(res, 0, 5);
	return reply_raw(r, (int)db_getll(res, 0, 2, 200), db_get(res, 0, 3), body, strlen(body));
}

int idem_begin(req_t *r)
{
	char fp[65];
	if (!idem_wanted(r))
		return 0;
	const char *key = valid_key(r);
	if (!key)
		return refuse(r, 400, "Idempotency-Key must be 1 to 200 visible ASCII characters",
			      "1 to 200 visible ASCII characters"), -1;
	held[0] = key;
	held[1] = arena_printf(r->arena, "%s %s", r->method, r->path);
	held[2] = arena_printf(r->arena, "%d:%lld", (int)r->who.cred, (long long)r->who.id);
	if (!held[1] || !held[2] || fingerprint(r, fp) < 0)
		return reply_problem(r, 500, "out of memory", NULL), -1;
	if (db_hold(HOLD_SETTINGS) < 0)
		return db_fail(r), -1;
	const char *p[] = {held[0], held[1], held[2], fp};
	PGresult *res = db_run(r->arena, &q_reserve, 4, p);
	if (res && PQntuples(res) == 1 && db_exec("SET LOCAL lock_timeout TO DEFAULT") == 0) {
		r->hold_reply = 1;
		return 1;
	}
	enum db_error e = res ? DB_OK : db_last();
	db_release(0);
	if (e == DB_BUSY)
		refuse(r, 409, "a request with this Idempotency-Key is in progress; retry shortly",
		       "in progress");
	else if (!res)
		db_fail(r);
	else
		replay(r, held, fp);
	return -1;
}

/* The answer's headers worth replaying, one "Name: value" a line. */
static const char *kept_headers(req_t *r)
{
	buf_t b;
	buf_init(&b, 16 * 1024);
	for (int i = 0; i < r->n_out_headers; i++) {
		int keep = 1;
		for (size_t j = 0; j < sizeof(not_replayed) / sizeof(not_replayed[0]); j++)
			keep &= strncasecmp(r->out_headers[i], not_replayed[j],
					    strlen(not_replayed[j])) != 0;
		if (keep)
			buf_printf(&b, "%s\n", r->out_headers[i]);
	}
	const char *out = b.oom ? NULL : arena_strndup(r->arena, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

void idem_finish(req_t *r)
{
	if (!r->replied) {              /* the worker answers 500: nothing kept */
		db_release(0);
		r->hold_reply = 0;
		return;
	}
	/* only a success is final: a 4xx wrote nothing (the retry may be corrected)
	 * and a 5xx may pass when retried */
	if (r->status < 200 || r->status >= 300 || !r->reply_body ||
	    strlen(r->reply_body) != r->reply_bytes) {
		db_release(0);
		reply_release(r);
		return;
	}
	char status[8];
	snprintf(status, sizeof(status), "%d", r->status);
	const char *headers = kept_headers(r);
	const char *p[] = {held[0], held[1], held[2], status,
			   r->reply_ctype ? r->reply_ctype : "application/json", headers, r->reply_body};
	int ok = headers && db_run(r->arena, &q_done, 7, p) && db_release(1) == 0;
	if (!ok) {
		db_release(0);          /* the work is undone: answer for that instead */
		r->hold_reply = r->replied = r->n_out_headers = 0;
		if (!headers)
			reply_problem(r, 500, "out of memory", NULL);
		else
			db_fail(r);
		return;
	}
	reply_release(r);
}
