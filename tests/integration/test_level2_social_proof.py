"""#5 POST /api/level2/social-proof/integrate and #6 GET /api/level2/social-proof/report.

Every test imports under its own source token ("it<run><tag>") and reads the
report with ?source=, so the demo reviews and other runs never interfere.
"""
import math
import secrets
import unittest

from zoelib import RUN, get, is_problem, post, psql_one, token_for, zoe

INTEGRATE = "/api/level2/social-proof/integrate"
REPORT = "/api/level2/social-proof/report"


def source(tag):
    return "it%s%s" % (RUN, tag)


def review(src, ext, rating, text, published_at, **extra):
    r = {"source": src, "external_id": ext, "rating": rating, "author": "Kunde " + ext,
         "text": text, "published_at": published_at}
    r.update(extra)
    return r


def stored(src):
    return int(psql_one("SELECT count(*) FROM reviews WHERE source = :'v1'", src))


def events(src):
    return int(psql_one("SELECT count(*) FROM event_log WHERE type = 'review.imported' "
                        "AND data->'reviews' @> jsonb_build_array(jsonb_build_object("
                        "'source', :'v1'::text))", src))


class Common(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.viewer = token_for("viewer")

    def report(self, src, query=""):
        r = get(REPORT + "?source=" + src + query, token=self.viewer)
        self.assertEqual(r.status, 200, r)
        return r.json


class Figures(Common):
    """Exact figures on five known reviews, with German negation in the texts."""
    SRC = source("f")
    BATCH = [
        review(SRC, "f0", 5, "Kein Problem, alles bestens.", "2025-01-10T10:00:00+01:00",
               lang="de", reply="Vielen Dank!", replied_at="2025-01-11T09:00:00+01:00"),
        review(SRC, "f1", 1, "Nicht zu empfehlen.", "2025-01-20", lang="de",
               reply="Das tut uns leid, wir melden uns."),
        review(SRC, "f2", 4, "Die Beratung war sehr gut und die Montage pünktlich.",
               "2025-01-31T23:30:00Z"),                      # Berlin: 1 February
        review(SRC, "f3", 5, "Wir sind sehr zufrieden und empfehlen die Firma gerne weiter.",
               "2025-02-15T12:00:00"),                       # no zone: Berlin time
        review(SRC, "f4", 3, "", "2025-03-01T09:00:00Z"),    # stars only
    ]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = post(INTEGRATE, {"reviews": cls.BATCH}, token=cls.editor)
        if r.status != 200:
            raise AssertionError("import failed: %r" % r)
        cls.imported = r.json

    def test_import_answer(self):
        j = self.imported
        self.assertEqual((j["received"], j["inserted"], j["updated"], j["unchanged"]),
                         (5, 5, 0, 0))
        items = {i["external_id"]: i for i in j["items"]}
        self.assertEqual([i["index"] for i in j["items"]], [0, 1, 2, 3, 4])
        self.assertEqual(items["f0"]["status"], "inserted")
        self.assertEqual(items["f0"]["sentiment"]["label"], "positive")   # "Kein Problem"
        self.assertGreater(items["f0"]["sentiment"]["score"], 0)
        self.assertEqual(items["f1"]["sentiment"]["label"], "negative")   # "Nicht zu empfehlen"
        self.assertLess(items["f1"]["sentiment"]["score"], 0)
        self.assertEqual(items["f2"]["sentiment"]["label"], "positive")
        self.assertEqual(items["f2"]["lang"], "de")                        # guessed
        self.assertIsNone(items["f4"]["sentiment"])                        # no text
        self.assertEqual(stored(self.SRC), 5)
        self.assertEqual(psql_one("SELECT sentiment_label FROM reviews WHERE source = :'v1' "
                                  "AND external_id = 'f1'", self.SRC), "negative")

    def test_report_figures(self):
        j = self.report(self.SRC, "&from=2025-01-01&to=2025-03-31")
        self.assertEqual(j["n"], 5)
        self.assertEqual(j["source"], self.SRC)
        self.assertFalse(j["range"]["all_time"])
        o = j["overall"]
        self.assertEqual(o["count"], 5)
        self.assertAlmostEqual(o["mean"], 3.6, places=6)
        self.assertAlmostEqual(o["bayesian_average"], round(58 / 15, 4), places=6)
        self.assertEqual(o["distribution"], {"1": 1, "2": 0, "3": 1, "4": 1, "5": 2})
        self.assertEqual(o["replied"], 2)
        self.assertAlmostEqual(o["reply_rate"], 0.4, places=6)
        self.assertEqual(o["sentiment"], {"positive": 3, "neutral": 0, "negative": 1,
                                          "unscored": 1})
        self.assertEqual(o["trend"], [{"month": "2025-01", "count": 2, "mean": 3.0},
                                      {"month": "2025-02", "count": 2, "mean": 4.5},
                                      {"month": "2025-03", "count": 1, "mean": 3.0}])
        self.assertEqual(len(j["sources"]), 1)
        self.assertEqual(j["sources"][0]["source"], self.SRC)
        self.assertEqual(j["sources"][0]["count"], 5)
        self.assertEqual(j["method"]["prior"], {"C": 10.0, "m": 4.0})

    def test_trust_score(self):
        j = self.report(self.SRC, "&from=2025-01-01&to=2025-03-31")
        t = j["overall"]["trust"]
        # as of the end of the range, 2025-04-01 00:00 Berlin = 2025-03-31T22:00Z;
        # the newest review is 2025-03-01T09:00Z: 30 days 13 hours before
        days = 30 + 13 / 24
        comp = {"quality": (58 / 15 - 1) / 4, "volume": math.log(6) / math.log(101),
                "recency": 0.5 * 5 / 12 + 0.5 * math.exp(-days / 90), "reply": 0.4,
                "consistency": 1.0}
        for k, v in comp.items():
            self.assertAlmostEqual(t["components"][k], v, places=4, msg=k)
        w = {"quality": 0.45, "volume": 0.15, "recency": 0.15, "reply": 0.10,
             "consistency": 0.15}
        self.assertAlmostEqual(t["score"], round(100 * sum(w[k] * comp[k] for k in w), 1),
                               places=6)
        self.assertIn("consistency", j["method"]["trust_score"])

    def test_trend_follows_tz(self):
        j = self.report(self.SRC, "&from=2025-01-01&to=2025-03-31&tz=UTC")
        self.assertEqual([(m["month"], m["count"]) for m in j["overall"]["trend"]],
                         [("2025-01", 3), ("2025-02", 1), ("2025-03", 1)])

    def test_all_time_by_default(self):
        j = self.report(self.SRC)
        self.assertTrue(j["range"]["all_time"])
        self.assertIsNone(j["range"]["from"])
        self.assertEqual(j["n"], 5)
        # a range without these reviews: nothing
        self.assertEqual(self.report(self.SRC, "&from=2024-01-01&to=2024-12-31")["n"], 0)

    def test_jsonld(self):
        j = self.report(self.SRC)
        ld = j["jsonld"]
        agg = ld["aggregate_rating"]["markup"]
        self.assertEqual(agg["@type"], "AggregateRating")
        self.assertEqual(agg["@context"], "https://schema.org")
        self.assertEqual(agg["itemReviewed"], {"@type": "Organization", "name": "ZOE Solar",
                                               "url": "https://zoe-solar.de"})
        self.assertAlmostEqual(agg["ratingValue"], 3.6)
        self.assertEqual(agg["ratingCount"], 5)
        v = ld["aggregate_rating"]["validation"]
        self.assertTrue(v["valid"], v)
        self.assertEqual(v["errors"], [])
        self.assertTrue(any("self-serving" in w["message"] for w in v["warnings"]), v)
        self.assertIn("2019", ld["policy"])
        self.assertEqual(len(ld["reviews"]), 5)
        newest = ld["reviews"][0]["markup"]
        self.assertEqual(newest["@type"], "Review")
        self.assertEqual(newest["reviewRating"]["ratingValue"], 3)
        self.assertEqual(newest["datePublished"], "2025-03-01")
        self.assertNotIn("reviewBody", newest)
        self.assertEqual(ld["reviews"][1]["markup"]["author"], {"@type": "Person",
                                                                 "name": "Kunde f3"})
        for rv in ld["reviews"]:
            self.assertTrue(rv["validation"]["valid"], rv)
        self.assertEqual([x["external_id"] for x in j["latest"]], ["f4", "f3", "f2", "f1", "f0"])
        self.assertEqual(j["latest"][1]["date"], "2025-02-15")
        self.assertEqual(j["latest"][1]["published_at"], "2025-02-15T11:00:00Z")
        # ?latest= asks for fewer or more texts; the JSON-LD keeps the 5 newest
        few = self.report(self.SRC, "&latest=2")
        self.assertEqual([x["external_id"] for x in few["latest"]], ["f4", "f3"])
        self.assertEqual(len(few["jsonld"]["reviews"]), 5)
        self.assertEqual(len(self.report(self.SRC, "&latest=100")["latest"]), 5)

    def test_empty_report(self):
        j = self.report(source("none"))
        self.assertEqual(j["n"], 0)
        o = j["overall"]
        self.assertEqual(o["count"], 0)
        for k in ("mean", "bayesian_average", "reply_rate", "trust"):
            self.assertIsNone(o[k], k)
        self.assertEqual(o["distribution"], {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0})
        self.assertEqual(o["trend"], [])
        self.assertEqual(j["sources"], [])
        self.assertEqual(j["latest"], [])
        self.assertIsNone(j["jsonld"])
        self.assertIn("no reviews", j["jsonld_reason"])

    def test_report_bad_query(self):
        r = get(REPORT + "?source=Not%20A%20Token&tz=Mars/Base&from=2025-02-30",
                token=self.viewer)
        fields = {e["field"] for e in is_problem(self, r, 422)["errors"]}
        self.assertEqual(fields, {"source", "tz", "from"})
        for bad in ("0", "101", "x"):
            r = get(REPORT + "?latest=" + bad, token=self.viewer)
            self.assertEqual([e["field"] for e in is_problem(self, r, 422)["errors"]], ["latest"])


class ContrastVerdict(Common):
    """German reviews: the clause after aber/jedoch/allerdings/leider carries the verdict."""
    SRC = source("contrast")
    TEXTS = [
        ("v0", 2, "Guter Preis, aber der Termin wurde dreimal verschoben und niemand hat sich "
                  "entschuldigt.", "negative"),
        ("v1", 5, "Teuer, aber jeden Euro wert.", "positive"),
        ("v2", 2, "Die Montage war schnell, leider funktioniert die Wallbox nicht richtig.",
         "negative"),
        ("v3", 1, "Wir haben wochenlang vergeblich auf einen Rückruf gewartet.", "negative"),
    ]

    def test_verdict_after_contrast(self):
        batch = [review(self.SRC, ext, stars, text, "2025-04-01", lang="de")
                 for ext, stars, text, _ in self.TEXTS]
        r = post(INTEGRATE, {"reviews": batch}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        got = {i["external_id"]: i["sentiment"]["label"] for i in r.json["items"]}
        self.assertEqual(got, {ext: want for ext, _, _, want in self.TEXTS})
        self.assertEqual(self.report(self.SRC)["overall"]["sentiment"],
                         {"positive": 1, "neutral": 0, "negative": 3, "unscored": 0})


class Idempotency(Common):
    def test_same_batch_twice(self):
        src = source("i")
        batch = [review(src, "i%d" % k, 4 + k % 2, "Sehr gute Beratung.", "2025-05-0%dT10:00:00Z"
                        % (k + 1)) for k in range(4)]
        first = post(INTEGRATE, batch, token=self.editor)
        self.assertEqual(first.status, 200, first)
        self.assertEqual(first.json["inserted"], 4)
        self.assertEqual(events(src), 1)
        again = post(INTEGRATE, batch, token=self.editor)
        self.assertEqual(again.status, 200, again)
        self.assertEqual((again.json["inserted"], again.json["updated"],
                          again.json["unchanged"]), (0, 0, 4))
        self.assertEqual({i["status"] for i in again.json["items"]}, {"unchanged"})
        self.assertEqual(stored(src), 4)
        self.assertEqual(events(src), 1)                 # nothing changed, no event
        # an edited review with the same key is updated, the rest unchanged
        batch[2] = dict(batch[2], rating=1, text="Nie wieder, die Montage war schlecht.")
        edit = post(INTEGRATE, batch, token=self.editor)
        self.assertEqual((edit.json["inserted"], edit.json["updated"], edit.json["unchanged"]),
                         (0, 1, 3))
        self.assertEqual(edit.json["items"][2]["status"], "updated")
        self.assertEqual(edit.json["items"][2]["sentiment"]["label"], "negative")
        self.assertEqual(stored(src), 4)
        self.assertEqual(psql_one("SELECT rating FROM reviews WHERE source = :'v1' AND "
                                  "external_id = 'i2'", src), "1")
        self.assertEqual(events(src), 2)
        self.assertEqual(psql_one("SELECT data->>'updated' FROM event_log WHERE type = "
                                  "'review.imported' AND data->'reviews' @> jsonb_build_array("
                                  "jsonb_build_object('source', :'v1'::text)) ORDER BY id DESC "
                                  "LIMIT 1", src), "1")

    def test_single_object_body(self):
        src = source("o")
        r = post(INTEGRATE, review(src, "o1", 5, "Top!", "2025-06-01"), token=self.editor)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["received"], 1)
        self.assertEqual(stored(src), 1)

    def test_long_external_ids_kept_apart(self):
        # 150 x "€" is 450 bytes: keys that agree on their first 300 bytes are
        # different reviews, not a repeated key
        src = source("u")
        stem = "\u20ac" * 150
        batch = [review(src, stem + "a", 5, "Gut.", "2025-04-01"),
                 review(src, stem + "b", 4, "Gut.", "2025-04-02")]
        r = post(INTEGRATE, batch, token=self.editor)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["inserted"], r.json["updated"], r.json["unchanged"]), (2, 0, 0))
        self.assertEqual([i["status"] for i in r.json["items"]], ["inserted", "inserted"])
        self.assertEqual(stored(src), 2)
        again = post(INTEGRATE, batch, token=self.editor)
        self.assertEqual((again.json["inserted"], again.json["unchanged"]), (0, 2))

    def test_idempotency_key_replays(self):
        src = source("k")
        key = "it-" + secrets.token_hex(8)
        batch = [review(src, "k1", 5, "Alles bestens.", "2025-06-01")]
        first = post(INTEGRATE, batch, token=self.editor, headers={"Idempotency-Key": key})
        self.assertEqual(first.json["inserted"], 1)
        again = post(INTEGRATE, batch, token=self.editor, headers={"Idempotency-Key": key})
        self.assertEqual(again.status, 200, again)
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(again.json, first.json)         # the first answer, replayed
        self.assertEqual(stored(src), 1)


