/* pool.c - master process: sockets, fork, respawn, reload, drain; see pool.h.
 *
 * Two groups of workers, each on a socket of its own: the pool (every route)
 * and ZOE_REPORT_WORKERS for report GETs, which nginx routes to the second
 * socket. However long reports compute, they hold only their own group, so
 * beacons and writes are answered by workers no report can take. */
#include "pool.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "router.h"
#include "worker.h"

#define MAX_WORKERS 512
#define DRAIN_SECONDS 15
#define SNAPSHOT_SECONDS 10

struct worker {
	pid_t pid;
	int generation;
	time_t started;
	int fd;                 /* the socket it accepts on: its group */
};

static struct worker workers[MAX_WORKERS * 2];
static int generation;
static volatile sig_atomic_t got_chld, got_hup, got_term, got_alrm;

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGALRM)
		got_alrm = 1;
	else
		got_term = 1;
}

static int spawn(int fd)
{
	int slot = -1;
	for (int i = 0; i < MAX_WORKERS * 2 && slot < 0; i++)
		if (workers[i].pid == 0)
			slot = i;
	if (slot < 0)
		return -1;
	pid_t master = getpid(), pid = fork();
	if (pid < 0) {
		log_error("fork failed: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* A worker does not outlive its master: a master killed with SIGKILL
		 * (the OOM killer, a test) cannot stop it, so the kernel sends it
		 * SIGTERM, and it answers the request in hand and leaves. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == 0 && getppid() != master)
			_exit(0);       /* the master died before the line above */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		_exit(worker_run(fd));
	}
	workers[slot] = (struct worker){pid, generation, time(NULL), fd};
	return 0;
}

static int count(int gen)
{
	int n = 0;
	for (int i = 0; i < MAX_WORKERS * 2; i++)
		n += workers[i].pid && (gen < 0 || workers[i].generation == gen);
	return n;
}

/* Reaps dead workers; respawns those of the current generation, on their
 * socket, unless stopping. */
static void reap(void)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (int i = 0; i < MAX_WORKERS * 2; i++) {
			if (workers[i].pid != pid)
				continue;
			int current = workers[i].generation == generation;
			int quick = time(NULL) - workers[i].started < 1;
			workers[i].pid = 0;
			if (current && !got_term) {
				log_warn("worker %d died (%s %d); respawning", (int)pid,
					 WIFSIGNALED(st) ? "signal" : "exit",
					 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
				metrics_worker_restart();
				if (quick)
					usleep(200 * 1000); /* a crash loop must not spin the CPU */
				spawn(workers[i].fd);
			}
		}
	}
	metrics_set_workers(count(-1));
}

/* Forks n workers on fd. */
static void spawn_group(int fd, int n)
{
	for (int i = 0; i < n; i++)
		spawn(fd);
}

/* Starts a new generation, then asks the old one to finish and exit. */
static void reload(int fd, int report_fd)
{
	int old = generation++;
	/* the database endpoints may have moved (a failover): the new generation
	 * connects where the db file says now */
	if (access(cfg.db_file, F_OK) == 0 && config_reload_db() < 0)
		log_warn("reloading: %s not read, the database endpoints stay", cfg.db_file);
	log_info("reloading: replacing %d workers", count(old));
	spawn_group(fd, cfg.workers);
	spawn_group(report_fd, cfg.report_workers);
	for (int i = 0; i < MAX_WORKERS * 2; i++)
		if (workers[i].pid && workers[i].generation == old)
			kill(workers[i].pid, SIGTERM);
}

static void drain(void)
{
	for (int i = 0; i < MAX_WORKERS * 2; i++)
		if (workers[i].pid)
			kill(workers[i].pid, SIGTERM);
	time_t deadline = time(NULL) + DRAIN_SECONDS;
	while (count(-1) > 0 && time(NULL) < deadline) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);
		for (int i = 0; pid > 0 && i < MAX_WORKERS * 2; i++)
			if (workers[i].pid == pid)
				workers[i].pid = 0;
		if (pid <= 0)
			usleep(20 * 1000);
	}
	for (int i = 0; i < MAX_WORKERS * 2; i++)
		if (workers[i].pid)
			kill(workers[i].pid, SIGKILL);
}

