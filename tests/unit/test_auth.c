/* test_auth.c - access JWT checks: every kind of forged or stale token is
 * refused; yescrypt passwords; roles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "auth.h"
#include "config.h"
#include "crypto.h"

#define SECRET "unit-test-secret-unit-test-secret-0123456789"

static arena_t *arena;

static int setup(void **state)
{
	config_load();
	auth_set_secret(SECRET);
	arena = arena_new(8192);
	return 0;
}

static int teardown(void **state)
{
	arena_free(arena);
	auth_free();
	return 0;
}

/* header.payload.signature with HMAC-SHA256 over `key` (or "" signature). */
static char *forge(const char *header, const char *payload, const void *key, size_t klen)
{
	char h[512], p[1024], sig[64], *out = arena_alloc(arena, 2048);
	unsigned char mac[32];
	crypto_b64url((const unsigned char *)header, strlen(header), h);
	crypto_b64url((const unsigned char *)payload, strlen(payload), p);
	char *signing = arena_printf(arena, "%s.%s", h, p);
	sig[0] = '\0';
	if (key) {
		crypto_hmac_sha256(key, klen, signing, strlen(signing), mac);
		crypto_b64url(mac, 32, sig);
	}
	snprintf(out, 2048, "%s.%s", signing, sig);
	return out;
}

static char *claims(long iat, long nbf, long exp, const char *iss, const char *aud)
{
	return arena_printf(arena, "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"7\",\"role\":\"editor\","
			    "\"email\":\"e@zoe-solar.de\",\"fam\":3,\"iat\":%ld,\"nbf\":%ld,\"exp\":%ld}",
			    iss, aud, iat, nbf, exp);
}

static int verify(const char *tok)
{
	principal_t who = {0};
	char why[64];
	return auth_verify_access(arena, tok, (long)time(NULL), &who, why, sizeof(why));
}

static void test_issue_and_verify(void **state)
{
	char *tok = auth_issue_access(arena, 7, "e@zoe-solar.de", ROLE_EDITOR, 3, 0);
	assert_non_null(tok);
	principal_t who = {0};
	char why[64];
	assert_int_equal(auth_verify_access(arena, tok, (long)time(NULL), &who, why, sizeof(why)), 0);
	assert_int_equal(who.id, 7);
	assert_int_equal(who.role, ROLE_EDITOR);
	assert_int_equal(who.token_family, 3);
	assert_string_equal(who.name, "e@zoe-solar.de");
	/* the same token 16 minutes later has expired */
	assert_int_equal(auth_verify_access(arena, tok, (long)time(NULL) + 16 * 60, &who, why,
					    sizeof(why)), -1);
	assert_string_equal(why, "expired");
}

/* A login in the same second as "log out everywhere": the token's iat is the
 * user's valid-after second (the ceiling of the revocation), not the earlier
 * whole second of now, and it passes verification at once. */
static void test_issue_after_revocation(void **state)
{
	long now = (long)time(NULL);
	principal_t who = {0};
	char why[64];
	char *tok = auth_issue_access(arena, 7, "e@zoe-solar.de", ROLE_EDITOR, 3, now + 1);
	assert_int_equal(auth_verify_access(arena, tok, now, &who, why, sizeof(why)), 0);
	assert_int_equal(who.issued_at, now + 1);
	tok = auth_issue_access(arena, 7, "e@zoe-solar.de", ROLE_EDITOR, 3, now - 60);
	assert_int_equal(auth_verify_access(arena, tok, now, &who, why, sizeof(why)), 0);
	assert_true(who.issued_at >= now && who.issued_at <= now + 1);
}

