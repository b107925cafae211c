/* whsig.c - see whsig.h. */
#include "whsig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

#define PREFIX "whsec_"

int whsig_secret_new(char out[WHSIG_SECRET_LEN])
{
	unsigned char raw[32];
	char b64[48];
	if (crypto_random(raw, sizeof raw) < 0)
		return -1;
	crypto_b64(raw, sizeof raw, b64);
	snprintf(out, WHSIG_SECRET_LEN, PREFIX "%s", b64);
	return 0;
}

int whsig_sign(const char *secret, const char *msg_id, const char *timestamp,
	       const char *body, size_t len, char out[WHSIG_SIG_LEN])
{
	unsigned char key[64], mac[32];
	if (strncmp(secret, PREFIX, strlen(PREFIX)) == 0)
		secret += strlen(PREFIX);
	long klen = crypto_b64_decode(secret, strlen(secret), key, sizeof key);
	if (klen <= 0)
		return -1;
	size_t hl = strlen(msg_id) + strlen(timestamp) + 2, n = hl + len;
	char *msg = malloc(n + 1);
	if (!msg)
		return -1;
	snprintf(msg, hl + 1, "%s.%s.", msg_id, timestamp);
	memcpy(msg + hl, body, len);
	crypto_hmac_sha256(key, (size_t)klen, msg, n, mac);
	free(msg);
	memcpy(out, "v1,", 3);
	crypto_b64(mac, sizeof mac, out + 3);
	return 0;
}
