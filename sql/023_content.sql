-- 023_content.sql: content analyses (#26/#27/#28), one row per page and version.
--
-- A page is its normalised URL (analysis/urlnorm); a new version is stored
-- when what was analysed changed (text, title, meta description, slug,
-- keyphrase or language: content_hash); analysing the same content again
-- refreshes the latest version in place. body_text is the marked text the
-- analysis read (readability.h: "## " lines are subheadings), kept for the
-- rewrites of #28.

CREATE TABLE content_analyses (
    id                 bigserial PRIMARY KEY,
    site               text NOT NULL CHECK (site <> ''),
    site_id            bigint REFERENCES sites ON DELETE SET NULL,
    url                text NOT NULL,
    url_norm           text NOT NULL,
    version            integer NOT NULL CHECK (version >= 1),
    content_hash       text NOT NULL,
    title              text,
    meta_description   text,
    slug               text,
    keyphrase          text,
    lang               text NOT NULL CHECK (lang IN ('de', 'en')),
    body_text          text NOT NULL,
    alts               jsonb NOT NULL DEFAULT '[]',   -- alt texts of the images (HTML input)
    score              smallint CHECK (score BETWEEN 0 AND 100),
    readability_score  smallint CHECK (readability_score BETWEEN 0 AND 100),
    seo_score          smallint CHECK (seo_score BETWEEN 0 AND 100),
    words              integer NOT NULL CHECK (words >= 0),
    flesch             double precision NOT NULL,
    stats              jsonb NOT NULL,
    checks             jsonb NOT NULL,                 -- [{id, group, light, score, value, explanation}]
    analysed_at        timestamptz NOT NULL DEFAULT now(),
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (url_norm, version)
);
-- the report reads the latest version per page, worst first
CREATE INDEX content_analyses_site ON content_analyses (site, url_norm, version DESC);

-- the report cache (008): every write bumps one version
CREATE SEQUENCE data_version_content;
SELECT nextval('data_version_content');
CREATE TRIGGER content_analyses_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON content_analyses FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_content');
