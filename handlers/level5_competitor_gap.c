/* level5_competitor_gap.c - #55 GET /api/level5/competitors/gap and the
 * share of voice that #53 also shows.
 *
 * keyword gap: keywords a competitor ranks for in the top 20 (its latest
 * ranking within 30 days of its newest) where we have no position in the
 * top 20 within 30 days of our newest Search Console day (#11); by volume
 * (the newest search volume sent with any ranking of the keyword, as share of
 * voice weighs it, else our impressions of the last 28 days), then by their
 * best position.
 * content gap: the COMPETITOR_TERMS heaviest TF-IDF terms (analysis/tfidf,
 * corpus: our pages and the latest snapshot of every competitor page) of
 * each competitor page whose stem occurs on none of our pages, summed over
 * the pages, grouped by the entity of the dictionary (#1) their surface
 * form matches.
 * schema gap: JSON-LD types of the competitors' latest pages that none of
 * the markup this system stores for us (images #16, videos #18) carries.
 * share of voice: estimated clicks Σ volume × CTR(position) per domain over
 * the keyword set (?keywords=a,b; default every competitor's keywords),
 * divided by the clicks of all tracked domains; volumes weigh only when
 * every keyword has one, else every keyword weighs 1 (`weighting`). The
 * curve and its source are part of the answer (analysis/compete.h).
 * ?format=csv&table=keywords|content|schema|share exports one table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "compete.h"
#include "competitors.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "router.h"
#include "text.h"
#include "tfidf.h"

#define GAP_TERMS 60            /* content gap terms reported */
#define SERIES_DAYS 90          /* ranking days in the share-of-voice series */
#define CSV_CAP (8u << 20)

const db_stmt_t competitor_stamp = {"comp_stamp",
	"SELECT concat_ws('.', (SELECT last_value FROM data_version_competitors),"
	" (SELECT last_value FROM data_version_pages), (SELECT last_value FROM data_version_sites),"
	" (SELECT last_value FROM data_version_entities), (SELECT last_value FROM data_version_keywords),"
	" (SELECT last_value FROM data_version_images), (SELECT last_value FROM data_version_videos))"};

/* ---- share of voice -------------------------------------------------------------- */

static const db_stmt_t q_sov_domains = {"comp_sov_domains",
	"SELECT 0::bigint, (SELECT domain FROM sites ORDER BY id LIMIT 1), NULL"
	" UNION ALL SELECT id, domain, name FROM (SELECT id, domain, name FROM competitors"
	" ORDER BY id) c"};

/* Rows (day, who, keyword, position, volume, volume source) ordered by day,
 * who (0: us), keyword. $1 keyword set (JSON array) or NULL, $2 days. */
static const db_stmt_t q_sov = {"comp_sov",
	"WITH kw AS (SELECT DISTINCT x.k AS keyword, k.id AS kid FROM (SELECT unnest(keywords) AS k"
	"  FROM competitors WHERE $1::jsonb IS NULL UNION ALL SELECT jsonb_array_elements_text($1::jsonb))"
	"  x LEFT JOIN keywords k ON k.keyword = x.k),"
	" last AS MATERIALIZED (SELECT max(day) AS day FROM keyword_days),"
	" days AS (SELECT DISTINCT day FROM competitor_rankings WHERE keyword IN (SELECT keyword FROM kw)"
	"  ORDER BY day DESC LIMIT $2::int),"
	" vol AS MATERIALIZED (SELECT kw.keyword, kw.kid, (SELECT r.volume FROM competitor_rankings r"
	"  WHERE r.keyword = kw.keyword AND r.volume IS NOT NULL ORDER BY r.day DESC LIMIT 1) AS searches,"
	"  (SELECT nullif(sum(kd.impressions), 0) FROM keyword_days kd, last WHERE kd.keyword_id = kw.kid"
	"   AND kd.day > last.day - 28) AS impressions FROM kw),"
	" who AS (SELECT 0::bigint AS id UNION ALL SELECT id FROM competitors)"
	" SELECT d.day, w.id, v.keyword, CASE WHEN w.id = 0 THEN (SELECT kd.position FROM keyword_days kd"
	"   WHERE kd.keyword_id = v.kid AND kd.day <= d.day AND kd.day > d.day - 30"
	"   AND kd.position IS NOT NULL ORDER BY kd.day DESC LIMIT 1)"
	"  ELSE (SELECT r.position FROM competitor_rankings r WHERE r.competitor_id = w.id"
	"   AND r.keyword = v.keyword AND r.day <= d.day AND r.day > d.day - 30"
	"   ORDER BY r.day DESC LIMIT 1) END,"
	"  coalesce(v.searches, v.impressions), CASE WHEN v.searches IS NOT NULL THEN 'search_volume'"
	"   WHEN v.impressions IS NOT NULL THEN 'impressions' END"
	" FROM days d CROSS JOIN who w CROSS JOIN vol v"
	" ORDER BY d.day, w.id, v.keyword"};

