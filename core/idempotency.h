/* idempotency.h - replay of retried writes that carry an Idempotency-Key.
 *
 * The first 2xx answer to a POST/PATCH with a key is stored per (key, route,
 * caller) for 24 hours; a retry with the same key gets that answer again
 * (with "Idempotent-Replayed: true") and the handler does not run twice. */
#ifndef ZOE_IDEMPOTENCY_H
#define ZOE_IDEMPOTENCY_H

#include "http.h"

/* 1 when a stored answer was replayed (reply sent), 0 to run the handler,
 * -1 when a reply (400/503) was already sent. */
int idem_replay(req_t *r);
/* Stores the answer just given, if it is one to keep. */
void idem_store(req_t *r);
/* 1 when the request's answer must be kept for idem_store. */
int idem_wanted(const req_t *r);

#endif
