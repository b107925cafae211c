/* test_hreflang.c - BCP 47 codes as Google reads them, the <link> tags of a
 * page, and the cluster checks against the examples of Google's hreflang
 * documentation (tests/data/hreflang/: the HTML and sitemap examples as
 * published, and broken variants of them). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "hreflang.h"

#include "testutil.h"

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/hreflang/%s", ZOE_TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char *buf = malloc(1 << 16);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void test_codes(void **state)
{
	(void)state;
	static const struct { const char *in, *norm; } ok[] = {
		{"de", "de"}, {"de-DE", "de-DE"}, {"de-de", "de-DE"}, {"en-GB", "en-GB"},
		{"en-gb", "en-GB"}, {"de-ch", "de-CH"}, {"zh-Hant-TW", "zh-Hant-TW"},
		{"zh-hans", "zh-Hans"}, {"sr-Latn", "sr-Latn"}, {"X-Default", "x-default"},
		{"be", "be"},   /* Belarusian, not Belgium */
		{"es-LA", "es-LA"}, {"pt-BR", "pt-BR"},
	};
	char norm[HREFLANG_CODE_MAX], fix[HREFLANG_CODE_MAX];
	const char *why;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (hreflang_code(ok[i].in, norm, fix, &why) != 0)
			fail_msg("%s: %s", ok[i].in, why);
		assert_string_equal(norm, ok[i].norm);
	}
	static const struct { const char *in, *fix; } fixable[] = {
		{"en-UK", "en-GB"}, {"en-uk", "en-GB"}, {"jp", "ja"}, {"cz-CZ", "cs-CZ"},
		{"de_AT", "de-AT"}, {"el-EL", "el-GR"}, {"ger", "de"}, {"dk", "da"},
	};
	for (size_t i = 0; i < sizeof fixable / sizeof fixable[0]; i++) {
		if (hreflang_code(fixable[i].in, norm, fix, &why) != 1)
			fail_msg("%s: not a correctable code", fixable[i].in);
		assert_string_equal(fix, fixable[i].fix);
		assert_non_null(why);
	}
	/* "DE" is German in capitals (codes ignore case); "AT" is no language */
	assert_int_equal(hreflang_code("DE", norm, fix, &why), 0);
	assert_string_equal(norm, "de");
	static const char *const bad[] = {"", "e", "english", "AT", "xx-DE", "en-XX", "en-EU",
		"es-419", "de-DE-1996", "en--GB", "en-GB-", "zh-Abcd", "de DE", "<script>",
		"en-UKX", NULL};
	for (size_t i = 0; bad[i]; i++)
		if (hreflang_code(bad[i], norm, fix, &why) != -1)
			fail_msg("\"%s\" not refused", bad[i]);
	assert_int_equal(hreflang_code(NULL, norm, fix, &why), -1);
	assert_int_equal(hreflang_code("AT", norm, fix, &why), -1);
	assert_non_null(strstr(why, "language first"));
}

static void test_html_links(void **state)
{
	(void)state;
	size_t len;
	char *html = slurp("google-html-head.html", &len);
	json_t *j = hreflang_html_links_new(html, len, 100);
	assert_non_null(j);
	json_t *links = json_object_get(j, "links");
	assert_int_equal(json_array_size(links), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "hreflang")),
			    "en-gb");
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 4), "href")),
			    "https://www.example.com/");
	assert_true(json_is_null(json_object_get(j, "canonical")));
	json_decref(j);
	free(html);
	static const char odd[] = "<LINK HREF='https://a.example/x?a=1&amp;b=2' REL=\"Alternate\" "
		"hreflang=de-AT><!-- <link rel=alternate hreflang=fr href=https://a.example/fr> -->"
		"<link rel=canonical href=https://a.example/x><link rel=stylesheet href=/s.css>"
		"<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed\">";
	j = hreflang_html_links_new(odd, sizeof odd - 1, 100);
	links = json_object_get(j, "links");
	assert_int_equal(json_array_size(links), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "href")),
			    "https://a.example/x?a=1&b=2");
	assert_string_equal(json_string_value(json_object_get(j, "canonical")), "https://a.example/x");
	json_decref(j);
}

/* A page from a fixture file. */
static json_t *page_from(const char *file, const char *url, hreflang_page_t *p,
			 hreflang_link_t *links, size_t max)
{
	size_t len;
	char *html = slurp(file, &len);
	json_t *j = hreflang_html_links_new(html, len, max);
	free(html);
	assert_non_null(j);
	json_t *l, *arr = json_object_get(j, "links");
	size_t i;
	json_array_foreach(arr, i, l) {
		links[i].code = json_string_value(json_object_get(l, "hreflang"));
		links[i].href = json_string_value(json_object_get(l, "href"));
	}
	*p = (hreflang_page_t){url, json_string_value(json_object_get(j, "canonical")), NULL, NULL,
			       links, json_array_size(arr), 1};
	return j;
}

