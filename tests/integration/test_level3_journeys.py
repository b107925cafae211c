"""#23 next-page prediction and conversion model, #24 journeys, #25 behavioural
recommendations: exact transition probabilities and back-off on handcrafted visits,
removal-effect shares computed by hand, the model's training, scoring and 409,
the recommendation store of #7, roles and bad input."""
import unittest
import urllib.parse

from zoelib import (RUN, add_site_events, get, insert_events, is_problem, post, psql, psql_one,
                    rollup, token_for, wait_until, zoe)

PREDICT = "/api/level3/behavioral/predictive"
JOURNEY = "/api/level3/behavioral/journey"
OPTIMIZE = "/api/level3/behavioral/optimize"

NEXT_SITE = "next-%s.example.org" % RUN
JOURNEY_SITE = "journey-%s.example.org" % RUN
MODEL_SITE = "model-%s.example.org" % RUN
EMPTY_SITE = "empty-%s.example.org" % RUN
DAYS_SITE = "days-%s.example.org" % RUN
MANY_SITE = "many-%s.example.org" % RUN
QUOTED_SITE = "quoted-%s.example.org" % RUN
BEHAV_SITE = "behav-%s.example.org" % RUN
MODEL_KEY = "site_model_%s" % RUN


def add_site(domain, key=None):
    args = ["site", "add", "--domain", domain, "--origin", "https://" + domain]
    zoe(*(args + (["--key", key] if key else [])))


def insert(domain, rows):
    """rows: (visitor, minutes after two days ago, kind, path, name, engaged_ms)."""
    values = ",".join(
        "(%d, now() - interval '2 days' + %d * interval '1 minute', '%s', '%s', %s, %s)"
        % (v, m, k, p, "'%s'" % n if n else "NULL", e if e is not None else "NULL")
        for v, m, k, p, n, e in rows)
    psql("INSERT INTO events (site_id, visitor_id, ts, kind, host, path, name, engaged_ms, device)"
         " SELECT (SELECT id FROM sites WHERE domain = :'v1'), t.v, t.ts, t.k, :'v1', t.p, t.n::text,"
         " t.e::int, 'desktop' FROM (VALUES %s) t(v, ts, k, p, n, e)" % values, domain)


def visits(paths, first_visitor):
    """One visitor per path list, a pageview a minute."""
    rows = []
    for i, path in enumerate(paths):
        rows += [(first_visitor + i, m, "pageview", p, None, None) for m, p in enumerate(path)]
    return rows


