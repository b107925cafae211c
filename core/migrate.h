/* migrate.h - numbered SQL migrations from sql/, applied in order once each. */
#ifndef ZOE_MIGRATE_H
#define ZOE_MIGRATE_H

#include <jansson.h>

/* Folder of the .sql files (ZOE_SQL_DIR or the source tree's sql/). */
const char *migrate_dir(void);
/* Applies every pending migration, each in its own transaction, printing a
 * line per file; 0, or -1 after printing what failed. */
int migrate_apply(int quiet);
/* The sets of SQL files applied once each: sql/ and sql/demo/. */
enum migrate_set { MIGRATE_SCHEMA, MIGRATE_DEMO };
/* Applies the pending files of one set in name order, each in its own
 * transaction, recorded in the set's table; 0, or -1 after saying what failed. */
int migrate_apply_set(enum migrate_set which, int quiet);

/* New array of the migrations on disk not yet applied (NULL when the database
 * cannot be asked). */
json_t *migrate_pending_new(void);

#endif
