"""The Grafana dashboard ops/grafana/zoe-platform.json (Grafana is not packaged
here): its structure, every query valid PromQL (promtool parses each as a
recording rule) and naming only metrics this stack's /metrics exports."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import zoelib as z

DASHBOARD = os.path.join(z.ROOT, "ops", "grafana", "zoe-platform.json")
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


if __name__ == "__main__":
    unittest.main()
