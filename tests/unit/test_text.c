/* test_text.c - tokens, sentences, syllables, folding and stems on German text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "text.h"

static size_t sentences(const char *s, text_spans_t *sp)
{
	memset(sp, 0, sizeof(*sp));
	assert_int_equal(text_sentences(s, strlen(s), sp), 0);
	return sp->n;
}

static void assert_span(const char *s, const text_span_t *sp, const char *want)
{
	assert_int_equal(sp->len, strlen(want));
	assert_memory_equal(s + sp->off, want, sp->len);
}

static void test_sentences_abbrev_ordinal_decimal(void **state)
{
	(void)state;
	const char *s = "Wir installieren z. B. Anlagen mit 3,5 kWp. Am 1. Mai er\xC3\xB6"
	                "ffnen wir in M\xC3\xBCnchen. Dr. Weber ber\xC3\xA4t Sie.";
	text_spans_t sp;
	assert_int_equal(sentences(s, &sp), 3);
	assert_span(s, &sp.v[0], "Wir installieren z. B. Anlagen mit 3,5 kWp.");
	assert_span(s, &sp.v[1], "Am 1. Mai er\xC3\xB6" "ffnen wir in M\xC3\xBC" "nchen.");
	assert_span(s, &sp.v[2], "Dr. Weber ber\xC3\xA4t Sie.");
	text_spans_free(&sp);
}

static void test_sentences_more_rules(void **state)
{
	(void)state;
	text_spans_t sp;
	/* z.B. without space, bzw., ca., Nr., inkl., ggf., am 3. Oktober */
	const char *a = "Die Montage dauert ca. 2 Tage bzw. 3 Tage inkl. Ger\xC3\xBCst. "
	                "Nr. 5 ist z.B. g\xC3\xBCnstiger, ggf. auch am 3. Oktober. Fertig!";
	assert_int_equal(sentences(a, &sp), 3);
	assert_span(a, &sp.v[2], "Fertig!");
	text_spans_free(&sp);
	/* URL and e-mail stay whole; question and exclamation end sentences */
	const char *b = "Besuchen Sie www.zoe-solar.de. Fragen? Schreiben Sie an info@zoe-solar.de!";
	assert_int_equal(sentences(b, &sp), 3);
	assert_span(b, &sp.v[0], "Besuchen Sie www.zoe-solar.de.");
	assert_span(b, &sp.v[1], "Fragen?");
	text_spans_free(&sp);
	/* English abbreviations; usw. before an uppercase word ends a sentence */
	const char *c = "Mr. Smith likes panels, e.g. monocrystalline ones. Done. "
	                "Module, Speicher usw. Wir liefern alles.";
	assert_int_equal(sentences(c, &sp), 4);
	assert_span(c, &sp.v[0], "Mr. Smith likes panels, e.g. monocrystalline ones.");
	assert_span(c, &sp.v[2], "Module, Speicher usw.");
	text_spans_free(&sp);
	/* line breaks end sentences; quotes stick to the terminator */
	const char *d = "\xE2\x80\x9E" "Top Service.\xE2\x80\x9C Danke\nNeue Zeile";
	assert_int_equal(sentences(d, &sp), 3);
	assert_span(d, &sp.v[0], "\xE2\x80\x9E" "Top Service.\xE2\x80\x9C");
	assert_span(d, &sp.v[1], "Danke");
	text_spans_free(&sp);
	/* a quoted "?" is a symbol; "z.B." before a capitalised noun or a
	 * number does not end the sentence (Yoast's splitter ends it there) */
	const char *e = "Suchmuster wie \"*\", \"?\" oder \"[]\" gelten. Alle Optionen "
	                "(z.B. Voreinstellungsoptionen) fallen weg, z.B. 2000 MiB gro\xC3\x9F" "e St\xC3\xBC" "cke.";
	assert_int_equal(sentences(e, &sp), 2);
	assert_span(e, &sp.v[0], "Suchmuster wie \"*\", \"?\" oder \"[]\" gelten.");
	text_spans_free(&sp);
	assert_int_equal(sentences("   ", &sp), 0);
	text_spans_free(&sp);
}

