/* auth_routes.c - POST /api/auth/login, /refresh, /logout and GET /api/auth/me.
 *
 * Login answers an access JWT (15 min) and an opaque refresh token (30 days)
 * that rotates on every use; presenting a spent one revokes its whole family.
 * With "cookie": true the refresh token travels only in an HttpOnly,
 * SameSite=Strict cookie scoped to /api/auth (the dashboard's mode), Secure
 * when the request came over HTTPS. Failed logins are limited per account and
 * per client address. Logout with {"everywhere": true} ends every session of
 * the user, access tokens included (see auth_request). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"

#define COOKIE "zoe_refresh"
#define MAX_FAILS_ACCOUNT 5       /* failed logins per account in 15 minutes */
#define MAX_FAILS_IP 20           /* and per client address */
#define STR_(x) #x
#define STR(x) STR_(x)

/* One row: the account (NULLs when unknown), whether this attempt is admitted
 * to a password check (auth_login_admit counts it atomically against both
 * limits), and the second from which the user's access tokens are honoured. */
static const db_stmt_t q_login = {"auth_login",
	"SELECT u.id, u.password_hash, u.role, u.disabled, u.email, "
	" auth_login_admit(lower($1), $2, $3, $4), "
	" ceil(extract(epoch FROM u.tokens_valid_after))::bigint "
	"FROM (SELECT 1) one LEFT JOIN users u ON u.email = lower($1)"};
static const db_stmt_t q_family = {"auth_family", "SELECT auth_start_family($1, $2, $3)"};
static const db_stmt_t q_rotate = {"auth_rotate",
	"SELECT status, user_id, email, role, family_id, valid_after FROM auth_rotate($1, $2, $3)"};
static const db_stmt_t q_logout = {"auth_logout",
	"UPDATE refresh_families SET revoked_at = now(), revoked_why = 'logout' "
	"WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"};
static const db_stmt_t q_logout_all = {"auth_logout_all", "SELECT auth_logout_everywhere($1)"};

/* A yescrypt hash of a random password: checked when the account does not
 * exist, so a wrong e-mail costs the same time as a wrong password. */
static const char dummy_hash[] =
	"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o7TMxrkCWVxDBJkRN7pLcyWc4xmSUzYs6";

static const vrule_t login_rules[] = {
	{"email", V_EMAIL, 1, 3, 254, NULL, NULL},
	{"password", V_STRING, 1, 1, 1024, NULL, NULL},
	{"cookie", V_BOOL, 0, 0, 0, NULL, NULL},
};
static const vschema_t login_body = {"LoginRequest", VRULES(login_rules), NULL, 0, 0};
const api_op_t op_auth_login = {NULL, 0, &login_body,
	"{\"email\": \"admin@zoe-solar.de\", \"password\": \"correct horse\"}", 0, NULL};

const api_op_t op_auth_logout = {NULL, 0, NULL, NULL, 204, NULL};

/* Without a body the refresh token comes from the cookie. */
static const vrule_t refresh_rules[] = {
	{"refresh_token", V_STRING, 0, 1, 200, NULL, NULL},
};
static const vschema_t refresh_body = {"RefreshRequest", VRULES(refresh_rules), NULL, 0, 0};
const api_op_t op_auth_refresh = {NULL, 0, &refresh_body, "{\"refresh_token\": \"zr_...\"}", 0, NULL};

static const vrule_t logout_rules[] = {
	{"everywhere", V_BOOL, 0, 0, 0, NULL, NULL},
};

/* Proxies whose X-Forwarded-Proto is believed: loopback and private networks
 * (IPv4-mapped IPv6 addresses are compared as IPv4). */
static const struct net {
	int family;
	unsigned char prefix[16];
	int bits;
} trusted[] = {
	{AF_INET, {127}, 8},
	{AF_INET, {10}, 8},
	{AF_INET, {172, 16}, 12},
	{AF_INET, {192, 168}, 16},
	{AF_INET6, {[15] = 1}, 128},
	{AF_INET6, {0xfc}, 7},
};

static int in_net(const unsigned char *a, const struct net *n)
{
	int whole = n->bits / 8, rest = n->bits % 8;
	if (memcmp(a, n->prefix, (size_t)whole) != 0)
		return 0;
	return rest == 0 || ((a[whole] ^ n->prefix[whole]) & (0xFF00 >> rest) & 0xFF) == 0;
}

