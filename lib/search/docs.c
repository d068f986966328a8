/* docs.c — builds the search documents from the catalog (every table card,
 * knowledge chunk, query cluster, verified query and memory) and keeps the
 * persisted copy in search_docs in step, re-tokenising only what changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/hash.h"
#include "base/strmap.h"
#include "search/search_int.h"

const char *const SCOUT_SEARCH_FIELD_NAMES[N_FIELDS] = {"name",   "description", "columns",
                                                        "values", "enrichment",  "knowledge"};

/* ---- small helpers ---- */

static const char *col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static scout_rc sqlerr(sqlite3 *db, scout_err *err, const char *what)
{
    return scout_err_set(err, SCOUT_ESQL, "search index: %s: %s", what, sqlite3_errmsg(db));
}

static scout_rc prep(sqlite3 *db, const char *sql, sqlite3_stmt **st, scout_err *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK) return SCOUT_OK;
    *st = NULL;
    return sqlerr(db, err, "preparing a statement");
}

static int has_part(const char *name, const char *part)
{
    size_t pl = strlen(part);
    for (const char *p = name; (p = strstr(p, part)) != NULL; p++) {
        int start = p == name || p[-1] == '_' || p[-1] == '.';
        char e = p[pl];
        int end = e == '\0' || e == '_' || (e >= '0' && e <= '9');
        if (start && end) return 1;
    }
    return 0;
}

