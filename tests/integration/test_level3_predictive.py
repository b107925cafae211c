"""#11-#15 predictive search: keyword import (German Search Console CSV, JSON
points, Search Analytics API rows), report, seasonal decomposition, trends and
events, against the real stack.

Every test uses keywords of its own ("it<run> ..."), so the demo keywords and
other runs never interfere; the report and trends are read for those names.
"""
import datetime
import json
import math
import os
import random
import unittest

from zoelib import RUN, get, is_problem, post, psql_one, request, token_for

ANALYZE = "/api/level3/predictive/analyze"
REPORT = "/api/level3/predictive/report"
SEASONAL = "/api/level3/predictive/seasonal"
TRENDS = "/api/level3/predictive/trends"
EVENTS = "/api/level3/predictive/events"
SCHEMAS = os.path.join(os.path.dirname(__file__), "../../handlers/schemas")


def kw(tag):
    return "it%s %s" % (RUN, tag)


def days(first, last):
    d = first
    while d <= last:
        yield d
        d += datetime.timedelta(days=1)


def stored(keyword):
    return int(psql_one("SELECT count(*) FROM keyword_days d JOIN keywords k ON k.id = "
                        "d.keyword_id WHERE k.keyword = :'v1'", keyword))


def german_csv(keyword, first, last, seed=1, boost=None):
    """A German Performance export: BOM, semicolons, CRLF, decimal commas,
    percent signs, quoted fields; a spring season; `boost` = (from, to, factor)."""
    rnd = random.Random(seed)
    lines = ["\ufeffDatum;Suchanfrage;Klicks;Impressionen;CTR;Position"]
    for d in days(first, last):
        season = 1 + 0.5 * math.cos(2 * math.pi * (d.timetuple().tm_yday - 110) / 365.25)
        c = 40 * season * (0.85 if d.weekday() >= 5 else 1) * (1 + 0.1 * (rnd.random() - 0.5))
        if boost and boost[0] <= d <= boost[1]:
            c *= boost[2]
        c = round(c)
        n = c * 25
        lines.append('%s;"%s";%d;%d;"%s %%";"%s"' % (
            d.isoformat(), keyword.upper() + "  ", c, n,
            ("%.2f" % (100.0 * c / n)).replace(".", ","), ("%.1f" % (3 + rnd.random())).replace(".", ",")))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def check_schema(case, name, doc):
    try:
        import jsonschema
    except ImportError:        # the contract test validates every reply as well
        return
    with open(os.path.join(SCHEMAS, name + ".json"), encoding="utf-8") as f:
        jsonschema.validate(doc, json.load(f))


