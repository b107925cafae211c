-- 062_rollup_close.sql: a cheaper run to close an hour (issue #8: rollup lag
-- at 2,000 events/s).
--
-- The run closing hour H rolled [H-2h, H+1h) whole, then the Berlin day holding
-- them. Rolling read events far from the hours: the hour tables sessionised
-- session_events(a - 6h, b + 6h), which itself looks six hours further, so
-- twelve hours of events each side; the visits six hours back. In a steady
-- stream that is 15 hours of events sorted for the hour tables and 9 for the
-- visits, to roll one new hour. Now:
--
--   * The two hours before H are rolled again because visits started there
--     may have gone on into H. Their pages, vitals, engagement and event
--     counts come from their own events and the start of each event's visit,
--     none of which a later event changes. Late rows (events_late, sql/048
--     and sql/059), moved history (sql/013) and a vital report superseding an
--     earlier one (sql/014) put an hour into rollup_dirty, and such an hour is
--     rolled whole as before; the others (rollup_revisit) get their visits,
--     visit pages and rollup_visits rows only.
--
--   * The visits are rolled first, and the hour tables take what they need of
--     a visit from them instead of sessionising the events again: rollup_visits
--     (start, first event's device, source and browser, pageviews, goals,
--     paths, goal names, first and last event) and the visit of each event
--     rollup_pages counts. Those read only the events of their own hours.
--
--   * visit_rows() looks 30 minutes back instead of six hours (why that gives
--     the same visits: at the function).
--
--   * Readers use a Berlin day's rows only once the day ends at or before
--     rollup_state.rolled_until (rollup_day_span(), visit_figures_between(),
--     behavior_figures_between(), the journeys). The rows of the day under
--     way were recomputed from all its hours and visits by every closing run,
--     a cost that grows through the day. They are now written by the run
--     whose rolled hours reach the day's end and by any later one touching
--     the day (late rows, the revisited hours after midnight); each recomputes
--     the whole day. A day rolled in part has no rows, or those it had when
--     this migration ran, which no reader uses and the day's last run replaces.
--
-- The rows are those of rolling whole, but for a visit of more than six hours
-- without a 30-minute pause, which session_events() and visit_rows() already
-- cut differently (sql/014). Idempotent and atomic as before: everything runs
-- in rollup_run()'s one transaction, and a run killed midway leaves nothing.

