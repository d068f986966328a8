/* sqlite — the embedded warehouse backend. A source is one main database file
 * plus optional extra files ATTACHed under their schema names, all opened
 * read-only. Read-only is enforced three times over: the open flags and
 * mode=ro URIs (the engine refuses to write), PRAGMA query_only, and a check
 * that every prepared statement is read-only before it runs. An authorizer
 * also stops statements that would change the connection itself (ATTACH,
 * DETACH, transactions, setting pragmas). A connection is used by one thread
 * at a time. */
#include "warehouse/warehouse.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/hash.h"
#include "base/log.h"

/* How long a statement waits for another process's write lock before failing. */
#define SQLITE_WH_BUSY_MS 5000
/* VM instructions between two checks of the query clock and the cancel flag:
 * small enough that a time limit or a Ctrl-C is honoured within a millisecond
 * or so, large enough that the checks cost nothing measurable. */
#define SQLITE_WH_PROGRESS_OPS 1000
/* Rows hashed from each end of a table by fingerprint(). */
#define SQLITE_WH_SAMPLE_ROWS 64
#define WH_STR_(x)            #x
#define WH_STR(x)             WH_STR_(x)
/* Longest SQL text this backend builds for its own statements. */
#define SQLITE_WH_SQL_MAX ((size_t)64 << 10)

typedef struct sqlite_wh {
    scout_wh base; /* must stay first: the wrappers see a scout_wh */
    sqlite3 *db;
    bool has_main;    /* a main file was configured (else main is an empty in-memory db) */
    double deadline;  /* scout_now_ms() value after which the statement stops; 0 = none */
    bool timed_out;   /* the progress handler stopped the statement */
    char denied[192]; /* what the authorizer refused last, "" if nothing */
    /* Optional per-read check (scout_wh_set_read_check), applied only while a
     * user statement is prepared or stepped, never to this backend's own. */
    scout_wh_read_check_fn read_check;
    void *read_ud;
    bool in_user; /* a user statement is being prepared or run */
    /* A per-user scratch file is attached read-write (attach_scratch); the
     * authorizer then lets writes reach that schema and no other. */
    bool scratch;
    bool scratch_write; /* the statement being prepared writes into scratch */
} sqlite_wh;

static const scout_wh_dialect sqlite_dialect = {
    .name = "sqlite",
    .quote_char = '"',
    .sample_fmt = "(SELECT * FROM %s LIMIT %lld)",
};

/* ---- small helpers ---------------------------------------------------- */

static scout_rc oom(scout_err *err)
{
    return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
}

/* Appends ident quoted for SQLite ("a""b"). */
static scout_rc put_ident(scout_buf *b, const char *ident)
{
    size_t n = strlen(ident) * 2 + 3;
    char *q = malloc(n);
    if (!q) return SCOUT_ENOMEM;
    scout_rc rc = scout_wh_quote_ident(&sqlite_dialect, ident, q, n);
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, q);
    free(q);
    return rc;
}

/* Builds "<before>"schema"."table"<after>" (table may be NULL). */
static scout_rc build_sql(scout_buf *b, const char *before, const char *schema, const char *table,
                          const char *after)
{
    scout_buf_init(b, SQLITE_WH_SQL_MAX);
    scout_rc rc = scout_buf_puts(b, before);
    if (!rc) rc = put_ident(b, schema);
    if (!rc && table) rc = scout_buf_putc(b, '.');
    if (!rc && table) rc = put_ident(b, table);
    if (!rc) rc = scout_buf_puts(b, after);
    if (rc) scout_buf_free(b);
    return rc;
}

/* Copies a text column; NULL stays NULL unless empty_for_null. Sets *bad on OOM. */
static char *col_dup(sqlite3_stmt *st, int i, bool empty_for_null, bool *bad)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    if (!s && !empty_for_null) return NULL;
    char *d = scout_strdup(s ? s : "");
    if (!d) *bad = true;
    return d;
}

/* Grows *arr (of elem-sized items) so that index n fits. */
static scout_rc sql_error(sqlite_wh *wh, scout_err *err)
{
    return scout_err_set(err, SCOUT_ESQL, "%s", sqlite3_errmsg(wh->db));
}

