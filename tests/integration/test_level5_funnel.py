"""#47 GET /api/level5/analytics/funnel: steps in order within a visit (30-minute rule as
#45), wildcards and goals, visitors and visits per step, conversion, drop-off, median time
between steps, filters, roles, 422 naming the field."""
import unittest
import urllib.parse

from zoelib import (RUN, add_site_events, get, insert_events, is_problem, psql, psql_one, rollup,
                    token_for, zoe)

PATH = "/api/level5/analytics/funnel"
DOMAIN = "funnel-%s.example.org" % RUN
RANGE = {"from": "2026-03-09", "to": "2026-03-15"}
MAIN = "/,/produkte/*,goal:lead"

# (local time, visitor, kind, path, device, name)
EVENTS = [
    # 1: all three steps, other events in between (300 s, 300 s)
    ("2026-03-10 10:00:00+01", 1, "pageview", "/", "desktop", None),
    ("2026-03-10 10:05:00+01", 1, "pageview", "/produkte/pv", "desktop", None),
    ("2026-03-10 10:06:00+01", 1, "pageview", "/ueber-uns", "desktop", None),
    ("2026-03-10 10:08:00+01", 1, "engagement", "/ueber-uns", "desktop", None),
    ("2026-03-10 10:10:00+01", 1, "event", "/kontakt", "desktop", "lead"),
    # 1 again the next day: a second visit to step 2 (60 s), the same visitor
    ("2026-03-11 10:00:00+01", 1, "pageview", "/", "desktop", None),
    ("2026-03-11 10:01:00+01", 1, "pageview", "/produkte/pv", "desktop", None),
    # 2: the lead came before the product page: steps 1 and 2 only (300 s)
    ("2026-03-10 11:00:00+01", 2, "pageview", "/", "desktop", None),
    ("2026-03-10 11:01:00+01", 2, "event", "/", "desktop", "lead"),
    ("2026-03-10 11:05:00+01", 2, "pageview", "/produkte/speicher", "desktop", None),
    # 3: product before home: step 1 only
    ("2026-03-10 12:00:00+01", 3, "pageview", "/produkte/pv", "desktop", None),
    ("2026-03-10 12:01:00+01", 3, "pageview", "/", "desktop", None),
    # 4: 31 minutes between home and product split the visit: step 1 only
    ("2026-03-10 13:00:00+01", 4, "pageview", "/", "desktop", None),
    ("2026-03-10 13:31:00+01", 4, "pageview", "/produkte/wallbox", "desktop", None),
    ("2026-03-10 13:35:00+01", 4, "event", "/kontakt", "desktop", "lead"),
    # 5: * stays within a segment, ** crosses them
    ("2026-03-10 14:00:00+01", 5, "pageview", "/", "desktop", None),
    ("2026-03-10 14:10:00+01", 5, "pageview", "/produkte/pv/module", "desktop", None),
    # 6: 29:59 apart twice: one visit, all steps (1799 s, 1799 s), on a phone
    ("2026-03-10 15:00:00+01", 6, "pageview", "/", "mobile", None),
    ("2026-03-10 15:29:59+01", 6, "pageview", "/produkte/pv", "mobile", None),
    ("2026-03-10 15:59:58+01", 6, "event", "/kontakt", "mobile", "lead"),
    # 7: regex characters are literal: /a.b must not match /axb
    ("2026-03-12 09:00:00+01", 7, "pageview", "/axb", "desktop", None),
    ("2026-03-12 09:01:00+01", 7, "pageview", "/produkte/pv", "desktop", None),
    # outside the range
    ("2026-03-20 09:00:00+01", 8, "pageview", "/", "desktop", None),
    ("2026-03-20 09:01:00+01", 8, "pageview", "/produkte/pv", "desktop", None),
]


def url(**q):
    q = dict(RANGE, site=DOMAIN, **q)
    return PATH + "?" + urllib.parse.urlencode(q)


