/* test_gsc.c - Search Console CSV exports (analysis/gsc.c): German and
 * English headers, decimal commas, percent signs, BOM, CRLF, quoting, and
 * the line and column of the first bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "gsc.h"

#include "testutil.h"

struct got {
	int n;
	gsc_row_t rows[8];
	char queries[8][64];
};

static int keep(const gsc_row_t *row, void *ctx)
{
	struct got *g = ctx;
	if (g->n >= 8)
		return -1;
	g->rows[g->n] = *row;
	strncpy(g->queries[g->n], row->query, sizeof(g->queries[0]) - 1);
	g->n++;
	return 0;
}

static void test_german_export(void **state)
{
	(void)state;
	static const char csv[] =
		"\xEF\xBB\xBF" "Datum;Suchanfrage;Klicks;Impressionen;CTR;Position\r\n"
		"2025-03-01;balkonkraftwerk;12;1.234;\"0,97 %\";\"4,5\"\r\n"
		"01.03.2025;\"photovoltaik; preis \"\"2025\"\"\";3;300;1 %;12,25\r\n"
		"\r\n";
	struct got g = {0};
	gsc_error_t err;
	assert_int_equal(gsc_parse_csv(csv, sizeof(csv) - 1, keep, &g, &err), 2);
	assert_string_equal(g.rows[0].date, "2025-03-01");
	assert_string_equal(g.queries[0], "balkonkraftwerk");
	assert_near(g.rows[0].clicks, 12, 0);
	assert_near(g.rows[0].impressions, 1234, 0);
	assert_near(g.rows[0].ctr, 0.0097, 1e-12);
	assert_near(g.rows[0].position, 4.5, 1e-12);
	assert_string_equal(g.rows[1].date, "2025-03-01");
	assert_string_equal(g.queries[1], "photovoltaik; preis \"2025\"");
	assert_near(g.rows[1].position, 12.25, 1e-12);
	assert_int_equal((int)g.rows[1].line, 3);
}

static void test_english_export(void **state)
{
	(void)state;
	static const char csv[] = "Top queries,Clicks,Impressions,CTR,Position,Date\n"
				  "\"heat pump\nsubsidy\",5,\"1,000\",0.5%,3.2,2025-01-31\n"
				  "solar,0,10,0%,7,2025-02-01";
	struct got g = {0};
	gsc_error_t err;
	assert_int_equal(gsc_parse_csv(csv, sizeof(csv) - 1, keep, &g, &err), 2);
	assert_string_equal(g.queries[0], "heat pump\nsubsidy");
	assert_near(g.rows[0].impressions, 1000, 0);
	assert_near(g.rows[0].ctr, 0.005, 1e-12);
	assert_int_equal((int)g.rows[1].line, 4);    /* the quoted line break counts */
	assert_near(g.rows[1].position, 7, 0);
}

static void test_errors_name_line_and_column(void **state)
{
	(void)state;
	static const struct {
		const char *csv;
		size_t line;
		const char *column;
	} bad[] = {
		{"Datum,Suchanfrage,Klicks,Impressionen\n2025-01-01,a,1,2\n2025-02-30,b,1,2\n", 3, "Datum"},
		{"Date,Query,Clicks,Impressions\n2025-01-01,a,1,5\n2025-01-02,b,1.5,5\n", 3, "Clicks"},
		{"Date,Query,Clicks,Impressions,Position\n2025-01-01,a,1,5,0,5\n", 2, ""},
		{"Date,Query,Clicks,Impressions,Position\n2025-01-01,a,1,5,\"0,5\"\n", 2, "Position"},
		{"Date,Query,Clicks\n2025-01-01,a,1\n", 1, "Impressionen/Impressions"},
		{"Date,Query,Clicks,Impressions\n2025-01-01,\"a,1,5\n", 2, ""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gsc_error_t err;
		struct got g = {0};
		assert_int_equal(gsc_parse_csv(bad[i].csv, strlen(bad[i].csv), keep, &g, &err), -1);
		assert_int_equal((int)err.line, (int)bad[i].line);
		assert_string_equal(err.column, bad[i].column);
		assert_true(err.message[0] != '\0');
	}
}

static void test_numbers(void **state)
{
	(void)state;
	double x;
	assert_int_equal(gsc_number("1,23 %", 0, &x), 0);
	assert_near(x, 0.0123, 1e-15);
	assert_int_equal(gsc_number("1.234,5", 0, &x), 0);
	assert_near(x, 1234.5, 1e-12);
	assert_int_equal(gsc_number("12\xC2\xA0" "345", 1, &x), 0);
	assert_near(x, 12345, 0);
	assert_int_equal(gsc_number("1,5", 1, &x), -1);
	assert_int_equal(gsc_number("-3", 1, &x), -1);
	assert_int_equal(gsc_number("abc", 0, &x), -1);
	assert_int_equal(gsc_number("", 0, &x), -1);
	char d[11];
	assert_int_equal(gsc_date("29.02.2024", d), 0);
	assert_string_equal(d, "2024-02-29");
	assert_int_equal(gsc_date("2023-02-29", d), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_german_export),
		cmocka_unit_test(test_english_export),
		cmocka_unit_test(test_errors_name_line_and_column),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
