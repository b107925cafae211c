/* level4_ai_content.c - #26 POST /api/level4/ai-content/analyze, #27 GET
 * /api/level4/ai-content/report and #28 POST /api/level4/ai-content/optimize.
 *
 * analyze: one page as html or text (marked text: "## " lines are
 * subheadings) with its title, meta description, slug (default: the URL's
 * path), keyphrase and language (de unless "en"). analysis/seo_checks.c
 * computes Yoast's checks with SPEC's thresholds, a light, a score and a
 * German and English explanation per check and the overall score (its
 * formula is `method.score` in the answer). Stored per page (normalised URL)
 * and version: changed content becomes the next version and appends a
 * `content.analyzed` event; the same content again refreshes the latest
 * version ("unchanged").
 *
 * report: the latest version of every page (or ?site=, ?url=), worst first,
 * with the trend of its scores over the versions, and the checks most
 * often red or orange across those pages; through the report cache.
 *
 * optimize: deterministic rewrites for the latest stored version of a page:
 * title candidates that fit 580 px and hold the keyphrase, meta descriptions
 * of 120-156 characters made of the page's own sentences, the long sentences
 * with a split point, the passive ones with their auxiliary, the sections
 * over 300 words without a subheading and internal links to pages sharing
 * entities (entity SEO, #1). With ZOE_LLM_URL set (llm.c), the provider is
 * asked in addition for a title, a meta description and rewrites of the
 * named long and passive sentences; each is checked by the same analysers
 * (580 px and the keyphrase, 120-156 characters and the keyphrase, no
 * sentence over 20 words and none passive) and kept in `llm` marked with
 * its source and model, or dropped there with the reason. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "json_in.h"
#include "llm.h"
#include "router.h"
#include "seo_checks.h"
#include "titlewidth.h"
#include "urlnorm.h"

#define URL_MAX 2000
#define TEXT_MAX 300000         /* code points of html or text */
#define ALTS_MAX 200

static const char *const langs[] = {"de", "en", NULL};
static const vrule_t analyze_rules[] = {
	{"url", V_URL, 1, 1, URL_MAX, NULL, NULL},
	{"html", V_STRING, 0, 1, TEXT_MAX, NULL, NULL},         /* html or text */
	{"text", V_STRING, 0, 1, TEXT_MAX, NULL, NULL},
	{"title", V_STRING, 0, 0, 300, NULL, NULL},
	{"meta_description", V_STRING, 0, 0, 1000, NULL, NULL},
	{"slug", V_STRING, 0, 0, 500, NULL, NULL},
	{"keyphrase", V_STRING, 0, 0, 100, NULL, NULL},
	{"lang", V_STRING, 0, 0, 0, langs, NULL},
};
static const vschema_t analyze_body = {"ContentAnalyze", VRULES(analyze_rules), NULL, 0, 0};
const api_op_t op_content_analyze = {NULL, 0, &analyze_body,
	"{\"url\": \"https://zoe-solar.de/ratgeber/solaranlage-kosten\", \"title\": "
	"\"Solaranlage: Kosten und Förderung 2025 | ZOE Solar\", \"meta_description\": "
	"\"Was kostet eine Solaranlage? Preise pro kWp, Speicher, Montage und die Förderung "
	"der KfW: so rechnen Sie Ihre Anlage ehrlich durch.\", \"keyphrase\": \"Solaranlage\", "
	"\"text\": \"# Was kostet eine Solaranlage?\\nEine Solaranlage für ein Einfamilienhaus "
	"kostet heute zwischen 1.300 und 1.800 Euro pro kWp. Wir rechnen Ihnen vor, wann "
	"sie sich lohnt.\\n## Förderung\\nDie KfW fördert Speicher mit einem Kredit.\"}",
	0, NULL};

/* What the request says, checked. */
typedef struct page {
	const char *url, *title, *meta, *slug, *keyphrase, *marked;
	char url_norm[URL_MAX + 64], site[256];
	enum text_lang lang;
	json_t *alts;           /* alt texts (strings or null), or NULL for text input */
} page_t;

static const char *trimmed(arena_t *a, const char *s)
{
	if (!s)
		return NULL;
	s += strspn(s, " \t\r\n");
	size_t n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	return n ? arena_strndup(a, s, n) : NULL;
}

/* Whether an object of list has `value` as its `key`: a field already named
 * (by the rule table, one error per field), a sentence already found. */
static int listed(json_t *list, const char *key, const char *value)
{
	json_t *e;
	size_t i;
	json_array_foreach(list, i, e)
		if (strcmp(json_string_value(json_object_get(e, key)), value) == 0)
			return 1;
	return 0;
}

/* 1 when v is a string without a word ("", "  ", "?!"). */
static int no_word(json_t *v)
{
	const char *s = json_string_value(v);
	return s && strlen(s) <= 1000 && text_word_count(s, strlen(s)) == 0;
}

/* The page's normal form, its site (host without "www.") and default slug. */
static int page_keys(arena_t *a, page_t *p)
{
	const char *host;
	if (urlnorm(p->url, p->url_norm, sizeof p->url_norm, NULL, 0) < 0)
		return -1;
	size_t n = urlnorm_host(p->url_norm, &host);
	if (n >= 4 && strncmp(host, "www.", 4) == 0)
		host += 4, n -= 4;
	snprintf(p->site, sizeof p->site, "%.*s", (int)n, host);
	if (!p->slug) {
		const char *path = host + n;
		p->slug = arena_strndup(a, path, strcspn(path, "?#"));
	}
	return 0;
}

