/* vitals.h - Core Web Vitals thresholds and ratings (web-vitals / CrUX). */
#ifndef ZOE_VITALS_H
#define ZOE_VITALS_H

#include <stddef.h>

enum vital_rating { VITAL_GOOD, VITAL_NEEDS_IMPROVEMENT, VITAL_POOR };

typedef struct vital_def {
	const char *name;   /* LCP, INP, CLS, FCP, TTFB */
	double good;        /* value <= good is good */
	double poor;        /* value > poor is poor */
	double max;         /* values above are impossible and dropped */
	int core;           /* counts for the Core Web Vitals verdict */
	const char *unit;   /* "ms" or "" */
} vital_def_t;

/* The table of vitals, in display order, and its length. */
extern const vital_def_t vitals_table[];
extern const size_t vitals_count;

/* Returns the definition for `name` (case-sensitive), NULL if unknown. */
const vital_def_t *vitals_find(const char *name);
/* Rating of `value` for vital `v`. */
enum vital_rating vitals_rate(const vital_def_t *v, double value);
/* "good", "needs-improvement" or "poor" (the web-vitals spelling). */
const char *vitals_rating_name(enum vital_rating r);
/* 1 when `value` is possible for `v` (0 <= value <= max), else 0. */
int vitals_plausible(const vital_def_t *v, double value);

/* Columns of the table, as PostgreSQL array literals for SQL that joins
 * against the thresholds ("{LCP,INP,CLS,FCP,TTFB}", "{2500,200,0.1,1800,800}"). */
enum vitals_column { VITALS_NAME, VITALS_GOOD, VITALS_POOR, VITALS_MAX };
/* The literal of column `col`, built once; never NULL. */
const char *vitals_array_literal(enum vitals_column col);

/* Minimum samples per page and device before a verdict is given. */
#define VITALS_MIN_SAMPLES 5

#endif
