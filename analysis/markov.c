/* markov.c - next-page back-off and removal-effect attribution; see markov.h. */
#include "markov.h"
#include "grow.h"
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int by_p(const void *x, const void *y)
{
	const mk_next_t *a = x, *b = y;
	if (a->p != b->p)
		return a->p < b->p ? 1 : -1;
	if (!a->next || !b->next)
		return a->next ? -1 : (b->next ? 1 : 0);    /* exit after pages */
	return strcmp(a->next, b->next);
}

/* Sum of the counts of context (prev2, prev1); prev2 NULL = order 1. */
static double context_total(const mk_gram_t *g, size_t n, const char *prev2, const char *prev1)
{
	double t = 0;
	for (size_t i = 0; i < n; i++)
		if (same(g[i].prev2, prev2) && same(g[i].prev1, prev1) && g[i].count > 0)
			t += g[i].count;
	return t;
}

int mk_predict(const mk_gram_t *grams, size_t n, const char *prev2, const char *prev1,
	       double min_context, mk_next_t *out, size_t max, mk_answer_t *ans)
{
	if (!grams && n)
		return -1;
	if (!prev1 || !out || !ans)
		return -1;
	memset(ans, 0, sizeof(*ans));
	ans->support2 = prev2 ? context_total(grams, n, prev2, prev1) : 0;
	const char *ctx2 = NULL;
	if (prev2 && ans->support2 >= min_context && ans->support2 > 0) {
		ctx2 = prev2;
		ans->order = 2;
		ans->support = ans->support2;
	} else {
		ans->support = context_total(grams, n, NULL, prev1);
		ans->order = ans->support > 0 ? 1 : 0;
	}
	if (!ans->order)
		return 0;
	size_t m = 0;
	for (size_t i = 0; i < n && m < max; i++) {
		if (!same(grams[i].prev2, ctx2) || !same(grams[i].prev1, prev1) || grams[i].count <= 0)
			continue;
		out[m].next = grams[i].next;
		out[m].count = grams[i].count;
		out[m].p = grams[i].count / ans->support;
		m++;
	}
	qsort(out, m, sizeof(*out), by_p);
	ans->n = m;
	return 0;
}

/* x_i = P(conversion | in state i) for the transient states 0..k (Start
 * and the groups): x_i = sum_j P(i→j) x_j + P(i→Conversion), that is
 * (I - Q) x = r. A removed state is an exit: x = 0. */
double mk_conversion_prob(const double *counts, int k, const unsigned char *removed)
{
	if (!counts || k < 0 || k + 3 > MK_MAX_STATES)
		return -1;
	int n = k + 1, w = k + 3;
	double *a = calloc((size_t)n * (size_t)n, sizeof(double));
	double *b = calloc((size_t)n, sizeof(double));
	double p = -1;
	if (!a || !b)
		goto out;
	for (int i = 0; i < n; i++) {
		a[i * n + i] = 1;
		if (removed && removed[i])
			continue;       /* x_i = 0 */
		double total = 0;
		for (int j = 0; j < w; j++)
			total += counts[i * w + j] > 0 ? counts[i * w + j] : 0;
		if (total <= 0)
			continue;       /* nothing leaves it: an exit */
		for (int j = 0; j < n; j++)
			if (counts[i * w + j] > 0)
				a[i * n + j] -= counts[i * w + j] / total;
		if (counts[i * w + k + 1] > 0)
			b[i] = counts[i * w + k + 1] / total;
	}
	if (stats_solve(a, b, (size_t)n) == 0)
		p = b[MK_START];
out:
	free(a);
	free(b);
	return p;
}

double mk_removal_effects(const double *counts, int k, double *effect, double *share)
{
	unsigned char removed[MK_MAX_STATES] = {0};
	double p = mk_conversion_prob(counts, k, NULL), sum = 0;
	if (p < 0 || (k && (!effect || !share)))
		return -1;
	for (int i = 1; i <= k; i++) {
		removed[i] = 1;
		double q = mk_conversion_prob(counts, k, removed);
		removed[i] = 0;
		if (q < 0)
			return -1;
		effect[i - 1] = p > 0 ? fmax(0, 1 - q / p) : 0;
		sum += effect[i - 1];
	}
	for (int i = 0; i < k; i++)
		share[i] = sum > 0 ? effect[i] / sum : 0;
	return p;
}

