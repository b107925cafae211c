/* level3_predictive.c - #11 POST /api/level3/predictive/analyze, #12 GET
 * .../report, #13 POST .../seasonal, #14 GET .../trends, #15 POST .../events.
 *
 * analyze imports daily keyword figures in any of the shapes Search Console
 * gives them: {keyword, points:[{date, clicks, impressions, position?, ctr?}]},
 * {series:[such objects]}, the Search Analytics API's {rows:[{keys:[query,
 * date], clicks, impressions, ctr, position}]}, a Performance export as
 * {csv:"..."} or sent as it is with Content-Type text/csv (analysis/gsc.c).
 * Keywords are trimmed, their spaces collapsed and lowercased. Every bad value
 * is named (a CSV by line and column) and then nothing is stored; a valid
 * import is one statement, an upsert on (keyword, day), so sending it again
 * changes nothing. The answer analyses each imported keyword over everything
 * stored for it.
 *
 * The analysis works on calendar months: a keyword's complete months (a
 * partial first or last month is left out; a day Search Console left out is
 * 0). Per keyword: Mann-Kendall and Sen's slope per month (analysis/trend.c),
 * seasonality strength and indices by calendar month (decomposition, from 24
 * months), and the forecast of the model that wins the holdout
 * (analysis/forecast.c: simple, Holt, damped, Holt-Winters additive or
 * multiplicative), `horizon` months (default 12) with 80 and 95 % intervals,
 * cut at 0 (counts are never negative). The metric is clicks (default) or
 * impressions.
 *
 * report and trends are read through the report cache (data_version_keywords
 * of sql/020_keywords.sql). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "db.h"
#include "forecast.h"
#include "gsc.h"
#include "handlers.h"
#include "json_in.h"
#include "mediatype.h"
#include "range.h"
#include "router.h"
#include "stats.h"
#include "text.h"
#include "trend.h"

#define MAX_ROWS 100000
#define MAX_SERIES 500
#define KEYWORD_MAX 300
#define SEASON 12
#define MAX_MONTHS 240      /* months a stored keyword is analysed over */
#define MAX_POINTS 1200     /* days of a range (core/range.h allows 1100) */
#define ALPHA 0.05
#define LEAD 2            /* months to publish ahead of a seasonal peak */

static const char *const metrics[] = {"clicks", "impressions", NULL};
static const char *const month_names[12] = {"Januar", "Februar", "März", "April", "Mai", "Juni",
	"Juli", "August", "September", "Oktober", "November", "Dezember"};

/* ---- numbers and months ---------------------------------------------------------- */

static double round4(double x)
{
	return round(x * 10000) / 10000;
}

/* A number rounded to 4 places, or null when there is none. */
static json_t *num(double x)
{
	return isfinite(x) ? json_real(round4(x)) : json_null();
}

/* "YYYY-MM" + k months into out[8]. */
static void month_add(const char *ym, int k, char out[8])
{
	long y = strtol(ym, NULL, 10), m = strtol(ym + 5, NULL, 10) - 1 + k;
	y += m >= 0 ? m / 12 : -((11 - m) / 12);
	m = ((m % 12) + 12) % 12;
	snprintf(out, 8, "%04d-%02d", (int)(((y % 10000) + 10000) % 10000), (int)(m % 12 + 1) % 13);
}

/* Calendar month 0..11 of "YYYY-MM". */
static int month_of(const char *ym)
{
	return (int)(strtol(ym + 5, NULL, 10) - 1) % 12;
}

/* Trimmed, spaces collapsed, lowercased keyword into out; 0, or -1 when
 * empty or longer than KEYWORD_MAX code points. */
static int normalise(const char *in, char *out, size_t outlen)
{
	char tmp[4 * KEYWORD_MAX + 4];
	size_t k = 0;
	for (const char *p = in; *p; p++) {
		int space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
		if (space && (k == 0 || tmp[k - 1] == ' '))
			continue;
		if (k + 1 >= sizeof(tmp))
			return -1;
		tmp[k++] = space ? ' ' : *p;
	}
	while (k && tmp[k - 1] == ' ')
		k--;
	tmp[k] = '\0';
	if (!k || utf8_len(tmp) > KEYWORD_MAX)
		return -1;
	return text_fold(tmp, k, out, outlen);
}

/* ---- the analysis of one monthly series -------------------------------------------- */

static json_t *trend_json(const double *y, size_t n)
{
	mk_result_t mk;
	sen_result_t sen;
	if (mk_test(y, n, &mk) < 0 || sen_slope(y, n, mk.var_s, &sen) < 0)
		return json_null();
	const char *dir = mk.p < ALPHA && sen.slope > 0 ? "rising"
			  : mk.p < ALPHA && sen.slope < 0 ? "falling" : "none";
	double mean = 0;
	for (size_t i = 0; i < n; i++)
		mean += y[i] / (double)n;
	return json_pack("{s:I, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}",
		"n", (json_int_t)n, "s", mk.s, "var_s", num(mk.var_s), "tau", num(mk.tau),
		"z", num(mk.z), "p", json_real(mk.p), "sen_slope", num(sen.slope),
		"sen_lo", num(sen.lo), "sen_hi", num(sen.hi),
		"slope_pct_of_mean", num(mean > 0 ? 100 * sen.slope / mean : NAN), "direction", dir);
}

/* Seasonal indices by calendar month; the series starts in calendar month m0. */
static json_t *indices_json(const decomp_t *d, int m0, double level)
{
	json_t *a = json_array();
	for (int c = 0; c < SEASON; c++) {
		double f = d->figure[((c - m0) % SEASON + SEASON) % SEASON];
		json_array_append_new(a, json_pack("{s:i, s:s, s:o, s:o}", "month", c + 1,
			"name", month_names[c], "effect", num(f),
			"index", num(level > 0 ? 1 + f / level : NAN)));
	}
	return a;
}

/* Calendar month 0..11 of the largest seasonal effect. */
static int peak_of(const decomp_t *d, int m0)
{
	int best = 0;
	for (int i = 1; i < SEASON; i++)
		if (d->figure[i] > d->figure[best])
			best = i;
	return (m0 + best) % SEASON;
}

/* Decomposition of y (>= 2 seasons) into out; -1 when too short. */
static int decompose(const double *y, size_t n, decomp_t *out, double *work)
{
	if (n < 2 * SEASON)
		return -1;
	return decomp_additive(y, n, SEASON, work, work + n, work + 2 * n, out);
}

static json_t *seasonality_json(const double *y, size_t n, const char *first, double *work)
{
	decomp_t d;
	if (decompose(y, n, &d, work) < 0)
		return json_null();
	double level = 0;
	for (size_t i = 0; i < n; i++)
		level += y[i] / (double)n;
	int peak = peak_of(&d, month_of(first));
	return json_pack("{s:i, s:o, s:o, s:b, s:i, s:s, s:o}", "period", SEASON,
		"strength", num(d.strength), "trend_strength", num(d.trend_strength),
		"harmonic", d.harmonic,
		"peak_month", peak + 1, "peak_name", month_names[peak],
		"indices", indices_json(&d, month_of(first), level));
}

static json_t *accuracy_json(const fc_accuracy_t *a)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "mape", num(a->mape), "smape", num(a->smape),
		"mase", num(a->mase), "coverage80", num(a->cover80), "coverage95", num(a->cover95));
}

