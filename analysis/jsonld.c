/* jsonld.c - schema.org builders and a table-driven validator; see jsonld.h.
 *
 * The validator walks every object of a document. Each object's type (its
 * @type, a subtype mapped to its parent, or implied by the property holding
 * it) selects rows of `rules` (required / recommended properties); every
 * property with a known value kind is checked by `kinds`; a few type checks
 * (rating ranges, about/mentions, Google policies) are rows of `checks`. */
#include "jsonld.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- builders ------------------------------------------------------------- */

struct build {
	json_t *o;
	int err;
};

static void put(struct build *b, const char *key, json_t *v)
{
	if (!v || json_object_set_new(b->o, key, v) != 0)
		b->err = 1;
}

static void put_str(struct build *b, const char *key, const char *s)
{
	if (s)
		put(b, key, json_string(s));
}

static struct build start(const char *type)
{
	struct build b = {json_object(), 0};
	put_str(&b, "@type", type);
	return b;
}

static json_t *finish(struct build *b)
{
	if (b->err) {
		json_decref(b->o);
		return NULL;
	}
	return b->o;
}

static json_t *string_array(const char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(s[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *jsonld_with_context(json_t *node)
{
	if (!node || json_object_set_new(node, "@context", json_string(JSONLD_CONTEXT)) != 0) {
		json_decref(node);
		return NULL;
	}
	return node;
}

json_t *jsonld_thing_new(const char *type, const char *name, const char *id,
                         const char *const *same_as, size_t n_same_as)
{
	struct build b = start(type ? type : "Thing");
	put_str(&b, "@id", id);
	put_str(&b, "name", name);
	if (n_same_as)
		put(&b, "sameAs", string_array(same_as, n_same_as));
	return finish(&b);
}

static json_t *rating_new(const char *type, double value, double best, double worst)
{
	struct build b = start(type);
	put(&b, "ratingValue", json_real(round(value * 100) / 100));
	put(&b, "bestRating", json_real(best));
	put(&b, "worstRating", json_real(worst));
	return finish(&b);
}

json_t *jsonld_aggregate_rating_new(json_t *item_reviewed, double value, long count,
                                    double best, double worst)
{
	struct build b = {rating_new("AggregateRating", value, best, worst), 0};
	b.err = b.o == NULL;
	put(&b, "ratingCount", json_integer(count));
	if (item_reviewed)
		put(&b, "itemReviewed", item_reviewed);
	return finish(&b);
}

json_t *jsonld_review_new(json_t *item_reviewed, const char *author, double rating,
                          double best, double worst, const char *date,
                          const char *body, const char *lang)
{
	struct build b = start("Review"), person = start("Person");
	put_str(&person, "name", author);
	put(&b, "author", finish(&person));
	put(&b, "reviewRating", rating_new("Rating", rating, best, worst));
	put_str(&b, "datePublished", date);
	put_str(&b, "reviewBody", body);
	put_str(&b, "inLanguage", lang);
	if (item_reviewed)
		put(&b, "itemReviewed", item_reviewed);
	return finish(&b);
}

json_t *jsonld_organization_new(const char *name, const char *url, const char *logo,
                                const char *const *same_as, size_t n_same_as)
{
	struct build b = start("Organization");
	put_str(&b, "name", name);
	put_str(&b, "url", url);
	put_str(&b, "logo", logo);
	if (n_same_as)
		put(&b, "sameAs", string_array(same_as, n_same_as));
	return finish(&b);
}

static json_t *address_new(const jsonld_address_t *a)
{
	struct build b = start("PostalAddress");
	put_str(&b, "streetAddress", a->street);
	put_str(&b, "postalCode", a->postal_code);
	put_str(&b, "addressLocality", a->locality);
	put_str(&b, "addressRegion", a->region);
	put_str(&b, "addressCountry", a->country);
	return finish(&b);
}

static json_t *hours_new(const jsonld_hours_t *h, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		struct build b = start("OpeningHoursSpecification");
		put(&b, "dayOfWeek", string_array(h[i].days, h[i].n_days));
		put_str(&b, "opens", h[i].opens);
		put_str(&b, "closes", h[i].closes);
		if (json_array_append_new(a, finish(&b)) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *jsonld_local_business_new(const jsonld_business_t *lb)
{
	struct build b = start(lb->type ? lb->type : "LocalBusiness");
	put_str(&b, "@id", lb->id);
	put_str(&b, "name", lb->name);
	put_str(&b, "url", lb->url);
	put_str(&b, "telephone", lb->telephone);
	put_str(&b, "priceRange", lb->price_range);
	put_str(&b, "image", lb->image);
	put(&b, "address", address_new(&lb->address));
	if (lb->has_geo) {
		struct build g = start("GeoCoordinates");
		put(&g, "latitude", json_real(lb->latitude));
		put(&g, "longitude", json_real(lb->longitude));
		put(&b, "geo", finish(&g));
	}
	if (lb->n_hours)
		put(&b, "openingHoursSpecification", hours_new(lb->hours, lb->n_hours));
	if (lb->n_same_as)
		put(&b, "sameAs", string_array(lb->same_as, lb->n_same_as));
	return finish(&b);
}

json_t *jsonld_webpage_new(const char *url, const char *name, const char *lang,
                           json_t *about, json_t *mentions)
{
	struct build b = start("WebPage");
	put_str(&b, "url", url);
	put_str(&b, "name", name);
	put_str(&b, "inLanguage", lang);
	if (about)
		put(&b, "about", about);
	if (mentions)
		put(&b, "mentions", mentions);
	return finish(&b);
}

/* ---- validator tables ----------------------------------------------------------- */

enum level { REQUIRED, RECOMMENDED };
enum { R_NOT_NESTED = 1 }; /* not needed when nested in the item it reviews */

/* Google Search Central's properties per type; "a|b" means one of them. */
static const struct rule {
	const char *type, *props;
	enum level level;
	unsigned flags;
} rules[] = {
	{"AggregateRating", "itemReviewed", REQUIRED, R_NOT_NESTED},
	{"AggregateRating", "ratingValue", REQUIRED, 0},
	{"AggregateRating", "ratingCount|reviewCount", REQUIRED, 0},
	{"AggregateRating", "bestRating", RECOMMENDED, 0},
	{"AggregateRating", "worstRating", RECOMMENDED, 0},
	{"Review", "author", REQUIRED, 0},
	{"Review", "itemReviewed", REQUIRED, R_NOT_NESTED},
	{"Review", "reviewRating", REQUIRED, 0},
	{"Review", "datePublished", RECOMMENDED, 0},
	{"Rating", "ratingValue", REQUIRED, 0},
	{"Rating", "bestRating", RECOMMENDED, 0},
	{"Rating", "worstRating", RECOMMENDED, 0},
	{"Person", "name", REQUIRED, 0},
	{"Organization", "name", RECOMMENDED, 0},
	{"Organization", "url", RECOMMENDED, 0},
	{"Organization", "logo", RECOMMENDED, 0},
	{"LocalBusiness", "name", REQUIRED, 0},
	{"LocalBusiness", "address", REQUIRED, 0},
	{"LocalBusiness", "telephone", RECOMMENDED, 0},
	{"LocalBusiness", "geo", RECOMMENDED, 0},
	{"LocalBusiness", "openingHoursSpecification", RECOMMENDED, 0},
	{"LocalBusiness", "url", RECOMMENDED, 0},
	{"LocalBusiness", "priceRange", RECOMMENDED, 0},
	{"PostalAddress", "streetAddress", RECOMMENDED, 0},
	{"PostalAddress", "addressLocality", RECOMMENDED, 0},
	{"PostalAddress", "postalCode", RECOMMENDED, 0},
	{"PostalAddress", "addressCountry", RECOMMENDED, 0},
	{"GeoCoordinates", "latitude", REQUIRED, 0},
	{"GeoCoordinates", "longitude", REQUIRED, 0},
	{"OpeningHoursSpecification", "dayOfWeek", REQUIRED, 0},
	{"OpeningHoursSpecification", "opens", REQUIRED, 0},
	{"OpeningHoursSpecification", "closes", REQUIRED, 0},
	{"WebPage", "name", RECOMMENDED, 0},
	{"WebPage", "url", RECOMMENDED, 0},
	{"ImageObject", "contentUrl|url", REQUIRED, 0},
	{"ImageObject", "creator|creditText|copyrightNotice|license", RECOMMENDED, 0},
	{"VideoObject", "name", REQUIRED, 0},
	{"VideoObject", "thumbnailUrl", REQUIRED, 0},
	{"VideoObject", "uploadDate", REQUIRED, 0},
	{"VideoObject", "description", RECOMMENDED, 0},
	{"VideoObject", "duration", RECOMMENDED, 0},
	{"VideoObject", "contentUrl|embedUrl", RECOMMENDED, 0},
	{"VideoObject", "hasPart|potentialAction", RECOMMENDED, 0},
	{"Clip", "name", REQUIRED, 0},
	{"Clip", "startOffset", REQUIRED, 0},
	{"Clip", "url", REQUIRED, 0},
	{"SeekToAction", "target", REQUIRED, 0},
	{"SeekToAction", "startOffset-input", REQUIRED, 0},
	{"FAQPage", "mainEntity", REQUIRED, 0},
	{"Question", "name", REQUIRED, 0},
	{"Question", "acceptedAnswer|suggestedAnswer", REQUIRED, 0},
	{"Answer", "text", REQUIRED, 0},
	{"SpeakableSpecification", "cssSelector|xpath", REQUIRED, 0},
};

/* Subtypes validated as their parent. */
static const struct { const char *type, *parent; } subtypes[] = {
	{"Electrician", "LocalBusiness"}, {"HomeAndConstructionBusiness", "LocalBusiness"},
	{"RoofingContractor", "LocalBusiness"}, {"GeneralContractor", "LocalBusiness"},
	{"HVACBusiness", "LocalBusiness"}, {"Plumber", "LocalBusiness"},
	{"HousePainter", "LocalBusiness"}, {"Locksmith", "LocalBusiness"},
	{"ProfessionalService", "LocalBusiness"}, {"Store", "LocalBusiness"},
	{"HardwareStore", "LocalBusiness"}, {"HomeGoodsStore", "LocalBusiness"},
	{"AutomotiveBusiness", "LocalBusiness"}, {"FinancialService", "LocalBusiness"},
	{"FoodEstablishment", "LocalBusiness"}, {"Restaurant", "LocalBusiness"},
	{"Corporation", "Organization"}, {"NGO", "Organization"},
	{"OnlineBusiness", "Organization"}, {"EducationalOrganization", "Organization"},
	{"GovernmentOrganization", "Organization"}, {"CollectionPage", "WebPage"},
	{"AboutPage", "WebPage"}, {"ContactPage", "WebPage"}, {"ItemPage", "WebPage"},
	{"FAQPage", "WebPage"}, {"ProfilePage", "WebPage"},
};

/* Types implied by the property holding an object without @type. */
static const struct { const char *prop, *type; } implied[] = {
	{"aggregateRating", "AggregateRating"}, {"reviewRating", "Rating"},
	{"review", "Review"}, {"address", "PostalAddress"}, {"geo", "GeoCoordinates"},
	{"openingHoursSpecification", "OpeningHoursSpecification"}, {"author", "Person"},
	{"hasPart", "Clip"}, {"acceptedAnswer", "Answer"}, {"suggestedAnswer", "Answer"},
	{"speakable", "SpeakableSpecification"},
};

enum kind {
	K_TEXT, K_NUMBER, K_COUNT, K_URL, K_SAMEAS, K_DATE, K_TIME, K_LAT, K_LON, K_NAMED,
	K_DURATION, K_OFFSET,
};

/* Value kind of a property wherever it appears. */
static const struct { const char *prop; enum kind kind; } kinds[] = {
	{"ratingValue", K_NUMBER}, {"bestRating", K_NUMBER}, {"worstRating", K_NUMBER},
	{"ratingCount", K_COUNT}, {"reviewCount", K_COUNT}, {"url", K_URL}, {"logo", K_URL},
	{"image", K_URL}, {"contentUrl", K_URL}, {"sameAs", K_SAMEAS},
	{"datePublished", K_DATE}, {"dateModified", K_DATE}, {"dateCreated", K_DATE},
	{"uploadDate", K_DATE}, {"startDate", K_DATE}, {"endDate", K_DATE},
	{"validFrom", K_DATE}, {"validThrough", K_DATE}, {"opens", K_TIME}, {"closes", K_TIME},
	{"latitude", K_LAT}, {"longitude", K_LON}, {"name", K_TEXT}, {"telephone", K_TEXT},
	{"priceRange", K_TEXT}, {"author", K_NAMED}, {"itemReviewed", K_NAMED},
	{"thumbnailUrl", K_URL}, {"embedUrl", K_URL}, {"duration", K_DURATION},
	{"startOffset", K_OFFSET}, {"endOffset", K_OFFSET},
};

/* Google policies by (raw) type: valid markup, but no rich result. */
static const struct { const char *type, *message; } policies[] = {
	{"HowTo", "HowTo rich results were retired in 2023: the markup stays valid, "
	          "no rich result is expected"},
	{"FAQPage", "FAQ rich results are limited to government and health sites since 2023: "
	            "no rich result is expected"},
};

#define PATH_MAX_LEN 256
#define DEPTH_MAX 64
#define SELF_SERVING "self-serving review of a LocalBusiness or Organization: Google shows " \
	"no review rich result for it since 2019"

/* ---- value checks ------------------------------------------------------------------ */

static int digits(const char *s, size_t n, int *out)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*out = *out * 10 + (s[i] - '0');
	}
	return 1;
}

/* "HH:MM" or "HH:MM:SS" at s; returns its length, 0 when malformed. */
static size_t clock_time(const char *s)
{
	int h, m, sec = 0;
	size_t len = 5;
	if (strlen(s) < 5 || s[2] != ':' || !digits(s, 2, &h) || !digits(s + 3, 2, &m))
		return 0;
	if (s[5] == ':') {
		if (strlen(s) < 8 || !digits(s + 6, 2, &sec))
			return 0;
		len = 8;
	}
	return (h <= 23 || (h == 24 && m == 0 && sec == 0)) && m <= 59 && sec <= 60 ? len : 0;
}

int jsonld_is_iso8601(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, hh, mm;
	size_t i;
	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return 0;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	if (s[10] == '\0')
		return 1;
	if (s[10] != 'T' || (i = clock_time(s + 11)) == 0)
		return 0;
	i += 11;
	if (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (s[i] == 'Z')
		return s[i + 1] == '\0';
	if (s[i] == '\0')
		return 1;
	if (s[i] != '+' && s[i] != '-')
		return 0;
	if (strlen(s + i + 1) == 4 && digits(s + i + 1, 4, &hh))
		return hh / 100 <= 14 && hh % 100 <= 59;
	return strlen(s + i + 1) == 5 && s[i + 3] == ':' && digits(s + i + 1, 2, &hh) &&
	       digits(s + i + 4, 2, &mm) && hh <= 14 && mm <= 59;
}

int jsonld_is_duration(const char *s)
{
	const char *units = "YMWD";
	int any = 0, in_time = 0;
	if (!s || *s++ != 'P')
		return 0;
	while (*s) {
		if (*s == 'T') {
			if (in_time || !*++s)
				return 0;
			in_time = 1;
			units = "HMS";
			continue;
		}
		size_t d = strspn(s, "0123456789");
		if (d == 0)
			return 0;
		s += d;
		if (*s == '.' && in_time) { /* a fraction only on seconds */
			size_t f = strspn(s + 1, "0123456789");
			if (f == 0 || s[1 + f] != 'S')
				return 0;
			s += 1 + f;
		}
		const char *u = *s ? strchr(units, *s) : NULL;
		if (u == NULL)
			return 0;
		units = u + 1;
		s++;
		any = 1;
	}
	return any;
}

int jsonld_is_absolute_url(const char *s)
{
	static const char *const schemes[] = {"https://", "http://"};
	for (size_t i = 0; s && i < COUNT(schemes); i++) {
		size_t n = strlen(schemes[i]);
		if (strncmp(s, schemes[i], n) != 0)
			continue;
		s += n;
		if (*s == '\0' || *s == '/' || *s == '.' || *s == ':')
			return 0;
		for (; *s && *s != '/' && *s != '?' && *s != '#'; s++)
			if ((unsigned char)*s <= ' ' || *s == '\\')
				return 0;
		return 1;
	}
	return 0;
}

/* A JSON number, or a string holding one ("4.5"); 1 with *out set, else 0. */
static int as_number(const json_t *v, double *out)
{
	const char *s;
	char *end;
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 1;
	}
	if (!json_is_string(v) || !*(s = json_string_value(v)))
		return 0;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out);
}

/* ---- diagnostics ------------------------------------------------------------------ */

struct vctx {
	json_t *errors, *warnings;
	int err; /* out of memory */
};

/* The object being validated and where it sits. */
struct node {
	const char *raw;    /* @type as written (or implied) */
	const char *type;   /* raw mapped to its parent for rules */
	const char *parent; /* type of the enclosing node, NULL at the top */
	int nested;         /* rating/review held by the item it rates */
	const char *path;
};

__attribute__((format(printf, 4, 5)))
static void report(struct vctx *c, int error, const char *path, const char *fmt, ...)
{
	char msg[320];
	va_list ap;
	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	json_t *d = json_pack("{s:s, s:s}", "path", path, "message", msg);
	if (!d || json_array_append_new(error ? c->errors : c->warnings, d) != 0)
		c->err = 1;
}

static void child_path(char *out, const char *path, const char *key, size_t index)
{
	int n = key ? snprintf(out, PATH_MAX_LEN, "%s.%s", path, key)
	            : snprintf(out, PATH_MAX_LEN, "%s[%zu]", path, index);
	if (n < 0)
		out[0] = '\0';
}

static const char *canonical(const char *type)
{
	for (size_t i = 0; type && i < COUNT(subtypes); i++)
		if (strcmp(subtypes[i].type, type) == 0)
			return subtypes[i].parent;
	return type;
}

static const char *type_of(const json_t *o, const char *via)
{
	const json_t *t = json_object_get(o, "@type");
	if (json_is_array(t))
		t = json_array_get(t, 0);
	if (json_is_string(t))
		return json_string_value(t);
	for (size_t i = 0; via && i < COUNT(implied); i++)
		if (strcmp(implied[i].prop, via) == 0)
			return implied[i].type;
	return NULL;
}

static int present(const json_t *o, const char *key, size_t len)
{
	char k[64];
	const json_t *v;
	if (len >= sizeof(k))
		return 0;
	memcpy(k, key, len);
	k[len] = '\0';
	v = json_object_get(o, k);
	return v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v)) &&
	       !(json_is_array(v) && json_array_size(v) == 0);
}

