/* router.h - the handler table's types and the matcher.
 *
 * handlers/routes.c holds the one table of every route. router_init checks it
 * once at start-up (duplicates, bad patterns, inconsistent auth) and refuses
 * to start on a mistake; router_match then finds a route per request and tells
 * 404 (no path matched) from 405 (a path matched, the method did not). */
#ifndef ZOE_ROUTER_H
#define ZOE_ROUTER_H

#include <stddef.h>

#include "http.h"
#include "json_in.h"

typedef int (*handler_fn)(req_t *r);

/* Which credentials a route accepts, besides a user's access JWT. */
enum {
	ACCEPT_JWT = 1,         /* Authorization: Bearer <access JWT> */
	ACCEPT_APIKEY = 2,      /* X-Api-Key with a role >= min_role */
	ACCEPT_SITEKEY = 4,     /* X-Site-Key (or body "site"), Origin checked */
};

/* What a route takes and gives, declared next to its handler: the router
 * validates the query with it, the OpenAPI generator (core/openapi.c)
 * describes it. The reply's JSON Schema lives in handlers/schemas/, one file
 * per operationId, embedded by the build. */
typedef struct api_op {
	const vrule_t *query;   /* query parameters, checked before the handler runs */
	size_t nquery;
	const vschema_t *body;  /* request body (the handler validates it), or NULL */
	const char *example;    /* an example request body (JSON), sent by the contract test */
	int status;             /* success status: 0 = 200 */
	/* what a table cannot say (a known time zone, to after from, a cursor
	 * this route gave out): adds {field, message} to errors; or NULL */
	void (*check)(req_t *r, json_t *errors);
} api_op_t;

typedef struct route {
	const char *method;     /* GET POST PATCH DELETE */
	const char *pattern;    /* /api/level5/content/drafts/{id} */
	enum role min_role;     /* ROLE_NONE: no credentials needed */
	unsigned accept;        /* ACCEPT_* bits; 0 for public routes */
	handler_fn handler;     /* NULL: not built yet, answers 501 */
	const char *summary;    /* one line, also the OpenAPI summary */
	int spec_no;            /* number in SPEC.md, 0 for platform routes */
	size_t body_limit;      /* 0: cfg.body_limit */
	const api_op_t *op;     /* inputs and success status, or NULL: none */
} route_t;

extern const route_t routes[];
extern const size_t routes_count;

/* Checks the table; 0, or -1 with a message in err. */
int router_init(const route_t *table, size_t n, char *err, size_t errlen);

/* Finds the route for method and path. On success returns it and fills
 * params (arena copies). Otherwise returns NULL with *status 404, or 405 and
 * `allow` filled with the methods the path does accept ("GET, POST"). */
const route_t *router_match(const route_t *table, size_t n, const char *method,
			    const char *path, arena_t *a, const char **params,
			    int *status, char *allow, size_t allowlen);

/* Checks the query against r->route->op's rules and check; replies 422
 * naming every bad parameter (once) and returns -1, else 0. */
int router_check_query(req_t *r);

/* The stable operationId of a route ("level2UxSignalsMetrics"; a verb is
 * appended when another method shares the path), written into out. */
void router_operation_id(const route_t *table, size_t n, const route_t *rt, char *out,
			 size_t outlen);

/* Answers 501 problem+json naming the route: its service is not built yet. */
int router_not_built(req_t *r);

/* Index of a route within the table (for metrics), -1 if not in it. */
int router_index(const route_t *table, size_t n, const route_t *rt);

#endif
