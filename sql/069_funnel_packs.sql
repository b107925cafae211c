-- 069_funnel_packs.sql: a Berlin day's visits packed in one row for the funnel
-- (#47), each visit's hits as ids into a per-site dictionary with their times.
--
-- The funnel found the visits with a hit of step 1 by the page rows' index
-- (sql/061, sql/063) and then read each visit by its key: at 10.2 M events over
-- 90 days 102 k visits, ~410 k buffer visits and ~390 ms for that part alone,
-- their hits then sent as text arrays (~8 MB) and parsed. Here a day is one row
-- (~6 k visits a day at 10 M): C reads every visit of the day, which is more
-- visits than the candidates but no lookup per visit, and matches the steps
-- against the site's names once (a pattern against each distinct name, not
-- each hit), each hit then being a bit test.
--
-- A pack is bytes, visit after visit:
--
--     visitor_id (8 bytes, big-endian)  hits (varint)  per hit: id (varint)  gap (varint)
--
-- id is the hit's row in funnel_names (0: a hit without a name, which matches
-- nothing), gap the microseconds since the previous hit (the first: since the
-- visit started). A varint is 1 byte below 2^7 (0xxxxxxx), 2 below 2^14
-- (10xxxxxx + 1), 4 below 2^29 (110xxxxx + 3), else 0xe0 and 8 bytes. Times
-- are exact: visits.hit_secs holds microseconds / 1e6 as the nearest double,
-- round(secs * 1e6) gives the microseconds back, and C divides again.
--
-- The packs follow the visits through the triggers below, wherever visits
-- change (the rollup job rolling an hour, late rows rolled again, retention,
-- a deleted site), in the same transaction. Reports read a day only when it
-- ends at or before rollup_state.rolled_until; days cut by the range (another
-- time zone) and the hours after the rollups come from visits_between(), as
-- do reports with filters (device, source, path) and over every site.
--
-- Citus: distributed by site_id, colocated with visits.

-- The hit names of a site's visits, numbered from 1 per site (ids stay small:
-- most fit a byte or two); never renumbered, since the packs keep the ids.
CREATE TABLE funnel_names (
    site_id bigint NOT NULL,
    id      int NOT NULL,
    goal    boolean NOT NULL,      -- a goal event's name, else a pageview's path
    name    text NOT NULL,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, goal, name)
);

CREATE TABLE funnel_day_packs (
    site_id   bigint NOT NULL,
    day_start timestamptz NOT NULL,
    day_end   timestamptz NOT NULL,
    visits    int NOT NULL,        -- visits in pack (those with a hit)
    pack      bytea NOT NULL,      -- above
    PRIMARY KEY (site_id, day_start)
);
-- already mostly incompressible; stored out of line uncompressed, a report
-- reads it without decompressing ~150 kB a day
ALTER TABLE funnel_day_packs ALTER COLUMN pack SET STORAGE EXTERNAL;

-- x >= 0 as the varint above (a negative x, which no pack should hold, as 0xe0
-- and its 8 bytes, which C reads back as the same signed number).
CREATE FUNCTION funnel_varint(x bigint) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN x >= 0 AND x < 128 THEN substring(int8send(x) FROM 8)
                WHEN x >= 0 AND x < 16384 THEN substring(int8send(x | 32768) FROM 7)
                WHEN x >= 0 AND x < 536870912 THEN substring(int8send(x | 3221225472) FROM 5)
                ELSE '\xe0'::bytea || int8send(x) END
$$;

