"""#56 GET /api/level5/maintenance/health, #57 .../predictions, #58 .../alerts.

The tests drive the rules with health samples they insert through SQL and
an evaluation job without a sample of its own ({"sample": false}), one job
per sample, so every forecast, anomaly and hysteresis step is deterministic.
The schedule of the real sampling is paused meanwhile (restored at the end),
and the health tables are emptied before each test.
"""
import json
import math
import os
import statistics
import unittest

from zoelib import VAR, get, is_problem, psql, psql_one, token_for, wait_until, worker_pids

HEALTH = "/api/level5/maintenance/health"
PREDICTIONS = "/api/level5/maintenance/predictions"
ALERTS = "/api/level5/maintenance/alerts"
SCHEMAS = os.path.join(os.path.dirname(__file__), "../../handlers/schemas")

# a calm sample: every rule's figure well inside its limits
CALM = dict(db_latency_ms=2.0, db_connections=5, db_max_connections=100, db_size_bytes=10**8,
            workers_alive=4, worker_restarts=0, queue_depth=0, queue_oldest_s=None,
            cache_hit_rate=0.8, disk_free_bytes=5 * 10**10, disk_total_bytes=10**11,
            request_rate=3.0, error_rate=0.0, p95_ms=100.0)


def check_schema(name, doc):
    try:
        import jsonschema
    except ImportError:        # the contract test validates every reply as well
        return
    with open(os.path.join(SCHEMAS, name + ".json"), encoding="utf-8") as f:
        jsonschema.validate(doc, json.load(f))


def sql_value(v):
    return "NULL" if v is None else repr(float(v)) if isinstance(v, float) else str(v)


BASE = [None]    # the minute a test began: samples are placed before it


def insert_samples(rows):
    """rows: (minutes before the test's start, {figure: value}) over CALM."""
    values = []
    for minute, over in rows:
        f = dict(CALM, **over)
        values.append("(:'v1'::timestamptz - make_interval(mins => %d), %s)" % (
            minute, ", ".join(sql_value(f[k]) for k in CALM)))
    psql("INSERT INTO health_samples (at, %s) VALUES %s" % (", ".join(CALM), ", ".join(values)),
         BASE[0])


def minute_before(m, fmt="YYYY-MM-DD\"T\"HH24:MI:SS\"Z\""):
    return psql_one("SELECT to_char((:'v1'::timestamptz - make_interval(mins => %d))"
                    " AT TIME ZONE 'UTC', '%s')" % (m, fmt), BASE[0])


def evaluate():
    """Runs the rules once over the stored samples (the job runner takes the job)."""
    job = psql_one("INSERT INTO jobs (kind, payload) VALUES ('health-sample', '{\"sample\": false}')"
                   " RETURNING id")
    if not wait_until(lambda: psql_one("SELECT done_at IS NOT NULL FROM jobs WHERE id = :'v1'",
                                       job) == "t", timeout=60):
        raise AssertionError("the evaluation job did not run")
    err = psql_one("SELECT last_error FROM jobs WHERE id = :'v1'", job)
    if err:
        raise AssertionError("evaluation failed: " + err)


def rule_state(rule):
    r = get(ALERTS, token=token_for("analyst"))
    return next(x for x in r.json["rules"] if x["name"] == rule)


def alerts_of(rule):
    return [a for a in get(ALERTS + "?limit=500", token=token_for("analyst")).json["items"]
            if a["rule"] == rule]


EVENTS_FROM = [0]


def events_of(rule, type_):
    """The events of `rule` appended since the test began."""
    return [json.loads(r[0]) for r in psql(
        "SELECT data FROM event_log WHERE type = :'v1' AND data->>'rule' = :'v2' AND id > :'v3'"
        " ORDER BY id", type_, rule, EVENTS_FROM[0])]


def ols(x, y):
    n = len(x)
    xb, yb = sum(x) / n, sum(y) / n
    sxx = sum((a - xb) ** 2 for a in x)
    b = sum((a - xb) * (c - yb) for a, c in zip(x, y)) / sxx
    return yb - b * xb, b


