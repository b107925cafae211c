"""#30 POST /api/level4/ai-content/ab-test and #31 GET /api/level4/ai-content/results.

Every test class works on a site of its own ("exp-<run>-<tag>.example.org"),
reads results with ?site= or ?test=, so other runs never interfere. Figures are
checked against R (tests/reference/abtest.R):
  prop.test(c(130, 100), c(1000, 1000), correct = FALSE)
  chisq.test(c(1000, 2050, 2950), p = c(0.2, 0.4, 0.4))
  integrate(function(t) dbeta(t, 131, 871) * pbeta(t, 101, 901), 0, 1)
"""
import json
import os
import unittest

from zoelib import (RUN, get, insert_events, is_problem, post, psql, psql_one, token_for,
                    wait_until, zoe)

ABTEST = "/api/level4/ai-content/ab-test"
RESULTS = "/api/level4/ai-content/results"
SCHEMAS = os.path.join(os.path.dirname(__file__), "../../handlers/schemas")
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0"


def check_schema(doc, name):
    try:
        import jsonschema
    except ImportError:        # the contract test validates every reply as well
        return
    with open(os.path.join(SCHEMAS, name + ".json"), encoding="utf-8") as f:
        jsonschema.validate(doc, json.load(f))


def fields(case, r):
    return sorted(e["field"] for e in is_problem(case, r, 422)["errors"])


def two(a="Kontrolle", b="Variante B", wa=0.5, wb=0.5):
    return [{"name": a, "weight": wa}, {"name": b, "weight": wb}]


class Site(unittest.TestCase):
    """A site of the class's own with a tracked goal `anfrage`."""
    tag = "base"

    @classmethod
    def setUpClass(cls):
        cls.domain = "exp-%s-%s.example.org" % (RUN, cls.tag)
        cls.origin = "https://" + cls.domain
        cls.site_key = zoe("site", "add", "--domain", cls.domain, "--origin", cls.origin)
        insert_events(cls.domain, "ts, visitor_id, kind, host, path, device, name",
                      ["(now() - interval '30 days', 1, 'event', '%s', '/', 'desktop', 'anfrage')"
                       % cls.domain])
        cls.editor = token_for("editor")
        cls.analyst = token_for("analyst")
        cls.viewer = token_for("viewer")

    def create(self, name, variants=None, metric="anfrage", status=201, **extra):
        body = dict(domain=self.domain, name=name, metric=metric,
                    variants=variants or two(), **extra)
        r = post(ABTEST, body, token=self.editor)
        self.assertEqual(r.status, status, r)
        if status == 201:
            check_schema(r.json, "level4AiContentAbTest")
        return r.json

    def assign(self, test, ua=UA % (120, 120), status=200):
        r = post(ABTEST, {"test": test}, headers={"X-Site-Key": self.site_key,
                                                  "Origin": self.origin}, ua=ua)
        self.assertEqual(r.status, status, r)
        if status == 200:
            check_schema(r.json, "level4AiContentAbTest")
        return r.json

    def results(self, test):
        r = get(RESULTS + "?test=%d" % test, token=self.viewer)
        self.assertEqual(r.status, 200, r)
        check_schema(r.json, "level4AiContentResults")
        self.assertEqual(r.json["n"], 1)
        return r.json["items"][0]

    def plant(self, test, arms, ago_days=5):
        """Exposures and goal events: arms = [(exposures, conversions), ...]; the
        goal of a converted visitor comes a minute after its exposure."""
        for v, (n, x) in enumerate(arms):
            base = 700000000000 + test * 100000 + v * 20000
            psql("INSERT INTO ab_exposures (test_id, visitor_id, variant, exposed_at)"
                 " SELECT :'v1'::bigint, :'v2'::bigint + g, :'v3'::smallint,"
                 "  now() - make_interval(days => :'v4'::int) + make_interval(secs => g)"
                 " FROM generate_series(1, :'v5'::int) g", test, base, v, ago_days, n)
            psql("INSERT INTO events (site_id, ts, visitor_id, kind, host, path, device, name)"
                 " SELECT (SELECT id FROM sites WHERE domain = :'v1'),"
                 "  now() - make_interval(days => :'v2'::int) + make_interval(secs => g + 60),"
                 "  :'v3'::bigint + g, 'event', :'v1', '/', 'desktop', t.metric"
                 " FROM generate_series(1, :'v4'::int) g, ab_tests t WHERE t.id = :'v5'::bigint",
                 self.domain, ago_days, base, x, test)

    def backdate(self, test, days=10):
        psql("UPDATE ab_tests SET created_at = now() - make_interval(days => :'v2'::int)"
             " WHERE id = :'v1'::bigint", test, days)


