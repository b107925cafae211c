/* auth.c - JWT, keys, passwords and the per-request auth step; see auth.h. */
#include "auth.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "router.h"

static unsigned char *sign_key, *verify_key;
static size_t sign_len, verify_len;
static jwt_alg_t alg = JWT_ALG_HS256;
static const char *alg_name = "HS256";

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *data = malloc(65537);
	size_t n = data ? fread(data, 1, 65536, f) : 0;
	fclose(f);
	if (!data || n == 0) {
		free(data);
		return NULL;
	}
	data[n] = '\0';
	*len = n;
	return data;
}

/* Reads var/jwt.secret, creating it (0600, 48 random bytes) on first start. */
static int load_secret(void)
{
	char path[4096];
	config_var_path(path, sizeof(path), "jwt.secret");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		unsigned char raw[48];
		char enc[70];
		if (crypto_random(raw, sizeof(raw)) < 0) {
			close(fd);
			return -1;
		}
		crypto_b64url(raw, sizeof(raw), enc);
		ssize_t w = write(fd, enc, strlen(enc));
		close(fd);
		if (w != (ssize_t)strlen(enc))
			return -1;
	} else if (errno != EEXIST) {
		log_error("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	sign_key = (unsigned char *)read_file(path, &sign_len);
	if (!sign_key || sign_len < 32) {
		log_error("%s is missing or shorter than 32 bytes", path);
		return -1;
	}
	verify_key = sign_key, verify_len = sign_len;
	return 0;
}

void auth_free(void)
{
	if (verify_key != sign_key)
		free(verify_key);
	free(sign_key);
	sign_key = verify_key = NULL;
	sign_len = verify_len = 0;
}

void auth_set_secret(const char *secret)
{
	auth_free();
	sign_key = verify_key = (unsigned char *)strdup(secret);
	sign_len = verify_len = strlen(secret);
	alg = JWT_ALG_HS256, alg_name = "HS256";
}

int auth_init(void)
{
	auth_free();
	if (cfg.jwt_key_file) {
		sign_key = (unsigned char *)read_file(cfg.jwt_key_file, &sign_len);
		verify_key = cfg.jwt_pub_file ? (unsigned char *)read_file(cfg.jwt_pub_file,
									      &verify_len) : NULL;
		if (!sign_key || !verify_key) {
			log_error("RS256 needs readable ZOE_JWT_KEY and ZOE_JWT_PUBKEY files");
			return -1;
		}
		alg = JWT_ALG_RS256, alg_name = "RS256";
		return 0;
	}
	if (cfg.jwt_secret) {
		if (strlen(cfg.jwt_secret) < 32) {
			log_error("ZOE_JWT_SECRET must be at least 32 bytes");
			return -1;
		}
		auth_set_secret(cfg.jwt_secret);
		return 0;
	}
	return load_secret();
}

const char *role_name(enum role r)
{
	static const char *const names[] = {"none", "viewer", "analyst", "editor", "admin"};
	return r <= ROLE_ADMIN ? names[r] : "none";
}

enum role role_parse(const char *name)
{
	for (int r = ROLE_VIEWER; r <= ROLE_ADMIN; r++)
		if (name && strcmp(name, role_name((enum role)r)) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

char *auth_issue_access(arena_t *a, int64_t user_id, const char *email, enum role role,
			int64_t family, long valid_after)
{
	jwt_t *jwt = NULL;
	char *tok = NULL, *out = NULL, sub[32], jti[40];
	long now = (long)time(NULL);
	if (now < valid_after)
		now = valid_after;      /* at most a second ahead; nbf allows 30 s of skew */
	snprintf(sub, sizeof(sub), "%lld", (long long)user_id);
	if (jwt_new(&jwt) != 0 || crypto_token("", 16, jti, sizeof(jti)) < 0)
		goto out;
	if (jwt_add_grant(jwt, "iss", cfg.jwt_issuer) || jwt_add_grant(jwt, "aud", cfg.jwt_audience) ||
	    jwt_add_grant(jwt, "sub", sub) || jwt_add_grant(jwt, "email", email) ||
	    jwt_add_grant(jwt, "role", role_name(role)) || jwt_add_grant(jwt, "jti", jti) ||
	    jwt_add_grant_int(jwt, "fam", (long)family) || jwt_add_grant_int(jwt, "iat", now) ||
	    jwt_add_grant_int(jwt, "nbf", now) ||
	    jwt_add_grant_int(jwt, "exp", now + cfg.access_ttl) ||
	    jwt_set_alg(jwt, alg, sign_key, (int)sign_len))
		goto out;
	tok = jwt_encode_str(jwt);
	if (tok)
		out = arena_strdup(a, tok);
out:
	free(tok);
	jwt_free(jwt);
	return out;
}

/* The JOSE header must name exactly our algorithm: refuses "none" and the
 * RS256-public-key-as-HMAC-secret forgery before any signature work. */
static int header_alg_ok(const char *token)
{
	const char *dot = strchr(token, '.');
	if (!dot || dot == token || dot - token > 512)
		return 0;
	char enc[520], json[400];
	size_t n = (size_t)(dot - token), o = 0;
	memcpy(enc, token, n);
	enc[n] = '\0';
	/* base64url decode */
	unsigned v = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const char *p = strchr(alpha, enc[i]);
		if (!p || !*p)
			return 0;
		v = (v << 6) | (unsigned)(p - alpha);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= sizeof(json) - 1)
				return 0;
			json[o++] = (char)((v >> bits) & 0xFF);
		}
	}
	json[o] = '\0';
	json_t *h = json_loads(json, 0, NULL);
	const char *a = json_string_value(json_object_get(h, "alg"));
	int ok = a && strcmp(a, alg_name) == 0;
	json_decref(h);
	return ok;
}

