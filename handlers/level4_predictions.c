/* level4_predictions.c - #29 GET /api/level4/ai-content/predictions and the
 * job "content-model" that trains what it reads.
 *
 * The model: ridge regression (analysis/ridge.c) from content features of
 * the page inventory (sql/003_pages.sql) to the page's tracked pageviews of
 * the last 90 days (the clicks the site's own tracker counts). Features:
 * title length in characters and in pixels (analysis/titlewidth), meta
 * description length, number of H1s, words, entities found by #1, images
 * audited by #16 on the page, and age in days. Internal links are not
 * stored by any service yet, so they are not a feature. A page has data
 * when its path has tracked pageviews in the window; below 30 such pages
 * there is no model (409).
 *
 * Training picks lambda from a fixed grid by 5-fold cross-validated RMSE and
 * stores a new version in `models` (kind content-clicks, per site) with its
 * features' means and sds, the coefficients on standardised features and
 * its metrics: the cross-validated RMSE and MAE and those of the training
 * folds' mean (the baseline). It runs nightly as a job and, when a site has
 * no version yet, on the first GET. The GET scores the current inventory
 * with the latest version: a prediction per page with a 95 % interval of
 * ±1.96 cross-validated RMSE (normal errors assumed, cut at 0). The site is
 * ?site= (a domain), else the first site registered (the company's own). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "log.h"
#include "ridge.h"
#include "router.h"
#include "titlewidth.h"

#define MIN_PAGES 30
#define FOLDS 5
#define NF 8
#define MAX_PAGES 5000
#define KIND "content-clicks"

static const char *const feature_names[NF] = {
	"title_chars", "title_px", "description_chars", "h1_count", "words", "entities",
	"images", "age_days",
};
static const double lambdas[] = {0.1, 0.3, 1, 3, 10, 30, 100};

/* The inventory of site $1 with features and pageviews of the last 90 days. */
static const db_stmt_t q_features = {"pred_features",
	"WITH v AS (SELECT path, count(*) AS views FROM events WHERE site_id = $1"
	"  AND kind = 'pageview' AND ts >= now() - interval '90 days' GROUP BY path)"
	" SELECT p.url, p.path, coalesce(p.title, ''), char_length(coalesce(p.title, '')),"
	"  char_length(coalesce(p.meta_description, '')), cardinality(p.h1s),"
	"  coalesce(p.word_count, cardinality(regexp_split_to_array(btrim(coalesce(p.body_text, '')),"
	"   '\\s+')) - (btrim(coalesce(p.body_text, '')) = '')::int),"
	"  coalesce((SELECT n_entities FROM entity_analyses e WHERE e.url_norm = p.url_norm), 0),"
	"  (SELECT count(*) FROM images i WHERE i.page_url IN (p.url, p.url_norm)),"
	"  extract(epoch FROM now() - p.created_at) / 86400, v.views"
	" FROM pages p LEFT JOIN v ON v.path = p.path WHERE p.site_id = $1"
	" ORDER BY p.path LIMIT 5001"};
static const db_stmt_t q_site = {"pred_site",
	"SELECT id, domain FROM sites WHERE active AND ($1::text IS NULL OR domain = $1)"
	" ORDER BY id LIMIT 1"};
