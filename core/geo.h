/* geo.h - country (and, from an MMDB, region) of a client address.
 *
 * Used at ingest only: the address is looked up and forgotten, never stored.
 * With ZOE_GEOIP_MMDB naming a MaxMind DB file (GeoLite2/GeoIP2 City or
 * Country, the production path) it is read with libmaxminddb and gives the
 * ISO 3166-2 region too (DE-BY); otherwise Debian's geoip-database (legacy
 * GeoIP country files, data of 2019) gives the country alone. Files are
 * opened on first use in each process. */
#ifndef ZOE_GEO_H
#define ZOE_GEO_H

typedef struct geo {
	char country[3];    /* ISO 3166-1 alpha-2, "" when unknown */
	char region[8];     /* ISO 3166-2 ("DE-BY"), "" when unknown */
} geo_t;

/* Looks up a textual IPv4 or IPv6 address; 0 with *out filled (fields may
 * be empty: private, loopback and unknown addresses), -1 when no database
 * could be opened. */
int geo_lookup(const char *ip, geo_t *out);

/* Where the figures come from, for replies: "GeoIP country database (2019)"
 * or "MaxMind DB (<file>)". */
const char *geo_source(void);

#endif
