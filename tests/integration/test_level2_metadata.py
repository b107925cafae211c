"""#9 POST /api/level2/data/optimize: the page metadata audit.

A crafted batch gets exactly the issues built into it (the title width is
computed here from analysis/titlewidth.c's Arial table), URL variants land on
one inventory row, the stored-inventory audit finds the defects built into the
demo pages (sql/demo/005_pages.sql), bad pages are named by index, and only
editors may run it. Every run uses its own host (it-<random>.example)."""
import os
import secrets
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from zoelib import RUN, get, is_problem, post, psql, psql_one, token_for

PATH = "/api/level2/data/optimize"

# Arial advance widths of U+0020..U+007E in font units (2048 per em), as in
# analysis/titlewidth.c; Google renders desktop titles at 20 px.
ASCII_UNITS = [
    569, 569, 727, 1139, 1139, 1821, 1366, 391, 682, 682, 797, 1196, 569, 682, 569, 569,
    1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139,
    569, 569, 1196, 1196, 1196, 1139, 2079,
    1366, 1366, 1479, 1479, 1366, 1251, 1593, 1479, 569, 1024, 1366, 1139, 1706,
    1479, 1593, 1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366, 1366, 1251,
    569, 569, 569, 961, 1139, 682,
    1139, 1139, 1024, 1139, 1139, 569, 1139, 1139, 455, 455, 1024, 455, 1706,
    1139, 1139, 1139, 1139, 682, 1024, 569, 1139, 1024, 1479, 1024, 1024, 1024,
    684, 532, 684, 1196,
]


def px(title):
    return sum(ASCII_UNITS[ord(c) - 32] for c in title) * 20.0 / 2048


def new_host():
    return "it-%s-%s.example" % (RUN, secrets.token_hex(3))


def clean_page(host, i):
    """A page without any issue: title 400-580 px, description 120-156 chars."""
    url = "https://%s/seite-%d" % (host, i)
    return {
        "url": url,
        "title": "Seite %d: Photovoltaik und Speicher fuer Ihr Gewerbe | Beispiel" % i,
        "meta_description": ("Testseite %d: Photovoltaik, Batteriespeicher und Wallbox fuer "
                             "Gewerbe und Privat, geplant und gebaut aus einer Hand in ganz "
                             "Deutschland." % i),
        "h1s": ["Photovoltaik fuer Ihr Gewerbe (%d)" % i],
        "canonical": url,
        "lang": "de",
        "word_count": 320,
    }


def checks_of(page):
    return sorted(i["check"] for i in page["issues"])


