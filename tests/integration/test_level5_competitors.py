"""#52-#55 competitor analysis: register/update, list with latest figures,
snapshots (posted HTML, rankings, a URL fetched by the job runner) and gaps.

The fetcher is tested against a local HTTP server this file starts on
127.0.0.1 (never the internet): the stack's job runner must run with
ZOE_OUTBOUND_ALLOW=127.0.0.1/32 (scripts/dev test sets it), so 127.0.0.1 is
allowed and every other internal address (127.0.0.2, 10.0.0.1,
169.254.169.254) is refused. Competitors of a test carry the run tag in their
domain, so other runs never interfere.
"""
import http.server
import json
import os
import threading
import time
import unittest

from zoelib import RUN, VAR, get, is_problem, post, psql_one, token_for, wait_until, zoe

SCHEMAS = os.path.join(os.path.dirname(__file__), "../../handlers/schemas")
BASE = "/api/level5/competitors"
GAP = BASE + "/gap"


def check_schema(name, doc):
    try:
        import jsonschema
    except ImportError:        # the contract test validates every reply as well
        return
    with open(os.path.join(SCHEMAS, name + ".json"), encoding="utf-8") as f:
        jsonschema.validate(doc, json.load(f))


def domain(tag):
    return "it%s%s.example.org" % (RUN, tag)


PAGE = """<!doctype html><html lang="de"><head><title>Photovoltaik und Stromspeicher in Kiel</title>
<meta name="description" content="Solaranlagen mit Speicher vom Meisterbetrieb.">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "LocalBusiness", "name": "Kieler Sonnendach", "aggregateRating":
  {"@type": "AggregateRating", "ratingValue": "4.8", "reviewCount": "57"}},
 {"@type": ["Product", "Thing"], "name": "Speicherpaket"},
 {"@type": "FAQPage", "mainEntity": [{"@type": "Question", "name": "Was kostet es?"}]}]}</script>
</head><body><h1>Photovoltaik vom Meisterbetrieb</h1>
<p>Wir planen Ihre Solaranlage mit Stromspeicher, Wallbox und Notstromversorgung.
Unsere Zwergziegenweide bleibt dank Agri-Photovoltaik grün.</p>
<h2>Förderung</h2><p>Wir kennen jede Förderung und beraten zur Einspeisevergütung.</p>
<a href="/kontakt">Kontakt</a> <a href="https://www.%(d)s/preise">Preise</a>
<a href="https://andere.example/">extern</a> <a href="mailto:info@x.example">Mail</a>
</body></html>"""


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True
    robots = ("User-agent: *\nDisallow: /\n\nUser-agent: ZOE-Solar-Bot\nAllow: /\n"
              "Disallow: /privat/\nAllow: /privat/oeffentlich$\n")
    robots_status = 200
    seen = []


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def do_GET(self):
        srv = self.server
        srv.seen.append((self.path, self.headers.get("User-Agent")))
        p = self.path
        page = (PAGE % {"d": "127.0.0.1"}).encode()
        if p == "/robots.txt":
            return self.send(srv.robots_status, srv.robots.encode(), "text/plain")
        if p in ("/seite", "/privat/oeffentlich", "/privat/x"):
            return self.send(200, page)
        if p == "/langsam":
            time.sleep(13)
            return self.send(200, page)
        if p == "/gross":
            return self.send(200, b"<html><body>" + b"Solar " * (450 * 1024) + b"</body></html>")
        if p == "/nach-intern":
            return self.send(302, b"", headers=[("Location", "http://10.0.0.1/seite")])
        if p.startswith("/kette/"):
            n = int(p.rsplit("/", 1)[1])
            return self.send(302, b"", headers=[("Location", "/kette/%d" % (n - 1) if n > 1 else "/seite")])
        if p == "/bild":
            return self.send(200, b"\x89PNG\r\n\x1a\n", "image/png")
        return self.send(404, b"not here", "text/plain")


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.analyst = token_for("analyst")
        cls.viewer = token_for("viewer")

    def save(self, body, token=None, status=200):
        r = post(BASE, body, token=token or self.editor)
        self.assertEqual(r.status, status, r)
        return r.json

    def snap(self, cid, body, token=None):
        return post("%s/%d/snapshots" % (BASE, cid), body, token=token or self.editor)

    def item(self, dom, token=None):
        r = get(BASE, token=token or self.viewer)
        self.assertEqual(r.status, 200, r)
        return next(c for c in r.json["items"] if c["domain"] == dom)

    def fields(self, r):
        return sorted(e["field"] for e in is_problem(self, r, 422)["errors"])


