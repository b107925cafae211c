/* event_dims.c - the breakdown dimensions of one beacon row, computed at
 * ingest: operating system (User-Agent), country and region (client address,
 * looked up and forgotten: the address is never stored), the UTM parameters
 * of the page URL and the grouped source (analysis/traffic.c). The ingest
 * paths (handlers/events_ingest.c) take the visitor's part once per visitor
 * of a batch and the page's part for each row; the columns are
 * EVENT_DIMS_COLUMNS, in this order. */
#include "buf.h"
#include "db.h"
#include "geo.h"
#include "handlers.h"
#include "traffic.h"
#include "useragent.h"

#define UTM_MAX 256

void event_dims_visitor(arena_t *a, const char *addr, const char *ua,
			const char *out[EVENT_DIMS_VISITOR])
{
	geo_t geo;
	if (geo_lookup(addr, &geo) < 0)
		geo.country[0] = geo.region[0] = '\0';
	out[0] = ua_os(ua);
	out[1] = geo.country[0] ? arena_strdup(a, geo.country) : NULL;
	out[2] = geo.region[0] ? arena_strdup(a, geo.region) : NULL;
}

void event_dims_page(arena_t *a, const char *url, const char *referrer, const char *host,
		     const char *out[EVENT_DIMS_N])
{
	static const char *const utm_keys[] = {"utm_source", "utm_medium", "utm_campaign"};
	char utm[3][UTM_MAX] = {{0}}, ref_host[256];
	for (int k = 0; k < 3; k++)
		out[3 + k] = traffic_param(url, utm_keys[k], utm[k], UTM_MAX) == 0
			? arena_strdup(a, utm[k]) : NULL;
	if (traffic_host(referrer, ref_host, sizeof(ref_host)) < 0)
		ref_host[0] = '\0';
	/* a group's label, or one of the two local buffers above: copied */
	out[6] = arena_strdup(a, traffic_source(ref_host, host, utm[0]));
}
