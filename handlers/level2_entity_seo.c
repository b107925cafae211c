/* level2_entity_seo.c - #1 POST /api/level2/entity-seo/analyze and
 * #2 GET /api/level2/entity-seo/report, and the demo analyses of `zoe seed`.
 *
 * analyze: finds the entities of the dictionary (table `entities`: aliases,
 * compound heads and modifiers as PCRE2 patterns, word parts of other senses;
 * entity_pattern in analysis/entity.h joins them into one pattern per entity)
 * in a page's text, or in the visible text of its HTML.
 * Each worker compiles the patterns once per dictionary version (a trigger
 * bumps entity_dict_state.version on every change, so edits to the table take
 * effect on the next request). Overlapping matches keep the earliest, then the
 * longest. Per entity: count and first position (code points) in the text,
 * salience, main or not; pairs sharing a sentence or paragraph; the dominant
 * topic cluster and its core entities the page lacks; a WebPage JSON-LD with
 * `about` (main entities) and `mentions` (the others), validated. The analysis
 * is stored per normalised URL in one transaction (re-analysing replaces it).
 *   salience_i = (ln(1 + count_i) + 3·title_i + 2·h1_i + 1.5·first_i) / Σ_j (…)_j
 *   main: in the title or an H1, or salience >= 0.25 with >= 3 mentions.
 * report: aggregates the stored analyses in one SQL statement; topic clusters
 * are communities (greedy modularity, analysis/entity.c) of the graph whose
 * edges are entity pairs weighted by the paragraphs they share on all pages. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "db.h"
#include "entity.h"
#include "handlers.h"
#include "html.h"
#include "json_in.h"
#include "jsonld.h"
#include "log.h"
#include "router.h"
#include "text.h"
#include "urlnorm.h"

#define METHOD "salience = (ln(1 + count) + 3·[in title] + 2·[in an H1] + 1.5·[in the first " \
	"paragraph]) / sum of the same over the page's entities; main entity: in the title or an " \
	"H1, or salience >= 0.25 with >= 3 mentions; co-occurrence: sentences and paragraphs " \
	"holding both; dominant topic: the cluster with core entities whose found entities have " \
	"the highest salience sum"
#define MAX_HITS 100000         /* matches kept per page */
#define MATCH_LIMIT 1000000     /* PCRE2 backtracking budget per start position */
#define DEPTH_LIMIT 100000      /* PCRE2 backtracking depth (interpreter) */
#define MATCH_BUDGET_MS 2000    /* matching time per page; the rest is cut and said so */
#define REPORT_LIMIT 50

/* ---- the dictionary, compiled once per worker and version ------------------------ */

typedef struct dict_entry {
	long long id;
	char *name, *type, *same_as, *cluster;
	int core;
	size_t cluster_ix;
	pcre2_code *re;             /* NULL: the aliases did not compile */
} dict_entry_t;

typedef struct dict {
	long long version;          /* 0: not loaded */
	dict_entry_t *v;
	size_t n;
	char **clusters;            /* distinct cluster names, sorted */
	size_t n_clusters;
	unsigned char *has_core;    /* per cluster */
	json_t *invalid;            /* [{name, error}] of patterns that did not compile */
} dict_t;

static dict_t dict;
static pcre2_match_context *mctx;
static double match_deadline;   /* CLOCK_MONOTONIC seconds; set per page by analyse */

static const db_stmt_t q_dict = {"ent_dict",
	"SELECT s.version, e.id, e.name, e.type, e.same_as, e.cluster, e.core,"
	" json_build_array(e.aliases, e.heads, e.modifiers, e.not_after, e.not_before)"
	" FROM entity_dict_state s LEFT JOIN entities e ON true"
	" WHERE s.version <> $1::bigint ORDER BY e.id"};

static void dict_free(dict_t *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].type);
		free(d->v[i].same_as);
		free(d->v[i].cluster);
		pcre2_code_free(d->v[i].re);
	}
	free(d->v);
	for (size_t i = 0; i < d->n_clusters; i++)
		free(d->clusters[i]);
	free(d->clusters);
	free(d->has_core);
	json_decref(d->invalid);
	memset(d, 0, sizeof(*d));
}

static char *dup_or_null(const char *s, int *err)
{
	char *c = s ? strdup(s) : NULL;
	if (s && !c)
		*err = 1;
	return c;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Distinct cluster names (sorted), each entry's cluster index, has_core. */
static int dict_clusters(dict_t *d)
{
	d->clusters = calloc(d->n + 1, sizeof(char *));
	d->has_core = calloc(d->n + 1, 1);
	if (!d->clusters || !d->has_core)
		return -1;
	for (size_t i = 0; i < d->n; i++) {
		size_t k = 0;
		while (k < d->n_clusters && strcmp(d->clusters[k], d->v[i].cluster) != 0)
			k++;
		if (k == d->n_clusters && !(d->clusters[d->n_clusters++] = strdup(d->v[i].cluster)))
			return -1;
	}
	qsort(d->clusters, d->n_clusters, sizeof(char *), cmp_str);
	for (size_t i = 0; i < d->n; i++) {
		char **c = bsearch(&d->v[i].cluster, d->clusters, d->n_clusters, sizeof(char *), cmp_str);
		d->v[i].cluster_ix = (size_t)(c - d->clusters);
		d->has_core[d->v[i].cluster_ix] |= (unsigned char)d->v[i].core;
	}
	return 0;
}

#define N_FORMS 5                /* aliases, heads, modifiers, not_after, not_before */

/* The strings of the JSON array a, NULL elements left out (the entries stay
 * a's; NULL on OOM). */
static const char **strings(json_t *a, size_t *n)
{
	size_t i;
	json_t *x;
	const char **v = calloc(json_array_size(a) + 1, sizeof(char *));
	*n = 0;
	json_array_foreach(a, i, x)
		if (v && json_is_string(x))
			v[(*n)++] = json_string_value(x);
	return v;
}

/* The PCRE2 pattern (malloc'd) of the surface forms q_dict sends as
 * [aliases, heads, modifiers, not_after, not_before]; NULL on OOM, *none
 * set when there is no form to match. */
static char *forms_pattern(const char *forms, int *none)
{
	json_t *j = json_loads(forms, 0, NULL);
	char *pattern = NULL;
	const char **v[N_FORMS];
	size_t n[N_FORMS];
	int ok = j != NULL;
	for (size_t k = 0; k < N_FORMS; k++)
		ok &= (v[k] = strings(json_array_get(j, k), &n[k])) != NULL;
	entity_forms_t f = {v[0], v[1], v[2], v[3], v[4], n[0], n[1], n[2], n[3], n[4]};
	*none = ok && n[0] + n[1] + n[2] == 0;
	if (ok && !*none)
		pattern = entity_pattern(&f);
	for (size_t k = 0; k < N_FORMS; k++)
		free(v[k]);
	json_decref(j);
	return pattern;
}

/* Compiles row i's surface forms into e->re; a bad pattern is logged and
 * listed. */
static int dict_compile(dict_t *d, dict_entry_t *e, const char *forms)
{
	int code = 0, none;
	PCRE2_SIZE off = 0;
	PCRE2_UCHAR msg[160] = "no alias, head or modifier";
	char *pattern = forms_pattern(forms, &none);
	if (!pattern && !none)
		return -1;
	if (pattern)
		e->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				      PCRE2_UTF | PCRE2_CASELESS | PCRE2_UCP, &code, &off, NULL);
	free(pattern);
	if (e->re) {
		pcre2_jit_compile(e->re, PCRE2_JIT_COMPLETE);  /* optional speed-up */
		return 0;
	}
	if (!none)
		pcre2_get_error_message(code, msg, sizeof(msg));
	log_warn("entity %s: aliases do not compile at %zu: %s", e->name, (size_t)off, (char *)msg);
	return json_array_append_new(d->invalid, json_pack("{s:s, s:s}", "name", e->name,
							   "error", (char *)msg));
}