int auth_verify_access(arena_t *a, const char *token, long now, principal_t *who, char *why,
		       size_t whylen)
{
	jwt_t *jwt = NULL;
	int rc = -1;
	const char *reason = "malformed token";
	if (!token || strlen(token) > 4096)
		goto out;
	reason = "algorithm not accepted";
	if (!header_alg_ok(token))
		goto out;
	reason = "bad signature";
	if (jwt_decode(&jwt, token, verify_key, (int)verify_len) != 0 || !jwt ||
	    jwt_get_alg(jwt) != alg)
		goto out;
	const char *iss = jwt_get_grant(jwt, "iss"), *aud = jwt_get_grant(jwt, "aud");
	reason = "wrong issuer or audience";
	if (!iss || !aud || strcmp(iss, cfg.jwt_issuer) || strcmp(aud, cfg.jwt_audience))
		goto out;
	long exp = jwt_get_grant_int(jwt, "exp"), nbf = jwt_get_grant_int(jwt, "nbf");
	long iat = jwt_get_grant_int(jwt, "iat");
	reason = "missing iat";
	if (iat <= 0)
		goto out;
	reason = "expired";
	if (exp <= 0 || now >= exp)
		goto out;
	reason = "not yet valid";
	if (nbf <= 0 || now + 30 < nbf)
		goto out;
	const char *sub = jwt_get_grant(jwt, "sub");
	enum role role = role_parse(jwt_get_grant(jwt, "role"));
	reason = "missing subject or role";
	if (!sub || role == ROLE_NONE)
		goto out;
	who->cred = CRED_USER;
	who->role = role;
	who->id = strtoll(sub, NULL, 10);
	who->token_family = jwt_get_grant_int(jwt, "fam");
	who->issued_at = iat;
	const char *email = jwt_get_grant(jwt, "email");
	who->name = email && a ? arena_strdup(a, email) : NULL;
	rc = 0;
out:
	if (rc < 0 && why)
		snprintf(why, whylen, "%s", reason);
	jwt_free(jwt);
	return rc;
}

int auth_password_hash(const char *pw, char *out, size_t outlen)
{
	char *setting = crypt_gensalt_ra("$y$", 0, NULL, 0);
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	int rc = -1;
	if (setting && cd) {
		char *h = crypt_r(pw, setting, cd);
		if (h && h[0] == '$' && strlen(h) < outlen) {
			memcpy(out, h, strlen(h) + 1);
			rc = 0;
		}
	}
	free(setting);
	free(cd);
	return rc;
}

int auth_password_check(const char *pw, const char *hash)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	if (!cd || !hash || hash[0] != '$') {
		free(cd);
		return 0;
	}
	char *h = crypt_r(pw, hash, cd);
	int ok = h && h[0] == '$' && strlen(h) == strlen(hash) && crypto_equal(h, hash, strlen(h));
	free(cd);
	return ok;
}

static const db_stmt_t q_apikey = {"auth_apikey",
	"SELECT id, name, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"};
static const db_stmt_t q_site = {"auth_site",
	"SELECT id, domain, ($2::text = ANY (origins) OR '*' = ANY (origins)) FROM sites "
	"WHERE key_hash = $1 AND active"};

