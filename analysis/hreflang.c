/* hreflang.c - hreflang codes, the cluster's link graph and the corrected
 * tags; see hreflang.h. Follows Google Search Central's "Tell Google about
 * localized versions of your page": each version lists itself and every
 * other version, with absolute URLs; a link without its return link is
 * ignored; x-default names the fallback; a page that is not canonical is
 * not an alternate. */
#include "hreflang.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"

/* ISO 639-1 (two letters, as Google asks for). */
static const char languages[] =
	"aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs "
	"cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha "
	"he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn "
	"ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb "
	"nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
	"se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw "
	"ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";
/* ISO 3166-1 alpha-2, the 249 officially assigned codes. */
static const char regions[] =
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN "
	"BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL "
	"GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM "
	"JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME "
	"MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
	"NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD "
	"SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
	"TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";
/* ISO 15924 scripts in use on the web. */
static const char scripts[] =
	"Arab Armn Beng Cyrl Deva Ethi Geor Grek Gujr Guru Hans Hant Hebr Hira Jpan Kana Khmr "
	"Knda Kore Laoo Latn Mlym Mong Mymr Sinh Taml Telu Thai Tibt";

/* Codes people write for what has another code. */
static const struct { const char *wrong, *right; } language_fixes[] = {
	{"jp", "ja"}, {"cz", "cs"}, {"dk", "da"}, {"gr", "el"}, {"ua", "uk"}, {"kr", "ko"},
	{"cn", "zh"}, {"vn", "vi"}, {"iw", "he"}, {"in", "id"}, {"ji", "yi"}, {"ger", "de"},
	{"deu", "de"}, {"eng", "en"}, {"fra", "fr"}, {"fre", "fr"}, {"ita", "it"},
	{"spa", "es"}, {"nld", "nl"}, {"dut", "nl"}, {"pol", "pl"}, {"por", "pt"},
	{"rus", "ru"}, {"tur", "tr"}, {"swe", "sv"},
}, region_fixes[] = {
	{"UK", "GB"}, {"EL", "GR"}, {"EN", NULL}, {"EU", NULL}, {"UN", NULL},
};

/* 1 when the n-byte word w is in the space-separated list. */
static int listed(const char *list, const char *w, size_t n)
{
	for (const char *p = list; *p; p += strcspn(p, " "), p += *p == ' ')
		if (strcspn(p, " ") == n && strncmp(p, w, n) == 0)
			return 1;
	return 0;
}

static const char *fixed(const char *w, int lang)
{
	const size_t n = lang ? sizeof language_fixes / sizeof language_fixes[0]
			      : sizeof region_fixes / sizeof region_fixes[0];
	for (size_t i = 0; i < n; i++) {
		const char *wrong = lang ? language_fixes[i].wrong : region_fixes[i].wrong;
		if (strcmp(wrong, w) == 0)
			return lang ? language_fixes[i].right : region_fixes[i].right;
	}
	return NULL;
}

/* Splits code into at most 4 subtags of at most 8 letters; *underscore when
 * '_' separated them. Returns the count, -1 when malformed. */
static int subtags(const char *code, char tag[4][9], int *underscore)
{
	int n = 0;
	*underscore = 0;
	for (const char *p = code;; p++) {
		size_t k = strcspn(p, "-_");
		if (k == 0 || k > 8 || n == 4)
			return -1;
		for (size_t i = 0; i < k; i++)
			if (!isalnum((unsigned char)p[i]))
				return -1;
		memcpy(tag[n], p, k);
		tag[n++][k] = '\0';
		p += k;
		if (!*p)
			return n;
		*underscore |= *p == '_';
	}
}

static void casefold(char *s, int upper)
{
	for (; *s; s++)
		*s = (char)(upper ? toupper((unsigned char)*s) : tolower((unsigned char)*s));
}

