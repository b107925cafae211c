/* level4_abtest.c - #30 POST /api/level4/ai-content/ab-test and #31 GET
 * /api/level4/ai-content/results.
 *
 * ab-test, with an editor's token or API key: creates a test of a site
 * (`domain`, else the first site registered: the company's own): a name unique per site, two to ten
 * variants with weights summing to 1 (the first is the control), the metric
 * (a goal: an event name the site's tracker has sent), optionally Thompson
 * sampling. 201 with the test; an `abtest.created` event in the same
 * statement.
 *
 * ab-test, with the site key and {"test": id}: the visitor's variant. The
 * visitor is the tracker's (core/visits.h: the day's salt, site, address
 * and user agent; no cookie), so the goal events its beacons send are the
 * test's conversions: a conversion is an exposed visitor with a goal event at
 * or after its exposure and before the test ended (sql/024_abtests.sql).
 * The first answer is stored as the exposure and repeated after. With fixed
 * weights the variant is GrowthBook's hash v2 of (test id, visitor id) into
 * the weight ranges, so it is the same on every host even before it is
 * stored; with Thompson sampling a new visitor gets the variant whose draw
 * from its Beta(1 + conversions, 1 + non-conversions) posterior is largest,
 * the draws seeded by visitor id xor test id (analysis/abtest.c).
 *
 * results: per test and variant the figures of analysis/abtest.h, the
 * sample-ratio-mismatch check and the decision with the rule it follows.
 * Not cached: conversions arrive with every goal beacon. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abtest.h"
#include "auth.h"
#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "router.h"
#include "visits.h"

#define WEIGHT_SLACK 1e-6

static const vrule_t variant_rules[] = {
	{"name", V_STRING, 1, 1, 100, NULL, NULL},
	{"weight", V_NUMBER, 1, 0, 1, NULL, NULL},
};
static const vschema_t variant_schema = {"AbVariant", VRULES(variant_rules), NULL, 0, 0};
static const vrule_t abtest_rules[] = {
	{"name", V_STRING, 0, 1, 200, NULL, NULL},          /* create (editor) */
	{"metric", V_STRING, 0, 1, 64, NULL, NULL},
	{"variants", V_ARRAY, 0, 2, AB_VARIANTS_MAX, NULL, &variant_schema},
	{"thompson", V_BOOL, 0, 0, 0, NULL, NULL},
	{"domain", V_STRING, 0, 1, 253, NULL, NULL},
	{"test", V_INT, 0, 1, 9e15, NULL, NULL},            /* assignment (site key) */
	{"site", V_STRING, 0, 1, 200, NULL, NULL},          /* the site key, for beacons */
};
static const vschema_t abtest_body = {"AbTest", VRULES(abtest_rules), NULL, 0, 0};
const api_op_t op_ab_test = {NULL, 0, &abtest_body,
	"{\"name\": \"Beispiel: Angebots-Button über dem Rechner\", \"metric\": \"lead\", \"variants\": ["
	"{\"name\": \"Kontrolle\", \"weight\": 0.5}, {\"name\": \"Jetzt Angebot sichern\", "
	"\"weight\": 0.5}]}", 201, NULL};

/* ---- the figures of stored tests ---------------------------------------------- */

/* Tests with exposures and conversions per variant index. $1 test id or NULL,
 * $2 domain or NULL, $3 rows wanted, $4 cursor (tests below this id) or NULL. */
static const db_stmt_t q_tests = {"ab_tests_figures",
	"WITH t AS (SELECT t.*, s.domain FROM ab_tests t JOIN sites s ON s.id = t.site_id"
	"  WHERE ($1::bigint IS NULL OR t.id = $1) AND ($2::text IS NULL OR s.domain = $2)"
	"  AND ($4::bigint IS NULL OR t.id < $4) ORDER BY t.id DESC LIMIT $3::int),"
	" g AS (SELECT t.id AS test_id, e.visitor_id, max(e.ts) AS last FROM t JOIN events e"
	"  ON e.site_id = t.site_id AND e.kind = 'event' AND e.name = t.metric"
	"  AND e.ts >= t.created_at AND (t.ended_at IS NULL OR e.ts <= t.ended_at) GROUP BY 1, 2),"
	" c AS (SELECT x.test_id, x.variant, count(*) AS n,"
	"  count(*) FILTER (WHERE g.last >= x.exposed_at) AS conv"
	"  FROM ab_exposures x JOIN t ON t.id = x.test_id"
	"  LEFT JOIN g ON g.test_id = x.test_id AND g.visitor_id = x.visitor_id GROUP BY 1, 2)"
	" SELECT coalesce(json_agg(json_build_object('id', t.id, 'site', t.domain, 'name', t.name,"
	"  'metric', t.metric, 'variants', t.variants, 'thompson', t.thompson,"
	"  'status', CASE WHEN t.ended_at IS NULL THEN 'running' ELSE 'finished' END,"
	"  'created_at', to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  'ended_at', to_char(t.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  'counts', (SELECT coalesce(json_agg(json_build_array(c.variant, c.n, c.conv)), '[]')"
	"   FROM c WHERE c.test_id = t.id)) ORDER BY t.id DESC), '[]')::text FROM t"};

