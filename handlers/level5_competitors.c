/* level5_competitors.c - #52 POST and #53 GET /api/level5/competitors, #54
 * POST /api/level5/competitors/{id}/snapshots.
 *
 * competitors (POST): registers a competitor or updates it, keyed by its
 * domain (lower case, scheme, path and "www." removed; internationalised
 * names in punycode). Keywords are stored trimmed and in lower case, as the
 * keyword data of #11 is. A change appends `competitor.saved`.
 *
 * competitors (GET): every competitor with its latest figures: the latest
 * page snapshot (title, words, content score, JSON-LD types, rating when the
 * page marks one up), its recent snapshots with their state (this is where a
 * queued fetch shows up as done, failed or blocked) and how many it has in
 * all, its mean position over the keywords it ranks for and its share of
 * voice (competitor_sov).
 *
 * snapshots: page HTML (with the page's url), and/or keyword rankings, and
 * or a url alone, which queues a fetch by the job runner (competitor_fetch.c)
 * and answers 202 with the snapshot and job ids; the GET shows its state.
 * Posted HTML is extracted at once (analysis/html, analysis/compete,
 * analysis/tfidf) and answers 201 with the figures. A url must lie on the
 * competitor's domain or a subdomain of it. One transaction stores the
 * snapshot, its rankings and the `competitor.snapshot` event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "compete.h"
#include "competitors.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "json_in.h"
#include "router.h"
#include "text.h"
#include "tfidf.h"

#define DOMAIN_MAX 253
#define KEYWORDS_MAX 200
#define RANKINGS_MAX 1000

/* ---- domains and keywords --------------------------------------------------------- */

/* The competitor key of a domain or URL: "https://www.Solar-Beispiel.de/x"
 * -> "solar-beispiel.de". 0, or -1 when it is no plain host name. */
static int domain_norm(const char *in, char *out, size_t outsz)
{
	const char *s = in + strspn(in, " \t");
	size_t n;
	if (strncasecmp(s, "https://", 8) == 0)
		s += 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		s += 7;
	n = strcspn(s, "/?#: \t");
	if (n >= 4 && strncasecmp(s, "www.", 4) == 0)
		s += 4, n -= 4;
	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > DOMAIN_MAX || n >= outsz || !memchr(s, '.', n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return -1;
		if (c == '.' && (i == 0 || s[i - 1] == '.' || s[i - 1] == '-' || s[i + 1] == '-'))
			return -1;
		out[i] = c;
	}
	out[n] = '\0';
	return out[0] == '-' || out[n - 1] == '-' ? -1 : 0;
}

/* 1 when url's host is domain or a subdomain of it. */
static int url_on(const char *url, const char *domain)
{
	char host[DOMAIN_MAX + 8];
	size_t hn, dn = strlen(domain);
	const char *h = strstr(url, "://");
	if (!h)
		return 0;
	h += 3;
	hn = strcspn(h, "/?#:");
	if (hn == 0 || hn >= sizeof host || memchr(h, '@', hn))
		return 0;
	for (size_t i = 0; i < hn; i++)
		host[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] - 'A' + 'a' : h[i]);
	host[hn] = '\0';
	return strcmp(host, domain) == 0 ||
	       (hn > dn && host[hn - dn - 1] == '.' && strcmp(host + hn - dn, domain) == 0);
}

/* The keywords of the body, trimmed, lower case and distinct, as a JSON
 * array (owned by a); bad items named in errors. */
static json_t *keywords_of(arena_t *a, json_t *list, json_t *errors)
{
	json_t *out = arena_json(a, json_array()), *k;
	char f[40], buf[1300];
	size_t i;
	json_array_foreach(list, i, k) {
		const char *s = json_string_value(k);
		snprintf(f, sizeof f, "keywords[%zu]", i);
		if (!s) {
			verr(errors, f, "must be a string");
			continue;
		}
		s += strspn(s, " \t\r\n");
		size_t n = strlen(s);
		while (n > 0 && strchr(" \t\r\n", s[n - 1]))
			n--;
		if (n == 0 || utf8_len(s) > 300 || text_fold(s, n, buf, sizeof buf) < 0) {
			verr(errors, f, "must be a keyword of 1 to 300 characters");
			continue;
		}
		int dup = 0;
		json_t *x;
		size_t j;
		json_array_foreach(out, j, x)
			dup |= strcmp(json_string_value(x), buf) == 0;
		if (!dup)
			json_array_append_new(out, json_string(buf));
	}
	return out;
}

/* ---- #52 register or update ---------------------------------------------------- */

static const vrule_t save_rules[] = {
	{"name", V_STRING, 1, 1, 200, NULL, NULL},
	{"domain", V_STRING, 1, 1, 300, NULL, NULL},    /* a domain or a URL on it */
	{"region", V_STRING, 0, 0, 100, NULL, NULL},
	{"keywords", V_ARRAY, 0, 0, KEYWORDS_MAX, NULL, NULL},
};
static const vschema_t save_body = {"CompetitorSave", VRULES(save_rules), NULL, 0, 0};
const api_op_t op_competitor_save = {NULL, 0, &save_body,
	"{\"name\": \"Sonnenwerk Nord GmbH\", \"domain\": \"sonnenwerk-nord.example\", "
	"\"region\": \"Hamburg\", \"keywords\": [\"photovoltaik\", \"pv anlage\", "
	"\"balkonkraftwerk\"]}", 0, NULL};

