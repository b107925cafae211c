/* robots.c - robots.txt groups and longest-match rules (see robots.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "robots.h"

static const char hex[] = "0123456789ABCDEF";

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* s[0..n) with non-ASCII bytes as %XX and escapes upper-cased, into out;
 * the length, or -1 when it does not fit. */
static long normalise(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (o + 4 > outsz)
			return -1;
		if (c >= 0x80) {
			out[o++] = '%', out[o++] = hex[c >> 4], out[o++] = hex[c & 15];
		} else if (c == '%' && i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
			out[o++] = '%', out[o++] = upper(s[i + 1]), out[o++] = upper(s[i + 2]);
			i += 2;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return (long)o;
}

int robots_match(const char *pat, size_t plen, const char *path)
{
	int anchored = plen > 0 && pat[plen - 1] == '$';
	size_t p = 0, s = 0, sp = (size_t)-1, ss = 0, n = strlen(path);
	if (anchored)
		plen--;
	for (;;) {
		if (p == plen) {
			if (!anchored || s == n)
				return 1;
		} else if (pat[p] == '*') {
			sp = ++p;
			ss = s;
			continue;
		} else if (s < n && pat[p] == path[s]) {
			p++, s++;
			continue;
		}
		if (sp == (size_t)-1 || ss >= n)
			return 0;
		p = sp;
		s = ++ss;
	}
}

/* What one parse keeps per kind of group (0 unused, 1 "*", 2 the agent's). */
typedef struct best {
	long len;               /* pattern length of the best match, -1 none */
	int allowed, line, seen;
	char rule[128];
} best_t;

typedef struct parse {
	const char *agent, *path;
	int in_agents, cur;     /* in a run of user-agent lines; kind of the current group */
	best_t best[3];
} parse_t;

static void agent_line(parse_t *ps, const char *v, size_t n)
{
	if (!ps->in_agents)
		ps->cur = 0;
	ps->in_agents = 1;
	size_t tok = 0;
	while (tok < n && (v[tok] == '-' || v[tok] == '_' || (v[tok] >= 'a' && v[tok] <= 'z') ||
			   (v[tok] >= 'A' && v[tok] <= 'Z') || (v[tok] >= '0' && v[tok] <= '9')))
		tok++;
	int kind = n > 0 && v[0] == '*' ? 1 : tok > 0 && tok == strlen(ps->agent) &&
		   strncasecmp(v, ps->agent, tok) == 0 ? 2 : 0;
	if (kind > ps->cur)
		ps->cur = kind;
	if (kind)
		ps->best[kind].seen = 1;
}

static void rule_line(parse_t *ps, int allow, const char *v, size_t n, int line)
{
	char pat[ROBOTS_PATH_MAX];
	ps->in_agents = 0;
	size_t len = strcspn(v, " \t");
	if (len > n)
		len = n;
	if (ps->cur == 0 || len == 0)
		return;         /* outside a group, or an empty rule: matches nothing */
	long plen = normalise(v, len, pat, sizeof pat);
	if (plen < 0 || !robots_match(pat, (size_t)plen, ps->path))
		return;
	best_t *b = &ps->best[ps->cur];
	if (plen > b->len || (plen == b->len && allow && !b->allowed)) {
		b->len = plen, b->allowed = allow, b->line = line;
		snprintf(b->rule, sizeof b->rule, "%s: %.*s", allow ? "allow" : "disallow",
			 (int)(len < 100 ? len : 100), v);
	}
}

/* One line s[0..n) (comment included). */
static void line_of(parse_t *ps, const char *s, size_t n, int line)
{
	const char *hash = memchr(s, '#', n), *colon;
	if (hash)
		n = (size_t)(hash - s);
	colon = memchr(s, ':', n);
	if (!colon)
		return;
	size_t k = (size_t)(colon - s), vn;
	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	size_t lead = strspn(s, " \t");
	const char *key = s + (lead < k ? lead : k), *v = colon + 1;
	k -= (size_t)(key - s);
	vn = n - (size_t)(v - s);
	while (vn > 0 && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (k == 10 && strncasecmp(key, "user-agent", 10) == 0)
		agent_line(ps, v, vn);
	else if (k == 5 && strncasecmp(key, "allow", 5) == 0)
		rule_line(ps, 1, v, vn, line);
	else if (k == 8 && strncasecmp(key, "disallow", 8) == 0)
		rule_line(ps, 0, v, vn, line);
}

int robots_check(const char *txt, size_t len, const char *agent, const char *path,
		 robots_verdict_t *v)
{
	char norm[ROBOTS_PATH_MAX];
	parse_t ps = {.agent = agent, .path = norm};
	memset(v, 0, sizeof *v);
	v->allowed = 1;
	size_t plen = strlen(path);
	if (normalise(path, plen, norm, sizeof norm) < 0)
		normalise(path, (sizeof norm - 1) / 3, norm, sizeof norm);
	if (!txt || strcmp(path, "/robots.txt") == 0)
		return 1;
	for (int k = 0; k < 3; k++)
		ps.best[k].len = -1;
	if (len > ROBOTS_MAX_BYTES)
		len = ROBOTS_MAX_BYTES;
	size_t i = 0;
	int line = 0;
	if (len >= 3 && memcmp(txt, "\xEF\xBB\xBF", 3) == 0)
		i = 3;          /* a byte order mark */
	while (i < len) {
		size_t e = i;
		while (e < len && txt[e] != '\n' && txt[e] != '\r' && txt[e] != '\0')
			e++;
		line_of(&ps, txt + i, e - i, ++line);
		if (e + 1 < len && txt[e] == '\r' && txt[e + 1] == '\n')
			e++;
		i = e + 1;
	}
	v->group = ps.best[2].seen ? 2 : ps.best[1].seen ? 1 : 0;
	const best_t *b = &ps.best[v->group];
	if (v->group && b->len >= 0) {
		v->allowed = b->allowed;
		v->line = b->line;
		snprintf(v->rule, sizeof v->rule, "%s", b->rule);
	}
	return v->allowed;
}
