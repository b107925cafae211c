/* level4_intl_languages.c - #42 POST /api/level4/intl-local/languages and its
 * read-only GET (the stored clusters).
 *
 * POST: one cluster of language versions, by name. Either the site's URL
 * list (`versions`: [{hreflang, url}]) or its pages as they are: each with
 * its URL and its hreflang tags, given as `alternates` or inside the page's
 * `html` (the <link rel="alternate" hreflang> and rel="canonical" tags and
 * the visible text are read from it). analysis/hreflang.c checks codes
 * (en-UK → en-GB), absolute URLs, self links, return links (a missing one
 * voids the pair), x-default, canonical consistency and duplicates, and the
 * regional spelling of de-CH and de-AT text; it writes the corrected <link>
 * tags per page and the sitemap xhtml:link block. Input that cannot be
 * checked (no URL, a page URL that is not absolute, too much) is a 422;
 * what is wrong with the annotations is the answer. The verdict is stored
 * per cluster name with an `hreflang.checked` event when it changed.
 *
 * GET: the stored clusters, worst first, through the report cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "hreflang.h"
#include "html.h"
#include "json_in.h"
#include "jsonld.h"
#include "router.h"

#define PAGES_MAX 50
#define LINKS_MAX 200
#define HTML_MAX (512 * 1024)

static const vrule_t link_rules[] = {
	{"hreflang", V_STRING, 1, 1, 40, NULL, NULL},
	{"href", V_STRING, 1, 1, 2000, NULL, NULL},
};
static const vschema_t link_schema = {"HreflangLink", VRULES(link_rules), NULL, 0, 0};
static const vrule_t version_rules[] = {
	{"hreflang", V_STRING, 1, 1, 40, NULL, NULL},
	{"url", V_URL, 1, 1, 2000, NULL, NULL},
};
static const vschema_t version_schema = {"HreflangVersion", VRULES(version_rules), NULL, 0, 0};
static const vrule_t page_rules[] = {
	{"url", V_URL, 1, 1, 2000, NULL, NULL},
	{"hreflang", V_STRING, 0, 1, 40, NULL, NULL},   /* the code the page is meant for */
	{"canonical", V_STRING, 0, 1, 2000, NULL, NULL},
	{"alternates", V_ARRAY, 0, 0, LINKS_MAX, NULL, &link_schema},
	{"html", V_STRING, 0, 1, HTML_MAX, NULL, NULL},
	{"text", V_STRING, 0, 1, HTML_MAX, NULL, NULL},
};
static const vschema_t page_schema = {"HreflangPage", VRULES(page_rules), NULL, 0, 0};
static const vrule_t body_rules[] = {
	{"name", V_STRING, 1, 1, 200, NULL, NULL},
	{"versions", V_ARRAY, 0, 1, PAGES_MAX, NULL, &version_schema},
	{"pages", V_ARRAY, 0, 1, PAGES_MAX, NULL, &page_schema},
};
static const vschema_t body_schema = {"HreflangCluster", VRULES(body_rules), NULL, 0, 0};
const api_op_t op_local_languages = {NULL, 0, &body_schema,
	"{\"name\": \"startseite\", \"pages\": [{\"url\": \"https://zoe-solar.de/\", \"html\": "
	"\"<link rel=\\\"alternate\\\" hreflang=\\\"de-DE\\\" href=\\\"https://zoe-solar.de/\\\">"
	"<link rel=\\\"alternate\\\" hreflang=\\\"en-UK\\\" href=\\\"https://zoe-solar.de/en/\\\">\"}, "
	"{\"url\": \"https://zoe-solar.de/en/\", \"alternates\": [{\"hreflang\": \"en-GB\", "
	"\"href\": \"https://zoe-solar.de/en/\"}]}]}", 0, NULL};

/* Reads page i (from `pages`) into p; 0, or -1 after naming errors. */
static int read_page(json_t *pg, size_t i, hreflang_page_t *p, arena_t *a, json_t *errors)
{
	const char *f = arena_printf(a, "pages[%zu]", i);
	json_t *alts = json_object_get(pg, "alternates"), *l;
	size_t k;
	if (!json_is_object(pg))
		return verr(errors, f, "must be an object {url, html | alternates}"), -1;
	if (validate(pg, VRULES(page_rules), f, errors))
		return -1;
	memset(p, 0, sizeof *p);
	p->url = json_string_value(json_object_get(pg, "url"));
	p->code = json_string_value(json_object_get(pg, "hreflang"));
	p->canonical = json_string_value(json_object_get(pg, "canonical"));
	p->text = json_string_value(json_object_get(pg, "text"));
	const char *html = json_string_value(json_object_get(pg, "html"));
	if (html) {
		json_t *x = arena_json(a, hreflang_html_links_new(html, strlen(html), LINKS_MAX));
		json_t *ex = arena_json(a, html_extract_new(html, strlen(html)));
		if (!x || !ex)
			return -1;
		alts = json_object_get(x, "links");
		if (!p->canonical)
			p->canonical = json_string_value(json_object_get(x, "canonical"));
		if (!p->text)
			p->text = json_string_value(json_object_get(ex, "text"));
	}
	hreflang_link_t *links = arena_calloc(a, json_array_size(alts) + 1, sizeof *links);
	if (!links)
		return -1;
	json_array_foreach(alts, k, l) {
		if (!html && validate(l, VRULES(link_rules), arena_printf(a, "%s.alternates[%zu]",
				       f, k), errors))
			continue;
		links[p->n].code = json_string_value(json_object_get(l, "hreflang"));
		links[p->n++].href = json_string_value(json_object_get(l, "href"));
	}
	p->links = links;
	p->tags = html || alts;
	return 0;
}

