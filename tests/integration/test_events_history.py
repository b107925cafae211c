"""Late rows and the history version (sql/054_events_history_rows.sql): a row older than
ten minutes, written by any path (psql INSERT, COPY back-fill), bumps
data_version_events_history once per statement, invalidates a cached report over a
closed day and is rolled by the rollup job, also when its transaction commits after a
run of the job; a live beacon or row bumps nothing."""
import datetime
import secrets
import subprocess
import unittest

import test_cache
from zoelib import CHROME_UA, RUN, database_url, get, post, psql, psql_one, rollup, token_for, zoe

UX = "/api/level2/ux-signals/metrics"


def history():
    return int(psql_one("SELECT last_value FROM data_version_events_history"))


class EventsHistory(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.viewer = token_for("viewer")
        cls.domain = "history-%s-%s.example" % (RUN, secrets.token_hex(3))
        cls.origin = "https://" + cls.domain
        cls.key = zoe("site", "add", "--domain", cls.domain, "--origin", cls.origin)
        cls.site_id = psql_one("SELECT id FROM sites WHERE domain = :'v1'", cls.domain)

    until_hit = test_cache.Cache.until_hit      # (first reply, the hit), as self.viewer

    def closed_day_report(self, days_ago):
        """A page of its own with 5 vitals on a closed day, rolled, its report cached."""
        page = "/history-%s" % secrets.token_hex(3)
        day = (datetime.datetime.now(datetime.timezone.utc)
               - datetime.timedelta(days=days_ago)).date()
        ts = "%s 12:00:00+00" % day
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, name, value) "
             "SELECT :'v1', (:'v2')::timestamptz, g, 'vital', :'v3', 'desktop', 'LCP', 1200 "
             "FROM generate_series(1, 5) g", self.site_id, ts, page)
        rollup()
        path = UX + "?site=%s&path=%s&from=%s&to=%s" % (self.domain, page, day, day)
        self.assertEqual(self.samples(self.until_hit(path)[1]), 5)
        return page, ts, path

    @staticmethod
    def samples(r):
        return r.json["pages"][0]["vitals"]["LCP"]["samples"]

    def rolled_and_fresh(self, path, n):
        """The rollup job alone brings the rows in, and no worker serves the report
        cached before them."""
        rollup()
        for _ in range(12):
            r = get(path, token=self.viewer)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(self.samples(r), n)

    def test_psql_insert_of_a_late_row_invalidates_and_is_rolled(self):
        page, ts, path = self.closed_day_report(2)
        before = history()
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, name, value) "
             "VALUES (:'v1', (:'v2')::timestamptz, 99, 'vital', :'v3', 'desktop', 'LCP', 900)",
             self.site_id, ts, page)
        self.assertGreater(history(), before)
        self.rolled_and_fresh(path, 6)

    def test_a_late_row_committed_after_a_run_is_rolled(self):
        """A back-fill in an open transaction: the version moves at its INSERT, a run of
        the job sees the move but not the rows; the hour's marker commits with the rows,
        so the next run rolls them."""
        page, ts, path = self.closed_day_report(4)
        tx = subprocess.Popen(["psql", database_url(), "-qAt", "-v", "ON_ERROR_STOP=1"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            tx.stdin.write("BEGIN;\nINSERT INTO events (site_id, ts, visitor_id, kind, path, "
                           "device, name, value) VALUES (%s, '%s', 98, 'vital', '%s', 'desktop', "
                           "'LCP', 700);\nSELECT 'inserted';\n" % (self.site_id, ts, page))
            tx.stdin.flush()
            self.assertEqual(tx.stdout.readline().strip(), "inserted")
            rollup()                    # sees the moved version, not the uncommitted row
            tx.stdin.write("COMMIT;\n")
            tx.stdin.close()
            self.assertEqual(tx.wait(timeout=30), 0)
        finally:
            if tx.poll() is None:
                tx.kill()
            tx.stdout.close()
        self.rolled_and_fresh(path, 6)

    def test_copy_backfill_bumps_once_invalidates_and_is_rolled(self):
        page, ts, path = self.closed_day_report(3)
        rows = "".join("%s\t%s\t%d\tvital\t%s\tdesktop\tLCP\t1500\n" % (self.site_id, ts, 1000 + i, page)
                       for i in range(300))
        before = history()
        psql("COPY events (site_id, ts, visitor_id, kind, path, device, name, value) FROM STDIN;\n"
             + rows + "\\.\n")
        # one bump for the whole statement, not one per row
        self.assertEqual(history(), before + 1)
        self.rolled_and_fresh(path, 305)

    def test_live_beacon_and_live_row_leave_the_history_version(self):
        before = history()
        r = post("/api/level2/ux-signals/track",
                 [{"name": "LCP", "value": 900, "url": "/live"}] * 3, ua=CHROME_UA,
                 headers={"X-Site-Key": self.key, "Origin": self.origin})
        self.assertEqual(r.json["accepted"], 3, r)
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device) "
             "VALUES (:'v1', now() - interval '5 minutes', 7, 'pageview', '/live', 'desktop')",
             self.site_id)
        self.assertEqual(history(), before)

    def test_the_horizon_is_ten_minutes(self):
        before = history()
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device) "
             "VALUES (:'v1', now() - interval '11 minutes', 7, 'pageview', '/eleven', 'desktop')",
             self.site_id)
        self.assertEqual(history(), before + 1)
        # events_horizon() (sql/013) and the trigger's clause agree
        self.assertEqual(psql_one("SELECT now() - interval '11 minutes' < events_horizon()"), "t")

    def test_a_late_insert_and_a_delete_bump_once_each(self):
        before = history()
        psql("BEGIN;"
             "INSERT INTO events (site_id, ts, visitor_id, kind, path, device) "
             "SELECT :'v1', now() - interval '1 day', g, 'pageview', '/tx', 'desktop' "
             "FROM generate_series(1, 50) g;"
             "COMMIT;", self.site_id)
        self.assertEqual(history(), before + 1)
        psql("DELETE FROM events WHERE site_id = :'v1' AND path = '/tx'", self.site_id)
        self.assertEqual(history(), before + 2)      # a delete bumps it too (sql/013)


if __name__ == "__main__":
    unittest.main()
