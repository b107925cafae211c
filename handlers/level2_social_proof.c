/* level2_social_proof.c - #5 POST /api/level2/social-proof/integrate and
 * #6 GET /api/level2/social-proof/report.
 *
 * integrate: one review, an array or {reviews:[...]} of at most 500. Every
 * review is validated and every bad field named by index ("[3].rating"); a
 * batch with one bad review is refused whole. Ratings are integers 1..5;
 * `lang` (de|en) is guessed from the text when absent (German when
 * undecided); published_at/replied_at are ISO 8601, local Europe/Berlin time
 * when they carry no zone. Sentiment comes from analysis/sentiment. A valid
 * batch is one statement (an upsert on (source, external_id) plus one
 * `review.imported` row in event_log when anything changed), so a batch is
 * stored whole or not at all and sending it twice changes nothing: the answer
 * counts inserted / updated / unchanged. `Idempotency-Key` replays are done
 * for every route by core/idempotency.c.
 *
 * report: ?from&to&tz&source. Without from and to the report covers all
 * time (reviews are sparse; a 28-day window would be mostly empty); with
 * either, the usual range rules of core/range.h apply. Per source and
 * overall: count, mean, Bayesian average ((C*m + sum) / (C + n), C = 10
 * reviews at m = 4.0 stars), distribution 1-5, monthly trend in tz, reply
 * rate, sentiment mix and the trust score of analysis/reviews.h, with the
 * formulas in `method`; JSON-LD (AggregateRating on the Organization ZOE
 * Solar, ratingValue = the plain mean, and the 5 latest Reviews), each
 * validated, with Google's 2019 policy on self-serving review stars. No
 * reviews: n 0, empty lists, nulls instead of figures, JSON-LD null with a
 * reason. All figures come from one SQL statement. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "json_in.h"
#include "jsonld.h"
#include "range.h"
#include "reviews.h"
#include "router.h"
#include "sentiment.h"
#include "text.h"


#define MAX_REVIEWS 500
/* "source\nexternal_id": a token of <= 32 bytes, <= 200 code points (<= 800 bytes) */
#define KEY_MAX (32 + 1 + 800 + 1)
#define LATEST_REVIEWS 5
#define STR_(x) #x
#define STR(x) STR_(x)
#define ORG_NAME "ZOE Solar"
#define ORG_URL "https://zoe-solar.de"

static const char self_serving_policy[] =
	"Google shows no review stars for self-serving reviews: since 16 September 2019 "
	"AggregateRating and Review markup that a LocalBusiness or Organization puts on its own "
	"site about itself gets no review rich result. The markup stays valid schema.org; no star "
	"rich result is expected in Google Search.";

static const char *const langs[] = {"de", "en", NULL};

/* Presence and type; contents are checked by `formats` below. */
static const vrule_t review_rules[] = {
	{"source", V_STRING, 1, 0, 0, NULL, NULL},
	{"external_id", V_STRING, 1, 1, 200, NULL, NULL},
	{"rating", V_INT, 1, 1, 5, NULL, NULL},
	{"author", V_STRING, 1, 1, 200, NULL, NULL},
	{"text", V_STRING, 0, 0, 20000, NULL, NULL},
	{"lang", V_STRING, 0, 0, 0, langs, NULL},
	{"published_at", V_STRING, 1, 0, 0, NULL, NULL},
	{"reply", V_STRING, 0, 0, 20000, NULL, NULL},
	{"replied_at", V_STRING, 0, 0, 0, NULL, NULL},
};
/* One review, an array of them, or {"reviews": [...]}. */
static const vschema_t review_body = {"Review", VRULES(review_rules), NULL, 0, MAX_REVIEWS};
const api_op_t op_reviews_integrate = {NULL, 0, &review_body,
	"{\"source\": \"google\", \"external_id\": \"g-1001\", \"rating\": 5, "
	"\"author\": \"Anna M.\", \"text\": \"Sehr gute Beratung, schnelle Montage.\", "
	"\"lang\": \"de\", \"published_at\": \"2026-03-02\"}", 0, NULL};

