/* test_entity.c - entity SEO computations: overlap resolution, positions in
 * code points, paragraphs, salience, co-occurrence, dominant cluster and
 * greedy-modularity communities, on German text; the PCRE2 pattern of an
 * entity's surface forms against German compounds and other senses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "entity.h"

#include "testutil.h"

/* Byte offset of the first occurrence of needle in s. */
static size_t at(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);
	assert_non_null(p);
	return (size_t)(p - s);
}

static void test_resolve(void **state)
{
	(void)state;
	/* "Agri-Photovoltaik" (entity 3) beats the inner "Photovoltaik" (entity 0);
	 * at the same start the longer "Luft-Wasser-Wärmepumpe" wins. */
	entity_hit_t h[] = {
		{0, 5, 17, 0}, {3, 0, 17, 0}, {1, 30, 37, 0}, {2, 30, 53, 0}, {1, 60, 67, 0},
		{4, 60, 67, 0},
	};
	size_t n = entity_hits_resolve(h, 6);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].entity, 3);
	assert_int_equal(h[1].entity, 2);
	assert_int_equal(h[2].entity, 1);        /* same span: lower entity */
	assert_int_equal(entity_hits_resolve(h, 0), 0);
}

static void test_positions(void **state)
{
	(void)state;
	const char *s = "Größere Wärmepumpen in München: Wärmepumpe";
	entity_hit_t h[] = {
		{0, at(s, "Wärmepumpen"), at(s, "Wärmepumpen") + 12, 0},
		{1, at(s, "München"), at(s, "München") + 8, 0},
	};
	entity_hits_positions(s, strlen(s), h, 2);
	assert_int_equal(h[0].pos, 8);   /* "Größere " is 8 code points, 10 bytes */
	assert_int_equal(h[1].pos, 23);
}

static void test_paragraphs(void **state)
{
	(void)state;
	text_spans_t p = {0};
	const char *blank = "Erster Absatz.\nNoch erster.\n\n  \nZweiter Absatz.\n\nDritter.";
	assert_int_equal(entity_paragraphs(blank, strlen(blank), &p), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.v[0].off, 0);
	assert_int_equal(p.v[0].len, strlen("Erster Absatz.\nNoch erster."));
	assert_int_equal(p.v[1].off, at(blank, "Zweiter"));
	text_spans_free(&p);
	const char *lines = "Photovoltaik\nEine Anlage lohnt sich.\n\r\nx";
	memset(&p, 0, sizeof(p));
	assert_int_equal(entity_paragraphs(lines, strlen(lines), &p), 0);
	assert_int_equal(p.n, 2);                 /* "\n\r\n" is a blank line: split there only */
	text_spans_free(&p);
	const char *single = "Titel\nDer erste richtige Absatz mit Text.\nZweiter.";
	memset(&p, 0, sizeof(p));
	assert_int_equal(entity_paragraphs(single, strlen(single), &p), 0);
	assert_int_equal(p.n, 3);
	const char *heads[] = {"Titel"};
	assert_int_equal(entity_first_paragraph(single, &p, heads, 1), 1);
	text_spans_free(&p);
	memset(&p, 0, sizeof(p));
	assert_int_equal(entity_first_paragraph("", &p, NULL, 0), -1);
}

static void test_salience(void **state)
{
	(void)state;
	entity_score_t s[] = {
		{2, 1, 0, 1, 0, 0},     /* Photovoltaik: title, first paragraph */
		{3, 0, 0, 0, 0, 0},     /* Batteriespeicher: 3 mentions */
		{1, 0, 0, 0, 0, 0},     /* KfW */
	};
	entity_salience(s, 3);
	double r0 = log(3) + 3 + 1.5, r1 = log(4), r2 = log(2), t = r0 + r1 + r2;
	assert_near(s[0].salience, r0 / t, 1e-12);
	assert_near(s[1].salience, r1 / t, 1e-12);
	assert_near(s[2].salience, r2 / t, 1e-12);
	assert_true(s[0].main);
	assert_false(s[1].main);                /* 3 mentions but salience < 0.25 */
	assert_false(s[2].main);
	entity_score_t alone[] = {{3, 0, 0, 0, 0, 0}};
	entity_salience(alone, 1);
	assert_near(alone[0].salience, 1, 1e-12);
	assert_true(alone[0].main);
	entity_salience(NULL, 0);
}

