/* level3_multimodal_video.c - #18 POST /api/level3/multimodal/video and #19
 * GET /api/level3/multimodal/video-report.
 *
 * video: one video as a page shows it. Input that cannot become valid markup
 * is a 422 naming every bad field: URLs that are not absolute http(s), a
 * duration that is neither ISO 8601 (years and months refused) nor seconds,
 * an upload date that is not ISO 8601, carries a time without a zone or lies
 * in the future, a seek template without {seek_to_second_number}, chapters
 * (analysis/video.c) that are unnamed, unsorted, overlapping, empty, beyond
 * the duration or fewer than two. What Google wants and the request lacks
 * is an issue, not an error: the required name, thumbnailUrl and uploadDate
 * make a video ineligible for video rich results, the recommended ones
 * (description, duration, contentUrl or embedUrl, hasPart Clips or
 * SeekToAction) lower the score (weights in analysis/video.c, `method` in
 * the answer). Chapters become Clips whose url seeks to their start (the
 * seek template, else the content URL with ?t=); without either they cannot
 * be Clips. A seek template without chapters becomes a SeekToAction.
 *
 * The audit is stored per (site, page, video): the page's host without
 * "www.", its normalised URL and the video's normalised content URL, else
 * embed URL, else the page. One statement upserts it and appends a
 * `video.audited` event when it changed; sending it again answers
 * "unchanged".
 *
 * video-report: all stored audits (or ?site=), worst first (ineligible
 * before eligible, then by score), a page at a time, through the report
 * cache (data_version_videos of sql/022_videos.sql). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "jsonld.h"
#include "router.h"
#include "urlnorm.h"
#include "video.h"

#define URL_MAX 2000
#define THUMBNAILS_MAX 10
#define REGIONS_MAX 250
#define SEEK_PARAM "{seek_to_second_number}"
#define FUTURE_SLACK 300        /* seconds of clock difference forgiven */
#define DESCRIPTION_SHORT 50    /* code points */

static const vrule_t chapter_rules[] = {
	{"name", V_STRING, 1, 0, 200, NULL, NULL},
	{"start", V_ANY, 1, 0, 0, NULL, NULL},          /* seconds, "m:ss" or "h:mm:ss" */
	{"end", V_ANY, 0, 0, 0, NULL, NULL},
};
static const vschema_t chapter_schema = {"VideoChapter", VRULES(chapter_rules), NULL, 0, 0};
static const vrule_t video_rules[] = {
	{"url", V_URL, 1, 1, URL_MAX, NULL, NULL},          /* the page showing the video */
	{"name", V_STRING, 0, 0, 500, NULL, NULL},
	{"description", V_STRING, 0, 0, 5000, NULL, NULL},
	{"thumbnail_url", V_ANY, 0, 0, 0, NULL, NULL},      /* a URL or an array of URLs */
	{"upload_date", V_STRING, 0, 0, 40, NULL, NULL},
	{"duration", V_ANY, 0, 0, 0, NULL, NULL},           /* "PT1M30S" or seconds */
	{"content_url", V_URL, 0, 1, URL_MAX, NULL, NULL},
	{"embed_url", V_URL, 0, 1, URL_MAX, NULL, NULL},
	{"transcript", V_STRING, 0, 0, 200000, NULL, NULL},
	{"chapters", V_ARRAY, 0, 0, VIDEO_CHAPTERS_MAX, NULL, &chapter_schema},
	{"seek_url_template", V_URL, 0, 1, URL_MAX, NULL, NULL},
	{"expires", V_STRING, 0, 0, 40, NULL, NULL},
	{"regions_allowed", V_ANY, 0, 0, 0, NULL, NULL},    /* "DE AT" or ["DE", "AT"] */
	{"family_friendly", V_BOOL, 0, 0, 0, NULL, NULL},
};
static const vschema_t video_body = {"VideoAudit", VRULES(video_rules), NULL, 0, 0};
const api_op_t op_video_audit = {NULL, 0, &video_body,
	"{\"url\": \"https://zoe-solar.de/ratgeber/balkonkraftwerk-montage\", "
	"\"name\": \"Balkonkraftwerk montieren in 10 Minuten\", \"description\": "
	"\"Schritt für Schritt: Halterung, Module, Wechselrichter und Stecker.\", "
	"\"thumbnail_url\": [\"https://zoe-solar.de/media/bkw-16x9.jpg\"], "
	"\"upload_date\": \"2025-04-02T09:00:00+02:00\", \"duration\": \"PT9M40S\", "
	"\"content_url\": \"https://zoe-solar.de/media/bkw.mp4\", \"chapters\": ["
	"{\"name\": \"Halterung\", \"start\": 0}, {\"name\": \"Module\", \"start\": \"2:10\"}, "
	"{\"name\": \"Stecker\", \"start\": \"6:45\"}]}", 0, NULL};

