/* identity.c — users, groups and API tokens (see identity.h).
 *
 * Token hashing. A token carries 256 bits from randombytes_buf, so nobody can
 * guess or brute-force one; a slow password hash (argon2) would add no
 * security and cost ~100 ms and tens of MiB on every API request. A fast
 * cryptographic hash is the right tool: BLAKE2b-256 (crypto_generichash),
 * keyed with a fixed domain-separation key so the stored digest is useless
 * for any other purpose. The row is found by the digest's first 8 bytes
 * (indexed) and then the full 32 bytes are compared with sodium_memcmp, so
 * the comparison's time never depends on how much of the digest matched. */
#include "guard/identity.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"

#define TOKEN_SECRET_BYTES 32
#define TOKEN_HASH_BYTES   32
#define TOKEN_ID_BYTES     6
#define TOKEN_B64_LEN      43 /* 32 bytes, base64url without padding */
#define LABEL_MAX          200
#define NOW_SQL            "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

/* Domain-separation key for token digests (16..64 bytes as BLAKE2b wants). */
static const unsigned char TOKEN_HASH_KEY[] = "scout api token digest v1";

static const char IDENTITY_SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS guard_users ("
    "  name TEXT PRIMARY KEY,"
    "  email TEXT,"
    "  admin INTEGER NOT NULL DEFAULT 0,"
    "  origin TEXT NOT NULL CHECK (origin IN ('config','cli','removed')),"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS guard_groups ("
    "  name TEXT PRIMARY KEY,"
    "  description TEXT,"
    "  origin TEXT NOT NULL CHECK (origin IN ('config','cli')),"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS guard_members ("
    "  grp TEXT NOT NULL,"
    "  user TEXT NOT NULL,"
    "  origin TEXT NOT NULL CHECK (origin IN ('config','cli')),"
    "  PRIMARY KEY (grp, user));"
    "CREATE INDEX IF NOT EXISTS guard_members_user ON guard_members(user);"
    "CREATE TABLE IF NOT EXISTS guard_tokens ("
    "  id TEXT PRIMARY KEY,"
    "  user TEXT NOT NULL,"
    "  label TEXT,"
    "  hash BLOB NOT NULL,"
    "  lookup INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  last_used_at TEXT,"
    "  revoked_at TEXT);"
    "CREATE INDEX IF NOT EXISTS guard_tokens_lookup ON guard_tokens(lookup);";

struct scout_identity {
    scout_catalog *cat; /* borrowed */
};

struct scout_identity_user {
    char *name;
    char *email;
    char **groups;
    size_t n_groups;
    scout_principal p;
};

/* ---- small helpers ---------------------------------------------------- */

static scout_rc oom(scout_err *err)
{
    return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
}

bool scout_identity_name_valid(const char *name)
{
    if (!name || !name[0] || strlen(name) >= SCOUT_IDENTITY_NAME_MAX) return false;
    if (!strncmp(name, "tok_", 4)) return false;
    for (const char *p = name; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' || ch == '@';
        if (!ok) return false;
    }
    return true;
}

/* Runs a prepared statement to completion (no rows expected). */
static scout_rc step_done(scout_identity *id, sqlite3_stmt *st, const char *what, scout_err *err)
{
    int s = sqlite3_step(st);
    scout_rc rc = SCOUT_OK;
    if (s != SQLITE_DONE) rc = scout_catalog_sqlerr(id->cat, err, what);
    sqlite3_finalize(st);
    return rc;
}

/* Prepares sql and binds the given texts to ?1..?n (NULL binds SQL NULL). */
static scout_rc prep_texts(scout_identity *id, const char *sql, sqlite3_stmt **st,
                           const char *const *vals, int n, scout_err *err)
{
    scout_rc rc = scout_catalog_prepare(id->cat, sql, st, err);
    if (rc) return rc;
    for (int i = 0; i < n; i++) sqlite3_bind_text(*st, i + 1, vals[i], -1, SQLITE_TRANSIENT);
    return SCOUT_OK;
}

/* Runs one statement with text parameters and no result rows. */
static scout_rc exec_texts(scout_identity *id, const char *sql, const char *const *vals, int n,
                           const char *what, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    scout_rc rc = prep_texts(id, sql, &st, vals, n, err);
    if (rc) return rc;
    return step_done(id, st, what, err);
}

/* 1 when the statement yields a row, 0 when not, -1 on error. */
static int exists(scout_identity *id, const char *sql, const char *a, const char *b, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    const char *vals[2] = {a, b};
    if (prep_texts(id, sql, &st, vals, b ? 2 : 1, err)) return -1;
    int s = sqlite3_step(st);
    int r = s == SQLITE_ROW ? 1 : s == SQLITE_DONE ? 0 : -1;
    if (r < 0) scout_catalog_sqlerr(id->cat, err, "identity lookup");
    sqlite3_finalize(st);
    return r;
}

/* ---- seeding from scout.yaml ----------------------------------------- */

static scout_rc seed_user(scout_identity *id, const scout_user_cfg *u, scout_err *err)
{
    static const char *upsert =
        "INSERT INTO guard_users (name, email, admin, origin, disabled, created_at) "
        "VALUES (?1, ?2, ?3, 'config', 0, " NOW_SQL ") ON CONFLICT(name) DO UPDATE SET "
        "email = excluded.email, admin = excluded.admin, origin = 'config', disabled = 0";
    sqlite3_stmt *st = NULL;
    scout_rc rc = scout_catalog_prepare(id->cat, upsert, &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u->email, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, u->admin);
    rc = step_done(id, st, "seed user", err);
    for (size_t g = 0; !rc && g < u->n_groups; g++) {
        const char *vals[2] = {u->groups[g], u->name};
        rc = exec_texts(id,
                        "INSERT INTO guard_groups (name, origin, created_at) VALUES "
                        "(?1, 'config', " NOW_SQL ") ON CONFLICT(name) DO NOTHING",
                        vals, 1, "seed group", err);
        if (!rc)
            rc = exec_texts(id,
                            "INSERT OR REPLACE INTO guard_members (grp, user, origin) "
                            "VALUES (?1, ?2, 'config')",
                            vals, 2, "seed membership", err);
    }
    return rc;
}

/* Configured people are re-seeded from scratch: anyone marked 'config' who
 * is no longer in the file is disabled (their tokens stop working), and
 * configured memberships are replaced by the file's. One transaction, so a
 * reader never sees a half-seeded state. */
static scout_rc seed(scout_identity *id, const scout_config *cfg, scout_err *err)
{
    scout_rc rc = scout_catalog_exec(id->cat, "BEGIN IMMEDIATE", err);
    if (rc) return rc;
    rc = scout_catalog_exec(id->cat,
                            "UPDATE guard_users SET origin = 'removed', disabled = 1, admin = 0 "
                            "WHERE origin = 'config';"
                            "DELETE FROM guard_members WHERE origin = 'config';",
                            err);
    for (size_t i = 0; !rc && i < cfg->n_users; i++) rc = seed_user(id, &cfg->users[i], err);
    if (!rc) return scout_catalog_exec(id->cat, "COMMIT", err);
    scout_catalog_exec(id->cat, "ROLLBACK", NULL);
    return rc;
}

scout_rc scout_identity_open(scout_catalog *cat, const scout_config *cfg, scout_identity **out,
                             scout_err *err)
{
    *out = NULL;
    if (sodium_init() < 0) return scout_err_set(err, SCOUT_EINTERNAL, "libsodium failed to start");
    scout_identity *id = calloc(1, sizeof *id);
    if (!id) return oom(err);
    id->cat = cat;
    scout_rc rc = scout_catalog_exec(cat, IDENTITY_SCHEMA, err);
    if (!rc && cfg) rc = seed(id, cfg, err);
    if (rc) {
        free(id);
        return rc;
    }
    *out = id;
    return SCOUT_OK;
}

void scout_identity_close(scout_identity *id)
{
    free(id);
}

/* ---- users ------------------------------------------------------------ */

const scout_principal *scout_identity_user_principal(const scout_identity_user *u)
{
    return &u->p;
}

void scout_identity_user_free(scout_identity_user *u)
{
    if (!u) return;
    free(u->name);
    free(u->email);
    for (size_t i = 0; i < u->n_groups; i++) free(u->groups[i]);
    free(u->groups);
    free(u);
}

static scout_rc load_groups(scout_identity *id, scout_identity_user *u, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    const char *vals[1] = {u->name};
    scout_rc rc = prep_texts(id, "SELECT grp FROM guard_members WHERE user = ?1 ORDER BY grp", &st,
                             vals, 1, err);
    if (rc) return rc;
    size_t cap = 0;
    int s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (u->n_groups == cap) {
            size_t nc = cap ? cap * 2 : 4;
            char **g = realloc(u->groups, nc * sizeof *g);
            if (!g) {
                rc = oom(err);
                break;
            }
            u->groups = g;
            cap = nc;
        }
        char *name = scout_strdup(scout_catalog_col_text(st, 0));
        if (!name)
            rc = oom(err);
        else
            u->groups[u->n_groups++] = name;
    }
    if (!rc && s != SQLITE_DONE) rc = scout_catalog_sqlerr(id->cat, err, "load groups");
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_identity_user_get(scout_identity *id, const char *name, scout_identity_user **out,
                                 scout_err *err)
{
    *out = NULL;
    sqlite3_stmt *st = NULL;
    const char *vals[1] = {name};
    scout_rc rc =
        prep_texts(id, "SELECT name, email, admin, disabled FROM guard_users WHERE name = ?1", &st,
                   vals, 1, err);
    if (rc) return rc;
    int s = sqlite3_step(st);
    if (s != SQLITE_ROW) {
        rc = s == SQLITE_DONE ? scout_err_set(err, SCOUT_ENOTFOUND, "no user '%s'", name)
                              : scout_catalog_sqlerr(id->cat, err, "load user");
        sqlite3_finalize(st);
        return rc;
    }
    if (sqlite3_column_int(st, 3)) {
        sqlite3_finalize(st);
        return scout_err_set(err, SCOUT_EDENIED, "user '%s' is disabled", name);
    }
    scout_identity_user *u = calloc(1, sizeof *u);
    const char *email = scout_catalog_col_text(st, 1);
    if (u) {
        u->name = scout_strdup(scout_catalog_col_text(st, 0));
        u->email = email ? scout_strdup(email) : NULL;
        u->p.admin = sqlite3_column_int(st, 2) != 0;
    }
    sqlite3_finalize(st);
    if (!u || !u->name || (email && !u->email)) rc = oom(err);
    if (!rc) rc = load_groups(id, u, err);
    if (rc) {
        scout_identity_user_free(u);
        return rc;
    }
    u->p.user = u->name;
    u->p.email = u->email;
    u->p.groups = (const char *const *)u->groups;
    u->p.n_groups = u->n_groups;
    *out = u;
    return SCOUT_OK;
}

scout_rc scout_identity_user_add(scout_identity *id, const char *name, const char *email,
                                 scout_err *err)
{
    if (!scout_identity_name_valid(name))
        return scout_err_set(err, SCOUT_EUSER,
                             "invalid user name (letters, digits, '.', '_', '-', '@'; not 'tok_')");
    int e = exists(id, "SELECT origin FROM guard_users WHERE name = ?1", name, NULL, err);
    if (e < 0) return err ? err->code : SCOUT_ESQL;
    if (e) return scout_err_set(err, SCOUT_EUSER, "user '%s' already exists", name);
    const char *vals[2] = {name, email};
    return exec_texts(id,
                      "INSERT INTO guard_users (name, email, admin, origin, disabled, created_at) "
                      "VALUES (?1, ?2, 0, 'cli', 0, " NOW_SQL ")",
                      vals, 2, "add user", err);
}

scout_rc scout_identity_users_list(scout_identity *id, scout_identity_user_fn fn, void *ud,
                                   scout_err *err)
{
    static const char *sql =
        "SELECT u.name, u.email, u.origin, u.admin, u.disabled, "
        "  COALESCE((SELECT group_concat(grp, ',') FROM (SELECT grp FROM guard_members m "
        "            WHERE m.user = u.name ORDER BY grp)), ''), "
        "  (SELECT count(*) FROM guard_tokens t WHERE t.user = u.name AND t.revoked_at IS NULL) "
        "FROM guard_users u ORDER BY u.name";
    sqlite3_stmt *st = NULL;
    scout_rc rc = scout_catalog_prepare(id->cat, sql, &st, err);
    if (rc) return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        scout_identity_user_row r = {
            .name = scout_catalog_col_text(st, 0),
            .email = scout_catalog_col_text(st, 1),
            .origin = scout_catalog_col_text(st, 2),
            .admin = sqlite3_column_int(st, 3) != 0,
            .disabled = sqlite3_column_int(st, 4) != 0,
            .groups = scout_catalog_col_text(st, 5),
            .active_tokens = sqlite3_column_int64(st, 6),
        };
        if (fn(ud, &r)) break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE) rc = scout_catalog_sqlerr(id->cat, err, "list users");
    sqlite3_finalize(st);
    return rc;
}

/* ---- tokens ----------------------------------------------------------- */

static void token_digest(const char *token, unsigned char h[TOKEN_HASH_BYTES])
{
    crypto_generichash(h, TOKEN_HASH_BYTES, (const unsigned char *)token, strlen(token),
                       TOKEN_HASH_KEY, sizeof TOKEN_HASH_KEY - 1);
}

/* The digest's first 8 bytes as the indexed lookup key. */
static int64_t digest_lookup(const unsigned char h[TOKEN_HASH_BYTES])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | h[i];
    return (int64_t)v;
}

scout_rc scout_identity_token_create(scout_identity *id, const char *user, const char *label,
                                     char token[SCOUT_TOKEN_MAX], char token_id[SCOUT_TOKEN_ID_MAX],
                                     scout_err *err)
{
    token[0] = '\0';
    token_id[0] = '\0';
    if (label && strlen(label) > LABEL_MAX)
        return scout_err_set(err, SCOUT_EUSER, "token label is longer than %d bytes", LABEL_MAX);
    scout_identity_user *u = NULL;
    scout_rc rc = scout_identity_user_get(id, user, &u, err);
    scout_identity_user_free(u);
    if (rc) return rc;

    unsigned char secret[TOKEN_SECRET_BYTES], idb[TOKEN_ID_BYTES], h[TOKEN_HASH_BYTES];
    randombytes_buf(secret, sizeof secret);
    randombytes_buf(idb, sizeof idb);
    memcpy(token, SCOUT_TOKEN_PREFIX, 4);
    sodium_bin2base64(token + 4, SCOUT_TOKEN_MAX - 4, secret, sizeof secret,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(secret, sizeof secret);
    memcpy(token_id, "tok_", 4);
    sodium_bin2hex(token_id + 4, SCOUT_TOKEN_ID_MAX - 4, idb, sizeof idb);
    token_digest(token, h);

    sqlite3_stmt *st = NULL;
    rc = scout_catalog_prepare(id->cat,
                               "INSERT INTO guard_tokens (id, user, label, hash, lookup, "
                               "created_at) VALUES (?1, ?2, ?3, ?4, ?5, " NOW_SQL ")",
                               &st, err);
    if (!rc) {
        sqlite3_bind_text(st, 1, token_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, label, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 4, h, sizeof h, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, digest_lookup(h));
        rc = step_done(id, st, "store token", err);
    }
    if (rc) {
        sodium_memzero(token, SCOUT_TOKEN_MAX);
        token_id[0] = '\0';
    }
    return rc;
}

static scout_rc bad_token(scout_err *err)
{
    return scout_err_set(err, SCOUT_EDENIED, "invalid or revoked token");
}

/* True when token has the shape sct_<43 base64url chars> decoding to 32 bytes. */
static bool token_well_formed(const char *token)
{
    if (!token || strncmp(token, SCOUT_TOKEN_PREFIX, 4) != 0) return false;
    if (strlen(token) != 4 + TOKEN_B64_LEN) return false;
    unsigned char bin[TOKEN_SECRET_BYTES];
    size_t n = 0;
    int r = sodium_base642bin(bin, sizeof bin, token + 4, TOKEN_B64_LEN, NULL, &n, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bin, sizeof bin);
    return r == 0 && n == TOKEN_SECRET_BYTES;
}

/* Finds the active token whose stored digest equals h; writes its user. */
static scout_rc find_token(scout_identity *id, const unsigned char h[TOKEN_HASH_BYTES],
                           char user[SCOUT_IDENTITY_NAME_MAX], char tid[SCOUT_TOKEN_ID_MAX],
                           scout_err *err)
{
    sqlite3_stmt *st = NULL;
    scout_rc rc = scout_catalog_prepare(
        id->cat, "SELECT id, user, hash FROM guard_tokens WHERE lookup = ?1 AND revoked_at IS NULL",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, digest_lookup(h));
    bool found = false;
    while (!found && sqlite3_step(st) == SQLITE_ROW) {
        const void *stored = sqlite3_column_blob(st, 2);
        if (sqlite3_column_bytes(st, 2) != TOKEN_HASH_BYTES || !stored) continue;
        if (sodium_memcmp(stored, h, TOKEN_HASH_BYTES) != 0) continue;
        snprintf(tid, SCOUT_TOKEN_ID_MAX, "%s", scout_catalog_col_text(st, 0));
        snprintf(user, SCOUT_IDENTITY_NAME_MAX, "%s", scout_catalog_col_text(st, 1));
        found = true;
    }
    sqlite3_finalize(st);
    return found ? SCOUT_OK : bad_token(err);
}

scout_rc scout_identity_token_verify(scout_identity *id, const char *token,
                                     scout_identity_user **out, scout_err *err)
{
    *out = NULL;
    if (!token_well_formed(token)) return bad_token(err);
    unsigned char h[TOKEN_HASH_BYTES];
    char user[SCOUT_IDENTITY_NAME_MAX], tid[SCOUT_TOKEN_ID_MAX];
    token_digest(token, h);
    scout_rc rc = find_token(id, h, user, tid, err);
    sodium_memzero(h, sizeof h);
    if (rc) return rc;
    /* A disabled or vanished user gets the same answer as a bad token. */
    if (scout_identity_user_get(id, user, out, NULL) != SCOUT_OK) return bad_token(err);
    const char *vals[1] = {tid};
    rc = exec_texts(id, "UPDATE guard_tokens SET last_used_at = " NOW_SQL " WHERE id = ?1", vals, 1,
                    "record token use", err);
    if (rc) {
        scout_identity_user_free(*out);
        *out = NULL;
    }
    return rc;
}

scout_rc scout_identity_token_revoke(scout_identity *id, const char *what, int64_t *n,
                                     scout_err *err)
{
    if (n) *n = 0;
    if (!what || !what[0])
        return scout_err_set(err, SCOUT_EUSER, "revoke what? a token id or user");
    bool by_id = !strncmp(what, "tok_", 4);
    const char *vals[1] = {what};
    scout_rc rc = exec_texts(id,
                             by_id ? "UPDATE guard_tokens SET revoked_at = " NOW_SQL
                                     " WHERE id = ?1 AND revoked_at IS NULL"
                                   : "UPDATE guard_tokens SET revoked_at = " NOW_SQL
                                     " WHERE user = ?1 AND revoked_at IS NULL",
                             vals, 1, "revoke token", err);
    if (rc) return rc;
    int64_t changed = sqlite3_changes(scout_catalog_db(id->cat));
    if (n) *n = changed;
    if (changed == 0)
        return scout_err_set(err, SCOUT_ENOTFOUND, "no active token %s %s",
                             by_id ? "with id" : "of user", what);
    return SCOUT_OK;
}

scout_rc scout_identity_tokens_list(scout_identity *id, const char *user,
                                    scout_identity_token_fn fn, void *ud, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    const char *vals[1] = {user};
    scout_rc rc = prep_texts(id,
                             "SELECT id, user, label, created_at, last_used_at, revoked_at "
                             "FROM guard_tokens WHERE ?1 IS NULL OR user = ?1 "
                             "ORDER BY user, created_at, id",
                             &st, vals, 1, err);
    if (rc) return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        scout_identity_token_row r = {
            .id = scout_catalog_col_text(st, 0),
            .user = scout_catalog_col_text(st, 1),
            .label = scout_catalog_col_text(st, 2),
            .created = scout_catalog_col_text(st, 3),
            .last_used = scout_catalog_col_text(st, 4),
            .revoked = scout_catalog_col_text(st, 5),
        };
        if (fn(ud, &r)) break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE) rc = scout_catalog_sqlerr(id->cat, err, "list tokens");
    sqlite3_finalize(st);
    return rc;
}

/* ---- groups ----------------------------------------------------------- */

scout_rc scout_identity_group_add(scout_identity *id, const char *name, const char *description,
                                  scout_err *err)
{
    if (!scout_identity_name_valid(name))
        return scout_err_set(err, SCOUT_EUSER,
                             "invalid group name (letters, digits, '.', '_', '-', '@')");
    int e = exists(id, "SELECT 1 FROM guard_groups WHERE name = ?1", name, NULL, err);
    if (e < 0) return err ? err->code : SCOUT_ESQL;
    if (e) return scout_err_set(err, SCOUT_EUSER, "group '%s' already exists", name);
    const char *vals[2] = {name, description};
    return exec_texts(id,
                      "INSERT INTO guard_groups (name, description, origin, created_at) "
                      "VALUES (?1, ?2, 'cli', " NOW_SQL ")",
                      vals, 2, "add group", err);
}

scout_rc scout_identity_groups_list(scout_identity *id, scout_identity_group_fn fn, void *ud,
                                    scout_err *err)
{
    sqlite3_stmt *st = NULL;
    scout_rc rc = scout_catalog_prepare(
        id->cat,
        "SELECT g.name, g.description, g.origin, "
        "(SELECT count(*) FROM guard_members m WHERE m.grp = g.name) FROM guard_groups g "
        "ORDER BY g.name",
        &st, err);
    if (rc) return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        scout_identity_group_row r = {
            .name = scout_catalog_col_text(st, 0),
            .description = scout_catalog_col_text(st, 1),
            .origin = scout_catalog_col_text(st, 2),
            .members = sqlite3_column_int64(st, 3),
        };
        if (fn(ud, &r)) break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE) rc = scout_catalog_sqlerr(id->cat, err, "list groups");
    sqlite3_finalize(st);
    return rc;
}

