/* compete.h - figures of competitor analysis (pure): the position -> CTR
 * curve behind share of voice, and what a page snapshot says about a
 * competitor (JSON-LD types, rating, links, content score). */
#ifndef ZOE_COMPETE_H
#define ZOE_COMPETE_H

#include <stddef.h>
#include <jansson.h>

/* Organic CTR of positions 1..10 (fractions), from Backlinko, "We Analyzed
 * 4 Million Google Search Results" (2023, organic CTR by position); below
 * position 10 (page two: under 1 % of all clicks in that study) it is 0. */
#define COMPETE_CTR_SOURCE "Backlinko (2023): \"We Analyzed 4 Million Google Search Results\", " \
	"average organic click-through rate by position; positions below 10 count as 0"
extern const double compete_ctr_curve[10];

/* The CTR of a (mean) position: the curve, linear between whole positions;
 * 0 for positions below 10 or not ranking (position < 1 or NaN). */
double compete_ctr(double position);

/* Content score weights (points of 100), see compete_content_score. */
#define COMPETE_WORDS_FULL 1500   /* words for the full length points */
#define COMPETE_SCHEMA_FULL 3     /* distinct JSON-LD types for the full schema points */

/* 0..100: 40·min(1, words / 1500) + 10·[exactly one h1]
 * + 20·min(1, subheadings (h2..h6) / ceil(words / 300)) (a subheading per
 * 300 words, as Yoast's section rule asks) + 30·min(1, types / 3). */
int compete_content_score(long words, int h1, int subheadings, size_t types);

/* What a snapshot's extraction (analysis/html, html_extract_new) says about
 * the page of `domain`. */
typedef struct compete_page {
	int h1, subheadings;
	long links_internal, links_external;
	json_t *types;          /* sorted distinct @type values (new reference) */
	double rating;          /* AggregateRating ratingValue, -1 when none */
	long rating_count;      /* its reviewCount or ratingCount, -1 when none */
} compete_page_t;

/* Fills p from extraction x; links to domain or its subdomains (and relative
 * ones) are internal, to other http(s) hosts external (mailto:, tel:,
 * javascript: and fragments are neither). 0, or -1 on out of memory. */
int compete_page(const json_t *x, const char *domain, compete_page_t *p);

/* Adds the @type values of a JSON-LD document (objects, arrays, @graph and
 * nested nodes, at most depth 32) to the object set (type -> true); the
 * first AggregateRating found fills *rating and *count when they are -1. */
void compete_jsonld_types(const json_t *doc, json_t *set, double *rating, long *count);

#endif
