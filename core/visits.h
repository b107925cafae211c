/* visits.h - the one definition of a visit, shared by the reports that count
 * them (#45 timeseries, #22 behavioural metrics).
 *
 * Plausible's rule: a visit is a run of one visitor's events on one site
 * without a gap over 30 minutes. Vitals are measurements, not activity, and
 * take no part. The fragments below are spliced into a report's statement:
 * VISIT_KINDS filters its `ev` CTE (columns site_id, visitor_id, ts, ...),
 * VISITS_CTE then adds the CTEs `marked` (starts = 1 on a visit's first
 * event) and `numbered` (visit = the visit's number per site and visitor). */
#ifndef ZOE_VISITS_H
#define ZOE_VISITS_H

#include <jansson.h>

#include "http.h"
#include "json_in.h"

#define VISIT_GAP "interval '30 minutes'"
#define VISIT_KINDS "('pageview', 'engagement', 'event')"

#define VISITS_CTE \
	" marked AS (SELECT ev.*, (lag(ts) OVER w IS NULL" \
	"    OR ts - lag(ts) OVER w > " VISIT_GAP ")::int AS starts" \
	"  FROM ev WINDOW w AS (PARTITION BY site_id, visitor_id ORDER BY ts))," \
	" numbered AS (SELECT marked.*, sum(starts) OVER (PARTITION BY site_id, visitor_id" \
	"    ORDER BY ts ROWS UNBOUNDED PRECEDING) AS visit FROM marked)"


/* tagged: each event of `numbered` with its visit's source and device (those
 * of its first event) and vpath, whether the visit viewed page `path` (a
 * parameter such as "$6"; SQL NULL keeps every visit). */
#define VISIT_TAGS_CTE(path) \
	" tagged AS (SELECT numbered.*," \
	"   first_value(source) OVER v AS vsource, first_value(device) OVER v AS vdevice," \
	"   bool_or(" path "::text IS NULL OR (kind = 'pageview' AND path = " path ")) OVER v AS vpath" \
	"  FROM numbered WINDOW v AS (PARTITION BY site_id, visitor_id, visit ORDER BY ts" \
	"    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))"
/* ke: the events of the visits the filters keep (source and device parameters). */
#define VISIT_FILTER_CTE(source, device) \
	" ke AS (SELECT * FROM tagged WHERE vpath AND (" source "::text IS NULL OR vsource = " source ")" \
	"    AND (" device "::text IS NULL OR vdevice = " device "))"

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
