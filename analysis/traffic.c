/* traffic.c - UTM parameters and referrer groups by an ordered host table. */
#include "traffic.h"

#include <string.h>
#include <strings.h>

/* First match wins: the assistants before Google (gemini.google.com). A
 * domain ending in '.' matches any top-level domain (google.de, google.co.uk);
 * every entry also matches its first label alone (utm_source=google). */
static const struct group {
	const char *domain;
	const char *label;
} groups[] = {
	{"chatgpt.com", "AI assistants"}, {"chat.openai.com", "AI assistants"},
	{"openai.com", "AI assistants"}, {"perplexity.ai", "AI assistants"},
	{"gemini.google.com", "AI assistants"}, {"bard.google.com", "AI assistants"},
	{"copilot.microsoft.com", "AI assistants"}, {"claude.ai", "AI assistants"},
	{"google.", "Google"}, {"bing.com", "Bing"}, {"duckduckgo.com", "DuckDuckGo"},
	{"ecosia.org", "Ecosia"},
	{"facebook.com", "Social"}, {"fb.com", "Social"}, {"instagram.com", "Social"},
	{"linkedin.com", "Social"}, {"lnkd.in", "Social"}, {"xing.com", "Social"},
	{"twitter.com", "Social"}, {"x.com", "Social"}, {"t.co", "Social"},
	{"youtube.com", "Social"}, {"pinterest.", "Social"}, {"reddit.com", "Social"},
	{"tiktok.com", "Social"}, {"whatsapp.com", "Social"}, {"threads.net", "Social"},
	{"mastodon.social", "Social"}, {"bsky.app", "Social"},
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int traffic_param(const char *url, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key), o = 0;
	const char *q = url ? strchr(url, '?') : NULL;
	out[0] = '\0';
	while (q && *q) {
		q++;
		if (strncmp(q, key, kl) == 0 && q[kl] == '=')
			break;
		q += strcspn(q, "&#");
		if (*q != '&')
			q = NULL;
	}
	if (!q || !*q || n == 0)
		return -1;
	const char *c = q + kl + 1;
	for (; *c && *c != '&' && *c != '#' && o + 1 < n; c++) {
		int hi, lo;
		if (*c == '%' && (hi = hexval(c[1])) >= 0 && (lo = hexval(c[2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			c += 2;
		} else {
			out[o++] = *c == '+' ? ' ' : *c;
		}
	}
	if (*c && *c != '&' && *c != '#') {
		/* cut short: drop a last character that did not fit whole */
		size_t start = o;
		while (start > 0 && ((unsigned char)out[start - 1] & 0xC0) == 0x80)
			start--;
		unsigned char lead = start > 0 ? (unsigned char)out[start - 1] : 0;
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (lead >= 0xC0 && o - (start - 1) < need)
			o = start - 1;
	}
	out[o] = '\0';
	return o ? 0 : -1;
}

int traffic_host(const char *url, char *out, size_t n)
{
	const char *h;
	out[0] = '\0';
	if (!url)
		return -1;
	if (strncmp(url, "https://", 8) == 0)
		h = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else
		return -1;
	if (strncasecmp(h, "www.", 4) == 0)
		h += 4;
	size_t hl = strcspn(h, "/?#:");
	if (hl == 0 || hl >= n)
		return -1;
	for (size_t i = 0; i < hl; i++)
		out[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] | 0x20 : h[i]);
	out[hl] = '\0';
	return 0;
}

/* Whether host is `domain` or a subdomain of it; for "name." any top-level
 * domain of one or two labels; the first label alone matches too. */
static int host_in(const char *host, const char *domain)
{
	size_t hl = strlen(host), dl = strlen(domain), first = strcspn(domain, ".");
	if (hl == first && strncasecmp(host, domain, first) == 0)
		return 1;
	for (const char *p = host; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
		size_t pl = hl - (size_t)(p - host);
		if (domain[dl - 1] != '.' && pl == dl && strcasecmp(p, domain) == 0)
			return 1;
		if (domain[dl - 1] == '.' && pl > dl && strncasecmp(p, domain, dl) == 0) {
			const char *tld = p + dl, *dot = strchr(tld, '.');
			if (*tld != '.' && (!dot || (dot[1] && !strchr(dot + 1, '.'))))
				return 1;
		}
	}
	return 0;
}

const char *traffic_source(const char *ref_host, const char *own_host, const char *utm_source)
{
	const char *h = utm_source && *utm_source ? utm_source : NULL;
	if (!h && ref_host && *ref_host && !(own_host && (strcasecmp(ref_host, own_host) == 0 ||
	    (strncasecmp(own_host, "www.", 4) == 0 && strcasecmp(ref_host, own_host + 4) == 0))))
		h = ref_host;
	if (!h)
		return "Direct / None";
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (host_in(h, groups[i].domain))
			return groups[i].label;
	return h;
}