static int peer_trusted(const char *addr)
{
	static const unsigned char v4mapped[12] = {[10] = 0xFF, [11] = 0xFF};
	unsigned char a[16];
	int family = AF_INET;
	if (!addr)
		return 0;
	if (inet_pton(AF_INET, addr, a) != 1) {
		if (inet_pton(AF_INET6, addr, a) != 1)
			return 0;
		family = AF_INET6;
		if (memcmp(a, v4mapped, sizeof(v4mapped)) == 0)
			memmove(a, a + 12, 4), family = AF_INET;
	}
	for (size_t i = 0; i < sizeof(trusted) / sizeof(trusted[0]); i++)
		if (trusted[i].family == family && in_net(a, &trusted[i]))
			return 1;
	return 0;
}

/* nginx terminated TLS ($https as HTTPS), or a trusted proxy in front of it
 * says the client used HTTPS (the first entry of X-Forwarded-Proto). */
static int over_https(req_t *r)
{
	const char *https = req_param(r, "HTTPS"), *proto = req_param(r, "HTTP_X_FORWARDED_PROTO");
	if (https && strcasecmp(https, "on") == 0)
		return 1;
	return proto && strncasecmp(proto, "https", 5) == 0 && strchr(", ", proto[5]) &&
	       peer_trusted(r->remote_addr);
}

/* Sets the refresh cookie; an empty value with max_age 0 clears it. */
static void refresh_cookie(req_t *r, const char *value, int max_age)
{
	char *c = arena_printf(r->arena, COOKIE "=%s; Path=/api/auth; Max-Age=%d; HttpOnly; "
			       "SameSite=Strict%s", value, max_age,
			       cfg.cookie_secure || over_https(r) ? "; Secure" : "");
	if (c)
		reply_header(r, "Set-Cookie", c);
}

/* The JSON body checked against `rules`, or NULL after replying 400/415/422. */
static json_t *checked_body(req_t *r, const vrule_t *rules, size_t n)
{
	json_t *body = json_body(r), *errors;
	if (!body)
		return NULL;
	errors = json_array();
	if (validate(body, rules, n, "", errors)) {
		reply_invalid(r, errors);
		return NULL;
	}
	json_decref(errors);
	return body;
}

/* Replies 200 with the token pair; in cookie mode the refresh token is a cookie.
 * `valid_after` is the user's valid-after second (auth_issue_access). */
static int reply_tokens(req_t *r, long long uid, const char *email, const char *role,
			long long family, long valid_after, const char *refresh, int cookie)
{
	char *access = auth_issue_access(r->arena, uid, email, role_parse(role), family,
					 valid_after);
	if (!access)
		return reply_problem(r, 500, "could not sign the access token", NULL);
	if (cookie)
		refresh_cookie(r, refresh, cfg.refresh_ttl);
	reply_header(r, "Cache-Control", "no-store");
	json_t *j = arena_json(r->arena, json_pack("{s:s, s:s, s:i, s:s*, s:{s:I, s:s, s:s}}",
		"access_token", access, "token_type", "Bearer", "expires_in", cfg.access_ttl,
		"refresh_token", cookie ? NULL : refresh, "user", "id", (json_int_t)uid,
		"email", email, "role", role));
	return reply_json(r, 200, j);
}

int h_auth_login(req_t *r)
{
	json_t *body = checked_body(r, login_rules, 3);
	if (!body)
		return 0;
	const char *email = json_string_value(json_object_get(body, "email"));
	const char *pw = json_string_value(json_object_get(body, "password"));
	int cookie = json_is_true(json_object_get(body, "cookie"));
	char ip_hash[65];
	crypto_sha256_hex(r->remote_addr ? r->remote_addr : "-", ip_hash);

	const char *p[] = {email, ip_hash, STR(MAX_FAILS_ACCOUNT), STR(MAX_FAILS_IP)};
	PGresult *res = db_run(r->arena, &q_login, 4, p);
	if (!res)
		return db_fail(r);
	if (strcmp(db_get(res, 0, 5), "t") != 0) {
		reply_header(r, "Retry-After", "900");
		return reply_problem(r, 429, "too many failed logins; try again in 15 minutes", NULL);
	}
	/* the attempt stays recorded as a failure unless the login succeeds */
	const char *hash = db_get(res, 0, 1);
	int ok = auth_password_check(pw, hash ? hash : dummy_hash) && hash &&
		 strcmp(db_get(res, 0, 3), "f") == 0;
	if (!ok)
		return reply_problem(r, 401, "the e-mail or the password is wrong", NULL);
	char refresh[64], rhash[65], uid[24], ttl[16];
	crypto_token("zr_", 32, refresh, sizeof(refresh));
	crypto_sha256_hex(refresh, rhash);
	snprintf(uid, sizeof(uid), "%s", db_get(res, 0, 0));
	snprintf(ttl, sizeof(ttl), "%d", cfg.refresh_ttl);
	const char *pf[] = {uid, rhash, ttl};
	PGresult *fam = db_run(r->arena, &q_family, 3, pf);
	if (!fam)
		return db_fail(r);
	return reply_tokens(r, db_getll(res, 0, 0, 0), db_get(res, 0, 4), db_get(res, 0, 2),
			    db_getll(fam, 0, 0, 0), (long)db_getll(res, 0, 6, 0), refresh, cookie);
}

