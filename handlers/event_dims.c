/* event_dims.c - the breakdown dimensions of one beacon row, computed at
 * ingest: operating system (User-Agent), country and region (client address,
 * looked up and forgotten: the address is never stored), the UTM parameters
 * of the page URL and the grouped source (analysis/traffic.c). The ingest
 * paths call event_dims where they build a row; its columns are
 * EVENT_DIMS_COLUMNS, in this order. */
#include "buf.h"
#include "db.h"
#include "geo.h"
#include "handlers.h"
#include "traffic.h"
#include "useragent.h"

#define UTM_MAX 256

void event_dims(req_t *r, const char *url, const char *referrer, const char *host, buf_t *copy)
{
	static const char *const utm_keys[] = {"utm_source", "utm_medium", "utm_campaign"};
	char utm[3][UTM_MAX], ref_host[256];
	geo_t geo;
	if (geo_lookup(r->remote_addr, &geo) < 0)
		geo.country[0] = geo.region[0] = '\0';
	db_copy_field(copy, ua_os(r->user_agent), '\t');
	db_copy_field(copy, geo.country[0] ? geo.country : NULL, '\t');
	db_copy_field(copy, geo.region[0] ? geo.region : NULL, '\t');
	for (int k = 0; k < 3; k++)
		db_copy_field(copy, traffic_param(url, utm_keys[k], utm[k], UTM_MAX) == 0
			      ? utm[k] : NULL, '\t');
	if (traffic_host(referrer, ref_host, sizeof(ref_host)) < 0)
		ref_host[0] = '\0';
	db_copy_field(copy, traffic_source(ref_host, host, utm[0]), '\t');
}
