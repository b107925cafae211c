/* level3_multimodal_voice.c - #20 POST /api/level3/multimodal/voice.
 *
 * Voice search: page text (plain, or HTML whose visible text is extracted by
 * analysis/html.c) and/or Q&A pairs. Returns the German and English question
 * forms found in the text (analysis/voice.c; offsets in code points of the
 * analysed text), and per Q&A pair how well the answer reads aloud: 29-40
 * words and reading ease (Amstad for German, Flesch for English), with a
 * verdict and tips in German. The pairs are the ones sent; without them,
 * the ones the text holds (voice_pairs: a question line followed by its
 * paragraph, or a question opening a paragraph followed by the rest).
 *
 * Markup: a WebPage with SpeakableSpecification (cssSelector or xpath, as
 * sent: the page's own selectors cannot be guessed) and a FAQPage of the
 * pairs, each validated by analysis/jsonld.c. The warnings say what Google
 * does with them: FAQ rich results only for well-known government and health
 * sites since August 2023; speakable is a beta for news publishers in US
 * English (Google Assistant). Nothing is stored: SPEC #20 keeps no record. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "html.h"
#include "json_in.h"
#include "jsonld.h"
#include "router.h"
#include "text.h"
#include "voice.h"

#define MAX_PAIRS 100
#define MAX_SELECTORS 20
#define LONG_SENTENCE 20        /* words: Yoast's long sentence, hard to follow aloud */

static const char *const langs[] = {"de", "en", NULL};

static const vrule_t qa_rules[] = {
	{"question", V_STRING, 1, 1, 500, NULL, NULL},
	{"answer", V_STRING, 1, 1, 5000, NULL, NULL},
};
static const vschema_t qa_schema = {"VoiceQa", VRULES(qa_rules), NULL, 0, 0};
static const vrule_t voice_rules[] = {
	{"lang", V_STRING, 0, 0, 0, langs, NULL},
	{"text", V_STRING, 0, 0, 1000000, NULL, NULL},   /* plain text or HTML */
	{"qa", V_ARRAY, 0, 1, MAX_PAIRS, NULL, &qa_schema},
	{"url", V_URL, 0, 1, 2000, NULL, NULL},
	{"name", V_STRING, 0, 1, 300, NULL, NULL},       /* the page's title (HTML: its <title>) */
	{"css_selectors", V_ARRAY, 0, 1, MAX_SELECTORS, NULL, NULL},
	{"xpaths", V_ARRAY, 0, 1, MAX_SELECTORS, NULL, NULL},
};
static const vschema_t voice_body = {"VoiceRequest", VRULES(voice_rules), NULL, 0, 0};
const api_op_t op_voice = {NULL, 0, &voice_body,
	"{\"lang\": \"de\", \"url\": \"https://zoe-solar.de/ratgeber/photovoltaik-kosten\", "
	"\"css_selectors\": [\".faq-answer\"], \"qa\": [{\"question\": \"Wie viel kostet eine "
	"Photovoltaikanlage für ein Einfamilienhaus?\", \"answer\": \"Eine Anlage mit 10 kWp "
	"kostet 2025 etwa 13.000 bis 18.000 Euro. Der Preis hängt von Modulen, Dachform und "
	"Speicher ab. Seit 2023 fällt auf die Anlage keine Mehrwertsteuer an, was die Kosten "
	"um 19 Prozent senkt.\"}]}", 0, NULL};

static const char faq_policy[] =
	"FAQ rich results: since August 2023 Google shows them only for well-known, "
	"authoritative government and health websites. The FAQPage markup stays valid "
	"schema.org; no FAQ rich result is expected for this site.";
static const char speakable_policy[] =
	"speakable is a beta feature: Google Assistant reads marked sections aloud only for "
	"news publishers, in English, for users in the USA.";
static const char speakable_policy_de[] =
	" For a German page it has no effect in Google today; the markup does no harm.";

/* ---- text --------------------------------------------------------------------- */

/* Whether s looks like HTML: a tag such as <p, </div, <!doctype. */
static int looks_html(const char *s)
{
	for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
		char c = p[1];
		if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '!') &&
		    strchr(p, '>'))
			return 1;
	}
	return 0;
}

