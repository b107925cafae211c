/* level2_data_optimize.c - #9 POST /api/level2/data/optimize: the page
 * metadata audit.
 *
 * Body: {pages: [{url, title, meta_description, h1s, canonical, lang,
 * word_count}]} (1..500; a bare array works too) audits the pages sent,
 * upserts them into the inventory by normalised URL (analysis/urlnorm.c) and
 * compares them with the stored pages of the same hosts; {} or {stored: true}
 * (optionally host) audits the stored inventory. A page sent replaces the
 * stored metadata; word_count, when not sent, is the stored one.
 *
 * The checks are the table `checks` below: id, severity, function, fix
 * action, message in English and German (`message`, `de`). A function
 * returns the evidence (the numbers) when its issue applies and may propose a
 * fix value (a title shortened to 580 px, the canonical to use, the clean
 * URL). Duplicates and the trailing-slash convention are per host, over the
 * pages sent plus the stored ones. Score per page: 100 minus 25 per error, 10
 * per warning, 2 per info, at least 0. The inventory write and the
 * audit.completed event are one statement (one transaction). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "text.h"
#include "titlewidth.h"
#include "urlnorm.h"

#define MAX_PAGES 500           /* pages per request */
#define MAX_STORED 5000         /* pages of a stored-inventory audit */
#define TITLE_MIN_PX 400.0      /* Yoast: SEO title 400-600 px */
#define DESC_MIN 120            /* Yoast: meta description green 120-156 chars */
#define DESC_MAX 156
#define THIN_WORDS 150          /* below this a (non-legal) page is thin */
#define NORM_MAX 8192
#define MAX_DUP_URLS 10

typedef struct page {
	long long id;                   /* stored row, 0 for a page only sent */
	const char *url, *norm, *host, *title, *desc, *canonical, *lang;
	const char *removed;            /* parameters the normal form dropped */
	json_t *h1s;                    /* array of strings (borrowed or arena) */
	long long words;                /* -1: unknown */
	int flags;                      /* urlnorm findings on url */
	int audit;                      /* 1: audited by this request */
} page_t;

typedef struct audit {
	arena_t *arena;
	page_t *v;
	size_t n;
	json_t *index;                  /* norm -> index of its last page */
	json_t *titles, *descs;         /* "host\ntext" -> [norm, ...] */
	json_t *slashes;                /* host -> [with trailing slash, without] */
} audit_t;

typedef json_t *(*check_fn)(const audit_t *a, const page_t *p, json_t **fix);

/* ---- helpers ------------------------------------------------------------- */

static int blank(const char *s)
{
	return !s || !*s || strspn(s, " \t\r\n") == strlen(s);
}

static size_t h1_count(const page_t *p)
{
	size_t i, n = 0;
	json_t *h;
	json_array_foreach(p->h1s, i, h)
		n += !blank(json_string_value(h));
	return n;
}

/* "host\n" + lowercased, trimmed text: the key duplicates share. */
static const char *dup_key(const audit_t *a, const page_t *p, const char *text)
{
	size_t lead = strspn(text, " \t\r\n"), n = strlen(text + lead);
	while (n && strchr(" \t\r\n", text[lead + n - 1]))
		n--;
	char *folded = arena_alloc(a->arena, n + 1);
	if (!folded || text_fold(text + lead, n, folded, n + 1) < 0)
		return NULL;
	return arena_printf(a->arena, "%s\n%s", p->host, folded);
}

/* The first max_cp code points of s, cut at a word boundary, no separator
 * or stop word last. */
static char *cut_words(arena_t *ar, const char *s, size_t max_cp)
{
	size_t n = strlen(s), fit = 0;
	for (size_t cp = 0; fit < n && cp < max_cp; cp++)
		for (fit++; fit < n && ((unsigned char)s[fit] & 0xC0) == 0x80; fit++)
			;
	if (fit < n) {
		size_t sp = fit;
		while (sp > 0 && s[sp] != ' ')
			sp--;
		if (sp > fit / 2)
			fit = sp;
		fit = titlewidth_cut_end(s, fit);
	}
	return arena_strndup(ar, s, fit);
}

/* A title that fits 580 px (analysis/titlewidth.c), or NULL. */
static const char *shorten_title(arena_t *ar, const char *title)
{
	size_t len = strlen(title) + 4;
	char *out = arena_alloc(ar, len);
	return out && titlewidth_shorten(title, TITLEWIDTH_LIMIT_PX, out, len, NULL) == 0 ? out : NULL;
}

/* The normal form with its path rewritten by `how` ('l' lowercase, 's'
 * collapse double slashes, '-' drop the trailing slash, '+' add one). */
static json_t *norm_fixed(const audit_t *a, const page_t *p, char how)
{
	const char *path = urlnorm_path(p->norm);
	size_t pre = path ? (size_t)(path - p->norm) : strlen(p->norm);
	size_t pl = path ? strcspn(path, "?") : 0;
	char *out = arena_alloc(a->arena, strlen(p->norm) + 2), *o = out;
	if (!out)
		return NULL;
	memcpy(o, p->norm, pre);
	o += pre;
	for (size_t i = 0; i < pl; i++) {
		char c = path[i];
		if (how == 'l' && c == '%' && i + 2 < pl) {
			memcpy(o, path + i, 3);
			o += 3, i += 2;
			continue;
		}
		if (how == 's' && c == '/' && o > out + pre && o[-1] == '/')
			continue;
		if (how == '-' && i == pl - 1 && c == '/')
			continue;
		*o++ = how == 'l' && c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
	}
	if (how == '+')
		*o++ = '/';
	memcpy(o, path ? path + pl : "", strlen(path ? path + pl : "") + 1);
	return json_string(out);
}

