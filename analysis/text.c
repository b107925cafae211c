/* text.c - UTF-8, folding, tokens, sentences, syllables, stop words, stems
 * and language guess for German and English; see text.h.
 *
 * Everything is driven by static const tables (fold ranges, abbreviations,
 * ordinal context words, stop words, suffixes); the code around them is small
 * and generic. No allocation except the span arrays handed to the caller. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- UTF-8 ------------------------------------------------------------ */

/* Decodes one code point; *ok = 0 (and one byte consumed) when malformed. */
static uint32_t decode(const char *s, size_t n, size_t *pos, int *ok)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = *pos, len;
	uint32_t cp, min;
	unsigned c = u[i];

	*ok = 1;
	if (c < 0x80) {
		*pos = i + 1;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2; cp = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3; cp = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4; cp = c & 0x07; min = 0x10000;
	} else {
		goto bad;
	}
	if (i + len > n)
		goto bad;
	for (size_t k = 1; k < len; k++) {
		if ((u[i + k] & 0xC0) != 0x80)
			goto bad;
		cp = (cp << 6) | (u[i + k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto bad;
	*pos = i + len;
	return cp;
bad:
	*ok = 0;
	*pos = i + 1;
	return 0xFFFD;
}

int text_utf8_valid(const char *s, size_t n)
{
	size_t pos = 0;
	int ok = 1;
	while (pos < n && ok)
		decode(s, n, &pos, &ok);
	return ok;
}

uint32_t text_utf8_next(const char *s, size_t n, size_t *pos)
{
	int ok;
	if (*pos >= n)
		return 0;
	return decode(s, n, pos, &ok);
}

size_t text_utf8_put(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		return 0;
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ---- letters and case ------------------------------------------------- */

enum fold_kind { FOLD_OFFSET, FOLD_EVEN_UPPER, FOLD_ODD_UPPER, FOLD_TO };

/* Uppercase ranges and how to lowercase them (offset, or pairs in Ext-A). */
static const struct fold_range {
	uint32_t lo, hi;
	enum fold_kind kind;
	uint32_t arg; /* offset for FOLD_OFFSET, target for FOLD_TO */
} fold_ranges[] = {
	{'A', 'Z', FOLD_OFFSET, 32},
	{0xC0, 0xD6, FOLD_OFFSET, 32},      /* À..Ö */
	{0xD8, 0xDE, FOLD_OFFSET, 32},      /* Ø..Þ */
	{0x100, 0x12F, FOLD_EVEN_UPPER, 0}, /* Ā..į */
	{0x130, 0x130, FOLD_TO, 'i'},       /* İ */
	{0x132, 0x137, FOLD_EVEN_UPPER, 0},
	{0x139, 0x148, FOLD_ODD_UPPER, 0},  /* Ĺ..ň */
	{0x14A, 0x177, FOLD_EVEN_UPPER, 0}, /* Ŋ..ŷ, Œ, Š */
	{0x178, 0x178, FOLD_TO, 0xFF},      /* Ÿ */
	{0x179, 0x17E, FOLD_ODD_UPPER, 0},  /* Ź..ž */
	{0x391, 0x3A1, FOLD_OFFSET, 32},    /* Greek */
	{0x3A3, 0x3AB, FOLD_OFFSET, 32},
	{0x400, 0x40F, FOLD_OFFSET, 80},    /* Cyrillic */
	{0x410, 0x42F, FOLD_OFFSET, 32},
	{0x1E9E, 0x1E9E, FOLD_TO, 0xDF},    /* ẞ -> ß */
};

static uint32_t fold_cp(uint32_t c)
{
	for (size_t i = 0; i < COUNT(fold_ranges); i++) {
		const struct fold_range *r = &fold_ranges[i];
		if (c < r->lo || c > r->hi)
			continue;
		switch (r->kind) {
		case FOLD_OFFSET: return c + r->arg;
		case FOLD_EVEN_UPPER: return (c & 1) ? c : c + 1;
		case FOLD_ODD_UPPER: return (c & 1) ? c + 1 : c;
		case FOLD_TO: return r->arg;
		}
	}
	return c;
}

int text_is_upper(uint32_t cp) { return fold_cp(cp) != cp; }

/* Code point ranges above Latin-1 that are not letters (spaces, punctuation,
 * symbols, emoji). */
static const struct { uint32_t lo, hi; } nonletter_ranges[] = {
	{0x2000, 0x2BFF}, {0x2E00, 0x2E7F}, {0x3000, 0x303F}, {0xFE30, 0xFE4F},
	{0xFEFF, 0xFEFF}, {0xFF00, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFFF0, 0xFFFF},
	{0x1F000, 0x1FAFF},
};

int text_is_letter(uint32_t c)
{
	if (c < 0x80)
		return (c | 32) >= 'a' && (c | 32) <= 'z';
	if (c < 0x100)
		return c == 0xAA || c == 0xB5 || c == 0xBA ||
		       (c >= 0xC0 && c != 0xD7 && c != 0xF7);
	for (size_t i = 0; i < COUNT(nonletter_ranges); i++)
		if (c >= nonletter_ranges[i].lo && c <= nonletter_ranges[i].hi)
			return 0;
	return 1;
}

static int is_digit(uint32_t c) { return c >= '0' && c <= '9'; }

/* Letters, digits and combining marks build words. */
static int is_word_cp(uint32_t c)
{
	return is_digit(c) || text_is_letter(c) || (c >= 0x300 && c <= 0x36F);
}

static int is_space_cp(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202F || c == 0x205F || c == 0x3000;
}

int text_fold(const char *s, size_t n, char *out, size_t outsz)
{
	size_t pos = 0, o = 0;
	while (pos < n) {
		int ok;
		char tmp[4];
		uint32_t c = decode(s, n, &pos, &ok);
		size_t k = ok ? text_utf8_put(fold_cp(c), tmp) : 0;
		if (k == 0) {
			tmp[0] = '?';
			k = 1;
		}
		if (o + k >= outsz)
			return -1;
		memcpy(out + o, tmp, k);
		o += k;
	}
	if (o >= outsz)
		return -1;
	out[o] = '\0';
	return 0;
}

/* Folds s[0..n) into out[TEXT_WORD_MAX+1], truncating at a code point. */
static void fold_word(const char *s, size_t n, char *out)
{
	while (n > 0 && text_fold(s, n, out, TEXT_WORD_MAX + 1) != 0) {
		n = n > TEXT_WORD_MAX ? TEXT_WORD_MAX : n - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n == 0)
		out[0] = '\0';
}

/* ---- span arrays -------------------------------------------------------- */

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	if (ncap > ((size_t)-1) / elem)
		return -1;
	void *p = realloc(*v, ncap * elem);
	if (!p)
		return -1;
	*v = p;
	*cap = ncap;
	return 0;
}

static int push_token(text_tokens_t *t, size_t off, size_t len, enum text_tok_kind k)
{
	if (grow((void **)&t->v, &t->cap, t->n, sizeof(*t->v)) != 0)
		return -1;
	t->v[t->n++] = (text_token_t){off, len, k};
	return 0;
}

void text_tokens_free(text_tokens_t *t)
{
	if (!t)
		return;
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

void text_spans_free(text_spans_t *t)
{
	if (!t)
		return;
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

/* ---- tables for tokens and sentences ------------------------------------ */

enum { ABBR_END_OK = 1, ABBR_DIGIT = 2 };

/* Abbreviations, matched case-sensitively except that a lowercase first
 * letter may be capitalised; a space matches any run of horizontal space
 * (none included), so "z. B." also covers "z.B." and "z. B.".
 * ABBR_END_OK: may end a sentence when an uppercase word follows.
 * ABBR_DIGIT: only an abbreviation before a number ("No. 5"). */
static const struct abbr {
	const char *text;
	unsigned flags;
} abbrevs[] = {
	/* German */
	{"z. B.", 0}, {"z. T.", 0}, {"d. h.", 0}, {"u. a.", 0}, {"u. ä.", ABBR_END_OK},
	{"o. ä.", ABBR_END_OK}, {"u. U.", 0}, {"v. a.", 0}, {"i. d. R.", 0},
	{"s. o.", 0}, {"s. u.", 0}, {"u. v. m.", ABBR_END_OK}, {"o. g.", 0},
	{"m. E.", 0}, {"bzw.", 0}, {"usw.", ABBR_END_OK}, {"ca.", 0}, {"Nr.", 0},
	{"Dr.", 0}, {"Prof.", 0}, {"Dipl.-Ing.", 0}, {"Dipl.", 0}, {"Ing.", 0},
	{"inkl.", 0}, {"exkl.", 0}, {"zzgl.", 0}, {"ggf.", 0}, {"evtl.", 0},
	{"etc.", ABBR_END_OK}, {"vgl.", 0}, {"bzgl.", 0}, {"sog.", 0}, {"bspw.", 0},
	{"Str.", 0}, {"Tel.", 0}, {"Fa.", 0}, {"Hr.", 0}, {"Hrn.", 0}, {"Fr.", 0},
	{"Hrsg.", 0}, {"Mio.", 0}, {"Mrd.", 0}, {"Tsd.", 0}, {"max.", 0},
	{"min.", 0}, {"mind.", 0}, {"gem.", 0}, {"lt.", 0}, {"Abs.", 0},
	{"Jh.", 0}, {"St.", 0}, {"Std.", 0}, {"Min.", 0}, {"Sek.", 0},
	{"allg.", 0}, {"ehem.", 0}, {"einschl.", 0}, {"insb.", 0}, {"zzt.", 0},
	{"Mo.", 0}, {"Di.", 0}, {"Mi.", 0}, {"Do.", 0}, {"Sa.", 0},
	{"Jan.", 0}, {"Feb.", 0}, {"Apr.", 0}, {"Aug.", 0}, {"Sept.", 0},
	{"Okt.", 0}, {"Nov.", 0}, {"Dez.", 0}, {"ff.", ABBR_END_OK}, {"geb.", 0},
	{"Co.", 0}, {"Bd.", 0}, {"Tab.", 0}, {"Abb.", 0}, {"S.", ABBR_DIGIT},
	/* English */
	{"e. g.", 0}, {"i. e.", 0}, {"Mr.", 0}, {"Mrs.", 0}, {"Ms.", 0},
	{"vs.", 0}, {"approx.", 0}, {"incl.", 0}, {"Inc.", ABBR_END_OK},
	{"Ltd.", ABBR_END_OK}, {"Corp.", ABBR_END_OK}, {"Jr.", 0}, {"Sr.", 0},
	{"No.", ABBR_DIGIT}, {"Fig.", 0}, {"a.m.", ABBR_END_OK}, {"p.m.", ABBR_END_OK},
};

/* Folded words before "<number>." that make it an ordinal ("am 3. Oktober"). */
static const char *const ordinal_before[] = {
	"ab", "am", "bis", "das", "dem", "den", "der", "des", "die", "ein", "eine",
	"einem", "einen", "einer", "im", "jeden", "jedem", "jeder", "seit", "vom",
	"zum", "zur", "vor", "nach", "per",
};

/* Folded words after "<number>." that make it an ordinal ("1. Mai"). */
static const char *const ordinal_after[] = {
	"januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
	"september", "oktober", "november", "dezember", "jahrhundert", "quartal",
	"halbjahr", "stock", "etage", "obergeschoss", "mal", "platz", "auflage",
	"advent", "bauabschnitt", "klasse", "liga",
};

/* Terminators end sentences; closers (quotes, brackets) stick to them. */
static const char *const terminators[] = {".", "!", "?", "\xE2\x80\xA6"};
static const char *const openers[] = {
	"\"", "'", "(", "[", "\xC2\xBB", "\xC2\xAB", "\xE2\x80\x9E", "\xE2\x80\x9C",
	"\xE2\x80\x9A", "\xE2\x80\x98", "\xE2\x80\xBA", "\xE2\x80\xB9",
};
static const char *const closers[] = {
	"\"", "'", ")", "]", "\xC2\xBB", "\xC2\xAB", "\xE2\x80\x9C", "\xE2\x80\x9D",
	"\xE2\x80\x98", "\xE2\x80\x99", "\xE2\x80\xBA", "\xE2\x80\xB9",
};

static int in_list(const char *const *list, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

/* ---- token matchers ------------------------------------------------------ */

static int ascii_digit(char c) { return c >= '0' && c <= '9'; }
static int ascii_alnum(char c)
{
	return ascii_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* Bytes of one horizontal space (space, tab, NBSP, thin/narrow NBSP) at i. */
static size_t hspace_len(const char *s, size_t n, size_t i)
{
	if (i < n && (s[i] == ' ' || s[i] == '\t'))
		return 1;
	if (i + 1 < n && memcmp(s + i, "\xC2\xA0", 2) == 0)
		return 2;
	if (i + 2 < n && (memcmp(s + i, "\xE2\x80\xAF", 3) == 0 ||
	                  memcmp(s + i, "\xE2\x80\x89", 3) == 0))
		return 3;
	return 0;
}

static size_t abbr_match(const char *s, size_t n, size_t i, const char *e)
{
	size_t j = i;
	for (size_t k = 0; e[k]; k++) {
		if (e[k] == ' ') {
			size_t h;
			while ((h = hspace_len(s, n, j)) > 0)
				j += h;
			continue;
		}
		if (j >= n)
			return 0;
		if (s[j] != e[k] && !(k == 0 && e[k] >= 'a' && e[k] <= 'z' && s[j] == e[k] - 32))
			return 0;
		j++;
	}
	return j - i;
}

/* Longest abbreviation at i; its flags in *flags. 0 when none. */
static size_t match_abbr(const char *s, size_t n, size_t i, unsigned *flags)
{
	size_t best = 0;
	for (size_t k = 0; k < COUNT(abbrevs); k++) {
		size_t m = abbr_match(s, n, i, abbrevs[k].text);
		if (m <= best)
			continue;
		if (abbrevs[k].flags & ABBR_DIGIT) {
			size_t j = i + m, h;
			while ((h = hspace_len(s, n, j)) > 0)
				j += h;
			if (j >= n || !ascii_digit(s[j]))
				continue;
		}
		best = m;
		*flags = abbrevs[k].flags;
	}
	return best;
}

static int url_stop(uint32_t c)
{
	return c <= 0x20 || c == 0x7F || is_space_cp(c) || (c >= 0x2000 && c <= 0x206F) ||
	       strchr("<>\"`{}|\\^", (int)c) != NULL;
}

static size_t match_url(const char *s, size_t n, size_t i)
{
	static const char *const prefixes[] = {"https://", "http://", "www."};
	size_t j = 0, paren = 0;
	for (size_t k = 0; k < COUNT(prefixes) && !j; k++) {
		size_t len = strlen(prefixes[k]), m = 0;
		while (m < len && i + m < n && (s[i + m] | 32) == prefixes[k][m])
			m++;
		if (m == len)
			j = i + len;
	}
	if (!j || j >= n || !ascii_alnum(s[j]))
		return 0;
	while (j < n) {
		size_t p = j;
		if (url_stop(text_utf8_next(s, n, &p)))
			break;
		paren += s[j] == '(';
		j = p;
	}
	while (j > i && strchr(".,;:!?'\")]", s[j - 1]) && !(s[j - 1] == ')' && paren))
		j--;
	return j - i;
}

/* RFC 5321 sizes bound the scans, so that "a.a.a.…" stays linear. */
#define EMAIL_LOCAL_MAX 64
#define EMAIL_DOMAIN_MAX 255

static size_t match_email(const char *s, size_t n, size_t i)
{
	size_t j = i, dom, dot = 0;
	if (!ascii_alnum(s[j]))
		return 0;
	while (j < n && j - i <= EMAIL_LOCAL_MAX && (ascii_alnum(s[j]) || strchr("._%+-", s[j])))
		j++;
	if (j >= n || j - i > EMAIL_LOCAL_MAX || s[j] != '@')
		return 0;
	dom = ++j;
	while (j < n && j - dom <= EMAIL_DOMAIN_MAX &&
	       (ascii_alnum(s[j]) || s[j] == '-' || s[j] == '.'))
		j++;
	if (j - dom > EMAIL_DOMAIN_MAX)
		return 0;
	while (j > dom && (s[j - 1] == '.' || s[j - 1] == '-'))
		j--;
	for (size_t k = dom; k < j; k++)
		if (s[k] == '.')
			dot = k;
	if (dot <= dom || j - dot < 3)
		return 0;
	return j - i;
}

static size_t match_number(const char *s, size_t n, size_t i)
{
	size_t j = i;
	if (!ascii_digit(s[j]))
		return 0;
	while (j < n && ascii_digit(s[j]))
		j++;
	while (j + 1 < n && (s[j] == '.' || s[j] == ',') && ascii_digit(s[j + 1])) {
		j++;
		while (j < n && ascii_digit(s[j]))
			j++;
	}
	return j - i;
}

/* Hyphen, apostrophes and soft hyphen join two word parts. */
static int is_joiner(uint32_t c) { return c == '-' || c == '\'' || c == 0x2019 || c == 0xAD; }

static size_t match_word(const char *s, size_t n, size_t i)
{
	size_t j = i, end = i;
	while (j < n) {
		size_t p = j, q;
		uint32_t c = text_utf8_next(s, n, &p);
		if (is_word_cp(c)) {
			j = end = p;
			continue;
		}
		q = p;
		if (end == j && end > i && is_joiner(c) && q < n && is_word_cp(text_utf8_next(s, n, &q))) {
			j = p;
			continue;
		}
		break;
	}
	return end - i;
}

/* The token starting at i (not a space); `inword` when it follows a word
 * without a gap, so that abbreviations and URLs cannot start there. */
static size_t next_token(const char *s, size_t n, size_t i, int inword, enum text_tok_kind *kind)
{
	size_t m, w;
	unsigned flags;
	if (!inword && (m = match_url(s, n, i)) > 0) {
		*kind = TEXT_TOK_URL;
		return m;
	}
	if ((m = match_email(s, n, i)) > 0) {
		*kind = TEXT_TOK_EMAIL;
		return m;
	}
	if (!inword && (m = match_abbr(s, n, i, &flags)) > 0) {
		*kind = TEXT_TOK_ABBR;
		return m;
	}
	m = match_number(s, n, i);
	w = match_word(s, n, i);
	if (m > 0 && m >= w) {
		*kind = TEXT_TOK_NUMBER;
		return m;
	}
	if (w > 0) {
		*kind = TEXT_TOK_WORD;
		return w;
	}
	m = i;
	text_utf8_next(s, n, &m);
	*kind = TEXT_TOK_PUNCT;
	return m - i;
}

int text_tokenize(const char *s, size_t n, text_tokens_t *out)
{
	size_t i = 0, prev_end = (size_t)-1;
	int prev_word = 0;
	while (i < n) {
		size_t p = i, m;
		enum text_tok_kind k;
		if (is_space_cp(text_utf8_next(s, n, &p))) {
			i = p;
			continue;
		}
		m = next_token(s, n, i, prev_end == i && prev_word, &k);
		if (push_token(out, i, m, k) != 0)
			return -1;
		prev_end = i + m;
		prev_word = k == TEXT_TOK_WORD || k == TEXT_TOK_NUMBER;
		i += m;
	}
	return 0;
}

size_t text_word_count(const char *s, size_t n)
{
	text_tokens_t t = {0};
	size_t words = 0;
	if (text_tokenize(s, n, &t) == 0)
		for (size_t i = 0; i < t.n; i++)
			words += t.v[i].kind != TEXT_TOK_PUNCT;
	text_tokens_free(&t);
	return words;
}

/* ---- sentences ------------------------------------------------------------ */

static int tok_is(const char *s, const text_token_t *t, const char *const *list, size_t n)
{
	if (t->kind != TEXT_TOK_PUNCT)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == t->len && memcmp(s + t->off, list[i], t->len) == 0)
			return 1;
	return 0;
}

static uint32_t tok_first_cp(const char *s, const text_token_t *t)
{
	size_t p = t->off;
	return text_utf8_next(s, t->off + t->len, &p);
}

static int tok_in(const char *s, const text_token_t *t, const char *const *list, size_t n)
{
	char w[TEXT_WORD_MAX + 1];
	if (t->kind != TEXT_TOK_WORD)
		return 0;
	fold_word(s + t->off, t->len, w);
	return in_list(list, n, w);
}

static int gap_has(const char *s, size_t from, size_t to, char c)
{
	return to > from && memchr(s + from, c, to - from) != NULL;
}

/* "<number>." is an ordinal or a list marker, not a sentence end. */
static int is_ordinal(const char *s, const text_tokens_t *t, size_t first, size_t i)
{
	const text_token_t *num = &t->v[i - 1];
	if (num->kind != TEXT_TOK_NUMBER || num->off + num->len != t->v[i].off || num->len > 3)
		return 0;
	if (i - 1 == first)
		return 1;
	if (i >= 2 && tok_in(s, &t->v[i - 2], ordinal_before, COUNT(ordinal_before)))
		return 1;
	return i + 1 < t->n && tok_in(s, &t->v[i + 1], ordinal_after, COUNT(ordinal_after));
}

/* "Max M. Mustermann": one uppercase letter, a dot, an uppercase word. */
static int is_initial(const char *s, const text_tokens_t *t, size_t i)
{
	const text_token_t *w = &t->v[i - 1];
	size_t p = w->off;
	uint32_t c = text_utf8_next(s, w->off + w->len, &p);
	return w->kind == TEXT_TOK_WORD && p == w->off + w->len && text_is_upper(c) &&
	       i + 1 < t->n && text_is_upper(tok_first_cp(s, &t->v[i + 1]));
}

/* Does the terminator run t[i..j] end the sentence that began at t[first]? */
static int ends_sentence(const char *s, size_t n, const text_tokens_t *t, size_t first,
                         size_t i, size_t j)
{
	size_t after = t->v[j].off + t->v[j].len;
	if (j + 1 >= t->n)
		return 1;
	if (t->v[j + 1].off == after && after < n)
		return 0; /* "solar.de", "Ende.Der" */
	/* a quoted "?" or "!" is a symbol, not the end of a question:
	 * Suchmuster wie "*", "?" oder "[]" */
	if (i > first && t->v[i - 1].kind == TEXT_TOK_PUNCT &&
	    t->v[i - 1].off + t->v[i - 1].len == t->v[i].off &&
	    tok_is(s, &t->v[i - 1], openers, COUNT(openers)) && j > i &&
	    tok_is(s, &t->v[j], closers, COUNT(closers)))
		return 0;
	for (size_t k = i; k <= j; k++)
		if (s[t->v[k].off] == '!' || s[t->v[k].off] == '?')
			return 1;
	if (gap_has(s, after, t->v[j + 1].off, '\n'))
		return 1;
	if (t->v[j + 1].kind == TEXT_TOK_WORD) {
		uint32_t c = tok_first_cp(s, &t->v[j + 1]);
		if (text_is_letter(c) && !text_is_upper(c) && c < 0x370)
			return 0; /* lowercase continuation */
	}
	if (i > first && is_ordinal(s, t, first, i))
		return 0;
	if (i > first && is_initial(s, t, i))
		return 0;
	return 1;
}

static int push_span(text_spans_t *out, const text_tokens_t *t, size_t a, size_t b)
{
	if (grow((void **)&out->v, &out->cap, out->n, sizeof(*out->v)) != 0)
		return -1;
	out->v[out->n].off = t->v[a].off;
	out->v[out->n].len = t->v[b].off + t->v[b].len - t->v[a].off;
	out->n++;
	return 0;
}

/* An abbreviation flagged END_OK before an uppercase word ends the sentence. */
static int abbr_ends(const char *s, size_t n, const text_tokens_t *t, size_t i)
{
	unsigned flags = 0;
	if (t->v[i].kind != TEXT_TOK_ABBR || i + 1 >= t->n)
		return 0;
	match_abbr(s, n, t->v[i].off, &flags);
	return (flags & ABBR_END_OK) && t->v[i + 1].off > t->v[i].off + t->v[i].len &&
	       text_is_upper(tok_first_cp(s, &t->v[i + 1]));
}

int text_sentences(const char *s, size_t n, text_spans_t *out)
{
	text_tokens_t t = {0};
	size_t first = 0;
	int rc = -1;
	if (text_tokenize(s, n, &t) != 0)
		goto out;
	for (size_t i = 0; i < t.n; i++) {
		size_t j = i;
		if (i > first && gap_has(s, t.v[i - 1].off + t.v[i - 1].len, t.v[i].off, '\n')) {
			if (push_span(out, &t, first, i - 1) != 0)
				goto out;
			first = i;
		}
		if (abbr_ends(s, n, &t, i)) {
			if (push_span(out, &t, first, i) != 0)
				goto out;
			first = i + 1;
			continue;
		}
		if (!tok_is(s, &t.v[i], terminators, COUNT(terminators)))
			continue;
		while (j + 1 < t.n && t.v[j + 1].off == t.v[j].off + t.v[j].len &&
		       (tok_is(s, &t.v[j + 1], terminators, COUNT(terminators)) ||
		        tok_is(s, &t.v[j + 1], closers, COUNT(closers))))
			j++;
		if (ends_sentence(s, n, &t, first, i, j)) {
			if (push_span(out, &t, first, j) != 0)
				goto out;
			first = j + 1;
		}
		i = j;
	}
	if (first < t.n && push_span(out, &t, first, t.n - 1) != 0)
		goto out;
	rc = 0;
out:
	text_tokens_free(&t);
	return rc;
}

/* ---- syllables ---------------------------------------------------------- */

static int is_vowel_cp(uint32_t c)
{
	static const uint32_t v[] = {
		'a', 'e', 'i', 'o', 'u', 'y', 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6,
		0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, 0xF2, 0xF3, 0xF4, 0xF5,
		0xF6, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFF, 0x153,
	};
	for (size_t i = 0; i < COUNT(v); i++)
		if (v[i] == c)
			return 1;
	return 0;
}

/* German vowel pairs spoken as one syllable nucleus (diphthongs, long vowels). */
static const uint32_t de_pairs[][2] = {
	{'e', 'i'}, {'i', 'e'}, {'a', 'u'}, {'e', 'u'}, {0xE4, 'u'}, {'a', 'i'},
	{'e', 'y'}, {'a', 'y'}, {'a', 'a'}, {'e', 'e'}, {'o', 'o'}, {'o', 'u'},
};

static int de_pair(uint32_t a, uint32_t b)
{
	for (size_t i = 0; i < COUNT(de_pairs); i++)
		if (de_pairs[i][0] == a && de_pairs[i][1] == b)
			return 1;
	return 0;
}

/* Folds a word into code points; returns the count (at most cap). */
static size_t word_cps(const char *word, size_t n, uint32_t *cp, size_t cap)
{
	size_t pos = 0, k = 0;
	while (pos < n && k < cap)
		cp[k++] = fold_cp(text_utf8_next(word, n, &pos));
	return k;
}

static int ends_with(const uint32_t *c, size_t k, const char *suffix)
{
	size_t m = strlen(suffix);
	if (k < m)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (c[k - m + i] != (uint32_t)(unsigned char)suffix[i])
			return 0;
	return 1;
}

/* English adjustments: silent final e, -ed and -es after most consonants. */
static int en_adjust(const uint32_t *c, size_t k, int count)
{
	if (count <= 1 || k < 3)
		return count;
	if (ends_with(c, k, "e") && !ends_with(c, k, "ee") && !ends_with(c, k, "ye") &&
	    !(ends_with(c, k, "le") && !is_vowel_cp(c[k - 3])))
		return count - 1;
	if (ends_with(c, k, "ed") && c[k - 3] != 't' && c[k - 3] != 'd' && !is_vowel_cp(c[k - 3]))
		return count - 1;
	if (ends_with(c, k, "es") && !is_vowel_cp(c[k - 3]) &&
	    !strchr("sxzgc", (int)(c[k - 3] < 0x80 ? c[k - 3] : '?')) && !ends_with(c, k, "hes"))
		return count - 1;
	return count;
}

/* German text borrows English (and French) words whose written vowels are
 * not their syllables: "Software" has two, not three. The fragment counts as
 * given, the letters around it by the German rules; the list is the part of
 * yoastseo's German syllable table (its deviations.words) that occurs in
 * technical, web and energy writing, so both count these words alike. */
enum { LOAN_ANY, LOAN_START, LOAN_END, LOAN_EDGE };
static const struct loan { const char *frag; unsigned char syl, where; } de_loans[] = {
	{"management", 3, LOAN_ANY}, {"engagement", 3, LOAN_ANY}, {"statement", 2, LOAN_ANY},
	{"hardware", 2, LOAN_ANY}, {"software", 2, LOAN_ANY}, {"malware", 2, LOAN_ANY},
	{"spyware", 2, LOAN_ANY}, {"groupware", 2, LOAN_ANY}, {"adware", 2, LOAN_ANY},
	{"service", 2, LOAN_ANY}, {"website", 2, LOAN_ANY}, {"pipeline", 2, LOAN_ANY},
	{"timeline", 2, LOAN_ANY}, {"deadline", 2, LOAN_ANY}, {"headline", 2, LOAN_ANY},
	{"hotline", 2, LOAN_ANY}, {"offline", 2, LOAN_ANY}, {"online", 2, LOAN_ANY},
	{"feature", 2, LOAN_ANY}, {"notebook", 2, LOAN_ANY}, {"gateway", 2, LOAN_ANY},
	{"sitemap", 2, LOAN_ANY}, {"business", 2, LOAN_ANY}, {"roaming", 2, LOAN_ANY},
	{"reader", 2, LOAN_ANY}, {"ready", 2, LOAN_ANY}, {"inside", 2, LOAN_ANY},
	{"office", 2, LOAN_ANY}, {"medien", 3, LOAN_ANY}, {"ferien", 3, LOAN_ANY},
	{"patient", 2, LOAN_ANY}, {"quotient", 2, LOAN_ANY}, {"protein", 3, LOAN_ANY},
	{"radio", 3, LOAN_ANY}, {"milliarde", 3, LOAN_ANY}, {"initiative", 4, LOAN_ANY},
	{"build", 1, LOAN_ANY}, {"board", 1, LOAN_ANY}, {"guide", 1, LOAN_ANY},
	{"load", 1, LOAN_ANY}, {"share", 1, LOAN_ANY}, {"stream", 1, LOAN_ANY},
	{"cache", 1, LOAN_ANY}, {"home", 1, LOAN_ANY}, {"voice", 1, LOAN_ANY},
	{"space", 1, LOAN_ANY}, {"update", 2, LOAN_EDGE}, {"upgrade", 2, LOAN_EDGE},
	{"team", 1, LOAN_EDGE}, {"drive", 1, LOAN_EDGE}, {"case", 1, LOAN_EDGE},
	{"life", 1, LOAN_EDGE}, {"trade", 1, LOAN_START}, {"image", 2, LOAN_END},
	{"make", 1, LOAN_END}, {"byte", 1, LOAN_END}, {"date", 1, LOAN_END},
	{"phone", 1, LOAN_END}, {"store", 1, LOAN_END}, {"like", 1, LOAN_END},
};

static int at_cps(const uint32_t *c, size_t k, size_t pos, const char *frag)
{
	size_t m = strlen(frag);
	if (pos + m > k)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (c[pos + i] != (uint32_t)(unsigned char)frag[i])
			return 0;
	return 1;
}

static uint32_t cp_at(const uint32_t *c, size_t k, size_t i) { return i < k ? c[i] : 0; }

/* Two vowels spoken as one nucleus at c[i], c[i+1] (German). Besides the
 * pairs of de_pairs, "io" of -tion/-sion/-xion ("Na-tion", "Ver-sion",
 * "funk-tio-nie-ren"); "ie" is two after l, s, t before n ("Stu-di-en" too,
 * at the end: "Li-ni-en" keeps one) as in "Fa-mi-li-en", "Ak-ti-en",
 * "Cli-ent". */
static int de_nucleus(const uint32_t *c, size_t k, size_t i)
{
	uint32_t a = c[i], b = cp_at(c, k, i + 1), p = i ? c[i - 1] : 0;
	if (a == 'i' && b == 'o')
		return (p == 't' || p == 's' || p == 'x') && cp_at(c, k, i + 2) == 'n';
	if (a == 'i' && b == 'e' && cp_at(c, k, i + 2) == 'n' &&
	    (p == 'l' || p == 's' || p == 't' || (p == 'd' && i + 3 == k)))
		return 0;
	return de_pair(a, b);
}

/* German syllables of c[a..b): vowel nuclei, loanword fragments as listed. */
static int de_count(const uint32_t *c, size_t k, size_t a, size_t b)
{
	for (size_t l = 0; l < COUNT(de_loans); l++) {
		const struct loan *L = &de_loans[l];
		size_t m = strlen(L->frag);
		for (size_t pos = a; pos + m <= b; pos++) {
			if (!at_cps(c, k, pos, L->frag))
				continue;
			int start = pos == 0 || c[pos - 1] == '-';
			int end = pos + m == k || c[pos + m] == '-';
			if ((L->where == LOAN_START && !start) || (L->where == LOAN_END && !end) ||
			    (L->where == LOAN_EDGE && !start && !end))
				continue;
			return de_count(c, k, a, pos) + L->syl + de_count(c, k, pos + m, b);
		}
	}
	int count = 0;
	for (size_t i = a; i < b;) {
		if (!is_vowel_cp(c[i]) || (c[i] == 'u' && i > 0 && c[i - 1] == 'q')) {
			i++;
			continue;
		}
		count++;
		i += (i + 1 < b && de_nucleus(c, k, i)) ? 2 : 1;
	}
	return count;
}

int text_syllables(const char *word, size_t n, enum text_lang lang)
{
	uint32_t c[TEXT_WORD_MAX];
	size_t k = word_cps(word, n, c, COUNT(c)), i = 0;
	int count = 0, letters = 0;
	/* German: a word without a vowel ("LVM", "dpkg", "kWh") has none, as
	 * Yoast counts; English keeps at least one for a word of letters */
	if (lang != TEXT_LANG_EN)
		return de_count(c, k, 0, k);
	while (i < k) {
		letters |= text_is_letter(c[i]);
		int vowel = is_vowel_cp(c[i]) && !(c[i] == 'u' && i > 0 && c[i - 1] == 'q') &&
		            !(c[i] == 'y' && i == 0);
		if (!vowel) {
			i++;
			continue;
		}
		count++;
		while (i < k && is_vowel_cp(c[i]))
			i++;
	}
	count = en_adjust(c, k, count);
	if (count == 0 && letters)
		count = 1;
	return count;
}

/* ---- stop words ------------------------------------------------------------ */

/* Sorted bytewise (LC_ALL=C sort) for bsearch. */
static const char *const stop_de[] = {
	"aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am", "an",
	"ander", "andere", "anderen", "auch", "auf", "aus", "bei", "beim", "bin", "bis",
	"bist", "da", "damit", "dann", "das", "dass", "dein", "deine", "dem", "den",
	"denn", "der", "des", "dich", "die", "dies", "diese", "diesem", "diesen", "dieser",
	"dieses", "dir", "doch", "dort", "du", "durch", "ein", "eine", "einem", "einen",
	"einer", "eines", "er", "es", "etwas", "euch", "euer", "f\xC3\xBCr", "gegen", "gewesen",
	"hab", "habe", "haben", "hat", "hatte", "hatten", "hier", "hin", "ich", "ihm",
	"ihn", "ihnen", "ihr", "ihre", "im", "in", "ins", "ist", "ja", "jede",
	"jedem", "jeden", "jeder", "jetzt", "kann", "kein", "keine", "keinen", "k\xC3\xB6nnen", "k\xC3\xB6nnte",
	"man", "manche", "mein", "meine", "mich", "mir", "mit", "muss", "musste", "nach",
	"nicht", "nichts", "noch", "nun", "nur", "ob", "oder", "ohne", "schon", "sehr",
	"sein", "seine", "seinem", "seinen", "seiner", "sich", "sie", "sind", "so", "soll",
	"sollte", "sondern", "sowie", "um", "und", "uns", "unser", "unsere", "unter", "vom",
	"von", "vor", "war", "waren", "warum", "was", "weil", "welche", "welcher", "wenn",
	"wer", "werden", "wie", "wieder", "will", "wir", "wird", "wo", "wurde", "wurden",
	"zu", "zum", "zur", "zwar", "zwischen", "\xC3\xBC" "ber",
};

static const char *const stop_en[] = {
	"a", "about", "above", "after", "again", "against", "all", "am", "an", "and",
	"any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
	"between", "both", "but", "by", "can", "could", "did", "do", "does", "doing",
	"down", "during", "each", "few", "for", "from", "further", "had", "has", "have",
	"having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
	"i", "if", "in", "into", "is", "it", "its", "itself", "just", "me",
	"more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off",
	"on", "once", "only", "or", "other", "our", "ours", "out", "over", "own",
	"same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
	"theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to",
	"too", "under", "until", "up", "very", "was", "we", "were", "what", "when",
	"where", "which", "while", "who", "whom", "why", "will", "with", "would", "you",
	"your", "yours",
};

static int cmp_str(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(const char *const *)elem);
}

int text_is_stopword(const char *folded, enum text_lang lang)
{
	const char *const *list = lang == TEXT_LANG_EN ? stop_en : stop_de;
	size_t n = lang == TEXT_LANG_EN ? COUNT(stop_en) : COUNT(stop_de);
	if (lang == TEXT_LANG_UNKNOWN || !folded)
		return 0;
	return bsearch(folded, list, n, sizeof(*list), cmp_str) != NULL;
}

/* ---- stemming ------------------------------------------------------------- */

enum sfx_action { SFX_DEL, SFX_DEL_NISS, SFX_S_ENDING, SFX_ST_ENDING };

/* Snowball German steps 1 and 2, longest suffix first within each step. */
static const struct suffix {
	const char *text;
	enum sfx_action action;
} de_step1[] = {
	{"ern", SFX_DEL}, {"em", SFX_DEL}, {"er", SFX_DEL}, {"en", SFX_DEL_NISS},
	{"es", SFX_DEL_NISS}, {"e", SFX_DEL_NISS}, {"s", SFX_S_ENDING},
}, de_step2[] = {
	{"est", SFX_DEL}, {"en", SFX_DEL}, {"er", SFX_DEL}, {"st", SFX_ST_ENDING},
};

static int de_vowel(char c) { return c && strchr("aeiouy", c) != NULL; }

/* Deletes the longest suffix of `tab` when it lies in R1 (from p1) and its
 * condition holds. */
static void de_strip(char *b, size_t *len, size_t p1, const struct suffix *tab, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t m = strlen(tab[i].text), at;
		if (*len < m || memcmp(b + *len - m, tab[i].text, m) != 0)
			continue;
		at = *len - m;
		if (at < p1)
			return;
		switch (tab[i].action) {
		case SFX_DEL:
			*len = at;
			break;
		case SFX_DEL_NISS:
			*len = at;
			if (at >= 4 && memcmp(b + at - 4, "niss", 4) == 0)
				(*len)--;
			break;
		case SFX_S_ENDING:
			if (at > 0 && strchr("bdfghklmnrt", b[at - 1]))
				*len = at;
			break;
		case SFX_ST_ENDING:
			if (at >= 4 && strchr("bdfghklmnt", b[at - 1]))
				*len = at;
			break;
		}
		return;
	}
}

/* German prelude: umlauts to base vowels, ß to ss. Returns the length. */
static size_t de_prelude(const char *w, char *b, size_t cap)
{
	static const struct { const char *from, *to; } map[] = {
		{"\xC3\xA4", "a"}, {"\xC3\xB6", "o"}, {"\xC3\xBC", "u"}, {"\xC3\x9F", "ss"},
	};
	size_t len = 0;
	for (size_t i = 0; w[i] && len + 2 < cap;) {
		size_t k;
		for (k = 0; k < COUNT(map); k++)
			if (memcmp(w + i, map[k].from, 2) == 0)
				break;
		if (k < COUNT(map)) {
			for (const char *t = map[k].to; *t; t++)
				b[len++] = *t;
			i += 2;
		} else {
			b[len++] = w[i++];
		}
	}
	b[len] = '\0';
	return len;
}

static size_t stem_de(char *b, size_t len)
{
	size_t p1 = len;
	for (size_t i = 1; i + 1 < len; i++)
		if ((b[i] == 'u' || b[i] == 'y') && de_vowel(b[i - 1]) && de_vowel(b[i + 1]))
			b[i] = (char)(b[i] - 32); /* consonant u/y, as Snowball's U/Y */
	for (size_t i = 1; i < len; i++)
		if (de_vowel(b[i - 1]) && !de_vowel(b[i])) {
			p1 = i + 1 < 3 ? 3 : i + 1;
			break;
		}
	de_strip(b, &len, p1, de_step1, COUNT(de_step1));
	de_strip(b, &len, p1, de_step2, COUNT(de_step2));
	for (size_t i = 0; i < len; i++)
		if (b[i] == 'U' || b[i] == 'Y')
			b[i] = (char)(b[i] + 32);
	return len;
}

static int word_ends(const char *b, size_t len, const char *sfx)
{
	size_t m = strlen(sfx);
	return len >= m && memcmp(b + len - m, sfx, m) == 0;
}

/* Harman's S-stemmer. */
static size_t stem_en(char *b, size_t len)
{
	if (len <= 3)
		return len;
	if (word_ends(b, len, "ies") && !word_ends(b, len, "eies") && !word_ends(b, len, "aies")) {
		b[len - 3] = 'y';
		return len - 2;
	}
	if (word_ends(b, len, "es") && !word_ends(b, len, "aes") && !word_ends(b, len, "ees") &&
	    !word_ends(b, len, "oes"))
		return len - 1;
	if (word_ends(b, len, "s") && !word_ends(b, len, "us") && !word_ends(b, len, "ss"))
		return len - 1;
	return len;
}

int text_stem(const char *folded, enum text_lang lang, char *out, size_t outsz)
{
	char b[2 * TEXT_WORD_MAX + 3];
	size_t len;
	if (strlen(folded) > TEXT_WORD_MAX) {
		len = strlen(folded);
		if (len >= outsz)
			return -1;
		memcpy(out, folded, len + 1);
		return 0;
	}
	if (lang == TEXT_LANG_EN) {
		len = strlen(folded);
		memcpy(b, folded, len + 1);
		len = stem_en(b, len);
	} else {
		len = stem_de(b, de_prelude(folded, b, sizeof(b)));
	}
	if (len >= outsz)
		return -1;
	memcpy(out, b, len);
	out[len] = '\0';
	return 0;
}

/* ---- language ---------------------------------------------------------------- */

enum text_lang text_guess_lang(const char *s, size_t n)
{
	text_tokens_t t = {0};
	size_t de = 0, en = 0;
	if (text_tokenize(s, n, &t) != 0) {
		text_tokens_free(&t);
		return TEXT_LANG_UNKNOWN;
	}
	for (size_t i = 0; i < t.n; i++) {
		char w[TEXT_WORD_MAX + 1];
		if (t.v[i].kind != TEXT_TOK_WORD)
			continue;
		fold_word(s + t.v[i].off, t.v[i].len, w);
		int d = text_is_stopword(w, TEXT_LANG_DE), e = text_is_stopword(w, TEXT_LANG_EN);
		de += d && !e;
		en += e && !d;
	}
	text_tokens_free(&t);
	if (de == 0 && en == 0)
		return TEXT_LANG_UNKNOWN;
	return en > de ? TEXT_LANG_EN : TEXT_LANG_DE;
}

const char *text_lang_code(enum text_lang lang)
{
	static const char *const codes[] = {"und", "de", "en"};
	return codes[lang];
}

enum text_lang text_lang_parse(const char *code)
{
	if (!code || !code[0] || !code[1] || (code[2] && code[2] != '-' && code[2] != '_'))
		return TEXT_LANG_UNKNOWN;
	if ((code[0] | 32) == 'd' && (code[1] | 32) == 'e')
		return TEXT_LANG_DE;
	if ((code[0] | 32) == 'e' && (code[1] | 32) == 'n')
		return TEXT_LANG_EN;
	return TEXT_LANG_UNKNOWN;
}
