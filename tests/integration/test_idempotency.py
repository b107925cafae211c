"""Idempotency-Key: a retried write is answered from the first answer, once per caller."""
import secrets
import unittest

from zoelib import CHROME_UA, RUN, post, psql_one, zoe

TRACK = "/api/level2/ux-signals/track"


class Idempotency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.domain = "idem-%s.example" % RUN
        cls.origin = "https://" + cls.domain
        cls.key = zoe("site", "add", "--domain", cls.domain, "--origin", cls.origin)

    def send(self, idem, path):
        return post(TRACK, [{"type": "pageview", "url": self.origin + path}],
                    headers={"X-Site-Key": self.key, "Origin": self.origin,
                             "Idempotency-Key": idem}, ua=CHROME_UA)

    def stored(self, path):
        return int(psql_one("SELECT count(*) FROM events e JOIN sites s ON s.id = e.site_id "
                            "WHERE s.domain = :'v1' AND e.path = :'v2'", self.domain, path))

    def test_retry_is_replayed_not_repeated(self):
        idem = secrets.token_hex(8)
        first = self.send(idem, "/einmal")
        self.assertEqual(first.status, 202, first)
        again = self.send(idem, "/einmal")
        self.assertEqual(again.status, 202, again)
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(again.json, first.json)
        self.assertEqual(self.stored("/einmal"), 1)
        # another key is another write
        self.assertEqual(self.send(secrets.token_hex(8), "/einmal").status, 202)
        self.assertEqual(self.stored("/einmal"), 2)

    def test_failed_writes_are_not_kept(self):
        idem = secrets.token_hex(8)
        bad = post(TRACK, [{"type": "pageview"}], ua=CHROME_UA,
                   headers={"X-Site-Key": self.key, "Origin": self.origin, "Idempotency-Key": idem})
        self.assertEqual(bad.status, 422)
        good = self.send(idem, "/danach")
        self.assertEqual(good.status, 202)
        self.assertIsNone(good.headers.get("Idempotent-Replayed"))

    def test_oversized_key_refused(self):
        r = self.send("k" * 201, "/lang")
        self.assertEqual(r.status, 400)
        self.assertIn("Idempotency-Key", r.json["detail"])


if __name__ == "__main__":
    unittest.main()
