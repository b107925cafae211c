/* useragent.c - coarse User-Agent classification by ordered marker tables. */
#include "useragent.h"

#include <string.h>

struct marker {
	const char *needle;
	const char *value;
};

/* First match wins; order matters (tablets before phones, Edge before Chrome). */
static const struct marker devices[] = {
	{"iPad", "tablet"}, {"Tablet", "tablet"}, {"Kindle", "tablet"},
	{"Silk/", "tablet"}, {"Mobi", "mobile"}, {"iPhone", "mobile"},
	{"iPod", "mobile"}, {"Android", "tablet"}, /* Android without "Mobi" */
};

static const struct marker browsers[] = {
	{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"SamsungBrowser", "Samsung Internet"},
	{"Firefox/", "Firefox"}, {"FxiOS", "Firefox"}, {"CriOS", "Chrome"},
	{"Chrome/", "Chrome"}, {"Safari/", "Safari"},
};

/* iOS before macOS (an iPhone says "like Mac OS X"), Android before Linux. */
static const struct marker systems[] = {
	{"iPhone", "iOS"}, {"iPad", "iOS"}, {"iPod", "iOS"}, {"Android", "Android"},
	{"CrOS", "Chrome OS"}, {"Windows", "Windows"}, {"Macintosh", "macOS"},
	{"Mac OS X", "macOS"}, {"Linux", "Linux"},
};

static const char *const bots[] = {
	"bot", "Bot", "crawler", "Crawler", "spider", "Spider", "HeadlessChrome",
	"Lighthouse", "curl/", "Wget", "python-requests", "facebookexternalhit",
};

static const char *lookup(const struct marker *m, size_t n, const char *ua, const char *dflt)
{
	if (!ua)
		return dflt;
	for (size_t i = 0; i < n; i++)
		if (strstr(ua, m[i].needle))
			return m[i].value;
	return dflt;
}

const char *ua_device(const char *ua)
{
	return lookup(devices, sizeof(devices) / sizeof(devices[0]), ua, "desktop");
}

const char *ua_browser(const char *ua)
{
	return lookup(browsers, sizeof(browsers) / sizeof(browsers[0]), ua, "Other");
}

const char *ua_os(const char *ua)
{
	return lookup(systems, sizeof(systems) / sizeof(systems[0]), ua, "Other");
}

int ua_is_bot(const char *ua)
{
	if (!ua || !*ua)
		return 1;
	for (size_t i = 0; i < sizeof(bots) / sizeof(bots[0]); i++)
		if (strstr(ua, bots[i]))
			return 1;
	return 0;
}