/* Prepares one of this backend's own statements (never user SQL). */
static scout_rc prepare_internal(sqlite_wh *wh, const char *sql, sqlite3_stmt **st, scout_err *err)
{
    wh->denied[0] = '\0';
    if (sqlite3_prepare_v2(wh->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return sql_error(wh, err);
    }
    return SCOUT_OK;
}

/* ---- open ------------------------------------------------------------- */

/* Percent-encodes everything but unreserved characters and '/', so '?', '#',
 * '%' and spaces in a path cannot be read as URI syntax. An absolute path gets
 * an empty authority ("file:///...") so a leading "//" is never a host name. */
static scout_rc build_uri(scout_buf *b, const char *path, const char *query)
{
    static const char hex[] = "0123456789ABCDEF";
    scout_buf_init(b, SQLITE_WH_SQL_MAX);
    scout_rc rc = scout_buf_puts(b, path[0] == '/' ? "file://" : "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p && !rc; p++) {
        bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                     (*p >= '0' && *p <= '9') || strchr("-._~/", *p);
        if (plain) {
            rc = scout_buf_putc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            rc = scout_buf_append(b, e, 3);
        }
    }
    if (!rc) rc = scout_buf_puts(b, query);
    if (rc) scout_buf_free(b);
    return rc;
}

static scout_rc build_ro_uri(scout_buf *b, const char *path)
{
    return build_uri(b, path, "?mode=ro");
}

/* A missing file must be reported, never created; read-only opening already
 * cannot create it, this check just gives the user a message naming it. */
static scout_rc check_db_file(const char *what, const char *path, scout_err *err)
{
    if (!path || !path[0]) return scout_err_set(err, SCOUT_EUSER, "%s: no file given", what);
    if (!scout_path_exists(path))
        return scout_err_set(err, SCOUT_EUSER, "%s: database file not found: %s", what, path);
    if (scout_path_is_dir(path))
        return scout_err_set(err, SCOUT_EUSER, "%s: %s is a directory, not a database file", what,
                             path);
    return SCOUT_OK;
}

static scout_rc open_main(sqlite_wh *wh, const scout_source_cfg *src, scout_err *err)
{
    /* The connection may later attach a read-write scratch file, and SQLite
     * never lets an ATTACH exceed the open flags, so the connection is opened
     * read-write while every warehouse file is opened through a mode=ro URI:
     * the engine still refuses to write any of them. */
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI;
    if (!src->path) {
        /* Attached schemas need a main database to hang off; an empty
         * in-memory one is invisible, holds no warehouse data, and writes to
         * it are refused like any other (query_only, then the authorizer). */
        if (sqlite3_open_v2(":memory:", &wh->db, flags, NULL) != SQLITE_OK)
            return scout_err_set(err, SCOUT_ESQL, "cannot open in-memory database");
        return SCOUT_OK;
    }
    scout_rc rc = check_db_file("main database", src->path, err);
    if (rc) return rc;
    scout_buf uri;
    if (build_ro_uri(&uri, src->path)) return oom(err);
    int s = sqlite3_open_v2(uri.data, &wh->db, flags, NULL);
    scout_buf_free(&uri);
    if (s != SQLITE_OK)
        return scout_err_set(err, SCOUT_ESQL, "%s: cannot open: %s", src->path,
                             wh->db ? sqlite3_errmsg(wh->db) : sqlite3_errstr(s));
    wh->has_main = true;
    return SCOUT_OK;
}

static scout_rc attach_schema(sqlite_wh *wh, const scout_schema_cfg *sc, scout_err *err)
{
    if (!sc->name || !sc->name[0])
        return scout_err_set(err, SCOUT_EUSER, "schema %s: no name given",
                             sc->path ? sc->path : "(no file)");
    scout_rc rc = check_db_file(sc->name, sc->path, err);
    if (rc) return rc;
    scout_buf uri, sql;
    if (build_ro_uri(&uri, sc->path)) return oom(err);
    if (build_sql(&sql, "ATTACH DATABASE ?1 AS ", sc->name, NULL, "")) {
        scout_buf_free(&uri);
        return oom(err);
    }
    sqlite3_stmt *st = NULL;
    rc = prepare_internal(wh, sql.data, &st, err);
    if (!rc) {
        sqlite3_bind_text(st, 1, uri.data, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = scout_err_set(err, SCOUT_ESQL, "schema '%s' (%s): cannot attach: %s", sc->name,
                               sc->path, sqlite3_errmsg(wh->db));
    }
    sqlite3_finalize(st);
    scout_buf_free(&uri);
    scout_buf_free(&sql);
    return rc;
}

/* Pragmas a query may use: introspection that reads the schema, with any
 * argument (a table or index name). */
static bool pragma_is_introspection(const char *name)
{
    static const char *const ok[] = {
        "table_info",  "table_xinfo",      "table_list",     "index_list",     "index_info",
        "index_xinfo", "foreign_key_list", "database_list",  "collation_list", "function_list",
        "module_list", "pragma_list",      "compile_options"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcasecmp(name, ok[i]) == 0) return true;
    return false;
}

/* Pragmas a query may read but never set. */
static bool pragma_is_readable(const char *name)
{
    static const char *const ok[] = {"data_version",   "user_version", "schema_version",
                                     "application_id", "page_count",   "page_size",
                                     "freelist_count", "encoding"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcasecmp(name, ok[i]) == 0) return true;
    return false;
}

static bool checking(const sqlite_wh *wh)
{
    return wh->read_check && wh->in_user;
}

/* The denial message names nothing: whoever reads it may not be allowed to
 * know the table exists. The caller of the check knows what was refused. */
static int checked_read(sqlite_wh *wh, const char *db, const char *table, const char *column)
{
    if (!checking(wh)) return SQLITE_OK;
    if (table && wh->read_check(wh->read_ud, db ? db : "main", table, column ? column : ""))
        return SQLITE_OK;
    snprintf(wh->denied, sizeof wh->denied,
             "read refused: the query reads data the asker's grants do not cover");
    return SQLITE_DENY;
}

/* Pragmas that take a table name show its columns, indexes or keys, so
 * under a read check they need the table to be readable; pragmas that list
 * every table or attached file are refused outright. An unqualified table
 * is checked in every schema of the source, since the engine may find it in
 * any of them. */
static bool pragma_allowed_checked(sqlite_wh *wh, const char *name, const char *arg, const char *db)
{
    static const char *const per_table[] = {"table_info", "table_xinfo", "index_list",
                                            "foreign_key_list"};
    static const char *const listing[] = {"table_list", "database_list", "index_info",
                                          "index_xinfo"};
    for (size_t i = 0; i < sizeof listing / sizeof listing[0]; i++)
        if (strcasecmp(name, listing[i]) == 0) return false;
    bool table_arg = false;
    for (size_t i = 0; i < sizeof per_table / sizeof per_table[0]; i++)
        if (strcasecmp(name, per_table[i]) == 0) table_arg = true;
    if (!table_arg) return true;
    if (!arg) return false;
    if (db) return wh->read_check(wh->read_ud, db, arg, "");
    const scout_source_cfg *src = wh->base.src;
    if (wh->has_main && !wh->read_check(wh->read_ud, "main", arg, "")) return false;
    for (size_t i = 0; src && i < src->n_schemas; i++)
        if (!wh->read_check(wh->read_ud, src->schemas[i].name, arg, "")) return false;
    return true;
}

/* Refuses what would change the connection rather than the data: the engine
 * already refuses writes, but ATTACH would let a query read any file on disk,
 * a transaction left open would pin a read lock, and pragmas can switch
 * query_only off. Data writes are refused after prepare (stmt_readonly), where
 * the message can be clearer and virtual-table internals are not disturbed. */
/* With a scratch file attached the connection is no longer query_only, so
 * the authorizer decides every write: only tables and indexes in the scratch
 * schema may be created, changed or dropped. The warehouse files are opened
 * mode=ro as well, so the engine would refuse those writes anyway; temp,
 * views, triggers and virtual tables are refused outright (a trigger or view
 * could outlive the statement that made it). Only user statements are
 * judged: this backend's own never write. Returns -1 for "not a write". */
static int authorize_write(sqlite_wh *wh, int op, const char *a, const char *db)
{
    const char *target = NULL;
    switch (op) {
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_CREATE_TABLE:
    case SQLITE_DROP_TABLE:
    case SQLITE_CREATE_INDEX:
    case SQLITE_DROP_INDEX:
        target = db;
        break;
    case SQLITE_ALTER_TABLE:
        target = a; /* the engine passes the database name first here */
        break;
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_VTABLE:
    case SQLITE_ANALYZE:
        break;
    default:
        return -1;
    }
    /* The engine asks about UPDATE of its schema table while merely reading
     * it (pragma table-valued functions); a real write there needs
     * writable_schema, which DEFENSIVE and the pragma rule refuse. */
    if (op == SQLITE_UPDATE && a && !strcmp(a, "sqlite_master")) return SQLITE_OK;
    if (target && strcmp(target, SCOUT_WH_SCRATCH_SCHEMA) == 0) {
        wh->scratch_write = true;
        return SQLITE_OK;
    }
    snprintf(wh->denied, sizeof wh->denied,
             "the warehouse is read-only: writes are allowed only to tables in your scratch "
             "schema (" SCOUT_WH_SCRATCH_SCHEMA ".<table>)");
    return SQLITE_DENY;
}

static int authorize(void *ud, int op, const char *a, const char *b, const char *db,
                     const char *trigger)
{
    sqlite_wh *wh = ud;
    (void)trigger;
    if (wh->scratch && wh->in_user) {
        int w = authorize_write(wh, op, a, db);
        if (w >= 0) return w;
    }
    switch (op) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        snprintf(wh->denied, sizeof wh->denied,
                 "ATTACH and DETACH are not allowed: a warehouse connection reads only its "
                 "configured databases");
        return SQLITE_DENY;
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
        snprintf(wh->denied, sizeof wh->denied,
                 "transaction control is not allowed: each query runs on its own");
        return SQLITE_DENY;
    case SQLITE_READ:
        return checked_read(wh, db, a, b);
    case SQLITE_PRAGMA:
        if (checking(wh) && a && !pragma_allowed_checked(wh, a, b, db)) {
            snprintf(wh->denied, sizeof wh->denied,
                     "PRAGMA %s is not allowed here: it would show schema you may not be able "
                     "to read",
                     a);
            return SQLITE_DENY;
        }
        if (a && (pragma_is_introspection(a) || (!b && pragma_is_readable(a)))) return SQLITE_OK;
        snprintf(wh->denied, sizeof wh->denied,
                 "PRAGMA %s is not allowed: the warehouse is read-only and only schema "
                 "introspection pragmas may run",
                 a ? a : "?");
        return SQLITE_DENY;
    default:
        return SQLITE_OK;
    }
}

static void harden(sqlite_wh *wh)
{
    /* Views and triggers stored in a database file are not trusted to call
     * functions with side effects, and no extension can be loaded from SQL. */
    sqlite3_db_config(wh->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(wh->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(wh->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_busy_timeout(wh->db, SQLITE_WH_BUSY_MS);
}

static scout_rc configure(sqlite_wh *wh, const scout_source_cfg *src, scout_err *err)
{
    harden(wh);
    for (size_t i = 0; i < src->n_schemas; i++) {
        scout_rc rc = attach_schema(wh, &src->schemas[i], err);
        if (rc) return rc;
    }
    char *msg = NULL;
    if (sqlite3_exec(wh->db, "PRAGMA query_only=1", NULL, NULL, &msg) != SQLITE_OK) {
        scout_err_set(err, SCOUT_ESQL, "cannot make connection query-only: %s",
                      msg ? msg : "unknown error");
        sqlite3_free(msg);
        return SCOUT_ESQL;
    }
    /* No more databases may be attached from here on (second line of defence
     * behind the authorizer). */
    sqlite3_limit(wh->db, SQLITE_LIMIT_ATTACHED, (int)src->n_schemas);
    sqlite3_set_authorizer(wh->db, authorize, wh);
    return SCOUT_OK;
}

static void sqlite_close(scout_wh *base)
{
    sqlite_wh *wh = (sqlite_wh *)base;
    if (!wh) return;
    /* Every statement is finalized before its call returns, so close_v2 never
     * has to defer; it is used anyway so a leak cannot keep the handle open. */
    sqlite3_close_v2(wh->db);
    free(wh);
}

static scout_rc sqlite_open(const scout_source_cfg *src, scout_wh **out, scout_err *err)
{
    *out = NULL;
    if (!src->path && src->n_schemas == 0)
        return scout_err_set(err, SCOUT_EUSER, "a sqlite source needs a path or schemas");
    sqlite_wh *wh = calloc(1, sizeof *wh);
    if (!wh) return oom(err);
    scout_rc rc = open_main(wh, src, err);
    if (!rc) rc = configure(wh, src, err);
    if (rc) {
        sqlite_close(&wh->base);
        return rc;
    }
    wh->base.src = src;
    *out = &wh->base;
    return SCOUT_OK;
}

/* ---- list_tables ------------------------------------------------------ */

static scout_rc load_columns(sqlite_wh *wh, scout_wh_table *t, scout_err *err)
{
    /* hidden = 1 marks virtual-table internals (fts5's rank column); generated
     * columns (2, 3) are real and queryable, so they stay. */
    static const char *sql = "SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo(?1, ?2) "
                             "WHERE hidden <> 1 ORDER BY cid";
    sqlite3_stmt *st = NULL;
    scout_rc rc = prepare_internal(wh, sql, &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->schema, -1, SQLITE_STATIC);
    size_t cap = 0;
    bool bad = false;
    int s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!scout_array_grow((void **)&t->columns, &cap, t->n_columns, sizeof *t->columns)) {
            rc = oom(err);
            break;
        }
        scout_wh_column *c = &t->columns[t->n_columns++];
        c->name = col_dup(st, 0, true, &bad);
        c->type = col_dup(st, 1, true, &bad);
        c->notnull = sqlite3_column_int(st, 2) != 0;
        c->pk = sqlite3_column_int(st, 3);
        if (bad) rc = oom(err);
    }
    if (!rc && s != SQLITE_DONE) {
        /* A virtual table whose module this build lacks cannot be described;
         * list it without columns rather than failing the whole listing. */
        scout_warn("%s.%s: cannot read columns: %s", t->schema, t->name, sqlite3_errmsg(wh->db));
    }
    sqlite3_finalize(st);
    return rc;
}

static scout_rc load_fks(sqlite_wh *wh, scout_wh_table *t, scout_err *err)
{
    /* "to" is NULL when the reference names only the parent table; SQLite then
     * means the parent's primary key, column seq+1 of it. */
    static const char *sql =
        "SELECT f.\"from\", f.\"table\", COALESCE(f.\"to\", (SELECT p.name FROM "
        "pragma_table_info(f.\"table\", ?2) AS p WHERE p.pk = f.seq + 1)) "
        "FROM pragma_foreign_key_list(?1, ?2) AS f ORDER BY f.id, f.seq";
    sqlite3_stmt *st = NULL;
    scout_rc rc = prepare_internal(wh, sql, &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->schema, -1, SQLITE_STATIC);
    size_t cap = 0;
    bool bad = false;
    int s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!scout_array_grow((void **)&t->fks, &cap, t->n_fks, sizeof *t->fks)) {
            rc = oom(err);
            break;
        }
        scout_wh_fk *f = &t->fks[t->n_fks++];
        f->from_column = col_dup(st, 0, true, &bad);
        f->to_schema = NULL; /* SQLite foreign keys never leave their schema */
        f->to_table = col_dup(st, 1, true, &bad);
        f->to_column = col_dup(st, 2, false, &bad);
        if (bad) rc = oom(err);
    }
    if (!rc && s != SQLITE_DONE) rc = sql_error(wh, err);
    sqlite3_finalize(st);
    return rc;
}