class Register(Base):
    def test_upsert_by_domain(self):
        d = domain("up")
        a = self.save({"name": "Sonnendach Nord", "domain": "https://www.%s/ueber-uns" % d.upper(),
                       "region": "Kiel", "keywords": [" Photovoltaik Kiel ", "PV Anlage", "pv anlage"]})
        self.assertEqual(a["domain"], d)
        self.assertEqual(a["keywords"], ["photovoltaik kiel", "pv anlage"])
        self.assertEqual(a["status"], "inserted")
        b = self.save({"name": "Sonnendach Nord", "domain": d, "region": "Kiel",
                       "keywords": ["photovoltaik kiel", "pv anlage"]})
        self.assertEqual((b["id"], b["status"]), (a["id"], "unchanged"))
        c = self.save({"name": "Sonnendach Nord GmbH", "domain": "http://" + d, "keywords": []})
        self.assertEqual((c["id"], c["status"]), (a["id"], "updated"))
        row = psql_one("SELECT name || '|' || coalesce(region, '-') || '|' || cardinality(keywords)"
                       " FROM competitors WHERE domain = :'v1'", d)
        self.assertEqual(row, "Sonnendach Nord GmbH|-|0")
        n = psql_one("SELECT count(*) FROM event_log WHERE type = 'competitor.saved'"
                     " AND data->>'domain' = :'v1'", d)
        self.assertEqual(n, "2")        # inserted, updated; not the unchanged one

    def test_bad_input(self):
        r = post(BASE, {"name": "", "domain": "nur ein wort", "region": "x" * 101,
                        "keywords": ["ok", 3, "", "k" * 301]}, token=self.editor)
        self.assertEqual(self.fields(r), ["domain", "keywords[1]", "keywords[2]", "keywords[3]",
                                          "name", "region"])
        for bad in ["localhost", "-x.de", "a..b.de", "solar-müller.de", "x.de'; DROP TABLE competitors;--"]:
            r = post(BASE, {"name": "X", "domain": bad}, token=self.editor)
            self.assertEqual(self.fields(r), ["domain"], bad)
        r = post(BASE, {"name": "X", "domain": "x.de", "keywords": ["k"] * 201}, token=self.editor)
        self.assertEqual(self.fields(r), ["keywords"])
        self.assertEqual(psql_one("SELECT count(*) FROM competitors WHERE domain = 'x.de'"), "0")
        self.assertEqual(self.fields(post(BASE, {}, token=self.editor)), ["domain", "name"])

    def test_roles(self):
        body = {"name": "Rollen", "domain": domain("roles")}
        self.assertEqual(post(BASE, body).status, 401)
        is_problem(self, post(BASE, body, token=self.viewer), 403)
        is_problem(self, post(BASE, body, token=self.analyst), 403)
        self.assertEqual(get(BASE).status, 401)
        self.assertEqual(get(GAP).status, 401)
        self.assertEqual(get(BASE, token=self.viewer).status, 200)
        self.assertEqual(get(GAP, token=self.viewer).status, 200)
        key = zoe("apikey", "add", "--name", "it-comp-" + RUN, "--role", "editor")
        r = post(BASE, body, headers={"X-Api-Key": key})
        self.assertEqual(r.status, 200, r)
        r = post("%s/%d/snapshots" % (BASE, r.json["id"]), {"rankings": [
            {"keyword": "balkonkraftwerk", "position": 7}]}, headers={"X-Api-Key": key})
        self.assertEqual(r.status, 201, r)
        vkey = zoe("apikey", "add", "--name", "it-comp-v-" + RUN, "--role", "viewer")
        is_problem(self, post(BASE, body, headers={"X-Api-Key": vkey}), 403)