class Common(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.analyst = token_for("analyst")
        cls.viewer = token_for("viewer")

    def csv(self, body, token=None, query=""):
        return request("POST", ANALYZE + query, raw=body, token=token or self.editor,
                       headers={"Content-Type": "text/csv; charset=utf-8"})


class GermanCsv(Common):
    """A German export of two years, sent as it is, analysed; sent again: unchanged."""
    KW = kw("balkonkraftwerk")
    FIRST, LAST = datetime.date(2023, 1, 1), datetime.date(2024, 12, 31)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.body = german_csv(cls.KW, cls.FIRST, cls.LAST)
        r = request("POST", ANALYZE + "?horizon=6", raw=cls.body, token=cls.editor,
                    headers={"Content-Type": "text/csv"})
        if r.status != 200:
            raise AssertionError("import failed: %r" % r)
        cls.reply = r.json

    def test_import_counts_and_schema(self):
        j = self.reply
        check_schema(self, "level3PredictiveAnalyze", j)
        self.assertEqual((j["received"], j["inserted"], j["updated"], j["unchanged"]),
                         (731, 731, 0, 0))
        self.assertEqual(stored(self.KW), 731)
        self.assertEqual([k["keyword"] for k in j["keywords"]], [self.KW])

    def test_analysis(self):
        a = self.reply["keywords"][0]
        self.assertEqual((a["months"], a["from"], a["to"]), (24, "2023-01", "2024-12"))
        s = a["seasonality"]
        self.assertTrue(s["harmonic"])
        self.assertGreater(s["strength"], 0.8)
        self.assertIn(s["peak_month"], (4, 5))           # spring
        self.assertEqual(len(s["indices"]), 12)
        f = a["forecast"]
        self.assertEqual([p["month"] for p in f["points"]],
                         ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"])
        for p in f["points"]:
            self.assertTrue(0 <= p["lo95"] <= p["lo80"] <= p["point"] <= p["hi80"] <= p["hi95"])
        # each level widened by its own factor from the holdout errors, never narrowed
        k80, k95 = f["interval_widen"], f["interval_widen_95"]
        self.assertGreaterEqual(k80, 1)
        self.assertGreaterEqual(k95, 1)
        for p in f["points"]:
            self.assertAlmostEqual((p["hi95"] - p["point"]) / (p["hi80"] - p["point"]),
                                   1.959963985 * k95 / (1.2815515655 * k80), delta=1e-3)
        self.assertEqual(f["holdout"]["n"], 6)
        self.assertIn(f["method"], [c["method"] for c in f["candidates"]])
        best = min(f["candidates"], key=lambda c: c["smape"])   # one origin: its sMAPE
        self.assertEqual(best["method"], f["method"])
        self.assertLess(f["holdout"]["mape"], 15)
        self.assertEqual(a["trend"]["direction"], "none")

    def test_again_changes_nothing(self):
        r = self.csv(self.body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["inserted"], r.json["updated"], r.json["unchanged"]), (0, 0, 731))

    def test_bad_line_stores_nothing(self):
        k = kw("defekt")
        body = german_csv(k, datetime.date(2024, 1, 1), datetime.date(2024, 1, 10))
        lines = body.split(b"\r\n")
        cells = lines[5].split(b";")
        cells[2] = "zwölf".encode()
        lines[5] = b";".join(cells)
        r = self.csv(b"\r\n".join(lines))
        p = is_problem(self, r, 422)
        self.assertEqual(p["errors"][0]["field"], "body")
        self.assertEqual(p["errors"][0]["line"], 6)
        self.assertEqual(p["errors"][0]["column"], "Klicks")
        self.assertIn("line 6, column Klicks", p["errors"][0]["message"])
        self.assertEqual(stored(k), 0)


class JsonShapes(Common):
    """Points and Search Analytics rows; exact trend figures of a straight line."""
    KW = kw("wallbox")

    def test_points_exact_trend(self):
        # one day per month (the others are 0): each month's value is known
        pts = [{"date": "2022-%02d-01" % m, "clicks": 100 + 5 * m, "impressions": 1000,
                "position": 3.5} for m in range(1, 13)]
        pts.append({"date": "2022-12-31", "clicks": 0, "impressions": 0})
        r = post(ANALYZE, {"keyword": self.KW, "points": pts, "horizon": 3}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        a = r.json["keywords"][0]
        self.assertEqual(a["months"], 12)
        t = a["trend"]
        self.assertEqual((t["s"], t["direction"]), (66, "rising"))
        self.assertAlmostEqual(t["sen_slope"], 5, places=9)
        self.assertLess(t["p"], 0.001)
        self.assertIsNone(a["seasonality"])            # fewer than 24 months
        self.assertEqual(len(a["forecast"]["points"]), 3)
        self.assertEqual(a["forecast"]["method"], "holt")
        self.assertAlmostEqual(a["forecast"]["points"][0]["point"], 165, delta=0.5)

    def test_search_analytics_rows(self):
        k = kw("speicher api")
        rows = [{"keys": [k, "2024-03-%02d" % d], "clicks": d, "impressions": 10 * d,
                 "ctr": 0.1, "position": 2.5} for d in range(1, 32)]
        r = post(ANALYZE, {"rows": rows, "metric": "impressions"}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["inserted"], 31)
        self.assertEqual(r.json["metric"], "impressions")
        self.assertEqual(r.json["keywords"][0]["months"], 1)
        self.assertEqual(int(psql_one("SELECT sum(impressions) FROM keyword_days d JOIN keywords k"
                                      " ON k.id = d.keyword_id WHERE k.keyword = :'v1'", k)), 4960)

    def test_every_bad_field_named(self):
        pts = [{"date": "2024-01-01", "clicks": 1, "impressions": 5},
               {"date": "2024-02-30", "clicks": 1, "impressions": 5},
               {"date": "2024-01-03", "clicks": 9, "impressions": 5},
               {"date": "2024-01-01", "clicks": 1, "impressions": 5}]
        r = post(ANALYZE, {"keyword": kw("bad"), "points": pts, "horizon": 99, "metric": "x"},
                 token=self.editor)
        p = is_problem(self, r, 422)
        fields = {e["field"] for e in p["errors"]}
        self.assertLessEqual({"horizon", "metric"}, fields)
        r = post(ANALYZE, {"keyword": kw("bad"), "points": pts}, token=self.editor)
        fields = {e["field"] for e in is_problem(self, r, 422)["errors"]}
        self.assertEqual(fields, {"points[1].date", "points[2].clicks", "points[3].date"})
        self.assertEqual(stored(kw("bad")), 0)
        r = post(ANALYZE, {"keyword": kw("bad"), "points": pts, "csv": "x"}, token=self.editor)
        self.assertIn("body", {e["field"] for e in is_problem(self, r, 422)["errors"]})
        r = post(ANALYZE, {"rows": [{"keys": ["a"], "clicks": 1, "impressions": 2}]},
                 token=self.editor)
        self.assertIn("rows[0].keys", {e["field"] for e in is_problem(self, r, 422)["errors"]})

    def test_roles_and_limit(self):
        body = {"keyword": kw("r"), "points": [{"date": "2024-01-01", "clicks": 1,
                                                  "impressions": 2}]}
        is_problem(self, post(ANALYZE, body, token=self.viewer), 403)
        is_problem(self, post(ANALYZE, body), 401)
        big = b"Date,Query,Clicks,Impressions\n" + b"2024-01-01,x,1,2\n" * (1024 * 1024 // 17 + 10)
        is_problem(self, self.csv(big), 413)


class ReportAndTrends(Common):
    """A rising and a falling keyword: the report's lists and the trends window."""
    UP, DOWN = kw("dynamischer stromtarif"), kw("solarthermie")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        series = []
        for name, sign in ((cls.UP, 1), (cls.DOWN, -1)):
            rnd = random.Random(name)
            pts = [{"date": d.isoformat(),
                    "clicks": max(0, round(60 + sign * 0.08 * i + 6 * (rnd.random() - 0.5))),
                    "impressions": 5000}
                   for i, d in enumerate(days(datetime.date(2021, 1, 1), datetime.date(2022, 12, 31)))]
            series.append({"keyword": name, "points": pts})
        r = post(ANALYZE, {"series": series}, token=cls.editor)
        if r.status != 200:
            raise AssertionError("import failed: %r" % r)

    def test_report(self):
        r = get(REPORT, token=self.viewer)
        self.assertEqual(r.status, 200, r)
        j = r.json
        check_schema(self, "level3PredictiveReport", j)
        lines = {k["keyword"]: k for k in j["keywords"]}
        self.assertEqual(j["n"], len(j["keywords"]))
        up, down = lines[self.UP], lines[self.DOWN]
        self.assertEqual((up["direction"], down["direction"]), ("rising", "falling"))
        self.assertIn(self.UP, [k["keyword"] for k in j["rising"]])
        self.assertIn(self.DOWN, [k["keyword"] for k in j["falling"]])
        self.assertNotIn(self.UP, [k["keyword"] for k in j["falling"]])
        self.assertEqual(up["months"], 24)
        self.assertEqual(up["next"]["month"], "2023-01")
        self.assertRegex(up["next_peak"]["month"], r"^2023-\d\d$")
        self.assertGreater(up["outlook"]["change_pct"], 0)
        for key in ("mape", "smape", "mase", "coverage80", "n"):
            self.assertIn(key, up["accuracy"])

    def test_report_cached_until_an_import(self):
        get(REPORT, token=self.viewer)
        r = get(REPORT, token=self.viewer)
        self.assertEqual(r.headers.get("X-Cache"), "hit")
        post(ANALYZE, {"keyword": kw("cache"), "points": [
            {"date": "2024-05-05", "clicks": 1, "impressions": 3}]}, token=self.editor)
        self.assertEqual(get(REPORT, token=self.viewer).headers.get("X-Cache"), "miss")

    def test_trends_window(self):
        r = get(TRENDS + "?from=2022-10-01&to=2022-12-31", token=self.viewer)
        self.assertEqual(r.status, 200, r)
        j = r.json
        check_schema(self, "level3PredictiveTrends", j)
        self.assertEqual(j["step"], "day")
        lines = {k["keyword"]: k for k in j["keywords"]}
        self.assertEqual(lines[self.UP]["n"], 92)
        r = get(TRENDS + "?from=2021-01-01&to=2022-12-31", token=self.viewer)
        j = r.json
        self.assertEqual(j["step"], "week")
        rising = [k["keyword"] for k in j["rising"]]
        falling = [k["keyword"] for k in j["falling"]]
        self.assertIn(self.UP, rising)
        self.assertIn(self.DOWN, falling)
        up = {k["keyword"]: k for k in j["keywords"]}[self.UP]
        self.assertLess(up["p"], 0.05)
        self.assertTrue(up["sen_lo"] <= up["sen_slope"] <= up["sen_hi"])
        self.assertAlmostEqual(up["sen_slope"], 7 * 7 * 0.08, delta=1.5)   # per week
        is_problem(self, get(TRENDS + "?from=2022-13-01", token=self.viewer), 422)
        is_problem(self, get(TRENDS + "?metric=x", token=self.viewer), 422)


class Seasonal(Common):
    def test_values(self):
        vals = [100 + 40 * math.cos(2 * math.pi * (i - 3) / 12) for i in range(36)]
        r = post(SEASONAL, {"values": vals, "period": 12, "lead": 2}, token=self.analyst)
        self.assertEqual(r.status, 200, r)
        j = r.json
        check_schema(self, "level3PredictiveSeasonal", j)
        self.assertEqual(j["window"]["peak_position"], 3)
        self.assertEqual((j["window"]["publish_from_position"], j["window"]["publish_to_position"]),
                         (1, 2))
        self.assertAlmostEqual(j["strength"], 1, places=6)
        self.assertEqual(len(j["components"]["trend"]), 36)
        self.assertIsNone(j["components"]["trend"][0])

    def test_stored_keyword_window(self):
        k = kw("photovoltaik dach")
        body = german_csv(k, datetime.date(2023, 1, 1), datetime.date(2024, 12, 31), seed=3)
        self.assertEqual(self.csv(body).status, 200)
        r = post(SEASONAL, {"keyword": k, "lead": 2}, token=self.analyst)
        self.assertEqual(r.status, 200, r)
        w = r.json["window"]
        self.assertIn(w["peak_month"], (4, 5))
        self.assertEqual(w["next_peak"], "2025-%02d" % w["peak_month"])
        self.assertEqual(w["publish_to"], "2025-%02d" % (w["peak_month"] - 1))
        self.assertEqual(w["publish_from"], "2025-%02d" % (w["peak_month"] - 2))
        self.assertEqual([i["month"] for i in r.json["indices"]], list(range(1, 13)))

    def test_errors(self):
        r = post(SEASONAL, {"values": [1, 2, 3, 4, 5]}, token=self.analyst)
        self.assertIn("values", {e["field"] for e in is_problem(self, r, 422)["errors"]})
        r = post(SEASONAL, {"keyword": kw("unbekannt")}, token=self.analyst)
        self.assertIn("keyword", {e["field"] for e in is_problem(self, r, 422)["errors"]})
        r = post(SEASONAL, {}, token=self.analyst)
        self.assertIn("keyword", {e["field"] for e in is_problem(self, r, 422)["errors"]})
        is_problem(self, post(SEASONAL, {"values": [1] * 30}, token=self.viewer), 403)


class Events(Common):
    KW = kw("intersolar")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        boost = (datetime.date(2024, 6, 19), datetime.date(2024, 6, 21), 3.0)   # the event days only
        r = request("POST", ANALYZE, raw=german_csv(cls.KW, datetime.date(2023, 6, 1),
                    datetime.date(2024, 7, 31), seed=5, boost=boost), token=cls.editor,
                    headers={"Content-Type": "text/csv"})
        if r.status != 200:
            raise AssertionError("import failed: %r" % r)

    def event(self, **over):
        e = {"name": "Intersolar " + RUN, "kind": "trade_fair", "starts_on": "2024-06-19",
             "ends_on": "2024-06-21", "keywords": [self.KW.upper()]}
        e.update(over)
        return post(EVENTS, e, token=self.editor)

    def test_past_uplift(self):
        r = self.event()
        self.assertEqual(r.status, 200, r)
        j = r.json
        check_schema(self, "level3PredictiveEvents", j)
        self.assertEqual(j["event"]["keywords"], [self.KW])
        self.assertIn(j["event"]["status"], ("inserted", "unchanged"))
        u = j["uplift"]
        self.assertEqual(u["status"], "estimated")
        k = u["keywords"][0]
        self.assertEqual(k["days"], 3)
        self.assertGreater(k["uplift_pct"], 100)          # three times the usual clicks
        self.assertLess(k["uplift_pct"], 300)
        self.assertEqual(k["days_above_95"], 3)
        self.assertEqual(self.event().json["event"]["status"], "unchanged")

    def test_upcoming_in_calendar(self):
        start = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        r = self.event(name="Förderfrist " + RUN, kind="subsidy", starts_on=start, ends_on=start)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["uplift"]["status"], "upcoming")
        cal = [c for c in r.json["calendar"] if c["name"] == "Förderfrist " + RUN]
        self.assertEqual(cal[0]["days_until"], 30)

    def test_bad_event(self):
        r = self.event(ends_on="2024-06-01", kind="party", keywords=[" "])
        fields = {e["field"] for e in is_problem(self, r, 422)["errors"]}
        self.assertEqual(fields, {"ends_on", "kind", "keywords[0]"})
        is_problem(self, post(EVENTS, {"name": "x"}, token=self.analyst), 403)
