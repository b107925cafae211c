"""#43 POST /api/level5/analytics/events: server batches with an API key, browser
batches with a site key, and Plausible's event payload (also at /api/event, nginx's
alias), all into the event store of #3.

Every test class uses a site of its own and paths unique to this run."""
import datetime
import json
import secrets
import subprocess
import threading
import unittest

from zoelib import (BOT_UA, CHROME_UA, IPHONE_UA, RUN, database_url, get, is_problem, post,
                    psql, psql_one, request, token_for, wait_until, worker_pids, zoe)

EVENTS = "/api/level5/analytics/events"
PLAUSIBLE = "/api/event"


def iso(**ago):
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(**ago)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fields(reply):
    return {e["field"] for e in reply.json["errors"]}


class Site:
    """A site of this run: its domain, key and id, and its stored events."""

    def __init__(self, tag, origin=None):
        self.domain = "in-%s-%s-%s.example" % (tag, RUN, secrets.token_hex(2))
        self.origin = origin or "https://" + self.domain
        self.key = zoe("site", "add", "--domain", self.domain, "--origin", self.origin)
        self.id = int(psql_one("SELECT id FROM sites WHERE domain = :'v1'", self.domain))

    def rows(self, cols, where="true", *args):
        return psql("SELECT %s FROM events WHERE site_id = %d AND (%s) ORDER BY ts, kind"
                    % (cols, self.id, where), *args)

    def count(self):
        return int(psql_one("SELECT count(*) FROM events WHERE site_id = %d" % self.id))


def plausible(payload, path=PLAUSIBLE, ua=CHROME_UA, headers=None):
    """As Plausible's tracker posts: text/plain, no header but User-Agent."""
    h = {"Content-Type": "text/plain"}
    h.update(headers or {})
    return request("POST", path, raw=json.dumps(payload).encode(), headers=h, ua=ua)


class PlausiblePayload(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site("pl")

    def page(self, name):
        return "https://%s/pl-%s/%s-%s" % (self.site.domain, RUN, name, secrets.token_hex(3))

    def test_pageview_at_plausibles_path(self):
        url = self.page("view")
        r = plausible({"n": "pageview", "u": url + "?utm_source=newsletter&x=1",
                       "d": self.site.domain, "r": None, "v": 36})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json, {"accepted": 1, "dropped": 0})
        path = url.split(self.site.domain)[1]
        rows = self.site.rows("kind, host, source, device, browser, visitor_id IS NOT NULL",
                              "path = :'v1'", path)
        self.assertEqual(rows, [["pageview", self.site.domain, "newsletter", "desktop",
                                 "Chrome", "t"]])

    def test_the_same_ingest_at_the_api_path(self):
        url = self.page("api")
        r = plausible({"n": "pageview", "u": url, "d": self.site.domain,
                       "r": "https://www.google.com/search"}, path=EVENTS, ua=IPHONE_UA)
        self.assertEqual(r.status, 202, r)
        path = url.split(self.site.domain)[1]
        self.assertEqual(self.site.rows("source, device", "path = :'v1'", path),
                         [["google.com", "mobile"]])

    def test_engagement_carries_scroll_and_time(self):
        url = self.page("engaged")
        r = plausible({"n": "engagement", "u": url, "d": self.site.domain, "sd": 64,
                       "e": 12345, "p": {}, "v": 36})
        self.assertEqual(r.status, 202, r)
        path = url.split(self.site.domain)[1]
        self.assertEqual(self.site.rows("kind, engaged_ms, scroll_pct", "path = :'v1'", path),
                         [["engagement", "12345", "64"]])

    def test_custom_event_with_props_revenue_and_interactive(self):
        url = self.page("buy")
        r = plausible({"n": "Purchase", "u": url, "d": self.site.domain, "r": None,
                       "p": {"plan": "speicher", "kwp": 9.6},
                       "$": {"amount": 15.99, "currency": "EUR"}, "i": False, "v": 36})
        self.assertEqual(r.status, 202, r)
        path = url.split(self.site.domain)[1]
        rows = self.site.rows("kind, name, props->>'plan', props->>'kwp', revenue, currency,"
                              " interactive", "path = :'v1'", path)
        self.assertEqual(rows, [["event", "Purchase", "speicher", "9.6", "15.9900", "EUR", "f"]])

    def test_long_names_of_the_events_api(self):
        url = self.page("long")
        r = plausible({"name": "Signup", "url": url, "domain": self.site.domain,
                       "revenue": {"amount": "120.50", "currency": "USD"}})
        self.assertEqual(r.status, 202, r)
        path = url.split(self.site.domain)[1]
        self.assertEqual(self.site.rows("name, revenue, currency", "path = :'v1'", path),
                         [["Signup", "120.5000", "USD"]])

    def test_one_visitor_from_one_address_and_agent_no_address_stored(self):
        url = self.page("same")
        for _ in range(2):
            self.assertEqual(plausible({"n": "pageview", "u": url, "d": self.site.domain}).status,
                             202)
        plausible({"n": "pageview", "u": url, "d": self.site.domain}, ua=IPHONE_UA)
        path = url.split(self.site.domain)[1]
        ids = [r[0] for r in self.site.rows("visitor_id", "path = :'v1'", path)]
        self.assertEqual(len(ids), 3)
        self.assertEqual(len(set(ids)), 2)
        stored = psql("SELECT count(*) FROM events e WHERE site_id = %d AND"
                      " e::text LIKE '%%127.0.0.1%%'" % self.site.id)
        self.assertEqual(stored, [["0"]])

    def test_bots_are_answered_202_and_dropped(self):
        before = self.site.count()
        r = plausible({"n": "pageview", "u": self.page("bot"), "d": self.site.domain}, ua=BOT_UA)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json["dropped"], 1)
        self.assertEqual(r.json["reason"], "bot")
        self.assertEqual(self.site.count(), before)

    def test_bad_payload_names_every_field(self):
        before = self.site.count()
        r = plausible({"n": "", "d": 7, "e": "long", "$": {"amount": -1, "currency": "euro"},
                       "p": {"k": {"nested": 1}}})
        p = is_problem(self, r, 422)
        self.assertLessEqual({"n", "u", "d", "e", "$", "p"}, fields(r), p)
        r = plausible({"n": "engagement", "u": self.page("e"), "d": self.site.domain})
        self.assertEqual(fields(r), {"e"})
        r = plausible({"n": "pageview", "u": "javascript:alert(1)", "d": self.site.domain})
        self.assertEqual(fields(r), {"u"})
        self.assertEqual(self.site.count(), before)

    def test_unknown_domain_is_named(self):
        r = plausible({"n": "pageview", "u": "https://nowhere.example/", "d": "nowhere.example"})
        is_problem(self, r, 422)
        self.assertEqual(fields(r), {"d"})

    def test_a_foreign_origin_is_refused(self):
        before = self.site.count()
        r = plausible({"n": "pageview", "u": self.page("o"), "d": self.site.domain},
                      headers={"Origin": "https://evil.example"})
        is_problem(self, r, 403)
        r = plausible({"n": "pageview", "u": self.page("o"), "d": self.site.domain},
                      headers={"Origin": self.site.origin})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(self.site.count(), before + 1)


