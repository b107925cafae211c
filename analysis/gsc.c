/* gsc.c - Search Console CSV exports; see gsc.h.
 *
 * A small state machine splits records (RFC 4180 quoting, any of CR, LF,
 * CRLF as line end); the header row maps column names to fields through the
 * `columns` table; each data row is converted field by field, and the first
 * bad value stops the parse naming its line and column. */
#include "gsc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 16
#define MAX_FIELD 1024

enum col { COL_DATE, COL_QUERY, COL_CLICKS, COL_IMPRESSIONS, COL_CTR, COL_POSITION, NCOLS };

static const struct {
	const char *name;
	enum col col;
} columns[] = {
	{"datum", COL_DATE}, {"date", COL_DATE}, {"tag", COL_DATE},
	{"suchanfrage", COL_QUERY}, {"suchanfragen", COL_QUERY},
	{"häufigste suchanfragen", COL_QUERY}, {"top queries", COL_QUERY},
	{"query", COL_QUERY}, {"queries", COL_QUERY}, {"keyword", COL_QUERY},
	{"klicks", COL_CLICKS}, {"clicks", COL_CLICKS},
	{"impressionen", COL_IMPRESSIONS}, {"impressions", COL_IMPRESSIONS},
	{"ctr", COL_CTR}, {"durchschnittliche ctr", COL_CTR},
	{"position", COL_POSITION}, {"durchschnittliche position", COL_POSITION},
	{"average position", COL_POSITION},
};
static const char *const col_names[NCOLS] = {"Datum/Date", "Suchanfrage/Query", "Klicks/Clicks",
	"Impressionen/Impressions", "CTR", "Position"};
static const int col_required[NCOLS] = {1, 1, 1, 1, 0, 0};

typedef struct record {
	char field[MAX_FIELDS][MAX_FIELD];
	int n;
	size_t line;         /* line the record starts on */
} record_t;

static void set_err(gsc_error_t *err, size_t line, const char *column, const char *msg)
{
	err->line = line;
	snprintf(err->column, sizeof(err->column), "%s", column ? column : "");
	snprintf(err->message, sizeof(err->message), "%s", msg);
}

/* Reads one record from text at *pos; 1 = a record, 0 = end, -1 = error. */
static int next_record(const char *s, size_t len, size_t *pos, size_t *line, char sep,
		       record_t *rec, gsc_error_t *err)
{
	size_t i = *pos, k = 0;
	int quoted = 0, started = 0;
	if (i >= len)
		return 0;
	rec->n = 0;
	rec->line = *line;
	rec->field[0][0] = '\0';
	for (; i < len; i++) {
		char c = s[i];
		if (quoted) {
			if (c == '"' && i + 1 < len && s[i + 1] == '"')
				i++;
			else if (c == '"') {
				quoted = 0;
				continue;
			} else if (c == '\n' || (c == '\r' && !(i + 1 < len && s[i + 1] == '\n')))
				(*line)++;
		} else if (c == '"' && k == 0 && !started) {
			quoted = started = 1;
			continue;
		} else if (c == sep || c == '\r' || c == '\n') {
			rec->field[rec->n][k] = '\0';
			if (++rec->n == MAX_FIELDS && c == sep) {
				set_err(err, rec->line, NULL, "more than 16 columns");
				return -1;
			}
			k = 0;
			started = 0;
			if (c == sep) {
				rec->field[rec->n][0] = '\0';
				continue;
			}
			if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			(*line)++;
			*pos = i + 1;
			return 1;
		}
		started = 1;
		if (k + 1 >= MAX_FIELD) {
			set_err(err, rec->line, NULL, "a field is longer than 1023 bytes");
			return -1;
		}
		rec->field[rec->n][k++] = c;
	}
	if (quoted) {
		set_err(err, rec->line, NULL, "a quoted field is not closed before the end of the file");
		return -1;
	}
	rec->field[rec->n++][k] = '\0';
	*pos = len;
	return 1;
}

/* The separator of the header line: the most frequent of , ; and tab. */
static char separator_of(const char *s, size_t len)
{
	size_t c = 0, sc = 0, tab = 0;
	for (size_t i = 0; i < len && s[i] != '\n' && s[i] != '\r'; i++) {
		c += s[i] == ',';
		sc += s[i] == ';';
		tab += s[i] == '\t';
	}
	return tab > c && tab > sc ? '\t' : sc > c ? ';' : ',';
}

