/* netguard.c - refuses outgoing connections to internal addresses; see
 * netguard.h. Addresses are compared as 16 bytes (IPv4 as ::ffff:a.b.c.d), so
 * one table of refused prefixes serves both families. */
#include "netguard.h"

#include <curl/curl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

typedef struct {
	unsigned char net[16];
	int bits;               /* prefix length over the 16 bytes */
	const char *why;
} prefix_t;

#define V4(a, b, c, d, n, why) {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d}, 96 + (n), why}

/* Refused unless allowed: RFC 6890's special-purpose ranges a public web
 * server never lives in. */
static const prefix_t refused[] = {
	V4(0, 0, 0, 0, 8, "this network"),
	V4(10, 0, 0, 0, 8, "private"),
	V4(100, 64, 0, 0, 10, "shared address space (CGNAT)"),
	V4(127, 0, 0, 0, 8, "loopback"),
	V4(169, 254, 0, 0, 16, "link-local"),
	V4(172, 16, 0, 0, 12, "private"),
	V4(192, 0, 0, 0, 24, "IETF protocol assignments"),
	V4(192, 0, 2, 0, 24, "documentation"),
	V4(192, 168, 0, 0, 16, "private"),
	V4(198, 18, 0, 0, 15, "benchmarking"),
	V4(198, 51, 100, 0, 24, "documentation"),
	V4(203, 0, 113, 0, 24, "documentation"),
	V4(224, 0, 0, 0, 4, "multicast"),
	V4(240, 0, 0, 0, 4, "reserved"),
	{{0}, 128, "unspecified"},
	{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback"},
	{{0}, 96, "IPv4-compatible (deprecated)"},
	{{0x01, 0x00}, 64, "discard-only"},
	{{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation"},
	{{0xfc}, 7, "unique local (private)"},
	{{0xfe, 0x80}, 10, "link-local"},
	{{0xfe, 0xc0}, 10, "site-local"},
	{{0xff}, 8, "multicast"},
};

static int in_prefix(const unsigned char a[16], const unsigned char net[16], int bits)
{
	int i;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a[i] != net[i])
			return 0;
	if (bits == 0)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - bits));
	return (a[i] & mask) == (net[i] & mask);
}

/* Reads "addr[/bits]" (IPv4 or IPv6) into net/bits; -1 if it does not parse. */
static int parse_cidr(const char *s, size_t len, unsigned char net[16], int *bits)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	struct in_addr v4;
	int max;
	memset(net, 0, 16);
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		net[10] = net[11] = 0xff;
		memcpy(net + 12, &v4, 4);
		max = 32;
	} else if (inet_pton(AF_INET6, buf, net) == 1) {
		max = 128;
	} else {
		return -1;
	}
	*bits = max;
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || b < 0 || b > max)
			return -1;
		*bits = (int)b;
	}
	*bits += 128 - max;
	return 0;
}

int netguard_addr_allowed(const unsigned char a[16], const char *allow)
{
	const char *p = allow ? allow : "";
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *s = p;
		size_t len = n;
		while (len && (*s == ' ' || *s == '\t'))
			s++, len--;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len) {
			unsigned char net[16];
			int bits;
			if (parse_cidr(s, len, net, &bits) < 0)
				return -1;
			if (in_prefix(a, net, bits))
				return 1;
		}
		p += n + (p[n] == ',');
	}
	/* IPv4 inside NAT64 (64:ff9b::/96) or 6to4 (2002::/16) is judged as IPv4. */
	static const unsigned char nat64[16] = {0x00, 0x64, 0xff, 0x9b};
	static const unsigned char six2four[16] = {0x20, 0x02};
	unsigned char inner[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (in_prefix(a, nat64, 96) || in_prefix(a, six2four, 16)) {
		memcpy(inner + 12, in_prefix(a, nat64, 96) ? a + 12 : a + 2, 4);
		return netguard_addr_allowed(inner, allow);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (in_prefix(a, refused[i].net, refused[i].bits))
			return 0;
	return 1;
}

/* The name of the range a refused address is in (for the error message). */
static const char *refused_why(const unsigned char a[16])
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (in_prefix(a, refused[i].net, refused[i].bits))
			return refused[i].why;
	return "internal (NAT64/6to4 form)";
}

static void to16(const struct sockaddr *sa, unsigned char a[16])
{
	memset(a, 0, 16);
	if (sa->sa_family == AF_INET) {
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else {
		memcpy(a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	}
}

/* Scheme, host (brackets stripped) and port of url; -1 with err if unusable. */
static int parse_url(const char *url, netguard_target_t *t, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		snprintf(err, errlen, "not an absolute URL");
		goto out;
	}
	if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0) {
		snprintf(err, errlen, "scheme %s is not allowed (http or https only)", scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		snprintf(err, errlen, "not an absolute URL");
		goto out;
	}
	size_t n = strlen(host);
	const char *h = host;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		h++, n -= 2;
	if (n == 0 || n >= sizeof(t->host)) {
		snprintf(err, errlen, "host name missing or too long");
		goto out;
	}
	memcpy(t->host, h, n);
	t->host[n] = '\0';
	t->port = (int)strtol(port, NULL, 10);   /* from libcurl: digits only */
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

int netguard_check_url(const char *url, const char *allow, netguard_target_t *t,
		       char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	int rc = -1;
	memset(t, 0, sizeof(*t));
	if (parse_url(url, t, err, errlen) < 0)
		return -1;
	int gai = getaddrinfo(t->host, NULL, &hints, &res);
	if (gai != 0 || !res) {
		snprintf(err, errlen, "host %s does not resolve: %s", t->host, gai_strerror(gai));
		goto out;
	}
	/* Every address must pass: a name with one public and one internal
	 * address is refused (the client could pick either). */
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		unsigned char a[16];
		char text[INET6_ADDRSTRLEN];
		to16(ai->ai_addr, a);
		inet_ntop(ai->ai_family, ai->ai_family == AF_INET ? a + 12 : a, text, sizeof(text));
		int ok = netguard_addr_allowed(a, allow);
		if (ok < 0) {
			snprintf(err, errlen, "the outbound allow list does not parse");
			goto out;
		}
		if (!ok) {
			snprintf(err, errlen, "%s resolves to %s (%s): refused", t->host, text,
				 refused_why(a));
			goto out;
		}
		if (!t->addr[0])
			memcpy(t->addr, text, sizeof(text));
	}
	rc = 0;
out:
	if (res)
		freeaddrinfo(res);
	return rc;
}

int netguard_resolve_entry(const netguard_target_t *t, char *out, size_t outlen)
{
	int v6 = strchr(t->addr, ':') != NULL;
	int n = snprintf(out, outlen, v6 ? "%s:%d:[%s]" : "%s:%d:%s", t->host, t->port, t->addr);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int netguard_curl_setup(void *curl, const char *url, const char *allow, long timeout_s,
			struct curl_slist **resolve, char *err, size_t errlen)
{
	netguard_target_t t;
	char pin[512];
	*resolve = NULL;
	if (netguard_check_url(url, allow, &t, err, errlen) < 0)
		return -1;
	if (netguard_resolve_entry(&t, pin, sizeof pin) < 0 ||
	    !(*resolve = curl_slist_append(NULL, pin))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_RESOLVE, *resolve);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_PROXY, "");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
	return 0;
}