/* Checks one rule's "a|b" alternatives; reports when none is present. */
static void check_rule(struct vctx *c, const json_t *o, const struct rule *r, const char *path)
{
	char list[128] = "";
	size_t used = 0;
	for (const char *p = r->props; *p;) {
		size_t len = strcspn(p, "|");
		int n;
		if (present(o, p, len))
			return;
		n = snprintf(list + used, sizeof(list) - used, "%s'%.*s'", used ? " or " : "", (int)len, p);
		if (n > 0 && (size_t)n < sizeof(list) - used)
			used += (size_t)n;
		p += len + (p[len] == '|');
	}
	report(c, r->level == REQUIRED, path, "missing %s property %s",
	       r->level == REQUIRED ? "required" : "recommended", list);
}

/* 1 when the rules require a name for `type` (reported there). */
static int name_required(const char *type)
{
	for (size_t i = 0; type && i < COUNT(rules); i++)
		if (strcmp(rules[i].type, type) == 0 && strcmp(rules[i].props, "name") == 0 &&
		    rules[i].level == REQUIRED)
			return 1;
	return 0;
}

/* Reports when value v of kind k is wrong (errors) or doubtful (warnings). */
static void check_kind(struct vctx *c, enum kind k, const json_t *v, const char *path,
                       const char *key)
{
	const char *s = json_string_value(v); /* NULL when not a string */
	double x;
	switch (k) {
	case K_TEXT:
		if (!s || !*s)
			report(c, 1, path, "must be a non-empty text");
		break;
	case K_NUMBER:
		if (!as_number(v, &x))
			report(c, 1, path, "must be a number%s",
			       s && strchr(s, ',') ? " (use '.' as decimal separator)" : "");
		break;
	case K_COUNT:
		if (!as_number(v, &x) || x < 0 || x != floor(x))
			report(c, 1, path, "must be a whole number >= 0");
		else if (x == 0)
			report(c, 0, path, "is 0: a rating needs at least one vote");
		break;
	case K_URL:
		if (!json_is_object(v) && !jsonld_is_absolute_url(s))
			report(c, 1, path, "must be an absolute http(s) URL");
		break;
	case K_SAMEAS:
		if (!jsonld_is_absolute_url(s))
			report(c, 0, path, "sameAs should be an absolute URL");
		break;
	case K_DATE:
		if (!jsonld_is_iso8601(s))
			report(c, 1, path, "must be an ISO 8601 date (YYYY-MM-DD[Thh:mm[:ss][zone]])");
		break;
	case K_TIME:
		if (!s || clock_time(s) != strlen(s))
			report(c, 1, path, "must be a time hh:mm[:ss]");
		break;
	case K_DURATION:
		if (!jsonld_is_duration(s))
			report(c, 1, path, "must be an ISO 8601 duration (PT1M30S)");
		break;
	case K_OFFSET:
		if (!as_number(v, &x) || x < 0)
			report(c, 1, path, "must be seconds >= 0");
		break;
	case K_LAT:
	case K_LON:
		if (!as_number(v, &x) || fabs(x) > (k == K_LAT ? 90 : 180))
			report(c, 1, path, "must be a number within +-%d", k == K_LAT ? 90 : 180);
		break;
	case K_NAMED:
		if (s)
			report(c, 0, path, "should be an object with @type and name");
		else if (!json_is_object(v))
			report(c, 1, path, "must be an object with a name");
		else if (!present(v, "name", 4) && !present(v, "@id", 3) &&
		         !name_required(canonical(type_of(v, key))))
			report(c, 1, path, "needs a name"); /* else the type's rule reports */
		break;
	}
}

