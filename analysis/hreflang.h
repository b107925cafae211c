/* hreflang.h - hreflang annotations of a cluster of language versions (pure):
 * BCP 47 codes as Google reads them (ISO 639-1 language, optional ISO 15924
 * script, optional ISO 3166-1 alpha-2 region, or "x-default"), the link
 * graph (self-reference, return links, x-default, canonical consistency,
 * duplicates), the corrected <link> tags per page and the sitemap
 * xhtml:link block, and regional spelling (de-CH has no ß, de-AT writes
 * "Jänner"). */
#ifndef ZOE_HREFLANG_H
#define ZOE_HREFLANG_H

#include <stddef.h>
#include <jansson.h>

#define HREFLANG_CODE_MAX 32

/* Checks `code`: 0 valid (norm gets the canonical case, "en-GB", "zh-Hant-TW",
 * "x-default"); 1 wrong but with an obvious correction (fix gets it: "en-UK"
 * → "en-GB", "jp" → "ja", "de_AT" → "de-AT"); -1 wrong. *why says what is
 * wrong (NULL when valid). */
int hreflang_code(const char *code, char norm[HREFLANG_CODE_MAX],
		  char fix[HREFLANG_CODE_MAX], const char **why);

/* The <link rel="alternate" hreflang href> and <link rel="canonical"> tags of
 * an HTML page as a new {links: [{hreflang, href}], canonical: string|null};
 * attribute values decoded, at most `max` links. NULL on out of memory. */
json_t *hreflang_html_links_new(const char *html, size_t len, size_t max);

typedef struct hreflang_link {
	const char *code, *href;
} hreflang_link_t;

/* One page of the cluster: its URL, its canonical (NULL: itself), the code
 * the site means it for (NULL: read from its self link), its hreflang tags
 * (`tags` 0 when only the URL is known) and its visible text or NULL. */
typedef struct hreflang_page {
	const char *url, *canonical, *code, *text;
	const hreflang_link_t *links;
	size_t n;
	int tags;
} hreflang_page_t;

/* Checks the cluster and returns a new {valid, errors, warnings, issues:
 * [{code, severity, page, hreflang, href, message}], versions: [{hreflang,
 * href}], pages: [{url, hreflang, tags: [..]}], sitemap}; NULL on OOM. */
json_t *hreflang_check_new(const hreflang_page_t *pages, size_t n);

/* `s` with & < > " escaped for an HTML/XML attribute, into out; 0/-1. */
int hreflang_attr_escape(const char *s, char *out, size_t outsz);

#endif