class ServerBatch(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site("sv")
        cls.key = zoe("apikey", "add", "--name", "it-ingest-" + RUN, "--role", "editor")
        cls.viewer_key = zoe("apikey", "add", "--name", "it-ingest-v-" + RUN, "--role", "viewer")

    def send(self, events, key=None, domain=True):
        body = {"events": events}
        if domain:
            body["domain"] = self.site.domain if domain is True else domain
        return post(EVENTS, body, headers={"X-Api-Key": key or self.key})

    def event(self, path, ip="203.0.113.7", ua=CHROME_UA, **kw):
        e = {"type": "pageview", "url": "https://%s%s" % (self.site.domain, path), "ip": ip,
             "user_agent": ua}
        e.update(kw)
        return e

    def path(self, name):
        return "/sv-%s/%s-%s" % (RUN, name, secrets.token_hex(3))

    def test_batch_with_timestamps_and_visitors(self):
        p = self.path("batch")
        two_days, hour = iso(days=2), iso(hours=1)
        r = self.send([
            self.event(p, timestamp=two_days),
            self.event(p, timestamp=hour),
            self.event(p, ip="198.51.100.4", ua=IPHONE_UA, timestamp=hour),
            self.event(p, type="event", name="lead", props={"form": "angebot"}),
        ])
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json, {"accepted": 4, "dropped": 0})
        rows = self.site.rows("kind, device, visitor_id, extract(epoch from ts)",
                              "path = :'v1'", p)
        self.assertEqual(len(rows), 4)
        when = [float(x[3]) for x in rows]
        stamp = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
        self.assertAlmostEqual(when[0], stamp(two_days), places=3)
        self.assertAlmostEqual(when[1], stamp(hour), places=3)
        self.assertEqual(sorted(x[1] for x in rows[1:3]), ["desktop", "mobile"])
        visitors = {x[2] for x in rows}
        self.assertEqual(len(visitors), 2)       # the lead's visitor is the first one's
        raw = psql("SELECT count(*) FROM events e WHERE site_id = %d AND"
                   " (e::text LIKE '%%203.0.113.7%%' OR e::text LIKE '%%198.51.100.4%%')"
                   % self.site.id)
        self.assertEqual(raw, [["0"]])

    def test_text_and_times_are_stored_as_sent(self):
        # the rows travel as COPY text: tabs, line breaks and backslashes in any
        # field must come back byte for byte, a timestamp to the microsecond,
        # and the rows without one share the transaction's time
        p = self.path("copy") + "/a\\b\tc\\N"
        odd = "tab\there\nline\r\\N\\\\ \"q\" ä"
        t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=3)
        t = t.replace(microsecond=123457)
        r = self.send([
            self.event(p, referrer="https://ref.example/x\ty\\z", timestamp=
                       t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")),
            self.event(p, type="event", name="lead\\\t" + odd[:20],
                       props={"note": odd, "n": 1.5}),
            self.event(p, type="event", name="lead", props={"k\\": "\\N"}),
        ])
        self.assertEqual(r.status, 202, r)
        # as JSON: psql's output would split the fields at the tabs and breaks
        rows = [json.loads(x[0]) for x in psql(
            "SELECT json_build_array(path, coalesce(referrer, ''), coalesce(name, ''),"
            " coalesce(props::text, ''), to_char(ts AT TIME ZONE 'UTC',"
            " 'YYYY-MM-DD HH24:MI:SS.US')) FROM events WHERE site_id = %d AND"
            " path = :'v1' ORDER BY ts, name" % self.site.id, p)]
        self.assertEqual(len(rows), 3, rows)
        self.assertEqual({x[0] for x in rows}, {p})
        self.assertEqual(rows[0][1], "https://ref.example/x\ty\\z")
        self.assertEqual(rows[0][4], t.strftime("%Y-%m-%d %H:%M:%S.%f"))
        self.assertEqual({x[2] for x in rows[1:]}, {"lead", "lead\\\t" + odd[:20]})
        props = {x[2]: json.loads(x[3]) for x in rows[1:]}
        self.assertEqual(props["lead\\\t" + odd[:20]], {"note": odd, "n": 1.5})
        self.assertEqual(props["lead"], {"k\\": "\\N"})
        self.assertEqual(rows[1][4], rows[2][4])

    def test_a_bad_event_refuses_the_whole_batch(self):
        before = self.site.count()
        p = self.path("bad")
        good = self.event(p)
        no_ip = self.event(p)
        del no_ip["ip"]
        r = self.send([good, good, self.event(p, timestamp=iso(hours=-2)), good, no_ip,
                       self.event(p, timestamp=iso(days=8)),
                       self.event(p, timestamp="yesterday"),
                       self.event(p, type="vital", name="LCP"),
                       dict(self.event(p), url="mailto:info@zoe-solar.de")])
        is_problem(self, r, 422)
        self.assertEqual(fields(r), {"events[2].timestamp", "events[4].ip",
                                     "events[5].timestamp", "events[6].timestamp",
                                     "events[7].value", "events[8].url"})
        self.assertEqual(self.site.count(), before)

    def test_up_to_1000_events(self):
        p = self.path("many")
        r = self.send([self.event(p, ip="192.0.2.%d" % (i % 250)) for i in range(1000)])
        self.assertEqual(r.status, 202, r)
        self.assertEqual(int(psql_one("SELECT count(*) FROM events WHERE path = :'v1'", p)), 1000)
        r = self.send([self.event(p)] * 1001)
        is_problem(self, r, 422)
        self.assertEqual(fields(r), {"events"})

    def test_bot_events_are_dropped_one_by_one(self):
        p = self.path("bots")
        r = self.send([self.event(p), self.event(p, ua=BOT_UA)])
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json, {"accepted": 1, "dropped": 1})

    def test_the_domain_names_an_existing_site(self):
        r = self.send([self.event("/x")], domain=None)
        self.assertEqual(fields(r), {"domain"})
        r = self.send([self.event("/x")], domain="nowhere-%s.example" % RUN)
        self.assertEqual(fields(r), {"domain"})

    def test_a_viewer_key_may_not_write(self):
        r = self.send([self.event("/x")], key=self.viewer_key)
        is_problem(self, r, 403)


