/* Dense retrieval: int8 quantisation bounds, exact search against brute
 * force, incremental re-embedding by content hash (provider calls counted),
 * reciprocal-rank fusion lifting a document lexical search ranks low,
 * permission pruning inside the dense ranking, and no change at all to
 * lexical results without an embedder. Uses test-only embedders: a hashed
 * bag of words with a few "concepts" (standing in for what a real model
 * knows and the lexical index does not), and a pseudo-random one for
 * nearest-neighbour checks. No model is involved. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "catalog/catalog.h"
#include "search/dense.h"
#include "search/search.h"
#include "search/search_int.h"
#include "support/proc.h"

/* ---- test embedders ---- */

typedef struct temb {
    const char *model;
    size_t dims;
    size_t calls, texts;
    int fail;     /* every call fails */
    int random;   /* pseudo-random unit vector per text instead of words */
    int constant; /* the same vector for every text: a model that sees no difference */
} temb;

/* Words a real model would relate and the lexical index does not. */
static const char *concept_of(const char *w)
{
    static const char *const map[][2] = {{"zorblax", "churn"},       {"cancelled", "churn"},
                                         {"cancellations", "churn"}, {"cancellation", "churn"},
                                         {"monthly", "month"},       {"months", "month"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(w, map[i][0])) return map[i][1];
    return w;
}

static void bow(const char *text, float *v, size_t dims)
{
    char w[64];
    size_t n = 0;
    for (const char *p = text;; p++) {
        if (isalnum((unsigned char)*p)) {
            if (n < sizeof w - 1) w[n++] = (char)tolower((unsigned char)*p);
            continue;
        }
        if (n) {
            w[n] = '\0';
            const char *c = concept_of(w);
            uint64_t h = scout_fnv64(c, strlen(c));
            v[h % dims] += (h >> 40) & 1 ? 1.0f : -1.0f;
            n = 0;
        }
        if (!*p) break;
    }
    v[0] += 0.01f; /* never all zeros */
}

static void rnd(const char *text, float *v, size_t dims)
{
    uint64_t s = scout_fnv64(text, strlen(text)) | 1;
    for (size_t i = 0; i < dims; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        v[i] = (float)((double)(s >> 11) / 9007199254740992.0 - 0.5);
    }
}

static scout_rc t_embed(void *ud, const char *const *texts, size_t n, float *out, size_t dims,
                        scout_err *err)
{
    temb *t = ud;
    t->calls++;
    if (t->fail) return scout_err_set(err, SCOUT_EIO, "embeddings endpoint unreachable (test)");
    t->texts += n;
    memset(out, 0, n * dims * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (t->constant)
            for (size_t d = 0; d < dims; d++) out[i * dims + d] = d % 2 ? 0.5f : -0.25f;
        else
            (t->random ? rnd : bow)(texts[i], out + i * dims, dims);
    }
    return SCOUT_OK;
}

static size_t t_dims(void *ud)
{
    return ((temb *)ud)->dims;
}

static const char *t_model(void *ud)
{
    return ((temb *)ud)->model;
}

static const scout_embedder_ops T_OPS = {t_embed, t_dims, t_model};

/* ---- a small catalog written directly ---- */

static char *g_dir;
static scout_catalog *g_cat;

static const char *const FILLERS[] = {"orders",   "revenue", "signups",   "refunds",
                                      "sessions", "tickets", "shipments", "invoices",
                                      "payments", "visits",  "leads",     "trials"};
#define TARGET "wh.mart.subscriber_cancellations"

static void exec(const char *sql)
{
    scout_err err = {0};
    cr_assert_eq(scout_catalog_exec(g_cat, sql, &err), SCOUT_OK, "%s: %s", sql, err.msg);
}

static void add_table(int id, const char *name, const char *desc, const char *const *cols,
                      size_t ncols)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO tables (id, fqname, source_id, source, schema_name, name, description)"
             " VALUES (%d, 'wh.mart.%s', 1, 'wh', 'mart', '%s', '%s')",
             id, name, name, desc);
    exec(sql);
    for (size_t i = 0; i < ncols; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO columns (table_id, ordinal, name, type) VALUES (%d, %zu, '%s', "
                 "'text')",
                 id, i, cols[i]);
        exec(sql);
    }
}

