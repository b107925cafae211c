/* level4_schema.c - #32..#37: JSON-LD snippets for the e-mobility offer
 * (POST /api/level4/schema/automotive), HowTo guides (.../howto) and Q&A
 * pages (.../qa), validated and stored, and their reports (...-report).
 *
 * A POST carries the page's url and its markup (one node, an array of nodes
 * or {"@context", "@graph"}). Its main nodes are those of the service's
 * types (a table: Product with Car and Vehicle, AutomotiveBusiness; HowTo;
 * QAPage and FAQPage), other nodes (Organization, BreadcrumbList…) ride
 * along. Without a main node the request is a 422 naming markup.@type; a
 * QAPage whose answers the site wrote itself is refused the same way
 * (Google's Q&A policy: mark those up as FAQPage). Everything else is a
 * verdict, not a refusal: analysis/jsonld validates the markup against the
 * schema.org vocabulary and Google's required and recommended properties,
 * and the snippet is stored with its state (valid, warnings, invalid), its
 * errors and warnings and whether a rich result can be expected (not for
 * invalid markup, nor for HowTo, retired 2023, nor FAQPage, limited to
 * government and health sites since 2023).
 *
 * Storage (sql/025_schema_snippets.sql): one row per (service, page, key),
 * the key being the first main node's @id, else its type and name. Changed
 * markup is a new version (kept in schema_snippet_versions) and appends a
 * `schema.validated` event in the same statement; the same markup again is
 * "unchanged". The reports list a service's snippets, invalid first, a page
 * at a time (?site=, ?state=, ?type=), through the report cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "jsonld.h"
#include "router.h"
#include "schemaorg.h"
#include "urlnorm.h"

#define URL_MAX 2000
#define NODES_MAX 100
#define KEY_MAX 600

/* The services: their main types (subtypes included) and the types whose
 * rich results Google no longer shows. */
static const struct service {
	const char *kind;
	const char *roots[3];
	const char *expected; /* for the 422 */
} services[] = {
	{"automotive", {"Product", "AutomotiveBusiness", NULL},
	 "a Product (Car, Vehicle, a wallbox or carport with an Offer) or an AutomotiveBusiness"},
	{"howto", {"HowTo", NULL, NULL}, "a HowTo"},
	{"qa", {"QAPage", "FAQPage", NULL}, "a QAPage or an FAQPage"},
};
static const char *const no_rich_result[] = {"HowTo", "FAQPage"};

static const vrule_t snippet_rules[] = {
	{"url", V_URL, 1, 1, URL_MAX, NULL, NULL},   /* the page carrying the markup */
	{"markup", V_ANY, 1, 0, 0, NULL, NULL},      /* JSON-LD: node, array or @graph */
};
static const vschema_t snippet_body = {"SchemaSnippet", VRULES(snippet_rules), NULL, 0, 0};

#define EXAMPLE_HEAD "{\"url\": \"https://zoe-solar.de/"
const api_op_t op_schema_automotive = {NULL, 0, &snippet_body, EXAMPLE_HEAD "wallbox\", \"markup\": "
	"{\"@context\": \"https://schema.org\", \"@type\": \"Product\", \"name\": \"ZOE Wallbox 11 kW\", "
	"\"image\": \"https://zoe-solar.de/img/wallbox.jpg\", \"brand\": {\"@type\": \"Brand\", \"name\": "
	"\"ZOE Solar\"}, \"additionalProperty\": [{\"@type\": \"PropertyValue\", \"name\": \"Ladeleistung\", "
	"\"value\": 11, \"unitCode\": \"KWT\"}], \"offers\": {\"@type\": \"Offer\", \"price\": \"1299.00\", "
	"\"priceCurrency\": \"EUR\", \"availability\": \"https://schema.org/InStock\"}}}", 0, NULL};
const api_op_t op_schema_howto = {NULL, 0, &snippet_body, EXAMPLE_HEAD "ratgeber/wallbox-anmelden\", "
	"\"markup\": {\"@context\": \"https://schema.org\", \"@type\": \"HowTo\", \"name\": \"Wallbox anmelden\", "
	"\"totalTime\": \"PT30M\", \"step\": [{\"@type\": \"HowToStep\", \"text\": \"Formular ausfüllen\", "
	"\"timeRequired\": \"PT20M\"}, {\"@type\": \"HowToStep\", \"text\": \"An den Netzbetreiber senden\"}]}}",
	0, NULL};