int hreflang_code(const char *code, char norm[HREFLANG_CODE_MAX],
		  char fix[HREFLANG_CODE_MAX], const char **why)
{
	char t[4][9];
	int us, n, k = 1;
	norm[0] = fix[0] = '\0';
	*why = NULL;
	if (code && strcasecmp(code, "x-default") == 0) {
		snprintf(norm, HREFLANG_CODE_MAX, "x-default");
		return 0;
	}
	*why = "is not a language code such as de, de-AT or zh-Hant-TW";
	if (!code || strlen(code) >= HREFLANG_CODE_MAX || (n = subtags(code, t, &us)) < 0)
		return -1;
	const char *script = NULL, *region = NULL;
	if (k < n && strlen(t[k]) == 4 && isalpha((unsigned char)t[k][0])) {
		casefold(t[k], 0);
		t[k][0] = (char)toupper((unsigned char)t[k][0]);
		script = t[k++];
	}
	if (k < n && strlen(t[k]) == 2)
		casefold(t[k], 1), region = t[k++];
	if (k < n) {
		*why = k == 1 && strlen(t[1]) == 3 && isdigit((unsigned char)t[1][0]) ?
		       "has a numeric UN M.49 region: Google takes ISO 3166-1 alpha-2 only" :
		       "has subtags Google does not use: language, script and region only";
		return -1;
	}
	char upper[9];
	snprintf(upper, sizeof upper, "%s", t[0]);
	casefold(upper, 1);
	casefold(t[0], 0);
	int lang_ok = strlen(t[0]) == 2 && listed(languages, t[0], 2);
	const char *lfix = lang_ok ? NULL : fixed(t[0], 1);
	if (!lang_ok && !lfix) {
		*why = n == 1 && strlen(upper) == 2 && listed(regions, upper, 2) ?
		       "is a region without a language: write the language first (en-GB)" :
		       "language is not an ISO 639-1 code";
		return -1;
	}
	if (script && !listed(scripts, script, 4))
		return *why = "script is not an ISO 15924 code (Latn, Cyrl, Hans, Hant …)", -1;
	int region_ok = !region || listed(regions, region, 2);
	const char *rfix = region_ok ? NULL : fixed(region, 0);
	if (!region_ok && !rfix)
		return *why = "region is not an ISO 3166-1 alpha-2 country code", -1;
	int wrong = lfix || rfix || us;
	if (snprintf(wrong ? fix : norm, HREFLANG_CODE_MAX, "%s%s%s%s%s", lfix ? lfix : t[0],
		     script ? "-" : "", script ? script : "", region ? "-" : "",
		     rfix ? rfix : region ? region : "") >= HREFLANG_CODE_MAX)
		return *why = "is longer than a language tag can be", -1;
	*why = lfix ? "language is not an ISO 639-1 code" :
	       rfix ? "region is not ISO 3166-1: the United Kingdom is GB, Greece GR" :
	       us ? "subtags are separated by '-', not '_'" : NULL;
	return wrong;
}

int hreflang_attr_escape(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	for (; *s; s++) {
		const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" :
				*s == '"' ? "&quot;" : NULL;
		size_t k = e ? strlen(e) : 1;
		if (n + k + 1 > outsz)
			return -1;
		memcpy(out + n, e ? e : s, k);
		n += k;
	}
	out[n] = '\0';
	return 0;
}

/* ---- HTML <link> tags --------------------------------------------------------------- */

/* The value of attribute `name` in the tag text t[0..n), decoded (malloc'd). */
static char *attr(const char *t, size_t n, const char *name)
{
	size_t k = strlen(name);
	for (size_t i = 0; i + k < n; i++) {
		if (strncasecmp(t + i, name, k) != 0 || !(i == 0 || isspace((unsigned char)t[i - 1])))
			continue;
		size_t j = i + k;
		while (j < n && isspace((unsigned char)t[j]))
			j++;
		if (j >= n || t[j] != '=')
			continue;
		j++;
		while (j < n && isspace((unsigned char)t[j]))
			j++;
		char q = j < n && (t[j] == '"' || t[j] == '\'') ? t[j++] : 0;
		size_t e = j;
		while (e < n && (q ? t[e] != q : !isspace((unsigned char)t[e])))
			e++;
		char *v = html_decode(t + j, e - j);
		if (v) {        /* attribute values are trimmed of spaces */
			size_t a = strspn(v, " \t\r\n"), b = strlen(v);
			while (b > a && isspace((unsigned char)v[b - 1]))
				b--;
			memmove(v, v + a, b - a);
			v[b - a] = '\0';
		}
		return v;
	}
	return NULL;
}

