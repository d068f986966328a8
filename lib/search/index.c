/* index.c — the in-memory inverted index: loaded from search_docs into a
 * term dictionary and per-term posting lists (doc, per-field frequencies),
 * plus the static ranking signals of every document. Postings keep raw
 * per-field counts so BM25F field weights and length normalisation are
 * applied at query time and `why` can name the fields that matched. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/fsutil.h"
#include "base/strmap.h"
#include "search/search_int.h"

/* Field weights and length normalisation: a word in the table name counts
 * most, then curated text, columns, values, enrichment, knowledge. */
static const double W[N_FIELDS] = {3.0, 2.0, 1.2, 1.5, 0.8, 0.5};
static const double B[N_FIELDS] = {0.3, 0.6, 0.75, 0.5, 0.6, 0.75};

static char *dup_or_null(const unsigned char *s)
{
    return s && *s ? scout_strdup((const char *)s) : NULL;
}

static int add_posting(sindex *ix, uint32_t term, uint32_t doc, int field)
{
    plist *l = &ix->pl[term];
    if (l->n && l->p[l->n - 1].doc == doc) {
        if (l->p[l->n - 1].tf[field] < 255) l->p[l->n - 1].tf[field]++;
        return 0;
    }
    if (l->n == l->cap) {
        uint32_t nc = l->cap ? l->cap * 2 : 4;
        posting *np = realloc(l->p, (size_t)nc * sizeof *np);
        if (!np) return -1;
        l->p = np;
        l->cap = nc;
    }
    posting *p = &l->p[l->n++];
    memset(p, 0, sizeof *p);
    p->doc = doc;
    p->tf[field] = 1;
    ix->n_postings++;
    return 0;
}

static int term_id(sindex *ix, const char *s, size_t n, uint32_t *id)
{
    uint32_t *slot = scout_strmap_slot(ix->terms, s, n, UINT32_MAX);
    if (!slot) return -1;
    if (*slot == UINT32_MAX) {
        if (ix->n_terms == ix->cap_terms) {
            size_t nc = ix->cap_terms ? ix->cap_terms * 2 : 4096;
            plist *np = realloc(ix->pl, nc * sizeof *np);
            if (!np) return -1;
            memset(np + ix->cap_terms, 0, (nc - ix->cap_terms) * sizeof *np);
            ix->pl = np;
            ix->cap_terms = nc;
        }
        *slot = (uint32_t)ix->n_terms++;
    }
    *id = *slot;
    return 0;
}

/* Adds the stems of one document ("field0 stems\nfield1 stems\n..."). */
static int add_terms(sindex *ix, uint32_t doc, const char *terms)
{
    sdoc *d = &ix->docs[doc];
    int field = 0;
    const char *p = terms;
    while (*p && field < N_FIELDS) {
        if (*p == '\n') {
            field++;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t n = strcspn(p, " \n");
        uint32_t id;
        if (term_id(ix, p, n, &id) || add_posting(ix, id, doc, field)) return -1;
        if (d->len[field] < UINT16_MAX) d->len[field]++;
        p += n;
    }
    return 0;
}

static uint8_t trust_of(const char *t)
{
    if (!t) return TRUST_NORMAL;
    if (!strcmp(t, "source_of_truth")) return TRUST_SOT;
    if (!strcmp(t, "deprecated")) return TRUST_DEPRECATED;
    if (!strcmp(t, "canonical")) return TRUST_CANONICAL;
    if (!strcmp(t, "verified")) return TRUST_VERIFIED;
    return TRUST_NORMAL;
}

static uint8_t layer_of(const char *l)
{
    static const char *const names[] = {"", "mart", "staging", "raw", "sandbox", "archive"};
    for (uint8_t i = 1; l && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(l, names[i])) return i;
    return LAYER_NONE;
}

/* Days since 1970-01-01 of a "YYYY-MM-DD..." prefix, or -1. */
static long day_number(const char *s)
{
    int y, m, d;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) return -1;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The better of two same-named tables: trusted, not a copy, a mart, used. */
static int rank_key(const sdoc *d)
{
    static const int layer_rank[] = {3, 4, 2, 1, 0, 0};
    int t = d->trust == TRUST_SOT ? 3 : d->trust == TRUST_DEPRECATED ? 0 : 2;
    return t * 100 + (d->copy ? 0 : 50) + layer_rank[d->layer] * 10 + (d->usage > 0);
}

/* Only a doubtful table (deprecated, a copy, sandbox or archive) or one in
 * the shadow of a source of truth is called a lookalike; raw and staging
 * tables of the same name are different steps of a pipeline, not copies. */
static int doubtful(const sdoc *d, const sdoc *best)
{
    return d->trust == TRUST_DEPRECATED || d->copy || d->layer == LAYER_SANDBOX ||
           d->layer == LAYER_ARCHIVE || best->trust == TRUST_SOT;
}

/* ASCII case-insensitive substring search. */
static int has_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n)) return 1;
    return 0;
}

