-- 014_rollups.sql: hour rollups of the event table, kept by the job runner.
--
-- Reports read these for closed hours and the raw events only from
-- rollup_state.rolled_until on (the tail). Uniques are HyperLogLog sketches
-- (postgresql-15-hll) so they merge over any range and filter, percentiles
-- t-digests (postgresql-15-tdigest) so p75 merges from the hours.
--
-- The private cluster's user is a superuser and creates both extensions. On a
-- managed PostgreSQL an administrator runs the two CREATE EXTENSION statements
-- once (both are trusted by neither Debian nor most providers by default), and
-- the application role needs pg_read_all_stats for rollup_safe_until().
--
-- Citus: every table here leads with site_id, the distribution key of events;
-- create_distributed_table('events', 'site_id') and the same for each rollup_*
-- table (colocated with events) run the statements below unchanged, because
-- each statement groups by site_id. rollup_state and rollup_vital_limits are
-- small: reference tables.

CREATE EXTENSION IF NOT EXISTS hll;
CREATE EXTENSION IF NOT EXISTS tdigest;

-- Time is nearly monotonic in an append-only table: a BRIN index finds an
-- hour's rows for a few pages of index.
CREATE INDEX events_ts_brin ON events USING brin (ts) WITH (pages_per_range = 32);

-- A visitor as a HyperLogLog hash: the visitor id with the site as the seed,
-- so one person's id on two sites counts twice, as count(DISTINCT (site, visitor)).
CREATE FUNCTION visitor_hash(site bigint, visitor bigint) RETURNS hll_hashval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT hll_hash_bigint(visitor, site::int) $$;

