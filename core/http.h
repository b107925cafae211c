/* http.h - one FastCGI request: what came in, what goes out.
 *
 * A worker fills a req_t from the FastCGI parameters, runs the generic checks
 * of the handler table (route, method, auth, body), then the handler. The
 * handler answers with exactly one reply_* call; everything it allocates
 * comes from r->arena. */
#ifndef ZOE_HTTP_H
#define ZOE_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct route;

enum role { ROLE_NONE = 0, ROLE_VIEWER, ROLE_ANALYST, ROLE_EDITOR, ROLE_ADMIN };

enum cred {                 /* who is calling, after authentication */
	CRED_ANON = 0,
	CRED_USER,              /* access JWT */
	CRED_APIKEY,            /* X-Api-Key */
	CRED_SITEKEY,           /* X-Site-Key / site field, Origin checked */
};

#define MAX_PATH_PARAMS 4
#define MAX_OUT_HEADERS 12

typedef struct principal {
	enum cred cred;
	enum role role;
	int64_t id;             /* user id, api key id or site id */
	const char *name;       /* email, key name or site domain */
	int64_t token_family;   /* refresh family of the JWT (users) */
	int64_t issued_at;      /* iat of the JWT (users) */
} principal_t;

typedef struct req {
	arena_t *arena;
	void *fcgx;                     /* FCGX_Request *, NULL in unit tests */
	const char *method, *path, *query;
	const char *content_type, *origin, *user_agent, *remote_addr;
	const char *authorization, *api_key, *site_key, *idempotency_key, *if_match;
	const char *cookie;
	char *body;                     /* NUL-terminated */
	size_t body_len;
	const struct route *route;
	const char *params[MAX_PATH_PARAMS];
	principal_t who;
	char request_id[33];
	/* reply */
	int status;
	const char *out_headers[MAX_OUT_HEADERS];
	int n_out_headers;
	size_t reply_bytes;
	int replied;
	int hold_reply;                 /* kept, not sent, until reply_release */
	const char *reply_body;         /* kept for unit tests, idempotency and the cache */
	const char *reply_ctype;
	int cache_state;                /* report cache: 0 not asked, 1 hit, 2 miss */
	const char *cache_key, *cache_stamp;    /* set by cache_serve on a miss */
	int on_replica;                 /* answered from the streaming replica (the log says so) */
} req_t;

/* Who made a change, as audit columns and the event log name it: "user:ID"
 * or "key:ID" (arena string; NULL out of memory). */
const char *req_actor(req_t *r);

/* Looks up a FastCGI parameter (HTTP_X_FOO style name), NULL if absent. */
const char *req_param(req_t *r, const char *name);
/* Value of query parameter `key`, percent-decoded into the arena, or NULL. */
const char *req_query(req_t *r, const char *key);
/* Value of cookie `name`, or NULL. */
const char *req_cookie(req_t *r, const char *name);

/* Adds a response header line "Name: value" (copied into the arena). */
void reply_header(req_t *r, const char *name, const char *value);
/* Sends `body` of `len` bytes with the given status and content type. */
int reply_raw(req_t *r, int status, const char *ctype, const char *body, size_t len);
/* Serialises and sends `j` (reference stays with the caller / arena). */
int reply_json(req_t *r, int status, json_t *j);
/* A reply of unknown length (an export without a row cap): the head now,
 * the body in parts with reply_stream; neither cached nor kept for
 * idempotency. 0/-1. */
int reply_stream_start(req_t *r, int status, const char *ctype);
int reply_stream(req_t *r, const char *data, size_t len);
/* Sends RFC 9457 problem+json. `errors` may be NULL (a JSON array of
 * {field, message}); its reference is taken. Always returns 0. */
int reply_problem(req_t *r, int status, const char *detail, json_t *errors);
/* 422 with the collected field errors. */
int reply_invalid(req_t *r, json_t *errors);
/* Sends the reply kept back while r->hold_reply was set (the idempotency
 * commit comes first); 0. */
int reply_release(req_t *r);

/* Reason phrase for a status code. */
const char *http_reason(int status);

#endif
