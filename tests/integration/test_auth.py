"""POST /api/auth/login, /refresh, /logout, GET /api/auth/me and the JWT checks over HTTP."""
import base64
import hashlib
import json
import math
import socket
import struct
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from zoelib import (BEGIN, PARAMS, STDIN, clear_login_failures, claims, forge, free_port, get,
                    is_problem, login, make_user, nv, post, psql_one, read_reply, record,
                    request, start_pool, wait_until, zoe)

WRITE = "/api/level2/entity-seo/analyze"    # editor; a write always re-reads the user's state


def parallel_logins(bodies):
    """POSTs every login body at once (one thread each); the replies in order."""
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(lambda b: post("/api/auth/login", b, timeout=60), bodies))


def failures_of(column, value):
    """Failed password checks recorded for an account (email) or an address (ip_hash)."""
    return int(psql_one("SELECT count(*) FROM login_failures WHERE %s = :'v1'" % column, value))


class Auth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        clear_login_failures()
        cls.email, cls.password = make_user("analyst")

    @classmethod
    def tearDownClass(cls):
        clear_login_failures()

    def test_login_then_me(self):
        j = login(self.email, self.password)
        self.assertEqual(j["token_type"], "Bearer")
        self.assertEqual(j["expires_in"], 900)
        self.assertTrue(j["refresh_token"].startswith("zr_"))
        self.assertEqual(j["user"]["email"], self.email)
        self.assertEqual(j["user"]["role"], "analyst")
        r = get("/api/auth/me", token=j["access_token"])
        self.assertEqual(r.status, 200, r)
        me = r.json
        self.assertEqual(me["email"], self.email)
        self.assertEqual(me["role"], "analyst")
        self.assertEqual(me["kind"], "user")
        self.assertEqual(me["id"], j["user"]["id"])

    def test_login_email_case_insensitive(self):
        j = login(self.email.upper(), self.password)
        self.assertEqual(j["user"]["email"], self.email)

    def test_wrong_password_401(self):
        r = post("/api/auth/login", {"email": self.email, "password": "wrong-password"})
        p = is_problem(self, r, 401)
        self.assertIn("wrong", p["detail"])
        self.assertNotIn("access_token", p)
        # an unknown account answers exactly the same
        r2 = post("/api/auth/login", {"email": "nobody-%s@example.org" % time.time_ns(),
                                      "password": "wrong-password"})
        self.assertEqual(is_problem(self, r2, 401)["detail"], p["detail"])

    def test_rate_limit_per_account(self):
        email, pw = make_user("viewer")
        for i in range(5):
            r = post("/api/auth/login", {"email": email, "password": "bad-%d-password" % i})
            is_problem(self, r, 401)
        r = post("/api/auth/login", {"email": email, "password": "bad-6-password"})
        is_problem(self, r, 429)
        self.assertEqual(r.headers.get("Retry-After"), "900")
        # even the right password is refused while the account is locked
        r = post("/api/auth/login", {"email": email, "password": pw})
        is_problem(self, r, 429)
        # another account from the same address still logs in
        login(self.email, self.password)

    def test_rate_limit_per_address(self):
        email, pw = make_user("viewer")
        clear_login_failures()      # earlier tests failed from this address too
        try:
            for i in range(20):     # 20 accounts, one failure each, from one address
                r = post("/api/auth/login", {"email": "it-ip-%d-%s@example.org" % (i, pw),
                                             "password": "wrong-password"})
                is_problem(self, r, 401)
            r = post("/api/auth/login", {"email": email, "password": pw})
            is_problem(self, r, 429)
            self.assertEqual(r.headers.get("Retry-After"), "900")
        finally:
            clear_login_failures()
        login(email, pw)

    def assert_limited(self, replies, allowed):
        """`allowed` replies are 401 after a password check, every other one 429."""
        codes = [r.status for r in replies]
        self.assertEqual(codes.count(401), allowed, "password checks (401) of %d" % len(codes))
        self.assertEqual(codes.count(429), len(replies) - allowed, codes)
        for r in replies:
            if r.status == 429:
                is_problem(self, r, 429)
                self.assertEqual(r.headers.get("Retry-After"), "900")

    def test_rate_limit_per_account_under_concurrency(self):
        email, pw = make_user("viewer")
        clear_login_failures()
        try:
            replies = parallel_logins([{"email": email, "password": "bad-%d-password" % i}
                                       for i in range(40)])
            self.assert_limited(replies, 5)
            self.assertEqual(failures_of("email", email), 5)   # exactly 5 password checks
            is_problem(self, post("/api/auth/login", {"email": email, "password": pw}), 429)
        finally:
            clear_login_failures()

    def test_rate_limit_per_address_under_concurrency(self):
        email, pw = make_user("viewer")
        clear_login_failures()
        try:
            replies = parallel_logins([{"email": "it-par-%d-%s@example.org" % (i, pw),
                                        "password": "wrong-password"} for i in range(40)])
            self.assert_limited(replies, 20)
            local = hashlib.sha256(b"127.0.0.1").hexdigest()
            self.assertEqual(failures_of("ip_hash", local), 20)
            is_problem(self, post("/api/auth/login", {"email": email, "password": pw}), 429)
        finally:
            clear_login_failures()

    def test_refresh_rotates_and_reuse_revokes_family(self):
        j = login(self.email, self.password)
        first = j["refresh_token"]
        r = post("/api/auth/refresh", {"refresh_token": first})
        self.assertEqual(r.status, 200, r)
        second = r.json["refresh_token"]
        self.assertNotEqual(first, second)
        self.assertEqual(get("/api/auth/me", token=r.json["access_token"]).status, 200)
        r = post("/api/auth/refresh", {"refresh_token": second})
        self.assertEqual(r.status, 200, r)
        third = r.json["refresh_token"]
        # the spent first token is refused, and its reuse revokes the whole family
        p = is_problem(self, post("/api/auth/refresh", {"refresh_token": first}), 401)
        self.assertIn("reused", p["detail"])
        p = is_problem(self, post("/api/auth/refresh", {"refresh_token": third}), 401)
        self.assertIn("revoked", p["detail"])
        # a fresh login is a new family and works
        j2 = login(self.email, self.password)
        self.assertEqual(post("/api/auth/refresh",
                              {"refresh_token": j2["refresh_token"]}).status, 200)

    def test_refresh_unknown_and_missing(self):
        p = is_problem(self, post("/api/auth/refresh", {"refresh_token": "zr_nope"}), 401)
        self.assertIn("invalid", p["detail"])
        p = is_problem(self, post("/api/auth/refresh", {}), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["refresh_token"])

    def test_logout_then_refresh_fails(self):
        j = login(self.email, self.password)
        r = post("/api/auth/logout", token=j["access_token"])
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        p = is_problem(self, post("/api/auth/refresh", {"refresh_token": j["refresh_token"]}), 401)
        self.assertIn("revoked", p["detail"])
        is_problem(self, post("/api/auth/logout"), 401)

    def test_cookie_mode(self):
        r = post("/api/auth/login", {"email": self.email, "password": self.password,
                                     "cookie": True})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("refresh_token", r.json)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        cookie = r.headers.get("Set-Cookie")
        self.assertIsNotNone(cookie)
        parts = [p.strip() for p in cookie.split(";")]
        name, _, value = parts[0].partition("=")
        self.assertEqual(name, "zoe_refresh")
        self.assertTrue(value.startswith("zr_"))
        self.assertIn("HttpOnly", parts)
        self.assertIn("SameSite=Strict", parts)
        self.assertIn("Path=/api/auth", parts)
        # refresh with the cookie and an empty body: a new cookie, no token in the body
        r2 = request("POST", "/api/auth/refresh", headers={"Cookie": "zoe_refresh=" + value})
        self.assertEqual(r2.status, 200, r2)
        self.assertNotIn("refresh_token", r2.json)
        new = r2.headers.get("Set-Cookie").split(";")[0].partition("=")[2]
        self.assertTrue(new.startswith("zr_"))
        self.assertNotEqual(new, value)
        self.assertEqual(get("/api/auth/me", token=r2.json["access_token"]).status, 200)
        # the old cookie is spent: refused, and the cookie is cleared
        r3 = request("POST", "/api/auth/refresh", headers={"Cookie": "zoe_refresh=" + value})
        is_problem(self, r3, 401)
        self.assertIn("Max-Age=0", r3.headers.get("Set-Cookie", ""))


