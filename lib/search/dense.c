/* dense.c — int8 vectors for the search documents: quantisation, the
 * search_vectors side table and its incremental update, the in-memory
 * matrix and exact top-k search. */
#include "search/dense.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/hash.h"
#include "base/strmap.h"
#include "search/search_int.h"

/* One vector per search document, of one model at a time. doc_hash is the
 * search_docs.hash seen when the row was last checked (a cheap "nothing
 * changed" test); text_hash is the hash of the text that was embedded (a
 * changed document whose embedded text is the same is not re-embedded).
 * vec holds dims int8 values; the float vector is vec[i] * scale. */
#define DENSE_SCHEMA                                                                               \
    "CREATE TABLE IF NOT EXISTS search_vectors ("                                                  \
    "  kind INTEGER NOT NULL,"                                                                     \
    "  key TEXT NOT NULL,"                                                                         \
    "  model TEXT NOT NULL,"                                                                       \
    "  dims INTEGER NOT NULL,"                                                                     \
    "  doc_hash TEXT NOT NULL,"                                                                    \
    "  text_hash TEXT NOT NULL,"                                                                   \
    "  scale REAL NOT NULL,"                                                                       \
    "  vec BLOB NOT NULL,"                                                                         \
    "  PRIMARY KEY (kind, key));"

#define STRIDE_ALIGN 32 /* rows padded with zeros so the dot loop has no tail */

/* ---- quantisation ---- */

double scout_dense_normalize(float *v, size_t dims)
{
    double ss = 0;
    for (size_t i = 0; i < dims; i++) ss += (double)v[i] * v[i];
    double norm = sqrt(ss);
    if (norm == 0) return 0;
    for (size_t i = 0; i < dims; i++) v[i] = (float)(v[i] / norm);
    return norm;
}

float scout_dense_quantize(const float *v, size_t dims, int8_t *q)
{
    float mx = 0;
    for (size_t i = 0; i < dims; i++) mx = fabsf(v[i]) > mx ? fabsf(v[i]) : mx;
    if (mx == 0) {
        memset(q, 0, dims);
        return 0;
    }
    float scale = mx / 127.0f;
    for (size_t i = 0; i < dims; i++) {
        long r = lroundf(v[i] / scale);
        q[i] = (int8_t)(r > 127 ? 127 : r < -127 ? -127 : r);
    }
    return scale;
}

int32_t scout_dense_dot(const int8_t *a, const int8_t *b, size_t dims)
{
    /* Fixed-length inner blocks vectorise at -O2 (no tail inside a block);
     * widening to int32 before the multiply keeps the sum exact. */
    int32_t acc = 0;
    size_t i = 0;
    for (; i + 32 <= dims; i += 32) {
        int32_t part = 0;
        for (size_t j = 0; j < 32; j++) part += (int32_t)a[i + j] * (int32_t)b[i + j];
        acc += part;
    }
    for (; i < dims; i++) acc += (int32_t)a[i] * (int32_t)b[i];
    return acc;
}

/* ---- the text a document is embedded from ---- */

typedef struct texter {
    scout_catalog *cat;
    sqlite3_stmt *table, *cols;
} texter;

static void texter_free(texter *t)
{
    sqlite3_finalize(t->table);
    sqlite3_finalize(t->cols);
}

static const char *col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

/* "revenue_daily" → "revenue daily": models read words, not identifiers. */
static void put_spoken(scout_buf *out, const char *name)
{
    for (const char *p = name; *p; p++) scout_buf_putc(out, *p == '_' ? ' ' : *p);
}

