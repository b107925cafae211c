"""Rate limits: nginx limits the public beacon endpoints per site key and address
(nginx/zoe.conf.in), the pool limits each API key with a token bucket shared by every
worker and, through Redis, every host (core/ratelimit.c). Both answer 429
problem+json with Retry-After; normal traffic never meets them."""
import secrets
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from zoelib import (RUN, fcgi_get, free_port, get, is_problem, post, request, stack_env,
                    start_pool, zoe)

TRACK = "/api/level2/ux-signals/track"
EVENTS = "/api/level5/analytics/events"
# nginx/zoe.conf.in: 20 beacons/s per site key and address, bursts of 200
BEACON_BURST = 200
# core/config.c defaults: ZOE_APIKEY_RATE 20/s, ZOE_APIKEY_BURST 100
KEY_BURST = 100


def flood(send, n, threads=8):
    """n calls of send() over `threads` threads; returns (replies, seconds taken)."""
    t0 = time.monotonic()
    with ThreadPoolExecutor(threads) as ex:
        replies = list(ex.map(lambda _: send(), range(n)))
    return replies, time.monotonic() - t0


def assert_limited(test, replies, took, ok, burst, rate, who):
    """A flood's replies: `ok` or 429, as many `ok` as the burst and the refill allow,
    and the 429s are problem+json naming `who` with a Retry-After."""
    statuses = [r.status for r in replies]
    test.assertLessEqual(set(statuses), {ok, 429}, statuses)
    test.assertGreaterEqual(statuses.count(ok), burst)
    test.assertLessEqual(statuses.count(ok), burst + rate * took + 5)
    limited = next(r for r in replies if r.status == 429)
    test.assertIn(who, is_problem(test, limited, 429)["detail"])
    test.assertGreaterEqual(int(limited.headers["Retry-After"]), 1)


def new_site():
    domain = "rl-%s-%s.example" % (RUN, secrets.token_hex(3))
    origin = "https://" + domain
    return zoe("site", "add", "--domain", domain, "--origin", origin), origin


def beacon(key, origin, path=TRACK):
    return post(path, [{"name": "LCP", "value": 1500, "url": "/rl"}],
                headers={"X-Site-Key": key, "Origin": origin})


class BeaconLimit(unittest.TestCase):
    def test_a_flood_gets_429_with_retry_after(self):
        key, origin = new_site()
        replies, took = flood(lambda: beacon(key, origin), BEACON_BURST + 100)
        assert_limited(self, replies, took, 202, BEACON_BURST, 20, "beacons")

    def test_every_beacon_endpoint_is_limited(self):
        key, origin = new_site()
        replies, _ = flood(lambda: beacon(key, origin, EVENTS), BEACON_BURST + 60)
        self.assertIn(429, [r.status for r in replies])

    def test_normal_traffic_is_unaffected(self):
        flooder, origin = new_site()
        replies, _ = flood(lambda: beacon(flooder, origin), BEACON_BURST + 100)
        self.assertIn(429, [r.status for r in replies])
        # another site's page loads from the same address: a page view sends 3-8 beacons
        key, origin2 = new_site()
        for _ in range(5):
            self.assertEqual([beacon(key, origin2).status for _ in range(8)], [202] * 8)
        # the preflight is never limited
        r = request("OPTIONS", TRACK, headers={"Origin": origin})
        self.assertEqual(r.status, 204)


class ApiKeyLimit(unittest.TestCase):
    def me(self, key):
        return get("/api/auth/me", headers={"X-Api-Key": key})

    def test_a_key_over_its_budget_gets_429(self):
        key = zoe("apikey", "add", "--name", "it-rl-" + secrets.token_hex(3), "--role", "viewer")
        replies, took = flood(lambda: self.me(key), 2 * KEY_BURST)
        assert_limited(self, replies, took, 200, KEY_BURST, 20, "API key")
        # other keys and users are not held up by this one
        other = zoe("apikey", "add", "--name", "it-rl-" + secrets.token_hex(3), "--role", "viewer")
        self.assertEqual(self.me(other).status, 200)

    def pool_requests(self, ports, key, n):
        """n GETs of /api/auth/me, spread over the pools on `ports`; the status codes."""
        out = []
        for i in range(n):
            raw = fcgi_get(ports[i % len(ports)], "/api/auth/me", "", {"HTTP_X_API_KEY": key})
            out.append(int(raw.split("Status: ", 1)[1][:3]))
        return out

    def limited_pools(self, count, **env):
        ports = [free_port() for _ in range(count)]
        pools = [start_pool(p, ZOE_APIKEY_BURST="5", ZOE_APIKEY_RATE="1", **env)
                 for p in ports]
        self.addCleanup(lambda: [(p.terminate(), p.wait(timeout=15)) for p in pools])
        return ports

    def test_one_budget_across_workers_without_redis(self):
        ports = self.limited_pools(1, ZOE_REDIS="", ZOE_WORKERS="3")
        key = zoe("apikey", "add", "--name", "it-rl-" + secrets.token_hex(3), "--role", "viewer")
        self.assertEqual(self.pool_requests(ports, key, 9), [200] * 5 + [429] * 4)

    def test_one_budget_across_hosts_through_redis(self):
        redis = stack_env("ZOE_REDIS")
        if not redis:
            self.skipTest("the stack runs without Redis")
        ports = self.limited_pools(2, ZOE_REDIS=redis)
        key = zoe("apikey", "add", "--name", "it-rl-" + secrets.token_hex(3), "--role", "viewer")
        self.assertEqual(self.pool_requests(ports, key, 9), [200] * 5 + [429] * 4)


if __name__ == "__main__":
    unittest.main()
