/* Logging: one line per event on stderr, "TIME LEVEL message". Tokens are never
 * passed to these functions; callers log ids and roles instead. */
#ifndef STATE_LOG_H
#define STATE_LOG_H

typedef enum { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR } log_level_t;

/* Sets the lowest level that is written (default LOG_INFO). */
void log_set_level(log_level_t level);
/* Parses "debug", "info", "warn" or "error"; returns 0 or -1 for anything else. */
int log_level_parse(const char *s, log_level_t *out);
/* Writes one line at the given level if it passes the threshold. */
void log_msg(log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
