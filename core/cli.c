/* cli.c - command table and the small admin commands; see cli.h. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "jobs.h"
#include "migrate.h"
#include "openapi.h"
#include "pool.h"
#include "relay.h"

/* Value of --name in argv, or NULL. */
static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static int flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

static int connect_or_say(void)
{
	if (db_open() == 0)
		return 0;
	fprintf(stderr, "zoe: cannot connect to PostgreSQL (%s): %s\n", db_conninfo(),
		db_last_message());
	return -1;
}

/* Runs `st` once; its row count, or -1 after printing the database's message. */
static int run_rows(const db_stmt_t *st, int n, const char *const *params)
{
	PGresult *res = db_run(NULL, st, n, params);
	if (!res) {
		fprintf(stderr, "zoe: %s\n", db_last_message());
		return -1;
	}
	int rows = PQntuples(res);
	PQclear(res);
	return rows;
}

static int cmd_serve(int argc, char **argv) { return pool_serve(); }
static int cmd_jobs(int argc, char **argv) { return jobs_run(flag(argc, argv, "--once")); }

/* zoe relay [--brokers B] [--topic T] [--batch N] [--once] [--set name=value]... */
static int cmd_relay(int argc, char **argv)
{
	const char *props[33] = {NULL};
	int np = 0;
	for (int i = 1; i + 1 < argc && np < 32; i++)
		if (strcmp(argv[i], "--set") == 0)
			props[np++] = argv[++i];
	const char *b = opt(argc, argv, "--batch");
	long batch = b ? strtol(b, NULL, 10) : 500;
	relay_opts_t o = {opt(argc, argv, "--brokers"), opt(argc, argv, "--topic"),
		(int)batch, flag(argc, argv, "--once"), props};
	if (!o.brokers)
		o.brokers = getenv("ZOE_KAFKA_BROKERS");
	if (!o.topic)
		o.topic = getenv("ZOE_KAFKA_TOPIC") ? getenv("ZOE_KAFKA_TOPIC") : "zoe.events";
	if (!o.brokers || !*o.brokers || batch < 1 || batch > 10000 || strlen(o.topic) > 249) {
		fprintf(stderr, "zoe relay: --brokers (or ZOE_KAFKA_BROKERS) needed; --batch 1..10000\n");
		return 2;
	}
	if (connect_or_say() < 0)
		return 1;
	return relay_run(&o) == 0 ? 0 : 1;
}

static int cmd_migrate(int argc, char **argv)
{
	if (connect_or_say() < 0)
		return 1;
	return migrate_apply(flag(argc, argv, "--quiet")) == 0 ? 0 : 1;
}

static int cmd_seed(int argc, char **argv)
{
	if (!flag(argc, argv, "--demo")) {
		fprintf(stderr, "usage: zoe seed --demo\n");
		return 2;
	}
	return connect_or_say() < 0 ? 1 : seed_demo() == 0 ? 0 : 1;
}

static const db_stmt_t q_user_add = {"cli_user_add",
	"INSERT INTO users (email, password_hash, role) VALUES (lower($1), $2, $3) "
	"ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, "
	"role = EXCLUDED.role WHERE $4::bool RETURNING id"};

static const db_stmt_t q_user_hash = {"cli_user_hash",
	"SELECT password_hash FROM users WHERE email = lower($1)"};

/* The hash to store for `pw`: the user's current one when `pw` is already
 * their password (a fresh salt would count as a new password and end their
 * sessions), else a new yescrypt hash; 0/-1. */
static int password_hash_for(const char *email, const char *pw, char *out, size_t outlen)
{
	const char *p[] = {email};
	PGresult *res = db_run(NULL, &q_user_hash, 1, p);
	const char *old = res && PQntuples(res) == 1 ? db_get(res, 0, 0) : NULL;
	int same = old && strlen(old) < outlen && auth_password_check(pw, old);
	if (same)
		memcpy(out, old, strlen(old) + 1);
	PQclear(res);
	return same ? 0 : auth_password_hash(pw, out, outlen);
}

/* zoe user add --email E --role R [--password P | ZOE_PASSWORD] [--update]
 * A new role or password ends the user's access tokens (trigger of 010). */
