/* test_jsonld.c - builders produce valid markup; broken snippets are caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "jsonld.h"

static json_t *validate_text(const char *text)
{
	json_error_t e;
	json_t *doc = json_loads(text, 0, &e);
	if (!doc)
		fail_msg("bad test JSON: %s", e.text);
	json_t *r = jsonld_validate_new(doc);
	json_decref(doc);
	assert_non_null(r);
	return r;
}

/* 1 when list holds an entry at `path` whose message contains `needle`. */
static int has(const json_t *r, const char *list, const char *path, const char *needle)
{
	const json_t *a = json_object_get(r, list), *d;
	size_t i;
	json_array_foreach(a, i, d) {
		if (strcmp(json_string_value(json_object_get(d, "path")), path) == 0 &&
		    strstr(json_string_value(json_object_get(d, "message")), needle))
			return 1;
	}
	return 0;
}

static void expect(const json_t *r, const char *list, const char *path, const char *needle)
{
	if (!has(r, list, path, needle)) {
		char *dump = json_dumps(r, JSON_INDENT(1));
		fail_msg("no %s at %s containing \"%s\" in %s", list, path, needle, dump);
	}
}

static size_t count(const json_t *r, const char *list)
{
	return json_array_size(json_object_get(r, list));
}

static void test_builders_valid(void **state)
{
	(void)state;
	static const char *const weekdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};
	static const char *const same[] = {"https://www.wikidata.org/wiki/Q1", "https://de.wikipedia.org/wiki/ZOE"};
	jsonld_hours_t hours = {weekdays, 5, "08:00", "17:00"};
	jsonld_business_t b = {
		.type = "Electrician", .id = "https://zoe-solar.de/#business", .name = "ZOE Solar GmbH",
		.url = "https://zoe-solar.de/", .telephone = "+49 89 1234567", .price_range = "€€",
		.address = {"Sonnenstra\xC3\x9F" "e 1", "80331", "M\xC3\xBCnchen", "Bayern", "DE"},
		.has_geo = 1, .latitude = 48.137, .longitude = 11.575, .hours = &hours, .n_hours = 1,
		.same_as = same, .n_same_as = 2,
	};
	json_t *lb = jsonld_with_context(jsonld_local_business_new(&b));
	assert_non_null(lb);
	json_t *r = jsonld_validate_new(lb);
	assert_true(json_is_true(json_object_get(r, "valid")));
	assert_int_equal(count(r, "errors"), 0);
	assert_int_equal(count(r, "warnings"), 0);
	json_decref(r);
	json_decref(lb);

	/* a product-less AggregateRating of an Organization: valid, but self-serving */
	json_t *agg = jsonld_with_context(jsonld_aggregate_rating_new(
		jsonld_organization_new("ZOE Solar", "https://zoe-solar.de/", "https://zoe-solar.de/logo.png", NULL, 0),
		4.666, 87, 5, 1));
	assert_non_null(agg);
	assert_true(json_real_value(json_object_get(agg, "ratingValue")) == 4.67);
	r = jsonld_validate_new(agg);
	assert_true(json_is_true(json_object_get(r, "valid")));
	expect(r, "warnings", "$", "since 2019");
	json_decref(r);
	json_decref(agg);

	json_t *rev = jsonld_with_context(jsonld_review_new(
		jsonld_thing_new("Product", "Stromspeicher S10", NULL, NULL, 0), "Anna M.", 5, 5, 1,
		"2024-05-01", "Sehr kompetente Beratung.", "de"));
	r = jsonld_validate_new(rev);
	assert_true(json_is_true(json_object_get(r, "valid")));
	assert_int_equal(count(r, "warnings"), 0);
	json_decref(r);
	json_decref(rev);

	json_t *about = json_array();
	json_array_append_new(about, jsonld_thing_new("Thing", "Photovoltaik", NULL, same, 1));
	json_t *page = jsonld_with_context(jsonld_webpage_new("https://zoe-solar.de/pv", "PV", "de", about, NULL));
	r = jsonld_validate_new(page);
	assert_true(json_is_true(json_object_get(r, "valid")));
	assert_int_equal(count(r, "warnings"), 0);
	json_decref(r);
	json_decref(page);
}

