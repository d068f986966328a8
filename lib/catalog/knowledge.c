/* knowledge.c — context layer 4: imports docs and Slack exports into
 * knowledge_docs / knowledge_chunks with their ACLs, links chunks to the
 * tables, metrics and codenames they mention, and serves ACL-filtered
 * retrieval (see knowledge.h). Parsing lives in document.c and slack.c. */
#include "catalog/knowledge.h"

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/hash.h"
#include "base/log.h"
#include "catalog/catalog_int.h"
#include "catalog/document.h"
#include "catalog/slack.h"

#define CHUNK_TOKENS   300
#define WALK_MAX_DEPTH 32
#define FILE_MAX       ((size_t)32 << 20)

/* Idempotent DDL for the tables this module adds; run by scout_catalog_open.
 *   knowledge_chunk_meta  per chunk: source link (doc path#heading-slug or
 *                         slack://channel/ts), authors, created/updated time
 *   knowledge_mentions    per chunk: what it names (kind table|metric|codename,
 *                         target = fqname / metric name / codename) and the
 *                         text that matched; tables (and columns) are also in
 *                         chunk_mentions
 *   knowledge_codenames   "Lighthouse" -> "export" (kind "feature"), with the
 *                         chunk that says so (its ACL guards the fact)
 *   knowledge_launches    "Lighthouse" launched on 2026-06-02, with the chunk
 *                         that says so: "since the Lighthouse launch" */
const char scout_knowledge_schema[] =
    "CREATE TABLE IF NOT EXISTS knowledge_chunk_meta ("
    "  chunk_id INTEGER PRIMARY KEY REFERENCES knowledge_chunks(id) ON DELETE CASCADE,"
    "  uri TEXT NOT NULL,"
    "  authors TEXT,"
    "  created_at TEXT,"
    "  updated_at TEXT);"
    "CREATE TABLE IF NOT EXISTS knowledge_mentions ("
    "  chunk_id INTEGER NOT NULL REFERENCES knowledge_chunks(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('table','metric','codename')),"
    "  target TEXT NOT NULL,"
    "  matched TEXT NOT NULL,"
    "  PRIMARY KEY (chunk_id, kind, target));"
    "CREATE INDEX IF NOT EXISTS knowledge_mentions_target ON knowledge_mentions(kind, target);"
    "CREATE TABLE IF NOT EXISTS knowledge_codenames ("
    "  id INTEGER PRIMARY KEY,"
    "  term TEXT NOT NULL,"
    "  meaning TEXT NOT NULL,"
    "  kind TEXT,"
    "  chunk_id INTEGER REFERENCES knowledge_chunks(id) ON DELETE CASCADE,"
    "  UNIQUE (term, meaning));"
    "CREATE TABLE IF NOT EXISTS knowledge_launches ("
    "  term TEXT NOT NULL,"
    "  day TEXT NOT NULL,"
    "  chunk_id INTEGER NOT NULL REFERENCES knowledge_chunks(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (term, day, chunk_id));";

/* ---------- import state ---------- */

typedef struct kimport {
    scout_catalog *cat;
    const scout_config *cfg;
    scout_layer_stats *st;
    scout_err *err;
    sqlite3_stmt *ins_doc, *ins_chunk, *ins_meta, *ins_file;
    /* the document whose chunks are being stored */
    int64_t doc_id;
    int64_t ordinal;
    int acl_public;
    char *acl_groups; /* JSON arrays */
    char *acl_users;
    const char *slack_channel;
    int slack_export; /* index of the export folder, to keep doc uris unique */
} kimport;

