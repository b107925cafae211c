/* cache.c - report replies keyed by request and data stamp; see cache.h. Shared
 * through Redis when ZOE_REDIS is set (every worker and host sees one store);
 * otherwise, or while Redis does not answer, an LRU in each worker. */
#include "cache.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

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

/* ---- the shared store ---- */

static redisContext *rc;
static time_t rc_retry;

/* The Redis connection, (re)connecting at most every 5 s; NULL when not configured
 * or unreachable, and the worker's own LRU serves instead. */
redisContext *cache_redis(void)
{
	if (!cfg.redis)
		return NULL;
	if (rc && !rc->err)
		return rc;
	if (rc)
		redisFree(rc);
	rc = NULL;
	if (time(NULL) < rc_retry)
		return NULL;
	struct timeval tv = {0, 200 * 1000};
	char host[256];
	const char *colon = strrchr(cfg.redis, ':');
	if (strncmp(cfg.redis, "unix:", 5) == 0)
		rc = redisConnectUnixWithTimeout(cfg.redis + 5, tv);
	else if (colon && (size_t)(colon - cfg.redis) < sizeof(host)) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - cfg.redis), cfg.redis);
		rc = redisConnectWithTimeout(host, (int)strtol(colon + 1, NULL, 10), tv);
	}
	if (!rc || rc->err || redisSetTimeout(rc, tv) != REDIS_OK) {
		log_warn("report cache: Redis at %s does not answer; using the worker's own",
			 cfg.redis);
		if (rc)
			redisFree(rc);
		rc = NULL;
		rc_retry = time(NULL) + 5;
	}
	return rc;
}

void cache_redis_failed(void)
{
	if (rc)
		redisFree(rc);
	rc = NULL;
	rc_retry = time(NULL) + 5;
}

static const char *rkey_of(req_t *r, const char *key)
{
	return arena_printf(r->arena, "zoe:report:%s", key);
}

static const char *str_of(const redisReply *e)
{
	return e && e->type == REDIS_REPLY_STRING ? e->str : NULL;
}

/* 1 when Redis had the reply at this stamp and it was served; 0 otherwise. */
static int shared_serve(req_t *r, redisContext *c, const char *key, const char *now)
{
	const char *rkey = rkey_of(r, key);
	redisReply *rep = rkey ? redisCommand(c, "HMGET %s stamp ctype headers body", rkey) : NULL;
	int served = 0;
	if (!rep) {
		cache_redis_failed();
		return 0;
	}
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 4) {
		const char *stamp = str_of(rep->element[0]), *ctype = str_of(rep->element[1]);
		const char *headers = str_of(rep->element[2]), *body = str_of(rep->element[3]);
		if (stamp && ctype && headers && body && strcmp(stamp, now) == 0) {
			replay_headers(r, headers);
			reply_header(r, "X-Cache", "hit");
			r->cache_state = 1;
			reply_raw(r, 200, arena_strdup(r->arena, ctype), body, rep->element[3]->len);
			served = 1;
		}
	}
	freeReplyObject(rep);
	return served;
}

static void shared_store(req_t *r, redisContext *c)
{
	const char *rkey = rkey_of(r, r->cache_key);
	char *headers = headers_of(r);
	if (!rkey || !headers) {
		free(headers);
		return;
	}
	redisAppendCommand(c, "HSET %s stamp %s ctype %s headers %s body %b", rkey, r->cache_stamp,
			   r->reply_ctype, headers, r->reply_body, r->reply_bytes);
	redisAppendCommand(c, "EXPIRE %s %d", rkey, TTL_SECONDS);
	free(headers);
	for (int i = 0; i < 2; i++) {
		redisReply *rep = NULL;
		if (redisGetReply(c, (void **)&rep) != REDIS_OK) {
			cache_redis_failed();
			return;
		}
		freeReplyObject(rep);
	}
}

int cache_serve(req_t *r, const db_stmt_t *stamp)
{
	return cache_serve_with(r, stamp, 0, NULL);
}

int cache_serve_with(req_t *r, const db_stmt_t *stamp, int n, const char *const *params)
{
	if (cfg.cache_mb == 0)
		return 0;
	int moved = db_stamp_begin();
	PGresult *res = db_run(r->arena, stamp, n, params);
	if (!res)
		return db_fail(r), -1;
	db_stamp_end(moved);
	const char *now = db_get(res, 0, 0);
	const char *key = key_of(r);
	if (!now || !key)
		return 0;
	redisContext *c = cache_redis();
	struct entry *e = c ? NULL : find(key);
	if (c && shared_serve(r, c, key, now))
		return 1;
	if (e && strcmp(e->stamp, now) == 0 && time(NULL) - e->stored < TTL_SECONDS) {
		e->used = ++clock_now;
		replay_headers(r, e->headers);
		reply_header(r, "X-Cache", "hit");
		r->cache_state = 1;
		reply_raw(r, 200, e->ctype, e->body, e->size);
		return 1;
	}
	r->cache_key = key;
	r->cache_stamp = arena_strdup(r->arena, now);
	reply_header(r, "X-Cache", "miss");
	r->cache_state = 2;
	return 0;
}

void cache_store(req_t *r)
{
	if (!r->cache_key || r->status != 200 || !r->reply_body || !r->reply_ctype)
		return;
	redisContext *c = cache_redis();
	if (c) {
		shared_store(r, c);
		return;
	}
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
