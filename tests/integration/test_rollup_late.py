"""The rollup job's cost per run (sql/048_rollup_late_hours.sql): a run with nothing new
counts no events; an event ingested two hours late names its hour in events_late in the
ingest statement, and the next run rolls that hour without counting events."""
import datetime
import unittest

from zoelib import CHROME_UA, RUN, post, psql, psql_one, rollup, zoe

EVENTS = "/api/level5/analytics/events"
# the rows of rollup_pages that total every path, device, source and browser
ALL = " AND path = '*' AND device = '*' AND source = '*' AND browser = '*'"


def hour_start(hours_ago):
    now = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
    return now - datetime.timedelta(hours=hours_ago)


class LateHours(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.domain = "late-marker-%s.example" % RUN
        zoe("site", "add", "--domain", cls.domain, "--origin", "https://" + cls.domain)
        cls.site_id = psql_one("SELECT id FROM sites WHERE domain = :'v1'", cls.domain)
        cls.key = zoe("apikey", "add", "--name", "it-rollup-late-" + RUN, "--role", "editor")
        rollup()

    def pageviews(self, hour):
        return psql_one("SELECT coalesce(sum(pageviews), 0) FROM rollup_pages"
                        " WHERE site_id = :'v1' AND hour = :'v2'" + ALL,
                        self.site_id, hour.isoformat())

    def test_idle_run_counts_nothing(self):
        rollup()
        self.assertEqual(psql_one("SELECT rollup_run()"), "0")
        counted, hours = psql("SELECT last_counted, last_hours FROM rollup_state")[0]
        self.assertEqual(counted, "0")
        # no hour closed (or, at an hour's turn, the new one and the two before)
        self.assertIn(hours, ("0", "3"))

    def test_event_two_hours_old_counted_after_the_next_run(self):
        hour = hour_start(2)
        late = hour + datetime.timedelta(minutes=17)
        self.assertEqual(self.pageviews(hour), "0")
        r = post(EVENTS, {"domain": self.domain, "events": [{
            "type": "pageview", "url": "https://%s/spaet-%s" % (self.domain, RUN),
            "ip": "203.0.113.9", "user_agent": CHROME_UA,
            "timestamp": late.strftime("%Y-%m-%dT%H:%M:%SZ")}]},
            headers={"X-Api-Key": self.key})
        self.assertEqual(r.status, 202, r)
        # the ingest statement named the hour (unless the job took it already)
        marked = psql_one("SELECT count(*) FROM events_late WHERE hour = :'v1'", hour.isoformat())
        # rolled before: only the marker can bring the row in, no count of events
        self.assertEqual(psql_one("SELECT rolled_until > :'v1' FROM rollup_state",
                                  late.isoformat()), "t")
        psql("UPDATE rollup_state SET history = (SELECT last_value"
             " FROM data_version_events_history)")
        psql_one("SELECT rollup_run()")
        self.assertEqual(self.pageviews(hour), "1")
        self.assertEqual(psql_one("SELECT count(*) FROM events_late WHERE hour = :'v1'",
                                  hour.isoformat()), "0")
        if marked != "0":
            self.assertEqual(psql_one("SELECT last_counted FROM rollup_state"), "0")

    def test_a_beacon_names_no_hour(self):
        before = psql_one("SELECT count(*) FROM events_late")
        r = post(EVENTS, {"domain": self.domain, "events": [{
            "type": "pageview", "url": "https://%s/jetzt-%s" % (self.domain, RUN),
            "ip": "203.0.113.9", "user_agent": CHROME_UA}]},
            headers={"X-Api-Key": self.key})
        self.assertEqual(r.status, 202, r)
        self.assertLessEqual(int(psql_one("SELECT count(*) FROM events_late")), int(before))


if __name__ == "__main__":
    unittest.main()
