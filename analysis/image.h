/* image.h - format and pixel dimensions of an image read from its header
 * bytes (PNG, JPEG with EXIF orientation, GIF, WebP VP8/VP8L/VP8X, AVIF),
 * never from what a client declares (pure). */
#ifndef ZOE_IMAGE_H
#define ZOE_IMAGE_H

#include <stddef.h>

/* Headers claiming more pixels than this are refused (decompression bombs). */
#define IMAGE_MAX_PIXELS (1ULL << 28)

enum image_format {
	IMAGE_UNKNOWN,
	IMAGE_PNG,
	IMAGE_JPEG,
	IMAGE_GIF,
	IMAGE_WEBP,
	IMAGE_AVIF,
};

struct image_info {
	enum image_format format;
	unsigned long width;    /* as stored, as `identify` reports it */
	unsigned long height;
	int orientation;        /* EXIF orientation 1..8; 1 when absent */
	const char *error;      /* why image_probe failed; NULL on success */
};

/* Reads format, width, height and orientation from the first n bytes of an
 * image. Returns 0, or -1 with info->error set: "unknown format",
 * "truncated", "malformed" or "too many pixels" (over IMAGE_MAX_PIXELS). */
int image_probe(const unsigned char *p, size_t n, struct image_info *info);
/* "png", "jpeg", "gif", "webp", "avif" or "unknown". */
const char *image_format_name(enum image_format f);
/* Displayed width and height: swapped for EXIF orientations 5..8. */
void image_display_size(const struct image_info *info, unsigned long *w, unsigned long *h);

#endif
