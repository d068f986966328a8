/* err — error codes and the one error carrier every fallible function fills.
 * Fallible functions return SCOUT_OK (0) or a scout_rc and, when given a
 * scout_err, write a one-line lowercase message that says what failed first.
 * Messages never contain secrets (passwords, tokens, DSN credentials). */
#ifndef SCOUT_BASE_ERR_H
#define SCOUT_BASE_ERR_H

#include <stddef.h>

typedef enum scout_rc {
    SCOUT_OK = 0,
    SCOUT_EUSER,        /* bad input from the user: config, arguments, question */
    SCOUT_ENOTFOUND,    /* a named thing does not exist */
    SCOUT_EDENIED,      /* refused by policy or permissions */
    SCOUT_ELIMIT,       /* a row/byte/time/size limit was hit */
    SCOUT_ETIMEOUT,     /* a time limit was hit */
    SCOUT_EINTERRUPTED, /* cancelled by the user */
    SCOUT_EIO,          /* file or network I/O failed */
    SCOUT_ESQL,         /* the database rejected a statement */
    SCOUT_ENOMEM,       /* allocation failed */
    SCOUT_EINTERNAL     /* a bug or an impossible state */
} scout_rc;

#define SCOUT_ERR_MSG_MAX 512

typedef struct scout_err {
    scout_rc code;
    char msg[SCOUT_ERR_MSG_MAX];
} scout_err;

/* Records code and a printf-style message in err (if err is not NULL) and
 * returns code, so callers can write `return scout_err_set(err, ...)`. */
scout_rc scout_err_set(scout_err *err, scout_rc code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with "<prefix>: " (e.g. a file name) and
 * returns the stored code. */
scout_rc scout_err_prefix(scout_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Resets err to SCOUT_OK with an empty message. */
void scout_err_clear(scout_err *err);

/* A short stable name for a code ("user", "limit", ...). */
const char *scout_rc_name(scout_rc code);

/* The process exit status for a code: 0 ok, 2 for internal/memory errors,
 * 1 for every other (user-facing) failure. */
int scout_rc_exit_status(scout_rc code);

#endif
