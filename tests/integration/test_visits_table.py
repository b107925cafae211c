"""The visits table (sql/040_visits.sql): one row per visit, kept by the rollup job, equal to
an independent sessionisation of the raw events; a visit across hours is one row in its start
hour, late events update it, and visits_between() adds the raw tail the job has not rolled."""
import datetime
import unittest

from zoelib import RUN, psql, psql_one, rollup, zoe

DEMO = "zoe-solar.de"

# The demo's visits started in the 60 days before yesterday, by #45's rule and written
# independently of visit_rows(): per visit its start, pageviews, goal events, seconds, its
# first event's source and device, its first and last pageview. Sorted, as text.
EXACT = """
WITH r AS (SELECT date_trunc('hour', now()) - interval '61 days' AS t0,
                  date_trunc('hour', now()) - interval '1 day' AS t1),
 e AS (SELECT visitor_id, ts, kind, path, source, device,
              CASE WHEN lag(ts) OVER w IS NULL OR ts - lag(ts) OVER w > interval '30 minutes'
                   THEN 1 ELSE 0 END AS starts
       FROM events, r WHERE site_id = (SELECT id FROM sites WHERE domain = :'v1')
         AND kind IN ('pageview', 'engagement', 'event')
         AND ts >= r.t0 - interval '6 hours' AND ts < r.t1 + interval '6 hours'
       WINDOW w AS (PARTITION BY visitor_id ORDER BY ts)),
 v AS (SELECT *, sum(starts) OVER (PARTITION BY visitor_id ORDER BY ts) AS n FROM e),
 visits AS (SELECT visitor_id, min(ts) AS start, count(*) FILTER (WHERE kind = 'pageview') AS pv,
                   count(*) FILTER (WHERE kind = 'event') AS goals,
                   extract(epoch FROM max(ts) - min(ts)) AS secs,
                   max(source) FILTER (WHERE starts = 1) AS source,
                   max(device) FILTER (WHERE starts = 1) AS device
            FROM v GROUP BY visitor_id, n)
SELECT count(*), sum(pv), sum(goals), round(sum(secs)),
       md5(string_agg(concat_ws('|', visitor_id, start, pv, goals, source, device), ','
                      ORDER BY visitor_id, start))
FROM visits, r WHERE start >= r.t0 AND start < r.t1
"""

TABLE = """
SELECT count(*), sum(pageviews), sum(goals), round(sum(extract(epoch FROM vend - vstart))),
       md5(string_agg(concat_ws('|', visitor_id, vstart, pageviews, goals, source, device), ','
                      ORDER BY visitor_id, vstart))
FROM visits WHERE site_id = (SELECT id FROM sites WHERE domain = :'v1')
  AND vstart >= date_trunc('hour', now()) - interval '61 days'
  AND vstart < date_trunc('hour', now()) - interval '1 day'
"""


class VisitsTable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rollup()

    def new_site(self, tag):
        domain = "visits-%s-%s.example" % (tag, RUN)
        zoe("site", "add", "--domain", domain, "--origin", "https://" + domain)
        return psql_one("SELECT id FROM sites WHERE domain = :'v1'", domain)

    def insert(self, site_id, rows):
        """rows: (timestamptz, visitor, kind, path, goal name or None)."""
        values = ",".join("('%s'::timestamptz, %d, '%s', '%s', %s)"
                          % (t, v, k, p, "'%s'" % g if g else "NULL::text")
                          for t, v, k, p, g in rows)
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, name, device, source)"
             " SELECT :'v1', t.*, 'desktop', 'direct' FROM (VALUES %s) t" % values, site_id)

    def visit(self, site_id):
        return psql("SELECT vstart, vend, pageviews, goals, entry_page, exit_page, hit_names,"
                    " hit_goal, hit_secs FROM visits WHERE site_id = :'v1' ORDER BY vstart",
                    site_id)

    def test_demo_equals_an_independent_sessionisation(self):
        exact, table = psql(EXACT, DEMO)[0], psql(TABLE, DEMO)[0]
        self.assertGreater(int(exact[0]), 3000)
        self.assertEqual(table, exact)

    def test_a_visit_across_hours_is_one_row_with_its_hits_in_order(self):
        site = self.new_site("span")
        day = datetime.date.today() - datetime.timedelta(days=3)
        self.insert(site, [("%s 10:50:00+00" % day, 7, "pageview", "/a", None),
                           ("%s 10:55:00+00" % day, 7, "engagement", "/a", None),
                           ("%s 11:10:00+00" % day, 7, "pageview", "/b", None),
                           ("%s 11:12:30+00" % day, 7, "event", "/b", "lead"),
                           ("%s 12:00:00+00" % day, 7, "pageview", "/c", None)])
        rollup()
        self.assertEqual(self.visit(site), [
            ["%s 10:50:00+00" % day, "%s 11:12:30+00" % day, "2", "1", "/a", "/b",
             "{/a,/b,lead}", "{f,f,t}", "{0,1200,1350}"],
            ["%s 12:00:00+00" % day, "%s 12:00:00+00" % day, "1", "0", "/c", "/c", "{/c}",
             "{f}", "{0}"]])

    def test_a_late_event_extends_its_visit(self):
        site = self.new_site("late")
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        start = now.replace(minute=0, second=0) - datetime.timedelta(hours=3, minutes=-10)
        self.insert(site, [(start.isoformat(), 3, "pageview", "/x", None)])
        rollup()
        self.assertEqual([r[2] for r in self.visit(site)], ["1"])
        # ten minutes later, arriving only now: the same visit, rolled again
        self.insert(site, [((start + datetime.timedelta(minutes=10)).isoformat(), 3,
                            "pageview", "/y", None)])
        rollup()
        self.assertEqual([(r[2], r[6]) for r in self.visit(site)], [("2", "{/x,/y}")])

    def test_visits_between_adds_the_tail_not_rolled_yet(self):
        site = self.new_site("tail")
        rollup()
        # now: after rolled_until, so only visit_rows() over the raw events sees it
        self.insert(site, [(datetime.datetime.now(datetime.timezone.utc).isoformat(), 5,
                            "pageview", "/jetzt", None)])
        self.assertEqual(psql_one("SELECT count(*) FROM visits WHERE site_id = :'v1'", site), "0")
        self.assertEqual(psql(
            "SELECT entry_page, pageviews FROM visits_between(:'v1', now() - interval '1 day',"
            " now() + interval '1 minute')", site), [["/jetzt", "1"]])


if __name__ == "__main__":
    unittest.main()
