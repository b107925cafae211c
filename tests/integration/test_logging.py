"""The log as ops/logging.md documents it: every field a line carries is in the
reference with its type, every documented request field shows up, and nothing a
log must not hold (query strings with site keys, tokens, passwords, addresses)
reaches it."""
import json
import os
import re
import unittest

import zoelib as z

DOC = os.path.join(z.ROOT, "ops", "logging.md")
TYPES = {"string": str, "number": (int, float)}


def documented():
    """{"request": {field: type}, "event": {field: type}} from the doc's two tables."""
    out, part = {}, None
    with open(DOC, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## Request lines"):
                part = out.setdefault("request", {})
            elif line.startswith("## Event lines"):
                part = out.setdefault("event", {})
            elif line.startswith("## "):
                part = None
            m = re.match(r"\| `(\w+)` \| (\w+) \|", line)
            if part is not None and m:
                part[m.group(1)] = m.group(2)
    return out


def log_lines(path, since):
    with open(path, encoding="utf-8") as f:
        f.seek(since)
        return [json.loads(l) for l in f.read().splitlines() if l.strip()]


class LogTest(unittest.TestCase):
    def test_lines_match_the_reference(self):
        doc = documented()
        self.assertIn("route", doc["request"])
        self.assertEqual(set(doc["event"]), {"ts", "level", "pid", "msg"})
        path = os.path.join(z.VAR, "log", "zoe.log")
        start = os.path.getsize(path)
        secret = "Geheim-" + z.RUN
        token = z.token_for("viewer")
        marker = "logcheck" + z.RUN
        z.get("/api/health")
        z.get(f"/api/nowhere-{marker}")                                   # 404: no route
        z.get("/api/level2/ux-signals/metrics", token=token)              # a user
        z.post("/api/level2/ux-signals/track?site=site_demo_zoe_solar&x=" + marker,
               {"events": []}, headers={"X-Site-Key": "site_demo_zoe_solar"})
        z.post("/api/auth/login", {"email": "nobody@example.org", "password": secret})
        z.wait_until(lambda: sum(1 for l in log_lines(path, start) if "method" in l) >= 5)
        lines = log_lines(path, start)
        requests = [l for l in lines if "method" in l]
        events = [l for l in lines if "method" not in l]
        seen = set()
        for line in requests:
            for k, v in line.items():
                self.assertIn(k, doc["request"], f"request field {k} is not in ops/logging.md: {line}")
                self.assertIsInstance(v, TYPES[doc["request"][k]], f"{k} of {line}")
                seen.add(k)
        for line in events:
            for k, v in line.items():
                self.assertIn(k, doc["event"], f"event field {k} is not in ops/logging.md: {line}")
                self.assertIsInstance(v, TYPES[doc["event"][k]], f"{k} of {line}")
        # "db" is written only when a replica answers: tests/ops/replica.test.mjs sees it
        self.assertEqual(set(doc["request"]) - seen - {"db"}, set(), "documented request fields never written")
        by_path = {l["path"]: l for l in requests}
        self.assertNotIn("route", by_path[f"/api/nowhere-{marker}"], "a 404 names no route")
        self.assertEqual(by_path["/api/level2/ux-signals/metrics"]["auth"], "user")
        self.assertEqual(by_path["/api/level2/ux-signals/metrics"]["route"], "/api/level2/ux-signals/metrics")
        text = "\n".join(json.dumps(l) for l in lines)
        for leaked in (secret, token, marker + "&", "site=site_demo", "127.0.0.1"):
            self.assertNotIn(leaked, text, f"{leaked!r} must not reach the log")


if __name__ == "__main__":
    unittest.main()
