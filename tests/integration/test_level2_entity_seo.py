"""Entity SEO (#1 POST /api/level2/entity-seo/analyze, #2 GET .../report).

Known German text, exact counts, positions (code points), salience by the
documented formula, co-occurrence, missing core entities, JSON-LD with sameAs;
roles, bad input, idempotency, report figures, and a dictionary edit made
with psql that the next analysis picks up.
"""
import math
import time
import unittest

from zoelib import RUN, get, is_problem, post, psql, psql_one, token_for

ANALYZE = "/api/level2/entity-seo/analyze"
REPORT = "/api/level2/entity-seo/report"
BASE = "https://it-%s.zoe-solar.de" % RUN

TITLE = "Photovoltaik und Wärmepumpe in München"
TEXT = ("Eine Photovoltaikanlage senkt in München die Stromkosten. Mit einem Batteriespeicher "
        "steigt der Eigenverbrauch deutlich.\n\n"
        "Die KfW fördert Wärmepumpen und Batteriespeicher. Viele Kunden kombinieren Wärmepumpen "
        "mit der Photovoltaikanlage.\n\n"
        "In München beraten wir zum Kredit der KfW und zum Batteriespeicher.")

# name: (count, first alias seen, in title, in first paragraph)
EXPECTED = {
    "Photovoltaik": (2, "Photovoltaikanlage", True, True),
    "München": (2, "München", True, True),
    "Batteriespeicher": (3, "Batteriespeicher", False, True),
    "Eigenverbrauch": (1, "Eigenverbrauch", False, True),
    "KfW": (2, "KfW", False, False),
    "Wärmepumpe": (2, "Wärmepumpen", True, False),
}


def raw_weight(count, title, h1, first):
    return math.log1p(count) + 3 * title + 2 * h1 + 1.5 * first


