"""#26 POST /api/level4/ai-content/analyze, #27 GET .../report, #28 POST .../optimize.

Every test analyses pages of its own site ("it<run><tag>.example.org") and
reads the report with ?site=, so other runs and tests never interfere.
"""
import json
import os
import unittest

from zoelib import RUN, get, is_problem, post, psql, psql_one, request, token_for

ANALYZE = "/api/level4/ai-content/analyze"
REPORT = "/api/level4/ai-content/report"
OPTIMIZE = "/api/level4/ai-content/optimize"
SCHEMAS = os.path.join(os.path.dirname(__file__), "../../handlers/schemas")

# Written for these tests: a German guide with a long sentence, passive
# sentences, transition words and a section of over 300 words.
INTRO = ("Eine Solaranlage senkt Ihre Stromkosten über viele Jahre. Wir planen jede Anlage "
         "passend zu Ihrem Dach und Ihrem Verbrauch. Die Anlage wird von unseren Monteuren "
         "in zwei Tagen aufgebaut.")
LONG = ("Eine Photovoltaik-Anlage auf dem eigenen Dach senkt die Stromkosten über viele "
        "Jahre, und mit einem Batteriespeicher nutzen Sie den Solarstrom auch am Abend "
        "und in der Nacht.")
FILLER = ("Außerdem prüfen wir die Statik des Dachs vor der Montage. Danach erstellen wir "
          "eine Ertragsprognose für Ihren Standort. Sie erhalten ein verbindliches Angebot "
          "mit festen Preisen. Zudem erklären wir Ihnen jede Position im Detail. ")


def site(tag):
    return "it%s%s.example.org" % (RUN, tag)


def page_text(sections=1):
    body = "# Solaranlage für Ihr Haus\n" + INTRO + "\n" + LONG + "\n"
    body += "## Kosten einer Solaranlage\n" + (FILLER * 3).strip() + "\n"
    for i in range(sections):
        body += "## Abschnitt %d\n" % i + "\n".join([(FILLER * 3).strip()] * 3) + "\n"
    return body


def doc(tag, path="/ratgeber/solaranlage-kosten", **over):
    d = {"url": "https://www.%s%s" % (site(tag), path),
         "title": "Solaranlage: Kosten, Förderung und Montage 2025 | ZOE Solar",
         "meta_description": "Was kostet eine Solaranlage? Preise pro kWp, Speicher, Montage "
                             "und die Förderung der KfW: so rechnen Sie Ihre Anlage durch.",
         "keyphrase": "Solaranlage", "text": page_text()}
    d.update(over)
    return d


def check_schema(case, name, reply):
    try:
        import jsonschema
    except ImportError:        # the contract test validates every reply as well
        return
    with open(os.path.join(SCHEMAS, name + ".json"), encoding="utf-8") as f:
        jsonschema.validate(reply, json.load(f))


def fields(case, r):
    return sorted(e["field"] for e in is_problem(case, r, 422)["errors"])


def by_id(j):
    return {c["id"]: c for c in j["checks"]}


