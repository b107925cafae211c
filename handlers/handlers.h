/* handlers.h - every handler function named in the handler table (routes.c). */
#ifndef ZOE_HANDLERS_H
#define ZOE_HANDLERS_H

#include "db.h"
#include "http.h"
#include "router.h"

/* Inputs of the built routes, declared next to each handler (see router.h). */
extern const api_op_t op_auth_login, op_auth_refresh, op_auth_logout, op_entity_analyze, op_entity_report,
	op_ux_track, op_ux_metrics, op_reviews_integrate, op_reviews_report, op_opt_recommend,
	op_opt_status, op_data_optimize, op_perf_monitor, op_analytics_timeseries,
	op_analytics_realtime, op_analytics_funnel,
	op_behavior_metrics, op_behavior_dynamic,
	op_analytics_events,
	op_behav_predictive, op_behav_journey, op_behav_optimize,
	op_analytics_breakdown,
	op_data_report;
extern const api_op_t op_predictive_analyze, op_predictive_report, op_predictive_seasonal,
	op_predictive_trends, op_predictive_events;
extern const api_op_t op_image_audit, op_image_report;
extern const api_op_t op_video_audit, op_video_report, op_voice;
extern const api_op_t op_maint_predictions, op_maint_alerts;
extern const api_op_t op_ab_test, op_ab_results, op_predictions;
extern const api_op_t op_hub_subscribe, op_hub_list, op_hub_rotate, op_hub_replay, op_hub_test,
	op_hub_events;
extern const api_op_t op_content_analyze, op_content_report, op_content_optimize;
extern const api_op_t op_competitor_save, op_competitor_list, op_competitor_snapshot, op_competitor_gap;
extern const api_op_t op_schema_automotive, op_schema_howto, op_schema_qa, op_schema_report;
extern const api_op_t op_local_locations, op_local_locations_report, op_local_events,
	op_local_events_report, op_local_languages, op_local_languages_report;
extern const api_op_t op_content_generate, op_content_drafts, op_content_draft,
	op_content_patch, op_content_publish;

/* platform.c */
int h_health(req_t *r);
int h_ready(req_t *r);
int h_metrics(req_t *r);
int h_openapi(req_t *r);
/* auth_routes.c */
int h_auth_login(req_t *r);
int h_auth_refresh(req_t *r);
int h_auth_logout(req_t *r);
int h_auth_me(req_t *r);
/* level2_ux_signals.c */
int h_ux_track(req_t *r);
int h_ux_metrics(req_t *r);

/* level2_entity_seo.c */
int h_entity_analyze(req_t *r);
int h_entity_report(req_t *r);
int entity_seed_demo(void);        /* analyses the demo pages (zoe seed --demo) */
int entity_dict_word(const char *word, const char **name, const char **cluster);
/* level3_multimodal_image.c */
int h_image_audit(req_t *r);
int h_image_report(req_t *r);
/* level2_social_proof.c */
int h_reviews_integrate(req_t *r);
int h_reviews_report(req_t *r);
int reviews_seed_demo(void);       /* scores the demo reviews (zoe seed --demo) */
/* level2_optimization.c */
/* A recommendation rule: who it is and how its findings are weighed (#7, #25). */
typedef struct opt_rule {
	const char *id, *category, *title, *title_de;
	double impact, confidence, effort;
	int live;               /* #7: needs the pool's live route metrics */
	const char *sql;        /* #7: SELECT target, evidence (jsonb), weight (0.5–2) */
} opt_rule_t;
/* A finding of rule rl on target (new reference; takes evidence's):
 * priority = impact × weight × confidence ÷ effort. */
json_t *opt_finding_new(const opt_rule_t *rl, const char *target, json_t *evidence, double weight);
/* Stores findings (deduplicated by (rule, target)) and resolves the open
 * recommendations of `source` whose rule is in `evaluated` (a PostgreSQL
 * array literal) but which were not found again; records the run. Returns
 * the run's summary (new reference), or NULL: db_last() tells why. */
json_t *opt_store(arena_t *a, json_t *findings, const char *evaluated, const char *source);
int h_opt_recommend(req_t *r);
int h_opt_status(req_t *r);
int job_recommendations(json_t *payload, char *err, size_t errlen);
/* The hour rollups (handlers/rollup.c). */
int job_rollup(json_t *payload, char *err, size_t errlen);
/* level2_data_optimize.c */
int h_data_optimize(req_t *r);
int h_data_report(req_t *r);
/* level2_performance.c */
int h_perf_monitor(req_t *r);
/* level3_behavioral.c */
int h_behavior_metrics(req_t *r);
int h_behavior_dynamic(req_t *r);
/* level5_ingest.c */
int h_analytics_events(req_t *r);
/* level3_predictive.c */
int h_predictive_analyze(req_t *r);
int h_predictive_report(req_t *r);
int h_predictive_seasonal(req_t *r);
int h_predictive_trends(req_t *r);
int h_predictive_events(req_t *r);
/* level3_multimodal_video.c */
int h_video_audit(req_t *r);
int h_video_report(req_t *r);
int video_seed_demo(void);         /* audits the demo videos (zoe seed --demo) */
int image_seed_demo(void);         /* audits the demo images (zoe seed --demo) */
/* zoe seed --demo: runs one(a, body) over n JSON documents, each with a fresh
 * arena; prints "N demo <what> checked and stored"; 0, or -1 at the first failure. */
