/* openapi.c - the OpenAPI 3.1 description; see openapi.h.
 *
 * Per operation: operationId (router_operation_id), a tag per service, the
 * security schemes of the row's credentials, query parameters and request
 * body from the rule tables, the success body from handlers/schemas/, and a
 * problem+json response for every error class the row implies. */
#include "openapi.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"

/* JSON Schema type and format of each validator type (enum vtype order). */
static const struct {
	const char *type, *format;
} vtypes[] = {
	[V_STRING] = {"string", NULL}, [V_INT] = {"integer", NULL},
	[V_NUMBER] = {"number", NULL}, [V_BOOL] = {"boolean", NULL},
	[V_OBJECT] = {"object", NULL}, [V_ARRAY] = {"array", NULL},
	[V_URL] = {"string", "uri"}, [V_DATE] = {"string", "date"},
	[V_EMAIL] = {"string", "email"}, [V_ANY] = {NULL, NULL},
};

/* The error classes: status, when a route can give it, what it means. */
enum { E_ALWAYS, E_BODY, E_JSON, E_INPUT, E_USER, E_ROLE, E_PARAM, E_LOGIN, E_PATCH,
       E_BUILT, E_DB, E_UNBUILT, E_WRITE };
static const struct {
	int status, when;
	const char *description;
} problems[] = {
	{400, E_JSON, "Malformed JSON, invalid UTF-8 or a bad header value"},
	{401, E_USER, "No credentials, or a bad or expired token or key"},
	{403, E_ROLE, "The role is too low, or the Origin is not one of the site's"},
	{404, E_PARAM, "No such record"},
	{409, E_WRITE, "A conflict with the stored state (the detail says which), or the same Idempotency-Key still running"},
	{412, E_PATCH, "If-Match does not match the current version"},
	{413, E_BODY, "The body exceeds the route's limit"},
	{415, E_JSON, "Content-Type is not one of the media types the route accepts"},
	{422, E_INPUT, "Validation failed; `errors` names every bad field"},
	{428, E_PATCH, "If-Match is missing: send the ETag of the version being changed"},
	{429, E_LOGIN, "Too many failed logins"},
	{500, E_BUILT, "An unexpected error; the server log has the request id"},
	{501, E_UNBUILT, "This endpoint is not built yet"},
	{503, E_DB, "The database is not reachable; retry after Retry-After"},
};

static int is_write(const route_t *rt)
{
	return strcmp(rt->method, "GET") != 0 && strcmp(rt->method, "DELETE") != 0;
}

/* Whether route rt can answer with error class `when`. */
static int can_fail(const route_t *rt, int when)
{
	const api_op_t *op = rt->op;
	switch (when) {
	case E_ALWAYS: return 1;
	case E_BODY: return is_write(rt);
	case E_JSON: return rt->handler && op && op->body;
	case E_INPUT: return rt->handler && op && (op->body || op->nquery);
	case E_USER: return rt->min_role != ROLE_NONE || (rt->accept & ACCEPT_SITEKEY);
	case E_ROLE: return rt->min_role > ROLE_VIEWER || (rt->accept & ACCEPT_SITEKEY);
	case E_PARAM: return strchr(rt->pattern, '{') != NULL;
	case E_LOGIN: return rt->handler && strcmp(rt->pattern, "/api/auth/login") == 0;
	case E_PATCH: return strcmp(rt->method, "PATCH") == 0;
	case E_BUILT: return rt->handler != NULL;
	case E_DB: return rt->handler != NULL && rt->min_role + rt->accept + rt->spec_no > 0;
	case E_UNBUILT: return rt->handler == NULL;
	case E_WRITE: return rt->handler != NULL && is_write(rt);
	}
	return 0;
}

static json_t *object_schema(const vschema_t *s, json_t *components);

