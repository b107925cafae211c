-- 054_events_history_rows.sql: only late rows pay for the history version.
--
-- sql/013 bumped data_version_events_history from a statement trigger with a
-- transition table: every inserted row, late or live, was copied into a
-- tuplestore to look for one older than events_horizon(), and on a partitioned
-- table a transition table also makes COPY insert row by row. On the app's
-- batched ingest that was ~30% of the statement (issue #8).
--
-- Now a row trigger whose WHEN clause (evaluated as each row is inserted,
-- without a call) passes only rows older than the horizon: a live beacon
-- queues nothing. The clause spells out events_horizon() (sql/013): a call to
-- that SQL function would be inlined, its body parsed again, on every statement
-- (a profile of the batched ingest put 3-4% of its time there). The function bumps once per statement however many late rows
-- it wrote (a million-row back-fill bumps once): the first late row of a
-- statement notes the statement's start in a transaction-local setting (the
-- statements of one query string share it: they bump once). Like the old
-- trigger it fires at the end of the statement, before the transaction
-- commits, for every path (the app's ingest, psql, COPY, back-fills), so
-- events_stamp (sql/013) and the rollup job (sql/014, sql/048) see late rows
-- as before. Updates, deletes and truncates keep sql/013's events_history_change.
--
-- The bump alone is not enough for the rollup job: it fires before the commit,
-- so a run between a psql back-fill's INSERT and its COMMIT saw the version
-- move, counted the hours without the uncommitted rows and noted the version
-- as seen; after the commit nothing moved again and the rows stayed unrolled.
-- The trigger therefore also names the late row's hour in events_late (sql/048),
-- as the app's ingest statement does: the marker commits with the rows, and
-- the run that sees them rolls their hour. One marker per statement and hour
-- in a row (a back-fill in time order writes one per hour; the job takes
-- duplicates as one).
-- The horizon is read as each row is inserted, not at the end of the statement:
-- earlier by the statement's duration, within the ten minutes' room.

DROP TRIGGER events_history_insert ON events;

CREATE FUNCTION bump_events_history_late() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stmt text := statement_timestamp()::text;
    h timestamptz := date_trunc('hour', NEW.ts, 'UTC');
BEGIN
    IF current_setting('zoe.events_history_bumped', true) IS DISTINCT FROM stmt THEN
        PERFORM nextval('data_version_events_history');
        PERFORM set_config('zoe.events_history_bumped', stmt, true);
    END IF;
    IF current_setting('zoe.events_late_marked', true) IS DISTINCT FROM stmt || h::text THEN
        INSERT INTO events_late (hour) VALUES (h);
        PERFORM set_config('zoe.events_late_marked', stmt || h::text, true);
    END IF;
    RETURN NULL;
END $$;

-- On the partitioned table: cloned onto every partition, present and future.
CREATE TRIGGER events_history_late AFTER INSERT ON events
    FOR EACH ROW WHEN (NEW.ts < clock_timestamp() - interval '10 minutes')
    EXECUTE FUNCTION bump_events_history_late();
