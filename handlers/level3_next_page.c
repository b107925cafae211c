/* level3_next_page.c - #23 POST /api/level3/behavioral/predictive.
 *
 * {"type": "next_page", "path": [...]}: the pages a visitor most likely opens
 * next, from the pageviews of the visits started in the last 90 days (the
 * visits table, sql/040_visits.sql; reloads collapsed): an order-2 Markov
 * chain on the last two pages, backing off to order 1 when the order-2
 * context was seen fewer than min_context times (analysis/markov.c). Pages
 * at or above the threshold come as Speculation Rules JSON, ready for
 * <script type="speculationrules">.
 *
 * {"type": "conversion", "train": true} (analyst): logistic regression with
 * an L2 penalty (analysis/logreg.c) on the visits started in the last 90
 * days, each described by the features table below up to the goal; a
 * deterministic fifth of the visits (hash of site, visitor and the visit's
 * start) is held out for AUC and log loss; the model is stored as a new
 * version (sql/018_models.sql). {"type": "conversion", "session": {...}}
 * scores a session with the latest version (409 when there is none).
 *
 * Site keys (X-Site-Key or a "site" field) predict and score for their site;
 * users choose one by "domain" or use every site's visits. The training runs
 * in the request with strict limits: at most TRAIN_CAP visits, the latest. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "level3_visits.h"
#include "log.h"
#include "logreg.h"
#include "markov.h"

#define MAX_PREDICTIONS 20
#define TRAIN_CAP 50000         /* visits a training run reads */
#define MIN_TRAIN 20            /* visits to learn from */
#define LAMBDA 1.0              /* L2 penalty on standardised features */
#define GOAL "lead"
#define STR(x) #x
#define XSTR(x) STR(x)

static const char *const types[] = {"next_page", "conversion", NULL};
static const char *const devices[] = {"mobile", "tablet", "desktop", NULL};

static const vrule_t common_rules[] = {
	{"type", V_STRING, 1, 0, 0, types, NULL},
	{"site", V_STRING, 0, 1, 128, NULL, NULL},
	{"domain", V_STRING, 0, 1, 253, NULL, NULL},
};
static const vrule_t next_rules[] = {
	{"path", V_ARRAY, 1, 1, 50, NULL, NULL},
	{"threshold", V_NUMBER, 0, 0, 1, NULL, NULL},
	{"limit", V_INT, 0, 1, MAX_PREDICTIONS, NULL, NULL},
	{"min_context", V_INT, 0, 1, 1000000, NULL, NULL},
};
static const vrule_t session_rules[] = {
	{"pageviews", V_INT, 1, 1, 10000, NULL, NULL},
	{"engaged_seconds", V_NUMBER, 0, 0, 86400, NULL, NULL},
	{"scroll_pct", V_NUMBER, 0, 0, 100, NULL, NULL},
	{"device", V_STRING, 0, 0, 0, devices, NULL},
	{"source", V_STRING, 0, 0, 253, NULL, NULL},
	{"entry_path", V_STRING, 0, 1, 2048, NULL, NULL},
	{"page_groups", V_INT, 0, 1, 1000, NULL, NULL},
};
static const vschema_t session_schema = {"Session", VRULES(session_rules), NULL, 0, 0};
static const vrule_t conversion_rules[] = {
	{"train", V_BOOL, 0, 0, 0, NULL, NULL},
	{"session", V_OBJECT, 0, 0, 0, NULL, &session_schema},
};
static const vpart_t parts[] = {
	{"next_page", VRULES(next_rules)},
	{"conversion", VRULES(conversion_rules)},
};
static const vschema_t predictive_body = {"PredictiveRequest", VRULES(common_rules), VRULES(parts), 0};
const api_op_t op_behav_predictive = {NULL, 0, &predictive_body,
	"{\"type\": \"next_page\", \"path\": [\"/\", \"/photovoltaik\"]}", 0, NULL};

/* ---- the session features: one table for training and scoring ---- */

typedef struct session {
	double pageviews, engaged_s, scroll_pct, groups;
	const char *device, *source, *entry;
} session_t;

static const char *const search_engines[] = {"google", "bing", "duckduckgo", "ecosia", "yahoo",
					     "qwant", "startpage", NULL};

static int is_search(const char *src)
{
	for (const char *const *e = search_engines; src && *e; e++)
		if (strstr(src, *e))
			return 1;
	return 0;
}

