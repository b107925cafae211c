/* test_video.c - ISO 8601 durations both ways, chapter times, the chapter
 * checks of Google's key moments and the VideoObject score. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "video.h"

#include "testutil.h"

static void test_duration_parse(void **state)
{
	(void)state;
	static const struct { const char *s; double secs; } ok[] = {
		{"PT1M30S", 90}, {"PT90S", 90}, {"PT2H", 7200}, {"PT1H2M3S", 3723},
		{"PT0S", 0}, {"PT1.5S", 1.5}, {"PT4M5.25S", 245.25}, {"P1DT2H", 93600},
		{"P1D", 86400}, {"P1W", 604800}, {"PT00H30M05S", 1805},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (fabs(video_duration_parse(ok[i].s) - ok[i].secs) > 1e-9)
			fail_msg("%s: %g, want %g", ok[i].s, video_duration_parse(ok[i].s), ok[i].secs);
	static const char *const bad[] = {
		"", "P", "PT", "T1M", "PT1M30", "PT30S1M", "PT1S1S", "P1Y", "P2M", "PT1.5M",
		"PT.5S", "PT1.S", "1:30", "PT-1S", "pt1m", "P1DT", "PT1H2H", "P8D", "PTS",
		"PT1234567890S",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (video_duration_parse(bad[i]) != -1)
			fail_msg("'%s' parsed as %g", bad[i], video_duration_parse(bad[i]));
	assert_true(video_duration_parse(NULL) == -1);
}

static void test_duration_format(void **state)
{
	(void)state;
	static const struct { double secs; const char *s; } cases[] = {
		{90, "PT1M30S"}, {0, "PT0S"}, {7200, "PT2H"}, {3723, "PT1H2M3S"}, {1.5, "PT1.5S"},
		{245.25, "PT4M5.25S"}, {93600, "PT26H"}, {3600.001, "PT1H0.001S"}, {60, "PT1M"},
	};
	char out[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(video_duration_format(cases[i].secs, out, sizeof out), 0);
		assert_string_equal(out, cases[i].s);
		/* the normal form parses back to the same seconds */
		assert_near(video_duration_parse(out), cases[i].secs, 1e-9);
	}
	assert_int_equal(video_duration_format(-1, out, sizeof out), -1);
	assert_int_equal(video_duration_format(NAN, out, sizeof out), -1);
	assert_int_equal(video_duration_format(3723, out, 6), -1);     /* "PT1H2M3S" needs 9 */
}

static void test_iso_epoch(void **state)
{
	(void)state;
	long long t;
	int zoned, date_only;
	assert_int_equal(video_iso_epoch("1970-01-01", &t, &zoned, &date_only), 0);
	assert_true(t == 0 && !zoned && date_only);
	/* `date -u -d 2024-02-29T12:00:00+01:00 +%s` */
	assert_int_equal(video_iso_epoch("2024-02-29T12:00:00+01:00", &t, &zoned, &date_only), 0);
	assert_true(t == 1709204400LL && zoned && !date_only);
	assert_int_equal(video_iso_epoch("2024-02-29T11:00Z", &t, &zoned, &date_only), 0);
	assert_true(t == 1709204400LL && zoned);
	assert_int_equal(video_iso_epoch("2024-02-29T06:30:00.250-0430", &t, &zoned, &date_only), 0);
	assert_true(t == 1709204400LL && zoned);
	assert_int_equal(video_iso_epoch("2026-12-02T00:50:25", &t, &zoned, &date_only), 0);
	assert_true(t == 1796172625LL && !zoned);
	assert_int_equal(video_iso_epoch("2023-02-29", &t, &zoned, &date_only), -1);
	assert_int_equal(video_iso_epoch("2024-13-01", &t, &zoned, &date_only), -1);
	assert_int_equal(video_iso_epoch("29.02.2024", &t, &zoned, &date_only), -1);
}

