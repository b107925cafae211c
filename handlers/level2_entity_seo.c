/* level2_entity_seo.c - under construction: answers 501 until built. */
#include "handlers.h"
#include "router.h"

int h_entity_analyze(req_t *r) { return router_not_built(r); }
int h_entity_report(req_t *r) { return router_not_built(r); }
int entity_seed_demo(void) { return 0; }