static int refuse(req_t *r, int status, const char *detail)
{
	if (status == 401)
		reply_header(r, "WWW-Authenticate", "Bearer realm=\"zoe\"");
	reply_problem(r, status, detail, NULL);
	return -1;
}

/* This worker's copy of users' token state, one slot per id modulo the size. */
static struct user_state {
	int64_t id;             /* 0: empty (ids start at 1) */
	long valid_after;       /* first honoured iat; LONG_MAX: disabled or deleted */
	long read_at;           /* monotonic seconds */
} states[256];

static const db_stmt_t q_user_state = {"auth_user_state",
	"SELECT coalesce(ceil(extract(epoch FROM tokens_valid_after)), 0)::bigint, disabled "
	"FROM users WHERE id = $1"};

static long monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

static struct user_state *state_slot(int64_t id)
{
	return &states[(uint64_t)id % (sizeof(states) / sizeof(states[0]))];
}

void auth_user_revoked(int64_t id, long valid_after)
{
	*state_slot(id) = (struct user_state){id, valid_after, monotonic_seconds()};
}

/* The first iat honoured for user `id` into *valid_after, from the cache unless
 * `fresh` or older than AUTH_STATE_SECONDS (whole seconds: a read may see it
 * up to a second longer); 0/-1 (database error). */
static int user_valid_after(req_t *r, int64_t id, int fresh, long *valid_after)
{
	struct user_state *s = state_slot(id);
	long now = monotonic_seconds();
	if (!fresh && s->id == id && now - s->read_at < AUTH_STATE_SECONDS) {
		*valid_after = s->valid_after;
		return 0;
	}
	char sid[24];
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	const char *p[] = {sid};
	PGresult *res = db_run(r->arena, &q_user_state, 1, p);
	if (!res)
		return -1;
	int gone = PQntuples(res) != 1 || strcmp(db_get(res, 0, 1), "t") == 0;
	*valid_after = gone ? LONG_MAX : (long)db_getll(res, 0, 0, 0);
	*s = (struct user_state){id, *valid_after, now};
	return 0;
}

static int bearer(req_t *r)
{
	char why[64];
	long valid_after;
	const char *h = r->authorization;
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return refuse(r, 401, "Authorization must be a Bearer token");
	if (auth_verify_access(r->arena, h + 7, (long)time(NULL), &r->who, why, sizeof(why)) < 0)
		return refuse(r, 401, why[0] == 'e' ? "the access token has expired"
						    : "the access token is not valid");
	int fresh = strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
	if (user_valid_after(r, r->who.id, fresh, &valid_after) < 0)
		return db_fail(r), -1;
	if (r->who.issued_at < valid_after)
		return refuse(r, 401, "the access token has been revoked");
	return 0;
}

static int api_key(req_t *r)
{
	char hash[65];
	crypto_sha256_hex(r->api_key, hash);
	const char *p[] = {hash};
	PGresult *res = db_run(r->arena, &q_apikey, 1, p);
	if (!res)
		return db_fail(r), -1;
	if (PQntuples(res) != 1)
		return refuse(r, 401, "the API key is not valid");
	r->who.cred = CRED_APIKEY;
	r->who.id = db_getll(res, 0, 0, 0);
	r->who.name = db_get(res, 0, 1);
	r->who.role = role_parse(db_get(res, 0, 2));
	return 0;
}

static const db_stmt_t q_site_domain = {"auth_site_domain",
	"SELECT id, domain, ($2::text IS NULL OR $2 = ANY (origins) OR '*' = ANY (origins))"
	" FROM sites WHERE domain = lower($1) AND active"};

/* Sites this worker resolved lately (by key hash or by domain, with the Origin
 * asked for), so a beacon costs one round trip: its insert. Only admissions
 * are kept, for SITE_MEMO_SECONDS: a site deactivated or an origin removed is
 * refused within those seconds. */
#define SITE_MEMO_SECONDS 5
#define SITE_MEMO_SLOTS 64
static struct site_memo {
	char by[320], origin[256], domain[256];
	int64_t id;
	time_t at;
} site_memo[SITE_MEMO_SLOTS];