const api_op_t op_schema_qa = {NULL, 0, &snippet_body, EXAMPLE_HEAD "faq/wallbox\", \"markup\": "
	"{\"@context\": \"https://schema.org\", \"@type\": \"FAQPage\", \"mainEntity\": [{\"@type\": "
	"\"Question\", \"name\": \"Brauche ich eine Genehmigung?\", \"acceptedAnswer\": {\"@type\": "
	"\"Answer\", \"text\": \"Bis 11 kW genügt die Anmeldung beim Netzbetreiber.\"}}]}}", 0, NULL};

/* A snippet as sent, checked. */
typedef struct snippet {
	const struct service *svc;
	const char *url, *name;
	json_t *markup, *types; /* types: array of the main nodes' @type */
	const json_t *main;     /* the first main node */
	char url_norm[URL_MAX + 64], site[256], key[KEY_MAX];
} snippet_t;

static const struct service *service_of(const char *kind)
{
	for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
		if (strcmp(services[i].kind, kind) == 0)
			return &services[i];
	return NULL;
}

/* The first @type of node o that is one of the service's main types. */
static const char *main_type(const struct service *svc, const json_t *o)
{
	const json_t *t = json_object_get(o, "@type");
	size_t n = json_is_array(t) ? json_array_size(t) : 1;
	for (size_t i = 0; json_is_object(o) && i < n; i++) {
		const char *name = json_string_value(json_is_array(t) ? json_array_get(t, i) : t);
		for (size_t k = 0; name && k < 3 && svc->roots[k]; k++)
			if (schemaorg_is_a(schemaorg_type(name), schemaorg_type(svc->roots[k])))
				return name;
	}
	return NULL;
}

/* The nodes of the markup: a @graph's members, an array's items or itself. */
static const json_t *nodes_of(const json_t *m, size_t *n)
{
	const json_t *g = json_object_get(m, "@graph");
	const json_t *nodes = json_is_array(g) ? g : m;
	*n = json_is_array(nodes) ? json_array_size(nodes) : 1;
	return nodes;
}

/* Collects the main nodes' types, the key and the name into s. */
static void find_main(snippet_t *s, json_t *errors)
{
	size_t n;
	const json_t *nodes = nodes_of(s->markup, &n);
	if (n > NODES_MAX) {
		verr(errors, "markup", "has %zu nodes, at most %d are accepted", n, NODES_MAX);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *o = json_is_array(nodes) ? json_array_get(nodes, i) : nodes;
		const char *t = main_type(s->svc, o);
		if (!t)
			continue;
		json_array_append_new(s->types, json_string(t));
		if (s->main)
			continue;
		s->main = o;
		s->name = json_string_value(json_object_get(o, "name"));
		if (!s->name) /* a QAPage is named by its question */
			s->name = json_string_value(json_object_get(json_object_get(o, "mainEntity"), "name"));
	}
	if (!s->main) {
		verr(errors, "markup.@type", "must hold %s (as @type of the node or of a @graph member)",
		     s->svc->expected);
		return;
	}
	const char *id = json_string_value(json_object_get(s->main, "@id"));
	if (id && *id)
		snprintf(s->key, sizeof s->key, "%.*s", KEY_MAX - 1, id);
	else
		snprintf(s->key, sizeof s->key, "%s:%.500s", json_string_value(json_array_get(s->types, 0)),
			 s->name ? s->name : "");
}

/* The page's normal form and its site (host without "www."). */
static void find_page(snippet_t *s, json_t *errors)
{
	const char *host;
	if (urlnorm(s->url, s->url_norm, sizeof s->url_norm, NULL, 0) < 0) {
		verr(errors, "url", "must be an absolute http(s) URL with a host");
		return;
	}
	size_t n = urlnorm_host(s->url_norm, &host);
	if (n >= 4 && strncmp(host, "www.", 4) == 0)
		host += 4, n -= 4;
	snprintf(s->site, sizeof s->site, "%.*s", (int)n, host);
}

