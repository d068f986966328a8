/* log — leveled diagnostics on stderr. The level is set once at start-up from
 * --quiet/--verbose (read-only afterwards); results never go through here. */
#ifndef SCOUT_BASE_LOG_H
#define SCOUT_BASE_LOG_H

typedef enum {
    SCOUT_LOG_ERROR = 0,
    SCOUT_LOG_WARN,
    SCOUT_LOG_INFO,
    SCOUT_LOG_DEBUG
} scout_log_level;

/* Sets the most verbose level that is printed (default SCOUT_LOG_WARN). */
void scout_log_set_level(scout_log_level level);
scout_log_level scout_log_get_level(void);

/* Prints "scout: <msg>" (warnings: "scout: warning: <msg>") when level is enabled. */
void scout_log(scout_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define scout_warn(...)  scout_log(SCOUT_LOG_WARN, __VA_ARGS__)
#define scout_info(...)  scout_log(SCOUT_LOG_INFO, __VA_ARGS__)
#define scout_debug(...) scout_log(SCOUT_LOG_DEBUG, __VA_ARGS__)

#endif
