/* readability.c - Yoast-style readability of German and English text; see
 * readability.h.
 *
 * Passive voice is measured twice. rd_passive_yoast counts as yoastseo's
 * German research does (see the section below): that is the share a content
 * editor knows from Yoast, and the one the check scores. rd_passive is German
 * grammar: a sentence is cut into clauses at conjunctions and colons; a clause
 * is passive when it holds an auxiliary (a form of werden, or bekommen /
 * erhalten / kriegen / gehören for the recipient passive; English: be, get)
 * and a past participle that is not followed by "haben"/"sein". German
 * participles are lowercase words (a capitalised word inside a sentence is
 * a noun): ge…t, ge…en, a separable prefix + ge…, an inseparable prefix
 * (be-, ent-, er-, ver-, zer-, her-, über-) + …t, …iert, or an irregular form
 * from the table. Word lists are static const tables; the code is generic. */
#include "readability.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define WMAX 64                 /* words of a clause looked at */

/* ---- word lists --------------------------------------------------------- */

static const char *const de_aux[] = {
	"werde", "wirst", "wird", "werden", "werdet", "wurde", "ward", "wardst", "wurdest",
	"wurden", "wurdet", "worden", "werdest", "würde", "würdest", "würden", "würdet",
	"bekomme", "bekommst", "bekommt", "bekommen", "bekommest", "bekommet", "bekam",
	"bekamst", "bekamen", "bekäme", "bekämen", "bekämest", "bekämst", "bekämet", "bekämt",
	"kriege", "kriegst", "kriegt", "kriegen", "kriegest", "krieget", "kriegte", "kriegtest",
	"kriegten", "kriegtet", "gekriegt", "erhalte", "erhältst", "erhält", "erhalten",
	"erhaltet", "erhaltest", "erhielt", "erhielte", "erhieltest", "erhieltst", "erhieltet",
	"erhielten", "gehöre", "gehörst", "gehört", "gehören", "gehörest", "gehöret", "gehörte",
	"gehörtest", "gehörtet", "gehörten",
};
/* Auxiliaries that look like participles: never both in one clause. */
static const char *const de_aux_participle_like[] = {
	"bekommt", "gehört", "erhält", "erhalten", "bekommen",
};
static const char *const de_clause_breaks[] = {
	"aber", "als", "bevor", "bis", "da", "damit", "daß", "dass", "denn", "doch",
	"ehe", "falls", "gleichwohl", "indem", "indes", "indessen", "insofern",
	"insoweit", "nachdem", "nun", "ob", "obgleich", "obschon", "obwohl", "obzwar",
	"oder", "seitdem", "sobald", "sodass", "sofern", "solange", "sondern", "sooft",
	"soviel", "soweit", "sowie", "trotz", "und", "ungeachtet", "während", "weil",
	"waehrend", "welche", "welchem", "welchen", "welcher", "welches", "wem", "wen", "wenn",
	"wenngleich", "wennschon", "wer", "wes", "wessen", "wie", "wiewohl", "wohingegen", "zumal",
};
static const char *const de_sep_prefix[] = {
	"ab", "an", "auf", "aus", "bei", "bereit", "dar", "durch", "ein", "fest",
	"fort", "frei", "heraus", "herbei", "her", "hin", "hinzu", "hoch", "los", "mit",
	"nach", "sicher", "statt", "teil", "um", "vor", "voran", "vorbei", "weg",
	"weiter", "wieder", "zu", "zurück", "zusammen", "bekannt", "fertig", "offen",
	"klar", "zugrunde", "dazu", "darauf",
};
static const char *const de_insep_prefix[] = {
	"be", "ent", "er", "ver", "zer", "her", "über", "unter", "hinter", "miss", "emp",
};
/* Infinitives and other lowercase words that look like ge…en / ge…t participles. */
static const char *const de_not_participle[] = {
	"gegen", "gehen", "geben", "gelten", "gewinnen", "genießen", "gehören", "gelingen",
	"geschehen", "genügen", "gestehen", "gewähren", "gewöhnen", "gestalten", "gedenken",
	"gebrauchen", "geleiten", "gestatten", "geraten", "gewesen", "gern", "gerne",
	"geht", "gilt", "gibt", "gesamt", "gerecht", "genug", "gerade", "gemeinsam",
	"beginnen", "bekommen", "verstehen", "bestehen", "entstehen", "erhalten",
	"besonders", "bereits", "bezahlt", "erst", "selbst", "jetzt", "meist", "zuletzt",
	"bestimmt", "berühmt", "bekannt", "verwandt", "bereit", "weit",
	"wert", "recht", "leicht", "nicht", "acht", "licht", "welt", "zeit",
	"gespannt", "ganzjährig",
};
/* Irregular participles without a regular shape. */
static const char *const de_irregular[] = {
	"verboten", "beschrieben", "entschieden", "vergeben", "betrieben", "verstanden",
	"bestanden", "begonnen", "vermieden", "verschoben", "unterschrieben", "überwiesen",
	"erhoben", "bezogen", "verzogen", "entzogen", "empfohlen", "befohlen", "vergessen",
	"besessen", "beworben", "erworben", "verloren", "verliehen", "entlassen",
	"verlassen", "erlassen", "zerbrochen", "unterbrochen", "versprochen", "besprochen",
	"vertrieben", "beschlossen", "verschlossen", "erschlossen", "überzogen",
	"bewiesen", "verwiesen", "erwiesen", "zerrissen", "übernommen", "unternommen",
	"vernommen", "benommen", "entnommen", "übertragen", "vertragen", "beantragt",
	"betragen", "ertragen", "unterbreitet", "vorgeschrieben", "überschrieben",
	"verbunden", "gebunden", "empfunden", "erfunden", "befunden", "überwunden",
	"verschwiegen", "bestritten", "vermessen", "bemessen", "unterschieden",
	"angeboten", "geboten", "verbraten", "beraten", "verraten", "erraten",
	"betroffen", "übertroffen", "verworfen", "unterworfen", "entworfen",
	"beworfen", "getroffen", "ergriffen", "begriffen", "vergriffen", "überprüfen",
	"verzeichnet", "erbaut", "vollzogen", "vollendet", "vollbracht", "gebracht",
	"verbracht", "erbracht", "gedacht", "bedacht", "gewusst", "genannt", "benannt",
	"gekannt", "anerkannt", "erkannt", "verbrannt", "gesandt", "gewandt", "gesprochen",
};
static const char *const en_aux[] = {
	"am", "is", "are", "was", "were", "be", "been", "being", "get", "gets", "got",
	"gotten", "isn't", "aren't", "wasn't", "weren't", "it's", "that's",
};
static const char *const en_clause_breaks[] = {
	"and", "but", "or", "because", "which", "who", "whom", "whose", "that", "when",
	"while", "although", "though", "if", "unless", "since", "so", "whereas", "where",
	"before", "after", "until",
};
static const char *const en_irregular[] = {
	"arisen", "awoken", "beaten", "become", "begun", "bent", "bet", "bitten", "bled",
	"blown", "broken", "brought", "built", "burnt", "bought", "caught", "chosen", "come",
	"cut", "dealt", "done", "drawn", "driven", "eaten", "fallen", "fed", "felt", "fought",
	"found", "flown", "forbidden", "forgotten", "forgiven", "frozen", "given", "gone",
	"grown", "hung", "heard", "hidden", "hit", "held", "hurt", "kept", "known", "laid",
	"led", "left", "lent", "let", "lain", "lit", "lost", "made", "meant", "met", "paid",
	"put", "read", "ridden", "rung", "risen", "run", "said", "seen", "sought", "sold",
	"sent", "set", "shaken", "shed", "shot", "shown", "shut", "sung", "sunk", "sat",
	"slept", "slid", "spoken", "spent", "spun", "spread", "stood", "stolen", "stuck",
	"stung", "struck", "sworn", "swept", "swum", "taken", "taught", "torn", "told",
	"thought", "thrown", "understood", "woken", "worn", "won", "written", "withdrawn",
};
static const char *const en_not_participle[] = {
	"need", "feed", "seed", "bed", "red", "shed", "speed", "indeed", "used", "based",
	"interested", "excited", "tired", "married", "supposed", "allowed",
};