int scout_search_name_is_copy(const char *name)
{
    static const char *const parts[] = {"copy",     "backup",  "bak",   "tmp",  "temp",
                                        "old",      "scratch", "draft", "test", "sample",
                                        "snapshot", "attempt", "wip",   "dev",  "deprecated"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (has_part(name, parts[i])) return 1;
    return 0;
}

const char *scout_search_layer_of(const char *schema, const char *name)
{
    static const struct {
        const char *part, *layer;
    } map[] = {{"sandbox", "sandbox"}, {"scratch", "sandbox"}, {"tmp", "sandbox"},
               {"dev", "sandbox"},     {"archive", "archive"}, {"legacy", "archive"},
               {"staging", "staging"}, {"stg", "staging"},     {"stage", "staging"},
               {"raw", "raw"},         {"landing", "raw"},     {"src", "raw"},
               {"source", "raw"},      {"mart", "mart"},       {"marts", "mart"},
               {"analytics", "mart"},  {"reporting", "mart"},  {"gold", "mart"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (has_part(schema, map[i].part)) return map[i].layer;
    if (!strncmp(name, "stg_", 4)) return "staging";
    if (!strncmp(name, "raw_", 4)) return "raw";
    if (!strncmp(name, "tmp_", 4)) return "sandbox";
    return "";
}

void scout_search_base_name(const char *name, char *out, size_t cap)
{
    static const char *const prefixes[] = {"stg_", "tmp_", "raw_", "int_", "old_", "bak_"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(name, prefixes[i], strlen(prefixes[i]))) name += strlen(prefixes[i]);
    size_t n = scout_strlcpy(out, name, cap);
    if (n >= cap) n = cap - 1;
    /* Strip trailing decorations: _v1, _copy, _2025, _backup_2025, _old ... */
    for (;;) {
        char *us = strrchr(out, '_');
        if (!us || us == out) break;
        const char *tail = us + 1;
        int digits = *tail != '\0', vnum = tail[0] == 'v' && tail[1];
        for (const char *c = tail; *c; c++) digits &= *c >= '0' && *c <= '9';
        for (const char *c = tail + 1; vnum && *c; c++) vnum &= *c >= '0' && *c <= '9';
        if (!digits && !vnum && !scout_search_name_is_copy(tail)) break;
        *us = '\0';
    }
    /* A copy prefix such as "jsmith_" is not stripped: too easy to get wrong. */
}

/* 64-bit FNV-1a, run over every input of a document. */
typedef struct hasher {
    uint64_t h;
} hasher;

static void hash_str(hasher *h, const char *s)
{
    h->h = scout_fnv64_update_str(h->h, s);
    h->h = scout_fnv64_update(h->h, "\xff", 1); /* field separator */
}

/* ---- tokenising into stems ---- */

typedef struct stem_ctx {
    scout_buf *out;
    scout_synonyms *syn;
    scout_text *t;
    scout_rc rc;
} stem_ctx;

static int put_stem(void *ud, const scout_term *term)
{
    stem_ctx *c = ud;
    if (c->out->len && c->out->data[c->out->len - 1] != '\n')
        if ((c->rc = scout_buf_putc(c->out, ' '))) return 1;
    if ((c->rc = scout_buf_append(c->out, term->stem, term->stem_len))) return 1;
    const char *full = scout_synonyms_abbrev(c->syn, term->word);
    if (full) {
        char fs[SCOUT_TERM_MAX + 8];
        size_t n = scout_text_stem(c->t, full, strlen(full), fs, sizeof fs);
        if (n && (c->rc = scout_buf_printf(c->out, " %s", fs))) return 1;
    }
    return 0;
}

scout_rc scout_search_stems(scout_text *t, scout_synonyms *syn, const char *text, scout_buf *out)
{
    stem_ctx c = {out, syn, t, SCOUT_OK};
    if (text && *text) scout_text_terms(t, text, strlen(text), 0, put_stem, &c);
    return c.rc;
}

scout_rc scout_search_lang_open(sqlite3 *db, scout_text **t, scout_synonyms **syn, scout_err *err)
{
    *syn = NULL;
    scout_rc rc = scout_text_new(t, err);
    if (!rc) rc = scout_synonyms_new(*t, NULL, syn, err);
    sqlite3_stmt *st = NULL;
    if (!rc && db &&
        sqlite3_prepare_v2(db, "SELECT v FROM search_meta WHERE k = 'abbrev'", -1, &st, NULL) ==
            SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) rc = scout_synonyms_load_learned(*syn, col(st, 0));
        if (rc) scout_err_set(err, rc, "out of memory loading abbreviations");
    }
    sqlite3_finalize(st);
    if (rc) {
        scout_synonyms_free(*syn);
        scout_text_free(*t);
        *syn = NULL;
        *t = NULL;
    }
    return rc;
}

/* ---- one document under construction ---- */

typedef struct doc {
    int kind;
    scout_buf key, title, snippet, uri;
    scout_buf text[N_FIELDS];
    scout_buf trust, reason, replaced_by, layer, fresh, acl_groups, acl_users, tables, vals;
    scout_buf scope, owner, team, status;
    int64_t usage, users;
    int acl_public;
} doc;

#define DOC_BUFS (4 + N_FIELDS + 13)

/* Every buffer of d, in a fixed order (the hash depends on it). */
static size_t doc_bufs(doc *d, scout_buf *b[DOC_BUFS])
{
    size_t n = 0;
    b[n++] = &d->key, b[n++] = &d->title, b[n++] = &d->snippet, b[n++] = &d->uri;
    for (int f = 0; f < N_FIELDS; f++) b[n++] = &d->text[f];
    b[n++] = &d->trust, b[n++] = &d->reason, b[n++] = &d->replaced_by, b[n++] = &d->layer;
    b[n++] = &d->fresh, b[n++] = &d->acl_groups, b[n++] = &d->acl_users, b[n++] = &d->tables;
    b[n++] = &d->vals, b[n++] = &d->scope, b[n++] = &d->owner, b[n++] = &d->team;
    b[n++] = &d->status;
    return n;
}

static void doc_reset(doc *d)
{
    scout_buf *b[DOC_BUFS];
    size_t n = doc_bufs(d, b);
    for (size_t i = 0; i < n; i++) scout_buf_reset(b[i]);
    d->usage = d->users = 0;
    d->acl_public = 1;
}

static void doc_free(doc *d)
{
    scout_buf *b[DOC_BUFS];
    size_t n = doc_bufs(d, b);
    for (size_t i = 0; i < n; i++) scout_buf_free(b[i]);
}

static void add_text(scout_buf *b, const char *s)
{
    if (!s || !*s) return;
    if (b->len) scout_buf_putc(b, '\n');
    scout_buf_puts(b, s);
}

/* ---- the update run ---- */

typedef struct extras {
    scout_strmap *map; /* fqname → slot */
    scout_buf (*f)[N_FIELDS];
    scout_buf *neigh; /* lineage neighbours, one fqname per line */
    size_t n, cap;
} extras;

typedef struct run {
    sqlite3 *db;
    scout_text *t;
    scout_synonyms *syn;
    scout_strmap *old; /* "kind\x1fkey" → index into old_hash/seen */
    char **old_hash;
    unsigned char *seen;
    size_t n_old;
    extras ex;
    sqlite3_stmt *ins;
    uint64_t salt; /* hash of the learned abbreviations: new ones re-tokenise all */
    scout_buf terms, keybuf;
    scout_search_update_stats *st;
} run;

static scout_buf *extra_field(run *r, const char *fqname, int field)
{
    extras *e = &r->ex;
    uint32_t *slot = scout_strmap_slot(e->map, fqname, strlen(fqname), UINT32_MAX);
    if (!slot) return NULL;
    if (*slot == UINT32_MAX) {
        if (e->n == e->cap) {
            size_t nc = e->cap ? e->cap * 2 : 256;
            void *nf = realloc(e->f, nc * sizeof *e->f);
            if (!nf) return NULL;
            e->f = nf;
            void *nn = realloc(e->neigh, nc * sizeof *e->neigh);
            if (!nn) return NULL;
            e->neigh = nn;
            e->cap = nc;
        }
        memset(e->f[e->n], 0, sizeof e->f[e->n]);
        memset(&e->neigh[e->n], 0, sizeof e->neigh[e->n]);
        *slot = (uint32_t)e->n++;
    }
    return field < 0 ? &e->neigh[*slot] : &e->f[*slot][field];
}

static void extras_free(extras *e)
{
    for (size_t i = 0; i < e->n; i++) {
        for (int f = 0; f < N_FIELDS; f++) scout_buf_free(&e->f[i][f]);
        scout_buf_free(&e->neigh[i]);
    }
    free(e->f);
    free(e->neigh);
    scout_strmap_free(e->map);
}

/* Runs sql and appends column 1 (text) to field `field` of the table named
 * by column 0. */
static scout_rc gather(run *r, const char *sql, int field, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = prep(r->db, sql, &st, err);
    if (rc) return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *fq = col(st, 0), *text = col(st, 1);
        if (!*fq || !*text) continue;
        scout_buf *b = extra_field(r, fq, field);
        if (!b) {
            rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory building the search index");
            break;
        }
        if (field == F_KNOWLEDGE && b->len > 4096) continue; /* enough said */
        add_text(b, text);
    }
    if (!rc && s != SQLITE_DONE) rc = sqlerr(r->db, err, "reading the catalog");
    sqlite3_finalize(st);
    return rc;
}

/* Facts other layers keep by fqname, gathered once for all table cards. */
static scout_rc gather_extras(run *r, scout_err *err)
{
    static const struct {
        const char *sql;
        int field;
    } q[] = {
        {"SELECT fqname, text FROM caveats WHERE fqname IS NOT NULL", F_ENRICH},
        {"SELECT target, term FROM synonyms WHERE target_kind = 'table'", F_CURATED},
        {"SELECT m.table_fqname, coalesce(m.name,'') || ' ' || coalesce(m.label,'') || ' ' ||"
         " coalesce(m.description,'') FROM metrics m WHERE m.table_fqname IS NOT NULL",
         F_CURATED},
        {"SELECT m.table_fqname, s.term FROM synonyms s JOIN metrics m ON m.name = s.target"
         " WHERE s.target_kind = 'metric' AND m.table_fqname IS NOT NULL",
         F_CURATED},
        {"SELECT j.value, v.question FROM verified_queries v, json_each(v.tables) j"
         " WHERE json_valid(v.tables)",
         F_ENRICH},
        {"SELECT left_fqname, 'joins ' || right_fqname || ' on ' || left_column FROM join_keys",
         F_ENRICH},
        {"SELECT ct.fqname, coalesce(q.dashboard, '') FROM cluster_tables ct"
         " JOIN query_clusters q ON q.id = ct.cluster_id WHERE q.tier IN ('canonical','trusted')"
         " AND q.dashboard IS NOT NULL",
         F_ENRICH},
        {"SELECT m.fqname, coalesce(c.heading, '') || ' ' || c.text FROM chunk_mentions m"
         " JOIN knowledge_chunks c ON c.id = m.chunk_id WHERE c.acl_public = 1",
         F_KNOWLEDGE},
        {"SELECT DISTINCT from_fqname, to_fqname FROM lineage_edges", -1},
        {"SELECT DISTINCT to_fqname, from_fqname FROM lineage_edges", -1},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        scout_rc rc = gather(r, q[i].sql, q[i].field, err);
        if (rc) return rc;
    }
    /* Column synonyms curated as "fqname.column": the column belongs to fqname. */
    sqlite3_stmt *st;
    scout_rc rc = prep(r->db,
                       "SELECT s.target, s.term FROM synonyms s WHERE s.target_kind IN "
                       "('column','value')",
                       &st, err);
    if (rc) return rc;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char fq[512];
        scout_strlcpy(fq, col(st, 0), sizeof fq);
        char *dot = strrchr(fq, '.');
        if (!dot) continue;
        *dot = '\0';
        scout_buf *b = extra_field(r, fq, F_COLUMNS);
        if (b) add_text(b, col(st, 1));
    }
    sqlite3_finalize(st);
    return SCOUT_OK;
}