/* Other pages of the group `groups[key]` (same host and text), or NULL. */
static json_t *dup_evidence(const audit_t *a, json_t *groups, const page_t *p, const char *text)
{
	const char *key = blank(text) ? NULL : dup_key(a, p, text);
	json_t *group = key ? json_object_get(groups, key) : NULL, *urls, *u;
	size_t i, others = 0;
	if (!group || json_array_size(group) < 2)
		return NULL;
	urls = json_array();
	json_array_foreach(group, i, u) {
		if (strcmp(json_string_value(u), p->norm) == 0)
			continue;
		if (++others <= MAX_DUP_URLS)
			json_array_append(urls, u);
	}
	if (!others) {
		json_decref(urls);
		return NULL;
	}
	return json_pack("{s:I, s:o}", "pages", (json_int_t)others + 1, "other_urls", urls);
}

static int is_legal(const page_t *p)
{
	static const char *const legal[] = {"impressum", "datenschutz", "datenschutzerklaerung",
		"agb", "widerruf", "cookies", "nutzungsbedingungen", "imprint", "privacy",
		"privacy-policy", "terms", "legal"};
	const char *path = urlnorm_path(p->norm), *last;
	if (!path)
		return 0;
	size_t n = strcspn(path, "?");
	while (n > 1 && path[n - 1] == '/')
		n--;
	last = path + n;
	while (last > path && last[-1] != '/')
		last--;
	for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++)
		if (strlen(legal[i]) == (size_t)(path + n - last) &&
		    strncmp(legal[i], last, (size_t)(path + n - last)) == 0)
			return 1;
	return 0;
}

/* ---- the checks ------------------------------------------------------------ */

static json_t *c_title_missing(const audit_t *a, const page_t *p, json_t **fix)
{
	if (!blank(p->title))
		return NULL;
	const char *h1 = json_string_value(json_array_get(p->h1s, 0));
	*fix = h1 && !blank(h1) ? json_string(h1) : NULL;
	(void)a;
	return json_object();
}

static json_t *title_measure(const page_t *p, double limit_name, const char *name)
{
	return json_pack("{s:I, s:f, s:f}", "chars", (json_int_t)utf8_len(p->title), "px",
			 round(titlewidth_px(p->title) * 10) / 10, name, limit_name);
}

static json_t *c_title_long(const audit_t *a, const page_t *p, json_t **fix)
{
	if (blank(p->title) || titlewidth_px(p->title) <= TITLEWIDTH_LIMIT_PX)
		return NULL;
	const char *t = shorten_title(a->arena, p->title);
	*fix = t ? json_string(t) : NULL;
	return title_measure(p, TITLEWIDTH_LIMIT_PX, "max_px");
}

static json_t *c_title_short(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)a, (void)fix;
	if (blank(p->title) || titlewidth_px(p->title) >= TITLE_MIN_PX)
		return NULL;
	return title_measure(p, TITLE_MIN_PX, "min_px");
}

static json_t *c_title_dup(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)fix;
	return dup_evidence(a, a->titles, p, p->title);
}

static json_t *c_desc_missing(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)a, (void)fix;
	return blank(p->desc) ? json_object() : NULL;
}

static json_t *desc_measure(const page_t *p)
{
	return json_pack("{s:I, s:i, s:i}", "chars", (json_int_t)utf8_len(p->desc), "min",
			 DESC_MIN, "max", DESC_MAX);
}

static json_t *c_desc_short(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)a, (void)fix;
	return !blank(p->desc) && utf8_len(p->desc) < DESC_MIN ? desc_measure(p) : NULL;
}

static json_t *c_desc_long(const audit_t *a, const page_t *p, json_t **fix)
{
	if (blank(p->desc) || utf8_len(p->desc) <= DESC_MAX)
		return NULL;
	const char *d = cut_words(a->arena, p->desc, DESC_MAX - 1);
	const char *dd = d ? arena_printf(a->arena, "%s\xE2\x80\xA6", d) : NULL;    /* … */
	*fix = dd ? json_string(dd) : NULL;
	return desc_measure(p);
}

static json_t *c_desc_dup(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)fix;
	return dup_evidence(a, a->descs, p, p->desc);
}

static json_t *c_h1_missing(const audit_t *a, const page_t *p, json_t **fix)
{
	if (h1_count(p))
		return NULL;
	size_t brand = blank(p->title) ? 0 : titlewidth_brand(p->title);
	*fix = brand ? json_stringn(p->title, brand) : !blank(p->title) ? json_string(p->title) : NULL;
	return json_pack("{s:i}", "count", 0);
}

static json_t *c_h1_multiple(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)a;
	size_t n = h1_count(p);
	if (n < 2)
		return NULL;
	*fix = json_incref(json_array_get(p->h1s, 0));
	return json_pack("{s:I, s:O}", "count", (json_int_t)n, "h1s", p->h1s);
}

static json_t *c_canonical_missing(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)a;
	if (!blank(p->canonical))
		return NULL;
	*fix = json_string(p->norm);
	return json_object();
}

