/* template.c - the template engine of the content drafts (template.h).
 *
 * One recursive pass over the source: block() copies text and renders tags
 * until it meets {% else %}, {% endif %}, {% endfor %} or the end, and tells
 * its caller which; a branch not taken is still parsed (emit = 0), so a
 * syntax error anywhere is found whatever the data. A loop renders its body
 * once per item by going back to the body's start. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

enum end { END_EOF, END_ELSE, END_ENDIF, END_ENDFOR, END_ERR };

typedef struct scope {
	const char *name;
	json_t *val;
	const struct scope *up;
} scope_t;

typedef struct st {
	const char *s;
	size_t n;
	json_t *ctx;
	tpl_result_t *r;
	char *out;
	size_t len, cap;
	int depth;
	int failed;
} st_t;

static const char *const month_de[12] = {"Januar", "Februar", "März", "April", "Mai", "Juni",
	"Juli", "August", "September", "Oktober", "November", "Dezember"};

static unsigned line_of(const st_t *t, size_t pos)
{
	unsigned line = 1;
	for (size_t i = 0; i < pos && i < t->n; i++)
		line += t->s[i] == '\n';
	return line;
}

static enum end fail(st_t *t, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum end fail(st_t *t, size_t pos, const char *fmt, ...)
{
	if (!t->failed) {
		char msg[160];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		snprintf(t->r->error, sizeof t->r->error, "line %u: %s", line_of(t, pos), msg);
	}
	t->failed = 1;
	return END_ERR;
}

static int put(st_t *t, const char *p, size_t n)
{
	if (t->len + n + 1 > TPL_OUT_MAX)
		return -1;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 1024;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *o = realloc(t->out, cap);
		if (!o)
			return -1;
		t->out = o;
		t->cap = cap;
	}
	memcpy(t->out + t->len, p, n);
	t->len += n;
	t->out[t->len] = '\0';
	return 0;
}

static int put_escaped(st_t *t, const char *s)
{
	static const struct { char c; const char *e; } esc[] = {
		{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"}};
	for (; *s; s++) {
		const char *e = NULL;
		for (size_t i = 0; i < sizeof esc / sizeof esc[0]; i++)
			if (*s == esc[i].c)
				e = esc[i].e;
		if (e ? put(t, e, strlen(e)) : put(t, s, 1))
			return -1;
	}
	return 0;
}

/* ---- values ----------------------------------------------------------------------- */

static int valid_path(const char *p)
{
	if (!*p || strlen(p) >= TPL_NAME_MAX || !(isalpha((unsigned char)*p) || *p == '_'))
		return 0;
	for (; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || (*p == '.' && p[1] && p[1] != '.')))
			return 0;
	return 1;
}

/* "_ref": "table:id" or an array of them (a figure over several rows). */
static void note_ref(st_t *t, json_t *v)
{
	json_t *ref = json_is_object(v) ? json_object_get(v, "_ref") : NULL, *one;
	size_t i;
	if (json_is_string(ref))
		json_array_append_new(t->r->uses, json_pack("[I,O]", (json_int_t)t->len, ref));
	json_array_foreach(json_is_array(ref) ? ref : NULL, i, one)
		if (json_is_string(one))
			json_array_append_new(t->r->uses, json_pack("[I,O]", (json_int_t)t->len, one));
}

/* The value at a dotted path (loop variables first), NULL when absent or
 * null; records the refs passed through when `trace`. */
static json_t *lookup(st_t *t, const scope_t *sc, const char *path, int trace)
{
	char name[TPL_NAME_MAX];
	snprintf(name, sizeof name, "%s", path);
	char *save = NULL, *part = strtok_r(name, ".", &save);
	json_t *v = NULL;
	for (; sc && !v; sc = sc->up)
		if (strcmp(sc->name, part) == 0)
			v = sc->val;
	if (!v)
		v = json_object_get(t->ctx, part);
	while (v && (part = strtok_r(NULL, ".", &save))) {
		if (trace)
			note_ref(t, v);
		if (json_is_array(v) && isdigit((unsigned char)*part))
			v = json_array_get(v, strtoul(part, NULL, 10));
		else
			v = json_object_get(v, part);
	}
	if (v && trace)
		note_ref(t, v);
	return json_is_null(v) ? NULL : v;
}

static int truthy(json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0;
	case JSON_TRUE: return 1;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_OBJECT: return json_object_size(v) > 0;
	default: return 0;
	}
}

