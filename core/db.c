/* db.c - connection, lazy prepared statements, reconnect; see db.h. */
#include "db.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "metrics.h"

#define MAX_PREPARED 512

/* One server connection with the statements prepared on it. */
typedef struct {
	PGconn *pg;
	const db_stmt_t *prepared[MAX_PREPARED];
	int n_prepared;
} link_t;

static link_t primary, replica;
static link_t *cur = &primary;  /* where this request's statements go */
static int replica_ok;          /* the verdict of the last lag check... */
static double replica_checked;  /* ...taken at this monotonic second */
static uint64_t replica_lsn;    /* the replica's replay position, last seen */
static enum db_error last_err;
static char last_msg[256];
static char conninfo[1024];
static int statement_timeout_ms;
static int held;        /* a transaction held around a handler: see db_hold */
static int saved;       /* ...and the handler's savepoint in it */

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

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
static void session_setup(PGconn *pg)
{
	char sql[160];
	PQsetNoticeProcessor(pg, NULL, NULL);
	snprintf(sql, sizeof(sql),
		 "SET TIME ZONE 'UTC'; SET client_min_messages = warning; SET jit = off; "
		 "SET statement_timeout = %d", statement_timeout_ms);
	PQclear(PQexec(pg, sql));
}

static int link_open(link_t *l, const char *info)
{
	if (l->pg)
		PQfinish(l->pg);
	l->n_prepared = 0;
	l->pg = PQconnectdb(info);
	if (PQstatus(l->pg) != CONNECTION_OK) {
		set_err(DB_DOWN, PQerrorMessage(l->pg));
		return -1;
	}
	session_setup(l->pg);
	return 0;
}

static void link_close(link_t *l)
{
	if (l->pg)
		PQfinish(l->pg);
	l->pg = NULL;
	l->n_prepared = 0;
}

int db_open(void)
{
	cur = &primary;
	return link_open(&primary, db_conninfo());
}

void db_close(void)
{
	link_close(&primary);
	link_close(&replica);
	cur = &primary;
	replica_ok = 0;
	replica_checked = 0;
	replica_lsn = 0;
	conninfo[0] = '\0';    /* the next open reads cfg again (a reload may move it) */
}

/* Makes sure the connection is up; resets it after an outage. A replica
 * that went away hands the request to the primary. */
static int ensure(void)
{
	if (cur == &replica && (!cur->pg || PQstatus(cur->pg) != CONNECTION_OK)) {
		replica_ok = 0;
		cur = &primary;
	}
	if (cur->pg && PQstatus(cur->pg) == CONNECTION_OK)
		return 0;
	if (cur->pg) {
		PQreset(cur->pg);
		cur->n_prepared = 0;
		if (PQstatus(cur->pg) == CONNECTION_OK) {
			session_setup(cur->pg);
			return 0;
		}
		set_err(DB_DOWN, PQerrorMessage(cur->pg));
		return -1;
	}
	return link_open(cur, db_conninfo());
}

/* "16/B374D848" as a number; 0 for NULL or nonsense. */
static uint64_t lsn_of(const char *s)
{
	char *end;
	if (!s)
		return 0;
	unsigned long long hi = strtoull(s, &end, 16);
	if (*end != '/')
		return 0;
	unsigned long long lo = strtoull(end + 1, &end, 16);
	return *end ? 0 : (uint64_t)hi << 32 | (uint64_t)lo;
}

/* The replica's lag in milliseconds: 0 when it has replayed all the WAL the
 * primary had written when asked (or is itself a primary now), else the age
 * of its last replayed transaction; a negative value when it does not
 * answer. pg_last_xact_replay_timestamp alone would report an idle primary's
 * quiet minutes as lag. Notes the replay position on the way. */
static int replica_reached(uint64_t want);

