"""#32-#37 schema markup: POST /api/level4/schema/{automotive,howto,qa} and their
GET ...-report.

Snippets go on pages of a site of the test's own ("it<run><tag>.example.org") and
the reports are read with ?site=, so other runs, tests and the demo data never
interfere. The markup follows Google Search Central's examples (the fixtures in
tests/data/jsonld are the same snippets the unit suite checks verdict by verdict).
"""
import json
import os
import unittest

from zoelib import RUN, get, is_problem, post, psql, psql_one, request, token_for

BASE = "/api/level4/schema/"
SCHEMAS = os.path.join(os.path.dirname(__file__), "../../handlers/schemas")
FIXTURES = os.path.join(os.path.dirname(__file__), "../data/jsonld")
OP = {"automotive": "level4SchemaAutomotive", "howto": "level4SchemaHowto", "qa": "level4SchemaQa"}


def site(tag):
    return "it%s%s.example.org" % (RUN, tag)


def fixture(name):
    with open(os.path.join(FIXTURES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)["markup"]


def check_schema(name, doc):
    try:
        import jsonschema
    except ImportError:        # the contract test validates every reply as well
        return
    with open(os.path.join(SCHEMAS, name + ".json"), encoding="utf-8") as f:
        jsonschema.validate(doc, json.load(f))


def fields(case, r):
    return sorted(e["field"] for e in is_problem(case, r, 422)["errors"])


def paths(diags):
    return sorted(d["path"] for d in diags)


class Common(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.editor = token_for("editor")
        cls.analyst = token_for("analyst")
        cls.viewer = token_for("viewer")

    def send(self, kind, tag, path, markup, status=200, **kw):
        r = post(BASE + kind, {"url": "https://%s%s" % (site(tag), path), "markup": markup},
                 token=self.editor, **kw)
        self.assertEqual(r.status, status, r)
        if status == 200:
            check_schema(OP[kind], r.json)
        return r.json

    def report(self, kind, tag, query=""):
        r = get(BASE + kind + "-report?site=" + site(tag) + query, token=self.viewer)
        self.assertEqual(r.status, 200, r)
        check_schema(OP[kind] + "Report", r.json)
        return r.json

    def stored(self, tag):
        return int(psql_one("SELECT count(*) FROM schema_snippets WHERE site = :'v1'", site(tag)))


class Automotive(Common):
    def test_wallbox_product_valid(self):
        j = self.send("automotive", "wb", "/wallbox", fixture("product-wallbox"))
        self.assertEqual((j["state"], j["valid"], j["rich_result"]), ("valid", True, True))
        self.assertEqual((j["errors"], j["warnings"]), ([], []))
        self.assertEqual(j["types"], ["Product"])
        self.assertEqual(j["key"], "Product:ZOE Wallbox 11 kW")
        self.assertEqual((j["status"], j["version"], j["kind"]), ("inserted", 1, "automotive"))
        row = psql("SELECT state, version, rich_result, markup->'offers'->>'priceCurrency', types[1]"
                   " FROM schema_snippets WHERE id = :'v1'", j["id"])[0]
        self.assertEqual(row, ["valid", "1", "t", "EUR", "Product"])

    def test_broken_offer_is_stored_invalid(self):
        j = self.send("automotive", "bad", "/carport", fixture("product-broken"))
        self.assertEqual((j["state"], j["valid"], j["rich_result"]), ("invalid", False, False))
        self.assertEqual(paths(j["errors"]), ["$.colour", "$.image", "$.offers.availability",
                                              "$.offers.price", "$.offers.priceCurrency",
                                              "$.offers.priceValidUntil"])
        msg = {d["path"]: d["message"] for d in j["errors"]}
        self.assertIn("decimal separator", msg["$.offers.price"])
        self.assertIn("ItemAvailability", msg["$.offers.availability"])
        self.assertIn("unknown schema.org property 'colour'", msg["$.colour"])
        self.assertIn("missing recommended property 'brand'", [d["message"] for d in j["warnings"]])
        self.assertEqual(self.stored("bad"), 1)

    def test_car_and_charging_location(self):
        car = self.send("automotive", "car", "/flotte", fixture("car-ok"))
        self.assertEqual((car["state"], car["types"], car["errors"]), ("warnings", ["Car"], []))
        self.assertEqual(paths(car["warnings"]), ["$.offers", "$.offers"])   # url, priceValidUntil
        broken = self.send("automotive", "car", "/flotte/3", fixture("car-broken"))
        self.assertEqual(broken["state"], "invalid")
        msgs = {d["path"]: d["message"] for d in broken["errors"]}
        self.assertIn("KMT", msgs["$.mileageFromOdometer"])
        self.assertIn("Number", msgs["$.numberOfDoors"])              # "vier"
        self.assertIn("unknown schema.org property 'batteryCapacity'", msgs["$.batteryCapacity"])
        loc = self.send("automotive", "car", "/laden", fixture("automotivebusiness-ok"))
        self.assertEqual((loc["state"], loc["types"]), ("valid", ["AutomotiveBusiness"]))
        bad = self.send("automotive", "car", "/laden2", fixture("automotivebusiness-broken"))
        self.assertEqual(paths(bad["errors"]), [
            "$", "$.amenityFeature", "$.geo.latitude", "$.openingHoursSpecification.dayOfWeek",
            "$.openingHoursSpecification.opens"])

    def test_graph_with_other_nodes_and_id_key(self):
        product = fixture("product-wallbox")
        del product["@context"]
        product["@id"] = "https://%s/wallbox#product" % site("graph")
        graph = {"@context": "https://schema.org", "@graph": [
            {"@type": "Organization", "name": "ZOE Solar", "url": "https://zoe-solar.de/"}, product]}
        j = self.send("automotive", "graph", "/wallbox", graph)
        self.assertEqual((j["key"], j["types"], j["state"]), (product["@id"], ["Product"], "warnings"))
        self.assertIn("$.@graph[0]", paths(j["warnings"]))       # Organization without logo

    def test_price_valid_until_for_product_offers_only(self):
        # Google recommends priceValidUntil for a Product's offer; an Event's ticket
        # offer in the same graph needs none
        product = fixture("product-wallbox")
        del product["@context"], product["offers"]["priceValidUntil"]
        offer = {k: v for k, v in product["offers"].items() if k not in ("itemCondition", "url")}
        event = {"@type": "Event", "name": "Solar-Infoabend", "startDate": "2030-07-01T18:00",
                 "location": {"@type": "Place", "name": "ZOE Solar",
                              "address": "Marienplatz 1, 80331 München"}, "offers": [offer]}
        j = self.send("automotive", "pvu", "/wallbox", {"@context": "https://schema.org",
                                                        "@graph": [product, event]})
        pvu = [d["path"] for d in j["warnings"] if "'priceValidUntil'" in d["message"]]
        self.assertEqual(pvu, ["$.@graph[0].offers"])
        # the event's offer is checked (its missing url is named), priceValidUntil is not
        self.assertEqual([d["message"] for d in j["warnings"] if d["path"] == "$.@graph[1].offers[0]"],
                         ["missing recommended property 'url'"])
        self.assertEqual(j["errors"], [])

    def test_versions(self):
        m = fixture("product-wallbox")
        a = self.send("automotive", "ver", "/wallbox", m)
        b = self.send("automotive", "ver", "/wallbox", m)
        self.assertEqual((b["id"], b["status"], b["version"]), (a["id"], "unchanged", 1))
        m["offers"]["price"] = "1199.00"
        c = self.send("automotive", "ver", "/wallbox", m)
        self.assertEqual((c["id"], c["status"], c["version"]), (a["id"], "updated", 2))
        rows = psql("SELECT version, markup->'offers'->>'price' FROM schema_snippet_versions"
                    " WHERE snippet_id = :'v1' ORDER BY version", a["id"])
        self.assertEqual(rows, [["1", "1299.00"], ["2", "1199.00"]])
        events = psql("SELECT data->>'status', data->>'version' FROM event_log WHERE type ="
                      " 'schema.validated' AND (data->>'id')::bigint = :'v1' ORDER BY id", a["id"])
        self.assertEqual(events, [["inserted", "1"], ["updated", "2"]])

    def test_idempotency_key_replays(self):
        key = "schema-%s" % RUN
        m = fixture("car-ok")
        a = self.send("automotive", "idem", "/car", m, headers={"Idempotency-Key": key})
        r = post(BASE + "automotive", {"url": "https://%s/car" % site("idem"), "markup": m},
                 token=self.editor, headers={"Idempotency-Key": key})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(r.json, a)
        self.assertEqual(self.stored("idem"), 1)


class HowTo(Common):
    def test_valid_with_retired_notice(self):
        j = self.send("howto", "ht", "/fliesen", fixture("howto-ok"))
        self.assertEqual((j["state"], j["valid"], j["rich_result"]), ("warnings", True, False))
        self.assertTrue(any("retired in 2023" in d["message"] for d in j["warnings"]), j)

    def test_durations_checked(self):
        j = self.send("howto", "ht", "/anmelden", fixture("howto-broken"))
        msg = {d["path"]: d["message"] for d in j["errors"]}
        self.assertIn("Duration", msg["$.totalTime"])
        self.assertIn("Duration", msg["$.step[0].timeRequired"])
        self.assertIn("'name'", msg["$.tool[0]"])
        long = self.send("howto", "ht", "/reinigen", fixture("howto-steps-too-long"))
        self.assertEqual([d["message"] for d in long["errors"]],
                         ["the steps take 4500 s, more than totalTime (3600 s)"])

    def test_wrong_type_refused(self):
        r = post(BASE + "howto", {"url": "https://%s/x" % site("htw"), "markup": fixture("faqpage-ok")},
                 token=self.editor)
        self.assertEqual(fields(self, r), ["markup.@type"])
        self.assertEqual(self.stored("htw"), 0)


class QA(Common):
    def test_qapage_valid(self):
        j = self.send("qa", "qa", "/frage/unzen", fixture("qapage-ok"))
        self.assertEqual((j["state"], j["rich_result"], j["name"]),
                         ("valid", True, "How many ounces are there in a pound?"))

    def test_one_question_and_answer_count(self):
        j = self.send("qa", "qa", "/zwei", fixture("qapage-two-questions"))
        self.assertIn("exactly one Question", {d["path"]: d["message"] for d in j["errors"]}["$.mainEntity"])
        j = self.send("qa", "qa", "/statik", fixture("qapage-count"))
        msg = {d["path"]: d["message"] for d in j["errors"]}
        self.assertEqual(msg["$.mainEntity.answerCount"], "answerCount 1 is less than the 2 answers listed")
        self.assertIn("'author'", msg["$.mainEntity.suggestedAnswer[0]"])

    def test_self_answered_qapage_refused(self):
        r = post(BASE + "qa", {"url": "https://zoe-solar.de/fragen/%s" % RUN,
                               "markup": fixture("qapage-self-answered")}, token=self.editor)
        self.assertEqual(fields(self, r), ["markup.mainEntity.acceptedAnswer.author"])
        self.assertIn("FAQPage", r.json["errors"][0]["message"])
        # the site's home page as author url, the site's own host given as the page
        m = fixture("qapage-ok")
        m["mainEntity"]["suggestedAnswer"][1]["author"] = {"@type": "Organization", "name": "Team",
                                                           "url": "https://%s/" % site("self")}
        r = post(BASE + "qa", {"url": "https://%s/frage" % site("self"), "markup": m}, token=self.editor)
        self.assertEqual(fields(self, r), ["markup.mainEntity.suggestedAnswer[1].author"])
        self.assertEqual(self.stored("self"), 0)

    def test_faq_restricted_notice(self):
        j = self.send("qa", "faq", "/faq", fixture("faqpage-ok"))
        self.assertEqual((j["state"], j["rich_result"]), ("warnings", False))
        self.assertTrue(any("government and health" in d["message"] for d in j["warnings"]))
        j = self.send("qa", "faq", "/faq2", fixture("faqpage-broken"))
        self.assertEqual(paths(j["errors"]), ["$.mainEntity[0]", "$.mainEntity[1]",
                                              "$.mainEntity[1].acceptedAnswer"])


class BadInput(Common):
    def post_bad(self, kind, body, **kw):
        return post(BASE + kind, body, token=self.editor, **kw)

    def test_fields_named(self):
        self.assertEqual(fields(self, self.post_bad("automotive", {})), ["markup", "url"])
        self.assertEqual(fields(self, self.post_bad("automotive", {"url": "/relative", "markup": "x"})),
                         ["markup", "url"])
        self.assertEqual(fields(self, self.post_bad("automotive", {
            "url": "https://%s/" % site("badin"), "markup": fixture("howto-ok")})), ["markup.@type"])
        self.assertEqual(fields(self, self.post_bad("qa", {
            "url": "https://%s/" % site("badin"), "markup": [1, 2]})), ["markup.@type"])
        self.assertEqual(self.stored("badin"), 0)

    def test_hostile(self):
        url = "https://%s/h" % site("host")
        r = request("POST", BASE + "automotive", raw=b'{"url": "' + url.encode() + b'", "markup": {"name": "\xff\xfe"}}',
                    headers={"Content-Type": "application/json"}, token=self.editor)
        self.assertIn(r.status, (400, 422), r)
        deep = {"@type": "Product"}
        for _ in range(200):
            deep = {"@type": "Product", "isRelatedTo": deep}
        self.assertIn(self.post_bad("automotive", {"url": url, "markup": deep}).status, (400, 422))
        many = [{"@type": "Product", "name": "p%d" % i} for i in range(101)]
        self.assertEqual(fields(self, self.post_bad("automotive", {"url": url, "markup": many})), ["markup"])
        big = {"@context": "https://schema.org", "@type": "Product", "name": "x" * (1 << 20)}
        self.assertEqual(self.post_bad("automotive", {"url": url, "markup": big}).status, 413)
        r = request("POST", BASE + "automotive", raw=b'{"url": ', headers={"Content-Type": "application/json"},
                    token=self.editor)
        is_problem(self, r, 400)
        self.assertEqual(self.stored("host"), 0)

    def test_sql_in_strings_stored_as_text(self):
        m = fixture("product-wallbox")
        m["name"] = "Wallbox'); DROP TABLE schema_snippets; --"
        j = self.send("automotive", "sql", "/w", m)
        self.assertEqual(j["name"], m["name"])
        self.assertEqual(psql_one("SELECT name FROM schema_snippets WHERE id = :'v1'", j["id"]), m["name"])

    def test_report_query_checked(self):
        for q, f in (("?state=kaputt", "state"), ("?limit=0", "limit"), ("?cursor=xyz", "cursor"),
                     ("?type=ChargingStation", "type"), ("?site=a/b", "site")):
            r = get(BASE + "qa-report" + q, token=self.viewer)
            self.assertIn(f, [e["field"] for e in is_problem(self, r, 422)["errors"]], q)


class Roles(Common):
    def test_roles(self):
        body = {"url": "https://%s/x" % site("roles"), "markup": fixture("howto-ok")}
        for kind in ("automotive", "howto", "qa"):
            is_problem(self, post(BASE + kind, body), 401)
            is_problem(self, post(BASE + kind, body, token="not.a.jwt"), 401)
            is_problem(self, post(BASE + kind, body, token=self.viewer), 403)
            is_problem(self, post(BASE + kind, body, token=self.analyst), 403)
            is_problem(self, get(BASE + kind + "-report"), 401)
            self.assertEqual(get(BASE + kind + "-report?site=" + site("roles"), token=self.viewer).status, 200)
        self.assertEqual(self.stored("roles"), 0)


class Report(Common):
    TAG = "rep"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls()
        for i, name in enumerate(("product-ok", "product-wallbox", "product-broken", "offer-missing-price",
                                  "car-ok", "car-broken", "automotivebusiness-ok")):
            t.send("automotive", cls.TAG, "/p%d" % i, fixture(name))

    def test_figures_equal_sql(self):
        j = self.report("automotive", self.TAG)
        rows = psql("SELECT state, count(*) FROM schema_snippets WHERE site = :'v1' AND kind = 'automotive'"
                    " GROUP BY 1", site(self.TAG))
        by_state = {k: int(v) for k, v in rows}
        self.assertEqual(j["n"], 7)
        self.assertEqual(j["by_state"], {"valid": by_state.get("valid", 0), "warnings": by_state.get("warnings", 0),
                                         "invalid": by_state.get("invalid", 0)})
        self.assertEqual(j["by_state"], {"valid": 3, "warnings": 1, "invalid": 3})
        self.assertEqual(j["rich_results"], 4)          # valid, with warnings or not
        self.assertEqual(j["by_type"], [{"type": "Product", "n": 4}, {"type": "Car", "n": 2},
                                        {"type": "AutomotiveBusiness", "n": 1}])
        states = [i["state"] for i in j["items"]]
        self.assertEqual(states, sorted(states, key=["invalid", "warnings", "valid"].index))
        self.assertEqual(self.report("howto", self.TAG)["n"], 0)

    def test_filters_and_paging(self):
        j = self.report("automotive", self.TAG, "&state=invalid")
        self.assertEqual((j["n"], {i["state"] for i in j["items"]}), (3, {"invalid"}))
        j = self.report("automotive", self.TAG, "&type=Car")
        self.assertEqual(sorted(i["key"] for i in j["items"]),
                         ["Car:Firmenwagen 3", "Car:Tesla Model 3 Long Range 2023"])
        seen, cursor = [], ""
        while True:
            page = self.report("automotive", self.TAG, "&limit=3" + cursor)
            seen += [i["id"] for i in page["items"]]
            if not page["next_cursor"]:
                break
            cursor = "&cursor=" + page["next_cursor"]
        full = self.report("automotive", self.TAG)
        self.assertEqual(seen, [i["id"] for i in full["items"]])
        self.assertEqual(len(set(seen)), 7)

    def test_cache_invalidated_by_write(self):
        before = self.report("automotive", self.TAG)["n"]
        self.send("automotive", self.TAG, "/neu", fixture("product-no-offer"))
        self.assertEqual(self.report("automotive", self.TAG)["n"], before + 1)
        psql("DELETE FROM schema_snippets WHERE site = :'v1' AND url_norm LIKE '%/neu'", site(self.TAG))


class Empty(Common):
    def test_empty_report(self):
        j = self.report("qa", "empty")
        self.assertEqual((j["n"], j["items"], j["by_type"], j["next_cursor"]), (0, [], [], None))
        self.assertEqual(j["by_state"], {"valid": 0, "warnings": 0, "invalid": 0})


if __name__ == "__main__":
    unittest.main()