int tpl_format_zahl(double x, int decimals, char *out, size_t outlen)
{
	char raw[64];
	if (!isfinite(x) || fabs(x) >= 1e15 || decimals > 6)
		return -1;
	double scale = pow(10, decimals < 0 ? 2 : decimals);
	/* half away from zero, as a German reader rounds (printf rounds half to even) */
	snprintf(raw, sizeof raw, "%.*f", decimals < 0 ? 2 : decimals, round(fabs(x) * scale) / scale);
	char *dot = strchr(raw, '.');
	size_t ilen = dot ? (size_t)(dot - raw) : strlen(raw), o = 0;
	if (dot && decimals < 0) {
		char *e = raw + strlen(raw) - 1;
		while (e > dot && *e == '0')
			*e-- = '\0';
		if (e == dot)
			*e = '\0', dot = NULL;
	}
	char buf[96];
	if (x < 0 && strspn(raw, "0.") != strlen(raw))
		buf[o++] = '-';
	for (size_t i = 0; i < ilen; i++) {
		if (i && (ilen - i) % 3 == 0)
			buf[o++] = '.';
		buf[o++] = raw[i];
	}
	if (dot) {
		buf[o++] = ',';
		for (const char *d = dot + 1; *d; d++)
			buf[o++] = *d;
	}
	buf[o] = '\0';
	return (size_t)snprintf(out, outlen, "%s", buf) < outlen ? 0 : -1;
}

int tpl_format_datum(const char *iso, int kurz, char *out, size_t outlen)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!iso || strlen(iso) < 10 || iso[4] != '-' || iso[7] != '-' ||
	    (iso[10] && iso[10] != 'T' && iso[10] != ' '))
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)iso[i]))
			return -1;
	int y = (int)strtol(iso, NULL, 10), m = (int)strtol(iso + 5, NULL, 10);
	int d = (int)strtol(iso + 8, NULL, 10);
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return -1;
	int w = kurz ? snprintf(out, outlen, "%02d.%02d.%04d", d, m, y)
		     : snprintf(out, outlen, "%d. %s %d", d, month_de[m - 1], y);
	return w > 0 && (size_t)w < outlen ? 0 : -1;
}

static int number_of(json_t *v, double *x)
{
	char *end;
	if (json_is_number(v)) {
		*x = json_number_value(v);
		return 0;
	}
	if (!json_is_string(v) || !*json_string_value(v))
		return -1;
	*x = strtod(json_string_value(v), &end);
	return *end ? -1 : 0;
}

/* ---- filters: a value and an argument (or NULL) to text ---------------------------- */

static int f_zahl(json_t *v, const char *arg, char *out, size_t outlen)
{
	double x;
	int dec = arg ? (int)strtol(arg, NULL, 10) : (json_is_integer(v) ? 0 : -1);
	return number_of(v, &x) ? -1 : tpl_format_zahl(x, dec, out, outlen);
}

static int f_prozent(json_t *v, const char *arg, char *out, size_t outlen)
{
	char num[64];
	if (f_zahl(v, arg, num, sizeof num))
		return -1;
	return (size_t)snprintf(out, outlen, "%s %%", num) < outlen ? 0 : -1;
}

static int f_datum(json_t *v, const char *arg, char *out, size_t outlen)
{
	(void)arg;
	return tpl_format_datum(json_string_value(v), 0, out, outlen);
}

static int f_datum_kurz(json_t *v, const char *arg, char *out, size_t outlen)
{
	(void)arg;
	return tpl_format_datum(json_string_value(v), 1, out, outlen);
}

static const struct filter {
	const char *name;
	int (*fn)(json_t *v, const char *arg, char *out, size_t outlen);
	const char *needs;              /* for the error message */
} filters[] = {
	{"zahl", f_zahl, "a number"},
	{"prozent", f_prozent, "a number"},
	{"datum", f_datum, "an ISO date (2025-04-02)"},
	{"datum_kurz", f_datum_kurz, "an ISO date (2025-04-02)"},
};

static const struct filter *filter_find(const char *name)
{
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
		if (strcmp(filters[i].name, name) == 0)
			return &filters[i];
	return NULL;
}

/* ---- tags ------------------------------------------------------------------------- */

