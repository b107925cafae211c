/* video.c - ISO 8601 durations and chapter times by hand-written scanners
 * (strict: units in order, each once), chapter checks as one pass over the
 * sorted list, the score from a table of weights. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jsonld.h"
#include "video.h"

const video_prop_info_t video_props[VIDEO_PROPS] = {
	[VIDEO_NAME] = {"name", "name", 1, 20},
	[VIDEO_THUMBNAIL] = {"thumbnail_url", "thumbnailUrl", 1, 20},
	[VIDEO_UPLOAD_DATE] = {"upload_date", "uploadDate", 1, 20},
	[VIDEO_DESCRIPTION] = {"description", "description", 0, 10},
	[VIDEO_DURATION] = {"duration", "duration", 0, 10},
	[VIDEO_MEDIA_URL] = {"content_url|embed_url", "contentUrl|embedUrl", 0, 10},
	[VIDEO_KEY_MOMENTS] = {"chapters|seek_url_template", "hasPart|potentialAction", 0, 10},
};

/* Digits at *s (at most 9, so no overflow) with an optional fraction when
 * `frac`; advances *s. -1 when there are none. */
static double number_at(const char **s, int frac)
{
	const char *p = *s;
	double v = 0;
	size_t n = strspn(p, "0123456789");
	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	p += n;
	if (frac && *p == '.') {
		size_t f = strspn(p + 1, "0123456789");
		double scale = 0.1;
		if (f == 0 || f > 9)
			return -1;
		for (size_t i = 1; i <= f; i++, scale /= 10)
			v += (p[i] - '0') * scale;
		p += 1 + f;
	}
	*s = p;
	return v;
}

double video_duration_parse(const char *s)
{
	static const struct { char unit; double secs; int in_time; } units[] = {
		{'W', 604800, 0}, {'D', 86400, 0}, {'H', 3600, 1}, {'M', 60, 1}, {'S', 1, 1},
	};
	size_t next = 0;
	int in_time = 0, any = 0;
	double total = 0;
	if (!s || *s++ != 'P')
		return -1;
	while (*s) {
		if (*s == 'T') {
			if (in_time || !s[1])
				return -1;
			in_time = 1;
			s++;
			continue;
		}
		const char *start = s;
		double v = number_at(&s, in_time);
		size_t u = next;
		while (u < sizeof units / sizeof units[0] && (units[u].unit != *s ||
							       units[u].in_time != in_time))
			u++;
		if (v < 0 || u == sizeof units / sizeof units[0])
			return -1;
		if (memchr(start, '.', (size_t)(s - start)) && units[u].unit != 'S')
			return -1;          /* a fraction only on seconds */
		total += v * units[u].secs;
		next = u + 1;
		any = 1;
		s++;
	}
	return any && total <= VIDEO_DURATION_MAX ? total : -1;
}

double video_clock_parse(const char *s)
{
	double parts[3];
	size_t n = 0;
	if (!s || !*s)
		return -1;
	for (;;) {
		size_t d = strspn(s, "0123456789");
		if (d == 0 || n == 3 || (n > 0 && d != 2) || d > 9)
			return -1;
		parts[n] = 0;
		for (size_t i = 0; i < d; i++)
			parts[n] = parts[n] * 10 + (s[i] - '0');
		if (n > 0 && parts[n] >= 60)
			return -1;
		n++;
		s += d;
		if (*s == '\0')
			break;
		if (*s++ != ':')
			return -1;
	}
	double secs = 0;
	for (size_t i = 0; i < n; i++)
		secs = secs * 60 + parts[i];
	return secs;
}

