/* seed.c - `zoe seed --demo`: a deterministic demo data set for ZOE Solar's
 * website (fixed random seed, idempotent: a second run changes nothing).
 * The statements live in sql/demo/ so they read as SQL; each file is run
 * once per database, recorded in demo_seeds. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "handlers.h"
#include "db.h"
#include "migrate.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s && fread(s, 1, (size_t)n, f) == (size_t)n)
		s[n] = '\0';
	else if (s) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

static const db_stmt_t q_seeded = {"seed_done", "SELECT 1 FROM demo_seeds WHERE name = $1"};
static const db_stmt_t q_record = {"seed_record", "INSERT INTO demo_seeds (name) VALUES ($1)"};

static int run_file(const char *dir, const char *name)
{
	char path[4096];
	const char *p[] = {name};
	PGresult *res = db_run(NULL, &q_seeded, 1, p);
	if (!res)
		return -1;
	int done = PQntuples(res) > 0;
	PQclear(res);
	if (done)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *sql = slurp(path);
	int rc = sql ? db_begin() : -1;
	if (rc == 0)
		rc = db_exec(sql);
	if (rc == 0 && (res = db_run(NULL, &q_record, 1, p)))
		PQclear(res);
	else
		rc = -1;
	if (rc == 0)
		rc = db_commit();
	free(sql);
	if (rc < 0) {
		fprintf(stderr, "zoe seed: %s failed: %s\n", name, db_last_message());
		db_rollback();
		return -1;
	}
	printf("zoe seed: %s\n", name);
	return 0;
}

int seed_demo(void)
{
	char dir[3000], *names[128];
	int n = 0, rc = 0;
	snprintf(dir, sizeof(dir), "%s/demo", migrate_dir());
	if (db_exec("CREATE TABLE IF NOT EXISTS demo_seeds (name text PRIMARY KEY, "
		    "applied_at timestamptz NOT NULL DEFAULT now())") < 0)
		return -1;
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "zoe seed: cannot read %s\n", dir);
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)) && n < 128) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0 && (names[n] = strdup(e->d_name)))
			n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(char *), cmp_name);
	for (int i = 0; i < n; i++) {
		if (rc == 0)
			rc = run_file(dir, names[i]);
		free(names[i]);
	}
	/* steps that need the analysis code, after the SQL data is in */
	if (rc == 0)
		rc = entity_seed_demo();
	if (rc == 0)
		rc = reviews_seed_demo();
	return rc;
}
