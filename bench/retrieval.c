/* retrieval — does scout find the right table among 70,000? Generates a
 * synthetic catalog (bench/common/retrieval_gen.c: departments, product
 * lines, raw → staging → mart pipelines, deprecated and sandbox lookalikes)
 * with questions phrased the way people ask, then measures, in the same
 * run and over the same card facts (name, description, columns, column
 * descriptions, top values):
 *   scout — lib/search (BM25F + normalisation + synonyms + signals),
 *   fts5  — plain SQLite FTS5 BM25 (porter unicode61), question words OR'ed.
 * recall@1/5/10, MRR, p50/p99 query latency, index build time, index size
 * and peak RSS, each phase in its own process. Writes
 * bench/out/retrieval.json. SCOUT_BENCH_TABLES, SCOUT_BENCH_QUESTIONS and
 * SCOUT_BENCH_SEED override 70000, 1200 and 42.
 *
 * SCOUT_BENCH_DENSE=DIMS adds a dense run: vectors from a hashed bag of
 * words (no model — labelled so in the JSON), to measure what dense costs
 * (update time, bytes, load, int8 exact-search and fused-query latency at
 * this scale). Its recall says nothing about semantic quality. */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "common/benchutil.h"
#include "common/retrieval_gen.h"
#include "base/hash.h"
#include "search/dense.h"
#include "search/search.h"
#include "search/search_int.h"

typedef struct ctx {
    char dir[256], cat[300], fts[300], qfile[300];
    uint64_t seed;
    size_t tables, questions;
    size_t dense_dims; /* 0 = no dense run */
} ctx;

#define DENSE_LABEL "hashed-bow (no model)"

/* ---- the hashed bag-of-words embedder (no model; cost only) ---- */

static scout_rc hb_embed(void *ud, const char *const *texts, size_t n, float *out, size_t dims,
                         scout_err *err)
{
    (void)ud;
    (void)err;
    memset(out, 0, n * dims * sizeof *out);
    for (size_t t = 0; t < n; t++) {
        float *v = out + t * dims;
        char w[64];
        size_t len = 0;
        for (const char *p = texts[t];; p++) {
            if (isalnum((unsigned char)*p)) {
                if (len < sizeof w - 1) w[len++] = (char)tolower((unsigned char)*p);
                continue;
            }
            if (len) {
                uint64_t h = scout_fnv64(w, len);
                v[h % dims] += (h >> 40) & 1 ? 1.0f : -1.0f;
                len = 0;
            }
            if (!*p) break;
        }
        v[0] += 0.01f;
    }
    return SCOUT_OK;
}

static size_t hb_dims(void *ud)
{
    return *(const size_t *)ud;
}

static const char *hb_model(void *ud)
{
    (void)ud;
    return "hashed-bow";
}

static const scout_embedder_ops HB_OPS = {hb_embed, hb_dims, hb_model};

static int write_json(const char *dir, const char *name, json_t *o)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = json_dump_file(o, path, JSON_COMPACT);
    json_decref(o);
    return rc ? 1 : 0;
}

static json_t *read_json(const char *dir, const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return json_load_file(path, 0, NULL);
}

/* ---- phase: generate ---- */

static int phase_generate(void *arg)
{
    ctx *c = arg;
    rgen_question *qs = NULL;
    rgen_stats st;
    if (rgen_build(c->cat, c->seed, c->tables, c->questions, &qs, &st)) return 1;
    json_t *arr = json_array();
    for (size_t i = 0; i < st.questions; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "q", qs[i].text, "a", qs[i].answer,
                                             "style", qs[i].style));
    free(qs);
    json_t *o = json_pack("{s:I, s:I, s:I, s:o}", "tables", (json_int_t)st.tables, "columns",
                          (json_int_t)st.columns, "top_values", (json_int_t)st.top_values,
                          "questions", arr);
    return write_json(c->dir, "questions.json", o);
}

/* ---- metrics ---- */

