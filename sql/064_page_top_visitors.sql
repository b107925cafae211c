-- 064_page_top_visitors.sql: the page breakdowns merge the visitor sketches of
-- the pages they show, not of every page.
--
-- A page breakdown (viewed, entry, exit; #46) from the page days and weeks of
-- sql/061 merged every page's sketches to sort the pages by visitors: at 10 M
-- events over 90 days ~35 k sketches (~24 k week rows, ~9.7 k edge days, the
-- rest from today's page rows) for one page of 50 rows, ~80 % of the
-- statement. A page's visitors can never exceed its visits (each visit has one
-- visitor), and visits are plain sums. So the reply ranks the pages by visits,
-- merges the sketches of the first k = offset + limit, and then of every other
-- page whose visits reach the k-th visitors found: no page left out can rank
-- among the first k, so the rows are those of merging every page (a threshold
-- algorithm in two rounds; the second round only raises the k-th visitors).
-- The estimate is clamped to the visits, the bound the rounds rely on (and a
-- true one: an estimate above it is the sketch's error). At 10 M, 50 rows
-- merge ~900 sketches; the bench's visitors are 81-100 % of the visits.
--
-- The sums read the rows without their sketches, and the sketches of a page
-- are found by page: these indexes put the page before the week or day.
CREATE INDEX page_weeks_by_page ON page_weeks (site_id, property, (device = '*'), page, week);
CREATE INDEX page_days_by_page ON page_days (site_id, property, (device = '*'), page, dstart);

-- The page figures of one site's visits started in [t0, t1) outside the whole
-- days [d0, d1) of rollup_week_span() (edges in another zone, days not rolled
-- yet, the raw tail), as page_figures() of sql/061 sums them for the rollup
-- job, but only for the properties props, either over all devices ('*') or
-- per device, and with the conversions of one goal: a report needs no more,
-- and page_figures() computed every property twice (~13 k rows for ~4 k used
-- at 10 M, ~60 ms). A visit's goals are distinct (sql/053), so counting the
-- visits that reached `goal` equals page_figures()'s count per goal.
CREATE FUNCTION page_tail_between(site bigint, t0 timestamptz, t1 timestamptz, props text[],
                                  all_devices boolean, goal text)
RETURNS TABLE (property text, page text, device text, visitors hll, visits bigint,
               pageviews bigint, bounces bigint, secs float8, conversions bigint)
LANGUAGE sql STABLE AS $$
WITH g AS (
    SELECT p.* FROM rollup_week_span(t0, t1) w, rollup_state s, visit_pages p
    WHERE p.site_id = site AND p.vstart >= t0 AND p.vstart < least(w.d0, t1, s.rolled_until)
    UNION ALL
    SELECT p.* FROM rollup_week_span(t0, t1) w, rollup_state s, visit_pages p
    WHERE p.site_id = site AND p.vstart >= greatest(w.d1, t0)
      AND p.vstart < least(t1, s.rolled_until)
    UNION ALL
    SELECT g.* FROM rollup_state s,
         LATERAL visit_rows(greatest(t0, coalesce(s.rolled_until, '-infinity')), t1, site) r,
         LATERAL visit_page_rows(r) g
    WHERE coalesce(s.rolled_until, '-infinity') < t1)
SELECT d.property, d.page, CASE WHEN all_devices THEN '*' ELSE g.device END,
       hll_add_agg(visitor_hash(g.site_id, g.visitor_id), 14, 5, -1, 0), -- as sql/061
       count(*), sum(d.n)::bigint, sum(g.bounce::int)::bigint,
       sum(g.secs * (1 - g.bounce::int)), count(*) FILTER (WHERE goal = ANY (g.goals))
FROM g, LATERAL (
    SELECT 'page', g.page, g.views WHERE g.views > 0
    UNION ALL SELECT 'entry_page', g.page, g.vviews WHERE g.head AND g.views > 0
    UNION ALL SELECT 'exit_page', g.page, g.vviews WHERE g.is_exit
    UNION ALL SELECT 'total', '', g.vviews WHERE g.head
) d(property, page, n)
WHERE d.property = ANY (props)
GROUP BY 1, 2, 3
$$;

-- The rolled page figures of one site over [t0, t1) without their sketches:
-- whole weeks and the edge days as rollup_week_span() says, for the
-- properties props, the rows over all devices or per device, with the
-- conversions of one goal. One SELECT, inlined, each branch on its table's key.
CREATE FUNCTION page_sums_between(site bigint, t0 timestamptz, t1 timestamptz, props text[],
                                  all_devices boolean, goal text)
RETURNS TABLE (property text, page text, device text, visits bigint, pageviews bigint,
               bounces bigint, secs float8, conversions bigint)
LANGUAGE sql STABLE AS $$
    SELECT d.property, d.page, d.device, d.visits, d.pageviews, d.bounces, d.secs,
           (d.goals ->> goal)::bigint
    FROM rollup_week_span(t0, t1) s, page_weeks d
    WHERE d.site_id = site AND d.property = ANY (props)
      AND (d.device = '*') = all_devices AND d.week >= s.w0 AND d.week < s.w1
    UNION ALL
    SELECT d.property, d.page, d.device, d.visits, d.pageviews, d.bounces, d.secs,
           (d.goals ->> goal)::bigint
    FROM rollup_week_span(t0, t1) s, page_days d
    WHERE d.site_id = site AND d.property = ANY (props)
      AND (d.device = '*') = all_devices AND d.dstart >= s.d0 AND d.dstart < s.w0
    UNION ALL
    SELECT d.property, d.page, d.device, d.visits, d.pageviews, d.bounces, d.secs,
           (d.goals ->> goal)::bigint
    FROM rollup_week_span(t0, t1) s, page_days d
    WHERE d.site_id = site AND d.property = ANY (props)
      AND (d.device = '*') = all_devices AND d.dstart >= s.w1 AND d.dstart < s.d1
$$;

-- The rolled sketches of the given pages of property prop (and devices, each
-- one of `devices`) over the same weeks and days, found by page: each page's
-- rows are one range of the indexes above (OFFSET 0 keeps the lookup per
-- page, which the planner cannot see is a few pages when they come from the
-- report's own figures). Names compare in the columns' collation, which the
-- indexes are in: the caller's may carry another (the report's statement
-- sorts its pages in "C"), and then the index is only scanned, not searched.
CREATE FUNCTION page_sketches_between(site bigint, t0 timestamptz, t1 timestamptz, prop text,
                                      all_devices boolean, pages text[], devices text[])
RETURNS TABLE (page text, visitors hll)
LANGUAGE sql STABLE AS $$
    SELECT x.page, d.visitors
    FROM rollup_week_span(t0, t1) s, unnest(pages) x(page), LATERAL (
        SELECT d.visitors FROM page_weeks d
        WHERE d.site_id = site AND d.property = prop COLLATE "default"
          AND (d.device = '*') = all_devices
          AND d.page = x.page COLLATE "default" AND d.week >= s.w0 AND d.week < s.w1
          AND d.device = ANY (devices)
        UNION ALL
        SELECT d.visitors FROM page_days d
        WHERE d.site_id = site AND d.property = prop COLLATE "default"
          AND (d.device = '*') = all_devices
          AND d.page = x.page COLLATE "default" AND d.dstart >= s.d0 AND d.dstart < s.w0
          AND d.device = ANY (devices)
        UNION ALL
        SELECT d.visitors FROM page_days d
        WHERE d.site_id = site AND d.property = prop COLLATE "default"
          AND (d.device = '*') = all_devices
          AND d.page = x.page COLLATE "default" AND d.dstart >= s.w1 AND d.dstart < s.d1
          AND d.device = ANY (devices)
        OFFSET 0) d
$$;

-- sql/061's reader of whole rows, which the breakdown no longer calls.
DROP FUNCTION page_figures_between(bigint, timestamptz, timestamptz, text[], boolean);
