"""Monitoring: the Grafana dashboard ops/grafana/zoe-platform.json (Grafana is
not packaged here): its structure, every query valid PromQL (promtool parses
each as a recording rule) and naming only metrics this stack's /metrics
exports; the Prometheus config and alerting rules in ops/prometheus, checked
with promtool and unit-tested with synthetic series (promtool test rules)."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import zoelib as z

DASHBOARD = os.path.join(z.ROOT, "ops", "grafana", "zoe-platform.json")
PROM = os.path.join(z.ROOT, "ops", "prometheus")
PANEL_TYPES = {"timeseries", "heatmap", "stat", "gauge", "table", "bargauge"}


def exported():
    """Every series name /metrics declares or sends (histograms with _bucket/_sum/_count);
    a gauge without a sample now (no replica) is declared by its # TYPE line."""
    names = set()
    for line in z.get("/metrics").body.decode().splitlines():
        m = re.match(r"# TYPE (\S+) (\w+)", line)
        if m:
            names.add(m.group(1))
            if m.group(2) == "histogram":
                names.update(m.group(1) + s for s in ("_bucket", "_sum", "_count"))
        elif line and not line.startswith("#"):
            names.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return names


def queries(dash):
    for p in dash["panels"]:
        for t in p.get("targets", []):
            yield p["title"], t["expr"]
    for v in dash["templating"]["list"]:
        if v["type"] == "query":
            yield "variable " + v["name"], v["query"]


class Dashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(DASHBOARD, encoding="utf-8") as f:
            cls.dash = json.load(f)

    def test_structure(self):
        d = self.dash
        for key in ("title", "uid", "schemaVersion", "panels", "templating", "time"):
            self.assertIn(key, d)
        self.assertEqual([i["name"] for i in d["__inputs"]], ["DS_PROMETHEUS"])
        ids = [p["id"] for p in d["panels"]]
        self.assertEqual(len(ids), len(set(ids)), "panel ids are unique")
        cells = set()
        for p in d["panels"]:
            self.assertIn(p["type"], PANEL_TYPES, p["title"])
            self.assertEqual(p["datasource"]["uid"], "${DS_PROMETHEUS}", p["title"])
            g = p["gridPos"]
            self.assertTrue(0 <= g["x"] and g["x"] + g["w"] <= 24 and g["h"] > 0, p["title"])
            for x in range(g["x"], g["x"] + g["w"]):          # panels do not overlap
                for y in range(g["y"], g["y"] + g["h"]):
                    self.assertNotIn((x, y), cells, p["title"])
                    cells.add((x, y))
            self.assertTrue(p["targets"], p["title"])
            refs = [t["refId"] for t in p["targets"]]
            self.assertEqual(len(refs), len(set(refs)), p["title"])
        # what the issue asks the dashboard to show
        titles = " ".join(p["title"].lower() for p in d["panels"])
        for what in ("requests", "latency", "errors", "postgresql", "jobs", "ingest"):
            self.assertIn(what, titles)
        self.assertIn("heatmap", {p["type"] for p in d["panels"]})

    def test_every_query_names_exported_metrics(self):
        have = exported()
        for title, expr in queries(self.dash):
            for name in set(re.findall(r"\bzoe_[a-z0-9_]+", expr)):
                self.assertIn(name, have, f"{title}: {name} is not on /metrics")

    def test_every_query_is_valid_promql(self):
        self.assertTrue(shutil.which("promtool"), "promtool (Debian package prometheus) is installed by scripts/dev")
        rules = ["groups:", "  - name: dashboard", "    rules:"]
        for i, (title, expr) in enumerate(q for q in queries(self.dash) if not q[0].startswith("variable")):
            expr = expr.replace("$__rate_interval", "5m").replace("$instance", ".*")
            rules += [f"      - record: dashboard:q{i}", "        expr: " + json.dumps(expr)]
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            f.write("\n".join(rules) + "\n")
        try:
            out = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            # the check can fail: a broken expression is refused
            with open(f.name, "a") as g:
                g.write('      - record: dashboard:broken\n        expr: "sum(rate(zoe_workers[5m]"\n')
            bad = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
            self.assertNotEqual(bad.returncode, 0)
        finally:
            os.unlink(f.name)



