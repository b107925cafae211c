/* migrate.c - apply sql/NNN_name.sql in order, recorded in schema_migrations. */
#include "migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#ifndef ZOE_SQL_DIR
#define ZOE_SQL_DIR "sql"
#endif

#define MAX_FILES 256

const char *migrate_dir(void)
{
	const char *d = getenv("ZOE_SQL_DIR");
	return d && *d ? d : ZOE_SQL_DIR;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted malloc'd names of *.sql files; returns the count or -1. */
static int list_files(const char *dir, char **names, int max)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0 && e->d_name[0] != '.')
			if ((names[n] = strdup(e->d_name)))
				n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(char *), cmp_name);
	return n;
}

static void free_list(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
}

static char *slurp(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = size >= 0 ? malloc((size_t)size + 1) : NULL;
	if (s && fread(s, 1, (size_t)size, f) != (size_t)size) {
		free(s);
		s = NULL;
	}
	if (s)
		s[size] = '\0';
	fclose(f);
	return s;
}

/* Each set of SQL files: its folder under migrate_dir(), the table that
 * records which files ran, and the statements on that table. */
static const struct fileset {
	const char *label, *subdir, *create;
	db_stmt_t applied, record;
} sets[] = {
	[MIGRATE_SCHEMA] = {"zoe migrate", "",
		"CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, "
		"applied_at timestamptz NOT NULL DEFAULT now())",
		{"mig_applied", "SELECT 1 FROM schema_migrations WHERE version = $1"},
		{"mig_record", "INSERT INTO schema_migrations (version) VALUES ($1)"}},
	[MIGRATE_DEMO] = {"zoe seed", "/demo",
		"CREATE TABLE IF NOT EXISTS demo_seeds (name text PRIMARY KEY, "
		"applied_at timestamptz NOT NULL DEFAULT now())",
		{"seed_applied", "SELECT 1 FROM demo_seeds WHERE name = $1"},
		{"seed_record", "INSERT INTO demo_seeds (name) VALUES ($1)"}},
};

static int apply_one(const struct fileset *fs, const char *dir, const char *name, int quiet)
{
	const char *p[] = {name};
	PGresult *res = db_run(NULL, &fs->applied, 1, p);
	if (!res)
		return -1;
	int done = PQntuples(res) > 0;
	PQclear(res);
	if (done)
		return 0;
	char *sql = slurp(dir, name);
	if (!sql) {
		fprintf(stderr, "%s: cannot read %s/%s\n", fs->label, dir, name);
		return -1;
	}
	int rc = db_begin();
	if (rc == 0)
		rc = db_exec(sql);
	if (rc == 0 && (res = db_run(NULL, &fs->record, 1, p)))
		PQclear(res);
	else
		rc = -1;
	if (rc == 0)
		rc = db_commit();
	free(sql);
	if (rc < 0) {
		fprintf(stderr, "%s: %s failed: %s\n", fs->label, name, db_last_message());
		db_rollback();
		return -1;
	}
	if (!quiet)
		printf("%s: applied %s\n", fs->label, name);
	return 0;
}

int migrate_apply_set(enum migrate_set which, int quiet)
{
	const struct fileset *fs = &sets[which];
	char *names[MAX_FILES], dir[3072];
	snprintf(dir, sizeof(dir), "%s%s", migrate_dir(), fs->subdir);
	/* one migrator at a time, across hosts */
	if (db_exec(fs->create) < 0 || db_exec("SELECT pg_advisory_lock(7411)") < 0) {
		fprintf(stderr, "%s: %s\n", fs->label, db_last_message());
		return -1;
	}
	int n = list_files(dir, names, MAX_FILES), rc = n < 0 ? -1 : 0;
	if (n < 0)
		fprintf(stderr, "%s: cannot read the folder %s\n", fs->label, dir);
	for (int i = 0; i < n && rc == 0; i++)
		rc = apply_one(fs, dir, names[i], quiet);
	db_exec("SELECT pg_advisory_unlock(7411)");
	free_list(names, n < 0 ? 0 : n);
	return rc;
}

int migrate_apply(int quiet) { return migrate_apply_set(MIGRATE_SCHEMA, quiet); }

static const db_stmt_t q_all = {"mig_all", "SELECT version FROM schema_migrations"};

json_t *migrate_pending_new(void)
{
	char *names[MAX_FILES];
	PGresult *res = db_run(NULL, &q_all, 0, NULL);
	if (!res)
		return NULL;
	int n = list_files(migrate_dir(), names, MAX_FILES);
	json_t *pending = json_array();
	for (int i = 0; i < n; i++) {
		int found = 0;
		for (int k = 0; k < PQntuples(res) && !found; k++)
			found = strcmp(PQgetvalue(res, k, 0), names[i]) == 0;
		if (!found)
			json_array_append_new(pending, json_string(names[i]));
	}
	PQclear(res);
	free_list(names, n < 0 ? 0 : n);
	return pending;
}
