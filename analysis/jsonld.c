/* jsonld.c - schema.org builders and a table-driven validator; see jsonld.h.
 *
 * The validator walks every object of a document. Each object's type (its
 * @type, a subtype mapped to its parent, or implied by the property holding
 * it) selects rows of `rules` (required / recommended properties); every
 * property with a known value kind is checked by `kinds`; a few type checks
 * (rating ranges, about/mentions, Google policies) are rows of `checks`. */
#include "jsonld.h"
#include "schemaorg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
enum {
	R_NOT_NESTED = 1, /* not needed when nested in the item it reviews */
	R_SUBJECT = 2,    /* only for a subject, not a reference (itemReviewed, about, mentions) */
	R_PRODUCT = 4,    /* only for the offer of a Product (or a subtype: Car); not an Event's */
};

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
	/* Product snippets and merchant listings */
	{"Product", "name", REQUIRED, 0},
	{"Product", "offers|review|aggregateRating", REQUIRED, R_SUBJECT},
	{"Product", "image", RECOMMENDED, R_SUBJECT},
	{"Product", "description", RECOMMENDED, R_SUBJECT},
	{"Product", "brand", RECOMMENDED, R_SUBJECT},
	{"Product", "sku|gtin|gtin8|gtin12|gtin13|gtin14|mpn", RECOMMENDED, R_SUBJECT},
	{"Offer", "price|priceSpecification", REQUIRED, 0},
	{"Offer", "priceCurrency|priceSpecification", REQUIRED, 0},
	{"Offer", "availability", RECOMMENDED, 0},
	{"Offer", "priceValidUntil", RECOMMENDED, R_PRODUCT},
	{"Offer", "url", RECOMMENDED, 0},
	{"AggregateOffer", "lowPrice", REQUIRED, 0},
	{"AggregateOffer", "priceCurrency", REQUIRED, 0},
	{"AggregateOffer", "highPrice", RECOMMENDED, 0},
	{"AggregateOffer", "offerCount", RECOMMENDED, 0},
	{"UnitPriceSpecification", "price", REQUIRED, 0},
	{"UnitPriceSpecification", "priceCurrency", REQUIRED, 0},
	{"Brand", "name", REQUIRED, 0},
	{"PropertyValue", "name|propertyID", REQUIRED, 0},
	{"PropertyValue", "value|minValue|maxValue", REQUIRED, 0},
	{"PropertyValue", "unitCode|unitText", RECOMMENDED, 0},
	{"LocationFeatureSpecification", "name", REQUIRED, 0},
	{"LocationFeatureSpecification", "value", REQUIRED, 0},
	{"QuantitativeValue", "value|minValue|maxValue", REQUIRED, 0},
	/* Vehicle listings (Car); the VIN is optional here: fleet vehicles are not for sale */
	{"Vehicle", "name", REQUIRED, 0},
	{"Vehicle", "brand", REQUIRED, 0},
	{"Vehicle", "model", REQUIRED, 0},
	{"Vehicle", "image", RECOMMENDED, 0},
	{"Vehicle", "vehicleIdentificationNumber", RECOMMENDED, 0},
	{"Vehicle", "fuelType", RECOMMENDED, 0},
	{"Vehicle", "mileageFromOdometer", RECOMMENDED, 0},
	{"Vehicle", "vehicleModelDate", RECOMMENDED, 0},
	{"Vehicle", "itemCondition", RECOMMENDED, 0},
	{"AutomotiveBusiness", "amenityFeature", RECOMMENDED, 0},
	/* HowTo (rich result retired 2023; the documented properties stay the check) */
	{"HowTo", "name", REQUIRED, 0},
	{"HowTo", "step", REQUIRED, 0},
	{"HowTo", "totalTime", RECOMMENDED, 0},
	{"HowTo", "image", RECOMMENDED, 0},
	{"HowTo", "supply", RECOMMENDED, 0},
	{"HowTo", "tool", RECOMMENDED, 0},
	{"HowTo", "estimatedCost", RECOMMENDED, 0},
	{"HowToStep", "text|itemListElement", REQUIRED, 0},
	{"HowToStep", "name", RECOMMENDED, 0},
	{"HowToStep", "image", RECOMMENDED, 0},
	{"HowToStep", "url", RECOMMENDED, 0},
	{"HowToSection", "name", REQUIRED, 0},
	{"HowToSection", "itemListElement", REQUIRED, 0},
	{"HowToDirection", "text", REQUIRED, 0},
	{"HowToTip", "text", REQUIRED, 0},
	{"HowToSupply", "name", REQUIRED, 0},
	{"HowToTool", "name", REQUIRED, 0},
	/* Q&A pages (the Question and Answer rules of QAPage are in check_qapage) */
	{"QAPage", "mainEntity", REQUIRED, 0},
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
	{"offers", "Offer"}, {"step", "HowToStep"}, {"mainEntity", "Question"},
};

