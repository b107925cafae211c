/* entity.c - entity SEO computations (pure): the PCRE2 pattern of an entity's
 * surface forms (whole words, compound heads and modifiers, other senses),
 * which dictionary matches count,
 * how salient each entity is, which entities share a sentence or paragraph,
 * the page's dominant topic cluster, and communities of the co-occurrence
 * graph. The formulas are in entity.h; the service (handlers/level2_entity_seo.c)
 * does the matching with PCRE2 and the storage. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "entity.h"

/* ---- surface forms ---------------------------------------------------------------- */

/* A string built in two passes: p NULL measures, then the same calls write. */
typedef struct sbuf {
	char *p;
	size_t n;
} sbuf_t;

static void put(sbuf_t *b, const char *s)
{
	size_t len = strlen(s);
	if (b->p)
		memcpy(b->p + b->n, s, len);
	b->n += len;
}

/* s as a literal: ASCII punctuation escaped, letters and UTF-8 as they are. */
static void put_literal(sbuf_t *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int esc = c < 0x80 && !(c >= '0' && c <= '9') && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
		if (b->p) {
			if (esc)
				b->p[b->n] = '\\';
			b->p[b->n + (size_t)esc] = (char)c;
		}
		b->n += 1 + (size_t)esc;
	}
}

/* (?:(?:p0)|(?:p1)|…), each pattern in its own group. */
static void put_alternation(sbuf_t *b, const char *const *v, size_t n)
{
	put(b, "(?:");
	for (size_t i = 0; i < n; i++) {
		put(b, i ? "|(?:" : "(?:");
		put(b, v[i]);
		put(b, ")");
	}
	put(b, ")");
}

/* What each form's alternation is wrapped in: a whole word; the end of a
 * compound after three letters or a hyphen; its start before three more
 * letters or a hyphen. */
static const char *const wrap[][2] = {
	{"(?<!\\w)", "(?!\\w)"},
	{"(?<=\\w{3}|\\w-)", "(?!\\w)"},
	{"(?<!\\w)", "(?=\\w{3}|-\\w)"},
};

/* (?<!a|a-|b|b-…) or (?!-?(?:a|b…)) of literal sense parts. */
static void put_senses(sbuf_t *b, const char *open, const char *const *v, size_t n, int hyphen,
		       const char *close)
{
	put(b, open);
	for (size_t i = 0; i < n; i++) {
		put(b, i ? "|" : "");
		put_literal(b, v[i]);
		if (hyphen) {
			put(b, "|");
			put_literal(b, v[i]);
			put(b, "-");
		}
	}
	put(b, close);
}

static void build(sbuf_t *b, const entity_forms_t *f)
{
	const struct {
		const char *const *v;
		size_t n;
	} form[] = {{f->alias, f->n_alias}, {f->head, f->n_head}, {f->modifier, f->n_modifier}};
	const char *sep = "";
	put(b, "(?C1)(?:");
	for (size_t k = 0; k < sizeof(form) / sizeof(form[0]); k++) {
		if (!form[k].n)
			continue;
		put(b, sep);
		if (f->n_not_after) {   /* the long look-behind only where the form is */
			put(b, "(?=");
			put_alternation(b, form[k].v, form[k].n);
			put(b, ")");
			put_senses(b, "(?<!", f->not_after, f->n_not_after, 1, ")");
		}
		put(b, wrap[k][0]);
		put_alternation(b, form[k].v, form[k].n);
		put(b, wrap[k][1]);
		sep = "|";
	}
	put(b, ")");
	if (f->n_not_before)
		put_senses(b, "(?!-?(?:", f->not_before, f->n_not_before, 0, "))");
}

static int senses_ok(const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i] || !v[i][0] || strlen(v[i]) > ENTITY_SENSE_MAX)
			return 0;
	return 1;
}