/* Pass 1: every identifier word of the catalog, so abbreviations can be learned. */
static int observe_word(void *ud, const scout_term *term)
{
    scout_synonyms_observe(ud, term->word, term->word_len);
    return 0;
}

static scout_rc learn_abbrevs(run *r, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc =
        prep(r->db, "SELECT name FROM tables UNION ALL SELECT name FROM columns", &st, err);
    if (rc) return rc;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *n = col(st, 0);
        scout_text_terms(r->t, n, strlen(n), 0, observe_word, r->syn);
    }
    sqlite3_finalize(st);
    r->st->abbreviations = scout_synonyms_learn(r->syn);
    scout_buf dump = SCOUT_BUF_INIT;
    rc = scout_synonyms_dump_learned(r->syn, &dump);
    hasher h = {SCOUT_FNV64_INIT};
    hash_str(&h, scout_buf_cstr(&dump));
    r->salt = h.h;
    if (!rc && prep(r->db, "INSERT OR REPLACE INTO search_meta (k, v) VALUES ('abbrev', ?)", &st,
                    err) == SCOUT_OK) {
        sqlite3_bind_text(st, 1, scout_buf_cstr(&dump), -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) rc = sqlerr(r->db, err, "saving abbreviations");
        sqlite3_finalize(st);
    }
    scout_buf_free(&dump);
    return rc;
}

