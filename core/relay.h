/* relay.h - `zoe relay`: the event log published to a Kafka topic (librdkafka).
 *
 * Reads the log in its commit-safe order (event_log_page, sql/027_hub.sql) from
 * the position stored in hub_cursor ('kafka:<topic>'), produces each event with
 * key = its aggregate (so one aggregate's events share a partition and keep
 * their order) through an idempotent producer, waits for every delivery report
 * of the batch, and only then stores the new position. A crash re-publishes at
 * most the unconfirmed batch: at least once, in order per key. */
#ifndef ZOE_RELAY_H
#define ZOE_RELAY_H

typedef struct relay_opts {
	const char *brokers;    /* bootstrap.servers */
	const char *topic;
	int batch;              /* events per batch, 1..10000 */
	int once;               /* stop when the log is drained */
	const char *const *props;  /* extra "name=value" librdkafka properties, NULL-terminated */
} relay_opts_t;

/* Runs until SIGTERM (or drained, with once); 0, or -1 after logging why. */
int relay_run(const relay_opts_t *o);

#endif