/* ---- journeys: paths counted into a chain ---- */

typedef struct mk_row {
	size_t at;              /* first group id in ids[] */
	size_t len;
	int converted;
	long long n;
} mk_row_t;

struct mk_paths {
	char **names;           /* group id -> name */
	long long *through;     /* group id -> visits through it */
	size_t ng, capg;
	size_t *slots;          /* open addressing: group id + 1, 0 free */
	size_t nslots;
	int *ids;               /* the paths' groups, row after row */
	size_t nids, capids;
	mk_row_t *rows;
	size_t nrows, caprows;
	char *scratch;          /* an element being parsed */
	size_t capscratch;
	char **json;            /* mk_paths_top's texts */
	size_t njson;
	long long *keys;        /* mk_paths_name's ids, open addressing (-1 free) */
	int *keyed;             /* their group ids */
	size_t nkeys, nkeyslots;
	long long visits, conversions;
};

mk_paths_t *mk_paths_new(void)
{
	mk_paths_t *p = calloc(1, sizeof(*p));
	if (p && !(p->slots = calloc(p->nslots = 1024, sizeof(size_t)))) {
		free(p);
		p = NULL;
	}
	return p;
}

void mk_paths_free(mk_paths_t *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ng; i++)
		free(p->names[i]);
	for (size_t i = 0; i < p->njson; i++)
		free(p->json[i]);
	free(p->names);
	free(p->through);
	free(p->slots);
	free(p->ids);
	free(p->rows);
	free(p->scratch);
	free(p->json);
	free(p->keys);
	free(p->keyed);
	free(p);
}

static size_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return (size_t)h;
}

/* The id of group s[0..len-1], interned on first sight; -1 out of memory. */
static int group_id(mk_paths_t *p, const char *s, size_t len)
{
	size_t mask = p->nslots - 1, i = fnv1a(s, len) & mask;
	for (; p->slots[i]; i = (i + 1) & mask) {
		const char *g = p->names[p->slots[i] - 1];
		if (strncmp(g, s, len) == 0 && g[len] == '\0')
			return (int)(p->slots[i] - 1);
	}
	if (p->ng >= (size_t)INT32_MAX - 1)
		return -1;
	size_t capg = p->capg;
	if (grow_array((void **)&p->names, &capg, p->ng + 1, sizeof(char *)) < 0)
		return -1;
	capg = p->capg;
	if (grow_array((void **)&p->through, &capg, p->ng + 1, sizeof(long long)) < 0)
		return -1;
	p->capg = capg;
	char *name = malloc(len + 1);
	if (!name)
		return -1;
	memcpy(name, s, len);
	name[len] = '\0';
	p->names[p->ng] = name;
	p->through[p->ng] = 0;
	p->slots[i] = ++p->ng;
	if (p->ng * 2 > p->nslots) {          /* keep it at most half full */
		size_t n = p->nslots * 2, *slots = calloc(n, sizeof(size_t));
		if (!slots)
			return -1;
		for (size_t id = 0; id < p->ng; id++) {
			size_t j = fnv1a(p->names[id], strlen(p->names[id])) & (n - 1);
			while (slots[j])
				j = (j + 1) & (n - 1);
			slots[j] = id + 1;
		}
		free(p->slots);
		p->slots = slots;
		p->nslots = n;
	}
	return (int)(p->ng - 1);
}

/* Appends the group s[0..len-1] to the path being added; 0 or -1. */
static int push_group(mk_paths_t *p, const char *s, size_t len)
{
	int id = group_id(p, s, len);
	if (id < 0 || grow_array((void **)&p->ids, &p->capids, p->nids + 1, sizeof(int)) < 0)
		return -1;
	p->ids[p->nids++] = id;
	return 0;
}