static double f_pageviews(const session_t *s) { return log1p(s->pageviews); }
static double f_engaged(const session_t *s) { return log1p(s->engaged_s); }
static double f_scroll(const session_t *s) { return s->scroll_pct / 100; }
static double f_mobile(const session_t *s) { return s->device && !strcmp(s->device, "mobile"); }
static double f_tablet(const session_t *s) { return s->device && !strcmp(s->device, "tablet"); }
static double f_search(const session_t *s) { return is_search(s->source); }
static double f_direct(const session_t *s)
{
	return !s->source || !*s->source || !strcmp(s->source, "direct");
}
static double f_home(const session_t *s) { return s->entry && !strcmp(s->entry, "/"); }
static double f_groups(const session_t *s) { return log1p(s->groups); }

static const struct feature {
	const char *name;
	double (*of)(const session_t *s);
} features[] = {
	{"log_pageviews", f_pageviews}, {"log_engaged_seconds", f_engaged},
	{"scroll", f_scroll}, {"device_mobile", f_mobile}, {"device_tablet", f_tablet},
	{"source_search", f_search}, {"source_direct", f_direct}, {"entry_home", f_home},
	{"log_page_groups", f_groups},
};
#define NF (sizeof(features) / sizeof(features[0]))

static void features_of(const session_t *s, double *x)
{
	for (size_t j = 0; j < NF; j++)
		x[j] = features[j].of(s);
}

static double r4(double v)
{
	return round(v * 1e4) / 1e4;
}

/* ---- which site ---- */

static const db_stmt_t q_site_id = {"behav_site_id", "SELECT id::text FROM sites WHERE domain = $1"};

/* Authenticates a site key sent in the body and finds the site: the key's,
 * or the user's "domain" (NULL: every site). 0, or -1 with the reply sent. */
static int site_of(req_t *r, json_t *body, const char **site_id)
{
	const char *key = json_string_value(json_object_get(body, "site"));
	const char *domain = json_string_value(json_object_get(body, "domain"));
	*site_id = NULL;
	if (r->who.cred == CRED_ANON) {
		if (!key) {
			reply_header(r, "WWW-Authenticate", "Bearer, SiteKey");
			return reply_problem(r, 401, "a bearer token, an API key or a site key"
					     " (X-Site-Key or a \"site\" field) is required", NULL), -1;
		}
		if (auth_site_key(r, key) < 0)
			return -1;
	}
	if (r->who.cred == CRED_SITEKEY) {
		*site_id = arena_printf(r->arena, "%lld", (long long)r->who.id);
		return 0;
	}
	if (!domain)
		return 0;
	const char *p[] = {domain};
	PGresult *res = db_run(r->arena, &q_site_id, 1, p);
	if (!res)
		return db_fail(r), -1;
	if (PQntuples(res) != 1) {
		json_t *errors = json_array();
		verr(errors, "domain", "no site has this domain");
		return reply_invalid(r, errors), -1;
	}
	*site_id = db_get(res, 0, 0);
	return 0;
}

/* ---- next page ---- */

/* $1 site id or NULL, $2 the current page, $3 the one before it or NULL.
 * Rows (order 1?, previous page, next page or NULL = exit, count), from the
 * pageviews of the visits started in the last 90 days that viewed $2. The
 * arrays are materialised: each is read more than once. */
static const db_stmt_t q_next = {"behav_next",
	"WITH p AS MATERIALIZED (SELECT $1::bigint AS site, now() - interval '90 days' AS t0,"
	"   now() AS t1),"
	" pv AS MATERIALIZED (SELECT ARRAY(SELECT h.name FROM " HITS("v") " WHERE NOT h.goal"
	"    ORDER BY h.i) AS a FROM p, visits_between(p.site, p.t0, p.t1) v"
	"  WHERE $2 = ANY (v.hit_names)),"
	" seq AS MATERIALIZED (SELECT " COLLAPSED("a") " AS a FROM pv),"
	" st AS (SELECT s.a[u.i - 1] AS prev, s.a[u.i + 1] AS nxt"
	"  FROM seq s, unnest(s.a) WITH ORDINALITY u(x, i) WHERE u.x = $2)"
	" SELECT GROUPING(prev) = 1, prev, nxt, count(*) FROM st"
	" GROUP BY GROUPING SETS ((prev, nxt), (nxt))"
	" HAVING GROUPING(prev) = 1 OR prev = $3"};

