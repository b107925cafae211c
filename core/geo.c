/* geo.c - client address to country/region; see geo.h. */
#include "geo.h"

#include <GeoIP.h>
#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEOIP_V4 "/usr/share/GeoIP/GeoIP.dat"
#define GEOIP_V6 "/usr/share/GeoIP/GeoIPv6.dat"

static struct {
	int opened;             /* 1 once tried, whatever the outcome */
	MMDB_s mmdb;
	int have_mmdb;
	GeoIP *v4, *v6;
	char source[300];
} g;

static void geo_open(void)
{
	const char *path = getenv("ZOE_GEOIP_MMDB");
	g.opened = 1;
	if (path && *path && MMDB_open(path, MMDB_MODE_MMAP, &g.mmdb) == MMDB_SUCCESS) {
		g.have_mmdb = 1;
		snprintf(g.source, sizeof(g.source), "MaxMind DB (%s)", path);
		return;
	}
	if (path && *path)
		fprintf(stderr, "zoe: ZOE_GEOIP_MMDB=%s cannot be opened; using GeoIP\n", path);
	g.v4 = GeoIP_open(GEOIP_V4, GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
	g.v6 = GeoIP_open(GEOIP_V6, GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
	snprintf(g.source, sizeof(g.source), "%s", "GeoIP country database (2019)");
}

/* Copies the string at `path` of an MMDB entry into out (size n), if any. */
static void mmdb_string(MMDB_entry_s *e, char *out, size_t n, const char *const *path)
{
	MMDB_entry_data_s d;
	if (MMDB_aget_value(e, &d, path) == MMDB_SUCCESS && d.has_data &&
	    d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size < n) {
		memcpy(out, d.utf8_string, d.data_size);
		out[d.data_size] = '\0';
	}
}

static void mmdb_lookup(const char *ip, geo_t *out)
{
	static const char *const country[] = {"country", "iso_code", NULL};
	static const char *const sub[] = {"subdivisions", "0", "iso_code", NULL};
	int gai, err;
	MMDB_lookup_result_s res = MMDB_lookup_string(&g.mmdb, ip, &gai, &err);
	if (gai || err != MMDB_SUCCESS || !res.found_entry)
		return;
	char region[4] = "";
	mmdb_string(&res.entry, out->country, sizeof(out->country), country);
	mmdb_string(&res.entry, region, sizeof(region), sub);
	if (out->country[0] && region[0])
		snprintf(out->region, sizeof(out->region), "%s-%s", out->country, region);
}

/* The legacy file's pseudo-countries (proxies, satellite, continents). */
static int pseudo_country(const char *cc)
{
	static const char *const pseudo[] = {"A1", "A2", "O1", "EU", "AP", "--"};
	for (size_t i = 0; i < sizeof(pseudo) / sizeof(pseudo[0]); i++)
		if (strcmp(cc, pseudo[i]) == 0)
			return 1;
	return 0;
}

int geo_lookup(const char *ip, geo_t *out)
{
	out->country[0] = out->region[0] = '\0';
	if (!g.opened)
		geo_open();
	if (!ip || !*ip)
		return g.have_mmdb || g.v4 || g.v6 ? 0 : -1;
	if (g.have_mmdb) {
		mmdb_lookup(ip, out);
		return 0;
	}
	GeoIP *db = strchr(ip, ':') ? g.v6 : g.v4;
	if (!db)
		return -1;
	const char *cc = strchr(ip, ':') ? GeoIP_country_code_by_addr_v6(db, ip)
		: GeoIP_country_code_by_addr(db, ip);
	if (cc && strlen(cc) == 2 && !pseudo_country(cc))
		snprintf(out->country, sizeof(out->country), "%s", cc);
	return 0;
}

const char *geo_source(void)
{
	if (!g.opened)
		geo_open();
	return g.source;
}