static void test_broken_aggregate_rating(void **state)
{
	(void)state;
	json_t *r = validate_text(
		"{\"@context\":\"https://schema.org\",\"@type\":\"AggregateRating\","
		"\"ratingValue\":\"4,8\",\"itemReviewed\":{\"@type\":\"Product\"}}");
	assert_true(json_is_false(json_object_get(r, "valid")));
	expect(r, "errors", "$", "'ratingCount' or 'reviewCount'");
	expect(r, "errors", "$.ratingValue", "decimal separator");
	/* Product has a rules row for name: it reports the missing name */
	expect(r, "errors", "$.itemReviewed", "required property 'name'");
	expect(r, "warnings", "$", "recommended property 'bestRating'");
	json_decref(r);

	r = validate_text("{\"@context\":\"https://schema.org\",\"@type\":\"AggregateRating\","
	                  "\"ratingValue\":7,\"bestRating\":5,\"reviewCount\":-3}");
	expect(r, "errors", "$", "'itemReviewed'");
	expect(r, "errors", "$.ratingValue", "outside 1..5");
	expect(r, "errors", "$.reviewCount", "whole number");
	json_decref(r);
}

static void test_nested_and_self_serving(void **state)
{
	(void)state;
	/* reviews nested in the business need no itemReviewed, but are self-serving */
	json_t *r = validate_text(
		"{\"@context\":\"https://schema.org\",\"@type\":\"RoofingContractor\",\"name\":\"ZOE\","
		"\"address\":{\"@type\":\"PostalAddress\",\"streetAddress\":\"A 1\",\"addressLocality\":\"M\","
		"\"postalCode\":\"80331\",\"addressCountry\":\"DE\"},\"telephone\":\"+49 1\","
		"\"geo\":{\"latitude\":48.1,\"longitude\":191},\"url\":\"/kontakt\",\"priceRange\":\"$$\","
		"\"openingHoursSpecification\":{\"dayOfWeek\":\"Monday\",\"opens\":\"8:00\",\"closes\":\"17:00\"},"
		"\"aggregateRating\":{\"ratingValue\":4.5,\"ratingCount\":12},"
		"\"review\":[{\"@type\":\"Review\",\"author\":{\"@type\":\"Person\"},"
		"\"reviewRating\":{\"ratingValue\":5},\"datePublished\":\"2024-02-30\"}]}");
	assert_true(json_is_false(json_object_get(r, "valid")));
	assert_false(has(r, "errors", "$.aggregateRating", "itemReviewed"));
	assert_false(has(r, "errors", "$.review[0]", "itemReviewed"));
	expect(r, "warnings", "$.aggregateRating", "since 2019");
	expect(r, "warnings", "$.review[0]", "since 2019");
	expect(r, "errors", "$.geo.longitude", "within +-180");
	expect(r, "errors", "$.url", "absolute");
	expect(r, "errors", "$.openingHoursSpecification.opens", "hh:mm");
	expect(r, "errors", "$.review[0].author", "'name'");
	expect(r, "errors", "$.review[0].datePublished", "ISO 8601");
	expect(r, "warnings", "$.review[0].reviewRating", "'bestRating'");
	json_decref(r);
}

static void test_missing_context_graph_webpage(void **state)
{
	(void)state;
	json_t *r = validate_text("{\"@type\":\"LocalBusiness\"}");
	expect(r, "errors", "$", "@context");
	expect(r, "errors", "$", "'name'");
	expect(r, "errors", "$", "'address'");
	json_decref(r);

	r = validate_text(
		"{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"WebPage\",\"name\":\"PV\","
		"\"url\":\"https://zoe-solar.de/pv\",\"about\":[{\"@type\":\"Thing\",\"sameAs\":"
		"[\"wikidata Q1\"]},\"Photovoltaik\"],\"mentions\":{\"@id\":\"https://www.wikidata.org/wiki/Q2\"}},"
		"{\"name\":\"x\"},{\"@type\":\"FAQPage\",\"name\":\"FAQ\",\"url\":\"https://zoe-solar.de/faq\"}]}");
	expect(r, "errors", "$.@graph[0].about[0]", "name or @id");
	expect(r, "warnings", "$.@graph[0].about[0].sameAs[0]", "absolute URL");
	expect(r, "warnings", "$.@graph[0].about[1]", "Thing");
	assert_false(has(r, "errors", "$.@graph[0].mentions", "name or @id"));
	expect(r, "errors", "$.@graph[1]", "@type");
	expect(r, "warnings", "$.@graph[2]", "FAQ rich results");
	json_decref(r);

	r = validate_text("[1, {\"@context\":{\"@vocab\":\"http://schema.org/\"},\"@type\":\"HowTo\"}]");
	expect(r, "errors", "$[0]", "object");
	assert_false(has(r, "errors", "$[1]", "@context"));
	expect(r, "warnings", "$[1]", "HowTo");
	json_decref(r);
}

