/* visits.h - the filters of the reports that count visits, the visitor id,
 * and the SQL pieces those reports share.
 *
 * Plausible's rule: a visit is a run of one visitor's events on one site
 * without a gap over 30 minutes. Vitals are measurements, not activity, and
 * take no part. The rule itself is SQL: visit_rows() and the visits table
 * (sql/040_visits.sql), session_events() for the hour rollups (sql/014). */
#ifndef ZOE_VISITS_H
#define ZOE_VISITS_H

#include <jansson.h>

#include "http.h"
#include "json_in.h"

/* Whether visit `v` (a row of visits_between()) has a goal hit (`goal` true)
 * or a pageview hit (false) named `name`, an SQL expression such as "$5".
 * The test of the names alone first: most visits fail it, at a tenth of the
 * cost of unnesting their hits. */
#define VISIT_HAS_HIT(goal, name) \
	"CASE WHEN " name " = ANY (v.hit_names) THEN EXISTS (SELECT 1" \
	"  FROM unnest(v.hit_names, v.hit_goal) h(name, goal)" \
	"  WHERE h.goal = " goal " AND h.name = " name ") ELSE false END"

/* The reports over the hour rollups (sql/014_rollups.sql) read them for the
 * closed hours [from, cut) and the raw events from cut on (the tail, hours not
 * rolled yet), sessionised by the rollups' rule (session_events()). Spliced
 * after a CTE `p` with columns t1 (the range's end) and site (the site's id);
 * `from` is where the rollups are read from (an SQL expression over p), `site`
 * the site parameter (NULL: every site), `goal` the goal parameter. Defines
 * `c` (p's columns and cut), `se` (the tail's events with their visit's start,
 * source, device and browser) and `tv` (one row per visit started in the
 * tail: bounce, seconds, whether it reached the goal, the pages it viewed). */
#define ROLLUP_TAIL_CTE(from, site, goal) \
	" c AS MATERIALIZED (SELECT p.*," \
	"   greatest(" from ", least(p.t1, coalesce(s.rolled_until, '-infinity'))) AS cut" \
	"  FROM p, rollup_state s)," \
	" se AS MATERIALIZED (SELECT s.* FROM c, session_events(c.cut, c.t1) s" \
	"  WHERE " site "::text IS NULL OR s.site_id = c.site)," \
	" tv AS (SELECT site_id, visitor_id, vstart, vsource, vdevice, vbrowser," \
	"   (count(*) FILTER (WHERE kind = 'pageview') = 1" \
	"    AND count(*) FILTER (WHERE kind = 'event') = 0)::int AS bounce," \
	"   extract(epoch FROM max(ts) - min(ts))::float8 AS secs," \
	"   coalesce(bool_or(kind = 'event' AND name = " goal "), false) AS converted," \
	"   array_agg(DISTINCT path) FILTER (WHERE kind = 'pageview') AS paths" \
	"  FROM se, c WHERE vstart >= c.cut" \
	"  GROUP BY site_id, visitor_id, vstart, vsource, vdevice, vbrowser),"

/* The filters of the visit reports: NULL = any (device "all" too); the goal
 * defaults to "lead". */
typedef struct visit_filters {
	const char *site, *path, *source, *device, *goal;
} visit_filters_t;

extern const char *const visit_devices[];   /* all, mobile, tablet, desktop */

/* Their rules, for a route's query table (router.h). */
#define VISIT_FILTER_RULES \
	{"device", V_STRING, 0, 0, 0, visit_devices, NULL}, \
	{"source", V_STRING, 0, 1, 253, NULL, NULL}, \
	{"goal", V_STRING, 0, 1, 64, NULL, NULL}, \
	{"path", V_STRING, 0, 1, 2048, NULL, NULL}, \
	{"site", V_STRING, 0, 1, 253, NULL, NULL}

/* Reads the filters from the query; bad values go to `errors` as {field,
 * message}. Returns the number of errors added. */
int visits_parse_filters(req_t *r, visit_filters_t *f, json_t *errors);
/* {"site","path","source","device","goal"} for replies (new reference). */
json_t *visits_filters_json_new(const visit_filters_t *f);

/* The caller's visitor id for site r->who.id, as the tracker's beacons are
 * stored: a keyed hash of the day's salt, the site, the address and the user
 * agent (no cookie, no address kept), as decimal text into out. 0/-1. */
int visits_visitor_id(req_t *r, char out[24]);
/* The same for a given site, address and user agent (server-side batches). */
int visits_visitor_id_of(arena_t *a, long long site, const char *ip, const char *ua,
			 char out[24]);

#endif
