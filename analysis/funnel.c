/* funnel.c - funnel step syntax and wildcard patterns; see funnel.h. */
#include "funnel.h"
#include "grow.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int funnel_split(char *spec, char **steps, int max)
{
	int n = 0;
	for (char *p = spec;; p++) {
		char *comma = strchr(p, ',');
		if (n < max)
			steps[n] = p;
		n++;
		if (!comma)
			break;
		*comma = '\0';
		p = comma;
	}
	return n;
}

enum funnel_kind funnel_kind(const char *step)
{
	return strncmp(step, FUNNEL_GOAL_PREFIX, strlen(FUNNEL_GOAL_PREFIX)) == 0
		? FUNNEL_GOAL : FUNNEL_PAGE;
}

/* 1 when s holds a space or a control character. */
static int has_blank(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 1;
	return 0;
}

const char *funnel_step_error(const char *step)
{
	size_t n = strlen(step);
	if (n == 0)
		return "is empty";
	if (has_blank(step))
		return "must not contain spaces or control characters";
	if (funnel_kind(step) == FUNNEL_GOAL) {
		size_t g = n - strlen(FUNNEL_GOAL_PREFIX);
		if (g == 0 || g > FUNNEL_GOAL_MAX)
			return "a goal needs a name of 1 to 64 bytes (goal:lead)";
		return NULL;
	}
	if (step[0] != '/')
		return "must be a page path starting with / or goal:<name>";
	if (n > FUNNEL_STEP_MAX)
		return "a page path may have at most 512 bytes";
	if (strstr(step, "***"))
		return "at most two * in a row (* within a segment, ** across segments)";
	return NULL;
}

int funnel_regex(const char *pattern, char *out, size_t outlen)
{
	size_t o = 0;
	if (outlen < 3)
		return -1;
	out[o++] = '^';
	for (const char *p = pattern; *p; p++) {
		const char *piece;
		char esc[3] = {'\\', *p, '\0'};
		if (p[0] == '*' && p[1] == '*') {
			piece = ".*";
			p++;
		} else if (*p == '*') {
			piece = "[^/]*";
		} else if (strchr(".^$|?*+()[]{}\\", *p)) {
			piece = esc;        /* a metacharacter, made literal */
		} else {
			piece = esc + 1;    /* every other character stands for itself */
		}
		size_t len = strlen(piece);
		if (o + len + 2 > outlen)
			return -1;
		memcpy(out + o, piece, len);
		o += len;
	}
	out[o++] = '$';
	out[o] = '\0';
	return 0;
}

/* The rest of a pattern after its literal start, against the rest of a name:
 * the set of pattern positions the name's bytes so far can have reached (a
 * nondeterministic automaton, so no pattern of stars backtracks), each '*'
 * staying on any byte but '/', each "**" on any byte. */
static int glob_rest(const char *pat, const char *name)
{
	size_t len = strlen(pat);
	unsigned char on[FUNNEL_STEP_MAX + 2], next[FUNNEL_STEP_MAX + 2];
	if (len > FUNNEL_STEP_MAX)
		return 0;
	memset(on, 0, len + 1);
	on[0] = 1;
	for (const char *c = name;; c++) {
		/* a star may also match nothing: whoever reaches it reaches past it */
		for (size_t i = 0; i < len; i++)
			if (on[i] && pat[i] == '*')
				on[i + (pat[i + 1] == '*' ? 2 : 1)] = 1;
		if (!*c)
			return on[len];
		int any = 0;
		memset(next, 0, len + 1);
		for (size_t i = 0; i < len; i++) {
			if (!on[i])
				continue;
			if (pat[i] == '*') {
				if (pat[i + 1] == '*' || *c != '/')
					next[i] = any = 1;
			} else if (pat[i] == *c) {
				next[i + 1] = any = 1;
			}
			if (pat[i] == '*' && pat[i + 1] == '*')
				i++;        /* "**" is one position; its second byte is not */
		}
		if (!any)
			return 0;
		memcpy(on, next, len + 1);
	}
}

int funnel_glob(const char *pattern, const char *name)
{
	size_t prefix = strcspn(pattern, "*");
	if (strncmp(pattern, name, prefix) != 0)
		return 0;
	pattern += prefix;
	name += prefix;
	if (!*pattern)
		return !*name;
	/* the common shapes: a last segment or a subtree */
	if (strcmp(pattern, "*") == 0)
		return !strchr(name, '/');
	if (strcmp(pattern, "**") == 0)
		return 1;
	return glob_rest(pattern, name);
}

void funnel_step_init(funnel_step_t *s, const char *step)
{
	s->goal = funnel_kind(step) == FUNNEL_GOAL;
	s->text = s->goal ? step + strlen(FUNNEL_GOAL_PREFIX) : step;
	s->prefix = s->goal ? strlen(s->text) : strcspn(s->text, "*");
	s->wild = !s->goal && s->text[s->prefix] == '*';
}