/* What the request says, checked. */
typedef struct video {
	const char *url, *name, *description, *upload_date, *content_url, *embed_url;
	const char *transcript, *seek, *expires, *regions;
	char url_norm[URL_MAX + 64], key[URL_MAX + 64], site[256];
	json_t *thumbnails;             /* array of URLs, or NULL */
	double duration;                /* seconds, -1 when not given */
	video_chapter_t *ch;
	size_t nch;
	int expired;
} video_t;

static const char *nonblank(json_t *body, const char *field)
{
	const char *s = json_string_value(json_object_get(body, field));
	return s && s[strspn(s, " \t\r\n")] ? s : NULL;
}

/* Seconds of a duration or chapter time; -1 when bad, -2 when absent. */
static double seconds_of(json_t *v, int iso)
{
	if (!v || json_is_null(v))
		return -2;
	if (json_is_number(v)) {
		double x = json_number_value(v);
		return isfinite(x) && x >= 0 && x <= VIDEO_DURATION_MAX ? x : -1;
	}
	if (!json_is_string(v))
		return -1;
	return iso ? video_duration_parse(json_string_value(v))
		   : video_clock_parse(json_string_value(v));
}

static void check_duration(json_t *body, video_t *v, json_t *errors)
{
	json_t *d = json_object_get(body, "duration");
	v->duration = seconds_of(d, 1);
	if (v->duration == -2) {
		v->duration = -1;
	} else if (v->duration < 0) {
		double c = json_is_string(d) ? video_clock_parse(json_string_value(d)) : -1;
		char iso[32];
		if (c >= 0 && video_duration_format(c, iso, sizeof iso) == 0)
			verr(errors, "duration", "must be an ISO 8601 duration or seconds: "
			     "write %s or %g", iso, c);
		else
			verr(errors, "duration", "must be an ISO 8601 duration (PT1M30S; no years "
			     "or months) or seconds up to one week");
	}
}

/* An ISO 8601 date, or date-time with a zone; `past`: not in the future. */
static int check_date(const char *s, const char *field, int past, json_t *errors,
		      long long *epoch)
{
	int zoned, date_only;
	if (video_iso_epoch(s, epoch, &zoned, &date_only) < 0) {
		verr(errors, field, "must be an ISO 8601 date (2025-04-02) or date-time with "
		     "a zone (2025-04-02T09:00:00+02:00)");
		return -1;
	}
	if (!date_only && !zoned) {
		verr(errors, field, "needs a time zone (Z or +02:00): Google reads a time "
		     "without one as ambiguous");
		return -1;
	}
	/* a date is in the future once its day has begun nowhere on earth (UTC+14) */
	long long now = (long long)time(NULL), at = date_only ? *epoch - 14 * 3600 : *epoch;
	if (past && at > now + FUTURE_SLACK) {
		verr(errors, field, "lies in the future");
		return -1;
	}
	return 0;
}

/* Whether `field` was already named (by the rule table): one error per field. */
static int named(json_t *errors, const char *field)
{
	json_t *e;
	size_t i;
	json_array_foreach(errors, i, e)
		if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
			return 1;
	return 0;
}

static void check_url(const char *s, const char *field, json_t *errors)
{
	if (s && !named(errors, field) && !jsonld_is_absolute_url(s))
		verr(errors, field, "must be an absolute http(s) URL with a host");
}

static void check_thumbnails(json_t *body, video_t *v, arena_t *a, json_t *errors)
{
	json_t *t = json_object_get(body, "thumbnail_url"), *u;
	size_t i;
	char f[40];
	if (!t || json_is_null(t))
		return;
	v->thumbnails = arena_json(a, json_array());
	if (json_is_string(t)) {
		check_url(json_string_value(t), "thumbnail_url", errors);
		json_array_append(v->thumbnails, t);
		return;
	}
	if (!json_is_array(t) || json_array_size(t) > THUMBNAILS_MAX) {
		verr(errors, "thumbnail_url", "must be a URL or an array of at most %d URLs",
		     THUMBNAILS_MAX);
		return;
	}
	json_array_foreach(t, i, u) {
		snprintf(f, sizeof f, "thumbnail_url[%zu]", i);
		if (!json_is_string(u) || strlen(json_string_value(u)) > URL_MAX)
			verr(errors, f, "must be an absolute http(s) URL");
		else
			check_url(json_string_value(u), f, errors);
		json_array_append(v->thumbnails, u);
	}
}