static void check_property(struct vctx *c, const char *key, const json_t *v, const char *path)
{
	char p[PATH_MAX_LEN];
	for (size_t i = 0; i < COUNT(kinds); i++) {
		if (strcmp(kinds[i].prop, key) != 0)
			continue;
		if (!json_is_array(v)) {
			check_kind(c, kinds[i].kind, v, path, key);
			return;
		}
		for (size_t j = 0; j < json_array_size(v); j++) {
			child_path(p, path, NULL, j);
			check_kind(c, kinds[i].kind, json_array_get(v, j), p, key);
		}
		return;
	}
}

/* ---- checks per type ------------------------------------------------------------ */

static void check_rating(struct vctx *c, const json_t *o, const struct node *n)
{
	double v, best = 5, worst = 1;
	char p[PATH_MAX_LEN];
	if (!as_number(json_object_get(o, "ratingValue"), &v))
		return; /* reported as a value kind */
	as_number(json_object_get(o, "bestRating"), &best);
	as_number(json_object_get(o, "worstRating"), &worst);
	child_path(p, n->path, "ratingValue", 0);
	if (worst >= best)
		report(c, 1, n->path, "worstRating %g must be below bestRating %g", worst, best);
	else if (v < worst || v > best)
		report(c, 1, p, "ratingValue %g is outside %g..%g", v, worst, best);
}

