/* test_sentiment.c - German and English review sentiment with negation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "sentiment.h"

static sentiment_t run(const char *text, const char *lang)
{
	sentiment_t s;
	assert_int_equal(sentiment_analyze(text, strlen(text), lang, &s), 0);
	assert_true(s.score >= -1 && s.score <= 1);
	return s;
}

static void expect(const char *text, const char *lang, const char *label)
{
	sentiment_t s = run(text, lang);
	if (strcmp(s.label, label) != 0)
		fail_msg("\"%s\": %s (%.3f), want %s", text, s.label, s.score, label);
}

static void test_german_reviews(void **state)
{
	(void)state;
	expect("Sehr freundliches und kompetentes Team, p\xC3\xBCnktlich und sauber. "
	       "Absolut empfehlenswert!", "de", "positive");
	expect("Unzuverl\xC3\xA4ssig und chaotisch. Die Montage hat sich drei Wochen versp\xC3\xA4tet, "
	       "M\xC3\xA4ngel wurden nie behoben. \xC3\x84rgerlich.", "de", "negative");
	expect("Die Anlage wurde am Dienstag montiert.", "de", "neutral");
	expect("", "de", "neutral");
}

static void test_german_negation(void **state)
{
	(void)state;
	expect("Die Beratung war nicht gut.", "de", "negative");
	expect("Kein Problem, alles wurde erledigt.", "de", "positive");
	expect("Nie wieder diese Firma.", "de", "negative");
	expect("Ich kann die Firma leider nicht empfehlen.", "de", "negative");
	expect("Ich empfehle die Firma nicht.", "de", "negative");   /* clause-final */
	expect("Nicht schlecht.", "de", "positive");
	expect("Keine M\xC3\xA4ngel, keine Probleme.", "de", "positive");
	expect("Nicht nur freundlich, sondern auch kompetent.", "de", "positive");
	/* negation flips: "gut" alone vs "nicht gut" */
	sentiment_t a = run("gut", "de"), b = run("nicht gut", "de");
	assert_true(a.score > 0 && b.score < 0);
	assert_true(fabs(b.score) < fabs(a.score)); /* softened */
	assert_int_equal(b.negative, 1);
	assert_int_equal(b.positive, 0);
}

static void test_intensifier_contrast(void **state)
{
	(void)state;
	sentiment_t plain = run("Das Team war freundlich.", "de");
	sentiment_t very = run("Das Team war sehr freundlich.", "de");
	assert_true(very.score > plain.score);
	/* exact: 2 * 1.5 = 3 -> 3 / sqrt(9 + 15) */
	assert_true(fabs(very.score - 3 / sqrt(24)) < 1e-9);
	/* after "aber" the clause counts more: 0.25 * 2 + 1.5 * (-2) = -2.5 */
	sentiment_t c = run("Die Beratung war gut, aber die Montage war chaotisch.", "de");
	assert_string_equal(c.label, "negative");
	assert_int_equal(c.positive, 1);
	assert_int_equal(c.negative, 1);
	assert_true(fabs(c.score - (-2.5 / sqrt(6.25 + 15))) < 1e-9);
	/* a sentence that opens with the contrast weighs the one before the same way */
	c = run("Die Beratung war gut. Aber die Montage war chaotisch.", "de");
	assert_true(fabs(c.score - (-2.5 / sqrt(6.25 + 15))) < 1e-9);
}

/* In German reviews the clause after aber, jedoch, allerdings, leider carries
 * the verdict. */
static void test_contrast_verdict(void **state)
{
	(void)state;
	expect("Guter Preis, aber der Termin wurde dreimal verschoben und niemand hat sich "
	       "entschuldigt.", "de", "negative");
	expect("Guter Preis. Aber der Termin wurde dreimal verschoben.", "de", "negative");
	expect("Teuer, aber jeden Euro wert.", "de", "positive");
	expect("Keinen Euro wert.", "de", "negative");
	expect("Die Beratung war gut, leider kam der Monteur zu sp\xC3\xA4t.", "de", "negative");
	expect("Das klappte leider nicht.", "de", "negative");
	/* a contrast inside its clause takes the whole clause along */
	expect("Der Preis ist nicht gerade g\xC3\xBCnstig, die Qualit\xC3\xA4t passt aber.", "de",
	       "positive");
	sentiment_t s = run("Teuer, aber jeden Euro wert.", "de");
	assert_int_equal(s.positive, 1);
	assert_int_equal(s.negative, 1);
}

static void test_new_phrases(void **state)
{
	(void)state;
	expect("Die Wallbox funktioniert nicht richtig.", "de", "negative");
	expect("Die App funktionierte nicht richtig.", "de", "negative");
	expect("Wir sind unzufrieden, weil die App nicht richtig funktioniert.", "de", "negative");
	expect("Ich habe vergeblich auf einen R\xC3\xBC" "ckruf gewartet.", "de", "negative");
	expect("Vergeblich.", "de", "negative");
	expect("Funktioniert einwandfrei.", "de", "positive");
	sentiment_t s = run("funktioniert nicht richtig", "de");
	assert_int_equal(s.negative, 1);                /* one phrase, one count */
	assert_int_equal(s.positive, 0);
}

static void test_english(void **state)
{
	(void)state;
	expect("Very professional installers, highly recommended!", "en", "positive");
	expect("Not bad at all.", "en", "positive");
	expect("The panels are not good.", "en", "negative");
	expect("They didn't recommend anything useful and were rude.", "en", "negative");
	expect("Never again. Terrible service.", "en", "negative");
	expect("No problems, everything was clean and on time.", "en", "positive");
	sentiment_t s = run("Great job, thank you!", NULL); /* guessed */
	assert_string_equal(s.lang, "en");
	assert_string_equal(s.label, "positive");
	s = run("Super Arbeit, vielen Dank!", NULL);
	assert_string_equal(s.lang, "de");
	assert_string_equal(s.label, "positive");
}

static void test_lexicon_and_labels(void **state)
{
	(void)state;
	assert_true(sentiment_lexicon_size("de") >= 150);
	assert_true(sentiment_lexicon_size("en") >= 100);
	/* every listed word is found through folding and stemming */
	static const char *const pos_de[] = {
		"freundlich", "Kompetent", "p\xC3\xBCnktlich", "zuverl\xC3\xA4ssige", "empfehlenswert",
		"schnell", "sauberen", "professionell", "hervorragende", "Zufriedenheit",
	};
	static const char *const neg_de[] = {
		"unzuverl\xC3\xA4ssig", "chaotische", "versp\xC3\xA4tet", "teuer", "M\xC3\xA4ngel",
		"\xC3\xA4rgerlich", "Pfusch", "Verz\xC3\xB6gerungen", "SCHLECHT", "Sch\xC3\xA4" "den",
	};
	for (size_t i = 0; i < sizeof(pos_de) / sizeof(pos_de[0]); i++)
		expect(pos_de[i], "de", "positive");
	for (size_t i = 0; i < sizeof(neg_de) / sizeof(neg_de[0]); i++)
		expect(neg_de[i], "de", "negative");
	assert_string_equal(sentiment_label(0.05), "positive");
	assert_string_equal(sentiment_label(0.049), "neutral");
	assert_string_equal(sentiment_label(-0.05), "negative");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_german_reviews),
		cmocka_unit_test(test_german_negation),
		cmocka_unit_test(test_intensifier_contrast),
		cmocka_unit_test(test_contrast_verdict),
		cmocka_unit_test(test_new_phrases),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_lexicon_and_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