static json_t *c_canonical_mismatch(const audit_t *a, const page_t *p, json_t **fix)
{
	char cn[NORM_MAX];
	if (blank(p->canonical))
		return NULL;
	int rc = urlnorm_resolve(p->canonical, p->norm, cn, sizeof(cn));
	if (rc >= 0 && strcmp(cn, p->norm) == 0)
		return NULL;
	(void)a;
	*fix = json_string(p->norm);
	return json_pack("{s:s, s:s?, s:s}", "canonical", p->canonical,
			 "canonical_normalised", rc >= 0 ? cn : NULL, "expected", p->norm);
}

static json_t *url_evidence(const page_t *p, json_t **fix)
{
	*fix = json_string(p->norm);
	return json_pack("{s:s, s:s}", "url", p->url, "normalised", p->norm);
}

static json_t *c_url_tracking(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)a;
	if (!(p->flags & URLNORM_TRACKING))
		return NULL;
	json_t *e = url_evidence(p, fix);
	json_object_set_new(e, "parameters", json_string(p->removed ? p->removed : ""));
	return e;
}

static json_t *c_url_session(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)a;
	return p->flags & URLNORM_SESSION ? url_evidence(p, fix) : NULL;
}

static json_t *c_url_upper(const audit_t *a, const page_t *p, json_t **fix)
{
	if (!(p->flags & URLNORM_UPPERCASE))
		return NULL;
	*fix = norm_fixed(a, p, 'l');
	return json_pack("{s:s}", "url", p->url);
}

static json_t *c_url_slashes(const audit_t *a, const page_t *p, json_t **fix)
{
	if (!(p->flags & URLNORM_DOUBLE_SLASH))
		return NULL;
	*fix = norm_fixed(a, p, 's');
	return json_pack("{s:s}", "url", p->url);
}

static json_t *c_url_non_ascii(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)a;
	return p->flags & URLNORM_NON_ASCII ? url_evidence(p, fix) : NULL;
}

/* Against the host's majority of paths with / without a trailing slash. */
static json_t *c_url_trailing(const audit_t *a, const page_t *p, json_t **fix)
{
	const char *path = urlnorm_path(p->norm);
	json_t *votes = json_object_get(a->slashes, p->host);
	if (!path || path[1] == '\0' || path[1] == '?' || !votes)
		return NULL;
	json_int_t with = json_integer_value(json_array_get(votes, 0));
	json_int_t without = json_integer_value(json_array_get(votes, 1));
	int has = (p->flags & URLNORM_TRAILING_SLASH) != 0;
	if (has ? with > without : without >= with)
		return NULL;
	*fix = norm_fixed(a, p, has ? '-' : '+');
	return json_pack("{s:b, s:I, s:I}", "trailing_slash", has, "host_with_slash",
			 with, "host_without_slash", without);
}

static json_t *c_lang_missing(const audit_t *a, const page_t *p, json_t **fix)
{
	if (!blank(p->lang))
		return NULL;
	const char *t = arena_printf(a->arena, "%s %s", p->title ? p->title : "",
				     p->desc ? p->desc : "");
	enum text_lang l = t ? text_guess_lang(t, strlen(t)) : TEXT_LANG_UNKNOWN;
	*fix = l != TEXT_LANG_UNKNOWN ? json_string(text_lang_code(l)) : NULL;
	return json_object();
}

static json_t *c_thin(const audit_t *a, const page_t *p, json_t **fix)
{
	(void)a, (void)fix;
	if (p->words < 0 || p->words >= THIN_WORDS || is_legal(p))
		return NULL;
	return json_pack("{s:I, s:i}", "words", (json_int_t)p->words, "min", THIN_WORDS);
}

