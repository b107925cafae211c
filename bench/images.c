/* bench/images.c - image header parsing per MiB of image bytes: each file
 * named on the command line is probed repeatedly, and the time is divided by
 * the bytes a client would have posted. Prints, never asserts. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "image.h"

#define ROUNDS 200000

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 20];
	for (int a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "rb");
		if (f == NULL) {
			perror(argv[a]);
			return 1;
		}
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		struct image_info info;
		unsigned long sink = 0;
		double t0 = now();
		for (int r = 0; r < ROUNDS; r++) {
			image_probe(buf, n, &info);
			sink += info.width;
		}
		double dt = now() - t0;
		double mib = (double)n * ROUNDS / (1 << 20);
		printf("%-28s %-5s %5lux%-5lu %7zu B  %8.1f ns/probe  %10.0f MiB/s  %8.3f us/MiB%s\n",
		       argv[a], image_format_name(info.format), info.width, info.height, n,
		       dt / ROUNDS * 1e9, mib / dt, dt / mib * 1e6, sink ? "" : " (none)");
	}
	return 0;
}
