/* seo_checks.c - Yoast's readability and keyphrase checks with SPEC's
 * thresholds; see seo_checks.h.
 *
 * Every check is a row of `defs`: its thresholds (the light is green up to /
 * from `green`, orange up to / from `orange`, else red; `higher`: larger is
 * better) and its explanations in German and English per light, where "%s"
 * is the figure. Checks without a figure (the keyphrase in the title…) set
 * their value to 0/1/2 and use the same table. */
#include "seo_checks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "titlewidth.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define KW_MAX 8                /* content words of a keyphrase looked at */

enum { C_FLESCH, C_SENTENCE, C_PARAGRAPH, C_SUBHEAD, C_PASSIVE, C_TRANSITION, C_CONSEC,
       C_LENGTH, C_DENSITY, C_KP_TITLE, C_KP_INTRO, C_KP_META, C_KP_SLUG, C_KP_SUBHEAD,
       C_KP_ALT, C_META_LEN, C_TITLE_W };

static const struct def {
	const char *id, *group;
	int higher;             /* 1: a larger value is better */
	double green, orange;   /* bounds: see the file comment */
	const char *msg[4][2];  /* [light][de, en]; NA, RED, ORANGE, GREEN */
} defs[SEO_CHECKS] = {
	[C_FLESCH] = {"flesch", "readability", 1, 60, 50, {
		{"", ""},
		{"Lesbarkeit nach Flesch (Amstad) %s: schwer zu lesen. Kürzere Sätze und kürzere Wörter helfen.",
		 "Flesch reading ease %s: difficult to read. Use shorter sentences and shorter words."},
		{"Lesbarkeit nach Flesch (Amstad) %s: etwas schwer zu lesen. Kürzere Sätze helfen.",
		 "Flesch reading ease %s: fairly difficult to read. Shorter sentences help."},
		{"Lesbarkeit nach Flesch (Amstad) %s: gut lesbar.", "Flesch reading ease %s: easy to read."}}},
	[C_SENTENCE] = {"sentence_length", "readability", 0, 25, 30, {
		{"", ""},
		{"%s %% der Sätze haben mehr als 20 Wörter (empfohlen: höchstens 25 %%). Kürzen Sie sie.",
		 "%s %% of the sentences have more than 20 words (recommended: at most 25 %%). Shorten them."},
		{"%s %% der Sätze haben mehr als 20 Wörter, etwas mehr als empfohlen (25 %%).",
		 "%s %% of the sentences have more than 20 words, a little above the recommended 25 %%."},
		{"%s %% der Sätze haben mehr als 20 Wörter: gut.", "%s %% of the sentences have more than 20 words: good."}}},
	[C_PARAGRAPH] = {"paragraph_length", "readability", 0, 150, 200, {
		{"", ""},
		{"Der längste Absatz hat %s Wörter (empfohlen: höchstens 150). Teilen Sie ihn.",
		 "The longest paragraph has %s words (recommended: at most 150). Split it."},
		{"Der längste Absatz hat %s Wörter, etwas mehr als die empfohlenen 150.",
		 "The longest paragraph has %s words, a little more than the recommended 150."},
		{"Keiner der Absätze ist zu lang (längster: %s Wörter).", "None of the paragraphs is too long (longest: %s words)."}}},
	[C_SUBHEAD] = {"subheading_distribution", "readability", 0, 300, 350, {
		{"", ""},
		{"Ein Abschnitt hat %s Wörter ohne Zwischenüberschrift (höchstens 300). Fügen Sie Zwischenüberschriften ein.",
		 "A section has %s words without a subheading (at most 300). Add subheadings."},
		{"Ein Abschnitt hat %s Wörter ohne Zwischenüberschrift, etwas mehr als 300.",
		 "A section has %s words without a subheading, a little more than 300."},
		{"Die Zwischenüberschriften sind gut verteilt (längster Abschnitt: %s Wörter).",
		 "The subheadings are well distributed (longest section: %s words)."}}},
	[C_PASSIVE] = {"passive_voice", "readability", 0, 10, 15, {
		{"", ""},
		{"%s %% der Sätze stehen im Passiv (empfohlen: höchstens 10 %%). Nennen Sie, wer handelt.",
		 "%s %% of the sentences are passive (recommended: at most 10 %%). Say who acts."},
		{"%s %% der Sätze stehen im Passiv, etwas mehr als die empfohlenen 10 %%.",
		 "%s %% of the sentences are passive, a little more than the recommended 10 %%."},
		{"%s %% der Sätze stehen im Passiv: gut.", "%s %% of the sentences are passive: good."}}},
	[C_TRANSITION] = {"transition_words", "readability", 1, 30, 20, {
		{"Übergangswörter werden erst ab 200 Wörtern bewertet.", "Transition words are assessed from 200 words on."},
		{"Nur %s %% der Sätze enthalten Übergangswörter (empfohlen: mindestens 30 %%).",
		 "Only %s %% of the sentences contain transition words (recommended: at least 30 %%)."},
		{"%s %% der Sätze enthalten Übergangswörter; 30 %% wären besser.",
		 "%s %% of the sentences contain transition words; 30 %% would be better."},
		{"%s %% der Sätze enthalten Übergangswörter: gut.", "%s %% of the sentences contain transition words: good."}}},
	[C_CONSEC] = {"consecutive_sentences", "readability", 0, 0, 0, {
		{"", ""},
		{"%s-mal beginnen drei oder mehr Sätze hintereinander mit demselben Wort. Variieren Sie die Satzanfänge.",
		 "%s times three or more sentences in a row start with the same word. Vary the openings."},
		{"", ""},
		{"Keine aufeinanderfolgenden Sätze mit gleichem Anfang.", "No consecutive sentences start with the same word."}}},
	[C_LENGTH] = {"text_length", "seo", 1, 300, 200, {
		{"", ""},
		{"Der Text hat %s Wörter, deutlich weniger als die empfohlenen 300.",
		 "The text has %s words, far below the recommended 300."},
		{"Der Text hat %s Wörter, etwas weniger als die empfohlenen 300.",
		 "The text has %s words, slightly below the recommended 300."},
		{"Der Text hat %s Wörter: gut.", "The text has %s words: good."}}},
	[C_DENSITY] = {"keyphrase_density", "seo", 0, 0, 0, {
		{"Die Keyphrase-Dichte wird erst ab 100 Wörtern und mit einer Keyphrase bewertet.",
		 "Keyphrase density is assessed from 100 words on and with a keyphrase."},
		{"Keyphrase-Dichte %s %%: außerhalb von 0,5–3,5 %%. Verwenden Sie die Keyphrase passend oft.",
		 "Keyphrase density %s %%: outside 0.5–3.5 %%. Use the keyphrase a fitting number of times."},
		{"Keyphrase-Dichte %s %%: etwas hoch (empfohlen 0,5–3 %%).", "Keyphrase density %s %%: a little high (recommended 0.5–3 %%)."},
		{"Keyphrase-Dichte %s %%: gut.", "Keyphrase density %s %%: good."}}},
	[C_KP_TITLE] = {"keyphrase_in_title", "seo", 1, 2, 1, {
		{"Ohne Keyphrase nicht bewertet.", "Not assessed without a keyphrase."},
		{"Der SEO-Titel enthält die Keyphrase nicht.", "The SEO title does not contain the keyphrase."},
		{"Der SEO-Titel enthält die Keyphrase, aber nicht am Anfang.", "The SEO title contains the keyphrase, but not at the beginning."},
		{"Der SEO-Titel beginnt mit der Keyphrase: gut.", "The SEO title begins with the keyphrase: good."}}},
	[C_KP_INTRO] = {"keyphrase_in_introduction", "seo", 1, 1, 1, {
		{"Ohne Keyphrase nicht bewertet.", "Not assessed without a keyphrase."},
		{"Der erste Absatz enthält die Keyphrase nicht.", "The first paragraph does not contain the keyphrase."},
		{"", ""},
		{"Der erste Absatz enthält die Keyphrase: gut.", "The first paragraph contains the keyphrase: good."}}},
	[C_KP_META] = {"keyphrase_in_meta_description", "seo", 0, 0, 0, {
		{"Ohne Keyphrase nicht bewertet.", "Not assessed without a keyphrase."},
		{"Die Meta-Beschreibung fehlt oder enthält die Keyphrase nicht.", "The meta description is missing or lacks the keyphrase."},
		{"Die Meta-Beschreibung enthält die Keyphrase %s-mal; ein- bis zweimal genügt.",
		 "The meta description contains the keyphrase %s times; once or twice is enough."},
		{"Die Meta-Beschreibung enthält die Keyphrase: gut.", "The meta description contains the keyphrase: good."}}},
	[C_KP_SLUG] = {"keyphrase_in_slug", "seo", 1, 1, 1, {
		{"Ohne Keyphrase oder Slug nicht bewertet.", "Not assessed without a keyphrase or slug."},
		{"Der Slug enthält die Keyphrase nicht.", "The slug does not contain the keyphrase."},
		{"", ""},
		{"Der Slug enthält die Keyphrase: gut.", "The slug contains the keyphrase: good."}}},
	[C_KP_SUBHEAD] = {"keyphrase_in_subheadings", "seo", 0, 0, 0, {
		{"Ohne Keyphrase oder Zwischenüberschriften nicht bewertet.", "Not assessed without a keyphrase or subheadings."},
		{"Keine Zwischenüberschrift enthält die Keyphrase.", "No subheading contains the keyphrase."},
		{"%s %% der Zwischenüberschriften enthalten die Keyphrase; 30–75 %% sind ideal.",
		 "%s %% of the subheadings contain the keyphrase; 30–75 %% is ideal."},
		{"%s %% der Zwischenüberschriften enthalten die Keyphrase: gut.", "%s %% of the subheadings contain the keyphrase: good."}}},
	[C_KP_ALT] = {"keyphrase_in_image_alt", "seo", 0, 0, 0, {
		{"Ohne Keyphrase oder HTML nicht bewertet.", "Not assessed without a keyphrase or HTML."},
		{"Bilder ohne Alt-Text: beschreiben Sie sie, mit der Keyphrase wo sie passt.",
		 "Images without alt text: describe them, with the keyphrase where it fits."},
		{"Kein Bild oder kein Alt-Text mit der Keyphrase.", "No image, or no alt text with the keyphrase."},
		{"Ein Alt-Text enthält die Keyphrase: gut.", "An alt text contains the keyphrase: good."}}},
	[C_META_LEN] = {"meta_description_length", "seo", 0, 0, 0, {
		{"", ""},
		{"Es gibt keine Meta-Beschreibung.", "There is no meta description."},
		{"Die Meta-Beschreibung hat %s Zeichen (empfohlen: 120–156).", "The meta description has %s characters (recommended: 120–156)."},
		{"Die Meta-Beschreibung hat %s Zeichen: gut.", "The meta description has %s characters: good."}}},
	[C_TITLE_W] = {"title_width", "seo", 0, 0, 0, {
		{"", ""},
		{"Es gibt keinen SEO-Titel.", "There is no SEO title."},
		{"Der SEO-Titel ist %s px breit (empfohlen: 400–600 px; Google kürzt ab etwa 580 px).",
		 "The SEO title is %s px wide (recommended: 400–600 px; Google cuts near 580 px)."},
		{"Der SEO-Titel ist %s px breit: gut.", "The SEO title is %s px wide: good."}}},
};