static json_t *curve_json(void)
{
	json_t *c = json_array();
	for (int i = 0; c && i < 10; i++)
		json_array_append_new(c, json_real(compete_ctr_curve[i]));
	return json_pack("{s:o, s:s, s:s}", "ctr_by_position", c, "between", "linear between "
		"whole positions; below position 10 and not ranking: 0", "source", COMPETE_CTR_SOURCE);
}

/* Index of s in the string array a, appending it when new. */
static size_t index_of(json_t *a, const char *s)
{
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
		if (strcmp(json_string_value(x), s) == 0)
			return i;
	json_array_append_new(a, json_string(s));
	return json_array_size(a) - 1;
}

typedef struct sov {
	size_t nd, nk;
	json_t *domains, *keywords, *series, *per_kw;
	double *vol, *clicks, *possum;
	int *ranked, by_volume;
} sov_t;

/* Weighting and the per-keyword table from the rows of the last day. */
static void sov_keywords(sov_t *s, const PGresult *res, int first_last)
{
	int rows = PQntuples(res);
	s->by_volume = s->nk > 0;
	for (int i = first_last; i < rows; i++) {
		size_t k = index_of(s->keywords, db_get(res, i, 2));
		s->vol[k] = db_getd(res, i, 4, -1);
		s->by_volume &= s->vol[k] > 0;
	}
	for (size_t k = 0; k < s->nk; k++) {
		json_t *pos = json_array();
		for (size_t d = 0; d < s->nd; d++)
			json_array_append_new(pos, json_null());
		json_array_append_new(s->per_kw, json_pack("{s:O, s:o, s:o, s:o}", "keyword",
			json_array_get(s->keywords, k), "volume", s->vol[k] > 0 ?
			json_integer((json_int_t)s->vol[k]) : json_null(), "volume_source",
			json_null(), "positions", pos));
	}
	for (int i = first_last; i < rows; i++) {
		size_t k = index_of(s->keywords, db_get(res, i, 2));
		json_t *e = json_array_get(s->per_kw, k);
		if (db_get(res, i, 5))
			json_object_set_new(e, "volume_source", json_string(db_get(res, i, 5)));
	}
}

/* The domain index of who (rows come ordered as the domains). */
static size_t domain_ix(const sov_t *s, long long who)
{
	for (size_t d = 0; d < s->nd; d++)
		if (json_integer_value(json_object_get(json_array_get(s->domains, d), "id")) == who)
			return d;
	return 0;
}

/* Closes one day: its shares into the series (and the domains on the last). */
static void sov_day(sov_t *s, const char *day, int last)
{
	double total = 0, all = 0;
	json_t *shares = json_array();
	for (size_t d = 0; d < s->nd; d++)
		total += s->clicks[d];
	for (size_t k = 0; k < s->nk; k++)
		all += s->by_volume ? s->vol[k] : 1;
	for (size_t d = 0; d < s->nd; d++) {
		double share = total > 0 ? s->clicks[d] / total : 0;
		json_array_append_new(shares, json_real(round(share * 1e6) / 1e6));
		if (!last)
			continue;
		json_t *o = json_array_get(s->domains, d);
		json_object_set_new(o, "share", json_real(round(share * 1e6) / 1e6));
		json_object_set_new(o, "visibility", json_real(all > 0 ?
			round(s->clicks[d] / all * 1e6) / 1e6 : 0));
		json_object_set_new(o, "clicks_estimate", json_real(round(s->clicks[d] * 100) / 100));
		json_object_set_new(o, "ranked", json_integer(s->ranked[d]));
		json_object_set_new(o, "mean_position", s->ranked[d] ?
			json_real(round(s->possum[d] / s->ranked[d] * 100) / 100) : json_null());
	}
	json_array_append_new(s->series, json_pack("{s:s, s:o}", "day", day, "shares", shares));
	memset(s->clicks, 0, s->nd * sizeof *s->clicks);
	memset(s->possum, 0, s->nd * sizeof *s->possum);
	memset(s->ranked, 0, s->nd * sizeof *s->ranked);
}

