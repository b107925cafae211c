/* metrics.h - request counters and latency histograms in shared memory.
 *
 * The master maps one anonymous shared region before forking, so every
 * worker adds to the same counters with atomic operations and each request is
 * counted once, whichever worker served it. Besides the all-time histograms
 * (for Prometheus) a ring of 360 ten-second slots per route gives windowed
 * percentiles (last 1 min, 5 min, 1 h) for the performance monitor. */
#ifndef ZOE_METRICS_H
#define ZOE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct route;

#define METRICS_BUCKETS 15      /* 14 bounds + Inf */

extern const double metrics_bounds[METRICS_BUCKETS - 1];

typedef struct metrics_window {
	uint64_t count, errors;     /* errors: status >= 500 */
	uint64_t cache_hits, cache_misses; /* report cache lookups */
	double p50, p95, p99;       /* seconds, NAN with no requests */
} metrics_window_t;

/* Maps the shared region for `nroutes` routes (+1 for unmatched); 0/-1. */
int metrics_init(size_t nroutes);
/* Records one request; route_idx -1 for requests that matched no route. */
void metrics_observe(int route_idx, int status, double seconds);
void metrics_db_roundtrip(double seconds);
/* Records a report cache lookup of a route: hit (1) or miss (0). */
void metrics_cache(int route_idx, int hit);
void metrics_worker_restart(void);
void metrics_set_workers(int alive);

/* Prometheus text exposition of everything, labelled by route pattern. */
int metrics_render(buf_t *out, const struct route *table, size_t n);
/* Aggregate of the last `minutes` (1..60) for a route (-1: unmatched, -2: all). */
void metrics_window(int route_idx, int minutes, metrics_window_t *out);
/* Totals. */
uint64_t metrics_worker_restarts(void);
/* Read-your-writes with a replica: the highest primary WAL position a write
 * of this host has reached (shared by all workers); reads wait for it. */
void metrics_note_write_lsn(uint64_t lsn);
uint64_t metrics_write_lsn(void);
int metrics_workers_alive(void);
void metrics_db_stats(uint64_t *count, double *sum_seconds);

/* Writes the pool's figures as JSON to `path` (through a temporary file and
 * rename): time, pid, workers alive, restarts, cache lookups since start,
 * and the last minute overall and per route with traffic. The master calls
 * it every few seconds; the job runner's health sample reads it. 0/-1. */
int metrics_snapshot_write(const char *path, const struct route *table, size_t n);

/* p-quantile from cumulative-free bucket counts (linear within a bucket). */
double metrics_bucket_quantile(const uint64_t *buckets, double q);

#endif
