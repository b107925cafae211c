/* llm.h - the optional LLM provider: one call to an OpenAI-compatible chat
 * completions endpoint; see llm.c. */
#ifndef ZOE_LLM_H
#define ZOE_LLM_H

#include <stddef.h>
#include <jansson.h>

#include "arena.h"

/* 1 when ZOE_LLM_URL is set. */
int llm_enabled(void);
/* Sends the system and user message; *doc is the JSON object the answer's
 * choices[0].message.content holds (arena-owned), NULL when it holds none,
 * *model the model the endpoint names (or NULL). 0, or -1 with a one-line
 * reason in err (refused address, timeout, too large, HTTP status). */
int llm_chat(arena_t *a, const char *system, const char *user, json_t **doc,
	     const char **model, char *err, size_t errlen);

#endif