/* Every check, in the order issues are reported. */
static const struct check {
	const char *id;
	const char *severity;       /* error | warning | info */
	check_fn fn;
	const char *action;         /* fix.action; fix.value comes from fn */
	const char *message;        /* English */
	const char *de;             /* German */
} checks[] = {
	{"title_missing", "error", c_title_missing, "add_title",
	 "The page has no title.", "Die Seite hat keinen Title."},
	{"title_too_long", "warning", c_title_long, "shorten_title",
	 "Title wider than 580 px: Google truncates it.",
	 "Title breiter als 580 px: Google kürzt ihn ab."},
	{"title_too_short", "info", c_title_short, "extend_title",
	 "Title narrower than 400 px: room for a keyword.",
	 "Title schmaler als 400 px: Platz für ein Keyword."},
	{"title_duplicate", "warning", c_title_dup, "make_title_unique",
	 "Another page of the site has the same title.",
	 "Eine andere Seite der Website hat denselben Title."},
	{"description_missing", "error", c_desc_missing, "add_description",
	 "The page has no meta description.", "Die Seite hat keine Meta-Description."},
	{"description_too_short", "warning", c_desc_short, "extend_description",
	 "Meta description shorter than 120 characters.",
	 "Meta-Description kürzer als 120 Zeichen."},
	{"description_too_long", "warning", c_desc_long, "shorten_description",
	 "Meta description longer than 156 characters: it gets cut off.",
	 "Meta-Description länger als 156 Zeichen: sie wird abgeschnitten."},
	{"description_duplicate", "warning", c_desc_dup, "make_description_unique",
	 "Another page of the site has the same meta description.",
	 "Eine andere Seite der Website hat dieselbe Meta-Description."},
	{"h1_missing", "error", c_h1_missing, "add_h1",
	 "The page has no H1 heading.", "Die Seite hat keine H1-Überschrift."},
	{"h1_multiple", "warning", c_h1_multiple, "keep_one_h1",
	 "The page has more than one H1 heading.", "Die Seite hat mehr als eine H1-Überschrift."},
	{"canonical_missing", "info", c_canonical_missing, "set_canonical",
	 "No canonical URL.", "Keine Canonical-URL."},
	{"canonical_mismatch", "warning", c_canonical_mismatch, "set_canonical",
	 "The canonical URL points to another URL.",
	 "Die Canonical-URL verweist auf eine andere URL."},
	{"url_tracking_params", "warning", c_url_tracking, "use_clean_url",
	 "The URL carries tracking parameters.", "Die URL enthält Tracking-Parameter."},
	{"url_session_id", "warning", c_url_session, "use_clean_url",
	 "The URL carries a session id.", "Die URL enthält eine Session-ID."},
	{"url_uppercase", "warning", c_url_upper, "redirect_to",
	 "Uppercase letters in the URL path.", "Großbuchstaben im URL-Pfad."},
	{"url_double_slash", "warning", c_url_slashes, "redirect_to",
	 "Double slash in the URL path.", "Doppelter Schrägstrich im URL-Pfad."},
	{"url_non_ascii", "warning", c_url_non_ascii, "percent_encode",
	 "Unencoded non-ASCII characters or spaces in the URL.",
	 "Nicht kodierte Sonderzeichen oder Leerzeichen in der URL."},
	{"url_trailing_slash", "info", c_url_trailing, "redirect_to",
	 "Trailing slash differs from the rest of the site.",
	 "Schrägstrich am Ende weicht vom Rest der Website ab."},
	{"lang_missing", "info", c_lang_missing, "set_lang",
	 "No language declared.", "Keine Sprache angegeben."},
	{"thin_content", "warning", c_thin, "expand_content",
	 "Thin content: fewer than 150 words.", "Wenig Inhalt: weniger als 150 Wörter."},
};

#define N_CHECKS (sizeof(checks) / sizeof(checks[0]))

static const struct {
	const char *severity;
	int weight;
} weights[] = {{"error", 25}, {"warning", 10}, {"info", 2}};

static int weight_of(const char *severity)
{
	for (size_t i = 0; i < sizeof(weights) / sizeof(weights[0]); i++)
		if (strcmp(weights[i].severity, severity) == 0)
			return weights[i].weight;
	return 0;
}

/* Runs every check on p: the issues (new array) and the score. */
static json_t *audit_page(const audit_t *a, const page_t *p, int *score)
{
	json_t *issues = json_array();
	*score = 100;
	for (size_t i = 0; issues && i < N_CHECKS; i++) {
		json_t *fix = NULL, *ev = checks[i].fn(a, p, &fix);
		if (!ev) {
			json_decref(fix);
			continue;
		}
		json_array_append_new(issues, json_pack("{s:s, s:s, s:s, s:s, s:o, s:{s:s, s:o}}",
			"check", checks[i].id, "severity", checks[i].severity,
			"message", checks[i].message, "de", checks[i].de, "evidence", ev,
			"fix", "action", checks[i].action, "value", fix ? fix : json_null()));
		*score -= weight_of(checks[i].severity);
	}
	if (*score < 0)
		*score = 0;
	return issues;
}

/* ---- the pages: sent, stored, and the context they are compared with ----- */

static const vrule_t page_rules[] = {
	{"url", V_URL, 1, 1, 2048, NULL, NULL},
	{"title", V_STRING, 0, 0, 1000, NULL, NULL},
	{"meta_description", V_STRING, 0, 0, 2000, NULL, NULL},
	{"h1s", V_ARRAY, 0, 0, 50, NULL, NULL},
	{"canonical", V_STRING, 0, 1, 2048, NULL, NULL},
	{"lang", V_STRING, 0, 1, 35, NULL, NULL},
	{"word_count", V_INT, 0, 0, 100000000, NULL, NULL},
};
static const vschema_t page_schema = {"PageMetadata", VRULES(page_rules), NULL, 0, 0};

/* Normal form, dropped parameters and host of p->url (arena copies). */
static int page_normalise(arena_t *ar, page_t *p, const char *fallback)
{
	char norm[NORM_MAX], removed[256];
	const char *host;
	p->flags = urlnorm(p->url, norm, sizeof(norm), removed, sizeof(removed));
	if (p->flags < 0 && fallback)
		p->flags = urlnorm(fallback, norm, sizeof(norm), removed, sizeof(removed));
	if (p->flags < 0)
		return -1;
	if (!p->norm)
		p->norm = arena_strdup(ar, norm);
	p->removed = arena_strdup(ar, removed);
	size_t hl = urlnorm_host(p->norm, &host);
	p->host = arena_strndup(ar, host ? host : "", hl);
	return p->norm && p->removed && p->host ? 0 : -1;
}

