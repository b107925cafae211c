/* idempotency.h - retried writes that carry an Idempotency-Key run once.
 *
 * The key is scoped per caller (user, API key or site key), method and path;
 * anonymous routes ignore it (their answers hold secrets such as tokens). The
 * first request reserves it and its 2xx answer is stored, in the same commit
 * as the handler's work, for 24 hours; a retry of the same request gets that
 * answer again with "Idempotent-Replayed: true". A duplicate that arrives
 * while the first still runs waits up to 2 s, then gets 409 with Retry-After;
 * the same key with another method, path, query or body gets 422. 4xx and 5xx
 * answers are not kept: they wrote nothing, and the retry runs afresh. */
#ifndef ZOE_IDEMPOTENCY_H
#define ZOE_IDEMPOTENCY_H

#include "http.h"

/* Before the handler. 0: no key, run as usual; 1: the key is reserved in a
 * held transaction, run the handler, then idem_finish; -1: answered already
 * (replay, 400, 409, 422, 503). */
int idem_begin(req_t *r);
/* After the handler when idem_begin gave 1: commits a 2xx answer with the
 * handler's work, or rolls everything back, then sends the answer. */
void idem_finish(req_t *r);
/* 1 when the request carries a key that applies (its answer is kept). */
int idem_wanted(const req_t *r);

#endif