int h_auth_refresh(req_t *r)
{
	const char *token = NULL;
	int cookie = 0;
	if (r->body_len == 0) {
		token = req_cookie(r, COOKIE);
		cookie = token != NULL;
	} else {
		json_t *body = json_body(r);
		if (!body)
			return 0;
		token = json_string_value(json_object_get(body, "refresh_token"));
	}
	if (!token || strlen(token) > 200) {
		json_t *errors = json_array();
		verr(errors, "refresh_token", "is required (in the body or the " COOKIE " cookie)");
		return reply_invalid(r, errors);
	}
	char refresh[64], old_hash[65], new_hash[65], ttl[16];
	crypto_sha256_hex(token, old_hash);
	crypto_token("zr_", 32, refresh, sizeof(refresh));
	crypto_sha256_hex(refresh, new_hash);
	snprintf(ttl, sizeof(ttl), "%d", cfg.refresh_ttl);
	const char *p[] = {old_hash, new_hash, ttl};
	PGresult *res = db_run(r->arena, &q_rotate, 3, p);
	if (!res)
		return db_fail(r);
	const char *status = db_get(res, 0, 0);
	if (strcmp(status, "ok") != 0) {
		char d[128];
		snprintf(d, sizeof(d), "the refresh token is %s%s", status,
			 strcmp(status, "reused") == 0 ? "; every session of its login is revoked" : "");
		if (cookie)
			refresh_cookie(r, "", 0);
		return reply_problem(r, 401, d, NULL);
	}
	return reply_tokens(r, db_getll(res, 0, 1, 0), db_get(res, 0, 2), db_get(res, 0, 3),
			    db_getll(res, 0, 4, 0), (long)db_getll(res, 0, 5, 0), refresh, cookie);
}

/* Revokes this session's refresh family, or with {"everywhere": true} every
 * family of the user and every access token issued so far. */
int h_auth_logout(req_t *r)
{
	int everywhere = 0;
	if (r->body_len > 0) {
		json_t *body = checked_body(r, logout_rules, 1);
		if (!body)
			return 0;
		everywhere = json_is_true(json_object_get(body, "everywhere"));
	}
	char fam[24], uid[24];
	snprintf(fam, sizeof(fam), "%lld", (long long)r->who.token_family);
	snprintf(uid, sizeof(uid), "%lld", (long long)r->who.id);
	const char *p[] = {everywhere ? uid : fam, uid};
	PGresult *res = everywhere ? db_run(r->arena, &q_logout_all, 1, p)
				   : db_run(r->arena, &q_logout, 2, p);
	if (!res)
		return db_fail(r);
	if (everywhere)
		auth_user_revoked(r->who.id, (long)db_getll(res, 0, 0, 0));
	refresh_cookie(r, "", 0);
	return reply_raw(r, 204, NULL, NULL, 0);
}

int h_auth_me(req_t *r)
{
	static const char *const kinds[] = {"anonymous", "user", "api_key", "site"};
	json_t *j = arena_json(r->arena, json_pack("{s:I, s:s, s:s, s:s}",
		"id", (json_int_t)r->who.id, "name", r->who.name ? r->who.name : "",
		"role", role_name(r->who.role), "kind", kinds[r->who.cred]));
	if (j && r->who.cred == CRED_USER)
		json_object_set_new(j, "email", json_string(r->who.name ? r->who.name : ""));
	return reply_json(r, 200, j);
}
