/* audit — see audit.h. One table, one row per action. Appends run in a
 * BEGIN IMMEDIATE transaction so two processes can never chain to the same
 * predecessor, and the connection uses synchronous=FULL so a record that
 * scout_audit_record reported is on disk before the caller shows anything. */
#include "guard/audit.h"

#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"
#include "base/buf.h"
#include "base/fsutil.h"

#define AUDIT_BUSY_MS 10000
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct scout_audit {
    sqlite3 *db;
};

static const char *const SCHEMA =
    "CREATE TABLE IF NOT EXISTS audit ("
    " id INTEGER PRIMARY KEY,"
    " ts_ms INTEGER NOT NULL,"
    " user TEXT NOT NULL, session TEXT NOT NULL, source TEXT NOT NULL,"
    " kind TEXT NOT NULL, text TEXT NOT NULL,"
    " duration_us INTEGER NOT NULL, n_rows INTEGER NOT NULL,"
    " decision TEXT NOT NULL CHECK (decision IN ('allow', 'deny')),"
    " status TEXT NOT NULL, reason TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS audit_ts ON audit(ts_ms);"
    "CREATE INDEX IF NOT EXISTS audit_user_ts ON audit(user, ts_ms);"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only: records cannot be changed'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only: records cannot be deleted'); END;";

