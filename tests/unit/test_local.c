/* test_local.c - phone numbers to E.164 (+49, +43, +41), postal codes of
 * Germany, Austria and Switzerland, opening hours (ranges, overnight,
 * overlaps), NAP normal forms, great-circle distance and Central European
 * daylight saving time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "local.h"

#include "testutil.h"

static void test_phone(void **state)
{
	(void)state;
	static const struct { const char *in, *country, *e164; } ok[] = {
		{"030 1234567", "DE", "+49301234567"},
		{"+49 (0)30 1234567", "DE", "+49301234567"},
		{"+49 (0)30 1234567", "AT", "+49301234567"},   /* the + wins over the country */
		{"0049 30 123 45 67", "DE", "+49301234567"},
		{"+49 030 1234567", NULL, "+49301234567"},     /* stray trunk 0 */
		{"030/123 45-67", "DE", "+49301234567"},
		{"0171 1234567", "DE", "+491711234567"},
		{"01 5880 1234", "AT", "+43158801234"},
		{"+43 1 58801", NULL, "+4315880" "1"},
		{"044 668 18 00", "CH", "+41446681800"},
		{"+41 (0)44 668 18 00", NULL, "+41446681800"},
		{"089.12345678", "DE", "+498912345678"},
	};
	char out[LOCAL_E164_MAX];
	const char *why;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (local_phone_e164(ok[i].in, ok[i].country, out, &why) != 0)
			fail_msg("%s: refused (%s)", ok[i].in, why);
		assert_string_equal(out, ok[i].e164);
		assert_null(why);
	}
	static const struct { const char *in, *country; } bad[] = {
		{"+33 1 23 45 67 89", "DE"},   /* France */
		{"030 1234567", NULL},         /* national without a country */
		{"30 1234567", "DE"},          /* no trunk prefix */
		{"030 12a4567", "DE"},
		{"", "DE"}, {"+", "DE"}, {"+49", "DE"},
		{"044 668 18 0", "CH"},        /* Swiss numbers have 9 digits */
		{"+49 30 12345678901234", "DE"},
		{"00 30 123", "DE"},
		{"030 1234567; DROP TABLE", "DE"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (local_phone_e164(bad[i].in, bad[i].country, out, &why) == 0)
			fail_msg("%s: accepted as %s", bad[i].in, out);
		assert_non_null(why);
	}
	char f[40];
	assert_int_equal(local_phone_format("+49301234567", f, sizeof f), 0);
	assert_string_equal(f, "+49 30 1234567");
	assert_int_equal(local_phone_format("+4922112345", f, sizeof f), 0);
	assert_string_equal(f, "+49 221 12345");
	assert_int_equal(local_phone_format("+41446681800", f, sizeof f), 0);
	assert_string_equal(f, "+41 44 668 18 00");
	assert_int_equal(local_phone_format("+491711234567", f, sizeof f), 0);
	assert_string_equal(f, "+49 1711234567");
}

