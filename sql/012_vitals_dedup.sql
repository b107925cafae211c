-- 012_vitals_dedup.sql: web-vitals reports counted once per page load.
--
-- The web-vitals library reports CLS and INP again whenever they change (and
-- again when a hidden page is shown and hidden once more), each time with the
-- page load's metric id; a bfcache restore starts a new id. A page load's value
-- is its last report: the latest received for (site, vital, id). Ingest stays
-- an append-only COPY; reports read report_events(), which leaves the earlier
-- reports out. Rows of one COPY share their timestamp, so the ingest keeps only
-- the last report of an id within a batch; between batches the timestamp
-- orders, and ctid settles a tie (equal timestamps share a partition).
-- Reports without an id (the demo data, older trackers) each count once.

-- The reports that may be superseded, by time: the range's own and the later
-- ones, without reading every vital of the range twice.
CREATE INDEX events_vital_ids ON events (ts) WHERE kind = 'vital' AND metric_id IS NOT NULL;

-- Every event of [since, until), except vital reports superseded by a later
-- report of the same page load. A report superseding one in the range is
-- itself at or after `since`: the search for it scans no older partition.
-- A page load is counted in the range of its last report, so consecutive
-- ranges count it once. Inlined by the planner: the caller's filters reach
-- the scans of events.
CREATE FUNCTION report_events(since timestamptz, until timestamptz) RETURNS SETOF events
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT e.* FROM events e
WHERE e.ts >= since AND e.ts < until AND (e.kind <> 'vital' OR e.metric_id IS NULL)
UNION ALL
SELECT e.* FROM events e
WHERE e.ts >= since AND e.ts < until AND e.kind = 'vital' AND e.metric_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM events l
                  WHERE l.kind = 'vital' AND l.ts >= since AND l.metric_id = e.metric_id
                    AND l.name = e.name AND l.site_id = e.site_id
                    AND l.ts >= e.ts AND (l.ts > e.ts OR l.ctid > e.ctid))
$$;