/* The file the pool's figures go to for the job runner (metrics.h):
 * var/run/pool-<socket or listen address, letters and digits>.json. */
static const char *snapshot_path(char *out, size_t len)
{
	const char *where = cfg.listen ? cfg.listen : cfg.socket;
	char tag[48], name[80];
	size_t wl = strlen(where), from = wl > sizeof(tag) - 1 ? wl - (sizeof(tag) - 1) : 0, k = 0;
	for (size_t i = from; i < wl; i++) {
		char c = where[i];
		tag[k++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
				   ? c : '_';
	}
	tag[k] = 0;
	snprintf(name, sizeof(name), "run/pool-%s.json", tag);
	return config_var_path(out, len, name);
}

/* Listens on `listen` (host:port) if set, else on the unix socket `path`. */
static int open_socket(const char *path, const char *listen)
{
	const char *where = listen ? listen : path;
	char tcp[300];
	if (listen) {
		/* libfcgi takes ":port" or "host:port" for TCP */
		snprintf(tcp, sizeof(tcp), "%s", listen);
		where = tcp;
	} else {
		unlink(path);
	}
	int fd = FCGX_OpenSocket(where, cfg.backlog);
	if (fd < 0) {
		log_error("cannot listen on %s: %s", where, strerror(errno));
		return -1;
	}
	if (!listen)
		chmod(path, 0666); /* the directory's mode guards it */
	return fd;
}

int pool_serve(void)
{
	char err[256];
	if (router_init(routes, routes_count, err, sizeof(err)) < 0) {
		log_error("handler table: %s", err);
		return 1;
	}
	if (cfg.workers + cfg.report_workers > MAX_WORKERS || metrics_init(routes_count) < 0 ||
	    ratelimit_init() < 0 || auth_init() < 0)
		return 1;
	if (FCGX_Init() != 0)
		return 1;
	int fd = open_socket(cfg.socket, cfg.listen), report_fd = -1;
	if (fd < 0)
		return 1;
	if (cfg.report_workers &&
	    (report_fd = open_socket(cfg.report_socket, cfg.report_listen)) < 0)
		return 1;

	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	char snap[1024], run[1024];
	snapshot_path(snap, sizeof(snap));
	mkdir(config_var_path(run, sizeof(run), "run"), 0755);
	/* the pool's figures for the health sample, every 10 s */
	struct itimerval every = {{SNAPSHOT_SECONDS, 0}, {1, 0}};
	setitimer(ITIMER_REAL, &every, NULL);

	spawn_group(fd, cfg.workers);
	spawn_group(report_fd, cfg.report_workers);
	metrics_set_workers(count(-1));
	log_info("serving on %s with %d workers, reports on %s with %d",
		 cfg.listen ? cfg.listen : cfg.socket, cfg.workers,
		 cfg.report_listen ? cfg.report_listen : cfg.report_socket, cfg.report_workers);
	while (!got_term) {
		sigsuspend(&old);
		if (got_chld) {
			got_chld = 0;
			reap();
		}
		if (got_alrm) {
			got_alrm = 0;
			if (metrics_snapshot_write(snap, routes, routes_count) < 0)
				log_warn("cannot write %s", snap);
		}
		if (got_hup) {
			got_hup = 0;
			reload(fd, report_fd);
		}
	}
	log_info("draining %d workers", count(-1));
	drain();
	unlink(snap);
	if (!cfg.listen)
		unlink(cfg.socket);
	if (report_fd >= 0 && !cfg.report_listen)
		unlink(cfg.report_socket);
	log_info("stopped");
	return 0;
}
