-- 008_report_cache.sql: data versions for the report cache. Every statement that
-- writes a table a report reads bumps that table group's sequence; a cached
-- report is served only while the versions it was computed at are current.
-- Sequences are not transactional and take no row locks, so ingest never waits
-- on them; the cache's TTL bounds the one race (a report computed while a
-- write was committing).

CREATE SEQUENCE data_version_events;
CREATE SEQUENCE data_version_sites;
CREATE SEQUENCE data_version_pages;
CREATE SEQUENCE data_version_entities;
CREATE SEQUENCE data_version_reviews;
CREATE SEQUENCE data_version_recommendations;

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval(TG_ARGV[0]::regclass);
    RETURN NULL;
END $$;

DO $$
DECLARE
    watched text[][] := ARRAY[
        ['events', 'data_version_events'],
        ['sites', 'data_version_sites'],
        ['pages', 'data_version_pages'],
        ['entities', 'data_version_entities'],
        ['entity_analyses', 'data_version_entities'],
        ['entity_mentions', 'data_version_entities'],
        ['entity_pairs', 'data_version_entities'],
        ['reviews', 'data_version_reviews'],
        ['recommendations', 'data_version_recommendations'],
        ['recommendation_runs', 'data_version_recommendations']];
BEGIN
    FOR i IN 1 .. array_length(watched, 1) LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version(%L)',
                       watched[i][1] || '_data_version', watched[i][1], watched[i][2]);
    END LOOP;
END $$;

-- start every sequence past its first value, so that last_value changes on each bump
SELECT nextval(s) FROM unnest(ARRAY['data_version_events', 'data_version_sites',
    'data_version_pages', 'data_version_entities', 'data_version_reviews',
    'data_version_recommendations']::regclass[]) s;
