"""#22 GET /api/level3/behavioral/metrics (GA4 sessions, engagement, bounce, scroll,
conversion, by device and source, cross-device z-tests) and #21 POST
/api/level3/behavioral/dynamic (rule sets replaced atomically, deterministic variants)."""
import math
import unittest
import urllib.parse

from zoelib import RUN, get, is_problem, post, psql, psql_one, token_for, zoe

METRICS = "/api/level3/behavioral/metrics"
DYNAMIC = "/api/level3/behavioral/dynamic"
DOMAIN = "behav-%s.example.org" % RUN
ORIGIN = "https://" + DOMAIN

# (local time, visitor, kind, path, device, source, name, engaged_ms, scroll_pct)
EVENTS = [
    # S1 desktop/google: 4 s engaged, one pageview: not engaged, a Plausible bounce
    ("2026-03-10 10:00:00+01", 1, "pageview", "/a", "desktop", "google", None, None, None),
    ("2026-03-10 10:00:20+01", 1, "engagement", "/a", "desktop", "google", None, 4000, 30),
    # S2, the same visitor 60 min later: two engagement beacons add up to 12 s (engaged)
    ("2026-03-10 11:00:00+01", 1, "pageview", "/a", "desktop", "google", None, None, None),
    ("2026-03-10 11:00:10+01", 1, "engagement", "/a", "desktop", "google", None, 6000, 60),
    ("2026-03-10 11:00:20+01", 1, "engagement", "/a", "desktop", "google", None, 6000, 80),
    # a vital 40 minutes on is no activity: it neither extends nor starts a session
    ("2026-03-10 11:40:00+01", 1, "vital", "/a", "desktop", "google", "LCP", None, None),
    # S3 mobile/direct: 3 s engaged but 2 pageviews (engaged)
    ("2026-03-10 12:00:00+01", 2, "pageview", "/a", "mobile", None, None, None, None),
    ("2026-03-10 12:01:00+01", 2, "pageview", "/b", "mobile", None, None, None, None),
    ("2026-03-10 12:01:30+01", 2, "engagement", "/b", "mobile", None, None, 3000, 100),
    # S4 mobile/bing: one pageview and the lead goal (engaged by conversion)
    ("2026-03-12 09:00:00+01", 3, "pageview", "/b", "mobile", "bing", None, None, None),
    ("2026-03-12 09:00:30+01", 3, "event", "/b", "mobile", "bing", "lead", None, None),
    # S5 mobile/google: 9.999 s is not 10 s
    ("2026-03-13 15:00:00+01", 4, "pageview", "/c", "mobile", "google", None, None, None),
    ("2026-03-13 15:00:10+01", 4, "engagement", "/c", "mobile", "google", None, 9999, 50),
    # S6 tablet/direct: exactly 10 s is engaged
    ("2026-03-14 18:00:00+01", 5, "pageview", "/a", "tablet", "direct", None, None, None),
    ("2026-03-14 18:00:15+01", 5, "engagement", "/a", "tablet", "direct", None, 10000, 25),
    # outside the range
    ("2026-03-20 10:00:00+01", 6, "pageview", "/a", "desktop", "direct", None, None, None),
]
RANGE = {"from": "2026-03-09", "to": "2026-03-15"}


def sql_value(v):
    return "NULL" if v is None else ("'%s'" % v if isinstance(v, str) else str(v))


def two_prop(x1, n1, x2, n2):
    """(z, two-sided p) of the pooled two-proportion z-test, rounded as the reply."""
    pool = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
    return round(z, 3), round(math.erfc(abs(z) / math.sqrt(2)), 4)