/* A lowercase token: google, trustpilot, provenexpert, facebook, other … */
static int is_token(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 32 || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* ISO 8601 as PostgreSQL stores it: there is no year 0000 (1 BC). */
static int is_date(const char *s)
{
	return jsonld_is_iso8601(s) && strncmp(s, "0000", 4) != 0;
}

static const struct {
	const char *field;
	int (*ok)(const char *s);
	const char *message;
} formats[] = {
	{"source", is_token, "must be a lowercase token of a-z, 0-9, - and _ (at most 32), "
			     "e.g. google, trustpilot, provenexpert"},
	{"published_at", is_date, "must be an ISO 8601 date or date-time"},
	{"replied_at", is_date, "must be an ISO 8601 date or date-time"},
};

/* Timestamps without a zone are local time in Europe/Berlin. */
#define TS(col) "CASE WHEN " col " ~* 'T.*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$' THEN " col \
	"::timestamptz ELSE " col "::timestamp AT TIME ZONE 'Europe/Berlin' END"

/* The batch in one statement: upsert, count, event. A row whose stored
 * values equal the sent ones is left alone (not returned: unchanged). */
static const db_stmt_t q_upsert = {"rv_upsert",
	"WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(source text, external_id text,"
	"  rating smallint, author text, body text, lang text, published_at text, reply text,"
	"  replied_at text, sentiment_score float8, sentiment_label text)),"
	" up AS (INSERT INTO reviews AS r (source, external_id, rating, author, body, lang,"
	"  published_at, reply, replied_at, sentiment_score, sentiment_label)"
	"  SELECT source, external_id, rating, author, coalesce(body, ''), lang,"
	"   " TS("published_at") ", reply, " TS("replied_at") ", sentiment_score, sentiment_label"
	"  FROM x"
	"  ON CONFLICT (source, external_id) DO UPDATE SET rating = EXCLUDED.rating,"
	"   author = EXCLUDED.author, body = EXCLUDED.body, lang = EXCLUDED.lang,"
	"   published_at = EXCLUDED.published_at, reply = EXCLUDED.reply,"
	"   replied_at = EXCLUDED.replied_at, sentiment_score = EXCLUDED.sentiment_score,"
	"   sentiment_label = EXCLUDED.sentiment_label, updated_at = now()"
	"  WHERE (r.rating, r.author, r.body, r.lang, r.published_at, r.reply, r.replied_at,"
	"   r.sentiment_score, r.sentiment_label) IS DISTINCT FROM (EXCLUDED.rating,"
	"   EXCLUDED.author, EXCLUDED.body, EXCLUDED.lang, EXCLUDED.published_at, EXCLUDED.reply,"
	"   EXCLUDED.replied_at, EXCLUDED.sentiment_score, EXCLUDED.sentiment_label)"
	"  RETURNING r.source, r.external_id, (r.xmax = 0) AS inserted),"
	" ev AS (INSERT INTO event_log (type, data)"
	"  SELECT 'review.imported', jsonb_build_object('received', $2::int,"
	"   'inserted', count(*) FILTER (WHERE inserted),"
	"   'updated', count(*) FILTER (WHERE NOT inserted), 'unchanged', $2::int - count(*),"
	"   'by', $3::text, 'reviews', jsonb_agg(jsonb_build_object('source', source,"
	"   'external_id', external_id, 'status', CASE WHEN inserted THEN 'inserted'"
	"   ELSE 'updated' END)))"
	"  FROM up HAVING count(*) > 0 RETURNING id)"
	" SELECT source, external_id, inserted FROM up"};

/* Field errors of review i beyond the rule table; 0 when none were added. */
static int check_formats(json_t *rv, const char *prefix, json_t *errors)
{
	size_t before = json_array_size(errors);
	char f[64];
	for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
		const char *s = json_string_value(json_object_get(rv, formats[k].field));
		if (s && !formats[k].ok(s)) {
			snprintf(f, sizeof(f), "%s.%s", prefix, formats[k].field);
			verr(errors, f, "%s", formats[k].message);
		}
	}
	const char *reply = json_string_value(json_object_get(rv, "reply"));
	if (json_string_value(json_object_get(rv, "replied_at")) && !(reply && *reply)) {
		snprintf(f, sizeof(f), "%s.replied_at", prefix);
		verr(errors, f, "is only allowed together with a reply");
	}
	return (int)(json_array_size(errors) - before);
}

/* Validates review i and appends its row (with lang and sentiment) to rows.
 * 0 = ok or invalid (errors added), -1 on out of memory. */