/* Builds a dictionary from the rows of q_dict. */
static int dict_build(dict_t *d, const PGresult *res)
{
	int rows = PQntuples(res), err = 0;
	d->version = db_getll(res, 0, 0, 1);
	d->v = calloc((size_t)rows + 1, sizeof(*d->v));
	d->invalid = json_array();
	if (!d->v || !d->invalid)
		return -1;
	for (int i = 0; i < rows && !err; i++) {
		if (!db_get(res, i, 1))
			continue;       /* the LEFT JOIN row of an empty dictionary */
		dict_entry_t *e = &d->v[d->n++];
		e->id = db_getll(res, i, 1, 0);
		e->name = dup_or_null(db_get(res, i, 2), &err);
		e->type = dup_or_null(db_get(res, i, 3), &err);
		e->same_as = dup_or_null(db_get(res, i, 4), &err);
		e->cluster = dup_or_null(db_get(res, i, 5), &err);
		e->core = strcmp(db_get(res, i, 6), "t") == 0;
		if (!err && dict_compile(d, e, db_get(res, i, 7)) != 0)
			err = 1;
	}
	return err ? -1 : dict_clusters(d);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The (?C1) that opens every pattern runs once per start position: a page
 * whose matching outlives match_deadline ends it (PCRE2_ERROR_CALLOUT).
 * MATCH_LIMIT bounds the work between two callouts. */
static int budget_callout(pcre2_callout_block *cb, void *data)
{
	(void)cb;
	return now_s() > *(const double *)data ? PCRE2_ERROR_CALLOUT : 0;
}

static pcre2_match_context *mctx_new(void)
{
	pcre2_match_context *m = pcre2_match_context_create(NULL);
	if (m) {
		pcre2_set_match_limit(m, MATCH_LIMIT);
		pcre2_set_depth_limit(m, DEPTH_LIMIT);
		pcre2_set_callout(m, budget_callout, &match_deadline);
	}
	return m;
}

/* Brings the worker's dictionary up to the table's version; 0/-1. */
static int dict_sync(void)
{
	char ver[24];
	snprintf(ver, sizeof(ver), "%lld", dict.version);
	const char *p[] = {ver};
	PGresult *res = db_run(NULL, &q_dict, 1, p);
	if (!res)
		return -1;
	int rc = 0;
	if (PQntuples(res) > 0) {
		dict_t fresh = {0};
		if (!mctx)
			mctx = mctx_new();
		rc = mctx && dict_build(&fresh, res) == 0 ? 0 : -1;
		if (rc == 0) {
			dict_free(&dict);
			dict = fresh;
		} else {
			dict_free(&fresh);
			log_error("entity dictionary: out of memory");
		}
	}
	PQclear(res);
	return rc;
}

/* The first dictionary entity whose surface forms match in `word` (a term
 * of another service, e.g. competitor content gaps): *name and *cluster point
 * into the worker's dictionary, valid until the next sync. 1 found, 0 none,
 * -1 on a database or memory error. */
int entity_dict_word(const char *word, const char **name, const char **cluster)
{
	if (dict_sync() < 0)
		return -1;
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	int found = 0;
	if (!md)
		return -1;
	match_deadline = now_s() + 0.05;
	for (size_t i = 0; i < dict.n && !found; i++)
		if (dict.v[i].re && pcre2_match(dict.v[i].re, (PCRE2_SPTR)word, strlen(word), 0, 0,
						md, mctx) >= 0) {
			*name = dict.v[i].name;
			*cluster = dict.v[i].cluster;
			found = 1;
		}
	pcre2_match_data_free(md);
	return found;
}

/* ---- matching -------------------------------------------------------------------- */

typedef struct hits {
	entity_hit_t *v;
	size_t n, cap;
} hits_t;

static int hit_push(hits_t *h, size_t entity, size_t start, size_t end)
{
	if (h->n == MAX_HITS)
		return 0;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		entity_hit_t *v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = (entity_hit_t){entity, start, end, 0};
	return 0;
}

/* What matching one page needs: match data, and per dictionary entry 1
 * when its matching stopped early (a PCRE2 limit or the page's time budget). */
typedef struct scan {
	pcre2_match_data *md;
	unsigned char *cut;
} scan_t;

/* Appends every match of entry `ix` in s[0..n) to h (h NULL: stops at the
 * first). Returns the number of matches (capped), or -1 on OOM. */
static long find_all(const scan_t *sc, size_t ix, const char *s, size_t n, hits_t *h)
{
	pcre2_match_data *md = sc->md;
	size_t at = 0;
	long found = 0;
	while (at <= n) {
		int rc = pcre2_match(dict.v[ix].re, (PCRE2_SPTR)s, n, at, PCRE2_NO_UTF_CHECK, md, mctx);
		if (rc < 0) {
			if (rc != PCRE2_ERROR_NOMATCH) {
				if (!sc->cut[ix])
					log_warn("entity %s: match stopped (%d)", dict.v[ix].name, rc);
				sc->cut[ix] = 1;
			}
			break;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (ov[1] > ov[0]) {
			found++;
			if (!h)
				break;
			if (hit_push(h, ix, ov[0], ov[1]) != 0)
				return -1;
			at = ov[1];
		} else {        /* empty match: step over one code point */
			at = ov[0] + 1;
			while (at < n && ((unsigned char)s[at] & 0xC0) == 0x80)
				at++;
		}
	}
	return found;
}

static void md_free(void *md) { pcre2_match_data_free(md); }

/* ---- one page's analysis ------------------------------------------------------------- */

typedef struct page {
	const char *url, *title, *lang, *text;
	size_t len;
	const char **h1s, **heads;  /* H1 texts; all heading texts */
	size_t n_h1, n_heads;
} page_t;

typedef struct found {
	const dict_entry_t *e;
	entity_score_t sc;
	long pos;                   /* first position, -1 when not in the text */
} found_t;

typedef struct result {
	found_t *f;
	size_t nf;
	entity_pair_t *pairs;
	size_t np;
	long topic;                 /* cluster index, -1 */
	size_t chars, words;
	const unsigned char *cut;   /* per dictionary entry: matching stopped early */
} result_t;

/* flags[i] = 1 for each entry with a match in one of s[0..n) that survives
 * the overlap resolution, as in the text ("PV-Carport" is not also "PV"). */
static int zone_flags(const scan_t *sc, const char *const *s, size_t n, unsigned char *flags)
{
	hits_t h = {0};
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++) {
		h.n = 0;
		for (size_t i = 0; s[k] && i < dict.n && rc == 0; i++)
			if (dict.v[i].re && find_all(sc, i, s[k], strlen(s[k]), &h) < 0)
				rc = -1;
		size_t kept = entity_hits_resolve(h.v, h.n);
		for (size_t x = 0; x < kept; x++)
			flags[h.v[x].entity] = 1;
	}
	free(h.v);
	return rc;
}

/* Per dictionary entry: count, first hit, zones; the found ones into res,
 * and the hits renamed to found indexes. */
static int collect(arena_t *a, const page_t *pg, const scan_t *sc, hits_t *h,
		   const text_span_t *first, result_t *res)
{
	size_t *count = arena_calloc(a, dict.n + 1, sizeof(size_t));
	size_t *to_found = arena_calloc(a, dict.n + 1, sizeof(size_t));
	long *pos = arena_alloc(a, (dict.n + 1) * sizeof(long));
	unsigned char *in_first = arena_calloc(a, dict.n + 1, 1);
	unsigned char *in_title = arena_calloc(a, dict.n + 1, 1);
	unsigned char *in_h1 = arena_calloc(a, dict.n + 1, 1);
	res->f = arena_calloc(a, dict.n + 1, sizeof(found_t));
	if (!count || !to_found || !pos || !in_first || !in_title || !in_h1 || !res->f ||
	    zone_flags(sc, &pg->title, 1, in_title) != 0 ||
	    zone_flags(sc, pg->h1s, pg->n_h1, in_h1) != 0)
		return -1;
	for (size_t k = 0; k < h->n; k++) {
		entity_hit_t *x = &h->v[k];
		if (count[x->entity]++ == 0)
			pos[x->entity] = (long)x->pos;
		if (first && x->start >= first->off && x->start < first->off + first->len)
			in_first[x->entity] = 1;
	}
	for (size_t i = 0; i < dict.n; i++) {
		if (!dict.v[i].re)
			continue;
		if (!count[i] && !in_title[i] && !in_h1[i])
			continue;
		to_found[i] = res->nf;
		res->f[res->nf++] = (found_t){&dict.v[i],
			{count[i], in_title[i], in_h1[i], in_first[i], 0, 0}, count[i] ? pos[i] : -1};
	}
	for (size_t k = 0; k < h->n; k++)
		h->v[k].entity = to_found[h->v[k].entity];
	return 0;
}

/* Salience and main of the found entities, then the dominant topic. */
static int scores(arena_t *a, result_t *res)
{
	entity_score_t *sc = arena_calloc(a, res->nf + 1, sizeof(*sc));
	size_t *cl = arena_calloc(a, res->nf + 1, sizeof(size_t));
	double *sal = arena_calloc(a, res->nf + 1, sizeof(double));
	if (!sc || !cl || !sal)
		return -1;
	for (size_t i = 0; i < res->nf; i++)
		sc[i] = res->f[i].sc;
	entity_salience(sc, res->nf);
	for (size_t i = 0; i < res->nf; i++) {
		res->f[i].sc = sc[i];
		res->f[i].sc.salience = round(sc[i].salience * 10000) / 10000;
		cl[i] = res->f[i].e->cluster_ix;
		sal[i] = sc[i].salience;
	}
	res->topic = entity_dominant(cl, sal, res->nf, dict.has_core, dict.n_clusters);
	return 0;
}

/* Matches, scores, windows and the topic of one page into res; 0/-1. */
static int analyse(arena_t *a, const page_t *pg, result_t *res)
{
	hits_t h = {0};
	text_spans_t sent = {0}, para = {0};
	int rc = -1;
	scan_t sc = {pcre2_match_data_create(1, NULL), arena_calloc(a, dict.n + 1, 1)};
	memset(res, 0, sizeof(*res));
	res->topic = -1;
	res->cut = sc.cut;
	if (!sc.md || !sc.cut || arena_cleanup(a, md_free, sc.md) < 0) {
		pcre2_match_data_free(sc.md);
		return -1;
	}
	match_deadline = now_s() + MATCH_BUDGET_MS / 1000.0;
	for (size_t i = 0; i < dict.n; i++)
		if (dict.v[i].re && find_all(&sc, i, pg->text, pg->len, &h) < 0)
			goto out;
	h.n = entity_hits_resolve(h.v, h.n);
	entity_hits_positions(pg->text, pg->len, h.v, h.n);
	if (text_sentences(pg->text, pg->len, &sent) != 0 ||
	    entity_paragraphs(pg->text, pg->len, &para) != 0)
		goto out;
	long fp = entity_first_paragraph(pg->text, &para, pg->heads, pg->n_heads);
	if (collect(a, pg, &sc, &h, fp >= 0 ? &para.v[fp] : NULL, res) != 0)
		goto out;
	rc = scores(a, res) == 0 ? 0 : -1;
	if (rc == 0 && entity_cooccur(h.v, h.n, &sent, &para, &res->pairs, &res->np) != 0)
		rc = -1;
	if (res->pairs && arena_cleanup(a, free, res->pairs) < 0) {
		free(res->pairs);
		res->pairs = NULL;
		rc = -1;
	}
	entity_hit_t end = {0, pg->len, pg->len, 0};
	entity_hits_positions(pg->text, pg->len, &end, 1);
	res->chars = end.pos;
	res->words = text_word_count(pg->text, pg->len);
out:
	free(h.v);
	text_spans_free(&sent);
	text_spans_free(&para);
	return rc;
}

/* ---- the reply --------------------------------------------------------------------- */

static const struct {
	const char *entity_type, *schema_type;
} schema_types[] = {
	{"Product", "Product"}, {"Brand", "Brand"}, {"Place", "Place"},
	{"Organization", "Organization"}, {"Concept", "Thing"},
};

static json_t *thing_new(const dict_entry_t *e)
{
	const char *type = "Thing", *same[] = {e->same_as};
	for (size_t i = 0; i < sizeof(schema_types) / sizeof(schema_types[0]); i++)
		if (strcmp(schema_types[i].entity_type, e->type) == 0)
			type = schema_types[i].schema_type;
	return jsonld_thing_new(type, e->name, NULL, same, e->same_as ? 1 : 0);
}

/* Salience first, then the earlier first position, then the name. */
static int by_salience(const void *x, const void *y)
{
	const found_t *a = *(found_t *const *)x, *b = *(found_t *const *)y;
	if (a->sc.salience != b->sc.salience)
		return a->sc.salience > b->sc.salience ? -1 : 1;
	if (a->pos != b->pos)
		return a->pos < 0 ? 1 : b->pos < 0 ? -1 : a->pos < b->pos ? -1 : 1;
	return strcmp(a->e->name, b->e->name);
}

static json_t *entity_json(const found_t *f)
{
	const dict_entry_t *e = f->e;
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:s?, s:I, s:o, s:b, s:b, s:b, s:f, s:b}",
		"id", (json_int_t)e->id, "name", e->name, "type", e->type, "cluster", e->cluster,
		"core", e->core, "same_as", e->same_as, "count", (json_int_t)f->sc.count,
		"first_position", f->pos >= 0 ? json_integer(f->pos) : json_null(),
		"in_title", f->sc.in_title, "in_h1", f->sc.in_h1, "in_first_paragraph", f->sc.in_first,
		"salience", f->sc.salience, "main", f->sc.main);
}

