-- 044_ux_pages_by_path.sql: the rollup rows the UX metrics (#4) read per page.
--
-- The metrics rank the pages by their pageviews and answer a slice of them,
-- most viewed first, merging the vitals and engagement digests of those pages
-- only. The primary keys lead with site and hour, so one path's rows meant
-- reading every row of the range, and the ranking read the rollup_pages rows
-- of every source and browser. A long-tail page has a row per hour and vital
-- holding a value or two, spread over as many heap pages: the indexes carry
-- the columns the report reads (index-only scans; rollup_vitals' index is
-- about the size of the table).

CREATE INDEX rollup_vitals_page_idx ON rollup_vitals (path, device, hour)
    INCLUDE (site_id, name, n, good, ni, poor, digest);
CREATE INDEX rollup_engagement_page_idx ON rollup_engagement (path, device, hour)
    INCLUDE (site_id, n, s0, s25, s50, s75, digest);
CREATE INDEX rollup_pages_views_idx ON rollup_pages (device, hour) INCLUDE (site_id, path, pageviews)
    WHERE source = '*' AND browser = '*' AND path <> '*';
