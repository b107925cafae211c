/* worker.h - one worker process: accept, parse, route, auth, handle, reply. */
#ifndef ZOE_WORKER_H
#define ZOE_WORKER_H

#include "http.h"

/* Serves requests on the listening socket `fd` until told to stop (SIGTERM
 * finishes the request in flight first). Returns the process exit code. */
int worker_run(int fd);

/* Runs one request through the generic checks and its handler: the part of
 * the worker that needs no socket (used by unit tests with r->fcgx NULL). */
void worker_dispatch(req_t *r);

#endif