/* Closes the path begun at ids[at]: counts its visits and groups; 0 or -1. */
static int end_path(mk_paths_t *p, size_t at, int converted, long long n)
{
	if (p->nids == at)
		return 0;
	if (grow_array((void **)&p->rows, &p->caprows, p->nrows + 1, sizeof(mk_row_t)) < 0)
		return -1;
	p->rows[p->nrows++] = (mk_row_t){at, p->nids - at, converted, n};
	for (size_t i = at; i < p->nids; i++)
		p->through[p->ids[i]] += n;
	p->visits += n;
	if (converted)
		p->conversions += n;
	return 0;
}

int mk_paths_add(mk_paths_t *p, const char *const *groups, size_t len, int converted,
		 long long n)
{
	if (!p || !groups || !len)
		return -1;
	size_t at = p->nids;
	for (size_t i = 0; i < len; i++)
		if (!groups[i] || push_group(p, groups[i], strlen(groups[i])) < 0) {
			p->nids = at;
			return -1;
		}
	return end_path(p, at, converted, n);
}

int mk_paths_add_array(mk_paths_t *p, const char *s, int converted, long long n)
{
	if (!p || !s || *s++ != '{')
		return -1;
	size_t at = p->nids;
	if (*s == '}')
		return s[1] ? -1 : 0;
	for (;;) {
		size_t len = 0;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && !*++s)
					break;
				if (grow_array((void **)&p->scratch, &p->capscratch, len + 1, 1) < 0)
					goto bad;
				p->scratch[len++] = *s;
			}
			if (*s++ != '"')
				goto bad;
		} else {
			const char *e = s + strcspn(s, ",}");
			if (e == s || (e - s == 4 && strncmp(s, "NULL", 4) == 0))
				goto bad;   /* no NULLs in a path */
			if (grow_array((void **)&p->scratch, &p->capscratch, (size_t)(e - s), 1) < 0)
				goto bad;
			memcpy(p->scratch, s, (size_t)(e - s));
			len = (size_t)(e - s);
			s = e;
		}
		if (push_group(p, len ? p->scratch : "", len) < 0)
			goto bad;
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '}' && !s[1])
			break;
		goto bad;
	}
	return end_path(p, at, converted, n);
bad:
	p->nids = at;
	return -1;
}

static size_t key_hash(long long key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h ^ (h >> 29));
}

/* The slot of key in keys[] (n slots, a power of two): its own or the free one it would take. */
static size_t key_slot(const long long *keys, size_t n, long long key)
{
	size_t i = key_hash(key) & (n - 1);
	while (keys[i] != -1 && keys[i] != key)
		i = (i + 1) & (n - 1);
	return i;
}

int mk_paths_name(mk_paths_t *p, long long key, const char *name)
{
	if (!p || key < 0 || !name)
		return -1;
	if ((p->nkeys + 1) * 2 > p->nkeyslots) {      /* at most half full */
		size_t n = p->nkeyslots ? p->nkeyslots * 2 : 1024;
		long long *keys = malloc(n * sizeof(*keys));
		int *keyed = malloc(n * sizeof(*keyed));
		if (!keys || !keyed) {
			free(keys);
			free(keyed);
			return -1;
		}
		memset(keys, 0xff, n * sizeof(*keys));  /* -1: free */
		for (size_t i = 0; i < p->nkeyslots; i++)
			if (p->keys[i] != -1) {
				size_t j = key_slot(keys, n, p->keys[i]);
				keys[j] = p->keys[i];
				keyed[j] = p->keyed[i];
			}
		free(p->keys);
		free(p->keyed);
		p->keys = keys;
		p->keyed = keyed;
		p->nkeyslots = n;
	}
	size_t i = key_slot(p->keys, p->nkeyslots, key);
	if (p->keys[i] == key)
		return 0;
	int id = group_id(p, name, strlen(name));
	if (id < 0)
		return -1;
	p->keys[i] = key;
	p->keyed[i] = id;
	p->nkeys++;
	return 0;
}