/* Checks the body into s; 0 when it is good, else errors were added. */
static int read_snippet(json_t *body, snippet_t *s, const struct service *svc, arena_t *a,
			json_t *errors)
{
	char path[256];
	memset(s, 0, sizeof *s);
	s->svc = svc;
	validate(body, VRULES(snippet_rules), "", errors);
	s->url = json_string_value(json_object_get(body, "url"));
	s->markup = json_object_get(body, "markup");
	s->types = arena_json(a, json_array());
	if (!s->types)
		return -1;
	if (s->markup && !json_is_object(s->markup) && !json_is_array(s->markup))
		verr(errors, "markup", "must be a JSON-LD object, an array of them or {@context, @graph}");
	else if (s->markup)
		find_main(s, errors);
	if (s->url && json_array_size(errors) == 0)
		find_page(s, errors);
	if (s->main && strcmp(svc->kind, "qa") == 0 &&
	    jsonld_self_answered(s->markup, s->url, path, sizeof path))
		verr(errors, path[1] ? arena_printf(a, "markup%s", path + 1) : "markup",
		     "is the site itself: Google's Q&A policy is for pages where users answer; "
		     "mark up answers the site writes as FAQPage");
	return json_array_size(errors) ? -1 : 0;
}

/* ---- verdict and storage ---------------------------------------------------------- */

static int rich_result_possible(const snippet_t *s, int valid)
{
	for (size_t i = 0; valid && i < json_array_size(s->types); i++)
		for (size_t k = 0; k < sizeof no_rich_result / sizeof no_rich_result[0]; k++)
			if (strcmp(json_string_value(json_array_get(s->types, i)), no_rich_result[k]) == 0)
				return 0;
	return valid;
}

/* The verdict on s (owned by the arena), NULL on out of memory. */
static json_t *verdict(arena_t *a, const snippet_t *s)
{
	json_t *v = arena_json(a, jsonld_validate_new(s->markup));
	if (!v)
		return NULL;
	int valid = json_is_true(json_object_get(v, "valid"));
	const char *state = !valid ? "invalid" : json_array_size(json_object_get(v, "warnings")) ?
		"warnings" : "valid";
	return arena_json(a, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:O, s:s, s:b, s:b, s:O, s:O,"
		" s:O}", "kind", s->svc->kind, "url", s->url, "site", s->site, "key", s->key,
		"name", s->name, "types", s->types, "state", state, "valid", valid,
		"rich_result", rich_result_possible(s, valid), "errors", json_object_get(v, "errors"),
		"warnings", json_object_get(v, "warnings"), "markup", s->markup));
}

/* One statement: the upsert, a version row and an event when the markup
 * changed. $1 kind, $2 site, $3 url, $4 url_norm, $5 key, $6 name, $7 types,
 * $8 state, $9 rich_result, $10 errors, $11 warnings, $12 markup, $13 by. */
static const db_stmt_t q_upsert = {"schema_upsert",
	"WITH old AS (SELECT id, markup FROM schema_snippets"
	"  WHERE kind = $1 AND url_norm = $4 AND snippet_key = $5),"
	" up AS (INSERT INTO schema_snippets AS s (kind, site, url, url_norm, snippet_key, name, types,"
	"  state, rich_result, errors, warnings, markup, created_by)"
	"  VALUES ($1, $2, $3, $4, $5, $6, ARRAY(SELECT json_array_elements_text($7::json)), $8,"
	"   $9::boolean, $10::jsonb, $11::jsonb, $12::jsonb, $13)"
	"  ON CONFLICT (kind, url_norm, snippet_key) DO UPDATE SET url = EXCLUDED.url,"
	"   name = EXCLUDED.name, types = EXCLUDED.types, state = EXCLUDED.state,"
	"   rich_result = EXCLUDED.rich_result, errors = EXCLUDED.errors, warnings = EXCLUDED.warnings,"
	"   markup = EXCLUDED.markup, validated_at = now(),"
	"   version = s.version + CASE WHEN s.markup = EXCLUDED.markup THEN 0 ELSE 1 END,"
	"   created_by = CASE WHEN s.markup = EXCLUDED.markup THEN s.created_by ELSE EXCLUDED.created_by END"
	"  RETURNING id, version, validated_at),"
	" st AS (SELECT up.*, CASE WHEN NOT EXISTS (SELECT 1 FROM old) THEN 'inserted'"
	"  WHEN (SELECT markup FROM old) = $12::jsonb THEN 'unchanged' ELSE 'updated' END AS status FROM up),"
	" ver AS (INSERT INTO schema_snippet_versions (snippet_id, version, state, errors, warnings,"
	"  markup, created_by) SELECT id, version, $8, $10::jsonb, $11::jsonb, $12::jsonb, $13"
	"  FROM st WHERE status <> 'unchanged'),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'schema.validated', jsonb_build_object("
	"  'id', id, 'kind', $1::text, 'url', $3::text, 'key', $5::text, 'version', version,"
	"  'state', $8::text, 'status', status, 'by', $13::text) FROM st WHERE status <> 'unchanged')"
	" SELECT id, version, status, to_char(validated_at AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM st"};