static const char *const INSERTS[] = {
    "INSERT OR IGNORE INTO knowledge_docs (uri, kind, title, author, channel, content_hash,"
    " acl_public, acl_groups, acl_users, created_at, updated_at, indexed_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
    "INSERT INTO knowledge_chunks (doc_id, ordinal, heading, text, tokens, acl_public,"
    " acl_groups, acl_users) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO knowledge_chunk_meta (chunk_id, uri, authors, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?)",
    "INSERT OR REPLACE INTO context_files (path, kind, layer, content_hash, mtime, loaded_at,"
    " error) VALUES (?, ?, 4, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?)",
};

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Steps a prepared insert once and resets it for reuse. */
static scout_rc step_reset(kimport *k, sqlite3_stmt *st, const char *what)
{
    int s = sqlite3_step(st);
    scout_rc rc = s == SQLITE_DONE ? SCOUT_OK : scout_catalog_sqlerr(k->cat, k->err, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* FNV-1a: a change detector for context_files, not a security hash. */
static void content_hash(const char *data, size_t len, char out[17])
{
    uint64_t h = scout_fnv64_update(SCOUT_FNV64_INIT, data, len);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static int64_t file_mtime(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : 0;
}

static scout_rc record_file(kimport *k, const char *path, const char *kind, const char *data,
                            size_t len, const char *error)
{
    char hash[17];
    k->st->files++;
    if (error) {
        k->st->errors++;
        scout_warn("%s", error);
    }
    sqlite3_stmt *st = k->ins_file;
    bind_text(st, 1, path);
    bind_text(st, 2, kind);
    if (data) {
        content_hash(data, len, hash);
        bind_text(st, 3, hash);
    }
    sqlite3_bind_int64(st, 4, file_mtime(path));
    bind_text(st, 5, error);
    return step_reset(k, st, "recording a knowledge file");
}

/* ---------- ACLs ---------- */

static char *json_list(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) json_array_append_new(a, json_string(v[i]));
    char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return s;
}

static void acl_clear(kimport *k)
{
    free(k->acl_groups);
    free(k->acl_users);
    k->acl_groups = k->acl_users = NULL;
    k->acl_public = 0;
}

static const scout_user_cfg *config_user(const scout_config *cfg, const char *who)
{
    for (size_t i = 0; cfg && i < cfg->n_users; i++) {
        const scout_user_cfg *u = &cfg->users[i];
        if (!strcmp(u->name, who) || (u->email && !strcasecmp(u->email, who))) return u;
    }
    return NULL;
}

/* A doc's ACL: public (or no visibility) is everyone; otherwise its groups
 * plus its owners, as users when configured, else as teams (groups). */
static scout_rc doc_acl(kimport *k, const scout_document *doc)
{
    acl_clear(k);
    bool pub = doc->n_visibility == 0;
    for (size_t i = 0; i < doc->n_visibility; i++)
        if (!strcasecmp(doc->visibility[i], "public")) pub = true;
    k->acl_public = pub;
    if (pub) return SCOUT_OK;
    size_t n = doc->n_visibility + doc->n_owners;
    const char **groups = calloc(n, sizeof *groups), **users = calloc(n, sizeof *users);
    size_t ng = 0, nu = 0;
    if (groups && users) {
        for (size_t i = 0; i < doc->n_visibility; i++) groups[ng++] = doc->visibility[i];
        for (size_t i = 0; i < doc->n_owners; i++) {
            const scout_user_cfg *u = config_user(k->cfg, doc->owners[i]);
            if (u)
                users[nu++] = u->name;
            else
                groups[ng++] = doc->owners[i];
        }
        k->acl_groups = json_list(groups, ng);
        k->acl_users = json_list(users, nu);
    }
    free(groups);
    free(users);
    if (!k->acl_groups || !k->acl_users)
        return scout_err_set(k->err, SCOUT_ENOMEM, "out of memory building an acl");
    return SCOUT_OK;
}

/* ---------- storing docs and chunks ---------- */

typedef struct kdoc {
    const char *uri, *kind, *title, *author, *channel, *hash, *created, *updated;
} kdoc;

/* Inserts the document row; *fresh is false when the uri was already
 * imported in this run (the same file reached through two configured paths). */
static scout_rc store_doc(kimport *k, const kdoc *d, bool *fresh)
{
    sqlite3_stmt *st = k->ins_doc;
    const char *vals[] = {d->uri, d->kind, d->title, d->author, d->channel, d->hash};
    for (int i = 0; i < 6; i++) bind_text(st, i + 1, vals[i]);
    sqlite3_bind_int(st, 7, k->acl_public);
    bind_text(st, 8, k->acl_groups);
    bind_text(st, 9, k->acl_users);
    bind_text(st, 10, d->created);
    bind_text(st, 11, d->updated);
    scout_rc rc = step_reset(k, st, "storing a knowledge document");
    *fresh = !rc && sqlite3_changes(k->cat->db) > 0;
    k->doc_id = *fresh ? sqlite3_last_insert_rowid(k->cat->db) : 0;
    k->ordinal = 0;
    return rc;
}

typedef struct kchunk {
    const char *heading, *text, *uri, *authors, *created, *updated;
    size_t tokens;
} kchunk;

static scout_rc store_chunk(kimport *k, const kchunk *c)
{
    sqlite3_stmt *st = k->ins_chunk;
    sqlite3_bind_int64(st, 1, k->doc_id);
    sqlite3_bind_int64(st, 2, k->ordinal++);
    bind_text(st, 3, c->heading);
    bind_text(st, 4, c->text);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)c->tokens);
    sqlite3_bind_int(st, 6, k->acl_public);
    bind_text(st, 7, k->acl_groups);
    bind_text(st, 8, k->acl_users);
    scout_rc rc = step_reset(k, st, "storing a knowledge chunk");
    if (rc) return rc;
    st = k->ins_meta;
    sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(k->cat->db));
    bind_text(st, 2, c->uri);
    bind_text(st, 3, c->authors);
    bind_text(st, 4, c->created);
    bind_text(st, 5, c->updated);
    rc = step_reset(k, st, "storing a knowledge chunk's source");
    if (!rc) k->st->records++;
    return rc;
}

/* ---------- documents ---------- */

static const char *doc_kind_name(scout_document_kind kind)
{
    return kind == SCOUT_DOCUMENT_NOTION ? "notion"
           : kind == SCOUT_DOCUMENT_GDOC ? "gdoc"
                                         : "markdown";
}

static void iso_mtime(const char *path, char out[32])
{
    time_t t = (time_t)file_mtime(path);
    struct tm tm;
    if (!t || !gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm)) out[0] = '\0';
}

/* "line N: what" from the parser becomes "path:N: what". */
static void file_error(const char *path, const char *msg, char *out, size_t cap)
{
    if (!strncmp(msg, "line ", 5))
        snprintf(out, cap, "%s:%s", path, msg + 5);
    else
        snprintf(out, cap, "%s: %s", path, msg);
}

static scout_rc store_document(kimport *k, const char *path, const scout_document *doc,
                               const char *hash)
{
    scout_rc rc = doc_acl(k, doc);
    scout_buf owners = SCOUT_BUF_INIT;
    for (size_t i = 0; !rc && i < doc->n_owners; i++)
        rc = scout_buf_printf(&owners, "%s%s", i ? ", " : "", doc->owners[i]);
    char mtime[32];
    iso_mtime(path, mtime);
    const char *updated = doc->updated ? doc->updated : mtime[0] ? mtime : NULL;
    kdoc d = {path,         doc_kind_name(doc->kind),
              doc->title,   owners.len ? owners.data : NULL,
              NULL,         hash,
              doc->created, updated};
    bool fresh = false;
    if (!rc) rc = store_doc(k, &d, &fresh);
    scout_buf uri = SCOUT_BUF_INIT;
    for (size_t i = 0; !rc && fresh && i < doc->n_chunks; i++) {
        const scout_document_chunk *c = &doc->chunks[i];
        scout_buf_reset(&uri);
        rc = scout_buf_printf(&uri, "%s%s%s", path, c->slug[0] ? "#" : "", c->slug);
        kchunk kc = {c->heading, c->text,  scout_buf_cstr(&uri), d.author, doc->created,
                     updated,    c->tokens};
        if (!rc) rc = store_chunk(k, &kc);
    }
    scout_buf_free(&uri);
    scout_buf_free(&owners);
    return rc;
}

static scout_rc import_doc_file(kimport *k, const char *path, const char *name)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_init(&b, FILE_MAX);
    scout_err ferr = {0};
    scout_document *doc = NULL;
    char msg[SCOUT_ERR_MSG_MAX + 1100] = "";
    const char *kind = doc_kind_name(scout_document_kind_of(name));
    if (scout_buf_read_file(&b, path, &ferr))
        snprintf(msg, sizeof msg, "%s:1: %s", path, ferr.msg);
    else if (scout_document_parse(name, b.data ? b.data : "", b.len, CHUNK_TOKENS, &doc, &ferr))
        file_error(path, ferr.msg, msg, sizeof msg);
    scout_rc rc = record_file(k, path, kind, b.data, b.len, msg[0] ? msg : NULL);
    char hash[17];
    content_hash(b.data ? b.data : "", b.len, hash);
    if (!rc && doc) rc = store_document(k, path, doc, hash);
    scout_document_free(doc);
    scout_buf_free(&b);
    return rc;
}

