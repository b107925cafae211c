/* imgaudit.c - the image SEO checks of #16; see imgaudit.h. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "imgaudit.h"

/* The ratios behind every saving, returned with each audit so a reader can
 * weigh the estimate. */
const char imgaudit_assumptions[] =
	"Savings are estimates. WebP instead of JPEG: 30 % smaller at equal SSIM (Google's WebP "
	"compression study, 25-34 %). PNG holding a photo (more than 1 byte per pixel): 50 % with "
	"lossy WebP; other PNG: 26 % with lossless WebP. GIF: 19 % with lossless WebP (animation "
	"kept). Heavy (only when it saves at least 4 KiB): re-encoding down to the format's bytes-per-pixel threshold (JPEG 0.5, "
	"PNG 1.0, GIF 0.5, WebP 0.35, AVIF 0.25). Oversized: serving at most 2x the displayed "
	"width (enough for 2x screens) saves size x (1 - (2 x displayed / intrinsic)^2), as bytes "
	"scale with pixels. Overlapping savings combine multiplicatively: each fix applies to "
	"what the previous ones left.";

const char imgaudit_score_formula[] =
	"score = max(0, 100 - sum of weights): alt_missing 30, alt_is_filename 20, "
	"unknown_format 20, heavy 15, oversized 15, alt_too_long 10, filename_not_descriptive 10, "
	"legacy_format 10, alt_redundant_prefix 5, declared_size_mismatch 5, license_missing 5, "
	"creator_missing 5";

static const struct {
	const char *code;
	int weight;
} weights[] = {
	{"alt_missing", 30}, {"alt_is_filename", 20}, {"unknown_format", 20}, {"heavy", 15},
	{"oversized", 15}, {"alt_too_long", 10}, {"filename_not_descriptive", 10},
	{"legacy_format", 10}, {"alt_redundant_prefix", 5}, {"declared_size_mismatch", 5},
	{"license_missing", 5}, {"creator_missing", 5},
};

int imgaudit_weight(const char *code)
{
	for (size_t i = 0; i < sizeof(weights) / sizeof(weights[0]); i++)
		if (strcmp(weights[i].code, code) == 0)
			return weights[i].weight;
	return 0;
}

const char *imgaudit_mime(enum image_format f)
{
	switch (f) {
	case IMAGE_PNG: return "image/png";
	case IMAGE_JPEG: return "image/jpeg";
	case IMAGE_GIF: return "image/gif";
	case IMAGE_WEBP: return "image/webp";
	case IMAGE_AVIF: return "image/avif";
	default: return NULL;
	}
}

/* The extension after the last dot of the last path segment, or "". */
static const char *extension(const char *name)
{
	const char *slash = strrchr(name, '/'), *dot;
	if (slash)
		name = slash + 1;
	dot = strrchr(name, '.');
	return dot && dot != name ? dot + 1 : "";
}

enum image_format imgaudit_format_of_name(const char *name)
{
	static const struct {
		const char *ext;
		enum image_format f;
	} exts[] = {{"jpg", IMAGE_JPEG}, {"jpeg", IMAGE_JPEG}, {"jpe", IMAGE_JPEG},
		    {"png", IMAGE_PNG}, {"gif", IMAGE_GIF}, {"webp", IMAGE_WEBP},
		    {"avif", IMAGE_AVIF}};
	const char *e = name ? extension(name) : "";
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcasecmp(e, exts[i].ext) == 0)
			return exts[i].f;
	return IMAGE_UNKNOWN;
}

/* Image-ish extensions an alt text may end in when it is a pasted file name. */
static int image_extension(const char *e)
{
	static const char *const known[] = {"jpg", "jpeg", "jpe", "png", "gif", "webp", "avif",
					    "svg", "bmp", "tif", "tiff", "heic", "heif", NULL};
	for (int i = 0; known[i]; i++)
		if (strcasecmp(e, known[i]) == 0)
			return 1;
	return 0;
}

/* Longest run of ASCII letters (or any non-ASCII byte: umlauts are letters). */
static size_t letter_run(const char *s, size_t n)
{
	size_t best = 0, run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		run = (isalpha(c) || c >= 0x80) ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* Names cameras, phones and tools give files; followed by numbers and dates
 * they say nothing about the picture. */
static const char *const camera_prefixes[] = {
	"img", "dsc", "dscn", "dscf", "dcim", "pxl", "gopr", "gp", "dji", "mvimg", "sam", "wp",
	"p", "pict", "pic", "photo", "image", "bild", "foto", "screenshot", "bildschirmfoto",
	"screen shot", "whatsapp image", "signal", "untitled", "unbenannt", "unnamed", "download",
	"file", "datei", NULL};

int imgaudit_filename_generic(const char *name)
{
	if (!name)
		return 0;
	const char *slash = strrchr(name, '/');
	if (slash)
		name = slash + 1;
	const char *dot = strrchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);   /* ".jpg": no stem */
	if (n == 0)
		return 1;
	/* no word in it: "1234", "_01-02", "a7" */
	if (letter_run(name, n) < 3)
		return 1;
	/* a hash or UUID: long, hex only, with digits */
	size_t hex = 0, digits = 0;
	for (size_t i = 0; i < n; i++) {
		hex += isxdigit((unsigned char)name[i]) || name[i] == '-';
		digits += isdigit((unsigned char)name[i]) != 0;
	}
	if (n >= 16 && hex == n && digits > 0)
		return 1;
	/* camera prefix followed by nothing wordy: IMG_20240501_1234, DSC0001 */
	for (int i = 0; camera_prefixes[i]; i++) {
		size_t k = strlen(camera_prefixes[i]);
		if (k <= n && strncasecmp(name, camera_prefixes[i], k) == 0 &&
		    letter_run(name + k, n - k) < 3 &&
		    (k == n || !isalpha((unsigned char)name[k])))
			return 1;
	}
	return 0;
}

