/* local.h - local SEO for Germany, Austria and Switzerland (pure): phone
 * numbers to E.164, postal codes and address lines, opening hours, NAP
 * (name, address, phone) normalisation, great-circle distance and the
 * Central European time zone with its daylight saving rule.
 *
 * Countries are ISO 3166-1 alpha-2 "DE", "AT", "CH". 0 = ok, -1 = error. */
#ifndef ZOE_LOCAL_H
#define ZOE_LOCAL_H

#include <stddef.h>
#include <jansson.h>

/* Room for an E.164 number with its '+' and NUL. */
#define LOCAL_E164_MAX 17
/* Spans one opening-hours text or list may hold. */
#define LOCAL_HOURS_MAX 32

/* E.164 form ("+49301234567") of a German, Austrian or Swiss number written
 * internationally ("+49 (0)30 123 45 67", "0049 30 1234567") or nationally
 * ("030 1234567", read in `country`). -1 with *why set when it is none:
 * another country code, letters, a length the country does not have. */
int local_phone_e164(const char *s, const char *country, char out[LOCAL_E164_MAX],
		     const char **why);
/* The E.164 number in international notation ("+49 30 1234567": country
 * code, the rest after the area code as the national number has it when the
 * area code is known, else in one block); 0/-1. */
int local_phone_format(const char *e164, char *out, size_t outsz);

/* 1 when `country` is one of DE, AT, CH. */
int local_country_known(const char *country);
/* The postal code of `country` in normal form (digits only: "D-10115" and
 * "10115" give "10115"); -1 with *why when it is not one of that country. */
int local_postal_code(const char *s, const char *country, char *out, size_t outsz,
		      const char **why);
/* The postal address as one line the way the country writes it:
 * "Hauptstraße 5, 10115 Berlin"; 0/-1. */
int local_address_line(const char *street, const char *postal, const char *city,
		       char *out, size_t outsz);

/* One span of opening hours: days as bits (1 << 0 Monday … 1 << 6 Sunday),
 * minutes since midnight; closes < opens runs past midnight (overnight),
 * closes == 1440 is "24:00". */
typedef struct local_hours {
	unsigned days;
	int opens, closes;
} local_hours_t;

/* Parses "Mo-Fr 08:00-17:00; Sa 09:00-13:00" (German or English day
 * abbreviations, ranges, lists "Mo,Mi", several times "08:00-12:00,13:00-17:00",
 * "Mo-So 00:00-24:00"); returns the number of spans, -1 with *why (and the
 * byte offset in *at) when the text is not such hours. */
int local_hours_parse(const char *s, local_hours_t *out, size_t max, const char **why,
		      size_t *at);
/* Day index 0..6 of "Monday" … "Sunday" or "https://schema.org/Monday", -1. */
int local_day_index(const char *s);
/* schema.org's day name of index 0..6. */
const char *local_day_name(int day);
/* Weekday 0 (Monday) … 6 (Sunday) of a date "YYYY-MM-DD", -1 when it is
 * not a date of the calendar (2026-02-30). */
int local_weekday(const char *date);
/* The weekdays (bit 0 Monday … bit 6 Sunday) from date `from` through `to`
 * (inclusive; NULL: the one day); 0 when a date is bad or to < from. */
unsigned local_weekdays(const char *from, const char *to);
/* "08:00" or "24:00" into minutes; -1 when malformed. */
int local_clock(const char *s);
/* Spans that overlap on some day (overnight spans reach into the next day):
 * the first pair's indexes in *i, *j and 1; else 0. */
int local_hours_overlap(const local_hours_t *h, size_t n, size_t *i, size_t *j);

/* NAP normal forms, for comparison only: the name lower-cased without legal
 * forms ("GmbH", "AG", "GmbH & Co. KG", "e.K." …) and punctuation; the street
 * with "Str."/"Strasse" as "straße" and "5 a" as "5a". */
void local_nap_name(const char *s, char *out, size_t outsz);
void local_nap_street(const char *s, char *out, size_t outsz);
void local_nap_city(const char *s, char *out, size_t outsz);

/* One listing of a business: name, address, phone as written. */
typedef struct local_nap {
	const char *name, *street, *postal_code, *city, *phone;
} local_nap_t;
enum local_nap_field { LOCAL_NAP_NAME = 1, LOCAL_NAP_STREET = 2, LOCAL_NAP_POSTAL = 4,
	LOCAL_NAP_CITY = 8, LOCAL_NAP_PHONE = 16 };
/* The fields (enum local_nap_field bits) in which b differs from a once both
 * are in normal form; a field missing on either side is not compared. Phones
 * are compared as E.164, national ones read in `country`. */
unsigned local_nap_diff(const local_nap_t *a, const local_nap_t *b, const char *country);

/* 1 when lat/lon lie within the country's bounding box (a lat/lon swap or a
 * point abroad fails). */
int local_geo_in_country(const char *country, double lat, double lon);

/* Great-circle distance in km (haversine on the mean earth radius 6371.0088 km). */
double local_distance_km(double lat1, double lon1, double lat2, double lon2);

/* How far two service circles (centre, radius in km) reach into each other:
 * r1 + r2 - distance; <= 0 when they do not overlap. */
double local_overlap_km(double lat1, double lon1, double r1, double lat2, double lon2, double r2);

/* Google Search Central's Event properties on the markup `ev` (an Event
 * node): required ones missing and wrong values appended to `errors`,
 * recommended ones to `warnings`, each {path, message}. */
void local_event_check(const json_t *ev, json_t *errors, json_t *warnings);

/* Central European time ("Europe/Berlin", "Europe/Vienna", "Europe/Zurich"
 * and the other zones with the EU rule since 1996) or "UTC": 1 when known. */
int local_zone_known(const char *zone);
/* Offset from UTC in minutes of `zone` at the instant `epoch` (seconds). */
int local_zone_offset_at(const char *zone, long long epoch);
/* The instant of a local wall-clock time in `zone`: 0, or 1 when the time
 * falls twice (the autumn hour; the earlier, summer instant is taken), or
 * -1 when it does not exist (the spring gap) or the fields are invalid. */
int local_zone_to_utc(const char *zone, int y, int mo, int d, int h, int mi, int s,
		      long long *epoch);
/* Parses an event time "YYYY-MM-DDThh:mm[:ss]" (wall clock in `zone`) or with
 * "Z"/"+hh:mm" (an instant; an offset must be the zone's at that instant,
 * else -1 with *why naming the right one in why_buf). *epoch is the instant,
 * iso gets "YYYY-MM-DDThh:mm:ss+hh:mm" in the zone. 0 ok, 1 ambiguous
 * (autumn hour), -1 bad. */
int local_event_time(const char *s, const char *zone, long long *epoch, char *iso,
		     size_t isosz, char *why_buf, size_t whysz);

#endif
