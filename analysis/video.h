/* video.h - video SEO (pure): ISO 8601 durations, chapter times, the checks
 * Google's key moments need (Clip chapters) and the VideoObject score.
 *
 * Times are seconds as doubles; -1 means "not given" or "unparseable". */
#ifndef ZOE_VIDEO_H
#define ZOE_VIDEO_H

#include <stddef.h>

/* Chapters a video may carry; more is refused as input. */
#define VIDEO_CHAPTERS_MAX 100
/* Google's key moments want at least this many chapters. */
#define VIDEO_CHAPTERS_MIN 2
/* A duration above this (a week) is a typo, not a video. */
#define VIDEO_DURATION_MAX (7 * 86400.0)

/* Seconds of an ISO 8601 duration P[nW][nD][T[nH][nM][n[.f]S]] ("PT1M30S",
 * "P1DT2H"); years and months are refused (no fixed length). -1 when s is
 * not such a duration or exceeds VIDEO_DURATION_MAX. */
double video_duration_parse(const char *s);
/* Seconds of a chapter time "90", "1:30", "01:02:03" (minutes and seconds
 * two digits below 60 after a colon); -1 when malformed. */
double video_clock_parse(const char *s);
/* secs as the normal form PTnHnMnS, zero parts left out ("PT1M30S", "PT2H",
 * "PT0S"), fractions of a second to milliseconds ("PT1.5S"). 0, or -1 when
 * secs is negative or not finite or out is too small. */
int video_duration_format(double secs, char *out, size_t outsz);

/* Seconds since 1970 (UTC) of ISO 8601 date "YYYY-MM-DD" (its 00:00 UTC) or
 * date-time "YYYY-MM-DDThh:mm[:ss[.f]][Z|+hh:mm|+hhmm]" (a zone-less time
 * read as UTC); *zoned = 1 when a zone was given, *date_only = 1 for a date.
 * 0, or -1 when s is not such a value (jsonld_is_iso8601 decides). */
int video_iso_epoch(const char *s, long long *epoch, int *zoned, int *date_only);

typedef struct video_chapter {
	double start;           /* seconds >= 0 */
	double end;             /* seconds, or -1 when not given */
	int named;              /* has a non-empty name */
} video_chapter_t;

/* One finding about the chapter list: index -1 is the list itself. */
typedef struct video_chapter_error {
	long index;
	const char *field;      /* "start", "end", "name" or NULL for the list */
	const char *message;    /* static text */
	double ref;             /* the figure the message refers to (seconds), or -1 */
} video_chapter_error_t;

/* Checks n chapters against a video of `duration` seconds (-1 = unknown):
 * at least VIDEO_CHAPTERS_MIN, each named, sorted by start without repeats,
 * start < end, not overlapping the previous one's end, within the duration.
 * Writes up to cap findings into out; returns the number found (which may
 * exceed cap). */
size_t video_check_chapters(const video_chapter_t *c, size_t n, double duration,
			    video_chapter_error_t *out, size_t cap);

/* The end of chapter i: its own, else the next one's start, else the
 * duration (-1 when none is known). */
double video_chapter_end(const video_chapter_t *c, size_t n, size_t i, double duration);

/* Google's VideoObject properties and what each weighs in the score
 * (required ones together 60, recommended ones 40). */
enum video_prop {
	VIDEO_NAME, VIDEO_THUMBNAIL, VIDEO_UPLOAD_DATE,       /* required */
	VIDEO_DESCRIPTION, VIDEO_DURATION, VIDEO_MEDIA_URL,   /* recommended: contentUrl|embedUrl */
	VIDEO_KEY_MOMENTS,                                    /* hasPart Clip | SeekToAction */
	VIDEO_PROPS
};

typedef struct video_prop_info {
	const char *field;      /* request field ("thumbnail_url") */
	const char *jsonld;     /* schema.org property ("thumbnailUrl") */
	int required;
	int weight;
} video_prop_info_t;

extern const video_prop_info_t video_props[VIDEO_PROPS];

/* Score 0..100: the weights of the properties present (bit i of `present` =
 * enum video_prop i) less `deduct` points for quality findings, at least 0. */
int video_score(unsigned present, int deduct);
/* 1 when every required property is present. */
int video_required_ok(unsigned present);

#endif
