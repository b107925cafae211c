-- 072_rollup_open_visits.sql: the run closing an hour rolls again only the
-- visits that were still open (issue #8: rollup lag at 2,000 events/s).
--
-- sql/062 rolled the visits of the two hours before the new ones again,
-- whole: at 2,000 events/s two of the closing run's three hours of visits,
-- their pages and rollup_visits rows, the events sessionised for them read
-- from two and a half hours back (visits, their pages and rollup_visits took
-- 156 of the run's 234 s on a quiet machine). A visit started in those hours
-- can change only by taking in an event that was not there at the last run,
-- and such an event is one of:
--
--   * an event of the new hours;
--   * an event inserted after the last run into the hours it had rolled: a row
--     over ten minutes old when inserted names its hour in events_late
--     (sql/054, sql/059), which makes the hour and its neighbours dirty and
--     rolls them whole; a younger one was inserted after the last run began,
--     at or after the new hours' start (a transaction open before it would
--     have held the hour back: rollup_safe_until()), so it lies at most ten
--     minutes before them.
--
-- So every new event lies at or after w, ten minutes before the new hours.
-- It starts a visit of its own, or moves the start of a later one, at or
-- after w; it joins an earlier visit only if it comes at most 30 minutes
-- after the visit's last event. The run therefore rolls again the visits
-- started from w on, and of those started before w only the visits of the
-- visitors who have an event from w on and a visit ending 30 minutes or less
-- before w; every other visit is the row the last run wrote. The
-- rows are those of rolling both hours whole (tests/integration/
-- test_rollup_close.py compares them). Sessionising is per visitor, so
-- visit_rows() takes the visitors as arrays.
--
-- The job also runs at the turn of each minute (2 s after it: a beacon's
-- transaction open at the turn would hold the hour back), so the run closing
-- an hour starts within a few seconds of its end instead of up to a minute
-- later.

ALTER TABLE job_schedules ADD COLUMN aligned boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN job_schedules.aligned IS
    'runs at whole multiples of every_seconds (plus 2 s) instead of every_seconds after the last';
UPDATE job_schedules SET aligned = true, next_run = now() WHERE kind = 'rollup';

CREATE OR REPLACE FUNCTION jobs_enqueue_due() RETURNS int LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
    WITH due AS (
        SELECT kind, every_seconds, aligned FROM job_schedules
        WHERE next_run <= now() FOR UPDATE SKIP LOCKED
    ), bumped AS (
        UPDATE job_schedules s SET next_run = CASE WHEN d.aligned
                THEN to_timestamp((floor(extract(epoch FROM now()) / d.every_seconds) + 1)
                                  * d.every_seconds + 2)
                ELSE now() + make_interval(secs => d.every_seconds) END
        FROM due d WHERE s.kind = d.kind RETURNING s.kind
    )
    INSERT INTO jobs (kind) SELECT kind FROM bumped;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- A visit's pages went with it by a foreign key ON DELETE CASCADE: a delete
-- of a row and an index lookup per deleted visit, and a key check per page row
-- inserted (the rollup job writes both tables itself, in one transaction). For
-- the closing run at 2,000 events/s (~680 k visits rolled again) that was
-- ~28 s of its visits and pages against ~22 s without; one delete per
-- statement on visits does the same.
ALTER TABLE visit_pages DROP CONSTRAINT visit_pages_site_id_vstart_visitor_id_fkey;

CREATE FUNCTION visit_pages_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE visit_pages;
    ELSE
        DELETE FROM visit_pages p
        WHERE p.vstart >= (SELECT min(vstart) FROM old_rows)
          AND p.vstart <= (SELECT max(vstart) FROM old_rows)
          AND (p.site_id, p.vstart, p.visitor_id) IN (SELECT site_id, vstart, visitor_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER visits_pages_gone AFTER DELETE ON visits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_pages_gone();
CREATE TRIGGER visits_pages_gone_truncate AFTER TRUNCATE ON visits
    FOR EACH STATEMENT EXECUTE FUNCTION visit_pages_gone();

-- sql/062's visit_rows(), of the visitors (who_sites[i], who[i]) only when
-- they are given: sessionising is per visitor, so a visitor's visits are the
-- same rows with or without the others.
DROP FUNCTION visit_rows(timestamptz, timestamptz, bigint);
CREATE FUNCTION visit_rows(since timestamptz, until timestamptz, site bigint DEFAULT NULL,
                           who_sites bigint[] DEFAULT NULL, who bigint[] DEFAULT NULL)
RETURNS SETOF visits LANGUAGE sql STABLE AS $$
WITH m AS (
    SELECT e.site_id, e.visitor_id, e.ts, e.kind, e.path, e.name, e.host, e.referrer, e.source,
           e.source_group, e.utm_source, e.utm_medium, e.utm_campaign, e.device, e.browser,
           e.os, e.country, e.region, e.engaged_ms, e.scroll_pct,
           (lag(e.ts) OVER w IS NULL OR e.ts - lag(e.ts) OVER w > interval '30 minutes')::int
               AS starts,
           row_number() OVER w AS seq
    FROM events e
    WHERE e.ts >= since - interval '30 minutes' AND e.ts < until + interval '6 hours'
      AND e.kind IN ('pageview', 'engagement', 'event') AND (site IS NULL OR e.site_id = site)
      AND (who IS NULL OR (e.site_id, e.visitor_id) IN (SELECT * FROM unnest(who_sites, who)))
    WINDOW w AS (PARTITION BY e.site_id, e.visitor_id
                 ORDER BY e.ts, e.kind DESC, e.path, e.name)),
 n AS (
    SELECT m.*, sum(starts) OVER (PARTITION BY m.site_id, m.visitor_id ORDER BY m.seq
                                  ROWS UNBOUNDED PRECEDING) AS visit
    FROM m),
 v AS (
    SELECT site_id, visitor_id, min(ts) AS vstart, max(ts) AS vend,
           max(host) FILTER (WHERE starts = 1) AS host,
           max(referrer) FILTER (WHERE starts = 1) AS referrer,
           max(source) FILTER (WHERE starts = 1) AS source,
           max(source_group) FILTER (WHERE starts = 1) AS source_group,
           max(utm_source) FILTER (WHERE starts = 1) AS utm_source,
           max(utm_medium) FILTER (WHERE starts = 1) AS utm_medium,
           max(utm_campaign) FILTER (WHERE starts = 1) AS utm_campaign,
           max(device) FILTER (WHERE starts = 1) AS device,
           max(browser) FILTER (WHERE starts = 1) AS browser,
           max(os) FILTER (WHERE starts = 1) AS os,
           max(country) FILTER (WHERE starts = 1) AS country,
           max(region) FILTER (WHERE starts = 1) AS region,
           count(*) FILTER (WHERE kind = 'pageview')::int AS pageviews,
           count(*) FILTER (WHERE kind = 'event')::int AS goals,
           coalesce(sum(engaged_ms) FILTER (WHERE kind = 'engagement'), 0)::bigint AS engaged_ms,
           max(scroll_pct) FILTER (WHERE kind = 'engagement') AS scroll,
           (array_agg(path ORDER BY seq) FILTER (WHERE kind = 'pageview'))[1] AS entry_page,
           (array_agg(path ORDER BY seq DESC) FILTER (WHERE kind = 'pageview'))[1] AS exit_page,
           coalesce(array_agg(CASE WHEN kind = 'pageview' THEN path ELSE name END ORDER BY seq)
                    FILTER (WHERE kind <> 'engagement'), '{}') AS hit_names,
           coalesce(array_agg(kind = 'event' ORDER BY seq) FILTER (WHERE kind <> 'engagement'),
                    '{}') AS hit_goal,
           coalesce(array_agg(ts ORDER BY seq) FILTER (WHERE kind <> 'engagement'), '{}') AS hit_ts
    FROM n GROUP BY site_id, visitor_id, visit)
SELECT v.site_id, v.vstart, v.visitor_id, v.vend,
       v.host, v.referrer, v.source, v.source_group, v.utm_source, v.utm_medium,
       v.utm_campaign, v.device, v.browser, v.os, v.country, v.region,
       v.pageviews, v.goals, v.engaged_ms, v.scroll, v.entry_page, v.exit_page,
       v.hit_names, v.hit_goal,
       ARRAY(SELECT extract(epoch FROM t - v.vstart)::float8 FROM unnest(v.hit_ts) t)
FROM v WHERE v.vstart >= since AND v.vstart < until
$$;

-- sql/062's body, but for an island [a, b) opening with hours listed in
-- rollup_revisit (the two before the new ones, n the first hour after them):
-- their visits from w = n - 10 minutes on, and before w only those of the
-- visitors with an event from w on and a visit ending 30 minutes or less
-- before w, are rolled again (above), and rollup_visits from the hour of the
-- first of them.
CREATE OR REPLACE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    e timestamptz := least(b, rollup_day_floor(greatest(b, (SELECT rolled_until FROM rollup_state))));
    n timestamptz := a;         -- the end of the revisited hours opening [a, b)
    w timestamptz;
    v timestamptz := a;         -- the first visit rolled again
    sites bigint[];
    visitors bigint[];
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
        w := n - interval '10 minutes';
        SELECT coalesce(array_agg(site_id), '{}'), coalesce(array_agg(visitor_id), '{}')
        INTO sites, visitors
        FROM (SELECT DISTINCT v.site_id, v.visitor_id FROM visits v
              WHERE v.vstart >= a AND v.vstart < w AND v.vend >= w - interval '30 minutes'
                AND (v.site_id, v.visitor_id) IN (
                    SELECT e.site_id, e.visitor_id FROM events e
                    WHERE e.ts >= w AND e.kind IN ('pageview', 'engagement', 'event'))) o;
        -- rollup_visits: the hours from the first visit rolled again on
        v := least(w, (SELECT min(vstart) FROM visits WHERE vstart >= a AND vstart < w
                         AND (site_id, visitor_id) IN (SELECT * FROM unnest(sites, visitors))));
        CREATE TEMP TABLE rollup_visits_new ON COMMIT DROP AS
        SELECT * FROM visit_rows(a, w, NULL, sites, visitors) WHERE cardinality(visitors) > 0
        UNION ALL SELECT * FROM visit_rows(w, b);
        -- one statement each: the funnel packs (sql/069) follow every statement on visits
        DELETE FROM visits v WHERE v.vstart >= a AND v.vstart < b
            AND (v.vstart >= w OR (v.site_id, v.visitor_id) IN (SELECT * FROM unnest(sites, visitors)));
        INSERT INTO visits SELECT * FROM rollup_visits_new;
        INSERT INTO visit_pages
        SELECT g.* FROM rollup_visits_new v, LATERAL visit_page_rows(ROW(v.*)::visits) g;
        DROP TABLE rollup_visits_new;
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