/* "DE AT CH" from a string or array of ISO 3166-1 alpha-2 codes. */
static void check_regions(json_t *body, video_t *v, arena_t *a, json_t *errors)
{
	json_t *r = json_object_get(body, "regions_allowed"), *c;
	char buf[3 * REGIONS_MAX + 1] = "";
	size_t i, n = 0;
	if (!r || json_is_null(r))
		return;
	json_t *list = json_is_array(r) ? r : NULL;
	if (json_is_string(r)) {
		list = arena_json(a, json_array());
		const char *s = json_string_value(r);
		while (*(s += strspn(s, " ,"))) {
			size_t len = strcspn(s, " ,");
			json_array_append_new(list, json_stringn(s, len));
			s += len;
		}
	}
	json_array_foreach(list, i, c) {
		const char *s = json_string_value(c);
		if (!s || strlen(s) != 2 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 2 ||
		    n >= REGIONS_MAX) {
			list = NULL;
			break;
		}
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? " " : "", s);
	}
	if (!list || n == 0)
		verr(errors, "regions_allowed", "must be ISO 3166-1 alpha-2 country codes "
		     "(\"DE AT CH\" or [\"DE\", \"AT\"])");
	else
		v->regions = arena_strdup(a, buf);
}

/* Reads and checks the chapters; every bad one named "chapters[i].start". */
static void check_chapters(json_t *body, video_t *v, arena_t *a, json_t *errors)
{
	json_t *list = json_object_get(body, "chapters"), *c;
	size_t i;
	char f[48];
	int bad = 0;
	if (!json_is_array(list) || json_array_size(list) == 0)
		return;
	v->nch = json_array_size(list);
	v->ch = arena_calloc(a, v->nch, sizeof *v->ch);
	if (!v->ch) {
		v->nch = 0;
		return;
	}
	json_array_foreach(list, i, c) {
		snprintf(f, sizeof f, "chapters[%zu]", i);
		if (!json_is_object(c)) {
			verr(errors, f, "must be an object {name, start, end?}");
			bad = 1;
			continue;
		}
		bad |= validate(c, VRULES(chapter_rules), f, errors) > 0;
		const char *name = json_string_value(json_object_get(c, "name"));
		v->ch[i].named = !name || name[strspn(name, " \t\r\n")];  /* absent: named above */
		v->ch[i].start = seconds_of(json_object_get(c, "start"), 0);
		v->ch[i].end = seconds_of(json_object_get(c, "end"), 0);
		if (v->ch[i].end == -2)
			v->ch[i].end = -1;
		else if (v->ch[i].end < 0)
			bad = 1, verr(errors, arena_printf(a, "%s.end", f), "must be seconds >= 0 "
				      "or a time m:ss / h:mm:ss");
		if (v->ch[i].start < 0 && json_object_get(c, "start"))
			verr(errors, arena_printf(a, "%s.start", f), "must be seconds >= 0 or a "
			     "time m:ss / h:mm:ss");
		bad |= v->ch[i].start < 0;
	}
	if (bad)
		return;         /* order and overlap only mean something on good times */
	video_chapter_error_t e[32];
	size_t n = video_check_chapters(v->ch, v->nch, v->duration, e, 32);
	for (size_t k = 0; k < n && k < 32; k++) {
		const char *field = e[k].index < 0 ? "chapters" : e[k].field ?
			arena_printf(a, "chapters[%ld].%s", e[k].index, e[k].field) :
			arena_printf(a, "chapters[%ld]", e[k].index);
		if (e[k].ref >= 0)
			verr(errors, field, "%s (%g s)", e[k].message, e[k].ref);
		else
			verr(errors, field, "%s", e[k].message);
	}
}

/* The page's normal form, its site and the video's key. */
static void check_keys(video_t *v, json_t *errors)
{
	char media[URL_MAX + 64];
	const char *host;
	if (urlnorm(v->url, v->url_norm, sizeof v->url_norm, NULL, 0) < 0) {
		verr(errors, "url", "must be an absolute http(s) URL with a host");
		return;
	}
	size_t n = urlnorm_host(v->url_norm, &host);
	if (n >= 4 && strncmp(host, "www.", 4) == 0)
		host += 4, n -= 4;
	snprintf(v->site, sizeof v->site, "%.*s", (int)n, host);
	const char *m = v->content_url ? v->content_url : v->embed_url;
	if (m && urlnorm(m, media, sizeof media, NULL, 0) >= 0)
		snprintf(v->key, sizeof v->key, "%s", media);
	else
		snprintf(v->key, sizeof v->key, "%s", v->url_norm);
}

/* Checks the whole body into v; 0 when it is good, else errors were added. */
static int read_video(json_t *body, video_t *v, arena_t *a, json_t *errors)
{
	memset(v, 0, sizeof *v);
	validate(body, VRULES(video_rules), "", errors);
	v->url = json_string_value(json_object_get(body, "url"));
	v->name = nonblank(body, "name");
	v->description = nonblank(body, "description");
	v->upload_date = nonblank(body, "upload_date");
	v->content_url = json_string_value(json_object_get(body, "content_url"));
	v->embed_url = json_string_value(json_object_get(body, "embed_url"));
	v->transcript = nonblank(body, "transcript");
	v->seek = json_string_value(json_object_get(body, "seek_url_template"));
	v->expires = nonblank(body, "expires");
	check_url(v->content_url, "content_url", errors);
	check_url(v->embed_url, "embed_url", errors);
	check_url(v->seek, "seek_url_template", errors);
	if (v->seek && !named(errors, "seek_url_template") && !strstr(v->seek, SEEK_PARAM))
		verr(errors, "seek_url_template", "must contain " SEEK_PARAM " where the "
		     "second goes, e.g. https://zoe-solar.de/video?t=" SEEK_PARAM);
	long long at;
	if (v->upload_date)
		check_date(v->upload_date, "upload_date", 1, errors, &at);
	if (v->expires && check_date(v->expires, "expires", 0, errors, &at) == 0)
		v->expired = at < (long long)time(NULL);
	check_thumbnails(body, v, a, errors);
	check_regions(body, v, a, errors);
	check_duration(body, v, errors);
	check_chapters(body, v, a, errors);
	check_url(v->url, "url", errors);
	if (v->url && !named(errors, "url"))
		check_keys(v, errors);
	return json_array_size(errors) ? -1 : 0;
}