static void check_self_serving(struct vctx *c, const json_t *o, const struct node *n)
{
	const json_t *item = json_object_get(o, "itemReviewed");
	const char *t = json_is_object(item) ? canonical(type_of(item, NULL))
	                : n->nested ? n->parent : NULL;
	if (t && (strcmp(t, "LocalBusiness") == 0 || strcmp(t, "Organization") == 0))
		report(c, 0, n->path, SELF_SERVING);
}

static void check_about(struct vctx *c, const json_t *o, const struct node *n)
{
	static const char *const props[] = {"about", "mentions"};
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	for (size_t k = 0; k < COUNT(props); k++) {
		const json_t *v = json_object_get(o, props[k]);
		size_t len = json_is_array(v) ? json_array_size(v) : v ? 1 : 0;
		child_path(p, n->path, props[k], 0);
		for (size_t i = 0; i < len; i++) {
			const json_t *t = json_is_array(v) ? json_array_get(v, i) : v;
			if (json_is_array(v))
				child_path(q, p, NULL, i);
			else
				memcpy(q, p, sizeof(q));
			if (json_is_string(t))
				report(c, 0, q, "should be a Thing with name and sameAs");
			else if (!json_is_object(t) || (!present(t, "name", 4) && !present(t, "@id", 3)))
				report(c, 1, q, "%s item needs a name or @id", props[k]);
		}
	}
}