static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static json_t *interval(double lo, double hi)
{
	return isfinite(lo) && isfinite(hi) ? json_pack("[f, f]", lo, hi) : json_null();
}

/* Exposures and conversions per variant of a stored test into e[] and c[]. */
static void counts_of(json_t *t, size_t k, double *e, double *c)
{
	json_t *row;
	size_t i;
	memset(e, 0, k * sizeof *e);
	memset(c, 0, k * sizeof *c);
	json_array_foreach(json_object_get(t, "counts"), i, row) {
		json_int_t v = json_integer_value(json_array_get(row, 0));
		if (v >= 0 && (size_t)v < k) {
			e[v] = (double)json_integer_value(json_array_get(row, 1));
			c[v] = (double)json_integer_value(json_array_get(row, 2));
		}
	}
}

/* One variant's figures; the control (i = 0) has no comparison. */
static json_t *variant_json(json_t *def, size_t i, const double *e, const double *c,
			    double *chance)
{
	ab_compare_t o;
	json_t *v = json_pack("{s:O, s:O, s:I, s:I, s:o}", "name", json_object_get(def, "name"),
			      "weight", json_object_get(def, "weight"), "exposures", (json_int_t)e[i],
			      "conversions", (json_int_t)c[i], "rate", num(e[i] > 0 ? c[i] / e[i] : NAN));
	chance[i] = NAN;
	if (!v || i == 0 || ab_compare(c[0], e[0], c[i], e[i], &o) < 0)
		return v;
	chance[i] = o.chance_to_beat;
	json_object_set_new(v, "uplift", json_pack("{s:o, s:o, s:o, s:o}",
		"absolute", num(o.abs_uplift), "absolute_ci95", interval(o.abs_lo, o.abs_hi),
		"relative", num(o.rel_uplift), "relative_ci95", interval(o.rel_lo, o.rel_hi)));
	json_object_set_new(v, "z", num(o.z));
	json_object_set_new(v, "p_value", num(o.p_value));
	json_object_set_new(v, "significant", json_boolean(o.p_value < AB_ALPHA));
	json_object_set_new(v, "chance_to_beat_control", num(o.chance_to_beat));
	return v;
}

static json_t *srm_json(const double *e, const double *w, size_t k, int *flag)
{
	double chisq = NAN, p = ab_srm_p(e, w, k, &chisq);
	int applies = 1;
	for (size_t i = 0; i < k; i++)
		applies &= e[i] >= AB_SRM_MIN_UNITS;
	*flag = ab_srm_flag(e, k, p);
	return json_pack("{s:o, s:o, s:b, s:b}", "chisq", num(chisq), "p_value", num(p),
			 "applies", applies, "mismatch", *flag);
}

