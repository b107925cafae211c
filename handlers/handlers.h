/* handlers.h - every handler function named in the handler table (routes.c). */
#ifndef ZOE_HANDLERS_H
#define ZOE_HANDLERS_H

#include "http.h"
#include "router.h"

/* Inputs of the built routes, declared next to each handler (see router.h). */
extern const api_op_t op_auth_login, op_auth_refresh, op_auth_logout, op_entity_analyze, op_entity_report,
	op_ux_track, op_ux_metrics, op_reviews_integrate, op_reviews_report, op_opt_recommend,
	op_opt_status, op_data_optimize, op_perf_monitor, op_analytics_timeseries,
	op_analytics_realtime, op_analytics_funnel;
extern const api_op_t op_predictive_analyze, op_predictive_report, op_predictive_seasonal,
	op_predictive_trends, op_predictive_events;

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
/* level2_social_proof.c */
int h_reviews_integrate(req_t *r);
int h_reviews_report(req_t *r);
int reviews_seed_demo(void);       /* scores the demo reviews (zoe seed --demo) */
/* level2_optimization.c */
int h_opt_recommend(req_t *r);
int h_opt_status(req_t *r);
int job_recommendations(json_t *payload, char *err, size_t errlen);
/* level2_data_optimize.c */
int h_data_optimize(req_t *r);
/* level2_performance.c */
int h_perf_monitor(req_t *r);
/* level3_predictive.c */
int h_predictive_analyze(req_t *r);
int h_predictive_report(req_t *r);
int h_predictive_seasonal(req_t *r);
int h_predictive_trends(req_t *r);
int h_predictive_events(req_t *r);
/* level5_analytics.c */
int h_analytics_timeseries(req_t *r);
/* level5_realtime_funnel.c */
int h_analytics_realtime(req_t *r);
int h_analytics_funnel(req_t *r);

#endif