static scout_rc table_text(texter *t, const char *fqname, scout_buf *out, scout_err *err)
{
    scout_rc rc = SCOUT_OK;
    if (!t->table)
        rc = scout_catalog_prepare(t->cat,
                                   "SELECT id, name, coalesce(description, ''),"
                                   " coalesce(comment, ''), coalesce(tags, '')"
                                   " FROM tables WHERE fqname = ?",
                                   &t->table, err);
    if (!rc && !t->cols)
        rc = scout_catalog_prepare(t->cat,
                                   "SELECT name, coalesce(description, '') FROM columns"
                                   " WHERE table_id = ? ORDER BY ordinal",
                                   &t->cols, err);
    if (rc) return rc;
    sqlite3_reset(t->table);
    sqlite3_bind_text(t->table, 1, fqname, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(t->table) != SQLITE_ROW) {
        scout_buf_puts(out, fqname); /* gone since search_docs was built: name only */
        return SCOUT_OK;
    }
    put_spoken(out, col(t->table, 1));
    scout_buf_printf(out, " (%s)\n", fqname);
    const char *desc = *col(t->table, 2) ? col(t->table, 2) : col(t->table, 3);
    if (*desc) scout_buf_printf(out, "%s\n", desc);
    if (*col(t->table, 4)) scout_buf_printf(out, "tags: %s\n", col(t->table, 4));
    sqlite3_reset(t->cols);
    sqlite3_bind_int64(t->cols, 1, sqlite3_column_int64(t->table, 0));
    for (int i = 0; sqlite3_step(t->cols) == SQLITE_ROW && out->len < SCOUT_EMBED_TEXT_MAX; i++) {
        scout_buf_puts(out, i ? ", " : "columns: ");
        put_spoken(out, col(t->cols, 0));
        if (*col(t->cols, 1)) scout_buf_printf(out, " (%s)", col(t->cols, 1));
    }
    sqlite3_reset(t->cols);
    sqlite3_reset(t->table);
    return SCOUT_OK;
}

static scout_rc doc_text(texter *t, int kind, const char *key, const char *title,
                         const char *snippet, scout_buf *out, scout_err *err)
{
    size_t start = out->len;
    scout_rc rc = SCOUT_OK;
    if (kind == SCOUT_SEARCH_TABLE) {
        rc = table_text(t, key, out, err);
    } else {
        if (title && *title) scout_buf_printf(out, "%s\n", title);
        if (snippet && *snippet && (!title || strcmp(title, snippet))) scout_buf_puts(out, snippet);
    }
    if (rc) return rc;
    if (out->len - start >= SCOUT_EMBED_TEXT_MAX) {
        /* Clip in place at a character boundary. */
        size_t n = SCOUT_EMBED_TEXT_MAX - 1;
        while (n > 0 && ((unsigned char)out->data[start + n] & 0xC0) == 0x80) n--;
        out->len = start + n;
        out->data[out->len] = '\0';
    }
    return SCOUT_OK;
}

scout_rc scout_dense_doc_text(scout_catalog *cat, int kind, const char *key, const char *title,
                              const char *snippet, scout_buf *out, scout_err *err)
{
    texter t = {cat, NULL, NULL};
    scout_rc rc = doc_text(&t, kind, key, title, snippet, out, err);
    texter_free(&t);
    return rc;
}

/* ---- incremental update ---- */

typedef struct oldvec {
    uint64_t doc_hash, text_hash;
    unsigned char seen;
} oldvec;

typedef struct pending {
    int kind;
    const char *key; /* borrowed from the docrow */
    uint64_t doc_hash, text_hash;
    char *text; /* owned; NULL for a re-hash */
} pending;

typedef struct docrow {
    int kind;
    char *key, *title, *snippet;
    uint64_t hash;
} docrow;

typedef struct urun {
    scout_catalog *cat;
    sqlite3 *db;
    const scout_embedder *e;
    const char *model;
    size_t dims, batch;
    scout_strmap *old; /* "kind\x1fkey" → index into ov */
    oldvec *ov;
    size_t n_ov, cap_ov;
    pending *p; /* texts waiting for the embedder (at most batch) */
    size_t n_p;
    pending *rh; /* documents whose embedded text is unchanged: new doc_hash only */
    size_t n_rh, cap_rh;
    float *vecs;
    int8_t *q;
    sqlite3_stmt *ins, *rehash;
    texter tx;
    scout_buf key, text;
    scout_dense_update_stats *st;
} urun;

static scout_rc nomem(scout_err *err)
{
    return scout_err_set(err, SCOUT_ENOMEM, "out of memory updating search vectors");
}

static uint64_t parse_hash(const char *hex)
{
    return hex ? strtoull(hex, NULL, 16) : 0;
}

static void put_key(urun *r, int kind, const char *key)
{
    scout_buf_reset(&r->key);
    scout_buf_printf(&r->key, "%d\x1f%s", kind, key);
}

