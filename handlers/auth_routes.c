/* auth_routes.c - POST /api/auth/login, /refresh, /logout and GET /api/auth/me.
 *
 * Login answers an access JWT (15 min) and an opaque refresh token (30 days)
 * that rotates on every use; presenting a spent one revokes its whole family.
 * With "cookie": true the refresh token travels only in an HttpOnly,
 * SameSite=Strict cookie scoped to /api/auth (the dashboard's mode). Failed
 * logins are limited per account and per client address. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"

#define COOKIE "zoe_refresh"
#define MAX_FAILS_ACCOUNT 5
#define MAX_FAILS_IP 20

static const db_stmt_t q_login = {"auth_login",
	"SELECT u.id, u.password_hash, u.role, u.disabled, "
	" (SELECT count(*) FROM login_failures f WHERE f.email = lower($1) "
	"   AND f.at > now() - interval '15 minutes'), "
	" (SELECT count(*) FROM login_failures f WHERE f.ip_hash = $2 "
	"   AND f.at > now() - interval '15 minutes'), u.email "
	"FROM (SELECT 1) one LEFT JOIN users u ON u.email = lower($1)"};
static const db_stmt_t q_fail = {"auth_fail",
	"INSERT INTO login_failures (email, ip_hash) VALUES (lower($1), $2)"};
static const db_stmt_t q_family = {"auth_family", "SELECT auth_start_family($1, $2, $3)"};
static const db_stmt_t q_rotate = {"auth_rotate",
	"SELECT status, user_id, email, role, family_id FROM auth_rotate($1, $2, $3)"};
static const db_stmt_t q_logout = {"auth_logout",
	"UPDATE refresh_families SET revoked_at = now(), revoked_why = 'logout' "
	"WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"};

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

/* Replies 200 with the token pair; in cookie mode the refresh token is a cookie. */
static int reply_tokens(req_t *r, long long uid, const char *email, const char *role,
			long long family, const char *refresh, int cookie)
{
	char *access = auth_issue_access(r->arena, uid, email, role_parse(role), family);
	if (!access)
		return reply_problem(r, 500, "could not sign the access token", NULL);
	if (cookie) {
		char *c = arena_printf(r->arena, "%s=%s; Path=/api/auth; Max-Age=%d; HttpOnly; "
				       "SameSite=Strict%s", COOKIE, refresh, cfg.refresh_ttl,
				       cfg.cookie_secure ? "; Secure" : "");
		reply_header(r, "Set-Cookie", c);
	}
	reply_header(r, "Cache-Control", "no-store");
	json_t *j = arena_json(r->arena, json_pack("{s:s, s:s, s:i, s:s*, s:{s:I, s:s, s:s}}",
		"access_token", access, "token_type", "Bearer", "expires_in", cfg.access_ttl,
		"refresh_token", cookie ? NULL : refresh, "user", "id", (json_int_t)uid,
		"email", email, "role", role));
	return reply_json(r, 200, j);
}

int h_auth_login(req_t *r)
{
	json_t *body = json_body(r), *errors = json_array();
	if (!body) {
		json_decref(errors);
		return 0;
	}
	if (validate(body, login_rules, 3, "", errors))
		return reply_invalid(r, errors);
	json_decref(errors);
	const char *email = json_string_value(json_object_get(body, "email"));
	const char *pw = json_string_value(json_object_get(body, "password"));
	int cookie = json_is_true(json_object_get(body, "cookie"));
	char ip_hash[65];
	crypto_sha256_hex(r->remote_addr ? r->remote_addr : "-", ip_hash);

	const char *p[] = {email, ip_hash};
	PGresult *res = db_run(r->arena, &q_login, 2, p);
	if (!res)
		return db_fail(r);
	if (db_getll(res, 0, 4, 0) >= MAX_FAILS_ACCOUNT || db_getll(res, 0, 5, 0) >= MAX_FAILS_IP) {
		reply_header(r, "Retry-After", "900");
		return reply_problem(r, 429, "too many failed logins; try again in 15 minutes", NULL);
	}
	const char *hash = db_get(res, 0, 1);
	int ok = auth_password_check(pw, hash ? hash : dummy_hash) && hash &&
		 strcmp(db_get(res, 0, 3), "f") == 0;
	if (!ok) {
		if (!db_run(r->arena, &q_fail, 2, p))
			return db_fail(r);
		return reply_problem(r, 401, "the e-mail or the password is wrong", NULL);
	}
	char refresh[64], rhash[65], uid[24], ttl[16];
	crypto_token("zr_", 32, refresh, sizeof(refresh));
	crypto_sha256_hex(refresh, rhash);
	snprintf(uid, sizeof(uid), "%s", db_get(res, 0, 0));
	snprintf(ttl, sizeof(ttl), "%d", cfg.refresh_ttl);
	const char *pf[] = {uid, rhash, ttl};
	PGresult *fam = db_run(r->arena, &q_family, 3, pf);
	if (!fam)
		return db_fail(r);
	return reply_tokens(r, db_getll(res, 0, 0, 0), db_get(res, 0, 6), db_get(res, 0, 2),
			    db_getll(fam, 0, 0, 0), refresh, cookie);
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
			reply_header(r, "Set-Cookie", COOKIE "=; Path=/api/auth; Max-Age=0; HttpOnly; "
				     "SameSite=Strict");
		return reply_problem(r, 401, d, NULL);
	}
	return reply_tokens(r, db_getll(res, 0, 1, 0), db_get(res, 0, 2), db_get(res, 0, 3),
			    db_getll(res, 0, 4, 0), refresh, cookie);
}

int h_auth_logout(req_t *r)
{
	char fam[24], uid[24];
	snprintf(fam, sizeof(fam), "%lld", (long long)r->who.token_family);
	snprintf(uid, sizeof(uid), "%lld", (long long)r->who.id);
	const char *p[] = {fam, uid};
	if (!db_run(r->arena, &q_logout, 2, p))
		return db_fail(r);
	reply_header(r, "Set-Cookie", COOKIE "=; Path=/api/auth; Max-Age=0; HttpOnly; SameSite=Strict");
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