/* Stores verdict `out` of s and adds id, version, status and validated_at
 * to it; NULL on a database error (db_last tells which). */
static PGresult *store(arena_t *a, const snippet_t *s, json_t *out, const char *who)
{
	const char *p[] = {s->svc->kind, s->site, s->url, s->url_norm, s->key, s->name,
		arena_json_text(a, s->types), json_string_value(json_object_get(out, "state")),
		json_is_true(json_object_get(out, "rich_result")) ? "true" : "false",
		arena_json_text(a, json_object_get(out, "errors")), arena_json_text(a, json_object_get(out, "warnings")),
		arena_json_text(a, s->markup), who};
	PGresult *res = p[6] && p[9] && p[10] && p[11] && who ? db_run(a, &q_upsert, 13, p) : NULL;
	if (res) {
		json_object_set_new(out, "id", json_integer((json_int_t)db_getll(res, 0, 0, 0)));
		json_object_set_new(out, "version", json_integer((json_int_t)db_getll(res, 0, 1, 1)));
		json_object_set_new(out, "status", json_string(db_get(res, 0, 2)));
		json_object_set_new(out, "validated_at", json_string(db_get(res, 0, 3)));
	}
	return res;
}

/* POST of one service: validate, judge, store, reply. */
static int snippet_generic(req_t *r, const char *kind)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	snippet_t *s = arena_alloc(r->arena, sizeof *s);
	if (!errors || !s)
		return reply_problem(r, 500, "out of memory", NULL);
	if (read_snippet(body, s, service_of(kind), r->arena, errors) < 0)
		return json_array_size(errors) ? reply_invalid(r, json_incref(errors)) :
			reply_problem(r, 500, "out of memory", NULL);
	json_t *out = verdict(r->arena, s);
	const char *who = req_actor(r);
	if (!out || !who)
		return reply_problem(r, 500, "out of memory", NULL);
	return store(r->arena, s, out, who) ? reply_json(r, 200, out) : db_fail(r);
}

int h_schema_automotive(req_t *r) { return snippet_generic(r, "automotive"); }
int h_schema_howto(req_t *r) { return snippet_generic(r, "howto"); }
int h_schema_qa(req_t *r) { return snippet_generic(r, "qa"); }

/* ---- demo ------------------------------------------------------------------------- */

/* Snippets of the demo site as an editor would send them, a few with the
 * mistakes real sites make (planted: a decimal comma and a currency name, a
 * car's mileage without its unit, a HowTo whose steps outlast totalTime, an
 * FAQ answer left empty). */
