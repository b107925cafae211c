/* test_robots.c - robots.txt against the examples of Google's documentation
 * "How Google interprets the robots.txt specification" (developers.google.com/
 * search/docs/crawling-indexing/robots/robots_txt): path matching, order of
 * precedence, user-agent groups and the combining of groups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "robots.h"

static int matches(const char *pattern, const char *path)
{
	return robots_match(pattern, strlen(pattern), path);
}

/* "URL matching based on path values": every match and non-match listed. */
static void test_path_values(void **state)
{
	(void)state;
	static const struct { const char *pattern, *yes[7], *no[6]; } t[] = {
		{"/", {"/", "/page.htm", "/fish/salmon.html"}, {NULL}},
		{"/*", {"/", "/anything", "/fish.html"}, {NULL}},
		{"/$", {"/"}, {"/page.htm", "/?x=1"}},
		{"/fish", {"/fish", "/fish.html", "/fish/salmon.html", "/fishheads",
			   "/fishheads/yummy.html", "/fish.php?id=anything"},
			  {"/Fish.asp", "/catfish", "/?id=fish", "/desert/fish"}},
		{"/fish*", {"/fish", "/fish.html", "/fish/salmon.html", "/fishheads",
			    "/fishheads/yummy.html", "/fish.php?id=anything"},
			   {"/Fish.asp", "/catfish", "/?id=fish", "/desert/fish"}},
		{"/fish/", {"/fish/", "/fish/?id=anything", "/fish/salmon.htm"},
			   {"/fish", "/fish.html", "/animals/fish/", "/Fish/Salmon.asp"}},
		{"/*.php", {"/index.php", "/filename.php", "/folder/filename.php",
			    "/folder/filename.php?parameters", "/folder/any.php.file.html",
			    "/filename.php/"}, {"/", "/windows.PHP"}},
		{"/*.php$", {"/filename.php", "/folder/filename.php"},
			    {"/filename.php?parameters", "/filename.php/", "/filename.php5",
			     "/windows.PHP"}},
		{"/fish*.php", {"/fish.php", "/fishheads/catfish.php?parameters"}, {"/Fish.PHP"}},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		for (size_t k = 0; k < 7 && t[i].yes[k]; k++)
			if (!matches(t[i].pattern, t[i].yes[k]))
				fail_msg("%s should match %s", t[i].pattern, t[i].yes[k]);
		for (size_t k = 0; k < 6 && t[i].no[k]; k++)
			if (matches(t[i].pattern, t[i].no[k]))
				fail_msg("%s should not match %s", t[i].pattern, t[i].no[k]);
	}
}

static int allowed(const char *txt, const char *agent, const char *path)
{
	robots_verdict_t v;
	return robots_check(txt, strlen(txt), agent, path, &v);
}