typedef struct metrics {
    size_t n, r1, r5, r10;
    double mrr;
    double *lat;
    json_t *by_style; /* style → [n, r5] */
} metrics;

static void record(metrics *m, const char *style, int rank, double ms)
{
    m->lat[m->n++] = ms;
    if (rank >= 1) {
        m->mrr += 1.0 / rank;
        m->r1 += rank <= 1;
        m->r5 += rank <= 5;
        m->r10 += rank <= 10;
    }
    json_t *s = json_object_get(m->by_style, style);
    if (!s) {
        s = json_pack("{s:i, s:i}", "n", 0, "hit_at_5", 0);
        json_object_set_new(m->by_style, style, s);
    }
    json_object_set_new(s, "n", json_integer(json_integer_value(json_object_get(s, "n")) + 1));
    if (rank >= 1 && rank <= 5)
        json_object_set_new(s, "hit_at_5",
                            json_integer(json_integer_value(json_object_get(s, "hit_at_5")) + 1));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static json_t *metrics_json(metrics *m)
{
    qsort(m->lat, m->n, sizeof *m->lat, cmp_double);
    double n = m->n ? (double)m->n : 1;
    size_t i50 = m->n ? (m->n - 1) / 2 : 0, i99 = m->n ? (size_t)ceil(0.99 * (double)m->n) - 1 : 0;
    const char *k;
    json_t *v;
    json_object_foreach(m->by_style, k, v)
    {
        double sn = (double)json_integer_value(json_object_get(v, "n"));
        double h = (double)json_integer_value(json_object_get(v, "hit_at_5"));
        json_object_set_new(v, "recall_at_5", json_real(sn ? h / sn : 0));
    }
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:O}", "recall_at_1", m->r1 / n, "recall_at_5",
                     m->r5 / n, "recall_at_10", m->r10 / n, "mrr", m->mrr / n, "p50_ms",
                     m->n ? m->lat[i50] : 0, "p99_ms", m->n ? m->lat[i99] : 0, "by_style",
                     m->by_style);
}

/* ---- phase: scout build and queries ---- */

static int64_t db_bytes(sqlite3 *db)
{
    sqlite3_stmt *st;
    int64_t pages = 0, size = 0;
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, "SELECT * FROM pragma_page_count, pragma_page_size", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        pages = sqlite3_column_int64(st, 0);
        size = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return pages * size;
}

static int phase_scout_build(void *arg)
{
    ctx *c = arg;
    scout_catalog *cat = NULL;
    scout_err err = {0};
    scout_search_update_stats st;
    sqlite3 *raw = NULL;
    if (sqlite3_open(c->cat, &raw) != SQLITE_OK) return 1;
    int64_t before = db_bytes(raw);
    double t0 = bench_now_s();
    int rc = scout_catalog_open(c->cat, &cat, &err) || scout_search_index_update(cat, &st, &err);
    double build_s = bench_now_s() - t0;
    scout_catalog_close(cat);
    if (rc) {
        fprintf(stderr, "retrieval: scout index: %s\n", err.msg);
        sqlite3_close(raw);
        return 1;
    }
    int64_t after = db_bytes(raw);
    sqlite3_close(raw);
    return write_json(c->dir, "scout_build.json",
                      json_pack("{s:f, s:I, s:I, s:I}", "build_s", build_s, "index_bytes",
                                (json_int_t)(after - before), "docs", (json_int_t)st.docs,
                                "abbreviations", (json_int_t)st.abbreviations));
}

static int rank_of(const scout_search_results *r, const char *answer)
{
    for (size_t i = 0; i < scout_search_results_count(r); i++)
        if (!strcmp(scout_search_results_hit(r, i)->key, answer)) return (int)i + 1;
    return 0;
}

