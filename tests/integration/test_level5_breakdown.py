"""#46 GET /api/level5/analytics/breakdown: Plausible's figures per value of every
property, visit-level properties counted per visit, filters (is / is_not / contains,
combined, Plausible's prefixes), pagination, CSV without a row cap, 422, roles; and the
dimensions the beacon ingest fills (OS, UTM, grouped source; no country for loopback)."""
import csv
import io
import json
import unittest
import urllib.parse

from zoelib import IPHONE_UA, RUN, get, is_problem, post, psql, psql_one, rollup, token_for, zoe

PATH = "/api/level5/analytics/breakdown"
DOMAIN = "bd-%s.example.org" % RUN
BIG = "bd-big-%s.example.org" % RUN
REF_GOOGLE = "https://www.google.de/search?q=photovoltaik"

# (local time, visitor, kind, path, name, referrer, source_group, utm_source, utm_medium,
#  utm_campaign, device, browser, os, country, region)
W = ("desktop", "Chrome", "Windows", "DE", "DE-BY")
EVENTS = [
    # visit A: Google, /a -> /b, a lead after 20 min: 1200 s, converted
    ("2026-03-10 10:00:00+01", 1, "pageview", "/a", None, REF_GOOGLE, "Google", None, None, None) + W,
    ("2026-03-10 10:05:00+01", 1, "pageview", "/b", None, None, "Direct / None", None, None, None) + W,
    ("2026-03-10 10:20:00+01", 1, "event", "/angebot", "lead", None, "Direct / None", None, None,
     None) + W,
    # visit B (40 min later): direct, one pageview and engagement: a bounce
    ("2026-03-10 11:00:00+01", 1, "pageview", "/a", None, None, "Direct / None", None, None, None) + W,
    ("2026-03-10 11:00:30+01", 1, "engagement", "/a", None, None, "Direct / None", None, None,
     None) + W,
    # visit C: from ChatGPT, /a -> /c in 1799 s; the second view's own source does not count
    ("2026-03-10 12:00:00+01", 2, "pageview", "/a", None, "https://chatgpt.com/", "AI assistants",
     "chatgpt.com", None, None, "mobile", "Safari", "iOS", "AT", None),
    ("2026-03-10 12:29:59+01", 2, "pageview", "/c", None, None, "Direct / None", None, None, None,
     "mobile", "Safari", "iOS", "AT", None),
    # visit D: a Facebook campaign, /b and a signup after 60 s
    ("2026-03-12 09:00:00+01", 3, "pageview", "/b", None, "https://l.facebook.com/l.php?u=x", "Social",
     "facebook", "social", "fruehling", "mobile", "Chrome", "Android", "DE", "DE-NW"),
    ("2026-03-12 09:01:00+01", 3, "event", "/b", "signup", None, "Social", "facebook", "social",
     "fruehling", "mobile", "Chrome", "Android", "DE", "DE-NW"),
    # visit E: a Google ad, one pageview: a bounce
    ("2026-03-13 08:00:00+01", 4, "pageview", "/a", None, "https://www.google.com/", "Google",
     "google", "cpc", "fruehling", "tablet", "Safari", "iOS", "CH", None),
    # visit F: stored before sql/019 (no dimensions): its source falls back to the old column
    ("2026-03-14 10:00:00+01", 6, "pageview", "/z", None, "https://%s/intern" % DOMAIN, None, None,
     None, None, "desktop", "Firefox", None, None, None),
    # outside the range
    ("2026-03-05 10:00:00+01", 5, "pageview", "/a", None, None, "Direct / None", None, None, None) + W,
]
CUR = {"from": "2026-03-09", "to": "2026-03-15"}
KEYS = ("visitors", "visits", "pageviews", "bounce_rate", "visit_duration", "conversions",
        "conversion_rate")


def q(v):
    return "NULL" if v is None else "'%s'" % v.replace("'", "''")


def url(**query):
    query = {**CUR, **query}
    query.setdefault("site", DOMAIN)
    if isinstance(query.get("filters"), list):
        query["filters"] = json.dumps(query["filters"])
    return PATH + "?" + urllib.parse.urlencode(query)


def figures(*values):
    return dict(zip(KEYS, values))