int video_duration_format(double secs, char *out, size_t outsz)
{
	if (!isfinite(secs) || secs < 0 || secs > 1e12 || outsz < 4)
		return -1;
	long long ms = llround(secs * 1000);
	long long h = ms / 3600000, m = ms / 60000 % 60, sec = ms / 1000 % 60, frac = ms % 1000;
	char hp[32] = "", mp[8] = "", sp[24] = "";
	if (h)
		snprintf(hp, sizeof hp, "%lldH", h);
	if (m)
		snprintf(mp, sizeof mp, "%lldM", m);
	if (frac) {
		char f[8];
		snprintf(f, sizeof f, "%03lld", frac);
		for (size_t k = strlen(f); k > 0 && f[k - 1] == '0'; k--)
			f[k - 1] = '\0';
		snprintf(sp, sizeof sp, "%lld.%sS", sec, f);
	} else if (sec || ms == 0) {
		snprintf(sp, sizeof sp, "%lldS", sec);
	}
	int w = snprintf(out, outsz, "PT%s%s%s", hp, mp, sp);
	return w > 0 && (size_t)w < outsz ? 0 : -1;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int video_iso_epoch(const char *s, long long *epoch, int *zoned, int *date_only)
{
	if (!jsonld_is_iso8601(s))
		return -1;
	long long y = two(s) * 100 + two(s + 2);
	long long t = days_from_civil(y, (unsigned)two(s + 5), (unsigned)two(s + 8)) * 86400;
	*zoned = 0;
	*date_only = s[10] == '\0';
	if (!*date_only) {
		const char *p = s + 11;
		t += two(p) * 3600 + two(p + 3) * 60;
		p += 5;
		if (*p == ':') {
			t += two(p + 1);
			p += 3;
		}
		if (*p == '.')
			p += 1 + strspn(p + 1, "0123456789");
		if (*p == '+' || *p == '-') {
			int off = two(p + 1) * 3600 + two(p + (p[3] == ':' ? 4 : 3)) * 60;
			t -= *p == '+' ? off : -off;
			*zoned = 1;
		} else if (*p == 'Z') {
			*zoned = 1;
		}
	}
	*epoch = t;
	return 0;
}

double video_chapter_end(const video_chapter_t *c, size_t n, size_t i, double duration)
{
	if (c[i].end >= 0)
		return c[i].end;
	if (i + 1 < n)
		return c[i + 1].start;
	return duration;
}

static void add(video_chapter_error_t *out, size_t cap, size_t *k, long index,
		const char *field, const char *message, double ref)
{
	if (*k < cap)
		out[*k] = (video_chapter_error_t){index, field, message, ref};
	(*k)++;
}

size_t video_check_chapters(const video_chapter_t *c, size_t n, double duration,
			    video_chapter_error_t *out, size_t cap)
{
	size_t k = 0;
	if (n > 0 && n < VIDEO_CHAPTERS_MIN)
		add(out, cap, &k, -1, NULL, "needs at least 2 chapters (or none)", -1);
	for (size_t i = 0; i < n; i++) {
		long li = (long)i;
		if (!c[i].named)
			add(out, cap, &k, li, "name", "is required: every chapter needs a name", -1);
		if (i > 0 && c[i].start <= c[i - 1].start)
			add(out, cap, &k, li, "start", "must be after the previous chapter's start "
			    "(chapters sorted by start)", c[i - 1].start);
		else if (i > 0 && c[i - 1].end >= 0 && c[i].start < c[i - 1].end)
			add(out, cap, &k, li, "start", "overlaps the previous chapter, which ends "
			    "later", c[i - 1].end);
		if (c[i].end >= 0 && c[i].end <= c[i].start)
			add(out, cap, &k, li, "end", "must be after start", c[i].start);
		if (duration >= 0 && c[i].start >= duration)
			add(out, cap, &k, li, "start", "lies at or beyond the end of the video "
			    "(duration)", duration);
		else if (duration >= 0 && c[i].end > duration)
			add(out, cap, &k, li, "end", "lies beyond the end of the video (duration)",
			    duration);
	}
	return k;
}

int video_score(unsigned present, int deduct)
{
	int s = 0;
	for (int i = 0; i < VIDEO_PROPS; i++)
		if (present & (1u << i))
			s += video_props[i].weight;
	s -= deduct > 0 ? deduct : 0;
	return s < 0 ? 0 : s > 100 ? 100 : s;
}

int video_required_ok(unsigned present)
{
	for (int i = 0; i < VIDEO_PROPS; i++)
		if (video_props[i].required && !(present & (1u << i)))
			return 0;
	return 1;
}
