-- 025_schema_snippets.sql: JSON-LD snippets sent to #32/#34/#36, validated
-- (analysis/jsonld.c against the schema.org vocabulary and Google's rules),
-- stored with their validation state and version; the reports #33/#35/#37.
--
-- A snippet is keyed by its service (automotive, howto, qa), the page it is on
-- (normalised URL) and its key: the first @id of its main nodes, else their
-- types ("Product", "Car+Offer"). Sending changed markup for the same key
-- makes a new version (the old ones stay in schema_snippet_versions);
-- the same markup again changes nothing.

CREATE TABLE schema_snippets (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('automotive', 'howto', 'qa')),
    site          text NOT NULL CHECK (site <> ''),
    url           text NOT NULL,                -- the page, as last sent
    url_norm      text NOT NULL,
    snippet_key   text NOT NULL CHECK (snippet_key <> ''),
    name          text,                         -- the main node's name, for lists
    types         text[] NOT NULL,              -- @type of the main nodes
    version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    state         text NOT NULL CHECK (state IN ('valid', 'warnings', 'invalid')),
    rich_result   boolean NOT NULL,             -- a rich result can be expected
    errors        jsonb NOT NULL DEFAULT '[]',  -- [{path, message}]
    warnings      jsonb NOT NULL DEFAULT '[]',
    markup        jsonb NOT NULL,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    validated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, url_norm, snippet_key)
);
-- the reports' order: invalid first, then with warnings, then valid
CREATE INDEX schema_snippets_report ON schema_snippets (kind, (CASE state
    WHEN 'invalid' THEN 0 WHEN 'warnings' THEN 1 ELSE 2 END), id);

CREATE TABLE schema_snippet_versions (
    snippet_id    bigint NOT NULL REFERENCES schema_snippets ON DELETE CASCADE,
    version       integer NOT NULL,
    state         text NOT NULL,
    errors        jsonb NOT NULL,
    warnings      jsonb NOT NULL,
    markup        jsonb NOT NULL,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (snippet_id, version)
);

-- the report cache (008): every write bumps one version
CREATE SEQUENCE data_version_schema;
SELECT nextval('data_version_schema');
CREATE TRIGGER schema_snippets_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON schema_snippets FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_schema');
