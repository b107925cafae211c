/* local.c - local SEO for Germany, Austria and Switzerland; see local.h.
 *
 * Phone lengths: national significant numbers of 6-13 digits in Germany
 * (ITU-T E.164 assignment of +49), 4-13 in Austria, exactly 9 in
 * Switzerland. Postal codes: Germany 01001-99998, Austria 1010-9992,
 * Switzerland 1000-9658. Daylight saving: the EU rule (Directive 2000/84/EC,
 * in force since 1996): from 01:00 UTC on the last Sunday of March to 01:00
 * UTC on the last Sunday of October the offset is +02:00, else +01:00. */
#include "local.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- phone numbers ------------------------------------------------------------ */

static const struct country {
	const char *iso, *cc;
	int nsn_min, nsn_max;
	unsigned postal_digits;
	long postal_min, postal_max;
} countries[] = {
	{"DE", "49", 6, 13, 5, 1001, 99998},
	{"AT", "43", 4, 13, 4, 1010, 9992},
	{"CH", "41", 9, 9, 4, 1000, 9658},
};
#define NCOUNTRIES (sizeof countries / sizeof countries[0])

static const struct country *country_of(const char *iso)
{
	for (size_t i = 0; iso && i < NCOUNTRIES; i++)
		if (strcmp(countries[i].iso, iso) == 0)
			return &countries[i];
	return NULL;
}

int local_country_known(const char *country)
{
	return country_of(country) != NULL;
}

/* The digits of s with "(0)" dropped and separators skipped; *plus when it
 * starts with '+'. -1 on another character or too many digits. */
static int phone_digits(const char *s, char *d, size_t dsz, int *plus)
{
	size_t n = 0;
	*plus = 0;
	s += strspn(s, " \t");
	if (*s == '+')
		*plus = 1, s++;
	for (; *s; s++) {
		if (strncmp(s, "(0)", 3) == 0) {
			s += 2;
			continue;
		}
		if (isdigit((unsigned char)*s)) {
			if (n + 1 >= dsz)
				return -1;
			d[n++] = *s;
		} else if (!strchr(" -/.()\t", *s)) {
			return -1;
		}
	}
	d[n] = '\0';
	return n ? 0 : -1;
}

int local_phone_e164(const char *s, const char *country, char out[LOCAL_E164_MAX],
		     const char **why)
{
	char d[40];
	int plus;
	const char *nsn = NULL;
	const struct country *c = NULL;
	*why = "must be a phone number: digits with spaces, '-', '/', '(0)', a leading '+'";
	if (!s || phone_digits(s, d, sizeof d, &plus) < 0)
		return -1;
	const char *intl = plus ? d : strncmp(d, "00", 2) == 0 ? d + 2 : NULL;
	if (intl) {
		for (size_t i = 0; i < NCOUNTRIES && !c; i++)
			if (strncmp(intl, countries[i].cc, 2) == 0)
				c = &countries[i], nsn = intl + 2;
		*why = "must be a German (+49), Austrian (+43) or Swiss (+41) number";
		if (!c)
			return -1;
		if (*nsn == '0')        /* "+49 030 …": the trunk 0 does not belong */
			nsn++;
	} else {
		c = country_of(country);
		*why = "a national number needs the location's country (DE, AT, CH); "
		       "or write it with +49, +43 or +41";
		if (!c)
			return -1;
		*why = "a national number starts with the trunk prefix 0 (030 1234567)";
		if (d[0] != '0' || d[1] == '0')
			return -1;
		nsn = d + 1;
	}
	int len = (int)strlen(nsn);
	*why = "has a length the country's numbers do not have";
	if (*nsn == '0' || len < c->nsn_min || len > c->nsn_max || len + 2 > 15)
		return -1;
	if (snprintf(out, LOCAL_E164_MAX, "+%s%s", c->cc, nsn) >= LOCAL_E164_MAX)
		return -1;      /* not reached: len + 2 <= 15 was checked */
	*why = NULL;
	return 0;
}

/* Area codes of the larger cities, for the international notation. */
static const char *const area_codes[] = {
	"4930", "4940", "4989", "49221", "4969", "49711", "49211", "49341", "49351",
	"49911", "49511", "49421", "49231", "49201", "49621", "49721", "49761",
	"49228", "49391", "49331", "49361", "49371", "49381", "49431", "49451",
	"431", "43316", "43662", "43512", "43732", "43463",
};

