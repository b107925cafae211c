/* funnel.c - funnel step syntax and wildcard patterns; see funnel.h. */
#include "funnel.h"

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