class Breakdown(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        zoe("site", "add", "--domain", DOMAIN, "--origin", "https://" + DOMAIN)
        rows = ",".join("(%s)" % ", ".join(
            ["'%s'::timestamptz" % e[0], str(e[1])] + [q(v) for v in e[2:]]) for e in EVENTS)
        psql("INSERT INTO events (site_id, host, source, ts, visitor_id, kind, path, name, referrer,"
             " source_group, utm_source, utm_medium, utm_campaign, device, browser, os, country,"
             " region) SELECT (SELECT id FROM sites WHERE domain = :'v1'), :'v1', 'direct', t.*"
             " FROM (VALUES %s) t" % rows,
             DOMAIN)
        rollup()     # past events: late rows for the rollups (page, device, browser read them)
        cls.token = token_for("viewer")

    def fetch(self, **query):
        r = get(url(**query), token=self.token)
        self.assertEqual(r.status, 200, r)
        return r.json

    def items(self, prop, **query):
        j = self.fetch(property=prop, **query)
        return {i["value"]: {k: i[k] for k in KEYS} for i in j["items"]}, \
            [i["value"] for i in j["items"]]

    def test_pages_counted_per_event(self):
        self.assertEqual(self.fetch()["property"], "page")      # the default
        j = self.fetch(property="page")
        self.assertEqual((j["property"], j["counted_per"], j["total_values"]), ("page", "event", 4))
        # the page figures per day and week answer (sql/061), visitors from sketches
        self.assertEqual((j["computed_from"], j["visitors_counted"]), ("page_days", "hll"))
        self.assertEqual(j["totals"], figures(5, 6, 8, 0.5, 509.8, 1, 0.1667))
        by, order = self.items("page")
        self.assertEqual(order, ["/a", "/b", "/c", "/z"])
        self.assertEqual(by["/a"], figures(3, 4, 4, 0.5, 749.8, 1, 0.25))
        self.assertEqual(by["/b"], figures(2, 2, 2, 0.0, 630.0, 1, 0.5))
        self.assertEqual(by["/c"], figures(1, 1, 1, 0.0, 1799.0, 0, 0.0))
        self.assertEqual(by["/z"], figures(1, 1, 1, 1.0, 0.0, 0, 0.0))
        # over every site: the page figures are kept per site, the page rows answer
        r = get(PATH + "?" + urllib.parse.urlencode({**CUR, "property": "page"}), token=self.token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["computed_from"], r.json["visitors_counted"]),
                         ("visit_pages", "exact"))

    def test_entry_and_exit_pages_per_visit(self):
        self.assertEqual(self.fetch(property="entry_page")["computed_from"], "page_days")
        by, order = self.items("entry_page")
        self.assertEqual(order, ["/a", "/b", "/z"])
        self.assertEqual(by["/a"], figures(3, 4, 6, 0.5, 749.8, 1, 0.25))
        self.assertEqual(by["/b"], figures(1, 1, 1, 0.0, 60.0, 0, 0.0))
        by, order = self.items("exit_page")
        self.assertEqual(order, ["/a", "/b", "/c", "/z"])
        self.assertEqual(by["/a"], figures(2, 2, 2, 1.0, 0.0, 0, 0.0))
        self.assertEqual(by["/b"], figures(2, 2, 3, 0.0, 630.0, 1, 0.5))
        self.assertEqual(self.fetch(property="exit_page")["counted_per"], "visit")

    def test_sources_grouped_and_referrers(self):
        by, order = self.items("source")
        self.assertEqual(order, ["Direct / None", "Google", "AI assistants", "Social"])
        self.assertEqual(by["Google"], figures(2, 2, 3, 0.5, 600.0, 1, 0.5))
        self.assertEqual(by["AI assistants"], figures(1, 1, 2, 0.0, 1799.0, 0, 0.0))
        self.assertEqual(by["Social"], figures(1, 1, 1, 0.0, 60.0, 0, 0.0))
        # B is direct; F, stored without a group, falls back to its "direct" source
        self.assertEqual(by["Direct / None"], figures(2, 2, 2, 1.0, 0.0, 0, 0.0))
        by, order = self.items("referrer")
        self.assertEqual(order, ["Direct / None", "https://chatgpt.com/",
                                 "https://l.facebook.com/l.php", "https://www.google.com/",
                                 "https://www.google.de/search"])
        self.assertEqual(by["Direct / None"]["visits"], 2)   # B, and F from its own site

    def test_utm_devices_os_countries(self):
        by, order = self.items("utm_campaign")
        self.assertEqual(order, ["fruehling"])
        self.assertEqual(by["fruehling"], figures(2, 2, 2, 0.5, 30.0, 0, 0.0))
        self.assertEqual(self.items("utm_source")[1], ["chatgpt.com", "facebook", "google"])
        self.assertEqual(self.items("utm_medium")[1], ["cpc", "social"])
        by, order = self.items("device")
        self.assertEqual(order, ["desktop", "mobile", "tablet"])
        self.assertEqual(by["desktop"], figures(2, 3, 4, 0.6667, 400.0, 1, 0.3333))
        self.assertEqual(self.items("browser")[1], ["Chrome", "Safari", "Firefox"])
        self.assertEqual(self.items("os")[1], ["iOS", "Android", "Windows"])
        by, order = self.items("country")
        self.assertEqual(order, ["DE", "AT", "CH"])
        self.assertEqual(by["DE"], figures(2, 3, 4, 0.3333, 420.0, 1, 0.3333))
        self.assertEqual(self.items("region")[1], ["DE-BY", "DE-NW"])
        self.assertEqual(self.fetch(property="country")["geo_source"],
                         "GeoIP country database (2019)")

    def test_goals(self):
        by, order = self.items("goal")
        self.assertEqual(order, ["lead", "signup"])
        # conversions are the visits with the goal, the rate over all six visits
        self.assertEqual(by["lead"], figures(1, 1, 0, 0.0, 1200.0, 1, 0.1667))
        self.assertEqual(by["signup"], figures(1, 1, 0, 0.0, 60.0, 1, 0.1667))
        by, _ = self.items("goal", goal="signup")
        self.assertEqual(by["signup"]["conversions"], 1)

    def test_filter_is(self):
        j = self.fetch(property="page", filters=[["is", "device", ["mobile"]]])
        self.assertEqual({i["value"]: i["pageviews"] for i in j["items"]}, {"/a": 1, "/b": 1, "/c": 1})
        self.assertEqual((j["totals"]["visitors"], j["totals"]["visits"], j["totals"]["pageviews"]),
                         (2, 2, 3))
        self.assertEqual(j["filters"], [["is", "device", ["mobile"]]])
        self.assertEqual(j["computed_from"], "page_days")
        # whole days rolled, a filter on the device: the per-day figures answer
        j = self.fetch(property="source", filters=[["is", "device", ["mobile"]]])
        self.assertEqual((j["computed_from"], j["visitors_counted"]), ("visit_days", "hll"))
        self.assertEqual({i["value"]: i["visits"] for i in j["items"]},
                         {"AI assistants": 1, "Social": 1})
        self.assertEqual((j["totals"]["visitors"], j["totals"]["visits"], j["totals"]["pageviews"]),
                         (2, 2, 3))
        # several values: either
        by, _ = self.items("device", filters=[["is", "country", ["AT", "CH"]]])
        self.assertEqual(sorted(by), ["mobile", "tablet"])

    def test_filter_is_not_and_contains(self):
        j = self.fetch(property="source", filters=[["is_not", "country", ["DE"]]])
        self.assertEqual((j["computed_from"], j["visitors_counted"]), ("visits", "exact"))
        by, _ = self.items("source", filters=[["is_not", "country", ["DE"]]])
        self.assertEqual(sorted(by), ["AI assistants", "Direct / None", "Google"])
        self.assertEqual(by["Google"], figures(1, 1, 1, 1.0, 0.0, 0, 0.0))
        # contains: /angebot holds "/a" too, so visit A keeps its lead
        by, _ = self.items("source", filters=[["contains", "page", ["/a"]]])
        self.assertEqual(by["Google"], figures(2, 2, 2, 0.5, 600.0, 1, 0.5))
        self.assertEqual(sorted(by), ["AI assistants", "Direct / None", "Google"])

    def test_filters_combined_with_plausible_prefixes(self):
        j = self.fetch(property="page", filters=[["is", "visit:source", ["Google"]],
                                                 ["contains", "event:page", ["/b"]]])
        self.assertEqual([(i["value"], i["visitors"], i["pageviews"]) for i in j["items"]],
                         [("/b", 1, 1)])
        self.assertEqual(j["filters"], [["is", "source", ["Google"]], ["contains", "page", ["/b"]]])
        # a goal filter keeps the visits with such a goal event, and their pageviews
        by, _ = self.items("source", filters=[["is", "goal", ["lead"]]])
        self.assertEqual(by, {"Google": figures(1, 1, 2, 0.0, 1200.0, 1, 1.0)})
        # a page filter and a goal filter: a pageview there and such a goal event in the
        # visit; its pageviews are those the page filter keeps
        by, _ = self.items("source", filters=[["is", "page", ["/b"]], ["is", "goal", ["lead"]]])
        self.assertEqual(by, {"Google": figures(1, 1, 1, 0.0, 1200.0, 1, 1.0)})
        by, _ = self.items("goal", filters=[["is", "page", ["/b"]]])
        self.assertEqual(sorted(by), ["lead", "signup"])
        self.assertEqual(self.items("goal", filters=[["is", "page", ["/c"]]])[1], [])

    def test_days_equal_the_visits_in_any_zone(self):
        # ranges whose edges cut Berlin days: the whole days from the per-day figures, the
        # edges from the visits; a filter that holds for every visit makes the visits answer
        every = [["is_not", "country", ["-"]]]
        for tz, t0, t1 in (("America/New_York", "2026-03-10", "2026-03-12"),
                           ("UTC", "2026-03-12", "2026-03-13"), ("UTC", "2026-03-09", "2026-03-15"),
                           ("Europe/Berlin", "2026-03-10", "2026-03-10")):
            for prop in ("source", "device", "goal", "referrer", "browser", "utm_campaign"):
                days = self.fetch(property=prop, tz=tz, **{"from": t0, "to": t1})
                exact = self.fetch(property=prop, tz=tz, filters=every, **{"from": t0, "to": t1})
                what = (tz, t0, t1, prop)
                self.assertEqual((days["computed_from"], exact["computed_from"]),
                                 ("visit_days", "visits"), what)
                self.assertGreater(exact["totals"]["visits"], 0, what)
                self.assertEqual(days["totals"], exact["totals"], what)
                self.assertEqual(days["items"], exact["items"], what)
                self.assertEqual(days["total_values"], exact["total_values"], what)

    def test_page_rows_equal_the_visits_in_any_zone(self):
        # the pages (viewed, entry, exit) from the page figures per day and week (sql/061:
        # 2026-03-09 to 15 is a Berlin week, 2026-02-02 to 03-29 eight of them) against the
        # visits read whole: every figure,
        # with and without a device filter, over ranges whose edges cut Berlin days (the
        # visits' page rows of sql/053 there); a filter that holds for every visit makes
        # the visits answer. Visitors too: a sketch of a few visitors counts them exactly
        every = [["is_not", "country", ["-"]]]
        for tz, t0, t1 in (("America/New_York", "2026-03-10", "2026-03-12"),
                           ("UTC", "2026-03-12", "2026-03-13"), ("UTC", "2026-03-09", "2026-03-15"),
                           ("Europe/Berlin", "2026-03-10", "2026-03-10"),
                           ("Europe/Berlin", "2026-03-09", "2026-03-15"),
                           ("Europe/Berlin", "2026-02-02", "2026-03-29")):
            for prop in ("page", "entry_page", "exit_page"):
                for filters in ([], [["is", "device", ["mobile"]]],
                                [["is_not", "visit:device", ["mobile"]]],
                                [["contains", "device", ["o", "a"]]]):
                    rng = dict(tz=tz, property=prop, **{"from": t0, "to": t1})
                    rows = self.fetch(filters=filters, **rng)
                    exact = self.fetch(filters=filters + every, **rng)
                    what = (tz, t0, t1, prop, filters)
                    self.assertEqual((rows["computed_from"], rows["visitors_counted"],
                                      exact["computed_from"]), ("page_days", "hll", "visits"),
                                     what)
                    self.assertEqual(rows["totals"], exact["totals"], what)
                    self.assertEqual(rows["items"], exact["items"], what)
                    self.assertEqual(rows["total_values"], exact["total_values"], what)
        # the wider range holds every visit, a goal-only one among them (no page row of
        # its own but in the totals), and its conversions per page follow ?goal=
        rng = dict(tz="UTC", **{"from": "2026-03-01", "to": "2026-03-31"})
        for goal in ("lead", "signup", "none"):
            rows = self.fetch(property="page", goal=goal, **rng)
            exact = self.fetch(property="page", goal=goal, filters=every, **rng)
            self.assertEqual((rows["totals"], rows["items"]), (exact["totals"], exact["items"]), goal)
        self.assertEqual(self.fetch(property="page", goal="signup", **rng)["totals"]["conversions"], 1)

    def test_page_rows_follow_a_visit_rolled_again(self):
        # a visit of its own day (outside the other tests' range), then a late pageview
        # joins it after its hour was rolled: rolling it again replaces its page rows
        rng = {"from": "2026-03-20", "to": "2026-03-20", "tz": "Europe/Berlin"}
        add = ("INSERT INTO events (site_id, host, ts, visitor_id, kind, path, source_group, device)"
               " SELECT id, domain, :'v2', 8, 'pageview', :'v3', 'Google', 'tablet'"
               " FROM sites WHERE domain = :'v1'")
        psql(add, DOMAIN, "2026-03-20 08:00+01", "/frueh")
        rollup()
        self.assertEqual(self.items("page", **rng)[0], {"/frueh": figures(1, 1, 1, 1.0, 0.0, 0, 0.0)})
        psql(add, DOMAIN, "2026-03-20 08:10+01", "/spaet")
        rollup()
        j = self.fetch(property="page", **rng)
        self.assertEqual(j["computed_from"], "page_days")
        self.assertEqual({i["value"]: (i["visits"], i["pageviews"], i["bounce_rate"], i["visit_duration"])
                          for i in j["items"]}, {"/frueh": (1, 1, 0.0, 600.0), "/spaet": (1, 1, 0.0, 600.0)})
        self.assertEqual(psql_one("SELECT count(*) FROM visit_pages p JOIN sites s ON s.id = p.site_id"
                                  " WHERE s.domain = :'v1' AND p.visitor_id = 8", DOMAIN), "2")
        self.assertEqual([i["value"] for i in self.fetch(property="exit_page", **rng)["items"]],
                         ["/spaet"])
        self.assertEqual([i["value"] for i in self.fetch(property="entry_page", **rng)["items"]],
                         ["/frueh"])
        # its Berlin week (Monday 16 to Sunday 22) is read from the week rows, which
        # were computed again from its day
        week = {"from": "2026-03-16", "to": "2026-03-22", "tz": "Europe/Berlin"}
        self.assertEqual(psql_one("SELECT string_agg(w.page || ':' || w.visits || ':' || w.pageviews,"
                                  " ' ' ORDER BY w.page) FROM page_weeks w JOIN sites s"
                                  " ON s.id = w.site_id WHERE s.domain = :'v1' AND w.property = 'page'"
                                  " AND w.device = '*' AND w.week = '2026-03-16 00:00+01'", DOMAIN),
                         "/frueh:1:1 /spaet:1:1")
        j = self.fetch(property="page", **week)
        self.assertEqual((j["computed_from"], j["totals"]["visits"]), ("page_days", 1))
        self.assertEqual(self.items("page", **week)[0], self.items("page", **rng)[0])

    def test_a_filter_on_the_property_itself_answers_from_the_days(self):
        # a click on a value of the list: the row of that value, the same figures as
        # unfiltered (visitors from the same sketches), and the visits agree
        every = ["is_not", "country", ["-"]]
        for tz, t0, t1 in (("UTC", "2026-03-09", "2026-03-15"),
                           ("America/New_York", "2026-03-10", "2026-03-12")):
            rng = dict(tz=tz, **{"from": t0, "to": t1})
            plain = self.fetch(property="source", **rng)
            first, second = plain["items"][0], plain["items"][1]
            for filters in ([["is", "source", [first["value"]]]],
                            [["is", "visit:source", [first["value"], second["value"]]],
                             ["is", "device", ["mobile", "desktop", "tablet"]]],
                            [["contains", "source", [first["value"][1:3]]]]):
                days = self.fetch(property="source", filters=filters, **rng)
                exact = self.fetch(property="source", filters=filters + [every], **rng)
                what = (tz, filters)
                self.assertEqual((days["computed_from"], exact["computed_from"]),
                                 ("visit_days", "visits"), what)
                self.assertEqual(days["items"], exact["items"], what)
                self.assertEqual(days["totals"], exact["totals"], what)
            one = self.fetch(property="source", filters=[["is", "source", [first["value"]]]], **rng)
            self.assertEqual(one["items"], [first])
            # is_not keeps the visits without a value: the visits answer it
            self.assertEqual(self.fetch(property="source", filters=[["is_not", "source", ["x"]]],
                                        **rng)["computed_from"], "visits")

    def test_late_visit_into_a_closed_day(self):
        old = {"from": "2026-03-04", "to": "2026-03-06", "property": "source"}
        self.assertEqual(self.fetch(**old)["totals"]["visits"], 1)
        psql("INSERT INTO events (site_id, host, ts, visitor_id, kind, path, source_group, device)"
             " SELECT id, domain, '2026-03-05 15:00+01', 7, 'pageview', '/spaet', 'Bing', 'mobile'"
             " FROM sites WHERE domain = :'v1'", DOMAIN)
        rollup()
        j = self.fetch(**old)
        self.assertEqual(j["computed_from"], "visit_days")
        self.assertEqual((j["totals"]["visitors"], j["totals"]["visits"]), (2, 2))
        self.assertEqual({i["value"]: i["visits"] for i in j["items"]},
                         {"Direct / None": 1, "Bing": 1})

    def test_pagination(self):
        j = self.fetch(property="page", limit=2)
        self.assertEqual([i["value"] for i in j["items"]], ["/a", "/b"])
        self.assertIsNotNone(j["next_cursor"])
        k = self.fetch(property="page", limit=2, cursor=j["next_cursor"])
        self.assertEqual([i["value"] for i in k["items"]], ["/c", "/z"])
        self.assertIsNone(k["next_cursor"])
        self.assertEqual(k["totals"], j["totals"])

    def test_pages_ranked_by_visitors_not_visits(self):
        # The page figures merge the visitor sketches of the pages that can rank on the
        # page asked for, those first by visits and then those whose visits reach the
        # k-th visitors (sql/064): here the page with the most visits has the fewest
        # visitors, so the first by visitors is found only in the second round.
        site = "bd-rank-%s.example.org" % RUN
        zoe("site", "add", "--domain", site, "--origin", "https://" + site)
        # /many: one visitor, 6 visits; /wide: 4 visitors, a visit each; /mid: 2 visitors,
        # 2 visits each (visits two hours apart)
        hits = [(1, "/many", h) for h in range(6)] + [(v, "/wide", v) for v in (2, 3, 4, 5)] + \
            [(v, "/mid", h) for v in (6, 7) for h in (0, 1)]
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device)"
             " SELECT (SELECT id FROM sites WHERE domain = :'v1'),"
             "  '2026-03-11 08:00+01'::timestamptz + h * interval '2 hours', v, 'pageview', p,"
             "  'desktop' FROM (VALUES %s) t(v, p, h)"
             % ",".join("(%d, '%s', %d)" % x for x in hits), site)
        rollup()
        want = [("/wide", 4, 4), ("/mid", 2, 4), ("/many", 1, 6)]
        j = self.fetch(property="page", site=site, limit=3)
        self.assertEqual([(i["value"], i["visitors"], i["visits"]) for i in j["items"]], want)
        got, cursor = [], None
        for _ in want:
            j = self.fetch(property="page", site=site, limit=1, **({"cursor": cursor} if cursor else {}))
            self.assertEqual((j["computed_from"], j["total_values"]), ("page_days", 3))
            got += [(i["value"], i["visitors"], i["visits"]) for i in j["items"]]
            cursor = j["next_cursor"]
        self.assertEqual((got, cursor), (want, None))
        r = get(url(property="page", format="csv", site=site), token=self.token)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"))))
        self.assertEqual([(x[0], int(x[1]), int(x[2])) for x in rows[1:]], want)

    def test_csv(self):
        r = get(url(property="source", format="csv"), token=self.token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(r.headers["Content-Disposition"],
                         'attachment; filename="breakdown-source.csv"')
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"))))
        self.assertEqual(rows[0], ["source"] + list(KEYS))
        self.assertEqual(rows[1], ["Direct / None", "2", "2", "2", "1", "0", "0", "0"])
        self.assertEqual(rows[2], ["Google", "2", "2", "3", "0.5", "600", "1", "0.5"])
        self.assertEqual(len(rows), 5)

    def test_csv_has_no_row_cap(self):
        zoe("site", "add", "--domain", BIG, "--origin", "https://" + BIG)
        psql("INSERT INTO events (site_id, ts, visitor_id, kind, path, device)"
             " SELECT (SELECT id FROM sites WHERE domain = :'v1'),"
             "  '2026-03-11 12:00+01'::timestamptz + g * interval '1 hour', g, 'pageview',"
             "  '/' || repeat('x', 200) || '/' || lpad(g::text, 4, '0'), 'desktop'"
             " FROM generate_series(1, 1200) g", BIG)
        rollup()
        r = get(url(property="page", format="csv", site=BIG, to="2026-04-30"), token=self.token)
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"))))
        self.assertEqual(len(rows), 1201)     # more than 500 (the page limit), > 64 KiB parts
        self.assertEqual(rows[1][0], "/" + "x" * 200 + "/0001")
        self.assertEqual(rows[-1][0], "/" + "x" * 200 + "/1200")
        j = self.fetch(property="page", site=BIG, to="2026-04-30", limit=500)
        self.assertEqual((len(j["items"]), j["total_values"]), (500, 1200))

    def test_422_names_the_field(self):
        cases = [
            (dict(property="colour"), ["property"]),
            (dict(property="page", filters="not json"), ["filters"]),
            (dict(property="page", filters='{"is": "page"}'), ["filters"]),
            (dict(property="page", filters=[["equals", "page", ["/a"]]]), ["filters[0]"]),
            (dict(property="page", filters=[["is", "page", ["/a"]], ["is", "colour", ["x"]]]),
             ["filters[1]"]),
            (dict(property="page", filters=[["is", "page", []]]), ["filters[0]"]),
            (dict(property="page", filters=[["is", "page", [1]]]), ["filters[0]"]),
            (dict(property="page", limit=0), ["limit"]),
            (dict(property="page", limit=501), ["limit"]),
            (dict(property="page", cursor="bm9wZQ"), ["cursor"]),
            (dict(property="page", format="xml"), ["format"]),
            (dict(property="page", site="unknown-%s.example" % RUN), ["site"]),
            (dict(property="page", tz="Mars/Olympus"), ["tz"]),
        ]
        for query, fields in cases:
            p = is_problem(self, get(url(**query), token=self.token), 422)
            self.assertEqual([e["field"] for e in p["errors"]], fields, query)

    def test_roles(self):
        is_problem(self, get(url(property="page")), 401)
        is_problem(self, get(url(property="page"), token="not-a-jwt"), 401)
        for role in ("viewer", "analyst", "admin"):
            self.assertEqual(get(url(property="page"), token=token_for(role)).status, 200)


class IngestDimensions(unittest.TestCase):
    def test_beacon_fills_the_dimensions(self):
        domain = "bd-ingest-%s.example" % RUN
        key = zoe("site", "add", "--domain", domain, "--origin", "https://" + domain)
        page = "/bd-%s" % RUN
        r = post("/api/level2/ux-signals/track", {
            "type": "pageview",
            "url": "https://%s%s?utm_source=Newsletter&utm_medium=e-mail&utm_campaign=fr%%C3%%BChling"
                   % (domain, page),
            "referrer": "https://chatgpt.com/c/123"},
            headers={"X-Site-Key": key, "Origin": "https://" + domain}, ua=IPHONE_UA)
        self.assertEqual(r.status, 202, r)
        row = psql_one("SELECT concat_ws('|', os, coalesce(country, '-'), coalesce(region, '-'),"
                       " utm_source, utm_medium, utm_campaign, source_group, device)"
                       " FROM events WHERE path = :'v1'", page)
        # utm_source wins over the referrer; loopback has no country
        self.assertEqual(row, "iOS|-|-|Newsletter|e-mail|frühling|Newsletter|mobile")
        r = post("/api/level2/ux-signals/track", {"type": "pageview", "url": page + "-2",
                                                   "referrer": "https://www.bing.com/search?q=pv"},
                 headers={"X-Site-Key": key, "Origin": "https://" + domain}, ua=IPHONE_UA)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(psql_one("SELECT source_group || '|' || coalesce(utm_source, '-')"
                                  " FROM events WHERE path = :'v1'", page + "-2"), "Bing|-")


if __name__ == "__main__":
    unittest.main()
