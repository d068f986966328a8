/* memory.c — the layer-5 memory store (see memory.h).
 *
 * Storage. Memories live in the catalog's `memories` table, whose CHECK
 * constraints predate the product words: scope is split into scope
 * ('global'|'team'|'personal') plus team / owner, and the statuses map as
 * proposed → 'proposed', active → 'confirmed', retired → 'archived' (a
 * 'rejected' row reads as retired). What the table lacks is kept in this
 * module's side tables: memory_meta (expiry and the linked tables/columns as
 * JSON, exactly as given back) and memory_links (one row per linked table,
 * for "memories about this table" lookups). memories.fqname/column_name hold
 * the first link so plain readers of `memories` still see one. */
#include "catalog/memory.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "catalog/catalog_int.h"

/* Idempotent DDL for the tables this module adds; run by scout_catalog_open. */
const char scout_memory_schema[] =
    "CREATE TABLE IF NOT EXISTS memory_meta ("
    "  memory_id INTEGER PRIMARY KEY REFERENCES memories(id) ON DELETE CASCADE,"
    "  expires_at TEXT,"
    "  tables TEXT NOT NULL DEFAULT '[]',"
    "  columns TEXT NOT NULL DEFAULT '[]');"
    "CREATE TABLE IF NOT EXISTS memory_links ("
    "  memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,"
    "  fqname TEXT NOT NULL,"
    "  column_name TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (memory_id, fqname, column_name));"
    "CREATE INDEX IF NOT EXISTS memory_links_fqname ON memory_links(fqname);";

#define MEMORY_TEXT_MAX 8192

/* ---------- scope and status ---------- */

typedef struct scope {
    const char *kind; /* global, team, personal */
    char name[128];   /* team or user; "" for global */
} scope;

static scout_rc parse_scope(const char *s, scope *out, scout_err *err)
{
    memset(out, 0, sizeof *out);
    if (s && !strcmp(s, "global")) {
        out->kind = "global";
        return SCOUT_OK;
    }
    const char *rest = NULL;
    if (s && !strncmp(s, "team:", 5)) {
        out->kind = "team";
        rest = s + 5;
    } else if (s && !strncmp(s, "personal:", 9)) {
        out->kind = "personal";
        rest = s + 9;
    }
    if (!rest || !*rest || strpbrk(rest, " \t\n:") ||
        scout_strlcpy(out->name, rest, sizeof out->name) >= sizeof out->name)
        return scout_err_set(err, SCOUT_EUSER,
                             "bad memory scope '%s' (use global, team:<name> or personal:<user>)",
                             s ? s : "");
    return SCOUT_OK;
}

/* Product status → stored status; NULL for an unknown word. */
static const char *status_to_db(const char *s)
{
    if (!s) return NULL;
    if (!strcmp(s, "proposed")) return "proposed";
    if (!strcmp(s, "active")) return "confirmed";
    if (!strcmp(s, "retired")) return "archived";
    return NULL;
}

static const char *status_from_db(const char *s)
{
    if (s && !strcmp(s, "confirmed")) return "active";
    if (s && (!strcmp(s, "archived") || !strcmp(s, "rejected"))) return "retired";
    return "proposed";
}

static scout_rc check_status(const char *s, scout_err *err)
{
    if (status_to_db(s)) return SCOUT_OK;
    return scout_err_set(err, SCOUT_EUSER,
                         "bad memory status '%s' (use proposed, active or retired)", s);
}

/* "YYYY-MM-DD" optionally followed by a time; compared as text with UTC
 * timestamps, so a bare date expires at the start of that day (UTC). */
static scout_rc check_expiry(const char *s, scout_err *err)
{
    bool ok = s && strlen(s) >= 10;
    for (int i = 0; ok && i < 10; i++)
        ok = (i == 4 || i == 7) ? s[i] == '-' : (s[i] >= '0' && s[i] <= '9');
    if (ok) return SCOUT_OK;
    return scout_err_set(err, SCOUT_EUSER, "bad expiry '%s' (use YYYY-MM-DD)", s ? s : "");
}

/* ---------- links ---------- */

/* A JSON array of strings (NULL = empty), canonicalising table names the
 * catalog knows; unknown names are kept (the table may not be crawled yet). */
