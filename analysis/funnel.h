/* funnel.h - the steps of a funnel (#47): "?steps=" split at commas, each a
 * page path pattern or goal:<name>; a pattern as an anchored PostgreSQL
 * regular expression, `*` matching within one path segment and `**` across
 * segments, every other character literal. No I/O, no allocation. */
#ifndef ZOE_FUNNEL_H
#define ZOE_FUNNEL_H

#include <stddef.h>

#define FUNNEL_MIN_STEPS 2
#define FUNNEL_MAX_STEPS 16
#define FUNNEL_STEP_MAX 512         /* bytes of one step */
#define FUNNEL_GOAL_MAX 64          /* bytes of a goal name */
#define FUNNEL_GOAL_PREFIX "goal:"

enum funnel_kind { FUNNEL_PAGE, FUNNEL_GOAL };

/* Splits `spec` in place at its commas into steps[0..max-1]; returns the
 * number of steps it holds (more than max when it holds more). */
int funnel_split(char *spec, char **steps, int max);
/* Kind of a (valid) step: FUNNEL_GOAL for "goal:<name>", else FUNNEL_PAGE. */
enum funnel_kind funnel_kind(const char *step);
/* NULL when `step` is a valid step, else what is wrong with it. */
const char *funnel_step_error(const char *step);
/* The regular expression of page pattern `pattern` into out; 0, or -1 when
 * it does not fit. FUNNEL_REGEX_MAX(strlen(pattern)) bytes always fit. */
int funnel_regex(const char *pattern, char *out, size_t outlen);
#define FUNNEL_REGEX_MAX(n) (5 * (n) + 3)

#endif