static void setup(void)
{
    g_dir = test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/catalog.db", g_dir);
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(path, &g_cat, &err), SCOUT_OK, "%s", err.msg);
    exec("INSERT INTO sources (id, name, kind) VALUES (1, 'wh', 'sqlite')");
    int id = 1;
    for (size_t i = 0; i < sizeof FILLERS / sizeof FILLERS[0]; i++) {
        char name[64], desc[128], count[64];
        snprintf(name, sizeof name, "%s_monthly", FILLERS[i]);
        snprintf(desc, sizeof desc, "%s per month", FILLERS[i]);
        snprintf(count, sizeof count, "%s_count", FILLERS[i]);
        const char *cols[] = {"month", count, "region"};
        add_table(id++, name, desc, cols, 3);
    }
    const char *tcols[] = {"month", "cancelled_accounts", "plan"};
    add_table(id++, "subscriber_cancellations",
              "accounts that cancelled their subscription, by month", tcols, 3);
    const char *icols[] = {"sku", "warehouse", "on_hand"};
    add_table(id++, "warehouse_inventory", "stock on hand per warehouse and sku", icols, 3);
    const char *ucols[] = {"user_id", "email", "created_at"};
    add_table(id++, "users", "one row per registered user", ucols, 3);
    scout_search_update_stats st;
    cr_assert_eq(scout_search_index_update(g_cat, &st, &err), SCOUT_OK, "%s", err.msg);
}

static void teardown(void)
{
    scout_catalog_close(g_cat);
    test_rmdir(g_dir);
    free(g_dir);
}

static scout_embedder embedder(temb *t)
{
    return (scout_embedder){&T_OPS, t, 4};
}

static void dense_update(temb *t, scout_dense_update_stats *st)
{
    scout_embedder e = embedder(t);
    scout_err err = {0};
    cr_assert_eq(scout_dense_update(g_cat, &e, st, &err), SCOUT_OK, "%s", err.msg);
}

static scout_search_results *query(scout_search *s, const char *q, const scout_embedder *e,
                                   const scout_search_policy *pol, size_t k)
{
    scout_search_opts o = {.k = k, .policy = pol, .embedder = e};
    scout_search_results *r = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_search_query(s, q, &o, &r, &err), SCOUT_OK, "'%s': %s", q, err.msg);
    return r;
}

static int rank_of(const scout_search_results *r, const char *key)
{
    for (size_t i = 0; i < scout_search_results_count(r); i++)
        if (!strcmp(scout_search_results_hit(r, i)->key, key)) return (int)i + 1;
    return 0;
}

TestSuite(dense, .init = setup, .fini = teardown, .timeout = 60);

/* ---- quantisation ---- */

static void random_unit(uint64_t *s, float *v, size_t dims)
{
    for (size_t i = 0; i < dims; i++) {
        *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
        v[i] = (float)((double)(*s >> 11) / 9007199254740992.0 - 0.5);
    }
    scout_dense_normalize(v, dims);
}

