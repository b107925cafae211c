/* test_titlewidth.c - Arial 20 px widths of single glyphs and real titles;
 * shortening German titles to Google's 580 px. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "titlewidth.h"

#include "testutil.h"

static void test_glyphs(void **state)
{
	(void)state;
	assert_near(titlewidth_px("a"), 11.1, 0.05);
	assert_near(titlewidth_px("i"), 4.4, 0.05);
	assert_near(titlewidth_px("m"), 16.7, 0.05);
	assert_near(titlewidth_px("W"), 18.9, 0.05);
	assert_near(titlewidth_px(" "), 5.6, 0.05);
	assert_near(titlewidth_px("\xC3\xA4"), titlewidth_px("a"), 1e-9);       /* ä */
	assert_near(titlewidth_px("\xC3\x96"), titlewidth_px("O"), 1e-9);       /* Ö */
	assert_near(titlewidth_px("\xC3\x9F"), 1251 * 20.0 / 2048, 1e-9);      /* ß */
	assert_near(titlewidth_px("\xE2\x80\x93"), 1139 * 20.0 / 2048, 1e-9);  /* – */
	assert_near(titlewidth_px("\xE2\x82\xAC"), 1139 * 20.0 / 2048, 1e-9);  /* € */
	assert_near(titlewidth_px("\xE6\x97\xA5"), 20.0, 1e-9);                 /* 日 */
	assert_near(titlewidth_px("\xCE\xB1"), 1139 * 20.0 / 2048, 1e-9);       /* default */
	assert_near(titlewidth_px(""), 0, 1e-9);
	assert_near(titlewidth_px(NULL), 0, 1e-9);
	assert_int_equal(titlewidth_units('|'), 532);
	assert_int_equal(titlewidth_units(0xAD), 0); /* soft hyphen */
}

static void test_titles(void **state)
{
	(void)state;
	/* 10 l/i/t-free chars: "Solaranlage" = S o l a r a n l a g e */
	double want = (1366 + 1139 + 455 + 1139 + 682 + 1139 + 1139 + 455 + 1139 + 1139 + 1139) *
	              20.0 / 2048;
	assert_near(titlewidth_px("Solaranlage"), want, 1e-9);
	const char *shortt = "Photovoltaik in M\xC3\xBCnchen | ZOE Solar";
	assert_true(titlewidth_px(shortt) < TITLEWIDTH_LIMIT_PX);
	const char *longt = "Photovoltaik & Stromspeicher f\xC3\xBCr Einfamilienh\xC3\xA4user in "
	                    "M\xC3\xBCnchen, Augsburg und Ingolstadt \xE2\x80\x93 Jetzt kostenloses "
	                    "Angebot anfordern | ZOE Solar";
	assert_true(titlewidth_px(longt) > TITLEWIDTH_LIMIT_PX);
	size_t fit = titlewidth_fit(longt, TITLEWIDTH_LIMIT_PX);
	assert_true(fit > 0 && fit < strlen(longt));
	char head[256];
	memcpy(head, longt, fit);
	head[fit] = '\0';
	assert_true(titlewidth_px(head) <= TITLEWIDTH_LIMIT_PX);
	head[fit] = longt[fit];
	head[fit + 1] = '\0';
	assert_true(titlewidth_px(head) > TITLEWIDTH_LIMIT_PX);
	/* "WWW" is much wider than "iii" */
	assert_near(titlewidth_px("WWW") / titlewidth_px("iii"), 1933.0 / 455.0, 1e-9);
	assert_int_equal(titlewidth_fit("abc", 1000), 3);
}

/* Shortens `title` and checks the result and how it was made. */
static void shortened(const char *title, const char *want, enum titlewidth_how want_how)
{
	char out[512];
	enum titlewidth_how how = -1;
	assert_int_equal(titlewidth_shorten(title, TITLEWIDTH_LIMIT_PX, out, sizeof(out), &how), 0);
	assert_string_equal(out, want);
	assert_int_equal(how, want_how);
	assert_true(titlewidth_px(out) <= TITLEWIDTH_LIMIT_PX);
}

static void test_shorten_whole_and_brand(void **state)
{
	(void)state;
	shortened("Photovoltaik in M\xC3\xBC" "nchen | ZOE Solar",
		  "Photovoltaik in M\xC3\xBC" "nchen | ZOE Solar", TITLEWIDTH_WHOLE);
	/* 610 px with the brand, 500 px without: the verb stays */
	shortened("EEG 2024: Was sich f\xC3\xBCr gewerbliche PV-Anlagen \xC3\xA4ndert | ZOE Solar",
		  "EEG 2024: Was sich f\xC3\xBCr gewerbliche PV-Anlagen \xC3\xA4ndert", TITLEWIDTH_BRAND);
	shortened("Stromspeicher nachr\xC3\xBCsten und Eigenverbrauch erh\xC3\xB6hen"
		  " \xE2\x80\x93 ZOE Solar GmbH",
		  "Stromspeicher nachr\xC3\xBCsten und Eigenverbrauch erh\xC3\xB6hen",
		  TITLEWIDTH_BRAND);
	shortened("Wallbox f\xC3\xBCr Firmenparkpl\xC3\xA4tze und Flotten mit Lastmanagement: ZOE Solar",
		  "Wallbox f\xC3\xBCr Firmenparkpl\xC3\xA4tze und Flotten mit Lastmanagement",
		  TITLEWIDTH_BRAND);
}