/* 1 when the space-separated rel value holds `word`. */
static int rel_has(const char *rel, const char *word)
{
	size_t k = strlen(word);
	for (const char *p = rel; p && *p; p += strcspn(p, " \t"), p += strspn(p, " \t"))
		if (strcspn(p, " \t") == k && strncasecmp(p, word, k) == 0)
			return 1;
	return 0;
}

static void link_tag(const char *t, size_t n, json_t *links, json_t *out, size_t max)
{
	char *rel = attr(t, n, "rel"), *href = attr(t, n, "href"), *lang = attr(t, n, "hreflang");
	if (rel && href && rel_has(rel, "canonical") && json_is_null(json_object_get(out, "canonical")))
		json_object_set_new(out, "canonical", json_string(href));
	else if (rel && href && lang && rel_has(rel, "alternate") && json_array_size(links) < max)
		json_array_append_new(links, json_pack("{s:s?, s:s?}", "hreflang", lang, "href", href));
	free(rel);
	free(href);
	free(lang);
}

json_t *hreflang_html_links_new(const char *html, size_t len, size_t max)
{
	json_t *links = json_array();
	json_t *out = json_pack("{s:o, s:n}", "links", links, "canonical");
	if (!out)
		return NULL;
	for (size_t i = 0; i + 5 < len; i++) {
		if (html[i] != '<')
			continue;
		if (strncmp(html + i, "<!--", 4) == 0) {        /* comments hide tags */
			const char *e = strstr(html + i + 4, "-->");
			i = e ? (size_t)(e - html) + 2 : len;
			continue;
		}
		if (strncasecmp(html + i + 1, "link", 4) != 0 || !isspace((unsigned char)html[i + 5]))
			continue;
		const char *e = memchr(html + i, '>', len - i);
		size_t n = e ? (size_t)(e - html) - i : len - i;
		link_tag(html + i + 5, n - 5, links, out, max);
		i += n;
	}
	return out;
}

/* ---- the cluster -------------------------------------------------------------------- */

/* 1 when a and b name the same URL: scheme and host compared without case,
 * the rest exactly, a fragment ignored. */
static int same_url(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	const char *ha = strstr(a, "://"), *hb = strstr(b, "://");
	size_t pa = ha ? (size_t)(ha - a) + 3 + strcspn(ha + 3, "/?#") : 0;
	size_t pb = hb ? (size_t)(hb - b) + 3 + strcspn(hb + 3, "/?#") : 0;
	size_t ea = strcspn(a, "#"), eb = strcspn(b, "#");
	if (pa != pb || strncasecmp(a, b, pa) != 0)
		return 0;
	/* "https://host" and "https://host/" are the same resource */
	const char *ra = a + pa, *rb = b + pb;
	size_t la = ea - pa, lb = eb - pb;
	if (la == 0)
		ra = "/", la = 1;
	if (lb == 0)
		rb = "/", lb = 1;
	return la == lb && strncmp(ra, rb, la) == 0;
}

static int absolute(const char *u)
{
	size_t s = strncasecmp(u, "https://", 8) == 0 ? 8 : strncasecmp(u, "http://", 7) == 0 ? 7 : 0;
	return s && u[s] && !strchr("/?#", u[s]) && !strpbrk(u, " \t\r\n");
}

struct ctx {
	const hreflang_page_t *pages;
	size_t n;
	json_t *issues, *versions;      /* versions: {code: href} in insertion order */
	int errors, warnings;
};

static void issue(struct ctx *c, const char *code, int error, const char *page,
		  const char *hreflang, const char *href, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
static void issue(struct ctx *c, const char *code, int error, const char *page,
		  const char *hreflang, const char *href, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_array_append_new(c->issues, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s}",
		"code", code, "severity", error ? "error" : "warning", "page", page,
		"hreflang", hreflang, "href", href, "message", msg));
	*(error ? &c->errors : &c->warnings) += 1;
}

