/* competitors.h - what the competitor services (#52-#55) and their fetch job
 * share: a snapshot's extraction and storage, and share of voice. */
#ifndef ZOE_COMPETITORS_H
#define ZOE_COMPETITORS_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

#define COMPETITOR_HTML_MAX (2u * 1024u * 1024u)  /* bytes of a page, posted or fetched */
#define COMPETITOR_TERMS 20                       /* weighted terms kept per snapshot */

/* The figures of one page of `domain` (html[0..len)): title, description,
 * h1, subheadings, word_count, jsonld_types, links_internal,
 * links_external, rating, rating_count, content_score, terms (TF-IDF over
 * our pages and the latest snapshot of every other competitor page) and
 * body_text. Owned by a; NULL on a database error or out of memory. */
json_t *competitor_extract(arena_t *a, const char *html, size_t len, const char *domain,
			   const char *url);

/* Marks snapshot `id` done with the figures f (competitor_extract), as the
 * fetch job does; appends competitor.snapshot to the event log. 0/-1. */
int competitor_snapshot_done(arena_t *a, long long id, int http_status, json_t *f);
/* Marks snapshot `id` failed or blocked (state) with a reason. 0/-1. */
int competitor_snapshot_fail(arena_t *a, long long id, const char *state, int http_status,
			     const char *reason);

/* Share of voice over the keyword set `keywords` (a JSON array text, NULL:
 * every competitor's keywords) on the last `days` ranking days (new object
 * owned by a): the curve and its source, the domains (ours first), the
 * latest shares, per-keyword positions and the series. NULL on error. */
json_t *competitor_sov(arena_t *a, const char *keywords, int days);

/* The data the competitor reports read, for the report cache (core/cache.h):
 * competitors, our pages, sites, the entity dictionary, keywords, images, videos. */
extern const db_stmt_t competitor_stamp;

#endif
