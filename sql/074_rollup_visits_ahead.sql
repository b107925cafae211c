-- 074_rollup_visits_ahead.sql: the visits of the hour under way are rolled
-- ahead while it runs, so the run closing it starts from them (issue #8:
-- rollup lag at 2,000 events/s).
--
-- The run closing an hour rolled its visits from ten minutes before it
-- (sql/072): at 2,000 events/s the visits, their pages and the funnel pieces
-- following them were ~90 of its ~166 s, all of it after the hour's end,
-- while the runs of the 59 minutes before did nothing. Those runs now roll
-- the visits ahead: every ten minutes of the hour (up to 55 minutes into it)
-- a run rolls the visits started since the revisited hours up to the minute
-- it began, by sql/072's rule, from its own mark instead of the hour's start.
-- What a run did not see lies at or after its mark less ten minutes (the
-- argument at sql/072's header: the mark is the minute of its
-- rollup_safe_until()), so the next run, and the closing one, roll again the
-- visits started from there and those still open before it.
--
-- Rows ahead of rollup_state.rolled_until are read by no report: every reader
-- of visits and visit_pages stops at rolled_until and takes the raw tail after
-- it (visits_between(), visit_pages_between(), visits_viewing_between(),
-- page_figures(), the funnel's packs by whole days before it). Any run that
-- rolls hours for another reason (late rows, corrections) drops the visits
-- ahead and the marks: such a row may move the start of a visit rolled ahead.
--
-- Only where it pays: a site whose closing runs take seconds is not rolled
-- ahead (rollup_state.close_ms: the last closing run's length, 10 s at least).

ALTER TABLE rollup_state
    ADD COLUMN visits_until timestamptz,
    ADD COLUMN visits_changed_from timestamptz,
    ADD COLUMN close_ms bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN rollup_state.visits_until IS
    'visits started before it (and after rolled_until) are rolled ahead, as of a run whose rollup_safe_until() was at or after it; NULL: none';
COMMENT ON COLUMN rollup_state.visits_changed_from IS
    'the first visit start a run ahead rolled again since the last closing run: its rollup_visits hours are rolled by the next one';
COMMENT ON COLUMN rollup_state.close_ms IS
    'the last run that moved rolled_until, in ms';

-- sql/072's rule as a function of its own: of the visits started in [a, b),
-- those started from w on, and before w those of the visitors with an event
-- from w on and a visit ending 30 minutes or less before w, are rolled again
-- with their pages. Every event a former roll of [a, b) did not see lies at
-- or after w. Returns the start of the first visit that can have changed (w
-- if none before it).
CREATE FUNCTION visits_roll_since(a timestamptz, b timestamptz, w timestamptz)
RETURNS timestamptz LANGUAGE plpgsql AS $$
DECLARE
    sites bigint[];
    visitors bigint[];
    v timestamptz;
BEGIN
    -- v: the first of those open visits. A new event changes only its visitor's
    -- last visit, so the visitors' earlier visits are rolled to the same rows.
    -- (sql/072 took the first of all their visits through a semi-join with the
    -- arrays, which the planner, guessing ten elements, made a nested loop
    -- scanning the site's visits once per visitor: a run ahead with 60 k
    -- visitors did not finish in 15 minutes.)
    SELECT coalesce(array_agg(site_id), '{}'), coalesce(array_agg(visitor_id), '{}'),
           least(w, min(first))
    INTO sites, visitors, v
    FROM (SELECT v.site_id, v.visitor_id, min(v.vstart) AS first FROM visits v
          WHERE v.vstart >= a AND v.vstart < w AND v.vend >= w - interval '30 minutes'
            AND (v.site_id, v.visitor_id) IN (
                SELECT e.site_id, e.visitor_id FROM events e
                WHERE e.ts >= w AND e.kind IN ('pageview', 'engagement', 'event'))
          GROUP BY v.site_id, v.visitor_id) o;
    CREATE TEMP TABLE rollup_visits_new ON COMMIT DROP AS
    SELECT * FROM visit_rows(a, w, NULL, sites, visitors) WHERE cardinality(visitors) > 0
    UNION ALL SELECT * FROM visit_rows(w, b);
    -- the funnel pieces (sql/073) of the hours the delete touches are packed
    -- once, with those of the insert (funnel_visits_packed() below)
    PERFORM set_config('zoe.funnel_hold', 'on', true);
    DELETE FROM visits v WHERE v.vstart >= a AND v.vstart < b
        AND (v.vstart >= w OR (v.site_id, v.visitor_id) IN (SELECT * FROM unnest(sites, visitors)));
    PERFORM set_config('zoe.funnel_hold', '', true);
    INSERT INTO visits SELECT * FROM rollup_visits_new;
    INSERT INTO visit_pages
    SELECT g.* FROM rollup_visits_new v, LATERAL visit_page_rows(ROW(v.*)::visits) g;
    DROP TABLE rollup_visits_new;
    RETURN v;
END $$;

-- sql/073's trigger function: a statement made while zoe.funnel_hold is on
-- leaves its hours in zoe.funnel_held for the next one to pack with its own.
-- The rollup job deletes the visits it rolls again and inserts them anew: the
-- same hours were packed twice (~7 s each at 2,000 events/s).
CREATE OR REPLACE FUNCTION funnel_visits_packed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keys jsonb;
    held jsonb := nullif(current_setting('zoe.funnel_held', true), '')::jsonb;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE funnel_hour_packs;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        EXECUTE funnel_names_add_sql('new_rows');
    END IF;
    -- the hours of the rows gone and of those come (an update: both, once)
    -- (distinct pairs first: an object per row cost ~0.25 s per 200 k rows)
    EXECUTE 'SELECT jsonb_agg(jsonb_build_object(''site_id'', site_id, ''hour'', hour))'
            ' FROM (SELECT DISTINCT site_id, funnel_hour(vstart) AS hour FROM ('
            || CASE TG_OP WHEN 'INSERT' THEN 'SELECT site_id, vstart FROM new_rows'
                          WHEN 'DELETE' THEN 'SELECT site_id, vstart FROM old_rows'
                          ELSE 'SELECT site_id, vstart FROM old_rows'
                               ' UNION ALL SELECT site_id, vstart FROM new_rows' END
            || ') r) r' INTO keys;
    IF held IS NOT NULL THEN
        keys := coalesce(keys, '[]') || held;
    END IF;
    IF current_setting('zoe.funnel_hold', true) = 'on' THEN
        PERFORM set_config('zoe.funnel_held', coalesce(keys, '[]')::text, true);
        RETURN NULL;
    END IF;
    PERFORM set_config('zoe.funnel_held', '', true);
    PERFORM funnel_hours_again(keys);
    RETURN NULL;
END $$;

-- The visits ahead up to upto (a minute at or before rollup_safe_until()):
-- from the revisited hours (the two before rolled_until, as the closing run
-- takes them) on, again since the last mark less ten minutes.
CREATE FUNCTION rollup_visits_ahead(upto timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    st rollup_state;
    n timestamptz;
    v timestamptz;
BEGIN
    SELECT * INTO st FROM rollup_state FOR UPDATE;
    n := greatest(st.rolled_until, st.visits_until);
    IF st.rolled_until IS NULL OR upto <= n THEN
        RETURN;
    END IF;
    v := visits_roll_since(st.rolled_until - interval '2 hours', upto, n - interval '10 minutes');
    UPDATE rollup_state SET visits_until = upto,
        visits_changed_from = least(visits_changed_from, v);
END $$;

-- Whether a run at `at` with the rollups up to date rolls the visits ahead:
-- ten minutes after the last mark (or the hour's start), not in the last
-- five minutes of the hour (the closing run would wait for it), and only
-- where the last closing run took 10 s or more.
CREATE FUNCTION rollup_ahead_due(at timestamptz, rolled timestamptz, ahead timestamptz,
                                 close_ms bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$      -- date_trunc() of a timestamptz reads the time zone
    SELECT rolled IS NOT NULL AND close_ms >= 10000
       AND date_trunc('minute', at) >= greatest(rolled, ahead) + interval '10 minutes'
       AND at < date_trunc('hour', at) + interval '55 minutes'
$$;

-- sql/072's run closing an hour, starting from the visits ahead: w is the
-- later of the new hours' start and the mark, less ten minutes; rollup_visits
-- from the first visit any run rolled again since the last closing one.
CREATE OR REPLACE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    e timestamptz := least(b, rollup_day_floor(greatest(b, (SELECT rolled_until FROM rollup_state))));
    n timestamptz := a;         -- the end of the revisited hours opening [a, b)
    v timestamptz := a;         -- the first visit rolled again
    r record;
BEGIN
    IF to_regclass('pg_temp.rollup_revisit') IS NOT NULL THEN
        WHILE n < b AND n IN (SELECT hour FROM rollup_revisit) LOOP
            n := n + interval '1 hour';
        END LOOP;
    END IF;
    IF n = a THEN
        PERFORM rollup_visit_rows_between(a, b);  -- visits (sql/040)
        PERFORM visit_pages_roll(a, b);           -- their pages (sql/053)
    ELSE
        v := least(n, visits_roll_since(a, b, greatest(n,
                 (SELECT visits_until FROM rollup_state WHERE visits_until < b))
                 - interval '10 minutes'),
                 (SELECT visits_changed_from FROM rollup_state WHERE visits_until < b));
    END IF;
    PERFORM rollup_visits_from_visits(date_trunc('hour', v), b);  -- rollup_visits (sql/062)
    IF to_regclass('pg_temp.rollup_revisit') IS NULL THEN
        PERFORM rollup_aggregates_between(a, b);  -- the other hour tables (sql/062)
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

-- sql/059's run: with nothing to roll it may roll the visits ahead; after a
-- run that rolled hours the visits ahead are gone (those still ahead of the
-- new end, after late rows or a correction) or behind the new end.
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
        IF rollup_ahead_due(safe, st.rolled_until, st.visits_until, st.close_ms) THEN
            PERFORM rollup_visits_ahead(date_trunc('minute', safe));
        END IF;
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