static json_t *points_json(const hw_model_t *m, int horizon, const char *last)
{
	forecast_point_t f[36];
	json_t *a = json_array();
	hw_forecast(m, horizon, f);
	for (int h = 0; h < horizon; h++) {
		char ym[8];
		month_add(last, h + 1, ym);
		json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "month", ym,
			"point", num(fmax(0, f[h].point)), "lo80", num(fmax(0, f[h].lo80)),
			"hi80", num(fmax(0, f[h].hi80)), "lo95", num(fmax(0, f[h].lo95)),
			"hi95", num(fmax(0, f[h].hi95))));
	}
	return a;
}

static json_t *forecast_json(const double *y, size_t n, const char *last, int horizon)
{
	fc_choice_t c;
	if (fc_select(y, n, n >= SEASON + 2 ? SEASON : 0, &c) < 0)
		return json_null();
	json_t *cand = json_array();
	for (int k = 0; k < FC_METHODS; k++)
		if (c.tried[k]) {
			json_t *a = accuracy_json(&c.acc[k]);
			json_object_set_new(a, "method", json_string(fc_method_names[k]));
			json_array_append_new(cand, a);
		}
	json_t *hold = accuracy_json(&c.acc[c.method]);
	json_object_set_new(hold, "n", json_integer((json_int_t)c.holdout));
	const hw_model_t *m = &c.model;
	return json_pack("{s:s, s:i, s:{s:o, s:o, s:o, s:o}, s:o, s:o, s:o, s:o, s:o, s:o}",
		"method", fc_method_names[c.method], "season", m->season,
		"params", "alpha", num(m->alpha), "beta", m->has_trend ? num(m->beta) : json_null(),
		"gamma", m->season ? num(m->gamma) : json_null(),
		"phi", m->damped ? num(m->phi) : json_null(),
		"sigma", num(m->sigma), "interval_widen", num(hw_widen80(m)),
		"interval_widen_95", num(hw_widen95(m)),
		"points", points_json(m, horizon, last), "holdout", hold,
		"candidates", cand);
}

/* Everything #11 tells about one keyword's monthly series y (first month
 * `first`); NULL on out of memory. */
static json_t *analysis_json(const double *y, size_t n, const char *first, int horizon)
{
	char last[8] = "";
	double *work = n ? malloc(3 * n * sizeof(*work)) : NULL;
	if (n && !work)
		return NULL;
	if (n)
		month_add(first, (int)n - 1, last);
	json_t *j = json_pack("{s:I, s:s?, s:s?, s:o, s:o, s:o}", "months", (json_int_t)n,
		"from", n ? first : NULL, "to", n ? last : NULL,
		"trend", n >= 3 ? trend_json(y, n) : json_null(),
		"seasonality", seasonality_json(y, n, first, work),
		"forecast", n >= 4 ? forecast_json(y, n, last, horizon) : json_null());
	free(work);
	return j;
}