static int page_from_json(arena_t *ar, page_t *p, json_t *o, const char *f, json_t *errors)
{
	char field[64];
	size_t i, before = json_array_size(errors);
	json_t *h;
	if (!json_is_object(o)) {
		verr(errors, f, "must be an object");
		return -1;
	}
	validate(o, page_rules, sizeof(page_rules) / sizeof(page_rules[0]), f, errors);
	p->h1s = json_object_get(o, "h1s");
	json_array_foreach(p->h1s, i, h) {
		if (json_is_string(h) && utf8_len(json_string_value(h)) <= 1000)
			continue;
		snprintf(field, sizeof(field), "%s.h1s[%zu]", f, i);
		verr(errors, field, "must be a string of at most 1000 characters");
	}
	if (json_array_size(errors) > before)
		return -1;
	p->url = json_string_value(json_object_get(o, "url"));
	if (page_normalise(ar, p, NULL) < 0) {
		snprintf(field, sizeof(field), "%s.url", f);
		verr(errors, field, "must be an absolute http(s) URL with a host");
		return -1;
	}
	p->title = json_string_value(json_object_get(o, "title"));
	p->desc = json_string_value(json_object_get(o, "meta_description"));
	p->canonical = json_string_value(json_object_get(o, "canonical"));
	p->lang = json_string_value(json_object_get(o, "lang"));
	json_t *wc = json_object_get(o, "word_count");
	p->words = json_is_integer(wc) ? (long long)json_integer_value(wc) : -1;
	p->audit = 1;
	return 0;
}

/* Columns of both page queries: id, url, url_norm, title, meta_description,
 * word_count, h1s (JSON), canonical, lang. */
static int page_from_row(arena_t *ar, page_t *p, const PGresult *res, int row)
{
	const char *h1s = db_get(res, row, 6);
	p->id = db_getll(res, row, 0, 0);
	p->url = db_get(res, row, 1);
	p->norm = db_get(res, row, 2);
	p->title = db_get(res, row, 3);
	p->desc = db_get(res, row, 4);
	p->words = db_getll(res, row, 5, -1);
	p->h1s = h1s ? arena_json(ar, json_loads(h1s, 0, NULL)) : NULL;
	p->canonical = db_get(res, row, 7);
	p->lang = db_get(res, row, 8);
	if (page_normalise(ar, p, p->norm) < 0)
		p->flags = 0;
	return p->host ? 0 : -1;
}

static void group_add(const audit_t *a, json_t *groups, const page_t *p, const char *text)
{
	const char *key = blank(text) ? NULL : dup_key(a, p, text);
	json_t *g = key ? json_object_get(groups, key) : NULL;
	if (key && !g) {
		g = json_array();
		json_object_set_new(groups, key, g);
	}
	json_array_append_new(g, json_string(p->norm));
}

static int primary(const audit_t *a, size_t i)
{
	return json_integer_value(json_object_get(a->index, a->v[i].norm)) == (json_int_t)i;
}

/* The index (norm -> last page with it), duplicate groups and the trailing
 * slash votes per host, over every page once. */
static int build_context(audit_t *a)
{
	a->index = arena_json(a->arena, json_object());
	a->titles = arena_json(a->arena, json_object());
	a->descs = arena_json(a->arena, json_object());
	a->slashes = arena_json(a->arena, json_object());
	if (!a->index || !a->titles || !a->descs || !a->slashes)
		return -1;
	for (size_t i = 0; i < a->n; i++)
		json_object_set_new(a->index, a->v[i].norm, json_integer((json_int_t)i));
	for (size_t i = 0; i < a->n; i++) {
		const page_t *p = &a->v[i];
		const char *path = urlnorm_path(p->norm);
		if (!primary(a, i))
			continue;
		group_add(a, a->titles, p, p->title);
		group_add(a, a->descs, p, p->desc);
		if (!path || path[1] == '\0' || path[1] == '?')
			continue;
		json_t *votes = json_object_get(a->slashes, p->host);
		if (!votes) {
			votes = json_pack("[i, i]", 0, 0);
			json_object_set_new(a->slashes, p->host, votes);
		}
		size_t k = (p->flags & URLNORM_TRAILING_SLASH) ? 0 : 1;
		json_array_set_new(votes, k, json_integer(json_integer_value(
			json_array_get(votes, k)) + 1));
	}
	return 0;
}

/* ---- database ---------------------------------------------------------------- */

/* Stored pages of the hosts sent ($1 JSON array); in_batch when the URL is
 * one of the pages sent ($2). */
static const db_stmt_t q_context = {"meta_context",
	"SELECT id, url, url_norm, title, meta_description, word_count, NULL, NULL, NULL,"
	" url_norm IN (SELECT jsonb_array_elements_text($2::jsonb))"
	" FROM pages WHERE split_part(url_norm, '/', 3) IN"
	"  (SELECT jsonb_array_elements_text($1::jsonb))"
	" ORDER BY url_norm LIMIT 20000"};

/* The stored inventory, of one host ($1, with or without www.) or all. */
static const db_stmt_t q_stored = {"meta_stored",
	"SELECT id, url, url_norm, title, meta_description, word_count, array_to_json(h1s),"
	" canonical, lang FROM pages"
	" WHERE $1::text IS NULL OR split_part(url_norm, '/', 3) IN ($1, 'www.' || $1)"
	" ORDER BY url_norm LIMIT 5001"};

/* One statement, one transaction: upsert the pages sent ($1), append the
 * audit.completed event ($2 + counts). */