static int phase_scout_query(void *arg)
{
    ctx *c = arg;
    json_t *qf = read_json(c->dir, "questions.json");
    json_t *qs = json_object_get(qf, "questions");
    scout_catalog *cat = NULL;
    scout_search *s = NULL;
    scout_err err = {0};
    double t0 = bench_now_s();
    if (scout_catalog_open(c->cat, &cat, &err) || scout_search_open(cat, &s, &err)) {
        fprintf(stderr, "retrieval: scout open: %s\n", err.msg);
        return 1;
    }
    double load_s = bench_now_s() - t0;
    metrics m = {0};
    m.lat = calloc(json_array_size(qs) + 1, sizeof *m.lat);
    m.by_style = json_object();
    size_t i;
    json_t *q;
    scout_search_opts o = {.kinds = 1u << SCOUT_SEARCH_TABLE, .k = 10};
    json_array_foreach(qs, i, q)
    {
        scout_search_results *r = NULL;
        double q0 = bench_now_s();
        scout_rc rc =
            scout_search_query(s, json_string_value(json_object_get(q, "q")), &o, &r, &err);
        double ms = (bench_now_s() - q0) * 1000;
        int rank = rc ? 0 : rank_of(r, json_string_value(json_object_get(q, "a")));
        if (getenv("SCOUT_BENCH_MISSES") && rank != 1)
            fprintf(stderr, "miss(%d) %s -> %s | got %s\n", rank,
                    json_string_value(json_object_get(q, "q")),
                    json_string_value(json_object_get(q, "a")),
                    r && scout_search_results_count(r) ? scout_search_results_hit(r, 0)->key : "-");
        record(&m, json_string_value(json_object_get(q, "style")), rank, ms);
        scout_search_results_free(r);
    }
    scout_search_info info;
    scout_search_info_get(s, &info);
    json_t *o2 = metrics_json(&m);
    json_object_set_new(o2, "load_s", json_real(load_s));
    json_object_set_new(o2, "memory_index_bytes", json_integer((json_int_t)info.memory_bytes));
    scout_search_close(s);
    scout_catalog_close(cat);
    free(m.lat);
    json_decref(qf);
    return write_json(c->dir, "scout_query.json", o2);
}

/* ---- phase: FTS5 baseline ---- */

static int phase_fts_build(void *arg)
{
    ctx *c = arg;
    sqlite3 *db;
    if (sqlite3_open(c->fts, &db) != SQLITE_OK) return 1;
    char attach[400];
    snprintf(attach, sizeof attach, "ATTACH '%s' AS cat", c->cat);
    double t0 = bench_now_s();
    char *msg = NULL;
    int rc = sqlite3_exec(db, attach, NULL, NULL, &msg) ||
             sqlite3_exec(
                 db,
                 "CREATE VIRTUAL TABLE cards USING fts5(fqname UNINDEXED, body,"
                 " tokenize = 'porter unicode61');"
                 "BEGIN;"
                 "INSERT INTO cards SELECT t.fqname, t.fqname || ' ' || coalesce(t.description, '')"
                 " || ' ' || coalesce((SELECT group_concat(c.name || ' ' || coalesce(c.description,"
                 " ''), ' ') FROM cat.columns c WHERE c.table_id = t.id), '') || ' ' ||"
                 " coalesce((SELECT group_concat(v.value, ' ') FROM cat.column_top_values v"
                 " JOIN cat.columns c ON c.id = v.column_id WHERE c.table_id = t.id), '')"
                 " FROM cat.tables t;"
                 "COMMIT;"
                 "INSERT INTO cards(cards) VALUES ('optimize');",
                 NULL, NULL, &msg);
    double build_s = bench_now_s() - t0;
    sqlite3_close(db);
    if (rc) {
        fprintf(stderr, "retrieval: fts5 build: %s\n", msg ? msg : "?");
        return 1;
    }
    struct stat sb;
    int64_t size = stat(c->fts, &sb) == 0 ? (int64_t)sb.st_size : 0;
    return write_json(c->dir, "fts_build.json",
                      json_pack("{s:f, s:I}", "build_s", build_s, "index_bytes", (json_int_t)size));
}

