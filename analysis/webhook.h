/* webhook.h - the delivery rules of Standard Webhooks as SPEC.md fixes them:
 * what an answer means, when to try again, how a Retry-After reads.
 * Pure: the caller passes the clock and the random draw. */
#ifndef ZOE_WEBHOOK_H
#define ZOE_WEBHOOK_H

#include <stddef.h>
#include <time.h>

#define WEBHOOK_RETRIES_MAX 16

/* The retry schedule: delays after the 1st, 2nd... failed attempt. */
typedef struct webhook_schedule {
	double delay[WEBHOOK_RETRIES_MAX];      /* seconds */
	size_t n;
	double jitter;                          /* ±fraction, 0.2 */
} webhook_schedule_t;

/* SPEC's: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, ±20 %. */
extern const webhook_schedule_t webhook_schedule_default;

enum webhook_outcome {
	WH_SUCCESS,             /* 2xx */
	WH_RETRY,               /* no answer, 3xx (redirects are not followed), 4xx, 5xx */
	WH_RETRY_AFTER,         /* 429 or 503: Retry-After, when given, decides the wait */
	WH_DISABLE,             /* 410 Gone: the endpoint is disabled at once */
};

/* What an HTTP status (0: no answer) means for the delivery. */
enum webhook_outcome webhook_outcome(int http_status);

/* Seconds to wait after failed attempt number `attempt` (1 = the first try),
 * jittered by u in [0, 1) (0.5 = no jitter); -1 when the schedule is spent. */
double webhook_retry_delay(const webhook_schedule_t *s, int attempt, double u);

/* A Retry-After value: delta-seconds or an IMF-fixdate (RFC 9110), as
 * seconds from `now` (>= 0); -1 when absent or unreadable. */
long webhook_retry_after(const char *value, time_t now);

/* Reads a schedule "5,300,1800" (seconds, up to WEBHOOK_RETRIES_MAX, each
 * 0 < d <= 1 week) with jitter 0.2 into s; 0/-1. */
int webhook_schedule_parse(const char *text, webhook_schedule_t *s);

#endif