int local_phone_format(const char *e164, char *out, size_t outsz)
{
	size_t best = 0, n = e164 ? strlen(e164) : 0;
	if (n < 4 || e164[0] != '+')
		return -1;
	for (size_t i = 0; i < sizeof area_codes / sizeof area_codes[0]; i++) {
		size_t k = strlen(area_codes[i]);
		if (k > best && strncmp(e164 + 1, area_codes[i], k) == 0)
			best = k;
	}
	if (strncmp(e164 + 1, "41", 2) == 0 && n == 12)     /* +41 44 668 18 00 */
		return snprintf(out, outsz, "+41 %.2s %.3s %.2s %.2s", e164 + 3, e164 + 5,
				e164 + 8, e164 + 10) < (int)outsz ? 0 : -1;
	if (!best)
		return snprintf(out, outsz, "+%.2s %s", e164 + 1, e164 + 3) < (int)outsz ? 0 : -1;
	return snprintf(out, outsz, "+%.2s %.*s %s", e164 + 1, (int)best - 2, e164 + 3,
			e164 + 1 + best) < (int)outsz ? 0 : -1;
}

/* ---- postal codes and addresses ------------------------------------------------ */

int local_postal_code(const char *s, const char *country, char *out, size_t outsz,
		      const char **why)
{
	const struct country *c = country_of(country);
	*why = "needs the country (DE, AT or CH)";
	if (!c || !s)
		return -1;
	s += strspn(s, " ");
	size_t pre = strlen(country);
	if (strncmp(s, country, pre) == 0 && s[pre] == '-')     /* "CH-8001" */
		s += pre + 1;
	else if (s[0] == country[0] && s[1] == '-')             /* "D-10115", "A-1010" */
		s += 2;
	size_t n = strspn(s, "0123456789");
	*why = c->postal_digits == 5 ? "must be a German postal code of 5 digits (01001-99998)"
	       : strcmp(c->iso, "AT") == 0 ? "must be an Austrian postal code of 4 digits "
	       "(1010-9992)" : "must be a Swiss postal code of 4 digits (1000-9658)";
	if (n != c->postal_digits || s[n + strspn(s + n, " ")] != '\0' || outsz <= n)
		return -1;
	long v = strtol(s, NULL, 10);
	if (v < c->postal_min || v > c->postal_max)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	*why = NULL;
	return 0;
}

int local_address_line(const char *street, const char *postal, const char *city,
		       char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s, %s %s", street ? street : "", postal ? postal : "",
			 city ? city : "");
	return n >= 0 && (size_t)n < outsz ? 0 : -1;
}

/* ---- opening hours ---------------------------------------------------------------- */

static const char *const day_names[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
	"Friday", "Saturday", "Sunday"};
/* Abbreviations, German and English (OpenStreetMap's opening_hours). */
static const struct { const char *abbr; int day; } day_abbr[] = {
	{"Mo", 0}, {"Di", 1}, {"Tu", 1}, {"Mi", 2}, {"We", 2}, {"Do", 3}, {"Th", 3},
	{"Fr", 4}, {"Sa", 5}, {"So", 6}, {"Su", 6},
};

const char *local_day_name(int day)
{
	return day >= 0 && day < 7 ? day_names[day] : NULL;
}

int local_day_index(const char *s)
{
	if (!s)
		return -1;
	if (strncmp(s, "https://schema.org/", 19) == 0)
		s += 19;
	else if (strncmp(s, "http://schema.org/", 18) == 0)
		s += 18;
	for (int i = 0; i < 7; i++)
		if (strcmp(s, day_names[i]) == 0)
			return i;
	return -1;
}

static int abbr_day(const char *s)
{
	for (size_t i = 0; i < sizeof day_abbr / sizeof day_abbr[0]; i++)
		if (strncmp(s, day_abbr[i].abbr, 2) == 0 && !isalpha((unsigned char)s[2]))
			return day_abbr[i].day;
	return -1;
}