/* German transition words and phrases (folded), of the size of Yoast's list. */
static const char *const de_transitions[] = {
	"aber", "abschließend", "allerdings", "also", "andererseits", "anfangs",
	"anschließend", "ansonsten", "augenscheinlich", "außerdem", "beispielsweise",
	"bevor", "beziehungsweise", "bspw.", "bzw.", "dabei", "dadurch", "dafür", "dagegen",
	"daher", "dahingegen", "danach", "dann", "darauf", "darum", "davor", "dazu",
	"dementsprechend", "demgegenüber", "demgemäß", "demnach", "demzufolge", "denn",
	"dennoch", "deshalb", "deswegen", "doch", "drittens", "ebenfalls", "ebenso",
	"endlich", "ergo", "erstens", "ferner", "folgendermaßen", "folglich", "früher",
	"genauso", "gleichfalls", "gleichermaßen", "gleichwohl", "hierdurch", "hierzu",
	"hingegen", "hinterher", "indem", "indes", "indessen", "infolgedessen",
	"insbesondere", "insofern", "jedoch", "kurzum", "letztendlich", "letztlich",
	"mithin", "nachdem", "nachher", "nämlich", "nebenbei", "nichtsdestotrotz",
	"nichtsdestoweniger", "obgleich", "obschon", "obwohl", "obzwar", "schließlich",
	"seitdem", "sobald", "sodass", "sofern", "solange", "somit", "sondern", "später",
	"stattdessen", "trotzdem", "überdies", "übrigens", "umgekehrt", "ungeachtet",
	"vielmehr", "vorab", "vorher", "währenddessen", "weil", "weiterhin",
	"wenngleich", "wohingegen", "zudem", "zuerst", "zugleich", "zuletzt", "zumal",
	"zunächst", "zusätzlich", "zuvor", "zwar", "zweitens", "hierbei", "hiermit",
	"zusammenfassend", "entsprechend", "gleichzeitig", "genauer",
	"daraufhin", "dementgegen", "einerseits", "erstmal", "grundsätzlich",
	"allenfalls", "ausserdem", "andernfalls", "sonst", "ohnehin", "wiederum",
	"alles in allem", "als erstes", "am ende", "auf diese weise", "aus diesem grund",
	"aus diesen gründen", "außer dass", "das heißt", "d. h.", "darüber hinaus",
	"des weiteren", "im allgemeinen", "im anschluss", "im falle", "im gegensatz",
	"im grunde", "im großen und ganzen", "im übrigen", "im vergleich", "in der tat",
	"in diesem fall", "infolge dessen", "kurz gesagt", "mit anderen worten",
	"nicht nur", "ohne zweifel", "so dass", "sowohl", "unter anderem", "vor allem",
	"wie bereits erwähnt", "wie gesagt", "z. b.", "zu guter letzt", "zum beispiel",
	"zum einen", "zum anderen", "zum schluss", "zusammengefasst", "im folgenden",
	"im endeffekt", "je nachdem", "auf jeden fall", "im gegenzug", "nach wie vor",
	"aus diesem anlass", "bis dahin", "von da an", "in erster linie",
	"in zukunft", "in kürze", "zu diesem zweck", "mit blick auf", "vor diesem hintergrund",
	"anstatt", "bislang", "bisher", "daraus", "darüber", "davon", "demnächst", "derweil",
	"einstweilen", "fortan", "gleichsam", "hernach", "hierauf", "hiernach", "immerhin",
	"inzwischen", "jedenfalls", "keinesfalls", "mittlerweile", "nochmals", "ohnedies",
	"sodann", "sogleich", "überhaupt", "unterdessen", "vorerst", "vorweg",
	"zwischenzeitlich", "tatsächlich", "zweifellos", "offensichtlich", "letztens",
	"vorausgesetzt", "ergänzend", "alternativ", "hierfür", "ausgenommen", "insgesamt",
	"summa summarum", "genau genommen", "im zuge dessen", "mit der zeit", "nach und nach",
	"im gegenteil", "erst einmal", "zu beginn", "am anfang", "im nachhinein", "wie folgt",
	"mehr noch", "nicht zuletzt", "genauso wie", "zum teil", "in diesem sinne",
	"in jedem fall", "vor kurzem", "hinzu kommt", "dazu kommt", "im einzelnen",
	"des öfteren", "aus dem grund", "abgesehen davon", "anders gesagt",
	"anders ausgedrückt", "auf der anderen seite", "auf der einen seite",
};
static const char *const en_transitions[] = {
	"accordingly", "additionally", "afterward", "afterwards", "albeit", "also",
	"although", "altogether", "another", "basically", "because", "before", "besides",
	"but", "certainly", "chiefly", "comparatively", "concurrently", "consequently",
	"contrarily", "conversely", "correspondingly", "despite", "doubtedly", "during",
	"e.g.", "earlier", "emphatically", "equally", "especially", "eventually",
	"evidently", "explicitly", "finally", "firstly", "following", "formerly",
	"forthwith", "fourthly", "further", "furthermore", "generally", "hence",
	"henceforth", "however", "i.e.", "identically", "indeed", "instead", "last",
	"lastly", "later", "lest", "likewise", "markedly", "meanwhile", "moreover",
	"nevertheless", "nonetheless", "nor", "notwithstanding", "obviously",
	"occasionally", "otherwise", "overall", "particularly", "presently", "previously",
	"rather", "regardless", "secondly", "shortly", "significantly", "similarly",
	"simultaneously", "since", "so", "soon", "specifically", "still", "straightaway",
	"subsequently", "surely", "surprisingly", "than", "then", "thereafter",
	"therefore", "thereupon", "thirdly", "though", "thus", "till", "too", "undeniably",
	"undoubtedly", "unless", "unlike", "unquestionably", "until", "when", "whenever",
	"whereas", "while", "above all", "after all", "after that", "all in all",
	"all of a sudden", "all things considered", "as a consequence", "as a result",
	"as an illustration", "as long as", "as soon as", "as well as", "at first",
	"at last", "at the same time", "because of", "by all means", "by and large",
	"by comparison", "by the same token", "by the time", "compared to", "due to",
	"even if", "even so", "even though", "first of all", "for example", "for instance",
	"for one thing", "for this reason", "from time to time", "given that",
	"in addition", "in brief", "in case", "in conclusion", "in contrast", "in fact",
	"in general", "in other words", "in particular", "in short", "in spite of",
	"in summary", "in the end", "in the meantime", "in the same way", "in this case",
	"in view of", "last but not least", "most importantly", "not only", "of course",
	"on the contrary", "on the other hand", "on the whole", "only if", "owing to",
	"provided that", "so as to", "so that", "such as", "that is to say", "to begin with",
	"to conclude", "to illustrate", "to put it differently", "to sum up",
	"up to the present time", "with this in mind", "without a doubt",
	"admittedly", "again", "alternatively", "anyway", "assuming", "because of this",
	"beforehand", "briefly", "clearly", "considering", "currently", "definitely",
	"elsewhere", "equally important", "essentially", "frequently", "gradually",
	"granted", "hereafter", "immediately", "importantly", "incidentally", "initially",
	"largely", "mainly", "namely", "naturally", "notably", "once",
	"ordinarily", "originally", "personally", "possibly", "primarily", "probably",
	"rarely", "recently", "seemingly", "sometimes", "suddenly", "summarizing", "therein",
	"thereby", "ultimately", "usually", "whereupon", "yet", "after this", "along with",
	"an additional", "and yet", "another key point", "as a matter of fact",
	"as can be seen", "as has been noted", "as mentioned earlier", "as much as",
	"as shown above", "at any rate", "at least", "at the present time",
	"be that as it may", "before long", "by the way", "by contrast", "coupled with",
	"due to the fact that", "during this time", "even more", "for the most part",
	"for the purpose of", "for this purpose", "from here on", "generally speaking",
	"given these points", "in any case", "in any event", "in detail", "in due time",
	"in effect", "in either case", "in essence", "in like manner", "in light of",
	"in reality", "in that case", "in the first place", "in the long run",
	"in the hope that", "in time", "in truth", "it is important to realize", "it is true",
	"most of all", "not to mention", "now that", "on account of", "on condition that",
	"on the positive side", "on the negative side", "point often overlooked",
	"seeing that", "so far", "so much that", "take the case of", "that is", "then again",
	"to be sure", "to clarify", "to demonstrate", "to emphasize", "to enumerate",
	"to explain", "to point out", "to put it another way", "to repeat", "to summarize",
	"to that end", "to the end that", "under those circumstances", "up to now",
	"what is more", "with attention to", "with this intention", "with the result that",
	"without delay",
};
/* First words that make Yoast look at the next word too (articles, numbers…). */
static const char *const de_first_exceptions[] = {
	"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
	"eines", "dieser", "diese", "dieses", "diesen", "diesem", "jener", "jene", "jenes",
	"zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
};
static const char *const en_first_exceptions[] = {
	"the", "a", "an", "this", "that", "these", "those", "one", "two", "three", "four",
	"five", "six", "seven", "eight", "nine", "ten",
};
static const char *const de_split_words[] = {
	"und", "aber", "denn", "weil", "doch", "sondern", "oder", "während", "obwohl",
	"damit", "sodass", "wobei", "nachdem", "sobald", "wenn", "dass",
};
static const char *const en_split_words[] = {
	"and", "but", "because", "which", "while", "although", "so", "or", "whereas",
	"when", "since",
};

