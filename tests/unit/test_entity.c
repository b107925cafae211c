/* test_entity.c - entity SEO computations: overlap resolution, positions in
 * code points, paragraphs, salience, co-occurrence, dominant cluster and
 * greedy-modularity communities, on German text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "entity.h"

#include "testutil.h"

/* Byte offset of the first occurrence of needle in s. */
static size_t at(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);
	assert_non_null(p);
	return (size_t)(p - s);
}

static void test_resolve(void **state)
{
	(void)state;
	/* "Agri-Photovoltaik" (entity 3) beats the inner "Photovoltaik" (entity 0);
	 * at the same start the longer "Luft-Wasser-Wärmepumpe" wins. */
	entity_hit_t h[] = {
		{0, 5, 17, 0}, {3, 0, 17, 0}, {1, 30, 37, 0}, {2, 30, 53, 0}, {1, 60, 67, 0},
		{4, 60, 67, 0},
	};
	size_t n = entity_hits_resolve(h, 6);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].entity, 3);
	assert_int_equal(h[1].entity, 2);
	assert_int_equal(h[2].entity, 1);        /* same span: lower entity */
	assert_int_equal(entity_hits_resolve(h, 0), 0);
}

static void test_positions(void **state)
{
	(void)state;
	const char *s = "Größere Wärmepumpen in München: Wärmepumpe";
	entity_hit_t h[] = {
		{0, at(s, "Wärmepumpen"), at(s, "Wärmepumpen") + 12, 0},
		{1, at(s, "München"), at(s, "München") + 8, 0},
	};
	entity_hits_positions(s, strlen(s), h, 2);
	assert_int_equal(h[0].pos, 8);   /* "Größere " is 8 code points, 10 bytes */
	assert_int_equal(h[1].pos, 23);
}

static void test_paragraphs(void **state)
{
	(void)state;
	text_spans_t p = {0};
	const char *blank = "Erster Absatz.\nNoch erster.\n\n  \nZweiter Absatz.\n\nDritter.";
	assert_int_equal(entity_paragraphs(blank, strlen(blank), &p), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.v[0].off, 0);
	assert_int_equal(p.v[0].len, strlen("Erster Absatz.\nNoch erster."));
	assert_int_equal(p.v[1].off, at(blank, "Zweiter"));
	text_spans_free(&p);
	const char *lines = "Photovoltaik\nEine Anlage lohnt sich.\n\r\nx";
	memset(&p, 0, sizeof(p));
	assert_int_equal(entity_paragraphs(lines, strlen(lines), &p), 0);
	assert_int_equal(p.n, 2);                 /* "\n\r\n" is a blank line: split there only */
	text_spans_free(&p);
	const char *single = "Titel\nDer erste richtige Absatz mit Text.\nZweiter.";
	memset(&p, 0, sizeof(p));
	assert_int_equal(entity_paragraphs(single, strlen(single), &p), 0);
	assert_int_equal(p.n, 3);
	const char *heads[] = {"Titel"};
	assert_int_equal(entity_first_paragraph(single, &p, heads, 1), 1);
	text_spans_free(&p);
	memset(&p, 0, sizeof(p));
	assert_int_equal(entity_first_paragraph("", &p, NULL, 0), -1);
}

static void test_salience(void **state)
{
	(void)state;
	entity_score_t s[] = {
		{2, 1, 0, 1, 0, 0},     /* Photovoltaik: title, first paragraph */
		{3, 0, 0, 0, 0, 0},     /* Batteriespeicher: 3 mentions */
		{1, 0, 0, 0, 0, 0},     /* KfW */
	};
	entity_salience(s, 3);
	double r0 = log(3) + 3 + 1.5, r1 = log(4), r2 = log(2), t = r0 + r1 + r2;
	assert_near(s[0].salience, r0 / t, 1e-12);
	assert_near(s[1].salience, r1 / t, 1e-12);
	assert_near(s[2].salience, r2 / t, 1e-12);
	assert_true(s[0].main);
	assert_false(s[1].main);                /* 3 mentions but salience < 0.25 */
	assert_false(s[2].main);
	entity_score_t alone[] = {{3, 0, 0, 0, 0, 0}};
	entity_salience(alone, 1);
	assert_near(alone[0].salience, 1, 1e-12);
	assert_true(alone[0].main);
	entity_salience(NULL, 0);
}

