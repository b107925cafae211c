/* level4_intl_demo.c - what #38-#42 share: the POST and report wrappers of
 * their endpoints, and the demo data (zoe seed --demo), sent through the
 * same checks and storage as the endpoints. Idempotent: every
 * record is upserted on its key, a second run changes nothing.
 *
 * The locations are German cities with placeholder addresses (not ZOE
 * Solar's real branches) and telephone numbers from the blocks the
 * Bundesnetzagentur keeps for fiction (030 23125, 040 66969, 089 99998,
 * 069 90009, 0221 4710), so no real line is named. Planted NAP findings: an
 * old number at one directory, a listing with another postal code, a branch
 * named without the brand, a number shared by two branches; the Hamburg
 * listing with "Str." and without "GmbH" is the same NAP and no finding.
 * The hreflang cluster has the mistakes Google's documentation warns about:
 * en-UK, a missing return link, no x-default, ß in Swiss German text. */
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"

static const char demo_locations[] =
	"{\"organization\": {\"name\": \"ZOE Solar GmbH\", \"url\": \"https://zoe-solar.de\"},"
	" \"locations\": ["
	"{\"key\": \"berlin\", \"name\": \"ZOE Solar Berlin\", \"type\": \"Electrician\","
	" \"street\": \"Beispielstraße 12\", \"postal_code\": \"10115\", \"city\": \"Berlin\","
	" \"region\": \"Berlin\", \"country\": \"DE\", \"lat\": 52.5321, \"lon\": 13.3849,"
	" \"phone\": \"030 23125 101\", \"url\": \"https://zoe-solar.de/standorte/berlin\","
	" \"hours\": \"Mo-Fr 08:00-17:00; Sa 09:00-13:00\","
	" \"hours_exceptions\": [{\"date\": \"2026-12-24\", \"through\": \"2026-12-26\","
	"  \"closed\": true, \"name\": \"Weihnachten\"}, {\"date\": \"2026-12-31\", \"opens\": "
	"  \"08:00\", \"closes\": \"12:00\", \"name\": \"Silvester\"}],"
	" \"service_area\": {\"radius_km\": 60}, \"languages\": [\"de\", \"en\"],"
	" \"citations\": [{\"source\": \"Google Business Profile\", \"name\": \"ZOE Solar Berlin\","
	"  \"street\": \"Beispielstr. 12\", \"postal_code\": \"10115\", \"city\": \"Berlin\","
	"  \"phone\": \"+49 (0)30 23125-101\"}, {\"source\": \"Gelbe Seiten\", \"name\": "
	"  \"ZOE Solar Berlin GmbH\", \"street\": \"Beispielstraße 12\", \"postal_code\": \"10115\","
	"  \"city\": \"Berlin\", \"phone\": \"030 23125 199\"}]},"
	"{\"key\": \"hamburg\", \"name\": \"ZOE Solar Hamburg\", \"type\": \"Electrician\","
	" \"street\": \"Musterstraße 3\", \"postal_code\": \"20095\", \"city\": \"Hamburg\","
	" \"country\": \"DE\", \"lat\": 53.5503, \"lon\": 10.0006, \"phone\": \"040 66969 102\","
	" \"hours\": \"Mo-Fr 08:00-16:30\", \"service_area\": {\"radius_km\": 50},"
	" \"languages\": [\"de\"], \"citations\": [{\"source\": \"Google Business Profile\","
	"  \"name\": \"ZOE Solar Hamburg\", \"street\": \"Musterstr. 3\", \"postal_code\": \"20095\","
	"  \"city\": \"Hamburg\", \"phone\": \"+49 40 66969102\"}]},"
	"{\"key\": \"muenchen\", \"name\": \"ZOE Solar München\", \"type\": \"Electrician\","
	" \"street\": \"Beispielweg 7\", \"postal_code\": \"80331\", \"city\": \"München\","
	" \"region\": \"Bayern\", \"country\": \"DE\", \"lat\": 48.1372, \"lon\": 11.5755,"
	" \"phone\": \"089 99998 103\", \"hours\": [{\"@type\": \"OpeningHoursSpecification\","
	"  \"dayOfWeek\": [\"Monday\", \"Tuesday\", \"Wednesday\", \"Thursday\"], \"opens\": \"07:30\","
	"  \"closes\": \"16:00\"}, {\"dayOfWeek\": \"Friday\", \"opens\": \"07:30\", \"closes\": "
	"  \"13:00\"}], \"service_area\": {\"regions\": [\"Oberbayern\", \"Schwaben\"]},"
	" \"languages\": [\"de\", \"en\"], \"citations\": [{\"source\": \"Das Örtliche\", \"name\":"
	"  \"ZOE Solar München\", \"street\": \"Beispielweg 7\", \"postal_code\": \"80333\","
	"  \"city\": \"München\", \"phone\": \"089 99998103\"}]},"
	"{\"key\": \"augsburg\", \"name\": \"ZOE Solar Augsburg\", \"street\": \"Musterplatz 1\","
	" \"postal_code\": \"86150\", \"city\": \"Augsburg\", \"country\": \"DE\", \"lat\": 48.3705,"
	" \"lon\": 10.8978, \"phone\": \"089 99998 103\", \"hours\": \"Mo-Fr 08:00-16:00\","
	" \"service_area\": {\"regions\": [\"Schwaben\"]}},"
	"{\"key\": \"frankfurt\", \"name\": \"ZOE Solar Frankfurt\", \"type\": \"Electrician\","
	" \"street\": \"Beispielallee 44\", \"postal_code\": \"60311\", \"city\": \"Frankfurt am Main\","
	" \"country\": \"DE\", \"lat\": 50.1109, \"lon\": 8.6821, \"phone\": \"069 90009 104\","
	" \"hours\": \"Mo-Fr 08:00-17:00\", \"service_area\": {\"radius_km\": 70}},"
	"{\"key\": \"koeln\", \"name\": \"Sonnenstrom Köln\", \"street\": \"Musterring 9\","
	" \"postal_code\": \"50667\", \"city\": \"Köln\", \"country\": \"DE\", \"lat\": 50.9375,"
	" \"lon\": 6.9603, \"phone\": \"0221 4710 105\", \"hours\": \"Mo-Fr 08:00-17:00\","
	" \"service_area\": {\"radius_km\": 150}}]}";