static void test_shorten_clause(void **state)
{
	(void)state;
	/* brand gone, still 793 px: the first clause up to the comma */
	shortened("Photovoltaik & Stromspeicher f\xC3\xBCr Einfamilienh\xC3\xA4user in M\xC3\xBCnchen, "
		  "Augsburg und Ingolstadt \xE2\x80\x93 Jetzt kostenloses Angebot anfordern | ZOE Solar",
		  "Photovoltaik & Stromspeicher f\xC3\xBCr Einfamilienh\xC3\xA4user in M\xC3\xBCnchen",
		  TITLEWIDTH_CLAUSE);
	shortened("W\xC3\xA4rmepumpe und Photovoltaik kombinieren \xE2\x80\x93 so funktioniert die "
		  "Kopplung im Einfamilienhaus | ZOE Solar",
		  "W\xC3\xA4rmepumpe und Photovoltaik kombinieren", TITLEWIDTH_CLAUSE);
	/* a question ends a clause more strongly than the comma after "Preise" */
	shortened("Was kostet eine Photovoltaikanlage 2024? Preise, F\xC3\xB6rderung und "
		  "Amortisation im \xC3\x9C" "berblick | ZOE Solar",
		  "Was kostet eine Photovoltaikanlage 2024?", TITLEWIDTH_CLAUSE);
	/* a lowercase call to action is no brand, but " | " still ends a clause */
	shortened("Photovoltaik f\xC3\xBCr Gewerbe und Landwirtschaft in Bayern planen | "
		  "jetzt kostenlos und unverbindlich anfragen",
		  "Photovoltaik f\xC3\xBCr Gewerbe und Landwirtschaft in Bayern planen", TITLEWIDTH_CLAUSE);
}

static void test_shorten_words(void **state)
{
	(void)state;
	/* "Balkonkraftwerk anmelden" (236 px) would lose most of the title: cut at
	 * a word, never inside "Schritt-f\xC3\xBCr-Schritt-Anleitung"; "f\xC3\xBCr Mieter"
	 * does not fit and "f\xC3\xBCr" alone would dangle */
	shortened("Balkonkraftwerk anmelden: Schritt-f\xC3\xBCr-Schritt-Anleitung f\xC3\xBCr Mieter "
		  "und Eigent\xC3\xBCmer in Bayern und Baden-W\xC3\xBCrttemberg | ZOE Solar",
		  "Balkonkraftwerk anmelden: Schritt-f\xC3\xBCr-Schritt-Anleitung\xE2\x80\xA6",
		  TITLEWIDTH_WORDS);
	/* "mit Stromspeicher…" ends at 585 px, and "mit" alone would dangle */
	shortened("Photovoltaik f\xC3\xBCr Landwirtschaft und Gewerbe mit Stromspeicher und "
		  "Lades\xC3\xA4ulen im Allg\xC3\xA4u planen",
		  "Photovoltaik f\xC3\xBCr Landwirtschaft und Gewerbe\xE2\x80\xA6",
		  TITLEWIDTH_WORDS);
	/* one word wider than the limit cannot be cut at a word boundary */
	char out[512], word[128];
	memset(word, 'W', 40);
	word[40] = '\0';
	assert_int_equal(titlewidth_shorten(word, TITLEWIDTH_LIMIT_PX, out, sizeof(out), NULL), -1);
	/* too small a buffer */
	assert_int_equal(titlewidth_shorten("Solar", TITLEWIDTH_LIMIT_PX, out, 5, NULL), -1);
}

static void test_brand(void **state)
{
	(void)state;
	const char *t = "Seite 5: Photovoltaik und Speicher | Beispiel";
	assert_int_equal(titlewidth_brand(t), strstr(t, " | ") - t);
	assert_int_equal(titlewidth_brand("EEG 2024: Was sich \xC3\xA4ndert"), 0);
	assert_int_equal(titlewidth_brand("Photovoltaik in Bayern"), 0);
	assert_int_equal(titlewidth_brand("| ZOE Solar"), 0);
	assert_int_equal(titlewidth_brand("Speicher - Ein Ratgeber f\xC3\xBCr Sie von uns allen hier"), 0);
	const char *d = "Solar \xC2\xB7 SMA Solar Technology AG";
	assert_int_equal(titlewidth_brand(d), 5);
}

static void test_cut_end(void **state)
{
	(void)state;
	const char *s = "Photovoltaik f\xC3\xBCr Gewerbe und die";
	assert_int_equal(titlewidth_cut_end(s, strlen(s)), strlen("Photovoltaik f\xC3\xBCr Gewerbe"));
	const char *d = "Speicher \xE2\x80\x93 ";
	assert_int_equal(titlewidth_cut_end(d, strlen(d)), strlen("Speicher"));
	assert_int_equal(titlewidth_cut_end("und", 3), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_shorten_whole_and_brand),
		cmocka_unit_test(test_shorten_clause),
		cmocka_unit_test(test_shorten_words),
		cmocka_unit_test(test_brand),
		cmocka_unit_test(test_cut_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
