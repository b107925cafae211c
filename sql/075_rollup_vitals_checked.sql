-- 075_rollup_vitals_checked.sql: the search for vital reports a closed hour's
-- reports supersede leaves the closing run (issue #8: rollup lag at 2,000
-- events/s).
--
-- A run first looks for earlier reports of the page loads whose later report
-- lies in the hours it rolls (sql/014; the statement in sql/062's
-- rollup_run_before_048); the hours of those are rolled whole again, without
-- them. The search joins the new hour's vitals with every vital of the day
-- before by metric id: 12-16 s of the run closing an hour at 2,000 events/s
-- three hours into a day, and it grows with the day (~120 M vitals a day at
-- that rate), all of it after the hour's end.
--
-- Where closing runs take 10 s or more (rollup_state.close_ms, as in sql/074)
-- the run that closes one hour, and rolls nothing else, leaves the search for
-- that hour to the next run with nothing to roll (rollup_state.
-- vitals_checked_until): that run searches, and rolls the hours it finds at
-- once, as the closing run would have. So the correction comes a minute or
-- two later than before; until it does, a page load reporting on both sides
-- of the hour counts in both hours, as it did before the hour closed (the
-- earlier hour's rows count the report the raw tail's later one supersedes).
-- A run that rolls anything else, or finds the last hour still unsearched
-- (the job fell behind), searches it together with its own hours. Small sites
-- search at once.

ALTER TABLE rollup_state ADD COLUMN vitals_checked_until timestamptz;
COMMENT ON COLUMN rollup_state.vitals_checked_until IS
    'the first rolled hour whose vital reports were not yet searched for the earlier reports they supersede (left by a closing run to the next idle one); NULL: none';

-- The hours of vital reports from `since` on superseded by a later report of
-- the same page load (site, name, metric id) in one of `hours` (all of them in
-- [a, b)). Reports in the later report's own hour and in `settled` hours are
-- left out: those hours are rolled now, or were rolled with the later reports
-- already stored (report_events() left the earlier ones out then).
CREATE FUNCTION vitals_superseded_hours(since timestamptz, a timestamptz, b timestamptz,
                                        hours timestamptz[], settled timestamptz[])
RETURNS SETOF timestamptz LANGUAGE sql STABLE AS $$
    SELECT DISTINCT date_trunc('hour', o.ts)
    FROM events n JOIN events o ON o.metric_id = n.metric_id AND o.name = n.name
         AND o.site_id = n.site_id AND o.ts < date_trunc('hour', n.ts)
    WHERE n.kind = 'vital' AND n.metric_id IS NOT NULL AND o.kind = 'vital'
      AND o.metric_id IS NOT NULL AND o.ts >= since
      AND n.ts >= a AND n.ts < b AND date_trunc('hour', n.ts) = ANY (hours)
      AND date_trunc('hour', o.ts) <> ALL (settled)
$$;

-- The search a closing run left: the hours found go to the transaction's
-- rollup_superseded, which the run's inner part (below) rolls. True if any.
-- (Only one hour is ever left: a closing run leaves its hour only when none is.)
CREATE FUNCTION rollup_vitals_check() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    st rollup_state;
    hours timestamptz[];
BEGIN
    SELECT * INTO st FROM rollup_state FOR UPDATE;
    hours := ARRAY(SELECT generate_series(st.vitals_checked_until,
                                          st.rolled_until - interval '1 hour', interval '1 hour'));
    CREATE TEMP TABLE rollup_superseded ON COMMIT DROP AS
    SELECT h AS hour FROM vitals_superseded_hours(st.vitals_checked_until - interval '1 day',
        st.vitals_checked_until, st.rolled_until, hours, hours) h;
    UPDATE rollup_state SET vitals_checked_until = NULL;
    RETURN EXISTS (SELECT 1 FROM rollup_superseded);
END $$;

-- sql/062's inner run with the search above: left to the next idle run by a
-- run closing one hour where closing runs are long, the hour left searched by
-- the next run that rolls anything, the hours an idle run's search found
-- (rollup_superseded) rolled.
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
    leaving boolean;
    hours timestamptz[];
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
    -- a history move's oldest three days per run (sql/057)
    cut := (SELECT min(hour) + interval '3 days' FROM rollup_dirty WHERE hour < start);
    IF EXISTS (SELECT 1 FROM rollup_dirty WHERE hour >= cut AND hour < start) THEN
        INSERT INTO events_late SELECT hour FROM rollup_dirty WHERE hour >= cut AND hour < start;
        DELETE FROM rollup_dirty WHERE hour >= cut AND hour < start;
        deferred := true;
    END IF;
    -- earlier reports of page loads whose later report is in a dirty hour or in
    -- the hour a closing run left; a run closing one hour and nothing else
    -- leaves its own where closing runs are long
    leaving := st.close_ms >= 10000 AND st.vitals_checked_until IS NULL
        AND st.rolled_until = start AND upto = start + interval '1 hour'
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE hour < start);
    IF NOT leaving THEN
        hours := ARRAY(SELECT hour FROM rollup_dirty
                       UNION SELECT generate_series(st.vitals_checked_until,
                                                    start - interval '1 hour', interval '1 hour'));
        INSERT INTO rollup_dirty
        SELECT h FROM vitals_superseded_hours((SELECT min(h) FROM unnest(hours) h) - interval '1 day',
                 (SELECT min(h) FROM unnest(hours) h), upto, hours,
                 ARRAY(SELECT hour FROM rollup_dirty)) h
        ON CONFLICT DO NOTHING;
    END IF;
    IF to_regclass('pg_temp.rollup_superseded') IS NOT NULL THEN
        INSERT INTO rollup_dirty SELECT hour FROM rollup_superseded ON CONFLICT DO NOTHING;
    END IF;
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
        version = version + corrected::int,
        vitals_checked_until = CASE WHEN leaving THEN start END;
    RETURN (deferred OR upto < date_trunc('hour', rollup_safe_until()))::int;