/* Every item of the path must be a page path. */
static void check_path(json_t *path, json_t *errors)
{
	size_t i;
	json_t *v;
	json_array_foreach(path, i, v) {
		const char *s = json_string_value(v);
		if (!s || s[0] != '/' || strlen(s) > 2048) {
			char f[32];
			snprintf(f, sizeof(f), "path[%zu]", i);
			verr(errors, f, "must be a page path starting with / (at most 2048 bytes)");
		}
	}
}

/* The last two pages of the path, reloads collapsed. */
static void context_of(json_t *path, const char **prev2, const char **prev1)
{
	size_t i;
	json_t *v;
	*prev2 = *prev1 = NULL;
	json_array_foreach(path, i, v) {
		const char *s = json_string_value(v);
		if (*prev1 && strcmp(*prev1, s) == 0)
			continue;
		*prev2 = *prev1;
		*prev1 = s;
	}
}

static json_t *next_json(const mk_next_t *out, const mk_answer_t *a, size_t limit,
			 double threshold, double *exit_p)
{
	json_t *list = json_array(), *urls = json_array();
	*exit_p = 0;
	for (size_t i = 0; i < a->n; i++) {
		if (!out[i].next) {
			*exit_p = out[i].p;
			continue;
		}
		if (json_array_size(list) >= limit)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:f, s:I}", "path", out[i].next,
			"probability", r4(out[i].p), "count", (json_int_t)out[i].count));
		if (out[i].p >= threshold)
			json_array_append_new(urls, json_string(out[i].next));
	}
	json_t *rules = json_pack("{s:[]}", "prefetch");
	if (json_array_size(urls))
		json_array_append_new(json_object_get(rules, "prefetch"),
			json_pack("{s:s, s:o}", "source", "list", "urls", urls));
	else
		json_decref(urls);
	return json_pack("{s:o, s:o}", "predictions", list, "speculation_rules", rules);
}

static int next_page(req_t *r, json_t *body, const char *site_id)
{
	const char *prev2, *prev1;
	context_of(json_object_get(body, "path"), &prev2, &prev1);
	json_t *t = json_object_get(body, "threshold"), *l = json_object_get(body, "limit");
	json_t *m = json_object_get(body, "min_context");
	double threshold = t ? json_number_value(t) : 0.3;
	size_t limit = l ? (size_t)json_integer_value(l) : 5;
	double min_context = m ? (double)json_integer_value(m) : 5;
	const char *p[] = {site_id, prev1, prev2};
	PGresult *res = db_run(r->arena, &q_next, 3, p);
	if (!res)
		return db_fail(r);
	int rows = PQntuples(res);
	mk_gram_t *grams = arena_calloc(r->arena, (size_t)rows + 1, sizeof(*grams));
	mk_next_t *out = arena_calloc(r->arena, (size_t)rows + 1, sizeof(*out));
	mk_answer_t a;
	if (!grams || !out)
		return reply_problem(r, 500, "out of memory", NULL);
	for (int i = 0; i < rows; i++) {
		int order1 = strcmp(db_get(res, i, 0), "t") == 0;
		grams[i] = (mk_gram_t){order1 ? NULL : db_get(res, i, 1), prev1, db_get(res, i, 2),
				       (double)db_getll(res, i, 3, 0)};
	}
	mk_predict(grams, (size_t)rows, prev2, prev1, min_context, out, (size_t)rows + 1, &a);
	double exit_p;
	json_t *j = arena_json(r->arena, next_json(out, &a, limit, threshold, &exit_p));
	json_object_set_new(j, "type", json_string("next_page"));
	json_object_set_new(j, "context", json_pack("{s:s?, s:s, s:i, s:I, s:I, s:I}",
		"previous", prev2, "current", prev1, "order", a.order, "support", (json_int_t)a.support,
		"order2_support", (json_int_t)a.support2, "min_context", (json_int_t)min_context));
	json_object_set_new(j, "exit_probability", json_real(r4(exit_p)));
	json_object_set_new(j, "threshold", json_real(threshold));
	json_object_set_new(j, "window_days", json_integer(90));
	return reply_json(r, 200, j);
}

/* ---- conversion model ---- */

