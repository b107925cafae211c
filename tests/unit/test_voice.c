/* test_voice.c - German and English question forms in real page text, and
 * spoken-answer scores whose reading ease is counted by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "voice.h"

#include "testutil.h"

static const char *form_of(const char *s, enum text_lang *lang)
{
	return voice_question_form(s, strlen(s), lang);
}

static void test_forms(void **state)
{
	(void)state;
	static const struct {
		const char *sentence, *form;
		enum text_lang lang;
	} cases[] = {
		{ "Was kostet eine Solaranlage?", "was", TEXT_LANG_DE },
		{ "Ab wann lohnt sich ein Speicher?", "wann", TEXT_LANG_DE },
		{ "Wie viel Strom erzeugt ein Balkonkraftwerk?", "wie viel", TEXT_LANG_DE },
		{ "Wie funktioniert die Einspeisevergütung?", "wie", TEXT_LANG_DE },
		{ "Welche Förderung gibt es 2025 für Wärmepumpen?", "welche", TEXT_LANG_DE },
		{ "Wieso sinkt der Ertrag im Winter?", "wieso", TEXT_LANG_DE },
		{ "Womit reinige ich die Module?", "womit", TEXT_LANG_DE },
		{ "Für wen lohnt sich ein Balkonkraftwerk?", "wen", TEXT_LANG_DE },
		{ "Lohnt sich eine Wärmepumpe im Altbau?", "ja/nein", TEXT_LANG_DE },
		{ "Warum Solarstrom vom eigenen Dach", "warum", TEXT_LANG_DE },
		{ "How much does a heat pump cost?", "how much", TEXT_LANG_EN },
		{ "Which inverter should I buy?", "which", TEXT_LANG_EN },
		{ "Is it worth it?", "yes/no", TEXT_LANG_EN },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum text_lang lang = TEXT_LANG_UNKNOWN;
		const char *form = form_of(cases[i].sentence, &lang);
		if (form == NULL || strcmp(form, cases[i].form) != 0)
			fail_msg("%s: form %s, want %s", cases[i].sentence, form ? form : "(none)",
				 cases[i].form);
		assert_int_equal(lang, cases[i].lang);
	}
	enum text_lang lang;
	assert_null(form_of("Was wir für Sie tun können, steht hier.", &lang));
	assert_null(form_of("Wir beraten Sie gern.", &lang));
	assert_null(form_of("", &lang));
}

static void test_questions_in_text(void **state)
{
	(void)state;
	static const char page[] =
		"Photovoltaik in Berlin\n"
		"Was kostet eine Solaranlage? Eine Anlage mit 10 kWp kostet etwa 15.000 Euro. "
		"Ab wann lohnt sich ein Speicher? Das hängt vom Verbrauch ab.\n"
		"Wie viel Strom erzeugt ein Balkonkraftwerk?\n"
		"Rund 400 kWh im Jahr, z. B. in Süddeutschland etwas mehr. Rufen Sie uns an!";
	voice_questions_t q = { 0 };
	assert_int_equal(voice_questions(page, strlen(page), &q), 0);
	assert_int_equal(q.n, 3);
	assert_string_equal(q.v[0].form, "was");
	assert_int_equal(q.v[0].len, strlen("Was kostet eine Solaranlage?"));
	assert_memory_equal(page + q.v[0].off, "Was kostet", 10);
	assert_string_equal(q.v[1].form, "wann");
	assert_string_equal(q.v[2].form, "wie viel");
	voice_questions_free(&q);
	assert_null(q.v);
}

static void test_reading_ease(void **state)
{
	(void)state;
	/* 7 words, 2 sentences, 8 syllables (Die 1, Son-ne 2, scheint 1, Das 1,
	 * Dach 1, ist 1, gut 1): 180 - 3.5 - 58.5 * 8 / 7 */
	static const char de[] = "Die Sonne scheint. Das Dach ist gut.";
	voice_score_t sc;
	assert_int_equal(voice_score_answer(de, strlen(de), TEXT_LANG_DE, &sc), 0);
	assert_int_equal(sc.words, 7);
	assert_int_equal(sc.sentences, 2);
	assert_int_equal(sc.syllables, 8);
	assert_near(sc.ease, 180 - 3.5 - 58.5 * 8 / 7, 1e-9);
	assert_false(sc.length_ok);
	/* length 50 * (1 - 22 / 29) = 12.07, ease above 60 gives the full 50 */
	assert_int_equal(sc.score, 62);
	/* 8 words, 2 sentences, 8 syllables: 206.835 - 1.015 * 4 - 84.6 */
	static const char en[] = "The sun is hot. The roof is good.";
	assert_int_equal(voice_score_answer(en, strlen(en), TEXT_LANG_EN, &sc), 0);
	assert_int_equal(sc.syllables, 8);
	assert_near(sc.ease, 206.835 - 1.015 * 4 - 84.6, 1e-9);
	assert_near(voice_reading_ease(0, 0, 0, TEXT_LANG_DE), 0, 1e-12);
}