int funnel_step_matches(const funnel_step_t *s, const char *name, int goal)
{
	if (!name || !goal != !s->goal)
		return 0;
	if (!s->wild)
		return strcmp(s->text, name) == 0;
	return funnel_glob(s->text, name);
}

int funnel_walk(const funnel_step_t *steps, int n, const funnel_hit_t *hits, size_t nh,
		double secs[FUNNEL_MAX_STEPS])
{
	size_t from = 0;
	double at = 0;
	int k;
	for (k = 0; k < n && k < FUNNEL_MAX_STEPS; k++) {
		size_t h = from;
		while (h < nh && !funnel_step_matches(&steps[k], hits[h].name, hits[h].goal))
			h++;
		if (h == nh)
			break;
		if (k)
			secs[k] = hits[h].secs - at;
		at = hits[h].secs;
		from = h + 1;
	}
	return k;
}

/* ---- counting ---- */

typedef struct fc_visit {
	long long site, visitor;
	int depth;          /* steps completed */
} fc_visit_t;

struct funnel_count {
	funnel_step_t steps[FUNNEL_MAX_STEPS];
	int n;
	fc_visit_t *visits;
	size_t nvisits, capvisits;
	double *secs[FUNNEL_MAX_STEPS];     /* per step from the second: its visits' seconds */
	size_t nsecs[FUNNEL_MAX_STEPS], capsecs[FUNNEL_MAX_STEPS];
	/* funnel_count_add_text()'s scratch: a visit's hits and their names */
	funnel_hit_t *hits;
	size_t caphits;
	size_t *offs;       /* where each hit's name starts in names (NO_NAME: NULL) */
	size_t capoffs;
	char *names;
	size_t capnames;
	char *scratch;      /* an element being unquoted */
	size_t capscratch;
	/* packs: per name id the steps it matches (bit k: step k + 1), and
	 * whether the id was named; a visit's hits as those bits and seconds */
	unsigned *masks;
	unsigned char *named;
	size_t nmasks, capmasks, capnamed;
	unsigned *hitmask;
	long long *hitus;   /* microseconds since the visit began */
	size_t caphitmask, caphitus;
};

funnel_count_t *funnel_count_new(const funnel_step_t *steps, int n)
{
	if (!steps || n < 1 || n > FUNNEL_MAX_STEPS)
		return NULL;
	funnel_count_t *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	memcpy(c->steps, steps, (size_t)n * sizeof(*steps));
	c->n = n;
	return c;
}

void funnel_count_free(funnel_count_t *c)
{
	if (!c)
		return;
	for (int k = 0; k < FUNNEL_MAX_STEPS; k++)
		free(c->secs[k]);
	free(c->visits);
	free(c->hits);
	free(c->offs);
	free(c->names);
	free(c->scratch);
	free(c->masks);
	free(c->named);
	free(c->hitmask);
	free(c->hitus);
	free(c);
}

/* Counts a visit that completed `depth` steps, secs[k] from step k to k + 1. */
static int count_visit(funnel_count_t *c, long long site, long long visitor, int depth,
		       const double *secs)
{
	if (!depth)
		return 0;   /* a candidate that never matched step 1 counts nowhere */
	if (grow_array((void **)&c->visits, &c->capvisits, c->nvisits + 1, sizeof(*c->visits)) < 0)
		return -1;
	c->visits[c->nvisits++] = (fc_visit_t){site, visitor, depth};
	for (int k = 1; k < depth; k++) {
		if (grow_array((void **)&c->secs[k], &c->capsecs[k], c->nsecs[k] + 1, sizeof(double)) < 0)
			return -1;
		c->secs[k][c->nsecs[k]++] = secs[k];
	}
	return 0;
}

int funnel_count_add(funnel_count_t *c, long long site, long long visitor,
		     const funnel_hit_t *hits, size_t nh)
{
	double secs[FUNNEL_MAX_STEPS];
	return count_visit(c, site, visitor, funnel_walk(c->steps, c->n, hits, nh, secs), secs);
}

int funnel_count_name(funnel_count_t *c, long long id, int goal, const char *name)
{
	if (id < 0 || (unsigned long long)id >= SIZE_MAX / sizeof(unsigned) - 1)
		return -1;
	size_t i = (size_t)id;
	if (i >= c->nmasks) {
		if (grow_array((void **)&c->masks, &c->capmasks, i + 1, sizeof(*c->masks)) < 0
		    || grow_array((void **)&c->named, &c->capnamed, i + 1, 1) < 0)
			return -1;
		memset(c->masks + c->nmasks, 0, (i + 1 - c->nmasks) * sizeof(*c->masks));
		memset(c->named + c->nmasks, 0, i + 1 - c->nmasks);
		c->nmasks = i + 1;
	}
	unsigned m = 0;
	for (int k = 0; k < c->n; k++)
		if (funnel_step_matches(&c->steps[k], name, goal))
			m |= 1u << k;
	c->masks[i] = m;
	c->named[i] = 1;
	return 0;
}

