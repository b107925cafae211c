-- 073_funnel_hour_packs.sql: the funnel's packs (sql/069) in pieces of an hour
-- of visit starts, each repacked alone (#8).
--
-- A day's pack was repacked whole by every statement touching one of its
-- visits: the rollup job's closing run deletes and inserts the visits of its
-- hours in two statements, so the day under way was packed twice per hour,
-- whole. At 2,000 events/s 3.5 hours into the Berlin day (~1.4 M visits) that
-- was 19.7 s of a 234 s closing run, and it grows with the day (~130 s at its
-- end). A piece holds the visits started in one UTC hour (a Berlin day is
-- whole hours): a statement repacks only the hours of the rows it touched,
-- and numbers only the names of the rows it brought.
--
-- A piece is a pack as sql/069 describes it, visits in (vstart, visitor)
-- order; the pieces of a day in hour order, put end to end, are its pack of
-- sql/069 byte for byte. Once the rollup job is two hours past a day, its
-- pieces are joined into that one row again (funnel_days_whole() below): the
-- funnel reads every row of the whole days it read a pack of, each an
-- independent list of visits (analysis/funnel.c counts a visitor once across
-- them, as it did across days), about one a day as before.
--
-- Citus: distributed by site_id, colocated with visits; funnel_days_whole()
-- is a statement over every site, as the rollup job's own.

DROP FUNCTION funnel_packs_again(jsonb);
DROP FUNCTION funnel_day_pack_rows(jsonb);
DROP FUNCTION funnel_names_add(jsonb);
DROP TABLE funnel_day_packs;

CREATE TABLE funnel_hour_packs (
    site_id   bigint NOT NULL,
    day_start timestamptz NOT NULL,    -- its Berlin day (the reader takes whole days)
    hour      timestamptz NOT NULL,    -- the UTC hour its visits started in
    day_end   timestamptz NOT NULL,
    visits    int NOT NULL,            -- visits in pack (those with a hit)
    pack      bytea NOT NULL,          -- sql/069's format
    whole     boolean NOT NULL,        -- the whole day's visits (hour = day_start)
    PRIMARY KEY (site_id, day_start, hour)
);
-- the days still in pieces: today's, mostly
CREATE INDEX funnel_hour_packs_pieces ON funnel_hour_packs (day_end) WHERE NOT whole;
-- as sql/069: mostly incompressible, read without decompressing
ALTER TABLE funnel_hour_packs ALTER COLUMN pack SET STORAGE EXTERNAL;

-- The UTC hour t falls in, whatever the session's time zone.
CREATE FUNCTION funnel_hour(t timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT date_bin('1 hour', t, timestamptz '2000-01-01 00:00+00')
$$;

-- The statement numbering the hit names of the visits in `rel` (a table, or
-- a trigger's transition table, which only the trigger function itself can
-- read: so it runs the statement) that have none yet. Every visit comes in by
-- a statement whose trigger numbers its names (the migration numbered those
-- already there), so a statement need look at no other visits than its own.
-- One writer at a time (the rollup job, or retention, which adds none): two
-- at once would collide on the primary key and one would fail.
CREATE FUNCTION funnel_names_add_sql(rel text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
    SELECT format($q$
    INSERT INTO funnel_names (site_id, id, goal, name)
    SELECT n.site_id, coalesce(m.top, 0) + row_number() OVER (PARTITION BY n.site_id
                                                              ORDER BY n.goal, n.name),
           n.goal, n.name
    FROM (SELECT DISTINCT v.site_id, h.goal, h.name
          FROM %I v, unnest(v.hit_names, v.hit_goal) h(name, goal)
          WHERE h.name IS NOT NULL) n
    LEFT JOIN LATERAL (SELECT max(f.id) AS top FROM funnel_names f WHERE f.site_id = n.site_id) m
      ON true
    -- looked up once per distinct name, not once per hit
    WHERE NOT EXISTS (SELECT 1 FROM funnel_names f
                      WHERE f.site_id = n.site_id AND f.goal = n.goal AND f.name = n.name)
    $q$, rel)
$f$;

-- The pieces of the given (site, hour) pairs as the visits table holds them
-- now (their names numbered already): sql/069's funnel_day_pack_rows() per
-- hour. An hour without a visit with a hit has no row. The visits are read
-- per pair by their key (OFFSET 0 keeps the subquery apart, as there).
CREATE FUNCTION funnel_hour_pack_rows(keys jsonb) RETURNS SETOF funnel_hour_packs
LANGUAGE sql STABLE AS $$
    WITH k AS (SELECT DISTINCT k.site_id, k.hour FROM jsonb_to_recordset(keys)
                   k(site_id bigint, hour timestamptz)),
    h AS (SELECT k.site_id, k.hour, v.vstart, v.visitor_id, u.i,
                 coalesce(f.id, 0) AS id, round(u.secs * 1e6::float8)::bigint AS us
          FROM k CROSS JOIN LATERAL (SELECT v.vstart, v.visitor_id, v.hit_names, v.hit_goal,
                                            v.hit_secs FROM visits v
                                     WHERE v.site_id = k.site_id AND v.vstart >= k.hour
                                       AND v.vstart < k.hour + interval '1 hour' OFFSET 0) v
               CROSS JOIN LATERAL unnest(v.hit_names, v.hit_goal, v.hit_secs)
                   WITH ORDINALITY u(name, goal, secs, i)
               LEFT JOIN funnel_names f ON f.site_id = k.site_id AND f.goal = u.goal
                                       AND f.name = u.name),
    g AS (SELECT h.*, h.us - lag(h.us, 1, 0::bigint) OVER (PARTITION BY h.site_id, h.vstart,
                                                          h.visitor_id ORDER BY h.i) AS gap
          FROM h),
    v AS (SELECT site_id, hour, vstart, visitor_id,
                 int8send(visitor_id) || funnel_varint(count(*))
                     || string_agg(funnel_varint(id) || funnel_varint(gap), ''::bytea ORDER BY i)
                     AS bytes
          FROM g GROUP BY site_id, hour, vstart, visitor_id)
    SELECT site_id, rollup_day_floor(hour), hour, rollup_day_ceil(hour + interval '1 hour'),
           count(*)::int, string_agg(bytes, ''::bytea ORDER BY vstart, visitor_id), false
    FROM v GROUP BY site_id, hour
$$;

-- Puts the pieces of each day that ends at or before the earliest hour given
-- into one row, the pieces end to end in hour order (the day's pack of
-- sql/069, byte for byte), whatever its site: a site with no visit in the
-- hours rolled has its days joined all the same. The funnel reads a row per
-- day as before instead of one per hour, 24 times fewer; a day is joined once
-- (a copy of its bytes, nothing packed again) when a statement touches only
-- later hours: the rollup job's closing run rolls the hour and the two before
-- it again, so a day is joined two hours after it ends and the runs that
-- follow do not touch its pieces again.
CREATE FUNCTION funnel_days_whole(keys jsonb) RETURNS void LANGUAGE sql AS $$
    WITH d AS (SELECT DISTINCT p.site_id, p.day_start FROM funnel_hour_packs p
               WHERE NOT p.whole
                 AND p.day_end <= (SELECT min(k.hour) FROM jsonb_to_recordset(keys)
                                       k(site_id bigint, hour timestamptz))),
    gone AS (DELETE FROM funnel_hour_packs p USING d
             WHERE p.site_id = d.site_id AND p.day_start = d.day_start RETURNING p.*)
    INSERT INTO funnel_hour_packs
    SELECT site_id, day_start, day_start, min(day_end), sum(visits)::int,
           string_agg(pack, ''::bytea ORDER BY hour), true
    FROM gone GROUP BY site_id, day_start
$$;

-- Packs the given (site, hour) pairs again, then joins the days done with.
-- A day already joined is packed again in pieces, every hour of it (late rows
-- or retention, once in a while: O(day) as every change was before).
CREATE FUNCTION funnel_hours_again(keys jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    hours jsonb;
BEGIN
    IF keys IS NULL THEN
        RETURN;
    END IF;
    WITH k AS (SELECT DISTINCT k.site_id, k.hour
               FROM jsonb_to_recordset(keys) k(site_id bigint, hour timestamptz)),
    w AS (SELECT DISTINCT p.site_id, p.day_start, p.day_end
          FROM k JOIN funnel_hour_packs p ON p.site_id = k.site_id
                                         AND p.day_start = rollup_day_floor(k.hour)
                                         AND p.hour = p.day_start AND p.whole)
    SELECT jsonb_agg(jsonb_build_object('site_id', s.site_id, 'hour', s.hour)) INTO hours
    FROM (SELECT site_id, hour FROM k
          UNION SELECT w.site_id, h FROM w, generate_series(w.day_start, w.day_end - interval '1 hour',
                                                            interval '1 hour') h) s;
    -- a whole day's row has the hour of its start, one of those
    DELETE FROM funnel_hour_packs p
    USING jsonb_to_recordset(hours) k(site_id bigint, hour timestamptz)
    WHERE p.site_id = k.site_id AND p.day_start = rollup_day_floor(k.hour) AND p.hour = k.hour;
    INSERT INTO funnel_hour_packs SELECT * FROM funnel_hour_pack_rows(hours);
    PERFORM funnel_days_whole(keys);
END $$;

-- Once per statement, for the hours of the rows it touched: a closing run of
-- the rollup job repacks the few hours it rolls, however far into the day.
-- Rows gone only take visits out of their hours; names come with new rows.
-- sql/069's triggers call it (their transition tables named as there).
CREATE OR REPLACE FUNCTION funnel_visits_packed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keys jsonb;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE funnel_hour_packs;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        EXECUTE funnel_names_add_sql('new_rows');
    END IF;
    -- the hours of the rows gone and of those come (an update: both, once)
    -- (distinct pairs first: an object per row cost ~0.25 s per 200 k rows)
    EXECUTE 'SELECT jsonb_agg(jsonb_build_object(''site_id'', site_id, ''hour'', hour))'
            ' FROM (SELECT DISTINCT site_id, funnel_hour(vstart) AS hour FROM ('
            || CASE TG_OP WHEN 'INSERT' THEN 'SELECT site_id, vstart FROM new_rows'
                          WHEN 'DELETE' THEN 'SELECT site_id, vstart FROM old_rows'
                          ELSE 'SELECT site_id, vstart FROM old_rows'
                               ' UNION ALL SELECT site_id, vstart FROM new_rows' END
            || ') r) r' INTO keys;
    PERFORM funnel_hours_again(keys);
    RETURN NULL;
END $$;

-- Backfill from the visits rolled so far, a day at a time (their names were
-- numbered by sql/069; any missing are numbered first all the same).
DO $$
DECLARE
    d timestamptz;
    keys jsonb;
BEGIN
    EXECUTE funnel_names_add_sql('visits');
    FOR d IN SELECT DISTINCT rollup_day_floor(vstart) FROM visits ORDER BY 1 LOOP
        SELECT jsonb_agg(jsonb_build_object('site_id', s.site_id, 'hour', s.hour))
        INTO keys FROM (SELECT DISTINCT site_id, funnel_hour(vstart) AS hour FROM visits
                        WHERE vstart >= d AND vstart < rollup_day_ceil(d + interval '1 hour')) s;
        INSERT INTO funnel_hour_packs SELECT * FROM funnel_hour_pack_rows(keys);
    END LOOP;
    -- the days two hours or more before the rollups' end joined, as the
    -- closing runs would have
    PERFORM funnel_days_whole((SELECT jsonb_build_array(jsonb_build_object(
                                   'site_id', 0, 'hour', rolled_until - interval '2 hours'))
                               FROM rollup_state WHERE rolled_until IS NOT NULL));
END $$;
ANALYZE funnel_names;
ANALYZE funnel_hour_packs;
