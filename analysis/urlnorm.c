/* urlnorm.c - URL normal form and hygiene findings; see urlnorm.h.
 *
 * One pass over the URL into a bounded writer: the scheme and authority are
 * lowercased, the path is copied (escapes uppercased, raw bytes encoded,
 * ";jsessionid=" segments dropped), the query is filtered parameter by
 * parameter against the tables below. */
#include "urlnorm.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Click ids and campaign tags of ad and mail platforms; "utm_" is a prefix. */
static const char *const tracking_params[] = {
	"gclid", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid",
	"twclid", "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
	"srsltid", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "oly_enc_id", "rb_clickid",
};
static const char *const session_params[] = {
	"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "sessid", "cfid",
	"cftoken", "zenid", "oscsid", "aspsessionid",
};

typedef struct writer {
	char *p;
	size_t n, cap;
	int over;
} writer_t;

static void put(writer_t *w, const char *s, size_t n)
{
	if (w->over || w->n + n >= w->cap) {
		w->over = 1;
		return;
	}
	memcpy(w->p + w->n, s, n);
	w->n += n;
	w->p[w->n] = '\0';
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

/* Copies s[0..n) of a path or query: escapes uppercased, raw bytes >= 0x80,
 * controls and spaces percent-encoded (flagged). */
static void put_encoded(writer_t *w, const char *s, size_t n, int *flags)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%' && i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
			char e[3] = {'%', upper(s[i + 1]), upper(s[i + 2])};
			put(w, e, 3);
			i += 2;
		} else if (c >= 0x80 || c <= 0x20 || c == 0x7f) {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			*flags |= URLNORM_NON_ASCII;
			put(w, e, 3);
		} else {
			put(w, (const char *)&s[i], 1);
		}
	}
}

static int in_list(const char *const *list, size_t count, const char *name, size_t n)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && strncasecmp(list[i], name, n) == 0)
			return 1;
	return 0;
}

int urlnorm_is_tracking(const char *name, size_t n)
{
	return (n > 4 && strncasecmp(name, "utm_", 4) == 0) ||
	       in_list(tracking_params, COUNT(tracking_params), name, n);
}

int urlnorm_is_session(const char *name, size_t n)
{
	return (n > 12 && strncasecmp(name, "aspsessionid", 12) == 0) ||
	       in_list(session_params, COUNT(session_params), name, n);
}

/* Scheme and authority: lowercased, default port dropped. Returns the
 * offset of what follows the authority, or 0 when there is no usable host. */
static size_t put_origin(writer_t *w, const char *url, int *flags)
{
	size_t skip = strncasecmp(url, "https://", 8) == 0 ? 8
		    : strncasecmp(url, "http://", 7) == 0 ? 7 : 0;
	if (!skip)
		return 0;
	size_t hl = strcspn(url + skip, "/?#");
	const char *host = url + skip;
	if (hl == 0)
		return 0;
	if ((skip == 8 && hl > 4 && strncmp(host + hl - 4, ":443", 4) == 0) ||
	    (skip == 7 && hl > 3 && strncmp(host + hl - 3, ":80", 3) == 0))
		hl -= skip == 8 ? 4 : 3;
	put(w, skip == 8 ? "https://" : "http://", skip);
	for (size_t i = 0; i < hl; i++) {
		char c = host[i];
		if ((unsigned char)c >= 0x80)
			*flags |= URLNORM_NON_ASCII;
		c = c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
		put(w, &c, 1);
	}
	return skip + strcspn(url + skip, "/?#");
}

/* Findings on the path as kept (escapes skipped: "%C3" is not uppercase). */
static void path_flags(const char *p, int *flags)
{
	size_t n = strlen(p);
	for (size_t k = 0; k < n; k++) {
		if (p[k] == '%' && k + 2 < n && is_hex(p[k + 1]) && is_hex(p[k + 2]))
			k += 2;
		else if (p[k] >= 'A' && p[k] <= 'Z')
			*flags |= URLNORM_UPPERCASE;
		else if (p[k] == '/' && k + 1 < n && p[k + 1] == '/')
			*flags |= URLNORM_DOUBLE_SLASH;
	}
	if (n > 1 && p[n - 1] == '/')
		*flags |= URLNORM_TRAILING_SLASH;
}

