/* level4_intl_local.c - #38 POST /api/level4/intl-local/locations and #39 GET
 * /api/level4/intl-local/locations-report.
 *
 * locations: a batch of business locations of one organization, upserted on
 * their `key`. Every location is checked before anything is written; one bad
 * location answers 422 naming locations[i].field and nothing is stored. The
 * checks (analysis/local.c): a German, Austrian or Swiss postal code, geo
 * inside that country (a lat/lon swap fails), the phone as E.164 (+49, +43,
 * +41; national "030 1234567" read in the location's country, "+49 (0)30 …"
 * accepted), opening hours as text ("Mo-Fr 08:00-17:00; Sa 09:00-13:00") or
 * as schema.org OpeningHoursSpecification nodes, no two spans overlapping,
 * overnight spans allowed, holiday exceptions by date; a service area as a
 * radius around the location or as named regions; languages as BCP 47.
 * Each location gets LocalBusiness (or the subtype sent) JSON-LD with its
 * parentOrganization, validated by analysis/jsonld. NAP findings compare
 * every location with its citations (the listings elsewhere) and with the
 * other locations; the same name up to legal form, the same street up to
 * "Str."/"Straße" and the same number in another notation are no finding.
 * One statement stores the batch and appends a `location.upserted` event
 * per changed location.
 *
 * locations-report: every stored location with its address line, formatted
 * phone and NAP findings, the map data (points and bounding box) and the
 * pairs of overlapping service areas, through the report cache. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "hreflang.h"
#include "json_in.h"
#include "jsonld.h"
#include "local.h"
#include "router.h"

#define LOCATIONS_MAX 100
#define REPORT_MAX 2000         /* locations a report compares pairwise */
#define RADIUS_MAX 500.0        /* km */

static const char *const countries[] = {"DE", "AT", "CH", NULL};
static const char *const business_types[] = {"LocalBusiness", "Electrician",
	"HomeAndConstructionBusiness", "RoofingContractor", "GeneralContractor", "HVACBusiness",
	"ProfessionalService", "Store", "HardwareStore", NULL};

static const vrule_t citation_rules[] = {
	{"source", V_STRING, 1, 1, 100, NULL, NULL},        /* "Google Business Profile" */
	{"url", V_URL, 0, 1, 2000, NULL, NULL},
	{"name", V_STRING, 0, 1, 200, NULL, NULL},
	{"street", V_STRING, 0, 1, 200, NULL, NULL},
	{"postal_code", V_STRING, 0, 1, 12, NULL, NULL},
	{"city", V_STRING, 0, 1, 100, NULL, NULL},
	{"phone", V_STRING, 0, 1, 40, NULL, NULL},
};
static const vschema_t citation_schema = {"Citation", VRULES(citation_rules), NULL, 0, 0};
static const vrule_t exception_rules[] = {
	{"date", V_DATE, 1, 10, 10, NULL, NULL},            /* "2026-12-24" */
	{"through", V_DATE, 0, 10, 10, NULL, NULL},         /* last day, default: date */
	{"closed", V_BOOL, 0, 0, 0, NULL, NULL},
	{"opens", V_STRING, 0, 5, 5, NULL, NULL},
	{"closes", V_STRING, 0, 5, 5, NULL, NULL},
	{"name", V_STRING, 0, 1, 100, NULL, NULL},          /* "Heiligabend" */
};
static const vschema_t exception_schema = {"HoursException", VRULES(exception_rules), NULL, 0, 0};
static const vrule_t area_rules[] = {
	{"radius_km", V_NUMBER, 0, 0.1, RADIUS_MAX, NULL, NULL},
	{"regions", V_ARRAY, 0, 1, 50, NULL, NULL},
};
static const vschema_t area_schema = {"ServiceArea", VRULES(area_rules), NULL, 0, 0};
static const vrule_t location_rules[] = {
	{"key", V_STRING, 1, 1, 100, NULL, NULL},           /* the client's name for it: "berlin" */
	{"name", V_STRING, 1, 1, 200, NULL, NULL},
	{"type", V_STRING, 0, 0, 0, business_types, NULL},
	{"street", V_STRING, 1, 1, 200, NULL, NULL},
	{"postal_code", V_STRING, 1, 1, 12, NULL, NULL},
	{"city", V_STRING, 1, 1, 100, NULL, NULL},
	{"region", V_STRING, 0, 1, 100, NULL, NULL},
	{"country", V_STRING, 1, 0, 0, countries, NULL},
	{"lat", V_NUMBER, 1, -90, 90, NULL, NULL},
	{"lon", V_NUMBER, 1, -180, 180, NULL, NULL},
	{"phone", V_STRING, 1, 1, 40, NULL, NULL},
	{"url", V_URL, 0, 1, 2000, NULL, NULL},
	{"image", V_URL, 0, 1, 2000, NULL, NULL},
	{"price_range", V_STRING, 0, 1, 20, NULL, NULL},
	{"hours", V_ANY, 0, 0, 0, NULL, NULL},              /* text or OpeningHoursSpecification[] */
	{"hours_exceptions", V_ARRAY, 0, 0, 100, NULL, &exception_schema},
	{"service_area", V_OBJECT, 0, 0, 0, NULL, &area_schema},
	{"languages", V_ARRAY, 0, 0, 20, NULL, NULL},
	{"citations", V_ARRAY, 0, 0, 50, NULL, &citation_schema},
};
static const vschema_t location_schema = {"Location", VRULES(location_rules), NULL, 0, 0};
static const vrule_t org_rules[] = {
	{"name", V_STRING, 1, 1, 200, NULL, NULL},
	{"url", V_URL, 0, 1, 2000, NULL, NULL},
};
static const vschema_t org_schema = {"ParentOrganization", VRULES(org_rules), NULL, 0, 0};
static const vrule_t body_rules[] = {
	{"organization", V_OBJECT, 1, 0, 0, NULL, &org_schema},
	{"locations", V_ARRAY, 1, 1, LOCATIONS_MAX, NULL, &location_schema},
};
static const vschema_t body_schema = {"Locations", VRULES(body_rules), NULL, 0, 0};
const api_op_t op_local_locations = {NULL, 0, &body_schema,
	"{\"organization\": {\"name\": \"ZOE Solar GmbH\", \"url\": \"https://zoe-solar.de\"}, "
	"\"locations\": [{\"key\": \"berlin\", \"name\": \"ZOE Solar Berlin\", \"type\": "
	"\"Electrician\", \"street\": \"Musterstraße 1\", \"postal_code\": \"10115\", \"city\": "
	"\"Berlin\", \"country\": \"DE\", \"lat\": 52.532, \"lon\": 13.384, \"phone\": "
	"\"030 1234567\", \"hours\": \"Mo-Fr 08:00-17:00\", \"service_area\": {\"radius_km\": 50}, "
	"\"languages\": [\"de\", \"en\"]}]}", 0, NULL};

