"""Retention (sql/045_retention.sql): a month's events partition is dropped whole once it lies
past every site's retention; a site kept shorter loses its older events, visits and rollups, and
no other site loses anything; the day tables (sql/052) keep only what is left of the Berlin day
the horizon falls in; the command line refuses a retention out of range."""
import os
import subprocess
import unittest

from zoelib import BIN, RUN, VAR, database_url, psql, psql_one, rollup, zoe


def add_site(tag, *extra):
    domain = "ret-%s-%s.example" % (tag, RUN)
    zoe("site", "add", "--domain", domain, "--origin", "https://" + domain, *extra)
    return psql_one("SELECT id FROM sites WHERE domain = :'v1'", domain)


def insert(site_id, age):
    """A pageview of site_id `age` (an SQL interval) ago."""
    psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device)"
         " VALUES (:'v1', now() - :'v2'::interval, 1, 'pageview', '/alt', 'desktop')",
         site_id, age)


def count(table, column, site_id, age):
    return int(psql_one("SELECT count(*) FROM %s WHERE site_id = :'v1' AND %s < now() - :'v2'::interval"
                        % (table, column), site_id, age))


class Retention(unittest.TestCase):
    def test_a_partition_past_every_retention_is_dropped(self):
        longest = int(psql_one("SELECT max(retention_months) FROM sites"))
        months = longest + 5
        part = psql_one("SELECT 'events_' || to_char(date_trunc('month', now())"
                        " - make_interval(months => :'v1'), 'YYYY_MM')", months)
        psql("SELECT events_ensure_partitions((date_trunc('month', now())"
             " - make_interval(months => :'v1'))::date, 1)", months)
        site = add_site("drop")
        insert(site, "%d months" % months)
        self.assertEqual(psql_one("SELECT count(*) FROM %s" % part), "1")
        self.assertGreaterEqual(int(psql_one("SELECT events_expire()")), 1)
        self.assertIsNone(psql_one("SELECT to_regclass(:'v1')", part))
        # this month's partition and the longest retention's are still there
        self.assertIsNotNone(psql_one("SELECT to_regclass('events_' || to_char(now(), 'YYYY_MM'))"))

    def test_a_shorter_retention_removes_only_that_sites_old_rows(self):
        short = add_site("short", "--retention-months", "2")
        other = add_site("other")
        self.assertEqual(psql_one("SELECT retention_months FROM sites WHERE id = :'v1'", short), "2")
        for site in (short, other):
            insert(site, "4 months")
            insert(site, "10 days")
        rollup()        # old rows arrive late: the job rolls their hours and visits
        self.assertEqual(count("visits", "vstart", short, "3 months"), 1)
        psql("SELECT events_expire()")
        self.assertEqual((count("events", "ts", short, "3 months"),
                          count("visits", "vstart", short, "3 months"),
                          count("rollup_pages", "hour", short, "3 months")), (0, 0, 0))
        self.assertEqual(count("events", "ts", short, "1 day"), 1)
        self.assertEqual((count("events", "ts", other, "3 months"),
                          count("visits", "vstart", other, "3 months")), (1, 1))
        # the site added again without the option keeps its retention
        zoe("site", "add", "--domain", "ret-short-%s.example" % RUN, "--origin", "https://x.example")
        self.assertEqual(psql_one("SELECT retention_months FROM sites WHERE id = :'v1'", short), "2")

    def test_the_horizon_day_keeps_only_the_hours_after_the_horizon(self):
        # The horizon is a UTC month start, an hour or two into a Berlin day: a visit
        # half an hour before it goes, one three hours after it stays, and the day rows
        # (hours by day, visit figures, journey paths) hold the one that stays.
        short = add_site("horizon", "--retention-months", "2")
        horizon = psql_one("SELECT date_trunc('month', now()) - interval '2 months'")
        for offset in ("-30 minutes", "3 hours"):
            psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device)"
                 " VALUES (:'v1', :'v2'::timestamptz + :'v3'::interval, 1, 'pageview', '/h',"
                 " 'desktop')", short, horizon, offset)
        insert(short, "4 months")
        rollup()

        def day_figures():
            return tuple(int(psql_one(q, short, horizon)) for q in (
                "SELECT coalesce(sum(pageviews), 0) FROM rollup_pages_days WHERE site_id = :'v1'"
                " AND path = '*' AND device = '*' AND source = '*' AND browser = '*'"
                " AND day = rollup_day_floor(:'v2')",
                "SELECT coalesce(sum(visits), 0) FROM visit_days WHERE site_id = :'v1'"
                " AND property = 'source' AND device = '*' AND dstart = rollup_day_floor(:'v2')",
                "SELECT coalesce(sum(n), 0) FROM journey_days WHERE site_id = :'v1'"
                " AND day_start = rollup_day_floor(:'v2')",
                "SELECT coalesce(sum(visits), 0) FROM behavior_days WHERE site_id = :'v1'"
                " AND dstart = rollup_day_floor(:'v2')",
                "SELECT (SELECT count(*) FROM rollup_pages_days WHERE site_id = :'v1' AND dend <= :'v2')"
                " + (SELECT count(*) FROM visit_days WHERE site_id = :'v1' AND dend <= :'v2')"
                " + (SELECT count(*) FROM journey_days WHERE site_id = :'v1' AND day_end <= :'v2')"
                " + (SELECT count(*) FROM behavior_days WHERE site_id = :'v1' AND dend <= :'v2')"))
        before = day_figures()
        self.assertEqual(before[:4], (2, 2, 2, 2))
        self.assertGreater(before[4], 0)        # the day four months back
        psql("SELECT events_expire()")
        self.assertEqual(day_figures(), (1, 1, 1, 1, 0))
        # a second run finds nothing more to cut
        psql("SELECT events_expire()")
        self.assertEqual(day_figures(), (1, 1, 1, 1, 0))

    def test_retention_out_of_range_refused(self):
        env = dict(os.environ, DATABASE_URL=database_url(), ZOE_VAR=VAR)
        for bad in ("0", "121", "zwei", "-3"):
            out = subprocess.run([BIN, "site", "add", "--domain", "ret-bad-%s.example" % RUN,
                                  "--origin", "https://x.example", "--retention-months", bad],
                                 capture_output=True, text=True, env=env, timeout=30)
            self.assertEqual(out.returncode, 2, bad)
            self.assertIn("--retention-months must be a whole number of months from 1 to 120",
                          out.stderr)
        self.assertIsNone(psql_one("SELECT id FROM sites WHERE domain = :'v1'",
                                   "ret-bad-%s.example" % RUN))


if __name__ == "__main__":
    unittest.main()
