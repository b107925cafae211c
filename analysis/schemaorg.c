/* schemaorg.c - lookups over the generated vocabulary; see schemaorg.h. */
#include "schemaorg.h"

#include <stdlib.h>
#include <string.h>

#define PREFIX "https://schema.org/"
#define QUEUE_MAX 64

static int by_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static const char *bare(const char *name)
{
	static const char *const prefixes[] = {PREFIX, "http://schema.org/"};
	for (size_t i = 0; name && i < 2; i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return name + strlen(prefixes[i]);
	return name;
}

/* Index of name in a sorted table of n names, or -1. */
static int find(const char *name, const char *const *table, size_t n)
{
	const char *const *hit = name ? bsearch(bare(name), table, n, sizeof(char *), by_name) : NULL;
	return hit ? (int)(hit - table) : -1;
}

int schemaorg_type(const char *name)
{
	return find(name, schemaorg_type_name, schemaorg_n_types);
}

int schemaorg_prop_index(const char *name)
{
	return find(name, schemaorg_prop_name, schemaorg_n_props);
}

/* Visits t and its ancestors breadth first until visit() returns 1. */
static int climb(int t, int (*visit)(int t, const void *arg), const void *arg)
{
	int queue[QUEUE_MAX];
	size_t head = 0, tail = 0;
	if (t < 0)
		return 0;
	queue[tail++] = t;
	while (head < tail) {
		int x = queue[head++];
		if (visit(x, arg))
			return 1;
		for (unsigned i = schemaorg_parent_at[x]; i < schemaorg_parent_at[x + 1]; i++)
			if (tail < QUEUE_MAX)
				queue[tail++] = schemaorg_parent[i];
	}
	return 0;
}

static int same(int t, const void *arg)
{
	return t == *(const int *)arg;
}

int schemaorg_is_a(int t, int ancestor)
{
	return ancestor >= 0 && climb(t, same, &ancestor);
}

static int declares(int t, const void *arg)
{
	int p = *(const int *)arg;
	for (unsigned i = schemaorg_prop_at[t]; i < schemaorg_prop_at[t + 1]; i++)
		if (schemaorg_prop[i] == p)
			return 1;
	return 0;
}

int schemaorg_has_prop(int t, int p)
{
	return p >= 0 && climb(t, declares, &p);
}

size_t schemaorg_range_of(int p, const unsigned short **out)
{
	*out = schemaorg_range + schemaorg_range_at[p];
	return (size_t)(schemaorg_range_at[p + 1] - schemaorg_range_at[p]);
}

/* 1 when t itself lists the member. */
static int lists(int t, const char *value)
{
	unsigned a = schemaorg_member_at[t], n = schemaorg_member_at[t + 1] - a;
	return n && bsearch(value, schemaorg_member + a, n, sizeof(char *), by_name) != NULL;
}

int schemaorg_is_member(int t, const char *value)
{
	value = bare(value);
	if (t < 0 || !value)
		return 0;
	if (lists(t, value))
		return 1;
	for (size_t s = 0; s < schemaorg_n_types; s++) /* members of its subtypes */
		if ((int)s != t && schemaorg_member_at[s + 1] > schemaorg_member_at[s] &&
		    schemaorg_is_a((int)s, t) && lists((int)s, value))
			return 1;
	return 0;
}

struct nearest {
	int (*accept)(const char *name, void *arg);
	void *arg;
	const char *found;
};

static int accepts(int t, const void *arg)
{
	struct nearest *n = (struct nearest *)arg;
	if (!n->accept(schemaorg_type_name[t], n->arg))
		return 0;
	n->found = schemaorg_type_name[t];
	return 1;
}

const char *schemaorg_nearest(int t, int (*accept)(const char *name, void *arg), void *arg)
{
	struct nearest n = {accept, arg, NULL};
	climb(t, accepts, &n);
	return n.found;
}