static const char *const demo_snippets[] = {
	"{\"kind\": \"automotive\", \"url\": \"https://zoe-solar.de/produkte/wallbox\", \"markup\": "
	"{\"@context\": \"https://schema.org\", \"@type\": \"Product\", \"@id\": "
	"\"https://zoe-solar.de/produkte/wallbox#product\", \"name\": \"ZOE Wallbox 11 kW\", \"image\": "
	"\"https://zoe-solar.de/img/wallbox-11.jpg\", \"description\": \"Wallbox mit 11 kW, dreiphasig, "
	"für PV-Überschussladen.\", \"sku\": \"ZOE-WB-11\", \"brand\": {\"@type\": \"Brand\", \"name\": "
	"\"ZOE Solar\"}, \"additionalProperty\": [{\"@type\": \"PropertyValue\", \"name\": "
	"\"Ladeleistung\", \"value\": 11, \"unitCode\": \"KWT\"}, {\"@type\": \"PropertyValue\", "
	"\"name\": \"Phasen\", \"value\": 3}], \"offers\": {\"@type\": \"Offer\", \"url\": "
	"\"https://zoe-solar.de/produkte/wallbox\", \"price\": \"1299.00\", \"priceCurrency\": \"EUR\", "
	"\"availability\": \"https://schema.org/InStock\", \"priceValidUntil\": \"2026-12-31\"}}}",
	"{\"kind\": \"automotive\", \"url\": \"https://zoe-solar.de/produkte/solarcarport\", \"markup\": "
	"{\"@context\": \"https://schema.org\", \"@type\": \"Product\", \"name\": \"Solarcarport Duo\", "
	"\"image\": \"https://zoe-solar.de/img/carport-duo.jpg\", \"description\": \"Doppelcarport mit "
	"9,6 kWp und integrierter Wallbox.\", \"additionalProperty\": [{\"@type\": \"PropertyValue\", "
	"\"name\": \"Leistung\", \"value\": 9.6, \"unitText\": \"kWp\"}], \"offers\": {\"@type\": "
	"\"Offer\", \"price\": \"8.990,00\", \"priceCurrency\": \"Euro\", \"availability\": "
	"\"https://schema.org/PreOrder\"}}}",
	"{\"kind\": \"automotive\", \"url\": \"https://zoe-solar.de/standorte/berlin/ladepark\", "
	"\"markup\": {\"@context\": \"https://schema.org\", \"@type\": \"AutomotiveBusiness\", \"name\": "
	"\"ZOE Ladepark Berlin\", \"url\": \"https://zoe-solar.de/standorte/berlin/ladepark\", "
	"\"telephone\": \"+49 30 1234567\", \"priceRange\": \"€€\", \"image\": "
	"\"https://zoe-solar.de/img/ladepark-berlin.jpg\", \"address\": {\"@type\": \"PostalAddress\", "
	"\"streetAddress\": \"Rudower Chaussee 12\", \"addressLocality\": \"Berlin\", \"postalCode\": "
	"\"12489\", \"addressCountry\": \"DE\"}, \"geo\": {\"@type\": \"GeoCoordinates\", \"latitude\": "
	"52.4307, \"longitude\": 13.5303}, \"openingHoursSpecification\": [{\"@type\": "
	"\"OpeningHoursSpecification\", \"dayOfWeek\": [\"Monday\", \"Tuesday\", \"Wednesday\", "
	"\"Thursday\", \"Friday\", \"Saturday\", \"Sunday\"], \"opens\": \"00:00\", \"closes\": "
	"\"23:59\"}], \"amenityFeature\": [{\"@type\": \"LocationFeatureSpecification\", \"name\": "
	"\"CCS-Schnelllader 150 kW\", \"value\": true}, {\"@type\": \"LocationFeatureSpecification\", "
	"\"name\": \"Solarüberdachung\", \"value\": true}]}}",
	"{\"kind\": \"automotive\", \"url\": \"https://zoe-solar.de/unternehmen/flotte\", \"markup\": "
	"{\"@context\": \"https://schema.org\", \"@type\": \"Car\", \"name\": \"Servicewagen Berlin 1\", "
	"\"image\": \"https://zoe-solar.de/img/flotte/berlin-1.jpg\", \"brand\": {\"@type\": \"Brand\", "
	"\"name\": \"Volkswagen\"}, \"model\": \"ID. Buzz Cargo\", \"fuelType\": \"Electric\", "
	"\"vehicleModelDate\": \"2024\", \"mileageFromOdometer\": {\"@type\": \"QuantitativeValue\", "
	"\"value\": 23800}}}",
	"{\"kind\": \"howto\", \"url\": \"https://zoe-solar.de/ratgeber/wallbox-anmelden\", \"markup\": "
	"{\"@context\": \"https://schema.org\", \"@type\": \"HowTo\", \"name\": \"Wallbox beim "
	"Netzbetreiber anmelden\", \"image\": \"https://zoe-solar.de/img/ratgeber/anmelden.jpg\", "
	"\"totalTime\": \"PT45M\", \"estimatedCost\": {\"@type\": \"MonetaryAmount\", \"currency\": "
	"\"EUR\", \"value\": 0}, \"supply\": [{\"@type\": \"HowToSupply\", \"name\": "
	"\"Datenblatt der Wallbox\"}], \"tool\": [{\"@type\": \"HowToTool\", \"name\": \"Portal des "
	"Netzbetreibers\"}], \"step\": [{\"@type\": \"HowToStep\", \"name\": \"Unterlagen sammeln\", "
	"\"text\": \"Datenblatt und Installationsnachweis bereitlegen.\", \"timeRequired\": \"PT10M\", "
	"\"url\": \"https://zoe-solar.de/ratgeber/wallbox-anmelden#schritt1\", \"image\": "
	"\"https://zoe-solar.de/img/ratgeber/schritt1.jpg\"}, {\"@type\": \"HowToStep\", \"name\": "
	"\"Formular ausfüllen\", \"text\": \"Im Portal die Anmeldung der Ladeeinrichtung ausfüllen.\", "
	"\"timeRequired\": \"PT20M\", \"url\": \"https://zoe-solar.de/ratgeber/wallbox-anmelden#schritt2\", "
	"\"image\": \"https://zoe-solar.de/img/ratgeber/schritt2.jpg\", \"video\": {\"@type\": \"Clip\", "
	"\"name\": \"Formular\", \"startOffset\": 65, \"url\": "
	"\"https://zoe-solar.de/ratgeber/wallbox-anmelden?t=65\"}}]}}",
	"{\"kind\": \"howto\", \"url\": \"https://zoe-solar.de/ratgeber/pv-reinigen\", \"markup\": "
	"{\"@context\": \"https://schema.org\", \"@type\": \"HowTo\", \"name\": \"PV-Anlage reinigen\", "
	"\"totalTime\": \"PT1H\", \"tool\": \"Teleskopbürste\", \"step\": [{\"@type\": \"HowToStep\", "
	"\"text\": \"Anlage abschalten.\", \"timeRequired\": \"PT10M\"}, {\"@type\": \"HowToStep\", "
	"\"text\": \"Module mit Wasser reinigen.\", \"timeRequired\": \"PT1H15M\"}]}}",
	"{\"kind\": \"qa\", \"url\": \"https://community.zoe-solar.de/fragen/speicher-groesse\", "
	"\"markup\": {\"@context\": \"https://schema.org\", \"@type\": \"QAPage\", \"mainEntity\": "
	"{\"@type\": \"Question\", \"name\": \"Wie groß sollte der Speicher bei 8 kWp sein?\", \"text\": "
	"\"Wir verbrauchen 4500 kWh im Jahr.\", \"datePublished\": \"2026-01-10\", \"author\": {\"@type\": "
	"\"Person\", \"name\": \"Jan K.\"}, \"answerCount\": 2, \"acceptedAnswer\": {\"@type\": "
	"\"Answer\", \"text\": \"Etwa 1 kWh Speicher je kWp, also 8 kWh.\", \"datePublished\": "
	"\"2026-01-11\", \"upvoteCount\": 7, \"url\": "
	"\"https://community.zoe-solar.de/fragen/speicher-groesse#a1\", \"author\": {\"@type\": \"Person\", "
	"\"name\": \"Sabine M.\"}}, \"suggestedAnswer\": [{\"@type\": \"Answer\", \"text\": \"Bei "
	"Wärmepumpe eher größer.\", \"datePublished\": \"2026-01-12\", \"upvoteCount\": 2, \"url\": "
	"\"https://community.zoe-solar.de/fragen/speicher-groesse#a2\", \"author\": {\"@type\": \"Person\", "
	"\"name\": \"Tom R.\"}}]}}}",
	"{\"kind\": \"qa\", \"url\": \"https://zoe-solar.de/faq/wallbox\", \"markup\": {\"@context\": "
	"\"https://schema.org\", \"@type\": \"FAQPage\", \"name\": \"Häufige Fragen zur Wallbox\", "
	"\"url\": \"https://zoe-solar.de/faq/wallbox\", \"mainEntity\": [{\"@type\": \"Question\", "
	"\"name\": \"Brauche ich eine Genehmigung für eine Wallbox?\", \"acceptedAnswer\": {\"@type\": "
	"\"Answer\", \"text\": \"Bis 11 kW genügt die Anmeldung beim Netzbetreiber.\"}}, {\"@type\": "
	"\"Question\", \"name\": \"Kann ich mit Solarstrom laden?\", \"acceptedAnswer\": {\"@type\": "
	"\"Answer\", \"text\": \"\"}}]}}",
};