/* JSON Schema of one rule's value. */
static json_t *rule_schema(const vrule_t *rl, json_t *components)
{
	static const char *const bounds[][2] = {
		[V_STRING] = {"minLength", "maxLength"}, [V_INT] = {"minimum", "maximum"},
		[V_NUMBER] = {"minimum", "maximum"}, [V_ARRAY] = {"minItems", "maxItems"},
		[V_URL] = {"minLength", "maxLength"}, [V_EMAIL] = {"minLength", "maxLength"},
	};
	json_t *s = vtypes[rl->type].type ? json_pack("{s:s}", "type", vtypes[rl->type].type)
		    : json_object();        /* V_ANY: any JSON value, the handler checks it */
	if (!s)
		return NULL;
	if (vtypes[rl->type].format)
		json_object_set_new(s, "format", json_string(vtypes[rl->type].format));
	if (rl->type == V_DATE)        /* the validator also takes a date-time */
		json_object_set_new(s, "format", json_string("date"));
	if ((rl->min != 0 || rl->max != 0) && rl->type < sizeof(bounds) / sizeof(bounds[0]) &&
	    bounds[rl->type][0]) {
		int integral = rl->type != V_NUMBER;
		json_object_set_new(s, bounds[rl->type][0], integral ?
			json_integer((json_int_t)rl->min) : json_real(rl->min));
		json_object_set_new(s, bounds[rl->type][1], integral ?
			json_integer((json_int_t)rl->max) : json_real(rl->max));
	}
	if (rl->oneof) {
		json_t *e = json_array();
		for (const char *const *o = rl->oneof; *o; o++)
			json_array_append_new(e, json_string(*o));
		json_object_set_new(s, "enum", e);
	}
	if (rl->of && rl->type == V_ARRAY)
		json_object_set_new(s, "items", object_schema(rl->of, components));
	else if (rl->of)
		json_object_update(s, object_schema(rl->of, components));
	return s;
}

/* Adds the rules to an object schema's properties and required list. */
static void add_fields(json_t *obj, const vrule_t *rules, size_t n, json_t *components)
{
	json_t *props = json_object_get(obj, "properties"), *req = json_object_get(obj, "required");
	for (size_t i = 0; i < n; i++) {
		json_object_set_new(props, rules[i].field, rule_schema(&rules[i], components));
		if (rules[i].required)
			json_array_append_new(req, json_string(rules[i].field));
	}
}

/* One variant of a typed object: the common fields with "type" fixed. */
static json_t *variant(const vschema_t *s, const char *kind, json_t *components)
{
	json_t *v = json_pack("{s:s, s:{}, s:[]}", "type", "object", "properties", "required");
	add_fields(v, s->fields, s->n, components);
	for (size_t k = 0; k < s->nparts; k++)
		if (strcmp(s->parts[k].when, kind) == 0)
			add_fields(v, s->parts[k].rules, s->parts[k].n, components);
	json_object_set_new(json_object_get(v, "properties"), "type",
			    json_pack("{s:s, s:s}", "type", "string", "const", kind));
	json_object_set_new(v, "title", json_string(kind));
	return v;
}

/* The schema of `s`; a named one goes to components and is referenced. */
static json_t *object_schema(const vschema_t *s, json_t *components)
{
	json_t *schemas = json_object_get(components, "schemas");
	if (s->name && json_object_get(schemas, s->name))
		goto ref;
	json_t *o = json_pack("{s:s, s:{}, s:[]}", "type", "object", "properties", "required");
	add_fields(o, s->fields, s->n, components);
	const vrule_t *type = NULL;
	for (size_t i = 0; i < s->n && s->parts; i++)
		if (strcmp(s->fields[i].field, "type") == 0)
			type = &s->fields[i];
	if (type && type->oneof) {
		json_decref(o);
		o = json_pack("{s:[]}", "oneOf");
		for (const char *const *k = type->oneof; *k; k++)
			json_array_append_new(json_object_get(o, "oneOf"), variant(s, *k, components));
	} else if (json_array_size(json_object_get(o, "required")) == 0) {
		json_object_del(o, "required");
	}
	if (!s->name)
		return o;
	json_object_set_new(schemas, s->name, o);
ref:;
	char ref[128];
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", s->name);
	return json_pack("{s:s}", "$ref", ref);
}

/* requestBody of a route with a body schema; a batch also takes an array.
 * Every media type the route accepts (json_body_types: the beacons also take
 * text/plain, as sendBeacon sends) carries the same JSON schema. */
