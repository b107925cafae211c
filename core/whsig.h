/* whsig.h - Standard Webhooks signatures: secrets and the signature header.
 *
 * A secret is "whsec_" + base64 of 32 random bytes; the key is the decoded
 * base64. A signature is "v1," + base64(HMAC-SHA256(key, id "." ts "." body)). */
#ifndef ZOE_WHSIG_H
#define ZOE_WHSIG_H

#include <stddef.h>

#define WHSIG_SECRET_LEN 64     /* "whsec_" + 44 base64 characters + NUL, rounded */
#define WHSIG_SIG_LEN 48        /* "v1," + 44 + NUL, rounded */

/* A new secret into out (WHSIG_SECRET_LEN bytes); 0/-1. */
int whsig_secret_new(char out[WHSIG_SECRET_LEN]);

/* The "v1,<base64>" signature of (msg_id, timestamp, body) under `secret`
 * ("whsec_..." or bare base64) into out; 0, or -1 when the secret is not
 * base64 of 1..64 bytes. */
int whsig_sign(const char *secret, const char *msg_id, const char *timestamp,
	       const char *body, size_t len, char out[WHSIG_SIG_LEN]);

#endif