static int review_row(json_t *rv, size_t i, json_t *rows, json_t *errors)
{
	char prefix[24];
	snprintf(prefix, sizeof(prefix), "[%zu]", i);
	if (!json_is_object(rv)) {
		verr(errors, prefix, "must be an object");
		return 0;
	}
	int bad = validate(rv, review_rules, sizeof(review_rules) / sizeof(review_rules[0]),
			   prefix, errors);
	if (check_formats(rv, prefix, errors) + bad > 0)
		return 0;
	const char *text = json_string_value(json_object_get(rv, "text"));
	const char *lang = json_string_value(json_object_get(rv, "lang"));
	const char *reply = json_string_value(json_object_get(rv, "reply"));
	size_t len = text ? strlen(text) : 0;
	if (!lang)
		lang = text_guess_lang(text ? text : "", len) == TEXT_LANG_EN ? "en" : "de";
	sentiment_t s = {0, NULL, 0, 0, NULL};
	if (len && sentiment_analyze(text, len, lang, &s) < 0)
		return -1;
	json_t *row = json_pack("{s:O, s:O, s:O, s:O, s:s, s:s, s:O, s:s?, s:O?, s:o, s:s?}",
		"source", json_object_get(rv, "source"),
		"external_id", json_object_get(rv, "external_id"),
		"rating", json_object_get(rv, "rating"), "author", json_object_get(rv, "author"),
		"body", text ? text : "", "lang", lang,
		"published_at", json_object_get(rv, "published_at"),
		"reply", reply && *reply ? reply : NULL,
		"replied_at", json_object_get(rv, "replied_at"),
		"sentiment_score", len ? json_real(s.score) : json_null(),
		"sentiment_label", len ? s.label : NULL);
	return row && json_array_append_new(rows, row) == 0 ? 0 : -1;
}

/* The list of reviews in a body: an object with a "reviews" array, an array,
 * or a single review object. */
static json_t *batch_of(arena_t *a, json_t *body)
{
	json_t *inner = json_is_object(body) ? json_object_get(body, "reviews") : NULL;
	if (json_is_array(inner))
		return inner;
	if (json_is_array(body))
		return body;
	json_t *list = arena_json(a, json_array());
	if (list)
		json_array_append(list, body);
	return list;
}

/* Names every (source, external_id) sent twice; fills keys: key -> index. */
static void check_duplicates(json_t *rows, json_t *keys, json_t *errors)
{
	size_t i;
	json_t *row;
	char f[40];
	json_array_foreach(rows, i, row) {
		char k[KEY_MAX];
		snprintf(k, sizeof(k), "%s\n%s", json_string_value(json_object_get(row, "source")),
			 json_string_value(json_object_get(row, "external_id")));
		json_t *seen = json_object_get(keys, k);
		if (seen) {
			snprintf(f, sizeof(f), "[%zu].external_id", i);
			verr(errors, f, "repeats the (source, external_id) of [%lld] in this batch",
			     (long long)json_integer_value(seen));
		} else {
			json_object_set_new(keys, k, json_integer((json_int_t)i));
		}
	}
}

/* The answer: counts and, per review, its status, language and sentiment. */
static json_t *import_reply(const PGresult *res, json_t *rows, json_t *keys)
{
	size_t n = json_array_size(rows), i;
	json_t *status = json_array(), *items = json_array(), *row;
	long long ins = 0, upd = 0;
	for (i = 0; status && i < n; i++)
		json_array_append_new(status, json_string("unchanged"));
	for (int k = 0; k < PQntuples(res); k++) {
		char key[KEY_MAX];
		int inserted = strcmp(db_get(res, k, 2), "t") == 0;
		snprintf(key, sizeof(key), "%s\n%s", db_get(res, k, 0), db_get(res, k, 1));
		json_t *idx = json_object_get(keys, key);
		if (idx)
			json_array_set_new(status, (size_t)json_integer_value(idx),
					   json_string(inserted ? "inserted" : "updated"));
		ins += inserted;
		upd += !inserted;
	}
	json_array_foreach(rows, i, row) {
		json_t *score = json_object_get(row, "sentiment_score");
		json_array_append_new(items, json_pack("{s:I, s:O, s:O, s:O, s:O, s:o}",
			"index", (json_int_t)i, "source", json_object_get(row, "source"),
			"external_id", json_object_get(row, "external_id"),
			"status", json_array_get(status, i), "lang", json_object_get(row, "lang"),
			"sentiment", json_is_real(score) ? json_pack("{s:f, s:O}", "score",
				round(json_real_value(score) * 10000) / 10000, "label",
				json_object_get(row, "sentiment_label")) : json_null()));
	}
	json_decref(status);
	return json_pack("{s:I, s:I, s:I, s:I, s:o}", "received", (json_int_t)n,
			 "inserted", (json_int_t)ins, "updated", (json_int_t)upd,
			 "unchanged", (json_int_t)((long long)n - ins - upd), "items", items);
}

