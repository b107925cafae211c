/* sentiment.h - lexicon sentiment of short German or English texts such as
 * reviews of solar installers (pure).
 *
 * Words are folded and stemmed (text.h) and looked up in a valence lexicon
 * (-3..+3). Negators within three words before a word ("nicht gut", "kein
 * Problem", "not bad"), or clause-final in German ("Ich empfehle sie nicht."),
 * flip and soften it (x -0.75); intensifiers ("sehr", "dreimal", "very") and
 * dampeners ("etwas", "slightly") scale it. A contrast ("aber", "jedoch",
 * "allerdings", "leider", "but") carries the verdict: its clause and the rest
 * of the sentence weigh 1.5, what came before 0.25 (the sentence before, when
 * the contrast opens its sentence; "leider" itself counts -1). Phrases of two
 * or three words ("nie wieder", "funktioniert nicht richtig", "jeden Euro
 * wert", "never again") score as one, negators before them included. The sum
 * s becomes s / sqrt(s^2 + 15) (VADER's normalisation). */
#ifndef ZOE_SENTIMENT_H
#define ZOE_SENTIMENT_H

#include <stddef.h>

/* |score| below this is neutral. */
#define SENTIMENT_NEUTRAL_BAND 0.05

typedef struct sentiment {
	double score;      /* in [-1, 1] */
	const char *label; /* "positive", "neutral" or "negative" (static) */
	int positive;      /* words and phrases that counted positive */
	int negative;      /* … negative */
	const char *lang;  /* "de" or "en": the lexicon used (static) */
} sentiment_t;

/* Scores text[0..n) with the lexicon of `lang` ("de", "en", "de-DE" …; NULL
 * or anything else guesses, German when undecided). 0 = ok, -1 on out of
 * memory (out is then neutral). */
int sentiment_analyze(const char *text, size_t n, const char *lang, sentiment_t *out);

/* Label for a score: "positive" >= 0.05, "negative" <= -0.05, else "neutral". */
const char *sentiment_label(double score);

/* Number of entries in the German and English lexicons (for tests, docs). */
size_t sentiment_lexicon_size(const char *lang);

#endif
