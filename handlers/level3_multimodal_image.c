/* level3_multimodal_image.c - #16 POST /api/level3/multimodal/image and #17
 * GET /api/level3/multimodal/image-report.
 *
 * image audits one image: its metadata (url, alt, title, filename, caption,
 * licence fields, the size the page displays it at) and optionally its bytes
 * as standard base64 (the route admits 10 MiB bodies). Declared sizes are not
 * trusted: with bytes, format, width, height and file size come from the
 * header (analysis/image.c) and a declared width/height/file_size that
 * disagrees is a warning; bytes that are not base64, or whose header is
 * truncated, malformed or claims more than 2^28 pixels, are a 422 naming
 * "bytes". Without bytes the format comes from the file extension and the
 * sizes from the declaration. The checks, score and savings are
 * analysis/imgaudit.c; the answer carries ImageObject JSON-LD (validated by
 * analysis/jsonld.c) and every issue also in errors / warnings.
 *
 * The audit is stored in one statement, an upsert on (site, normalised url):
 * re-POSTing an image replaces its audit. Idempotency-Key replays are done
 * for every route by core/idempotency.c.
 *
 * image-report aggregates every stored image in one statement through the
 * report cache (data_version_images of sql/021_images.sql): n, mean score,
 * score distribution (0-49, 50-89, 90-100), top issues, total savings (the
 * sum of each image's combined saving), formats, and the images worst score
 * first, ?limit (default 50, max 500) and ?cursor (keyset on score, id). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "image.h"
#include "imgaudit.h"
#include "json_in.h"
#include "jsonld.h"
#include "router.h"
#include "urlnorm.h"

#define URL_MAX 2048
#define REPORT_LIMIT 50

static const char *const creator_types[] = {"Person", "Organization", NULL};

static const vrule_t image_rules[] = {
	{"url", V_URL, 1, 1, URL_MAX, NULL, NULL},
	{"alt", V_STRING, 0, 0, 2000, NULL, NULL},
	{"decorative", V_BOOL, 0, 0, 0, NULL, NULL},
	{"title", V_STRING, 0, 0, 500, NULL, NULL},
	{"filename", V_STRING, 0, 1, 255, NULL, NULL},
	{"caption", V_STRING, 0, 0, 2000, NULL, NULL},
	{"license", V_URL, 0, 1, URL_MAX, NULL, NULL},
	{"acquire_license_page", V_URL, 0, 1, URL_MAX, NULL, NULL},
	{"creator", V_STRING, 0, 1, 200, NULL, NULL},
	{"creator_type", V_STRING, 0, 0, 0, creator_types, NULL},
	{"credit_text", V_STRING, 0, 1, 500, NULL, NULL},
	{"copyright_notice", V_STRING, 0, 1, 500, NULL, NULL},
	{"width", V_INT, 0, 1, 1000000, NULL, NULL},            /* declared intrinsic size */
	{"height", V_INT, 0, 1, 1000000, NULL, NULL},
	{"displayed_width", V_INT, 0, 1, 100000, NULL, NULL},   /* CSS px on the page */
	{"displayed_height", V_INT, 0, 1, 100000, NULL, NULL},
	{"file_size", V_INT, 0, 0, 1e12, NULL, NULL},          /* when no bytes are sent */
	{"bytes", V_STRING, 0, 0, 0, NULL, NULL},               /* standard base64 */
	{"page_url", V_URL, 0, 1, URL_MAX, NULL, NULL},
};
static const vschema_t image_body = {"ImageAudit", VRULES(image_rules), NULL, 0, 0};
const api_op_t op_image_audit = {NULL, 0, &image_body,
	"{\"url\": \"https://zoe-solar.de/bilder/IMG_4711.jpg\", "
	"\"alt\": \"Bild von Solarmodulen auf einem Ziegeldach\", \"width\": 4000, "
	"\"height\": 3000, \"file_size\": 3200000, \"displayed_width\": 800, "
	"\"page_url\": \"https://zoe-solar.de/photovoltaik\"}", 0, NULL};