class Snapshots(Base):
    def test_html_extraction(self):
        d = domain("html")
        cid = self.save({"name": "Kieler Sonnendach", "domain": d, "keywords": ["stromspeicher"]})["id"]
        r = self.snap(cid, {"url": "https://www.%s/photovoltaik" % d, "html": PAGE % {"d": d}})
        self.assertEqual(r.status, 201, r)
        s = r.json
        self.assertEqual(s["state"], "done")
        self.assertEqual(s["title"], "Photovoltaik und Stromspeicher in Kiel")
        self.assertEqual(s["description"], "Solaranlagen mit Speicher vom Meisterbetrieb.")
        self.assertEqual((s["h1"], s["subheadings"]), (1, 1))
        self.assertEqual(s["jsonld_types"], ["AggregateRating", "FAQPage", "LocalBusiness", "Product",
                                             "Question", "Thing"])
        self.assertEqual((s["rating"], s["rating_count"]), (4.8, 57))
        self.assertEqual((s["links_internal"], s["links_external"]), (2, 1))
        # words as analysis/text counts them; the score by its formula:
        # 40·w/1500 + 10 (one h1) + 20·min(1, 1 / ceil(w/300)) + 30 (>= 3 types)
        w = s["word_count"]
        self.assertTrue(30 < w < 60, w)
        self.assertEqual(s["content_score"], round(40 * w / 1500 + 10 + 20 + 30))
        terms = [t["term"] for t in s["terms"]]
        self.assertIn("Zwergziegenweide", terms)        # on no other page: a heavy term
        self.assertNotIn("und", [t.lower() for t in terms])
        weights = [t["weight"] for t in s["terms"]]
        self.assertEqual(weights, sorted(weights, reverse=True))
        it = self.item(d)
        self.assertEqual(it["latest"]["snapshot"], s["id"])
        self.assertEqual(it["latest"]["rating"], 4.8)
        self.assertEqual(it["latest"]["content_score"], s["content_score"])
        self.assertEqual(it["snapshots"][0]["state"], "done")
        self.assertEqual(psql_one("SELECT count(*) FROM event_log WHERE type = 'competitor.snapshot'"
                                  " AND (data->>'id')::bigint = :'v1'", s["id"]), "1")

    def test_rankings(self):
        d = domain("rank")
        cid = self.save({"name": "Rang", "domain": d})["id"]
        r = self.snap(cid, {"rankings": [
            {"keyword": "Stromspeicher ", "position": 2, "day": "2026-01-05", "volume": 9000},
            {"keyword": "wallbox", "position": 4.5, "day": "2026-01-05"},
            {"keyword": "wärmepumpe", "position": None, "day": "2026-01-05"},
            {"keyword": "wallbox", "position": 6, "day": "2026-01-06"}]})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json["rankings"], r.json["source"]), (4, "rankings"))
        it = self.item(d)
        # latest per keyword: stromspeicher 2, wallbox 6 (06.01.), wärmepumpe not ranking
        self.assertEqual(it["ranking"], {"keywords": 3, "ranked": 2, "mean_position": 4.0,
                                         "as_of": "2026-01-06"})
        self.assertIsNone(it["latest"])
        # the same day again replaces the position
        self.assertEqual(self.snap(cid, {"rankings": [{"keyword": "wallbox", "position": 3,
                                                        "day": "2026-01-06"}]}).status, 201)
        self.assertEqual(self.item(d)["ranking"]["mean_position"], 2.5)

    def test_snapshot_count(self):
        d = domain("count")
        cid = self.save({"name": "Zähler", "domain": d})["id"]
        it = self.item(d)
        self.assertEqual((it["snapshot_count"], it["snapshots"]), (0, []))
        for i in range(12):
            r = self.snap(cid, {"rankings": [{"keyword": "zähler", "position": i + 1,
                                              "day": "2026-02-%02d" % (i + 1)}]})
            self.assertEqual(r.status, 201, r)
        it = self.item(d)
        # every snapshot counted; the list holds the 10 newest
        self.assertEqual(it["snapshot_count"], 12)
        self.assertEqual(len(it["snapshots"]), 10)
        self.assertEqual(it["snapshot_count"], int(psql_one(
            "SELECT count(*) FROM competitor_snapshots WHERE competitor_id = :'v1'", cid)))

    def test_bad_snapshots(self):
        d = domain("bad")
        cid = self.save({"name": "Schlecht", "domain": d})["id"]
        self.assertEqual(self.fields(self.snap(cid, {})), ["html"])
        self.assertEqual(self.fields(self.snap(cid, {"html": "<p>x</p>"})), ["url"])
        self.assertEqual(self.fields(self.snap(cid, {"url": "https://andere.example/x"})), ["url"])
        self.assertEqual(self.fields(self.snap(cid, {"url": "ftp://%s/x" % d})), ["url"])
        self.assertEqual(self.fields(self.snap(cid, {"url": "https://evil.example/@%s" % d})), ["url"])
        r = self.snap(cid, {"rankings": [{"keyword": "a", "position": 0}, {"position": 3},
                                         {"keyword": "b", "position": 101}, {"keyword": "c", "day": "2999-01-01"},
                                         {"keyword": "d", "volume": -1}, "x",
                                         {"keyword": "e", "day": "2026-01-01"},
                                         {"keyword": "E ", "day": "2026-01-01"}]})
        self.assertEqual(self.fields(r), ["rankings[0].position", "rankings[1].keyword",
                                          "rankings[2].position", "rankings[3].day",
                                          "rankings[4].volume", "rankings[5]", "rankings[7]"])
        r = self.snap(cid, {"rankings": [{"keyword": "k%d" % i, "position": 1} for i in range(1001)]})
        self.assertEqual(self.fields(r), ["rankings"])
        big = "<p>" + "Solar " * (350 * 1024) + "</p>"      # 2.1 MiB
        self.assertEqual(self.fields(self.snap(cid, {"url": "https://%s/" % d, "html": big})), ["html"])
        self.assertEqual(self.snap(cid, {"url": "https://%s/" % d,
                                          "html": "x" * (3 * 1024 * 1024 + 10)}).status, 413)
        self.assertEqual(psql_one("SELECT count(*) FROM competitor_snapshots WHERE competitor_id = :'v1'",
                                  cid), "0")
        self.assertEqual(psql_one("SELECT count(*) FROM competitor_rankings WHERE competitor_id = :'v1'",
                                  cid), "0")
        self.assertEqual(self.item(d)["snapshot_count"], 0)
        is_problem(self, self.snap(99999999, {"rankings": [{"keyword": "x", "position": 1}]}), 404)
        is_problem(self, post(BASE + "/abc/snapshots", {}, token=self.editor), 404)

    def test_hostile_html(self):
        d = domain("host")
        cid = self.save({"name": "Feindlich", "domain": d})["id"]
        html = ("<title>Angriff' OR 1=1; --</title>" + "<div>" * 5000 + "\ufffd Grüße "
                + "<script type=application/ld+json>" + "[" * 3000 + "]" * 3000 + "</script>"
                + "<script type=application/ld+json>{not json</script>")
        r = self.snap(cid, {"url": "https://%s/x" % d, "html": html})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["title"], "Angriff' OR 1=1; --")
        self.assertEqual(r.json["jsonld_types"], [])