/* Stores the batch in one statement (one transaction) and replies. */
static int store_batch(req_t *r, json_t *rows, json_t *keys, const char *principal)
{
	char n[24];
	char *rows_text = json_dumps(rows, JSON_COMPACT | JSON_REAL_PRECISION(17));
	if (!rows_text || arena_cleanup(r->arena, free, rows_text) < 0) {
		free(rows_text);
		return reply_problem(r, 500, "out of memory", NULL);
	}
	snprintf(n, sizeof(n), "%zu", json_array_size(rows));
	const char *p[] = {rows_text, n, principal};
	PGresult *res = db_run(r->arena, &q_upsert, 3, p);
	if (!res)
		return db_fail(r);
	json_t *j = arena_json(r->arena, import_reply(res, rows, keys));
	return j ? reply_json(r, 200, j) : reply_problem(r, 500, "out of memory", NULL);
}

int h_reviews_integrate(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	const char *principal = req_actor(r);
	if (!principal)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *list = batch_of(r->arena, body);
	json_t *errors = arena_json(r->arena, json_array());
	json_t *rows = arena_json(r->arena, json_array());
	json_t *keys = arena_json(r->arena, json_object());
	if (!list || !errors || !rows || !keys)
		return reply_problem(r, 500, "out of memory", NULL);
	if (json_array_size(list) == 0 || json_array_size(list) > MAX_REVIEWS) {
		verr(errors, "reviews", "send one review, an array or {\"reviews\": [...]} of 1 to %d",
		     MAX_REVIEWS);
		return reply_invalid(r, json_incref(errors));
	}
	size_t i;
	json_t *rv;
	json_array_foreach(list, i, rv)
		if (review_row(rv, i, rows, errors) < 0)
			return reply_problem(r, 500, "out of memory", NULL);
	if (json_array_size(errors) == 0)
		check_duplicates(rows, keys, errors);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	return store_batch(r, rows, keys, principal);
}

/* ---- report ------------------------------------------------------------------- */

/* Columns: 0 section, 1 source (NULL = overall), 2 month, 3 n, 4 sum,
 * 5..9 ratings 1..5, 10 replied, 11 positive, 12 neutral, 13 negative,
 * 14 contradicting, 15 last 365 days, 16 days since the newest, 17 rank,
 * 18 review (jsonb). $1 from, $2 to (NULL, NULL = all time), $3 tz, $4 source,
 * $5 latest review texts wanted (at least LATEST_REVIEWS are read). */
