"""#38-#42 international and local: locations, locations-report, events,
events-report, languages (hreflang clusters).

Every test uses keys and cluster names with this run's tag, so other runs
and the demo data never interfere.
"""
import json
import math
import os
import unittest

from zoelib import RUN, get, is_problem, post, psql_one, request, token_for

LOC = "/api/level4/intl-local/locations"
LOC_REPORT = "/api/level4/intl-local/locations-report"
EVENTS = "/api/level4/intl-local/events"
EVENTS_REPORT = "/api/level4/intl-local/events-report"
LANG = "/api/level4/intl-local/languages"
SCHEMAS = os.path.join(os.path.dirname(__file__), "../../handlers/schemas")
ORG = {"name": "ZOE Solar GmbH", "url": "https://zoe-solar.de"}


def key(tag):
    return "it%s-%s" % (RUN, tag)


def check_schema(name, doc):
    try:
        import jsonschema
    except ImportError:        # the contract test validates every reply as well
        return
    with open(os.path.join(SCHEMAS, name + ".json"), encoding="utf-8") as f:
        jsonschema.validate(doc, json.load(f))


def fields(case, r):
    return sorted(e["field"] for e in is_problem(case, r, 422)["errors"])


def haversine(lat1, lon1, lat2, lon2, r=6371.0088):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def berlin(tag="berlin", **over):
    loc = {"key": key(tag), "name": "ZOE Solar Berlin", "type": "Electrician",
           "street": "Beispielstraße 12", "postal_code": "D-10115", "city": "Berlin",
           "country": "DE", "lat": 52.5321, "lon": 13.3849, "phone": "+49 (0)30 23125 101",
           "url": "https://zoe-solar.de/standorte/berlin",
           "hours": "Mo-Fr 08:00-17:00; Sa 09:00-13:00",
           "hours_exceptions": [{"date": "2026-12-24", "through": "2026-12-26", "closed": True}],
           "service_area": {"radius_km": 60}, "languages": ["de", "en-gb"],
           "citations": [
               # the same NAP written differently: no finding
               {"source": "Google Business Profile", "name": "ZOE Solar Berlin GmbH",
                "street": "Beispielstr. 12", "postal_code": "10115", "city": "BERLIN",
                "phone": "030 23125101"},
               # an old number: a finding
               {"source": "Gelbe Seiten", "name": "ZOE Solar Berlin", "phone": "030 23125 199"}]}
    loc.update(over)
    return loc


def potsdam(tag="potsdam", **over):
    loc = {"key": key(tag), "name": "ZOE Solar Potsdam", "street": "Musterweg 5",
           "postal_code": "14467", "city": "Potsdam", "country": "DE", "lat": 52.398,
           "lon": 13.06, "phone": "0331 123456", "service_area": {"radius_km": 40},
           "hours": [{"@type": "OpeningHoursSpecification", "dayOfWeek": ["Monday", "Tuesday"],
                      "opens": "08:00", "closes": "16:00"},
                     {"dayOfWeek": "https://schema.org/Friday", "opens": "22:00",
                      "closes": "02:00"}]}
    loc.update(over)
    return loc


