/* metrics.c - shared-memory counters; see metrics.h. */
#include "metrics.h"

#include <jansson.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <time.h>

#include "router.h"

const double metrics_bounds[METRICS_BUCKETS - 1] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

struct counters {
	_Atomic uint64_t count, errors, client_errors, sum_us, cache_hits, cache_misses;
	_Atomic uint64_t buckets[METRICS_BUCKETS];
};

struct slot {
	_Atomic int64_t period;         /* which 10-second period the slot holds */
	struct counters c;
};

#define SLOT_SECONDS 10
#define RING (3600 / SLOT_SECONDS)    /* one hour of 10-second slots */

struct shm {
	_Atomic uint64_t worker_restarts;
	_Atomic int workers_alive;
	_Atomic uint64_t write_lsn;     /* the primary's WAL position after this host's last write */
	struct counters db;
	size_t nroutes;             /* including the unmatched slot at the end */
	/* followed by: struct counters total[nroutes]; struct slot ring[RING][nroutes] */
};

static struct shm *shm;
static struct counters *totals;
static struct slot *ring;

int metrics_init(size_t nroutes)
{
	nroutes += 1;
	size_t size = sizeof(struct shm) + nroutes * sizeof(struct counters) +
		      RING * nroutes * sizeof(struct slot);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, size);
	shm = p;
	shm->nroutes = nroutes;
	totals = (struct counters *)(shm + 1);
	ring = (struct slot *)(totals + nroutes);
	return 0;
}

static int bucket_of(double seconds)
{
	int b = 0;
	while (b < METRICS_BUCKETS - 1 && seconds > metrics_bounds[b])
		b++;
	return b;
}

static void add(struct counters *c, int status, double seconds, int b)
{
	atomic_fetch_add_explicit(&c->count, 1, memory_order_relaxed);
	if (status >= 500)
		atomic_fetch_add_explicit(&c->errors, 1, memory_order_relaxed);
	else if (status >= 400)
		atomic_fetch_add_explicit(&c->client_errors, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->sum_us, (uint64_t)(seconds * 1e6), memory_order_relaxed);
	atomic_fetch_add_explicit(&c->buckets[b], 1, memory_order_relaxed);
}

static int64_t now_period(void)
{
	return (int64_t)time(NULL) / SLOT_SECONDS;
}

static size_t slot_index(int route_idx)
{
	return route_idx < 0 || (size_t)route_idx >= shm->nroutes - 1 ? shm->nroutes - 1
								      : (size_t)route_idx;
}

void metrics_observe(int route_idx, int status, double seconds)
{
	if (!shm)
		return;
	size_t i = slot_index(route_idx);
	int b = bucket_of(seconds);
	add(&totals[i], status, seconds, b);
	int64_t m = now_period();
	struct slot *s = &ring[(size_t)(m % RING) * shm->nroutes + i];
	int64_t seen = atomic_load(&s->period);
	if (seen != m && atomic_compare_exchange_strong(&s->period, &seen, m)) {
		/* first request of a new period in this slot: start it empty */
		atomic_store(&s->c.count, 0);
		atomic_store(&s->c.errors, 0);
		atomic_store(&s->c.client_errors, 0);
		atomic_store(&s->c.sum_us, 0);
		atomic_store(&s->c.cache_hits, 0);
		atomic_store(&s->c.cache_misses, 0);
		for (int k = 0; k < METRICS_BUCKETS; k++)
			atomic_store(&s->c.buckets[k], 0);
	}
	add(&s->c, status, seconds, b);
}

void metrics_db_roundtrip(double seconds)
{
	if (shm)
		add(&shm->db, 200, seconds, bucket_of(seconds));
}

void metrics_cache(int route_idx, int hit)
{
	if (!shm)
		return;
	size_t i = slot_index(route_idx);
	atomic_fetch_add(hit ? &totals[i].cache_hits : &totals[i].cache_misses, 1);
	/* the request was counted in this period's slot just before */
	struct slot *s = &ring[(size_t)(now_period() % RING) * shm->nroutes + i];
	atomic_fetch_add(hit ? &s->c.cache_hits : &s->c.cache_misses, 1);
}

void metrics_worker_restart(void)
{
	if (shm)
		atomic_fetch_add(&shm->worker_restarts, 1);
}

void metrics_set_workers(int alive)
{
	if (shm)
		atomic_store(&shm->workers_alive, alive);
}

void metrics_note_write_lsn(uint64_t lsn)
{
	if (!shm)
		return;
	uint64_t old = atomic_load(&shm->write_lsn);
	while (lsn > old && !atomic_compare_exchange_weak(&shm->write_lsn, &old, lsn))
		;
}

