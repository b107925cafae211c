"""The conventions of every endpoint: problem+json errors, limits, request ids,
501 for unbuilt routes, OpenAPI from the handler table, /metrics."""
import json
import re
import unittest

from zoelib import (RUN, clear_login_failures, get, is_problem, metric, metrics, post, request,
                    token_for, unbuilt_routes, zoe)

LOGIN = "/api/auth/login"
JSON = {"Content-Type": "application/json"}


class Errors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        clear_login_failures()

    @classmethod
    def tearDownClass(cls):
        clear_login_failures()

    def test_404(self):
        r = get("/api/no/such/thing")
        p = is_problem(self, r, 404)
        self.assertEqual(p["title"], "Not Found")
        self.assertEqual(p["instance"], "/api/no/such/thing")
        # a known prefix with an extra segment is no route either
        is_problem(self, get("/api/health/extra"), 404)

    def test_405_with_allow(self):
        r = request("DELETE", "/api/health")
        is_problem(self, r, 405)
        self.assertEqual(r.headers.get("Allow"), "GET")
        r = request("PUT", "/api/level5/hub/webhooks")
        is_problem(self, r, 405)
        self.assertEqual(sorted(m.strip() for m in r.headers.get("Allow").split(",")),
                         ["GET", "POST"])
        r = get(LOGIN)
        is_problem(self, r, 405)
        self.assertEqual(r.headers.get("Allow"), "POST")

    def test_413_body_over_1_mib(self):
        big = b'{"email":"' + b"a" * (1024 * 1024) + b'"}'
        r = request("POST", LOGIN, raw=big, headers=JSON)
        p = is_problem(self, r, 413)
        self.assertEqual(p["title"], "Content Too Large")

    def test_1_mib_is_still_read(self):
        body = b'{"email":"' + b"a" * (1024 * 1024 - 20) + b'"}'
        self.assertLessEqual(len(body), 1024 * 1024)
        p = is_problem(self, request("POST", LOGIN, raw=body, headers=JSON), 422)
        self.assertEqual(sorted(e["field"] for e in p["errors"]), ["email", "password"])

    def test_415(self):
        r = request("POST", LOGIN, raw=b"email=a&password=b",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        p = is_problem(self, r, 415)
        self.assertIn("application/json", p["detail"])
        is_problem(self, request("POST", LOGIN, raw=b"{}"), 415)

    def test_415_media_type_exact(self):
        """application/json itself, case-insensitively, with charset utf-8 at
        most; look-alikes and other charsets are refused naming the header."""
        body = json.dumps({"email": "nobody@zoe-solar.de", "password": ""}).encode()
        for ctype in ("application/jsonx", "application/json-patch+json", "text/json",
                      "application/json; charset=latin1", "application/problem+json",
                      "text/plain", "application/json, text/plain"):
            r = request("POST", LOGIN, raw=body, headers={"Content-Type": ctype})
            p = is_problem(self, r, 415)
            self.assertEqual([e["field"] for e in p["errors"]], ["Content-Type"], ctype)
            self.assertIn("application/json", p["detail"])
            self.assertEqual(r.headers.get("Accept-Post"), "application/json")
        for ctype in ("application/json; charset=UTF-8", "Application/JSON",
                      "application/json;charset=\"utf-8\""):
            r = request("POST", LOGIN, raw=body, headers={"Content-Type": ctype})
            p = is_problem(self, r, 422)
            self.assertEqual(sorted(e["field"] for e in p["errors"]), ["password"], ctype)

    def test_422_lists_every_bad_field(self):
        r = post(LOGIN, {"email": "not-an-address", "password": "", "cookie": "yes"})
        p = is_problem(self, r, 422)
        self.assertEqual(p["detail"], "3 fields failed validation")
        fields = {e["field"]: e["message"] for e in p["errors"]}
        self.assertEqual(set(fields), {"email", "password", "cookie"})
        self.assertEqual(fields["cookie"], "must be a boolean")
        for e in p["errors"]:
            self.assertTrue(e["message"])

    def test_400_malformed(self):
        for raw in (b'{"email": ', b"[1, 2", b'{"a":1,"a":2}', b""):
            p = is_problem(self, request("POST", LOGIN, raw=raw, headers=JSON), 400)
            self.assertTrue(p["detail"])

    def test_400_broken_utf8(self):
        for bad in (b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82", b"\xc0\xaf"):
            raw = b'{"email":"a@b.de","password":"' + bad + b'"}'
            p = is_problem(self, request("POST", LOGIN, raw=raw, headers=JSON), 400)
            self.assertEqual(p["detail"], "the request body is not valid UTF-8")
        # and good UTF-8 (umlauts, ß, an emoji) is fine
        r = post(LOGIN, {"email": "jürgen.weiß@example.org", "password": "Grüße 🌞 pw"})
        is_problem(self, r, 401)

    def test_400_nesting(self):
        def nested(depth):   # depth counts the outer object
            return ('{"email":' + "[" * (depth - 1) + "]" * (depth - 1) + "}").encode()
        p = is_problem(self, request("POST", LOGIN, raw=nested(33), headers=JSON), 400)
        self.assertEqual(p["detail"], "JSON nested deeper than 32 levels")
        # 32 levels parse; the email is just of the wrong type
        p = is_problem(self, request("POST", LOGIN, raw=nested(32), headers=JSON), 422)
        self.assertIn("email", [e["field"] for e in p["errors"]])
        # brackets inside strings do not count
        raw = json.dumps({"email": "[" * 100 + "@x.de", "password": "{" * 100}).encode()
        is_problem(self, request("POST", LOGIN, raw=raw, headers=JSON), 401)

    def test_request_id_everywhere(self):
        seen = set()
        replies = [get("/api/health"), get("/api/no/such"), request("DELETE", "/api/health"),
                   post(LOGIN, {}), get("/api/auth/me"), get("/metrics"),
                   get("/api/openapi.json"), get("/api/ready"),
                   request("POST", LOGIN, raw=b"x" * (1024 * 1024 + 1), headers=JSON)]
        for r in replies:
            rid = r.headers.get("X-Request-Id")
            self.assertIsNotNone(rid, r)
            self.assertRegex(rid, r"^[0-9a-f]{32}$")
            self.assertEqual(len(r.headers.get_all("X-Request-Id")), 1, r)
            seen.add(rid)
        self.assertEqual(len(seen), len(replies))

    def test_health_and_ready(self):
        r = get("/api/health")
        self.assertEqual((r.status, r.json), (200, {"status": "ok"}))
        r = get("/api/ready")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "ready")
        self.assertEqual(r.json["pending_migrations"], [])



class BeaconMediaTypes(unittest.TestCase):
    """The tracker's beacon (#3) also takes text/plain, as navigator.sendBeacon
    and Plausible's tracker send it; nothing else loosens."""
    TRACK = "/api/level2/ux-signals/track"

    @classmethod
    def setUpClass(cls):
        cls.domain = "it-mt-%s.example" % RUN
        cls.origin = "https://" + cls.domain
        cls.key = zoe("site", "add", "--domain", cls.domain, "--origin", cls.origin)

    def send(self, ctype):
        body = json.dumps({"type": "pageview", "url": "/medientyp"}).encode()
        return request("POST", self.TRACK, raw=body, headers={
            "Content-Type": ctype, "Origin": self.origin, "X-Site-Key": self.key})

    def test_text_plain_and_json_accepted(self):
        for ctype in ("text/plain", "text/plain;charset=UTF-8", "application/json",
                      "application/json; charset=utf-8"):
            self.assertEqual(self.send(ctype).status, 202, ctype)

    def test_others_refused(self):
        for ctype in ("text/plain; charset=iso-8859-1", "text/plainx", "application/jsonx",
                      "text/html", "application/x-www-form-urlencoded"):
            r = self.send(ctype)
            p = is_problem(self, r, 415)
            self.assertEqual(p["errors"][0]["field"], "Content-Type", ctype)
            self.assertEqual(r.headers.get("Accept-Post"), "application/json, text/plain")

class Unbuilt(unittest.TestCase):
    """Routes not built yet answer 501 naming the route, after the auth check.
    Which routes those are changes as services land: read it from OpenAPI."""

    def test_501_names_the_route(self):
        routes = unbuilt_routes()
        if not routes:
            self.skipTest("every route is built")
        tokens = {}
        for method, path, role, no, site in routes[:8]:
            if role not in tokens:
                tokens[role] = token_for(role)
            concrete = path.replace("{id}", "17")
            body = {} if method in ("POST", "PATCH", "PUT") else None
            r = request(method, concrete, body=body, token=tokens[role])
            p = is_problem(self, r, 501)
            self.assertEqual(p["detail"], "%s %s (#%d) is not built yet" % (method, path, no))
            # without credentials the auth check answers first (site-key routes
            # may find their key in the body, so they reach the 501)
            if not site:
                is_problem(self, request(method, concrete, body=body), 401)


class OpenApi(unittest.TestCase):
    def test_all_62_routes(self):
        r = get("/api/openapi.json")
        self.assertEqual(r.status, 200, r)
        doc = r.json
        self.assertEqual(doc["openapi"], "3.1.0")
        numbers = []
        platform = set()
        for path, item in doc["paths"].items():
            for method, op in item.items():
                if "x-spec-number" in op:
                    numbers.append(op["x-spec-number"])
                else:
                    platform.add((method.upper(), path))
                self.assertTrue(op["summary"])
        self.assertEqual(sorted(numbers), list(range(1, 63)))
        for m, p in (("POST", "/api/auth/login"), ("POST", "/api/auth/refresh"),
                     ("POST", "/api/auth/logout"), ("GET", "/api/auth/me"),
                     ("GET", "/api/health"), ("GET", "/api/ready"), ("GET", "/metrics"),
                     ("GET", "/api/openapi.json")):
            self.assertIn((m, p), platform)
        ops = doc["paths"]["/api/level5/content/drafts/{id}"]["patch"]
        self.assertEqual(ops["parameters"][0]["name"], "id")
        self.assertEqual(ops["parameters"][0]["in"], "path")
        self.assertEqual(doc["paths"]["/api/level2/ux-signals/track"]["post"]["x-spec-number"], 3)


class Metrics(unittest.TestCase):
    def test_prometheus_text_and_counting(self):
        r = get("/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.ctype, "text/plain")
        self.assertIn("version=0.0.4", r.headers.get("Content-Type"))
        text = r.body.decode()
        for name, kind in (("zoe_requests_total", "counter"),
                           ("zoe_request_duration_seconds", "histogram"),
                           ("zoe_db_roundtrip_seconds", "histogram"),
                           ("zoe_worker_restarts_total", "counter"), ("zoe_workers", "gauge")):
            self.assertIn("# TYPE %s %s" % (name, kind), text)
        self.assertRegex(text, re.compile(r"^zoe_workers [1-9]\d*$", re.M))

        health = dict(method="GET", route="/api/health")
        unmatched = dict(method="", route="unmatched")

        def delta(name, **labels):
            return metric(after, name, **labels) - metric(before, name, **labels)

        before = metrics()
        for _ in range(7):
            get("/api/health")
        for _ in range(3):
            get("/api/no/such")
        after = metrics()
        self.assertEqual(delta("zoe_requests_total", **health, **{"class": "2xx"}), 7)
        self.assertEqual(delta("zoe_requests_total", **health, **{"class": "4xx"}), 0)
        self.assertEqual(delta("zoe_requests_total", **unmatched, **{"class": "4xx"}), 3)
        self.assertEqual(delta("zoe_request_duration_seconds_count", **health), 7)
        self.assertEqual(metric(after, "zoe_request_duration_seconds_bucket", le="+Inf", **health),
                         metric(after, "zoe_request_duration_seconds_count", **health))

if __name__ == "__main__":
    unittest.main()
