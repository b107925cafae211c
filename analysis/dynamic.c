/* dynamic.c - dynamic-content rules: checker, evaluator, variant choice; see dynamic.h. */
#include "dynamic.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum kind { K_LIST, K_BOUNDS, K_TIME };

static const char *const devices[] = {"mobile", "tablet", "desktop", NULL};

/* The condition language: one row per condition key. */
static const struct cond_def {
	const char *key;
	enum kind kind;
	const char *const *oneof;   /* K_LIST: allowed values, or NULL = any string */
	size_t ctx_off;             /* offset of the context field it reads */
} conds[] = {
	{"source", K_LIST, NULL, offsetof(dyn_ctx_t, source)},
	{"device", K_LIST, devices, offsetof(dyn_ctx_t, device)},
	{"region", K_LIST, NULL, offsetof(dyn_ctx_t, region)},
	{"visit_count", K_BOUNDS, NULL, offsetof(dyn_ctx_t, visit_count)},
	{"pages_seen", K_BOUNDS, NULL, offsetof(dyn_ctx_t, pages_seen)},
	{"time", K_TIME, NULL, 0},
};
#define NCONDS (sizeof(conds) / sizeof(conds[0]))

static const struct cond_def *cond_of(const char *key)
{
	for (size_t k = 0; k < NCONDS; k++)
		if (strcmp(conds[k].key, key) == 0)
			return &conds[k];
	return NULL;
}

