/* level2_optimization.c - under construction: answers 501 until built. */
#include "handlers.h"
#include "router.h"

int h_opt_recommend(req_t *r) { return router_not_built(r); }
int h_opt_status(req_t *r) { return router_not_built(r); }