static void test_tokenize(void **state)
{
	(void)state;
	const char *s = "Die PV-Anlage (3,5 kWp) kostet 10.000,50 \xE2\x82\xAC \xE2\x80\x93 "
	                "siehe https://zoe-solar.de/preise, z. B. info@zoe-solar.de.";
	text_tokens_t t = {0};
	assert_int_equal(text_tokenize(s, strlen(s), &t), 0);
	static const struct { const char *text; enum text_tok_kind kind; } want[] = {
		{"Die", TEXT_TOK_WORD}, {"PV-Anlage", TEXT_TOK_WORD}, {"(", TEXT_TOK_PUNCT},
		{"3,5", TEXT_TOK_NUMBER}, {"kWp", TEXT_TOK_WORD}, {")", TEXT_TOK_PUNCT},
		{"kostet", TEXT_TOK_WORD}, {"10.000,50", TEXT_TOK_NUMBER},
		{"\xE2\x82\xAC", TEXT_TOK_PUNCT}, {"\xE2\x80\x93", TEXT_TOK_PUNCT},
		{"siehe", TEXT_TOK_WORD}, {"https://zoe-solar.de/preise", TEXT_TOK_URL},
		{",", TEXT_TOK_PUNCT}, {"z. B.", TEXT_TOK_ABBR},
		{"info@zoe-solar.de", TEXT_TOK_EMAIL}, {".", TEXT_TOK_PUNCT},
	};
	assert_int_equal(t.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < t.n; i++) {
		assert_int_equal(t.v[i].kind, want[i].kind);
		assert_int_equal(t.v[i].len, strlen(want[i].text));
		assert_memory_equal(s + t.v[i].off, want[i].text, t.v[i].len);
	}
	text_tokens_free(&t);
	/* words: Die PV-Anlage 3,5 kWp kostet 10.000,50 siehe URL z. B. e-mail */
	assert_int_equal(text_word_count(s, strlen(s)), 10);
	const char *u = "Gr\xC3\xBC\xC3\x9F" "e aus Stra\xC3\x9F" "burg, sagt's";
	assert_int_equal(text_word_count(u, strlen(u)), 4);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(text_utf8_valid("Gr\xC3\xBC\xC3\x9F" "e", 7));
	assert_false(text_utf8_valid("\xC3", 1));            /* truncated */
	assert_false(text_utf8_valid("\xC0\xAF", 2));        /* overlong */
	assert_false(text_utf8_valid("\xED\xA0\x80", 3));    /* surrogate */
	assert_false(text_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	size_t pos = 0;
	assert_int_equal(text_utf8_next("\xE2\x82\xAC!", 4, &pos), 0x20AC);
	assert_int_equal(pos, 3);
	char buf[4];
	assert_int_equal(text_utf8_put(0x1E9E, buf), 3);
	assert_memory_equal(buf, "\xE1\xBA\x9E", 3);
}

static void test_fold(void **state)
{
	(void)state;
	char out[64];
	const char *s = "\xC3\x84RGER \xC3\x96L \xC3\x9C" "BER STRA\xE1\xBA\x9E" "E \xC3\x89T\xC3\x89 \xC5\x92";
	assert_int_equal(text_fold(s, strlen(s), out, sizeof(out)), 0);
	assert_string_equal(out, "\xC3\xA4rger \xC3\xB6l \xC3\xBC" "ber stra\xC3\x9F" "e \xC3\xA9t\xC3\xA9 \xC5\x93");
	assert_int_equal(text_fold("ABC", 3, out, 3), -1); /* no room for NUL */
	assert_int_equal(text_fold("A\xFF", 2, out, sizeof(out)), 0);
	assert_string_equal(out, "a?");
}

static void test_syllables(void **state)
{
	(void)state;
	static const struct { const char *w; enum text_lang l; int n; } cases[] = {
		{"Solaranlage", TEXT_LANG_DE, 5}, {"Speicher", TEXT_LANG_DE, 2},
		{"W\xC3\xA4rmepumpe", TEXT_LANG_DE, 4}, {"Energie", TEXT_LANG_DE, 3},
		{"Qualit\xC3\xA4t", TEXT_LANG_DE, 3}, {"Bauer", TEXT_LANG_DE, 2},
		{"Haus", TEXT_LANG_DE, 1}, {"Euro", TEXT_LANG_DE, 2}, {"Stra\xC3\x9F" "e", TEXT_LANG_DE, 2},
		{"installation", TEXT_LANG_EN, 4}, {"make", TEXT_LANG_EN, 1},
		{"table", TEXT_LANG_EN, 2}, {"installed", TEXT_LANG_EN, 2},
		{"wanted", TEXT_LANG_EN, 2}, {"solar", TEXT_LANG_EN, 2}, {"yes", TEXT_LANG_EN, 1},
		{"rhythm", TEXT_LANG_EN, 1}, {"1234", TEXT_LANG_DE, 0},
		/* -tion, -sion, -xion: "io" is one nucleus before n */
		{"Installation", TEXT_LANG_DE, 4}, {"Version", TEXT_LANG_DE, 2},
		{"Reflexion", TEXT_LANG_DE, 3}, {"funktionieren", TEXT_LANG_DE, 4},
		{"Informationen", TEXT_LANG_DE, 5}, {"Ratio", TEXT_LANG_DE, 3},
		/* "ie" before n after l, s, t (and -dien at the end) is two */
		{"Studien", TEXT_LANG_DE, 3}, {"Familien", TEXT_LANG_DE, 4},
		{"Aktien", TEXT_LANG_DE, 3}, {"Client", TEXT_LANG_DE, 2},
		{"Linien", TEXT_LANG_DE, 2}, {"Dienste", TEXT_LANG_DE, 2},
		{"verdienen", TEXT_LANG_DE, 3},
		/* English loanwords in German text */
		{"Software", TEXT_LANG_DE, 2}, {"Hardware-Ausfall", TEXT_LANG_DE, 4},
		{"Software-Update", TEXT_LANG_DE, 4}, {"Updates", TEXT_LANG_DE, 2},
		{"Onlineportal", TEXT_LANG_DE, 4}, {"Homepage", TEXT_LANG_DE, 3},
		{"Service", TEXT_LANG_DE, 2},
		/* no vowel, no syllable (Yoast's count): spoken letter by letter */
		{"LVM", TEXT_LANG_DE, 0}, {"kWh", TEXT_LANG_DE, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = text_syllables(cases[i].w, strlen(cases[i].w), cases[i].l);
		if (got != cases[i].n)
			fail_msg("%s: %d syllables, want %d", cases[i].w, got, cases[i].n);
	}
}

static void stem_of(const char *word, enum text_lang l, char *out)
{
	char f[TEXT_WORD_MAX + 1];
	assert_int_equal(text_fold(word, strlen(word), f, sizeof(f)), 0);
	assert_int_equal(text_stem(f, l, out, TEXT_WORD_MAX + 1), 0);
}

static void test_stem(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{"Solaranlage", "Solaranlagen"}, {"Speicher", "Speichers"},
		{"W\xC3\xA4rmepumpe", "W\xC3\xA4rmepumpen"}, {"Modul", "Module"},
		{"Dach", "Daches"}, {"Kunde", "Kunden"}, {"Installateur", "Installateure"},
		{"Wechselrichter", "Wechselrichtern"}, {"Angebot", "Angebote"},
	};
	char a[TEXT_WORD_MAX + 1], b[TEXT_WORD_MAX + 1];
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		stem_of(pairs[i][0], TEXT_LANG_DE, a);
		stem_of(pairs[i][1], TEXT_LANG_DE, b);
		if (strcmp(a, b) != 0)
			fail_msg("%s -> %s but %s -> %s", pairs[i][0], a, pairs[i][1], b);
	}
	stem_of("Solaranlagen", TEXT_LANG_DE, a);
	assert_string_equal(a, "solaranlag");
	stem_of("Gr\xC3\xBC\xC3\x9F" "e", TEXT_LANG_DE, a);
	assert_string_equal(a, "gruss");
	stem_of("oder", TEXT_LANG_DE, a); /* suffix outside R1 stays */
	assert_string_equal(a, "oder");
	stem_of("teuer", TEXT_LANG_DE, a); /* u between vowels is a consonant */
	assert_string_equal(a, "teu");
	stem_of("companies", TEXT_LANG_EN, a);
	assert_string_equal(a, "company");
	stem_of("panels", TEXT_LANG_EN, a);
	assert_string_equal(a, "panel");
	stem_of("glass", TEXT_LANG_EN, a);
	assert_string_equal(a, "glass");
	assert_int_equal(text_stem("speicher", TEXT_LANG_DE, a, 4), -1);
}

