"""#10 GET /api/level2/performance/monitor: the pool's own figures from shared
memory, consistent with /metrics; analyst and above."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from zoelib import get, is_problem, metric, metrics, token_for

PATH = "/api/level2/performance/monitor"
PROBE = "/api/openapi.json"        # public, nothing else polls it


def route_of(j, method, pattern):
    for r in j["routes"]:
        if (r["method"], r["route"]) == (method, pattern):
            return r
    return None


def requests_total(snapshot, method, route):
    return sum(metric(snapshot, "zoe_requests_total", method=method, route=route, **{"class": c})
               for c in ("2xx", "4xx", "5xx"))


class PerformanceMonitor(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.analyst = token_for("analyst")

    def monitor(self, query=""):
        r = get(PATH + query, token=self.analyst)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_counts_follow_requests_and_match_metrics(self):
        n = 15
        # the 1 min window reaches back at least 50 s (10-second slots): these all land in it
        before = metrics()
        for _ in range(n):
            self.assertEqual(get(PROBE).status, 200)
        after = metrics()
        j = self.monitor()
        self.assertEqual(requests_total(after, "GET", PROBE) - requests_total(before, "GET", PROBE), n)
        r = route_of(j, "GET", PROBE)
        self.assertIsNotNone(r, j["routes"])
        w1, w5, w60 = (r["windows"][k] for k in ("1m", "5m", "1h"))
        self.assertGreaterEqual(w1["count"], n)
        self.assertTrue(w1["count"] <= w5["count"] <= w60["count"])
        # the ring never holds more than /metrics counted since start
        self.assertLessEqual(w60["count"], requests_total(after, "GET", PROBE))
        self.assertEqual(w1["errors"], 0)
        self.assertEqual(w1["error_rate"], 0)
        self.assertTrue(0 < w1["p50_ms"] <= w1["p95_ms"] <= w1["p99_ms"], w1)
        self.assertGreaterEqual(j["overall"]["1m"]["count"], w1["count"])
        # process figures as /metrics shows them
        self.assertEqual(j["workers"]["alive"], metric(after, "zoe_workers"))
        self.assertEqual(j["workers"]["restarts"], metric(after, "zoe_worker_restarts_total"))
        self.assertGreaterEqual(j["db"]["roundtrips"],
                                metric(after, "zoe_db_roundtrip_seconds_count"))
        self.assertGreater(j["db"]["roundtrips"], 0)
        self.assertGreater(j["db"]["mean_ms"], 0)
        self.assertIn("zoe_requests_total", j["metrics"]["count"])

    def test_routes_listed(self):
        self.monitor()
        j = self.monitor()
        self.assertIsNotNone(route_of(j, "GET", PATH))      # the first call is counted
        for r in j["routes"]:
            self.assertGreater(r["windows"]["1h"]["count"], 0, r)
        counts = [r["windows"]["1h"]["count"] for r in j["routes"]]
        self.assertEqual(counts, sorted(counts, reverse=True))
        everything = self.monitor("?all=1")
        self.assertGreater(len(everything["routes"]), len(j["routes"]))
        self.assertGreaterEqual(len(everything["routes"]), 70)
        idle = [r for r in everything["routes"] if r["windows"]["1h"]["count"] == 0]
        self.assertTrue(idle)
        self.assertIsNone(idle[0]["windows"]["1h"]["p50_ms"])
        self.assertIsNone(idle[0]["windows"]["1h"]["error_rate"])

    def test_roles_and_input(self):
        is_problem(self, get(PATH), 401)
        is_problem(self, get(PATH, token=token_for("viewer")), 403)
        self.assertEqual(get(PATH, token=token_for("editor")).status, 200)
        p = is_problem(self, get(PATH + "?all=maybe", token=self.analyst), 422)
        self.assertEqual(p["errors"][0]["field"], "all")


if __name__ == "__main__":
    unittest.main()
