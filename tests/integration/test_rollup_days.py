"""Day rollups (sql/046_rollup_days.sql): a day row is the merge of its Berlin day's hour
rows; a report over a range whose edges fall mid-day in Berlin (tz=UTC,
tz=America/New_York) reads whole days from the day rows and the edges from the hours,
and gives the figures of the hours alone; a late event into a closed day changes the
day row and the reports."""
import datetime
import unittest
import urllib.parse

from zoelib import RUN, get, psql, psql_one, rollup, token_for, zoe

METRICS = "/api/level2/ux-signals/metrics"
TIMESERIES = "/api/level5/analytics/timeseries"

# Day rows that differ from the merge of their hours, per table, over the days the rollups
# have passed (a day under way gets its rows from its last run, sql/062): keys and sums exact,
# sketches by their cardinality, an HLL union being exact; digests by the count and the
# sum of their centroids, which merging keeps: a day digest (compression 300) is no
# merge at the hours' 100, so percentiles are no test of it.
MISMATCHES = """
WITH ended AS (SELECT rollup_day_floor(rolled_until) FROM rollup_state),
 h AS (SELECT site_id, rollup_day_floor(hour) AS day, path, device, source, browser,
                  sum(pageviews) AS pv, hll_cardinality(hll_union_agg(visitors)) AS u,
                  hll_cardinality(hll_union_agg(viewers)) AS w
           FROM rollup_pages WHERE site_id = :'v1' AND hour >= :'v2' AND hour < (TABLE ended) GROUP BY 1, 2, 3, 4, 5, 6),
 d AS (SELECT site_id, day, path, device, source, browser, pageviews AS pv,
              hll_cardinality(visitors) AS u, hll_cardinality(viewers) AS w
       FROM rollup_pages_days WHERE site_id = :'v1' AND day >= :'v2' AND day < (TABLE ended)),
 hv AS (SELECT site_id, rollup_day_floor(hour) AS day, path, goal, device, source, browser,
               sum(visits) AS visits, sum(bounces) AS bounces, round(sum(secs)::numeric, 6) AS secs
        FROM rollup_visits WHERE site_id = :'v1' AND hour >= :'v2' AND hour < (TABLE ended) GROUP BY 1, 2, 3, 4, 5, 6, 7),
 dv AS (SELECT site_id, day, path, goal, device, source, browser, visits, bounces,
               round(secs::numeric, 6) FROM rollup_visits_days WHERE site_id = :'v1' AND day >= :'v2' AND day < (TABLE ended)),
 ht AS (SELECT site_id, rollup_day_floor(hour) AS day, path, device, name, sum(n) AS n,
               sum(good) AS good, sum(ni) AS ni, sum(poor) AS poor,
               sum((SELECT sum(c.mean * c.n) FROM rollup_centroids(digest) c)) AS mass
        FROM rollup_vitals WHERE site_id = :'v1' AND hour >= :'v2' AND hour < (TABLE ended) GROUP BY 1, 2, 3, 4, 5),
 dt AS (SELECT site_id, day, path, device, name, n, good, ni, poor,
               (SELECT sum(c.mean * c.n) FROM rollup_centroids(r.digest) c) AS mass,
               (SELECT sum(c.n) FROM rollup_centroids(r.digest) c) AS cn
        FROM rollup_vitals_days r WHERE site_id = :'v1' AND day >= :'v2' AND day < (TABLE ended)),
 he AS (SELECT site_id, rollup_day_floor(hour) AS day, path, device, sum(n) AS n,
               sum(s0) AS s0, sum(s25) AS s25, sum(s50) AS s50, sum(s75) AS s75,
               sum((SELECT sum(c.mean * c.n) FROM rollup_centroids(digest) c)) AS mass
        FROM rollup_engagement WHERE site_id = :'v1' AND hour >= :'v2' AND hour < (TABLE ended) GROUP BY 1, 2, 3, 4),
 de AS (SELECT site_id, day, path, device, n, s0, s25, s50, s75,
               (SELECT sum(c.mean * c.n) FROM rollup_centroids(r.digest) c) AS mass,
               (SELECT sum(c.n) FROM rollup_centroids(r.digest) c) AS cn
        FROM rollup_engagement_days r WHERE site_id = :'v1' AND day >= :'v2' AND day < (TABLE ended))
SELECT 'pages', count(*) FROM ((TABLE h EXCEPT TABLE d) UNION ALL (TABLE d EXCEPT TABLE h)) x
UNION ALL
SELECT 'visits', count(*) FROM ((TABLE hv EXCEPT TABLE dv) UNION ALL (TABLE dv EXCEPT TABLE hv)) x
UNION ALL
SELECT 'vitals', count(*) FROM ht FULL JOIN dt USING (site_id, day, path, device, name)
 WHERE (ht.n, ht.good, ht.ni, ht.poor) IS DISTINCT FROM (dt.n, dt.good, dt.ni, dt.poor)
    OR dt.cn IS DISTINCT FROM ht.n OR abs(dt.mass - ht.mass) > 1e-9 * abs(ht.mass)
UNION ALL
SELECT 'engagement', count(*) FROM he FULL JOIN de USING (site_id, day, path, device)
 WHERE (he.n, he.s0, he.s25, he.s50, he.s75) IS DISTINCT FROM (de.n, de.s0, de.s25, de.s50, de.s75)
    OR de.cn IS DISTINCT FROM he.n OR abs(de.mass - he.mass) > 1e-9 * abs(he.mass)
UNION ALL
SELECT 'bounds', count(*) FROM rollup_pages_days WHERE site_id = :'v1' AND day >= :'v2'
 AND (day <> rollup_day_floor(day) OR dend - day NOT IN ('23 hours', '24 hours', '25 hours')
      OR (dend AT TIME ZONE 'Europe/Berlin')::time <> '00:00')
"""