static const char demo_events[] =
	"{\"events\": ["
	"{\"key\": \"infoabend-berlin-2027-01\", \"name\": \"Infoabend Photovoltaik und Speicher\","
	" \"description\": \"Wie viel Strom erzeugt eine Anlage auf Ihrem Dach, was kostet ein "
	"Speicher? Fragen und Antworten mit unseren Planern.\", \"start\": \"2027-01-21T18:00\","
	" \"end\": \"2027-01-21T20:00\", \"location\": {\"name\": \"ZOE Solar Berlin\", \"street\":"
	" \"Beispielstraße 12\", \"postal_code\": \"10115\", \"city\": \"Berlin\", \"country\":"
	" \"DE\"}, \"offers\": [{\"price\": 0, \"currency\": \"EUR\", \"url\":"
	" \"https://zoe-solar.de/termine/infoabend-berlin\", \"availability\": \"InStock\","
	" \"valid_from\": \"2026-11-01\"}], \"organizer\": {\"name\": \"ZOE Solar GmbH\", \"url\":"
	" \"https://zoe-solar.de\"}, \"url\": \"https://zoe-solar.de/termine/infoabend-berlin\"},"
	"{\"key\": \"webinar-waermepumpe-2027-03\", \"name\": \"Webinar: Wärmepumpe und Solarstrom\","
	" \"start\": \"2027-03-11T18:00\", \"end\": \"2027-03-11T19:00\", \"attendance_mode\":"
	" \"online\", \"online_url\":"
	" \"https://zoe-solar.de/live\", \"status\": \"rescheduled\", \"previous_start\":"
	" \"2027-03-10T18:00\", \"organizer\": {\"name\": \"ZOE Solar GmbH\"}},"
	"{\"key\": \"tag-der-offenen-tuer-hamburg-2026\", \"name\": \"Tag der offenen Tür\","
	" \"start\": \"2026-06-13T10:00\", \"end\": \"2026-06-13T16:00\", \"attendance_mode\":"
	" \"mixed\", \"online_url\": \"https://zoe-solar.de/live\", \"location\": {\"name\": "
	"\"ZOE Solar Hamburg\", \"street\": \"Musterstraße 3\", \"postal_code\": \"20095\", \"city\":"
	" \"Hamburg\", \"country\": \"DE\"}, \"image\": \"https://zoe-solar.de/media/hamburg.jpg\"},"
	"{\"key\": \"messe-muenchen-2027\", \"name\": \"ZOE Solar auf der Fachmesse\", \"start\":"
	" \"2027-06-23T09:00\", \"end\": \"2027-06-25T18:00\", \"status\": \"postponed\","
	" \"location\": {\"name\": \"Messe München\", \"street\": \"Beispielweg 1\", \"postal_code\":"
	" \"81823\", \"city\": \"München\", \"country\": \"DE\"}}]}";