class Gap(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.d = domain("gap")
        r = post(BASE, {"name": "Lückenfüller", "domain": cls.d,
                        "keywords": ["it%s stromspeicher kiel" % RUN, "it%s wallbox kiel" % RUN]},
                 token=cls.editor)
        cls.cid = r.json["id"]
        day = psql_one("SELECT to_char(current_date, 'YYYY-MM-DD')")
        post("%s/%d/snapshots" % (BASE, cls.cid), {
            "url": "https://%s/kiel" % cls.d, "html": PAGE % {"d": cls.d},
            "rankings": [{"keyword": "it%s stromspeicher kiel" % RUN, "position": 1, "day": day,
                          "volume": 3000},
                         {"keyword": "it%s wallbox kiel" % RUN, "position": 12, "day": day,
                          "volume": 1000},
                         {"keyword": "it%s nur platz 50" % RUN, "position": 50, "day": day}]},
             token=cls.editor)

    def test_keyword_gap(self):
        g = get(GAP, token=self.viewer).json["keyword_gap"]
        mine = [k for k in g if k["keyword"].startswith("it%s " % RUN)]
        self.assertEqual([k["keyword"] for k in mine],
                         ["it%s stromspeicher kiel" % RUN, "it%s wallbox kiel" % RUN])  # by volume
        self.assertEqual(mine[0]["volume"], 3000)
        self.assertEqual(mine[0]["volume_source"], "search_volume")
        self.assertIsNone(mine[0]["our_position"])
        self.assertEqual(mine[0]["competitors"][0]["domain"], self.d)
        self.assertEqual(mine[1]["best_position"], 12)

    def test_keyword_gap_volume_of_an_earlier_day(self):
        # a volume sent once stays the keyword's volume when later rankings carry none,
        # in the keyword gap as in the share of voice
        d = domain("vol")
        kw = "it%s solarzaun" % RUN
        cid = post(BASE, {"name": "Volumen", "domain": d, "keywords": [kw]}, token=self.editor).json["id"]
        week_ago, today = psql_one("SELECT to_char(current_date - 7, 'YYYY-MM-DD') || ' ' ||"
                                   " to_char(current_date, 'YYYY-MM-DD')").split()
        r = post("%s/%d/snapshots" % (BASE, cid), {"rankings": [
            {"keyword": kw, "position": 5, "day": week_ago, "volume": 700},
            {"keyword": kw, "position": 4, "day": today}]}, token=self.editor)
        self.assertEqual(r.status, 201, r)
        out = get(GAP + "?keywords=" + kw.replace(" ", "%20"), token=self.viewer).json
        k = next(x for x in out["keyword_gap"] if x["keyword"] == kw)
        self.assertEqual((k["volume"], k["volume_source"], k["best_position"]), (700, "search_volume", 4))
        self.assertEqual(out["share_of_voice"]["per_keyword"][0]["volume"], 700)

    def test_schema_and_content_gap(self):
        out = get(GAP, token=self.viewer).json
        missing = {m["type"]: m for m in out["schema_gap"]["missing"]}
        self.assertIn(self.d, missing["LocalBusiness"]["competitors"])
        self.assertIn("FAQPage", missing)
        for t in out["schema_gap"]["ours"]:
            self.assertNotIn(t, missing)
        terms = {t["term"]: (g["entity"], t) for g in out["content_gap"]["groups"] for t in g["terms"]}
        self.assertIn("Zwergziegenweide", terms)
        self.assertIsNone(terms["Zwergziegenweide"][0])
        self.assertIn(self.d, terms["Zwergziegenweide"][1]["competitors"])
        # a term our pages hold is no gap, however heavy on theirs
        ours = psql_one("SELECT count(*) FROM pages WHERE body_text ILIKE '%photovoltaik%'")
        if int(ours) > 0:
            self.assertNotIn("Photovoltaik", terms)
        # grouped by the dictionary entity the term names
        agri = [e for e, t in terms.values() if t["term"].startswith("Agri")]
        if agri:
            self.assertEqual(agri[0], "Agri-PV")

    def test_share_of_voice(self):
        kws = "it%s stromspeicher kiel,it%s wallbox kiel" % (RUN, RUN)
        sov = get(GAP + "?keywords=" + kws.replace(" ", "%20"), token=self.viewer).json["share_of_voice"]
        self.assertEqual(sov["weighting"], "volume")
        self.assertIn("Backlinko", sov["curve"]["source"])
        self.assertEqual(sov["curve"]["ctr_by_position"][0], 0.276)
        dom = {x["domain"]: x for x in sov["domains"]}
        # we do not rank; they: #1 on 3000 searches (27.6 %), #12 (0): all clicks theirs
        self.assertEqual(dom[self.d]["share"], 1.0)
        self.assertAlmostEqual(dom[self.d]["clicks_estimate"], 3000 * 0.276, places=2)
        self.assertAlmostEqual(dom[self.d]["visibility"], 3000 * 0.276 / 4000, places=5)
        self.assertEqual(sov["series"][-1]["day"], sov["as_of"])
        self.assertAlmostEqual(sum(sov["series"][-1]["shares"]), 1.0, places=4)
        is_problem(self, get(GAP + "?keywords=,,", token=self.viewer), 422)
        is_problem(self, get(GAP + "?format=xml", token=self.viewer), 422)

    def test_replies_match_schemas(self):
        check_schema("level5CompetitorsGap", get(GAP, token=self.viewer).json)
        check_schema("level5CompetitorsGet", get(BASE, token=self.viewer).json)
        check_schema("level5CompetitorsPost", self.save({"name": "Schema", "domain": domain("schema")}))
        r = self.snap(self.cid, {"url": "https://%s/schema" % self.d, "html": PAGE % {"d": self.d}})
        check_schema("level5CompetitorsByIdSnapshots", r.json)

    def test_csv(self):
        for table, head in [("keywords", "keyword,volume"), ("content", "entity,cluster,term"),
                            ("schema", "type,pages"), ("share", "day,")]:
            r = get(GAP + "?format=csv&table=" + table, token=self.viewer)
            self.assertEqual(r.status, 200, r)
            self.assertTrue(r.headers["Content-Type"].startswith("text/csv"))
            self.assertTrue(r.body.decode().startswith(head), r.body[:80])
        body = get(GAP + "?format=csv", token=self.viewer).body.decode()
        self.assertIn("it%s stromspeicher kiel,3000,search_volume,,1," % RUN, body)
        is_problem(self, get(GAP + "?format=csv&table=nope", token=self.viewer), 422)


def runner_allows_loopback():
    try:
        with open(os.path.join(VAR, "run/jobs.pid")) as f:
            pid = f.read().strip()
        with open("/proc/%s/environ" % pid, "rb") as f:
            env = f.read().split(b"\0")
    except OSError:
        return None
    return b"ZOE_OUTBOUND_ALLOW=127.0.0.1/32" in env


class Fetch(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv = Receiver(("127.0.0.1", 0), Handler)
        cls.port = cls.srv.server_address[1]
        threading.Thread(target=cls.srv.serve_forever, daemon=True).start()
        cls.cid = post(BASE, {"name": "Testserver", "domain": "127.0.0.1"}, token=cls.editor).json["id"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()
        cls.srv.server_close()

    def setUp(self):
        self.assertNotEqual(runner_allows_loopback(), False,
                            "the job runner needs ZOE_OUTBOUND_ALLOW=127.0.0.1/32 (scripts/dev test sets it)")
        Receiver.robots_status = 200

    def fetch(self, path, host="127.0.0.1", cid=None, timeout=30):
        url = "http://%s:%d%s" % (host, self.port, path)
        r = self.snap(cid or self.cid, {"url": url})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json["state"], "queued")
        check_schema("level5CompetitorsByIdSnapshots", r.json)
        sid = r.json["id"]
        self.assertEqual(psql_one("SELECT kind FROM jobs WHERE id = :'v1'", r.json["job_id"]), "competitor-fetch")

        def done():
            row = psql_one("SELECT state || '|' || coalesce(error, '') FROM competitor_snapshots"
                           " WHERE id = :'v1'", sid)
            return row if not row.startswith("queued") else None
        row = wait_until(done, timeout=timeout, step=0.2)
        self.assertTrue(row, "snapshot %d still queued" % sid)
        state, err = row.split("|", 1)
        return sid, state, err

    def test_fetch_page(self):
        Receiver.seen = []
        sid, state, err = self.fetch("/seite")
        self.assertEqual((state, err), ("done", ""))
        it = self.item("127.0.0.1")
        snap = next(s for s in it["snapshots"] if s["id"] == sid)
        self.assertEqual((snap["state"], snap["http_status"], snap["source"]), ("done", 200, "fetch"))
        self.assertEqual(it["latest"]["title"], "Photovoltaik und Stromspeicher in Kiel")
        self.assertEqual(it["latest"]["rating"], 4.8)
        paths = [p for p, ua in Receiver.seen]
        self.assertEqual(paths, ["/robots.txt", "/seite"])
        for p, ua in Receiver.seen:
            self.assertTrue(ua.startswith("ZOE-Solar-Bot/1.0 (+"), ua)

    def test_robots(self):
        sid, state, err = self.fetch("/privat/x")
        self.assertEqual(state, "blocked")
        self.assertIn("disallow: /privat/", err)
        self.assertEqual(self.fetch("/privat/oeffentlich")[1], "done")      # allow ...$ is longer
        Receiver.robots_status = 503
        sid, state, err = self.fetch("/seite")
        self.assertEqual(state, "blocked")
        self.assertIn("503", err)
        Receiver.robots_status = 404                                       # no robots.txt: all allowed
        self.assertEqual(self.fetch("/seite")[1], "done")

    def test_timeout(self):
        t0 = time.monotonic()
        sid, state, err = self.fetch("/langsam", timeout=40)
        self.assertEqual(state, "failed")
        self.assertIn("10 s", err)
        self.assertLess(time.monotonic() - t0, 13)

    def test_oversize_and_type_and_status(self):
        sid, state, err = self.fetch("/gross")
        self.assertEqual(state, "failed")
        self.assertIn("larger than 2097152 bytes", err)
        self.assertEqual(self.fetch("/bild")[1:], ("failed", "http://127.0.0.1:%d/bild is image/png, not HTML" % self.port))
        sid, state, err = self.fetch("/fehlt")
        self.assertEqual(state, "failed")
        self.assertIn("HTTP 404", err)

    def test_redirects(self):
        self.assertEqual(self.fetch("/kette/3")[1], "done")
        sid, state, err = self.fetch("/kette/6")
        self.assertEqual((state, err), ("failed", "more than 5 redirects"))
        sid, state, err = self.fetch("/nach-intern")
        self.assertEqual(state, "failed")
        self.assertIn("10.0.0.1", err)

    def test_private_addresses_refused(self):
        for host in ("127.0.0.2", "10.0.0.1", "169.254.169.254"):
            cid = post(BASE, {"name": "Intern " + host, "domain": host}, token=self.editor).json["id"]
            Receiver.seen = []
            sid, state, err = self.fetch("/seite", host=host, cid=cid)
            self.assertEqual(state, "failed", host)
            self.assertIn(host, err)
            self.assertEqual(Receiver.seen, [])



if __name__ == "__main__":
    unittest.main()
