/* policy — the SQL statement policy, scout's second line of defence behind
 * the read-only warehouse connection: exactly one statement, read-only
 * (SELECT, WITH ... SELECT, VALUES, EXPLAIN), no ATTACH/PRAGMA/COPY, no
 * dangerous engine functions, no catalog probing, and writes only into the
 * caller's scratch schema when one is named. libpg_query (through sqlinfo)
 * classifies what PostgreSQL's grammar accepts; a dialect-aware tokenizer
 * catches what it cannot see (SQLite-only syntax, comment and quoting tricks). */
#ifndef SCOUT_GUARD_POLICY_H
#define SCOUT_GUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* Statements longer than this are refused without being analysed. */
#define SCOUT_POLICY_SQL_MAX    ((size_t)256 << 10)
#define SCOUT_POLICY_REASON_MAX 256

typedef struct scout_policy_opts {
    /* The caller's own writable schema ("scratch_alice"), or NULL: then no
     * statement may write anything. Borrowed. */
    const char *scratch_schema;
} scout_policy_opts;

typedef struct scout_policy_decision {
    bool allow;
    /* A stable short name of the rule that decided: "read_only_query",
     * "scratch_write", "multiple_statements", "write", "attach", "pragma",
     * "dangerous_function", "catalog_probe", "copy", "settings", "not_a_query",
     * "syntax", "too_long", "empty", "internal". Static storage. */
    const char *rule;
    /* One lowercase line a user can act on; for an allow, what was allowed. */
    char reason[SCOUT_POLICY_REASON_MAX];
    const char *kind;   /* "select", "explain", "values", "insert", ... (static) */
    bool recursive;     /* a recursive CTE: allowed, bounded by the time limit */
    bool scratch_write; /* allowed because it writes only to opts->scratch_schema */
} scout_policy_decision;

/* Decides whether sql may run on a warehouse of the given dialect
 * ("sqlite", "postgres", "clickhouse"; NULL or unknown = the strictest
 * tokenizer rules of all three). opts may be NULL (no scratch schema).
 * Returns SCOUT_OK when allowed, SCOUT_EDENIED when refused (d->reason and,
 * when err is given, err->msg say why), SCOUT_ENOMEM when analysis could not
 * run (d is then a deny: the policy fails closed). d is always filled.
 * Pure: no I/O, thread-safe. */
scout_rc scout_policy_check(const char *sql, const char *dialect, const scout_policy_opts *opts,
                            scout_policy_decision *d, scout_err *err);

#endif
