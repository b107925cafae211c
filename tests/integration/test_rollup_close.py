"""The run that closes an hour (sql/062_rollup_close.sql, sql/072_rollup_open_visits.sql):
of the two hours before it, it rolls again only the visits still open and the rollup_visits
rows of their hours, leaving the other rows as they were, and gives the same rows as
rolling those hours whole; a Berlin day still under way gets its day rows from the run
that reaches its end, and reports over it read the hours meanwhile."""
import datetime
import unittest
import urllib.parse

from zoelib import RUN, get, psql, psql_one, rollup, token_for, zoe

TIMESERIES = "/api/level5/analytics/timeseries"
ALL = " AND path = '*' AND device = '*' AND source = '*' AND browser = '*'"

# What the rollup job keeps of a site, per table: a digest of its rows.
DERIVED = ("rollup_visits", "rollup_pages", "rollup_vitals", "rollup_engagement", "visits",
           "visit_pages", "rollup_visits_days", "rollup_pages_days", "rollup_vitals_days",
           "rollup_engagement_days", "visit_days", "journey_days", "behavior_days",
           "journey_day_packs")
FINGERPRINT = " UNION ALL ".join(
    "SELECT '%s', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
    " FROM %s t WHERE site_id = :'v1'" % (t, t) for t in DERIVED) + " ORDER BY 1"


def this_hour():
    return datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)


class HourTest(unittest.TestCase):
    """Tests counting their hours back from this one, each with sites of its own."""
    prefix = "close"

    def setUp(self):
        # the hours below are counted from this one: not across an hour's turn
        if datetime.datetime.now(datetime.timezone.utc).minute >= 58:
            self.skipTest("too close to the hour's end")
        self.hour = this_hour()

    def at(self, hours, minute):
        return (self.hour - datetime.timedelta(hours=hours, minutes=-minute)).isoformat()

    def new_site(self, tag):
        domain = "%s-%s-%s.example" % (self.prefix, tag, RUN)
        zoe("site", "add", "--domain", domain, "--origin", "https://" + domain)
        return domain, psql_one("SELECT id FROM sites WHERE domain = :'v1'", domain)


