/* mediatype.c - a Content-Type parser by RFC 9110's grammar; see mediatype.h. */
#include "mediatype.h"

#include <string.h>
#include <strings.h>

/* RFC 9110 tchar: the characters of a token. */
static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Skips optional whitespace (SP, HTAB). */
static const char *ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Copies the token at s, lowercased, into out (when not NULL); returns the
 * end of the token, or NULL when it is empty or does not fit. */
static const char *token(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	for (; is_tchar((unsigned char)s[n]); n++) {
		if (out && n + 1 >= outsz)
			return NULL;
		if (out)
			out[n] = (char)(s[n] >= 'A' && s[n] <= 'Z' ? s[n] + 32 : s[n]);
	}
	if (out && n < outsz)
		out[n] = '\0';
	return n ? s + n : NULL;
}

/* Copies the quoted string at s (after its opening quote), unescaped and
 * lowercased, into out (when not NULL); returns the end after the closing
 * quote, or NULL. qdtext: HTAB, SP, VCHAR but '"' and '\', obs-text. */
static const char *quoted(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	for (;;) {
		unsigned char c = (unsigned char)*s++;
		if (c == '"')
			break;
		if (c == '\\')
			c = (unsigned char)*s++;
		if (c == 0 || (c < 0x20 && c != '\t') || c == 0x7F)
			return NULL;
		if (out && n + 1 >= outsz)
			return NULL;
		if (out)
			out[n] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		n++;
	}
	if (out)
		out[n] = '\0';
	return s;
}

/* Parses one "name=value" at s; a charset goes to mt->charset. Returns the
 * end, or NULL. */
static const char *parameter(const char *s, mediatype_t *mt)
{
	const char *e = token(s, NULL, 0);
	int is_charset = e && e - s == 7 && strncasecmp(s, "charset", 7) == 0;
	if (!e || *e != '=' || (is_charset && mt->charset[0]))
		return NULL;
	e++;
	char *out = is_charset ? mt->charset : NULL;
	size_t outsz = is_charset ? sizeof(mt->charset) : 0;
	return *e == '"' ? quoted(e + 1, out, outsz) : token(e, out, outsz);
}

int mediatype_parse(const char *s, mediatype_t *mt)
{
	if (!s)
		return -1;
	memset(mt, 0, sizeof(*mt));
	s = token(ows(s), mt->type, sizeof(mt->type));
	if (!s || *s != '/')
		return -1;
	s = token(s + 1, mt->subtype, sizeof(mt->subtype));
	while (s && *(s = ows(s)) == ';') {
		s = ows(s + 1);
		if (*s && *s != ';')
			s = parameter(s, mt);
	}
	return s && *s == '\0' ? 0 : -1;
}

int mediatype_is(const mediatype_t *mt, const char *want)
{
	const char *slash = strchr(want, '/');
	size_t tl = slash ? (size_t)(slash - want) : 0;
	return slash && strlen(mt->type) == tl && strncmp(mt->type, want, tl) == 0 &&
	       strcmp(mt->subtype, slash + 1) == 0;
}