static struct site_memo *memo_slot(const char *by, const char *origin)
{
	unsigned long h = 5381;
	for (const char *s = by; *s; s++)
		h = h * 33 + (unsigned char)*s;
	for (const char *s = origin ? origin : ""; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return &site_memo[h % SITE_MEMO_SLOTS];
}

/* Resolves a site with `q` ($1 = by, $2 = the Origin or NULL): 0 admitted
 * (*id, *domain into the arena), 1 no such site, 2 origin not allowed, -1
 * database error. */
static int site_lookup(req_t *r, const db_stmt_t *q, const char *by, const char *asked,
		       const char *memo_by, int64_t *id, const char **domain)
{
	struct site_memo *m = memo_slot(memo_by, asked);
	const char *origin = asked ? asked : "";
	if (m->at && time(NULL) - m->at < SITE_MEMO_SECONDS && strcmp(m->by, memo_by) == 0 &&
	    strcmp(m->origin, origin) == 0) {
		*id = m->id;
		*domain = arena_strdup(r->arena, m->domain);
		return 0;
	}
	const char *p[] = {by, asked};
	PGresult *res = db_run(r->arena, q, 2, p);
	if (!res)
		return -1;
	if (PQntuples(res) != 1)
		return 1;
	if (strcmp(db_get(res, 0, 2), "t") != 0)
		return 2;
	*id = db_getll(res, 0, 0, 0);
	*domain = db_get(res, 0, 1);
	if (strlen(memo_by) < sizeof(m->by) && strlen(origin) < sizeof(m->origin) &&
	    strlen(*domain) < sizeof(m->domain)) {
		snprintf(m->by, sizeof(m->by), "%s", memo_by);
		snprintf(m->origin, sizeof(m->origin), "%s", origin);
		snprintf(m->domain, sizeof(m->domain), "%s", *domain);
		m->id = *id;
		m->at = time(NULL);
	}
	return 0;
}

int auth_site_key(req_t *r, const char *key)
{
	char hash[65], by[68];
	if (!r->origin)
		return refuse(r, 403, "an Origin header is required with a site key");
	crypto_sha256_hex(key, hash);
	snprintf(by, sizeof(by), "k:%s", hash);
	int64_t id;
	const char *domain;
	int rc = site_lookup(r, &q_site, hash, r->origin, by, &id, &domain);
	if (rc < 0)
		return db_fail(r), -1;
	if (rc == 1)
		return refuse(r, 401, "the site key is not valid");
	if (rc == 2)
		return refuse(r, 403, "this Origin is not allowed for the site key");
	r->who.cred = CRED_SITEKEY;
	r->who.role = ROLE_NONE;
	r->who.id = id;
	r->who.name = domain;
	return 0;
}

int auth_user_or_site(req_t *r, const char *key)
{
	if (r->who.cred != CRED_ANON)
		return 0;
	if (!key) {
		reply_header(r, "WWW-Authenticate", "SiteKey");
		reply_problem(r, 401, "credentials are required: an editor's token or API key, "
			      "or the site key (X-Site-Key or a \"site\" field)", NULL);
		return -1;
	}
	return auth_site_key(r, key);
}

int auth_site_domain(req_t *r, const char *domain, const char *origin, int64_t *site)
{
	const char *by = arena_printf(r->arena, "d:%s", domain), *name;
	int rc = by ? site_lookup(r, &q_site_domain, domain, origin, by, site, &name) : -1;
	if (rc < 0)
		return db_fail(r), -1;
	if (rc == 2)
		return refuse(r, 403, "this Origin is not allowed for the site"), -1;
	return rc;
}

int auth_request(req_t *r)
{
	const route_t *rt = r->route;
	int rc = 0;
	if (r->authorization && (rt->accept & ACCEPT_JWT))
		rc = bearer(r);
	else if (r->api_key && (rt->accept & ACCEPT_APIKEY))
		rc = api_key(r);
	else if ((r->site_key || req_query(r, "site")) && (rt->accept & ACCEPT_SITEKEY))
		rc = auth_site_key(r, r->site_key ? r->site_key : req_query(r, "site"));
	if (rc < 0)
		return -1;
	if (rt->min_role == ROLE_NONE)
		return 0;               /* public, or site key optional / checked by handler */
	if (r->who.cred == CRED_ANON) {
		if (rt->accept & ACCEPT_SITEKEY)
			return 0;       /* the handler may find the key in the body */
		return refuse(r, 401, r->api_key ? "API keys are not accepted on this route"
						 : "authentication is required");
	}
	if (r->who.cred == CRED_SITEKEY)
		return 0;               /* handler limits site keys to their operation */
	if (r->who.role < rt->min_role) {
		char d[96];
		snprintf(d, sizeof(d), "this needs the %s role; you have %s", role_name(rt->min_role),
			 role_name(r->who.role));
		return refuse(r, 403, d);
	}
	return 0;
}