static const db_stmt_t q_upsert = {"meta_upsert",
	"WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(url text, url_norm text,"
	"  path text, host text, title text, meta_description text, h1s jsonb, canonical text,"
	"  lang text, word_count int, issues jsonb)),"
	" up AS (INSERT INTO pages (site_id, url, url_norm, path, title, meta_description, h1s,"
	"  canonical, lang, word_count, issues, audited_at)"
	"  SELECT (SELECT s.id FROM sites s WHERE x.host IN (s.domain, 'www.' || s.domain)"
	"   ORDER BY s.id LIMIT 1), x.url, x.url_norm, x.path, x.title, x.meta_description,"
	"   ARRAY(SELECT e FROM jsonb_array_elements_text(coalesce(x.h1s, '[]'))"
	"    WITH ORDINALITY t(e, i) ORDER BY i), x.canonical, x.lang, x.word_count, x.issues,"
	"   now() FROM x"
	"  ON CONFLICT (url_norm) DO UPDATE SET url = EXCLUDED.url,"
	"   site_id = coalesce(EXCLUDED.site_id, pages.site_id), path = EXCLUDED.path,"
	"   title = EXCLUDED.title, meta_description = EXCLUDED.meta_description,"
	"   h1s = EXCLUDED.h1s, canonical = EXCLUDED.canonical, lang = EXCLUDED.lang,"
	"   word_count = coalesce(EXCLUDED.word_count, pages.word_count),"
	"   issues = EXCLUDED.issues, audited_at = now(), updated_at = now()"
	"  RETURNING (xmax = 0) AS inserted),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'audit.completed', $2::jsonb ||"
	"  jsonb_build_object('inserted', count(*) FILTER (WHERE inserted),"
	"   'updated', count(*) FILTER (WHERE NOT inserted)) FROM up RETURNING id, data)"
	" SELECT (data->>'inserted')::int, (data->>'updated')::int, id FROM ev"};

/* One statement: the findings of a stored audit ($1 [{id, issues}]) and the
 * audit.completed event. */
static const db_stmt_t q_mark = {"meta_mark",
	"WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, issues jsonb)),"
	" up AS (UPDATE pages p SET issues = x.issues, audited_at = now() FROM x"
	"  WHERE p.id = x.id RETURNING p.id),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'audit.completed', $2::jsonb ||"
	"  jsonb_build_object('updated', count(*)) FROM up RETURNING id, data)"
	" SELECT 0, (data->>'updated')::int, id FROM ev"};

/* Pages sent plus the stored pages of their hosts; -1 on a DB error. */
static int load_context(req_t *r, audit_t *a)
{
	json_t *hosts = arena_json(r->arena, json_array());
	json_t *norms = arena_json(r->arena, json_array()), *seen = arena_json(r->arena, json_object());
	for (size_t i = 0; i < a->n; i++) {
		json_array_append_new(norms, json_string(a->v[i].norm));
		if (!json_object_get(seen, a->v[i].host)) {
			json_object_set_new(seen, a->v[i].host, json_true());
			json_array_append_new(hosts, json_string(a->v[i].host));
		}
	}
	char *h = json_dumps(hosts, JSON_COMPACT), *n = json_dumps(norms, JSON_COMPACT);
	arena_cleanup(r->arena, free, h);
	arena_cleanup(r->arena, free, n);
	const char *p[] = {h, n};
	PGresult *res = h && n ? db_run(r->arena, &q_context, 2, p) : NULL;
	if (!res)
		return -1;
	int rows = PQntuples(res);
	page_t *v = arena_calloc(r->arena, a->n + (size_t)rows, sizeof(*v));
	if (!v)
		return -1;
	memcpy(v, a->v, a->n * sizeof(*v));
	a->v = v;
	for (int i = 0; i < rows; i++) {
		const char *norm = db_get(res, i, 2);
		if (strcmp(db_get(res, i, 9), "t") != 0) {
			page_from_row(r->arena, &a->v[a->n++], res, i);
			continue;
		}
		for (size_t k = 0; k < a->n; k++)       /* a page sent that is stored */
			if (a->v[k].audit && strcmp(a->v[k].norm, norm) == 0) {
				a->v[k].id = db_getll(res, i, 0, 0);
				if (a->v[k].words < 0)
					a->v[k].words = db_getll(res, i, 5, -1);
			}
	}
	return 0;
}

static int load_stored(req_t *r, audit_t *a, const char *host, int *truncated)
{
	const char *p[] = {host};
	PGresult *res = db_run(r->arena, &q_stored, 1, p);
	if (!res)
		return -1;
	int rows = PQntuples(res);
	*truncated = rows > MAX_STORED;
	if (*truncated)
		rows = MAX_STORED;
	a->v = arena_calloc(r->arena, (size_t)rows + 1, sizeof(*a->v));
	if (!a->v)
		return -1;
	for (int i = 0; i < rows; i++) {
		page_from_row(r->arena, &a->v[a->n], res, i);
		a->v[a->n++].audit = 1;
	}
	return 0;
}

/* The inventory row of a page sent. */
static json_t *upsert_row(const page_t *p, json_t *issues)
{
	const char *path = urlnorm_path(p->norm);
	size_t pl = path ? strcspn(path, "?") : 0;
	return json_pack("{s:s, s:s, s:s%, s:s, s:s?, s:s?, s:O?, s:s?, s:s?, s:o, s:O}",
		"url", p->url, "url_norm", p->norm, "path", path ? path : "/", pl ? pl : 1,
		"host", p->host, "title", p->title, "meta_description", p->desc, "h1s", p->h1s,
		"canonical", p->canonical, "lang", p->lang,
		"word_count", p->words >= 0 ? json_integer(p->words) : json_null(), "issues", issues);
}

/* ---- the reply ----------------------------------------------------------------- */

