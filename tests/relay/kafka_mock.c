/* kafka_mock.c - librdkafka's in-process mock cluster for the relay test
 * (tests/integration/test_level5_relay.py); no Kafka broker is needed.
 *
 *   kafka_mock serve TOPIC PARTITIONS
 *       starts a mock cluster of 3 brokers with TOPIC, prints its bootstrap
 *       servers on the first line and serves until stdin closes
 *   kafka_mock consume BOOTSTRAP TOPIC IDLE_MS
 *       reads TOPIC from the beginning; one line per message:
 *       partition TAB offset TAB key TAB value; stops after IDLE_MS without one */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int serve(const char *topic, int partitions)
{
	char err[512];
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	if (rd_kafka_conf_set(c, "test.mock.num.brokers", "3", err, sizeof err) != RD_KAFKA_CONF_OK) {
		fprintf(stderr, "kafka_mock: %s\n", err);
		return 1;
	}
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
	if (!rk) {
		fprintf(stderr, "kafka_mock: %s\n", err);
		return 1;
	}
	rd_kafka_mock_cluster_t *mc = rd_kafka_handle_mock_cluster(rk);
	if (!mc || rd_kafka_mock_topic_create(mc, topic, partitions, 3)) {
		fprintf(stderr, "kafka_mock: no mock cluster\n");
		return 1;
	}
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);
	while (getchar() != EOF)
		;
	rd_kafka_destroy(rk);
	return 0;
}

static int consume(const char *bootstrap, const char *topic, int idle_ms)
{
	char err[512];
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	const char *props[][2] = {{"bootstrap.servers", bootstrap}, {"group.id", "zoe-relay-test"},
		{"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"}};
	for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
		if (rd_kafka_conf_set(c, props[i][0], props[i][1], err, sizeof err) != RD_KAFKA_CONF_OK) {
			fprintf(stderr, "kafka_mock: %s\n", err);
			return 1;
		}
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof err);
	if (!rk) {
		fprintf(stderr, "kafka_mock: %s\n", err);
		return 1;
	}
	rd_kafka_poll_set_consumer(rk);
	rd_kafka_topic_partition_list_t *t = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(t, topic, RD_KAFKA_PARTITION_UA);
	rd_kafka_subscribe(rk, t);
	rd_kafka_topic_partition_list_destroy(t);
	int idle = 0, seen = 0;
	while (idle < idle_ms || !seen) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		if (!m) {
			idle += 100;
			if (!seen && idle > 30000)
				break;
			continue;
		}
		if (!m->err) {
			printf("%d\t%lld\t%.*s\t%.*s\n", (int)m->partition, (long long)m->offset,
			       (int)m->key_len, (const char *)m->key, (int)m->len, (const char *)m->payload);
			idle = 0;
			seen = 1;
		}
		rd_kafka_message_destroy(m);
	}
	fflush(stdout);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], (int)strtol(argv[3], NULL, 10));
	if (argc == 5 && strcmp(argv[1], "consume") == 0)
		return consume(argv[2], argv[3], (int)strtol(argv[4], NULL, 10));
	fprintf(stderr, "usage: kafka_mock serve TOPIC PARTITIONS | consume BOOTSTRAP TOPIC IDLE_MS\n");
	return 2;
}