def promtool(*args, cwd=PROM):
    return subprocess.run(["promtool", *args], capture_output=True, text=True, cwd=cwd)


class Alerts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(PROM, "zoe-rules.yml"), encoding="utf-8") as f:
            cls.rules = f.read()
        with open(os.path.join(PROM, "zoe-rules.test.yml"), encoding="utf-8") as f:
            cls.tests = f.read()
        cls.alerts = re.findall(r"^\s*- alert: (\w+)$", cls.rules, re.M)

    def test_config_and_rules_are_valid(self):
        out = promtool("check", "config", "prometheus.yml")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("1 rule files found", out.stdout + out.stderr)
        out = promtool("check", "rules", "zoe-rules.yml")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(f"{len(self.alerts)} rules found", out.stdout + out.stderr)

    def test_what_the_issue_asks_is_alerted(self):
        text = self.rules
        for metric in ("zoe_requests_total{class=\"5xx\"}", "zoe_request_duration_seconds_bucket",
                       "zoe_worker_restarts_total", "zoe_job_oldest_due_seconds",
                       "zoe_replica_lag_seconds", "zoe_rollup_behind_seconds", "zoe_disk_free_bytes"):
            self.assertIn(metric, text)
        for a in self.alerts:
            self.assertRegex(self.rules, rf"alert: {a}\n(?:.*\n)*?\s+labels: {{severity: (page|ticket)}}", a)

    def test_rules_name_only_exported_metrics(self):
        have = exported()
        for name in set(re.findall(r"\bzoe_[a-z0-9_]+", self.rules)):
            self.assertIn(name, have, f"{name} is not on /metrics")

    def test_every_alert_has_unit_tests_that_pass(self):
        tested = set(re.findall(r"alertname: (\w+)", self.tests))
        self.assertEqual(tested, set(self.alerts))
        for a in self.alerts:      # each alert checked firing and quiet
            cases = re.findall(rf"alertname: {a}\n\s+exp_alerts:(.*)", self.tests)
            self.assertIn(" []", cases, f"{a}: no case where it stays quiet")
            self.assertIn("", cases, f"{a}: no case where it fires")
        out = promtool("test", "rules", "zoe-rules.test.yml")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("SUCCESS", out.stdout + out.stderr)

    def test_a_changed_threshold_fails_the_unit_tests(self):
        # the tests pin the thresholds: a disk alert at 5 % instead of 10 % is caught
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "zoe-rules.yml"), "w") as f:
                f.write(self.rules.replace("zoe_disk_size_bytes < 0.10", "zoe_disk_size_bytes < 0.05"))
            with open(os.path.join(d, "zoe-rules.test.yml"), "w") as f:
                f.write(self.tests)
            out = promtool("test", "rules", "zoe-rules.test.yml", cwd=d)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("ZoeDiskAlmostFull", out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main()


class Exposition(unittest.TestCase):
    """/metrics itself passes `promtool check metrics` (which does fail on a
    lint problem), and the report cache's lookups are counted by result."""

    def test_metrics_pass_promtool_check_metrics(self):
        z.get("/api/health")
        body = z.get("/metrics").body
        out = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True)
        self.assertEqual(out.returncode, 0, (out.stdout + out.stderr).decode())
        self.assertEqual((out.stdout + out.stderr).strip(), b"")
        bad = subprocess.run(["promtool", "check", "metrics"],
                             input=b"# HELP foo x\n# TYPE foo counter\nfoo 1\n", capture_output=True)
        self.assertNotEqual(bad.returncode, 0)

    def test_cache_lookups_are_counted(self):
        token = z.token_for("viewer")
        before = z.metrics()
        seen = {"hit": 0, "miss": 0}
        for _ in range(3):
            r = z.get("/api/level2/entity-seo/report", token=token)
            self.assertEqual(r.status, 200)
            seen[r.headers["x-cache"]] += 1
        self.assertGreaterEqual(seen["hit"], 1)
        after = z.metrics()
        for result in ("hit", "miss"):
            grew = (z.metric(after, "zoe_cache_lookups_total", result=result) -
                    z.metric(before, "zoe_cache_lookups_total", result=result))
            self.assertGreaterEqual(grew, seen[result], result)
