/* test_imgaudit.c - the image SEO checks: alt text and file name heuristics,
 * savings (each and combined), the score. Expected savings are worked out by
 * hand from the formulas in imgaudit.h. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "imgaudit.h"

static void test_alt_heuristics(void **state)
{
	(void)state;
	assert_true(imgaudit_alt_is_filename("IMG_1234.jpg"));
	assert_true(imgaudit_alt_is_filename("dsc0001"));
	assert_true(imgaudit_alt_is_filename(" solar-dach.PNG "));
	assert_true(imgaudit_alt_is_filename("IMG_20240501_123456"));
	assert_false(imgaudit_alt_is_filename("Balkonkraftwerk auf einem Balkon in Berlin"));
	assert_false(imgaudit_alt_is_filename("Photovoltaik"));
	assert_false(imgaudit_alt_is_filename("Preis 2024: 600 W.jpg sind erlaubt"));
	assert_false(imgaudit_alt_is_filename(""));
	assert_false(imgaudit_alt_is_filename(NULL));

	assert_true(imgaudit_alt_redundant("Bild von einer Wärmepumpe"));
	assert_true(imgaudit_alt_redundant("  foto VON Solarmodulen"));
	assert_true(imgaudit_alt_redundant("Image of a solar roof"));
	assert_true(imgaudit_alt_redundant("Picture of panels"));
	assert_true(imgaudit_alt_redundant("Bild: Montage"));
	assert_false(imgaudit_alt_redundant("Bildung und Solarenergie"));
	assert_false(imgaudit_alt_redundant("Monteur setzt ein Modul auf das Dach"));
	assert_false(imgaudit_alt_redundant(NULL));
}

static void test_filename_heuristics(void **state)
{
	(void)state;
	static const char *const generic[] = {
		"IMG_1234.jpg", "DSC0001.JPG", "dscn4711.jpeg", "PXL_20240312_101010123.jpg",
		"20240501_120000.jpg", "1.png", "Screenshot 2024-05-01 at 10.00.00.png",
		"WhatsApp Image 2024-03-01 at 12.00.01.jpeg", "Bildschirmfoto_2024-01-02.png",
		"d41d8cd98f00b204e9800998ecf8427e.jpg", "3f2504e0-4f89-11d3-9a0c-0305e82c3301.webp",
		"GOPR0042.JPG", "DJI_0001.jpg", "image.png", "x7.gif", ".jpg", NULL};
	static const char *const descriptive[] = {
		"balkonkraftwerk-montage-dach.jpg", "waermepumpe_garten_2024.webp",
		"zoe-solar-logo.png", "photovoltaik-anlage-einfamilienhaus.avif",
		"image-balkonkraftwerk.png", "dachflaeche.jpg", "facade.png", NULL};
	for (int i = 0; generic[i]; i++)
		if (!imgaudit_filename_generic(generic[i]))
			fail_msg("%s should count as not descriptive", generic[i]);
	for (int i = 0; descriptive[i]; i++)
		if (imgaudit_filename_generic(descriptive[i]))
			fail_msg("%s should count as descriptive", descriptive[i]);
	assert_int_equal(imgaudit_format_of_name("a/b/Foto.JPG"), IMAGE_JPEG);
	assert_int_equal(imgaudit_format_of_name("x.avif"), IMAGE_AVIF);
	assert_int_equal(imgaudit_format_of_name("x.svg"), IMAGE_UNKNOWN);
	assert_int_equal(imgaudit_format_of_name("png"), IMAGE_UNKNOWN);
	assert_string_equal(imgaudit_mime(IMAGE_WEBP), "image/webp");
	assert_null(imgaudit_mime(IMAGE_UNKNOWN));
}

static void test_shares(void **state)
{
	(void)state;
	assert_float_equal(imgaudit_oversize_share(2000, 500), 0.75, 1e-12);  /* 1-(1000/2000)^2 */
	assert_float_equal(imgaudit_oversize_share(1000, 500), 0, 0);         /* exactly 2x: fine */
	assert_float_equal(imgaudit_oversize_share(3000, 0), 0, 0);
	assert_float_equal(imgaudit_modern_share(IMAGE_JPEG, 0.2), 0.30, 0);
	assert_float_equal(imgaudit_modern_share(IMAGE_PNG, 2.5), 0.50, 0);
	assert_float_equal(imgaudit_modern_share(IMAGE_PNG, 0.3), 0.26, 0);
	assert_float_equal(imgaudit_modern_share(IMAGE_WEBP, 2), 0, 0);
}

static imgaudit_in_t base(void)
{
	return (imgaudit_in_t){.alt = "Monteur setzt ein Solarmodul auf ein Ziegeldach",
		.filename = "solarmodul-montage.webp", .format = IMAGE_WEBP, .format_known = 1,
		.width = 800, .height = 600, .file_size = 60000, .measured = 1,
		.declared_size = -1, .has_license = 1, .has_creator = 1};
}

static const imgaudit_issue_t *find(const imgaudit_t *a, const char *code)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->issues[i].code, code) == 0)
			return &a->issues[i];
	return NULL;
}

static void test_clean_image(void **state)
{
	(void)state;
	imgaudit_in_t in = base();
	imgaudit_t a;
	imgaudit_run(&in, &a);     /* 60000 / 480000 = 0.125 B/px, WebP, alt fine */
	assert_int_equal(a.n, 0);
	assert_int_equal(a.score, 100);
	assert_int_equal(a.savings, 0);
	assert_float_equal(a.bytes_per_pixel, 0.125, 1e-12);
}