typedef struct table_list {
    scout_wh_table *items;
    size_t n, cap;
} table_list;

/* Appends the tables and views of one schema, sorted by name. Shadow tables
 * (the storage behind a virtual table such as fts5) are engine internals and
 * are left out along with sqlite_*. */
static scout_rc list_schema(sqlite_wh *wh, const char *schema, table_list *tl, scout_err *err)
{
    scout_buf sql;
    if (build_sql(&sql, "SELECT l.name, l.type, m.sql FROM pragma_table_list AS l JOIN ", schema,
                  "sqlite_schema",
                  " AS m ON m.name = l.name AND m.type IN ('table', 'view') "
                  "WHERE l.schema = ?1 AND l.type IN ('table', 'view', 'virtual') "
                  "AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY l.name"))
        return oom(err);
    sqlite3_stmt *st = NULL;
    scout_rc rc = prepare_internal(wh, sql.data, &st, err);
    scout_buf_free(&sql);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
    int s;
    bool bad = false;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!scout_array_grow((void **)&tl->items, &tl->cap, tl->n, sizeof *tl->items)) {
            rc = oom(err);
            break;
        }
        scout_wh_table *t = &tl->items[tl->n++];
        t->schema = scout_strdup(schema);
        t->name = col_dup(st, 0, true, &bad);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        t->is_view = type && strcmp(type, "view") == 0;
        t->sql = col_dup(st, 2, false, &bad);
        if (bad || !t->schema) rc = oom(err);
    }
    if (!rc && s != SQLITE_DONE) rc = sql_error(wh, err);
    sqlite3_finalize(st);
    return rc;
}