/* One statement: the upsert; xmax = 0 tells an insert from an update. */
static const db_stmt_t q_upsert = {"img_upsert",
	"INSERT INTO images AS i (site, url, page_url, alt, title, filename, format, format_source,"
	"  width, height, orientation, file_size, measured, displayed_width, displayed_height,"
	"  score, issues, savings_bytes, jsonld)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::int, $10::int, $11::smallint, $12::bigint,"
	"  $13::boolean, $14::int, $15::int, $16::smallint, $17::jsonb, $18::bigint, $19::jsonb)"
	" ON CONFLICT (site, url) DO UPDATE SET page_url = EXCLUDED.page_url, alt = EXCLUDED.alt,"
	"  title = EXCLUDED.title, filename = EXCLUDED.filename, format = EXCLUDED.format,"
	"  format_source = EXCLUDED.format_source, width = EXCLUDED.width,"
	"  height = EXCLUDED.height, orientation = EXCLUDED.orientation,"
	"  file_size = EXCLUDED.file_size, measured = EXCLUDED.measured,"
	"  displayed_width = EXCLUDED.displayed_width, displayed_height = EXCLUDED.displayed_height,"
	"  score = EXCLUDED.score, issues = EXCLUDED.issues, savings_bytes = EXCLUDED.savings_bytes,"
	"  jsonld = EXCLUDED.jsonld, analysed_at = now()"
	" RETURNING id, (xmax = 0) AS inserted,"
	"  to_char(analysed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"};

/* What the request says and what the bytes say, before the checks. */
typedef struct image_req {
	json_t *body;
	const char *url, *site, *filename, *alt;
	char norm[URL_MAX + 256];
	struct image_info info;
	int measured;                /* bytes were sent and read */
	const char *format_source;   /* "bytes", "extension" or NULL */
	long long file_size;         /* -1 unknown */
} image_req_t;

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static long long intval(json_t *o, const char *k, long long dflt)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

/* The last path segment of a URL (without query and fragment), or "". */
static const char *last_segment(arena_t *a, const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t end = strcspn(p, "?#");
	const char *slash = NULL;
	for (size_t i = 0; i < end; i++)
		if (p[i] == '/')
			slash = p + i;
	if (!slash)
		return "";
	return arena_strndup(a, slash + 1, (size_t)(p + end - slash - 1));
}

