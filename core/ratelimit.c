/* ratelimit.c - token buckets per API key; see ratelimit.h. One bucket per key
 * in Redis (a Lua script refills and takes atomically, on Redis's clock), else
 * in a table in shared memory behind one robust process-shared mutex. */
#include "ratelimit.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "cache.h"
#include "config.h"
#include "log.h"

#define SLOTS 4096              /* keys active at once on one host */
#define PROBE 8

struct bucket {
	int64_t key;                /* API key id, 0 = free */
	double tokens, at;          /* tokens left at time `at` (s) */
};

struct table {
	pthread_mutex_t lock;
	struct bucket b[SLOTS];
};

static struct table *tab;

int ratelimit_take(double *tokens, double *at, double now, double rate, double burst,
		   double *wait)
{
	if (*at == 0) {
		*tokens = burst;
		*at = now;
	}
	*tokens = fmin(burst, *tokens + fmax(0, now - *at) * rate);   /* clocks may step back */
	*at = now;
	if (*tokens >= 1) {
		*tokens -= 1;
		*wait = 0;
		return 0;
	}
	*wait = (1 - *tokens) / rate;
	return -1;
}

int ratelimit_init(void)
{
	pthread_mutexattr_t ma;
	void *p = mmap(NULL, sizeof(*tab), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, sizeof(*tab));
	tab = p;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	int rc = pthread_mutex_init(&tab->lock, &ma) == 0 ? 0 : -1;
	pthread_mutexattr_destroy(&ma);
	return rc;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The key's bucket, or the least recently used of its probe run (reset). */
static struct bucket *bucket_of(int64_t key)
{
	struct bucket *oldest = NULL;
	for (int i = 0; i < PROBE; i++) {
		struct bucket *b = &tab->b[((uint64_t)key * 2654435761u + (unsigned)i) % SLOTS];
		if (b->key == key)
			return b;
		if (!oldest || b->at < oldest->at)
			oldest = b;
	}
	*oldest = (struct bucket){.key = key};
	return oldest;
}

/* This host's bucket; 0/-1 as ratelimit_take (no table: always 0). */
static int take_local(int64_t key, double rate, double burst, double *wait)
{
	if (!tab)
		return 0;
	int rc = pthread_mutex_lock(&tab->lock);
	if (rc == EOWNERDEAD)               /* a worker died holding it: the table is whole */
		pthread_mutex_consistent(&tab->lock);
	else if (rc != 0)
		return 0;
	struct bucket *b = bucket_of(key);
	rc = ratelimit_take(&b->tokens, &b->at, now_s(), rate, burst, wait);
	pthread_mutex_unlock(&tab->lock);
	return rc;
}

/* The same bucket as ratelimit_take, kept in Redis: returns the wait in seconds. */
static const char script[] =
	"local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])\n"
	"local t = redis.call('TIME')\n"
	"local now = tonumber(t[1]) + tonumber(t[2]) / 1e6\n"
	"local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')\n"
	"local at = math.min(tonumber(b[2]) or now, now)\n"
	"local tokens = math.min(burst, (tonumber(b[1]) or burst) + (now - at) * rate)\n"
	"local wait = 0\n"
	"if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end\n"
	"redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))\n"
	"redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)\n"
	"return tostring(wait)\n";

/* Every host's bucket; 0/-1 as ratelimit_take, -2 when Redis is off or failed. */
static int take_shared(int64_t key, double rate, double burst, double *wait)
{
	redisContext *c = cache_redis();
	if (!c)
		return -2;
	char k[48], r[32], b[32];
	snprintf(k, sizeof(k), "zoe:rate:apikey:%lld", (long long)key);
	snprintf(r, sizeof(r), "%.17g", rate);
	snprintf(b, sizeof(b), "%.17g", burst);
	redisReply *rep = redisCommand(c, "EVAL %s 1 %s %s %s", script, k, r, b);
	int rc = -2;
	if (!rep) {
		cache_redis_failed();
		return -2;
	}
	if (rep->type == REDIS_REPLY_STRING) {
		*wait = strtod(rep->str, NULL);
		rc = *wait > 0 ? -1 : 0;
	} else {
		log_warn("rate limit: Redis answered %s; this host's table counts instead",
			 rep->type == REDIS_REPLY_ERROR ? rep->str : "no string");
	}
	freeReplyObject(rep);
	return rc;
}

int ratelimit_request(req_t *r)
{
	double rate = cfg.apikey_rate, burst = cfg.apikey_burst, wait = 0;
	if (r->who.cred != CRED_APIKEY || rate <= 0)
		return 0;
	int rc = take_shared(r->who.id, rate, burst, &wait);
	if (rc == -2)
		rc = take_local(r->who.id, rate, burst, &wait);
	if (rc == 0)
		return 0;
	char after[24], d[160];
	snprintf(after, sizeof(after), "%.0f", fmax(1, ceil(wait)));
	snprintf(d, sizeof(d), "this API key sent more than %d requests at once or %d per second; "
		 "try again in %s s", cfg.apikey_burst, cfg.apikey_rate, after);
	reply_header(r, "Retry-After", after);
	reply_problem(r, 429, d, NULL);
	return -1;
}
