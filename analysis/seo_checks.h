/* seo_checks.h - the content analysis of #26 (pure): Yoast's readability
 * and keyphrase checks over one page, each with a traffic light, a score on
 * Yoast's 9/6/3 scale and a German and English explanation, and an overall
 * 0-100 score. The one entry point for other services (drafts of #48):
 * seo_analyze_json_new(). */
#ifndef ZOE_SEO_CHECKS_H
#define ZOE_SEO_CHECKS_H

#include <stddef.h>
#include <jansson.h>

#include "readability.h"

#define SEO_CHECKS 17
#define SEO_EXPLAIN_MAX 320

enum seo_light { SEO_NA, SEO_RED, SEO_ORANGE, SEO_GREEN };

typedef struct seo_input {
	const char *text;       /* marked text (readability.h): "## " lines are subheadings */
	size_t len;
	const char *title, *meta, *slug, *keyphrase;    /* each may be NULL */
	const char *const *alts;        /* alt texts of the page's images (NULL entries: none) */
	size_t nalts;
	int images_known;       /* 1 when the page's images were seen (HTML input) */
	enum text_lang lang;
} seo_input_t;

typedef struct seo_check {
	const char *id, *group;         /* "flesch", "readability" | "seo" */
	enum seo_light light;
	int score;                      /* 9 green, 6 orange, 3 red, 0 not applicable */
	double value;                   /* the figure the light was set by */
	char de[SEO_EXPLAIN_MAX], en[SEO_EXPLAIN_MAX];
} seo_check_t;

typedef struct seo_result {
	rd_doc_t doc;
	seo_check_t checks[SEO_CHECKS];
	size_t nchecks;
	size_t keyphrase_count;         /* occurrences in the text */
	double density;                 /* % of words */
	double title_px;
	size_t meta_chars;
	int score, readability_score, seo_score;        /* 0..100, -1 when nothing applies */
} seo_result_t;

/* Analyses one page; 0, or -1 on out of memory or a text too large for
 * readability.h. Free with seo_result_free. */
int seo_analyze(const seo_input_t *in, seo_result_t *out);
void seo_result_free(seo_result_t *r);
/* {score, readability_score, seo_score, stats, checks, method}; NULL on OOM. */
json_t *seo_result_json_new(const seo_result_t *r);
/* seo_analyze + seo_result_json_new; NULL on failure. */
json_t *seo_analyze_json_new(const seo_input_t *in);
/* How the overall score is made, for the response. */
json_t *seo_method_json_new(void);
/* Occurrences of keyphrase in s[0..n) counted per sentence-free span: German
 * inflections and compounds match ("Solaranlage" in "Solaranlagenförderung",
 * "Photovoltaikanlage" = "Photovoltaik-Anlage"); with several content words,
 * the least frequent one's count. `slug`: hyphens separate words and ae/oe/ue
 * stand for umlauts. */
size_t seo_keyphrase_count(const char *s, size_t n, const char *keyphrase,
			   enum text_lang lang, int slug);
/* Marked text from the `text` and `headings` of html_extract_new: a line that
 * is the next heading in order becomes "#…# text". malloc'd; NULL on OOM. */
char *seo_marked_from_extract(json_t *extract);

#endif
