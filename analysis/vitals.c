/* vitals.c - the thresholds of Google's web-vitals library as a table. */
#include "vitals.h"

#include <stdio.h>
#include <string.h>

/* good <= / poor > ; timings are capped at 60 s and CLS at 100 (as Umami). */
const vital_def_t vitals_table[] = {
	{"LCP", 2500, 4000, 60000, 1, "ms"},
	{"INP", 200, 500, 60000, 1, "ms"},
	{"CLS", 0.1, 0.25, 100, 1, ""},
	{"FCP", 1800, 3000, 60000, 0, "ms"},
	{"TTFB", 800, 1800, 60000, 0, "ms"},
};
const size_t vitals_count = sizeof(vitals_table) / sizeof(vitals_table[0]);

const vital_def_t *vitals_find(const char *name)
{
	for (size_t i = 0; i < vitals_count; i++)
		if (strcmp(vitals_table[i].name, name) == 0)
			return &vitals_table[i];
	return NULL;
}

enum vital_rating vitals_rate(const vital_def_t *v, double value)
{
	if (value <= v->good)
		return VITAL_GOOD;
	if (value <= v->poor)
		return VITAL_NEEDS_IMPROVEMENT;
	return VITAL_POOR;
}

const char *vitals_rating_name(enum vital_rating r)
{
	static const char *const names[] = {"good", "needs-improvement", "poor"};
	return names[r];
}

int vitals_plausible(const vital_def_t *v, double value)
{
	return value >= 0 && value <= v->max;
}

const char *vitals_array_literal(enum vitals_column col)
{
	static char arrays[4][160];     /* constant data derived from the table */
	char *out = arrays[col];
	if (out[0])
		return out;
	size_t used = 0;
	for (size_t i = 0; i < vitals_count; i++) {
		const vital_def_t *v = &vitals_table[i];
		double x = col == VITALS_GOOD ? v->good : col == VITALS_POOR ? v->poor : v->max;
		int n = col == VITALS_NAME
			? snprintf(out + used, sizeof(arrays[0]) - used, "%s%s", i ? "," : "{", v->name)
			: snprintf(out + used, sizeof(arrays[0]) - used, "%s%g", i ? "," : "{", x);
		used += (size_t)n;
	}
	snprintf(out + used, sizeof(arrays[0]) - used, "}");
	return out;
}
