/* relay.c - see relay.h. */
#include "relay.h"

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "log.h"

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

static const db_stmt_t q_cursor = {"relay_cursor",
	"WITH i AS (INSERT INTO hub_cursor (name) VALUES ($1) ON CONFLICT (name) DO NOTHING)"
	" SELECT last_xid::text, last_id FROM hub_cursor WHERE name = $1"};
static const db_stmt_t q_page = {"relay_page",
	"SELECT id, xid::text, coalesce(aggregate, ''), json_build_object('id', id, 'type', type,"
	" 'aggregate', aggregate, 'timestamp', to_char(created_at AT TIME ZONE 'UTC',"
	" 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'data', data)::text, type"
	" FROM event_log_page($1::xid8, $2::bigint, NULL, $3::int)"};
static const db_stmt_t q_store = {"relay_store",
	"UPDATE hub_cursor SET last_xid = $2::xid8, last_id = $3::bigint WHERE name = $1"};

/* Delivery reports: how many of the batch failed, and the first error. */
static int failed;
static char first_error[256];

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	(void)opaque;
	if (m->err && failed++ == 0)
		snprintf(first_error, sizeof first_error, "%s", rd_kafka_err2str(m->err));
}

static rd_kafka_t *producer(const relay_opts_t *o)
{
	char err[512];
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	const char *fixed[][2] = {
		{"bootstrap.servers", o->brokers}, {"enable.idempotence", "true"},
		{"acks", "all"}, {"compression.type", "lz4"}, {"linger.ms", "5"},
		{"message.timeout.ms", "60000"},
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (rd_kafka_conf_set(c, fixed[i][0], fixed[i][1], err, sizeof err) != RD_KAFKA_CONF_OK)
			goto bad;
	for (const char *const *p = o->props; p && *p; p++) {
		char name[128];
		const char *eq = strchr(*p, '=');
		if (!eq || (size_t)(eq - *p) >= sizeof name) {
			snprintf(err, sizeof err, "--set %s: not name=value", *p);
			goto bad;
		}
		snprintf(name, sizeof name, "%.*s", (int)(eq - *p), *p);
		if (rd_kafka_conf_set(c, name, eq + 1, err, sizeof err) != RD_KAFKA_CONF_OK)
			goto bad;
	}
	rd_kafka_conf_set_dr_msg_cb(c, on_delivery);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
	if (rk)
		return rk;
	log_error("relay: %s", err);
	return NULL;
bad:
	log_error("relay: %s", err);
	rd_kafka_conf_destroy(c);
	return NULL;
}

/* Produces one row; waits while the local queue is full. 0/-1. */
static int produce(rd_kafka_t *rk, const char *topic, PGresult *res, int i)
{
	const char *key = db_get(res, i, 2), *val = db_get(res, i, 3), *type = db_get(res, i, 4);
	for (;;) {
		rd_kafka_resp_err_t e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
			RD_KAFKA_V_KEY((void *)key, strlen(key)), RD_KAFKA_V_VALUE((void *)val, strlen(val)),
			RD_KAFKA_V_HEADER("type", type, -1), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_END);
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
			return 0;
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			log_error("relay: produce: %s", rd_kafka_err2str(e));
			return -1;
		}
		rd_kafka_poll(rk, 100);
	}
}

/* One batch from the stored position: produce, wait for every report, store.
 * Returns the number of events published, -1 on an error. */
static int batch(rd_kafka_t *rk, const relay_opts_t *o, const char *name)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", o->batch);
	const char *pc[] = {name};
	PGresult *cur = db_run(NULL, &q_cursor, 1, pc);
	if (!cur || PQntuples(cur) != 1) {
		PQclear(cur);
		return -1;
	}
	const char *pp[] = {db_get(cur, 0, 0), db_get(cur, 0, 1), lim};
	PGresult *res = db_run(NULL, &q_page, 3, pp);
	PQclear(cur);
	int n = res ? PQntuples(res) : -1, rc = n;
	failed = 0;
	for (int i = 0; i < n && rc >= 0; i++)
		rc = produce(rk, o->topic, res, i) < 0 ? -1 : rc;
	if (n > 0 && rc >= 0) {
		rd_kafka_resp_err_t e = rd_kafka_flush(rk, 60000);
		if (e || failed) {
			log_error("relay: %d of %d events not confirmed (%s); the batch is sent again",
				  failed ? failed : n, n, failed ? first_error : rd_kafka_err2str(e));
			rc = -1;
		} else {
			const char *ps[] = {name, db_get(res, n - 1, 1), db_get(res, n - 1, 0)};
			PGresult *st = db_run(NULL, &q_store, 3, ps);
			rc = st ? n : -1;
			PQclear(st);
		}
	}
	PQclear(res);
	return rc;
}

int relay_run(const relay_opts_t *o)
{
	char name[300];
	snprintf(name, sizeof name, "kafka:%s", o->topic);
	rd_kafka_t *rk = producer(o);
	if (!rk)
		return -1;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	log_info("relay: publishing the event log to %s on %s", o->topic, o->brokers);
	int rc = 0, n, errors = 0;
	while (!stop) {
		n = batch(rk, o, name);
		errors = n < 0 ? errors + 1 : 0;
		if (errors >= 5) {
			rc = -1;
			break;
		}
		if (n > 0)
			continue;
		if (n == 0 && o->once)
			break;
		sleep(1);
	}
	rd_kafka_flush(rk, 10000);
	rd_kafka_destroy(rk);
	return rc;
}