class ClosingRun(HourTest):
    @classmethod
    def setUpClass(cls):
        cls.viewer = token_for("viewer")
        rollup()

    def insert(self, site_id, rows):
        """rows: (timestamptz, visitor, kind, path, engaged_ms)."""
        values = ",".join("('%s'::timestamptz, %d, '%s', '%s', %s::int)" % r for r in rows)
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, engaged_ms, device, source)"
             " SELECT :'v1', t.*, 'desktop', 'direct' FROM (VALUES %s) t" % values, site_id)

    def xmins(self, table, site_id, hours):
        return psql("SELECT hour, xmin::text FROM %s WHERE site_id = :'v1'"
                    " AND hour >= :'v2' AND hour < :'v3' ORDER BY 1, 2" % table,
                    site_id, self.at(hours, 0), self.at(1, 0))

    def visit_versions(self, site_id):
        return psql("SELECT visitor_id, pageviews, xmin::text FROM visits WHERE site_id = :'v1'"
                    " ORDER BY vstart", site_id)

    def test_closing_run_rolls_the_visits_still_open_again(self):
        domain, site_id = self.new_site("revisit")
        # the hours before the last one: visitor 8 bounces three hours back; visitor 9's
        # visit ends 45 minutes before the last hour, too early to take in anything of
        # it; visitor 7's starts 20 minutes before it and goes on into it (30 minutes)
        self.insert(site_id, [(self.at(3, 30), 8, "pageview", "/c", "NULL"),
                              (self.at(2, 10), 9, "pageview", "/d", "NULL"),
                              (self.at(2, 15), 9, "pageview", "/e", "NULL"),
                              (self.at(2, 40), 7, "pageview", "/a", "NULL"),
                              (self.at(2, 51), 7, "engagement", "/a", "4000")])
        rollup()
        # the state the run closing the hour two back left: the last hour not rolled,
        # and visitor 7's pageview in it arrives in its time (no late marker)
        psql("BEGIN;"
             " UPDATE rollup_state SET rolled_until = :'v2';"
             " INSERT INTO events (site_id, ts, visitor_id, kind, path, device, source)"
             "  VALUES (:'v1', :'v3', 7, 'pageview', '/b', 'desktop', 'direct');"
             " DELETE FROM events_late WHERE hour = :'v2';"
             " UPDATE rollup_state SET history = (SELECT last_value FROM data_version_events_history);"
             " COMMIT", site_id, self.at(1, 0), self.at(1, 10))
        visits = self.visit_versions(site_id)
        self.assertEqual([v[:2] for v in visits], [["8", "1"], ["9", "2"], ["7", "1"]])
        pages = self.xmins("rollup_pages", site_id, 3)
        engagement = self.xmins("rollup_engagement", site_id, 3)
        three_back = self.xmins("rollup_visits", site_id, 3)[:1]
        self.assertTrue(pages and engagement and three_back)
        rollup()
        self.assertEqual(psql_one("SELECT rolled_until = :'v1' FROM rollup_state",
                                  self.hour.isoformat()), "t")
        # visitor 7's visit again, now of two pageviews; the two that had ended keep the
        # rows the last run wrote
        after = self.visit_versions(site_id)
        self.assertEqual(after[:2], visits[:2])
        self.assertEqual(after[2][:2], ["7", "2"])
        self.assertNotEqual(after[2][2], visits[2][2])
        # rollup_visits: the hour three back as it was, the next one rolled again
        self.assertEqual(self.xmins("rollup_visits", site_id, 3)[:1], three_back)
        self.assertEqual(psql(
            "SELECT hour = :'v2', visits, bounces, secs FROM rollup_visits WHERE site_id = :'v1'"
            " AND goal = ''" + ALL + " ORDER BY hour", site_id, self.at(3, 0)),
            [["t", "1", "1", "0"], ["f", "2", "0", "2100"]])
        # the pages and engagement of the hours before were not rolled again
        self.assertEqual(self.xmins("rollup_pages", site_id, 3), pages)
        self.assertEqual(self.xmins("rollup_engagement", site_id, 3), engagement)
        # and every row is the one rolling the hours whole gives
        closed = psql(FINGERPRINT, site_id)
        psql("SELECT rollup_hours_between(:'v1', :'v2')", self.at(4, 0), self.hour.isoformat())
        self.assertEqual(psql(FINGERPRINT, site_id), closed)

    def test_the_job_runs_at_the_turn_of_each_minute(self):
        # the run closing an hour starts seconds after its end, not up to a minute later
        row = psql("BEGIN;"
                   " UPDATE job_schedules SET next_run = now() - interval '1 second'"
                   "  WHERE kind IN ('rollup', 'maintenance');"
                   " SELECT jobs_enqueue_due() >= 2;"
                   " SELECT kind, extract(second FROM next_run) = 2"
                   "  AND next_run > now() AND next_run <= now() + interval '62 seconds'"
                   "  FROM job_schedules WHERE kind IN ('rollup', 'maintenance') ORDER BY kind;"
                   " ROLLBACK")
        self.assertEqual(row, [["t"], ["maintenance", "f"], ["rollup", "t"]])

    def test_late_row_in_an_hour_before_rolls_it_whole(self):
        domain, site_id = self.new_site("late")
        self.insert(site_id, [(self.at(2, 40), 9, "pageview", "/a", "NULL")])
        rollup()
        pages = self.xmins("rollup_pages", site_id, 2)
        psql("UPDATE rollup_state SET rolled_until = :'v1'", self.at(1, 0))
        # a row committed late into the hour two back: its marker makes it dirty
        self.insert(site_id, [(self.at(2, 45), 9, "pageview", "/b", "NULL")])
        rollup()
        self.assertNotEqual(self.xmins("rollup_pages", site_id, 2), pages)
        self.assertEqual(psql_one("SELECT sum(pageviews) FROM rollup_pages WHERE site_id = :'v1'"
                                  + ALL, site_id), "2")

    def test_day_under_way_waits_for_its_last_run(self):
        domain, site_id = self.new_site("day")
        last = self.hour - datetime.timedelta(hours=1)
        today = psql_one("SELECT rollup_day_floor(now())")
        if psql_one("SELECT :'v1'::timestamptz < rollup_day_floor(now())", last.isoformat()) == "t":
            self.skipTest("the last hour lies in yesterday (Berlin)")
        self.insert(site_id, [(self.at(1, 5), 3, "pageview", "/a", "NULL")])
        rollup()
        self.assertEqual(psql_one("SELECT count(*) FROM rollup_pages WHERE site_id = :'v1'",
                                  site_id) != "0", True)
        for table, col in (("rollup_pages_days", "day"), ("visit_days", "dstart"),
                           ("behavior_days", "dstart"), ("journey_days", "day_start")):
            self.assertEqual(psql_one("SELECT count(*) FROM %s WHERE site_id = :'v1'"
                                      " AND %s >= :'v2'" % (table, col), site_id, today),
                             "0", table)
        # the report over today reads the hours
        day = psql_one("SELECT (now() AT TIME ZONE 'Europe/Berlin')::date")
        r = get(TIMESERIES + "?" + urllib.parse.urlencode(
            {"site": domain, "from": day, "to": day}), token=self.viewer)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["totals"]["pageviews"], r.json["totals"]["visits"]), (1, 1))
        # the day's last run (here: the hours of the day rolled with the rollups' end
        # moved past it) writes them, from all of its hours
        self.assertEqual(psql(
            "BEGIN; UPDATE rollup_state SET rolled_until = rollup_day_ceil(now());"
            " SELECT rollup_hours_between(:'v2', :'v3');"
            " SELECT pageviews FROM rollup_pages_days WHERE site_id = :'v1' AND day = :'v4'"
            + ALL + "; ROLLBACK", site_id, last.isoformat(), self.hour.isoformat(), today),
            [["1"]])

    def test_a_backfill_over_weeks_is_rolled_three_days_a_run(self):
        """A history move over nine days is rolled three days of its oldest hours per
        run, each run committing its part; the hours left are rolled by the next runs."""
        domain, site_id = self.new_site("backfill")
        first = (self.hour - datetime.timedelta(days=20)).replace(hour=0)
        rows = ", ".join("('%s'::timestamptz, %d)" % (
            (first + datetime.timedelta(hours=6 * i)).isoformat(), 100 + i) for i in range(36))
        pageviews = "SELECT coalesce(sum(pageviews), 0) FROM rollup_pages WHERE site_id = %s" % site_id
        # the job runner waits on the run's lock while this session holds it
        out = psql("SELECT pg_advisory_lock(hashtext('rollup_run'));"
                   " INSERT INTO events (site_id, ts, visitor_id, kind, path, device, source)"
                   " SELECT :'v1', t.*, 'pageview', '/b', 'desktop', 'direct' FROM (VALUES %s) t;"
                   " SELECT rollup_run(); %s%s;"
                   " SELECT pg_advisory_unlock(hashtext('rollup_run'))" % (rows, pageviews, ALL),
                   site_id)
        self.assertEqual([r[0] for r in out if r[0] not in ("", "t")], ["1", "12"],
                         "one run: more to do, the first three days rolled")
        rollup()
        self.assertEqual(psql_one(pageviews + ALL), "36")
        self.assertEqual(psql_one("SELECT count(*) FROM visits WHERE site_id = :'v1'", site_id), "36")
        self.assertEqual(psql_one("SELECT count(*) FROM events_late"), "0")


if __name__ == "__main__":
    unittest.main()