int seed_docs(const char *what, const char *const *docs, size_t n,
	      int (*one)(arena_t *a, json_t *body));
/* level4_ai_content.c */
int h_content_analyze(req_t *r);
int h_content_report(req_t *r);
int h_content_optimize(req_t *r);
int content_seed_demo(void);       /* analyses the demo pages in two versions (zoe seed --demo) */
/* level5_competitors.c */
int h_competitor_save(req_t *r);
int h_competitor_list(req_t *r);
int h_competitor_snapshot(req_t *r);
int h_competitor_gap(req_t *r);
int competitor_seed_demo(void);    /* extracts the demo snapshots (zoe seed --demo) */
/* competitor_fetch.c: the fetch job of a queued snapshot */
int job_competitor_fetch(json_t *payload, char *err, size_t errlen);
/* level4_schema.c */
int h_schema_automotive(req_t *r);
int h_schema_howto(req_t *r);
int h_schema_qa(req_t *r);
int h_schema_automotive_report(req_t *r);
int h_schema_howto_report(req_t *r);
int h_schema_qa_report(req_t *r);
int schema_seed_demo(void);        /* validates the demo JSON-LD snippets (zoe seed --demo) */
/* level4_intl_local.c, level4_intl_events.c, level4_intl_languages.c */
int h_local_locations(req_t *r);
int h_local_locations_report(req_t *r);
int h_local_events(req_t *r);
int h_local_events_report(req_t *r);
int h_local_languages(req_t *r);
int h_local_languages_report(req_t *r);
/* One demo body of #38, #40 or #42 checked and stored (zoe seed --demo); 0/-1. */
/* #38, #41, #42: checks a body and stores it; its reply into *out (owned by a).
 * 0, 422 (errors named), 500 out of memory, -1 database error. The endpoints
 * and the demo seed share them (level4_intl_demo.c). */
typedef int (*local_apply_fn)(arena_t *a, json_t *body, const char *who, json_t *errors,
			      json_t **out);
int local_locations_apply(arena_t *a, json_t *body, const char *who, json_t *errors, json_t **out);
int local_events_apply(arena_t *a, json_t *body, const char *who, json_t *errors, json_t **out);
int local_cluster_apply(arena_t *a, json_t *body, const char *who, json_t *errors, json_t **out);
int intl_post(req_t *r, local_apply_fn apply);     /* the POST endpoint around one of them */
/* A cached report of one statement taking $1 = ?limit= (default 50), "limit" added. */
int intl_report(req_t *r, const db_stmt_t *stamp, const db_stmt_t *report);
int local_seed_demo(void);         /* the demo locations, events and hreflang cluster */
/* level5_content.c */
int h_content_generate(req_t *r);
int h_content_drafts(req_t *r);
int h_content_draft(req_t *r);
int h_content_patch(req_t *r);
int h_content_publish(req_t *r);
int drafts_seed_demo(void);        /* generates the demo drafts (zoe seed --demo) */
/* level3_multimodal_voice.c */
int h_voice(req_t *r);
/* level5_analytics.c */
int h_analytics_timeseries(req_t *r);
/* level5_realtime_funnel.c */
int h_analytics_realtime(req_t *r);
int h_analytics_funnel(req_t *r);
/* level3_journeys.c */
int h_behav_journey(req_t *r);
int h_behav_optimize(req_t *r);
/* level3_next_page.c */
int h_behav_predictive(req_t *r);
int job_conversion_model(json_t *payload, char *err, size_t errlen);
/* level5_maintenance.c, health_sample.c */
int h_maint_health(req_t *r);
int h_maint_predictions(req_t *r);
int h_maint_alerts(req_t *r);
int job_health_sample(json_t *payload, char *err, size_t errlen);
/* level5_breakdown.c */
int h_analytics_breakdown(req_t *r);
/* event_dims.c: a row's breakdown dimensions, in the order of
 * EVENT_DIMS_COLUMNS (NULL where unknown), arena strings. The first
 * EVENT_DIMS_VISITOR come from the visitor: `addr` and `ua` (the address is
 * looked up, never kept); the rest from the page: `url`, its `host` and the
 * referrer. event_dims_page fills out[EVENT_DIMS_VISITOR..EVENT_DIMS_N-1]. */
#define EVENT_DIMS_N 7
#define EVENT_DIMS_VISITOR 3
#define EVENT_DIMS_COLUMNS "os, country, region, utm_source, utm_medium, utm_campaign, source_group"
void event_dims_visitor(arena_t *a, const char *addr, const char *ua,
			const char *out[EVENT_DIMS_VISITOR]);
void event_dims_page(arena_t *a, const char *url, const char *referrer, const char *host,
		     const char *out[EVENT_DIMS_N]);

/* level4_predictions.c */
int h_predictions(req_t *r);
int job_content_model(json_t *payload, char *err, size_t errlen);
/* level4_abtest.c */
int h_ab_test(req_t *r);
int h_ab_results(req_t *r);
/* level5_hub.c */
int h_hub_subscribe(req_t *r);
int h_hub_list(req_t *r);
int h_hub_delete(req_t *r);
int h_hub_rotate(req_t *r);
int h_hub_replay(req_t *r);
int h_hub_test_event(req_t *r);
int h_hub_events(req_t *r);
/* hub_delivery.c: the job `webhooks`, and the retry schedule in force as a
 * JSON array of seconds (arena text) */
int job_webhooks(json_t *payload, char *err, size_t errlen);
const char *hub_schedule_json(arena_t *a);

#endif