enum kind {
	K_TEXT, K_NUMBER, K_COUNT, K_URL, K_SAMEAS, K_DATE, K_TIME, K_LAT, K_LON, K_NAMED,
	K_DURATION, K_OFFSET, K_CURRENCY, K_TALLY,
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
	{"startOffset", K_OFFSET}, {"endOffset", K_OFFSET}, {"price", K_NUMBER},
	{"lowPrice", K_NUMBER}, {"highPrice", K_NUMBER}, {"priceCurrency", K_CURRENCY},
	{"answerCount", K_TALLY}, {"upvoteCount", K_TALLY},
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
	int reference;      /* held by itemReviewed, about or mentions: named, not described */
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

static int has_rules(const char *type, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < COUNT(rules); i++)
		if (strcmp(rules[i].type, type) == 0)
			return 1;
	return 0;
}

static const char *listed_parent(const char *type)
{
	for (size_t i = 0; type && i < COUNT(subtypes); i++)
		if (strcmp(subtypes[i].type, type) == 0)
			return subtypes[i].parent;
	return NULL;
}

/* The type whose rules apply: the listed parent, the type itself when it
 * has rules, else its nearest schema.org ancestor with rules. */
static const char *canonical(const char *type)
{
	const char *t = listed_parent(type), *near;
	if (t || !type || has_rules(type, NULL))
		return t ? t : type;
	near = schemaorg_nearest(schemaorg_type(type), has_rules, NULL);
	return near ? near : type;
}

/* 1 when `type` is schema.org type `ancestor` or one of its subtypes. */
static int is_a(const char *type, const char *ancestor)
{
	return type && schemaorg_is_a(schemaorg_type(type), schemaorg_type(ancestor));
}