Test(dense, quantisation_error_is_within_half_a_step_and_cosines_stay_close)
{
    enum { D = 384, N = 200 };
    static float a[N][D];
    static int8_t q[N][D];
    float scale[N];
    uint64_t s = 12345;
    for (int i = 0; i < N; i++) {
        random_unit(&s, a[i], D);
        scale[i] = scout_dense_quantize(a[i], D, q[i]);
        cr_assert(scale[i] > 0 && scale[i] <= 1.0f / 127 + 1e-7f, "scale %g", scale[i]);
        for (int j = 0; j < D; j++)
            cr_assert_leq(fabsf(a[i][j] - q[i][j] * scale[i]), scale[i] / 2 + 1e-6f,
                          "component %d of vector %d", j, i);
    }
    double worst = 0, sum = 0;
    for (int i = 0; i + 1 < N; i++) {
        double exact = 0;
        for (int j = 0; j < D; j++) exact += (double)a[i][j] * a[i + 1][j];
        double approx = scout_dense_dot(q[i], q[i + 1], D) * (double)scale[i] * scale[i + 1];
        /* |a·b − a'·b'| <= |e_a| + |e_b| + |e_a||e_b|, |e| <= sqrt(D)·scale/2. */
        double ea = sqrt(D) * scale[i] / 2, eb = sqrt(D) * scale[i + 1] / 2;
        double err = fabs(exact - approx);
        cr_assert_leq(err, ea + eb + ea * eb, "pair %d: %g", i, err);
        worst = err > worst ? err : worst;
        sum += err;
    }
    cr_assert_lt(sum / (N - 1), 0.005, "mean cosine error %g", sum / (N - 1));
    cr_assert_lt(worst, 0.02, "worst cosine error %g", worst);
    /* A zero vector stays zero and says so. */
    float z[8] = {0};
    int8_t zq[8];
    cr_assert_eq(scout_dense_normalize(z, 8), 0);
    cr_assert_eq(scout_dense_quantize(z, 8, zq), 0);
    /* The dot product is exact int32 arithmetic at the extremes. */
    static int8_t m[SCOUT_EMBED_DIMS_MAX], n[SCOUT_EMBED_DIMS_MAX];
    memset(m, 127, sizeof m);
    memset(n, -127, sizeof n);
    cr_assert_eq(scout_dense_dot(m, n, SCOUT_EMBED_DIMS_MAX), -127 * 127 * SCOUT_EMBED_DIMS_MAX);
    cr_assert_eq(scout_dense_dot(m, n, 33), -127 * 127 * 33); /* a tail after a block */
}

/* ---- exact search ---- */

static bool refuse_even(void *ud, uint32_t doc)
{
    (void)ud;
    return doc % 2 == 1;
}

Test(dense, exact_search_returns_the_true_nearest_neighbours)
{
    temb t = {"random-test", 96, 0, 0, 0, 1, 0};
    scout_dense_update_stats st;
    dense_update(&t, &st);
    sindex ix;
    memset(&ix, 0, sizeof ix);
    scout_err err = {0};
    cr_assert_eq(scout_sindex_load(scout_catalog_db(g_cat), &ix, &err), SCOUT_OK, "%s", err.msg);
    scout_dense *d = NULL;
    cr_assert_eq(scout_dense_load(g_cat, &ix, "random-test", 96, &d, &err), SCOUT_OK, "%s",
                 err.msg);
    scout_dense_info di;
    scout_dense_info_get(d, &di);
    cr_assert_eq(di.rows, ix.n_docs);
    /* Float vectors of every document, as the embedder gives them. */
    float *fv = calloc(ix.n_docs * 96, sizeof *fv);
    for (size_t i = 0; i < ix.n_docs; i++) {
        scout_buf b = SCOUT_BUF_INIT;
        cr_assert_eq(scout_dense_doc_text(g_cat, ix.docs[i].kind, ix.docs[i].key, ix.docs[i].title,
                                          ix.docs[i].snippet, &b, &err),
                     SCOUT_OK);
        rnd(scout_buf_cstr(&b), fv + i * 96, 96);
        scout_dense_normalize(fv + i * 96, 96);
        scout_buf_free(&b);
    }
    uint64_t s = 99;
    for (int trial = 0; trial < 20; trial++) {
        float qv[96];
        int8_t q[96];
        random_unit(&s, qv, 96);
        float qs = scout_dense_quantize(qv, 96, q);
        scout_dense_hit hits[5];
        size_t n = scout_dense_topk(d, q, qs, 0, (uint32_t)ix.n_docs, NULL, NULL, 5, hits);
        cr_assert_eq(n, 5);
        /* Brute force over the same int8 vectors: the identical top 5, in order. */
        int used[64] = {0};
        for (size_t r = 0; r < 5; r++) {
            int best = -1;
            double bs = -2;
            for (size_t i = 0; i < ix.n_docs && i < 64; i++) {
                int8_t dq[96];
                float ds = scout_dense_quantize(fv + i * 96, 96, dq);
                double sim = (double)scout_dense_dot(q, dq, 96) * qs * ds;
                if (!used[i] && sim > bs) bs = sim, best = (int)i;
            }
            used[best] = 1;
            cr_assert_eq(hits[r].doc, (uint32_t)best, "trial %d rank %zu: %u vs %d", trial, r,
                         hits[r].doc, best);
        }
        /* Against float cosines: a neighbour may only trade places with one
         * whose similarity is within the quantisation error. */
        double fsim[64], sorted[64];
        for (size_t i = 0; i < ix.n_docs && i < 64; i++) {
            fsim[i] = 0;
            for (int j = 0; j < 96; j++) fsim[i] += (double)qv[j] * fv[i * 96 + j];
            sorted[i] = fsim[i];
        }
        for (size_t i = 0; i < ix.n_docs; i++)
            for (size_t j = i + 1; j < ix.n_docs; j++)
                if (sorted[j] > sorted[i]) {
                    double x = sorted[i];
                    sorted[i] = sorted[j];
                    sorted[j] = x;
                }
        for (size_t r = 0; r < 5; r++) {
            cr_assert_geq(fsim[hits[r].doc], sorted[r] - 0.02, "trial %d rank %zu", trial, r);
            cr_assert_lt(fabs(hits[r].sim - fsim[hits[r].doc]), 0.02);
        }
        /* A refused document never takes a place: only odd docs come back. */
        n = scout_dense_topk(d, q, qs, 0, (uint32_t)ix.n_docs, refuse_even, NULL, 5, hits);
        for (size_t r = 0; r < n; r++) cr_assert_eq(hits[r].doc % 2, 1);
    }
    free(fv);
    scout_dense_free(d);
    scout_sindex_free(&ix);
}

