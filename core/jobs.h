/* jobs.h - the job runner (`zoe jobs`) over the PostgreSQL queue.
 *
 * Runners claim due jobs with FOR UPDATE SKIP LOCKED and a lease, so several
 * runners on several hosts never run the same job at once and a crashed
 * runner's job is taken again when its lease expires. Job kinds are a table
 * of name -> function, handlers/jobs_table.c, beside the handler table. */
#ifndef ZOE_JOBS_H
#define ZOE_JOBS_H

#include <jansson.h>

typedef int (*job_fn)(json_t *payload, char *err, size_t errlen);

typedef struct job_kind {
	const char *name;
	job_fn run;
	int max_attempts;
} job_kind_t;

/* The job kinds (handlers/jobs_table.c). */
extern const job_kind_t jobs_table[];
extern const size_t jobs_count;

/* Runs until SIGTERM; with once != 0, drains the due jobs and returns. */
int jobs_run(int once);
/* The housekeeping job: event partitions ahead, old salts and login failures. */
int job_maintenance(json_t *payload, char *err, size_t errlen);

#endif