int local_clock(const char *s)
{
	if (!s || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	if (m > 59 || h > 24 || (h == 24 && m))
		return -1;
	return h * 60 + m;
}

/* "Mo-Fr,Sa" at *p into a day mask; 0 when there is none. */
static unsigned parse_days(const char **p)
{
	unsigned mask = 0;
	for (;;) {
		int a = abbr_day(*p), b;
		if (a < 0)
			return 0;
		*p += 2;
		b = a;
		if (**p == '-') {
			if ((b = abbr_day(*p + 1)) < 0)
				return 0;
			*p += 3;
		}
		for (int d = a;; d = (d + 1) % 7) {     /* "Sa-Mo" wraps the week */
			mask |= 1u << d;
			if (d == b)
				break;
		}
		if (**p != ',' || abbr_day(*p + 1) < 0)
			return mask;
		(*p)++;
	}
}

/* One "08:00-17:00" at *p; 0/-1. */
static int parse_span(const char **p, int *opens, int *closes)
{
	*opens = local_clock(*p);
	if (*opens < 0 || *opens == 1440 || (*p)[5] != '-')
		return -1;
	*closes = local_clock(*p + 6);
	if (*closes < 0)
		return -1;
	*p += 11;
	return 0;
}

int local_hours_parse(const char *s, local_hours_t *out, size_t max, const char **why,
		      size_t *at)
{
	const char *p = s;
	size_t n = 0;
	while (*(p += strspn(p, " ;"))) {
		unsigned days = parse_days(&p);
		*why = "expected days such as Mo-Fr, Sa or Mo,Mi";
		if (!days)
			goto bad;
		p += strspn(p, " ");
		do {
			int o, c;
			p += *p == ',';
			*why = "expected a time span such as 08:00-17:00";
			if (parse_span(&p, &o, &c) < 0)
				goto bad;
			*why = "opens and closes at the same time";
			if (o == c)
				goto bad;
			*why = "too many time spans";
			if (n >= max)
				goto bad;
			out[n++] = (local_hours_t){days, o, c};
		} while (*p == ',');
		*why = "expected ';' between day groups";
		if (*p && *p != ';' && *p != ' ')
			goto bad;
	}
	*why = "no opening hours";
	if (n == 0)
		goto bad;
	*why = NULL;
	return (int)n;
bad:
	*at = (size_t)(p - s);
	return -1;
}

/* Minute intervals of span h on day d of a two-week line (d and d + 7). */
static int covers(const local_hours_t *h, int d, int *from, int *to)
{
	if (!(h->days & (1u << d)))
		return 0;
	*from = d * 1440 + h->opens;
	*to = d * 1440 + (h->closes > h->opens ? h->closes : h->closes + 1440);
	return 1;
}

int local_hours_overlap(const local_hours_t *h, size_t n, size_t *i, size_t *j)
{
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			for (int da = 0; da < 7; da++)
				for (int db = 0; db < 7; db++) {
					int f1, t1, f2, t2;
					if (!covers(&h[a], da, &f1, &t1) || !covers(&h[b], db, &f2, &t2))
						continue;
					/* Sunday overnight into Monday: compare a week later too */
					int shift = (db == 0 && da == 6) ? 7 * 1440 :
						    (da == 0 && db == 6) ? -7 * 1440 : 0;
					if (f1 < t2 + shift && f2 + shift < t1) {
						*i = a, *j = b;
						return 1;
					}
				}
	return 0;
}

/* ---- NAP normal forms ------------------------------------------------------------- */

/* Lower case of ASCII and of Ä Ö Ü (UTF-8) into out; other bytes copied. */
static void lower(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	for (; s && *s && n + 2 < outsz; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == 0xC3 && (s[1] == '\x84' || s[1] == '\x96' || s[1] == '\x9C')) {
			out[n++] = (char)c;
			out[n++] = (char)((unsigned char)s[1] + 0x20);
			s++;
		} else {
			out[n++] = (char)tolower(c);
		}
	}
	out[n] = '\0';
}

/* Words of a lower-cased text: punctuation becomes space, runs collapse. */
static void words(char *s)
{
	size_t n = 0;
	for (char *p = s; *p; p++) {
		int sep = strchr(" \t,.;:!?\"'()/&+-", *p) != NULL;
		if (sep && (n == 0 || s[n - 1] == ' '))
			continue;
		s[n++] = sep ? ' ' : *p;
	}
	while (n && s[n - 1] == ' ')
		n--;
	s[n] = '\0';
}