/* ---- helpers -------------------------------------------------------------- */

static int in_list(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w, list[i]) == 0)
			return 1;
	return 0;
}

static int starts(const char *w, const char *p)
{
	return strncmp(w, p, strlen(p)) == 0;
}

static int ends(const char *w, const char *p)
{
	size_t n = strlen(w), m = strlen(p);
	return n >= m && strcmp(w + n - m, p) == 0;
}

/* Folded word of token t into out; 0, or -1 when it is too long. */
static int fold_tok(const char *s, const text_token_t *t, char *out, size_t outsz)
{
	return text_fold(s + t->off, t->len, out, outsz);
}

static int first_upper(const char *s, const text_token_t *t)
{
	size_t p = t->off;
	return text_is_upper(text_utf8_next(s, t->off + t->len, &p));
}

/* ---- passive ---------------------------------------------------------------- */

/* The part of w after a prefix of list, "" when none; the longest prefix. */
static const char *after_prefix(const char *w, const char *const *list, size_t n)
{
	const char *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (starts(w, list[i]) && (!best || strlen(list[i]) > (size_t)(best - w)))
			best = w + strlen(list[i]);
	return best ? best : "";
}

static int ge_form(const char *w)
{
	size_t n = strlen(w);
	if (!starts(w, "ge") || in_list(w, de_not_participle, COUNT(de_not_participle)))
		return 0;
	return (n >= 5 && ends(w, "t")) || (n >= 7 && ends(w, "en"));
}