/* Code points in s[0..n). */
static size_t cps(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* The questions of the text as JSON. */
static json_t *questions_json(const char *t, size_t n)
{
	voice_questions_t q = {0};
	json_t *out = json_array();
	if (!out || voice_questions(t, n, &q) < 0) {
		voice_questions_free(&q);
		json_decref(out);
		return NULL;
	}
	size_t at = 0, cp = 0;          /* code points before byte `at` */
	for (size_t i = 0; i < q.n; i++) {
		cp += cps(t + at, q.v[i].off - at);
		at = q.v[i].off;
		json_array_append_new(out, json_pack("{s:s%, s:s, s:s, s:I}", "text", t + q.v[i].off,
			q.v[i].len, "form", q.v[i].form, "lang", text_lang_code(q.v[i].lang),
			"offset", (json_int_t)cp));
	}
	voice_questions_free(&q);
	return out;
}

/* Q&A pairs the text holds (analysis/voice.c) as [{question, answer}]. */
static json_t *pairs_from_text(const char *t, size_t n, int html)
{
	voice_pairs_t vp = {0};
	json_t *pairs = json_array();
	if (!pairs || voice_pairs(t, n, html, MAX_PAIRS, &vp) < 0) {
		voice_pairs_free(&vp);
		json_decref(pairs);
		return NULL;
	}
	for (size_t i = 0; i < vp.n; i++)
		json_array_append_new(pairs, json_pack("{s:s%, s:s%}", "question", t + vp.v[i].q_off,
			vp.v[i].q_len, "answer", t + vp.v[i].a_off, vp.v[i].a_len));
	voice_pairs_free(&vp);
	return pairs;
}

/* ---- spoken answers -------------------------------------------------------------- */

/* Words of the longest sentence of s[0..n). */
static size_t longest_sentence(const char *s, size_t n)
{
	text_spans_t sp = {0};
	size_t most = 0;
	if (text_sentences(s, n, &sp) == 0)
		for (size_t i = 0; i < sp.n; i++) {
			size_t w = text_word_count(s + sp.v[i].off, sp.v[i].len);
			most = w > most ? w : most;
		}
	text_spans_free(&sp);
	return most;
}

static json_t *spoken_json(const char *answer, enum text_lang lang)
{
	voice_score_t sc;
	size_t n = strlen(answer);
	char tip[320];
	if (voice_score_answer(answer, n, lang, &sc) < 0)
		return NULL;
	size_t longest = longest_sentence(answer, n);
	const char *formula = lang == TEXT_LANG_EN ? "Flesch" : "Amstad";
	const char *verdict = sc.words < VOICE_WORDS_MIN ? "too_short" :
			      sc.words > VOICE_WORDS_MAX ? "too_long" :
			      sc.ease < VOICE_EASE_GOOD ? "hard_to_read" : "good";
	const char *verdict_de = !strcmp(verdict, "good") ? "gut vorlesbar" :
		!strcmp(verdict, "too_short") ? "zu kurz" : !strcmp(verdict, "too_long") ?
		"zu lang" : "schwer verständlich";
	json_t *tips = json_array();
	if (sc.words < VOICE_WORDS_MIN) {
		snprintf(tip, sizeof tip, "Antwort auf %d–%d Wörter erweitern (jetzt %zu): die "
			 "Frage in ganzen Sätzen beantworten, mit einer konkreten Zahl oder einem "
			 "Beispiel.", VOICE_WORDS_MIN, VOICE_WORDS_MAX, sc.words);
		json_array_append_new(tips, json_string(tip));
	} else if (sc.words > VOICE_WORDS_MAX) {
		snprintf(tip, sizeof tip, "Antwort auf %d–%d Wörter kürzen (jetzt %zu): Die "
			 "ersten Sätze sollen die Frage allein beantworten, Details danach.",
			 VOICE_WORDS_MIN, VOICE_WORDS_MAX, sc.words);
		json_array_append_new(tips, json_string(tip));
	}
	if (sc.ease < VOICE_EASE_GOOD) {
		snprintf(tip, sizeof tip, "Leichter formulieren: Lesbarkeit %.0f (%s), Ziel "
			 "mindestens %.0f – kürzere Sätze und kürzere Wörter.", sc.ease, formula,
			 VOICE_EASE_GOOD);
		json_array_append_new(tips, json_string(tip));
	}
	if (longest > LONG_SENTENCE) {
		snprintf(tip, sizeof tip, "Den längsten Satz (%zu Wörter) teilen: Sätze über %d "
			 "Wörter sind vorgelesen schwer zu behalten.", longest, LONG_SENTENCE);
		json_array_append_new(tips, json_string(tip));
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:f, s:s, s:b, s:i, s:s, s:s, s:o}",
		"words", (json_int_t)sc.words, "sentences", (json_int_t)sc.sentences,
		"syllables", (json_int_t)sc.syllables, "longest_sentence", (json_int_t)longest,
		"reading_ease", round(sc.ease * 10) / 10, "formula", formula,
		"length_ok", sc.length_ok, "score", sc.score, "verdict", verdict,
		"verdict_de", verdict_de, "tips", tips);
}

