-- 049_journey_days.sql: the visits of a local day as page-group paths with
-- counts, kept by the rollup job for #24 journeys.
--
-- #24 writes each visit as the sequence of its pageviews' page groups (first
-- path segment, repeats collapsed) cut at the first hit of the requested goal.
-- Doing that per visit at request time costs two array subqueries per visit
-- (seconds at a million events). The path does not depend on the request
-- except through the goal, and the cut path is a prefix of the whole one (a
-- run of equal groups that began before the goal stays, later runs go): so a
-- day keeps each distinct whole path with, per goal name the visit fired,
-- how many of its runs began before that goal's first hit. A report counts
-- a row n times, cuts it only for the goal it asks for, and needs no visit.
--
-- A day is a local day in Europe/Berlin (day_start, day_end as timestamptz,
-- 23 or 25 hours at the clock changes; rollup_day_floor() of sql/046). Reports read a day only when it ends
-- at or before rollup_state.rolled_until; days cut by the range (another time
-- zone) and the hours after the rollups come from visits_between().
--
-- The page group is PAGE_GROUP() of handlers/level3_visits.h, written out:
-- change both together.
--
-- Citus: distributed by site_id, colocated with visits.
CREATE TABLE journey_days (
    site_id   bigint NOT NULL,
    day_start timestamptz NOT NULL,
    day_end   timestamptz NOT NULL,
    groups    text[] NOT NULL,     -- page groups of its pageviews, runs collapsed
    goals     text[] NOT NULL,     -- the goal events' names, each once, first hit first
    cuts      int[] NOT NULL,      -- per goal: runs of groups begun before its first hit
    n         int NOT NULL         -- visits with this path
);
CREATE INDEX ON journey_days (site_id, day_start);
-- rolling an hour again recomputes its day across sites
CREATE INDEX ON journey_days (day_start);

-- The journey rows of the Berlin days that start in [a, b) (of one site, or
-- all), from the visits table: per visit, its hits with the page group of a
-- pageview, whether it begins a run (its group differs from the previous
-- pageview's) and, for the first hit of each goal name, the runs begun before.
CREATE FUNCTION journey_day_rows(a timestamptz, b timestamptz, site bigint DEFAULT NULL)
RETURNS SETOF journey_days LANGUAGE sql STABLE AS $$
    SELECT v.site_id, v.day_start, v.day_end, x.groups, x.goals, x.cuts, count(*)::int
    FROM (SELECT v.*, rollup_day_floor(v.vstart) AS day_start,
                 (date_trunc('day', v.vstart AT TIME ZONE 'Europe/Berlin') + interval '1 day')
                     AT TIME ZONE 'Europe/Berlin' AS day_end
          FROM visits v
          WHERE v.vstart >= a AND v.vstart < b + interval '1 day'
            AND (site IS NULL OR v.site_id = site)) v,
         LATERAL (
            SELECT coalesce(array_agg(r.g ORDER BY r.i) FILTER (WHERE r.starts), '{}') AS groups,
                   coalesce(array_agg(r.name ORDER BY r.i) FILTER (WHERE r.first_goal), '{}') AS goals,
                   coalesce(array_agg(r.runs ORDER BY r.i) FILTER (WHERE r.first_goal), '{}') AS cuts
            FROM (SELECT q.*, (count(*) FILTER (WHERE q.starts) OVER (ORDER BY q.i))::int AS runs
                  FROM (SELECT h.name, h.i, h.goal, h.g,
                               NOT h.goal AND h.g IS DISTINCT FROM
                                   lag(h.g) OVER (PARTITION BY h.goal ORDER BY h.i) AS starts,
                               h.goal AND row_number() OVER (PARTITION BY h.goal, h.name
                                                             ORDER BY h.i) = 1 AS first_goal
                        FROM (SELECT u.name, u.goal, u.i,
                                     CASE WHEN NOT u.goal THEN '/' || split_part(u.name, '/', 2) END AS g
                              FROM unnest(v.hit_names, v.hit_goal) WITH ORDINALITY u(name, goal, i)) h
                       ) q) r) x
    WHERE v.day_start >= a AND v.day_start < b
    GROUP BY v.site_id, v.day_start, v.day_end, x.groups, x.goals, x.cuts
$$;

-- The rollup job's hours [a, b) change the visits of the days they fall in:
-- those days are computed again whole from the visits table, which the
-- function wrapped here (sql/040 and later) has just brought up to date.
ALTER FUNCTION rollup_hours_between(timestamptz, timestamptz)
    RENAME TO rollup_hours_before_049;

CREATE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rollup_hours_before_049(a, b);
    DELETE FROM journey_days WHERE day_start >= rollup_day_floor(a) AND day_start < b;
    INSERT INTO journey_days SELECT * FROM journey_day_rows(rollup_day_floor(a), b);
END $$;

-- Backfill from the visits rolled so far.
INSERT INTO journey_days SELECT * FROM journey_day_rows('-infinity', 'infinity');