class NextPage(unittest.TestCase):
    """After /a, /b: /c 4 times (one with /a reloaded), /d once. After /b from anywhere:
    /c 4, /d 5 (4 after /x), exit 3 (two visits of /b alone, and /q, /b with /c only 31
    minutes later: a new visit)."""

    @classmethod
    def setUpClass(cls):
        add_site(NEXT_SITE)
        rows = visits([["/a", "/b", "/c"]] * 3 + [["/a", "/a", "/b", "/c"], ["/a", "/b", "/d"]]
                      + [["/x", "/b", "/d"]] * 4 + [["/b"]] * 2 + [["/q", "/b"]], 1)
        rows.append((12, 32, "pageview", "/c", None, None))
        insert(NEXT_SITE, rows)
        rollup()
        cls.analyst = token_for("analyst")

    def predict(self, **body):
        body.setdefault("domain", NEXT_SITE)
        r = post(PREDICT, dict(type="next_page", **body), token=self.analyst)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_order_two_when_the_context_is_seen_often_enough(self):
        j = self.predict(path=["/a", "/b"], min_context=5)
        self.assertEqual(j["context"]["order"], 2)
        self.assertEqual(j["context"]["support"], 5)
        self.assertEqual([(p["path"], p["probability"], p["count"]) for p in j["predictions"]],
                         [("/c", 0.8, 4), ("/d", 0.2, 1)])
        self.assertEqual(j["exit_probability"], 0)
        self.assertEqual(j["speculation_rules"],
                         {"prefetch": [{"source": "list", "urls": ["/c"]}]})

    def test_backs_off_to_order_one(self):
        j = self.predict(path=["/a", "/a", "/b"], min_context=6)
        self.assertEqual(j["context"], {"previous": "/a", "current": "/b", "order": 1,
                                        "support": 12, "order2_support": 5, "min_context": 6})
        self.assertEqual([(p["path"], p["probability"]) for p in j["predictions"]],
                         [("/d", 0.4167), ("/c", 0.3333)])
        self.assertEqual(j["exit_probability"], 0.25)
        self.assertEqual(j["speculation_rules"]["prefetch"][0]["urls"], ["/d", "/c"])
        # a higher threshold leaves only /d; a single page is order 1 at once
        j = self.predict(path=["/b"], threshold=0.4)
        self.assertEqual(j["context"]["order"], 1)
        self.assertEqual(j["speculation_rules"]["prefetch"][0]["urls"], ["/d"])

    def test_unknown_page_and_empty_rules(self):
        j = self.predict(path=["/nie-gesehen"])
        self.assertEqual((j["context"]["order"], j["predictions"]), (0, []))
        self.assertEqual(j["speculation_rules"], {"prefetch": []})

    def test_bad_input_names_every_field(self):
        r = post(PREDICT, {"type": "next_page", "path": ["/a", "kein-pfad", 3], "threshold": 2,
                           "limit": 0}, token=self.analyst)
        fields = {e["field"] for e in is_problem(self, r, 422)["errors"]}
        self.assertEqual(fields, {"path[1]", "path[2]", "threshold", "limit"})
        r = post(PREDICT, {"type": "next_page"}, token=self.analyst)
        self.assertIn("path", {e["field"] for e in is_problem(self, r, 422)["errors"]})
        r = post(PREDICT, {"type": "weather"}, token=self.analyst)
        self.assertEqual(is_problem(self, r, 422)["errors"][0]["field"], "type")
        r = post(PREDICT, {"type": "next_page", "path": ["/"], "domain": "nowhere.example"},
                 token=self.analyst)
        self.assertEqual(is_problem(self, r, 422)["errors"][0]["field"], "domain")

    def test_roles(self):
        body = {"type": "next_page", "path": ["/a"]}
        is_problem(self, post(PREDICT, body, token=token_for("viewer")), 403)
        is_problem(self, post(PREDICT, body), 401)


