/* voice.c - question forms by a table of interrogatives, spoken-answer
 * scoring on text.c's tokens, sentences and syllables. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voice.h"

/* Two-word forms first: "wie viel" wins over "wie". */
static const struct {
	const char *form;
	enum text_lang lang;
} interrogatives[] = {
	{ "wie viel", TEXT_LANG_DE }, { "wie viele", TEXT_LANG_DE }, { "wie lange", TEXT_LANG_DE },
	{ "wie hoch", TEXT_LANG_DE }, { "wie teuer", TEXT_LANG_DE }, { "wie oft", TEXT_LANG_DE },
	{ "how much", TEXT_LANG_EN }, { "how many", TEXT_LANG_EN }, { "how long", TEXT_LANG_EN },
	{ "how often", TEXT_LANG_EN },
	{ "wer", TEXT_LANG_DE }, { "wen", TEXT_LANG_DE }, { "wem", TEXT_LANG_DE },
	{ "wessen", TEXT_LANG_DE }, { "was", TEXT_LANG_DE }, { "wann", TEXT_LANG_DE },
	{ "wo", TEXT_LANG_DE }, { "woher", TEXT_LANG_DE }, { "wohin", TEXT_LANG_DE },
	{ "warum", TEXT_LANG_DE }, { "wie", TEXT_LANG_DE }, { "welche", TEXT_LANG_DE },
	{ "welcher", TEXT_LANG_DE }, { "welches", TEXT_LANG_DE }, { "welchen", TEXT_LANG_DE },
	{ "welchem", TEXT_LANG_DE }, { "wieso", TEXT_LANG_DE }, { "weshalb", TEXT_LANG_DE },
	{ "weswegen", TEXT_LANG_DE }, { "wozu", TEXT_LANG_DE }, { "womit", TEXT_LANG_DE },
	{ "wofür", TEXT_LANG_DE }, { "wodurch", TEXT_LANG_DE }, { "worauf", TEXT_LANG_DE },
	{ "woran", TEXT_LANG_DE }, { "worüber", TEXT_LANG_DE },
	{ "who", TEXT_LANG_EN }, { "whom", TEXT_LANG_EN }, { "whose", TEXT_LANG_EN },
	{ "what", TEXT_LANG_EN }, { "when", TEXT_LANG_EN }, { "where", TEXT_LANG_EN },
	{ "why", TEXT_LANG_EN }, { "how", TEXT_LANG_EN }, { "which", TEXT_LANG_EN },
};

/* A preposition may stand before the interrogative: "Ab wann", "For which". */
static const char *const prepositions[] = {
	"ab", "seit", "bis", "für", "mit", "in", "an", "auf", "aus", "bei", "nach", "von",
	"zu", "um", "über", "unter", "for", "with", "at", "from", "to", "by", "of", "on",
};

/* Headings without '?' count as questions up to this many words. */
#define VOICE_HEADING_WORDS 12
#define NWORDS 3

static int is_preposition(const char *w)
{
	for (size_t i = 0; i < sizeof prepositions / sizeof prepositions[0]; i++)
		if (strcmp(w, prepositions[i]) == 0)
			return 1;
	return 0;
}

/* The interrogative that words w[0..nw) open with in lang (any when unknown). */
static const char *interrogative(char w[][TEXT_WORD_MAX], size_t nw, enum text_lang *lang)
{
	char two[2 * TEXT_WORD_MAX + 1];
	size_t i0 = nw > 1 && is_preposition(w[0]) ? 1 : 0;
	if (i0 >= nw)
		return NULL;
	two[0] = '\0';
	if (i0 + 1 < nw) {
		size_t a = strlen(w[i0]);
		memcpy(two, w[i0], a);
		two[a] = ' ';
		memcpy(two + a + 1, w[i0 + 1], strlen(w[i0 + 1]) + 1);
	}
	for (size_t i = 0; i < sizeof interrogatives / sizeof interrogatives[0]; i++) {
		if (*lang != TEXT_LANG_UNKNOWN && interrogatives[i].lang != *lang)
			continue;
		if (strcmp(interrogatives[i].form, w[i0]) == 0 ||
		    strcmp(interrogatives[i].form, two) == 0) {
			*lang = interrogatives[i].lang;
			return interrogatives[i].form;
		}
	}
	return NULL;
}

