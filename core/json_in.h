/* json_in.h - hostile-input-safe JSON bodies and table-driven validation.
 *
 * A body is checked before jansson sees it: size, UTF-8, nesting depth. Then
 * fields are validated against a static table of rules, collecting every bad
 * field into one errors array, so a client learns all its mistakes at once. */
#ifndef ZOE_JSON_IN_H
#define ZOE_JSON_IN_H

#include <jansson.h>
#include <stddef.h>

#include "http.h"

/* 1 when `s` (n bytes) is well-formed UTF-8 (no overlongs, surrogates, > U+10FFFF). */
int utf8_valid(const char *s, size_t n);
/* Maximum nesting depth of arrays/objects in JSON text (strings skipped). */
int json_depth(const char *s, size_t n);

/* Parses r->body. On a problem replies (400/415/422) and returns NULL; the
 * result is owned by the arena. The Content-Type must be one of the route's
 * body types (json_body_types), with no charset other than utf-8. */
json_t *json_body(req_t *r);
/* The media types a JSON body may come in on route `rt`, comma-separated
 * into buf ("application/json, text/plain"); returns buf. */
const char *json_body_types(const struct route *rt, char *buf, size_t len);

enum vtype { V_STRING, V_INT, V_NUMBER, V_BOOL, V_OBJECT, V_ARRAY, V_URL, V_DATE, V_EMAIL,
	V_ANY       /* more than one JSON type ("90" or 90): the handler checks the value */
};

typedef struct vrule {
	const char *field;
	enum vtype type;
	int required;
	double min, max;            /* string: length in code points; numbers: value;
				       arrays: items; both 0 = unchecked */
	const char *const *oneof;   /* NULL-terminated allowed strings, or NULL */
	const struct vschema *of;   /* V_OBJECT: its fields; V_ARRAY: each item; or NULL */
} vrule_t;

/* Fields that apply when the object's "type" field equals `when`. */
typedef struct vpart {
	const char *when;
	const vrule_t *rules;
	size_t n;
} vpart_t;

/* The shape of a JSON object: the one table both the validator (validate())
 * and the OpenAPI generator (core/openapi.c) read. */
typedef struct vschema {
	const char *name;           /* component name in OpenAPI, e.g. "Review" */
	const vrule_t *fields;      /* checked by validate() */
	size_t n;
	const vpart_t *parts;       /* extra fields chosen by "type", or NULL */
	size_t nparts;
	size_t batch;               /* > 0: an array of 1..batch such objects is also accepted */
} vschema_t;

#define VRULES(t) (t), sizeof(t) / sizeof((t)[0])

/* Appends {field, message} to `errors` (a JSON array). */
void verr(json_t *errors, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Checks `obj` against `n` rules; errors get `prefix` + field names
 * ("[3].value"). Returns the number of errors added. */
int validate(json_t *obj, const vrule_t *rules, size_t n, const char *prefix, json_t *errors);
/* Number of code points in UTF-8 `s`. */
size_t utf8_len(const char *s);

#endif
