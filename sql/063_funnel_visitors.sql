-- 063_funnel_visitors.sql: the funnel's visits found by page without reading the page rows.
--
-- The funnel (#47) finds the visits that viewed its first step, when that is a
-- page without a wildcard, by the page rows' index on (site_id, page, vstart)
-- (sql/061, visits_viewing_between()) and then each visit by its key. The key
-- needs visitor_id, which that index lacks: every match read its page row from
-- the table as well, scattered over it. With visitor_id in the index the scan
-- is index-only. At 10.2 M events (102 k visits viewed the page over 90 days)
-- that part took 120-580 ms of a ~0.65-0.9 s read and 16-22 ms index-only, on the
-- same data alternately; the visits themselves are still read one by one.
-- It serves whatever the old index served (same keys), so that one goes.
CREATE INDEX visit_pages_site_page_vstart_visitor ON visit_pages (site_id, page, vstart)
    INCLUDE (visitor_id);
DROP INDEX visit_pages_site_id_page_vstart_idx;
