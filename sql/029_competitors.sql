-- 029_competitors.sql: competitor analysis (#52-#55). Competitors by domain,
-- their page snapshots (HTML posted, or a URL the job runner fetches) with
-- what was extracted, and their keyword rankings per day.
--
-- A snapshot's state: queued (a fetch job waits), done, failed (the fetch
-- went wrong: timeout, too large, HTTP error, refused address), blocked
-- (robots.txt disallows our crawler). Rankings-only snapshots are done at once.

CREATE TABLE competitors (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (name <> '' AND length(name) <= 200),
    domain      text NOT NULL UNIQUE CHECK (domain ~ '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$'),
    region      text CHECK (length(region) <= 100),
    keywords    text[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE competitor_snapshots (
    id              bigserial PRIMARY KEY,
    competitor_id   bigint NOT NULL REFERENCES competitors ON DELETE CASCADE,
    source          text NOT NULL CHECK (source IN ('html', 'fetch', 'rankings')),
    state           text NOT NULL CHECK (state IN ('queued', 'done', 'failed', 'blocked')),
    url             text,
    error           text,
    http_status     integer,
    title           text,
    description     text,
    h1              integer,
    subheadings     integer,
    word_count      integer,
    jsonld_types    text[] NOT NULL DEFAULT '{}',
    links_internal  integer,
    links_external  integer,
    rating          double precision,
    rating_count    integer,
    content_score   smallint CHECK (content_score BETWEEN 0 AND 100),
    body_text       text,                       -- visible text, the TF-IDF corpus
    terms           jsonb NOT NULL DEFAULT '[]', -- weighted terms when taken
    rankings        integer NOT NULL DEFAULT 0,  -- ranking rows sent with it
    job_id          bigint,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    done_at         timestamptz
);
CREATE INDEX ON competitor_snapshots (competitor_id, id);

CREATE TABLE competitor_rankings (
    competitor_id   bigint NOT NULL REFERENCES competitors ON DELETE CASCADE,
    keyword         text NOT NULL CHECK (keyword <> '' AND length(keyword) <= 300),
    day             date NOT NULL,
    position        double precision CHECK (position >= 1 AND position <= 100), -- NULL: not in the top 100
    volume          bigint CHECK (volume >= 0),             -- monthly searches, when known
    snapshot_id     bigint REFERENCES competitor_snapshots ON DELETE SET NULL,
    PRIMARY KEY (competitor_id, keyword, day)
);
CREATE INDEX ON competitor_rankings (keyword, day);

