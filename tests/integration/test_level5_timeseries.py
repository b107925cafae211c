"""#45 GET /api/level5/analytics/timeseries: Plausible's visit, bounce, duration and
conversion figures per bucket, previous period, filters, DST hours, CSV, forecast, 422."""
import csv
import io
import math
import unittest
import urllib.parse

from zoelib import RUN, get, is_problem, psql, rollup, token_for, zoe

PATH = "/api/level5/analytics/timeseries"
DOMAIN = "ts-%s.example.org" % RUN

# (local time with offset, visitor, kind, path, device, source, name)
EVENTS = [
    # current period 2026-03-09 .. 2026-03-15 (CET, +01)
    ("2026-03-10 10:00:00+01", 1, "pageview", "/a", "desktop", "direct", None),
    ("2026-03-10 10:05:00+01", 1, "pageview", "/b", "desktop", "direct", None),
    ("2026-03-10 10:20:00+01", 1, "event", "/angebot", "desktop", "direct", "lead"),
    # 40 min later: a new visit, one pageview and engagement only: a bounce
    ("2026-03-10 11:00:00+01", 1, "pageview", "/a", "desktop", "direct", None),
    ("2026-03-10 11:00:30+01", 1, "engagement", "/a", "desktop", "direct", None),
    # 29:59 apart: one visit of 1799 s; its second view came "direct" (internal)
    ("2026-03-10 12:00:00+01", 2, "pageview", "/a", "mobile", "google", None),
    ("2026-03-10 12:29:59+01", 2, "pageview", "/c", "mobile", "direct", None),
    # one pageview and an interactive event: not a bounce, not a lead
    ("2026-03-12 09:00:00+01", 3, "pageview", "/b", "mobile", "bing", None),
    ("2026-03-12 09:01:00+01", 3, "event", "/b", "mobile", "bing", "signup"),
    # previous period 2026-03-02 .. 2026-03-08
    ("2026-03-03 10:00:00+01", 4, "pageview", "/a", "desktop", "direct", None),
    ("2026-03-04 10:00:00+01", 5, "pageview", "/a", "desktop", "direct", None),
    ("2026-03-04 10:10:00+01", 5, "event", "/angebot", "desktop", "direct", "lead"),
    # DST: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET
    ("2026-03-29 00:59:00+00", 6, "pageview", "/a", "desktop", "direct", None),
    ("2026-03-29 01:30:00+00", 6, "pageview", "/b", "desktop", "direct", None),
    ("2026-10-25 00:30:00+00", 7, "pageview", "/a", "desktop", "direct", None),
    ("2026-10-25 01:30:00+00", 8, "pageview", "/a", "desktop", "direct", None),
]

CUR = dict(from_="2026-03-09", to="2026-03-15")


def url(**q):
    q = {k.rstrip("_"): v for k, v in q.items()}
    q.setdefault("site", DOMAIN)
    return PATH + "?" + urllib.parse.urlencode(q)


