-- 058_retention_weeks.sql: retention (sql/045, sql/052) also for the week
-- tables of sql/055, and events_expire as one function again: sql/052 wrapped
-- sql/045's under the name events_expire_before_052; both bodies are here, in
-- the order they ran, and the wrapper goes. Weeks ending at a site's horizon
-- go, the week holding a horizon day that was cut is computed again from its
-- days (rollup_weeks_expire), after those days were.
DROP FUNCTION events_expire();
DROP FUNCTION events_expire_before_052();

-- Removes the events past their site's retention and what was derived from
-- them (visits, hour, day and week rollups); the maintenance job calls it
-- every hour. A month's partition goes whole, by DROP TABLE (no dead rows, no
-- vacuum), once it lies before every site's horizon. Only a site kept shorter
-- than the longest loses its older rows by DELETE, as do rows that landed in
-- the default partition. Horizons are whole months: a site of 25 months keeps
-- this month and the 25 before it. Returns the partitions dropped.
--
-- A horizon falls an hour or two into a Berlin day: days that end at or
-- before it go; the day that holds it loses the visits and hours before it,
-- so it is computed again from what is left, once, only when that site still
-- had visits in it before the horizon. The rollup job finds late rows in an
-- old hour by its count moving (sql/014): rows deleted here and as many
-- arriving later in the same hour would leave it unchanged, so the hours
-- before the shortest horizon are counted again here.
CREATE FUNCTION events_expire() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    this_month timestamptz := date_trunc('month', now());
    longest timestamptz := this_month - make_interval(months =>
        (SELECT coalesce(max(retention_months), 25) FROM sites));
    latest timestamptz := this_month - make_interval(months =>
        (SELECT coalesce(min(retention_months), 25) FROM sites));
    part record;
    s record;
    cut timestamptz[] := '{}';
    dropped int := 0;
    removed bigint := 0;
    n bigint;
BEGIN
    -- the sites whose horizon day loses visits now, before they are deleted
    FOR s IN SELECT id, this_month - make_interval(months => retention_months) AS horizon
             FROM sites LOOP
        IF EXISTS (SELECT 1 FROM visits WHERE site_id = s.id
                   AND vstart >= rollup_day_floor(s.horizon) AND vstart < s.horizon) THEN
            cut := cut || s.horizon;
        END IF;
    END LOOP;

    FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_\d{4}_\d{2}$'
                ORDER BY 1 LOOP
        -- events_YYYY_MM holds [YYYY-MM-01, the next month), server time zone UTC
        IF (to_date(substr(part.relname, 8), 'YYYY_MM') + interval '1 month')::timestamp
               AT TIME ZONE 'UTC' <= longest THEN
            EXECUTE format('DROP TABLE %I', part.relname);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    FOR s IN SELECT id, this_month - make_interval(months => retention_months) AS horizon
             FROM sites LOOP
        DELETE FROM events WHERE site_id = s.id AND ts < s.horizon;
        GET DIAGNOSTICS n = ROW_COUNT;
        removed := removed + n;
        DELETE FROM visits WHERE site_id = s.id AND vstart < s.horizon;
        GET DIAGNOSTICS n = ROW_COUNT;
        removed := removed + n;
        DELETE FROM rollup_visits WHERE site_id = s.id AND hour < s.horizon;
        DELETE FROM rollup_pages WHERE site_id = s.id AND hour < s.horizon;
        DELETE FROM rollup_vitals WHERE site_id = s.id AND hour < s.horizon;
        DELETE FROM rollup_engagement WHERE site_id = s.id AND hour < s.horizon;
        DELETE FROM rollup_visits_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM rollup_pages_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM rollup_vitals_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM rollup_engagement_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM visit_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM journey_days WHERE site_id = s.id AND day_end <= s.horizon;
        DELETE FROM behavior_days WHERE site_id = s.id AND dend <= s.horizon;
    END LOOP;

    -- every site's events before the longest horizon are gone
    DELETE FROM rollup_hours WHERE hour < longest;
    IF dropped > 0 OR removed > 0 THEN
        -- reports over closed hours key on the rollup version (sql/014)
        UPDATE rollup_state SET version = version + 1;
        -- the hours before the shortest horizon, counted again
        DELETE FROM rollup_hours WHERE hour < latest;
        INSERT INTO rollup_hours
        SELECT date_trunc('hour', ts), count(*) FROM events WHERE ts < latest GROUP BY 1;
    END IF;

    -- the horizon days cut, each once (sites of equal retention share one);
    -- these recompute the day for every site, which is what their rows hold
    FOR s IN SELECT DISTINCT h FROM unnest(cut) h LOOP
        PERFORM rollup_days_between(s.h, s.h + interval '1 hour');
        PERFORM visit_days_between(s.h, s.h + interval '1 hour');
        PERFORM behavior_days_between(s.h, s.h + interval '1 hour');
        DELETE FROM journey_days WHERE day_start = rollup_day_floor(s.h);
        INSERT INTO journey_days
        SELECT * FROM journey_day_rows(rollup_day_floor(s.h), rollup_day_floor(s.h) + interval '1 hour');
    END LOOP;
    PERFORM rollup_weeks_expire(cut);
    RETURN dropped;
END $$;