static int user_add(int argc, char **argv)
{
	const char *email = opt(argc, argv, "--email"), *role = opt(argc, argv, "--role");
	const char *pw = opt(argc, argv, "--password");
	char gen[40], hash[256];
	if (!email || role_parse(role) == ROLE_NONE) {
		fprintf(stderr, "usage: zoe user add --email E --role viewer|analyst|editor|admin "
				"[--password P] [--update]\n");
		return 2;
	}
	if (!pw)
		pw = getenv("ZOE_PASSWORD");
	if (!pw) {
		crypto_token("", 12, gen, sizeof(gen));
		pw = gen;
	}
	if (strlen(pw) < 8) {
		fprintf(stderr, "zoe: the password must have at least 8 characters\n");
		return 2;
	}
	if (connect_or_say() < 0 || password_hash_for(email, pw, hash, sizeof(hash)) < 0)
		return 1;
	const char *p[] = {email, hash, role, flag(argc, argv, "--update") ? "t" : "f"};
	int made = run_rows(&q_user_add, 4, p);
	if (made < 0)
		return 1;
	if (made == 0) {
		fprintf(stderr, "zoe: user %s exists (use --update to reset it)\n", email);
		return 3;
	}
	printf("user %s (%s)%s%s\n", email, role, pw == gen ? " password " : "", pw == gen ? gen : "");
	return 0;
}

static const db_stmt_t q_user_disable = {"cli_user_disable",
	"UPDATE users SET disabled = true WHERE email = lower($1) RETURNING id"};
static const db_stmt_t q_user_enable = {"cli_user_enable",
	"UPDATE users SET disabled = false WHERE email = lower($1) RETURNING id"};
static const db_stmt_t q_user_delete = {"cli_user_delete",
	"DELETE FROM users WHERE email = lower($1) RETURNING id"};
static const db_stmt_t q_user_logout_all = {"cli_user_logout_all",
	"SELECT auth_logout_everywhere(id) FROM users WHERE email = lower($1)"};

/* zoe user ACTION --email E: one statement on one user. Disabling, deleting
 * and logging out everywhere end the user's access tokens at once for writes
 * and within AUTH_STATE_SECONDS for reads; the first two also end the
 * refresh tokens. */
static const struct user_action {
	const char *name;
	const db_stmt_t *stmt;
	const char *done;
} user_actions[] = {
	{"disable", &q_user_disable, "disabled, logged out everywhere"},
	{"enable", &q_user_enable, "enabled"},
	{"delete", &q_user_delete, "deleted"},
	{"logout-all", &q_user_logout_all, "logged out everywhere"},
};

static int cmd_user(int argc, char **argv)
{
	const char *email = opt(argc, argv, "--email");
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return user_add(argc, argv);
	for (size_t i = 0; argc >= 2 && email && i < sizeof(user_actions) / sizeof(user_actions[0]);
	     i++) {
		if (strcmp(argv[1], user_actions[i].name) != 0)
			continue;
		if (connect_or_say() < 0)
			return 1;
		const char *p[] = {email};
		int found = run_rows(user_actions[i].stmt, 1, p);
		if (found < 0)
			return 1;
		if (found == 0) {
			fprintf(stderr, "zoe: no user %s\n", email);
			return 3;
		}
		printf("user %s %s\n", email, user_actions[i].done);
		return 0;
	}
	fprintf(stderr, "usage: zoe user add --email E --role R [--password P] [--update]\n"
			"       zoe user disable|enable|delete|logout-all --email E\n");
	return 2;
}

static const db_stmt_t q_key_add = {"cli_key_add",
	"INSERT INTO api_keys (name, key_hash, role) VALUES ($1, $2, $3) RETURNING id"};

/* zoe apikey add --name N --role R : prints the key once */
static int cmd_apikey(int argc, char **argv)
{
	const char *name = opt(argc, argv, "--name"), *role = opt(argc, argv, "--role");
	char key[64], hash[65];
	if (argc < 2 || strcmp(argv[1], "add") || !name || role_parse(role) == ROLE_NONE) {
		fprintf(stderr, "usage: zoe apikey add --name N --role viewer|analyst|editor|admin\n");
		return 2;
	}
	if (crypto_token("zk_", 24, key, sizeof(key)) < 0 || connect_or_say() < 0)
		return 1;
	crypto_sha256_hex(key, hash);
	const char *p[] = {name, hash, role};
	if (run_rows(&q_key_add, 3, p) < 0)
		return 1;
	printf("%s\n", key);
	return 0;
}