/* 1 when the folded lowercase word w is a German past participle. */
static int de_participle(const char *w)
{
	if (in_list(w, de_not_participle, COUNT(de_not_participle)))
		return 0;
	if (in_list(w, de_irregular, COUNT(de_irregular)) || ge_form(w))
		return 1;
	if (strlen(w) >= 6 && ends(w, "iert"))
		return 1;
	const char *rest = after_prefix(w, de_sep_prefix, COUNT(de_sep_prefix));
	if (strlen(rest) < 4)
		rest = "";      /* "bereitet": be- + reitet, not bereit- + et */
	if (*rest && (ge_form(rest) || in_list(rest, de_irregular, COUNT(de_irregular))))
		return 1;
	if (*rest)
		w = rest;       /* "anerkannt", "vorbereitet": a separable + inseparable prefix */
	rest = after_prefix(w, de_insep_prefix, COUNT(de_insep_prefix));
	return *rest && strlen(rest) >= 3 && ends(rest, "t") &&
	       (!ends(rest, "st") || ends(rest, "sst"));
}

static int en_participle(const char *w)
{
	if (in_list(w, en_not_participle, COUNT(en_not_participle)))
		return 0;
	return (strlen(w) >= 4 && ends(w, "ed")) || in_list(w, en_irregular, COUNT(en_irregular));
}

typedef struct clause_word {
	char w[TEXT_WORD_MAX];
	size_t off;
	int upper, initial;
} clause_word_t;

/* Whether words v[0..n) (one clause) are passive; *aux gets the auxiliary. */
static int clause_passive(const clause_word_t *v, size_t n, enum text_lang lang, size_t *aux)
{
	int de = lang != TEXT_LANG_EN;
	size_t a = n;
	for (size_t i = 0; i < n && a == n; i++)
		if (de ? in_list(v[i].w, de_aux, COUNT(de_aux)) : in_list(v[i].w, en_aux, COUNT(en_aux)))
			a = i;
	if (a == n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (i == a || (v[i].upper && !v[i].initial && de))
			continue;
		if (de && in_list(v[i].w, de_aux_participle_like, COUNT(de_aux_participle_like)))
			continue;
		if (!(de ? de_participle(v[i].w) : en_participle(v[i].w)))
			continue;
		if (de && i + 1 < n && (strcmp(v[i + 1].w, "haben") == 0 ||
					strcmp(v[i + 1].w, "sein") == 0))
			continue;
		*aux = v[a].off;
		return 1;
	}
	return 0;
}

int rd_passive(const char *s, size_t n, enum text_lang lang, size_t *aux)
{
	text_tokens_t t = {0};
	clause_word_t *v = malloc(WMAX * sizeof *v);
	size_t k = 0, dummy;
	int passive = 0, de = lang != TEXT_LANG_EN;
	if (!aux)
		aux = &dummy;
	if (!v || text_tokenize(s, n, &t) < 0)
		goto out;
	for (size_t i = 0; i <= t.n && !passive; i++) {
		char w[TEXT_WORD_MAX] = "";
		int brk = i == t.n;
		if (!brk && t.v[i].kind == TEXT_TOK_PUNCT)
			brk = s[t.v[i].off] == ':' || s[t.v[i].off] == ';' ||
			      (!de && s[t.v[i].off] == ',');
		else if (!brk && fold_tok(s, &t.v[i], w, sizeof w) == 0)
			brk = de ? in_list(w, de_clause_breaks, COUNT(de_clause_breaks)) :
				   in_list(w, en_clause_breaks, COUNT(en_clause_breaks));
		if (brk) {
			passive = clause_passive(v, k, lang, aux);
			k = 0;
			continue;
		}
		if (t.v[i].kind != TEXT_TOK_WORD || k == WMAX)
			continue;
		memcpy(v[k].w, w, sizeof w);
		v[k].off = t.v[i].off;
		v[k].upper = first_upper(s, &t.v[i]);
		v[k].initial = i == 0;
		k++;
	}
out:
	text_tokens_free(&t);
	free(v);
	return passive;
}

/* ---- passive as Yoast counts it (German) -----------------------------------------
 *
 * yoastseo's German research, restated: the sentence is lowercased; without
 * an auxiliary (a whole word of de_aux) it is active. It is cut into clauses
 * before every clause word of de_clause_breaks (and a free-standing colon) —
 * not at commas —, where each piece ends at the first occurrence of the
 * break word's text, even inside a longer word ("da" cuts at "das"). A clause
 * is passive when it holds an auxiliary and a word of participle shape that
 * survives the exceptions. Participle shapes, on whitespace-separated words
 * with the outer punctuation removed and capitalised nouns included:
 *   ge…t; be-/ent-/er-/her-/ver-/zer-/über- … ending in -t but not -st (-sst
 *   is fine); ab-/an-/auf-/aus-/vor-/wieder-/zurück- + ge…t or + one of those
 *   prefixes anywhere in the word ("Komplettangebot"); …iert; and a list of
 *   strong participles that is mostly ge…en ("geschrieben", not
 *   "beschrieben", "angeschlossen" or "betrieben").
 * Exceptions: a noun ending (-arbeit, -keit, -zeit, -schaft…), a word of
 * de_yoast_not_participle, a participle directly followed by "haben" or
 * "sein", and the auxiliaries of participle shape (bekommt, gehört, erhält).
 * So "eingespeist", "abgeschrieben" and "untersucht" are not counted, and a
 * clause with erhalten and a noun such as "Angebot" is. */

/* Strong participles Yoast's German research knows by name. */
static const char *const de_yoast_strong[] = {
	"angefangen", "aufgerissen", "ausgesehen", "befohlen", "befunden", "begonnen",
	"bewiesen", "beworben", "empfohlen", "empfunden", "entschieden",
	"erschrocken", "erwogen", "verdorben", "vergessen", "verglichen", "verloren",
	"verstanden", "verschwunden", "vorgeschlagen", "misslungen",
	"gebacken", "gebeten", "gebissen", "geblasen", "geblieben", "gebogen", "geboren",
	"geborgen", "geboten", "gebraten", "gebrochen", "gebunden", "gediehen", "gedrungen",
	"gefahren", "gefallen", "gefangen", "geflogen", "geflohen", "geflossen", "gefressen",
	"gefroren", "gefunden", "gegangen", "gegeben", "gegessen", "geglichen", "geglitten",
	"gegolten", "gegossen", "gegraben", "gegriffen", "gehalten", "gehangen", "gehauen",
	"geheißen", "geheissen", "gehoben", "geholfen", "geklungen", "gekommen", "gekrochen",
	"geladen", "gelassen", "gelaufen", "gelegen", "gelesen", "geliehen", "gelitten",
	"gelogen", "gelungen", "gemessen", "gemieden", "genesen", "genommen", "genossen",
	"gepfiffen", "gepriesen", "geraten", "gerieben", "gerissen", "geritten", "gerochen",
	"gerufen", "gerungen", "geschaffen", "geschehen", "geschieden", "geschienen",
	"geschlafen", "geschlagen", "geschlichen", "geschliffen", "geschlossen",
	"geschlungen", "geschmissen", "geschmolzen", "geschnitten", "geschoben", "gescholten",
	"geschoren", "geschossen", "geschrieben", "geschrien", "geschritten", "geschwiegen",
	"geschwollen", "geschwommen", "geschworen", "geschwunden", "geschwungen", "gesehen",
	"gesessen", "gesoffen", "gesponnen", "gesprochen", "gesprungen", "gestanden",
	"gestiegen", "gestochen", "gestohlen", "gestorben", "gestoßen", "gestossen",
	"gestrichen", "gestritten", "gesungen", "gesunken", "getan", "getragen", "getreten",
	"getrieben", "getroffen", "getrunken", "gewachsen", "gewaschen", "gewichen",
	"gewiesen", "gewogen", "gewonnen", "geworben", "geworfen", "gezogen", "gezwungen",
	"übergeben", "übernommen", "übertragen", "übertroffen", "übertrieben", "überwiesen",
	"überzogen", "übersehen", "überlassen", "überschritten", "überschrieben",
	"überstanden", "überwunden", "überfahren", "überfallen", "überladen",
};
/* Words of participle shape that Yoast's research does not take for one:
 * present tense forms, adjectives and nouns (the lowercased sentence keeps
 * them). A word missing here that Yoast lists, or the reverse, is where the
 * two may still differ; bench/content lists the texts. */
