/* ratelimit.h - request budgets of API keys: a token bucket per key.
 *
 * A key may send ZOE_APIKEY_BURST requests at once and ZOE_APIKEY_RATE per
 * second after that (defaults 100 and 20; a rate of 0 turns the limit off).
 * With Redis (ZOE_REDIS) one bucket per key serves every worker of every
 * host; without it, or while it does not answer, a table in shared memory
 * mapped by the master before it forks serves every worker of this host.
 * Beyond the budget: 429 problem+json with Retry-After. The public beacon
 * endpoints are limited in nginx instead (nginx/zoe.conf.in). */
#ifndef ZOE_RATELIMIT_H
#define ZOE_RATELIMIT_H

#include "http.h"

/* Maps the shared table; the master calls it before forking. 0/-1. */
int ratelimit_init(void);
/* The generic step after auth: a caller with an API key takes a token. On
 * refusal replies 429 with Retry-After and returns -1; 0 otherwise. */
int ratelimit_request(req_t *r);
/* The bucket itself: refills *tokens (at most `burst`) at `rate` per second
 * from *at to `now` and takes one. 0, or -1 with *wait the seconds until a
 * token is back. A bucket with *at == 0 starts full. */
int ratelimit_take(double *tokens, double *at, double now, double rate, double burst,
		   double *wait);

#endif
