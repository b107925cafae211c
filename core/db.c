/* db.c - connection, lazy prepared statements, reconnect; see db.h. */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "metrics.h"

#define MAX_PREPARED 512

static PGconn *conn;
static const db_stmt_t *prepared[MAX_PREPARED];
static int n_prepared;
static enum db_error last_err;
static char last_msg[256];
static char conninfo[1024];
static int statement_timeout_ms;

const char *db_conninfo(void)
{
	if (!conninfo[0]) {
		if (cfg.database_url)
			snprintf(conninfo, sizeof(conninfo), "%s", cfg.database_url);
		else
			snprintf(conninfo, sizeof(conninfo),
				 "host=%s/run dbname=zoe user=zoe connect_timeout=3",
				 cfg.var_dir[0] == '/' ? cfg.var_dir : ".");
	}
	return conninfo;
}

static void set_err(enum db_error e, const char *msg)
{
	last_err = e;
	snprintf(last_msg, sizeof(last_msg), "%s", msg ? msg : "");
	size_t n = strlen(last_msg);
	while (n && last_msg[n - 1] == '\n')
		last_msg[--n] = '\0';
}

void db_set_statement_timeout(int ms) { statement_timeout_ms = ms > 0 ? ms : 0; }

/* Session settings, after every (re)connect. JIT is off: our statements are
 * short and planned once, and compiling them cost more than running them
 * (a 50 ms report took half a second with JIT). */
static void session_setup(void)
{
	char sql[160];
	PQsetNoticeProcessor(conn, NULL, NULL);
	snprintf(sql, sizeof(sql),
		 "SET TIME ZONE 'UTC'; SET client_min_messages = warning; SET jit = off; "
		 "SET statement_timeout = %d", statement_timeout_ms);
	PQclear(PQexec(conn, sql));
}

int db_open(void)
{
	if (conn)
		PQfinish(conn);
	n_prepared = 0;
	conn = PQconnectdb(db_conninfo());
	if (PQstatus(conn) != CONNECTION_OK) {
		set_err(DB_DOWN, PQerrorMessage(conn));
		return -1;
	}
	session_setup();
	return 0;
}

void db_close(void)
{
	if (conn)
		PQfinish(conn);
	conn = NULL;
	n_prepared = 0;
}

/* Makes sure the connection is up; resets it after an outage. */
static int ensure(void)
{
	if (conn && PQstatus(conn) == CONNECTION_OK)
		return 0;
	if (conn) {
		PQreset(conn);
		n_prepared = 0;
		if (PQstatus(conn) == CONNECTION_OK) {
			session_setup();
			return 0;
		}
		set_err(DB_DOWN, PQerrorMessage(conn));
		return -1;
	}
	return db_open();
}

static int is_prepared(const db_stmt_t *st)
{
	for (int i = 0; i < n_prepared; i++)
		if (prepared[i] == st)
			return 1;
	return 0;
}