class Create(Site):
    tag = "create"

    def test_create_stores_and_logs(self):
        j = self.create("Startseite: grüner Button", two("Kontrolle", "Grün", 0.4, 0.6))
        self.assertTrue(j["created"])
        self.assertEqual((j["name"], j["metric"], j["thompson"], j["domain"]),
                         ("Startseite: grüner Button", "anfrage", False, self.domain))
        self.assertEqual(j["variants"], two("Kontrolle", "Grün", 0.4, 0.6))
        row = psql("SELECT name, metric, variants::text, thompson, ended_at IS NULL FROM ab_tests"
                   " WHERE id = :'v1'::bigint", j["id"])[0]
        self.assertEqual(row[0:2], ["Startseite: grüner Button", "anfrage"])
        self.assertEqual(json.loads(row[2]), two("Kontrolle", "Grün", 0.4, 0.6))
        self.assertEqual(row[3:], ["f", "t"])
        ev = psql_one("SELECT data->>'name' FROM event_log WHERE type = 'abtest.created'"
                      " AND (data->>'id')::bigint = :'v1'::bigint", j["id"])
        self.assertEqual(ev, "Startseite: grüner Button")

    def test_same_test_again_and_name_taken(self):
        j = self.create("Wiederholt", two())
        again = self.create("Wiederholt", two())
        self.assertEqual((again["id"], again["created"]), (j["id"], False))
        r = post(ABTEST, dict(domain=self.domain, name="wiederholt", metric="anfrage",
                              variants=two("A", "B")), token=self.editor)
        is_problem(self, r, 409)
        self.assertEqual(psql_one("SELECT count(*) FROM ab_tests t JOIN sites s ON s.id ="
                                  " t.site_id WHERE s.domain = :'v1' AND lower(name) ="
                                  " 'wiederholt'", self.domain), "1")

    def test_bad_input_names_each_field(self):
        before = psql_one("SELECT count(*) FROM ab_tests")
        bad = lambda **b: fields(self, post(ABTEST, dict(dict(domain=self.domain, name="x",
                                 metric="anfrage", variants=two()), **b), token=self.editor))
        self.assertEqual(bad(variants=two(wa=0.5, wb=0.4)), ["variants"])
        self.assertEqual(bad(variants=[{"name": "A", "weight": 1}]), ["variants"])
        self.assertEqual(bad(metric="gibt_es_nicht"), ["metric"])
        self.assertEqual(bad(variants=two(wa=1.5, wb=-0.5)),
                         ["variants[0].weight", "variants[1].weight"])
        self.assertEqual(bad(variants=two("A", "A")), ["variants[1].name"])
        self.assertEqual(bad(variants=[{"name": "A", "weight": 0.5}, "B"]), ["variants[1]"])
        self.assertEqual(bad(variants=[{"name": "A", "weight": 0.5}, {"weight": "0.5"}]),
                         ["variants[1].name", "variants[1].weight"])
        self.assertEqual(bad(domain="unbekannt.example.org"), ["domain"])
        self.assertEqual(bad(variants=[{"name": "V%d" % i, "weight": 0.01} for i in range(11)]),
                         ["variants"])
        self.assertEqual(bad(thompson="ja", name=""), ["name", "thompson"])
        self.assertEqual(fields(self, post(ABTEST, {"domain": self.domain}, token=self.editor)),
                         ["metric", "name", "variants"])
        self.assertEqual(bad(name="'; DROP TABLE ab_tests; --", metric="' OR 1=1 --"), ["metric"])
        r = post(ABTEST, raw=b'{"name": "\xff\xfe", "metric": "anfrage"}', token=self.editor,
                 headers={"Content-Type": "application/json"})
        self.assertIn(r.status, (400, 422))
        deep = {"name": "x"}
        for _ in range(200):
            deep = {"a": deep}
        self.assertIn(post(ABTEST, deep, token=self.editor).status, (400, 413, 422))
        self.assertEqual(psql_one("SELECT count(*) FROM ab_tests"), before)

    def test_roles(self):
        body = dict(domain=self.domain, name="Rollen", metric="anfrage", variants=two())
        is_problem(self, post(ABTEST, body, token=self.viewer), 403)
        is_problem(self, post(ABTEST, body, token=self.analyst), 403)
        is_problem(self, post(ABTEST, body), 401)
        is_problem(self, post(ABTEST, body, headers={"X-Site-Key": self.site_key,
                                                     "Origin": self.origin}), 403)
        is_problem(self, get(RESULTS), 401)
        self.assertEqual(get(RESULTS + "?site=" + self.domain, token=self.viewer).status, 200)


