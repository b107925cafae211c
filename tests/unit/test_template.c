/* test_template.c - the drafts' template engine: escaping, missing
 * variables, conditionals, loops, German number and date filters, syntax
 * errors with their line, caps, and the per-paragraph fact trace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "template.h"

#include "testutil.h"

/* Renders src with the JSON context ctx; returns the text (static buffer)
 * or the error prefixed "ERROR: ". */
static const char *render(const char *src, const char *ctx, json_t **missing)
{
	static char out[4096];
	json_t *c = json_loads(ctx, 0, NULL);
	tpl_result_t r;
	assert_non_null(c);
	if (tpl_render(src, strlen(src), c, &r) == 0)
		snprintf(out, sizeof out, "%s", r.text);
	else
		snprintf(out, sizeof out, "ERROR: %s", r.error);
	if (missing)
		*missing = json_incref(r.missing);
	tpl_result_free(&r);
	json_decref(c);
	return out;
}

static void test_variables_escaped(void **state)
{
	(void)state;
	assert_string_equal(render("Hallo {{ name }}!", "{\"name\": \"Welt\"}", NULL), "Hallo Welt!");
	assert_string_equal(render("{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"tief\"}}}", NULL), "tief");
	assert_string_equal(render("{{ x }}", "{\"x\": \"<script>alert('x')</script> & \\\"\"}",
				   NULL),
			    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;");
	assert_string_equal(render("{{ n }}/{{ f }}/{{ b }}", "{\"n\": 42, \"f\": 2.5, \"b\": true}",
				   NULL), "42/2.5/ja");
	assert_string_equal(render("{{ l.1 }}", "{\"l\": [\"a\", \"b\"]}", NULL), "b");
	assert_string_equal(render("Ein { und ein } bleiben", "{}", NULL), "Ein { und ein } bleiben");
	assert_string_equal(render("Umlaute: {{ s }}", "{\"s\": \"Größe\"}", NULL), "Umlaute: Größe");
}

static void test_missing(void **state)
{
	(void)state;
	json_t *m = NULL;
	assert_string_equal(render("In {{ stadt }} mit {{ ort.plz }} und {{ stadt }}", "{}", &m),
			    "In [fehlt: stadt] mit [fehlt: ort.plz] und [fehlt: stadt]");
	assert_int_equal(json_array_size(m), 2);
	assert_string_equal(json_string_value(json_array_get(m, 0)), "stadt");
	assert_string_equal(json_string_value(json_array_get(m, 1)), "ort.plz");
	json_decref(m);
	/* null is missing too; an if over a missing value is simply false */
	assert_string_equal(render("{{ x }}", "{\"x\": null}", &m), "[fehlt: x]");
	json_decref(m);
	assert_string_equal(render("{% if x %}ja{% else %}nein{% endif %}", "{}", &m), "nein");
	assert_int_equal(json_array_size(m), 0);
	json_decref(m);
}

static void test_conditionals(void **state)
{
	(void)state;
	static const struct { const char *ctx, *want; } cases[] = {
		{"{\"x\": 1}", "A"}, {"{\"x\": 0}", "B"}, {"{\"x\": \"\"}", "B"},
		{"{\"x\": []}", "B"}, {"{\"x\": [0]}", "A"}, {"{\"x\": false}", "B"},
		{"{\"x\": \"nein\"}", "A"}, {"{}", "B"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(render("{% if x %}A{% else %}B{% endif %}", cases[i].ctx, NULL),
				    cases[i].want);
	assert_string_equal(render("{% if not x %}leer{% endif %}", "{}", NULL), "leer");
	assert_string_equal(render("{% if a %}{% if b %}ab{% else %}a{% endif %}{% endif %}",
				   "{\"a\": 1, \"b\": 0}", NULL), "a");
	/* a branch not taken is not rendered: its missing variables are not listed */
	json_t *m = NULL;
	assert_string_equal(render("{% if a %}{{ nope }}{% endif %}ok", "{}", &m), "ok");
	assert_int_equal(json_array_size(m), 0);
	json_decref(m);
}

static void test_loops(void **state)
{
	(void)state;
	assert_string_equal(render("{% for r in rs %}{{ loop.index }}. {{ r.name }}{% if not loop.last %}, "
				   "{% endif %}{% endfor %}",
				   "{\"rs\": [{\"name\": \"Anna\"}, {\"name\": \"Ben\"}, {\"name\": \"C&D\"}]}",
				   NULL), "1. Anna, 2. Ben, 3. C&amp;D");
	assert_string_equal(render("[{% for x in xs %}{{ x }}{% endfor %}]", "{\"xs\": []}", NULL), "[]");
	assert_string_equal(render("[{% for x in xs %}{{ x }}{% endfor %}]", "{}", NULL), "[]");
	assert_string_equal(render("{% for a in as %}{% for b in a.bs %}{{ a.n }}{{ b }}{% endfor %};"
				   "{% endfor %}", "{\"as\": [{\"n\": 1, \"bs\": [\"x\", \"y\"]}, "
				   "{\"n\": 2, \"bs\": [\"z\"]}]}", NULL), "1x1y;2z;");
	/* the loop variable hides a context value of the same name, only inside */
	assert_string_equal(render("{{ x }}{% for x in xs %}{{ x }}{% endfor %}{{ x }}",
				   "{\"x\": \"o\", \"xs\": [1, 2]}", NULL), "o12o");
	assert_string_equal(render("{% for x in s %}{% endfor %}", "{\"s\": \"abc\"}", NULL),
			    "ERROR: line 1: {% for x in s %}: s is not a list");
}

static void test_filters(void **state)
{
	(void)state;
	static const struct { const char *src, *ctx, *want; } cases[] = {
		{"{{ n | zahl }}", "{\"n\": 1234567}", "1.234.567"},
		{"{{ n | zahl }}", "{\"n\": 1234.5}", "1.234,5"},
		{"{{ n | zahl }}", "{\"n\": 0.125}", "0,13"},
		{"{{ n | zahl:1 }}", "{\"n\": 9.96}", "10,0"},
		{"{{ n | zahl:2 }}", "{\"n\": -1234.5}", "-1.234,50"},
		{"{{ n | zahl }}", "{\"n\": -0.001}", "0"},
		{"{{ n | zahl }}", "{\"n\": 999}", "999"},
		{"{{ n | zahl }}", "{\"n\": 1000}", "1.000"},
		{"{{ n | zahl }}", "{\"n\": \"4711\"}", "4.711"},
		{"{{ n | prozent }}", "{\"n\": 12.5}", "12,5 %"},
		{"{{ d | datum }}", "{\"d\": \"2025-03-01\"}", "1. März 2025"},
		{"{{ d | datum }}", "{\"d\": \"2024-12-24T18:00:00+01:00\"}", "24. Dezember 2024"},
		{"{{ d | datum_kurz }}", "{\"d\": \"2024-02-29\"}", "29.02.2024"},
		{"{{ d | datum }}", "{\"d\": \"2023-02-29\"}",
		 "ERROR: line 1: datum of d needs an ISO date (2025-04-02)"},
		{"{{ n | zahl }}", "{\"n\": \"viel\"}", "ERROR: line 1: zahl of n needs a number"},
		{"{{ n | zahl }}", "{}", "[fehlt: n]"},
		{"{{ n | gross }}", "{\"n\": 1}",
		 "ERROR: line 1: unknown filter 'gross' (zahl, prozent, datum, datum_kurz)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(render(cases[i].src, cases[i].ctx, NULL), cases[i].want) != 0)
			fail_msg("%s with %s: '%s', want '%s'", cases[i].src, cases[i].ctx,
				 render(cases[i].src, cases[i].ctx, NULL), cases[i].want);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	static const struct { const char *src, *want; } cases[] = {
		{"a\n{{ x", "line 2: {{ is not closed by }}"},
		{"{% if x %}a", "line 1: {% if x %} is not closed by {% endif %}"},
		{"a\nb\n{% endif %}", "line 3: {% endif %} without its opening tag"},
		{"{% for x in xs %}{% endif %}", "line 1: {% for x in xs %} is not closed by {% endfor %}"},
		{"{% if x %}{% else %}{% else %}{% endif %}", "line 1: {% if x %} is not closed by {% endif %}"},
		{"{% while x %}", "line 1: unknown tag {% while x %} (if, else, endif, for, endfor)"},
		{"{{ 1x }}", "line 1: '1x' is not a variable name (letters, digits, _ and .)"},
		{"{{ a..b }}", "line 1: 'a..b' is not a variable name (letters, digits, _ and .)"},
		{"{{ x; DROP TABLE drafts }}", "line 1: 'x; DROP TABLE drafts' is not a variable name "
		 "(letters, digits, _ and .)"},
		{"{% for x of xs %}{% endfor %}", "line 1: write {% for item in list %}"},
		{"{% if %}{% endif %}", "line 1: unknown tag {% if %} (if, else, endif, for, endfor)"},
		/* errors inside a branch not taken are errors all the same */
		{"{% if nie %}{{ bad name }}{% endif %}", "line 1: 'bad name' is not a variable name "
		 "(letters, digits, _ and .)"},
	};
	char err[200];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = render(cases[i].src, "{}", NULL);
		if (strncmp(got, "ERROR: ", 7) != 0 || strcmp(got + 7, cases[i].want) != 0)
			fail_msg("%s: '%s', want '%s'", cases[i].src, got, cases[i].want);
		assert_int_equal(tpl_check(cases[i].src, strlen(cases[i].src), err, sizeof err), -1);
		assert_string_equal(err, cases[i].want);
	}
	const char *good = "{% if a %}{{ b | zahl }}{% endif %}";
	assert_int_equal(tpl_check(good, strlen(good), err, sizeof err), 0);
}

static void test_caps(void **state)
{
	(void)state;
	/* nesting deeper than TPL_DEPTH_MAX */
	char deep[1024];
	size_t o = 0;
	for (int i = 0; i <= TPL_DEPTH_MAX; i++)
		o += (size_t)snprintf(deep + o, sizeof deep - o, "{%% if a %%}");
	for (int i = 0; i <= TPL_DEPTH_MAX; i++)
		o += (size_t)snprintf(deep + o, sizeof deep - o, "{%% endif %%}");
	assert_string_equal(render(deep, "{\"a\": 1}", NULL),
			    "ERROR: line 1: if/for nested deeper than 8");
	/* output cap: a loop that would write over TPL_OUT_MAX bytes */
	json_t *ctx = json_object(), *xs = json_array();
	for (int i = 0; i < TPL_LOOP_MAX; i++)
		json_array_append_new(xs, json_integer(i));
	json_object_set_new(ctx, "xs", xs);
	static char big[2048];
	static const char loops[] = "{% for x in xs %}{% for y in xs %}.{% endfor %}{% endfor %}";
	memset(big, 'x', 1000);
	memcpy(big + 1000, loops, sizeof loops);
	tpl_result_t r;
	assert_int_equal(tpl_render(big, strlen(big), ctx, &r), -1);
	assert_non_null(strstr(r.error, "output over"));
	tpl_result_free(&r);
	/* a list over TPL_LOOP_MAX items */
	json_array_append_new(xs, json_integer(0));
	assert_int_equal(tpl_render("{% for x in xs %}{% endfor %}", 29, ctx, &r), -1);
	assert_string_equal(r.error, "line 1: xs has over 1000 items");
	tpl_result_free(&r);
	/* a template over TPL_SRC_MAX */
	char *huge = malloc(TPL_SRC_MAX + 2);
	assert_non_null(huge);
	memset(huge, 'a', TPL_SRC_MAX + 1);
	huge[TPL_SRC_MAX + 1] = '\0';
	assert_int_equal(tpl_render(huge, TPL_SRC_MAX + 1, ctx, &r), -1);
	tpl_result_free(&r);
	free(huge);
	json_decref(ctx);
}

/* Renders src with ctx and compares its paragraphs with their facts. */
static void assert_trace(const char *src, const char *ctx_json, const char *want)
{
	json_t *ctx = json_loads(ctx_json, 0, NULL);
	tpl_result_t r;
	assert_int_equal(tpl_render(src, strlen(src), ctx, &r), 0);
	json_t *p = tpl_paragraphs_new(&r);
	char *s = json_dumps(p, JSON_COMPACT);
	assert_string_equal(s, want);
	free(s);
	json_decref(p);
	tpl_result_free(&r);
	json_decref(ctx);
}

static void test_fact_trace(void **state)
{
	(void)state;
	assert_trace("# {{ title }}\n\n{% for r in reviews %}{{ r.author }} schreibt: {{ r.text }}\n"
		     "{% endfor %}\n{% if funding %}Förderung: {{ funding.name }}{% endif %}\nOhne Quelle.\n",
		     "{\"title\": \"PV in Köln\", \"reviews\": ["
		     "{\"_ref\": \"reviews:7\", \"author\": \"Anna\", \"text\": \"Top\"},"
		     "{\"_ref\": \"reviews:9\", \"author\": \"Ben\", \"text\": \"Gut\"}],"
		     "\"funding\": {\"_ref\": \"keyword_events:3\", \"name\": \"KfW 270\"}}",
		     "[{\"text\":\"# PV in Köln\",\"facts\":[]},"
		     "{\"text\":\"Anna schreibt: Top\",\"facts\":[\"reviews:7\"]},"
		     "{\"text\":\"Ben schreibt: Gut\",\"facts\":[\"reviews:9\"]},"
		     "{\"text\":\"Förderung: KfW 270\",\"facts\":[\"keyword_events:3\"]},"
		     "{\"text\":\"Ohne Quelle.\",\"facts\":[]}]");
}

/* A condition that leads to no text cites nothing (at a line's end its
 * offset would otherwise fall to the next paragraph). */
static void test_fact_trace_false_condition(void **state)
{
	(void)state;
	assert_trace("Standort: {{ place.name }}.{% if place.area %} Gebiet: {{ place.area }}."
		     "{% endif %}\nNächste Zeile{% if place.phone %}{% endif %}\n"
		     "{% if place %}Mit Ort{% endif %}\n",
		     "{\"place\": {\"_ref\": \"local_locations:4\", \"name\": \"Köln\"}}",
		     "[{\"text\":\"Standort: Köln.\",\"facts\":[\"local_locations:4\"]},"
		     "{\"text\":\"Nächste Zeile\",\"facts\":[]},"
		     "{\"text\":\"Mit Ort\",\"facts\":[\"local_locations:4\"]}]");
}

static void test_slug(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(tpl_slug("Photovoltaik in Köln", out, sizeof out), 0);
	assert_string_equal(out, "photovoltaik-in-koeln");
	assert_int_equal(tpl_slug("  Größe & Maße: 10 kWp!  ", out, sizeof out), 0);
	assert_string_equal(out, "groesse-masse-10-kwp");
	assert_int_equal(tpl_slug("--- ?? ---", out, sizeof out), -1);
	assert_int_equal(tpl_slug("Café Zürich", out, sizeof out), 0);
	assert_string_equal(out, "caf-zuerich");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_variables_escaped),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_conditionals),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_fact_trace),
		cmocka_unit_test(test_fact_trace_false_condition),
		cmocka_unit_test(test_slug),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