class Maintenance(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql("UPDATE job_schedules SET next_run = now() + interval '1 day' WHERE kind = 'health-sample'")
        wait_until(lambda: psql_one("SELECT count(*) FROM jobs WHERE kind = 'health-sample'"
                                    " AND done_at IS NULL") == "0", timeout=60)
        cls.analyst = token_for("analyst")

    @classmethod
    def tearDownClass(cls):
        psql("DELETE FROM health_samples; DELETE FROM health_rule_state;")
        psql("UPDATE job_schedules SET next_run = now() WHERE kind = 'health-sample'")

    def setUp(self):
        psql("DELETE FROM health_alerts; DELETE FROM health_rule_state; DELETE FROM health_samples;")
        BASE[0] = psql_one("SELECT date_trunc('minute', now())")
        EVENTS_FROM[0] = int(psql_one("SELECT coalesce(max(id), 0) FROM event_log"))

    # ---- roles and input ------------------------------------------------------
    def test_roles(self):
        for path in (HEALTH, PREDICTIONS, ALERTS):
            self.assertEqual(get(path).status, 401, path)
            self.assertEqual(get(path, token=token_for("viewer")).status, 403, path)
            self.assertEqual(get(path, token=self.analyst).status, 200, path)
            self.assertEqual(get(path, token=token_for("admin")).status, 200, path)

    def test_bad_queries_name_the_field(self):
        cases = [(PREDICTIONS + "?horizon_hours=abc", "horizon_hours"),
                 (PREDICTIONS + "?horizon_hours=100000", "horizon_hours"),
                 (ALERTS + "?state=burning", "state"),
                 (ALERTS + "?limit=0", "limit"),
                 (ALERTS + "?cursor=%27%3B%20DROP%20TABLE%20health_alerts%3B--", "cursor"),
                 (ALERTS + "?cursor=" + "A" * 500, "cursor")]
        for path, field in cases:
            r = get(path, token=self.analyst)
            is_problem(self, r, 422)
            self.assertIn(field, [e["field"] for e in r.json["errors"]], path)
        self.assertEqual(psql_one("SELECT to_regclass('health_alerts') IS NOT NULL"), "t")

    # ---- #56 ------------------------------------------------------------------
    def test_health_parts_are_live_figures(self):
        insert_samples([(1, {})])
        r = get(HEALTH, token=self.analyst)
        self.assertEqual(r.status, 200)
        h = r.json
        check_schema("level5MaintenanceHealth", h)
        parts = h["parts"]
        self.assertEqual(set(parts), {"database", "workers", "job_queue", "webhooks", "cache",
                                      "disk", "requests", "alerts"})
        db = parts["database"]["figures"]
        self.assertGreater(db["latency_ms"], 0)
        size = int(psql_one("SELECT pg_database_size(current_database())"))
        self.assertLess(abs(db["size_bytes"] - size) / size, 0.05)
        self.assertEqual(db["max_connections"], float(psql_one("SHOW max_connections")))
        parts_sum = int(psql_one("SELECT sum(pg_total_relation_size(relid)) FROM"
                                 " pg_partition_tree('events')"))
        self.assertLess(abs(db["tables"]["events"] - parts_sum) / parts_sum, 0.1)
        st = os.statvfs(VAR)
        disk = parts["disk"]["figures"]
        self.assertEqual(disk["total_bytes"], st.f_blocks * st.f_frsize)
        self.assertLess(abs(disk["free_share"] - st.f_bavail / st.f_blocks), 0.01)
        self.assertEqual(parts["workers"]["figures"]["alive"], len(worker_pids()))
        latest = psql_one("SELECT webhook_failure_rate FROM health_samples ORDER BY at DESC LIMIT 1")
        self.assertEqual(parts["webhooks"]["figures"]["failure_rate"],
                         None if latest is None or latest == "" else float(latest))
        self.assertLess(parts["job_queue"]["figures"]["last_sample_age_s"], 180)
        self.assertEqual(h["latest_sample"]["p95_ms"], 100.0)
        order = ["ok", "degraded", "down"]
        worst = max((p["status"] for p in parts.values()), key=order.index)
        self.assertEqual(h["status"], worst)
        for p in parts.values():     # every part not ok says why
            if p["status"] != "ok":
                self.assertTrue(p["reasons"])

    def test_stopped_sampling_is_down_with_its_reason(self):
        insert_samples([(20, {})])     # the last sample is 20 minutes old
        h = get(HEALTH, token=self.analyst).json
        q = h["parts"]["job_queue"]
        self.assertEqual(q["status"], "down")
        self.assertTrue(any(x.startswith("last_sample_age_s") for x in q["reasons"]), q)
        self.assertEqual(h["status"], "down")

    def test_a_critical_alert_degrades(self):
        psql("INSERT INTO health_alerts (rule, kind, severity, state, first_seen, fired_at,"
             " last_seen, value, summary) VALUES ('disk_free_low', 'threshold', 'critical',"
             " 'firing', now(), now(), now(), 0.05, 'test')")
        insert_samples([(1, {})])
        a = get(HEALTH, token=self.analyst).json["parts"]["alerts"]
        self.assertEqual(a["status"], "degraded")
        self.assertEqual(a["figures"]["critical_firing"], 1)

    # ---- the sample job -------------------------------------------------------------
    def test_the_job_takes_a_real_sample_once_a_minute(self):
        # both jobs in one minute: start early in it (a loaded machine may take
        # seconds per job; a boundary between them would rightly store two samples)
        wait_until(lambda: float(psql_one("SELECT extract(second FROM now())")) < 20, timeout=60)
        psql("DELETE FROM health_samples")
        for _ in range(2):
            job = psql_one("INSERT INTO jobs (kind) VALUES ('health-sample') RETURNING id")
            self.assertTrue(wait_until(lambda: psql_one(
                "SELECT done_at IS NOT NULL AND last_error IS NULL FROM jobs WHERE id = :'v1'",
                job) == "t", timeout=60))
        rows = psql("SELECT db_size_bytes, db_max_connections, disk_total_bytes,"
                    " (tables->>'events')::bigint BETWEEN 0.9 * (SELECT sum(pg_total_relation_size("
                    "  relid)) FROM pg_partition_tree('events')) AND 1.1 * (SELECT"
                    "  sum(pg_total_relation_size(relid)) FROM pg_partition_tree('events')),"
                    " db_latency_ms > 0, at = date_trunc('minute', now()) OR"
                    " at = date_trunc('minute', now()) - interval '1 minute' FROM health_samples")
        self.assertEqual(len(rows), 1, "a second job in the same minute stores nothing")
        size, maxc, total, events_summed, lat, recent = rows[0]
        real = int(psql_one("SELECT pg_database_size(current_database())"))
        self.assertLess(abs(int(size) - real) / real, 0.05)
        self.assertEqual(maxc, psql_one("SHOW max_connections"))
        st = os.statvfs(VAR)
        self.assertEqual(int(total), st.f_blocks * st.f_frsize)
        # the partitioned events table counts its partitions
        self.assertEqual((events_summed, lat, recent), ("t", "t", "t"))

    def test_webhook_failure_rate_is_the_share_of_failed_attempts_of_the_hour(self):
        ep = psql_one("INSERT INTO webhook_endpoints (url, types, secret, enabled, created_by)"
                      " VALUES ('https://hooks.example/health', '{*}', 'x', false, 'health test')"
                      " RETURNING id")
        self.addCleanup(psql, "DELETE FROM webhook_endpoints WHERE id = :'v1'", ep)
        ev = psql_one("INSERT INTO event_log (type, data) VALUES ('health.test', '{}') RETURNING id")
        dl = psql_one("INSERT INTO webhook_deliveries (endpoint_id, event_id, ev_xid, status)"
                      " SELECT :'v1', id, xid, 'succeeded' FROM event_log WHERE id = :'v2'"
                      " RETURNING id", ep, ev)
        for status, at in (("200", "now()"), ("204", "now()"), ("500", "now()"), ("NULL", "now()"),
                           ("503", "now() - interval '2 hours'")):       # the last is too old
            psql("INSERT INTO webhook_attempts (delivery_id, endpoint_id, at, http_status,"
                 " duration_ms) VALUES (:'v1', :'v2', %s, %s, 5)" % (at, status), dl, ep)
        # every attempt of the last hour, this test's and any other's, counted here
        statuses = [r[0] for r in psql("SELECT coalesce(http_status, 0) FROM webhook_attempts"
                                       " WHERE at > now() - interval '1 hour'")]
        failed = sum(1 for st in statuses if not 200 <= int(st) <= 299)
        psql("DELETE FROM health_samples WHERE at >= date_trunc('minute', now()) - interval '1 minute'")
        job = psql_one("INSERT INTO jobs (kind) VALUES ('health-sample') RETURNING id")
        self.assertTrue(wait_until(lambda: psql_one(
            "SELECT done_at IS NOT NULL AND last_error IS NULL FROM jobs WHERE id = :'v1'", job) == "t",
            timeout=60))
        rate = float(psql_one("SELECT webhook_failure_rate FROM health_samples ORDER BY at DESC LIMIT 1"))
        self.assertGreaterEqual(failed, 2)
        self.assertAlmostEqual(rate, failed / len(statuses), places=6)   # a real column
        j = get(HEALTH, token=self.analyst).json
        self.assertAlmostEqual(j["parts"]["webhooks"]["figures"]["failure_rate"], rate, places=6)

    def test_old_samples_are_thinned_to_hours_and_dropped_after_90_days(self):
        hour = psql_one("SELECT date_trunc('hour', now() - interval '8 days')")
        psql("INSERT INTO health_samples (at, p95_ms, queue_oldest_s, disk_free_bytes, request_rate)"
             " SELECT :'v1'::timestamptz + make_interval(mins => m), 100 + m, m, 1000 - m, 2"
             " FROM generate_series(0, 59) m", hour)
        psql("INSERT INTO health_samples (at, p95_ms) VALUES (now() - interval '91 days', 1),"
             " (now() - interval '1 day', 5)")
        self.assertEqual(psql_one("SELECT health_samples_prune(interval '7 days')"), "60")
        rows = psql("SELECT hourly, p95_ms, queue_oldest_s, disk_free_bytes, request_rate"
                    " FROM health_samples WHERE at = :'v1'", hour)
        # the hour's worst latency, oldest queue and least free disk; mean rate
        self.assertEqual(rows, [["t", "159", "59", "941", "2"]])
        self.assertEqual(psql_one("SELECT count(*) FROM health_samples"), "2")
        self.assertEqual(psql_one("SELECT count(*) FROM health_samples"
                                  " WHERE at < now() - interval '90 days'"), "0")

    # ---- #58 hysteresis ----------------------------------------------------------
    def test_threshold_alert_fires_after_three_and_resolves_after_five(self):
        rule = "error_rate_high"       # > 5 %, fire after 3 samples, resolve after 5
        minute = 30
        def step(err):
            nonlocal minute
            insert_samples([(minute, {"error_rate": err})])
            minute -= 1
            evaluate()
        # flapping never fires: two bad, one good, two bad
        for err in (0.1, 0.1, 0.0, 0.1, 0.1):
            step(err)
        self.assertEqual(alerts_of(rule), [])
        self.assertEqual(rule_state(rule)["state"], "pending")
        self.assertEqual(rule_state(rule)["hits"], 2)
        step(0.2)                      # the third bad sample in a row fires it
        fired = alerts_of(rule)
        self.assertEqual(len(fired), 1)
        a = fired[0]
        self.assertEqual((a["state"], a["severity"], a["kind"]), ("firing", "critical", "threshold"))
        self.assertEqual(a["value"], 0.2)
        self.assertEqual(a["first_seen"], minute_before(27))    # the first of the three
        ev = events_of(rule, "alert.fired")
        self.assertEqual(len(ev), 1)
        self.assertEqual(ev[0]["alert_id"], a["id"])
        self.assertEqual(ev[0]["severity"], "critical")
        for i in range(4):             # four good samples: still firing
            step(0.0)
            self.assertEqual(alerts_of(rule)[0]["state"], "firing", i)
        self.assertEqual(events_of(rule, "alert.resolved"), [])
        step(0.0)                      # the fifth resolves it
        a = alerts_of(rule)[0]
        self.assertEqual(a["state"], "resolved")
        self.assertIsNotNone(a["resolved_at"])
        self.assertEqual(a["last_seen"], minute_before(25))     # the last bad sample
        self.assertEqual(a["resolved_at"], minute_before(20))   # the fifth good one
        ev = events_of(rule, "alert.resolved")
        self.assertEqual(len(ev), 1)
        self.assertEqual(ev[0]["alert_id"], a["id"])
        self.assertEqual(len(events_of(rule, "alert.fired")), 1)
        self.assertEqual(rule_state(rule)["state"], "ok")

    # ---- #57 forecasts and the prediction rule -----------------------------------
    def disk_series(self):
        """60 minutes of disk free falling from 40 % to 11 % with a wobble."""
        rows = []
        for i in range(60):
            share = 0.40 - 0.29 * i / 59 + 0.004 * math.sin(1.3 * i)
            rows.append((59 - i, {"disk_free_bytes": int(share * 10**11)}))
        return rows

    def test_disk_full_forecast_equals_least_squares(self):
        rows = self.disk_series()
        insert_samples(rows)
        r = get(PREDICTIONS, token=self.analyst)
        self.assertEqual(r.status, 200)
        doc = r.json
        check_schema("level5MaintenancePredictions", doc)
        f = next(x for x in doc["forecasts"] if x["rule"] == "disk_full_predicted")
        self.assertEqual((f["status"], f["n"], f["direction"]), ("ok", 60, "falling"))
        # the same line in Python: x in seconds, share = free / total
        x = [-60.0 * m for m, _ in rows]
        y = [o["disk_free_bytes"] / 10**11 for _, o in rows]
        a, b = ols(x, y)
        eta = (0.05 - a) / b - x[-1]
        self.assertAlmostEqual(f["linear"]["eta_s"], eta, delta=1e-6 * eta)
        self.assertAlmostEqual(f["slope_per_hour"], b * 3600, delta=abs(1e-8 * b * 3600))
        lin = f["linear"]
        self.assertLess(lin["earliest_s"], lin["eta_s"])
        self.assertLess(lin["eta_s"], lin["latest_s"])
        self.assertGreater(lin["confidence"], 0.99)
        self.assertTrue(f["trend"]["significant"])
        self.assertLess(f["trend"]["sen_per_hour"], 0)
        self.assertIsNotNone(f["damped"])
        self.assertEqual(len(f["history"]), 60)
        band = f["band"]
        self.assertEqual(band[0]["offset_s"], 0)
        self.assertAlmostEqual(band[0]["linear"], a + b * x[-1], places=9)
        for p in band:
            self.assertLessEqual(p["lo"], p["linear"])
            self.assertGreaterEqual(p["hi"], p["linear"])
        # a flat database size never reaches 10 GiB
        d = next(x for x in doc["forecasts"] if x["rule"] == "db_size_predicted")
        self.assertIsNone(d["linear"]["eta_s"])
        self.assertLess(d["linear"]["confidence"], 0.5)

    def test_prediction_rule_fires_on_the_third_sample(self):
        rows = self.disk_series()
        insert_samples(rows[:57])
        for i in (57, 58, 59):
            insert_samples([rows[i]])
            evaluate()
            st = rule_state("disk_full_predicted")
            if i < 59:
                self.assertEqual(st["state"], "pending")
                self.assertEqual(alerts_of("disk_full_predicted"), [])
        a = alerts_of("disk_full_predicted")
        self.assertEqual(len(a), 1)
        self.assertEqual(a[0]["kind"], "prediction")
        self.assertGreater(a[0]["value"], 0)        # seconds until 5 % free
        self.assertEqual(len(events_of("disk_full_predicted", "alert.fired")), 1)
        self.assertEqual(alerts_of("disk_free_low"), [])     # 11 % free: not yet

    def test_too_few_samples_say_so(self):
        insert_samples([(m, {}) for m in range(5)])
        doc = get(PREDICTIONS, token=self.analyst).json
        self.assertEqual(doc["n"], 5)
        for f in doc["forecasts"] + doc["anomalies"]:
            self.assertEqual(f["status"], "insufficient data")
            self.assertNotIn("linear", f)

    # ---- anomalies ---------------------------------------------------------------
    def test_latency_spike_is_an_anomaly_by_robust_z_and_ewma(self):
        values = [100 + 3 * math.sin(i) for i in range(58)]
        insert_samples([(59 - i, {"p95_ms": v}) for i, v in enumerate(values)])
        evaluate()
        for minute, spike in ((1, 600.0), (0, 650.0)):
            insert_samples([(minute, {"p95_ms": spike})])
            values.append(spike)
            evaluate()
        doc = get(PREDICTIONS, token=self.analyst).json
        an = next(x for x in doc["anomalies"] if x["metric"] == "p95_ms")
        # the figures as stored (p95_ms is a real) and read back
        values = [float(r[0]) for r in psql("SELECT p95_ms FROM health_samples ORDER BY at")]
        med = statistics.median(values)
        mad = statistics.median(abs(v - med) for v in values)
        z = 0.6745 * (650.0 - med) / mad
        # replies round reals to 6 decimals
        self.assertAlmostEqual(an["robust_z"]["median"], med, delta=1e-6)
        self.assertAlmostEqual(an["robust_z"]["mad"], mad, delta=1e-6)
        self.assertAlmostEqual(an["robust_z"]["z"], z, delta=1e-6 * z)
        self.assertTrue(an["robust_z"]["flagged"])
        self.assertGreater(an["robust_z"]["confidence"], 0.999)
        self.assertTrue(an["ewma"]["out"])
        self.assertTrue(an["anomalous"])
        calm = next(x for x in doc["anomalies"] if x["metric"] == "request_rate")
        self.assertFalse(calm["anomalous"])
        a = alerts_of("latency_p95_anomaly")      # fire after 2 samples
        self.assertEqual([x["state"] for x in a], ["firing"])
        self.assertEqual(alerts_of("latency_p95_high"), [])     # 650 ms < 1 s

    # ---- listing ------------------------------------------------------------------
    def test_alerts_page_with_a_cursor_and_filter_by_state(self):
        for i, state in enumerate(["resolved", "resolved", "firing"]):
            psql("INSERT INTO health_alerts (rule, kind, severity, state, first_seen, fired_at,"
                 " last_seen, resolved_at, value, summary) VALUES (:'v1', 'threshold', 'warning',"
                 " :'v2', now(), now(), now(), CASE WHEN :'v2' = 'resolved' THEN now() END, 1,"
                 " 'test')", "rule%d" % i, state)
        page = get(ALERTS + "?limit=2", token=self.analyst).json
        check_schema("level5MaintenanceAlerts", page)
        self.assertEqual([a["rule"] for a in page["items"]], ["rule2", "rule1"])
        self.assertTrue(page["next_cursor"])
        rest = get(ALERTS + "?limit=2&cursor=" + page["next_cursor"], token=self.analyst).json
        self.assertEqual([a["rule"] for a in rest["items"]], ["rule0"])
        self.assertIsNone(rest["next_cursor"])
        firing = get(ALERTS + "?state=firing", token=self.analyst).json["items"]
        self.assertEqual([a["rule"] for a in firing], ["rule2"])
        rules = page["rules"]
        self.assertEqual({r["kind"] for r in rules}, {"threshold", "prediction", "anomaly"})
        for r in rules:
            self.assertGreaterEqual(r["fire_after"], 1)
            self.assertGreaterEqual(r["resolve_after"], 1)


if __name__ == "__main__":
    unittest.main()