/* Each pair with its question form and spoken score; *good counts the good
 * ones, *sum their scores. */
static json_t *scored_pairs(json_t *pairs, enum text_lang lang, size_t *good, double *sum)
{
	json_t *out = json_array(), *p;
	size_t i;
	*good = 0;
	*sum = 0;
	json_array_foreach(pairs, i, p) {
		const char *q = json_string_value(json_object_get(p, "question"));
		enum text_lang ql = TEXT_LANG_UNKNOWN;
		const char *form = voice_question_form(q, strlen(q), &ql);
		json_t *spoken = spoken_json(json_string_value(json_object_get(p, "answer")), lang);
		if (!spoken) {
			json_decref(out);
			return NULL;
		}
		if (!form)
			json_array_append_new(json_object_get(spoken, "tips"), json_string(
				"Die Frage so formulieren, wie sie gesprochen gestellt wird: mit "
				"einem Fragewort (wer, was, wie viel …) und Fragezeichen."));
		*good += strcmp(json_string_value(json_object_get(spoken, "verdict")), "good") == 0;
		*sum += (double)json_integer_value(json_object_get(spoken, "score"));
		json_array_append_new(out, json_pack("{s:I, s:O, s:O, s:s?, s:s?, s:o}", "index",
			(json_int_t)i, "question", json_object_get(p, "question"), "answer",
			json_object_get(p, "answer"), "question_form", form, "question_lang",
			form ? text_lang_code(ql) : NULL, "spoken", spoken));
	}
	return out;
}

/* ---- markup ------------------------------------------------------------------------ */

static json_t *faq_new(json_t *pairs, const char *url, const char *name, const char *lang)
{
	json_t *main = json_array(), *p;
	size_t i;
	json_array_foreach(pairs, i, p)
		json_array_append_new(main, json_pack("{s:s, s:O, s:{s:s, s:O}}", "@type",
			"Question", "name", json_object_get(p, "question"), "acceptedAnswer",
			"@type", "Answer", "text", json_object_get(p, "answer")));
	return json_pack("{s:s, s:s, s:s*, s:s*, s:s, s:o}", "@context", JSONLD_CONTEXT, "@type",
			 "FAQPage", "name", name, "url", url, "inLanguage", lang, "mainEntity", main);
}

static json_t *speakable_new(json_t *body, const char *url, const char *title)
{
	json_t *css = json_object_get(body, "css_selectors"), *xp = json_object_get(body, "xpaths");
	json_t *spec = json_pack("{s:s}", "@type", "SpeakableSpecification");
	if (json_array_size(css))
		json_object_set(spec, "cssSelector", css);
	if (json_array_size(xp))
		json_object_set(spec, "xpath", xp);
	return json_pack("{s:s, s:s, s:s*, s:s*, s:o}", "@context", JSONLD_CONTEXT, "@type",
			 "WebPage", "name", title, "url", url, "speakable", spec);
}

static void warn(json_t *w, const char *code, const char *message)
{
	json_array_append_new(w, json_pack("{s:s, s:s}", "code", code, "message", message));
}

/* What Google does with the markup, and what the request left out. */
static json_t *warnings_new(arena_t *a, int pairs, int sel, const char *url, enum text_lang lang)
{
	json_t *w = json_array();
	if (pairs)
		warn(w, "faq_rich_result_restricted", faq_policy);
	else
		warn(w, "no_qa_pairs", "no Q&A pairs sent or found in the text: no FAQPage");
	if (sel)
		warn(w, "speakable_beta", lang == TEXT_LANG_EN ? speakable_policy :
		     arena_printf(a, "%s%s", speakable_policy, speakable_policy_de));
	else
		warn(w, "speakable_no_selectors", "no css_selectors or xpaths: say which "
		     "parts of the page (summary, answers) are to be read aloud");
	if (sel && !url)
		warn(w, "speakable_no_url", "no url: the WebPage of the speakable markup "
		     "should name the page");
	return w;
}

/* ---- input --------------------------------------------------------------------------- */

