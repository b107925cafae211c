/* image.c - image header parsing: a table of magic numbers, one small parser
 * per format, every read bounds-checked against the bytes given. */
#include <string.h>

#include "image.h"

static const char E_TRUNC[] = "truncated";
static const char E_BAD[] = "malformed";

static unsigned long be16(const unsigned char *p) { return (unsigned long)p[0] << 8 | p[1]; }
static unsigned long le16(const unsigned char *p) { return (unsigned long)p[1] << 8 | p[0]; }
static unsigned long le24(const unsigned char *p) { return le16(p) | (unsigned long)p[2] << 16; }

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static int fail(struct image_info *info, const char *why)
{
	info->error = why;
	return -1;
}

static int png_probe(const unsigned char *p, size_t n, struct image_info *info)
{
	if (n < 24)
		return fail(info, E_TRUNC);
	if (memcmp(p + 12, "IHDR", 4) != 0)
		return fail(info, E_BAD);
	info->width = be32(p + 16);
	info->height = be32(p + 20);
	return 0;
}

static int gif_probe(const unsigned char *p, size_t n, struct image_info *info)
{
	if (n < 10)
		return fail(info, E_TRUNC);
	info->width = le16(p + 6);
	info->height = le16(p + 8);
	return 0;
}

/* RIFF "WEBP": the first chunk is VP8 (lossy key frame), VP8L (lossless,
 * 14-bit sizes minus one) or VP8X (extended, 24-bit canvas sizes minus one). */
static int webp_probe(const unsigned char *p, size_t n, struct image_info *info)
{
	if (n < 30)
		return fail(info, E_TRUNC);
	const unsigned char *c = p + 20;
	if (memcmp(p + 12, "VP8 ", 4) == 0) {
		if (c[3] != 0x9d || c[4] != 0x01 || c[5] != 0x2a)
			return fail(info, E_BAD);
		info->width = le16(c + 6) & 0x3fff;
		info->height = le16(c + 8) & 0x3fff;
	} else if (memcmp(p + 12, "VP8L", 4) == 0) {
		if (c[0] != 0x2f)
			return fail(info, E_BAD);
		unsigned long bits = le24(c + 1) | (unsigned long)c[4] << 24;
		info->width = (bits & 0x3fff) + 1;
		info->height = (bits >> 14 & 0x3fff) + 1;
	} else if (memcmp(p + 12, "VP8X", 4) == 0) {
		info->width = le24(c + 4) + 1;
		info->height = le24(c + 7) + 1;
	} else {
		return fail(info, E_BAD);
	}
	return 0;
}

/* The TIFF structure of an APP1 "Exif" segment: IFD0's Orientation tag. */
static void exif_orientation(const unsigned char *t, size_t n, struct image_info *info)
{
	if (n < 8 || (memcmp(t, "II*\0", 4) != 0 && memcmp(t, "MM\0*", 4) != 0))
		return;
	int le = t[0] == 'I';
	unsigned long (*u16)(const unsigned char *) = le ? le16 : be16;
	unsigned long off = le ? le16(t + 4) | le16(t + 6) << 16 : be32(t + 4);
	if (off > n - 2)
		return;
	unsigned long count = u16(t + off);
	for (unsigned long i = 0; i < count && off + 2 + i * 12 + 12 <= n; i++) {
		const unsigned char *e = t + off + 2 + i * 12;
		if (u16(e) == 0x0112 && u16(e + 2) == 3) {
			unsigned long o = u16(e + 8);
			if (o >= 1 && o <= 8)
				info->orientation = (int)o;
			return;
		}
	}
}

/* SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size. */
static int jpeg_is_sof(unsigned m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static int jpeg_probe(const unsigned char *p, size_t n, struct image_info *info)
{
	size_t i = 2;
	for (;;) {
		while (i < n && p[i] == 0xff && i + 1 < n && p[i + 1] == 0xff)
			i++; /* fill bytes */
		if (i + 4 > n)
			return fail(info, E_TRUNC);
		if (p[i] != 0xff)
			return fail(info, E_BAD);
		unsigned m = p[i + 1];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			i += 2;
			continue;
		}
		if (m == 0xd9 || m == 0xda)
			return fail(info, E_BAD); /* image data before any frame header */
		size_t len = be16(p + i + 2);
		if (len < 2)
			return fail(info, E_BAD);
		const unsigned char *s = p + i + 4;
		if (jpeg_is_sof(m)) {
			if (len < 7 || i + 4 + 5 > n)
				return fail(info, E_TRUNC);
			info->height = be16(s + 1);
			info->width = be16(s + 3);
			return 0;
		}
		if (m == 0xe1 && len >= 8 && i + 2 + len <= n && memcmp(s, "Exif\0\0", 6) == 0)
			exif_orientation(s + 6, len - 8, info);
		i += 2 + len;
	}
}

