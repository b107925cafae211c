/* grow.h - room in a growing array, for the analysis/ parsers that build
 * arrays of unknown length (funnel.c, markov.c). */
#ifndef ZOE_GROW_H
#define ZOE_GROW_H

#include <stdint.h>
#include <stdlib.h>

/* Makes room for `want` items of `size` bytes in *v (capacity *cap, in items),
 * doubling from 64; 0, or -1 when out of memory (*v is left as it was). */
static inline int grow_array(void **v, size_t *cap, size_t want, size_t size)
{
	if (want <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < want) {
		if (c > SIZE_MAX / 2)
			return -1;
		c *= 2;
	}
	if (c > SIZE_MAX / size)
		return -1;
	void *n = realloc(*v, c * size);
	if (!n)
		return -1;
	*v = n;
	*cap = c;
	return 0;
}

#endif