/* ---- markup and verdict -------------------------------------------------------- */

/* A number as JSON: an integer when it is one. */
static json_t *seconds_json(double s)
{
	return s == floor(s) && s < 9e15 ? json_integer((json_int_t)s) : json_real(s);
}

/* The url that opens the video at second s, or NULL when none is known. */
static char *seek_url(arena_t *a, const video_t *v, double s)
{
	long long sec = (long long)floor(s);
	if (v->seek) {
		const char *p = strstr(v->seek, SEEK_PARAM);
		return arena_printf(a, "%.*s%lld%s", (int)(p - v->seek), v->seek, sec,
				    p + strlen(SEEK_PARAM));
	}
	if (v->content_url) {
		size_t n = strcspn(v->content_url, "#");
		return arena_printf(a, "%.*s%ct=%lld", (int)n, v->content_url,
				    memchr(v->content_url, '?', n) ? '&' : '?', sec);
	}
	return NULL;
}

static json_t *clips_json(arena_t *a, const video_t *v, json_t *body)
{
	json_t *clips = json_array(), *list = json_object_get(body, "chapters");
	for (size_t i = 0; clips && i < v->nch; i++) {
		double end = video_chapter_end(v->ch, v->nch, i, v->duration);
		json_t *c = json_pack("{s:s, s:O, s:o, s:s}", "@type", "Clip", "name",
			json_object_get(json_array_get(list, i), "name"),
			"startOffset", seconds_json(v->ch[i].start), "url", seek_url(a, v, v->ch[i].start));
		if (c && end >= 0)
			json_object_set_new(c, "endOffset", seconds_json(end));
		json_array_append_new(clips, c);
	}
	return clips;
}

/* The VideoObject; *present gets the bits of enum video_prop it carries. */
static json_t *markup_new(arena_t *a, const video_t *v, json_t *body, unsigned *present)
{
	char iso[32];
	json_t *m = json_pack("{s:s, s:s}", "@context", JSONLD_CONTEXT, "@type", "VideoObject");
	if (!m)
		return NULL;
	*present = 0;
	const struct { const char *prop, *value; int bit; } text[] = {
		{"name", v->name, VIDEO_NAME}, {"description", v->description, VIDEO_DESCRIPTION},
		{"uploadDate", v->upload_date, VIDEO_UPLOAD_DATE},
		{"contentUrl", v->content_url, VIDEO_MEDIA_URL},
		{"embedUrl", v->embed_url, VIDEO_MEDIA_URL}, {"expires", v->expires, -1},
		{"regionsAllowed", v->regions, -1}, {"transcript", v->transcript, -1},
	};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
		if (!text[i].value)
			continue;
		json_object_set_new(m, text[i].prop, json_string(text[i].value));
		if (text[i].bit >= 0)
			*present |= 1u << text[i].bit;
	}
	if (json_array_size(v->thumbnails)) {
		json_object_set(m, "thumbnailUrl", v->thumbnails);
		*present |= 1u << VIDEO_THUMBNAIL;
	}
	if (v->duration >= 0 && video_duration_format(v->duration, iso, sizeof iso) == 0) {
		json_object_set_new(m, "duration", json_string(iso));
		*present |= 1u << VIDEO_DURATION;
	}
	json_t *ff = json_object_get(body, "family_friendly");
	if (json_is_boolean(ff))
		json_object_set(m, "isFamilyFriendly", ff);
	if (v->nch && (v->seek || v->content_url)) {
		json_object_set_new(m, "hasPart", clips_json(a, v, body));
		*present |= 1u << VIDEO_KEY_MOMENTS;
	} else if (!v->nch && v->seek) {
		json_object_set_new(m, "potentialAction", json_pack("{s:s, s:s, s:s}", "@type",
			"SeekToAction", "target", v->seek, "startOffset-input",
			"required name=seek_to_second_number"));
		*present |= 1u << VIDEO_KEY_MOMENTS;
	}
	return m;
}

/* Quality findings beyond missing properties: code, severity, field, points
 * deducted from the score, message. */