/* $1 site id or NULL, $2 goal. One row per visit started in the last 90
 * days (the latest TRAIN_CAP), its figures up to the goal: pageviews,
 * engaged seconds, scroll %, device, source, entry path, page groups,
 * converted, held out. The visits table sums engaged time and scroll over
 * the whole visit: a converted visit's come from its engagement events up
 * to the goal (the index on site, kind and time). */
static const db_stmt_t q_sessions = {"behav_sessions",
	"WITH p AS MATERIALIZED (SELECT $1::bigint AS site, now() - interval '90 days' AS t0,"
	"   now() AS t1),"
	" c AS (SELECT v.*, g.at, CASE WHEN g.at IS NULL THEN v.vend"
	"    ELSE v.vstart + v.hit_secs[g.at] * interval '1 second' END AS last"
	"  FROM p, visits_between(p.site, p.t0, p.t1) v,"
	"   LATERAL (SELECT min(h.i) AS at FROM " HITS("v") " WHERE h.goal AND h.name = $2) g),"
	" s AS (SELECT c.site_id, c.visitor_id, c.vstart, c.last, pv.pageviews,"
	"   CASE WHEN c.at IS NULL THEN c.engaged_ms / 1000.0 ELSE e.engaged_s END AS engaged_s,"
	"   coalesce(CASE WHEN c.at IS NULL THEN c.scroll ELSE e.scroll END, 0) AS scroll,"
	"   c.device, c.source, c.entry_page AS entry, pv.groups, c.at IS NOT NULL AS converted"
	"  FROM c,"
	"   LATERAL (SELECT count(*) AS pageviews, count(DISTINCT " PAGE_GROUP("h.name") ") AS groups"
	"    FROM " HITS("c") " WHERE NOT h.goal AND (c.at IS NULL OR h.i < c.at)) pv,"
	"   LATERAL (SELECT coalesce(sum(x.engaged_ms), 0) / 1000.0 AS engaged_s,"
	"     max(x.scroll_pct) AS scroll FROM events x"
	"    WHERE c.at IS NOT NULL AND x.site_id = c.site_id AND x.kind = 'engagement'"
	"     AND x.ts >= c.vstart AND x.ts <= c.last AND x.visitor_id = c.visitor_id) e)"
	" SELECT pageviews, engaged_s, scroll, device, source, entry, groups, converted,"
	"  abs(hashtext(site_id || ':' || visitor_id || ':' || extract(epoch FROM vstart))) % 5 = 0"
	"   AS held_out"
	" FROM s WHERE pageviews > 0 ORDER BY last DESC, site_id, visitor_id, vstart"
" LIMIT " XSTR(TRAIN_CAP)};

enum { S_PV, S_ENG, S_SCROLL, S_DEVICE, S_SOURCE, S_ENTRY, S_GROUPS, S_CONV, S_HELD };

static const db_stmt_t q_store_model = {"behav_store_model",
	"INSERT INTO models (kind, site_id, version, features, coefficients, metrics, created_by)"
	" SELECT 'conversion', $1::bigint, coalesce(max(version), 0) + 1, $2::jsonb, $3::jsonb,"
	"  $4::jsonb, $5 FROM models WHERE kind = 'conversion' AND site_id IS NOT DISTINCT FROM $1::bigint"
	" RETURNING id, version, created_at"};

static const db_stmt_t q_latest_model = {"behav_latest_model",
	"SELECT id, version, features::text, coefficients::text, metrics::text, created_at"
	" FROM models WHERE kind = 'conversion' AND site_id IS NOT DISTINCT FROM $1::bigint"
	" ORDER BY version DESC LIMIT 1"};

/* A training set: standardised rows, labels, which rows are held out. */
typedef struct dataset {
	size_t n, ntrain, ntest;
	double *x, *xtrain, *xtest;     /* n × NF, then the two splits */
	int *y, *ytrain, *ytest;
	double mean[NF], sd[NF];
	double pos_train, pos_test;
} dataset_t;

/* Reads the visits into d: features, standardised by the training rows'
 * means and deviations. 0, or -1 out of memory. */