uint64_t metrics_write_lsn(void) { return shm ? atomic_load(&shm->write_lsn) : 0; }

uint64_t metrics_worker_restarts(void) { return shm ? atomic_load(&shm->worker_restarts) : 0; }
int metrics_workers_alive(void) { return shm ? atomic_load(&shm->workers_alive) : 0; }

void metrics_db_stats(uint64_t *count, double *sum_seconds)
{
	*count = shm ? atomic_load(&shm->db.count) : 0;
	*sum_seconds = shm ? (double)atomic_load(&shm->db.sum_us) / 1e6 : 0;
}

double metrics_bucket_quantile(const uint64_t *buckets, double q)
{
	uint64_t total = 0;
	for (int b = 0; b < METRICS_BUCKETS; b++)
		total += buckets[b];
	if (total == 0)
		return NAN;
	double rank = q * (double)total, seen = 0;
	for (int b = 0; b < METRICS_BUCKETS; b++) {
		if (buckets[b] && seen + (double)buckets[b] >= rank) {
			double lo = b ? metrics_bounds[b - 1] : 0;
			double hi = b < METRICS_BUCKETS - 1 ? metrics_bounds[b] : lo * 2;
			return lo + (hi - lo) * ((rank - seen) / (double)buckets[b]);
		}
		seen += (double)buckets[b];
	}
	return metrics_bounds[METRICS_BUCKETS - 2];
}

void metrics_window(int route_idx, int minutes, metrics_window_t *out)
{
	uint64_t b[METRICS_BUCKETS] = {0};
	memset(out, 0, sizeof(*out));
	if (!shm)
		goto done;
	int64_t m = now_period();
	if (minutes < 1)
		minutes = 1;
	if (minutes > 60)
		minutes = 60;
	/* the current, partial slot and the full ones before it: the last
	 * minutes × 60 s, give or take the 10 s of the current slot */
	int periods = minutes * 60 / SLOT_SECONDS;
	size_t first = route_idx == -2 ? 0 : slot_index(route_idx);
	size_t last = route_idx == -2 ? shm->nroutes - 1 : first;
	for (int k = 0; k < periods; k++) {
		for (size_t i = first; i <= last; i++) {
			struct slot *s = &ring[(size_t)((m - k) % RING) * shm->nroutes + i];
			if (atomic_load(&s->period) != m - k)
				continue;
			out->count += atomic_load(&s->c.count);
			out->errors += atomic_load(&s->c.errors);
			out->cache_hits += atomic_load(&s->c.cache_hits);
			out->cache_misses += atomic_load(&s->c.cache_misses);
			for (int j = 0; j < METRICS_BUCKETS; j++)
				b[j] += atomic_load(&s->c.buckets[j]);
		}
	}
done:
	out->p50 = metrics_bucket_quantile(b, 0.50);
	out->p95 = metrics_bucket_quantile(b, 0.95);
	out->p99 = metrics_bucket_quantile(b, 0.99);
}

static void cache_totals(uint64_t *hits, uint64_t *misses)
{
	*hits = *misses = 0;
	for (size_t i = 0; shm && i < shm->nroutes; i++) {
		*hits += atomic_load(&totals[i].cache_hits);
		*misses += atomic_load(&totals[i].cache_misses);
	}
}

/* {count, errors, p95_ms (null without requests), cache_hits, cache_misses}
 * of the last minute. */
static json_t *minute_json(int route_idx, metrics_window_t *w)
{
	metrics_window(route_idx, 1, w);
	return json_pack("{s:I, s:I, s:o, s:I, s:I}", "count", (json_int_t)w->count, "errors",
			 (json_int_t)w->errors, "p95_ms",
			 isnan(w->p95) ? json_null() : json_real(w->p95 * 1000), "cache_hits",
			 (json_int_t)w->cache_hits, "cache_misses", (json_int_t)w->cache_misses);
}