/* The schemas to list, sorted: every attached one, plus main when a main file
 * was configured. temp holds nothing of the warehouse's. */
static scout_rc list_schema_names(sqlite_wh *wh, char ***names, size_t *n, scout_err *err)
{
    static const char *sql = "SELECT name FROM pragma_database_list WHERE name <> 'temp' "
                             "AND (name <> 'main' OR ?1) AND (name <> ?2 OR NOT ?3) ORDER BY name";
    sqlite3_stmt *st = NULL;
    scout_rc rc = prepare_internal(wh, sql, &st, err);
    if (rc) return rc;
    sqlite3_bind_int(st, 1, wh->has_main);
    /* A user's scratch tables are theirs, never part of the warehouse a
     * catalog crawl or a listing describes. */
    sqlite3_bind_text(st, 2, SCOUT_WH_SCRATCH_SCHEMA, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, wh->scratch);
    size_t cap = 0;
    bool bad = false;
    int s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!scout_array_grow((void **)names, &cap, *n, sizeof **names)) {
            rc = oom(err);
            break;
        }
        (*names)[(*n)++] = col_dup(st, 0, true, &bad);
        if (bad) rc = oom(err);
    }
    if (!rc && s != SQLITE_DONE) rc = sql_error(wh, err);
    sqlite3_finalize(st);
    return rc;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

static scout_rc sqlite_list_tables(scout_wh *base, scout_wh_table **out, size_t *n, scout_err *err)
{
    sqlite_wh *wh = (sqlite_wh *)base;
    *out = NULL;
    *n = 0;
    char **schemas = NULL;
    size_t n_schemas = 0;
    table_list tl = {0};
    scout_rc rc = list_schema_names(wh, &schemas, &n_schemas, err);
    for (size_t i = 0; !rc && i < n_schemas; i++) rc = list_schema(wh, schemas[i], &tl, err);
    for (size_t i = 0; !rc && i < tl.n; i++) {
        rc = load_columns(wh, &tl.items[i], err);
        if (!rc) rc = load_fks(wh, &tl.items[i], err);
    }
    free_names(schemas, n_schemas);
    if (rc) {
        scout_wh_tables_free(tl.items, tl.n);
        return rc;
    }
    *out = tl.items;
    *n = tl.n;
    return SCOUT_OK;
}

/* ---- query ------------------------------------------------------------ */

/* Returns non-zero to stop the running statement (it then fails with
 * SQLITE_INTERRUPT): when the caller's cancel flag is set, or when the
 * deadline has passed (timed_out tells the two apart). */
static int progress_check(void *ud)
{
    sqlite_wh *wh = ud;
    if (wh->base.cancel && atomic_load(wh->base.cancel)) return 1;
    if (wh->deadline <= 0 || scout_now_ms() < wh->deadline) return 0;
    wh->timed_out = true;
    return 1;
}

/* Skips whitespace, semicolons and comments; true when nothing else follows. */
static bool only_trailing_noise(const char *p)
{
    while (*p) {
        if (*p == ';' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
            *p == '\v') {
            p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n') p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            if (!e) return true; /* SQLite treats an unterminated comment as ending the text */
            p = e + 2;
        } else {
            return false;
        }
    }
    return true;
}

static scout_rc refused(sqlite_wh *wh, scout_err *err)
{
    if (wh->denied[0]) return scout_err_set(err, SCOUT_EDENIED, "%s", wh->denied);
    return scout_err_set(err, SCOUT_EDENIED, "statement refused: %s", sqlite3_errmsg(wh->db));
}

