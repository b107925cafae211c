/* urlnorm.h - URL normalisation and URL hygiene findings for the metadata
 * audit (pure).
 *
 * The normal form is the page inventory's key: scheme and host lowercased,
 * default port dropped, empty path -> "/", fragment dropped, tracking and
 * session parameters dropped (the others kept in order), bytes outside
 * printable ASCII percent-encoded and percent escapes uppercased. The path
 * keeps its case (servers may treat it case-sensitively): uppercase letters
 * are reported, not folded. */
#ifndef ZOE_URLNORM_H
#define ZOE_URLNORM_H

#include <stddef.h>

/* Findings about a URL as it was written (bit flags). */
enum urlnorm_flag {
	URLNORM_UPPERCASE = 1,       /* uppercase letters in the path */
	URLNORM_TRACKING = 2,        /* utm_*, gclid, fbclid, msclkid, ... */
	URLNORM_SESSION = 4,         /* jsessionid, PHPSESSID, sid, ... */
	URLNORM_DOUBLE_SLASH = 8,    /* "//" inside the path */
	URLNORM_NON_ASCII = 16,      /* unencoded bytes >= 0x80 or spaces */
	URLNORM_TRAILING_SLASH = 32, /* a path other than "/" ending in "/" */
	URLNORM_FRAGMENT = 64,       /* a #fragment */
};

/* Normalises absolute http(s) `url` into out (outsz bytes, NUL-terminated).
 * The names of dropped parameters go into `removed` (comma-separated,
 * truncated to removedsz; may be NULL). Returns the urlnorm_flag bits (>= 0),
 * or -1 when `url` is not an absolute http(s) URL with a host or out is too
 * small. */
int urlnorm(const char *url, char *out, size_t outsz, char *removed, size_t removedsz);

/* As urlnorm for a link `href` found on the page whose normal form is
 * `base_norm`: "/path" and "//host/path" are resolved first. */
int urlnorm_resolve(const char *href, const char *base_norm, char *out, size_t outsz);

/* 1 when query parameter name[0..n) is a tracking / session parameter. */
int urlnorm_is_tracking(const char *name, size_t n);
int urlnorm_is_session(const char *name, size_t n);

/* Pointer to the path of a normalised URL ("/" at least), NULL if none. */
const char *urlnorm_path(const char *norm);
/* Length of the host (with port) of a normalised URL, 0 if none. */
size_t urlnorm_host(const char *norm, const char **host);

#endif
