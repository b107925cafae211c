/* openapi.h - the OpenAPI 3.1 description, generated from the handler table.
 *
 * Everything comes from a route's row (method, path, role, credentials, body
 * limit, handler or not) and its api_op_t (query rules, body schema, example,
 * success status): the same tables the router and handlers validate with.
 * Reply bodies are JSON Schema files under handlers/schemas/, one per
 * operationId, that the build embeds (scripts/embed-schemas). */
#ifndef ZOE_OPENAPI_H
#define ZOE_OPENAPI_H

#include <jansson.h>

#include "router.h"

typedef struct openapi_file {
	const char *name;       /* operationId */
	const char *json;       /* JSON Schema of its success body */
} openapi_file_t;

/* Terminated by {NULL, NULL}; generated from handlers/schemas/. */
extern const openapi_file_t openapi_files[];

/* The whole description (new reference), NULL on out of memory. `server`
 * is the public base URL clients reach the API at. */
json_t *openapi_new(const route_t *table, size_t n, const char *server);

/* The reply schema of operation `id` (new reference), NULL when none. */
json_t *openapi_reply_schema_new(const char *id);

#endif
