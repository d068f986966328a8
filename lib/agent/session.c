/* session — see session.h. The state is one JSON document per session: the
 * loop only ever appends to it, so rewriting it whole per step keeps the
 * checkpoint atomic without a schema for every part. */
#include "agent/session.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"

struct scout_session_store {
    sqlite3 *db;
};

static const char *SCHEMA =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS sessions("
    " id TEXT PRIMARY KEY, user TEXT NOT NULL, question TEXT NOT NULL, status TEXT NOT NULL,"
    " step INTEGER NOT NULL DEFAULT 0, prompt_tokens INTEGER NOT NULL DEFAULT 0,"
    " completion_tokens INTEGER NOT NULL DEFAULT 0, cost REAL NOT NULL DEFAULT 0, grade TEXT,"
    " state TEXT NOT NULL, answer TEXT,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    " updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user, updated_at);"
    "CREATE TABLE IF NOT EXISTS feedback("
    " id INTEGER PRIMARY KEY, session TEXT NOT NULL, user TEXT NOT NULL, verdict TEXT NOT NULL,"
    " note TEXT, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));";

static scout_rc dberr(sqlite3 *db, scout_err *err, const char *what)
{
    return scout_err_set(err, SCOUT_ESQL, "sessions: %s: %s", what, sqlite3_errmsg(db));
}

scout_rc scout_session_store_open(const char *path, scout_session_store **out, scout_err *err)
{
    *out = NULL;
    /* Create the file 0600 first: sessions hold questions and result previews. */
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0) return scout_err_set(err, SCOUT_EIO, "sessions: cannot open %s", path);
    close(fd);
    scout_session_store *s = calloc(1, sizeof *s);
    if (!s) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        scout_rc rc = dberr(s->db, err, "open");
        scout_session_store_close(s);
        return rc;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (sqlite3_exec(s->db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK) {
        scout_rc rc = dberr(s->db, err, "schema");
        scout_session_store_close(s);
        return rc;
    }
    *out = s;
    return SCOUT_OK;
}

void scout_session_store_close(scout_session_store *s)
{
    if (!s) return;
    sqlite3_close(s->db);
    free(s);
}

scout_rc scout_session_new_id(char id[SCOUT_SESSION_ID_SIZE], scout_err *err)
{
    /* The same randomness source as API tokens (libsodium), so ids are never
     * guessable and there is one place that knows how to get random bytes. */
    if (sodium_init() < 0) return scout_err_set(err, SCOUT_EINTERNAL, "libsodium failed to start");
    unsigned char raw[8];
    randombytes_buf(raw, sizeof raw);
    id[0] = 's';
    sodium_bin2hex(id + 1, SCOUT_SESSION_ID_SIZE - 1, raw, sizeof raw);
    return SCOUT_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

scout_rc scout_session_save(scout_session_store *s, const scout_session_row *row, scout_err *err)
{
    char *state = json_dumps(row->state, JSON_COMPACT);
    char *answer = row->answer ? json_dumps(row->answer, JSON_COMPACT) : NULL;
    if (!state || (row->answer && !answer)) {
        free(state);
        free(answer);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    /* An upsert keeps created_at from the first save. */
    static const char *sql =
        "INSERT INTO sessions(id,user,question,status,step,prompt_tokens,completion_tokens,cost,"
        "grade,state,answer) VALUES(?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
        "status=excluded.status, step=excluded.step, prompt_tokens=excluded.prompt_tokens,"
        "completion_tokens=excluded.completion_tokens, cost=excluded.cost, grade=excluded.grade,"
        "state=excluded.state, answer=excluded.answer,"
        "updated_at=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE user=excluded.user";
    sqlite3_stmt *st = NULL;
    scout_rc rc = SCOUT_OK;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = dberr(s->db, err, "save");
    } else {
        bind_text(st, 1, row->id);
        bind_text(st, 2, row->user);
        bind_text(st, 3, row->question);
        bind_text(st, 4, row->status);
        sqlite3_bind_int64(st, 5, row->step);
        sqlite3_bind_int64(st, 6, row->prompt_tokens);
        sqlite3_bind_int64(st, 7, row->completion_tokens);
        sqlite3_bind_double(st, 8, row->cost);
        bind_text(st, 9, row->grade);
        bind_text(st, 10, state);
        bind_text(st, 11, answer);
        if (sqlite3_step(st) != SQLITE_DONE) rc = dberr(s->db, err, "save");
    }
    sqlite3_finalize(st);
    free(state);
    free(answer);
    return rc;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const char *v = (const char *)sqlite3_column_text(st, i);
    return v ? scout_strdup(v) : NULL;
}

#define ROW_COLS                                                                                   \
    "id,user,question,status,step,prompt_tokens,completion_tokens,cost,grade,created_at,"          \
    "updated_at,state,answer"

static void row_borrow(sqlite3_stmt *st, scout_session_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = (char *)sqlite3_column_text(st, 0);
    r->user = (char *)sqlite3_column_text(st, 1);
    r->question = (char *)sqlite3_column_text(st, 2);
    r->status = (char *)sqlite3_column_text(st, 3);
    r->step = sqlite3_column_int64(st, 4);
    r->prompt_tokens = sqlite3_column_int64(st, 5);
    r->completion_tokens = sqlite3_column_int64(st, 6);
    r->cost = sqlite3_column_double(st, 7);
    r->grade = (char *)sqlite3_column_text(st, 8);
    r->created_at = (char *)sqlite3_column_text(st, 9);
    r->updated_at = (char *)sqlite3_column_text(st, 10);
}

scout_rc scout_session_load(scout_session_store *s, const char *id, const char *user,
                            scout_session_row *out, scout_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            s->db, "SELECT " ROW_COLS " FROM sessions WHERE id=? AND (?2 IS NULL OR user=?2)", -1,
            &st, NULL) != SQLITE_OK)
        return dberr(s->db, err, "load");
    bind_text(st, 1, id);
    bind_text(st, 2, user);
    scout_rc rc = SCOUT_OK;
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE
                 ? scout_err_set(err, SCOUT_ENOTFOUND, "no session '%s' of yours", id ? id : "")
                 : dberr(s->db, err, "load");
    } else {
        out->id = col_dup(st, 0);
        out->user = col_dup(st, 1);
        out->question = col_dup(st, 2);
        out->status = col_dup(st, 3);
        out->step = sqlite3_column_int64(st, 4);
        out->prompt_tokens = sqlite3_column_int64(st, 5);
        out->completion_tokens = sqlite3_column_int64(st, 6);
        out->cost = sqlite3_column_double(st, 7);
        out->grade = col_dup(st, 8);
        out->created_at = col_dup(st, 9);
        out->updated_at = col_dup(st, 10);
        const char *state = (const char *)sqlite3_column_text(st, 11);
        const char *answer = (const char *)sqlite3_column_text(st, 12);
        out->state = state ? json_loads(state, 0, NULL) : NULL;
        out->answer = answer ? json_loads(answer, 0, NULL) : NULL;
        if (!out->id || !out->state)
            rc = scout_err_set(err, SCOUT_EINTERNAL, "sessions: session '%s' is unreadable", id);
    }
    sqlite3_finalize(st);
    if (rc) scout_session_row_free(out);
    return rc;
}

