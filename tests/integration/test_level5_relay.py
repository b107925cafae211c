"""`zoe relay`: the event log published to Kafka, tested against librdkafka's
own mock cluster (tests/relay/kafka_mock: 3 brokers speaking the Kafka protocol
in a process of their own, so they outlive the relay).

The crash test appends 2000 events over 12 aggregates, kills the relay with
SIGKILL while it publishes, starts it again until the log is drained, consumes
the topic back with librdkafka and checks that no event is missing and that
every aggregate's events come in log order (a re-sent tail after the crash is
allowed: at least once, in order per key).
"""
import json
import os
import signal
import subprocess
import time
import unittest

from zoelib import BIN, RUN, database_url, psql, psql_one, wait_until

MOCK = os.path.join(os.path.dirname(BIN), "tests", "relay", "kafka_mock")
KEYS = 12
N = 2000


class Relay(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.topic = "zoe.it.%s" % RUN
        cls.cluster = subprocess.Popen([MOCK, "serve", cls.topic, "4"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        cls.brokers = cls.cluster.stdout.readline().strip()
        assert cls.brokers, "the mock cluster did not start"

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stdin.close()
        cls.cluster.wait(timeout=20)
        cls.cluster.stdout.close()

    def relay(self, *extra, batch=500):
        env = dict(os.environ, DATABASE_URL=database_url())
        return subprocess.Popen([BIN, "relay", "--brokers", self.brokers, "--topic", self.topic,
                                 "--batch", str(batch)] + list(extra), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def consume(self):
        out = subprocess.run([MOCK, "consume", self.brokers, self.topic, "3000"],
                             capture_output=True, text=True, timeout=120, check=True).stdout
        msgs = []
        for line in out.splitlines():
            part, offset, key, value = line.split("\t", 3)
            msgs.append((int(part), int(offset), key, json.loads(value)))
        return msgs

    def test_crash_and_restart_lose_nothing_and_keep_order(self):
        etype = "itrelay%s.step" % RUN
        rows = psql("INSERT INTO event_log (type, data, aggregate) SELECT :'v1',"
                    " jsonb_build_object('n', g), 'itrelay%s:' || (g %% %d) FROM generate_series(1, %d) g"
                    " RETURNING id, aggregate" % (RUN, KEYS, N), etype)
        ids = [int(r[0]) for r in rows]
        name = "kafka:" + self.topic
        # small batches, so it is still publishing when the first confirmed one is seen
        # (with 500 a fast machine published all four between two looks)
        first = self.relay(batch=20)
        # kill it once it has confirmed some batches, while it publishes the rest
        stored = wait_until(lambda: psql_one("SELECT last_id FROM hub_cursor WHERE name = :'v1'",
                                             name), timeout=60, step=0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        first.stderr.close()
        self.assertTrue(stored, "the relay stored no position before it was killed")
        at_kill = int(psql_one("SELECT last_id FROM hub_cursor WHERE name = :'v1'", name))
        self.assertLess(at_kill, ids[-1], "the relay had published everything before the kill")
        second = self.relay("--once")
        _, err = second.communicate(timeout=300)
        self.assertEqual(second.returncode, 0, err)
        self.assertEqual(int(psql_one("SELECT last_id FROM hub_cursor WHERE name = :'v1'", name)),
                         int(psql_one("SELECT id FROM event_log_page(NULL, NULL, NULL, 1000000)"
                                      " ORDER BY xid DESC, id DESC LIMIT 1")))
        msgs = [m for m in self.consume() if m[3]["type"] == etype]
        got = [m[3]["id"] for m in msgs]
        self.assertEqual(set(got), set(ids), "events missing from the topic")
        # per key: one partition, and the first sightings in log order
        for key in {m[2] for m in msgs}:
            mine = sorted((m for m in msgs if m[2] == key), key=lambda m: m[1])
            self.assertEqual(len({m[0] for m in mine}), 1, key)
            seen, order = set(), []
            for m in mine:
                if m[3]["id"] not in seen:
                    seen.add(m[3]["id"])
                    order.append(m[3]["id"])
            self.assertEqual(order, sorted(order), "%s out of order" % key)
            self.assertEqual(m[3]["aggregate"], key)
        dup = len(got) - len(set(got))
        print("relay crash test: killed after event %d, %d events, %d re-sent after the restart"
              % (at_kill, len(set(got)), dup))
        self.assertLessEqual(dup, 500 * 2, "more than the unconfirmed batch was sent again")

    def test_refusals(self):
        out = subprocess.run([BIN, "relay", "--topic", "x"], capture_output=True, text=True,
                             env=dict(os.environ, DATABASE_URL=database_url(), ZOE_KAFKA_BROKERS=""))
        self.assertEqual(out.returncode, 2)
        out = subprocess.run([BIN, "relay", "--brokers", self.brokers, "--batch", "0"],
                             capture_output=True, text=True,
                             env=dict(os.environ, DATABASE_URL=database_url()))
        self.assertEqual(out.returncode, 2)


if __name__ == "__main__":
    unittest.main()
