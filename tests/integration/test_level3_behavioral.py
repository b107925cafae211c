"""#22 GET /api/level3/behavioral/metrics (GA4 sessions, engagement, bounce, scroll,
conversion, by device and source, cross-device z-tests) and #21 POST
/api/level3/behavioral/dynamic (rule sets replaced atomically, deterministic variants)."""
import math
import unittest
import urllib.parse

from zoelib import RUN, get, is_problem, post, psql, psql_one, rollup, token_for, zoe

METRICS = "/api/level3/behavioral/metrics"
DYNAMIC = "/api/level3/behavioral/dynamic"
DOMAIN = "behav-%s.example.org" % RUN
ORIGIN = "https://" + DOMAIN

# (local time, visitor, kind, path, device, source, name, engaged_ms, scroll_pct)
EVENTS = [
    # S1 desktop/google: 4 s engaged, one pageview: not engaged, a Plausible bounce
    ("2026-03-10 10:00:00+01", 1, "pageview", "/a", "desktop", "google", None, None, None),
    ("2026-03-10 10:00:20+01", 1, "engagement", "/a", "desktop", "google", None, 4000, 30),
    # S2, the same visitor 60 min later: two engagement beacons add up to 12 s (engaged)
    ("2026-03-10 11:00:00+01", 1, "pageview", "/a", "desktop", "google", None, None, None),
    ("2026-03-10 11:00:10+01", 1, "engagement", "/a", "desktop", "google", None, 6000, 60),
    ("2026-03-10 11:00:20+01", 1, "engagement", "/a", "desktop", "google", None, 6000, 80),
    # a vital 40 minutes on is no activity: it neither extends nor starts a session
    ("2026-03-10 11:40:00+01", 1, "vital", "/a", "desktop", "google", "LCP", None, None),
    # S3 mobile/direct: 3 s engaged but 2 pageviews (engaged)
    ("2026-03-10 12:00:00+01", 2, "pageview", "/a", "mobile", None, None, None, None),
    ("2026-03-10 12:01:00+01", 2, "pageview", "/b", "mobile", None, None, None, None),
    ("2026-03-10 12:01:30+01", 2, "engagement", "/b", "mobile", None, None, 3000, 100),
    # S4 mobile/bing: one pageview and the lead goal (engaged by conversion)
    ("2026-03-12 09:00:00+01", 3, "pageview", "/b", "mobile", "bing", None, None, None),
    ("2026-03-12 09:00:30+01", 3, "event", "/b", "mobile", "bing", "lead", None, None),
    # S5 mobile/google: 9.999 s is not 10 s
    ("2026-03-13 15:00:00+01", 4, "pageview", "/c", "mobile", "google", None, None, None),
    ("2026-03-13 15:00:10+01", 4, "engagement", "/c", "mobile", "google", None, 9999, 50),
    # S6 tablet/direct: exactly 10 s is engaged
    ("2026-03-14 18:00:00+01", 5, "pageview", "/a", "tablet", "direct", None, None, None),
    ("2026-03-14 18:00:15+01", 5, "engagement", "/a", "tablet", "direct", None, 10000, 25),
    # outside the range
    ("2026-03-20 10:00:00+01", 6, "pageview", "/a", "desktop", "direct", None, None, None),
]
RANGE = {"from": "2026-03-09", "to": "2026-03-15"}


def sql_value(v):
    return "NULL" if v is None else ("'%s'" % v if isinstance(v, str) else str(v))


def two_prop(x1, n1, x2, n2):
    """(z, two-sided p) of the pooled two-proportion z-test, rounded as the reply."""
    pool = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
    return round(z, 3), round(math.erfc(abs(z) / math.sqrt(2)), 4)