static int visible_entry(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Walks a docs folder in name order (deterministic chunk ids), depth-limited
 * so a symlink loop cannot recurse forever. */
static scout_rc walk_docs(kimport *k, const char *dir, int depth)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, visible_entry, alphasort);
    scout_rc rc = SCOUT_OK;
    if (n < 0) {
        char msg[1100];
        snprintf(msg, sizeof msg, "%s:1: cannot read the folder", dir);
        return record_file(k, dir, "docs", NULL, 0, msg);
    }
    for (int i = 0; i < n; i++) {
        char *path = rc ? NULL : scout_path_join(dir, names[i]->d_name);
        if (!rc && !path) rc = scout_err_set(k->err, SCOUT_ENOMEM, "out of memory");
        if (path && scout_path_is_dir(path)) {
            if (depth < WALK_MAX_DEPTH) rc = walk_docs(k, path, depth + 1);
        } else if (path && scout_document_supported(names[i]->d_name)) {
            rc = import_doc_file(k, path, names[i]->d_name);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

static scout_rc import_docs_path(kimport *k, const char *path)
{
    if (scout_path_is_dir(path)) return walk_docs(k, path, 0);
    if (!scout_path_exists(path)) {
        char msg[1100];
        snprintf(msg, sizeof msg, "%s:1: docs path does not exist", path);
        return record_file(k, path, "docs", NULL, 0, msg);
    }
    const char *slash = strrchr(path, '/');
    return import_doc_file(k, path, slash ? slash + 1 : path);
}

/* ---------- Slack ---------- */

static scout_rc slack_file(void *ud, const char *path, const char *data, size_t len,
                           const char *error, scout_err *err)
{
    return record_file(ud, path, "slack", data, len, error);
}

static scout_rc slack_channel(void *ud, const scout_slack_channel *ch, scout_err *err)
{
    kimport *k = ud;
    acl_clear(k);
    k->acl_public = !ch->is_private;
    if (ch->is_private) {
        k->acl_groups = json_list(NULL, 0);
        k->acl_users = json_list(ch->readers, ch->n_readers);
        if (!k->acl_groups || !k->acl_users)
            return scout_err_set(err, SCOUT_ENOMEM, "out of memory building an acl");
    }
    char uri[600], title[300];
    if (k->slack_export)
        snprintf(uri, sizeof uri, "slack://%s?export=%d", ch->name, k->slack_export + 1);
    else
        snprintf(uri, sizeof uri, "slack://%s", ch->name);
    snprintf(title, sizeof title, "#%s", ch->name);
    kdoc d = {uri, "slack", title, NULL, ch->name, NULL, ch->created, ch->updated};
    bool fresh = false;
    scout_rc rc = store_doc(k, &d, &fresh);
    k->slack_channel = fresh ? ch->name : NULL;
    return rc;
}

static scout_rc slack_chunk(void *ud, const scout_slack_chunk *c, scout_err *err)
{
    kimport *k = ud;
    if (!k->slack_channel) return SCOUT_OK;
    kchunk kc = {c->heading, c->text, c->uri, c->authors, c->created, c->updated, c->tokens};
    return store_chunk(k, &kc);
}

/* ---------- codenames ---------- */

typedef struct word {
    const char *p;
    size_t n;
} word;

/* Splits on whitespace; '*' and '`' are markup, not part of words. */
static size_t split_words(const char *s, word *w, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (*s && (isspace((unsigned char)*s) || *s == '*' || *s == '`')) s++;
        if (!*s) break;
        const char *b = s;
        while (*s && !isspace((unsigned char)*s) && *s != '*' && *s != '`') s++;
        w[n++] = (word){b, (size_t)(s - b)};
    }
    return n;
}

static bool word_is(const word *w, const char *const *set)
{
    for (; *set; set++)
        if (strlen(*set) == w->n && !strncasecmp(w->p, *set, w->n)) return true;
    return false;
}

/* The word without surrounding punctuation. */
static word word_core(word w)
{
    while (w.n && strchr("\"'(([", w.p[0])) w.p++, w.n--;
    while (w.n && strchr(".,;:!?)]\"'", w.p[w.n - 1])) w.n--;
    return w;
}

static bool ends_clause(const word *w)
{
    return w->n && strchr(".,;:!?)", w->p[w->n - 1]);
}

static bool is_term_word(word w)
{
    w = word_core(w);
    if (!w.n || !isupper((unsigned char)w.p[0])) return false;
    for (size_t i = 1; i < w.n; i++)
        if (!isalnum((unsigned char)w.p[i]) && w.p[i] != '-') return false;
    return true;
}

static const char *const ARTICLES[] = {"the", "a", "an", "our", "its", "their", NULL};
static const char *const GENERIC[] = {"feature",    "project",   "product",    "service",
                                      "initiative", "programme", "program",    "launch",
                                      "team",       "effort",    "experiment", NULL};

/* Joins words [from, to) with spaces, trimming punctuation at the ends. */
static char *join_words(const word *w, size_t from, size_t to)
{
    scout_buf b = SCOUT_BUF_INIT;
    for (size_t i = from; i < to; i++) {
        word x = i == from || i + 1 == to ? word_core(w[i]) : w[i];
        if (b.len) scout_buf_putc(&b, ' ');
        scout_buf_append(&b, x.p, x.n);
    }
    char *s = b.len ? scout_buf_take(&b) : NULL;
    scout_buf_free(&b);
    return s;
}

typedef struct codename {
    char *term, *meaning, *kind;
} codename;

/* The meaning phrase words[from, to): a trailing generic noun ("feature")
 * becomes the kind, the rest the meaning ("export"). */
static bool set_meaning(codename *cn, const word *w, size_t from, size_t to)
{
    if (to <= from) return false;
    word last = word_core(w[to - 1]);
    if (to > from + 1 && word_is(&last, GENERIC)) {
        cn->kind = join_words(w, to - 1, to);
        to--;
    }
    cn->meaning = from < to ? join_words(w, from, to) : NULL;
    return cn->meaning != NULL;
}

/* "<Term> is the (internal) codename of/for the <meaning> ..." */
static bool codename_defined_as(const word *w, size_t n, size_t at, codename *cn)
{
    static const char *const ADJ[] = {"internal", "project", "product", "secret",
                                      "official", "old",     "new",     NULL};
    static const char *const IS[] = {"is", "was", NULL};
    static const char *const OF[] = {"of", "for", NULL};
    if (at + 1 >= n || !word_is(&w[at + 1], OF)) return false;
    size_t i = at;
    while (i > 0 && word_is(&w[i - 1], ADJ)) i--;
    if (i > 0 && word_is(&w[i - 1], ARTICLES)) i--;
    if (i == 0 || !word_is(&w[i - 1], IS)) return false;
    size_t end = i - 1, start = end;
    while (start > 0 && end - start < 3 && is_term_word(w[start - 1]) &&
           (start == end || !ends_clause(&w[start - 1])))
        start--;
    if (start == end) return false;
    size_t m = at + 2;
    if (m < n && word_is(&w[m], ARTICLES)) m++;
    size_t me = m;
    while (me < n && me - m < 6) {
        bool stop = ends_clause(&w[me]) || w[me].p[0] == '(';
        if (w[me].p[0] != '(') me++;
        if (stop) break;
    }
    cn->term = join_words(w, start, end);
    return cn->term && set_meaning(cn, w, m, me);
}

/* "the <meaning>, codenamed <Term>" / "the <meaning> (codename Term)" */
static bool codename_named(const word *w, size_t n, size_t at, codename *cn)
{
    size_t t = at + 1;
    if (t < n && w[t].n == 1 && w[t].p[0] == ':') t++;
    if (t >= n || !is_term_word(w[t])) return false;
    size_t te = t + 1;
    while (te < n && te - t < 3 && !ends_clause(&w[te - 1]) && is_term_word(w[te])) te++;
    size_t start = at;
    while (start > 0 && at - start < 5 && !word_is(&w[start - 1], ARTICLES)) {
        if (start < at && ends_clause(&w[start - 1]) && w[start - 1].p[w[start - 1].n - 1] == '.')
            return false;
        start--;
    }
    if (start == 0 || !word_is(&w[start - 1], ARTICLES) || start == at) return false;
    cn->term = join_words(w, t, te);
    return cn->term && set_meaning(cn, w, start, at);
}

static void codename_free(codename *cn)
{
    free(cn->term);
    free(cn->meaning);
    free(cn->kind);
    memset(cn, 0, sizeof *cn);
}

static scout_rc store_codenames_of(kimport *k, sqlite3_stmt *ins, int64_t chunk_id,
                                   const char *text)
{
    size_t cap = strlen(text) / 2 + 1;
    word *w = malloc(cap * sizeof *w);
    if (!w) return scout_err_set(k->err, SCOUT_ENOMEM, "out of memory");
    size_t n = split_words(text, w, cap);
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        word c = word_core(w[i]);
        if (c.n < 8 || strncasecmp(c.p, "codename", 8)) continue;
        codename cn = {0};
        bool found = codename_defined_as(w, n, i, &cn);
        if (!found) {
            codename_free(&cn);
            found = codename_named(w, n, i, &cn);
        }
        if (found) {
            bind_text(ins, 1, cn.term);
            bind_text(ins, 2, cn.meaning);
            bind_text(ins, 3, cn.kind);
            sqlite3_bind_int64(ins, 4, chunk_id);
            rc = step_reset(k, ins, "storing a codename");
        }
        codename_free(&cn);
    }
    free(w);
    return rc;
}