/* One location as NAP and map need it (from the request or from storage). */
typedef struct loc {
	const char *key, *name, *street, *postal, *city, *country, *phone, *org;
	double lat, lon, radius;        /* radius 0: no circle */
	json_t *regions, *citations;
} loc_t;

/* ---- checks ---------------------------------------------------------------------- */

static const char *field(arena_t *a, const char *prefix, const char *name)
{
	return arena_printf(a, "%s.%s", prefix, name);
}

/* "08:00" or "24:00" as schema.org wants it: 24:00 is "23:59". */
static json_t *clock_json(int minutes)
{
	char buf[16];
	if (minutes >= 1440 || minutes < 0)
		minutes = 1439;
	snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
	return json_string(buf);
}

static json_t *spec_new(unsigned days, int opens, int closes)
{
	json_t *d = json_array();
	for (int i = 0; i < 7; i++)
		if (days & (1u << i))
			json_array_append_new(d, json_string(local_day_name(i)));
	return json_pack("{s:s, s:o, s:o, s:o}", "@type", "OpeningHoursSpecification",
			 "dayOfWeek", d, "opens", clock_json(opens), "closes", clock_json(closes));
}

/* dayOfWeek of a node as a day mask; 0 when a name is not a day. */
static unsigned days_of(json_t *d)
{
	unsigned mask = 0;
	size_t n = json_is_array(d) ? json_array_size(d) : 1;
	for (size_t i = 0; i < n; i++) {
		int k = local_day_index(json_string_value(json_is_array(d) ? json_array_get(d, i) : d));
		if (k < 0)
			return 0;
		mask |= 1u << k;
	}
	return mask;
}

/* Spans of OpeningHoursSpecification nodes; -1 after naming errors. */
static int hours_nodes(json_t *list, local_hours_t *h, arena_t *a, const char *f, json_t *errors)
{
	json_t *node;
	size_t i;
	int n = 0, bad = 0;
	if (json_array_size(list) > LOCAL_HOURS_MAX) {
		verr(errors, f, "at most %d OpeningHoursSpecification nodes", LOCAL_HOURS_MAX);
		return -1;
	}
	json_array_foreach(list, i, node) {
		const char *fi = arena_printf(a, "%s[%zu]", f, i);
		unsigned days = days_of(json_object_get(node, "dayOfWeek"));
		int o = local_clock(json_string_value(json_object_get(node, "opens")));
		int c = local_clock(json_string_value(json_object_get(node, "closes")));
		if (!json_is_object(node) || !days)
			verr(errors, field(a, fi, "dayOfWeek"), "must be a day (\"Monday\") or days "
			     "of schema.org"), bad = 1;
		if (o < 0 || o == 1440 || c < 0 || o == c)
			verr(errors, fi, "opens and closes must be different times \"08:00\""), bad = 1;
		if (!bad)
			h[n++] = (local_hours_t){days, o, c};
	}
	return bad ? -1 : n;
}