static double replica_lag_ms(void)
{
	if (!replica.pg || PQstatus(replica.pg) != CONNECTION_OK) {
		if (link_open(&replica, cfg.database_url_ro) < 0)
			return -1;
	}
	const char *lsn = NULL;
	double t0 = now_us();
	PGresult *p = primary.pg && PQstatus(primary.pg) == CONNECTION_OK &&
			      PQtransactionStatus(primary.pg) == PQTRANS_IDLE
		? PQexec(primary.pg, "SELECT pg_current_wal_lsn()::text") : NULL;
	if (p && PQresultStatus(p) == PGRES_TUPLES_OK && PQntuples(p) == 1)
		lsn = PQgetvalue(p, 0, 0);
	PGresult *r = PQexecParams(replica.pg,
		"SELECT CASE WHEN NOT pg_is_in_recovery() "
		" OR pg_last_wal_replay_lsn() >= $1::pg_lsn THEN 0 "
		" ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000, "
		"  'Infinity') END, coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text",
		1, NULL, &lsn, NULL, NULL, 0);
	double lag = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		lag = strtod(PQgetvalue(r, 0, 0), NULL);
		replica_lsn = lsn_of(PQgetvalue(r, 0, 1));
	}
	/* Just behind a busy primary: a few 10 ms looks usually see it pass the
	 * position asked for, which bounds the lag by the time since (the age of
	 * the last replayed commit would count a quiet writer's pause as lag). */
	uint64_t want = lsn_of(lsn);
	for (int i = 0; lag > 0 && want && i < 5; i++) {
		usleep(10000);
		if (replica_reached(want))
			lag = (now_us() - t0) / 1000;
	}
	PQclear(p);
	PQclear(r);
	return lag;
}

/* The primary's WAL position now; 0 when it does not answer. */
static uint64_t primary_lsn(void)
{
	uint64_t lsn = 0;
	if (!primary.pg || PQtransactionStatus(primary.pg) != PQTRANS_IDLE)
		return 0;
	PGresult *r = PQexec(primary.pg, "SELECT pg_current_wal_insert_lsn()::text");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		lsn = lsn_of(PQgetvalue(r, 0, 0));
	PQclear(r);
	return lsn;
}

/* Whether the replica has replayed up to `want`: asks it again only when
 * the position last seen is behind. */
static int replica_reached(uint64_t want)
{
	if (replica_lsn >= want)
		return 1;
	PGresult *r = PQexec(replica.pg, "SELECT coalesce(pg_last_wal_replay_lsn(), "
				       "pg_current_wal_lsn())::text");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		replica_lsn = lsn_of(PQgetvalue(r, 0, 0));
	PQclear(r);
	return replica_lsn >= want;
}

int db_stamp_begin(void)
{
	if (cur != &replica || PQtransactionStatus(cur->pg) != PQTRANS_IDLE)
		return 0;
	cur = &primary;
	return 1;
}

void db_stamp_end(int moved)
{
	if (!moved)
		return;
	uint64_t want = primary_lsn();
	if (want && replica.pg && PQstatus(replica.pg) == CONNECTION_OK && replica_reached(want))
		cur = &replica;
}

void db_note_write(void)
{
	if (!cfg.database_url_ro || !primary.pg || PQstatus(primary.pg) != CONNECTION_OK ||
	    PQtransactionStatus(primary.pg) != PQTRANS_IDLE)
		return;
	metrics_note_write_lsn(primary_lsn());
}

/* Whether reads may go to the replica now: checked at most once a second
 * while it is usable, every 5 s while it is not. */
static int replica_usable(void)
{
	double now = now_us() / 1e6;
	if (replica_checked && now - replica_checked < (replica_ok ? 1.0 : 5.0))
		return replica_ok;
	replica_checked = now;
	double lag = replica_lag_ms();
	int ok = lag >= 0 && lag <= cfg.replica_max_lag_ms;
	if (ok != replica_ok) {
		if (ok)
			log_info("reads go to the replica (lag %.0f ms)", lag);
		else if (lag < 0)
			log_warn("reads go to the primary: the replica does not answer");
		else
			log_warn("reads go to the primary: replica lag %.0f ms > %d ms", lag,
				 cfg.replica_max_lag_ms);
	}
	replica_ok = ok;
	return ok;
}

