-- 036_competitor_cache.sql: the competitor reports (#53, #55) through the
-- report cache.

-- the report cache (008): every write to these tables bumps one version
CREATE SEQUENCE data_version_competitors;
SELECT nextval('data_version_competitors');
CREATE TRIGGER competitors_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON competitors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_competitors');
CREATE TRIGGER competitor_snapshots_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON competitor_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_competitors');
CREATE TRIGGER competitor_rankings_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON competitor_rankings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_competitors');