/* Lowercased, trimmed copy of a header name (ASCII and the Ä Ö Ü of UTF-8). */
static void header_key(const char *in, char *out, size_t outlen)
{
	while (*in == ' ')
		in++;
	size_t k = 0;
	for (; *in && k + 1 < outlen; in++) {
		unsigned char c = (unsigned char)*in;
		if (c == 0xC3 && (unsigned char)in[1] >= 0x84 && (unsigned char)in[1] <= 0x9C &&
		    k + 2 < outlen) {
			out[k++] = (char)c;
			out[k++] = (char)((unsigned char)in[1] | 0x20);
			in++;
			continue;
		}
		out[k++] = (char)tolower(c);
	}
	while (k && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
}

static int map_header(const record_t *h, int *map, gsc_error_t *err)
{
	int where[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		where[c] = -1;
	for (int f = 0; f < h->n; f++) {
		char key[64];
		map[f] = -1;
		header_key(h->field[f], key, sizeof(key));
		for (size_t k = 0; k < sizeof(columns) / sizeof(columns[0]); k++)
			if (strcmp(key, columns[k].name) == 0 && where[columns[k].col] < 0)
				where[columns[k].col] = f, map[f] = (int)columns[k].col;
	}
	for (int c = 0; c < NCOLS; c++)
		if (col_required[c] && where[c] < 0) {
			char msg[120];
			snprintf(msg, sizeof(msg), "the header names no column %s", col_names[c]);
			set_err(err, 1, col_names[c], msg);
			return -1;
		}
	return 0;
}

/* Copies s without spaces (also U+00A0 and U+202F) into out; 0 or -1. */
static int squeeze(const char *s, char *out, size_t outlen)
{
	size_t k = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '\t')
			continue;
		if (c == 0xC2 && (unsigned char)s[1] == 0xA0) {
			s++;
			continue;
		}
		if (c == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xAF) {
			s += 2;
			continue;
		}
		if (k + 1 >= outlen)
			return -1;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return k ? 0 : -1;
}

/* Thousands separators of a count: every group after the first has 3 digits. */
static int strip_thousands(char *b)
{
	size_t k = 0, run = 0, groups = 0;
	for (char *p = b; *p; p++) {
		if (*p == '.' || *p == ',') {
			if (run == 0 || (groups && run != 3) || (!groups && run > 3))
				return -1;
			groups++;
			run = 0;
			continue;
		}
		b[k++] = *p;
		run++;
	}
	b[k] = '\0';
	return groups && run != 3 ? -1 : 0;
}

int gsc_number(const char *s, int count, double *out)
{
	char b[64], *end;
	if (!s || squeeze(s, b, sizeof(b)) < 0)
		return -1;
	size_t n = strlen(b);
	int pct = b[n - 1] == '%';
	if (pct)
		b[--n] = '\0';
	if (n == 0 || strspn(b, "0123456789.,-+") != n || (count && strspn(b, "0123456789.,") != n))
		return -1;
	if (count && strip_thousands(b) < 0)
		return -1;
	char *dot = strrchr(b, '.'), *comma = strrchr(b, ',');
	char *dec = dot > comma ? dot : comma;
	size_t k = 0;
	for (char *p = b; *p; p++)      /* the last separator is the decimal point */
		if (p == dec)
			b[k++] = '.';
		else if (*p != '.' && *p != ',')
			b[k++] = *p;
	b[k] = '\0';
	double v = strtod(b, &end);
	if (*end || end == b || !isfinite(v))
		return -1;
	*out = pct ? v / 100 : v;
	return 0;
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0) ? 29 : d[m - 1];
}