def iat(token):
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["iat"]


def passes_auth(token):
    """A write with `token`: True when authentication let it through to the handler."""
    return post(WRITE, {"text": "x"}, token=token).status not in (401, 403)


class Revocation(unittest.TestCase):
    """Disabling, deleting, a new role or password, and logging out everywhere end the
    access tokens issued so far: writes at once, reads within a worker's 5 s cache."""

    def refused_at_once(self, token):
        p = is_problem(self, post(WRITE, {"text": "x"}, token=token), 401)
        self.assertEqual(p["detail"], "the access token has been revoked")

    def refused_soon(self, token):
        self.assertTrue(wait_until(lambda: get("/api/auth/me", token=token).status == 401,
                                   timeout=10), "a read with a revoked token still passes")

    def test_disable_then_enable(self):
        email, pw = make_user("editor")
        j = login(email, pw)
        self.assertTrue(passes_auth(j["access_token"]))
        zoe("user", "disable", "--email", email)
        self.refused_at_once(j["access_token"])
        self.refused_soon(j["access_token"])
        is_problem(self, post("/api/auth/login", {"email": email, "password": pw}), 401)
        is_problem(self, post("/api/auth/refresh", {"refresh_token": j["refresh_token"]}), 401)
        zoe("user", "enable", "--email", email)
        self.refused_at_once(j["access_token"])      # enabling does not revive old tokens
        self.assertTrue(passes_auth(login(email, pw)["access_token"]))

    def test_delete(self):
        email, pw = make_user("editor")
        tok = login(email, pw)["access_token"]
        zoe("user", "delete", "--email", email)
        self.refused_at_once(tok)
        self.refused_soon(tok)
        with self.assertRaises(RuntimeError):
            zoe("user", "delete", "--email", email)   # no such user any more

    def test_new_password_logs_out(self):
        email, pw = make_user("editor")
        j = login(email, pw)
        zoe("user", "add", "--email", email, "--role", "editor", "--password", pw + "-new",
            "--update")
        self.refused_at_once(j["access_token"])
        p = is_problem(self, post("/api/auth/refresh", {"refresh_token": j["refresh_token"]}),
                       401)
        self.assertIn("revoked", p["detail"])
        self.assertTrue(passes_auth(login(email, pw + "-new")["access_token"]))

    def test_same_password_keeps_sessions(self):
        # scripts/dev up sets the admin's password again on every start
        email, pw = make_user("editor")
        j = login(email, pw)
        zoe("user", "add", "--email", email, "--role", "editor", "--password", pw, "--update")
        self.assertTrue(passes_auth(j["access_token"]))
        self.assertEqual(post("/api/auth/refresh",
                              {"refresh_token": j["refresh_token"]}).status, 200)

    def test_logout_everywhere(self):
        email, pw = make_user("editor")
        a, b = login(email, pw), login(email, pw)          # two devices
        r = post("/api/auth/logout", {"everywhere": True}, token=a["access_token"])
        self.assertEqual(r.status, 204, r)
        for j in (a, b):
            self.refused_at_once(j["access_token"])
            p = is_problem(self, post("/api/auth/refresh", {"refresh_token": j["refresh_token"]}),
                           401)
            self.assertIn("revoked", p["detail"])
        self.refused_soon(b["access_token"])
        c = login(email, pw)
        self.assertTrue(passes_auth(c["access_token"]))
        self.assertEqual(get("/api/auth/me", token=c["access_token"]).status, 200)

    def test_logout_everywhere_in_the_same_second(self):
        """iat has whole seconds: a token of the revocation's second dies, a token of a
        login right after it (same second) lives."""
        email, pw = make_user("editor")
        for _ in range(5):
            time.sleep(1.02 - time.time() % 1)               # at the start of a second
            a = login(email, pw)["access_token"]
            r = post("/api/auth/logout", {"everywhere": True}, token=a)
            self.assertEqual(r.status, 204, r)
            c = login(email, pw)["access_token"]
            after = float(psql_one("SELECT extract(epoch FROM tokens_valid_after) FROM users "
                                   "WHERE email = :'v1'", email))
            if iat(a) == math.floor(after):
                break
        self.assertEqual(iat(a), math.floor(after), "could not log in and out within a second")
        self.assertGreaterEqual(iat(c), math.ceil(after))
        self.refused_at_once(a)
        self.assertTrue(passes_auth(c))
        self.assertEqual(get("/api/auth/me", token=c).status, 200)

    def test_logout_all_from_the_command_line(self):
        email, pw = make_user("editor")
        j = login(email, pw)
        zoe("user", "logout-all", "--email", email)
        self.refused_at_once(j["access_token"])
        is_problem(self, post("/api/auth/refresh", {"refresh_token": j["refresh_token"]}), 401)
        self.assertTrue(passes_auth(login(email, pw)["access_token"]))

    def test_logout_everywhere_must_be_a_boolean(self):
        email, pw = make_user("viewer")
        j = login(email, pw)
        p = is_problem(self, post("/api/auth/logout", {"everywhere": "yes"},
                                  token=j["access_token"]), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["everywhere"])
        # nothing was revoked
        self.assertEqual(post("/api/auth/refresh",
                              {"refresh_token": j["refresh_token"]}).status, 200)