/* Legal forms, as words after words(): left out of a name. */
static const char *const legal_forms[] = {
	"gmbh", "mbh", "ag", "kg", "ohg", "gbr", "ug", "haftungsbeschränkt", "co", "e k",
	"ek", "e kfm", "e v", "ev", "se", "kgaa", "sarl", "sàrl", "sa", "ltd", "inc", "llc",
};

static void drop_word(char *s, const char *w)
{
	size_t k = strlen(w);
	for (char *p = s; (p = strstr(p, w));) {
		int start = p == s || p[-1] == ' ', end = p[k] == ' ' || p[k] == '\0';
		if (!start || !end) {
			p++;
			continue;
		}
		memmove(p, p + k + (p[k] == ' '), strlen(p + k + (p[k] == ' ')) + 1);
	}
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

void local_nap_name(const char *s, char *out, size_t outsz)
{
	lower(s, out, outsz);
	words(out);
	for (size_t i = 0; i < sizeof legal_forms / sizeof legal_forms[0]; i++)
		drop_word(out, legal_forms[i]);
}

/* Replaces every `from` that ends a word with `to` (no longer than from + 1). */
static void suffix(char *s, size_t sz, const char *from, const char *to)
{
	size_t kf = strlen(from), kt = strlen(to);
	for (char *p = s; (p = strstr(p, from));) {
		if (p[kf] != ' ' && p[kf] != '\0' && !isdigit((unsigned char)p[kf])) {
			p++;
			continue;
		}
		if (strlen(s) - kf + kt + 1 > sz)
			return;
		memmove(p + kt, p + kf, strlen(p + kf) + 1);
		memcpy(p, to, kt);
		p += kt;
	}
}

void local_nap_street(const char *s, char *out, size_t outsz)
{
	lower(s, out, outsz);
	/* "str." before words() removes its dot: mark it */
	suffix(out, outsz, "str.", "straße");
	suffix(out, outsz, "strasse", "straße");
	suffix(out, outsz, "str", "straße");
	words(out);
	/* "5 a" → "5a" */
	size_t n = 0;
	for (size_t i = 0; out[i]; i++)
		if (!(out[i] == ' ' && i && isdigit((unsigned char)out[i - 1]) &&
		      isalpha((unsigned char)out[i + 1]) && !isalpha((unsigned char)out[i + 2])))
			out[n++] = out[i];
	out[n] = '\0';
}

void local_nap_city(const char *s, char *out, size_t outsz)
{
	lower(s, out, outsz);
	words(out);
}

/* ---- distance ----------------------------------------------------------------------- */

double local_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371.0088, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(fmin(1.0, sqrt(h)));
}

/* ---- time zones ------------------------------------------------------------------------ */

static const char *const cet_zones[] = {"Europe/Berlin", "Europe/Vienna", "Europe/Zurich",
	"Europe/Busingen", "Europe/Vaduz", "Europe/Luxembourg", "Europe/Amsterdam",
	"Europe/Brussels", "Europe/Paris", "Europe/Rome", "Europe/Prague", "Europe/Warsaw",
	"Europe/Copenhagen", "Europe/Stockholm", "Europe/Oslo", "Europe/Madrid"};

static int is_cet(const char *zone)
{
	for (size_t i = 0; zone && i < sizeof cet_zones / sizeof cet_zones[0]; i++)
		if (strcmp(zone, cet_zones[i]) == 0)
			return 1;
	return 0;
}

