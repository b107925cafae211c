/* robots.h - robots.txt as RFC 9309 and Google's documentation read it (pure).
 *
 * Lines are "key: value" (keys case-insensitive, '#' starts a comment).
 * Consecutive user-agent lines open a group; the allow/disallow lines after
 * them belong to it; a user-agent line after a rule opens the next group.
 * Other keys (sitemap, crawl-delay, ...) neither belong to nor end a group.
 * A crawler obeys the groups whose user-agent equals its product token
 * (case-insensitive; every such group combined), else the "*" groups, else
 * nothing (all allowed). Among the rules of the chosen groups the longest
 * matching path pattern wins; at equal length allow wins (the least
 * restrictive). Patterns: '*' any run of characters, a final '$' the end of
 * the URL; an empty disallow allows everything. /robots.txt itself is always
 * allowed. Non-ASCII bytes and lower-case %-escapes are compared in the
 * %XX upper-case form on both sides. */
#ifndef ZOE_ROBOTS_H
#define ZOE_ROBOTS_H

#include <stddef.h>

/* Bytes of robots.txt read (Google reads the first 500 KiB). */
#define ROBOTS_MAX_BYTES (500u * 1024u)
/* Longest path pattern or URL path compared (longer rules are ignored). */
#define ROBOTS_PATH_MAX 4096

typedef struct robots_verdict {
	int allowed;            /* 1 allowed, 0 disallowed */
	int line;               /* line of the deciding rule, 0 when none matched */
	int group;              /* 2 a group naming the agent, 1 "*", 0 no group applies */
	char rule[128];         /* "disallow: /private/" of the deciding line, or "" */
} robots_verdict_t;

/* Decides whether `agent` (a product token such as "ZOE-Solar-Bot") may fetch
 * `path` (path and query of the URL, starting with '/') under the robots.txt
 * txt[0..len) (NULL: none, everything allowed). Fills v; returns v->allowed. */
int robots_check(const char *txt, size_t len, const char *agent, const char *path,
		 robots_verdict_t *v);

/* 1 when path matches pattern (both already normalised, see above), else 0. */
int robots_match(const char *pattern, size_t plen, const char *path);

#endif