static const db_stmt_t q_latest = {"pred_latest",
	"SELECT id, version, features::text, coefficients::text, metrics::text,"
	" to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	" FROM models WHERE kind = '" KIND "' AND site_id = $1 ORDER BY version DESC LIMIT 1"};
/* $1 site, $2 features, $3 coefficients, $4 metrics, $5 by. */
static const db_stmt_t q_store = {"pred_store",
	"WITH m AS (INSERT INTO models (kind, site_id, version, features, coefficients, metrics,"
	"  created_by) SELECT '" KIND "', $1, coalesce(max(version), 0) + 1, $2::jsonb, $3::jsonb,"
	"  $4::jsonb, $5 FROM models WHERE kind = '" KIND "' AND site_id = $1 RETURNING *),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'model.trained', jsonb_build_object("
	"  'kind', kind, 'site_id', site_id, 'version', version, 'metrics', metrics) FROM m)"
	" SELECT id FROM m"};

typedef struct pages {
	size_t n, with_data;
	double *x, *y;          /* rows with data */
	double *all;            /* every page's features */
	PGresult *res;
} pages_t;

/* Reads the inventory of `site` into p (arena memory); -1 on error. */
static int read_pages(arena_t *a, const char *site, pages_t *p)
{
	const char *params[] = {site};
	p->res = db_run(a, &q_features, 1, params);
	if (!p->res)
		return -1;
	p->n = (size_t)PQntuples(p->res);
	if (p->n > MAX_PAGES)
		p->n = MAX_PAGES;
	p->all = arena_alloc(a, (p->n + 1) * NF * sizeof(double));
	p->x = arena_alloc(a, (p->n + 1) * NF * sizeof(double));
	p->y = arena_alloc(a, (p->n + 1) * sizeof(double));
	if (!p->all || !p->x || !p->y)
		return -1;
	p->with_data = 0;
	for (size_t i = 0; i < p->n; i++) {
		double *f = p->all + i * NF;
		f[0] = db_getd(p->res, (int)i, 3, 0);
		f[1] = titlewidth_px(db_get(p->res, (int)i, 2));
		for (int j = 2; j < NF; j++)
			f[j] = db_getd(p->res, (int)i, j + 2, 0);
		if (db_get(p->res, (int)i, 10)) {
			memcpy(p->x + p->with_data * NF, f, NF * sizeof(double));
			p->y[p->with_data++] = db_getd(p->res, (int)i, 10, 0);
		}
	}
	return 0;
}

static char *dump(arena_t *a, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
	if (s && arena_cleanup(a, free, s) < 0) {
		free(s);
		return NULL;
	}
	json_decref(j);
	return s;
}

/* The lambda of the grid with the smallest cross-validated RMSE. */
static int choose_lambda(const pages_t *p, ridge_cv_t *best, double *lambda)
{
	int found = -1;
	for (size_t i = 0; i < sizeof lambdas / sizeof lambdas[0]; i++) {
		ridge_cv_t cv;
		if (ridge_cv(p->x, p->y, p->with_data, NF, lambdas[i], FOLDS, &cv) < 0)
			continue;
		if (found < 0 || cv.rmse < best->rmse) {
			*best = cv;
			*lambda = lambdas[i];
			found = 0;
		}
	}
	return found;
}

/* Trains and stores a version for site `site`; 0, 1 with *why when there is
 * too little data, -1 on a database error or out of memory. */
static int train(arena_t *a, const char *site, const char *by, const char **why)
{
	pages_t p;
	ridge_model_t m;
	ridge_cv_t cv;
	double lambda = 1;
	if (read_pages(a, site, &p) < 0)
		return -1;
	if (p.with_data < MIN_PAGES) {
		*why = arena_printf(a, "too little data for a prediction: %zu pages with tracked "
				    "pageviews in the last 90 days, at least %d needed", p.with_data,
				    MIN_PAGES);
		return 1;
	}
	if (choose_lambda(&p, &cv, &lambda) < 0 || ridge_fit(p.x, p.y, p.with_data, NF, lambda, &m) < 0) {
		*why = "the features do not allow a fit (all pages alike)";
		return 1;
	}
	json_t *feats = json_array(), *coef = json_array();
	json_array_append_new(coef, json_real(m.ymean));
	for (int j = 0; j < NF; j++) {
		json_array_append_new(feats, json_pack("{s:s, s:f, s:f}", "name", feature_names[j],
						       "mean", m.mean[j], "sd", m.sd[j]));
		json_array_append_new(coef, json_real(m.beta[j]));
	}
	json_t *metrics = json_pack("{s:f, s:f, s:f, s:f, s:i, s:f, s:I, s:s, s:i}",
		"cv_rmse", cv.rmse, "cv_mae", cv.mae, "baseline_rmse", cv.base_rmse,
		"baseline_mae", cv.base_mae, "folds", FOLDS, "lambda", lambda,
		"n", (json_int_t)p.with_data, "target", "pageviews", "window_days", 90);
	const char *params[] = {site, dump(a, feats), dump(a, coef), dump(a, metrics), by};
	if (!params[1] || !params[2] || !params[3])
		return -1;
	return db_run(a, &q_store, 5, params) ? 0 : -1;
}

/* The job "content-model" (nightly): a new version for every active site
 * with enough data; too little data is not a failure. */
int job_content_model(json_t *payload, char *err, size_t errlen)
{
	(void)payload;
	arena_t *a = arena_new(256 * 1024);
	int rc = a ? 0 : -1;
	const char *p[] = {NULL};
	static const db_stmt_t q_sites = {"pred_sites", "SELECT id FROM sites WHERE active ORDER BY id"};
	PGresult *res = a ? db_run(a, &q_sites, 0, p) : NULL;
	for (int i = 0; res && rc == 0 && i < PQntuples(res); i++) {
		const char *why = NULL;
		int t = train(a, db_get(res, i, 0), "job", &why);
		if (t == 1)
			log_info("content model, site %s: %s", db_get(res, i, 0), why);
		rc = t < 0 ? -1 : 0;
	}
	if (!res || rc < 0)
		snprintf(err, errlen, "%s", a ? db_last_message() : "out of memory");
	if (a)
		arena_free(a);
	return res && rc == 0 ? 0 : -1;
}

/* ---- GET ------------------------------------------------------------------------ */

static const vrule_t pred_query[] = {
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
};
const api_op_t op_predictions = {VRULES(pred_query), NULL, NULL, 0, NULL};

/* The stored model of row 0 of `res` into m; -1 when its features differ. */
static int model_of(arena_t *a, PGresult *res, ridge_model_t *m)
{
	json_t *f = arena_json(a, json_loads(db_get(res, 0, 2), 0, NULL));
	json_t *c = arena_json(a, json_loads(db_get(res, 0, 3), 0, NULL));
	if (json_array_size(f) != NF || json_array_size(c) != NF + 1)
		return -1;
	memset(m, 0, sizeof *m);
	m->p = NF;
	m->ymean = m->intercept = json_number_value(json_array_get(c, 0));
	for (size_t j = 0; j < NF; j++) {
		json_t *fj = json_array_get(f, j);
		if (strcmp(json_string_value(json_object_get(fj, "name")) ?: "", feature_names[j]))
			return -1;
		m->mean[j] = json_number_value(json_object_get(fj, "mean"));
		m->sd[j] = json_number_value(json_object_get(fj, "sd"));
		m->beta[j] = json_number_value(json_array_get(c, j + 1));
		m->weight[j] = m->sd[j] > 0 ? m->beta[j] / m->sd[j] : 0;
		m->intercept -= m->weight[j] * m->mean[j];
	}
	return 0;
}

static json_t *weights_json(const ridge_model_t *m)
{
	json_t *w = json_array();
	for (size_t j = 0; j < NF; j++)
		json_array_append_new(w, json_pack("{s:s, s:f, s:f, s:f, s:f}", "name", feature_names[j],
			"standardised", m->beta[j], "per_unit", m->weight[j], "mean", m->mean[j],
			"sd", m->sd[j]));
	return w;
}

/* Every page of the inventory with its prediction, largest first. */
static json_t *items_json(const pages_t *p, const ridge_model_t *m, double rmse, long limit)
{
	json_t *items = json_array();
	for (size_t i = 0; i < p->n; i++) {
		double y = ridge_predict(m, p->all + i * NF);
		const char *views = db_get(p->res, (int)i, 10);
		json_array_append_new(items, json_pack("{s:s, s:s, s:o, s:f, s:[f, f]}",
			"url", db_get(p->res, (int)i, 0), "path", db_get(p->res, (int)i, 1),
			"pageviews", views ? json_integer(strtoll(views, NULL, 10)) : json_null(),
			"predicted", y, "interval95", fmax(0, y - 1.959963984540054 * rmse),
			y + 1.959963984540054 * rmse));
	}
	json_t *sorted = json_array(), *it;
	size_t i, n = json_array_size(items);
	while (n-- > 0 && json_array_size(sorted) < (size_t)limit) {   /* selection: largest next */
		size_t best = 0;
		json_array_foreach(items, i, it)
			if (json_real_value(json_object_get(it, "predicted")) >
			    json_real_value(json_object_get(json_array_get(items, best), "predicted")))
				best = i;
		json_array_append(sorted, json_array_get(items, best));
		json_array_remove(items, best);
	}
	json_decref(items);
	return sorted;
}

static const char *pick_site(req_t *r, const char **domain)
{
	const char *p[] = {req_query(r, "site")};
	PGresult *res = db_run(r->arena, &q_site, 1, p);
	if (!res) {
		db_fail(r);
		return NULL;
	}
	if (PQntuples(res) != 1) {
		json_t *errors = json_array();
		verr(errors, "site", p[0] ? "no active site has this domain" : "no active site");
		reply_invalid(r, errors);
		return NULL;
	}
	*domain = db_get(res, 0, 1);
	return db_get(res, 0, 0);
}

int h_predictions(req_t *r)
{
	const char *domain, *site = pick_site(r, &domain), *why = NULL, *limit = req_query(r, "limit");
	if (!site)
		return 0;
	const char *p[] = {site};
	PGresult *res = db_run(r->arena, &q_latest, 1, p);
	int trained = 0;
	if (res && PQntuples(res) == 0) {
		int t = train(r->arena, site, arena_printf(r->arena, "user:%lld", (long long)r->who.id), &why);
		if (t != 0)
			return t < 0 ? db_fail(r) : reply_problem(r, 409, why, NULL);
		trained = 1;
		res = db_run(r->arena, &q_latest, 1, p);
	}
	pages_t pg;
	ridge_model_t m;
	if (!res || read_pages(r->arena, site, &pg) < 0)
		return db_fail(r);
	if (model_of(r->arena, res, &m) < 0)
		return reply_problem(r, 409, "the latest model was trained on other features: "
				     "it is retrained tonight", NULL);
	json_t *metrics = arena_json(r->arena, json_loads(db_get(res, 0, 4), 0, NULL));
	double rmse = json_number_value(json_object_get(metrics, "cv_rmse"));
	json_object_set_new(metrics, "beats_baseline", json_boolean(rmse <
		json_number_value(json_object_get(metrics, "baseline_rmse"))));
	return reply_json(r, 200, json_pack("{s:s, s:{s:I, s:I, s:s, s:b}, s:O, s:o, s:I, s:I, s:o, s:s}",
		"site", domain, "model", "id", (json_int_t)db_getll(res, 0, 0, 0), "version",
		(json_int_t)db_getll(res, 0, 1, 0), "created_at", db_get(res, 0, 5), "trained_now",
		trained, "metrics", metrics, "weights", weights_json(&m), "pages", (json_int_t)pg.n,
		"pages_with_data", (json_int_t)pg.with_data,
		"items", items_json(&pg, &m, rmse, limit ? strtol(limit, NULL, 10) : 50),
		"method", "ridge regression on standardised features (lambda by 5-fold CV RMSE) "
		"from the page inventory's content features to tracked pageviews of the last 90 "
		"days; cv_rmse/cv_mae against the training folds' mean (baseline); interval95 = "
		"prediction ± 1.96 cv_rmse, cut at 0"));
}