static int dataset_read(arena_t *a, const PGresult *res, dataset_t *d)
{
	size_t n = (size_t)PQntuples(res);
	memset(d, 0, sizeof(*d));
	d->n = n;
	d->x = arena_calloc(a, n * NF + 1, sizeof(double));
	d->xtrain = arena_calloc(a, n * NF + 1, sizeof(double));
	d->xtest = arena_calloc(a, n * NF + 1, sizeof(double));
	d->y = arena_calloc(a, n + 1, sizeof(int));
	d->ytrain = arena_calloc(a, n + 1, sizeof(int));
	d->ytest = arena_calloc(a, n + 1, sizeof(int));
	if (!d->x || !d->xtrain || !d->xtest || !d->y || !d->ytrain || !d->ytest)
		return -1;
	for (size_t i = 0; i < n; i++) {
		session_t s = {db_getd(res, (int)i, S_PV, 0), db_getd(res, (int)i, S_ENG, 0),
			db_getd(res, (int)i, S_SCROLL, 0), db_getd(res, (int)i, S_GROUPS, 0),
			db_get(res, (int)i, S_DEVICE), db_get(res, (int)i, S_SOURCE),
			db_get(res, (int)i, S_ENTRY)};
		features_of(&s, d->x + i * NF);
		d->y[i] = strcmp(db_get(res, (int)i, S_CONV), "t") == 0;
	}
	for (size_t i = 0; i < n; i++) {
		int held = strcmp(db_get(res, (int)i, S_HELD), "t") == 0;
		size_t *k = held ? &d->ntest : &d->ntrain;
		memcpy((held ? d->xtest : d->xtrain) + *k * NF, d->x + i * NF, NF * sizeof(double));
		(held ? d->ytest : d->ytrain)[*k] = d->y[i];
		*(held ? &d->pos_test : &d->pos_train) += d->y[i];
		(*k)++;
	}
	for (size_t j = 0; j < NF; j++) {
		double s = 0, ss = 0;
		for (size_t i = 0; i < d->ntrain; i++)
			s += d->xtrain[i * NF + j];
		d->mean[j] = d->ntrain ? s / (double)d->ntrain : 0;
		for (size_t i = 0; i < d->ntrain; i++)
			ss += pow(d->xtrain[i * NF + j] - d->mean[j], 2);
		d->sd[j] = d->ntrain > 1 ? sqrt(ss / (double)(d->ntrain - 1)) : 0;
		if (d->sd[j] < 1e-9)
			d->sd[j] = 1;
	}
	for (size_t i = 0; i < d->ntrain * NF; i++)
		d->xtrain[i] = (d->xtrain[i] - d->mean[i % NF]) / d->sd[i % NF];
	for (size_t i = 0; i < d->ntest * NF; i++)
		d->xtest[i] = (d->xtest[i] - d->mean[i % NF]) / d->sd[i % NF];
	return 0;
}

/* Holdout AUC, log loss, and the log loss of always predicting the
 * training rate (the baseline a useful model beats). */
static json_t *metrics_json(arena_t *a, const dataset_t *d, const double *beta)
{
	double *prob = arena_calloc(a, d->ntest + 1, sizeof(double));
	double *base = arena_calloc(a, d->ntest + 1, sizeof(double));
	if (!prob || !base)
		return NULL;
	for (size_t i = 0; i < d->ntest; i++) {
		prob[i] = logreg_predict(beta, d->xtest + i * NF, NF);
		base[i] = d->pos_train / (double)d->ntrain;
	}
	return json_pack("{s:f, s:f, s:f, s:f, s:{s:I, s:I}, s:{s:I, s:I}, s:s}",
		"auc", r4(logreg_auc(prob, d->ytest, d->ntest)),
		"log_loss", r4(logreg_log_loss(prob, d->ytest, d->ntest)),
		"baseline_log_loss", r4(logreg_log_loss(base, d->ytest, d->ntest)), "lambda", LAMBDA,
		"train", "sessions", (json_int_t)d->ntrain, "conversions", (json_int_t)d->pos_train,
		"test", "sessions", (json_int_t)d->ntest, "conversions", (json_int_t)d->pos_test,
		"holdout", "a fifth of the visits by hash of site, visitor and visit");
}

/* Stores the fitted model as the next version; the row (id, version,
 * created_at), or NULL: db_last() tells why. */
