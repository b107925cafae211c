/* level5_content.c - #48 POST /api/level5/content/generate, #49 GET
 * .../drafts, #50 PATCH .../drafts/{id}, #51 POST .../drafts/{id}/publish.
 *
 * generate: a draft of one kind (landing: "Photovoltaik in {Stadt}", faq,
 * product, blog_outline) for a keyphrase, from stored facts only. One
 * statement gathers the facts as a JSON context in which every fact carries
 * "_ref": "table:id" (reviews, entities, keyword_events, keywords,
 * content_analyses, local_locations, schema_snippets; "reviews:*" is a
 * figure over all reviews). A landing page builds on #38's location in the
 * city (parameters.location: its key; else the first stored in the city):
 * address, telephone, service area, and the reviews that name its city or a
 * region of its service area. A product page is one Product of #32's
 * automotive snippets (parameters.product: the id, or the slug of its name
 * or page): name, brand, description, price and currency as schema.org
 * reads them, availability, technical data (additionalProperty); what is
 * missing or unreadable is asked for by name ("Preis fehlt: im Produkt …
 * ergänzen"). A location or product the request names that is not stored
 * is a 422 naming the parameter. The rising
 * keywords of a blog outline are #14's test: Mann-Kendall p < 0.05 with a
 * positive Sen slope over the weekly impressions of the last 26 weeks
 * (analysis/trend.c). The autonomous loop: every active template variant of
 * the kind (content_templates, newest version) is rendered with every
 * ordering of the context's lists (analysis/template.c), identical texts
 * dropped, up to `candidates`; each is scored by #26 (analysis/seo_checks.c)
 * for the keyphrase, the best kept (ties: the first) and stored with the
 * scores of all. The reply lists per paragraph the rows it used, and what to
 * add where a fact is missing (the text then says "[fehlt: …]").
 *
 * drafts: newest first, by ?status=, a page at a time, with counts per
 * status, through the report cache (data_version_drafts). drafts/{id}: one
 * draft with its ETag and every revision (newest first, texts left out), for
 * an editor who reloads after a 412.
 *
 * PATCH: edit title, meta, body and/or set status draft / approved /
 * rejected. If-Match must carry the version's ETag ("3"): 428 without it,
 * 412 when another editor changed the draft first (the row is locked while
 * compared). An edited text is scored again; unchanged paragraphs keep their
 * facts. A draft that still says "[fehlt: …]" cannot be approved (409).
 *
 * publish: an approved draft becomes published with a new version, its
 * revision kept and `content.published` appended to event_log in the same
 * transaction; publishing a published draft again changes nothing and
 * answers the same draft. Every version of a draft stays in
 * content_draft_revisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "content_llm.h"
#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "router.h"
#include "schemaorg.h"
#include "seo_checks.h"
#include "template.h"
#include "trend.h"

#define CANDIDATES_DEFAULT 6
#define CANDIDATES_MAX 12
#define RISING_MAX 5
#define WEEKS 26
#define ALPHA 0.05
#define MISSING_MARK "[fehlt: "

static const char *const kinds[] = {"landing", "faq", "blog_outline", "product", NULL};
static const char *const statuses[] = {"draft", "approved", "rejected", "published", NULL};
static const char *const patch_statuses[] = {"draft", "approved", "rejected", NULL};

/* ---- the facts ----------------------------------------------------------------------- */

#define REVIEW_JSON(r) "json_build_object('_ref', 'reviews:' || " r ".id, 'autor', " r ".author," \
	" 'sterne', " r ".rating, 'datum', to_char(" r ".published_at, 'YYYY-MM-DD'), 'text'," \
	" CASE WHEN length(" r ".body) > 300 THEN left(" r ".body, 299) || '…' ELSE " r ".body END)"

/* Facts every kind may use. $1 keyphrase (lower case), $2 city or NULL. */
#define FACTS_COMMON \
	" 'bewertung', (SELECT CASE WHEN count(*) > 0 THEN json_build_object('_ref', 'reviews:*'," \
	"  'anzahl', count(*), 'schnitt', round(avg(rating), 2)::float8) END FROM reviews)," \
	" 'stimmen', (SELECT coalesce(json_agg(" REVIEW_JSON("r") "), '[]') FROM (SELECT * FROM" \
	"  reviews WHERE lang = 'de' AND rating >= 4 AND length(body) >= 40 ORDER BY rating DESC, published_at DESC," \
	"  id LIMIT 3) r)," \
	" 'themen', (SELECT coalesce(json_agg(json_build_object('_ref', 'entities:' || id, 'name'," \
	"  name) ORDER BY name), '[]') FROM (SELECT id, name FROM entities WHERE core AND type IN" \
	"  ('Product', 'Concept') ORDER BY name LIMIT 6) e)," \
	" 'saison', (WITH k AS (SELECT id, keyword FROM keywords WHERE strpos(keyword, $1) > 0" \
	"   OR strpos($1, keyword) > 0)," \
	"  m AS (SELECT date_trunc('month', day) AS month, sum(impressions) AS impr FROM keyword_days" \
	"   WHERE keyword_id IN (SELECT id FROM k) GROUP BY 1)," \
	"  c AS (SELECT extract(month FROM month)::int AS mon, avg(impr)::float8 AS impr FROM m" \
	"   GROUP BY 1)," \
	"  top AS (SELECT k.id, k.keyword FROM k JOIN keyword_days d ON d.keyword_id = k.id" \
	"   GROUP BY k.id, k.keyword ORDER BY sum(d.impressions) DESC, k.id LIMIT 1)" \
	"  SELECT json_build_object('_ref', (SELECT json_agg('keywords:' || id ORDER BY id) FROM k)," \
	"   'keyword', (SELECT keyword FROM top), 'monat', (ARRAY['Januar', 'Februar', 'März'," \
	"   'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November'," \
	"   'Dezember'])[c.mon], 'start', (ARRAY['Januar', 'Februar', 'März', 'April', 'Mai'," \
	"   'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'])" \
	"   [(c.mon + 9) % 12 + 1], 'impressionen', round(c.impr)::bigint)" \
	"  FROM c WHERE (SELECT count(*) FROM c) = 12 ORDER BY c.impr DESC, c.mon LIMIT 1)," \
	" 'fragen', (SELECT coalesce(json_agg(json_build_object('_ref', 'keywords:' || q.id," \
	"  'frage', upper(left(q.keyword, 1)) || substr(q.keyword, 2) || '?', 'impressionen'," \
	"  q.impr, 'antwort', (SELECT json_build_object('_ref', 'content_analyses:' || s.id," \
	"   'text', s.sentence) FROM (SELECT a.id, trim(x) AS sentence FROM content_analyses a," \
	"   regexp_split_to_table(a.body_text, '(?<=[.!?])\\s+|\\n') x WHERE a.lang = 'de'" \
	"   AND a.version = (SELECT max(version) FROM content_analyses b WHERE b.url_norm = a.url_norm)" \
	"   AND length(trim(x)) BETWEEN 40 AND 400 AND trim(x) !~ '^#|\\?$') s" \
	"   WHERE to_tsvector('german', s.sentence) @@ to_tsquery('german', replace(" \
	"    plainto_tsquery('german', q.keyword)::text, '&', '|'))" \
	"   ORDER BY ts_rank_cd(to_tsvector('german', s.sentence), to_tsquery('german', replace(" \
	"    plainto_tsquery('german', q.keyword)::text, '&', '|'))) DESC, s.id LIMIT 1))" \
	"  ORDER BY q.impr DESC, q.id), '[]') FROM (SELECT k.id, k.keyword, coalesce(sum(d.impressions)," \
	"  0) AS impr FROM keywords k LEFT JOIN keyword_days d ON d.keyword_id = k.id" \
	"  WHERE k.keyword ~ '^(wie|was|wann|warum|welche[rsnm]?|wo|wer|wieviel|lohnt|kann|muss|" \
	"brauche?|ist|sind|gibt) '" \
	"   AND (strpos(k.keyword, $1) > 0 OR EXISTS (SELECT 1 FROM regexp_split_to_table($1, '\\s+')" \
	"    w WHERE length(w) > 3 AND strpos(k.keyword, w) > 0))" \
	"  GROUP BY k.id, k.keyword ORDER BY 3 DESC, k.id LIMIT 6) q)"

/* The slug of a product's name as tpl_slug spells it (SQL). */
#define NAME_SLUG(n) "trim(both '-' from regexp_replace(replace(replace(replace(replace(lower(" n \
	"), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'), '[^a-z0-9]+', '-', 'g'))"
/* A product snippet named by slug $N: of its name, or its page's last path segment (SQL). */
#define PRODUCT_SLUG_IS(N) "(" NAME_SLUG("name") " = $" N " OR lower(substring(url_norm from" \
	" '^[a-z]+://[^/]+/(?:.*/)?([^/?#]+)/?(?:[?#].*)?$')) = $" N ")"