static scout_rc extract_codenames(kimport *k)
{
    sqlite3_stmt *sel = NULL, *ins = NULL;
    scout_rc rc = scout_catalog_prepare(
        k->cat, "SELECT id, text FROM knowledge_chunks WHERE text LIKE '%codename%' ORDER BY id",
        &sel, k->err);
    if (!rc)
        rc = scout_catalog_prepare(k->cat,
                                   "INSERT OR IGNORE INTO knowledge_codenames (term, meaning, kind,"
                                   " chunk_id) VALUES (?, ?, ?, ?)",
                                   &ins, k->err);
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(sel)) == SQLITE_ROW)
        rc = store_codenames_of(k, ins, sqlite3_column_int64(sel, 0),
                                scout_catalog_col_text(sel, 1));
    if (!rc && s != SQLITE_DONE) rc = scout_catalog_sqlerr(k->cat, k->err, "reading chunks");
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

/* ---------- launch dates ---------- */

/* "2026-06-02" inside w (markup and punctuation around it allowed). */
static bool iso_day_of(word w, char day[11])
{
    w = word_core(w);
    if (w.n != 10) return false;
    for (size_t i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? w.p[i] != '-' : !isdigit((unsigned char)w.p[i])) return false;
    memcpy(day, w.p, 10);
    day[10] = 0;
    return true;
}

static bool launch_word(word w)
{
    static const char *const LAUNCH[] = {"launch",  "launched", "launches", "released",
                                         "shipped", "live",     "GA",       "rolled",
                                         "debuted", "unveiled", NULL};
    w = word_core(w);
    return word_is(&w, LAUNCH);
}

/* Does words[from, to) say term or its meaning, or open on a pronoun that
 * can only mean the chunk's codename ("It launched on …")? */
static bool sentence_about(const word *w, size_t from, size_t to, const char *term,
                           const char *meaning)
{
    static const char *const PRONOUNS[] = {"it", "this", "they", NULL};
    if (word_is(&w[from], PRONOUNS)) return true;
    for (size_t i = from; i < to; i++) {
        word c = word_core(w[i]);
        if ((c.n == strlen(term) && !strncasecmp(c.p, term, c.n)) ||
            (meaning && c.n == strlen(meaning) && !strncasecmp(c.p, meaning, c.n)))
            return true;
    }
    return false;
}

/* Each sentence of text about term that says it launched and gives the day:
 * "It launched to everyone on **2026-06-02**". */