/* The varint at *p (before end) into *v; -1 when truncated or malformed. */
static int read_varint(const unsigned char **p, const unsigned char *end, long long *v)
{
	const unsigned char *s = *p;
	size_t len;
	unsigned long long x;
	if (s >= end)
		return -1;
	if (s[0] < 0x80) {
		len = 1;
		x = s[0];
	} else if (s[0] < 0xc0) {
		len = 2;
		x = s[0] & 0x3f;
	} else if (s[0] < 0xe0) {
		len = 4;
		x = s[0] & 0x1f;
	} else if (s[0] == 0xe0) {
		len = 9;
		x = 0;
	} else {
		return -1;
	}
	if ((size_t)(end - s) < len)
		return -1;
	for (size_t i = 1; i < len; i++)
		x = x << 8 | s[i];
	*v = (long long)x;      /* 0xe0: the two's complement of a signed int8 */
	*p = s + len;
	return 0;
}

/* The walk of funnel_walk() over hits given as the steps they match and
 * their microseconds; a step's seconds are the nearest double to its
 * microseconds / 10^6, as PostgreSQL's hit_secs, and their differences as
 * funnel_walk() takes them. */
static int walk_masks(int n, const unsigned *mask, const long long *us, size_t nh,
		      double secs[FUNNEL_MAX_STEPS])
{
	size_t from = 0;
	double at = 0;
	int k;
	for (k = 0; k < n; k++) {
		size_t h = from;
		while (h < nh && !(mask[h] & 1u << k))
			h++;
		if (h == nh)
			break;
		double t = (double)us[h] / 1e6;
		if (k)
			secs[k] = t - at;
		at = t;
		from = h + 1;
	}
	return k;
}

int funnel_count_add_pack(funnel_count_t *c, long long site, const unsigned char *pack,
			  size_t len)
{
	const unsigned char *p = pack, *end = pack + len;
	while (p < end) {
		long long nh, id, gap, us = 0;
		if (end - p < 8)
			return -1;
		unsigned long long visitor = 0;
		for (int i = 0; i < 8; i++)
			visitor = visitor << 8 | p[i];
		p += 8;
		if (read_varint(&p, end, &nh) < 0 || nh < 0 || (unsigned long long)nh > (size_t)(end - p) / 2)
			return -1;  /* each hit takes two bytes at least */
		if (grow_array((void **)&c->hitmask, &c->caphitmask, (size_t)nh, sizeof(unsigned)) < 0
		    || grow_array((void **)&c->hitus, &c->caphitus, (size_t)nh, sizeof(long long)) < 0)
			return -1;
		unsigned any = 0;
		for (long long h = 0; h < nh; h++) {
			if (read_varint(&p, end, &id) < 0 || read_varint(&p, end, &gap) < 0)
				return -1;
			if (id < 0 || (id > 0 && ((unsigned long long)id >= c->nmasks || !c->named[id])))
				return -1;
			c->hitmask[h] = id ? c->masks[id] : 0;
			any |= c->hitmask[h];
			us += gap;
			c->hitus[h] = us;
		}
		if (!(any & 1u))
			continue;   /* no hit of step 1: most visits end here */
		double secs[FUNNEL_MAX_STEPS];
		int depth = walk_masks(c->n, c->hitmask, c->hitus, (size_t)nh, secs);
		if (count_visit(c, site, (long long)visitor, depth, secs) < 0)
			return -1;
	}
	return 0;
}

/* The elements of PostgreSQL's text output of a one-dimensional array
 * ("{a,\"b c\",NULL}"): calls each(element, length, quoted, arg) with the
 * element unquoted into scratch (not terminated); -1 when malformed or out of
 * memory, else the number of elements. */
static long array_elements(const char *s, char **scratch, size_t *cap,
			   int (*each)(const char *, size_t, int, void *), void *arg)
{
	long n = 0;
	if (!s || *s++ != '{')
		return -1;
	if (*s == '}')
		return s[1] ? -1 : 0;
	for (;;) {
		size_t len = 0;
		int quoted = *s == '"';
		if (quoted) {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && !*++s)
					return -1;
				if (grow_array((void **)scratch, cap, len + 1, 1) < 0)
					return -1;
				(*scratch)[len++] = *s;
			}
			if (*s++ != '"')
				return -1;
		} else {
			len = strcspn(s, ",}");
			if (!len || grow_array((void **)scratch, cap, len, 1) < 0)
				return -1;
			memcpy(*scratch, s, len);
			s += len;
		}
		if (each(*scratch, len, quoted, arg) < 0)
			return -1;
		n++;
		if (*s == ',') {
			s++;
			continue;
		}
		return *s == '}' && !s[1] ? n : -1;
	}
}

