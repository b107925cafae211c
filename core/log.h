/* log.h - one JSON line per event on stderr. */
#ifndef ZOE_LOG_H
#define ZOE_LOG_H

/* Free-form diagnostic: {"ts","level","msg"} with printf formatting. */
void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_info(...) log_msg("info", __VA_ARGS__)
#define log_warn(...) log_msg("warn", __VA_ARGS__)
#define log_error(...) log_msg("error", __VA_ARGS__)

struct req;
/* The access line of a finished request (method, route, status, ms, id, user). */
void log_request(const struct req *r, double ms);

#endif
