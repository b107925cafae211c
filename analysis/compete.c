/* compete.c - CTR curve, content score and page figures (see compete.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compete.h"

const double compete_ctr_curve[10] = {
	0.276, 0.158, 0.110, 0.084, 0.063, 0.049, 0.039, 0.033, 0.027, 0.024,
};

double compete_ctr(double position)
{
	if (!(position >= 1) || position > 10)
		return 0;
	int i = (int)floor(position);
	if (i >= 10)
		return compete_ctr_curve[9];
	double f = position - i;
	return compete_ctr_curve[i - 1] * (1 - f) + compete_ctr_curve[i] * f;
}

int compete_content_score(long words, int h1, int subheadings, size_t types)
{
	double s = 0;
	long want = words > 0 ? (words + 299) / 300 : 1;
	s += 40.0 * (words >= COMPETE_WORDS_FULL ? 1 : words > 0 ? (double)words / COMPETE_WORDS_FULL : 0);
	s += h1 == 1 ? 10 : 0;
	s += 20.0 * (subheadings >= want ? 1 : (double)subheadings / (double)want);
	s += 30.0 * (types >= COMPETE_SCHEMA_FULL ? 1 : (double)types / COMPETE_SCHEMA_FULL);
	return (int)lround(s);
}

/* A number or numeric string; -1 when neither. */
static double number_of(const json_t *v)
{
	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v)) {
		char *end;
		const char *s = json_string_value(v);
		double d = strtod(s, &end);
		return end != s && *end == '\0' && isfinite(d) ? d : -1;
	}
	return -1;
}

static void rating_of(const json_t *r, double *rating, long *count)
{
	if (*rating >= 0 || !json_is_object(r))
		return;
	double v = number_of(json_object_get(r, "ratingValue"));
	double c = number_of(json_object_get(r, "reviewCount"));
	if (c < 0)
		c = number_of(json_object_get(r, "ratingCount"));
	if (v < 0)
		return;
	*rating = v;
	*count = c >= 0 ? (long)c : -1;
}

static void walk(const json_t *n, json_t *set, double *rating, long *count, int depth)
{
	size_t i;
	const char *k;
	json_t *v;
	if (depth > 32)
		return;
	if (json_is_array(n)) {
		json_array_foreach((json_t *)n, i, v)
			walk(v, set, rating, count, depth + 1);
		return;
	}
	if (!json_is_object(n))
		return;
	json_t *t = json_object_get(n, "@type");
	if (json_is_string(t) && json_string_length(t) > 0 && json_string_length(t) <= 100)
		json_object_set_new(set, json_string_value(t), json_true());
	json_array_foreach(json_is_array(t) ? t : NULL, i, v)
		if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) <= 100)
			json_object_set_new(set, json_string_value(v), json_true());
	if (json_is_string(t) && strcmp(json_string_value(t), "AggregateRating") == 0)
		rating_of(n, rating, count);
	rating_of(json_object_get(n, "aggregateRating"), rating, count);
	json_object_foreach((json_t *)n, k, v)
		if (json_is_object(v) || json_is_array(v))
			walk(v, set, rating, count, depth + 1);
}

void compete_jsonld_types(const json_t *doc, json_t *set, double *rating, long *count)
{
	walk(doc, set, rating, count, 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The set's keys as a sorted array (new reference), NULL on OOM. */
static json_t *sorted_keys(json_t *set)
{
	size_t n = json_object_size(set), i = 0;
	const char **k = malloc((n ? n : 1) * sizeof *k), *key;
	json_t *v, *out = json_array();
	if (!k || !out) {
		free(k);
		json_decref(out);
		return NULL;
	}
	json_object_foreach(set, key, v)
		k[i++] = key;
	qsort(k, n, sizeof *k, cmp_str);
	for (i = 0; i < n; i++)
		json_array_append_new(out, json_string(k[i]));
	free(k);
	return out;
}

/* 1 internal, 2 external, 0 neither. */
static int link_kind(const char *href, const char *domain)
{
	size_t dn = strlen(domain);
	if (!href || !*href || *href == '#' || strncasecmp(href, "mailto:", 7) == 0 ||
	    strncasecmp(href, "tel:", 4) == 0 || strncasecmp(href, "javascript:", 11) == 0)
		return 0;
	const char *h = NULL;
	if (strncasecmp(href, "http://", 7) == 0)
		h = href + 7;
	else if (strncasecmp(href, "https://", 8) == 0)
		h = href + 8;
	else if (strncmp(href, "//", 2) == 0)
		h = href + 2;
	else
		return strchr(href, ':') && strcspn(href, ":") < strcspn(href, "/?#") ? 0 : 1;
	size_t hn = strcspn(h, "/?#:");
	if (hn == dn && strncasecmp(h, domain, dn) == 0)
		return 1;
	if (hn > dn && h[hn - dn - 1] == '.' && strncasecmp(h + hn - dn, domain, dn) == 0)
		return 1;
	return 2;
}

int compete_page(const json_t *x, const char *domain, compete_page_t *p)
{
	json_t *set = json_object(), *v;
	size_t i;
	memset(p, 0, sizeof *p);
	p->rating = -1, p->rating_count = -1;
	if (!set)
		return -1;
	json_array_foreach(json_object_get(x, "headings"), i, v) {
		json_int_t level = json_integer_value(json_object_get(v, "level"));
		p->h1 += level == 1;
		p->subheadings += level > 1;
	}
	json_array_foreach(json_object_get(x, "links"), i, v) {
		int k = link_kind(json_string_value(json_object_get(v, "href")), domain);
		p->links_internal += k == 1;
		p->links_external += k == 2;
	}
	json_array_foreach(json_object_get(x, "jsonld"), i, v) {
		const char *raw = json_string_value(v);
		json_t *doc = raw ? json_loads(raw, 0, NULL) : NULL;
		compete_jsonld_types(doc, set, &p->rating, &p->rating_count);
		json_decref(doc);
	}
	p->types = sorted_keys(set);
	json_decref(set);
	return p->types ? 0 : -1;
}