void scout_session_row_free(scout_session_row *r)
{
    if (!r) return;
    free(r->id);
    free(r->user);
    free(r->question);
    free(r->status);
    free(r->grade);
    free(r->created_at);
    free(r->updated_at);
    json_decref(r->state);
    json_decref(r->answer);
    memset(r, 0, sizeof *r);
}

scout_rc scout_session_list(scout_session_store *s, const char *user, size_t limit,
                            scout_session_fn fn, void *ud, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " ROW_COLS " FROM sessions WHERE (?1 IS NULL OR user=?1)"
                           " ORDER BY updated_at DESC, id LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return dberr(s->db, err, "list");
    bind_text(st, 1, user);
    sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : 50);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        scout_session_row r;
        row_borrow(st, &r);
        if (fn(ud, &r)) break;
    }
    scout_rc rc = step == SQLITE_ROW || step == SQLITE_DONE ? SCOUT_OK : dberr(s->db, err, "list");
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_session_feedback(scout_session_store *s, const char *id, const char *user,
                                const char *verdict, const char *note, scout_err *err)
{
    if (strcmp(verdict, "good") && strcmp(verdict, "wrong"))
        return scout_err_set(err, SCOUT_EUSER, "feedback is --good or --wrong");
    scout_session_row r;
    scout_rc rc = scout_session_load(s, id, user, &r, err);
    scout_session_row_free(&r);
    if (rc) return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO feedback(session,user,verdict,note) VALUES(?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return dberr(s->db, err, "feedback");
    bind_text(st, 1, id);
    bind_text(st, 2, user);
    bind_text(st, 3, verdict);
    bind_text(st, 4, note);
    if (sqlite3_step(st) != SQLITE_DONE) rc = dberr(s->db, err, "feedback");
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_session_feedback_list(scout_session_store *s, const char *user,
                                     scout_session_feedback_fn fn, void *ud, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT f.session,f.user,f.verdict,f.note,s.question,f.created_at"
                           " FROM feedback f LEFT JOIN sessions s ON s.id=f.session"
                           " WHERE (?1 IS NULL OR f.user=?1) ORDER BY f.id DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return dberr(s->db, err, "feedback list");
    bind_text(st, 1, user);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        scout_session_feedback_row r = {
            (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
            (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5)};
        if (fn(ud, &r)) break;
    }
    scout_rc rc =
        step == SQLITE_ROW || step == SQLITE_DONE ? SCOUT_OK : dberr(s->db, err, "feedback list");
    sqlite3_finalize(st);
    return rc;
}