/* A 4000x3000 camera JPEG of 6 MB shown at 800 px, no alt, no licence. */
static void test_camera_jpeg(void **state)
{
	(void)state;
	imgaudit_in_t in = base();
	in.alt = NULL;
	in.filename = "IMG_1234.JPG";
	in.format = IMAGE_JPEG;
	in.width = 4000;
	in.height = 3000;
	in.file_size = 6000000;
	in.displayed_width = 800;
	in.has_license = in.has_creator = 0;
	imgaudit_t a;
	imgaudit_run(&in, &a);
	assert_non_null(find(&a, "alt_missing"));
	assert_true(find(&a, "alt_missing")->error);
	assert_non_null(find(&a, "filename_not_descriptive"));
	assert_non_null(find(&a, "license_missing"));
	assert_non_null(find(&a, "creator_missing"));
	/* legacy: 30 % of 6 MB */
	assert_int_equal(find(&a, "legacy_format")->savings, 1800000);
	/* 0.5 B/px: at the threshold, not above it */
	assert_null(find(&a, "heavy"));
	/* oversized: 1 - (1600/4000)^2 = 0.84 */
	assert_int_equal(find(&a, "oversized")->savings, 5040000);
	/* combined: 1 - 0.7 * 0.16 = 0.888, not 0.3 + 0.84 */
	assert_int_equal(a.savings, 5328000);
	/* 100 - 30 - 10 - 10 - 15 - 5 - 5 */
	assert_int_equal(a.score, 25);
	assert_int_equal(a.n, 6);
}

static void test_heavy_png_and_mismatch(void **state)
{
	(void)state;
	imgaudit_in_t in = base();
	in.format = IMAGE_PNG;
	in.filename = "dach.png";
	in.width = 300;
	in.height = 162;
	in.file_size = 162222;          /* 3.338 B/px: a photo in PNG */
	in.declared_width = 600;
	in.declared_height = 162;
	imgaudit_t a;
	imgaudit_run(&in, &a);
	double px = 300.0 * 162, bpp = 162222 / px;
	assert_int_equal(find(&a, "legacy_format")->savings, llround(162222 * 0.5));
	assert_int_equal(find(&a, "heavy")->savings, llround(162222 * (1 - 1.0 / bpp)));
	assert_int_equal(a.savings, llround(162222 * (1 - 0.5 * (1.0 / bpp))));
	const imgaudit_issue_t *m = find(&a, "declared_size_mismatch");
	assert_non_null(m);
	assert_string_equal(m->field, "width");
	assert_int_equal(a.score, 100 - 10 - 15 - 5);
	/* an icon above the threshold but saving under 4 KiB: not heavy */
	in.width = in.height = 16;
	in.file_size = 432;             /* 1.69 B/px, saves 176 bytes */
	imgaudit_run(&in, &a);
	assert_null(find(&a, "heavy"));
	in.width = 300;
	in.height = 162;
	in.file_size = 162222;
	/* without bytes nothing is compared */
	in.measured = 0;
	imgaudit_run(&in, &a);
	assert_null(find(&a, "declared_size_mismatch"));
}

static void test_alt_rules_in_run(void **state)
{
	(void)state;
	imgaudit_in_t in = base();
	imgaudit_t a;
	in.alt = "";
	imgaudit_run(&in, &a);
	assert_non_null(find(&a, "alt_missing"));
	in.decorative = 1;
	imgaudit_run(&in, &a);
	assert_null(find(&a, "alt_missing"));
	assert_int_equal(a.score, 100);
	in.decorative = 0;
	char long_alt[200];
	memset(long_alt, 'a', 126);
	long_alt[126] = '\0';
	memcpy(long_alt, "Bild von ", 9);
	in.alt = long_alt;
	imgaudit_run(&in, &a);
	assert_non_null(find(&a, "alt_too_long"));
	assert_non_null(find(&a, "alt_redundant_prefix"));
	assert_int_equal(a.score, 85);
	/* 125 code points with umlauts (2 bytes each) is not too long */
	char uml[400] = "";
	for (int i = 0; i < 125; i++)
		strcat(uml, "ä");
	in.alt = uml;
	imgaudit_run(&in, &a);
	assert_null(find(&a, "alt_too_long"));
	in.alt = "IMG_1234.jpg";
	imgaudit_run(&in, &a);
	assert_non_null(find(&a, "alt_is_filename"));
	assert_int_equal(a.score, 80);
}

static void test_unknown_and_unsized(void **state)
{
	(void)state;
	imgaudit_in_t in = base();
	in.format = IMAGE_UNKNOWN;
	in.format_known = 0;
	in.measured = 0;
	in.file_size = -1;
	in.width = in.height = 0;
	imgaudit_t a;
	imgaudit_run(&in, &a);
	assert_non_null(find(&a, "unknown_format"));
	assert_string_equal(find(&a, "unknown_format")->field, "filename");
	assert_int_equal(a.savings, 0);
	assert_int_equal(a.score, 80);
	assert_true(isnan(a.bytes_per_pixel));
	/* a JPEG known only by its extension, size unknown: legacy without a figure */
	in.format = IMAGE_JPEG;
	in.format_known = 1;
	imgaudit_run(&in, &a);
	assert_int_equal(find(&a, "legacy_format")->savings, -1);
	assert_int_equal(a.savings, 0);
	assert_int_equal(imgaudit_weight("nonsense"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alt_heuristics),
		cmocka_unit_test(test_filename_heuristics),
		cmocka_unit_test(test_shares),
		cmocka_unit_test(test_clean_image),
		cmocka_unit_test(test_camera_jpeg),
		cmocka_unit_test(test_heavy_png_and_mismatch),
		cmocka_unit_test(test_alt_rules_in_run),
		cmocka_unit_test(test_unknown_and_unsized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
