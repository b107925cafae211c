/* traffic.h - where a visit came from: UTM parameters of the landing URL and
 * the grouped source of its referrer (pure, no I/O). */
#ifndef ZOE_TRAFFIC_H
#define ZOE_TRAFFIC_H

#include <stddef.h>

/* Value of query parameter `key` (utm_source, utm_medium, ...) of `url`,
 * percent-decoded ('+' is a space), into out (size n, NUL-terminated,
 * truncated at a character boundary). 0 when present and non-empty, else -1
 * with out = "". */
int traffic_param(const char *url, const char *key, char *out, size_t n);

/* Host of an absolute http(s) URL, lower case, without a leading "www.",
 * into out (size n). 0, or -1 (not an absolute URL, or too long). */
int traffic_host(const char *url, char *out, size_t n);

/* The grouped source of a visit: "Google", "Bing", "DuckDuckGo", "Ecosia",
 * "AI assistants", "Social" when its utm_source (or, without one, the
 * referrer host) belongs to one, case-insensitively; otherwise that
 * utm_source or host itself;
 * "Direct / None" when there is neither or the referrer is the site itself
 * (`own_host`). Any argument may be NULL. The result is a static string or
 * one of the arguments. */
const char *traffic_source(const char *ref_host, const char *own_host, const char *utm_source);

#endif
