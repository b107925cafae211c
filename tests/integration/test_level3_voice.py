"""#20 POST /api/level3/multimodal/voice on real German text (umlauts, ß),
HTML and English; nothing is stored."""
import json
import os
import re
import unittest

from zoelib import get, is_problem, post, psql_one, token_for

VOICE = "/api/level3/multimodal/voice"
SCHEMAS = os.path.join(os.path.dirname(__file__), "../../handlers/schemas")

Q1 = "Wie viel kostet eine Photovoltaikanlage für ein Einfamilienhaus?"
A1 = ("Eine Anlage mit 10 kWp kostet heute etwa 13.000 bis 18.000 Euro. Der Preis hängt von "
      "der Größe, den Modulen und dem Speicher ab. Seit 2023 zahlen Sie keine Mehrwertsteuer "
      "auf Module, Wechselrichter und Montage.")
Q2 = "Warum lohnt sich ein Stromspeicher?"
A2 = "Mit einem Speicher nutzen Sie mehr eigenen Strom. Das spart Geld."
PAGE = ("Photovoltaik für Ihr Zuhause\n" + Q1 + "\n" + A1 + "\n\n" + Q2 + " " + A2 + "\n\n"
        "Wir beraten Sie gern. Wer hilft bei der Förderung? Unser Team hilft Ihnen.\n")


def check_schema(case, doc):
    try:
        import jsonschema
    except ImportError:        # the contract test validates every reply as well
        return
    with open(os.path.join(SCHEMAS, "level3MultimodalVoice.json"), encoding="utf-8") as f:
        jsonschema.validate(doc, json.load(f))


def words(s):
    """Words as readability tools count them: 13.000 and kWp are one each."""
    return re.findall(r"\w+(?:[.,'-]\w+)*", s)


DE_PAIRS = ("ei", "ie", "au", "eu", "äu", "ai", "ey", "ay", "aa", "ee", "oo", "ou")


def syllables_de(word):
    """One per vowel; a German pair (ei, ie, au, eu, äu, ai, aa, ee, oo …) is
    one, read from the left ("Steuer": eu + e); numbers count one; a word
    without a vowel ("kWp") none, as Yoast counts (the words here have no
    -tion, -lien or English loanword, whose rules this leaves out)."""
    if word[0].isdigit():
        return 1
    w, i, n = word.lower(), 0, 0
    while i < len(w):
        if w[i] not in "aeiouyäöü":
            i += 1
            continue
        n += 1
        i += 2 if w[i:i + 2] in DE_PAIRS else 1
    return n