static const db_stmt_t q_report = {"rv_report",
	"WITH r AS (SELECT * FROM reviews"
	"  WHERE ($1::date IS NULL OR published_at >= ($1::date::timestamp AT TIME ZONE $3))"
	"    AND ($2::date IS NULL OR published_at < (($2::date + 1)::timestamp AT TIME ZONE $3))"
	"    AND ($4::text IS NULL OR source = $4)),"
	" a AS (SELECT CASE WHEN $2::date IS NULL THEN now()"
	"  ELSE least(now(), ($2::date + 1)::timestamp AT TIME ZONE $3) END AS t)"
	" SELECT 'agg' AS section, source, NULL::text AS month, count(*) AS n,"
	"  coalesce(sum(rating), 0)::float8 AS sum,"
	"  count(*) FILTER (WHERE rating = 1) AS d1, count(*) FILTER (WHERE rating = 2) AS d2,"
	"  count(*) FILTER (WHERE rating = 3) AS d3, count(*) FILTER (WHERE rating = 4) AS d4,"
	"  count(*) FILTER (WHERE rating = 5) AS d5,"
	"  count(*) FILTER (WHERE coalesce(reply, '') <> '') AS replied,"
	"  count(*) FILTER (WHERE sentiment_label = 'positive') AS pos,"
	"  count(*) FILTER (WHERE sentiment_label = 'neutral') AS neu,"
	"  count(*) FILTER (WHERE sentiment_label = 'negative') AS neg,"
	"  count(*) FILTER (WHERE (rating >= 4 AND sentiment_label = 'negative')"
	"   OR (rating <= 2 AND sentiment_label = 'positive')) AS contra,"
	"  count(*) FILTER (WHERE published_at > (SELECT t FROM a) - interval '365 days'"
	"   AND published_at <= (SELECT t FROM a)) AS last_year,"
	"  (extract(epoch FROM (SELECT t FROM a) - max(published_at)) / 86400)::float8 AS days,"
	"  NULL::bigint AS rank, NULL::text AS doc"
	" FROM r GROUP BY GROUPING SETS ((source), ())"
	" UNION ALL"
	" SELECT 'month', source, month, count(*), sum(rating)::float8, NULL, NULL, NULL, NULL,"
	"  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
	" FROM (SELECT source, rating, to_char(published_at AT TIME ZONE $3, 'YYYY-MM') AS month"
	"  FROM r) m GROUP BY GROUPING SETS ((source, month), (month))"
	" UNION ALL"
	" SELECT 'latest', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
	"  NULL, NULL, NULL, NULL, row_number() OVER (ORDER BY published_at DESC, id DESC),"
	"  jsonb_build_object('source', source, 'external_id', external_id, 'rating', rating,"
	"   'author', author, 'text', body, 'lang', lang,"
	"   'published_at', to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"   'date', to_char(published_at AT TIME ZONE $3, 'YYYY-MM-DD'), 'reply', reply,"
	"   'sentiment', CASE WHEN sentiment_label IS NULL THEN NULL ELSE jsonb_build_object("
	"    'score', round(sentiment_score::numeric, 4), 'label', sentiment_label) END)::text"
	" FROM (SELECT * FROM r ORDER BY published_at DESC, id DESC"
	"  LIMIT greatest($5::int, " STR(LATEST_REVIEWS) ")) l"
	" ORDER BY 1, 2 NULLS FIRST, 3, 18"};

static double round4(double x)
{
	return round(x * 10000) / 10000;
}

/* A number, or JSON null for NAN (no data, no figure). */
static json_t *num(double x)
{
	return isnan(x) ? json_null() : json_real(round4(x));
}

static reviews_summary_t summary_of(const PGresult *res, int row)
{
	return (reviews_summary_t){
		.n = db_getll(res, row, 3, 0), .sum = db_getd(res, row, 4, 0),
		.replied = db_getll(res, row, 10, 0),
		.scored = db_getll(res, row, 11, 0) + db_getll(res, row, 12, 0) +
			  db_getll(res, row, 13, 0),
		.contradicting = db_getll(res, row, 14, 0), .last_year = db_getll(res, row, 15, 0),
		.days_since_newest = db_getd(res, row, 16, NAN)};
}

static json_t *trust_json(const reviews_trust_t *t)
{
	const double c[REVIEWS_TRUST_COMPONENTS] = {t->quality, t->volume, t->recency, t->reply,
						    t->consistency};
	json_t *comp = json_object();
	for (int i = 0; i < REVIEWS_TRUST_COMPONENTS; i++)
		json_object_set_new(comp, reviews_trust_names[i], num(c[i]));
	return json_pack("{s:f, s:o}", "score", t->score, "components", comp);
}

/* Figures of one group (a source or overall) from its 'agg' row. */
static json_t *group_json(const PGresult *res, int row, const char *source)
{
	reviews_summary_t s = summary_of(res, row);
	reviews_trust_t t;
	int have = reviews_trust(&s, &t) == 0;
	double n = (double)s.n;
	json_t *dist = json_object();
	for (int k = 1; k <= 5; k++) {
		char key[2] = {(char)('0' + k), 0};
		json_object_set_new(dist, key, json_integer(db_getll(res, row, 4 + k, 0)));
	}
	return json_pack("{s:s?, s:I, s:o, s:o, s:o, s:I, s:o, s:{s:I, s:I, s:I, s:I}, s:o, s:[]}",
		"source", source, "count", (json_int_t)s.n,
		"mean", num(s.n ? s.sum / n : NAN), "bayesian_average", num(reviews_bayes(s.sum, s.n)),
		"distribution", dist, "replied", (json_int_t)s.replied,
		"reply_rate", num(s.n ? (double)s.replied / n : NAN),
		"sentiment", "positive", (json_int_t)db_getll(res, row, 11, 0),
		"neutral", (json_int_t)db_getll(res, row, 12, 0),
		"negative", (json_int_t)db_getll(res, row, 13, 0),
		"unscored", (json_int_t)(s.n - s.scored),
		"trust", have ? trust_json(&t) : json_null(), "trend");
}