class ConversionModel(unittest.TestCase):
    """Visits of 1..5 pages; the longer ones convert (with a few exceptions both ways)."""

    @classmethod
    def setUpClass(cls):
        add_site(MODEL_SITE, MODEL_KEY)
        add_site(EMPTY_SITE)
        rows = []
        for v in range(1, 301):
            pages = 1 + v % 5
            converts = (pages >= 4) != (v % 11 == 0)
            rows += [(v, m, "pageview", "/seite-%d" % m, None, None) for m in range(pages)]
            if converts:
                rows.append((v, pages, "event", "/angebot", "lead", None))
        insert(MODEL_SITE, rows)
        rollup()
        cls.analyst = token_for("analyst")
        cls.site = {"X-Site-Key": MODEL_KEY, "Origin": "https://" + MODEL_SITE}

    def score(self, pageviews):
        return post(PREDICT, {"type": "conversion", "session": {
            "pageviews": pageviews, "page_groups": pageviews, "device": "desktop",
            "entry_path": "/seite-0"}},
            headers=self.site)

    def test_a_train_score_and_versions(self):
        is_problem(self, self.score(3), 409)
        r = post(PREDICT, {"type": "conversion", "train": True, "domain": MODEL_SITE},
                 token=self.analyst)
        self.assertEqual(r.status, 200, r)
        j = r.json
        m = j["metrics"]
        self.assertEqual(m["train"]["sessions"] + m["test"]["sessions"], 300)
        self.assertGreater(m["test"]["sessions"], 30)
        self.assertGreater(m["auc"], 0.8)
        self.assertLess(m["log_loss"], m["baseline_log_loss"])
        self.assertGreater(j["weights"][0]["weight"], 0)     # log_pageviews
        self.assertEqual(j["weights"][0]["feature"], "log_pageviews")
        version = j["model"]["version"]
        low, high = self.score(1), self.score(5)
        self.assertEqual((low.status, high.status), (200, 200), (low, high))
        self.assertEqual(high.json["model"]["version"], version)
        self.assertLess(low.json["probability"], 0.3)
        self.assertGreater(high.json["probability"], 0.7)
        # the same data trains the same split and model; the version counts up
        again = post(PREDICT, {"type": "conversion", "train": True, "domain": MODEL_SITE},
                     token=self.analyst).json
        self.assertEqual(again["model"]["version"], version + 1)
        self.assertEqual(again["metrics"], m)
        self.assertEqual(psql_one("SELECT count(*) FROM models m JOIN sites s ON s.id = m.site_id"
                                  " WHERE s.domain = :'v1'", MODEL_SITE), "2")

    def test_b_the_job_runner_trains_a_version(self):
        count = "SELECT count(*) FROM models m JOIN sites s ON s.id = m.site_id WHERE s.domain = :'v1'"
        before = int(psql_one(count, MODEL_SITE))
        psql("INSERT INTO jobs (kind, payload) SELECT 'conversion-model',"
             " jsonb_build_object('site_id', id) FROM sites WHERE domain = :'v1'", MODEL_SITE)
        self.assertTrue(wait_until(lambda: int(psql_one(count, MODEL_SITE)) == before + 1, 30),
                        "the job runner stored no model version")
        self.assertEqual(psql_one("SELECT created_by FROM models m JOIN sites s ON s.id = m.site_id"
                                  " WHERE s.domain = :'v1' ORDER BY version DESC LIMIT 1",
                                  MODEL_SITE), "job")
        self.assertEqual(self.score(5).status, 200)

    def test_site_key_may_not_train(self):
        r = post(PREDICT, {"type": "conversion", "train": True}, headers=self.site)
        is_problem(self, r, 403)

    def test_too_little_data_is_409(self):
        r = post(PREDICT, {"type": "conversion", "train": True, "domain": EMPTY_SITE},
                 token=self.analyst)
        self.assertIn("too little data", is_problem(self, r, 409)["detail"])

    def test_bad_session(self):
        r = post(PREDICT, {"type": "conversion", "session": {"pageviews": 0, "device": "fax"}},
                 token=self.analyst)
        fields = {e["field"] for e in is_problem(self, r, 422)["errors"]}
        self.assertEqual(fields, {"session.pageviews", "session.device"})
        r = post(PREDICT, {"type": "conversion"}, token=self.analyst)
        self.assertEqual(is_problem(self, r, 422)["errors"][0]["field"], "session")


class JourneyGet:
    """journey(**query): the report of the class's site as JSON (200 asserted)."""

    def journey(self, **q):
        q.setdefault("site", self.site)
        r = get(JOURNEY + "?" + urllib.parse.urlencode(q), token=token_for("viewer"))
        self.assertEqual(r.status, 200, r)
        return r.json