static json_t *request_body(const route_t *rt, json_t *components)
{
	const api_op_t *op = rt->op;
	json_t *one = object_schema(op->body, components), *schema = one;
	if (op->body->batch)
		schema = json_pack("{s:[o, {s:s, s:O, s:i, s:I}]}", "oneOf", one, "type", "array",
				   "items", one, "minItems", 1, "maxItems", (json_int_t)op->body->batch);
	int required = 0;
	for (size_t i = 0; i < op->body->n; i++)
		required |= op->body->fields[i].required;
	json_t *media = json_pack("{s:o}", "schema", schema);
	json_t *example = op->example ? json_loads(op->example, 0, NULL) : NULL;
	if (example)
		json_object_set_new(media, "example", example);
	char types[128];
	json_t *content = json_object();
	json_body_types(rt, types, sizeof(types));
	for (char *t = types, *end; *t; t = end) {
		end = t + strcspn(t, ",");
		char save = *end;
		*end = '\0';
		json_object_set(content, t, media);
		end += save ? 1 + strspn(end + 1, " ") : 0;
	}
	json_decref(media);
	return json_pack("{s:b, s:o}", "required", required, "content", content);
}

static void add_ref(json_t *list, const char *kind, const char *name)
{
	char ref[128];
	snprintf(ref, sizeof(ref), "#/components/%s/%s", kind, name);
	json_array_append_new(list, json_pack("{s:s}", "$ref", ref));
}

/* Path parameters, query rules, Idempotency-Key and If-Match. */
static json_t *parameters(const route_t *rt, json_t *components)
{
	json_t *params = json_array();
	for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}, s:s}", "name",
			p + 1, (size_t)(e - p - 1), "in", "path", "required", 1, "schema", "type",
			"string", "description", "The record's id"));
	}
	for (size_t i = 0; rt->op && i < rt->op->nquery; i++) {
		const vrule_t *rl = &rt->op->query[i];
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name", rl->field,
			"in", "query", "required", rl->required, "schema", rule_schema(rl, components)));
	}
	if (rt->handler && is_write(rt))
		add_ref(params, "parameters", "IdempotencyKey");
	if (strcmp(rt->method, "PATCH") == 0)
		add_ref(params, "parameters", "IfMatch");
	return params;
}

/* The success response: the schema file of the operation, CSV when offered. */
static json_t *success(const route_t *rt, const char *id)
{
	json_t *schema = openapi_reply_schema_new(id);
	json_t *content = json_object();
	if (rt->op && rt->op->status == 204)
		return json_pack("{s:s, s:{s:{s:s}}}", "description", rt->summary, "headers",
			"X-Request-Id", "$ref", "#/components/headers/RequestId");
	int metrics = strcmp(rt->pattern, "/metrics") == 0;
	json_object_set_new(content, metrics ? "text/plain" : "application/json",
		json_pack("{s:o}", "schema", schema ? schema : json_pack("{s:s}", "type", "object")));
	for (size_t i = 0; rt->op && i < rt->op->nquery; i++)
		if (strcmp(rt->op->query[i].field, "format") == 0)
			json_object_set_new(content, "text/csv",
				json_pack("{s:{s:s}}", "schema", "type", "string"));
	return json_pack("{s:s, s:{s:{s:s}}, s:o}", "description", rt->summary, "headers",
		"X-Request-Id", "$ref", "#/components/headers/RequestId", "content", content);
}

static json_t *responses(const route_t *rt, const char *id)
{
	json_t *res = json_object();
	char code[8];
	snprintf(code, sizeof(code), "%d", rt->op && rt->op->status ? rt->op->status : 200);
	if (rt->handler)
		json_object_set_new(res, code, success(rt, id));
	else                    /* where the reply schema goes when the service lands */
		json_object_set_new(res, code, json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
			"The reply once the service is built; until then the route answers 501",
			"content", "application/json", "schema", "type", "object"));
	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++) {
		if (!can_fail(rt, problems[i].when))
			continue;
		char ref[64];
		snprintf(code, sizeof(code), "%d", problems[i].status);
		snprintf(ref, sizeof(ref), "#/components/responses/Problem%d", problems[i].status);
		json_object_set_new(res, code, json_pack("{s:s}", "$ref", ref));
	}
	return res;
}