static const char *const de_yoast_not_participle[] = {
	"geht", "gilt", "gibt", "gebiet", "geburt", "gedicht", "gefecht", "geflecht",
	"gehöft", "geist", "gericht", "gerücht", "gerüst", "gesamt", "geschäft", "geschlecht",
	"gesicht", "gespenst", "gestalt", "gewalt", "gewicht", "gerät", "gemüt", "gelangweilt",
	"generalist", "gewerkschaft", "gesichtspunkt", "gegenwart", "geschäftsbericht",
	"geldautomat", "gewerbegebiet", "gefrierpunkt", "gegenangebot", "gegengewicht",
	"erst", "ernst", "erbgut", "erbrecht", "erfahrungsbericht", "erfolgsrezept",
	"erholungsgebiet", "erdmittelpunkt", "erbbaurecht", "erstrecht",
	"überangebot", "übergewicht", "übersicht", "überschrift", "überrest", "übermut",
	"übermacht", "überfahrt", "überlast", "übertritt", "überschnitt",
	"übersetzt", "überträgt", "übersteht", "übersteigt", "überwiegt", "überweist",
	"überzieht", "übersieht", "überwindet", "überschreitet", "übernimmt",
	"bereit", "bericht", "bewusst", "beeinflusst", "entsteht", "gebot", "gebet", "gestüt",
	"herkunft", "verknüpfungspunkt", "beirat", "betriebsrat", "gemeinderat",
	"verwaltungsrat", "gewerbeamt", "verkehrsamt", "gesamtgewicht", "verwaltungsgericht",
	"verantwortungsbewusst", "veranschaulicht",
};
/* Auxiliaries of participle shape: never taken for the participle. */
static const char *const de_yoast_aux_like[] = {
	"bekommst", "bekommt", "bekamst", "bekommest", "bekommet", "bekämest", "bekämst",
	"bekämet", "bekämt", "gekriegt", "gehörst", "gehört", "gehörtest", "gehörtet",
	"gehörest", "gehöret", "erhältst", "erhält", "erhaltet", "erhielt", "erhieltest",
	"erhieltst", "erhieltet", "erhaltest",
};
static const char *const de_yoast_noun_endings[] = {
	"apparat", "arbeit", "dienst", "haft", "halt", "keit", "kraft", "not", "pflicht",
	"schaft", "schrift", "tät", "wert", "zeit",
};
static const char *const yd_front[] = {"ab", "an", "auf", "aus", "vor", "wieder", "zurück"};
static const char *const yd_insep[] = {"be", "ent", "er", "her", "ver", "zer", "über", "ueber"};

/* Byte length of the character at s[i] when it is one of `ascii` or of
 * multi[0..nm), else 0 (also at the end, i >= n). */
static size_t yd_char_in(const char *s, size_t i, size_t n, const char *ascii,
			 const char *const *multi, size_t nm)
{
	if (i >= n || !s[i])
		return 0;
	if (strchr(ascii, s[i]))
		return 1;
	for (size_t k = 0; k < nm; k++)
		if (strncmp(s + i, multi[k], strlen(multi[k])) == 0)
			return strlen(multi[k]);
	return 0;
}

static const char *const yd_quotes[] = {"»", "«", "‹", "›", "\u00a0", "\u2014", "”", "“", "„",
					"¡", "¿", "–", "’", "‘", "×", "…"};

/* 1 at a word end for the participle shapes: the end or one of these. */
static int yd_end(const char *w, size_t i, size_t n)
{
	return i >= n || yd_char_in(w, i, n, " \n\r\t.,'()\"+-;!?:/<>", yd_quotes, 4);
}

/* Characters around a whole word (auxiliaries, clause words, haben/sein). */
static size_t yd_bound(const char *s, size_t i, size_t n)
{
	return yd_char_in(s, i, n, " \n\r\t.,()\"+-;!?:/<>", yd_quotes, 11);
}

/* Start of the UTF-8 character before byte i of w (i > 0). */
static size_t yd_prev(const char *w, size_t i)
{
	do
		i--;
	while (i > 0 && ((unsigned char)w[i] & 0xc0) == 0x80);
	return i;
}

/* 1 when w[from..n) is "\S+t" (or, with not_st, "\S+([^s]t|sst)") ending at a
 * word end: some 't' with a word end after it and at least one more
 * character between `from` and the letter before it. */
static int yd_tail(const char *w, size_t from, size_t n, int not_st)
{
	for (size_t p = from; p < n; p++) {
		if (w[p] != 't' || !yd_end(w, p + 1, n) || p == from)
			continue;
		if (!not_st)
			return 1;
		size_t q = yd_prev(w, p);
		if (q > from && w[q] != 's')
			return 1;
		if (q > from + 1 && strncmp(w + p - 2, "sst", 3) == 0 && p - 2 > from)
			return 1;
	}
	return 0;
}