/* ---- incremental updates ---- */

Test(dense, only_changed_documents_are_re_embedded)
{
    temb t = {"bow-test", 256, 0, 0, 0, 0, 0};
    scout_dense_update_stats st;
    dense_update(&t, &st);
    cr_assert_eq(st.docs, 15);
    cr_assert_eq(st.embedded, 15);
    cr_assert_eq(t.texts, 15);
    cr_assert_eq(st.calls, 4); /* batches of 4 */
    cr_assert_eq(t.calls, 4);

    /* Nothing changed: no provider call at all. */
    t.calls = t.texts = 0;
    dense_update(&t, &st);
    cr_assert_eq(t.calls, 0);
    cr_assert_eq(st.unchanged, 15);

    /* A curator rewrites one description: exactly one text is re-embedded. */
    exec("UPDATE tables SET description = 'people who stopped paying' WHERE fqname = '" TARGET "'");
    scout_err err = {0};
    scout_search_update_stats ss;
    cr_assert_eq(scout_search_index_update(g_cat, &ss, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(ss.changed, 1);
    dense_update(&t, &st);
    cr_assert_eq(t.texts, 1);
    cr_assert_eq(t.calls, 1);
    cr_assert_eq(st.embedded, 1);
    cr_assert_eq(st.unchanged, 14);

    /* Usage counts change the search document but not the embedded text. */
    t.calls = t.texts = 0;
    exec("UPDATE tables SET query_count = 42 WHERE name = 'users'");
    cr_assert_eq(scout_search_index_update(g_cat, &ss, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(ss.changed, 1);
    dense_update(&t, &st);
    cr_assert_eq(t.calls, 0);
    cr_assert_eq(st.rehashed, 1);

    /* A dropped table loses its vector. */
    exec("DELETE FROM columns WHERE table_id = (SELECT id FROM tables WHERE name = 'users');"
         "DELETE FROM tables WHERE name = 'users'");
    cr_assert_eq(scout_search_index_update(g_cat, &ss, &err), SCOUT_OK, "%s", err.msg);
    dense_update(&t, &st);
    cr_assert_eq(st.removed, 1);
    cr_assert_eq(t.calls, 0);

    /* Another model: every vector is replaced, never mixed. */
    temb t2 = {"bow-test-2", 128, 0, 0, 0, 0, 0};
    dense_update(&t2, &st);
    cr_assert_eq(st.removed, 14);
    cr_assert_eq(t2.texts, 14);
    sqlite3_stmt *q;
    cr_assert_eq(scout_catalog_prepare(g_cat,
                                       "SELECT count(*), count(DISTINCT model), min(length(vec))"
                                       " FROM search_vectors",
                                       &q, &err),
                 SCOUT_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(q, 0), 14);
    cr_assert_eq(sqlite3_column_int(q, 1), 1);
    cr_assert_eq(sqlite3_column_int(q, 2), 128);
    sqlite3_finalize(q);
}

/* ---- fusion ---- */

Test(dense, fusion_lifts_a_document_lexical_search_ranks_low)
{
    temb t = {"bow-test", 256, 0, 0, 0, 0, 0};
    scout_dense_update_stats st;
    dense_update(&t, &st);
    scout_search *s = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_search_open(g_cat, &s, &err), SCOUT_OK, "%s", err.msg);
    scout_embedder e = embedder(&t);
    const char *question = "zorblax per month";

    scout_search_results *lex = query(s, question, NULL, NULL, 20);
    int lrank = rank_of(lex, TARGET);
    /* Lexical alone leaves it off the first page. */
    cr_assert(lrank == 0 || lrank > 10, "lexical alone should rank it low: %d", lrank);
    cr_assert_null(scout_search_results_dense(lex));
    scout_search_results_free(lex);

    t.calls = 0;
    scout_search_results *fused = query(s, question, &e, NULL, 20);
    cr_assert_eq(t.calls, 1, "one provider call per question");
    int frank = rank_of(fused, TARGET);
    /* Dense rank 1 lifts it onto the first page (RRF with k=60 cannot put a
     * lexical #13 above every document both rankings like; it need not). */
    cr_assert(frank >= 1 && frank <= 10 && (lrank == 0 || frank < lrank),
              "fused rank %d (lexical %d)", frank, lrank);
    const scout_search_hit *h = scout_search_results_hit(fused, (size_t)frank - 1);
    bool says_dense = false, says_rank1 = false, says_fused = false;
    for (size_t i = 0; i < h->n_why; i++) {
        says_dense |= strstr(h->why[i], "dense similarity 0.") != NULL;
        says_rank1 |= strstr(h->why[i], ", rank 1") != NULL;
        says_fused |= strstr(h->why[i], "reciprocal-rank fusion") != NULL;
    }
    cr_assert(says_dense && says_rank1 && says_fused, "why must name the dense part");
    /* Lexical reasons survive fusion for the lexical hits. */
    const scout_search_hit *top = scout_search_results_hit(fused, 0);
    bool term_why = false;
    for (size_t i = 0; i < top->n_why; i++) term_why |= strstr(top->why[i], "'month'") != NULL;
    cr_assert(term_why || !strcmp(top->key, TARGET), "top hit %s lost its lexical why", top->key);
    cr_assert(strstr(scout_search_results_dense(fused), "model bow-test, 256 dims"));
    json_t *j = scout_search_results_json(fused);
    cr_assert_not_null(json_object_get(j, "dense"));
    json_decref(j);
    scout_search_results_free(fused);
    scout_search_close(s);
}

static bool hide_target(void *ud, const char *fq)
{
    (*(int *)ud)++;
    return strcmp(fq, TARGET) != 0;
}

/* Every lexical candidate gets its true dense rank, and equal similarities
 * share one: an embedder that cannot tell the documents apart leaves the
 * lexical order as it was (before, a document missing from the dense list,
 * or ranked later among equals, was overtaken). */
Test(dense, an_uninformative_model_leaves_the_lexical_order_alone)
{
    temb t = {"const-test", 64, 0, 0, 0, 0, 1};
    scout_dense_update_stats st;
    dense_update(&t, &st);
    scout_search *s = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_search_open(g_cat, &s, &err), SCOUT_OK, "%s", err.msg);
    scout_embedder e = embedder(&t);
    const char *question = "refunds and payments per month by region";
    scout_search_results *lex = query(s, question, NULL, NULL, 8);
    scout_search_results *fused = query(s, question, &e, NULL, 8);
    cr_assert_not_null(scout_search_results_dense(fused));
    size_t n = scout_search_results_count(lex);
    cr_assert_geq(n, 5, "the question should match several tables");
    for (size_t i = 0; i < n && i < scout_search_results_count(fused); i++)
        cr_assert_str_eq(scout_search_results_hit(fused, i)->key,
                         scout_search_results_hit(lex, i)->key, "rank %zu changed", i + 1);
    scout_search_results_free(lex);
    scout_search_results_free(fused);
    scout_search_close(s);
}

Test(dense, pruned_tables_never_enter_the_dense_ranking)
{
    temb t = {"bow-test", 256, 0, 0, 0, 0, 0};
    scout_dense_update_stats st;
    dense_update(&t, &st);
    scout_search *s = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_search_open(g_cat, &s, &err), SCOUT_OK, "%s", err.msg);
    scout_embedder e = embedder(&t);
    int asked = 0;
    scout_search_policy pol = {&asked, hide_target, NULL};
    const char *qs[] = {"zorblax per month", "subscriber cancellations", "cancelled accounts"};
    for (size_t qi = 0; qi < sizeof qs / sizeof qs[0]; qi++) {
        scout_search_results *r = query(s, qs[qi], &e, &pol, 20);
        bool dense_rank1 = false;
        for (size_t i = 0; i < scout_search_results_count(r); i++) {
            const scout_search_hit *h = scout_search_results_hit(r, i);
            cr_assert_str_neq(h->key, TARGET, "'%s': a hidden table came back", qs[qi]);
            for (size_t w = 0; w < h->n_why; w++) {
                cr_assert_null(strstr(h->why[w], "subscriber_cancellations"));
                dense_rank1 |=
                    strstr(h->why[w], "dense similarity") && strstr(h->why[w], ", rank 1") != NULL;
            }
        }
        /* The hidden table would be the dense #1; rank 1 went to a readable one. */
        cr_assert(dense_rank1, "'%s': dense rank 1 must be held by a readable table", qs[qi]);
        scout_search_results_free(r);
    }
    cr_assert_gt(asked, 0);
    scout_search_close(s);
}

/* ---- no embedder, or a failing one: lexical results, unchanged ---- */

static char *results_text(scout_search *s, const char *q, const scout_embedder *e)
{
    scout_search_results *r = query(s, q, e, NULL, 10);
    json_t *j = scout_search_results_json(r);
    json_object_del(j, "dense");
    char *txt = json_dumps(j, JSON_SORT_KEYS);
    json_decref(j);
    scout_search_results_free(r);
    return txt;
}

Test(dense, without_an_embedder_results_are_the_lexical_results)
{
    const char *qs[] = {"zorblax per month", "orders per month", "stock on hand", "users email"};
    enum { NQ = sizeof qs / sizeof qs[0] };
    scout_err err = {0};
    /* Before any vector exists. */
    scout_search *s0 = NULL;
    cr_assert_eq(scout_search_open(g_cat, &s0, &err), SCOUT_OK, "%s", err.msg);
    char *before[NQ];
    for (size_t i = 0; i < NQ; i++) before[i] = results_text(s0, qs[i], NULL);
    scout_search_close(s0);

    temb t = {"bow-test", 256, 0, 0, 0, 0, 0};
    scout_dense_update_stats st;
    dense_update(&t, &st);
    scout_search *s = NULL;
    cr_assert_eq(scout_search_open(g_cat, &s, &err), SCOUT_OK, "%s", err.msg);
    scout_embedder e = embedder(&t);
    temb broken = {"bow-test", 256, 0, 0, 1, 0, 0};
    scout_embedder eb = embedder(&broken);
    for (size_t i = 0; i < NQ; i++) {
        scout_search_results_free(query(s, qs[i], &e, NULL, 10)); /* dense loaded and used */
        char *after = results_text(s, qs[i], NULL);
        cr_assert_str_eq(after, before[i], "'%s' changed without an embedder", qs[i]);
        /* A provider failing at question time degrades to the same lexical results. */
        char *failed = results_text(s, qs[i], &eb);
        cr_assert_str_eq(failed, before[i], "'%s' with a failing provider", qs[i]);
        free(after);
        free(failed);
        free(before[i]);
    }
    scout_search_results *r = query(s, qs[0], &eb, NULL, 10);
    cr_assert(strstr(scout_search_results_dense(r), "off: embeddings endpoint unreachable"), "%s",
              scout_search_results_dense(r));
    scout_search_results_free(r);
    /* An embedder whose model has no stored vectors says so and stays lexical. */
    temb other = {"never-indexed", 256, 0, 0, 0, 0, 0};
    scout_embedder eo = embedder(&other);
    r = query(s, qs[0], &eo, NULL, 10);
    cr_assert(strstr(scout_search_results_dense(r), "no vectors stored for model never-indexed"));
    scout_search_results_free(r);
    scout_search_close(s);
}