static scout_rc db_error(scout_audit *a, const char *what, scout_err *err)
{
    return scout_err_set(err, SCOUT_EIO, "audit log: %s: %s", what, sqlite3_errmsg(a->db));
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------- open / close ---------- */

/* Creates the file 0600 before SQLite does, so questions never sit in a
 * world-readable file even for a moment. */
static scout_rc create_private(const char *path, scout_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    if (fd < 0) return scout_err_set(err, SCOUT_EIO, "audit log: cannot create %s", path);
    close(fd);
    return SCOUT_OK;
}

scout_rc scout_audit_open(const char *path, scout_audit **out, scout_err *err)
{
    *out = NULL;
    if (sodium_init() < 0) return scout_err_set(err, SCOUT_EINTERNAL, "libsodium failed to start");
    scout_rc rc = create_private(path, err);
    if (rc) return rc;
    scout_audit *a = calloc(1, sizeof *a);
    if (!a) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    if (sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = db_error(a, "cannot open", err);
        scout_audit_close(a);
        return rc;
    }
    sqlite3_busy_timeout(a->db, AUDIT_BUSY_MS);
    sqlite3_db_config(a->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    if (sqlite3_exec(a->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_exec(a->db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(a, "cannot prepare the log", err);
        scout_audit_close(a);
        return rc;
    }
    *out = a;
    return SCOUT_OK;
}

void scout_audit_close(scout_audit *a)
{
    if (!a) return;
    sqlite3_close_v2(a->db);
    free(a);
}

scout_rc scout_audit_path(const char *home_dir, char *out, size_t cap, scout_err *err)
{
    int n = snprintf(out, cap, "%s/audit.db", home_dir ? home_dir : ".");
    if (n < 0 || (size_t)n >= cap)
        return scout_err_set(err, SCOUT_ELIMIT, "audit log path is too long");
    return SCOUT_OK;
}

/* ---------- canonical form and hashing ---------- */

static int64_t duration_us(double ms)
{
    if (!(ms > 0)) return 0;
    if (ms > 9.2e12) return INT64_MAX / 1000;
    return (int64_t)llround(ms * 1000.0);
}

static scout_rc put_field(scout_buf *b, const char *name, const char *v)
{
    if (!v) v = "";
    return scout_buf_printf(b, "%s=%zu:%s\n", name, strlen(v), v);
}

static scout_rc put_int(scout_buf *b, const char *name, int64_t v)
{
    return scout_buf_printf(b, "%s=%lld\n", name, (long long)v);
}

char *scout_audit_canonical(const scout_audit_row *r, size_t *len)
{
    scout_buf b;
    scout_buf_init(&b, (size_t)SCOUT_AUDIT_TEXT_MAX * 4);
    scout_rc rc = scout_buf_puts(&b, "scout-audit-v1\n");
    if (!rc) rc = put_int(&b, "id", r->id);
    if (!rc) rc = put_int(&b, "ts_ms", r->ts_ms);
    if (!rc) rc = put_field(&b, "user", r->user);
    if (!rc) rc = put_field(&b, "session", r->session);
    if (!rc) rc = put_field(&b, "source", r->source);
    if (!rc) rc = put_field(&b, "kind", r->kind);
    if (!rc) rc = put_field(&b, "text", r->text);
    if (!rc) rc = put_int(&b, "duration_us", duration_us(r->duration_ms));
    if (!rc) rc = put_int(&b, "rows", r->rows);
    if (!rc) rc = put_field(&b, "decision", r->allowed ? "allow" : "deny");
    if (!rc) rc = put_field(&b, "status", r->status);
    if (!rc) rc = put_field(&b, "reason", r->reason);
    if (rc) {
        scout_buf_free(&b);
        return NULL;
    }
    if (len) *len = b.len;
    return scout_buf_take(&b);
}

/* hash = SHA-256(prev_hash as 64 hex characters || canonical content). */
static bool record_hash(const scout_audit_row *r, char out[SCOUT_AUDIT_HASH_HEX])
{
    size_t n = 0;
    char *canon = scout_audit_canonical(r, &n);
    if (!canon) return false;
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)r->prev_hash, strlen(r->prev_hash));
    crypto_hash_sha256_update(&st, (const unsigned char *)canon, n);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, SCOUT_AUDIT_HASH_HEX, h, sizeof h);
    free(canon);
    return true;
}

/* ---------- append ---------- */

/* Copies s into out (cap bytes), cutting long text at a UTF-8 character
 * boundary and saying how much was dropped. */
static void bounded(const char *s, char *out, size_t cap)
{
    if (!s) s = "";
    size_t n = strlen(s);
    if (n < cap) {
        memcpy(out, s, n + 1);
        return;
    }
    char tail[48];
    size_t keep = cap - sizeof tail;
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
    snprintf(tail, sizeof tail, "\xe2\x80\xa6[+%zu bytes]", n - keep);
    memcpy(out, s, keep);
    scout_strlcpy(out + keep, tail, cap - keep);
}

const char *scout_audit_status_of(scout_rc outcome)
{
    return !outcome                    ? "ok"
           : outcome == SCOUT_EDENIED  ? "denied"
           : outcome == SCOUT_ELIMIT   ? "limit"
           : outcome == SCOUT_ETIMEOUT ? "timeout"
                                       : "error";
}

static const char *default_status(const scout_audit_entry *e)
{
    if (e->status && *e->status) return e->status;
    return e->allowed ? "ok" : "denied";
}

/* The bounded copies a record is stored with (and hashed from). */
typedef struct audit_fields {
    char user[SCOUT_AUDIT_FIELD_MAX], session[SCOUT_AUDIT_FIELD_MAX], source[SCOUT_AUDIT_FIELD_MAX],
        kind[SCOUT_AUDIT_FIELD_MAX], status[SCOUT_AUDIT_FIELD_MAX], reason[SCOUT_AUDIT_FIELD_MAX];
    char text[SCOUT_AUDIT_TEXT_MAX];
} audit_fields;

static void fill_row(const scout_audit_entry *e, audit_fields *f, scout_audit_row *r)
{
    bounded(e->user, f->user, sizeof f->user);
    bounded(e->session, f->session, sizeof f->session);
    bounded(e->source, f->source, sizeof f->source);
    bounded(e->kind, f->kind, sizeof f->kind);
    bounded(default_status(e), f->status, sizeof f->status);
    bounded(e->reason, f->reason, sizeof f->reason);
    bounded(e->text, f->text, sizeof f->text);
    memset(r, 0, sizeof *r);
    r->ts_ms = e->ts_ms > 0 ? e->ts_ms : now_ms();
    r->user = f->user;
    r->session = f->session;
    r->source = f->source;
    r->kind = f->kind;
    r->text = f->text;
    r->status = f->status;
    r->reason = f->reason;
    /* Stored in whole microseconds: the hash must see what is read back. */
    r->duration_ms = (double)duration_us(e->duration_ms) / 1000.0;
    r->rows = e->rows;
    r->allowed = e->allowed;
}

/* Reads the last record's id and hash (genesis when the log is empty). */
static scout_rc chain_tail(scout_audit *a, int64_t *id, char prev[SCOUT_AUDIT_HASH_HEX],
                           scout_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK)
        return db_error(a, "cannot read the chain", err);
    *id = 0;
    scout_strlcpy(prev, AUDIT_GENESIS, SCOUT_AUDIT_HASH_HEX);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        const char *h = (const char *)sqlite3_column_text(st, 1);
        scout_strlcpy(prev, h ? h : "", SCOUT_AUDIT_HASH_HEX);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE) return db_error(a, "cannot read the chain", err);
    return SCOUT_OK;
}