static const hreflang_page_t *page_of(const struct ctx *c, const char *url)
{
	for (size_t i = 0; i < c->n; i++)
		if (same_url(c->pages[i].url, url))
			return &c->pages[i];
	return NULL;
}

static int not_canonical(const hreflang_page_t *p)
{
	return p && p->canonical && !same_url(p->canonical, p->url);
}

/* The usable code of a tag (corrected when it can be), or NULL; names the problem. */
static const char *usable(struct ctx *c, const char *page, const char *code,
			  const char *href, char buf[HREFLANG_CODE_MAX])
{
	char fix[HREFLANG_CODE_MAX];
	const char *why;
	int rc = hreflang_code(code, buf, fix, &why);
	if (rc == 1) {
		issue(c, "code_corrected", 1, page, code, href, "hreflang \"%s\" %s: write \"%s\"",
		      code, why, fix);
		memcpy(buf, fix, HREFLANG_CODE_MAX);
	} else if (rc < 0) {
		issue(c, "code_invalid", 1, page, code, href, "hreflang \"%s\" %s", code ? code : "",
		      why);
		return NULL;
	}
	if (!href || !absolute(href)) {
		issue(c, "href_not_absolute", 1, page, code, href, "href \"%s\" is not an absolute "
		      "http(s) URL: hreflang needs the full URL with scheme and host",
		      href ? href : "");
		return NULL;
	}
	return buf;
}

/* Adds code → href to the consolidated versions; a different href for a
 * code already there is a conflict. */
static void version(struct ctx *c, const char *code, const char *href, const char *page)
{
	json_t *have = json_object_get(c->versions, code);
	if (!have) {
		json_object_set_new(c->versions, code, json_string(href));
		return;
	}
	if (!same_url(json_string_value(have), href))
		issue(c, "code_conflict", 1, page, code, href, "hreflang %s points to %s here but "
		      "to %s elsewhere in the cluster: one URL per code", code, href,
		      json_string_value(have));
}

/* Duplicates within one page's tags. */
static void duplicates(struct ctx *c, const hreflang_page_t *p, char (*codes)[HREFLANG_CODE_MAX])
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t j = 0; j < i; j++) {
			if (!codes[i][0] || strcmp(codes[i], codes[j]) != 0)
				continue;
			if (same_url(p->links[i].href, p->links[j].href))
				issue(c, "duplicate_link", 0, p->url, codes[i], p->links[i].href,
				      "the tag for %s appears twice", codes[i]);
			else
				issue(c, "duplicate_code", 1, p->url, codes[i], p->links[i].href,
				      "hreflang %s names two URLs (%s and %s): Google may ignore both",
				      codes[i], p->links[j].href, p->links[i].href);
			break;
		}
}

/* The tags of one page: codes, self link, return links, canonical targets. */
static void page_tags(struct ctx *c, const hreflang_page_t *p)
{
	char (*codes)[HREFLANG_CODE_MAX] = calloc(p->n ? p->n : 1, HREFLANG_CODE_MAX);
	int self = 0;
	if (!codes)
		return;
	if (not_canonical(p) && p->n)
		issue(c, "canonical_elsewhere", 1, p->url, NULL, p->canonical, "the page's canonical "
		      "is %s: a page that is not canonical must not carry hreflang, its tags are "
		      "ignored", p->canonical);
	for (size_t i = 0; i < p->n; i++) {
		const hreflang_link_t *l = &p->links[i];
		if (!usable(c, p->url, l->code, l->href, codes[i]))
			continue;
		self |= same_url(l->href, p->url);
		const hreflang_page_t *t = page_of(c, l->href);
		if (t && t != p && not_canonical(t))
			issue(c, "target_not_canonical", 1, p->url, codes[i], l->href, "%s is not "
			      "canonical (its canonical is %s): link the canonical URL", l->href,
			      t->canonical);
		else if (t && t != p && t->tags && strcmp(codes[i], "x-default") != 0) {
			int back = 0;
			for (size_t k = 0; k < t->n; k++)
				back |= same_url(t->links[k].href, p->url);
			if (!back)
				issue(c, "return_link_missing", 1, p->url, codes[i], l->href, "%s does "
				      "not link back to %s: without the return link Google ignores "
				      "the pair", l->href, p->url);
		}
		if (!not_canonical(p) && !(t && not_canonical(t)))
			version(c, codes[i], l->href, p->url);
	}
	if (!self && !not_canonical(p))
		issue(c, "self_missing", 1, p->url, NULL, p->url, "the page does not list itself: "
		      "each version names itself and all others");
	duplicates(c, p, codes);
	free(codes);
}

