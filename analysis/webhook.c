/* webhook.c - see webhook.h. */
#include "webhook.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const webhook_schedule_t webhook_schedule_default = {
	{5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600}, 7, 0.2};

/* Status ranges and their meaning; the first matching row wins. */
static const struct {
	int lo, hi;
	enum webhook_outcome outcome;
} outcomes[] = {
	{200, 299, WH_SUCCESS},
	{410, 410, WH_DISABLE},
	{429, 429, WH_RETRY_AFTER},
	{503, 503, WH_RETRY_AFTER},
};

enum webhook_outcome webhook_outcome(int http_status)
{
	for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
		if (http_status >= outcomes[i].lo && http_status <= outcomes[i].hi)
			return outcomes[i].outcome;
	return WH_RETRY;
}

double webhook_retry_delay(const webhook_schedule_t *s, int attempt, double u)
{
	if (attempt < 1 || (size_t)attempt > s->n)
		return -1;
	if (u < 0)
		u = 0;
	if (u >= 1)
		u = 0.999999;
	return s->delay[attempt - 1] * (1 + s->jitter * (2 * u - 1));
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Sun, 06 Nov 1994 08:49:37 GMT" as epoch seconds; -1 when malformed. */
static long long imf_fixdate(const char *v)
{
	struct tm tm = {0};
	char mon[4];
	if (strlen(v) != 29 || v[3] != ',' || v[4] != ' ' || v[7] != ' ' || v[11] != ' ' ||
	    v[16] != ' ' || v[19] != ':' || v[22] != ':' || strcmp(v + 25, " GMT") != 0)
		return -1;
	const int digits[] = {5, 6, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24};
	for (size_t i = 0; i < sizeof digits / sizeof digits[0]; i++)
		if (!isdigit((unsigned char)v[digits[i]]))
			return -1;
	memcpy(mon, v + 8, 3);
	mon[3] = '\0';
	tm.tm_mon = -1;
	for (int m = 0; m < 12; m++)
		if (strcmp(mon, months[m]) == 0)
			tm.tm_mon = m;
	if (tm.tm_mon < 0)
		return -1;
	tm.tm_mday = (v[5] - '0') * 10 + (v[6] - '0');
	tm.tm_year = (int)strtol(v + 12, NULL, 10) - 1900;
	tm.tm_hour = (v[17] - '0') * 10 + (v[18] - '0');
	tm.tm_min = (v[20] - '0') * 10 + (v[21] - '0');
	tm.tm_sec = (v[23] - '0') * 10 + (v[24] - '0');
	if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	return (long long)timegm(&tm);
}

long webhook_retry_after(const char *value, time_t now)
{
	if (!value)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	if (isdigit((unsigned char)*value)) {
		char *end;
		errno = 0;
		long long s = strtoll(value, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end || errno || s > 7L * 86400)
			return *end || errno ? -1 : 7L * 86400;
		return (long)s;
	}
	long long at = imf_fixdate(value);
	if (at < 0)
		return -1;
	long long d = at - (long long)now;
	return d < 0 ? 0 : d > 7L * 86400 ? 7L * 86400 : (long)d;
}

int webhook_schedule_parse(const char *text, webhook_schedule_t *s)
{
	memset(s, 0, sizeof *s);
	s->jitter = 0.2;
	const char *p = text;
	while (p && *p) {
		char *end;
		errno = 0;
		double d = strtod(p, &end);
		if (end == p || errno || !(d > 0) || d > 7 * 86400 || s->n == WEBHOOK_RETRIES_MAX)
			return -1;
		s->delay[s->n++] = d;
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	return s->n ? 0 : -1;
}
