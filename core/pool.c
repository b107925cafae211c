/* pool.c - master process: socket, fork, respawn, reload, drain; see pool.h. */
#include "pool.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

struct worker {
	pid_t pid;
	int generation;
	time_t started;
};

static struct worker workers[MAX_WORKERS * 2];
static int generation;
static volatile sig_atomic_t got_chld, got_hup, got_term;

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
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
	pid_t pid = fork();
	if (pid < 0) {
		log_error("fork failed: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGCHLD, SIG_DFL);
		_exit(worker_run(fd));
	}
	workers[slot] = (struct worker){pid, generation, time(NULL)};
	return 0;
}

static int count(int gen)
{
	int n = 0;
	for (int i = 0; i < MAX_WORKERS * 2; i++)
		n += workers[i].pid && (gen < 0 || workers[i].generation == gen);
	return n;
}

/* Reaps dead workers; respawns those of the current generation unless stopping. */
static void reap(int fd)
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
				spawn(fd);
			}
		}
	}
	metrics_set_workers(count(-1));
}

/* Starts a new generation, then asks the old one to finish and exit. */
static void reload(int fd)
{
	int old = generation++;
	log_info("reloading: replacing %d workers", count(old));
	for (int i = 0; i < cfg.workers; i++)
		spawn(fd);
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

static int open_socket(void)
{
	const char *where = cfg.listen ? cfg.listen : cfg.socket;
	char tcp[300];
	if (cfg.listen) {
		/* libfcgi takes ":port" or "host:port" for TCP */
		snprintf(tcp, sizeof(tcp), "%s", cfg.listen);
		where = tcp;
	} else {
		unlink(cfg.socket);
	}
	int fd = FCGX_OpenSocket(where, cfg.backlog);
	if (fd < 0) {
		log_error("cannot listen on %s: %s", where, strerror(errno));
		return -1;
	}
	if (!cfg.listen)
		chmod(cfg.socket, 0666); /* the directory's mode guards it */
	return fd;
}

int pool_serve(void)
{
	char err[256];
	if (router_init(routes, routes_count, err, sizeof(err)) < 0) {
		log_error("handler table: %s", err);
		return 1;
	}
	if (cfg.workers > MAX_WORKERS || metrics_init(routes_count) < 0 ||
	    ratelimit_init() < 0 || auth_init() < 0)
		return 1;
	if (FCGX_Init() != 0)
		return 1;
	int fd = open_socket();
	if (fd < 0)
		return 1;

	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	for (int i = 0; i < cfg.workers; i++)
		spawn(fd);
	metrics_set_workers(count(-1));
	log_info("serving on %s with %d workers", cfg.listen ? cfg.listen : cfg.socket,
		 cfg.workers);
	while (!got_term) {
		sigsuspend(&old);
		if (got_chld) {
			got_chld = 0;
			reap(fd);
		}
		if (got_hup) {
			got_hup = 0;
			reload(fd);
		}
	}
	log_info("draining %d workers", count(-1));
	drain();
	if (!cfg.listen)
		unlink(cfg.socket);
	log_info("stopped");
	return 0;
}