/* $1 keyphrase (lower case), $2 city or NULL, $3 location key or NULL, $4
 * product id or NULL, $5 product slug or NULL. The location is #38's: by
 * its key, else the first in the city; "reviews near it" name its city or
 * a region of its service area. The products are #32's automotive snippets
 * by id, or by slug (of the name or the page's last path segment). */
static const db_stmt_t q_facts = {"drafts_facts",
	"WITH loc AS (SELECT * FROM local_locations WHERE CASE WHEN $3::text IS NOT NULL"
	"  THEN key = $3 ELSE lower(city) = lower($2) END ORDER BY id LIMIT 1)"
	" SELECT json_build_object(" FACTS_COMMON ","
	" 'standort', (SELECT json_build_object('_ref', 'local_locations:' || id, 'key', key,"
	"  'name', name, 'strasse', street, 'plz', postal_code, 'stadt', city, 'region', region,"
	"  'telefon', phone, 'url', url, 'umkreis_km', radius_km, 'gebiet', CASE WHEN"
	"  jsonb_array_length(regions) > 0 THEN regions END) FROM loc),"
	" 'stimmen_ort', (SELECT coalesce(json_agg(" REVIEW_JSON("r") "), '[]') FROM (SELECT * FROM"
	"  reviews v WHERE lang = 'de' AND rating >= 3 AND (strpos(lower(body),"
	"  lower(coalesce((SELECT city FROM loc), $2))) > 0 OR EXISTS (SELECT 1 FROM loc,"
	"  jsonb_array_elements_text(loc.regions) g WHERE length(g) > 2"
	"  AND strpos(lower(v.body), lower(g)) > 0))"
	"  ORDER BY published_at DESC, id LIMIT 5) r),"
	" 'foerderung', (SELECT coalesce(json_agg(json_build_object('_ref', 'keyword_events:' || id,"
	"  'name', name, 'von', starts_on::text, 'bis', ends_on::text, 'url', url) ORDER BY ends_on, id),"
	"  '[]') FROM (SELECT * FROM keyword_events WHERE kind = 'subsidy' AND ends_on >= current_date"
	"  ORDER BY ends_on, id LIMIT 5) f),"
	" 'produkte', (SELECT coalesce(json_agg(json_build_object('id', id, 'url', url, 'state', state,"
	"  'markup', markup) ORDER BY id), '[]') FROM (SELECT * FROM schema_snippets WHERE"
	"  kind = 'automotive' AND (id = $4::bigint OR " PRODUCT_SLUG_IS("5") ") ORDER BY id LIMIT 5) s))"};

/* Weekly impressions of the last WEEKS weeks up to the newest stored day, per
 * keyword related to $1: 0 id, 1 keyword, 2 week index, 3 impressions. */
static const db_stmt_t q_weeks = {"drafts_weeks",
	"WITH e AS (SELECT max(day) AS last FROM keyword_days),"
	" k AS (SELECT id, keyword FROM keywords WHERE strpos(keyword, $1) > 0 OR strpos($1, keyword) > 0"
	"  OR EXISTS (SELECT 1 FROM regexp_split_to_table($1, '\\s+') w WHERE length(w) > 3"
	"   AND strpos(keyword, w) > 0) ORDER BY id LIMIT 200)"
	" SELECT k.id, k.keyword, g.w, coalesce(sum(d.impressions), 0)::float8"
	" FROM k CROSS JOIN e CROSS JOIN generate_series(0, " "25" ") g(w)"
	" LEFT JOIN keyword_days d ON d.keyword_id = k.id"
	"  AND d.day > e.last - (" "26" " - g.w) * 7 AND d.day <= e.last - (" "25" " - g.w) * 7"
	" WHERE e.last IS NOT NULL GROUP BY k.id, k.keyword, g.w ORDER BY k.id, g.w"};

static int by_rise(const void *a, const void *b)
{
	double x = json_real_value(json_object_get(*(json_t *const *)a, "anstieg"));
	double y = json_real_value(json_object_get(*(json_t *const *)b, "anstieg"));
	return (x < y) - (x > y);
}

/* The rising keywords (#14's test) as context entries, strongest first. */
static json_t *rising_new(const PGresult *res)
{
	json_t *all[200], *out = json_array();
	size_t n = 0;
	double y[WEEKS];
	for (int i = 0; out && i + WEEKS <= PQntuples(res) && n < 200; i += WEEKS) {
		double sum = 0;
		mk_result_t mk;
		sen_result_t sen;
		for (int w = 0; w < WEEKS; w++)
			sum += y[w] = db_getd(res, i + w, 3, 0);
		if (sum <= 0 || mk_test(y, WEEKS, &mk) < 0 || sen_slope(y, WEEKS, mk.var_s, &sen) < 0 ||
		    !(mk.p < ALPHA && sen.slope > 0))
			continue;
		const char *kw = db_get(res, i, 1);
		char titel[320];
		snprintf(titel, sizeof titel, "%s", kw);
		titel[0] = (char)(titel[0] >= 'a' && titel[0] <= 'z' ? titel[0] - 32 : titel[0]);
		all[n++] = json_pack("{s:s+, s:s, s:s, s:f, s:f, s:i}", "_ref", "keywords:",
			db_get(res, i, 0), "keyword", kw, "titel", titel,
			"anstieg", 100 * sen.slope / (sum / WEEKS), "p", mk.p, "wochen", WEEKS);
	}
	qsort(all, n, sizeof all[0], by_rise);
	for (size_t i = 0; i < n; i++)
		if (i < RISING_MAX)
			json_array_append_new(out, all[i]);
		else
			json_decref(all[i]);
	return out;
}

/* ---- the product of #32 --------------------------------------------------------------- */

/* UN/CEFACT unit codes a product sheet uses, as German readers write them. */
static const struct { const char *code, *de; } units[] = {
	{"KWT", "kW"}, {"KWH", "kWh"}, {"WTT", "W"}, {"VLT", "V"}, {"AMP", "A"}, {"KGM", "kg"},
	{"MTR", "m"}, {"CMT", "cm"}, {"MMT", "mm"}, {"P1", "%"}, {"ANN", "Jahre"},
	{"MON", "Monate"}, {"HUR", "h"}, {"CEL", "°C"},
};
static const struct { const char *name, *de; } availabilities[] = {
	{"InStock", "sofort lieferbar"}, {"PreOrder", "vorbestellbar"}, {"PreSale", "im Vorverkauf"},
	{"BackOrder", "nachbestellt, Lieferung folgt"}, {"OutOfStock", "derzeit nicht lieferbar"},
	{"LimitedAvailability", "begrenzt verfügbar"}, {"SoldOut", "ausverkauft"},
	{"Discontinued", "nicht mehr erhältlich"}, {"InStoreOnly", "nur vor Ort erhältlich"},
	{"OnlineOnly", "nur online erhältlich"}, {"MadeToOrder", "wird auf Bestellung gefertigt"},
};

/* The first node of a snippet's markup that is a Product (Car, Vehicle…). */
static json_t *product_node(json_t *markup)
{
	json_t *g = json_object_get(markup, "@graph");
	json_t *nodes = json_is_array(g) ? g : markup;
	size_t n = json_is_array(nodes) ? json_array_size(nodes) : 1;
	int product = schemaorg_type("Product");
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_is_array(nodes) ? json_array_get(nodes, i) : nodes;
		json_t *t = json_object_get(o, "@type");
		size_t k = json_is_array(t) ? json_array_size(t) : 1;
		for (size_t j = 0; json_is_object(o) && j < k; j++) {
			const char *name = json_string_value(json_is_array(t) ? json_array_get(t, j) : t);
			if (name && schemaorg_is_a(schemaorg_type(name), product))
				return o;
		}
	}
	return NULL;
}

/* schema.org's price: a number, or a string of digits with a '.' decimal point. */
static int price_of(json_t *v, double *x)
{
	const char *s = json_string_value(v);
	if (json_is_number(v))
		return (*x = json_number_value(v)) >= 0 ? 0 : -1;
	if (!s || !*s || strspn(s, "0123456789.") != strlen(s) || strchr(s, '.') != strrchr(s, '.')
	    || *s == '.')
		return -1;
	*x = strtod(s, NULL);
	return 0;
}

static void set_text(json_t *o, const char *key, json_t *v)
{
	if (json_is_string(v) && *json_string_value(v))
		json_object_set(o, key, v);
}