class Funnel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        add_site_events(DOMAIN, "ts, visitor_id, kind, path, device, source, name", [
            "('%s'::timestamptz, %d, '%s', '%s', '%s', 'direct', %s)"
            % (ts, v, k, p, d, "'%s'" % n if n else "NULL") for ts, v, k, p, d, n in EVENTS])
        rollup()                # the report reads the visits table
        cls.token = token_for("viewer")

    def fetch(self, **q):
        r = get(url(**q), token=self.token)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_ordered_steps_within_a_visit(self):
        j = self.fetch(steps=MAIN)
        self.assertEqual(j["counted"], "visitors")
        self.assertEqual(j["range"], {"from": "2026-03-09", "to": "2026-03-15",
                                      "tz": "Europe/Berlin", "days": 7})
        s = j["steps"]
        self.assertEqual([(x["step"], x["step_spec"], x["kind"]) for x in s],
                         [(1, "/", "page"), (2, "/produkte/*", "page"), (3, "goal:lead", "goal")])
        self.assertEqual(s[0], {
            "step": 1, "step_spec": "/", "kind": "page", "visitors": 6, "visits": 7,
            "conversion_from_previous": 1.0, "conversion_from_first": 1.0, "dropoff": 0,
            "dropoff_rate": 0.0, "median_seconds_from_previous": None})
        self.assertEqual(s[1], {
            "step": 2, "step_spec": "/produkte/*", "kind": "page", "visitors": 3, "visits": 4,
            "conversion_from_previous": 0.5, "conversion_from_first": 0.5, "dropoff": 3,
            "dropoff_rate": 0.5, "median_seconds_from_previous": 300.0})
        self.assertEqual(s[2], {
            "step": 3, "step_spec": "goal:lead", "kind": "goal", "visitors": 2, "visits": 2,
            "conversion_from_previous": 0.6667, "conversion_from_first": 0.3333, "dropoff": 1,
            "dropoff_rate": 0.3333, "median_seconds_from_previous": 1049.5})
        self.assertEqual((j["entered"], j["completed"], j["conversion_rate"]), (6, 2, 0.3333))

    def test_wildcards(self):
        s = self.fetch(steps="/,/produkte/**")["steps"]
        self.assertEqual([x["visitors"] for x in s], [6, 4])        # 5's /produkte/pv/module
        s = self.fetch(steps="/*,/produkte/*")["steps"]             # /* matches /axb too
        self.assertEqual([x["visitors"] for x in s], [7, 4])
        s = self.fetch(steps="/a.b,/produkte/*")["steps"]
        self.assertEqual([x["visitors"] for x in s], [0, 0])
        self.assertEqual((s[1]["conversion_from_previous"], s[1]["dropoff_rate"]), (0.0, 0.0))
        s = self.fetch(steps="/axb,/produkte/*")["steps"]
        self.assertEqual([x["visitors"] for x in s], [1, 1])

    def test_same_step_twice_and_goals_first(self):
        # the second step must be a later event than the first
        s = self.fetch(steps="/produkte/*,/produkte/*")["steps"]
        self.assertEqual([x["visitors"] for x in s], [6, 0])
        s = self.fetch(steps="goal:lead,/produkte/*")["steps"]
        self.assertEqual([x["visitors"] for x in s], [4, 1])        # 2's lead, then a product

    def test_filters(self):
        j = self.fetch(steps=MAIN, device="mobile")
        self.assertEqual([x["visitors"] for x in j["steps"]], [1, 1, 1])
        self.assertEqual(j["steps"][2]["median_seconds_from_previous"], 1799.0)
        self.assertEqual(j["filters"], {"site": DOMAIN, "path": None, "source": None,
                                        "device": "mobile"})
        j = self.fetch(steps=MAIN, source="google")
        self.assertEqual([x["visitors"] for x in j["steps"]], [0, 0, 0])
        j = self.fetch(steps=MAIN, **{"from": "2026-03-11", "to": "2026-03-11"})
        self.assertEqual([x["visits"] for x in j["steps"]], [1, 1, 0])

    def test_sixteen_steps(self):
        steps = ",".join(["/"] + ["/**"] * 15)
        s = self.fetch(steps=steps)["steps"]
        self.assertEqual(len(s), 16)
        # pageviews after the home page: visitor 1 two, 2, 5 and 6 one each
        self.assertEqual([x["visitors"] for x in s[:4]], [6, 4, 1, 0])
        self.assertEqual(s[15]["visitors"], 0)

    def test_422_names_steps(self):
        bad = ["", "/", ",".join(["/"] * 17), "/a,,/b", "preise,/b", "/a,goal:", "/a,/b c",
               "/a,/***"]
        for steps in bad:
            p = is_problem(self, get(url(steps=steps), token=self.token), 422)
            self.assertEqual([e["field"] for e in p["errors"]], ["steps"], steps)
        p = is_problem(self, get(PATH + "?site=" + DOMAIN, token=self.token), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["steps"])
        p = is_problem(self, get(url(steps=",".join(["/"] * 17)), token=self.token), 422)
        self.assertIn("16", p["errors"][0]["message"])
        p = is_problem(self, get(url(steps=MAIN, device="tv", path="x", tz="Mars/Base"),
                                 token=self.token), 422)
        self.assertEqual(sorted(e["field"] for e in p["errors"]), ["device", "path", "tz"])
        p = is_problem(self, get(PATH + "?steps=/,/b&site=unknown-" + RUN + ".example",
                                 token=self.token), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["site"])

    def test_auth(self):
        is_problem(self, get(url(steps=MAIN)), 401)
        is_problem(self, get(url(steps=MAIN), token="not-a-jwt"), 401)
        self.assertEqual(get(url(steps=MAIN), token=token_for("viewer")).status, 200)


