"""The integration hub: #62 GET /api/level5/hub/events under concurrent
writers, #59-#61 webhooks and their deliveries by the job runner.

Deliveries go to tests/integration/webhooks/receiver.mjs, which checks every
request with the official `standardwebhooks` npm library; a delivery that does
not verify fails the test. The stack must run with a local receiver allowed
and a short retry schedule, as `scripts/dev test` starts it:
ZOE_OUTBOUND_ALLOW=127.0.0.1/32 ZOE_WEBHOOK_SCHEDULE=1,1,1,1,1,1,1
ZOE_WEBHOOK_DISABLE_AFTER=6. Every test sends event types of its own
("ithub<run>.<tag>"), so other runs and the demo data never interfere.
"""
import json
import os
import subprocess
import threading
import time
import unittest
import urllib.request

from zoelib import (RUN, database_url, get, is_problem, post, psql, psql_one, request,
                    token_for, wait_until, zoe)

HOOKS = "/api/level5/hub/webhooks"
EVENTS = "/api/level5/hub/events"
RECEIVER = os.path.join(os.path.dirname(__file__), "webhooks")
SCHEDULE = [1, 1, 1, 1, 1, 1, 1]


def etype(tag):
    return "ithub%s.%s" % (RUN, tag)


def append(tag, n=1, **data):
    """Appends n events of type etype(tag) in one transaction; their ids."""
    rows = psql("INSERT INTO event_log (type, data) SELECT :'v1', jsonb_build_object("
                "'n', g, 'extra', :'v2'::jsonb) FROM generate_series(1, %d) g RETURNING id" % n,
                etype(tag), json.dumps(data))
    return [int(r[0]) for r in rows]


class Receiver:
    """The node receiver as a child process."""

    def __init__(self):
        if not os.path.isdir(os.path.join(RECEIVER, "node_modules")):
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=RECEIVER, check=True,
                           capture_output=True, timeout=300)
        self.proc = subprocess.Popen(["node", "receiver.mjs", "0"], cwd=RECEIVER,
                                     stdout=subprocess.PIPE, text=True)
        self.port = json.loads(self.proc.stdout.readline())["port"]
        self.base = "http://127.0.0.1:%d" % self.port

    def url(self, path):
        return self.base + path

    def configure(self, path, secrets, **kw):
        body = json.dumps(dict(path=path, secrets=secrets, **kw)).encode()
        urllib.request.urlopen(urllib.request.Request(self.base + "/_config", data=body,
                                                      method="POST"), timeout=5).read()

    def log(self, path=None):
        with urllib.request.urlopen(self.base + "/_log", timeout=5) as f:
            entries = json.loads(f.read())
        return [e for e in entries if path is None or e["path"] == path]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


