/* content_llm.h - the optional LLM provider of the content drafts (#48);
 * see content_llm.c. */
#ifndef ZOE_CONTENT_LLM_H
#define ZOE_CONTENT_LLM_H

#include <stddef.h>
#include <jansson.h>

#include "arena.h"
#include "llm.h"

typedef struct llm_request {
	const char *kind, *keyphrase;
	json_t *ctx;                    /* the facts, each with its "_ref" */
	json_t *missing;                /* the variable names of the missing facts */
	const char *base_title, *base_meta, *base_body;     /* the best template candidate */
	int base_score;
} llm_request_t;

typedef struct llm_candidate {
	const char *title, *meta, *body;        /* arena; the body without [[ref]] markers */
	json_t *paragraphs;                     /* [{text, facts}], arena-owned */
	const char *model;                      /* as the endpoint names it, or NULL */
} llm_candidate_t;

/* Asks the endpoint for one candidate; 0, or -1 with a one-line reason in err
 * (refused address, timeout, too large, HTTP status, an answer that is not
 * the expected JSON, cites rows that are not facts or states uncited figures). */
int llm_candidate(arena_t *a, const llm_request_t *q, llm_candidate_t *c, char *err,
		  size_t errlen);

#endif