static void test_postal(void **state)
{
	(void)state;
	static const struct { const char *in, *country, *out; } ok[] = {
		{"10115", "DE", "10115"}, {"D-10115", "DE", "10115"}, {"01067", "DE", "01067"},
		{"1010", "AT", "1010"}, {"A-8010", "AT", "8010"}, {"8001", "CH", "8001"},
		{"CH-3011", "CH", "3011"}, {" 80331 ", "DE", "80331"},
	};
	char out[16];
	const char *why;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (local_postal_code(ok[i].in, ok[i].country, out, sizeof out, &why) != 0)
			fail_msg("%s %s: %s", ok[i].country, ok[i].in, why);
		assert_string_equal(out, ok[i].out);
	}
	static const struct { const char *in, *country; } bad[] = {
		{"1011", "DE"}, {"00999", "DE"}, {"101155", "DE"}, {"1O115", "DE"},
		{"10115", "AT"}, {"0999", "AT"}, {"9999", "AT"}, {"9999", "CH"}, {"0800", "CH"},
		{"10115", "FR"}, {"10115", NULL}, {"", "DE"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (local_postal_code(bad[i].in, bad[i].country, out, sizeof out, &why) == 0)
			fail_msg("%s %s accepted", bad[i].country ? bad[i].country : "-", bad[i].in);
	char line[100];
	assert_int_equal(local_address_line("Hauptstraße 5", "10115", "Berlin", line, sizeof line), 0);
	assert_string_equal(line, "Hauptstraße 5, 10115 Berlin");
}

static void test_hours(void **state)
{
	(void)state;
	local_hours_t h[LOCAL_HOURS_MAX];
	const char *why;
	size_t at, i, j;
	assert_int_equal(local_hours_parse("Mo-Fr 08:00-17:00; Sa 09:00-13:00", h,
					   LOCAL_HOURS_MAX, &why, &at), 2);
	assert_int_equal(h[0].days, 0x1f);
	assert_int_equal(h[0].opens, 480);
	assert_int_equal(h[0].closes, 1020);
	assert_int_equal(h[1].days, 0x20);
	assert_int_equal(local_hours_parse("Mo,Mi 08:00-12:00,13:00-17:00", h, LOCAL_HOURS_MAX,
					   &why, &at), 2);
	assert_int_equal(h[0].days, 0x5);
	assert_int_equal(h[1].opens, 780);
	assert_int_equal(local_hours_parse("Mo-Su 00:00-24:00", h, LOCAL_HOURS_MAX, &why, &at), 1);
	assert_int_equal(h[0].days, 0x7f);
	assert_int_equal(h[0].closes, 1440);
	assert_int_equal(local_hours_parse("Sa-Mo 10:00-14:00", h, LOCAL_HOURS_MAX, &why, &at), 1);
	assert_int_equal(h[0].days, 0x61);
	/* overnight: Friday 22:00 to Saturday 02:00 */
	assert_int_equal(local_hours_parse("Fr 22:00-02:00", h, LOCAL_HOURS_MAX, &why, &at), 1);
	assert_int_equal(h[0].opens, 1320);
	assert_int_equal(h[0].closes, 120);
	assert_int_equal(local_hours_overlap(h, 1, &i, &j), 0);
	/* the overnight span reaches into Saturday's morning hours */
	assert_int_equal(local_hours_parse("Fr 22:00-02:00; Sa 01:00-05:00", h, LOCAL_HOURS_MAX,
					   &why, &at), 2);
	assert_int_equal(local_hours_overlap(h, 2, &i, &j), 1);
	assert_int_equal(local_hours_parse("So 22:00-02:00; Mo 01:00-05:00", h, LOCAL_HOURS_MAX,
					   &why, &at), 2);
	assert_int_equal(local_hours_overlap(h, 2, &i, &j), 1);
	assert_int_equal(local_hours_parse("Mo-Fr 08:00-12:00; Mi 11:00-15:00", h,
					   LOCAL_HOURS_MAX, &why, &at), 2);
	assert_int_equal(local_hours_overlap(h, 2, &i, &j), 1);
	assert_int_equal(local_hours_parse("Mo-Fr 08:00-12:00; Sa 11:00-15:00", h,
					   LOCAL_HOURS_MAX, &why, &at), 2);
	assert_int_equal(local_hours_overlap(h, 2, &i, &j), 0);
	static const char *const bad[] = {"", "Mo-Fr", "Mo-Fr 8:00-17:00", "Mx 08:00-17:00",
		"Mo 08:00-08:00", "Mo 25:00-26:00", "Mo 24:00-02:00", "Mo 08:00-17:00 x",
		"Montag 08:00-17:00", "Mo 08:60-17:00"};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		if (local_hours_parse(bad[k], h, LOCAL_HOURS_MAX, &why, &at) >= 0)
			fail_msg("\"%s\" accepted", bad[k]);
	/* 24 December 2026 is a Thursday; 24-27 December Thursday to Sunday */
	assert_int_equal(local_weekday("2026-12-24"), 3);
	assert_int_equal(local_weekday("2026-02-30"), -1);
	assert_int_equal(local_weekdays("2026-12-24", NULL), 1u << 3);
	assert_int_equal(local_weekdays("2026-12-24", "2026-12-27"), 0x78);
	assert_int_equal(local_weekdays("2026-12-24", "2027-01-06"), 0x7f);
	assert_int_equal(local_weekdays("2026-12-24", "2026-12-23"), 0);
	assert_int_equal(local_day_index("https://schema.org/Sunday"), 6);
	assert_int_equal(local_day_index("Monday"), 0);
	assert_int_equal(local_day_index("Mon"), -1);
	assert_string_equal(local_day_name(3), "Thursday");
}

static void test_nap(void **state)
{
	(void)state;
	char a[200], b[200];
	local_nap_name("ZOE Solar GmbH", a, sizeof a);
	local_nap_name("Zoe Solar", b, sizeof b);
	assert_string_equal(a, b);
	local_nap_name("ZOE Solar GmbH & Co. KG", a, sizeof a);
	assert_string_equal(a, "zoe solar");
	local_nap_name("ZOE Solar UG (haftungsbeschränkt)", a, sizeof a);
	assert_string_equal(a, "zoe solar");
	local_nap_name("ZOE Sonnenenergie GmbH", b, sizeof b);
	assert_string_not_equal(a, b);
	local_nap_name("Agrar Solar", a, sizeof a);          /* "ag" only as a word */
	assert_string_equal(a, "agrar solar");
	local_nap_street("Kurfürstendamm 21", a, sizeof a);
	local_nap_street("Kurfürstendamm 21", b, sizeof b);
	assert_string_equal(a, b);
	local_nap_street("Hauptstr. 5a", a, sizeof a);
	local_nap_street("Hauptstraße 5 a", b, sizeof b);
	assert_string_equal(a, b);
	local_nap_street("Hauptstrasse 5A", b, sizeof b);
	assert_string_equal(a, b);
	local_nap_street("Haupt Str. 5", b, sizeof b);
	assert_string_not_equal(a, b);
	local_nap_street("Hauptstraße 7", b, sizeof b);
	assert_string_not_equal(a, b);
	local_nap_street("Bahnhofstr 12", a, sizeof a);
	assert_string_equal(a, "bahnhofstraße 12");
	/* whole listings: the same NAP written differently, and real differences */
	local_nap_t loc = {"ZOE Solar Berlin", "Beispielstraße 12", "10115", "Berlin", "+493023125101"};
	local_nap_t same = {"ZOE Solar Berlin GmbH", "Beispielstr. 12", "D-10115", "BERLIN",
		"030 23125 101"};
	local_nap_t other = {"ZOE Solartechnik Berlin", "Beispielstraße 14", "10117", "Berlin",
		"030 23125 199"};
	local_nap_t partial = {NULL, NULL, NULL, NULL, "+49 (0)30 23125101"};
	assert_int_equal(local_nap_diff(&loc, &same, "DE"), 0);
	assert_int_equal(local_nap_diff(&loc, &other, "DE"), LOCAL_NAP_NAME | LOCAL_NAP_STREET |
			 LOCAL_NAP_POSTAL | LOCAL_NAP_PHONE);
	assert_int_equal(local_nap_diff(&loc, &partial, "DE"), 0);
	local_nap_city("MÜNCHEN", a, sizeof a);
	assert_string_equal(a, "münchen");
}

static void test_distance(void **state)
{
	(void)state;
	/* Berlin (52.5200, 13.4050) to Munich (48.1351, 11.5820): 504.416 km, as
	 * Python computes it independently: 2 * 6371.0088 * asin(sqrt(sin(dlat/2)**2
	 * + cos(lat1) * cos(lat2) * sin(dlon/2)**2)) = 504.4160281285079 */
	assert_near(local_distance_km(52.52, 13.405, 48.1351, 11.582), 504.4160281285, 1e-6);
	assert_near(local_distance_km(48.1351, 11.582, 52.52, 13.405), 504.4160281285, 1e-6);
	assert_near(local_distance_km(52.52, 13.405, 52.52, 13.405), 0, 1e-9);
	/* Berlin and Potsdam, 60 and 40 km circles: they overlap by 100 km less the distance */
	assert_near(local_overlap_km(52.5321, 13.3849, 60, 52.398, 13.06, 40),
		    100 - local_distance_km(52.5321, 13.3849, 52.398, 13.06), 1e-9);
	assert_true(local_overlap_km(52.52, 13.405, 10, 48.1351, 11.582, 10) < 0);
	assert_true(local_geo_in_country("DE", 52.52, 13.405));
	assert_false(local_geo_in_country("DE", 13.405, 52.52));       /* swapped */
	assert_true(local_geo_in_country("AT", 48.2082, 16.3738));      /* Vienna */
	assert_false(local_geo_in_country("CH", 48.2082, 16.3738));
	/* a quarter meridian: pi / 2 * R */
	assert_near(local_distance_km(0, 0, 90, 0), M_PI / 2 * 6371.0088, 1e-6);
	/* antipodes */
	assert_near(local_distance_km(0, 0, 0, 180), M_PI * 6371.0088, 1e-6);
}

static void test_zone(void **state)
{
	(void)state;
	long long t;
	char iso[40], why[200];
	/* 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC; the
	 * instants are Python's zoneinfo (IANA tzdata) for the same wall clocks:
	 * datetime(2026, 3, 29, 1, 59, tzinfo=ZoneInfo("Europe/Berlin")).timestamp() */
	assert_int_equal(local_zone_to_utc("Europe/Berlin", 2026, 3, 29, 1, 59, 0, &t), 0);
	assert_int_equal(t, 1774745940);            /* 00:59 UTC */
	assert_int_equal(local_zone_to_utc("Europe/Berlin", 2026, 3, 29, 2, 30, 0, &t), -1);
	assert_int_equal(local_zone_to_utc("Europe/Berlin", 2026, 3, 29, 3, 0, 0, &t), 0);
	assert_int_equal(t, 1774746000);            /* 01:00 UTC */
	assert_int_equal(local_zone_to_utc("Europe/Berlin", 2026, 10, 25, 2, 30, 0, &t), 1);
	assert_int_equal(t, 1792888200);            /* 00:30 UTC: the summer instant */
	assert_int_equal(local_zone_offset_at("Europe/Berlin", t), 120);
	assert_int_equal(local_zone_offset_at("Europe/Berlin", t + 3600), 60);
	assert_int_equal(local_zone_offset_at("UTC", t), 0);
	assert_int_equal(local_zone_to_utc("Europe/Berlin", 2026, 2, 29, 12, 0, 0, &t), -1);
	assert_int_equal(local_zone_to_utc("Mars/Olympus", 2026, 2, 1, 12, 0, 0, &t), -1);

	assert_int_equal(local_event_time("2026-05-14T18:00", "Europe/Berlin", &t, iso, sizeof iso,
					  why, sizeof why), 0);
	assert_string_equal(iso, "2026-05-14T18:00:00+02:00");
	assert_int_equal(local_event_time("2026-12-03T18:30:15", "Europe/Vienna", &t, iso, sizeof iso,
					  why, sizeof why), 0);
	assert_string_equal(iso, "2026-12-03T18:30:15+01:00");
	assert_int_equal(local_event_time("2026-05-14T16:00:00Z", "Europe/Berlin", &t, iso,
					  sizeof iso, why, sizeof why), 0);
	assert_string_equal(iso, "2026-05-14T18:00:00+02:00");
	assert_int_equal(local_event_time("2026-05-14T18:00:00+02:00", "Europe/Berlin", &t, iso,
					  sizeof iso, why, sizeof why), 0);
	/* +01:00 in May is not Berlin's offset */
	assert_int_equal(local_event_time("2026-05-14T18:00:00+01:00", "Europe/Berlin", &t, iso,
					  sizeof iso, why, sizeof why), -1);
	assert_non_null(strstr(why, "+02:00"));
	assert_int_equal(local_event_time("2026-03-29T02:30", "Europe/Berlin", &t, iso, sizeof iso,
					  why, sizeof why), -1);
	assert_int_equal(local_event_time("2026-10-25T02:30", "Europe/Berlin", &t, iso, sizeof iso,
					  why, sizeof why), 1);
	assert_string_equal(iso, "2026-10-25T02:30:00+02:00");
	assert_int_equal(local_event_time("2026-05-14", "Europe/Berlin", &t, iso, sizeof iso, why,
					  sizeof why), -1);
	assert_int_equal(local_event_time("2026-13-14T18:00", "Europe/Berlin", &t, iso, sizeof iso,
					  why, sizeof why), -1);
}

/* The number of notes whose path is `path`. */
static int noted(json_t *list, const char *path)
{
	json_t *n;
	size_t i;
	int k = 0;
	json_array_foreach(list, i, n)
		k += strcmp(json_string_value(json_object_get(n, "path")), path) == 0;
	return k;
}

static void test_event_check(void **state)
{
	(void)state;
	json_t *e = json_array(), *w = json_array();
	/* Google's minimal event: name, startDate, a Place with its address */
	json_t *ev = json_loads("{\"@type\": \"Event\", \"name\": \"Infoabend\", \"startDate\": "
		"\"2026-05-14T18:00:00+02:00\", \"eventStatus\": \"https://schema.org/EventScheduled\", "
		"\"eventAttendanceMode\": \"https://schema.org/OfflineEventAttendanceMode\", "
		"\"location\": {\"@type\": \"Place\", \"address\": {\"@type\": \"PostalAddress\"}}}",
		0, NULL);
	local_event_check(ev, e, w);
	assert_int_equal(json_array_size(e), 0);
	assert_int_equal(noted(w, "$.description") + noted(w, "$.endDate") + noted(w, "$.image") +
			 noted(w, "$.offers") + noted(w, "$.organizer") + noted(w, "$.performer"), 6);
	/* online mode with a Place, rescheduled without previousStartDate, an Offer without price */
	json_object_set_new(ev, "eventAttendanceMode",
			    json_string("https://schema.org/OnlineEventAttendanceMode"));
	json_object_set_new(ev, "eventStatus", json_string("EventRescheduled"));
	json_object_set_new(ev, "offers", json_pack("[{s:s}]", "@type", "Offer"));
	json_array_clear(e);
	local_event_check(ev, e, w);
	assert_int_equal(noted(e, "$.location"), 1);
	assert_int_equal(noted(e, "$.previousStartDate"), 1);
	assert_int_equal(noted(e, "$.offers[0]"), 1);
	json_object_set_new(ev, "eventStatus", json_string("EventDelayed"));
	json_object_del(ev, "name");
	json_array_clear(e);
	local_event_check(ev, e, w);
	assert_int_equal(noted(e, "$.eventStatus"), 1);
	assert_int_equal(noted(e, "$.name"), 1);
	json_decref(ev);
	json_decref(e);
	json_decref(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_postal),
		cmocka_unit_test(test_hours),
		cmocka_unit_test(test_nap),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_zone),
		cmocka_unit_test(test_event_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
