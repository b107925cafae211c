-- 013_cache_by_day.sql: a beacon no longer invalidates reports over closed days.
--
-- data_version_events (008) is bumped by every write to events, so every beacon
-- made every cached event report stale. Beacons are timed by the server's clock
-- (ts defaults to now()), so a live beacon can only change a report whose range
-- reaches the present. A second version, data_version_events_history, is bumped
-- only by writes that can change the past: a row older than the horizon (a late
-- or back-filled event), and every update, delete or truncate (corrections,
-- retention). A report whose range ended before the horizon keys on that version
-- alone (events_stamp); one that reaches into the horizon keys on every write.
--
-- Why it is exact: a report over a range ending at E is computed at T with
-- E <= T - 10 min. A row that would change it has ts < E; arriving at T' > T it
-- lies before T' - 10 min, the horizon then, and bumps the history version.

CREATE SEQUENCE data_version_events_history;
SELECT nextval('data_version_events_history');

-- Rows older than this change closed days. Ten minutes leave room for clock
-- steps and slow transactions; a beacon's ts is its transaction's start.
CREATE FUNCTION events_horizon() RETURNS timestamptz LANGUAGE sql VOLATILE AS $$
    SELECT clock_timestamp() - interval '10 minutes'
$$;

CREATE FUNCTION bump_events_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM new_rows WHERE ts < events_horizon()) THEN
            PERFORM nextval('data_version_events_history');
        END IF;
    ELSE
        PERFORM nextval('data_version_events_history');
    END IF;
    RETURN NULL;
END $$;

-- Transition tables need one event per trigger; COPY fires the insert one too.
CREATE TRIGGER events_history_insert AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_events_history();
CREATE TRIGGER events_history_change AFTER UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION bump_events_history();

-- The events version a report over local dates up to `upto` in zone `tz` keys on:
-- the history version once the range has closed, else the one of every write.
CREATE FUNCTION events_stamp(upto date, tz text) RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN (upto + 1)::timestamp AT TIME ZONE tz <= events_horizon()
                THEN 'closed.' || (SELECT last_value FROM data_version_events_history)
                ELSE 'open.' || (SELECT last_value FROM data_version_events) END
$$;
