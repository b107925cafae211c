-- 068_pageviews_weeks_covering.sql: the week pageviews read by index alone
-- (issue #8: UX metrics at volume).
--
-- GET /api/level2/ux-signals/metrics ranks the range's pages by their pageviews
-- before it merges any digest (handlers/level2_ux_signals.c), and over 90 days
-- most of those sums come from rollup_pageviews_weeks: one row per page and
-- week, 22,598 rows at 1 M events. Its primary key (site_id, device, week, path)
-- finds them but leaves the count in the heap, one visit per row; the day and
-- hour rollups beside it are read by covering indexes already (sql/044,
-- sql/046). With the pageviews in the index the scan is index-only: 26 -> 10 ms
-- for that node in EXPLAIN ANALYZE at 1 M (load ~6). The table is small (22 MB
-- at 1 M) and written once per closed week and page, so the index costs little.

CREATE INDEX rollup_pageviews_weeks_views_idx ON rollup_pageviews_weeks (site_id, device, week)
    INCLUDE (path, pageviews);