static int fq_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
}

/* A description that says the table replicates another catalogued one
 * ("Replica of product.raw.subscriptions (synced nightly)") names the
 * original: the copy is the second choice wherever both match. */
static int32_t replica_of(const sindex *ix, const sdoc *d, uint32_t self)
{
    static const char *const says[] = {"replica", "copy of", "mirror of", "synced from",
                                       "cloned from"};
    const char *s = d->snippet;
    int said = 0;
    for (size_t i = 0; s && i < sizeof says / sizeof says[0]; i++) said |= has_ci(s, says[i]);
    while (said && *s) {
        size_t n = 0;
        while (fq_char(s[n])) n++;
        size_t m = n; /* a sentence's full stop is not part of the name */
        while (m && s[m - 1] == '.') m--;
        uint32_t t = m && memchr(s, '.', m) ? scout_strmap_get(ix->tables, s, m) : UINT32_MAX;
        if (t != UINT32_MAX && t != self) return (int32_t)t;
        s += n ? n : 1;
    }
    return -1;
}

static void link_tables(sindex *ix)
{
    scout_strmap *base = scout_strmap_new(), *exact = scout_strmap_new();
    for (uint32_t i = 0; i < ix->n_docs; i++) {
        sdoc *d = &ix->docs[i];
        d->replaced_by = d->lookalike_of = d->twin = d->replica_of = -1;
        if (d->kind != SCOUT_SEARCH_TABLE) continue;
        d->replica_of = replica_of(ix, d, i);
        if (d->replaced_name) {
            uint32_t r = scout_strmap_get(ix->tables, d->replaced_name, strlen(d->replaced_name));
            if (r != UINT32_MAX && r != i) d->replaced_by = (int32_t)r;
        }
        if (!base || !exact) continue;
        const char *dot = strrchr(d->key, '.');
        const char *nm = dot ? dot + 1 : d->key;
        uint32_t *tw = scout_strmap_slot(exact, nm, strlen(nm), i);
        if (tw && *tw != i) {
            d->twin = (int32_t)*tw;
            if (ix->docs[*tw].twin < 0) ix->docs[*tw].twin = (int32_t)i;
        }
        char b[256];
        scout_search_base_name(dot ? dot + 1 : d->key, b, sizeof b);
        uint32_t *slot = scout_strmap_slot(base, b, strlen(b), i);
        if (slot && *slot != i && rank_key(&ix->docs[*slot]) < rank_key(d)) *slot = i;
    }
    for (uint32_t i = 0; base && exact && i < ix->n_docs; i++) {
        sdoc *d = &ix->docs[i];
        if (d->kind != SCOUT_SEARCH_TABLE) continue;
        const char *dot = strrchr(d->key, '.');
        char b[256];
        scout_search_base_name(dot ? dot + 1 : d->key, b, sizeof b);
        uint32_t best = scout_strmap_get(base, b, strlen(b));
        if (best != UINT32_MAX && best != i && rank_key(&ix->docs[best]) > rank_key(d) &&
            doubtful(d, &ix->docs[best]))
            d->lookalike_of = (int32_t)best;
    }
    scout_strmap_free(base);
    scout_strmap_free(exact);
}

