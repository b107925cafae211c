/* arena.h - per-request memory arena with cleanup callbacks.
 *
 * One arena lives for one request: created at accept, destroyed after the
 * reply. Everything a handler allocates comes from it, and foreign objects
 * (PGresult, json_t, pcre2 match data, jwt_t) are registered as cleanups so
 * that handlers have no free-paths. Allocations are 16-byte aligned. */
#ifndef ZOE_ARENA_H
#define ZOE_ARENA_H

#include <stddef.h>

typedef struct arena arena_t;
struct json_t;
struct json_error_t;
typedef void (*arena_cleanup_fn)(void *data);

/* Returns a new arena whose first block holds `size` bytes, NULL on OOM. */
arena_t *arena_new(size_t size);
/* Runs the cleanups (last registered first) and frees every block. */
void arena_free(arena_t *a);
/* Runs the cleanups and rewinds to the first block, ready for reuse. */
void arena_reset(arena_t *a);

/* Returns `n` bytes from the arena, NULL on OOM or when the arena cap is hit. */
void *arena_alloc(arena_t *a, size_t n);
/* As arena_alloc, zero-filled. */
void *arena_calloc(arena_t *a, size_t count, size_t size);
/* Returns a NUL-terminated copy of `n` bytes of `s`. */
char *arena_strndup(arena_t *a, const char *s, size_t n);
char *arena_strdup(arena_t *a, const char *s);
/* printf into the arena; returns the string or NULL. */
char *arena_printf(arena_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Registers fn(data) to run when the arena is reset or freed; 0/-1. */
int arena_cleanup(arena_t *a, arena_cleanup_fn fn, void *data);
/* Convenience: registers json_decref for `j`, returns `j` (NULL passes through). */
struct json_t *arena_json(arena_t *a, struct json_t *j);
/* Parses `n` bytes of JSON text (json_loadb's flags and error) into nodes
 * taken from the arena, which also owns the result: no malloc or free per
 * node. Nodes jansson adds to the document later come from malloc and are
 * freed as usual. NULL on a parse error; *capped is set when the document
 * needed more than the arena's cap allows (hostile input: a megabyte of
 * "{}," is ~70 MB of nodes). */
struct json_t *arena_json_loadb(arena_t *a, const char *text, size_t n, size_t flags,
				struct json_error_t *e, int *capped);
/* Compact JSON text of `j` (any value, doubles round-trip) owned by the
 * arena, for query parameters; NULL when j is NULL or on OOM. */
char *arena_json_text(arena_t *a, const struct json_t *j);

/* Bytes handed out since the last reset (for tests and the log). */
size_t arena_used(const arena_t *a);
/* Caps the total bytes an arena may hold (default 64 MiB). */
void arena_set_cap(arena_t *a, size_t cap);

#endif
