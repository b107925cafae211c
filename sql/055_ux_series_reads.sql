-- 055_ux_series_reads.sql: the hourly time series reads one row per hour of
-- its filter.
--
-- An hourly series reads hour rows only (sql/046's readers with days false).
-- The hour rollups' keys put the hour second, (site_id, hour, path, ...), so
-- for a filter (path '*', every device, source) the primary key reads every
-- row of every path and dimension of each hour and keeps one: a 90-day series
-- and its previous period at 1 M events read ~400 k index entries to keep
-- 8,640. These indexes put the filter's keys first and the hour last, as the
-- day tables' keys do, so the series reads its 4,320 rows per table. Only
-- the rows over every browser (browser = '*'), the ones the series reads.
CREATE INDEX rollup_pages_series_idx ON rollup_pages (site_id, path, device, source, hour)
    WHERE browser = '*';
CREATE INDEX rollup_visits_series_idx ON rollup_visits (site_id, path, device, source, goal, hour)
    WHERE browser = '*';

-- Week rollups for the UX metrics (handlers/level2_ux_signals.c).
--
-- Over 90 days the UX metrics ranked ~77 k page-day rows by their pageviews
-- and merged a digest per day, vital and page of the slice shown. A week row
-- holds the merge of its Berlin week's day rows (Monday to Monday, 167, 168
-- or 169 hours), so a range reads its whole weeks from here, the days at its
-- edges from the day rows and the hours beyond from the hour rows: a 90-day
-- range 12 or 13 weeks and up to 13 days where it read 90 days.
--
-- As the day rows are kept from the hours, the week rows are kept from the
-- days: rolling hours again recomputes their days, then every week those
-- touch (rollup_weeks_between, called by rollup_hours_between). Readers use
-- a week only once it ends at or before the last whole day rolled (d1 of
-- rollup_day_span), so a week rolled in part is never read.
--
-- Pageviews per week only over every source and browser and per page (what
-- the ranking reads), keyed for it: one site, one device, a range of weeks,
-- every page. Digests at compression 300, rebuilt from the days' centroids in
-- day order (the same days give the same week row), as sql/046 does.