static void test_cooccur(void **state)
{
	(void)state;
	const char *s = "Die KfW fördert Wärmepumpen. Der Batteriespeicher erhöht den Eigenverbrauch.\n\n"
			"Wärmepumpen und Batteriespeicher in München. KfW-Kredit für die Wärmepumpe.";
	text_spans_t sent = {0}, para = {0};
	assert_int_equal(text_sentences(s, strlen(s), &sent), 0);
	assert_int_equal(entity_paragraphs(s, strlen(s), &para), 0);
	assert_int_equal(sent.n, 4);
	assert_int_equal(para.n, 2);
	/* 0 KfW, 1 Wärmepumpe, 2 Batteriespeicher, 3 Eigenverbrauch, 4 München */
	size_t off2 = at(s, "\n\n");
	entity_hit_t h[] = {
		{0, at(s, "KfW"), 0, 0}, {1, at(s, "Wärmepumpen"), 0, 0},
		{2, at(s, "Batteriespeicher"), 0, 0}, {3, at(s, "Eigenverbrauch"), 0, 0},
		{1, off2 + 2, 0, 0}, {2, off2 + at(s + off2, "Batteriespeicher"), 0, 0},
		{4, off2 + at(s + off2, "München"), 0, 0}, {0, off2 + at(s + off2, "KfW-"), 0, 0},
		{1, off2 + at(s + off2, "Wärmepumpe."), 0, 0},
	};
	entity_pair_t *p;
	size_t n;
	assert_int_equal(entity_cooccur(h, 9, &sent, &para, &p, &n), 0);
	/* expected (a, b, sentences, paragraphs), sorted */
	static const unsigned want[][4] = {
		{0, 1, 2, 2}, {0, 2, 0, 2}, {0, 3, 0, 1}, {0, 4, 0, 1}, {1, 2, 1, 2},
		{1, 3, 0, 1}, {1, 4, 1, 1}, {2, 3, 1, 1}, {2, 4, 1, 1},
	};
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(p[i].a, want[i][0]);
		assert_int_equal(p[i].b, want[i][1]);
		assert_int_equal(p[i].sentences, want[i][2]);
		assert_int_equal(p[i].paragraphs, want[i][3]);
	}
	free(p);
	assert_int_equal(entity_cooccur(h, 0, &sent, &para, &p, &n), 0);
	assert_int_equal(n, 0);
	free(p);
	text_spans_free(&sent);
	text_spans_free(&para);
}

static void test_cooccur_many(void **state)
{
	(void)state;
	/* 2000 one-line paragraphs of the same 40 entities: the pair list stays
	 * compact and every pair counts 2000 paragraphs. */
	enum { LINES = 2000, ENT = 40 };
	text_spans_t para = {0};
	entity_hit_t *h = calloc(LINES * ENT, sizeof(*h));
	para.v = calloc(LINES, sizeof(*para.v));
	assert_non_null(h);
	assert_non_null(para.v);
	para.n = para.cap = LINES;
	for (size_t l = 0; l < LINES; l++) {
		para.v[l] = (text_span_t){l * 100, 99};
		for (size_t e = 0; e < ENT; e++)
			h[l * ENT + e] = (entity_hit_t){ENT - 1 - e, l * 100 + e * 2, l * 100 + e * 2 + 1, 0};
	}
	entity_pair_t *p;
	size_t n;
	assert_int_equal(entity_cooccur(h, LINES * ENT, NULL, &para, &p, &n), 0);
	assert_int_equal(n, ENT * (ENT - 1) / 2);
	assert_int_equal(p[0].a, 0);
	assert_int_equal(p[0].b, 1);
	assert_int_equal(p[n - 1].paragraphs, LINES);
	assert_int_equal(p[n - 1].sentences, 0);
	free(p);
	free(h);
	free(para.v);
}

static void test_dominant(void **state)
{
	(void)state;
	/* clusters: 0 foerderung, 1 regionen (no core), 2 speicher, 3 waerme */
	const unsigned char eligible[] = {1, 0, 1, 1};
	size_t cl[] = {1, 2, 3, 3, 0};
	double sal[] = {0.4, 0.2, 0.1, 0.1, 0.2};
	assert_int_equal(entity_dominant(cl, sal, 5, eligible, 4), 0);  /* 0.2 ties 0.2: lower */
	sal[3] = 0.15;
	assert_int_equal(entity_dominant(cl, sal, 5, eligible, 4), 3);
	size_t only_places[] = {1};
	assert_int_equal(entity_dominant(only_places, sal, 1, eligible, 4), -1);
	assert_int_equal(entity_dominant(NULL, NULL, 0, eligible, 4), -1);
}

static void test_communities(void **state)
{
	(void)state;
	/* Two triangles (0-1-2: speicher, 3-4-5: waerme) joined by one weak edge,
	 * and node 6 without edges. */
	entity_edge_t e[] = {
		{0, 1, 3}, {1, 2, 3}, {0, 2, 3}, {3, 4, 2}, {4, 5, 2}, {3, 5, 2}, {2, 3, 1},
		{1, 1, 5},      /* self-loop: ignored */
	};
	size_t c[7];
	double q;
	int k = entity_communities(7, e, 8, c, &q);
	assert_int_equal(k, 3);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[1], 0);
	assert_int_equal(c[2], 0);
	assert_int_equal(c[3], 1);
	assert_int_equal(c[4], 1);
	assert_int_equal(c[5], 1);
	assert_int_equal(c[6], 2);
	/* Q = sum over communities of (e_cc - a_c^2); 2m = 32 */
	double m2 = 32, q_want = (18 / m2 - pow(19 / m2, 2)) + (12 / m2 - pow(13 / m2, 2));
	assert_near(q, q_want, 1e-12);
	/* deterministic: the same answer on a second run */
	size_t c2[7];
	assert_int_equal(entity_communities(7, e, 8, c2, NULL), 3);
	assert_memory_equal(c, c2, sizeof(c));
	/* no edges: singletons, Q = 0 */
	assert_int_equal(entity_communities(3, NULL, 0, c, &q), 3);
	assert_near(q, 0, 1e-12);
	assert_int_equal(entity_communities(ENTITY_GRAPH_MAX + 1, NULL, 0, c, &q), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_paragraphs),
		cmocka_unit_test(test_salience),
		cmocka_unit_test(test_cooccur),
		cmocka_unit_test(test_cooccur_many),
		cmocka_unit_test(test_dominant),
		cmocka_unit_test(test_communities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