/* hours → OpeningHoursSpecification nodes appended to `spec`. */
static void check_hours(json_t *loc, json_t *spec, arena_t *a, const char *p, json_t *errors)
{
	json_t *hv = json_object_get(loc, "hours");
	const char *f = field(a, p, "hours");
	local_hours_t h[LOCAL_HOURS_MAX];
	int n = 0;
	size_t i, j, at;
	if (!hv || json_is_null(hv))
		return;
	if (json_is_string(hv)) {
		const char *why;
		n = local_hours_parse(json_string_value(hv), h, LOCAL_HOURS_MAX, &why, &at);
		if (n < 0) {
			verr(errors, f, "%s at character %zu (write \"Mo-Fr 08:00-17:00; Sa "
			     "09:00-13:00\")", why, at + 1);
			return;
		}
	} else if (json_is_array(hv)) {
		if ((n = hours_nodes(hv, h, a, f, errors)) < 0)
			return;
	} else {
		verr(errors, f, "must be text (\"Mo-Fr 08:00-17:00\") or OpeningHoursSpecification nodes");
		return;
	}
	if (local_hours_overlap(h, (size_t)n, &i, &j)) {
		verr(errors, f, "spans %zu and %zu overlap", i + 1, j + 1);
		return;
	}
	for (int k = 0; k < n; k++)
		json_array_append_new(spec, spec_new(h[k].days, h[k].opens, h[k].closes));
}

/* Holiday exceptions: nodes valid on their dates only, closed as 00:00-00:00. */
static void check_exceptions(json_t *loc, json_t *spec, arena_t *a, const char *p, json_t *errors)
{
	json_t *list = json_object_get(loc, "hours_exceptions"), *e;
	size_t i;
	json_array_foreach(list, i, e) {
		const char *fi = arena_printf(a, "%s.hours_exceptions[%zu]", p, i);
		if (!json_is_object(e)) {
			verr(errors, fi, "must be an object {date, closed | opens, closes}");
			continue;
		}
		if (validate(e, VRULES(exception_rules), fi, errors))
			continue;
		const char *from = json_string_value(json_object_get(e, "date"));
		const char *to = json_string_value(json_object_get(e, "through"));
		int closed = json_is_true(json_object_get(e, "closed"));
		int o = local_clock(json_string_value(json_object_get(e, "opens")));
		int c = local_clock(json_string_value(json_object_get(e, "closes")));
		if (!closed && (o < 0 || c < 0 || o == c || o == 1440)) {
			verr(errors, fi, "needs closed: true or opens and closes (\"10:00\")");
			continue;
		}
		unsigned days = local_weekdays(from, to);   /* the weekdays the dates fall on */
		if (!days) {
			verr(errors, fi, "date and through must be days of the calendar, through not "
			     "before date");
			continue;
		}
		json_t *node = closed ? spec_new(days, 0, 0) : spec_new(days, o, c);
		json_object_set_new(node, "validFrom", json_string(from));
		json_object_set_new(node, "validThrough", json_string(to ? to : from));
		json_array_append_new(spec, node);
	}
}

/* Service area and languages; *radius 0 when none. */
static void check_area(json_t *loc, loc_t *l, arena_t *a, const char *p, json_t *errors)
{
	json_t *area = json_object_get(loc, "service_area"), *langs = json_object_get(loc, "languages"), *v;
	size_t i;
	l->radius = 0;
	l->regions = arena_json(a, json_array());
	if (json_is_object(area)) {
		const char *fa = field(a, p, "service_area");
		if (validate(area, VRULES(area_rules), fa, errors) == 0) {
			l->radius = json_number_value(json_object_get(area, "radius_km"));
			json_array_foreach(json_object_get(area, "regions"), i, v) {
				const char *s = json_string_value(v);
				if (!s || !*s || strlen(s) > 100)
					verr(errors, arena_printf(a, "%s.regions[%zu]", fa, i), "must be a "
					     "region's name (\"Berlin\", \"Brandenburg\")");
				else
					json_array_append(l->regions, v);
			}
			if (!l->radius && !json_array_size(l->regions))
				verr(errors, fa, "needs radius_km or regions");
		}
	}
	json_array_foreach(langs, i, v) {
		char norm[HREFLANG_CODE_MAX], fix[HREFLANG_CODE_MAX];
		const char *why;
		int rc = hreflang_code(json_string_value(v), norm, fix, &why);
		if (rc != 0 || strcmp(norm, "x-default") == 0)
			verr(errors, arena_printf(a, "%s.languages[%zu]", p, i), "must be a BCP 47 "
			     "language code%s%s", rc == 1 ? ": write " : " (de, en, de-AT)",
			     rc == 1 ? fix : "");
		else
			json_array_set_new(langs, i, json_string(norm));
	}
}

