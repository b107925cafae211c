/* jobs.c - claim, run, record; see jobs.h. */
#include "jobs.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "log.h"

static volatile sig_atomic_t stop, hup;
static void on_term(int sig) { (void)sig; stop = 1; }
static void on_hup(int sig) { (void)sig; hup = 1; }

static const db_stmt_t q_enqueue = {"jobs_enqueue", "SELECT jobs_enqueue_due()"};
static const db_stmt_t q_claim = {"jobs_claim",
	"SELECT id, kind, payload::text, attempts FROM jobs_claim($1, 300)"};
static const db_stmt_t q_done = {"jobs_done",
	"UPDATE jobs SET done_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1"};
/* failure: retry with exponential backoff, or give up after max attempts */
static const db_stmt_t q_failed = {"jobs_failed",
	"UPDATE jobs SET locked_until = NULL, last_error = $2, "
	"run_at = now() + make_interval(secs => 5 * power(4, attempts - 1)), "
	"done_at = CASE WHEN attempts >= $3::int THEN now() END WHERE id = $1"};

/* data-modifying CTEs must sit at the top level of the statement */
static const db_stmt_t q_maint = {"jobs_maint",
	"WITH s AS (DELETE FROM visitor_salts WHERE day < current_date - 1 RETURNING 1), "
	" f AS (DELETE FROM login_failures WHERE at < now() - interval '1 day' RETURNING 1), "
	" t AS (DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day' "
	"  RETURNING 1), "
	" k AS (DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours' "
	"  RETURNING 1) "
	"SELECT events_ensure_partitions(now()::date, 3), (SELECT count(*) FROM s), "
	" (SELECT count(*) FROM f), (SELECT count(*) FROM t), (SELECT count(*) FROM k), "
	" events_expire()"};

int job_maintenance(json_t *payload, char *err, size_t errlen)
{
	(void)payload;
	PGresult *res = db_run(NULL, &q_maint, 0, NULL);
	if (!res) {
		snprintf(err, errlen, "%s", db_last_message());
		return -1;
	}
	log_info("maintenance: %s partitions made, %s past the retention dropped, %s salts, "
		 "%s login failures, %s tokens, %s idempotency keys purged", PQgetvalue(res, 0, 0),
		 PQgetvalue(res, 0, 5), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
		 PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4));
	PQclear(res);
	/* autovacuum analyses the partitions but never the partitioned table, whose
	 * statistics plan every report joining or grouping across months */
	if (db_exec("ANALYZE events") < 0) {
		snprintf(err, errlen, "%s", db_last_message());
		return -1;
	}
	return 0;
}

static const job_kind_t *find_kind(const char *name)
{
	for (size_t i = 0; i < jobs_count; i++)
		if (strcmp(jobs_table[i].name, name) == 0)
			return &jobs_table[i];
	return NULL;
}

/* Claims and runs one job; 1 if one ran, 0 if none was due, -1 on DB error. */
static int run_one(const char *runner)
{
	const char *p[] = {runner};
	PGresult *res = db_run(NULL, &q_claim, 1, p);
	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	char id[32], err[512] = "";
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	const job_kind_t *k = find_kind(PQgetvalue(res, 0, 1));
	json_t *payload = json_loads(PQgetvalue(res, 0, 2), 0, NULL);
	int rc = -1;
	if (!k)
		snprintf(err, sizeof(err), "unknown job kind %s", PQgetvalue(res, 0, 1));
	else
		rc = k->run(payload, err, sizeof(err));
	json_decref(payload);
	PQclear(res);
	char max[16];
	snprintf(max, sizeof(max), "%d", k ? k->max_attempts : 1);
	const char *pd[] = {id, err, max};
	res = rc == 0 ? db_run(NULL, &q_done, 1, pd) : db_run(NULL, &q_failed, 3, pd);
	if (rc < 0)
		log_warn("job %s failed: %s", id, err);
	PQclear(res);
	return 1;
}

int jobs_run(int once)
{
	char runner[128], host[64] = "";
	gethostname(host, sizeof(host) - 1);
	snprintf(runner, sizeof(runner), "%s:%d", host, (int)getpid());
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGHUP, on_hup);
	log_info("job runner %s started", runner);
	while (!stop) {
		if (hup) {      /* the database may have moved: reconnect where db.env says */
			hup = 0;
			if (access(cfg.db_file, F_OK) == 0 && config_reload_db() == 0)
				db_close();
			log_info("job runner %s reloaded: database %s", runner, db_conninfo());
		}
		PGresult *res = db_run(NULL, &q_enqueue, 0, NULL);
		PQclear(res);
		int ran;
		while (!stop && (ran = run_one(runner)) > 0)
			;
		if (once)
			break;
		sleep(1);
	}
	log_info("job runner %s stopped", runner);
	return 0;
}
