/* results — every number scout shows is backed by a stored result: the SQL,
 * its source, the columns and rows, the row count, the query time and who
 * asked, one JSON file per result under HOME/results/. The id is derived from
 * the content (owner, source, SQL, rows), so the same answer over the same
 * data has the same id and a link never points at different numbers. Files
 * are written atomically with mode 0600; reading one back checks the owner. */
#ifndef SCOUT_ASK_RESULTS_H
#define SCOUT_ASK_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "catalog/catalog.h"
#include "guard/audit.h"
#include "guard/grants.h"
#include "render/result.h"

/* "r" + 24 lower-case hex digits, plus the NUL. */
#define SCOUT_RESULT_ID_LEN  25
#define SCOUT_RESULT_ID_SIZE (SCOUT_RESULT_ID_LEN + 1)

/* The link form answers print: "scout://results/<id>". */
#define SCOUT_RESULT_LINK_PREFIX "scout://results/"

/* What to store. Everything is borrowed. */
typedef struct scout_results_entry {
    const char *owner;    /* the asker's user name (required) */
    const char *question; /* may be NULL */
    const char *source;   /* the configured source the SQL ran on */
    const char *sql;
    const char *const *tables; /* fqnames read; may be empty */
    size_t n_tables;
    const scout_result *result; /* columns and rows (required) */
    double query_ms;
} scout_results_entry;

/* Computes the content id of e into id (no I/O). */
void scout_results_id(const scout_results_entry *e, char id[SCOUT_RESULT_ID_SIZE]);

/* True when id has the shape of a result id (so it is safe in a path). */
bool scout_results_id_valid(const char *id);

/* Writes e to dir/<id>.json (creating dir) unless that file exists already
 * (same content, same id). Fills id. *path_out (may be NULL) receives the
 * file's path (caller frees). The file holds {id, owner, question, source,
 * sql, tables, created_at, query_ms, result:{columns, rows, row_count,
 * truncated}}. */
scout_rc scout_results_store(const char *dir, const scout_results_entry *e,
                             char id[SCOUT_RESULT_ID_SIZE], char **path_out, scout_err *err);

/* The path of a stored result (caller frees); NULL for a malformed id. */
char *scout_results_path(const char *dir, const char *id);

/* Reads result id for who: SCOUT_EUSER for a malformed id, SCOUT_ENOTFOUND
 * when there is no such result, SCOUT_EDENIED when who is neither its owner
 * nor an admin. *out is a new reference (the whole file). Accepts the bare
 * id or the scout://results/<id> link. */
scout_rc scout_results_load(const char *dir, const char *id, const scout_principal *who,
                            json_t **out, scout_err *err);

/* ---- re-checks against the asker's current grants ---- */

/* The first fqname in tables (a JSON array of fqnames, or an object whose
 * keys are fqnames) that who may not read now; NULL when all are readable.
 * Borrowed from tables. */
const char *scout_results_unreadable(const scout_grants *g, const scout_principal *who,
                                     const json_t *tables);

/* scout_results_load, then the tables the result read are checked against
 * who's CURRENT grants (g, required): when one was revoked since, the result
 * is refused with SCOUT_EDENIED "you no longer have access to T; result R is
 * not shown" (the result was who's own, so T names nothing new) and *out
 * stays NULL. Refusals (another user's result too) are recorded in audit
 * (may be NULL) as kind "result", status "denied". */
scout_rc scout_results_open(const char *dir, const char *id, const scout_principal *who,
                            const scout_grants *g, scout_audit *audit, json_t **out,
                            scout_err *err);

/* Re-checks a checkpointed agent session (its state JSON) before it is
 * shown, resumed or continued: every table its stored results read
 * (state.results[].tables) and every table it looked at (state.seen,
 * state.chosen) must still be readable by who, else SCOUT_EDENIED "you no
 * longer have access to T; session S cannot be shown or resumed", recorded
 * in audit (may be NULL) as kind "session". */
scout_rc scout_results_check_session(const scout_grants *g, const scout_principal *who,
                                     const char *session, const json_t *state, scout_audit *audit,
                                     scout_err *err);

/* One stored result of a listing; strings borrowed for the callback. */
typedef struct scout_results_row {
    const char *id, *question, *source, *created_at;
    int64_t row_count;
    const char *revoked; /* the first table who may no longer read, or NULL */
} scout_results_row;

typedef int (*scout_results_fn)(void *ud, const scout_results_row *r);

/* who's own stored results (admins too see only theirs), newest first, at
 * most limit (0 = 50), each marked with the first table who may no longer
 * read. Unreadable files are skipped. */
scout_rc scout_results_list(const char *dir, const scout_principal *who, const scout_grants *g,
                            size_t limit, scout_results_fn fn, void *ud, scout_err *err);

#endif
