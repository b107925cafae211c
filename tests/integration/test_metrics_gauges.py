"""/metrics' platform gauges (job queue, rollups, database, disk) against the
same figures computed independently: SQL of our own and the file system."""
import os
import unittest

import zoelib as z


def gauges():
    out = {}
    for line in z.get("/metrics").body.decode().splitlines():
        if line.startswith("zoe_") and "{" not in line:
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


class Gauges(unittest.TestCase):
    def test_database_disk_and_rollups_match_independent_figures(self):
        g = gauges()
        self.assertEqual(g["zoe_database_up"], 1)
        size = int(z.psql_one("select pg_database_size(current_database())"))
        self.assertLess(abs(g["zoe_database_size_bytes"] - size) / size, 0.05)
        fs = os.statvfs(z.VAR)
        self.assertAlmostEqual(g["zoe_disk_size_bytes"], fs.f_blocks * fs.f_frsize, delta=1)
        self.assertLess(abs(g["zoe_disk_free_bytes"] - fs.f_bavail * fs.f_frsize), 0.01 * fs.f_blocks * fs.f_frsize)
        age = float(z.psql_one("select extract(epoch from now() - ran_at) from rollup_state"))
        self.assertLess(abs(g["zoe_rollup_last_run_age_seconds"] - age), 10)
        self.assertGreaterEqual(g["zoe_rollup_behind_seconds"], 0)
        self.assertNotIn("zoe_replica_lag_seconds", g, "no replica, no lag sample")

    def test_a_stuck_job_shows_in_running_and_oldest_age(self):
        before = gauges()
        kind = "test-stuck-" + z.RUN
        # a job taken an hour ago whose lease still runs: no runner takes it meanwhile
        z.psql("insert into jobs (kind, run_at, locked_until, locked_by) "
               "values (:'v1', now() - interval '1 hour', now() + interval '1 hour', 'test')", kind)
        try:
            g = gauges()
            self.assertEqual(g["zoe_jobs_running"], before["zoe_jobs_running"] + 1)
            self.assertGreaterEqual(g["zoe_job_oldest_due_seconds"], 3600)
        finally:
            z.psql("delete from jobs where kind = :'v1'", kind)
        self.assertLess(gauges()["zoe_job_oldest_due_seconds"], 3600)


if __name__ == "__main__":
    unittest.main()