/* Adds variants with figures, srm and decision to a stored test; drops counts. */
static int figures(json_t *t)
{
	json_t *defs = json_object_get(t, "variants"), *out = json_array();
	size_t k = json_array_size(defs);
	double e[AB_VARIANTS_MAX], c[AB_VARIANTS_MAX], w[AB_VARIANTS_MAX], chance[AB_VARIANTS_MAX];
	int srm, winner;
	const char *code, *reason;
	if (!out || k < 2 || k > AB_VARIANTS_MAX) {
		json_decref(out);
		return -1;
	}
	counts_of(t, k, e, c);
	for (size_t i = 0; i < k; i++) {
		w[i] = json_number_value(json_object_get(json_array_get(defs, i), "weight"));
		json_array_append_new(out, variant_json(json_array_get(defs, i), i, e, c, chance));
	}
	json_object_set_new(t, "srm", srm_json(e, w, k, &srm));
	ab_decision_t d = ab_decide(chance, c, k, srm, &winner, &code, &reason);
	json_object_set_new(t, "decision", json_pack("{s:s, s:o, s:s, s:s}", "decision",
		ab_decision_name(d), "winner", winner >= 0 ? json_incref(json_object_get(
		json_array_get(defs, (size_t)winner), "name")) : json_null(), "code", code,
		"reason", reason));
	json_object_set_new(t, "variants", out);
	double total = 0;
	for (size_t i = 0; i < k; i++)
		total += e[i];
	json_object_set_new(t, "exposures", json_integer((json_int_t)total));
	json_object_del(t, "counts");
	return 0;
}

/* Stored tests as JSON (arena-owned array), figures added; NULL on error. */
static json_t *tests_new(arena_t *a, const char *p[4])
{
	PGresult *res = db_run(a, &q_tests, 4, p);
	json_t *tests = res ? arena_json(a, json_loads(db_get(res, 0, 0), 0, NULL)) : NULL, *t;
	size_t i;
	json_array_foreach(tests, i, t)
		if (figures(t) < 0)
			return NULL;
	return tests;
}

static json_t *method_json(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
		"conversion", "an exposed visitor with a goal event (metric) at or after its "
		"exposure, before the test ended",
		"uplift", "rate minus the control's; 95 % Wald interval as R's prop.test(correct "
		"= FALSE); relative uplift rate / control - 1 with a delta-method interval",
		"p_value", "pooled two-proportion z-test, two-sided (alpha 0.05)",
		"chance_to_beat_control", "P(rate > control rate) with Beta(1,1) priors, exact",
		"srm", "chi-square goodness of fit of exposures to the weights (R's chisq.test); "
		"a mismatch when p < 0.001 and every variant has at least 8 exposures",
		"decision", "GrowthBook's defaults: stop on a sample-ratio mismatch; keep running "
		"until the larger arm of a comparison has 150 conversions; ship the variant "
		"whose chance to beat the control reaches 95 %; stop (keep the control) when "
		"every variant's chance is at most 5 %; else keep running");
}

/* ---- #31 results ---------------------------------------------------------------- */

static const vrule_t results_query[] = {
	{"test", V_INT, 0, 1, 9e15, NULL, NULL},
	{"site", V_STRING, 0, 1, 253, NULL, NULL},
	{"limit", V_INT, 0, 1, 500, NULL, NULL},
	{"cursor", V_STRING, 0, 1, 40, NULL, NULL},
};

/* The cursor: base64url of "t:<id>" of the last test given; 0 when bad. */
static long long cursor_id(const char *cur)
{
	unsigned char raw[32];
	char *end;
	int n = cur && strlen(cur) <= 40 ? crypto_b64url_decode(cur, raw, sizeof raw - 1) : -1;
	if (n < 3)
		return 0;
	raw[n] = '\0';
	if (raw[0] != 't' || raw[1] != ':')
		return 0;
	long long id = strtoll((const char *)raw + 2, &end, 10);
	return *end || id <= 0 ? 0 : id;
}

static void results_check(req_t *r, json_t *errors)
{
	const char *cursor = req_query(r, "cursor");
	if (cursor && !cursor_id(cursor))
		verr(errors, "cursor", "is not a cursor this endpoint gave out");
}
const api_op_t op_ab_results = {VRULES(results_query), NULL, NULL, 0, results_check};

int h_ab_results(req_t *r)
{
	const char *limit = req_query(r, "limit"), *cursor = req_query(r, "cursor");
	long lim = limit ? strtol(limit, NULL, 10) : 50;     /* checked by the router */
	const char *p[] = {req_query(r, "test"), req_query(r, "site"),
		arena_printf(r->arena, "%ld", lim + 1),
		cursor ? arena_printf(r->arena, "%lld", cursor_id(cursor)) : NULL};
	json_t *tests = p[2] ? tests_new(r->arena, p) : NULL;
	if (!tests)
		return db_last() != DB_OK ? db_fail(r) : reply_problem(r, 500, "out of memory", NULL);
	json_t *next = json_null();
	if ((long)json_array_size(tests) > lim) {
		json_array_remove(tests, (size_t)lim);
		char raw[32], enc[64];
		int n = snprintf(raw, sizeof raw, "t:%lld", (long long)json_integer_value(
			json_object_get(json_array_get(tests, (size_t)lim - 1), "id")));
		crypto_b64url((const unsigned char *)raw, (size_t)n, enc);
		next = json_string(enc);
	}
	if (p[0] && json_array_size(tests) == 0)
		return reply_problem(r, 404, "no A/B test has this id", NULL);
	return reply_json(r, 200, json_pack("{s:I, s:O, s:o, s:o, s:I}", "n",
		(json_int_t)json_array_size(tests), "items", tests, "next_cursor", next,
		"method", method_json(), "limit", (json_int_t)lim));
}

