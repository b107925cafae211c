/* crypto.c - thin wrappers over libcrypto; see crypto.h. */
#include "crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

int crypto_random(void *out, size_t n)
{
	return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

void crypto_sha256(const void *data, size_t n, unsigned char out[32])
{
	SHA256(data, n, out);
}

void crypto_hmac_sha256(const void *key, size_t klen, const void *data, size_t n,
			unsigned char out[32])
{
	unsigned int len = 32;
	HMAC(EVP_sha256(), key, (int)klen, data, n, out, &len);
}

void crypto_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void crypto_sha256_hex(const char *s, char out[65])
{
	unsigned char h[32];
	crypto_sha256(s, strlen(s), h);
	crypto_hex(h, 32, out);
}

static void b64(const unsigned char *in, size_t n, char *out, const char *alpha, int pad)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = alpha[(v >> 18) & 63];
		out[o++] = alpha[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = alpha[(v >> 6) & 63];
		else if (pad)
			out[o++] = '=';
		if (i + 2 < n)
			out[o++] = alpha[v & 63];
		else if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
}

void crypto_b64url(const unsigned char *in, size_t n, char *out)
{
	b64(in, n, out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 0);
}

int crypto_b64url_decode(const char *in, unsigned char *out, size_t n)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;
	unsigned v = 0;
	int bits = 0;
	for (const char *c = in; *c; c++) {
		const char *p = strchr(alpha, *c);
		if (!p)
			return -1;
		v = (v << 6) | (unsigned)(p - alpha);
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (o + 1 >= n)
				return -1;
			out[o++] = (unsigned char)((v >> bits) & 0xFF);
		}
	}
	if (n)
		out[o] = '\0';
	return (int)o;
}

void crypto_b64(const unsigned char *in, size_t n, char *out)
{
	b64(in, n, out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 1);
}

/* RFC 4648 section 4 with its padding. Whitespace between characters is
 * skipped (MIME and PEM wrap lines); anything else outside the alphabet, a
 * misplaced "=", a lone trailing character or non-zero pad bits is refused,
 * so one encoding maps to one byte string. */
long crypto_b64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	unsigned v = 0;
	int bits = 0, pad = 0;
	size_t o = 0, chars = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int d;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			chars++;
			continue;
		}
		if (pad)                        /* data after padding */
			return -1;
		if (c >= 'A' && c <= 'Z')
			d = c - 'A';
		else if (c >= 'a' && c <= 'z')
			d = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			d = c - '0' + 52;
		else if (c == '+')
			d = 62;
		else if (c == '/')
			d = 63;
		else
			return -1;
		chars++;
		v = (v << 6) | (unsigned)d;
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)((v >> bits) & 0xFF);
		}
	}
	/* whole quanta only; padding makes up exactly the missing characters */
	if (chars % 4 || pad > 2 || (pad && (bits == 0 || pad != bits / 2)))
		return -1;
	if (bits && (v & ((1u << bits) - 1)))
		return -1;
	return (long)o;
}

int crypto_token(const char *prefix, size_t nbytes, char *out, size_t outlen)
{
	unsigned char raw[64];
	char enc[90];
	if (nbytes > sizeof(raw) || crypto_random(raw, nbytes) < 0)
		return -1;
	crypto_b64url(raw, nbytes, enc);
	int n = snprintf(out, outlen, "%s%s", prefix, enc);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
