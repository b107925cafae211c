/* test_markov.c - next-page back-off and removal-effect attribution
 * (analysis/markov.c); reference figures from tests/reference/journeys.R. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "markov.h"

#include "testutil.h"

/* After /a then /b: /c 3 times, /d once (order 2). After /b from anywhere:
 * /d 6, /c 4, exit 2 (order 1). */
static const mk_gram_t grams[] = {
	{"/a", "/b", "/c", 3}, {"/a", "/b", "/d", 1},
	{NULL, "/b", "/d", 6}, {NULL, "/b", "/c", 4}, {NULL, "/b", NULL, 2},
	{NULL, "/a", "/b", 5},
};
#define NG (sizeof(grams) / sizeof(grams[0]))

static void test_order_two_when_supported(void **state)
{
	(void)state;
	mk_next_t out[8];
	mk_answer_t a;
	assert_int_equal(mk_predict(grams, NG, "/a", "/b", 4, out, 8, &a), 0);
	assert_int_equal(a.order, 2);
	assert_int_equal(a.n, 2);
	assert_near(a.support, 4, 0);
	assert_string_equal(out[0].next, "/c");
	assert_near(out[0].p, 0.75, 1e-12);
	assert_string_equal(out[1].next, "/d");
	assert_near(out[1].p, 0.25, 1e-12);
}

static void test_backs_off_below_min_context(void **state)
{
	(void)state;
	mk_next_t out[8];
	mk_answer_t a;
	assert_int_equal(mk_predict(grams, NG, "/a", "/b", 5, out, 8, &a), 0);
	assert_int_equal(a.order, 1);
	assert_near(a.support2, 4, 0);
	assert_near(a.support, 12, 0);
	assert_int_equal(a.n, 3);
	assert_string_equal(out[0].next, "/d");
	assert_near(out[0].p, 0.5, 1e-12);
	assert_string_equal(out[1].next, "/c");
	assert_near(out[1].p, 4.0 / 12, 1e-12);
	assert_null(out[2].next);           /* exit */
	assert_near(out[2].p, 2.0 / 12, 1e-12);
	/* an unseen order-2 context and no prev2 at all back off the same way */
	assert_int_equal(mk_predict(grams, NG, "/x", "/b", 1, out, 8, &a), 0);
	assert_int_equal(a.order, 1);
	assert_int_equal(mk_predict(grams, NG, NULL, "/b", 1, out, 8, &a), 0);
	assert_int_equal(a.order, 1);
	assert_int_equal(a.n, 3);
}

static void test_unknown_page_and_bad_arguments(void **state)
{
	(void)state;
	mk_next_t out[2];
	mk_answer_t a;
	assert_int_equal(mk_predict(grams, NG, "/a", "/nowhere", 1, out, 2, &a), 0);
	assert_int_equal(a.order, 0);
	assert_int_equal(a.n, 0);
	assert_int_equal(mk_predict(grams, NG, "/a", NULL, 1, out, 2, &a), -1);
	/* max caps the entries */
	assert_int_equal(mk_predict(grams, NG, NULL, "/b", 1, out, 2, &a), 0);
	assert_int_equal(a.n, 2);
}

/* Builds the (k+3)² count matrix of visits written as state indexes. */
static void add_path(double *m, int k, const int *path, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		m[path[i] * (k + 3) + path[i + 1]] += 1;
}

enum { S = 0, A = 1, B = 2, C = 3 };

static void test_removal_effects_by_hand(void **state)
{
	(void)state;
	/* k = 2: Conversion 3, Exit 4 */
	double m[25] = {0}, eff[2], share[2];
	int p1[] = {S, A, B, 3}, p2[] = {S, A, 4}, p3[] = {S, B, 4};
	add_path(m, 2, p1, 4);
	add_path(m, 2, p2, 3);
	add_path(m, 2, p3, 3);
	assert_near(mk_removal_effects(m, 2, eff, share), 1.0 / 3, 1e-12);
	assert_near(eff[0], 0.5, 1e-12);
	assert_near(eff[1], 1.0, 1e-12);
	assert_near(share[0], 1.0 / 3, 1e-12);
	assert_near(share[1], 2.0 / 3, 1e-12);
	unsigned char removed[5] = {0, 1, 0, 0, 0};
	assert_near(mk_conversion_prob(m, 2, removed), 1.0 / 6, 1e-12);
}

