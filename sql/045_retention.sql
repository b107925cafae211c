-- 045_retention.sql: how long a site's events are kept, 25 months unless the
-- operator says otherwise (zoe site add ... --retention-months N).
ALTER TABLE sites ADD COLUMN retention_months int NOT NULL DEFAULT 25
    CHECK (retention_months BETWEEN 1 AND 120);

-- Removes the events past their site's retention and what was derived from
-- them (hour rollups, visits); the maintenance job calls it every hour.
-- A month's partition goes whole, by DROP TABLE (no dead rows, no vacuum),
-- once it lies before every site's horizon. Only a site kept shorter than the
-- longest loses its older rows by DELETE, as do rows that landed in the
-- default partition. Horizons are whole months: a site of 25 months keeps
-- this month and the 25 before it. Returns the partitions dropped.
CREATE FUNCTION events_expire() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    this_month timestamptz := date_trunc('month', now());
    longest timestamptz := this_month - make_interval(months =>
        (SELECT coalesce(max(retention_months), 25) FROM sites));
    part record;
    s record;
    dropped int := 0;
    removed bigint := 0;
    n bigint;
BEGIN
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
    END LOOP;
    -- every site's events before the longest horizon are gone
    DELETE FROM rollup_hours WHERE hour < longest;
    -- reports over closed hours key on the rollup version (sql/014)
    IF dropped > 0 OR removed > 0 THEN
        UPDATE rollup_state SET version = version + 1;
    END IF;
    RETURN dropped;
END $$;
