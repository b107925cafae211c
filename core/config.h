/* config.h - process configuration, read once from the environment. */
#ifndef ZOE_CONFIG_H
#define ZOE_CONFIG_H

#include <stddef.h>

typedef struct config {
	const char *var_dir;        /* ZOE_VAR, default ./var */
	const char *database_url;   /* DATABASE_URL, default: socket in var/pg */
	const char *socket;         /* ZOE_SOCKET, FastCGI unix socket path */
	const char *listen;         /* ZOE_LISTEN, host:port instead of socket */
	int workers;                /* ZOE_WORKERS, default 2 x cores */
	const char *report_socket;  /* ZOE_REPORT_SOCKET, the report workers' socket */
	const char *report_listen;  /* ZOE_REPORT_LISTEN, host:port instead */
	int report_workers;         /* ZOE_REPORT_WORKERS, workers of their own for report
				       GETs (nginx routes them), default workers / 2; 0 with
				       ZOE_LISTEN and no ZOE_REPORT_LISTEN */
	int backlog;                /* ZOE_BACKLOG, default 1024 */
	size_t body_limit;          /* ZOE_BODY_LIMIT, default 1 MiB */
	size_t body_limit_large;    /* image bytes, default 10 MiB */
	int json_max_depth;         /* default 32 */
	const char *jwt_secret;     /* ZOE_JWT_SECRET, else var/jwt.secret */
	const char *jwt_key_file;   /* ZOE_JWT_KEY: PEM private key => RS256 */
	const char *jwt_pub_file;   /* ZOE_JWT_PUBKEY: PEM public key */
	const char *jwt_issuer;     /* ZOE_JWT_ISSUER, default "zoe" */
	const char *jwt_audience;   /* ZOE_JWT_AUDIENCE, default "zoe-api" */
	int access_ttl;             /* seconds, 900 */
	int refresh_ttl;            /* seconds, 30 days */
	int cookie_secure;          /* ZOE_COOKIE_SECURE=1 adds Secure */
	int cache_mb;               /* ZOE_CACHE_MB report cache per worker, 16; 0 = off */
	int statement_timeout_ms;   /* ZOE_STATEMENT_TIMEOUT ms per statement in the pool, 25000 */
	const char *redis;          /* ZOE_REDIS: unix:/path or host:port shares the cache */
	int apikey_rate;            /* ZOE_APIKEY_RATE requests/s per API key, 20; 0 = off */
	int apikey_burst;           /* ZOE_APIKEY_BURST requests at once per API key, 100 */
	const char *public_url;     /* ZOE_PUBLIC_URL, the API's base URL for clients (OpenAPI servers) */
	const char *database_url_ro;   /* ZOE_DATABASE_URL_RO: a streaming replica for GETs */
	int replica_max_lag_ms;     /* ZOE_REPLICA_MAX_LAG_MS: older replica => primary, 10000 */
	const char *db_file;        /* ZOE_DB_FILE, default var/db.env: DATABASE_URL and
				       ZOE_DATABASE_URL_RO lines that override the environment,
				       read at start and again on SIGHUP (failover repoints) */
} config_t;

extern config_t cfg;

/* Fills `cfg` from the environment; 0/-1 (message on stderr). */
int config_load(void);
/* Reads cfg.db_file again (when it exists): its DATABASE_URL and
 * ZOE_DATABASE_URL_RO replace the current ones. 0, or -1 when it cannot be
 * read or has a line it does not know (the old values stay). */
int config_reload_db(void);
/* Path under the var dir, in a static buffer per call site's `out`. */
const char *config_var_path(char *out, size_t outlen, const char *name);

#endif
