/* test_titlewidth.c - Arial 20 px widths of single glyphs and real titles. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_titles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