static void test_cooccur(void **state)
{
	(void)state;
	const char *s = "Die KfW fördert Wärmepumpen. Der Batteriespeicher erhöht den Eigenverbrauch.\n\n"
			"Wärmepumpen und Batteriespeicher in München. KfW-Kredit für die Wärmepumpe.";
	text_spans_t sent = {0}, para = {0};
	assert_int_equal(text_sentences(s, strlen(s), &sent), 0);
	assert_int_equal(entity_paragraphs(s, strlen(s), &para), 0);
	assert_int_equal(sent.n, 4);
	assert_int_equal(para.n, 2);
	/* 0 KfW, 1 Wärmepumpe, 2 Batteriespeicher, 3 Eigenverbrauch, 4 München */
	size_t off2 = at(s, "\n\n");
	entity_hit_t h[] = {
		{0, at(s, "KfW"), 0, 0}, {1, at(s, "Wärmepumpen"), 0, 0},
		{2, at(s, "Batteriespeicher"), 0, 0}, {3, at(s, "Eigenverbrauch"), 0, 0},
		{1, off2 + 2, 0, 0}, {2, off2 + at(s + off2, "Batteriespeicher"), 0, 0},
		{4, off2 + at(s + off2, "München"), 0, 0}, {0, off2 + at(s + off2, "KfW-"), 0, 0},
		{1, off2 + at(s + off2, "Wärmepumpe."), 0, 0},
	};
	entity_pair_t *p;
	size_t n;
	assert_int_equal(entity_cooccur(h, 9, &sent, &para, &p, &n), 0);
	/* expected (a, b, sentences, paragraphs), sorted */
	static const unsigned want[][4] = {
		{0, 1, 2, 2}, {0, 2, 0, 2}, {0, 3, 0, 1}, {0, 4, 0, 1}, {1, 2, 1, 2},
		{1, 3, 0, 1}, {1, 4, 1, 1}, {2, 3, 1, 1}, {2, 4, 1, 1},
	};
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(p[i].a, want[i][0]);
		assert_int_equal(p[i].b, want[i][1]);
		assert_int_equal(p[i].sentences, want[i][2]);
		assert_int_equal(p[i].paragraphs, want[i][3]);
	}
	free(p);
	assert_int_equal(entity_cooccur(h, 0, &sent, &para, &p, &n), 0);
	assert_int_equal(n, 0);
	free(p);
	text_spans_free(&sent);
	text_spans_free(&para);
}

static void test_cooccur_many(void **state)
{
	(void)state;
	/* 2000 one-line paragraphs of the same 40 entities: the pair list stays
	 * compact and every pair counts 2000 paragraphs. */
	enum { LINES = 2000, ENT = 40 };
	text_spans_t para = {0};
	entity_hit_t *h = calloc(LINES * ENT, sizeof(*h));
	para.v = calloc(LINES, sizeof(*para.v));
	assert_non_null(h);
	assert_non_null(para.v);
	para.n = para.cap = LINES;
	for (size_t l = 0; l < LINES; l++) {
		para.v[l] = (text_span_t){l * 100, 99};
		for (size_t e = 0; e < ENT; e++)
			h[l * ENT + e] = (entity_hit_t){ENT - 1 - e, l * 100 + e * 2, l * 100 + e * 2 + 1, 0};
	}
	entity_pair_t *p;
	size_t n;
	assert_int_equal(entity_cooccur(h, LINES * ENT, NULL, &para, &p, &n), 0);
	assert_int_equal(n, ENT * (ENT - 1) / 2);
	assert_int_equal(p[0].a, 0);
	assert_int_equal(p[0].b, 1);
	assert_int_equal(p[n - 1].paragraphs, LINES);
	assert_int_equal(p[n - 1].sentences, 0);
	free(p);
	free(h);
	free(para.v);
}

static void test_dominant(void **state)
{
	(void)state;
	/* clusters: 0 foerderung, 1 regionen (no core), 2 speicher, 3 waerme */
	const unsigned char eligible[] = {1, 0, 1, 1};
	size_t cl[] = {1, 2, 3, 3, 0};
	double sal[] = {0.4, 0.2, 0.1, 0.1, 0.2};
	assert_int_equal(entity_dominant(cl, sal, 5, eligible, 4), 0);  /* 0.2 ties 0.2: lower */
	sal[3] = 0.15;
	assert_int_equal(entity_dominant(cl, sal, 5, eligible, 4), 3);
	size_t only_places[] = {1};
	assert_int_equal(entity_dominant(only_places, sal, 1, eligible, 4), -1);
	assert_int_equal(entity_dominant(NULL, NULL, 0, eligible, 4), -1);
}