/* The address, geo and phone of location `loc` into l; errors named p.field. */
static void check_nap(json_t *loc, const char *org, loc_t *l, arena_t *a, const char *p,
		      json_t *errors, char *e164, char *postal)
{
	const char *why;
	l->key = json_string_value(json_object_get(loc, "key"));
	l->org = org;
	l->name = json_string_value(json_object_get(loc, "name"));
	l->street = json_string_value(json_object_get(loc, "street"));
	l->city = json_string_value(json_object_get(loc, "city"));
	l->country = json_string_value(json_object_get(loc, "country"));
	l->lat = json_number_value(json_object_get(loc, "lat"));
	l->lon = json_number_value(json_object_get(loc, "lon"));
	l->citations = json_object_get(loc, "citations");
	const char *pc = json_string_value(json_object_get(loc, "postal_code"));
	const char *ph = json_string_value(json_object_get(loc, "phone"));
	if (l->country && pc && local_postal_code(pc, l->country, postal, 16, &why) < 0)
		verr(errors, field(a, p, "postal_code"), "%s", why);
	l->postal = postal;
	if (l->country && ph && local_phone_e164(ph, l->country, e164, &why) < 0)
		verr(errors, field(a, p, "phone"), "%s", why);
	l->phone = e164;
	if (l->country && json_is_number(json_object_get(loc, "lat")) &&
	    json_is_number(json_object_get(loc, "lon")) &&
	    !local_geo_in_country(l->country, l->lat, l->lon))
		verr(errors, field(a, p, "lat"), "lat %g, lon %g lies outside %s (latitude and "
		     "longitude swapped?)", l->lat, l->lon, l->country);
}

/* Checks locations[i]; its OpeningHoursSpecification nodes into *spec. */
static void check_location(json_t *loc, const char *org, size_t i, loc_t *l, json_t **spec,
			   arena_t *a, json_t *errors)
{
	const char *p = arena_printf(a, "locations[%zu]", i);
	char *e164 = arena_alloc(a, LOCAL_E164_MAX), *postal = arena_alloc(a, 16);
	*spec = arena_json(a, json_array());
	if (!p || !e164 || !postal || !*spec)
		return;
	e164[0] = postal[0] = '\0';
	if (!json_is_object(loc)) {
		verr(errors, p, "must be an object");
		return;
	}
	size_t before = json_array_size(errors);
	validate(loc, VRULES(location_rules), p, errors);
	json_t *c;
	size_t k;
	json_array_foreach(json_object_get(loc, "citations"), k, c)
		if (!json_is_object(c))
			verr(errors, arena_printf(a, "%s.citations[%zu]", p, k), "must be an object");
		else
			validate(c, VRULES(citation_rules), arena_printf(a, "%s.citations[%zu]", p, k),
				 errors);
	if (json_array_size(errors) > before)
		return;         /* the finer checks need the right types */
	check_nap(loc, org, l, a, p, errors, e164, postal);
	check_hours(loc, *spec, a, p, errors);
	check_exceptions(loc, *spec, a, p, errors);
	check_area(loc, l, a, p, errors);
}

/* ---- NAP findings and overlaps ------------------------------------------------------- */

static const char *const nap_fields[] = {"name", "street", "postal_code", "city", "phone"};

static void nap_issue(json_t *issues, const char *code, const loc_t *l, const char *other,
		      const char *source, const char *fld, const char *listed, const char *msg)
{
	json_array_append_new(issues, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s}",
		"code", code, "location", l->key, "other", other, "source", source, "field", fld,
		"listed", listed, "message", msg));
}

/* The location against each of its citations. */
static void nap_citations(arena_t *a, const loc_t *l, json_t *issues)
{
	local_nap_t me = {l->name, l->street, l->postal, l->city, l->phone};
	const char *mine[5] = {l->name, l->street, l->postal, l->city, l->phone};
	json_t *c;
	size_t i;
	json_array_foreach(l->citations, i, c) {
		const char *src = json_string_value(json_object_get(c, "source"));
		local_nap_t it = {json_string_value(json_object_get(c, "name")),
			json_string_value(json_object_get(c, "street")),
			json_string_value(json_object_get(c, "postal_code")),
			json_string_value(json_object_get(c, "city")),
			json_string_value(json_object_get(c, "phone"))};
		unsigned d = local_nap_diff(&me, &it, l->country);
		const char *theirs[5] = {it.name, it.street, it.postal_code, it.city, it.phone};
		for (int f = 0; f < 5; f++)
			if (d & (1u << f))
				nap_issue(issues, "citation_mismatch", l, NULL, src, nap_fields[f],
					  theirs[f], arena_printf(a, "%s lists %s \"%s\", the location "
					  "has \"%s\"", src, nap_fields[f], theirs[f], mine[f]));
	}
}

/* Every location's citations, names against the organization's, phones and
 * addresses shared between locations. */