/* ---- #30 create (editor) --------------------------------------------------------- */

/* $1 domain or NULL: the site meant (the first registered when NULL). */
static const db_stmt_t q_site = {"ab_site",
	"SELECT id FROM sites WHERE active AND ($1::text IS NULL OR domain = $1) ORDER BY id LIMIT 1"};
/* $1 site id, $2 goal name: whether its tracker has sent that goal. */
static const db_stmt_t q_goal = {"ab_goal",
	"SELECT EXISTS (SELECT 1 FROM events WHERE site_id = $1 AND kind = 'event' AND name = $2)"};
/* $1 site, $2 name, $3 metric, $4 variants, $5 thompson, $6 who. Idempotent
 * on (site, name): a test of that name is returned with whether it is the
 * same test (metric, variants, allocation) or another. */
static const db_stmt_t q_create = {"ab_create",
	"WITH t AS (INSERT INTO ab_tests (site_id, name, metric, variants, thompson, created_by)"
	"  VALUES ($1, $2, $3, $4::jsonb, $5::boolean, $6)"
	"  ON CONFLICT (site_id, lower(name)) DO NOTHING RETURNING *),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'abtest.created', jsonb_build_object("
	"  'id', id, 'site_id', site_id, 'name', name, 'metric', metric, 'variants', variants,"
	"  'thompson', thompson, 'by', created_by) FROM t RETURNING id),"
	" old AS (SELECT * FROM ab_tests WHERE site_id = $1 AND lower(name) = lower($2)"
	"  AND NOT EXISTS (SELECT 1 FROM t))"
	" SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  true, true, (SELECT count(*) FROM ev) FROM t"
	" UNION ALL SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  false, name = $2 AND metric = $3 AND variants = $4::jsonb AND thompson = $5::boolean, 0"
	"  FROM old"};

/* Each variant a {name, weight}, weights in [0,1] summing to 1, names
 * unique; errors name the field. */
static void check_variants(json_t *variants, json_t *errors)
{
	json_t *v;
	size_t i;
	double sum = 0;
	char at[32];
	int bad = 0;
	json_array_foreach(variants, i, v) {
		snprintf(at, sizeof at, "variants[%zu]", i);
		if (!json_is_object(v)) {
			verr(errors, at, "must be an object {name, weight}");
			bad = 1;
			continue;
		}
		if (validate(v, VRULES(variant_rules), at, errors)) {
			bad = 1;
			continue;
		}
		const char *name = json_string_value(json_object_get(v, "name"));
		sum += json_number_value(json_object_get(v, "weight"));
		for (size_t j = 0; name && j < i; j++)
			if (strcmp(name, json_string_value(json_object_get(json_array_get(variants, j),
								      "name")) ?: "") == 0) {
				char f[40];
				snprintf(f, sizeof f, "variants[%zu].name", i);
				verr(errors, f, "repeats the name of variants[%zu]", j);
			}
	}
	if (!bad && fabs(sum - 1) > WEIGHT_SLACK)
		verr(errors, "variants", "weights must sum to 1 (they sum to %.6g)", sum);
}

static void check_create(json_t *body, json_t *errors)
{
	static const char *const need[] = {"name", "metric", "variants"};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!json_object_get(body, need[i]))
			verr(errors, need[i], "is required to create a test");
	json_t *variants = json_object_get(body, "variants");
	if (json_is_array(variants) && json_array_size(variants) >= 2 &&
	    json_array_size(variants) <= AB_VARIANTS_MAX)
		check_variants(variants, errors);
}