static PGresult *store_model(arena_t *a, const dataset_t *d, const double *beta,
			     json_t *metrics, const char *site_id, const char *by)
{
	json_t *feats = arena_json(a, json_array()), *coef = arena_json(a, json_array());
	json_array_append_new(coef, json_real(beta[0]));
	for (size_t j = 0; j < NF; j++) {
		json_array_append_new(feats, json_pack("{s:s, s:f, s:f}", "name", features[j].name,
			"mean", d->mean[j], "sd", d->sd[j]));
		json_array_append_new(coef, json_real(beta[j + 1]));
	}
	char *fs = json_dumps(feats, JSON_COMPACT), *cs = json_dumps(coef, JSON_COMPACT);
	char *ms = json_dumps(metrics, JSON_COMPACT);
	const char *ps[] = {site_id, fs, cs, ms, by};
	PGresult *st = fs && cs && ms ? db_run(a, &q_store_model, 5, ps) : NULL;
	free(fs);
	free(cs);
	free(ms);
	return st;
}

/* Trains on the visits of site_id (NULL: every site) and stores a version.
 * Returns the reply (new reference), or NULL with *status: 409 too little
 * data, 500 (why says it), or 0 for a database failure (db_last()). */
static json_t *train_new(arena_t *a, const char *site_id, const char *by, int *status,
			 const char **why)
{
	dataset_t d;
	double beta[NF + 1];
	const char *p[] = {site_id, GOAL};
	PGresult *res = db_run(a, &q_sessions, 2, p), *st;
	*status = 500;
	*why = "out of memory";
	if (!res)
		return *status = 0, NULL;
	if (dataset_read(a, res, &d) < 0)
		return NULL;
	if (d.ntrain < MIN_TRAIN || d.pos_train < 1 || d.pos_train == (double)d.ntrain ||
	    d.pos_test < 1 || d.pos_test == (double)d.ntest) {
		*status = 409;
		*why = arena_printf(a, "too little data to train: %zu training visits (%.0f "
			"converted) and %zu held out (%.0f converted); needs at least %d training "
			"visits and both outcomes in each part", d.ntrain, d.pos_train, d.ntest,
			d.pos_test, MIN_TRAIN);
		return NULL;
	}
	if (logreg_fit(d.xtrain, d.ytrain, d.ntrain, NF, LAMBDA, beta) < 0)
		return *why = "the model did not converge", NULL;
	json_t *metrics = arena_json(a, metrics_json(a, &d, beta));
	if (!metrics)
		return NULL;
	if (!(st = store_model(a, &d, beta, metrics, site_id, by)))
		return *status = 0, NULL;
	json_t *weights = json_array();
	for (size_t j = 0; j < NF; j++)
		json_array_append_new(weights, json_pack("{s:s, s:f}", "feature", features[j].name,
			"weight", r4(beta[j + 1])));
	return json_pack("{s:s, s:{s:I, s:I, s:s, s:s?}, s:O, s:f, s:o}", "type", "conversion",
		"model", "id", (json_int_t)db_getll(st, 0, 0, 0), "version",
		(json_int_t)db_getll(st, 0, 1, 0), "created_at", db_get(st, 0, 2), "site_id", site_id,
		"metrics", metrics, "intercept", r4(beta[0]), "weights", weights);
}

static int train(req_t *r, const char *site_id)
{
	int status;
	const char *why;
	json_t *j = arena_json(r->arena, train_new(r->arena, site_id, r->who.name, &status, &why));
	if (j)
		return reply_json(r, 200, j);
	return status ? reply_problem(r, status, why, NULL) : db_fail(r);
}

/* The job "conversion-model" (nightly, and queued with {"site_id": n} for one
 * site): trains like {"type": "conversion", "train": true}; too little data
 * is not a failure to retry. */
int job_conversion_model(json_t *payload, char *err, size_t errlen)
{
	arena_t *a = arena_new(64 * 1024);
	json_t *site = json_object_get(payload, "site_id");
	int status = 500, rc = -1;
	const char *why = "out of memory";
	if (!a)
		goto out;
	const char *site_id = json_is_integer(site)
		? arena_printf(a, "%lld", (long long)json_integer_value(site)) : NULL;
	json_t *j = train_new(a, site_id, "job", &status, &why);
	rc = j || status == 409 ? 0 : -1;
	if (j)
		log_info("conversion model: version %lld, holdout AUC %.4f", (long long)json_integer_value(
			json_object_get(json_object_get(j, "model"), "version")), json_number_value(
			json_object_get(json_object_get(j, "metrics"), "auc")));
	else if (status == 409)
		log_info("conversion model: %s", why);
	json_decref(j);
out:
	if (rc < 0)
		snprintf(err, errlen, "%s", status ? why : db_last_message());
	arena_free(a);
	return rc;
}