/* Digits s[0..n-1] as a number, -1 when one is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int gsc_date(const char *s, char iso[11])
{
	int y, m, d;
	while (s && *s == ' ')
		s++;
	if (!s || strlen(s) < 10 || (s[10] && s[10] != ' ' && s[10] != 'T'))
		return -1;
	if (s[4] == '-' && s[7] == '-')
		y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	else if (s[2] == '.' && s[5] == '.')
		d = digits(s, 2), m = digits(s + 3, 2), y = digits(s + 6, 4);
	else
		return -1;
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in(y, m))
		return -1;
	const int parts[] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, -1, m / 10, m % 10, -1,
			     d / 10, d % 10};
	for (int i = 0; i < 10; i++)
		iso[i] = parts[i] < 0 ? '-' : (char)('0' + parts[i]);
	iso[10] = '\0';
	return 0;
}

static const char *const field_msg[NCOLS] = {
	"must be a date YYYY-MM-DD or DD.MM.YYYY",
	"must not be empty",
	"must be a whole number of clicks >= 0",
	"must be a whole number of impressions >= 0",
	"must be a percentage (\"1,23 %\") or a fraction 0..1",
	"must be a number >= 1 (\"4,5\" or \"4.5\")",
};

/* Converts field f (column c) of rec into row; 0 or -1 (bad value). */
static int convert(const char *v, int c, gsc_row_t *row)
{
	double x;
	switch (c) {
	case COL_DATE:
		return gsc_date(v, row->date);
	case COL_QUERY:
		row->query = v;
		return *v ? 0 : -1;
	case COL_CLICKS:
	case COL_IMPRESSIONS:
		if (gsc_number(v, 1, &x) < 0)
			return -1;
		*(c == COL_CLICKS ? &row->clicks : &row->impressions) = x;
		return 0;
	case COL_CTR:
		if (gsc_number(v, 0, &x) < 0 || x < 0 || (strchr(v, '%') ? x > 1 : x > 100))
			return -1;
		row->ctr = !strchr(v, '%') && x > 1 ? x / 100 : x;
		return 0;
	default:
		if (gsc_number(v, 0, &x) < 0 || x < 1)
			return -1;
		row->position = x;
		return 0;
	}
}

static int row_of(const record_t *rec, const record_t *head, const int *map, gsc_row_t *row,
		  gsc_error_t *err)
{
	char msg[160];
	*row = (gsc_row_t){.ctr = NAN, .position = NAN, .line = rec->line};
	if (rec->n != head->n) {
		snprintf(msg, sizeof(msg), "has %d fields, the header %d", rec->n, head->n);
		set_err(err, rec->line, NULL, msg);
		return -1;
	}
	for (int f = 0; f < rec->n; f++) {
		if (map[f] < 0)
			continue;
		if (convert(rec->field[f], map[f], row) < 0) {
			snprintf(msg, sizeof(msg), "%s: \"%.60s\" %s", head->field[f], rec->field[f],
				 field_msg[map[f]]);
			set_err(err, rec->line, head->field[f], msg);
			return -1;
		}
	}
	if (row->clicks > row->impressions) {
		set_err(err, rec->line, NULL, "more clicks than impressions");
		return -1;
	}
	return 0;
}

long gsc_parse_csv(const char *text, size_t len, gsc_row_fn emit, void *ctx, gsc_error_t *err)
{
	long rows = -1;
	size_t pos = 0, line = 1;
	int map[MAX_FIELDS];
	record_t *head = malloc(sizeof(*head)), *rec = malloc(sizeof(*rec));
	set_err(err, 0, NULL, "");
	if (!head || !rec) {
		set_err(err, 0, NULL, "out of memory");
		goto out;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	char sep = separator_of(text + pos, len - pos);
	if (next_record(text, len, &pos, &line, sep, head, err) <= 0 || map_header(head, map, err) < 0) {
		if (!err->message[0])
			set_err(err, 1, NULL, "the file is empty; the first line must name the columns");
		goto out;
	}
	head->n = head->n < MAX_FIELDS ? head->n : MAX_FIELDS;
	long count = 0;
	int got;
	while ((got = next_record(text, len, &pos, &line, sep, rec, err)) > 0) {
		gsc_row_t row;
		if (rec->n == 1 && rec->field[0][0] == '\0')
			continue;      /* blank line */
		if (row_of(rec, head, map, &row, err) < 0)
			goto out;
		if (emit && emit(&row, ctx) != 0) {
			set_err(err, rec->line, NULL, "stopped");
			goto out;
		}
		count++;
	}
	if (got == 0)
		rows = count;
out:
	free(head);
	free(rec);
	return rows;
}
