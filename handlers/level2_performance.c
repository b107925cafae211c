/* level2_performance.c - under construction: answers 501 until built. */
#include "handlers.h"
#include "router.h"

int h_perf_monitor(req_t *r) { return router_not_built(r); }