class BadInput(Common):
    def refused(self, body):
        r = post(INTEGRATE, body, token=self.editor)
        return {e["field"]: e["message"] for e in is_problem(self, r, 422)["errors"]}

    def test_one_bad_review_refuses_the_batch(self):
        src = source("b")
        batch = [review(src, "b%d" % k, 5, "Gut.", "2025-04-01") for k in range(4)]
        batch[2]["rating"] = 6
        errors = self.refused({"reviews": batch})
        self.assertEqual(list(errors), ["[2].rating"])
        self.assertEqual(stored(src), 0)
        self.assertEqual(events(src), 0)

    def test_every_bad_field_named(self):
        src = source("x")
        ok = review(src, "x0", 5, "Gut.", "2025-04-01")
        batch = [dict(ok, external_id="x%d" % k) for k in range(8)]
        batch[0]["rating"] = 6
        del batch[1]["external_id"]
        batch[2]["published_at"] = "2025-13-45"
        batch[3]["rating"] = 4.5
        batch[4]["source"] = "Google"
        batch[5]["lang"] = "fr"
        batch[6]["replied_at"] = "2025-04-02"              # without a reply
        batch[7] = "not an object"
        errors = self.refused(batch)
        self.assertEqual(set(errors), {"[0].rating", "[1].external_id", "[2].published_at",
                                       "[3].rating", "[4].source", "[5].lang",
                                       "[6].replied_at", "[7]"})
        self.assertEqual(stored(src), 0)

    def test_year_zero_is_a_field_error(self):
        # jsonld_is_iso8601 accepts 0000-01-01, PostgreSQL has no year 0: the
        # batch used to fail in the database with a 422 naming no field
        src = source("z")
        bad = review(src, "z1", 5, "Gut.", "0000-01-01", reply="Danke",
                     replied_at="0000-12-31T10:00:00Z")
        errors = self.refused([review(src, "z0", 5, "Gut.", "2025-04-01"), bad])
        self.assertEqual(set(errors), {"[1].published_at", "[1].replied_at"})
        self.assertEqual(stored(src), 0)

    def test_duplicate_key_in_batch(self):
        src = source("d")
        r = review(src, "d1", 5, "Gut.", "2025-04-01")
        errors = self.refused([r, dict(r, rating=4)])
        self.assertEqual(list(errors), ["[1].external_id"])
        self.assertIn("[0]", errors["[1].external_id"])

    def test_batch_size(self):
        src = source("s")
        batch = [review(src, "s%d" % k, 5, "Gut.", "2025-04-01") for k in range(501)]
        self.assertIn("reviews", self.refused(batch))
        self.assertIn("reviews", self.refused([]))
        self.assertEqual(stored(src), 0)
        ok = post(INTEGRATE, batch[:500], token=self.editor)
        self.assertEqual(ok.status, 200, ok)
        self.assertEqual(ok.json["inserted"], 500)

    def test_malformed_json(self):
        r = post(INTEGRATE, raw=b'{"reviews": [', token=self.editor,
                 headers={"Content-Type": "application/json"})
        is_problem(self, r, 400)