static const struct finding {
	const char *code, *severity, *field;
	int deduct;
	const char *message;
} findings[] = {
	{"expired", "error", "expires", 20, "expires lies in the past: Google shows no "
	 "video rich result for an expired video"},
	{"clip_url_unknown", "warning", "chapters", 0, "chapters cannot become Clips "
	 "without a URL that seeks to their start: send seek_url_template or content_url"},
	{"description_short", "warning", "description", 5, "description under 50 "
	 "characters: say what the video shows"},
	{"description_is_name", "warning", "description", 5, "description repeats the "
	 "name"},
	{"transcript_missing", "info", "transcript", 0, "no transcript: a transcript on "
	 "the page makes the spoken content searchable and accessible"},
	{"jsonld_invalid", "error", NULL, 0, "the generated VideoObject does not validate"},
};

static const struct finding *finding(const char *code)
{
	for (size_t i = 0; i < sizeof findings / sizeof findings[0]; i++)
		if (strcmp(findings[i].code, code) == 0)
			return &findings[i];
	return NULL;
}

static void issue(json_t *issues, const char *code, const char *severity, const char *field,
		  const char *message)
{
	json_array_append_new(issues, json_pack("{s:s, s:s, s:s?, s:s}", "code", code,
		"severity", severity, "field", field, "message", message));
}

/* Missing properties and findings into issues; returns the points deducted. */
static int verdict(const video_t *v, unsigned present, json_t *validation, json_t *issues,
		   json_t *miss_req, json_t *miss_rec)
{
	static const char *const missing_codes[VIDEO_PROPS] = {"missing_name",
		"missing_thumbnail", "missing_upload_date", "missing_description",
		"missing_duration", "missing_content_or_embed_url", "missing_key_moments"};
	char msg[200];
	int deduct = 0;
	for (int i = 0; i < VIDEO_PROPS; i++) {
		const video_prop_info_t *p = &video_props[i];
		if (present & (1u << i))
			continue;
		json_array_append_new(p->required ? miss_req : miss_rec, json_string(p->jsonld));
		snprintf(msg, sizeof msg, "%s %s is missing%s", p->required ? "required" :
			 "recommended", p->jsonld, p->required ? ": no video rich result" : "");
		issue(issues, missing_codes[i], p->required ? "error" : "warning", p->field, msg);
	}
	const char *codes[6];
	size_t n = 0;
	if (v->expired)
		codes[n++] = "expired";
	if (v->nch && !(v->seek || v->content_url))
		codes[n++] = "clip_url_unknown";
	if (v->description && utf8_len(v->description) < DESCRIPTION_SHORT)
		codes[n++] = "description_short";
	if (v->description && v->name && strcmp(v->description, v->name) == 0)
		codes[n++] = "description_is_name";
	if (!v->transcript)
		codes[n++] = "transcript_missing";
	if (!json_is_true(json_object_get(validation, "valid")))
		codes[n++] = "jsonld_invalid";
	for (size_t k = 0; k < n; k++) {
		const struct finding *f = finding(codes[k]);
		issue(issues, f->code, f->severity, f->field, f->message);
		deduct += f->deduct;
	}
	return deduct;
}

static json_t *method_json(void)
{
	json_t *w = json_object(), *d = json_object();
	for (int i = 0; i < VIDEO_PROPS; i++)
		json_object_set_new(w, video_props[i].jsonld, json_integer(video_props[i].weight));
	for (size_t i = 0; i < sizeof findings / sizeof findings[0]; i++)
		if (findings[i].deduct)
			json_object_set_new(d, findings[i].code, json_integer(findings[i].deduct));
	return json_pack("{s:s, s:o, s:o, s:s}", "score", "sum of the weights of the "
		"properties present, less the deductions of the findings, within 0..100",
		"weights", w, "deductions", d, "eligible", "every required property present, "
		"not expired, and the VideoObject validates");
}

/* ---- storage -------------------------------------------------------------------- */

/* One statement: the upsert and, when the audit changed, its event. $1 site,
 * $2 url, $3 url_norm, $4 video_key, $5 name, $6 score, $7 eligible,
 * $8 duration, $9 chapters, $10 issues, $11 jsonld, $12 who. */
