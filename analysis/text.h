/* text.h - German-first text primitives (pure): UTF-8 validation and decoding,
 * lowercase folding, a tokeniser and a sentence splitter that know German and
 * English abbreviations, ordinals, decimal commas, URLs and e-mail addresses,
 * syllable counting, stop words, a light stemmer and a de/en language guess.
 *
 * Tokens and sentences are spans (offset, length) into the caller's text; the
 * span arrays are malloc'd and released with text_tokens_free/text_spans_free.
 * Folding and stemming write into caller buffers. */
#ifndef ZOE_TEXT_H
#define ZOE_TEXT_H

#include <stddef.h>
#include <stdint.h>

enum text_lang { TEXT_LANG_UNKNOWN, TEXT_LANG_DE, TEXT_LANG_EN };

enum text_tok_kind {
	TEXT_TOK_WORD,   /* letters/digits, inner hyphens and apostrophes: "PV-Anlage" */
	TEXT_TOK_NUMBER, /* 3,5  1.000  10.000,50  2024 */
	TEXT_TOK_ABBR,   /* a known abbreviation, dots included: "z. B." "Dr." */
	TEXT_TOK_URL,    /* https://…, www.… (trailing punctuation excluded) */
	TEXT_TOK_EMAIL,  /* info@zoe-solar.de */
	TEXT_TOK_PUNCT   /* any other single non-space code point */
};

typedef struct text_token {
	size_t off, len;         /* bytes in the source text */
	enum text_tok_kind kind;
} text_token_t;

typedef struct text_tokens {
	text_token_t *v;
	size_t n, cap;
} text_tokens_t;

typedef struct text_span {
	size_t off, len;
} text_span_t;

typedef struct text_spans {
	text_span_t *v;
	size_t n, cap;
} text_spans_t;

/* Longest folded word or stem the module handles; longer words are truncated. */
#define TEXT_WORD_MAX 128

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int text_utf8_valid(const char *s, size_t n);
/* Decodes the code point at s[*pos], advances *pos; an invalid byte yields
 * U+FFFD and advances one byte. Returns the code point, 0 at the end. */
uint32_t text_utf8_next(const char *s, size_t n, size_t *pos);
/* Writes cp as UTF-8 into out (>= 4 bytes); returns the byte count (0 if invalid). */
size_t text_utf8_put(uint32_t cp, char *out);

/* Lowercases s[0..n) into out (NUL-terminated): ASCII, Latin-1, Latin
 * Extended-A and ẞ -> ß; invalid bytes become '?'. The result never exceeds n
 * bytes. 0 = ok, -1 when outsz <= n's folded length. */
int text_fold(const char *s, size_t n, char *out, size_t outsz);
/* 1 when cp is a letter this module knows (ASCII, Latin-1, Latin Ext-A/B,
 * Greek, Cyrillic, CJK and other scripts above U+0370), else 0. */
int text_is_letter(uint32_t cp);
/* 1 when cp is an uppercase Latin letter (ASCII, Latin-1, Ext-A, ẞ). */
int text_is_upper(uint32_t cp);

/* Splits s[0..n) into tokens appended to *out (zero it first); 0 or -1 (OOM). */
int text_tokenize(const char *s, size_t n, text_tokens_t *out);
void text_tokens_free(text_tokens_t *t);
/* Words as readability tools count them: WORD, NUMBER, ABBR, URL, EMAIL tokens. */
size_t text_word_count(const char *s, size_t n);

/* Splits s[0..n) into sentences appended to *out (zero it first), spans
 * trimmed of surrounding space. A line break always ends a sentence; '.' does
 * not after abbreviations, ordinals ("am 3. Oktober"), initials, or before a
 * lowercase word. 0 or -1 (OOM). */
int text_sentences(const char *s, size_t n, text_spans_t *out);
void text_spans_free(text_spans_t *t);

/* Syllables of one word by vowel groups; German counts ei ie au eu äu ai as one
 * vowel, English drops a silent final e and -ed. At least 1 for a word with
 * letters, 0 otherwise. */
int text_syllables(const char *word, size_t n, enum text_lang lang);

/* 1 when the folded word is a stop word of lang, else 0. */
int text_is_stopword(const char *folded, enum text_lang lang);

/* Stems one folded word into out (NUL-terminated). German: ß -> ss, umlauts
 * -> base vowels, then Snowball's steps 1-2 (-em -ern -er -e -en -es -s;
 * -en -er -est -st) within R1 (stem keeps >= 3 letters). English: the
 * S-stemmer (-ies -> -y, -es -> -e, -s). 0 = ok, -1 when out is too small. */
int text_stem(const char *folded, enum text_lang lang, char *out, size_t outsz);

/* Guesses the language of s[0..n) by counting German and English stop words;
 * TEXT_LANG_UNKNOWN when neither occurs, German on a tie. */
enum text_lang text_guess_lang(const char *s, size_t n);
/* "de", "en" or "und". */
const char *text_lang_code(enum text_lang lang);
/* TEXT_LANG_DE for "de"/"de-DE"/…, TEXT_LANG_EN for "en…", else UNKNOWN. */
enum text_lang text_lang_parse(const char *code);

#endif