class Roles(Common):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.editor_key = zoe("apikey", "add", "--name", "it-rv-editor-" + RUN, "--role", "editor")
        cls.viewer_key = zoe("apikey", "add", "--name", "it-rv-viewer-" + RUN, "--role", "viewer")

    def batch(self, tag):
        return [review(source(tag), tag + "1", 4, "Gute Arbeit.", "2025-04-01")]

    def test_anonymous(self):
        is_problem(self, post(INTEGRATE, self.batch("r")), 401)
        is_problem(self, get(REPORT), 401)

    def test_viewer_cannot_import(self):
        is_problem(self, post(INTEGRATE, self.batch("v"), token=self.viewer), 403)
        is_problem(self, post(INTEGRATE, self.batch("v"), token=token_for("analyst")), 403)
        self.assertEqual(stored(source("v")), 0)
        self.assertEqual(get(REPORT, token=self.viewer).status, 200)

    def test_api_keys(self):
        r = post(INTEGRATE, self.batch("a"), headers={"X-Api-Key": self.editor_key})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(stored(source("a")), 1)
        is_problem(self, post(INTEGRATE, self.batch("w"), headers={"X-Api-Key": self.viewer_key}),
                   403)
        self.assertEqual(stored(source("w")), 0)
        r = get(REPORT + "?source=" + source("a"), headers={"X-Api-Key": self.viewer_key})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["n"], 1)


if __name__ == "__main__":
    unittest.main()