static json_t *security_of(const route_t *rt)
{
	static const struct { unsigned bit; const char *scheme; } schemes[] = {
		{ACCEPT_JWT, "bearer"}, {ACCEPT_APIKEY, "apiKey"}, {ACCEPT_SITEKEY, "siteKey"}};
	json_t *sec = json_array();
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (rt->accept & schemes[i].bit)
			json_array_append_new(sec, json_pack("{s:[]}", schemes[i].scheme));
	return sec;
}

/* The service a route belongs to: "ux-signals", "auth" or "platform". */
static void tag_of(const route_t *rt, char *out, size_t outlen)
{
	const char *p = rt->pattern;
	if (strncmp(p, "/api/level", 10) == 0 && (p = strchr(p + 5, '/')) != NULL) {
		const char *e = strchr(p + 1, '/');
		snprintf(out, outlen, "%.*s", (int)(e ? e - p - 1 : (long)strlen(p + 1)), p + 1);
	} else {
		snprintf(out, outlen, "%s", strncmp(p, "/api/auth/", 10) == 0 ? "auth" : "platform");
	}
}

static json_t *operation(const route_t *table, size_t n, const route_t *rt, json_t *comp)
{
	char id[96], tag[48], desc[256];
	router_operation_id(table, n, rt, id, sizeof(id));
	tag_of(rt, tag, sizeof(tag));
	snprintf(desc, sizeof(desc), "%s%s Minimum role: %s.%s", rt->summary,
		 rt->spec_no ? "." : ". Platform endpoint.",
		 rt->min_role ? role_name(rt->min_role) : "none",
		 rt->handler ? "" : " Not built yet: answers 501.");
	json_t *op = json_pack("{s:s, s:s, s:s, s:[s], s:o, s:o, s:o}", "operationId", id,
		"summary", rt->summary, "description", desc, "tags", tag,
		"parameters", parameters(rt, comp), "security", security_of(rt),
		"responses", responses(rt, id));
	if (!op)
		return NULL;
	if (json_array_size(json_object_get(op, "parameters")) == 0)
		json_object_del(op, "parameters");
	if (rt->op && rt->op->body)
		json_object_set_new(op, "requestBody", request_body(rt, comp));
	if (rt->spec_no)
		json_object_set_new(op, "x-spec-number", json_integer(rt->spec_no));
	return op;
}

json_t *openapi_reply_schema_new(const char *id)
{
	for (const openapi_file_t *f = openapi_files; f->name; f++)
		if (strcmp(f->name, id) == 0)
			return json_loads(f->json, 0, NULL);
	return NULL;
}

/* What does not depend on the table. */
static const char fixed[] =
	"{\"openapi\": \"3.1.0\","
	" \"info\": {\"title\": \"ZOE Solar platform API\", \"version\": \"0.1.0\","
	"  \"description\": \"SEO, analytics and marketing automation of ZOE Solar. Generated from"
	" the handler table (handlers/routes.c): every route, its role, its input rules and its"
	" reply schema. Errors are RFC 9457 problem+json; an unknown path answers 404, a wrong"
	" method 405 with Allow.\","
	"  \"contact\": {\"name\": \"ZOE Solar platform team\", \"email\": \"platform@zoe-solar.de\","
	"   \"url\": \"https://www.zoe-solar.de\"},"
	"  \"license\": {\"name\": \"Proprietary\", \"url\": \"https://www.zoe-solar.de/impressum\"}},"
	" \"components\": {"
	"  \"securitySchemes\": {"
	"   \"bearer\": {\"type\": \"http\", \"scheme\": \"bearer\", \"bearerFormat\": \"JWT\","
	"    \"description\": \"Access JWT from POST /api/auth/login (15 minutes)\"},"
	"   \"apiKey\": {\"type\": \"apiKey\", \"in\": \"header\", \"name\": \"X-Api-Key\","
	"    \"description\": \"API key with a role (zoe apikey add)\"},"
	"   \"siteKey\": {\"type\": \"apiKey\", \"in\": \"header\", \"name\": \"X-Site-Key\","
	"    \"description\": \"Public site key of the website's tracker; Origin is checked\"}},"
	"  \"schemas\": {"
	"   \"Problem\": {\"type\": \"object\", \"required\": [\"type\", \"title\", \"status\"],"
	"    \"properties\": {\"type\": {\"type\": \"string\"}, \"title\": {\"type\": \"string\"},"
	"     \"status\": {\"type\": \"integer\"}, \"detail\": {\"type\": \"string\"},"
	"     \"instance\": {\"type\": \"string\"}, \"errors\": {\"type\": \"array\", \"items\":"
	"      {\"$ref\": \"#/components/schemas/FieldError\"}}}},"
	"   \"FieldError\": {\"type\": \"object\", \"required\": [\"field\", \"message\"],"
	"    \"properties\": {\"field\": {\"type\": \"string\"}, \"message\": {\"type\": \"string\"}}}},"
	"  \"parameters\": {"
	"   \"IdempotencyKey\": {\"name\": \"Idempotency-Key\", \"in\": \"header\", \"required\": false,"
	"    \"description\": \"A retry with the same key within 24 hours gets the first answer\","
	"    \"schema\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 200}},"
	"   \"IfMatch\": {\"name\": \"If-Match\", \"in\": \"header\", \"required\": true,"
	"    \"description\": \"The ETag of the version being changed\","
	"    \"schema\": {\"type\": \"string\"}}},"
	"  \"headers\": {\"RequestId\": {\"description\": \"Id of this request in the server log\","
	"   \"schema\": {\"type\": \"string\"}}},"
	"  \"responses\": {}}}";