/* $4: the retention in months, NULL to keep the site's (25 for a new one) */
static const db_stmt_t q_site_add = {"cli_site_add",
	"INSERT INTO sites (domain, key_hash, origins, retention_months) "
	"VALUES (lower($1), $2, $3::text[], coalesce($4::int, 25)) "
	"ON CONFLICT (domain) DO UPDATE SET key_hash = EXCLUDED.key_hash, "
	"origins = EXCLUDED.origins, "
	"retention_months = coalesce($4::int, sites.retention_months) RETURNING id"};

/* zoe site add --domain D --origin O [--origin O2 ...] [--key K]
 * [--retention-months N] : prints the site key */
static int cmd_site(int argc, char **argv)
{
	const char *domain = opt(argc, argv, "--domain"), *given = opt(argc, argv, "--key");
	const char *months = opt(argc, argv, "--retention-months");
	char key[64], hash[65], origins[4096] = "{";
	size_t used = 1;
	for (int i = 0; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--origin") || strpbrk(argv[i + 1], "{},\"\\ "))
			continue;
		int n = snprintf(origins + used, sizeof(origins) - used, "%s%s",
				 used > 1 ? "," : "", argv[i + 1]);
		if (n > 0 && (size_t)n < sizeof(origins) - used)
			used += (size_t)n;
	}
	if (argc < 2 || strcmp(argv[1], "add") || !domain || used == 1 || used + 2 > sizeof(origins)) {
		fprintf(stderr, "usage: zoe site add --domain D --origin https://D [--origin ...] "
				"[--key K] [--retention-months N]\n");
		return 2;
	}
	if (months && (strspn(months, "0123456789") != strlen(months) || !*months ||
		       strlen(months) > 3 || strtol(months, NULL, 10) < 1 ||
		       strtol(months, NULL, 10) > 120)) {
		fprintf(stderr, "zoe site add: --retention-months must be a whole number of "
				"months from 1 to 120 (events older are deleted)\n");
		return 2;
	}
	origins[used++] = '}';
	origins[used] = '\0';
	if (given)
		snprintf(key, sizeof(key), "%s", given);
	else if (crypto_token("site_", 18, key, sizeof(key)) < 0)
		return 1;
	if (connect_or_say() < 0)
		return 1;
	crypto_sha256_hex(key, hash);
	const char *p[] = {domain, hash, origins, months};
	if (run_rows(&q_site_add, 4, p) < 0)
		return 1;
	printf("%s\n", key);
	return 0;
}

/* zoe openapi : the OpenAPI description on stdout (the dashboard build types its
 * API layer from it; no database needed) */
static int cmd_openapi(int argc, char **argv)
{
	(void)argc, (void)argv;
	json_t *doc = openapi_new(routes, routes_count, cfg.public_url);
	int rc = doc && json_dumpf(doc, stdout, JSON_INDENT(1)) == 0 ? 0 : 1;
	json_decref(doc);
	putchar('\n');
	return rc;
}

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{"serve", cmd_serve, "run the FastCGI worker pool (ZOE_SOCKET or ZOE_LISTEN, ZOE_WORKERS)"},
	{"jobs", cmd_jobs, "run the job runner [--once]"},
	{"migrate", cmd_migrate, "apply pending migrations from sql/"},
	{"seed", cmd_seed, "--demo: fill the demo data set (deterministic, idempotent)"},
	{"user", cmd_user, "add --email E --role R [--password P] [--update]; "
			   "disable|enable|delete|logout-all --email E"},
	{"apikey", cmd_apikey, "add --name N --role R"},
	{"site", cmd_site, "add --domain D --origin O [--key K] [--retention-months N]"},
	{"relay", cmd_relay, "publish the event log to Kafka: --brokers B (ZOE_KAFKA_BROKERS) "
			     "[--topic T] [--batch N] [--once] [--set prop=value]"},
	{"openapi", cmd_openapi, "print the OpenAPI description (servers: ZOE_PUBLIC_URL)"},
};

int cli_main(int argc, char **argv)
{
	if (config_load() < 0)
		return 2;
	for (size_t i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "usage: zoe COMMAND\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  %-8s %s\n", commands[i].name, commands[i].help);
	return 2;
}
