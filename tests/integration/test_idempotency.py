"""Idempotency-Key: a retried write is answered from the first answer, once per caller.

A key is reserved per (caller, method and path) before the handler runs; the handler's
write and the stored answer commit together. Concurrent duplicates wait for the first
and get its answer, or 409 when it takes too long; the same key with another request
is 422."""
import secrets
import signal
import subprocess
import threading
import unittest

from zoelib import (CHROME_UA, RUN, database_url, is_problem, make_user, post, psql_one,
                    token_for, wait_until, zoe)

TRACK = "/api/level2/ux-signals/track"
ANALYZE = "/api/level2/entity-seo/analyze"


def parallel(n, fn):
    """Runs fn(i) for i < n at one instant, in threads; the replies in order."""
    start, out = threading.Barrier(n), [None] * n

    def run(i):
        start.wait()
        out[i] = fn(i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


class Holder:
    """Another session that has reserved a key and not finished: what a worker in the
    middle of its handler looks like to the others."""

    def __init__(self, key, route, principal):
        self.proc = subprocess.Popen(["psql", database_url(), "-qAt", "-v", "ON_ERROR_STOP=1"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.proc.stdin.write(
            "BEGIN;\nSELECT pg_backend_pid();\n"
            "INSERT INTO idempotency_keys (key, route, principal, status, body) "
            "VALUES ('%s', '%s', '%s', 0, '');\n\\echo held\n" % (key, route, principal))
        self.proc.stdin.flush()
        self.pid = self.proc.stdout.readline().strip()
        assert self.proc.stdout.readline().strip() == "held"

    def waiters(self):
        return int(psql_one("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            " AND :'v1' = ANY(pg_blocking_pids(pid))", self.pid))

    def die(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def finish(self):
        if self.proc.poll() is None:
            self.proc.communicate("ROLLBACK;\n", timeout=10)


class Idempotency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.domain = "idem-%s.example" % RUN
        cls.origin = "https://" + cls.domain
        cls.key = zoe("site", "add", "--domain", cls.domain, "--origin", cls.origin)
        site = psql_one("SELECT id FROM sites WHERE domain = :'v1'", cls.domain)
        cls.principal = "%d:%s" % (3, site)          # CRED_SITEKEY and the site's id

    def send(self, idem, path, timeout=10):
        return post(TRACK, [{"type": "pageview", "url": self.origin + path}],
                    headers={"X-Site-Key": self.key, "Origin": self.origin,
                             "Idempotency-Key": idem}, ua=CHROME_UA, timeout=timeout)

    def stored(self, path):
        return int(psql_one("SELECT count(*) FROM events e JOIN sites s ON s.id = e.site_id "
                            "WHERE s.domain = :'v1' AND e.path = :'v2'", self.domain, path))

    def test_retry_is_replayed_not_repeated(self):
        idem = secrets.token_hex(8)
        first = self.send(idem, "/einmal")
        self.assertEqual(first.status, 202, first)
        self.assertIsNone(first.headers.get("Idempotent-Replayed"))
        again = self.send(idem, "/einmal")
        self.assertEqual(again.status, 202, again)
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(again.ctype, first.ctype)
        self.assertEqual(again.json, first.json)
        self.assertEqual(self.stored("/einmal"), 1)
        # another key is another write
        self.assertEqual(self.send(secrets.token_hex(8), "/einmal").status, 202)
        self.assertEqual(self.stored("/einmal"), 2)

    def check_parallel(self, n):
        idem, path = secrets.token_hex(8), "/parallel-%d" % n
        replies = parallel(n, lambda i: self.send(idem, path, timeout=30))
        self.assertEqual([r.status for r in replies], [202] * n, replies)
        fresh = [r for r in replies if r.headers.get("Idempotent-Replayed") is None]
        self.assertEqual(len(fresh), 1, "the handler ran %d times" % len(fresh))
        self.assertTrue(all(r.json == fresh[0].json for r in replies))
        self.assertEqual(self.stored(path), 1)

    def test_parallel_duplicates_run_once(self):
        self.check_parallel(4)

    def test_sixteen_parallel_duplicates_run_once(self):
        self.check_parallel(16)

    def test_same_key_other_request_is_422(self):
        idem = secrets.token_hex(8)
        self.assertEqual(self.send(idem, "/erste").status, 202)
        other = self.send(idem, "/zweite")
        p = is_problem(self, other, 422)
        self.assertIn("Idempotency-Key", [e["field"] for e in p["errors"]])
        self.assertEqual(self.stored("/zweite"), 0)
        # the first request, sent again, is still answered from its first answer
        self.assertEqual(self.send(idem, "/erste").headers.get("Idempotent-Replayed"), "true")

    def test_key_is_scoped_per_caller(self):
        idem = secrets.token_hex(8)
        body = [{"type": "pageview", "url": "https://zoe-solar.de/geteilt-%s" % RUN}]
        mine = self.send(idem, "/geteilt")
        self.assertEqual(mine.status, 202)
        theirs = post(TRACK, body, ua=CHROME_UA,
                      headers={"X-Site-Key": "site_demo_zoe_solar",
                               "Origin": "https://zoe-solar.de", "Idempotency-Key": idem})
        self.assertEqual(theirs.status, 202, theirs)
        self.assertIsNone(theirs.headers.get("Idempotent-Replayed"))

    def test_busy_key_is_409_with_retry_after(self):
        idem = secrets.token_hex(8)
        holder = Holder(idem, "POST " + TRACK, self.principal)
        try:
            r = self.send(idem, "/besetzt")
            p = is_problem(self, r, 409)
            self.assertTrue(r.headers.get("Retry-After", "").isdigit(), r.headers)
            self.assertIn("Idempotency-Key", [e["field"] for e in p["errors"]])
            self.assertEqual(self.stored("/besetzt"), 0)
        finally:
            holder.finish()
        # once the first attempt is gone, the retry runs
        retry = self.send(idem, "/besetzt")
        self.assertEqual(retry.status, 202, retry)
        self.assertIsNone(retry.headers.get("Idempotent-Replayed"))
        self.assertEqual(self.stored("/besetzt"), 1)

    def test_reservation_of_a_dead_worker_frees_the_key(self):
        idem = secrets.token_hex(8)
        holder = Holder(idem, "POST " + TRACK, self.principal)
        out = []
        waiting = threading.Thread(target=lambda: out.append(self.send(idem, "/verwaist")))
        try:
            waiting.start()
            wait_until(lambda: holder.waiters() == 1, timeout=5)
            holder.die()            # its connection closes: PostgreSQL rolls back
            waiting.join()
        finally:
            holder.finish()
            waiting.join()
        self.assertEqual(out[0].status, 202, out[0])
        self.assertIsNone(out[0].headers.get("Idempotent-Replayed"))
        self.assertEqual(self.stored("/verwaist"), 1)

    def test_failed_writes_are_not_kept(self):
        idem = secrets.token_hex(8)
        bad = post(TRACK, [{"type": "pageview"}], ua=CHROME_UA,
                   headers={"X-Site-Key": self.key, "Origin": self.origin, "Idempotency-Key": idem})
        self.assertEqual(bad.status, 422)
        good = self.send(idem, "/danach")
        self.assertEqual(good.status, 202)
        self.assertIsNone(good.headers.get("Idempotent-Replayed"))
        self.assertEqual(self.stored("/danach"), 1)

    def test_expired_key_runs_again(self):
        idem = secrets.token_hex(8)
        self.assertEqual(self.send(idem, "/gestern").status, 202)
        psql_one("UPDATE idempotency_keys SET created_at = created_at - interval '25 hours'"
                 " WHERE key = :'v1' RETURNING 1", idem)
        again = self.send(idem, "/gestern")
        self.assertEqual(again.status, 202)
        self.assertIsNone(again.headers.get("Idempotent-Replayed"))
        self.assertEqual(self.stored("/gestern"), 2)

    def test_bad_keys_refused(self):
        for bad in ("k" * 201, "schl\u00fcssel", "a\x01b", '"'):
            r = self.send(bad, "/lang")
            p = is_problem(self, r, 400)
            self.assertIn("Idempotency-Key", p["detail"])
            self.assertEqual([e["field"] for e in p["errors"]], ["Idempotency-Key"])
        self.assertEqual(self.stored("/lang"), 0)

    def test_quoted_key_of_the_draft_is_the_same_key(self):
        idem = secrets.token_hex(8)
        self.assertEqual(self.send(idem, "/zitiert").status, 202)
        again = self.send('"%s"' % idem, "/zitiert")
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")

    def test_handler_transaction_commits_with_the_answer(self):
        # entity-seo/analyze writes in a transaction of its own: it must commit
        # with the stored answer, once, for a user's access token
        token, idem = token_for("editor"), secrets.token_hex(8)
        url = "https://zoe-solar.de/idem-%s" % idem
        page = {"url": url, "lang": "de", "html": "<h1>Photovoltaik</h1><p>Stromspeicher und "
                "Wallbox von ZOE Solar in Berlin.</p>"}
        replies = parallel(4, lambda i: post(ANALYZE, page, token=token, timeout=30,
                                             headers={"Idempotency-Key": idem}))
        self.assertEqual([r.status for r in replies], [200] * 4, replies)
        self.assertEqual(sum(r.headers.get("Idempotent-Replayed") is None for r in replies), 1)
        stored = psql_one("SELECT count(*) FROM entity_analyses WHERE url = :'v1'", url)
        self.assertEqual(stored, "1")
        ids = {r.json["stored"]["id"] for r in replies}
        self.assertEqual(len(ids), 1)
        # another user's same key is theirs alone
        other = post(ANALYZE, page, token=token_for("editor"), headers={"Idempotency-Key": idem})
        self.assertEqual(other.status, 200, other)
        self.assertIsNone(other.headers.get("Idempotent-Replayed"))
        self.assertTrue(other.json["stored"]["replaced"])

    def test_anonymous_routes_ignore_the_key(self):
        # a login answer holds tokens: it is never handed to a second caller
        email, pw = make_user("viewer")
        idem = secrets.token_hex(8)
        first = post("/api/auth/login", {"email": email, "password": pw},
                     headers={"Idempotency-Key": idem})
        second = post("/api/auth/login", {"email": email, "password": pw},
                      headers={"Idempotency-Key": idem})
        self.assertEqual((first.status, second.status), (200, 200))
        self.assertIsNone(second.headers.get("Idempotent-Replayed"))
        self.assertNotEqual(first.json["refresh_token"], second.json["refresh_token"])


if __name__ == "__main__":
    unittest.main()
