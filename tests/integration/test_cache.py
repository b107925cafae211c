"""The report cache: a report whose data did not change is served from a worker's cache
(X-Cache: hit, the same body); a write to the data it reads invalidates it at once, in
every worker. Each worker has its own cache, so "a hit" is looked for over a few tries."""
import secrets
import unittest

from zoelib import CHROME_UA, RUN, get, post, token_for, zoe

REVIEWS = "/api/level2/social-proof/report"
UX = "/api/level2/ux-signals/metrics"
TIMESERIES = "/api/level5/analytics/timeseries"


class Cache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.viewer = token_for("viewer")
        cls.editor = token_for("editor")

    def until_hit(self, path):
        """Asks until a worker answers from its cache; returns (first reply, the hit)."""
        first = get(path, token=self.viewer)
        self.assertEqual(first.status, 200, first)
        for _ in range(40):
            r = get(path, token=self.viewer)
            self.assertEqual(r.status, 200, r)
            if r.headers.get("X-Cache") == "hit":
                return first, r
        self.fail("no worker served %s from its cache" % path)

    def every_worker(self, path, check):
        """The next answers, hit or miss, all see the change."""
        for _ in range(12):
            r = get(path, token=self.viewer)
            self.assertEqual(r.status, 200, r)
            check(r)

    def test_reviews_report_hit_then_invalidated_by_an_import(self):
        source = "cache%s" % secrets.token_hex(3)
        review = {"source": source, "external_id": "r1", "rating": 5, "author": "Jana K.",
                  "text": "Sehr gute Beratung.", "published_at": "2026-05-04T10:00:00Z"}
        self.assertEqual(post("/api/level2/social-proof/integrate", [review],
                              token=self.editor).status, 200)
        path = REVIEWS + "?source=" + source
        first, hit = self.until_hit(path)
        self.assertEqual(hit.body, first.body)
        self.assertEqual(hit.json["n"], 1)
        review2 = dict(review, external_id="r2", rating=1, text="Nie wieder.")
        self.assertEqual(post("/api/level2/social-proof/integrate", [review2],
                              token=self.editor).status, 200)
        self.every_worker(path, lambda r: self.assertEqual(r.json["n"], 2))

    def test_ux_metrics_invalidated_by_beacons(self):
        domain = "cache-%s.example" % RUN
        origin = "https://" + domain
        key = zoe("site", "add", "--domain", domain, "--origin", origin)
        page = "/cache-%s" % secrets.token_hex(3)

        def track(value):
            r = post("/api/level2/ux-signals/track",
                     [{"name": "LCP", "value": value, "url": page}] * 5, ua=CHROME_UA,
                     headers={"X-Site-Key": key, "Origin": origin})
            self.assertEqual(r.json["accepted"], 5, r)

        track(1000)
        path = UX + "?site=%s&path=%s" % (domain, page)
        first, hit = self.until_hit(path)
        self.assertEqual(hit.json["pages"][0]["vitals"]["LCP"]["samples"], 5)
        track(5000)                 # COPY into the partitioned table bumps the version too
        self.every_worker(path, lambda r: self.assertEqual(
            r.json["pages"][0]["vitals"]["LCP"]["samples"], 10))

    def test_csv_keeps_its_headers_from_the_cache(self):
        path = TIMESERIES + "?format=csv&from=2026-01-01&to=2026-01-31"
        first, hit = self.until_hit(path)
        self.assertEqual(hit.body, first.body)
        self.assertTrue(hit.headers["Content-Type"].startswith("text/csv"))
        self.assertIn("timeseries.csv", hit.headers.get("Content-Disposition", ""))


if __name__ == "__main__":
    unittest.main()
