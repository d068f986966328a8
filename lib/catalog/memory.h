/* memory — context layer 5, learning memory: corrections and facts learned
 * in conversations, scoped global, team:<name> or personal:<user>, with
 * status proposed → active → retired. The agent proposes; a person confirms.
 * Reads are filtered by the asker: personal memories only for their owner,
 * team memories only for the team's members. */
#ifndef SCOUT_CATALOG_MEMORY_H
#define SCOUT_CATALOG_MEMORY_H

#include <stdint.h>

#include "base/err.h"
#include "catalog/catalog.h"

typedef struct scout_memory {
    int64_t id;
    const char *scope;  /* "global", "team:<name>" or "personal:<user>" */
    const char *status; /* "proposed", "active" or "retired"; reads also give "expired"
                           for a proposed/active memory past expires_at */
    const char *text;
    const char *tables;  /* JSON array of linked fqnames ("[]" when none) */
    const char *columns; /* JSON array of linked "fqname.column" ("[]" when none) */
    const char *author;
    const char *created_at;
    const char *expires_at; /* NULL = never; "YYYY-MM-DD[...]" compared with UTC now */
} scout_memory;

/* Adds a memory (status "proposed" unless `status` says otherwise) and
 * returns its id. Validates scope and status; links tables by fqname. */
scout_rc scout_memory_add(scout_catalog *cat, const scout_memory *m, int64_t *id, scout_err *err);

typedef int (*scout_memory_fn)(void *ud, const scout_memory *m);

/* Memories `who` may see (NULL = admin view), optionally only those linked to
 * fqname and/or with a given status ("active" never includes expired ones;
 * "expired" lists those); newest first. Strings are borrowed for the
 * callback's duration; a non-zero return from fn stops the listing. */
scout_rc scout_memory_list(scout_catalog *cat, const scout_principal *who, const char *fqname,
                           const char *status, scout_memory_fn fn, void *ud, scout_err *err);

/* One memory by id, if `who` may see it (else SCOUT_ENOTFOUND). */
scout_rc scout_memory_get(scout_catalog *cat, const scout_principal *who, int64_t id,
                          scout_memory_fn fn, void *ud, scout_err *err);

/* Changes text, scope, status, links or expiry (NULL fields stay as they are;
 * expires_at "" clears the expiry); only the author, an admin, the owner of
 * a personal memory or (for team scope) a team member may edit: others get
 * SCOUT_EDENIED, or SCOUT_ENOTFOUND when they cannot see the memory at all.
 * who == NULL acts as the system (allowed). */
scout_rc scout_memory_edit(scout_catalog *cat, const scout_principal *who, int64_t id,
                           const scout_memory *changes, scout_err *err);

/* Sets status "retired" (same permission as edit). */
scout_rc scout_memory_retire(scout_catalog *cat, const scout_principal *who, int64_t id,
                             scout_err *err);

#endif