int local_zone_known(const char *zone)
{
	return is_cet(zone) || (zone && strcmp(zone, "UTC") == 0);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Epoch of 01:00 UTC on the last Sunday of month m (3 or 10) of year y. */
static long long last_sunday_0100(int y, int m)
{
	long long day = days_from_civil(y, m, 31);
	long long wd = ((day % 7) + 7 + 3) % 7;       /* 0 = Monday; 1970-01-01 was a Thursday */
	return (day - (wd + 1) % 7) * 86400 + 3600;
}

static int days_in_month(int y, int m);
static int num(const char *s, int n);

int local_weekday(const char *date)
{
	if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
		return -1;
	int y = num(date, 4), m = num(date + 5, 2), d = num(date + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	long long day = days_from_civil(y, m, d);
	return (int)(((day % 7) + 7 + 3) % 7);
}

static long long day_of(const char *date)
{
	return days_from_civil(num(date, 4), num(date + 5, 2), num(date + 8, 2));
}

unsigned local_weekdays(const char *from, const char *to)
{
	int w = local_weekday(from);
	if (!to)
		to = from;
	if (w < 0 || local_weekday(to) < 0 || day_of(to) < day_of(from))
		return 0;
	long long n = day_of(to) - day_of(from) + 1;
	unsigned mask = 0;
	for (long long i = 0; i < n && i < 7; i++)
		mask |= 1u << ((w + i) % 7);
	return mask;
}

static int year_of(long long epoch)
{
	long long z = epoch / 86400 + 719468 - (epoch < 0 && epoch % 86400);
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	return (int)(yoe + era * 400) + (mp >= 10);
}

int local_zone_offset_at(const char *zone, long long epoch)
{
	if (!is_cet(zone))
		return 0;
	int y = year_of(epoch);
	return epoch >= last_sunday_0100(y, 3) && epoch < last_sunday_0100(y, 10) ? 120 : 60;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0) ? 29 : dm[m - 1];
}

int local_zone_to_utc(const char *zone, int y, int mo, int d, int h, int mi, int s,
		      long long *epoch)
{
	if (y < 1996 || y > 2199 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || !local_zone_known(zone))
		return -1;
	long long wall = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	int found = 0;
	long long first = 0;
	for (int off = 120; off >= 0; off -= 60) {         /* summer, winter, UTC */
		long long t = wall - off * 60;
		if (local_zone_offset_at(zone, t) == off) {
			if (!found)
				first = t;
			found++;
		}
	}
	if (!found)
		return -1;
	*epoch = first;
	return found > 1;
}

/* Reads n digits at s; -1 when they are not there. */
static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return v;
}

static void iso_in_zone(const char *zone, long long epoch, char *iso, size_t isosz)
{
	int off = local_zone_offset_at(zone, epoch);
	long long t = epoch + off * 60, day = t / 86400, sec = t % 86400;
	int y = year_of(t);
	int m = 1;
	while (m < 12 && days_from_civil(y, m + 1, 1) <= day)
		m++;
	snprintf(iso, isosz, "%04d-%02d-%02dT%02lld:%02lld:%02lld%c%02d:%02d", y, m,
		 (int)(day - days_from_civil(y, m, 1) + 1), sec / 3600, sec / 60 % 60, sec % 60,
		 off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
}

int local_event_time(const char *s, const char *zone, long long *epoch, char *iso,
		     size_t isosz, char *why_buf, size_t whysz)
{
	snprintf(why_buf, whysz, "must be an ISO 8601 date-time such as 2026-05-14T18:00 "
		 "(wall clock in %s) or 2026-05-14T18:00:00+02:00", zone);
	if (!s || strlen(s) < 16 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':')
		return -1;
	int y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2), h = num(s + 11, 2);
	int mi = num(s + 14, 2), sec = 0;
	const char *p = s + 16;
	if (*p == ':') {
		if ((sec = num(p + 1, 2)) < 0)
			return -1;
		p += 3;
	}
	if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0)
		return -1;
	int rc = local_zone_to_utc(zone, y, mo, d, h, mi, sec, epoch);
	if (*p == '\0') {
		if (rc < 0)
			snprintf(why_buf, whysz, "%.19s does not exist in %s (the hour skipped when "
				 "clocks go forward) or is not a valid date", s, zone);
		else
			iso_in_zone(zone, *epoch, iso, isosz);
		return rc;
	}
	int off;
	if (strcmp(p, "Z") == 0)
		off = 0;
	else if ((p[0] == '+' || p[0] == '-') && num(p + 1, 2) >= 0 && p[3] == ':' &&
		 num(p + 4, 2) >= 0 && p[6] == '\0')
		off = (p[0] == '-' ? -1 : 1) * (num(p + 1, 2) * 60 + num(p + 4, 2));
	else
		return -1;
	if (local_zone_to_utc("UTC", y, mo, d, h, mi, sec, epoch) < 0)
		return -1;
	*epoch -= off * 60;
	int want = local_zone_offset_at(zone, *epoch);
	if (*p != 'Z' && off != want) {
		snprintf(why_buf, whysz, "the offset %s is not %s's on that date: it is "
			 "%+03d:%02d (%s)", p, zone, want / 60, abs(want) % 60,
			 want == 120 ? "summer time" : "standard time");
		return -1;
	}
	iso_in_zone(zone, *epoch, iso, isosz);
	return 0;
}

