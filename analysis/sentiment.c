/* sentiment.c - lexicon, modifiers and phrases as tables; see sentiment.h. */
#include "sentiment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct valence {
	const char *stem; /* as text_stem() gives it; sorted bytewise */
	int score;        /* -3 .. +3 */
};

/* German review vocabulary, stemmed (umlauts folded: "zuverlassig"). */
static const struct valence lex_de[] = {
	{"abrat", -3}, {"abzock", -3}, {"ahnungslos", -2}, {"angenehm", 2}, {"arg", -2},
	{"argerlich", -2}, {"arrogant", -2}, {"aufmerksam", 1}, {"ausfall", -2}, {"ausfuhrlich", 1},
	{"ausgefall", -2}, {"ausgezeichnet", 3}, {"ausred", -2}, {"beeindruckend", 2}, {"beeindruckt", 2},
	{"begeistert", 3}, {"begeisterung", 3}, {"beschadigt", -2}, {"beschwerd", -2}, {"best", 2},
	{"betrug", -3}, {"chaos", -2}, {"chaotisch", -2}, {"dank", 1}, {"dankbar", 2},
	{"defekt", -2}, {"desinteressiert", -2}, {"dreckig", -2}, {"effektiv", 2}, {"effizient", 2},
	{"ehrlich", 2}, {"einwandfrei", 3}, {"empfehl", 2}, {"empfehlenswert", 3}, {"empfehlung", 2},
	{"empfiehlt", 2}, {"empfohl", 2}, {"engagiert", 2}, {"entschuldigt", 1}, {"entsetzt", -3}, {"entspannt", 1},
	{"enttauschend", -2}, {"enttauscht", -2}, {"enttauschung", -2}, {"erfolgreich", 2}, {"erreichbar", 1},
	{"erstklassig", 3}, {"ertragreich", 2}, {"exzellent", 3}, {"fachkundig", 2}, {"fachlich", 1},
	{"fachmannisch", 2}, {"fair", 2}, {"falsch", -2}, {"fehl", -2}, {"fehlend", -1},
	{"fehlerhaft", -2}, {"fehlt", -1}, {"flexibel", 2}, {"frech", -2}, {"frechheit", -3},
	{"freu", 2}, {"freud", 2}, {"freundlich", 2}, {"freundlichkeit", 2}, {"furchtbar", -3},
	{"geduldig", 2}, {"gefahrlich", -2}, {"gelung", 2}, {"genial", 3}, {"gepfuscht", -3},
	{"gern", 1}, {"glucklich", 2}, {"grossartig", 3}, {"grundlich", 2}, {"gunstig", 1},
	{"gut", 2}, {"hervorragend", 3}, {"herzlich", 2}, {"hilfreich", 2}, {"hilfsbereit", 2},
	{"hilfsbereitschaft", 2}, {"hingehalt", -2}, {"hochwertig", 2}, {"hoflich", 2}, {"ignori", -2},
	{"ignoriert", -2}, {"informativ", 1}, {"inkompetent", -3}, {"intransparent", -2}, {"kaputt", -2},
	{"katastroph", -3}, {"katastrophal", -3}, {"klass", 2}, {"kompetent", 2}, {"kompetenz", 2},
	{"kompliziert", -1}, {"kostenlos", 1}, {"kulant", 2}, {"kundenfreundlich", 2}, {"kundennah", 1},
	{"kundenorientiert", 2}, {"kurzfristig", 1}, {"langsam", -1}, {"leid", -1}, {"leistungsstark", 2},
	{"lob", 2}, {"lohnenswert", 2}, {"lohnt", 2}, {"losungsorientiert", 2}, {"makellos", 3},
	{"mangel", -2}, {"mangelhaft", -2}, {"mies", -2}, {"miserabel", -3}, {"motiviert", 2},
	{"muhsam", -2}, {"murk", -3}, {"nachforderung", -2}, {"negativ", -2}, {"nervig", -2},
	{"nett", 2}, {"optimal", 2}, {"ordentlich", 2}, {"organisiert", 1}, {"perfekt", 3},
	{"pfusch", -3}, {"planlos", -2}, {"positiv", 2}, {"preiswert", 2}, {"prima", 2},
	{"probl", -1}, {"problematisch", -2}, {"problemlos", 2}, {"professionell", 2}, {"punktlich", 2},
	{"punktlichkeit", 2}, {"qualitat", 1}, {"rasch", 1}, {"reibungslos", 2}, {"reklamation", -2},
	{"rentabel", 1}, {"respektlos", -2}, {"respektvoll", 2}, {"saub", 2}, {"sauberkeit", 2},
	{"schad", -1}, {"schlampig", -3}, {"schlecht", -2}, {"schleppend", -2}, {"schlimm", -2},
	{"schmutzig", -2}, {"schnell", 1}, {"schrecklich", -3}, {"serios", 2}, {"solid", 2},
	{"sorgfaltig", 2}, {"souveran", 2}, {"spitz", 2}, {"spitzenklass", 3}, {"streit", -2},
	{"stressig", -2}, {"strukturiert", 1}, {"sup", 2}, {"sympathisch", 2}, {"tadellos", 3},
	{"termingerecht", 2}, {"termintreu", 2}, {"teu", -1}, {"teur", -1}, {"toll", 2},
	{"top", 2}, {"transparent", 2}, {"uberfordert", -2}, {"uberhoht", -2}, {"uberteuert", -2},
	{"uberzeugend", 2}, {"uberzeugt", 2}, {"umstandlich", -1}, {"unbeantwortet", -2}, {"unbrauchbar", -3},
	{"undicht", -2}, {"undurchsichtig", -2}, {"unerreichbar", -2}, {"unfreundlich", -2}, {"ungenau", -1},
	{"unhoflich", -2}, {"unklar", -1}, {"unkompliziert", 2}, {"unmoglich", -2}, {"unordentlich", -2},
	{"unprofessionell", -2}, {"unpunktlich", -2}, {"unsaub", -2}, {"unserios", -3}, {"unterstutzt", 1},
	{"unterstutzung", 1}, {"unubersichtlich", -1}, {"unverschamt", -3}, {"unvollstandig", -2}, {"unzufried", -2},
	{"unzumutbar", -3}, {"unzuverlassig", -2}, {"verargert", -2}, {"vergeblich", -2}, {"verlasslich", 2}, {"verlasslichkeit", 2},
	{"verpfuscht", -3}, {"versagt", -2}, {"verschob", -1}, {"verspatet", -2}, {"verspatung", -2}, {"verstandlich", 1},
	{"vertrau", 2}, {"vertrauenswurdig", 2}, {"vertrostet", -2}, {"verzogert", -2}, {"verzogerung", -2},
	{"vorbildlich", 3}, {"warn", -2}, {"warnung", -2}, {"wartezeit", -1}, {"weiterempfehl", 3},
	{"weiterempfehlung", 3}, {"wertschatzend", 2}, {"wuch", -3}, {"wunderbar", 3}, {"wutend", -3},
	{"zufried", 2}, {"zufriedenheit", 2}, {"zufriedenstellend", 1}, {"zugig", 2}, {"zumutung", -3},
	{"zusatzkost", -1}, {"zuverlassig", 2}, {"zuverlassigkeit", 2}, {"zuvorkommend", 2},
};