static void test_formats(void **state)
{
	(void)state;
	static const char *const good[] = {
		"2024-02-29", "2024-05-01T10:00", "2024-05-01T10:00:05Z", "2024-05-01T10:00:05.123+02:00",
		"2024-05-01T23:59:59-0500",
	};
	static const char *const bad[] = {
		"2023-02-29", "2024-13-01", "01.05.2024", "2024-05-01 10:00", "2024-05-01T25:00",
		"2024-05-01T10:00+2", "2024-5-1", "",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!jsonld_is_iso8601(good[i]))
			fail_msg("%s should be ISO 8601", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (jsonld_is_iso8601(bad[i]))
			fail_msg("%s should not be ISO 8601", bad[i]);
	assert_true(jsonld_is_absolute_url("https://zoe-solar.de"));
	assert_true(jsonld_is_absolute_url("http://www.wikidata.org/wiki/Q1?x=1#a"));
	assert_false(jsonld_is_absolute_url("/kontakt"));
	assert_false(jsonld_is_absolute_url("zoe-solar.de"));
	assert_false(jsonld_is_absolute_url("https:///x"));
	assert_false(jsonld_is_absolute_url("https://zoe solar.de"));
	assert_false(jsonld_is_absolute_url("ftp://zoe-solar.de"));
	assert_false(jsonld_is_absolute_url(NULL));
}

/* Google's VideoObject: name, thumbnailUrl, uploadDate required; Clip
 * chapters need name, startOffset and url; durations are ISO 8601. */
static void test_video_object(void **state)
{
	(void)state;
	json_t *r = validate_text(
		"{\"@context\":\"https://schema.org\",\"@type\":\"VideoObject\","
		"\"name\":\"Balkonkraftwerk montieren\",\"duration\":\"12:30\","
		"\"thumbnailUrl\":\"thumb.jpg\",\"description\":\"Schritt für Schritt\","
		"\"hasPart\":[{\"name\":\"Halterung\",\"startOffset\":30,"
		"\"url\":\"https://zoe-solar.de/v?t=30\"},{\"name\":\"Stecker\"}]}");
	expect(r, "errors", "$", "missing required property 'uploadDate'");
	expect(r, "errors", "$.thumbnailUrl", "absolute");
	expect(r, "errors", "$.duration", "ISO 8601 duration");
	expect(r, "errors", "$.hasPart[1]", "missing required property 'startOffset'");
	expect(r, "errors", "$.hasPart[1]", "missing required property 'url'");
	expect(r, "warnings", "$", "'contentUrl' or 'embedUrl'");
	assert_false(has(r, "errors", "$.hasPart[0]", "missing"));
	json_decref(r);
	r = validate_text(
		"{\"@context\":\"https://schema.org\",\"@type\":\"VideoObject\","
		"\"name\":\"Wärmepumpe\",\"description\":\"Aufbau\",\"duration\":\"PT4M5S\","
		"\"thumbnailUrl\":\"https://zoe-solar.de/t.jpg\",\"uploadDate\":\"2025-03-01\","
		"\"embedUrl\":\"https://zoe-solar.de/e/1\",\"potentialAction\":{\"@type\":"
		"\"SeekToAction\",\"target\":\"https://zoe-solar.de/v?t={seek_to_second_number}\","
		"\"startOffset-input\":\"required name=seek_to_second_number\"}}");
	assert_int_equal(count(r, "errors"), 0);
	assert_int_equal(count(r, "warnings"), 0);
	json_decref(r);
}

/* FAQPage with Question/Answer, speakable, ImageObject license metadata. */
static void test_faq_speakable_image(void **state)
{
	(void)state;
	json_t *r = validate_text(
		"{\"@context\":\"https://schema.org\",\"@type\":\"FAQPage\","
		"\"speakable\":{\"@type\":\"SpeakableSpecification\"},"
		"\"mainEntity\":[{\"@type\":\"Question\",\"name\":\"Was kostet eine PV-Anlage?\","
		"\"acceptedAnswer\":{\"@type\":\"Answer\",\"text\":\"Rund 15.000 Euro.\"}},"
		"{\"@type\":\"Question\",\"name\":\"Ab wann lohnt sich ein Speicher?\"},"
		"{\"@type\":\"Question\",\"name\":\"Wie viel Strom erzeugt ein Modul?\","
		"\"acceptedAnswer\":{}}]}");
	expect(r, "errors", "$.speakable", "'cssSelector' or 'xpath'");
	expect(r, "errors", "$.mainEntity[1]", "'acceptedAnswer' or 'suggestedAnswer'");
	expect(r, "errors", "$.mainEntity[2].acceptedAnswer", "missing required property 'text'");
	expect(r, "warnings", "$", "FAQ rich results are limited");
	assert_false(has(r, "errors", "$.mainEntity[0]", "missing"));
	json_decref(r);
	r = validate_text("{\"@context\":\"https://schema.org\",\"@type\":\"FAQPage\"}");
	expect(r, "errors", "$", "missing required property 'mainEntity'");
	json_decref(r);
	r = validate_text(
		"{\"@context\":\"https://schema.org\",\"@type\":\"ImageObject\","
		"\"name\":\"PV-Anlage\"}");
	expect(r, "errors", "$", "'contentUrl' or 'url'");
	expect(r, "warnings", "$", "'license'");
	json_decref(r);
}

static void test_durations(void **state)
{
	(void)state;
	static const char *const good[] = { "PT1H2M3S", "PT30S", "PT4M", "P1D", "P1DT2H", "PT1.5S", "P1Y2M3W4D" };
	static const char *const bad[] = { "P", "PT", "12:30", "PT1S2M", "P1H", "PT-5S", "pt5s", "PT5", "" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!jsonld_is_duration(good[i]))
			fail_msg("%s should be an ISO 8601 duration", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (jsonld_is_duration(bad[i]))
			fail_msg("%s should not be an ISO 8601 duration", bad[i]);
	assert_false(jsonld_is_duration(NULL));
}

/* priceValidUntil is Google's recommendation for a Product's offer (a Car is a
 * Product); an Event's ticket offer or an offer on its own does not need it. */
static void test_price_valid_until_product_only(void **state)
{
	(void)state;
	const char *offer = "{\"@type\":\"Offer\",\"price\":\"29.00\",\"priceCurrency\":\"EUR\","
		"\"availability\":\"https://schema.org/InStock\",\"url\":\"https://zoe-solar.de/t\"}";
	char doc[1024];
	snprintf(doc, sizeof doc, "{\"@context\":\"https://schema.org\",\"@type\":\"Product\","
		"\"name\":\"Wallbox\",\"offers\":%s}", offer);
	json_t *r = validate_text(doc);
	expect(r, "warnings", "$.offers", "'priceValidUntil'");
	json_decref(r);
	snprintf(doc, sizeof doc, "{\"@context\":\"https://schema.org\",\"@type\":\"Car\","
		"\"name\":\"ID.3\",\"brand\":{\"@type\":\"Brand\",\"name\":\"VW\"},"
		"\"model\":\"ID.3\",\"offers\":%s}", offer);
	r = validate_text(doc);
	expect(r, "warnings", "$.offers", "'priceValidUntil'");
	json_decref(r);
	snprintf(doc, sizeof doc, "{\"@context\":\"https://schema.org\",\"@type\":\"Event\","
		"\"name\":\"Solarabend\",\"startDate\":\"2030-07-01T18:00\",\"offers\":[%s]}", offer);
	r = validate_text(doc);
	assert_false(has(r, "warnings", "$.offers[0]", "priceValidUntil"));
	assert_false(has(r, "errors", "$.offers[0]", "priceValidUntil"));
	json_decref(r);
	snprintf(doc, sizeof doc, "{\"@context\":\"https://schema.org\",%s", offer + 1);
	r = validate_text(doc);
	assert_false(has(r, "warnings", "$", "priceValidUntil"));
	assert_int_equal(count(r, "warnings"), 0);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builders_valid),
		cmocka_unit_test(test_broken_aggregate_rating),
		cmocka_unit_test(test_nested_and_self_serving),
		cmocka_unit_test(test_missing_context_graph_webpage),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_video_object),
		cmocka_unit_test(test_faq_speakable_image),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_price_valid_until_product_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