/* The cluster of the body into pages[]; the count, or -1 after naming errors. */
static long read_cluster(json_t *body, hreflang_page_t *pages, arena_t *a, json_t *errors)
{
	json_t *vs = json_object_get(body, "versions"), *ps = json_object_get(body, "pages"), *v;
	size_t i, n = 0;
	validate(body, VRULES(body_rules), "", errors);
	if (!vs && !ps)
		verr(errors, "pages", "send the pages (url with html or alternates) or the "
		     "versions as a URL list");
	if (json_array_size(errors))
		return -1;
	json_array_foreach(vs, i, v) {
		if (!json_is_object(v) || validate(v, VRULES(version_rules),
				arena_printf(a, "versions[%zu]", i), errors)) {
			if (!json_is_object(v))
				verr(errors, arena_printf(a, "versions[%zu]", i), "must be {hreflang, url}");
			continue;
		}
		pages[n++] = (hreflang_page_t){json_string_value(json_object_get(v, "url")), NULL,
			json_string_value(json_object_get(v, "hreflang")), NULL, NULL, 0, 0};
	}
	json_array_foreach(ps, i, v)
		if (read_page(v, i, &pages[n], a, errors) == 0)
			n++;
	return json_array_size(errors) ? -1 : (long)n;
}

static const db_stmt_t q_upsert = {"hreflang_cluster_upsert",
	"WITH old AS (SELECT result FROM hreflang_clusters WHERE name = $1),"
	" up AS (INSERT INTO hreflang_clusters AS c (name, pages, valid, errors, warnings, result)"
	"  VALUES ($1, $2::int, $3::boolean, $4::int, $5::int, $6::jsonb)"
	"  ON CONFLICT (name) DO UPDATE SET pages = EXCLUDED.pages, valid = EXCLUDED.valid,"
	"   errors = EXCLUDED.errors, warnings = EXCLUDED.warnings, result = EXCLUDED.result,"
	"   checked_at = now()"
	"  RETURNING c.id, (c.xmax = 0) AS inserted),"
	" st AS (SELECT id, CASE WHEN inserted THEN 'inserted' WHEN (SELECT result FROM old)"
	"  = $6::jsonb THEN 'unchanged' ELSE 'updated' END AS status FROM up),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'hreflang.checked', jsonb_build_object("
	"  'id', id, 'name', $1::text, 'valid', $3::boolean, 'errors', $4::int, 'status', status,"
	"  'by', $7::text) FROM st WHERE status <> 'unchanged' RETURNING id)"
	" SELECT id, status, (SELECT count(*) FROM ev) FROM st"};

/* Checks and stores one cluster; its reply into *out (owned by a).
 * 0, 422 (errors named), 500 out of memory, -1 database error. */
int local_cluster_apply(arena_t *a, json_t *body, const char *who, json_t *errors, json_t **out)
{
	hreflang_page_t *pages = arena_calloc(a, 2 * PAGES_MAX, sizeof *pages);
	if (!pages)
		return 500;
	long n = read_cluster(body, pages, a, errors);
	if (n < 0)
		return 422;
	*out = arena_json(a, hreflang_check_new(pages, (size_t)n));
	char *result = *out ? json_dumps(*out, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!result || arena_cleanup(a, free, result) < 0) {
		free(result);
		return 500;
	}
	char np[24], ne[24], nw[24];
	snprintf(np, sizeof np, "%ld", n);
	snprintf(ne, sizeof ne, "%lld", (long long)json_integer_value(json_object_get(*out, "errors")));
	snprintf(nw, sizeof nw, "%lld", (long long)json_integer_value(json_object_get(*out, "warnings")));
	const char *p[] = {json_string_value(json_object_get(body, "name")), np,
		json_is_true(json_object_get(*out, "valid")) ? "true" : "false", ne, nw, result, who};
	PGresult *res = db_run(a, &q_upsert, 7, p);
	if (!res)
		return -1;
	json_object_set(*out, "name", json_object_get(body, "name"));
	json_object_set_new(*out, "id", json_integer(db_getll(res, 0, 0, 0)));
	json_object_set_new(*out, "status", json_string(db_get(res, 0, 1)));
	json_object_set_new(*out, "n_pages", json_integer(n));
	return 0;
}

int h_local_languages(req_t *r)
{
	return intl_post(r, local_cluster_apply);
}

/* ---- GET ------------------------------------------------------------------------------ */

static const db_stmt_t q_report = {"hreflang_clusters_report",
	"SELECT json_build_object('n', (SELECT count(*) FROM hreflang_clusters),"
	" 'valid', (SELECT count(*) FROM hreflang_clusters WHERE valid),"
	" 'items', (SELECT coalesce(json_agg(json_build_object('id', id, 'name', name,"
	"   'n_pages', pages, 'valid', valid, 'errors', errors, 'warnings', warnings,"
	"   'issues', result->'issues', 'versions', result->'versions', 'pages', result->'pages',"
	"   'sitemap', result->'sitemap', 'checked_at', to_char(checked_at AT TIME ZONE 'UTC',"
	"   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) ORDER BY valid, errors DESC, name), '[]')"
	"  FROM (SELECT * FROM hreflang_clusters ORDER BY valid, errors DESC, name"
	"   LIMIT $1::int) c))"};
static const db_stmt_t q_stamp = {"q_hreflang_stamp",
	"SELECT (SELECT last_value FROM data_version_hreflang)::text"};

static const vrule_t report_query[] = {
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
};
const api_op_t op_local_languages_report = {VRULES(report_query), NULL, NULL, 0, NULL};

int h_local_languages_report(req_t *r)
{
	return intl_report(r, &q_stamp, &q_report);
}