/* ---- keyphrase matching ------------------------------------------------------ */

typedef struct kw {
	char norm[TEXT_WORD_MAX], stem[TEXT_WORD_MAX];
} kw_t;

/* Folded s[0..n) without hyphens and apostrophes, umlauts as base vowels, ß
 * as ss; `digraphs`: ae/oe/ue as a/o/u too (slugs). */
static void norm(const char *s, size_t n, int digraphs, char *out, size_t outsz)
{
	char f[TEXT_WORD_MAX * 2];
	size_t o = 0;
	if (text_fold(s, n, f, sizeof f) < 0) {
		out[0] = '\0';
		return;
	}
	for (size_t i = 0, m = strlen(f); i < m && o + 3 < outsz; ) {
		const unsigned char *u = (const unsigned char *)f + i;
		if (*u == '-' || *u == '\'') {
			i++;
		} else if (u[0] == 0xC3 && (u[1] == 0xA4 || u[1] == 0xB6 || u[1] == 0xBC)) {
			out[o++] = u[1] == 0xA4 ? 'a' : u[1] == 0xB6 ? 'o' : 'u';
			i += 2;
		} else if (u[0] == 0xC3 && u[1] == 0x9F) {
			out[o++] = 's', out[o++] = 's';
			i += 2;
		} else if (digraphs && strchr("aou", u[0]) && u[1] == 'e') {
			out[o++] = (char)u[0];
			i += 2;
		} else if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x99) {
			i += 3;         /* ’ */
		} else {
			out[o++] = f[i++];
		}
	}
	out[o] = '\0';
}

