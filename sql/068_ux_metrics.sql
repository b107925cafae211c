-- 068_ux_metrics.sql: GET /api/level2/ux-signals/metrics (#4) as one function
-- planned once per connection, and the week pageviews read by index alone
-- (issue #8: UX metrics at volume).
--
-- Where the time went (EXPLAIN ANALYZE, 1 M events, 90 days, 100 pages): ranking
-- the pages by pageviews (27,090 rollup rows, a quarter of the statement),
-- reading and merging the slice's vital digests (9,300 rows; a third, most of it
-- the t-digest merge itself, whose cost follows the centroids merged), the
-- engagement digests (a fifth), and planning: 22-50 ms, the statement inlining
-- seven calls of the *_weeks_between() functions. The server plans a prepared
-- statement for its parameters five times before it may settle on a generic
-- plan, so each connection's first five requests paid for it (with two report
-- workers, most requests of a benchmark run), and the plans differ in nothing the
-- parameters decide: every bound (range, cut, site) comes from the materialized
-- CTE c at run time. Here the statement is planned once per connection
-- (plan_cache_mode) and without JIT (at 10 M events its estimate passes
-- jit_above_cost, and compiling its 700 functions took 1.8 s; the server's
-- connections set jit off, a psql caller would not).
-- With the rest below, backend CPU per request, old and new alternately (load
-- 6-10): 1 M 98 -> 78 ms over 90 days, 60 -> 35 ms over 28; 10 M 165 -> 125 and
-- 87 -> 63 ms (bench/README.md).
--
-- The week pageviews: most of the ranking's sums over 90 days come from
-- rollup_pageviews_weeks, one row per page and week (22,598 rows at 1 M). Its
-- primary key (site_id, device, week, path) finds them but leaves the count in
-- the heap, one visit per row; the day and hour rows beside them are read by
-- covering indexes already (sql/044, sql/046). With the pageviews in the index
-- the scan is index-only: 26 -> 10 ms for that node at 1 M. The table is small
-- (22 MB at 1 M) and written once per closed week and page.

CREATE INDEX rollup_pageviews_weeks_views_idx ON rollup_pageviews_weeks (site_id, device, week)
    INCLUDE (path, pageviews);

-- The reply's rows: ('vital', page or NULL = overall, vital, samples, p75, NULL,
-- good, needs improvement, poor, NULL), ('engagement', page or NULL, NULL,
-- samples, median, p75, scroll 0-25, 25-50, 50-75, 75-100), ('views', page,
-- NULL, pageviews, ...) for the slice in the reply's order, ('pages', NULL, NULL,
-- pages viewed in the range, ...).
--
-- Closed hours come from the rollups (sql/014, rollup_vitals, rollup_engagement,
-- rollup_pages: counts summed, p75 and median merged from their t-digests), the
-- hours from rollup_state.rolled_until on from the raw events (report_events():
-- each page load once with its last report, sql/012), read once (ev,
-- materialized, the columns used). A group with no closed hours keeps
-- percentile_cont's exact figure; merged digests are within 1 % of it
-- (tests/integration/test_rollups.py). Digests merge in hour order: a t-digest's
-- merge depends on its order, and two requests over the same data must give the
-- same figure. Week and day digests merge first: the merge keeps the first
-- digest's compression, and a day's or week's (300, sql/046, sql/055) keeps a
-- 90-day p75 within 0.1 % where an hour's (100) moved it by 4 % (kd). The vital
-- thresholds come from analysis/vitals.c as arrays ($4..$7); $8 device, $9 path,
-- $10 site domain: NULL = any.
--
-- The rollup rows of [t0, cut) come from rollup_*_weeks_between(): whole Berlin
-- weeks from the week rollups, whole days beside them from the day rollups, the
-- rest from the hours (sql/055, sql/046), read per site (every site without
-- $10). The pageviews (pv) from the page totals of sql/055: per page, every
-- source and browser.
--
-- The page list is paged: a long-tail page has a rollup row per hour and vital,
-- and merging them all for every page of 90 days took seconds. So the pages are
-- ranked first by their pageviews alone (bigint sums, pv), the slice $11 (limit)
-- from $12 (offset) is taken in the reply's order (pg; "C" collation, as strcmp
-- in the handler's page_list(); the groupings by path use it too, a plain byte
-- order sorts many times faster than the database's), and only its pages'
-- digests merge, read by path, device and hour from the indexes of sql/040. The
-- slice's paths go in as one array (pgs): joined row by row, the planner, which
-- cannot know the range's hours, read every row of the range instead. With $9
-- the slice is that page, viewed or not. The slice's vital rows are also bounded
-- by name ($4, the only names the rollups hold): the day rollups' key is (site,
-- path, device, name, day), and without the name the scan read each page's days
-- of every vital and of all time to keep the range's. The engagement median and
-- p75 take one array of percentiles from one aggregate (written twice with the
-- same arguments, it is computed once): two scalar calls merged the same
-- digests twice.
CREATE FUNCTION ux_metrics(from_day date, to_day date, zone text, vital_names text[],
                           vital_good float8[], vital_poor float8[], vital_max float8[],
                           by_device text, by_path text, by_site text,
                           page_limit bigint, page_offset bigint)