static scout_rc load_old(urun *r, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        r->cat, "SELECT kind, key, doc_hash, text_hash FROM search_vectors", &st, err);
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        if (r->n_ov == r->cap_ov) {
            size_t nc = r->cap_ov ? r->cap_ov * 2 : 1024;
            oldvec *n = realloc(r->ov, nc * sizeof *n);
            if (!n) {
                rc = nomem(err);
                break;
            }
            r->ov = n;
            r->cap_ov = nc;
        }
        r->ov[r->n_ov] = (oldvec){parse_hash(col(st, 2)), parse_hash(col(st, 3)), 0};
        put_key(r, sqlite3_column_int(st, 0), col(st, 1));
        if (scout_strmap_put(r->old, r->key.data, r->key.len, (uint32_t)r->n_ov)) rc = nomem(err);
        r->n_ov++;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Stores the embedded batch and the queued re-hashes in one short
 * transaction; the provider call happened outside it, so other writers of
 * catalog.db are not blocked while the network is slow. */
static scout_rc write_batch(urun *r, scout_err *err)
{
    scout_rc rc = scout_catalog_exec(r->cat, "BEGIN IMMEDIATE", err);
    for (size_t i = 0; !rc && i < r->n_p; i++) {
        float *v = r->vecs + i * r->dims;
        scout_dense_normalize(v, r->dims);
        float scale = scout_dense_quantize(v, r->dims, r->q);
        char dh[20], th[20];
        snprintf(dh, sizeof dh, "%016llx", (unsigned long long)r->p[i].doc_hash);
        snprintf(th, sizeof th, "%016llx", (unsigned long long)r->p[i].text_hash);
        sqlite3_stmt *st = r->ins;
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, r->p[i].kind);
        sqlite3_bind_text(st, 2, r->p[i].key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->model, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)r->dims);
        sqlite3_bind_text(st, 5, dh, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, th, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 7, scale);
        sqlite3_bind_blob(st, 8, r->q, (int)r->dims, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = scout_catalog_sqlerr(r->cat, err, "storing a vector");
        r->st->embedded++;
    }
    for (size_t i = 0; !rc && i < r->n_rh; i++) {
        char dh[20];
        snprintf(dh, sizeof dh, "%016llx", (unsigned long long)r->rh[i].doc_hash);
        sqlite3_reset(r->rehash);
        sqlite3_bind_text(r->rehash, 1, dh, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(r->rehash, 2, r->rh[i].kind);
        sqlite3_bind_text(r->rehash, 3, r->rh[i].key, -1, SQLITE_STATIC);
        if (sqlite3_step(r->rehash) != SQLITE_DONE)
            rc = scout_catalog_sqlerr(r->cat, err, "updating a vector's hash");
        r->st->rehashed++;
    }
    if (!rc) rc = scout_catalog_exec(r->cat, "COMMIT", err);
    if (rc) scout_catalog_exec(r->cat, "ROLLBACK", NULL);
    return rc;
}

static void clear_pending(urun *r)
{
    for (size_t i = 0; i < r->n_p; i++) free(r->p[i].text);
    r->n_p = 0;
    r->n_rh = 0;
}

/* Embeds the pending texts (one or more provider calls) and stores them. */
static scout_rc flush(urun *r, scout_err *err)
{
    if (!r->n_p && !r->n_rh) return SCOUT_OK;
    scout_rc rc = SCOUT_OK;
    if (r->n_p) {
        const char **texts = malloc(r->n_p * sizeof *texts);
        if (!texts) return nomem(err);
        for (size_t i = 0; i < r->n_p; i++) texts[i] = r->p[i].text;
        double t0 = scout_now_ms();
        rc = scout_embed_texts(r->e, texts, r->n_p, r->vecs, &r->st->calls, err);
        r->st->embed_ms += scout_now_ms() - t0;
        free(texts);
        if (rc) rc = scout_err_prefix(err, "embedding search documents");
    }
    if (!rc) rc = write_batch(r, err);
    clear_pending(r);
    return rc;
}

/* One search document: skip, queue a re-hash, or queue for embedding. */
static scout_rc visit(urun *r, const docrow *d, scout_err *err)
{
    r->st->docs++;
    put_key(r, d->kind, d->key);
    uint32_t o = scout_strmap_get(r->old, r->key.data, r->key.len);
    if (o != UINT32_MAX) {
        r->ov[o].seen = 1;
        if (r->ov[o].doc_hash == d->hash) {
            r->st->unchanged++;
            return SCOUT_OK;
        }
    }
    scout_buf_reset(&r->text);
    scout_rc rc = doc_text(&r->tx, d->kind, d->key, d->title, d->snippet, &r->text, err);
    if (rc) return rc;
    uint64_t th = scout_fnv64(r->text.data ? r->text.data : "", r->text.len);
    if (o != UINT32_MAX && r->ov[o].text_hash == th) {
        if (r->n_rh == r->cap_rh) {
            size_t nc = r->cap_rh ? r->cap_rh * 2 : 256;
            pending *n = realloc(r->rh, nc * sizeof *n);
            if (!n) return nomem(err);
            r->rh = n;
            r->cap_rh = nc;
        }
        r->rh[r->n_rh++] = (pending){d->kind, d->key, d->hash, th, NULL};
        return r->n_rh >= 4096 ? flush(r, err) : SCOUT_OK;
    }
    pending *p = &r->p[r->n_p];
    *p = (pending){d->kind, d->key, d->hash, th, scout_strdup(scout_buf_cstr(&r->text))};
    if (!p->text) return nomem(err);
    return ++r->n_p == r->batch ? flush(r, err) : SCOUT_OK;
}

