/* grants — who may read which source, schema, table and column. Rules
 * (allow or deny, for a user or a group) live in catalog.db (guard_grants);
 * scout_grants_load takes a read-only snapshot that answers "may this
 * principal read X" in memory, for search pruning, cards and the engine's
 * read check alike. The model (docs/security.md):
 *   - admins read everything;
 *   - the most specific rule that matches the principal wins (column >
 *     table > schema > source); at the same level a deny beats an allow;
 *   - with no matching rule, a `restricted: true` source denies and any
 *     other source allows;
 *   - a table is visible when its table-level decision allows, or when some
 *     of its columns are explicitly allowed; reading a table without a
 *     column (count(*)) needs the table-level decision;
 *   - the group "everyone" matches every principal.
 * Names compare case-insensitively (SQLite identifiers do). */
#ifndef SCOUT_GUARD_GRANTS_H
#define SCOUT_GUARD_GRANTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"
#include "search/search.h"

#define SCOUT_GRANTS_EVERYONE "everyone"

typedef enum { SCOUT_GRANT_USER, SCOUT_GRANT_GROUP } scout_grant_subject;

/* An object: source, source.schema, source.schema.table or
 * source.schema.table.column (names themselves cannot contain '.'). */
typedef struct scout_grant_object {
    char source[128];
    char schema[128]; /* "" above schema level */
    char table[256];  /* "" above table level */
    char column[128]; /* "" above column level */
    int level;        /* 1 source, 2 schema, 3 table, 4 column */
} scout_grant_object;

/* Parses "a[.b[.c[.d]]]" into o. SCOUT_EUSER on empty parts or too many. */
scout_rc scout_grant_object_parse(const char *text, scout_grant_object *o, scout_err *err);

/* ---- editing rules (catalog.db) ---- */

/* Creates the grants tables if needed. Every function below calls it. */
scout_rc scout_grants_ensure_schema(scout_catalog *cat, scout_err *err);

/* Adds or replaces the rule for (subject, object): allow, or deny when deny.
 * by names who made the change (recorded, may be NULL). */
scout_rc scout_grants_set(scout_catalog *cat, scout_grant_subject kind, const char *subject,
                          const char *object, bool deny, const char *by, scout_err *err);

/* Removes the rule for (subject, object), allow or deny. SCOUT_ENOTFOUND if
 * there was none. (On an unrestricted source, removing an allow changes
 * nothing: add a deny to take access away.) */
scout_rc scout_grants_remove(scout_catalog *cat, scout_grant_subject kind, const char *subject,
                             const char *object, scout_err *err);

/* Sets who to ask for access to object (a source, schema or table), e.g.
 * "#finance-data"; contact NULL or "" removes it. */
scout_rc scout_grants_set_contact(scout_catalog *cat, const char *object, const char *contact,
                                  scout_err *err);

typedef struct scout_grant_row {
    const char *subject_kind; /* "user" or "group" */
    const char *subject;
    const char *object; /* as written: source[.schema[.table[.column]]] */
    bool deny;
    const char *created_at;
    const char *created_by; /* may be NULL */
} scout_grant_row;

typedef int (*scout_grant_fn)(void *ud, const scout_grant_row *r);
/* Lists rules, optionally only those of one subject (kind ignored when
 * subject is NULL), ordered by object. */
scout_rc scout_grants_list(scout_catalog *cat, scout_grant_subject kind, const char *subject,
                           scout_grant_fn fn, void *ud, scout_err *err);

/* ---- decisions (in-memory snapshot) ---- */

typedef struct scout_grants scout_grants;

/* Loads every rule, group membership (guard_members, when the identity
 * tables exist) and contact, plus which of cfg's sources are restricted.
 * cfg is borrowed and must outlive the snapshot. Free with scout_grants_free. */
scout_rc scout_grants_load(scout_catalog *cat, const scout_config *cfg, scout_grants **out,
                           scout_err *err);
void scout_grants_free(scout_grants *g);

/* May who read the table source.schema.table (fqname)? who NULL is an
 * anonymous non-admin. */
bool scout_grants_can_read_table(const scout_grants *g, const scout_principal *who,
                                 const char *fqname);

/* May who read column of fqname? column NULL or "" asks for the table as a
 * whole (what count(*) reads), which needs the table-level decision. */
bool scout_grants_can_read_column(const scout_grants *g, const scout_principal *who,
                                  const char *fqname, const char *column);

/* The parts of an fqname variant: same question, already split. */
bool scout_grants_can_read(const scout_grants *g, const scout_principal *who, const char *source,
                           const char *schema, const char *table, const char *column);

/* Who to ask for access to source.schema.table: the most specific contact
 * set with scout_grants_set_contact, or NULL. Borrowed from g. */
const char *scout_grants_contact(const scout_grants *g, const char *source, const char *schema,
                                 const char *table);

/* Search/cards pruning for one asker. The caller owns the scope (e.g. on the
 * stack) and it must outlive every search that uses the returned policy:
 *     scout_grants_scope sc;
 *     scout_search_policy pol = scout_grants_search_policy(g, who, &sc);
 *     opts.policy = &pol; opts.who = who;
 * Tables are checked with scout_grants_can_read_table; knowledge chunks with
 * their ACL against who plus the groups who has in the catalog. */
typedef struct scout_grants_scope {
    const scout_grants *g;
    const scout_principal *who;
} scout_grants_scope;

scout_search_policy scout_grants_search_policy(const scout_grants *g, const scout_principal *who,
                                               scout_grants_scope *scope);

#endif
