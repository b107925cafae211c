/* level3_visits.h - the SQL pieces #23, #24 and #25 share: visits and page groups.
 *
 * A visit is a run of one visitor's events on one site without a gap over 30
 * minutes (Plausible's definition, as #45 counts them), a row of the visits
 * table (sql/040_visits.sql). HITS(v) are the hits of such a row v in order,
 * h(name, goal, i): a pageview's path or a goal event's name, whether it is
 * a goal event, its position. COLLAPSED(a) is the array a with each run of
 * equal items kept once (reloads, pages of one group). A page group is the
 * first path segment ("/produkte/wallbox" -> "/produkte", "/" -> "/"). */
#ifndef ZOE_LEVEL3_VISITS_H
#define ZOE_LEVEL3_VISITS_H

#define HITS(v) "unnest(" v ".hit_names, " v ".hit_goal) WITH ORDINALITY h(name, goal, i)"

#define COLLAPSED(a) \
	"ARRAY(SELECT x FROM unnest(" a ") WITH ORDINALITY r(x, i)" \
	" WHERE x IS DISTINCT FROM (" a ")[i - 1] ORDER BY i)"

#define PAGE_GROUP(col) "('/' || split_part(" col ", '/', 2))"

#endif