/* ---- NAP comparison and service areas ------------------------------------------------- */

/* A postal code without spaces and without a country prefix ("D-", "CH-"). */
static void postal_digits(const char *s, char *out, size_t outsz)
{
	const char *dash = strchr(s, '-');
	if (dash && dash - s <= 3)
		s = dash + 1;
	s += strspn(s, " ");
	snprintf(out, outsz, "%.*s", (int)strcspn(s, " "), s);
}

unsigned local_nap_diff(const local_nap_t *a, const local_nap_t *b, const char *country)
{
	static void (*const norm[4])(const char *, char *, size_t) = {local_nap_name,
		local_nap_street, NULL, local_nap_city};
	const char *fa[5] = {a->name, a->street, a->postal_code, a->city, a->phone};
	const char *fb[5] = {b->name, b->street, b->postal_code, b->city, b->phone};
	char x[512], y[512];
	unsigned diff = 0;
	for (int i = 0; i < 5; i++) {
		if (!fa[i] || !fb[i])
			continue;
		const char *why;
		if (i == 4) {       /* phones: E.164 when both parse, else the digits as written */
			char ea[LOCAL_E164_MAX], eb[LOCAL_E164_MAX];
			if (local_phone_e164(fa[i], country, ea, &why) == 0 &&
			    local_phone_e164(fb[i], country, eb, &why) == 0)
				diff |= strcmp(ea, eb) ? 1u << i : 0;
			else
				diff |= strcmp(fa[i], fb[i]) ? 1u << i : 0;
			continue;
		}
		if (norm[i]) {
			norm[i](fa[i], x, sizeof x);
			norm[i](fb[i], y, sizeof y);
		} else {        /* postal codes: "D-10115" is 10115 */
			postal_digits(fa[i], x, sizeof x);
			postal_digits(fb[i], y, sizeof y);
		}
		diff |= strcmp(x, y) ? 1u << i : 0;
	}
	return diff;
}

/* Bounding boxes with a margin of about 0.1 degrees. */
static const struct { const char *iso; double lat0, lat1, lon0, lon1; } boxes[] = {
	{"DE", 47.2, 55.1, 5.8, 15.1}, {"AT", 46.3, 49.1, 9.5, 17.2}, {"CH", 45.8, 47.9, 5.9, 10.6},
};

int local_geo_in_country(const char *country, double lat, double lon)
{
	for (size_t i = 0; country && i < sizeof boxes / sizeof boxes[0]; i++)
		if (strcmp(boxes[i].iso, country) == 0)
			return lat >= boxes[i].lat0 && lat <= boxes[i].lat1 &&
			       lon >= boxes[i].lon0 && lon <= boxes[i].lon1;
	return 0;
}

double local_overlap_km(double lat1, double lon1, double r1, double lat2, double lon2, double r2)
{
	return r1 + r2 - local_distance_km(lat1, lon1, lat2, lon2);
}

/* ---- Event --------------------------------------------------------------------------- */

enum { EV_REQUIRED, EV_RECOMMENDED };
/* Google Search Central, "Event structured data": required and recommended. */
static const struct { const char *prop; int level; } event_props[] = {
	{"name", EV_REQUIRED}, {"startDate", EV_REQUIRED}, {"location", EV_REQUIRED},
	{"description", EV_RECOMMENDED}, {"endDate", EV_RECOMMENDED},
	{"eventAttendanceMode", EV_RECOMMENDED}, {"eventStatus", EV_RECOMMENDED},
	{"image", EV_RECOMMENDED}, {"offers", EV_RECOMMENDED}, {"organizer", EV_RECOMMENDED},
	{"performer", EV_RECOMMENDED},
};
static const char *const event_statuses[] = {"EventScheduled", "EventCancelled",
	"EventPostponed", "EventRescheduled", "EventMovedOnline", NULL};
