-- 016_dynamic_content.sql: the dynamic-content rules of #21, one row per rule.
-- A site's set is replaced as a whole in one transaction; the evaluator reads
-- it in position order (analysis/dynamic.c: highest priority, then position).

CREATE TABLE dynamic_rules (
    site_id    bigint NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    position   int NOT NULL CHECK (position >= 0),     -- order in the set sent
    name       text NOT NULL,                          -- part of the sticky variant key
    priority   int NOT NULL DEFAULT 0,
    conditions jsonb NOT NULL DEFAULT '{}',            -- the condition language of analysis/dynamic.h
    variants   jsonb NOT NULL,                         -- [{weight, content}], at least one
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, position),
    UNIQUE (site_id, name)
);
