"""401/403 by role for users and API keys; the auth check runs before the handler
(or the 501 of a route not built yet)."""
import unittest

from zoelib import RUN, get, is_problem, login, make_user, post, token_for, wait_until, zoe

MONITOR = "/api/level2/performance/monitor"        # analyst
ENTITY = "/api/level2/entity-seo/analyze"           # editor
WEBHOOKS = "/api/level5/hub/webhooks"               # admin, not built
UX = "/api/level2/ux-signals/metrics"               # viewer, built


class Roles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tok = {role: token_for(role) for role in ("viewer", "analyst", "editor")}

    def test_401_without_token(self):
        for path in ("/api/auth/me", MONITOR, UX):
            r = get(path)
            p = is_problem(self, r, 401)
            self.assertEqual(p["detail"], "authentication is required")
            self.assertIn("Bearer", r.headers.get("WWW-Authenticate", ""))
        is_problem(self, post(ENTITY, {"text": "x"}), 401)

    def test_viewer(self):
        t = self.tok["viewer"]
        self.assertEqual(get("/api/auth/me", token=t).json["role"], "viewer")
        self.assertEqual(get(UX, token=t).status, 200)
        p = is_problem(self, get(MONITOR, token=t), 403)
        self.assertEqual(p["detail"], "this needs the analyst role; you have viewer")
        is_problem(self, post(ENTITY, {"text": "x"}, token=t), 403)

    def passes_auth(self, r):
        # built: its own answer; not built yet: 501. Never 401/403.
        self.assertNotIn(r.status, (401, 403), r)
        if r.status == 501:
            self.assertIn("is not built yet", r.json["detail"])

    def test_analyst_passes_auth(self):
        t = self.tok["analyst"]
        self.passes_auth(get(MONITOR, token=t))
        p = is_problem(self, post(ENTITY, {"text": "x"}, token=t), 403)
        self.assertEqual(p["detail"], "this needs the editor role; you have analyst")

    def test_editor(self):
        t = self.tok["editor"]
        self.passes_auth(get(MONITOR, token=t))
        self.passes_auth(post(ENTITY, {"text": "x"}, token=t))
        p = is_problem(self, get(WEBHOOKS, token=t), 403)
        self.assertEqual(p["detail"], "this needs the admin role; you have editor")


class RoleChange(unittest.TestCase):
    def test_new_role_ends_old_tokens(self):
        email, pw = make_user("analyst")
        j = login(email, pw)
        is_problem(self, post(ENTITY, {"text": "x"}, token=j["access_token"]), 403)
        zoe("user", "add", "--email", email, "--role", "editor", "--password", pw, "--update")
        # the analyst token is refused at once on a write, within seconds on a read
        p = is_problem(self, post(ENTITY, {"text": "x"}, token=j["access_token"]), 401)
        self.assertEqual(p["detail"], "the access token has been revoked")
        self.assertTrue(wait_until(lambda: get("/api/auth/me", token=j["access_token"]).status
                                   == 401, timeout=10))
        # the session goes on: a refresh brings a token with the new role, valid at once
        r = post("/api/auth/refresh", {"refresh_token": j["refresh_token"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["user"]["role"], "editor")
        self.assertNotIn(post(ENTITY, {"text": "x"}, token=r.json["access_token"]).status,
                         (401, 403))
        self.assertEqual(get("/api/auth/me", token=r.json["access_token"]).json["role"], "editor")


class ApiKeys(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.viewer_key = zoe("apikey", "add", "--name", "it-viewer-" + RUN, "--role", "viewer")
        cls.analyst_key = zoe("apikey", "add", "--name", "it-analyst-" + RUN, "--role", "analyst")

    def test_key_on_me(self):
        r = get("/api/auth/me", headers={"X-Api-Key": self.viewer_key})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["kind"], "api_key")
        self.assertEqual(r.json["role"], "viewer")
        self.assertEqual(r.json["name"], "it-viewer-" + RUN)
        self.assertNotIn("email", r.json)

    def test_key_above_its_role(self):
        p = is_problem(self, get(MONITOR, headers={"X-Api-Key": self.viewer_key}), 403)
        self.assertEqual(p["detail"], "this needs the analyst role; you have viewer")
        r = get(MONITOR, headers={"X-Api-Key": self.analyst_key})
        self.assertNotIn(r.status, (401, 403), r)
        is_problem(self, post(ENTITY, {"text": "x"}, headers={"X-Api-Key": self.analyst_key}),
                   403)

    def test_key_on_a_report(self):
        r = get(UX, headers={"X-Api-Key": self.viewer_key})
        self.assertEqual(r.status, 200, r)

    def test_bad_key(self):
        p = is_problem(self, get("/api/auth/me", headers={"X-Api-Key": "zk_nope"}), 401)
        self.assertEqual(p["detail"], "the API key is not valid")

    def test_key_refused_where_only_jwt(self):
        # logout takes a session, not a key
        p = is_problem(self, post("/api/auth/logout", headers={"X-Api-Key": self.viewer_key}),
                       401)
        self.assertEqual(p["detail"], "API keys are not accepted on this route")


if __name__ == "__main__":
    unittest.main()
