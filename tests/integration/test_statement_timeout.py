"""A report that runs longer than the pool allows answers 503 problem+json with
Retry-After (not nginx's 504 with the query still running): a pool of its own with
ZOE_STATEMENT_TIMEOUT=1 ms asks the 90-day timeseries of the demo site."""
import datetime
import json
import time
import unittest

from zoelib import fcgi_get, free_port, get, psql_one, start_pool, token_for

PATH = "/api/level5/analytics/timeseries"


def query():
    to = datetime.date.today()
    since = to - datetime.timedelta(days=89)
    return "from=%s&to=%s&interval=day&nocache=%d" % (since, to, time.time_ns())


class StatementTimeout(unittest.TestCase):
    def test_report_past_the_timeout_is_503_and_cancelled(self):
        token = token_for("viewer")
        q = query()
        # the normal pool computes the report
        self.assertEqual(get(PATH + "?" + q, token=token, timeout=30).status, 200)
        port = free_port()
        pool = start_pool(port, ZOE_STATEMENT_TIMEOUT="1", ZOE_REDIS="", ZOE_CACHE_MB="0")
        try:
            reply = fcgi_get(port, PATH, query(),
                             {"HTTP_AUTHORIZATION": "Bearer " + token})
            head, _, body = reply.partition("\r\n\r\n")
            self.assertIn("Status: 503", head)
            self.assertIn("Retry-After:", head)
            self.assertIn("application/problem+json", head)
            problem = json.loads(body)
            self.assertEqual(problem["status"], 503)
            self.assertIn("ZOE_STATEMENT_TIMEOUT", problem["detail"])
            # the statement was cancelled, not left computing
            running = psql_one("select count(*) from pg_stat_activity where state = 'active' "
                               "and query ilike '%%events%%' and pid <> pg_backend_pid()")
            self.assertEqual(int(running), 0)
        finally:
            pool.kill()
            pool.wait()


if __name__ == "__main__":
    unittest.main()