static void docs_free(docrow *d, size_t n)
{
    for (size_t i = 0; i < n; i++) free(d[i].key), free(d[i].title), free(d[i].snippet);
    free(d);
}

/* Reads search_docs into memory first, so no statement stays open across
 * the batches' commits. Tables need only kind, key and hash (their text
 * comes from the catalog); other kinds keep title and snippet. */
static scout_rc read_docs(urun *r, docrow **out, size_t *n_out, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        r->cat, "SELECT kind, key, hash, title, snippet FROM search_docs ORDER BY kind, id", &st,
        err);
    docrow *d = NULL;
    size_t n = 0, cap = 0;
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 1024;
            docrow *nd = realloc(d, nc * sizeof *nd);
            if (!nd) {
                rc = nomem(err);
                break;
            }
            d = nd;
            cap = nc;
        }
        docrow *x = &d[n++];
        memset(x, 0, sizeof *x);
        x->kind = sqlite3_column_int(st, 0);
        x->key = scout_strdup(col(st, 1));
        x->hash = parse_hash(col(st, 2));
        if (x->kind != SCOUT_SEARCH_TABLE) {
            x->title = scout_strdup(col(st, 3));
            x->snippet = scout_strdup(col(st, 4));
            if (!x->title || !x->snippet) rc = nomem(err);
        }
        if (!x->key) rc = nomem(err);
    }
    if (!rc && s != SQLITE_DONE) rc = scout_catalog_sqlerr(r->cat, err, "reading search_docs");
    sqlite3_finalize(st);
    *out = d;
    *n_out = n;
    return rc;
}

static scout_rc walk_docs(urun *r, scout_err *err)
{
    docrow *d = NULL;
    size_t n = 0;
    scout_rc rc = read_docs(r, &d, &n, err);
    for (size_t i = 0; !rc && i < n; i++) rc = visit(r, &d[i], err);
    if (!rc) rc = flush(r, err);
    clear_pending(r); /* pending keys point into d */
    docs_free(d, n);
    return rc;
}

static scout_rc delete_unseen(urun *r, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        r->cat, "DELETE FROM search_vectors WHERE kind = ? AND key = ?", &st, err);
    const char *k;
    uint32_t v;
    int got;
    for (size_t i = 0; !rc && (got = scout_strmap_at(r->old, i, &k, &v)) >= 0; i++) {
        if (got == 0 || r->ov[v].seen) continue;
        const char *sep = strchr(k, '\x1f');
        if (!sep) continue;
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, atoi(k));
        sqlite3_bind_text(st, 2, sep + 1, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = scout_catalog_sqlerr(r->cat, err, "removing a vector");
        r->st->removed++;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Vectors of another model or length cannot be compared with this one's. */
static scout_rc drop_other_models(urun *r, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        r->cat, "DELETE FROM search_vectors WHERE model <> ? OR dims <> ?", &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, r->model, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)r->dims);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = scout_catalog_sqlerr(r->cat, err, "dropping vectors of another model");
    else
        r->st->removed += (size_t)sqlite3_changes(r->db);
    sqlite3_finalize(st);
    return rc;
}

static scout_rc urun_init(urun *r, scout_err *err)
{
    r->old = scout_strmap_new();
    r->p = calloc(r->batch, sizeof *r->p);
    r->vecs = malloc(r->batch * r->dims * sizeof *r->vecs);
    r->q = malloc(r->dims);
    if (!r->old || !r->p || !r->vecs || !r->q) return nomem(err);
    scout_rc rc = scout_catalog_prepare(
        r->cat,
        "INSERT OR REPLACE INTO search_vectors (kind, key, model, dims, doc_hash, text_hash,"
        " scale, vec) VALUES (?,?,?,?,?,?,?,?)",
        &r->ins, err);
    if (!rc)
        rc = scout_catalog_prepare(
            r->cat, "UPDATE search_vectors SET doc_hash = ? WHERE kind = ? AND key = ?", &r->rehash,
            err);
    return rc;
}