static scout_rc load_old(run *r, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = prep(r->db, "SELECT kind, key, hash FROM search_docs", &st, err);
    if (rc) return rc;
    size_t cap = 0;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        if (r->n_old == cap) {
            cap = cap ? cap * 2 : 1024;
            char **nh = realloc(r->old_hash, cap * sizeof *nh);
            if (!nh) {
                rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory reading the search index");
                break;
            }
            r->old_hash = nh;
        }
        scout_buf_reset(&r->keybuf);
        scout_buf_printf(&r->keybuf, "%d\x1f%s", sqlite3_column_int(st, 0), col(st, 1));
        r->old_hash[r->n_old] = scout_strdup(col(st, 2));
        if (scout_strmap_put(r->old, r->keybuf.data, r->keybuf.len, (uint32_t)r->n_old))
            rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory reading the search index");
        r->n_old++;
    }
    sqlite3_finalize(st);
    r->seen = calloc(r->n_old + 1, 1);
    if (!rc && !r->seen) rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    return rc;
}

static void bind_buf(sqlite3_stmt *st, int i, const scout_buf *b)
{
    if (b->len)
        sqlite3_bind_text(st, i, b->data, (int)b->len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Hashes the document; when new or changed, tokenises and upserts it. */
static scout_rc flush_doc(run *r, doc *d, scout_err *err)
{
    hasher h = {r->salt};
    scout_buf *b[DOC_BUFS];
    size_t n = doc_bufs(d, b);
    for (size_t i = 0; i < n; i++) hash_str(&h, scout_buf_cstr(b[i]));
    char num[64];
    snprintf(num, sizeof num, "%lld/%lld/%d", (long long)d->usage, (long long)d->users,
             d->acl_public);
    hash_str(&h, num);
    char hex[20];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h.h);

    scout_buf_reset(&r->keybuf);
    scout_buf_printf(&r->keybuf, "%d\x1f%s", d->kind, scout_buf_cstr(&d->key));
    uint32_t old = scout_strmap_get(r->old, r->keybuf.data, r->keybuf.len);
    r->st->docs++;
    if (old != UINT32_MAX) {
        r->seen[old] = 1;
        if (!strcmp(r->old_hash[old], hex)) {
            r->st->unchanged++;
            return SCOUT_OK;
        }
        r->st->changed++;
    } else {
        r->st->added++;
    }
    scout_buf_reset(&r->terms);
    for (int f = 0; f < N_FIELDS; f++) {
        scout_rc rc = scout_search_stems(r->t, r->syn, scout_buf_cstr(&d->text[f]), &r->terms);
        if (!rc) rc = scout_buf_putc(&r->terms, '\n');
        if (rc) return scout_err_set(err, rc, "document %s is too large to index", d->key.data);
    }
    sqlite3_stmt *st = r->ins;
    sqlite3_reset(st);
    sqlite3_bind_int(st, 1, d->kind);
    bind_buf(st, 2, &d->key);
    bind_buf(st, 3, &d->title);
    bind_buf(st, 4, &d->snippet);
    bind_buf(st, 5, &d->uri);
    sqlite3_bind_text(st, 6, hex, -1, SQLITE_TRANSIENT);
    bind_buf(st, 7, &r->terms);
    bind_buf(st, 8, &d->trust);
    bind_buf(st, 9, &d->reason);
    bind_buf(st, 10, &d->replaced_by);
    bind_buf(st, 11, &d->layer);
    sqlite3_bind_int64(st, 12, d->usage);
    sqlite3_bind_int64(st, 13, d->users);
    bind_buf(st, 14, &d->fresh);
    sqlite3_bind_int(st, 15, d->acl_public);
    bind_buf(st, 16, &d->acl_groups);
    bind_buf(st, 17, &d->acl_users);
    bind_buf(st, 18, &d->tables);
    bind_buf(st, 19, &d->vals);
    bind_buf(st, 20, &d->scope);
    bind_buf(st, 21, &d->owner);
    bind_buf(st, 22, &d->team);
    bind_buf(st, 23, &d->status);
    if (sqlite3_step(st) != SQLITE_DONE) return sqlerr(r->db, err, "writing a document");
    return SCOUT_OK;
}

static void snippet_of(scout_buf *out, const char *text, size_t max)
{
    size_t n = strlen(text);
    if (n <= max) {
        scout_buf_puts(out, text);
        return;
    }
    /* Cut at a space and never inside a UTF-8 sequence. */
    size_t cut = max;
    while (cut > max / 2 && text[cut] != ' ') cut--;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80) cut--;
    scout_buf_append(out, text, cut);
    scout_buf_puts(out, "...");
}