/* JSON text of j owned by the arena, NULL on out of memory. */
static char *dump(arena_t *a, const json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
	if (text && arena_cleanup(a, free, text) < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- stored series ------------------------------------------------------------------ */

/* Complete calendar months of the keywords in $1 (a JSON array; all when NULL): from the
 * first month that starts on or after the keyword's first day to the last
 * that ends on or before its last day. Columns: 0 keyword, 1 month, 2 clicks,
 * 3 impressions, 4 days stored. */
static const db_stmt_t q_months = {"kw_months",
	"WITH b AS (SELECT k.id, k.keyword, min(d.day) AS first, max(d.day) AS last"
	"  FROM keywords k JOIN keyword_days d ON d.keyword_id = k.id"
	"  WHERE $1::jsonb IS NULL OR k.keyword IN (SELECT jsonb_array_elements_text($1::jsonb))"
	"  GROUP BY k.id, k.keyword)"
	" SELECT b.keyword, to_char(g.month, 'YYYY-MM'), coalesce(sum(d.clicks), 0)::float8,"
	"  coalesce(sum(d.impressions), 0)::float8, count(d.day)"
	" FROM b CROSS JOIN LATERAL generate_series("
	"   date_trunc('month', b.first - 1) + interval '1 month',"
	"   date_trunc('month', b.last + 1) - interval '1 month', interval '1 month') g(month)"
	" LEFT JOIN keyword_days d ON d.keyword_id = b.id AND d.day >= g.month"
	"  AND d.day < g.month + interval '1 month'"
	" GROUP BY b.keyword, g.month ORDER BY b.keyword, g.month"};

typedef int (*series_fn)(const char *keyword, const char *first, const double *y, size_t n,
			 void *ctx);

/* Calls fn per keyword of a q_months result with its series of `metric`
 * (column 2 or 3); 0, or -1 when fn fails. */
static int each_series(const PGresult *res, int col, series_fn fn, void *ctx)
{
	double y[MAX_POINTS];
	int rows = PQntuples(res);
	for (int i = 0; i < rows;) {
		const char *kw = db_get(res, i, 0), *first = db_get(res, i, 1);
		size_t n = 0;
		int j = i;
		for (; j < rows && strcmp(db_get(res, j, 0), kw) == 0; j++)
			if (n < MAX_POINTS)
				y[n++] = db_getd(res, j, col, 0);
		if (fn(kw, first, y, n, ctx) < 0)
			return -1;
		i = j;
	}
	return 0;
}

/* Column of q_months for ?metric= / "metric". */
static int metric_col(const char *metric)
{
	return metric && strcmp(metric, "impressions") == 0 ? 3 : 2;
}

static const db_stmt_t q_keywords_stamp = {"q_keywords_stamp",
	"SELECT (SELECT last_value FROM data_version_keywords)::text"};

/* ---- #11 analyze: the import ---------------------------------------------------------- */

static const vrule_t point_rules[] = {
	{"date", V_DATE, 1, 0, 0, NULL, NULL},
	{"clicks", V_INT, 1, 0, 1e12, NULL, NULL},
	{"impressions", V_INT, 1, 0, 1e12, NULL, NULL},
	{"position", V_NUMBER, 0, 1, 1000, NULL, NULL},
	{"ctr", V_NUMBER, 0, 0, 1, NULL, NULL},
};
static const vschema_t point_schema = {"KeywordPoint", VRULES(point_rules), NULL, 0, 0};
static const vrule_t series_rules[] = {
	{"keyword", V_STRING, 1, 1, KEYWORD_MAX, NULL, NULL},
	{"points", V_ARRAY, 1, 1, MAX_ROWS, NULL, &point_schema},
};
static const vschema_t series_schema = {"KeywordSeries", VRULES(series_rules), NULL, 0, 0};
static const vrule_t api_row_rules[] = {
	{"keys", V_ARRAY, 1, 2, 2, NULL, NULL},
	{"clicks", V_NUMBER, 1, 0, 1e12, NULL, NULL},
	{"impressions", V_NUMBER, 1, 0, 1e12, NULL, NULL},
	{"ctr", V_NUMBER, 0, 0, 1, NULL, NULL},
	{"position", V_NUMBER, 0, 1, 1000, NULL, NULL},
};
static const vschema_t api_row_schema = {"SearchAnalyticsRow", VRULES(api_row_rules), NULL, 0, 0};
static const vrule_t analyze_rules[] = {
	{"keyword", V_STRING, 0, 1, KEYWORD_MAX, NULL, NULL},
	{"points", V_ARRAY, 0, 1, MAX_ROWS, NULL, &point_schema},
	{"series", V_ARRAY, 0, 1, MAX_SERIES, NULL, &series_schema},
	{"rows", V_ARRAY, 0, 1, MAX_ROWS, NULL, &api_row_schema},
	{"csv", V_STRING, 0, 1, 4e6, NULL, NULL},
	{"horizon", V_INT, 0, 1, 36, NULL, NULL},
	{"metric", V_STRING, 0, 0, 0, metrics, NULL},
};
static const vschema_t analyze_body = {"KeywordImport", VRULES(analyze_rules), NULL, 0, 0};
static const vrule_t analyze_query[] = {
	{"horizon", V_INT, 0, 1, 36, NULL, NULL},
	{"metric", V_STRING, 0, 0, 0, metrics, NULL},
};
const api_op_t op_predictive_analyze = {VRULES(analyze_query), &analyze_body,
	"{\"keyword\": \"balkonkraftwerk genehmigung\", \"points\": ["
	"{\"date\": \"2025-01-01\", \"clicks\": 12, \"impressions\": 340, \"position\": 4.5},"
	"{\"date\": \"2025-01-02\", \"clicks\": 15, \"impressions\": 362, \"position\": 4.2},"
	"{\"date\": \"2025-01-03\", \"clicks\": 9, \"impressions\": 298, \"position\": 5.1}]}",
	0, NULL};

typedef struct import {
	json_t *rows;       /* [{keyword, day, clicks, impressions, position}] */
	json_t *seen;       /* "keyword\nday" -> where it came first */
	json_t *keywords;   /* keyword -> number of days sent */
	json_t *errors;
} import_t;

/* Adds one day of a keyword; a bad value or a repeated (keyword, day) is
 * named by `where` ("points[3]", "csv line 7"). */
static void add_day(import_t *im, const char *where, const char *keyword, const char *day,
		    double clicks, double impressions, double position)
{
	char kw[4 * KEYWORD_MAX + 4], key[sizeof(kw) + 16], f[96];
	snprintf(f, sizeof(f), "%s.keyword", where);
	if (normalise(keyword, kw, sizeof(kw)) < 0) {
		verr(im->errors, f, "must be a keyword of 1 to %d characters", KEYWORD_MAX);
		return;
	}
	if (clicks > impressions) {
		snprintf(f, sizeof(f), "%s.clicks", where);
		verr(im->errors, f, "%g clicks are more than the %g impressions", clicks, impressions);
		return;
	}
	snprintf(key, sizeof(key), "%s\n%s", kw, day);
	json_t *first = json_object_get(im->seen, key);
	if (first) {
		snprintf(f, sizeof(f), "%s.date", where);
		verr(im->errors, f, "repeats keyword \"%s\" on %s, sent before at %s", kw, day,
		     json_string_value(first));
		return;
	}
	json_object_set_new(im->seen, key, json_string(where));
	json_object_set_new(im->keywords, kw, json_integer(
		json_integer_value(json_object_get(im->keywords, kw)) + 1));
	json_array_append_new(im->rows, json_pack("{s:s, s:s, s:I, s:I, s:o}", "keyword", kw,
		"day", day, "clicks", (json_int_t)clicks, "impressions", (json_int_t)impressions,
		"position", isfinite(position) ? json_real(position) : json_null()));
}

static double number_or_nan(json_t *o, const char *field)
{
	json_t *v = json_object_get(o, field);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* 1 when s is a real calendar date YYYY-MM-DD, else names prefix.field. */
static int calendar_day(const char *s, json_t *errors, const char *prefix, const char *field)
{
	char iso[11], f[96];
	if (s && strlen(s) == 10 && gsc_date(s, iso) == 0 && strcmp(iso, s) == 0)
		return 1;
	snprintf(f, sizeof(f), "%s%s%s", prefix, *prefix ? "." : "", field);
	verr(errors, f, "must be a calendar date YYYY-MM-DD");
	return 0;
}

/* The points of one keyword; `where` names the array ("points", "series[2].points"). */
static void add_points(import_t *im, const char *keyword, json_t *points, const char *where)
{
	size_t i;
	json_t *pt;
	json_array_foreach(points, i, pt) {
		char f[80];
		snprintf(f, sizeof(f), "%s[%zu]", where, i);
		if (!json_is_object(pt)) {
			verr(im->errors, f, "must be an object {date, clicks, impressions}");
			continue;
		}
		if (validate(pt, VRULES(point_rules), f, im->errors))
			continue;
		const char *date = json_string_value(json_object_get(pt, "date"));
		if (!calendar_day(date, im->errors, f, "date"))
			continue;
		add_day(im, f, keyword, date, number_or_nan(pt, "clicks"),
			number_or_nan(pt, "impressions"), number_or_nan(pt, "position"));
	}
}

static void add_series(import_t *im, json_t *series)
{
	size_t i;
	json_t *s;
	json_array_foreach(series, i, s) {
		char f[40], pf[48];
		snprintf(f, sizeof(f), "series[%zu]", i);
		snprintf(pf, sizeof(pf), "%s.points", f);
		if (validate(s, VRULES(series_rules), f, im->errors) == 0)
			add_points(im, json_string_value(json_object_get(s, "keyword")),
				   json_object_get(s, "points"), pf);
	}
}

/* Search Analytics API rows with dimensions [query, date]. */
static void add_api_rows(import_t *im, json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		char f[40], kf[48], day[11];
		snprintf(f, sizeof(f), "rows[%zu]", i);
		if (validate(row, VRULES(api_row_rules), f, im->errors))
			continue;
		json_t *keys = json_object_get(row, "keys");
		const char *q = json_string_value(json_array_get(keys, 0));
		const char *d = json_string_value(json_array_get(keys, 1));
		double c = number_or_nan(row, "clicks"), n = number_or_nan(row, "impressions");
		snprintf(kf, sizeof(kf), "%s.keys", f);
		if (!q || !d || gsc_date(d, day) < 0 || strlen(d) != 10)
			verr(im->errors, kf, "must be [query, date] (dimensions query and date, "
			     "date as YYYY-MM-DD)");
		else if (c != floor(c) || n != floor(n))
			verr(im->errors, f, "clicks and impressions must be whole numbers");
		else
			add_day(im, f, q, day, c, n, number_or_nan(row, "position"));
	}
}

static int csv_row(const gsc_row_t *row, void *ctx)
{
	import_t *im = ctx;
	char where[40];
	snprintf(where, sizeof(where), "csv line %zu", row->line);
	add_day(im, where, row->query, row->date, row->clicks, row->impressions, row->position);
	return 0;
}

/* A Performance export; a bad line is one error naming line and column. */
static void add_csv(import_t *im, const char *field, const char *text, size_t len)
{
	gsc_error_t err;
	if (gsc_parse_csv(text, len, csv_row, im, &err) >= 0)
		return;
	char msg[256];
	snprintf(msg, sizeof(msg), "line %zu%s%s: %s", err.line, err.column[0] ? ", column " : "",
		 err.column, err.message);
	json_array_append_new(im->errors, json_pack("{s:s, s:s, s:I, s:s}", "field", field,
		"message", err.line ? msg : err.message, "line", (json_int_t)err.line,
		"column", err.column));
}

/* Reads the body's one shape of input into im. */
static void read_body(import_t *im, json_t *body)
{
	static const char *const shapes[] = {"points", "series", "rows", "csv"};
	int given = 0;
	for (size_t k = 0; k < 4; k++)
		given += json_object_get(body, shapes[k]) != NULL;
	if (given != 1) {
		verr(im->errors, "body", "send exactly one of points (with keyword), series, rows "
		     "or csv");
		return;
	}
	if (validate(body, VRULES(analyze_rules), "", im->errors))
		return;
	json_t *v;
	if ((v = json_object_get(body, "points"))) {
		if (!json_object_get(body, "keyword"))
			verr(im->errors, "keyword", "is required with points");
		else
			add_points(im, json_string_value(json_object_get(body, "keyword")), v, "points");
	} else if ((v = json_object_get(body, "series"))) {
		add_series(im, v);
	} else if ((v = json_object_get(body, "rows"))) {
		add_api_rows(im, v);
	} else {
		v = json_object_get(body, "csv");
		add_csv(im, "csv", json_string_value(v), json_string_length(v));
	}
}

/* The import in one statement: keywords, days (upsert), one event. */
static const db_stmt_t q_import = {"kw_import",
	"WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(keyword text, day date,"
	"  clicks bigint, impressions bigint, position float8)),"
	" nk AS (INSERT INTO keywords (keyword) SELECT DISTINCT keyword FROM x"
	"  ON CONFLICT (keyword) DO NOTHING RETURNING id, keyword),"
	" ids AS (SELECT id, keyword FROM nk UNION ALL"
	"  SELECT k.id, k.keyword FROM keywords k WHERE k.keyword IN (SELECT keyword FROM x)),"
	" up AS (INSERT INTO keyword_days AS t (keyword_id, day, clicks, impressions, position)"
	"  SELECT ids.id, x.day, x.clicks, x.impressions, x.position FROM x JOIN ids USING (keyword)"
	"  ON CONFLICT (keyword_id, day) DO UPDATE SET clicks = EXCLUDED.clicks,"
	"   impressions = EXCLUDED.impressions, position = EXCLUDED.position, updated_at = now()"
	"  WHERE (t.clicks, t.impressions, t.position) IS DISTINCT FROM"
	"   (EXCLUDED.clicks, EXCLUDED.impressions, EXCLUDED.position)"
	"  RETURNING (t.xmax = 0) AS inserted),"
	" ev AS (INSERT INTO event_log (type, data) SELECT 'keywords.imported',"
	"  jsonb_build_object('received', $2::int, 'inserted', count(*) FILTER (WHERE inserted),"
	"   'updated', count(*) FILTER (WHERE NOT inserted), 'keywords', $3::jsonb, 'by', $4::text)"
	"  FROM up HAVING count(*) > 0 RETURNING id)"
	" SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"};

typedef struct reply_ctx {
	json_t *items;
	json_t *done;       /* keywords analysed */
	int horizon;
} reply_ctx_t;

static int analyse_one(const char *keyword, const char *first, const double *y, size_t n,
		       void *ctx)
{
	reply_ctx_t *rc = ctx;
	json_t *a = analysis_json(y, n, first, rc->horizon);
	if (!a)
		return -1;
	json_object_set_new(a, "keyword", json_string(keyword));
	json_object_set_new(rc->done, keyword, json_true());
	return json_array_append_new(rc->items, a);
}

/* Analyses every imported keyword over all its stored days. */
static int analyse_imported(req_t *r, import_t *im, const char *metric, int horizon,
			    json_t *out)
{
	const char *kw;
	json_t *v, *names = json_array();
	json_object_foreach(im->keywords, kw, v)
		json_array_append_new(names, json_string(kw));
	char *arr = dump(r->arena, names);
	json_decref(names);
	reply_ctx_t rc = {json_object_get(out, "keywords"), arena_json(r->arena, json_object()),
			  horizon};
	const char *p[] = {arr};
	PGresult *res = arr && rc.done ? db_run(r->arena, &q_months, 1, p) : NULL;
	if (!res || each_series(res, metric_col(metric), analyse_one, &rc) < 0)
		return -1;
	json_object_foreach(im->keywords, kw, v)
		if (!json_object_get(rc.done, kw)) {   /* no complete month yet */
			json_t *a = analysis_json(NULL, 0, "", horizon);
			json_object_set_new(a, "keyword", json_string(kw));
			json_array_append_new(rc.items, a);
		}
	return 0;
}

/* 1 when the request is a CSV file sent as it is (Content-Type text/csv). */
static int is_csv_body(req_t *r)
{
	mediatype_t mt;
	return r->content_type && mediatype_parse(r->content_type, &mt) == 0 &&
	       mediatype_is(&mt, "text/csv");
}

/* The body as JSON, or a CSV body read into im; NULL after an error reply
 * (body then stays NULL and *csv 0). */
static json_t *import_input(req_t *r, import_t *im, int *csv)
{
	*csv = is_csv_body(r);
	if (!*csv)
		return json_body(r);
	if (!r->body_len || !text_utf8_valid(r->body, r->body_len)) {
		reply_problem(r, 400, "the CSV body is empty or not UTF-8", NULL);
		return NULL;
	}
	add_csv(im, "body", r->body, r->body_len);
	return arena_json(r->arena, json_object());
}

/* Stores the rows and answers with the analysis of every imported keyword. */
static int store_import(req_t *r, import_t *im, const char *metric, int horizon)
{
	char n[24];
	const char *by = req_actor(r);
	char *rows = dump(r->arena, im->rows), *kws = dump(r->arena, im->keywords);
	if (!by || !rows || !kws)
		return reply_problem(r, 500, "out of memory", NULL);
	snprintf(n, sizeof(n), "%zu", json_array_size(im->rows));
	const char *p[] = {rows, n, kws, by};
	PGresult *res = db_run(r->arena, &q_import, 4, p);
	if (!res)
		return db_fail(r);
	long long ins = db_getll(res, 0, 0, 0), upd = db_getll(res, 0, 1, 0);
	json_t *out = arena_json(r->arena, json_pack("{s:I, s:I, s:I, s:I, s:s, s:i, s:[]}",
		"received", (json_int_t)json_array_size(im->rows), "inserted", (json_int_t)ins,
		"updated", (json_int_t)upd,
		"unchanged", (json_int_t)((long long)json_array_size(im->rows) - ins - upd),
		"metric", metric, "horizon", horizon, "keywords"));
	if (!out || analyse_imported(r, im, metric, horizon, out) < 0)
		return out ? db_fail(r) : reply_problem(r, 500, "out of memory", NULL);
	return reply_json(r, 200, out);
}

/* A body field, else the query parameter of the same name. */
static const char *option(req_t *r, json_t *body, const char *field)
{
	json_t *v = json_object_get(body, field);
	if (json_is_string(v))
		return json_string_value(v);
	return req_query(r, field);
}

static int horizon_of(req_t *r, json_t *body)
{
	json_t *v = json_object_get(body, "horizon");
	const char *q = req_query(r, "horizon");
	if (json_is_integer(v))
		return (int)json_integer_value(v);
	return q ? (int)strtol(q, NULL, 10) : 12;
}

int h_predictive_analyze(req_t *r)
{
	int csv;
	import_t im = {arena_json(r->arena, json_array()), arena_json(r->arena, json_object()),
		       arena_json(r->arena, json_object()), arena_json(r->arena, json_array())};
	if (!im.rows || !im.seen || !im.keywords || !im.errors)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *body = import_input(r, &im, &csv);
	if (!body)
		return 0;
	if (!csv)
		read_body(&im, body);
	if (!json_array_size(im.errors) && !json_array_size(im.rows))
		verr(im.errors, csv ? "body" : "points", "holds no data rows");
	if (json_object_size(im.keywords) > MAX_SERIES)
		verr(im.errors, "keyword", "an import holds at most %d keywords", MAX_SERIES);
	if (json_array_size(im.rows) > MAX_ROWS)
		verr(im.errors, "rows", "an import holds at most %d days", MAX_ROWS);
	if (json_array_size(im.errors))
		return reply_invalid(r, json_incref(im.errors));
	const char *metric = option(r, body, "metric");
	return store_import(r, &im, metric ? metric : "clicks", horizon_of(r, body));
}

static json_t *array_of(const double *x, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, num(x[i]));
	return a;
}

/* The calendar months of the next seasonal peak (calendar month 0..11)
 * after the month `last`, and the `lead` months before it to publish in. */
static json_t *calendar_window(int peak, int lead, const char *last)
{
	int ahead = (peak - month_of(last) + 11) % 12 + 1;
	char pm[8], from[8], to[8];
	month_add(last, ahead, pm);
	month_add(pm, -lead, from);
	month_add(pm, -1, to);
	return json_pack("{s:i, s:i, s:s, s:s, s:s, s:s}", "lead", lead, "peak_month", peak + 1,
		"peak_name", month_names[peak], "next_peak", pm, "publish_from", from,
		"publish_to", to);
}

/* Upcoming events (#15), soonest first. */
static const db_stmt_t q_calendar = {"kw_calendar",
	"SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'name', name, 'kind', kind,"
	"  'starts_on', starts_on, 'ends_on', ends_on, 'keywords', to_jsonb(keywords), 'url', url,"
	"  'days_until', starts_on - current_date) ORDER BY starts_on, id), '[]')::text"
	" FROM (SELECT * FROM keyword_events WHERE ends_on >= current_date"
	"  ORDER BY starts_on, id LIMIT 50) e"};

/* ---- #12 report ---------------------------------------------------------------------- */

static const vrule_t metric_query[] = {
	{"metric", V_STRING, 0, 0, 0, metrics, NULL},
};
const api_op_t op_predictive_report = {VRULES(metric_query), NULL, NULL, 0, NULL};

static double jnum(json_t *o, const char *path1, const char *path2)
{
	json_t *v = json_object_get(o, path1);
	if (path2)
		v = json_object_get(v, path2);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The forecast's next seasonal peak: the month of the largest point. */
static json_t *next_peak(json_t *points)
{
	json_t *best = NULL, *p;
	size_t i;
	json_array_foreach(points, i, p)
		if (!best || jnum(p, "point", NULL) > jnum(best, "point", NULL))
			best = p;
	return best ? json_pack("{s:O, s:O}", "month", json_object_get(best, "month"), "point",
				json_object_get(best, "point")) : json_null();
}

/* Sum of the last k months of y and of the next k forecast points. */
static json_t *outlook(const double *y, size_t n, json_t *points)
{
	double last = 0, next = 0;
	size_t k = json_array_size(points) < n ? json_array_size(points) : n;
	for (size_t i = 0; i < k; i++) {
		last += y[n - 1 - i];
		next += jnum(json_array_get(points, i), "point", NULL);
	}
	return json_pack("{s:I, s:o, s:o, s:o}", "months", (json_int_t)k, "last", num(last),
		"next", num(next), "change_pct", num(last > 0 ? 100 * (next - last) / last : NAN));
}

/* One keyword's line of the report, from its analysis. */
static int report_one(const char *keyword, const char *first, const double *y, size_t n,
		      void *ctx)
{
	json_t *a = analysis_json(y, n, first, SEASON), *fc, *tr, *se;
	if (!a)
		return -1;
	fc = json_object_get(a, "forecast");
	tr = json_object_get(a, "trend");
	se = json_object_get(a, "seasonality");
	json_t *line = json_pack("{s:s, s:I, s:O?, s:o, s:O?, s:O?, s:o, s:o, s:o, s:o, s:O?}",
		"keyword", keyword, "months", (json_int_t)n, "to", json_object_get(a, "to"),
		"last_value", num(n ? y[n - 1] : NAN),
		"direction", json_object_get(tr, "direction"), "p", json_object_get(tr, "p"),
		"sen_slope", num(jnum(tr, "sen_slope", NULL)),
		"slope_pct_of_mean", num(jnum(tr, "slope_pct_of_mean", NULL)),
		"seasonality_strength", num(jnum(se, "strength", NULL)),
		"peak_month", json_is_object(se) ? json_incref(json_object_get(se, "peak_month"))
						 : json_null(),
		"method", json_object_get(fc, "method"));
	json_t *points = json_object_get(fc, "points");
	json_object_set_new(line, "next", points ? json_incref(json_array_get(points, 0))
						 : json_null());
	json_object_set_new(line, "next_peak", points ? next_peak(points) : json_null());
	json_object_set_new(line, "outlook", points ? outlook(y, n, points) : json_null());
	json_t *hold = json_object_get(fc, "holdout"), *pm = json_object_get(se, "peak_month");
	json_object_set_new(line, "accuracy", hold ? json_incref(hold) : json_null());
	json_object_set_new(line, "from", n ? json_string(first) : json_null());
	json_object_set_new(line, "history", array_of(y, n));
	json_object_set_new(line, "forecast", points ? json_incref(points) : json_array());
	json_object_set_new(line, "window", pm && n ? calendar_window((int)json_integer_value(pm) - 1,
		LEAD, json_string_value(json_object_get(a, "to"))) : json_null());
	json_decref(a);
	return json_array_append_new(ctx, line);
}

/* Steepest relative slope first; lines without one last (NAN would leave
 * qsort an inconsistent order). */
static int by_slope_desc(const void *a, const void *b)
{
	double x = jnum(*(json_t *const *)a, "slope_pct_of_mean", NULL);
	double y = jnum(*(json_t *const *)b, "slope_pct_of_mean", NULL);
	x = isnan(x) ? -INFINITY : x;
	y = isnan(y) ? -INFINITY : y;
	return (y > x) - (y < x);
}

/* rising (steepest first) and falling (steepest first) lines of items. */
static void movers(json_t *items, json_t *rising, json_t *falling)
{
	size_t n = json_array_size(items), k = 0;
	json_t **v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[k++] = json_array_get(items, i);
	qsort(v, k, sizeof(*v), by_slope_desc);
	for (size_t i = 0; i < k; i++) {
		const char *d = json_string_value(json_object_get(v[i], "direction"));
		if (d && !strcmp(d, "rising"))
			json_array_append(rising, v[i]);
		if (d && !strcmp(d, "falling"))
			json_array_insert(falling, 0, v[i]);
	}
	free(v);
}

/* Across keywords: median holdout MAPE and sMAPE, mean interval coverage. */
static json_t *accuracy_summary(json_t *items)
{
	size_t n = json_array_size(items), k = 0, c = 0;
	double *mape = malloc((n ? n : 1) * sizeof(double)), smape = 0, c80 = 0, c95 = 0;
	json_t *line;
	size_t i;
	if (!mape)
		return json_null();
	json_array_foreach(items, i, line) {
		json_t *a = json_object_get(line, "accuracy");
		if (isfinite(jnum(a, "mape", NULL)))
			mape[k++] = jnum(a, "mape", NULL);
		if (isfinite(jnum(a, "coverage80", NULL))) {
			smape += jnum(a, "smape", NULL);
			c80 += jnum(a, "coverage80", NULL);
			c95 += jnum(a, "coverage95", NULL);
			c++;
		}
	}
	json_t *j = json_pack("{s:I, s:o, s:o, s:o, s:o}", "keywords", (json_int_t)c,
		"median_mape", num(k ? stats_median(mape, k) : NAN),
		"mean_smape", num(c ? smape / (double)c : NAN),
		"coverage80", num(c ? c80 / (double)c : NAN), "coverage95", num(c ? c95 / (double)c : NAN));
	free(mape);
	return j;
}

int h_predictive_report(req_t *r)
{
	if (cache_serve(r, &q_keywords_stamp))
		return 0;
	const char *metric = req_query(r, "metric");
	metric = metric ? metric : "clicks";
	const char *p[] = {NULL};
	PGresult *res = db_run(r->arena, &q_months, 1, p);
	if (!res)
		return db_fail(r);
	json_t *items = arena_json(r->arena, json_array());
	json_t *rising = arena_json(r->arena, json_array());
	json_t *falling = arena_json(r->arena, json_array());
	if (!items || !rising || !falling || each_series(res, metric_col(metric), report_one, items) < 0)
		return reply_problem(r, 500, "out of memory while building the report", NULL);
	PGresult *cal = db_run(r->arena, &q_calendar, 0, NULL);
	if (!cal)
		return db_fail(r);
	movers(items, rising, falling);
	json_t *out = json_pack("{s:I, s:s, s:o, s:O, s:O, s:O, s:o, s:s}",
		"n", (json_int_t)json_array_size(items), "metric", metric,
		"accuracy", accuracy_summary(items), "keywords", items, "rising", rising,
		"falling", falling, "events", json_loads(db_get(cal, 0, 0), 0, NULL), "method", "complete calendar months; Mann-Kendall p < 0.05 "
		"decides rising or falling, ordered by Sen's slope as % of the mean month; the "
		"forecast model wins a holdout of the last season (MAE), intervals cut at 0");
	return out && arena_json(r->arena, out) ? reply_json(r, 200, out)
		: reply_problem(r, 500, "out of memory", NULL);
}

/* ---- #13 seasonal -------------------------------------------------------------------- */

static const vrule_t seasonal_rules[] = {
	{"keyword", V_STRING, 0, 1, KEYWORD_MAX, NULL, NULL},
	{"values", V_ARRAY, 0, 4, 5000, NULL, NULL},
	{"period", V_INT, 0, 2, 64, NULL, NULL},
	{"lead", V_INT, 0, 1, 6, NULL, NULL},
	{"metric", V_STRING, 0, 0, 0, metrics, NULL},
};
static const vschema_t seasonal_body = {"SeasonalRequest", VRULES(seasonal_rules), NULL, 0, 0};
const api_op_t op_predictive_seasonal = {NULL, 0, &seasonal_body,
	"{\"values\": [5, 9, 14, 20, 18, 12, 10, 9, 7, 6, 4, 3, 6, 10, 16, 22, 19, 13, 11, 9, 8,"
	" 6, 5, 4], \"period\": 12, \"lead\": 2}", 0, NULL};



/* Publishing window: the `lead` steps before the seasonal peak. For a
 * keyword (`last` month given) as calendar months of the next peak after the
 * data, else as positions within the period. */
static json_t *window_json(const decomp_t *d, int lead, const char *first, const char *last)
{
	int best = 0, p = d->period;
	for (int i = 1; i < p; i++)
		if (d->figure[i] > d->figure[best])
			best = i;
	if (!last)
		return json_pack("{s:i, s:i, s:i, s:i}", "lead", lead, "peak_position", best,
			"publish_from_position", ((best - lead) % p + p) % p,
			"publish_to_position", ((best - 1) % p + p) % p);
	return calendar_window((month_of(first) + best) % SEASON, lead, last);
}

static json_t *seasonal_json(const double *y, size_t n, int period, int lead,
			     const char *first, const char *last)
{
	double *w = malloc(3 * n * sizeof(*w));
	decomp_t d;
	json_t *j = NULL;
	if (!w)
		return NULL;
	if (decomp_additive(y, n, period, w, w + n, w + 2 * n, &d) == 0) {
		double level = 0;
		for (size_t i = 0; i < n; i++)
			level += y[i] / (double)n;
		json_t *idx = first ? indices_json(&d, month_of(first), level) : array_of(d.figure,
			(size_t)period);
		j = json_pack("{s:i, s:I, s:o, s:b, s:o, s:o, s:{s:o, s:o, s:o}, s:o}", "period",
			period, "n", (json_int_t)n, "strength", num(d.strength), "harmonic", d.harmonic,
			"trend_strength", num(d.trend_strength), "indices", idx,
			"components", "trend", array_of(d.trend, n),
			"seasonal", array_of(d.seasonal, n), "remainder", array_of(d.remainder, n),
			"window", window_json(&d, lead, first, last));
	}
	free(w);
	return j;
}

typedef struct one_series {
	double y[MAX_MONTHS];
	size_t n;
	char first[8];
} one_series_t;

static int keep_series(const char *keyword, const char *first, const double *y, size_t n,
		       void *ctx)
{
	one_series_t *s = ctx;
	(void)keyword;
	size_t skip = n > MAX_MONTHS ? n - MAX_MONTHS : 0;   /* keep the latest */
	memcpy(s->y, y + skip, (n - skip) * sizeof(*y));
	s->n = n - skip;
	month_add(first, (int)skip, s->first);
	return 0;
}

/* A stored keyword's complete months into s (s->n 0 when none); 0 or -1. */
static int load_keyword(req_t *r, const char *keyword, const char *metric, one_series_t *s)
{
	json_t *names = json_pack("[s]", keyword);
	char *arr = dump(r->arena, names);
	json_decref(names);
	const char *p[] = {arr};
	PGresult *res = arr ? db_run(r->arena, &q_months, 1, p) : NULL;
	s->n = 0;
	return res ? each_series(res, metric_col(metric), keep_series, s) : -1;
}

static int seasonal_keyword(req_t *r, json_t *body, int lead, json_t *errors)
{
	char kw[4 * KEYWORD_MAX + 4], last[8];
	one_series_t *s = arena_alloc(r->arena, sizeof(*s));
	const char *metric = option(r, body, "metric");
	if (!s)
		return reply_problem(r, 500, "out of memory", NULL);
	if (normalise(json_string_value(json_object_get(body, "keyword")), kw, sizeof(kw)) < 0) {
		verr(errors, "keyword", "must hold a keyword of 1 to %d characters", KEYWORD_MAX);
		return reply_invalid(r, json_incref(errors));
	}
	if (load_keyword(r, kw, metric, s) < 0)
		return db_fail(r);
	if (s->n < 2 * SEASON) {
		verr(errors, "keyword", "\"%s\" has %zu complete months stored; the decomposition "
		     "needs 24", kw, s->n);
		return reply_invalid(r, json_incref(errors));
	}
	month_add(s->first, (int)s->n - 1, last);
	json_t *j = arena_json(r->arena, seasonal_json(s->y, s->n, SEASON, lead, s->first, last));
	if (!j)
		return reply_problem(r, 500, "out of memory", NULL);
	json_object_set_new(j, "keyword", json_string(kw));
	json_object_set_new(j, "metric", json_string(metric ? metric : "clicks"));
	json_object_set_new(j, "from", json_string(s->first));
	json_object_set_new(j, "to", json_string(last));
	return reply_json(r, 200, j);
}

static int seasonal_values(req_t *r, json_t *values, int period, int lead, json_t *errors)
{
	size_t n = json_array_size(values), i;
	double *y = arena_alloc(r->arena, (n ? n : 1) * sizeof(*y));
	json_t *v;
	if (!y)
		return reply_problem(r, 500, "out of memory", NULL);
	json_array_foreach(values, i, v) {
		char f[32];
		snprintf(f, sizeof(f), "values[%zu]", i);
		if (!json_is_number(v))
			verr(errors, f, "must be a number");
		y[i] = json_number_value(v);
	}
	if (n < 2 * (size_t)period)
		verr(errors, "values", "needs at least two periods (%d values), got %zu", 2 * period, n);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	json_t *j = arena_json(r->arena, seasonal_json(y, n, period, lead, NULL, NULL));
	return j ? reply_json(r, 200, j) : reply_problem(r, 500, "out of memory", NULL);
}

int h_predictive_seasonal(req_t *r)
{
	json_t *body = json_body(r);
	json_t *errors = arena_json(r->arena, json_array());
	if (!body)
		return 0;
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	validate(body, VRULES(seasonal_rules), "", errors);
	json_t *kw = json_object_get(body, "keyword"), *values = json_object_get(body, "values");
	if (!kw == !values)
		verr(errors, "keyword", "send either keyword (a stored keyword) or values");
	json_t *pv = json_object_get(body, "period"), *lv = json_object_get(body, "lead");
	int period = json_is_integer(pv) ? (int)json_integer_value(pv) : SEASON;
	int lead = json_is_integer(lv) ? (int)json_integer_value(lv) : LEAD;
	if (kw && pv && period != SEASON)
		verr(errors, "period", "a stored keyword is decomposed by months: period 12");
	if (lead >= period)
		verr(errors, "lead", "must be shorter than the period");
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	return kw ? seasonal_keyword(r, body, lead, errors)
		  : seasonal_values(r, values, period, lead, errors);
}

/* ---- #14 trends ---------------------------------------------------------------------- */

/* Daily (or, with $3 = 'week', complete Monday weeks') figures between $1
 * and $2 (cut at the last stored day: later days are not known yet, not 0)
 * of the keywords in $4 (a JSON array; all when NULL) that have data in the
 * range. Columns as q_months. */
static const db_stmt_t q_days = {"kw_days",
	"WITH e AS (SELECT least($2::date, max(day)) AS last FROM keyword_days),"
	" g AS (SELECT b::date AS b FROM e, generate_series("
	"  CASE WHEN $3 = 'week' THEN date_trunc('week', $1::date - 1) + interval '1 week'"
	"   ELSE $1::date END,"
	"  CASE WHEN $3 = 'week' THEN date_trunc('week', e.last + 1) - interval '1 week'"
	"   ELSE e.last END,"
	"  CASE WHEN $3 = 'week' THEN interval '1 week' ELSE interval '1 day' END) b),"
	" k AS (SELECT DISTINCT k.id, k.keyword FROM keywords k"
	"  JOIN keyword_days d ON d.keyword_id = k.id, e"
	"  WHERE d.day BETWEEN $1::date AND e.last"
	"   AND ($4::jsonb IS NULL OR k.keyword IN (SELECT jsonb_array_elements_text($4::jsonb))))"
	" SELECT k.keyword, to_char(g.b, 'YYYY-MM-DD'), coalesce(sum(d.clicks), 0)::float8,"
	"  coalesce(sum(d.impressions), 0)::float8, count(d.day)"
	" FROM k CROSS JOIN g LEFT JOIN keyword_days d ON d.keyword_id = k.id AND d.day >= g.b"
	"  AND d.day < g.b + CASE WHEN $3 = 'week' THEN 7 ELSE 1 END"
	" GROUP BY k.keyword, g.b ORDER BY k.keyword, g.b"};

#define WEEKLY_FROM_DAYS 120

static const vrule_t trends_query[] = {
	RANGE_RULES,
	{"metric", V_STRING, 0, 0, 0, metrics, NULL},
	{"alpha", V_NUMBER, 0, 0.001, 0.2, NULL, NULL},
};
static void trends_check(req_t *r, json_t *errors)
{
	range_t rg;
	range_parse(r, &rg, errors);
}
const api_op_t op_predictive_trends = {VRULES(trends_query), NULL, NULL, 0, trends_check};

typedef struct trends_ctx {
	json_t *items;
	double alpha;
} trends_ctx_t;

static int trend_one(const char *keyword, const char *first, const double *y, size_t n, void *ctx)
{
	trends_ctx_t *t = ctx;
	mk_result_t mk;
	sen_result_t sen;
	double sum = 0;
	(void)first;
	for (size_t i = 0; i < n; i++)
		sum += y[i];
	if (mk_test(y, n, &mk) < 0 || sen_slope(y, n, mk.var_s, &sen) < 0)
		return 0;      /* fewer than 3 steps: no test */
	double mean = sum / (double)n;
	const char *dir = mk.p < t->alpha && sen.slope > 0 ? "rising"
			  : mk.p < t->alpha && sen.slope < 0 ? "falling" : "none";
	return json_array_append_new(t->items, json_pack(
		"{s:s, s:I, s:f, s:f, s:o, s:f, s:o, s:o, s:o, s:o, s:s}", "keyword", keyword,
		"n", (json_int_t)n, "total", sum, "s", mk.s, "tau", num(mk.tau), "p", mk.p,
		"sen_slope", num(sen.slope), "sen_lo", num(sen.lo), "sen_hi", num(sen.hi),
		"slope_pct_of_mean", num(mean > 0 ? 100 * sen.slope / mean : NAN), "direction", dir));
}

int h_predictive_trends(req_t *r)
{
	if (cache_serve(r, &q_keywords_stamp))
		return 0;
	range_t rg;
	json_t *errors = arena_json(r->arena, json_array());
	range_parse(r, &rg, errors);     /* checked by the router: trends_check */
	const char *metric = req_query(r, "metric"), *a = req_query(r, "alpha");
	const char *bucket = rg.days > WEEKLY_FROM_DAYS ? "week" : "day";
	trends_ctx_t t = {arena_json(r->arena, json_array()), a ? strtod(a, NULL) : ALPHA};
	const char *p[] = {rg.from, rg.to, bucket, NULL};
	PGresult *res = db_run(r->arena, &q_days, 4, p);
	if (!res)
		return db_fail(r);
	json_t *rising = arena_json(r->arena, json_array());
	json_t *falling = arena_json(r->arena, json_array());
	if (!t.items || !rising || !falling || each_series(res, metric_col(metric), trend_one, &t) < 0)
		return reply_problem(r, 500, "out of memory", NULL);
	movers(t.items, rising, falling);
	json_t *out = arena_json(r->arena, json_pack("{s:o, s:s, s:s, s:f, s:I, s:O, s:O, s:O}",
		"range", range_json_new(&rg), "metric", metric ? metric : "clicks", "step", bucket,
		"alpha", t.alpha, "n", (json_int_t)json_array_size(t.items), "rising", rising,
		"falling", falling, "keywords", t.items));
	return out ? reply_json(r, 200, out) : reply_problem(r, 500, "out of memory", NULL);
}

/* ---- #15 events ---------------------------------------------------------------------- */

static const char *const event_kinds[] = {"trade_fair", "subsidy", "law", "campaign", "other",
					  NULL};
static const vrule_t event_rules[] = {
	{"name", V_STRING, 1, 1, 200, NULL, NULL},
	{"kind", V_STRING, 1, 0, 0, event_kinds, NULL},
	{"starts_on", V_DATE, 1, 0, 0, NULL, NULL},
	{"ends_on", V_DATE, 1, 0, 0, NULL, NULL},
	{"keywords", V_ARRAY, 1, 1, 50, NULL, NULL},
	{"url", V_URL, 0, 0, 2000, NULL, NULL},
};
static const vschema_t event_body = {"KeywordEvent", VRULES(event_rules), NULL, 0, 0};
const api_op_t op_predictive_events = {NULL, 0, &event_body,
	"{\"name\": \"Intersolar Europe 2027\", \"kind\": \"trade_fair\", \"starts_on\": "
	"\"2027-06-23\", \"ends_on\": \"2027-06-25\", \"keywords\": [\"intersolar\", "
	"\"batteriespeicher\"], \"url\": \"https://www.intersolar.de/\"}", 0, NULL};

#define HISTORY_DAYS 365
#define LEAD_DAYS 7        /* searches for an event rise before it opens: not history */
#define WEEK 7

static const db_stmt_t q_event_upsert = {"kw_event_upsert",
	"WITH up AS (INSERT INTO keyword_events AS e (name, kind, starts_on, ends_on, keywords, url)"
	" SELECT $1, $2, $3::date, $4::date, ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), $6"
	" ON CONFLICT (name, starts_on) DO UPDATE SET kind = EXCLUDED.kind,"
	"  ends_on = EXCLUDED.ends_on, keywords = EXCLUDED.keywords, url = EXCLUDED.url,"
	"  updated_at = now()"
	" WHERE (e.kind, e.ends_on, e.keywords, e.url) IS DISTINCT FROM"
	"  (EXCLUDED.kind, EXCLUDED.ends_on, EXCLUDED.keywords, EXCLUDED.url)"
	" RETURNING id, (xmax = 0) AS inserted)"
	" SELECT (SELECT id FROM up), (SELECT inserted FROM up), ($3::date - $7::int)::text,"
	"  ($3::date > current_date)::int"};

/* Uplift of one keyword: actual days from the event's start against the
 * forecast of the model fitted on the days before it (weekly season). */
typedef struct uplift_ctx {
	json_t *items;
	size_t history;     /* days the model is fitted on */
	size_t gap;         /* days between them and the event's start */
	double actual, expected;
} uplift_ctx_t;

static int uplift_one(const char *keyword, const char *first, const double *y, size_t n, void *ctx)
{
	uplift_ctx_t *u = ctx;
	fc_choice_t c;
	(void)first;
	size_t skip = u->history + u->gap;
	if (n <= skip || fc_select(y, u->history, WEEK, &c) < 0)
		return 0;
	int h = (int)(n - skip), g = (int)u->gap, above = 0;
	double actual = 0, expected = 0;
	for (int i = 0; i < h; i++) {
		double p = fmax(0, hw_point(&c.model, g + i + 1)), a = y[skip + (size_t)i];
		double hi = p + 1.959963984540054 * sqrt(hw_variance95(&c.model, g + i + 1));
		actual += a;
		expected += p;
		above += a > hi;
	}
	u->actual += actual;
	u->expected += expected;
	return json_array_append_new(u->items, json_pack("{s:s, s:i, s:f, s:o, s:o, s:o, s:i, s:s}",
		"keyword", keyword, "days", h, "actual", actual, "expected", num(expected),
		"uplift", num(actual - expected),
		"uplift_pct", num(expected > 0 ? 100 * (actual - expected) / expected : NAN),
		"days_above_95", above, "method", fc_method_names[c.method]));
}

/* The event's estimated uplift per keyword, over what is stored of its days. */
static json_t *uplift_json(req_t *r, const char *history_from, const char *ends_on,
			   json_t *keywords, int upcoming)
{
	uplift_ctx_t u = {json_array(), HISTORY_DAYS, LEAD_DAYS, 0, 0};
	char *arr = dump(r->arena, keywords);
	const char *p[] = {history_from, ends_on, "day", arr};
	PGresult *res = upcoming || !arr || !u.items ? NULL : db_run(r->arena, &q_days, 4, p);
	if (res && each_series(res, 2, uplift_one, &u) < 0)
		res = NULL;
	const char *status = upcoming ? "upcoming" : json_array_size(u.items) ? "estimated"
			     : "no_history";
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "status", status, "method",
		"clicks from the event's first day (as far as stored) against the forecast of "
		"the model fitted on the 365 days that end a week before it (interest rises "
		"ahead of an event; weekly season, model chosen by holdout); "
		"days_above_95: days above the forecast's 95 % interval",
		"keywords", u.items, "actual", num(u.items && json_array_size(u.items) ? u.actual : NAN),
		"expected", num(json_array_size(u.items) ? u.expected : NAN),
		"uplift", num(json_array_size(u.items) ? u.actual - u.expected : NAN),
		"uplift_pct", num(u.expected > 0 ? 100 * (u.actual - u.expected) / u.expected : NAN));
}

/* Normalised keywords of the body into a JSON array; errors named by index. */
static json_t *event_keywords(json_t *body, json_t *errors)
{
	json_t *out = json_array(), *v;
	size_t i;
	json_array_foreach(json_object_get(body, "keywords"), i, v) {
		char kw[4 * KEYWORD_MAX + 4], f[32];
		snprintf(f, sizeof(f), "keywords[%zu]", i);
		if (!json_is_string(v) || normalise(json_string_value(v), kw, sizeof(kw)) < 0)
			verr(errors, f, "must be a keyword of 1 to %d characters", KEYWORD_MAX);
		else
			json_array_append_new(out, json_string(kw));
	}
	return out;
}

int h_predictive_events(req_t *r)
{
	json_t *body = json_body(r);
	json_t *errors = arena_json(r->arena, json_array());
	if (!body)
		return 0;
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	validate(body, VRULES(event_rules), "", errors);
	json_t *kws = arena_json(r->arena, event_keywords(body, errors));
	const char *s = json_string_value(json_object_get(body, "starts_on"));
	const char *e = json_string_value(json_object_get(body, "ends_on"));
	int ok = s && e && calendar_day(s, errors, "", "starts_on") & calendar_day(e, errors, "",
										"ends_on");
	if (ok && strcmp(e, s) < 0)
		verr(errors, "ends_on", "must not be before starts_on");
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	char *kw_text = dump(r->arena, kws), hist[8];
	snprintf(hist, sizeof(hist), "%d", HISTORY_DAYS + LEAD_DAYS);
	const char *p[] = {json_string_value(json_object_get(body, "name")),
			   json_string_value(json_object_get(body, "kind")), s, e, kw_text,
			   json_string_value(json_object_get(body, "url")), hist};
	PGresult *up = kw_text ? db_run(r->arena, &q_event_upsert, 7, p) : NULL;
	PGresult *cal = up ? db_run(r->arena, &q_calendar, 0, NULL) : NULL;
	if (!cal)
		return db_fail(r);
	const char *inserted = db_get(up, 0, 1);
	json_t *out = arena_json(r->arena, json_pack("{s:{s:O, s:O, s:s, s:s, s:O, s:O?, s:s}, s:o, s:o}",
		"event", "name", json_object_get(body, "name"), "kind", json_object_get(body, "kind"),
		"starts_on", s, "ends_on", e, "keywords", kws, "url", json_object_get(body, "url"),
		"status", !inserted ? "unchanged" : strcmp(inserted, "t") ? "updated" : "inserted",
		"uplift", uplift_json(r, db_get(up, 0, 2), e, kws, strcmp(db_get(up, 0, 3), "1") == 0),
		"calendar", json_loads(db_get(cal, 0, 0), 0, NULL)));
	return out ? reply_json(r, 200, out) : reply_problem(r, 500, "out of memory", NULL);
}