static void classify(PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	enum db_error e = DB_OTHER;
	if (PQstatus(conn) != CONNECTION_OK || (state && strncmp(state, "08", 2) == 0) ||
	    (state && strncmp(state, "57P", 3) == 0))
		e = DB_DOWN;
	else if (state && strcmp(state, "57014") == 0)
		e = DB_TIMEOUT;     /* statement_timeout (or a cancel) */
	else if (state && strcmp(state, "23505") == 0)
		e = DB_UNIQUE;
	else if (state && (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0))
		e = DB_INVALID;
	set_err(e, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
}

static PGresult *run_once(const db_stmt_t *st, int n, const char *const *params)
{
	if (!is_prepared(st)) {
		PGresult *p = PQprepare(conn, st->name, st->sql, 0, NULL);
		if (PQresultStatus(p) != PGRES_COMMAND_OK) {
			classify(p);
			PQclear(p);
			return NULL;
		}
		PQclear(p);
		if (n_prepared < MAX_PREPARED)
			prepared[n_prepared++] = st;
	}
	PGresult *res = PQexecPrepared(conn, st->name, n, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		classify(res);
		PQclear(res);
		return NULL;
	}
	return res;
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void clear_res(void *res) { PQclear(res); }

PGresult *db_run(arena_t *a, const db_stmt_t *st, int n, const char *const *params)
{
	if (ensure() < 0)
		return NULL;
	double t0 = now_us();
	int in_tx = db_in_transaction();
	PGresult *res = run_once(st, n, params);
	if (!res && last_err == DB_DOWN && !in_tx) {
		/* the server went away between requests: reconnect and retry once */
		PQreset(conn);
		n_prepared = 0;
		if (PQstatus(conn) == CONNECTION_OK) {
			session_setup();
			res = run_once(st, n, params);
		}
	}
	metrics_db_roundtrip((now_us() - t0) / 1e6);
	if (!res) {
		if (last_err == DB_OTHER)
			log_error("statement %s failed: %s", st->name, last_msg);
		return NULL;
	}
	last_err = DB_OK;
	if (a && arena_cleanup(a, clear_res, res) < 0) {
		PQclear(res);
		set_err(DB_OTHER, "out of memory");
		return NULL;
	}
	return res;
}

int db_exec(const char *sql)
{
	if (ensure() < 0)
		return -1;
	PGresult *res = PQexec(conn, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? 0 : -1;
	if (rc < 0)
		classify(res);
	PQclear(res);
	metrics_db_roundtrip(0);
	return rc;
}

int db_copy_in(const char *copy_sql, const char *data, size_t len)
{
	if (ensure() < 0)
		return -1;
	double t0 = now_us();
	PGresult *res = PQexec(conn, copy_sql);
	int rc = -1;
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		classify(res);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if (PQputCopyData(conn, data, (int)len) == 1 && PQputCopyEnd(conn, NULL) == 1)
		rc = 0;
	while ((res = PQgetResult(conn))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			classify(res);
			rc = -1;
		}
		PQclear(res);
	}
	if (rc < 0 && last_err == DB_OK)
		set_err(DB_DOWN, PQerrorMessage(conn));
	metrics_db_roundtrip((now_us() - t0) / 1e6);
	if (rc == 0)
		last_err = DB_OK;
	return rc;
}

void db_copy_field(buf_t *b, const char *s, char sep)
{
	if (!s) {
		buf_add(b, "\\N", 2);
	} else {
		const char *run = s;
		for (; *s; s++) {
			static const char from[] = "\\\t\n\r", to[] = "\\tnr";
			const char *hit = strchr(from, *s);
			if (!hit)
				continue;
			buf_add(b, run, (size_t)(s - run));
			char esc[2] = {'\\', to[hit - from]};
			buf_add(b, esc, 2);
			run = s + 1;
		}
		buf_add(b, run, (size_t)(s - run));
	}
	buf_add(b, &sep, 1);
}

int db_begin(void) { return db_exec("BEGIN"); }
int db_commit(void) { return db_exec("COMMIT"); }
void db_rollback(void)
{
	if (conn && PQtransactionStatus(conn) != PQTRANS_IDLE)
		db_exec("ROLLBACK");
}
int db_in_transaction(void)
{
	return conn && PQtransactionStatus(conn) != PQTRANS_IDLE &&
	       PQtransactionStatus(conn) != PQTRANS_UNKNOWN;
}

enum db_error db_last(void) { return last_err; }
const char *db_last_message(void) { return last_msg; }

int db_fail(req_t *r)
{
	switch (last_err) {
	case DB_DOWN:
		reply_header(r, "Retry-After", "1");
		return reply_problem(r, 503, "the database is not reachable; try again shortly", NULL);
	case DB_TIMEOUT:
		reply_header(r, "Retry-After", "30");
		return reply_problem(r, 503, "the report took longer than the server allows "
				     "(ZOE_STATEMENT_TIMEOUT); try a shorter range or again later", NULL);
	case DB_UNIQUE:
		return reply_problem(r, 409, "this record already exists", NULL);
	case DB_INVALID:
		return reply_problem(r, 422, last_msg, NULL);
	default:
		return reply_problem(r, 500, "a database statement failed; see the server log", NULL);
	}
}

const char *db_get(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

long long db_getll(const PGresult *res, int row, int col, long long dflt)
{
	const char *v = db_get(res, row, col);
	return v ? strtoll(v, NULL, 10) : dflt;
}

double db_getd(const PGresult *res, int row, int col, double dflt)
{
	const char *v = db_get(res, row, col);
	return v ? strtod(v, NULL) : dflt;
}
