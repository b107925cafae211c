/* json_in.c - body checks and validation; see json_in.h. */
#include "json_in.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "mediatype.h"
#include "router.h"

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;
	while (s < end) {
		unsigned c = *s;
		size_t len;
		unsigned cp;
		if (c < 0x80) {
			s++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07;
		} else {
			return 0;
		}
		if ((size_t)(end - s) < len)
			return 0;
		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3F);
		}
		static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		s += len;
	}
	return 1;
}

size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int json_depth(const char *s, size_t n)
{
	int depth = 0, max = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return max;
}

/* Media types a JSON body may come in, by route: every route takes
 * application/json; routes open to site keys also take text/plain, which
 * navigator.sendBeacon and Plausible's tracker send to avoid a CORS
 * preflight; PATCH routes also take RFC 7396 merge patches. */
static const struct body_type {
	const char *method;     /* the route's method, NULL: any */
	unsigned accept;        /* an ACCEPT_* bit the route has, 0: any */
	const char *type;
} body_types[] = {
	{NULL, 0, "application/json"},
	{NULL, ACCEPT_SITEKEY, "text/plain"},
	{"PATCH", 0, "application/merge-patch+json"},
};

static int body_type_applies(const struct body_type *t, const route_t *rt)
{
	return (!t->method || (rt && strcmp(t->method, rt->method) == 0)) &&
	       (!t->accept || (rt && (rt->accept & t->accept)));
}

const char *json_body_types(const route_t *rt, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(body_types) / sizeof(body_types[0]); i++)
		if (body_type_applies(&body_types[i], rt) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      body_types[i].type);
	return buf;
}

/* 0 when r's Content-Type is one the route takes, else replies 415 naming
 * the accepted types and returns -1. */
static int check_content_type(req_t *r)
{
	char types[160], msg[256];
	const char *why = NULL;
	mediatype_t mt;
	json_body_types(r->route, types, sizeof(types));
	if (!r->content_type)
		why = "is missing";
	else if (mediatype_parse(r->content_type, &mt) < 0)
		why = "is not a media type";
	else if (mt.charset[0] && strcmp(mt.charset, "utf-8") != 0)
		why = "names a charset other than utf-8";
	for (size_t i = 0; !why && i < sizeof(body_types) / sizeof(body_types[0]); i++)
		if (body_type_applies(&body_types[i], r->route) && mediatype_is(&mt, body_types[i].type))
			return 0;
	snprintf(msg, sizeof(msg), "%s; send %s", why ? why : "is not accepted here", types);
	json_t *errors = json_array();
	verr(errors, "Content-Type", "%s", msg);
	reply_header(r, r->method && strcmp(r->method, "PATCH") == 0 ? "Accept-Patch" : "Accept-Post",
		     types);
	snprintf(msg, sizeof(msg), "Content-Type must be %s (UTF-8)", types);
	reply_problem(r, 415, msg, errors);
	return -1;
}

json_t *json_body(req_t *r)
{
	if (check_content_type(r) < 0)
		return NULL;
	if (r->body_len == 0) {
		reply_problem(r, 400, "the request body is empty; a JSON document is expected", NULL);
		return NULL;
	}
	if (!utf8_valid(r->body, r->body_len)) {
		reply_problem(r, 400, "the request body is not valid UTF-8", NULL);
		return NULL;
	}
	if (json_depth(r->body, r->body_len) > cfg.json_max_depth) {
		char d[96];
		snprintf(d, sizeof(d), "JSON nested deeper than %d levels", cfg.json_max_depth);
		reply_problem(r, 400, d, NULL);
		return NULL;
	}
	/* Bodies up to the usual limit parse into the arena (no malloc per
	 * node). The larger ones a route may allow (images, base64 in a string)
	 * parse with malloc: the lexer doubles a string's buffer as it reads it,
	 * which leaves ~5 times a long string's size in the arena. */
	json_error_t e;
	int capped = 0;
	json_t *j;
	if (r->body_len <= cfg.body_limit) {
		j = arena_json_loadb(r->arena, r->body, r->body_len, JSON_REJECT_DUPLICATES, &e,
				     &capped);
	} else if ((j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e)) &&
		   !(j = arena_json(r->arena, j))) {
		capped = 1;             /* no room left for its cleanup */
	}
	if (!j && capped) {
		reply_problem(r, 400, "the JSON document needs more memory than a request may use",
			      NULL);
		return NULL;
	}
	if (!j) {
		char d[256];
		snprintf(d, sizeof(d), "malformed JSON at line %d, column %d: %s", e.line,
			 e.column, e.text);
		reply_problem(r, 400, d, NULL);
		return NULL;
	}
	return j;
}

