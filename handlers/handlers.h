/* handlers.h - every handler function named in the handler table (routes.c). */
#ifndef ZOE_HANDLERS_H
#define ZOE_HANDLERS_H

#include "http.h"

/* platform.c */
int h_health(req_t *r);
int h_ready(req_t *r);
int h_metrics(req_t *r);
int h_openapi(req_t *r);
/* auth_routes.c */
int h_auth_login(req_t *r);
int h_auth_refresh(req_t *r);
int h_auth_logout(req_t *r);
int h_auth_me(req_t *r);
/* level2_ux_signals.c */
int h_ux_track(req_t *r);
int h_ux_metrics(req_t *r);

#endif