class FunnelLateEvents(unittest.TestCase):
    """A cached funnel over closed days changes once late events are rolled into the visits."""

    def test_rolled_late_events_change_the_cached_reply(self):
        domain = "funnel-late-%s.example.org" % RUN
        row = "('%s'::timestamptz, %d, 'pageview', '%s', 'desktop', 'direct', NULL)"
        add_site_events(domain, "ts, visitor_id, kind, path, device, source, name",
                        [row % ("2026-03-10 10:00:00+01", 1, "/"),
                         row % ("2026-03-10 10:01:00+01", 1, "/produkte/pv")])
        rollup()
        token = token_for("viewer")
        q = dict(RANGE, site=domain, steps="/,/produkte/*")

        def ask():
            r = get(PATH + "?" + urllib.parse.urlencode(q), token=token)
            return r.headers.get("X-Cache"), [x["visits"] for x in r.json["steps"]]
        self.assertEqual(ask()[1], [1, 1])
        self.assertEqual(ask(), ("hit", [1, 1]))
        insert_events(domain, "ts, visitor_id, kind, path, device, source, name",
                      [row % ("2026-03-11 10:00:00+01", 2, "/")])
        rollup()
        self.assertEqual(ask(), ("miss", [2, 1]))


PACKS = "funnel-packs-%s.example.org" % RUN
# every day of a site's packs (its pieces, or its one row once joined, end to end) against
# its pieces computed afresh from its visits now; a joined row stands at its day's start
STALE_PACKS = ("SELECT count(*) FROM (SELECT site_id, day_start, min(day_end) AS day_end,"
               "  sum(visits) AS visits, string_agg(pack, ''::bytea ORDER BY hour) AS pack,"
               "  bool_or(whole AND hour <> day_start) OR (bool_or(whole) AND count(*) > 1) AS bad"
               "  FROM funnel_hour_packs WHERE site_id = :'v1' GROUP BY 1, 2) p"
               " FULL JOIN (SELECT site_id, day_start, min(day_end) AS day_end, sum(visits) AS visits,"
               "  string_agg(pack, ''::bytea ORDER BY hour) AS pack"
               "  FROM funnel_hour_pack_rows((SELECT jsonb_agg(DISTINCT jsonb_build_object("
               "   'site_id', site_id, 'hour', funnel_hour(vstart)))"
               "   FROM visits WHERE site_id = :'v1')) GROUP BY 1, 2) f USING (site_id, day_start)"
               " WHERE p.pack IS DISTINCT FROM f.pack OR p.visits IS DISTINCT FROM f.visits"
               "  OR p.day_end IS DISTINCT FROM f.day_end OR p.bad IS DISTINCT FROM false")
# a day's visits in its pieces
DAY_VISITS = ("SELECT sum(visits) FROM funnel_hour_packs WHERE site_id = :'v1'"
              " AND day_start = :'v2'")


