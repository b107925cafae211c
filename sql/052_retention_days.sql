-- 052_retention_days.sql: retention (sql/045) also for the day tables of
-- sql/046 (hour rollups by day), sql/047 (visit figures by day), sql/049
-- (journey paths by day) and sql/051 (behaviour by day).
--
-- A site's horizon is a UTC month start, which falls an hour or two into a
-- Berlin day. Days that end at or before it go; the day that holds it loses
-- the visits and hours before it, so it is computed again from what is left,
-- once: only when that site still had visits in it before the horizon.
--
-- The rollup job finds late rows in an old hour by its count moving
-- (rollup_hours, sql/014): rows deleted here and as many arriving later in
-- the same hour would leave it unchanged, so the hours a site lost rows in
-- are counted again here.
ALTER FUNCTION events_expire() RENAME TO events_expire_before_052;

CREATE FUNCTION events_expire() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    this_month timestamptz := date_trunc('month', now());
    s record;
    cut timestamptz[] := '{}';
    dropped int;
    version0 bigint := (SELECT version FROM rollup_state);
    latest timestamptz := this_month - make_interval(months =>
        (SELECT coalesce(min(retention_months), 25) FROM sites));
BEGIN
    -- the sites whose horizon day loses visits now, before they are deleted
    FOR s IN SELECT id, this_month - make_interval(months => retention_months) AS horizon
             FROM sites LOOP
        IF EXISTS (SELECT 1 FROM visits WHERE site_id = s.id
                   AND vstart >= rollup_day_floor(s.horizon) AND vstart < s.horizon) THEN
            cut := cut || s.horizon;
        END IF;
    END LOOP;

    dropped := events_expire_before_052();
    -- it bumps the rollup version when it removed anything
    IF (SELECT version FROM rollup_state) <> version0 THEN
        DELETE FROM rollup_hours WHERE hour < latest;
        INSERT INTO rollup_hours
        SELECT date_trunc('hour', ts), count(*) FROM events WHERE ts < latest GROUP BY 1;
    END IF;

    FOR s IN SELECT id, this_month - make_interval(months => retention_months) AS horizon
             FROM sites LOOP
        DELETE FROM rollup_visits_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM rollup_pages_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM rollup_vitals_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM rollup_engagement_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM visit_days WHERE site_id = s.id AND dend <= s.horizon;
        DELETE FROM journey_days WHERE site_id = s.id AND day_end <= s.horizon;
        DELETE FROM behavior_days WHERE site_id = s.id AND dend <= s.horizon;
    END LOOP;

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
    RETURN dropped;
END $$;
