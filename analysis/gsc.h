/* gsc.h - the "Performance" export of Google Search Console as CSV, in the
 * German or English interface: columns Datum/Date, Suchanfrage/Top
 * queries/Query, Klicks/Clicks, Impressionen/Impressions, CTR, Position in
 * any order; comma, semicolon or tab separated; quoted fields (with "" and
 * line breaks), a UTF-8 BOM, CRLF; decimal commas, percent signs and
 * thousands separators in groups of three.
 *
 * Pure code: no I/O, no globals. */
#ifndef ZOE_GSC_H
#define ZOE_GSC_H

#include <stddef.h>

typedef struct gsc_row {
	const char *query;   /* valid during the callback only */
	char date[11];       /* YYYY-MM-DD */
	double clicks, impressions;
	double ctr;          /* fraction 0..1, NAN when the file has no CTR column */
	double position;     /* >= 1, NAN when the file has no Position column */
	size_t line;         /* physical line the record starts on (the header is 1) */
} gsc_row_t;

typedef struct gsc_error {
	size_t line;         /* 0: the file as a whole */
	char column[32];     /* the column's name as in the file, or "" */
	char message[160];
} gsc_error_t;

typedef int (*gsc_row_fn)(const gsc_row_t *row, void *ctx);

/* Parses `len` bytes of CSV and calls emit per data row (a non-zero return
 * stops with -1). Returns the number of rows, or -1 with err filled in at
 * the first bad line or column. */
long gsc_parse_csv(const char *text, size_t len, gsc_row_fn emit, void *ctx, gsc_error_t *err);

/* A number as people and spreadsheets write it: "1,23 %", "4.5", "0,5";
 * with `count` set, a non-negative whole number where "." and "," only
 * separate thousands ("1.234", "12,345"). Percent values are divided by 100.
 * Returns 0, or -1 when s is not one. */
int gsc_number(const char *s, int count, double *out);
/* An ISO (YYYY-MM-DD) or German (DD.MM.YYYY) calendar date into iso[11];
 * 0 or -1 (not a real date). */
int gsc_date(const char *s, char iso[11]);

#endif
