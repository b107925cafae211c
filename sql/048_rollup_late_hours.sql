-- 048_rollup_late_hours.sql: an idle run of the rollup job costs nothing.
--
-- rollup_run() (sql/014) counted every event of the last day on each run to
-- find hours that got late rows: at 2,000 events/s that is 170 M rows a minute,
-- whether or not anything came late. Now the ingest statement itself
-- (handlers/events_ingest.c) names the hours it writes late rows into: one row
-- here per hour before the current one, in the same statement and the same
-- transaction as the events. A beacon (timed by the server) never writes one,
-- so there is no row every beacon updates and no trigger on events.
--
-- Why it is exact: a run rolls only hours before date_trunc('hour',
-- rollup_safe_until()), and a transaction open now started at or after that
-- point, so a row in a rolled hour is one before its own transaction's hour:
-- a late row. Its marker commits with it; the run deletes the markers it sees
-- (a DELETE takes only committed rows) and rolls their hours, and a marker
-- that commits later stays for the next run, which sees its rows.
--
-- Rows written by other paths (psql, COPY, corrections, retention) still bump
-- data_version_events_history (sql/013) when older than ten minutes, and then
-- the run counts every hour as before. Younger ones lie in the hour before
-- rolled_until, which every run that closes an hour rolls again.
CREATE TABLE events_late (
    hour timestamptz NOT NULL
);

-- What the last run did, for operators and the benchmark: events counted to
-- find hours with late rows (0 for an idle run), hours rolled, milliseconds.
ALTER TABLE rollup_state
    ADD COLUMN last_counted bigint NOT NULL DEFAULT 0,
    ADD COLUMN last_hours int NOT NULL DEFAULT 0,
    ADD COLUMN last_ms float8;

-- Hours in [a, b) that may have changed since they were rolled, for the
-- rollup_run() of sql/014 (it calls this for the last day on every run, and
-- for all older hours when the history version moved): the hours ingest named
-- late (rollup_late, taken by the rollup_run() below) and, only when the
-- history version moved, every hour whose row count differs from the one last
-- rolled. Markers older than a day come with a moved history version (their
-- rows are older than ten minutes), so the second call sees them.
-- zoe.rollup_counted adds up the events counted, for rollup_state.last_counted.
CREATE OR REPLACE FUNCTION rollup_moved_hours(a timestamptz, b timestamptz)
RETURNS SETOF timestamptz LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN QUERY SELECT hour FROM rollup_late WHERE hour >= a AND hour < b;
    IF (SELECT last_value FROM data_version_events_history) = (SELECT history FROM rollup_state) THEN
        RETURN;
    END IF;
    CREATE TEMP TABLE rollup_counts ON COMMIT DROP AS
        SELECT date_trunc('hour', ts) AS hour, count(*) AS events FROM events
        WHERE ts >= a AND ts < b GROUP BY 1;
    PERFORM set_config('zoe.rollup_counted',
        (coalesce(nullif(current_setting('zoe.rollup_counted', true), ''), '0')::bigint
         + (SELECT coalesce(sum(events), 0) FROM rollup_counts))::text, true);
    RETURN QUERY
    SELECT coalesce(c.hour, r.hour)
    FROM rollup_counts c
    FULL JOIN (SELECT * FROM rollup_hours WHERE hour >= a AND hour < b) r USING (hour)
    WHERE c.events IS DISTINCT FROM r.events;
    DROP TABLE rollup_counts;
END $$;

-- The job's run: takes the markers (a DELETE sees only committed ones; the rows
-- of a marker that commits later are rolled by the next run), runs sql/014's
-- rollup_run() with them unless there is nothing to do, and notes what it did. The advisory lock is the one
-- the inner run takes, held first so that two runs do not split the markers.
ALTER FUNCTION rollup_run(text[], float8[], float8[], float8[]) RENAME TO rollup_run_before_048;

CREATE FUNCTION rollup_run(names text[] DEFAULT NULL, good float8[] DEFAULT NULL,
                           poor float8[] DEFAULT NULL, maxv float8[] DEFAULT NULL)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    began timestamptz := clock_timestamp();
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
    -- no hour closed, nothing late, no correction: the inner run would roll
    -- nothing and leave rollup_state as it is, after planning its statements
    -- over every partition (tens of ms). A marker committing now waits for the next run.
    IF NOT EXISTS (SELECT 1 FROM events_late) AND EXISTS (
           SELECT 1 FROM rollup_state
           WHERE history = (SELECT last_value FROM data_version_events_history)
             AND rolled_until >= date_trunc('hour', rollup_safe_until())) THEN
        UPDATE rollup_state SET ran_at = now(), last_counted = 0, last_hours = 0,
            last_ms = extract(epoch FROM clock_timestamp() - began) * 1000;
        RETURN 0;
    END IF;
    CREATE TEMP TABLE rollup_late (hour timestamptz PRIMARY KEY) ON COMMIT DROP;
    WITH taken AS (DELETE FROM events_late RETURNING hour)
    INSERT INTO rollup_late SELECT DISTINCT hour FROM taken;
    more := rollup_run_before_048();
    UPDATE rollup_state SET last_counted = current_setting('zoe.rollup_counted')::bigint,
        last_hours = (SELECT count(*) FROM rollup_dirty),
        last_ms = extract(epoch FROM clock_timestamp() - began) * 1000;
    RETURN more;
END $$;