char *entity_pattern(const entity_forms_t *f)
{
	sbuf_t b = {NULL, 0};
	if (f->n_alias + f->n_head + f->n_modifier == 0 ||
	    !senses_ok(f->not_after, f->n_not_after) || !senses_ok(f->not_before, f->n_not_before))
		return NULL;
	build(&b, f);
	b.p = malloc(b.n + 1);
	if (!b.p)
		return NULL;
	b.n = 0;
	build(&b, f);
	b.p[b.n] = '\0';
	return b.p;
}

/* ---- hits --------------------------------------------------------------------- */

static int by_start(const void *x, const void *y)
{
	const entity_hit_t *a = x, *b = y;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;        /* longer first */
	return a->entity < b->entity ? -1 : a->entity > b->entity;
}

size_t entity_hits_resolve(entity_hit_t *h, size_t n)
{
	size_t kept = 0, reach = 0;
	if (n == 0)
		return 0;
	qsort(h, n, sizeof(*h), by_start);
	for (size_t i = 0; i < n; i++) {
		if (kept && h[i].start < reach)
			continue;
		h[kept++] = h[i];
		reach = h[i].end;
	}
	return kept;
}

void entity_hits_positions(const char *s, size_t n, entity_hit_t *h, size_t nh)
{
	size_t byte = 0, cps = 0;
	for (size_t i = 0; i < nh; i++) {
		while (byte < h[i].start && byte < n) {
			text_utf8_next(s, n, &byte);
			cps++;
		}
		h[i].pos = cps;
	}
}

/* ---- paragraphs ------------------------------------------------------------------- */

static int push(text_spans_t *out, const char *s, size_t a, size_t b)
{
	while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '\n'))
		b--;
	if (a == b)
		return 0;
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		text_span_t *v = realloc(out->v, cap * sizeof(*v));
		if (!v)
			return -1;
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n].off = a;
	out->v[out->n].len = b - a;
	out->n++;
	return 0;
}

/* 1 when s[i] starts a blank line break: "\n", optional blanks, "\n". */
static size_t blank_line(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	if (s[i] != '\n')
		return 0;
	while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'))
		j++;
	return j < n && s[j] == '\n' ? j + 1 - i : 0;
}

int entity_paragraphs(const char *s, size_t n, text_spans_t *out)
{
	int blank = 0;
	size_t from = 0;
	for (size_t i = 0; i < n && !blank; i++)
		blank = blank_line(s, n, i) > 0;
	for (size_t i = 0; i < n; i++) {
		size_t m = blank ? blank_line(s, n, i) : s[i] == '\n';
		if (!m)
			continue;
		if (push(out, s, from, i) != 0)
			return -1;
		from = i + m;
		i = from - 1;
	}
	return push(out, s, from, n);
}

static int is_heading(const char *s, size_t len, const char *const *head, size_t n_head)
{
	for (size_t k = 0; k < n_head; k++)
		if (head[k] && strlen(head[k]) == len && memcmp(head[k], s, len) == 0)
			return 1;
	return 0;
}

long entity_first_paragraph(const char *s, const text_spans_t *paras,
			    const char *const *headings, size_t n_head)
{
	for (size_t i = 0; i < paras->n; i++) {
		const char *p = s + paras->v[i].off;
		size_t len = paras->v[i].len;
		if (!is_heading(p, len, headings, n_head) &&
		    text_word_count(p, len) >= ENTITY_FIRST_PARA_WORDS)
			return (long)i;
	}
	return paras->n ? 0 : -1;
}

/* ---- salience ------------------------------------------------------------------- */

void entity_salience(entity_score_t *s, size_t n)
{
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		s[i].salience = log1p((double)s[i].count) + ENTITY_W_TITLE * !!s[i].in_title +
				ENTITY_W_H1 * !!s[i].in_h1 + ENTITY_W_FIRST * !!s[i].in_first;
		total += s[i].salience;
	}
	for (size_t i = 0; i < n; i++) {
		s[i].salience = total > 0 ? s[i].salience / total : 0;
		s[i].main = s[i].in_title || s[i].in_h1 ||
			    (s[i].salience >= ENTITY_MAIN_SALIENCE &&
			     s[i].count >= ENTITY_MAIN_MIN_COUNT);
	}
}