# What the rollup job keeps of a site, per table: a digest of its rows.
DERIVED = ("rollup_visits", "rollup_pages", "rollup_vitals", "rollup_engagement", "visits",
           "rollup_visits_days", "rollup_pages_days", "rollup_vitals_days",
           "rollup_engagement_days", "visit_days", "journey_days", "behavior_days",
           "journey_day_packs")
FINGERPRINT = " UNION ALL ".join(
    "SELECT '%s', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
    " FROM %s t WHERE site_id = :'v1'" % (t, t) for t in DERIVED) + " ORDER BY 1"

# Day digests against the hours' centroids merged in hour order at compression 300,
# read from the digests' arrays here (not through rollup_centroids()).
DIGEST_MISMATCHES = """
WITH c AS (SELECT h.site_id, rollup_day_floor(h.hour) AS day, h.path, h.device, h.name, h.hour,
                  k, x.a[5 + 2 * k] AS mean, x.a[6 + 2 * k]::bigint AS n
           FROM (SELECT site_id, hour, path, device, name, digest FROM rollup_vitals
                 UNION ALL
                 SELECT site_id, hour, path, device, NULL, digest FROM rollup_engagement) h,
                LATERAL (SELECT tdigest_double_array(h.digest) AS a) x,
                generate_series(0, x.a[4]::int - 1) k
           WHERE h.site_id = :'v1'),
 r AS (SELECT site_id, day, path, device, name, tdigest(mean, n, 300 ORDER BY hour, k)::text AS d
       FROM c GROUP BY 1, 2, 3, 4, 5),
 t AS (SELECT site_id, day, path, device, name, digest::text FROM rollup_vitals_days
       WHERE site_id = :'v1'
       UNION ALL
       SELECT site_id, day, path, device, NULL, digest::text FROM rollup_engagement_days
       WHERE site_id = :'v1')
SELECT count(*) FROM ((TABLE r EXCEPT TABLE t) UNION ALL (TABLE t EXCEPT TABLE r)) x
"""