/* The question's words, each quoted, OR'ed: what a plain FTS5 search does. */
static void fts_query(const char *q, char *out, size_t n)
{
    size_t o = 0;
    out[0] = '\0';
    while (*q) {
        while (*q &&
               !((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9')))
            q++;
        size_t len = 0;
        while ((q[len] >= 'a' && q[len] <= 'z') || (q[len] >= 'A' && q[len] <= 'Z') ||
               (q[len] >= '0' && q[len] <= '9'))
            len++;
        if (!len) break;
        int w = snprintf(out + o, n - o, "%s\"%.*s\"", o ? " OR " : "", (int)len, q);
        if (w < 0 || (size_t)w >= n - o) break;
        o += (size_t)w;
        q += len;
    }
}

static int phase_fts_query(void *arg)
{
    ctx *c = arg;
    json_t *qf = read_json(c->dir, "questions.json");
    json_t *qs = json_object_get(qf, "questions");
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(c->fts, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT fqname FROM cards WHERE cards MATCH ? ORDER BY rank LIMIT 10",
                           -1, &st, NULL) != SQLITE_OK)
        return 1;
    metrics m = {0};
    m.lat = calloc(json_array_size(qs) + 1, sizeof *m.lat);
    m.by_style = json_object();
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        char expr[2048];
        fts_query(json_string_value(json_object_get(q, "q")), expr, sizeof expr);
        const char *ans = json_string_value(json_object_get(q, "a"));
        double q0 = bench_now_s();
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
        int rank = 0, pos = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            pos++;
            if (!rank && !strcmp((const char *)sqlite3_column_text(st, 0), ans)) rank = pos;
        }
        record(&m, json_string_value(json_object_get(q, "style")), rank,
               (bench_now_s() - q0) * 1000);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(m.lat);
    json_decref(qf);
    return write_json(c->dir, "fts_query.json", metrics_json(&m));
}

/* ---- phase: dense (optional) ---- */

static int phase_dense_build(void *arg)
{
    ctx *c = arg;
    scout_catalog *cat = NULL;
    scout_err err = {0};
    scout_embedder e = {&HB_OPS, &c->dense_dims, 256};
    scout_dense_update_stats st;
    sqlite3 *raw = NULL;
    if (sqlite3_open(c->cat, &raw) != SQLITE_OK) return 1;
    int64_t before = db_bytes(raw);
    double t0 = bench_now_s();
    int rc = scout_catalog_open(c->cat, &cat, &err) || scout_dense_update(cat, &e, &st, &err);
    double build_s = bench_now_s() - t0;
    scout_catalog_close(cat);
    int64_t after = db_bytes(raw);
    sqlite3_close(raw);
    if (rc) {
        fprintf(stderr, "retrieval: dense update: %s\n", err.msg);
        return 1;
    }
    return write_json(c->dir, "dense_build.json",
                      json_pack("{s:f, s:f, s:I, s:I, s:I}", "build_s", build_s, "embed_s",
                                st.embed_ms / 1000, "index_bytes", (json_int_t)(after - before),
                                "embedded", (json_int_t)st.embedded, "embed_calls",
                                (json_int_t)st.calls));
}

static double pct(double *v, size_t n, double p)
{
    if (!n) return 0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t i = (size_t)ceil(p * (double)n);
    return v[i ? i - 1 : 0];
}

/* The int8 exact scan alone, over every table, top 50: what dense adds to
 * a query besides the provider call. */
static int dense_scan(ctx *c, scout_catalog *cat, json_t *qs, json_t *out)
{
    sindex ix;
    memset(&ix, 0, sizeof ix);
    scout_err err = {0};
    scout_dense *d = NULL;
    if (scout_sindex_load(scout_catalog_db(cat), &ix, &err) ||
        scout_dense_load(cat, &ix, "hashed-bow", c->dense_dims, &d, &err)) {
        fprintf(stderr, "retrieval: dense load: %s\n", err.msg);
        return 1;
    }
    scout_embedder e = {&HB_OPS, &c->dense_dims, 0};
    size_t n = json_array_size(qs);
    double *lat = calloc(n + 1, sizeof *lat);
    float *v = malloc(c->dense_dims * sizeof *v);
    int8_t *q = malloc(c->dense_dims);
    scout_dense_hit hits[50];
    for (size_t i = 0; lat && v && q && i < n; i++) {
        const char *text = json_string_value(json_object_get(json_array_get(qs, i), "q"));
        scout_embed_texts(&e, &text, 1, v, NULL, &err);
        scout_dense_normalize(v, c->dense_dims);
        float qs_ = scout_dense_quantize(v, c->dense_dims, q);
        double t0 = bench_now_s();
        scout_dense_topk(d, q, qs_, 0, (uint32_t)ix.n_kind[SCOUT_SEARCH_TABLE], NULL, NULL, 50,
                         hits);
        lat[i] = (bench_now_s() - t0) * 1000;
    }
    scout_dense_info di;
    scout_dense_info_get(d, &di);
    json_object_set_new(out, "vectors", json_integer((json_int_t)di.rows));
    json_object_set_new(out, "dims", json_integer((json_int_t)di.dims));
    json_object_set_new(out, "memory_bytes", json_integer((json_int_t)di.bytes));
    json_object_set_new(out, "load_ms", json_real(di.load_ms));
    json_object_set_new(out, "scan_p50_ms", json_real(pct(lat, n, 0.5)));
    json_object_set_new(out, "scan_p99_ms", json_real(pct(lat, n, 0.99)));
    free(lat);
    free(v);
    free(q);
    scout_dense_free(d);
    scout_sindex_free(&ix);
    return 0;
}

static int phase_dense_query(void *arg)
{
    ctx *c = arg;
    json_t *qf = read_json(c->dir, "questions.json");
    json_t *qs = json_object_get(qf, "questions");
    scout_catalog *cat = NULL;
    scout_search *s = NULL;
    scout_err err = {0};
    if (scout_catalog_open(c->cat, &cat, &err) || scout_search_open(cat, &s, &err)) {
        fprintf(stderr, "retrieval: dense open: %s\n", err.msg);
        return 1;
    }
    json_t *out = json_object();
    if (dense_scan(c, cat, qs, out)) return 1;
    metrics m = {0};
    m.lat = calloc(json_array_size(qs) + 1, sizeof *m.lat);
    m.by_style = json_object();
    scout_embedder e = {&HB_OPS, &c->dense_dims, 0};
    scout_search_opts o = {.kinds = 1u << SCOUT_SEARCH_TABLE, .k = 10, .embedder = &e};
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        scout_search_results *r = NULL;
        double q0 = bench_now_s();
        scout_rc rc =
            scout_search_query(s, json_string_value(json_object_get(q, "q")), &o, &r, &err);
        double ms = (bench_now_s() - q0) * 1000;
        int rank = rc ? 0 : rank_of(r, json_string_value(json_object_get(q, "a")));
        record(&m, json_string_value(json_object_get(q, "style")), rank, ms);
        scout_search_results_free(r);
    }
    json_t *fm = metrics_json(&m);
    json_object_set_new(out, "fused", fm);
    scout_search_close(s);
    scout_catalog_close(cat);
    free(m.lat);
    json_decref(qf);
    return write_json(c->dir, "dense_query.json", out);
}