/* ---- co-occurrence ---------------------------------------------------------------- */

struct acc {
	entity_pair_t *v;
	size_t n, cap;
};

static int by_pair(const void *x, const void *y)
{
	const entity_pair_t *a = x, *b = y;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

/* Sorts and sums duplicates in place. */
static void compact(struct acc *acc)
{
	size_t k = 0;
	if (acc->n == 0)
		return;
	qsort(acc->v, acc->n, sizeof(*acc->v), by_pair);
	for (size_t i = 1; i < acc->n; i++) {
		if (by_pair(&acc->v[k], &acc->v[i]) == 0) {
			acc->v[k].sentences += acc->v[i].sentences;
			acc->v[k].paragraphs += acc->v[i].paragraphs;
		} else {
			acc->v[++k] = acc->v[i];
		}
	}
	acc->n = k + 1;
}

static int add_pair(struct acc *acc, size_t a, size_t b, int paragraph)
{
	if (acc->n == acc->cap) {
		if (acc->n >= 4096)
			compact(acc);   /* distinct pairs are few: usually frees most */
		if (acc->cap == 0 || acc->n > acc->cap / 2) {
			size_t cap = acc->cap ? acc->cap * 2 : 64;
			entity_pair_t *v = realloc(acc->v, cap * sizeof(*v));
			if (!v)
				return -1;
			acc->v = v;
			acc->cap = cap;
		}
	}
	acc->v[acc->n++] = (entity_pair_t){a, b, !paragraph, !!paragraph};
	return 0;
}

static int by_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return a < b ? -1 : a > b;
}

/* Adds the pairs of the distinct entities ids[0..k) (scratch, reordered). */
static int add_window(struct acc *acc, size_t *ids, size_t k, int paragraph)
{
	size_t u = 0;
	qsort(ids, k, sizeof(*ids), by_size);
	for (size_t i = 0; i < k; i++)
		if (u == 0 || ids[u - 1] != ids[i])
			ids[u++] = ids[i];
	for (size_t i = 0; i < u; i++)
		for (size_t j = i + 1; j < u; j++)
			if (add_pair(acc, ids[i], ids[j], paragraph) != 0)
				return -1;
	return 0;
}

/* Walks windows and hits (both sorted) once, adding each window's pairs. */
static int windows(struct acc *acc, const entity_hit_t *h, size_t nh, const text_spans_t *w,
		   int paragraph)
{
	size_t ids[ENTITY_WINDOW_MAX], j = 0;
	for (size_t i = 0; w && i < w->n; i++) {
		size_t from = w->v[i].off, to = from + w->v[i].len, k = 0;
		while (j < nh && h[j].start < from)
			j++;
		for (size_t x = j; x < nh && h[x].start < to; x++) {
			size_t d = 0;
			while (d < k && ids[d] != h[x].entity)
				d++;
			if (d == k && k < ENTITY_WINDOW_MAX)
				ids[k++] = h[x].entity;
		}
		if (k > 1 && add_window(acc, ids, k, paragraph) != 0)
			return -1;
	}
	return 0;
}

int entity_cooccur(const entity_hit_t *h, size_t nh, const text_spans_t *sentences,
		   const text_spans_t *paragraphs, entity_pair_t **out, size_t *n_out)
{
	struct acc acc = {0};
	*out = NULL;
	*n_out = 0;
	if (windows(&acc, h, nh, sentences, 0) != 0 || windows(&acc, h, nh, paragraphs, 1) != 0) {
		free(acc.v);
		return -1;
	}
	compact(&acc);
	*out = acc.v;
	*n_out = acc.n;
	return 0;
}

/* ---- topic cluster ---------------------------------------------------------------- */

long entity_dominant(const size_t *cluster, const double *salience, size_t n,
		     const unsigned char *eligible, size_t n_clusters)
{
	long best = -1;
	double best_sum = 0;
	for (size_t c = 0; c < n_clusters; c++) {
		double sum = 0;
		int found = 0;
		if (!eligible[c])
			continue;
		for (size_t i = 0; i < n; i++)
			if (cluster[i] == c) {
				sum += salience[i];
				found = 1;
			}
		if (found && (best < 0 || sum > best_sum)) {
			best = (long)c;
			best_sum = sum;
		}
	}
	return best;
}

