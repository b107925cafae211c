/* test_image.c - dimensions read from real PNG, JPEG and GIF files shipped by
 * Debian (tests/data/images, sizes as `file` and `identify` report them),
 * WebP and AVIF headers built byte by byte, EXIF orientation, truncation at
 * every length and the pixel limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "image.h"

static size_t slurp(const char *name, unsigned char *buf, size_t cap)
{
	char path[512];
	snprintf(path, sizeof path, "%s/images/%s", ZOE_TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	assert_true(n > 0 && n < cap);
	return n;
}

static const struct {
	const char *file;
	enum image_format format;
	unsigned long w, h;
} real_files[] = {
	{ "git-logo.png", IMAGE_PNG, 72, 27 },           /* gitweb */
	{ "r-up.jpg", IMAGE_JPEG, 40, 40 },              /* R docs, progressive SOF2 */
	{ "node-stripe.jpg", IMAGE_JPEG, 493, 58 },      /* nodejs docs */
	{ "libxslt-node.gif", IMAGE_GIF, 460, 497 },     /* libxslt docs, GIF87a */
};

static void test_real_files(void **state)
{
	(void)state;
	static unsigned char buf[1 << 16];
	for (size_t i = 0; i < sizeof real_files / sizeof real_files[0]; i++) {
		size_t n = slurp(real_files[i].file, buf, sizeof buf);
		struct image_info info;
		assert_int_equal(image_probe(buf, n, &info), 0);
		assert_int_equal(info.format, real_files[i].format);
		assert_int_equal(info.width, real_files[i].w);
		assert_int_equal(info.height, real_files[i].h);
		assert_int_equal(info.orientation, 1);
		assert_null(info.error);
	}
	assert_string_equal(image_format_name(IMAGE_JPEG), "jpeg");
	assert_string_equal(image_format_name(IMAGE_UNKNOWN), "unknown");
}

/* Every proper prefix of a real file fails cleanly as truncated or malformed. */
static void test_truncated_everywhere(void **state)
{
	(void)state;
	static unsigned char buf[1 << 16];
	for (size_t f = 0; f < sizeof real_files / sizeof real_files[0]; f++) {
		size_t n = slurp(real_files[f].file, buf, sizeof buf);
		struct image_info info;
		size_t ok_from = n;
		for (size_t k = 0; k < n; k++) {
			if (image_probe(buf, k, &info) == 0) {
				ok_from = k;
				break;
			}
			assert_non_null(info.error);
		}
		/* The header ends well before the file does; no prefix shorter
		 * than the header succeeds. */
		assert_true(ok_from < n);
		assert_true(ok_from >= 10);
		assert_int_equal(image_probe(buf, ok_from - 1, &info), -1);
		assert_string_equal(info.error, "truncated");
	}
}

static const unsigned char webp_vp8[30] = {
	'R', 'I', 'F', 'F', 0x40, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' ',
	0x30, 0, 0, 0, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a,
	0x20, 0x03, 0x58, 0x02, /* 800 x 600 */
};
static const unsigned char webp_vp8l[30] = {
	'R', 'I', 'F', 'F', 0x40, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L',
	0x30, 0, 0, 0, 0x2f,
	/* width-1 = 1023 in bits 0..13, height-1 = 767 in bits 14..27 */
	0xff, 0xc3, 0xbf, 0x00,
};
static const unsigned char webp_vp8x[30] = {
	'R', 'I', 'F', 'F', 0x40, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X',
	0x0a, 0, 0, 0, 0x10, 0, 0, 0,
	0x7f, 0x07, 0x00, /* 1920 - 1 */ 0x37, 0x04, 0x00, /* 1080 - 1 */
};