static void test_communities(void **state)
{
	(void)state;
	/* Two triangles (0-1-2: speicher, 3-4-5: waerme) joined by one weak edge,
	 * and node 6 without edges. */
	entity_edge_t e[] = {
		{0, 1, 3}, {1, 2, 3}, {0, 2, 3}, {3, 4, 2}, {4, 5, 2}, {3, 5, 2}, {2, 3, 1},
		{1, 1, 5},      /* self-loop: ignored */
	};
	size_t c[7];
	double q;
	int k = entity_communities(7, e, 8, c, &q);
	assert_int_equal(k, 3);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[1], 0);
	assert_int_equal(c[2], 0);
	assert_int_equal(c[3], 1);
	assert_int_equal(c[4], 1);
	assert_int_equal(c[5], 1);
	assert_int_equal(c[6], 2);
	/* Q = sum over communities of (e_cc - a_c^2); 2m = 32 */
	double m2 = 32, q_want = (18 / m2 - pow(19 / m2, 2)) + (12 / m2 - pow(13 / m2, 2));
	assert_near(q, q_want, 1e-12);
	/* deterministic: the same answer on a second run */
	size_t c2[7];
	assert_int_equal(entity_communities(7, e, 8, c2, NULL), 3);
	assert_memory_equal(c, c2, sizeof(c));
	/* no edges: singletons, Q = 0 */
	assert_int_equal(entity_communities(3, NULL, 0, c, &q), 3);
	assert_near(q, 0, 1e-12);
	assert_int_equal(entity_communities(ENTITY_GRAPH_MAX + 1, NULL, 0, c, &q), -1);
}

/* ---- surface forms, shaped like the rows of sql/011_entity_aliases.sql ---------- */

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const pv_alias[] = {
	"Photovoltaik(?:anlagen?)?", "PV-Anlagen?", "Solaranlagen?", "(?-i:PV)",
};
static const char *const pv_head[] = {"photovoltaik(?:anlagen?)?", "solaranlagen?"};
static const char *const pv_mod[] = {"Photovoltaik", "Solaranlage"};
static const entity_forms_t pv = {pv_alias, pv_head, pv_mod, NULL, NULL,
				  N(pv_alias), N(pv_head), N(pv_mod), 0, 0};

static const char *const bs_alias[] = {
	"Batteriespeicher[ns]?", "Solarstromspeicher[ns]?", "(?-i:S)peicher[ns]?",
};
static const char *const bs_head[] = {"speicher[ns]?"};
static const char *const bs_mod[] = {"Batteriespeicher", "(?-i:S)peicher"};
static const char *const bs_after[] = {"arbeits", "haupt", "daten", "usb", "wärme", "wasser"};
static const char *const bs_before[] = {"karte", "platz", "stick"};
static const entity_forms_t bs = {bs_alias, bs_head, bs_mod, bs_after, bs_before,
				  N(bs_alias), N(bs_head), N(bs_mod), N(bs_after), N(bs_before)};

static const char *const mod_alias[] = {"Solarmodul(?:e|en|s)?", "PV-Modul(?:e|en|s)?"};
static const char *const mod_head[] = {"modul(?:e|en|s)?"};
static const char *const mod_after[] = {"software", "wlan", "lern"};
static const entity_forms_t modul = {mod_alias, mod_head, NULL, mod_after, NULL,
				     N(mod_alias), N(mod_head), 0, N(mod_after), 0};

static pcre2_code *compile(const entity_forms_t *f)
{
	int code;
	PCRE2_SIZE off;
	char *p = entity_pattern(f);
	assert_non_null(p);
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_CASELESS | PCRE2_UCP, &code, &off, NULL);
	if (!re)
		fail_msg("pattern does not compile at %zu: %s", (size_t)off, p);
	free(p);
	return re;
}

/* The first match of re in s: its text into got (empty when none). */
static void first_match(pcre2_code *re, const char *s, char *got, size_t size)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	assert_non_null(md);
	got[0] = '\0';
	if (pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL) >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t len = ov[1] - ov[0] < size - 1 ? ov[1] - ov[0] : size - 1;
		memcpy(got, s + ov[0], len);
		got[len] = '\0';
	}
	pcre2_match_data_free(md);
}

struct form_case {
	const char *text, *want;        /* want: the matched part, "" for none */
};

static void check_forms(const entity_forms_t *f, const struct form_case *c, size_t n)
{
	pcre2_code *re = compile(f);
	char got[128];
	for (size_t i = 0; i < n; i++) {
		first_match(re, c[i].text, got, sizeof(got));
		if (strcmp(got, c[i].want) != 0)
			fail_msg("\"%s\": matched \"%s\", want \"%s\"", c[i].text, got, c[i].want);
	}
	pcre2_code_free(re);
}