/* ---- communities (greedy modularity) ------------------------------------------------ */

/* Finds the merge with the largest gain dQ = 2 (e_ij - a_i a_j) over
 * connected live pairs; returns 0 with *bi < *bj, or -1 when none gains. */
static int best_merge(size_t n, const double *e, const double *a, const unsigned char *live,
		      size_t *bi, size_t *bj)
{
	double best = 1e-12;
	int found = -1;
	for (size_t i = 0; i < n; i++) {
		if (!live[i])
			continue;
		for (size_t j = i + 1; j < n; j++) {
			if (!live[j] || e[i * n + j] <= 0)
				continue;
			double dq = 2 * (e[i * n + j] - a[i] * a[j]);
			if (dq > best) {
				best = dq;
				*bi = i;
				*bj = j;
				found = 0;
			}
		}
	}
	return found;
}

/* Merges community j into i. */
static void merge(size_t n, double *e, double *a, unsigned char *live, size_t *parent,
		  size_t i, size_t j)
{
	double eii = e[i * n + i] + e[j * n + j] + 2 * e[i * n + j];
	for (size_t k = 0; k < n; k++) {
		if (!live[k] || k == i || k == j)
			continue;
		e[i * n + k] += e[j * n + k];
		e[k * n + i] = e[i * n + k];
	}
	e[i * n + i] = eii;
	a[i] += a[j];
	live[j] = 0;
	parent[j] = i;
}

/* Fills the normalised matrix e (sum 1) and a; returns 2m (0: no edges). */
static double load(size_t n, const entity_edge_t *ed, size_t ne, double *e, double *a)
{
	double total = 0;
	for (size_t k = 0; k < ne; k++) {
		if (ed[k].a == ed[k].b || ed[k].a >= n || ed[k].b >= n || !(ed[k].w > 0))
			continue;
		e[ed[k].a * n + ed[k].b] += ed[k].w;
		e[ed[k].b * n + ed[k].a] += ed[k].w;
		total += 2 * ed[k].w;
	}
	for (size_t i = 0; total > 0 && i < n; i++)
		for (size_t j = 0; j < n; j++) {
			e[i * n + j] /= total;
			a[i] += e[i * n + j];
		}
	return total;
}

/* Numbers the roots 0..k-1 in order of their lowest node; returns k. */
static int label(size_t n, const size_t *parent, size_t *community, size_t *root_id)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		root_id[i] = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t r = i;
		while (parent[r] != r)
			r = parent[r];
		if (root_id[r] == (size_t)-1)
			root_id[r] = (size_t)k++;
		community[i] = root_id[r];
	}
	return k;
}

int entity_communities(size_t n, const entity_edge_t *ed, size_t ne, size_t *community,
		       double *q)
{
	int k = -1;
	if (n > ENTITY_GRAPH_MAX)
		return -1;
	double *e = calloc(n * n + 1, sizeof(*e)), *a = calloc(n + 1, sizeof(*a));
	size_t *parent = malloc((n + 1) * sizeof(*parent)), *root = malloc((n + 1) * sizeof(*root));
	unsigned char *live = malloc(n + 1);
	size_t i, j;
	if (!e || !a || !parent || !root || !live)
		goto out;
	for (i = 0; i < n; i++) {
		parent[i] = i;
		live[i] = 1;
	}
	if (load(n, ed, ne, e, a) > 0)
		while (best_merge(n, e, a, live, &i, &j) == 0)
			merge(n, e, a, live, parent, i, j);
	if (q) {
		*q = 0;
		for (i = 0; i < n; i++)
			if (live[i])
				*q += e[i * n + i] - a[i] * a[i];
	}
	k = label(n, parent, community, root);
out:
	free(e);
	free(a);
	free(parent);
	free(root);
	free(live);
	return k;
}
