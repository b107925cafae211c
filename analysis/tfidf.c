/* tfidf.c - terms, document frequencies and TF-IDF weights (see tfidf.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tfidf.h"

static int by_stem(const void *x, const void *y)
{
	return strcmp(((const tfidf_term_t *)x)->stem, ((const tfidf_term_t *)y)->stem);
}

/* Whether the folded word w (len bytes) counts as a term. */
static int is_term(const char *w, size_t len)
{
	size_t pos = 0, letters = 0;
	uint32_t cp;
	while ((cp = text_utf8_next(w, len, &pos)) != 0)
		letters += text_is_letter(cp) != 0;
	return letters >= TFIDF_MIN_LETTERS && !text_is_stopword(w, TEXT_LANG_DE) &&
	       !text_is_stopword(w, TEXT_LANG_EN);
}

static int add(tfidf_doc_t *d, const char *stem, const char *surface, size_t slen)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		tfidf_term_t *v = realloc(d->v, cap * sizeof *v);
		if (!v)
			return -1;
		d->v = v, d->cap = cap;
	}
	tfidf_term_t *t = &d->v[d->n++];
	memcpy(t->stem, stem, strlen(stem) + 1);
	memcpy(t->surface, surface, slen);
	t->surface[slen] = '\0';
	t->count = 1;
	return 0;
}

/* Occurrences in text order (count holds the position while building). */
static int by_stem_pos(const void *x, const void *y)
{
	const tfidf_term_t *a = x, *b = y;
	int c = strcmp(a->stem, b->stem);
	return c ? c : (a->count > b->count) - (a->count < b->count);
}

/* Sorts the occurrences by stem and merges each run into one term with the
 * first surface form seen and the run's length as count. */
static void merge(tfidf_doc_t *d)
{
	size_t o = 0, i = 0;
	if (d->n == 0)
		return;         /* no words: nothing to sort (qsort's base may be NULL) */
	for (size_t k = 0; k < d->n; k++)
		d->v[k].count = (unsigned)k;
	qsort(d->v, d->n, sizeof *d->v, by_stem_pos);
	while (i < d->n) {
		size_t j = i + 1;
		while (j < d->n && strcmp(d->v[j].stem, d->v[i].stem) == 0)
			j++;
		d->v[o] = d->v[i];
		d->v[o++].count = (unsigned)(j - i);
		i = j;
	}
	d->n = o;
}

int tfidf_doc_build(const char *s, size_t n, enum text_lang lang, tfidf_doc_t *d)
{
	text_tokens_t tk = {0};
	char folded[TEXT_WORD_MAX * 4], stem[TEXT_WORD_MAX * 4];
	int rc = text_tokenize(s, n, &tk);
	if (lang == TEXT_LANG_UNKNOWN)
		lang = text_guess_lang(s, n);
	if (lang == TEXT_LANG_UNKNOWN)
		lang = TEXT_LANG_DE;
	for (size_t i = 0; rc == 0 && i < tk.n; i++) {
		const text_token_t *t = &tk.v[i];
		if (t->kind != TEXT_TOK_WORD || t->len >= TFIDF_WORD_MAX ||
		    text_fold(s + t->off, t->len, folded, sizeof folded) < 0 ||
		    !is_term(folded, strlen(folded)) ||
		    text_stem(folded, lang, stem, sizeof stem) < 0 || strlen(stem) >= TFIDF_WORD_MAX)
			continue;
		rc = add(d, stem, s + t->off, t->len);
		d->total++;
	}
	text_tokens_free(&tk);
	if (rc == 0)
		merge(d);
	return rc;
}

void tfidf_doc_free(tfidf_doc_t *d)
{
	free(d->v);
	memset(d, 0, sizeof *d);
}

const tfidf_term_t *tfidf_doc_find(const tfidf_doc_t *d, const char *stem)
{
	tfidf_term_t key;
	if (strlen(stem) >= TFIDF_WORD_MAX)
		return NULL;
	memcpy(key.stem, stem, strlen(stem) + 1);
	return d->n ? bsearch(&key, d->v, d->n, sizeof *d->v, by_stem) : NULL;
}

static int by_df_stem(const void *x, const void *y)
{
	return strcmp(((const tfidf_df_t *)x)->stem, ((const tfidf_df_t *)y)->stem);
}

int tfidf_corpus_build(const tfidf_doc_t *docs, size_t n, tfidf_corpus_t *c)
{
	size_t total = 0, o = 0;
	for (size_t i = 0; i < n; i++)
		total += docs[i].n;
	c->ndocs = n;
	c->v = malloc((total ? total : 1) * sizeof *c->v);
	if (!c->v)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < docs[i].n; k++) {
			memcpy(c->v[o].stem, docs[i].v[k].stem, TFIDF_WORD_MAX);
			c->v[o++].df = 1;
		}
	qsort(c->v, total, sizeof *c->v, by_df_stem);
	o = 0;
	for (size_t i = 0; i < total; i++) {
		if (o > 0 && strcmp(c->v[o - 1].stem, c->v[i].stem) == 0)
			c->v[o - 1].df++;     /* each document lists a stem once */
		else
			c->v[o++] = c->v[i];
	}
	c->n = o;
	return 0;
}

void tfidf_corpus_free(tfidf_corpus_t *c)
{
	free(c->v);
	memset(c, 0, sizeof *c);
}

unsigned tfidf_df(const tfidf_corpus_t *c, const char *stem)
{
	tfidf_df_t key;
	if (strlen(stem) >= TFIDF_WORD_MAX || c->n == 0)
		return 0;
	memcpy(key.stem, stem, strlen(stem) + 1);
	const tfidf_df_t *f = bsearch(&key, c->v, c->n, sizeof *c->v, by_df_stem);
	return f ? f->df : 0;
}

double tfidf_idf(const tfidf_corpus_t *c, const char *stem)
{
	return log((1.0 + (double)c->ndocs) / (1.0 + tfidf_df(c, stem))) + 1.0;
}

static int by_weight(const void *x, const void *y)
{
	const tfidf_weight_t *a = x, *b = y;
	if (a->weight != b->weight)
		return a->weight < b->weight ? 1 : -1;
	return strcmp(a->term->stem, b->term->stem);
}

size_t tfidf_top(const tfidf_doc_t *d, const tfidf_corpus_t *c, tfidf_weight_t *out, size_t k)
{
	tfidf_weight_t *all = d->n ? malloc(d->n * sizeof *all) : NULL;
	double norm = 0;
	if (!all)
		return 0;
	for (size_t i = 0; i < d->n; i++) {
		all[i].term = &d->v[i];
		all[i].weight = d->v[i].count * tfidf_idf(c, d->v[i].stem);
		norm += all[i].weight * all[i].weight;
	}
	norm = sqrt(norm);
	for (size_t i = 0; i < d->n; i++)
		all[i].weight = norm > 0 ? all[i].weight / norm : 0;
	qsort(all, d->n, sizeof *all, by_weight);
	if (k > d->n)
		k = d->n;
	memcpy(out, all, k * sizeof *out);
	free(all);
	return k;
}
