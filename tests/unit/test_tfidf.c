/* test_tfidf.c - terms of German text (stop words, numbers, short words,
 * stems, first surface form) and TF-IDF weights against hand-computed values
 * of scikit-learn's definition (smooth idf, raw counts, l2 norm):
 *   idf(N=3, df=1) = ln(4/2) + 1 = 1.6931471806, idf(N=3, df=2) = ln(4/3) + 1
 *   = 1.2876820725; document "Solaranlage Speicher Solaranlagen": weights
 *   (2·1.693147, 1.287682) / ‖·‖ = 0.9347019636, 0.3554324679. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "tfidf.h"

#include "testutil.h"

static const char *stem_of(const char *word, char *buf, size_t n)
{
	char f[256];
	assert_int_equal(text_fold(word, strlen(word), f, sizeof f), 0);
	assert_int_equal(text_stem(f, TEXT_LANG_DE, buf, n), 0);
	return buf;
}

static void test_terms(void **state)
{
	(void)state;
	const char *s = "Die Solaranlagen und der Speicher: 2024 kostet eine Solaranlage "
			"mit 10 kWp rund 18.000 Euro. Ja, so ist es. The roof.";
	tfidf_doc_t d = {0};
	char st[128];
	assert_int_equal(tfidf_doc_build(s, strlen(s), TEXT_LANG_DE, &d), 0);
	const tfidf_term_t *t = tfidf_doc_find(&d, stem_of("Solaranlage", st, sizeof st));
	assert_non_null(t);
	assert_int_equal(t->count, 2);
	assert_string_equal(t->surface, "Solaranlagen");    /* the first form seen */
	assert_non_null(tfidf_doc_find(&d, stem_of("Speicher", st, sizeof st)));
	assert_non_null(tfidf_doc_find(&d, stem_of("kostet", st, sizeof st)));
	assert_non_null(tfidf_doc_find(&d, stem_of("Euro", st, sizeof st)));
	assert_non_null(tfidf_doc_find(&d, stem_of("roof", st, sizeof st)));
	/* stop words (de and en), numbers, words under three letters */
	static const char *const gone[] = {"die", "und", "der", "eine", "mit", "ist", "the",
		"ja", "so", "es"};
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
		if (tfidf_doc_find(&d, stem_of(gone[i], st, sizeof st)))
			fail_msg("%s should not be a term", gone[i]);
	size_t sum = 0;
	for (size_t i = 0; i < d.n; i++) {
		sum += d.v[i].count;
		if (i)
			assert_true(strcmp(d.v[i - 1].stem, d.v[i].stem) < 0);
	}
	assert_int_equal(sum, d.total);
	tfidf_doc_free(&d);
	tfidf_doc_t e = {0};
	assert_int_equal(tfidf_doc_build("", 0, TEXT_LANG_UNKNOWN, &e), 0);
	assert_int_equal(e.n, 0);
	tfidf_doc_free(&e);
}

static void test_weights(void **state)
{
	(void)state;
	const char *texts[] = {"Solaranlage Speicher Solaranlagen", "Speicher Wallbox",
			       "Wallbox Wallbox Förderung"};
	tfidf_doc_t d[3] = {{0}};
	tfidf_corpus_t c = {0};
	char st[128];
	for (int i = 0; i < 3; i++)
		assert_int_equal(tfidf_doc_build(texts[i], strlen(texts[i]), TEXT_LANG_DE, &d[i]), 0);
	assert_int_equal(tfidf_corpus_build(d, 3, &c), 0);
	assert_int_equal(c.ndocs, 3);
	assert_int_equal(c.n, 4);
	assert_int_equal(tfidf_df(&c, stem_of("Speicher", st, sizeof st)), 2);
	assert_int_equal(tfidf_df(&c, stem_of("Photovoltaik", st, sizeof st)), 0);
	assert_near(tfidf_idf(&c, stem_of("Förderung", st, sizeof st)), 1.6931471806, 1e-9);
	assert_near(tfidf_idf(&c, stem_of("Wallbox", st, sizeof st)), 1.2876820725, 1e-9);
	assert_near(tfidf_idf(&c, "unbekannt"), log(4.0) + 1, 1e-12);
	tfidf_weight_t w[5];
	assert_int_equal(tfidf_top(&d[0], &c, w, 5), 2);
	assert_string_equal(w[0].term->surface, "Solaranlage");
	assert_near(w[0].weight, 0.9347019636, 1e-9);
	assert_string_equal(w[1].term->surface, "Speicher");
	assert_near(w[1].weight, 0.3554324679, 1e-9);
	assert_int_equal(tfidf_top(&d[2], &c, w, 1), 1);
	assert_string_equal(w[0].term->surface, "Wallbox");
	assert_near(w[0].weight, 0.8355915419, 1e-9);
	/* equal weights: lower stem first */
	assert_int_equal(tfidf_top(&d[1], &c, w, 2), 2);
	assert_near(w[0].weight, w[1].weight, 1e-15);
	assert_true(strcmp(w[0].term->stem, w[1].term->stem) < 0);
	for (int i = 0; i < 3; i++)
		tfidf_doc_free(&d[i]);
	tfidf_corpus_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_weights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
