/* rollup.c - the rollup job: keeps the hour rollups of sql/014_rollups.sql.
 *
 * Scheduled every minute (job_schedules). Each call of rollup_run() is one
 * transaction that rolls at most three days of new hours plus every older hour
 * that got late rows; the job calls it until it has caught up, so a fresh
 * database with months of events is rolled in one job, a day at a time, and a
 * job killed midway loses only its current call. The vital limits come from
 * analysis/vitals.c, the one table of them. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "log.h"
#include "vitals.h"

#define MAX_CALLS 400   /* three days each: more than three years behind */

static const db_stmt_t q_rollup = {"rollup_run",
	"SELECT rollup_run($1::text[], $2::float8[], $3::float8[], $4::float8[])"};

int job_rollup(json_t *payload, char *err, size_t errlen)
{
	const char *p[] = {vitals_array_literal(VITALS_NAME), vitals_array_literal(VITALS_GOOD),
			   vitals_array_literal(VITALS_POOR), vitals_array_literal(VITALS_MAX)};
	int calls = 0, more = 1, rc = 0;
	(void)payload;
	while (more && calls < MAX_CALLS) {
		PGresult *res = db_run(NULL, &q_rollup, 4, p);
		if (!res) {
			snprintf(err, errlen, "%s", db_last_message());
			rc = -1;
			goto out;
		}
		more = strcmp(PQgetvalue(res, 0, 0), "1") == 0;
		PQclear(res);
		calls++;
	}
	if (calls > 1)
		log_info("rollup: caught up in %d steps", calls);
out:
	return rc;
}