class Journeys(JourneyGet, unittest.TestCase):
    """Start -> /prod -> /info -> Conversion, Start -> /prod -> Exit (two /prod pages,
    one group), Start -> /info -> Exit. By hand: P(conversion) = 2/3 · 1/2 · 1/2 + 1/3 · 1/2
    = 1/3; without /prod 1/6 (effect 1/2), without /info 0 (effect 1): shares 1/3, 2/3."""
    site = JOURNEY_SITE

    @classmethod
    def setUpClass(cls):
        add_site(JOURNEY_SITE)
        rows = visits([["/prod/x", "/info/y"], ["/prod/z", "/prod/q"], ["/info/w"]], 1)
        rows.append((1, 2, "event", "/info/y", "lead", None))
        insert(JOURNEY_SITE, rows)
        rollup()
        cls.viewer = token_for("viewer")

    def test_matrix_paths_drop_offs_attribution(self):
        j = self.journey()
        self.assertEqual((j["visits"], j["conversions"]), (3, 1))
        self.assertEqual(j["top_paths"], [{"path": ["/prod", "/info"], "conversions": 1,
                                           "share": 1.0}])
        t = j["transitions"]
        self.assertEqual(t["states"], ["Start", "/info", "/prod", "Conversion", "Exit"])
        self.assertEqual(t["counts"], [[0, 1, 2, 0, 0], [0, 0, 0, 1, 1], [0, 1, 0, 0, 1]])
        self.assertEqual(t["probabilities"][0], [0, 0.3333, 0.6667, 0, 0])
        self.assertEqual(j["drop_offs"], [
            {"group": "/info", "visits": 2, "exits": 1, "exit_rate": 0.5,
             "traffic_share": 0.6667, "weighted": 0.3333},
            {"group": "/prod", "visits": 2, "exits": 1, "exit_rate": 0.5,
             "traffic_share": 0.6667, "weighted": 0.3333}])
        a = j["attribution"]
        self.assertEqual(a["conversion_probability"], 0.3333)
        self.assertEqual(a["groups"], [
            {"group": "/info", "removal_effect": 1.0, "share": 0.6667},
            {"group": "/prod", "removal_effect": 0.5, "share": 0.3333}])

    def test_other_goal_and_empty_range(self):
        j = self.journey(goal="newsletter")
        self.assertEqual((j["visits"], j["conversions"], j["top_paths"]), (3, 0, []))
        self.assertEqual(j["attribution"]["conversion_probability"], 0)
        j = self.journey(**{"from": "2020-01-01", "to": "2020-01-31"})
        self.assertEqual((j["visits"], j["transitions"]["states"]), (0, ["Start", "Conversion", "Exit"]))

    def test_bad_input(self):
        r = get(JOURNEY + "?from=gestern&tz=Mars/Base&site=" + JOURNEY_SITE, token=self.viewer)
        fields = {e["field"] for e in is_problem(self, r, 422)["errors"]}
        self.assertEqual(fields, {"from", "tz"})
        r = get(JOURNEY + "?site=nowhere.example", token=self.viewer)
        self.assertEqual(is_problem(self, r, 422)["errors"][0]["field"], "site")
        is_problem(self, get(JOURNEY), 401)


def berlin_events(domain, rows):
    """rows: (timestamp with zone, visitor, kind, path, goal name); inserts and rolls them."""
    cols = "ts, visitor_id, kind, path, name, device"
    vals = ["('%s'::timestamptz, %d, '%s', '%s', %s, 'desktop')"
            % (ts, v, k, p, "'%s'" % n if n else "NULL") for ts, v, k, p, n in rows]
    if psql_one("SELECT count(*) FROM sites WHERE domain = :'v1'", domain) == "0":
        add_site_events(domain, cols, vals)
    else:
        insert_events(domain, cols, vals)
    rollup()


