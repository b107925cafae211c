/* voice.h - voice search (pure): German and English question forms in page
 * text, and how well an answer reads aloud (29-40 words, Amstad or Flesch
 * reading ease). */
#ifndef ZOE_VOICE_H
#define ZOE_VOICE_H

#include <stddef.h>

#include "text.h"

/* A spoken answer Google reads out runs about this many words. */
#define VOICE_WORDS_MIN 29
#define VOICE_WORDS_MAX 40
/* Reading ease from which an answer counts as easy to follow aloud. */
#define VOICE_EASE_GOOD 60.0

typedef struct voice_question {
	size_t off, len;        /* the sentence in the caller's text */
	const char *form;       /* "wie viel", "warum", "how much", …; "ja/nein" or "yes/no" */
	enum text_lang lang;
} voice_question_t;

typedef struct voice_questions {
	voice_question_t *v;
	size_t n, cap;
} voice_questions_t;

typedef struct voice_score {
	size_t words, sentences, syllables;
	double ease;            /* Amstad (de) or Flesch (en) reading ease */
	int length_ok;          /* words within VOICE_WORDS_MIN..MAX */
	int score;              /* 0..100: half length, half reading ease */
} voice_score_t;

/* The question form of one sentence s[0..n): the interrogative it opens
 * with (after at most one preposition: "Ab wann", "Für welche") when it ends
 * in '?' or is a short heading, "ja/nein" / "yes/no" for other sentences
 * ending in '?'; NULL when it is no question. *lang gets the form's language. */
const char *voice_question_form(const char *s, size_t n, enum text_lang *lang);
/* Appends the questions of text s[0..n) to *out (zero it first); 0 or -1 (OOM). */
int voice_questions(const char *s, size_t n, voice_questions_t *out);
void voice_questions_free(voice_questions_t *q);
/* A question and its answer in the caller's text (spans trimmed of space). */
typedef struct voice_pair {
	size_t q_off, q_len, a_off, a_len;
} voice_pair_t;

typedef struct voice_pairs {
	voice_pair_t *v;
	size_t n, cap;
} voice_pairs_t;

/* Appends to *out (zero it first) at most `max` Q&A pairs text s[0..n)
 * holds: a line that is a question (a heading, or a sentence ending in '?')
 * followed by its paragraph, or a question opening a line followed by the
 * rest of its paragraph. A paragraph of plain text runs to a blank line or
 * the next question line; with `blocks` (text as html_extract_new gives it,
 * one line per block element) it is one line. 0 or -1 (OOM). */
int voice_pairs(const char *s, size_t n, int blocks, size_t max, voice_pairs_t *out);
void voice_pairs_free(voice_pairs_t *p);
/* Scores answer s[0..n) for being read aloud in lang (German unless
 * TEXT_LANG_EN); 0 or -1 (OOM). */
int voice_score_answer(const char *s, size_t n, enum text_lang lang, voice_score_t *out);
/* Reading ease: German (Amstad) 180 - ASL - 58.5 ASW, English (Flesch)
 * 206.835 - 1.015 ASL - 84.6 ASW; 0 when there are no words. */
double voice_reading_ease(size_t words, size_t sentences, size_t syllables, enum text_lang lang);

#endif