static const struct {
	const char *type;
	void (*fn)(struct vctx *c, const json_t *o, const struct node *n);
} checks[] = {
	{"AggregateRating", check_rating}, {"Rating", check_rating},
	{"AggregateRating", check_self_serving}, {"Review", check_self_serving},
	{"WebPage", check_about},
};

/* ---- walk ------------------------------------------------------------------------ */

static void check_node(struct vctx *c, const json_t *o, const struct node *n)
{
	for (size_t i = 0; i < COUNT(rules); i++)
		if ((strcmp(rules[i].type, n->type) == 0 || strcmp(rules[i].type, n->raw) == 0) &&
		    !((rules[i].flags & R_NOT_NESTED) && n->nested))
			check_rule(c, o, &rules[i], n->path);
	for (size_t i = 0; i < COUNT(checks); i++)
		if (strcmp(checks[i].type, n->type) == 0)
			checks[i].fn(c, o, n);
	for (size_t i = 0; i < COUNT(policies); i++)
		if (strcmp(policies[i].type, n->raw) == 0)
			report(c, 0, n->path, "%s", policies[i].message);
}

static void walk(struct vctx *c, const json_t *v, const char *path, const struct node *up,
                 const char *via, int depth)
{
	char p[PATH_MAX_LEN];
	const char *key;
	const json_t *val;
	struct node n;
	if (depth > DEPTH_MAX) {
		report(c, 1, path, "nested too deep");
		return;
	}
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			child_path(p, path, NULL, i);
			walk(c, json_array_get(v, i), p, up, via, depth + 1);
		}
		return;
	}
	if (!json_is_object(v))
		return;
	n.raw = type_of(v, via);
	n.type = canonical(n.raw);
	n.parent = up ? up->type : NULL;
	n.nested = up && via && (strcmp(via, "aggregateRating") == 0 || strcmp(via, "review") == 0);
	n.path = path;
	if (n.type)
		check_node(c, v, &n);
	json_object_foreach((json_t *)v, key, val) {
		if (key[0] == '@')
			continue;
		child_path(p, path, key, 0);
		check_property(c, key, val, p);
		if (json_is_object(val) || json_is_array(val))
			walk(c, val, p, &n, key, depth + 1);
	}
}