static scout_rc store_launches_of(kimport *k, sqlite3_stmt *ins, int64_t chunk_id, const char *text,
                                  const char *term, const char *meaning)
{
    size_t cap = strlen(text) / 2 + 1;
    word *w = malloc(cap * sizeof *w);
    if (!w) return scout_err_set(k->err, SCOUT_ENOMEM, "out of memory");
    size_t n = split_words(text, w, cap);
    scout_rc rc = SCOUT_OK;
    for (size_t from = 0; from < n && !rc;) {
        size_t to = from;
        while (to < n && !(w[to].n && strchr(".!?", w[to].p[w[to].n - 1]))) to++;
        if (to < n) to++; /* the word ending the sentence */
        bool launch = false;
        char day[11] = "";
        for (size_t i = from; i < to; i++) {
            launch |= launch_word(w[i]);
            if (!day[0]) iso_day_of(w[i], day);
        }
        if (launch && day[0] && sentence_about(w, from, to, term, meaning)) {
            bind_text(ins, 1, term);
            bind_text(ins, 2, day);
            sqlite3_bind_int64(ins, 3, chunk_id);
            rc = step_reset(k, ins, "storing a launch date");
        }
        from = to;
    }
    free(w);
    return rc;
}

/* Launch dates of codenamed things, from the chunks that state the
 * codename (the launch note says both). */
static scout_rc extract_launches(kimport *k)
{
    sqlite3_stmt *sel = NULL, *ins = NULL;
    scout_rc rc =
        scout_catalog_prepare(k->cat,
                              "SELECT c.id, c.text, kc.term, kc.meaning"
                              " FROM knowledge_codenames kc"
                              " JOIN knowledge_chunks c ON c.id = kc.chunk_id ORDER BY c.id",
                              &sel, k->err);
    if (!rc)
        rc = scout_catalog_prepare(k->cat,
                                   "INSERT OR IGNORE INTO knowledge_launches (term, day, chunk_id)"
                                   " VALUES (?, ?, ?)",
                                   &ins, k->err);
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(sel)) == SQLITE_ROW)
        rc = store_launches_of(k, ins, sqlite3_column_int64(sel, 0), scout_catalog_col_text(sel, 1),
                               scout_catalog_col_text(sel, 2), scout_catalog_col_text(sel, 3));
    if (!rc && s != SQLITE_DONE) rc = scout_catalog_sqlerr(k->cat, k->err, "reading chunks");
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

/* ---------- mentions ---------- */

enum { K_FQ, K_ST, K_NAME, K_METRIC, K_CODENAME };

typedef struct dict_ent {
    char *key; /* lowercase */
    int kind;
    char *target; /* fqname, metric name or codename */
    char *table;  /* metrics: the metric's table, may be NULL */
    bool ambiguous;
} dict_ent;

typedef struct dict {
    dict_ent *v;
    size_t n, cap;
} dict;

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; p && *p; p++) *p = (char)tolower((unsigned char)*p);
    return d;
}

static bool dict_add(dict *d, const char *key, int kind, const char *target, const char *table)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        dict_ent *g = realloc(d->v, cap * sizeof *g);
        if (!g) return false;
        d->v = g;
        d->cap = cap;
    }
    dict_ent *e = &d->v[d->n];
    e->key = lower_dup(key);
    e->kind = kind;
    e->target = strdup(target);
    e->table = table ? strdup(table) : NULL;
    e->ambiguous = false;
    d->n++;
    return e->key && e->target && (!table || e->table);
}

static int dict_cmp(const void *a, const void *b)
{
    const dict_ent *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : x->kind - y->kind;
}

static void dict_free(dict *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].key);
        free(d->v[i].target);
        free(d->v[i].table);
    }
    free(d->v);
}

/* Sorts and folds equal (key, kind) entries: one with differing targets is
 * ambiguous (a bare name two schemas share) and never matches. */
static void dict_seal(dict *d)
{
    if (!d->n) return;
    if (d->n) qsort(d->v, d->n, sizeof *d->v, dict_cmp);
    size_t w = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (w && !dict_cmp(&d->v[w - 1], &d->v[i])) {
            if (strcmp(d->v[w - 1].target, d->v[i].target)) d->v[w - 1].ambiguous = true;
            free(d->v[i].key);
            free(d->v[i].target);
            free(d->v[i].table);
            continue;
        }
        d->v[w++] = d->v[i];
    }
    d->n = w;
}

static const dict_ent *dict_find(const dict *d, const char *key, int kind)
{
    dict_ent probe = {.key = (char *)key, .kind = kind};
    const dict_ent *e = d->n ? bsearch(&probe, d->v, d->n, sizeof *d->v, dict_cmp) : NULL;
    return e && !e->ambiguous ? e : NULL;
}

static scout_rc dict_load(kimport *k, dict *d)
{
    static const char *const SQL[] = {
        "SELECT fqname, schema_name || '.' || name, name, NULL FROM tables",
        "SELECT name, NULL, NULL, table_fqname FROM metrics",
        "SELECT DISTINCT term, NULL, NULL, NULL FROM knowledge_codenames",
    };
    scout_rc rc = SCOUT_OK;
    for (int q = 0; q < 3 && !rc; q++) {
        sqlite3_stmt *st;
        if ((rc = scout_catalog_prepare(k->cat, SQL[q], &st, k->err))) break;
        bool ok = true;
        while (ok && sqlite3_step(st) == SQLITE_ROW) {
            const char *a = scout_catalog_col_text(st, 0), *b = scout_catalog_col_text(st, 1),
                       *c = scout_catalog_col_text(st, 2), *t = scout_catalog_col_text(st, 3);
            if (!a) continue;
            if (q == 0) {
                ok = dict_add(d, a, K_FQ, a, NULL) && dict_add(d, b, K_ST, a, NULL) &&
                     dict_add(d, c, K_NAME, a, NULL);
            } else if (q == 1) {
                ok = dict_add(d, a, K_METRIC, a, t);
                /* "net_revenue" is also written "net revenue" in prose. */
                char *phrase = strchr(a, '_') ? strdup(a) : NULL;
                for (char *p = phrase; p && *p; p++)
                    if (*p == '_') *p = ' ';
                if (ok && phrase) ok = dict_add(d, phrase, K_METRIC, a, t);
                free(phrase);
            } else {
                ok = dict_add(d, a, K_CODENAME, a, NULL);
            }
        }
        sqlite3_finalize(st);
        if (!ok) rc = scout_err_set(k->err, SCOUT_ENOMEM, "out of memory loading catalog names");
    }
    dict_seal(d);
    return rc;
}

typedef struct linker {
    kimport *k;
    const dict *d;
    sqlite3_stmt *ins_cm, *ins_km, *col;
    int64_t chunk_id;
} linker;

