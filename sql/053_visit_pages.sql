-- 053_visit_pages.sql: the pages of each visit, one narrow row per visit and page.
--
-- The breakdowns by page, entry page and exit page (#46) read every visit of
-- the range whole (sql/040) and unnested its hits per request, finding for
-- each pageview whether it was the first of its path in the visit: at 1 M
-- events that is 55 k visits and 143 k hits in a statement of ~0.5-0.9 s over
-- 90 days. Here the rollup job does that once: one row per visit and page it
-- viewed, with that page's pageviews in the visit and the visit's own figures
-- beside it, so a report groups narrow rows by page and counts nothing per hit.
-- Figures stay exact (visitors counted from the distinct visitors, no sketch):
-- a per-day table of pages was slower (94 k page-days for 55 k visits at the
-- bench's 2,000 pages, sql/047), and these rows (~2.4 per visit) need no merge.
--
-- A visit without a pageview (goal events only) has one row with page NULL
-- and views 0, so that every visit has exactly one row marked head (its entry
-- page's, or that one): the totals and the entry page read the head rows.
-- A row goes with its visit: the foreign key deletes it when the visit goes
-- (the rollup job rolling an hour again, retention, a deleted site).
--
-- Citus: distributed by site_id, colocated with visits.
CREATE TABLE visit_pages (
    site_id    bigint NOT NULL,
    vstart     timestamptz NOT NULL,
    visitor_id bigint NOT NULL,
    page       text,                  -- NULL: the row of a visit without a pageview
    views      int NOT NULL,          -- pageviews of this page in the visit
    head       boolean NOT NULL,      -- the visit's row: its entry page's (or the NULL page's)
    is_exit    boolean NOT NULL,      -- the visit's exit page
    device     text NOT NULL,         -- the visit's (its first event's), for a device filter
    bounce     boolean NOT NULL,      -- the visit: one pageview, no goal event
    secs       float8 NOT NULL,       -- the visit: seconds from its first to its last event
    vviews     int NOT NULL,          -- the visit: its pageviews
    goals      text[],                -- the visit: goals it reached (distinct), NULL for none
    FOREIGN KEY (site_id, vstart, visitor_id) REFERENCES visits ON DELETE CASCADE
);
-- a report reads a site's range; the foreign key's deletes find a visit's rows
CREATE INDEX ON visit_pages (site_id, vstart, visitor_id);

-- The rows of visit v.
CREATE FUNCTION visit_page_rows(v visits) RETURNS SETOF visit_pages
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT v.site_id, v.vstart, v.visitor_id, g.page, g.views,
       coalesce(CASE WHEN v.pageviews = 0 THEN g.views = 0
                     ELSE g.views > 0 AND g.page = v.entry_page END, false),
       coalesce(g.views > 0 AND g.page = v.exit_page, false), v.device,
       v.pageviews = 1 AND v.goals = 0, extract(epoch FROM v.vend - v.vstart)::float8, v.pageviews,
       CASE WHEN v.goals > 0 THEN ARRAY(SELECT DISTINCT h.name FROM unnest(v.hit_names, v.hit_goal)
           h(name, goal) WHERE h.goal) END
FROM (SELECT h.name, count(*)::int FROM unnest(v.hit_names, v.hit_goal) h(name, goal)
      WHERE NOT h.goal GROUP BY h.name
      UNION ALL SELECT NULL, 0 WHERE v.pageviews = 0) g(page, views)
$$;

-- The rows of the visits started in [t0, t1) of one site (NULL: every site),
-- as visits_between() reads visits: the table before the rollups' end, the
-- raw tail after it.
CREATE FUNCTION visit_pages_between(site bigint, t0 timestamptz, t1 timestamptz)
RETURNS SETOF visit_pages LANGUAGE sql STABLE AS $$
    SELECT p.* FROM rollup_state s, visit_pages p
    WHERE site IS NOT NULL AND p.site_id = site
      AND p.vstart >= t0 AND p.vstart < least(t1, s.rolled_until)
    UNION ALL
    SELECT p.* FROM rollup_state s, visit_pages p
    WHERE site IS NULL AND p.vstart >= t0 AND p.vstart < least(t1, s.rolled_until)
    UNION ALL
    SELECT g.* FROM rollup_state s,
         LATERAL visit_rows(greatest(t0, coalesce(s.rolled_until, '-infinity')), t1, site) r,
         LATERAL visit_page_rows(r) g
    WHERE coalesce(s.rolled_until, '-infinity') < t1
$$;

-- Writes the rows of the visits started in [a, b): the visits table has just
-- been rolled there, and deleting its old visits deleted their rows.
CREATE FUNCTION visit_pages_roll(a timestamptz, b timestamptz) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO visit_pages SELECT g.* FROM visits v, LATERAL visit_page_rows(v) g
    WHERE v.vstart >= a AND v.vstart < b;
$$;

-- The rollup job keeps them with the visits: sql/057's rollup_hours_between()
-- calls visit_pages_roll() right after the visits of [a, b) are rolled.

-- Backfill from the visits rolled so far.
INSERT INTO visit_pages SELECT g.* FROM visits v, LATERAL visit_page_rows(v) g;