/* The one class property `prop` expects, when it expects exactly one. */
static const char *range_class(const char *prop)
{
	const unsigned short *r;
	int p = prop ? schemaorg_prop_index(prop) : -1;
	const char *one = NULL;
	size_t n = p < 0 ? 0 : schemaorg_range_of(p, &r);
	for (size_t i = 0; i < n; i++) {
		if (schemaorg_type_kind[r[i]] == SCHEMAORG_DATATYPE)
			continue;
		if (one)
			return NULL;
		one = schemaorg_type_name[r[i]];
	}
	return one;
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
	return range_class(via);
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
	case K_TALLY:
		if (!as_number(v, &x) || x < 0 || x != floor(x))
			report(c, 1, path, "must be a whole number >= 0");
		break;
	case K_CURRENCY:
		if (!s || strlen(s) != 3 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
			report(c, 1, path, "must be an ISO 4217 currency code (EUR)");
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

/* ---- the schema.org vocabulary ------------------------------------------------------ */

#define TYPES_MAX 4

/* 1 when `key` has a row in `kinds` (checked there, more precisely). */
static int has_kind(const char *key)
{
	for (size_t i = 0; i < COUNT(kinds); i++)
		if (strcmp(kinds[i].prop, key) == 0)
			return 1;
	return 0;
}

/* Known schema.org types of o (its @type, else the implied raw type);
 * unknown names and a malformed @type are reported. Returns the count. */
static size_t vocab_types(struct vctx *c, const json_t *o, const char *raw, const char *path,
                          int *out)
{
	const json_t *t = json_object_get(o, "@type");
	size_t n = 0, len = json_is_array(t) ? json_array_size(t) : 1;
	if (!t) {
		out[0] = schemaorg_type(raw);
		return out[0] >= 0;
	}
	for (size_t i = 0; i < len; i++) {
		const json_t *e = json_is_array(t) ? json_array_get(t, i) : t;
		int x = schemaorg_type(json_string_value(e));
		if (!json_is_string(e))
			report(c, 1, path, "@type must be a text or a list of texts");
		else if (x < 0)
			report(c, 1, path, "unknown schema.org type '%.80s'", json_string_value(e));
		else if (n < TYPES_MAX)
			out[n++] = x;
	}
	return n;
}

/* Up to 4 expected type names of property p, for messages. */
static void range_names(int p, char *out, size_t size)
{
	const unsigned short *r;
	size_t n = schemaorg_range_of(p, &r), used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && i < 4; i++) {
		int k = snprintf(out + used, size - used, "%s%s", i ? ", " : "", schemaorg_type_name[r[i]]);
		if (k < 0 || (size_t)k >= size - used)
			return;
		used += (size_t)k;
	}
	if (n > 4 && used + 5 < size)
		memcpy(out + used, ", ...", 6);
}

/* 1 when text s is a valid value of data type `name`. */
static int datatype_accepts(const char *name, const char *s)
{
	static const char *const texts[] = {"Text", "CssSelectorType", "XPathType", "Distance",
	                                    "Energy", "Mass", "Quantity"};
	static const char *const bools[] = {"True", "False", "true", "false",
	                                    "https://schema.org/True", "https://schema.org/False"};
	double x;
	for (size_t i = 0; i < COUNT(texts); i++)
		if (strcmp(name, texts[i]) == 0)
			return 1;
	for (size_t i = 0; strcmp(name, "Boolean") == 0 && i < COUNT(bools); i++)
		if (strcmp(s, bools[i]) == 0)
			return 1;
	if (strcmp(name, "URL") == 0)
		return jsonld_is_absolute_url(s);
	if (strcmp(name, "Date") == 0 && (strlen(s) == 4 || strlen(s) == 7)) { /* 2023, 2023-05 */
		int y, m = 1;
		return digits(s, 4, &y) && (!s[4] || (s[4] == '-' && digits(s + 5, 2, &m))) && m >= 1 && m <= 12;
	}
	if (strcmp(name, "Date") == 0 || strcmp(name, "DateTime") == 0)
		return jsonld_is_iso8601(s);
	if (strcmp(name, "Time") == 0)
		return clock_time(s) == strlen(s);
	if (strcmp(name, "Duration") == 0)
		return jsonld_is_duration(s);
	if (strcmp(name, "Number") == 0 || strcmp(name, "Float") == 0 || strcmp(name, "Integer") == 0) {
		char *end;
		x = strtod(s, &end);
		return *s && *end == '\0' && isfinite(x) && (name[0] != 'I' || x == floor(x));
	}
	return 0;
}

/* Text value s of property p: 0 fits, 1 wrong (error), 2 a text where an
 * object is expected (warning). */
static int text_fits(int p, const char *s)
{
	const unsigned short *r;
	size_t n = schemaorg_range_of(p, &r);
	int soft = 0, literal = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = schemaorg_type_name[r[i]];
		switch (schemaorg_type_kind[r[i]]) {
		case SCHEMAORG_DATATYPE:
			if (datatype_accepts(name, s))
				return 0;
			break;
		case SCHEMAORG_ENUMERATION:
			if (schemaorg_is_member(r[i], s) || jsonld_is_absolute_url(s))
				return 0;
			break;
		default:
			if (jsonld_is_absolute_url(s)) /* a reference by @id */
				return 0;
			soft = 1;
		}
		if (schemaorg_type_kind[r[i]] != SCHEMAORG_CLASS)
			literal = 1;
	}
	/* "brand": "ACME" is understood; "numberOfDoors": "vier" is not a Number */
	return n == 0 ? 0 : soft && !literal ? 2 : 1;
}

