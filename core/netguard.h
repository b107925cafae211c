/* netguard.h - the check every outgoing request passes (webhook deliveries,
 * competitor page fetches): no connection to loopback, private, link-local or
 * otherwise internal addresses unless configured (SSRF).
 *
 * Use: netguard_check_url() resolves and checks, then pin the connection to
 * the checked address with CURLOPT_RESOLVE (netguard_resolve_entry), so a
 * second DNS answer cannot swap in another address (DNS rebinding). Follow
 * redirects yourself and check every hop again. */
#ifndef ZOE_NETGUARD_H
#define ZOE_NETGUARD_H

#include <stddef.h>
#include <netinet/in.h>
#include <arpa/inet.h>

typedef struct {
	char host[256];                 /* as in the URL, without IPv6 brackets */
	char addr[INET6_ADDRSTRLEN];    /* the checked address to connect to */
	int port;
} netguard_target_t;

/* Parses an http or https URL, resolves its host and checks every address:
 * loopback, private, link-local, CGNAT, multicast, unspecified, reserved,
 * documentation ranges and IPv4-mapped/NAT64/6to4 forms of them are refused
 * unless inside one of the CIDRs of allow (comma-separated; NULL or "" = none;
 * e.g. "127.0.0.1/32,::1/128"). Returns 0 and fills t, or -1 with a one-line
 * reason in err. */
int netguard_check_url(const char *url, const char *allow, netguard_target_t *t,
		       char *err, size_t errlen);

/* "host:port:addr" for CURLOPT_RESOLVE (IPv6 in brackets). Returns 0, or -1
 * when out is too small. */
int netguard_resolve_entry(const netguard_target_t *t, char *out, size_t outlen);

/* 1 when the address (16 bytes; IPv4 as ::ffff:a.b.c.d) may be contacted
 * under allow, 0 if not, -1 when allow does not parse. */
int netguard_addr_allowed(const unsigned char a[16], const char *allow);

struct curl_slist;
/* Checks url as netguard_check_url does and prepares the easy handle curl
 * for one request to the checked address: URL, the pin (CURLOPT_RESOLVE; free
 * *resolve with curl_slist_free_all after the transfer), http and https only,
 * no redirects followed, no proxy, no signals, timeout_s for the whole
 * request. 0, or -1 with the reason in err (*resolve NULL). */
int netguard_curl_setup(void *curl, const char *url, const char *allow, long timeout_s,
			struct curl_slist **resolve, char *err, size_t errlen);

#endif
