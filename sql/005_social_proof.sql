-- 005_social_proof.sql: customer reviews imported from Google, Trustpilot,
-- ProvenExpert and others (#5), reported with Bayesian average, trust score
-- and JSON-LD (#6). One row per (source, external_id): imports are upserts on
-- that natural key. Sentiment is computed by the importer (analysis/sentiment)
-- and is NULL only for reviews without text or not yet scored (demo rows
-- before `zoe seed --demo` has run its scoring step).

CREATE TABLE reviews (
    id              bigserial PRIMARY KEY,
    source          text NOT NULL CHECK (source ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    external_id     text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    rating          smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    author          text NOT NULL,
    body            text NOT NULL DEFAULT '',           -- the review text ("text" in the API)
    lang            text NOT NULL DEFAULT 'de' CHECK (lang IN ('de', 'en')),
    published_at    timestamptz NOT NULL,
    reply           text,                               -- the owner's public answer
    replied_at      timestamptz,
    sentiment_score double precision CHECK (sentiment_score BETWEEN -1 AND 1),
    sentiment_label text CHECK (sentiment_label IN ('positive', 'neutral', 'negative')),
    imported_at     timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id)
);
CREATE INDEX ON reviews (published_at DESC);
CREATE INDEX ON reviews (source, published_at DESC);