/* The issue codes of a verdict, comma-separated. */
static const char *codes(json_t *v, char *buf, size_t sz)
{
	json_t *i;
	size_t k, n = 0;
	buf[0] = '\0';
	json_array_foreach(json_object_get(v, "issues"), k, i)
		n += (size_t)snprintf(buf + n, sz - n, "%s%s", n ? "," : "",
				      json_string_value(json_object_get(i, "code")));
	return buf;
}

static void test_google_html_example(void **state)
{
	(void)state;
	hreflang_page_t p;
	hreflang_link_t links[16];
	char buf[512];
	json_t *j = page_from("google-html-head.html", "https://en-gb.example.com/page.html", &p,
			      links, 16);
	json_t *v = hreflang_check_new(&p, 1);
	assert_non_null(v);
	assert_string_equal(codes(v, buf, sizeof buf), "");
	assert_true(json_is_true(json_object_get(v, "valid")));
	json_t *vs = json_object_get(v, "versions");
	assert_int_equal(json_array_size(vs), 5);
	/* codes sorted, x-default last, in their canonical case */
	assert_string_equal(json_string_value(json_object_get(json_array_get(vs, 0), "hreflang")), "de");
	assert_string_equal(json_string_value(json_object_get(json_array_get(vs, 2), "hreflang")), "en-GB");
	assert_string_equal(json_string_value(json_object_get(json_array_get(vs, 4), "hreflang")),
			    "x-default");
	json_t *pages = json_object_get(v, "pages");
	assert_int_equal(json_array_size(pages), 5);
	json_t *tags = json_object_get(json_array_get(pages, 0), "tags");
	assert_int_equal(json_array_size(tags), 5);
	assert_string_equal(json_string_value(json_array_get(tags, 4)),
		"<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://www.example.com/\" />");
	json_decref(v);
	json_decref(j);
}

/* (hreflang, href) pairs of each <url> of Google's sitemap example, in
 * lower case, against the block the checker writes for the same URLs. */
static void pairs(const char *xml, char *out, size_t sz)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *p = xml; (p = strstr(p, "hreflang=\""));) {
		p += 10;
		size_t k = strcspn(p, "\"");
		const char *h = strstr(p, "href=\"");
		if (!h)
			break;
		h += 6;
		n += (size_t)snprintf(out + n, sz - n, "%.*s %.*s;", (int)k, p, (int)strcspn(h, "\""), h);
		p = h;
	}
	for (char *c = out; *c; c++)
		*c = (char)tolower((unsigned char)*c);
}

static void test_google_sitemap_example(void **state)
{
	(void)state;
	size_t len;
	char *xml = slurp("google-sitemap.xml", &len), want[2048], got[2048], buf[256];
	hreflang_page_t p[3] = {
		{"https://www.example.com/english/page.html", NULL, "en", NULL, NULL, 0, 0},
		{"https://www.example.de/deutsch/page.html", NULL, "de", NULL, NULL, 0, 0},
		{"https://www.example.de/schweiz-deutsch/page.html", NULL, "de-ch", NULL, NULL, 0, 0},
	};
	json_t *v = hreflang_check_new(p, 3);
	assert_true(json_is_true(json_object_get(v, "valid")));
	assert_string_equal(codes(v, buf, sizeof buf), "x_default_missing");  /* a warning */
	const char *sm = json_string_value(json_object_get(v, "sitemap"));
	pairs(xml, want, sizeof want);
	pairs(sm, got, sizeof got);
	/* Google orders the <url>s as written; ours are by code: compare per <url> */
	assert_int_equal(strlen(got), strlen(want));
	const char *block = "de https://www.example.de/deutsch/page.html;de-ch "
		"https://www.example.de/schweiz-deutsch/page.html;en https://www.example.com/english/page.html;";
	char three[1024];
	snprintf(three, sizeof three, "%s%s%s", block, block, block);
	assert_string_equal(want, three);
	assert_string_equal(got, three);
	assert_non_null(strstr(sm, "<url>\n  <loc>https://www.example.de/deutsch/page.html</loc>\n"
		"    <xhtml:link rel=\"alternate\" hreflang=\"de\" "
		"href=\"https://www.example.de/deutsch/page.html\" />\n"));
	json_decref(v);
	free(xml);
}