void verr(json_t *errors, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", msg));
}

static int is_date(const char *s)
{
	/* YYYY-MM-DD, optionally followed by T and a time */
	if (strlen(s) < 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	int mon = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
	return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && (s[10] == '\0' || s[10] == 'T');
}

static int is_url(const char *s)
{
	return (strncmp(s, "https://", 8) == 0 && s[8]) || (strncmp(s, "http://", 7) == 0 && s[7]);
}

static const char *type_name(enum vtype t)
{
	static const char *const names[] = {"a string", "an integer", "a number", "a boolean",
		"an object", "an array", "an absolute http(s) URL", "an ISO 8601 date",
		"an e-mail address", "a value"};
	return names[t];
}

static int type_ok(json_t *v, enum vtype t)
{
	switch (t) {
	case V_INT: return json_is_integer(v);
	case V_NUMBER: return json_is_number(v);
	case V_BOOL: return json_is_boolean(v);
	case V_OBJECT: return json_is_object(v);
	case V_ARRAY: return json_is_array(v);
	case V_URL: return json_is_string(v) && is_url(json_string_value(v));
	case V_DATE: return json_is_string(v) && is_date(json_string_value(v));
	case V_EMAIL: {
		const char *s = json_is_string(v) ? json_string_value(v) : NULL;
		const char *at = s ? strchr(s, '@') : NULL;
		return at && at != s && strchr(at, '.') && !strchr(s, ' ');
	}
	case V_STRING: return json_is_string(v);
	case V_ANY: return 1;
	}
	return 0;
}

/* The name of a field in error messages: "[3].value" or "email". */
static const char *field_name(char *buf, size_t n, const char *prefix, const char *field)
{
	snprintf(buf, n, "%s%s%s", prefix, *prefix ? "." : "", field);
	return buf;
}

/* Range check: string length, number value or array size. */
static void check_range(json_t *v, const vrule_t *rl, const char *prefix, json_t *errors)
{
	if (rl->min == 0 && rl->max == 0)
		return;
	double x;
	const char *what;
	char f[160];
	if (json_is_string(v))
		x = (double)utf8_len(json_string_value(v)), what = "length";
	else if (json_is_array(v))
		x = (double)json_array_size(v), what = "number of items";
	else if (json_is_number(v))
		x = json_number_value(v), what = "value";
	else
		return;
	if (isnan(x) || x < rl->min || x > rl->max)
		verr(errors, field_name(f, sizeof(f), prefix, rl->field),
		     "%s must be between %g and %g", what, rl->min, rl->max);
}

int validate(json_t *obj, const vrule_t *rules, size_t n, const char *prefix, json_t *errors)
{
	size_t before = json_array_size(errors);
	char f[160];    /* formatted only when a field is in error: the hot path of ingest */
	for (size_t i = 0; i < n; i++) {
		const vrule_t *rl = &rules[i];
		json_t *v = json_is_object(obj) ? json_object_get(obj, rl->field) : NULL;
		if (!v || json_is_null(v)) {
			if (rl->required)
				verr(errors, field_name(f, sizeof(f), prefix, rl->field), "is required");
			continue;
		}
		if (!type_ok(v, rl->type)) {
			verr(errors, field_name(f, sizeof(f), prefix, rl->field), "must be %s",
			     type_name(rl->type));
			continue;
		}
		check_range(v, rl, prefix, errors);
		if (rl->oneof && json_is_string(v)) {
			int ok = 0;
			for (const char *const *o = rl->oneof; *o && !ok; o++)
				ok = strcmp(*o, json_string_value(v)) == 0;
			if (!ok)
				verr(errors, field_name(f, sizeof(f), prefix, rl->field),
				     "is not one of the allowed values");
		}
	}
	return (int)(json_array_size(errors) - before);
}
