-- 002_ux_signals.sql: the time-partitioned event table shared by ux-signals,
-- behavioural and analytics services. One row per beacon; reports aggregate in SQL.

CREATE TABLE events (
    site_id     bigint NOT NULL,
    ts          timestamptz NOT NULL DEFAULT now(),
    visitor_id  bigint NOT NULL,          -- hash(daily salt, site, IP, UA); never the IP
    kind        text NOT NULL CHECK (kind IN ('pageview', 'engagement', 'vital', 'event')),
    host        text,
    path        text NOT NULL,
    referrer    text,
    source      text,                     -- referrer host or utm_source
    device      text NOT NULL,            -- mobile / tablet / desktop
    browser     text,
    name        text,                     -- vital name (LCP…) or event name (lead…)
    value       double precision,         -- vital value (ms, CLS unitless)
    rating      text,                     -- as sent by web-vitals
    nav_type    text,
    metric_id   text,
    engaged_ms  integer,
    scroll_pct  smallint,
    props       jsonb
) PARTITION BY RANGE (ts);

CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE INDEX ON events (site_id, kind, ts);
CREATE INDEX ON events (kind, name, ts);

-- Creates the monthly partitions covering [first month of `since`, + months).
CREATE FUNCTION events_ensure_partitions(since date, months int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', since)::date;
    made int := 0;
    part text;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        part := format('events_%s', to_char(m, 'YYYY_MM'));
        IF to_regclass(part) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                           part, m, (m + interval '1 month')::date);
            made := made + 1;
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN made;
END $$;

SELECT events_ensure_partitions((now() - interval '12 months')::date, 15);
