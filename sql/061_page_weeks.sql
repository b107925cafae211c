-- 061_page_weeks.sql: the page breakdowns from page figures per Berlin day and
-- week, visitors as HyperLogLog sketches.
--
-- The page breakdowns (viewed, entry, exit; #46) grouped the visits' page rows
-- of the range (sql/053) per page and visitor to count visitors exactly: at
-- 1 M events ~166 k (page, visitor) pairs hashed and sorted per request, 90
-- days ~0.5 s whatever the page shown. Here the rollup job sums them once per
-- site, Berlin day, page and device (and over all devices, '*'), as sql/047
-- does for the visit properties, and once more per Berlin week from the days
-- (as sql/055 does for the UX metrics). A report reads its whole weeks, the
-- days at its edges and the rest of its range (edges in another zone, days
-- not rolled yet, the raw tail) from the page rows, summed the same way; the
-- visitors are the union of the sketches, so they merge over any range and
-- device filter (error 0.8 %, exact while a sketch holds few visitors).
--
-- Rows per property: 'page' (a visit counts once for each page it viewed, its
-- pageviews there), 'entry_page' and 'exit_page' (once, with all its
-- pageviews), and 'total' (page '': every visit once, the goal-only ones too:
-- the reply's totals). Figures as the breakdown's: visits, pageviews, bounces,
-- seconds of the visits that did not bounce, visits per goal reached.
--
-- Citus: distributed by site_id, colocated with visits.
CREATE TABLE page_days (
    site_id   bigint NOT NULL,
    dstart    timestamptz NOT NULL,   -- the day's Berlin midnight
    dend      timestamptz NOT NULL,   -- the next one (23 or 25 hours on a switch)
    property  text NOT NULL,          -- page, entry_page, exit_page, total
    page      text NOT NULL,          -- '' for the totals
    device    text NOT NULL,          -- '*': all devices
    visitors  hll NOT NULL,
    visits    bigint NOT NULL,
    pageviews bigint NOT NULL,
    bounces   bigint NOT NULL,
    secs      float8 NOT NULL,
    goals     jsonb NOT NULL          -- goal name -> visits that reached it
);
-- A report reads one site's property over a range of days, either the rows over
-- all devices or the rows per device (a device filter, the reader tests each):
-- the key puts that choice before the day, so either is one range of the index.
CREATE UNIQUE INDEX page_days_key ON page_days (site_id, property, (device = '*'), dstart, page, device);
-- rolling an hour again recomputes its day across sites
CREATE INDEX ON page_days (dend);

CREATE TABLE page_weeks (
    site_id   bigint NOT NULL,
    week      timestamptz NOT NULL,   -- the Monday's Berlin midnight
    wend      timestamptz NOT NULL,
    property  text NOT NULL,
    page      text NOT NULL,
    device    text NOT NULL,
    visitors  hll NOT NULL,
    visits    bigint NOT NULL,
    pageviews bigint NOT NULL,
    bounces   bigint NOT NULL,
    secs      float8 NOT NULL,
    goals     jsonb NOT NULL
);
CREATE UNIQUE INDEX page_weeks_key ON page_weeks (site_id, property, (device = '*'), week, page, device);
CREATE INDEX ON page_weeks (week);

-- The figures of the visits started in [t0, t1) but not in [skip0, skip1) (of
-- one site, or all when site is NULL) in the shape of page_days, without the
-- day. rolled_only: read only the page rows table (the rollup job, which has
-- just written it; nothing skipped), else as visit_pages_between() does (a
-- report: the table before the rollups' end, the raw tail after it, which
-- never reaches into [skip0, skip1): those are days rolled). A report reads
-- both edges of its range in one call, so the raw tail is planned once.
CREATE FUNCTION page_figures(site bigint, t0 timestamptz, t1 timestamptz,
                             skip0 timestamptz, skip1 timestamptz, rolled_only boolean)
RETURNS TABLE (site_id bigint, property text, page text, device text, visitors hll,
               visits bigint, pageviews bigint, bounces bigint, secs float8, goals jsonb)
LANGUAGE sql STABLE AS $$
WITH g AS (
    SELECT p.* FROM visit_pages p
    WHERE rolled_only AND p.vstart >= t0 AND p.vstart < t1 AND (site IS NULL OR p.site_id = site)
    UNION ALL
    SELECT p.* FROM rollup_state s, visit_pages p
    WHERE NOT rolled_only AND p.site_id = site
      AND p.vstart >= t0 AND p.vstart < least(skip0, t1, s.rolled_until)
    UNION ALL
    SELECT p.* FROM rollup_state s, visit_pages p
    WHERE NOT rolled_only AND p.site_id = site
      AND p.vstart >= greatest(skip1, t0) AND p.vstart < least(t1, s.rolled_until)
    UNION ALL
    SELECT g.* FROM rollup_state s,
         LATERAL visit_rows(greatest(t0, coalesce(s.rolled_until, '-infinity')), t1, site) r,
         LATERAL visit_page_rows(r) g
    WHERE NOT rolled_only AND coalesce(s.rolled_until, '-infinity') < t1),
 -- one row per page row and value it counts for, once for its device, once for '*'
 kv AS (
    SELECT g.site_id, g.visitor_id, x.device, d.property, d.page, d.n, g.bounce::int AS bounce,
           g.secs, g.goals
    FROM g, LATERAL (
        SELECT 'page', g.page, g.views WHERE g.views > 0
        UNION ALL SELECT 'entry_page', g.page, g.vviews WHERE g.head AND g.views > 0
        UNION ALL SELECT 'exit_page', g.page, g.vviews WHERE g.is_exit
        UNION ALL SELECT 'total', '', g.vviews WHERE g.head
    ) d(property, page, n), LATERAL (VALUES (g.device), ('*')) x(device)),
 gl AS (
    SELECT r.site_id, r.property, r.page, r.device, jsonb_object_agg(r.goal, r.visits) AS goals
    FROM (SELECT kv.site_id, kv.property, kv.page, kv.device, u.goal, count(*) AS visits
          FROM kv, unnest(kv.goals) u(goal) GROUP BY 1, 2, 3, 4, 5) r
    GROUP BY 1, 2, 3, 4),
 a AS (
    SELECT kv.site_id, kv.property, kv.page, kv.device,
           hll_add_agg(visitor_hash(kv.site_id, kv.visitor_id), 14, 5, -1, 0) AS visitors, -- 0.8 %
           count(*) AS visits, sum(kv.n) AS pageviews, sum(kv.bounce) AS bounces,
           sum(kv.secs * (1 - kv.bounce)) AS secs
    FROM kv GROUP BY 1, 2, 3, 4)
SELECT a.site_id, a.property, a.page, a.device, a.visitors, a.visits, a.pageviews::bigint,
       a.bounces::bigint, a.secs, coalesce(gl.goals, '{}')
FROM a LEFT JOIN gl USING (site_id, property, page, device)
$$;

-- Recomputes the day rows of every Berlin day that [a, b) touches from the page
-- rows in the table, then the week rows of every closed Berlin week it touches
-- from those days (the week running now is left out, as in sql/055: no reader
-- uses a week before the days it holds are rolled).
-- Without JIT: its statements are estimated dear (sketch unions over the days)
-- but run in tens of ms, and compiling them took ~1 s each under load.
CREATE FUNCTION page_days_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    s timestamptz;
    e timestamptz;
    w0 timestamptz := rollup_week_floor(a);
    w1 timestamptz := least(rollup_week_ceil(b), rollup_week_floor(now()));
BEGIN
    FOR s, e IN SELECT * FROM rollup_days_touched(a, b) LOOP
        DELETE FROM page_days WHERE dend = e;
        INSERT INTO page_days
        SELECT f.site_id, s, e, f.property, f.page, f.device, f.visitors, f.visits,
               f.pageviews, f.bounces, f.secs, f.goals
        FROM page_figures(NULL, s, e, e, e, true) f;
    END LOOP;
    IF w1 <= w0 THEN
        RETURN;
    END IF;
    DELETE FROM page_weeks WHERE week >= w0 AND week < w1;
    INSERT INTO page_weeks
    SELECT t.site_id, t.week, rollup_week_end(t.week), t.property, t.page, t.device, t.visitors,
           t.visits, t.pageviews, t.bounces, t.secs, coalesce(g.goals, '{}')
    FROM (SELECT site_id, rollup_week_floor(dstart) AS week, property, page, device,
                 hll_union_agg(visitors) AS visitors, sum(visits)::bigint AS visits,
                 sum(pageviews)::bigint AS pageviews, sum(bounces)::bigint AS bounces,
                 sum(secs) AS secs
          FROM page_days WHERE dstart >= w0 AND dstart < w1
          GROUP BY 1, 2, property, page, device) t
    LEFT JOIN (SELECT site_id, week, property, page, device, jsonb_object_agg(goal, n) AS goals
               FROM (SELECT site_id, rollup_week_floor(dstart) AS week, property, page, device,
                            j.key AS goal, sum(j.value::bigint) AS n
                     FROM page_days, jsonb_each_text(goals) j
                     WHERE dstart >= w0 AND dstart < w1 AND goals <> '{}'
                     GROUP BY 1, 2, property, page, device, j.key) x
               GROUP BY 1, 2, property, page, device) g
        USING (site_id, week, property, page, device);
END $$;

-- The page figures of one site over [t0, t1) for the properties props: whole
-- weeks, days at the edges and the rest as rollup_week_span() says (sql/055);
-- devices: '*' alone, or the rows per device (the reader filters them). One
-- SELECT, inlined into the report's statement, each branch on its table's key.
CREATE FUNCTION page_figures_between(site bigint, t0 timestamptz, t1 timestamptz, props text[],
                                     all_devices boolean)
RETURNS TABLE (property text, page text, device text, visitors hll, visits bigint,
               pageviews bigint, bounces bigint, secs float8, goals jsonb)
LANGUAGE sql STABLE AS $$
    SELECT d.property, d.page, d.device, d.visitors, d.visits, d.pageviews, d.bounces, d.secs, d.goals
    FROM rollup_week_span(t0, t1) s, page_weeks d
    WHERE d.site_id = site AND d.property = ANY (props)
      AND (d.device = '*') = all_devices AND d.week >= s.w0 AND d.week < s.w1
    UNION ALL
    SELECT d.property, d.page, d.device, d.visitors, d.visits, d.pageviews, d.bounces, d.secs, d.goals
    FROM rollup_week_span(t0, t1) s, page_days d
    WHERE d.site_id = site AND d.property = ANY (props)
      AND (d.device = '*') = all_devices AND d.dstart >= s.d0 AND d.dstart < s.w0
    UNION ALL
    SELECT d.property, d.page, d.device, d.visitors, d.visits, d.pageviews, d.bounces, d.secs, d.goals
    FROM rollup_week_span(t0, t1) s, page_days d
    WHERE d.site_id = site AND d.property = ANY (props)
      AND (d.device = '*') = all_devices AND d.dstart >= s.w1 AND d.dstart < s.d1
    UNION ALL
    SELECT f.property, f.page, f.device, f.visitors, f.visits, f.pageviews, f.bounces, f.secs, f.goals
    FROM rollup_week_span(t0, t1) s, LATERAL page_figures(site, t0, t1, s.d0, s.d1, false) f
    WHERE f.property = ANY (props) AND (f.device = '*') = all_devices
$$;

-- The rollup job keeps them after the visits' page rows: sql/062's
-- rollup_hours_between() calls page_days_between() with the other day tables.

-- Retention: events_expire() (sql/058) calls rollup_weeks_expire() last, after
-- the visits past a horizon went (and their page rows with them) and the
-- horizon days were computed again. sql/055's function with the page days
-- and weeks past a site's horizon deleted, and the horizon days (with their
-- weeks) computed again from the page rows left.
CREATE OR REPLACE FUNCTION rollup_weeks_expire(horizons timestamptz[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT id, date_trunc('month', now()) - make_interval(months => retention_months)
                        AS horizon FROM sites LOOP
        DELETE FROM rollup_pageviews_weeks WHERE site_id = s.id AND wend <= s.horizon;
        DELETE FROM rollup_vitals_weeks WHERE site_id = s.id AND wend <= s.horizon;
        DELETE FROM rollup_engagement_weeks WHERE site_id = s.id AND wend <= s.horizon;
        DELETE FROM page_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM page_weeks WHERE site_id = s.id AND wend <= s.horizon;
    END LOOP;
    FOR s IN SELECT DISTINCT h FROM unnest(horizons) h LOOP
        PERFORM rollup_weeks_between(s.h, s.h + interval '1 hour');
        PERFORM page_days_between(s.h, s.h + interval '1 hour');
    END LOOP;
END $$;

-- Backfill from the page rows rolled so far; later days follow the rollup job.
SELECT page_days_between(min(vstart), max(vstart) + interval '1 microsecond')
FROM visit_pages HAVING count(*) > 0;

-- The funnel (#47) reads the visits started in its range and keeps those with
-- a hit of step 1: at 1 M events 55 k visits read whole (their hit arrays) for
-- ~10 k kept when step 1 is one page. When it is a page without a wildcard the
-- visits' page rows find the visits that viewed it: by site and page here,
-- each visit then by its primary key.
CREATE INDEX ON visit_pages (site_id, page, vstart);

-- The visits of one site started in [t0, t1) with a pageview of `viewed` (and,
-- in the raw tail, those with a hit of that name: the funnel tests the kind),
-- as visits_between() reads visits: the table before the rollups' end, the raw
-- tail after it. One SELECT, inlined.
CREATE FUNCTION visits_viewing_between(site bigint, t0 timestamptz, t1 timestamptz, viewed text)
RETURNS SETOF visits LANGUAGE sql STABLE AS $$
    SELECT v.* FROM rollup_state s, visit_pages g, visits v
    WHERE g.site_id = site AND g.page = viewed
      AND g.vstart >= t0 AND g.vstart < least(t1, s.rolled_until)
      AND v.site_id = g.site_id AND v.vstart = g.vstart AND v.visitor_id = g.visitor_id
    UNION ALL
    SELECT r.* FROM rollup_state s,
         LATERAL visit_rows(greatest(t0, coalesce(s.rolled_until, '-infinity')), t1, site) r
    WHERE coalesce(s.rolled_until, '-infinity') < t1 AND viewed = ANY (r.hit_names)
$$;