static void urun_free(urun *r)
{
    clear_pending(r);
    free(r->p);
    free(r->rh);
    free(r->ov);
    free(r->vecs);
    free(r->q);
    scout_strmap_free(r->old);
    sqlite3_finalize(r->ins);
    sqlite3_finalize(r->rehash);
    texter_free(&r->tx);
    scout_buf_free(&r->key);
    scout_buf_free(&r->text);
}

scout_rc scout_dense_update(scout_catalog *cat, const scout_embedder *e,
                            scout_dense_update_stats *stats, scout_err *err)
{
    scout_dense_update_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    double t0 = scout_now_ms();
    scout_rc rc = scout_embed_check(e, err);
    if (rc) return rc;
    urun r;
    memset(&r, 0, sizeof r);
    r.cat = cat;
    r.db = scout_catalog_db(cat);
    r.e = e;
    r.model = scout_embed_model(e);
    r.dims = scout_embed_dims(e);
    r.batch = e->max_batch ? e->max_batch : SCOUT_EMBED_BATCH_DEFAULT;
    r.st = stats;
    r.tx.cat = cat;
    rc = scout_catalog_exec(cat, SCOUT_SEARCH_SCHEMA DENSE_SCHEMA, err);
    if (!rc) rc = urun_init(&r, err);
    if (!rc) rc = drop_other_models(&r, err);
    if (!rc) rc = load_old(&r, err);
    if (!rc) rc = walk_docs(&r, err);
    if (!rc) rc = scout_catalog_exec(cat, "BEGIN IMMEDIATE", err);
    if (!rc) {
        rc = delete_unseen(&r, err);
        if (!rc) rc = scout_catalog_exec(cat, "COMMIT", err);
        if (rc) scout_catalog_exec(cat, "ROLLBACK", NULL);
    }
    urun_free(&r);
    stats->elapsed_ms = scout_now_ms() - t0;
    return rc;
}

/* ---- the loaded matrix ---- */

struct scout_dense {
    char *model;
    size_t dims, stride, n; /* n rows = the index's documents */
    size_t rows;            /* rows holding a vector */
    int8_t *m;              /* n * stride, zero padded */
    float *scale;           /* per row; 0 = no vector */
    double load_ms;
};

void scout_dense_free(scout_dense *d)
{
    if (!d) return;
    free(d->model);
    free(d->m);
    free(d->scale);
    free(d);
}

/* "kind\x1fkey" → document index for every document of ix. */
static scout_strmap *doc_map(const sindex *ix)
{
    scout_strmap *m = scout_strmap_new_sized(ix->n_docs);
    scout_buf k = SCOUT_BUF_INIT;
    for (size_t i = 0; m && i < ix->n_docs; i++) {
        scout_buf_reset(&k);
        scout_buf_printf(&k, "%d\x1f%s", ix->docs[i].kind, ix->docs[i].key);
        if (scout_strmap_put(m, k.data, k.len, (uint32_t)i)) {
            scout_strmap_free(m);
            m = NULL;
        }
    }
    scout_buf_free(&k);
    return m;
}

