"""The report cache: a report whose data did not change is served from a worker's cache
(X-Cache: hit, the same body); a write to the data it reads invalidates it at once, in
every worker. Each worker has its own cache, so "a hit" is looked for over a few tries."""
import datetime
import os
import secrets
import subprocess
import time
import unittest

from zoelib import (CHROME_UA, ROOT, RUN, VAR, fcgi_get, free_port, get, post, psql,
                    psql_one, rollup, stack_env, start_pool, token_for, zoe)

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

    def test_closed_days_stay_cached_through_todays_beacons(self):
        domain = "closed-%s-%s.example" % (RUN, secrets.token_hex(3))
        origin = "https://" + domain
        key = zoe("site", "add", "--domain", domain, "--origin", origin)
        site_id = psql_one("SELECT id FROM sites WHERE domain = :'v1'", domain)
        page = "/closed-%s" % secrets.token_hex(3)
        day = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=2)).date()

        def late_rows(n):           # back-filled vitals of that closed day
            psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device, name, value) "
                 "SELECT :'v1', (:'v2')::timestamptz, g, 'vital', :'v3', 'desktop', 'LCP', 1200 "
                 "FROM generate_series(1, %d) g" % n, site_id, "%s 12:00:00+00" % day, page)
            rollup()                # late rows reach the reports through the rollups

        def samples(r):
            return r.json["pages"][0]["vitals"]["LCP"]["samples"]

        late_rows(5)
        path = UX + "?site=%s&path=%s&from=%s&to=%s" % (domain, page, day, day)
        first, hit = self.until_hit(path)
        self.assertEqual(samples(hit), 5)
        r = post("/api/level2/ux-signals/track", [{"name": "LCP", "value": 900, "url": page}] * 3,
                 headers={"X-Site-Key": key, "Origin": origin})
        self.assertEqual(r.json["accepted"], 3, r)
        # today's beacons leave the report over that day cached (one store: Redis)
        after = [get(path, token=self.viewer) for _ in range(4)]
        self.assertEqual([a.headers.get("X-Cache") for a in after], ["hit"] * 4)
        self.assertEqual({a.body for a in after}, {first.body})
        late_rows(2)                # a late row for that day invalidates it everywhere
        self.every_worker(path, lambda r: self.assertEqual(samples(r), 7))

    def test_csv_keeps_its_headers_from_the_cache(self):
        path = TIMESERIES + "?format=csv&from=2026-01-01&to=2026-01-31"
        first, hit = self.until_hit(path)
        self.assertEqual(hit.body, first.body)
        self.assertTrue(hit.headers["Content-Type"].startswith("text/csv"))
        self.assertIn("timeseries.csv", hit.headers.get("Content-Disposition", ""))


    def redis(self, *args):
        sock = stack_env("ZOE_REDIS")
        if not sock.startswith("unix:"):
            self.skipTest("the stack runs without its own Redis")
        return subprocess.run(["redis-cli", "-s", sock[5:]] + list(args), capture_output=True,
                              text=True, timeout=10).stdout

    def test_shared_through_redis_and_served_when_redis_is_down(self):
        path = TIMESERIES + "?from=2026-02-01&to=2026-02-28&n=%s" % secrets.token_hex(3)
        self.assertEqual(self.redis("ping").strip(), "PONG")
        first = get(path, token=self.viewer)
        self.assertEqual(first.headers.get("X-Cache"), "miss")
        self.assertIn("zoe:report:GET " + path, self.redis("--scan", "--pattern", "zoe:report:*"))
        # one store for every worker: the very next request is a hit, whoever serves it
        self.assertEqual([get(path, token=self.viewer).headers.get("X-Cache") for _ in range(4)],
                         ["hit"] * 4)
        self.redis("shutdown", "nosave")
        try:
            for _ in range(6):      # each worker finds Redis gone and answers anyway
                r = get(path, token=self.viewer)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json["totals"], first.json["totals"])
        finally:
            subprocess.run([os.path.join(ROOT, "scripts/dev"), "redis-up"], check=True,
                           env=dict(os.environ, ZOE_VAR=VAR), capture_output=True, timeout=30)
        self.assertEqual(self.redis("ping").strip(), "PONG")

    def test_each_worker_keeps_its_own_without_redis(self):
        port = free_port()
        pool = start_pool(port, ZOE_REDIS="")
        try:
            auth = {"HTTP_AUTHORIZATION": "Bearer " + self.viewer}
            q = "from=2026-03-01&to=2026-03-31"
            first = fcgi_get(port, "/api/level5/analytics/timeseries", q, auth)
            second = fcgi_get(port, "/api/level5/analytics/timeseries", q, auth)
            self.assertIn("X-Cache: miss", first)
            self.assertIn("X-Cache: hit", second)
            self.assertEqual(first.split("\r\n\r\n", 1)[1], second.split("\r\n\r\n", 1)[1])
        finally:
            pool.terminate()
            pool.wait(timeout=15)


if __name__ == "__main__":
    unittest.main()