/* The technical data: additionalProperty's PropertyValues, each citing ref. */
static json_t *properties_new(json_t *node, const char *ref)
{
	json_t *props = json_object_get(node, "additionalProperty"), *e;
	json_t *out = json_array();
	size_t i, n = json_is_array(props) ? json_array_size(props) : props != NULL;
	for (i = 0; out && i < n; i++) {
		e = json_is_array(props) ? json_array_get(props, i) : props;
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *unit = json_string_value(json_object_get(e, "unitText"));
		const char *code = json_string_value(json_object_get(e, "unitCode"));
		json_t *v = json_object_get(e, "value");
		if (!name || !(json_is_number(v) || (json_is_string(v) && *json_string_value(v)) ||
			       json_is_boolean(v)))
			continue;
		for (size_t k = 0; !unit && code && k < sizeof units / sizeof units[0]; k++)
			if (strcmp(units[k].code, code) == 0)
				unit = units[k].de;
		json_array_append_new(out, json_pack("{s:s, s:s, s:O, s:b, s:s?}", "_ref", ref,
			"name", name, "wert", v, "ist_zahl", json_is_number(v), "einheit",
			unit ? unit : code));
	}
	return out;
}

/* The facts of a product snippet ({id, url, markup}) for the templates (new
 * reference), or NULL when it has no Product node. A price or currency that
 * schema.org would not read is left out (the draft then asks for it) and
 * kept as _preis_roh / _waehrung_roh for the hint. */
static json_t *product_new(arena_t *a, json_t *row)
{
	json_t *node = product_node(json_object_get(row, "markup"));
	if (!node)
		return NULL;
	json_t *offer = json_object_get(node, "offers"), *brand = json_object_get(node, "brand");
	if (json_is_array(offer))
		offer = json_array_get(offer, 0);
	const char *ref = arena_printf(a, "schema_snippets:%lld",
		(long long)json_integer_value(json_object_get(row, "id")));
	const char *cur = json_string_value(json_object_get(offer, "priceCurrency"));
	const char *avail = json_string_value(json_object_get(offer, "availability"));
	const char *until = json_string_value(json_object_get(offer, "priceValidUntil"));
	json_t *p = json_pack("{s:s}", "_ref", ref), *price = json_object_get(offer, "price"), *v;
	double x;
	if (!p)
		return NULL;
	set_text(p, "name", json_object_get(node, "name"));
	set_text(p, "marke", json_is_object(brand) ? json_object_get(brand, "name") : brand);
	set_text(p, "beschreibung", json_object_get(node, "description"));
	set_text(p, "sku", json_object_get(node, "sku"));
	set_text(p, "url", json_object_get(offer, "url"));
	if (!json_object_get(p, "url"))
		set_text(p, "url", json_object_get(row, "url"));
	if (price && price_of(price, &x) == 0)
		json_object_set_new(p, "preis", json_real(x));
	else if (price)
		json_object_set_new(p, "_preis_roh", json_is_string(price) ? json_incref(price)
				    : json_string(arena_json_text(a, price)));
	if (cur && strlen(cur) == 3 && strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3)
		json_object_set_new(p, "waehrung", json_string(strcmp(cur, "EUR") ? cur : "€"));
	else if (cur)
		json_object_set_new(p, "_waehrung_roh", json_string(cur));
	for (size_t k = 0; avail && k < sizeof availabilities / sizeof availabilities[0]; k++) {
		const char *tail = strrchr(avail, '/');
		if (strcmp(tail ? tail + 1 : avail, availabilities[k].name) == 0)
			json_object_set_new(p, "verfuegbarkeit", json_string(availabilities[k].de));
	}
	if (until && strlen(until) >= 10 && until[4] == '-' && until[7] == '-')
		json_object_set_new(p, "gueltig_bis", json_stringn(until, 10));
	v = properties_new(node, ref);
	if (json_array_size(v))
		json_object_set(p, "eigenschaften", v);
	json_decref(v);
	return p;
}

/* Takes the product out of the rows the facts found (ctx "produkte") into
 * ctx "produkt"; names the problem in errors when there is not exactly one. */
static void pick_product(arena_t *a, json_t *ctx, const char *want, json_t *errors)
{
	json_t *rows = json_object_get(ctx, "produkte"), *row, *one = NULL;
	size_t i, n = 0;
	json_array_foreach(rows, i, row) {
		json_t *p = product_new(a, row);
		if (p && !n++)
			one = json_incref(p);
		json_decref(p);
	}
	if (n == 1)
		json_object_set(ctx, "produkt", one);
	else if (n == 0 && json_array_size(rows))
		verr(errors, "parameters.product", "%s is an automotive snippet without a Product node "
		     "(an AutomotiveBusiness); a product page needs a Product", want);
	else if (n == 0)
		verr(errors, "parameters.product", "no product has the id or slug %s: products are "
		     "the Product snippets of POST /api/level4/schema/automotive (their id, or the "
		     "slug of their name or page)", want);
	else
		verr(errors, "parameters.product", "%s names %zu products: send the id", want, n);
	json_decref(one);
	json_object_del(ctx, "produkte");
}

/* What a draft is asked for. */
typedef struct gen_req {
	const char *kind, *keyphrase, *city, *location, *product_id, *product_slug;
	int want;
} gen_req_t;

/* The context of a draft (arena-owned), NULL on a database error; a location
 * or product the request names that is not stored goes to errors. */
static json_t *facts_new(arena_t *a, const char *keyphrase_lc, const gen_req_t *q, json_t *errors)
{
	const char *p[] = {keyphrase_lc, q->city, q->location, q->product_id, q->product_slug};
	PGresult *res = db_run(a, &q_facts, 5, p);
	json_t *ctx = res ? arena_json(a, json_loads(db_get(res, 0, 0), 0, NULL)) : NULL;
	if (ctx && q->location && !json_is_object(json_object_get(ctx, "standort")))
		verr(errors, "parameters.location", "no location has the key %s: store it with POST "
		     "/api/level4/intl-local/locations", q->location);
	if (ctx && strcmp(q->kind, "product") == 0)
		pick_product(a, ctx, q->product_id ? q->product_id : q->product_slug, errors);
	json_object_del(ctx, "produkte");
	if (ctx && strcmp(q->kind, "blog_outline") == 0) {
		PGresult *w = db_run(a, &q_weeks, 1, p);
		if (!w)
			return NULL;
		json_object_set_new(ctx, "steigend", rising_new(w));
	}
	return ctx;
}

/* ---- the loop -------------------------------------------------------------------------- */

/* Orderings of the context's lists: each sorts every list whose items have
 * the field (the first: as stored). */
static const struct ordering {
	const char *name, *field;
	int desc;
} orderings[] = {
	{"gespeichert", NULL, 0},
	{"neueste_zuerst", "datum", 1},
	{"beste_zuerst", "sterne", 1},
	{"meistgesucht_zuerst", "impressionen", 1},
	{"aelteste_zuerst", "datum", 0},
};

static const char *sort_field;
static int sort_desc;

static int by_field(const void *a, const void *b)
{
	json_t *x = json_object_get(*(json_t *const *)a, sort_field);
	json_t *y = json_object_get(*(json_t *const *)b, sort_field);
	int c = json_is_number(x) && json_is_number(y)
		? (json_number_value(x) > json_number_value(y)) - (json_number_value(x) < json_number_value(y))
		: strcmp(json_is_string(x) ? json_string_value(x) : "",
			 json_is_string(y) ? json_string_value(y) : "");
	return sort_desc ? -c : c;
}

/* A copy of ctx (new reference) with its lists ordered by o. */
static json_t *ordered_new(json_t *ctx, const struct ordering *o)
{
	json_t *copy = json_deep_copy(ctx), *v;
	const char *key;
	json_object_foreach(copy, key, v) {
		size_t n = json_array_size(v);
		if (!o->field || n < 2 || !json_object_get(json_array_get(v, 0), o->field))
			continue;
		json_t **items = malloc(n * sizeof *items);
		if (!items)
			continue;
		for (size_t i = 0; i < n; i++)
			items[i] = json_incref(json_array_get(v, i));
		sort_field = o->field;
		sort_desc = o->desc;
		qsort(items, n, sizeof *items, by_field);
		json_array_clear(v);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(v, items[i]);
		free(items);
	}
	return copy;
}

typedef struct cand {
	char *title, *meta, *body;      /* arena */
	json_t *paragraphs, *missing, *analysis;
	int score;
	const char *variant, *ordering;
	long long template_id;
} cand_t;

/* Renders src with ctx into the arena; NULL with err set when it fails. */
static char *render(arena_t *a, const char *src, json_t *ctx, tpl_result_t *t, char *err,
		    size_t errlen)
{
	if (tpl_render(src, strlen(src), ctx, t) < 0) {
		snprintf(err, errlen, "%s", t->error);
		return NULL;
	}
	return arena_strdup(a, t->text);
}

