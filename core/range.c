/* range.c - date range parsing with real time zones; see range.h. */
#include "range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "json_in.h"

static int tz_valid(const char *tz)
{
	if (!tz || !*tz || strlen(tz) > 64 || strstr(tz, "..") || tz[0] == '/')
		return 0;
	for (const char *p = tz; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' || *p == '-' || *p == '+'))
			return 0;
	char path[128];
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	return access(path, R_OK) == 0;
}

/* Days since 1970-01-01 of a YYYY-MM-DD date, or -1 if it is not a real date. */
static long day_number(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = (int)strtol(s, NULL, 10), m = (int)strtol(s + 5, NULL, 10);
	int d = (int)strtol(s + 8, NULL, 10);
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	return (long)(timegm(&tm) / 86400);
}

static void format_day(long day, char out[11])
{
	time_t t = (time_t)day * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Today's date in zone tz. */
static long today_in(const char *tz)
{
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else {
		unsetenv("TZ");
	}
	tzset();
	struct tm day = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = tm.tm_mday,
			 .tm_hour = 12};
	return (long)(timegm(&day) / 86400);
}

int range_parse(req_t *r, range_t *out, json_t *errors)
{
	size_t before = json_array_size(errors);
	const char *from = req_query(r, "from"), *to = req_query(r, "to"), *tz = req_query(r, "tz");
	out->tz = tz ? tz : "Europe/Berlin";
	if (!tz_valid(out->tz)) {
		verr(errors, "tz", "is not a known time zone (e.g. Europe/Berlin)");
		out->tz = "Europe/Berlin";
	}
	long t = to ? day_number(to) : today_in(out->tz);
	if (t < 0)
		verr(errors, "to", "must be a date YYYY-MM-DD");
	long f = from ? day_number(from) : t - (RANGE_DEFAULT_DAYS - 1);
	if (f < 0)
		verr(errors, "from", "must be a date YYYY-MM-DD");
	if (f >= 0 && t >= 0 && f > t)
		verr(errors, "from", "must not be after to");
	else if (f >= 0 && t >= 0 && t - f + 1 > RANGE_MAX_DAYS)
		verr(errors, "from", "the range may span at most %d days", RANGE_MAX_DAYS);
	if (json_array_size(errors) > before)
		return (int)(json_array_size(errors) - before);
	format_day(f, out->from);
	format_day(t, out->to);
	out->days = (int)(t - f + 1);
	return 0;
}

json_t *range_json_new(const range_t *rg)
{
	return json_pack("{s:s, s:s, s:s, s:i}", "from", rg->from, "to", rg->to, "tz", rg->tz,
			 "days", rg->days);
}

int cursor_read(const char *cur, long long *offset)
{
	unsigned char raw[48];
	char *end;
	if (crypto_b64url_decode(cur, raw, sizeof(raw)) < 8 ||
	    strncmp((const char *)raw, "offset:", 7) != 0)
		return -1;
	*offset = strtoll((const char *)raw + 7, &end, 10);
	return *end || end == (char *)raw + 7 || *offset < 0 ? -1 : 0;
}

json_t *cursor_new(long long offset)
{
	char raw[40], enc[64];
	int n = snprintf(raw, sizeof(raw), "offset:%lld", offset);
	crypto_b64url((const unsigned char *)raw, (size_t)n, enc);
	return json_string(enc);
}
