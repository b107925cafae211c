"""#28 POST /api/level4/ai-content/optimize with the optional LLM provider
(ZOE_LLM_URL) against a local OpenAI-compatible endpoint, through a pool of
its own: kept suggestions pass our own checks, the others are dropped with
the reason, and a failing provider leaves the deterministic rewrites as
they are with its error in llm.error.
"""
import json
import re
import time
import unittest

from test_level4_content import LONG, OPTIMIZE, Common, check_schema, doc
from test_level5_content_templates import LocalLlm
from zoelib import fcgi_get, free_port, post, start_pool

PASSIVE = "Die Anlage wird von unseren Monteuren in zwei Tagen aufgebaut."
TITLE = "Solaranlage: Kosten und Förderung | ZOE Solar"
META = ("Was kostet eine Solaranlage fürs Einfamilienhaus? Preise pro kWp, Speicher und "
        "Montage: so rechnen Sie Ihre Anlage ehrlich durch.")
LONG_REWRITE = ("Eine Photovoltaik-Anlage auf dem eigenen Dach senkt die Stromkosten über viele "
                "Jahre. Mit einem Batteriespeicher nutzen Sie den Solarstrom auch am Abend und "
                "in der Nacht.")
PASSIVE_REWRITE = "Unsere Monteure bauen die Anlage in zwei Tagen auf."
# too wide: well over 580 px in any proportional font at Google's 20 px
WIDE_TITLE = ("Solaranlage für Ihr Einfamilienhaus: Kosten, Förderung, Speicher, Montage "
              "und Wartung im großen Überblick | ZOE Solar")
SHORT_META = "Solaranlage: Preise pro kWp und Förderung auf einen Blick."
LONG_STILL_LONG = ("Eine Photovoltaik-Anlage auf Ihrem eigenen Dach senkt Ihre Stromkosten über "
                   "sehr viele Jahre hinweg spürbar, und ein Speicher hilft Ihnen am Abend und "
                   "auch in der Nacht.")
STILL_PASSIVE = "Die Anlage wird in zwei Tagen von Monteuren aufgebaut."


def words(sentence):
    return len(sentence.split())


def answer(mode, user):
    """The fake model's answer to the rewrite request."""
    if mode == "good":
        return {"title": TITLE, "meta": META,
                "sentences": [{"sentence": LONG, "rewrite": LONG_REWRITE},
                              {"sentence": PASSIVE, "rewrite": PASSIVE_REWRITE}]}
    if mode == "bad":
        return {"title": WIDE_TITLE, "meta": SHORT_META,
                "sentences": [{"sentence": LONG, "rewrite": LONG_STILL_LONG},
                              {"sentence": PASSIVE, "rewrite": STILL_PASSIVE},
                              {"sentence": "Wir planen jede Anlage passend zu Ihrem Dach und "
                                           "Ihrem Verbrauch.", "rewrite": "Wir planen jede Anlage."}]}
    if mode == "nokeyphrase":
        return {"title": "Kosten und Förderung | ZOE Solar", "meta": META.replace("Solaranlage", "Anlage")}
    if mode == "garbage":
        return "Hier ist Ihr Text ohne JSON."
    if mode == "oversized":
        return {"title": "Solaranlägé " * 200}
    return {"title": TITLE}