static json_t *nap_issues(arena_t *a, const loc_t *l, size_t n)
{
	json_t *issues = arena_json(a, json_array());
	char on[256], ln[256], s1[256], s2[256];
	for (size_t i = 0; issues && i < n; i++) {
		nap_citations(a, &l[i], issues);
		local_nap_name(l[i].org, on, sizeof on);
		local_nap_name(l[i].name, ln, sizeof ln);
		if (strncmp(ln, on, strlen(on)) != 0 || (ln[strlen(on)] && ln[strlen(on)] != ' '))
			nap_issue(issues, "name_inconsistent", &l[i], NULL, NULL, "name", l[i].name,
				  arena_printf(a, "\"%s\" does not carry the organization's name \"%s\"",
					       l[i].name, l[i].org));
		for (size_t j = 0; j < i; j++) {
			local_nap_street(l[i].street, s1, sizeof s1);
			local_nap_street(l[j].street, s2, sizeof s2);
			int same_addr = strcmp(s1, s2) == 0 && strcmp(l[i].postal, l[j].postal) == 0;
			if (same_addr)
				nap_issue(issues, "address_shared", &l[i], l[j].key, NULL, "street",
					  l[i].street, arena_printf(a, "%s has the address of %s",
					  l[i].key, l[j].key));
			else if (strcmp(l[i].phone, l[j].phone) == 0)
				nap_issue(issues, "phone_shared", &l[i], l[j].key, NULL, "phone",
					  l[i].phone, arena_printf(a, "%s and %s at different addresses "
					  "share the number %s", l[i].key, l[j].key, l[i].phone));
		}
	}
	return issues;
}

static double round2(double x)
{
	return round(x * 100) / 100;
}

/* Pairs whose service circles overlap, or that name the same region. */
static json_t *overlaps(const loc_t *l, size_t n)
{
	json_t *out = json_array();
	char a[256], b[256];
	for (size_t i = 0; out && i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			double d = local_distance_km(l[i].lat, l[i].lon, l[j].lat, l[j].lon);
			double o = l[i].radius > 0 && l[j].radius > 0 ? l[i].radius + l[j].radius - d : 0;
			json_t *shared = json_array(), *x, *y;
			size_t p, q;
			json_array_foreach(l[i].regions, p, x)
				json_array_foreach(l[j].regions, q, y) {
					local_nap_city(json_string_value(x), a, sizeof a);
					local_nap_city(json_string_value(y), b, sizeof b);
					if (strcmp(a, b) == 0)
						json_array_append(shared, x);
				}
			if (o > 0 || json_array_size(shared))
				json_array_append_new(out, json_pack("{s:s, s:s, s:f, s:f, s:o}", "a",
					l[i].key, "b", l[j].key, "distance_km", round2(d), "overlap_km",
					round2(fmax(o, 0)), "regions", shared));
			else
				json_decref(shared);
		}
	return out;
}

/* ---- markup ----------------------------------------------------------------------------- */

/* The LocalBusiness node of a checked location with its parentOrganization. */
static json_t *markup_new(json_t *loc, const loc_t *l, json_t *spec, json_t *org)
{
	const char *url = json_string_value(json_object_get(loc, "url"));
	char tel[40], id[2100];
	local_phone_format(l->phone, tel, sizeof tel);
	snprintf(id, sizeof id, "%s#%s", url ? url : json_string_value(json_object_get(org, "url")) ?
		 json_string_value(json_object_get(org, "url")) : "", l->key);
	jsonld_business_t b = {json_string_value(json_object_get(loc, "type")), id[0] == '#' ? NULL : id,
		l->name, url, tel, json_string_value(json_object_get(loc, "price_range")),
		json_string_value(json_object_get(loc, "image")),
		{l->street, l->postal, l->city, json_string_value(json_object_get(loc, "region")),
		 l->country}, 1, l->lat, l->lon, NULL, 0, NULL, 0};
	json_t *m = jsonld_with_context(jsonld_local_business_new(&b));
	if (!m)
		return NULL;
	json_object_set_new(m, "parentOrganization", json_pack("{s:s, s:O, s:O*}", "@type",
		"Organization", "name", json_object_get(org, "name"), "url",
		json_object_get(org, "url")));
	if (json_array_size(spec))
		json_object_set(m, "openingHoursSpecification", spec);
	if (l->radius > 0)
		json_object_set_new(m, "areaServed", json_pack("{s:s, s:{s:s, s:f, s:f}, s:f}",
			"@type", "GeoCircle", "geoMidpoint", "@type", "GeoCoordinates", "latitude",
			l->lat, "longitude", l->lon, "geoRadius", l->radius * 1000));
	else if (json_array_size(l->regions)) {
		json_t *areas = json_array(), *v;
		size_t i;
		json_array_foreach(l->regions, i, v)
			json_array_append_new(areas, json_pack("{s:s, s:O}", "@type",
				"AdministrativeArea", "name", v));
		json_object_set_new(m, "areaServed", areas);
	}
	if (json_array_size(json_object_get(loc, "languages")))
		json_object_set(m, "knowsLanguage", json_object_get(loc, "languages"));
	return m;
}

