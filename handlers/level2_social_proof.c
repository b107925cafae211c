/* level2_social_proof.c - under construction: answers 501 until built. */
#include "handlers.h"
#include "router.h"

int h_reviews_integrate(req_t *r) { return router_not_built(r); }
int h_reviews_report(req_t *r) { return router_not_built(r); }
