/* llm.c - the optional LLM provider, shared by the content drafts (#48,
 * content_llm.c) and the rewrites (#28, level4_ai_content.c): one request to
 * an OpenAI-compatible chat completions endpoint, the JSON object of its
 * answer back. What to ask and what to accept is the caller's.
 *
 * Configured by the environment, never required: ZOE_LLM_URL (the full URL,
 * e.g. https://llm.example/v1/chat/completions; unset or empty: no call),
 * ZOE_LLM_MODEL (default "default"), ZOE_LLM_KEY (sent as a bearer token
 * when set) and ZOE_LLM_TIMEOUT (seconds for the whole request, 1-25,
 * default 20: below nginx's fastcgi_read_timeout of 30 s, since the worker
 * waits for the answer). The request goes out with libcurl through the SSRF
 * guard (core/netguard, ZOE_OUTBOUND_ALLOW) pinned to the checked address,
 * http and https only, no proxy, no redirects, and at most 1 MiB of answer. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "llm.h"
#include "netguard.h"

#define LLM_CAP (1024 * 1024)
#define LLM_TIMEOUT_DEFAULT 20L
#define LLM_TIMEOUT_MAX 25L

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	buf_t *b = ud;
	size_t len = size * n;
	if (b->len + len > LLM_CAP) {
		b->oom = 2;                 /* too large: ends the transfer */
		return 0;
	}
	return buf_add(b, p, len) == 0 ? len : 0;
}

/* POSTs body to url; the answer in out (capped). 0, or -1 with err. */
static int post_json(const char *url, const char *body, buf_t *out, char *err, size_t errlen)
{
	char auth[600];
	const char *key = getenv("ZOE_LLM_KEY"), *to = getenv("ZOE_LLM_TIMEOUT");
	long timeout = to && *to ? strtol(to, NULL, 10) : LLM_TIMEOUT_DEFAULT, status = 0;
	if (timeout < 1 || timeout > LLM_TIMEOUT_MAX)
		timeout = LLM_TIMEOUT_DEFAULT;
	CURL *c = curl_easy_init();
	struct curl_slist *resolve = NULL, *head = NULL;
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (netguard_curl_setup(c, url, getenv("ZOE_OUTBOUND_ALLOW"), timeout, &resolve, err,
				errlen) < 0) {
		curl_easy_cleanup(c);
		return -1;
	}
	head = curl_slist_append(NULL, "Content-Type: application/json");
	if (head && key && *key && snprintf(auth, sizeof auth, "Authorization: Bearer %s", key) <
	    (int)sizeof auth)
		head = curl_slist_append(head, auth);
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	if (head) {
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, head);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	}
	curl_slist_free_all(resolve);
	curl_slist_free_all(head);
	curl_easy_cleanup(c);
	if (out->oom == 2)
		snprintf(err, errlen, "the answer is larger than %d bytes", LLM_CAP);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errlen, "no complete answer within %ld s", timeout);
	else if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
	else if (status != 200)
		snprintf(err, errlen, "HTTP %ld", status);
	return rc == CURLE_OK && status == 200 && !out->oom ? 0 : -1;
}

int llm_enabled(void)
{
	const char *url = getenv("ZOE_LLM_URL");
	return url && *url;
}

int llm_chat(arena_t *a, const char *system, const char *user, json_t **doc,
	     const char **model, char *err, size_t errlen)
{
	const char *m = getenv("ZOE_LLM_MODEL");
	json_t *req = arena_json(a, json_pack("{s:s, s:f, s:[{s:s, s:s}, {s:s, s:s}]}", "model",
		m && *m ? m : "default", "temperature", 0.2, "messages", "role", "system",
		"content", system, "role", "user", "content", user));
	char *body = req ? arena_json_text(a, req) : NULL;
	buf_t answer;
	*doc = NULL;
	*model = NULL;
	if (!body) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	buf_init(&answer, LLM_CAP + 1);
	int rc = post_json(getenv("ZOE_LLM_URL"), body, &answer, err, errlen);
	if (rc == 0 && !answer.len) {
		snprintf(err, errlen, "empty answer");
		rc = -1;
	}
	json_t *r = rc == 0 ? arena_json(a, json_loads(answer.data, 0, NULL)) : NULL;
	buf_free(&answer);
	json_t *choice = json_array_get(json_object_get(r, "choices"), 0);
	const char *content = json_string_value(json_object_get(json_object_get(choice, "message"),
								"content"));
	/* the object, also when the model wraps it in prose or a code fence */
	const char *open = content ? strchr(content, '{') : NULL;
	const char *close = content ? strrchr(content, '}') : NULL;
	json_t *d = open && close > open ? arena_json(a, json_loadb(open, (size_t)(close - open + 1),
								  0, NULL)) : NULL;
	*doc = json_is_object(d) ? d : NULL;
	*model = json_string_value(json_object_get(r, "model"));
	return rc;
}