/* ---- storage ------------------------------------------------------------------------------- */

#define LOC_COLUMNS "key, name, business_type, street, postal_code, city, region, country, lat," \
	" lon, phone, url, radius_km, regions, languages, hours, citations, parent_name," \
	" parent_url, jsonld, validation"

/* One statement: the batch ($1, rows as JSON) upserted on key, an event per
 * changed location ($2 who). Per row: key, id, status. */
static const db_stmt_t q_upsert = {"local_locations_upsert",
	"WITH rows AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(key text, name text,"
	"  business_type text, street text, postal_code text, city text, region text, country text,"
	"  lat float8, lon float8, phone text, url text, radius_km float8, regions jsonb,"
	"  languages jsonb, hours jsonb, citations jsonb, parent_name text, parent_url text,"
	"  jsonld jsonb, validation jsonb)),"
	" up AS (INSERT INTO local_locations AS l (" LOC_COLUMNS ")"
	"  SELECT " LOC_COLUMNS " FROM rows"
	"  ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name,"
	"   business_type = EXCLUDED.business_type, street = EXCLUDED.street,"
	"   postal_code = EXCLUDED.postal_code, city = EXCLUDED.city, region = EXCLUDED.region,"
	"   country = EXCLUDED.country, lat = EXCLUDED.lat, lon = EXCLUDED.lon,"
	"   phone = EXCLUDED.phone, url = EXCLUDED.url, radius_km = EXCLUDED.radius_km,"
	"   regions = EXCLUDED.regions, languages = EXCLUDED.languages, hours = EXCLUDED.hours,"
	"   citations = EXCLUDED.citations, parent_name = EXCLUDED.parent_name,"
	"   parent_url = EXCLUDED.parent_url, jsonld = EXCLUDED.jsonld,"
	"   validation = EXCLUDED.validation, updated_at = now()"
	"  WHERE (l.name, l.business_type, l.street, l.postal_code, l.city, l.region, l.country,"
	"   l.lat, l.lon, l.phone, l.url, l.radius_km, l.regions, l.languages, l.hours, l.citations,"
	"   l.parent_name, l.parent_url, l.jsonld, l.validation) IS DISTINCT FROM (EXCLUDED.name,"
	"   EXCLUDED.business_type, EXCLUDED.street, EXCLUDED.postal_code, EXCLUDED.city,"
	"   EXCLUDED.region, EXCLUDED.country, EXCLUDED.lat, EXCLUDED.lon, EXCLUDED.phone,"
	"   EXCLUDED.url, EXCLUDED.radius_km, EXCLUDED.regions, EXCLUDED.languages, EXCLUDED.hours,"
	"   EXCLUDED.citations, EXCLUDED.parent_name, EXCLUDED.parent_url, EXCLUDED.jsonld,"
	"   EXCLUDED.validation)"
	"  RETURNING l.id, l.key, (l.xmax = 0) AS inserted),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'location.upserted', jsonb_build_object("
	"  'id', id, 'key', key, 'status', CASE WHEN inserted THEN 'inserted' ELSE 'updated' END,"
	"  'by', $2::text) FROM up RETURNING id)"
	" SELECT r.key, coalesce(u.id, l.id), CASE WHEN u.inserted THEN 'inserted'"
	"  WHEN u.id IS NOT NULL THEN 'updated' ELSE 'unchanged' END, (SELECT count(*) FROM ev)"
	" FROM rows r LEFT JOIN up u ON u.key = r.key LEFT JOIN local_locations l ON l.key = r.key"};

