/* cache.c - an LRU of report replies keyed by request and data stamp; see cache.h. */
#include "cache.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"

#define SLOTS 256
#define TTL_SECONDS 60

struct entry {
	char *key, *stamp, *body, *ctype;
	char *headers;              /* the handler's own headers, "Name: value\n" each */
	size_t size;
	time_t stored;
	unsigned long used;         /* LRU clock */
};

static struct entry slots[SLOTS];
static size_t total;
static unsigned long clock_now;

static size_t cap(void) { return (size_t)cfg.cache_mb << 20; }

static void drop(struct entry *e)
{
	total -= e->size;
	free(e->key);
	free(e->stamp);
	free(e->body);
	free(e->ctype);
	free(e->headers);
	memset(e, 0, sizeof(*e));
}

void cache_clear(void)
{
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].key)
			drop(&slots[i]);
}

static struct entry *find(const char *key)
{
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].key && strcmp(slots[i].key, key) == 0)
			return &slots[i];
	return NULL;
}

/* A free slot, evicting least recently used entries until `need` bytes fit. */
static struct entry *make_room(size_t need)
{
	for (;;) {
		struct entry *free_slot = NULL, *oldest = NULL;
		for (int i = 0; i < SLOTS; i++) {
			if (!slots[i].key)
				free_slot = free_slot ? free_slot : &slots[i];
			else if (!oldest || slots[i].used < oldest->used)
				oldest = &slots[i];
		}
		if (free_slot && total + need <= cap())
			return free_slot;
		if (!oldest)
			return NULL;
		drop(oldest);
	}
}

/* Re-adds the stored "Name: value" lines. */
static void replay_headers(req_t *r, const char *h)
{
	while (h && *h) {
		const char *nl = strchr(h, '\n'), *colon = strchr(h, ':');
		if (!nl || !colon || colon > nl)
			return;
		reply_header(r, arena_strndup(r->arena, h, (size_t)(colon - h)),
			     arena_strndup(r->arena, colon + 2, (size_t)(nl - colon - 2)));
		h = nl + 1;
	}
}

/* The handler's headers as "Name: value\n" lines, without the cache's own. */
static char *headers_of(const req_t *r)
{
	buf_t b;
	buf_init(&b, 8192);
	buf_adds(&b, "");
	for (int i = 0; i < r->n_out_headers; i++)
		if (strncmp(r->out_headers[i], "X-Cache:", 8) != 0)
			buf_printf(&b, "%s\n", r->out_headers[i]);
	if (b.oom || !b.data) {
		buf_free(&b);
		return strdup("");
	}
	return b.data;              /* ownership passes to the entry */
}

static const char *key_of(req_t *r)
{
	return arena_printf(r->arena, "%s %s?%s", r->method, r->path, r->query ? r->query : "");
}

int cache_serve(req_t *r, const db_stmt_t *stamp)
{
	if (cfg.cache_mb == 0)
		return 0;
	PGresult *res = db_run(r->arena, stamp, 0, NULL);
	if (!res)
		return db_fail(r), -1;
	const char *now = db_get(res, 0, 0);
	const char *key = key_of(r);
	if (!now || !key)
		return 0;
	struct entry *e = find(key);
	if (e && strcmp(e->stamp, now) == 0 && time(NULL) - e->stored < TTL_SECONDS) {
		e->used = ++clock_now;
		replay_headers(r, e->headers);
		reply_header(r, "X-Cache", "hit");
		reply_raw(r, 200, e->ctype, e->body, e->size);
		return 1;
	}
	r->cache_key = key;
	r->cache_stamp = arena_strdup(r->arena, now);
	reply_header(r, "X-Cache", "miss");
	return 0;
}

void cache_store(req_t *r)
{
	if (!r->cache_key || r->status != 200 || !r->reply_body || !r->reply_ctype)
		return;
	size_t size = r->reply_bytes;
	if (size > cap() / 4)
		return;                 /* one report must not flush the whole cache */
	struct entry *old = find(r->cache_key);
	if (old)
		drop(old);
	struct entry *e = make_room(size);
	if (!e)
		return;
	e->key = strdup(r->cache_key);
	e->stamp = strdup(r->cache_stamp);
	e->ctype = strdup(r->reply_ctype);
	e->body = malloc(size ? size : 1);
	e->headers = headers_of(r);
	if (!e->key || !e->stamp || !e->ctype || !e->body || !e->headers) {
		e->size = 0;
		drop(e);
		return;
	}
	memcpy(e->body, r->reply_body, size);
	e->size = size;
	e->stored = time(NULL);
	e->used = ++clock_now;
	total += size;
}
