/* crypto.h - hashing, HMAC, randomness and base64 (OpenSSL libcrypto). */
#ifndef ZOE_CRYPTO_H
#define ZOE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Fills `out` with `n` cryptographically random bytes; 0/-1. */
int crypto_random(void *out, size_t n);
/* SHA-256 of data into out[32]. */
void crypto_sha256(const void *data, size_t n, unsigned char out[32]);
/* HMAC-SHA256 into out[32]. */
void crypto_hmac_sha256(const void *key, size_t klen, const void *data, size_t n,
			unsigned char out[32]);
/* Lowercase hex of `n` bytes into `out` (2n+1 bytes). */
void crypto_hex(const unsigned char *in, size_t n, char *out);
/* SHA-256 hex (65 bytes) of a NUL-terminated string: how tokens and keys are stored. */
void crypto_sha256_hex(const char *s, char out[65]);
/* base64url without padding of `n` bytes into `out` (4*ceil(n/3)+1 bytes). */
void crypto_b64url(const unsigned char *in, size_t n, char *out);
/* Decodes base64url without padding into out (size n, NUL-terminated);
 * returns the number of bytes, or -1 on a bad character or too long input. */
int crypto_b64url_decode(const char *in, unsigned char *out, size_t n);
/* Standard base64 with padding into out (4*ceil(n/3)+1 bytes). */
void crypto_b64(const unsigned char *in, size_t n, char *out);
/* Decodes standard base64 (RFC 4648, padded; whitespace and newlines are
 * skipped) of in[0..len) into out (cap bytes). Returns the number of bytes,
 * or -1 for a character outside the alphabet, bad padding, a length that is
 * not a whole number of quanta, or more than cap bytes. */
long crypto_b64_decode(const char *in, size_t len, unsigned char *out, size_t cap);
/* A random token: `prefix` followed by base64url of `nbytes` random bytes. */
int crypto_token(const char *prefix, size_t nbytes, char *out, size_t outlen);
/* Constant-time equality of two byte strings. */
int crypto_equal(const void *a, const void *b, size_t n);

#endif
