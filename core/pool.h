/* pool.h - the prefork master of `zoe serve`.
 *
 * The master binds the FastCGI socket once, forks cfg.workers workers that
 * all accept on it, respawns a worker that dies, replaces all workers one by
 * one on SIGHUP (new ones start before old ones finish their request, so no
 * request is dropped) and on SIGTERM/SIGINT lets every worker finish its
 * request in flight, then exits. */
#ifndef ZOE_POOL_H
#define ZOE_POOL_H

/* Runs the master until shutdown; returns the process exit code. */
int pool_serve(void);

#endif