-- The sessions rule of #45 in one place: events of kind pageview, engagement
-- and event in [since, until), each with its visit's start, source, device and
-- browser (the visit's first event). A visit is a run of one visitor's events
-- on one site without a gap over 30 minutes. Visits are found within six hours
-- either side, so a visit of more than six hours of uninterrupted activity is
-- the only one seen differently by two overlapping calls.
CREATE FUNCTION session_events(since timestamptz, until timestamptz)
RETURNS TABLE (site_id bigint, visitor_id bigint, vstart timestamptz, ts timestamptz,
               kind text, path text, name text, vsource text, vdevice text, vbrowser text)
LANGUAGE sql STABLE AS $$
WITH m AS (
    SELECT e.site_id, e.visitor_id, e.ts, e.kind, e.path, e.name, e.source, e.device, e.browser,
           (lag(e.ts) OVER w IS NULL OR e.ts - lag(e.ts) OVER w > interval '30 minutes')::int AS starts
    FROM events e
    WHERE e.ts >= since - interval '6 hours' AND e.ts < until + interval '6 hours'
      AND e.kind IN ('pageview', 'engagement', 'event')
    WINDOW w AS (PARTITION BY e.site_id, e.visitor_id ORDER BY e.ts)),
 n AS (
    SELECT m.*, sum(starts) OVER (PARTITION BY m.site_id, m.visitor_id ORDER BY m.ts
                                  ROWS UNBOUNDED PRECEDING) AS visit
    FROM m)
SELECT * FROM (
    SELECT n.site_id, n.visitor_id, first_value(n.ts) OVER v, n.ts, n.kind, n.path, n.name,
           coalesce(first_value(n.source) OVER v, ''), first_value(n.device) OVER v,
           coalesce(first_value(n.browser) OVER v, '')
    FROM n
    WINDOW v AS (PARTITION BY n.site_id, n.visitor_id, n.visit ORDER BY n.ts
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) s
WHERE s.ts >= since AND s.ts < until
$$;

-- Each rollup also holds its totals over the dimensions a report filters by:
-- '*' in a column stands for every value (no real path, device, source or
-- browser is '*'), so an unfiltered report reads one row per hour, a filtered
-- one the rows of its filter, and none sums rows that overlap.
--
-- Visits per (site, hour of their start, path, goal, device, source, browser).
-- path '*' holds every visit once, a path the visits that viewed it; goal ''
-- holds visits, bounces and seconds, a goal the visits that reached it (in
-- `visits`). secs: the summed durations of visits that did not bounce.
CREATE TABLE rollup_visits (
    site_id  bigint NOT NULL,
    hour     timestamptz NOT NULL,
    path     text NOT NULL,
    goal     text NOT NULL,
    device   text NOT NULL,
    source   text NOT NULL,
    browser  text NOT NULL,
    visits   bigint NOT NULL,
    bounces  bigint NOT NULL,
    secs     float8 NOT NULL,
    PRIMARY KEY (site_id, hour, path, goal, device, source, browser)
);

-- Pageviews and visitors per (site, hour of the event, path, and the device,
-- source and browser of the event's visit). visitors: every visitor with an
-- event there (pageview, engagement or event), a sketch.
CREATE TABLE rollup_pages (
    site_id   bigint NOT NULL,
    hour      timestamptz NOT NULL,
    path      text NOT NULL,
    device    text NOT NULL,
    source    text NOT NULL,
    browser   text NOT NULL,
    pageviews bigint NOT NULL,
    visitors  hll NOT NULL,
    PRIMARY KEY (site_id, hour, path, device, source, browser)
);

-- Web vitals per (site, hour, path, device, vital): page loads counted once
-- with their last report (report_events(), sql/012), values within the
-- vital's plausible maximum; good / needs improvement / poor counts and a
-- t-digest of the values.
CREATE TABLE rollup_vitals (
    site_id bigint NOT NULL,
    hour    timestamptz NOT NULL,
    path    text NOT NULL,
    device  text NOT NULL,
    name    text NOT NULL,
    n       bigint NOT NULL,
    good    bigint NOT NULL,
    ni      bigint NOT NULL,
    poor    bigint NOT NULL,
    digest  tdigest NOT NULL,
    PRIMARY KEY (site_id, hour, path, device, name)
);

-- Engagement per (site, hour, path, device): a t-digest of engaged ms and the
-- scroll depth quarters.
CREATE TABLE rollup_engagement (
    site_id bigint NOT NULL,
    hour    timestamptz NOT NULL,
    path    text NOT NULL,
    device  text NOT NULL,
    n       bigint NOT NULL,
    s0      bigint NOT NULL,
    s25     bigint NOT NULL,
    s50     bigint NOT NULL,
    s75     bigint NOT NULL,
    digest  tdigest NOT NULL,
    PRIMARY KEY (site_id, hour, path, device)
);

-- Rolling an hour again deletes its rows across sites.
CREATE INDEX ON rollup_visits (hour);
CREATE INDEX ON rollup_pages (hour);
CREATE INDEX ON rollup_vitals (hour);
CREATE INDEX ON rollup_engagement (hour);

-- Rows per hour as last rolled: an hour whose count moved got late rows.
CREATE TABLE rollup_hours (
    hour   timestamptz PRIMARY KEY,
    events bigint NOT NULL
);

-- rolled_until: every hour before it is in the rollups (NULL: nothing yet).
-- version: bumped whenever an hour before rolled_until is rolled again (late
-- rows, corrections), so a report over closed hours keys on it alone.
-- history: data_version_events_history as last seen (sql/013).
CREATE TABLE rollup_state (
    one          boolean PRIMARY KEY DEFAULT true CHECK (one),
    rolled_until timestamptz,
    version      bigint NOT NULL DEFAULT 1,
    history      bigint NOT NULL DEFAULT 0,
    ran_at       timestamptz
);
INSERT INTO rollup_state DEFAULT VALUES;

-- The vital limits of analysis/vitals.c as the rollup job last passed them,
-- for a rollup_run() called without them (psql, tests).
CREATE TABLE rollup_vital_limits (
    name text PRIMARY KEY,
    good float8 NOT NULL,
    poor float8 NOT NULL,
    maxv float8 NOT NULL
);

-- Rows not yet visible now have a ts at or after this: a row's ts is its
-- transaction's start (the column default), and every transaction that may
-- still commit started at or after the oldest open one.
CREATE FUNCTION rollup_safe_until() RETURNS timestamptz LANGUAGE sql VOLATILE AS $$
    SELECT least(now(), (SELECT min(xact_start) FROM pg_stat_activity
                         WHERE datname = current_database() AND backend_type = 'client backend'
                           AND xact_start IS NOT NULL AND pid <> pg_backend_pid()))
$$;

-- Rolls the hours [a, b) again: deletes and recomputes their rows.
CREATE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
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
           hll_add_agg(visitor_hash(site_id, visitor_id), 14, 5, -1, 0)   -- error 0.8 %
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

-- Hours in [a, b) whose row count differs from the one last rolled.
CREATE FUNCTION rollup_moved_hours(a timestamptz, b timestamptz) RETURNS SETOF timestamptz
LANGUAGE sql STABLE AS $$
    SELECT coalesce(c.hour, r.hour)
    FROM (SELECT date_trunc('hour', ts) AS hour, count(*) AS events FROM events
          WHERE ts >= a AND ts < b GROUP BY 1) c
    FULL JOIN (SELECT * FROM rollup_hours WHERE hour >= a AND hour < b) r USING (hour)
    WHERE c.events IS DISTINCT FROM r.events
$$;

-- One run of the rollup job: at most three days of new hours, the two hours
-- before them again (their visits may have gone on), and every older hour
-- that changed. Returns 1 while more new hours wait, else 0.
-- Idempotent and atomic: it runs in one transaction under an advisory lock,
-- so a run killed midway leaves nothing behind and the next does it all.
-- Late rows: every hour of the last day is counted each run (the BRIN index
-- reads one day); older hours are counted only when sql/013's history
-- version moved (a row older than ten minutes arrived, or a correction).
-- A vital report superseding one of an older hour marks that hour (a day back).
CREATE FUNCTION rollup_run(names text[] DEFAULT NULL, good float8[] DEFAULT NULL,
                           poor float8[] DEFAULT NULL, maxv float8[] DEFAULT NULL)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    st rollup_state;
    upto timestamptz := date_trunc('hour', rollup_safe_until());
    start timestamptz;
    hist bigint := (SELECT last_value FROM data_version_events_history);
    corrected boolean;
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
    -- visits started in the last two rolled hours may have gone on since
    INSERT INTO rollup_dirty
    SELECT generate_series(start - interval '2 hours', start - interval '1 hour', interval '1 hour')
    WHERE st.rolled_until IS NOT NULL AND start < upto
    ON CONFLICT DO NOTHING;

    -- islands of consecutive hours, at most three days each (the vital reports
    -- of an island are checked against every later one: fewer, longer islands)
    FOR r IN SELECT min(hour) AS a, max(hour) + interval '1 hour' AS b
             FROM (SELECT hour, hour - (row_number() OVER (ORDER BY hour)) * interval '1 hour' AS g
                   FROM rollup_dirty) s
             GROUP BY g, floor(extract(epoch FROM hour) / (3 * 86400)) ORDER BY 1 LOOP
        PERFORM rollup_hours_between(r.a, r.b);
    END LOOP;

    UPDATE rollup_state SET rolled_until = upto, history = hist, ran_at = now(),
        version = version + corrected::int;
    RETURN (upto < date_trunc('hour', rollup_safe_until()))::int;
END $$;

-- The data a report over local dates up to `upto` in `tz` read: the rollup
-- version alone when the range closed two hours before rolled_until (the
-- hours rolled again each run), else also the tail (where the rollups end,
-- and every write to events).
CREATE FUNCTION rollup_stamp(upto date, tz text) RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN (upto + 1)::timestamp AT TIME ZONE tz <= s.rolled_until - interval '2 hours'
                THEN 'closed.' || s.version
                ELSE 'open.' || s.version || '.' || coalesce(extract(epoch FROM s.rolled_until), 0)
                     || '.' || (SELECT last_value FROM data_version_events) END
    FROM rollup_state s
$$;

INSERT INTO job_schedules (kind, every_seconds) VALUES ('rollup', 60);