class Timeseries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        zoe("site", "add", "--domain", DOMAIN, "--origin", "https://" + DOMAIN)
        rows = ",".join(
            "('%s'::timestamptz, %d, '%s', '%s', '%s', '%s', %s)"
            % (ts, v, k, p, d, s, "'%s'" % n if n else "NULL")
            for ts, v, k, p, d, s, n in EVENTS)
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, source, name)"
             " SELECT (SELECT id FROM sites WHERE domain = :'v1'), t.* FROM (VALUES %s) t"
             % rows, DOMAIN)
        rollup()     # past events: late rows for the rollups
        cls.token = token_for("viewer")

    def fetch(self, **q):
        r = get(url(**q), token=self.token)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_totals_previous_and_change(self):
        j = self.fetch(**CUR)
        self.assertEqual(j["range"], {"from": "2026-03-09", "to": "2026-03-15",
                                      "tz": "Europe/Berlin", "days": 7})
        self.assertEqual(j["totals"], {
            "visitors": 3, "visits": 4, "pageviews": 6, "bounce_rate": 0.25,
            "visit_duration": 764.8, "conversions": 1, "conversion_rate": 0.25})
        self.assertEqual((j["previous"]["from"], j["previous"]["to"]), ("2026-03-02", "2026-03-08"))
        self.assertEqual(j["previous"]["totals"], {
            "visitors": 2, "visits": 2, "pageviews": 2, "bounce_rate": 0.5,
            "visit_duration": 300.0, "conversions": 1, "conversion_rate": 0.5})
        self.assertEqual(j["change"], {
            "visitors": 50.0, "visits": 100.0, "pageviews": 200.0, "bounce_rate": -50.0,
            "visit_duration": 154.9, "conversions": 0.0, "conversion_rate": -50.0})

    def test_day_buckets_zero_filled(self):
        b = self.fetch(**CUR)["buckets"]
        self.assertEqual([x["bucket"] for x in b],
                         ["2026-03-%02d" % d for d in range(9, 16)])
        self.assertTrue(all(x["complete"] for x in b))
        by = {x["bucket"]: x for x in b}
        self.assertEqual(by["2026-03-10"], {
            "bucket": "2026-03-10", "complete": True, "visitors": 2, "visits": 3,
            "pageviews": 5, "bounce_rate": 0.3333, "visit_duration": 999.7, "conversions": 1,
            "conversion_rate": 0.3333})
        self.assertEqual(by["2026-03-12"]["visit_duration"], 60.0)
        self.assertEqual(by["2026-03-12"]["bounce_rate"], 0.0)
        for d in ("2026-03-09", "2026-03-11", "2026-03-13", "2026-03-14", "2026-03-15"):
            self.assertEqual((by[d]["visitors"], by[d]["visits"], by[d]["pageviews"],
                              by[d]["conversions"], by[d]["visit_duration"]), (0, 0, 0, 0, 0.0))

    def test_week_and_month(self):
        w = self.fetch(interval="week", **CUR)["buckets"]
        self.assertEqual([(x["bucket"], x["visits"], x["pageviews"]) for x in w],
                         [("2026-03-09", 4, 6)])
        m = self.fetch(interval="month", from_="2026-03-02", to="2026-03-15")["buckets"]
        self.assertEqual([(x["bucket"], x["visits"], x["conversions"]) for x in m],
                         [("2026-03-01", 6, 2)])

    def test_filters(self):
        t = self.fetch(device="mobile", **CUR)["totals"]
        self.assertEqual((t["visitors"], t["visits"], t["pageviews"]), (2, 2, 3))
        # source is the visit's (its first event's): the second, internal view counts
        t = self.fetch(source="google", **CUR)["totals"]
        self.assertEqual((t["visits"], t["pageviews"], t["visit_duration"]), (1, 2, 1799.0))
        # a path keeps the visits that viewed it and counts its own pageviews
        t = self.fetch(path="/a", **CUR)["totals"]
        self.assertEqual((t["visitors"], t["visits"], t["pageviews"]), (2, 3, 3))
        t = self.fetch(goal="signup", **CUR)["totals"]
        self.assertEqual((t["conversions"], t["conversion_rate"]), (1, 0.25))
        j = self.fetch(device="all", **CUR)
        self.assertEqual(j["filters"]["device"], "all")
        self.assertEqual(j["totals"]["visits"], 4)

    def test_hours_across_dst(self):
        b = self.fetch(interval="hour", from_="2026-03-29", to="2026-03-29")["buckets"]
        self.assertEqual(len(b), 23)
        self.assertEqual([x["bucket"] for x in b[:4]], [
            "2026-03-29T00:00:00+01:00", "2026-03-29T01:00:00+01:00",
            "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"])
        self.assertEqual([x["pageviews"] for x in b[:4]], [0, 1, 1, 0])
        b = self.fetch(interval="hour", from_="2026-10-25", to="2026-10-25")["buckets"]
        self.assertEqual(len(b), 25)
        self.assertEqual([(x["bucket"], x["pageviews"]) for x in b[2:4]], [
            ("2026-10-25T02:00:00+02:00", 1), ("2026-10-25T02:00:00+01:00", 1)])
        b = self.fetch(interval="hour", from_="2026-03-29", to="2026-03-29", tz="UTC")["buckets"]
        self.assertEqual(len(b), 24)
        self.assertEqual(b[0]["bucket"], "2026-03-29T00:00:00+00:00")

    def test_csv(self):
        r = get(url(format="csv", **CUR), token=self.token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(r.headers["Content-Disposition"],
                         'attachment; filename="timeseries.csv"')
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"))))
        self.assertEqual(rows[0], ["bucket", "visitors", "visits", "pageviews", "bounce_rate",
                                   "visit_duration", "conversions", "conversion_rate"])
        self.assertEqual(len(rows), 8)
        self.assertEqual(rows[2], ["2026-03-10", "2", "3", "5", "0.3333", "999.7", "1", "0.3333"])
        self.assertEqual(rows[1], ["2026-03-09", "0", "0", "0", "0", "0", "0", "0"])

    def check_points(self, f, n):
        self.assertEqual(len(f["points"]), n)
        for p in f["points"]:
            for m in ("visitors", "visits"):
                v = p[m]
                self.assertTrue(0 <= v["lo95"] <= v["lo80"] <= v["point"] <= v["hi80"] <= v["hi95"], p)

    def test_forecast_short_history_holt(self):
        f = self.fetch(forecast=5, **CUR)["forecast"]
        self.assertEqual((f["horizon"], f["history"], f["method"], f["season"]), (5, 7, "holt", None))
        self.assertEqual([p["bucket"] for p in f["points"]],
                         ["2026-03-%02d" % d for d in range(16, 21)])
        self.check_points(f, 5)

    def test_forecast_demo_site_holt_winters(self):
        j = self.fetch(site="zoe-solar.de", forecast=10)
        f = j["forecast"]
        self.assertEqual((f["method"], f["season"]), ("holt-winters", 7))
        self.check_points(f, 10)
        # learnt from the complete days: the first point is today's (unfinished) bucket
        self.assertFalse(j["buckets"][-1]["complete"])
        self.assertEqual(f["points"][0]["bucket"], j["buckets"][-1]["bucket"])
        self.assertEqual(f["history"], len(j["buckets"]) - 1)
        widths = [p["visitors"]["hi95"] - p["visitors"]["lo95"] for p in f["points"]]
        self.assertEqual(widths, sorted(widths))
        self.assertGreater(j["totals"]["conversions"], 0)

    def test_forecast_interval_widths(self):
        # additive Holt-Winters: the h-step variance is sigma^2 (1 + sum over j < h of
        # (alpha (1 + j beta) + gamma (1 - alpha) [j mod m = 0])^2), as R's predict.HoltWinters
        f = self.fetch(site="zoe-solar.de", forecast=15)["forecast"]
        m = f["season"]
        for name in ("visitors", "visits"):
            mod = f["models"][name]
            a, b, g, sigma = mod["alpha"], mod["beta"], mod["gamma"], mod["sigma"]
            self.assertGreater(sigma, 0)
            var = 1.0
            for h, p in enumerate(f["points"], 1):
                v = p[name]
                self.assertGreater(v["point"], 0, p)
                want = 1.2815515655 * sigma * math.sqrt(var)
                self.assertAlmostEqual(v["hi80"] - v["point"], want, delta=0.02, msg=(name, h))
                self.assertAlmostEqual(v["hi95"] - v["point"], want * 1.959963985 / 1.2815515655,
                                       delta=0.02, msg=(name, h))
                var += (a * (1 + h * b) + (h % m == 0) * g * (1 - a)) ** 2

    def test_forecast_without_history(self):
        f = self.fetch(forecast=3, from_="2030-01-01", to="2030-01-05")["forecast"]
        self.assertEqual((f["history"], f["points"]), (0, []))
        self.assertIn("reason", f)

    def test_422_names_every_field(self):
        r = get(PATH + "?" + urllib.parse.urlencode(dict(
            interval="minute", device="tv", format="xml", forecast="61", goal="", source="",
            tz="Mars/Olympus", to="2026-02-30", path="nope", site="a b",
            **{"from": "2026-02-01"})), token=self.token)
        p = is_problem(self, r, 422)
        self.assertEqual(sorted(e["field"] for e in p["errors"]), sorted(
            ["interval", "device", "format", "forecast", "goal", "source", "tz", "to", "path",
             "site"]))
        for bad in ("0", "abc", "-1"):
            p = is_problem(self, get(url(forecast=bad, **CUR), token=self.token), 422)
            self.assertEqual([e["field"] for e in p["errors"]], ["forecast"])
        p = is_problem(self, get(url(interval="hour", from_="2026-01-01", to="2026-06-30"),
                                 token=self.token), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["interval"])
        p = is_problem(self, get(url(from_="2026-03-15", to="2026-03-09"), token=self.token), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["from"])
        p = is_problem(self, get(PATH + "?site=unknown-" + RUN + ".example", token=self.token), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["site"])

    def test_auth(self):
        is_problem(self, get(url(**CUR)), 401)
        is_problem(self, get(url(**CUR), token="not-a-jwt"), 401)
        self.assertEqual(get(url(**CUR), token=token_for("viewer")).status, 200)


if __name__ == "__main__":
    unittest.main()
