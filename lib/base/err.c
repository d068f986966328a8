#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

scout_rc scout_err_set(scout_err *err, scout_rc code, const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

scout_rc scout_err_prefix(scout_err *err, const char *fmt, ...)
{
    if (!err) return SCOUT_EINTERNAL;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Shift the old message right and put "prefix: " in front, truncating at the end. */
    size_t pl = strlen(prefix), ol = strlen(err->msg), cap = sizeof err->msg - 1;
    if (pl + 2 > cap) pl = cap - 2;
    if (pl + 2 + ol > cap) ol = cap - pl - 2;
    memmove(err->msg + pl + 2, err->msg, ol);
    memcpy(err->msg, prefix, pl);
    err->msg[pl] = ':';
    err->msg[pl + 1] = ' ';
    err->msg[pl + 2 + ol] = '\0';
    return err->code;
}

void scout_err_clear(scout_err *err)
{
    if (!err) return;
    err->code = SCOUT_OK;
    err->msg[0] = '\0';
}

const char *scout_rc_name(scout_rc code)
{
    switch (code) {
    case SCOUT_OK:
        return "ok";
    case SCOUT_EUSER:
        return "user";
    case SCOUT_ENOTFOUND:
        return "not found";
    case SCOUT_EDENIED:
        return "denied";
    case SCOUT_ELIMIT:
        return "limit";
    case SCOUT_ETIMEOUT:
        return "timeout";
    case SCOUT_EINTERRUPTED:
        return "interrupted";
    case SCOUT_EIO:
        return "io";
    case SCOUT_ESQL:
        return "sql";
    case SCOUT_ENOMEM:
        return "memory";
    case SCOUT_EINTERNAL:
        return "internal";
    }
    return "unknown";
}

int scout_rc_exit_status(scout_rc code)
{
    if (code == SCOUT_OK) return 0;
    if (code == SCOUT_EINTERNAL || code == SCOUT_ENOMEM) return 2;
    return 1;
}
