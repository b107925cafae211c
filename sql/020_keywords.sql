-- 020_keywords.sql: search keywords (Search Console performance per day) and
-- the events whose uplift they may show (#11-#15).
--
-- A keyword is stored normalised (trimmed, lower case); its daily figures are
-- keyed by (keyword, day), so importing an export twice changes nothing.
-- Search Console leaves out days without impressions: a missing day is 0.

CREATE TABLE keywords (
    id          bigserial PRIMARY KEY,
    keyword     text NOT NULL UNIQUE CHECK (keyword <> '' AND length(keyword) <= 300),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE keyword_days (
    keyword_id  bigint NOT NULL REFERENCES keywords ON DELETE CASCADE,
    day         date NOT NULL,
    clicks      bigint NOT NULL CHECK (clicks >= 0),
    impressions bigint NOT NULL CHECK (impressions >= clicks),
    position    double precision CHECK (position >= 1),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (keyword_id, day)
);

CREATE TABLE keyword_events (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (name <> ''),
    kind        text NOT NULL CHECK (kind IN ('trade_fair', 'subsidy', 'law', 'campaign', 'other')),
    starts_on   date NOT NULL,
    ends_on     date NOT NULL CHECK (ends_on >= starts_on),
    keywords    text[] NOT NULL,
    url         text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, starts_on)
);
CREATE INDEX keyword_events_ends ON keyword_events (ends_on);

-- the report cache (008): every write to these tables bumps one version
CREATE SEQUENCE data_version_keywords;
SELECT nextval('data_version_keywords');
CREATE TRIGGER keywords_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON keywords
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_keywords');
CREATE TRIGGER keyword_days_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON keyword_days
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_keywords');
CREATE TRIGGER keyword_events_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON keyword_events
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_keywords');