/* Accumulates the rows into the series; 0/-1. */
static int sov_rows(sov_t *s, const PGresult *res)
{
	int rows = PQntuples(res), first_last = rows;
	while (first_last > 0 && strcmp(db_get(res, first_last - 1, 0), db_get(res, rows - 1, 0)) == 0)
		first_last--;
	s->vol = calloc(s->nk + 1, sizeof *s->vol);
	s->clicks = calloc(s->nd + 1, sizeof *s->clicks);
	s->possum = calloc(s->nd + 1, sizeof *s->possum);
	s->ranked = calloc(s->nd + 1, sizeof *s->ranked);
	if (!s->vol || !s->clicks || !s->possum || !s->ranked)
		return -1;
	sov_keywords(s, res, first_last);
	for (int i = 0; i < rows; i++) {
		size_t d = domain_ix(s, db_getll(res, i, 1, 0));
		size_t k = index_of(s->keywords, db_get(res, i, 2));
		double pos = db_getd(res, i, 3, NAN);
		s->clicks[d] += (s->by_volume ? s->vol[k] : 1) * compete_ctr(pos);
		if (!isnan(pos)) {
			s->possum[d] += pos, s->ranked[d]++;
			if (i >= first_last)
				json_array_set_new(json_object_get(json_array_get(s->per_kw, k), "positions"),
						   d, json_real(pos));
		}
		if (i + 1 == rows || strcmp(db_get(res, i + 1, 0), db_get(res, i, 0)) != 0)
			sov_day(s, db_get(res, i, 0), i + 1 == rows);
	}
	return 0;
}

/* The keyword set: the distinct keywords of the rows, sorted (they come sorted). */
static size_t count_keywords(const PGresult *res, json_t *keywords)
{
	int rows = PQntuples(res);
	for (int i = 0; i < rows && (i == 0 || strcmp(db_get(res, i, 0), db_get(res, 0, 0)) == 0); i++)
		index_of(keywords, db_get(res, i, 2));
	return json_array_size(keywords);
}

json_t *competitor_sov(arena_t *a, const char *keywords, int days)
{
	char nd[16];
	snprintf(nd, sizeof nd, "%d", days);
	const char *p[] = {keywords, nd};
	PGresult *dres = db_run(a, &q_sov_domains, 0, NULL), *res = NULL;
	sov_t s = {0};
	json_t *out = NULL;
	if (!dres || !(res = db_run(a, &q_sov, 2, p)))
		return NULL;
	s.domains = arena_json(a, json_array());
	s.keywords = arena_json(a, json_array());
	s.series = arena_json(a, json_array());
	s.per_kw = arena_json(a, json_array());
	for (int i = 0; s.domains && i < PQntuples(dres); i++)
		json_array_append_new(s.domains, json_pack("{s:I, s:s?, s:s?, s:f, s:f, s:f, s:i, s:n}",
			"id", (json_int_t)db_getll(dres, i, 0, 0), "domain", db_get(dres, i, 1),
			"name", db_get(dres, i, 2), "share", 0.0, "visibility", 0.0,
			"clicks_estimate", 0.0, "ranked", 0, "mean_position"));
	s.nd = json_array_size(s.domains);
	if (s.domains && s.keywords && s.series && s.per_kw) {
		s.nk = count_keywords(res, s.keywords);
		if (sov_rows(&s, res) == 0)
			out = arena_json(a, json_pack("{s:O, s:s, s:o, s:s?, s:O, s:O, s:O, s:I}",
				"keywords", s.keywords, "weighting", s.by_volume ? "volume" : "equal",
				"curve", curve_json(), "as_of", PQntuples(res) ?
				db_get(res, PQntuples(res) - 1, 0) : NULL, "domains", s.domains,
				"series", s.series, "per_keyword", s.per_kw, "days", (json_int_t)
				json_array_size(s.series)));
	}
	free(s.vol), free(s.clicks), free(s.possum), free(s.ranked);
	return out;
}

/* ---- keyword and schema gaps (SQL) ------------------------------------------------- */

