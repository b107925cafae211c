/* config.c - environment-driven configuration; see config.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

config_t cfg;

static const char *env(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

static int env_long(const char *name, long dflt, long min, long max, long *out)
{
	const char *v = getenv(name);
	if (!v || !*v) {
		*out = dflt;
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || n < min || n > max) {
		fprintf(stderr, "zoe: %s=%s is not a number in [%ld, %ld]\n", name, v, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

int config_load(void)
{
	static char sock[4096], report_sock[4096];
	static char db_file[4096];
	long workers, report_workers, backlog, body, depth, cache, stmt_ms, rate, burst, lag;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;

	cfg.var_dir = env("ZOE_VAR", "var");
	cfg.database_url = env("DATABASE_URL", NULL);
	snprintf(sock, sizeof(sock), "%s/run/zoe.sock", cfg.var_dir);
	cfg.socket = env("ZOE_SOCKET", sock);
	cfg.listen = env("ZOE_LISTEN", NULL);
	snprintf(report_sock, sizeof(report_sock), "%s/run/zoe-report.sock", cfg.var_dir);
	cfg.report_socket = env("ZOE_REPORT_SOCKET", report_sock);
	cfg.report_listen = env("ZOE_REPORT_LISTEN", NULL);
	if (env_long("ZOE_WORKERS", 2 * ncpu, 1, 512, &workers) < 0 ||
	    env_long("ZOE_REPORT_WORKERS", cfg.listen && !cfg.report_listen ? 0 :
		     workers > 1 ? workers / 2 : 1, 0, 512, &report_workers) < 0 ||
	    env_long("ZOE_BACKLOG", 1024, 16, 65535, &backlog) < 0 ||
	    env_long("ZOE_BODY_LIMIT", 1L << 20, 1024, 1L << 30, &body) < 0 ||
	    env_long("ZOE_JSON_DEPTH", 32, 2, 512, &depth) < 0 ||
	    env_long("ZOE_CACHE_MB", 16, 0, 4096, &cache) < 0 ||
	    env_long("ZOE_STATEMENT_TIMEOUT", 25000, 0, 3600000, &stmt_ms) < 0 ||
	    env_long("ZOE_APIKEY_RATE", 20, 0, 1000000, &rate) < 0 ||
	    env_long("ZOE_APIKEY_BURST", 100, 1, 1000000, &burst) < 0 ||
	    env_long("ZOE_REPLICA_MAX_LAG_MS", 10000, 0, 86400000, &lag) < 0)
		return -1;
	cfg.workers = (int)workers;
	cfg.report_workers = (int)report_workers;
	cfg.backlog = (int)backlog;
	cfg.body_limit = (size_t)body;
	cfg.body_limit_large = 10u << 20;
	cfg.json_max_depth = (int)depth;
	cfg.cache_mb = (int)cache;
	cfg.statement_timeout_ms = (int)stmt_ms;
	cfg.redis = env("ZOE_REDIS", NULL);
	cfg.apikey_rate = (int)rate;
	cfg.apikey_burst = (int)burst;
	cfg.public_url = env("ZOE_PUBLIC_URL", "http://localhost:8080");
	cfg.jwt_secret = env("ZOE_JWT_SECRET", NULL);
	cfg.jwt_key_file = env("ZOE_JWT_KEY", NULL);
	cfg.jwt_pub_file = env("ZOE_JWT_PUBKEY", NULL);
	cfg.jwt_issuer = env("ZOE_JWT_ISSUER", "zoe");
	cfg.jwt_audience = env("ZOE_JWT_AUDIENCE", "zoe-api");
	cfg.access_ttl = 900;
	cfg.refresh_ttl = 30 * 24 * 3600;
	cfg.cookie_secure = env("ZOE_COOKIE_SECURE", NULL) != NULL;
	cfg.database_url_ro = env("ZOE_DATABASE_URL_RO", NULL);
	cfg.replica_max_lag_ms = (int)lag;
	snprintf(db_file, sizeof(db_file), "%s/db.env", cfg.var_dir);
	cfg.db_file = env("ZOE_DB_FILE", db_file);
	if (access(cfg.db_file, F_OK) == 0 && config_reload_db() < 0)
		return -1;
	return 0;
}

/* One "NAME=value" line of the db file into *slot (a static buffer): the
 * value as written, or in single quotes as scripts/dev writes it. */
static int db_line(char *line, char *buf, size_t buflen, const char **slot)
{
	char *v = strchr(line, '=') + 1;
	size_t n = strcspn(v, "\r\n");
	if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'')
		v++, n -= 2;
	if (n >= buflen)
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	*slot = n ? buf : NULL;
	return 0;
}

int config_reload_db(void)
{
	static char url[2][1024], ro[2][1024];
	static int flip;        /* the old values stay valid while the new are read */
	const char *new_url = cfg.database_url, *new_ro = cfg.database_url_ro;
	char line[1100];
	int rc = 0;
	FILE *f = fopen(cfg.db_file, "r");
	if (!f) {
		fprintf(stderr, "zoe: cannot read %s\n", cfg.db_file);
		return -1;
	}
	flip ^= 1;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (strncmp(line, "DATABASE_URL=", 13) == 0)
			rc = db_line(line, url[flip], sizeof(url[flip]), &new_url);
		else if (strncmp(line, "ZOE_DATABASE_URL_RO=", 20) == 0)
			rc = db_line(line, ro[flip], sizeof(ro[flip]), &new_ro);
		else
			rc = -1;
	}
	fclose(f);
	if (rc < 0) {
		fprintf(stderr, "zoe: %s: a line is too long or not DATABASE_URL/ZOE_DATABASE_URL_RO\n",
			cfg.db_file);
		return -1;
	}
	cfg.database_url = new_url;
	cfg.database_url_ro = new_ro;
	return 0;
}

const char *config_var_path(char *out, size_t outlen, const char *name)
{
	snprintf(out, outlen, "%s/%s", cfg.var_dir, name);
	return out;
}
