-- 047_visit_days.sql: the visits of a day summed per breakdown value.
--
-- A breakdown (#46) over 90 days read every visit of the range (sql/040), so
-- its cost grew with the visits: 0.4 s at 1 M events, 5 s at 10 M. Here each
-- local day (Europe/Berlin, the reports' default zone) of a site holds, per
-- property and value, for all devices ('*': what a report without filters
-- reads, a third of the rows) and per device (so a filter on the device is
-- answered here too), the figures of the breakdown: visits, pageviews, bounces,
-- seconds of the visits that did not bounce, the visits that reached each
-- goal, and the visitors as a HyperLogLog sketch that merges over days (as
-- in sql/014: error 0.8 %, exact while a sketch holds few visitors). A report
-- reads its whole days here and the rest of its range (edges in another
-- zone, days not rolled yet, the tail) from the visits, summed the same way.
--
-- Values count as the breakdown counts them (level5_breakdown.c): a visit
-- counts once for each of its own dimensions (its first event), and once for
-- each goal it reached (no pageviews). The rows of property 'device' (per
-- device only) hold every visit once: the totals. Pages (viewed, entry,
-- exit) are not kept: at the bench's 2,000 pages a day's row of a page held
-- 1.5 visits, so the rows were nearly as many as the visits, and merging
-- their sketches (some 4 us each) cost more than reading the visits (0.7 s
-- against 0.4 s at 1 M events); those breakdowns read the visits.

-- Citus: distributed by site_id, colocated with events and visits.
CREATE TABLE visit_days (
    site_id   bigint NOT NULL,
    dstart    timestamptz NOT NULL,   -- the day's Berlin midnight
    dend      timestamptz NOT NULL,   -- the next one (23 or 25 hours on a switch)
    property  text NOT NULL,
    value     text NOT NULL,
    device    text NOT NULL,          -- '*': all devices
    visitors  hll NOT NULL,
    visits    bigint NOT NULL,
    pageviews bigint NOT NULL,
    bounces   bigint NOT NULL,
    secs      float8 NOT NULL,        -- durations of the visits that did not bounce
    goals     jsonb NOT NULL,         -- goal name -> visits that reached it
    PRIMARY KEY (site_id, property, dstart, value, device)
);
-- rolling an hour again recomputes its day across sites (by its end: a report
-- reads by site, property and start, the primary key, never by this one)
CREATE INDEX ON visit_days (dend);

-- A visit's value of a visit property (NULL for page and goal): the
-- dimensions of its first event, the source grouped at ingest (rows stored
-- before that have none: their source, or Direct / None), the referrer
-- without its query and Direct / None for none or the site's own host.
CREATE FUNCTION visit_value(prop text, v visits) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE prop WHEN 'entry_page' THEN v.entry_page WHEN 'exit_page' THEN v.exit_page
    WHEN 'source' THEN coalesce(v.source_group, CASE WHEN v.source IS NULL
        OR v.source = 'direct' THEN 'Direct / None' ELSE v.source END)
    WHEN 'referrer' THEN CASE WHEN v.referrer ~* '^https?://[^/?#]'
        AND lower(regexp_replace(substring(v.referrer FROM '^[a-zA-Z]+://([^/?#:]+)'), '^www\.', ''))
            IS DISTINCT FROM lower(regexp_replace(v.host, '^www\.', ''))
        THEN regexp_replace(v.referrer, '[?#].*$', '') ELSE 'Direct / None' END
    WHEN 'utm_source' THEN v.utm_source WHEN 'utm_medium' THEN v.utm_medium
    WHEN 'utm_campaign' THEN v.utm_campaign WHEN 'device' THEN v.device
    WHEN 'browser' THEN v.browser WHEN 'os' THEN v.os WHEN 'country' THEN v.country
    WHEN 'region' THEN v.region END
$$;

-- The figures of the visits started in [t0, t1) (of one site, or all when
-- site is NULL) in the shape of visit_days, without the day. rolled_only:
-- read only the visits table (the rollup job, which has just written it),
-- else visits_between() (a report: the table and the raw tail). props: the
-- properties wanted (NULL: all of them).
CREATE FUNCTION visit_figures(site bigint, t0 timestamptz, t1 timestamptz,
                              rolled_only boolean, props text[] DEFAULT NULL)
RETURNS TABLE (site_id bigint, property text, value text, device text, visitors hll,
               visits bigint, pageviews bigint, bounces bigint, secs float8, goals jsonb)
LANGUAGE sql STABLE AS $$
WITH v AS (
    SELECT * FROM visits v
    WHERE rolled_only AND v.vstart >= t0 AND v.vstart < t1 AND (site IS NULL OR v.site_id = site)
    UNION ALL
    SELECT * FROM visits_between(site, t0, t1) WHERE NOT rolled_only),
 -- one row per visit and value it counts for (n: its pageviews there), once for
 -- its device and once for all devices ('*'), except for the device itself
 kv AS (
    SELECT v.site_id, v.visitor_id, x.device, d.property, d.value, d.n,
           (v.pageviews = 1 AND v.goals = 0)::int AS bounce,
           extract(epoch FROM v.vend - v.vstart)::float8 AS secs,
           CASE WHEN v.goals > 0 THEN ARRAY(SELECT DISTINCT h.name FROM unnest(v.hit_names,
               v.hit_goal) h(name, goal) WHERE h.goal) END AS reached
    FROM v, LATERAL (
        SELECT p, visit_value(p, v), v.pageviews::bigint
        FROM unnest('{source,referrer,utm_source,utm_medium,utm_campaign,device,browser,os,'
                    'country,region}'::text[]) p
        WHERE props IS NULL OR p = ANY (props)
        UNION ALL
        SELECT 'goal', h.name, 0::bigint
        FROM unnest(v.hit_names, v.hit_goal) h(name, goal)
        WHERE h.goal AND (props IS NULL OR 'goal' = ANY (props))
        GROUP BY h.name
    ) d(property, value, n), LATERAL (VALUES (v.device), ('*')) x(device)
    WHERE d.value IS NOT NULL AND (x.device <> '*' OR d.property <> 'device')),
 g AS (
    SELECT site_id, property, value, device, jsonb_object_agg(goal, visits) AS goals
    FROM (SELECT kv.site_id, kv.property, kv.value, kv.device, r.goal, count(*) AS visits
          FROM kv, unnest(kv.reached) r(goal) GROUP BY 1, 2, 3, 4, 5) r
    GROUP BY 1, 2, 3, 4),
 a AS (
    SELECT kv.site_id, kv.property, kv.value, kv.device,
           hll_add_agg(visitor_hash(kv.site_id, kv.visitor_id), 14, 5, -1, 0) AS visitors, -- 0.8 %
           count(*) AS visits, sum(kv.n) AS pageviews, sum(kv.bounce) AS bounces,
           sum(kv.secs * (1 - kv.bounce)) AS secs
    FROM kv GROUP BY 1, 2, 3, 4)
SELECT a.site_id, a.property, a.value, a.device, a.visitors, a.visits, a.pageviews::bigint,
       a.bounces::bigint, a.secs, coalesce(g.goals, '{}')
FROM a LEFT JOIN g USING (site_id, property, value, device)
$$;

-- Recomputes the rows of every Berlin day that [a, b) touches from its
-- visits in the table (of days not wholly rolled yet too: a report reads a
-- day only once rollup_state.rolled_until has passed its end).
CREATE FUNCTION visit_days_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s timestamptz;
    e timestamptz;
BEGIN
    FOR s, e IN SELECT * FROM rollup_days_touched(a, b) LOOP
        DELETE FROM visit_days WHERE dend = e;
        INSERT INTO visit_days
        SELECT f.site_id, s, e, f.property, f.value, f.device, f.visitors, f.visits,
               f.pageviews, f.bounces, f.secs, f.goals
        FROM visit_figures(NULL, s, e, true) f;
    END LOOP;
END $$;

-- The rollup job keeps the days with the hours: the function before this one
-- (sql/040's, or a later wrapper's) rolls the hours and their visits, this
-- one then recomputes their days.
ALTER FUNCTION rollup_hours_between(timestamptz, timestamptz)
    RENAME TO rollup_hours_before_047;

CREATE FUNCTION rollup_hours_between(a timestamptz, b timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rollup_hours_before_047(a, b);
    PERFORM visit_days_between(a, b);
END $$;

-- The breakdown figures of [t0, t1) for one site (NULL: every site), the
-- properties props: the whole Berlin days that the rollups have passed from
-- visit_days, the rest (edges in another zone, days not rolled, the tail)
-- from the visits. day_from: where the days start (the first Berlin midnight
-- at or after t0), day_until: where they end.
CREATE FUNCTION visit_figures_between(site bigint, t0 timestamptz, t1 timestamptz, props text[])
RETURNS TABLE (property text, value text, device text, visitors hll, visits bigint,
               pageviews bigint, bounces bigint, secs float8, goals jsonb)
LANGUAGE sql STABLE AS $$
WITH b AS MATERIALIZED (
    SELECT x.c0, greatest(x.c0, y.c1) AS c1
    FROM rollup_state s,
         LATERAL (SELECT CASE WHEN m < t0 THEN (date_trunc('day', t0 AT TIME ZONE 'Europe/Berlin')
                      + interval '1 day') AT TIME ZONE 'Europe/Berlin' ELSE m END AS c0
                  FROM (SELECT date_trunc('day', t0 AT TIME ZONE 'Europe/Berlin')
                               AT TIME ZONE 'Europe/Berlin' AS m) z) x,
         LATERAL (SELECT date_trunc('day', least(t1, coalesce(s.rolled_until, '-infinity'))
                      AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin' AS c1) y
    WHERE t0 < t1)
SELECT d.property, d.value, d.device, d.visitors, d.visits, d.pageviews, d.bounces, d.secs, d.goals
FROM b, visit_days d
WHERE site IS NOT NULL AND d.site_id = site AND d.property = ANY (props)
  AND d.dstart >= b.c0 AND d.dstart < b.c1
UNION ALL       -- every site: a branch of its own, so the one above reads the primary key
SELECT d.property, d.value, d.device, d.visitors, d.visits, d.pageviews, d.bounces, d.secs, d.goals
FROM b, visit_days d
WHERE site IS NULL AND d.property = ANY (props) AND d.dstart >= b.c0 AND d.dstart < b.c1
UNION ALL
SELECT f.property, f.value, f.device, f.visitors, f.visits, f.pageviews, f.bounces, f.secs, f.goals
FROM b, LATERAL visit_figures(site, t0, least(b.c0, t1), false, props) f
UNION ALL
SELECT f.property, f.value, f.device, f.visitors, f.visits, f.pageviews, f.bounces, f.secs, f.goals
FROM b, LATERAL visit_figures(site, greatest(b.c1, b.c0), t1, false, props) f
WHERE b.c0 < t1
$$;

-- Backfill from the visits rolled so far; the days after them are added as
-- the rollup job rolls on.
SELECT visit_days_between(min(vstart), max(vstart) + interval '1 microsecond')
FROM visits HAVING count(*) > 0;
