"""#48 POST /api/level5/content/generate, #49 GET .../drafts (and GET
.../drafts/{id}), #50 PATCH .../drafts/{id}, #51 POST .../drafts/{id}/publish.

Every test works on a city and keywords of its own ("Itstadt<run>…"), adds
the facts it needs with psql and removes them afterwards, so other runs and
the demo data never change what it checks.
"""
import json
import statistics
import unittest

from zoelib import RUN, get, is_problem, post, psql, psql_one, request, token_for

GEN = "/api/level5/content/generate"
LIST = "/api/level5/content/drafts"


def draft_path(i, publish=False):
    return "%s/%s%s" % (LIST, i, "/publish" if publish else "")


def patch(i, body, etag=None, token=None):
    h = {"If-Match": etag} if etag is not None else {}
    return request("PATCH", draft_path(i), body=body, headers=h, token=token)


def fields(case, r):
    return sorted(e["field"] for e in is_problem(case, r, 422)["errors"])


def german(x, decimals=2):
    """The zahl filter: grouping '.', decimal ',', up to two decimals."""
    s = ("%.*f" % (decimals, x)).rstrip("0").rstrip(".")
    whole, _, frac = s.partition(".")
    neg = whole.startswith("-")
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ("-" if neg else "") + ".".join(groups) + ("," + frac if frac else "")


