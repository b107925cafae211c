/* buf.c - see buf.h. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(buf_t *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
}

void buf_free(buf_t *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static int grow(buf_t *b, size_t need)
{
	if (b->oom)
		return -1;
	if (need + 1 > b->cap) {
		b->oom = 1;
		return -1;
	}
	if (need + 1 <= b->size)
		return 0;
	size_t size = b->size ? b->size : 256;
	while (size < need + 1)
		size *= 2;
	if (size > b->cap)
		size = b->cap;
	char *p = realloc(b->data, size);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->data = p;
	b->size = size;
	return 0;
}

int buf_add(buf_t *b, const void *p, size_t n)
{
	if (grow(b, b->len + n) < 0)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(buf_t *b, const char *s) { return buf_add(b, s, strlen(s)); }

int buf_printf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, b->len + (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* A CSV field: quoted when it holds a separator, quote or line break; a
 * leading = + - @ is defused with a quote mark (spreadsheet formulas). */
void buf_csv_field(buf_t *b, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_adds(b, "\"");
	if (strchr("=+-@", s[0]) && s[0])
		buf_adds(b, "'");
	for (const char *c = s; *c; c++)
		buf_add(b, *c == '"' ? "\"\"" : c, *c == '"' ? 2 : 1);
	if (quote)
		buf_adds(b, "\"");
}
