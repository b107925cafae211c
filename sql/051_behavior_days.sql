-- 051_behavior_days.sql: the visits of a day summed for the behaviour report.
--
-- #22 (handlers/level3_behavioral.c) read every visit of its range: 68 ms at
-- 1 M events, a second at 10 M. Here each local day (Europe/Berlin, as
-- sql/047) of a site holds, per first-event source and device as stored
-- (NULL too: the report filters the raw source and groups NULL as 'direct'),
-- the figures of the report: visits, pageviews, engaged visits (GA4: 10 s of
-- engaged time or two pageviews), Plausible bounces, engaged milliseconds,
-- the deepest scroll as a histogram (the distinct values in order and their
-- visits: the quartiles come from it exactly) and, per goal name, the visits
-- that reached it and those of them that only the conversion makes engaged
-- (the report's goal, "lead" by default, picks one). A request with a path
-- filter reads the visits: a path is not a property of the visit.
-- A report reads its whole days here and the rest of its range (edges in
-- another zone, days not rolled yet, the tail) from the visits, as
-- visit_figures_between() does.

-- Citus: distributed by site_id, colocated with events and visits.
CREATE TABLE behavior_days (
    site_id     bigint NOT NULL,
    dstart      timestamptz NOT NULL,   -- the day's Berlin midnight
    dend        timestamptz NOT NULL,   -- the next one
    source      text,                   -- the first event's, as in visits
    device      text,
    visits      bigint NOT NULL,
    pageviews   bigint NOT NULL,
    engaged     bigint NOT NULL,        -- without conversions
    pbounces    bigint NOT NULL,        -- one pageview, no interactive event
    engaged_ms  bigint NOT NULL,
    scroll_vals smallint[] NOT NULL,    -- distinct deepest scrolls, ascending
    scroll_ns   bigint[] NOT NULL,      -- the visits of each
    goals       jsonb NOT NULL          -- goal -> [visits reaching it, of them not engaged else]
);
CREATE INDEX ON behavior_days (site_id, dstart);
-- rolling an hour again recomputes its day across sites
CREATE INDEX ON behavior_days (dend);

-- The figures of the visits started in [t0, t1) (of one site, or all when
-- site is NULL) in the shape of behavior_days, without the day. rolled_only:
-- read only the visits table (the rollup job), else visits_between().
CREATE FUNCTION behavior_figures(site bigint, t0 timestamptz, t1 timestamptz, rolled_only boolean)
RETURNS TABLE (site_id bigint, source text, device text, visits bigint, pageviews bigint,
               engaged bigint, pbounces bigint, engaged_ms bigint, scroll_vals smallint[],
               scroll_ns bigint[], goals jsonb)
LANGUAGE sql STABLE AS $$
WITH v AS MATERIALIZED (
    SELECT * FROM visits v
    WHERE rolled_only AND v.vstart >= t0 AND v.vstart < t1 AND (site IS NULL OR v.site_id = site)
    UNION ALL
    SELECT * FROM visits_between(site, t0, t1) WHERE NOT rolled_only),
 s AS (
    SELECT v.site_id, v.source, v.device, v.scroll, count(*) AS visits,
           sum(v.pageviews) AS pageviews,
           count(*) FILTER (WHERE v.engaged_ms >= 10000 OR v.pageviews >= 2) AS engaged,
           count(*) FILTER (WHERE v.pageviews = 1 AND v.goals = 0) AS pbounces,
           sum(v.engaged_ms) AS engaged_ms
    FROM v GROUP BY 1, 2, 3, 4),
 g AS (
    SELECT site_id, source, device, jsonb_object_agg(name, jsonb_build_array(n, extra)) AS goals
    FROM (SELECT v.site_id, v.source, v.device, r.name, count(*) AS n,
                 count(*) FILTER (WHERE NOT (v.engaged_ms >= 10000 OR v.pageviews >= 2)) AS extra
          FROM v, LATERAL (SELECT DISTINCT h.name FROM unnest(v.hit_names, v.hit_goal) h(name, goal)
                           WHERE h.goal) r
          WHERE v.goals > 0 GROUP BY 1, 2, 3, 4) x
    GROUP BY 1, 2, 3)
SELECT s.site_id, s.source, s.device, sum(s.visits)::bigint, sum(s.pageviews)::bigint,
       sum(s.engaged)::bigint, sum(s.pbounces)::bigint, sum(s.engaged_ms)::bigint,
       coalesce(array_agg(s.scroll ORDER BY s.scroll) FILTER (WHERE s.scroll IS NOT NULL), '{}'),
       coalesce(array_agg(s.visits ORDER BY s.scroll) FILTER (WHERE s.scroll IS NOT NULL), '{}'),
       coalesce((SELECT g.goals FROM g WHERE g.site_id = s.site_id
                 AND g.source IS NOT DISTINCT FROM s.source AND g.device IS NOT DISTINCT FROM s.device),
                '{}')
FROM s GROUP BY 1, 2, 3
$$;

-- Recomputes the rows of every Berlin day that [a, b) touches from its
-- visits in the table (a report reads a day only once the rollups passed it).
CREATE FUNCTION behavior_days_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s timestamptz;
    e timestamptz;
BEGIN
    FOR s, e IN SELECT * FROM rollup_days_touched(a, b) LOOP
        DELETE FROM behavior_days WHERE dend = e;
        INSERT INTO behavior_days
        SELECT f.site_id, s, e, f.source, f.device, f.visits, f.pageviews, f.engaged,
               f.pbounces, f.engaged_ms, f.scroll_vals, f.scroll_ns, f.goals
        FROM behavior_figures(NULL, s, e, true) f;
    END LOOP;
END $$;

ALTER FUNCTION rollup_hours_between(timestamptz, timestamptz)
    RENAME TO rollup_hours_before_051;

CREATE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rollup_hours_before_051(a, b);
    PERFORM behavior_days_between(a, b);
END $$;

-- The behaviour figures of [t0, t1) for one site (NULL: every site): the
-- whole Berlin days the rollups have passed from behavior_days, the rest
-- from the visits (bounds as visit_figures_between()).
CREATE FUNCTION behavior_figures_between(site bigint, t0 timestamptz, t1 timestamptz)
RETURNS TABLE (source text, device text, visits bigint, pageviews bigint, engaged bigint,
               pbounces bigint, engaged_ms bigint, scroll_vals smallint[], scroll_ns bigint[],
               goals jsonb)
LANGUAGE sql STABLE AS $$
WITH b AS MATERIALIZED (
    SELECT x.c0, greatest(x.c0, y.c1) AS c1
    FROM rollup_state s,
         LATERAL (SELECT CASE WHEN m < t0 THEN (date_trunc('day', t0 AT TIME ZONE 'Europe/Berlin')
                      + interval '1 day') AT TIME ZONE 'Europe/Berlin' ELSE m END AS c0
                  FROM (SELECT rollup_day_floor(t0) AS m) z) x,
         LATERAL (SELECT rollup_day_floor(least(t1, coalesce(s.rolled_until, '-infinity'))) AS c1) y
    WHERE t0 < t1)
SELECT d.source, d.device, d.visits, d.pageviews, d.engaged, d.pbounces, d.engaged_ms,
       d.scroll_vals, d.scroll_ns, d.goals
FROM b, behavior_days d
WHERE site IS NOT NULL AND d.site_id = site AND d.dstart >= b.c0 AND d.dstart < b.c1
UNION ALL       -- every site: a branch of its own, so the one above reads the index
SELECT d.source, d.device, d.visits, d.pageviews, d.engaged, d.pbounces, d.engaged_ms,
       d.scroll_vals, d.scroll_ns, d.goals
FROM b, behavior_days d
WHERE site IS NULL AND d.dstart >= b.c0 AND d.dstart < b.c1
UNION ALL
SELECT f.source, f.device, f.visits, f.pageviews, f.engaged, f.pbounces, f.engaged_ms,
       f.scroll_vals, f.scroll_ns, f.goals
FROM b, LATERAL behavior_figures(site, t0, least(b.c0, t1), false) f
UNION ALL
SELECT f.source, f.device, f.visits, f.pageviews, f.engaged, f.pbounces, f.engaged_ms,
       f.scroll_vals, f.scroll_ns, f.goals
FROM b, LATERAL behavior_figures(site, greatest(b.c1, b.c0), t1, false) f
WHERE b.c0 < t1
$$;

-- percentile_cont(f) of a histogram (values ascending, their counts), as
-- PostgreSQL interpolates it: between the values at ranks floor and ceil
-- of f * (n - 1). NULL for no values. A loop: a report calls it a few dozen
-- times, and a set-returning SQL body was planned at each call.
CREATE FUNCTION histogram_percentile(vals smallint[], ns bigint[], f float8) RETURNS float8
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    total bigint := 0;
    pos float8;
    cum bigint := 0;
    lo float8;
    i int;
BEGIN
    FOR i IN 1 .. coalesce(array_length(ns, 1), 0) LOOP
        total := total + ns[i];
    END LOOP;
    IF total = 0 THEN
        RETURN NULL;
    END IF;
    pos := f * (total - 1)::float8;
    FOR i IN 1 .. array_length(ns, 1) LOOP
        cum := cum + ns[i];
        IF lo IS NULL AND cum > floor(pos) THEN
            lo := vals[i];
        END IF;
        IF cum > ceil(pos) THEN
            RETURN lo + (vals[i] - lo) * (pos - floor(pos));
        END IF;
    END LOOP;
    RETURN lo;
END $$;

-- Backfill from the visits rolled so far.
SELECT behavior_days_between(min(vstart), max(vstart) + interval '1 microsecond')
FROM visits HAVING count(*) > 0;
