"""Security headers on every answer: the dashboard, static files, the tracker, the
pool's replies of every class, and nginx's own error pages (413, 429, 502) carry
nosniff, X-Frame-Options, Content-Security-Policy and Referrer-Policy exactly once.
The API's policy loads nothing; the dashboard's loads only its own origin."""
import os
import re
import secrets
import unittest

from zoelib import RUN, VAR, get, post, request, token_for, unbuilt_routes, zoe
from test_rate_limit import BEACON_BURST, KEY_BURST, beacon, flood, new_site

API_CSP = "default-src 'none'; frame-ancestors 'none'"
TRACK = "/api/level2/ux-signals/track"
FIXED = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
         "Referrer-Policy": "strict-origin-when-cross-origin"}


def directives(csp):
    return {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}


class Headers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.viewer = token_for("viewer")
        cls.editor = token_for("editor")
        cls.admin = token_for("admin")

    def secure(self, r, status, dashboard=False):
        self.assertEqual(r.status, status, r)
        for name, value in FIXED.items():
            self.assertEqual(r.headers.get_all(name), [value], "%s on %r" % (name, r))
        csp = r.headers.get_all("Content-Security-Policy")
        self.assertEqual(len(csp or []), 1, "CSP on %r" % r)
        self.assertIsNone(r.headers.get("Strict-Transport-Security"), "HSTS over plain HTTP")
        if not dashboard:
            self.assertEqual(csp[0], API_CSP, r)
            return
        d = directives(csp[0])
        self.assertEqual(d["default-src"], ["'self'"])
        self.assertEqual(d["script-src"], ["'self'"])       # no inline, no eval
        self.assertEqual(d["frame-ancestors"], ["'none'"])
        self.assertEqual(d["object-src"], ["'none'"])

    def test_dashboard_and_static_files(self):
        page = get("/")
        self.secure(page, 200, dashboard=True)
        self.secure(get("/some/client/route"), 200, dashboard=True)
        self.secure(get("/tracker.js"), 200)
        # the API reference is a page (Swagger UI from the build), not an API answer
        self.secure(get("/api/docs/"), 200, dashboard=True)
        assets = re.findall(r'(/assets/[^"]+)"', page.body.decode())
        if not assets:
            self.skipTest("the dashboard is not built (ZOE_NO_DASHBOARD)")
        asset = get(assets[0])
        self.secure(asset, 200, dashboard=True)
        self.assertIn("immutable", asset.headers["Cache-Control"])

    def unbuilt(self):
        routes = unbuilt_routes()
        if not routes:
            self.skipTest("every route is built")
        method, path = routes[0][:2]
        return request(method, re.sub(r"\{\w+\}", "1", path), body={}, token=self.admin)

    def test_pool_replies_of_every_class(self):
        key, origin = new_site()
        cases = [
            ("200", get("/api/health"), 200),
            ("200 openapi", get("/api/openapi.json"), 200),
            ("200 report", get("/api/level2/ux-signals/metrics", token=self.viewer), 200),
            ("202 beacon", beacon(key, origin), 202),
            ("204 preflight", request("OPTIONS", TRACK, headers={"Origin": origin}), 204),
            ("400", post("/api/auth/login", raw=b"{not json",
                         headers={"Content-Type": "application/json"}), 400),
            ("401", get("/api/auth/me"), 401),
            ("403", post("/api/level2/data/optimize", {}, token=self.viewer), 403),
            ("404", get("/api/no/such/thing"), 404),
            ("405", request("DELETE", "/api/health"), 405),
            ("413 pool", post("/api/auth/login", raw=b"x" * (3 << 19),     # 1.5 MiB
                              headers={"Content-Type": "application/json"}), 413),
            ("415", post("/api/auth/login", raw=b"<a/>", headers={"Content-Type": "text/xml"}),
             415),
            ("422", post("/api/level2/entity-seo/analyze", {"text": 5}, token=self.editor), 422),
            ("501", self.unbuilt(), 501),
            ("metrics", get("/metrics"), 200),
        ]
        for name, r, status in cases:
            with self.subTest(name):
                self.secure(r, status)
        by = {name: r for name, r, _ in cases}
        self.assertEqual(by["202 beacon"].headers["Access-Control-Allow-Origin"], origin)
        self.assertIn("limit of 1048576 bytes", by["413 pool"].json["detail"])    # the pool's

    def test_nginx_error_pages(self):
        r = post("/api/level2/entity-seo/analyze", raw=b"x" * (3 << 20),
                 headers={"Content-Type": "application/json"})
        self.secure(r, 413)
        self.assertEqual(r.ctype, "application/problem+json")
        self.assertIn("size limit of this endpoint", r.json["detail"])     # nginx's words
        key, origin = new_site()
        replies, _ = flood(lambda: beacon(key, origin), BEACON_BURST + 60)
        self.secure(next(r for r in replies if r.status == 429), 429)

    def test_pool_rate_limit(self):
        key = zoe("apikey", "add", "--name", "it-hd-" + secrets.token_hex(3), "--role", "viewer")
        replies, _ = flood(lambda: get("/api/auth/me", headers={"X-Api-Key": key}),
                           KEY_BURST + 60)
        self.secure(next(r for r in replies if r.status == 429), 429)

    def test_bad_gateway_when_the_pool_is_unreachable(self):
        # the pool keeps its listening socket; only new connections fail while the
        # socket's name is away, which nginx answers with its own 502 page
        sock = os.path.join(VAR, "run/zoe.sock")
        away = sock + ".away-" + RUN
        os.rename(sock, away)
        try:
            r = get("/api/health")
        finally:
            os.rename(away, sock)
        self.secure(r, 502)
        self.assertEqual(r.ctype, "application/problem+json")
        self.assertEqual(get("/api/health").status, 200)

    def test_every_block_that_adds_headers_includes_the_security_ones(self):
        # 504 needs a pool that hangs for fastcgi_read_timeout; its page is an
        # error_page location like 502's. nginx drops the server's add_header lines
        # in a block that has its own, so every such block must include them again.
        conf = rendered_config()
        self.assertIn("@gateway_timeout", conf)
        checked = 0
        for name, statements in blocks(conf):
            if name[0] in ("server", "location", "if") and any(s[0] == "add_header"
                                                               for s in statements):
                checked += 1
                with self.subTest(" ".join(name)):
                    self.assertTrue(any(s[0] == "include" and
                                        s[1].endswith("/security_headers.conf")
                                        for s in statements), statements)
        self.assertGreaterEqual(checked, 8)


def rendered_config():
    """The nginx configuration as scripts/dev rendered it, its own includes inlined
    (but for the security headers, whose include is what the tests look for)."""
    here = os.path.join(VAR, "nginx")

    def inline(path):
        with open(path) as f:
            text = f.read()
        return re.sub(r"include (\S+);", lambda m: m.group(0) if (
            not m.group(1).startswith(here) or m.group(1).endswith("/security_headers.conf"))
            else inline(m.group(1)), text)
    return inline(os.path.join(here, "zoe.conf"))


def blocks(conf):
    """(header words, direct statements) of every block of an nginx config."""
    tokens = re.findall(r"'[^']*'|\"[^\"]*\"|#[^\n]*|[;{}]|[^\s;{}'\"#]+", conf)
    out, stack, words = [], [(("main",), [])], []
    for t in tokens:
        if t.startswith("#"):
            continue
        if t == ";":
            stack[-1][1].append(words)
        elif t == "{":
            stack.append((tuple(words), []))
        elif t == "}":
            out.append(stack.pop())
        else:
            words.append(t)
            continue
        words = []
    return out


if __name__ == "__main__":
    unittest.main()