static scout_rc parse_links(scout_catalog *cat, const char *text, bool columns, json_t **out,
                            scout_err *err)
{
    *out = json_array();
    if (!text || !*text) return *out ? SCOUT_OK : SCOUT_ENOMEM;
    json_t *in = json_loads(text, 0, NULL);
    size_t i;
    json_t *v;
    if (!json_is_array(in)) {
        json_decref(in);
        return scout_err_set(err, SCOUT_EUSER, "memory %s must be a JSON array of names",
                             columns ? "columns" : "tables");
    }
    json_array_foreach(in, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !*s || (columns && !strchr(s, '.'))) {
            json_decref(in);
            return scout_err_set(err, SCOUT_EUSER, "bad memory link '%s'%s", s ? s : "?",
                                 columns ? " (use table.column)" : "");
        }
        char *fq = NULL;
        scout_err ignore = {0};
        if (!columns && scout_catalog_resolve(cat, s, &fq, &ignore) == SCOUT_OK) {
            json_array_append_new(*out, json_string(fq));
            free(fq);
        } else {
            json_array_append_new(*out, json_string(s));
        }
    }
    json_decref(in);
    return SCOUT_OK;
}

static scout_rc step_done(scout_catalog *cat, sqlite3_stmt *st, scout_err *err, const char *what)
{
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? SCOUT_OK : scout_catalog_sqlerr(cat, err, what);
}

/* Rewrites memory_meta's link lists and memory_links for one memory. */
static scout_rc store_links(scout_catalog *cat, int64_t id, const json_t *tables,
                            const json_t *cols, scout_err *err)
{
    char *tj = json_dumps(tables, JSON_COMPACT), *cj = json_dumps(cols, JSON_COMPACT);
    sqlite3_stmt *st;
    scout_rc rc = tj && cj ? SCOUT_OK : scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    if (!rc)
        rc = scout_catalog_prepare(cat,
                                   "UPDATE memory_meta SET tables = ?, columns = ?"
                                   " WHERE memory_id = ?",
                                   &st, err);
    if (!rc) {
        sqlite3_bind_text(st, 1, tj, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, cj, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, id);
        rc = step_done(cat, st, err, "storing memory links");
    }
    if (!rc && !(rc = scout_catalog_prepare(cat, "DELETE FROM memory_links WHERE memory_id = ?",
                                            &st, err))) {
        sqlite3_bind_int64(st, 1, id);
        rc = step_done(cat, st, err, "storing memory links");
    }
    const json_t *lists[] = {tables, cols};
    for (int l = 0; l < 2 && !rc; l++) {
        size_t i;
        const json_t *v;
        json_array_foreach(lists[l], i, v)
        {
            const char *s = json_string_value(v);
            const char *dot = l ? strrchr(s, '.') : NULL;
            if (rc || (rc = scout_catalog_prepare(cat,
                                                  "INSERT OR IGNORE INTO memory_links"
                                                  " (memory_id, fqname, column_name)"
                                                  " VALUES (?, ?, ?)",
                                                  &st, err)))
                break;
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_text(st, 2, s, dot ? (int)(dot - s) : -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, dot ? dot + 1 : "", -1, SQLITE_TRANSIENT);
            rc = step_done(cat, st, err, "storing memory links");
        }
    }
    /* The first link mirrored on the memories row for plain readers. */
    if (!rc && !(rc = scout_catalog_prepare(
                     cat,
                     "UPDATE memories SET fqname = (SELECT fqname FROM memory_links"
                     " WHERE memory_id = ?1 ORDER BY column_name <> '', rowid LIMIT 1),"
                     " column_name = (SELECT nullif(column_name, '') FROM memory_links"
                     " WHERE memory_id = ?1 AND column_name <> '' ORDER BY rowid LIMIT 1)"
                     " WHERE id = ?1",
                     &st, err))) {
        sqlite3_bind_int64(st, 1, id);
        rc = step_done(cat, st, err, "storing memory links");
    }
    free(tj);
    free(cj);
    return rc;
}

/* ---------- add ---------- */

static scout_rc check_text(const char *text, scout_err *err)
{
    if (!text || !*text) return scout_err_set(err, SCOUT_EUSER, "a memory needs text");
    if (strlen(text) > MEMORY_TEXT_MAX)
        return scout_err_set(err, SCOUT_EUSER, "memory text is longer than %d bytes",
                             MEMORY_TEXT_MAX);
    return SCOUT_OK;
}

