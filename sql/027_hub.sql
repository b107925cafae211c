-- 027_hub.sql - the integration hub (#59-#62): the event log made safe to
-- read while transactions commit out of order, webhook endpoints, their
-- deliveries and attempts, and the dispatcher's position.
--
-- Why a transaction-id horizon: event_log.id comes from a sequence, and a
-- transaction may take id 10, stay open, and commit after another took id 11
-- and committed. A reader that handed out 11 and then moved its cursor past
-- it would never see 10. So every row records the top-level transaction that
-- wrote it (xid, pg_current_xact_id(): savepoints report the top-level id)
-- and readers:
--   1. hand out only rows whose xid is below the xmin of their snapshot:
--      every transaction below xmin has ended, so all of its rows are
--      visible now and none can be added later;
--   2. order by (xid, id), the key of the cursor. A transaction that is
--      still running, or has not taken an xid yet, has (or will get) an xid
--      >= xmin, so whatever it commits sorts after every row handed out:
--      nothing can ever appear behind a cursor.
-- Consequences: events come in (transaction, id) order, which is the order
-- of their transactions' xids, not strictly of ids (ids within one
-- transaction stay ascending); one transaction left open holds back the
-- events of every later one until it ends (the price of never skipping);
-- rolled-back rows never become visible; xid8 does not wrap around. The
-- horizon is the primary's: read it there, not on a replica.
ALTER TABLE event_log
    ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    ADD COLUMN aggregate text;
CREATE INDEX event_log_order ON event_log (xid, id);

-- The aggregate an event is about ("video:12", "webhook_endpoint:3"): given
-- by the writer, or derived from the type's first word and data's id (or
-- site), so the INSERTs of every handler keep working unchanged.
CREATE FUNCTION event_log_aggregate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.aggregate IS NULL THEN
        NEW.aggregate := split_part(NEW.type, '.', 1) || ':' ||
            coalesce(NEW.data->>'id', NEW.data->>'site', NEW.data->>'aggregate', '-');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER event_log_aggregate BEFORE INSERT ON event_log
    FOR EACH ROW EXECUTE FUNCTION event_log_aggregate();
UPDATE event_log SET aggregate = split_part(type, '.', 1) || ':' ||
    coalesce(data->>'id', data->>'site', '-') WHERE aggregate IS NULL;

-- Rows a reader may hand out after (xid, id) = (after_xid, after_id), in
-- cursor order (see above); types NULL = all.
CREATE FUNCTION event_log_page(after_xid xid8, after_id bigint, types text[], lim int)
RETURNS SETOF event_log LANGUAGE sql STABLE AS $$
    SELECT e.* FROM event_log e
    WHERE e.xid < pg_snapshot_xmin(pg_current_snapshot())
      AND (after_xid IS NULL OR (e.xid, e.id) > (after_xid, after_id))
      AND (types IS NULL OR e.type = ANY (types))
    ORDER BY e.xid, e.id LIMIT lim
$$;

