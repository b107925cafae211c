/* funnel.h - the steps of a funnel (#47): "?steps=" split at commas, each a
 * page path pattern or goal:<name>, `*` matching within one path segment and
 * `**` across segments, every other character literal; and the visits walked
 * through the steps and counted (funnel_count_*, the only part that
 * allocates). No I/O. */
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

/* 1 when `name` matches page pattern `pattern` whole, as the anchored
 * expression funnel_regex() writes would (byte by byte: a '/' is never part
 * of a multibyte UTF-8 character), else 0. */
int funnel_glob(const char *pattern, const char *name);

/* A valid step ready to be matched: a goal's name, or a page pattern with the
 * length of its literal start (tested first: most hits fail there). */
typedef struct funnel_step {
	const char *text;   /* the goal's name or the page pattern (not copied) */
	size_t prefix;      /* a page: bytes before its first '*'; a goal: all */
	int goal, wild;     /* a goal step; a page pattern with a '*' */
} funnel_step_t;

void funnel_step_init(funnel_step_t *s, const char *step);
/* 1 when a hit (goal: a goal event's name, else a pageview's path; NULL
 * matches nothing) matches step s. */
int funnel_step_matches(const funnel_step_t *s, const char *name, int goal);

/* A visit's hits in time order: its pageviews and goal events. */
typedef struct funnel_hit {
	const char *name;
	int goal;
	double secs;        /* since the visit started */
} funnel_hit_t;

/* Walks a visit through steps[0..n-1]: step 1 is its first hit matching it,
 * each next step the first matching hit after the previous step's (one hit
 * completes one step; other hits in between are allowed). Returns the steps
 * completed (0..n); secs[k] (k >= 1) gets the seconds from step k's hit to
 * step k + 1's for each step k + 1 completed. */
int funnel_walk(const funnel_step_t *steps, int n, const funnel_hit_t *hits, size_t nh,
		double secs[FUNNEL_MAX_STEPS]);

/* ---- counting: visits walked and counted per step ----
 * Visits are added one by one with their visitor (site and visitor id); per
 * step k the count gives the visitors with a visit that completed it
 * (distinct site and visitor), those visits, and the median (interpolated, as
 * PostgreSQL's percentile_cont(0.5)) of their seconds from step k - 1. */
typedef struct funnel_count funnel_count_t;

/* Counting for steps[0..n-1] (copied; their texts must outlive the count);
 * NULL out of memory or when n is out of range. */
funnel_count_t *funnel_count_new(const funnel_step_t *steps, int n);
void funnel_count_free(funnel_count_t *c);
/* Adds a visit; 0, -1 out of memory. */
int funnel_count_add(funnel_count_t *c, long long site, long long visitor,
		     const funnel_hit_t *hits, size_t nh);
/* The same from PostgreSQL's text output of the visit's hit_names (text[]),
 * hit_goal (boolean[]) and hit_secs (float8[]). 0, -1 on malformed or
 * mismatched arrays or out of memory. */
int funnel_count_add_text(funnel_count_t *c, long long site, long long visitor,
			  const char *names, const char *goals, const char *secs);

/* ---- packs: a day's visits as bytes (sql/069_funnel_packs.sql) ----
 * The hits of a pack name the site's hit names by id. Each name is given
 * once, before the packs that use it: the steps it matches are found then,
 * and a pack's hit costs a lookup. 0, -1 out of memory or a negative id. */
int funnel_count_name(funnel_count_t *c, long long id, int goal, const char *name);
/* Adds the visits of a pack of site `site`: per visit its visitor id (8
 * bytes, big-endian), the number of its hits and per hit its name's id and
 * the microseconds since the previous hit (the first: since the visit began),
 * as varints (1 byte 0xxxxxxx, 2 bytes 10xxxxxx..., 4 bytes 110xxxxx..., or
 * 0xe0 and 8 bytes). Id 0 is a hit without a name. 0, -1 on a truncated or
 * malformed pack, an id never named, or out of memory. */
int funnel_count_add_pack(funnel_count_t *c, long long site, const unsigned char *pack,
			  size_t len);

typedef struct funnel_figures {
	long long visitors, visits;
	double median;      /* seconds from the previous step; NAN for step 1 or no visit */
} funnel_figures_t;

/* The figures of steps 1..n into out[0..n-1]; 0, -1 out of memory. */
int funnel_count_figures(funnel_count_t *c, funnel_figures_t *out);

#endif