/* 1 when range of p holds data type `name`. */
static int range_has(int p, const char *name)
{
	const unsigned short *r;
	size_t n = schemaorg_range_of(p, &r);
	for (size_t i = 0; i < n; i++)
		if (strcmp(schemaorg_type_name[r[i]], name) == 0)
			return 1;
	return 0;
}

/* 1 when an object of type t fits property p's range (or a Role wraps it). */
static int object_fits(int p, int t)
{
	const unsigned short *r;
	size_t n = schemaorg_range_of(p, &r);
	if (n == 0 || schemaorg_is_a(t, schemaorg_type("Role")))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (schemaorg_type_kind[r[i]] != SCHEMAORG_DATATYPE && schemaorg_is_a(t, r[i]))
			return 1;
	return 0;
}

/* Checks one value of property p (key) against its expected types. */
static void check_range(struct vctx *c, int p, const char *key, const json_t *v, const char *path)
{
	char names[160];
	const char *s = json_string_value(v);
	int t, fit = 0;
	range_names(p, names, sizeof(names));
	if (json_is_object(v)) {
		t = schemaorg_type(type_of(v, NULL));
		if (t >= 0 && !object_fits(p, t))
			report(c, 1, path, "a %s is not expected in '%s' (expected %s)",
			       schemaorg_type_name[t], key, names);
		return;
	}
	if (json_is_boolean(v))
		fit = range_has(p, "Boolean") ? 0 : 1;
	else if (json_is_number(v))
		fit = range_has(p, "Number") || range_has(p, "Integer") || range_has(p, "Float") ||
		      range_has(p, "Text") ? 0 : 1;
	else if (s)
		fit = text_fits(p, s);
	if (fit == 1)
		report(c, 1, path, "'%s' expects %s", key, names);
	else if (fit == 2)
		report(c, 0, path, "text where '%s' expects %s", key, names);
}

/* Each property must exist in schema.org, belong to one of the node's types
 * and (unless `kinds` checks it) hold values of its expected types. */
static void check_vocab(struct vctx *c, const json_t *o, const char *raw, const char *path)
{
	int types[TYPES_MAX];
	size_t nt = vocab_types(c, o, raw, path, types), k = 0;
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN], name[64];
	const char *key;
	const json_t *val;
	json_object_foreach((json_t *)o, key, val) {
		size_t len = strlen(key), cut = len;
		int prop, action = 0;
		if (key[0] == '@')
			continue;
		if (len > 6 && strcmp(key + len - 6, "-input") == 0)
			cut = len - 6, action = 1;
		else if (len > 7 && strcmp(key + len - 7, "-output") == 0)
			cut = len - 7, action = 1;
		snprintf(name, sizeof(name), "%.*s", (int)cut, key);
		child_path(p, path, key, 0);
		if ((prop = schemaorg_prop_index(name)) < 0) {
			report(c, 1, p, "unknown schema.org property '%.80s'", key);
			continue;
		}
		for (k = 0; k < nt && !schemaorg_has_prop(types[k], prop); k++)
			;
		if (nt && k == nt) {
			report(c, 1, p, "'%.80s' is not a property of %s", key, schemaorg_type_name[types[0]]);
			continue;
		}
		if (action || has_kind(key))
			continue;
		for (size_t i = 0; i < (json_is_array(val) ? json_array_size(val) : 1); i++) {
			if (json_is_array(val))
				child_path(q, p, NULL, i);
			check_range(c, prop, key, json_is_array(val) ? json_array_get(val, i) : val,
			            json_is_array(val) ? q : p);
		}
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
	const char *t = json_is_object(item) ? type_of(item, NULL) : n->nested ? n->parent : NULL;
	if (is_a(t, "LocalBusiness") || is_a(t, "Organization"))
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

/* ---- Q&A, HowTo and vehicle checks ---------------------------------------------------- */

/* Items of v: an array's size, 1 for one value, 0 when absent. */
static size_t items(const json_t *v)
{
	return json_is_array(v) ? json_array_size(v) : v && !json_is_null(v) ? 1 : 0;
}

static const json_t *item(const json_t *v, size_t i)
{
	return json_is_array(v) ? json_array_get(v, i) : v;
}

/* Host of an absolute URL into out ("" when none). */
static void host_of(const char *url, char *out, size_t size)
{
	const char *h = url && jsonld_is_absolute_url(url) ? strstr(url, "://") + 3 : NULL;
	size_t n = h ? strcspn(h, "/?#:") : 0;
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), h ? h : "");
}