static json_t *measures(const page_t *p)
{
	return json_pack("{s:I, s:f, s:I, s:I, s:o}",
		"title_chars", (json_int_t)(p->title ? utf8_len(p->title) : 0),
		"title_px", round(titlewidth_px(p->title) * 10) / 10,
		"description_chars", (json_int_t)(p->desc ? utf8_len(p->desc) : 0),
		"h1_count", (json_int_t)h1_count(p),
		"word_count", p->words >= 0 ? json_integer(p->words) : json_null());
}

/* Counts per check and severity, pages with errors, mean score. */
static json_t *summary_new(json_t *results)
{
	json_t *by_check = json_object(), *by_sev = json_pack("{s:i, s:i, s:i}", "error", 0,
		"warning", 0, "info", 0), *pg, *is;
	size_t i, k, issues = 0, with_errors = 0;
	double scores = 0;
	for (size_t c = 0; c < N_CHECKS; c++)
		json_object_set_new(by_check, checks[c].id, json_integer(0));
	json_array_foreach(results, i, pg) {
		int err = 0;
		scores += (double)json_integer_value(json_object_get(pg, "score"));
		json_array_foreach(json_object_get(pg, "issues"), k, is) {
			const char *c = json_string_value(json_object_get(is, "check"));
			const char *s = json_string_value(json_object_get(is, "severity"));
			json_object_set_new(by_check, c, json_integer(
				json_integer_value(json_object_get(by_check, c)) + 1));
			json_object_set_new(by_sev, s, json_integer(
				json_integer_value(json_object_get(by_sev, s)) + 1));
			err |= strcmp(s, "error") == 0;
			issues++;
		}
		with_errors += (size_t)err;
	}
	size_t n = json_array_size(results);
	return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "pages", (json_int_t)n,
		"issues", (json_int_t)issues, "pages_with_errors", (json_int_t)with_errors,
		"mean_score", n ? json_real(round(scores / (double)n * 10) / 10) : json_null(),
		"by_severity", by_sev, "by_check", by_check);
}

/* Audits every page marked audit; fills the results and the rows to store
 * (upsert rows of pages sent, or {id, issues} of stored pages). A page sent
 * twice (URL variants with one normal form) is audited twice, stored once. */
static int run_audit(const audit_t *a, int upsert, json_t *results, json_t *rows)
{
	for (size_t i = 0; i < a->n; i++) {
		const page_t *p = &a->v[i];
		int score;
		if (!p->audit)
			continue;
		json_t *issues = audit_page(a, p, &score);
		if (!issues)
			return -1;
		json_array_append_new(results, json_pack("{s:s, s:s, s:s?, s:s?, s:i, s:o, s:O}",
			"url", p->url, "url_norm", p->norm, "title", p->title,
			"meta_description", p->desc, "score", score, "measures", measures(p),
			"issues", issues));
		if (primary(a, i))
			json_array_append_new(rows, upsert ? upsert_row(p, issues)
				: json_pack("{s:I, s:O}", "id", (json_int_t)p->id, "issues", issues));
		json_decref(issues);
	}
	return 0;
}

/* ---- the request --------------------------------------------------------------- */

static const vrule_t body_rules[] = {
	{"pages", V_ARRAY, 0, 1, MAX_PAGES, NULL, &page_schema},
	{"stored", V_BOOL, 0, 0, 0, NULL, NULL},
	{"host", V_STRING, 0, 1, 253, NULL, NULL},
};
/* {"pages": [...]}, a bare page array, or {"stored": true}. */
static const vschema_t optimize_body = {"DataOptimizeRequest", VRULES(body_rules), NULL, 0, 0};
const api_op_t op_data_optimize = {NULL, 0, &optimize_body,
	"{\"pages\": [{\"url\": \"https://www.zoe-solar.de/contract-test\", "
	"\"title\": \"Photovoltaik für Gewerbe | ZOE Solar\", \"meta_description\": "
	"\"Planung und Montage von Photovoltaikanlagen für Unternehmen in Berlin.\", "
	"\"h1s\": [\"Photovoltaik für Gewerbe\"], \"lang\": \"de\"}]}", 0, NULL};

/* Which mode: *list = the pages sent (NULL: the stored inventory), the field
 * prefix of their errors, the host filter of a stored audit. */
static int parse_request(json_t *body, json_t **list, const char **prefix, const char **host,
			 json_t *errors)
{
	*list = NULL, *prefix = "", *host = NULL;
	if (json_is_array(body)) {
		if (json_array_size(body) < 1 || json_array_size(body) > MAX_PAGES)
			verr(errors, "", "send 1 to %d pages", MAX_PAGES);
		*list = body;
	} else if (!json_is_object(body)) {
		verr(errors, "", "must be {\"pages\": [...]}, a page array or {\"stored\": true}");
	} else if (validate(body, body_rules, sizeof(body_rules) / sizeof(body_rules[0]), "",
			    errors) == 0) {
		json_t *pages = json_object_get(body, "pages"), *stored = json_object_get(body, "stored");
		*list = json_is_array(pages) ? pages : NULL;
		*prefix = "pages";
		*host = json_string_value(json_object_get(body, "host"));
		if (*list && json_is_true(stored))
			verr(errors, "stored", "send either pages or stored: true");
		else if (!*list && json_is_false(stored))
			verr(errors, "pages", "is required unless stored is true");
		else if (*list && *host)
			verr(errors, "host", "filters a stored audit; not with pages");
	}
	return json_array_size(errors) ? -1 : 0;
}