class Voice(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.analyst = token_for("analyst")
        cls.viewer = token_for("viewer")

    def voice(self, body):
        r = post(VOICE, body, token=self.editor)
        self.assertEqual(r.status, 200, r)
        check_schema(self, r.json)
        return r.json

    def test_german_page_text(self):
        j = self.voice({"text": PAGE, "url": "https://zoe-solar.de/ratgeber/pv-kosten",
                        "name": "Photovoltaik: Kosten", "css_selectors": [".faq-answer"]})
        self.assertEqual((j["lang"], j["text_kind"], j["pairs_from"]), ("de", "text", "text"))
        qs = [(q["text"], q["form"], q["lang"]) for q in j["questions"]]
        self.assertEqual(qs, [(Q1, "wie viel", "de"), (Q2, "warum", "de"),
                              ("Wer hilft bei der Förderung?", "wer", "de")])
        for q in j["questions"]:        # offsets in characters of the text sent
            self.assertEqual(PAGE[q["offset"]:q["offset"] + len(q["text"])], q["text"])
        # the heading with its paragraph, and the question opening a paragraph
        self.assertEqual([(p["question"], p["answer"]) for p in j["pairs"]], [(Q1, A1), (Q2, A2)])
        s1, s2 = j["pairs"][0]["spoken"], j["pairs"][1]["spoken"]
        self.assertEqual(s1["words"], len(words(A1)))
        self.assertEqual(s1["words"], 35)
        self.assertEqual(s1["sentences"], 3)
        self.assertEqual(s1["syllables"], sum(syllables_de(w) for w in words(A1)))
        ease = 180 - s1["words"] / s1["sentences"] - 58.5 * s1["syllables"] / s1["words"]
        self.assertAlmostEqual(s1["reading_ease"], round(ease, 1), places=6)
        self.assertEqual(s1["formula"], "Amstad")
        self.assertTrue(s1["length_ok"])
        self.assertEqual((s1["verdict"], s1["verdict_de"], s1["tips"]), ("good", "gut vorlesbar", []))
        self.assertEqual(s1["score"], 100 if ease >= 60 else round(50 + 50 * ease / 60))
        self.assertEqual(s2["words"], 11)
        self.assertEqual((s2["verdict"], s2["verdict_de"]), ("too_short", "zu kurz"))
        self.assertIn("erweitern (jetzt 11)", s2["tips"][0])
        fit = 1 - (29 - 11) / 29
        ease2 = 180 - 11 / 2 - 58.5 * s2["syllables"] / 11
        self.assertEqual(s2["score"], round(50 * fit + 50 * min(1, ease2 / 60)))
        self.assertEqual(j["summary"], {"questions": 3, "pairs": 2, "good": 1,
                                        "mean_score": round((s1["score"] + s2["score"]) / 2, 1)})

    def test_faq_page_and_warning(self):
        j = self.voice({"text": PAGE, "url": "https://zoe-solar.de/ratgeber/pv-kosten",
                        "name": "Photovoltaik: Kosten"})
        faq = j["faq_page"]
        m = faq["markup"]
        self.assertEqual((m["@context"], m["@type"], m["inLanguage"]),
                         ("https://schema.org", "FAQPage", "de"))
        self.assertEqual(m["mainEntity"][0], {"@type": "Question", "name": Q1, "acceptedAnswer":
                                              {"@type": "Answer", "text": A1}})
        self.assertTrue(faq["validation"]["valid"], faq)
        self.assertEqual(faq["validation"]["errors"], [])
        self.assertTrue(any("2023" in w["message"] for w in faq["validation"]["warnings"]))
        codes = {w["code"]: w["message"] for w in j["warnings"]}
        self.assertIn("August 2023", codes["faq_rich_result_restricted"])
        self.assertIn("government and health", codes["faq_rich_result_restricted"])
        self.assertIsNone(j["speakable"])
        self.assertIn("speakable_no_selectors", codes)

    def test_speakable(self):
        j = self.voice({"qa": [{"question": Q1, "answer": A1}], "name": "PV-Kosten",
                        "url": "https://zoe-solar.de/ratgeber/pv-kosten",
                        "css_selectors": [".summary", "#faq h2"], "xpaths": ["/html/head/title"]})
        sp = j["speakable"]
        self.assertEqual(sp["markup"], {
            "@context": "https://schema.org", "@type": "WebPage", "name": "PV-Kosten",
            "url": "https://zoe-solar.de/ratgeber/pv-kosten",
            "speakable": {"@type": "SpeakableSpecification",
                          "cssSelector": [".summary", "#faq h2"], "xpath": ["/html/head/title"]}})
        self.assertTrue(sp["validation"]["valid"], sp)
        codes = {w["code"]: w["message"] for w in j["warnings"]}
        self.assertIn("USA", codes["speakable_beta"])
        self.assertIn("German page", codes["speakable_beta"])
        self.assertEqual(j["pairs_from"], "qa")
        self.assertEqual(j["questions"], [])
        j = self.voice({"qa": [{"question": Q1, "answer": A1}], "css_selectors": [".s"]})
        self.assertNotIn("url", j["speakable"]["markup"])
        self.assertIn("speakable_no_url", [w["code"] for w in j["warnings"]])

    def test_qa_pairs_win_over_text(self):
        long_answer = " ".join([A1, A1])
        j = self.voice({"text": PAGE, "qa": [
            {"question": "Photovoltaik Kosten", "answer": long_answer},
            {"question": "Ab wann lohnt sich eine Wärmepumpe im Altbau?", "answer": A2}]})
        self.assertEqual(j["pairs_from"], "qa")
        self.assertEqual(len(j["questions"]), 3)        # still read from the text
        p0, p1 = j["pairs"]
        self.assertIsNone(p0["question_form"])
        self.assertEqual(p0["spoken"]["verdict"], "too_long")
        self.assertIn("kürzen (jetzt 70)", p0["spoken"]["tips"][0])
        self.assertTrue(any("Fragewort" in t for t in p0["spoken"]["tips"]))
        self.assertEqual((p1["question_form"], p1["question_lang"]), ("wann", "de"))
        self.assertEqual([q["name"] for q in j["faq_page"]["markup"]["mainEntity"]],
                         ["Photovoltaik Kosten", "Ab wann lohnt sich eine Wärmepumpe im Altbau?"])

    def test_html(self):
        html = ("<!doctype html><html lang=de><head><title>Wärmepumpe &amp; Speicher</title>"
                "</head><body><h1>Heizen mit Strom</h1><h2>Was kostet eine Wärmepumpe?</h2>"
                "<p>Eine Wärmepumpe kostet mit Einbau rund 25.000&nbsp;Euro.</p>"
                "<p>Zweiter Absatz.</p><h2>Wie groß muss der Speicher sein?</h2>"
                "<p>Etwa so groß wie der Tagesverbrauch.</p><script>var x = 'Was?';</script>"
                "</body></html>")
        j = self.voice({"text": html, "css_selectors": ["h2"]})
        self.assertEqual(j["text_kind"], "html")
        self.assertEqual([q["text"] for q in j["questions"]],
                         ["Was kostet eine Wärmepumpe?", "Wie groß muss der Speicher sein?"])
        self.assertEqual([(p["question"], p["answer"]) for p in j["pairs"]], [
            ("Was kostet eine Wärmepumpe?", "Eine Wärmepumpe kostet mit Einbau rund 25.000 Euro."),
            ("Wie groß muss der Speicher sein?", "Etwa so groß wie der Tagesverbrauch.")])
        self.assertEqual(j["speakable"]["markup"]["name"], "Wärmepumpe & Speicher")

    def test_english(self):
        a = ("A heat pump for a family home costs about 25,000 euros with installation. "
             "Grants can cover up to 70 percent of the cost, so many owners pay far less.")
        j = self.voice({"lang": "en", "qa": [{"question": "How much does a heat pump cost?",
                                               "answer": a}]})
        p = j["pairs"][0]
        self.assertEqual((p["question_form"], p["question_lang"]), ("how much", "en"))
        s = p["spoken"]
        self.assertEqual(s["formula"], "Flesch")
        self.assertEqual(s["words"], len(words(a)))
        ease = 206.835 - 1.015 * s["words"] / s["sentences"] - 84.6 * s["syllables"] / s["words"]
        self.assertAlmostEqual(s["reading_ease"], round(ease, 1), places=6)
        self.assertEqual(j["faq_page"]["markup"]["inLanguage"], "en")

    def test_no_pairs(self):
        j = self.voice({"text": "Wir installieren Solaranlagen in Berlin und Brandenburg."})
        self.assertEqual((j["questions"], j["pairs"], j["faq_page"]), ([], [], None))
        self.assertIn("no_qa_pairs", [w["code"] for w in j["warnings"]])
        self.assertIsNone(j["summary"]["mean_score"])

    def test_bad_input(self):
        def fields(body):
            r = post(VOICE, body, token=self.editor)
            return sorted(e["field"] for e in is_problem(self, r, 422)["errors"])
        self.assertEqual(fields({}), ["qa", "text"])
        self.assertEqual(fields({"text": "  \n "}), ["qa", "text"])
        self.assertEqual(fields({"qa": []}), ["qa"])
        self.assertEqual(fields({"qa": [{"question": "", "answer": A1}, {"question": Q1},
                                        "x"]}), ["qa[0].question", "qa[1].answer", "qa[2]"])
        self.assertEqual(fields({"text": PAGE, "lang": "fr", "url": "zoe-solar.de",
                                 "css_selectors": ["", 3], "xpaths": "//p"}),
                         ["css_selectors[0]", "css_selectors[1]", "lang", "url", "xpaths"])
        r = post(VOICE, raw=b'{"text": "Was', token=self.editor,
                 headers={"Content-Type": "application/json"})
        is_problem(self, r, 400)

    def test_roles_and_nothing_stored(self):
        mine = ("SELECT (SELECT count(*) FROM event_log WHERE data::text LIKE '%Einfamilienhaus%')"
                " + (SELECT count(*) FROM pages WHERE body_text LIKE '%Einfamilienhaus%')")
        before = psql_one(mine)
        body = {"qa": [{"question": Q1, "answer": A1}]}
        is_problem(self, post(VOICE, body), 401)
        is_problem(self, post(VOICE, body, token=self.viewer), 403)
        is_problem(self, post(VOICE, body, token=self.analyst), 403)
        self.voice(body)
        self.assertEqual(psql_one(mine), before)
        self.assertEqual(get(VOICE, token=self.editor).status, 405)


if __name__ == "__main__":
    unittest.main()