int metrics_snapshot_write(const char *path, const route_t *table, size_t n)
{
	if (!shm)
		return -1;
	uint64_t hits, misses;
	cache_totals(&hits, &misses);
	metrics_window_t w;
	json_t *per_route = json_object();
	for (size_t i = 0; per_route && i < n; i++) {
		json_t *r = minute_json((int)i, &w);
		char key[300];
		snprintf(key, sizeof(key), "%s %s", table[i].method, table[i].pattern);
		if (w.count)
			json_object_set_new(per_route, key, r);
		else
			json_decref(r);
	}
	json_t *j = json_pack("{s:I, s:i, s:i, s:I, s:I, s:I, s:o, s:o}", "at", (json_int_t)time(NULL),
			      "pid", (int)getpid(), "workers_alive", metrics_workers_alive(),
			      "worker_restarts", (json_int_t)metrics_worker_restarts(), "cache_hits",
			      (json_int_t)hits, "cache_misses", (json_int_t)misses, "minute",
			      minute_json(-2, &w), "routes", per_route ? per_route : json_null());
	char tmp[1100];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int rc = j && json_dump_file(j, tmp, JSON_COMPACT) == 0 && rename(tmp, path) == 0 ? 0 : -1;
	json_decref(j);
	return rc;
}

static void render_hist(buf_t *out, const char *name, const char *label, struct counters *c)
{
	uint64_t cum = 0;
	for (int b = 0; b < METRICS_BUCKETS; b++) {
		cum += atomic_load(&c->buckets[b]);
		if (b < METRICS_BUCKETS - 1)
			buf_printf(out, "%s_bucket{%s%sle=\"%g\"} %lu\n", name, label,
				   *label ? "," : "", metrics_bounds[b], (unsigned long)cum);
		else
			buf_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %lu\n", name, label,
				   *label ? "," : "", (unsigned long)cum);
	}
	buf_printf(out, "%s_sum{%s} %.6f\n%s_count{%s} %lu\n", name, label,
		   (double)atomic_load(&c->sum_us) / 1e6, name, label, (unsigned long)cum);
}

int metrics_render(buf_t *out, const route_t *table, size_t n)
{
	if (!shm)
		return -1;
	buf_adds(out, "# HELP zoe_requests_total Requests served, by route and status class.\n"
		      "# TYPE zoe_requests_total counter\n");
	for (size_t i = 0; i < shm->nroutes; i++) {
		const char *rt = i < n ? table[i].pattern : "unmatched";
		const char *m = i < n ? table[i].method : "";
		struct counters *c = &totals[i];
		uint64_t all = atomic_load(&c->count), e5 = atomic_load(&c->errors),
			 e4 = atomic_load(&c->client_errors);
		if (!all)
			continue;
		buf_printf(out, "zoe_requests_total{method=\"%s\",route=\"%s\",class=\"2xx\"} %lu\n",
			   m, rt, (unsigned long)(all - e5 - e4));
		buf_printf(out, "zoe_requests_total{method=\"%s\",route=\"%s\",class=\"4xx\"} %lu\n",
			   m, rt, (unsigned long)e4);
		buf_printf(out, "zoe_requests_total{method=\"%s\",route=\"%s\",class=\"5xx\"} %lu\n",
			   m, rt, (unsigned long)e5);
	}
	buf_adds(out, "# HELP zoe_request_duration_seconds Request latency by route.\n"
		      "# TYPE zoe_request_duration_seconds histogram\n");
	for (size_t i = 0; i < shm->nroutes; i++) {
		if (!atomic_load(&totals[i].count))
			continue;
		char label[256];
		snprintf(label, sizeof(label), "method=\"%s\",route=\"%s\"",
			 i < n ? table[i].method : "", i < n ? table[i].pattern : "unmatched");
		render_hist(out, "zoe_request_duration_seconds", label, &totals[i]);
	}
	buf_adds(out, "# HELP zoe_db_roundtrip_seconds PostgreSQL round trips.\n"
		      "# TYPE zoe_db_roundtrip_seconds histogram\n");
	render_hist(out, "zoe_db_roundtrip_seconds", "", &shm->db);
	buf_printf(out, "# HELP zoe_worker_restarts_total Workers respawned after dying.\n"
			"# TYPE zoe_worker_restarts_total counter\nzoe_worker_restarts_total %lu\n"
			"# HELP zoe_workers Workers alive.\n# TYPE zoe_workers gauge\nzoe_workers %d\n",
		   (unsigned long)atomic_load(&shm->worker_restarts),
		   atomic_load(&shm->workers_alive));
	uint64_t hits, misses;
	cache_totals(&hits, &misses);
	buf_printf(out, "# HELP zoe_cache_lookups_total Report cache lookups, by result.\n"
			"# TYPE zoe_cache_lookups_total counter\n"
			"zoe_cache_lookups_total{result=\"hit\"} %lu\n"
			"zoe_cache_lookups_total{result=\"miss\"} %lu\n",
		   (unsigned long)hits, (unsigned long)misses);
	return out->oom ? -1 : 0;
}
