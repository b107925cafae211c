-- 040_visits.sql: one row per visit, kept by the rollup job.
--
-- The reports that follow visits (#22 behaviour, #24 journeys, #46 breakdowns
-- by a visit's source, referrer, campaign, OS, country or entry page, #47
-- funnels) read a visit's row instead of sessionising its raw events: about
-- eighteen times fewer rows at the bench's mix (seven events per page load,
-- 2.6 page loads per visit), and no window sort over the range.
--
-- A visit is the one of #45 and sql/014 (session_events()): a run of one
-- visitor's pageview, engagement and goal events on one site without a gap
-- over 30 minutes, seen within six hours either side. It belongs to the hour it
-- started in, and reports read it whole, as the hour rollups do. Its dimensions
-- are those of its first event; its hits are its pageviews (the path) and
-- goal events (the name) in time order, with seconds since the visit started.
--
-- Citus: distributed by site_id, colocated with events, like the rollups.
CREATE TABLE visits (
    site_id      bigint NOT NULL,
    vstart       timestamptz NOT NULL,
    visitor_id   bigint NOT NULL,
    vend         timestamptz NOT NULL,     -- its last event
    host         text,
    referrer     text,
    source       text,
    source_group text,
    utm_source   text,
    utm_medium   text,
    utm_campaign text,
    device       text NOT NULL,
    browser      text,
    os           text,
    country      text,
    region       text,
    pageviews    int NOT NULL,
    goals        int NOT NULL,             -- events of kind 'event'
    engaged_ms   bigint NOT NULL,          -- summed over its engagement events
    scroll       smallint,                 -- its deepest scroll, if one was reported
    entry_page   text,
    exit_page    text,
    hit_names    text[] NOT NULL,          -- path of a pageview, name of a goal
    hit_goal     boolean[] NOT NULL,       -- whether the hit is a goal event
    hit_secs     float8[] NOT NULL,        -- seconds from vstart
    PRIMARY KEY (site_id, vstart, visitor_id)
);
-- rolling an hour again deletes its visits across sites
CREATE INDEX ON visits (vstart);

-- The visits started in [since, until), computed from the raw events (of one
-- site, or all when site is NULL). Events with the same timestamp keep the
-- order pageview, goal event, engagement, then path and name; a visit's
-- dimensions are those of its first event (one per visit: starts = 1).
CREATE FUNCTION visit_rows(since timestamptz, until timestamptz, site bigint DEFAULT NULL)
RETURNS SETOF visits LANGUAGE sql STABLE AS $$
WITH m AS (
    SELECT e.site_id, e.visitor_id, e.ts, e.kind, e.path, e.name, e.host, e.referrer, e.source,
           e.source_group, e.utm_source, e.utm_medium, e.utm_campaign, e.device, e.browser,
           e.os, e.country, e.region, e.engaged_ms, e.scroll_pct,
           (lag(e.ts) OVER w IS NULL OR e.ts - lag(e.ts) OVER w > interval '30 minutes')::int
               AS starts,
           row_number() OVER w AS seq
    FROM events e
    WHERE e.ts >= since - interval '6 hours' AND e.ts < until + interval '6 hours'
      AND e.kind IN ('pageview', 'engagement', 'event') AND (site IS NULL OR e.site_id = site)
    WINDOW w AS (PARTITION BY e.site_id, e.visitor_id
                 ORDER BY e.ts, e.kind DESC, e.path, e.name)),
 n AS (
    SELECT m.*, sum(starts) OVER (PARTITION BY m.site_id, m.visitor_id ORDER BY m.seq
                                  ROWS UNBOUNDED PRECEDING) AS visit
    FROM m),
 v AS (
    SELECT site_id, visitor_id, min(ts) AS vstart, max(ts) AS vend,
           max(host) FILTER (WHERE starts = 1) AS host,
           max(referrer) FILTER (WHERE starts = 1) AS referrer,
           max(source) FILTER (WHERE starts = 1) AS source,
           max(source_group) FILTER (WHERE starts = 1) AS source_group,
           max(utm_source) FILTER (WHERE starts = 1) AS utm_source,
           max(utm_medium) FILTER (WHERE starts = 1) AS utm_medium,
           max(utm_campaign) FILTER (WHERE starts = 1) AS utm_campaign,
           max(device) FILTER (WHERE starts = 1) AS device,
           max(browser) FILTER (WHERE starts = 1) AS browser,
           max(os) FILTER (WHERE starts = 1) AS os,
           max(country) FILTER (WHERE starts = 1) AS country,
           max(region) FILTER (WHERE starts = 1) AS region,
           count(*) FILTER (WHERE kind = 'pageview')::int AS pageviews,
           count(*) FILTER (WHERE kind = 'event')::int AS goals,
           coalesce(sum(engaged_ms) FILTER (WHERE kind = 'engagement'), 0)::bigint AS engaged_ms,
           max(scroll_pct) FILTER (WHERE kind = 'engagement') AS scroll,
           (array_agg(path ORDER BY seq) FILTER (WHERE kind = 'pageview'))[1] AS entry_page,
           (array_agg(path ORDER BY seq DESC) FILTER (WHERE kind = 'pageview'))[1] AS exit_page,
           coalesce(array_agg(CASE WHEN kind = 'pageview' THEN path ELSE name END ORDER BY seq)
                    FILTER (WHERE kind <> 'engagement'), '{}') AS hit_names,
           coalesce(array_agg(kind = 'event' ORDER BY seq) FILTER (WHERE kind <> 'engagement'),
                    '{}') AS hit_goal,
           coalesce(array_agg(ts ORDER BY seq) FILTER (WHERE kind <> 'engagement'), '{}') AS hit_ts
    FROM n GROUP BY site_id, visitor_id, visit)