class JourneyDays(JourneyGet, unittest.TestCase):
    """Closed days are read as distinct paths with counts (sql/049), cut for the goal asked
    for; ranges in another time zone read the visits of the days they cut. 2026-03-10 in
    Berlin (UTC+1): visitors 1 and 2 take the same path /a, /b, lead, /c; 3 fires lead
    after /a; 4 fires lead before any page (no path); 5 views /a twice (one group), fires
    newsletter, then /b; 6 views /d at 23:30 UTC, which is 00:30 on the 11th in Berlin."""
    site = DAYS_SITE

    @classmethod
    def setUpClass(cls):
        day = "2026-03-10 10:%02d:00+01"
        rows = []
        for v in (1, 2):
            rows += [(day % 0, v, "pageview", "/a/x", None), (day % 1, v, "pageview", "/b/y", None),
                     (day % 2, v, "event", "/b/y", "lead"), (day % 3, v, "pageview", "/c", None)]
        rows += [(day % 0, 3, "pageview", "/a", None), (day % 1, 3, "event", "/a", "lead"),
                 (day % 2, 3, "pageview", "/b", None),
                 (day % 0, 4, "event", "/", "lead"), (day % 1, 4, "pageview", "/a", None),
                 (day % 0, 5, "pageview", "/a", None), (day % 1, 5, "pageview", "/a/z", None),
                 (day % 2, 5, "event", "/a/z", "newsletter"), (day % 3, 5, "pageview", "/b", None),
                 ("2026-03-10 23:30:00+00", 6, "pageview", "/d", None)]
        berlin_events(DAYS_SITE, rows)

    def test_same_paths_counted_and_cut_at_the_goal(self):
        j = self.journey(**{"from": "2026-03-09", "to": "2026-03-12"})
        self.assertEqual((j["visits"], j["conversions"]), (5, 3))
        self.assertEqual(j["top_paths"], [
            {"path": ["/a", "/b"], "conversions": 2, "share": 0.6667},
            {"path": ["/a"], "conversions": 1, "share": 0.3333}])
        t = j["transitions"]
        self.assertEqual(t["states"], ["Start", "/a", "/b", "/d", "Conversion", "Exit"])
        self.assertEqual(t["counts"], [[0, 4, 0, 1, 0, 0], [0, 0, 3, 0, 1, 0],
                                       [0, 0, 0, 0, 2, 1], [0, 0, 0, 0, 0, 1]])

    def test_another_goal_cuts_elsewhere(self):
        j = self.journey(goal="newsletter", **{"from": "2026-03-09", "to": "2026-03-12"})
        # 4's lead is no conversion now: its path /a counts; 1 and 2 go on to /c
        self.assertEqual((j["visits"], j["conversions"]), (6, 1))
        self.assertEqual(j["top_paths"], [{"path": ["/a"], "conversions": 1, "share": 1.0}])
        self.assertEqual(j["transitions"]["states"][1:5], ["/a", "/b", "/c", "/d"])
        self.assertEqual(j["transitions"]["counts"][1], [0, 0, 3, 0, 0, 1, 1])

    def test_a_range_in_utc(self):
        # 23:30 UTC on the 10th: the 10th in UTC, the 11th in Berlin
        self.assertEqual(self.journey(tz="UTC", **{"from": "2026-03-10", "to": "2026-03-10"})
                         ["visits"], 5)
        self.assertEqual(self.journey(**{"from": "2026-03-10", "to": "2026-03-10"})["visits"], 4)
        self.assertEqual(self.journey(tz="UTC", **{"from": "2026-03-11", "to": "2026-03-12"})
                         ["visits"], 0)
        self.assertEqual(self.journey(**{"from": "2026-03-11", "to": "2026-03-12"})["visits"], 1)

    def test_kept_days_equal_days_computed_afresh(self):
        site = psql_one("SELECT id FROM sites WHERE domain = :'v1'", DAYS_SITE)
        kept = "SELECT * FROM journey_days WHERE site_id = %s" % site
        fresh = "SELECT * FROM journey_day_rows('-infinity', 'infinity', %s)" % site
        self.assertEqual(psql_one("SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) d"
                                  % (kept, fresh, fresh, kept)), "0")
        self.assertEqual(psql_one("SELECT sum(n) FROM (%s) k" % kept), "6")

    def test_packs_hold_the_days_paths(self):
        # sql/065: a day's rows packed as 'n id id ...|goal:cut|...' lines, as packing
        # the day afresh gives them, and naming the same paths, goals and cuts as
        # journey_days
        site = psql_one("SELECT id FROM sites WHERE domain = :'v1'", DAYS_SITE)
        kept = "SELECT * FROM journey_day_packs WHERE site_id = %s" % site
        fresh = ("SELECT * FROM journey_day_pack_rows((SELECT jsonb_agg(DISTINCT"
                 " jsonb_build_object('site_id', site_id, 'day_start', day_start))"
                 " FROM journey_days WHERE site_id = %s))" % site)
        self.assertEqual(psql_one("SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) d"
                                  % (kept, fresh, fresh, kept)), "0")
        name = "(SELECT name FROM journey_groups g WHERE g.site_id = p.site_id AND g.id = %s)"
        unpacked = ("SELECT p.day_start, split_part(l, ' ', 1)::int AS n,"
                    " ARRAY(SELECT " + name % "u.x::int" + " FROM unnest(string_to_array("
                    "  split_part(l, '|', 1), ' ')) WITH ORDINALITY u(x, i) WHERE u.i > 1"
                    "  ORDER BY u.i) AS groups,"
                    " ARRAY(SELECT " + name % "split_part(u.x, ':', 1)::int" + " FROM"
                    "  unnest((string_to_array(l, '|'))[2:]) WITH ORDINALITY u(x, i)"
                    "  ORDER BY u.i) AS goals,"
                    " ARRAY(SELECT split_part(u.x, ':', 2)::int FROM"
                    "  unnest((string_to_array(l, '|'))[2:]) WITH ORDINALITY u(x, i)"
                    "  ORDER BY u.i) AS cuts"
                    " FROM journey_day_packs p, unnest(string_to_array(p.pack, E'\\n')) l"
                    " WHERE p.site_id = %s" % site)
        rows = ("SELECT day_start, n, groups, goals, cuts FROM journey_days WHERE site_id = %s"
                " AND cardinality(groups) > 0" % site)
        self.assertEqual(psql_one("SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) d"
                                  % (unpacked, rows, rows, unpacked)), "0")
        # both days, the goals of the 10th among them
        self.assertEqual(psql("SELECT count(*), sum(paths), bool_or(pack LIKE '%|%')"
                              " FROM journey_day_packs WHERE site_id = :'v1'", site),
                         [["2", psql_one(
                             "SELECT count(*) FROM journey_days WHERE site_id = :'v1'"
                             " AND cardinality(groups) > 0", site), "t"]])

    def test_z_a_late_visit_reaches_a_closed_day(self):
        berlin_events(DAYS_SITE, [("2026-03-10 12:00:00+01", 7, "pageview", "/a", None),
                                  ("2026-03-10 12:01:00+01", 7, "pageview", "/b", None)])
        j = self.journey(**{"from": "2026-03-09", "to": "2026-03-12"})
        self.assertEqual((j["visits"], j["conversions"]), (6, 3))
        self.assertEqual(j["transitions"]["counts"][2], [0, 0, 0, 0, 2, 2])


