-- 028_health.sql - predictive maintenance (#56-#58): a health sample every
-- minute, the alert rules' hysteresis state and the alerts themselves.

-- One row per minute (hourly = false), or per hour for samples older than the
-- thinning age (hourly = true: means of the hour, maxima of the worst-case
-- figures). Kept 90 days. Figures that have no source are NULL.
CREATE TABLE health_samples (
    at                timestamptz NOT NULL,
    hourly            boolean NOT NULL DEFAULT false,
    db_latency_ms     real,          -- one SELECT 1 round trip from the job runner
    db_connections    int,           -- backends of this database
    db_max_connections int,
    db_size_bytes     bigint,
    replication_lag_s real,          -- NULL without a replica
    workers_alive     int,           -- NULL when no pool reported in the last 30 s
    worker_restarts   bigint,        -- since the pool started
    queue_depth       int,           -- due jobs not done
    queue_oldest_s    real,          -- age of the oldest due job
    webhook_failure_rate real,       -- NULL until webhook deliveries exist
    cache_hit_rate    real,          -- report cache, last minute; NULL without lookups
    disk_free_bytes   bigint,        -- statvfs of the data folder
    disk_total_bytes  bigint,
    request_rate      real,          -- requests per second, last minute
    error_rate        real,          -- 5xx share, last minute; NULL without requests
    p95_ms            real,          -- all routes, last minute
    tables            jsonb,         -- {table: bytes} of the largest tables
    routes            jsonb,         -- {"GET /api/...": [count, errors, p95_ms]}
    PRIMARY KEY (at, hourly)
);

-- Consecutive samples that met (hits) or missed (misses) each rule's
-- condition: a rule fires after N hits and resolves after M misses.
CREATE TABLE health_rule_state (
    rule      text PRIMARY KEY,
    hits      int NOT NULL DEFAULT 0,
    misses    int NOT NULL DEFAULT 0,
    since     timestamptz,           -- first sample of the current run of hits
    value     double precision       -- the figure at the last sample
);

CREATE TABLE health_alerts (
    id          bigserial PRIMARY KEY,
    rule        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('threshold', 'prediction', 'anomaly')),
    severity    text NOT NULL CHECK (severity IN ('warning', 'critical')),
    state       text NOT NULL CHECK (state IN ('firing', 'resolved')),
    first_seen  timestamptz NOT NULL, -- first sample of the run that fired it
    fired_at    timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL, -- last sample that met the condition
    resolved_at timestamptz,
    value       double precision,     -- the figure when it last met the condition
    summary     text NOT NULL
);
CREATE UNIQUE INDEX health_alerts_one_firing ON health_alerts (rule) WHERE state = 'firing';
CREATE INDEX ON health_alerts (fired_at DESC);

INSERT INTO job_schedules (kind, every_seconds) VALUES ('health-sample', 60)
    ON CONFLICT (kind) DO NOTHING;

-- One sample's verdict on one rule, with hysteresis: `p_met` samples in a
-- row (p_fire of them) fire the alert, p_resolve samples in a row without
-- resolve it. Firing and resolving append alert.fired / alert.resolved to
-- the event log in the caller's transaction. Returns the rule's state:
-- ok, pending, fired, firing or resolved.
CREATE FUNCTION health_rule_observe(p_rule text, p_kind text, p_severity text, p_met boolean,
                                    p_value float8, p_at timestamptz, p_fire int,
                                    p_resolve int, p_summary text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    s health_rule_state;
    a health_alerts;
BEGIN
    INSERT INTO health_rule_state (rule) VALUES (p_rule) ON CONFLICT (rule) DO NOTHING;
    PERFORM 1 FROM health_rule_state WHERE rule = p_rule FOR UPDATE;
    SELECT * INTO a FROM health_alerts WHERE rule = p_rule AND state = 'firing';
    IF p_met THEN
        UPDATE health_rule_state SET hits = hits + 1, misses = 0, since = coalesce(since, p_at),
               value = p_value
         WHERE rule = p_rule RETURNING * INTO s;
        IF a.id IS NOT NULL THEN
            UPDATE health_alerts SET last_seen = p_at, value = p_value, summary = p_summary
             WHERE id = a.id;
            RETURN 'firing';
        END IF;
        IF s.hits < p_fire THEN
            RETURN 'pending';
        END IF;
        INSERT INTO health_alerts (rule, kind, severity, state, first_seen, fired_at, last_seen,
                                   value, summary)
        VALUES (p_rule, p_kind, p_severity, 'firing', s.since, p_at, p_at, p_value, p_summary)
        RETURNING * INTO a;
        INSERT INTO event_log (type, data) VALUES ('alert.fired', jsonb_build_object(
            'alert_id', a.id, 'rule', a.rule, 'kind', a.kind, 'severity', a.severity,
            'summary', a.summary, 'value', a.value, 'first_seen', a.first_seen,
            'fired_at', a.fired_at));
        RETURN 'fired';
    END IF;
    UPDATE health_rule_state SET hits = 0, misses = misses + 1, since = NULL, value = p_value
     WHERE rule = p_rule RETURNING * INTO s;
    IF a.id IS NULL THEN
        RETURN 'ok';
    END IF;
    IF s.misses < p_resolve THEN
        RETURN 'firing';
    END IF;
    UPDATE health_alerts SET state = 'resolved', resolved_at = p_at WHERE id = a.id
    RETURNING * INTO a;
    INSERT INTO event_log (type, data) VALUES ('alert.resolved', jsonb_build_object(
        'alert_id', a.id, 'rule', a.rule, 'kind', a.kind, 'severity', a.severity,
        'summary', a.summary, 'first_seen', a.first_seen, 'fired_at', a.fired_at,
        'last_seen', a.last_seen, 'resolved_at', a.resolved_at));
    RETURN 'resolved';
END $$;

-- Retention: samples older than 90 days go; complete hours older than
-- `thin_after` become one hourly row (means; the worst case of latency,
-- queue age, lag and disk); finished sampling jobs older than a day go.
-- Returns the minute rows thinned.
CREATE FUNCTION health_samples_prune(thin_after interval) RETURNS int LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
    DELETE FROM health_samples WHERE at < now() - interval '90 days';
    WITH old AS (
        DELETE FROM health_samples
         WHERE NOT hourly AND at < date_trunc('hour', now() - thin_after)
        RETURNING *
    ), ins AS (
        INSERT INTO health_samples (at, hourly, db_latency_ms, db_connections, db_max_connections,
            db_size_bytes, replication_lag_s, workers_alive, worker_restarts, queue_depth,
            queue_oldest_s, webhook_failure_rate, cache_hit_rate, disk_free_bytes,
            disk_total_bytes, request_rate, error_rate, p95_ms, tables, routes)
        SELECT date_trunc('hour', at), true, max(db_latency_ms), round(avg(db_connections)),
               max(db_max_connections), round(avg(db_size_bytes)), max(replication_lag_s),
               min(workers_alive), max(worker_restarts), round(avg(queue_depth)),
               max(queue_oldest_s), avg(webhook_failure_rate), avg(cache_hit_rate),
               min(disk_free_bytes), max(disk_total_bytes), avg(request_rate),
               avg(error_rate), max(p95_ms), (array_agg(tables ORDER BY at DESC))[1], NULL
          FROM old GROUP BY 1
        ON CONFLICT (at, hourly) DO NOTHING
    )
    SELECT count(*) INTO n FROM old;
    DELETE FROM jobs WHERE kind = 'health-sample' AND done_at < now() - interval '1 day';
    RETURN n;
END $$;