void db_route_reads(void)
{
	cur = cfg.database_url_ro && replica_usable() && replica_reached(metrics_write_lsn()) ? &replica : &primary;
}

void db_route_primary(void) { cur = &primary; }

int db_on_replica(void) { return cur == &replica; }

/* Writes and transactions belong to the primary. */
static void to_primary(void)
{
	if (cur == &replica && PQtransactionStatus(cur->pg) == PQTRANS_IDLE)
		cur = &primary;
}

static int is_prepared(const db_stmt_t *st)
{
	for (int i = 0; i < cur->n_prepared; i++)
		if (cur->prepared[i] == st)
			return 1;
	return 0;
}

static void classify(PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	enum db_error e = DB_OTHER;
	if (PQstatus(cur->pg) != CONNECTION_OK || (state && strncmp(state, "08", 2) == 0) ||
	    (state && strncmp(state, "57P", 3) == 0))
		e = DB_DOWN;
	else if (state && strcmp(state, "57014") == 0)
		e = DB_TIMEOUT;     /* statement_timeout (or a cancel) */
	else if (state && strcmp(state, "23505") == 0)
		e = DB_UNIQUE;
	else if (state && strcmp(state, "55P03") == 0)
		e = DB_BUSY;
	else if (state && (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0))
		e = DB_INVALID;
	set_err(e, res ? PQresultErrorMessage(res) : PQerrorMessage(cur->pg));
}

static PGresult *run_once(const db_stmt_t *st, int n, const char *const *params, int binary)
{
	if (!is_prepared(st)) {
		PGresult *p = PQprepare(cur->pg, st->name, st->sql, 0, NULL);
		if (PQresultStatus(p) != PGRES_COMMAND_OK) {
			classify(p);
			PQclear(p);
			return NULL;
		}
		PQclear(p);
		if (cur->n_prepared < MAX_PREPARED)
			cur->prepared[cur->n_prepared++] = st;
	}
	PGresult *res = PQexecPrepared(cur->pg, st->name, n, params, NULL, NULL, binary);
	ExecStatusType s = PQresultStatus(res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		classify(res);
		PQclear(res);
		return NULL;
	}
	return res;
}

static void clear_res(void *res) { PQclear(res); }