static void test_spoken_answer(void **state)
{
	(void)state;
	/* 31 words in three sentences: inside the 29-40 band */
	static const char answer[] =
		"Eine Solaranlage für ein Einfamilienhaus kostet mit zehn Kilowatt Leistung "
		"etwa fünfzehntausend Euro. Ein Speicher kostet noch einmal rund achttausend Euro. "
		"Die Anlage rechnet sich meist nach zwölf bis fünfzehn Jahren.";
	voice_score_t sc;
	assert_int_equal(voice_score_answer(answer, strlen(answer), TEXT_LANG_DE, &sc), 0);
	assert_int_equal(sc.words, 31);
	assert_int_equal(sc.sentences, 3);
	assert_true(sc.length_ok);
	double want = 50 + 50 * fmin(1, sc.ease / 60);
	assert_int_equal(sc.score, (int)lround(want));
	assert_true(sc.score > 50 && sc.score <= 100);
}

/* Whether pair i of p is question q with answer a. */
static void expect_pair(const char *s, const voice_pairs_t *p, size_t i, const char *q,
			const char *a)
{
	assert_true(i < p->n);
	if (p->v[i].q_len != strlen(q) || memcmp(s + p->v[i].q_off, q, strlen(q)) != 0 ||
	    p->v[i].a_len != strlen(a) || memcmp(s + p->v[i].a_off, a, strlen(a)) != 0)
		fail_msg("pair %zu: '%.*s' / '%.*s'", i, (int)p->v[i].q_len, s + p->v[i].q_off,
			 (int)p->v[i].a_len, s + p->v[i].a_off);
}

static void test_pairs_plain(void **state)
{
	(void)state;
	static const char page[] =
		"Photovoltaik für Ihr Zuhause\n"
		"Wie viel kostet eine Photovoltaikanlage für ein Einfamilienhaus?\n"
		"\n"
		"  Eine Anlage mit 10 kWp kostet etwa 15.000 Euro.\n"
		"Die Größe hängt vom Verbrauch ab.\n"
		"\n"
		"Warum lohnt sich ein Speicher? Mit Speicher nutzen Sie mehr Solarstrom.\n"
		"Das spart Geld.\n"
		"Wer hilft bei der Förderung?\n"
		"Unser Team.\n"
		"Wir beraten Sie gern. Was kostet das? Nichts.\n"
		"Ab wann lohnt sich eine Wärmepumpe?\n";
	voice_pairs_t p = { 0 };
	assert_int_equal(voice_pairs(page, strlen(page), 0, 10, &p), 0);
	assert_int_equal(p.n, 3);
	/* a heading, a blank line, then the paragraph up to the next blank line */
	expect_pair(page, &p, 0, "Wie viel kostet eine Photovoltaikanlage für ein Einfamilienhaus?",
		    "Eine Anlage mit 10 kWp kostet etwa 15.000 Euro.\nDie Größe hängt vom Verbrauch ab.");
	/* a question opening its paragraph: the rest, up to the next question line */
	expect_pair(page, &p, 1, "Warum lohnt sich ein Speicher?",
		    "Mit Speicher nutzen Sie mehr Solarstrom.\nDas spart Geld.");
	expect_pair(page, &p, 2, "Wer hilft bei der Förderung?",
		    "Unser Team.\nWir beraten Sie gern. Was kostet das? Nichts.");
	voice_pairs_free(&p);
	assert_null(p.v);
	/* at most `max` */
	assert_int_equal(voice_pairs(page, strlen(page), 0, 1, &p), 0);
	assert_int_equal(p.n, 1);
	voice_pairs_free(&p);
	assert_int_equal(voice_pairs("", 0, 0, 10, &p), 0);
	assert_int_equal(p.n, 0);
}

/* Text as html_extract_new gives it: one line per block, so one paragraph. */
static void test_pairs_blocks(void **state)
{
	(void)state;
	static const char text[] =
		"Heizen mit Strom\nWas kostet eine Wärmepumpe?\nRund 25.000 Euro mit Einbau.\n"
		"Zweiter Absatz.\nHow much does it cost?\nAbout 25,000 euros.";
	voice_pairs_t p = { 0 };
	assert_int_equal(voice_pairs(text, strlen(text), 1, 10, &p), 0);
	assert_int_equal(p.n, 2);
	expect_pair(text, &p, 0, "Was kostet eine Wärmepumpe?", "Rund 25.000 Euro mit Einbau.");
	expect_pair(text, &p, 1, "How much does it cost?", "About 25,000 euros.");
	voice_pairs_free(&p);
	/* the same as plain text: the paragraph runs on */
	assert_int_equal(voice_pairs(text, strlen(text), 0, 10, &p), 0);
	expect_pair(text, &p, 0, "Was kostet eine Wärmepumpe?",
		    "Rund 25.000 Euro mit Einbau.\nZweiter Absatz.");
	voice_pairs_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_questions_in_text),
		cmocka_unit_test(test_reading_ease),
		cmocka_unit_test(test_spoken_answer),
		cmocka_unit_test(test_pairs_plain),
		cmocka_unit_test(test_pairs_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