static scout_rc need_group(scout_identity *id, const char *group, scout_err *err)
{
    int e = exists(id, "SELECT 1 FROM guard_groups WHERE name = ?1", group, NULL, err);
    if (e < 0) return err ? err->code : SCOUT_ESQL;
    return e ? SCOUT_OK : scout_err_set(err, SCOUT_ENOTFOUND, "no group '%s'", group);
}

scout_rc scout_identity_group_members(scout_identity *id, const char *group,
                                      scout_identity_member_fn fn, void *ud, scout_err *err)
{
    scout_rc rc = need_group(id, group, err);
    if (rc) return rc;
    sqlite3_stmt *st = NULL;
    const char *vals[1] = {group};
    rc = prep_texts(id, "SELECT user, origin FROM guard_members WHERE grp = ?1 ORDER BY user", &st,
                    vals, 1, err);
    if (rc) return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ud, scout_catalog_col_text(st, 0), scout_catalog_col_text(st, 1))) break;
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = scout_catalog_sqlerr(id->cat, err, "list members");
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_identity_member_add(scout_identity *id, const char *group, const char *user,
                                   scout_err *err)
{
    scout_rc rc = need_group(id, group, err);
    if (rc) return rc;
    int e = exists(id, "SELECT 1 FROM guard_users WHERE name = ?1", user, NULL, err);
    if (e < 0) return err ? err->code : SCOUT_ESQL;
    if (!e) return scout_err_set(err, SCOUT_ENOTFOUND, "no user '%s'", user);
    const char *vals[2] = {group, user};
    return exec_texts(id,
                      "INSERT INTO guard_members (grp, user, origin) VALUES (?1, ?2, 'cli') "
                      "ON CONFLICT(grp, user) DO NOTHING",
                      vals, 2, "add member", err);
}

scout_rc scout_identity_member_remove(scout_identity *id, const char *group, const char *user,
                                      scout_err *err)
{
    int e = exists(id,
                   "SELECT 1 FROM guard_members WHERE grp = ?1 AND user = ?2 AND origin = "
                   "'config'",
                   group, user, err);
    if (e < 0) return err ? err->code : SCOUT_ESQL;
    if (e)
        return scout_err_set(err, SCOUT_EUSER,
                             "'%s' is in group '%s' by scout.yaml; edit the file to remove them",
                             user, group);
    const char *vals[2] = {group, user};
    scout_rc rc = exec_texts(id, "DELETE FROM guard_members WHERE grp = ?1 AND user = ?2", vals, 2,
                             "remove member", err);
    if (!rc && sqlite3_changes(scout_catalog_db(id->cat)) == 0)
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "'%s' is not in group '%s'", user, group);
    return rc;
}
