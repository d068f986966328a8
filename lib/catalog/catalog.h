/* catalog — scout's persistent knowledge about every table: catalog.db, a
 * SQLite database in WAL mode whose schema holds all six context layers
 * (layer 1, schema + statistics, is filled by the crawl here; later layers add
 * rows to their own tables). Table cards are assembled from it. */
#ifndef SCOUT_CATALOG_H
#define SCOUT_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"

typedef struct scout_catalog scout_catalog;

/* Who is asking: name, email and groups as scout.yaml lists them. Everything
 * the catalog returns from knowledge (layer 4) and memory (layer 5) is
 * filtered by it; an admin sees everything. Strings are borrowed. */
typedef struct scout_principal {
    const char *user;
    const char *email;
    const char *const *groups;
    size_t n_groups;
    bool admin;
} scout_principal;

/* Fills p from the configured user `name` (SCOUT_ENOTFOUND if not configured).
 * p borrows from cfg. */
scout_rc scout_principal_from_config(const scout_config *cfg, const char *name, scout_principal *p,
                                     scout_err *err);

/* True when p is in group (or is an admin). */
bool scout_principal_in_group(const scout_principal *p, const char *group);

/* What one context-layer import did. A malformed input file is counted in
 * errors, recorded (with file:line) in context_files and logged; the other
 * files still load and the import itself succeeds. */
typedef struct scout_layer_stats {
    int64_t files;   /* input files read */
    int64_t records; /* facts stored: descriptions, edges, chunks, clusters ... */
    int64_t errors;  /* input files that failed */
    double elapsed_ms;
} scout_layer_stats;

/* Opens (creating and migrating as needed) the catalog database at path. */
scout_rc scout_catalog_open(const char *path, scout_catalog **out, scout_err *err);

/* Closes; NULL is a no-op. */
void scout_catalog_close(scout_catalog *cat);

/* ---- Direct access, for modules that keep or read their own tables in
 * catalog.db (search, the join planner). The struct stays private. ---- */

typedef struct sqlite3_stmt sqlite3_stmt;

/* The catalog's SQLite handle. Borrowed; valid until scout_catalog_close. */
struct sqlite3 *scout_catalog_db(scout_catalog *cat);

/* Records the catalog database's last error as "<what>: <sqlite message>". */
scout_rc scout_catalog_sqlerr(scout_catalog *cat, scout_err *err, const char *what);

/* Runs one or more statements without results. */
scout_rc scout_catalog_exec(scout_catalog *cat, const char *sql, scout_err *err);

/* Prepares one statement; on failure the message names the statement's purpose. */
scout_rc scout_catalog_prepare(scout_catalog *cat, const char *sql, sqlite3_stmt **st,
                               scout_err *err);

/* Column text of a stepped statement, or NULL for SQL NULL. Borrowed until the next step. */
const char *scout_catalog_col_text(sqlite3_stmt *st, int i);

/* Progress of an index run, reported once per table. */
typedef struct scout_index_progress {
    const char *source;
    const char *fqname; /* source.schema.table */
    size_t done;        /* tables finished so far in this run, this one included */
    size_t total;       /* tables found in all sources */
    bool skipped;       /* unchanged since the last index: not re-crawled */
} scout_index_progress;

typedef void (*scout_index_progress_fn)(void *ud, const scout_index_progress *p);

typedef struct scout_index_stats {
    size_t sources;
    size_t tables_seen;
    size_t tables_crawled; /* new or changed, statistics recomputed */
    size_t tables_skipped; /* unchanged fingerprint */
    size_t tables_removed; /* in the catalog but gone from the source */
    size_t columns;
    double elapsed_ms;
} scout_index_stats;

/* Crawls every source of cfg into the catalog (layer 1). Incremental: a table
 * whose warehouse fingerprint is unchanged is skipped; tables that vanished are
 * removed. Each table is committed on its own, so an interrupted run loses at
 * most the table in flight. progress may be NULL. */
scout_rc scout_catalog_index(scout_catalog *cat, const scout_config *cfg,
                             scout_index_progress_fn progress, void *ud, scout_index_stats *stats,
                             scout_err *err);

/* Counts per context layer, as `scout status` shows them. */
typedef struct scout_catalog_counts {
    int64_t tables;
    int64_t columns;
    int64_t described_tables;
    int64_t lineage_edges;
    int64_t join_keys;
    int64_t knowledge_chunks;
    int64_t query_clusters_canonical;
    int64_t query_clusters_trusted;
    int64_t query_clusters_adhoc;
    int64_t query_clusters_noise;
    int64_t memories;
    int64_t context_file_errors; /* context files (YAML, docs, code, logs) that failed to load */
} scout_catalog_counts;

scout_rc scout_catalog_counts_get(scout_catalog *cat, scout_catalog_counts *out, scout_err *err);

/* Calls fn(ud, path, error) for every context file whose last load failed
 * (error reads "file:line: what"); fn returning nonzero stops. */
typedef int (*scout_context_error_fn)(void *ud, const char *path, const char *error);
scout_rc scout_catalog_context_errors(scout_catalog *cat, scout_context_error_fn fn, void *ud,
                                      scout_err *err);

/* One row of `scout tables`. Strings are borrowed for the callback's duration. */
typedef struct scout_table_summary {
    const char *fqname;
    const char *source;
    const char *schema;
    const char *name;
    bool is_view;
    int64_t row_count;
    int64_t n_columns;
    const char *freshness; /* latest value of the main timestamp column, or NULL */
} scout_table_summary;

typedef int (*scout_table_fn)(void *ud, const scout_table_summary *t);

/* Calls fn for every table whose fully-qualified name matches the glob
 * pattern (case-insensitive; a pattern without '.' or '*' matches as a
 * substring of the name), ordered by fqname. pattern NULL = all. */
scout_rc scout_catalog_list_tables(scout_catalog *cat, const char *pattern, scout_table_fn fn,
                                   void *ud, scout_err *err);

/* Resolves a user-typed table reference (table, schema.table or
 * source.schema.table) to its fqname. SCOUT_ENOTFOUND if none matches,
 * SCOUT_EUSER naming the candidates when several do. Caller frees *fqname. */
scout_rc scout_catalog_resolve(scout_catalog *cat, const char *ref, char **fqname, scout_err *err);

typedef enum { SCOUT_CARD_SHORT, SCOUT_CARD_FULL } scout_card_form;

/* Appends the table's card as readable text, assembled from every layer:
 * what it is, trust tier (deprecated -> use X, and why), grain, keys, time,
 * dimensions with values, exclusions, joins, owner and lineage, caveats from
 * curated files, docs, Slack and memory, canonical example queries. The short
 * form stays within ~200 tokens (what search shows and a model reads first).
 * Knowledge and memories are filtered for `who` (NULL = public only). */
scout_rc scout_catalog_card_text(scout_catalog *cat, const char *fqname, scout_card_form form,
                                 const scout_principal *who, scout_buf *out, scout_err *err);

/* Appends the table's card as one JSON object (all facts, both forms' data). */
scout_rc scout_catalog_card_json(scout_catalog *cat, const char *fqname, const scout_principal *who,
                                 scout_buf *out, scout_err *err);

/* Rough token count of text (≈ 4 characters per token, words counted as at
 * least one), used to hold cards and prompts to their budgets. */
size_t scout_estimate_tokens(const char *text);

#endif
