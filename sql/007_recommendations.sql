-- 007_recommendations.sql: the recommendation store of the rule engine (#7, #8)
-- and the history of its runs. One row per (rule, target); a finding that no
-- longer holds is marked resolved, a dismissed one stays dismissed.

CREATE TABLE recommendations (
    id           bigserial PRIMARY KEY,
    rule         text NOT NULL,
    target       text NOT NULL,                 -- a page path, a review source, a route
    category     text NOT NULL,                 -- vitals, metadata, content, reviews, performance, behaviour
    title        text NOT NULL,
    title_de     text NOT NULL,                 -- German first: the dashboard's language
    evidence     jsonb NOT NULL,                -- the numbers behind it
    impact       double precision NOT NULL,     -- 1..10, scaled by the finding's weight
    confidence   double precision NOT NULL,     -- 0..1
    effort       double precision NOT NULL,     -- 1..10
    priority     double precision NOT NULL,     -- impact × confidence ÷ effort
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    source       text NOT NULL DEFAULT 'rules', -- rules, behavioural, ...
    first_seen   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    dismissed_at timestamptz,
    dismissed_by text,
    UNIQUE (rule, target)
);
CREATE INDEX ON recommendations (status, priority DESC);

CREATE TABLE recommendation_runs (
    id        bigserial PRIMARY KEY,
    run_at    timestamptz NOT NULL DEFAULT now(),
    rules     int NOT NULL,
    findings  int NOT NULL,
    created   int NOT NULL,
    reopened  int NOT NULL,
    resolved  int NOT NULL,
    open      int NOT NULL,
    dismissed int NOT NULL,
    closed    int NOT NULL        -- resolved in total after the run
);

INSERT INTO job_schedules (kind, every_seconds) VALUES ('recommendations', 6 * 3600)
ON CONFLICT (kind) DO NOTHING;