static const db_stmt_t q_kw_gap = {"comp_kw_gap",
	"WITH latest AS (SELECT DISTINCT ON (r.competitor_id, r.keyword) r.competitor_id, r.keyword,"
	"  r.position, r.volume FROM competitor_rankings r WHERE r.day > (SELECT max(day) FROM"
	"  competitor_rankings x WHERE x.competitor_id = r.competitor_id) - 30"
	"  ORDER BY r.competitor_id, r.keyword, r.day DESC),"
	" theirs AS (SELECT l.keyword, min(l.position) AS best, (SELECT r.volume FROM"
	"  competitor_rankings r WHERE r.keyword = l.keyword AND r.volume IS NOT NULL"
	"  ORDER BY r.day DESC LIMIT 1) AS searches,"
	"  json_agg(json_build_object('id', c.id, 'name', c.name, 'domain', c.domain,"
	"  'position', l.position) ORDER BY l.position, c.id) AS competitors"
	"  FROM latest l JOIN competitors c ON c.id = l.competitor_id WHERE l.position <= 20"
	"  GROUP BY l.keyword),"
	" last AS MATERIALIZED (SELECT max(day) AS day FROM keyword_days),"
	" ours AS (SELECT k.keyword, (SELECT kd.position FROM keyword_days kd, last WHERE"
	"  kd.keyword_id = k.id AND kd.position IS NOT NULL AND kd.day > last.day - 30"
	"  ORDER BY kd.day DESC LIMIT 1) AS position, (SELECT nullif(sum(kd.impressions), 0)"
	"  FROM keyword_days kd, last WHERE kd.keyword_id = k.id AND kd.day > last.day - 28)"
	"  AS impressions FROM keywords k WHERE k.keyword IN (SELECT keyword FROM theirs))"
	" SELECT coalesce(json_agg(json_build_object('keyword', t.keyword,"
	"  'volume', coalesce(t.searches, o.impressions), 'volume_source', CASE WHEN t.searches"
	"  IS NOT NULL THEN 'search_volume' WHEN o.impressions IS NOT NULL THEN 'impressions' END,"
	"  'our_position', o.position, 'best_position', t.best, 'competitors', t.competitors)"
	"  ORDER BY coalesce(t.searches, o.impressions) DESC NULLS LAST, t.best, t.keyword), '[]')"
	" FROM theirs t LEFT JOIN ours o ON o.keyword = t.keyword"
	" WHERE o.position IS NULL OR o.position > 20"};

static const db_stmt_t q_schema_gap = {"comp_schema_gap",
	"WITH latest AS (SELECT DISTINCT ON (competitor_id, url) competitor_id, jsonld_types"
	"  FROM competitor_snapshots WHERE state = 'done' AND url IS NOT NULL"
	"  ORDER BY competitor_id, url, id DESC),"
	" theirs AS (SELECT t AS type, count(*) AS pages, json_agg(DISTINCT c.domain) AS competitors"
	"  FROM latest l JOIN competitors c ON c.id = l.competitor_id, unnest(l.jsonld_types) t"
	"  GROUP BY t),"
	" markup AS (SELECT jsonld FROM images UNION ALL SELECT jsonld FROM videos),"
	" ours AS (SELECT DISTINCT t #>> '{}' AS type FROM markup, jsonb_path_query(jsonld,"
	"  'strict $.**.\"@type\"') t WHERE jsonb_typeof(t) = 'string'"
	"  UNION SELECT DISTINCT t #>> '{}' FROM markup, jsonb_path_query(jsonld,"
	"  'strict $.**.\"@type\"[*]') t WHERE jsonb_typeof(t) = 'string')"
	" SELECT coalesce((SELECT json_agg(json_build_object('type', type, 'pages', pages,"
	"  'competitors', competitors) ORDER BY pages DESC, type) FROM theirs"
	"  WHERE type NOT IN (SELECT type FROM ours)), '[]'),"
	" coalesce((SELECT json_agg(type ORDER BY type) FROM ours), '[]')"};

/* ---- content gap (TF-IDF) ------------------------------------------------------------ */

/* Our pages (who 0) and the latest snapshot of every competitor page. */
static const db_stmt_t q_gap_texts = {"comp_gap_texts",
	"SELECT * FROM (SELECT 0::bigint AS who, NULL AS domain, body_text FROM pages"
	"  WHERE body_text IS NOT NULL AND body_text <> ''"
	" UNION ALL SELECT s.competitor_id, c.domain, s.body_text FROM (SELECT DISTINCT ON"
	"  (competitor_id, url) competitor_id, body_text FROM competitor_snapshots"
	"  WHERE state = 'done' AND body_text IS NOT NULL ORDER BY competitor_id, url, id DESC) s"
	"  JOIN competitors c ON c.id = s.competitor_id) t ORDER BY who"};

