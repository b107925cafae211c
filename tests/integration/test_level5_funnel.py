"""#47 GET /api/level5/analytics/funnel: steps in order within a visit (30-minute rule as
#45), wildcards and goals, visitors and visits per step, conversion, drop-off, median time
between steps, filters, roles, 422 naming the field."""
import unittest
import urllib.parse

from zoelib import RUN, add_site_events, get, insert_events, is_problem, rollup, token_for

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