static scout_rc link_mention(linker *l, const char *kind, const char *target, const char *matched)
{
    sqlite3_stmt *st = l->ins_km;
    sqlite3_bind_int64(st, 1, l->chunk_id);
    bind_text(st, 2, kind);
    bind_text(st, 3, target);
    bind_text(st, 4, matched);
    return step_reset(l->k, st, "storing a knowledge mention");
}

static scout_rc link_table(linker *l, const char *fqname, const char *column)
{
    sqlite3_stmt *st = l->ins_cm;
    sqlite3_bind_int64(st, 1, l->chunk_id);
    bind_text(st, 2, fqname);
    bind_text(st, 3, column ? column : "");
    return step_reset(l->k, st, "storing a chunk mention");
}

/* The column's name as the catalog spells it, or NULL if the table has none
 * by that name (then "table.word" was not a column reference). */
static char *catalog_column(linker *l, const char *fqname, const char *column)
{
    sqlite3_bind_text(l->col, 1, fqname, -1, SQLITE_STATIC);
    sqlite3_bind_text(l->col, 2, column, -1, SQLITE_STATIC);
    char *name = NULL;
    if (sqlite3_step(l->col) == SQLITE_ROW) name = scout_strdup(scout_catalog_col_text(l->col, 0));
    sqlite3_reset(l->col);
    return name;
}

static scout_rc link_table_token(linker *l, const char *fqname, const char *column,
                                 const char *matched)
{
    char *col = column ? catalog_column(l, fqname, column) : NULL;
    scout_rc rc = link_table(l, fqname, col);
    if (!rc) rc = link_mention(l, "table", fqname, matched);
    free(col);
    return rc;
}

/* A metric mention also links the metric's table, so the table's card sees
 * the discussion. */
static scout_rc link_metric(linker *l, const dict_ent *e, const char *matched)
{
    scout_rc rc = link_mention(l, "metric", e->target, matched);
    if (!rc && e->table) rc = link_table(l, e->table, NULL);
    return rc;
}

/* One dotted identifier token (lowercased in low, original in orig). */
static scout_rc link_token(linker *l, char *low, const char *orig, bool code)
{
    char *parts[5];
    int np = 0;
    for (char *p = low; np < 5;) {
        parts[np++] = p;
        char *dot = strchr(p, '.');
        if (!dot) break;
        *dot = '\0';
        p = dot + 1;
    }
    char key[600];
    const dict_ent *e;
    if (np >= 3) {
        snprintf(key, sizeof key, "%s.%s.%s", parts[0], parts[1], parts[2]);
        if ((e = dict_find(l->d, key, K_FQ)))
            return link_table_token(l, e->target, np >= 4 ? parts[3] : NULL, orig);
        snprintf(key, sizeof key, "%s.%s", parts[0], parts[1]);
        if (np == 3 && (e = dict_find(l->d, key, K_ST)))
            return link_table_token(l, e->target, parts[2], orig);
        return SCOUT_OK;
    }
    if (np == 2) {
        snprintf(key, sizeof key, "%s.%s", parts[0], parts[1]);
        e = dict_find(l->d, key, K_ST);
        return e ? link_table_token(l, e->target, NULL, orig) : SCOUT_OK;
    }
    scout_rc rc = SCOUT_OK;
    /* A bare word names a table only when it looks like an identifier
     * (underscore or digit) or is written as code: "users" in prose is not
     * a reference to some users table. */
    bool ident = code || strpbrk(low, "_0123456789");
    if (ident && (e = dict_find(l->d, low, K_NAME)))
        rc = link_table_token(l, e->target, NULL, orig);
    if (!rc && (e = dict_find(l->d, low, K_METRIC))) rc = link_metric(l, e, orig);
    if (!rc && (e = dict_find(l->d, low, K_CODENAME)))
        rc = link_mention(l, "codename", e->target, orig);
    return rc;
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Multi-word metric names ("net revenue"): the last two and three words. */
static scout_rc link_phrases(linker *l, const word *recent, size_t n_recent)
{
    scout_rc rc = SCOUT_OK;
    for (size_t len = 2; len <= 3 && len <= n_recent && !rc; len++) {
        char key[256], orig[256];
        size_t kn = 0;
        const word *w = recent + n_recent - len;
        const char *from = w[0].p, *to = w[len - 1].p + w[len - 1].n;
        if ((size_t)(to - from) >= sizeof key) continue;
        for (size_t i = 0; i < len; i++) {
            if (i) key[kn++] = ' ';
            for (size_t j = 0; j < w[i].n; j++) key[kn++] = (char)tolower((unsigned char)w[i].p[j]);
        }
        key[kn] = '\0';
        const dict_ent *e = dict_find(l->d, key, K_METRIC);
        if (!e) continue;
        snprintf(orig, sizeof orig, "%.*s", (int)(to - from), from);
        rc = link_metric(l, e, orig);
    }
    return rc;
}

/* Scans a chunk for identifier tokens (dotted names kept whole) and for
 * metric phrases; punctuation other than spaces breaks a phrase. */
static scout_rc link_chunk(linker *l, const char *text)
{
    word recent[3];
    size_t n_recent = 0;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; text[i] && !rc;) {
        if (!ident_char(text[i])) {
            if (text[i] != ' ' && text[i] != '\t') n_recent = 0;
            i++;
            continue;
        }
        size_t b = i;
        while (ident_char(text[i]) || (text[i] == '.' && ident_char(text[i + 1]) && i > b)) i++;
        size_t n = i - b;
        if (n >= 256) continue;
        char low[256], orig[256];
        memcpy(orig, text + b, n);
        orig[n] = '\0';
        for (size_t j = 0; j <= n; j++) low[j] = (char)tolower((unsigned char)orig[j]);
        rc = link_token(l, low, orig, b > 0 && text[b - 1] == '`');
        if (rc || memchr(orig, '.', n)) {
            n_recent = 0;
            continue;
        }
        if (n_recent == 3) memmove(recent, recent + 1, 2 * sizeof *recent), n_recent = 2;
        recent[n_recent++] = (word){text + b, n};
        rc = link_phrases(l, recent, n_recent);
    }
    return rc;
}

/* A chunk that names a codename is about what the defining chunk names:
 * "Lighthouse adoption?" links to the export tables the launch note lists. */