/* ---- table cards ---- */

typedef struct cursor {
    sqlite3_stmt *st;
    int state; /* SQLITE_ROW while rows remain */
} cursor;

static scout_rc table_docs(run *r, scout_err *err)
{
    sqlite3_stmt *t;
    cursor c = {0}, v = {0};
    scout_rc rc = prep(r->db,
                       "SELECT id, fqname, source, schema_name, name, coalesce(description, ''),"
                       " coalesce(comment, ''), coalesce(tags, ''), coalesce(owner, ''),"
                       " coalesce(grain, ''), coalesce(filters, ''), trust,"
                       " coalesce(trust_reason, ''), coalesce(deprecated_by, ''), query_count,"
                       " user_count, coalesce(freshness, '') FROM tables ORDER BY id",
                       &t, err);
    if (!rc)
        rc = prep(r->db,
                  "SELECT table_id, name, coalesce(description, ''), coalesce(synonyms, '')"
                  " FROM columns ORDER BY table_id, ordinal",
                  &c.st, err);
    if (!rc)
        rc = prep(r->db,
                  "SELECT c.table_id, c.name, v.value FROM column_top_values v"
                  " JOIN columns c ON c.id = v.column_id ORDER BY c.table_id, c.ordinal, v.rank",
                  &v.st, err);
    if (rc) goto out;
    c.state = sqlite3_step(c.st);
    v.state = sqlite3_step(v.st);
    doc d;
    memset(&d, 0, sizeof d);
    int s;
    while (!rc && (s = sqlite3_step(t)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(t, 0);
        const char *fq = col(t, 1), *schema = col(t, 3), *name = col(t, 4);
        doc_reset(&d);
        d.kind = SCOUT_SEARCH_TABLE;
        scout_buf_puts(&d.key, fq);
        scout_buf_puts(&d.title, fq);
        const char *desc = *col(t, 5) ? col(t, 5) : col(t, 6);
        snippet_of(&d.snippet, desc, 240);
        add_text(&d.text[F_NAME], name);
        add_text(&d.text[F_CURATED], col(t, 5));
        add_text(&d.text[F_CURATED], col(t, 6));
        add_text(&d.text[F_CURATED], col(t, 7));
        add_text(&d.text[F_ENRICH], col(t, 2));
        add_text(&d.text[F_ENRICH], schema);
        add_text(&d.text[F_ENRICH], col(t, 8));
        add_text(&d.text[F_ENRICH], col(t, 9));
        add_text(&d.text[F_ENRICH], col(t, 10));
        add_text(&d.text[F_ENRICH], col(t, 12));
        scout_buf_puts(&d.trust, col(t, 11));
        scout_buf_puts(&d.reason, col(t, 12));
        scout_buf_puts(&d.replaced_by, col(t, 13));
        scout_buf_puts(&d.layer, scout_search_layer_of(schema, name));
        d.usage = sqlite3_column_int64(t, 14);
        d.users = sqlite3_column_int64(t, 15);
        scout_buf_puts(&d.fresh, col(t, 16));
        for (; c.state == SQLITE_ROW && sqlite3_column_int64(c.st, 0) <= id;
             c.state = sqlite3_step(c.st)) {
            if (sqlite3_column_int64(c.st, 0) < id) continue;
            add_text(&d.text[F_COLUMNS], col(c.st, 1));
            add_text(&d.text[F_COLUMNS], col(c.st, 2));
            add_text(&d.text[F_COLUMNS], col(c.st, 3));
        }
        for (; v.state == SQLITE_ROW && sqlite3_column_int64(v.st, 0) <= id;
             v.state = sqlite3_step(v.st)) {
            if (sqlite3_column_int64(v.st, 0) < id) continue;
            const char *val = col(v.st, 2);
            if (strlen(val) > 64) continue; /* free text, not a category */
            add_text(&d.text[F_VALUES], val);
            scout_buf_printf(&d.vals, "%s=%s\n", col(v.st, 1), val);
        }
        uint32_t x = scout_strmap_get(r->ex.map, fq, strlen(fq));
        if (x != UINT32_MAX) {
            for (int f = 0; f < N_FIELDS; f++) add_text(&d.text[f], scout_buf_cstr(&r->ex.f[x][f]));
            scout_buf_puts(&d.tables, scout_buf_cstr(&r->ex.neigh[x]));
        }
        rc = flush_doc(r, &d, err);
    }
    if (!rc && s != SQLITE_DONE) rc = sqlerr(r->db, err, "reading tables");
    doc_free(&d);
out:
    sqlite3_finalize(t);
    sqlite3_finalize(c.st);
    sqlite3_finalize(v.st);
    return rc;
}

/* ---- knowledge chunks, queries, memories ---- */

/* Runs sql (a per-row document query) and hands each row to fill. */
typedef void (*fill_fn)(doc *d, sqlite3_stmt *st);

static scout_rc row_docs(run *r, const char *sql, int kind, fill_fn fill, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = prep(r->db, sql, &st, err);
    if (rc) return rc;
    doc d;
    memset(&d, 0, sizeof d);
    int s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        doc_reset(&d);
        d.kind = kind;
        fill(&d, st);
        rc = flush_doc(r, &d, err);
    }
    if (!rc && s != SQLITE_DONE) rc = sqlerr(r->db, err, "reading the catalog");
    doc_free(&d);
    sqlite3_finalize(st);
    return rc;
}