CREATE FUNCTION rollup_week_floor(t timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT date_trunc('week', t AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin'
$$;
CREATE FUNCTION rollup_week_ceil(t timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (date_trunc('week', t AT TIME ZONE 'Europe/Berlin')
            + CASE WHEN t AT TIME ZONE 'Europe/Berlin'
                        > date_trunc('week', t AT TIME ZONE 'Europe/Berlin')
                   THEN interval '7 days' ELSE interval '0' END) AT TIME ZONE 'Europe/Berlin'
$$;
CREATE FUNCTION rollup_week_end(w timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((w AT TIME ZONE 'Europe/Berlin') + interval '7 days') AT TIME ZONE 'Europe/Berlin'
$$;

CREATE TABLE rollup_pageviews_weeks (
    site_id   bigint NOT NULL,
    week      timestamptz NOT NULL,
    wend      timestamptz NOT NULL,
    device    text NOT NULL,
    path      text NOT NULL,
    pageviews bigint NOT NULL,
    PRIMARY KEY (site_id, device, week, path)
);

CREATE TABLE rollup_vitals_weeks (
    site_id bigint NOT NULL,
    week    timestamptz NOT NULL,
    wend    timestamptz NOT NULL,
    path    text NOT NULL,
    device  text NOT NULL,
    name    text NOT NULL,
    n       bigint NOT NULL,
    good    bigint NOT NULL,
    ni      bigint NOT NULL,
    poor    bigint NOT NULL,
    digest  tdigest NOT NULL,
    PRIMARY KEY (site_id, path, device, name, week)
);

CREATE TABLE rollup_engagement_weeks (
    site_id bigint NOT NULL,
    week    timestamptz NOT NULL,
    wend    timestamptz NOT NULL,
    path    text NOT NULL,
    device  text NOT NULL,
    n       bigint NOT NULL,
    s0      bigint NOT NULL,
    s25     bigint NOT NULL,
    s50     bigint NOT NULL,
    s75     bigint NOT NULL,
    digest  tdigest NOT NULL,
    PRIMARY KEY (site_id, path, device, week)
);

-- Rolling a week again deletes its rows across sites.
CREATE INDEX ON rollup_pageviews_weeks (week);
CREATE INDEX ON rollup_vitals_weeks (week);
CREATE INDEX ON rollup_engagement_weeks (week);

-- Recomputes the week rows of every Berlin week that [a, b) touches from
-- that week's day rows (call it after rollup_days_between(a, b)); the week
-- running now is left out: no reader uses it before it ends, and the run that
-- rolls its last hours comes after its end and computes it. So the minutely
-- rollup of the last hours does no week work but once a week.
CREATE FUNCTION rollup_weeks_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    w0 timestamptz := rollup_week_floor(a);
    w1 timestamptz := least(rollup_week_ceil(b), rollup_week_floor(now()));
BEGIN
    IF w1 <= w0 THEN
        RETURN;
    END IF;
    DELETE FROM rollup_pageviews_weeks WHERE week >= w0 AND week < w1;
    DELETE FROM rollup_vitals_weeks WHERE week >= w0 AND week < w1;
    DELETE FROM rollup_engagement_weeks WHERE week >= w0 AND week < w1;

    INSERT INTO rollup_pageviews_weeks
    SELECT site_id, rollup_week_floor(day), rollup_week_end(rollup_week_floor(day)), device, path,
           sum(pageviews)
    FROM rollup_pages_days
    WHERE day >= w0 AND day < w1 AND source = '*' AND browser = '*' AND path <> '*'
    GROUP BY site_id, rollup_week_floor(day), device, path;

    INSERT INTO rollup_vitals_weeks
    SELECT t.site_id, t.week, rollup_week_end(t.week), t.path, t.device, t.name,
           t.n, t.good, t.ni, t.poor, g.digest
    FROM (SELECT site_id, rollup_week_floor(day) AS week, path, device, name,
                 sum(n) AS n, sum(good) AS good, sum(ni) AS ni, sum(poor) AS poor
          FROM rollup_vitals_days WHERE day >= w0 AND day < w1
          GROUP BY 1, 2, path, device, name) t
    JOIN (SELECT site_id, rollup_week_floor(day) AS week, path, device, name,
                 tdigest(c.mean, c.n, 300 ORDER BY day, c.i) AS digest
          FROM rollup_vitals_days d, rollup_centroids(d.digest) c WHERE day >= w0 AND day < w1
          GROUP BY 1, 2, path, device, name) g USING (site_id, week, path, device, name);

    INSERT INTO rollup_engagement_weeks
    SELECT t.site_id, t.week, rollup_week_end(t.week), t.path, t.device,
           t.n, t.s0, t.s25, t.s50, t.s75, g.digest
    FROM (SELECT site_id, rollup_week_floor(day) AS week, path, device, sum(n) AS n,
                 sum(s0) AS s0, sum(s25) AS s25, sum(s50) AS s50, sum(s75) AS s75
          FROM rollup_engagement_days WHERE day >= w0 AND day < w1
          GROUP BY 1, 2, path, device) t
    JOIN (SELECT site_id, rollup_week_floor(day) AS week, path, device,
                 tdigest(c.mean, c.n, 300 ORDER BY day, c.i) AS digest
          FROM rollup_engagement_days d, rollup_centroids(d.digest) c WHERE day >= w0 AND day < w1
          GROUP BY 1, 2, path, device) g USING (site_id, week, path, device);
END $$;

-- The rollup job rolls the weeks after their days: sql/051's function with
-- one more line.
CREATE OR REPLACE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rollup_hours_before_051(a, b);
    PERFORM behavior_days_between(a, b);
    PERFORM rollup_weeks_between(a, b);
END $$;

-- Retention (sql/052's events_expire calls it after deleting the day rows and
-- recomputing each horizon day): weeks that end at or before a site's
-- horizon go, and the week holding a horizon is computed again from its days.
CREATE FUNCTION rollup_weeks_expire(horizons timestamptz[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT id, date_trunc('month', now()) - make_interval(months => retention_months)
                        AS horizon FROM sites LOOP
        DELETE FROM rollup_pageviews_weeks WHERE site_id = s.id AND wend <= s.horizon;
        DELETE FROM rollup_vitals_weeks WHERE site_id = s.id AND wend <= s.horizon;
        DELETE FROM rollup_engagement_weeks WHERE site_id = s.id AND wend <= s.horizon;
    END LOOP;
    FOR s IN SELECT DISTINCT h FROM unnest(horizons) h LOOP
        PERFORM rollup_weeks_between(s.h, s.h + interval '1 hour');
    END LOOP;
END $$;

-- Where a report over [t0, t1) reads weeks: [w0, w1), the whole Berlin weeks
-- inside the whole rolled days [d0, d1) of rollup_day_span(); days in
-- [d0, w0) and [w1, d1); hours before d0 and from d1 on. One row, inlined.
CREATE FUNCTION rollup_week_span(t0 timestamptz, t1 timestamptz)
RETURNS TABLE (d0 timestamptz, d1 timestamptz, w0 timestamptz, w1 timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT s.d0, s.d1, w.w0, greatest(w.w0, rollup_week_floor(s.d1))
    FROM rollup_day_span(t0, t1, true) s,
         LATERAL (SELECT least(s.d1, rollup_week_ceil(s.d0)) AS w0) w
$$;

-- The pageviews per page (path <> '*', every source and browser) of one site
-- over [t0, t1): weeks, days and hours as rollup_week_span() says.
CREATE FUNCTION rollup_pageviews_weeks_between(site bigint, t0 timestamptz, t1 timestamptz)
RETURNS TABLE (site_id bigint, path text, device text, pageviews bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.site_id, r.path, r.device, r.pageviews
    FROM rollup_week_span(t0, t1) s, rollup_pages r
    WHERE r.site_id = site AND r.source = '*' AND r.browser = '*' AND r.path <> '*'
      AND r.hour >= t0 AND r.hour < s.d0
    UNION ALL
    SELECT r.site_id, r.path, r.device, r.pageviews
    FROM rollup_week_span(t0, t1) s, rollup_pages r
    WHERE r.site_id = site AND r.source = '*' AND r.browser = '*' AND r.path <> '*'
      AND r.hour >= s.d1 AND r.hour < t1
    UNION ALL
    SELECT r.site_id, r.path, r.device, r.pageviews
    FROM rollup_week_span(t0, t1) s, rollup_pages_days r
    WHERE r.site_id = site AND r.source = '*' AND r.browser = '*' AND r.path <> '*'
      AND r.day >= s.d0 AND r.day < s.w0
    UNION ALL
    SELECT r.site_id, r.path, r.device, r.pageviews
    FROM rollup_week_span(t0, t1) s, rollup_pages_days r
    WHERE r.site_id = site AND r.source = '*' AND r.browser = '*' AND r.path <> '*'
      AND r.day >= s.w1 AND r.day < s.d1
    UNION ALL
    SELECT r.site_id, r.path, r.device, r.pageviews
    FROM rollup_week_span(t0, t1) s, rollup_pageviews_weeks r
    WHERE r.site_id = site AND r.week >= s.w0 AND r.week < s.w1
$$;

-- The vitals and engagement rows of one site over [t0, t1) in hour shape
-- (bucket start `hour`, end `hend`), as sql/046's readers with weeks.
CREATE FUNCTION rollup_vitals_weeks_between(site bigint, t0 timestamptz, t1 timestamptz)
RETURNS TABLE (site_id bigint, hour timestamptz, hend timestamptz, path text, device text,
               name text, n bigint, good bigint, ni bigint, poor bigint, digest tdigest)
LANGUAGE sql STABLE AS $$
    SELECT r.site_id, r.hour, r.hour + interval '1 hour', r.path, r.device, r.name,
           r.n, r.good, r.ni, r.poor, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_vitals r
    WHERE r.site_id = site AND r.hour >= t0 AND r.hour < s.d0
    UNION ALL
    SELECT r.site_id, r.hour, r.hour + interval '1 hour', r.path, r.device, r.name,
           r.n, r.good, r.ni, r.poor, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_vitals r
    WHERE r.site_id = site AND r.hour >= s.d1 AND r.hour < t1
    UNION ALL
    SELECT r.site_id, r.day, r.dend, r.path, r.device, r.name, r.n, r.good, r.ni, r.poor, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_vitals_days r
    WHERE r.site_id = site AND r.day >= s.d0 AND r.day < s.w0
    UNION ALL
    SELECT r.site_id, r.day, r.dend, r.path, r.device, r.name, r.n, r.good, r.ni, r.poor, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_vitals_days r
    WHERE r.site_id = site AND r.day >= s.w1 AND r.day < s.d1
    UNION ALL
    SELECT r.site_id, r.week, r.wend, r.path, r.device, r.name, r.n, r.good, r.ni, r.poor, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_vitals_weeks r
    WHERE r.site_id = site AND r.week >= s.w0 AND r.week < s.w1
$$;

CREATE FUNCTION rollup_engagement_weeks_between(site bigint, t0 timestamptz, t1 timestamptz)
RETURNS TABLE (site_id bigint, hour timestamptz, hend timestamptz, path text, device text,
               n bigint, s0 bigint, s25 bigint, s50 bigint, s75 bigint, digest tdigest)
LANGUAGE sql STABLE AS $$
    SELECT r.site_id, r.hour, r.hour + interval '1 hour', r.path, r.device,
           r.n, r.s0, r.s25, r.s50, r.s75, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_engagement r
    WHERE r.site_id = site AND r.hour >= t0 AND r.hour < s.d0
    UNION ALL
    SELECT r.site_id, r.hour, r.hour + interval '1 hour', r.path, r.device,
           r.n, r.s0, r.s25, r.s50, r.s75, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_engagement r
    WHERE r.site_id = site AND r.hour >= s.d1 AND r.hour < t1
    UNION ALL
    SELECT r.site_id, r.day, r.dend, r.path, r.device, r.n, r.s0, r.s25, r.s50, r.s75, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_engagement_days r
    WHERE r.site_id = site AND r.day >= s.d0 AND r.day < s.w0
    UNION ALL
    SELECT r.site_id, r.day, r.dend, r.path, r.device, r.n, r.s0, r.s25, r.s50, r.s75, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_engagement_days r
    WHERE r.site_id = site AND r.day >= s.w1 AND r.day < s.d1
    UNION ALL
    SELECT r.site_id, r.week, r.wend, r.path, r.device, r.n, r.s0, r.s25, r.s50, r.s75, r.digest
    FROM rollup_week_span(t0, t1) s, rollup_engagement_weeks r
    WHERE r.site_id = site AND r.week >= s.w0 AND r.week < s.w1
$$;

-- Backfill: the weeks of every day rolled so far.
SELECT rollup_weeks_between(min(day), max(dend)) FROM rollup_pages_days;