static const db_stmt_t q_upsert = {"video_upsert",
	"WITH old AS (SELECT url, name, score, eligible, duration_seconds, chapters, issues, jsonld"
	"  FROM videos WHERE site = $1 AND url_norm = $3 AND video_key = $4),"
	" up AS (INSERT INTO videos AS v (site, site_id, url, url_norm, video_key, name, score,"
	"  eligible, duration_seconds, chapters, issues, jsonld)"
	"  SELECT $1, (SELECT s.id FROM sites s WHERE $1 IN (s.domain, 'www.' || s.domain)"
	"   ORDER BY s.id LIMIT 1), $2, $3, $4, $5, $6::smallint, $7::boolean, $8::float8,"
	"   $9::int, $10::jsonb, $11::jsonb"
	"  ON CONFLICT (site, url_norm, video_key) DO UPDATE SET url = EXCLUDED.url,"
	"   site_id = coalesce(EXCLUDED.site_id, v.site_id), name = EXCLUDED.name,"
	"   score = EXCLUDED.score, eligible = EXCLUDED.eligible,"
	"   duration_seconds = EXCLUDED.duration_seconds, chapters = EXCLUDED.chapters,"
	"   issues = EXCLUDED.issues, jsonld = EXCLUDED.jsonld, analysed_at = now()"
	"  RETURNING v.id, (v.xmax = 0) AS inserted, v.analysed_at),"
	" st AS (SELECT up.id, up.analysed_at, CASE WHEN up.inserted THEN 'inserted'"
	"  WHEN (SELECT (url, name, score, eligible, duration_seconds, chapters, issues, jsonld)"
	"   FROM old) IS NOT DISTINCT FROM ($2, $5, $6::smallint, $7::boolean, $8::float8,"
	"   $9::int, $10::jsonb, $11::jsonb) THEN 'unchanged' ELSE 'updated' END AS status FROM up),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'video.audited', jsonb_build_object("
	"  'id', id, 'site', $1::text, 'url', $2::text, 'video', $4::text, 'score', $6::int,"
	"  'eligible', $7::boolean, 'status', status, 'by', $12::text) FROM st WHERE status <> 'unchanged' RETURNING id)"
	" SELECT id, status, to_char(analysed_at AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), (SELECT count(*) FROM ev) FROM st"};

