/* html.h - what an SEO audit needs from the raw HTML of a real page (pure).
 *
 * A single forgiving pass, no DOM: unclosed tags, uppercase names, unquoted
 * attributes, stray '<' and invalid UTF-8 (replaced by U+FFFD) are tolerated.
 * Character references are decoded (named ones in common use, decimal and
 * hex, Windows-1252 numeric references as browsers map them); &nbsp; becomes
 * a space in text. */
#ifndef ZOE_HTML_H
#define ZOE_HTML_H

#include <stddef.h>
#include <jansson.h>

/* Caps that keep a hostile page from exhausting memory. */
#define HTML_TEXT_MAX (4u << 20)  /* bytes of visible text */
#define HTML_ITEM_TEXT_MAX 1024   /* bytes of a heading, link text, title */
#define HTML_LIST_MAX 10000       /* headings, links, images, JSON-LD blocks each */

/* Extracts html[0..len) into a new object:
 *   title, description, canonical, robots, lang: string or null (first one);
 *   headings: [{level: 1..6, text}] in document order;
 *   text: visible text (script/style/noscript/template/svg/comments skipped),
 *         whitespace collapsed, block elements and <br> as "\n";
 *   links: [{href, text, rel (string or null)}] for <a href>;
 *   images: [{src, alt (string, or null when the attribute is missing)}];
 *   jsonld: [raw text of each <script type="application/ld+json">].
 * Returns NULL on out of memory. */
json_t *html_extract_new(const char *html, size_t len);

/* Decodes character references in s[0..n) into a malloc'd NUL-terminated
 * string (caller free()s); NULL on out of memory. */
char *html_decode(const char *s, size_t n);

#endif