class ManyGroups(JourneyGet, unittest.TestCase):
    """42 page groups: /g00 three visits, /g01../g41 one each, /g39 and /g40 in one visit.
    The 39 busiest keep their names (ties by name), the rest are one state (other), with
    its transition to itself."""
    site = MANY_SITE

    @classmethod
    def setUpClass(cls):
        t = "2026-03-10 %02d:%02d:00+01"
        rows = [(t % (8, v), v, "pageview", "/g00", None) for v in range(3)]
        rows += [(t % (9, g), 10 + g, "pageview", "/g%02d" % g, None) for g in range(1, 39)]
        rows += [(t % (10, 0), 60, "pageview", "/g39", None), (t % (10, 1), 60, "pageview", "/g40", None),
                 (t % (10, 0), 61, "pageview", "/g41", None)]
        berlin_events(MANY_SITE, rows)

    def test_other_after_the_busiest(self):
        j = self.journey(**{"from": "2026-03-10", "to": "2026-03-10"})
        t = j["transitions"]
        self.assertEqual(t["states"], ["Start"] + ["/g%02d" % g for g in range(39)]
                         + ["(other)", "Conversion", "Exit"])
        self.assertEqual(t["counts"][0][1], 3)
        self.assertEqual(t["counts"][0][40], 2)
        self.assertEqual(t["counts"][40], [0] * 40 + [1, 0, 2])
        self.assertEqual(j["visits"], 43)


class QuotedGroups(JourneyGet, unittest.TestCase):
    """Page groups that PostgreSQL's array text quotes (comma, double quote, braces, a blank,
    a backslash) reach the reply unchanged: the paths travel as text[] and are read in C.
    1: /a,b then /q"x, then lead; 2: /d e, /{c}, /back\\slash. Ties by name, byte order."""
    site = QUOTED_SITE

    @classmethod
    def setUpClass(cls):
        t = "2026-03-11 10:%02d:00+01"
        berlin_events(QUOTED_SITE, [
            (t % 0, 1, "pageview", "/a,b/x", None), (t % 1, 1, "pageview", '/q"x/y', None),
            (t % 2, 1, "event", '/q"x/y', "lead"),
            (t % 0, 2, "pageview", "/d e", None), (t % 1, 2, "pageview", "/{c}", None),
            (t % 2, 2, "pageview", "/back\\slash", None)])

    def test_names_as_written(self):
        j = self.journey(**{"from": "2026-03-11", "to": "2026-03-11"})
        self.assertEqual((j["visits"], j["conversions"]), (2, 1))
        t = j["transitions"]
        self.assertEqual(t["states"], ["Start", "/a,b", "/back\\slash", "/d e", '/q"x', "/{c}",
                                       "Conversion", "Exit"])
        self.assertEqual(t["counts"][0], [0, 1, 0, 1, 0, 0, 0, 0])
        self.assertEqual(t["counts"][1], [0, 0, 0, 0, 1, 0, 0, 0])
        self.assertEqual(t["counts"][4], [0, 0, 0, 0, 0, 0, 1, 0])
        self.assertEqual(t["counts"][5], [0, 0, 1, 0, 0, 0, 0, 0])
        self.assertEqual(j["top_paths"], [{"path": ["/a,b", '/q"x'], "conversions": 1,
                                           "share": 1.0}])


