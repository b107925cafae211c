/* template.h - the template engine of the content drafts (#48), pure.
 *
 * Syntax (a small subset of Jinja's):
 *   {{ name }} {{ a.b }}          a value of the context, HTML-escaped
 *   {{ n | zahl }} {{ n | zahl:1 }}  German number (1.234,5); :d fixes decimals
 *   {{ d | datum }}               German date of an ISO date (2. April 2025)
 *   {{ d | datum_kurz }}          02.04.2025;  {{ x | prozent }}  12,5 %
 *   {% if x %}…{% else %}…{% endif %}, {% if not x %}: x is true when present
 *                                 and not false, null, 0, "" or an empty list
 *   {% for x in list %}…{% endfor %}  x and loop.index (1-based), loop.last
 * A variable the context lacks renders as "[fehlt: name]" and is listed in
 * `missing`, so a draft says what to add; a syntax error or a cap stops the
 * rendering with a message naming the line. Whenever a lookup passes
 * through an object with a "_ref" string member ("reviews:12"), that ref is
 * recorded with the output offset: the fact trace of tpl_paragraphs_new. */
#ifndef ZOE_TEMPLATE_H
#define ZOE_TEMPLATE_H

#include <stddef.h>
#include <jansson.h>

#define TPL_SRC_MAX (64 * 1024)         /* bytes of template */
#define TPL_OUT_MAX (512 * 1024)        /* bytes of output */
#define TPL_DEPTH_MAX 8                 /* nested if/for */
#define TPL_LOOP_MAX 1000               /* items one loop takes */
#define TPL_NAME_MAX 128                /* bytes of a variable path */

typedef struct tpl_result {
	char *text;             /* malloc'd, NUL-terminated; NULL on error */
	size_t len;
	json_t *missing;        /* array of the variable paths not in the context, unique */
	json_t *uses;           /* array of [offset, "table:id"] in output order */
	char error[200];        /* set when tpl_render returns -1 */
} tpl_result_t;

/* Renders src[0..n) with the JSON object ctx. 0 (missing variables are not
 * errors: see r->missing), or -1 with r->error (syntax, caps, out of
 * memory). Free with tpl_result_free either way. */
int tpl_render(const char *src, size_t n, json_t *ctx, tpl_result_t *r);
void tpl_result_free(tpl_result_t *r);
/* Checks src's syntax without a context: 0, or -1 with a message in err. */
int tpl_check(const char *src, size_t n, char *err, size_t errlen);
/* German number: grouping '.', decimal ','; decimals < 0: up to 2, trailing
 * zeros dropped. Writes at most outlen bytes; 0/-1. */
int tpl_format_zahl(double x, int decimals, char *out, size_t outlen);
/* German long date of "YYYY-MM-DD[...]" ("2. April 2025"); 0/-1. */
int tpl_format_datum(const char *iso, int kurz, char *out, size_t outlen);
/* The rendered text cut into paragraphs (blank-line separated blocks; a
 * heading line "# …" is its own block), each {text, facts: [refs]} with the
 * refs used inside it; NULL on out of memory. */
json_t *tpl_paragraphs_new(const tpl_result_t *r);

/* URL slug of s: lower case ASCII, umlauts and ß spelt out (ae, ss),
 * everything else a single '-'; 0, or -1 when nothing is left. */
int tpl_slug(const char *s, char *out, size_t outlen);

#endif