/* 1 when an answer's author is the site that publishes the page: the name
 * or url of its publisher (or the WebSite it is part of), or the site's home
 * page (of `site_url`, else the page's url) as its url. Users' profile pages
 * on the same host are not the site. */
static int by_site(const json_t *page, const char *site_url, const json_t *author)
{
	static const char *const owners[] = {"publisher", "isPartOf", "sourceOrganization"};
	char site[128], own[128];
	const char *name = json_string_value(json_object_get(author, "name"));
	const char *url = json_string_value(json_object_get(author, "url"));
	host_of(site_url ? site_url : json_string_value(json_object_get(page, "url")), site, sizeof(site));
	host_of(url, own, sizeof(own));
	if (site[0] && strcmp(site, own) == 0 && strlen(strstr(url, own) + strlen(own)) <= 1)
		return 1; /* "https://host" or "https://host/" */
	for (size_t i = 0; name && i < COUNT(owners); i++) {
		const json_t *o = json_object_get(page, owners[i]);
		const char *oname = json_string_value(json_object_get(o, "name"));
		const char *ourl = json_string_value(json_object_get(o, "url"));
		if ((oname && strcasecmp(oname, name) == 0) || (ourl && url && strcmp(ourl, url) == 0))
			return 1;
	}
	return 0;
}

/* Calls fn for each answer of QAPage `page` with its path; stops when fn
 * returns 1 and returns 1 then. */
static int each_answer(const json_t *page, const char *path,
                       int (*fn)(const json_t *page, const json_t *a, const char *path, void *arg),
                       void *arg)
{
	static const char *const answers[] = {"acceptedAnswer", "suggestedAnswer"};
	const json_t *me = json_object_get(page, "mainEntity"), *q = json_is_array(me) ? json_array_get(me, 0) : me;
	char p[PATH_MAX_LEN], ap[PATH_MAX_LEN], aq[PATH_MAX_LEN];
	child_path(p, path, "mainEntity", 0);
	if (json_is_array(me)) {
		child_path(aq, p, NULL, 0);
		memcpy(p, aq, sizeof(p));
	}
	for (size_t k = 0; json_is_object(q) && k < COUNT(answers); k++) {
		const json_t *v = json_object_get(q, answers[k]);
		size_t n = json_is_array(v) ? json_array_size(v) : v ? 1 : 0;
		child_path(ap, p, answers[k], 0);
		for (size_t i = 0; i < n; i++) {
			if (json_is_array(v))
				child_path(aq, ap, NULL, i);
			if (fn(page, json_is_array(v) ? json_array_get(v, i) : v, json_is_array(v) ? aq : ap, arg))
				return 1;
		}
	}
	return 0;
}