/* ---- main ---- */

static json_t *engine(json_t *build, json_t *query, int64_t rss_b, int64_t rss_q)
{
    json_t *o = json_deep_copy(query);
    json_object_set(o, "build_s", json_object_get(build, "build_s"));
    json_object_set(o, "index_bytes", json_object_get(build, "index_bytes"));
    json_object_set_new(o, "peak_rss_bytes", json_integer(rss_b > rss_q ? rss_b : rss_q));
    return o;
}

static size_t env_size(const char *name, size_t def)
{
    const char *v = getenv(name);
    return v && atol(v) > 0 ? (size_t)atol(v) : def;
}

int main(int argc, char **argv)
{
    const char *out_dir = argc > 1 ? argv[1] : "bench/out";
    ctx c;
    memset(&c, 0, sizeof c);
    c.tables = env_size("SCOUT_BENCH_TABLES", 70000);
    c.questions = env_size("SCOUT_BENCH_QUESTIONS", 1200);
    c.seed = env_size("SCOUT_BENCH_SEED", 42);
    c.dense_dims = env_size("SCOUT_BENCH_DENSE", 0);
    if (c.dense_dims > SCOUT_EMBED_DIMS_MAX) c.dense_dims = SCOUT_EMBED_DIMS_MAX;
    char tmpl[] = "/tmp/scout-retrieval-XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    snprintf(c.dir, sizeof c.dir, "%s", tmpl);
    snprintf(c.cat, sizeof c.cat, "%s/catalog.db", c.dir);
    snprintf(c.fts, sizeof c.fts, "%s/fts.db", c.dir);

    double gen_s, sb_s, sq_s, fb_s, fq_s;
    int64_t gen_rss, sb_rss, sq_rss, fb_rss, fq_rss;
    if (bench_run_child(phase_generate, &c, &gen_s, &gen_rss)) return 1;
    if (bench_run_child(phase_scout_build, &c, &sb_s, &sb_rss)) return 1;
    if (bench_run_child(phase_scout_query, &c, &sq_s, &sq_rss)) return 1;
    if (bench_run_child(phase_fts_build, &c, &fb_s, &fb_rss)) return 1;
    if (bench_run_child(phase_fts_query, &c, &fq_s, &fq_rss)) return 1;

    json_t *gen = read_json(c.dir, "questions.json"), *sb = read_json(c.dir, "scout_build.json"),
           *sq = read_json(c.dir, "scout_query.json"), *fb = read_json(c.dir, "fts_build.json"),
           *fq = read_json(c.dir, "fts_query.json");
    if (!gen || !sb || !sq || !fb || !fq) return 1;
    json_t *o = json_pack(
        "{s:O, s:I, s:o, s:o, s:I, s:I, s:f, s:I, s:O}", "tables", json_object_get(gen, "tables"),
        "questions", (json_int_t)json_array_size(json_object_get(gen, "questions")), "scout",
        engine(sb, sq, sb_rss, sq_rss), "fts5", engine(fb, fq, fb_rss, fq_rss), "seed",
        (json_int_t)c.seed, "columns",
        (json_int_t)json_integer_value(json_object_get(gen, "columns")), "generate_s", gen_s,
        "generate_peak_rss_bytes", (json_int_t)gen_rss, "scout_docs", json_object_get(sb, "docs"));
    if (c.dense_dims) {
        double db_s, dq_s;
        int64_t db_rss, dq_rss;
        json_t *dense = NULL;
        if (!bench_run_child(phase_dense_build, &c, &db_s, &db_rss) &&
            !bench_run_child(phase_dense_query, &c, &dq_s, &dq_rss)) {
            json_t *dbj = read_json(c.dir, "dense_build.json");
            dense = read_json(c.dir, "dense_query.json");
            if (dense && dbj) {
                json_object_update(dense, dbj);
                json_object_set_new(dense, "dense_embedder", json_string(DENSE_LABEL));
                json_object_set_new(dense, "note",
                                    json_string("cost only: a hashed bag of words is not a "
                                                "model; its recall says nothing about "
                                                "semantic quality"));
                json_object_set_new(dense, "peak_rss_bytes",
                                    json_integer(db_rss > dq_rss ? db_rss : dq_rss));
            }
            json_decref(dbj);
        }
        if (dense) json_object_set_new(o, "dense", dense);
    }
    json_decref(gen);
    json_decref(sb);
    json_decref(sq);
    json_decref(fb);
    json_decref(fq);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", c.dir);
    if (!getenv("SCOUT_BENCH_KEEP") && system(cmd) != 0)
        fprintf(stderr, "retrieval: could not remove %s\n", c.dir);
    else if (getenv("SCOUT_BENCH_KEEP"))
        fprintf(stderr, "retrieval: kept %s\n", c.dir);
    return bench_write(out_dir, "retrieval", o);
}
