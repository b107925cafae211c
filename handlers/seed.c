/* seed.c - `zoe seed --demo`: a deterministic demo data set for ZOE Solar's
 * website (fixed random seeds; idempotent: a second run changes nothing).
 * The data is SQL in sql/demo/, applied once per database like migrations;
 * then the steps that need the analysis code run over what it stored. */
#include "cli.h"
#include "handlers.h"
#include "migrate.h"

int seed_demo(void)
{
	int rc = migrate_apply_set(MIGRATE_DEMO, 0);
	if (rc == 0)
		rc = entity_seed_demo();
	if (rc == 0)
		rc = reviews_seed_demo();
	if (rc == 0)
		rc = video_seed_demo();
	if (rc == 0)
		rc = content_seed_demo();
	if (rc == 0)
		rc = drafts_seed_demo();
	return rc;
}