static int check_answer(const json_t *page, const json_t *a, const char *path, void *arg)
{
	struct vctx *c = arg;
	static const char *const recommended[] = {"datePublished", "url", "upvoteCount"};
	const json_t *author = json_object_get(a, "author");
	if (!json_is_object(a))
		return 0; /* reported by the walk */
	if (!present(a, "author", 6))
		report(c, 1, path, "missing required property 'author' (a QAPage answer names its author)");
	else if (json_is_object(author) && by_site(page, NULL, author))
		report(c, 1, path, "answer written by the site itself: Google's Q&A policy is for "
		       "answers by users; mark up site-written answers as FAQPage");
	for (size_t i = 0; i < COUNT(recommended); i++)
		if (!present(a, recommended[i], strlen(recommended[i])))
			report(c, 0, path, "missing recommended property '%s'", recommended[i]);
	return 0;
}

/* QAPage: exactly one Question with answerCount covering the listed answers. */
static void check_qapage(struct vctx *c, const json_t *o, const struct node *n)
{
	const json_t *me = json_object_get(o, "mainEntity"), *q = item(me, 0);
	char p[PATH_MAX_LEN], ap[PATH_MAX_LEN];
	double count;
	size_t listed;
	child_path(p, n->path, "mainEntity", 0);
	if (items(me) > 1 || (me && (!json_is_object(q) || !is_a(type_of(q, "mainEntity"), "Question")))) {
		report(c, 1, p, "a QAPage holds exactly one Question (found %zu item(s))", items(me));
		return;
	}
	if (!q)
		return; /* the rule reports the missing mainEntity */
	if (json_is_array(me)) {
		child_path(ap, p, NULL, 0);
		memcpy(p, ap, sizeof(p));
	}
	each_answer(o, n->path, check_answer, c);
	listed = items(json_object_get(q, "acceptedAnswer")) + items(json_object_get(q, "suggestedAnswer"));
	child_path(ap, p, "answerCount", 0);
	if (!present(q, "answerCount", 11))
		report(c, 1, p, "missing required property 'answerCount'");
	else if (as_number(json_object_get(q, "answerCount"), &count) && count < (double)listed)
		report(c, 1, ap, "answerCount %g is less than the %zu answers listed", count, listed);
	if (!present(q, "author", 6) || !present(q, "datePublished", 13) || !present(q, "text", 4))
		report(c, 0, p, "missing recommended properties of the Question (author, datePublished, text)");
}

struct self {
	const char *site_url;
	char *path;
	size_t size;
};

static int self_written(const json_t *page, const json_t *a, const char *path, void *arg)
{
	struct self *s = arg;
	const json_t *author = json_object_get(a, "author");
	if (!json_is_object(author) || !by_site(page, s->site_url, author))
		return 0;
	snprintf(s->path, s->size, "%s.author", path);
	return 1;
}

int jsonld_self_answered(const json_t *doc, const char *site_url, char *path, size_t size)
{
	const json_t *graph = json_object_get(doc, "@graph");
	const json_t *nodes = json_is_array(graph) ? graph : doc;
	char p[PATH_MAX_LEN], base[PATH_MAX_LEN];
	struct self s = {site_url, path, size};
	size_t n = json_is_array(nodes) ? json_array_size(nodes) : 1;
	snprintf(base, sizeof(base), json_is_array(graph) ? "$.@graph" : "$");
	for (size_t i = 0; i < n; i++) {
		const json_t *o = json_is_array(nodes) ? json_array_get(nodes, i) : nodes;
		if (json_is_array(nodes))
			child_path(p, base, NULL, i);
		else
			memcpy(p, base, sizeof(p));
		if (json_is_object(o) && is_a(type_of(o, NULL), "QAPage") && each_answer(o, p, self_written, &s))
			return 1;
	}
	return 0;
}

