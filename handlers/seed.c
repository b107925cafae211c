/* seed.c - `zoe seed --demo`: a deterministic demo data set for ZOE Solar's
 * website (fixed random seeds; idempotent: a second run changes nothing).
 * The data is SQL in sql/demo/, applied once per database like migrations;
 * then the steps that need the analysis code run over what it stored. */
#include <stdio.h>

#include "cli.h"
#include "db.h"
#include "handlers.h"
#include "migrate.h"

int seed_docs(const char *what, const char *const *docs, size_t n,
	      int (*one)(arena_t *a, json_t *body))
{
	arena_t *a = arena_new(1 << 16);
	int rc = a ? 0 : -1;
	size_t i;
	for (i = 0; rc == 0 && i < n; i++) {
		json_t *body = arena_json(a, json_loads(docs[i], 0, NULL));
		rc = body && one(a, body) == 0 ? 0 : -1;
		arena_reset(a);
	}
	if (rc == 0)
		printf("zoe seed: %zu demo %s checked and stored\n", i, what);
	else
		fprintf(stderr, "zoe seed: demo %s %zu failed: %s\n", what, i ? i - 1 : 0,
			db_last_message());
	if (a)
		arena_free(a);
	return rc;
}

/* Each step runs once the one before it has succeeded; drafts come after the
 * content analyses their facts and scores read. */
int seed_demo(void)
{
	static int (*const steps[])(void) = {
		entity_seed_demo, reviews_seed_demo, video_seed_demo, image_seed_demo,
		content_seed_demo, competitor_seed_demo, schema_seed_demo, local_seed_demo,
		drafts_seed_demo,
	};
	int rc = migrate_apply_set(MIGRATE_DEMO, 0);
	for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof steps[0]; i++)
		rc = steps[i]();
	/* statistics for what was just written: until autovacuum gets to it, the
	 * planner takes a fresh database's 130 k events for an empty table, and a
	 * 90-day breakdown that takes a second ran past the statement timeout */
	return rc == 0 ? db_exec("ANALYZE") : rc;
}