/* The static part of ranking, folded into one factor per document. */
static void compute_priors(sindex *ix)
{
    long newest = -1;
    for (size_t i = 0; i < ix->n_docs; i++) {
        long dn = day_number(ix->docs[i].fresh);
        if (dn > newest) newest = dn;
    }
    for (size_t i = 0; i < ix->n_docs; i++) {
        sdoc *d = &ix->docs[i];
        double p = 1.0;
        if (d->trust == TRUST_SOT || d->trust == TRUST_CANONICAL || d->trust == TRUST_VERIFIED)
            p *= 1.3;
        if (d->trust == TRUST_DEPRECATED) p *= 0.3;
        static const double layer_f[] = {1.0, 1.0, 0.8, 0.75, 0.6, 0.6};
        double lf = layer_f[d->layer];
        if (d->copy && lf > 0.6) lf = 0.6;
        p *= lf;
        if (d->replica_of >= 0) p *= 0.85;
        double u = 1.0 + 0.05 * log1p((double)d->usage) + 0.05 * log1p((double)d->users);
        p *= u > 1.4 ? 1.4 : u;
        long dn = day_number(d->fresh);
        d->stale = dn >= 0 && newest >= 0 && newest - dn > 60;
        if (d->stale) p *= 0.85;
        d->prior = (float)p;
    }
}

static void compute_avglen(sindex *ix)
{
    double sum[SCOUT_SEARCH_KIND_COUNT][N_FIELDS] = {{0}};
    for (size_t i = 0; i < ix->n_docs; i++)
        for (int f = 0; f < N_FIELDS; f++) sum[ix->docs[i].kind][f] += ix->docs[i].len[f];
    for (int k = 0; k < SCOUT_SEARCH_KIND_COUNT; k++)
        for (int f = 0; f < N_FIELDS; f++) {
            double a = ix->n_kind[k] ? sum[k][f] / (double)ix->n_kind[k] : 1.0;
            ix->avglen[k][f] = (float)(a > 0.5 ? a : 0.5);
        }
    for (size_t i = 0; i < ix->n_docs; i++) {
        sdoc *d = &ix->docs[i];
        for (int f = 0; f < N_FIELDS; f++)
            d->nrm[f] = (float)(W[f] / (1.0 - B[f] + B[f] * d->len[f] / ix->avglen[d->kind][f]));
    }
}