static int load_sent(req_t *r, audit_t *a, json_t *list, const char *prefix, json_t *errors)
{
	json_t *o;
	size_t i;
	a->v = arena_calloc(r->arena, json_array_size(list) + 1, sizeof(*a->v));
	if (!a->v)
		return -1;
	json_array_foreach(list, i, o) {
		char f[32];
		snprintf(f, sizeof(f), "%s[%zu]", prefix, i);
		page_from_json(r->arena, &a->v[i], o, f, errors);
	}
	a->n = json_array_size(list);
	return 0;
}

/* The write and the event, one statement; the inventory counts and event id. */
static json_t *store_new(req_t *r, int upsert, json_t *rows, json_t *summary, const char *host)
{
	json_t *ev = json_pack("{s:s, s:s?, s:O, s:O, s:O, s:O}", "mode", upsert ? "pages" : "stored",
		"host", host, "pages", json_object_get(summary, "pages"),
		"issues", json_object_get(summary, "issues"),
		"pages_with_errors", json_object_get(summary, "pages_with_errors"),
		"by_check", json_object_get(summary, "by_check"));
	char *rt = json_dumps(rows, JSON_COMPACT), *et = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	arena_cleanup(r->arena, free, rt);
	arena_cleanup(r->arena, free, et);
	const char *p[] = {rt, et};
	PGresult *res = rt && et ? db_run(r->arena, upsert ? &q_upsert : &q_mark, 2, p) : NULL;
	if (!res || PQntuples(res) != 1)
		return NULL;
	return upsert ? json_pack("{s:I, s:I, s:I}", "inserted", (json_int_t)db_getll(res, 0, 0, 0),
				  "updated", (json_int_t)db_getll(res, 0, 1, 0),
				  "event_id", (json_int_t)db_getll(res, 0, 2, 0))
		      : json_pack("{s:I, s:I}", "updated", (json_int_t)db_getll(res, 0, 1, 0),
				  "event_id", (json_int_t)db_getll(res, 0, 2, 0));
}

static json_t *thresholds_new(void)
{
	return json_pack("{s:f, s:f, s:i, s:i, s:i, s:{s:i, s:i, s:i}}",
		"title_max_px", (double)TITLEWIDTH_LIMIT_PX, "title_min_px", TITLE_MIN_PX,
		"description_min_chars", DESC_MIN, "description_max_chars", DESC_MAX,
		"thin_words", THIN_WORDS, "score_weights", "error", weight_of("error"),
		"warning", weight_of("warning"), "info", weight_of("info"));
}

/* Audits the loaded pages: results, rows to store and summary, all owned by
 * the arena; 0, or -1 when out of memory. */
static int audit_all(arena_t *arena, audit_t *a, int upsert, json_t **results, json_t **rows,
		     json_t **summary)
{
	*results = arena_json(arena, json_array());
	*rows = arena_json(arena, json_array());
	if (build_context(a) < 0 || !*results || !*rows || run_audit(a, upsert, *results, *rows))
		return -1;
	*summary = arena_json(arena, summary_new(*results));
	return *summary ? 0 : -1;
}

int h_data_optimize(req_t *r)
{
	json_t *body = json_body(r), *list;
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	const char *prefix, *host;
	audit_t a = {.arena = r->arena};
	int truncated = 0;
	if (parse_request(body, &list, &prefix, &host, errors) < 0)
		return reply_invalid(r, json_incref(errors));
	if (list && load_sent(r, &a, list, prefix, errors) < 0)
		return reply_problem(r, 500, "out of memory", NULL);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	if (list ? load_context(r, &a) : load_stored(r, &a, host, &truncated))
		return db_fail(r);
	json_t *results, *rows, *summary;
	if (audit_all(r->arena, &a, list != NULL, &results, &rows, &summary) < 0)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *stored = summary ? arena_json(r->arena, store_new(r, list != NULL, rows, summary,
								   host)) : NULL;
	if (!stored)
		return db_fail(r);
	json_t *j = arena_json(r->arena, json_pack("{s:s, s:s?, s:b, s:O, s:O, s:O, s:o, s:O}",
		"mode", list ? "pages" : "stored", "host", host, "truncated", truncated,
		"summary", summary, "inventory", stored, "event_id",
		json_object_get(stored, "event_id"), "thresholds", thresholds_new(), "pages", results));
	if (!j)
		return reply_problem(r, 500, "out of memory", NULL);
	json_object_del(stored, "event_id");
	return reply_json(r, 200, j);
}

/* GET: the audit of the stored inventory for every role. The same checks as
 * {"stored": true}, read only: nothing is written, no event. */
static const vrule_t report_query[] = {
	{"host", V_STRING, 0, 1, 253, NULL, NULL},
};
const api_op_t op_data_report = {VRULES(report_query), NULL, NULL, 0, NULL};

int h_data_report(req_t *r)
{
	const char *host = req_query(r, "host");
	audit_t a = {.arena = r->arena};
	json_t *results, *rows, *summary;
	int truncated = 0;
	if (load_stored(r, &a, host, &truncated))
		return db_fail(r);
	if (audit_all(r->arena, &a, 0, &results, &rows, &summary) < 0)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *j = arena_json(r->arena, json_pack("{s:s, s:s?, s:b, s:O, s:o, s:O}",
		"mode", "stored", "host", host, "truncated", truncated, "summary", summary,
		"thresholds", thresholds_new(), "pages", results));
	return j ? reply_json(r, 200, j) : reply_problem(r, 500, "out of memory", NULL);
}