class Assignment(Site):
    tag = "assign"

    def test_sticky_and_recorded_once(self):
        t = self.create("Sticky", two("A", "B", 0.3, 0.7))["id"]
        first = self.assign(t)
        self.assertTrue(first["new"])
        self.assertEqual(first["allocation"], "hash")
        for _ in range(6):
            j = self.assign(t)
            self.assertEqual((j["index"], j["variant"], j["new"]),
                             (first["index"], first["variant"], False))
        picks = [self.assign(t, ua=UA % (v, v))["index"] for v in range(40, 100)]
        self.assertEqual(set(picks), {0, 1})
        self.assertGreater(picks.count(1), picks.count(0))      # 0.7 against 0.3
        self.assertEqual(psql_one("SELECT count(*) FROM ab_exposures WHERE test_id ="
                                  " :'v1'::bigint", t), "61")
        rows = psql("SELECT variant, count(*) FROM ab_exposures WHERE test_id = :'v1'::bigint"
                    " GROUP BY 1 ORDER BY 1", t)
        res = self.results(t)
        self.assertEqual([v["exposures"] for v in res["variants"]],
                         [int(n) for _, n in rows])

    def test_conversions_come_from_tracked_goals(self):
        t = self.create("Ziele", two())["id"]
        ua = UA % (77, 77)
        v = self.assign(t, ua=ua)["index"]
        r = post("/api/level2/ux-signals/track", {"type": "event", "name": "anfrage",
                 "url": self.origin + "/angebot"},
                 headers={"X-Site-Key": self.site_key, "Origin": self.origin}, ua=ua)
        self.assertEqual(r.status, 202, r)
        other = post("/api/level2/ux-signals/track", {"type": "event", "name": "anfrage",
                     "url": self.origin + "/angebot"},
                     headers={"X-Site-Key": self.site_key, "Origin": self.origin}, ua=UA % (9, 9))
        self.assertEqual(other.status, 202, other)         # a goal of a visitor never exposed
        wait_until(lambda: sum(x["conversions"] for x in self.results(t)["variants"]) > 0)
        res = self.results(t)
        self.assertEqual([x["conversions"] for x in res["variants"]],
                         [1 if i == v else 0 for i in range(2)])
        self.assertEqual([x["exposures"] for x in res["variants"]],
                         [1 if i == v else 0 for i in range(2)])

    def test_goal_before_exposure_does_not_count(self):
        t = self.create("Vorher", two())["id"]
        self.backdate(t)
        psql("INSERT INTO ab_exposures VALUES (:'v1'::bigint, 555, 1, now() - interval '1 day')", t)
        insert_events(self.domain, "ts, visitor_id, kind, host, path, device, name",
                      ["(now() - interval '2 days', 555, 'event', 'x', '/', 'desktop', 'anfrage')"])
        self.assertEqual(self.results(t)["variants"][1]["conversions"], 0)
        insert_events(self.domain, "ts, visitor_id, kind, host, path, device, name",
                      ["(now() - interval '1 hour', 555, 'event', 'x', '/', 'desktop', 'anfrage')",
                       "(now() - interval '1 minute', 555, 'event', 'x', '/', 'desktop', 'anfrage')"])
        self.assertEqual(self.results(t)["variants"][1]["conversions"], 1)   # a visitor, once

    def test_refusals(self):
        t = self.create("Beendet", two())["id"]
        psql("UPDATE ab_tests SET ended_at = now() WHERE id = :'v1'::bigint", t)
        is_problem(self, post(ABTEST, {"test": t}, headers={"X-Site-Key": self.site_key,
                                                             "Origin": self.origin}), 409)
        foreign = psql_one("SELECT min(t.id) FROM ab_tests t JOIN sites s ON s.id = t.site_id"
                           " WHERE s.domain <> :'v1'", self.domain)
        if foreign:
            is_problem(self, post(ABTEST, {"test": int(foreign)}, headers={
                "X-Site-Key": self.site_key, "Origin": self.origin}), 404)
        is_problem(self, post(ABTEST, {"test": t}, headers={
            "X-Site-Key": self.site_key, "Origin": "https://evil.example"}), 403)
        is_problem(self, post(ABTEST, {"test": t}, token=self.editor), 403)
        self.assertEqual(fields(self, post(ABTEST, {"test": "eins"}, headers={
            "X-Site-Key": self.site_key, "Origin": self.origin})), ["test"])

    def test_thompson_allocation(self):
        t = self.create("Thompson", two(), thompson=True)["id"]
        self.backdate(t)
        self.plant(t, [(400, 8), (400, 80)])
        first = self.assign(t, ua=UA % (33, 33))
        self.assertEqual(first["allocation"], "thompson")
        self.assertEqual(self.assign(t, ua=UA % (33, 33))["index"], first["index"])
        picks = [self.assign(t, ua=UA % (v, v))["index"] for v in range(200, 230)]
        self.assertGreaterEqual(picks.count(1), 29)   # 20 % against 2 %: B nearly always