/* Prepares exactly one read-only statement from user SQL. */
static scout_rc prepare_user(sqlite_wh *wh, const char *sql, sqlite3_stmt **out, scout_err *err)
{
    wh->denied[0] = '\0';
    wh->scratch_write = false;
    const char *tail = NULL;
    int s = sqlite3_prepare_v2(wh->db, sql, -1, out, &tail);
    if (s == SQLITE_AUTH) return refused(wh, err);
    if (s != SQLITE_OK) return sql_error(wh, err);
    if (!*out) return scout_err_set(err, SCOUT_EUSER, "empty statement: there is no SQL to run");
    scout_rc rc = SCOUT_OK;
    if (!only_trailing_noise(tail))
        rc = scout_err_set(err, SCOUT_EDENIED,
                           "multiple statements are not allowed: send one statement at a time");
    /* A writing statement may run only when the authorizer saw it write into
     * scratch (and refused every other target); statements that write without
     * asking the authorizer (VACUUM INTO) stay refused. */
    else if (!sqlite3_stmt_readonly(*out) && !(wh->scratch && wh->scratch_write))
        rc = scout_err_set(err, SCOUT_EDENIED,
                           "the warehouse is read-only: statements that change data or schema "
                           "(INSERT, UPDATE, DELETE, CREATE, DROP, ...) are refused");
    if (rc) {
        sqlite3_finalize(*out);
        *out = NULL;
    }
    return rc;
}

/* Fills vals from the current row and returns its size in bytes: text and
 * blob lengths, 8 per number, nothing for NULL. */
static int64_t read_row(sqlite3_stmt *st, scout_value *vals, int ncols)
{
    int64_t bytes = 0;
    for (int i = 0; i < ncols; i++) {
        scout_value *v = &vals[i];
        memset(v, 0, sizeof *v);
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            v->type = SCOUT_VAL_INT;
            v->i = sqlite3_column_int64(st, i);
            bytes += 8;
            break;
        case SQLITE_FLOAT:
            v->type = SCOUT_VAL_REAL;
            v->d = sqlite3_column_double(st, i);
            bytes += 8;
            break;
        case SQLITE_TEXT:
            v->type = SCOUT_VAL_TEXT;
            v->s = (const char *)sqlite3_column_text(st, i);
            v->len = (size_t)sqlite3_column_bytes(st, i);
            if (!v->s) v->s = "";
            bytes += (int64_t)v->len;
            break;
        case SQLITE_BLOB:
            v->type = SCOUT_VAL_BLOB;
            v->s = sqlite3_column_blob(st, i);
            v->len = (size_t)sqlite3_column_bytes(st, i);
            if (!v->s) v->s = ""; /* a zero-length blob comes back as NULL */
            bytes += (int64_t)v->len;
            break;
        default:
            v->type = SCOUT_VAL_NULL;
            break;
        }
    }
    return bytes;
}

static scout_rc step_error(sqlite_wh *wh, int s, const scout_wh_limits *lim, scout_err *err)
{
    if (s == SQLITE_INTERRUPT && wh->timed_out)
        return scout_err_set(err, SCOUT_ETIMEOUT, "query stopped after %lld ms (time limit)",
                             (long long)lim->timeout_ms);
    if (s == SQLITE_INTERRUPT) return scout_err_set(err, SCOUT_EINTERRUPTED, "query interrupted");
    if (s == SQLITE_AUTH) return refused(wh, err);
    return sql_error(wh, err);
}

static scout_rc call_header(sqlite3_stmt *st, int ncols, scout_wh_header_fn on_header, void *ud,
                            scout_err *err)
{
    if (!on_header) return SCOUT_OK;
    const char **names = calloc(ncols > 0 ? (size_t)ncols : 1, sizeof *names);
    if (!names) return oom(err);
    scout_rc rc = SCOUT_OK;
    for (int i = 0; i < ncols && !rc; i++) {
        names[i] = sqlite3_column_name(st, i);
        if (!names[i]) rc = oom(err);
    }
    if (!rc) {
        rc = on_header(ud, ncols, names);
        if (rc) scout_err_set(err, rc, "result header callback failed (%s)", scout_rc_name(rc));
    }
    free(names);
    return rc;
}

/* Steps through the rows, enforcing the row and byte caps. A row is
 * delivered only if it fits under both, so the caller never receives more
 * than max_rows rows or max_bytes bytes; truncation is reported only when a
 * further row actually existed. The progress
 * handler (installed by the caller) enforces the time limit inside a step;
 * the check between rows also counts time spent in the callback. */
static scout_rc stream_rows(sqlite_wh *wh, sqlite3_stmt *st, const scout_wh_limits *lim,
                            scout_wh_row_fn on_row, void *ud, scout_wh_qstats *stats,
                            scout_err *err)
{
    int ncols = sqlite3_column_count(st);
    scout_value *vals = calloc(ncols > 0 ? (size_t)ncols : 1, sizeof *vals);
    if (!vals) return oom(err);
    scout_rc rc = SCOUT_OK;
    for (;;) {
        int s = sqlite3_step(st);
        if (s == SQLITE_DONE) break;
        if (s != SQLITE_ROW) {
            rc = step_error(wh, s, lim, err);
            break;
        }
        if (lim->max_rows > 0 && stats->rows >= lim->max_rows) {
            stats->truncated = true;
            rc = scout_err_set(err, SCOUT_ELIMIT, "result truncated at %lld rows (row limit)",
                               (long long)stats->rows);
            break;
        }
        int64_t bytes = read_row(st, vals, ncols);
        if (lim->max_bytes > 0 && stats->bytes + bytes > lim->max_bytes) {
            stats->truncated = true;
            rc = scout_err_set(err, SCOUT_ELIMIT,
                               "result truncated at %lld rows (byte limit of %lld bytes)",
                               (long long)stats->rows, (long long)lim->max_bytes);
            break;
        }
        stats->rows++;
        stats->bytes += bytes;
        if (on_row && on_row(ud, ncols, vals)) break;
        if (progress_check(wh)) {
            rc = step_error(wh, SQLITE_INTERRUPT, lim, err);
            break;
        }
    }
    free(vals);
    return rc;
}