static char *dump(arena_t *a, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
	if (s && arena_cleanup(a, free, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* The row of location `loc` for q_upsert. */
static json_t *row_new(json_t *loc, const loc_t *l, json_t *spec, json_t *org, json_t *markup,
		       json_t *validation)
{
	json_t *langs = json_object_get(loc, "languages"), *cit = json_object_get(loc, "citations");
	const char *type = json_string_value(json_object_get(loc, "type"));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O?, s:s, s:f, s:f, s:s, s:O?, s:o,"
		" s:O, s:O, s:O, s:O, s:O, s:O?, s:O, s:O}", "key", l->key, "name", l->name,
		"business_type", type ? type : "LocalBusiness", "street", l->street, "postal_code",
		l->postal, "city", l->city, "region", json_object_get(loc, "region"), "country",
		l->country, "lat", l->lat, "lon", l->lon, "phone", l->phone, "url",
		json_object_get(loc, "url"), "radius_km", l->radius > 0 ? json_real(l->radius) :
		json_null(), "regions", l->regions, "languages", langs ? langs : json_array(),
		"hours", spec, "citations", cit ? cit : json_array(), "parent_name",
		json_object_get(org, "name"), "parent_url", json_object_get(org, "url"), "jsonld",
		markup, "validation", validation);
}

/* ---- #38 ------------------------------------------------------------------------------------ */

/* Checks every location of the body into l[] and spec[]; 0 when all are good. */
static int read_locations(json_t *body, loc_t *l, json_t **spec, arena_t *a, json_t *errors)
{
	json_t *list = json_object_get(body, "locations"), *org = json_object_get(body, "organization");
	validate(body, VRULES(body_rules), "", errors);
	if (json_is_object(org))
		validate(org, VRULES(org_rules), "organization", errors);
	if (!json_is_array(list) || json_array_size(list) > LOCATIONS_MAX)
		return -1;
	for (size_t i = 0; i < json_array_size(list); i++) {
		check_location(json_array_get(list, i), json_string_value(json_object_get(org,
			       "name")), i, &l[i], &spec[i], a, errors);
		for (size_t j = 0; j < i && l[i].key; j++)
			if (l[j].key && strcmp(l[i].key, l[j].key) == 0) {
				verr(errors, arena_printf(a, "locations[%zu].key", i), "repeats "
				     "locations[%zu].key \"%s\"", j, l[j].key);
				break;
			}
	}
	return json_array_size(errors) ? -1 : 0;
}

/* The reply items and the rows to store. */
static json_t *build(arena_t *a, json_t *body, const loc_t *l, json_t **spec, json_t *rows)
{
	json_t *list = json_object_get(body, "locations"), *org = json_object_get(body, "organization");
	json_t *items = arena_json(a, json_array());
	for (size_t i = 0; items && i < json_array_size(list); i++) {
		json_t *loc = json_array_get(list, i);
		json_t *m = arena_json(a, markup_new(loc, &l[i], spec[i], org));
		json_t *v = m ? arena_json(a, jsonld_validate_new(m)) : NULL;
		if (!v)
			return NULL;
		char line[600], tel[40];
		local_address_line(l[i].street, l[i].postal, l[i].city, line, sizeof line);
		local_phone_format(l[i].phone, tel, sizeof tel);
		json_object_del(v, "valid");
		json_array_append_new(rows, row_new(loc, &l[i], spec[i], org, m, v));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:O}",
			"key", l[i].key, "address", line, "phone", l[i].phone, "phone_display", tel,
			"postal_code", l[i].postal, "jsonld", m, "errors", json_object_get(v, "errors"),
			"warnings", json_object_get(v, "warnings")));
	}
	return items;
}

/* Checks and stores a body of locations; its reply into *out (owned by a).
 * 0, 422 (errors named), 500 out of memory, -1 database error. */
int local_locations_apply(arena_t *a, json_t *body, const char *who, json_t *errors,
			   json_t **out)
{
	size_t n = json_array_size(json_object_get(body, "locations"));
	loc_t *l = arena_calloc(a, n ? n : 1, sizeof *l);
	json_t **spec = arena_calloc(a, n ? n : 1, sizeof *spec);
	if (!l || !spec)
		return 500;
	if (read_locations(body, l, spec, a, errors) < 0)
		return 422;
	json_t *rows = arena_json(a, json_array());
	json_t *items = rows ? build(a, body, l, spec, rows) : NULL;
	json_t *issues = items ? nap_issues(a, l, n) : NULL;
	const char *p[] = {rows ? dump(a, rows) : NULL, who};
	if (!issues || !p[0])
		return 500;
	PGresult *res = db_run(a, &q_upsert, 2, p);
	if (!res)
		return -1;
	int counts[3] = {0, 0, 0};
	for (int i = 0; i < PQntuples(res); i++) {
		const char *st = db_get(res, i, 2);
		json_t *it = NULL;
		for (size_t k = 0; k < n; k++)     /* rows come back in any order */
			if (strcmp(l[k].key, db_get(res, i, 0)) == 0)
				it = json_array_get(items, k);
		json_object_set_new(it, "id", json_integer(db_getll(res, i, 1, 0)));
		json_object_set_new(it, "status", json_string(st));
		counts[st[0] == 'i' ? 0 : st[0] == 'u' && st[1] == 'p' ? 1 : 2]++;
	}
	*out = arena_json(a, json_pack("{s:i, s:i, s:i, s:i, s:O, s:O, s:o}", "n", (int)n,
		"inserted", counts[0], "updated", counts[1], "unchanged", counts[2], "locations",
		items, "nap_issues", issues, "overlaps", overlaps(l, n)));
	return *out ? 0 : 500;
}

int h_local_locations(req_t *r)
{
	return intl_post(r, local_locations_apply);
}

/* ---- #39 ----------------------------------------------------------------------------------- */