RETURNS TABLE (section text, page text, vital text, samples numeric, q1 float8, q2 float8,
               c1 numeric, c2 numeric, c3 numeric, c4 numeric)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan SET jit = off AS $$
#variable_conflict use_column
BEGIN
RETURN QUERY
WITH t(name, good, poor, maxv) AS (
  SELECT * FROM unnest($4::text[], $5::float8[], $6::float8[], $7::float8[])),
 c AS MATERIALIZED (SELECT p.*, greatest(p.t0, least(p.t1,
   coalesce(s.rolled_until, '-infinity'))) AS cut
  FROM (SELECT ($1::date::timestamp AT TIME ZONE $3) AS t0,
   (($2::date + 1)::timestamp AT TIME ZONE $3) AS t1,
   (SELECT id FROM sites WHERE domain = $10) AS site) p, rollup_state s),
 ev AS MATERIALIZED (SELECT e.path, e.kind, e.name, e.value, e.engaged_ms, e.scroll_pct
  FROM c, report_events(c.cut, c.t1) e
  WHERE ($8::text IS NULL OR e.device = $8) AND ($9::text IS NULL OR e.path = $9)
    AND ($10::text IS NULL OR e.site_id = c.site)),
 pv AS MATERIALIZED (SELECT w.path, sum(w.n) AS n FROM (
  SELECT r.path COLLATE "C" AS path, r.pageviews AS n
   FROM c JOIN sites st ON ($10::text IS NULL OR st.id = c.site),
    rollup_pageviews_weeks_between(st.id, c.t0, c.cut) r
   WHERE ($10::text IS NULL OR r.site_id = c.site) AND r.device = coalesce($8, '*')
    AND ($9::text IS NULL OR r.path = $9)
  UNION ALL SELECT e.path, count(*) FROM ev e WHERE e.kind = 'pageview' GROUP BY e.path) w
  GROUP BY w.path),
 pg AS MATERIALIZED (SELECT * FROM (SELECT path, n FROM pv WHERE $9::text IS NULL AND n > 0
   ORDER BY n DESC, path LIMIT $11::bigint OFFSET $12::bigint) s
  UNION ALL SELECT $9, (SELECT n FROM pv) WHERE $9::text IS NOT NULL),
 pgs AS MATERIALIZED (SELECT array_agg(path COLLATE "default") AS pages FROM pg),
 -- path NULL: over all pages (or the one page asked for)
 v AS (SELECT NULL::text COLLATE "C" AS path, r.name COLLATE "C" AS name, r.n, r.good, r.ni,
    r.poor, r.digest, NULL::float8 AS exact, r.hour AS k, r.site_id AS ks,
    r.hend > r.hour + interval '1 hour' AS kd
   FROM c JOIN sites st ON ($10::text IS NULL OR st.id = c.site),
    rollup_vitals_weeks_between(st.id, c.t0, c.cut) r
   WHERE ($10::text IS NULL OR r.site_id = c.site) AND r.device = coalesce($8, '*')
    AND r.path = coalesce($9, '*')
  UNION ALL SELECT r.path, r.name, r.n, r.good, r.ni, r.poor, r.digest, NULL, r.hour, r.site_id,
    r.hend > r.hour + interval '1 hour'
   FROM c JOIN sites st ON ($10::text IS NULL OR st.id = c.site),
    rollup_vitals_weeks_between(st.id, c.t0, c.cut) r
   WHERE ($10::text IS NULL OR r.site_id = c.site) AND r.device = coalesce($8, '*')
    AND r.path = ANY ((SELECT pages FROM pgs)::text[]) AND r.name = ANY ($4::text[])
  UNION ALL SELECT e.path, e.name, count(*), count(*) FILTER (WHERE e.value <= t.good),
   count(*) FILTER (WHERE e.value > t.good AND e.value <= t.poor),
   count(*) FILTER (WHERE e.value > t.poor), tdigest(e.value, 100),
   percentile_cont(0.75) WITHIN GROUP (ORDER BY e.value), max(c.cut), 0::bigint, false
   FROM c, ev e JOIN t ON t.name = e.name
   WHERE e.kind = 'vital' AND e.value >= 0 AND e.value <= t.maxv
   GROUP BY GROUPING SETS ((e.path, e.name), (e.name))
   HAVING GROUPING(e.path) = 1 OR e.path IN (SELECT path FROM pg)),
 g AS (SELECT NULL::text COLLATE "C" AS path, r.n, r.s0, r.s25, r.s50, r.s75, r.digest,
    NULL::float8 AS median, NULL::float8 AS p75, r.hour AS k, r.site_id AS ks,
    r.hend > r.hour + interval '1 hour' AS kd
   FROM c JOIN sites st ON ($10::text IS NULL OR st.id = c.site),
    rollup_engagement_weeks_between(st.id, c.t0, c.cut) r
   WHERE ($10::text IS NULL OR r.site_id = c.site) AND r.device = coalesce($8, '*')
    AND r.path = coalesce($9, '*')
  UNION ALL SELECT r.path, r.n, r.s0, r.s25, r.s50, r.s75, r.digest, NULL, NULL, r.hour, r.site_id,
    r.hend > r.hour + interval '1 hour'
   FROM c JOIN sites st ON ($10::text IS NULL OR st.id = c.site),
    rollup_engagement_weeks_between(st.id, c.t0, c.cut) r
   WHERE ($10::text IS NULL OR r.site_id = c.site) AND r.device = coalesce($8, '*')
    AND r.path = ANY ((SELECT pages FROM pgs)::text[])
  UNION ALL SELECT e.path, count(*), count(*) FILTER (WHERE e.scroll_pct < 25),
   count(*) FILTER (WHERE e.scroll_pct >= 25 AND e.scroll_pct < 50),
   count(*) FILTER (WHERE e.scroll_pct >= 50 AND e.scroll_pct < 75),
   count(*) FILTER (WHERE e.scroll_pct >= 75), tdigest(e.engaged_ms::float8, 100),
   percentile_cont(0.5) WITHIN GROUP (ORDER BY e.engaged_ms),
   percentile_cont(0.75) WITHIN GROUP (ORDER BY e.engaged_ms), max(c.cut), 0::bigint, false
   FROM c, ev e WHERE e.kind = 'engagement' AND e.engaged_ms IS NOT NULL
   GROUP BY GROUPING SETS ((e.path), ())
   HAVING GROUPING(e.path) = 1 OR e.path IN (SELECT path FROM pg))
 SELECT 'vital'::text, path, name, sum(n), CASE WHEN count(*) = 1 AND bool_and(exact IS NOT NULL)
   THEN max(exact) ELSE tdigest_percentile(digest, 0.75 ORDER BY kd DESC, k, ks) END, NULL::float8,
  sum(good), sum(ni), sum(poor), NULL::numeric
 FROM v GROUP BY path, name
 UNION ALL
 SELECT 'engagement', path, NULL, sum(n),
  CASE WHEN count(*) = 1 AND bool_and(median IS NOT NULL) THEN max(median)
   ELSE (tdigest_percentile(digest, ARRAY[0.5, 0.75] ORDER BY kd DESC, k, ks))[1] END,
  CASE WHEN count(*) = 1 AND bool_and(p75 IS NOT NULL) THEN max(p75)
   ELSE (tdigest_percentile(digest, ARRAY[0.5, 0.75] ORDER BY kd DESC, k, ks))[2] END,
  sum(s0), sum(s25), sum(s50), sum(s75)
 FROM g GROUP BY path
 UNION ALL
 SELECT 'views', path, NULL, n, NULL, NULL, NULL, NULL, NULL, NULL FROM pg WHERE n IS NOT NULL
 UNION ALL
 SELECT 'pages', NULL, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL FROM pv WHERE n > 0;
END
$$;