class FunnelPacks(unittest.TestCase):
    """Whole Berlin days come from their packs (sql/069), the range's cut days from the
    visits: one visitor whose visits fall on both sides counts once, and the packs follow
    late rows and retention."""

    row = "('%s'::timestamptz, %d, '%s', '%s', 'desktop', 'direct', %s)"

    @classmethod
    def setUpClass(cls):
        rows = [("2026-03-10 10:00:00+01", 1, "pageview", "/", None),
                ("2026-03-10 10:00:30.049999+01", 1, "pageview", "/produkte/pv", None),
                ("2026-03-12 10:00:00+01", 1, "pageview", "/", None),
                ("2026-03-12 10:00:10+01", 1, "event", "/", "lead"),
                ("2026-03-12 21:00:00+01", 2, "pageview", "/", None),
                ("2026-03-12 21:45:00+01", 2, "pageview", "/produkte/pv", None)]
        add_site_events(PACKS, "ts, visitor_id, kind, path, device, source, name",
                        [cls.row % (ts, v, k, p, "'%s'" % n if n else "NULL")
                         for ts, v, k, p, n in rows])
        rollup()
        cls.site = psql_one("SELECT id FROM sites WHERE domain = :'v1'", PACKS)

    def fetch(self, **q):
        q = dict(site=PACKS, steps="/,/produkte/*", **q)
        r = get(PATH + "?" + urllib.parse.urlencode(q), token=token_for("viewer"))
        self.assertEqual(r.status, 200, r)
        return [(x["visitors"], x["visits"], x["median_seconds_from_previous"])
                for x in r.json["steps"]]

    def test_packed_days_and_cut_days_agree(self):
        # Berlin: both days packed. Tokyo (8 hours ahead) 10-12 March: 10 and 11 March
        # packed, 12 March (Berlin) until 16:00 read from the visits; visitor 1, with a
        # visit on either side, counts once; visitor 2 (21:00) is the 13th in Tokyo
        berlin = self.fetch(**{"from": "2026-03-09", "to": "2026-03-15"})
        self.assertEqual(berlin, [(2, 3, None), (1, 1, 30.0)])
        self.assertEqual(self.fetch(**{"from": "2026-03-09", "to": "2026-03-15",
                                       "tz": "Asia/Tokyo"}), berlin)
        self.assertEqual(self.fetch(**{"from": "2026-03-10", "to": "2026-03-12",
                                       "tz": "Asia/Tokyo"}), [(1, 2, None), (1, 1, 30.0)])
        self.assertEqual(psql_one("SELECT sum(visits) FROM funnel_hour_packs WHERE site_id = :'v1'"
                                  " AND day_start < '2026-03-16'", self.site), "4")
        self.assertEqual(psql_one(STALE_PACKS, self.site), "0")

    def test_microseconds_survive_the_pack(self):
        # 30.049999 s apart: kept to the microsecond the median rounds to 30.0 (to the
        # millisecond it would be 30.05 and round to 30.1)
        got = psql_one("SELECT hit_secs[2] FROM visits WHERE site_id = :'v1'"
                       " AND vstart < '2026-03-11'", self.site)
        self.assertEqual(got, "30.049999")
        s = self.fetch(**{"from": "2026-03-10", "to": "2026-03-10"})
        self.assertEqual(s, [(1, 1, None), (1, 1, 30.0)])

    def test_late_rows_are_packed(self):
        # a day of its own (20 March), which the other tests' ranges leave out
        day = DAY_VISITS
        self.assertIsNone(psql_one(day, self.site, "2026-03-20 00:00+01"))
        insert_events(PACKS, "ts, visitor_id, kind, path, device, source, name",
                      [self.row % ("2026-03-20 09:00:00+01", 3, "pageview", "/", "NULL"),
                       self.row % ("2026-03-20 09:02:00+01", 3, "pageview", "/produkte/x", "NULL")])
        rollup()
        self.assertEqual(psql_one(day, self.site, "2026-03-20 00:00+01"), "1")
        self.assertEqual(psql_one(STALE_PACKS, self.site), "0")
        self.assertEqual(self.fetch(**{"from": "2026-03-20", "to": "2026-03-20"}),
                         [(1, 1, None), (1, 1, 120.0)])

    def test_late_rows_repack_their_hours_only(self):
        # 22 March (a day of its own): a visit in the morning and one in the evening,
        # each an hour's piece; a late row in the evening rolls the hours around it
        # again, and the morning's piece stays as it was (the same row version)
        piece = ("SELECT xmin || ' ' || visits FROM funnel_hour_packs WHERE site_id = :'v1'"
                 " AND hour = :'v2'")
        morning, evening = "2026-03-22 08:00+00", "2026-03-22 20:00+00"
        insert_events(PACKS, "ts, visitor_id, kind, path, device, source, name",
                      [self.row % ("2026-03-22 09:10:00+01", 4, "pageview", "/", "NULL"),
                       self.row % ("2026-03-22 21:10:00+01", 5, "pageview", "/", "NULL")])
        rollup()
        before = psql_one(piece, self.site, morning), psql_one(piece, self.site, evening)
        self.assertEqual([x.split()[1] for x in before], ["1", "1"])
        insert_events(PACKS, "ts, visitor_id, kind, path, device, source, name",
                      [self.row % ("2026-03-22 21:12:00+01", 5, "pageview", "/produkte/y", "NULL"),
                       self.row % ("2026-03-22 21:30:00+01", 6, "pageview", "/", "NULL")])
        rollup()
        self.assertEqual(psql_one(piece, self.site, morning), before[0])
        after = psql_one(piece, self.site, evening)
        self.assertNotEqual(after.split()[0], before[1].split()[0])
        self.assertEqual(after.split()[1], "2")
        self.assertEqual(psql_one(DAY_VISITS, self.site, "2026-03-22 00:00+01"), "3")
        self.assertEqual(psql_one(STALE_PACKS, self.site), "0")
        self.assertEqual(self.fetch(**{"from": "2026-03-22", "to": "2026-03-22"}),
                         [(3, 3, None), (1, 1, 120.0)])
        # a later hour rolled (24 March) joins 22 March into one row; a late row in
        # it again packs it in pieces, every hour of it
        rows = ("SELECT count(*) || ' ' || count(*) FILTER (WHERE whole) FROM funnel_hour_packs"
                " WHERE site_id = :'v1' AND day_start = :'v2'")
        insert_events(PACKS, "ts, visitor_id, kind, path, device, source, name",
                      [self.row % ("2026-03-24 09:00:00+01", 8, "pageview", "/", "NULL")])
        rollup()
        self.assertEqual(psql_one(rows, self.site, "2026-03-22 00:00+01"), "1 1")
        self.assertEqual(psql_one(STALE_PACKS, self.site), "0")
        insert_events(PACKS, "ts, visitor_id, kind, path, device, source, name",
                      [self.row % ("2026-03-22 12:00:00+01", 7, "pageview", "/", "NULL"),
                       self.row % ("2026-03-22 12:00:01+01", 7, "pageview", "/produkte/z", "NULL")])
        rollup()
        self.assertEqual(psql_one(rows, self.site, "2026-03-22 00:00+01"), "3 0")
        self.assertEqual(psql_one(DAY_VISITS, self.site, "2026-03-22 00:00+01"), "4")
        self.assertEqual(psql_one(STALE_PACKS, self.site), "0")
        self.assertEqual(self.fetch(**{"from": "2026-03-22", "to": "2026-03-22"}),
                         [(4, 4, None), (2, 2, 60.5)])

    def test_a_sites_visits_deleted_take_its_pieces(self):
        # a site's visits deleted in one statement across days (a site removed with
        # its data): every piece of theirs goes, none of another site's
        domain = "funnel-del-%s.example.org" % RUN
        add_site_events(domain, "ts, visitor_id, kind, path, device, source, name",
                        [self.row % ("2026-03-10 10:00:00+01", 1, "pageview", "/", "NULL"),
                         self.row % ("2026-03-10 15:00:00+01", 2, "pageview", "/", "NULL"),
                         self.row % ("2026-03-11 10:00:00+01", 1, "pageview", "/", "NULL")])
        rollup()
        site = psql_one("SELECT id FROM sites WHERE domain = :'v1'", domain)
        pieces = "SELECT count(*) FROM funnel_hour_packs WHERE site_id = :'v1'"
        self.assertEqual(psql_one("SELECT sum(visits) FROM funnel_hour_packs WHERE site_id = :'v1'",
                                  site), "3")
        others = psql_one(pieces, self.site)
        psql("DELETE FROM visits WHERE site_id = :'v1'", site)
        self.assertEqual(psql_one(pieces, site), "0")
        self.assertEqual(psql_one(pieces, self.site), others)
        self.assertEqual(psql_one(STALE_PACKS, self.site), "0")
        psql("DELETE FROM events WHERE site_id = :'v1'", site)
        psql("DELETE FROM sites WHERE id = :'v1'", site)


