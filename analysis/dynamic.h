/* dynamic.h - dynamic-content rules (#21): the condition language, its
 * checker, the evaluator and the sticky choice among weighted variants.
 *
 * A rule is {name, priority, conditions, variant | variants}. Conditions, all
 * of which must hold (a condition on a context value that is absent fails):
 *   source       ["google", "newsletter"]    the visitor's source, any of (case-insensitive)
 *   device       ["mobile", "tablet"]        any of mobile, tablet, desktop
 *   region       ["DE-BY", "AT"]             equal, or "AT" covers "AT-9" (case-insensitive)
 *   visit_count  {"min": 2, "max": 5}        inclusive bounds, either may be left out
 *   pages_seen   {"min": 3}
 *   time         {"hours": {"from": 8, "to": 18}, "days": [1, 2, 3, 4, 5]}
 *                local hour from <= h < to (wrapping past midnight when
 *                from > to) and ISO weekdays (1 = Monday), Europe/Berlin
 * Each listed value and each bound counts as one condition; a rule has at
 * most DYN_MAX_CONDITIONS. Pure: no I/O, no globals. */
#ifndef ZOE_DYNAMIC_H
#define ZOE_DYNAMIC_H

#include <jansson.h>

#define DYN_MAX_CONDITIONS 20
#define DYN_MAX_VARIANTS 10
#define DYN_MAX_WEIGHT 1000

/* A visitor's context; NULL strings and negative numbers are unknown. */
typedef struct dyn_ctx {
	const char *source, *device, *region;
	long visit_count, pages_seen;
	int hour, wday;             /* local hour 0..23, ISO weekday 1..7 */
	const char *visitor;        /* sticky key for weighted variants; "" when none */
} dyn_ctx_t;

/* Checks a conditions object; appends {field, message} to `errors` with
 * field names under `prefix` ("rules[3].conditions.device"). Returns the
 * number of errors added. */
int dyn_check_conditions(json_t *cond, const char *prefix, json_t *errors);
/* 1 when every condition of `cond` (checked before) holds for `c`. */
int dyn_match(json_t *cond, const dyn_ctx_t *c);
/* Index of the variant for `visitor` among `n` weights (each >= 1): the FNV-1a
 * hash of visitor and rule name falls into one weight's share, the same every
 * time. -1 when n == 0. */
int dyn_pick(const long *weights, int n, const char *visitor, const char *rule);
/* The rule that applies to `c` among `rules` (an array of checked rules):
 * highest priority first, then the earlier in the array. Its index, or -1. */
int dyn_choose(json_t *rules, const dyn_ctx_t *c);

#endif