static scout_rc insert_row(scout_audit *a, const scout_audit_row *r, scout_err *err)
{
    static const char *sql =
        "INSERT INTO audit (id, ts_ms, user, session, source, kind, text, duration_us, n_rows,"
        " decision, status, reason, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(a, "cannot append", err);
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_int64(st, 2, r->ts_ms);
    const char *texts[] = {r->user, r->session, r->source, r->kind, r->text};
    for (int i = 0; i < 5; i++) sqlite3_bind_text(st, 3 + i, texts[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, duration_us(r->duration_ms));
    sqlite3_bind_int64(st, 9, r->rows);
    sqlite3_bind_text(st, 10, r->allowed ? "allow" : "deny", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, r->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, r->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, r->prev_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, r->hash, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? SCOUT_OK : db_error(a, "cannot append", err);
}

scout_rc scout_audit_record(scout_audit *a, const scout_audit_entry *e, int64_t *id_out,
                            scout_err *err)
{
    if (!a || !e) return scout_err_set(err, SCOUT_EINTERNAL, "audit log: no log or entry");
    audit_fields *f = malloc(sizeof *f);
    if (!f) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    scout_audit_row r;
    fill_row(e, f, &r);
    char prev[SCOUT_AUDIT_HASH_HEX], hash[SCOUT_AUDIT_HASH_HEX];
    scout_rc rc = SCOUT_OK;
    if (sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(a, "cannot lock the log", err);
    } else {
        rc = chain_tail(a, &r.id, prev, err);
        r.id++;
        r.prev_hash = prev;
        if (!rc && !record_hash(&r, hash)) rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
        r.hash = hash;
        if (!rc) rc = insert_row(a, &r, err);
        if (!rc && sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            rc = db_error(a, "cannot commit", err);
        if (rc) sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (!rc && id_out) *id_out = r.id;
    free(f);
    return rc;
}

/* ---------- reading ---------- */

static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static void read_row(sqlite3_stmt *st, scout_audit_row *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->ts_ms = sqlite3_column_int64(st, 1);
    r->user = col_text(st, 2);
    r->session = col_text(st, 3);
    r->source = col_text(st, 4);
    r->kind = col_text(st, 5);
    r->text = col_text(st, 6);
    r->duration_ms = (double)sqlite3_column_int64(st, 7) / 1000.0;
    r->rows = sqlite3_column_int64(st, 8);
    r->allowed = !strcmp(col_text(st, 9), "allow");
    r->status = col_text(st, 10);
    r->reason = col_text(st, 11);
    r->prev_hash = col_text(st, 12);
    r->hash = col_text(st, 13);
}

#define AUDIT_COLS                                                                                 \
    "id, ts_ms, user, session, source, kind, text, duration_us, n_rows, decision, status, "        \
    "reason, prev_hash, hash"

scout_rc scout_audit_list(scout_audit *a, const scout_audit_filter *f, scout_audit_row_fn fn,
                          void *ud, scout_err *err)
{
    static const scout_audit_filter all = {0};
    if (!f) f = &all;
    /* The newest `limit` matches, printed oldest first. */
    static const char *sql =
        "SELECT * FROM (SELECT " AUDIT_COLS " FROM audit WHERE (?1 IS NULL OR user = ?1)"
        " AND ts_ms >= ?2 AND (?3 IS NULL OR kind = ?3) ORDER BY id DESC LIMIT ?4)"
        " ORDER BY id";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(a, "cannot read", err);
    sqlite3_bind_text(st, 1, f->user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, f->since_ms);
    sqlite3_bind_text(st, 3, f->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, f->limit ? (int64_t)f->limit : -1);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        scout_audit_row r;
        read_row(st, &r);
        if (fn(ud, &r)) {
            s = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? SCOUT_OK : db_error(a, "cannot read", err);
}

/* ---------- verification ---------- */

/* Checks one record against the expected id and predecessor hash; false with
 * rep filled when it is broken. */
static bool verify_row(const scout_audit_row *r, int64_t want_id, const char *prev,
                       scout_audit_report *rep)
{
    char h[SCOUT_AUDIT_HASH_HEX];
    const char *why = NULL;
    if (r->id != want_id)
        snprintf(rep->reason, sizeof rep->reason,
                 "record %lld is missing (the next one is %lld): records were removed",
                 (long long)want_id, (long long)r->id);
    else if (strcmp(r->prev_hash, prev))
        why = "its link to the previous record is broken (a record before it was changed or "
              "removed)";
    else if (!record_hash(r, h))
        why = "out of memory while hashing";
    else if (strcmp(h, r->hash))
        why = "its content does not match its hash (the record was edited)";
    if (r->id == want_id && !why) return true;
    if (why) snprintf(rep->reason, sizeof rep->reason, "record %lld: %s", (long long)r->id, why);
    rep->first_bad = r->id == want_id ? r->id : want_id;
    return false;
}

scout_rc scout_audit_verify(scout_audit *a, scout_audit_report *rep, scout_err *err)
{
    memset(rep, 0, sizeof *rep);
    scout_strlcpy(rep->head, AUDIT_GENESIS, sizeof rep->head);
    sqlite3_stmt *st = NULL;
    /* One read transaction: appends by other processes do not move under us. */
    if (sqlite3_prepare_v2(a->db, "SELECT " AUDIT_COLS " FROM audit ORDER BY id", -1, &st, NULL) !=
        SQLITE_OK)
        return db_error(a, "cannot read", err);
    rep->ok = true;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        scout_audit_row r;
        read_row(st, &r);
        if (!verify_row(&r, rep->records + 1, rep->head, rep)) {
            rep->ok = false;
            s = SQLITE_DONE;
            break;
        }
        rep->records++;
        scout_strlcpy(rep->head, r.hash, sizeof rep->head);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) return db_error(a, "cannot read", err);
    return SCOUT_OK;
}

/* ---------- --since ---------- */

static bool parse_relative(const char *s, int64_t now, int64_t *out)
{
    char *end = NULL;
    long long n = strtoll(s, &end, 10);
    if (end == s || n < 0 || n > 100000 || !end[0] || end[1]) return false;
    int64_t unit = end[0] == 'm' ? 60000 : end[0] == 'h' ? 3600000 : end[0] == 'd' ? 86400000 : 0;
    if (!unit) return false;
    *out = now - (int64_t)n * unit;
    return true;
}

scout_rc scout_audit_parse_since(const char *s, int64_t now, int64_t *out, scout_err *err)
{
    if (s && parse_relative(s, now, out)) return SCOUT_OK;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
    size_t len = s ? strlen(s) : 0;
    bool ok = false;
    if (len == 10)
        ok = sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) == 3;
    else if (len == 19 || (len == 20 && s[19] == 'Z'))
        ok = sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) == 6;
    if (!ok || (size_t)used < 10 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec > 60)
        return scout_err_set(err, SCOUT_EUSER,
                             "--since: expected 30m, 24h, 7d, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS");
    *out = ((scout_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000;
    return SCOUT_OK;
}