static void test_stopwords_lang(void **state)
{
	(void)state;
	assert_true(text_is_stopword("und", TEXT_LANG_DE));
	assert_true(text_is_stopword("\xC3\xBC" "ber", TEXT_LANG_DE));
	assert_true(text_is_stopword("f\xC3\xBCr", TEXT_LANG_DE));
	assert_false(text_is_stopword("solaranlage", TEXT_LANG_DE));
	assert_true(text_is_stopword("the", TEXT_LANG_EN));
	assert_false(text_is_stopword("und", TEXT_LANG_EN));
	const char *de = "Wir haben die Anlage auf dem Dach montiert und sind sehr zufrieden.";
	const char *en = "We had the panels installed on the roof and we are very happy with it.";
	assert_int_equal(text_guess_lang(de, strlen(de)), TEXT_LANG_DE);
	assert_int_equal(text_guess_lang(en, strlen(en)), TEXT_LANG_EN);
	assert_int_equal(text_guess_lang("Photovoltaik 2024", 17), TEXT_LANG_UNKNOWN);
	assert_string_equal(text_lang_code(TEXT_LANG_DE), "de");
	assert_int_equal(text_lang_parse("de-AT"), TEXT_LANG_DE);
	assert_int_equal(text_lang_parse("EN"), TEXT_LANG_EN);
	assert_int_equal(text_lang_parse("fr"), TEXT_LANG_UNKNOWN);
	assert_int_equal(text_lang_parse("deu"), TEXT_LANG_UNKNOWN);
}