/* Trimmed bounds of s. */
static void trim(const char *s, const char **b, size_t *n)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	*b = s;
	*n = len;
}

int imgaudit_alt_is_filename(const char *alt)
{
	const char *b;
	size_t n;
	char word[256];
	if (!alt)
		return 0;
	trim(alt, &b, &n);
	if (n == 0 || n >= sizeof(word) || memchr(b, ' ', n))
		return 0;          /* a sentence, or nothing: other checks */
	memcpy(word, b, n);
	word[n] = '\0';
	const char *dot = strrchr(word, '.');
	if (dot && dot != word && image_extension(dot + 1))
		return 1;          /* "solar-dach.jpg" */
	/* "IMG_1234", "dsc0001"; a lone word such as "Photovoltaik" is not one */
	return imgaudit_filename_generic(word) && strpbrk(word, "0123456789_") != NULL;
}

int imgaudit_alt_redundant(const char *alt)
{
	static const char *const prefixes[] = {"bild von", "bild vom", "bild der", "bild des",
		"foto von", "foto vom", "foto der", "foto des", "grafik von", "abbildung von",
		"image of", "picture of", "photo of", "graphic of", "bild:", "foto:", "image:",
		"picture:", "photo:", NULL};
	const char *b;
	size_t n;
	if (!alt)
		return 0;
	trim(alt, &b, &n);
	for (int i = 0; prefixes[i]; i++) {
		size_t k = strlen(prefixes[i]);
		if (k <= n && strncasecmp(b, prefixes[i], k) == 0 &&
		    (k == n || prefixes[i][k - 1] == ':' || isspace((unsigned char)b[k])))
			return 1;
	}
	return 0;
}

double imgaudit_heavy_threshold(enum image_format f)
{
	switch (f) {
	case IMAGE_JPEG: return 0.5;
	case IMAGE_PNG: return 1.0;
	case IMAGE_GIF: return 0.5;
	case IMAGE_WEBP: return 0.35;
	case IMAGE_AVIF: return 0.25;
	default: return INFINITY;
	}
}

double imgaudit_modern_share(enum image_format f, double bpp)
{
	switch (f) {
	case IMAGE_JPEG: return 0.30;
	case IMAGE_PNG: return !isnan(bpp) && bpp > 1.0 ? 0.50 : 0.26;
	case IMAGE_GIF: return 0.19;
	default: return 0;
	}
}

double imgaudit_oversize_share(unsigned long intrinsic, unsigned long displayed)
{
	if (!displayed || intrinsic <= 2 * displayed)
		return 0;
	double r = 2.0 * (double)displayed / (double)intrinsic;
	return 1 - r * r;
}