/* A decimal number at *s, at most 18 digits; *s moves past it. -1 when none. */
static long long number(const char **s)
{
	long long v = 0;
	const char *t = *s;
	for (; *t >= '0' && *t <= '9' && t - *s < 18; t++)
		v = v * 10 + (*t - '0');
	if (t == *s || (*t >= '0' && *t <= '9'))
		return -1;
	*s = t;
	return v;
}

/* The group id of key at *s (mk_paths_name's), *s moved past it; -1 when
 * there is none or the key is unknown. */
static int keyed_group(const mk_paths_t *p, const char **s)
{
	long long key = number(s);
	if (key < 0 || !p->nkeyslots)
		return -1;
	size_t i = key_slot(p->keys, p->nkeyslots, key);
	return p->keys[i] == key ? p->keyed[i] : -1;
}

int mk_paths_add_pack(mk_paths_t *p, const char *s, const char *goal)
{
	if (!p || !s || !goal)
		return -1;
	while (*s) {
		size_t at = p->nids;
		long long n = number(&s), cut = -1;
		if (n < 0)
			return -1;
		while (*s == ' ') {
			s++;
			int id = keyed_group(p, &s);
			if (id < 0 || grow_array((void **)&p->ids, &p->capids, p->nids + 1, sizeof(int)) < 0)
				goto bad;
			p->ids[p->nids++] = id;
		}
		while (*s == '|') {     /* a goal event: the groups begun before its first hit */
			s++;
			int id = keyed_group(p, &s);
			long long c = id >= 0 && *s++ == ':' ? number(&s) : -1;
			if (c < 0 || c > (long long)(p->nids - at))
				goto bad;
			if (cut < 0 && strcmp(p->names[id], goal) == 0)
				cut = c;
		}
		if (*s && *s != '\n')
			goto bad;
		if (cut >= 0)
			p->nids = at + (size_t)cut;
		if (end_path(p, at, cut >= 0, n) < 0)
			goto bad;
		if (*s)
			s++;
		continue;
bad:
		p->nids = at;
		return -1;
	}
	return 0;
}

long long mk_paths_visits(const mk_paths_t *p)
{
	return p ? p->visits : 0;
}

long long mk_paths_conversions(const mk_paths_t *p)
{
	return p ? p->conversions : 0;
}

typedef struct mk_rank {
	const char *name;
	long long n;
	int id;
} mk_rank_t;

static int by_through(const void *x, const void *y)
{
	const mk_rank_t *a = x, *b = y;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->name, b->name);
}

int mk_paths_chain(mk_paths_t *p, int max, const char *other, const char **names,
		   double *counts)
{
	if (!p || max < 1 || max + 3 > MK_MAX_STATES || !other || !names || !counts)
		return -1;
	mk_rank_t *rank = malloc((p->ng ? p->ng : 1) * sizeof(*rank));
	int *state = malloc((p->ng ? p->ng : 1) * sizeof(int));
	if (!rank || !state) {
		free(rank);
		free(state);
		return -1;
	}
	size_t ng = 0;          /* the groups of the paths (not those of a path refused) */
	for (size_t i = 0; i < p->ng; i++)
		if (p->through[i] > 0)
			rank[ng++] = (mk_rank_t){p->names[i], p->through[i], (int)i};
	qsort(rank, ng, sizeof(*rank), by_through);
	int merged = ng > (size_t)max, k = merged ? max : (int)ng;
	for (size_t r = 0; r < ng; r++) {
		state[rank[r].id] = merged && r >= (size_t)max - 1 ? max : (int)r + 1;
		if ((int)r < k)
			names[r + 1] = rank[r].name;
	}
	if (merged)
		names[max] = other;
	int w = k + 3;
	memset(counts, 0, (size_t)w * (size_t)w * sizeof(double));
	for (size_t i = 0; i < p->nrows; i++) {
		const mk_row_t *row = &p->rows[i];
		const int *g = p->ids + row->at;
		double n = (double)row->n;
		counts[MK_START * w + state[g[0]]] += n;
		for (size_t j = 0; j < row->len; j++) {
			int to = j + 1 < row->len ? state[g[j + 1]] : row->converted ? k + 1 : k + 2;
			counts[state[g[j]] * w + to] += n;
		}
	}
	free(rank);
	free(state);
	return k;
}

