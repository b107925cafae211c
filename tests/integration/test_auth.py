"""POST /api/auth/login, /refresh, /logout, GET /api/auth/me and the JWT checks over HTTP."""
import hashlib
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from zoelib import (clear_login_failures, claims, forge, get, is_problem, login, make_user,
                    post, psql_one, request)


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


class JwtRefusals(unittest.TestCase):
    """Forged tokens over HTTP: only a well-formed HS256 token with our claims passes."""

    @classmethod
    def setUpClass(cls):
        cls.email, cls.password = make_user("viewer")

    def me(self, token):
        return get("/api/auth/me", token=token)

    def refused(self, token, detail="the access token is not valid"):
        r = self.me(token)
        p = is_problem(self, r, 401)
        self.assertEqual(p["detail"], detail)
        self.assertIn("Bearer", r.headers.get("WWW-Authenticate", ""))

    def test_forged_good_token_is_accepted(self):
        # proves the forging below is right, so each refusal is about its one defect
        r = self.me(forge(claims(role="viewer", sub="424242", email="forged@example.org")))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["role"], "viewer")
        self.assertEqual(r.json["id"], 424242)

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