static scout_rc sqlite_query(scout_wh *base, const char *sql, const scout_wh_limits *lim,
                             scout_wh_header_fn on_header, scout_wh_row_fn on_row, void *ud,
                             scout_wh_qstats *stats, scout_err *err)
{
    sqlite_wh *wh = (sqlite_wh *)base;
    static const scout_wh_limits none = {0, 0, 0};
    scout_wh_qstats local;
    if (!lim) lim = &none;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    double t0 = scout_now_ms();
    sqlite3_stmt *st = NULL;
    /* The read check also covers re-preparation inside sqlite3_step (after a
     * schema change), so it stays on until the statement is finalized. */
    wh->in_user = true;
    scout_rc rc = prepare_user(wh, sql, &st, err);
    if (!rc) rc = call_header(st, sqlite3_column_count(st), on_header, ud, err);
    if (!rc) {
        wh->timed_out = false;
        wh->deadline = lim->timeout_ms > 0 ? t0 + (double)lim->timeout_ms : 0;
        if (wh->deadline > 0 || wh->base.cancel)
            sqlite3_progress_handler(wh->db, SQLITE_WH_PROGRESS_OPS, progress_check, wh);
        /* Waiting for another process's lock runs no VM code, so the
         * progress handler cannot stop it: bound the wait instead. */
        if (wh->deadline > 0 && lim->timeout_ms < SQLITE_WH_BUSY_MS)
            sqlite3_busy_timeout(wh->db, (int)lim->timeout_ms);
        rc = stream_rows(wh, st, lim, on_row, ud, stats, err);
        /* The handler must not outlive this query: internal statements and
         * the next query (with its own limit) run without it. */
        sqlite3_progress_handler(wh->db, 0, NULL, NULL);
        sqlite3_busy_timeout(wh->db, SQLITE_WH_BUSY_MS);
        wh->deadline = 0;
    }
    sqlite3_finalize(st);
    wh->in_user = false;
    stats->elapsed_ms = scout_now_ms() - t0;
    return rc;
}

/* ---- fingerprint ------------------------------------------------------ */

/* Runs one of this backend's statements and folds every cell into *h with
 * FNV-1a: not cryptographic, it only needs to notice changes. */
static scout_rc hash_rows(sqlite_wh *wh, const char *sql, uint64_t *h, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    scout_rc rc = prepare_internal(wh, sql, &st, err);
    if (rc) return rc;
    int s, ncols = sqlite3_column_count(st);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++) {
            unsigned char type = (unsigned char)sqlite3_column_type(st, i);
            const void *p = sqlite3_column_blob(st, i);
            size_t n = (size_t)sqlite3_column_bytes(st, i);
            *h = scout_fnv64_update(*h, &type, 1);
            /* Lengths keep ("ab","c") apart from ("a","bc"). */
            *h = scout_fnv64_update(*h, &n, sizeof n);
            if (p) *h = scout_fnv64_update(*h, p, n);
        }
    }
    if (s != SQLITE_DONE) rc = sql_error(wh, err);
    sqlite3_finalize(st);
    return rc;
}

/* Whether schema names a database this connection reads (main only when a
 * main file was configured), so an unknown one is "not found", not an SQL error. */
static scout_rc check_schema(sqlite_wh *wh, const char *schema, scout_err *err)
{
    static const char *sql =
        "SELECT 1 FROM pragma_database_list WHERE name = ?1 "
        "AND name <> 'temp' AND (name <> 'main' OR ?2) AND (name <> ?3 OR NOT ?4)";
    sqlite3_stmt *st = NULL;
    scout_rc rc = prepare_internal(wh, sql, &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, wh->has_main);
    sqlite3_bind_text(st, 3, SCOUT_WH_SCRATCH_SCHEMA, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, wh->scratch);
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE)
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "no schema %s in this source", schema);
    else if (s != SQLITE_ROW)
        rc = sql_error(wh, err);
    sqlite3_finalize(st);
    return rc;
}