static int context_ok(const json_t *ctx)
{
	if (json_is_string(ctx))
		return strstr(json_string_value(ctx), "schema.org") != NULL;
	if (json_is_object(ctx))
		return context_ok(json_object_get(ctx, "@vocab"));
	for (size_t i = 0; i < json_array_size(ctx); i++)
		if (context_ok(json_array_get(ctx, i)))
			return 1;
	return 0;
}

/* A top-level node: @context here, @type here or on each @graph member. */
static void check_top(struct vctx *c, const json_t *o, const char *path)
{
	const json_t *graph = json_object_get(o, "@graph");
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	if (!json_is_object(o)) {
		report(c, 1, path, "must be a JSON object");
		return;
	}
	if (!context_ok(json_object_get(o, "@context")))
		report(c, 1, path, "missing or wrong @context (expected %s)", JSONLD_CONTEXT);
	if (!json_is_array(graph)) {
		if (!type_of(o, NULL))
			report(c, 1, path, "missing @type");
		walk(c, o, path, NULL, NULL, 0);
		return;
	}
	child_path(p, path, "@graph", 0);
	for (size_t i = 0; i < json_array_size(graph); i++) {
		child_path(q, p, NULL, i);
		if (!type_of(json_array_get(graph, i), NULL))
			report(c, 1, q, "missing @type");
		walk(c, json_array_get(graph, i), q, NULL, NULL, 1);
	}
}

json_t *jsonld_validate_new(const json_t *doc)
{
	struct vctx c = {json_array(), json_array(), 0};
	char p[PATH_MAX_LEN];
	json_t *out = NULL;
	if (!c.errors || !c.warnings)
		goto out;
	if (json_is_array(doc)) {
		for (size_t i = 0; i < json_array_size(doc); i++) {
			child_path(p, "$", NULL, i);
			check_top(&c, json_array_get(doc, i), p);
		}
	} else {
		check_top(&c, doc, "$");
	}
	if (c.err)
		goto out;
	out = json_pack("{s:b, s:O, s:O}", "valid", json_array_size(c.errors) == 0,
	                "errors", c.errors, "warnings", c.warnings);
out:
	json_decref(c.errors);
	json_decref(c.warnings);
	return out;
}

json_t *jsonld_validated_new(json_t *markup)
{
	json_t *v = markup ? jsonld_validate_new(markup) : NULL;
	if (!v) {
		json_decref(markup);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "markup", markup, "validation", v);
}
