/* guard — runs a question's SQL as the asker: the principal's grants are
 * installed as the connection's read check for exactly one statement, so
 * the engine itself refuses reads of ungranted tables and columns whatever
 * the SQL's shape. A refusal names no table the asker cannot see. */
#ifndef SCOUT_GUARD_GUARD_H
#define SCOUT_GUARD_GUARD_H

#include <stdbool.h>

#include "base/err.h"
#include "catalog/catalog.h"
#include "guard/grants.h"
#include "warehouse/warehouse.h"

/* What a refused statement tried to read, for the audit log only: it may
 * name tables the asker must not learn about, so it is never shown to them. */
typedef struct scout_guard_denied {
    bool denied;   /* a read was refused */
    bool internal; /* the engine's own schema tables (sqlite_schema, dbstat, pragma_*) */
    char source[128];
    char schema[128];
    char table[256];
    char column[128]; /* "" for a whole-table read */
} scout_guard_denied;

/* Runs one read-only statement on wh as who (see scout_wh_query for lim,
 * the callbacks, stats and the other errors). Admins run unchecked; anyone
 * else runs with g's decisions as the engine's read check, removed again
 * before returning. A refused read returns SCOUT_EDENIED with
 *   "you don't have access to <what>; ask <contact> for access"
 * where <what> is "a table this query reads in source 'S'" (or "some
 * columns of T" when T itself is visible) and the contact is the one set with
 * scout_grants_set_contact, else "a scout admin". A backend that cannot check
 * reads inside the engine refuses every non-admin query (fail closed).
 * g, who and wh are borrowed; denied may be NULL. */
scout_rc scout_guard_query(const scout_grants *g, const scout_principal *who, scout_wh *wh,
                           const char *sql, const scout_wh_limits *lim,
                           scout_wh_header_fn on_header, scout_wh_row_fn on_row, void *ud,
                           scout_wh_qstats *stats, scout_guard_denied *denied, scout_err *err);

#endif