scout_rc scout_sindex_load(sqlite3 *db, sindex *ix, scout_err *err)
{
    double t0 = scout_now_ms();
    ix->terms = scout_strmap_new();
    ix->tables = scout_strmap_new();
    if (!ix->terms || !ix->tables)
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory loading the search index");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT kind, key, title, snippet, uri, terms, trust, reason,"
                           " replaced_by, layer, usage, users, fresh, acl_public, acl_groups,"
                           " acl_users, tables, vals, scope, owner, team, status,"
                           " (SELECT count(*) FROM search_docs)"
                           " FROM search_docs ORDER BY kind, id",
                           -1, &st, NULL) != SQLITE_OK)
        return scout_err_set(err, SCOUT_ESQL, "loading the search index: %s", sqlite3_errmsg(db));
    scout_rc rc = SCOUT_OK;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        if (!ix->docs) {
            size_t total = (size_t)sqlite3_column_int64(st, 22);
            ix->docs = calloc(total ? total : 1, sizeof *ix->docs);
            if (!ix->docs) {
                rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory loading the search index");
                break;
            }
        }
        uint32_t i = (uint32_t)ix->n_docs;
        sdoc *d = &ix->docs[i];
        int kind = sqlite3_column_int(st, 0);
        if (kind < 0 || kind >= SCOUT_SEARCH_KIND_COUNT) continue;
        d->kind = (uint8_t)kind;
        d->key = dup_or_null(sqlite3_column_text(st, 1));
        if (!d->key) continue;
        ix->n_docs++;
        ix->n_kind[kind]++;
        d->title = dup_or_null(sqlite3_column_text(st, 2));
        d->snippet = dup_or_null(sqlite3_column_text(st, 3));
        d->uri = dup_or_null(sqlite3_column_text(st, 4));
        d->trust = trust_of((const char *)sqlite3_column_text(st, 6));
        d->reason = dup_or_null(sqlite3_column_text(st, 7));
        d->replaced_name = dup_or_null(sqlite3_column_text(st, 8));
        d->layer = layer_of((const char *)sqlite3_column_text(st, 9));
        d->usage = sqlite3_column_int64(st, 10);
        d->users = sqlite3_column_int64(st, 11);
        d->fresh = dup_or_null(sqlite3_column_text(st, 12));
        d->acl_public = (uint8_t)(sqlite3_column_int(st, 13) != 0);
        d->acl_groups = dup_or_null(sqlite3_column_text(st, 14));
        d->acl_users = dup_or_null(sqlite3_column_text(st, 15));
        d->tables = dup_or_null(sqlite3_column_text(st, 16));
        d->vals = dup_or_null(sqlite3_column_text(st, 17));
        d->scope = dup_or_null(sqlite3_column_text(st, 18));
        d->owner = dup_or_null(sqlite3_column_text(st, 19));
        d->team = dup_or_null(sqlite3_column_text(st, 20));
        d->status = dup_or_null(sqlite3_column_text(st, 21));
        if (kind == SCOUT_SEARCH_TABLE) {
            const char *dot = strrchr(d->key, '.');
            d->copy = (uint8_t)scout_search_name_is_copy(dot ? dot + 1 : d->key);
            if (scout_strmap_put(ix->tables, d->key, strlen(d->key), i))
                rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory loading the search index");
        }
        const char *terms = (const char *)sqlite3_column_text(st, 5);
        if (!rc && terms && add_terms(ix, i, terms))
            rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory loading the search index");
    }
    sqlite3_finalize(st);
    if (rc) return rc;
    link_tables(ix);
    compute_priors(ix);
    compute_avglen(ix);
    ix->load_ms = scout_now_ms() - t0;
    return SCOUT_OK;
}

void scout_sindex_free(sindex *ix)
{
    for (size_t i = 0; i < ix->n_docs; i++) {
        sdoc *d = &ix->docs[i];
        char *s[] = {d->key,       d->title,         d->snippet, d->uri,  d->reason,
                     d->fresh,     d->replaced_name, d->tables,  d->vals, d->acl_groups,
                     d->acl_users, d->scope,         d->owner,   d->team, d->status};
        for (size_t j = 0; j < sizeof s / sizeof s[0]; j++) free(s[j]);
    }
    free(ix->docs);
    for (size_t i = 0; i < ix->n_terms; i++) free(ix->pl[i].p);
    free(ix->pl);
    scout_strmap_free(ix->terms);
    scout_strmap_free(ix->tables);
    memset(ix, 0, sizeof *ix);
}

size_t scout_sindex_bytes(const sindex *ix)
{
    size_t b = ix->n_docs * sizeof(sdoc) + ix->cap_terms * sizeof(plist);
    for (size_t i = 0; i < ix->n_terms; i++) b += ix->pl[i].cap * sizeof(posting);
    if (ix->terms) b += scout_strmap_bytes(ix->terms);
    if (ix->tables) b += scout_strmap_bytes(ix->tables);
    return b;
}

const posting *scout_sindex_find(const sindex *ix, uint32_t term, uint32_t doc)
{
    const plist *l = &ix->pl[term];
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->p[mid].doc < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && l->p[lo].doc == doc ? &l->p[lo] : NULL;
}

double scout_sindex_tfn(const sindex *ix, const posting *p)
{
    const float *nrm = ix->docs[p->doc].nrm;
    double t = 0;
    for (int f = 0; f < N_FIELDS; f++) t += p->tf[f] * nrm[f];
    return t;
}

double scout_sindex_idf(const sindex *ix, uint32_t term)
{
    double n = (double)ix->n_docs, df = ix->pl[term].n;
    return log(1.0 + (n - df + 0.5) / (df + 0.5));
}