/* The path up to '?' or '#': ";jsessionid=..." parameters dropped. */
static size_t put_path(writer_t *w, const char *p, int *flags)
{
	size_t n = strcspn(p, "?#"), i = 0, start = w->n;
	if (n == 0) {
		put(w, "/", 1);
		return 0;
	}
	while (i < n) {
		size_t seg = strcspn(p + i, ";");
		if (i + seg > n)
			seg = n - i;
		put_encoded(w, p + i, seg, flags);
		i += seg;
		if (i < n) {            /* ";name=value" up to the next '/' */
			size_t pl = strcspn(p + i, "/?#"), nl = strcspn(p + i + 1, "=/?#");
			if (urlnorm_is_session(p + i + 1, nl)) {
				*flags |= URLNORM_SESSION;
				i += pl;
			} else {
				put(w, ";", 1);
				i++;
			}
		}
	}
	path_flags(w->over ? "" : w->p + start, flags);
	return n;
}

static void note_removed(writer_t *rm, const char *name, size_t n)
{
	if (!rm->cap || rm->over)
		return;
	if (rm->n)
		put(rm, ",", 1);
	put(rm, name, n);
	if (rm->over && rm->cap) {      /* keep what fits, end cleanly */
		rm->over = 0;
		rm->cap = 0;
	}
}

/* The query: tracking and session parameters dropped, the rest in order. */
static void put_query(writer_t *w, const char *q, int *flags, writer_t *rm)
{
	size_t n = strcspn(q, "#"), i = 0, kept = 0;
	while (i < n) {
		size_t len = strcspn(q + i, "&");
		if (i + len > n)
			len = n - i;
		size_t nl = strcspn(q + i, "=&");
		if (nl > len)
			nl = len;
		int track = urlnorm_is_tracking(q + i, nl), sess = urlnorm_is_session(q + i, nl);
		*flags |= (track ? URLNORM_TRACKING : 0) | (sess ? URLNORM_SESSION : 0);
		if (track || sess) {
			note_removed(rm, q + i, nl);
		} else if (len) {
			put(w, kept++ ? "&" : "?", 1);
			put_encoded(w, q + i, len, flags);
		}
		i += len + 1;
	}
}

int urlnorm(const char *url, char *out, size_t outsz, char *removed, size_t removedsz)
{
	writer_t w = {out, 0, outsz, outsz == 0};
	writer_t rm = {removed, 0, removed ? removedsz : 0, 0};
	int flags = 0;
	if (!url || !out || outsz == 0)
		return -1;
	out[0] = '\0';
	if (removed && removedsz)
		removed[0] = '\0';
	size_t at = put_origin(&w, url, &flags);
	if (!at)
		return -1;
	at += put_path(&w, url + at, &flags);
	if (url[at] == '?')
		put_query(&w, url + at + 1, &flags, &rm);
	if (strchr(url + at, '#'))
		flags |= URLNORM_FRAGMENT;
	return w.over ? -1 : flags;
}

int urlnorm_resolve(const char *href, const char *base_norm, char *out, size_t outsz)
{
	char abs[4096];
	const char *host;
	size_t hl = base_norm ? urlnorm_host(base_norm, &host) : 0;
	if (!href)
		return -1;
	if (strncasecmp(href, "http://", 7) == 0 || strncasecmp(href, "https://", 8) == 0)
		return urlnorm(href, out, outsz, NULL, 0);
	if (!hl)
		return -1;
	size_t origin = (size_t)(host - base_norm) + hl;       /* "https://host" */
	int n;
	if (href[0] == '/' && href[1] == '/') {
		n = snprintf(abs, sizeof(abs), "%.*s%s", (int)(host - base_norm - 2), base_norm, href);
	} else if (href[0] == '/') {
		n = snprintf(abs, sizeof(abs), "%.*s%s", (int)origin, base_norm, href);
	} else if (!urlnorm_path(base_norm)) {  /* "https://host": the root is the directory */
		n = snprintf(abs, sizeof(abs), "%.*s/%s", (int)origin, base_norm, href);
	} else {        /* relative to the base's directory */
		const char *path = urlnorm_path(base_norm);
		size_t dir = strcspn(path, "?");
		while (dir > 0 && path[dir - 1] != '/')
			dir--;
		n = snprintf(abs, sizeof(abs), "%.*s%s", (int)(path - base_norm + (long)dir),
			     base_norm, href);
	}
	if (n < 0 || (size_t)n >= sizeof(abs))
		return -1;
	return urlnorm(abs, out, outsz, NULL, 0);
}

size_t urlnorm_host(const char *norm, const char **host)
{
	const char *p = norm ? strstr(norm, "://") : NULL;
	if (!p)
		return 0;
	*host = p + 3;
	return strcspn(p + 3, "/?#");
}

const char *urlnorm_path(const char *norm)
{
	const char *host;
	size_t hl = urlnorm_host(norm, &host);
	return hl && host[hl] == '/' ? host + hl : NULL;
}