static void stem_norm(const char *s, size_t n, enum text_lang lang, int digraphs, char *out,
		      size_t outsz)
{
	char f[TEXT_WORD_MAX * 2], st[TEXT_WORD_MAX * 2];
	if (text_fold(s, n, f, sizeof f) < 0 || text_stem(f, lang, st, sizeof st) < 0) {
		out[0] = '\0';
		return;
	}
	norm(st, strlen(st), digraphs, out, outsz);
}

/* The content words of the keyphrase (all words when it has only stop words). */
static size_t keywords(const char *kp, enum text_lang lang, int digraphs, kw_t *kw)
{
	text_tokens_t t = {0};
	size_t n = 0;
	if (!kp || text_tokenize(kp, strlen(kp), &t) < 0)
		return 0;
	for (int pass = 0; pass < 2 && n == 0; pass++)
		for (size_t i = 0; i < t.n && n < KW_MAX; i++) {
			char f[TEXT_WORD_MAX];
			if (t.v[i].kind != TEXT_TOK_WORD ||
			    text_fold(kp + t.v[i].off, t.v[i].len, f, sizeof f) < 0)
				continue;
			if (pass == 0 && text_is_stopword(f, lang))
				continue;
			norm(kp + t.v[i].off, t.v[i].len, digraphs, kw[n].norm, sizeof kw[n].norm);
			stem_norm(kp + t.v[i].off, t.v[i].len, lang, digraphs, kw[n].stem,
				  sizeof kw[n].stem);
			n += kw[n].norm[0] != '\0';
		}
	text_tokens_free(&t);
	return n;
}

