/* cache.h - the report cache: replies of read-only reports, per worker.
 *
 * A report names the data it reads by a stamp statement (the current values
 * of the data-version sequences of sql/008_report_cache.sql, bumped by every
 * write to those tables). A cached reply is served while its key (method,
 * path and query) and stamp match and it is younger than the TTL; the stamp
 * costs one cheap round trip instead of the report's query. Memory is capped
 * (ZOE_CACHE_MB, default 16 per worker; 0 turns the cache off) and the least
 * recently used reply goes first. */
#ifndef ZOE_CACHE_H
#define ZOE_CACHE_H

#include "db.h"
#include "http.h"

/* 1 when the reply was served from the cache, 0 when the handler must
 * compute it (its 200 reply is then kept by cache_store), -1 when an error
 * reply was already sent. */
int cache_serve(req_t *r, const db_stmt_t *stamp);
/* The same for a stamp statement with parameters: reports over a date range
 * pass its end and zone to events_stamp (sql/013_cache_by_day.sql), so that
 * today's beacons leave a report over closed days cached. */
int cache_serve_with(req_t *r, const db_stmt_t *stamp, int n, const char *const *params);
/* Keeps the reply just given if cache_serve asked for it (called by the worker). */
void cache_store(req_t *r);
/* Drops every entry (tests, reload). */
void cache_clear(void);

/* The worker's Redis connection (ZOE_REDIS), shared with core/ratelimit.c: NULL
 * when not configured or not answering (it retries every 5 s). After a failed
 * command call cache_redis_failed. */
struct redisContext *cache_redis(void);
void cache_redis_failed(void);

#endif