static scout_rc link_codename_tables(kimport *k)
{
    return scout_catalog_exec(
        k->cat,
        "INSERT OR IGNORE INTO chunk_mentions (chunk_id, fqname, column_name)"
        " SELECT DISTINCT km.chunk_id, cm.fqname, ''"
        " FROM knowledge_mentions km"
        " JOIN knowledge_codenames kc ON km.kind = 'codename' AND kc.term = km.target"
        " JOIN chunk_mentions cm ON cm.chunk_id = kc.chunk_id"
        " WHERE km.chunk_id <> kc.chunk_id",
        k->err);
}

static scout_rc link_all(kimport *k)
{
    dict d = {0};
    linker l = {.k = k, .d = &d};
    sqlite3_stmt *sel = NULL;
    scout_rc rc = dict_load(k, &d);
    if (!rc)
        rc = scout_catalog_prepare(k->cat, "SELECT id, text FROM knowledge_chunks ORDER BY id",
                                   &sel, k->err);
    if (!rc)
        rc = scout_catalog_prepare(k->cat,
                                   "INSERT OR IGNORE INTO chunk_mentions (chunk_id, fqname,"
                                   " column_name) VALUES (?, ?, ?)",
                                   &l.ins_cm, k->err);
    if (!rc)
        rc = scout_catalog_prepare(k->cat,
                                   "INSERT OR IGNORE INTO knowledge_mentions (chunk_id, kind,"
                                   " target, matched) VALUES (?, ?, ?, ?)",
                                   &l.ins_km, k->err);
    if (!rc)
        rc = scout_catalog_prepare(k->cat,
                                   "SELECT c.name FROM columns c JOIN tables t ON t.id = c.table_id"
                                   " WHERE t.fqname = ? AND c.name = ? COLLATE NOCASE",
                                   &l.col, k->err);
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(sel)) == SQLITE_ROW) {
        l.chunk_id = sqlite3_column_int64(sel, 0);
        rc = link_chunk(&l, scout_catalog_col_text(sel, 1));
    }
    if (!rc && s != SQLITE_DONE) rc = scout_catalog_sqlerr(k->cat, k->err, "reading chunks");
    if (!rc) rc = link_codename_tables(k);
    sqlite3_finalize(sel);
    sqlite3_finalize(l.ins_cm);
    sqlite3_finalize(l.ins_km);
    sqlite3_finalize(l.col);
    dict_free(&d);
    return rc;
}

/* ---------- import ---------- */

static scout_rc import_all(kimport *k)
{
    /* Re-import replaces: cascades clear chunks, mentions and codenames. */
    scout_rc rc = scout_catalog_exec(k->cat,
                                     "DELETE FROM knowledge_launches;"
                                     "DELETE FROM knowledge_codenames;"
                                     "DELETE FROM knowledge_docs;"
                                     "DELETE FROM context_files WHERE layer = 4;",
                                     k->err);
    sqlite3_stmt **stmts[] = {&k->ins_doc, &k->ins_chunk, &k->ins_meta, &k->ins_file};
    for (int i = 0; i < 4 && !rc; i++)
        rc = scout_catalog_prepare(k->cat, INSERTS[i], stmts[i], k->err);
    const scout_context_cfg *cx = k->cfg ? &k->cfg->context : NULL;
    for (size_t i = 0; cx && i < cx->docs.n && !rc; i++) rc = import_docs_path(k, cx->docs.v[i]);
    scout_slack_sink sink = {k, slack_file, slack_channel, slack_chunk};
    for (size_t i = 0; cx && i < cx->slack.n && !rc; i++) {
        k->slack_export = (int)i;
        if (!scout_path_is_dir(cx->slack.v[i])) {
            char msg[1100];
            snprintf(msg, sizeof msg, "%s:1: slack export folder does not exist", cx->slack.v[i]);
            rc = record_file(k, cx->slack.v[i], "slack", NULL, 0, msg);
            continue;
        }
        rc = scout_slack_read(cx->slack.v[i], k->cfg, CHUNK_TOKENS, &sink, k->err);
    }
    if (!rc) rc = extract_codenames(k);
    if (!rc) rc = extract_launches(k);
    if (!rc) rc = link_all(k);
    for (int i = 0; i < 4; i++) sqlite3_finalize(*stmts[i]);
    return rc;
}

scout_rc scout_knowledge_import(scout_catalog *cat, const scout_config *cfg, scout_layer_stats *st,
                                scout_err *err)
{
    scout_layer_stats local;
    if (!st) st = &local;
    memset(st, 0, sizeof *st);
    double t0 = scout_now_ms();
    kimport k = {.cat = cat, .cfg = cfg, .st = st, .err = err};
    /* One transaction: readers never see half an import, and 10,000 docs
     * cost one fsync instead of 10,000. */
    scout_rc rc = scout_catalog_exec(cat, "BEGIN IMMEDIATE", err);
    if (rc) return scout_err_prefix(err, "importing knowledge");
    rc = import_all(&k);
    if (!rc) rc = scout_catalog_exec(cat, "COMMIT", err);
    if (rc) {
        sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
        scout_err_prefix(err, "importing knowledge");
    }
    acl_clear(&k);
    st->elapsed_ms = scout_now_ms() - t0;
    return rc;
}

/* ---------- retrieval ---------- */

/* Who may read chunk c: ?2 admin, ?3 the asker's groups (JSON), ?4 user
 * name, ?5 email. A NULL principal binds nothing and sees public chunks. */
#define ACL_FILTER                                                                                 \
    "(?2 OR c.acl_public = 1"                                                                      \
    " OR EXISTS (SELECT 1 FROM json_each(c.acl_groups) g, json_each(?3) p"                         \
    "            WHERE g.value = p.value)"                                                         \
    " OR EXISTS (SELECT 1 FROM json_each(c.acl_users) u WHERE u.value IN (?4, ?5)))"

static scout_rc bind_principal(sqlite3_stmt *st, const scout_principal *who, scout_err *err)
{
    sqlite3_bind_int(st, 2, who && who->admin);
    char *groups = json_list(who ? who->groups : NULL, who ? who->n_groups : 0);
    if (!groups) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    sqlite3_bind_text(st, 3, groups, -1, SQLITE_TRANSIENT);
    free(groups);
    /* A user name shaped like an unmapped Slack member must not inherit
     * that member's private channels. */
    const char *user = who ? who->user : NULL;
    if (user && !strncmp(user, SCOUT_SLACK_UNMAPPED_PREFIX, strlen(SCOUT_SLACK_UNMAPPED_PREFIX)))
        user = NULL;
    if (user) sqlite3_bind_text(st, 4, user, -1, SQLITE_TRANSIENT);
    if (who && who->email && user) sqlite3_bind_text(st, 5, who->email, -1, SQLITE_TRANSIENT);
    return SCOUT_OK;
}