class FunnelPacksRetention(unittest.TestCase):
    def test_retention_cuts_the_packs(self):
        # the horizon (a UTC month start) falls into a Berlin day: its pack keeps the
        # visit after it, the days before it lose theirs
        domain = "funnel-ret-%s.example.org" % RUN
        zoe("site", "add", "--domain", domain, "--origin", "https://" + domain,
            "--retention-months", "2")
        site = psql_one("SELECT id FROM sites WHERE domain = :'v1'", domain)
        horizon = psql_one("SELECT date_trunc('month', now()) - interval '2 months'")
        for v, offset in ((1, "-30 minutes"), (2, "3 hours"), (3, "-40 days")):
            psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device)"
                 " VALUES (:'v1', :'v2'::timestamptz + :'v3'::interval, :'v4', 'pageview', '/h',"
                 " 'desktop')", site, horizon, offset, v)
        rollup()
        packed = ("SELECT coalesce(sum(visits) FILTER (WHERE day_start = rollup_day_floor(:'v2')), 0)"
                  " || ' ' || count(*) FILTER (WHERE day_end <= :'v2')"
                  " FROM funnel_hour_packs WHERE site_id = :'v1'")
        self.assertEqual(psql_one(packed, site, horizon), "2 1")
        psql("SELECT events_expire()")
        self.assertEqual(psql_one(packed, site, horizon), "1 0")
        self.assertEqual(psql_one(STALE_PACKS, site), "0")


