"""Vital reports superseded across an hour's turn (sql/075_rollup_vitals_checked.sql): where
closing runs are long, the run closing an hour leaves the search for the earlier reports its
hour's reports supersede to the next run with nothing to roll, which rolls the hours it
finds; a run that rolls anything else searches the hour left together with its own; small
sites search at once. Every row ends as rolling the hours whole gives."""
import unittest

from zoelib import psql, psql_one, rollup

from test_rollup_close import FINGERPRINT, HourTest

TAGS = ("closed", "left", "back3", "next", "after")


class SupersededAcrossHours(HourTest):
    prefix = "supersede"

    @classmethod
    def setUpClass(cls):
        rollup()

    def vitals(self, site_id, rows):
        """rows: (timestamptz, metric id, CLS value)."""
        values = ",".join("('%s'::timestamptz, '%s', %s::float8)" % r for r in rows)
        return ("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, name, value,"
                " metric_id) SELECT %s, t.ts, 1, 'vital', '/p', 'desktop', 'CLS', t.v, t.id"
                " FROM (VALUES %s) t(ts, id, v);" % (site_id, values))

    def close_then(self, tag, close_ms, then):
        """Page load x reports CLS 0.3 three hours back and 0.05 in the last hour, y 0.02
        once three hours back, z twice in the last hour. The last hour is closed by a run
        where the closing runs took close_ms, then `then` (SQL) runs. Returns the site and
        the tagged rows."""
        site_id = self.new_site(tag)[1]
        self.addCleanup(self.forget, site_id)
        psql(self.vitals(site_id, [(self.at(3, 10), "x", 0.3), (self.at(3, 12), "y", 0.02)]))
        rollup()
        back3 = (" SELECT 'back3', n FROM rollup_vitals WHERE site_id = :'v1' AND hour = :'v3'"
                 "  AND path = '*' AND device = '*';")
        out = psql(
            # the job runner waits on the run's lock while this session holds it
            "SELECT pg_advisory_lock(hashtext('rollup_run'));"
            # the state after the run closing the hour before the last one ...
            " UPDATE rollup_state SET rolled_until = :'v2', close_ms = :'v4',"
            "  vitals_checked_until = NULL, visits_until = NULL, visits_changed_from = NULL;"
            # ... and the last hour's reports, arrived in their time
            + self.vitals(site_id, [(self.at(1, 5), "z", 0.4), (self.at(1, 20), "x", 0.05),
                                    (self.at(1, 25), "z", 0.1)]) +
            " DELETE FROM events_late;"
            " UPDATE rollup_state SET history = (SELECT last_value"
            "  FROM data_version_events_history);"
            " SELECT 'closed', rollup_run();"
            " SELECT 'left', rolled_until = :'v5', coalesce(vitals_checked_until = :'v2', false)"
            "  FROM rollup_state;" + back3
            + " SELECT 'next', version FROM rollup_state;" + then +
            " SELECT 'after', vitals_checked_until IS NULL, last_hours, version FROM rollup_state;"
            + back3 + " SELECT pg_advisory_unlock(hashtext('rollup_run'))",
            site_id, self.at(1, 0), self.at(3, 0), close_ms, self.hour.isoformat())
        return site_id, [r for r in out if r[0] in TAGS]

    def forget(self, site_id):
        """Deletes the site's reports and rolls their hours again: a later closing run
        (other tests set rolled_until back) would find x's reports again and roll three
        hours back whole, rewriting rows those tests expect kept."""
        psql("SELECT pg_advisory_lock(hashtext('rollup_run'));"
             " DELETE FROM events WHERE site_id = :'v1';"
             " SELECT rollup_hours_between(:'v2', :'v3');"
             " DELETE FROM events_late;"
             " UPDATE rollup_state SET history = (SELECT last_value"
             "  FROM data_version_events_history);"
             " SELECT pg_advisory_unlock(hashtext('rollup_run'))",
             site_id, self.at(6, 0), self.hour.isoformat())

    def rolled_whole(self, site_id):
        """Every derived row of the site is the one rolling its hours whole gives."""
        closed = psql(FINGERPRINT, site_id)
        psql("SELECT rollup_hours_between(:'v1', :'v2')", self.at(6, 0), self.hour.isoformat())
        self.assertEqual(psql(FINGERPRINT, site_id), closed)

    def test_closing_run_leaves_the_search_to_the_next_idle_run(self):
        site_id, out = self.close_then("idle", 60000, " SELECT 'next', rollup_run();")
        # the last hour closed and left unsearched: three hours back still counts x's
        # first report
        self.assertEqual(out[:3], [["closed", "0"], ["left", "t", "t"], ["back3", "2"]])
        version = int(out[3][1])
        self.assertEqual(out[4], ["next", "0"])
        # the idle run found x and rolled the hours around its first report whole (three
        # of them: z's reports, both in the last hour, dirty nothing), a correction
        after = out[5]
        self.assertEqual(after[:3], ["after", "t", "3"])
        self.assertEqual(int(after[3]), version + 1)
        self.assertEqual(out[6], ["back3", "1"])
        self.rolled_whole(site_id)

    def test_next_rolling_run_searches_the_hour_left(self):
        # a late pageview five hours back: the next run rolls, and searches the hour left too
        late = ("INSERT INTO events (site_id, ts, visitor_id, kind, path, device)"
                " VALUES (:'v1', :'v3'::timestamptz - interval '2 hours', 2, 'pageview', '/q',"
                " 'desktop'); SELECT 'next', rollup_run();")
        site_id, out = self.close_then("late", 60000, late)
        self.assertEqual(out[:3], [["closed", "0"], ["left", "t", "t"], ["back3", "2"]])
        # five hours rolled: the late row's with those either side, x's first report's and
        # the hour after it (z's two reports in the hour left dirty nothing)
        self.assertEqual(out[5][:3], ["after", "t", "5"])
        self.assertEqual(out[6], ["back3", "1"])
        self.rolled_whole(site_id)

    def test_short_closing_runs_search_at_once(self):
        site_id, out = self.close_then("small", 9999, "")
        self.assertEqual(out[:3], [["closed", "0"], ["left", "t", "f"], ["back3", "1"]])
        self.rolled_whole(site_id)


if __name__ == "__main__":
    unittest.main()
