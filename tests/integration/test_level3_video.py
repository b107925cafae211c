"""#18 POST /api/level3/multimodal/video and #19 GET .../video-report.

Every test audits videos on pages of its own site ("it<run><tag>.example.org")
and reads the report with ?site=, so other runs and tests never interfere.
"""
import base64
import datetime
import json
import os
import unittest

from zoelib import RUN, get, is_problem, post, psql, psql_one, token_for

VIDEO = "/api/level3/multimodal/video"
REPORT = "/api/level3/multimodal/video-report"
SCHEMAS = os.path.join(os.path.dirname(__file__), "../../handlers/schemas")


def site(tag):
    return "it%s%s.example.org" % (RUN, tag)


def check_schema(case, name, doc):
    try:
        import jsonschema
    except ImportError:        # the contract test validates every reply as well
        return
    with open(os.path.join(SCHEMAS, name + ".json"), encoding="utf-8") as f:
        jsonschema.validate(doc, json.load(f))


def full(tag, path="/ratgeber/balkonkraftwerk", **over):
    """A video with every property Google wants."""
    v = {"url": "https://www.%s%s?utm_source=x" % (site(tag), path),
         "name": "Balkonkraftwerk montieren: Schritt für Schritt",
         "description": "Wie Sie Halterung, Module und Wechselrichter eines Balkonkraftwerks "
                        "sicher montieren und anschließen.",
         "thumbnail_url": ["https://%s/t/16x9.jpg" % site(tag), "https://%s/t/4x3.jpg" % site(tag)],
         "upload_date": "2025-04-02T09:00:00+02:00", "duration": 580,
         "content_url": "https://cdn.%s/v/bkw.mp4" % site(tag),
         "seek_url_template": "https://%s%s?t={seek_to_second_number}" % (site(tag), path),
         "transcript": "Heute zeigen wir, wie ein Balkonkraftwerk montiert wird.",
         "chapters": [{"name": "Halterung", "start": 0}, {"name": "Module", "start": "2:10"},
                      {"name": "Stecker", "start": "0:06:45", "end": 560}]}
    v.update(over)
    return v


def fields(case, r):
    return sorted(e["field"] for e in is_problem(case, r, 422)["errors"])