/* A regional spelling check: a page in `lang` whose text holds `word`. */
static const struct spelling {
	const char *lang, *word, *code, *message;
} spellings[] = {
	{"de-CH", "\xc3\x9f", "spelling_ch_eszett", "Swiss German writes ss, not ß"},
	{"de-AT", "Januar", "spelling_at_jaenner", "Austrian German writes Jänner for Januar"},
	{"de-DE", "J\xc3\xa4nner", "spelling_de_jaenner", "Jänner is Austrian: Germany writes "
	 "Januar"},
};

static size_t count_word(const char *text, const char *w)
{
	size_t n = 0, k = strlen(w);
	for (const char *p = text; (p = strstr(p, w)); p += k)
		n += k == 2 || ((p == text || !isalpha((unsigned char)p[-1])) &&
				!isalpha((unsigned char)p[k]));
	return n;
}

static void spelling(struct ctx *c, const hreflang_page_t *p, const char *code)
{
	for (size_t i = 0; p->text && code && i < sizeof spellings / sizeof spellings[0]; i++) {
		size_t n = count_word(p->text, spellings[i].word);
		if (n && strcmp(code, spellings[i].lang) == 0)
			issue(c, spellings[i].code, 0, p->url, code, NULL, "%s (%zu× \"%s\")",
			      spellings[i].message, n, spellings[i].word);
	}
}

/* The page's own code: as given, else its self link's. */
static const char *own_code(struct ctx *c, const hreflang_page_t *p, char buf[HREFLANG_CODE_MAX])
{
	char fix[HREFLANG_CODE_MAX];
	const char *why;
	if (p->code) {
		int rc = hreflang_code(p->code, buf, fix, &why);
		if (rc == 1)
			memcpy(buf, fix, HREFLANG_CODE_MAX);
		if (rc != 0)
			issue(c, rc == 1 ? "code_corrected" : "code_invalid", 1, p->url, p->code, p->url,
			      "hreflang \"%s\" %s%s%s", p->code, why, rc == 1 ? ": write " : "",
			      rc == 1 ? fix : "");
		return rc >= 0 ? buf : NULL;
	}
	for (size_t i = 0; i < p->n; i++)
		if (same_url(p->links[i].href, p->url) && strcasecmp(p->links[i].code, "x-default") &&
		    hreflang_code(p->links[i].code, buf, fix, &why) >= 0)
			return buf[0] ? buf : memcpy(buf, fix, HREFLANG_CODE_MAX);
	return NULL;
}

static int by_code(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int dx = strcmp(x, "x-default") == 0, dy = strcmp(y, "x-default") == 0;
	return dx != dy ? dx - dy : strcmp(x, y);
}

/* Appends the tag `fmt` for each version to `tags` (array) or `buf`. */
static json_t *tags_for(const char *const *codes, size_t n, json_t *versions, const char *indent,
			const char *elem)
{
	json_t *tags = json_array();
	char href[4200];
	for (size_t i = 0; tags && i < n; i++) {
		if (hreflang_attr_escape(json_string_value(json_object_get(versions, codes[i])),
					 href, sizeof href) < 0)
			continue;
		char *t = NULL;
		if (asprintf(&t, "%s<%s rel=\"alternate\" hreflang=\"%s\" href=\"%s\" />", indent,
			     elem, codes[i], href) < 0)
			continue;
		json_array_append_new(tags, json_string(t));
		free(t);
	}
	return tags;
}