static void fill_chunk(doc *d, sqlite3_stmt *st)
{
    scout_buf_printf(&d->key, "chunk:%lld", (long long)sqlite3_column_int64(st, 0));
    const char *title = col(st, 1), *heading = col(st, 2);
    scout_buf_puts(&d->title, *title ? title : col(st, 7));
    if (*heading && strcmp(heading, title)) scout_buf_printf(&d->title, " — %s", heading);
    snippet_of(&d->snippet, col(st, 3), 280);
    scout_buf_puts(&d->uri, col(st, 7));
    add_text(&d->text[F_NAME], title);
    add_text(&d->text[F_NAME], heading);
    add_text(&d->text[F_CURATED], col(st, 3));
    add_text(&d->text[F_ENRICH], col(st, 8));
    d->acl_public = sqlite3_column_int(st, 4);
    scout_buf_puts(&d->acl_groups, col(st, 5));
    scout_buf_puts(&d->acl_users, col(st, 6));
    scout_buf_puts(&d->tables, col(st, 9));
}

static void fill_cluster(doc *d, sqlite3_stmt *st)
{
    scout_buf_printf(&d->key, "query:%lld", (long long)sqlite3_column_int64(st, 0));
    const char *dash = col(st, 1), *sql = col(st, 2);
    scout_buf_puts(&d->title, *dash ? dash : "query");
    snippet_of(&d->snippet, sql, 400);
    add_text(&d->text[F_NAME], dash);
    add_text(&d->text[F_COLUMNS], sql);
    add_text(&d->text[F_ENRICH], col(st, 4));
    scout_buf_puts(&d->trust, col(st, 3));
    d->usage = sqlite3_column_int64(st, 5);
    d->users = sqlite3_column_int64(st, 6);
    scout_buf_puts(&d->tables, col(st, 7));
}