static void test_broken(void **state)
{
	(void)state;
	hreflang_page_t p[2];
	hreflang_link_t l1[16], l2[16];
	char buf[512];
	json_t *j1 = page_from("broken-en-uk.html", "https://en-gb.example.com/page.html", &p[0], l1, 16);
	json_t *v = hreflang_check_new(p, 1);
	assert_string_equal(codes(v, buf, sizeof buf), "code_corrected,href_not_absolute");
	assert_false(json_is_true(json_object_get(v, "valid")));
	json_t *tags = json_object_get(json_array_get(json_object_get(v, "pages"), 0), "tags");
	assert_int_equal(json_array_size(tags), 3);       /* en-GB, en-US, x-default */
	assert_non_null(strstr(json_string_value(json_array_get(tags, 0)), "hreflang=\"en-GB\""));
	json_decref(v);
	json_decref(j1);

	j1 = page_from("broken-return-de.html", "https://www.example.de/deutsch/page.html", &p[0], l1, 16);
	json_t *j2 = page_from("broken-return-en.html", "https://www.example.com/english/page.html",
			       &p[1], l2, 16);
	v = hreflang_check_new(p, 2);
	assert_string_equal(codes(v, buf, sizeof buf), "return_link_missing,x_default_missing");
	json_t *i0 = json_array_get(json_object_get(v, "issues"), 0);
	assert_string_equal(json_string_value(json_object_get(i0, "page")),
			    "https://www.example.de/deutsch/page.html");
	assert_string_equal(json_string_value(json_object_get(i0, "href")),
			    "https://www.example.com/english/page.html");
	/* the correction lists both versions on both pages */
	json_t *pages = json_object_get(v, "pages");
	assert_int_equal(json_array_size(pages), 2);
	assert_int_equal(json_array_size(json_object_get(json_array_get(pages, 1), "tags")), 2);
	json_decref(v);
	json_decref(j1);
	json_decref(j2);

	j1 = page_from("broken-canonical.html", "https://www.example.com/english/page.html?ref=nav",
		       &p[0], l1, 16);
	v = hreflang_check_new(p, 1);
	assert_string_equal(codes(v, buf, sizeof buf), "canonical_elsewhere");
	assert_int_equal(json_array_size(json_object_get(v, "versions")), 0);
	json_decref(v);
	json_decref(j1);
}

static void test_graph(void **state)
{
	(void)state;
	char buf[512];
	/* a self link missing, a duplicate code, an x-default that disagrees */
	hreflang_link_t a[] = {{"de", "https://zoe-solar.de/"}, {"de-AT", "https://zoe-solar.at/"},
		{"de-AT", "https://zoe-solar.de/at/"}, {"x-default", "https://zoe-solar.de/"}};
	hreflang_link_t b[] = {{"de-AT", "https://zoe-solar.at/"}, {"de", "https://zoe-solar.de/"},
		{"x-default", "https://zoe-solar.at/"}};
	hreflang_page_t p[] = {
		{"https://zoe-solar.de", NULL, NULL, NULL, a, 4, 1},
		{"https://zoe-solar.at/", NULL, NULL, "Im J\xc3\xa4nner und Februar: Stra\xc3\x9f" "e", b, 3, 1},
		{"https://zoe-solar.ch/", NULL, "de-CH", "Die Stra\xc3\x9f" "e und die Gr\xc3\xb6\xc3\x9f" "e",
		 NULL, 0, 0},
	};
	json_t *v = hreflang_check_new(p, 3);
	assert_string_equal(codes(v, buf, sizeof buf),
		"code_conflict,duplicate_code,code_conflict,spelling_ch_eszett");
	json_decref(v);
	/* regional spelling only where the language says so */
	hreflang_link_t c[] = {{"de-DE", "https://x.example/de"}, {"de-AT", "https://x.example/at"}};
	hreflang_page_t q[] = {
		{"https://x.example/de", NULL, NULL, "Im J\xc3\xa4nner", c, 2, 1},
		{"https://x.example/at", NULL, NULL, "Im Januar, am 3. Januar", c, 2, 1},
	};
	v = hreflang_check_new(q, 2);
	assert_string_equal(codes(v, buf, sizeof buf),
		"spelling_de_jaenner,spelling_at_jaenner,x_default_missing");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(
		json_object_get(v, "issues"), 1), "message")), "2\xc3\x97"));
	json_decref(v);
	char esc[64];
	assert_int_equal(hreflang_attr_escape("a&b\"<>", esc, sizeof esc), 0);
	assert_string_equal(esc, "a&amp;b&quot;&lt;&gt;");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_html_links),
		cmocka_unit_test(test_google_html_example),
		cmocka_unit_test(test_google_sitemap_example),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_graph),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