static json_t *org_new(void)
{
	return jsonld_organization_new(ORG_NAME, ORG_URL, NULL, NULL, 0);
}

/* AggregateRating (plain mean) on the Organization and the latest Reviews. */
static json_t *jsonld_json(json_t *overall, json_t *latest)
{
	json_int_t n = json_integer_value(json_object_get(overall, "count"));
	json_t *reviews = json_array(), *rv;
	size_t i;
	json_array_foreach(latest, i, rv) {
		if (i == LATEST_REVIEWS)
			break;
		const char *text = json_string_value(json_object_get(rv, "text"));
		json_array_append_new(reviews, jsonld_validated_new(jsonld_with_context(jsonld_review_new(
			org_new(), json_string_value(json_object_get(rv, "author")),
			(double)json_integer_value(json_object_get(rv, "rating")), 5, 1,
			json_string_value(json_object_get(rv, "date")), text && *text ? text : NULL,
			json_string_value(json_object_get(rv, "lang"))))));
	}
	json_t *agg = jsonld_validated_new(jsonld_with_context(jsonld_aggregate_rating_new(org_new(),
		json_real_value(json_object_get(overall, "mean")), (long)n, 5, 1)));
	return json_pack("{s:o, s:o, s:s}", "aggregate_rating", agg ? agg : json_null(),
			 "reviews", reviews, "policy", self_serving_policy);
}

static json_t *method_json(void)
{
	return json_pack("{s:s, s:{s:f, s:f}, s:s, s:s, s:s, s:s}",
		"bayesian_average", reviews_bayes_formula, "prior", "C", REVIEWS_PRIOR_C,
		"m", REVIEWS_PRIOR_M, "trust_score", reviews_trust_formula,
		"sentiment", "German/English lexicon with negation handling (analysis/sentiment); "
		"label positive >= 0.05, negative <= -0.05",
		"trend", "calendar months in tz of the range",
		"jsonld", "AggregateRating.ratingValue is the plain mean of the reviews; "
		"the Bayesian average is for comparing sources");
}

/* Sorts the rows of the report statement into the reply. */
static int fill_report(const PGresult *res, json_t *out)
{
	json_t *groups = json_object(), *sources = json_object_get(out, "sources");
	json_t *latest = json_object_get(out, "latest"), *overall = NULL;
	if (!groups)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *section = db_get(res, i, 0), *source = db_get(res, i, 1);
		const char *key = source ? source : "";
		if (strcmp(section, "agg") == 0) {
			json_t *g = group_json(res, i, source);
			json_object_set(groups, key, g);
			if (source)
				json_array_append_new(sources, g);
			else
				json_object_set_new(out, "overall", overall = g);
		} else if (strcmp(section, "month") == 0) {
			long long n = db_getll(res, i, 3, 0);
			json_array_append_new(json_object_get(json_object_get(groups, key), "trend"),
				json_pack("{s:s, s:I, s:f}", "month", db_get(res, i, 2), "count",
					  (json_int_t)n, "mean", round4(db_getd(res, i, 4, 0) / (double)n)));
		} else {
			json_array_append_new(latest, json_loads(db_get(res, i, 18), 0, NULL));
		}
	}
	json_decref(groups);
	if (!overall)
		return -1;
	json_int_t n = json_integer_value(json_object_get(overall, "count"));
	json_object_set_new(out, "n", json_integer(n));
	json_object_set_new(out, "jsonld", n ? jsonld_json(overall, latest) : json_null());
	if (!n)
		json_object_set_new(out, "jsonld_reason", json_string(
			"no reviews in the selected range and source: nothing to mark up"));
	return 0;
}

/* The data this report reads, for the report cache (core/cache.h). */
static const db_stmt_t q_reviews_stamp = {"q_reviews_stamp",
	"SELECT (SELECT last_value FROM data_version_reviews)::text"};