-- Webhook endpoints: `secret` signs (base64 after whsec_); during a
-- rotation `prev_secret` signs too, until prev_until.
CREATE TABLE webhook_endpoints (
    id              bigserial PRIMARY KEY,
    url             text NOT NULL,
    types           text[] NOT NULL,            -- '*' = every type
    description     text NOT NULL DEFAULT '',
    secret          text NOT NULL,
    prev_secret     text,
    prev_until      timestamptz,
    enabled         boolean NOT NULL DEFAULT true,
    disabled_reason text,
    disabled_at     timestamptz,
    failing_since   timestamptz,                -- first failure since the last success
    lease_until     timestamptz,                -- a runner is sending its next delivery
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- One event for one endpoint. webhook-id is msg_<event_id>: the same on
-- every retry. Sent per endpoint in (ev_xid, event_id) order, the event
-- log's; a delivery that gave up ('failed') no longer holds back the next.
CREATE TABLE webhook_deliveries (
    id           bigserial PRIMARY KEY,
    endpoint_id  bigint NOT NULL REFERENCES webhook_endpoints ON DELETE CASCADE,
    event_id     bigint NOT NULL REFERENCES event_log,
    ev_xid       xid8 NOT NULL,
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts     int NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL DEFAULT now(),
    last_status  int,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    done_at      timestamptz,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_head ON webhook_deliveries (endpoint_id, ev_xid, event_id)
    WHERE status = 'pending';

CREATE TABLE webhook_attempts (
    id           bigserial PRIMARY KEY,
    delivery_id  bigint NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
    endpoint_id  bigint NOT NULL REFERENCES webhook_endpoints ON DELETE CASCADE,
    at           timestamptz NOT NULL DEFAULT now(),
    http_status  int,                            -- NULL: no answer (error says why)
    error        text,
    duration_ms  int NOT NULL,
    response     text                            -- the first bytes of the answer
);
CREATE INDEX ON webhook_attempts (endpoint_id, id);

-- How far the dispatcher has turned events into deliveries.
CREATE TABLE hub_cursor (
    name     text PRIMARY KEY,
    last_xid xid8,
    last_id  bigint
);
INSERT INTO hub_cursor (name) VALUES ('webhooks');

-- Turns up to lim new events into deliveries for the enabled endpoints
-- subscribed to their type; one dispatcher at a time (the cursor row's
-- lock). Returns the number of events consumed.
CREATE FUNCTION hub_dispatch(lim int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE c hub_cursor; n int;
BEGIN
    SELECT * INTO c FROM hub_cursor WHERE name = 'webhooks' FOR UPDATE;
    WITH b AS (SELECT id, xid, type FROM event_log_page(c.last_xid, c.last_id, NULL, lim)),
    ins AS (INSERT INTO webhook_deliveries (endpoint_id, event_id, ev_xid)
        SELECT w.id, b.id, b.xid FROM b
        JOIN webhook_endpoints w ON w.enabled
            AND (b.type = ANY (w.types) OR '*' = ANY (w.types) OR b.type = 'hub.test')
        ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING 1),
    last AS (SELECT xid, id FROM b ORDER BY xid DESC, id DESC LIMIT 1),
    up AS (UPDATE hub_cursor h SET last_xid = last.xid, last_id = last.id FROM last
        WHERE h.name = 'webhooks' RETURNING 1)
    SELECT count(*) INTO n FROM b;   -- ins and up run whether read or not
    RETURN n;
END $$;

INSERT INTO job_schedules (kind, every_seconds) VALUES ('webhooks', 1)
ON CONFLICT (kind) DO NOTHING;

-- Records one attempt of delivery d (the job runner decided the outcome:
-- 'success', 'retry' with retry_in seconds, or NULL = schedule spent, or
-- 'disable' for 410 Gone) and releases the endpoint. An endpoint is disabled
-- at 410, or when it has failed without a success for disable_after seconds;
-- its disabling is appended to the event log. Returns the reason, if any.
CREATE FUNCTION hub_record(d bigint, st int, err text, ms int, resp text, outcome text,
                           retry_in float8, disable_after int)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE eid bigint; w webhook_endpoints; reason text;
BEGIN
    UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = st, last_error = err,
        status = CASE WHEN outcome = 'success' THEN 'succeeded'
                      WHEN outcome = 'disable' OR retry_in IS NULL THEN 'failed'
                      ELSE 'pending' END,
        next_at = CASE WHEN outcome = 'retry' AND retry_in IS NOT NULL
                       THEN now() + make_interval(secs => retry_in) ELSE next_at END,
        done_at = CASE WHEN outcome = 'success' OR outcome = 'disable' OR retry_in IS NULL
                       THEN now() END
    WHERE id = d RETURNING endpoint_id INTO eid;
    IF eid IS NULL THEN RETURN NULL; END IF;            -- unsubscribed meanwhile
    INSERT INTO webhook_attempts (delivery_id, endpoint_id, http_status, error, duration_ms, response)
    VALUES (d, eid, st, err, ms, resp);
    UPDATE webhook_endpoints SET lease_until = NULL,
        failing_since = CASE WHEN outcome = 'success' THEN NULL ELSE coalesce(failing_since, now()) END
    WHERE id = eid RETURNING * INTO w;
    reason := CASE WHEN outcome = 'disable' THEN 'the endpoint answered 410 Gone'
        WHEN outcome <> 'success' AND w.failing_since <= now() - make_interval(secs => disable_after)
        THEN 'no successful delivery since ' ||
             to_char(w.failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END;
    IF reason IS NOT NULL AND w.enabled THEN
        UPDATE webhook_endpoints SET enabled = false, disabled_reason = reason, disabled_at = now()
        WHERE id = eid;
        INSERT INTO event_log (type, data, aggregate) VALUES ('webhook.endpoint_disabled',
            jsonb_build_object('id', eid, 'url', w.url, 'reason', reason,
                               'failing_since', w.failing_since), 'webhook_endpoint:' || eid);
        RETURN reason;
    END IF;
    RETURN NULL;
END $$;