static void test_removal_effects_with_loops_match_r(void **state)
{
	(void)state;
	/* k = 3: Conversion 4, Exit 5 */
	double m[36] = {0}, eff[3], share[3];
	int a[] = {S, A, B, A, 4}, b[] = {S, A, C, 5}, c[] = {S, B, C, 4}, d[] = {S, C, 5},
	    e[] = {S, B, A, C, 4}, f[] = {S, A, 5}, g[] = {S, C, B, 5};
	add_path(m, 3, a, 5);
	add_path(m, 3, b, 4);
	add_path(m, 3, c, 4);
	add_path(m, 3, d, 3);
	add_path(m, 3, e, 5);
	add_path(m, 3, f, 3);
	add_path(m, 3, g, 4);
	assert_near(mk_removal_effects(m, 3, eff, share), 0.428571428571429, 1e-12);
	assert_near(eff[0], 0.649122807017544, 1e-12);
	assert_near(eff[1], 0.373333333333333, 1e-12);
	assert_near(eff[2], 0.703703703703704, 1e-12);
	assert_near(share[0], 0.376050230373114, 1e-12);
	assert_near(share[1], 0.216279700063240, 1e-12);
	assert_near(share[2], 0.407670069563646, 1e-12);
}

static void test_nothing_converts(void **state)
{
	(void)state;
	double m[16] = {0}, eff[1], share[1];
	int p[] = {S, A, 3};           /* k = 1: Conversion 2, Exit 3 */
	add_path(m, 1, p, 3);
	assert_near(mk_removal_effects(m, 1, eff, share), 0, 0);
	assert_near(eff[0], 0, 0);
	assert_near(share[0], 0, 0);
	assert_near(mk_conversion_prob(m, MK_MAX_STATES, NULL), -1, 0);
}

/* Paths: /a twice per visit counts twice; ties by name; with max 3 the
 * third state stands for /c and /d. */
static void test_paths_rank_merge_and_count(void **state)
{
	(void)state;
	mk_paths_t *p = mk_paths_new();
	assert_non_null(p);
	const char *v1[] = {"/a", "/b", "/a"}, *v2[] = {"/d", "/c"}, *v3[] = {"/b"};
	assert_int_equal(mk_paths_add(p, v1, 3, 1, 2), 0);   /* /a 4, /b 2 */
	assert_int_equal(mk_paths_add(p, v2, 2, 0, 1), 0);   /* /c 1, /d 1 */
	assert_int_equal(mk_paths_add_array(p, "{/b}", 0, 2), 0);  /* /b 4 */
	assert_int_equal(mk_paths_add_array(p, "{}", 1, 5), 0);    /* nothing */
	assert_int_equal(mk_paths_add(p, v3, 0, 0, 1), -1);
	assert_int_equal(mk_paths_visits(p), 5);
	assert_int_equal(mk_paths_conversions(p), 2);
	const char *names[4];
	double m[36];
	assert_int_equal(mk_paths_chain(p, 3, "(other)", names, m), 3);
	assert_string_equal(names[1], "/a");    /* 4, before /b's 4 by name */
	assert_string_equal(names[2], "/b");
	assert_string_equal(names[3], "(other)");
	/* states: 0 Start, 1 /a, 2 /b, 3 other, 4 Conversion, 5 Exit */
	double want[36] = {
		0, 2, 2, 1, 0, 0,
		0, 0, 2, 0, 2, 0,
		0, 2, 0, 0, 0, 2,
		0, 0, 0, 1, 0, 1,
	};
	for (int i = 0; i < 36; i++)
		assert_near(m[i], want[i], 0);
	/* room for all: four states, no other */
	double m2[49];
	const char *all[8];
	assert_int_equal(mk_paths_chain(p, 5, "(other)", all, m2), 4);
	assert_string_equal(all[3], "/c");
	assert_string_equal(all[4], "/d");
	assert_near(m2[0 * 7 + 4], 1, 0);       /* Start -> /d */
	assert_near(m2[4 * 7 + 3], 1, 0);       /* /d -> /c */
	assert_near(m2[3 * 7 + 6], 1, 0);       /* /c -> Exit */
	assert_int_equal(mk_paths_chain(p, MK_MAX_STATES, "(other)", all, m2), -1);
	mk_paths_free(p);
}

static void test_paths_read_postgres_arrays(void **state)
{
	(void)state;
	mk_paths_t *p = mk_paths_new();
	assert_int_equal(mk_paths_add_array(p, "{\"/a,b\",\"/q\\\"x\\\\\",/c}", 1, 1), 0);
	assert_int_equal(mk_paths_add_array(p, "{/a", 1, 1), -1);
	assert_int_equal(mk_paths_add_array(p, "{/a,NULL}", 1, 1), -1);
	assert_int_equal(mk_paths_add_array(p, "{/a}x", 1, 1), -1);
	assert_int_equal(mk_paths_add_array(p, "/a", 1, 1), -1);
	assert_int_equal(mk_paths_add_array(p, "{\"/a}", 1, 1), -1);
	assert_int_equal(mk_paths_visits(p), 1);
	const char *names[4];
	double m[36];
	assert_int_equal(mk_paths_chain(p, 3, "(other)", names, m), 3);
	assert_string_equal(names[1], "/a,b");
	assert_string_equal(names[2], "/c");
	assert_string_equal(names[3], "/q\"x\\");
	mk_top_path_t top[2];
	assert_int_equal(mk_paths_top(p, 2, top), 1);
	assert_string_equal(top[0].json, "[\"/a,b\",\"/q\\\"x\\\\\",\"/c\"]");
	mk_paths_free(p);
}