static const vrule_t report_query[] = {
	RANGE_RULES,
	{"source", V_STRING, 0, 1, 32, NULL, NULL},
	{"latest", V_INT, 0, 1, 100, NULL, NULL},       /* review texts; the JSON-LD keeps 5 */
};
static void report_check(req_t *r, json_t *errors)
{
	range_t rg;
	const char *source = req_query(r, "source");
	range_parse(r, &rg, errors);
	if (source && strcmp(source, "all") && !is_token(source))
		verr(errors, "source", "must be a lowercase source token such as google");
}
const api_op_t op_reviews_report = {VRULES(report_query), NULL, NULL, 0, report_check};

int h_reviews_report(req_t *r)
{
	int cached = cache_serve(r, &q_reviews_stamp);
	if (cached)
		return 0;
	range_t rg;
	json_t *errors = arena_json(r->arena, json_array());
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	const char *source = req_query(r, "source");
	int all_time = !from && !to;
	range_parse(r, &rg, errors);     /* checked by the router: report_check */
	if (source && !strcmp(source, "all"))
		source = NULL;
	const char *latest = req_query(r, "latest");
	const char *p[] = {all_time ? NULL : rg.from, all_time ? NULL : rg.to, rg.tz, source,
			   latest ? latest : STR(LATEST_REVIEWS)};
	PGresult *res = db_run(r->arena, &q_report, 5, p);
	if (!res)
		return db_fail(r);
	json_t *range = all_time ? json_pack("{s:n, s:n, s:s, s:b}", "from", "to", "tz", rg.tz,
					     "all_time", 1) : range_json_new(&rg);
	if (range && !all_time)
		json_object_set_new(range, "all_time", json_false());
	json_t *out = arena_json(r->arena, json_pack("{s:o, s:s?, s:o, s:[], s:[]}",
		"range", range, "source", source, "method", method_json(), "sources", "latest"));
	if (!out || fill_report(res, out) < 0)
		return reply_problem(r, 500, "out of memory while building the report", NULL);
	json_t *texts = json_object_get(out, "latest");      /* at least 5 were read, for the JSON-LD */
	size_t want = latest ? strtoul(latest, NULL, 10) : LATEST_REVIEWS;
	while (json_array_size(texts) > want)
		json_array_remove(texts, want);
	return reply_json(r, 200, out);
}

/* ---- demo --------------------------------------------------------------------- */

static const db_stmt_t q_unscored = {"rv_unscored",
	"SELECT id, body, lang FROM reviews WHERE sentiment_label IS NULL AND body <> ''"
	" ORDER BY id"};
static const db_stmt_t q_score = {"rv_score",
	"UPDATE reviews r SET sentiment_score = x.score, sentiment_label = x.label"
	" FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, score float8, label text)"
	" WHERE r.id = x.id"};

/* Scores every review with text but no sentiment (the demo rows of
 * sql/demo/030_reviews.sql) with analysis/sentiment; 0/-1. Idempotent. */
int reviews_seed_demo(void)
{
	int rc = -1;
	char *text = NULL;
	json_t *rows = json_array();
	PGresult *res = rows ? db_run(NULL, &q_unscored, 0, NULL) : NULL, *up = NULL;
	if (!res)
		goto out;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *body = db_get(res, i, 1);
		sentiment_t s;
		if (sentiment_analyze(body, strlen(body), db_get(res, i, 2), &s) < 0 ||
		    json_array_append_new(rows, json_pack("{s:I, s:f, s:s}", "id",
			(json_int_t)db_getll(res, i, 0, 0), "score", s.score, "label", s.label)) < 0)
			goto out;
	}
	if (json_array_size(rows) == 0) {
		rc = 0;
		goto out;
	}
	text = json_dumps(rows, JSON_COMPACT | JSON_REAL_PRECISION(17));
	const char *p[] = {text};
	if (text && (up = db_run(NULL, &q_score, 1, p)))
		rc = 0;
	if (rc == 0)
		printf("zoe seed: %zu reviews scored\n", json_array_size(rows));
out:
	if (rc < 0)
		fprintf(stderr, "zoe seed: scoring reviews failed: %s\n", db_last_message());
	PQclear(res);
	PQclear(up);
	free(text);
	json_decref(rows);
	return rc;
}
