"""#7 POST /api/level2/optimization/recommend and #8 GET /api/level2/optimization/status:
rules find stored defects, dedup by (rule, target), auto-resolve, dismiss, paginate."""
import unittest

from zoelib import RUN, get, is_problem, post, psql, psql_one, token_for

DEMO_KEY = "site_demo_zoe_solar"
TRACK = "/api/level2/ux-signals/track"

RECOMMEND = "/api/level2/optimization/recommend"
STATUS = "/api/level2/optimization/status"


def find(items, rule, target):
    for it in items:
        if it["rule"] == rule and it["target"] == target:
            return it
    return None


def all_items(token, **query):
    """Every recommendation through the cursor, so pagination is exercised too."""
    items, cursor = [], None
    qs = "&".join("%s=%s" % kv for kv in query.items())
    while True:
        r = get(STATUS + "?limit=100&" + qs + ("&cursor=" + cursor if cursor else ""), token=token)
        assert r.status == 200, r
        items += r.json["items"]
        cursor = r.json["next_cursor"]
        if not cursor:
            return items


class Optimization(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.viewer = token_for("viewer")
        cls.path = "/it-%s/produkt" % RUN
        cls.url = "https://zoe-solar.de" + cls.path     # rules name pages by URL
        # a product page without meta description and without H1, 120 words: three findings
        psql("INSERT INTO pages (url, url_norm, path, page_group, title, meta_description, h1s, "
             "lang, word_count) VALUES (:'v1', :'v1', :'v2', 'produkte', 'Testseite', NULL, "
             "'{}', 'de', 120)", cls.url, cls.path)

    @classmethod
    def tearDownClass(cls):
        psql("DELETE FROM pages WHERE path = :'v1'", cls.path)
        psql("DELETE FROM events WHERE path LIKE :'v1'", "/it-%s/lcp-%%" % RUN)
        psql("DELETE FROM recommendations WHERE target LIKE :'v1'", "/it-%s/lcp-%%" % RUN)
        psql("DELETE FROM recommendations WHERE target = :'v1'", cls.url)

    def run_engine(self):
        r = post(RECOMMEND, {}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_findings_priority_resolve_and_dismiss(self):
        run = self.run_engine()["run"]
        self.assertEqual(run["rules"], 20)        # live-metric rules run in a request too
        items = all_items(self.viewer, status="open")
        desc = find(items, "meta-description-missing", self.url)
        h1 = find(items, "meta-h1-missing", self.url)
        thin = find(items, "content-thin", self.url)
        for it in (desc, h1, thin):
            self.assertIsNotNone(it)
        # no pageviews: traffic weight 0.5; priority = impact × weight × confidence ÷ effort
        self.assertAlmostEqual(desc["impact"], 4 * 0.5)
        self.assertAlmostEqual(desc["priority"], 4 * 0.5 * 1.0 / 1, places=3)
        self.assertAlmostEqual(thin["priority"], round(5 * 0.5 * 0.7 / 6, 3), places=3)
        self.assertEqual(thin["evidence"]["words"], 120)
        self.assertEqual(desc["category"], "metadata")

        # the same run again: deduplicated, nothing new for this page
        self.run_engine()
        n = psql_one("SELECT count(*) FROM recommendations WHERE target = :'v1'", self.url)
        self.assertEqual(n, "3")

        # fix the description: the finding resolves on the next run
        psql("UPDATE pages SET meta_description = repeat('Solarstrom ', 13) WHERE path = :'v1'",
             self.path)
        out = self.run_engine()
        self.assertGreaterEqual(out["run"]["resolved"], 1)
        status = psql_one("SELECT status FROM recommendations WHERE rule = "
                          "'meta-description-missing' AND target = :'v1'", self.url)
        self.assertEqual(status, "resolved")

        # dismiss the H1 finding: it stays dismissed across runs
        r = post(RECOMMEND, {"dismiss": [h1["id"]]}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["dismissed"], [h1["id"]])
        self.run_engine()
        dismissed = all_items(self.viewer, status="dismissed")
        self.assertIsNotNone(find(dismissed, "meta-h1-missing", self.url))
        # dismissing twice changes nothing
        r = post(RECOMMEND, {"dismiss": [h1["id"]]}, token=self.editor)
        self.assertEqual(r.json["unchanged"], 1)

        # undo: restore puts it back to open, once; a run keeps it open while it holds
        r = post(RECOMMEND, {"restore": [h1["id"]]}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["restored"], [h1["id"]])
        self.assertEqual(r.json["unchanged"], 0)
        self.run_engine()
        self.assertIsNotNone(find(all_items(self.viewer, status="open"), "meta-h1-missing",
                                  self.url))
        r = post(RECOMMEND, {"restore": [h1["id"]]}, token=self.editor)
        self.assertEqual((r.json["restored"], r.json["unchanged"]), ([], 1))

    def track_lcp(self, path, ms, n=25):
        batch = [{"type": "vital", "name": "LCP", "value": ms, "url": path,
                  "id": "v4-it-%s-%s-%d" % (RUN, path[-4:], i)} for i in range(n)]
        r = post(TRACK, batch, headers={"X-Site-Key": DEMO_KEY, "Origin": "https://zoe-solar.de"})
        self.assertEqual(r.status, 202, r)

    def test_priority_grows_with_how_far_a_vital_misses(self):
        # equal traffic (none), one page far into "poor", one just over "good": the far
        # miss must come first, and ahead of a one-line metadata fix of equal traffic
        far, near = "/it-%s/lcp-far" % RUN, "/it-%s/lcp-near" % RUN
        self.track_lcp(far, 6500)
        self.track_lcp(near, 2600)
        self.run_engine()
        items = all_items(self.viewer, status="open")
        f = find(items, "cwv-lcp", far)       # relative beacon URLs: the target is the path
        n = find(items, "cwv-lcp", near)
        desc = find(items, "meta-description-missing", self.url)
        self.assertIsNotNone(f)
        self.assertIsNotNone(n)
        self.assertGreater(f["priority"], 2 * n["priority"])
        if desc is not None:                # resolved when the other test ran first
            self.assertGreater(f["priority"], desc["priority"])
        self.assertGreater(f["priority"], 4 * 0.5 * 1.0 / 1)

    def test_status_counts_progress_and_cursor(self):
        self.run_engine()
        r = get(STATUS + "?limit=1", token=self.viewer)
        self.assertEqual(r.status, 200, r)
        j = r.json
        total = sum(j["counts"].values())
        self.assertEqual(total, int(psql_one("SELECT count(*) FROM recommendations")))
        self.assertGreaterEqual(len(j["progress"]), 1)
        self.assertEqual(len(j["items"]), 1)
        self.assertIsNotNone(j["next_cursor"])
        everything = all_items(self.viewer, status="all")
        self.assertEqual(len(everything), total)
        prios = [(it["priority"], it["id"]) for it in everything]
        self.assertEqual(prios, sorted(prios, reverse=True))
        self.assertEqual(len({it["id"] for it in everything}), total)

    def test_roles_and_bad_input(self):
        is_problem(self, post(RECOMMEND, {}, token=self.viewer), 403)
        is_problem(self, post(RECOMMEND, {}), 401)
        is_problem(self, get(STATUS), 401)
        p = is_problem(self, get(STATUS + "?status=maybe&limit=0&cursor=%%%", token=self.viewer), 422)
        fields = sorted(e["field"] for e in p["errors"])
        self.assertEqual(fields, ["cursor", "limit", "status"])
        p = is_problem(self, post(RECOMMEND, {"dismiss": ["x", -1]}, token=self.editor), 422)
        self.assertEqual(sorted(e["field"] for e in p["errors"]), ["dismiss[0]", "dismiss[1]"])
        is_problem(self, post(RECOMMEND, [1, 2], token=self.editor), 422)
        p = is_problem(self, post(RECOMMEND, {"restore": [0]}, token=self.editor), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["restore[0]"])
        p = is_problem(self, post(RECOMMEND, {"dismiss": [1], "restore": [1]}, token=self.editor), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["restore"])


if __name__ == "__main__":
    unittest.main()
