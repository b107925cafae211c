/* titlewidth.c - Arial advance widths as tables, and the shortening of a
 * title by the boundaries table; see titlewidth.h.
 *
 * Widths are Arial's hmtx advances in font units (unitsPerEm 2048): at 20 px,
 * 'a' 1139 -> 11.12 px, 'i' 455 -> 4.44 px, 'm' 1706 -> 16.66 px, 'W' 1933
 * -> 18.88 px, space 569 -> 5.56 px. */
#include "titlewidth.h"

#include <stdint.h>
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

/* Width of s[0..n) in font units. */
static long units_n(const char *s, size_t n)
{
	size_t pos = 0;
	long units = 0;
	while (pos < n)
		units += titlewidth_units(text_utf8_next(s, n, &pos));
	return units;
}

static long px_to_units(double px)
{
	return (long)(px * UNITS_PER_EM / TITLEWIDTH_FONT_PX);
}

/* Bytes of the longest prefix of s[0..n) within `limit` units. */
static size_t fit_n(const char *s, size_t n, long limit)
{
	size_t pos = 0, fit = 0;
	long units = 0;
	while (pos < n) {
		units += titlewidth_units(text_utf8_next(s, n, &pos));
		if (units > limit)
			break;
		fit = pos;
	}
	return fit;
}

double titlewidth_px_at(const char *utf8, double px)
{
	return utf8 ? (double)units_n(utf8, strlen(utf8)) * px / UNITS_PER_EM : 0;
}

double titlewidth_px(const char *utf8)
{
	return titlewidth_px_at(utf8, TITLEWIDTH_FONT_PX);
}

size_t titlewidth_fit(const char *utf8, double limit_px)
{
	return utf8 ? fit_n(utf8, strlen(utf8), px_to_units(limit_px)) : 0;
}

/* ---- shortening ----------------------------------------------------------- */

#define ELLIPSIS "\xE2\x80\xA6"         /* … */
#define BRAND_MAX_WORDS 4
#define MAX_STOPWORDS 3

/* Where a title may be cut. `keep`: bytes of the separator that stay with
 * the text before it ("?"); `strength`: a sentence end beats a dash, a dash
 * beats a comma; `brand`: a brand suffix may follow it. */
static const struct boundary {
	const char *sep;
	unsigned char keep, strength, brand;
} boundaries[] = {
	{"? ", 1, 3, 0},
	{"! ", 1, 3, 0},
	{" | ", 0, 2, 1},
	{" \xE2\x80\x93 ", 0, 2, 1},    /* – */
	{" \xE2\x80\x94 ", 0, 2, 1},    /* — */
	{" - ", 0, 2, 1},
	{" \xC2\xB7 ", 0, 2, 1},        /* · */
	{": ", 0, 2, 1},
	{"; ", 0, 2, 0},
	{", ", 0, 1, 0},
};

/* What a cut text must not end with. */
static const char *const trailing[] = {
	" ", ",", ";", ":", "|", "-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xC2\xB7",
};

static size_t trim_trailing(const char *s, size_t n)
{
	size_t i = 0;
	while (n > 0 && i < COUNT(trailing)) {
		size_t k = strlen(trailing[i]);
		if (k <= n && memcmp(s + n - k, trailing[i], k) == 0)
			n -= k, i = 0;
		else
			i++;
	}
	return n;
}

size_t titlewidth_cut_end(const char *s, size_t n)
{
	n = trim_trailing(s, n);
	for (int k = 0; k < MAX_STOPWORDS; k++) {
		char folded[TEXT_WORD_MAX];
		size_t start = n;
		while (start > 0 && s[start - 1] != ' ')
			start--;
		if (start == 0 || n - start >= sizeof(folded) ||
		    text_fold(s + start, n - start, folded, sizeof(folded)) < 0 ||
		    !(text_is_stopword(folded, TEXT_LANG_DE) || text_is_stopword(folded, TEXT_LANG_EN)))
			break;
		n = trim_trailing(s, start);
	}
	return n;
}

/* 1 when s is one to BRAND_MAX_WORDS words, each starting with a capital
 * letter, a digit or a sign ("ZOE Solar", "SMA Solar Technology AG"). */
static int brand_words(const char *s)
{
	size_t n = strlen(s), pos = 0, words = 0;
	while (pos < n) {
		if (s[pos] == ' ') {
			pos++;
			continue;
		}
		uint32_t cp = text_utf8_next(s, n, &pos);
		if (text_is_letter(cp) && !text_is_upper(cp))
			return 0;
		words++;
		while (pos < n && s[pos] != ' ')
			pos++;
	}
	return words >= 1 && words <= BRAND_MAX_WORDS;
}

size_t titlewidth_brand(const char *title)
{
	size_t cut = 0, len = 0;
	for (size_t i = 0; i < COUNT(boundaries); i++) {
		const char *p = boundaries[i].brand ? strstr(title, boundaries[i].sep) : NULL;
		for (; p; p = strstr(p + 1, boundaries[i].sep))
			if ((size_t)(p - title) > cut)
				cut = (size_t)(p - title), len = strlen(boundaries[i].sep);
	}
	return cut && brand_words(title + cut + len) ? cut : 0;
}

/* End of the leading clauses of s[0..n) to keep within `limit` units: of the
 * boundaries that fit and keep at least half the limit, the strongest, then
 * the last; 0 when there is none. */
static size_t clause_end(const char *s, size_t n, long limit)
{
	size_t fit = fit_n(s, n, limit), best = 0;
	int best_strength = 0;
	for (size_t i = 1; i < fit; i++) {
		for (size_t k = 0; k < COUNT(boundaries); k++) {
			const struct boundary *b = &boundaries[k];
			size_t len = strlen(b->sep), end = i + b->keep;
			if (len > n - i || memcmp(s + i, b->sep, len) != 0 || end > fit ||
			    b->strength < best_strength || units_n(s, end) * 2 < limit)
				continue;
			best = end, best_strength = b->strength;
		}
	}
	return best;
}

/* End of the leading whole words of s[0..n) that fit with "…" in `limit`
 * units, no separator or stop word last; 0 when not even one word fits. */
static size_t words_end(const char *s, size_t n, long limit)
{
	size_t fit = fit_n(s, n, limit - units_n(ELLIPSIS, strlen(ELLIPSIS)));
	if (fit >= n)
		return n;
	while (fit > 0 && s[fit] != ' ')
		fit--;
	return fit ? titlewidth_cut_end(s, fit) : 0;
}

int titlewidth_shorten(const char *title, double limit_px, char *out, size_t outlen,
		       enum titlewidth_how *how)
{
	long limit = px_to_units(limit_px);
	size_t n = trim_trailing(title, strlen(title)), brand = titlewidth_brand(title), cut;
	enum titlewidth_how h = TITLEWIDTH_WHOLE;
	const char *tail = "";
	if (units_n(title, n) > limit && brand) {
		n = trim_trailing(title, brand);
		h = TITLEWIDTH_BRAND;
	}
	if (units_n(title, n) > limit) {
		if ((cut = clause_end(title, n, limit)) > 0) {
			n = trim_trailing(title, cut);
			h = TITLEWIDTH_CLAUSE;
		} else {
			n = words_end(title, n, limit);
			h = TITLEWIDTH_WORDS;
			tail = ELLIPSIS;
		}
	}
	if (n == 0 || n + strlen(tail) >= outlen)
		return -1;
	memcpy(out, title, n);
	memcpy(out + n, tail, strlen(tail) + 1);
	if (how)
		*how = h;
	return 0;
}