static char *dump(arena_t *a, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
	if (s && arena_cleanup(a, free, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Stores the audit `out` of v and adds id, status and analysed_at to it;
 * NULL on a database error (db_last tells which). */
static PGresult *store(arena_t *a, const video_t *v, json_t *out, const char *who)
{
	char score[8], dur[40], nch[24];
	snprintf(score, sizeof score, "%d", (int)json_integer_value(json_object_get(out, "score")));
	snprintf(dur, sizeof dur, "%.17g", v->duration);
	snprintf(nch, sizeof nch, "%zu", v->nch);
	const char *p[] = {v->site, v->url, v->url_norm, v->key, v->name, score,
		json_is_true(json_object_get(out, "eligible")) ? "true" : "false",
		v->duration >= 0 ? dur : NULL, nch, dump(a, json_object_get(out, "issues")),
		dump(a, json_object_get(out, "jsonld")), who};
	PGresult *res = p[9] && p[10] && who ? db_run(a, &q_upsert, 12, p) : NULL;
	if (res) {
		json_object_set_new(out, "id", json_integer((json_int_t)db_getll(res, 0, 0, 0)));
		json_object_set_new(out, "status", json_string(db_get(res, 0, 1)));
		json_object_set_new(out, "analysed_at", json_string(db_get(res, 0, 2)));
	}
	return res;
}

/* The audit of a checked video (owned by the arena), NULL on out of memory. */
static json_t *audit(arena_t *a, const video_t *v, json_t *body)
{
	unsigned present = 0;
	json_t *markup = arena_json(a, markup_new(a, v, body, &present));
	json_t *validation = markup ? arena_json(a, jsonld_validate_new(markup)) : NULL;
	json_t *issues = arena_json(a, json_array());
	json_t *mreq = arena_json(a, json_array()), *mrec = arena_json(a, json_array());
	if (!validation || !issues || !mreq || !mrec)
		return NULL;
	int deduct = verdict(v, present, validation, issues, mreq, mrec);
	int eligible = video_required_ok(present) && !v->expired &&
		       json_is_true(json_object_get(validation, "valid"));
	return arena_json(a, json_pack("{s:s, s:s, s:i, s:b, s:O, s:O, s:O, s:O, s:O, s:O, s:o,"
		" s:I, s:o}", "url", v->url, "site", v->site,
		"score", video_score(present, deduct), "eligible", eligible,
		"missing_required", mreq, "missing_recommended", mrec, "issues", issues,
		"jsonld", markup, "errors", json_object_get(validation, "errors"),
		"warnings", json_object_get(validation, "warnings"),
		"duration_seconds", v->duration >= 0 ? seconds_json(v->duration) : json_null(),
		"chapters", (json_int_t)v->nch, "method", method_json()));
}

int h_video_audit(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	video_t *v = arena_alloc(r->arena, sizeof *v);
	if (!errors || !v)
		return reply_problem(r, 500, "out of memory", NULL);
	if (read_video(body, v, r->arena, errors) < 0)
		return reply_invalid(r, json_incref(errors));
	json_t *out = audit(r->arena, v, body);
	const char *who = req_actor(r);
	if (!out || !who)
		return reply_problem(r, 500, "out of memory", NULL);
	return store(r->arena, v, out, who) ? reply_json(r, 200, out) : db_fail(r);
}

/* ---- demo ------------------------------------------------------------------------- */

/* Videos of the demo site as an editor would send them: a complete one and
 * the gaps a real site has (YouTube embed without chapters, no thumbnail and
 * a thin description, an expired campaign, a bare team video). */
static const char *const demo_videos[] = {
	"{\"url\": \"https://zoe-solar.de/ratgeber/balkonkraftwerk-montage\", \"name\": "
	"\"Balkonkraftwerk montieren in 10 Minuten\", \"description\": \"Schritt für Schritt: "
	"Halterung am Geländer, Module ausrichten, Wechselrichter und Schukostecker anschließen.\", "
	"\"thumbnail_url\": [\"https://zoe-solar.de/media/bkw-16x9.jpg\", "
	"\"https://zoe-solar.de/media/bkw-4x3.jpg\", \"https://zoe-solar.de/media/bkw-1x1.jpg\"], "
	"\"upload_date\": \"2025-04-02T09:00:00+02:00\", \"duration\": \"PT9M40S\", "
	"\"content_url\": \"https://zoe-solar.de/media/bkw.mp4\", \"seek_url_template\": "
	"\"https://zoe-solar.de/ratgeber/balkonkraftwerk-montage?t={seek_to_second_number}\", "
	"\"transcript\": \"Hallo, heute montieren wir ein Balkonkraftwerk mit zwei Modulen.\", "
	"\"chapters\": [{\"name\": \"Halterung\", \"start\": 0}, {\"name\": \"Module\", "
	"\"start\": \"2:10\"}, {\"name\": \"Wechselrichter\", \"start\": \"5:05\"}, "
	"{\"name\": \"Stecker und Anmeldung\", \"start\": \"7:30\"}]}",
	"{\"url\": \"https://zoe-solar.de/produkte/waermepumpe\", \"name\": \"So arbeitet "
	"eine Luft-Wasser-Wärmepumpe\", \"description\": \"Wie eine Wärmepumpe aus Außenluft "
	"Heizwärme gewinnt und warum sie mit Solarstrom besonders günstig läuft.\", "
	"\"thumbnail_url\": \"https://zoe-solar.de/media/wp.jpg\", \"upload_date\": "
	"\"2024-10-15\", \"duration\": 245, \"embed_url\": "
	"\"https://www.youtube-nocookie.com/embed/zoe-wp-01\"}",
	"{\"url\": \"https://zoe-solar.de/ratgeber/stromspeicher\", \"name\": \"Stromspeicher: "
	"lohnt sich das?\", \"description\": \"Stromspeicher\", \"upload_date\": "
	"\"2024-03-01T12:00:00Z\", \"duration\": \"PT6M\", \"content_url\": "
	"\"https://zoe-solar.de/media/speicher.mp4\"}",
	"{\"url\": \"https://zoe-solar.de/aktionen/fruehjahr-2025\", \"name\": "
	"\"Frühjahrsaktion: 10 % auf Balkonkraftwerke\", \"description\": \"Unsere Aktion im "
	"Frühjahr 2025: Balkonkraftwerke mit Montage zum Aktionspreis, nur bis Ende Juni.\", "
	"\"thumbnail_url\": \"https://zoe-solar.de/media/aktion.jpg\", \"upload_date\": "
	"\"2025-03-01\", \"duration\": 58, \"content_url\": "
	"\"https://zoe-solar.de/media/aktion.mp4\", \"expires\": \"2025-06-30T23:59:59+02:00\"}",
	"{\"url\": \"https://zoe-solar.de/standorte/berlin\", \"name\": \"Unser Team in Berlin\", "
	"\"thumbnail_url\": \"https://zoe-solar.de/media/berlin.jpg\", \"upload_date\": "
	"\"2023-09-12\"}",
};

static int seed_one(arena_t *a, json_t *body)
{
	json_t *errors = arena_json(a, json_array()), *out = NULL;
	video_t *v = arena_alloc(a, sizeof *v);
	return errors && v && read_video(body, v, a, errors) == 0 &&
	       (out = audit(a, v, body)) && store(a, v, out, "seed") ? 0 : -1;
}

/* Audits and stores the demo videos (zoe seed --demo); 0/-1. Idempotent. */
int video_seed_demo(void)
{
	return seed_docs("videos", demo_videos, sizeof demo_videos / sizeof demo_videos[0], seed_one);
}

/* ---- report ---------------------------------------------------------------------- */

/* $1 site or NULL, $2 rows wanted (limit + 1), $3..$5 the cursor's eligible,
 * score and id (NULL: from the start). Worst first: ineligible, low score. */
static const db_stmt_t q_report = {"video_report",
	"WITH v AS (SELECT * FROM videos WHERE $1::text IS NULL OR site = $1)"
	" SELECT json_build_object("
	" 'n', (SELECT count(*) FROM v),"
	" 'eligible', (SELECT count(*) FROM v WHERE eligible),"
	" 'mean_score', (SELECT round(avg(score), 2)::float8 FROM v),"
	" 'top_issues', (SELECT coalesce(json_agg(json_build_object('code', code, 'count', n)"
	"   ORDER BY n DESC, code), '[]') FROM (SELECT i->>'code' AS code, count(DISTINCT v.id) AS n"
	"   FROM v, jsonb_array_elements(v.issues) i GROUP BY 1) t),"
	" 'items', (SELECT coalesce(json_agg(json_build_object('id', id, 'url', url, 'site', site,"
	"   'name', name, 'score', score, 'eligible', eligible,"
	"   'duration_seconds', duration_seconds, 'chapters', chapters,"
	"   'issues', (SELECT coalesce(json_agg(i->>'code' ORDER BY o), '[]')"
	"     FROM jsonb_array_elements(w.issues) WITH ORDINALITY x(i, o)),"
	"   'analysed_at', to_char(analysed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"
	"   ORDER BY eligible, score, id), '[]')"
	"  FROM (SELECT * FROM v WHERE $3::boolean IS NULL"
	"   OR (eligible, score, id) > ($3::boolean, $4::int, $5::bigint)"
	"   ORDER BY eligible, score, id LIMIT $2::int) w))"};

/* The data this report reads, for the report cache (core/cache.h). */
static const db_stmt_t q_videos_stamp = {"q_videos_stamp",
	"SELECT (SELECT last_value FROM data_version_videos)::text"};

/* The cursor: base64url of "v1:<eligible 0|1>:<score>:<id>" of the last item. */
static int read_cursor(arena_t *a, const char *cur, const char *out[3])
{
	unsigned char raw[64];
	int e, s;
	long long id;
	char *end;
	int n = crypto_b64url_decode(cur, raw, sizeof raw - 1);
	if (n < 8 || strlen(cur) > 80)
		return -1;
	raw[n] = '\0';
	const char *t = (const char *)raw;
	if (strncmp(t, "v1:", 3) != 0 || (t[3] != '0' && t[3] != '1') || t[4] != ':')
		return -1;
	e = t[3] - '0';
	s = (int)strtol(t + 5, &end, 10);
	if (*end != ':' || end == t + 5 || s < 0 || s > 100)
		return -1;
	const char *idp = end + 1;
	id = strtoll(idp, &end, 10);
	if (*end || end == idp || id <= 0)
		return -1;
	out[0] = e ? "true" : "false";
	out[1] = arena_printf(a, "%d", s);
	out[2] = arena_printf(a, "%lld", id);
	return out[1] && out[2] ? 0 : -1;
}

static const vrule_t report_query[] = {
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
	{"cursor", V_STRING, 0, 1, 80, NULL, NULL},
};
static void report_check(req_t *r, json_t *errors)
{
	const char *cursor = req_query(r, "cursor"), *site = req_query(r, "site"), *c[3];
	if (cursor && read_cursor(r->arena, cursor, c) < 0)
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
	if (site && strpbrk(site, "/ :?#"))
		verr(errors, "site", "must be a site's domain, e.g. zoe-solar.de");
}
const api_op_t op_video_report = {VRULES(report_query), NULL, NULL, 0, report_check};

static void next_cursor(json_t *out, long limit)
{
	json_t *items = json_object_get(out, "items");
	json_object_set_new(out, "next_cursor", json_null());
	if ((long)json_array_size(items) <= limit)
		return;
	json_array_remove(items, (size_t)limit);
	json_t *last = json_array_get(items, (size_t)limit - 1);
	char raw[64], enc[96];
	int n = snprintf(raw, sizeof raw, "v1:%d:%lld:%lld",
			 json_is_true(json_object_get(last, "eligible")),
			 (long long)json_integer_value(json_object_get(last, "score")),
			 (long long)json_integer_value(json_object_get(last, "id")));
	crypto_b64url((const unsigned char *)raw, (size_t)n, enc);
	json_object_set_new(out, "next_cursor", json_string(enc));
}

int h_video_report(req_t *r)
{
	if (cache_serve(r, &q_videos_stamp))
		return 0;
	const char *site = req_query(r, "site"), *limit = req_query(r, "limit");
	const char *cursor = req_query(r, "cursor"), *c[3] = {NULL, NULL, NULL};
	long lim = limit ? strtol(limit, NULL, 10) : 50;    /* checked by the router */
	char want[24];
	if (cursor)
		read_cursor(r->arena, cursor, c);
	if (site && strncmp(site, "www.", 4) == 0)
		site += 4;
	snprintf(want, sizeof want, "%ld", lim + 1);
	const char *p[] = {site, want, c[0], c[1], c[2]};
	PGresult *res = db_run(r->arena, &q_report, 5, p);
	if (!res)
		return db_fail(r);
	json_t *out = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	if (!out)
		return reply_problem(r, 500, "out of memory", NULL);
	next_cursor(out, lim);
	json_object_set_new(out, "site", site ? json_string(site) : json_null());
	json_object_set_new(out, "limit", json_integer(lim));
	return reply_json(r, 200, out);
}