static const char *const attendance_modes[] = {"OfflineEventAttendanceMode",
	"OnlineEventAttendanceMode", "MixedEventAttendanceMode", NULL};

static void note(json_t *list, const char *path, const char *msg)
{
	json_array_append_new(list, json_pack("{s:s, s:s}", "path", path, "message", msg));
}

/* The schema.org enumeration member s names ("https://schema.org/X" or "X"), or -1. */
static int member(const char *s, const char *const *names)
{
	if (s && strncmp(s, "https://schema.org/", 19) == 0)
		s += 19;
	for (int i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* The location's node types: bit 0 Place, bit 1 VirtualLocation. */
static unsigned location_kinds(const json_t *loc, json_t *errors)
{
	unsigned kinds = 0;
	size_t n = json_is_array(loc) ? json_array_size(loc) : 1;
	for (size_t i = 0; i < n; i++) {
		const json_t *l = json_is_array(loc) ? json_array_get(loc, i) : loc;
		const char *t = json_string_value(json_object_get(l, "@type"));
		if (t && strcmp(t, "Place") == 0) {
			kinds |= 1;
			if (!json_object_get(l, "address"))
				note(errors, "$.location.address", "a Place needs its address");
		} else if (t && strcmp(t, "VirtualLocation") == 0) {
			kinds |= 2;
			if (!json_is_string(json_object_get(l, "url")))
				note(errors, "$.location.url", "a VirtualLocation needs its url");
		}
	}
	return kinds;
}

void local_event_check(const json_t *ev, json_t *errors, json_t *warnings)
{
	char msg[160], path[64];
	for (size_t i = 0; i < sizeof event_props / sizeof event_props[0]; i++) {
		if (json_object_get(ev, event_props[i].prop))
			continue;
		snprintf(path, sizeof path, "$.%s", event_props[i].prop);
		snprintf(msg, sizeof msg, "%s property %s is missing",
			 event_props[i].level == EV_REQUIRED ? "required" : "recommended",
			 event_props[i].prop);
		note(event_props[i].level == EV_REQUIRED ? errors : warnings, path, msg);
	}
	const char *status = json_string_value(json_object_get(ev, "eventStatus"));
	const char *mode = json_string_value(json_object_get(ev, "eventAttendanceMode"));
	int st = member(status, event_statuses), md = member(mode, attendance_modes);
	if (status && st < 0)
		note(errors, "$.eventStatus", "is not an EventStatusType");
	if (mode && md < 0)
		note(errors, "$.eventAttendanceMode", "is not an EventAttendanceModeEnumeration");
	unsigned kinds = location_kinds(json_object_get(ev, "location"), errors);
	static const unsigned want[] = {1, 2, 3};       /* by attendance mode */
	if (md >= 0 && json_object_get(ev, "location") && (kinds & want[md]) != want[md])
		note(errors, "$.location", md == 0 ? "an offline event needs a Place" : md == 1 ?
		     "an online event needs a VirtualLocation" : "a mixed event needs a Place and "
		     "a VirtualLocation");
	if (st == 3 && !json_object_get(ev, "previousStartDate"))
		note(errors, "$.previousStartDate", "a rescheduled event names its previous start");
	if (st == 4 && md == 0)
		note(errors, "$.eventAttendanceMode", "an event moved online is not offline");
	const json_t *offers = json_object_get(ev, "offers");
	for (size_t i = 0; i < (json_is_array(offers) ? json_array_size(offers) : 0); i++) {
		const json_t *o = json_array_get(offers, i);
		snprintf(path, sizeof path, "$.offers[%zu]", i);
		if (!json_object_get(o, "price") || !json_object_get(o, "priceCurrency"))
			note(errors, path, "an Offer needs price and priceCurrency");
		if (!json_object_get(o, "availability") || !json_object_get(o, "url") ||
		    !json_object_get(o, "validFrom"))
			note(warnings, path, "an Offer should carry availability, url and validFrom");
	}
}