class Common(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.analyst = token_for("analyst")
        cls.viewer = token_for("viewer")

    def audit(self, body):
        r = post(VIDEO, body, token=self.editor)
        self.assertEqual(r.status, 200, r)
        check_schema(self, "level3MultimodalVideo", r.json)
        return r.json

    def report(self, s, query=""):
        r = get(REPORT + "?site=" + s + query, token=self.viewer)
        self.assertEqual(r.status, 200, r)
        check_schema(self, "level3MultimodalVideoReport", r.json)
        return r.json


class Complete(Common):
    def test_everything_present(self):
        j = self.audit(full("full"))
        self.assertEqual(j["score"], 100)
        self.assertTrue(j["eligible"])
        self.assertEqual(j["missing_required"], [])
        self.assertEqual(j["missing_recommended"], [])
        self.assertEqual(j["issues"], [])
        self.assertEqual(j["errors"], [])
        self.assertEqual(j["warnings"], [])
        self.assertEqual(j["status"], "inserted")
        self.assertEqual(j["site"], site("full"))
        self.assertEqual(j["duration_seconds"], 580)
        self.assertEqual(j["chapters"], 3)
        ld = j["jsonld"]
        self.assertEqual((ld["@context"], ld["@type"]), ("https://schema.org", "VideoObject"))
        self.assertEqual(ld["duration"], "PT9M40S")
        self.assertEqual(ld["uploadDate"], "2025-04-02T09:00:00+02:00")
        self.assertEqual(len(ld["thumbnailUrl"]), 2)
        base = "https://%s/ratgeber/balkonkraftwerk?t=" % site("full")
        self.assertEqual(ld["hasPart"], [
            {"@type": "Clip", "name": "Halterung", "startOffset": 0, "endOffset": 130,
             "url": base + "0"},
            {"@type": "Clip", "name": "Module", "startOffset": 130, "endOffset": 405,
             "url": base + "130"},
            {"@type": "Clip", "name": "Stecker", "startOffset": 405, "endOffset": 560,
             "url": base + "405"}])
        self.assertNotIn("potentialAction", ld)       # Clips given: no SeekToAction
        # stored as sent, keyed by the normalised content URL
        row = psql("SELECT score, eligible, duration_seconds, chapters, video_key, url_norm,"
                   " jsonld->>'duration', jsonb_array_length(issues) FROM videos WHERE site = :'v1'",
                   site("full"))
        self.assertEqual(row, [["100", "t", "580", "3", "https://cdn.%s/v/bkw.mp4" % site("full"),
                                "https://www.%s/ratgeber/balkonkraftwerk" % site("full"),
                                "PT9M40S", "0"]])

    def test_regions_and_family_friendly(self):
        j = self.audit(full("reg", regions_allowed="DE, AT CH", family_friendly=True))
        self.assertEqual((j["jsonld"]["regionsAllowed"], j["jsonld"]["isFamilyFriendly"]),
                         ("DE AT CH", True))
        j = self.audit(full("reg", regions_allowed=["DE"], family_friendly=False))
        self.assertEqual((j["jsonld"]["regionsAllowed"], j["jsonld"]["isFamilyFriendly"]),
                         ("DE", False))
        self.assertEqual(j["status"], "updated")

    def test_idempotency_key_replays(self):
        body, key = full("idem"), "it-video-" + RUN
        first = post(VIDEO, body, token=self.editor, headers={"Idempotency-Key": key})
        again = post(VIDEO, body, token=self.editor, headers={"Idempotency-Key": key})
        self.assertEqual((first.status, again.status), (200, 200))
        self.assertEqual(again.json, first.json)          # the first answer, replayed
        self.assertEqual(again.json["status"], "inserted")
        self.assertEqual(psql_one("SELECT count(*) FROM event_log WHERE type = 'video.audited'"
                                  " AND data->>'site' = :'v1'", site("idem")), "1")

    def test_upsert(self):
        body = full("ups")
        first = self.audit(body)
        self.assertEqual(first["status"], "inserted")
        again = self.audit(body)
        self.assertEqual(again["status"], "unchanged")
        self.assertEqual(again["id"], first["id"])
        body["name"] = "Balkonkraftwerk in 10 Minuten montieren"
        changed = self.audit(body)
        self.assertEqual((changed["status"], changed["id"]), ("updated", first["id"]))
        self.assertEqual(psql("SELECT count(*), min(name) FROM videos WHERE site = :'v1'",
                              site("ups")), [["1", body["name"]]])
        # one event per change, none for the unchanged resend
        self.assertEqual(psql_one("SELECT count(*) FROM event_log WHERE type = 'video.audited'"
                                  " AND data->>'site' = :'v1'", site("ups")), "2")
        # a second video on the same page is a row of its own
        self.audit(dict(body, content_url="https://cdn.%s/v/other.mp4" % site("ups")))
        self.assertEqual(psql_one("SELECT count(*) FROM videos WHERE site = :'v1'", site("ups")), "2")

    def test_durations_normalised(self):
        for sent, iso, secs in (("PT90S", "PT1M30S", 90), ("P1DT2H", "PT26H", 93600),
                                (245.5, "PT4M5.5S", 245.5), ("PT00H30M05S", "PT30M5S", 1805)):
            j = self.audit(full("dur", chapters=None, duration=sent))
            self.assertEqual(j["jsonld"]["duration"], iso, sent)
            self.assertEqual(j["duration_seconds"], secs)

    def test_seek_to_action_without_chapters(self):
        j = self.audit(full("seek", chapters=None))
        pa = j["jsonld"]["potentialAction"]
        self.assertEqual(pa["@type"], "SeekToAction")
        self.assertEqual(pa["target"], full("seek")["seek_url_template"])
        self.assertEqual(pa["startOffset-input"], "required name=seek_to_second_number")
        self.assertNotIn("hasPart", j["jsonld"])
        self.assertEqual(j["score"], 100)
        self.assertEqual(j["errors"], [])

    def test_clip_urls_from_content_url(self):
        j = self.audit(full("curl", seek_url_template=None,
                            content_url="https://cdn.%s/v.mp4?q=hd#x" % site("curl")))
        self.assertEqual([c["url"] for c in j["jsonld"]["hasPart"]],
                         ["https://cdn.%s/v.mp4?q=hd&t=%d" % (site("curl"), s)
                          for s in (0, 130, 405)])
        j = self.audit(full("curl", path="/b", seek_url_template=None))
        self.assertEqual(j["jsonld"]["hasPart"][1]["url"],
                         "https://cdn.%s/v/bkw.mp4?t=130" % site("curl"))

    def test_chapters_without_url(self):
        j = self.audit(full("nourl", seek_url_template=None, content_url=None,
                            embed_url="https://www.youtube.com/embed/abc"))
        self.assertNotIn("hasPart", j["jsonld"])
        self.assertEqual(j["missing_recommended"], ["hasPart|potentialAction"])
        codes = [i["code"] for i in j["issues"]]
        self.assertEqual(codes, ["missing_key_moments", "clip_url_unknown"])
        self.assertEqual(j["score"], 90)
        self.assertTrue(j["eligible"])


class Missing(Common):
    def test_required_missing(self):
        desc = "Eine Anleitung für die Montage eines Balkonkraftwerks auf dem Balkon."
        j = self.audit({"url": "https://%s/v" % site("req"), "description": desc})
        self.assertFalse(j["eligible"])
        self.assertEqual(j["missing_required"], ["name", "thumbnailUrl", "uploadDate"])
        self.assertEqual(j["missing_recommended"],
                         ["duration", "contentUrl|embedUrl", "hasPart|potentialAction"])
        self.assertEqual(j["score"], 10)          # description only
        issues = {i["code"]: i for i in j["issues"]}
        self.assertEqual(issues["missing_name"]["severity"], "error")
        self.assertEqual(issues["missing_thumbnail"]["field"], "thumbnail_url")
        self.assertEqual(issues["missing_duration"]["severity"], "warning")
        self.assertEqual(issues["transcript_missing"]["severity"], "info")
        self.assertIn("jsonld_invalid", issues)
        msgs = [(e["path"], e["message"]) for e in j["errors"]]
        for prop in ("name", "thumbnailUrl", "uploadDate"):
            self.assertIn(("$", "missing required property '%s'" % prop), msgs)
        self.assertEqual(psql_one("SELECT eligible FROM videos WHERE site = :'v1'", site("req")), "f")

    def test_quality_findings(self):
        j = self.audit(full("qual", description="Kurzes Video", name="Kurzes Video",
                            transcript=None))
        codes = [i["code"] for i in j["issues"]]
        self.assertEqual(codes, ["description_short", "description_is_name", "transcript_missing"])
        self.assertEqual(j["score"], 90)
        self.assertEqual(j["method"]["deductions"]["description_short"], 5)
        self.assertEqual(sum(j["method"]["weights"].values()), 100)

    def test_expired(self):
        j = self.audit(full("exp", expires="2025-01-01T00:00:00Z"))
        self.assertFalse(j["eligible"])
        self.assertEqual(j["score"], 80)
        self.assertEqual(j["issues"][0]["code"], "expired")
        j = self.audit(full("exp", path="/later", expires="2099-01-01"))
        self.assertTrue(j["eligible"])
        self.assertEqual(j["jsonld"]["expires"], "2099-01-01")


class BadInput(Common):
    def assertNothingStored(self, s):
        self.assertEqual(psql_one("SELECT count(*) FROM videos WHERE site = :'v1'", s), "0")

    def test_every_bad_field_named(self):
        tomorrow = (datetime.datetime.now(datetime.timezone.utc) +
                    datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = full("bad", duration="12:30", upload_date=tomorrow,
                    thumbnail_url=["https://%s/a.jpg" % site("bad"), "/b.jpg"],
                    content_url="ftp://x", seek_url_template="https://%s/v?t=1" % site("bad"),
                    regions_allowed=["DE", "at"], family_friendly="ja",
                    chapters=[{"start": 0}, {"name": "B", "start": "1:75"},
                              {"name": "C", "start": 30, "end": "x"}])
        r = post(VIDEO, body, token=self.editor)
        self.assertEqual(fields(self, r), [
            "chapters[0].name", "chapters[1].start", "chapters[2].end", "content_url",
            "duration", "family_friendly", "regions_allowed", "seek_url_template",
            "thumbnail_url[1]", "upload_date"])
        errs = {e["field"]: e["message"] for e in r.json["errors"]}
        self.assertIn("PT12M30S", errs["duration"])
        self.assertIn("future", errs["upload_date"])
        self.assertIn("{seek_to_second_number}", errs["seek_url_template"])
        self.assertNothingStored(site("bad"))

    def test_chapter_rules(self):
        cases = [
            ([{"name": "A", "start": 0}], ["chapters"]),                         # one chapter
            ([{"name": "A", "start": 0, "end": 60}, {"name": "B", "start": 50}],
             ["chapters[1].start"]),                                             # overlap
            ([{"name": "A", "start": 60}, {"name": "B", "start": 30}],
             ["chapters[1].start"]),                                             # unsorted
            ([{"name": "A", "start": 0}, {"name": "A2", "start": 0}],
             ["chapters[1].start"]),                                             # same start
            ([{"name": "A", "start": 10, "end": 5}, {"name": "B", "start": 20}],
             ["chapters[0].end"]),                                               # end < start
            ([{"name": "A", "start": 0}, {"name": "B", "start": "9:50"}],
             ["chapters[1].start"]),                                             # beyond 580 s
            ([{"name": "A", "start": 0}, {"name": "B", "start": 30, "end": 600}],
             ["chapters[1].end"]),                                               # ends beyond
            ([{"name": " ", "start": 0}, {"name": "B", "start": 30}],
             ["chapters[0].name"]),                                              # blank name
            ([{"name": "A", "start": -1}, {"name": "B", "start": 30}],
             ["chapters[0].start"]),
            ([{"name": "A", "start": 0}, "B"], ["chapters[1]"]),
        ]
        for chapters, want in cases:
            r = post(VIDEO, full("chap", chapters=chapters), token=self.editor)
            self.assertEqual(fields(self, r), want, chapters)
        self.assertNothingStored(site("chap"))

    def test_dates_and_urls(self):
        for over, want in (({"upload_date": "2025-04-02T09:00:00"}, ["upload_date"]),   # no zone
                           ({"upload_date": "02.04.2025"}, ["upload_date"]),
                           ({"upload_date": "2025-02-29"}, ["upload_date"]),
                           ({"expires": "bald"}, ["expires"]),
                           ({"duration": "P1M"}, ["duration"]),          # months: no fixed length
                           ({"duration": -5}, ["duration"]),
                           ({"duration": True}, ["duration"]),
                           ({"thumbnail_url": 5}, ["thumbnail_url"]),
                           ({"url": "zoe-solar.de/video"}, ["url"]),
                           ({"url": None}, ["url"]),
                           ({"embed_url": "https://"}, ["embed_url"]),
                           ({"chapters": "0:00 Intro"}, ["chapters"])):
            r = post(VIDEO, full("dates", **over), token=self.editor)
            self.assertEqual(fields(self, r), want, over)
        self.assertNothingStored(site("dates"))
        # a date, a date-time in UTC and one with an offset are all fine
        for d in ("2025-04-02", "2025-04-02T07:00:00Z", "2025-04-02T09:00+0200"):
            self.assertEqual(self.audit(full("dates", upload_date=d))["jsonld"]["uploadDate"], d)

    def test_malformed_json(self):
        r = post(VIDEO, raw=b'{"url": ', token=self.editor,
                 headers={"Content-Type": "application/json"})
        is_problem(self, r, 400)


class Roles(Common):
    def test_roles(self):
        body = full("roles")
        is_problem(self, post(VIDEO, body), 401)
        is_problem(self, post(VIDEO, body, token="not.a.jwt"), 401)
        is_problem(self, post(VIDEO, body, token=self.viewer), 403)
        is_problem(self, post(VIDEO, body, token=self.analyst), 403)
        is_problem(self, get(REPORT), 401)
        self.assertEqual(get(REPORT + "?site=" + site("roles"), token=self.viewer).status, 200)
        self.assertEqual(psql_one("SELECT count(*) FROM videos WHERE site = :'v1'",
                                  site("roles")), "0")


class Report(Common):
    SITE = site("rep")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls()
        t.audit(full("rep", path="/a"))                                        # 100, eligible
        t.audit(full("rep", path="/b", transcript=None, chapters=None,
                     seek_url_template=None))                                   # 90, eligible
        t.audit({"url": "https://%s/c" % cls.SITE, "name": "Ohne Bild",
                 "upload_date": "2024-01-01"})                                 # 40, not eligible
        t.audit(full("rep", path="/d", expires="2024-12-31"))                   # 80, not eligible

    def test_figures_equal_sql(self):
        j = self.report(self.SITE)
        n, eligible, mean = psql("SELECT count(*), count(*) FILTER (WHERE eligible),"
                                 " round(avg(score), 2) FROM videos WHERE site = :'v1'",
                                 self.SITE)[0]
        self.assertEqual((j["n"], j["eligible"]), (int(n), int(eligible)))
        self.assertEqual((j["n"], j["eligible"]), (4, 2))
        self.assertAlmostEqual(j["mean_score"], float(mean))
        self.assertAlmostEqual(j["mean_score"], (100 + 90 + 40 + 80) / 4)
        top = psql("SELECT i->>'code', count(DISTINCT v.id) FROM videos v,"
                   " jsonb_array_elements(v.issues) i WHERE site = :'v1' GROUP BY 1"
                   " ORDER BY 2 DESC, 1", self.SITE)
        self.assertEqual([[t["code"], str(t["count"])] for t in j["top_issues"]], top)
        self.assertIn({"code": "transcript_missing", "count": 2}, j["top_issues"])
        self.assertIn({"code": "expired", "count": 1}, j["top_issues"])
        # worst first: ineligible before eligible, then the lowest score
        self.assertEqual([(i["score"], i["eligible"]) for i in j["items"]],
                         [(40, False), (80, False), (90, True), (100, True)])
        rows = psql("SELECT id, url, name, score, chapters, duration_seconds FROM videos"
                    " WHERE site = :'v1' ORDER BY eligible, score, id", self.SITE)
        self.assertEqual([[str(i["id"]), i["url"], i["name"] or "", str(i["score"]),
                           str(i["chapters"]),
                           "" if i["duration_seconds"] is None else "%g" % i["duration_seconds"]]
                          for i in j["items"]], rows)
        first = j["items"][0]
        self.assertEqual(first["issues"][:2], ["missing_thumbnail", "missing_description"])
        self.assertRegex(first["analysed_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIsNone(j["next_cursor"])

    def test_pages(self):
        seen, cursor = [], None
        for _ in range(4):
            j = self.report(self.SITE, "&limit=1" + ("&cursor=" + cursor if cursor else ""))
            self.assertEqual(len(j["items"]), 1)
            seen.append(j["items"][0]["url"])
            cursor = j["next_cursor"]
        self.assertIsNone(cursor)
        self.assertEqual(seen, [i["url"] for i in self.report(self.SITE)["items"]])
        j = self.report(self.SITE, "&limit=3")
        self.assertEqual(len(j["items"]), 3)
        self.assertIsNotNone(j["next_cursor"])

    def test_bad_query(self):
        forged = base64.urlsafe_b64encode(b"offset:3").decode().rstrip("=")
        for q, want in (("limit=0", ["limit"]), ("limit=501", ["limit"]), ("limit=x", ["limit"]),
                        ("cursor=" + forged, ["cursor"]), ("cursor=%%%%", ["cursor"]),
                        ("site=a/b", ["site"])):
            r = get(REPORT + "?" + q, token=self.viewer)
            self.assertEqual(fields(self, r), want, q)

    def test_empty(self):
        j = self.report(site("none"))
        self.assertEqual((j["n"], j["eligible"], j["mean_score"], j["top_issues"], j["items"]),
                         (0, 0, None, [], []))

    def test_cached_until_a_write(self):
        self.report(self.SITE)
        r = get(REPORT + "?site=" + self.SITE, token=self.viewer)
        self.assertEqual(r.headers.get("X-Cache"), "hit")
        before = r.json["n"]
        self.audit(full("rep", path="/e"))
        r = get(REPORT + "?site=" + self.SITE, token=self.viewer)
        self.assertEqual(r.headers.get("X-Cache"), "miss")
        self.assertEqual(r.json["n"], before + 1)
        psql("DELETE FROM videos WHERE site = :'v1' AND url_norm LIKE '%/e'", self.SITE)
        r = get(REPORT + "?site=" + self.SITE, token=self.viewer)
        self.assertEqual((r.headers.get("X-Cache"), r.json["n"]), ("miss", before))


if __name__ == "__main__":
    unittest.main()