typedef struct gap_term {
	const tfidf_term_t *t;
	double weight;          /* sum of the page weights */
	json_t *domains;        /* distinct domains */
} gap_term_t;

static int by_gap_weight(const void *x, const void *y)
{
	const gap_term_t *a = x, *b = y;
	if (a->weight != b->weight)
		return a->weight < b->weight ? 1 : -1;
	return strcmp(a->t->stem, b->t->stem);
}

/* Adds the heavy terms of competitor page i that none of ours hold. */
static int gap_page(const tfidf_doc_t *doc, const tfidf_corpus_t *all, const tfidf_corpus_t *ours,
		    const char *domain, gap_term_t *g, size_t *ng, size_t cap)
{
	tfidf_weight_t w[COMPETITOR_TERMS];
	size_t k = tfidf_top(doc, all, w, COMPETITOR_TERMS);
	for (size_t i = 0; i < k; i++) {
		if (tfidf_df(ours, w[i].term->stem))
			continue;
		size_t j = 0;
		while (j < *ng && strcmp(g[j].t->stem, w[i].term->stem) != 0)
			j++;
		if (j == *ng) {
			if (*ng == cap || !(g[j].domains = json_array()))
				return -1;
			g[j].t = w[i].term, g[j].weight = 0, (*ng)++;
		}
		g[j].weight += w[i].weight;
		index_of(g[j].domains, domain);
	}
	return 0;
}

/* Groups the terms by entity into [{entity, cluster, terms: [...]}]. */
static json_t *gap_groups(gap_term_t *g, size_t ng)
{
	json_t *groups = json_array(), *names = json_array();
	for (size_t i = 0; groups && names && i < ng && i < GAP_TERMS; i++) {
		const char *name = NULL, *cluster = NULL;
		if (entity_dict_word(g[i].t->surface, &name, &cluster) < 0)
			name = NULL;
		size_t n = json_array_size(names), ix = index_of(names, name ? name : "");
		if (ix == n)
			json_array_append_new(groups, json_pack("{s:s?, s:s?, s:[]}", "entity", name,
								"cluster", cluster, "terms"));
		json_array_append_new(json_object_get(json_array_get(groups, ix), "terms"),
			json_pack("{s:s, s:s, s:f, s:O}", "term", g[i].t->surface, "stem", g[i].t->stem,
				  "weight", round(g[i].weight * 1e4) / 1e4, "competitors", g[i].domains));
	}
	json_decref(names);
	return groups;
}

/* The content gap (owned by a), NULL on error. */
static json_t *content_gap(arena_t *a)
{
	PGresult *res = db_run(a, &q_gap_texts, 0, NULL);
	int n = res ? PQntuples(res) : 0, ours = 0, rc = res ? 0 : -1;
	tfidf_doc_t *docs = calloc((size_t)n + 1, sizeof *docs);
	tfidf_corpus_t all = {0}, our = {0};
	gap_term_t *g = calloc((size_t)n * COMPETITOR_TERMS + 1, sizeof *g);
	size_t ng = 0;
	json_t *out = NULL;
	for (int i = 0; rc == 0 && docs && i < n; i++) {
		const char *t = db_get(res, i, 2);
		rc = tfidf_doc_build(t, strlen(t), TEXT_LANG_UNKNOWN, &docs[i]);
		ours += db_getll(res, i, 0, 0) == 0;        /* ours come first */
	}
	if (rc == 0 && docs && g && tfidf_corpus_build(docs, (size_t)n, &all) == 0 &&
	    tfidf_corpus_build(docs, (size_t)ours, &our) == 0) {
		for (int i = ours; rc == 0 && i < n; i++)
			rc = gap_page(&docs[i], &all, &our, db_get(res, i, 1), g, &ng,
				      (size_t)n * COMPETITOR_TERMS);
		qsort(g, ng, sizeof *g, by_gap_weight);
		if (rc == 0)
			out = arena_json(a, json_pack("{s:i, s:i, s:I, s:o}", "our_pages", ours,
				"competitor_pages", n - ours, "terms", (json_int_t)(ng < GAP_TERMS ?
				ng : GAP_TERMS), "groups", gap_groups(g, ng)));
	}
	for (size_t i = 0; g && i < ng; i++)
		json_decref(g[i].domains);
	for (int i = 0; docs && i < n; i++)
		tfidf_doc_free(&docs[i]);
	free(docs), free(g);
	tfidf_corpus_free(&all), tfidf_corpus_free(&our);
	return out;
}

