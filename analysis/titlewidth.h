/* titlewidth.h - pixel width of a title as Google renders it on desktop
 * results (Arial 20 px), from Arial's advance widths (pure). */
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

#endif