/* ISOBMFF box at p[0..n): its payload and total size; -1 when cut short. */
static int box_next(const unsigned char *p, size_t n, const unsigned char **body, size_t *blen,
		    size_t *total)
{
	if (n < 8)
		return -1;
	unsigned long long size = be32(p);
	size_t hdr = 8;
	if (size == 1) {
		if (n < 16)
			return -1;
		size = (unsigned long long)be32(p + 8) << 32 | be32(p + 12);
		hdr = 16;
	} else if (size == 0) {
		size = n;
	}
	if (size < hdr || size > n)
		return -1;
	*body = p + hdr;
	*blen = (size_t)size - hdr;
	*total = (size_t)size;
	return 0;
}

/* Path to the image spatial extents: meta (a full box) > iprp > ipco > ispe. */
static const struct { char type[5]; size_t skip; } avif_path[] = {
	{ "meta", 4 }, { "iprp", 0 }, { "ipco", 0 }, { "ispe", 4 },
};

static int avif_probe(const unsigned char *p, size_t n, struct image_info *info)
{
	size_t depth = 0;
	while (depth < sizeof avif_path / sizeof avif_path[0]) {
		const unsigned char *body;
		size_t blen, total;
		if (box_next(p, n, &body, &blen, &total) < 0)
			return fail(info, E_TRUNC);
		if (memcmp(p + 4, avif_path[depth].type, 4) == 0) {
			if (blen < avif_path[depth].skip)
				return fail(info, E_TRUNC);
			p = body + avif_path[depth].skip;
			n = blen - avif_path[depth].skip;
			depth++;
		} else {
			p += total;
			n -= total;
		}
	}
	if (n < 8)
		return fail(info, E_TRUNC);
	info->width = be32(p);
	info->height = be32(p + 4);
	return 0;
}

static const struct {
	enum image_format format;
	const char *name;
	size_t at, len;
	const char *magic;
	int (*probe)(const unsigned char *, size_t, struct image_info *);
} formats[] = {
	{ IMAGE_PNG, "png", 0, 8, "\x89PNG\r\n\x1a\n", png_probe },
	{ IMAGE_JPEG, "jpeg", 0, 3, "\xff\xd8\xff", jpeg_probe },
	{ IMAGE_GIF, "gif", 0, 6, "GIF87a", gif_probe },
	{ IMAGE_GIF, "gif", 0, 6, "GIF89a", gif_probe },
	{ IMAGE_WEBP, "webp", 8, 4, "WEBP", webp_probe },
	{ IMAGE_AVIF, "avif", 4, 8, "ftypavif", avif_probe },
	{ IMAGE_AVIF, "avif", 4, 8, "ftypavis", avif_probe },
};
#define NFORMATS (sizeof formats / sizeof formats[0])

const char *image_format_name(enum image_format f)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (formats[i].format == f)
			return formats[i].name;
	return "unknown";
}

int image_probe(const unsigned char *p, size_t n, struct image_info *info)
{
	memset(info, 0, sizeof *info);
	info->orientation = 1;
	for (size_t i = 0; i < NFORMATS; i++) {
		if (n < formats[i].at + formats[i].len ||
		    memcmp(p + formats[i].at, formats[i].magic, formats[i].len) != 0)
			continue;
		if (formats[i].at == 8 && memcmp(p, "RIFF", 4) != 0)
			continue;
		info->format = formats[i].format;
		if (formats[i].probe(p, n, info) < 0)
			return -1;
		if (info->width == 0 || info->height == 0)
			return fail(info, E_BAD);
		if ((unsigned long long)info->width * info->height > IMAGE_MAX_PIXELS)
			return fail(info, "too many pixels");
		return 0;
	}
	return fail(info, n < 12 ? E_TRUNC : "unknown format");
}

void image_display_size(const struct image_info *info, unsigned long *w, unsigned long *h)
{
	int swap = info->orientation >= 5;
	*w = swap ? info->height : info->width;
	*h = swap ? info->width : info->height;
}