static void test_clock_parse(void **state)
{
	(void)state;
	assert_near(video_clock_parse("90"), 90, 0);
	assert_near(video_clock_parse("0"), 0, 0);
	assert_near(video_clock_parse("1:30"), 90, 0);
	assert_near(video_clock_parse("0:05"), 5, 0);
	assert_near(video_clock_parse("12:00"), 720, 0);
	assert_near(video_clock_parse("1:02:03"), 3723, 0);
	assert_near(video_clock_parse("01:02:03"), 3723, 0);
	static const char *const bad[] = {"", "1:3", "1:60", "1:2:3", "1:02:60", "1:02:03:04",
					  ":30", "1:", "1.5", "-1", "1:30 ", "a:bc", "1::30"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (video_clock_parse(bad[i]) != -1)
			fail_msg("'%s' parsed as %g", bad[i], video_clock_parse(bad[i]));
}

/* Whether the findings hold (index, field, a word of the message). */
static int found(const video_chapter_error_t *e, size_t n, long index, const char *field,
		 const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].index == index && ((!field && !e[i].field) ||
		    (field && e[i].field && strcmp(field, e[i].field) == 0)) &&
		    strstr(e[i].message, word))
			return 1;
	return 0;
}

static void test_chapters(void **state)
{
	(void)state;
	video_chapter_error_t e[16];
	const video_chapter_t good[] = {{0, -1, 1}, {30, -1, 1}, {95, 120, 1}};
	assert_int_equal(video_check_chapters(good, 3, 120, e, 16), 0);
	assert_int_equal(video_check_chapters(good, 3, -1, e, 16), 0);  /* duration unknown */
	assert_int_equal(video_check_chapters(good, 0, 120, e, 16), 0);  /* none: no key moments */
	/* ends: own, next start, duration */
	assert_near(video_chapter_end(good, 3, 0, 120), 30, 0);
	assert_near(video_chapter_end(good, 3, 2, 120), 120, 0);
	assert_near(video_chapter_end(good, 3, 1, -1), 95, 0);

	size_t n = video_check_chapters(good, 1, 120, e, 16);
	assert_int_equal(n, 1);
	assert_true(found(e, n, -1, NULL, "at least 2"));

	const video_chapter_t bad[] = {
		{10, 50, 1},    /* 0 */
		{40, -1, 1},    /* 1: starts before 0 ends */
		{40, -1, 0},    /* 2: same start as 1, no name */
		{30, -1, 1},    /* 3: before 2 */
		{60, 55, 1},    /* 4: ends before it starts */
		{100, 130, 1},  /* 5: ends beyond 120 */
		{130, -1, 1},   /* 6: starts after the end */
	};
	n = video_check_chapters(bad, 7, 120, e, 16);
	assert_true(found(e, n, 1, "start", "overlaps"));
	assert_near(e[0].ref, 50, 0);
	assert_true(found(e, n, 2, "start", "after the previous"));
	assert_true(found(e, n, 2, "name", "required"));
	assert_true(found(e, n, 3, "start", "after the previous"));
	assert_true(found(e, n, 4, "end", "after start"));
	assert_true(found(e, n, 5, "end", "beyond"));
	assert_true(found(e, n, 6, "start", "beyond"));
	assert_false(found(e, n, 0, "start", ""));
	assert_int_equal(n, 7);
	/* more findings than room: counted, not written past cap */
	assert_int_equal(video_check_chapters(bad, 7, 120, e, 2), 7);
}

static void test_score(void **state)
{
	(void)state;
	unsigned all = (1u << VIDEO_PROPS) - 1;
	int sum = 0, req = 0;
	for (int i = 0; i < VIDEO_PROPS; i++) {
		sum += video_props[i].weight;
		req += video_props[i].required ? video_props[i].weight : 0;
	}
	assert_int_equal(sum, 100);
	assert_int_equal(req, 60);
	assert_int_equal(video_score(all, 0), 100);
	assert_int_equal(video_score(all, 7), 93);
	assert_int_equal(video_score(0, 5), 0);
	unsigned required = 1u << VIDEO_NAME | 1u << VIDEO_THUMBNAIL | 1u << VIDEO_UPLOAD_DATE;
	assert_int_equal(video_score(required, 0), 60);
	assert_int_equal(video_score(required | 1u << VIDEO_DURATION, 0), 70);
	assert_true(video_required_ok(required));
	assert_false(video_required_ok(all & ~(1u << VIDEO_UPLOAD_DATE)));
	assert_string_equal(video_props[VIDEO_THUMBNAIL].jsonld, "thumbnailUrl");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_iso_epoch),
		cmocka_unit_test(test_clock_parse),
		cmocka_unit_test(test_chapters),
		cmocka_unit_test(test_score),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
