"""The pool under trouble: a worker killed mid-burst, PostgreSQL restarted during
requests, SIGHUP reload during a burst, a reply cut short by a worker's death. Each
test leaves the stack healthy."""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from zoelib import (END, ROOT, STDIN, STDOUT, VAR, free_port, get, is_problem, master_pid,
                    metric, metrics, record, token_for, wait_until, worker_pids)

REPORT = "/api/level2/ux-signals/metrics"


def burst(n, paths, threads=16, at=None, action=None, token=None):
    """n GETs over `threads` connections; action() runs once `at` replies are in.
    Returns the list of (status, content type, body) in completion order."""
    done = []
    lock = threading.Lock()
    fired = threading.Event()

    def one(i):
        path = paths[i % len(paths)]
        try:
            r = get(path, token=token if path == REPORT else None, timeout=15)
            res = (r.status, r.ctype, r.body)
        except (http.client.IncompleteRead, ConnectionError) as e:
            res = (0, "cut", repr(e).encode())      # the reply was cut off: no hang
        except Exception as e:          # a timeout, above all, counts as a failure
            res = (0, "", repr(e).encode())
        with lock:
            done.append(res)
            go = at is not None and len(done) >= at and not fired.is_set()
            if go:
                fired.set()
        if go:
            action()
        return res

    with ThreadPoolExecutor(threads) as ex:
        list(ex.map(one, range(n)))
    return done


