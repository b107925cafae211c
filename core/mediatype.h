/* mediatype.h - Content-Type values (RFC 9110 section 8.3.1) parsed and
 * compared: type and subtype case-insensitively, the charset parameter kept,
 * other parameters checked for syntax and skipped. */
#ifndef ZOE_MEDIATYPE_H
#define ZOE_MEDIATYPE_H

typedef struct mediatype {
	char type[64];          /* lowercased: "application" */
	char subtype[96];       /* lowercased: "json", "merge-patch+json" */
	char charset[32];       /* lowercased, unquoted; "" when not given */
} mediatype_t;

/* Parses `s`: OWS type "/" subtype *( OWS ";" OWS [ name "=" value ] ) OWS,
 * where type, subtype and name are tokens and value a token or a quoted
 * string. 0, or -1 when s is NULL, malformed, names charset twice or a part
 * exceeds its field. */
int mediatype_parse(const char *s, mediatype_t *out);
/* 1 when mt is `want` ("application/json", lowercase), else 0. */
int mediatype_is(const mediatype_t *mt, const char *want);

#endif