static void test_forms_photovoltaik(void **state)
{
	(void)state;
	static const struct form_case c[] = {
		{"Förderung für PV-Großanlagen", "PV"},
		{"Gewerbe-PV lohnt sich", "PV"},
		{"Dach-PV und Speicher", "PV"},
		{"Eine PV-Anlage mit 10 kWp", "PV-Anlage"},
		{"zwei PV-Anlagen", "PV-Anlagen"},
		{"die Solaranlagenförderung", "Solaranlage"},   /* + Fugen-n */
		{"Photovoltaikförderung 2025", "Photovoltaik"},
		{"Dachphotovoltaik", "photovoltaik"},
		{"Freiflächen-Photovoltaikanlagen", "Photovoltaikanlagen"},
		{"Photovoltaik", "Photovoltaik"},
		{"GPV und PVC", ""},                            /* not inside other words */
		{"die pv oder Pv", ""},                         /* PV only in capitals */
		{"Photovoltaiks", ""},
	};
	check_forms(&pv, c, N(c));
}

static void test_forms_speicher(void **state)
{
	(void)state;
	static const struct form_case c[] = {
		{"Ein Speicher lohnt sich", "Speicher"},
		{"die Kapazität des Speichers", "Speichers"},
		{"Solarstromspeicher im Keller", "Solarstromspeicher"},
		{"Großspeicher für Gewerbe", "speicher"},
		{"der Premium-Speicher", "Speicher"},
		{"Speichersystem und Speicherförderung", "Speicher"},
		{"Speicher-Förderung", "Speicher"},
		{"mit Hausspeichern", "speichern"},
		/* the memory-chip and heating senses are other entities */
		{"16 GB Arbeitsspeicher", ""},
		{"der Arbeits-Speicher", ""},
		{"Hauptspeicher, Datenspeicher, USB-Speicher", ""},
		{"eine Speicherkarte, die Speicher-Karte, der Speicherplatz", ""},
		{"Warmwasserspeicher und Wärmespeicher", ""},
		/* the verb is not the noun */
		{"Solarstrom speichern", ""},
		{"Datenspeicherung", ""},
	};
	check_forms(&bs, c, N(c));
}

static void test_forms_modul(void **state)
{
	(void)state;
	static const struct form_case c[] = {
		{"Premium-Module von Meyer Burger", "Module"},
		{"Hochleistungsmodule", "module"},
		{"Glas-Glas-Module", "Module"},
		{"24 Solarmodule", "Solarmodule"},
		{"neue PV-Module", "PV-Module"},
		{"Module", ""},                                 /* alone too vague */
		{"ein Softwaremodul, das WLAN-Modul", ""},
		{"Modulation", ""},
	};
	check_forms(&modul, c, N(c));
}

/* Every branch costs a bounded number of steps per start position: a long
 * word neither matches nor runs into a small backtracking limit. */
static void test_forms_linear(void **state)
{
	(void)state;
	size_t n = 200000;
	char *s = malloc(n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		s[i] = "speicherx"[i % 9];
	s[n] = '\0';
	pcre2_code *re = compile(&bs);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	assert_non_null(md);
	assert_non_null(mc);
	pcre2_set_match_limit(mc, 100);
	assert_int_equal(pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, mc), PCRE2_ERROR_NOMATCH);
	pcre2_match_context_free(mc);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	free(s);
}

static void test_forms_invalid(void **state)
{
	(void)state;
	static const char *const none[] = {""};
	static const char *const alias[] = {"Speicher"};
	entity_forms_t f = {NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0};
	assert_null(entity_pattern(&f));                /* nothing to match */
	f.alias = alias;
	f.n_alias = 1;
	f.not_after = none;
	f.n_not_after = 1;
	assert_null(entity_pattern(&f));                /* an empty sense part */
	/* sense parts are literal: "(" is no group */
	static const char *const paren[] = {"a(b"};
	f.not_after = paren;
	pcre2_code *re = compile(&f);
	char got[32];
	first_match(re, "a(b-Speicher", got, sizeof(got));
	assert_string_equal(got, "");
	first_match(re, "ab-Speicher", got, sizeof(got));
	assert_string_equal(got, "Speicher");
	pcre2_code_free(re);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_paragraphs),
		cmocka_unit_test(test_salience),
		cmocka_unit_test(test_cooccur),
		cmocka_unit_test(test_cooccur_many),
		cmocka_unit_test(test_dominant),
		cmocka_unit_test(test_communities),
		cmocka_unit_test(test_forms_photovoltaik),
		cmocka_unit_test(test_forms_speicher),
		cmocka_unit_test(test_forms_modul),
		cmocka_unit_test(test_forms_linear),
		cmocka_unit_test(test_forms_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
