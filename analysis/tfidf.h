/* tfidf.h - weighted terms of a text among a corpus (pure).
 *
 * A term is a stem: word tokens of analysis/text, folded, stop words of
 * German and English dropped, numbers and words under 3 letters dropped,
 * stemmed for the text's language. Each term keeps the first surface form
 * seen (original case), for display and entity lookup.
 *
 * Weights as scikit-learn's TfidfVectorizer(smooth_idf=True, norm="l2",
 * sublinear_tf=False): tf = count in the document, idf = ln((1 + N) /
 * (1 + df)) + 1 over the N documents of the corpus, w = tf·idf, and the
 * weights of one document scaled to unit Euclidean length. */
#ifndef ZOE_TFIDF_H
#define ZOE_TFIDF_H

#include <stddef.h>

#include "text.h"

#define TFIDF_WORD_MAX 64          /* bytes of a stem or surface form kept (longer: skipped) */
#define TFIDF_MIN_LETTERS 3

typedef struct tfidf_term {
	char stem[TFIDF_WORD_MAX];
	char surface[TFIDF_WORD_MAX];
	unsigned count;
} tfidf_term_t;

/* One document's terms, sorted by stem (strcmp). */
typedef struct tfidf_doc {
	tfidf_term_t *v;
	size_t n, cap;
	size_t total;           /* terms counted (with repeats) */
} tfidf_doc_t;

/* Document frequencies of a corpus, sorted by stem. */
typedef struct tfidf_df {
	char stem[TFIDF_WORD_MAX];
	unsigned df;
} tfidf_df_t;

typedef struct tfidf_corpus {
	tfidf_df_t *v;
	size_t n;
	size_t ndocs;
} tfidf_corpus_t;

typedef struct tfidf_weight {
	const tfidf_term_t *term;   /* points into the document */
	double weight;
} tfidf_weight_t;

/* The terms of s[0..n) in language lang (TEXT_LANG_UNKNOWN: guessed) into *d
 * (zero it first). 0, or -1 on out of memory. */
int tfidf_doc_build(const char *s, size_t n, enum text_lang lang, tfidf_doc_t *d);
void tfidf_doc_free(tfidf_doc_t *d);
/* The term of d with this stem, or NULL. */
const tfidf_term_t *tfidf_doc_find(const tfidf_doc_t *d, const char *stem);

/* Document frequencies over docs[0..n) into *c (zero it first); 0 or -1 (OOM). */
int tfidf_corpus_build(const tfidf_doc_t *docs, size_t n, tfidf_corpus_t *c);
void tfidf_corpus_free(tfidf_corpus_t *c);
/* Documents of the corpus holding stem. */
unsigned tfidf_df(const tfidf_corpus_t *c, const char *stem);
/* ln((1 + N) / (1 + df)) + 1. */
double tfidf_idf(const tfidf_corpus_t *c, const char *stem);

/* The k heaviest terms of d (ties: lower stem first) into out[0..k), with
 * weights normalised over all of d's terms. Returns how many were written. */
size_t tfidf_top(const tfidf_doc_t *d, const tfidf_corpus_t *c, tfidf_weight_t *out, size_t k);

#endif