/* entities (by salience) and the WebPage JSON-LD into j. */
static int entities_json(arena_t *a, const page_t *pg, const result_t *res, json_t *j)
{
	const found_t **ord = arena_alloc(a, (res->nf + 1) * sizeof(*ord));
	json_t *list = json_array(), *about = json_array(), *mentions = json_array();
	json_object_set_new(j, "entities", list);
	if (!ord || !list || !about || !mentions) {
		json_decref(about);
		json_decref(mentions);
		return -1;
	}
	for (size_t i = 0; i < res->nf; i++)
		ord[i] = &res->f[i];
	qsort(ord, res->nf, sizeof(*ord), by_salience);
	for (size_t i = 0; i < res->nf; i++) {
		json_array_append_new(list, entity_json(ord[i]));
		json_array_append_new(ord[i]->sc.main ? about : mentions, thing_new(ord[i]->e));
	}
	if (!json_array_size(about))
		json_decref(about), about = NULL;
	if (!json_array_size(mentions))
		json_decref(mentions), mentions = NULL;
	json_t *ld = jsonld_with_context(jsonld_webpage_new(pg->url, pg->title, pg->lang, about,
							    mentions));
	json_t *v = ld ? jsonld_validate_new(ld) : NULL;
	json_object_set_new(j, "jsonld", ld ? ld : json_null());
	json_object_set_new(j, "validation", v ? v : json_null());
	return ld && v ? 0 : -1;
}