class Common(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.editor2 = token_for("editor")
        cls.analyst = token_for("analyst")
        cls.viewer = token_for("viewer")
        cls.city = "Itstadt" + RUN
        rows = psql(
            "INSERT INTO reviews (source, external_id, rating, author, body, published_at) VALUES"
            " ('it', :'v1' || '-1', 5, 'Anna Test', 'Unsere Anlage in ' || :'v2' || ' läuft"
            " seit dem Frühjahr ohne Probleme, die Montage war sauber.', now() - interval '3 days'),"
            " ('it', :'v1' || '-2', 4, 'Bernd Test', 'Gute Beratung in ' || :'v2' || ', der"
            " Speicher kam eine Woche später als geplant.', now() - interval '40 days')"
            " RETURNING id", RUN, cls.city)
        cls.reviews = [int(r[0]) for r in rows]
        cls.event = int(psql_one(
            "INSERT INTO keyword_events (name, kind, starts_on, ends_on, keywords) VALUES"
            " ('Förderprogramm ' || :'v1', 'subsidy', current_date - 10, current_date,"
            " ARRAY['photovoltaik']) RETURNING id", RUN))

    @classmethod
    def tearDownClass(cls):
        psql("DELETE FROM reviews WHERE source = 'it' AND external_id LIKE :'v1' || '-%'", RUN)
        psql("DELETE FROM keyword_events WHERE id = :'v1'", cls.event)

    def generate(self, body, token=None, status=201):
        r = post(GEN, body, token=token or self.editor)
        self.assertEqual(r.status, status, r)
        return r

    def landing(self, city=None, **params):
        p = {"city": city or self.city}
        p.update(params)
        return self.generate({"kind": "landing", "keyphrase": "Photovoltaik " + (city or self.city),
                              "parameters": p}).json

    def approvable(self, d, token=None):
        """Approves d after replacing what it still lacks; returns the new draft."""
        body = "\n".join(p["text"] for p in d["paragraphs"] if "[fehlt:" not in p["text"])
        r = patch(d["id"], {"body": body, "status": "approved"}, d["etag"], token or self.editor)
        self.assertEqual(r.status, 200, r)
        return r.json


class Generate(Common):
    def test_landing_from_stored_facts_with_trace(self):
        r = post(GEN, {"kind": "landing", "keyphrase": "Photovoltaik " + self.city,
                       "parameters": {"city": self.city, "candidates": 8}}, token=self.editor)
        self.assertEqual(r.status, 201, r)
        d = r.json
        self.assertEqual(r.headers["ETag"], '"1"')
        self.assertEqual((d["status"], d["version"], d["etag"]), ("draft", 1, '"1"'))
        self.assertEqual(r.headers["Location"], draft_path(d["id"]))
        self.assertEqual(d["slug"], "photovoltaik-" + self.city.lower())
        # both reviews naming the city, each in its own paragraph citing its row
        for rid, author in zip(self.reviews, ("Anna Test", "Bernd Test")):
            par = [p for p in d["paragraphs"] if author in p["text"]]
            self.assertEqual(len(par), 1, d["paragraphs"])
            self.assertEqual(par[0]["facts"], ["reviews:%d" % rid])
        # the running subsidy, with its German dates
        fund = [p for p in d["paragraphs"] if "Förderprogramm " + RUN in p["text"]]
        self.assertEqual(len(fund), 1, d["body"])
        self.assertEqual(fund[0]["facts"], ["keyword_events:%d" % self.event])
        # the overall rating is a figure over all reviews, stated as such
        n, avg = psql("SELECT count(*), round(avg(rating), 2)::float8 FROM reviews")[0]
        total = [p for p in d["paragraphs"] if "Insgesamt haben uns" in p["text"]
                 or "Über alle" in p["text"]]
        self.assertEqual(len(total), 1, d["body"])
        self.assertIn(german(int(n), 0), total[0]["text"])
        self.assertIn(german(float(avg), 1) + " von 5 Sternen", total[0]["text"])
        self.assertEqual(total[0]["facts"], ["reviews:*"])
        # every paragraph's text is the body's line, in order
        self.assertEqual([p["text"] for p in d["paragraphs"]],
                         [l for l in d["body"].split("\n") if l.strip()])
        self.assertNotIn("bewertung_aus_der_stadt", [m["variable"] for m in d["missing"]])

    def test_loop_keeps_the_best_by_the_content_analysis(self):
        d = self.landing(candidates=12)
        scores = [c["score"] for c in d["candidates"]]
        self.assertGreaterEqual(len(scores), 2)
        self.assertEqual(d["score"], max(scores))
        kept = [c for c in d["candidates"] if c["kept"]]
        self.assertEqual(len(kept), 1)
        self.assertEqual(kept[0]["score"], d["score"])
        self.assertEqual(kept[0]["template"]["id"], d["template_id"])
        self.assertEqual(len({(c["template"]["variant"], c["ordering"]) for c in d["candidates"]}),
                         len(scores))
        # the same text analysed by #26 gets the same score
        a = post("/api/level4/ai-content/analyze", {
            "url": "https://it%s.example.org/%s" % (RUN, d["slug"]), "text": d["body"],
            "title": d["title"], "meta_description": d["meta"], "slug": d["slug"],
            "keyphrase": d["keyphrase"]}, token=self.editor)
        self.assertEqual(a.status, 200, a)
        self.assertEqual(a.json["score"], d["score"])
        self.assertEqual(a.json["score"], d["analysis"]["score"])
        stored = psql("SELECT score, jsonb_array_length(candidates) FROM content_drafts"
                      " WHERE id = :'v1'", d["id"])[0]
        self.assertEqual([int(x) for x in stored], [d["score"], len(scores)])
        # fewer candidates asked, fewer made
        one = self.landing(candidates=1)
        self.assertEqual(len(one["candidates"]), 1)

    def test_missing_facts_are_listed_and_block_approval(self):
        city = "Nirgendwo" + RUN
        d = self.landing(city=city)
        missing = {m["variable"]: m["add"] for m in d["missing"]}
        self.assertIn("bewertung_aus_der_stadt", missing)
        self.assertIn("social-proof/integrate", missing["bewertung_aus_der_stadt"])
        self.assertIn("[fehlt: bewertung_aus_der_stadt]", d["body"])
        r = patch(d["id"], {"status": "approved"}, d["etag"], self.editor)
        self.assertIn("lacks", is_problem(self, r, 409)["detail"])
        self.assertEqual(psql_one("SELECT version FROM content_drafts WHERE id = :'v1'", d["id"]), "1")

    def test_blog_outline_rising_keyword_by_sen_slope(self):
        kw = "itkw%s speicher" % RUN
        # 26 weeks up to the newest stored day: 70 impressions a day, +7 % of
        # the first week's level each week, with a wobble
        daily = [70 + 5 * w + (3 if w % 3 == 0 else 0) for w in range(26)]
        psql("WITH k AS (INSERT INTO keywords (keyword) VALUES (:'v1') RETURNING id),"
             " e AS (SELECT coalesce(max(day), current_date) AS last FROM keyword_days)"
             " INSERT INTO keyword_days (keyword_id, day, clicks, impressions)"
             " SELECT k.id, e.last - (25 - w) * 7 - d, 0, (:'v2'::jsonb ->> w)::int"
             " FROM k, e, generate_series(0, 25) w, generate_series(0, 6) d", kw, json.dumps(daily))
        try:
            d = self.generate({"kind": "blog_outline", "keyphrase": "itkw" + RUN}).json
            kid = psql_one("SELECT id FROM keywords WHERE keyword = :'v1'", kw)
            weeks = [7 * x for x in daily]
            slopes = [(weeks[j] - weeks[i]) / (j - i) for i in range(26) for j in range(i + 1, 26)]
            pct = 100 * statistics.median(slopes) / statistics.mean(weeks)
            line = [p for p in d["paragraphs"] if "„%s“ steigt um" % kw in p["text"]
                    or "„%s“ legt pro Woche" % kw in p["text"]]
            self.assertEqual(len(line), 1, d["body"])
            self.assertIn(german(pct) + " %", line[0]["text"])
            self.assertEqual(line[0]["facts"], ["keywords:" + kid])
            self.assertNotIn("steigende_suchanfragen", [m["variable"] for m in d["missing"]])
        finally:
            psql("DELETE FROM keywords WHERE keyword = :'v1'", kw)

    def test_bad_input_422_names_each_field_and_stores_nothing(self):
        before = psql_one("SELECT count(*) FROM content_drafts")
        cases = [
            ({}, ["keyphrase", "kind"]),
            ({"kind": "roman", "keyphrase": "Photovoltaik"}, ["kind"]),
            ({"kind": "landing", "keyphrase": "Photovoltaik"}, ["parameters.city"]),
            ({"kind": "faq", "keyphrase": "x" * 101}, ["keyphrase"]),
            ({"kind": "faq", "keyphrase": "{{ geheim }}"}, ["keyphrase"]),
            ({"kind": "landing", "keyphrase": "Photovoltaik",
              "parameters": {"city": "Köln'; DROP TABLE content_drafts; --"}}, ["parameters.city"]),
            ({"kind": "faq", "keyphrase": "Speicher", "parameters": {"candidates": 0}},
             ["parameters.candidates"]),
            ({"kind": "faq", "keyphrase": "Speicher", "parameters": {"candidates": 13}},
             ["parameters.candidates"]),
            ({"kind": "faq", "keyphrase": ["Speicher"] * 10000}, ["keyphrase"]),
        ]
        for body, want in cases:
            with self.subTest(body=str(body)[:80]):
                self.assertEqual(fields(self, post(GEN, body, token=self.editor)), want)
        r = request("POST", GEN, raw=b'{"kind": "faq", "keyphrase": "Spei\xff"}',
                    headers={"Content-Type": "application/json"}, token=self.editor)
        is_problem(self, r, 400)
        deep = ("[" * 300) + ("]" * 300)
        r = request("POST", GEN, raw=deep.encode(), headers={"Content-Type": "application/json"},
                    token=self.editor)
        self.assertIn(r.status, (400, 422), r)
        self.assertEqual(psql_one("SELECT count(*) FROM content_drafts"), before)


class Roles(Common):
    def test_roles(self):
        d = self.landing()
        self.assertEqual(post(GEN, {"kind": "faq", "keyphrase": "Speicher"}).status, 401)
        is_problem(self, post(GEN, {"kind": "faq", "keyphrase": "Speicher"}, token=self.analyst), 403)
        is_problem(self, patch(d["id"], {"status": "rejected"}, d["etag"], self.viewer), 403)
        is_problem(self, post(draft_path(d["id"], True), {}, token=self.analyst), 403)
        self.assertEqual(get(LIST, token=self.viewer).status, 200)
        self.assertEqual(get(LIST).status, 401)
        self.assertEqual(psql_one("SELECT status FROM content_drafts WHERE id = :'v1'", d["id"]),
                         "draft")


class Drafts(Common):
    def test_two_editors_if_match(self):
        d = self.landing()
        r = patch(d["id"], {"title": "Ohne ETag"}, None, self.editor)
        is_problem(self, r, 428)
        a = patch(d["id"], {"title": "Photovoltaik in %s: Titel von A" % self.city}, '"1"',
                  self.editor)
        self.assertEqual(a.status, 200, a)
        self.assertEqual((a.json["version"], a.headers["ETag"]), (2, '"2"'))
        b = patch(d["id"], {"title": "Titel von B"}, '"1"', self.editor2)
        p = is_problem(self, b, 412)
        self.assertIn("version 2", p["detail"])
        self.assertEqual(b.headers["ETag"], '"2"')
        self.assertEqual(psql_one("SELECT title FROM content_drafts WHERE id = :'v1'", d["id"]),
                         "Photovoltaik in %s: Titel von A" % self.city)
        b = patch(d["id"], {"title": "Titel von B"}, 'W/"2"', self.editor2)
        self.assertEqual((b.status, b.json["version"], b.json["title"]), (200, 3, "Titel von B"))
        self.assertNotEqual(b.json["score"], None)
        # the same change again changes nothing: no new version
        c = patch(d["id"], {"title": "Titel von B"}, '"3"', self.editor)
        self.assertEqual((c.status, c.json["version"]), (200, 3))
        is_problem(self, patch(999999999, {"status": "rejected"}, '"1"', self.editor), 404)
        is_problem(self, patch("abc", {"status": "rejected"}, '"1"', self.editor), 404)
        self.assertEqual(fields(self, patch(d["id"], {"status": "published"}, '"3"', self.editor)),
                         ["status"])
        self.assertEqual(fields(self, patch(d["id"], {}, '"3"', self.editor)), ["status"])

    def test_edit_keeps_facts_of_unchanged_paragraphs_and_rescores(self):
        d = self.landing()
        lines = [p["text"] for p in d["paragraphs"]]
        anna = next(i for i, t in enumerate(lines) if "Anna Test" in t)
        lines[0] = "Ein neuer erster Absatz über Photovoltaik in %s." % self.city
        r = patch(d["id"], {"body": "\n".join(lines)}, d["etag"], self.editor)
        self.assertEqual(r.status, 200, r)
        pars = r.json["paragraphs"]
        self.assertEqual((pars[0]["edited"], pars[0]["facts"]), (True, []))
        self.assertEqual(pars[anna]["facts"], ["reviews:%d" % self.reviews[0]])
        self.assertFalse(pars[anna]["edited"])
        a = post("/api/level4/ai-content/analyze", {
            "url": "https://it%s.example.org/e%d" % (RUN, d["id"]), "text": r.json["body"],
            "title": r.json["title"], "meta_description": r.json["meta"], "slug": r.json["slug"],
            "keyphrase": r.json["keyphrase"]}, token=self.editor)
        self.assertEqual(a.json["score"], r.json["score"])

    def test_publish_twice_keeps_revisions_and_one_event(self):
        d = self.landing()
        is_problem(self, post(draft_path(d["id"], True), {}, token=self.editor), 409)
        d = self.approvable(d)
        self.assertEqual(d["status"], "approved")
        r1 = post(draft_path(d["id"], True), {}, token=self.editor)
        self.assertEqual(r1.status, 200, r1)
        self.assertEqual((r1.json["status"], r1.json["version"], r1.json["published_version"]),
                         ("published", 3, 3))
        r2 = post(draft_path(d["id"], True), {}, token=self.editor)
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual((r2.json["version"], r2.json["published_at"]),
                         (3, r1.json["published_at"]))
        ev = psql("SELECT data->>'version', data->>'slug' FROM event_log WHERE type ="
                  " 'content.published' AND (data->>'id')::bigint = :'v1'", d["id"])
        self.assertEqual(ev, [["3", d["slug"]]])
        revs = psql("SELECT version, status, change FROM content_draft_revisions WHERE draft_id ="
                    " :'v1' ORDER BY version", d["id"])
        self.assertEqual(revs, [["1", "draft", "generated"], ["2", "approved", "edited"],
                                ["3", "published", "published"]])
        self.assertEqual(r2.json["revisions"], 3)
        # editing a published draft makes a new draft version; publishing it again is a new event
        e = patch(d["id"], {"meta": "Neue Beschreibung für Photovoltaik in %s." % self.city},
                  '"3"', self.editor)
        self.assertEqual((e.json["status"], e.json["version"]), ("draft", 4))
        self.approvable(e.json)
        self.assertEqual(post(draft_path(d["id"], True), {}, token=self.editor).json["version"], 6)
        self.assertEqual(psql_one("SELECT count(*) FROM event_log WHERE type = 'content.published'"
                                  " AND (data->>'id')::bigint = :'v1'", d["id"]), "2")
        is_problem(self, post(draft_path(999999999, True), {}, token=self.editor), 404)

    def test_one_draft_with_its_history(self):
        d = self.landing()
        e = patch(d["id"], {"status": "rejected"}, d["etag"], self.editor2).json
        r = get(draft_path(d["id"]), token=self.viewer)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.headers["ETag"], r.json["etag"], r.json["version"]), ('"2"', '"2"', 2))
        for k in ("title", "body", "score", "paragraphs", "missing", "candidates", "status"):
            self.assertEqual(r.json[k], e[k], k)
        revs = psql("SELECT version, status, change, score, changed_by FROM content_draft_revisions"
                    " WHERE draft_id = :'v1' ORDER BY version DESC", d["id"])
        self.assertEqual([[str(h["version"]), h["status"], h["change"], str(h["score"]),
                           h["changed_by"]] for h in r.json["history"]], revs)
        self.assertEqual([h["change"] for h in r.json["history"]], ["rejected", "generated"])
        self.assertEqual(r.json["revisions"], 2)
        self.assertEqual(get(draft_path(d["id"])).status, 401)
        is_problem(self, get(draft_path(999999999), token=self.viewer), 404)
        is_problem(self, get(draft_path("abc"), token=self.viewer), 404)

    def test_list_by_status_with_paging(self):
        a = self.landing()
        b = self.landing()
        patch(b["id"], {"status": "rejected"}, b["etag"], self.editor)
        r = get(LIST + "?status=rejected&limit=500", token=self.viewer)
        self.assertEqual(r.status, 200, r)
        ids = [i["id"] for i in r.json["items"]]
        self.assertIn(b["id"], ids)
        self.assertNotIn(a["id"], ids)
        self.assertTrue(all(i["status"] == "rejected" for i in r.json["items"]))
        counts = psql("SELECT status, count(*) FROM content_drafts GROUP BY 1")
        self.assertEqual({k: v for k, v in r.json["counts"].items() if v},
                         {s: int(n) for s, n in counts})
        item = next(i for i in r.json["items"] if i["id"] == b["id"])
        self.assertEqual((item["score"], item["version"]), (b["score"], 2))
        # paging: newest first, one at a time, no repeats
        p1 = get(LIST + "?limit=1", token=self.viewer).json
        p2 = get(LIST + "?limit=1&cursor=" + p1["next_cursor"], token=self.viewer).json
        self.assertGreater(p1["items"][0]["id"], p2["items"][0]["id"])
        self.assertEqual(fields(self, get(LIST + "?status=fertig", token=self.viewer)), ["status"])
        self.assertEqual(fields(self, get(LIST + "?cursor=abc", token=self.viewer)), ["cursor"])


if __name__ == "__main__":
    unittest.main()