/* The top converting paths: the same path's visits summed across rows, the
 * most visits first; at equal visits the lesser path is chosen (a prefix
 * first), and the chosen are listed by their JSON text. */
static void test_paths_top_converting(void **state)
{
	(void)state;
	mk_paths_t *p = mk_paths_new();
	assert_int_equal(mk_paths_add_array(p, "{/b}", 1, 2), 0);
	assert_int_equal(mk_paths_add_array(p, "{/z}", 0, 9), 0);   /* not converted */
	assert_int_equal(mk_paths_add_array(p, "{/a,/b}", 1, 1), 0);
	assert_int_equal(mk_paths_add_array(p, "{/c}", 1, 1), 0);
	assert_int_equal(mk_paths_add_array(p, "{/a}", 1, 1), 0);
	assert_int_equal(mk_paths_add_array(p, "{/b}", 1, 1), 0);
	assert_int_equal(mk_paths_add_array(p, "{\"/\n\"}", 1, 1), 0);   /* a newline */
	mk_top_path_t top[3];
	assert_int_equal(mk_paths_top(p, 3, top), 3);
	assert_string_equal(top[0].json, "[\"/b\"]");
	assert_int_equal(top[0].n, 3);
	/* of /\n, /a, /a /b and /c at 1, the lesser two: /\n and /a; then /a before /a /b */
	assert_string_equal(top[1].json, "[\"/\\n\"]");
	assert_string_equal(top[2].json, "[\"/a\"]");
	mk_top_path_t four[4];
	assert_int_equal(mk_paths_top(p, 4, four), 4);
	/* by JSON text: ["/a","/b"] sorts before ["/a"] (',' < ']') */
	assert_string_equal(four[1].json, "[\"/\\n\"]");
	assert_string_equal(four[2].json, "[\"/a\",\"/b\"]");
	assert_string_equal(four[3].json, "[\"/a\"]");
	assert_int_equal(mk_paths_top(p, 0, NULL), 0);
	mk_paths_free(p);
}

/* Many groups: the hash table grows and every group keeps its count. */
static void test_paths_many_groups(void **state)
{
	(void)state;
	mk_paths_t *p = mk_paths_new();
	char name[16];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "/g%04d", i);
		const char *g[] = {name, "/hub"};
		assert_int_equal(mk_paths_add(p, g, 2, 0, i < 3 ? 10 : 1), 0);
	}
	const char *names[41];
	static double m[43 * 43];
	assert_int_equal(mk_paths_chain(p, 40, "(other)", names, m), 40);
	assert_string_equal(names[1], "/hub");          /* 5,027 */
	assert_string_equal(names[2], "/g0000");        /* 10 */
	assert_string_equal(names[4], "/g0002");
	assert_string_equal(names[5], "/g0003");        /* 1, by name */
	assert_string_equal(names[39], "/g0037");
	assert_near(m[0 * 43 + 40], 4997 - 35, 0);      /* Start -> other: /g0038 on */
	assert_near(m[40 * 43 + 1], 4997 - 35, 0);
	assert_near(m[1 * 43 + 42], 5027, 0);           /* /hub -> Exit */
	mk_paths_free(p);
}

/* Packed paths (ids of the caller's dictionary) count as the same paths by
 * name, cut at the goal asked for; bad packs say so. */
