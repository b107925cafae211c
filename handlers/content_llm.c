/* content_llm.c - the optional LLM provider of the content drafts (#48): one
 * more candidate, written from the same facts as the templates' candidates,
 * by the OpenAI-compatible chat completions endpoint of llm.c (its
 * configuration, timeout, size cap and outbound guard are described there).
 *
 * The model gets the facts (the context the templates render, each fact with
 * its "_ref"), the facts that are missing and the best template candidate,
 * and answers {"title", "meta", "body"} with [[table:id]] after each
 * paragraph naming the facts it used. The answer is refused when it cites a
 * row that is not among the facts, states figures in a paragraph that cites
 * none, or holds markup; otherwise the markers become the paragraphs' facts,
 * as for a template. Scoring and keeping are the caller's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content_llm.h"
#include "llm.h"

#define BODY_MAX 100000

static const char system_prompt[] =
	"Du schreibst deutsche Webseitentexte für ZOE Solar (Photovoltaik, Speicher, Wallboxen). "
	"Verwende ausschließlich die Fakten aus dem JSON der Anfrage: keine eigenen Zahlen, Preise, "
	"Namen, Daten oder Versprechen. Antworte nur mit einem JSON-Objekt {\"title\": \"…\", "
	"\"meta\": \"…\", \"body\": \"…\"}. Im body steht jeder Absatz auf einer eigenen Zeile, "
	"Zwischenüberschriften beginnen mit \"## \", kein HTML. Schreibe ans Ende jedes Absatzes, "
	"der Fakten nutzt, deren Quellen als [[_ref]], z. B. [[reviews:12]] (die _ref-Werte aus dem "
	"JSON). Für jeden fehlenden Fakt schreibe genau [fehlt: name] an die Stelle, an die er gehört. "
	"Verwende die Keyphrase im Titel, in der Meta-Beschreibung, im ersten Absatz und in einer "
	"Zwischenüberschrift.";

/* Collects every "_ref" of the facts (strings, or arrays of them) into refs. */
static void collect_refs(json_t *v, json_t *refs)
{
	const char *key;
	json_t *x, *one;
	size_t i;
	if (json_is_string(v))
		return;
	json_object_foreach(json_is_object(v) ? v : NULL, key, x) {
		if (strcmp(key, "_ref"))
			collect_refs(x, refs);
		else if (json_is_string(x))
			json_object_set_new(refs, json_string_value(x), json_true());
		else
			json_array_foreach(x, i, one)
				if (json_is_string(one))
					json_object_set_new(refs, json_string_value(one), json_true());
	}
	json_array_foreach(json_is_array(v) ? v : NULL, i, x)
		collect_refs(x, refs);
}

/* The user message (arena), NULL on out of memory. */
static char *request_text(arena_t *a, const llm_request_t *q)
{
	char *facts = arena_json_text(a, q->ctx), *missing = arena_json_text(a, q->missing);
	return facts && missing ? arena_printf(a, "Seitentyp: %s\nKeyphrase: %s\n"
		"Fehlende Fakten (als [fehlt: name] schreiben): %s\nFakten (JSON): %s\n\n"
		"Bester Entwurf aus unseren Vorlagen (Score %d von 100), zum Verbessern:\nTitel: %s\n"
		"Meta: %s\n%s", q->kind, q->keyphrase, missing, facts, q->base_score, q->base_title,
		q->base_meta, q->base_body) : NULL;
}

/* s without its [[ref]] markers (arena); each ref must be in refs (else
 * NULL with err) and is added to facts when facts is not NULL. */