/* The host of a normal-form URL: the site of the natural key. */
static const char *host_of(arena_t *a, const char *norm)
{
	const char *h = strstr(norm, "://") + 3;
	size_t n = strcspn(h, "/?#");
	const char *at = memchr(h, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	return arena_strndup(a, h, n);
}

/* Decodes and probes the bytes; 0, or -1 with the reason in errors. */
static int read_bytes(arena_t *a, image_req_t *q, const char *b64, json_t *errors)
{
	size_t len = strlen(b64), cap = len / 4 * 3 + 3;
	unsigned char *buf = arena_alloc(a, cap);
	if (!buf) {
		verr(errors, "bytes", "too large to decode");
		return -1;
	}
	long n = crypto_b64_decode(b64, len, buf, cap);
	if (n < 0) {
		verr(errors, "bytes", "must be standard base64 (RFC 4648, A-Z a-z 0-9 + /, "
		     "padded with =)");
		return -1;
	}
	if (n == 0) {
		verr(errors, "bytes", "is empty; leave it out to audit metadata only");
		return -1;
	}
	q->file_size = n;
	q->measured = 1;
	if (image_probe(buf, (size_t)n, &q->info) < 0) {
		if (strcmp(q->info.error, "unknown format") == 0) {
			q->info = (struct image_info){IMAGE_UNKNOWN, 0, 0, 1, NULL};
			return 0;          /* an issue, not a refusal: maybe an SVG */
		}
		verr(errors, "bytes", "%s image: %s", image_format_name(q->info.format),
		     strcmp(q->info.error, "too many pixels") == 0 ? "the header claims more "
		     "than 2^28 pixels (refused)" : q->info.error);
		return -1;
	}
	q->format_source = "bytes";
	return 0;
}

/* Validates the body into q; 0, or -1 with the field errors in `errors`. */
static int read_request(arena_t *a, json_t *body, image_req_t *q, json_t *errors)
{
	memset(q, 0, sizeof(*q));
	q->body = body;
	q->file_size = -1;
	q->info = (struct image_info){IMAGE_UNKNOWN, 0, 0, 1, NULL};
	if (!json_is_object(body))
		verr(errors, "", "must be a JSON object");
	else
		validate(body, image_rules, sizeof(image_rules) / sizeof(image_rules[0]), "", errors);
	if (json_array_size(errors) == 0) {
		q->url = str(body, "url");
		if (urlnorm(q->url, q->norm, sizeof(q->norm), NULL, 0) < 0)
			verr(errors, "url", "must be an absolute http(s) URL with a host");
		else
			q->site = host_of(a, q->norm);
		const char *b64 = str(body, "bytes");
		if (b64)
			read_bytes(a, q, b64, errors);
	}
	if (json_array_size(errors))
		return -1;
	q->alt = str(body, "alt");
	q->filename = str(body, "filename");
	if (!q->filename)
		q->filename = last_segment(a, q->url);
	if (!q->measured) {
		q->info.format = imgaudit_format_of_name(q->filename);
		if (q->info.format == IMAGE_UNKNOWN)
			q->info.format = imgaudit_format_of_name(last_segment(a, q->url));
		q->format_source = q->info.format != IMAGE_UNKNOWN ? "extension" : NULL;
		q->info.width = (unsigned long)intval(body, "width", 0);
		q->info.height = (unsigned long)intval(body, "height", 0);
		q->file_size = intval(body, "file_size", -1);
	}
	return 0;
}

/* ---- JSON-LD ------------------------------------------------------------------- */

static json_t *pixels(unsigned long v)
{
	/* schema.org width/height: a QuantitativeValue, UN/CEFACT E37 = pixel */
	return json_pack("{s:s, s:I, s:s, s:s}", "@type", "QuantitativeValue", "value",
			 (json_int_t)v, "unitCode", "E37", "unitText", "px");
}

static json_t *image_object(const image_req_t *q, unsigned long w, unsigned long h)
{
	json_t *b = q->body, *o = json_pack("{s:s, s:s, s:s}", "@context", "https://schema.org",
					   "@type", "ImageObject", "contentUrl", q->norm);
	const char *name = str(b, "title"), *caption = str(b, "caption");
	if (!o)
		return NULL;
	if (!name || !*name)
		name = q->alt && *q->alt ? q->alt : q->filename;
	if (name && *name)
		json_object_set_new(o, "name", json_string(name));
	if (caption && *caption)
		json_object_set_new(o, "caption", json_string(caption));
	if (q->alt && *q->alt)
		json_object_set_new(o, "description", json_string(q->alt));
	if (w && h) {
		json_object_set_new(o, "width", pixels(w));
		json_object_set_new(o, "height", pixels(h));
	}
	if (imgaudit_mime(q->info.format))
		json_object_set_new(o, "encodingFormat", json_string(imgaudit_mime(q->info.format)));
	if (q->file_size >= 0 && q->measured)
		json_object_set_new(o, "contentSize", json_sprintf("%lld B", q->file_size));
	static const char *const plain[][2] = {{"license", "license"},
		{"acquire_license_page", "acquireLicensePage"}, {"credit_text", "creditText"},
		{"copyright_notice", "copyrightNotice"}, {"page_url", "mainEntityOfPage"}};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (str(b, plain[i][0]))
			json_object_set_new(o, plain[i][1], json_string(str(b, plain[i][0])));
	if (str(b, "creator")) {
		const char *type = str(b, "creator_type");
		json_object_set_new(o, "creator", json_pack("{s:s, s:s}", "@type",
			type ? type : "Person", "name", str(b, "creator")));
	}
	return o;
}

/* ---- the audit ----------------------------------------------------------------- */

static json_t *issue_json(const imgaudit_issue_t *is)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "code", is->code, "severity",
			      is->error ? "error" : "warning", "field", is->field,
			      "message", is->message);
	if (j && is->savings >= 0)
		json_object_set_new(j, "savings_bytes", json_integer(is->savings));
	return j;
}