static int seed_one(arena_t *a, json_t *body)
{
	json_t *errors = arena_json(a, json_array()), *out;
	snippet_t *s = arena_alloc(a, sizeof *s);
	const struct service *svc = service_of(json_string_value(json_object_get(body, "kind")));
	return errors && s && svc && json_object_del(body, "kind") == 0 &&
	       read_snippet(body, s, svc, a, errors) == 0 && (out = verdict(a, s)) &&
	       store(a, s, out, "seed") ? 0 : -1;
}

/* Validates and stores the demo snippets (zoe seed --demo); 0/-1. Idempotent. */
int schema_seed_demo(void)
{
	return seed_docs("JSON-LD snippets", demo_snippets,
			 sizeof demo_snippets / sizeof demo_snippets[0], seed_one);
}

/* ---- reports ---------------------------------------------------------------------- */

/* $1 kind, $2 state or NULL, $3 type or NULL, $4 rows wanted (limit + 1),
 * $5 and $6 the cursor's rank and id (NULL: from the start), $7 site or NULL. */
static const db_stmt_t q_report = {"schema_report",
	"WITH r AS (SELECT *, CASE state WHEN 'invalid' THEN 0 WHEN 'warnings' THEN 1 ELSE 2 END AS rank"
	"  FROM schema_snippets WHERE kind = $1 AND ($2::text IS NULL OR state = $2)"
	"  AND ($3::text IS NULL OR $3 = ANY (types)) AND ($7::text IS NULL OR site = $7))"
	" SELECT json_build_object('kind', $1::text, 'n', (SELECT count(*) FROM r),"
	" 'by_state', json_build_object('valid', (SELECT count(*) FROM r WHERE state = 'valid'),"
	"   'warnings', (SELECT count(*) FROM r WHERE state = 'warnings'),"
	"   'invalid', (SELECT count(*) FROM r WHERE state = 'invalid')),"
	" 'rich_results', (SELECT count(*) FROM r WHERE rich_result),"
	" 'by_type', (SELECT coalesce(json_agg(json_build_object('type', t, 'n', n) ORDER BY n DESC, t),"
	"   '[]') FROM (SELECT t, count(*) AS n FROM r, unnest(types) t GROUP BY t) x),"
	" 'items', (SELECT coalesce(json_agg(json_build_object('id', id, 'url', url, 'site', site,"
	"   'key', snippet_key, 'name', name, 'types', types, 'version', version, 'state', state,"
	"   'rich_result', rich_result, 'errors', errors, 'warnings', warnings, 'markup', markup,"
	"   'validated_at', to_char(validated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"
	"   ORDER BY rank, id), '[]')"
	"  FROM (SELECT * FROM r WHERE $5::int IS NULL OR (rank, id) > ($5::int, $6::bigint)"
	"   ORDER BY rank, id LIMIT $4::int) w))"};

