-- 001_platform.sql: users, credentials, sites, job queue, event log (outbox).

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL UNIQUE CHECK (email = lower(email)),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('viewer', 'analyst', 'editor', 'admin')),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- A refresh family starts at login; every refresh rotates the token within it.
CREATE TABLE refresh_families (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    revoked_why text
);

CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,               -- sha256 hex; the token itself is never stored
    family_id  bigint NOT NULL REFERENCES refresh_families ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX ON refresh_tokens (family_id);

CREATE TABLE login_failures (
    at         timestamptz NOT NULL DEFAULT now(),
    email      text NOT NULL,
    ip_hash    text NOT NULL
);
CREATE INDEX ON login_failures (email, at);
CREATE INDEX ON login_failures (ip_hash, at);

CREATE TABLE api_keys (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    key_hash   text NOT NULL UNIQUE,
    role       text NOT NULL CHECK (role IN ('viewer', 'analyst', 'editor', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE sites (
    id         bigserial PRIMARY KEY,
    domain     text NOT NULL UNIQUE,
    key_hash   text NOT NULL UNIQUE,
    origins    text[] NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Daily salts for visitor ids: today's and yesterday's are kept, older deleted.
CREATE TABLE visitor_salts (
    day  date PRIMARY KEY,
    salt bytea NOT NULL
);

-- Returns the salt of `d`, creating it on first use.
CREATE FUNCTION visitor_salt(d date) RETURNS bytea LANGUAGE sql AS $$
    INSERT INTO visitor_salts (day, salt) VALUES (d, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'))
    ON CONFLICT (day) DO UPDATE SET day = EXCLUDED.day
    RETURNING salt
$$;

-- Job queue: any number of runners on any number of hosts (FOR UPDATE SKIP LOCKED).
CREATE TABLE jobs (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,
    payload      jsonb NOT NULL DEFAULT '{}',
    run_at       timestamptz NOT NULL DEFAULT now(),
    attempts     int NOT NULL DEFAULT 0,
    locked_until timestamptz,
    locked_by    text,
    done_at      timestamptz,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;

CREATE TABLE job_schedules (
    kind          text PRIMARY KEY,
    every_seconds int NOT NULL CHECK (every_seconds > 0),
    next_run      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO job_schedules (kind, every_seconds) VALUES ('maintenance', 3600);

-- Queues the scheduled jobs that are due; safe with several runners.
CREATE FUNCTION jobs_enqueue_due() RETURNS int LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
    WITH due AS (
        SELECT kind, every_seconds FROM job_schedules
        WHERE next_run <= now() FOR UPDATE SKIP LOCKED
    ), bumped AS (
        UPDATE job_schedules s SET next_run = now() + make_interval(secs => d.every_seconds)
        FROM due d WHERE s.kind = d.kind RETURNING s.kind
    )
    INSERT INTO jobs (kind) SELECT kind FROM bumped;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- Takes one due job (or one whose runner died: lease expired).
CREATE FUNCTION jobs_claim(runner text, lease_seconds int)
RETURNS TABLE (id bigint, kind text, payload jsonb, attempts int) LANGUAGE sql AS $$
    UPDATE jobs j SET locked_until = now() + make_interval(secs => lease_seconds),
                      locked_by = runner, attempts = j.attempts + 1
    WHERE j.id = (
        SELECT c.id FROM jobs c
        WHERE c.done_at IS NULL AND c.run_at <= now()
          AND (c.locked_until IS NULL OR c.locked_until < now())
        ORDER BY c.run_at, c.id FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING j.id, j.kind, j.payload, j.attempts
$$;

-- The ordered event log: every domain change, appended in the writer's transaction.
CREATE TABLE event_log (
    id         bigserial PRIMARY KEY,
    type       text NOT NULL,
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON event_log (type, id);

-- Idempotency keys of retried writes: the first answer is replayed.
CREATE TABLE idempotency_keys (
    key        text NOT NULL,
    route      text NOT NULL,
    principal  text NOT NULL,
    status     int NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, route, principal)
);

-- Login succeeded: a new refresh family with its first token; clears the
-- account's failure count.
CREATE FUNCTION auth_start_family(uid bigint, token_hash text, ttl_seconds int)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE fam bigint;
BEGIN
    INSERT INTO refresh_families (user_id) VALUES (uid) RETURNING id INTO fam;
    INSERT INTO refresh_tokens (token_hash, family_id, expires_at)
    VALUES (token_hash, fam, now() + make_interval(secs => ttl_seconds));
    DELETE FROM login_failures WHERE email = (SELECT email FROM users WHERE id = uid);
    RETURN fam;
END $$;

-- Rotates a refresh token. Status: ok, invalid, expired, revoked, reused
-- (a spent token came back: the whole family is revoked), disabled.
CREATE FUNCTION auth_rotate(old_hash text, new_hash text, ttl_seconds int)
RETURNS TABLE (status text, user_id bigint, email text, role text, family_id bigint)
LANGUAGE plpgsql AS $$
DECLARE t refresh_tokens; f refresh_families; u users;
BEGIN
    SELECT * INTO t FROM refresh_tokens WHERE token_hash = old_hash FOR UPDATE;
    IF NOT FOUND THEN RETURN QUERY SELECT 'invalid', NULL::bigint, NULL, NULL, NULL::bigint; RETURN; END IF;
    SELECT * INTO f FROM refresh_families WHERE id = t.family_id FOR UPDATE;
    SELECT * INTO u FROM users WHERE id = f.user_id;
    IF f.revoked_at IS NOT NULL THEN
        RETURN QUERY SELECT 'revoked', u.id, u.email, u.role, f.id; RETURN;
    END IF;
    IF t.used_at IS NOT NULL THEN
        UPDATE refresh_families SET revoked_at = now(), revoked_why = 'reuse' WHERE id = f.id;
        RETURN QUERY SELECT 'reused', u.id, u.email, u.role, f.id; RETURN;
    END IF;
    IF t.expires_at < now() THEN
        RETURN QUERY SELECT 'expired', u.id, u.email, u.role, f.id; RETURN;
    END IF;
    IF u.disabled THEN
        RETURN QUERY SELECT 'disabled', u.id, u.email, u.role, f.id; RETURN;
    END IF;
    UPDATE refresh_tokens SET used_at = now() WHERE token_hash = old_hash;
    INSERT INTO refresh_tokens (token_hash, family_id, expires_at)
    VALUES (new_hash, f.id, now() + make_interval(secs => ttl_seconds));
    RETURN QUERY SELECT 'ok', u.id, u.email, u.role, f.id;
END $$;