class BehaviouralMetrics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        zoe("site", "add", "--domain", DOMAIN, "--origin", ORIGIN)
        rows = ",".join("(%s::timestamptz, %s)" % (sql_value(e[0]), ", ".join(
            sql_value(v) for v in e[1:])) for e in EVENTS)
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, source, name,"
             " engaged_ms, scroll_pct)"
             " SELECT (SELECT id FROM sites WHERE domain = :'v1'), t.* FROM (VALUES %s) t" % rows,
             DOMAIN)
        rollup()                # the report reads the visits table
        cls.token = token_for("viewer")

    def fetch(self, **q):
        q = dict(RANGE, site=DOMAIN, **q)
        r = get(METRICS + "?" + urllib.parse.urlencode(q), token=self.token)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_overall_exact(self):
        j = self.fetch()
        self.assertEqual(j["range"], {"from": "2026-03-09", "to": "2026-03-15",
                                      "tz": "Europe/Berlin", "days": 7})
        self.assertEqual(j["overall"], {
            "sessions": 6, "pageviews": 7, "pages_per_session": 1.17, "engaged_sessions": 4,
            "engagement_rate": 0.6667, "bounce_rate": 0.3333, "plausible_bounce_rate": 0.6667,
            "avg_engaged_seconds": 6.5, "conversions": 1, "conversion_rate": 0.1667,
            "scroll": {"sessions": 5, "reached": {"25": 1.0, "50": 0.6, "75": 0.4, "100": 0.2},
                       "p25": 30.0, "p50": 50.0, "p75": 80.0}})
        self.assertIn("GA4", j["definitions"]["bounce_rate"])
        self.assertIn("Plausible", j["definitions"]["plausible_bounce_rate"])

    def test_by_device_and_source(self):
        j = self.fetch()
        dev = [(d["device"], d["sessions"], d["engaged_sessions"], d["conversions"], d["pageviews"])
               for d in j["by_device"]]
        self.assertEqual(dev, [("mobile", 3, 2, 1, 4), ("desktop", 2, 1, 0, 2), ("tablet", 1, 1, 0, 1)])
        src = [(s["source"], s["sessions"], s["engaged_sessions"], s["plausible_bounce_rate"])
               for s in j["by_source"]]
        self.assertEqual(src, [("google", 3, 1, 1.0), ("direct", 2, 2, 0.5), ("bing", 1, 1, 0.0)])
        desktop = j["by_device"][1]
        self.assertEqual((desktop["avg_engaged_seconds"], desktop["scroll"]["p50"]), (8.0, 55.0))

    def test_cross_device_comparison(self):
        cmp = {c["device"]: c for c in self.fetch()["comparison"]}
        self.assertEqual(set(cmp), {"mobile", "desktop", "tablet"})
        z, p = two_prop(1, 2, 3, 4)             # desktop 1/2 engaged against 3/4 elsewhere
        self.assertEqual(cmp["desktop"]["engagement_rate"], {
            "device": 0.5, "overall": 0.6667, "difference": -0.1667, "z": z, "p_value": p})
        z, p = two_prop(1, 3, 0, 3)             # mobile 1/3 converted against 0/3
        self.assertEqual(cmp["mobile"]["conversion_rate"], {
            "device": 0.3333, "overall": 0.1667, "difference": 0.1667, "z": z, "p_value": p})
        self.assertEqual(cmp["mobile"]["engagement_rate"]["p_value"], 1.0)
        self.assertEqual(cmp["tablet"]["sessions"], 1)

    def test_filters_as_timeseries(self):
        self.assertEqual(self.fetch(device="mobile")["overall"]["sessions"], 3)
        o = self.fetch(source="google")["overall"]
        self.assertEqual((o["sessions"], o["engaged_sessions"]), (3, 1))
        o = self.fetch(path="/b")["overall"]       # the visits that viewed /b
        self.assertEqual((o["sessions"], o["conversions"]), (2, 1))
        o = self.fetch(goal="signup")["overall"]   # S4 no longer converts, so is not engaged
        self.assertEqual((o["conversions"], o["engaged_sessions"]), (0, 3))

    def test_empty_range(self):
        r = get(METRICS + "?" + urllib.parse.urlencode(
            {"from": "2026-03-16", "to": "2026-03-19", "site": DOMAIN}), token=self.token)
        self.assertEqual(r.status, 200, r)
        j = r.json
        self.assertEqual((j["overall"]["sessions"], j["overall"]["engagement_rate"],
                          j["overall"]["bounce_rate"], j["by_device"], j["comparison"]),
                         (0, 0.0, 0.0, [], []))
        self.assertIsNone(j["overall"]["scroll"]["p50"])

    def test_auth_and_bad_input(self):
        is_problem(self, get(METRICS), 401)
        r = get(METRICS + "?from=2026-13-01&device=phone&tz=Mars/Base", token=self.token)
        p = is_problem(self, r, 422)
        self.assertTrue({"from", "device", "tz"} <= {e["field"] for e in p["errors"]}, p)
        r = get(METRICS + "?site=no-such-%s.example.org" % RUN, token=self.token)
        p = is_problem(self, r, 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["site"])