/* html into marked text, alt texts, and the title/description it carries. */
static int from_html(arena_t *a, const char *html, page_t *p)
{
	json_t *x = arena_json(a, html_extract_new(html, strlen(html))), *img;
	char *m = x ? seo_marked_from_extract(x) : NULL;
	size_t i;
	if (!m || arena_cleanup(a, free, m) < 0) {
		free(m);
		return -1;
	}
	p->marked = m;
	if (!p->title)
		p->title = trimmed(a, json_string_value(json_object_get(x, "title")));
	if (!p->meta)
		p->meta = trimmed(a, json_string_value(json_object_get(x, "description")));
	p->alts = arena_json(a, json_array());
	json_array_foreach(json_object_get(x, "images"), i, img)
		if (i < ALTS_MAX)
			json_array_append(p->alts, json_object_get(img, "alt"));
	return p->alts ? 0 : -1;
}

/* Checks the body into p; 0 when good, -1 with errors added, -2 on OOM. */
static int read_page(arena_t *a, json_t *body, page_t *p, json_t *errors)
{
	memset(p, 0, sizeof *p);
	validate(body, VRULES(analyze_rules), "", errors);
	const char *html = json_string_value(json_object_get(body, "html"));
	const char *text = json_string_value(json_object_get(body, "text"));
	if (!html == !text && !listed(errors, "field", "html") && !listed(errors, "field", "text"))
		verr(errors, html ? "html" : "text", html ? "send html or text, not both" :
		     "is required (or html): the page's content");
	p->url = json_string_value(json_object_get(body, "url"));
	p->title = trimmed(a, json_string_value(json_object_get(body, "title")));
	p->meta = trimmed(a, json_string_value(json_object_get(body, "meta_description")));
	p->slug = trimmed(a, json_string_value(json_object_get(body, "slug")));
	p->keyphrase = trimmed(a, json_string_value(json_object_get(body, "keyphrase")));
	const char *lang = json_string_value(json_object_get(body, "lang"));
	p->lang = lang && strcmp(lang, "en") == 0 ? TEXT_LANG_EN : TEXT_LANG_DE;
	if (no_word(json_object_get(body, "keyphrase")))
		verr(errors, "keyphrase", "must contain a word");
	if (p->url && json_array_size(errors) == 0 && page_keys(a, p) < 0)
		verr(errors, "url", "must be an absolute http(s) URL with a host");
	if (json_array_size(errors))
		return -1;
	if (html)
		return from_html(a, html, p) < 0 ? -2 : 0;
	p->marked = text;
	return 0;
}

/* The analysis of p (arena-owned), NULL on OOM or a text too large. */
static json_t *analyse(arena_t *a, const page_t *p)
{
	const char **alts = NULL;
	size_t n = json_array_size(p->alts);
	if (n && !(alts = arena_calloc(a, n, sizeof *alts)))
		return NULL;
	for (size_t i = 0; i < n; i++)
		alts[i] = json_string_value(json_array_get(p->alts, i));
	seo_input_t in = {.text = p->marked, .len = strlen(p->marked), .title = p->title,
		.meta = p->meta, .slug = p->slug, .keyphrase = p->keyphrase, .alts = alts,
		.nalts = n, .images_known = p->alts != NULL, .lang = p->lang};
	return arena_json(a, seo_analyze_json_new(&in));
}

/* ---- storage ------------------------------------------------------------------ */

static const db_stmt_t q_lock = {"content_lock",
	"SELECT pg_advisory_xact_lock(hashtextextended('content:' || $1, 0))"};

/* $1 site, $2 url, $3 url_norm, $4 title, $5 meta, $6 slug, $7 keyphrase,
 * $8 lang, $9 body_text, $10 alts, $11 score, $12 readability, $13 seo,
 * $14 words, $15 flesch, $16 stats, $17 checks, $18 who. The latest version
 * is refreshed when the content hash is the same, else the next one is
 * inserted with its event. */
static const db_stmt_t q_store = {"content_store",
	"WITH h AS (SELECT encode(sha256(convert_to(concat_ws(E'\\x1f', $9::text, $4::text,"
	"  $5::text, $6::text, $7::text, $8::text, $10::text), 'UTF8')), 'hex') AS hash),"
	" last AS (SELECT id, version, content_hash, score FROM content_analyses"
	"  WHERE url_norm = $3 ORDER BY version DESC LIMIT 1),"
	" upd AS (UPDATE content_analyses c SET url = $2, score = $11::smallint,"
	"  readability_score = $12::smallint, seo_score = $13::smallint, words = $14::int,"
	"  flesch = $15::float8, stats = $16::jsonb, checks = $17::jsonb, analysed_at = now()"
	"  FROM last, h WHERE c.id = last.id AND last.content_hash = h.hash"
	"  RETURNING c.id, c.version, c.analysed_at),"
	" ins AS (INSERT INTO content_analyses (site, site_id, url, url_norm, version,"
	"  content_hash, title, meta_description, slug, keyphrase, lang, body_text, alts, score,"
	"  readability_score, seo_score, words, flesch, stats, checks)"
	"  SELECT $1, (SELECT s.id FROM sites s WHERE $1 IN (s.domain, 'www.' || s.domain)"
	"   ORDER BY s.id LIMIT 1), $2, $3, coalesce((SELECT version FROM last), 0) + 1, h.hash,"
	"   $4, $5, $6, $7, $8, $9, $10::jsonb, $11::smallint, $12::smallint, $13::smallint,"
	"   $14::int, $15::float8, $16::jsonb, $17::jsonb FROM h"
	"  WHERE NOT EXISTS (SELECT 1 FROM last, h WHERE last.content_hash = h.hash)"
	"  RETURNING id, version, analysed_at),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'content.analyzed', jsonb_build_object("
	"  'id', ins.id, 'site', $1::text, 'url', $2::text, 'version', ins.version,"
	"  'score', $11::int, 'previous_score', (SELECT score FROM last), 'by', $18::text)"
	"  FROM ins RETURNING id)"
	" SELECT id, version, 'unchanged', to_char(analysed_at AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), (SELECT score FROM last) FROM upd"
	" UNION ALL SELECT id, version, CASE WHEN version = 1 THEN 'created' ELSE 'new_version' END,"
	"  to_char(analysed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  (SELECT score FROM last) FROM ins, (SELECT count(*) FROM ev) e"};