/* 1 when a text word (normalised nw, stem ns) is a form of keyword k: equal,
 * same stem, or a compound holding the stem at its start or at its end
 * (followed by at most a three-letter ending). */
static int word_matches(const char *nw, const char *ns, const kw_t *k)
{
	size_t sl = strlen(k->stem), wl = strlen(nw);
	if (strcmp(nw, k->norm) == 0 || (*ns && strcmp(ns, k->stem) == 0))
		return 1;
	if (sl < 4)
		return 0;
	if (strncmp(nw, k->stem, sl) == 0)
		return 1;
	for (const char *p = strstr(nw + 1, k->stem); p; p = strstr(p + 1, k->stem))
		if (wl - (size_t)(p - nw) - sl <= 3)
			return 1;
	return 0;
}

static size_t count_with(const char *s, size_t n, const kw_t *kw, size_t nkw,
			 enum text_lang lang, int slug)
{
	text_tokens_t t = {0};
	size_t hits[KW_MAX] = {0}, best = (size_t)-1;
	if (nkw == 0 || text_tokenize(s, n, &t) < 0)
		return 0;
	for (size_t i = 0; i < t.n; i++) {
		char nw[TEXT_WORD_MAX], ns[TEXT_WORD_MAX];
		if (t.v[i].kind != TEXT_TOK_WORD && t.v[i].kind != TEXT_TOK_NUMBER)
			continue;
		norm(s + t.v[i].off, t.v[i].len, slug, nw, sizeof nw);
		stem_norm(s + t.v[i].off, t.v[i].len, lang, slug, ns, sizeof ns);
		for (size_t k = 0; k < nkw; k++)
			hits[k] += word_matches(nw, ns, &kw[k]);
	}
	text_tokens_free(&t);
	for (size_t k = 0; k < nkw; k++)
		if (hits[k] < best)
			best = hits[k];
	return best;
}

