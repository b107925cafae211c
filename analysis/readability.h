/* readability.h - readability of German and English text as Yoast measures
 * it (pure): words, sentences (text_sentences), syllables, Flesch reading
 * ease (Amstad for German), long sentences, passive voice, transition words,
 * sentences opening alike, paragraph length and the distribution of
 * subheadings.
 *
 * Input is "marked text": one block per line; a line opening with 1-6 '#'
 * and a space is a subheading of that level, every other non-blank line a
 * paragraph (seo_checks.h turns HTML into it). All offsets are bytes into
 * the caller's text, which must outlive the result. */
#ifndef ZOE_READABILITY_H
#define ZOE_READABILITY_H

#include <stddef.h>

#include "text.h"

#define RD_LONG_SENTENCE 20     /* words: a sentence over this is long */
#define RD_SECTION_MAX 300      /* words of text a subheading may introduce */
#define RD_SAME_START_RUN 3     /* this many sentences opening alike are a finding */
#define RD_BLOCKS_MAX 20000
#define RD_SENTENCES_MAX 50000
#define RD_FIRST_MAX 48         /* bytes of a folded first word */

typedef struct rd_block {
	size_t off, len;        /* the text, heading marks excluded */
	int heading;            /* 0 paragraph, 1..6 subheading level */
	unsigned words;
	size_t first_sentence, nsentences;
} rd_block_t;

typedef struct rd_sentence {
	size_t off, len;
	size_t block;
	unsigned words, syllables, numbers;
	int passive;            /* passive as Yoast counts it (rd_passive_yoast) */
	size_t passive_aux;     /* offset of the auxiliary when passive */
	int passive_grammar;    /* passive by German grammar (rd_passive): finds more */
	size_t grammar_aux;     /* offset of its auxiliary when passive_grammar */
	int transition;         /* holds a transition word or phrase */
	size_t split;           /* long sentences: offset of a suggested split point, else 0 */
	int same_start;         /* part of a run of >= RD_SAME_START_RUN opening alike */
	char first[RD_FIRST_MAX];       /* folded first word */
} rd_sentence_t;

typedef struct rd_doc {
	const char *s;
	size_t n;
	enum text_lang lang;
	rd_block_t *blocks;
	size_t nblocks;
	rd_sentence_t *sent;    /* sentences of paragraphs (headings excluded) */
	size_t nsent;
	size_t words, syllables, long_sentences, passive, transitions, same_start_runs;
	size_t passive_beyond;          /* passive by grammar, not by Yoast's definition */
	size_t numbers;                 /* number tokens: left out of Flesch, as Yoast does */
	size_t headings, paragraphs;
	unsigned longest_paragraph;     /* words */
	unsigned longest_section;       /* words of text under one subheading (or before the first) */
	size_t sections_over;           /* sections over RD_SECTION_MAX words */
	double flesch;
} rd_doc_t;

/* Analyses marked text s[0..n) in lang (German unless TEXT_LANG_EN) into *d
 * (zeroed first). 0, or -1 on out of memory or when the text has more than
 * RD_BLOCKS_MAX blocks or RD_SENTENCES_MAX sentences. Free with rd_free. */
int rd_analyze(const char *s, size_t n, enum text_lang lang, rd_doc_t *d);
void rd_free(rd_doc_t *d);

/* Reading ease: German (Amstad) 180 - ASL - 58.5 ASW, English (Flesch)
 * 206.835 - 1.015 ASL - 84.6 ASW; 0 when there are no words. */
double rd_flesch(size_t words, size_t sentences, size_t syllables, enum text_lang lang);
/* 1 when sentence s[0..n) is passive in lang by grammar: an auxiliary and a
 * past participle in one clause, prefixed strong participles ("angeschlossen")
 * and separable verbs ("eingespeist") included; *aux gets the auxiliary's
 * offset. */
int rd_passive(const char *s, size_t n, enum text_lang lang, size_t *aux);
/* 1 when sentence s[0..n) is passive as yoastseo's German research counts it
 * (the share a content editor sees in Yoast; readability.c restates the
 * rules); English: rd_passive. *aux gets the auxiliary's offset. */
int rd_passive_yoast(const char *s, size_t n, enum text_lang lang, size_t *aux);
/* 1 when s[0..n) holds a transition word or phrase of lang. */
int rd_transition(const char *s, size_t n, enum text_lang lang);
/* Where to split sentence s[0..n): the offset after the comma, semicolon or
 * colon, else before the conjunction, nearest its middle word; 0 if none. */
size_t rd_split_point(const char *s, size_t n, enum text_lang lang);
/* Number of entries in lang's transition word list (for the documentation). */
size_t rd_transition_count(enum text_lang lang);

#endif