typedef struct mk_conv {
	const int *ids;
	size_t len;
	char *const *names;
	long long n;
	size_t pos;             /* in path order, after merging */
} mk_conv_t;

/* Path order: group by group in byte order, a prefix first. */
static int by_path(const void *x, const void *y)
{
	const mk_conv_t *a = x, *b = y;
	for (size_t i = 0; i < a->len && i < b->len; i++) {
		if (a->ids[i] == b->ids[i])
			continue;
		return strcmp(a->names[a->ids[i]], a->names[b->ids[i]]);
	}
	return a->len < b->len ? -1 : a->len > b->len;
}

static int by_visits(const void *x, const void *y)
{
	const mk_conv_t *a = x, *b = y;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int by_json(const void *x, const void *y)
{
	const mk_top_path_t *a = x, *b = y;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->json, b->json);
}

/* s as a JSON string, escaped as PostgreSQL's escape_json(), appended to *out. */
static int json_string_to(char **out, size_t *len, size_t *cap, const char *s)
{
	if (grow_array((void **)out, cap, *len + strlen(s) * 6 + 4, 1) < 0)
		return -1;
	char *o = *out + *len;
	*o++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc = c == '\b' ? "\\b" : c == '\f' ? "\\f" : c == '\n' ? "\\n"
			: c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '"' ? "\\\""
			: c == '\\' ? "\\\\" : NULL;
		if (esc) {
			memcpy(o, esc, 2);
			o += 2;
		} else if (c < ' ') {
			o += snprintf(o, 7, "\\u%04x", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	*len = (size_t)(o - *out);
	return 0;
}

int mk_paths_top(mk_paths_t *p, int max, mk_top_path_t *out)
{
	if (!p || max < 0 || (max && !out))
		return -1;
	mk_conv_t *c = malloc((p->nrows ? p->nrows : 1) * sizeof(*c));
	if (!c)
		return -1;
	size_t m = 0, u = 0;
	for (size_t i = 0; i < p->nrows; i++)
		if (p->rows[i].converted)
			c[m++] = (mk_conv_t){p->ids + p->rows[i].at, p->rows[i].len, p->names,
					     p->rows[i].n, 0};
	qsort(c, m, sizeof(*c), by_path);
	for (size_t i = 0; i < m; i++) {        /* the same path's visits together */
		if (u && by_path(&c[u - 1], &c[i]) == 0) {
			c[u - 1].n += c[i].n;
			continue;
		}
		c[u] = c[i];
		c[u].pos = u;
		u++;
	}
	qsort(c, u, sizeof(*c), by_visits);
	size_t top = u < (size_t)max ? u : (size_t)max;
	char **json = realloc(p->json, (p->njson + top + 1) * sizeof(char *));
	if (!json) {
		free(c);
		return -1;
	}
	p->json = json;
	for (size_t i = 0; i < top; i++) {
		char *t = NULL;
		size_t len = 0, cap = 0;
		for (size_t j = 0; j < c[i].len; j++) {
			if (grow_array((void **)&t, &cap, len + 2, 1) < 0 ||
			    json_string_to(&t, &len, &cap, p->names[c[i].ids[j]]) < 0) {
				free(t);
				free(c);
				return -1;
			}
			if (j + 1 < c[i].len)
				t[len++] = ',';
		}
		/* brackets around the elements */
		char *s = malloc(len + 3);
		if (!s) {
			free(t);
			free(c);
			return -1;
		}
		s[0] = '[';
		if (len)
			memcpy(s + 1, t, len);
		s[len + 1] = ']';
		s[len + 2] = '\0';
		free(t);
		p->json[p->njson++] = s;
		out[i] = (mk_top_path_t){s, c[i].n};
	}
	free(c);
	if (top) /* out may be NULL when max is 0, and qsort wants a pointer */
		qsort(out, top, sizeof(*out), by_json);
	return (int)top;
}