static void fill_verified(doc *d, sqlite3_stmt *st)
{
    scout_buf_printf(&d->key, "verified:%lld", (long long)sqlite3_column_int64(st, 0));
    scout_buf_puts(&d->title, col(st, 1));
    snippet_of(&d->snippet, col(st, 2), 400);
    add_text(&d->text[F_NAME], col(st, 1));
    add_text(&d->text[F_COLUMNS], col(st, 2));
    scout_buf_puts(&d->trust, "verified");
    scout_buf_puts(&d->owner, col(st, 3));
    scout_buf_puts(&d->tables, col(st, 4));
}

static void fill_memory(doc *d, sqlite3_stmt *st)
{
    scout_buf_printf(&d->key, "memory:%lld", (long long)sqlite3_column_int64(st, 0));
    snippet_of(&d->title, col(st, 1), 120);
    scout_buf_puts(&d->snippet, col(st, 1));
    add_text(&d->text[F_CURATED], col(st, 1));
    add_text(&d->text[F_COLUMNS], col(st, 3));
    scout_buf_puts(&d->tables, col(st, 2));
    scout_buf_puts(&d->scope, col(st, 4));
    scout_buf_puts(&d->owner, col(st, 5));
    scout_buf_puts(&d->team, col(st, 6));
    scout_buf_puts(&d->status, col(st, 7));
}

static scout_rc other_docs(run *r, scout_err *err)
{
    scout_rc rc = row_docs(
        r,
        "SELECT c.id, coalesce(d.title, ''), coalesce(c.heading, ''), c.text, c.acl_public,"
        " coalesce(c.acl_groups, ''), coalesce(c.acl_users, ''), d.uri,"
        " coalesce(d.channel, ''),"
        " (SELECT group_concat(fqname, char(10)) FROM chunk_mentions m WHERE m.chunk_id = c.id)"
        " FROM knowledge_chunks c JOIN knowledge_docs d ON d.id = c.doc_id ORDER BY c.id",
        SCOUT_SEARCH_DOC, fill_chunk, err);
    if (!rc)
        rc = row_docs(
            r,
            "SELECT q.id, coalesce(q.dashboard, ''), coalesce(q.example_sql, q.normalized_sql, ''),"
            " q.tier, coalesce(q.tier_reason, ''), q.run_count, q.user_count,"
            " (SELECT group_concat(fqname, char(10)) FROM cluster_tables t"
            "   WHERE t.cluster_id = q.id)"
            " FROM query_clusters q WHERE q.tier IN ('canonical', 'trusted') ORDER BY q.id",
            SCOUT_SEARCH_QUERY, fill_cluster, err);
    if (!rc)
        rc = row_docs(r,
                      "SELECT v.id, v.question, v.sql, coalesce(v.author, ''),"
                      " (SELECT group_concat(j.value, char(10)) FROM json_each(v.tables) j)"
                      " FROM verified_queries v WHERE json_valid(coalesce(v.tables, '[]'))"
                      " ORDER BY v.id",
                      SCOUT_SEARCH_QUERY, fill_verified, err);
    if (!rc)
        rc = row_docs(r,
                      "SELECT id, text, coalesce(fqname, ''), coalesce(column_name, ''), scope,"
                      " coalesce(owner, created_by, ''), coalesce(team, ''), status"
                      " FROM memories ORDER BY id",
                      SCOUT_SEARCH_MEMORY, fill_memory, err);
    return rc;
}

