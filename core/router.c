/* router.c - segment-wise path matching over the handler table. */
#include "router.h"

#include <stdio.h>
#include <string.h>

static int is_param(const char *seg, size_t len)
{
	return len > 2 && seg[0] == '{' && seg[len - 1] == '}';
}

/* Next segment of `p` (after the leading '/'): start and length. */
static const char *next_seg(const char *p, size_t *len)
{
	if (*p != '/')
		return NULL;
	p++;
	const char *e = strchr(p, '/');
	*len = e ? (size_t)(e - p) : strlen(p);
	return p;
}

/* 1 when `path` matches `pattern`; params get the {..} segments. */
static int match(const char *pattern, const char *path, arena_t *a, const char **params)
{
	int np = 0;
	for (;;) {
		size_t pl, ql;
		const char *ps = next_seg(pattern, &pl), *qs = next_seg(path, &ql);
		if (!ps || !qs)
			return !ps && !qs && *pattern == '\0' && *path == '\0';
		if (is_param(ps, pl)) {
			if (ql == 0 || np >= MAX_PATH_PARAMS)
				return 0;
			if (params && a)
				params[np] = arena_strndup(a, qs, ql);
			np++;
		} else if (pl != ql || memcmp(ps, qs, pl) != 0) {
			return 0;
		}
		pattern = ps + pl;
		path = qs + ql;
	}
}

static int valid_pattern(const char *p)
{
	if (p[0] != '/' || (strlen(p) > 1 && p[strlen(p) - 1] == '/'))
		return 0;
	if (strstr(p, "//"))
		return 0;
	for (; *p; p++)
		if (!(*p == '/' || *p == '-' || *p == '_' || *p == '.' || *p == '{' ||
		      *p == '}' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

int router_init(const route_t *table, size_t n, char *err, size_t errlen)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	for (size_t i = 0; i < n; i++) {
		const route_t *r = &table[i];
		int known = 0;
		for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++)
			known |= strcmp(r->method, methods[m]) == 0;
		if (!known || !valid_pattern(r->pattern) || !r->summary) {
			snprintf(err, errlen, "route %s %s: bad method, pattern or summary",
				 r->method, r->pattern);
			return -1;
		}
		if ((r->min_role == ROLE_NONE) != ((r->accept & (ACCEPT_JWT | ACCEPT_APIKEY)) == 0)) {
			snprintf(err, errlen, "route %s %s: a role needs JWT or API key accepted",
				 r->method, r->pattern);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(table[j].method, r->method) == 0 &&
			    (match(table[j].pattern, r->pattern, NULL, NULL) ||
			     match(r->pattern, table[j].pattern, NULL, NULL))) {
				snprintf(err, errlen, "route %s %s duplicates %s", r->method,
					 r->pattern, table[j].pattern);
				return -1;
			}
	}
	return 0;
}

const route_t *router_match(const route_t *table, size_t n, const char *method,
			    const char *path, arena_t *a, const char **params,
			    int *status, char *allow, size_t allowlen)
{
	size_t used = 0;
	allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!match(table[i].pattern, path, NULL, NULL))
			continue;
		if (strcmp(table[i].method, method) == 0) {
			match(table[i].pattern, path, a, params);
			return &table[i];
		}
		if (!strstr(allow, table[i].method)) {
			int k = snprintf(allow + used, allowlen - used, "%s%s",
					 used ? ", " : "", table[i].method);
			if (k > 0 && (size_t)k < allowlen - used)
				used += (size_t)k;
		}
	}
	*status = used ? 405 : 404;
	return NULL;
}

int router_index(const route_t *table, size_t n, const route_t *rt)
{
	if (!rt || rt < table || rt >= table + n)
		return -1;
	return (int)(rt - table);
}

int router_not_built(req_t *r)
{
	char d[200];
	snprintf(d, sizeof(d), "%s %s (#%d) is not built yet", r->route->method,
		 r->route->pattern, r->route->spec_no);
	return reply_problem(r, 501, d, NULL);
}
