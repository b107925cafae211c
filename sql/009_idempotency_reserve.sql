-- Idempotency keys are reserved before the handler runs. The reserving
-- transaction inserts the row as 'running', does the handler's work and turns
-- the row 'done' with the answer in the same commit; a concurrent duplicate
-- waits on the row (briefly, then 409), a worker that dies takes its
-- reservation with it. The fingerprint (SHA-256 of method, path, query and
-- body) tells a retry from a different request under the same key (422).
ALTER TABLE idempotency_keys
    ADD COLUMN fingerprint text NOT NULL DEFAULT '',
    ADD COLUMN state       text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done')),
    ADD COLUMN ctype       text NOT NULL DEFAULT 'application/json; charset=utf-8',
    ADD COLUMN headers     text NOT NULL DEFAULT '';   -- "Name: value" lines of the answer

-- rows written before this migration were finished answers
UPDATE idempotency_keys SET state = 'done';

-- the maintenance job purges keys older than a day
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