if __name__ == "__main__":
    unittest.main()


SAME = "funnel-same-%s.example.org" % RUN


class SamePaths(unittest.TestCase):
    """Steps are matched once per distinct hit name: visitors 1 and 2 take the same path
    (both counted, each with its own times: 60 s and 120 s); 3 fires a goal named "/",
    which is no pageview of "/"; 4 views a page named like the goal "lead"."""

    @classmethod
    def setUpClass(cls):
        rows = [("2026-03-10 10:00:00+01", 1, "pageview", "/", None),
                ("2026-03-10 10:01:00+01", 1, "pageview", "/produkte/pv", None),
                ("2026-03-10 11:00:00+01", 2, "pageview", "/", None),
                ("2026-03-10 11:02:00+01", 2, "pageview", "/produkte/pv", None),
                ("2026-03-10 12:00:00+01", 3, "event", "/kontakt", "/"),
                ("2026-03-10 12:01:00+01", 3, "pageview", "/produkte/pv", None),
                ("2026-03-10 13:00:00+01", 4, "pageview", "/", None),
                ("2026-03-10 13:01:00+01", 4, "pageview", "lead", None)]
        add_site_events(SAME, "ts, visitor_id, kind, path, device, source, name", [
            "('%s'::timestamptz, %d, '%s', '%s', 'desktop', 'direct', %s)"
            % (ts, v, k, p, "'%s'" % n if n else "NULL") for ts, v, k, p, n in rows])
        rollup()

    def fetch(self, steps):
        r = get(PATH + "?" + urllib.parse.urlencode(dict(RANGE, site=SAME, steps=steps)),
                token=token_for("viewer"))
        self.assertEqual(r.status, 200, r)
        return r.json["steps"]

    def test_same_path_twice(self):
        s = self.fetch("/,/produkte/pv")
        self.assertEqual([(x["visitors"], x["visits"]) for x in s], [(3, 3), (2, 2)])
        self.assertEqual(s[1]["median_seconds_from_previous"], 90.0)

    def test_pages_and_goals_apart(self):
        s = self.fetch("goal:/,/produkte/*")
        self.assertEqual([x["visitors"] for x in s], [1, 1])
        s = self.fetch("/,goal:lead")
        self.assertEqual([x["visitors"] for x in s], [3, 0])