static void test_paths_packed(void **state)
{
	(void)state;
	mk_paths_t *p = mk_paths_new(), *q = mk_paths_new(), *o = mk_paths_new();
	const char *v1[] = {"/a", "/b", "/a"}, *v2[] = {"/d", "/c"}, *v3[] = {"/b"},
		*v4[] = {"/d"}, *v5[] = {"/d", "/b"};
	assert_int_equal(mk_paths_add(p, v1, 3, 1, 2), 0);
	assert_int_equal(mk_paths_add(p, v2, 2, 0, 1), 0);
	assert_int_equal(mk_paths_add(p, v3, 1, 0, 2), 0);
	assert_int_equal(mk_paths_add(p, v4, 1, 1, 3), 0);      /* /d, /b cut at lead */
	assert_int_equal(mk_paths_add(p, v5, 2, 0, 1), 0);      /* /d, /b, no lead */
	assert_int_equal(mk_paths_add(q, v1, 3, 1, 2), 0);
	for (int i = 0; i < 3000; i++) {        /* the key table grows */
		char name[16];
		snprintf(name, sizeof(name), "/u%d", i);
		assert_int_equal(mk_paths_name(q, 100000 + i, name), 0);
	}
	assert_int_equal(mk_paths_name(q, 7, "/d"), 0);
	assert_int_equal(mk_paths_name(q, 70000000000LL, "/c"), 0);
	assert_int_equal(mk_paths_name(q, 9, "/b"), 0);
	assert_int_equal(mk_paths_name(q, 9, "/x"), 0);         /* keeps /b */
	assert_int_equal(mk_paths_name(q, 50, "lead"), 0);
	assert_int_equal(mk_paths_name(q, 51, "news"), 0);
	assert_int_equal(mk_paths_name(q, -1, "/x"), -1);
	assert_int_equal(mk_paths_add_pack(q, "1 7 70000000000\n2 9", "lead"), 0);
	assert_int_equal(mk_paths_add_pack(q, "3 7 9|51:2|50:1\n1 7 9|51:0\n4 9|50:0", "lead"), 0);
	assert_int_equal(mk_paths_add_pack(q, "", "lead"), 0);
	assert_int_equal(mk_paths_add_pack(q, "1 8\n1 7", "lead"), -1);  /* 8 unknown */
	assert_int_equal(mk_paths_add_pack(q, "1 7 ", "lead"), -1);
	assert_int_equal(mk_paths_add_pack(q, "1 7x", "lead"), -1);
	assert_int_equal(mk_paths_add_pack(q, "x 7", "lead"), -1);
	assert_int_equal(mk_paths_add_pack(q, "1 1234567890123456789", "lead"), -1);
	assert_int_equal(mk_paths_add_pack(q, "1 7|50:2", "lead"), -1);  /* cut past the path */
	assert_int_equal(mk_paths_add_pack(q, "1 7|50", "lead"), -1);
	assert_int_equal(mk_paths_add_pack(q, "1 7|52:0", "lead"), -1);
	assert_int_equal(mk_paths_visits(q), mk_paths_visits(p));
	assert_int_equal(mk_paths_conversions(q), 5);
	const char *np[4], *nq[4];
	double mp[36], mq[36];
	assert_int_equal(mk_paths_chain(p, 3, "(other)", np, mp), 3);
	assert_int_equal(mk_paths_chain(q, 3, "(other)", nq, mq), 3);
	for (int i = 1; i <= 3; i++)
		assert_string_equal(np[i], nq[i]);
	for (int i = 0; i < 36; i++)
		assert_near(mp[i], mq[i], 0);
	mk_top_path_t tp[4], tq[4];
	assert_int_equal(mk_paths_top(p, 4, tp), 2);
	assert_int_equal(mk_paths_top(q, 4, tq), 2);
	assert_string_equal(tq[0].json, "[\"/d\"]");
	for (int i = 0; i < 2; i++) {
		assert_string_equal(tp[i].json, tq[i].json);
		assert_int_equal(tp[i].n, tq[i].n);
	}
	/* another goal: the same pack, nothing cut */
	assert_int_equal(mk_paths_name(o, 7, "/d"), 0);
	assert_int_equal(mk_paths_name(o, 9, "/b"), 0);
	assert_int_equal(mk_paths_name(o, 50, "lead"), 0);
	assert_int_equal(mk_paths_add_pack(o, "3 7 9|50:1", "news"), 0);
	assert_int_equal(mk_paths_add_pack(o, "3 7 9|50:1", "news"), 0);
	assert_int_equal(mk_paths_visits(o), 6);
	assert_int_equal(mk_paths_conversions(o), 0);
	assert_int_equal(mk_paths_add_pack(o, "3 7 9|50:1", NULL), -1);
	mk_paths_free(p);
	mk_paths_free(q);
	mk_paths_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_two_when_supported),
		cmocka_unit_test(test_backs_off_below_min_context),
		cmocka_unit_test(test_unknown_page_and_bad_arguments),
		cmocka_unit_test(test_removal_effects_by_hand),
		cmocka_unit_test(test_removal_effects_with_loops_match_r),
		cmocka_unit_test(test_nothing_converts),
		cmocka_unit_test(test_paths_rank_merge_and_count),
		cmocka_unit_test(test_paths_read_postgres_arrays),
		cmocka_unit_test(test_paths_top_converting),
		cmocka_unit_test(test_paths_many_groups),
		cmocka_unit_test(test_paths_packed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