/* ---- the endpoint ---------------------------------------------------------------------- */

static const char *const formats[] = {"json", "csv", NULL};
static const char *const tables[] = {"keywords", "content", "schema", "share", NULL};
static const vrule_t gap_query[] = {
	{"format", V_STRING, 0, 0, 0, formats, NULL},
	{"table", V_STRING, 0, 0, 0, tables, NULL},      /* the table a CSV holds */
	{"keywords", V_STRING, 0, 1, 4000, NULL, NULL},  /* comma-separated keyword set */
};

/* ?keywords= as a JSON array of folded keywords (owned by a); NULL when absent. */
static json_t *keyword_set(arena_t *a, const char *q, json_t *errors)
{
	json_t *set = q ? arena_json(a, json_array()) : NULL;
	char buf[1300];
	while (set && *q) {
		size_t n = strcspn(q, ","), lead = strspn(q, " ");
		const char *k = q + (lead < n ? lead : n);
		size_t len = n - (size_t)(k - q);
		while (len > 0 && k[len - 1] == ' ')
			len--;
		if (len > 300 || (len && text_fold(k, len, buf, sizeof buf) < 0)) {
			verr(errors, "keywords", "holds a keyword longer than 300 characters");
			return NULL;
		}
		if (len)
			index_of(set, buf);
		q += n + (q[n] == ',');
	}
	if (set && json_array_size(set) == 0)
		verr(errors, "keywords", "must name at least one keyword (a,b,c)");
	return set;
}

static void gap_check(req_t *r, json_t *errors)
{
	keyword_set(r->arena, req_query(r, "keywords"), errors);
}
const api_op_t op_competitor_gap = {VRULES(gap_query), NULL, NULL, 0, gap_check};

/* One table of the answer as CSV. */
static int reply_gap_csv(req_t *r, json_t *out, const char *table)
{
	buf_t b;
	json_t *x, *y;
	size_t i, j;
	buf_init(&b, CSV_CAP);
	if (strcmp(table, "keywords") == 0) {
		buf_adds(&b, "keyword,volume,volume_source,our_position,best_position,competitors\r\n");
		json_array_foreach(json_object_get(out, "keyword_gap"), i, x) {
			buf_csv_field(&b, json_string_value(json_object_get(x, "keyword")));
			buf_printf(&b, ",%s,%s,", json_is_integer(json_object_get(x, "volume")) ?
				arena_printf(r->arena, "%lld", (long long)json_integer_value(
				json_object_get(x, "volume"))) : "", json_string_value(json_object_get(x,
				"volume_source")) ? json_string_value(json_object_get(x, "volume_source")) : "");
			if (json_is_number(json_object_get(x, "our_position")))
				buf_printf(&b, "%g", json_number_value(json_object_get(x, "our_position")));
			buf_printf(&b, ",%g,", json_number_value(json_object_get(x, "best_position")));
			char *list = NULL;
			json_array_foreach(json_object_get(x, "competitors"), j, y)
				list = arena_printf(r->arena, "%s%s%s %g", list ? list : "", list ? "; " : "",
					json_string_value(json_object_get(y, "domain")),
					json_number_value(json_object_get(y, "position")));
			buf_csv_field(&b, list ? list : "");
			buf_adds(&b, "\r\n");
		}
	} else if (strcmp(table, "content") == 0) {
		buf_adds(&b, "entity,cluster,term,weight,competitors\r\n");
		json_array_foreach(json_object_get(json_object_get(out, "content_gap"), "groups"), i, x)
			json_array_foreach(json_object_get(x, "terms"), j, y) {
				const char *e = json_string_value(json_object_get(x, "entity"));
				const char *c = json_string_value(json_object_get(x, "cluster"));
				buf_csv_field(&b, e ? e : "");
				buf_adds(&b, ",");
				buf_csv_field(&b, c ? c : "");
				buf_adds(&b, ",");
				buf_csv_field(&b, json_string_value(json_object_get(y, "term")));
				buf_printf(&b, ",%.4f,", json_real_value(json_object_get(y, "weight")));
				char *list = NULL;
				json_t *d;
				size_t k;
				json_array_foreach(json_object_get(y, "competitors"), k, d)
					list = arena_printf(r->arena, "%s%s%s", list ? list : "", list ? "; " : "",
							    json_string_value(d));
				buf_csv_field(&b, list ? list : "");
				buf_adds(&b, "\r\n");
			}
	} else if (strcmp(table, "schema") == 0) {
		buf_adds(&b, "type,pages,competitors\r\n");
		json_array_foreach(json_object_get(json_object_get(out, "schema_gap"), "missing"), i, x) {
			buf_csv_field(&b, json_string_value(json_object_get(x, "type")));
			buf_printf(&b, ",%lld,", (long long)json_integer_value(json_object_get(x, "pages")));
			char *list = NULL;
			json_array_foreach(json_object_get(x, "competitors"), j, y)
				list = arena_printf(r->arena, "%s%s%s", list ? list : "", list ? "; " : "",
						    json_string_value(y));
			buf_csv_field(&b, list ? list : "");
			buf_adds(&b, "\r\n");
		}
	} else {
		json_t *sov = json_object_get(out, "share_of_voice");
		buf_adds(&b, "day");
		json_array_foreach(json_object_get(sov, "domains"), i, x) {
			const char *d = json_string_value(json_object_get(x, "domain"));
			buf_adds(&b, ",");
			buf_csv_field(&b, d ? d : "us");
		}
		buf_adds(&b, "\r\n");
		json_array_foreach(json_object_get(sov, "series"), i, x) {
			buf_adds(&b, json_string_value(json_object_get(x, "day")));
			json_array_foreach(json_object_get(x, "shares"), j, y)
				buf_printf(&b, ",%.6f", json_real_value(y));
			buf_adds(&b, "\r\n");
		}
	}
	int rc = b.oom ? -1 : 0;
	if (rc == 0) {
		reply_header(r, "Content-Disposition", arena_printf(r->arena,
			"attachment; filename=\"competitor-gap-%s.csv\"", table));
		rc = reply_raw(r, 200, "text/csv; charset=utf-8", b.data ? b.data : "", b.len);
	}
	buf_free(&b);
	return rc < 0 ? reply_problem(r, 500, "out of memory", NULL) : rc;
}