/* What a missing variable asks the editor to add. */
static const struct { const char *var, *de; } missing_hints[] = {
	{"standort_in_der_stadt", "Ein Standort in der Stadt mit Adresse, Telefon und Einsatzgebiet (POST /api/level4/intl-local/locations)"},
	{"bewertung_aus_der_stadt", "Eine Bewertung, die die Stadt oder das Einsatzgebiet nennt (Import: POST /api/level2/social-proof/integrate)"},
	{"foerderprogramm", "Ein laufendes Förderprogramm (POST /api/level3/predictive/events, kind subsidy)"},
	{"saison_daten", "12 Monate Suchdaten zur Keyphrase (POST /api/level3/predictive/analyze)"},
	{"steigende_suchanfragen", "Steigende Suchanfragen: 26 Wochen Suchdaten zur Keyphrase (POST /api/level3/predictive/analyze)"},
	{"fragen_aus_suchanfragen", "Suchanfragen in Frageform zur Keyphrase (POST /api/level3/predictive/analyze)"},
	{"f.antwort.text", "Antworten auf die Fragen ohne Antwort: eine Seite, die sie beantwortet (POST /api/level4/ai-content/analyze)"},
};

/* A product fact to add: %s is the product's name. */
#define IN_PRODUCT " im Produkt „%s“ ergänzen (POST /api/level4/schema/automotive, "
static const struct { const char *var, *de, *raw; } product_hints[] = {
	{"produkt.preis", "Preis fehlt:" IN_PRODUCT "offers.price als Zahl, z. B. 1299.00)", "_preis_roh"},
	{"produkt.waehrung", "Währung fehlt:" IN_PRODUCT "offers.priceCurrency als ISO-4217-Code, z. B. EUR)", "_waehrung_roh"},
	{"produkt.verfuegbarkeit", "Lieferbarkeit fehlt:" IN_PRODUCT "offers.availability, z. B. https://schema.org/InStock)", NULL},
	{"produkt.beschreibung", "Beschreibung fehlt:" IN_PRODUCT "description)", NULL},
	{"produkt.eigenschaften", "Technische Daten fehlen:" IN_PRODUCT "additionalProperty mit name, value und unitCode)", NULL},
	{"produkt.name", "Name fehlt:" IN_PRODUCT "name)", NULL},
};

/* The hint for a missing product fact, naming the product (and what is
 * stored instead when schema.org would not read it); NULL for others. */
static const char *product_hint(arena_t *a, const char *var, json_t *ctx)
{
	json_t *p = json_object_get(ctx, "produkt");
	const char *name = json_string_value(json_object_get(p, "name"));
	for (size_t k = 0; p && k < sizeof product_hints / sizeof product_hints[0]; k++) {
		if (strcmp(product_hints[k].var, var))
			continue;
		const char *raw = product_hints[k].raw ? json_string_value(json_object_get(p,
			product_hints[k].raw)) : NULL;
		const char *de = arena_printf(a, product_hints[k].de, name ? name :
			json_string_value(json_object_get(p, "_ref")));
		return raw && de ? arena_printf(a, "%s; gespeichert ist „%s“, das liest schema.org "
						"nicht", de, raw) : de;
	}
	return NULL;
}

static json_t *missing_new(arena_t *a, json_t *vars, json_t *ctx)
{
	json_t *out = json_array(), *v;
	size_t i;
	json_array_foreach(vars, i, v) {
		const char *name = json_string_value(v), *de = product_hint(a, name, ctx);
		for (size_t k = 0; !de && k < sizeof missing_hints / sizeof missing_hints[0]; k++)
			if (strcmp(missing_hints[k].var, name) == 0)
				de = missing_hints[k].de;
		json_array_append_new(out, json_pack("{s:s, s:s}", "variable", name, "add",
						     de ? de : "Ein Wert für diese Variable"));
	}
	return out;
}

/* Scores marked text for the draft's keyphrase with #26; NULL on failure. */
static json_t *score_new(arena_t *a, const char *body, const char *title, const char *meta,
			 const char *slug, const char *keyphrase)
{
	seo_input_t in = {.text = body, .len = strlen(body), .title = title, .meta = meta,
		.slug = slug, .keyphrase = keyphrase, .lang = TEXT_LANG_DE};
	return arena_json(a, seo_analyze_json_new(&in));
}

/* One candidate: a template row (0 id, 1 variant, 2 version, 3 title, 4 meta,
 * 5 body) with one ordering of ctx. 0, or -1 with err. */
static int candidate(arena_t *a, const PGresult *tpl, int row, json_t *ctx, const char *slug,
		     const char *keyphrase, cand_t *c, char *err, size_t errlen)
{
	tpl_result_t t[3];
	memset(t, 0, sizeof t);
	c->title = render(a, db_get(tpl, row, 3), ctx, &t[0], err, errlen);
	c->meta = c->title ? render(a, db_get(tpl, row, 4), ctx, &t[1], err, errlen) : NULL;
	c->body = c->meta ? render(a, db_get(tpl, row, 5), ctx, &t[2], err, errlen) : NULL;
	if (c->body) {
		c->paragraphs = arena_json(a, tpl_paragraphs_new(&t[2]));
		json_array_extend(t[2].missing, t[0].missing);
		json_array_extend(t[2].missing, t[1].missing);
		c->missing = arena_json(a, missing_new(a, t[2].missing, ctx));
		c->analysis = score_new(a, c->body, c->title, c->meta, slug, keyphrase);
		c->score = (int)json_integer_value(json_object_get(c->analysis, "score"));
	}
	for (int i = 0; i < 3; i++)
		tpl_result_free(&t[i]);
	c->template_id = db_getll(tpl, row, 0, 0);
	c->variant = db_get(tpl, row, 1);
	if (c->body && !(c->paragraphs && c->missing && c->analysis))
		snprintf(err, errlen, "out of memory");
	return c->body && c->paragraphs && c->missing && c->analysis ? 0 : -1;
}

static const db_stmt_t q_templates = {"drafts_templates",
	"SELECT DISTINCT ON (variant) id, variant, version, title, meta, body FROM content_templates"
	" WHERE kind = $1 AND active ORDER BY variant, version DESC"};

/* Runs the loop: best in *best, every candidate's summary in `all`. 0, or -1
 * when no candidate renders (the first error in err). */
static int loop(arena_t *a, const PGresult *tpl, json_t *ctx, int want, const char *slug,
		const char *keyphrase, cand_t *best, json_t *all, char *err, size_t errlen)
{
	json_t *seen = arena_json(a, json_object());
	int kept = 0;
	for (size_t o = 0; o < sizeof orderings / sizeof orderings[0]; o++)
		for (int row = 0; row < PQntuples(tpl) && kept < want; row++) {
			json_t *octx = arena_json(a, ordered_new(ctx, &orderings[o]));
			cand_t c = {0};
			char why[200] = "";
			c.ordering = orderings[o].name;
			if (!octx || candidate(a, tpl, row, octx, slug, keyphrase, &c, why, sizeof why)) {
				if (!*err)
					snprintf(err, errlen, "template %s: %s", db_get(tpl, row, 1), why);
				continue;
			}
			if (!seen || json_object_get(seen, c.body))
				continue;       /* this ordering changed nothing */
			json_object_set_new(seen, c.body, json_true());
			json_array_append_new(all, json_pack("{s:s, s:{s:I, s:s, s:i}, s:s, s:i}",
				"source", "template", "template", "id", (json_int_t)c.template_id,
				"variant", c.variant, "version", (int)db_getll(tpl, row, 2, 1),
				"ordering", c.ordering, "score", c.score));
			if (!kept++ || c.score > best->score)
				*best = c;
		}
	for (size_t i = 0; i < json_array_size(all); i++) {
		json_t *s = json_array_get(all, i);
		json_object_set_new(s, "kept", json_boolean(
			json_integer_value(json_object_get(json_object_get(s, "template"), "id")) ==
			best->template_id && !strcmp(json_string_value(json_object_get(s, "ordering")),
						     best->ordering ? best->ordering : "")));
	}
	return kept ? 0 : -1;
}

/* ---- storage and the draft's JSON -------------------------------------------------------- */

#define TS(c) "to_char(" c " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define DRAFT_FIELDS "'id', d.id, 'kind', d.kind, 'keyphrase', d.keyphrase," \
	" 'parameters', d.params, 'status', d.status, 'version', d.version, 'etag', '\"' ||" \
	" d.version || '\"', 'title', d.title, 'meta', d.meta, 'slug', d.slug, 'body', d.body," \
	" 'score', d.score, 'analysis', d.analysis, 'paragraphs', d.paragraphs, 'missing', d.missing," \
	" 'candidates', d.candidates, 'template_id', d.template_id, 'source', CASE WHEN" \
	" d.template_id IS NULL THEN 'llm' ELSE 'template' END, 'created_by', d.created_by," \
	" 'updated_by', d.updated_by, 'created_at', " TS("d.created_at") ", 'updated_at', " \
	TS("d.updated_at") ", 'published_at', " TS("d.published_at") ", 'published_version'," \
	" d.published_version"
