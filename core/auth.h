/* auth.h - who is calling: access JWTs, API keys, site keys, roles, passwords.
 *
 * Access tokens are JWTs (HS256 with a secret from the environment or
 * var/jwt.secret, RS256 when a key file is configured), checked strictly:
 * the header's alg must be exactly the configured one (so "none" and
 * HMAC-with-the-public-key forgeries fail), issuer, audience, exp and nbf are
 * required. Refresh tokens, API keys and site keys are random and stored only
 * as SHA-256 hashes. Passwords are yescrypt hashes from libcrypt. */
#ifndef ZOE_AUTH_H
#define ZOE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"

/* Loads or creates the signing key; 0/-1 (message logged). */
int auth_init(void);
/* Releases the keys (auth_init and auth_set_secret replace them). */
void auth_free(void);
/* Sets the HS256 secret directly (unit tests). */
void auth_set_secret(const char *secret);

/* Issues an access JWT valid for cfg.access_ttl seconds, into the arena. Its
 * iat is now, or `valid_after` (the user's valid-after second) when that is
 * later: a login right after "log out everywhere", in the same second, must
 * get a token that passes. */
char *auth_issue_access(arena_t *a, int64_t user_id, const char *email, enum role role,
			int64_t family, long valid_after);
/* Verifies `token` at time `now`; fills `who` (name copied into `a`) and
 * returns 0, or -1 with a reason for the log in `why`. */
int auth_verify_access(arena_t *a, const char *token, long now, principal_t *who, char *why,
		       size_t whylen);

/* yescrypt hash of `pw` into out; 0/-1. */
int auth_password_hash(const char *pw, char *out, size_t outlen);
/* 1 when `pw` matches `hash`; 0 otherwise (also for a malformed hash). */
int auth_password_check(const char *pw, const char *hash);

const char *role_name(enum role r);
/* ROLE_NONE for an unknown name. */
enum role role_parse(const char *name);

/* The generic auth step for r->route: resolves the credentials presented and
 * checks the role. On refusal replies 401/403 and returns -1.
 *
 * Access tokens stay stateless but for one check: a user's tokens issued
 * before users.tokens_valid_after (set when the user is disabled, changes
 * role or password, or logs out everywhere), or of a user disabled or
 * deleted, are refused. Each worker keeps that state for AUTH_STATE_SECONDS;
 * every request but GET and HEAD reads it afresh, so writes stop at once and
 * reads within those seconds. */
#define AUTH_STATE_SECONDS 5
int auth_request(req_t *r);
/* Records user `id`'s new valid-after second in this worker's cache (after
 * "log out everywhere"). */
void auth_user_revoked(int64_t id, long valid_after);
/* Authenticates a site key found in a body field (tracker beacons sent with
 * sendBeacon cannot set headers); replies and returns -1 on refusal. */
int auth_site_key(req_t *r, const char *key);
/* For routes open to users and the site key whose key may come in a body
 * field: with no credentials presented, authenticates `key` (401 when NULL).
 * 0, or -1 after a reply. */
int auth_user_or_site(req_t *r, const char *key);
/* The active site of `domain` (Plausible's payload names its site so) into
 * *site: 0, or 1 when there is none; `origin`, unless NULL, must be one of
 * its origins, else replies 403 and returns -1 (also on a database error).
 * Sites admitted are remembered per worker for a few seconds, as site keys. */
int auth_site_domain(req_t *r, const char *domain, const char *origin, int64_t *site);

#endif