static void test_iat_required(void **state)
{
	long now = (long)time(NULL);
	char *c = arena_printf(arena, "{\"iss\":\"zoe\",\"aud\":\"zoe-api\",\"sub\":\"7\","
			       "\"role\":\"editor\",\"nbf\":%ld,\"exp\":%ld}", now, now + 60);
	principal_t who = {0};
	char why[64];
	assert_int_equal(auth_verify_access(arena, forge("{\"alg\":\"HS256\"}", c, SECRET,
							  strlen(SECRET)), now, &who, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "missing iat");
}

static void test_forged_hs256_accepted_only_when_right(void **state)
{
	long now = (long)time(NULL);
	const char *hdr = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	/* a well-formed token with our secret passes: the forge helper is sound */
	assert_int_equal(verify(forge(hdr, claims(now, now, now + 60, "zoe", "zoe-api"), SECRET,
				      strlen(SECRET))), 0);
}

static void test_refusals(void **state)
{
	long now = (long)time(NULL);
	const char *hdr = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	const char *good = claims(now, now, now + 60, "zoe", "zoe-api");
	/* alg none, with and without a signature */
	assert_int_equal(verify(forge("{\"alg\":\"none\"}", good, NULL, 0)), -1);
	assert_int_equal(verify(forge("{\"alg\":\"none\"}", good, SECRET, strlen(SECRET))), -1);
	assert_int_equal(verify(forge("{\"alg\":\"NONE\",\"typ\":\"JWT\"}", good, NULL, 0)), -1);
	/* wrong signature */
	assert_int_equal(verify(forge(hdr, good, "another-secret-another-secret-000", 33)), -1);
	/* wrong issuer, wrong audience */
	assert_int_equal(verify(forge(hdr, claims(now, now, now + 60, "evil", "zoe-api"), SECRET,
				      strlen(SECRET))), -1);
	assert_int_equal(verify(forge(hdr, claims(now, now, now + 60, "zoe", "other"), SECRET,
				      strlen(SECRET))), -1);
	/* expired, not yet valid */
	assert_int_equal(verify(forge(hdr, claims(now - 999, now - 999, now - 1, "zoe", "zoe-api"),
				      SECRET, strlen(SECRET))), -1);
	assert_int_equal(verify(forge(hdr, claims(now, now + 3600, now + 7200, "zoe", "zoe-api"),
				      SECRET, strlen(SECRET))), -1);
	/* missing exp */
	assert_int_equal(verify(forge(hdr, "{\"iss\":\"zoe\",\"aud\":\"zoe-api\",\"sub\":\"1\","
				      "\"role\":\"admin\",\"nbf\":1}", SECRET, strlen(SECRET))), -1);
	/* role escalation by editing the payload breaks the signature */
	char *tok = auth_issue_access(arena, 7, "e@zoe-solar.de", ROLE_VIEWER, 3, 0);
	char *dot = strchr(tok, '.');
	dot[3] = dot[3] == 'A' ? 'B' : 'A';
	assert_int_equal(verify(tok), -1);
	/* garbage */
	assert_int_equal(verify("not.a.token"), -1);
	assert_int_equal(verify(""), -1);
	assert_int_equal(verify("...."), -1);
}

/* RS256 configured: a token signed with HS256 using the PUBLIC key as the
 * HMAC secret (the classic algorithm confusion) must be refused. */
static void test_rs256_key_confusion(void **state)
{
	char priv[] = "/tmp/zoe-test-rsa-XXXXXX", pub[] = "/tmp/zoe-test-pub-XXXXXX";
	int fp = mkstemp(priv), fq = mkstemp(pub);
	EVP_PKEY *key = EVP_RSA_gen(2048);
	assert_non_null(key);
	FILE *f = fdopen(fp, "w");
	PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	f = fdopen(fq, "w");
	PEM_write_PUBKEY(f, key);
	fclose(f);
	EVP_PKEY_free(key);
	cfg.jwt_key_file = priv;
	cfg.jwt_pub_file = pub;
	cfg.jwt_secret = NULL;
	assert_int_equal(auth_init(), 0);

	char *tok = auth_issue_access(arena, 9, "a@zoe-solar.de", ROLE_ADMIN, 1, 0);
	assert_non_null(tok);
	assert_int_equal(verify(tok), 0);           /* RS256 round trip works */

	FILE *pf = fopen(pub, "rb");
	char pem[4096];
	size_t n = fread(pem, 1, sizeof(pem) - 1, pf);
	fclose(pf);
	pem[n] = '\0';
	long now = (long)time(NULL);
	const char *c = claims(now, now, now + 60, "zoe", "zoe-api");
	assert_int_equal(verify(forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", c, pem, n)), -1);
	assert_int_equal(verify(forge("{\"alg\":\"none\"}", c, NULL, 0)), -1);
	unlink(priv);
	unlink(pub);
	cfg.jwt_key_file = cfg.jwt_pub_file = NULL;
	auth_set_secret(SECRET);
}

static void test_passwords(void **state)
{
	char hash[256];
	assert_int_equal(auth_password_hash("Sonnenstrom-2026", hash, sizeof(hash)), 0);
	assert_memory_equal(hash, "$y$", 3);
	assert_true(auth_password_check("Sonnenstrom-2026", hash));
	assert_false(auth_password_check("sonnenstrom-2026", hash));
	assert_false(auth_password_check("Sonnenstrom-2026", "*0"));
	assert_false(auth_password_check("Sonnenstrom-2026", NULL));
	char other[256];
	assert_int_equal(auth_password_hash("Sonnenstrom-2026", other, sizeof(other)), 0);
	assert_string_not_equal(hash, other);       /* salted */
}

static void test_roles(void **state)
{
	assert_int_equal(role_parse("editor"), ROLE_EDITOR);
	assert_int_equal(role_parse("root"), ROLE_NONE);
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_true(ROLE_ADMIN > ROLE_EDITOR && ROLE_EDITOR > ROLE_ANALYST &&
		    ROLE_ANALYST > ROLE_VIEWER);
	assert_string_equal(role_name(ROLE_ANALYST), "analyst");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_and_verify),
		cmocka_unit_test(test_issue_after_revocation),
		cmocka_unit_test(test_iat_required),
		cmocka_unit_test(test_forged_hs256_accepted_only_when_right),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_rs256_key_confusion),
		cmocka_unit_test(test_passwords),
		cmocka_unit_test(test_roles),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