/* 1 when the lowercased word w[0..n) has one of Yoast's participle shapes. */
static int yd_shape(const char *w, size_t n)
{
	for (size_t k = 0; k < COUNT(yd_insep); k++) {
		size_t m = strlen(yd_insep[k]);
		if (n > m && strncmp(w, yd_insep[k], m) == 0 && yd_tail(w, m, n, 1))
			return 1;
	}
	if (n > 2 && strncmp(w, "ge", 2) == 0 && yd_tail(w, 2, n, 0))
		return 1;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < COUNT(yd_front); k++) {
			size_t m = strlen(yd_front[k]);
			if (strncmp(w + i, yd_front[k], m) != 0)
				continue;
			if (strncmp(w + i + m, "ge", 2) == 0 && yd_tail(w, i + m + 2, n, 0))
				return 1;
			for (size_t j = 0; j < COUNT(yd_insep); j++) {
				size_t l = strlen(yd_insep[j]);
				if (strncmp(w + i + m, yd_insep[j], l) == 0 &&
				    yd_tail(w, i + m + l, n, 1))
					return 1;
			}
		}
		if (i > 0 && strncmp(w + i, "iert", 4) == 0 && yd_end(w, i + 4, n))
			return 1;
	}
	return 0;
}

static int yd_in(const char *w, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(w, list[i], n) == 0)
			return 1;
	return 0;
}

/* Offset of the first whole word `word` in s[0..n), or n. */
static size_t yd_find(const char *s, size_t n, const char *word)
{
	size_t m = strlen(word);
	for (size_t i = 0; i + m <= n; i++) {
		if (memcmp(s + i, word, m) != 0)
			continue;
		int left = i == 0 || yd_bound(s, yd_prev(s, i), n) || strchr("'`", s[i - 1]) ||
			   (i >= 3 && (strncmp(s + i - 3, "‘", 3) == 0 || strncmp(s + i - 3, "’", 3) == 0));
		int right = i + m == n || yd_bound(s, i + m, n) ||
			    (s[i + m] == '\'' && (i + m + 1 == n || yd_bound(s, i + m + 1, n)));
		if (left && right)
			return i;
	}
	return n;
}

/* 1 when participle w[0..m) survives the exceptions in clause c[0..n). */
static int yd_counts(const char *w, size_t m, const char *c, size_t n)
{
	for (size_t k = 0; k < COUNT(de_yoast_noun_endings); k++) {
		size_t l = strlen(de_yoast_noun_endings[k]);
		for (size_t i = 1; i + l <= m; i++)
			if (memcmp(w + i, de_yoast_noun_endings[k], l) == 0 &&
			    (i + l == m || strchr(" \n\r\t'()\"<>!?+,-./0123456789:;", w[i + l])))
				return 0;
	}
	if (yd_in(w, m, de_yoast_not_participle, COUNT(de_yoast_not_participle)) ||
	    yd_in(w, m, de_yoast_aux_like, COUNT(de_yoast_aux_like)))
		return 0;
	char word[TEXT_WORD_MAX];
	if (m >= sizeof word)
		return 1;
	memcpy(word, w, m);
	word[m] = '\0';
	size_t at = yd_find(c, n, word);
	if (at < n && at + m + 1 < n) {
		const char *after = c + at + m + 1;
		size_t rest = n - (at + m + 1);
		if (yd_find(after, rest, "haben") == 0 || yd_find(after, rest, "sein") == 0)
			return 0;
	}
	return 1;
}

/* Punctuation Yoast strips from both ends of a word. */
static size_t yd_punct(const char *s, size_t i, size_t n)
{
	return yd_char_in(s, i, n, "-()_[]\"'.?!:;,+&<>", yd_quotes, COUNT(yd_quotes));
}

/* Clause c[0..n) (lowercased): offset of its auxiliary when passive, else n. */
static size_t yd_clause(const char *c, size_t n)
{
	size_t aux = n;
	for (size_t k = 0; k < COUNT(de_aux); k++) {
		size_t at = yd_find(c, n, de_aux[k]);
		if (at < aux)
			aux = at;
	}
	if (aux == n)
		return n;
	for (size_t i = 0; i < n; ) {
		while (i < n && isspace((unsigned char)c[i]))
			i++;
		size_t b = i, e;
		while (i < n && !isspace((unsigned char)c[i]))
			i++;
		e = i;
		for (size_t l; b < e && (l = yd_punct(c, b, e)); )
			b += l;
		while (b < e) {
			size_t p = yd_prev(c, e), l = yd_punct(c, p, e);
			if (!l || p + l != e)
				break;
			e = p;
		}
		if (b < e && (yd_shape(c + b, e - b) ||
			      yd_in(c + b, e - b, de_yoast_strong, COUNT(de_yoast_strong))) &&
		    yd_counts(c + b, e - b, c, n))
			return aux;
	}
	return n;
}

/* Length of the clause word (or free-standing colon) at l[i..n), else 0. */
static size_t yd_break_at(const char *l, size_t n, size_t i)
{
	if (i < n && l[i] == ':')
		return i + 1 == n || yd_bound(l, i + 1, n) ? 1 : 0;
	for (size_t k = 0; k < COUNT(de_clause_breaks); k++) {
		size_t m = strlen(de_clause_breaks[k]);
		if (i + m <= n && memcmp(l + i, de_clause_breaks[k], m) == 0 &&
		    (i + m == n || yd_bound(l, i + m, n)))
			return m;
	}
	return 0;
}

/* Lowercase copy of s[0..n): ASCII and Latin-1 capitals, same length. */
static char *yd_lower(const char *s, size_t n)
{
	char *l = malloc(n + 1);
	if (!l)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		l[i] = (char)tolower(ch);
		if (ch == 0xc3 && i + 1 < n) {
			unsigned char nx = (unsigned char)s[i + 1];
			l[++i] = (char)(nx >= 0x80 && nx <= 0x9e && nx != 0x97 ? nx + 0x20 : nx);
		}
	}
	l[n] = '\0';
	return l;
}