/* The data these reports read, for the report cache (core/cache.h). */
static const db_stmt_t q_schema_stamp = {"q_schema_stamp",
	"SELECT (SELECT last_value FROM data_version_schema)::text"};

/* The cursor: base64url of "v1:<rank 0..2>:<id>" of the last item. */
static int read_cursor(arena_t *a, const char *cur, const char *out[2])
{
	unsigned char raw[48];
	char *end;
	int n = strlen(cur) <= 64 ? crypto_b64url_decode(cur, raw, sizeof raw - 1) : -1;
	if (n < 6)
		return -1;
	raw[n] = '\0';
	const char *t = (const char *)raw;
	if (strncmp(t, "v1:", 3) != 0 || t[3] < '0' || t[3] > '2' || t[4] != ':')
		return -1;
	long long id = strtoll(t + 5, &end, 10);
	if (*end || end == t + 5 || id <= 0)
		return -1;
	out[0] = arena_printf(a, "%c", t[3]);
	out[1] = arena_printf(a, "%lld", id);
	return out[0] && out[1] ? 0 : -1;
}

static const char *const states[] = {"valid", "warnings", "invalid", NULL};
static const vrule_t report_query[] = {
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
	{"state", V_STRING, 0, 0, 0, states, NULL},
	{"type", V_STRING, 0, 1, 100, NULL, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
	{"cursor", V_STRING, 0, 1, 64, NULL, NULL},
};
static void report_check(req_t *r, json_t *errors)
{
	const char *cursor = req_query(r, "cursor"), *type = req_query(r, "type"), *c[2];
	if (cursor && read_cursor(r->arena, cursor, c) < 0)
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
	if (type && schemaorg_type(type) < 0)
		verr(errors, "type", "is not a schema.org type");
	if (req_query(r, "site") && strpbrk(req_query(r, "site"), "/ :?#"))
		verr(errors, "site", "must be a site's domain, e.g. zoe-solar.de");
}
const api_op_t op_schema_report = {VRULES(report_query), NULL, NULL, 0, report_check};

static void next_cursor(json_t *out, long limit)
{
	static const char *const ranks[] = {"invalid", "warnings", "valid"};
	json_t *items = json_object_get(out, "items");
	json_object_set_new(out, "next_cursor", json_null());
	if ((long)json_array_size(items) <= limit)
		return;
	json_array_remove(items, (size_t)limit);
	json_t *last = json_array_get(items, (size_t)limit - 1);
	const char *state = json_string_value(json_object_get(last, "state"));
	int rank = 0;
	while (rank < 2 && strcmp(ranks[rank], state) != 0)
		rank++;
	char raw[48], enc[72];
	int n = snprintf(raw, sizeof raw, "v1:%d:%lld", rank,
			 (long long)json_integer_value(json_object_get(last, "id")));
	crypto_b64url((const unsigned char *)raw, (size_t)n, enc);
	json_object_set_new(out, "next_cursor", json_string(enc));
}

static int report_generic(req_t *r, const char *kind)
{
	if (cache_serve(r, &q_schema_stamp))
		return 0;
	const char *limit = req_query(r, "limit"), *cursor = req_query(r, "cursor");
	const char *c[2] = {NULL, NULL}, *type = req_query(r, "type"), *site = req_query(r, "site");
	long lim = limit ? strtol(limit, NULL, 10) : 50;    /* checked by the router */
	char want[24];
	if (cursor)
		read_cursor(r->arena, cursor, c);
	if (type && strncmp(type, "https://schema.org/", 19) == 0)
		type += 19;
	if (site && strncmp(site, "www.", 4) == 0)
		site += 4;
	snprintf(want, sizeof want, "%ld", lim + 1);
	const char *p[] = {kind, req_query(r, "state"), type, want, c[0], c[1], site};
	PGresult *res = db_run(r->arena, &q_report, 7, p);
	if (!res)
		return db_fail(r);
	json_t *out = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	if (!out)
		return reply_problem(r, 500, "out of memory", NULL);
	next_cursor(out, lim);
	json_object_set_new(out, "limit", json_integer(lim));
	json_object_set_new(out, "site", site ? json_string(site) : json_null());
	return reply_json(r, 200, out);
}

int h_schema_automotive_report(req_t *r) { return report_generic(r, "automotive"); }
int h_schema_howto_report(req_t *r) { return report_generic(r, "howto"); }
int h_schema_qa_report(req_t *r) { return report_generic(r, "qa"); }
