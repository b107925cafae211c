/* jsonld.h - schema.org JSON-LD: builders for the types the platform emits and
 * a validator driven by a table of Google Search Central's required and
 * recommended properties (pure, jansson).
 *
 * Builders return a new reference (NULL on out of memory or invalid UTF-8);
 * a json_t * argument marked "stolen" is consumed even on failure. NULL
 * strings leave the property out. */
#ifndef ZOE_JSONLD_H
#define ZOE_JSONLD_H

#include <stddef.h>
#include <jansson.h>

#define JSONLD_CONTEXT "https://schema.org"

typedef struct jsonld_address {
	const char *street, *postal_code, *locality, *region, *country; /* country: "DE" */
} jsonld_address_t;

typedef struct jsonld_hours {
	const char *const *days; /* "Monday" … "Sunday" */
	size_t n_days;
	const char *opens, *closes; /* "08:00" */
} jsonld_hours_t;

typedef struct jsonld_business {
	const char *type; /* "LocalBusiness" or a subtype ("Electrician"); NULL = LocalBusiness */
	const char *id, *name, *url, *telephone, *price_range, *image;
	jsonld_address_t address;
	int has_geo;
	double latitude, longitude;
	const jsonld_hours_t *hours;
	size_t n_hours;
	const char *const *same_as;
	size_t n_same_as;
} jsonld_business_t;

/* Adds "@context": "https://schema.org" to `node` (first key in output order
 * is not guaranteed); returns node, or NULL (node released) on OOM. */
json_t *jsonld_with_context(json_t *node);
/* {"@type": type, "@id"?, "name"?, "sameAs"?: [...]} for about/mentions. */
json_t *jsonld_thing_new(const char *type, const char *name, const char *id,
                         const char *const *same_as, size_t n_same_as);
/* AggregateRating; item_reviewed (stolen) may be NULL when the rating is
 * nested in its item. ratingValue is rounded to 2 decimals. */
json_t *jsonld_aggregate_rating_new(json_t *item_reviewed, double value, long count,
                                    double best, double worst);
/* Review by Person `author` with a Rating; item_reviewed (stolen) may be NULL
 * when nested; date is ISO 8601; body and lang are optional. */
json_t *jsonld_review_new(json_t *item_reviewed, const char *author, double rating,
                          double best, double worst, const char *date,
                          const char *body, const char *lang);
/* Organization with name, url, logo (URL) and sameAs links. */
json_t *jsonld_organization_new(const char *name, const char *url, const char *logo,
                                const char *const *same_as, size_t n_same_as);
/* LocalBusiness (or subtype) with PostalAddress, GeoCoordinates and
 * OpeningHoursSpecification from `b`. */
json_t *jsonld_local_business_new(const jsonld_business_t *b);
/* WebPage with url, name, inLanguage and about/mentions arrays of Things
 * (both stolen, may be NULL). */
json_t *jsonld_webpage_new(const char *url, const char *name, const char *lang,
                           json_t *about, json_t *mentions);

/* Validates `doc` (one node, an array of nodes, or {"@context", "@graph"})
 * and returns a new {valid: bool, errors: [{path, message}], warnings:
 * [{path, message}]}; errors are blocking (required properties, wrong value
 * types, ratings out of range, bad dates or URLs), warnings are recommended
 * properties and Google policies (self-serving reviews, HowTo, FAQ). Paths
 * look like "$.review[0].reviewRating.ratingValue". NULL on OOM. */
json_t *jsonld_validate_new(const json_t *doc);
/* {markup, validation}: `markup` (stolen) with its jsonld_validate_new
 * verdict, as replies carry generated JSON-LD; NULL when markup is NULL or
 * on OOM (markup is then freed). */
json_t *jsonld_validated_new(json_t *markup);

/* 1 when a QAPage in doc (a node, an array or a @graph) has an answer
 * written by the site itself (Google's Q&A policy refuses it): its author is
 * the page's publisher, or the home page of site_url (NULL: of the QAPage's
 * url); the author's path ("$.mainEntity.acceptedAnswer.author") is copied
 * to path. Else 0. */
int jsonld_self_answered(const json_t *doc, const char *site_url, char *path, size_t size);

/* 1 when s is an ISO 8601 date (YYYY-MM-DD) or date-time with optional
 * seconds, fraction and zone, with valid calendar values; else 0. */
int jsonld_is_iso8601(const char *s);
/* 1 when s is an ISO 8601 duration: P[nY][nM][nW][nD][T[nH][nM][n[.f]S]],
 * at least one component, units in order ("PT4M5S"); else 0. */
int jsonld_is_duration(const char *s);
/* Seconds of ISO 8601 duration s into *out (a year 365 days, a month 30);
 * 0, or -1 when s is not a duration. */
int jsonld_duration_seconds(const char *s, double *out);
/* 1 when s is an absolute http(s) URL with a host; else 0. */
int jsonld_is_absolute_url(const char *s);

#endif
