-- 040_ux_pages_by_path.sql: the rollup rows the UX metrics (#4) read per page.
--
-- The metrics rank the pages by their pageviews and answer a slice of them,
-- most viewed first, merging the vitals and engagement digests of those pages
-- only. The primary keys lead with site and hour, so one path's rows meant
-- reading every row of the range, and the ranking read the rollup_pages rows
-- of every source and browser.

CREATE INDEX ON rollup_vitals (path, device, hour);
CREATE INDEX ON rollup_engagement (path, device, hour);
CREATE INDEX rollup_pages_views_idx ON rollup_pages (device, hour) INCLUDE (site_id, path, pageviews)
    WHERE source = '*' AND browser = '*' AND path <> '*';
