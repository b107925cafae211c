-- 067_events_index_vitals.sql: the events' two btree indexes leave out the vital
-- reports (issue #8: ingest against COPY).
--
-- A page load sends a pageview, an engagement and five vital reports: seven
-- rows in ten are vitals (10.2 M-event load: 2.43 M of 3.43 M in November), and
-- every one of them went into (site_id, kind, ts) and (kind, name, ts) as well as
-- into events_vital_ids (sql/012). No reader looks a vital up through the first
-- two: vitals are read by time, through report_events() (the rollups' hours, the
-- reports' raw tail, the hours a late report dirties), which takes
-- events_vital_ids or the BRIN on ts. The lookups by kind are of the other kinds:
-- a site's pageviews or engagement over a range (predictions, next-page
-- conversions), goal events by name (A/B tests, journeys' goal pages), pageviews
-- and engagement of every site over 28 days (recommendations, behavioural rules).
-- Those keep the same keys, now partial; a query naming one of the three other
-- kinds implies the predicate, so the planner takes the partial index as before.
--
-- Backend CPU of a COPY of 100,000 rows (1 M load, the indexes swapped inside a
-- rolled-back transaction, four rounds alternately, load ~7.6): the load's own
-- mix, 71 % vitals, 560-680 -> 330-350 ms; bench/mixed's mix, a quarter
-- vitals, 400-420 -> 330-350 ms.
--
-- The partial indexes are built before the full ones go, so no reader is left
-- without one in between; on a partitioned table this is one transaction and
-- blocks writes to events while it builds (every row is read, three in ten kept).

CREATE INDEX events_site_kind_ts ON events (site_id, kind, ts) WHERE kind <> 'vital';
CREATE INDEX events_kind_name_ts ON events (kind, name, ts) WHERE kind <> 'vital';
DROP INDEX events_site_id_kind_ts_idx;
DROP INDEX events_kind_name_ts_idx;