class Figures(Site):
    tag = "figures"

    def test_against_r(self):
        t = self.create("Gegen R", two())["id"]
        self.backdate(t)
        self.plant(t, [(1000, 100), (1000, 130)])
        res = self.results(t)
        c, b = res["variants"]
        self.assertEqual((c["exposures"], c["conversions"], b["exposures"], b["conversions"]),
                         (1000, 100, 1000, 130))
        self.assertAlmostEqual(b["rate"], 0.13, places=12)
        self.assertAlmostEqual(b["p_value"], 0.035488450466, delta=1e-6)
        self.assertAlmostEqual(b["uplift"]["absolute"], 0.03, places=12)
        self.assertAlmostEqual(b["uplift"]["absolute_ci95"][0], 0.002067934439, delta=1e-6)
        self.assertAlmostEqual(b["uplift"]["absolute_ci95"][1], 0.057932065561, delta=1e-6)
        self.assertAlmostEqual(b["uplift"]["relative"], 0.3, places=12)
        self.assertAlmostEqual(b["uplift"]["relative_ci95"][0], -0.019179397714, delta=1e-6)
        self.assertAlmostEqual(b["uplift"]["relative_ci95"][1], 0.619179397714, delta=1e-6)
        self.assertAlmostEqual(b["chance_to_beat_control"], 0.982165066116, delta=1e-6)
        self.assertTrue(b["significant"])
        self.assertNotIn("uplift", c)
        self.assertFalse(res["srm"]["mismatch"])
        self.assertAlmostEqual(res["srm"]["p_value"], 1.0, delta=1e-12)
        # a 98 % chance would ship, but neither arm has 150 conversions yet
        self.assertEqual(res["decision"]["decision"], "keep running")
        self.assertIn("150", res["decision"]["reason"])

    def test_ship(self):
        t = self.create("Versenden", two())["id"]
        self.backdate(t)
        self.plant(t, [(5000, 250), (5000, 330)])
        res = self.results(t)
        b = res["variants"][1]
        self.assertAlmostEqual(b["p_value"], 0.000620353610, delta=1e-6)
        self.assertAlmostEqual(b["chance_to_beat_control"], 0.999691984982, delta=1e-6)
        self.assertEqual((res["decision"]["decision"], res["decision"]["winner"]),
                         ("ship", "Variante B"))

    def test_srm_stops(self):
        t = self.create("SRM", [{"name": "A", "weight": 0.2}, {"name": "B", "weight": 0.4},
                                {"name": "C", "weight": 0.4}])["id"]
        self.backdate(t)
        self.plant(t, [(1000, 10), (2050, 30), (2950, 40)])
        res = self.results(t)
        self.assertTrue(res["srm"]["mismatch"] and res["srm"]["applies"])
        self.assertAlmostEqual(res["srm"]["chisq"], 210.416666666667, delta=1e-6)
        self.assertAlmostEqual(res["srm"]["p_value"], 2.03517323776221e-46, delta=1e-6)
        self.assertEqual(res["decision"]["decision"], "stop")
        self.assertIn("sample-ratio", res["decision"]["reason"])

    def test_stop_when_control_wins(self):
        t = self.create("Kontrolle gewinnt", two())["id"]
        self.backdate(t)
        self.plant(t, [(4000, 400), (4000, 300)])
        res = self.results(t)
        self.assertLess(res["variants"][1]["chance_to_beat_control"], 0.05)
        self.assertEqual((res["decision"]["decision"], res["decision"]["winner"]),
                         ("stop", "Kontrolle"))

    def test_no_data(self):
        t = self.create("Leer", two())["id"]
        res = self.results(t)
        self.assertEqual(res["exposures"], 0)
        self.assertIsNone(res["variants"][0]["rate"])
        self.assertIsNone(res["variants"][1]["p_value"])
        self.assertFalse(res["srm"]["applies"])
        self.assertEqual(res["decision"]["decision"], "keep running")

    def test_listing_and_paging(self):
        for i in range(3):
            self.create("Liste %d" % i, two())
        r = get(RESULTS + "?site=%s&limit=2" % self.domain, token=self.viewer)
        self.assertEqual(r.status, 200, r)
        ids = [x["id"] for x in r.json["items"]]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertIsNotNone(r.json["next_cursor"])
        r2 = get(RESULTS + "?site=%s&limit=2&cursor=%s" % (self.domain, r.json["next_cursor"]),
                 token=self.viewer)
        self.assertTrue(all(x["id"] < ids[-1] for x in r2.json["items"]))
        self.assertEqual(fields(self, get(RESULTS + "?cursor=nope", token=self.viewer)), ["cursor"])
        self.assertEqual(fields(self, get(RESULTS + "?limit=501", token=self.viewer)), ["limit"])
        is_problem(self, get(RESULTS + "?test=999999999999", token=self.viewer), 404)


