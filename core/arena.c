/* arena.c - bump allocator in linked blocks, with cleanups; see arena.h. */
#include "arena.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16
#define DEFAULT_CAP (64u * 1024 * 1024)
#define JSON_RESERVE (1u << 20)   /* of the cap, not for parsed documents */

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(ALIGN) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	arena_cleanup_fn fn;
	void *data;
};

struct arena {
	struct block *first, *cur;
	struct cleanup *cleanups;
	size_t total, cap, handed;
	arena_t *json_next;     /* in json_arenas while it holds parsed documents */
	int json_docs;
};

/* Documents parsed by arena_json_loadb() take their nodes from the arena: a
 * batch of 100 beacons is ~1,800 nodes, and malloc and free of them cost the
 * ingest as much as the parse itself. jansson's allocator serves the parse
 * from the arena and everything else from malloc, so the text json_dumps()
 * returns is still released with free(). Its free() leaves alone what lies in
 * an arena that holds parsed documents (json_decref of the tree at the
 * arena's cleanup, or jansson growing one of the document's tables later):
 * the arena's reset returns that memory. Per thread: a worker parses in its
 * one thread, and other threads keep plain malloc. */
static _Thread_local arena_t *json_arenas;   /* arenas holding parsed documents */
static _Thread_local arena_t *json_parsing;  /* the arena a parse allocates from */
static _Thread_local int json_capped;        /* that parse hit the arena's cap */
static pthread_once_t json_once = PTHREAD_ONCE_INIT;

static int owns(const arena_t *a, const void *p)
{
	uintptr_t u = (uintptr_t)p;
	for (const struct block *b = a->first; b; b = b->next)
		if (u >= (uintptr_t)b->data && u < (uintptr_t)b->data + b->size)
			return 1;
	return 0;
}

static void *json_alloc(size_t n)
{
	if (!json_parsing)
		return malloc(n);
	void *p = arena_alloc(json_parsing, n);
	if (!p)
		json_capped = 1;
	return p;
}

static void json_release(void *p)
{
	if (!p)
		return;
	for (const arena_t *a = json_arenas; a; a = a->json_next)
		if (owns(a, p))
			return;
	free(p);
}

static void json_install(void) { json_set_alloc_funcs(json_alloc, json_release); }

static void json_forget(arena_t *a)
{
	if (!a->json_docs)
		return;
	for (arena_t **p = &json_arenas; *p; p = &(*p)->json_next)
		if (*p == a) {
			*p = a->json_next;
			break;
		}
	a->json_next = NULL;
	a->json_docs = 0;
}

static struct block *block_new(size_t size)
{
	struct block *b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

arena_t *arena_new(size_t size)
{
	arena_t *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	if (size < 1024)
		size = 1024;
	a->first = a->cur = block_new(size);
	if (!a->first) {
		free(a);
		return NULL;
	}
	a->total = size;
	a->cap = DEFAULT_CAP;
	return a;
}

static void run_cleanups(arena_t *a)
{
	while (a->cleanups) {
		struct cleanup *c = a->cleanups;
		a->cleanups = c->next;
		c->fn(c->data);
	}
}

void arena_reset(arena_t *a)
{
	run_cleanups(a);        /* the documents' json_decref still sees their blocks */
	json_forget(a);
	struct block *b = a->first->next;
	while (b) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	a->first->next = NULL;
	a->first->used = 0;
	a->cur = a->first;
	a->total = a->first->size;
	a->handed = 0;
}

void arena_free(arena_t *a)
{
	if (!a)
		return;
	arena_reset(a);
	free(a->first);
	free(a);
}

void arena_set_cap(arena_t *a, size_t cap) { a->cap = cap; }
size_t arena_used(const arena_t *a) { return a->handed; }

void *arena_alloc(arena_t *a, size_t n)
{
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	struct block *b = a->cur;
	if (b->size - b->used < n) {
		/* blocks double, the last one takes what the cap leaves */
		size_t size = b->size * 2, left = a->cap > a->total ? a->cap - a->total : 0;
		if (size > left)
			size = left;
		if (size < n)
			size = n;
		if (a->total + size > a->cap)
			return NULL;
		struct block *nb = block_new(size);
		if (!nb)
			return NULL;
		b->next = nb;
		a->cur = b = nb;
		a->total += size;
	}
	void *p = b->data + b->used;
	b->used += n;
	a->handed += n;
	return p;
}

void *arena_calloc(arena_t *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	void *p = arena_alloc(a, count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena_t *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena_t *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int arena_cleanup(arena_t *a, arena_cleanup_fn fn, void *data)
{
	struct cleanup *c = arena_alloc(a, sizeof(*c));
	if (!c)
		return -1;
	c->fn = fn;
	c->data = data;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}

static void decref(void *j) { json_decref(j); }

json_t *arena_json(arena_t *a, json_t *j)
{
	if (j && arena_cleanup(a, decref, j) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *arena_json_loadb(arena_t *a, const char *text, size_t n, size_t flags,
			 json_error_t *e, int *capped)
{
	pthread_once(&json_once, json_install);
	if (!a->json_docs) {
		a->json_next = json_arenas;
		json_arenas = a;
		a->json_docs = 1;
	}
	/* a document the cap stops leaves room to answer the request */
	size_t cap = a->cap;
	a->cap = cap > JSON_RESERVE ? cap - JSON_RESERVE : 0;
	json_parsing = a;
	json_capped = 0;
	json_t *j = json_loadb(text, n, flags, e);
	json_parsing = NULL;
	a->cap = cap;
	*capped = json_capped;
	if (j && json_capped) {         /* jansson fails the parse; to be sure */
		json_decref(j);
		j = NULL;
	}
	if (j && !(j = arena_json(a, j)))
		*capped = 1;            /* no room for the cleanup: the cap again */
	return j;
}

char *arena_json_text(arena_t *a, const json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)) : NULL;
	if (s && arena_cleanup(a, free, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}
