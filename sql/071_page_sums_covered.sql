-- 071_page_sums_covered.sql: the sums of the page breakdowns are read from the
-- index alone (issue #8, 90-day page breakdowns at 1 M events).
--
-- page_sums_between() (sql/064) reads a site's page rows of one property over
-- whole weeks and edge days through the keys below, and then fetched every
-- row from the heap for five figures: 22.6 k week rows of property page over
-- 90 days at 1 M events, spread over ~3.5 k heap pages that also hold the
-- rows' sketches. With the figures in the key's leaf tuples the same rows
-- come from ~370 index pages (index-only, the tables being all-visible after
-- the rollup job's writes are vacuumed). The key stays unique on the same
-- columns, so the rollup job's ON CONFLICT DO NOTHING and every lookup by
-- key see no difference; it is only wider (at 1 M events page_days_key 39 MB,
-- page_weeks_key 18 MB after the build).
-- Built first under another name, so no reader is left without it, then
-- renamed.

CREATE UNIQUE INDEX page_days_key_sums ON page_days
    (site_id, property, (device = '*'), dstart, page, device)
    INCLUDE (visits, pageviews, bounces, secs, goals);
DROP INDEX page_days_key;
ALTER INDEX page_days_key_sums RENAME TO page_days_key;

CREATE UNIQUE INDEX page_weeks_key_sums ON page_weeks
    (site_id, property, (device = '*'), week, page, device)
    INCLUDE (visits, pageviews, bounces, secs, goals);
DROP INDEX page_weeks_key;
ALTER INDEX page_weeks_key_sums RENAME TO page_weeks_key;