/* Folds the first NWORDS word tokens of s[0..n) into w; returns how many. */
static size_t first_words(const char *s, const text_tokens_t *t, char w[][TEXT_WORD_MAX],
			  size_t *words)
{
	size_t nw = 0;
	*words = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].kind == TEXT_TOK_PUNCT)
			continue;
		(*words)++;
		if (nw < NWORDS && t->v[i].kind == TEXT_TOK_WORD && t->v[i].len < TEXT_WORD_MAX &&
		    text_fold(s + t->v[i].off, t->v[i].len, w[nw], TEXT_WORD_MAX) == 0)
			nw++;
	}
	return nw;
}

const char *voice_question_form(const char *s, size_t n, enum text_lang *lang)
{
	text_tokens_t t = { 0 };
	char w[NWORDS][TEXT_WORD_MAX];
	const char *form = NULL;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || text_tokenize(s, n, &t) < 0)
		goto out;
	size_t words;
	size_t nw = first_words(s, &t, w, &words);
	int asks = s[n - 1] == '?';
	int heading = s[n - 1] != '.' && s[n - 1] != '!' && words <= VOICE_HEADING_WORDS;
	*lang = text_guess_lang(s, n);
	if (asks || heading)
		form = interrogative(w, nw, lang);
	if (form == NULL && asks)
		form = *lang == TEXT_LANG_EN ? "yes/no" : "ja/nein";
	if (*lang == TEXT_LANG_UNKNOWN)
		*lang = TEXT_LANG_DE;
out:
	text_tokens_free(&t);
	return form;
}

static int questions_push(voice_questions_t *q, voice_question_t item)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 8;
		voice_question_t *v = realloc(q->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = item;
	return 0;
}

int voice_questions(const char *s, size_t n, voice_questions_t *out)
{
	text_spans_t sent = { 0 };
	int rc = -1;
	if (text_sentences(s, n, &sent) < 0)
		goto out;
	for (size_t i = 0; i < sent.n; i++) {
		voice_question_t q = { .off = sent.v[i].off, .len = sent.v[i].len };
		q.form = voice_question_form(s + q.off, q.len, &q.lang);
		if (q.form != NULL && questions_push(out, q) < 0)
			goto out;
	}
	rc = 0;
out:
	text_spans_free(&sent);
	return rc;
}

