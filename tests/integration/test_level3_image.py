"""#16 POST /api/level3/multimodal/image and #17 GET /api/level3/multimodal/image-report.

Real files (tests/data/images: PNG, JPEG and GIF shipped by Debian, a WebP from
CPython's test data): format and pixel size must equal ImageMagick's `identify`
(pinned below; checked against `identify` itself when it is installed). Every
test uses URLs of its own run, so reruns and other tests never collide; the
report is compared with independent SQL over the whole table.
"""
import base64
import math
import os
import shutil
import subprocess
import unittest

from zoelib import RUN, ROOT, get, is_problem, post, psql, psql_one, token_for

IMAGE = "/api/level3/multimodal/image"
REPORT = "/api/level3/multimodal/image-report"
DATA = os.path.join(ROOT, "tests", "data", "images")

# name, format, width, height as `identify` reports them
FILES = [
    ("git-logo.png", "png", 72, 27),
    ("rickshaw-colors.png", "png", 300, 162),
    ("r-up.jpg", "jpeg", 40, 40),
    ("node-stripe.jpg", "jpeg", 493, 58),
    ("libxslt-node.gif", "gif", 460, 497),
    ("python.webp", "webp", 16, 16),
]


def raw(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def b64(data):
    return base64.b64encode(data).decode("ascii")


def url(tag):
    return "https://img-%s.example/bilder/%s" % (RUN, tag)


def rows_for(u):
    return int(psql_one("SELECT count(*) FROM images WHERE url = :'v1'", u))


class Common(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.viewer = token_for("viewer")

    def audit(self, body, status=200):
        r = post(IMAGE, body, token=self.editor)
        self.assertEqual(r.status, status, r)
        return r.json

    def codes(self, j):
        return [i["code"] for i in j["issues"]]


class RealFiles(Common):
    def test_identify_agrees_with_the_pinned_sizes(self):
        if not shutil.which("identify"):
            self.skipTest("ImageMagick not installed (scripts/dev test installs it)")
        for name, fmt, w, h in FILES:
            out = subprocess.run(["identify", "-format", "%m %w %h\n",
                                  os.path.join(DATA, name)], capture_output=True, text=True,
                                 check=True).stdout.split("\n")[0].split()
            self.assertEqual((out[0].lower().replace("jpg", "jpeg"), int(out[1]), int(out[2])),
                             (fmt, w, h), name)

    def test_format_and_size_come_from_the_bytes(self):
        for name, fmt, w, h in FILES:
            data = raw(name)
            # declared values that lie: the bytes win
            j = self.audit({"url": url("real/" + name), "alt": "Testbild " + name,
                            "bytes": b64(data), "file_size": 1})
            self.assertEqual((j["format"], j["width"], j["height"], j["file_size"]),
                             (fmt, w, h, len(data)), name)
            self.assertTrue(j["measured"])
            self.assertEqual(j["format_source"], "bytes")
            self.assertIn("declared_size_mismatch", self.codes(j))
            markup = j["jsonld"]["markup"]
            self.assertEqual(markup["encodingFormat"], "image/" + fmt)
            self.assertEqual((markup["width"]["value"], markup["height"]["value"]), (w, h))
            stored = psql("SELECT format, width, height, file_size FROM images WHERE url = :'v1'",
                          j["url_normalised"])
            self.assertEqual(stored, [[fmt, str(w), str(h), str(len(data))]])

    def test_wrapped_base64_is_accepted(self):
        data = raw("r-up.jpg")
        enc = b64(data)
        wrapped = "\n".join(enc[i:i + 76] for i in range(0, len(enc), 76))
        j = self.audit({"url": url("wrapped.jpg"), "alt": "Pfeil nach oben", "bytes": wrapped})
        self.assertEqual((j["width"], j["height"], j["file_size"]), (40, 40, len(data)))

    def test_exact_savings_and_score(self):
        """rickshaw-colors.png: a 16-bit PNG of 162222 bytes, 300x162, shown at 100 px."""
        data = raw("rickshaw-colors.png")
        j = self.audit({"url": url("IMG_1234.png"), "alt": "Bild von Farbverläufen",
                        "bytes": b64(data), "displayed_width": 100})
        size, px = len(data), 300 * 162
        bpp = size / px
        shares = {"legacy_format": 0.5, "heavy": 1 - 1.0 / bpp, "oversized": 1 - (200 / 300) ** 2}
        issues = {i["code"]: i for i in j["issues"]}
        for code, share in shares.items():
            self.assertEqual(issues[code]["savings_bytes"], round(size * share), code)
        left = math.prod(1 - s for s in shares.values())
        self.assertEqual(j["savings_bytes"], round(size * (1 - left)))
        self.assertLess(j["savings_bytes"], sum(i["savings_bytes"] for i in issues.values()
                                                if "savings_bytes" in i))
        self.assertEqual(set(issues), {"alt_redundant_prefix", "filename_not_descriptive",
                                       "legacy_format", "heavy", "oversized",
                                       "license_missing", "creator_missing"})
        self.assertEqual(j["score"], 100 - 5 - 10 - 10 - 15 - 15 - 5 - 5)
        self.assertAlmostEqual(j["bytes_per_pixel"], round(bpp, 4))
        self.assertEqual([w["code"] for w in j["errors"]], [])
        self.assertIn("filename_not_descriptive", [w["code"] for w in j["warnings"]])


class Metadata(Common):
    def test_without_bytes_extension_and_declared_sizes(self):
        j = self.audit({"url": url("dach/solarmodule-montage.jpg?utm_source=x"),
                        "alt": "Monteur setzt Solarmodule auf ein Ziegeldach",
                        "width": 4000, "height": 3000, "file_size": 6000000,
                        "displayed_width": 800, "license": "https://zoe-solar.de/lizenz",
                        "creator": "ZOE Solar", "creator_type": "Organization",
                        "acquire_license_page": "https://zoe-solar.de/kontakt",
                        "caption": "Montage in Potsdam", "title": "Solarmontage",
                        "page_url": "https://zoe-solar.de/photovoltaik"})
        self.assertFalse(j["measured"])
        self.assertEqual((j["format"], j["format_source"]), ("jpeg", "extension"))
        self.assertEqual(j["filename"], "solarmodule-montage.jpg")
        self.assertEqual(j["url_normalised"], url("dach/solarmodule-montage.jpg"))
        self.assertEqual(sorted(self.codes(j)), ["legacy_format", "oversized"])
        # 0.5 B/px is not above the JPEG threshold; 1 - 0.7 * (1600/4000)^2
        self.assertEqual(j["savings_bytes"], round(6000000 * (1 - 0.7 * 0.16)))
        self.assertEqual(j["score"], 75)
        m = j["jsonld"]["markup"]
        self.assertEqual(m["@type"], "ImageObject")
        self.assertEqual(m["contentUrl"], url("dach/solarmodule-montage.jpg"))
        self.assertEqual(m["creator"], {"@type": "Organization", "name": "ZOE Solar"})
        self.assertEqual((m["license"], m["acquireLicensePage"], m["caption"], m["name"]),
                         ("https://zoe-solar.de/lizenz", "https://zoe-solar.de/kontakt",
                          "Montage in Potsdam", "Solarmontage"))
        self.assertTrue(j["jsonld"]["validation"]["valid"])
        # the image's own recommended properties are all there (the Organization
        # itself may lack url/logo)
        self.assertEqual([w for w in j["jsonld"]["validation"]["warnings"] if w["path"] == "$"],
                         [])

    def test_alt_checks(self):
        cases = [
            ({}, ["alt_missing"], True),
            ({"alt": ""}, ["alt_missing"], True),
            ({"alt": "", "decorative": True}, [], False),
            ({"alt": "DSC0001.JPG"}, ["alt_is_filename"], True),
            ({"alt": "Image of a solar roof"}, ["alt_redundant_prefix"], False),
            ({"alt": "Solardach " * 14}, ["alt_too_long"], False),
        ]
        for extra, want, error in cases:
            body = {"url": url("alt/balkonkraftwerk.webp"), "license": "https://x.example/l",
                    "creator": "A. Fotografin"}
            body.update(extra)
            j = self.audit(body)
            self.assertEqual(self.codes(j), want, extra)
            self.assertEqual(bool(j["errors"]), error, extra)

    def test_unknown_format(self):
        j = self.audit({"url": url("grafik/logo.svg"), "alt": "Logo"})
        self.assertIn("unknown_format", self.codes(j))
        self.assertEqual(j["format"], "unknown")
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
        j = self.audit({"url": url("grafik/logo2.svg"), "alt": "Logo", "bytes": b64(svg)})
        self.assertEqual((j["format"], j["file_size"], j["width"]), ("unknown", len(svg), None))
        self.assertIn("unknown_format", [e["code"] for e in j["errors"]])


class Refusals(Common):
    def refused(self, body, fields, status=422):
        u = body.get("url") if isinstance(body.get("url"), str) else None
        r = post(IMAGE, body, token=self.editor)
        p = is_problem(self, r, status)
        self.assertEqual(sorted({e["field"] for e in p["errors"]}), sorted(fields), p)
        if u and u.startswith("http"):
            self.assertEqual(rows_for(u), 0)
        return p

    def test_bad_base64(self):
        self.refused({"url": url("b1.png"), "bytes": "iVBORw0KGgo!!!"}, ["bytes"])
        self.refused({"url": url("b2.png"), "bytes": b64(raw("git-logo.png"))
                      .replace("+", "-").replace("/", "_") + "-_"}, ["bytes"])
        self.refused({"url": url("b3.png"), "bytes": "QUJD="}, ["bytes"])

    def test_truncated_and_malformed(self):
        for name, _, _, _ in FILES:
            data = raw(name)
            p = self.refused({"url": url("t/" + name), "bytes": b64(data[:9])}, ["bytes"])
            self.assertIn("truncated", p["errors"][0]["message"])
        # a PNG whose IHDR claims 65536 x 65536 pixels (2^32 > 2^28)
        png = bytearray(raw("git-logo.png")[:64])
        png[16:24] = (65536).to_bytes(4, "big") * 2
        p = self.refused({"url": url("bomb.png"), "bytes": b64(bytes(png))}, ["bytes"])
        self.assertIn("2^28", p["errors"][0]["message"])

    def test_bad_url_and_every_field_named(self):
        self.refused({"url": "ftp://x.example/a.png"}, ["url"])
        self.refused({"url": "bilder/a.png"}, ["url"])
        self.refused({"alt": "ohne URL"}, ["url"])
        self.refused({"url": url("m.png"), "displayed_width": 0, "license": "Lizenz",
                      "decorative": "ja", "bytes": "###"}, ["displayed_width", "license",
                                                             "decorative"])

    def test_body_limit_is_10_mib(self):
        data = raw("git-logo.png")
        big = data + b"\0" * (3 << 20)                 # 3 MiB: above the default 1 MiB
        j = self.audit({"url": url("gross.png"), "alt": "Git-Logo", "bytes": b64(big)})
        self.assertEqual((j["width"], j["file_size"]), (72, len(big)))
        body = ('{"url": "%s", "bytes": "%s"}' % (url("zu-gross.png"),
                                                  "A" * (10 * 1024 * 1024 + 16))).encode()
        r = post(IMAGE, raw=body, token=self.editor, headers={"Content-Type": "application/json"},
                 timeout=60)
        self.assertEqual(r.status, 413)
        self.assertEqual(rows_for(url("zu-gross.png")), 0)

    def test_roles(self):
        body = {"url": url("rolle.png"), "alt": "Rolle"}
        self.assertEqual(post(IMAGE, body).status, 401)
        self.assertEqual(post(IMAGE, body, token="x.y.z").status, 401)
        self.assertEqual(post(IMAGE, body, token=self.viewer).status, 403)
        self.assertEqual(post(IMAGE, body, token=token_for("analyst")).status, 403)
        self.assertEqual(get(REPORT).status, 401)
        self.assertEqual(get(REPORT, token=self.viewer).status, 200)
        self.assertEqual(rows_for(url("rolle.png")), 0)


class Upsert(Common):
    def test_repost_replaces_the_audit(self):
        u = url("upsert/IMG_0001.jpg")
        a = self.audit({"url": u, "alt": "IMG_0001.jpg", "width": 800, "height": 600})
        b = self.audit({"url": u + "?utm_campaign=sommer&fbclid=1", "alt": "Wärmepumpe im Garten",
                        "bytes": b64(raw("node-stripe.jpg"))})
        self.assertEqual((a["status"], b["status"]), ("inserted", "updated"))
        self.assertEqual(a["id"], b["id"])
        self.assertEqual(rows_for(u), 1)
        self.assertEqual(psql("SELECT alt, width, height, score, measured FROM images "
                              "WHERE url = :'v1'", u),
                         [["Wärmepumpe im Garten", "493", "58", str(b["score"]), "t"]])
        self.assertGreater(b["score"], a["score"])


class Report(Common):
    def setUp(self):
        # at least three images of this run in different score bands
        self.audit({"url": url("r/a.webp"), "alt": "Balkonkraftwerk am Geländer",
                    "bytes": b64(raw("python.webp")), "license": "https://x.example/l",
                    "creator": "Z"})
        self.audit({"url": url("r/IMG_9.jpg"), "bytes": b64(raw("node-stripe.jpg"))})
        self.audit({"url": url("r/speicher.gif"), "alt": "Speicher",
                    "bytes": b64(raw("libxslt-node.gif"))})

    def report(self, query=""):
        r = get(REPORT + query, token=self.viewer)
        self.assertEqual(r.status, 200, r)
        return r

    def test_figures_equal_sql(self):
        j = self.report("?limit=500").json
        n = int(psql_one("SELECT count(*) FROM images"))
        self.assertEqual(j["n"], n)
        self.assertAlmostEqual(j["mean_score"],
                               float(psql_one("SELECT avg(score) FROM images")), places=2)
        dist = [int(psql_one("SELECT count(*) FROM images WHERE score BETWEEN %d AND %d"
                             % (lo, hi))) for lo, hi in ((0, 49), (50, 89), (90, 100))]
        self.assertEqual([(d["from"], d["to"], d["count"]) for d in j["score_distribution"]],
                         [(0, 49, dist[0]), (50, 89, dist[1]), (90, 100, dist[2])])
        self.assertEqual(sum(dist), n)
        self.assertEqual(j["savings_bytes"],
                         int(psql_one("SELECT coalesce(sum(savings_bytes), 0) FROM images")))
        top = psql("SELECT e->>'code', count(*) FROM images, jsonb_array_elements(issues) e "
                   "GROUP BY 1 ORDER BY 2 DESC, 1")
        self.assertEqual([[t["code"], str(t["count"])] for t in j["top_issues"]], top)
        counts = [t["count"] for t in j["top_issues"]]
        self.assertEqual(counts, sorted(counts, reverse=True))
        formats = psql("SELECT format, count(*) FROM images GROUP BY 1 ORDER BY 2 DESC, 1")
        self.assertEqual([[f["format"], str(f["count"])] for f in j["formats"]], formats)
        ids = psql("SELECT id, score, savings_bytes FROM images ORDER BY score, id LIMIT 500")
        self.assertEqual([[str(i["id"]), str(i["score"]), str(i["savings_bytes"])]
                          for i in j["items"]], ids)
        mine = {i["url"]: i for i in j["items"] if i["url"].startswith(url("r/"))}
        self.assertEqual(mine[url("r/IMG_9.jpg")]["issues"][:2],
                         ["alt_missing", "filename_not_descriptive"])
        self.assertEqual((mine[url("r/a.webp")]["format"], mine[url("r/a.webp")]["width"]),
                         ("webp", 16))

    def test_paging_walks_every_image_once(self):
        seen, cursor = [], None
        for _ in range(1000):
            q = "?limit=2" + ("&cursor=" + cursor if cursor else "")
            j = self.report(q).json
            self.assertLessEqual(len(j["items"]), 2)
            seen += [i["id"] for i in j["items"]]
            cursor = j["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, [int(r[0]) for r in psql("SELECT id FROM images ORDER BY score, id")])
        p = is_problem(self, get(REPORT + "?cursor=bm9wZQ", token=self.viewer), 422)
        self.assertEqual(p["errors"][0]["field"], "cursor")
        is_problem(self, get(REPORT + "?limit=501", token=self.viewer), 422)

    def test_cache_hit_then_invalidated_by_a_post(self):
        first = self.report().json
        for _ in range(20):
            r = self.report()
            if r.headers.get("X-Cache") == "hit":
                break
        else:
            self.fail("the report was never served from a cache")
        self.assertEqual(r.json, first)
        self.audit({"url": url("r/neu-%d.png" % first["n"]), "alt": "Neues Bild",
                    "bytes": b64(raw("git-logo.png"))})
        after = self.report().json
        self.assertEqual(after["n"], first["n"] + 1)
        self.assertEqual(after["n"], int(psql_one("SELECT count(*) FROM images")))


class Empty(Common):
    def test_empty_report(self):
        """No images: n 0, empty lists, no invented figures. Only this file writes images
        (the stack is private to the test run), so the table may be emptied."""
        # as a writer would: the data version moves, so no cached report outlives the rows
        psql("DELETE FROM images; SELECT nextval('data_version_images')")
        j = get(REPORT, token=self.viewer).json
        self.assertEqual((j["n"], j["mean_score"], j["savings_bytes"], j["top_issues"],
                          j["formats"], j["items"], j["next_cursor"]),
                         (0, None, 0, [], [], [], None))
        self.assertEqual([d["count"] for d in j["score_distribution"]], [0, 0, 0])


if __name__ == "__main__":
    unittest.main()