static json_t *base_new(const char *server)
{
	json_t *doc = json_loads(fixed, 0, NULL);
	json_t *responses = json_object_get(json_object_get(doc, "components"), "responses");
	if (!doc)
		return NULL;
	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "Problem%d", problems[i].status);
		json_object_set_new(responses, name, json_pack("{s:s, s:{s:{s:{s:s}}}}",
			"description", problems[i].description, "content",
			"application/problem+json", "schema", "$ref", "#/components/schemas/Problem"));
	}
	json_object_set_new(doc, "servers", json_pack("[{s:s, s:s}]", "url", server,
		"description", "This installation"));
	json_object_set_new(doc, "paths", json_object());
	json_object_set_new(doc, "tags", json_array());
	return doc;
}

/* Adds tag `name` to the document's list once. */
static void add_tag(json_t *doc, const route_t *rt)
{
	char name[48], desc[96];
	size_t i;
	json_t *t, *tags = json_object_get(doc, "tags");
	tag_of(rt, name, sizeof(name));
	json_array_foreach(tags, i, t)
		if (strcmp(json_string_value(json_object_get(t, "name")), name) == 0)
			return;
	int level = rt->spec_no == 0 ? 0 : rt->spec_no <= 10 ? 2 : rt->spec_no <= 25 ? 3
		  : rt->spec_no <= 42 ? 4 : 5;
	if (level)
		snprintf(desc, sizeof(desc), "Level %d service %s", level, name);
	else
		snprintf(desc, sizeof(desc), "Platform: %s", name);
	json_array_append_new(tags, json_pack("{s:s, s:s}", "name", name, "description", desc));
}

/* A problem response no route can give is left out (the linter flags unused
 * components): 501 once every route is built. */
static void drop_unused_problems(json_t *doc, const route_t *table, size_t n)
{
	json_t *responses = json_object_get(json_object_get(doc, "components"), "responses");
	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++) {
		int used = 0;
		for (size_t r = 0; !used && r < n; r++)
			used = can_fail(&table[r], problems[i].when);
		if (!used) {
			char name[32];
			snprintf(name, sizeof(name), "Problem%d", problems[i].status);
			json_object_del(responses, name);
		}
	}
}

json_t *openapi_new(const route_t *table, size_t n, const char *server)
{
	json_t *doc = base_new(server);
	json_t *paths = json_object_get(doc, "paths");
	json_t *components = json_object_get(doc, "components");
	for (size_t i = 0; doc && i < n; i++) {
		const route_t *rt = &table[i];
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		char m[8];
		size_t k = 0;
		for (; rt->method[k] && k < sizeof(m) - 1; k++)
			m[k] = (char)(rt->method[k] | 0x20);
		m[k] = '\0';
		json_t *op = operation(table, n, rt, components);
		if (!op || json_object_set_new(item, m, op) < 0) {
			json_decref(doc);
			return NULL;
		}
		add_tag(doc, rt);
	}
	drop_unused_problems(doc, table, n);
	return doc;
}
