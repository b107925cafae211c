/* router.c - segment-wise path matching over the handler table. */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
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

/* Appends `word` (len bytes) to out in camelCase: separators start a capital. */
static size_t camel(char *out, size_t used, size_t outlen, const char *word, size_t len)
{
	int upper = used > 0;
	for (size_t i = 0; i < len && used + 1 < outlen; i++) {
		char c = word[i];
		if (c == '-' || c == '_' || c == '.' || c == '{' || c == '}') {
			upper = used > 0;
			continue;
		}
		out[used++] = upper && c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
		upper = 0;
	}
	out[used] = '\0';
	return used;
}

void router_operation_id(const route_t *table, size_t n, const route_t *rt, char *out,
			 size_t outlen)
{
	static const struct { const char *method, *verb; } verbs[] = {
		{"GET", "Get"}, {"POST", "Post"}, {"PUT", "Put"}, {"PATCH", "Patch"},
		{"DELETE", "Delete"}};
	const char *p = rt->pattern;
	size_t used = 0, len;
	out[0] = '\0';
	if (strncmp(p, "/api/", 5) == 0)
		p += 4;
	for (const char *seg = next_seg(p, &len); seg; seg = next_seg(seg + len, &len)) {
		if (is_param(seg, len))
			used = camel(out, used, outlen, "by-", 3);
		used = camel(out, used, outlen, seg, len);
	}
	int shared = 0;
	for (size_t i = 0; i < n; i++)
		shared |= &table[i] != rt && strcmp(table[i].pattern, rt->pattern) == 0;
	for (size_t v = 0; shared && v < sizeof(verbs) / sizeof(verbs[0]); v++)
		if (strcmp(verbs[v].method, rt->method) == 0)
			camel(out, used, outlen, verbs[v].verb, strlen(verbs[v].verb));
}

/* 0 when every route has its own operationId, else -1 naming the pair. */
static int unique_ids(const route_t *table, size_t n, char *err, size_t errlen)
{
	char a[96], b[96];
	for (size_t i = 0; i < n; i++) {
		router_operation_id(table, n, &table[i], a, sizeof(a));
		for (size_t j = 0; j < i; j++) {
			router_operation_id(table, n, &table[j], b, sizeof(b));
			if (strcmp(a, b) == 0) {
				snprintf(err, errlen, "routes %s and %s share operationId %s",
					 table[i].pattern, table[j].pattern, a);
				return -1;
			}
		}
	}
	return 0;
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
	return unique_ids(table, n, err, errlen);
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

/* The query value of rule `rl` as JSON of its type, so validate() can check
 * it; NULL when absent. A value that is not of the type stays a string. */
static json_t *query_value(req_t *r, const vrule_t *rl, json_t *errors)
{
	const char *v = req_query(r, rl->field);
	char *end;
	if (!v)
		return NULL;
	if (!utf8_valid(v, strlen(v))) {
		verr(errors, rl->field, "must be UTF-8");
		return NULL;
	}
	if (rl->type == V_INT && *v) {
		long long x = strtoll(v, &end, 10);
		if (!*end && strlen(v) < 16)
			return json_integer(x);
	} else if (rl->type == V_NUMBER && *v) {
		double x = strtod(v, &end);
		if (!*end)
			return json_real(x);
	} else if (rl->type == V_BOOL && (!strcmp(v, "true") || !strcmp(v, "false"))) {
		return json_boolean(v[0] == 't');
	}
	return json_string(v);
}

static int has_field(json_t *errors, const char *field)
{
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e)
		if (field && strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
			return 1;
	return 0;
}

int router_check_query(req_t *r)
{
	const api_op_t *op = r->route->op;
	if (!op || (!op->nquery && !op->check))
		return 0;
	json_t *q = arena_json(r->arena, json_object());
	json_t *errors = arena_json(r->arena, json_array());
	json_t *more = arena_json(r->arena, json_array());
	if (!q || !errors || !more)
		return reply_problem(r, 500, "out of memory", NULL), -1;
	for (size_t i = 0; i < op->nquery; i++) {
		json_t *v = query_value(r, &op->query[i], errors);
		if (v)
			json_object_set_new(q, op->query[i].field, v);
	}
	validate(q, op->query, op->nquery, "", errors);
	if (op->check)
		op->check(r, more);
	size_t i;
	json_t *e;
	json_array_foreach(more, i, e)      /* one error per field: the table's first */
		if (!has_field(errors, json_string_value(json_object_get(e, "field"))))
			json_array_append(errors, e);
	if (json_array_size(errors) == 0)
		return 0;
	reply_invalid(r, json_incref(errors));
	return -1;
}
