/* level2_data_optimize.c - under construction: answers 501 until built. */
#include "handlers.h"
#include "router.h"

int h_data_optimize(req_t *r) { return router_not_built(r); }