static char *strip_refs(arena_t *a, const char *s, size_t n, json_t *refs, json_t *facts,
			char *err, size_t errlen)
{
	char *out = arena_strndup(a, s, n), *o = out;
	for (const char *p = s; out && p < s + n;) {
		const char *end = strncmp(p, "[[", 2) ? NULL : strstr(p, "]]");
		if (!end || end > s + n) {
			*o++ = *p++;
			continue;
		}
		for (const char *r = p + 2; r < end;) {
			size_t len = strcspn(r, ",]");
			char *ref = arena_strndup(a, r, len);
			while (ref && *ref == ' ')
				ref++;
			if (!ref || !json_object_get(refs, ref)) {
				snprintf(err, errlen, "cites %.60s, which is not among the facts",
					 ref ? ref : "?");
				return NULL;
			}
			int seen = !facts;
			for (size_t i = 0; !seen && i < json_array_size(facts); i++)
				seen = !strcmp(json_string_value(json_array_get(facts, i)), ref);
			if (!seen)
				json_array_append_new(facts, json_string(ref));
			r += len + (r[len] == ',');
		}
		while (o > out && o[-1] == ' ')
			o--;
		p = end + 2;
	}
	if (o)
		*o = '\0';
	return out;
}

/* Reads the model's answer (the JSON object of its content) into c; 0, or -1 with err. */
static int read_answer(arena_t *a, json_t *doc, json_t *refs, llm_candidate_t *c,
		       char *err, size_t errlen)
{
	const char *title = json_string_value(json_object_get(doc, "title"));
	const char *meta = json_string_value(json_object_get(doc, "meta"));
	const char *body = json_string_value(json_object_get(doc, "body"));
	if (!title || !meta || !body || !*title || !*body) {
		snprintf(err, errlen, "the answer is not {\"title\", \"meta\", \"body\"} in "
			 "choices[0].message.content");
		return -1;
	}
	if (strlen(title) > 300 || strlen(meta) > 1000 || strlen(body) > BODY_MAX) {
		snprintf(err, errlen, "the answer is longer than a draft may be");
		return -1;
	}
	if (strpbrk(title, "<>") || strpbrk(meta, "<>") || strpbrk(body, "<>")) {
		snprintf(err, errlen, "the answer holds markup");
		return -1;
	}
	c->title = strip_refs(a, title, strlen(title), refs, NULL, err, errlen);
	c->meta = c->title ? strip_refs(a, meta, strlen(meta), refs, NULL, err, errlen) : NULL;
	c->paragraphs = arena_json(a, json_array());
	buf_t text;
	buf_init(&text, BODY_MAX + 1);
	int n = 0;
	for (const char *s = body; c->meta && c->paragraphs && *s; n++) {
		size_t len = strcspn(s, "\n"), keep = len;
		while (keep && s[keep - 1] == '\r')
			keep--;
		json_t *facts = json_array();
		char *line = strip_refs(a, s, keep, refs, facts, err, errlen);
		if (!line || !facts) {
			json_decref(facts);
			buf_free(&text);
			return -1;
		}
		if (strspn(line, " \t\r") < strlen(line)) {
			if (strpbrk(line, "0123456789") && !json_array_size(facts) &&
			    strncmp(line, "## ", 3)) {
				snprintf(err, errlen, "paragraph %d states figures without citing a fact",
					 n + 1);
				json_decref(facts);
				buf_free(&text);
				return -1;
			}
			buf_printf(&text, "%s%s", text.len ? "\n" : "", line);
			json_array_append_new(c->paragraphs, json_pack("{s:s, s:o}", "text", line,
								       "facts", facts));
		} else {
			json_decref(facts);
		}
		s += len + (s[len] == '\n');
	}
	c->body = text.len && !text.oom ? arena_strdup(a, text.data) : NULL;
	buf_free(&text);
	if (c->meta && !c->body && !*err)
		snprintf(err, errlen, "the answer's body is empty");
	return c->body ? 0 : -1;
}

int llm_candidate(arena_t *a, const llm_request_t *q, llm_candidate_t *c, char *err,
		  size_t errlen)
{
	json_t *refs = arena_json(a, json_object()), *doc;
	char *user = refs ? request_text(a, q) : NULL;
	memset(c, 0, sizeof *c);
	if (!user) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	collect_refs(q->ctx, refs);
	if (llm_chat(a, system_prompt, user, &doc, &c->model, err, errlen) < 0)
		return -1;
	return read_answer(a, doc, refs, c, err, errlen);
}