static scout_rc delete_unseen(run *r, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = prep(r->db, "DELETE FROM search_docs WHERE kind = ? AND key = ?", &st, err);
    const char *k;
    uint32_t v;
    int got;
    for (size_t i = 0; !rc && (got = scout_strmap_at(r->old, i, &k, &v)) >= 0; i++) {
        if (got == 0 || r->seen[v]) continue;
        const char *sep = strchr(k, '\x1f');
        if (!sep) continue;
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, atoi(k));
        sqlite3_bind_text(st, 2, sep + 1, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) rc = sqlerr(r->db, err, "removing a document");
        r->st->removed++;
    }
    sqlite3_finalize(st);
    return rc;
}

static void run_free(run *r)
{
    for (size_t i = 0; i < r->n_old; i++) free(r->old_hash[i]);
    free(r->old_hash);
    free(r->seen);
    scout_strmap_free(r->old);
    extras_free(&r->ex);
    sqlite3_finalize(r->ins);
    scout_buf_free(&r->terms);
    scout_buf_free(&r->keybuf);
    scout_synonyms_free(r->syn);
    scout_text_free(r->t);
}

scout_rc scout_search_index_update(scout_catalog *cat, scout_search_update_stats *stats,
                                   scout_err *err)
{
    scout_search_update_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    double t0 = scout_now_ms();
    run r;
    memset(&r, 0, sizeof r);
    r.db = scout_catalog_db(cat);
    r.st = stats;
    char *msg = NULL;
    if (sqlite3_exec(r.db, SCOUT_SEARCH_SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        scout_rc rc = scout_err_set(err, SCOUT_ESQL, "search index schema: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return rc;
    }
    scout_rc rc = scout_text_new(&r.t, err);
    if (!rc) rc = scout_synonyms_new(r.t, NULL, &r.syn, err);
    r.old = scout_strmap_new();
    r.ex.map = scout_strmap_new();
    if (!rc && (!r.old || !r.ex.map)) rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    if (!rc && sqlite3_exec(r.db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        rc = sqlerr(r.db, err, "starting the index transaction");
    if (rc) {
        run_free(&r);
        return rc;
    }
    rc = learn_abbrevs(&r, err);
    if (!rc) rc = load_old(&r, err);
    if (!rc) rc = gather_extras(&r, err);
    if (!rc)
        rc = prep(r.db,
                  "INSERT OR REPLACE INTO search_docs (kind, key, title, snippet, uri, hash,"
                  " terms, trust, reason, replaced_by, layer, usage, users, fresh, acl_public,"
                  " acl_groups, acl_users, tables, vals, scope, owner, team, status)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                  &r.ins, err);
    if (!rc) rc = table_docs(&r, err);
    if (!rc) rc = other_docs(&r, err);
    if (!rc) rc = delete_unseen(&r, err);
    if (!rc && sqlite3_exec(r.db,
                            "INSERT OR REPLACE INTO search_meta (k, v) VALUES ('built_at',"
                            " strftime('%Y-%m-%dT%H:%M:%SZ','now'));"
                            "COMMIT",
                            NULL, NULL, NULL) != SQLITE_OK)
        rc = sqlerr(r.db, err, "committing the search index");
    if (rc) sqlite3_exec(r.db, "ROLLBACK", NULL, NULL, NULL);
    run_free(&r);
    stats->elapsed_ms = scout_now_ms() - t0;
    return rc;
}
