/* db.h - the worker's PostgreSQL connection (and, for GETs, a replica's).
 *
 * Statements are static db_stmt_t values; each is prepared on first use per
 * connection and executed by name afterwards. Results are registered with the
 * request's arena. After PostgreSQL restarts, the next statement reconnects
 * and retries once (outside a transaction); while it is down, handlers answer
 * 503 through db_fail. */
#ifndef ZOE_DB_H
#define ZOE_DB_H

#include <libpq-fe.h>

#include "arena.h"
#include "buf.h"
#include "http.h"

typedef struct db_stmt {
	const char *name;   /* unique, e.g. "ux_insert" */
	const char *sql;    /* $1..$n, all parameters passed as text */
} db_stmt_t;

enum db_error { DB_OK = 0, DB_DOWN, DB_UNIQUE, DB_INVALID, DB_TIMEOUT, DB_BUSY, DB_OTHER };	/* DB_TIMEOUT: statement timeout; DB_BUSY: lock timeout */

/* Connects with cfg.database_url (or the private cluster's socket); 0/-1. */
int db_open(void);
/* Every statement of this process's connection is cancelled after `ms`
 * milliseconds (0: no limit); call before db_open. The pool's workers set it
 * below nginx's read timeout, so a report that runs too long answers 503
 * instead of nginx's 504 while the query goes on computing. */
void db_set_statement_timeout(int ms);
void db_close(void);
/* The conninfo string in use. */
const char *db_conninfo(void);

/* Sends this request's statements to the streaming replica
 * (cfg.database_url_ro) when one is configured, answers and lags at most
 * cfg.replica_max_lag_ms (checked at most once a second); else to the
 * primary; and only once it has replayed this host's last write
 * (db_note_write). A transaction, a COPY or a statement the replica fails (it went
 * away, refused a write, cancelled a query for a recovery conflict) moves the
 * rest of the request to the primary. db_route_primary() ends it. */
void db_route_reads(void);
void db_route_primary(void);
/* 1 when statements go to the replica now. */
int db_on_replica(void);
/* After a write: notes the primary's WAL position, so that this host's reads
 * go to the replica only once it has replayed that far (read-your-writes).
 * Nothing without a replica. */
void db_note_write(void);
/* The report cache's data stamp is read on the primary: a standby's
 * sequences are logged up to 32 values ahead, so a stamp read there stays
 * put while rows change. db_stamp_begin moves a replica-routed request to the
 * primary (1 if it did); db_stamp_end(moved) sends it back to the replica
 * only if that has replayed what the primary had after the stamp. */
int db_stamp_begin(void);
void db_stamp_end(int moved);

/* Executes `st` with n text parameters (NULL = SQL NULL). Returns the result
 * (owned by `a`, which may be NULL for the caller to PQclear) or NULL on
 * error; db_last() then tells the kind of error. */
PGresult *db_run(arena_t *a, const db_stmt_t *st, int n, const char *const *params);
/* The same with the result in binary format: bytea as its bytes, integers
 * big-endian, text as it is, for results of many bytes that text would
 * escape and the client parse. */
PGresult *db_run_binary(arena_t *a, const db_stmt_t *st, int n, const char *const *params);
/* Runs plain SQL without parameters (migrations, BEGIN/COMMIT); 0/-1. */
int db_exec(const char *sql);

/* BEGIN / COMMIT / ROLLBACK; 0/-1. A request left in a transaction is rolled back. */
int db_begin(void);
int db_commit(void);
void db_rollback(void);
int db_in_transaction(void);
/* Holds one transaction around a handler (BEGIN, then the SET LOCAL
 * `settings` or NULL); until db_release, db_begin/db_commit/db_rollback work
 * on a savepoint, so the handler's work commits with what the caller adds.
 * 0/-1. db_release commits (commit = 1) or rolls back; 0/-1. */
int db_hold(const char *settings);
int db_release(int commit);

/* Bulk load: runs `copy_sql` (COPY ... FROM STDIN, text format) and sends
 * `len` bytes of rows; 0/-1 (db_last() tells why). */
int db_copy_in(const char *copy_sql, const char *data, size_t len);
/* Appends one field of COPY text format: escaped text, or \N for NULL;
 * `sep` ('\t' or '\n') follows it. */
void db_copy_field(buf_t *b, const char *s, char sep);

enum db_error db_last(void);
const char *db_last_message(void);

/* Answers the request for the last error: 503 when the database is down or
 * a statement ran past the timeout, 409 for a unique violation, 422 for
 * invalid data, 500 otherwise; always returns 0. */
int db_fail(req_t *r);

/* Field helpers: text value or NULL for SQL NULL; numbers with defaults. */
const char *db_get(const PGresult *res, int row, int col);
long long db_getll(const PGresult *res, int row, int col, long long dflt);
double db_getd(const PGresult *res, int row, int col, double dflt);

#endif