/* English review vocabulary, S-stemmed. */
static const struct valence lex_en[] = {
	{"accommodating", 2}, {"affordable", 1}, {"aggressive", -2}, {"amazing", 3}, {"angry", -3},
	{"annoyed", -2}, {"annoying", -2}, {"appalling", -3}, {"appreciate", 2}, {"appreciated", 2},
	{"arrogant", -2}, {"attentive", 2}, {"avoid", -2}, {"awesome", 3}, {"awful", -3},
	{"bad", -2}, {"badly", -2}, {"beautiful", 2}, {"best", 3}, {"brilliant", 3},
	{"broken", -2}, {"canceled", -1}, {"cancelled", -1}, {"careful", 2}, {"careless", -2},
	{"chaotic", -2}, {"clean", 2}, {"competent", 2}, {"complain", -2}, {"complaint", -2},
	{"confusing", -1}, {"convenient", 1}, {"courteous", 2}, {"damage", -2}, {"damaged", -2},
	{"dangerous", -2}, {"defective", -2}, {"delay", -2}, {"delayed", -2}, {"delighted", 3},
	{"dependable", 2}, {"difficult", -1}, {"diligent", 2}, {"dirty", -2}, {"disappointed", -2},
	{"disappointing", -2}, {"disappointment", -2}, {"disaster", -3}, {"dishonest", -3}, {"dissatisfied", -2},
	{"easy", 1}, {"efficient", 2}, {"efficiently", 2}, {"enjoy", 2}, {"exceeded", 2},
	{"excellent", 3}, {"exceptional", 3}, {"expensive", -1}, {"experienced", 2}, {"expert", 2},
	{"failed", -2}, {"failure", -2}, {"fair", 2}, {"fantastic", 3}, {"fast", 1},
	{"faulty", -2}, {"fine", 1}, {"flawless", 3}, {"fraud", -3}, {"friendly", 2},
	{"frustrated", -2}, {"frustrating", -2}, {"genuine", 2}, {"glad", 2}, {"good", 2},
	{"grateful", 2}, {"great", 3}, {"happy", 2}, {"hassle", -2}, {"hassle-free", 2},
	{"helpful", 2}, {"hidden", -1}, {"honest", 2}, {"horrendous", -3}, {"horrible", -3},
	{"ideal", 2}, {"ignored", -2}, {"impressed", 2}, {"impressive", 2}, {"incompetent", -3},
	{"incomplete", -2}, {"incorrect", -2}, {"incredible", 3}, {"informative", 1}, {"issue", -1},
	{"kind", 2}, {"knowledgeable", 2}, {"late", -1}, {"lazy", -2}, {"leak", -2},
	{"leaking", -2}, {"lied", -3}, {"love", 3}, {"loved", 3}, {"ly", -3},
	{"mess", -2}, {"messy", -2}, {"misleading", -2}, {"missing", -1}, {"mistake", -2},
	{"neat", 1}, {"nice", 2}, {"nightmare", -3}, {"organised", 1}, {"organized", 1},
	{"outstanding", 3}, {"overpriced", -2}, {"painless", 2}, {"pathetic", -3}, {"patient", 2},
	{"perfect", 3}, {"perfectly", 3}, {"pleasant", 2}, {"pleased", 2}, {"polite", 2},
	{"poor", -2}, {"poorly", -2}, {"positive", 2}, {"problem", -1}, {"professional", 2},
	{"professionally", 2}, {"prompt", 2}, {"punctual", 2}, {"pushy", -2}, {"quality", 1},
	{"quick", 1}, {"quickly", 1}, {"reasonable", 1}, {"recommend", 2}, {"recommendable", 2},
	{"recommended", 2}, {"regret", -2}, {"reliability", 2}, {"reliable", 2}, {"respectful", 2},
	{"responsive", 2}, {"ridiculous", -2}, {"rude", -2}, {"sadly", -1}, {"satisfaction", 2},
	{"satisfied", 2}, {"scam", -3}, {"seamless", 2}, {"shame", -1}, {"shoddy", -3},
	{"skilled", 2}, {"sloppy", -2}, {"slow", -1}, {"smooth", 2}, {"smoothly", 2},
	{"solid", 2}, {"stellar", 3}, {"stress-free", 2}, {"stressful", -2}, {"super", 2},
	{"superb", 3}, {"terrible", -3}, {"terrific", 3}, {"thank", 1}, {"thorough", 2},
	{"tidy", 2}, {"timely", 2}, {"top", 2}, {"transparent", 2}, {"trustworthy", 2},
	{"unacceptable", -3}, {"unanswered", -2}, {"unclear", -1}, {"unfortunately", -1}, {"unhappy", -2},
	{"unprofessional", -2}, {"unreliable", -2}, {"unresponsive", -2}, {"unsafe", -2}, {"useless", -3},
	{"value", 1}, {"waste", -2}, {"wonderful", 3}, {"worse", -2}, {"worst", -3},
	{"worth", 2}, {"worthless", -3}, {"wrong", -2},
};