/* A stored draft as the API shows it (d: a content_drafts row). */
#define DRAFT_JSON "json_build_object(" DRAFT_FIELDS ", 'revisions', (SELECT count(*)" \
	" FROM content_draft_revisions v WHERE v.draft_id = d.id))"

/* $1 kind $2 keyphrase $3 params $4 title $5 meta $6 slug $7 body $8 score
 * $9 analysis $10 paragraphs $11 missing $12 candidates $13 template $14 who. */
static const db_stmt_t q_insert = {"drafts_insert",
	"WITH d AS (INSERT INTO content_drafts (kind, keyphrase, params, title, meta, slug, body,"
	"  score, analysis, paragraphs, missing, candidates, template_id, created_by, updated_by)"
	"  VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8::smallint, $9::jsonb, $10::jsonb,"
	"  $11::jsonb, $12::jsonb, $13::bigint, $14, $14) RETURNING *),"
	" v AS (INSERT INTO content_draft_revisions (draft_id, version, status, title, meta, body,"
	"  score, paragraphs, change, changed_by) SELECT id, version, status, title, meta, body,"
	"  score, paragraphs, 'generated', $14 FROM d RETURNING draft_id)"
	" SELECT json_build_object(" DRAFT_FIELDS ", 'revisions', 1) FROM d, v"};

static int reply_draft(req_t *r, int status, json_t *draft)
{
	reply_header(r, "ETag", json_string_value(json_object_get(draft, "etag")));
	return reply_json(r, status, draft);
}

static const char *text_of(arena_t *a, json_t *j)
{
	return arena_json_text(a, j);
}

static json_t *store_new(arena_t *a, const char *who, const char *kind, const char *keyphrase,
			 json_t *params, const char *slug, const cand_t *c, json_t *all)
{
	char score[8], tid[24];
	snprintf(score, sizeof score, "%d", c->score);
	snprintf(tid, sizeof tid, "%lld", c->template_id);
	const char *p[] = {kind, keyphrase, text_of(a, params), c->title, c->meta,
		slug, c->body, score,
		text_of(a, c->analysis), text_of(a, c->paragraphs), text_of(a, c->missing),
		text_of(a, all), tid, who};
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		if (!p[i])
			return NULL;
	if (!c->template_id)
		p[12] = NULL;           /* written by the LLM provider */
	PGresult *res = db_run(a, &q_insert, 14, p);
	return res ? arena_json(a, json_loads(db_get(res, 0, 0), 0, NULL)) : NULL;
}

/* ---- the LLM provider (optional) -------------------------------------------------------- */

static json_t *still_missing_new(json_t *old, const char *title, const char *meta, const char *body);

/* With ZOE_LLM_URL set, one more candidate from the same facts (content_llm.c),
 * scored by #26 like the others and kept only when it scores best; its entry
 * in `all` says so, or why there is none. */
static void llm_try(arena_t *a, const char *kind, const char *keyphrase, json_t *ctx,
		    const char *slug, cand_t *best, json_t *all)
{
	json_t *vars = arena_json(a, json_array()), *m, *entry;
	size_t i;
	char err[240] = "";
	llm_candidate_t lc;
	json_array_foreach(best->missing, i, m)
		json_array_append(vars, json_object_get(m, "variable"));
	llm_request_t lq = {kind, keyphrase, ctx, vars, best->title, best->meta, best->body,
		best->score};
	json_t *analysis = vars && llm_candidate(a, &lq, &lc, err, sizeof err) == 0 ?
		score_new(a, lc.body, lc.title, lc.meta, slug, keyphrase) : NULL;
	json_t *missing = analysis ? arena_json(a, still_missing_new(best->missing, lc.title,
		lc.meta, lc.body)) : NULL;
	if (!missing) {
		json_array_append_new(all, json_pack("{s:s, s:n, s:s, s:n, s:b, s:s}", "source", "llm",
			"template", "ordering", "llm", "score", "kept", 0, "error",
			*err ? err : "out of memory"));
		return;
	}
	int score = (int)json_integer_value(json_object_get(analysis, "score"));
	int keep = score > best->score;
	entry = json_pack("{s:s, s:n, s:s, s:s?, s:i, s:b}", "source", "llm", "template",
			  "ordering", "llm", "model", lc.model, "score", score, "kept", keep);
	json_array_foreach(keep ? all : NULL, i, m)
		json_object_set_new(m, "kept", json_false());
	json_array_append_new(all, entry);
	if (keep)
		*best = (cand_t){(char *)lc.title, (char *)lc.meta, (char *)lc.body, lc.paragraphs,
			missing, analysis, score, "llm", "llm", 0};
}

/* ---- #48 generate ---------------------------------------------------------------------- */

static const vrule_t param_rules[] = {
	{"city", V_STRING, 0, 1, 80, NULL, NULL},
	{"location", V_STRING, 0, 1, 100, NULL, NULL},
	{"product", V_ANY, 0, 0, 0, NULL, NULL},        /* an id (7) or a slug ("wallbox") */
	{"candidates", V_INT, 0, 1, CANDIDATES_MAX, NULL, NULL},
};
static const vschema_t param_schema = {"DraftParameters", VRULES(param_rules), NULL, 0, 0};
static const vrule_t generate_rules[] = {
	{"kind", V_STRING, 1, 0, 0, kinds, NULL},
	{"keyphrase", V_STRING, 1, 2, 100, NULL, NULL},
	{"parameters", V_OBJECT, 0, 0, 0, NULL, &param_schema},
};
static const vschema_t generate_body = {"DraftRequest", VRULES(generate_rules), NULL, 0, 0};
const api_op_t op_content_generate = {NULL, 0, &generate_body,
	"{\"kind\": \"landing\", \"keyphrase\": \"Photovoltaik Köln\", \"parameters\": "
	"{\"city\": \"Köln\", \"candidates\": 6}}", 201, NULL};

/* A city name: letters with spaces, hyphens, dots, apostrophes, brackets. */
static int city_ok(const char *s)
{
	int letters = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || strchr("{}<>%\"\\;=/&#|*$", *p))
			return 0;
		letters += *p >= 0x80 || (*p | 0x20) >= 'a';
	}
	return letters > 0;
}

static char *lower_ascii(arena_t *a, const char *s)
{
	char *o = arena_strdup(a, s);
	for (char *p = o; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return o;
}

/* parameters.product: a positive id or a slug (lower case, digits, '-'). */
static void read_product(arena_t *a, json_t *v, gen_req_t *q, json_t *errors)
{
	const char *s = json_string_value(v);
	if (json_is_integer(v) && json_integer_value(v) > 0)
		q->product_id = arena_printf(a, "%lld", (long long)json_integer_value(v));
	else if (s && *s && strlen(s) <= 120 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-")
		 == strlen(s))
		q->product_slug = s;
	else
		verr(errors, "parameters.product", "must be a product's id (a positive integer) or "
		     "slug (lower case letters, digits and '-', e.g. zoe-wallbox-11-kw)");
}

/* Reads and checks the request; 0, or -1 with errors. */
static int read_generate(arena_t *a, json_t *body, json_t *errors, gen_req_t *q)
{
	validate(body, generate_rules, sizeof generate_rules / sizeof generate_rules[0], "", errors);
	json_t *params = json_object_get(body, "parameters");
	if (json_is_object(params))
		validate(params, param_rules, sizeof param_rules / sizeof param_rules[0], "parameters",
			 errors);
	q->kind = json_string_value(json_object_get(body, "kind"));
	q->keyphrase = json_string_value(json_object_get(body, "keyphrase"));
	q->city = json_string_value(json_object_get(params, "city"));
	q->location = json_string_value(json_object_get(params, "location"));
	json_t *n = json_object_get(params, "candidates"), *prod = json_object_get(params, "product");
	q->want = json_is_integer(n) ? (int)json_integer_value(n) : CANDIDATES_DEFAULT;
	if (q->keyphrase && (!city_ok(q->keyphrase) ||
			     text_word_count(q->keyphrase, strlen(q->keyphrase)) == 0))
		verr(errors, "keyphrase", "must be words (no markup or template characters)");
	if (q->city && !city_ok(q->city))
		verr(errors, "parameters.city", "must be a city's name, e.g. Köln");
	if (q->kind && strcmp(q->kind, "landing") == 0 && !json_object_get(params, "city") &&
	    !json_object_get(params, "location"))
		verr(errors, "parameters.city", "is required for a landing page (Photovoltaik in "
		     "{Stadt}): a city, or parameters.location, the key of a stored location");
	if (q->kind && strcmp(q->kind, "product") == 0 && !prod)
		verr(errors, "parameters.product", "is required for a product page: the id or slug "
		     "of a product of POST /api/level4/schema/automotive");
	if (prod)
		read_product(a, prod, q, errors);
	return json_array_size(errors) ? -1 : 0;
}

/* The context's request facts: keyphrase, its title form, the city (the
 * stored location's, when there is one). */
static void add_request_facts(arena_t *a, json_t *ctx, const gen_req_t *q)
{
	char *titel = arena_strdup(a, q->keyphrase);
	const char *city = json_string_value(json_object_get(json_object_get(ctx, "standort"),
							      "stadt"));
	if (titel && titel[0] >= 'a' && titel[0] <= 'z')
		titel[0] = (char)(titel[0] - 32);
	json_object_set_new(ctx, "keyphrase", json_string(q->keyphrase));
	json_object_set_new(ctx, "keyphrase_titel", json_string(titel ? titel : q->keyphrase));
	if (city || q->city)
		json_object_set_new(ctx, "stadt", json_string(city ? city : q->city));
}

static json_t *method_new(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "loop",
		"every active template variant × every ordering of the fact lists (gespeichert, "
		"neueste_zuerst, beste_zuerst, meistgesucht_zuerst, aelteste_zuerst), identical texts "
		"dropped, up to `candidates`; each scored by the content analysis of #26 for the "
		"keyphrase; the best kept (ties: the first)",
		"rising", "Mann-Kendall p < 0.05 and Sen slope > 0 over the weekly impressions of "
		"the last 26 weeks (as #14); anstieg = slope as % of the weekly mean",
		"local", "the location of #38 by parameters.location (its key), else the first stored "
		"in the city; reviews near it name its city or a region of its service area",
		"llm", "with ZOE_LLM_URL set (an OpenAI-compatible chat completions endpoint), one "
		"more candidate written from the same facts, citing them as [[table:id]]; refused when "
		"it cites rows that are not facts or states figures without a citation; scored the "
		"same way and kept only when it scores best (source llm); never required",
		"facts", "paragraphs[].facts name the rows used (table:id); reviews:* is a figure "
		"over all reviews; a product's facts are its schema snippet of #32 "
		"(schema_snippets:id); missing lists what to add where the text says [fehlt: …]");
}