/* "Order of precedence for rules": the longest match wins, allow on a tie. */
static void test_precedence(void **state)
{
	(void)state;
	static const struct { const char *txt, *path; int allowed; } t[] = {
		{"user-agent: *\nallow: /p\ndisallow: /\n", "/page", 1},
		{"user-agent: *\nallow: /folder\ndisallow: /folder\n", "/folder/page", 1},
		{"user-agent: *\nallow: /page\ndisallow: /*.htm\n", "/page.htm", 0},
		{"user-agent: *\nallow: /page\ndisallow: /*.ph\n", "/page.php5", 1},
		{"user-agent: *\nallow: /$\ndisallow: /\n", "/", 1},
		{"user-agent: *\nallow: /$\ndisallow: /\n", "/page.htm", 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (allowed(t[i].txt, "googlebot", t[i].path) != t[i].allowed)
			fail_msg("case %zu: %s should be %s", i, t[i].path,
				 t[i].allowed ? "allowed" : "disallowed");
	robots_verdict_t v;
	const char *txt = "User-agent: *\r\nAllow: /page\r\nDisallow: /*.htm # no pages\r\n";
	assert_int_equal(robots_check(txt, strlen(txt), "x", "/page.htm", &v), 0);
	assert_int_equal(v.line, 3);
	assert_int_equal(v.group, 1);
	assert_string_equal(v.rule, "disallow: /*.htm");
}

/* "User agent matching": the most specific group, "*" only as fallback. */
static void test_groups(void **state)
{
	(void)state;
	const char *txt =
		"user-agent: googlebot-news\n"
		"disallow: /g1\n"
		"\n"
		"user-agent: *\n"
		"disallow: /g2\n"
		"\n"
		"user-agent: googlebot\n"
		"disallow: /g3\n";
	static const struct { const char *agent, *path; int allowed; } t[] = {
		{"googlebot-news", "/g1", 0}, {"googlebot-news", "/g2", 1}, {"googlebot-news", "/g3", 1},
		{"googlebot", "/g3", 0}, {"Googlebot", "/g2", 1}, {"googlebot", "/g1", 1},
		{"Storebot-Google", "/g2", 0}, {"Storebot-Google", "/g1", 1},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (allowed(txt, t[i].agent, t[i].path) != t[i].allowed)
			fail_msg("%s %s should be %s", t[i].agent, t[i].path,
				 t[i].allowed ? "allowed" : "disallowed");
	/* "Grouping of lines and rules": e and f share a group; h's group is empty */
	const char *g =
		"user-agent: a\ndisallow: /c\n\nuser-agent: b\ndisallow: /d\n\n"
		"user-agent: e\nuser-agent: f\ndisallow: /g\n\nuser-agent: h\n";
	assert_int_equal(allowed(g, "a", "/c"), 0);
	assert_int_equal(allowed(g, "a", "/d"), 1);
	assert_int_equal(allowed(g, "b", "/d"), 0);
	assert_int_equal(allowed(g, "e", "/g"), 0);
	assert_int_equal(allowed(g, "f", "/g"), 0);
	assert_int_equal(allowed(g, "h", "/c"), 1);
	assert_int_equal(allowed(g, "h", "/g"), 1);
	/* groups for the same agent are combined; sitemap ends no group */
	const char *c =
		"user-agent: googlebot-news\ndisallow: /fish\n\n"
		"user-agent: *\ndisallow: /carrots\n\n"
		"user-agent: googlebot-news\nsitemap: https://example.com/sitemap.xml\n"
		"disallow: /shrimp\n";
	assert_int_equal(allowed(c, "googlebot-news", "/fish"), 0);
	assert_int_equal(allowed(c, "googlebot-news", "/shrimp"), 0);
	assert_int_equal(allowed(c, "googlebot-news", "/carrots"), 1);
	assert_int_equal(allowed(c, "otherbot", "/carrots"), 0);
	assert_int_equal(allowed(c, "otherbot", "/fish"), 1);
}

/* Our crawler's token, empty rules, comments, no file, robots.txt itself,
 * non-ASCII paths and escapes. */
static void test_edges(void **state)
{
	(void)state;
	const char *txt = "# ZOE\nUser-Agent: ZOE-Solar-Bot/1.0\nDisallow: /intern/\n"
			  "Disallow:\n\nUser-agent: *\nDisallow: /\n";
	assert_int_equal(allowed(txt, "ZOE-Solar-Bot", "/intern/x"), 0);
	assert_int_equal(allowed(txt, "ZOE-Solar-Bot", "/preise"), 1);
	assert_int_equal(allowed(txt, "zoe-solar-bot", "/intern"), 1);
	assert_int_equal(allowed(txt, "other", "/preise"), 0);
	assert_int_equal(allowed(txt, "other", "/robots.txt"), 1);
	robots_verdict_t v;
	assert_int_equal(robots_check(NULL, 0, "x", "/a", &v), 1);
	assert_int_equal(v.group, 0);
	assert_int_equal(allowed("user-agent: *\ndisallow: /größe\n", "x", "/gr%C3%B6%C3%9Fe"), 0);
	assert_int_equal(allowed("user-agent: *\ndisallow: /a%3cb\n", "x", "/a%3Cb"), 0);
	assert_int_equal(allowed("user-agent: *\ndisallow: /a\n", "x", "/A"), 1);
	assert_int_equal(allowed("disallow: /\nuser-agent: *\n", "x", "/a"), 1);
	/* a pathological pattern stays linear enough to finish */
	char pat[600], path[4000];
	memset(pat, 0, sizeof pat);
	for (int i = 0; i < 290; i++)
		pat[2 * i] = '*', pat[2 * i + 1] = 'a';
	memset(path, 'a', sizeof path - 2);
	path[0] = '/';
	path[sizeof path - 2] = 'b', path[sizeof path - 1] = '\0';
	assert_int_equal(matches("/*a*a*a*b$", path), 1);
	assert_int_equal(matches(pat, "/aaab"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_values),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