static scout_rc fill_rows(scout_catalog *cat, scout_dense *d, const scout_strmap *map,
                          scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        cat, "SELECT kind, key, scale, vec FROM search_vectors WHERE model = ? AND dims = ?", &st,
        err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, d->model, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)d->dims);
    scout_buf k = SCOUT_BUF_INIT;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if ((size_t)sqlite3_column_bytes(st, 3) != d->dims) continue; /* damaged row */
        scout_buf_reset(&k);
        scout_buf_printf(&k, "%d\x1f%s", sqlite3_column_int(st, 0), col(st, 1));
        uint32_t doc = scout_strmap_get(map, k.data, k.len);
        if (doc == UINT32_MAX) continue; /* vector of a document not in this index */
        memcpy(d->m + (size_t)doc * d->stride, sqlite3_column_blob(st, 3), d->dims);
        d->scale[doc] = (float)sqlite3_column_double(st, 2);
        d->rows += d->scale[doc] > 0;
    }
    if (s != SQLITE_DONE) rc = scout_catalog_sqlerr(cat, err, "loading search vectors");
    scout_buf_free(&k);
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_dense_load(scout_catalog *cat, const struct sindex *ix, const char *model,
                          size_t dims, scout_dense **out, scout_err *err)
{
    *out = NULL;
    double t0 = scout_now_ms();
    if (!model || !*model || dims == 0 || dims > SCOUT_EMBED_DIMS_MAX)
        return scout_err_set(err, SCOUT_EUSER, "dense index: bad model or dimension");
    scout_rc rc = scout_catalog_exec(cat, DENSE_SCHEMA, err);
    if (rc) return rc;
    scout_dense *d = calloc(1, sizeof *d);
    if (!d) return nomem(err);
    d->model = scout_strdup(model);
    d->dims = dims;
    d->stride = (dims + STRIDE_ALIGN - 1) / STRIDE_ALIGN * STRIDE_ALIGN;
    d->n = ix->n_docs;
    size_t n = d->n ? d->n : 1;
    d->m = calloc(n, d->stride);
    d->scale = calloc(n, sizeof *d->scale);
    scout_strmap *map = doc_map(ix);
    if (!d->model || !d->m || !d->scale || !map)
        rc = nomem(err);
    else
        rc = fill_rows(cat, d, map, err);
    scout_strmap_free(map);
    if (rc) {
        scout_dense_free(d);
        return rc;
    }
    d->load_ms = scout_now_ms() - t0;
    *out = d;
    return SCOUT_OK;
}

void scout_dense_info_get(const scout_dense *d, scout_dense_info *out)
{
    memset(out, 0, sizeof *out);
    if (!d) return;
    out->rows = d->rows;
    out->dims = d->dims;
    out->bytes = (d->n ? d->n : 1) * (d->stride + sizeof *d->scale) + sizeof *d;
    out->load_ms = d->load_ms;
}

const char *scout_dense_model(const scout_dense *d)
{
    return d ? d->model : "";
}

/* A min-heap on sim (ties: the larger doc index is "smaller", so equal
 * similarities keep document order). */
static int worse(const scout_dense_hit *a, const scout_dense_hit *b)
{
    return a->sim < b->sim || (a->sim == b->sim && a->doc > b->doc);
}

static void sift_down(scout_dense_hit *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(&h[l], &h[m])) m = l;
        if (r < n && worse(&h[r], &h[m])) m = r;
        if (m == i) return;
        scout_dense_hit t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void sift_up(scout_dense_hit *h, size_t i)
{
    while (i > 0 && worse(&h[i], &h[(i - 1) / 2])) {
        scout_dense_hit t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static int cmp_hit(const void *a, const void *b)
{
    const scout_dense_hit *x = a, *y = b;
    return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
}

size_t scout_dense_topk(const scout_dense *d, const int8_t *q, float qscale, uint32_t lo,
                        uint32_t hi, bool (*keep)(void *ud, uint32_t doc), void *ud, size_t k,
                        scout_dense_hit *out)
{
    if (!d || !k) return 0;
    if (hi > d->n) hi = (uint32_t)d->n;
    int8_t qp[SCOUT_EMBED_DIMS_MAX + STRIDE_ALIGN];
    memset(qp, 0, d->stride);
    memcpy(qp, q, d->dims);
    size_t n = 0;
    for (uint32_t i = lo; i < hi; i++) {
        if (d->scale[i] == 0) continue;
        scout_dense_hit h = {i,
                             (float)scout_dense_dot(qp, d->m + (size_t)i * d->stride, d->stride) *
                                 qscale * d->scale[i]};
        if (n == k && !worse(&out[0], &h)) continue;
        if (keep && !keep(ud, i)) continue; /* refused: never ranked */
        if (n < k) {
            out[n] = h;
            sift_up(out, n++);
        } else {
            out[0] = h;
            sift_down(out, n, 0);
        }
    }
    qsort(out, n, sizeof *out, cmp_hit);
    return n;
}

bool scout_dense_sim(const scout_dense *d, const int8_t *q, float qscale, uint32_t doc, float *sim)
{
    if (!d || doc >= d->n || d->scale[doc] == 0) return false;
    /* The matrix rows are zero padded to the stride, the query is not: dot
     * over dims only, which is the same sum. */
    *sim =
        (float)scout_dense_dot(q, d->m + (size_t)doc * d->stride, d->dims) * qscale * d->scale[doc];
    return true;
}