static const db_stmt_t q_locations = {"local_locations_all",
	"SELECT coalesce(json_agg(json_build_object('id', id, 'key', key, 'name', name,"
	" 'type', business_type, 'street', street, 'postal_code', postal_code, 'city', city,"
	" 'region', region, 'country', country, 'lat', lat, 'lon', lon, 'phone', phone, 'url', url,"
	" 'radius_km', radius_km, 'regions', regions, 'languages', languages, 'hours', hours,"
	" 'citations', citations, 'organization', parent_name, 'jsonld', jsonld,"
	" 'errors', validation->'errors', 'warnings', validation->'warnings',"
	" 'updated_at', to_char(updated_at AT TIME ZONE 'UTC',"
	" 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) ORDER BY key), '[]')"
	" FROM (SELECT * FROM local_locations ORDER BY key LIMIT $1::int) t"};
static const db_stmt_t q_locations_stamp = {"q_locations_stamp",
	"SELECT (SELECT last_value FROM data_version_locations)::text"};

const api_op_t op_local_locations_report = {NULL, 0, NULL, NULL, 0, NULL};

static void from_row(json_t *row, loc_t *l)
{
	l->key = json_string_value(json_object_get(row, "key"));
	l->name = json_string_value(json_object_get(row, "name"));
	l->street = json_string_value(json_object_get(row, "street"));
	l->postal = json_string_value(json_object_get(row, "postal_code"));
	l->city = json_string_value(json_object_get(row, "city"));
	l->country = json_string_value(json_object_get(row, "country"));
	l->phone = json_string_value(json_object_get(row, "phone"));
	l->org = json_string_value(json_object_get(row, "organization"));
	l->lat = json_number_value(json_object_get(row, "lat"));
	l->lon = json_number_value(json_object_get(row, "lon"));
	l->radius = json_number_value(json_object_get(row, "radius_km"));
	l->regions = json_object_get(row, "regions");
	l->citations = json_object_get(row, "citations");
}

/* Points and their bounding box for a map drawn without tiles. */
static json_t *map_json(const loc_t *l, size_t n)
{
	json_t *pts = json_array();
	double la0 = 90, la1 = -90, lo0 = 180, lo1 = -180;
	for (size_t i = 0; pts && i < n; i++) {
		la0 = fmin(la0, l[i].lat), la1 = fmax(la1, l[i].lat);
		lo0 = fmin(lo0, l[i].lon), lo1 = fmax(lo1, l[i].lon);
		json_array_append_new(pts, json_pack("{s:s, s:s, s:f, s:f, s:o}", "key", l[i].key,
			"name", l[i].name, "lat", l[i].lat, "lon", l[i].lon, "radius_km",
			l[i].radius > 0 ? json_real(l[i].radius) : json_null()));
	}
	return json_pack("{s:o, s:o}", "points", pts, "bbox", n ? json_pack("{s:f, s:f, s:f, s:f}",
		"min_lat", la0, "max_lat", la1, "min_lon", lo0, "max_lon", lo1) : json_null());
}

int h_local_locations_report(req_t *r)
{
	if (cache_serve(r, &q_locations_stamp))
		return 0;
	char lim[16];
	snprintf(lim, sizeof lim, "%d", REPORT_MAX);
	const char *p[] = {lim};
	PGresult *res = db_run(r->arena, &q_locations, 1, p);
	if (!res)
		return db_fail(r);
	json_t *rows = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL)), *row;
	size_t n = json_array_size(rows), i;
	loc_t *l = arena_calloc(r->arena, n ? n : 1, sizeof *l);
	if (!rows || !l)
		return reply_problem(r, 500, "out of memory", NULL);
	json_array_foreach(rows, i, row)
		from_row(row, &l[i]);
	json_t *issues = nap_issues(r->arena, l, n), *it;
	if (!issues)
		return reply_problem(r, 500, "out of memory", NULL);
	int with_issues = 0;
	json_array_foreach(rows, i, row) {
		char line[600], tel[40];
		json_t *mine = json_array();
		json_int_t ncit = (json_int_t)json_array_size(l[i].citations);
		size_t k;
		json_array_foreach(issues, k, it)
			if (strcmp(json_string_value(json_object_get(it, "location")), l[i].key) == 0)
				json_array_append(mine, it);
		local_address_line(l[i].street, l[i].postal, l[i].city, line, sizeof line);
		local_phone_format(l[i].phone, tel, sizeof tel);
		json_object_set_new(row, "address", json_string(line));
		json_object_set_new(row, "phone_display", json_string(tel));
		with_issues += json_array_size(mine) > 0;
		json_object_set_new(row, "nap_issues", mine);
		json_object_set_new(row, "citations", json_integer(ncit));     /* listings: a count */
		l[i].citations = NULL;
	}
	json_t *ov = overlaps(l, n);
	return reply_json(r, 200, arena_json(r->arena, json_pack("{s:i, s:i, s:O, s:O, s:o, s:o}",
		"n", (int)n, "with_issues", with_issues, "locations", rows, "nap_issues", issues,
		"overlaps", ov, "map", map_json(l, n))));
}
