-- 022_videos.sql: stored video audits (#18/#19), the latest audit per video.
--
-- A video is keyed by its site (the page's host without "www."), the page it
-- is shown on (normalised URL, analysis/urlnorm) and the video itself: its
-- normalised contentUrl, else embedUrl, else the page again (one video per
-- page). Auditing it again replaces the audit.

CREATE TABLE videos (
    id               bigserial PRIMARY KEY,
    site             text NOT NULL CHECK (site <> ''),
    site_id          bigint REFERENCES sites ON DELETE SET NULL,
    url              text NOT NULL,              -- the page, as last sent
    url_norm         text NOT NULL,
    video_key        text NOT NULL,              -- normalised content or embed URL, else url_norm
    name             text,
    score            smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
    eligible         boolean NOT NULL,
    duration_seconds double precision CHECK (duration_seconds >= 0),
    chapters         integer NOT NULL DEFAULT 0 CHECK (chapters >= 0),
    issues           jsonb NOT NULL DEFAULT '[]',   -- [{code, severity, field, message}]
    jsonld           jsonb NOT NULL,
    analysed_at      timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site, url_norm, video_key)
);
-- the report's order: worst first
CREATE INDEX videos_worst ON videos (score, id);

-- the report cache (008): every write bumps one version
CREATE SEQUENCE data_version_videos;
SELECT nextval('data_version_videos');
CREATE TRIGGER videos_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON videos
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_videos');