size_t seo_keyphrase_count(const char *s, size_t n, const char *keyphrase,
			   enum text_lang lang, int slug)
{
	kw_t kw[KW_MAX];
	size_t nkw = keywords(keyphrase, lang, slug, kw);
	if (!s)
		return 0;
	if (!slug)
		return count_with(s, n, kw, nkw, lang, 0);
	char *w = malloc(n + 1);        /* a slug's hyphens and slashes separate words */
	if (!w)
		return 0;
	for (size_t i = 0; i < n; i++)
		w[i] = strchr("-_/.", s[i]) ? ' ' : s[i];
	w[n] = '\0';
	size_t c = count_with(w, n, kw, nkw, lang, 1);
	free(w);
	return c;
}

/* ---- lights ------------------------------------------------------------------- */

static enum seo_light light_of(const struct def *d, double v)
{
	if (d->higher)
		return v >= d->green ? SEO_GREEN : v >= d->orange ? SEO_ORANGE : SEO_RED;
	return v <= d->green ? SEO_GREEN : v <= d->orange ? SEO_ORANGE : SEO_RED;
}

/* Sets check c to light l with value v (shown with `decimals` digits). */
static void set(seo_result_t *r, int c, enum seo_light l, double v, int decimals)
{
	static const int points[] = {0, 3, 6, 9};
	seo_check_t *k = &r->checks[c];
	char num[48];
	k->id = defs[c].id;
	k->group = defs[c].group;
	k->light = l;
	k->score = points[l];
	k->value = v;
	snprintf(num, sizeof num, "%.*f", decimals, v);
	/* the tables hold one %s each (or none); the figure goes in it */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	char num_de[48];        /* German writes a decimal comma: 43,7 */
	snprintf(num_de, sizeof num_de, "%s", num);
	char *dot = strchr(num_de, '.');
	if (dot)
		*dot = ',';
	snprintf(k->de, sizeof k->de, defs[c].msg[l][0], num_de);
	snprintf(k->en, sizeof k->en, defs[c].msg[l][1], num);
#pragma GCC diagnostic pop
}

/* The share is Yoast's; the sentences only German grammar finds passive are
 * named after it. */
static void passive_beyond_note(seo_check_t *k, size_t n)
{
	size_t lde = strlen(k->de), len = strlen(k->en);
	snprintf(k->de + lde, sizeof k->de - lde, " Dazu %zu %s im Passiv, die Yoast nicht zählt "
		 "(etwa „wird eingespeist“, „wird angeschlossen“).", n, n == 1 ? "Satz" : "Sätze");
	snprintf(k->en + len, sizeof k->en - len, " Besides, %zu %s passive that Yoast does not "
		 "count (such as \"wird eingespeist\", \"wird angeschlossen\").", n,
		 n == 1 ? "sentence is" : "sentences are");
}