/* Copies s[a..b) trimmed into out; 0, or -1 when it does not fit. */
static int trimmed(const char *s, size_t a, size_t b, char *out, size_t outlen)
{
	while (a < b && isspace((unsigned char)s[a]))
		a++;
	while (b > a && isspace((unsigned char)s[b - 1]))
		b--;
	if (b - a >= outlen)
		return -1;
	memcpy(out, s + a, b - a);
	out[b - a] = '\0';
	return 0;
}

static int value_text(st_t *t, json_t *v, char *buf, size_t buflen, const char **text)
{
	switch (json_typeof(v)) {
	case JSON_STRING: *text = json_string_value(v); return 0;
	case JSON_INTEGER: snprintf(buf, buflen, "%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: snprintf(buf, buflen, "%.15g", json_real_value(v)); break;
	case JSON_TRUE: snprintf(buf, buflen, "ja"); break;
	case JSON_FALSE: snprintf(buf, buflen, "nein"); break;
	default: return -1;
	}
	(void)t;
	*text = buf;
	return 0;
}

static int note_missing(st_t *t, const char *path)
{
	size_t i;
	json_t *m;
	json_array_foreach(t->r->missing, i, m)
		if (strcmp(json_string_value(m), path) == 0)
			return 0;
	return json_array_append_new(t->r->missing, json_string(path));
}

/* {{ path | filter:arg | … }} */
static enum end output(st_t *t, size_t at, char *expr, const scope_t *sc, int emit)
{
	char *save = NULL, *part = strtok_r(expr, "|", &save), path[TPL_NAME_MAX];
	char buf[128];
	if (trimmed(part, 0, strlen(part), path, sizeof path) || !valid_path(path))
		return fail(t, at, "'%.40s' is not a variable name (letters, digits, _ and .)", part);
	json_t *v = emit ? lookup(t, sc, path, 1) : NULL;
	const char *text = NULL;
	if (emit && v && value_text(t, v, buf, sizeof buf, &text))
		return fail(t, at, "{{ %s }} is a list or an object, not a value", path);
	while ((part = strtok_r(NULL, "|", &save))) {
		char name[32], *arg = strchr(part, ':');
		if (arg)
			*arg++ = '\0';
		if (trimmed(part, 0, strlen(part), name, sizeof name))
			snprintf(name, sizeof name, "%.30s", part);
		const struct filter *f = filter_find(name);
		if (!f)
			return fail(t, at, "unknown filter '%s' (zahl, prozent, datum, datum_kurz)", name);
		if (emit && v && f->fn(v, arg, buf, sizeof buf))
			return fail(t, at, "%s of %s needs %s", name, path, f->needs);
		text = buf;
	}
	if (!emit)
		return END_EOF;
	if (!v) {
		if (note_missing(t, path) || put(t, "[fehlt: ", 8) || put(t, path, strlen(path)) ||
		    put(t, "]", 1))
			return fail(t, at, "output over %d bytes or out of memory", TPL_OUT_MAX);
		return END_EOF;
	}
	return put_escaped(t, text) ? fail(t, at, "output over %d bytes or out of memory",
					   TPL_OUT_MAX) : END_EOF;
}

static enum end block(st_t *t, size_t *pos, const scope_t *sc, int emit);

static enum end tag_if(st_t *t, size_t at, size_t *pos, const char *cond, const scope_t *sc,
		       int emit)
{
	int neg = strncmp(cond, "not ", 4) == 0;
	char path[TPL_NAME_MAX];
	if (trimmed(cond, neg ? 4 : 0, strlen(cond), path, sizeof path) || !valid_path(path))
		return fail(t, at, "{%% if %s %%} needs a variable name", cond);
	size_t from = json_array_size(t->r->uses), len = t->len;
	int yes = emit && truthy(lookup(t, sc, path, emit)) != neg;
	size_t to = json_array_size(t->r->uses);
	enum end e = block(t, pos, sc, emit && yes);
	if (e == END_ELSE)
		e = block(t, pos, sc, emit && !yes);
	if (e == END_ERR)
		return e;
	while (t->len == len && to-- > from)    /* a condition that led to no text cites nothing */
		json_array_remove(t->r->uses, from);
	return e == END_ENDIF ? END_EOF : fail(t, at, "{%% if %s %%} is not closed by {%% endif %%}",
					       cond);
}

static enum end tag_for(st_t *t, size_t at, size_t *pos, const char *spec, const scope_t *sc,
			int emit)
{
	char var[TPL_NAME_MAX], list[TPL_NAME_MAX];
	const char *in = strstr(spec, " in ");
	if (!in || trimmed(spec, 0, (size_t)(in - spec), var, sizeof var) ||
	    trimmed(in, 4, strlen(in), list, sizeof list) || !valid_path(var) ||
	    strchr(var, '.') || !valid_path(list) || strcmp(var, "loop") == 0)
		return fail(t, at, "write {%% for item in list %%}");
	json_t *items = emit ? lookup(t, sc, list, 1) : NULL;
	size_t body = *pos, n = json_is_array(items) ? json_array_size(items) : 0;
	if (items && !json_is_array(items))
		return fail(t, at, "{%% for %s in %s %%}: %s is not a list", var, list, list);
	if (n > TPL_LOOP_MAX)
		return fail(t, at, "%s has over %d items", list, TPL_LOOP_MAX);
	enum end e = n ? END_ENDFOR : block(t, pos, sc, 0);
	for (size_t i = 0; i < n && e == END_ENDFOR; i++) {
		json_t *loop = json_pack("{s:I, s:b, s:b}", "index", (json_int_t)i + 1,
					 "first", i == 0, "last", i + 1 == n);
		scope_t item = {var, json_array_get(items, i), sc}, lp = {"loop", loop, &item};
		*pos = body;
		e = loop ? block(t, pos, &lp, 1) : fail(t, at, "out of memory");
		json_decref(loop);
	}
	if (e == END_ERR)
		return e;
	return e == END_ENDFOR ? END_EOF : fail(t, at, "{%% for %s %%} is not closed by {%% endfor %%}",
						spec);
}

/* {% … %}: a block tag opens or closes. */
static enum end statement(st_t *t, size_t at, size_t *pos, char *stmt, const scope_t *sc,
			  int emit)
{
	static const struct { const char *word; enum end e; } closers[] = {
		{"else", END_ELSE}, {"endif", END_ENDIF}, {"endfor", END_ENDFOR}};
	for (size_t i = 0; i < sizeof closers / sizeof closers[0]; i++)
		if (strcmp(stmt, closers[i].word) == 0)
			return closers[i].e;
	int is_if = strncmp(stmt, "if ", 3) == 0, is_for = strncmp(stmt, "for ", 4) == 0;
	if (!is_if && !is_for)
		return fail(t, at, "unknown tag {%% %.30s %%} (if, else, endif, for, endfor)", stmt);
	if (++t->depth > TPL_DEPTH_MAX)
		return fail(t, at, "if/for nested deeper than %d", TPL_DEPTH_MAX);
	enum end e = is_if ? tag_if(t, at, pos, stmt + 3, sc, emit)
			   : tag_for(t, at, pos, stmt + 4, sc, emit);
	t->depth--;
	return e;
}

static enum end block(st_t *t, size_t *pos, const scope_t *sc, int emit)
{
	while (*pos < t->n && !t->failed) {
		const char *o = strstr(t->s + *pos, "{"), *open = NULL;
		while (o && !open)
			open = (o[1] == '{' || o[1] == '%') ? o : (o = strchr(o + 1, '{'), NULL);
		size_t at = open ? (size_t)(open - t->s) : t->n;
		if (emit && put(t, t->s + *pos, at - *pos))
			return fail(t, at, "output over %d bytes or out of memory", TPL_OUT_MAX);
		*pos = at;
		if (!open)
			break;
		int var = open[1] == '{';
		const char *close = strstr(open + 2, var ? "}}" : "%}");
		char inner[512];
		if (!close)
			return fail(t, at, "%s is not closed by %s", var ? "{{" : "{%", var ? "}}" : "%}");
		if (trimmed(t->s, at + 2, (size_t)(close - t->s), inner, sizeof inner))
			return fail(t, at, "tag longer than %zu bytes", sizeof inner - 1);
		*pos = (size_t)(close - t->s) + 2;
		enum end e = var ? output(t, at, inner, sc, emit) : statement(t, at, pos, inner, sc, emit);
		if (e != END_EOF)
			return e;
	}
	return t->failed ? END_ERR : END_EOF;
}

static int run(const char *src, size_t n, json_t *ctx, tpl_result_t *r, int emit)
{
	memset(r, 0, sizeof *r);
	r->missing = json_array();
	r->uses = json_array();
	st_t t = {src, n, ctx, r, NULL, 0, 0, 0, 0};
	if (!r->missing || !r->uses) {
		snprintf(r->error, sizeof r->error, "out of memory");
		return -1;
	}
	if (n > TPL_SRC_MAX || memchr(src, '\0', n) || src[n] != '\0') {
		snprintf(r->error, sizeof r->error, "template over %d bytes or with a NUL byte",
			 TPL_SRC_MAX);
		return -1;
	}
	size_t pos = 0;
	enum end e = block(&t, &pos, NULL, emit);
	static const char *const stray[] = {"", "{% else %}", "{% endif %}", "{% endfor %}"};
	if (e != END_EOF && e != END_ERR)
		fail(&t, pos, "%s without its opening tag", stray[e]);
	if (t.failed || (emit && put(&t, "", 0))) {
		free(t.out);
		if (!r->error[0])
			snprintf(r->error, sizeof r->error, "out of memory");
		return -1;
	}
	r->text = t.out;
	r->len = t.len;
	return 0;
}

int tpl_render(const char *src, size_t n, json_t *ctx, tpl_result_t *r)
{
	return run(src, n, ctx, r, 1);
}

int tpl_check(const char *src, size_t n, char *err, size_t errlen)
{
	tpl_result_t r;
	int rc = run(src, n, NULL, &r, 0);
	if (rc)
		snprintf(err, errlen, "%s", r.error);
	tpl_result_free(&r);
	return rc;
}

void tpl_result_free(tpl_result_t *r)
{
	free(r->text);
	json_decref(r->missing);
	json_decref(r->uses);
	r->text = NULL;
	r->missing = r->uses = NULL;
}

json_t *tpl_paragraphs_new(const tpl_result_t *r)
{
	json_t *out = json_array();
	size_t u = 0, nu = json_array_size(r->uses), off = 0;
	while (out && r->text && off < r->len) {
		const char *nl = memchr(r->text + off, '\n', r->len - off);
		size_t end = nl ? (size_t)(nl - r->text) : r->len, a = off, b = end;
		while (a < b && isspace((unsigned char)r->text[a]))
			a++;
		off = end + 1;
		if (a == b && off < r->len)
			continue;
		json_t *facts = json_array(), *seen = json_object();
		for (; u < nu; u++) {
			json_t *use = json_array_get(r->uses, u);
			if ((size_t)json_integer_value(json_array_get(use, 0)) >= end && off < r->len)
				break;
			const char *ref = json_string_value(json_array_get(use, 1));
			if (facts && seen && !json_object_get(seen, ref)) {
				json_object_set_new(seen, ref, json_true());
				json_array_append_new(facts, json_string(ref));
			}
		}
		json_decref(seen);
		if (a == b) {           /* trailing blank: its refs go to the last paragraph */
			json_t *last = json_array_get(out, json_array_size(out) - 1);
			if (last)
				json_array_extend(json_object_get(last, "facts"), facts);
			json_decref(facts);
			continue;
		}
		json_array_append_new(out, json_pack("{s:s%, s:o*}", "text", r->text + a, b - a,
						     "facts", facts));
	}
	return out;
}

int tpl_slug(const char *s, char *out, size_t outlen)
{
	static const struct { const char *utf8, *ascii; } map[] = {
		{"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"Ä", "ae"}, {"Ö", "oe"}, {"Ü", "ue"},
		{"ß", "ss"}};
	size_t o = 0;
	int dash = 0;
	while (*s && o + 3 < outlen) {
		const char *rep = NULL;
		size_t k, skip = 1;
		for (k = 0; k < sizeof map / sizeof map[0] && !rep; k++)
			if (strncmp(s, map[k].utf8, strlen(map[k].utf8)) == 0)
				rep = map[k].ascii, skip = strlen(map[k].utf8);
		if (rep || isalnum((unsigned char)*s)) {
			if (dash && o)
				out[o++] = '-';
			dash = 0;
			for (const char *c = rep ? rep : s; c < (rep ? rep + 2 : s + 1); c++)
				out[o++] = (char)tolower((unsigned char)*c);
		} else {
			dash = 1;
			while ((unsigned char)s[skip] >= 0x80 && (unsigned char)s[skip] < 0xC0)
				skip++;       /* a UTF-8 letter we cannot spell: one separator */
		}
		s += skip;
	}
	out[o] = '\0';
	return o ? 0 : -1;
}