static PGresult *run(arena_t *a, const db_stmt_t *st, int n, const char *const *params,
		     int binary)
{
	if (ensure() < 0)
		return NULL;
	double t0 = now_us();
	int in_tx = db_in_transaction();
	PGresult *res = run_once(st, n, params, binary);
	if (!res && cur == &replica && !in_tx) {
		/* the replica went away, refused a write (25006) or cancelled the
		 * statement for a recovery conflict: the primary answers instead */
		log_warn("statement %s on the replica failed, the primary answers: %s", st->name,
			 last_msg);
		if (last_err == DB_DOWN)
			replica_ok = 0;
		cur = &primary;
		if (ensure() < 0)
			return NULL;
		res = run_once(st, n, params, binary);
	}
	if (!res && last_err == DB_DOWN && !in_tx) {
		/* the server went away between requests: reconnect and retry once */
		PQreset(cur->pg);
		cur->n_prepared = 0;
		if (PQstatus(cur->pg) == CONNECTION_OK) {
			session_setup(cur->pg);
			res = run_once(st, n, params, binary);
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

PGresult *db_run(arena_t *a, const db_stmt_t *st, int n, const char *const *params)
{
	return run(a, st, n, params, 0);
}

PGresult *db_run_binary(arena_t *a, const db_stmt_t *st, int n, const char *const *params)
{
	return run(a, st, n, params, 1);
}

int db_exec(const char *sql)
{
	if (ensure() < 0)
		return -1;
	PGresult *res = PQexec(cur->pg, sql);
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
	to_primary();
	if (ensure() < 0)
		return -1;
	double t0 = now_us();
	PGresult *res = PQexec(cur->pg, copy_sql);
	int rc = -1;
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		classify(res);
		PQclear(res);
		if (last_err != DB_DOWN || db_in_transaction())
			return -1;
		/* the server went away between requests (as in db_run): no row was
		 * sent, so reconnecting and starting again cannot store one twice */
		PQreset(cur->pg);
		cur->n_prepared = 0;
		if (PQstatus(cur->pg) != CONNECTION_OK)
			return -1;
		session_setup(cur->pg);
		res = PQexec(cur->pg, copy_sql);
		if (PQresultStatus(res) != PGRES_COPY_IN) {
			classify(res);
			PQclear(res);
			return -1;
		}
	}
	PQclear(res);
	if (PQputCopyData(cur->pg, data, (int)len) == 1 && PQputCopyEnd(cur->pg, NULL) == 1)
		rc = 0;
	while ((res = PQgetResult(cur->pg))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			classify(res);
			rc = -1;
		}
		PQclear(res);
	}
	if (rc < 0 && last_err == DB_OK)
		set_err(DB_DOWN, PQerrorMessage(cur->pg));
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
		/* runs without a character to escape at once: the ingest sends
		 * every field of every row through here */
		static const char from[] = "\\\t\n\r", to[] = "\\tnr";
		for (;;) {
			size_t n = strcspn(s, from);
			buf_add(b, s, n);
			s += n;
			if (!*s)
				break;
			char esc[2] = {'\\', to[strchr(from, *s) - from]};
			buf_add(b, esc, 2);
			s++;
		}
	}
	buf_add(b, &sep, 1);
}

/* Inside a held transaction a handler's own transaction is a savepoint. */
int db_begin(void)
{
	to_primary();
	saved = held;
	return db_exec(held ? "SAVEPOINT handler" : "BEGIN");
}

int db_commit(void)
{
	if (!held)
		return db_exec("COMMIT");
	saved = 0;
	return db_exec("RELEASE SAVEPOINT handler");
}

/* Keeps the error that made the handler roll back: db_fail answers for it. */
void db_rollback(void)
{
	if (!cur->pg || PQtransactionStatus(cur->pg) == PQTRANS_IDLE)
		return;
	if (!held) {
		db_exec("ROLLBACK");
		return;
	}
	if (!saved)
		return;         /* db_release(0) undoes everything */
	enum db_error e = last_err;
	char msg[sizeof(last_msg)];
	memcpy(msg, last_msg, sizeof(msg));
	db_exec("ROLLBACK TO SAVEPOINT handler");
	saved = 0;
	last_err = e;
	memcpy(last_msg, msg, sizeof(msg));
}

int db_hold(const char *settings)
{
	to_primary();
	int rc = db_exec("BEGIN");
	if (rc < 0 && last_err == DB_DOWN) {
		/* the server went away between requests: reconnect and retry once */
		PQreset(cur->pg);
		cur->n_prepared = 0;
		rc = db_exec("BEGIN");
	}
	if (rc == 0 && settings && db_exec(settings) < 0) {
		db_exec("ROLLBACK");
		rc = -1;
	}
	held = rc == 0;
	return rc;
}

int db_release(int commit)
{
	held = saved = 0;
	if (commit)
		return db_exec("COMMIT");
	db_rollback();
	return 0;
}
int db_in_transaction(void)
{
	return cur->pg && PQtransactionStatus(cur->pg) != PQTRANS_IDLE &&
	       PQtransactionStatus(cur->pg) != PQTRANS_UNKNOWN;
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
		return reply_problem(r, 503, "the request took longer than the server allows "
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