static double pct(size_t part, size_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static double round1(double x)
{
	return round(x * 10) / 10;
}

static void readability_checks(seo_result_t *r)
{
	const rd_doc_t *d = &r->doc;
	double v = round1(d->flesch);
	set(r, C_FLESCH, light_of(&defs[C_FLESCH], v), v, 1);
	v = round1(pct(d->long_sentences, d->nsent));
	set(r, C_SENTENCE, light_of(&defs[C_SENTENCE], v), v, 1);
	set(r, C_PARAGRAPH, light_of(&defs[C_PARAGRAPH], d->longest_paragraph),
	    d->longest_paragraph, 0);
	/* a short text needs no subheadings; a longer one without any is red */
	enum seo_light l = light_of(&defs[C_SUBHEAD], d->longest_section);
	set(r, C_SUBHEAD, l, d->longest_section, 0);
	v = round1(pct(d->passive, d->nsent));
	set(r, C_PASSIVE, light_of(&defs[C_PASSIVE], v), v, 1);
	if (d->passive_beyond)
		passive_beyond_note(&r->checks[C_PASSIVE], d->passive_beyond);
	v = round1(pct(d->transitions, d->nsent));
	set(r, C_TRANSITION, d->words < 200 ? SEO_NA : light_of(&defs[C_TRANSITION], v), v, 1);
	set(r, C_CONSEC, d->same_start_runs ? SEO_RED : SEO_GREEN, (double)d->same_start_runs, 0);
}

/* The first paragraph's span. */
static int intro(const rd_doc_t *d, size_t *off, size_t *len)
{
	for (size_t b = 0; b < d->nblocks; b++)
		if (!d->blocks[b].heading) {
			*off = d->blocks[b].off;
			*len = d->blocks[b].len;
			return 1;
		}
	return 0;
}

/* Bytes of title covering its first m words. */
static size_t first_words(const char *s, size_t m)
{
	text_tokens_t t = {0};
	size_t end = strlen(s), w = 0;
	if (text_tokenize(s, end, &t) < 0)
		return end;
	for (size_t i = 0; i < t.n; i++)
		if (t.v[i].kind != TEXT_TOK_PUNCT && ++w == m) {
			end = t.v[i].off + t.v[i].len;
			break;
		}
	text_tokens_free(&t);
	return end;
}

static void keyphrase_place_checks(seo_result_t *r, const seo_input_t *in)
{
	const char *kp = in->keyphrase;
	enum text_lang lang = r->doc.lang;
	size_t off, len, kpw = text_word_count(kp, strlen(kp));
	double v = 0;
	if (in->title && seo_keyphrase_count(in->title, strlen(in->title), kp, lang, 0))
		v = seo_keyphrase_count(in->title, first_words(in->title, kpw), kp, lang, 0) ? 2 : 1;
	set(r, C_KP_TITLE, light_of(&defs[C_KP_TITLE], v), v, 0);
	v = intro(&r->doc, &off, &len) && seo_keyphrase_count(in->text + off, len, kp, lang, 0);
	set(r, C_KP_INTRO, v ? SEO_GREEN : SEO_RED, v, 0);
	v = in->meta ? (double)seo_keyphrase_count(in->meta, strlen(in->meta), kp, lang, 0) : 0;
	set(r, C_KP_META, v == 0 ? SEO_RED : v <= 2 ? SEO_GREEN : SEO_ORANGE, v, 0);
	if (in->slug && text_word_count(in->slug, strlen(in->slug))) {
		v = seo_keyphrase_count(in->slug, strlen(in->slug), kp, lang, 1) > 0;
		set(r, C_KP_SLUG, v ? SEO_GREEN : SEO_RED, v, 0);
	} else {
		set(r, C_KP_SLUG, SEO_NA, 0, 0);
	}
}

static void keyphrase_section_checks(seo_result_t *r, const seo_input_t *in)
{
	const rd_doc_t *d = &r->doc;
	size_t sub = 0, with = 0, alts = 0, alt_with = 0;
	for (size_t b = 0; b < d->nblocks; b++)
		if (d->blocks[b].heading >= 2) {
			sub++;
			with += seo_keyphrase_count(d->s + d->blocks[b].off, d->blocks[b].len,
						    in->keyphrase, d->lang, 0) > 0;
		}
	double v = round1(pct(with, sub));
	set(r, C_KP_SUBHEAD, !sub ? SEO_NA : !with ? SEO_RED : v >= 30 && v <= 75 ? SEO_GREEN :
	    SEO_ORANGE, v, 1);
	for (size_t i = 0; i < in->nalts; i++)
		if (in->alts[i] && *in->alts[i]) {
			alts++;
			alt_with += seo_keyphrase_count(in->alts[i], strlen(in->alts[i]),
							in->keyphrase, d->lang, 0) > 0;
		}
	enum seo_light l = !in->images_known ? SEO_NA : alt_with ? SEO_GREEN :
			   in->nalts > alts ? SEO_RED : SEO_ORANGE;
	set(r, C_KP_ALT, l, (double)alt_with, 0);
}

static void seo_group_checks(seo_result_t *r, const seo_input_t *in)
{
	const rd_doc_t *d = &r->doc;
	int has_kp = in->keyphrase && text_word_count(in->keyphrase, strlen(in->keyphrase));
	set(r, C_LENGTH, light_of(&defs[C_LENGTH], (double)d->words), (double)d->words, 0);
	for (size_t i = 0; has_kp && i < d->nsent; i++)
		r->keyphrase_count += seo_keyphrase_count(d->s + d->sent[i].off, d->sent[i].len,
							  in->keyphrase, d->lang, 0);
	r->density = round(pct(r->keyphrase_count, d->words) * 100) / 100;
	double v = r->density;
	set(r, C_DENSITY, !has_kp || d->words < 100 ? SEO_NA : v >= 0.5 && v <= 3 ? SEO_GREEN :
	    v > 3 && v <= 3.5 ? SEO_ORANGE : SEO_RED, v, 2);
	if (has_kp) {
		keyphrase_place_checks(r, in);
		keyphrase_section_checks(r, in);
	} else {
		for (int c = C_KP_TITLE; c <= C_KP_ALT; c++)
			set(r, c, SEO_NA, 0, 0);
	}
	size_t mc = 0;
	for (const char *p = in->meta; p && *p; p++)
		mc += ((unsigned char)*p & 0xC0) != 0x80;
	r->meta_chars = mc;
	set(r, C_META_LEN, !mc ? SEO_RED : mc >= 120 && mc <= 156 ? SEO_GREEN : SEO_ORANGE,
	    (double)mc, 0);
	r->title_px = in->title ? round1(titlewidth_px(in->title)) : 0;
	set(r, C_TITLE_W, !in->title || !*in->title ? SEO_RED : r->title_px >= 400 &&
	    r->title_px <= 600 ? SEO_GREEN : SEO_ORANGE, r->title_px, 0);
}

/* round(100 x sum(score - 3) / (6 x applicable)) over the checks of `group` (all: NULL). */
static int overall(const seo_result_t *r, const char *group)
{
	int sum = 0, n = 0;
	for (size_t c = 0; c < r->nchecks; c++) {
		if (r->checks[c].light == SEO_NA || (group && strcmp(r->checks[c].group, group)))
			continue;
		sum += r->checks[c].score - 3;
		n++;
	}
	return n ? (int)lround(100.0 * sum / (6.0 * n)) : -1;
}

int seo_analyze(const seo_input_t *in, seo_result_t *out)
{
	memset(out, 0, sizeof *out);
	if (rd_analyze(in->text ? in->text : "", in->text ? in->len : 0, in->lang, &out->doc) < 0)
		return -1;
	out->nchecks = SEO_CHECKS;
	readability_checks(out);
	seo_group_checks(out, in);
	out->score = overall(out, NULL);
	out->readability_score = overall(out, "readability");
	out->seo_score = overall(out, "seo");
	return 0;
}

void seo_result_free(seo_result_t *r)
{
	rd_free(&r->doc);
	memset(r, 0, sizeof *r);
}

/* ---- JSON --------------------------------------------------------------------- */

static const char *const light_names[] = {"na", "red", "orange", "green"};

json_t *seo_method_json_new(void)
{
	return json_pack("{s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}, s:{s:i, s:i, s:i}}",
		"score", "round(100 * sum(check score - 3) / (6 * applicable checks)): every "
		"green check counts 100, orange 50, red 0; checks marked na are left out; "
		"readability_score and seo_score are the same over their group",
		"flesch", "German: Amstad 180 - ASL - 58.5 ASW; English: 206.835 - 1.015 ASL "
		"- 84.6 ASW (ASL words per sentence, ASW syllables per word)",
		"passive", "passive_share counts sentences as yoastseo's German research does: "
		"a clause (cut before conjunctions and relative words, not at commas) with a "
		"form of werden, bekommen, kriegen, erhalten or gehören and a word of participle "
		"shape (ge...t, be-/ent-/er-/her-/ver-/zer-/über-...t, ab-/an-/auf-/aus-/vor-/"
		"wieder-/zurück- + ge...t, ...iert, listed strong forms), nouns included; "
		"passive_beyond_yoast counts the sentences that are passive by grammar but not "
		"so counted (eingespeist, angeschlossen, untersucht)",
		"check_score", "green", 9, "orange", 6, "red", 3, "na", 0,
		"limits", "long_sentence_words", RD_LONG_SENTENCE, "section_words", RD_SECTION_MAX,
		"same_start_run", RD_SAME_START_RUN);
}

static json_t *stats_json(const seo_result_t *r)
{
	const rd_doc_t *d = &r->doc;
	return json_pack("{s:I, s:I, s:I, s:f, s:I, s:f, s:I, s:f, s:I, s:I, s:f, s:I, s:I, s:I,"
		" s:I, s:I, s:I, s:I, s:f, s:f, s:I, s:s}",
		"words", (json_int_t)d->words, "sentences", (json_int_t)d->nsent,
		"syllables", (json_int_t)d->syllables, "flesch", round1(d->flesch),
		"long_sentences", (json_int_t)d->long_sentences,
		"long_share", round1(pct(d->long_sentences, d->nsent)),
		"passive_sentences", (json_int_t)d->passive,
		"passive_share", round1(pct(d->passive, d->nsent)),
		"passive_beyond_yoast", (json_int_t)d->passive_beyond,
		"transition_sentences", (json_int_t)d->transitions,
		"transition_share", round1(pct(d->transitions, d->nsent)),
		"paragraphs", (json_int_t)d->paragraphs, "subheadings", (json_int_t)d->headings,
		"longest_paragraph", (json_int_t)d->longest_paragraph,
		"longest_section", (json_int_t)d->longest_section,
		"same_start_runs", (json_int_t)d->same_start_runs, "numbers", (json_int_t)d->numbers,
		"keyphrase_count", (json_int_t)r->keyphrase_count, "keyphrase_density", r->density,
		"title_px", r->title_px, "meta_chars", (json_int_t)r->meta_chars,
		"lang", text_lang_code(d->lang));
}

json_t *seo_result_json_new(const seo_result_t *r)
{
	json_t *checks = json_array();
	for (size_t c = 0; checks && c < r->nchecks; c++) {
		const seo_check_t *k = &r->checks[c];
		json_array_append_new(checks, json_pack("{s:s, s:s, s:s, s:i, s:f, s:{s:s, s:s}}",
			"id", k->id, "group", k->group, "light", light_names[k->light],
			"score", k->score, "value", k->value, "explanation", "de", k->de, "en", k->en));
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
		"score", r->score < 0 ? json_null() : json_integer(r->score),
		"readability_score", r->readability_score < 0 ? json_null() :
			json_integer(r->readability_score),
		"seo_score", r->seo_score < 0 ? json_null() : json_integer(r->seo_score),
		"stats", stats_json(r), "checks", checks, "method", seo_method_json_new());
}

json_t *seo_analyze_json_new(const seo_input_t *in)
{
	seo_result_t r;
	if (seo_analyze(in, &r) < 0)
		return NULL;
	json_t *j = seo_result_json_new(&r);
	seo_result_free(&r);
	return j;
}

char *seo_marked_from_extract(json_t *extract)
{
	const char *text = json_string_value(json_object_get(extract, "text"));
	json_t *heads = json_object_get(extract, "headings");
	size_t n = text ? strlen(text) : 0, next = 0, o = 0;
	char *out = malloc(n + 8 * json_array_size(heads) + 8);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; ) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - text) : n;
		json_t *h = json_array_get(heads, next);
		const char *ht = json_string_value(json_object_get(h, "text"));
		if (ht && strlen(ht) == end - i && memcmp(ht, text + i, end - i) == 0) {
			json_int_t lv = json_integer_value(json_object_get(h, "level"));
			for (json_int_t k = 0; k < (lv < 1 ? 1 : lv > 6 ? 6 : lv); k++)
				out[o++] = '#';
			out[o++] = ' ';
			next++;
		}
		memcpy(out + o, text + i, end - i);
		o += end - i;
		out[o++] = '\n';
		i = end + 1;
	}
	out[o] = '\0';
	return out;
}
