/* audit — the append-only, tamper-evident record of every question, tool call
 * and SQL statement scout runs or refuses. Records live in HOME/audit.db (its
 * own SQLite file in WAL mode, so the catalog can be rebuilt without touching
 * it); each is committed and fsynced before the action's result is shown,
 * triggers refuse UPDATE and DELETE, and each record carries a SHA-256 hash
 * chained to the previous one, so `scout audit verify` finds any edit. */
#ifndef SCOUT_GUARD_AUDIT_H
#define SCOUT_GUARD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Longest stored question or statement; longer text is cut at a UTF-8
 * boundary and marked "…[+N bytes]". */
#define SCOUT_AUDIT_TEXT_MAX 8192
/* Longest stored reason, user, session, source or kind. */
#define SCOUT_AUDIT_FIELD_MAX 512
/* Hex SHA-256 plus NUL. */
#define SCOUT_AUDIT_HASH_HEX 65

typedef struct scout_audit scout_audit; /* an open audit log */

/* What one record says. All strings are borrowed for the call; NULL is
 * stored as "". */
typedef struct scout_audit_entry {
    int64_t ts_ms;       /* Unix time in ms; 0 = now */
    const char *user;    /* who asked (the principal, never a token) */
    const char *session; /* conversation or request id */
    const char *source;  /* the configured source the action touched */
    const char *kind;    /* "question", "tool", "sql" (or another short noun) */
    const char *text;    /* the question, tool call or statement (bounded on store) */
    double duration_ms;  /* how long the action took; 0 when it never ran */
    int64_t rows;        /* rows returned; -1 when not applicable */
    bool allowed;        /* the guard's decision: allow or deny */
    const char *status;  /* "ok", "error", "limit", "timeout", "denied"; NULL = derived */
    const char *reason;  /* why (the policy's or the engine's one line) */
} scout_audit_entry;

/* One stored record, as read back. Strings borrowed for the callback only. */
typedef struct scout_audit_row {
    int64_t id; /* 1, 2, 3 ... with no gaps */
    int64_t ts_ms;
    const char *user, *session, *source, *kind, *text, *status, *reason;
    double duration_ms;
    int64_t rows;
    bool allowed;
    const char *prev_hash, *hash; /* hex */
} scout_audit_row;

/* Opens (creating when missing, mode 0600) the audit log at path. Caller
 * closes with scout_audit_close. Safe to open from several processes: appends
 * take the write lock, so the chain stays linear. */
scout_rc scout_audit_open(const char *path, scout_audit **out, scout_err *err);

/* Closes; NULL is a no-op. */
void scout_audit_close(scout_audit *a);

/* The audit log's path under a home directory: "<home_dir>/audit.db" in out
 * (cap bytes). SCOUT_ELIMIT when it does not fit. */
scout_rc scout_audit_path(const char *home_dir, char *out, size_t cap, scout_err *err);

/* The status a statement's outcome is recorded with: "ok", "denied",
 * "limit", "timeout" or "error" (every front-end maps outcomes the same way). */
const char *scout_audit_status_of(scout_rc outcome);

/* Appends one record, chained to the last, and commits it durably before
 * returning (synchronous=FULL). *id_out (may be NULL) gets its id. A failure
 * here means the action must not be shown: callers treat it as fatal. */
scout_rc scout_audit_record(scout_audit *a, const scout_audit_entry *e, int64_t *id_out,
                            scout_err *err);

/* Which records scout_audit_list returns. Zero fields mean "any". */
typedef struct scout_audit_filter {
    const char *user;
    int64_t since_ms; /* records at or after this time */
    const char *kind;
    size_t limit; /* newest N (still printed oldest first); 0 = all */
} scout_audit_filter;

/* Called per record in id order; return non-zero to stop. */
typedef int (*scout_audit_row_fn)(void *ud, const scout_audit_row *r);

scout_rc scout_audit_list(scout_audit *a, const scout_audit_filter *f, scout_audit_row_fn fn,
                          void *ud, scout_err *err);

/* The result of walking the chain. */
typedef struct scout_audit_report {
    bool ok;                         /* every record checked */
    int64_t records;                 /* records checked (up to the first broken one) */
    int64_t first_bad;               /* id of the first broken record; 0 when ok */
    char reason[256];                /* what is wrong with it */
    char head[SCOUT_AUDIT_HASH_HEX]; /* the last good record's hash (anchor it elsewhere) */
} scout_audit_report;

/* Recomputes every record's hash from its content and its predecessor's
 * hash, and checks ids are 1..N without gaps. Fills rep; returns SCOUT_OK
 * whether or not the chain is intact (rep->ok says), an error only when the
 * log cannot be read. */
scout_rc scout_audit_verify(scout_audit *a, scout_audit_report *rep, scout_err *err);

/* The canonical bytes hashed for a record (exposed for docs and tests):
 * "scout-audit-v1\n" then, per field in a fixed order, "name=len:value\n".
 * Caller frees; NULL on out of memory. */
char *scout_audit_canonical(const scout_audit_row *r, size_t *len);

/* Parses a --since value: "30m", "24h", "7d", "2026-01-31" or
 * "2026-01-31T12:00:00" (UTC) into Unix ms relative to now_ms. */
scout_rc scout_audit_parse_since(const char *s, int64_t now_ms, int64_t *out, scout_err *err);

#endif