class RollupDays(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.viewer = token_for("viewer")
        cls.domain = "rollup-days-%s.example" % RUN
        zoe("site", "add", "--domain", cls.domain, "--origin", "https://" + cls.domain)
        cls.site = psql_one("SELECT id FROM sites WHERE domain = :'v1'", cls.domain)
        # Three UTC days, well closed: an event every three hours from 00:20 UTC, so
        # each range edge in UTC or New York falls mid-day in Berlin with events on
        # both sides. A digest of a few dozen values keeps each one: the merged p75
        # and median are exact, whichever rows they come from.
        cls.first = datetime.date.today() - datetime.timedelta(days=6)
        rows = []
        for d in range(3):
            for h in range(0, 24, 3):
                ts = "%s %02d:20:00+00" % (cls.first + datetime.timedelta(days=d), h)
                v = 10 * d + h
                rows.append("('%s'::timestamptz, %d, 'pageview', '/t%d', NULL, NULL, NULL, NULL)"
                            % (ts, v, h % 2))
                rows.append("('%s'::timestamptz, %d, 'vital', '/t%d', 'LCP', %d, NULL, NULL)"
                            % (ts, v, h % 2, 800 + 37 * v))
                rows.append("('%s'::timestamptz, %d, 'engagement', '/t%d', NULL, NULL, %d, %d)"
                            % (ts, v, h % 2, 1000 + 113 * v, (7 * v) % 100))
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, name, value, engaged_ms,"
             " scroll_pct, device, source) SELECT :'v1', t.*, 'desktop', 'direct'"
             " FROM (VALUES %s) t" % ",".join(rows), cls.site)
        rollup()

    def fetch(self, route, **q):
        r = get(route + "?" + urllib.parse.urlencode(q), token=self.viewer)
        self.assertEqual(r.status, 200, r)
        return r.json

    def query(self, tz):
        return {"site": self.domain, "tz": tz, "from": str(self.first),
                "to": str(self.first + datetime.timedelta(days=2))}

    def span(self, tz):
        q = self.query(tz)
        return ("(:'v2'::date)::timestamp AT TIME ZONE '%s'" % tz,
                "(:'v3'::date + 1)::timestamp AT TIME ZONE '%s'" % tz, q["from"], q["to"])

    def test_day_rows_equal_the_merge_of_their_hours(self):
        self.assertGreater(int(psql_one("SELECT count(*) FROM rollup_pages_days"
                                        " WHERE site_id = :'v1'", self.site)), 0)
        # the demo's last eight days (all of them take longer than psql's 30 s here)
        demo = psql_one("SELECT id FROM sites WHERE domain = 'zoe-solar.de'")
        since = psql_one("SELECT rollup_day_floor(now() - interval '8 days')")
        for site, day in ((self.site, "-infinity"), (demo, since)):
            self.assertEqual(psql(MISMATCHES, site, day),
                             [["pages", "0"], ["visits", "0"], ["vitals", "0"],
                              ["engagement", "0"], ["bounds", "0"]], site)

    def test_ux_metrics_mid_day_edges_equal_the_hours(self):
        for tz in ("UTC", "America/New_York"):
            t0, t1, frm, to = self.span(tz)
            # whole Berlin days inside the range come from the day rows
            self.assertEqual(psql_one("SELECT d1 - d0 >= interval '2 days' FROM"
                                      " rollup_day_span(%s, %s, true)" % (t0, t1),
                                      self.site, frm, to), "t", tz)
            doc = self.fetch(METRICS, **self.query(tz))
            n, p75 = psql("SELECT sum(n), tdigest_percentile(digest, 0.75 ORDER BY hour)"
                          " FROM rollup_vitals WHERE site_id = :'v1' AND hour >= %s AND hour < %s"
                          " AND path = '*' AND device = '*' AND name = 'LCP'" % (t0, t1),
                          self.site, frm, to)[0]
            lcp = doc["overall"]["vitals"]["LCP"]
            self.assertEqual(lcp["samples"], int(n), tz)
            self.assertAlmostEqual(lcp["p75"], float(p75), places=3, msg=tz)
            n, med, p75 = psql(
                "SELECT sum(n), tdigest_percentile(digest, 0.5 ORDER BY hour),"
                " tdigest_percentile(digest, 0.75 ORDER BY hour) FROM rollup_engagement"
                " WHERE site_id = :'v1' AND hour >= %s AND hour < %s AND path = '*'"
                " AND device = '*'" % (t0, t1), self.site, frm, to)[0]
            e = doc["overall"]["engagement"]
            self.assertEqual(e["samples"], int(n), tz)
            self.assertAlmostEqual(e["engaged_ms_median"], float(med), places=4, msg=tz)
            self.assertAlmostEqual(e["engaged_ms_p75"], float(p75), places=4, msg=tz)
            views = dict(psql("SELECT path, sum(pageviews) FROM rollup_pages WHERE site_id = :'v1'"
                              " AND hour >= %s AND hour < %s AND path <> '*' AND device = '*'"
                              " AND source = '*' AND browser = '*' GROUP BY path" % (t0, t1),
                              self.site, frm, to))
            self.assertEqual({p["path"]: p["pageviews"] for p in doc["pages"]},
                             {k: int(v) for k, v in views.items()}, tz)

    def test_timeseries_days_equal_the_hours(self):
        # daily and weekly buckets in Berlin read days; in UTC and New York hours
        for tz, interval in (("Europe/Berlin", "day"), ("Europe/Berlin", "week"),
                             ("UTC", "day"), ("America/New_York", "day")):
            t0, t1, frm, to = self.span(tz)
            pv, visits, visitors = psql(
                "SELECT sum(pageviews) FILTER (WHERE r.path = '*'),"
                " (SELECT sum(visits) FROM rollup_visits WHERE site_id = :'v1' AND hour >= %s"
                "  AND hour < %s AND path = '*' AND goal = '' AND device = '*' AND source = '*'"
                "  AND browser = '*'),"
                " round(hll_cardinality(hll_union_agg(visitors) FILTER (WHERE r.path = '*')))"
                " FROM rollup_pages r WHERE site_id = :'v1' AND hour >= %s AND hour < %s"
                " AND device = '*' AND source = '*' AND browser = '*'" % (t0, t1, t0, t1),
                self.site, frm, to)[0]
            t = self.fetch(TIMESERIES, interval=interval, **self.query(tz))["totals"]
            self.assertEqual((t["pageviews"], t["visits"], t["visitors"]),
                             (int(pv), int(visits), int(visitors)), (tz, interval))

    def test_late_event_changes_the_closed_day(self):
        day = self.first + datetime.timedelta(days=1)
        berlin = "(:'v2'::date)::timestamp AT TIME ZONE 'Europe/Berlin'"
        before = int(psql_one("SELECT pageviews FROM rollup_pages_days WHERE site_id = :'v1'"
                              " AND day = %s AND path = '*' AND device = '*' AND source = '*'"
                              " AND browser = '*'" % berlin, self.site, str(day)))
        q = {"site": self.domain, "from": str(day), "to": str(day), "path": "/spaet"}
        self.assertIn([p["pageviews"] for p in self.fetch(METRICS, **q)["pages"]], ([], [0]))
        series = self.fetch(TIMESERIES, site=self.domain, **{"from": str(day), "to": str(day)})
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, source)"
             " VALUES (:'v1', (:'v2'::date)::timestamp AT TIME ZONE 'Europe/Berlin'"
             " + interval '12 hours', 999, 'pageview', '/spaet', 'desktop', 'direct')",
             self.site, str(day))
        rollup()
        self.assertEqual(int(psql_one(
            "SELECT pageviews FROM rollup_pages_days WHERE site_id = :'v1' AND day = %s"
            " AND path = '*' AND device = '*' AND source = '*' AND browser = '*'" % berlin,
            self.site, str(day))), before + 1)
        self.assertEqual(self.fetch(METRICS, **q)["pages"][0]["pageviews"], 1)
        after = self.fetch(TIMESERIES, site=self.domain, **{"from": str(day), "to": str(day)})
        self.assertEqual(after["totals"]["pageviews"], series["totals"]["pageviews"] + 1)
        self.assertEqual(psql(MISMATCHES, self.site, "-infinity")[0], ["pages", "0"])

    def test_day_digests_merge_the_hours_in_hour_order(self):
        self.assertGreater(int(psql_one("SELECT count(*) FROM rollup_vitals_days"
                                        " WHERE site_id = :'v1'", self.site)), 0)
        self.assertEqual(psql_one(DIGEST_MISMATCHES, self.site), "0")

    def test_one_function_rolls_every_table_again(self):
        # one rollup_hours_between() (sql/057), no wrappers left of the ones before it
        self.assertEqual(psql_one("SELECT count(*) FROM pg_proc"
                                  " WHERE proname LIKE 'rollup\\_hours\\_before\\_%'"), "0")
        before = psql(FINGERPRINT, self.site)
        self.assertTrue(all(int(n) > 0 for _, n, _ in before), before)
        for t in DERIVED:
            psql("DELETE FROM %s WHERE site_id = :'v1'" % t, self.site)
        psql("SELECT rollup_hours_between(rollup_day_floor(:'v1'::date - 1),"
             " rollup_day_ceil(:'v1'::date + 4))", str(self.first))
        self.assertEqual(psql(FINGERPRINT, self.site), before)


if __name__ == "__main__":
    unittest.main()