class LlmRewrites(LocalLlm, Common):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_llm(answer, "good")

    @classmethod
    def tearDownClass(cls):
        cls.stop_llm()
        super().tearDownClass()

    def setUp(self):
        self.page = doc("llm")
        self.analyze(self.page)

    def optimize_via(self, port, mode, body=None):
        self.server.mode, self.server.seen[:] = mode, []
        reply = fcgi_get(port, OPTIMIZE, method="POST", timeout=30,
                         body=json.dumps(body or {"url": self.page["url"]}).encode(),
                         headers={"HTTP_AUTHORIZATION": "Bearer " + self.editor})
        head, _, text = reply.partition("\r\n\r\n")
        self.assertIn("Status: 200", head, reply[:2000])
        j = json.loads(text)
        check_schema(self, "level4AiContentOptimize", j)
        return j

    def test_good_answer_kept_and_marked(self):
        j = self.optimize_via(self.port, "good")
        llm = j["llm"]
        self.assertEqual((llm["model"], llm["error"], llm["dropped"]), ("it-model-1", None, []))
        # what went out: the configured model and key, the keyphrase, the named sentences
        self.assertEqual(len(self.server.seen), 1)
        sent = self.server.seen[0]
        self.assertEqual((sent["path"], sent["auth"], sent["body"]["model"]),
                         ("/v1/chat/completions", "Bearer it-key", "it-model"))
        user = sent["body"]["messages"][1]["content"]
        self.assertIn("Keyphrase: Solaranlage\n", user)
        named = json.loads(re.search(r"Sätze \(JSON\): (.*)\nText:", user).group(1))
        self.assertIn(LONG, named)
        self.assertIn(PASSIVE, named)
        self.assertEqual([(t["title"], t["source"], t["model"]) for t in llm["title_candidates"]],
                         [(TITLE, "llm", "it-model-1")])
        self.assertLessEqual(llm["title_candidates"][0]["px"], 580)
        self.assertEqual([(m["description"], m["chars"], m["source"]) for m in llm["meta_candidates"]],
                         [(META, len(META), "llm")])
        self.assertTrue(120 <= len(META) <= 156)
        rewrites = {r["sentence"]: r for r in llm["sentence_rewrites"]}
        self.assertEqual(set(rewrites), {LONG, PASSIVE})
        self.assertEqual(rewrites[LONG]["rewrite"], LONG_REWRITE)
        self.assertEqual(rewrites[LONG]["max_words"], max(words(s) for s in LONG_REWRITE.split(". ")))
        self.assertEqual(rewrites[PASSIVE]["max_words"], words(PASSIVE_REWRITE))
        # the deterministic suggestions are those of the stack without a provider
        plain = post(OPTIMIZE, {"url": self.page["url"]}, token=self.editor).json
        self.assertIsNone(plain["llm"])
        self.assertEqual({k: v for k, v in j.items() if k != "llm"},
                         {k: v for k, v in plain.items() if k != "llm"})

    def test_failing_answers_dropped_with_the_reason(self):
        j = self.optimize_via(self.port, "bad")
        llm = j["llm"]
        self.assertIsNone(llm["error"])
        self.assertEqual((llm["title_candidates"], llm["meta_candidates"], llm["sentence_rewrites"]),
                         ([], [], []))
        why = {d["text"]: (d["field"], d["reason"]) for d in llm["dropped"]}
        self.assertEqual(len(why), 5, llm["dropped"])
        self.assertEqual(why[WIDE_TITLE][0], "title")
        self.assertRegex(why[WIDE_TITLE][1], r"^is \d+\.\d px wide, over 580 px$")
        self.assertGreater(float(why[WIDE_TITLE][1].split()[1]), 580)
        self.assertEqual(why[SHORT_META], ("meta", "has %d characters, not 120-156" % len(SHORT_META)))
        self.assertEqual(why[LONG_STILL_LONG], ("sentences", "holds a sentence of %d words (over 20)"
                                                % words(LONG_STILL_LONG)))
        self.assertEqual(why[STILL_PASSIVE], ("sentences", "is still passive: " + STILL_PASSIVE))
        self.assertEqual(why["Wir planen jede Anlage."][1],
                         "rewrites a sentence that is neither long nor passive here")
        # the same with a code and its figures, for the dashboard to word in German
        code = {d["text"]: (d["code"], d["params"]) for d in llm["dropped"]}
        self.assertEqual(code[SHORT_META], ("length", {"chars": len(SHORT_META), "min": 120,
                                                       "max": 156}))
        self.assertEqual(code[WIDE_TITLE][0], "too_wide")
        self.assertEqual(code[WIDE_TITLE][1]["max"], 580)
        self.assertEqual(code[LONG_STILL_LONG], ("long_sentence", {"words": words(LONG_STILL_LONG),
                                                                   "max": 20}))
        self.assertEqual(code[STILL_PASSIVE], ("still_passive", {"sentence": STILL_PASSIVE}))
        self.assertEqual(code["Wir planen jede Anlage."], ("not_listed", {}))

    def test_keyphrase_required(self):
        j = self.optimize_via(self.port, "nokeyphrase")
        why = {d["field"]: d["reason"] for d in j["llm"]["dropped"]}
        self.assertEqual(why, {"title": "does not hold the keyphrase",
                               "meta": "does not hold the keyphrase"})
        # another keyphrase sent: the checks use it, and so does the request
        j = self.optimize_via(self.port, "good", {"url": self.page["url"], "keyphrase": "Montage"})
        self.assertIn("Keyphrase: Montage\n", self.server.seen[0]["body"]["messages"][1]["content"])
        self.assertEqual([d["field"] for d in j["llm"]["dropped"]], ["title"])
        self.assertEqual(j["llm"]["meta_candidates"][0]["description"], META)

    def test_no_keyphrase_no_request(self):
        page = doc("llmnokp", keyphrase=None)
        del page["keyphrase"]
        self.analyze(page)
        j = self.optimize_via(self.port, "good", {"url": page["url"]})
        self.assertIsNone(j["keyphrase"])
        self.assertEqual(self.server.seen, [])
        self.assertEqual((j["llm"]["model"], j["llm"]["error"]),
                         (None, "no keyphrase: none is stored and none was sent"))
        self.assertIn("580 px", j["method"]["llm"])

    def test_oversized_suggestion_dropped_shortened(self):
        j = self.optimize_via(self.port, "oversized")
        [d] = j["llm"]["dropped"]
        self.assertEqual((d["field"], d["reason"]), ("title", "is not a plain title"))
        # echoed as far as 500 bytes, cut on a character boundary
        full = ("Solaranlägé " * 200).encode()
        self.assertEqual(d["text"].encode(), full[:len(d["text"].encode())])
        self.assertIn(len(d["text"].encode()), (499, 500))

    def test_provider_failures_reported(self):
        cases = [("status", "HTTP 500"), ("huge", "larger than 1048576 bytes"),
                 ("slow", "no complete answer within 1 s"),
                 ("garbage", "the answer is not {\"title\", \"meta\", \"sentences\"}")]
        for mode, why in cases:
            with self.subTest(mode=mode):
                started = time.monotonic()
                j = self.optimize_via(self.port, mode)
                self.assertIn(why, j["llm"]["error"])
                self.assertEqual((j["llm"]["title_candidates"], j["llm"]["dropped"]), ([], []))
                self.assertTrue(j["title_candidates"])          # the deterministic ones stay
                self.assertLess(time.monotonic() - started, 4.5)

    def test_outbound_guard_refuses_loopback_unless_allowed(self):
        port = free_port()
        pool = start_pool(port, ZOE_LLM_URL=self.url, ZOE_OUTBOUND_ALLOW="")
        try:
            j = self.optimize_via(port, "good")
            self.assertEqual(self.server.seen, [])
            self.assertIn("127.0.0.1", j["llm"]["error"])
            self.assertEqual(j["llm"]["title_candidates"], [])
            self.assertTrue(j["title_candidates"])
        finally:
            pool.terminate()
            pool.wait()


if __name__ == "__main__":
    unittest.main()
