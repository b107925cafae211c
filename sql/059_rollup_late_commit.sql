-- 059_rollup_late_commit.sql: late rows of a transaction that commits after a
-- run of the rollup job are rolled too.
--
-- The history version (sql/013, sql/054) moves when a late row is inserted,
-- before its transaction commits. A run in between saw the move, compared the
-- hours without the uncommitted rows and noted the version as seen; after the
-- commit nothing moved again, and the rows stayed out of the rollups until the
-- next correction. sql/054's trigger now also writes the late row's hour into
-- events_late, which commits with the rows. A marker of the last day is rolled
-- by any run (sql/048); an older one is read by sql/014's run only when the
-- version moved, so the run that takes one forgets the version it had seen.
-- sql/048's rollup_run with that one statement added.
CREATE OR REPLACE FUNCTION rollup_run(names text[] DEFAULT NULL, good float8[] DEFAULT NULL,
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
    -- A marker older than the day every run counts names rows a psql or COPY
    -- back-fill committed after a run had already noted the history version
    -- they bumped: the inner run reads such hours only when the version moved,
    -- so it is forgotten (0: never a value of the sequence) and the older hours
    -- are compared as after a move.
    IF EXISTS (SELECT 1 FROM rollup_late
               WHERE hour < date_trunc('hour', rollup_safe_until()) - interval '1 day') THEN
        UPDATE rollup_state SET history = 0;
    END IF;
    more := rollup_run_before_048();
    UPDATE rollup_state SET last_counted = current_setting('zoe.rollup_counted')::bigint,
        last_hours = (SELECT count(*) FROM rollup_dirty),
        last_ms = extract(epoch FROM clock_timestamp() - began) * 1000;
    RETURN more;
END $$;