class Optimize(unittest.TestCase):
    """/busy ends all of its 40 visits (site exit rate 0.6, its busiest quarter); /p1 -> /p2 ->
    /p3 20 times; /lang has 1000 words (300 s to read) but 12 visits engaged 10 s."""

    @classmethod
    def setUpClass(cls):
        add_site(BEHAV_SITE)
        rows = visits([["/busy"]] * 40 + [["/p1", "/p2", "/p3"]] * 20, 1)
        rows += [(100 + i, 0, "engagement", "/lang", None, 10000) for i in range(12)]
        insert(BEHAV_SITE, rows)
        cls.url = "https://%s/lang" % BEHAV_SITE
        psql("INSERT INTO pages (site_id, url, url_norm, path, word_count) SELECT id, :'v2',"
             " :'v2', '/lang', 1000 FROM sites WHERE domain = :'v1'", BEHAV_SITE, cls.url)
        rollup()
        cls.editor = token_for("editor")

    def run_rules(self):
        r = post(OPTIMIZE, {}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        return r.json

    def find(self, j, rule, target):
        return [i for i in j["items"] if i["rule"] == rule and i["target"] == target]

    def test_findings_dedup_and_resolution(self):
        j = self.run_rules()
        busy = self.find(j, "behaviour-exit-traffic", "https://%s/busy" % BEHAV_SITE)
        self.assertEqual(len(busy), 1, j["items"])
        self.assertEqual(busy[0]["evidence"]["exit_rate"], 1.0)
        self.assertEqual(busy[0]["evidence"]["site_exit_rate"], 0.6)
        self.assertEqual(busy[0]["source"], "behavioural")
        self.assertEqual(self.find(j, "behaviour-exit-traffic", "https://%s/p3" % BEHAV_SITE), [])
        read = self.find(j, "behaviour-reading-time", self.url)
        self.assertEqual(len(read), 1, j["items"])
        self.assertEqual(read[0]["evidence"]["reading_time_s"], 300)
        self.assertEqual(read[0]["evidence"]["median_engaged_s"], 10)
        # priority = impact 5 × weight (0.5 + 12/200) × confidence 0.6 ÷ effort 5
        self.assertAlmostEqual(read[0]["priority"], 0.336, places=3)
        # per site: another site's busier groups (the 1 M events bench/reports keeps) do not
        # push /busy into (other)
        drop = self.find(j, "behaviour-journey-dropoff", "https://%s/busy*" % BEHAV_SITE)
        self.assertEqual(len(drop), 1, j["items"])
        self.assertEqual(drop[0]["evidence"]["exit_rate"], 1.0)
        self.assertEqual(drop[0]["evidence"]["site"], BEHAV_SITE)
        self.assertEqual([i for i in j["items"] if i["rule"] == "behaviour-journey-dropoff"
                          and "(other)" in i["target"]], [])
        # again: the same recommendations, updated, not duplicated
        again = self.run_rules()
        self.assertEqual(self.find(again, "behaviour-reading-time", self.url)[0]["id"], read[0]["id"])
        self.assertEqual(psql_one("SELECT count(*) FROM recommendations WHERE target = :'v1'",
                                  self.url), "1")
        # the page got short: its finding no longer holds and is resolved
        psql("UPDATE pages SET word_count = 40 WHERE url_norm = :'v1'", self.url)
        self.run_rules()
        self.assertEqual(psql_one("SELECT status FROM recommendations WHERE target = :'v1'",
                                  self.url), "resolved")

    def test_roles(self):
        is_problem(self, post(OPTIMIZE, {}, token=token_for("analyst")), 403)
        is_problem(self, post(OPTIMIZE, {}), 401)


if __name__ == "__main__":
    unittest.main()