/* versions, pages with their corrected tags and the sitemap block into out. */
static int corrected(struct ctx *c, json_t *out)
{
	size_t n = json_object_size(c->versions), k = 0, len = 0;
	const char **codes = calloc(n ? n : 1, sizeof *codes), *key;
	json_t *v, *vs = json_array(), *pages = json_array();
	char *sitemap = NULL;
	FILE *f = open_memstream(&sitemap, &len);
	if (!codes || !vs || !pages || !f) {
		free(codes), json_decref(vs), json_decref(pages);
		if (f)
			fclose(f);
		free(sitemap);
		return -1;
	}
	json_object_foreach(c->versions, key, v)
		codes[k++] = key;
	qsort(codes, n, sizeof *codes, by_code);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(vs, json_pack("{s:s, s:O}", "hreflang", codes[i], "href",
						     json_object_get(c->versions, codes[i])));
	for (size_t i = 0; i < n; i++) {
		const char *url = json_string_value(json_object_get(c->versions, codes[i]));
		size_t j;
		for (j = 0; j < i; j++)         /* one entry per URL */
			if (same_url(url, json_string_value(json_object_get(c->versions, codes[j]))))
				break;
		if (j < i)
			continue;
		char loc[4200];
		json_t *sm = tags_for(codes, n, c->versions, "    ", "xhtml:link");
		if (hreflang_attr_escape(url, loc, sizeof loc) == 0 && sm) {
			fprintf(f, "<url>\n  <loc>%s</loc>\n", loc);
			for (size_t t = 0; t < json_array_size(sm); t++)
				fprintf(f, "%s\n", json_string_value(json_array_get(sm, t)));
			fprintf(f, "</url>\n");
		}
		json_decref(sm);
		json_array_append_new(pages, json_pack("{s:s, s:s, s:o}", "url", url, "hreflang",
			codes[i], "tags", tags_for(codes, n, c->versions, "", "link")));
	}
	fclose(f);
	json_object_set_new(out, "versions", vs);
	json_object_set_new(out, "pages", pages);
	json_object_set_new(out, "sitemap", json_string(sitemap ? sitemap : ""));
	free(sitemap);
	free(codes);
	return 0;
}

json_t *hreflang_check_new(const hreflang_page_t *pages, size_t n)
{
	struct ctx c = {pages, n, json_array(), json_object(), 0, 0};
	json_t *out = json_object();
	int any_tags = 0;
	if (!c.issues || !c.versions || !out)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		char buf[HREFLANG_CODE_MAX];
		const hreflang_page_t *p = &pages[i];
		if (!absolute(p->url))
			issue(&c, "url_not_absolute", 1, p->url, NULL, p->url, "the page URL is not an "
			      "absolute http(s) URL");
		for (size_t j = 0; j < i; j++)
			if (same_url(pages[j].url, p->url))
				issue(&c, "page_twice", 1, p->url, NULL, NULL, "the page is listed twice");
		const char *code = own_code(&c, p, buf);
		if (code && absolute(p->url) && !not_canonical(p))
			version(&c, code, p->url, p->url);
		if (p->tags)
			page_tags(&c, p);
		any_tags |= p->tags;
		spelling(&c, p, code);
	}
	if (json_object_size(c.versions) && !json_object_get(c.versions, "x-default"))
		issue(&c, "x_default_missing", 0, NULL, "x-default", NULL, "no x-default: users "
		      "whose language matches no version get no fallback");
	if (any_tags && json_object_size(c.versions) == 1)
		issue(&c, "single_version", 0, NULL, NULL, NULL, "the cluster has one version: "
		      "hreflang links versions of a page in other languages or regions");
	if (corrected(&c, out) < 0)
		goto oom;
	json_object_set_new(out, "valid", json_boolean(c.errors == 0));
	json_object_set_new(out, "errors", json_integer(c.errors));
	json_object_set_new(out, "warnings", json_integer(c.warnings));
	json_object_set_new(out, "issues", c.issues);
	json_decref(c.versions);
	return out;
oom:
	json_decref(c.issues);
	json_decref(c.versions);
	json_decref(out);
	return NULL;
}
