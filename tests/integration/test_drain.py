"""SIGTERM drains: a request in flight when the pool is told to stop still gets its answer,
then the pool exits. Talks FastCGI directly to a pool of its own on a TCP port (ZOE_LISTEN),
so the request can be held open mid-body while the signal arrives."""
import json
import os
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest

from zoelib import (BEGIN, BIN, PARAMS, ROOT, RUN, STDIN, VAR, database_url, free_port, nv,
                    read_reply, record)

class Drain(unittest.TestCase):
    def test_sigterm_finishes_the_request_in_flight(self):
        port = free_port()
        log = tempfile.NamedTemporaryFile(prefix="zoe-drain-", suffix=".log", delete=False)
        env = dict(os.environ, DATABASE_URL=database_url(), ZOE_VAR=VAR, ZOE_WORKERS="1",
                   ZOE_LISTEN="127.0.0.1:%d" % port)
        pool = subprocess.Popen([BIN, "serve"], env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            deadline = time.time() + 10
            while True:
                try:
                    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                    break
                except OSError:
                    self.assertLess(time.time(), deadline, "the pool did not listen")
                    time.sleep(0.05)
            body = json.dumps({"email": "nobody-drain-%s@example.org" % RUN,
                               "password": "not-the-password"}).encode()
            params = b"".join(nv(k, v) for k, v in {
                "REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/auth/login",
                "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
                "REMOTE_ADDR": "192.0.2.7"}.items())
            sock.sendall(record(BEGIN, struct.pack(">HB5x", 1, 0)) + record(PARAMS, params) +
                         record(PARAMS) + record(STDIN, body[:10]))
            time.sleep(0.3)                 # the worker now waits for the rest of the body
            pool.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            self.assertIsNone(pool.poll(), "the pool must wait for the request in flight")
            sock.sendall(record(STDIN, body[10:]) + record(STDIN))
            reply = read_reply(sock).decode()
            sock.close()
            self.assertIn("Status: 401", reply)
            self.assertIn("application/problem+json", reply)
            self.assertEqual(pool.wait(timeout=15), 0)
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
        finally:
            if pool.poll() is None:
                pool.kill()
                pool.wait()
            log.close()
            os.unlink(log.name)


if __name__ == "__main__":
    unittest.main()

class MasterKilled(unittest.TestCase):
    def test_workers_leave_with_a_master_killed_by_sigkill(self):
        # the master cannot stop its workers when SIGKILL ends it; they must not stay
        # behind holding the socket (the kernel sends them SIGTERM: drain and leave)
        port = free_port()
        env = dict(os.environ, DATABASE_URL=database_url(), ZOE_VAR=VAR, ZOE_WORKERS="2",
                   ZOE_LISTEN="127.0.0.1:%d" % port)
        pool = subprocess.Popen([BIN, "serve"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

        def workers():
            out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pool.pid)],
                                 capture_output=True, text=True)
            return [int(p) for p in out.stdout.split()]

        def alive(pid):
            try:
                with open("/proc/%d/stat" % pid) as f:
                    return f.read().split(") ")[1][0] != "Z"
            except OSError:
                return False
        try:
            deadline = time.time() + 10
            while len(workers()) < 2:
                self.assertLess(time.time(), deadline, "the pool did not start its workers")
                time.sleep(0.05)
            pids = workers()
            pool.kill()
            pool.wait()
            deadline = time.time() + 10
            while any(alive(p) for p in pids) and time.time() < deadline:
                time.sleep(0.05)
            self.assertEqual([p for p in pids if alive(p)], [])
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
        finally:
            if pool.poll() is None:
                pool.kill()
                pool.wait()
