/* titlewidth.h - pixel width of a title as Google renders it on desktop
 * results (Arial 20 px), from Arial's advance widths, and the shortening of
 * a title that is too wide (pure). */
#ifndef ZOE_TITLEWIDTH_H
#define ZOE_TITLEWIDTH_H

#include <stddef.h>

/* Google truncates desktop titles near this width. */
#define TITLEWIDTH_LIMIT_PX 580
/* Font size Google uses for desktop result titles. */
#define TITLEWIDTH_FONT_PX 20.0

/* Advance width of code point cp in Arial units (2048 per em); a sensible
 * default for code points outside the table (CJK: a full em). */
int titlewidth_units(unsigned long cp);
/* Width in px of UTF-8 `utf8` at 20 px (no kerning); 0 for NULL. Invalid bytes
 * count as U+FFFD. */
double titlewidth_px(const char *utf8);
/* As titlewidth_px at font size `px`. */
double titlewidth_px_at(const char *utf8, double px);
/* Bytes of the longest prefix of `utf8` (ending on a code point) that fits in
 * `limit_px` at 20 px. */
size_t titlewidth_fit(const char *utf8, double limit_px);

/* How titlewidth_shorten made a title fit. */
enum titlewidth_how {
	TITLEWIDTH_WHOLE,       /* it fit as it was */
	TITLEWIDTH_BRAND,       /* without its brand suffix */
	TITLEWIDTH_CLAUSE,      /* its leading clauses */
	TITLEWIDTH_WORDS,       /* its leading words and "…" */
};

/* Shortens `title` to fit `limit_px`, preferring in this order: the whole
 * title; the title without its brand suffix; its leading clauses (cut at a
 * sentence end, " | ", " – ", " - ", ": ", "; " or ", ", the strongest
 * boundary first) when they keep at least half the limit; its leading words
 * followed by "…", no stop word before it. Never cuts inside a word. Writes
 * the result to out (strlen(title) + 4 bytes always suffice) and the way to
 * *how (may be NULL). Returns 0, or -1 when out is too small or the first
 * word alone is wider than the limit. */
int titlewidth_shorten(const char *title, double limit_px, char *out, size_t outlen,
		       enum titlewidth_how *how);
/* Bytes of `title` before its brand suffix: one to four capitalised words
 * after the last " | ", " – ", " - ", " · " or ": " ("… | ZOE Solar"); 0 when
 * it has none. */
size_t titlewidth_brand(const char *title);
/* Length of s[0..n) without trailing separators and up to three trailing
 * German or English stop words: where a cut title or description may end
 * (at least its first word stays). */
size_t titlewidth_cut_end(const char *s, size_t n);

#endif