class BrowserBatch(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site("br")

    def send(self, body, **h):
        headers = {"X-Site-Key": self.site.key, "Origin": self.site.origin}
        headers.update(h)
        return post(EVENTS, body, headers=headers)

    def test_site_key_batch_like_the_tracker(self):
        p = "/br-%s/%s" % (RUN, secrets.token_hex(3))
        r = self.send([{"type": "pageview", "url": p},
                       {"name": "CLS", "value": 0.05, "id": "v1-1", "url": p},
                       {"name": "CLS", "value": 0.08, "id": "v1-1", "url": p},
                       {"type": "engagement", "url": p, "engaged_ms": 4000,
                        "timestamp": iso(minutes=5)}])
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json, {"accepted": 4, "dropped": 0})
        self.assertEqual(self.site.rows("kind, value", "path = :'v1'", p),
                         [["engagement", ""], ["pageview", ""], ["vital", "0.08"]])

    def test_the_visitor_comes_from_the_connection(self):
        r = self.send({"events": [{"type": "pageview", "url": "/x", "ip": "192.0.2.1"}]})
        is_problem(self, r, 422)
        self.assertEqual(fields(r), {"events[0].ip"})
        r = self.send({"domain": "other.example", "events": [{"type": "pageview", "url": "/x"}]})
        self.assertEqual(fields(r), {"domain"})

    def test_workers_outlive_their_batches(self):
        """A batch's buffers are released with the request, not after it: every kind of
        ingest leaves the worker that served it alive."""
        workers = worker_pids()
        for _ in range(3 * len(workers)):
            self.assertEqual(self.send([{"type": "pageview", "url": "/alive"}]).status, 202)
            self.assertEqual(plausible({"n": "pageview", "u": "https://x.example/alive",
                                        "d": self.site.domain}).status, 202)
            self.assertEqual(post("/api/level2/ux-signals/track", {"type": "pageview", "url": "/a"},
                                  headers={"X-Site-Key": self.site.key,
                                           "Origin": self.site.origin}).status, 202)
        self.assertEqual(worker_pids(), workers)

    def test_without_credentials_401(self):
        r = post(EVENTS, [{"type": "pageview", "url": "/x"}])
        is_problem(self, r, 401)