class BehaviouralMetrics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        zoe("site", "add", "--domain", DOMAIN, "--origin", ORIGIN)
        rows = ",".join("(%s::timestamptz, %s)" % (sql_value(e[0]), ", ".join(
            sql_value(v) for v in e[1:])) for e in EVENTS)
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, source, name,"
             " engaged_ms, scroll_pct)"
             " SELECT (SELECT id FROM sites WHERE domain = :'v1'), t.* FROM (VALUES %s) t" % rows,
             DOMAIN)
        cls.token = token_for("viewer")

    def fetch(self, **q):
        q = dict(RANGE, site=DOMAIN, **q)
        r = get(METRICS + "?" + urllib.parse.urlencode(q), token=self.token)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_overall_exact(self):
        j = self.fetch()
        self.assertEqual(j["range"], {"from": "2026-03-09", "to": "2026-03-15",
                                      "tz": "Europe/Berlin", "days": 7})
        self.assertEqual(j["overall"], {
            "sessions": 6, "pageviews": 7, "pages_per_session": 1.17, "engaged_sessions": 4,
            "engagement_rate": 0.6667, "bounce_rate": 0.3333, "plausible_bounce_rate": 0.6667,
            "avg_engaged_seconds": 6.5, "conversions": 1, "conversion_rate": 0.1667,
            "scroll": {"sessions": 5, "reached": {"25": 1.0, "50": 0.6, "75": 0.4, "100": 0.2},
                       "p25": 30.0, "p50": 50.0, "p75": 80.0}})
        self.assertIn("GA4", j["definitions"]["bounce_rate"])
        self.assertIn("Plausible", j["definitions"]["plausible_bounce_rate"])

    def test_by_device_and_source(self):
        j = self.fetch()
        dev = [(d["device"], d["sessions"], d["engaged_sessions"], d["conversions"], d["pageviews"])
               for d in j["by_device"]]
        self.assertEqual(dev, [("mobile", 3, 2, 1, 4), ("desktop", 2, 1, 0, 2), ("tablet", 1, 1, 0, 1)])
        src = [(s["source"], s["sessions"], s["engaged_sessions"], s["plausible_bounce_rate"])
               for s in j["by_source"]]
        self.assertEqual(src, [("google", 3, 1, 1.0), ("direct", 2, 2, 0.5), ("bing", 1, 1, 0.0)])
        desktop = j["by_device"][1]
        self.assertEqual((desktop["avg_engaged_seconds"], desktop["scroll"]["p50"]), (8.0, 55.0))

    def test_cross_device_comparison(self):
        cmp = {c["device"]: c for c in self.fetch()["comparison"]}
        self.assertEqual(set(cmp), {"mobile", "desktop", "tablet"})
        z, p = two_prop(1, 2, 3, 4)             # desktop 1/2 engaged against 3/4 elsewhere
        self.assertEqual(cmp["desktop"]["engagement_rate"], {
            "device": 0.5, "overall": 0.6667, "difference": -0.1667, "z": z, "p_value": p})
        z, p = two_prop(1, 3, 0, 3)             # mobile 1/3 converted against 0/3
        self.assertEqual(cmp["mobile"]["conversion_rate"], {
            "device": 0.3333, "overall": 0.1667, "difference": 0.1667, "z": z, "p_value": p})
        self.assertEqual(cmp["mobile"]["engagement_rate"]["p_value"], 1.0)
        self.assertEqual(cmp["tablet"]["sessions"], 1)

    def test_filters_as_timeseries(self):
        self.assertEqual(self.fetch(device="mobile")["overall"]["sessions"], 3)
        o = self.fetch(source="google")["overall"]
        self.assertEqual((o["sessions"], o["engaged_sessions"]), (3, 1))
        o = self.fetch(path="/b")["overall"]       # the visits that viewed /b
        self.assertEqual((o["sessions"], o["conversions"]), (2, 1))
        o = self.fetch(goal="signup")["overall"]   # S4 no longer converts, so is not engaged
        self.assertEqual((o["conversions"], o["engaged_sessions"]), (0, 3))

    def test_empty_range(self):
        r = get(METRICS + "?" + urllib.parse.urlencode(
            {"from": "2026-03-16", "to": "2026-03-19", "site": DOMAIN}), token=self.token)
        self.assertEqual(r.status, 200, r)
        j = r.json
        self.assertEqual((j["overall"]["sessions"], j["overall"]["engagement_rate"],
                          j["overall"]["bounce_rate"], j["by_device"], j["comparison"]),
                         (0, 0.0, 0.0, [], []))
        self.assertIsNone(j["overall"]["scroll"]["p50"])

    def test_auth_and_bad_input(self):
        is_problem(self, get(METRICS), 401)
        r = get(METRICS + "?from=2026-13-01&device=phone&tz=Mars/Base", token=self.token)
        p = is_problem(self, r, 422)
        self.assertTrue({"from", "device", "tz"} <= {e["field"] for e in p["errors"]}, p)
        r = get(METRICS + "?site=no-such-%s.example.org" % RUN, token=self.token)
        p = is_problem(self, r, 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["site"])