/* issues, errors and warnings (audit issues and JSON-LD findings). */
static void findings(const imgaudit_t *a, json_t *validation, json_t *out)
{
	json_t *issues = json_array(), *errors = json_array(), *warnings = json_array(), *v;
	size_t i;
	for (int k = 0; k < a->n; k++) {
		const imgaudit_issue_t *is = &a->issues[k];
		json_array_append_new(issues, issue_json(is));
		json_array_append_new(is->error ? errors : warnings, json_pack("{s:s, s:s, s:s}",
			"code", is->code, "field", is->field, "message", is->message));
	}
	json_array_foreach(json_object_get(validation, "errors"), i, v)
		json_array_append_new(errors, json_pack("{s:s, s:O, s:O}", "code", "jsonld",
			"field", json_object_get(v, "path"), "message", json_object_get(v, "message")));
	json_array_foreach(json_object_get(validation, "warnings"), i, v)
		json_array_append_new(warnings, json_pack("{s:s, s:O, s:O}", "code", "jsonld",
			"field", json_object_get(v, "path"), "message", json_object_get(v, "message")));
	json_object_set_new(out, "issues", issues);
	json_object_set_new(out, "errors", errors);
	json_object_set_new(out, "warnings", warnings);
}

static json_t *nullable_int(long long v, int have)
{
	return have ? json_integer(v) : json_null();
}

/* Runs the checks and builds the answer (without the stored fields). */
static json_t *audit_json(const image_req_t *q, imgaudit_t *a)
{
	json_t *b = q->body;
	unsigned long dw, dh;
	image_display_size(&q->info, &dw, &dh);
	imgaudit_in_t in = {
		.alt = q->alt, .decorative = json_is_true(json_object_get(b, "decorative")),
		.filename = q->filename, .format = q->info.format,
		.format_known = q->info.format != IMAGE_UNKNOWN,
		.width = dw, .height = dh,
		.displayed_width = (unsigned long)intval(b, "displayed_width", 0),
		.displayed_height = (unsigned long)intval(b, "displayed_height", 0),
		.file_size = q->file_size, .measured = q->measured,
		.declared_width = q->measured ? (unsigned long)intval(b, "width", 0) : 0,
		.declared_height = q->measured ? (unsigned long)intval(b, "height", 0) : 0,
		.declared_size = q->measured ? intval(b, "file_size", -1) : -1,
		.has_license = str(b, "license") != NULL,
		.has_creator = str(b, "creator") || str(b, "credit_text") ||
			       str(b, "copyright_notice")};
	imgaudit_run(&in, a);
	json_t *markup = image_object(q, dw, dh);
	json_t *validation = markup ? jsonld_validate_new(markup) : NULL;
	int sized = q->info.width && q->info.height;
	json_t *out = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s?, s:o, s:o, s:i, s:o, s:b,"
				" s:o, s:o, s:i, s:I, s:o, s:{s:s, s:s}}",
		"url", q->url, "url_normalised", q->norm, "site", q->site, "filename", q->filename,
		"format", image_format_name(q->info.format), "format_source", q->format_source,
		"width", nullable_int((long long)q->info.width, sized),
		"height", nullable_int((long long)q->info.height, sized),
		"orientation", q->info.orientation,
		"file_size", nullable_int(q->file_size, q->file_size >= 0),
		"measured", q->measured,
		"bytes_per_pixel", isnan(a->bytes_per_pixel) ? json_null() :
			json_real(round(a->bytes_per_pixel * 10000) / 10000),
		"displayed_width", nullable_int((long long)in.displayed_width, in.displayed_width > 0),
		"score", a->score, "savings_bytes", (json_int_t)a->savings,
		"jsonld", json_pack("{s:o, s:o}", "markup", markup, "validation", validation),
		"method", "score", imgaudit_score_formula, "savings", imgaudit_assumptions);
	if (out)
		findings(a, validation, out);
	return out;
}

