-- 003_pages.sql: the page inventory, shared by metadata audit (#9), entity SEO
-- (#1/#2), content analysis and the recommendation rules. One row per
-- normalised URL.

CREATE TABLE pages (
    id               bigserial PRIMARY KEY,
    site_id          bigint REFERENCES sites ON DELETE CASCADE,
    url              text NOT NULL,             -- as last sent
    url_norm         text NOT NULL UNIQUE,      -- lowercase host, no fragment, no tracking parameters
    path             text NOT NULL,
    page_group       text,                      -- produkte, standorte, ratgeber, unternehmen, ...
    title            text,
    meta_description text,
    h1s              text[] NOT NULL DEFAULT '{}',
    canonical        text,
    lang             text,
    body_text        text,                      -- visible text, for entity and content analysis
    word_count       integer,
    issues           jsonb NOT NULL DEFAULT '[]',   -- findings of the last metadata audit
    audited_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON pages (site_id, path);