DAYS_DOMAIN = "behav-days-%s.example.org" % RUN


def days_events():
    """Visits over 2026-03-01..08, many around Berlin, UTC and New York midnights,
    each with a pageview of /x (so path=/x keeps them all and reads the visits)."""
    rows, sources = [], [None, "direct", "google", "bing"]
    devices = ["mobile", "desktop", "tablet"]
    for i in range(72):
        day, hour = 1 + i % 8, (22, 23, 0, 4, 5, 6, 12, 17, 21)[i % 9]
        t = "2026-03-%02d %02d:%02d:00+00" % (day, hour, (i * 7) % 50)
        src, dev = sources[i % 4], devices[i % 3]
        rows.append((t, i, "pageview", "/x", dev, src, None, None, None, 0))
        if i % 3 == 1:
            rows.append((t, i, "pageview", "/y", dev, src, None, None, None, 1))
        if i % 5:
            rows.append((t, i, "engagement", "/x", dev, src, None, (i * 997) % 16000,
                         None if i % 7 == 0 else (i * 13) % 101, 2))
        if i % 4 == 2:
            rows.append((t, i, "event", "/x", dev, src, ("lead", "signup")[i % 8 // 4], None, None, 3))
    return rows


def insert_events(domain, rows):
    """rows: (time, visitor, kind, path, device, source, name, engaged_ms, scroll, minutes on)."""
    types = ("int", "text", "text", "text", "text", "text", "int", "int")
    values = ",".join("(%s::timestamptz + interval '%d minutes', %s)" % (
        sql_value(e[0]), e[9], ", ".join("%s::%s" % (sql_value(v), t) for v, t in zip(e[1:9], types)))
        for e in rows)
    psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, source, name,"
         " engaged_ms, scroll_pct)"
         " SELECT (SELECT id FROM sites WHERE domain = :'v1'), t.* FROM (VALUES %s) t" % values,
         domain)


class BehaviouralDays(unittest.TestCase):
    """Whole Berlin days come from behavior_days (sql/051), the rest from the
    visits: the figures equal those of the visits (a path every visit has)."""

    @classmethod
    def setUpClass(cls):
        zoe("site", "add", "--domain", DAYS_DOMAIN, "--origin", "https://" + DAYS_DOMAIN)
        insert_events(DAYS_DOMAIN, days_events())
        rollup()
        cls.token = token_for("viewer")

    def fetch(self, **q):
        r = get(METRICS + "?" + urllib.parse.urlencode(dict(site=DAYS_DOMAIN, **q)), token=self.token)
        self.assertEqual(r.status, 200, r)
        j = r.json
        del j["filters"]
        return j

    def assert_days_equal_visits(self, **q):
        days, exact = self.fetch(**q), self.fetch(path="/x", **q)
        self.assertEqual(days, exact, q)
        return days

    def test_rows_are_kept_per_day(self):
        n = psql_one("SELECT count(DISTINCT dstart) FROM behavior_days"
                     " WHERE site_id = (SELECT id FROM sites WHERE domain = :'v1')", DAYS_DOMAIN)
        self.assertGreaterEqual(int(n), 8)

    def test_days_equal_the_visits_in_any_zone(self):
        for tz, t0, t1 in (("UTC", "2026-03-01", "2026-03-08"), ("UTC", "2026-03-04", "2026-03-04"),
                           ("America/New_York", "2026-03-02", "2026-03-06"),
                           ("Europe/Berlin", "2026-03-03", "2026-03-05")):
            for f in ({}, {"goal": "signup"}, {"device": "mobile"}, {"source": "google"},
                      {"source": "direct", "goal": "signup"}):
                j = self.assert_days_equal_visits(tz=tz, **dict(f, **{"from": t0, "to": t1}))
                if not f:
                    self.assertGreater(j["overall"]["sessions"], 0, (tz, t0, t1))

    def test_late_visit_into_a_closed_day(self):
        q = {"from": "2026-03-02", "to": "2026-03-03", "tz": "Europe/Berlin"}
        before = self.fetch(**q)["overall"]
        insert_events(DAYS_DOMAIN, [("2026-03-02 20:00:00+01", 900, "pageview", "/x", "tablet", "bing",
                                     None, None, None, 0),
                                    ("2026-03-02 20:00:00+01", 900, "event", "/x", "tablet", "bing",
                                     "lead", None, None, 1)])
        rollup()
        after = self.assert_days_equal_visits(**q)["overall"]
        self.assertEqual((after["sessions"], after["conversions"], after["engaged_sessions"]),
                         (before["sessions"] + 1, before["conversions"] + 1,
                          before["engaged_sessions"] + 1))


def rule(name, priority=0, conditions=None, **variant):
    r = {"name": name, "priority": priority, "conditions": conditions or {}}
    r.update(variant or {"variant": {"headline": name}})
    return r


RULES = [
    rule("Standard"),
    rule("Mobil Google", 5, {"device": ["mobile"], "source": ["google"]}),
    rule("Mobil Google 2", 5, {"device": ["mobile"], "source": ["google"]}),
    rule("Stammkunde", 9, {"visit_count": {"min": 3}, "pages_seen": {"min": 2, "max": 50}},
         variants=[{"weight": 1, "content": {"headline": "A"}},
                   {"weight": 3, "content": {"headline": "B"}}]),
    rule("Bayern abends", 7, {"region": ["DE-BY"], "time": {"hours": {"from": 18, "to": 6},
                                                             "days": [6, 7]}}),
]


class DynamicContent(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.domain = "dyn-%s.example.org" % RUN
        cls.origin = "https://" + cls.domain
        cls.site_key = zoe("site", "add", "--domain", cls.domain, "--origin", cls.origin)
        cls.editor = token_for("editor")
        cls.viewer = token_for("viewer")
        cls.editor_key = zoe("apikey", "add", "--name", "it-dyn-" + RUN, "--role", "editor")
        r = post(DYNAMIC, {"domain": cls.domain, "rules": RULES}, token=cls.editor)
        assert r.status == 200, r

    def evaluate(self, **ctx):
        r = post(DYNAMIC, {"context": ctx},
                 headers={"X-Site-Key": self.site_key, "Origin": self.origin})
        self.assertEqual(r.status, 200, r)
        return r.json

    def stored(self):
        return psql("SELECT position, name, priority FROM dynamic_rules r JOIN sites s"
                    " ON s.id = r.site_id WHERE s.domain = :'v1' ORDER BY position", self.domain)

    def test_replace_and_read(self):
        r = post(DYNAMIC, {"domain": self.domain}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        j = r.json
        self.assertEqual((j["site"], j["replaced"], j["count"]), (self.domain, False, 5))
        self.assertEqual(j["rules"][0], {"name": "Standard", "priority": 0, "conditions": {},
                                         "variants": [{"weight": 1, "content": {"headline": "Standard"}}]})
        self.assertEqual(j["rules"][3]["variants"][1], {"weight": 3, "content": {"headline": "B"}})
        self.assertEqual([row[1] for row in self.stored()], [x["name"] for x in RULES])

    def test_choice_by_priority_then_order(self):
        base = dict(visit_count=1, pages_seen=1, time="2026-03-11T10:00:00+01:00", visitor_id="v1")
        j = self.evaluate(**base)
        self.assertEqual((j["rule"], j["default"], j["variant"]), ("Standard", False, {"headline": "Standard"}))
        j = self.evaluate(device="mobile", source="Google", **base)
        self.assertEqual((j["rule"], j["priority"]), ("Mobil Google", 5))
        j = self.evaluate(device="mobile", source="google", **dict(base, visit_count=3, pages_seen=2))
        self.assertEqual(j["rule"], "Stammkunde")
        self.assertIn(j["variant"]["headline"], ("A", "B"))
        # Saturday 20:00 in Berlin (19:00 UTC); Friday 20:00 is not a weekend evening
        j = self.evaluate(region="DE-BY", **dict(base, time="2026-03-14T19:00:00Z"))
        self.assertEqual((j["rule"], j["context"]["hour"], j["context"]["weekday"]),
                         ("Bayern abends", 20, 6))
        j = self.evaluate(region="DE-BY", **dict(base, time="2026-03-13T20:00:00+01:00"))
        self.assertEqual(j["rule"], "Standard")

    def test_sticky_weighted_variants(self):
        ctx = dict(visit_count=4, pages_seen=3, visitor_id="visitor-42")
        self.assertEqual(self.evaluate(**ctx)["sticky_by"], "visitor_id")
        seen = {self.evaluate(**ctx)["variant_index"] for _ in range(12)}
        self.assertEqual(len(seen), 1, seen)     # every request, whichever worker
        picks = [self.evaluate(**dict(ctx, visitor_id="v-%d" % i))["variant_index"]
                 for i in range(60)]
        self.assertEqual(set(picks), {0, 1})
        self.assertGreater(picks.count(1), picks.count(0))   # weight 3 against 1

    def test_sticky_without_visitor_id(self):
        """Without a visitor_id the tracker's own visitor id (day salt, site, address,
        user agent) keys the choice: the same browser keeps its variant, browsers differ."""
        ctx = {"context": {"visit_count": 4, "pages_seen": 3}}
        site = {"X-Site-Key": self.site_key, "Origin": self.origin}

        def pick(ua):
            r = post(DYNAMIC, ctx, headers=site, ua=ua)
            self.assertEqual((r.status, r.json["sticky_by"]), (200, "tracker"), r)
            return r.json["variant_index"]
        ua = "Mozilla/5.0 (X11; Linux x86_64) Firefox/%s.0"
        self.assertEqual(len({pick(ua % 120) for _ in range(8)}), 1)
        self.assertEqual({pick(ua % v) for v in range(60, 100)}, {0, 1})

    def test_default_when_nothing_matches(self):
        r = post(DYNAMIC, {"domain": self.domain, "rules": [RULES[1]]}, headers={"X-Api-Key": self.editor_key})
        self.assertEqual((r.status, r.json["replaced"], r.json["count"]), (200, True, 1), r)
        try:
            j = self.evaluate(device="desktop")
            self.assertEqual((j["default"], j["rule"], j["variant_index"], j["variant"]),
                             (True, None, None, None))
        finally:
            post(DYNAMIC, {"domain": self.domain, "rules": RULES}, token=self.editor)

    def test_roles(self):
        body = {"domain": self.domain, "rules": []}
        is_problem(self, post(DYNAMIC, body), 401)
        is_problem(self, post(DYNAMIC, body, token=self.viewer), 403)
        is_problem(self, post(DYNAMIC, body, headers={"X-Site-Key": self.site_key,
                                                      "Origin": self.origin}), 403)
        is_problem(self, post(DYNAMIC, {"context": {}}, headers={
            "X-Site-Key": self.site_key, "Origin": "https://evil.example"}), 403)
        is_problem(self, post(DYNAMIC, {"context": {}}, headers={"X-Site-Key": "nope",
                                                                "Origin": self.origin}), 401)
        self.assertEqual(len(self.stored()), 5)

    def test_bad_rules_name_fields_and_write_nothing(self):
        bad = [dict(r) for r in RULES]
        bad[1] = dict(bad[1], variants=[{"weight": 0, "content": {}}])
        bad[2] = {"priority": 1, "conditions": {"region": "DE"}, "variant": {}}   # no name either
        bad[3] = dict(bad[3], conditions={"device": ["phone"], "visit_count": {"min": 5, "max": 1}})
        bad[4] = dict(bad[4], name="Standard")
        r = post(DYNAMIC, {"domain": self.domain, "rules": bad}, token=self.editor)
        p = is_problem(self, r, 422)
        fields = [e["field"] for e in p["errors"]]
        for f in ("rules[1].variant", "rules[1].variants[0].weight", "rules[2].name",
                  "rules[2].conditions.region", "rules[3].conditions.device",
                  "rules[3].conditions.visit_count", "rules[4].name"):
            self.assertIn(f, fields, p)
        self.assertEqual([row[1] for row in self.stored()], [x["name"] for x in RULES])
        too_many = [rule("r%d" % i) for i in range(201)]
        p = is_problem(self, post(DYNAMIC, {"domain": self.domain, "rules": too_many},
                                  token=self.editor), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["rules"])
        p = is_problem(self, post(DYNAMIC, {"context": {"device": "phone", "visit_count": -1,
                                                        "time": "2026-03-14T25:00"}},
                                  headers={"X-Site-Key": self.site_key, "Origin": self.origin}), 422)
        self.assertEqual(sorted(e["field"] for e in p["errors"]),
                         ["context.device", "context.visit_count"])
        p = is_problem(self, post(DYNAMIC, {"context": {"time": "2026-03-14T25:00"}},
                                  headers={"X-Site-Key": self.site_key, "Origin": self.origin}), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["context.time"])
        p = is_problem(self, post(DYNAMIC, {"domain": "none-%s.example.org" % RUN, "rules": []},
                                  token=self.editor), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["domain"])