/* Folded words that scale the next sentiment word (within two words). */
static const struct modifier {
	const char *word;
	double factor;
} modifiers[] = {
	{"sehr", 1.5}, {"\xC3\xA4u\xC3\x9F" "erst", 1.6}, {"extrem", 1.6}, {"absolut", 1.5},
	{"total", 1.4}, {"wirklich", 1.3}, {"besonders", 1.4}, {"echt", 1.3}, {"richtig", 1.3},
	{"h\xC3\xB6" "chst", 1.5}, {"au\xC3\x9F" "erordentlich", 1.6}, {"unglaublich", 1.5},
	{"ziemlich", 1.2}, {"\xC3\xBC" "beraus", 1.5}, {"mega", 1.4}, {"durchweg", 1.3},
	{"rundum", 1.3}, {"stets", 1.2}, {"voll", 1.3}, {"immer", 1.1},
	{"dreimal", 1.5}, {"mehrfach", 1.5}, {"mehrmals", 1.5}, {"st\xC3\xA4ndig", 1.3},
	{"etwas", 0.6}, {"eher", 0.6}, {"bisschen", 0.6}, {"teilweise", 0.6}, {"relativ", 0.8},
	{"halbwegs", 0.5}, {"einigerma\xC3\x9F" "en", 0.5}, {"leicht", 0.7},
	{"very", 1.5}, {"really", 1.3}, {"extremely", 1.6}, {"absolutely", 1.5},
	{"highly", 1.5}, {"incredibly", 1.5}, {"truly", 1.3}, {"totally", 1.4},
	{"exceptionally", 1.6}, {"particularly", 1.3}, {"so", 1.2}, {"quite", 1.1},
	{"pretty", 1.1}, {"always", 1.1}, {"slightly", 0.6}, {"somewhat", 0.6},
	{"fairly", 0.8}, {"rather", 0.8}, {"bit", 0.6},
};