class ReportsDoNotStarveIngest(unittest.TestCase):
    """Report GETs have workers of their own (ZOE_REPORT_WORKERS, a second socket, nginx
    routes them there): while more slow reports run than the pool has workers, beacons
    are still answered. A report is made slow honestly: another session holds a lock on
    last month's events partition (as a maintenance job might), so every report over
    that month waits in PostgreSQL; beacons write only into the current month."""
    REPORTS = 8

    def test_beacons_are_answered_while_reports_wait(self):
        site = Site("rs")
        viewer = token_for("viewer")
        part = psql_one("SELECT tableoid::regclass FROM events WHERE ts < date_trunc('month', now())"
                        " AND ts >= date_trunc('month', now()) - interval '10 days' LIMIT 1")
        self.assertTrue(part, "the demo data has events last month")
        lock = subprocess.Popen(["psql", database_url(), "-qAt"], stdin=subprocess.PIPE, text=True,
                                stdout=subprocess.DEVNULL)
        lock.stdin.write("BEGIN; LOCK TABLE %s IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n" % part)
        lock.stdin.flush()
        held = ("SELECT count(*) FROM pg_locks WHERE relation = '%s'::regclass AND granted"
                " AND mode = 'AccessExclusiveLock'" % part)
        waiting = ("SELECT count(*) FROM pg_locks WHERE relation = '%s'::regclass AND NOT granted"
                   % part)
        replies = {}
        month = psql_one("SELECT date_trunc('month', now())")
        first = datetime.date.today().replace(day=1) - datetime.timedelta(days=20)

        def report(i):    # each over another range: no two share a cache entry
            q = "from=%s&to=%s" % (first - datetime.timedelta(days=i), datetime.date.today())
            replies[i] = get("/api/level2/ux-signals/metrics?" + q, token=viewer, timeout=60)

        threads = [threading.Thread(target=report, args=(i,)) for i in range(self.REPORTS)]
        try:
            self.assertTrue(wait_until(lambda: psql_one(held) == "1", 10), "lock not taken")
            for t in threads:
                t.start()
            self.assertTrue(wait_until(lambda: int(psql_one(waiting)) >= 1, 20),
                            "no report reached the locked partition")
            for i in range(20):
                r = post(EVENTS, [{"type": "pageview", "url": "/starve-%d" % i}], timeout=10,
                         headers={"X-Site-Key": site.key, "Origin": site.origin})
                self.assertEqual(r.status, 202, r)
            self.assertEqual(replies, {}, "a report finished while the lock was held")
            # (a constant bound prunes the locked partition while planning)
            self.assertEqual(psql_one("SELECT count(*) FROM events WHERE site_id = %d AND"
                                      " ts >= '%s'" % (site.id, month)), "20")
        finally:
            lock.stdin.write("ROLLBACK;\n")
            lock.stdin.close()
            lock.wait(10)
            for t in threads:
                t.join(60)
        self.assertEqual(sorted(r.status for r in replies.values()), [200] * self.REPORTS)


if __name__ == "__main__":
    unittest.main()