int h_competitor_gap(req_t *r)
{
	if (cache_serve(r, &competitor_stamp))
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	json_t *set = keyword_set(r->arena, req_query(r, "keywords"), errors);
	const char *format = req_query(r, "format"), *table = req_query(r, "table");
	PGresult *kres = db_run(r->arena, &q_kw_gap, 0, NULL);
	PGresult *sres = kres ? db_run(r->arena, &q_schema_gap, 0, NULL) : NULL;
	if (!sres)
		return db_fail(r);
	const char *setp = set ? json_dumps(set, JSON_COMPACT) : NULL;
	if (setp)
		arena_cleanup(r->arena, free, (void *)setp);
	json_t *sov = competitor_sov(r->arena, setp, SERIES_DAYS);
	json_t *content = sov ? content_gap(r->arena) : NULL;
	if (!content)
		return db_last() != DB_OK ? db_fail(r) : reply_problem(r, 500, "out of memory", NULL);
	json_t *out = arena_json(r->arena, json_pack("{s:o, s:o, s:{s:o, s:o, s:s}, s:O, s:s}",
		"keyword_gap", json_loads(db_get(kres, 0, 0), 0, NULL), "content_gap", json_incref(content),
		"schema_gap", "missing", json_loads(db_get(sres, 0, 0), 0, NULL),
		"ours", json_loads(db_get(sres, 0, 1), 0, NULL), "ours_from", "JSON-LD this system "
		"stores for our site: images (#16) and videos (#18)", "share_of_voice", sov,
		"method", "keyword gap: a competitor in the top 20 within 30 days of its newest "
		"ranking, we not in the top 20 within 30 days of our newest Search Console day; "
		"content gap: each competitor page's 20 heaviest TF-IDF terms (smooth idf, l2) "
		"that none of our pages holds, weights summed over pages; share of voice: "
		"volume x CTR(position) per domain / all tracked domains"));
	if (!out)
		return reply_problem(r, 500, "out of memory", NULL);
	if (format && strcmp(format, "csv") == 0)
		return reply_gap_csv(r, out, table ? table : "keywords");
	return reply_json(r, 200, out);
}
