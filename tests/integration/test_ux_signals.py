"""#3 POST /api/level2/ux-signals/track and #4 GET /api/level2/ux-signals/metrics, end to end.

Every test uses a site of its own (created with `zoe site add`) and page paths
unique to this run, so the demo data and earlier runs never interfere."""
import json
import math
import secrets
import unittest
import urllib.parse

from zoelib import (BOT_UA, CHROME_UA, IPHONE_UA, RUN, get, is_problem, post, psql, psql_one,
                    request, token_for, zoe)

TRACK = "/api/level2/ux-signals/track"
METRICS = "/api/level2/ux-signals/metrics"


def p75(values):
    """PostgreSQL percentile_cont(0.75): linear interpolation between closest ranks."""
    v = sorted(values)
    pos = 0.75 * (len(v) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (pos - lo) * (v[hi] - v[lo])


class UxSignals(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.domain = "it-%s.example" % RUN
        cls.origin = "https://" + cls.domain
        cls.key = zoe("site", "add", "--domain", cls.domain, "--origin", cls.origin,
                      "--origin", "https://www." + cls.domain)
        cls.site_id = psql_one("SELECT id FROM sites WHERE domain = :'v1'", cls.domain)
        cls.viewer = token_for("viewer")

    def track(self, body, ua=CHROME_UA, origin=None, key=True, headers=None):
        h = {"Origin": origin or self.origin}
        if key:
            h["X-Site-Key"] = self.key
        h.update(headers or {})
        return post(TRACK, body, headers=h, ua=ua)

    def stored(self, where="true", *args):
        return int(psql_one("SELECT count(*) FROM events WHERE site_id = %s AND (%s)"
                            % (int(self.site_id), where), *args))

    def page(self, name):
        return "/it-%s/%s-%s" % (RUN, name, secrets.token_hex(3))

    def report(self, path, **q):
        q["path"] = path
        r = get(METRICS + "?" + urllib.parse.urlencode(q), token=self.viewer)
        self.assertEqual(r.status, 200, r)
        pages = [p for p in r.json["pages"] if p["path"] == path]
        return r.json, (pages[0] if pages else None)

    # ---- track: credentials ---------------------------------------------------
    def test_no_key_401(self):
        r = self.track({"type": "pageview", "url": "/"}, key=False)
        p = is_problem(self, r, 401)
        self.assertIn("site key", p["detail"])

    def test_wrong_key_401(self):
        r = self.track({"type": "pageview", "url": "/"}, headers={"X-Site-Key": "site_nope"})
        is_problem(self, r, 401)

    def test_wrong_origin_403(self):
        before = self.stored()
        r = self.track({"type": "pageview", "url": "/"}, origin="https://evil.example")
        p = is_problem(self, r, 403)
        self.assertIn("Origin", p["detail"])
        r = self.track({"type": "pageview", "url": "/"}, origin="https://zoe-solar.de")
        is_problem(self, r, 403)
        r = post(TRACK, {"type": "pageview", "url": "/"}, headers={"X-Site-Key": self.key})
        is_problem(self, r, 403)        # no Origin at all
        self.assertEqual(self.stored(), before)

    def test_key_in_body_and_query(self):
        path = self.page("keys")
        r = post(TRACK, {"type": "pageview", "url": path, "site": self.key},
                 headers={"Origin": self.origin})
        self.assertEqual(r.status, 202, r)
        r = post(TRACK + "?site=" + urllib.parse.quote(self.key),
                 {"type": "pageview", "url": path},
                 headers={"Origin": "https://www." + self.domain})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(self.stored("path = :'v1'", path), 2)

    def test_sendbeacon_text_plain(self):
        path = self.page("beacon")
        r = request("POST", TRACK, raw=('{"type":"pageview","url":"%s"}' % path).encode(),
                    headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": self.origin,
                             "X-Site-Key": self.key})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(self.stored("path = :'v1'", path), 1)

    # ---- track: shapes -----------------------------------------------------------
    def test_single_beacon_202(self):
        path = self.page("single")
        r = self.track({"type": "pageview", "url": self.origin + path + "?utm_source=newsletter",
                        "referrer": "https://www.google.com/search?q=pv"})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json, {"accepted": 1, "dropped": 0})
        self.assertEqual(r.headers.get("Access-Control-Allow-Origin"), self.origin)
        row = psql_one("SELECT concat_ws('|', kind, host, path, source, device, browser) "
                       "FROM events WHERE site_id = %d AND path = :'v1'" % int(self.site_id), path)
        self.assertEqual(row, "pageview|%s|%s|newsletter|desktop|Chrome" % (self.domain, path))

    def test_web_vitals_object_without_type(self):
        path = self.page("wv")
        r = self.track({"name": "LCP", "value": 1234.5, "rating": "good", "delta": 1234.5,
                        "id": "v4-1700000000000-123", "navigationType": "navigate",
                        "url": path})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json["accepted"], 1)
        row = psql_one("SELECT concat_ws('|', kind, name, value, rating, nav_type, metric_id) "
                       "FROM events WHERE site_id = %d AND path = :'v1'" % int(self.site_id), path)
        self.assertEqual(row, "vital|LCP|1234.5|good|navigate|v4-1700000000000-123")

    def test_url_from_referer_header(self):
        path = self.page("referer")
        r = self.track({"name": "CLS", "value": 0.02}, headers={"Referer": self.origin + path})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(self.stored("path = :'v1' AND name = 'CLS'", path), 1)

    def test_mixed_array(self):
        path = self.page("mixed")
        batch = [
            {"type": "pageview", "url": path},
            {"type": "engagement", "url": path, "engaged_ms": 15000, "scroll_pct": 62.4},
            {"type": "vital", "name": "INP", "value": 180, "url": path},
            {"name": "TTFB", "value": 420, "url": path},
            {"type": "event", "name": "lead", "url": path,
             "props": {"form": "angebot", "kwp": 9.6, "speicher": True}},
        ]
        r = self.track(batch)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json, {"accepted": 5, "dropped": 0})
        self.assertEqual(self.stored("path = :'v1'", path), 5)
        self.assertEqual(psql_one("SELECT string_agg(kind, ',' ORDER BY kind) FROM events "
                                  "WHERE site_id = %d AND path = :'v1'" % int(self.site_id), path),
                         "engagement,event,pageview,vital,vital")
        self.assertEqual(psql_one("SELECT concat_ws('|', engaged_ms, scroll_pct) FROM events "
                                  "WHERE site_id = %d AND path = :'v1' AND kind = 'engagement'"
                                  % int(self.site_id), path), "15000|62")
        self.assertEqual(psql_one("SELECT props->>'kwp' FROM events WHERE site_id = %d AND "
                                  "path = :'v1' AND kind = 'event'" % int(self.site_id), path),
                         "9.6")
        # one visitor for the whole batch, and no address stored anywhere
        self.assertEqual(psql_one("SELECT count(DISTINCT visitor_id) FROM events WHERE "
                                  "site_id = %d AND path = :'v1'" % int(self.site_id), path), "1")

    def test_text_with_tabs_newlines_and_backslashes_survives(self):
        # beacons reach PostgreSQL through COPY: its escapes must not leak into the data
        path = self.page("escape")
        odd = "Zeile 1\nZeile 2\tTab \\N back\\slash \\t kein Tab; Grüße"
        r = self.track([{"type": "event", "name": "lead", "url": path + "?utm_source=a%5Cb",
                         "referrer": "https://example.org/\\N", "props": {"note": odd}}])
        self.assertEqual(r.status, 202, r)
        got = psql_one("SELECT props->>'note' = :'v2' FROM events WHERE site_id = %d "
                       "AND path = :'v1'" % int(self.site_id), path, odd)
        self.assertEqual(got, "t")
        self.assertEqual(psql_one("SELECT referrer FROM events WHERE site_id = %d AND "
                                  "path = :'v1'" % int(self.site_id), path),
                         "https://example.org/\\N")

    def test_bad_beacons_by_index_and_nothing_stored(self):
        path = self.page("bad")
        batch = [{"type": "pageview", "url": path} for _ in range(7)]
        batch[2] = {"type": "vital", "name": "LCPX", "value": "slow", "url": path}
        batch[5] = {"type": "engagement", "url": "ftp://nope"}
        before = self.stored()
        r = self.track(batch)
        p = is_problem(self, r, 422)
        fields = [e["field"] for e in p["errors"]]
        self.assertTrue(fields, p)
        self.assertEqual({f.split(".")[0] for f in fields}, {"[2]", "[5]"}, fields)
        self.assertIn("[2].name", fields)
        self.assertIn("[2].value", fields)
        self.assertIn("[5].engaged_ms", fields)
        self.assertEqual(self.stored(), before)
        self.assertEqual(self.stored("path = :'v1'", path), 0)

    def test_bad_url_and_props(self):
        batch = [{"type": "pageview", "url": "javascript:alert(1)"},
                 {"type": "event", "name": "lead", "url": "/x",
                  "props": {"k%d" % i: i for i in range(31)}},
                 {"type": "event", "name": "lead", "url": "/x", "props": {"deep": {"a": 1}}},
                 "not an object"]
        p = is_problem(self, self.track(batch), 422)
        fields = sorted(e["field"] for e in p["errors"])
        self.assertEqual(fields, ["[0].url", "[1].props", "[2].props", "[3]"])

    def test_too_many_beacons(self):
        before = self.stored()
        p = is_problem(self, self.track([{"type": "pageview", "url": "/"}] * 101), 422)
        self.assertEqual(p["errors"][0]["field"], "")
        is_problem(self, self.track([]), 422)
        r = self.track([{"type": "pageview", "url": self.page("hundred")}] * 100)
        self.assertEqual(r.json, {"accepted": 100, "dropped": 0})
        self.assertEqual(self.stored(), before + 100)

    def test_a_megabyte_of_empty_objects_is_refused_whole(self):
        # within the body limit, yet ~70 MB of parsed nodes: the request's memory cap
        # stops the parse and the worker answers, and answers the next request
        body = b"[" + b"{}," * ((1 << 20) // 3 - 2) + b"{}]"
        self.assertLessEqual(len(body), 1 << 20)
        p = is_problem(self, post(TRACK, raw=body, ua=CHROME_UA,
                                  headers={"Origin": self.origin, "X-Site-Key": self.key,
                                           "Content-Type": "application/json"}), 400)
        self.assertIn("more memory than a request may use", p["detail"])
        r = self.track([{"type": "pageview", "url": self.page("after-bomb")}] * 100)
        self.assertEqual(r.json, {"accepted": 100, "dropped": 0})

    def test_bot_dropped(self):
        path = self.page("bot")
        for ua in (BOT_UA, "", "curl/8.0"):
            r = self.track([{"type": "pageview", "url": path}] * 3, ua=ua)
            self.assertEqual(r.status, 202, r)
            self.assertEqual(r.json["accepted"], 0)
            self.assertEqual(r.json["dropped"], 3)
        self.assertEqual(self.stored("path = :'v1'", path), 0)

    def test_impossible_values_dropped(self):
        path = self.page("impossible")
        r = self.track([{"name": "LCP", "value": 70000, "url": path},
                        {"name": "CLS", "value": 150, "url": path},
                        {"name": "LCP", "value": 2100, "url": path}])
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json, {"accepted": 1, "dropped": 2})
        self.assertEqual(psql_one("SELECT string_agg(value::text, ',') FROM events WHERE "
                                  "site_id = %d AND path = :'v1'" % int(self.site_id), path), "2100")

    # ---- metrics --------------------------------------------------------------------
    def test_p75_shares_and_verdict(self):
        path = self.page("p75")
        lcp = [1200, 1850.5, 2400, 2500, 2600, 3100, 3999, 4000, 4001, 5200, 7300]
        cls_ = [0.01, 0.02, 0.05, 0.08, 0.09, 0.1, 0.3]
        inp = [80, 120, 150, 199, 200, 260]
        batch = ([{"name": "LCP", "value": v, "url": path} for v in lcp] +
                 [{"name": "CLS", "value": v, "url": path} for v in cls_] +
                 [{"name": "INP", "value": v, "url": path} for v in inp] +
                 [{"type": "pageview", "url": path}] * 3 +
                 [{"type": "engagement", "url": path, "engaged_ms": ms, "scroll_pct": s}
                  for ms, s in ((1000, 10), (4000, 30), (9000, 80), (20000, 100))])
        r = self.track(batch)
        self.assertEqual(r.json["accepted"], len(batch))

        doc, page = self.report(path)
        self.assertIsNotNone(page, doc)
        self.assertEqual(doc["device"], "all")
        self.assertEqual(doc["min_samples"], 5)
        self.assertEqual(page["pageviews"], 3)
        v = page["vitals"]
        self.assertEqual(set(v), {"LCP", "CLS", "INP"})

        L = v["LCP"]
        self.assertEqual(L["samples"], 11)
        self.assertAlmostEqual(L["p75"], round(p75(lcp), 3), places=3)
        self.assertAlmostEqual(L["p75"], 4000.5, places=3)      # 4000 + 0.5 * (4001 - 4000)
        self.assertAlmostEqual(L["good"], round(4 / 11, 4), places=4)      # <= 2500
        self.assertAlmostEqual(L["needs_improvement"], round(4 / 11, 4), places=4)
        self.assertAlmostEqual(L["poor"], round(3 / 11, 4), places=4)      # > 4000
        self.assertEqual(L["rating"], "poor")
        self.assertEqual(L["unit"], "ms")
        self.assertEqual(L["status"], "ok")

        C = v["CLS"]
        self.assertEqual(C["samples"], 7)
        self.assertAlmostEqual(C["p75"], round(p75(cls_), 3), places=3)   # 0.095
        self.assertEqual(C["rating"], "good")
        self.assertAlmostEqual(C["good"], round(6 / 7, 4), places=4)
        self.assertAlmostEqual(C["poor"], round(1 / 7, 4), places=4)

        I = v["INP"]
        self.assertAlmostEqual(I["p75"], round(p75(inp), 3), places=3)    # 199.75
        self.assertEqual(I["rating"], "good")
        self.assertAlmostEqual(I["needs_improvement"], round(1 / 6, 4), places=4)

        self.assertEqual(page["cwv"], "fail")      # LCP is poor at p75
        e = page["engagement"]
        self.assertEqual(e["samples"], 4)
        self.assertAlmostEqual(e["engaged_ms_median"], 6500)
        self.assertAlmostEqual(e["engaged_ms_p75"], p75([1000, 4000, 9000, 20000]))
        self.assertEqual(e["scroll_depth"], {"0-25": 0.25, "25-50": 0.25, "50-75": 0,
                                             "75-100": 0.5})
        # the path filter leaves exactly this page, and the overall block is its figures
        self.assertEqual(len(doc["pages"]), 1)
        self.assertEqual(doc["n"], 11 + 7 + 6)
        self.assertAlmostEqual(doc["overall"]["vitals"]["LCP"]["p75"], 4000.5, places=3)
        self.assertEqual(doc["overall"]["cwv"], "fail")

    def test_pass_and_insufficient(self):
        good, thin = self.page("good"), self.page("thin")
        batch = ([{"name": "LCP", "value": 1000 + 100 * i, "url": good} for i in range(8)] +
                 [{"name": "CLS", "value": 0.01 * i, "url": good} for i in range(6)] +
                 [{"name": "LCP", "value": 900, "url": thin}] * 4 +
                 [{"name": "CLS", "value": 0.5, "url": thin}] * 4)
        self.assertEqual(self.track(batch).json["accepted"], len(batch))
        _, page = self.report(good)
        self.assertAlmostEqual(page["vitals"]["LCP"]["p75"], p75([1000 + 100 * i for i in range(8)]))
        self.assertEqual(page["vitals"]["LCP"]["rating"], "good")
        self.assertEqual(page["cwv"], "pass")      # LCP and CLS good; INP not measured
        _, page = self.report(thin)
        self.assertEqual(page["vitals"]["LCP"]["samples"], 4)
        self.assertEqual(page["vitals"]["LCP"]["status"], "insufficient data")
        self.assertIsNone(page["vitals"]["LCP"]["rating"])
        self.assertEqual(page["cwv"], "insufficient data")

    def test_device_filter(self):
        path = self.page("device")
        mobile = [3000, 3200, 3400, 3600, 3800]
        desktop = [1000, 1100, 1200, 1300, 1400, 1500]
        self.assertEqual(self.track([{"name": "LCP", "value": v, "url": path} for v in mobile],
                                    ua=IPHONE_UA).json["accepted"], 5)
        self.assertEqual(self.track([{"name": "LCP", "value": v, "url": path}
                                     for v in desktop]).json["accepted"], 6)
        self.assertEqual(psql_one("SELECT string_agg(DISTINCT device || ':' || browser, ',') FROM "
                                  "events WHERE site_id = %d AND path = :'v1' AND value >= 3000"
                                  % int(self.site_id), path), "mobile:Safari")
        doc, page = self.report(path, device="mobile")
        self.assertEqual(doc["device"], "mobile")
        self.assertEqual(page["vitals"]["LCP"]["samples"], 5)
        self.assertAlmostEqual(page["vitals"]["LCP"]["p75"], 3600)
        self.assertEqual(page["vitals"]["LCP"]["rating"], "needs-improvement")
        _, page = self.report(path, device="desktop")
        self.assertAlmostEqual(page["vitals"]["LCP"]["p75"], p75(desktop))
        _, page = self.report(path, device="tablet")
        self.assertIsNone(page)
        _, page = self.report(path)
        self.assertEqual(page["vitals"]["LCP"]["samples"], 11)
        self.assertAlmostEqual(page["vitals"]["LCP"]["p75"], p75(mobile + desktop))

    def test_site_filter(self):
        # another site tracks the same path: ?site= keeps the two apart
        path = self.page("shared")
        other = "it-other-%s.example" % RUN
        key = zoe("site", "add", "--domain", other, "--origin", "https://" + other)
        self.assertEqual(self.track([{"name": "CLS", "value": 0.02, "url": path}] * 5)
                         .json["accepted"], 5)
        r = post(TRACK, [{"name": "CLS", "value": 0.4, "url": path}] * 3, ua=CHROME_UA,
                 headers={"X-Site-Key": key, "Origin": "https://" + other})
        self.assertEqual(r.json["accepted"], 3, r)
        doc, page = self.report(path, site=self.domain)
        self.assertEqual(doc["site"], self.domain)
        self.assertEqual(page["vitals"]["CLS"]["samples"], 5)
        self.assertAlmostEqual(page["vitals"]["CLS"]["p75"], 0.02)
        _, page = self.report(path, site=other)
        self.assertEqual(page["vitals"]["CLS"]["samples"], 3)
        _, page = self.report(path)
        self.assertEqual(page["vitals"]["CLS"]["samples"], 8)
        doc, page = self.report(path, site="unknown-%s.example" % RUN)
        self.assertIsNone(page)
        self.assertEqual(doc["n"], 0)
        r = get(METRICS + "?site=a%20b", token=self.viewer)
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json["errors"][0]["field"], "site")

    def test_range_excludes_other_days(self):
        path = self.page("range")
        self.track([{"name": "LCP", "value": 1000, "url": path}] * 5)
        _, page = self.report(path, **{"from": "2020-01-01", "to": "2020-01-31"})
        self.assertIsNone(page)

    # ---- web-vitals reports: one per page load, the last one counts ----------------
    def cls_loads(self, path, batches):
        """Sends CLS reports as the library does, one request per batch of (id, value)."""
        tag = secrets.token_hex(3)
        for batch in batches:
            r = self.track([{"name": "CLS", "value": v, "id": "v5-%s-%s" % (tag, i),
                             "navigationType": "navigate", "url": path} for i, v in batch])
            self.assertEqual(r.status, 202, r)
            self.assertEqual(r.json, {"accepted": len(batch), "dropped": 0})

    def test_vitals_counted_once_per_page_load(self):
        # five page loads report CLS 0.02; two of them shift later and report again
        path = self.page("dedup")
        self.cls_loads(path, [[(c, 0.02) for c in "abcde"], [("a", 0.3), ("b", 0.3)]])
        self.assertEqual(self.stored("path = :'v1'", path), 7)     # ingest keeps every report
        doc, page = self.report(path)
        C = page["vitals"]["CLS"]
        self.assertEqual(C["samples"], 5)
        self.assertAlmostEqual(C["p75"], 0.3)
        self.assertEqual(C["rating"], "poor")
        self.assertEqual((C["good"], C["needs_improvement"], C["poor"]), (0.6, 0, 0.4))
        self.assertEqual(doc["n"], 5)
        self.assertEqual(doc["overall"]["vitals"]["CLS"]["samples"], 5)

    def test_vitals_repeated_within_one_batch(self):
        # the same reports in one request: the later entry of an id wins
        path = self.page("dedup-batch")
        self.cls_loads(path, [[(c, 0.02) for c in "abcde"] + [("a", 0.3), ("b", 0.3)]])
        self.assertEqual(self.stored("path = :'v1'", path), 5)
        self.assertEqual(psql_one("SELECT string_agg(value::text, ',' ORDER BY value) FROM events "
                                  "WHERE site_id = %d AND path = :'v1'" % int(self.site_id), path),
                         "0.02,0.02,0.02,0.3,0.3")
        _, page = self.report(path)
        C = page["vitals"]["CLS"]
        self.assertEqual((C["samples"], C["p75"], C["rating"]), (5, 0.3, "poor"))

    def test_only_a_stored_later_report_supersedes(self):
        # within one request a later entry of the same name and id replaces an earlier one
        # only when it is stored: an impossible value (dropped) or a custom event that
        # shares the name and id leaves the earlier report; another vital's name too
        path = self.page("dedup-kept")
        pid = "v5-%s" % secrets.token_hex(4)
        r = self.track([{"name": "CLS", "value": 0.02, "id": pid, "url": path},
                        {"name": "LCP", "value": 900, "id": pid, "url": path},
                        {"name": "CLS", "value": 500, "id": pid, "url": path},
                        {"type": "event", "name": "CLS", "id": pid, "url": path},
                        {"name": "INP", "value": 80, "id": pid, "url": path},
                        {"name": "INP", "value": 120, "id": pid, "url": path}])
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json, {"accepted": 5, "dropped": 1})
        self.assertEqual(psql_one("SELECT string_agg(kind || ':' || name || '=' ||"
                                  " coalesce(value::text, ''), ',' ORDER BY kind, name)"
                                  " FROM events WHERE site_id = %d AND path = :'v1'"
                                  % int(self.site_id), path),
                         "event:CLS=,vital:CLS=0.02,vital:INP=120,vital:LCP=900")

    def test_vitals_last_report_wins_not_the_largest(self):
        # INP may fall as interactions add up: the latest report is the page load's value
        path = self.page("dedup-last")
        tag = secrets.token_hex(3)
        for value in (600, 150):
            self.track([{"name": "INP", "value": value, "id": "v5-%s-%d" % (tag, i),
                         "url": path} for i in range(5)])
        _, page = self.report(path)
        I = page["vitals"]["INP"]
        self.assertEqual((I["samples"], I["p75"], I["rating"]), (5, 150, "good"))

    def test_vitals_dedup_keys_site_name_and_id(self):
        # the tracker's own measurements share one id for all vitals of a page load; a
        # bfcache restore gets a new id; another site may reuse an id: all count apart
        path = self.page("dedup-keys")
        other = "it-other2-%s.example" % RUN
        key = zoe("site", "add", "--domain", other, "--origin", "https://" + other)
        pid = "v1-%s" % secrets.token_hex(4)
        r = self.track([{"name": "LCP", "value": 1800, "id": pid, "url": path},
                        {"name": "CLS", "value": 0.05, "id": pid, "url": path},
                        {"name": "CLS", "value": 0.01, "id": pid + "-bf", "url": path,
                         "navigationType": "back-forward-cache"}])
        self.assertEqual(r.json["accepted"], 3, r)
        r = post(TRACK, {"name": "CLS", "value": 0.4, "id": pid, "url": path}, ua=CHROME_UA,
                 headers={"X-Site-Key": key, "Origin": "https://" + other})
        self.assertEqual(r.status, 202, r)
        _, page = self.report(path)
        self.assertEqual(page["vitals"]["LCP"]["samples"], 1)
        self.assertEqual(page["vitals"]["CLS"]["samples"], 3)
        _, page = self.report(path, site=self.domain)
        self.assertEqual(page["vitals"]["CLS"]["samples"], 2)
        self.assertAlmostEqual(page["vitals"]["CLS"]["p75"], 0.04)

    def test_recommendations_count_page_loads_once(self):
        # 20 page loads with CLS 0.02, six of them report 0.3 later: p75 is 0.3, a finding;
        # counting every report (26 samples) would put p75 at 0.02 and find nothing
        path = self.page("dedup-rule")
        url = self.origin + path
        self.cls_loads(url, [[(i, 0.02) for i in range(20)], [(i, 0.3) for i in range(6)]])
        editor = token_for("editor")
        try:
            r = post("/api/level2/optimization/recommend", {}, token=editor)
            self.assertEqual(r.status, 200, r)
            ev = psql_one("SELECT evidence::text FROM recommendations WHERE rule = 'cwv-cls' "
                          "AND target = :'v1' AND status = 'open'", url)
            self.assertTrue(ev, "cwv-cls finding for %s" % url)
            ev = json.loads(ev)
            self.assertEqual(ev["samples"], 20)
            self.assertAlmostEqual(ev["p75"], 0.3)
        finally:
            psql("DELETE FROM recommendations WHERE target = :'v1'", url)

    # ---- metrics: the page list a page at a time -----------------------------------
    def pages_of(self, domain, **q):
        """Every page of the report following next_cursor, and the replies."""
        pages, replies, cursor = [], [], None
        while True:
            if cursor:
                q["cursor"] = cursor
            r = get(METRICS + "?" + urllib.parse.urlencode(dict(q, site=domain)), token=self.viewer)
            self.assertEqual(r.status, 200, r)
            replies.append(r.json)
            pages += r.json["pages"]
            cursor = r.json["next_cursor"]
            if not cursor:
                return pages, replies
            self.assertLess(len(replies), 20, "the cursors do not end")

    def test_pages_limit_and_cursor(self):
        # five viewed pages (two tie on 3 views: by path then, in byte order, "/B" before
        # "/b" as the C collation puts it, unlike a language's), vitals and engagement on
        # some, and one page with vitals but no pageview
        domain = "it-paged-%s.example" % RUN
        key = zoe("site", "add", "--domain", domain, "--origin", "https://" + domain)
        views = {"/e": 1, "/a": 5, "/B": 3, "/b": 3, "/d": 4}
        batch = [{"type": "pageview", "url": p} for p, n in views.items() for _ in range(n)]
        batch += [{"name": "LCP", "value": 1000 + 300 * i, "url": p}
                  for i, p in enumerate(["/a", "/a", "/b", "/B", "/B", "/B", "/e"] * 2)]
        batch += [{"type": "engagement", "url": p, "engaged_ms": 1000 * (i + 1), "scroll_pct": 20 * i}
                  for i, p in enumerate(["/a", "/b", "/b", "/d", "/e"])]
        batch += [{"name": "CLS", "value": 0.05, "url": "/unviewed"}] * 5
        r = post(TRACK, batch, ua=CHROME_UA, headers={"X-Site-Key": key,
                                                      "Origin": "https://" + domain})
        self.assertEqual(r.json["accepted"], len(batch), r)
        order = ["/a", "/d", "/B", "/b", "/e"]

        whole, replies = self.pages_of(domain)        # default limit 100: one reply
        self.assertEqual(len(replies), 1)
        self.assertEqual([p["path"] for p in whole], order)
        self.assertEqual({p["path"]: p["pageviews"] for p in whole}, views)
        self.assertEqual(replies[0]["pages_total"], 5)
        self.assertIsNone(replies[0]["next_cursor"])

        paged, replies = self.pages_of(domain, limit=2)
        self.assertEqual([len(r["pages"]) for r in replies], [2, 2, 1])
        self.assertEqual({r["pages_total"] for r in replies}, {5})
        self.assertEqual(paged, whole)                # every figure as in the whole list
        overall = replies[0]["overall"]
        for r in replies:                             # the overall block is over all pages
            self.assertEqual((r["overall"], r["n"]), (overall, replies[0]["n"]))
        self.assertEqual(overall["vitals"]["LCP"]["samples"], 14)
        self.assertEqual(overall["vitals"]["CLS"]["samples"], 5)
        self.assertEqual(overall["engagement"]["samples"], 5)
        for page in whole:                            # and as the page asked for alone
            doc, alone = self.report(page["path"], site=domain)
            self.assertEqual(alone, page)
            self.assertEqual((doc["pages_total"], doc["next_cursor"]), (1, None))
        # a page with vitals but no pageview in the range is no entry of the list;
        # asked for by path it is answered
        doc, alone = self.report("/unviewed", site=domain)
        self.assertEqual((alone["pageviews"], alone["vitals"]["CLS"]["samples"]), (0, 5))
        self.assertEqual(doc["pages_total"], 1)
        # a cursor past the end: no pages, the overall figures all the same
        last = replies[-2]["next_cursor"]
        r = get(METRICS + "?" + urllib.parse.urlencode({"site": domain, "limit": 10,
                                                        "cursor": last}), token=self.viewer)
        self.assertEqual([p["path"] for p in r.json["pages"]], ["/e"])
        self.assertIsNone(r.json["next_cursor"])

    def test_pages_paging_bad_values(self):
        for q, field in (("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"),
                         ("cursor=nope", "cursor"), ("cursor=b2Zmc2V0Oi0x", "cursor"),
                         ("cursor=" + "A" * 65, "cursor"), ("cursor=", "cursor")):
            r = get(METRICS + "?" + q, token=self.viewer)
            p = is_problem(self, r, 422)
            self.assertEqual([e["field"] for e in p["errors"]], [field], q)
        r = get(METRICS + "?limit=1000", token=self.viewer)
        self.assertEqual(r.status, 200, r)

    def test_metrics_validation_and_role(self):
        is_problem(self, get(METRICS), 401)
        r = get(METRICS + "?device=fridge&from=2024-13-01&tz=Mars/Base&path=nope",
                token=self.viewer)
        p = is_problem(self, r, 422)
        self.assertEqual(sorted(e["field"] for e in p["errors"]),
                         ["device", "from", "path", "tz"])
        r = get(METRICS + "?from=2024-02-01&to=2024-01-01", token=self.viewer)
        is_problem(self, r, 422)
        # a site key is no way into the reports
        r = get(METRICS, headers={"X-Site-Key": self.key, "Origin": self.origin})
        is_problem(self, r, 401)


if __name__ == "__main__":
    unittest.main()