static size_t utf8_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static imgaudit_issue_t *add(imgaudit_t *out, const char *code, int error, const char *field,
			     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static imgaudit_issue_t *add(imgaudit_t *out, const char *code, int error, const char *field,
			     const char *fmt, ...)
{
	if (out->n >= IMGAUDIT_MAX_ISSUES)
		return NULL;
	imgaudit_issue_t *is = &out->issues[out->n++];
	va_list ap;
	is->code = code;
	is->error = error;
	is->field = field;
	is->savings = -1;
	va_start(ap, fmt);
	vsnprintf(is->message, sizeof(is->message), fmt, ap);
	va_end(ap);
	return is;
}

static void check_alt(const imgaudit_in_t *in, imgaudit_t *out)
{
	const char *b;
	size_t n;
	if (!in->alt) {
		if (!in->decorative)
			add(out, "alt_missing", 1, "alt", "no alt text: screen readers and image "
			    "search get nothing (send decorative: true for a purely decorative image)");
		return;
	}
	trim(in->alt, &b, &n);
	if (n == 0) {
		if (!in->decorative)
			add(out, "alt_missing", 1, "alt", "alt text is empty; an empty alt is right "
			    "only for decorative images (decorative: true)");
		return;
	}
	size_t len = utf8_count(in->alt);
	if (len > IMGAUDIT_ALT_MAX)
		add(out, "alt_too_long", 0, "alt", "alt text has %zu characters; keep it at most %d "
		    "(screen readers cut longer ones), put details into a caption", len,
		    IMGAUDIT_ALT_MAX);
	if (imgaudit_alt_is_filename(in->alt))
		add(out, "alt_is_filename", 1, "alt", "alt text is a file name; describe what the "
		    "picture shows");
	if (imgaudit_alt_redundant(in->alt))
		add(out, "alt_redundant_prefix", 0, "alt", "alt text starts with \"Bild von\"/"
		    "\"Image of\": screen readers already announce an image, start with the subject");
}

static void check_declared(const imgaudit_in_t *in, imgaudit_t *out)
{
	if (!in->measured)
		return;
	int w = in->declared_width && in->declared_width != in->width;
	int h = in->declared_height && in->declared_height != in->height;
	int s = in->declared_size >= 0 && in->declared_size != in->file_size;
	if (w || h)
		add(out, "declared_size_mismatch", 0, w ? "width" : "height", "declared %lux%lu "
		    "px, the bytes are %lux%lu px; the measured size is used",
		    in->declared_width ? in->declared_width : in->width,
		    in->declared_height ? in->declared_height : in->height, in->width, in->height);
	else if (s)
		add(out, "declared_size_mismatch", 0, "file_size", "declared %lld bytes, the image "
		    "has %lld; the measured size is used", in->declared_size, in->file_size);
}

/* Format, weight and size; returns the savings shares in order. */
static void check_bytes(const imgaudit_in_t *in, imgaudit_t *out, double *shares, int *nshares)
{
	double size = (double)in->file_size, px = (double)in->width * (double)in->height;
	int sized = in->file_size >= 0;
	double bpp = sized && px > 0 ? size / px : NAN;
	imgaudit_issue_t *is;
	out->bytes_per_pixel = bpp;
	if (!in->format_known) {
		add(out, "unknown_format", 1, in->measured ? "bytes" : "filename", "format unknown: "
		    "%s; serve JPEG, PNG, GIF, WebP or AVIF", in->measured ? "the bytes are none "
		    "of PNG, JPEG, GIF, WebP, AVIF" : "no bytes sent and no known file extension");
		return;
	}
	double m = imgaudit_modern_share(in->format, bpp);
	if (m > 0 && (is = add(out, "legacy_format", 0, "bytes", "%s: WebP or AVIF would be "
			       "smaller (about %.0f %%)", image_format_name(in->format), m * 100))) {
		is->savings = sized ? llround(size * m) : -1;
		shares[(*nshares)++] = m;
	}
	double t = imgaudit_heavy_threshold(in->format);
	/* tiny files (icons) have high bytes per pixel from their headers alone;
	 * as Lighthouse does, a saving under 4 KiB is not worth a finding */
	if (!isnan(bpp) && bpp > t && size * (1 - t / bpp) >= IMGAUDIT_HEAVY_MIN_SAVING &&
	    (is = add(out, "heavy", 0, "bytes", "%.2f bytes per pixel, above %.2f for %s: "
		      "compress harder", bpp, t, image_format_name(in->format)))) {
		double share = 1 - t / bpp;
		is->savings = llround(size * share);
		shares[(*nshares)++] = share;
	}
	double o = imgaudit_oversize_share(in->width, in->displayed_width);
	if (o > 0 && (is = add(out, "oversized", 0, "displayed_width", "%lu px wide but shown "
			       "at %lu px: more than twice what a 2x screen needs; serve %lu px "
			       "(srcset)", in->width, in->displayed_width, 2 * in->displayed_width))) {
		is->savings = sized ? llround(size * o) : -1;
		shares[(*nshares)++] = o;
	}
}

void imgaudit_run(const imgaudit_in_t *in, imgaudit_t *out)
{
	double shares[4];
	int nshares = 0;
	memset(out, 0, sizeof(*out));
	out->bytes_per_pixel = NAN;
	check_alt(in, out);
	if (in->filename && imgaudit_filename_generic(in->filename))
		add(out, "filename_not_descriptive", 0, "filename", "file name \"%.80s\" says "
		    "nothing about the picture (camera name, hash or number); use words, e.g. "
		    "balkonkraftwerk-montage-dach.jpg", in->filename);
	check_bytes(in, out, shares, &nshares);
	check_declared(in, out);
	if (!in->has_license)
		add(out, "license_missing", 0, "license", "no license URL: Google shows the "
		    "\"Licensable\" badge only with license (image metadata)");
	if (!in->has_creator)
		add(out, "creator_missing", 0, "creator", "no creator: Google's image metadata "
		    "recommends creator, creditText or copyrightNotice");
	/* each fix works on what the previous ones left */
	double left = 1;
	for (int i = 0; i < nshares; i++)
		left *= 1 - shares[i];
	out->savings = in->file_size > 0 ? llround((double)in->file_size * (1 - left)) : 0;
	int score = 100;
	for (int i = 0; i < out->n; i++)
		score -= imgaudit_weight(out->issues[i].code);
	out->score = score < 0 ? 0 : score;
}