class Common(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.viewer = token_for("viewer")

    def stored(self, table, keys):
        return int(psql_one("SELECT count(*) FROM %s WHERE key = ANY(string_to_array(:'v1', ','))"
                            % table, ",".join(keys)))


class Locations(Common):
    def test_upsert_markup_and_nap(self):
        r = post(LOC, {"organization": ORG, "locations": [berlin(), potsdam()]}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        out = r.json
        check_schema("level4IntlLocalLocations", out)
        self.assertEqual((out["n"], out["inserted"], out["updated"], out["unchanged"]), (2, 2, 0, 0))
        b, p = out["locations"]
        self.assertEqual(b["phone"], "+493023125101")
        self.assertEqual(b["phone_display"], "+49 30 23125101")
        self.assertEqual(p["phone"], "+49331123456")
        self.assertEqual(b["postal_code"], "10115")
        self.assertEqual(b["address"], "Beispielstraße 12, 10115 Berlin")
        m = b["jsonld"]
        self.assertEqual(m["@type"], "Electrician")
        self.assertEqual(m["parentOrganization"], {"@type": "Organization", **ORG})
        self.assertEqual(m["address"]["postalCode"], "10115")
        self.assertEqual(m["knowsLanguage"], ["de", "en-GB"])
        self.assertEqual(m["areaServed"]["geoRadius"], 60000)
        hours = m["openingHoursSpecification"]
        self.assertEqual(hours[0]["dayOfWeek"], ["Monday", "Tuesday", "Wednesday", "Thursday",
                                                 "Friday"])
        self.assertEqual((hours[1]["opens"], hours[1]["closes"]), ("09:00", "13:00"))
        # 24-26 December 2026: Thursday to Saturday, closed
        self.assertEqual(hours[2], {"@type": "OpeningHoursSpecification",
                                    "dayOfWeek": ["Thursday", "Friday", "Saturday"],
                                    "opens": "00:00", "closes": "00:00",
                                    "validFrom": "2026-12-24", "validThrough": "2026-12-26"})
        self.assertEqual(b["errors"], [])
        # Potsdam: an overnight Friday span is kept as it is
        self.assertEqual(p["jsonld"]["openingHoursSpecification"][1]["closes"], "02:00")
        self.assertEqual(p["jsonld"]["@type"], "LocalBusiness")
        # NAP: only the old number at Gelbe Seiten
        nap = [(i["code"], i["location"], i.get("source"), i.get("field")) for i in out["nap_issues"]]
        self.assertEqual(nap, [("citation_mismatch", key("berlin"), "Gelbe Seiten", "phone")])
        # the service circles overlap: 60 + 40 km against the great-circle distance
        d = haversine(52.5321, 13.3849, 52.398, 13.06)
        self.assertEqual(len(out["overlaps"]), 1)
        o = out["overlaps"][0]
        self.assertAlmostEqual(o["distance_km"], round(d, 2), places=2)
        self.assertAlmostEqual(o["overlap_km"], round(100 - d, 2), places=2)
        events = psql_one("SELECT count(*) FROM event_log WHERE type = 'location.upserted'"
                          " AND data->>'key' IN (:'v1', :'v2')", key("berlin"), key("potsdam"))
        self.assertEqual(events, "2")
        # the same batch again changes nothing and logs nothing
        r = post(LOC, {"organization": ORG, "locations": [berlin(), potsdam()]}, token=self.editor)
        self.assertEqual((r.json["inserted"], r.json["unchanged"]), (0, 2))
        self.assertEqual(psql_one("SELECT count(*) FROM event_log WHERE type = 'location.upserted'"
                                  " AND data->>'key' = :'v1'", key("berlin")), "1")
        # a change is an update
        r = post(LOC, {"organization": ORG, "locations": [potsdam(phone="0331 654321")]},
                 token=self.editor)
        self.assertEqual(r.json["locations"][0]["status"], "updated")

    def test_report(self):
        phone = "030 %d" % (5000000 + int(RUN, 16) % 4000000)     # this run's own number
        body = {"organization": ORG, "locations": [
            berlin("rb", phone=phone), potsdam("rp"),
            # the Berlin number at another address, a name without the brand
            potsdam("rq", name="Sonnenstrom Potsdam",
                    street="Andere Straße %d" % (int(RUN, 16) % 9000 + 1),
                    phone=phone, service_area={"regions": ["Brandenburg"]}),
            potsdam("rr", street="Weg 2", phone="0331 777777",
                    service_area={"regions": ["brandenburg", "Berlin"]})]}
        self.assertEqual(post(LOC, body, token=self.editor).status, 200)
        r = get(LOC_REPORT, token=self.viewer)
        self.assertEqual(r.status, 200, r)
        out = r.json
        check_schema("level4IntlLocalLocationsReport", out)
        mine = {l["key"]: l for l in out["locations"] if l["key"].startswith("it%s-r" % RUN)}
        self.assertEqual(sorted(mine), [key("rb"), key("rp"), key("rq"), key("rr")])
        self.assertEqual(out["n"], int(psql_one("SELECT count(*) FROM local_locations")))
        rq = mine[key("rq")]
        codes = sorted(i["code"] for i in rq["nap_issues"])
        self.assertEqual(codes, ["name_inconsistent", "phone_shared"])
        self.assertEqual(mine[key("rb")]["citations"], 2)
        self.assertEqual(mine[key("rb")]["phone_display"], "+49 30 " + phone[4:])
        shared = next(i for i in rq["nap_issues"] if i["code"] == "phone_shared")
        self.assertEqual(shared["other"], key("rb"))
        pts = {p["key"]: p for p in out["map"]["points"]}
        self.assertEqual((pts[key("rb")]["lat"], pts[key("rb")]["lon"]), (52.5321, 13.3849))
        self.assertLessEqual(out["map"]["bbox"]["min_lat"], 52.398)
        pairs = {(o["a"], o["b"]): o for o in out["overlaps"]}
        self.assertEqual(pairs[(key("rq"), key("rr"))]["regions"], ["Brandenburg"])
        self.assertIn((key("rb"), key("rp")), pairs)
        self.assertEqual(out["with_issues"], sum(1 for l in out["locations"] if l["nap_issues"]))

    def test_batch_is_atomic(self):
        bad = potsdam("a3", postal_code="1411")
        body = {"organization": ORG, "locations": [berlin("a1"), potsdam("a2"), bad]}
        r = post(LOC, body, token=self.editor)
        self.assertEqual(fields(self, r), ["locations[2].postal_code"])
        self.assertEqual(self.stored("local_locations", [key("a1"), key("a2"), key("a3")]), 0)
        # a repeated key is refused as well
        r = post(LOC, {"organization": ORG, "locations": [berlin("a4"), potsdam("a4")]},
                 token=self.editor)
        self.assertEqual(fields(self, r), ["locations[1].key"])
        self.assertEqual(self.stored("local_locations", [key("a4")]), 0)

    def test_bad_input_names_every_field(self):
        locs = [
            berlin("b0", phone="+33 1 23 45 67 89"),              # France
            berlin("b1", lat=13.3849, lon=52.5321),               # swapped
            berlin("b2", hours="Mo-Fr 8-17"),
            berlin("b3", hours="Mo-Fr 08:00-12:00; Mi 11:00-15:00"),
            berlin("b4", country="FR"),
            berlin("b5", languages=["en-UK"]),
            berlin("b6", hours_exceptions=[{"date": "2026-02-30", "closed": True}]),
            berlin("b7", postal_code="A-1010"),                    # Austrian code in Germany
            berlin("b8", service_area={}),
            berlin("b9", phone="030 1234567", citations=[{"name": "x"}]),
        ]
        r = post(LOC, {"organization": {"url": "zoe-solar.de"}, "locations": locs}, token=self.editor)
        self.assertEqual(fields(self, r), [
            "locations[0].phone", "locations[1].lat", "locations[2].hours",
            "locations[3].hours", "locations[4].country", "locations[5].languages[0]",
            "locations[6].hours_exceptions[0]", "locations[7].postal_code",
            "locations[8].service_area", "locations[9].citations[0].source",
            "organization.name", "organization.url"])
        msg = {e["field"]: e["message"] for e in r.json["errors"]}
        self.assertIn("en-GB", msg["locations[5].languages[0]"])
        self.assertIn("swapped", msg["locations[1].lat"])
        self.assertEqual(self.stored("local_locations", ["it%s-b%d" % (RUN, i) for i in range(10)]), 0)

    def test_hostile_input(self):
        # SQL in strings is data
        sneaky = berlin("sql", name="ZOE Solar'); DROP TABLE local_locations; --")
        r = post(LOC, {"organization": ORG, "locations": [sneaky]}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(psql_one("SELECT name FROM local_locations WHERE key = :'v1'", key("sql")),
                         sneaky["name"])
        # not left for the dashboard's German-mode check to read
        psql_one("DELETE FROM local_locations WHERE key = :'v1' RETURNING 1", key("sql"))
        # too many, broken UTF-8, deep nesting, not JSON
        many = [potsdam("m%d" % i) for i in range(101)]
        self.assertEqual(fields(self, post(LOC, {"organization": ORG, "locations": many},
                                           token=self.editor)), ["locations"])
        raw = b'{"organization": {"name": "ZOE \xff"}, "locations": []}'
        r = request("POST", LOC, raw=raw, headers={"Content-Type": "application/json"},
                    token=self.editor)
        self.assertIn(r.status, (400, 422), r)
        deep = "[" * 200 + "]" * 200
        r = request("POST", LOC, raw=('{"organization": %s}' % deep).encode(),
                    headers={"Content-Type": "application/json"}, token=self.editor)
        self.assertIn(r.status, (400, 422), r)
        self.assertEqual(post(LOC, {"organization": ORG, "locations": "x"},
                              token=self.editor).status, 422)

    def test_roles(self):
        body = {"organization": ORG, "locations": [berlin("role")]}
        is_problem(self, post(LOC, body), 401)
        is_problem(self, post(LOC, body, token=self.viewer), 403)
        self.assertEqual(self.stored("local_locations", [key("role")]), 0)
        is_problem(self, get(LOC_REPORT), 401)
        self.assertEqual(get(LOC_REPORT, token=self.viewer).status, 200)
        is_problem(self, post(EVENTS, {"events": []}, token=self.viewer), 403)
        is_problem(self, post(LANG, {"name": "x", "versions": []}, token=self.viewer), 403)
        self.assertEqual(get(EVENTS_REPORT, token=self.viewer).status, 200)
        self.assertEqual(get(LANG, token=self.viewer).status, 200)


def event(tag, **over):
    e = {"key": key(tag), "name": "Infoabend Photovoltaik",
         "description": "Fragen und Antworten zu Anlage und Speicher.",
         "start": "2030-07-01T18:00", "end": "2030-07-01T20:00",
         "location": {"name": "ZOE Solar Berlin", "street": "Beispielstraße 12",
                      "postal_code": "10115", "city": "Berlin", "country": "DE"},
         "image": "https://zoe-solar.de/media/infoabend.jpg",
         "offers": [{"price": 0, "currency": "EUR", "url": "https://zoe-solar.de/termine",
                     "availability": "InStock", "valid_from": "2030-01-01"}],
         "organizer": {"name": "ZOE Solar GmbH", "url": "https://zoe-solar.de",
                       "logo": "https://zoe-solar.de/logo.png"},
         "performer": {"name": "Team ZOE Solar"}}
    e.update(over)
    return e


class Events(Common):
    def test_time_zone_and_markup(self):
        r = post(EVENTS, {"events": [
            event("summer"),
            event("winter", start="2030-12-02T18:00", end="2030-12-02T20:00"),
            event("utc", start="2030-07-01T16:00:00Z", end="2030-07-01T18:00:00Z"),
            event("autumn", start="2030-10-27T02:30", end="2030-10-27T04:00")]},
            token=self.editor)
        self.assertEqual(r.status, 200, r)
        check_schema("level4IntlLocalEvents", r.json)
        ev = {e["key"]: e for e in r.json["events"]}
        self.assertEqual(ev[key("summer")]["start"], "2030-07-01T18:00:00+02:00")
        self.assertEqual(ev[key("winter")]["start"], "2030-12-02T18:00:00+01:00")
        self.assertEqual(ev[key("utc")]["start"], "2030-07-01T18:00:00+02:00")
        # the hour that happens twice: summer time and a warning
        self.assertEqual(ev[key("autumn")]["start"], "2030-10-27T02:30:00+02:00")
        self.assertTrue(any("twice" in w["message"] for w in ev[key("autumn")]["warnings"]))
        m = ev[key("summer")]["jsonld"]
        self.assertEqual(m["@type"], "Event")
        self.assertEqual(m["eventStatus"], "https://schema.org/EventScheduled")
        self.assertEqual(m["eventAttendanceMode"], "https://schema.org/OfflineEventAttendanceMode")
        self.assertEqual(m["location"]["@type"], "Place")
        self.assertEqual(m["offers"][0]["availability"], "https://schema.org/InStock")
        # priceValidUntil is recommended for a Product's offer only, not for an event's
        # ticket offer: nothing is missing or wrong (the Product case: test_level4_schema)
        self.assertEqual((ev[key("summer")]["state"], ev[key("summer")]["errors"],
                          ev[key("summer")]["warnings"]), ("ok", [], []))
        self.assertEqual(psql_one("SELECT to_char(start_at AT TIME ZONE 'UTC', 'HH24:MI') FROM"
                                  " local_events WHERE key = :'v1'", key("winter")), "17:00")

    def test_modes_and_status(self):
        r = post(EVENTS, {"events": [
            event("mixed", attendance_mode="mixed", online_url="https://zoe-solar.de/live"),
            event("online", attendance_mode="online", online_url="https://zoe-solar.de/live",
                  location=None, status="rescheduled", previous_start="2030-06-20T18:00"),
            event("moved", attendance_mode="online", online_url="https://zoe-solar.de/live",
                  status="moved_online"),
            event("thin", description=None, image=None, offers=None, performer=None)]},
            token=self.editor)
        self.assertEqual(r.status, 200, r)
        ev = {e["key"]: e for e in r.json["events"]}
        loc = ev[key("mixed")]["jsonld"]["location"]
        self.assertEqual([l["@type"] for l in loc], ["Place", "VirtualLocation"])
        on = ev[key("online")]["jsonld"]
        self.assertEqual(on["location"], {"@type": "VirtualLocation", "url": "https://zoe-solar.de/live"})
        self.assertEqual(on["eventStatus"], "https://schema.org/EventRescheduled")
        self.assertEqual(on["previousStartDate"], "2030-06-20T18:00:00+02:00")
        self.assertEqual(ev[key("moved")]["jsonld"]["eventStatus"], "https://schema.org/EventMovedOnline")
        thin = ev[key("thin")]
        self.assertEqual(thin["state"], "warnings")
        self.assertEqual(sorted(w["path"] for w in thin["warnings"]),
                         ["$.description", "$.image", "$.offers", "$.performer"])

    def test_refusals_and_atomicity(self):
        r = post(EVENTS, {"events": [
            event("ok1"),
            event("e1", end="2030-07-01T17:00"),                       # before start
            event("e2", start="2030-03-31T02:30", end=None),           # spring gap
            event("e3", start="2030-07-01T18:00:00+01:00", end=None),  # winter offset in July
            event("e4", status="rescheduled"),
            event("e5", attendance_mode="online"),
            event("e6", location=None),
            event("e7", previous_start="2030-06-01T18:00"),
            event("e8", time_zone="America/New_York"),
            event("e9", location={"name": "x", "street": "y", "postal_code": "999",
                                  "city": "z", "country": "DE"})]}, token=self.editor)
        self.assertEqual(fields(self, r), [
            "events[1].end", "events[2].start", "events[3].start", "events[4].previous_start",
            "events[5].online_url", "events[6].location", "events[7].previous_start",
            "events[8].time_zone", "events[9].location.postal_code"])
        msg = {e["field"]: e["message"] for e in r.json["errors"]}
        self.assertIn("+02:00", msg["events[3].start"])
        self.assertEqual(self.stored("local_events", [key("ok1")]), 0)

    def test_report_upcoming_and_past(self):
        r = post(EVENTS, {"events": [
            event("past", start="2024-05-14T18:00", end="2024-05-14T20:00"),
            event("next", start="2031-05-14T18:00", end="2031-05-14T20:00"),
            event("later", start="2032-05-14T18:00", end="2032-05-14T20:00", image=None)]},
            token=self.editor)
        self.assertEqual(r.status, 200, r)
        out = get(EVENTS_REPORT + "?limit=500", token=self.viewer).json
        check_schema("level4IntlLocalEventsReport", out)
        up = [e["key"] for e in out["upcoming"]]
        past = [e["key"] for e in out["past"]]
        self.assertIn(key("next"), up)
        self.assertLess(up.index(key("next")), up.index(key("later")))
        self.assertIn(key("past"), past)
        self.assertNotIn(key("past"), up)
        self.assertEqual(out["n"], out["n_upcoming"] + out["n_past"])
        self.assertEqual(out["n"], int(psql_one("SELECT count(*) FROM local_events")))
        self.assertEqual(sum(out["states"].values()), out["n"])
        later = next(e for e in out["upcoming"] if e["key"] == key("later"))
        self.assertEqual((later["state"], later["start"]), ("warnings", "2032-05-14T18:00:00+02:00"))
        is_problem(self, get(EVENTS_REPORT + "?limit=0", token=self.viewer), 422)


GOOGLE_HTML = """<head>
  <link rel="alternate" hreflang="en-gb" href="https://en-gb.example.com/page.html" />
  <link rel="alternate" hreflang="en-us" href="https://en-us.example.com/page.html" />
  <link rel="alternate" hreflang="en" href="https://en.example.com/page.html" />
  <link rel="alternate" hreflang="de" href="https://de.example.com/page.html" />
  <link rel="alternate" hreflang="x-default" href="https://www.example.com/" />
</head>"""


class Languages(Common):
    def test_google_example_is_valid(self):
        r = post(LANG, {"name": key("google"), "pages": [
            {"url": "https://en-gb.example.com/page.html", "html": GOOGLE_HTML}]}, token=self.editor)
        self.assertEqual(r.status, 200, r)
        out = r.json
        check_schema("level4IntlLocalLanguagesPost", out)
        self.assertEqual((out["valid"], out["errors"], out["warnings"]), (True, 0, 0))
        self.assertEqual([v["hreflang"] for v in out["versions"]],
                         ["de", "en", "en-GB", "en-US", "x-default"])
        self.assertEqual(len(out["pages"]), 5)
        self.assertEqual(out["status"], "inserted")
        self.assertEqual(post(LANG, {"name": key("google"), "pages": [
            {"url": "https://en-gb.example.com/page.html", "html": GOOGLE_HTML}]},
            token=self.editor).json["status"], "unchanged")

    def test_broken_cluster(self):
        body = {"name": key("broken"), "pages": [
            {"url": "https://zoe-solar.de/", "alternates": [
                {"hreflang": "de-DE", "href": "https://zoe-solar.de/"},
                {"hreflang": "en-UK", "href": "https://zoe-solar.de/en/"},
                {"hreflang": "de-CH", "href": "https://zoe-solar.de/ch/"},
                {"hreflang": "x-default", "href": "https://zoe-solar.de/"}]},
            {"url": "https://zoe-solar.de/en/", "alternates": [
                {"hreflang": "en-GB", "href": "https://zoe-solar.de/en/"}]},
            {"url": "https://zoe-solar.de/ch/", "hreflang": "de-CH",
             "text": "Solarstrom für jede Straße",
             "html": '<link rel="canonical" href="https://zoe-solar.de/">'
                     '<link rel="alternate" hreflang="de-CH" href="https://zoe-solar.de/ch/">'}]}
        r = post(LANG, body, token=self.editor)
        self.assertEqual(r.status, 200, r)
        out = r.json
        codes = sorted(i["code"] for i in out["issues"])
        self.assertEqual(codes, ["canonical_elsewhere", "code_corrected", "return_link_missing",
                                 "spelling_ch_eszett", "target_not_canonical"])
        self.assertFalse(out["valid"])
        self.assertEqual(out["errors"], 4)
        # corrected tags: en-GB, no non-canonical Swiss page
        tags = next(p for p in out["pages"] if p["url"] == "https://zoe-solar.de/")["tags"]
        self.assertEqual(tags, [
            '<link rel="alternate" hreflang="de-DE" href="https://zoe-solar.de/" />',
            '<link rel="alternate" hreflang="en-GB" href="https://zoe-solar.de/en/" />',
            '<link rel="alternate" hreflang="x-default" href="https://zoe-solar.de/" />'])
        self.assertIn('<xhtml:link rel="alternate" hreflang="en-GB" href="https://zoe-solar.de/en/" />',
                      out["sitemap"])
        self.assertEqual(out["sitemap"].count("<url>"), 2)
        listed = get(LANG + "?limit=500", token=self.viewer).json
        check_schema("level4IntlLocalLanguagesGet", listed)
        mine = next(c for c in listed["items"] if c["name"] == key("broken"))
        self.assertEqual((mine["valid"], mine["errors"], mine["n_pages"]), (False, 4, 3))
        self.assertEqual(psql_one("SELECT count(*) FROM event_log WHERE type = 'hreflang.checked'"
                                  " AND data->>'name' = :'v1'", key("broken")), "1")

    def test_url_list(self):
        r = post(LANG, {"name": key("list"), "versions": [
            {"hreflang": "de", "url": "https://www.example.de/deutsch/page.html"},
            {"hreflang": "de-ch", "url": "https://www.example.de/schweiz-deutsch/page.html"},
            {"hreflang": "en", "url": "https://www.example.com/english/page.html"},
            {"hreflang": "jp", "url": "https://www.example.com/ja/page.html"}]}, token=self.editor)
        out = r.json
        self.assertEqual([i["code"] for i in out["issues"]], ["code_corrected", "x_default_missing"])
        self.assertEqual([v["hreflang"] for v in out["versions"]], ["de", "de-CH", "en", "ja"])
        self.assertEqual(out["sitemap"].count("<xhtml:link"), 16)

    def test_refusals(self):
        self.assertEqual(fields(self, post(LANG, {"name": key("none")}, token=self.editor)), ["pages"])
        self.assertEqual(fields(self, post(LANG, {"name": key("rel"), "pages": [
            {"url": "/relative"}]}, token=self.editor)), ["pages[0].url"])
        many = [{"url": "https://x.example/%d" % i} for i in range(51)]
        self.assertEqual(fields(self, post(LANG, {"name": key("many"), "pages": many},
                                           token=self.editor)), ["pages"])
        self.assertEqual(fields(self, post(LANG, {"pages": [{"url": "https://x.example/"}]},
                                           token=self.editor)), ["name"])
        self.assertEqual(psql_one("SELECT count(*) FROM hreflang_clusters WHERE name LIKE :'v1'",
                                  "it%s-%%" % RUN + "rel"), "0")


if __name__ == "__main__":
    unittest.main()