static char *dump(arena_t *ar, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	if (s && arena_cleanup(ar, free, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Audits q and stores the image (upsert on site and URL); the audit with its
 * id, status and analysed_at, owned by `a`, or NULL (db_last() tells why). */
static json_t *audit_store(arena_t *a, image_req_t *q)
{
	imgaudit_t au;
	json_t *body = q->body, *out = arena_json(a, audit_json(q, &au));
	if (!out)
		return NULL;
	char w[24], h[24], o[8], fs[24], dw[24], dh[24], sc[8], sv[24];
	int sized = q->info.width && q->info.height;
	long long disw = intval(body, "displayed_width", 0), dish = intval(body, "displayed_height", 0);
	snprintf(w, sizeof(w), "%lu", q->info.width);
	snprintf(h, sizeof(h), "%lu", q->info.height);
	snprintf(o, sizeof(o), "%d", q->info.orientation);
	snprintf(fs, sizeof(fs), "%lld", q->file_size);
	snprintf(dw, sizeof(dw), "%lld", disw);
	snprintf(dh, sizeof(dh), "%lld", dish);
	snprintf(sc, sizeof(sc), "%d", au.score);
	snprintf(sv, sizeof(sv), "%lld", au.savings);
	const char *p[] = {q->site, q->norm, str(body, "page_url"), q->alt, str(body, "title"),
		q->filename, image_format_name(q->info.format), q->format_source,
		sized ? w : NULL, sized ? h : NULL, o, q->file_size >= 0 ? fs : NULL,
		q->measured ? "true" : "false", disw ? dw : NULL, dish ? dh : NULL, sc,
		dump(a, json_object_get(out, "issues")), sv,
		dump(a, json_object_get(json_object_get(out, "jsonld"), "markup"))};
	if (!p[16] || !p[18])
		return NULL;
	PGresult *res = db_run(a, &q_upsert, 19, p);
	if (!res)
		return NULL;
	json_object_set_new(out, "id", json_integer(db_getll(res, 0, 0, 0)));
	json_object_set_new(out, "status", json_string(strcmp(db_get(res, 0, 1), "t") == 0 ?
						       "inserted" : "updated"));
	json_object_set_new(out, "analysed_at", json_string(db_get(res, 0, 2)));
	return out;
}

int h_image_audit(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	image_req_t *q = arena_alloc(r->arena, sizeof(*q));
	json_t *errors = arena_json(r->arena, json_array());
	if (!q || !errors)
		return reply_problem(r, 500, "out of memory", NULL);
	if (read_request(r->arena, body, q, errors) < 0)
		return reply_invalid(r, json_incref(errors));
	json_t *out = audit_store(r->arena, q);
	if (!out)
		return db_last() == DB_OK ? reply_problem(r, 500, "out of memory", NULL) : db_fail(r);
	return reply_json(r, 200, out);
}

/* The website's own images as its pages embed them (metadata, no bytes): a
 * few good ones and the mistakes the audit exists for. */
static const char *const demo_images[] = {
	"{\"url\": \"https://zoe-solar.de/media/photovoltaik-einfamilienhaus-muenchen.avif\", "
	"\"alt\": \"Photovoltaikanlage mit 24 Modulen auf dem Ziegeldach eines Einfamilienhauses "
	"in München\", \"width\": 1600, \"height\": 900, \"file_size\": 142000, "
	"\"displayed_width\": 800, \"displayed_height\": 450, \"creator\": \"ZOE Solar\", "
	"\"creator_type\": \"Organization\", \"page_url\": \"https://zoe-solar.de/photovoltaik\"}",
	"{\"url\": \"https://zoe-solar.de/media/balkonkraftwerk-montage-gelaender.webp\", "
	"\"alt\": \"Balkonkraftwerk mit zwei Modulen am Geländer eines Mehrfamilienhauses\", "
	"\"width\": 1200, \"height\": 800, \"file_size\": 96000, \"displayed_width\": 600, "
	"\"displayed_height\": 400, \"page_url\": \"https://zoe-solar.de/ratgeber/balkonkraftwerk\"}",
	"{\"url\": \"https://zoe-solar.de/media/waermepumpe-aussengeraet.webp\", "
	"\"alt\": \"Außengerät einer Luft-Wasser-Wärmepumpe neben der Hauswand\", "
	"\"width\": 1200, \"height\": 900, \"file_size\": 88000, \"displayed_width\": 600, "
	"\"page_url\": \"https://zoe-solar.de/waermepumpe\"}",
	"{\"url\": \"https://zoe-solar.de/media/IMG_4711.JPG\", \"alt\": \"Bild von "
	"Solarmodulen\", \"width\": 4032, \"height\": 3024, \"file_size\": 4200000, "
	"\"displayed_width\": 640, \"page_url\": \"https://zoe-solar.de/\"}",
	"{\"url\": \"https://zoe-solar.de/media/DSC00231.jpg\", \"width\": 6000, "
	"\"height\": 4000, \"file_size\": 9800000, \"displayed_width\": 400, "
	"\"page_url\": \"https://zoe-solar.de/referenzen\"}",
	"{\"url\": \"https://zoe-solar.de/media/speicher-wandmontage.png\", "
	"\"alt\": \"speicher-wandmontage.png\", \"width\": 2400, \"height\": 1600, "
	"\"file_size\": 3100000, \"displayed_width\": 800, "
	"\"page_url\": \"https://zoe-solar.de/stromspeicher\"}",
	"{\"url\": \"https://zoe-solar.de/media/wallbox-carport.jpg\", "
	"\"alt\": \"Wallbox an einem Solarcarport mit geladenem Elektroauto\", "
	"\"width\": 1920, \"height\": 1080, \"file_size\": 610000, \"displayed_width\": 960, "
	"\"page_url\": \"https://zoe-solar.de/e-mobilitaet\"}",
	"{\"url\": \"https://zoe-solar.de/media/team-berlin.gif\", \"alt\": \"Unser Team\", "
	"\"width\": 800, \"height\": 600, \"file_size\": 1500000, \"displayed_width\": 400, "
	"\"page_url\": \"https://zoe-solar.de/standorte/berlin\"}",
};

static int seed_one(arena_t *a, json_t *body)
{
	json_t *errors = arena_json(a, json_array());
	image_req_t *q = arena_alloc(a, sizeof *q);
	return errors && q && read_request(a, body, q, errors) == 0 && audit_store(a, q) ? 0 : -1;
}

/* Audits and stores the demo images (zoe seed --demo); 0/-1. Idempotent. */
int image_seed_demo(void)
{
	return seed_docs("images", demo_images, sizeof demo_images / sizeof demo_images[0], seed_one);
}

/* ---- report -------------------------------------------------------------------- */

/* Everything in one round trip, assembled by PostgreSQL. $1 limit + 1,
 * $2/$3 keyset cursor (score, id) or NULL. */
static const db_stmt_t q_report = {"img_report",
	"SELECT json_build_object("
	" 'n', (SELECT count(*) FROM images),"
	" 'mean_score', (SELECT round(avg(score), 2) FROM images),"
	" 'score_distribution', (SELECT json_agg(json_build_object('from', lo, 'to', hi,"
	"   'count', (SELECT count(*) FROM images WHERE score BETWEEN lo AND hi)) ORDER BY lo)"
	"   FROM (VALUES (0, 49), (50, 89), (90, 100)) b(lo, hi)),"
	" 'top_issues', (SELECT coalesce(json_agg(json_build_object('code', code, 'count', n)"
	"   ORDER BY n DESC, code), '[]') FROM (SELECT e->>'code' AS code, count(DISTINCT id) AS n"
	"   FROM images, jsonb_array_elements(issues) e GROUP BY 1) t),"
	" 'savings_bytes', (SELECT coalesce(sum(savings_bytes), 0) FROM images),"
	" 'formats', (SELECT coalesce(json_agg(json_build_object('format', format, 'count', n)"
	"   ORDER BY n DESC, format), '[]') FROM (SELECT format, count(*) AS n FROM images"
	"   GROUP BY format) f),"
	" 'items', (SELECT coalesce(json_agg(json_build_object('id', id, 'url', url,"
	"   'format', format, 'width', width, 'height', height, 'file_size', file_size,"
	"   'score', score, 'savings_bytes', savings_bytes,"
	"   'issues', (SELECT coalesce(json_agg(e->>'code' ORDER BY k), '[]')"
	"     FROM jsonb_array_elements(issues) WITH ORDINALITY x(e, k)),"
	"   'analysed_at', to_char(analysed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"
	"   ORDER BY score, id), '[]') FROM (SELECT * FROM images"
	"   WHERE $2::int IS NULL OR (score, id) > ($2::int, $3::bigint)"
	"   ORDER BY score, id LIMIT $1::int) i))"};

static const db_stmt_t q_images_stamp = {"q_images_stamp",
	"SELECT (SELECT last_value FROM data_version_images)::text"};

/* Opaque cursor: base64url of "score:id" of the last item given out. */
static int read_cursor(const char *cur, char *score, char *id, size_t n)
{
	unsigned char raw[64];
	char *colon, *end1, *end2;
	if (strlen(cur) > 80 || crypto_b64url_decode(cur, raw, sizeof(raw)) <= 0 ||
	    !(colon = strchr((char *)raw, ':')))
		return -1;
	*colon = '\0';
	long long s = strtoll((char *)raw, &end1, 10), i = strtoll(colon + 1, &end2, 10);
	if (end1 == (char *)raw || *end1 || end2 == colon + 1 || *end2 || s < 0 || s > 100 ||
	    i <= 0)
		return -1;
	snprintf(score, n, "%lld", s);
	snprintf(id, n, "%lld", i);
	return 0;
}

static const vrule_t report_query[] = {
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
	{"cursor", V_STRING, 0, 1, 128, NULL, NULL},
};
static void report_check(req_t *r, json_t *errors)
{
	const char *cursor = req_query(r, "cursor");
	char s[24], i[24];
	if (cursor && read_cursor(cursor, s, i, sizeof(s)) < 0)
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
}
const api_op_t op_image_report = {VRULES(report_query), NULL, NULL, 0, report_check};

int h_image_report(req_t *r)
{
	int cached = cache_serve(r, &q_images_stamp);
	if (cached)
		return 0;
	const char *l = req_query(r, "limit"), *cursor = req_query(r, "cursor");
	long limit = l ? strtol(l, NULL, 10) : REPORT_LIMIT;   /* 1..500: checked by the router */
	char lim[24], s[24], i[24];
	int have = cursor && read_cursor(cursor, s, i, sizeof(s)) == 0;
	snprintf(lim, sizeof(lim), "%ld", limit + 1);
	const char *p[] = {lim, have ? s : NULL, have ? i : NULL};
	PGresult *res = db_run(r->arena, &q_report, 3, p);
	if (!res)
		return db_fail(r);
	json_t *j = arena_json(r->arena, json_loads(db_get(res, 0, 0), JSON_DECODE_ANY, NULL));
	if (!j)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *items = json_object_get(j, "items");
	json_object_set_new(j, "next_cursor", json_null());
	if ((long)json_array_size(items) > limit) {
		json_array_remove(items, (size_t)limit);
		json_t *last = json_array_get(items, (size_t)limit - 1);
		char raw[64], enc[96];
		int n = snprintf(raw, sizeof(raw), "%lld:%lld",
				 (long long)json_integer_value(json_object_get(last, "score")),
				 (long long)json_integer_value(json_object_get(last, "id")));
		crypto_b64url((const unsigned char *)raw, (size_t)n, enc);
		json_object_set_new(j, "next_cursor", json_string(enc));
	}
	json_object_set_new(j, "method", json_pack("{s:s, s:s, s:s}", "score",
		imgaudit_score_formula, "savings", imgaudit_assumptions, "savings_bytes",
		"sum over the images of each image's combined saving"));
	return reply_json(r, 200, j);
}