static void test_webp(void **state)
{
	(void)state;
	struct image_info info;
	assert_int_equal(image_probe(webp_vp8, sizeof webp_vp8, &info), 0);
	assert_int_equal(info.format, IMAGE_WEBP);
	assert_int_equal(info.width, 800);
	assert_int_equal(info.height, 600);
	assert_int_equal(image_probe(webp_vp8l, sizeof webp_vp8l, &info), 0);
	assert_int_equal(info.width, 1024);
	assert_int_equal(info.height, 768);
	assert_int_equal(image_probe(webp_vp8x, sizeof webp_vp8x, &info), 0);
	assert_int_equal(info.width, 1920);
	assert_int_equal(info.height, 1080);
	assert_int_equal(image_probe(webp_vp8x, 29, &info), -1);
	assert_string_equal(info.error, "truncated");
	unsigned char bad[30];
	memcpy(bad, webp_vp8, sizeof bad);
	bad[23] = 0; /* broken key frame start code */
	assert_int_equal(image_probe(bad, sizeof bad, &info), -1);
	assert_string_equal(info.error, "malformed");
}

/* ftyp avif, then meta (full box) > hdlr (skipped) + iprp > ipco > ispe. */
static const unsigned char avif[] = {
	0, 0, 0, 20, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f', 0, 0, 0, 0, 'm', 'i', 'f', '1',
	0, 0, 0, 60, 'm', 'e', 't', 'a', 0, 0, 0, 0,
	0, 0, 0, 12, 'h', 'd', 'l', 'r', 0, 0, 0, 0,
	0, 0, 0, 36, 'i', 'p', 'r', 'p',
	0, 0, 0, 28, 'i', 'p', 'c', 'o',
	0, 0, 0, 20, 'i', 's', 'p', 'e', 0, 0, 0, 0,
	0, 0, 0x0f, 0x00, /* 3840 */ 0, 0, 0x08, 0x70, /* 2160 */
};

static void test_avif(void **state)
{
	(void)state;
	struct image_info info;
	assert_int_equal(image_probe(avif, sizeof avif, &info), 0);
	assert_int_equal(info.format, IMAGE_AVIF);
	assert_int_equal(info.width, 3840);
	assert_int_equal(info.height, 2160);
	for (size_t k = 0; k < sizeof avif; k++) {
		assert_int_equal(image_probe(avif, k, &info), -1);
		assert_string_equal(info.error, "truncated");
	}
}

/* An APP1 Exif segment (big-endian TIFF, IFD0 with Orientation = 6) put
 * in front of a real JPEG's segments. */
static void test_jpeg_exif_orientation(void **state)
{
	(void)state;
	static unsigned char file[1 << 16], buf[1 << 16];
	size_t n = slurp("r-up.jpg", file, sizeof file);
	static const unsigned char app1[] = {
		0xff, 0xe1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, 42, 0, 0, 0, 8,
		0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,
		0, 0, 0, 0,
	};
	memcpy(buf, file, 2);
	memcpy(buf + 2, app1, sizeof app1);
	memcpy(buf + 2 + sizeof app1, file + 2, n - 2);
	struct image_info info;
	assert_int_equal(image_probe(buf, n + sizeof app1, &info), 0);
	assert_int_equal(info.orientation, 6);
	assert_int_equal(info.width, 40);
	unsigned long w, h;
	info.width = 640, info.height = 480;
	image_display_size(&info, &w, &h);
	assert_int_equal(w, 480);
	assert_int_equal(h, 640);
}

static void test_refusals(void **state)
{
	(void)state;
	struct image_info info;
	unsigned char png[24] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
				  0, 0, 0, 13, 'I', 'H', 'D', 'R',
				  0, 0, 0x40, 0x01, 0, 0, 0x40, 0x00 }; /* 16385 x 16384 */
	assert_int_equal(image_probe(png, sizeof png, &info), -1);
	assert_string_equal(info.error, "too many pixels");
	png[19] = 0; /* 16384 x 16384 = 2^28 exactly is allowed */
	assert_int_equal(image_probe(png, sizeof png, &info), 0);
	png[17] = png[18] = png[19] = 0; /* zero width */
	assert_int_equal(image_probe(png, sizeof png, &info), -1);
	assert_string_equal(info.error, "malformed");
	static const unsigned char text[] = "<svg xmlns='http://www.w3.org/2000/svg'/>";
	assert_int_equal(image_probe(text, sizeof text - 1, &info), -1);
	assert_string_equal(info.error, "unknown format");
	assert_int_equal(info.format, IMAGE_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_files),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_webp),
		cmocka_unit_test(test_avif),
		cmocka_unit_test(test_jpeg_exif_orientation),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