PREDICTIONS = "/api/level4/ai-content/predictions"


class Predictions(unittest.TestCase):
    """A site of its own with an inventory whose pageviews follow the word count
    (views = words / 10 + the number of H1s * 20, exactly): the model must learn it
    and beat the mean baseline by far."""

    @classmethod
    def setUpClass(cls):
        cls.analyst = token_for("analyst")
        cls.viewer = token_for("viewer")
        cls.domain = "exp-%s-pred.example.org" % RUN
        zoe("site", "add", "--domain", cls.domain, "--origin", "https://" + cls.domain)
        cls.small = "exp-%s-few.example.org" % RUN
        zoe("site", "add", "--domain", cls.small, "--origin", "https://" + cls.small)
        cls.pages(cls.domain, 32)
        cls.pages(cls.small, 29)

    @classmethod
    def tearDownClass(cls):
        # the inventory is shared with the metadata audit's pages: leave it as found
        psql("DELETE FROM pages WHERE site_id IN (SELECT id FROM sites WHERE domain IN (:'v1', :'v2'))",
             cls.domain, cls.small)

    @staticmethod
    def pages(domain, n):
        psql("INSERT INTO pages (site_id, url, url_norm, path, title, meta_description, h1s,"
             " word_count) SELECT s.id, 'https://' || s.domain || '/p' || g,"
             " 'https://' || s.domain || '/p' || g, '/p' || g,"
             " 'Seite ' || repeat('Solar ', 1 + g % 7), repeat('x', 80 + (g * 37) % 90),"
             " CASE WHEN g % 3 = 0 THEN ARRAY['a', 'b'] ELSE ARRAY['a'] END, 200 + (g * 53) % 900"
             " FROM sites s, generate_series(1, :'v2'::int) g WHERE s.domain = :'v1'", domain, n)
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, host, path, device)"
             " SELECT p.site_id, now() - interval '1 day', 1, 'pageview', :'v1', p.path, 'desktop'"
             " FROM pages p JOIN sites s ON s.id = p.site_id,"
             " generate_series(1, p.word_count / 10 + cardinality(p.h1s) * 20) k"
             " WHERE s.domain = :'v1'", domain)

    def test_model_learns_and_is_versioned(self):
        r = get(PREDICTIONS + "?site=%s&limit=100" % self.domain, token=self.analyst)
        self.assertEqual(r.status, 200, r)
        check_schema(r.json, "level4AiContentPredictions")
        j = r.json
        self.assertEqual((j["pages"], j["pages_with_data"], j["metrics"]["n"]), (32, 32, 32))
        self.assertTrue(j["model"]["trained_now"])
        m = j["metrics"]
        self.assertTrue(m["beats_baseline"])
        self.assertLess(m["cv_rmse"], m["baseline_rmse"] / 3)
        self.assertLess(m["cv_mae"], m["baseline_mae"] / 3)
        w = {x["name"]: x for x in j["weights"]}
        self.assertGreater(w["words"]["per_unit"], 0.05)        # 0.1 per word, shrunk
        self.assertEqual(w["age_days"]["sd"], 0)                  # all pages alike: unused
        self.assertEqual(w["images"]["per_unit"], 0)
        self.assertEqual(len(j["items"]), 32)
        preds = [x["predicted"] for x in j["items"]]
        self.assertEqual(preds, sorted(preds, reverse=True))
        for x in j["items"]:
            lo, hi = x["interval95"]
            self.assertLessEqual(lo, x["predicted"])
            self.assertAlmostEqual(hi - x["predicted"], 1.959963984540054 * m["cv_rmse"], places=6)
        top = j["items"][0]
        self.assertLess(abs(top["predicted"] - top["pageviews"]), 3 * m["cv_rmse"])
        stored = psql("SELECT version, metrics->>'n' FROM models m JOIN sites s ON s.id ="
                      " m.site_id WHERE kind = 'content-clicks' AND s.domain = :'v1'", self.domain)
        self.assertEqual(stored, [["1", "32"]])
        again = get(PREDICTIONS + "?site=%s" % self.domain, token=self.analyst).json
        self.assertEqual((again["model"]["version"], again["model"]["trained_now"]), (1, False))
        psql("INSERT INTO jobs (kind) VALUES ('content-model')")
        wait_until(lambda: psql_one("SELECT max(version) FROM models m JOIN sites s ON s.id ="
                                    " m.site_id WHERE kind = 'content-clicks' AND s.domain = :'v1'",
                                    self.domain) == "2", timeout=90)
        self.assertEqual(get(PREDICTIONS + "?site=%s" % self.domain,
                             token=self.analyst).json["model"]["version"], 2)

    def test_too_little_data(self):
        r = get(PREDICTIONS + "?site=%s" % self.small, token=self.analyst)
        p = is_problem(self, r, 409)
        self.assertIn("29 pages", p["detail"])
        self.assertIn("30", p["detail"])
        self.assertEqual(psql_one("SELECT count(*) FROM models m JOIN sites s ON s.id = m.site_id"
                                  " WHERE s.domain = :'v1'", self.small), "0")

    def test_roles_and_input(self):
        is_problem(self, get(PREDICTIONS + "?site=%s" % self.domain, token=self.viewer), 403)
        is_problem(self, get(PREDICTIONS), 401)
        self.assertEqual(fields(self, get(PREDICTIONS + "?site=nirgends.example.org",
                                          token=self.analyst)), ["site"])
        self.assertEqual(fields(self, get(PREDICTIONS + "?site=%s&limit=0" % self.domain,
                                          token=self.analyst)), ["limit"])


if __name__ == "__main__":
    unittest.main()