void voice_questions_free(voice_questions_t *q)
{
	free(q->v);
	memset(q, 0, sizeof *q);
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static int is_question(const char *s, size_t n)
{
	enum text_lang lang = TEXT_LANG_UNKNOWN;
	return voice_question_form(s, n, &lang) != NULL;
}

/* End of the line at i (its '\n' or n). */
static size_t line_end(const char *s, size_t n, size_t i)
{
	const char *nl = memchr(s + i, '\n', n - i);
	return nl ? (size_t)(nl - s) : n;
}

/* End of the paragraph that starts at byte i. */
static size_t paragraph_end(const char *s, size_t n, size_t i, int blocks)
{
	size_t e = i;
	while (e < n) {
		size_t le = line_end(s, n, e);
		if (e > i && (blank(s + e, le - e) || is_question(s + e, le - e)))
			break;
		e = le;
		if (blocks || e >= n)
			break;
		e++;                    /* past the line break */
	}
	return e > n ? n : e;
}

/* Appends the pair q[0..qn) / a[0..an) with both spans trimmed; 0/-1. */
static int pair_push(voice_pairs_t *p, const char *s, size_t qo, size_t qn, size_t ao,
		     size_t an)
{
	static const char space[] = " \t\r\n";
	while (qn && strchr(space, s[qo + qn - 1]))
		qn--;
	while (an && strchr(space, s[ao]))
		ao++, an--;
	while (an && strchr(space, s[ao + an - 1]))
		an--;
	if (!qn || !an)
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		voice_pair_t *v = realloc(p->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = (voice_pair_t){qo, qn, ao, an};
	return 0;
}

/* A pair at the line s[i..le), if it holds one: *next gets where to go on
 * (0 when it holds none). 0/-1. */
static int pair_at(const char *s, size_t n, size_t i, size_t le, int blocks,
		   voice_pairs_t *out, size_t *next)
{
	text_spans_t first = { 0 };
	*next = 0;
	if (is_question(s + i, le - i)) {               /* the line is a question */
		size_t a = le;
		while (a < n && blank(s + a, line_end(s, n, a) - a))
			a = line_end(s, n, a) + 1;
		size_t e = a < n ? paragraph_end(s, n, a, blocks) : a;
		if (e <= a)
			return 0;
		*next = e;
		return pair_push(out, s, i + strspn(s + i, " \t"), le - i - strspn(s + i, " \t"),
				 a, e - a);
	}
	if (text_sentences(s + i, le - i, &first) < 0)
		return -1;
	int rc = 0;
	if (first.n > 1) {                              /* a question opens the line */
		size_t qo = i + first.v[0].off, qn = first.v[0].len;
		if (s[qo + qn - 1] == '?' && is_question(s + qo, qn)) {
			size_t e = paragraph_end(s, n, i, blocks);
			*next = e;
			rc = pair_push(out, s, qo, qn, qo + qn, e - qo - qn);
		}
	}
	text_spans_free(&first);
	return rc;
}

int voice_pairs(const char *s, size_t n, int blocks, size_t max, voice_pairs_t *out)
{
	for (size_t i = 0, next; i < n && out->n < max; ) {
		size_t le = line_end(s, n, i);
		if (!blank(s + i, le - i)) {
			if (pair_at(s, n, i, le, blocks, out, &next) < 0)
				return -1;
			if (next) {
				i = next;
				continue;
			}
		}
		i = le + 1;
	}
	return 0;
}

void voice_pairs_free(voice_pairs_t *p)
{
	free(p->v);
	memset(p, 0, sizeof *p);
}

double voice_reading_ease(size_t words, size_t sentences, size_t syllables, enum text_lang lang)
{
	if (words == 0)
		return 0;
	double asl = (double)words / (sentences ? sentences : 1);
	double asw = (double)syllables / words;
	if (lang == TEXT_LANG_EN)
		return 206.835 - 1.015 * asl - 84.6 * asw;
	return 180.0 - asl - 58.5 * asw;
}

/* 1 for the length band, falling linearly to 0 at VOICE_WORDS_MIN words away. */
static double length_fit(size_t words)
{
	double d = words < VOICE_WORDS_MIN ? (double)(VOICE_WORDS_MIN - words) :
		   words > VOICE_WORDS_MAX ? (double)(words - VOICE_WORDS_MAX) : 0;
	return fmax(0, 1 - d / VOICE_WORDS_MIN);
}

int voice_score_answer(const char *s, size_t n, enum text_lang lang, voice_score_t *out)
{
	text_tokens_t t = { 0 };
	text_spans_t sent = { 0 };
	int rc = -1;
	memset(out, 0, sizeof *out);
	if (text_tokenize(s, n, &t) < 0 || text_sentences(s, n, &sent) < 0)
		goto out;
	for (size_t i = 0; i < t.n; i++) {
		if (t.v[i].kind == TEXT_TOK_PUNCT)
			continue;
		out->words++;
		/* numbers, abbreviations and addresses count one syllable */
		out->syllables += t.v[i].kind == TEXT_TOK_WORD ?
				  (size_t)text_syllables(s + t.v[i].off, t.v[i].len, lang) : 1;
	}
	out->sentences = sent.n;
	out->ease = voice_reading_ease(out->words, out->sentences, out->syllables, lang);
	out->length_ok = out->words >= VOICE_WORDS_MIN && out->words <= VOICE_WORDS_MAX;
	out->score = (int)lround(50 * length_fit(out->words) +
				 50 * fmin(1, fmax(0, out->ease / VOICE_EASE_GOOD)));
	rc = 0;
out:
	text_tokens_free(&t);
	text_spans_free(&sent);
	return rc;
}
