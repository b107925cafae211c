/* test_html.c - extraction from a realistic German page and from broken markup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "html.h"

static const char page[] =
	"<!DOCTYPE html>\n<HTML LANG=\"de-DE\"><head>\n"
	"<meta charset=\"utf-8\">\n"
	"<title>Photovoltaik in M&uuml;nchen &amp; Umgebung | ZOE Solar</title>\n"
	"<META NAME=\"Description\" CONTENT=\"Solaranlagen &amp; Speicher vom Meisterbetrieb: "
	"Beratung, Montage, Wartung.\">\n"
	"<meta name=robots content=\"index, follow\">\n"
	"<link rel=\"alternate\" hreflang=\"en\" href=\"https://zoe-solar.de/en/\">\n"
	"<link rel=canonical href=https://zoe-solar.de/photovoltaik-muenchen/>\n"
	"<style>body { font-family: Arial } h1 > span { color: red }</style>\n"
	"<script>var x = '<h1>not a heading</h1>'; if (a < b) {}</script>\n"
	"<script type=\"application/ld+json\">\n {\"@context\":\"https://schema.org\","
	"\"@type\":\"LocalBusiness\",\"name\":\"ZOE Solar\"}\n</script>\n"
	"</head><body>\n"
	"<!-- Navigation <h2>kommentiert</h2> -->\n"
	"<nav><a href=\"/\">Start</a> <a href='/kontakt' rel=\"nofollow noopener\">Kontakt</a></nav>\n"
	"<h1>Solaranlagen f&uuml;r <em>M&uuml;nchen</em></h1>\n"
	"<p>Wir installieren z.&nbsp;B. Anlagen mit 3,5&nbsp;kWp &ndash; inklusive Speicher.<br>"
	"Preis ab 9.990&#8364; &#x2013; Stra&szlig;e &quot;Sonnenweg&quot;.</p>\n"
	"<img src=\"/img/dach.jpg\" alt=\"PV-Anlage auf einem Ziegeldach\">"
	"<img src=/img/deko.svg alt=\"\"><IMG SRC=\"/img/ohne-alt.png\">\n"
	"<h2 class=x>W&auml;rmepumpen\n   und Speicher</h2>\n"
	"<noscript><p>Bitte JavaScript aktivieren</p></noscript>\n"
	"<template><p>Vorlage</p></template>\n"
	"<p>Mehr unter <a href=\"https://zoe-solar.de/speicher?utm_source=x&amp;a=1\">"
	"Stromspeicher <b>im Vergleich</b></a>.</p>\n"
	"</body></html>\n";

static json_t *extract(const char *html)
{
	json_t *j = html_extract_new(html, strlen(html));
	assert_non_null(j);
	return j;
}

static const char *str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void test_page_metadata(void **state)
{
	(void)state;
	json_t *j = extract(page);
	assert_string_equal(str(j, "title"), "Photovoltaik in M\xC3\xBCnchen & Umgebung | ZOE Solar");
	assert_string_equal(str(j, "description"),
	                    "Solaranlagen & Speicher vom Meisterbetrieb: Beratung, Montage, Wartung.");
	assert_string_equal(str(j, "robots"), "index, follow");
	assert_string_equal(str(j, "canonical"), "https://zoe-solar.de/photovoltaik-muenchen/");
	assert_string_equal(str(j, "lang"), "de-DE");
	json_t *ld = json_object_get(j, "jsonld");
	assert_int_equal(json_array_size(ld), 1);
	assert_string_equal(json_string_value(json_array_get(ld, 0)),
	                    "{\"@context\":\"https://schema.org\",\"@type\":\"LocalBusiness\","
	                    "\"name\":\"ZOE Solar\"}");
	json_decref(j);
}

static void test_page_structure(void **state)
{
	(void)state;
	json_t *j = extract(page);
	json_t *h = json_object_get(j, "headings");
	assert_int_equal(json_array_size(h), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(h, 0), "level")), 1);
	assert_string_equal(str(json_array_get(h, 0), "text"), "Solaranlagen f\xC3\xBCr M\xC3\xBCnchen");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(h, 1), "level")), 2);
	assert_string_equal(str(json_array_get(h, 1), "text"), "W\xC3\xA4rmepumpen und Speicher");

	json_t *l = json_object_get(j, "links");
	assert_int_equal(json_array_size(l), 3);
	assert_string_equal(str(json_array_get(l, 1), "href"), "/kontakt");
	assert_string_equal(str(json_array_get(l, 1), "rel"), "nofollow noopener");
	assert_true(json_is_null(json_object_get(json_array_get(l, 0), "rel")));
	assert_string_equal(str(json_array_get(l, 2), "href"), "https://zoe-solar.de/speicher?utm_source=x&a=1");
	assert_string_equal(str(json_array_get(l, 2), "text"), "Stromspeicher im Vergleich");

	json_t *im = json_object_get(j, "images");
	assert_int_equal(json_array_size(im), 3);
	assert_string_equal(str(json_array_get(im, 0), "alt"), "PV-Anlage auf einem Ziegeldach");
	assert_string_equal(str(json_array_get(im, 1), "src"), "/img/deko.svg");
	assert_string_equal(str(json_array_get(im, 1), "alt"), "");
	assert_true(json_is_null(json_object_get(json_array_get(im, 2), "alt")));
	json_decref(j);
}

static void test_page_text(void **state)
{
	(void)state;
	json_t *j = extract(page);
	assert_string_equal(str(j, "text"),
		"Start Kontakt\n"
		"Solaranlagen f\xC3\xBCr M\xC3\xBCnchen\n"
		"Wir installieren z. B. Anlagen mit 3,5 kWp \xE2\x80\x93 inklusive Speicher.\n"
		"Preis ab 9.990\xE2\x82\xAC \xE2\x80\x93 Stra\xC3\x9F" "e \"Sonnenweg\".\n"
		"W\xC3\xA4rmepumpen und Speicher\n"
		"Mehr unter Stromspeicher im Vergleich.");
	json_decref(j);
}

static void test_broken_markup(void **state)
{
	(void)state;
	/* unclosed tags, stray '<', unterminated attribute, comment to the end */
	const char *bad = "<title>Kaputt &amp Co<h1>Offen <a href=/x>Link <p>Absatz 5 < 10 &unknown; "
	                  "&#0; &#150; &#xD800;</p><h3>Drei<img src=\"a.png alt=x>";
	json_t *j = extract(bad);
	assert_string_equal(str(j, "title"), "Kaputt & Co");
	json_t *h = json_object_get(j, "headings");
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(str(json_array_get(h, 0), "text"), "Offen Link");
	assert_string_equal(str(json_array_get(h, 1), "text"), "Drei");
	json_t *l = json_object_get(j, "links");
	assert_int_equal(json_array_size(l), 1);
	assert_string_equal(str(json_array_get(l, 0), "text"), "Link Absatz 5 < 10 &unknown; \xEF\xBF\xBD \xE2\x80\x93 \xEF\xBF\xBD Drei");
	assert_string_equal(str(j, "text"),
	                    "Offen Link\nAbsatz 5 < 10 &unknown; \xEF\xBF\xBD \xE2\x80\x93 \xEF\xBF\xBD\nDrei");
	assert_int_equal(json_array_size(json_object_get(j, "images")), 1);
	assert_true(json_is_null(json_object_get(j, "canonical")));
	json_decref(j);

	/* invalid UTF-8 (Latin-1 bytes) becomes U+FFFD; an open comment hides the rest */
	j = extract("<p>Gr\xFC\xDF" "e</p><!-- offen <p>weg</p>");
	assert_string_equal(str(j, "text"), "Gr\xEF\xBF\xBD\xEF\xBF\xBD" "e");
	json_decref(j);

	j = extract("");
	assert_string_equal(str(j, "text"), "");
	assert_true(json_is_null(json_object_get(j, "title")));
	json_decref(j);
}