static json_t *pairs_json(const result_t *res)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < res->np; i++) {
		const entity_pair_t *p = &res->pairs[i];
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:I, s:i, s:i}",
			"a", res->f[p->a].e->name, "b", res->f[p->b].e->name,
			"a_id", (json_int_t)res->f[p->a].e->id, "b_id", (json_int_t)res->f[p->b].e->id,
			"sentences", (int)p->sentences, "paragraphs", (int)p->paragraphs));
	}
	return list;
}

/* {cluster, salience, missing_core: [...]} of the dominant topic. */
static json_t *topic_json(const result_t *res)
{
	json_t *missing = json_array();
	double sum = 0;
	if (res->topic < 0)
		return json_pack("{s:n, s:n, s:o}", "cluster", "salience", "missing_core", missing);
	for (size_t k = 0; k < res->nf; k++)
		if (res->f[k].e->cluster_ix == (size_t)res->topic)
			sum += res->f[k].sc.salience;
	for (size_t i = 0; missing && i < dict.n; i++) {
		const dict_entry_t *e = &dict.v[i];
		size_t k = 0;
		while (k < res->nf && res->f[k].e != e)
			k++;
		if (e->cluster_ix == (size_t)res->topic && e->core && k == res->nf)
			json_array_append_new(missing, json_pack("{s:I, s:s, s:s, s:s?}",
				"id", (json_int_t)e->id, "name", e->name, "type", e->type,
				"same_as", e->same_as));
	}
	return json_pack("{s:s, s:f, s:o}", "cluster", dict.clusters[res->topic],
			 "salience", round(sum * 10000) / 10000, "missing_core", missing);
}