END $$;

-- The part of a run with no hour to close, nothing late and no correction
-- (sql/059, sql/074): the search a closing run left, and the visits rolled
-- ahead. True when the search found hours to roll: the run goes on to roll them.
CREATE FUNCTION rollup_idle(safe timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    st rollup_state;
BEGIN
    SELECT * INTO st FROM rollup_state;
    IF st.vitals_checked_until IS NOT NULL THEN
        IF rollup_vitals_check() THEN
            RETURN true;
        END IF;
    ELSIF rollup_ahead_due(safe, st.rolled_until, st.visits_until, st.close_ms) THEN
        PERFORM rollup_visits_ahead(date_trunc('minute', safe));
    END IF;
    RETURN false;
END $$;

-- sql/074's run with its idle part in rollup_idle().
CREATE OR REPLACE FUNCTION rollup_run(names text[] DEFAULT NULL, good float8[] DEFAULT NULL,
                           poor float8[] DEFAULT NULL, maxv float8[] DEFAULT NULL)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    began timestamptz := clock_timestamp();
    st rollup_state;
    safe timestamptz;
    was timestamptz;
    more int;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('rollup_run'));
    PERFORM set_config('zoe.rollup_counted', '0', true);
    -- the job passes analysis/vitals.c's limits every run; they change with a release
    IF names IS NOT NULL AND EXISTS (
           (SELECT * FROM unnest(names, good, poor, maxv) EXCEPT SELECT * FROM rollup_vital_limits)
           UNION ALL
           (SELECT * FROM rollup_vital_limits EXCEPT SELECT * FROM unnest(names, good, poor, maxv))) THEN
        DELETE FROM rollup_vital_limits;
        INSERT INTO rollup_vital_limits SELECT * FROM unnest(names, good, poor, maxv);
    END IF;
    SELECT * INTO st FROM rollup_state;
    was := st.rolled_until;
    safe := rollup_safe_until();
    -- no hour closed, nothing late, no correction: the inner run would roll
    -- nothing and leave rollup_state as it is, after planning its statements
    -- over every partition (tens of ms). A marker committing now waits for the next run.
    IF NOT EXISTS (SELECT 1 FROM events_late)
       AND st.history = (SELECT last_value FROM data_version_events_history)
       AND st.rolled_until >= date_trunc('hour', safe) THEN
        IF NOT rollup_idle(safe) THEN
            UPDATE rollup_state SET ran_at = now(), last_counted = 0, last_hours = 0,
                last_ms = extract(epoch FROM clock_timestamp() - began) * 1000;
            RETURN 0;
        END IF;
    END IF;
    CREATE TEMP TABLE rollup_late (hour timestamptz PRIMARY KEY) ON COMMIT DROP;
    WITH taken AS (DELETE FROM events_late RETURNING hour)
    INSERT INTO rollup_late SELECT DISTINCT hour FROM taken;
    -- markers older than a day: the history version seen is forgotten (sql/059)
    IF EXISTS (SELECT 1 FROM rollup_late
               WHERE hour < date_trunc('hour', rollup_safe_until()) - interval '1 day') THEN
        UPDATE rollup_state SET history = 0;
    END IF;
    more := rollup_run_before_048();
    SELECT * INTO st FROM rollup_state;
    IF st.visits_until > st.rolled_until THEN         -- late rows or a correction
        DELETE FROM visits WHERE vstart >= st.rolled_until;
    END IF;
    UPDATE rollup_state SET last_counted = current_setting('zoe.rollup_counted')::bigint,
        last_hours = (SELECT count(*) FROM rollup_dirty),
        last_ms = extract(epoch FROM clock_timestamp() - began) * 1000,
        close_ms = CASE WHEN rolled_until IS DISTINCT FROM was
                        THEN extract(epoch FROM clock_timestamp() - began) * 1000 ELSE close_ms END,
        visits_until = NULL, visits_changed_from = NULL;
    RETURN more;
END $$;
