-- 026_intl_local.sql: international and local SEO (#38-#42): business
-- locations with their citations, local events, and checked hreflang
-- clusters. Each is keyed by the name the client gives it (`key`, `name`),
-- so sending it again replaces it.

CREATE TABLE local_locations (
    id            bigserial PRIMARY KEY,
    key           text NOT NULL UNIQUE CHECK (key <> ''),
    name          text NOT NULL,
    business_type text NOT NULL,                  -- LocalBusiness or a subtype
    street        text NOT NULL,
    postal_code   text NOT NULL,
    city          text NOT NULL,
    region        text,
    country       text NOT NULL CHECK (country IN ('DE', 'AT', 'CH')),
    lat           double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon           double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    phone         text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{5,14}$'),   -- E.164
    url           text,
    radius_km     double precision CHECK (radius_km > 0),
    regions       jsonb NOT NULL DEFAULT '[]',    -- service area by region names
    languages     jsonb NOT NULL DEFAULT '[]',
    hours         jsonb NOT NULL DEFAULT '[]',    -- OpeningHoursSpecification nodes
    citations     jsonb NOT NULL DEFAULT '[]',    -- [{source, url, name, street, postal_code, city, phone}]
    parent_name   text NOT NULL,
    parent_url    text,
    jsonld        jsonb NOT NULL,
    validation    jsonb NOT NULL,                 -- {errors, warnings} of the JSON-LD
    updated_at    timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE local_events (
    id              bigserial PRIMARY KEY,
    key             text NOT NULL UNIQUE CHECK (key <> ''),
    name            text NOT NULL,
    start_at        timestamptz NOT NULL,
    end_at          timestamptz CHECK (end_at > start_at),
    time_zone       text NOT NULL,
    status          text NOT NULL,
    attendance_mode text NOT NULL,
    city            text,
    state           text NOT NULL CHECK (state IN ('ok', 'warnings', 'errors')),
    errors          jsonb NOT NULL DEFAULT '[]',
    warnings        jsonb NOT NULL DEFAULT '[]',
    jsonld          jsonb NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX local_events_start ON local_events (start_at, id);

CREATE TABLE hreflang_clusters (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    pages       integer NOT NULL CHECK (pages >= 0),
    valid       boolean NOT NULL,
    errors      integer NOT NULL,
    warnings    integer NOT NULL,
    result      jsonb NOT NULL,                   -- issues, versions, pages, sitemap
    checked_at  timestamptz NOT NULL DEFAULT now()
);

-- the report cache (008): every write bumps one version per table
CREATE SEQUENCE data_version_locations;
SELECT nextval('data_version_locations');
CREATE TRIGGER local_locations_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON local_locations FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_locations');
CREATE SEQUENCE data_version_local_events;
SELECT nextval('data_version_local_events');
CREATE TRIGGER local_events_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON local_events FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_local_events');
CREATE SEQUENCE data_version_hreflang;
SELECT nextval('data_version_hreflang');
CREATE TRIGGER hreflang_clusters_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON hreflang_clusters FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_hreflang');