/* Generates and stores one draft (arena-owned JSON). NULL: *status 422 with
 * errors (a location or product not stored), 409 with err, or 0 when the
 * database failed (db_last). */
static json_t *generate_new(arena_t *a, const char *who, const gen_req_t *q, json_t *errors,
			    int *status, char *err, size_t errlen)
{
	char slug[160];
	const char *kp_lc = lower_ascii(a, q->keyphrase), *kp[] = {q->kind};
	json_t *ctx = kp_lc ? facts_new(a, kp_lc, q, errors) : NULL;
	PGresult *tpl = ctx && !json_array_size(errors) ? db_run(a, &q_templates, 1, kp) : NULL;
	cand_t best = {0};
	json_t *all = arena_json(a, json_array());
	*status = json_array_size(errors) ? 422 : 0;
	if (!tpl || !all)
		return NULL;
	add_request_facts(a, ctx, q);
	const char *city = json_string_value(json_object_get(ctx, "stadt"));
	tpl_slug(city && !strstr(kp_lc, lower_ascii(a, city)) ?
		 arena_printf(a, "%s %s", q->keyphrase, city) : q->keyphrase, slug, sizeof slug);
	if (!PQntuples(tpl) || loop(a, tpl, ctx, q->want, slug, q->keyphrase, &best, all, err,
				    errlen) < 0) {
		*status = 409;
		if (!*err)
			snprintf(err, errlen, "no active template of kind %s", q->kind);
		return NULL;
	}
	if (llm_enabled())
		llm_try(a, q->kind, q->keyphrase, ctx, slug, &best, all);
	json_t *params = arena_json(a, json_pack("{s:s?, s:s?, s:s?, s:i}", "city", city,
		"location", json_string_value(json_object_get(json_object_get(ctx, "standort"), "key")),
		"product", json_string_value(json_object_get(json_object_get(ctx, "produkt"), "_ref")),
		"candidates", q->want));
	json_t *draft = params ? store_new(a, who, q->kind, q->keyphrase, params, slug, &best, all)
			       : NULL;
	if (draft)
		json_object_set_new(draft, "method", method_new());
	return draft;
}

int h_content_generate(req_t *r)
{
	json_t *body = json_body(r), *errors = arena_json(r->arena, json_array());
	gen_req_t q = {0};
	int status;
	char err[240] = "";
	if (!body)
		return 0;
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	if (read_generate(r->arena, body, errors, &q) < 0)
		return reply_invalid(r, json_incref(errors));
	json_t *draft = generate_new(r->arena, req_actor(r), &q, errors, &status, err, sizeof err);
	if (!draft && status == 422)
		return reply_invalid(r, json_incref(errors));
	if (!draft)
		return status ? reply_problem(r, status, err, NULL) : db_fail(r);
	reply_header(r, "Location", arena_printf(r->arena, "/api/level5/content/drafts/%lld",
		(long long)json_integer_value(json_object_get(draft, "id"))));
	return reply_draft(r, 201, draft);
}

/* ---- demo ------------------------------------------------------------------------- */

/* The products are demo snippets of #32 (schema_seed_demo, by their page's
 * slug): the wallbox is complete, the carport's price has a decimal comma. */
static const struct { const char *kind, *keyphrase, *city, *product, *status; } demo_drafts[] = {
	{"landing", "Photovoltaik Köln", "Köln", NULL, "draft"},
	{"faq", "Balkonkraftwerk", NULL, NULL, "approved"},
	{"blog_outline", "Stromspeicher", NULL, NULL, "published"},
	{"blog_outline", "Wärmepumpe", NULL, NULL, "rejected"},
	{"product", "Wallbox", NULL, "wallbox", "approved"},
	{"product", "Solarcarport", NULL, "solarcarport", "draft"},
};

static const db_stmt_t q_demo_exists = {"drafts_demo_exists",
	"SELECT 1 FROM content_drafts WHERE created_by = 'seed' AND kind = $1 AND keyphrase = $2"};
/* The demo's own product of slug $1 (users may store more of that name). */
static const db_stmt_t q_demo_product = {"drafts_demo_product",
	"SELECT id::text FROM schema_snippets WHERE kind = 'automotive' AND created_by = 'seed'"
	" AND " PRODUCT_SLUG_IS("1") " ORDER BY id LIMIT 1"};
static const db_stmt_t q_demo_status = {"drafts_demo_status",
	"WITH d AS (UPDATE content_drafts SET status = $2, version = version + 1,"
	"  published_at = CASE WHEN $2 = 'published' THEN now() END,"
	"  published_version = CASE WHEN $2 = 'published' THEN version + 1 END"
	"  WHERE id = $1::bigint RETURNING *)"
	" INSERT INTO content_draft_revisions (draft_id, version, status, title, meta, body, score,"
	"  paragraphs, change, changed_by) SELECT id, version, status, title, meta, body, score,"
	"  paragraphs, CASE status WHEN 'approved' THEN 'approved' WHEN 'published' THEN"
	"  'published' ELSE 'rejected' END, 'seed' FROM d"};

/* Generates the demo drafts once (zoe seed --demo); 0/-1. */
int drafts_seed_demo(void)
{
	arena_t *a = arena_new(1 << 20);
	int rc = a ? 0 : -1, status;
	size_t i, made = 0;
	char err[240] = "";
	for (i = 0; rc == 0 && i < sizeof demo_drafts / sizeof demo_drafts[0]; i++, arena_reset(a)) {
		const char *p[] = {demo_drafts[i].kind, demo_drafts[i].keyphrase};
		PGresult *res = db_run(a, &q_demo_exists, 2, p);
		if (!res || PQntuples(res))
			continue;
		const char *product = NULL;
		if (demo_drafts[i].product) {
			PGresult *pr = db_run(a, &q_demo_product, 1, &demo_drafts[i].product);
			product = pr && PQntuples(pr) ? db_get(pr, 0, 0) : NULL;
		}
		gen_req_t q = {p[0], p[1], demo_drafts[i].city, NULL, product, NULL,
			CANDIDATES_DEFAULT};
		json_t *errors = arena_json(a, json_array());
		json_t *d = errors && db_begin() == 0 ? generate_new(a, "seed", &q, errors, &status, err,
			sizeof err) : NULL;
		if (!d && status == 422)
			snprintf(err, sizeof err, "%s", arena_json_text(a, errors));
		const char *s[] = {d ? arena_printf(a, "%lld", (long long)json_integer_value(
			json_object_get(d, "id"))) : NULL, demo_drafts[i].status};
		if (d && strcmp(s[1], "draft") && !db_run(a, &q_demo_status, 2, s))
			d = NULL;
		rc = d && db_commit() == 0 ? 0 : -1;
		made += rc == 0;
		if (rc)
			db_rollback();
	}
	if (rc == 0)
		printf("zoe seed: %zu demo drafts generated\n", made);
	else
		fprintf(stderr, "zoe seed: demo draft %zu failed: %s %s\n", i ? i - 1 : 0, err,
			db_last_message());
	if (a)
		arena_free(a);
	return rc;
}