/* $1 name, $2 domain, $3 region, $4 keywords (JSON), $5 who. */
static const db_stmt_t q_save = {"comp_save",
	"WITH kw AS (SELECT coalesce(array_agg(k ORDER BY o), '{}') AS a"
	"  FROM jsonb_array_elements_text($4::jsonb) WITH ORDINALITY x(k, o)),"
	" old AS (SELECT name, region, keywords FROM competitors WHERE domain = $2),"
	" up AS (INSERT INTO competitors AS c (name, domain, region, keywords)"
	"  SELECT $1, $2, $3, kw.a FROM kw ON CONFLICT (domain) DO UPDATE SET name = EXCLUDED.name,"
	"  region = EXCLUDED.region, keywords = EXCLUDED.keywords, updated_at = now()"
	"  RETURNING c.id, c.keywords, (c.xmax = 0) AS inserted),"
	" st AS (SELECT up.id, up.keywords, CASE WHEN up.inserted THEN 'inserted'"
	"  WHEN (SELECT (name, region, keywords) FROM old) IS NOT DISTINCT FROM"
	"   ($1, $3, up.keywords) THEN 'unchanged' ELSE 'updated' END AS status FROM up),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'competitor.saved', jsonb_build_object("
	"  'id', id, 'domain', $2::text, 'status', status, 'by', $5::text) FROM st"
	"  WHERE status <> 'unchanged' RETURNING id)"
	" SELECT id, status, (SELECT count(*) FROM ev) FROM st"};