static scout_rc each_row(scout_catalog *cat, sqlite3_stmt *st, scout_chunk_fn fn, void *ud,
                         scout_err *err)
{
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        scout_chunk c = {
            .id = sqlite3_column_int64(st, 0),
            .uri = scout_catalog_col_text(st, 1),
            .title = scout_catalog_col_text(st, 2),
            .heading = scout_catalog_col_text(st, 3),
            .text = scout_catalog_col_text(st, 4),
            .authors = scout_catalog_col_text(st, 5),
            .updated_at = scout_catalog_col_text(st, 6),
            .matched = scout_catalog_col_text(st, 7),
        };
        if (fn(ud, &c)) return SCOUT_OK;
    }
    return s == SQLITE_DONE ? SCOUT_OK : scout_catalog_sqlerr(cat, err, "reading knowledge chunks");
}

#define CHUNK_COLUMNS                                                                              \
    "c.id, coalesce(m.uri, d.uri), d.title, c.heading, c.text, m.authors,"                         \
    " coalesce(m.updated_at, d.updated_at)"

scout_rc scout_knowledge_chunks_for_table(scout_catalog *cat, const char *fqname,
                                          const scout_principal *who, scout_chunk_fn fn, void *ud,
                                          scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        cat,
        "SELECT " CHUNK_COLUMNS ", (SELECT km.matched FROM knowledge_mentions km"
        "   WHERE km.chunk_id = c.id AND km.kind = 'table' AND km.target = ?1)"
        " FROM knowledge_chunks c"
        " JOIN knowledge_docs d ON d.id = c.doc_id"
        " LEFT JOIN knowledge_chunk_meta m ON m.chunk_id = c.id"
        " WHERE c.id IN (SELECT chunk_id FROM chunk_mentions WHERE fqname = ?1) AND " ACL_FILTER
        " ORDER BY d.kind = 'slack', coalesce(m.updated_at, d.updated_at) DESC, c.id",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, fqname, -1, SQLITE_TRANSIENT);
    rc = bind_principal(st, who, err);
    if (!rc) rc = each_row(cat, st, fn, ud, err);
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_knowledge_chunks_each(scout_catalog *cat, const scout_principal *who,
                                     scout_chunk_fn fn, void *ud, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat,
                                        "SELECT " CHUNK_COLUMNS ", NULL"
                                        " FROM knowledge_chunks c"
                                        " JOIN knowledge_docs d ON d.id = c.doc_id"
                                        " LEFT JOIN knowledge_chunk_meta m ON m.chunk_id = c.id"
                                        " WHERE ?1 IS NULL AND " ACL_FILTER " ORDER BY c.id",
                                        &st, err);
    if (rc) return rc;
    rc = bind_principal(st, who, err);
    if (!rc) rc = each_row(cat, st, fn, ud, err);
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_knowledge_codenames_each(scout_catalog *cat, const scout_principal *who,
                                        scout_codename_fn fn, void *ud, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat,
                                        "SELECT DISTINCT kc.term, kc.kind, kc.meaning"
                                        " FROM knowledge_codenames kc"
                                        " JOIN knowledge_chunks c ON c.id = kc.chunk_id"
                                        " WHERE " ACL_FILTER " ORDER BY kc.term, kc.meaning",
                                        &st, err);
    if (rc) return rc;
    rc = bind_principal(st, who, err);
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ud, scout_catalog_col_text(st, 0), scout_catalog_col_text(st, 1),
               scout_catalog_col_text(st, 2)))
            break;
    if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
        rc = scout_catalog_sqlerr(cat, err, "reading codenames");
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_knowledge_launch_day(scout_catalog *cat, const char *name,
                                    const scout_principal *who, char day[11], char **uri,
                                    scout_err *err)
{
    day[0] = 0;
    if (uri) *uri = NULL;
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        cat,
        "SELECT kl.day, coalesce(m.uri, d.uri) FROM knowledge_launches kl"
        " JOIN knowledge_chunks c ON c.id = kl.chunk_id"
        " JOIN knowledge_docs d ON d.id = c.doc_id"
        " LEFT JOIN knowledge_chunk_meta m ON m.chunk_id = c.id"
        " WHERE (kl.term = ?1 COLLATE NOCASE OR EXISTS (SELECT 1 FROM knowledge_codenames kc"
        "        WHERE kc.term = kl.term AND kc.meaning = ?1 COLLATE NOCASE)) AND " ACL_FILTER
        " ORDER BY kl.day LIMIT 1",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    rc = bind_principal(st, who, err);
    int s = rc ? SQLITE_DONE : sqlite3_step(st);
    if (!rc && s == SQLITE_ROW) {
        scout_strlcpy(day, scout_catalog_col_text(st, 0), 11);
        const char *u = scout_catalog_col_text(st, 1);
        if (uri && u && !(*uri = scout_strdup(u)))
            rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    } else if (!rc && s == SQLITE_DONE) {
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "no launch date is known for '%s'", name);
    } else if (!rc) {
        rc = scout_catalog_sqlerr(cat, err, "looking up a launch date");
    }
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_knowledge_codename(scout_catalog *cat, const char *term, const scout_principal *who,
                                  char **meaning, scout_err *err)
{
    *meaning = NULL;
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat,
                                        "SELECT kc.meaning FROM knowledge_codenames kc"
                                        " JOIN knowledge_chunks c ON c.id = kc.chunk_id"
                                        " WHERE kc.term = ?1 COLLATE NOCASE AND " ACL_FILTER
                                        " ORDER BY kc.id LIMIT 1",
                                        &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, term, -1, SQLITE_TRANSIENT);
    rc = bind_principal(st, who, err);
    int s = rc ? SQLITE_DONE : sqlite3_step(st);
    if (!rc && s == SQLITE_ROW) {
        *meaning = scout_strdup(scout_catalog_col_text(st, 0));
        if (!*meaning) rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    } else if (!rc && s == SQLITE_DONE) {
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "no codename '%s' is known", term);
    } else if (!rc) {
        rc = scout_catalog_sqlerr(cat, err, "looking up a codename");
    }
    sqlite3_finalize(st);
    return rc;
}
