-- 018_models.sql: versioned models trained on stored data (#23's conversion
-- model first). A training run appends a version; scoring reads the latest of
-- its kind and site. Versions are never updated, so a score names the exact
-- model that made it.

CREATE TABLE models (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,                 -- conversion, ...
    site_id      bigint REFERENCES sites ON DELETE CASCADE,   -- NULL: trained over all sites
    version      int NOT NULL,                  -- 1, 2, ... per (kind, site)
    features     jsonb NOT NULL,                -- [{name, mean, sd}] in coefficient order
    coefficients jsonb NOT NULL,                -- [intercept, b1, ...] on standardised features
    metrics      jsonb NOT NULL,                -- auc, log_loss, train/test sizes, lambda, ...
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text
);
CREATE UNIQUE INDEX models_version ON models (kind, coalesce(site_id, 0), version);

-- The job runner trains the all-sites conversion model nightly; a job of the
-- same kind with {"site_id": n} trains one site's.
INSERT INTO job_schedules (kind, every_seconds) VALUES ('conversion-model', 86400)
ON CONFLICT (kind) DO NOTHING;