-- Numbers the names of the visits of the given (site, Berlin day) pairs that
-- have none yet. One writer at a time (the rollup job, or retention, which
-- adds none): two at once would collide on the primary key and one would fail.
CREATE FUNCTION funnel_names_add(keys jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO funnel_names (site_id, id, goal, name)
    SELECT n.site_id, coalesce(m.top, 0) + row_number() OVER (PARTITION BY n.site_id
                                                              ORDER BY n.goal, n.name),
           n.goal, n.name
    FROM (SELECT DISTINCT k.site_id, h.goal, h.name
          FROM jsonb_to_recordset(keys) k(site_id bigint, day_start timestamptz),
          LATERAL (SELECT v.hit_names, v.hit_goal FROM visits v WHERE v.site_id = k.site_id
                   AND v.vstart >= k.day_start
                   AND v.vstart < rollup_day_ceil(k.day_start + interval '1 hour')
                   OFFSET 0) v,
          unnest(v.hit_names, v.hit_goal) h(name, goal)
          WHERE h.name IS NOT NULL) n
    LEFT JOIN LATERAL (SELECT max(f.id) AS top FROM funnel_names f WHERE f.site_id = n.site_id) m
      ON true
    -- looked up once per distinct name of the days, not once per hit
    WHERE NOT EXISTS (SELECT 1 FROM funnel_names f
                      WHERE f.site_id = n.site_id AND f.goal = n.goal AND f.name = n.name)
$$;

-- The packs of the given (site, Berlin day) pairs as the visits table holds
-- them now (their names numbered already), visits in (vstart, visitor) order,
-- so the same visits give the same pack. A day without a visit with a hit has
-- no row. The visits are read per pair by their key (OFFSET 0 keeps the
-- subquery apart): joined with the pairs, whose count the planner guesses at
-- 100, it scanned every visit (0.5 s for a day at 10 M events).
CREATE FUNCTION funnel_day_pack_rows(keys jsonb) RETURNS SETOF funnel_day_packs
LANGUAGE sql STABLE AS $$
    WITH k AS (SELECT DISTINCT k.site_id, k.day_start,
                      rollup_day_ceil(k.day_start + interval '1 hour') AS day_end
               FROM jsonb_to_recordset(keys) k(site_id bigint, day_start timestamptz)),
    h AS (SELECT k.site_id, k.day_start, k.day_end, v.vstart, v.visitor_id, u.i,
                 coalesce(f.id, 0) AS id, round(u.secs * 1e6::float8)::bigint AS us
          FROM k CROSS JOIN LATERAL (SELECT v.vstart, v.visitor_id, v.hit_names, v.hit_goal,
                                            v.hit_secs FROM visits v
                                     WHERE v.site_id = k.site_id AND v.vstart >= k.day_start
                                       AND v.vstart < k.day_end OFFSET 0) v
               CROSS JOIN LATERAL unnest(v.hit_names, v.hit_goal, v.hit_secs)
                   WITH ORDINALITY u(name, goal, secs, i)
               LEFT JOIN funnel_names f ON f.site_id = k.site_id AND f.goal = u.goal
                                       AND f.name = u.name),
    g AS (SELECT h.*, h.us - lag(h.us, 1, 0::bigint) OVER (PARTITION BY h.site_id, h.vstart,
                                                          h.visitor_id ORDER BY h.i) AS gap
          FROM h),
    v AS (SELECT site_id, day_start, day_end, vstart, visitor_id,
                 int8send(visitor_id) || funnel_varint(count(*))
                     || string_agg(funnel_varint(id) || funnel_varint(gap), ''::bytea ORDER BY i)
                     AS bytes
          FROM g GROUP BY site_id, day_start, day_end, vstart, visitor_id)
    SELECT site_id, day_start, day_end, count(*)::int,
           string_agg(bytes, ''::bytea ORDER BY vstart, visitor_id)
    FROM v GROUP BY site_id, day_start, day_end
$$;

-- Packs the (site, day) pairs again, after numbering their new names.
CREATE FUNCTION funnel_packs_again(keys jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF keys IS NULL THEN
        RETURN;
    END IF;
    PERFORM funnel_names_add(keys);
    DELETE FROM funnel_day_packs p
    USING jsonb_to_recordset(keys) k(site_id bigint, day_start timestamptz)
    WHERE p.site_id = k.site_id AND p.day_start = k.day_start;
    INSERT INTO funnel_day_packs SELECT * FROM funnel_day_pack_rows(keys);
END $$;

-- Once per statement: the rollup job deletes and inserts an hour's visits of
-- every site in one statement each, so a day is packed twice per hour rolled
-- (~6 k visits at 10 M events), not once per visit.
CREATE FUNCTION funnel_visits_packed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keys jsonb;
    rows text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE funnel_day_packs;
        RETURN NULL;
    END IF;
    -- the days of the rows gone and of those come (an update: both, in turn)
    FOREACH rows IN ARRAY CASE TG_OP WHEN 'INSERT' THEN '{new_rows}'::text[]
                                     WHEN 'DELETE' THEN '{old_rows}'
                                     ELSE '{old_rows,new_rows}' END LOOP
        EXECUTE format('SELECT jsonb_agg(DISTINCT jsonb_build_object(''site_id'', site_id,'
                       ' ''day_start'', rollup_day_floor(vstart))) FROM %I', rows) INTO keys;
        PERFORM funnel_packs_again(keys);
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER visits_funnel_packed_insert AFTER INSERT ON visits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funnel_visits_packed();
CREATE TRIGGER visits_funnel_packed_delete AFTER DELETE ON visits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION funnel_visits_packed();
CREATE TRIGGER visits_funnel_packed_update AFTER UPDATE ON visits
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION funnel_visits_packed();
CREATE TRIGGER visits_funnel_packed_truncate AFTER TRUNCATE ON visits
    FOR EACH STATEMENT EXECUTE FUNCTION funnel_visits_packed();

-- Backfill from the visits rolled so far, a day at a time.
DO $$
DECLARE
    d timestamptz;
    keys jsonb;
BEGIN
    FOR d IN SELECT DISTINCT rollup_day_floor(vstart) FROM visits ORDER BY 1 LOOP
        SELECT jsonb_agg(jsonb_build_object('site_id', s.site_id, 'day_start', d))
        INTO keys FROM (SELECT DISTINCT site_id FROM visits
                        WHERE vstart >= d AND vstart < rollup_day_ceil(d + interval '1 hour')) s;
        PERFORM funnel_packs_again(keys);
    END LOOP;
END $$;
ANALYZE funnel_names;
ANALYZE funnel_day_packs;
