"""Visits rolled ahead while the hour runs (sql/074_rollup_visits_ahead.sql): runs with
nothing to roll roll the visits of the hour under way up to their minute; reports do not
read them before the hour is closed; the run closing the hour starts from them, rolls again
only the visits changed since, and gives the rows rolling the hours whole gives; late rows
drop them."""
import unittest

from zoelib import psql, psql_one, rollup

from test_level5_funnel import STALE_PACKS
from test_rollup_close import FINGERPRINT, HourTest


class VisitsAhead(HourTest):
    prefix = "ahead"

    @classmethod
    def setUpClass(cls):
        rollup()

    @staticmethod
    def rows(site_id, rows, in_time=True):
        """An INSERT of pageviews (timestamptz, visitor), and with in_time the statements
        that make them arrive in their time: no late markers, the history version as seen
        (else the next run rolls their hours whole)."""
        values = ",".join("('%s'::timestamptz, %d)" % r for r in rows)
        return ("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, source)"
                " SELECT %s, t.*, 'pageview', '/p', 'desktop', 'direct' FROM (VALUES %s) t;"
                % (site_id, values)) + (
                " DELETE FROM events_late;"
                " UPDATE rollup_state SET history = (SELECT last_value"
                "  FROM data_version_events_history);" if in_time else "")

    def test_closing_run_starts_from_the_visits_ahead(self):
        site_id = self.new_site("close")[1]
        # visitor 6 bounced 75 minutes before this hour, as the last closing run saw it
        psql(self.rows(site_id, [(self.at(2, 45), 6)], in_time=False))
        rollup()
        mark = self.at(0, -30)
        out = psql(
            # the job runner waits on the run's lock while this session holds it
            "SELECT pg_advisory_lock(hashtext('rollup_run'));"
            # the state after the run closing the hour before the last one ...
            " UPDATE rollup_state SET rolled_until = :'v2', visits_until = NULL,"
            "  visits_changed_from = NULL;"
            # ... and the last hour's first half: visitor 6 comes back (its visit now
            # starts in a revisited hour), 1 and 3 are still open at the mark, 5 has left
            + self.rows(site_id, [(self.at(1, 10), 6), (self.at(1, 5), 1), (self.at(1, 20), 1),
                                  (self.at(1, 25), 3), (self.at(1, 2), 5), (self.at(1, 3), 5)])
            + " SELECT rollup_visits_ahead(:'v3');"
            " SELECT 'ahead', visits_until = :'v3', visits_changed_from <= :'v4' FROM rollup_state;"
            " SELECT 'v' || visitor_id, pageviews, xmin::text FROM visits"
            "  WHERE site_id = :'v1' AND visitor_id IN (5, 6);"
            # reports read the hour under way from the events alone
            " SELECT 'read', (SELECT count(*) FROM visits WHERE site_id = :'v1' AND vstart >= :'v2'),"
            "  (SELECT count(*) FROM visits_between(:'v1', :'v5', :'v6')),"
            "  (SELECT count(*) FROM visit_pages_between(:'v1', :'v5', :'v6'));"
            # the second half, all of it after the mark less ten minutes: 1 and 3 go on, 4 comes
            + self.rows(site_id, [(self.at(0, -38), 1), (self.at(0, -10), 3), (self.at(0, -5), 4)])
            + " SELECT 'run', rollup_run();"
            " SELECT 'after', rolled_until = :'v6', visits_until IS NULL,"
            "  visits_changed_from IS NULL FROM rollup_state;"
            " SELECT 'v' || visitor_id, pageviews, xmin::text FROM visits WHERE site_id = :'v1'"
            "  ORDER BY vstart;"
            " SELECT pg_advisory_unlock(hashtext('rollup_run'))",
            site_id, self.at(1, 0), mark, self.at(2, 45), self.at(3, 0), self.hour.isoformat())
        tagged = [r for r in out if r[0] not in ("", "t", "f") and not r[0].isdigit()]
        self.assertEqual(tagged[0], ["ahead", "t", "t"], "mark set, changed from visitor 6's visit on (or an earlier one of another site)")
        before = {r[0]: r[1:] for r in tagged[1:3]}
        self.assertEqual((before["v5"][0], before["v6"][0]), ("2", "2"))
        # rows ahead: visitors 1, 3 and 5; the visits of the three hours (6 from the table,
        # the rest from the events) and their pages are read once each
        self.assertEqual(tagged[3], ["read", "3", "4", "4"])
        self.assertEqual(tagged[4], ["run", "0"])
        self.assertEqual(tagged[5], ["after", "t", "t", "t"])
        after = tagged[6:]
        self.assertEqual([r[:2] for r in after],
                         [["v6", "2"], ["v5", "2"], ["v1", "3"], ["v3", "2"], ["v4", "1"]])
        # 5 and 6 ended before the mark less ten minutes: the closing run kept their rows
        self.assertEqual(after[0][2], before["v6"][1])
        self.assertEqual(after[1][2], before["v5"][1])
        self.assertNotEqual(after[2][2], before["v5"][1])
        # the funnel's pieces follow the visits (packed once for the delete and insert)
        self.assertEqual(psql_one(STALE_PACKS, site_id), "0")
        # every row (rollup_visits of visitor 6's hour too) is the one rolling whole gives
        closed = psql(FINGERPRINT, site_id)
        psql("SELECT rollup_hours_between(:'v1', :'v2')", self.at(4, 0), self.hour.isoformat())
        self.assertEqual(psql(FINGERPRINT, site_id), closed)

    def test_late_rows_drop_the_visits_ahead(self):
        site_id = self.new_site("late")[1]
        insert = ("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, source)"
                  " VALUES (:'v1', :'%s', 2, 'pageview', '/p', 'desktop', 'direct');")
        out = psql(
            "SELECT pg_advisory_lock(hashtext('rollup_run'));"
            # visitor 2 five minutes into this hour, rolled ahead up to ten minutes into it
            + insert % "v3" +
            " SELECT rollup_visits_ahead(:'v4');"
            " SELECT 'ahead', count(*) FROM visits WHERE site_id = :'v1' AND vstart >= :'v2';"
            # a late row 20 minutes before the hour (its marker stays): that hour and the
            # one before are rolled whole, and visitor 2's visit starts there now
            + insert % "v5" +
            " SELECT 'run', rollup_run();"
            " SELECT 'after', (SELECT count(*) FROM visits WHERE site_id = :'v1'"
            "  AND vstart >= :'v2'), visits_until IS NULL FROM rollup_state;"
            " SELECT 'visit', vstart = :'v5', pageviews FROM visits WHERE site_id = :'v1';"
            " SELECT pg_advisory_unlock(hashtext('rollup_run'))",
            site_id, self.hour.isoformat(), self.at(0, 5), self.at(0, 10), self.at(0, -20))
        tagged = [r for r in out if r[0] in ("ahead", "run", "after", "visit")]
        self.assertEqual(tagged, [["ahead", "1"], ["run", "0"], ["after", "0", "t"],
                                  ["visit", "t", "2"]])

    def test_funnel_pieces_of_a_delete_are_packed_with_the_next_statement(self):
        site_id = self.new_site("hold")[1]
        psql(self.rows(site_id, [(self.at(3, 10), 1), (self.at(3, 20), 2)], in_time=False))
        rollup()
        pieces = "SELECT 'pieces', count(*) FROM funnel_hour_packs WHERE site_id = :'v1';"
        out = psql("BEGIN; SELECT set_config('zoe.funnel_hold', 'on', true);"
                   " DELETE FROM visits WHERE site_id = :'v1';"
                   " SELECT set_config('zoe.funnel_hold', '', true);" + pieces +
                   " INSERT INTO visits SELECT * FROM visits WHERE false;" + pieces +
                   " COMMIT", site_id)
        # held over the delete, packed by the (empty) insert: the hour has no visits left
        self.assertEqual([r for r in out if r[0] == "pieces"], [["pieces", "1"], ["pieces", "0"]])
        self.assertEqual(psql_one(STALE_PACKS, site_id), "0")

    def test_when_runs_roll_ahead(self):
        due = ("SELECT rollup_ahead_due(:'v1'::timestamptz, '2026-12-03 10:00+00',"
               " nullif(:'v2', '')::timestamptz, :'v3'::bigint)")
        cases = [("2026-12-03 10:09:59+00", "", 60000, "f"),   # not ten minutes in
                 ("2026-12-03 10:10:00+00", "", 60000, "t"),
                 ("2026-12-03 10:19:00+00", "2026-12-03 10:10+00", 60000, "f"),
                 ("2026-12-03 10:20:30+00", "2026-12-03 10:10+00", 60000, "t"),
                 ("2026-12-03 10:55:00+00", "2026-12-03 10:40+00", 60000, "f"),  # closing soon
                 ("2026-12-03 10:30:00+00", "", 9999, "f")]    # closing runs take seconds
        for at, ahead, ms, want in cases:
            self.assertEqual(psql_one(due, at, ahead, ms), want, (at, ahead, ms))


if __name__ == "__main__":
    unittest.main()