/* ---- #49 drafts -------------------------------------------------------------------------- */

/* $1 status or NULL, $2 rows wanted (limit + 1), $3 cursor id or NULL. Newest first. */
static const db_stmt_t q_list = {"drafts_list",
	"SELECT json_build_object('counts', (SELECT json_build_object("
	"  'draft', count(*) FILTER (WHERE status = 'draft'),"
	"  'approved', count(*) FILTER (WHERE status = 'approved'),"
	"  'rejected', count(*) FILTER (WHERE status = 'rejected'),"
	"  'published', count(*) FILTER (WHERE status = 'published')) FROM content_drafts),"
	" 'items', (SELECT coalesce(json_agg(" DRAFT_JSON " ORDER BY d.id DESC), '[]') FROM"
	"  (SELECT * FROM content_drafts WHERE ($1::text IS NULL OR status = $1)"
	"   AND ($3::bigint IS NULL OR id < $3::bigint) ORDER BY id DESC LIMIT $2::int) d))"};

static const db_stmt_t q_drafts_stamp = {"q_drafts_stamp",
	"SELECT (SELECT last_value FROM data_version_drafts)::text"};

/* The cursor: base64url of "v1:<id>" of the last item; the id or NULL. */
static const char *read_cursor(arena_t *a, const char *cur)
{
	unsigned char raw[40];
	char *end;
	int n = cur && strlen(cur) <= 40 ? crypto_b64url_decode(cur, raw, sizeof raw - 1) : -1;
	if (n < 4)
		return NULL;
	raw[n] = '\0';
	long long id = strncmp((char *)raw, "v1:", 3) ? 0 : strtoll((char *)raw + 3, &end, 10);
	return id > 0 && !*end ? arena_printf(a, "%lld", id) : NULL;
}