def fcgi_login(port, params):
    """A cookie-mode login spoken over FastCGI to a pool of the test's own; the
    reply's Set-Cookie line."""
    body = json.dumps({"email": params.pop("email"), "password": params.pop("password"),
                       "cookie": True}).encode()
    p = {"REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/auth/login", "QUERY_STRING": "",
         "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body))}
    p.update(params)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(record(BEGIN, struct.pack(">HB5x", 1, 0)) +
                     record(PARAMS, b"".join(nv(k, v) for k, v in p.items())) + record(PARAMS) +
                     record(STDIN, body) + record(STDIN))
        reply = read_reply(sock).decode()
    assert reply.startswith("Status: 200"), reply
    return next(line for line in reply.splitlines() if line.lower().startswith("set-cookie:"))


class SecureCookie(unittest.TestCase):
    """The refresh cookie is Secure when the request came over HTTPS: nginx's $https,
    or X-Forwarded-Proto from a proxy on a loopback or private address."""

    @classmethod
    def setUpClass(cls):
        cls.email, cls.password = make_user("viewer")

    def cookie(self, headers):
        r = post("/api/auth/login", {"email": self.email, "password": self.password,
                                     "cookie": True}, headers=headers)
        self.assertEqual(r.status, 200, r)
        return [p.strip() for p in r.headers.get("Set-Cookie").split(";")]

    def test_through_nginx(self):
        self.assertNotIn("Secure", self.cookie({}))                  # plain HTTP
        self.assertIn("Secure", self.cookie({"X-Forwarded-Proto": "https"}))
        self.assertNotIn("Secure", self.cookie({"X-Forwarded-Proto": "http"}))

    def test_trusted_peers_only(self):
        port = free_port()
        pool = start_pool(port)
        try:
            def secure(**params):
                line = fcgi_login(port, dict(params, email=self.email, password=self.password))
                return "Secure" in [p.strip() for p in line.split(";")]
            xfp = {"HTTP_X_FORWARDED_PROTO": "https"}
            self.assertFalse(secure(REMOTE_ADDR="192.0.2.9"))
            self.assertFalse(secure(REMOTE_ADDR="192.0.2.9", **xfp))     # anyone could send it
            self.assertTrue(secure(REMOTE_ADDR="10.1.2.3", **xfp))
            self.assertTrue(secure(REMOTE_ADDR="::1", **xfp))
            self.assertTrue(secure(REMOTE_ADDR="192.0.2.9", HTTPS="on"))  # nginx terminated TLS
        finally:
            pool.terminate()
            pool.wait(timeout=30)


class JwtRefusals(unittest.TestCase):
    """Forged tokens over HTTP: only a well-formed HS256 token with our claims passes."""

    @classmethod
    def setUpClass(cls):
        cls.email, cls.password = make_user("viewer")
        cls.uid = str(login(cls.email, cls.password)["user"]["id"])

    def me(self, token):
        return get("/api/auth/me", token=token)

    def refused(self, token, detail="the access token is not valid"):
        r = self.me(token)
        p = is_problem(self, r, 401)
        self.assertEqual(p["detail"], detail)
        self.assertIn("Bearer", r.headers.get("WWW-Authenticate", ""))

    def test_forged_good_token_is_accepted(self):
        # proves the forging below is right, so each refusal is about its one defect
        r = self.me(forge(claims(role="viewer", sub=self.uid, email="forged@example.org")))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["role"], "viewer")
        self.assertEqual(r.json["id"], int(self.uid))

    def test_unknown_user(self):
        # a well-signed token of a user that does not exist (any more)
        self.refused(forge(claims(role="viewer", sub="424242424")),
                     "the access token has been revoked")

    def test_missing_iat(self):
        c = claims(sub=self.uid, role="viewer")
        del c["iat"]
        self.refused(forge(c))

    def test_alg_none(self):
        self.refused(forge(claims(), alg="none"))
        self.refused(forge(claims(), alg="none", header={"alg": "None", "typ": "JWT"}))

    def test_other_hmac_alg(self):
        self.refused(forge(claims(), alg="HS512"))

    def test_wrong_signature(self):
        self.refused(forge(claims(), key=b"not-the-secret-not-the-secret-not-the-secret"))
        good = forge(claims())
        head, body, sig = good.split(".")
        self.refused("%s.%s.%s" % (head, body, sig[::-1]))
        # claims changed after signing
        other = forge(claims(role="viewer")).split(".")[1]
        self.refused("%s.%s.%s" % (head, other, sig))

    def test_expired(self):
        now = int(time.time())
        self.refused(forge(claims(iat=now - 1000, nbf=now - 1000, exp=now - 10)),
                     "the access token has expired")

    def test_not_yet_valid(self):
        now = int(time.time())
        self.refused(forge(claims(nbf=now + 3600, exp=now + 7200)))

    def test_wrong_issuer_or_audience(self):
        self.refused(forge(claims(iss="someone-else")))
        self.refused(forge(claims(aud="other-api")))
        c = claims()
        del c["aud"]
        self.refused(forge(c))

    def test_missing_role(self):
        self.refused(forge(claims(role="superuser")))

    def test_garbage(self):
        self.refused("not.a.jwt")
        self.refused("x" * 5000)
        r = get("/api/auth/me", headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
        is_problem(self, r, 401)

    def test_real_token_works(self):
        j = login(self.email, self.password)
        self.assertEqual(self.me(j["access_token"]).status, 200)


if __name__ == "__main__":
    unittest.main()