/* The site and the metric, checked against stored data; 0, or -1 after a reply. */
static int check_stored(req_t *r, json_t *body, const char **site)
{
	json_t *errors = arena_json(r->arena, json_array());
	const char *p[] = {json_string_value(json_object_get(body, "domain")), NULL};
	PGresult *res = db_run(r->arena, &q_site, 1, p);
	if (!res || !errors)
		return errors ? db_fail(r) - 1 : reply_problem(r, 500, "out of memory", NULL) - 1;
	if (PQntuples(res) != 1)
		verr(errors, "domain", p[0] ? "no active site has this domain" : "no active site");
	else
		*site = db_get(res, 0, 0);
	const char *q[] = {*site, json_string_value(json_object_get(body, "metric"))};
	res = *site ? db_run(r->arena, &q_goal, 2, q) : NULL;
	if (*site && !res)
		return db_fail(r) - 1;
	if (res && strcmp(db_get(res, 0, 0), "t") != 0)
		verr(errors, "metric", "no goal event of this name has been tracked on the site");
	return json_array_size(errors) ? reply_invalid(r, json_incref(errors)) - 1 : 0;
}

static int create(req_t *r, json_t *body)
{
	const char *site = NULL;
	if (check_stored(r, body, &site) < 0)
		return 0;
	json_t *variants = arena_json(r->arena, json_array()), *v;
	size_t i;
	json_array_foreach(json_object_get(body, "variants"), i, v)
		json_array_append_new(variants, json_pack("{s:O, s:O}", "name", json_object_get(v,
			"name"), "weight", json_object_get(v, "weight")));
	char *vs = variants ? json_dumps(variants, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
	const char *who = req_actor(r);
	int thompson = json_is_true(json_object_get(body, "thompson"));
	const char *p[] = {site, json_string_value(json_object_get(body, "name")),
		json_string_value(json_object_get(body, "metric")), vs,
		thompson ? "true" : "false", who};
	if (!vs || !who || arena_cleanup(r->arena, free, vs) < 0) {
		free(vs);
		return reply_problem(r, 500, "out of memory", NULL);
	}
	PGresult *res = db_run(r->arena, &q_create, 6, p);
	if (!res || PQntuples(res) != 1)
		return res ? reply_problem(r, 409, "the A/B test was created concurrently; send "
					   "it again", NULL) : db_fail(r);
	if (strcmp(db_get(res, 0, 3), "t") != 0)
		return reply_problem(r, 409, "this site already has another A/B test of this "
				     "name: choose another name", NULL);
	return reply_json(r, 201, json_pack("{s:I, s:b, s:s, s:s, s:O, s:O, s:b, s:s, s:s}",
		"id", (json_int_t)db_getll(res, 0, 0, 0), "created", strcmp(db_get(res, 0, 2), "t") == 0,
		"name", p[1], "metric", p[2],
		"variants", variants, "domain", json_object_get(body, "domain") ?: json_null(),
		"thompson", thompson, "created_at", db_get(res, 0, 1),
		"allocation", thompson ? "thompson sampling over the variants' posteriors"
				       : "hash of visitor and test into the weight ranges"));
}

/* ---- #30 assignment (site key) ------------------------------------------------- */

/* $1 test, $2 site: the test of this site. */
static const db_stmt_t q_test = {"ab_test_of_site",
	"SELECT variants::text, thompson, ended_at IS NOT NULL FROM ab_tests"
	" WHERE id = $1 AND site_id = $2"};
/* $1 test, $2 visitor: the stored exposure. */
static const db_stmt_t q_exposure = {"ab_exposure",
	"SELECT variant FROM ab_exposures WHERE test_id = $1 AND visitor_id = $2"};
/* $1 test, $2 visitor, $3 variant: stores the exposure unless a concurrent
 * request stored one first; returns the variant that holds and whether new. */
static const db_stmt_t q_expose = {"ab_expose",
	"WITH ins AS (INSERT INTO ab_exposures (test_id, visitor_id, variant)"
	"  VALUES ($1, $2, $3::smallint) ON CONFLICT DO NOTHING RETURNING variant)"
	" SELECT variant, true FROM ins UNION ALL SELECT variant, false FROM ab_exposures"
	"  WHERE test_id = $1 AND visitor_id = $2 AND NOT EXISTS (SELECT 1 FROM ins)"};

/* The variant for a new visitor: by weight or by Thompson sampling. -1 on error. */
static int choose(req_t *r, const char *test, const char *visitor, json_t *defs, int thompson)
{
	size_t k = json_array_size(defs);
	double w[AB_VARIANTS_MAX], e[AB_VARIANTS_MAX], c[AB_VARIANTS_MAX];
	if (k < 2 || k > AB_VARIANTS_MAX)
		return -1;
	for (size_t i = 0; i < k; i++)
		w[i] = json_number_value(json_object_get(json_array_get(defs, i), "weight"));
	if (!thompson)
		return (int)ab_bucket(ab_hash(test, visitor), w, k);
	const char *p[] = {test, NULL, "1", NULL};
	json_t *tests = tests_new(r->arena, p);
	if (!tests || json_array_size(tests) != 1)
		return -1;
	json_t *vs = json_object_get(json_array_get(tests, 0), "variants");
	for (size_t i = 0; i < k; i++) {
		e[i] = (double)json_integer_value(json_object_get(json_array_get(vs, i), "exposures"));
		c[i] = (double)json_integer_value(json_object_get(json_array_get(vs, i), "conversions"));
	}
	unsigned long long seed = strtoull(visitor, NULL, 10) ^ strtoull(test, NULL, 10);
	return (int)ab_thompson(c, e, k, (uint64_t)seed);
}

static int assign(req_t *r, json_t *body)
{
	char visitor[24];
	const char *test = arena_printf(r->arena, "%lld",
					(long long)json_integer_value(json_object_get(body, "test")));
	const char *site = arena_printf(r->arena, "%lld", (long long)r->who.id);
	const char *p[] = {test, site, NULL};
	PGresult *res = test && site ? db_run(r->arena, &q_test, 2, p) : NULL;
	if (!res)
		return db_fail(r);
	if (PQntuples(res) == 0)
		return reply_problem(r, 404, "this site has no A/B test with this id", NULL);
	if (strcmp(db_get(res, 0, 2), "t") == 0)
		return reply_problem(r, 409, "the test has ended: show the page as it is", NULL);
	json_t *defs = arena_json(r->arena, json_loads(db_get(res, 0, 0), 0, NULL));
	int thompson = strcmp(db_get(res, 0, 1), "t") == 0;
	if (!defs || visits_visitor_id(r, visitor) < 0)
		return reply_problem(r, 500, "could not identify the visitor", NULL);
	p[1] = visitor;
	PGresult *had = db_run(r->arena, &q_exposure, 2, p);
	if (!had)
		return db_fail(r);
	int v = PQntuples(had) ? (int)db_getll(had, 0, 0, 0)
			       : choose(r, test, visitor, defs, thompson);
	if (v < 0 || !(p[2] = arena_printf(r->arena, "%d", v)))
		return db_last() != DB_OK ? db_fail(r) : reply_problem(r, 500, "out of memory", NULL);
	res = db_run(r->arena, &q_expose, 3, p);
	if (!res || PQntuples(res) != 1)
		return res ? reply_problem(r, 500, "the exposure was not stored", NULL) : db_fail(r);
	v = (int)db_getll(res, 0, 0, 0);
	return reply_json(r, 200, json_pack("{s:I, s:O, s:i, s:b, s:s}", "test",
		json_integer_value(json_object_get(body, "test")), "variant",
		json_object_get(json_array_get(defs, (size_t)v), "name"), "index", v,
		"new", strcmp(db_get(res, 0, 1), "t") == 0,
		"allocation", thompson ? "thompson" : "hash"));
}

int h_ab_test(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	if (!json_is_object(body))
		verr(errors, "", "must be an object: a test to create, or {\"test\": id} with the "
		     "site key");
	else
		validate(body, VRULES(abtest_rules), "", errors);
	int assigning = json_object_get(body, "test") != NULL;
	if (!json_array_size(errors) && !assigning)
		check_create(body, errors);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	if (auth_user_or_site(r, json_string_value(json_object_get(body, "site"))) < 0)
		return 0;
	if (r->who.cred == CRED_SITEKEY)
		return assigning ? assign(r, body) : reply_problem(r, 403, "a site key may only ask "
			"for a visitor's variant ({\"test\": id}); tests are created by editors", NULL);
	if (assigning)
		return reply_problem(r, 403, "variants are assigned to the site's visitors: ask with "
				     "the site key", NULL);
	return create(r, body);
}
