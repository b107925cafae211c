/* html.c - forgiving single-pass HTML extraction for SEO audits; see html.h.
 *
 * The scanner alternates between text runs and tags. Text goes through the
 * entity decoder into "sinks" (visible text, the open heading, the open link)
 * that collapse whitespace. A table says which elements break blocks, which
 * hold raw text (script, style, title …) and which end an open heading. */
#include "html.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- growable buffer with a cap and a sticky error ------------------------ */

struct sbuf {
	char *p;
	size_t len, cap, max; /* bytes past max are dropped silently */
	int err;              /* out of memory */
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->err || n == 0)
		return;
	if (b->len + n > b->max) {
		n = b->len < b->max ? b->max - b->len : 0;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* cut on a code point */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->err = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* ---- character references ------------------------------------------------- */

static const struct { const char *name; uint32_t cp; } entities[] = {
	{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
	{"nbsp", 0xA0}, {"auml", 0xE4}, {"ouml", 0xF6}, {"uuml", 0xFC}, {"Auml", 0xC4},
	{"Ouml", 0xD6}, {"Uuml", 0xDC}, {"szlig", 0xDF}, {"euro", 0x20AC}, {"copy", 0xA9},
	{"reg", 0xAE}, {"trade", 0x2122}, {"hellip", 0x2026}, {"ndash", 0x2013},
	{"mdash", 0x2014}, {"laquo", 0xAB}, {"raquo", 0xBB}, {"bdquo", 0x201E},
	{"ldquo", 0x201C}, {"rdquo", 0x201D}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
	{"sbquo", 0x201A}, {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"shy", 0xAD},
	{"deg", 0xB0}, {"sect", 0xA7}, {"para", 0xB6}, {"middot", 0xB7}, {"bull", 0x2022},
	{"times", 0xD7}, {"divide", 0xF7}, {"plusmn", 0xB1}, {"frac12", 0xBD},
	{"frac14", 0xBC}, {"frac34", 0xBE}, {"sup2", 0xB2}, {"sup3", 0xB3}, {"micro", 0xB5},
	{"cent", 0xA2}, {"pound", 0xA3}, {"yen", 0xA5}, {"iexcl", 0xA1}, {"iquest", 0xBF},
	{"eacute", 0xE9}, {"egrave", 0xE8}, {"ecirc", 0xEA}, {"euml", 0xEB},
	{"Eacute", 0xC9}, {"Egrave", 0xC8}, {"agrave", 0xE0}, {"aacute", 0xE1},
	{"acirc", 0xE2}, {"Agrave", 0xC0}, {"Aacute", 0xC1}, {"ccedil", 0xE7},
	{"Ccedil", 0xC7}, {"ntilde", 0xF1}, {"Ntilde", 0xD1}, {"oacute", 0xF3},
	{"ograve", 0xF2}, {"ocirc", 0xF4}, {"oslash", 0xF8}, {"Oslash", 0xD8},
	{"uacute", 0xFA}, {"ugrave", 0xF9}, {"ucirc", 0xFB}, {"iacute", 0xED},
	{"icirc", 0xEE}, {"iuml", 0xEF}, {"aring", 0xE5}, {"Aring", 0xC5}, {"aelig", 0xE6},
	{"AElig", 0xC6}, {"oelig", 0x153}, {"OElig", 0x152}, {"scaron", 0x161},
	{"Scaron", 0x160}, {"thinsp", 0x2009}, {"ensp", 0x2002}, {"emsp", 0x2003},
	{"zwnj", 0x200C}, {"zwj", 0x200D}, {"lrm", 0x200E}, {"rlm", 0x200F},
	{"larr", 0x2190}, {"rarr", 0x2192}, {"uarr", 0x2191}, {"darr", 0x2193},
	{"minus", 0x2212}, {"le", 0x2264}, {"ge", 0x2265}, {"check", 0x2713},
};

/* Numeric references 0x80..0x9F mean Windows-1252 (HTML's rule). */
static const uint16_t cp1252[32] = {
	0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030,
	0x160, 0x2039, 0x152, 0x8D, 0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D,
	0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178,
};

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

static size_t numeric_ref(const char *s, size_t n, uint32_t *cp)
{
	size_t i = 2, start;
	int hex = i < n && (s[i] | 32) == 'x';
	uint32_t v = 0;
	i += hex;
	start = i;
	for (; i < n && i - start < 8; i++) {
		int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
		        : hex && (s[i] | 32) >= 'a' && (s[i] | 32) <= 'f' ? (s[i] | 32) - 'a' + 10 : -1;
		if (d < 0)
			break;
		v = v * (hex ? 16 : 10) + (uint32_t)d;
	}
	if (i == start)
		return 0;
	if (v >= 0x80 && v <= 0x9F)
		v = cp1252[v - 0x80];
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		v = 0xFFFD;
	*cp = v;
	return i < n && s[i] == ';' ? i + 1 : i;
}

/* Decodes the reference at s[0] == '&'; returns bytes consumed, 0 if none. */
static size_t char_ref(const char *s, size_t n, uint32_t *cp)
{
	size_t len = 1;
	if (n > 2 && s[1] == '#')
		return numeric_ref(s, n, cp);
	while (len < n && len < 12 && is_alnum(s[len]))
		len++;
	for (size_t k = 0; k < COUNT(entities); k++) {
		size_t m = strlen(entities[k].name);
		if (m != len - 1 || memcmp(s + 1, entities[k].name, m) != 0)
			continue;
		if (len < n && s[len] == ';')
			len++;
		else if (len < n && s[len] == '=')
			return 0; /* "?a=1&copy=2" in an attribute */
		*cp = entities[k].cp;
		return len;
	}
	return 0;
}

/* Appends s[0..n) to b with invalid UTF-8 replaced, references decoded when
 * `refs`. */
static void decode_into(struct sbuf *b, const char *s, size_t n, int refs)
{
	size_t i = 0;
	while (i < n) {
		char tmp[4];
		uint32_t cp;
		size_t p = i, m;
		if (refs && s[i] == '&' && (m = char_ref(s + i, n - i, &cp)) > 0) {
			sb_put(b, tmp, text_utf8_put(cp, tmp));
			i += m;
			continue;
		}
		cp = text_utf8_next(s, n, &p);
		if (cp == 0xFFFD && p == i + 1)
			sb_put(b, "\xEF\xBF\xBD", 3);
		else
			sb_put(b, s + i, p - i);
		i = p;
	}
}

char *html_decode(const char *s, size_t n)
{
	struct sbuf b = {NULL, 0, 0, (size_t)-1 / 2, 0};
	decode_into(&b, s, n, 1);
	if (!b.err && !b.p)
		b.p = calloc(1, 1);
	if (b.err) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* ---- whitespace-collapsing sinks ------------------------------------------- */

struct sink {
	struct sbuf b;
	int space, brk; /* pending separator */
};

static size_t ws_len(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
		return 2;
	return 0;
}

/* Appends decoded text, turning whitespace runs into one separator. */
static void sink_put(struct sink *k, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t w = ws_len(s + i, n - i), j = i;
		if (w) {
			k->space = 1;
			i += w;
			continue;
		}
		while (j < n && !ws_len(s + j, n - j))
			j++;
		if (k->b.len && (k->brk || k->space))
			sb_put(&k->b, k->brk ? "\n" : " ", 1);
		k->brk = k->space = 0;
		sb_put(&k->b, s + i, j - i);
		i = j;
	}
}

static void sink_reset(struct sink *k)
{
	k->b.len = 0;
	if (k->b.p)
		k->b.p[0] = '\0';
	k->space = k->brk = 0;
}

/* ---- tags ---------------------------------------------------------------------- */

enum {
	T_BLOCK = 1,    /* starts and ends a line of visible text */
	T_RAW = 2,      /* content up to </name> is not markup and not visible */
	T_END_HEAD = 4, /* its start closes an unclosed heading */
};

static const struct { const char *name; unsigned flags; } tag_table[] = {
	{"address", T_BLOCK}, {"article", T_BLOCK | T_END_HEAD}, {"aside", T_BLOCK | T_END_HEAD},
	{"blockquote", T_BLOCK}, {"br", T_BLOCK}, {"caption", T_BLOCK}, {"dd", T_BLOCK},
	{"details", T_BLOCK}, {"dialog", T_BLOCK}, {"div", T_BLOCK}, {"dl", T_BLOCK},
	{"dt", T_BLOCK}, {"fieldset", T_BLOCK}, {"figcaption", T_BLOCK}, {"figure", T_BLOCK},
	{"footer", T_BLOCK | T_END_HEAD}, {"form", T_BLOCK | T_END_HEAD},
	{"h1", T_BLOCK | T_END_HEAD}, {"h2", T_BLOCK | T_END_HEAD}, {"h3", T_BLOCK | T_END_HEAD},
	{"h4", T_BLOCK | T_END_HEAD}, {"h5", T_BLOCK | T_END_HEAD}, {"h6", T_BLOCK | T_END_HEAD},
	{"header", T_BLOCK | T_END_HEAD}, {"hr", T_BLOCK | T_END_HEAD}, {"legend", T_BLOCK},
	{"li", T_BLOCK | T_END_HEAD}, {"main", T_BLOCK | T_END_HEAD}, {"nav", T_BLOCK | T_END_HEAD},
	{"ol", T_BLOCK | T_END_HEAD}, {"option", T_BLOCK}, {"p", T_BLOCK | T_END_HEAD},
	{"pre", T_BLOCK}, {"section", T_BLOCK | T_END_HEAD}, {"summary", T_BLOCK},
	{"table", T_BLOCK | T_END_HEAD}, {"td", T_BLOCK}, {"th", T_BLOCK}, {"tr", T_BLOCK},
	{"ul", T_BLOCK | T_END_HEAD},
	{"iframe", T_RAW}, {"noscript", T_RAW}, {"script", T_RAW}, {"style", T_RAW},
	{"svg", T_RAW}, {"template", T_RAW}, {"textarea", T_RAW}, {"title", T_RAW},
};

#define TAG_NAME_MAX 16
#define TAG_ATTR_MAX 32

struct attr {
	const char *name, *val;
	size_t nlen, vlen;
};

struct tag {
	char name[TAG_NAME_MAX]; /* lowercase; "" when too long */
	int end;                 /* </name> */
	struct attr a[TAG_ATTR_MAX];
	size_t na;
};

static unsigned tag_flags(const char *name)
{
	for (size_t i = 0; i < COUNT(tag_table); i++)
		if (strcmp(tag_table[i].name, name) == 0)
			return tag_table[i].flags;
	return 0;
}

static int is_alpha(char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static int ieq(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((a[i] | 32) != b[i] && a[i] != b[i])
			return 0;
	return 1;
}

/* Reads attributes from s[i..] up to '>'; returns the index after it. */
static size_t parse_attrs(const char *s, size_t n, size_t i, struct tag *t)
{
	while (i < n && s[i] != '>') {
		struct attr a = {NULL, NULL, 0, 0};
		if (is_space(s[i]) || s[i] == '/') {
			i++;
			continue;
		}
		a.name = s + i;
		while (i < n && !is_space(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/')
			i++;
		a.nlen = (size_t)(s + i - a.name);
		if (a.nlen == 0)
			a.nlen = 1, i++; /* a lone '=' */
		while (i < n && is_space(s[i]))
			i++;
		if (i < n && s[i] == '=') {
			for (i++; i < n && is_space(s[i]); i++)
				;
			if (i < n && (s[i] == '"' || s[i] == '\'')) {
				const char *q = memchr(s + i + 1, s[i], n - i - 1);
				a.val = s + i + 1;
				a.vlen = q ? (size_t)(q - a.val) : n - i - 1;
				i = q ? (size_t)(q - s) + 1 : n;
			} else {
				a.val = s + i;
				while (i < n && !is_space(s[i]) && s[i] != '>')
					i++;
				a.vlen = (size_t)(s + i - a.val);
			}
		}
		if (t->na < TAG_ATTR_MAX)
			t->a[t->na++] = a;
	}
	return i < n ? i + 1 : n;
}

/* Parses the tag at s[i] == '<'; returns the index after it, 0 when the '<'
 * starts no tag (stray '<' is text). */
static size_t parse_tag(const char *s, size_t n, size_t i, struct tag *t)
{
	size_t j = i + 1, len = 0;
	t->end = j < n && s[j] == '/';
	j += (size_t)t->end;
	if (j >= n || !is_alpha(s[j]))
		return 0;
	t->na = 0;
	while (j < n && (is_alnum(s[j]) || s[j] == '-' || s[j] == ':')) {
		if (len < TAG_NAME_MAX - 1)
			t->name[len] = (char)(s[j] | (is_alpha(s[j]) ? 32 : 0));
		len++;
		j++;
	}
	t->name[len < TAG_NAME_MAX ? len : 0] = '\0';
	return parse_attrs(s, n, j, t);
}

static const struct attr *attr_get(const struct tag *t, const char *name)
{
	for (size_t i = 0; i < t->na; i++)
		if (ieq(t->a[i].name, t->a[i].nlen, name))
			return &t->a[i];
	return NULL;
}

/* 1 when the whitespace-separated list `v` holds `word` (ASCII case-insensitive). */
static int has_token(const struct attr *a, const char *word)
{
	size_t i = 0;
	while (a && a->val && i < a->vlen) {
		size_t j = i;
		while (j < a->vlen && !is_space(a->val[j]))
			j++;
		if (j > i && ieq(a->val + i, j - i, word))
			return 1;
		i = j + 1;
	}
	return 0;
}

/* Index of the "</name" that closes a raw element opened before `from`, or n. */
static size_t find_close(const char *s, size_t n, size_t from, const char *name)
{
	size_t m = strlen(name);
	for (size_t i = from; i + 2 + m <= n; i++) {
		if (s[i] != '<' || s[i + 1] != '/' || !ieq(s + i + 2, m, name))
			continue;
		if (i + 2 + m == n || !is_alnum(s[i + 2 + m]))
			return i;
	}
	return n;
}

/* ---- extraction state ------------------------------------------------------- */

struct state {
	json_t *out, *headings, *links, *images, *jsonld;
	struct sink text, head, link, item; /* item: scratch for attributes, title */
	struct sbuf tmp;                    /* scratch for decoding */
	int level;                          /* open heading, 0 when none */
	size_t no_title_end;                /* 1 + offset from which no </title> follows, 0 */
	json_t *open_link;                  /* {href, rel} until </a> */
	int err;
};

static void set(struct state *st, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		st->err = 1;
}

static void append(struct state *st, json_t *arr, json_t *v)
{
	if (json_array_size(arr) >= HTML_LIST_MAX) {
		json_decref(v);
		return;
	}
	if (!v || json_array_append_new(arr, v) != 0)
		st->err = 1;
}

/* Sets a top-level field unless an earlier element already did. */
static void set_first(struct state *st, const char *key, json_t *v)
{
	if (json_is_null(json_object_get(st->out, key)))
		set(st, st->out, key, v);
	else
		json_decref(v);
}

/* Decodes and collapses s[0..n) into a new JSON string (NULL on OOM). */
static json_t *text_json(struct state *st, const char *s, size_t n, int refs)
{
	st->tmp.len = 0;
	decode_into(&st->tmp, s, n, refs);
	sink_reset(&st->item);
	sink_put(&st->item, st->tmp.p, st->tmp.len);
	if (st->tmp.err || st->item.b.err)
		return NULL;
	return json_stringn(st->item.b.p ? st->item.b.p : "", st->item.b.len);
}

/* The attribute's value as a string; "" when it has none, null when absent. */
static json_t *attr_json(struct state *st, const struct attr *a)
{
	if (!a)
		return json_null();
	return text_json(st, a->val ? a->val : "", a->vlen, 1);
}

static json_t *sink_json(const struct sink *k)
{
	return json_stringn(k->b.p ? k->b.p : "", k->b.len);
}

/* Visible text: decoded, then into every open sink. */
static void emit(struct state *st, const char *s, size_t n)
{
	st->tmp.len = 0;
	decode_into(&st->tmp, s, n, 1);
	sink_put(&st->text, st->tmp.p, st->tmp.len);
	if (st->level)
		sink_put(&st->head, st->tmp.p, st->tmp.len);
	if (st->open_link)
		sink_put(&st->link, st->tmp.p, st->tmp.len);
	st->err |= st->tmp.err | st->text.b.err | st->head.b.err | st->link.b.err;
}

static void block_break(struct state *st)
{
	st->text.brk = 1;
	st->head.space = st->link.space = 1;
}

static void heading_close(struct state *st)
{
	if (!st->level)
		return;
	json_t *h = json_object();
	set(st, h, "level", json_integer(st->level));
	set(st, h, "text", sink_json(&st->head));
	append(st, st->headings, h);
	st->level = 0;
	sink_reset(&st->head);
}

static void link_close(struct state *st)
{
	if (!st->open_link)
		return;
	set(st, st->open_link, "text", sink_json(&st->link));
	append(st, st->links, st->open_link);
	st->open_link = NULL;
	sink_reset(&st->link);
}

/* ---- start tags that carry data ------------------------------------------------- */

static void on_heading(struct state *st, const struct tag *t)
{
	heading_close(st);
	st->level = t->name[1] - '0';
}

static void on_a(struct state *st, const struct tag *t)
{
	const struct attr *href = attr_get(t, "href");
	link_close(st);
	if (!href)
		return;
	st->open_link = json_object();
	set(st, st->open_link, "href", attr_json(st, href));
	set(st, st->open_link, "rel", attr_json(st, attr_get(t, "rel")));
}

static void on_img(struct state *st, const struct tag *t)
{
	const struct attr *src = attr_get(t, "src");
	json_t *img = json_object();
	if (!src || !src->vlen)
		src = attr_get(t, "data-src") ? attr_get(t, "data-src") : src;
	set(st, img, "src", src ? attr_json(st, src) : json_string(""));
	set(st, img, "alt", attr_json(st, attr_get(t, "alt")));
	append(st, st->images, img);
}

static void on_meta(struct state *st, const struct tag *t)
{
	static const char *const names[] = {"description", "robots"};
	const struct attr *name = attr_get(t, "name"), *content = attr_get(t, "content");
	for (size_t i = 0; name && name->val && content && i < COUNT(names); i++)
		if (ieq(name->val, name->vlen, names[i]))
			set_first(st, names[i], attr_json(st, content));
}

static void on_link(struct state *st, const struct tag *t)
{
	const struct attr *href = attr_get(t, "href");
	if (href && has_token(attr_get(t, "rel"), "canonical"))
		set_first(st, "canonical", attr_json(st, href));
}

static void on_html(struct state *st, const struct tag *t)
{
	const struct attr *lang = attr_get(t, "lang");
	if (lang && lang->vlen)
		set_first(st, "lang", attr_json(st, lang));
}

static const struct {
	const char *name;
	void (*fn)(struct state *st, const struct tag *t);
} start_handlers[] = {
	{"a", on_a}, {"img", on_img}, {"meta", on_meta}, {"link", on_link}, {"html", on_html},
	{"h1", on_heading}, {"h2", on_heading}, {"h3", on_heading}, {"h4", on_heading},
	{"h5", on_heading}, {"h6", on_heading},
};

static int is_heading(const char *name)
{
	return name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2];
}

static void on_tag(struct state *st, const struct tag *t)
{
	unsigned f = tag_flags(t->name);
	if (t->end) {
		if (f & T_BLOCK)
			block_break(st);
		if (is_heading(t->name))
			heading_close(st);
		else if (strcmp(t->name, "a") == 0)
			link_close(st);
		return;
	}
	if (f & T_END_HEAD)
		heading_close(st);
	if (f & T_BLOCK)
		block_break(st);
	for (size_t i = 0; i < COUNT(start_handlers); i++)
		if (strcmp(start_handlers[i].name, t->name) == 0)
			start_handlers[i].fn(st, t);
}

/* Content of a raw element starting at s[i]; returns where scanning goes on. */
static size_t raw_element(struct state *st, const char *s, size_t n, size_t i, const struct tag *t)
{
	int title = strcmp(t->name, "title") == 0;
	/* many unclosed <title>s must not each scan the rest of the page */
	size_t close = title && st->no_title_end && i >= st->no_title_end - 1 ? n
		: find_close(s, n, i, t->name);
	const struct attr *type = attr_get(t, "type");
	if (title) {
		if (close == n) { /* unclosed: up to the next tag */
			if (!st->no_title_end || i < st->no_title_end - 1)
				st->no_title_end = i + 1;
			const char *lt = memchr(s + i, '<', n - i);
			close = lt ? (size_t)(lt - s) : n;
			set_first(st, "title", text_json(st, s + i, close - i, 1));
			return close;
		}
		set_first(st, "title", text_json(st, s + i, close - i, 1));
	} else if (strcmp(t->name, "script") == 0 && type && type->val && type->vlen >= 19 &&
	           ieq(type->val, 19, "application/ld+json")) {
		size_t a = i, b = close;
		while (a < b && is_space(s[a]))
			a++;
		while (b > a && is_space(s[b - 1]))
			b--;
		st->tmp.len = 0;
		decode_into(&st->tmp, s + a, b - a, 0);
		append(st, st->jsonld, st->tmp.err ? NULL : json_stringn(st->tmp.p ? st->tmp.p : "", st->tmp.len));
	}
	if (close >= n)
		return n;
	const char *gt = memchr(s + close, '>', n - close);
	return gt ? (size_t)(gt - s) + 1 : n;
}

/* Comments, doctype, processing instructions, tags; returns the next index. */
static size_t markup(struct state *st, const char *s, size_t n, size_t i)
{
	struct tag t;
	size_t j;
	if (i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
		for (j = i + 2; j + 3 <= n; j++)
			if (memcmp(s + j, "-->", 3) == 0)
				return j + 3;
		return n;
	}
	if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?')) {
		const char *gt = memchr(s + i, '>', n - i);
		return gt ? (size_t)(gt - s) + 1 : n;
	}
	j = parse_tag(s, n, i, &t);
	if (j == 0) {
		emit(st, "<", 1);
		return i + 1;
	}
	on_tag(st, &t);
	if (!t.end && (tag_flags(t.name) & T_RAW))
		j = raw_element(st, s, n, j, &t);
	return j;
}

static void state_free(struct state *st)
{
	free(st->text.b.p);
	free(st->head.b.p);
	free(st->link.b.p);
	free(st->item.b.p);
	free(st->tmp.p);
	json_decref(st->open_link);
}

json_t *html_extract_new(const char *html, size_t len)
{
	static const char *const scalars[] = {"title", "description", "canonical", "robots", "lang"};
	struct state st;
	size_t i = 0;
	memset(&st, 0, sizeof(st));
	st.text.b.max = HTML_TEXT_MAX;
	st.head.b.max = st.link.b.max = st.item.b.max = HTML_ITEM_TEXT_MAX;
	st.tmp.max = HTML_TEXT_MAX;
	st.out = json_object();
	for (size_t k = 0; k < COUNT(scalars); k++)
		set(&st, st.out, scalars[k], json_null());
	set(&st, st.out, "headings", st.headings = json_array());
	set(&st, st.out, "links", st.links = json_array());
	set(&st, st.out, "images", st.images = json_array());
	set(&st, st.out, "jsonld", st.jsonld = json_array());
	if (st.err) /* the arrays may be gone with a failed insert */
		goto out;
	while (i < len && !st.err) {
		if (html[i] == '<') {
			i = markup(&st, html, len, i);
			continue;
		}
		const char *lt = memchr(html + i, '<', len - i);
		size_t j = lt ? (size_t)(lt - html) : len;
		emit(&st, html + i, j - i);
		i = j;
	}
	heading_close(&st);
	link_close(&st);
	set(&st, st.out, "text", sink_json(&st.text));
out:
	state_free(&st);
	if (st.err) {
		json_decref(st.out);
		return NULL;
	}
	return st.out;
}
