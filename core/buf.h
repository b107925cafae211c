/* buf.h - growable byte buffer with a hard size cap (malloc-backed). */
#ifndef ZOE_BUF_H
#define ZOE_BUF_H

#include <stddef.h>

typedef struct buf {
	char *data;     /* always NUL-terminated when len > 0 */
	size_t len, size, cap;
	int oom;        /* set once an append failed; later appends are no-ops */
} buf_t;

/* Initialises an empty buffer that never grows beyond `cap` bytes. */
void buf_init(buf_t *b, size_t cap);
void buf_free(buf_t *b);
/* Appends; 0/-1 (-1 sets b->oom). */
int buf_add(buf_t *b, const void *p, size_t n);
int buf_adds(buf_t *b, const char *s);
int buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A CSV field: quoted when it holds a separator, quote or line break; a
 * leading = + - @ is defused with a quote mark (spreadsheet formulas). */
void buf_csv_field(buf_t *b, const char *s);

#endif