SELECT v.site_id, v.vstart, v.visitor_id, v.vend,
       v.host, v.referrer, v.source, v.source_group, v.utm_source, v.utm_medium,
       v.utm_campaign, v.device, v.browser, v.os, v.country, v.region,
       v.pageviews, v.goals, v.engaged_ms, v.scroll, v.entry_page, v.exit_page,
       v.hit_names, v.hit_goal,
       ARRAY(SELECT extract(epoch FROM t - v.vstart)::float8 FROM unnest(v.hit_ts) t)
FROM v WHERE v.vstart >= since AND v.vstart < until
$$;

-- The visits of a report: started in [t0, t1), of one site (NULL: every site).
-- Those before the rollups' end come from the table, the rest (the tail, hours
-- not rolled yet) from the raw events.
CREATE FUNCTION visits_between(site bigint, t0 timestamptz, t1 timestamptz)
RETURNS SETOF visits LANGUAGE sql STABLE AS $$
    -- one SELECT, so the planner inlines it into the report's statement; one
    -- branch for a site (its index), one for every site
    SELECT v.* FROM rollup_state s, visits v
    WHERE site IS NOT NULL AND v.site_id = site
      AND v.vstart >= t0 AND v.vstart < least(t1, s.rolled_until)
    UNION ALL
    SELECT v.* FROM rollup_state s, visits v
    WHERE site IS NULL AND v.vstart >= t0 AND v.vstart < least(t1, s.rolled_until)
    UNION ALL
    SELECT r.* FROM rollup_state s,
         LATERAL visit_rows(greatest(t0, coalesce(s.rolled_until, '-infinity')), t1, site) r
    WHERE coalesce(s.rolled_until, '-infinity') < t1
$$;

-- The rollup job rolls the visits of an hour with its aggregates: the function
-- of sql/039 keeps the aggregates, this one calls it and adds the visits.
ALTER FUNCTION rollup_hours_between(timestamptz, timestamptz)
    RENAME TO rollup_aggregates_between;

CREATE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rollup_aggregates_between(a, b);
    DELETE FROM visits WHERE vstart >= a AND vstart < b;
    INSERT INTO visits SELECT * FROM visit_rows(a, b);
END $$;

-- Backfill: the rollup job rolls everything again from the first event on,
-- three days per call; until it has caught up, reports read the raw events
-- for the hours not rolled yet, as for any tail.
UPDATE rollup_state SET rolled_until = NULL, version = version + 1;