static char *dump(arena_t *a, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
	if (s && arena_cleanup(a, free, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

int h_competitor_save(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	char domain[DOMAIN_MAX + 1];
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	validate(body, VRULES(save_rules), "", errors);
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *d = json_string_value(json_object_get(body, "domain"));
	const char *region = json_string_value(json_object_get(body, "region"));
	if (name && *name && !name[strspn(name, " \t\r\n")])
		verr(errors, "name", "must not be blank");
	if (d && domain_norm(d, domain, sizeof domain) < 0)
		verr(errors, "domain", "must be a host name such as solar-beispiel.de "
		     "(internationalised names in punycode, xn--...)");
	json_t *kw = keywords_of(r->arena, json_object_get(body, "keywords"), errors);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	if (region && !region[strspn(region, " \t\r\n")])
		region = NULL;
	const char *p[] = {name, domain, region, dump(r->arena, kw), req_actor(r)};
	if (!p[3] || !p[4])
		return reply_problem(r, 500, "out of memory", NULL);
	PGresult *res = db_run(r->arena, &q_save, 5, p);
	if (!res)
		return db_fail(r);
	return reply_json(r, 200, arena_json(r->arena, json_pack("{s:I, s:s, s:s, s:s?, s:O, s:s}",
		"id", (json_int_t)db_getll(res, 0, 0, 0), "name", name, "domain", domain,
		"region", region, "keywords", kw, "status", db_get(res, 0, 1))));
}

/* ---- extraction -------------------------------------------------------------------- */

/* Our pages and the latest snapshot of every competitor page but `url`. */
static const db_stmt_t q_corpus = {"comp_corpus",
	"SELECT body_text FROM (SELECT body_text, 0 AS o FROM pages"
	"  WHERE body_text IS NOT NULL AND body_text <> ''"
	" UNION ALL SELECT body_text, 1 FROM (SELECT DISTINCT ON (competitor_id, url) body_text, url"
	"  FROM competitor_snapshots WHERE state = 'done' AND body_text IS NOT NULL"
	"  ORDER BY competitor_id, url, id DESC) s WHERE $1::text IS NULL OR url <> $1) t"
	" ORDER BY o LIMIT 2000"};

/* The top weighted terms of text among the corpus (new array), NULL on error. */
static json_t *terms_of(arena_t *a, const char *text, const char *url)
{
	const char *p[] = {url};
	PGresult *res = db_run(a, &q_corpus, 1, p);
	int n = res ? PQntuples(res) : 0;
	tfidf_doc_t *docs = res ? calloc((size_t)n + 1, sizeof *docs) : NULL;
	tfidf_corpus_t c = {0};
	tfidf_weight_t w[COMPETITOR_TERMS];
	json_t *out = NULL;
	int rc = docs ? tfidf_doc_build(text, strlen(text), TEXT_LANG_UNKNOWN, &docs[n]) : -1;
	for (int i = 0; rc == 0 && i < n; i++) {
		const char *t = db_get(res, i, 0);
		rc = tfidf_doc_build(t, strlen(t), TEXT_LANG_UNKNOWN, &docs[i]);
	}
	if (rc == 0 && tfidf_corpus_build(docs, (size_t)n + 1, &c) == 0) {
		size_t k = tfidf_top(&docs[n], &c, w, COMPETITOR_TERMS);
		out = json_array();
		for (size_t i = 0; out && i < k; i++)
			json_array_append_new(out, json_pack("{s:s, s:s, s:i, s:f}", "term",
				w[i].term->surface, "stem", w[i].term->stem, "count", (int)w[i].term->count,
				"weight", w[i].weight));
	}
	for (int i = 0; docs && i <= n; i++)
		tfidf_doc_free(&docs[i]);
	free(docs);
	tfidf_corpus_free(&c);
	return out;
}

json_t *competitor_extract(arena_t *a, const char *html, size_t len, const char *domain,
			   const char *url)
{
	json_t *x = arena_json(a, html_extract_new(html, len));
	compete_page_t pg;
	if (!x || compete_page(x, domain, &pg) < 0)
		return NULL;
	json_t *types = arena_json(a, pg.types);
	const char *text = json_string_value(json_object_get(x, "text"));
	long words = (long)text_word_count(text, strlen(text));
	json_t *terms = arena_json(a, terms_of(a, text, url));
	if (!terms)
		return NULL;
	return arena_json(a, json_pack("{s:O, s:O, s:i, s:i, s:I, s:O, s:I, s:I, s:o, s:o, s:i,"
		" s:O, s:s}", "title", json_object_get(x, "title"),
		"description", json_object_get(x, "description"), "h1", pg.h1,
		"subheadings", pg.subheadings, "word_count", (json_int_t)words, "jsonld_types", types,
		"links_internal", (json_int_t)pg.links_internal,
		"links_external", (json_int_t)pg.links_external,
		"rating", pg.rating >= 0 ? json_real(pg.rating) : json_null(),
		"rating_count", pg.rating_count >= 0 ? json_integer(pg.rating_count) : json_null(),
		"content_score", compete_content_score(words, pg.h1, pg.subheadings,
						       json_array_size(types)),
		"terms", terms, "body_text", text));
}

/* ---- storage ------------------------------------------------------------------------ */

/* Columns of a done snapshot from the figures f: $2.. in this order. */
#define FIG_COLS "title, description, h1, subheadings, word_count, jsonld_types," \
	" links_internal, links_external, rating, rating_count, content_score, terms, body_text"
#define FIG_VALS "$2, $3, $4::int, $5::int, $6::int," \
	" ARRAY(SELECT jsonb_array_elements_text($7::jsonb)), $8::int, $9::int, $10::float8," \
	" $11::int, $12::smallint, coalesce($13::jsonb, '[]'), $14"
static const char *const fig_keys[] = {"title", "description", "h1", "subheadings",
	"word_count", "jsonld_types", "links_internal", "links_external", "rating",
	"rating_count", "content_score", "terms", "body_text"};
#define N_FIG 13

/* Text parameters of the figures into p[0..N_FIG); -1 on OOM. */
static int fig_params(arena_t *a, json_t *f, const char **p)
{
	for (int i = 0; i < N_FIG; i++) {
		json_t *v = json_object_get(f, fig_keys[i]);
		if (!v || json_is_null(v))
			p[i] = NULL;
		else if (json_is_string(v))
			p[i] = json_string_value(v);
		else if (json_is_integer(v))
			p[i] = arena_printf(a, "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			p[i] = arena_printf(a, "%.17g", json_real_value(v));
		else
			p[i] = dump(a, v);
		if (v && !json_is_null(v) && !p[i])
			return -1;
	}
	return 0;
}

/* $1 competitor, $2..$14 figures, $15 source, $16 state, $17 url, $18 who,
 * $19 rankings (JSON [{keyword, position, day, volume}]). */
static const db_stmt_t q_snap = {"comp_snap",
	"WITH s AS (INSERT INTO competitor_snapshots (competitor_id, " FIG_COLS ", source, state,"
	"  url, created_by, rankings, done_at) SELECT $1::bigint, " FIG_VALS ", $15, $16, $17, $18,"
	"  jsonb_array_length($19::jsonb), CASE WHEN $16 = 'done' THEN now() END"
	"  RETURNING id, created_at),"
	" r AS (INSERT INTO competitor_rankings AS cr (competitor_id, keyword, day, position, volume,"
	"  snapshot_id) SELECT $1::bigint, x.keyword, x.day, x.position, x.volume, s.id FROM s,"
	"  jsonb_to_recordset($19::jsonb) AS x(keyword text, day date, position float8, volume bigint)"
	"  ON CONFLICT (competitor_id, keyword, day) DO UPDATE SET position = EXCLUDED.position,"
	"  volume = coalesce(EXCLUDED.volume, cr.volume), snapshot_id = EXCLUDED.snapshot_id"
	"  RETURNING 1),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'competitor.snapshot', jsonb_build_object("
	"  'id', s.id, 'competitor', $1::bigint, 'state', $16::text, 'url', $17::text,"
	"  'rankings', (SELECT count(*) FROM r), 'by', $18::text) FROM s RETURNING id)"
	" SELECT s.id, to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  (SELECT count(*) FROM r), (SELECT count(*) FROM ev) FROM s"};

/* A fetched page: $1 snapshot, $2..$14 figures, $15 HTTP status. */
static const db_stmt_t q_done = {"comp_snap_done",
	"WITH u AS (UPDATE competitor_snapshots SET (" FIG_COLS ", http_status, state, done_at) ="
	"  (SELECT " FIG_VALS ", $15::int, 'done', now()) WHERE id = $1::bigint AND state = 'queued'"
	"  RETURNING id, competitor_id, url, created_by)"
	" INSERT INTO event_log (type, data) SELECT 'competitor.snapshot', jsonb_build_object("
	"  'id', id, 'competitor', competitor_id, 'state', 'done', 'url', url, 'rankings', 0,"
	"  'by', created_by) FROM u RETURNING id"};

static const db_stmt_t q_fail = {"comp_snap_fail",
	"WITH u AS (UPDATE competitor_snapshots SET state = $2, error = $3, http_status = $4::int,"
	"  done_at = now() WHERE id = $1::bigint AND state = 'queued'"
	"  RETURNING id, competitor_id, url, created_by)"
	" INSERT INTO event_log (type, data) SELECT 'competitor.snapshot', jsonb_build_object("
	"  'id', id, 'competitor', competitor_id, 'state', $2::text, 'url', url, 'error', $3::text,"
	"  'by', created_by) FROM u RETURNING id"};

int competitor_snapshot_done(arena_t *a, long long id, int http_status, json_t *f)
{
	const char *p[N_FIG + 2];
	p[0] = arena_printf(a, "%lld", id);
	p[N_FIG + 1] = arena_printf(a, "%d", http_status);
	if (!p[0] || !p[N_FIG + 1] || fig_params(a, f, p + 1) < 0)
		return -1;
	return db_run(a, &q_done, N_FIG + 2, p) ? 0 : -1;
}

int competitor_snapshot_fail(arena_t *a, long long id, const char *state, int http_status,
			     const char *reason)
{
	const char *p[] = {arena_printf(a, "%lld", id), state, reason,
		http_status > 0 ? arena_printf(a, "%d", http_status) : NULL};
	return p[0] && db_run(a, &q_fail, 4, p) ? 0 : -1;
}

/* ---- #54 snapshots ------------------------------------------------------------------ */

static const vrule_t ranking_rules[] = {
	{"keyword", V_STRING, 1, 1, 300, NULL, NULL},
	{"position", V_NUMBER, 0, 1, 100, NULL, NULL},  /* absent or null: not in the top 100 */
	{"day", V_DATE, 0, 0, 0, NULL, NULL},           /* default: today (UTC) */
	{"volume", V_INT, 0, 0, 1e12, NULL, NULL},      /* monthly searches, when known */
};
static const vschema_t ranking_schema = {"CompetitorRanking", VRULES(ranking_rules), NULL, 0, 0};
static const vrule_t snap_rules[] = {
	{"url", V_URL, 0, 1, 2000, NULL, NULL},
	{"html", V_STRING, 0, 0, 0, NULL, NULL},
	{"rankings", V_ARRAY, 0, 1, RANKINGS_MAX, NULL, &ranking_schema},
};
static const vschema_t snap_body = {"CompetitorSnapshot", VRULES(snap_rules), NULL, 0, 0};
const api_op_t op_competitor_snapshot = {NULL, 0, &snap_body,
	"{\"url\": \"https://sonnenkraft-hanse.example/photovoltaik\", \"html\": \"<html lang=de>"
	"<title>Photovoltaik in Hamburg</title><h1>Photovoltaik vom Meisterbetrieb</h1><p>Wir planen "
	"Ihre Solaranlage mit Speicher.</p></html>\", \"rankings\": [{\"keyword\": \"photovoltaik\", "
	"\"position\": 4, \"day\": \"2026-11-30\", \"volume\": 12000}]}", 201, NULL};

/* The rankings of the body, normalised (keyword folded, day defaulted), as
 * a JSON array owned by a; bad items named in errors. */
static json_t *rankings_of(arena_t *a, json_t *list, json_t *errors)
{
	json_t *out = arena_json(a, json_array()), *x;
	char f[40], kw[1300], today[16];
	size_t i;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	json_array_foreach(list, i, x) {
		snprintf(f, sizeof f, "rankings[%zu]", i);
		if (!json_is_object(x)) {
			verr(errors, f, "must be an object {keyword, position, day, volume}");
			continue;
		}
		if (validate(x, VRULES(ranking_rules), f, errors))
			continue;
		const char *k = json_string_value(json_object_get(x, "keyword"));
		const char *day = json_string_value(json_object_get(x, "day"));
		k += strspn(k, " \t");
		size_t n = strlen(k);
		while (n > 0 && strchr(" \t\r\n", k[n - 1]))
			n--;
		if (n == 0 || text_fold(k, n, kw, sizeof kw) < 0) {
			verr(errors, arena_printf(a, "%s.keyword", f), "must not be blank");
			continue;
		}
		if (day && (strlen(day) != 10 || strcmp(day, today) > 0)) {
			verr(errors, arena_printf(a, "%s.day", f), "must be a date (YYYY-MM-DD) not "
			     "after today");
			continue;
		}
		json_t *y;
		size_t j;
		json_array_foreach(out, j, y)
			if (strcmp(json_string_value(json_object_get(y, "keyword")), kw) == 0 &&
			    strcmp(json_string_value(json_object_get(y, "day")), day ? day : today) == 0)
				break;
		if (j < json_array_size(out)) {
			verr(errors, f, "repeats keyword and day of an earlier ranking");
			continue;
		}
		json_array_append_new(out, json_pack("{s:s, s:s, s:O?, s:O?}", "keyword", kw,
			"day", day ? day : today, "position", json_object_get(x, "position"),
			"volume", json_object_get(x, "volume")));
	}
	return out;
}

static const db_stmt_t q_domain = {"comp_domain", "SELECT domain FROM competitors WHERE id = $1::bigint"};

/* A fetch for the job runner: $1 competitor, $2 url, $3 who, $4 rankings. */
static const db_stmt_t q_queue = {"comp_queue",
	"WITH ids AS (SELECT nextval('competitor_snapshots_id_seq') AS sid,"
	"  nextval('jobs_id_seq') AS jid),"
	" s AS (INSERT INTO competitor_snapshots (id, competitor_id, source, state, url, created_by,"
	"  rankings, job_id) SELECT sid, $1::bigint, 'fetch', 'queued', $2, $3,"
	"  jsonb_array_length($4::jsonb), jid FROM ids RETURNING id, job_id, created_at),"
	" j AS (INSERT INTO jobs (id, kind, payload) SELECT jid, 'competitor-fetch',"
	"  jsonb_build_object('snapshot', sid) FROM ids RETURNING id),"
	" r AS (INSERT INTO competitor_rankings AS cr (competitor_id, keyword, day, position, volume,"
	"  snapshot_id) SELECT $1::bigint, x.keyword, x.day, x.position, x.volume, ids.sid FROM ids,"
	"  jsonb_to_recordset($4::jsonb) AS x(keyword text, day date, position float8, volume bigint)"
	"  ON CONFLICT (competitor_id, keyword, day) DO UPDATE SET position = EXCLUDED.position,"
	"  volume = coalesce(EXCLUDED.volume, cr.volume), snapshot_id = EXCLUDED.snapshot_id"
	"  RETURNING 1),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'competitor.snapshot', jsonb_build_object("
	"  'id', s.id, 'competitor', $1::bigint, 'state', 'queued', 'url', $2::text,"
	"  'rankings', (SELECT count(*) FROM r), 'by', $3::text) FROM s RETURNING id)"
	" SELECT s.id, s.job_id, to_char(s.created_at AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), (SELECT count(*) FROM r), (SELECT count(*) FROM j),"
	"  (SELECT count(*) FROM ev) FROM s"};

typedef struct snap_in {
	long long id;
	const char *url, *html, *domain, *who, *rankings;
	size_t html_len;
	json_t *ranks;
} snap_in_t;

/* Checks the body; 0 when good, else errors were added (or -2: no competitor). */
static int read_snapshot(req_t *r, json_t *body, snap_in_t *in, json_t *errors)
{
	char *end;
	const char *idp = r->params[0];    /* {id} */
	in->id = idp ? strtoll(idp, &end, 10) : 0;
	if (!idp || *end || in->id <= 0)
		return -2;
	validate(body, VRULES(snap_rules), "", errors);
	in->url = json_string_value(json_object_get(body, "url"));
	in->html = json_string_value(json_object_get(body, "html"));
	in->html_len = in->html ? json_string_length(json_object_get(body, "html")) : 0;
	in->ranks = rankings_of(r->arena, json_object_get(body, "rankings"), errors);
	if (in->html && in->html_len > COMPETITOR_HTML_MAX)
		verr(errors, "html", "must be at most %u bytes (2 MiB)", COMPETITOR_HTML_MAX);
	if (in->html && !in->url)
		verr(errors, "url", "is required with html: the page the HTML was taken from");
	if (!in->html && !in->url && !json_array_size(json_object_get(body, "rankings")) &&
	    !json_array_size(errors))
		verr(errors, "html", "send html with its url, a url to fetch, or rankings");
	const char *p[] = {idp};
	PGresult *res = db_run(r->arena, &q_domain, 1, p);
	if (!res)
		return -3;
	if (PQntuples(res) == 0)
		return -2;
	in->domain = db_get(res, 0, 0);
	if (in->url && !url_on(in->url, in->domain))
		verr(errors, "url", "must be a page of %s (or a subdomain of it)", in->domain);
	in->who = req_actor(r);
	in->rankings = dump(r->arena, in->ranks);
	return json_array_size(errors) ? -1 : 0;
}

/* Queues the fetch of in->url: 202 with the snapshot and job ids. */
static int queue_fetch(req_t *r, const snap_in_t *in)
{
	const char *p[] = {arena_printf(r->arena, "%lld", in->id), in->url, in->who, in->rankings};
	PGresult *res = p[0] ? db_run(r->arena, &q_queue, 4, p) : NULL;
	if (!res)
		return db_fail(r);
	return reply_json(r, 202, arena_json(r->arena, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I}",
		"id", (json_int_t)db_getll(res, 0, 0, 0), "job_id", (json_int_t)db_getll(res, 0, 1, 0),
		"state", "queued", "url", in->url, "created_at", db_get(res, 0, 2),
		"rankings", (json_int_t)db_getll(res, 0, 3, 0))));
}

int h_competitor_snapshot(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array()), *f = NULL;
	snap_in_t in = {0};
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	int rc = read_snapshot(r, body, &in, errors);
	if (rc == -2)
		return reply_problem(r, 404, "no such competitor", NULL);
	if (rc == -3)
		return db_fail(r);
	if (rc < 0)
		return reply_invalid(r, json_incref(errors));
	if (!in.rankings || !in.who)
		return reply_problem(r, 500, "out of memory", NULL);
	if (in.url && !in.html)
		return queue_fetch(r, &in);
	if (in.html && !(f = competitor_extract(r->arena, in.html, in.html_len, in.domain, in.url)))
		return db_last() != DB_OK ? db_fail(r) : reply_problem(r, 500, "out of memory", NULL);
	const char *p[19] = {arena_printf(r->arena, "%lld", in.id)};
	if (!p[0] || (f && fig_params(r->arena, f, p + 1) < 0))
		return reply_problem(r, 500, "out of memory", NULL);
	p[14] = f ? "html" : "rankings", p[15] = "done", p[16] = in.url, p[17] = in.who;
	p[18] = in.rankings;
	PGresult *res = db_run(r->arena, &q_snap, 19, p);
	if (!res)
		return db_fail(r);
	json_t *out = f ? f : arena_json(r->arena, json_object());
	json_object_del(out, "body_text");
	json_object_set_new(out, "id", json_integer((json_int_t)db_getll(res, 0, 0, 0)));
	json_object_set_new(out, "state", json_string("done"));
	json_object_set_new(out, "source", json_string(p[14]));
	json_object_set_new(out, "url", in.url ? json_string(in.url) : json_null());
	json_object_set_new(out, "created_at", json_string(db_get(res, 0, 1)));
	json_object_set_new(out, "rankings", json_integer((json_int_t)db_getll(res, 0, 2, 0)));
	return reply_json(r, 201, out);
}

/* ---- #53 list ------------------------------------------------------------------------ */

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
static const db_stmt_t q_list = {"comp_list",
	"SELECT coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'domain', c.domain,"
	" 'region', c.region, 'keywords', to_json(c.keywords),"
	" 'latest', (SELECT json_build_object('snapshot', s.id, 'url', s.url, 'title', s.title,"
	"   'description', s.description, 'word_count', s.word_count, 'h1', s.h1,"
	"   'subheadings', s.subheadings, 'content_score', s.content_score,"
	"   'jsonld_types', to_json(s.jsonld_types), 'links_internal', s.links_internal,"
	"   'links_external', s.links_external, 'rating', s.rating, 'rating_count', s.rating_count,"
	"   'terms', s.terms, 'taken_at', " TS("s.done_at") ")"
	"   FROM competitor_snapshots s WHERE s.competitor_id = c.id AND s.state = 'done'"
	"   AND s.url IS NOT NULL ORDER BY s.id DESC LIMIT 1),"
	" 'snapshot_count', (SELECT count(*) FROM competitor_snapshots s WHERE s.competitor_id = c.id),"
	" 'ranking', (SELECT json_build_object('keywords', count(*), 'ranked', count(position),"
	"   'mean_position', round(avg(position)::numeric, 2)::float8, 'as_of', max(day))"
	"   FROM (SELECT DISTINCT ON (keyword) keyword, position, day FROM competitor_rankings"
	"    WHERE competitor_id = c.id AND day > (SELECT max(day) FROM competitor_rankings"
	"    WHERE competitor_id = c.id) - 30 ORDER BY keyword, day DESC) l),"
	" 'snapshots', (SELECT coalesce(json_agg(json_build_object('id', s.id, 'source', s.source,"
	"   'state', s.state, 'url', s.url, 'error', s.error, 'http_status', s.http_status,"
	"   'rankings', s.rankings, 'job_id', s.job_id, 'created_at', " TS("s.created_at") ","
	"   'done_at', " TS("s.done_at") ") ORDER BY s.id DESC), '[]') FROM (SELECT * FROM"
	"   competitor_snapshots WHERE competitor_id = c.id ORDER BY id DESC LIMIT 10) s)"
	" ) ORDER BY c.name, c.id), '[]') FROM competitors c"};

const api_op_t op_competitor_list = {NULL, 0, NULL, NULL, 0, NULL};

/* The share of each domain of sov into the list (and ours at the top). */
static void shares_into(json_t *out, json_t *items, json_t *sov)
{
	json_t *d, *c;
	size_t i, j;
	json_array_foreach(items, j, c)
		json_object_set_new(c, "share_of_voice", json_null());
	json_array_foreach(json_object_get(sov, "domains"), i, d) {
		json_int_t id = json_integer_value(json_object_get(d, "id"));
		json_t *share = json_object_get(d, "share");
		if (id == 0)
			json_object_set_new(out, "us", json_pack("{s:O, s:O, s:O}", "domain",
				json_object_get(d, "domain"), "share_of_voice", share,
				"mean_position", json_object_get(d, "mean_position")));
		json_array_foreach(items, j, c)
			if (json_integer_value(json_object_get(c, "id")) == id)
				json_object_set(c, "share_of_voice", share);
	}
}

int h_competitor_list(req_t *r)
{
	if (cache_serve(r, &competitor_stamp))
		return 0;
	PGresult *res = db_run(r->arena, &q_list, 0, NULL);
	if (!res)
		return db_fail(r);
	json_t *items = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	json_t *sov = competitor_sov(r->arena, NULL, 1);
	if (!sov)
		return db_last() != DB_OK ? db_fail(r) : reply_problem(r, 500, "out of memory", NULL);
	json_t *out = arena_json(r->arena, json_pack("{s:I, s:O, s:O, s:O, s:O}", "n",
		(json_int_t)json_array_size(items), "items", items,
		"share_of_voice_as_of", json_object_get(sov, "as_of"),
		"keywords", json_object_get(sov, "keywords"), "curve", json_object_get(sov, "curve")));
	if (!out || !items)
		return reply_problem(r, 500, "out of memory", NULL);
	shares_into(out, items, sov);
	return reply_json(r, 200, out);
}

/* ---- demo ------------------------------------------------------------------------------ */

/* Pages of the demo competitors (sql/demo/050_competitors.sql), written for
 * the demo: invented companies, invented text. */
static const struct { const char *domain, *url, *html; } demo_pages[] = {
	{"sonnenkraft-hanse.example", "https://www.sonnenkraft-hanse.example/stromspeicher",
	 "<!doctype html><html lang=\"de\"><head><title>Stromspeicher und Mieterstrom in Hamburg | "
	 "Sonnenkraft Hanse</title><meta name=\"description\" content=\"Batteriespeicher, Notstrom und "
	 "Mieterstrom für Hamburg: Planung, Montage und Wartung aus einer Hand.\">"
	 "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", \"@type\": "
	 "\"LocalBusiness\", \"name\": \"Sonnenkraft Hanse\", \"aggregateRating\": {\"@type\": "
	 "\"AggregateRating\", \"ratingValue\": 4.6, \"reviewCount\": 212}}</script>"
	 "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", \"@type\": "
	 "\"FAQPage\", \"mainEntity\": [{\"@type\": \"Question\", \"name\": \"Lohnt sich ein "
	 "Stromspeicher?\", \"acceptedAnswer\": {\"@type\": \"Answer\", \"text\": \"Meist ab "
	 "30 Prozent Eigenverbrauch.\"}}]}</script></head><body>"
	 "<h1>Stromspeicher für Hamburg</h1><p>Ein Batteriespeicher hebt den Eigenverbrauch Ihrer "
	 "Photovoltaikanlage von rund 30 auf bis zu 70 Prozent. Wir dimensionieren den Speicher nach "
	 "Ihrem Lastprofil, nicht nach dem Katalog.</p><h2>Notstrom und Ersatzstrom</h2><p>Mit einem "
	 "notstromfähigen Hybridwechselrichter versorgt der Speicher bei einem Netzausfall Heizung, "
	 "Kühlschrank und Router weiter. Eine Ersatzstromumschaltung trennt das Haus sicher vom "
	 "Netz.</p><h2>Mieterstrom für Mehrfamilienhäuser</h2><p>Vermieter in Hamburg verkaufen den "
	 "Solarstrom vom eigenen Dach direkt an ihre Mieter. Wir übernehmen Messkonzept, "
	 "Summenzähler und Abrechnung des Mieterstromzuschlags.</p><h2>Wallbox dazu</h2><p>Eine "
	 "Wallbox lädt das Elektroauto mit Überschussstrom, gesteuert nach Wetterprognose.</p>"
	 "<a href=\"/kontakt\">Beratung anfragen</a> <a href=\"/referenzen\">Referenzen</a> "
	 "<a href=\"https://www.bundesnetzagentur.de/\">Marktstammdatenregister</a></body></html>"},
	{"dachstrom-sued.example", "https://dachstrom-sued.example/balkonkraftwerk",
	 "<!doctype html><html lang=\"de\"><head><title>Balkonkraftwerk mit 800 Watt kaufen | "
	 "Dachstrom Süd</title><meta name=\"description\" content=\"Balkonkraftwerke mit 800 Watt, "
	 "Speicher und Solar-Carports aus München.\"><script type=\"application/ld+json\">"
	 "{\"@context\": \"https://schema.org\", \"@graph\": [{\"@type\": \"Product\", \"name\": "
	 "\"Balkonkraftwerk 800 Watt Set\", \"offers\": {\"@type\": \"Offer\", \"price\": \"549.00\", "
	 "\"priceCurrency\": \"EUR\"}}, {\"@type\": \"HowTo\", \"name\": \"Balkonkraftwerk anmelden\", "
	 "\"step\": [{\"@type\": \"HowToStep\", \"text\": \"Im Marktstammdatenregister "
	 "eintragen.\"}]}, {\"@type\": \"BreadcrumbList\", \"itemListElement\": []}]}</script>"
	 "</head><body><h1>Balkonkraftwerk mit 800 Watt</h1><p>Seit dem Solarpaket dürfen "
	 "Steckersolargeräte 800 Watt ins Hausnetz einspeisen. Unser Set kommt mit zwei "
	 "bifazialen Modulen, Mikrowechselrichter und Schukostecker.</p><h2>Mit Speicher</h2><p>Ein "
	 "kleiner Akku speichert den Mittagsstrom für den Abend. Das lohnt sich, wenn tagsüber "
	 "niemand zu Hause ist.</p><h2>Solar-Carport</h2><p>Ein Solar-Carport aus Lärchenholz "
	 "trägt bis zu zwölf Module und schützt das Auto. Die Baugenehmigung klären wir mit dem "
	 "Bauamt.</p><h2>Anmeldung</h2><p>Die Anmeldung im Marktstammdatenregister dauert zehn "
	 "Minuten; die Anmeldung beim Netzbetreiber entfällt.</p><a href=\"/shop\">Zum Shop</a> "
	 "<a href=\"https://dachstrom-sued.example/montage\">Montage</a></body></html>"},
	{"heliowerk-rhein.example", "https://www.heliowerk-rhein.example/foerderung",
	 "<!doctype html><html lang=\"de\"><head><title>Förderung für Photovoltaik in NRW | "
	 "Heliowerk Rhein</title><script type=\"application/ld+json\">{\"@context\": "
	 "\"https://schema.org\", \"@type\": \"Organization\", \"name\": \"Heliowerk Rhein\"}"
	 "</script><script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", "
	 "\"@type\": \"Event\", \"name\": \"Infoabend Agri-PV\", \"startDate\": \"2026-03-12T18:00\", "
	 "\"location\": {\"@type\": \"Place\", \"name\": \"Köln\"}}</script></head><body>"
	 "<h1>Förderung für Ihre Solaranlage</h1><p>Die Einspeisevergütung, zinsgünstige Kredite der "
	 "KfW und Programme der Städte senken die Kosten einer Photovoltaikanlage. Wir stellen die "
	 "Anträge für Sie.</p><p>Für Landwirte planen wir Agri-Photovoltaik über Obstplantagen und "
	 "Weiden: Die Module stehen hoch aufgeständert, Traktoren fahren darunter durch.</p>"
	 "<h1>Wärmepumpe und Solarstrom</h1><p>Eine Wärmepumpe mit Solarstrom heizt günstiger als "
	 "Gas. Die Bundesförderung für effiziente Gebäude bezuschusst den Heizungstausch.</p>"
	 "<a href=\"/kontakt\">Kontakt</a></body></html>"},
};

static const db_stmt_t q_demo_missing = {"comp_demo_missing",
	"SELECT c.id FROM competitors c WHERE c.domain = $1 AND NOT EXISTS (SELECT 1 FROM"
	" competitor_snapshots s WHERE s.competitor_id = c.id AND s.url = $2)"};

/* Extracts and stores the demo pages once (zoe seed --demo); 0/-1. */
int competitor_seed_demo(void)
{
	arena_t *a = arena_new(1 << 16);
	int rc = a ? 0 : -1;
	size_t i, n = 0;
	for (i = 0; rc == 0 && i < sizeof demo_pages / sizeof demo_pages[0]; i++) {
		const char *q[] = {demo_pages[i].domain, demo_pages[i].url}, *p[19] = {NULL};
		PGresult *res = db_run(a, &q_demo_missing, 2, q);
		json_t *f;
		if (!res || PQntuples(res) == 0) {
			rc = res ? 0 : -1;
			arena_reset(a);
			continue;
		}
		p[0] = db_get(res, 0, 0);
		f = competitor_extract(a, demo_pages[i].html, strlen(demo_pages[i].html),
				       demo_pages[i].domain, demo_pages[i].url);
		rc = f && fig_params(a, f, p + 1) == 0 ? 0 : -1;
		p[14] = "html", p[15] = "done", p[16] = demo_pages[i].url, p[17] = "seed", p[18] = "[]";
		if (rc == 0 && !db_run(a, &q_snap, 19, p))
			rc = -1;
		n += rc == 0;
		arena_reset(a);
	}
	if (rc == 0)
		printf("zoe seed: %zu demo competitor pages extracted\n", n);
	else
		fprintf(stderr, "zoe seed: demo competitor page %zu failed: %s\n", i ? i - 1 : 0,
			db_last_message());
	if (a)
		arena_free(a);
	return rc;
}