static const char *int_or_null(arena_t *a, json_t *v)
{
	return json_is_integer(v) ? arena_printf(a, "%lld", (long long)json_integer_value(v)) : NULL;
}

/* Stores analysis `out` of p in one transaction and adds id, version,
 * status, analysed_at and previous_score to it; -1 on a database error. */
static int store(arena_t *a, const page_t *p, json_t *out, const char *who)
{
	json_t *st = json_object_get(out, "stats");
	const char *prm[] = {p->site, p->url, p->url_norm, p->title, p->meta, p->slug,
		p->keyphrase, text_lang_code(p->lang), p->marked,
		p->alts ? arena_json_text(a, p->alts) : "[]", int_or_null(a, json_object_get(out, "score")),
		int_or_null(a, json_object_get(out, "readability_score")),
		int_or_null(a, json_object_get(out, "seo_score")),
		int_or_null(a, json_object_get(st, "words")),
		arena_printf(a, "%.17g", json_number_value(json_object_get(st, "flesch"))),
		arena_json_text(a, st), arena_json_text(a, json_object_get(out, "checks")), who};
	if (!prm[9] || !prm[13] || !prm[14] || !prm[15] || !prm[16] || !who)
		return -1;
	PGresult *res = NULL;
	const char *lk[] = {p->url_norm};
	if (db_begin() != 0 || !db_run(a, &q_lock, 1, lk) || !(res = db_run(a, &q_store, 18, prm)) ||
	    db_commit() != 0) {
		if (db_in_transaction())
			db_rollback();
		return -1;
	}
	json_object_set_new(out, "id", json_integer((json_int_t)db_getll(res, 0, 0, 0)));
	json_object_set_new(out, "version", json_integer((json_int_t)db_getll(res, 0, 1, 0)));
	json_object_set_new(out, "status", json_string(db_get(res, 0, 2)));
	json_object_set_new(out, "analysed_at", json_string(db_get(res, 0, 3)));
	json_object_set_new(out, "previous_score", db_get(res, 0, 4) ?
			    json_integer(db_getll(res, 0, 4, 0)) : json_null());
	return 0;
}

static json_t *page_json(const page_t *p, json_t *analysis)
{
	json_object_set_new(analysis, "url", json_string(p->url));
	json_object_set_new(analysis, "site", json_string(p->site));
	json_object_set_new(analysis, "slug", p->slug ? json_string(p->slug) : json_null());
	json_object_set_new(analysis, "keyphrase", p->keyphrase ? json_string(p->keyphrase) :
			    json_null());
	json_object_set_new(analysis, "title", p->title ? json_string(p->title) : json_null());
	return analysis;
}

int h_content_analyze(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	page_t *p = arena_alloc(r->arena, sizeof *p);
	if (!errors || !p)
		return reply_problem(r, 500, "out of memory", NULL);
	int rc = read_page(r->arena, body, p, errors);
	if (rc == -1)
		return reply_invalid(r, json_incref(errors));
	if (rc == -2)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *out = analyse(r->arena, p);
	if (!out) {
		verr(errors, json_object_get(body, "html") ? "html" : "text", "has more than %d "
		     "paragraphs or %d sentences", RD_BLOCKS_MAX, RD_SENTENCES_MAX);
		return reply_invalid(r, json_incref(errors));
	}
	page_json(p, out);
	return store(r->arena, p, out, req_actor(r)) == 0 ? reply_json(r, 200, out) : db_fail(r);
}

/* ---- report ------------------------------------------------------------------- */

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* $1 site or NULL, $2 url_norm or NULL, $3 limit. Latest version per page,
 * worst first; the checks red or orange most often across them. */
static const db_stmt_t q_report = {"content_report",
	"WITH latest AS (SELECT DISTINCT ON (url_norm) * FROM content_analyses"
	"  WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR url_norm = $2)"
	"  ORDER BY url_norm, version DESC)"
	" SELECT json_build_object("
	" 'pages_count', (SELECT count(*) FROM latest),"
	" 'mean_score', (SELECT round(avg(score), 1)::float8 FROM latest),"
	" 'worst_checks', (SELECT coalesce(json_agg(json_build_object('id', id, 'group', grp,"
	"   'red', red, 'orange', orange, 'pages', red + orange) ORDER BY red DESC, orange DESC, id), '[]')"
	"  FROM (SELECT c->>'id' AS id, c->>'group' AS grp,"
	"   count(*) FILTER (WHERE c->>'light' = 'red') AS red,"
	"   count(*) FILTER (WHERE c->>'light' = 'orange') AS orange"
	"   FROM latest, jsonb_array_elements(latest.checks) c GROUP BY 1, 2"
	"   HAVING count(*) FILTER (WHERE c->>'light' IN ('red', 'orange')) > 0) t),"
	" 'pages', (SELECT coalesce(json_agg(json_build_object('url', url, 'site', site,"
	"   'version', version, 'score', score, 'readability_score', readability_score,"
	"   'seo_score', seo_score, 'words', words, 'flesch', flesch, 'keyphrase', keyphrase,"
	"   'title', title, 'analysed_at', " TS("analysed_at") ", 'stats', stats, 'checks', checks,"
	"   'red_checks', (SELECT coalesce(json_agg(c->>'id' ORDER BY o), '[]')"
	"     FROM jsonb_array_elements(l.checks) WITH ORDINALITY x(c, o) WHERE c->>'light' = 'red'),"
	"   'change', score - (SELECT v.score FROM content_analyses v WHERE v.url_norm = l.url_norm"
	"     AND v.version < l.version ORDER BY v.version DESC LIMIT 1),"
	"   'trend', (SELECT json_agg(json_build_object('version', v.version, 'score', v.score,"
	"     'readability_score', v.readability_score, 'seo_score', v.seo_score,"
	"     'flesch', v.flesch, 'words', v.words, 'analysed_at', " TS("v.analysed_at") ")"
	"     ORDER BY v.version) FROM content_analyses v WHERE v.url_norm = l.url_norm))"
	"   ORDER BY score NULLS FIRST, url), '[]')"
	"  FROM (SELECT * FROM latest ORDER BY score NULLS FIRST, url LIMIT $3::int) l))"};

