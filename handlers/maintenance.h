/* maintenance.h - what the health sample job (health_sample.c) and the
 * predictive maintenance endpoints (level5_maintenance.c) share: the sampled
 * figures, the forecast targets, the alert rules and their evaluation. */
#ifndef ZOE_MAINTENANCE_H
#define ZOE_MAINTENANCE_H

#include <jansson.h>

#include <libpq-fe.h>

#include "arena.h"
#include "health.h"
#include "trend.h"

/* The figures of a sample, in the column order of the series statement. */
enum mnt_metric {
	M_DB_LATENCY, M_DB_CONN_SHARE, M_DB_SIZE, M_REPL_LAG, M_WORKERS, M_RESTARTS,
	M_QUEUE_DEPTH, M_QUEUE_OLDEST, M_WEBHOOK_FAIL, M_CACHE_HIT, M_DISK_FREE_SHARE,
	M_REQ_RATE, M_ERR_RATE, M_P95, M_COUNT
};

typedef struct mnt_metric_info {
	const char *name;   /* in replies */
	const char *unit;
} mnt_metric_info_t;
extern const mnt_metric_info_t mnt_metrics[M_COUNT];

/* Minute samples, oldest first; NAN where a figure was NULL. */
typedef struct mnt_series {
	size_t n;
	double *t;              /* epoch seconds */
	double *v[M_COUNT];
} mnt_series_t;

/* Loads the minute samples of the `minutes` before the latest one. 0, or -1
 * (db_last() tells why). */
int mnt_series_load(arena_t *a, int minutes, mnt_series_t *out);

/* The values of metric m that are not NAN and their times, in arena arrays;
 * returns how many (0 on out of memory). */
size_t mnt_present(arena_t *a, const mnt_series_t *s, enum mnt_metric m, double **t, double **v);

typedef struct mnt_forecast {
	size_t n;               /* samples used */
	double current;         /* the latest value */
	double slope_per_hour;  /* least-squares slope */
	health_ttt_t linear;    /* predict_linear with a 95 % band */
	int damped_ok;
	hw_model_t damped;      /* Holt's damped trend */
	health_ttt_t damped_ttt;
	int mk_ok;
	mk_result_t mk;
	double sen_per_hour;    /* NAN when mk_ok is 0 */
} mnt_forecast_t;

#define MNT_MIN_SAMPLES 10

/* Forecasts metric `m` of `s` towards `threshold` over `horizon` seconds.
 * Returns 0, or -1 with fewer than MNT_MIN_SAMPLES values or a flat time
 * axis (out->n tells how many there were). */
int mnt_forecast(arena_t *a, const mnt_series_t *s, enum mnt_metric m, double threshold,
		 int rising, double horizon, mnt_forecast_t *out);

typedef struct mnt_anomaly {
	size_t n;               /* window: the last samples up to 60 */
	double value, median, mad, z, confidence;
	int flagged;            /* |z| > 3.5 */
	int ewma_ok;
	health_ewma_t ewma;     /* lambda 0.2, +/- 3 sigma, baseline all but the last 10 */
	double ewma_confidence;
} mnt_anomaly_t;

/* Robust z and EWMA of the latest value of metric `m`. Returns 0, or -1
 * with fewer than MNT_MIN_SAMPLES values. */
int mnt_anomaly(arena_t *a, const mnt_series_t *s, enum mnt_metric m, mnt_anomaly_t *out);

/* The alert rules. */
typedef struct mnt_rule {
	const char *name;
	const char *kind;       /* threshold, prediction, anomaly */
	const char *severity;   /* warning, critical */
	enum mnt_metric metric;
	int above;              /* 1: the condition is value > limit (or rising towards it) */
	double limit;
	double horizon;         /* prediction: seconds ahead */
	int fire_after, resolve_after; /* samples in a row */
	const char *summary;
} mnt_rule_t;
extern const mnt_rule_t mnt_rules[];
extern const size_t mnt_rules_count;

/* Evaluates every rule on the latest sample of `s`, records the verdicts
 * (health_rule_observe) in the open transaction. Returns the number of
 * alerts fired or resolved, or -1. */
int mnt_rules_observe(arena_t *a, const mnt_series_t *s);

/* Live figures of the database (connections, max, size, replication lag,
 * waiting jobs, oldest waiting job's age, largest tables as JSON text), one
 * row; NULL on error. */
PGresult *mnt_db_figures(arena_t *a);
/* Free and total bytes of the data folder's file system; 0/-1. */
int mnt_disk(double *free_bytes, double *total_bytes);

/* JSON of a number, null for NAN. */
json_t *mnt_num(double v);

#endif