typedef struct fc_parse {
	funnel_count_t *c;
	size_t at;          /* elements seen */
	size_t used;        /* bytes of c->names used */
} fc_parse_t;

#define NO_NAME ((size_t)-1)

/* hit_names: each name copied into c->names, its offset into c->offs (the
 * names buffer may move until every name is in); NULL stays NULL */
static int each_name(const char *e, size_t len, int quoted, void *arg)
{
	fc_parse_t *p = arg;
	funnel_count_t *c = p->c;
	if (grow_array((void **)&c->hits, &c->caphits, p->at + 1, sizeof(*c->hits)) < 0
	    || grow_array((void **)&c->offs, &c->capoffs, p->at + 1, sizeof(*c->offs)) < 0)
		return -1;
	size_t *off = &c->offs[p->at++];
	if (!quoted && len == 4 && strncmp(e, "NULL", 4) == 0) {
		*off = NO_NAME;
		return 0;
	}
	if (grow_array((void **)&c->names, &c->capnames, p->used + len + 1, 1) < 0)
		return -1;
	memcpy(c->names + p->used, e, len);
	c->names[p->used + len] = '\0';
	*off = p->used;
	p->used += len + 1;
	return 0;
}

static int each_goal(const char *e, size_t len, int quoted, void *arg)
{
	fc_parse_t *p = arg;
	if (quoted || len != 1 || (*e != 't' && *e != 'f') || p->at >= p->c->caphits)
		return -1;
	p->c->hits[p->at++].goal = *e == 't';
	return 0;
}

static int each_secs(const char *e, size_t len, int quoted, void *arg)
{
	fc_parse_t *p = arg;
	char num[64], *end;
	if (quoted || len >= sizeof(num) || p->at >= p->c->caphits)
		return -1;
	memcpy(num, e, len);
	num[len] = '\0';
	p->c->hits[p->at++].secs = strtod(num, &end);
	return *end ? -1 : 0;
}

int funnel_count_add_text(funnel_count_t *c, long long site, long long visitor,
			  const char *names, const char *goals, const char *secs)
{
	fc_parse_t p = {c, 0, 0};
	long nh = array_elements(names, &c->scratch, &c->capscratch, each_name, &p);
	long ng = -1, ns = -1;
	if (nh >= 0) {
		p.at = 0;
		ng = array_elements(goals, &c->scratch, &c->capscratch, each_goal, &p);
	}
	if (ng == nh) {
		p.at = 0;
		ns = array_elements(secs, &c->scratch, &c->capscratch, each_secs, &p);
	}
	if (nh < 0 || ng != nh || ns != nh)
		return -1;
	for (long i = 0; i < nh; i++)
		c->hits[i].name = c->offs[i] == NO_NAME ? NULL : c->names + c->offs[i];
	return funnel_count_add(c, site, visitor, c->hits, (size_t)nh);
}

static int by_visitor(const void *a, const void *b)
{
	const fc_visit_t *x = a, *y = b;
	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->visitor < y->visitor ? -1 : x->visitor > y->visitor;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* percentile_cont(0.5) of v[0..n-1] (sorted here), as PostgreSQL computes
 * it: the lower middle value plus half the way to the upper one */
static double median_of(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), by_value);
	double pos = 0.5 * (double)(n - 1), lo = floor(pos), hi = ceil(pos);
	if (hi == lo)
		return v[(size_t)lo];
	return v[(size_t)lo] + (pos - lo) * (v[(size_t)hi] - v[(size_t)lo]);
}

int funnel_count_figures(funnel_count_t *c, funnel_figures_t *out)
{
	memset(out, 0, (size_t)c->n * sizeof(*out));
	qsort(c->visits, c->nvisits, sizeof(*c->visits), by_visitor);
	for (size_t i = 0; i < c->nvisits;) {
		/* a visitor reaches the steps of their furthest visit */
		size_t j = i;
		int depth = 0;
		for (; j < c->nvisits && by_visitor(&c->visits[i], &c->visits[j]) == 0; j++) {
			if (c->visits[j].depth > depth)
				depth = c->visits[j].depth;
			for (int k = 0; k < c->visits[j].depth; k++)
				out[k].visits++;
		}
		for (int k = 0; k < depth; k++)
			out[k].visitors++;
		i = j;
	}
	for (int k = 0; k < c->n; k++)
		out[k].median = k ? median_of(c->secs[k], c->nsecs[k]) : NAN;
	return 0;
}