int jsonld_duration_seconds(const char *s, double *out)
{
	static const struct { char unit; int in_time; double seconds; } units[] = {
		{'Y', 0, 365 * 86400.0}, {'M', 0, 30 * 86400.0}, {'W', 0, 7 * 86400.0},
		{'D', 0, 86400}, {'H', 1, 3600}, {'M', 1, 60}, {'S', 1, 1},
	};
	int in_time = 0;
	if (!jsonld_is_duration(s))
		return -1;
	*out = 0;
	for (s++; *s;) {
		char *end;
		double x;
		if (*s == 'T') {
			in_time = 1;
			s++;
			continue;
		}
		x = strtod(s, &end);
		for (size_t i = 0; i < COUNT(units); i++)
			if (units[i].unit == *end && units[i].in_time == in_time)
				*out += x * units[i].seconds;
		s = end + 1;
	}
	return 0;
}

/* Seconds the steps (and the steps of sections) of a HowTo declare. */
static double steps_seconds(const json_t *steps, int depth)
{
	static const char *const props[] = {"timeRequired", "performTime", "prepTime", "totalTime"};
	double sum = 0, x;
	for (size_t i = 0; depth < 4 && i < items(steps); i++) {
		const json_t *s = item(steps, i);
		for (size_t k = 0; k < COUNT(props); k++)
			if (jsonld_duration_seconds(json_string_value(json_object_get(s, props[k])), &x) == 0)
				sum += x;
		sum += steps_seconds(json_object_get(s, "itemListElement"), depth + 1);
	}
	return sum;
}

/* HowTo: the step durations must fit in totalTime. */
static void check_howto(struct vctx *c, const json_t *o, const struct node *n)
{
	double total, steps = steps_seconds(json_object_get(o, "step"), 0);
	char p[PATH_MAX_LEN];
	if (jsonld_duration_seconds(json_string_value(json_object_get(o, "totalTime")), &total) != 0)
		return;
	child_path(p, n->path, "totalTime", 0);
	if (steps > total)
		report(c, 1, p, "the steps take %g s, more than totalTime (%g s)", steps, total);
}

/* Vehicle: mileage with a unit (KMT or SMI); e-mobility fleet: fuelType Electric. */
static void check_vehicle(struct vctx *c, const json_t *o, const struct node *n)
{
	const json_t *m = json_object_get(o, "mileageFromOdometer");
	const char *unit = json_string_value(json_object_get(m, "unitCode"));
	char p[PATH_MAX_LEN];
	child_path(p, n->path, "mileageFromOdometer", 0);
	if (json_is_object(m) && (!unit || (strcmp(unit, "KMT") != 0 && strcmp(unit, "SMI") != 0)))
		report(c, 1, p, "needs unitCode KMT (km) or SMI (miles)");
}

static const struct {
	const char *type;
	void (*fn)(struct vctx *c, const json_t *o, const struct node *n);
} checks[] = {
	{"AggregateRating", check_rating}, {"Rating", check_rating},
	{"AggregateRating", check_self_serving}, {"Review", check_self_serving},
	{"WebPage", check_about}, {"QAPage", check_qapage}, {"HowTo", check_howto},
	{"Vehicle", check_vehicle},
};

/* ---- walk ------------------------------------------------------------------------ */

static void check_node(struct vctx *c, const json_t *o, const struct node *n)
{
	const char *up = listed_parent(n->type);
	up = up ? up : n->type; /* AutoRepair: AutomotiveBusiness, then LocalBusiness */
	for (size_t i = 0; i < COUNT(rules); i++)
		if ((strcmp(rules[i].type, n->type) == 0 || strcmp(rules[i].type, n->raw) == 0 ||
		     (up != n->type && strcmp(rules[i].type, up) == 0)) &&
		    !((rules[i].flags & R_NOT_NESTED) && n->nested) &&
		    !((rules[i].flags & R_SUBJECT) && n->reference) &&
		    !((rules[i].flags & R_PRODUCT) && !is_a(n->parent, "Product")))
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
	n.reference = via && (strcmp(via, "itemReviewed") == 0 || strcmp(via, "about") == 0 ||
	                      strcmp(via, "mentions") == 0);
	n.path = path;
	if (n.type)
		check_node(c, v, &n);
	check_vocab(c, v, n.raw, path);
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