/* "a.a.a.…" once made every word rescan the rest of the text as the local
 * part of an e-mail address: 1 MiB took hours. alarm() fails a relapse. */
static void test_email_scan_linear(void **state)
{
	(void)state;
	size_t n = 1u << 20;
	char *s = malloc(n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		s[i] = i % 2 ? '.' : 'a';
	s[n] = '\0';
	alarm(30);
	assert_int_equal(text_word_count(s, n), n / 2);
	text_spans_t sp;
	assert_int_equal(sentences(s, &sp), 1);
	assert_int_equal(sp.v[0].len, n);
	text_spans_free(&sp);
	alarm(0);
	free(s);
	/* RFC 5321: at most 64 bytes before the @ */
	char mail[128];
	text_tokens_t t = {0};
	memset(mail, 'x', 64);
	memcpy(mail + 64, "@zoe-solar.de", 14);
	assert_int_equal(text_tokenize(mail, strlen(mail), &t), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.v[0].kind, TEXT_TOK_EMAIL);
	text_tokens_free(&t);
	memset(mail, 'x', 65);
	memcpy(mail + 65, "@zoe-solar.de", 14);
	memset(&t, 0, sizeof(t));
	assert_int_equal(text_tokenize(mail, strlen(mail), &t), 0);
	assert_true(t.n > 1);
	assert_int_equal(t.v[0].kind, TEXT_TOK_WORD);
	text_tokens_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sentences_abbrev_ordinal_decimal),
		cmocka_unit_test(test_sentences_more_rules),
		cmocka_unit_test(test_tokenize),
		cmocka_unit_test(test_email_scan_linear),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_syllables),
		cmocka_unit_test(test_stem),
		cmocka_unit_test(test_stopwords_lang),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
