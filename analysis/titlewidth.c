/* titlewidth.c - Arial advance widths as tables; see titlewidth.h.
 *
 * Widths are Arial's hmtx advances in font units (unitsPerEm 2048): at 20 px,
 * 'a' 1139 -> 11.12 px, 'i' 455 -> 4.44 px, 'm' 1706 -> 16.66 px, 'W' 1933
 * -> 18.88 px, space 569 -> 5.56 px. */
#include "titlewidth.h"

#include <string.h>

#include "text.h"

#define UNITS_PER_EM 2048.0
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* U+0020 .. U+007E */
static const short ascii_units[95] = {
	569, 569, 727, 1139, 1139, 1821, 1366, 391, 682, 682, 797, 1196, 569, 682, 569, 569,
	1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139,      /* 0-9 */
	569, 569, 1196, 1196, 1196, 1139, 2079,                         /* : ; < = > ? @ */
	1366, 1366, 1479, 1479, 1366, 1251, 1593, 1479, 569, 1024, 1366, 1139, 1706, /* A-M */
	1479, 1593, 1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366, 1366, 1251, /* N-Z */
	569, 569, 569, 961, 1139, 682,                                  /* [ \ ] ^ _ ` */
	1139, 1139, 1024, 1139, 1139, 569, 1139, 1139, 455, 455, 1024, 455, 1706,     /* a-m */
	1139, 1139, 1139, 1139, 682, 1024, 569, 1139, 1024, 1479, 1024, 1024, 1024,   /* n-z */
	684, 532, 684, 1196,                                            /* { | } ~ */
};

/* U+00A0 .. U+00FF (NBSP, ¡ … ¿, À … ÿ); the soft hyphen renders as nothing. */
static const short latin1_units[96] = {
	569, 682, 1139, 1139, 1139, 1139, 532, 1139, 682, 1509, 758, 1139, 1196, 0, 1509, 1131,
	819, 1124, 682, 682, 682, 1180, 1100, 682, 682, 682, 748, 1139, 1708, 1708, 1708, 1251,
	1366, 1366, 1366, 1366, 1366, 1366, 2048, 1479, 1366, 1366, 1366, 1366, 569, 569, 569, 569,
	1479, 1479, 1593, 1593, 1593, 1593, 1593, 1196, 1593, 1479, 1479, 1479, 1479, 1366, 1366, 1251,
	1139, 1139, 1139, 1139, 1139, 1139, 1821, 1024, 1139, 1139, 1139, 1139, 569, 569, 569, 569,
	1139, 1139, 1139, 1139, 1139, 1139, 1139, 1124, 1251, 1139, 1139, 1139, 1139, 1024, 1139, 1024,
};

/* Other common code points (sorted by code point). */
static const struct { unsigned long cp; short units; } extra_units[] = {
	{0x0152, 2048}, {0x0153, 1933}, {0x0160, 1366}, {0x0161, 1024}, {0x0178, 1366},
	{0x017D, 1251}, {0x017E, 1024}, {0x1E9E, 1479}, /* ẞ */
	{0x2002, 1024}, {0x2003, 2048}, {0x2009, 410}, {0x200B, 0}, {0x200C, 0}, {0x200D, 0},
	{0x2010, 682}, {0x2011, 682}, {0x2013, 1139}, {0x2014, 2048}, {0x2018, 455},
	{0x2019, 455}, {0x201A, 455}, {0x201C, 682}, {0x201D, 682}, {0x201E, 682},
	{0x2020, 1139}, {0x2021, 1139}, {0x2022, 717}, {0x2026, 2048}, {0x202F, 410},
	{0x2030, 2048}, {0x2039, 682}, {0x203A, 682}, {0x20AC, 1139}, {0x2122, 2048},
	{0x2190, 2048}, {0x2192, 2048}, {0x2212, 1196}, {0x2264, 1124}, {0x2265, 1124},
	{0xFEFF, 0},
};

#define DEFAULT_UNITS 1139 /* an average lowercase letter */
#define WIDE_UNITS 2048    /* CJK and emoji take a full em */

int titlewidth_units(unsigned long cp)
{
	size_t lo = 0, hi = COUNT(extra_units);
	if (cp >= 0x20 && cp <= 0x7E)
		return ascii_units[cp - 0x20];
	if (cp >= 0xA0 && cp <= 0xFF)
		return latin1_units[cp - 0xA0];
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0x300 && cp <= 0x36F))
		return 0; /* controls and combining marks */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (extra_units[mid].cp == cp)
			return extra_units[mid].units;
		if (extra_units[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (cp >= 0x2E80)
		return WIDE_UNITS;
	return DEFAULT_UNITS;
}

double titlewidth_px_at(const char *utf8, double px)
{
	size_t n, pos = 0;
	long units = 0;
	if (!utf8)
		return 0;
	n = strlen(utf8);
	while (pos < n)
		units += titlewidth_units(text_utf8_next(utf8, n, &pos));
	return (double)units * px / UNITS_PER_EM;
}

double titlewidth_px(const char *utf8)
{
	return titlewidth_px_at(utf8, TITLEWIDTH_FONT_PX);
}

size_t titlewidth_fit(const char *utf8, double limit_px)
{
	size_t n, pos = 0, fit = 0;
	double units = 0, limit = limit_px * UNITS_PER_EM / TITLEWIDTH_FONT_PX;
	if (!utf8)
		return 0;
	n = strlen(utf8);
	while (pos < n) {
		units += titlewidth_units(text_utf8_next(utf8, n, &pos));
		if (units > limit)
			break;
		fit = pos;
	}
	return fit;
}
