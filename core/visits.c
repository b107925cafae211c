/* visits.c - the filters of the visit reports; see visits.h. */
#include "visits.h"

#include <string.h>

const char *const visit_devices[] = {"all", "mobile", "tablet", "desktop", NULL};

/* The query value of `key` when it is UTF-8 (else an error), NULL when absent. */
static const char *text_param(req_t *r, const char *key, json_t *errors)
{
	const char *v = req_query(r, key);
	if (v && !utf8_valid(v, strlen(v))) {
		verr(errors, key, "must be UTF-8");
		return NULL;
	}
	return v;
}

int visits_parse_filters(req_t *r, visit_filters_t *f, json_t *errors)
{
	size_t before = json_array_size(errors);
	f->device = text_param(r, "device", errors);
	if (f->device && strcmp(f->device, "all") == 0)
		f->device = NULL;
	f->source = text_param(r, "source", errors);
	f->goal = text_param(r, "goal", errors);
	if (!f->goal)
		f->goal = "lead";
	f->path = text_param(r, "path", errors);
	f->site = text_param(r, "site", errors);
	if (f->path && (f->path[0] != '/' || strlen(f->path) > 2048))
		verr(errors, "path", "must be a path starting with / (at most 2048 bytes)");
	if (f->site && (!*f->site || strlen(f->site) > 253 || strpbrk(f->site, "/ ")))
		verr(errors, "site", "must be a site's domain, e.g. zoe-solar.de");
	return (int)(json_array_size(errors) - before);
}

json_t *visits_filters_json_new(const visit_filters_t *f)
{
	return json_pack("{s:s?, s:s?, s:s?, s:s, s:s}", "site", f->site, "path", f->path,
			 "source", f->source, "device", f->device ? f->device : "all", "goal", f->goal);
}
