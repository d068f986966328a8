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

#include "base/err.h"
#include "catalog/catalog.h"
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

#endif
