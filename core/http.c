/* http.c - reading FastCGI parameters and writing replies; see http.h. */
#include "http.h"

#include <fcgiapp.h>
#include <stdio.h>
#include <string.h>

#include "idempotency.h"
#include "json_in.h"

const char *req_actor(req_t *r)
{
	return arena_printf(r->arena, "%s:%lld", r->who.cred == CRED_APIKEY ? "key" : "user",
			    (long long)r->who.id);
}

const char *req_param(req_t *r, const char *name)
{
	return r->fcgx ? FCGX_GetParam(name, ((FCGX_Request *)r->fcgx)->envp) : NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes n bytes of s into the arena ('+' is a space). */
static char *decode(arena_t *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int h, l;
		if (s[i] == '%' && i + 2 < n + 1 && (h = hexval(s[i + 1])) >= 0 &&
		    (l = hexval(s[i + 2])) >= 0) {
			*o++ = (char)(h * 16 + l);
			i += 2;
		} else {
			*o++ = s[i] == '+' ? ' ' : s[i];
		}
	}
	*o = '\0';
	return out;
}

const char *req_query(req_t *r, const char *key)
{
	const char *q = r->query;
	size_t klen = strlen(key);
	while (q && *q) {
		const char *amp = strchr(q, '&');
		size_t len = amp ? (size_t)(amp - q) : strlen(q);
		if (len > klen && q[klen] == '=' && strncmp(q, key, klen) == 0) {
			char *v = decode(r->arena, q + klen + 1, len - klen - 1);
			return v && utf8_valid(v, strlen(v)) ? v : NULL;
		}
		if (len == klen && strncmp(q, key, klen) == 0)
			return "";
		q = amp ? amp + 1 : NULL;
	}
	return NULL;
}

const char *req_cookie(req_t *r, const char *name)
{
	const char *c = r->cookie;
	size_t nlen = strlen(name);
	while (c && *c) {
		while (*c == ' ')
			c++;
		const char *semi = strchr(c, ';');
		size_t len = semi ? (size_t)(semi - c) : strlen(c);
		if (len > nlen && c[nlen] == '=' && strncmp(c, name, nlen) == 0)
			return arena_strndup(r->arena, c + nlen + 1, len - nlen - 1);
		c = semi ? semi + 1 : NULL;
	}
	return NULL;
}

void reply_header(req_t *r, const char *name, const char *value)
{
	if (r->n_out_headers < MAX_OUT_HEADERS) {
		const char *h = arena_printf(r->arena, "%s: %s", name, value);
		if (h)
			r->out_headers[r->n_out_headers++] = h;
	}
}

const char *http_reason(int status)
{
	static const struct { int code; const char *text; } reasons[] = {
		{200, "OK"}, {201, "Created"}, {202, "Accepted"}, {204, "No Content"},
		{400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"},
		{404, "Not Found"}, {405, "Method Not Allowed"}, {409, "Conflict"},
		{412, "Precondition Failed"}, {413, "Content Too Large"},
		{415, "Unsupported Media Type"}, {422, "Unprocessable Content"},
		{428, "Precondition Required"},
		{429, "Too Many Requests"}, {500, "Internal Server Error"},
		{501, "Not Implemented"}, {503, "Service Unavailable"},
	};
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return "Unknown";
}

/* Writes the status line and headers; Content-Length unless len < 0. */
static void write_head(req_t *r, int status, const char *ctype, long long len)
{
	/* libfcgi's own printf lacks %zu and friends: format with libc */
	FCGX_Stream *out = ((FCGX_Request *)r->fcgx)->out;
	char head[2048];
	int n = snprintf(head, sizeof(head), "Status: %d %s\r\nX-Request-Id: %s\r\n", status,
			 http_reason(status), r->request_id);
	if (ctype)
		n += snprintf(head + n, sizeof(head) - (size_t)n, "Content-Type: %s\r\n", ctype);
	if (ctype && len >= 0)
		n += snprintf(head + n, sizeof(head) - (size_t)n, "Content-Length: %lld\r\n", len);
	FCGX_PutStr(head, n, out);
	for (int i = 0; i < r->n_out_headers; i++) {
		FCGX_PutS(r->out_headers[i], out);
		FCGX_PutS("\r\n", out);
	}
	FCGX_PutS("\r\n", out);
}

int reply_raw(req_t *r, int status, const char *ctype, const char *body, size_t len)
{
	if (r->replied)
		return 0;
	r->replied = 1;
	r->status = status;
	r->reply_bytes = len;
	if (!r->fcgx || idem_wanted(r) || r->cache_key) {
		r->reply_body = arena_strndup(r->arena, body ? body : "", len);
		r->reply_ctype = ctype;
	}
	if (!r->fcgx || r->hold_reply)
		return 0;
	write_head(r, status, ctype, (long long)len);
	if (len)
		FCGX_PutStr(body, (int)len, ((FCGX_Request *)r->fcgx)->out);
	return 0;
}

int reply_stream_start(req_t *r, int status, const char *ctype)
{
	if (r->replied)
		return -1;
	r->replied = 1;
	r->status = status;
	r->reply_bytes = 0;
	r->cache_key = NULL;
	if (r->fcgx)
		write_head(r, status, ctype, -1);
	return 0;
}

int reply_stream(req_t *r, const char *data, size_t len)
{
	r->reply_bytes += len;
	if (!r->fcgx || !len)
		return 0;
	return FCGX_PutStr(data, (int)len, ((FCGX_Request *)r->fcgx)->out) < 0 ? -1 : 0;
}

int reply_release(req_t *r)
{
	if (!r->hold_reply)
		return 0;
	r->hold_reply = 0;
	r->replied = 0;
	return reply_raw(r, r->status, r->reply_ctype, r->reply_body, r->reply_bytes);
}

int reply_json(req_t *r, int status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
	if (!s)
		return reply_problem(r, 500, "out of memory while writing the reply", NULL);
	arena_cleanup(r->arena, free, s);
	return reply_raw(r, status, "application/json; charset=utf-8", s, strlen(s));
}

int reply_problem(req_t *r, int status, const char *detail, json_t *errors)
{
	const char *title = http_reason(status);
	json_t *p = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", title,
			      "status", status, "detail", detail ? detail : title);
	if (p && errors)
		json_object_set_new(p, "errors", errors);
	else if (errors)
		json_decref(errors);
	if (p && r->path)
		json_object_set_new(p, "instance", json_string(r->path));
	char *s = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	if (!s) {
		static const char oom[] = "{\"title\":\"Internal Server Error\",\"status\":500}";
		return reply_raw(r, 500, "application/problem+json", oom, sizeof(oom) - 1);
	}
	arena_cleanup(r->arena, free, s);
	return reply_raw(r, status, "application/problem+json", s, strlen(s));
}

int reply_invalid(req_t *r, json_t *errors)
{
	size_t n = json_array_size(errors);
	char d[96];
	snprintf(d, sizeof(d), "%zu field%s failed validation", n, n == 1 ? "" : "s");
	return reply_problem(r, 422, d, errors);
}