int rd_passive_yoast(const char *s, size_t n, enum text_lang lang, size_t *aux)
{
	size_t dummy, cut[WMAX + 2], ncut = 0;
	if (lang == TEXT_LANG_EN)
		return rd_passive(s, n, lang, aux);
	if (!aux)
		aux = &dummy;
	char *l = yd_lower(s, n);
	if (!l)
		return 0;
	/* the clause words in order: at the start or after a boundary character */
	size_t starts_at[WMAX], lens[WMAX], nw = 0;
	for (size_t i = 0, m, bl; i < n && nw < WMAX; i++) {
		if (i == 0 && (m = yd_break_at(l, n, 0))) {
			starts_at[nw] = 0, lens[nw++] = m;
			i = m - 1;
		} else if ((bl = yd_bound(l, i, n)) && (m = yd_break_at(l, n, i + bl))) {
			starts_at[nw] = i, lens[nw++] = bl + m;
			i += bl + m - 1;
		}
	}
	/* each clause runs to the first occurrence of the next break word's text */
	size_t from = 0;
	for (size_t k = 0; k < nw && ncut < WMAX; k++) {
		const char *hit = NULL;
		for (size_t i = from; i + lens[k] <= n && !hit; i++)
			if (memcmp(l + i, l + starts_at[k], lens[k]) == 0)
				hit = l + i;
		if (!hit)
			continue;
		size_t at = (size_t)(hit - l);
		if (at > from)
			cut[ncut++] = at;
		from = at;
		while (from < n && l[from] == ' ')
			from++;
	}
	cut[ncut++] = n;
	int passive = 0;
	for (size_t k = 0, b = 0; k < ncut && !passive; b = cut[k++]) {
		while (b < cut[k] && l[b] == ' ')
			b++;
		size_t a = yd_clause(l + b, cut[k] - b);
		if (a < cut[k] - b) {
			passive = 1;
			*aux = b + a;
		}
	}
	free(l);
	return passive;
}

/* ---- transitions and split points ----------------------------------------- */

/* 1 when the folded sentence f holds phrase p as whole words. */
static int has_phrase(const char *f, const char *p)
{
	size_t m = strlen(p);
	for (const char *q = strstr(f, p); q; q = strstr(q + 1, p)) {
		int left = q == f || strchr(" ,;:(\"'„“»«-", q[-1]);
		int right = q[m] == '\0' || strchr(" ,;:.!?)\"'“»«-", q[m]) ||
			    (p[m - 1] == '.');
		if (left && right)
			return 1;
	}
	return 0;
}

int rd_transition(const char *s, size_t n, enum text_lang lang)
{
	char *f = malloc(n + 1);
	int hit = 0;
	if (!f || text_fold(s, n, f, n + 1) < 0) {
		free(f);
		return 0;
	}
	const char *const *list = lang == TEXT_LANG_EN ? en_transitions : de_transitions;
	size_t cnt = rd_transition_count(lang);
	for (size_t i = 0; i < cnt && !hit; i++)
		hit = has_phrase(f, list[i]);
	free(f);
	return hit;
}

size_t rd_transition_count(enum text_lang lang)
{
	return lang == TEXT_LANG_EN ? COUNT(en_transitions) : COUNT(de_transitions);
}

size_t rd_split_point(const char *s, size_t n, enum text_lang lang)
{
	text_tokens_t t = {0};
	size_t words = 0, best = 0, best_d = (size_t)-1, w = 0;
	if (text_tokenize(s, n, &t) < 0)
		return 0;
	for (size_t i = 0; i < t.n; i++)
		words += t.v[i].kind != TEXT_TOK_PUNCT;
	for (size_t i = 0; i + 1 < t.n; i++) {
		char f[TEXT_WORD_MAX];
		size_t at = 0;
		if (t.v[i].kind == TEXT_TOK_PUNCT && strchr(",;:", s[t.v[i].off]) &&
		    t.v[i + 1].kind != TEXT_TOK_PUNCT)
			at = t.v[i + 1].off;
		else if (t.v[i].kind == TEXT_TOK_WORD && fold_tok(s, &t.v[i], f, sizeof f) == 0 &&
			 (lang == TEXT_LANG_EN ? in_list(f, en_split_words, COUNT(en_split_words)) :
			  in_list(f, de_split_words, COUNT(de_split_words))))
			at = t.v[i].off;
		w += t.v[i].kind != TEXT_TOK_PUNCT;
		if (!at || w < 4 || words - w < 4)
			continue;
		size_t d = w > words / 2 ? w - words / 2 : words / 2 - w;
		if (d < best_d)
			best = at, best_d = d;
	}
	text_tokens_free(&t);
	return best;
}

/* ---- the document ------------------------------------------------------------ */

double rd_flesch(size_t words, size_t sentences, size_t syllables, enum text_lang lang)
{
	if (words == 0)
		return 0;
	double asl = (double)words / (sentences ? sentences : 1);
	double asw = (double)syllables / (double)words;
	if (lang == TEXT_LANG_EN)
		return 206.835 - 1.015 * asl - 84.6 * asw;
	return 180.0 - asl - 58.5 * asw;
}

static int push_block(rd_doc_t *d, size_t off, size_t len, int heading)
{
	if (d->nblocks >= RD_BLOCKS_MAX)
		return -1;
	if (d->nblocks % 64 == 0) {
		rd_block_t *b = realloc(d->blocks, (d->nblocks + 64) * sizeof *b);
		if (!b)
			return -1;
		d->blocks = b;
	}
	d->blocks[d->nblocks++] = (rd_block_t){.off = off, .len = len, .heading = heading};
	return 0;
}

/* Lines into blocks: "## text" a level-2 heading, other non-blank lines paragraphs. */
static int split_blocks(rd_doc_t *d)
{
	for (size_t i = 0; i < d->n; ) {
		const char *nl = memchr(d->s + i, '\n', d->n - i);
		size_t end = nl ? (size_t)(nl - d->s) : d->n, a = i, level = 0;
		while (a < end && strchr(" \t\r", d->s[a]))
			a++;
		while (a + level < end && d->s[a + level] == '#' && level < 7)
			level++;
		int heading = level >= 1 && level <= 6 && a + level < end && d->s[a + level] == ' ';
		if (heading)
			a += level + 1;
		size_t z = end;
		while (z > a && strchr(" \t\r", d->s[z - 1]))
			z--;
		if (z > a && push_block(d, a, z - a, heading ? (int)level : 0) < 0)
			return -1;
		i = end + 1;
	}
	return 0;
}

static int push_sentence(rd_doc_t *d, const rd_sentence_t *x)
{
	if (d->nsent >= RD_SENTENCES_MAX)
		return -1;
	if (d->nsent % 256 == 0) {
		rd_sentence_t *v = realloc(d->sent, (d->nsent + 256) * sizeof *v);
		if (!v)
			return -1;
		d->sent = v;
	}
	d->sent[d->nsent++] = *x;
	return 0;
}

/* Words, syllables and the opening word(s) of one sentence: the first word,
 * or the first two when the first is an article or a number word. */
/* A word of digits and hyphens ("2023-02-04"): a number to Yoast. */
static int digits_only(const char *s, const text_token_t *t)
{
	if (t->kind != TEXT_TOK_WORD)
		return 0;
	for (size_t i = 0; i < t->len; i++)
		if (!isdigit((unsigned char)s[t->off + i]) && s[t->off + i] != '-')
			return 0;
	return 1;
}