class Common(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.viewer = token_for("viewer")

    def analyze(self, body):
        r = post(ANALYZE, body, token=self.editor)
        self.assertEqual(r.status, 200, r)
        check_schema(self, "level4AiContentAnalyze", r.json)
        return r.json

    def report(self, s, query=""):
        r = get(REPORT + "?site=" + s + query, token=self.viewer)
        self.assertEqual(r.status, 200, r)
        check_schema(self, "level4AiContentReport", r.json)
        return r.json

    def optimize(self, body):
        r = post(OPTIMIZE, body, token=self.editor)
        self.assertEqual(r.status, 200, r)
        check_schema(self, "level4AiContentOptimize", r.json)
        return r.json


class Analyze(Common):
    def test_checks_and_figures(self):
        j = self.analyze(doc("fig"))
        self.assertEqual(j["status"], "created")
        self.assertEqual(j["version"], 1)
        self.assertEqual(j["site"], site("fig"))
        self.assertEqual(j["slug"], "/ratgeber/solaranlage-kosten")
        st, c = j["stats"], by_id(j)
        self.assertEqual(len(j["checks"]), 17)
        # Amstad from the counts the reply shows (numbers left out, as Yoast does)
        w = st["words"] - st["numbers"]
        amstad = 180 - w / st["sentences"] - 58.5 * st["syllables"] / w
        self.assertAlmostEqual(st["flesch"], round(amstad, 1), places=6)
        self.assertEqual(st["subheadings"], 3)
        self.assertGreaterEqual(st["long_sentences"], 1)
        self.assertGreaterEqual(st["passive_sentences"], 1)
        self.assertAlmostEqual(st["passive_share"],
                               round(100 * st["passive_sentences"] / st["sentences"], 1))
        for k in ("keyphrase_in_title", "keyphrase_in_introduction", "keyphrase_in_slug",
                  "keyphrase_in_meta_description", "title_width", "meta_description_length"):
            self.assertEqual(c[k]["light"], "green", c[k])
        self.assertEqual(c["keyphrase_in_image_alt"]["light"], "na")   # text input: no images
        self.assertEqual(c["text_length"]["light"], "green")
        sec = st["longest_section"]
        self.assertEqual(c["subheading_distribution"]["light"],
                         "green" if sec <= 300 else "orange" if sec <= 350 else "red")
        for ch in j["checks"]:
            self.assertTrue(ch["explanation"]["de"] and ch["explanation"]["en"], ch)
            self.assertEqual(ch["score"], {"green": 9, "orange": 6, "red": 3, "na": 0}[ch["light"]])
        applicable = [ch["score"] - 3 for ch in j["checks"] if ch["light"] != "na"]
        self.assertEqual(j["score"], round(100 * sum(applicable) / (6 * len(applicable))))
        self.assertIn("round(100", j["method"]["score"])

    def test_versions_and_event(self):
        d = doc("ver")
        a = self.analyze(d)
        b = self.analyze(d)
        self.assertEqual((b["status"], b["version"], b["id"]), ("unchanged", 1, a["id"]))
        d["text"] += "Neuer Absatz über die Förderung einer Solaranlage durch die KfW.\n"
        c = self.analyze(d)
        self.assertEqual((c["status"], c["version"]), ("new_version", 2))
        self.assertEqual(c["previous_score"], a["score"])
        d["keyphrase"] = "Batteriespeicher"          # a new keyphrase is a new version too
        self.assertEqual(self.analyze(d)["version"], 3)
        n = psql_one("SELECT count(*) FROM event_log WHERE type = 'content.analyzed' "
                     "AND data->>'site' = :'v1'", site("ver"))
        self.assertEqual(n, "3")       # the unchanged one appended nothing
        rows = psql("SELECT version FROM content_analyses WHERE site = :'v1' ORDER BY version",
                    site("ver"))
        self.assertEqual([r[0] for r in rows], ["1", "2", "3"])

    def test_html_input(self):
        html = ("<html lang='de'><head><title>Solaranlage planen | ZOE Solar</title>"
                "<meta name='description' content='Kurz.'></head><body>"
                "<h1>Solaranlage planen</h1><p>" + INTRO + "</p><h2>Kosten</h2><p>" + LONG +
                "</p><img src='a.jpg' alt='Solaranlage auf einem Hausdach'>"
                "<img src='b.jpg'><script>var x = 'Solaranlage';</script></body></html>")
        j = self.analyze({"url": "https://%s/solaranlage-planen" % site("html"), "html": html,
                          "keyphrase": "Solaranlage"})
        c = by_id(j)
        self.assertEqual(j["title"], "Solaranlage planen | ZOE Solar")   # from <title>
        self.assertEqual(j["stats"]["subheadings"], 2)
        self.assertEqual(j["stats"]["meta_chars"], 5)
        self.assertEqual(c["keyphrase_in_image_alt"]["light"], "green")
        self.assertEqual(c["meta_description_length"]["light"], "orange")
        self.assertEqual(c["keyphrase_in_meta_description"]["light"], "red")

    def test_german_forms_of_the_keyphrase(self):
        text = ("Die Solaranlagenförderung der Länder hilft. Zwei Solaranlagen stehen am Hof. "
                "Eine Photovoltaik-Anlage liefert Strom.")
        j = self.analyze({"url": "https://%s/forms" % site("forms"), "text": text,
                          "keyphrase": "Solaranlage"})
        self.assertEqual(j["stats"]["keyphrase_count"], 2)
        j = self.analyze({"url": "https://%s/forms2" % site("forms"), "text": text,
                          "keyphrase": "Photovoltaikanlage"})
        self.assertEqual(j["stats"]["keyphrase_count"], 1)

    def test_english(self):
        text = ("The roof was inspected by our team. We install the panels in two days. "
                "Your bill drops from the first month.")
        j = self.analyze({"url": "https://%s/en" % site("en"), "text": text, "lang": "en"})
        st = j["stats"]
        self.assertEqual(st["lang"], "en")
        self.assertEqual(st["passive_sentences"], 1)
        fl = 206.835 - 1.015 * st["words"] / st["sentences"] - 84.6 * st["syllables"] / st["words"]
        self.assertAlmostEqual(st["flesch"], round(fl, 1), places=6)


# Written for these tests; yoastseo 3.6.0's German research counts sentences 1, 5
# and 6 as passive (3 of 8 = 37.5 %); 2, 3 and 7 are passive by grammar only
# (eingespeist, angeschlossen, untersucht: prefixes Yoast's shapes lack); 5 is
# Yoast's reading of "erhalten" with the noun "Wartungsangebot" (an-ge-…t).
PASSIVE = ["Die Module werden von unserem Team montiert.",
           "Der Solarstrom wird ins öffentliche Netz eingespeist.",
           "Die Anlage wird an den Zählerschrank angeschlossen.",
           "Wir planen Ihre Anlage in einer Woche.",
           "Auf Wunsch erhalten Sie ein Wartungsangebot.",
           "Der Netzbetreiber wird vorab informiert.",
           "Das Dach ist vorher vom Gutachter untersucht worden.",
           "Die Sonne scheint auf das Dach."]


class YoastAgreement(Common):
    """Figures of yoastseo 3.6.0's German researcher on the 30 texts of
    bench/content/texts and on the 29 real texts of bench/content/texts-real
    within the targets (the other 5 and why: content-agreement.md), computed
    by bench/content/agreement.mjs and hard-coded in content_yoast_pins.json.
    A long-sentence share of null: Yoast counts a free-standing dash as a
    word, so the shares differ on the same sentences (mg04, ref02) or the
    sentences differ."""

    def test_passive_as_yoast_counts(self):
        d = {"url": "https://%s/passiv" % site("passive"), "text": " ".join(PASSIVE) + "\n"}
        st, c = (lambda j: (j["stats"], by_id(j)))(self.analyze(d))
        self.assertEqual((st["sentences"], st["passive_sentences"], st["passive_beyond_yoast"]),
                         (8, 3, 3))
        self.assertEqual(st["passive_share"], 37.5)
        p = c["passive_voice"]
        self.assertEqual((p["light"], p["value"]), ("red", 37.5))
        self.assertIn("37,5 % der Sätze stehen im Passiv", p["explanation"]["de"])
        self.assertIn("Dazu 3 Sätze im Passiv, die Yoast nicht zählt", p["explanation"]["de"])
        self.assertIn("3 sentences are passive that Yoast does not count", p["explanation"]["en"])
        j = self.optimize({"url": d["url"]})
        flags = {x["sentence"]: (x["yoast"], x["auxiliary"]) for x in j["passive_sentences"]}
        self.assertEqual(flags, {PASSIVE[0]: (True, "werden"), PASSIVE[1]: (False, "wird"),
                                 PASSIVE[2]: (False, "wird"), PASSIVE[4]: (True, "erhalten"),
                                 PASSIVE[5]: (True, "wird"), PASSIVE[6]: (False, "worden")})

    def test_pinned_texts(self):
        path = os.path.join(os.path.dirname(__file__), "content_yoast_pins.json")
        with open(path, encoding="utf-8") as f:
            pins = json.load(f)
        self.assertGreaterEqual(len(pins), 3)
        for p in pins:
            j = self.analyze({"url": "https://%s/%s" % (site("yoast"), p["name"]),
                              "text": p["text"]})
            st = j["stats"]
            self.assertLessEqual(abs(st["flesch"] - p["yoast_flesch"]), 2, p["name"])
            self.assertLessEqual(abs(st["passive_share"] - p["yoast_passive_share"]), 3, p["name"])
            if p["same_sentences"]:
                # the same sentences: the same passive ones, by Yoast's definition
                self.assertEqual(st["passive_sentences"], p["yoast_passive_sentences"], p["name"])
                if p["yoast_long_share"] is not None:
                    self.assertAlmostEqual(st["long_share"], p["yoast_long_share"], places=1,
                                           msg=p["name"])


class Report(Common):
    def test_pages_trend_and_worst_checks(self):
        s = site("rep")
        good = doc("rep", path="/solaranlage")
        bad = {"url": "https://%s/kurz" % s, "text": "Kurz. Zu kurz.", "keyphrase": "Wärmepumpe"}
        self.analyze(good)
        self.analyze(bad)
        bad["text"] += " Noch ein Satz über eine Wärmepumpe."
        self.analyze(bad)
        j = self.report(s)
        self.assertEqual(j["pages_count"], 2)
        urls = [p["url"] for p in j["pages"]]
        self.assertEqual(urls[0], bad["url"])                # worst first
        worst = j["pages"][0]
        self.assertEqual([t["version"] for t in worst["trend"]], [1, 2])
        self.assertEqual(worst["change"], worst["trend"][1]["score"] - worst["trend"][0]["score"])
        self.assertEqual(worst["version"], 2)
        self.assertIn("text_length", worst["red_checks"])
        scores = [p["score"] for p in j["pages"]]
        self.assertAlmostEqual(j["mean_score"], round(sum(scores) / len(scores), 1))
        # worst_checks counts what the pages' checks say
        for w in j["worst_checks"]:
            red = sum(1 for p in j["pages"] for c in p["checks"]
                      if c["id"] == w["id"] and c["light"] == "red")
            self.assertEqual(w["red"], red, w)
        one = self.report(s, "&url=" + good["url"])
        self.assertEqual([p["url"] for p in one["pages"]], [good["url"]])

    def test_bad_queries(self):
        self.assertEqual(fields(self, get(REPORT + "?limit=0", token=self.viewer)), ["limit"])
        self.assertEqual(fields(self, get(REPORT + "?site=a/b", token=self.viewer)), ["site"])
        self.assertEqual(fields(self, get(REPORT + "?url=nourl", token=self.viewer)), ["url"])


class Optimize(Common):
    def test_rewrites(self):
        d = doc("opt", text=page_text(sections=1) + "\n".join([FILLER.strip()] * 9) + "\n")
        self.analyze(d)
        j = self.optimize({"url": d["url"]})
        self.assertEqual(j["version"], 1)
        self.assertIsNone(j["llm"])
        self.assertTrue(j["title_candidates"])
        for t in j["title_candidates"]:
            self.assertLessEqual(t["px"], 580)
            self.assertIn("Solaranlage", t["title"])
        self.assertTrue(j["meta_candidates"])
        for m in j["meta_candidates"]:
            self.assertTrue(120 <= len(m["description"]) <= 156, m)
            self.assertIn(m["description"], d["text"])       # the page's own sentences
        self.assertTrue(j["meta_candidates"][0]["keyphrase"])
        longs = {x["sentence"]: x for x in j["long_sentences"]}
        self.assertIn(LONG, longs)
        x = longs[LONG]
        self.assertTrue(x["second_part"].startswith("und mit einem Batteriespeicher"))
        self.assertTrue(LONG.startswith(x["first_part"]))
        self.assertIn("Die Anlage wird von unseren Monteuren in zwei Tagen aufgebaut.",
                      [p["sentence"] for p in j["passive_sentences"]])
        self.assertTrue(all(p["auxiliary"] for p in j["passive_sentences"]))
        self.assertTrue(j["missing_subheadings"])
        for m in j["missing_subheadings"]:
            self.assertGreater(m["words"], 300)
        self.assertEqual(j["internal_links"], [])       # no entity analysis for this site

    def test_internal_links_from_entities(self):
        row = psql("SELECT url FROM entity_analyses ea WHERE EXISTS (SELECT 1 FROM "
                   "content_analyses c WHERE c.url_norm = ea.url_norm) ORDER BY url LIMIT 1")
        if not row:
            self.skipTest("no demo data with entity analyses in this stack")
        j = self.optimize({"url": row[0][0]})
        self.assertTrue(j["internal_links"])
        for link in j["internal_links"]:
            self.assertNotEqual(link["url"], row[0][0])
            self.assertIn(link["anchor"], link["entities"])
            self.assertEqual(link["shared_entities"], len(link["entities"]))

    def test_unknown_and_bad(self):
        r = post(OPTIMIZE, {"url": "https://%s/nie" % site("none")}, token=self.editor)
        is_problem(self, r, 404)
        self.assertEqual(fields(self, post(OPTIMIZE, {}, token=self.editor)), ["url"])
        self.assertEqual(fields(self, post(OPTIMIZE, {"url": "https://x.example/",
                                                      "keyphrase": "  "}, token=self.editor)),
                         ["keyphrase"])


class Access(Common):
    def test_roles(self):
        d = doc("role")
        is_problem(self, post(ANALYZE, d), 401)
        is_problem(self, post(ANALYZE, d, token=self.viewer), 403)
        is_problem(self, post(OPTIMIZE, {"url": d["url"]}, token=self.viewer), 403)
        is_problem(self, get(REPORT), 401)
        self.assertEqual(get(REPORT + "?site=" + site("role"), token=self.viewer).status, 200)


class BadInput(Common):
    def test_fields_named(self):
        self.assertEqual(fields(self, post(ANALYZE, {}, token=self.editor)), ["text", "url"])
        self.assertEqual(fields(self, post(ANALYZE, doc("bad", html="<p>x</p>"),
                                           token=self.editor)), ["html"])
        self.assertEqual(fields(self, post(ANALYZE, doc("bad", lang="fr"), token=self.editor)),
                         ["lang"])
        self.assertEqual(fields(self, post(ANALYZE, doc("bad", keyphrase="x" * 101),
                                           token=self.editor)), ["keyphrase"])
        self.assertEqual(fields(self, post(ANALYZE, doc("bad", keyphrase="?!"),
                                           token=self.editor)), ["keyphrase"])
        self.assertEqual(fields(self, post(ANALYZE, doc("bad", title=5, text=["a"] * 5000),
                                           token=self.editor)), ["text", "title"])
        self.assertEqual(fields(self, post(ANALYZE, doc("bad", url="ftp://x/y"),
                                           token=self.editor)), ["url"])

    def test_hostile(self):
        before = psql_one("SELECT count(*) FROM content_analyses")
        r = post(ANALYZE, doc("host", text="x" * 300001), token=self.editor)
        self.assertEqual(fields(self, r), ["text"])
        r = request("POST", ANALYZE, raw=b'{"url": "https://a.example/", "text": "\xff\xfe"}',
                    headers={"Content-Type": "application/json"}, token=self.editor)
        is_problem(self, r, 400)
        deep = "[" * 1000 + "]" * 1000
        r = request("POST", ANALYZE, raw=('{"url": "https://a.example/", "text": %s}' % deep)
                    .encode(), headers={"Content-Type": "application/json"}, token=self.editor)
        self.assertIn(r.status, (400, 422), r)
        self.assertEqual(psql_one("SELECT count(*) FROM content_analyses"), before)
        # SQL in strings is text like any other
        sql = "x'); DROP TABLE content_analyses; --"
        j = self.analyze(doc("host", keyphrase=sql, title=sql))
        self.assertEqual(j["keyphrase"], sql)
        self.assertEqual(psql_one("SELECT keyphrase FROM content_analyses WHERE id = :'v1'",
                                  j["id"]), sql)

    def test_many_paragraphs(self):
        r = post(ANALYZE, doc("many", text="a\n" * 25000), token=self.editor)
        self.assertEqual(fields(self, r), ["text"])


if __name__ == "__main__":
    unittest.main()
