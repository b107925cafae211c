-- 024_abtests.sql: A/B tests (#30, #31). A test belongs to a site and
-- measures one goal (a tracked event name). The site's pages ask for a
-- visitor's variant with the site key: the first answer is recorded as the
-- exposure and every later one repeats it. Conversions are not stored here:
-- they are the test's goal events that the same visitor (the tracker's
-- visitor id) sent at or after the exposure, before the test ended.

CREATE TABLE ab_tests (
    id          bigserial PRIMARY KEY,
    site_id     bigint NOT NULL REFERENCES sites ON DELETE CASCADE,
    name        text NOT NULL,
    metric      text NOT NULL,                 -- goal event name (events.name, kind 'event')
    variants    jsonb NOT NULL,                -- [{name, weight}], control first, weights sum to 1
    thompson    boolean NOT NULL DEFAULT false,-- allocate new visitors by Thompson sampling
    created_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz,                   -- NULL: running
    created_by  text NOT NULL
);
CREATE UNIQUE INDEX ab_tests_name ON ab_tests (site_id, lower(name));

CREATE TABLE ab_exposures (
    test_id     bigint NOT NULL REFERENCES ab_tests ON DELETE CASCADE,
    visitor_id  bigint NOT NULL,               -- as events.visitor_id
    variant     smallint NOT NULL CHECK (variant >= 0),
    exposed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (test_id, visitor_id)
);

-- The click prediction (#29) trains nightly a version per site of the
-- "content-clicks" model (sql/018_models.sql; handlers/level4_predictions.c).
INSERT INTO job_schedules (kind, every_seconds) VALUES ('content-model', 86400)
ON CONFLICT (kind) DO NOTHING;
