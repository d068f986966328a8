#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

/* Written once by the front-end before any work starts, then only read. */
static scout_log_level log_level = SCOUT_LOG_WARN;

void scout_log_set_level(scout_log_level level)
{
    log_level = level;
}

scout_log_level scout_log_get_level(void)
{
    return log_level;
}

void scout_log(scout_log_level level, const char *fmt, ...)
{
    if (level > log_level) return;
    fputs(level == SCOUT_LOG_WARN ? "scout: warning: " : "scout: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