class Events(unittest.TestCase):
    """#62: order, cursor, filters, and no event skipped under concurrent writers."""

    @classmethod
    def setUpClass(cls):
        cls.analyst = token_for("analyst")
        cls.viewer = token_for("viewer")

    def tail(self):
        """The cursor after the last event visible now."""
        after = 0
        while True:
            r = get(EVENTS + "?limit=1000&after=%d" % after, token=self.analyst)
            self.assertEqual(r.status, 200, r)
            after = r.json["next_after"]
            if not r.json["has_more"]:
                return after

    def read(self, after, types, limit=100):
        r = get(EVENTS + "?after=%d&types=%s&limit=%d" % (after, types, limit), token=self.analyst)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_cursor_pages_and_filters(self):
        start = self.tail()
        ids = append("page", 5) + append("other", 2)
        got, after = [], start
        while True:
            page = self.read(after, etype("page"), limit=2)
            got += page["events"]
            after = page["next_after"]
            if not page["has_more"]:
                break
        self.assertEqual([e["id"] for e in got], ids[:5])
        self.assertEqual({e["type"] for e in got}, {etype("page")})
        self.assertEqual([e["data"]["n"] for e in got], [1, 2, 3, 4, 5])
        self.assertEqual(got[0]["aggregate"], "ithub%s:-" % RUN)
        both = self.read(start, etype("page") + "," + etype("other"))
        self.assertEqual([e["id"] for e in both["events"]], ids)
        self.assertFalse(both["has_more"])
        # an empty page keeps the cursor where it was
        empty = self.read(both["next_after"], etype("page"))
        self.assertEqual(empty["events"], [])
        self.assertEqual(empty["next_after"], both["next_after"])

    def test_late_commit_is_not_skipped(self):
        """Writer A takes the lower id and commits last; the reader never hands
        out B's event before A's has committed, so its cursor cannot pass A."""
        start = self.tail()
        types = etype("slow") + "," + etype("fast")
        a = subprocess.Popen(["psql", database_url(), "-qAt", "-v", "ON_ERROR_STOP=1"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        a.stdin.write("BEGIN;\nINSERT INTO event_log (type, data) VALUES ('%s', '{}') "
                      "RETURNING id;\n" % etype("slow"))
        a.stdin.flush()
        slow_id = int(a.stdout.readline())
        fast_id = append("fast")[0]
        self.assertLess(slow_id, fast_id)
        seen = []
        after = start
        for _ in range(3):                  # A still open: nothing may come out
            page = self.read(after, types)
            seen += page["events"]
            after = page["next_after"]
            time.sleep(0.2)
        self.assertEqual(seen, [], "an event came out while an earlier one was uncommitted")
        a.stdin.write("COMMIT;\n")
        a.stdin.close()
        a.wait(timeout=10)
        a.stdout.close()
        page = self.read(after, types)
        self.assertEqual(sorted(e["id"] for e in page["events"]), [slow_id, fast_id])

    def test_concurrent_writers_never_skipped(self):
        """Eight writers commit in random order with random pauses while a
        reader pages along; at the end it has every event exactly once."""
        start = self.tail()
        written, lock = [], threading.Lock()

        def writer(k):
            for i in range(4):
                out = psql("BEGIN; INSERT INTO event_log (type, data) VALUES (:'v1',"
                           " jsonb_build_object('w', %d, 'i', %d)) RETURNING id;"
                           " SELECT pg_sleep(random() * 0.3); COMMIT;" % (k, i), etype("race"))
                with lock:
                    written.append(int(out[0][0]))

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        got, after = [], start
        while any(t.is_alive() for t in threads):
            page = self.read(after, etype("race"), limit=3)
            got += [e["id"] for e in page["events"]]
            after = page["next_after"]
        for t in threads:
            t.join()
        while True:
            page = self.read(after, etype("race"), limit=3)
            got += [e["id"] for e in page["events"]]
            after = page["next_after"]
            if not page["events"]:
                break
        self.assertEqual(len(written), 32)
        self.assertEqual(len(got), len(set(got)), "an event came twice")
        self.assertEqual(sorted(got), sorted(written), "an event was skipped")

    def test_refusals_and_roles(self):
        r = get(EVENTS + "?after=999999999999", token=self.analyst)
        self.assertIn("after", [e["field"] for e in is_problem(self, r, 422)["errors"]])
        for bad in ("Bad Type", "a..b", "x,{y}", "*", "a,", ",a"):
            r = get(EVENTS + "?types=" + urllib.request.quote(bad), token=self.analyst)
            self.assertIn("types", [e["field"] for e in is_problem(self, r, 422)["errors"]], bad)
        r = get(EVENTS + "?limit=1001&after=-1", token=self.analyst)
        self.assertEqual(sorted(e["field"] for e in is_problem(self, r, 422)["errors"]),
                         ["after", "limit"])
        self.assertEqual(get(EVENTS, token=self.viewer).status, 403)
        self.assertEqual(get(EVENTS).status, 401)
        key = zoe("apikey", "add", "--name", "it-hub-" + RUN, "--role", "analyst")
        r = get(EVENTS + "?limit=1", headers={"X-Api-Key": key})
        self.assertEqual(r.status, 200, r)


class Webhooks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.admin = token_for("admin")
        cls.editor = token_for("editor")
        cls.rx = Receiver()
        cls.addClassCleanup(cls.rx.stop)        # also when the check below fails
        r = get(HOOKS, token=cls.admin)
        assert r.status == 200, r
        if r.json["retry_schedule_seconds"] != SCHEDULE:
            raise AssertionError("the stack runs with retry schedule %r; start it with "
                                 "ZOE_WEBHOOK_SCHEDULE=1,1,1,1,1,1,1 ZOE_WEBHOOK_DISABLE_AFTER=6 "
                                 "ZOE_OUTBOUND_ALLOW=127.0.0.1/32 (scripts/dev test does)"
                                 % r.json["retry_schedule_seconds"])

    def subscribe(self, path, tags, **rx):
        r = post(HOOKS, {"url": self.rx.url(path), "types": [etype(t) for t in tags],
                         "description": "it " + path}, token=self.admin)
        self.assertEqual(r.status, 201, r)
        self.assertRegex(r.json["secret"], r"^whsec_[A-Za-z0-9+/]{43}=$")
        self.rx.configure(path, [r.json["secret"]], **rx)
        return r.json

    def endpoint(self, eid):
        r = get(HOOKS + "?attempts=50", token=self.admin)
        self.assertEqual(r.status, 200, r)
        return next(e for e in r.json["endpoints"] if e["id"] == eid)

    def received(self, path, n, timeout=20):
        got = wait_until(lambda: len(self.rx.log(path)) >= n and self.rx.log(path), timeout=timeout,
                         step=0.1)
        self.assertTrue(got, "%s: %d deliveries expected, got %r" % (path, n, self.rx.log(path)))
        for e in got:
            self.assertTrue(e["verified"], "standardwebhooks refused a delivery: %r" % e)
        return got

    def path(self, tag):
        return "/%s/%s" % (RUN, tag)

    def test_delivery_verified_and_in_order(self):
        p = self.path("ok")
        ep = self.subscribe(p, ["ok"])
        shown = self.endpoint(ep["id"])
        self.assertNotIn("secret", shown)
        self.assertNotIn("whsec_", json.dumps(shown))
        ids = append("ok", 5, note="Grüße")
        got = self.received(p, 5)
        self.assertEqual([e["id"] for e in got], ["msg_%d" % i for i in ids])
        self.assertEqual([e["body"]["data"]["n"] for e in got], [1, 2, 3, 4, 5])
        body = got[0]["body"]
        self.assertEqual(sorted(body), ["data", "timestamp", "type"])
        self.assertEqual(body["type"], etype("ok"))
        self.assertEqual(body["data"]["extra"], {"note": "Grüße"})
        self.assertLess(abs(int(got[0]["timestamp"]) - time.time()), 60)
        st = wait_until(lambda: self.endpoint(ep["id"])["stats"]["succeeded"] == 5
                        and self.endpoint(ep["id"])["stats"])
        self.assertEqual(st["deliveries"], 5)
        self.assertEqual(st["attempts"], 5)
        self.assertEqual(st["success_rate"], 1)

    def test_retries_then_success_same_id(self):
        p = self.path("flaky")
        ep = self.subscribe(p, ["flaky"], fail=3, status=500)
        ids = append("flaky")
        got = self.received(p, 4)
        self.assertEqual({e["id"] for e in got}, {"msg_%d" % ids[0]})
        gaps = [(b["at"] - a["at"]) / 1000 for a, b in zip(got, got[1:])]
        for g in gaps:                  # 1 s ± 20 %, plus the runner's poll
            self.assertGreaterEqual(g, 0.75, gaps)
        e = wait_until(lambda: self.endpoint(ep["id"])["stats"]["succeeded"] == 1
                       and self.endpoint(ep["id"]))
        self.assertTrue(e, self.endpoint(ep["id"]))
        self.assertEqual(e["stats"]["attempts"], 4)
        self.assertEqual([a["http_status"] for a in e["recent_attempts"]], [204, 500, 500, 500])
        self.assertIsNone(e["failing_since"])
        self.assertTrue(e["enabled"])

    def test_failing_endpoint_delays_no_other(self):
        stuck, quick = self.path("stuck"), self.path("quick")
        self.subscribe(stuck, ["shared"], fail=1000, status=500)
        self.subscribe(quick, ["shared"])
        append("shared")
        self.received(stuck, 1)
        second = append("shared")[0]
        got = self.received(quick, 2, timeout=5)
        self.assertEqual(got[-1]["id"], "msg_%d" % second)
        # the stuck endpoint still holds its first event: order within it kept
        self.assertTrue(all(e["id"] != "msg_%d" % second for e in self.rx.log(stuck)))

    def test_410_disables_at_once(self):
        p = self.path("gone")
        ep = self.subscribe(p, ["gone"], status=410)
        append("gone")
        self.received(p, 1)
        e = wait_until(lambda: not self.endpoint(ep["id"])["enabled"] and self.endpoint(ep["id"]))
        self.assertTrue(e)
        self.assertEqual(e["disabled_reason"], "the endpoint answered 410 Gone")
        ev = psql_one("SELECT data->>'reason' FROM event_log WHERE type = 'webhook.endpoint_disabled'"
                      " AND (data->>'id')::bigint = %d" % ep["id"])
        self.assertEqual(ev, "the endpoint answered 410 Gone")
        append("gone")
        time.sleep(2.5)
        self.assertEqual(len(self.rx.log(p)), 1)

    def test_failures_over_time_disable(self):
        p = self.path("down")
        ep = self.subscribe(p, ["down"], fail=1000, status=502)
        append("down")
        e = wait_until(lambda: not self.endpoint(ep["id"])["enabled"] and self.endpoint(ep["id"]),
                       timeout=30)
        self.assertTrue(e, self.endpoint(ep["id"]))
        self.assertTrue(e["disabled_reason"].startswith("no successful delivery since"), e)
        got = self.received(p, 1)
        # failing since the first attempt; disabled at the first failure 6 s later
        self.assertGreaterEqual(len(got), 4)
        self.assertGreaterEqual((got[-1]["at"] - got[0]["at"]) / 1000, 5.5)
        self.assertEqual(psql_one("SELECT count(*) FROM event_log WHERE type ="
                                  " 'webhook.endpoint_disabled' AND (data->>'id')::bigint = %d"
                                  % ep["id"]), "1")

    def test_retry_after_honoured(self):
        p = self.path("limited")
        self.subscribe(p, ["limited"], fail=1, status=429, retry_after=3)
        append("limited")
        got = self.received(p, 2, timeout=20)
        self.assertGreaterEqual((got[1]["at"] - got[0]["at"]) / 1000, 2.9)

    def test_rotation_signs_with_both(self):
        p = self.path("rot")
        ep = self.subscribe(p, ["rot"])
        old = psql_one("SELECT secret FROM webhook_endpoints WHERE id = %d" % ep["id"])
        r = post("%s/%d/rotate" % (HOOKS, ep["id"]), {"overlap_seconds": 3600}, token=self.admin)
        self.assertEqual(r.status, 200, r)
        new = r.json["secret"]
        self.assertNotEqual(new, old)
        self.rx.configure(p, [old, new])        # each alone must verify
        append("rot")
        got = self.received(p, 1)
        self.assertEqual(got[0]["signature"].count("v1,"), 2)
        self.assertEqual(got[0]["errors"], [None, None])
        self.assertIsNotNone(self.endpoint(ep["id"])["secret_rotation"])
        # without overlap only the new secret signs
        r = post("%s/%d/rotate" % (HOOKS, ep["id"]), {"overlap_seconds": 0}, token=self.admin)
        self.rx.configure(p, [r.json["secret"]])
        append("rot")
        got = self.received(p, 2)
        self.assertEqual(got[1]["signature"].count("v1,"), 1)

    def test_replay_from_event(self):
        p = self.path("replay")
        ep = self.subscribe(p, ["replay"])
        ids = append("replay", 3)
        self.received(p, 3)
        r = post("%s/%d/replay" % (HOOKS, ep["id"]), {"from_event": ids[1]}, token=self.admin)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json["queued"], 2)
        got = self.received(p, 5)
        self.assertEqual([e["id"] for e in got[3:]], ["msg_%d" % i for i in ids[1:]])
        r = post("%s/%d/replay" % (HOOKS, ep["id"]), {"from_event": 999999999999}, token=self.admin)
        self.assertEqual([e["field"] for e in is_problem(self, r, 422)["errors"]], ["from_event"])
        r = post("%s/999999999/replay" % HOOKS, {"from_event": ids[0]}, token=self.admin)
        is_problem(self, r, 404)

    def test_subscribe_refusals(self):
        base = {"url": self.rx.url("/x"), "types": [etype("x")]}
        for url in ("http://127.0.0.2/h", "http://10.0.0.1/h", "http://169.254.169.254/latest",
                    "http://[::1]/h", "http://192.168.1.10/h", "http://100.64.0.1/h",
                    "http://[::ffff:10.0.0.1]/h", "http://0.0.0.0/h"):
            r = post(HOOKS, dict(base, url=url), token=self.admin)
            errs = is_problem(self, r, 422)["errors"]
            self.assertEqual([e["field"] for e in errs], ["url"], url)
        r = post(HOOKS, {"url": "ftp://example.org/x", "types": ["Bad Type", "ok.type"],
                         "description": "x" * 201}, token=self.admin)
        self.assertEqual(sorted(e["field"] for e in is_problem(self, r, 422)["errors"]),
                         ["description", "types[0]", "url"])
        r = post(HOOKS, dict(base, types=["ok", "Bad Type"]), token=self.admin)
        self.assertEqual([e["field"] for e in is_problem(self, r, 422)["errors"]], ["types[1]"])
        r = post(HOOKS, dict(base, types=[]), token=self.admin)
        self.assertEqual([e["field"] for e in is_problem(self, r, 422)["errors"]], ["types"])
        r = post(HOOKS, dict(base, types=["a"] * 51), token=self.admin)
        self.assertEqual([e["field"] for e in is_problem(self, r, 422)["errors"]], ["types"])
        r = post(HOOKS, dict(base, url="http://127.0.0.1/'; DROP TABLE event_log; --"),
                 token=self.admin)
        self.assertIn(r.status, (201, 422))
        self.assertEqual(post(HOOKS, base, token=self.editor).status, 403)
        self.assertEqual(get(HOOKS, token=self.editor).status, 403)
        before = psql_one("SELECT count(*) FROM webhook_endpoints")
        r = post(HOOKS, dict(base, url="http://10.0.0.1/"), token=self.admin)
        self.assertEqual(psql_one("SELECT count(*) FROM webhook_endpoints"), before)

    def test_delete_and_test_event(self):
        p = self.path("del")
        ep = self.subscribe(p, ["nothing"])
        r = post("/api/level5/hub/test-event", {"message": "Prüfung"}, token=self.admin)
        self.assertEqual(r.status, 202, r)
        got = self.received(p, 1)
        self.assertEqual(got[0]["id"], "msg_%d" % r.json["event_id"])
        self.assertEqual(got[0]["body"]["type"], "hub.test")
        self.assertEqual(got[0]["body"]["data"]["message"], "Prüfung")
        r = request("DELETE", "%s/%d" % (HOOKS, ep["id"]), token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, {"id": ep["id"], "deleted": True})
        is_problem(self, request("DELETE", "%s/%d" % (HOOKS, ep["id"]), token=self.admin), 404)
        is_problem(self, request("DELETE", HOOKS + "/abc", token=self.admin), 404)
        self.assertEqual(psql_one("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = %d"
                                  % ep["id"]), "0")
        self.assertEqual(psql_one("SELECT count(*) FROM event_log WHERE type ="
                                  " 'webhook.endpoint_deleted' AND (data->>'id')::bigint = %d"
                                  % ep["id"]), "1")


if __name__ == "__main__":
    unittest.main()
