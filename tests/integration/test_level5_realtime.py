"""#44 GET /api/level5/analytics/realtime: visitors of the last 5 minutes, pageviews per UTC
minute for 30 minutes (zero-filled, oldest first), top pages and entry sources now, never
cached, roles, 422 naming the field."""
import datetime
import unittest
import urllib.parse

from zoelib import RUN, add_site_events, get, insert_events, is_problem, psql, token_for

PATH = "/api/level5/analytics/realtime"
DOMAIN = "rt-%s.example.org" % RUN

# (seconds ago, visitor, kind, path, source)
EVENTS = [
    (600, 1, "pageview", "/", "google"),          # starts 1's visit
    (120, 1, "pageview", "/preise", "direct"),    # same visit: its source stays google
    (60, 2, "pageview", "/preise", "bing"),
    (420, 3, "pageview", "/", "direct"),          # 7 minutes ago: not in the window
    (3000, 4, "pageview", "/", "newsletter"),     # 50 minutes ago, then 49 silent minutes
    (30, 4, "engagement", "/", "direct"),         # a new visit, entered direct
]


COLUMNS = "ts, visitor_id, kind, path, device, source"


def rows(events):
    return ["(now() - interval '%d seconds', %d, '%s', '%s', 'desktop', '%s')" % e
            for e in events]


def minute_of(t):
    return t.strftime("%Y-%m-%dT%H:%M:00Z")


class Realtime(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inserted = datetime.datetime.now(datetime.timezone.utc)
        add_site_events(DOMAIN, COLUMNS, rows(EVENTS))
        cls.token = token_for("viewer")

    def fetch(self, **q):
        q.setdefault("site", DOMAIN)
        r = get(PATH + "?" + urllib.parse.urlencode(q), token=self.token)
        self.assertEqual(r.status, 200, r)
        return r

    def test_now(self):
        j = self.fetch().json
        self.assertEqual((j["site"], j["window_minutes"]), (DOMAIN, 5))
        self.assertEqual(j["visitors"], 3)
        self.assertEqual(j["top_pages"], [{"path": "/preise", "visitors": 2}])
        self.assertEqual(j["top_sources"], [{"source": "bing", "visitors": 1},
                                            {"source": "direct", "visitors": 1},
                                            {"source": "google", "visitors": 1}])

    def test_pageviews_per_minute(self):
        before = datetime.datetime.now(datetime.timezone.utc)
        j = self.fetch().json
        after = datetime.datetime.now(datetime.timezone.utc)
        m = j["per_minute"]
        self.assertEqual(len(m), 30)
        self.assertIn(m[-1]["minute"], {minute_of(before), minute_of(after)})
        stamps = [datetime.datetime.strptime(x["minute"], "%Y-%m-%dT%H:%M:%SZ") for x in m]
        self.assertEqual([(b - a).total_seconds() for a, b in zip(stamps, stamps[1:])], [60] * 29)
        self.assertEqual(j["pageviews_30_minutes"], 4)
        self.assertEqual(sum(x["pageviews"] for x in m), 4)
        # each pageview in the bucket of its minute (the 50-minute-old one in none)
        want = {}
        for ago, _, kind, _, _ in EVENTS:
            if kind == "pageview" and ago < 1800:
                k = minute_of(self.inserted - datetime.timedelta(seconds=ago))
                want[k] = want.get(k, 0) + 1
        got = {x["minute"]: x["pageviews"] for x in m if x["pageviews"]}
        # the insert and the clock read may straddle a minute: allow one minute of skew
        if got != want:
            later = {}
            for k, v in want.items():
                t = datetime.datetime.strptime(k, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(minutes=1)
                later[minute_of(t)] = v
            self.assertIn(got, (want, later))

    def test_never_cached(self):
        r1 = self.fetch(limit=1)
        self.assertEqual(r1.headers.get("Cache-Control"), "no-store")
        self.assertNotEqual(r1.headers.get("X-Cache"), "hit")
        self.assertEqual(len(r1.json["top_pages"]), 1)
        self.assertEqual(len(r1.json["top_sources"]), 1)
        insert_events(DOMAIN, COLUMNS, rows([(0, 99, "pageview", "/neu", "direct")]))
        try:
            r2 = self.fetch(limit=1)
            self.assertEqual(r2.json["visitors"], r1.json["visitors"] + 1)
            self.assertEqual(r2.json["pageviews_30_minutes"], r1.json["pageviews_30_minutes"] + 1)
        finally:
            psql("DELETE FROM events WHERE visitor_id = 99 AND site_id ="
                 " (SELECT id FROM sites WHERE domain = :'v1')", DOMAIN)

    def test_all_sites_without_site(self):
        r = get(PATH, token=self.token)
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json["site"])
        self.assertGreaterEqual(r.json["visitors"], 3)
        self.assertEqual(len(r.json["per_minute"]), 30)

    def test_422_names_the_field(self):
        for q, field in (({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"),
                         ({"limit": "x"}, "limit"), ({"site": "a b"}, "site"),
                         ({"site": "unknown-%s.example" % RUN}, "site")):
            p = is_problem(self, get(PATH + "?" + urllib.parse.urlencode(q), token=self.token), 422)
            self.assertEqual([e["field"] for e in p["errors"]], [field], q)

    def test_auth(self):
        is_problem(self, get(PATH), 401)
        is_problem(self, get(PATH, token="not-a-jwt"), 401)


if __name__ == "__main__":
    unittest.main()