static void check_selectors(json_t *body, const char *field, json_t *errors)
{
	json_t *v;
	size_t i;
	char f[48];
	json_array_foreach(json_object_get(body, field), i, v) {
		const char *s = json_string_value(v);
		snprintf(f, sizeof f, "%s[%zu]", field, i);
		if (!s || !*s || strlen(s) > 500)
			verr(errors, f, "must be a non-empty string of at most 500 characters");
	}
}

static void check_body(json_t *body, json_t *errors)
{
	json_t *qa = json_object_get(body, "qa"), *p;
	const char *text = json_string_value(json_object_get(body, "text"));
	size_t i;
	char f[32];
	validate(body, VRULES(voice_rules), "", errors);
	json_array_foreach(qa, i, p) {
		snprintf(f, sizeof f, "qa[%zu]", i);
		if (!json_is_object(p))
			verr(errors, f, "must be an object {question, answer}");
		else
			validate(p, VRULES(qa_rules), f, errors);
	}
	check_selectors(body, "css_selectors", errors);
	check_selectors(body, "xpaths", errors);
	if (!(text && text[strspn(text, " \t\r\n")]) && !qa) {
		verr(errors, "text", "send page text (or HTML) in text, Q&A pairs in qa, or both");
		verr(errors, "qa", "send Q&A pairs in qa, page text in text, or both");
	}
}

int h_voice(req_t *r)
{
	json_t *body = json_body(r);
	if (!body)
		return 0;
	json_t *errors = arena_json(r->arena, json_array());
	if (!errors)
		return reply_problem(r, 500, "out of memory", NULL);
	check_body(body, errors);
	if (json_array_size(errors))
		return reply_invalid(r, json_incref(errors));
	const char *lang_code = json_string_value(json_object_get(body, "lang"));
	enum text_lang lang = lang_code && !strcmp(lang_code, "en") ? TEXT_LANG_EN : TEXT_LANG_DE;
	const char *url = json_string_value(json_object_get(body, "url"));
	const char *text = json_string_value(json_object_get(body, "text"));
	const char *title = json_string_value(json_object_get(body, "name"));
	int html = text && looks_html(text);
	if (html) {
		json_t *x = arena_json(r->arena, html_extract_new(text, strlen(text)));
		if (!x)
			return reply_problem(r, 500, "out of memory", NULL);
		text = json_string_value(json_object_get(x, "text"));
		if (!title)
			title = json_string_value(json_object_get(x, "title"));
	}
	size_t n = text ? strlen(text) : 0;
	json_t *qa = json_object_get(body, "qa");
	json_t *found = arena_json(r->arena, n ? pairs_from_text(text, n, html) : json_array());
	json_t *pairs = json_array_size(qa) ? qa : found;
	json_t *questions = arena_json(r->arena, n ? questions_json(text, n) : json_array());
	size_t good = 0;
	double sum = 0;
	json_t *scored = found && questions ? arena_json(r->arena, scored_pairs(pairs, lang,
								&good, &sum)) : NULL;
	int sel = json_array_size(json_object_get(body, "css_selectors")) ||
		  json_array_size(json_object_get(body, "xpaths"));
	json_t *warnings = arena_json(r->arena, warnings_new(r->arena, json_array_size(pairs) > 0,
							     sel, url, lang));
	if (!scored || !warnings)
		return reply_problem(r, 500, "out of memory", NULL);
	json_t *faq = json_array_size(pairs) ? jsonld_validated_new(faq_new(pairs, url, title,
		text_lang_code(lang))) : json_null();
	json_t *speak = sel ? jsonld_validated_new(speakable_new(body, url, title)) : json_null();
	size_t np = json_array_size(scored);
	json_t *out = arena_json(r->arena, json_pack("{s:s, s:s, s:o, s:s, s:O, s:o, s:o, "
		"s:O, s:{s:I, s:I, s:I, s:o}}", "lang", text_lang_code(lang),
		"text_kind", !text ? "none" : html ? "html" : "text",
		"questions", json_incref(questions), "pairs_from", json_array_size(qa) ? "qa" : "text",
		"pairs", scored, "speakable", speak ? speak : json_null(),
		"faq_page", faq ? faq : json_null(), "warnings", warnings, "summary",
		"questions", (json_int_t)json_array_size(questions), "pairs", (json_int_t)np,
		"good", (json_int_t)good, "mean_score", np ? json_real(round(sum / (double)np * 10) / 10)
		: json_null()));
	return out ? reply_json(r, 200, out) : reply_problem(r, 500, "out of memory", NULL);
}