static void err(json_t *errors, const char *prefix, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void err(json_t *errors, const char *prefix, const char *field, const char *fmt, ...)
{
	char f[192], msg[192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(f, sizeof(f), "%.160s.%.30s", prefix, field);
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", f, "message", msg));
}

static int listed(const char *const *oneof, const char *s)
{
	for (; *oneof; oneof++)
		if (strcmp(*oneof, s) == 0)
			return 1;
	return 0;
}

/* A list of 1..DYN_MAX_CONDITIONS strings (of `oneof`); returns its length. */
static size_t check_list(json_t *v, const struct cond_def *d, const char *prefix, json_t *errors)
{
	size_t i, n = json_is_array(v) ? json_array_size(v) : 0;
	json_t *s;
	if (n == 0 || n > DYN_MAX_CONDITIONS) {
		err(errors, prefix, d->key, "must be an array of 1 to %d strings", DYN_MAX_CONDITIONS);
		return 0;
	}
	json_array_foreach(v, i, s) {
		const char *t = json_string_value(s);
		if (!t || !*t || strlen(t) > 100)
			err(errors, prefix, d->key, "item %zu must be a string of 1 to 100 bytes", i);
		else if (d->oneof && !listed(d->oneof, t))
			err(errors, prefix, d->key, "item %zu must be mobile, tablet or desktop", i);
	}
	return n;
}

/* {min?, max?} of integers lo..hi with min <= max; returns the bounds given. */
static size_t check_bounds(json_t *v, const char *key, long lo, long hi, const char *prefix,
			   json_t *errors)
{
	static const char *const ends[] = {"min", "max"};
	json_int_t b[2] = {lo, hi};
	size_t n = 0;
	if (!json_is_object(v) || json_object_size(v) == 0) {
		err(errors, prefix, key, "must be an object with min and/or max");
		return 0;
	}
	for (size_t k = 0; k < 2; k++) {
		json_t *e = json_object_get(v, ends[k]);
		if (!e)
			continue;
		n++;
		if (!json_is_integer(e) || json_integer_value(e) < lo || json_integer_value(e) > hi)
			err(errors, prefix, key, "%s must be an integer from %ld to %ld", ends[k], lo, hi);
		else
			b[k] = json_integer_value(e);
	}
	if (b[0] > b[1])
		err(errors, prefix, key, "min must not exceed max");
	if (json_object_size(v) > n)
		err(errors, prefix, key, "takes only min and max");
	return n;
}

/* {hours?: {from, to}, days?: [1..7]}; returns the number of conditions. */
static size_t check_time(json_t *v, const char *prefix, json_t *errors)
{
	char p[192];
	size_t n = 0, i;
	json_t *d, *h = json_object_get(v, "hours"), *days = json_object_get(v, "days");
	snprintf(p, sizeof(p), "%.160s.time", prefix);
	if (!json_is_object(v) || (!h && !days) || json_object_size(v) != (size_t)(h != NULL) + (days != NULL)) {
		err(errors, prefix, "time", "must be an object with hours and/or days");
		return 0;
	}
	if (h) {
		json_t *from = json_object_get(h, "from"), *to = json_object_get(h, "to");
		if (!json_is_object(h) || json_object_size(h) != 2 || !json_is_integer(from) ||
		    !json_is_integer(to) || json_integer_value(from) < 0 || json_integer_value(from) > 23 ||
		    json_integer_value(to) < 0 || json_integer_value(to) > 24)
			err(errors, p, "hours", "must be {from, to}: from 0 to 23, to 0 to 24 "
			    "(from > to wraps past midnight)");
		n += 2;
	}
	if (days) {
		if (!json_is_array(days) || json_array_size(days) == 0 || json_array_size(days) > 7)
			err(errors, p, "days", "must be an array of 1 to 7 ISO weekdays (1 = Monday)");
		json_array_foreach(days, i, d)
			if (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 7)
				err(errors, p, "days", "item %zu must be a weekday from 1 to 7", i);
		n += json_array_size(days);
	}
	return n;
}

int dyn_check_conditions(json_t *cond, const char *prefix, json_t *errors)
{
	size_t before = json_array_size(errors), total = 0;
	const char *key;
	json_t *v;
	if (!json_is_object(cond)) {
		err(errors, prefix, "conditions", "must be an object");
		return 1;
	}
	char p[192];
	snprintf(p, sizeof(p), "%.150s.conditions", prefix);
	json_object_foreach(cond, key, v) {
		const struct cond_def *d = cond_of(key);
		if (!d)
			err(errors, p, key, "is not a condition (source, device, region, visit_count, "
			    "pages_seen, time)");
		else if (d->kind == K_LIST)
			total += check_list(v, d, p, errors);
		else if (d->kind == K_BOUNDS)
			total += check_bounds(v, key, 0, 1000000, p, errors);
		else
			total += check_time(v, p, errors);
	}
	if (total > DYN_MAX_CONDITIONS)
		err(errors, prefix, "conditions", "has %zu conditions, at most %d", total,
		    DYN_MAX_CONDITIONS);
	return (int)(json_array_size(errors) - before);
}

static int match_list(json_t *v, const struct cond_def *d, const char *s)
{
	size_t i, n;
	json_t *e;
	if (!s)
		return 0;
	json_array_foreach(v, i, e) {
		const char *t = json_string_value(e);
		n = strlen(t);
		if (strcasecmp(t, s) == 0 ||
		    (strcmp(d->key, "region") == 0 && strncasecmp(t, s, n) == 0 && s[n] == '-'))
			return 1;
	}
	return 0;
}

static int match_bounds(json_t *v, long x)
{
	json_t *lo = json_object_get(v, "min"), *hi = json_object_get(v, "max");
	return x >= 0 && (!lo || x >= json_integer_value(lo)) && (!hi || x <= json_integer_value(hi));
}

static int match_time(json_t *v, const dyn_ctx_t *c)
{
	json_t *h = json_object_get(v, "hours"), *days = json_object_get(v, "days"), *d;
	size_t i;
	int ok = !days;
	if (h) {
		json_int_t from = json_integer_value(json_object_get(h, "from"));
		json_int_t to = json_integer_value(json_object_get(h, "to"));
		int in = from <= to ? c->hour >= from && c->hour < to : c->hour >= from || c->hour < to;
		if (c->hour < 0 || !in)
			return 0;
	}
	json_array_foreach(days, i, d)
		ok |= json_integer_value(d) == c->wday;
	return ok;
}

int dyn_match(json_t *cond, const dyn_ctx_t *c)
{
	const char *key;
	json_t *v;
	json_object_foreach(cond, key, v) {
		const struct cond_def *d = cond_of(key);
		if (!d)
			return 0;
		const char *field = (const char *)c + d->ctx_off;
		int ok = d->kind == K_LIST ? match_list(v, d, *(const char *const *)(const void *)field)
			: d->kind == K_BOUNDS ? match_bounds(v, *(const long *)(const void *)field)
			: match_time(v, c);
		if (!ok)
			return 0;
	}
	return 1;
}

/* 64-bit FNV-1a over a string and its terminating NUL. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	do {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	} while (*s++);
	return h;
}

int dyn_pick(const long *weights, int n, const char *visitor, const char *rule)
{
	if (n <= 0)
		return -1;
	uint64_t total = 0;
	for (int i = 0; i < n; i++)
		total += (uint64_t)(weights[i] > 0 ? weights[i] : 0);
	if (total == 0)
		return 0;
	uint64_t x = fnv1a(fnv1a(14695981039346656037ull, visitor ? visitor : ""), rule) % total;
	for (int i = 0; i < n; i++) {
		uint64_t w = (uint64_t)(weights[i] > 0 ? weights[i] : 0);
		if (x < w)
			return i;
		x -= w;
	}
	return n - 1;
}

int dyn_choose(json_t *rules, const dyn_ctx_t *c)
{
	int best = -1;
	json_int_t best_prio = 0;
	size_t i;
	json_t *rule;
	json_array_foreach(rules, i, rule) {
		json_int_t prio = json_integer_value(json_object_get(rule, "priority"));
		if ((best < 0 || prio > best_prio) && dyn_match(json_object_get(rule, "conditions"), c)) {
			best = (int)i;
			best_prio = prio;
		}
	}
	return best;
}