static int score(req_t *r, json_t *sj, const char *site_id)
{
	const char *p[] = {site_id};
	PGresult *res = db_run(r->arena, &q_latest_model, 1, p);
	if (!res)
		return db_fail(r);
	if (PQntuples(res) == 0)
		return reply_problem(r, 409, "no conversion model yet: train one first with "
				     "{\"type\": \"conversion\", \"train\": true}", NULL);
	json_t *feats = arena_json(r->arena, json_loads(db_get(res, 0, 2), 0, NULL));
	json_t *coef = arena_json(r->arena, json_loads(db_get(res, 0, 3), 0, NULL));
	json_t *metrics = arena_json(r->arena, json_loads(db_get(res, 0, 4), 0, NULL));
	if (json_array_size(feats) != NF || json_array_size(coef) != NF + 1)
		return reply_problem(r, 409, "the latest model was trained on other features: "
				     "train it again", NULL);
	session_t s = {json_number_value(json_object_get(sj, "pageviews")),
		json_number_value(json_object_get(sj, "engaged_seconds")),
		json_number_value(json_object_get(sj, "scroll_pct")),
		json_object_get(sj, "page_groups") ? json_number_value(json_object_get(sj, "page_groups")) : 1,
		json_string_value(json_object_get(sj, "device")),
		json_string_value(json_object_get(sj, "source")),
		json_string_value(json_object_get(sj, "entry_path"))};
	double x[NF], beta[NF + 1];
	features_of(&s, x);
	json_t *contrib = json_array();
	beta[0] = json_number_value(json_array_get(coef, 0));
	for (size_t j = 0; j < NF; j++) {
		json_t *f = json_array_get(feats, j);
		x[j] = (x[j] - json_number_value(json_object_get(f, "mean")))
			/ json_number_value(json_object_get(f, "sd"));
		beta[j + 1] = json_number_value(json_array_get(coef, j + 1));
		json_array_append_new(contrib, json_pack("{s:s, s:f, s:f}", "feature", features[j].name,
			"value", r4(x[j]), "contribution", r4(beta[j + 1] * x[j])));
	}
	return reply_json(r, 200, arena_json(r->arena, json_pack(
		"{s:s, s:{s:I, s:I, s:s, s:O}, s:f, s:o}", "type", "conversion", "model",
		"id", (json_int_t)db_getll(res, 0, 0, 0), "version", (json_int_t)db_getll(res, 0, 1, 0),
		"created_at", db_get(res, 0, 5), "auc", json_object_get(metrics, "auc"),
		"probability", r4(logreg_predict(beta, x, NF)), "contributions", contrib)));
}

/* Collects every bad field of the body into errors. */
static void check_body(json_t *body, json_t *errors)
{
	if (validate(body, common_rules, sizeof(common_rules) / sizeof(common_rules[0]), "", errors))
		return;
	const char *type = json_string_value(json_object_get(body, "type"));
	for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++)
		if (strcmp(type, parts[k].when) == 0)
			validate(body, parts[k].rules, parts[k].n, "", errors);
	if (json_is_array(json_object_get(body, "path")))
		check_path(json_object_get(body, "path"), errors);
	if (json_is_object(json_object_get(body, "session")))
		validate(json_object_get(body, "session"), VRULES(session_rules), "session", errors);
	if (strcmp(type, "conversion") == 0 &&
	    !json_is_true(json_object_get(body, "train")) == !json_object_get(body, "session"))
		verr(errors, "session", "send either \"train\": true or a \"session\" to score");
}

int h_behav_predictive(req_t *r)
{
	json_t *body = json_body(r);
	const char *site_id;
	if (!body)
		return 0;
	if (!json_is_object(body)) {
		json_t *errors = json_array();
		verr(errors, "", "must be an object with a \"type\": next_page or conversion");
		return reply_invalid(r, errors);
	}
	if (site_of(r, body, &site_id) < 0)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	check_body(body, errors);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	if (strcmp(json_string_value(json_object_get(body, "type")), "next_page") == 0)
		return next_page(r, body, site_id);
	if (!json_is_true(json_object_get(body, "train")))
		return score(r, json_object_get(body, "session"), site_id);
	if (r->who.cred == CRED_SITEKEY)
		return reply_problem(r, 403, "training needs the analyst role; a site key may only "
				     "predict and score", NULL);
	return train(r, site_id);
}