static scout_rc insert_memory(scout_catalog *cat, const scout_memory *m, const scope *sc,
                              int64_t *id, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat,
                                        "INSERT INTO memories (scope, owner, team, status, text,"
                                        " created_by, kind) VALUES (?, ?, ?, ?, ?, ?, 'note')",
                                        &st, err);
    if (rc) return rc;
    bool personal = !strcmp(sc->kind, "personal"), team = !strcmp(sc->kind, "team");
    sqlite3_bind_text(st, 1, sc->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, personal ? sc->name : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, team ? sc->name : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, status_to_db(m->status ? m->status : "proposed"), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m->text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, m->author, -1, SQLITE_STATIC);
    rc = step_done(cat, st, err, "storing a memory");
    if (rc) return rc;
    *id = sqlite3_last_insert_rowid(cat->db);
    if ((rc = scout_catalog_prepare(
             cat, "INSERT INTO memory_meta (memory_id, expires_at) VALUES (?, ?)", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_text(st, 2, m->expires_at && *m->expires_at ? m->expires_at : NULL, -1,
                      SQLITE_STATIC);
    return step_done(cat, st, err, "storing a memory");
}

/* Runs fn inside one transaction, rolling back on failure. */
static scout_rc in_tx(scout_catalog *cat, scout_rc rc_body, scout_err *err)
{
    if (rc_body) {
        sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
        return rc_body;
    }
    scout_rc rc = scout_catalog_exec(cat, "COMMIT", err);
    if (rc) sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

scout_rc scout_memory_add(scout_catalog *cat, const scout_memory *m, int64_t *id, scout_err *err)
{
    scope sc;
    json_t *tables = NULL, *cols = NULL;
    *id = 0;
    scout_rc rc = parse_scope(m->scope, &sc, err);
    if (!rc) rc = check_text(m->text, err);
    if (!rc && m->status) rc = check_status(m->status, err);
    if (!rc && m->expires_at && *m->expires_at) rc = check_expiry(m->expires_at, err);
    if (!rc) rc = parse_links(cat, m->tables, false, &tables, err);
    if (!rc) rc = parse_links(cat, m->columns, true, &cols, err);
    if (!rc && !(rc = scout_catalog_exec(cat, "BEGIN IMMEDIATE", err))) {
        scout_rc body = insert_memory(cat, m, &sc, id, err);
        if (!body) body = store_links(cat, *id, tables, cols, err);
        rc = in_tx(cat, body, err);
    }
    if (rc) *id = 0;
    json_decref(tables);
    json_decref(cols);
    return rc;
}

/* ---------- reading ---------- */

static const char SQL_SELECT[] =
    "SELECT m.id, m.scope, m.team, m.owner, m.status, m.text,"
    " coalesce(x.tables, '[]'), coalesce(x.columns, '[]'), m.created_by, m.created_at,"
    " x.expires_at,"
    " x.expires_at IS NOT NULL AND x.expires_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " FROM memories m LEFT JOIN memory_meta x ON x.memory_id = m.id";

/* Who may see a memory: everyone for global, members for team:<name>, the
 * user for personal:<user>; an admin (or who == NULL) sees all. */
static bool visible(const scout_principal *who, const char *kind, const char *team,
                    const char *owner)
{
    if (!who || who->admin || !strcmp(kind, "global")) return true;
    if (!strcmp(kind, "team")) return team && scout_principal_in_group(who, team);
    return owner && who->user && !strcmp(owner, who->user);
}

/* Builds the product view of the current row; scope_buf holds "team:x". */
static void row_memory(sqlite3_stmt *st, scout_buf *scope_buf, scout_memory *m)
{
    const char *kind = scout_catalog_col_text(st, 1);
    scout_buf_reset(scope_buf);
    if (!strcmp(kind, "global"))
        scout_buf_puts(scope_buf, "global");
    else
        scout_buf_printf(scope_buf, "%s:%s", kind,
                         scout_catalog_col_text(st, !strcmp(kind, "team") ? 2 : 3));
    bool expired = sqlite3_column_int(st, 11) != 0;
    const char *status = status_from_db(scout_catalog_col_text(st, 4));
    /* An expired memory no longer counts as active or proposed. */
    if (expired && strcmp(status, "retired") != 0) status = "expired";
    *m = (scout_memory){
        .id = sqlite3_column_int64(st, 0),
        .scope = scout_buf_cstr(scope_buf),
        .status = status,
        .text = scout_catalog_col_text(st, 5),
        .tables = scout_catalog_col_text(st, 6),
        .columns = scout_catalog_col_text(st, 7),
        .author = scout_catalog_col_text(st, 8),
        .created_at = scout_catalog_col_text(st, 9),
        .expires_at = scout_catalog_col_text(st, 10),
    };
}

static bool row_visible(sqlite3_stmt *st, const scout_principal *who)
{
    return visible(who, scout_catalog_col_text(st, 1), scout_catalog_col_text(st, 2),
                   scout_catalog_col_text(st, 3));
}

scout_rc scout_memory_list(scout_catalog *cat, const scout_principal *who, const char *fqname,
                           const char *status, scout_memory_fn fn, void *ud, scout_err *err)
{
    if (status && strcmp(status, "expired") != 0 && check_status(status, err)) return SCOUT_EUSER;
    scout_buf sql = SCOUT_BUF_INIT;
    scout_buf_puts(&sql, SQL_SELECT);
    if (fqname)
        scout_buf_puts(&sql, " WHERE m.id IN (SELECT memory_id FROM memory_links"
                             " WHERE fqname = ?1 COLLATE NOCASE)");
    scout_buf_puts(&sql, " ORDER BY m.created_at DESC, m.id DESC");
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat, scout_buf_cstr(&sql), &st, err);
    scout_buf_free(&sql);
    if (rc) return rc;
    if (fqname) sqlite3_bind_text(st, 1, fqname, -1, SQLITE_STATIC);
    scout_buf scope_buf = SCOUT_BUF_INIT;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!row_visible(st, who)) continue;
        scout_memory m;
        row_memory(st, &scope_buf, &m);
        if (status && strcmp(status, m.status) != 0) continue;
        if (fn(ud, &m)) break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = scout_catalog_sqlerr(cat, err, "listing memories");
    scout_buf_free(&scope_buf);
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_memory_get(scout_catalog *cat, const scout_principal *who, int64_t id,
                          scout_memory_fn fn, void *ud, scout_err *err)
{
    scout_buf sql = SCOUT_BUF_INIT;
    scout_buf_printf(&sql, "%s WHERE m.id = ?", SQL_SELECT);
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat, scout_buf_cstr(&sql), &st, err);
    scout_buf_free(&sql);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    /* An invisible memory is reported exactly like a missing one. */
    if (s == SQLITE_ROW && row_visible(st, who)) {
        scout_buf scope_buf = SCOUT_BUF_INIT;
        scout_memory m;
        row_memory(st, &scope_buf, &m);
        fn(ud, &m);
        scout_buf_free(&scope_buf);
    } else if (s == SQLITE_ROW || s == SQLITE_DONE) {
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "no memory #%lld", (long long)id);
    } else {
        rc = scout_catalog_sqlerr(cat, err, "reading a memory");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---------- edit and retire ---------- */

/* The stored row's scope parts and author, for permission checks. */
typedef struct owner_info {
    char kind[16], team[128], owner[128], author[128];
} owner_info;

static scout_rc load_owner(scout_catalog *cat, int64_t id, owner_info *o, scout_err *err)
{
    sqlite3_stmt *st;
    memset(o, 0, sizeof *o);
    scout_rc rc = scout_catalog_prepare(
        cat, "SELECT scope, team, owner, created_by FROM memories WHERE id = ?", &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        const char *v[4];
        for (int i = 0; i < 4; i++) v[i] = scout_catalog_col_text(st, i);
        scout_strlcpy(o->kind, v[0] ? v[0] : "", sizeof o->kind);
        scout_strlcpy(o->team, v[1] ? v[1] : "", sizeof o->team);
        scout_strlcpy(o->owner, v[2] ? v[2] : "", sizeof o->owner);
        scout_strlcpy(o->author, v[3] ? v[3] : "", sizeof o->author);
    } else if (s == SQLITE_DONE) {
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "no memory #%lld", (long long)id);
    } else {
        rc = scout_catalog_sqlerr(cat, err, "reading a memory");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Edit rights: an admin (or who == NULL, the system), the author, the
 * owner of a personal memory, or a member of a team memory's team. Someone
 * who cannot even see the memory is told it does not exist. */
static scout_rc may_edit(scout_catalog *cat, const scout_principal *who, int64_t id, scout_err *err)
{
    owner_info o;
    scout_rc rc = load_owner(cat, id, &o, err);
    if (rc || !who || who->admin) return rc;
    if (!visible(who, o.kind, o.team, o.owner))
        return scout_err_set(err, SCOUT_ENOTFOUND, "no memory #%lld", (long long)id);
    const char *u = who->user ? who->user : "";
    if (*u && (!strcmp(o.author, u) || (!strcmp(o.kind, "personal") && !strcmp(o.owner, u))))
        return SCOUT_OK;
    if (!strcmp(o.kind, "team") && scout_principal_in_group(who, o.team)) return SCOUT_OK;
    return scout_err_set(
        err, SCOUT_EDENIED, "memory #%lld can be changed only by its author, %s or an admin",
        (long long)id, !strcmp(o.kind, "team") ? "its team's members" : "its owner");
}

static scout_rc update_text_field(scout_catalog *cat, int64_t id, const char *sql, const char *v,
                                  scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat, sql, &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    return step_done(cat, st, err, "changing a memory");
}

static scout_rc update_scope(scout_catalog *cat, int64_t id, const scope *sc, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat,
                                        "UPDATE memories SET scope = ?, owner = ?, team = ?"
                                        " WHERE id = ?",
                                        &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, sc->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, !strcmp(sc->kind, "personal") ? sc->name : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, !strcmp(sc->kind, "team") ? sc->name : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, id);
    return step_done(cat, st, err, "changing a memory");
}

/* Current link lists of a memory, for an edit that changes only one of them. */
static scout_rc current_links(scout_catalog *cat, int64_t id, json_t **tables, json_t **cols,
                              scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        cat, "SELECT tables, columns FROM memory_meta WHERE memory_id = ?", &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (!*tables) *tables = json_loads(scout_catalog_col_text(st, 0), 0, NULL);
        if (!*cols) *cols = json_loads(scout_catalog_col_text(st, 1), 0, NULL);
    }
    sqlite3_finalize(st);
    if (!*tables) *tables = json_array();
    if (!*cols) *cols = json_array();
    return SCOUT_OK;
}

static scout_rc apply_edit(scout_catalog *cat, int64_t id, const scout_memory *c, const scope *sc,
                           json_t *tables, json_t *cols, scout_err *err)
{
    scout_rc rc = SCOUT_OK;
    if (c->text)
        rc = update_text_field(cat, id, "UPDATE memories SET text = ? WHERE id = ?", c->text, err);
    if (!rc && c->status)
        rc = update_text_field(
            cat, id,
            "UPDATE memories SET status = ?1, confirmed_at = CASE WHEN ?1 = 'confirmed'"
            " THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') ELSE confirmed_at END WHERE id = ?2",
            status_to_db(c->status), err);
    if (!rc && c->scope) rc = update_scope(cat, id, sc, err);
    if (!rc && c->expires_at)
        rc = update_text_field(cat, id,
                               "UPDATE memory_meta SET expires_at = nullif(?, '')"
                               " WHERE memory_id = ?",
                               c->expires_at, err);
    if (!rc && (c->tables || c->columns)) {
        rc = current_links(cat, id, &tables, &cols, err);
        if (!rc) rc = store_links(cat, id, tables, cols, err);
    }
    if (!rc)
        rc = update_text_field(cat, id,
                               "UPDATE memories SET updated_at = coalesce(?, strftime("
                               "'%Y-%m-%dT%H:%M:%SZ', 'now')) WHERE id = ?",
                               NULL, err);
    json_decref(tables);
    json_decref(cols);
    return rc;
}

scout_rc scout_memory_edit(scout_catalog *cat, const scout_principal *who, int64_t id,
                           const scout_memory *c, scout_err *err)
{
    scope sc = {0};
    json_t *tables = NULL, *cols = NULL;
    scout_rc rc = c->scope ? parse_scope(c->scope, &sc, err) : SCOUT_OK;
    if (!rc && c->text) rc = check_text(c->text, err);
    if (!rc && c->status) rc = check_status(c->status, err);
    if (!rc && c->expires_at && *c->expires_at) rc = check_expiry(c->expires_at, err);
    if (!rc && c->tables) rc = parse_links(cat, c->tables, false, &tables, err);
    if (!rc && c->columns) rc = parse_links(cat, c->columns, true, &cols, err);
    if (rc) {
        json_decref(tables);
        json_decref(cols);
        return rc;
    }
    if ((rc = scout_catalog_exec(cat, "BEGIN IMMEDIATE", err))) {
        json_decref(tables);
        json_decref(cols);
        return rc;
    }
    scout_rc body = may_edit(cat, who, id, err);
    if (!body) {
        body = apply_edit(cat, id, c, &sc, tables, cols, err);
    } else {
        json_decref(tables);
        json_decref(cols);
    }
    return in_tx(cat, body, err);
}

scout_rc scout_memory_retire(scout_catalog *cat, const scout_principal *who, int64_t id,
                             scout_err *err)
{
    scout_memory c = {.status = "retired"};
    return scout_memory_edit(cat, who, id, &c, err);
}