static void test_decode(void **state)
{
	(void)state;
	const char *s = "&Auml;rger &uuml;ber Stra&szlig;e: 5&euro; &lt;b&gt; &#228;&#xFC; AT&T &amp";
	char *d = html_decode(s, strlen(s));
	assert_non_null(d);
	assert_string_equal(d, "\xC3\x84rger \xC3\xBC" "ber Stra\xC3\x9F" "e: 5\xE2\x82\xAC <b> "
	                       "\xC3\xA4\xC3\xBC AT&T &");
	free(d);
	d = html_decode("", 0);
	assert_non_null(d);
	assert_string_equal(d, "");
	free(d);
}

/* Every unclosed <title> searched the rest of the page for </title>: 1 MiB
 * of them took 45 s at -O2 (0.3 s now under ASan). alarm() fails a relapse. */
static void test_unclosed_titles_linear(void **state)
{
	(void)state;
	size_t n = 1u << 20, unit = 8;
	char *s = malloc(n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i += unit)
		memcpy(s + i, "<title>T", unit);
	s[n] = '\0';
	alarm(10);
	json_t *j = html_extract_new(s, n);
	alarm(0);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "T");
	assert_string_equal(json_string_value(json_object_get(j, "text")), "");
	json_decref(j);
	/* the remembered "no </title> follows" keeps the same answer */
	const char *t = "<title>A<p>x</p><title>B<p>y</p>";
	j = html_extract_new(t, strlen(t));
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "A");
	assert_string_equal(json_string_value(json_object_get(j, "text")), "x\ny");
	json_decref(j);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_metadata),
		cmocka_unit_test(test_page_structure),
		cmocka_unit_test(test_page_text),
		cmocka_unit_test(test_broken_markup),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_unclosed_titles_linear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