-- The rollup_visits rows of the visits started in [a, b), from the visits
-- table (roll the visits first). The same rows as sql/039's statement over
-- session_events(): a visit's device, source and browser are those of its
-- first event ('' for a missing source or browser, as session_events()
-- gives them), it bounces with one pageview and no goal event, its seconds
-- run from its first event to its last.
CREATE FUNCTION rollup_visits_from_visits(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM rollup_visits WHERE hour >= a AND hour < b;
    INSERT INTO rollup_visits
    SELECT v.site_id, date_trunc('hour', v.vstart), p, g, coalesce(v.vdevice, '*'),
           coalesce(v.vsource, '*'), coalesce(v.vbrowser, '*'),
           count(*), sum(v.bounce), sum(v.secs * (1 - v.bounce))
    FROM (SELECT site_id, vstart, device AS vdevice, coalesce(source, '') AS vsource,
                 coalesce(browser, '') AS vbrowser,
                 (pageviews = 1 AND goals = 0)::int AS bounce,
                 extract(epoch FROM vend - vstart)::float8 AS secs,
                 ARRAY(SELECT DISTINCT h.n FROM unnest(hit_names, hit_goal) h(n, goal)
                       WHERE NOT h.goal) AS paths,
                 ARRAY(SELECT DISTINCT h.n FROM unnest(hit_names, hit_goal) h(n, goal)
                       WHERE h.goal AND h.n IS NOT NULL) AS goals
          FROM visits WHERE vstart >= a AND vstart < b) v,
         unnest('{*}'::text[] || v.paths) p,
         unnest('{""}'::text[] || v.goals) g
    GROUP BY v.site_id, 2, p, g, GROUPING SETS ((v.vdevice, v.vsource, v.vbrowser),
        (v.vdevice, v.vsource), (v.vdevice), (v.vsource), ());
END $$;

-- The visits started in [since, until): sql/040's function reading from
-- since - 30 minutes instead of since - 6 hours. Whether an event at or after
-- since starts a visit depends only on the visitor's event before it, and that
-- one is either at most 30 minutes older (inside the window) or older still (a
-- start either way); a visit running into since has an event within the 30
-- minutes before it, so it starts before since and stays out. The same rows,
-- for the rollup job and for the raw tail of every report, from a quarter of
-- the events the rolled hours' lookback read (the closing run: 3.5 hours of
-- events instead of 9).
CREATE OR REPLACE FUNCTION visit_rows(since timestamptz, until timestamptz, site bigint DEFAULT NULL)
RETURNS SETOF visits LANGUAGE sql STABLE AS $$
WITH m AS (
    SELECT e.site_id, e.visitor_id, e.ts, e.kind, e.path, e.name, e.host, e.referrer, e.source,
           e.source_group, e.utm_source, e.utm_medium, e.utm_campaign, e.device, e.browser,
           e.os, e.country, e.region, e.engaged_ms, e.scroll_pct,
           (lag(e.ts) OVER w IS NULL OR e.ts - lag(e.ts) OVER w > interval '30 minutes')::int
               AS starts,
           row_number() OVER w AS seq
    FROM events e
    WHERE e.ts >= since - interval '30 minutes' AND e.ts < until + interval '6 hours'
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

-- The hour tables of [a, b) but rollup_visits (sql/039's function less its
-- first statement), once the visits started up to b are rolled. rollup_pages
-- counts an event under its visit's device, source and browser, those of the
-- visit's first event; sql/039 found them by sessionising the events twelve
-- hours either side. The visit of an event is the visitor's last one started
-- at or before it, and the visits table holds each visit's start and first
-- event: so the events of [a, b) are merged with the visits started in the six
-- hours before b (a visit is followed six hours back, as session_events() does;
-- an event whose visit began earlier without a pause takes the first of its
-- visitor's events in [a, b), as the six-hour window cut it there).
CREATE OR REPLACE FUNCTION rollup_aggregates_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM rollup_pages WHERE hour >= a AND hour < b;
    DELETE FROM rollup_vitals WHERE hour >= a AND hour < b;
    DELETE FROM rollup_engagement WHERE hour >= a AND hour < b;
    DELETE FROM rollup_hours WHERE hour >= a AND hour < b;

    INSERT INTO rollup_pages
    SELECT site_id, date_trunc('hour', ts), coalesce(path, '*'), coalesce(vdevice, '*'),
           coalesce(vsource, '*'), coalesce(vbrowser, '*'),
           count(*) FILTER (WHERE kind = 'pageview'),
           hll_add_agg(visitor_hash(site_id, visitor_id), 14, 5, -1, 0),  -- error 0.8 %
           coalesce(hll_add_agg(visitor_hash(site_id, visitor_id), 14, 5, -1, 0)
                    FILTER (WHERE kind = 'pageview'), hll_empty(14, 5, -1, 0))
    FROM (SELECT site_id, visitor_id, ts, kind, path, isv,
                 first_value(device) OVER w AS vdevice, first_value(source) OVER w AS vsource,
                 first_value(browser) OVER w AS vbrowser
          FROM (SELECT x.*, sum(isv) OVER (PARTITION BY site_id, visitor_id ORDER BY ts, isv DESC
                                           ROWS UNBOUNDED PRECEDING) AS visit
                FROM (SELECT site_id, visitor_id, vstart AS ts, 1 AS isv, NULL::text AS kind,
                             NULL::text AS path, device, coalesce(source, '') AS source,
                             coalesce(browser, '') AS browser
                      FROM visits WHERE vstart >= a - interval '6 hours' AND vstart < b
                      UNION ALL
                      SELECT site_id, visitor_id, ts, 0, kind, path, device, coalesce(source, ''),
                             coalesce(browser, '')
                      FROM events WHERE ts >= a AND ts < b
                        AND kind IN ('pageview', 'engagement', 'event')) x) g
          WINDOW w AS (PARTITION BY site_id, visitor_id, visit ORDER BY isv DESC, ts
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) e
    WHERE isv = 0
    GROUP BY site_id, 2, GROUPING SETS ((path, vdevice, vsource, vbrowser),
        (path, vdevice, vsource), (path, vdevice), (path, vsource), (path),
        (vdevice, vsource), (vdevice), (vsource), ());

    INSERT INTO rollup_vitals
    SELECT e.site_id, date_trunc('hour', e.ts), coalesce(e.path, '*'), coalesce(e.device, '*'),
           e.name, count(*),
           count(*) FILTER (WHERE e.value <= l.good),
           count(*) FILTER (WHERE e.value > l.good AND e.value <= l.poor),
           count(*) FILTER (WHERE e.value > l.poor),
           tdigest(e.value, 100)
    FROM report_events(a, b) e JOIN rollup_vital_limits l ON l.name = e.name
    WHERE e.kind = 'vital' AND e.value >= 0 AND e.value <= l.maxv
    GROUP BY e.site_id, 2, e.name, GROUPING SETS ((e.path, e.device), (e.path), (e.device), ());

    INSERT INTO rollup_engagement
    SELECT site_id, date_trunc('hour', ts), coalesce(path, '*'), coalesce(device, '*'), count(*),
           count(*) FILTER (WHERE scroll_pct < 25),
           count(*) FILTER (WHERE scroll_pct >= 25 AND scroll_pct < 50),
           count(*) FILTER (WHERE scroll_pct >= 50 AND scroll_pct < 75),
           count(*) FILTER (WHERE scroll_pct >= 75),
           tdigest(engaged_ms::float8, 100)
    FROM events WHERE ts >= a AND ts < b AND kind = 'engagement' AND engaged_ms IS NOT NULL
    GROUP BY site_id, 2, GROUPING SETS ((path, device), (path), (device), ());

    INSERT INTO rollup_hours
    SELECT date_trunc('hour', ts), count(*) FROM events WHERE ts >= a AND ts < b GROUP BY 1;
END $$;

-- Rolls the hours [a, b) again, then every Berlin day and closed week they
-- touch that has ended by the rollups' new end (b, or rolled_until when the
-- hours lie before it: late rows, corrections). Hours listed in the
-- transaction's rollup_revisit (rollup_run() below; none when it is called
-- from elsewhere) get their visits and rollup_visits rows only. sql/057's
-- body with those limits, the visits first: rollup_visits is kept from them.
CREATE OR REPLACE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    e timestamptz := least(b, rollup_day_floor(greatest(b, (SELECT rolled_until FROM rollup_state))));
    r record;
BEGIN
    PERFORM rollup_visit_rows_between(a, b);      -- visits (sql/040)
    PERFORM visit_pages_roll(a, b);               -- their pages (sql/053)
    PERFORM rollup_visits_from_visits(a, b);      -- rollup_visits (above)
    IF to_regclass('pg_temp.rollup_revisit') IS NULL THEN
        PERFORM rollup_aggregates_between(a, b);  -- the other hour tables (above)
    ELSE
        FOR r IN SELECT min(h) AS x, max(h) + interval '1 hour' AS y
                 FROM (SELECT h, h - (row_number() OVER (ORDER BY h)) * interval '1 hour' AS g
                       FROM generate_series(a, b - interval '1 hour', interval '1 hour') h
                       WHERE h NOT IN (SELECT hour FROM rollup_revisit)) s
                 GROUP BY g LOOP
            PERFORM rollup_aggregates_between(r.x, r.y);
        END LOOP;
    END IF;
    IF a < e THEN
        PERFORM rollup_days_between(a, e);        -- rollup_*_days (sql/046)
        PERFORM visit_days_between(a, e);         -- sql/047
        PERFORM journey_days_between(a, e);       -- sql/049
        PERFORM behavior_days_between(a, e);      -- sql/051
        PERFORM rollup_weeks_between(a, e);       -- rollup_*_weeks (sql/055)
        PERFORM page_days_between(a, e);          -- page_days, page_weeks (sql/061)
    END IF;
END $$;

-- sql/014's run (called by sql/059's rollup_run()) with the two hours before
-- the new ones in rollup_revisit instead of rollup_dirty, unless something
-- else made them dirty.
CREATE OR REPLACE FUNCTION rollup_run_before_048(names text[] DEFAULT NULL, good float8[] DEFAULT NULL,
                           poor float8[] DEFAULT NULL, maxv float8[] DEFAULT NULL)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    st rollup_state;
    upto timestamptz := date_trunc('hour', rollup_safe_until());
    start timestamptz;
    hist bigint := (SELECT last_value FROM data_version_events_history);
    corrected boolean;
    cut timestamptz;
    deferred boolean := false;
    r record;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('rollup_run'));
    IF names IS NOT NULL THEN
        DELETE FROM rollup_vital_limits;
        INSERT INTO rollup_vital_limits SELECT * FROM unnest(names, good, poor, maxv);
    END IF;
    SELECT * INTO st FROM rollup_state FOR UPDATE;
    start := coalesce(st.rolled_until, date_trunc('hour', (SELECT min(ts) FROM events)), upto);
    upto := greatest(start, least(upto, start + interval '3 days'));

    CREATE TEMP TABLE rollup_dirty (hour timestamptz PRIMARY KEY) ON COMMIT DROP;
    INSERT INTO rollup_dirty
    SELECT generate_series(start, upto - interval '1 hour', interval '1 hour')
    UNION SELECT rollup_moved_hours(least(start, upto - interval '1 day'), start)
    UNION SELECT rollup_moved_hours('-infinity', upto - interval '1 day') WHERE hist <> st.history;
    -- A back-fill over weeks (a history move) is rolled three days of its
    -- oldest changed hours per run, each run its own transaction: one run over
    -- every hour of a 10 M-event back-fill held its work uncommitted for most
    -- of an hour, and all of it was lost when the run was stopped. The hours
    -- left go to events_late as markers, so the next run rolls each of them
    -- with the hours around it even where a neighbour rolled now already
    -- matches its count; the version seen is kept, so that run compares the
    -- counts again too.
    cut := (SELECT min(hour) + interval '3 days' FROM rollup_dirty WHERE hour < start);
    IF EXISTS (SELECT 1 FROM rollup_dirty WHERE hour >= cut AND hour < start) THEN
        INSERT INTO events_late SELECT hour FROM rollup_dirty WHERE hour >= cut AND hour < start;
        DELETE FROM rollup_dirty WHERE hour >= cut AND hour < start;
        deferred := true;
    END IF;
    -- earlier reports of page loads whose later report is in a dirty hour
    INSERT INTO rollup_dirty
    SELECT DISTINCT date_trunc('hour', o.ts)
    FROM events n JOIN events o ON o.metric_id = n.metric_id AND o.name = n.name
         AND o.site_id = n.site_id AND o.ts < n.ts
    WHERE n.kind = 'vital' AND n.metric_id IS NOT NULL AND o.kind = 'vital'
      AND o.metric_id IS NOT NULL AND o.ts >= (SELECT min(hour) FROM rollup_dirty) - interval '1 day'
      AND n.ts >= (SELECT min(hour) FROM rollup_dirty) AND n.ts < upto
      AND date_trunc('hour', n.ts) IN (SELECT hour FROM rollup_dirty)
    ON CONFLICT DO NOTHING;
    -- a visit reaches into the hours either side of a changed one
    INSERT INTO rollup_dirty
    SELECT hour + d * interval '1 hour' FROM rollup_dirty, (VALUES (-1), (1)) x(d)
    WHERE hour + d * interval '1 hour' < upto AND hour < start
    ON CONFLICT DO NOTHING;
    corrected := EXISTS (SELECT 1 FROM rollup_dirty WHERE hour < start - interval '2 hours');
    -- visits started in the last two rolled hours may have gone on since: their
    -- visits are rolled again, the rest of those hours stays as it is
    CREATE TEMP TABLE rollup_revisit (hour timestamptz PRIMARY KEY) ON COMMIT DROP;
    INSERT INTO rollup_revisit
    SELECT h FROM generate_series(start - interval '2 hours', start - interval '1 hour',
                                  interval '1 hour') h
    WHERE st.rolled_until IS NOT NULL AND start < upto AND h NOT IN (SELECT hour FROM rollup_dirty);
    INSERT INTO rollup_dirty SELECT hour FROM rollup_revisit;

    -- islands of consecutive hours, at most three days each (the vital reports
    -- of an island are checked against every later one: fewer, longer islands)
    FOR r IN SELECT min(hour) AS a, max(hour) + interval '1 hour' AS b
             FROM (SELECT hour, hour - (row_number() OVER (ORDER BY hour)) * interval '1 hour' AS g
                   FROM rollup_dirty) s
             GROUP BY g, floor(extract(epoch FROM hour) / (3 * 86400)) ORDER BY 1 LOOP
        PERFORM rollup_hours_between(r.a, r.b);
    END LOOP;

    UPDATE rollup_state SET rolled_until = upto, ran_at = now(),
        history = CASE WHEN deferred THEN st.history ELSE hist END,
        version = version + corrected::int;
    RETURN (deferred OR upto < date_trunc('hour', rollup_safe_until()))::int;
END $$;
