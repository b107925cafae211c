/* routes.c - THE handler table: every route of the API, one row each.
 *
 * Columns: method, path pattern ({name} segments become r->params), minimum
 * role (ROLE_NONE = public), credentials accepted besides the role check,
 * handler (NULL = not built yet: the router answers 501 naming the route),
 * one-line summary (also the OpenAPI summary), number in SPEC.md, body limit
 * (0 = default), inputs and success status (api_op_t, declared next to the
 * handler; NULL = no inputs, 200). Every generic check runs before the
 * handler: route exists, method, body size, credentials, role, query
 * parameters. OpenAPI is generated from this table (core/openapi.c). */
#include "handlers.h"
#include "router.h"

#define PUBLIC ROLE_NONE, 0
#define USER(role) role, ACCEPT_JWT | ACCEPT_APIKEY
#define USER_OR_SITE(role) role, ACCEPT_JWT | ACCEPT_APIKEY | ACCEPT_SITEKEY
#define SITE ROLE_NONE, ACCEPT_SITEKEY
#define MiB (1024u * 1024u)

const route_t routes[] = {
/* platform */
{"POST", "/api/auth/login", PUBLIC, h_auth_login, "Log in: access JWT + rotating refresh token", 0, 0, &op_auth_login},
{"POST", "/api/auth/refresh", PUBLIC, h_auth_refresh, "Exchange a refresh token for a new pair", 0, 0, &op_auth_refresh},
{"POST", "/api/auth/logout", ROLE_VIEWER, ACCEPT_JWT, h_auth_logout, "Revoke the refresh family of this session", 0, 0, &op_auth_logout},
{"GET", "/api/auth/me", USER(ROLE_VIEWER), h_auth_me, "The calling user or API key and its role", 0, 0, NULL},
{"GET", "/api/health", PUBLIC, h_health, "Liveness", 0, 0, NULL},
{"GET", "/api/ready", PUBLIC, h_ready, "Database reachable and migrations current", 0, 0, NULL},
{"GET", "/metrics", PUBLIC, h_metrics, "Prometheus metrics (nginx admits private networks only)", 0, 0, NULL},
{"GET", "/api/openapi.json", PUBLIC, h_openapi, "OpenAPI 3.1 description generated from this table", 0, 0, NULL},
/* level 2 — strategic */
{"POST", "/api/level2/entity-seo/analyze", USER(ROLE_EDITOR), h_entity_analyze, "Find dictionary entities in a page; about/mentions JSON-LD", 1, 0, &op_entity_analyze},
{"GET", "/api/level2/entity-seo/report", USER(ROLE_VIEWER), h_entity_report, "Entities across analysed pages, topic clusters, gaps", 2, 0, &op_entity_report},
{"POST", "/api/level2/ux-signals/track", SITE, h_ux_track, "Tracker beacons: pageview, engagement, web vitals, events", 3, 0, &op_ux_track},
{"GET", "/api/level2/ux-signals/metrics", USER(ROLE_VIEWER), h_ux_metrics, "p75 Core Web Vitals per page and device, CWV verdict", 4, 0, &op_ux_metrics},
{"POST", "/api/level2/social-proof/integrate", USER(ROLE_EDITOR), h_reviews_integrate, "Import reviews idempotently, with sentiment", 5, 0, &op_reviews_integrate},
{"GET", "/api/level2/social-proof/report", USER(ROLE_VIEWER), h_reviews_report, "Ratings per source, trust score, AggregateRating JSON-LD", 6, 0, &op_reviews_report},
{"POST", "/api/level2/optimization/recommend", USER(ROLE_EDITOR), h_opt_recommend, "Run the recommendation rules over stored data", 7, 0, &op_opt_recommend},
{"GET", "/api/level2/optimization/status", USER(ROLE_VIEWER), h_opt_status, "Recommendations by status and priority", 8, 0, &op_opt_status},
{"GET", "/api/level2/data/optimize", USER(ROLE_VIEWER), h_data_report, "The metadata audit of the stored page inventory, read only", 0, 0, &op_data_report},
{"POST", "/api/level2/data/optimize", USER(ROLE_EDITOR), h_data_optimize, "Page metadata audit; upserts the page inventory", 9, 0, &op_data_optimize},
{"GET", "/api/level2/performance/monitor", USER(ROLE_ANALYST), h_perf_monitor, "This backend's latency and errors per route", 10, 0, &op_perf_monitor},
/* level 3 — predictive, multimodal, behavioural */
{"POST", "/api/level3/predictive/analyze", USER(ROLE_EDITOR), h_predictive_analyze, "Keyword series: trend, seasonality, Holt-Winters forecast", 11, 0, &op_predictive_analyze},
{"GET", "/api/level3/predictive/report", USER(ROLE_VIEWER), h_predictive_report, "Forecast summary of all keywords", 12, 0, &op_predictive_report},
{"POST", "/api/level3/predictive/seasonal", USER(ROLE_ANALYST), h_predictive_seasonal, "Seasonal decomposition and publishing window", 13, 0, &op_predictive_seasonal},
{"GET", "/api/level3/predictive/trends", USER(ROLE_VIEWER), h_predictive_trends, "Rising and falling keywords (Mann-Kendall, Sen)", 14, 0, &op_predictive_trends},
{"POST", "/api/level3/predictive/events", USER(ROLE_EDITOR), h_predictive_events, "Register an event; its estimated uplift", 15, 0, &op_predictive_events},
{"POST", "/api/level3/multimodal/image", USER(ROLE_EDITOR), h_image_audit, "Image SEO check and ImageObject JSON-LD", 16, 10 * MiB, &op_image_audit},
{"GET", "/api/level3/multimodal/image-report", USER(ROLE_VIEWER), h_image_report, "Aggregates over stored images", 17, 0, &op_image_report},
{"POST", "/api/level3/multimodal/video", USER(ROLE_EDITOR), h_video_audit, "VideoObject check and JSON-LD", 18, 0, &op_video_audit},
{"GET", "/api/level3/multimodal/video-report", USER(ROLE_VIEWER), h_video_report, "Aggregates over stored videos", 19, 0, &op_video_report},
{"POST", "/api/level3/multimodal/voice", USER(ROLE_EDITOR), h_voice, "Voice search: questions, speakable, FAQPage", 20, 0, &op_voice},
{"POST", "/api/level3/behavioral/dynamic", USER_OR_SITE(ROLE_EDITOR), h_behavior_dynamic, "Dynamic content rules / evaluate a visitor", 21, 0, &op_behavior_dynamic},
{"GET", "/api/level3/behavioral/metrics", USER(ROLE_VIEWER), h_behavior_metrics, "Sessions, engagement, bounce and conversion", 22, 0, &op_behavior_metrics},
{"POST", "/api/level3/behavioral/predictive", USER_OR_SITE(ROLE_ANALYST), h_behav_predictive, "Next-page prediction and conversion model", 23, 0, &op_behav_predictive},
{"GET", "/api/level3/behavioral/journey", USER(ROLE_VIEWER), h_behav_journey, "Paths to conversion and attribution", 24, 0, &op_behav_journey},
{"POST", "/api/level3/behavioral/optimize", USER(ROLE_EDITOR), h_behav_optimize, "Behavioural recommendations", 25, 0, &op_behav_optimize},
/* level 4 — content, schema, international and local */
{"POST", "/api/level4/ai-content/analyze", USER(ROLE_EDITOR), h_content_analyze, "Content analysis: readability, keyphrase, score", 26, 0, &op_content_analyze},
{"GET", "/api/level4/ai-content/report", USER(ROLE_VIEWER), h_content_report, "Content scores across pages", 27, 0, &op_content_report},
{"POST", "/api/level4/ai-content/optimize", USER(ROLE_EDITOR), h_content_optimize, "Concrete rewrites for a page", 28, 0, &op_content_optimize},
{"GET", "/api/level4/ai-content/predictions", USER(ROLE_ANALYST), h_predictions, "Predicted clicks from content features", 29, 0, &op_predictions},
{"POST", "/api/level4/ai-content/ab-test", USER_OR_SITE(ROLE_EDITOR), h_ab_test, "Create an A/B test or get a sticky assignment", 30, 0, &op_ab_test},
{"GET", "/api/level4/ai-content/results", USER(ROLE_VIEWER), h_ab_results, "A/B test results and decisions", 31, 0, &op_ab_results},
{"POST", "/api/level4/schema/automotive", USER(ROLE_EDITOR), h_schema_automotive, "E-mobility Product/Offer/Vehicle markup", 32, 0, &op_schema_automotive},
{"GET", "/api/level4/schema/automotive-report", USER(ROLE_VIEWER), h_schema_automotive_report, "Stored automotive snippets", 33, 0, &op_schema_report},
{"POST", "/api/level4/schema/howto", USER(ROLE_EDITOR), h_schema_howto, "HowTo markup", 34, 0, &op_schema_howto},
{"GET", "/api/level4/schema/howto-report", USER(ROLE_VIEWER), h_schema_howto_report, "Stored HowTo snippets", 35, 0, &op_schema_report},
{"POST", "/api/level4/schema/qa", USER(ROLE_EDITOR), h_schema_qa, "QAPage / FAQPage markup", 36, 0, &op_schema_qa},
{"GET", "/api/level4/schema/qa-report", USER(ROLE_VIEWER), h_schema_qa_report, "Stored Q&A snippets", 37, 0, &op_schema_report},
{"POST", "/api/level4/intl-local/locations", USER(ROLE_EDITOR), h_local_locations, "Upsert business locations; LocalBusiness JSON-LD", 38, 0, &op_local_locations},
{"GET", "/api/level4/intl-local/locations-report", USER(ROLE_VIEWER), h_local_locations_report, "Locations, NAP issues, map data", 39, 0, &op_local_locations_report},
{"POST", "/api/level4/intl-local/events", USER(ROLE_EDITOR), h_local_events, "Local events with Event markup", 40, 0, &op_local_events},
{"GET", "/api/level4/intl-local/events-report", USER(ROLE_VIEWER), h_local_events_report, "Upcoming and past events", 41, 0, &op_local_events_report},
{"POST", "/api/level4/intl-local/languages", USER(ROLE_EDITOR), h_local_languages, "hreflang cluster check and corrected tags", 42, 0, &op_local_languages},
{"GET", "/api/level4/intl-local/languages", USER(ROLE_VIEWER), h_local_languages_report, "The stored hreflang clusters and what is wrong, read only", 0, 0, &op_local_languages_report},
/* level 5 — expansion */
{"POST", "/api/level5/analytics/events", ROLE_EDITOR, ACCEPT_APIKEY | ACCEPT_SITEKEY, h_analytics_events, "Batch event ingest (API key: up to 1000 with timestamps; site key) and Plausible's event API", 43, 0, &op_analytics_events},
{"GET", "/api/level5/analytics/realtime", USER(ROLE_VIEWER), h_analytics_realtime, "Visitors now, pageviews per minute", 44, 0, &op_analytics_realtime},
{"GET", "/api/level5/analytics/timeseries", USER(ROLE_VIEWER), h_analytics_timeseries, "Visitors, visits, bounce, conversions over time", 45, 0, &op_analytics_timeseries},
{"GET", "/api/level5/analytics/breakdown", USER(ROLE_VIEWER), h_analytics_breakdown, "Visitors, visits, bounce, conversions per page, source, campaign, device, country or goal", 46, 0, &op_analytics_breakdown},
{"GET", "/api/level5/analytics/funnel", USER(ROLE_VIEWER), h_analytics_funnel, "Ordered funnel with drop-off", 47, 0, &op_analytics_funnel},
{"POST", "/api/level5/content/generate", USER(ROLE_EDITOR), h_content_generate, "Generate and score a content draft", 48, 0, &op_content_generate},
{"GET", "/api/level5/content/drafts", USER(ROLE_VIEWER), h_content_drafts, "Drafts by status", 49, 0, &op_content_drafts},
{"GET", "/api/level5/content/drafts/{id}", USER(ROLE_VIEWER), h_content_draft, "One draft with its ETag and revisions", 0, 0, &op_content_draft},
{"PATCH", "/api/level5/content/drafts/{id}", USER(ROLE_EDITOR), h_content_patch, "Edit, approve or reject a draft (If-Match)", 50, 0, &op_content_patch},
{"POST", "/api/level5/content/drafts/{id}/publish", USER(ROLE_EDITOR), h_content_publish, "Publish a draft (idempotent)", 51, 0, &op_content_publish},
{"POST", "/api/level5/competitors", USER(ROLE_EDITOR), h_competitor_save, "Register or update a competitor", 52, 0, &op_competitor_save},
{"GET", "/api/level5/competitors", USER(ROLE_VIEWER), h_competitor_list, "Competitors with their latest figures", 53, 0, &op_competitor_list},
{"POST", "/api/level5/competitors/{id}/snapshots", USER(ROLE_EDITOR), h_competitor_snapshot, "Competitor page snapshot (HTML, or a URL fetched by the job runner) and rankings", 54, 3 * MiB, &op_competitor_snapshot},
{"GET", "/api/level5/competitors/gap", USER(ROLE_VIEWER), h_competitor_gap, "Keyword, content and schema gaps, share of voice", 55, 0, &op_competitor_gap},
{"GET", "/api/level5/maintenance/health", USER(ROLE_ANALYST), h_maint_health, "Health of every part", 56, 0, NULL},
{"GET", "/api/level5/maintenance/predictions", USER(ROLE_ANALYST), h_maint_predictions, "Time to thresholds, anomalies", 57, 0, &op_maint_predictions},
{"GET", "/api/level5/maintenance/alerts", USER(ROLE_ANALYST), h_maint_alerts, "Alerts firing and resolved", 58, 0, &op_maint_alerts},
{"POST", "/api/level5/hub/webhooks", USER(ROLE_ADMIN), h_hub_subscribe, "Subscribe a webhook endpoint; its signing secret, shown once", 59, 0, &op_hub_subscribe},
{"GET", "/api/level5/hub/webhooks", USER(ROLE_ADMIN), h_hub_list, "Webhook subscriptions and delivery stats", 60, 0, &op_hub_list},
{"DELETE", "/api/level5/hub/webhooks/{id}", USER(ROLE_ADMIN), h_hub_delete, "Unsubscribe a webhook endpoint", 61, 0, NULL},
{"GET", "/api/level5/hub/events", USER(ROLE_ANALYST), h_hub_events, "The ordered domain event log", 62, 0, &op_hub_events},
{"POST", "/api/level5/hub/webhooks/{id}/rotate", USER(ROLE_ADMIN), h_hub_rotate, "A new signing secret; the old one signs too during the overlap", 0, 0, &op_hub_rotate},
{"POST", "/api/level5/hub/webhooks/{id}/replay", USER(ROLE_ADMIN), h_hub_replay, "Send the events from event N on to this endpoint again", 0, 0, &op_hub_replay},
{"POST", "/api/level5/hub/test-event", USER(ROLE_ADMIN), h_hub_test_event, "Append a hub.test event (delivered to every endpoint)", 0, 0, &op_hub_test},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