/* 1 when s[a..b), between two tokens, is punctuation without a space. */
static int joins_word(const char *s, size_t a, size_t b)
{
	if (a >= b)
		return 0;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
			return 0;
		if (c == 0xC2 && i + 1 < b && (unsigned char)s[i + 1] == 0xA0)
			return 0;       /* no-break space */
		if (c == 0xE2 && i + 2 < b && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] <= 0x8A || (unsigned char)s[i + 2] == 0xAF))
			return 0;       /* the spaces of U+2000..U+200A, U+202F */
	}
	return 1;
}

static int measure(const char *s, size_t n, enum text_lang lang, rd_sentence_t *x)
{
	text_tokens_t t = {0};
	char w[2][TEXT_WORD_MAX] = {"", ""};
	if (text_tokenize(s, n, &t) < 0)
		return -1;
	size_t prev_end = 0;
	for (size_t i = 0; i < t.n; i++) {
		if (t.v[i].kind == TEXT_TOK_PUNCT)
			continue;
		/* what is written without a space is one word, as Yoast splits
		 * words at spaces: a path, a file name, a slash list, a manual
		 * page ("/etc/hosts", "rsyslog.conf", "dh_install",
		 * "Zwecke/Netze/Orte", "ps(1)", "2023-02-04") */
		int joined = prev_end && joins_word(s, prev_end, t.v[i].off);
		prev_end = t.v[i].off + t.v[i].len;
		if (t.v[i].kind == TEXT_TOK_WORD)
			x->syllables += (unsigned)text_syllables(s + t.v[i].off, t.v[i].len, lang);
		if (joined)
			continue;
		if (x->words < 2 && fold_tok(s, &t.v[i], w[x->words], sizeof w[0]) < 0)
			w[x->words][0] = '\0';
		x->words++;
		x->numbers += t.v[i].kind == TEXT_TOK_NUMBER || digits_only(s, &t.v[i]);
	}
	int pair = *w[1] && (lang == TEXT_LANG_EN ?
		in_list(w[0], en_first_exceptions, COUNT(en_first_exceptions)) :
		in_list(w[0], de_first_exceptions, COUNT(de_first_exceptions)));
	/* opening words longer than the field are cut: they only compare openings */
	if (snprintf(x->first, sizeof x->first, "%s%s%s", w[0], pair ? " " : "",
		     pair ? w[1] : "") >= (int)sizeof x->first)
		x->first[sizeof x->first - 1] = '\0';
	text_tokens_free(&t);
	return 0;
}

/* The sentences of block b, measured. */
static int block_sentences(rd_doc_t *d, size_t b)
{
	rd_block_t *bl = &d->blocks[b];
	text_spans_t sp = {0};
	int rc = -1;
	if (text_sentences(d->s + bl->off, bl->len, &sp) < 0)
		goto out;
	bl->first_sentence = d->nsent;
	for (size_t i = 0; i < sp.n; i++) {
		rd_sentence_t x = {.off = bl->off + sp.v[i].off, .len = sp.v[i].len, .block = b};
		const char *p = d->s + x.off;
		if (measure(p, x.len, d->lang, &x) < 0)
			goto out;
		if (x.words == 0)
			continue;
		x.passive = rd_passive_yoast(p, x.len, d->lang, &x.passive_aux);
		if (x.passive)
			x.passive_aux += x.off;
		x.passive_grammar = rd_passive(p, x.len, d->lang, &x.grammar_aux);
		if (x.passive_grammar)
			x.grammar_aux += x.off;
		x.transition = rd_transition(p, x.len, d->lang);
		if (x.words > RD_LONG_SENTENCE) {
			size_t at = rd_split_point(p, x.len, d->lang);
			x.split = at ? x.off + at : 0;
		}
		bl->words += x.words;
		if (push_sentence(d, &x) < 0)
			goto out;
	}
	bl->nsentences = d->nsent - bl->first_sentence;
	rc = 0;
out:
	text_spans_free(&sp);
	return rc;
}

/* Runs of RD_SAME_START_RUN or more sentences opening alike, per block kind. */
static void same_starts(rd_doc_t *d)
{
	for (size_t i = 0; i < d->nsent; ) {
		size_t j = i + 1;
		while (j < d->nsent && *d->sent[i].first &&
		       strcmp(d->sent[j].first, d->sent[i].first) == 0)
			j++;
		if (j - i >= RD_SAME_START_RUN) {
			d->same_start_runs++;
			for (size_t k = i; k < j; k++)
				d->sent[k].same_start = 1;
		}
		i = j;
	}
}

/* Totals, longest paragraph and the sections between subheadings. */
static void totals(rd_doc_t *d)
{
	unsigned section = 0;
	for (size_t b = 0; b < d->nblocks; b++) {
		const rd_block_t *bl = &d->blocks[b];
		if (bl->heading) {
			d->headings++;
			section = 0;
			continue;
		}
		d->paragraphs++;
		if (bl->words > d->longest_paragraph)
			d->longest_paragraph = bl->words;
		section += bl->words;
		if (section > d->longest_section)
			d->longest_section = section;
		if (section > RD_SECTION_MAX && section - bl->words <= RD_SECTION_MAX)
			d->sections_over++;
	}
	for (size_t i = 0; i < d->nsent; i++) {
		const rd_sentence_t *x = &d->sent[i];
		d->words += x->words;
		d->syllables += x->syllables;
		d->numbers += x->numbers;
		d->long_sentences += x->words > RD_LONG_SENTENCE;
		d->passive += x->passive != 0;
		d->passive_beyond += x->passive_grammar && !x->passive;
		d->transitions += x->transition != 0;
	}
	/* Yoast strips numbers before it counts words for reading ease */
	d->flesch = rd_flesch(d->words - d->numbers, d->nsent, d->syllables, d->lang);
}

int rd_analyze(const char *s, size_t n, enum text_lang lang, rd_doc_t *d)
{
	memset(d, 0, sizeof *d);
	d->s = s;
	d->n = n;
	d->lang = lang == TEXT_LANG_EN ? TEXT_LANG_EN : TEXT_LANG_DE;
	if (split_blocks(d) < 0)
		goto fail;
	for (size_t b = 0; b < d->nblocks; b++)
		if (block_sentences(d, b) < 0)
			goto fail;
	same_starts(d);
	totals(d);
	return 0;
fail:
	rd_free(d);
	return -1;
}

void rd_free(rd_doc_t *d)
{
	free(d->blocks);
	free(d->sent);
	memset(d, 0, sizeof *d);
}
