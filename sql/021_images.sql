-- 021_images.sql: images audited by #16 and reported by #17.
--
-- One row per image, keyed by (site, url): site is the lowercased host of the
-- image URL, url its normal form (analysis/urlnorm), so the same image sent
-- twice, or with tracking parameters, is one row. A re-POST replaces the
-- stored audit (the latest audit is what the report aggregates).

CREATE TABLE images (
    id               bigserial PRIMARY KEY,
    site             text NOT NULL CHECK (site <> ''),
    url              text NOT NULL CHECK (url ~ '^https?://'),
    page_url         text,
    alt              text,
    title            text,
    filename         text,
    format           text NOT NULL CHECK (format IN ('png', 'jpeg', 'gif', 'webp', 'avif', 'unknown')),
    format_source    text CHECK (format_source IN ('bytes', 'extension')),
    width            integer CHECK (width > 0),
    height           integer CHECK (height > 0),
    orientation      smallint NOT NULL DEFAULT 1 CHECK (orientation BETWEEN 1 AND 8),
    file_size        bigint CHECK (file_size >= 0),
    measured         boolean NOT NULL,          -- format, size and bytes read from the bytes
    displayed_width  integer CHECK (displayed_width > 0),
    displayed_height integer CHECK (displayed_height > 0),
    score            smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
    issues           jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(issues) = 'array'),
    savings_bytes    bigint NOT NULL DEFAULT 0 CHECK (savings_bytes >= 0),
    jsonld           jsonb NOT NULL,
    analysed_at      timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site, url)
);
-- the report lists worst first
CREATE INDEX images_score ON images (score, id);

-- the report cache (008): every write bumps the images version
CREATE SEQUENCE data_version_images;
SELECT nextval('data_version_images');
CREATE TRIGGER images_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON images
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_images');
