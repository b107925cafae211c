/* worker.c - the request loop of a worker process; see worker.h. */
#include "worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "config.h"
#include "crypto.h"
#include "cache.h"
#include "db.h"
#include "idempotency.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "router.h"

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *param(FCGX_Request *fr, const char *name)
{
	const char *v = FCGX_GetParam(name, fr->envp);
	return v && *v ? v : NULL;
}

/* A request id from nginx ($request_id) when it is sane, else a fresh one. */
static void set_request_id(req_t *r, const char *given)
{
	size_t n = given ? strlen(given) : 0;
	int ok = n >= 8 && n < sizeof(r->request_id);
	for (size_t i = 0; ok && i < n; i++)
		ok = (given[i] >= '0' && given[i] <= '9') || (given[i] >= 'a' && given[i] <= 'z') ||
		     (given[i] >= 'A' && given[i] <= 'Z') || given[i] == '-';
	if (ok) {
		memcpy(r->request_id, given, n + 1);
		return;
	}
	unsigned char raw[16];
	if (crypto_random(raw, sizeof(raw)) < 0)
		memset(raw, 0, sizeof(raw));
	crypto_hex(raw, sizeof(raw), r->request_id);
}

static void fill(req_t *r, FCGX_Request *fr)
{
	r->fcgx = fr;
	r->method = param(fr, "REQUEST_METHOD");
	r->path = param(fr, "DOCUMENT_URI");
	r->query = param(fr, "QUERY_STRING");
	r->content_type = param(fr, "CONTENT_TYPE");
	r->origin = param(fr, "HTTP_ORIGIN");
	r->user_agent = param(fr, "HTTP_USER_AGENT");
	r->remote_addr = param(fr, "REMOTE_ADDR");
	r->authorization = param(fr, "HTTP_AUTHORIZATION");
	r->api_key = param(fr, "HTTP_X_API_KEY");
	r->site_key = param(fr, "HTTP_X_SITE_KEY");
	r->idempotency_key = param(fr, "HTTP_IDEMPOTENCY_KEY");
	r->if_match = param(fr, "HTTP_IF_MATCH");
	r->cookie = param(fr, "HTTP_COOKIE");
	set_request_id(r, param(fr, "REQUEST_ID"));
}

/* Reads the body up to the route's limit; replies 413/400 and returns -1. */
static int read_body(req_t *r)
{
	const char *cl = req_param(r, "CONTENT_LENGTH");
	size_t limit = r->route->body_limit ? r->route->body_limit : cfg.body_limit;
	char *end;
	unsigned long long n = cl && *cl ? strtoull(cl, &end, 10) : 0;
	if (cl && *cl && *end)
		return reply_problem(r, 400, "Content-Length is not a number", NULL), -1;
	if (n > limit) {
		char d[96];
		snprintf(d, sizeof(d), "the body exceeds the limit of %zu bytes", limit);
		return reply_problem(r, 413, d, NULL), -1;
	}
	r->body = arena_alloc(r->arena, (size_t)n + 1);
	if (!r->body)
		return reply_problem(r, 500, "out of memory", NULL), -1;
	size_t got = 0;
	if (r->fcgx && n)
		got = (size_t)FCGX_GetStr(r->body, (int)n, ((FCGX_Request *)r->fcgx)->in);
	r->body[got] = '\0';
	r->body_len = got;
	return 0;
}

void worker_dispatch(req_t *r)
{
	char allow[64];
	int status = 404;
	if (!r->method || !r->path) {
		reply_problem(r, 400, "missing request method or path", NULL);
		return;
	}
	r->route = router_match(routes, routes_count, r->method, r->path, r->arena, r->params,
				&status, allow, sizeof(allow));
	if (!r->route) {
		if (status == 405)
			reply_header(r, "Allow", allow);
		reply_problem(r, status, status == 405 ? "this method is not allowed on this path"
						       : "no such endpoint", NULL);
		return;
	}
	/* a GET may be answered from the replica, its credentials checked there too:
	 * reads go on while the primary is away (a write falls back to the primary) */
	if (cfg.database_url_ro && strcmp(r->method, "GET") == 0)
		db_route_reads();
	if (read_body(r) < 0 || auth_request(r) < 0 || ratelimit_request(r) < 0)
		return;
	if (!r->route->handler) {
		router_not_built(r);
		return;
	}
	if (router_check_query(r) < 0)
		return;
	int idem = idem_begin(r);
	if (idem < 0)
		return;
	r->route->handler(r);
	r->on_replica = db_on_replica();
	if (idem)
		idem_finish(r);
	if (db_in_transaction())
		db_rollback();
	if (!r->replied)
		reply_problem(r, 500, "the handler gave no answer", NULL);
	cache_store(r);
}

int worker_run(int fd)
{
	FCGX_Request fr;
	struct sigaction sa = {0};
	sa.sa_handler = on_term;        /* no SA_RESTART: accept() must return EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (FCGX_InitRequest(&fr, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return 1;
	arena_t *a = arena_new(64 * 1024);
	if (!a)
		return 1;
	db_set_statement_timeout(cfg.statement_timeout_ms);   /* below nginx's 30 s */
	db_open();      /* failure is fine: the first request reconnects or answers 503 */
	/* SIGTERM may interrupt the wait for a connection, never a request: a
	 * request's reads and writes run with it blocked, so it is answered whole
	 * and the worker leaves after it. */
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigprocmask(SIG_BLOCK, &term, NULL);
	while (!stopping) {
		sigprocmask(SIG_UNBLOCK, &term, NULL);
		int rc = stopping ? -1 : FCGX_Accept_r(&fr);
		sigprocmask(SIG_BLOCK, &term, NULL);
		if (rc < 0) {
			if (stopping || errno == EINTR)
				continue;
			break;
		}
		double t0 = now_s();
		req_t r = {0};
		r.arena = a;
		fill(&r, &fr);
		worker_dispatch(&r);
		db_route_primary();
		/* a user's write is in their next report, even from the replica; the
		 * tracker's beacons need no such promise */
		if (cfg.database_url_ro && r.method && strcmp(r.method, "GET") != 0 &&
		    r.status < 300 && r.who.cred != CRED_SITEKEY)
			db_note_write();
		double dt = now_s() - t0;
		int idx = router_index(routes, routes_count, r.route);
		metrics_observe(idx, r.status, dt);
		if (r.cache_state)
			metrics_cache(idx, r.cache_state == 1);
		log_request(&r, dt * 1000);
		FCGX_Finish_r(&fr);
		arena_reset(a);
	}
	arena_free(a);
	db_close();
	return 0;
}
