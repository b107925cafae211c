/* test_funnel.c - funnel steps: splitting, syntax, wildcard patterns as regexes
 * and as matched, visits walked through the steps and counted. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "funnel.h"

static void test_split(void **state)
{
	(void)state;
	char spec[] = "/,/preise/*,goal:lead";
	char *steps[FUNNEL_MAX_STEPS];
	assert_int_equal(funnel_split(spec, steps, FUNNEL_MAX_STEPS), 3);
	assert_string_equal(steps[0], "/");
	assert_string_equal(steps[1], "/preise/*");
	assert_string_equal(steps[2], "goal:lead");
	char empty[] = "/a,,/b,";
	assert_int_equal(funnel_split(empty, steps, FUNNEL_MAX_STEPS), 4);
	assert_string_equal(steps[1], "");
	assert_string_equal(steps[3], "");
	char one[] = "/a";
	assert_int_equal(funnel_split(one, steps, FUNNEL_MAX_STEPS), 1);
	/* more than max: counted, not stored beyond max */
	char many[] = "/1,/2,/3,/4";
	char *two[2];
	assert_int_equal(funnel_split(many, two, 2), 4);
	assert_string_equal(two[1], "/2");
}

static void test_syntax(void **state)
{
	(void)state;
	static const struct { const char *step; int ok; enum funnel_kind kind; } cases[] = {
		{"/", 1, FUNNEL_PAGE}, {"/preise/*", 1, FUNNEL_PAGE}, {"/blog/**", 1, FUNNEL_PAGE},
		{"/größe?x=1", 1, FUNNEL_PAGE}, {"goal:lead", 1, FUNNEL_GOAL},
		{"goal:Anfrage gesendet", 0, FUNNEL_GOAL}, {"goal:", 0, FUNNEL_GOAL},
		{"", 0, FUNNEL_PAGE}, {"preise", 0, FUNNEL_PAGE}, {"/a b", 0, FUNNEL_PAGE},
		{"/a\tb", 0, FUNNEL_PAGE}, {"/a/***", 0, FUNNEL_PAGE}, {"Goal:lead", 0, FUNNEL_PAGE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *err = funnel_step_error(cases[i].step);
		if (cases[i].ok)
			assert_null(err);
		else
			assert_non_null(err);
		if (*cases[i].step)
			assert_int_equal(funnel_kind(cases[i].step), cases[i].kind);
	}
	char longer[FUNNEL_STEP_MAX + 2];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[0] = '/';
	longer[sizeof(longer) - 1] = '\0';
	assert_non_null(funnel_step_error(longer));
	longer[FUNNEL_STEP_MAX] = '\0';
	assert_null(funnel_step_error(longer));
	char goal[5 + FUNNEL_GOAL_MAX + 2] = "goal:";
	memset(goal + 5, 'g', FUNNEL_GOAL_MAX + 1);
	goal[5 + FUNNEL_GOAL_MAX + 1] = '\0';
	assert_non_null(funnel_step_error(goal));
	goal[5 + FUNNEL_GOAL_MAX] = '\0';
	assert_null(funnel_step_error(goal));
}

static void test_regex(void **state)
{
	(void)state;
	static const struct { const char *pattern, *regex; } cases[] = {
		{"/", "^/$"},
		{"/preise/*", "^/preise/[^/]*$"},
		{"/blog/**", "^/blog/.*$"},
		{"/*/kontakt", "^/[^/]*/kontakt$"},
		{"/a.b+c(d)[e]{f}|g^h$i\\j?k", "^/a\\.b\\+c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\\\j\\?k$"},
		{"/100%_sicher-x", "^/100%_sicher-x$"},
		{"/größe", "^/größe$"},
		{"/x-**-*", "^/x-.*-[^/]*$"},
	};
	char out[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(funnel_regex(cases[i].pattern, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].regex);
	}
	/* the documented bound always fits, one byte less may not */
	const char *stars = "/*/*/*";
	size_t need = FUNNEL_REGEX_MAX(strlen(stars));
	assert_int_equal(funnel_regex(stars, out, need), 0);
	assert_string_equal(out, "^/[^/]*/[^/]*/[^/]*$");
	assert_int_equal(funnel_regex("/abc", out, 5), -1);
	assert_int_equal(funnel_regex("/abc", out, 2), -1);
}

static void test_glob(void **state)
{
	(void)state;
	static const struct { const char *pattern, *name; int match; } cases[] = {
		{"/", "/", 1}, {"/", "/a", 0}, {"/a", "/", 0},
		{"/preise/*", "/preise/", 1}, {"/preise/*", "/preise/solar", 1},
		{"/preise/*", "/preise/solar/x", 0}, {"/preise/*", "/preise", 0},
		{"/blog/**", "/blog/", 1}, {"/blog/**", "/blog/a/b/c", 1}, {"/blog/**", "/blogx", 0},
		{"/*/kontakt", "/berlin/kontakt", 1}, {"/*/kontakt", "/kontakt", 0},
		{"/*/kontakt", "//kontakt", 1}, {"/*/kontakt", "/a/b/kontakt", 0},
		{"/**/kontakt", "/a/b/kontakt", 1}, {"/**/kontakt", "//kontakt", 1},
		{"/**/kontakt", "/kontakt", 0},
		{"/x-**-*", "/x-a/b-c", 1}, {"/x-**-*", "/x-a/b-c/d", 0}, {"/x-**-*", "/x-a-b-c/d", 0},
		{"/x-**-*", "/x--", 1},
		{"/*a*a*a*b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
		{"/**a**a**a**b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 1},
		{"/a.b", "/axb", 0}, {"/a.b", "/a.b", 1}, {"/größe/*", "/größe/ä", 1},
		{"/seite-*", "/seite-12", 1}, {"/seite-*", "/seite-", 1}, {"/seite-1*", "/seite-2", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (funnel_glob(cases[i].pattern, cases[i].name) != cases[i].match)
			fail_msg("%s against %s: expected %d", cases[i].pattern, cases[i].name,
				 cases[i].match);
}

/* The matcher agrees with the regular expression funnel_regex() writes (as
 * PostgreSQL ran it: '.' matches any character) on every name up to 6 bytes
 * over a small alphabet, for patterns of wildcards and separators. */
static void test_glob_as_regex(void **state)
{
	(void)state;
	static const char *const patterns[] = {
		"/*", "/**", "/a*", "/*a", "/*/*", "/**/*", "/*/**", "/a**b", "/*a*", "/**a**",
		"/a/*b", "/*-*", "/**-", "/a.*", "/*.**/a", "/a", "/a/",
	};
	static const char alphabet[] = "a/-.b";
	char name[8], re[64];
	for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
		assert_int_equal(funnel_regex(patterns[p], re, sizeof(re)), 0);
		int err;
		PCRE2_SIZE off;
		pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
						 PCRE2_DOTALL, &err, &off, NULL);
		assert_non_null(code);
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
		for (int len = 0; len <= 6; len++) {
			long total = 1;
			for (int i = 0; i < len; i++)
				total *= 5;
			for (long k = 0; k < total; k++) {
				long x = k;
				for (int i = 0; i < len; i++, x /= 5)
					name[i] = alphabet[x % 5];
				name[len] = '\0';
				int want = pcre2_match(code, (PCRE2_SPTR)name, (size_t)len, 0, 0, md, NULL) >= 0;
				if (funnel_glob(patterns[p], name) != want)
					fail_msg("%s against '%s': the regex says %d", patterns[p], name, want);
			}
		}
		pcre2_match_data_free(md);
		pcre2_code_free(code);
	}
}

static void test_step_matches(void **state)
{
	(void)state;
	funnel_step_t page, wild, goal, star_goal;
	funnel_step_init(&page, "/lead");
	funnel_step_init(&wild, "/seite-*");
	funnel_step_init(&goal, "goal:lead");
	funnel_step_init(&star_goal, "goal:a*b");
	assert_false(page.goal);
	assert_false(page.wild);
	assert_true(wild.wild);
	assert_int_equal(wild.prefix, 7);
	assert_true(goal.goal);
	assert_string_equal(goal.text, "lead");
	/* a goal's name is literal, '*' included */
	assert_false(star_goal.wild);
	assert_int_equal(star_goal.prefix, 3);
	assert_true(funnel_step_matches(&star_goal, "a*b", 1));
	assert_false(funnel_step_matches(&star_goal, "axb", 1));
	/* the kind must agree: a page named like a goal is no goal */
	assert_true(funnel_step_matches(&goal, "lead", 1));
	assert_false(funnel_step_matches(&goal, "lead", 0));
	assert_false(funnel_step_matches(&page, "/lead", 1));
	assert_true(funnel_step_matches(&page, "/lead", 0));
	assert_false(funnel_step_matches(&page, "/lead/", 0));
	assert_true(funnel_step_matches(&wild, "/seite-3", 0));
	assert_false(funnel_step_matches(&wild, "/seite-3/x", 0));
	assert_false(funnel_step_matches(&goal, NULL, 1));
}

#define HIT(n, g, s) {(n), (g), (s)}

static int walk(const char *const *specs, int n, const funnel_hit_t *hits, size_t nh,
		double *secs)
{
	funnel_step_t steps[FUNNEL_MAX_STEPS];
	for (int i = 0; i < n; i++)
		funnel_step_init(&steps[i], specs[i]);
	return funnel_walk(steps, n, hits, nh, secs);
}

static void test_walk(void **state)
{
	(void)state;
	double secs[FUNNEL_MAX_STEPS];
	const char *three[] = {"/", "/seite-*", "goal:lead"};
	/* other hits in between; each step the first match after the previous */
	const funnel_hit_t a[] = {HIT("/x", 0, 0), HIT("/", 0, 5), HIT("/seite-1", 0, 7),
		HIT("/", 0, 8), HIT("/seite-2", 0, 20), HIT("lead", 1, 30.5), HIT("lead", 1, 40)};
	assert_int_equal(walk(three, 3, a, 7, secs), 3);
	assert_true(secs[1] == 2.0);
	assert_true(secs[2] == 23.5);
	/* out of order: the goal before the pages does not count */
	const funnel_hit_t b[] = {HIT("lead", 1, 0), HIT("/", 0, 1), HIT("/seite-1", 0, 2)};
	assert_int_equal(walk(three, 3, b, 3, secs), 2);
	/* a goal named like the page is no pageview */
	const funnel_hit_t c[] = {HIT("/", 1, 0), HIT("/seite-1", 0, 2)};
	assert_int_equal(walk(three, 3, c, 2, secs), 0);
	assert_int_equal(walk(three, 3, NULL, 0, secs), 0);
	/* a step repeated needs a hit per step */
	const char *again[] = {"/a", "/a", "/a"};
	const funnel_hit_t d[] = {HIT("/a", 0, 0), HIT("/b", 0, 1), HIT("/a", 0, 3)};
	assert_int_equal(walk(again, 3, d, 3, secs), 2);
	assert_true(secs[1] == 3.0);
	/* one hit matching two steps completes one of them */
	const char *both[] = {"/seite-*", "/seite-1", "/seite-**"};
	const funnel_hit_t e[] = {HIT("/seite-1", 0, 0), HIT("/x", 0, 1)};
	assert_int_equal(walk(both, 3, e, 2, secs), 1);
	const funnel_hit_t f[] = {HIT("/seite-1", 0, 0), HIT("/seite-1", 0, 4),
		HIT("/seite-1/x", 0, 9)};
	assert_int_equal(walk(both, 3, f, 3, secs), 3);
	assert_true(secs[1] == 4.0);
	assert_true(secs[2] == 5.0);
	/* 16 steps: alternating pages, each completed once */
	const char *sixteen[FUNNEL_MAX_STEPS];
	funnel_hit_t g[FUNNEL_MAX_STEPS + 1];
	for (int i = 0; i < FUNNEL_MAX_STEPS; i++) {
		sixteen[i] = i % 2 ? "/b/*" : "/a";
		g[i] = (funnel_hit_t)HIT(i % 2 ? "/b/x" : "/a", 0, i * 1.5);
	}
	g[FUNNEL_MAX_STEPS] = (funnel_hit_t)HIT("/a", 0, 99);
	assert_int_equal(walk(sixteen, FUNNEL_MAX_STEPS, g, FUNNEL_MAX_STEPS + 1, secs),
			 FUNNEL_MAX_STEPS);
	assert_true(secs[FUNNEL_MAX_STEPS - 1] == 1.5);
	assert_int_equal(walk(sixteen, FUNNEL_MAX_STEPS, g, FUNNEL_MAX_STEPS - 1, secs),
			 FUNNEL_MAX_STEPS - 1);
}

/* Counting for "/", "/b*", "goal:lead". */
static funnel_count_t *count_three(funnel_step_t steps[3])
{
	funnel_step_init(&steps[0], "/");
	funnel_step_init(&steps[1], "/b*");
	funnel_step_init(&steps[2], "goal:lead");
	return funnel_count_new(steps, 3);
}

/* Asserts the three steps' visitors and visits: v0, n0 for step 1 and so on. */
static void assert_three(const funnel_figures_t *f, long long v0, long long n0, long long v1,
			 long long n1, long long v2, long long n2)
{
	assert_int_equal(f[0].visitors, v0);
	assert_int_equal(f[0].visits, n0);
	assert_int_equal(f[1].visitors, v1);
	assert_int_equal(f[1].visits, n1);
	assert_int_equal(f[2].visitors, v2);
	assert_int_equal(f[2].visits, n2);
}

static void test_count(void **state)
{
	(void)state;
	funnel_step_t steps[3];
	funnel_count_t *c = count_three(steps);
	assert_non_null(c);
	/* visitor 7 of site 1: two visits, one to step 3; visitor 7 of site 2 is
	 * another visitor */
	assert_int_equal(funnel_count_add_text(c, 1, 7, "{/,/b}", "{f,f}", "{0,10}"), 0);
	assert_int_equal(funnel_count_add_text(c, 1, 7, "{/,/bc,lead}", "{f,f,t}",
					       "{0,2.5,3}"), 0);
	assert_int_equal(funnel_count_add_text(c, 2, 7, "{/,/x,/b}", "{f,f,f}",
					       "{1,2,5}"), 0);
	/* quoted names, escapes, a NULL goal name, no hit of step 1 */
	assert_int_equal(funnel_count_add_text(c, 1, 8, "{\"/a b\",NULL,\"NULL\"}", "{f,t,f}",
					       "{0,1,2}"), 0);
	assert_int_equal(funnel_count_add_text(c, 1, 9, "{}", "{}", "{}"), 0);
	assert_int_equal(funnel_count_add_text(c, 1, 10, "{\"/\",\"/b\\\"q\",\"lead\"}",
					       "{f,f,t}", "{0,1e-05,7}"), 0);
	funnel_figures_t f[3];
	assert_int_equal(funnel_count_figures(c, f), 0);
	assert_three(f, 3, 4, 3, 4, 2, 2);
	assert_true(isnan(f[0].median));
	/* 1e-05, 2.5, 4, 10: between 2.5 and 4 */
	assert_true(f[1].median == 3.25);
	/* 0.5 and 7 - 1e-05 */
	assert_true(f[2].median == 0.5 + 0.5 * ((7 - 1e-05) - 0.5));
	/* malformed: counts disagree, bad booleans, bad numbers, unterminated */
	assert_int_equal(funnel_count_add_text(c, 1, 11, "{/,/b}", "{f}", "{0,1}"), -1);
	assert_int_equal(funnel_count_add_text(c, 1, 11, "{/}", "{x}", "{0}"), -1);
	assert_int_equal(funnel_count_add_text(c, 1, 11, "{/}", "{f}", "{zero}"), -1);
	assert_int_equal(funnel_count_add_text(c, 1, 11, "{\"/", "{f}", "{0}"), -1);
	assert_int_equal(funnel_count_add_text(c, 1, 11, "{/}x", "{f}", "{0}"), -1);
	funnel_count_free(c);
	assert_null(funnel_count_new(steps, 0));
	assert_null(funnel_count_new(steps, FUNNEL_MAX_STEPS + 1));
}

/* A pack's bytes (sql/069): put() appends a visitor, hits() a varint. */
typedef struct pack {
	unsigned char b[256];
	size_t n;
} pack_t;

static void put_visitor(pack_t *p, long long visitor, int hits)
{
	for (int i = 7; i >= 0; i--)
		p->b[p->n++] = (unsigned char)((unsigned long long)visitor >> (8 * i));
	p->b[p->n++] = (unsigned char)hits;
}

static void put_varint(pack_t *p, unsigned long long x, int wide)
{
	if (wide) {                     /* 0xe0 and 8 bytes, whatever x is */
		p->b[p->n++] = 0xe0;
		for (int i = 7; i >= 0; i--)
			p->b[p->n++] = (unsigned char)(x >> (8 * i));
	} else if (x < 1u << 7) {
		p->b[p->n++] = (unsigned char)x;
	} else if (x < 1u << 14) {
		p->b[p->n++] = (unsigned char)(0x80 | x >> 8);
		p->b[p->n++] = (unsigned char)x;
	} else {
		p->b[p->n++] = (unsigned char)(0xc0 | x >> 24);
		p->b[p->n++] = (unsigned char)(x >> 16);
		p->b[p->n++] = (unsigned char)(x >> 8);
		p->b[p->n++] = (unsigned char)x;
	}
}

/* The visits of test_count as a pack (but site 2's, as text), and one more
 * visitor: the same figures, steps matched per name id, times exact. */
static void test_count_pack(void **state)
{
	(void)state;
	funnel_step_t steps[3];
	funnel_count_t *c = count_three(steps);
	assert_non_null(c);
	static const struct { int id, goal; const char *name; } names[] = {
		{1, 0, "/"}, {2, 0, "/b"}, {3, 0, "/bc"}, {4, 1, "lead"}, {5, 0, "/x"},
		{300, 0, "/a b"}, {301, 0, "lead"}, {302, 1, "/"}};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		assert_int_equal(funnel_count_name(c, names[i].id, names[i].goal, names[i].name), 0);
	pack_t p = {{0}, 0};
	put_visitor(&p, 7, 2);                  /* "/" at 0 s, "/b" at 10 s */
	put_varint(&p, 1, 0), put_varint(&p, 0, 0);
	put_varint(&p, 2, 0), put_varint(&p, 10000000, 0);
	put_visitor(&p, 7, 3);                  /* "/", "/bc" at 2.5 s, lead at 3 s */
	put_varint(&p, 1, 0), put_varint(&p, 0, 0);
	put_varint(&p, 3, 0), put_varint(&p, 2500000, 0);
	put_varint(&p, 4, 0), put_varint(&p, 500000, 0);
	put_visitor(&p, 8, 3);                  /* "/a b", no name, a page named lead */
	put_varint(&p, 300, 0), put_varint(&p, 0, 0);
	put_varint(&p, 0, 0), put_varint(&p, 1000000, 0);
	put_varint(&p, 301, 0), put_varint(&p, 1000000, 0);
	put_visitor(&p, 10, 3);                 /* "/", "/b" 10 µs later, lead at 7 s */
	put_varint(&p, 1, 0), put_varint(&p, 0, 0);
	put_varint(&p, 2, 0), put_varint(&p, 10, 0);
	put_varint(&p, 4, 0), put_varint(&p, 6999990, 0);
	put_visitor(&p, -5, 1);                 /* a negative id; a goal named "/" */
	put_varint(&p, 302, 0), put_varint(&p, 0, 1);
	put_visitor(&p, -5, 1);                 /* "/" in the widest varints */
	put_varint(&p, 1, 1), put_varint(&p, 0, 1);
	assert_int_equal(funnel_count_add_pack(c, 1, p.b, p.n), 0);
	assert_int_equal(funnel_count_add_text(c, 2, 7, "{/,/x,/b}", "{f,f,f}", "{1,2,5}"), 0);
	funnel_figures_t f[3];
	assert_int_equal(funnel_count_figures(c, f), 0);
	assert_three(f, 4, 5, 3, 4, 2, 2);
	assert_true(f[1].median == 3.25);
	assert_true(f[2].median == 0.5 + 0.5 * ((7 - 1e-05) - 0.5));
	/* malformed: cut short, an id never named, a bad varint, a bad name id */
	assert_int_equal(funnel_count_add_pack(c, 1, p.b, p.n - 1), -1);
	pack_t q = {{0}, 0};
	put_visitor(&q, 1, 1);
	put_varint(&q, 6, 0), put_varint(&q, 0, 0);
	assert_int_equal(funnel_count_add_pack(c, 1, q.b, q.n), -1);
	q.b[9] = 0xf0;
	assert_int_equal(funnel_count_add_pack(c, 1, q.b, q.n), -1);
	q.n = 0;
	put_visitor(&q, 1, 100);                /* more hits than bytes */
	put_varint(&q, 1, 0), put_varint(&q, 0, 0);
	assert_int_equal(funnel_count_add_pack(c, 1, q.b, q.n), -1);
	assert_int_equal(funnel_count_name(c, -1, 0, "/"), -1);
	assert_int_equal(funnel_count_add_pack(c, 1, p.b, 0), 0);
	funnel_count_free(c);
}

/* Many visits of one visitor and many visitors: the medians of an odd count
 * are the middle value, and every visitor counts once. */
static void test_count_many(void **state)
{
	(void)state;
	funnel_step_t steps[2];
	funnel_step_init(&steps[0], "goal:a");
	funnel_step_init(&steps[1], "goal:b");
	funnel_count_t *c = funnel_count_new(steps, 2);
	assert_non_null(c);
	for (int v = 0; v < 1001; v++) {
		funnel_hit_t h[] = {HIT("a", 1, 0), HIT("b", 1, (double)(1000 - v))};
		assert_int_equal(funnel_count_add(c, 5, v % 100, h, 2), 0);
	}
	funnel_figures_t f[2];
	assert_int_equal(funnel_count_figures(c, f), 0);
	assert_int_equal(f[0].visitors, 100);
	assert_int_equal(f[1].visitors, 100);
	assert_int_equal(f[1].visits, 1001);
	assert_true(f[1].median == 500.0);
	funnel_count_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_regex),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_glob_as_regex),
		cmocka_unit_test(test_step_matches),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_count_pack),
		cmocka_unit_test(test_count_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