class EntitySeo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.viewer = token_for("viewer")
        cls.analyst = token_for("analyst")
        cls.made = []

    @classmethod
    def tearDownClass(cls):
        psql("DELETE FROM entity_analyses WHERE url_norm LIKE :'v1'", BASE.lower() + "/%")
        for name in cls.made:
            psql("DELETE FROM entities WHERE name = :'v1'", name)

    def analyze(self, body, token=None):
        return post(ANALYZE, body, token=token or self.editor)

    def add_entity(self, name, pattern, cluster="itest", core=False):
        psql("INSERT INTO entities (type, name, aliases, same_as, cluster, core) VALUES "
             "('Brand', :'v1', ARRAY[:'v2'], 'https://de.wikipedia.org/wiki/Test', :'v3', :'v4')",
             name, pattern, cluster, "true" if core else "false")
        self.made.append(name)

    # ---- #1 happy path -------------------------------------------------------
    def test_known_text(self):
        r = self.analyze({"url": BASE + "/ratgeber/pv-waermepumpe", "title": TITLE, "text": TEXT})
        self.assertEqual(r.status, 200, r)
        j = r.json
        self.assertEqual(j["lang"], "de")                    # guessed
        self.assertEqual(j["chars"], len(TEXT))
        self.assertIn("salience", j["method"])
        got = {e["name"]: e for e in j["entities"]}
        self.assertEqual(set(got), set(EXPECTED))
        raw = {n: raw_weight(c, t, False, f) for n, (c, _, t, f) in EXPECTED.items()}
        total = sum(raw.values())
        for name, (count, alias, title, first) in EXPECTED.items():
            e = got[name]
            self.assertEqual(e["count"], count, name)
            self.assertEqual(e["first_position"], TEXT.index(alias), name)
            self.assertEqual(e["in_title"], title, name)
            self.assertEqual(e["in_first_paragraph"], first, name)
            self.assertFalse(e["in_h1"], name)
            self.assertAlmostEqual(e["salience"], raw[name] / total, places=4)
        # main: in the title (no other entity reaches 0.25 with 3 mentions)
        self.assertEqual({n for n, e in got.items() if e["main"]},
                         {"Photovoltaik", "München", "Wärmepumpe"})
        saliences = [e["salience"] for e in j["entities"]]
        self.assertEqual(saliences, sorted(saliences, reverse=True))
        # co-occurrence: S3 and S5 hold KfW and Batteriespeicher, paragraphs 2 and 3
        pairs = {frozenset((p["a"], p["b"])): p for p in j["cooccurrence"]}
        kb = pairs[frozenset(("KfW", "Batteriespeicher"))]
        self.assertEqual((kb["sentences"], kb["paragraphs"]), (2, 2))
        pm = pairs[frozenset(("Photovoltaik", "München"))]
        self.assertEqual((pm["sentences"], pm["paragraphs"]), (1, 1))
        ew = pairs[frozenset(("Eigenverbrauch", "Wärmepumpe"))] if frozenset(
            ("Eigenverbrauch", "Wärmepumpe")) in pairs else None
        self.assertIsNone(ew)                                # never in one paragraph
        self.assertEqual(len(pairs), 12)
        # dominant topic: photovoltaik (0.26) beats speicher (0.24); its core gaps
        self.assertEqual(j["topic"]["cluster"], "photovoltaik")
        self.assertEqual([m["name"] for m in j["topic"]["missing_core"]],
                         ["Solarmodul", "Wechselrichter"])
        # JSON-LD: about = main entities with sameAs, mentions = the others
        ld = j["jsonld"]
        self.assertEqual(ld["@type"], "WebPage")
        self.assertEqual(ld["@context"], "https://schema.org")
        self.assertEqual(ld["name"], TITLE)
        self.assertEqual(ld["inLanguage"], "de")
        about = {t["name"]: t for t in ld["about"]}
        mentions = {t["name"]: t for t in ld["mentions"]}
        self.assertEqual(set(about), {"Photovoltaik", "München", "Wärmepumpe"})
        self.assertEqual(set(mentions), {"Batteriespeicher", "Eigenverbrauch", "KfW"})
        self.assertEqual(about["München"]["sameAs"], ["https://www.wikidata.org/wiki/Q1726"])
        self.assertEqual(about["München"]["@type"], "Place")
        self.assertEqual(mentions["KfW"]["@type"], "Organization")
        self.assertEqual(about["Photovoltaik"]["sameAs"],
                         ["https://de.wikipedia.org/wiki/Photovoltaik"])
        self.assertTrue(j["validation"]["valid"], j["validation"])
        self.assertEqual(j["validation"]["errors"], [])
        # stored: one analysis, six mention rows, twelve pairs
        aid = str(j["stored"]["id"])
        self.assertEqual(psql_one("SELECT count(*) FROM entity_mentions WHERE analysis_id = "
                                  ":'v1'", aid), "6")
        self.assertEqual(psql_one("SELECT count(*) FROM entity_pairs WHERE analysis_id = :'v1'",
                                  aid), "12")
        self.assertEqual(psql_one("SELECT topic FROM entity_analyses WHERE id = :'v1'", aid),
                         "photovoltaik")

    def test_html(self):
        html = ("<html><head><title>Wallbox und PV-Carport | ZOE Solar</title>"
                "<script>var x = 'Wärmepumpe Wärmepumpe';</script></head><body>"
                "<nav>Start</nav><h1>Wallbox für Ihr Elektroauto</h1>"
                "<p>Die Wallbox l&auml;dt Ihr E-Auto mit Solarstrom vom eigenen Dach.</p>"
                "<p>Ein Solarcarport in Hamburg schützt zwei Elektroautos.</p></body></html>")
        r = self.analyze({"url": BASE + "/wallbox", "html": html})
        self.assertEqual(r.status, 200, r)
        j = r.json
        self.assertEqual(j["title"], "Wallbox und PV-Carport | ZOE Solar")
        got = {e["name"]: e for e in j["entities"]}
        self.assertNotIn("Wärmepumpe", got)                   # script is not text
        self.assertEqual(got["Wallbox"]["count"], 2)
        self.assertTrue(got["Wallbox"]["in_h1"])
        self.assertTrue(got["Wallbox"]["in_title"])
        self.assertTrue(got["Wallbox"]["in_first_paragraph"])
        self.assertEqual(got["Elektroauto"]["count"], 3)       # Elektroauto, E-Auto, Elektroautos
        self.assertTrue(got["Elektroauto"]["in_h1"])
        self.assertEqual(got["PV-Carport"]["count"], 1)
        self.assertTrue(got["PV-Carport"]["in_title"])
        self.assertNotIn("sameAs", [t for t in j["jsonld"]["about"]
                                    if t["name"] == "PV-Carport"][0])
        self.assertEqual(got["Hamburg"]["count"], 1)
        self.assertEqual(j["topic"]["cluster"], "emobilitaet")
        self.assertEqual(j["topic"]["missing_core"], [])

    # ---- German surface forms (sql/011_entity_aliases.sql) ---------------------------
    def test_german_compounds(self):
        forms = [
            ("Förderung für PV-Großanlagen", ["Photovoltaik"]),
            ("Gewerbe-PV und Dach-PV", ["Photovoltaik"]),
            ("Eine PV-Anlage auf dem Dach", ["Photovoltaik"]),
            ("Die Solaranlagenförderung der Stadt", ["Photovoltaik"]),
            ("Premium-Module aus Deutschland", ["Solarmodul"]),
            ("Ein Solarstromspeicher im Keller", ["Batteriespeicher"]),
            ("Der Speicher lädt mittags", ["Batteriespeicher"]),
            ("Großspeicher und Speichersysteme", ["Batteriespeicher"]),
            ("Wärmepumpenförderung und Wechselrichtertausch", ["Wechselrichter", "Wärmepumpe"]),
            # other senses and other words
            ("Der Rechner hat 16 GB Arbeitsspeicher und einen USB-Speicher", []),
            ("Eine Speicherkarte und ein Warmwasserspeicher", []),
            ("Wir speichern Daten beim GPV", []),
            ("Softwaremodule und ein WLAN-Modul", []),
        ]
        for i, (text, want) in enumerate(forms):
            r = self.analyze({"url": BASE + "/formen-%d" % i, "text": text})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(sorted(e["name"] for e in r.json["entities"]), sorted(want), text)

    def test_guide_title_is_about_pv(self):
        r = self.analyze({"url": BASE + "/ratgeber/finanzierung-pv-grossanlagen",
                          "title": "Finanzierung & Förderung für PV-Großanlagen",
                          "text": "Die KfW fördert Gewerbe-PV mit dem Programm 270. Für "
                                  "PV-Großanlagen lohnt sich ein Speicher."})
        self.assertEqual(r.status, 200, r)
        about = [t["name"] for t in r.json["jsonld"]["about"]]
        self.assertIn("Photovoltaik", about)
        pv = [e for e in r.json["entities"] if e["name"] == "Photovoltaik"][0]
        self.assertEqual((pv["count"], pv["in_title"]), (2, True))
        names = {e["name"] for e in r.json["entities"]}
        self.assertEqual(names, {"Photovoltaik", "KfW", "Batteriespeicher"})

    def test_title_overlap_counts_once(self):
        # "PV-Carport" in the title is the carport, not also the bare "PV"
        r = self.analyze({"url": BASE + "/carport-titel", "title": "PV-Carport für Ihr E-Auto",
                          "text": "Ein Carport mit Solarmodulen."})
        self.assertEqual(r.status, 200, r)
        got = {e["name"]: e for e in r.json["entities"]}
        self.assertTrue(got["PV-Carport"]["in_title"])
        self.assertNotIn("Photovoltaik", got)

    # ---- roles -----------------------------------------------------------------
    def test_roles(self):
        body = {"url": BASE + "/roles", "text": "Photovoltaik"}
        is_problem(self, post(ANALYZE, body), 401)
        is_problem(self, get(REPORT), 401)
        is_problem(self, self.analyze(body, token=self.viewer), 403)
        is_problem(self, self.analyze(body, token=self.analyst), 403)
        self.assertEqual(get(REPORT, token=self.viewer).status, 200)

    # ---- bad input -----------------------------------------------------------------
    def assert_fields(self, body, fields):
        p = is_problem(self, self.analyze(body), 422)
        self.assertEqual(sorted({e["field"] for e in p["errors"]}), sorted(fields), p)
        return p

    def test_bad_input(self):
        self.assert_fields({}, ["url", "text", "html"])
        self.assert_fields({"text": "Photovoltaik"}, ["url"])
        self.assert_fields({"url": BASE + "/x"}, ["text", "html"])
        self.assert_fields({"url": "/ratgeber/x", "text": "x"}, ["url"])
        self.assert_fields({"url": "ftp://zoe-solar.de/x", "text": "x"}, ["url"])
        self.assert_fields({"url": 5, "text": 7, "title": 3, "lang": True},
                           ["url", "text", "title", "lang"])
        self.assert_fields({"url": BASE + "/x", "html": ["<p>"]}, ["html"])
        self.assert_fields({"url": BASE + "/x", "text": "x", "lang": "fr"}, ["lang"])
        self.assert_fields({"url": BASE + "/x", "text": "x", "html": "<p>x</p>"}, ["html"])
        self.assert_fields({"url": BASE + "/x", "text": ""}, ["text"])
        self.assert_fields([{"url": BASE + "/x", "text": "x"}], [""])
        r = post(ANALYZE, raw=b'{"url": ', headers={"Content-Type": "application/json"},
                 token=self.editor)
        is_problem(self, r, 400)
        is_problem(self, get(REPORT + "?limit=0", token=self.viewer), 422)
        self.assertEqual(psql_one("SELECT count(*) FROM entity_analyses WHERE url = :'v1'",
                                  BASE + "/x"), "0")

    # ---- idempotency -------------------------------------------------------------------
    def test_reanalyse_replaces(self):
        url = BASE + "/speicher"
        first = self.analyze({"url": url, "text": "Batteriespeicher und Wallbox. KfW."})
        self.assertEqual(first.status, 200, first)
        self.assertFalse(first.json["stored"]["replaced"])
        # same page again (host case and fragment differ: same normalised URL)
        second = self.analyze({"url": url.replace("https://it-", "https://IT-") + "#top",
                               "text": "Ein Stromspeicher erhöht den Eigenverbrauch."})
        self.assertEqual(second.status, 200, second)
        self.assertTrue(second.json["stored"]["replaced"])
        self.assertEqual(second.json["stored"]["id"], first.json["stored"]["id"])
        self.assertEqual(psql_one("SELECT count(*) FROM entity_analyses WHERE url_norm LIKE "
                                  ":'v1'", BASE.lower() + "/speicher%"), "1")
        names = psql("SELECT e.name FROM entity_mentions m JOIN entities e ON e.id = m.entity_id"
                     " WHERE m.analysis_id = :'v1' ORDER BY e.name",
                     str(second.json["stored"]["id"]))
        self.assertEqual([n[0] for n in names], ["Batteriespeicher", "Eigenverbrauch"])

    # ---- dictionary edits, report ---------------------------------------------------------
    def test_dictionary_edit_and_report(self):
        e1, e2, e3 = "Zoetest %s" % RUN, "Zoenie %s" % RUN, "Zoeprobe %s" % RUN
        word1, word3 = "Zoetest" + RUN, "Zoeprobe" + RUN
        before = self.analyze({"url": BASE + "/neu-a", "text": word1 + " ist neu."})
        self.assertEqual(before.status, 200, before)
        self.assertEqual(before.json["entities"], [])
        self.add_entity(e1, "Zoetest%ss?" % RUN)
        self.add_entity(e2, "Zoenie%s" % RUN)
        self.add_entity(e3, "Zoeprobe%s" % RUN)
        # page A: 2x e1, 1x e3 in one sentence; page B: 3x e1 alone
        a = self.analyze({"url": BASE + "/neu-a",
                          "text": "%s und %s passen. Mehr %ss." % (word1, word3, word1)})
        self.assertEqual(a.status, 200, a)
        got = {e["name"]: e for e in a.json["entities"]}
        self.assertEqual(set(got), {e1, e3})
        self.assertEqual(got[e1]["count"], 2)
        self.assertEqual(got[e1]["first_position"], 0)
        self.assertGreater(a.json["dictionary"]["version"], before.json["dictionary"]["version"])
        b = self.analyze({"url": BASE + "/neu-b",
                          "text": "%s, %s und %s." % (word1, word1, word1)})
        sal_b = b.json["entities"][0]["salience"]
        self.assertEqual(sal_b, 1.0)
        # page C: one passing mention: no main entity
        c = self.analyze({"url": BASE + "/neu-c", "text": "Die KfW hilft."})
        self.assertFalse(c.json["entities"][0]["main"])

        r = get(REPORT + "?limit=500", token=self.viewer)
        self.assertEqual(r.status, 200, r)
        j = r.json
        self.assertEqual(j["n"], int(psql_one("SELECT count(*) FROM entity_analyses")))
        top = {t["name"]: t for t in j["top_entities"]}
        self.assertEqual(top[e1]["pages"], 2)
        self.assertEqual(top[e1]["mentions"], 5)
        self.assertAlmostEqual(top[e1]["avg_salience"], (got[e1]["salience"] + sal_b) / 2,
                               places=4)
        self.assertEqual(top[e1]["main_pages"], int(got[e1]["main"]) + 1)
        self.assertEqual(top[e1]["urls"][0], BASE + "/neu-b")     # higher salience first
        self.assertEqual(top[e3]["pages"], 1)
        never = {t["name"] for t in j["never_mentioned"]}
        self.assertIn(e2, never)
        self.assertNotIn(e1, never)
        self.assertIn(BASE + "/neu-c", [p["url"] for p in j["pages_without_main_entity"]])
        self.assertNotIn(BASE + "/neu-b", [p["url"] for p in j["pages_without_main_entity"]])
        # e1 and e3 co-occur only with each other: their own community
        groups = [{x["name"] for x in c["entities"]} for c in j["clusters"]["items"]]
        self.assertIn({e1, e3}, groups)
        self.assertEqual(sum(len(g) for g in groups), j["clusters"]["nodes"])
        self.assertEqual(j["entities_mentioned"],
                         int(psql_one("SELECT count(DISTINCT entity_id) FROM entity_mentions")))
        # deterministic: the same report twice
        self.assertEqual(get(REPORT + "?limit=500", token=self.viewer).json, j)

        # editing an alias takes effect on the next analysis
        psql("UPDATE entities SET aliases = ARRAY['Zoeneu%s'] WHERE name = :'v1'" % RUN, e2)
        d = self.analyze({"url": BASE + "/neu-d", "text": "Zoeneu%s und Zoenie%s." % (RUN, RUN)})
        self.assertEqual([(e["name"], e["count"]) for e in d.json["entities"]], [(e2, 1)])

    def test_unusable_aliases_are_listed(self):
        # a NULL alias is skipped, an entity with none left or a pattern that
        # does not compile is listed as invalid; the others still match
        kept, empty, bad = ("Zoenull %s" % RUN, "Zoeleer %s" % RUN, "Zoekaputt %s" % RUN)
        psql("INSERT INTO entities (type, name, aliases, cluster) VALUES "
             "('Brand', :'v1', ARRAY[NULL, :'v4'], 'itest'), "
             "('Brand', :'v2', ARRAY[NULL]::text[], 'itest'), "
             "('Brand', :'v3', ARRAY['Zoe(kaputt'], 'itest')",
             kept, empty, bad, "Zoenull" + RUN)
        self.made += [kept, empty, bad]
        r = self.analyze({"url": BASE + "/ungueltig", "text": "Zoenull%s und KfW." % RUN})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sorted(e["name"] for e in r.json["entities"]), sorted([kept, "KfW"]))
        invalid = {x["name"]: x["error"] for x in r.json["dictionary"]["invalid"]}
        self.assertEqual(sorted(invalid), sorted([empty, bad]))

    def test_catastrophic_alias_is_cut(self):
        # (a+)+b backtracks 2^18 steps at each word of 18 a's: about 45 s of
        # matching on this page. The page's budget (2 s) cuts it and says so.
        name = "Zoeslow %s" % RUN
        self.add_entity(name, "(a+)+b")
        try:
            text = "Die KfW hilft. " + " ".join(["a" * 18] * 45000) + " b"
            t0 = time.monotonic()
            r = post(ANALYZE, {"url": BASE + "/slow", "text": text}, token=self.editor,
                     timeout=25)
            elapsed = time.monotonic() - t0
            self.assertEqual(r.status, 200, r)
            self.assertLess(elapsed, 15)
            m = r.json["matching"]
            self.assertEqual((m["complete"], m["stopped"], m["budget_ms"]), (False, [name], 2000))
            self.assertEqual([(e["name"], e["count"]) for e in r.json["entities"]], [("KfW", 1)])
        finally:
            psql("DELETE FROM entities WHERE name = :'v1'", name)
        ok = self.analyze({"url": BASE + "/slow", "text": "Die KfW hilft."})
        self.assertEqual((ok.json["matching"]["complete"], ok.json["matching"]["stopped"]),
                         (True, []))

    def test_report_shape(self):
        j = get(REPORT, token=self.viewer).json
        for k in ("n", "top_entities", "never_mentioned", "pages_without_main_entity",
                  "clusters", "method"):
            self.assertIn(k, j)
        self.assertLessEqual(len(j["top_entities"]), 50)
        for c in j["clusters"]["items"]:
            self.assertEqual(c["size"], len(c["entities"]))
        sizes = [c["size"] for c in j["clusters"]["items"]]
        self.assertEqual(sizes, sorted(sizes, reverse=True))


if __name__ == "__main__":
    unittest.main()
