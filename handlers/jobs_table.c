/* jobs_table.c - every kind of background job the runner knows: name,
 * function, attempts before giving up. Scheduled ones are listed in the
 * job_schedules table (migrations); others are queued by handlers. */
#include "handlers.h"
#include "jobs.h"

const job_kind_t jobs_table[] = {
	{"maintenance", job_maintenance, 3},
	{"recommendations", job_recommendations, 3},
	{"rollup", job_rollup, 3},
	{"conversion-model", job_conversion_model, 2},
	{"health-sample", job_health_sample, 1},
	{"content-model", job_content_model, 2},
	{"webhooks", job_webhooks, 1},
	{"competitor-fetch", job_competitor_fetch, 2},
};
const size_t jobs_count = sizeof(jobs_table) / sizeof(jobs_table[0]);
