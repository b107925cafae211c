"""#46 / issue #8: the breakdowns over the visits table equal an independent sessionisation
of the raw events (#45's visits, each in the range it starts in and read whole, written here
without the visits table): every figure exactly, for visit properties, pages and goals, with
filters on the visit, the page and both; visitors exactly where the visits answer, within 2 %
where the per-day figures do (sql/047: no page property, no filter or the device's only;
HyperLogLog); on the
demo site and on a generated load (bench/events.sql into a site of its own, deleted afterwards). The range ends
today, so the hours the rollup job has not rolled yet (the raw tail) count too."""
import datetime
import json
import os
import subprocess
import unittest
import urllib.parse

from zoelib import RUN, database_url, get, psql, psql_one, rollup, token_for, zoe

PATH = "/api/level5/analytics/breakdown"
DEMO = "zoe-solar.de"
LOAD = "bd-load-%s.example.org" % RUN
ROOT = os.environ.get("ZOE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))

CASES = [
    ("page", []),
    ("device", []),
    ("browser", []),
    ("source", []),
    ("entry_page", []),
    ("exit_page", []),
    ("entry_page", [["is", "device", ["mobile"]]]),
    ("exit_page", [["is_not", "visit:device", ["mobile"]]]),
    ("goal", []),
    ("page", [["is", "device", ["mobile"]]]),
    ("page", [["is", "browser", ["Safari", "Firefox"]]]),
    ("browser", [["is_not", "device", ["desktop"]]]),
    ("device", [["is_not", "visit:browser", ["Chrome"]], ["contains", "event:device", ["o"]]]),
    ("source", [["contains", "page", ["/p", "/seite-1"]]]),
    ("page", [["is", "page", ["/", "/agri-pv", "/seite-1", "/seite-2"]],
              ["is", "device", ["desktop"]]]),
    ("source", [["is", "goal", ["lead"]]]),
    ("source", [["is", "device", ["mobile"]]]),
    ("goal", [["is_not", "visit:device", ["desktop"]]]),
]

# The visits started in [v2, v3 + 1 day) UTC of site v1, from its raw events: per visit its
# figures and first event's properties. {visit}, {page} and {goal} are the filters' conditions
# on a visit, a pageview and a goal event; {page_kept} and {goal_kept} keep the visits with a
# pageview and a goal event that hold them.
REFERENCE = """
WITH r AS (SELECT :'v2'::date::timestamp AT TIME ZONE 'UTC' AS t0,
                  (:'v3'::date + 1)::timestamp AT TIME ZONE 'UTC' AS t1),
 e AS (SELECT visitor_id, ts, kind, path, name, source, source_group, device, browser,
              CASE WHEN lag(ts) OVER w IS NULL OR ts - lag(ts) OVER w > interval '30 minutes'
                   THEN 1 ELSE 0 END AS starts, row_number() OVER w AS seq
       FROM events, r WHERE site_id = (SELECT id FROM sites WHERE domain = :'v1')
         AND kind IN ('pageview', 'engagement', 'event')
         AND ts >= r.t0 - interval '6 hours' AND ts < r.t1 + interval '6 hours'
       WINDOW w AS (PARTITION BY visitor_id ORDER BY ts, kind DESC, path, name)),
 n AS (SELECT *, sum(starts) OVER (PARTITION BY visitor_id ORDER BY seq) AS visit FROM e),
 v AS (SELECT visitor_id, visit, min(ts) AS start,
              (count(*) FILTER (WHERE kind = 'pageview') = 1
               AND count(*) FILTER (WHERE kind = 'event') = 0)::int AS bounce,
              extract(epoch FROM max(ts) - min(ts)) AS secs,
              coalesce(bool_or(kind = 'event' AND name = 'lead'), false) AS conv,
              max(device) FILTER (WHERE starts = 1) AS device,
              max(browser) FILTER (WHERE starts = 1) AS browser,
              max(coalesce(source_group, CASE WHEN source IS NULL OR source = 'direct'
                  THEN 'Direct / None' ELSE source END)) FILTER (WHERE starts = 1) AS source,
              (array_agg(path ORDER BY seq) FILTER (WHERE kind = 'pageview'))[1] AS entry_page,
              (array_agg(path ORDER BY seq DESC) FILTER (WHERE kind = 'pageview'))[1] AS exit_page,
              coalesce(bool_or(kind = 'event' AND {goal}), false) AS goal_kept
       FROM n GROUP BY visitor_id, visit),
 -- the kept pageviews per visit and page
 pv AS (SELECT visitor_id, visit, path, count(*) AS pv FROM n
        WHERE kind = 'pageview' AND {page} GROUP BY visitor_id, visit, path),
 pvv AS (SELECT visitor_id, visit, sum(pv) AS pv FROM pv GROUP BY visitor_id, visit),
 kept AS (SELECT * FROM (SELECT v.*, coalesce(pvv.pv, 0) AS pv
                         FROM r, v LEFT JOIN pvv USING (visitor_id, visit)
                         WHERE v.start >= r.t0 AND v.start < r.t1 AND {visit}) k
          WHERE {page_kept} AND {goal_kept}),
 kv AS (SELECT k.*, CASE :'v4' WHEN 'device' THEN k.device WHEN 'browser' THEN k.browser
                    WHEN 'source' THEN k.source WHEN 'exit_page' THEN k.exit_page
                    ELSE k.entry_page END AS value, k.pv AS n
        FROM kept k WHERE :'v4' NOT IN ('page', 'goal')
        UNION ALL SELECT k.*, pv.path, pv.pv FROM kept k JOIN pv USING (visitor_id, visit)
        WHERE :'v4' = 'page'
        UNION ALL SELECT DISTINCT k.*, n.name, 0 FROM kept k JOIN n USING (visitor_id, visit)
        WHERE :'v4' = 'goal' AND n.kind = 'event' AND {goal}),
 agg AS (SELECT value, count(DISTINCT visitor_id) AS visitors, count(*) AS visits,
                sum(n) AS pageviews, sum(bounce) AS bounces, sum(secs * (1 - bounce)) AS secs,
                count(*) FILTER (WHERE conv) AS conversions
         FROM kv WHERE value IS NOT NULL GROUP BY value)
(SELECT 'total', NULL, count(DISTINCT visitor_id), count(*), sum(pv), sum(bounce),
        sum(secs * (1 - bounce)), count(*) FILTER (WHERE conv), (SELECT count(*) FROM agg)
 FROM kept)
UNION ALL
(SELECT 'row', value, visitors, visits, pageviews, bounces, secs, conversions, NULL FROM agg
 ORDER BY visitors DESC, value COLLATE "C" LIMIT 500)
"""
COLUMNS = {"device": "device", "browser": "browser", "source": "source", "page": "path",
           "goal": "name"}


def condition(filters, dims, column=None):
    """SQL for the filters on dimensions `dims` (all hold; is_not holds for none)."""
    out = ["true"]
    for op, dim, values in filters:
        dim = dim.split(":")[-1]
        if dim not in dims:
            continue
        col = column or COLUMNS[dim]
        lits = ", ".join("'%s'" % v.replace("'", "''") for v in values)
        if op == "is":
            out.append("%s IN (%s)" % (col, lits))
        elif op == "is_not":
            out.append("(%s IS NULL OR %s NOT IN (%s))" % (col, col, lits))
        else:
            out.append("(%s)" % " OR ".join("strpos(%s, %s) > 0" % (col, lit)
                                            for lit in lits.split(", ")))
    return " AND ".join(out)


def figures(row):
    """The reply's figures of a reference row (counts, rates rounded as the reply's)."""
    visitors, visits, pageviews, bounces, secs, conv = (float(x or 0) for x in row[2:8])
    return {"visitors": visitors, "visits": visits, "pageviews": pageviews,
            "bounce_rate": bounces / visits if visits else 0,
            "visit_duration": secs / visits if visits else 0, "conversions": conv}


class Equal:
    site = None
    days = None

    def range(self):
        to = datetime.date.today()
        return (to - datetime.timedelta(days=self.days)).isoformat(), to.isoformat()

    def fetch(self, prop, filters, **extra):
        t0, t1 = self.range()
        query = {"from": t0, "to": t1, "tz": "UTC", "site": self.site, "property": prop,
                 "filters": json.dumps(filters), "limit": 500, **extra}
        r = get(PATH + "?" + urllib.parse.urlencode(query), token=self.token, timeout=60)
        self.assertEqual(r.status, 200, r)
        # without filters or with filters on the device only: the per-day figures answer
        # for a property other than the pages, the page figures per day and week for the
        # pages; visitors from HyperLogLog sketches, within 2 % (close())
        device = all(f[1].split(":")[-1] == "device" for f in filters)
        pages = prop in ("page", "entry_page", "exit_page")
        self.assertEqual((r.json["computed_from"], r.json["visitors_counted"]),
                         ("page_days", "hll") if device and pages else
                         ("visit_days", "hll") if device else ("visits", "exact"))
        return r.json

    def reference(self, prop, filters):
        t0, t1 = self.range()
        dims = {f[1].split(":")[-1] for f in filters}
        sql = REFERENCE.format(visit=condition(filters, ("device", "browser", "source")),
                               page=condition(filters, ("page",)),
                               goal=condition(filters, ("goal",)),
                               page_kept="pv > 0" if "page" in dims else "true",
                               goal_kept="goal_kept" if "goal" in dims else "true")
        return psql(sql, self.site, t0, t1, prop)

    def compare(self, prop, filters):
        got, rows = self.fetch(prop, filters), self.reference(prop, filters)
        what = "%s %s" % (prop, json.dumps(filters))
        total, items = rows[0], rows[1:]
        self.assertGreater(len(items), 0, what)
        self.assertEqual(got["total_values"], int(total[8]), what)
        hll = got["visitors_counted"] == "hll"
        self.close(got["totals"], figures(total), prop, what + " totals", hll)
        if hll:     # estimates may swap values of (nearly) equal visitors
            by = {i["value"]: i for i in got["items"]}
            self.assertEqual(sorted(by), sorted(r[1] for r in items), what)
            got_items = [by[r[1]] for r in items]
        else:
            self.assertEqual([i["value"] for i in got["items"]], [r[1] for r in items], what)
            got_items = got["items"]
        for i, r in zip(got_items, items):
            self.close(i, figures(r), prop, "%s %s" % (what, r[1]), hll)
        return got

    def close(self, got, want, prop, what, hll=False):
        # HyperLogLog: within 2 % (issue #8), exact while a sketch holds few visitors
        self.assertLessEqual(abs(got["visitors"] - want["visitors"]),
                             0.02 * want["visitors"] if hll else 0, "%s: visitors" % what)
        for k in ("visits", "pageviews"):
            self.assertEqual(got[k], want[k], "%s: %s" % (what, k))
        if prop != "goal" or what.endswith("totals"):
            self.assertEqual(got["conversions"], want["conversions"], "%s: conversions" % what)
        for k, tol in (("bounce_rate", 0.00005), ("visit_duration", 0.05)):
            self.assertAlmostEqual(got[k], want[k], delta=tol + 1e-9, msg="%s: %s" % (what, k))

    def test_every_case_equals_the_events(self):
        for prop, filters in CASES:
            with self.subTest(prop=prop, filters=filters):
                self.compare(prop, filters)

    def test_totals_and_cursor(self):
        got = self.compare("page", [])
        # the totals count every visit, as the overview (timeseries) does
        t0, t1 = self.range()
        ts = get("/api/level5/analytics/timeseries?" + urllib.parse.urlencode({
            "from": t0, "to": t1, "tz": "UTC", "site": self.site}), token=self.token).json
        self.assertEqual(got["totals"]["visits"], ts["totals"]["visits"])
        first = self.fetch("page", [], limit=3)
        second = self.fetch("page", [], limit=3, cursor=first["next_cursor"])
        self.assertEqual([i["value"] for i in first["items"] + second["items"]],
                         [i["value"] for i in got["items"][:6]])


class Demo(Equal, unittest.TestCase):
    site = DEMO
    days = 120

    @classmethod
    def setUpClass(cls):
        rollup()
        cls.token = token_for("viewer")


class GeneratedLoad(Equal, unittest.TestCase):
    site = LOAD
    days = 91

    @classmethod
    def setUpClass(cls):
        zoe("site", "add", "--domain", LOAD, "--origin", "https://" + LOAD)
        cls.site_id = psql_one("SELECT id FROM sites WHERE domain = :'v1'", LOAD)
        cls.addClassCleanup(cls.remove)      # also when the load fails halfway
        subprocess.run(["psql", database_url(), "-qAtX", "-1", "-v", "ON_ERROR_STOP=1", "-v", "n=20000",
                        "-v", "site=%s" % cls.site_id, "-f", os.path.join(ROOT, "bench", "events.sql")],
                       capture_output=True, text=True, check=True)
        roll_all()
        cls.token = token_for("viewer")

    @classmethod
    def remove(cls):
        for table in ("events", "rollup_visits", "rollup_pages", "rollup_vitals",
                      "rollup_engagement", "visits", "visit_days", "page_days", "page_weeks"):
            psql("DELETE FROM %s WHERE site_id = :'v1'" % table, cls.site_id)
        psql("DELETE FROM sites WHERE id = :'v1'", cls.site_id)
        roll_all()    # the hours of the deleted events, before the next test's rollup()

    def test_goal_conversions_per_page(self):
        got = self.compare("page", [["is", "device", ["desktop"]]])
        self.assertGreater(got["totals"]["conversions"], 0)


def roll_all():
    """rollup() for 90 days of late rows: one call may take longer than psql() waits."""
    while subprocess.run(["psql", database_url(), "-qAtX", "-c", "SELECT rollup_run()"],
                         capture_output=True, text=True, check=True).stdout.strip() == "1":
        pass


if __name__ == "__main__":
    unittest.main()