/* The table's kind ("table", "view", "virtual", "shadow") and CREATE text. */
static scout_rc lookup_table(sqlite_wh *wh, const char *schema, const char *table, char **kind,
                             char **sql_text, scout_err *err)
{
    scout_buf sql;
    if (build_sql(&sql, "SELECT l.type, m.sql FROM pragma_table_list(?2) AS l JOIN ", schema,
                  "sqlite_schema", " AS m ON m.name = l.name WHERE l.schema = ?1"))
        return oom(err);
    sqlite3_stmt *st = NULL;
    scout_rc rc = prepare_internal(wh, sql.data, &st, err);
    scout_buf_free(&sql);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    bool bad = false;
    if (s == SQLITE_ROW) {
        *kind = col_dup(st, 0, true, &bad);
        *sql_text = col_dup(st, 1, true, &bad);
        if (bad) rc = oom(err);
    } else if (s == SQLITE_DONE) {
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "no table %s.%s", schema, table);
    } else {
        rc = sql_error(wh, err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* count(*) and max(rowid) in one statement. WITHOUT ROWID tables have no
 * rowid: the first form fails to prepare and the count alone is used. */
static scout_rc table_counts(sqlite_wh *wh, const char *schema, const char *table, int64_t *rows,
                             int64_t *maxrowid, bool *has_rowid, scout_err *err)
{
    scout_buf sql;
    if (build_sql(&sql, "SELECT count(*), max(_rowid_) FROM ", schema, table, "")) return oom(err);
    sqlite3_stmt *st = NULL;
    *has_rowid = sqlite3_prepare_v2(wh->db, sql.data, -1, &st, NULL) == SQLITE_OK;
    scout_buf_free(&sql);
    if (!*has_rowid) {
        if (build_sql(&sql, "SELECT count(*), NULL FROM ", schema, table, "")) return oom(err);
        scout_rc rc = prepare_internal(wh, sql.data, &st, err);
        scout_buf_free(&sql);
        if (rc) return rc;
    }
    scout_rc rc = SCOUT_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *rows = sqlite3_column_int64(st, 0);
        *maxrowid = sqlite3_column_int64(st, 1);
    } else {
        rc = sql_error(wh, err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Hashes the first and last SAMPLE_ROWS rows (by rowid; by primary key for
 * WITHOUT ROWID tables, which are stored in that order). */
static scout_rc sample_hash(sqlite_wh *wh, const char *schema, const char *table, bool has_rowid,
                            uint64_t *h, scout_err *err)
{
    static const char *const tails[] = {
        " ORDER BY _rowid_ LIMIT " WH_STR(SQLITE_WH_SAMPLE_ROWS),
        " ORDER BY _rowid_ DESC LIMIT " WH_STR(SQLITE_WH_SAMPLE_ROWS),
    };
    static const char *const plain = " LIMIT " WH_STR(SQLITE_WH_SAMPLE_ROWS);
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < (has_rowid ? 2u : 1u) && !rc; i++) {
        scout_buf sql;
        if (build_sql(&sql, "SELECT * FROM ", schema, table, has_rowid ? tails[i] : plain))
            return oom(err);
        rc = hash_rows(wh, sql.data, h, err);
        scout_buf_free(&sql);
    }
    return rc;
}

/* The fingerprint combines a hash of the CREATE text, count(*), max(rowid)
 * and a hash of the first and last 64 rows. It changes on any schema change,
 * insert or delete, and on updates that touch the oldest or newest rows.
 * Known blind spot: an UPDATE of a row in the middle of a table that keeps
 * the row count and max rowid (or a delete+insert that reuses them) is not
 * seen. Closing it would mean reading the whole table; the database file's
 * change counter would see it but changes for every table in the file.
 * Views get the CREATE text only (evaluating a view can be arbitrarily
 * expensive), so a view's fingerprint ignores changes to its inputs; virtual
 * tables add count(*) only, as their modules may not order by rowid cheaply. */
static scout_rc sqlite_fingerprint(scout_wh *base, const char *schema, const char *table,
                                   char **out, scout_err *err)
{
    sqlite_wh *wh = (sqlite_wh *)base;
    *out = NULL;
    char *kind = NULL, *sql_text = NULL;
    scout_rc rc = check_schema(wh, schema, err);
    if (!rc) rc = lookup_table(wh, schema, table, &kind, &sql_text, err);
    if (rc) return rc;
    uint64_t sql_hash = scout_fnv64(sql_text, strlen(sql_text));
    int64_t rows = 0, maxrowid = 0;
    uint64_t sample = SCOUT_FNV64_INIT;
    bool has_rowid = false;
    bool is_table = strcmp(kind, "table") == 0;
    if (is_table || strcmp(kind, "virtual") == 0)
        rc = table_counts(wh, schema, table, &rows, &maxrowid, &has_rowid, err);
    if (!rc && is_table) rc = sample_hash(wh, schema, table, has_rowid, &sample, err);
    scout_buf fp;
    scout_buf_init(&fp, 0);
    if (!rc && scout_buf_printf(&fp, "%s:sql=%016llx:rows=%lld:maxrowid=%lld:sample=%016llx", kind,
                                (unsigned long long)sql_hash, (long long)rows, (long long)maxrowid,
                                (unsigned long long)sample))
        rc = oom(err);
    if (!rc) *out = scout_buf_take(&fp);
    if (!rc && !*out) rc = oom(err);
    scout_buf_free(&fp);
    free(kind);
    free(sql_text);
    return rc;
}

static const scout_wh_dialect *sqlite_dialect_of(scout_wh *wh)
{
    (void)wh;
    return &sqlite_dialect;
}

static scout_rc sqlite_set_read_check(scout_wh *base, scout_wh_read_check_fn fn, void *ud,
                                      scout_err *err)
{
    (void)err;
    sqlite_wh *wh = (sqlite_wh *)base;
    wh->read_check = fn;
    wh->read_ud = fn ? ud : NULL;
    return SCOUT_OK;
}

/* ---- cost ------------------------------------------------------------- */

/* Cursors numbered beyond this are not followed (a plan that large is
 * estimated from the ones below it). */
#define SQLITE_WH_COST_CURSORS 256
#define SQLITE_WH_COST_LOOPS   64

typedef struct cost_cursor {
    bool table; /* opened on a b-tree of the database (not a sorter or temp) */
    int db, root;
    double rows; /* resolved after the plan was read; -1 = not yet */
} cost_cursor;

typedef struct cost_loop {
    int start, end, cursor; /* a full scan: Rewind/Last at start, loop exits to end */
} cost_loop;

typedef struct cost_plan {
    cost_cursor cur[SQLITE_WH_COST_CURSORS];
    cost_loop loop[SQLITE_WH_COST_LOOPS];
    int n_loops;
} cost_plan;

/* Records one bytecode instruction: which b-tree each cursor reads, and
 * every full scan (Rewind/Last over such a cursor, the loop's exit in p2). */
static void plan_op(cost_plan *p, int addr, const char *op, int p1, int p2, int p3)
{
    if (p1 < 0 || p1 >= SQLITE_WH_COST_CURSORS) return;
    if (!strcmp(op, "OpenRead") || !strcmp(op, "OpenWrite")) {
        p->cur[p1] = (cost_cursor){.table = true, .db = p3, .root = p2, .rows = -1};
    } else if ((!strcmp(op, "Rewind") || !strcmp(op, "Last")) && p->cur[p1].table &&
               p->n_loops < SQLITE_WH_COST_LOOPS && p2 > addr) {
        p->loop[p->n_loops++] = (cost_loop){.start = addr, .end = p2, .cursor = p1};
    }
}

/* Reads the statement's bytecode (EXPLAIN, prepared as the user's statement
 * so the read check applies) into p. */
static scout_rc read_plan(sqlite_wh *wh, const char *sql, cost_plan *p, scout_err *err)
{
    scout_buf b;
    scout_buf_init(&b, (size_t)512 << 10);
    if (scout_buf_puts(&b, "EXPLAIN ") || scout_buf_puts(&b, sql)) {
        scout_buf_free(&b);
        return scout_err_set(err, SCOUT_ELIMIT, "statement too long to estimate");
    }
    sqlite3_stmt *st = NULL;
    wh->in_user = true;
    scout_rc rc = prepare_user(wh, b.data, &st, err);
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *op = (const char *)sqlite3_column_text(st, 1);
        plan_op(p, sqlite3_column_int(st, 0), op ? op : "", sqlite3_column_int(st, 2),
                sqlite3_column_int(st, 3), sqlite3_column_int(st, 4));
    }
    if (!rc && s != SQLITE_DONE) rc = step_error(wh, s, &(scout_wh_limits){0}, err);
    sqlite3_finalize(st);
    wh->in_user = false;
    scout_buf_free(&b);
    return rc;
}

/* Rows behind a b-tree: the table's count(*) (an index counts as its
 * table). Unknown b-trees count as 1 row: they cannot make a plan look
 * cheaper than it is by more than the rows they hide. */
static double btree_rows(sqlite_wh *wh, int db, int root)
{
    sqlite3_stmt *st = NULL;
    if (prepare_internal(wh, "SELECT name FROM pragma_database_list WHERE seq = ?1", &st, NULL))
        return 1;
    sqlite3_bind_int(st, 1, db);
    char *schema = NULL;
    bool bad = false;
    if (sqlite3_step(st) == SQLITE_ROW) schema = col_dup(st, 0, true, &bad);
    sqlite3_finalize(st);
    if (!schema) return 1;
    scout_buf q;
    double rows = 1;
    if (build_sql(&q, "SELECT tbl_name FROM ", schema, "sqlite_schema", " WHERE rootpage = ?1")) {
        free(schema);
        return 1;
    }
    if (!prepare_internal(wh, q.data, &st, NULL)) {
        sqlite3_bind_int(st, 1, root);
        char *table = sqlite3_step(st) == SQLITE_ROW ? col_dup(st, 0, true, &bad) : NULL;
        sqlite3_finalize(st);
        int64_t n = 0, maxrowid = 0;
        bool has_rowid = false;
        if (table && !table_counts(wh, schema, table, &n, &maxrowid, &has_rowid, NULL) && n > 1)
            rows = (double)n;
        free(table);
    }
    scout_buf_free(&q);
    free(schema);
    return rows;
}

/* Each full scan multiplies the work of the full scans whose loops contain
 * it: nested loops without an index are what make a query quadratic. */
static void plan_work(sqlite_wh *wh, cost_plan *p, scout_wh_cost *out)
{
    cost_loop *stack[SQLITE_WH_COST_LOOPS];
    double work[SQLITE_WH_COST_LOOPS];
    int depth = 0;
    for (int i = 0; i < p->n_loops; i++) {
        cost_loop *l = &p->loop[i];
        while (depth > 0 && stack[depth - 1]->end <= l->start) depth--;
        cost_cursor *c = &p->cur[l->cursor];
        if (c->rows < 0) c->rows = btree_rows(wh, c->db, c->root);
        double w = (depth ? work[depth - 1] : 1) * c->rows;
        out->full_scans++;
        if (depth) out->nested_scans++;
        if (w > out->work) out->work = w;
        stack[depth] = l;
        work[depth++] = w;
    }
}

static scout_rc sqlite_explain_cost(scout_wh *base, const char *sql, scout_wh_cost *out,
                                    scout_err *err)
{
    sqlite_wh *wh = (sqlite_wh *)base;
    cost_plan *p = calloc(1, sizeof *p);
    if (!p) return oom(err);
    scout_rc rc = read_plan(wh, sql, p, err);
    if (!rc) plan_work(wh, p, out);
    free(p);
    return rc;
}

/* ---- scratch ---------------------------------------------------------- */

static scout_rc exec_internal(sqlite_wh *wh, const char *sql, scout_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(wh->db, sql, NULL, NULL, &msg) == SQLITE_OK) return SCOUT_OK;
    scout_err_set(err, SCOUT_ESQL, "scratch: %s", msg ? msg : sqlite3_errmsg(wh->db));
    sqlite3_free(msg);
    return SCOUT_ESQL;
}

static scout_rc scratch_attach_file(sqlite_wh *wh, const char *path, scout_err *err)
{
    scout_buf uri;
    /* mode=rw: the file must already exist (scratch.c creates it 0600);
     * the engine never creates one here with the process umask. */
    if (build_uri(&uri, path, "?mode=rw")) return oom(err);
    sqlite3_stmt *st = NULL;
    scout_rc rc = prepare_internal(wh, "ATTACH DATABASE ?1 AS " SCOUT_WH_SCRATCH_SCHEMA, &st, err);
    if (!rc) {
        sqlite3_bind_text(st, 1, uri.data, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = scout_err_set(err, SCOUT_ESQL, "scratch (%s): cannot attach: %s", path,
                               sqlite3_errmsg(wh->db));
    }
    sqlite3_finalize(st);
    scout_buf_free(&uri);
    return rc;
}

/* Attaches the scratch file with the authorizer lifted for this backend's
 * own ATTACH and PRAGMA, then drops query_only: from here the authorizer
 * (writes only into scratch) and the mode=ro warehouse files keep the
 * warehouse unwritable. On failure the connection is left query_only. */
static scout_rc sqlite_attach_scratch(scout_wh *base, const char *path, scout_err *err)
{
    sqlite_wh *wh = (sqlite_wh *)base;
    const scout_source_cfg *src = wh->base.src;
    for (size_t i = 0; src && i < src->n_schemas; i++)
        if (src->schemas[i].name && !strcmp(src->schemas[i].name, SCOUT_WH_SCRATCH_SCHEMA))
            return scout_err_set(err, SCOUT_EUSER,
                                 "scratch: source '%s' already has a schema named '%s'",
                                 src->name ? src->name : "?", SCOUT_WH_SCRATCH_SCHEMA);
    scout_rc rc = check_db_file("scratch", path, err);
    if (rc) return rc;
    int n = (int)(src ? src->n_schemas : 0);
    sqlite3_set_authorizer(wh->db, NULL, NULL);
    sqlite3_limit(wh->db, SQLITE_LIMIT_ATTACHED, n + 1);
    rc = scratch_attach_file(wh, path, err);
    if (!rc) rc = exec_internal(wh, "PRAGMA " SCOUT_WH_SCRATCH_SCHEMA ".journal_mode=DELETE", err);
    if (!rc) rc = exec_internal(wh, "PRAGMA query_only=0", err);
    if (!rc)
        wh->scratch = true;
    else
        sqlite3_limit(wh->db, SQLITE_LIMIT_ATTACHED, n);
    sqlite3_set_authorizer(wh->db, authorize, wh);
    return rc;
}

const scout_wh_ops scout_wh_sqlite_ops = {
    .kind = "sqlite",
    .open = sqlite_open,
    .list_tables = sqlite_list_tables,
    .query = sqlite_query,
    .fingerprint = sqlite_fingerprint,
    .dialect = sqlite_dialect_of,
    .close = sqlite_close,
    .set_read_check = sqlite_set_read_check,
    .attach_scratch = sqlite_attach_scratch,
    .explain_cost = sqlite_explain_cost,
};