static const char demo_cluster[] =
	"{\"name\": \"Startseite\", \"pages\": ["
	"{\"url\": \"https://zoe-solar.de/\", \"html\": \"<html lang=de><head>"
	"<link rel=alternate hreflang=de-DE href=https://zoe-solar.de/>"
	"<link rel=alternate hreflang=de-AT href=https://zoe-solar.de/at/>"
	"<link rel=alternate hreflang=de-CH href=https://zoe-solar.de/ch/>"
	"<link rel=alternate hreflang=en-UK href=https://zoe-solar.de/en/>"
	"</head><body><p>Solaranlagen vom Fachbetrieb.</p></body></html>\"},"
	"{\"url\": \"https://zoe-solar.de/at/\", \"html\": \"<head>"
	"<link rel=alternate hreflang=de-DE href=https://zoe-solar.de/>"
	"<link rel=alternate hreflang=de-AT href=https://zoe-solar.de/at/>"
	"<link rel=alternate hreflang=de-CH href=https://zoe-solar.de/ch/>"
	"<link rel=alternate hreflang=en-GB href=https://zoe-solar.de/en/>"
	"</head><body><p>Aktion bis Ende J\\u00e4nner.</p></body>\"},"
	"{\"url\": \"https://zoe-solar.de/ch/\", \"html\": \"<head>"
	"<link rel=alternate hreflang=de-CH href=https://zoe-solar.de/ch/>"
	"<link rel=alternate hreflang=de-DE href=https://zoe-solar.de/>"
	"<link rel=alternate hreflang=en-GB href=https://zoe-solar.de/en/>"
	"</head><body><p>Solaranlagen f\\u00fcr Ihre Stra\\u00dfe.</p></body>\"},"
	"{\"url\": \"https://zoe-solar.de/en/\", \"alternates\": ["
	"{\"hreflang\": \"en-GB\", \"href\": \"https://zoe-solar.de/en/\"},"
	"{\"hreflang\": \"de-DE\", \"href\": \"https://zoe-solar.de/\"},"
	"{\"hreflang\": \"de-AT\", \"href\": \"https://zoe-solar.de/at/\"},"
	"{\"hreflang\": \"de-CH\", \"href\": \"https://zoe-solar.de/ch/\"}]}]}";

int intl_post(req_t *r, local_apply_fn apply)
{
	json_t *body = json_body(r), *out = NULL;
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	const char *who = req_actor(r);
	int rc = errors && who ? apply(r->arena, body, who, errors, &out) : 500;
	if (rc == 422)
		return reply_invalid(r, json_incref(errors));
	if (rc < 0)
		return db_fail(r);
	return rc ? reply_problem(r, 500, "out of memory", NULL) : reply_json(r, 200, out);
}

int intl_report(req_t *r, const db_stmt_t *stamp, const db_stmt_t *report)
{
	if (cache_serve(r, stamp))
		return 0;
	const char *limit = req_query(r, "limit");
	const char *p[] = {limit ? limit : "50"};       /* checked by the router */
	PGresult *res = db_run(r->arena, report, 1, p);
	if (!res)
		return db_fail(r);
	json_t *out = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	if (!out)
		return reply_problem(r, 500, "out of memory", NULL);
	json_object_set_new(out, "limit", json_integer(strtol(p[0], NULL, 10)));
	return reply_json(r, 200, out);
}

int local_seed_demo(void)
{
	static const struct {
		const char *what, *text;
		local_apply_fn apply;
	} steps[] = {
		{"location", demo_locations, local_locations_apply},
		{"event", demo_events, local_events_apply},
		{"hreflang cluster", demo_cluster, local_cluster_apply},
	};
	arena_t *a = arena_new(1 << 16);
	int rc = a ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof steps[0]; i++) {
		json_t *body = arena_json(a, json_loads(steps[i].text, 0, NULL)), *out = NULL;
		json_t *errors = arena_json(a, json_array());
		rc = body && errors ? steps[i].apply(a, body, "seed", errors, &out) : -1;
		if (rc == 422)
			fprintf(stderr, "zoe seed: demo %s: %s\n", steps[i].what, json_string_value(
				json_object_get(json_array_get(errors, 0), "message")));
		arena_reset(a);
	}
	if (rc == 0)
		printf("zoe seed: demo locations, events and hreflang cluster stored\n");
	if (a)
		arena_free(a);
	return rc ? -1 : 0;
}
