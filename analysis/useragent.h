/* useragent.h - device class and browser family from a User-Agent (pure). */
#ifndef ZOE_USERAGENT_H
#define ZOE_USERAGENT_H

/* "mobile", "tablet" or "desktop" (CrUX form factors). */
const char *ua_device(const char *ua);
/* Browser family: "Edge", "Chrome", "Firefox", "Safari", "Opera", "Other". */
const char *ua_browser(const char *ua);
/* Operating system: "iOS", "Android", "Chrome OS", "Windows", "macOS",
 * "Linux", "Other". */
const char *ua_os(const char *ua);
/* 1 when the agent looks like a crawler or headless tool, else 0. */
int ua_is_bot(const char *ua);

#endif