static const vrule_t list_query[] = {
	{"status", V_STRING, 0, 0, 0, statuses, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
	{"cursor", V_STRING, 0, 1, 40, NULL, NULL},
};
static void list_check(req_t *r, json_t *errors)
{
	const char *cursor = req_query(r, "cursor");
	if (cursor && !read_cursor(r->arena, cursor))
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
}
const api_op_t op_content_drafts = {VRULES(list_query), NULL, NULL, 0, list_check};

int h_content_drafts(req_t *r)
{
	if (cache_serve(r, &q_drafts_stamp))
		return 0;
	const char *limit = req_query(r, "limit"), *cursor = req_query(r, "cursor");
	long lim = limit ? strtol(limit, NULL, 10) : 50;    /* checked by the router */
	char want[24], raw[40], enc[64];
	snprintf(want, sizeof want, "%ld", lim + 1);
	const char *p[] = {req_query(r, "status"), want, cursor ? read_cursor(r->arena, cursor) : NULL};
	PGresult *res = db_run(r->arena, &q_list, 3, p);
	if (!res)
		return db_fail(r);
	json_t *out = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	json_t *items = json_object_get(out, "items");
	if (!out)
		return reply_problem(r, 500, "out of memory", NULL);
	json_object_set_new(out, "next_cursor", json_null());
	if ((long)json_array_size(items) > lim) {
		json_array_remove(items, (size_t)lim);
		int n = snprintf(raw, sizeof raw, "v1:%lld", (long long)json_integer_value(
			json_object_get(json_array_get(items, (size_t)lim - 1), "id")));
		crypto_b64url((const unsigned char *)raw, (size_t)n, enc);
		json_object_set_new(out, "next_cursor", json_string(enc));
	}
	json_object_set_new(out, "status", p[0] ? json_string(p[0]) : json_null());
	json_object_set_new(out, "limit", json_integer(lim));
	return reply_json(r, 200, out);
}

/* ---- #50 PATCH and #51 publish ------------------------------------------------------------ */

/* The draft locked for the change: 0 id, 1 version, 2 status, 3 title, 4 meta,
 * 5 slug, 6 body, 7 keyphrase, 8 paragraphs, 9 missing, 10 analysis, 11 score. */
static const db_stmt_t q_lock = {"drafts_lock",
	"SELECT id, version, status, title, meta, slug, body, keyphrase, paragraphs::text,"
	" missing::text, analysis::text, score FROM content_drafts WHERE id = $1::bigint FOR UPDATE"};

/* $1 id $2 status $3 title $4 meta $5 body $6 score $7 analysis $8 paragraphs
 * $9 missing $10 change $11 who $12 publishing (true/false). */
static const db_stmt_t q_update = {"drafts_update",
	"WITH d AS (UPDATE content_drafts SET status = $2, title = $3, meta = $4, body = $5,"
	"  score = $6::smallint, analysis = $7::jsonb, paragraphs = $8::jsonb, missing = $9::jsonb,"
	"  version = version + 1, updated_by = $11, updated_at = now(),"
	"  published_at = CASE WHEN $12::boolean THEN now() ELSE published_at END,"
	"  published_version = CASE WHEN $12::boolean THEN version + 1 ELSE published_version END"
	"  WHERE id = $1::bigint RETURNING *),"
	" v AS (INSERT INTO content_draft_revisions (draft_id, version, status, title, meta, body,"
	"  score, paragraphs, change, changed_by) SELECT id, version, status, title, meta, body,"
	"  score, paragraphs, $10, $11 FROM d RETURNING draft_id),"
	" e AS (INSERT INTO event_log (type, data) SELECT 'content.published', jsonb_build_object("
	"  'id', d.id, 'version', d.version, 'kind', d.kind, 'title', d.title, 'slug', d.slug,"
	"  'score', d.score, 'by', $11::text) FROM d WHERE $12::boolean RETURNING id)"
	" SELECT json_build_object(" DRAFT_FIELDS ", 'revisions', (SELECT count(*) + 1 FROM"
	"  content_draft_revisions r WHERE r.draft_id = d.id)) FROM d"};

static const db_stmt_t q_one = {"drafts_one",
	"SELECT " DRAFT_JSON " FROM content_drafts d WHERE id = $1::bigint"};

/* One draft with the list of its revisions. */
static const db_stmt_t q_get = {"drafts_get",
	"SELECT json_build_object(" DRAFT_FIELDS ", 'revisions', (SELECT count(*) FROM"
	"  content_draft_revisions v WHERE v.draft_id = d.id), 'history', (SELECT coalesce(json_agg("
	"  json_build_object('version', v.version, 'status', v.status, 'change', v.change, 'score',"
	"  v.score, 'changed_by', v.changed_by, 'changed_at', " TS("v.changed_at") ") ORDER BY"
	"  v.version DESC), '[]') FROM content_draft_revisions v WHERE v.draft_id = d.id))"
	" FROM content_drafts d WHERE id = $1::bigint"};

const api_op_t op_content_draft = {NULL, 0, NULL, NULL, 0, NULL};

/* A path's {id} that can name a draft: 1 to 18 digits, not 0. */
static int draft_id_ok(const char *id)
{
	char *end;
	long long n = strtoll(id, &end, 10);
	return !*end && n >= 1 && end - id <= 18;
}

int h_content_draft(req_t *r)
{
	const char *id = r->params[0];
	if (!draft_id_ok(id))
		return reply_problem(r, 404, "no such draft", NULL);
	const char *p[] = {id};
	PGresult *res = db_run(r->arena, &q_get, 1, p);
	if (!res)
		return db_fail(r);
	if (!PQntuples(res))
		return reply_problem(r, 404, "no such draft", NULL);
	json_t *draft = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	return draft ? reply_draft(r, 200, draft) : reply_problem(r, 500, "out of memory", NULL);
}

/* The version an If-Match names ("3", W/"3" or 3); -1 when it names none. */
static long long if_match_version(const char *h)
{
	char *end;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	int quoted = *h == '"';
	long long v = strtoll(h + quoted, &end, 10);
	if (end == h + quoted || (quoted && *end++ != '"') || *end || v < 1)
		return -1;
	return v;
}

/* Locks draft {id}; answers 404 / 412 itself (returns NULL, *done = 1). */
static PGresult *lock_draft(req_t *r, int need_match, int *done)
{
	const char *id = r->params[0];
	*done = 1;
	if (!draft_id_ok(id)) {
		reply_problem(r, 404, "no such draft", NULL);
		return NULL;
	}
	if (need_match && !r->if_match) {
		reply_problem(r, 428, "If-Match is required: send the draft's ETag (\"3\") you "
			      "read, so that another editor's change is not overwritten", NULL);
		return NULL;
	}
	if (db_begin() < 0) {
		db_fail(r);
		return NULL;
	}
	const char *p[] = {id};
	PGresult *res = db_run(r->arena, &q_lock, 1, p);
	if (!res || PQntuples(res) == 0) {
		db_rollback();
		res ? reply_problem(r, 404, "no such draft", NULL) : db_fail(r);
		return NULL;
	}
	long long cur = db_getll(res, 0, 1, 0);
	if (r->if_match && strcmp(r->if_match, "*") && if_match_version(r->if_match) != cur) {
		db_rollback();
		reply_header(r, "ETag", arena_printf(r->arena, "\"%lld\"", cur));
		reply_problem(r, 412, arena_printf(r->arena, "the draft is at version %lld now: "
			      "another editor changed it; reload it and apply your change again", cur),
			      NULL);
		return NULL;
	}
	*done = 0;
	return res;
}

/* Paragraphs of an edited body: a line that was there keeps its facts. */
static json_t *paragraphs_edited_new(const char *body, json_t *old)
{
	json_t *out = json_array(), *p;
	size_t i;
	for (const char *s = body; out && *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		json_t *facts = NULL;
		if (n && strspn(s, " \t\r") < n) {
			json_array_foreach(old, i, p) {
				const char *t = json_string_value(json_object_get(p, "text"));
				if (!facts && t && strlen(t) == n && !memcmp(t, s, n))
					facts = json_object_get(p, "facts");
			}
			json_array_append_new(out, json_pack("{s:s%, s:o, s:b}", "text", s, n, "facts",
				facts ? json_incref(facts) : json_array(), "edited", !facts));
		}
		s += n + (nl != NULL);
	}
	return out;
}

/* The missing facts still marked in the text. */
static json_t *still_missing_new(json_t *old, const char *title, const char *meta, const char *body)
{
	json_t *out = json_array(), *m;
	size_t i;
	char mark[TPL_NAME_MAX + 16];
	json_array_foreach(old, i, m) {
		snprintf(mark, sizeof mark, MISSING_MARK "%s]",
			 json_string_value(json_object_get(m, "variable")));
		if (strstr(title, mark) || strstr(meta, mark) || strstr(body, mark))
			json_array_append(out, m);
	}
	return out;
}

static const vrule_t patch_rules[] = {
	{"title", V_STRING, 0, 1, 300, NULL, NULL},
	{"meta", V_STRING, 0, 0, 1000, NULL, NULL},
	{"body", V_STRING, 0, 1, 100000, NULL, NULL},
	{"status", V_STRING, 0, 0, 0, patch_statuses, NULL},
};
static const vschema_t patch_body = {"DraftChange", VRULES(patch_rules), NULL, 0, 0};
const api_op_t op_content_patch = {NULL, 0, &patch_body, "{\"status\": \"approved\"}", 0, NULL};

typedef struct change {
	const char *status, *title, *meta, *body, *score, *analysis, *paragraphs, *missing, *kind;
} change_t;

/* The new state of a locked draft row; 0, 1 when nothing changes, -1 on
 * out of memory; 409 cases answered (returns 2). */
static int apply_patch(req_t *r, json_t *in, const PGresult *row, change_t *c)
{
	arena_t *a = r->arena;
	const char *t = json_string_value(json_object_get(in, "title"));
	const char *m = json_string_value(json_object_get(in, "meta"));
	const char *b = json_string_value(json_object_get(in, "body"));
	const char *st = json_string_value(json_object_get(in, "status")), *old = db_get(row, 0, 2);
	c->title = t ? t : db_get(row, 0, 3);
	c->meta = m ? m : db_get(row, 0, 4);
	c->body = b ? b : db_get(row, 0, 6);
	int edited = strcmp(c->title, db_get(row, 0, 3)) || strcmp(c->meta, db_get(row, 0, 4)) ||
		     strcmp(c->body, db_get(row, 0, 6));
	c->status = st ? st : edited && !strcmp(old, "published") ? "draft" : old;
	if (!edited && !strcmp(c->status, old))
		return 1;
	json_t *oldmiss = arena_json(a, json_loads(db_get(row, 0, 9), 0, NULL));
	json_t *miss = arena_json(a, still_missing_new(oldmiss, c->title, c->meta, c->body));
	json_t *analysis = edited ? score_new(a, c->body, c->title, c->meta, db_get(row, 0, 5),
					      db_get(row, 0, 7)) : NULL;
	json_t *oldpar = arena_json(a, json_loads(db_get(row, 0, 8), 0, NULL));
	json_t *par = edited ? arena_json(a, paragraphs_edited_new(c->body, oldpar)) : oldpar;
	if (!miss || !par || (edited && !analysis))
		return -1;
	if (!strcmp(c->status, "approved") && json_array_size(miss)) {
		reply_problem(r, 409, arena_printf(a, "the draft still lacks %zu fact(s) (\"[fehlt: …]\" "
			      "in the text, listed in `missing`): add them or edit the text first",
			      json_array_size(miss)), NULL);
		return 2;
	}
	c->missing = arena_json_text(a, miss);
	c->paragraphs = arena_json_text(a, par);
	c->analysis = edited ? arena_json_text(a, analysis) : db_get(row, 0, 10);
	c->score = edited ? arena_printf(a, "%lld", (long long)json_integer_value(
		json_object_get(analysis, "score"))) : db_get(row, 0, 11);
	c->kind = edited ? "edited" : !strcmp(c->status, "approved") ? "approved"
		  : !strcmp(c->status, "rejected") ? "rejected" : "reopened";
	return c->missing && c->paragraphs && c->analysis ? 0 : -1;
}

/* Stores c on the locked draft and commits; replies. */
static int commit_change(req_t *r, const change_t *c, int publishing)
{
	const char *p[] = {r->params[0], c->status, c->title, c->meta, c->body, c->score,
		c->analysis, c->paragraphs, c->missing, c->kind, req_actor(r),
		publishing ? "true" : "false"};
	PGresult *res = p[10] ? db_run(r->arena, &q_update, 12, p) : NULL;
	json_t *draft = res ? arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL)) : NULL;
	if (!draft || db_commit() < 0) {
		int rc = db_fail(r);
		db_rollback();
		return rc;
	}
	return reply_draft(r, 200, draft);
}

/* Answers the stored draft unchanged (after a rollback of the lock). */
static int reply_current(req_t *r)
{
	const char *p[] = {r->params[0]};
	db_rollback();
	PGresult *res = db_run(r->arena, &q_one, 1, p);
	json_t *draft = res && PQntuples(res) ? arena_json(r->arena, json_loads(db_get(res, 0, 0), 0,
									       NULL)) : NULL;
	return draft ? reply_draft(r, 200, draft) : db_fail(r);
}

int h_content_patch(req_t *r)
{
	json_t *in = json_body(r), *errors = arena_json(r->arena, json_array());
	int done;
	change_t c = {0};
	if (!in)
		return 0;
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	validate(in, patch_rules, sizeof patch_rules / sizeof patch_rules[0], "", errors);
	if (!json_array_size(errors) && !json_object_get(in, "title") && !json_object_get(in, "meta")
	    && !json_object_get(in, "body") && !json_object_get(in, "status"))
		verr(errors, "status", "send title, meta, body and/or status");
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	PGresult *row = lock_draft(r, 1, &done);
	if (!row)
		return 0;
	int rc = apply_patch(r, in, row, &c);
	if (rc == 1)
		return reply_current(r);
	if (rc != 0) {
		db_rollback();
		return rc == 2 ? 0 : reply_problem(r, 500, "out of memory", NULL);
	}
	return commit_change(r, &c, 0);
}

const api_op_t op_content_publish = {NULL, 0, NULL, NULL, 0, NULL};

int h_content_publish(req_t *r)
{
	int done;
	PGresult *row = lock_draft(r, 0, &done);
	if (!row)
		return 0;
	const char *status = db_get(row, 0, 2);
	if (!strcmp(status, "published"))
		return reply_current(r);        /* published already: the same answer */
	if (strcmp(status, "approved")) {
		db_rollback();
		return reply_problem(r, 409, arena_printf(r->arena, "the draft is %s: approve it "
				     "(PATCH status approved) before publishing", status), NULL);
	}
	change_t c = {"published", db_get(row, 0, 3), db_get(row, 0, 4), db_get(row, 0, 6),
		db_get(row, 0, 11), db_get(row, 0, 10), db_get(row, 0, 8), db_get(row, 0, 9),
		"published"};
	return commit_change(r, &c, 1);
}