/* Folded negators; English "n't" contractions count too. */
static const char *const negators[] = {
	"nicht", "kein", "keine", "keinen", "keiner", "keinem", "keines", "nie", "niemals",
	"nichts", "niemand", "ohne", "weder", "kaum", "not", "nobody", "no", "never", "without", "neither",
	"nor", "none", "nothing", "hardly", "barely", "cannot",
};

/* Folded words that carry the verdict: their clause and what follows weigh
 * CONTRAST_AFTER, what came before CONTRAST_BEFORE; "leider" is itself
 * negative (and never negated: "Das klappte leider nicht"). */
static const struct contrast {
	const char *word;
	int score;
} contrasts[] = {
	{"aber", 0}, {"jedoch", 0}, {"allerdings", 0}, {"leider", -1}, {"trotzdem", 0},
	{"but", 0}, {"however", 0}, {"yet", 0}, {"unfortunately", -1},
};

/* Phrases of two or three folded words scored as a whole (the longest
 * wins); a word ending in '*' matches any ending. */
static const struct phrase {
	const char *w[3];
	int score;
} phrases[] = {
	{{"nie", "wieder"}, -3}, {{"niemals", "wieder"}, -3}, {{"finger", "weg"}, -3},
	{{"gerne", "wieder"}, 2}, {{"gern", "wieder"}, 2}, {{"jederzeit", "wieder"}, 2},
	{{"funktionier*", "nicht"}, -2}, {{"funktionier*", "nicht", "richtig"}, -2},
	{{"funktionier*", "nicht", "mehr"}, -2}, {{"nicht", "funktionier*"}, -2},
	{{"nicht", "richtig", "funktionier*"}, -2}, {{"zu", "sp\xC3\xA4t"}, -2},
	{{"l\xC3\xA4sst", "zu", "w\xC3\xBCnschen"}, -2}, {{"euro", "wert"}, 3},
	{{"cent", "wert"}, 3}, {{"geld", "wert"}, 2},
	{{"never", "again"}, -3}, {{"stay", "away"}, -3},
	{{"rip", "off"}, -3}, {{"waste", "of"}, -3}, {{"five", "stars"}, 3}, {{"5", "sterne"}, 3},
	{{"5", "stars"}, 3}, {{"1", "stern"}, -2}, {{"one", "star"}, -2},
};

#define NEGATION_FACTOR (-0.75)
#define NEGATION_SCOPE 3   /* words before */
#define POST_NEGATION_SCOPE 5 /* words after, German clause-final negator */
#define MODIFIER_SCOPE 2
#define CONTRAST_BEFORE 0.25
#define CONTRAST_AFTER 1.5
#define NORMALISE_ALPHA 15.0

enum item_kind { IT_WORD, IT_CLAUSE, IT_SENTENCE };

/* One folded word of the text, or a clause or sentence boundary. */
struct item {
	const char *word; /* into the folded buffer; "" for boundaries */
	enum item_kind kind;
	int used;         /* consumed by a phrase */
};

struct items {
	struct item *v;
	size_t n;
	char *buf; /* folded words, NUL-separated */
	enum text_lang lang;
};

static const char *const sentence_ends[] = {".", "!", "?", "\xE2\x80\xA6"};
static const char *const clause_ends[] = {
	",", ";", ":", "(", ")", "-", "\xE2\x80\x93", "\xE2\x80\x94",
};

static int in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