class Resilience(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.viewer = token_for("viewer")
        cls.size = len(worker_pids())

    def setUp(self):
        # start from a full, healthy pool
        self.assertTrue(wait_until(lambda: len(worker_pids()) == self.size, 10))
        self.assertEqual(get("/api/health").status, 200)

    def test_worker_killed_during_burst(self):
        before = metrics()
        pids = worker_pids()
        victim = pids[0]
        self.assertGreaterEqual(len(pids), 2)
        replies = burst(300, ["/api/health", REPORT, "/api/openapi.json"], at=100,
                        action=lambda: os.kill(victim, signal.SIGKILL), token=self.viewer)
        failed = [r for r in replies if r[0] != 200]
        # at most the killed worker's in-flight request is lost
        self.assertLessEqual(len(failed), 2, failed)
        # every reply given as whole is whole (each of the three is JSON)
        for status, ctype, body in replies:
            if status == 200:
                json.loads(body)
        for status, ctype, body in failed:
            if ctype == "cut":
                continue        # the reply's head had gone out: nginx closed mid-body
            # nginx's problem+json 502; when the worker died after its reply's headers had
            # reached nginx, nginx keeps that Content-Type (application/json) for the 502
            self.assertEqual(status, 502, body)
            self.assertIn(ctype, ("application/problem+json", "application/json"), body)
            self.assertEqual(json.loads(body)["status"], 502)
        self.assertTrue(wait_until(lambda: len(worker_pids()) == len(pids) and
                                   victim not in worker_pids(), 10),
                        "the pool did not respawn to %d workers: %s" % (len(pids), worker_pids()))
        after = metrics()
        self.assertEqual(metric(after, "zoe_worker_restarts_total")
                         - metric(before, "zoe_worker_restarts_total"), 1)
        self.assertEqual(metric(after, "zoe_workers"), len(pids))
        self.assertTrue(all(get("/api/health").status == 200 for _ in range(2 * len(pids))))

    def test_postgres_restart(self):
        master, pids = master_pid(), worker_pids()
        results = []
        lock = threading.Lock()
        stop = threading.Event()

        def hammer():
            while not stop.is_set():
                try:
                    r = get(REPORT, token=self.viewer, timeout=15)
                    res = (r.status, r.ctype, r.headers.get("Retry-After"), r.body)
                except Exception as e:
                    res = (0, "", None, repr(e).encode())
                with lock:
                    results.append(res)

        threads = [threading.Thread(target=hammer) for _ in range(6)]
        for t in threads:
            t.start()
        time.sleep(0.2)                 # requests are flowing before the restart
        env = dict(os.environ, ZOE_VAR=VAR)
        out = subprocess.run([os.path.join(ROOT, "scripts/dev"), "pg-restart"], env=env,
                             capture_output=True, text=True, timeout=60)
        time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join()
        self.assertEqual(out.returncode, 0, out.stderr)

        statuses = [r[0] for r in results]
        self.assertTrue(set(statuses) <= {200, 503}, [r for r in results if r[0] not in (200, 503)][:3])
        outage = [r for r in results if r[0] == 503]
        self.assertGreater(len(outage), 0, "no request saw the outage (%d requests)" % len(results))
        for status, ctype, retry, body in outage:
            self.assertEqual(ctype, "application/problem+json", body)
            self.assertEqual(retry, "1")
        # after it every worker works again, without restarting the pool
        after = [get(REPORT, token=self.viewer).status for _ in range(4 * len(pids))]
        self.assertEqual(after, [200] * len(after))
        self.assertEqual(master_pid(), master)
        self.assertEqual(worker_pids(), pids)

    def test_sighup_reload_during_burst(self):
        master, pids = master_pid(), worker_pids()
        replies = burst(300, ["/api/health", REPORT, "/api/openapi.json"], at=100,
                        action=lambda: os.kill(master, signal.SIGHUP), token=self.viewer)
        failed = [r for r in replies if r[0] != 200]
        self.assertEqual(failed, [])
        self.assertTrue(wait_until(lambda: len(worker_pids()) == len(pids) and
                                   not set(worker_pids()) & set(pids), 10),
                        "old workers %s still there: %s" % (pids, worker_pids()))
        self.assertEqual(master_pid(), master)
        self.assertTrue(all(get("/api/health").status == 200 for _ in range(2 * len(pids))))


class CutPeer(threading.Thread):
    """A FastCGI peer on a unix socket that answers each request with `head` and
    `body`, then ends the reply (END_REQUEST) or, if `cut`, closes the connection
    there, as a worker killed mid-reply does."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        self.sock.listen(8)
        self.reply = None

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                got = b""
                # the request ends with an empty FCGI_STDIN record (type 5, length 0)
                while record(STDIN) not in got:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                head, body, cut = self.reply
                out = head + body
                for i in range(0, len(out), 32768):
                    conn.sendall(record(STDOUT, out[i:i + 32768]))
                if not cut:
                    conn.sendall(record(STDOUT) +
                                 record(END, bytes(8)))
                    # as libfcgi: a connection nginx asked to keep (FCGI_KEEP_CONN in
                    # BEGIN_REQUEST's flags) is left for nginx to close
                    if len(got) > 10 and got[10] & 1:
                        conn.recv(1)


class CutReply(unittest.TestCase):
    """A worker killed while its reply streams to nginx: the stack's FastCGI settings
    (var/nginx/fastcgi.conf) must let nginx see the reply cut short. nginx here is a
    private one with those settings in front of a FastCGI peer that closes mid-reply;
    the burst above meets the case only when a kill lands mid-body."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="zoe-cut-")
        os.chmod(cls.dir, 0o755)
        cls.peer = CutPeer(os.path.join(cls.dir, "fcgi.sock"))
        cls.peer.start()
        cls.port = free_port()
        conf = os.path.join(cls.dir, "nginx.conf")
        d = cls.dir
        with open(conf, "w") as f:
            f.write(("%s\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log info;\n"
                     "events {}\nhttp {\n  access_log off;\n  keepalive_timeout 30s;\n"
                     "  client_body_temp_path %s; fastcgi_temp_path %s;\n"
                     "  upstream zoe_pool { server unix:%s/fcgi.sock; }\n"
                     "  map $uri $zoe_upstream { default zoe_pool; }\n"
                     "  server {\n    listen 127.0.0.1:%d;\n"
                     "    location / { include %s/nginx/fastcgi.conf; }\n  }\n}\n") %
                    ("user root;" if os.getuid() == 0 else "", d, d, d, d, d, cls.port, VAR))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        out = subprocess.run([nginx, "-p", d, "-c", conf], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError("nginx did not start: " + out.stderr)
        assert wait_until(lambda: os.path.exists(os.path.join(d, "nginx.pid")), 5)

    @classmethod
    def tearDownClass(cls):
        try:
            with open(os.path.join(cls.dir, "nginx.pid")) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        cls.peer.sock.close()
        time.sleep(0.2)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def fetch(self, head, body, cut):
        """Status and body as the client sees them, or the exception's class name."""
        self.peer.reply = (head, body, cut)
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        t0 = time.monotonic()
        try:
            c.request("GET", "/api/openapi.json")
            r = c.getresponse()
            return r.status, r.read(), time.monotonic() - t0
        except (http.client.IncompleteRead, ConnectionError) as e:
            return type(e).__name__, b"", time.monotonic() - t0
        except OSError as e:            # socket.timeout: the client was left hanging
            return type(e).__name__, b"", time.monotonic() - t0
        finally:
            c.close()

    BODY = b"[" + b"1," * 100000 + b"1]"

    def test_whole_reply_passes(self):
        head = b"Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(self.BODY)
        status, body, _ = self.fetch(head, self.BODY, cut=False)
        self.assertEqual((status, len(body)), (200, len(self.BODY)))

    def test_cut_reply_with_length_is_closed_not_left_hanging(self):
        # before: nginx took the close for the reply's end, kept the client's
        # connection open, and the client waited for the rest until its timeout
        head = b"Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(self.BODY)
        status, _, seconds = self.fetch(head, self.BODY[:70000], cut=True)
        self.assertEqual(status, "IncompleteRead")
        self.assertLess(seconds, 5)

    def test_cut_reply_without_length_is_not_passed_off_as_whole(self):
        # before: nginx ended the chunked reply cleanly, a short 200 the client
        # could not tell from a whole one
        head = b"Status: 200 OK\r\nContent-Type: application/json\r\n\r\n"
        status, body, seconds = self.fetch(head, self.BODY[:70000], cut=True)
        self.assertNotEqual(status, 200, "a cut reply passed as whole (%d bytes)" % len(body))
        self.assertLess(seconds, 5)


if __name__ == "__main__":
    unittest.main()