static const db_stmt_t q_content_stamp = {"q_content_stamp",
	"SELECT (SELECT last_value FROM data_version_content)::text"};

static const vrule_t report_query[] = {
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
	{"url", V_URL, 0, 1, URL_MAX, NULL, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
};
static void report_check(req_t *r, json_t *errors)
{
	const char *site = req_query(r, "site");
	if (site && strpbrk(site, "/ :?#"))
		verr(errors, "site", "must be a site's domain, e.g. zoe-solar.de");
}
const api_op_t op_content_report = {VRULES(report_query), NULL, NULL, 0, report_check};

int h_content_report(req_t *r)
{
	if (cache_serve(r, &q_content_stamp))
		return 0;
	const char *site = req_query(r, "site"), *url = req_query(r, "url");
	const char *limit = req_query(r, "limit");
	char norm[URL_MAX + 64];
	if (site && strncmp(site, "www.", 4) == 0)
		site += 4;
	if (url && urlnorm(url, norm, sizeof norm, NULL, 0) < 0)
		return reply_problem(r, 422, "url must be an absolute http(s) URL", NULL);
	const char *p[] = {site, url ? norm : NULL, limit ? limit : "100"};
	PGresult *res = db_run(r->arena, &q_report, 3, p);
	if (!res)
		return db_fail(r);
	json_t *out = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	if (!out)
		return reply_problem(r, 500, "out of memory", NULL);
	json_object_set_new(out, "site", site ? json_string(site) : json_null());
	json_object_set_new(out, "method", seo_method_json_new());
	return reply_json(r, 200, out);
}

/* ---- optimize ------------------------------------------------------------------- */

#define META_MIN 120
#define META_MAX 156
#define CANDIDATES 3
#define FINDINGS_MAX 50

static const vrule_t optimize_rules[] = {
	{"url", V_URL, 1, 1, URL_MAX, NULL, NULL},
	{"keyphrase", V_STRING, 0, 1, 100, NULL, NULL},        /* default: the stored one */
};
static const vschema_t optimize_body = {"ContentOptimize", VRULES(optimize_rules), NULL, 0, 0};
const api_op_t op_content_optimize = {NULL, 0, &optimize_body,
	"{\"url\": \"https://zoe-solar.de/photovoltaik-gewerbe\"}", 0, NULL};

static const db_stmt_t q_latest = {"content_latest",
	"SELECT url, version, title, meta_description, slug, keyphrase, lang, body_text"
	" FROM content_analyses WHERE url_norm = $1 ORDER BY version DESC LIMIT 1"};

/* Pages sharing entities with $1 (url_norm) in entity SEO (#1), most shared
 * first; the anchor is the shared entity most salient on the target page. */
static const db_stmt_t q_links = {"content_links",
	"WITH me AS (SELECT id FROM entity_analyses WHERE url_norm = $1),"
	" mine AS (SELECT entity_id FROM entity_mentions WHERE analysis_id = (SELECT id FROM me))"
	" SELECT coalesce(json_agg(json_build_object('url', url, 'title', title,"
	"  'anchor', anchor, 'shared_entities', shared, 'entities', names)"
	"  ORDER BY shared DESC, weight DESC, url), '[]')"
	" FROM (SELECT ea.url, ea.title, count(*) AS shared, sum(m.salience) AS weight,"
	"  (array_agg(e.name ORDER BY m.salience DESC, e.name))[1] AS anchor,"
	"  array_agg(e.name ORDER BY m.salience DESC, e.name) AS names"
	"  FROM entity_mentions m JOIN mine USING (entity_id)"
	"  JOIN entity_analyses ea ON ea.id = m.analysis_id JOIN entities e ON e.id = m.entity_id"
	"  WHERE m.analysis_id <> (SELECT id FROM me) GROUP BY ea.id, ea.url, ea.title"
	"  ORDER BY shared DESC, weight DESC, ea.url LIMIT 5) t"};

/* kp with its first letter capitalised (ASCII and German umlauts). */
static char *capitalised(arena_t *a, const char *kp)
{
	char *s = arena_strdup(a, kp);
	unsigned char *u = (unsigned char *)s;
	if (!s)
		return NULL;
	if (u[0] >= 'a' && u[0] <= 'z')
		u[0] = (unsigned char)(u[0] - 32);
	else if (u[0] == 0xC3 && (u[1] == 0xA4 || u[1] == 0xB6 || u[1] == 0xBC))
		u[1] = (unsigned char)(u[1] - 0x20);
	return s;
}

static int has_kp(const char *s, const char *kp, enum text_lang lang)
{
	return s && seo_keyphrase_count(s, strlen(s), kp, lang, 0) > 0;
}

static void add_title(arena_t *a, json_t *list, const char *t, const char *kp, enum text_lang lang)
{
	size_t cap = strlen(t) + 8;
	char *fit = arena_alloc(a, cap);
	json_t *c;
	size_t i;
	if (!fit || titlewidth_shorten(t, TITLEWIDTH_LIMIT_PX, fit, cap, NULL) < 0 ||
	    !has_kp(fit, kp, lang) || json_array_size(list) >= CANDIDATES)
		return;
	json_array_foreach(list, i, c)
		if (strcmp(json_string_value(json_object_get(c, "title")), fit) == 0)
			return;
	double px = round(titlewidth_px(fit) * 10) / 10;
	json_array_append_new(list, json_pack("{s:s, s:f, s:b}", "title", fit, "px", px,
		"within_400_600", px >= 400));
}

/* Up to three titles within 580 px holding the keyphrase, built from the
 * current title (without its brand), the first heading and the brand. */
static json_t *title_candidates(arena_t *a, const char *title, const char *h1, const char *kp,
				enum text_lang lang)
{
	json_t *list = json_array();
	const char *t = title ? title : h1 ? h1 : kp, *K = capitalised(a, kp);
	size_t core_n = title ? titlewidth_brand(title) : 0;
	const char *brand = "", *core = core_n ? arena_strndup(a, t, core_n) : t;
	if (core_n) {
		brand = title + core_n;
		brand += strspn(brand, " |–-·:");
	}
	if (!list || !K || !core)
		return list;
	const char *sep = *brand ? " | " : "";
	const char *forms[] = {
		has_kp(core, kp, lang) ? arena_printf(a, "%s%s%s", core, sep, brand) : NULL,
		has_kp(core, kp, lang) ? NULL : arena_printf(a, "%s: %s%s%s", K, core, sep, brand),
		h1 && !has_kp(h1, kp, lang) ? arena_printf(a, "%s – %s%s%s", K, h1, sep, brand) :
		h1 ? arena_printf(a, "%s%s%s", h1, sep, brand) : NULL,
		arena_printf(a, "%s%s%s", K, sep, brand),
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
		if (forms[i])
			add_title(a, list, forms[i], kp, lang);
	return list;
}

static size_t cps(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* Meta descriptions of META_MIN..META_MAX characters made of consecutive
 * sentences of one paragraph; those holding the keyphrase first, then in
 * the order of the page. */
static json_t *meta_candidates(arena_t *a, const rd_doc_t *d, const char *kp)
{
	json_t *with = json_array(), *without = json_array();
	for (size_t i = 0; with && without && i < d->nsent; i++) {
		const rd_sentence_t *x = &d->sent[i];
		if (d->blocks[x->block].heading)
			continue;
		size_t j = i, end = x->off + x->len;
		while (j + 1 < d->nsent && d->sent[j + 1].block == x->block &&
		       cps(d->s + x->off, d->sent[j + 1].off + d->sent[j + 1].len - x->off) <= META_MAX) {
			j++;
			end = d->sent[j].off + d->sent[j].len;
		}
		size_t n = cps(d->s + x->off, end - x->off);
		if (n < META_MIN || n > META_MAX)
			continue;
		char *m = arena_strndup(a, d->s + x->off, end - x->off);
		int k = m && has_kp(m, kp, d->lang);
		if (m && json_array_size(k ? with : without) < CANDIDATES)
			json_array_append_new(k ? with : without, json_pack("{s:s, s:I, s:b}",
				"description", m, "chars", (json_int_t)n, "keyphrase", k));
	}
	json_array_extend(with, without);
	while (json_array_size(with) > CANDIDATES)
		json_array_remove(with, CANDIDATES);
	json_decref(without);
	return with;
}

static json_t *span_str(const rd_doc_t *d, size_t from, size_t to)
{
	while (from < to && strchr(" \t", d->s[from]))
		from++;
	while (to > from && strchr(" \t,;:", d->s[to - 1]))
		to--;
	return json_stringn(d->s + from, to - from);
}

/* The long sentences with their split point, the passive ones with their auxiliary. */
static void sentence_findings(const rd_doc_t *d, json_t *longs, json_t *passives)
{
	for (size_t i = 0; i < d->nsent; i++) {
		const rd_sentence_t *x = &d->sent[i];
		size_t end = x->off + x->len;
		if (x->words > RD_LONG_SENTENCE && json_array_size(longs) < FINDINGS_MAX)
			json_array_append_new(longs, json_pack("{s:o, s:I, s:o, s:o}",
				"sentence", json_stringn(d->s + x->off, x->len),
				"words", (json_int_t)x->words,
				"first_part", x->split ? span_str(d, x->off, x->split) : json_null(),
				"second_part", x->split ? span_str(d, x->split, end) : json_null()));
		if ((x->passive || x->passive_grammar) && json_array_size(passives) < FINDINGS_MAX) {
			size_t aux = x->passive ? x->passive_aux : x->grammar_aux, n = aux;
			while (n < end && !strchr(" ,.;:!?", d->s[n]))
				n++;
			json_array_append_new(passives, json_pack("{s:o, s:o, s:b}", "sentence",
				json_stringn(d->s + x->off, x->len), "auxiliary",
				json_stringn(d->s + aux, n - aux), "yoast", x->passive));
		}
	}
}

/* Bytes of s[0..n) up to the last space within `max` bytes (all when shorter). */
static size_t words_within(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && s[k] != ' ')
		k--;
	return k ? k : max - (max > 3 ? 3 : 0);
}

/* Sections over RD_SECTION_MAX words without a subheading: the heading they
 * follow, their words and the paragraph before which one would split them
 * in the middle. */
static json_t *section_findings(const rd_doc_t *d)
{
	json_t *out = json_array();
	for (size_t b = 0; out && b < d->nblocks; ) {
		size_t start = d->blocks[b].heading ? b + 1 : b, e = start, words = 0;
		while (e < d->nblocks && !d->blocks[e].heading)
			words += d->blocks[e++].words;
		if (words > RD_SECTION_MAX && e - start >= 1) {
			size_t run = 0, best = start, best_d = (size_t)-1;
			for (size_t k = start; k < e; k++) {
				size_t dd = run > words / 2 ? run - words / 2 : words / 2 - run;
				if (k > start && dd < best_d)
					best = k, best_d = dd;
				run += d->blocks[k].words;
			}
			const rd_block_t *p = &d->blocks[best];
			json_array_append_new(out, json_pack("{s:o, s:I, s:o}", "after_heading",
				d->blocks[b].heading ? json_stringn(d->s + d->blocks[b].off,
					d->blocks[b].len) : json_null(), "words", (json_int_t)words,
				"split_before", best > start ? json_stringn(d->s + p->off,
					words_within(d->s + p->off, p->len, 80)) : json_null()));
		}
		b = e > b ? e : b + 1;
	}
	return out;
}

static const char *first_heading(arena_t *a, const rd_doc_t *d)
{
	for (size_t b = 0; b < d->nblocks; b++)
		if (d->blocks[b].heading)
			return arena_strndup(a, d->s + d->blocks[b].off, d->blocks[b].len);
	return NULL;
}

static json_t *optimize_method(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		"titles", "the current title without its brand, the keyphrase before it, the "
		"first heading, the keyphrase with the brand; each shortened to 580 px "
		"(analysis/titlewidth) and kept when it still holds the keyphrase",
		"meta_descriptions", "consecutive sentences of one paragraph of the page, "
		"120-156 characters; those holding the keyphrase first",
		"long_sentences", "over 20 words; split after the comma, semicolon or colon, or "
		"before the conjunction, nearest the middle word",
		"passive_sentences", "a form of werden (or be) with a past participle in one clause: "
		"yoast true when Yoast's definition counts it (analysis method.passive), false when "
		"only German grammar does (eingespeist, angeschlossen)",
		"missing_subheadings", "text over 300 words without a subheading; a subheading "
		"fits before the paragraph nearest the middle",
		"internal_links", "pages sharing entities found by entity SEO (#1), most shared "
		"first; anchor: the shared entity most salient on the target page",
		"llm", "only with an LLM provider (ZOE_LLM_URL): its title, meta description and "
		"rewrites of the sentences above, each kept when it passes the same checks (580 px "
		"and the keyphrase; 120-156 characters and the keyphrase; no sentence over 20 words, "
		"none passive), else dropped with the reason");
}

/* The rewrites for the stored version in row 0 of res. */
static json_t *rewrites(arena_t *a, PGresult *res, const char *kp_in, PGresult *links)
{
	const char *body = db_get(res, 0, 7), *kp = kp_in ? kp_in : db_get(res, 0, 5);
	enum text_lang lang = text_lang_parse(db_get(res, 0, 6));
	rd_doc_t d;
	if (rd_analyze(body, strlen(body), lang, &d) < 0)
		return NULL;
	json_t *longs = json_array(), *passives = json_array();
	sentence_findings(&d, longs, passives);
	json_t *out = json_pack("{s:s, s:I, s:s?, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:n, s:o}",
		"url", db_get(res, 0, 0), "version", (json_int_t)db_getll(res, 0, 1, 0),
		"keyphrase", kp, "lang", text_lang_code(lang),
		"title_candidates", kp ? title_candidates(a, db_get(res, 0, 2), first_heading(a, &d),
							  kp, lang) : json_array(),
		"meta_candidates", meta_candidates(a, &d, kp ? kp : ""),
		"long_sentences", longs, "passive_sentences", passives,
		"missing_subheadings", section_findings(&d),
		"internal_links", json_loads(db_get(links, 0, 0), 0, NULL), "llm",
		"method", optimize_method());
	rd_free(&d);
	return arena_json(a, out);
}

/* ---- optimize: the LLM provider (optional) ------------------------------------------ */

#define LLM_BODY_MAX 12000      /* bytes of the page's text sent along */

static const char rewrite_prompt[] =
	"Du überarbeitest Webseitentexte für ZOE Solar (Photovoltaik, Speicher, Wallboxen) in "
	"der Sprache der Seite. Verwende nur, was im Text steht: keine neuen Zahlen, Preise, "
	"Namen oder Versprechen. Antworte nur mit einem JSON-Objekt {\"title\": \"…\", "
	"\"meta\": \"…\", \"sentences\": [{\"sentence\": \"…\", \"rewrite\": \"…\"}]}. "
	"title: höchstens 580 Pixel breit (etwa 55 Zeichen), mit der Keyphrase. meta: 120 bis 156 "
	"Zeichen, mit der Keyphrase. sentences: für jeden genannten langen oder passiven Satz "
	"(sentence wörtlich wie genannt) eine Umformulierung im Aktiv aus Sätzen von höchstens 20 "
	"Wörtern. Kein HTML.";

/* n bytes of s or fewer, ending on a character boundary. */
static size_t utf8_cut(const char *s, size_t n)
{
	size_t len = strlen(s);
	if (len <= n)
		return len;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Why a suggestion fails our checks: a code and its figures for the dashboard
 * to word in its language, and the reason in English for everyone else. */
typedef struct fault {
	const char *code;
	json_t *params;         /* new reference, or NULL */
	const char *reason;
} fault_t;

static fault_t fault(const char *code, json_t *params, const char *reason)
{
	return (fault_t){code, params, reason};
}

/* A suggestion dropped with why; its text as far as the first 500 bytes. */
static void llm_drop(json_t *llm, const char *field, const char *text, fault_t why)
{
	json_array_append_new(json_object_get(llm, "dropped"), json_pack("{s:s, s:s%, s:s, s:s, s:o}",
		"field", field, "text", text, utf8_cut(text, 500), "reason", why.reason,
		"code", why.code, "params", why.params ? why.params : json_object()));
}

/* Why a rewrite of a long or passive sentence fails (code NULL: it passes). */
static fault_t rewrite_fault(arena_t *a, const char *text, enum text_lang lang, unsigned *maxw)
{
	rd_doc_t d;
	fault_t why = {0};
	*maxw = 0;
	if (rd_analyze(text, strlen(text), lang, &d) < 0)
		return fault("unreadable", NULL, "cannot be analysed");
	for (size_t i = 0; i < d.nsent; i++) {
		if (d.sent[i].words > *maxw)
			*maxw = d.sent[i].words;
		if (!why.code && d.sent[i].passive)
			why = fault("still_passive", json_pack("{s:s%}", "sentence",
				d.s + d.sent[i].off, (size_t)d.sent[i].len), arena_printf(a,
				"is still passive: %.*s", (int)d.sent[i].len, d.s + d.sent[i].off));
	}
	size_t n = d.nsent;
	rd_free(&d);
	if (!why.code && *maxw > RD_LONG_SENTENCE)
		why = fault("long_sentence", json_pack("{s:i, s:i}", "words", (int)*maxw, "max",
			RD_LONG_SENTENCE), arena_printf(a, "holds a sentence of %u words (over %d)",
			*maxw, RD_LONG_SENTENCE));
	if (!why.code && !n)
		why = fault("empty", NULL, "is empty");
	return why;
}

/* Checks the provider's answer into llm: what passes is kept, the rest dropped with why. */
static void llm_check(arena_t *a, json_t *doc, json_t *out, const char *kp, enum text_lang lang,
		      const char *model)
{
	json_t *llm = json_object_get(out, "llm"), *x;
	const char *title = json_string_value(json_object_get(doc, "title"));
	const char *meta = json_string_value(json_object_get(doc, "meta"));
	json_t *sents = json_object_get(doc, "sentences");
	size_t i;
	if (title) {
		double px = round(titlewidth_px(title) * 10) / 10;
		fault_t why = strlen(title) > 300 || strpbrk(title, "<>") ?
			fault("not_plain", NULL, "is not a plain title") :
			px > TITLEWIDTH_LIMIT_PX ? fault("too_wide", json_pack("{s:f, s:i}", "px", px,
				"max", TITLEWIDTH_LIMIT_PX), arena_printf(a, "is %.1f px wide, over %d px",
				px, TITLEWIDTH_LIMIT_PX)) :
			!has_kp(title, kp, lang) ?
			fault("no_keyphrase", NULL, "does not hold the keyphrase") : (fault_t){0};
		if (why.code)
			llm_drop(llm, "title", title, why);
		else
			json_array_append_new(json_object_get(llm, "title_candidates"), json_pack(
				"{s:s, s:f, s:b, s:s, s:s?}", "title", title, "px", px, "within_400_600",
				px >= 400, "source", "llm", "model", model));
	}
	if (meta) {
		size_t n = cps(meta, strlen(meta));
		fault_t why = strpbrk(meta, "<>") ? fault("not_plain", NULL, "is not plain text") :
			n < META_MIN || n > META_MAX ? fault("length", json_pack("{s:I, s:i, s:i}",
				"chars", (json_int_t)n, "min", META_MIN, "max", META_MAX), arena_printf(a,
				"has %zu characters, not %d-%d", n, META_MIN, META_MAX)) :
			!has_kp(meta, kp, lang) ?
			fault("no_keyphrase", NULL, "does not hold the keyphrase") : (fault_t){0};
		if (why.code)
			llm_drop(llm, "meta", meta, why);
		else
			json_array_append_new(json_object_get(llm, "meta_candidates"), json_pack(
				"{s:s, s:I, s:b, s:s, s:s?}", "description", meta, "chars", (json_int_t)n,
				"keyphrase", 1, "source", "llm", "model", model));
	}
	json_array_foreach(json_is_array(sents) ? sents : NULL, i, x) {
		const char *s = json_string_value(json_object_get(x, "sentence"));
		const char *rw = json_string_value(json_object_get(x, "rewrite"));
		unsigned maxw = 0;
		if (i >= 2 * FINDINGS_MAX || !s || !rw)
			continue;
		fault_t why = strlen(rw) > 2000 || strpbrk(rw, "<>") ?
			fault("not_plain", NULL, "is not plain text") :
			!listed(json_object_get(out, "long_sentences"), "sentence", s) &&
			!listed(json_object_get(out, "passive_sentences"), "sentence", s) ?
			fault("not_listed", NULL, "rewrites a sentence that is neither long nor passive here") :
			rewrite_fault(a, rw, lang, &maxw);
		if (why.code)
			llm_drop(llm, "sentences", rw, why);
		else
			json_array_append_new(json_object_get(llm, "sentence_rewrites"), json_pack(
				"{s:s, s:s, s:i, s:s, s:s?}", "sentence", s, "rewrite", rw,
				"max_words", (int)maxw, "source", "llm", "model", model));
	}
}

/* Asks the provider for the stored version in row 0 of res and adds its
 * suggestions (or error) to out's `llm`. */
static void llm_rewrites(arena_t *a, PGresult *res, json_t *out)
{
	const char *kp = json_string_value(json_object_get(out, "keyphrase"));
	const char *body = db_get(res, 0, 7), *title = db_get(res, 0, 2), *meta = db_get(res, 0, 3);
	enum text_lang lang = text_lang_parse(db_get(res, 0, 6));
	json_t *named = json_array(), *x, *doc = NULL;
	const char *model = NULL;
	char err[240] = "";
	size_t i;
	json_t *llm = json_pack("{s:n, s:n, s:[], s:[], s:[], s:[]}", "model", "error",
		"title_candidates", "meta_candidates", "sentence_rewrites", "dropped");
	json_object_set_new(out, "llm", llm ? llm : json_null());
	json_array_foreach(json_object_get(out, "long_sentences"), i, x)
		json_array_append(named, json_object_get(x, "sentence"));
	json_array_foreach(json_object_get(out, "passive_sentences"), i, x)
		json_array_append(named, json_object_get(x, "sentence"));
	char *list = arena_json_text(a, arena_json(a, named));
	char *user = list ? arena_printf(a, "Sprache: %s\nKeyphrase: %s\nTitel: %s\nMeta: %s\n"
		"Lange oder passive Sätze (JSON): %s\nText:\n%.*s", text_lang_code(lang), kp,
		title ? title : "", meta ? meta : "", list, (int)utf8_cut(body, LLM_BODY_MAX), body) :
		NULL;
	if (!llm)
		return;
	if (!kp)
		snprintf(err, sizeof err, "no keyphrase: none is stored and none was sent");
	else if (!user)
		snprintf(err, sizeof err, "out of memory");
	else if (llm_chat(a, rewrite_prompt, user, &doc, &model, err, sizeof err) == 0 &&
		 !json_is_string(json_object_get(doc, "title")) &&
		 !json_is_string(json_object_get(doc, "meta")) &&
		 !json_is_array(json_object_get(doc, "sentences")))
		snprintf(err, sizeof err, "the answer is not {\"title\", \"meta\", \"sentences\"} in "
			 "choices[0].message.content");
	json_object_set_new(llm, "model", model ? json_string(model) : json_null());
	if (*err)
		json_object_set_new(llm, "error", json_string(err));
	else
		llm_check(a, doc, out, kp, lang, model);
}

int h_content_optimize(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	char norm[URL_MAX + 64];
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	validate(body, VRULES(optimize_rules), "", errors);
	const char *url = json_string_value(json_object_get(body, "url"));
	const char *kp = trimmed(r->arena, json_string_value(json_object_get(body, "keyphrase")));
	if (no_word(json_object_get(body, "keyphrase")))
		verr(errors, "keyphrase", "must contain a word");
	if (json_array_size(errors) == 0 && urlnorm(url, norm, sizeof norm, NULL, 0) < 0)
		verr(errors, "url", "must be an absolute http(s) URL with a host");
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	const char *p[] = {norm};
	PGresult *res = db_run(r->arena, &q_latest, 1, p), *links;
	if (!res)
		return db_fail(r);
	if (PQntuples(res) == 0)
		return reply_problem(r, 404, "no content analysis is stored for this URL: "
				     "POST /api/level4/ai-content/analyze first", NULL);
	if (!(links = db_run(r->arena, &q_links, 1, p)))
		return db_fail(r);
	json_t *out = rewrites(r->arena, res, kp, links);
	if (out && llm_enabled())
		llm_rewrites(r->arena, res, out);
	return out ? reply_json(r, 200, out) : reply_problem(r, 500, "out of memory", NULL);
}

/* ---- demo ------------------------------------------------------------------------- */

/* The demo pages not analysed yet as two requests each: version 1, a draft
 * of the first paragraph, and version 2, the page as published. The
 * keyphrase is the title's leading clause. */
static const db_stmt_t q_demo = {"content_demo",
	"WITH p AS (SELECT url, title, meta_description, path,"
	"  coalesce('# ' || h1s[1] || E'\\n', '') AS head, body_text,"
	"  trim(split_part(split_part(split_part(coalesce(title, h1s[1], ''), ' | ', 1),"
	"   ': ', 1), ' – ', 1)) AS kp"
	"  FROM pages WHERE body_text IS NOT NULL AND body_text <> ''"
	"  AND NOT EXISTS (SELECT 1 FROM content_analyses c WHERE c.url_norm = pages.url_norm))"
	" SELECT json_build_object('url', url, 'title', title, 'meta_description', meta_description,"
	"  'keyphrase', nullif(kp, ''), 'text', head || CASE WHEN v = 1"
	"   THEN split_part(body_text, E'\\n', 1) ELSE body_text END)::text"
	" FROM p, generate_series(1, 2) v ORDER BY v, path"};

/* Analyses and stores the demo pages (zoe seed --demo); 0/-1. Idempotent. */
int content_seed_demo(void)
{
	arena_t *a = arena_new(1 << 16);
	PGresult *res = a ? db_run(NULL, &q_demo, 0, NULL) : NULL;
	int rc = res ? 0 : -1, i;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		json_t *body = arena_json(a, json_loads(db_get(res, i, 0), 0, NULL));
		json_t *errors = arena_json(a, json_array()), *out = NULL;
		page_t *p = arena_alloc(a, sizeof *p);
		rc = body && errors && p && read_page(a, body, p, errors) == 0 &&
		     (out = analyse(a, p)) && store(a, p, out, "seed") == 0 ? 0 : -1;
		arena_reset(a);
	}
	if (rc == 0 && i)
		printf("zoe seed: content analyses of %d pages in two versions\n", i / 2);
	else if (rc != 0)
		fprintf(stderr, "zoe seed: content analysis %d failed: %s\n", i, db_last_message());
	PQclear(res);
	if (a)
		arena_free(a);
	return rc;
}