/* Folds the text's words into it->buf and marks boundaries; 0 or -1 (OOM). */
static int items_build(const char *text, size_t n, struct items *it)
{
	text_tokens_t t = {0};
	size_t used = 0;
	int rc = -1;
	if (text_tokenize(text, n, &t) != 0)
		goto out;
	it->v = malloc((t.n + 1) * sizeof(*it->v));
	it->buf = malloc(n + t.n + 1);
	if (!it->v || !it->buf)
		goto out;
	for (size_t i = 0; i < t.n; i++) {
		const char *s = text + t.v[i].off;
		size_t len = t.v[i].len;
		struct item *x = &it->v[it->n];
		*x = (struct item){"", IT_WORD, 0};
		if (t.v[i].kind == TEXT_TOK_PUNCT) {
			x->kind = in_list(sentence_ends, COUNT(sentence_ends), s, len) ? IT_SENTENCE
			          : in_list(clause_ends, COUNT(clause_ends), s, len) ? IT_CLAUSE : IT_WORD;
			it->n += x->kind != IT_WORD;
			continue;
		}
		if (t.v[i].kind == TEXT_TOK_URL || t.v[i].kind == TEXT_TOK_EMAIL)
			continue;
		if (text_fold(s, len, it->buf + used, n + t.n + 1 - used) != 0)
			goto out;
		x->word = it->buf + used;
		used += strlen(x->word) + 1;
		it->n++;
	}
	rc = 0;
out:
	text_tokens_free(&t);
	return rc;
}

static int cmp_valence(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const struct valence *)elem)->stem);
}

/* Lexicon valence of a folded word, 0 when it has none. */
static int valence(const char *word, enum text_lang lang)
{
	char stem[TEXT_WORD_MAX + 1];
	const struct valence *lex = lang == TEXT_LANG_EN ? lex_en : lex_de;
	size_t n = lang == TEXT_LANG_EN ? COUNT(lex_en) : COUNT(lex_de);
	const struct valence *v;
	if (!word[0] || strlen(word) > TEXT_WORD_MAX || text_stem(word, lang, stem, sizeof(stem)) != 0)
		return 0;
	v = bsearch(stem, lex, n, sizeof(*lex), cmp_valence);
	return v ? v->score : 0;
}

static int ends_with(const char *w, const char *sfx)
{
	size_t a = strlen(w), b = strlen(sfx);
	return a >= b && memcmp(w + a - b, sfx, b) == 0;
}

/* A negator, unless "nicht nur" / "not only" (which adds rather than negates). */
static int is_negator(const struct items *it, size_t i)
{
	const char *w = it->v[i].word;
	if (it->v[i].kind != IT_WORD || it->v[i].used)
		return 0;
	if (i + 1 < it->n && (strcmp(it->v[i + 1].word, "nur") == 0 || strcmp(it->v[i + 1].word, "only") == 0))
		return 0;
	return in_list(negators, COUNT(negators), w, strlen(w)) || ends_with(w, "n't") ||
	       ends_with(w, "n\xE2\x80\x99t");
}

static double modifier(const char *w)
{
	for (size_t i = 0; i < COUNT(modifiers); i++)
		if (strcmp(modifiers[i].word, w) == 0)
			return modifiers[i].factor;
	return 1;
}

static int word_is(const char *pattern, const char *w)
{
	size_t n = strlen(pattern);
	if (n && pattern[n - 1] == '*')
		return strncmp(pattern, w, n - 1) == 0;
	return strcmp(pattern, w) == 0;
}

/* Score of the longest phrase starting at i (its words into *len), 0 when none. */
static int phrase_at(const struct items *it, size_t i, size_t *len)
{
	int score = 0;
	*len = 1;
	for (size_t k = 0; k < COUNT(phrases); k++) {
		const struct phrase *p = &phrases[k];
		size_t m = 0;
		while (m < COUNT(p->w) && p->w[m] && i + m < it->n && it->v[i + m].kind == IT_WORD &&
		       !it->v[i + m].used && word_is(p->w[m], it->v[i + m].word))
			m++;
		if ((m == COUNT(p->w) || !p->w[m]) && m > *len) {
			*len = m;
			score = p->score;
		}
	}
	return score;
}

/* German puts the negator last: "Ich empfehle die Firma nicht."; from is
 * the first item after the sentiment word or phrase. */
static int post_negated(const struct items *it, size_t from)
{
	for (size_t j = from; j < it->n && j < from + POST_NEGATION_SCOPE; j++) {
		if (it->v[j].kind != IT_WORD)
			return 0;
		if (is_negator(it, j))
			return j + 1 == it->n || it->v[j + 1].kind != IT_WORD;
		if (valence(it->v[j].word, it->lang) != 0)
			return 0;
	}
	return 0;
}

