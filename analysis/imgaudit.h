/* imgaudit.h - the image SEO checks of #16 (pure): alt text, file name,
 * format, bytes per pixel, oversize against the displayed size, declared
 * versus measured size, licence metadata; a score and the byte saving.
 *
 * Every saving is an estimate from published ratios, stated in
 * imgaudit_assumptions; savings of overlapping fixes are combined
 * multiplicatively (each applies to what the previous ones left), never summed. */
#ifndef ZOE_IMGAUDIT_H
#define ZOE_IMGAUDIT_H

#include <stddef.h>

#include "image.h"

#define IMGAUDIT_ALT_MAX 125        /* screen readers cut near here (WebAIM) */
#define IMGAUDIT_MAX_ISSUES 16
#define IMGAUDIT_HEAVY_MIN_SAVING 4096  /* bytes; Lighthouse's floor for encoding savings */

typedef struct imgaudit_in {
	const char *alt;             /* NULL = no alt attribute */
	int decorative;              /* alt="" on purpose */
	const char *filename;        /* the last path segment, or NULL */
	enum image_format format;    /* IMAGE_UNKNOWN when neither bytes nor extension tell */
	int format_known;            /* format comes from bytes or a known extension */
	unsigned long width, height; /* intrinsic pixels; 0 = unknown */
	unsigned long displayed_width, displayed_height; /* CSS px; 0 = not given */
	long long file_size;         /* bytes; < 0 = unknown */
	int measured;                /* width/height/size read from the bytes */
	unsigned long declared_width, declared_height;   /* what the client said; 0 = nothing */
	long long declared_size;     /* < 0 = nothing */
	int has_license, has_creator;
} imgaudit_in_t;

typedef struct imgaudit_issue {
	const char *code;            /* snake_case, stable: the dashboard translates it */
	int error;                   /* 1 error, 0 warning */
	const char *field;           /* the request field it concerns */
	char message[240];
	long long savings;           /* bytes this fix alone saves; < 0 = none */
} imgaudit_issue_t;

typedef struct imgaudit {
	imgaudit_issue_t issues[IMGAUDIT_MAX_ISSUES];
	int n;
	int score;                   /* 0..100 */
	long long savings;           /* combined; 0 when nothing to save or size unknown */
	double bytes_per_pixel;      /* NAN when size or pixels unknown */
} imgaudit_t;

/* Runs every check; never fails. */
void imgaudit_run(const imgaudit_in_t *in, imgaudit_t *out);

/* Single checks, exported for the tests. */
int imgaudit_alt_is_filename(const char *alt);
int imgaudit_alt_redundant(const char *alt);      /* "Bild von …", "Image of …" */
int imgaudit_filename_generic(const char *name);  /* IMG_1234.jpg, hashes, digits */
/* Share of the size a WebP re-encode saves (0 for WebP/AVIF/unknown). */
double imgaudit_modern_share(enum image_format f, double bytes_per_pixel);
/* Share of the size saved by serving at most 2x the displayed width. */
double imgaudit_oversize_share(unsigned long intrinsic, unsigned long displayed);
/* Bytes per pixel above which an image of this format counts as heavy. */
double imgaudit_heavy_threshold(enum image_format f);
/* The MIME type of a format, or NULL for IMAGE_UNKNOWN. */
const char *imgaudit_mime(enum image_format f);
/* The format a file name's extension names (.jpg, .png, ...), or IMAGE_UNKNOWN. */
enum image_format imgaudit_format_of_name(const char *name);
/* Penalty of one issue code in the score (documented weights). */
int imgaudit_weight(const char *code);

extern const char imgaudit_assumptions[];
extern const char imgaudit_score_formula[];

#endif