/* {complete, stopped: [names], limits}: entities whose matching was cut. */
static json_t *matching_json(const result_t *res)
{
	json_t *stopped = json_array();
	for (size_t i = 0; stopped && i < dict.n; i++)
		if (res->cut[i])
			json_array_append_new(stopped, json_string(dict.v[i].name));
	return json_pack("{s:b, s:o, s:i, s:i}", "complete", json_array_size(stopped) == 0,
			 "stopped", stopped, "budget_ms", MATCH_BUDGET_MS,
			 "match_limit", MATCH_LIMIT);
}

/* The reply without `stored` (new reference), NULL on OOM. */
static json_t *result_json(arena_t *a, const page_t *pg, const result_t *res)
{
	json_t *j = json_pack("{s:s, s:s, s:s?, s:I, s:I, s:{s:I, s:I, s:O}, s:s, s:o, s:o, s:o}",
		"url", pg->url, "lang", pg->lang, "title", pg->title,
		"chars", (json_int_t)res->chars, "words", (json_int_t)res->words,
		"dictionary", "version", (json_int_t)dict.version, "entities", (json_int_t)dict.n,
		"invalid", dict.invalid, "method", METHOD,
		"cooccurrence", pairs_json(res), "topic", topic_json(res),
		"matching", matching_json(res));
	if (j && entities_json(a, pg, res, j) != 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* ---- storage --------------------------------------------------------------------------- */

static const db_stmt_t q_upsert = {"ent_upsert",
	"INSERT INTO entity_analyses (url, url_norm, title, lang, chars, n_entities, main_entities,"
	" topic, missing_core, dict_version)"
	" VALUES ($1, $2, $3, $4, $5::int, $6::int, $7::int, $8,"
	"  ARRAY(SELECT jsonb_array_elements_text($9::jsonb)), $10::bigint)"
	" ON CONFLICT (url_norm) DO UPDATE SET url = EXCLUDED.url, title = EXCLUDED.title,"
	"  lang = EXCLUDED.lang, chars = EXCLUDED.chars, n_entities = EXCLUDED.n_entities,"
	"  main_entities = EXCLUDED.main_entities, topic = EXCLUDED.topic,"
	"  missing_core = EXCLUDED.missing_core, dict_version = EXCLUDED.dict_version,"
	"  analysed_at = now()"
	" RETURNING id, xmax <> 0"};
static const db_stmt_t q_clear = {"ent_clear",
	"WITH m AS (DELETE FROM entity_mentions WHERE analysis_id = $1::bigint)"
	" DELETE FROM entity_pairs WHERE analysis_id = $1::bigint"};
static const db_stmt_t q_rows = {"ent_rows",
	"WITH m AS (INSERT INTO entity_mentions (analysis_id, entity_id, count, first_pos, salience,"
	"  main, in_title, in_h1, in_first)"
	"  SELECT $1::bigint, x.* FROM jsonb_to_recordset($2::jsonb) AS x(entity_id bigint,"
	"  count int, first_pos int, salience float8, main bool, in_title bool, in_h1 bool,"
	"  in_first bool))"
	" INSERT INTO entity_pairs (analysis_id, a, b, sentences, paragraphs)"
	" SELECT $1::bigint, y.* FROM jsonb_to_recordset($3::jsonb) AS y(a bigint, b bigint,"
	"  sentences int, paragraphs int)"};

/* The page inventory's normal form (analysis/urlnorm.c), NULL when unusable. */
static char *url_norm(arena_t *a, const char *url)
{
	size_t size = strlen(url) * 3 + 16;
	char *out = arena_alloc(a, size);
	return out && urlnorm(url, out, size, NULL, 0) >= 0 ? out : NULL;
}

/* JSON text of the rows (arena-owned), NULL on OOM. */
static char *dump(arena_t *a, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (s && arena_cleanup(a, free, s) < 0) {
		free(s);
		s = NULL;
	}
	return s;
}

static int rows_text(arena_t *a, const result_t *res, json_t *missing, const char **mtext,
		     const char **ptext, const char **ntext, int *n_main)
{
	json_t *m = json_array(), *p = json_array(), *names = json_array(), *x;
	size_t i;
	*n_main = 0;
	for (i = 0; m && i < res->nf; i++) {
		const found_t *f = &res->f[i];
		*n_main += f->sc.main;
		json_array_append_new(m, json_pack("{s:I, s:I, s:o, s:f, s:b, s:b, s:b, s:b}",
			"entity_id", (json_int_t)f->e->id, "count", (json_int_t)f->sc.count,
			"first_pos", f->pos >= 0 ? json_integer(f->pos) : json_null(),
			"salience", f->sc.salience, "main", f->sc.main, "in_title", f->sc.in_title,
			"in_h1", f->sc.in_h1, "in_first", f->sc.in_first));
	}
	for (i = 0; p && i < res->np; i++)
		json_array_append_new(p, json_pack("{s:I, s:I, s:i, s:i}",
			"a", (json_int_t)res->f[res->pairs[i].a].e->id,
			"b", (json_int_t)res->f[res->pairs[i].b].e->id,
			"sentences", (int)res->pairs[i].sentences,
			"paragraphs", (int)res->pairs[i].paragraphs));
	json_array_foreach(missing, i, x)
		json_array_append(names, json_object_get(x, "name"));
	*mtext = dump(a, m);
	*ptext = dump(a, p);
	*ntext = dump(a, names);
	return *mtext && *ptext && *ntext ? 0 : -1;
}

/* Upserts the analysis and replaces its rows in one transaction; 0/-1. */
static int store(arena_t *a, const page_t *pg, const result_t *res, json_t *reply)
{
	const char *mt, *pt, *nt, *norm = url_norm(a, pg->url);
	json_t *topic = json_object_get(reply, "topic");
	char chars[24], nent[24], nmain[24], ver[24];
	int n_main;
	if (!norm || rows_text(a, res, json_object_get(topic, "missing_core"), &mt, &pt, &nt,
			       &n_main) != 0)
		return -1;
	snprintf(chars, sizeof(chars), "%zu", res->chars);
	snprintf(nent, sizeof(nent), "%zu", res->nf);
	snprintf(nmain, sizeof(nmain), "%d", n_main);
	snprintf(ver, sizeof(ver), "%lld", dict.version);
	const char *p[] = {pg->url, norm, pg->title, pg->lang, chars, nent, nmain,
			   json_string_value(json_object_get(topic, "cluster")), nt, ver};
	PGresult *r1;
	if (db_begin() != 0 || !(r1 = db_run(a, &q_upsert, 10, p)))
		goto fail;
	const char *id = db_get(r1, 0, 0), *q2[] = {id}, *q3[] = {id, mt, pt};
	if (!db_run(a, &q_clear, 1, q2) || !db_run(a, &q_rows, 3, q3) || db_commit() != 0)
		goto fail;
	json_object_set_new(reply, "stored", json_pack("{s:I, s:b}", "id",
		(json_int_t)db_getll(r1, 0, 0, 0), "replaced", strcmp(db_get(r1, 0, 1), "t") == 0));
	return 0;
fail:
	db_rollback();
	return -1;
}

/* Analyses and stores pg; *out gets the reply (new reference). 0/-1. */
static int run(arena_t *a, const page_t *pg, json_t **out)
{
	result_t res;
	*out = NULL;
	if (dict_sync() != 0 || analyse(a, pg, &res) != 0)
		return -1;
	json_t *j = result_json(a, pg, &res);
	if (!j || store(a, pg, &res, j) != 0) {
		json_decref(j);
		return -1;
	}
	*out = j;
	return 0;
}

/* ---- #1 analyze ---------------------------------------------------------------------- */

static const vrule_t analyze_rules[] = {
	{"url", V_URL, 1, 1, 2048, NULL, NULL},
	{"text", V_STRING, 0, 1, 1048576, NULL, NULL},
	{"html", V_STRING, 0, 1, 1048576, NULL, NULL},
	{"title", V_STRING, 0, 0, 512, NULL, NULL},
	{"lang", V_STRING, 0, 2, 35, NULL, NULL},
};
static const vschema_t analyze_body = {"EntityAnalyzeRequest", VRULES(analyze_rules), NULL, 0, 0};
const api_op_t op_entity_analyze = {NULL, 0, &analyze_body,
	"{\"url\": \"https://www.zoe-solar.de/photovoltaik\", \"title\": \"Photovoltaik\", "
	"\"text\": \"ZOE Solar plant Photovoltaikanlagen mit Stromspeicher in Berlin.\"}", 0, NULL};

/* The rules a table cannot say: one of text/html, a host in url, a known lang. */
static void check_body(json_t *body, json_t *errors)
{
	json_t *text = json_object_get(body, "text"), *html = json_object_get(body, "html");
	const char *url = json_string_value(json_object_get(body, "url"));
	const char *lang = json_string_value(json_object_get(body, "lang"));
	if ((!text || json_is_null(text)) && (!html || json_is_null(html))) {
		verr(errors, "text", "text or html is required");
		verr(errors, "html", "text or html is required");
	} else if (text && html && !json_is_null(text) && !json_is_null(html)) {
		verr(errors, "html", "send text or html, not both");
	}
	char norm[8192];
	int http = url && (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0);
	if (http && (!jsonld_is_absolute_url(url) || strlen(url) * 3 + 16 > sizeof(norm) ||
		    urlnorm(url, norm, sizeof(norm), NULL, 0) < 0))
		verr(errors, "url", "must be an absolute http(s) URL with a host");
	if (lang && text_lang_parse(lang) == TEXT_LANG_UNKNOWN)
		verr(errors, "lang", "must be de or en (optionally with a region, de-DE)");
}

/* H1 texts and all heading texts of html_extract_new's output into pg. */
static int headings(arena_t *a, json_t *x, page_t *pg)
{
	json_t *hs = json_object_get(x, "headings"), *h;
	size_t i, n = json_array_size(hs);
	pg->h1s = arena_calloc(a, n + 1, sizeof(char *));
	pg->heads = arena_calloc(a, n + 1, sizeof(char *));
	if (!pg->h1s || !pg->heads)
		return -1;
	json_array_foreach(hs, i, h) {
		const char *t = json_string_value(json_object_get(h, "text"));
		if (!t)
			continue;
		pg->heads[pg->n_heads++] = t;
		if (json_integer_value(json_object_get(h, "level")) == 1)
			pg->h1s[pg->n_h1++] = t;
	}
	return 0;
}

/* Fills pg from a valid body; html goes through html_extract_new. 0/-1 (OOM). */
static int page_from_body(arena_t *a, json_t *body, page_t *pg)
{
	json_t *html = json_object_get(body, "html");
	memset(pg, 0, sizeof(*pg));
	pg->url = json_string_value(json_object_get(body, "url"));
	pg->title = json_string_value(json_object_get(body, "title"));
	pg->text = json_string_value(json_object_get(body, "text"));
	if (json_is_string(html)) {
		json_t *x = arena_json(a, html_extract_new(json_string_value(html),
							   json_string_length(html)));
		if (!x || headings(a, x, pg) != 0)
			return -1;
		pg->text = json_string_value(json_object_get(x, "text"));
		if (!pg->title)
			pg->title = json_string_value(json_object_get(x, "title"));
		if (!pg->text)
			pg->text = "";
	}
	pg->len = strlen(pg->text);
	const char *lang = json_string_value(json_object_get(body, "lang"));
	enum text_lang l = lang ? text_lang_parse(lang) : text_guess_lang(pg->text, pg->len);
	pg->lang = text_lang_code(l == TEXT_LANG_UNKNOWN ? TEXT_LANG_DE : l);
	return 0;
}

int h_entity_analyze(req_t *r)
{
	json_t *body = json_body(r), *out;
	page_t pg;
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	if (!json_is_object(body)) {
		verr(errors, "", "must be a JSON object");
		return reply_invalid(r, json_incref(errors));
	}
	validate(body, analyze_rules, sizeof(analyze_rules) / sizeof(analyze_rules[0]), "", errors);
	check_body(body, errors);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	if (page_from_body(r->arena, body, &pg) != 0 || run(r->arena, &pg, &out) != 0)
		return db_fail(r);
	return reply_json(r, 200, arena_json(r->arena, out));
}

/* ---- #2 report ------------------------------------------------------------------------ */

/* Everything that is aggregation, in one statement returning one JSON text. */
static const db_stmt_t q_report = {"ent_report",
	"WITH m AS (SELECT m.*, a.url FROM entity_mentions m"
	"   JOIN entity_analyses a ON a.id = m.analysis_id),"
	" per AS (SELECT e.id, e.name, e.type, e.cluster, e.same_as, count(*) AS pages,"
	"   sum(m.count) AS mentions, round(avg(m.salience)::numeric, 4) AS avg_salience,"
	"   count(*) FILTER (WHERE m.main) AS main_pages,"
	"   (array_agg(m.url ORDER BY m.salience DESC, m.url))[1:10] AS urls"
	"   FROM m JOIN entities e ON e.id = m.entity_id GROUP BY e.id),"
	" top AS (SELECT * FROM per ORDER BY pages DESC, mentions DESC, name LIMIT $1::int),"
	" edges AS (SELECT a, b, sum(paragraphs) AS w, sum(sentences) AS s, count(*) AS pages"
	"   FROM entity_pairs GROUP BY a, b),"
	" nomain AS (SELECT url, n_entities, topic FROM entity_analyses WHERE main_entities = 0"
	"   ORDER BY url LIMIT 500)"
	" SELECT json_build_object("
	"  'n', (SELECT count(*) FROM entity_analyses),"
	"  'entities_mentioned', (SELECT count(*) FROM per),"
	"  'top_entities', coalesce((SELECT json_agg(json_build_object('id', id, 'name', name,"
	"    'type', type, 'cluster', cluster, 'same_as', same_as, 'pages', pages,"
	"    'mentions', mentions, 'avg_salience', avg_salience, 'main_pages', main_pages,"
	"    'urls', urls) ORDER BY pages DESC, mentions DESC, name) FROM top), '[]'),"
	"  'never_mentioned', coalesce((SELECT json_agg(json_build_object('id', e.id,"
	"    'name', e.name, 'type', e.type, 'cluster', e.cluster) ORDER BY e.cluster, e.name)"
	"    FROM entities e WHERE NOT EXISTS (SELECT 1 FROM entity_mentions x"
	"    WHERE x.entity_id = e.id)), '[]'),"
	"  'pages_without_main_entity', coalesce((SELECT json_agg(json_build_object('url', url,"
	"    'entities', n_entities, 'topic', topic) ORDER BY url) FROM nomain), '[]'),"
	"  'nodes', coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name,"
	"    'cluster', p.cluster, 'mentions', p.mentions) ORDER BY p.id) FROM per p"
	"    WHERE EXISTS (SELECT 1 FROM edges g WHERE g.a = p.id OR g.b = p.id)), '[]'),"
	"  'edges', coalesce((SELECT json_agg(json_build_object('a', a, 'b', b, 'w', w)"
	"    ORDER BY a, b) FROM edges), '[]'))::text"};

static size_t node_of(json_t *nodes, json_int_t id)
{
	size_t lo = 0, hi = json_array_size(nodes);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		json_int_t v = json_integer_value(json_object_get(json_array_get(nodes, mid), "id"));
		if (v == id)
			return mid;
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

/* Most mentioned first, then by name. */
static int by_mentions(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	json_int_t ma = json_integer_value(json_object_get(a, "mentions"));
	json_int_t mb = json_integer_value(json_object_get(b, "mentions"));
	if (ma != mb)
		return ma > mb ? -1 : 1;
	return strcmp(json_string_value(json_object_get(a, "name")),
		      json_string_value(json_object_get(b, "name")));
}

/* One community: its members sorted, labelled by the most mentioned one,
 * with the dictionary cluster most of them belong to. */
static json_t *community_json(json_t *members)
{
	size_t n = json_array_size(members), best = 0;
	json_t **v = calloc(n + 1, sizeof(*v)), *names = json_array(), *m, *topics = json_object();
	json_int_t mentions = 0;
	const char *topic = NULL;
	for (size_t i = 0; v && i < n; i++)
		v[i] = json_array_get(members, i);
	if (v)
		qsort(v, n, sizeof(*v), by_mentions);
	for (size_t i = 0; v && names && topics && i < n; i++) {
		m = v[i];
		const char *cl = json_string_value(json_object_get(m, "cluster"));
		size_t c = (size_t)json_integer_value(json_object_get(topics, cl)) + 1;
		json_object_set_new(topics, cl, json_integer((json_int_t)c));
		if (c > best || (c == best && strcmp(cl, topic) < 0))
			best = c, topic = cl;
		mentions += json_integer_value(json_object_get(m, "mentions"));
		json_array_append_new(names, json_pack("{s:O, s:O}", "id", json_object_get(m, "id"),
						       "name", json_object_get(m, "name")));
	}
	json_t *j = v && n ? json_pack("{s:O, s:I, s:I, s:s, s:o}", "name",
		json_object_get(v[0], "name"), "size", (json_int_t)n, "mentions", mentions,
		"dictionary_cluster", topic, "entities", names) : NULL;
	if (!j)
		json_decref(names);
	json_decref(topics);
	free(v);
	return j;
}

/* {modularity, items} from the report's nodes and edges (new reference). */
static json_t *clusters_json(json_t *nodes, json_t *edges)
{
	size_t n = json_array_size(nodes), ne = json_array_size(edges), i;
	entity_edge_t *e = calloc(ne + 1, sizeof(*e));
	size_t *comm = calloc(n + 1, sizeof(*comm));
	json_t *groups = json_array(), *items = json_array(), *x;
	double q = 0;
	int k = -1;
	if (e && comm && groups && items) {
		json_array_foreach(edges, i, x)
			e[i] = (entity_edge_t){node_of(nodes, json_integer_value(json_object_get(x, "a"))),
				node_of(nodes, json_integer_value(json_object_get(x, "b"))),
				json_number_value(json_object_get(x, "w"))};
		k = entity_communities(n, e, ne, comm, &q);
	}
	for (int c = 0; c < k; c++)
		json_array_append_new(groups, json_array());
	for (i = 0; k > 0 && i < n; i++)
		json_array_append(json_array_get(groups, comm[i]), json_array_get(nodes, i));
	for (int c = 0; c < k; c++)
		json_array_append_new(items, community_json(json_array_get(groups, (size_t)c)));
	free(e);
	free(comm);
	json_decref(groups);
	return json_pack("{s:s, s:f, s:I, s:I, s:o}", "method", "greedy modularity (Clauset-Newman-"
		"Moore) over entity pairs weighted by the paragraphs they share",
		"modularity", round(q * 10000) / 10000, "nodes", (json_int_t)n,
		"edges", (json_int_t)ne, "items", items);
}

static int by_size_desc(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	json_int_t sa = json_integer_value(json_object_get(a, "size"));
	json_int_t sb = json_integer_value(json_object_get(b, "size"));
	if (sa != sb)
		return sa > sb ? -1 : 1;
	return by_mentions(x, y);
}

/* Largest communities first. */
static void sort_items(json_t *clusters)
{
	json_t *items = json_object_get(clusters, "items");
	size_t n = json_array_size(items);
	json_t **v = calloc(n + 1, sizeof(*v)), *sorted = json_array();
	if (v && sorted) {
		for (size_t i = 0; i < n; i++)
			v[i] = json_array_get(items, i);
		qsort(v, n, sizeof(*v), by_size_desc);
		for (size_t i = 0; i < n; i++)
			json_array_append(sorted, v[i]);
		json_object_set(clusters, "items", sorted);
	}
	json_decref(sorted);
	free(v);
}

/* The data this report reads, for the report cache (core/cache.h). */
static const db_stmt_t q_entity_stamp = {"q_entity_stamp",
	"SELECT (SELECT last_value FROM data_version_entities) || '.' || (SELECT last_value FROM data_version_pages)"};

static const vrule_t report_query[] = {
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
};
const api_op_t op_entity_report = {VRULES(report_query), NULL, NULL, 0, NULL};

int h_entity_report(req_t *r)
{
	int cached = cache_serve(r, &q_entity_stamp);
	if (cached)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	const char *ls = req_query(r, "limit");
	char *end = NULL, limit[16];
	long lim = ls ? strtol(ls, &end, 10) : REPORT_LIMIT;
	if (ls && (!*ls || *end || lim < 1 || lim > 500))
		verr(errors, "limit", "must be an integer from 1 to 500");
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	snprintf(limit, sizeof(limit), "%ld", lim);
	const char *p[] = {limit};
	PGresult *res = db_run(r->arena, &q_report, 1, p);
	if (!res)
		return db_fail(r);
	json_t *j = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	if (!j)
		return reply_problem(r, 500, "the report could not be built", NULL);
	json_t *clusters = clusters_json(json_object_get(j, "nodes"), json_object_get(j, "edges"));
	if (!clusters)
		return reply_problem(r, 500, "out of memory", NULL);
	sort_items(clusters);
	json_object_del(j, "nodes");
	json_object_del(j, "edges");
	json_object_set_new(j, "clusters", clusters);
	json_object_set_new(j, "method", json_string("avg_salience: mean salience over the pages "
		"mentioning the entity; " METHOD));
	return reply_json(r, 200, j);
}

/* ---- zoe seed --demo ------------------------------------------------------------------ */

/* Pages with text not yet analysed against the current dictionary version. */
static const db_stmt_t q_demo_pages = {"ent_demo_pages",
	"SELECT p.url, p.title, array_to_json(p.h1s)::text, p.body_text, p.lang"
	" FROM pages p WHERE p.body_text IS NOT NULL AND p.body_text <> ''"
	"  AND p.url ~ '^https?://[^/]' AND NOT EXISTS (SELECT 1 FROM entity_analyses a"
	"  JOIN entity_dict_state s ON s.version = a.dict_version WHERE a.url = p.url)"
	" ORDER BY p.id"};

/* page_t of row i (h1s parsed into the arena); 0/-1. */
static int page_from_row(arena_t *a, const PGresult *res, int i, page_t *pg)
{
	json_t *h1 = arena_json(a, json_loads(db_get(res, i, 2), 0, NULL)), *h;
	size_t k;
	memset(pg, 0, sizeof(*pg));
	pg->url = db_get(res, i, 0);
	pg->title = db_get(res, i, 1);
	pg->text = db_get(res, i, 3);
	pg->len = strlen(pg->text);
	pg->h1s = arena_calloc(a, json_array_size(h1) + 1, sizeof(char *));
	if (!pg->h1s)
		return -1;
	json_array_foreach(h1, k, h)
		if (json_is_string(h))
			pg->h1s[pg->n_h1++] = json_string_value(h);
	pg->heads = pg->h1s;
	pg->n_heads = pg->n_h1;
	enum text_lang l = db_get(res, i, 4) ? text_lang_parse(db_get(res, i, 4))
					     : text_guess_lang(pg->text, pg->len);
	pg->lang = text_lang_code(l == TEXT_LANG_UNKNOWN ? TEXT_LANG_DE : l);
	return 0;
}

int entity_seed_demo(void)
{
	arena_t *a = arena_new(1 << 16);
	PGresult *res = a ? db_run(NULL, &q_demo_pages, 0, NULL) : NULL;
	int rc = res ? 0 : -1, done = 0;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		page_t pg;
		json_t *out = NULL;
		rc = page_from_row(a, res, i, &pg) == 0 && run(a, &pg, &out) == 0 ? 0 : -1;
		json_decref(out);
		arena_reset(a);
		done += rc == 0;
	}
	if (rc == 0 && done)
		printf("zoe seed: entity analyses of %d pages\n", done);
	else if (rc != 0)
		fprintf(stderr, "zoe seed: entity analyses failed: %s\n", db_last_message());
	PQclear(res);
	if (a)
		arena_free(a);
	return rc;
}
