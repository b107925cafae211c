-- 039_rollup_viewers.sql: the visitors who viewed a page, per hour rollup row.
--
-- rollup_pages.visitors holds every visitor with an event on the path (a goal
-- or engagement too), which is what a filter on the page keeps; the page
-- breakdown (#46) counts a page's visitors by its pageviews, as the events
-- do. viewers: the visitors with a pageview there, a sketch like visitors.
-- rollup_hours_between() is the one of sql/014 with the column filled.
-- Backfill: the rollups are rolled again from the first event on by the
-- rollup job, three days per call (rolled_until NULL); until it has caught up,
-- the reports read the raw events for the hours not rolled yet, as for any tail.

ALTER TABLE rollup_pages ADD COLUMN viewers hll;

-- Rolls the hours [a, b) again: deletes and recomputes their rows.
CREATE OR REPLACE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM rollup_visits WHERE hour >= a AND hour < b;
    DELETE FROM rollup_pages WHERE hour >= a AND hour < b;
    DELETE FROM rollup_vitals WHERE hour >= a AND hour < b;
    DELETE FROM rollup_engagement WHERE hour >= a AND hour < b;
    DELETE FROM rollup_hours WHERE hour >= a AND hour < b;

    IF to_regclass('pg_temp.rollup_se') IS NOT NULL THEN
        DROP TABLE rollup_se;
    END IF;
    CREATE TEMP TABLE rollup_se ON COMMIT DROP AS
        SELECT * FROM session_events(a - interval '6 hours', b + interval '6 hours');

    -- one row per visit started in [a, b), with the paths it viewed and goals it reached
    INSERT INTO rollup_visits
    SELECT v.site_id, date_trunc('hour', v.vstart), p, g, coalesce(v.vdevice, '*'),
           coalesce(v.vsource, '*'), coalesce(v.vbrowser, '*'),
           count(*), sum(v.bounce), sum(v.secs * (1 - v.bounce))
    FROM (SELECT site_id, visitor_id, vstart, vdevice, vsource, vbrowser,
                 (count(*) FILTER (WHERE kind = 'pageview') = 1
                  AND count(*) FILTER (WHERE kind = 'event') = 0)::int AS bounce,
                 extract(epoch FROM max(ts) - min(ts))::float8 AS secs,
                 array_agg(DISTINCT path) FILTER (WHERE kind = 'pageview') AS paths,
                 array_agg(DISTINCT name) FILTER (WHERE kind = 'event' AND name IS NOT NULL) AS goals
          FROM rollup_se WHERE vstart >= a AND vstart < b
          GROUP BY site_id, visitor_id, vstart, vdevice, vsource, vbrowser) v,
         unnest('{*}'::text[] || coalesce(v.paths, '{}')) p,
         unnest('{""}'::text[] || coalesce(v.goals, '{}')) g
    GROUP BY v.site_id, 2, p, g, GROUPING SETS ((v.vdevice, v.vsource, v.vbrowser),
        (v.vdevice, v.vsource), (v.vdevice), (v.vsource), ());

    INSERT INTO rollup_pages
    SELECT site_id, date_trunc('hour', ts), coalesce(path, '*'), coalesce(vdevice, '*'),
           coalesce(vsource, '*'), coalesce(vbrowser, '*'),
           count(*) FILTER (WHERE kind = 'pageview'),
           hll_add_agg(visitor_hash(site_id, visitor_id), 14, 5, -1, 0),  -- error 0.8 %
           coalesce(hll_add_agg(visitor_hash(site_id, visitor_id), 14, 5, -1, 0)
                    FILTER (WHERE kind = 'pageview'), hll_empty(14, 5, -1, 0))
    FROM rollup_se WHERE ts >= a AND ts < b
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

UPDATE rollup_state SET rolled_until = NULL, version = version + 1;