class MetadataAudit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")

    def audit(self, body):
        r = post(PATH, body, token=self.editor)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_clean_page_has_no_issue(self):
        p = clean_page(new_host(), 0)
        self.assertTrue(400 <= px(p["title"]) <= 580, px(p["title"]))
        self.assertTrue(120 <= len(p["meta_description"]) <= 156)
        j = self.audit({"pages": [p]})
        self.assertEqual(j["pages"][0]["issues"], [])
        self.assertEqual(j["pages"][0]["score"], 100)
        # the texts audited come back, so a reader sees what the measures are of
        self.assertEqual(j["pages"][0]["title"], p["title"])
        self.assertEqual(j["pages"][0]["meta_description"], p["meta_description"])

    def test_crafted_batch_exact_issues(self):
        host = new_host()
        pages = [clean_page(host, i) for i in range(6)]
        long_title = ("Photovoltaik fuer Gewerbebetriebe und Landwirtschaft mit Speicher, "
                      "Wallbox und Waermepumpe planen | Beispiel")
        self.assertGreater(px(long_title), 580)
        pages[0]["title"] = long_title
        dup = "Speicher und Wallbox fuer Ihr Eigenheim planen | Beispiel"
        self.assertTrue(400 <= px(dup) <= 580, px(dup))
        pages[1]["title"] = pages[2]["title"] = dup
        pages[3]["canonical"] = "https://%s/andere-seite" % host
        pages[4]["url"] = ("https://%s/tracking?utm_source=newsletter&utm_medium=email"
                           "&seite=2&fbclid=abc" % host)
        pages[4]["canonical"] = "https://%s/tracking?seite=2" % host
        pages[5]["h1s"] = []
        j = self.audit({"pages": pages})
        got = [checks_of(p) for p in j["pages"]]
        self.assertEqual(got, [["title_too_long"], ["title_duplicate"], ["title_duplicate"],
                               ["canonical_mismatch"], ["url_tracking_params"], ["h1_missing"]])
        # evidence and fixes
        long_issue = j["pages"][0]["issues"][0]
        self.assertEqual(long_issue["severity"], "warning")
        self.assertAlmostEqual(long_issue["evidence"]["px"], round(px(long_title), 1), places=1)
        self.assertEqual(long_issue["evidence"]["chars"], len(long_title))
        fix = long_issue["fix"]["value"]
        self.assertEqual(long_issue["fix"]["action"], "shorten_title")
        # without the brand still 927 px, the first clause 598 px: whole words
        # and an ellipsis, no "mit" before it
        self.assertEqual(fix, "Photovoltaik fuer Gewerbebetriebe und Landwirtschaft\u2026")
        self.assertLessEqual(px(fix[:-1]) + 20, 580)
        self.assertEqual(j["pages"][1]["issues"][0]["evidence"]["other_urls"],
                         ["https://%s/seite-2" % host])
        canon = j["pages"][3]["issues"][0]
        self.assertEqual(canon["fix"]["value"], "https://%s/seite-3" % host)
        self.assertEqual(canon["evidence"]["canonical"], "https://%s/andere-seite" % host)
        track = j["pages"][4]
        self.assertEqual(track["url_norm"], "https://%s/tracking?seite=2" % host)
        self.assertEqual(track["issues"][0]["evidence"]["parameters"], "utm_source,utm_medium,fbclid")
        self.assertEqual(track["issues"][0]["fix"]["value"], track["url_norm"])
        h1 = j["pages"][5]["issues"][0]
        self.assertEqual((h1["severity"], h1["fix"]["action"]), ("error", "add_h1"))
        self.assertEqual(h1["fix"]["value"], "Seite 5: Photovoltaik und Speicher fuer Ihr Gewerbe")
        for issue in (i for p in j["pages"] for i in p["issues"]):
            self.assertTrue(issue["message"] and issue["de"], issue)
        # scores and summary
        self.assertEqual([p["score"] for p in j["pages"]], [90, 90, 90, 90, 90, 75])
        s = j["summary"]
        self.assertEqual((s["pages"], s["issues"], s["pages_with_errors"]), (6, 6, 1))
        self.assertEqual(s["by_check"]["title_duplicate"], 2)
        self.assertEqual(s["by_severity"], {"error": 1, "warning": 5, "info": 0})
        self.assertEqual(j["inventory"], {"inserted": 6, "updated": 0})
        # stored: issues per row, the event in the same transaction
        rows = psql("SELECT url_norm, jsonb_array_length(issues), audited_at IS NOT NULL "
                    "FROM pages WHERE split_part(url_norm, '/', 3) = :'v1' ORDER BY url_norm", host)
        self.assertEqual(len(rows), 6)
        self.assertTrue(all(r[1] == "1" and r[2] == "t" for r in rows), rows)
        ev = psql("SELECT type, data->>'pages', data->>'inserted' FROM event_log WHERE id = :'v1'",
                  j["event_id"])
        self.assertEqual(ev, [["audit.completed", "6", "6"]])

    def test_shortened_title_keeps_the_sentence(self):
        """The brand suffix goes first, then the clauses after a boundary;
        the words that carry the meaning stay."""
        host = new_host()
        cases = [
            ("EEG 2024: Was sich f\u00fcr gewerbliche PV-Anlagen \u00e4ndert | ZOE Solar",
             "EEG 2024: Was sich f\u00fcr gewerbliche PV-Anlagen \u00e4ndert"),
            ("W\u00e4rmepumpe und Photovoltaik kombinieren \u2013 so funktioniert die "
             "Kopplung im Einfamilienhaus | ZOE Solar",
             "W\u00e4rmepumpe und Photovoltaik kombinieren"),
            ("Was kostet eine Photovoltaikanlage 2024? Preise, F\u00f6rderung und "
             "Amortisation im \u00dcberblick | ZOE Solar",
             "Was kostet eine Photovoltaikanlage 2024?"),
        ]
        pages = []
        for i, (title, _) in enumerate(cases):
            p = clean_page(host, i)
            p["title"] = title
            pages.append(p)
        j = self.audit({"pages": pages})
        for (title, want), page in zip(cases, j["pages"]):
            issues = {i["check"]: i for i in page["issues"]}
            self.assertEqual(list(issues), ["title_too_long"], title)
            self.assertGreater(issues["title_too_long"]["evidence"]["px"], 580)
            self.assertEqual(issues["title_too_long"]["fix"]["value"], want)

    def test_duplicates_against_stored_pages(self):
        host = new_host()
        first = clean_page(host, 1)
        self.audit({"pages": [first]})
        second = clean_page(host, 2)
        second["meta_description"] = first["meta_description"]
        j = self.audit({"pages": [second]})
        self.assertEqual(checks_of(j["pages"][0]), ["description_duplicate"])
        self.assertEqual(j["pages"][0]["issues"][0]["evidence"]["other_urls"], [first["url"]])

    def test_upsert_variants_land_on_one_row(self):
        host = new_host()
        base = "https://%s/Produkt" % host
        p = clean_page(host, 7)
        p.update(url=base + "?utm_campaign=herbst&gclid=x#oben", canonical=base, word_count=90)
        j = self.audit({"pages": [p]})
        self.assertEqual(j["inventory"], {"inserted": 1, "updated": 0})
        self.assertEqual(j["pages"][0]["url_norm"], base)
        self.assertEqual(checks_of(j["pages"][0]),
                         ["thin_content", "url_tracking_params", "url_uppercase"])
        upper = [i for i in j["pages"][0]["issues"] if i["check"] == "url_uppercase"][0]
        self.assertEqual(upper["fix"]["value"], "https://%s/produkt" % host)
        # the fragment variant and the clean URL, in one batch and again later
        q = dict(p, url=base + "#details", title="Produkt neu | Beispiel")
        q.pop("word_count")
        j = self.audit({"pages": [q, dict(q, url=base)]})
        self.assertEqual(j["inventory"], {"inserted": 0, "updated": 1})
        self.assertEqual(len(j["pages"]), 2)
        rows = psql("SELECT url, title, word_count, h1s FROM pages WHERE url_norm = :'v1'", base)
        self.assertEqual(rows, [[base, "Produkt neu | Beispiel", "90",
                                 '{"Photovoltaik fuer Ihr Gewerbe (7)"}']])
        # word_count kept from the stored row when not sent: still thin
        self.assertIn("thin_content", checks_of(j["pages"][1]))

    def test_stored_inventory_finds_demo_defects(self):
        j = self.audit({"stored": True, "host": "zoe-solar.de"})
        self.assertEqual(j["mode"], "stored")
        found = {}
        for p in j["pages"]:
            path = p["url_norm"][len("https://zoe-solar.de"):]
            for i in p["issues"]:
                found.setdefault(i["check"], set()).add(path)
        expect = {
            "description_missing": {"/wartung-service", "/standorte/koeln", "/karriere"},
            "title_too_long": {"/agri-pv", "/standorte/muenchen",
                               "/ratgeber/pv-anlage-gewerbe-steuer"},
            "title_duplicate": {"/standorte/berlin", "/standorte/potsdam"},
            "description_duplicate": {"/wallbox", "/pv-carport"},
            "h1_missing": {"/referenzen", "/ratgeber/netzbetreiber-anmeldung"},
            "h1_multiple": {"/waermepumpe"},
            "canonical_mismatch": {"/photovoltaik-privat"},
            "thin_content": {"/standorte/frankfurt"},
        }
        demo = set(psql_one("SELECT string_agg(path, ' ') FROM pages p JOIN sites s "
                            "ON s.id = p.site_id WHERE s.domain = 'zoe-solar.de' "
                            "AND p.page_group IS NOT NULL").split())
        self.assertGreaterEqual(len(demo), 36)
        for check, paths in expect.items():
            self.assertEqual(found.get(check, set()) & demo, paths, check)
        # legal pages are short on purpose: not thin
        self.assertNotIn("/impressum", found.get("thin_content", set()))
        self.assertGreaterEqual(j["summary"]["pages"], 36)
        self.assertGreaterEqual(j["inventory"]["updated"], 36)
        self.assertEqual(psql_one("SELECT count(*) FROM pages WHERE url_norm = "
                                  "'https://zoe-solar.de/agri-pv' AND audited_at IS NOT NULL "
                                  "AND issues @> '[{\"check\": \"title_too_long\"}]'"), "1")

    def test_422_names_the_bad_page_and_stores_nothing(self):
        host = new_host()
        pages = [clean_page(host, i) for i in range(5)]
        pages[3]["url"] = "/relative"
        pages[4]["h1s"] = ["ok", 7]
        r = post(PATH, {"pages": pages}, token=self.editor)
        p = is_problem(self, r, 422)
        self.assertEqual(sorted(e["field"] for e in p["errors"]),
                         ["pages[3].url", "pages[4].h1s[1]"])
        r = post(PATH, pages, token=self.editor)        # a bare array
        fields = [e["field"] for e in is_problem(self, r, 422)["errors"]]
        self.assertIn("[3].url", fields)
        self.assertEqual(psql_one("SELECT count(*) FROM pages WHERE split_part(url_norm, '/', 3)"
                                  " = :'v1'", host), "0")
        for body in ({"pages": []}, {"pages": [clean_page(host, 0)] * 501},
                     {"pages": [clean_page(host, 0)], "stored": True}, {"stored": False},
                     {"pages": "x"}, 7):
            is_problem(self, post(PATH, body, token=self.editor), 422 if body != 7 else 400)

    def test_viewer_reads_the_stored_audit_without_writing(self):
        # GET: the same checks over the stored inventory, for every role, read only
        posted = self.audit({"stored": True, "host": "zoe-solar.de"})
        events = psql_one("SELECT count(*) FROM event_log WHERE type = 'audit.completed'")
        r = get(PATH + "?host=zoe-solar.de", token=token_for("viewer"))
        self.assertEqual(r.status, 200, r)
        j = r.json
        self.assertEqual(j["mode"], "stored")
        self.assertNotIn("inventory", j)
        self.assertEqual(j["summary"], posted["summary"])
        by_url = {p["url_norm"]: p for p in j["pages"]}
        agri = by_url["https://zoe-solar.de/agri-pv"]
        self.assertEqual([i["check"] for i in agri["issues"]], ["title_too_long"])
        self.assertTrue(agri["title"].startswith("Agri-PV: Photovoltaik"))
        self.assertGreater(agri["measures"]["title_px"], 580)
        self.assertEqual(psql_one("SELECT count(*) FROM event_log WHERE type = 'audit.completed'"),
                         events)
        is_problem(self, get(PATH), 401)
        p = is_problem(self, get(PATH + "?host=" + "x" * 300, token=token_for("viewer")), 422)
        self.assertEqual([e["field"] for e in p["errors"]], ["host"])

    def test_roles(self):
        is_problem(self, post(PATH, {}), 401)
        for role in ("viewer", "analyst"):
            is_problem(self, post(PATH, {}, token=token_for(role)), 403)


if __name__ == "__main__":
    unittest.main()
