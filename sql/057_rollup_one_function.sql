-- 057_rollup_one_function.sql: rollup_hours_between() as one function, each
-- part of it one PERFORM in order.
--
-- sql/040, 046, 047, 049 and 051 each renamed the function before them and
-- wrapped it (rollup_hours_before_046 ... _051); the chain ran the parts in
-- this order, and so does the function below: the hour tables (sql/039's
-- function, renamed rollup_aggregates_between by sql/040), the visits (sql/040),
-- then each day table (rollup days, visit_days, journey_days, behavior_days).
-- A new day table adds one PERFORM at the end.

-- The visits started in [a, b), computed again (the body of sql/040's wrapper).
CREATE FUNCTION rollup_visit_rows_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM visits WHERE vstart >= a AND vstart < b;
    INSERT INTO visits SELECT * FROM visit_rows(a, b);
END $$;

-- The journey rows of the Berlin days [a, b) touches, from the visits table
-- (the body of sql/049's wrapper).
CREATE FUNCTION journey_days_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM journey_days WHERE day_start >= rollup_day_floor(a) AND day_start < b;
    INSERT INTO journey_days SELECT * FROM journey_day_rows(rollup_day_floor(a), b);
END $$;

-- From scratch at 1 M events, rollup_days_between() took as long as the hour
-- tables themselves (418 of 849 s under load): the day rows of the vitals and
-- engagement are nearly as many as their hour rows (1.6 hours per day row), and
-- each was built by two aggregates over the hours joined again, one of them
-- over every centroid. rollup_centroids() inlined into the query and read the
-- t-digest's array once per centroid and column (8.5 M conversions for 1 M
-- events); a fence computes it once per digest. Each day table of digests is
-- now one aggregate: the hour rows' counts summed once per hour row (on its
-- first centroid: a digest of an hour row holds one at least), the digest from
-- the centroids in hour order as before; the same rows result. work_mem: the
-- sorts of these aggregates spilled to disk at 16 MB.
CREATE OR REPLACE FUNCTION rollup_centroids(d tdigest, OUT i int, OUT mean float8, OUT n bigint)
RETURNS SETOF record LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT k, a[5 + 2 * k], a[6 + 2 * k]::bigint
    FROM (SELECT tdigest_double_array(d) AS a OFFSET 0) x, generate_series(0, x.a[4]::int - 1) k
$$;

CREATE OR REPLACE FUNCTION rollup_days_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
    d0 timestamptz := rollup_day_floor(a);
    d1 timestamptz := rollup_day_ceil(b);
BEGIN
    IF d1 <= d0 THEN
        RETURN;
    END IF;
    DELETE FROM rollup_visits_days WHERE day >= d0 AND day < d1;
    DELETE FROM rollup_pages_days WHERE day >= d0 AND day < d1;
    DELETE FROM rollup_vitals_days WHERE day >= d0 AND day < d1;
    DELETE FROM rollup_engagement_days WHERE day >= d0 AND day < d1;

    INSERT INTO rollup_visits_days
    SELECT site_id, rollup_day_floor(hour), rollup_day_ceil(rollup_day_floor(hour) + interval '1 hour'),
           path, goal, device, source, browser, sum(visits), sum(bounces), sum(secs)
    FROM rollup_visits WHERE hour >= d0 AND hour < d1
    GROUP BY site_id, rollup_day_floor(hour), path, goal, device, source, browser;

    INSERT INTO rollup_pages_days
    SELECT site_id, rollup_day_floor(hour), rollup_day_ceil(rollup_day_floor(hour) + interval '1 hour'),
           path, device, source, browser, sum(pageviews), hll_union_agg(visitors),
           hll_union_agg(viewers)
    FROM rollup_pages WHERE hour >= d0 AND hour < d1
    GROUP BY site_id, rollup_day_floor(hour), path, device, source, browser;

    INSERT INTO rollup_vitals_days
    SELECT h.site_id, rollup_day_floor(h.hour), rollup_day_ceil(rollup_day_floor(h.hour) + interval '1 hour'),
           h.path, h.device, h.name,
           sum(h.n) FILTER (WHERE c.i = 0), sum(h.good) FILTER (WHERE c.i = 0),
           sum(h.ni) FILTER (WHERE c.i = 0), sum(h.poor) FILTER (WHERE c.i = 0),
           tdigest(c.mean, c.n, 300 ORDER BY h.hour, c.i)
    FROM rollup_vitals h, rollup_centroids(h.digest) c WHERE h.hour >= d0 AND h.hour < d1
    GROUP BY h.site_id, rollup_day_floor(h.hour), h.path, h.device, h.name;

    INSERT INTO rollup_engagement_days
    SELECT h.site_id, rollup_day_floor(h.hour), rollup_day_ceil(rollup_day_floor(h.hour) + interval '1 hour'),
           h.path, h.device, sum(h.n) FILTER (WHERE c.i = 0),
           sum(h.s0) FILTER (WHERE c.i = 0), sum(h.s25) FILTER (WHERE c.i = 0),
           sum(h.s50) FILTER (WHERE c.i = 0), sum(h.s75) FILTER (WHERE c.i = 0),
           tdigest(c.mean, c.n, 300 ORDER BY h.hour, c.i)
    FROM rollup_engagement h, rollup_centroids(h.digest) c WHERE h.hour >= d0 AND h.hour < d1
    GROUP BY h.site_id, rollup_day_floor(h.hour), h.path, h.device;
END $$;

DROP FUNCTION rollup_hours_between(timestamptz, timestamptz);
DROP FUNCTION rollup_hours_before_051(timestamptz, timestamptz);
DROP FUNCTION rollup_hours_before_049(timestamptz, timestamptz);
DROP FUNCTION rollup_hours_before_047(timestamptz, timestamptz);
DROP FUNCTION rollup_hours_before_046(timestamptz, timestamptz);

-- Rolls the hours [a, b) again, then every Berlin day and closed week they touch.
CREATE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rollup_aggregates_between(a, b);      -- hour tables (sql/039)
    PERFORM rollup_visit_rows_between(a, b);      -- visits (sql/040)
    PERFORM visit_pages_roll(a, b);               -- their pages (sql/053)
    PERFORM rollup_days_between(a, b);            -- rollup_*_days (sql/046)
    PERFORM visit_days_between(a, b);             -- sql/047
    PERFORM journey_days_between(a, b);           -- sql/049
    PERFORM behavior_days_between(a, b);          -- sql/051
    PERFORM rollup_weeks_between(a, b);           -- rollup_*_weeks (sql/055)
END $$;