/* Factor from negators and modifiers around the sentiment word or phrase
 * at [i, end). */
static double context_factor(const struct items *it, size_t i, size_t end)
{
	double f = 1;
	int neg = 0;
	for (size_t d = 1; d <= NEGATION_SCOPE && d <= i; d++) {
		const struct item *x = &it->v[i - d];
		if (x->kind != IT_WORD)
			break;
		if (is_negator(it, i - d))
			neg = 1;
		else if (d <= MODIFIER_SCOPE)
			f *= modifier(x->word);
	}
	if (!neg && it->lang == TEXT_LANG_DE)
		neg = post_negated(it, end);
	return neg ? f * NEGATION_FACTOR : f;
}

static const struct contrast *contrast_word(const char *w)
{
	for (size_t i = 0; i < COUNT(contrasts); i++)
		if (strcmp(contrasts[i].word, w) == 0)
			return &contrasts[i];
	return NULL;
}

/* Running sums: finished sentences (the last one's share apart), and of the
 * sentence under way the part before its last contrast (weighted), the
 * clauses finished since, the clause under way and their weight. */
struct sums {
	double total, last;
	double before, done, clause, weight;
	size_t words;     /* words of the sentence so far */
};

static void sentence_end(struct sums *s)
{
	s->last = s->before + (s->done + s->clause) * s->weight;
	s->total += s->last;
	s->before = s->done = s->clause = 0;
	s->weight = 1;
	s->words = 0;
}

/* What came before a contrast weighs less (the sentence before, when the
 * contrast opens its sentence); its own clause joins what follows. */
static void contrast(struct sums *s)
{
	if (s->words == 0) {
		s->total -= s->last * (1 - CONTRAST_BEFORE);
		s->last *= CONTRAST_BEFORE;
	}
	s->before = (s->before + s->done * s->weight) * CONTRAST_BEFORE;
	s->done = 0;
	s->weight = CONTRAST_AFTER;
}

static void score_items(struct items *it, sentiment_t *out)
{
	struct sums s = {0, 0, 0, 0, 0, 1, 0};
	for (size_t i = 0; i < it->n; i++) {
		struct item *x = &it->v[i];
		const struct contrast *c;
		size_t len;
		double v;
		if (x->kind == IT_SENTENCE) {
			sentence_end(&s);
			continue;
		}
		if (x->kind == IT_CLAUSE) {
			s.done += s.clause;
			s.clause = 0;
			continue;
		}
		if (x->used)
			continue;
		if ((c = contrast_word(x->word)) != NULL) {
			contrast(&s);
			v = c->score;
		} else if ((v = phrase_at(it, i, &len)) != 0) {
			for (size_t k = 0; k < len; k++)
				it->v[i + k].used = 1;
			v *= context_factor(it, i, i + len);
		} else if ((v = valence(x->word, it->lang)) != 0) {
			v *= context_factor(it, i, i + 1);
		}
		s.words++;
		out->positive += v > 0;
		out->negative += v < 0;
		s.clause += v;
	}
	sentence_end(&s);
	out->score = s.total / sqrt(s.total * s.total + NORMALISE_ALPHA);
}

const char *sentiment_label(double score)
{
	if (score >= SENTIMENT_NEUTRAL_BAND)
		return "positive";
	if (score <= -SENTIMENT_NEUTRAL_BAND)
		return "negative";
	return "neutral";
}

int sentiment_analyze(const char *text, size_t n, const char *lang, sentiment_t *out)
{
	struct items it = {NULL, 0, NULL, text_lang_parse(lang)};
	int rc = -1;
	*out = (sentiment_t){0, "neutral", 0, 0, "de"};
	if (it.lang == TEXT_LANG_UNKNOWN)
		it.lang = text_guess_lang(text, n);
	if (it.lang == TEXT_LANG_UNKNOWN)
		it.lang = TEXT_LANG_DE;
	out->lang = text_lang_code(it.lang);
	if (items_build(text, n, &it) == 0) {
		score_items(&it, out);
		rc = 0;
	}
	out->label = sentiment_label(out->score);
	free(it.v);
	free(it.buf);
	return rc;
}

size_t sentiment_lexicon_size(const char *lang)
{
	return text_lang_parse(lang) == TEXT_LANG_EN ? COUNT(lex_en) : COUNT(lex_de);
}
