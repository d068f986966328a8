/* search — finds the right table (and the docs, canonical queries and
 * memories about it) for a question, among tens of thousands. Hybrid
 * ranking over an index built from the table cards: BM25F over weighted
 * fields (name > curated description > columns > top values > enrichment >
 * knowledge mentions) with identifier splitting, stemming, abbreviations and
 * synonyms; then signals: trust tier, copies/lookalikes, staging layers,
 * query-history usage, freshness, lineage proximity and memory. Candidates
 * the asker may not read are pruned *before* ranking through one policy
 * hook. Every hit says why it ranked: terms, fields, signals, caveats.
 *
 * The index is persisted in catalog.db (tables search_docs, search_meta),
 * updated incrementally by scout_search_index_update after `scout index`,
 * and loaded into memory by scout_search_open. Optional dense vectors
 * (search/dense.h, search_vectors) are fused in by reciprocal rank when the
 * caller passes an embedder in the options. */
#ifndef SCOUT_SEARCH_H
#define SCOUT_SEARCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "catalog/catalog.h"
#include "search/embed.h"

typedef enum scout_search_kind {
    SCOUT_SEARCH_TABLE = 0, /* table cards */
    SCOUT_SEARCH_DOC,       /* knowledge chunks (docs, Slack) */
    SCOUT_SEARCH_QUERY,     /* canonical/trusted query clusters and verified queries */
    SCOUT_SEARCH_MEMORY,    /* memories (layer 5) */
    SCOUT_SEARCH_KIND_COUNT
} scout_search_kind;

#define SCOUT_SEARCH_KINDS_ALL ((1u << SCOUT_SEARCH_KIND_COUNT) - 1)

/* "tables", "docs", "queries", "memory". */
const char *scout_search_kind_name(scout_search_kind k);

/* Parses "tables|docs|queries|memory|all" into a kind mask. */
scout_rc scout_search_kinds_parse(const char *s, unsigned *mask, scout_err *err);

/* ---- permissions: the one hook ---- */

/* A knowledge chunk's ACL as the knowledge layer stores it. groups and users
 * are JSON arrays of strings (or NULL). Borrowed. */
typedef struct scout_search_acl {
    bool is_public;
    const char *groups_json;
    const char *users_json;
} scout_search_acl;

/* What the asker may see. Search calls it for every candidate before it is
 * scored; anything refused never appears — not as a hit, not in a `why`, not
 * as a replacement or lookalike name. Either function may be NULL:
 *   can_read_table NULL → every table is readable;
 *   can_read_chunk NULL → the chunk's ACL is checked against opts.who
 *                         (public, or who is admin / listed / in a group).
 * Chunks, queries and memories that name a table the asker may not read are
 * hidden too, so a hidden table's docs and queries never leak it. The
 * guardrails module provides the real policy; tests use a stub. */
typedef struct scout_search_policy {
    void *ud;
    bool (*can_read_table)(void *ud, const char *fqname);
    bool (*can_read_chunk)(void *ud, const scout_search_acl *acl);
} scout_search_policy;

/* True when who may read a chunk with acl (the default chunk check). */
bool scout_search_acl_allows(const scout_search_acl *acl, const scout_principal *who);

/* ---- the index ---- */

typedef struct scout_search_update_stats {
    size_t docs;          /* documents in the index after the update */
    size_t added;         /* new documents */
    size_t changed;       /* re-tokenised because their card changed */
    size_t unchanged;     /* skipped: same content hash */
    size_t removed;       /* gone from the catalog */
    size_t abbreviations; /* learned from the catalog's identifiers */
    double elapsed_ms;
} scout_search_update_stats;

/* Brings the persisted index in line with the catalog: every table card,
 * knowledge chunk, query cluster, verified query and memory. Incremental:
 * documents whose content hash is unchanged are not re-tokenised; removed
 * ones are deleted. One transaction. stats may be NULL. `scout index` calls
 * it after the layers. */
scout_rc scout_search_index_update(scout_catalog *cat, scout_search_update_stats *stats,
                                   scout_err *err);

typedef struct scout_search scout_search;

/* Loads the persisted index into memory (building it first when the catalog
 * has never been indexed for search). The catalog is borrowed and must
 * outlive the handle. Free with scout_search_close. */
scout_rc scout_search_open(scout_catalog *cat, scout_search **out, scout_err *err);
void scout_search_close(scout_search *s);

/* Size facts of a loaded index. */
typedef struct scout_search_info {
    size_t docs, terms, postings;
    size_t memory_bytes;
    double load_ms;
    /* Dense vectors, once a query with an embedder has loaded them (else 0). */
    size_t dense_vectors, dense_dims, dense_bytes;
    double dense_load_ms;
} scout_search_info;

void scout_search_info_get(const scout_search *s, scout_search_info *out);

/* ---- querying ---- */

#define SCOUT_SEARCH_QUESTION_MAX 4096 /* bytes */
#define SCOUT_SEARCH_K_MAX        100

typedef struct scout_search_opts {
    unsigned kinds;                    /* mask of 1u << kind; 0 = tables only */
    size_t k;                          /* hits wanted; 0 = 10; at most SCOUT_SEARCH_K_MAX */
    const scout_principal *who;        /* the asker; NULL = anonymous (public docs only) */
    const scout_search_policy *policy; /* NULL = default policy (see above) */
    /* Dense retrieval: NULL = lexical only (the default, and identical to a
     * search without this field). With an embedder, the question is embedded
     * (one provider call), the stored vectors of the embedder's model
     * (scout_dense_update, loaded on first use) are searched exactly among
     * the documents the policy allows, and the two rankings are fused by
     * reciprocal rank (k = 60). If the provider fails or no vectors are
     * stored, the search stays lexical and scout_search_results_dense says
     * why. Borrowed for the call. */
    const scout_embedder *embedder;
} scout_search_opts;

typedef struct scout_search_hit {
    scout_search_kind kind;
    const char
        *key; /* tables: fqname; others: "chunk:ID", "query:ID", "verified:ID", "memory:ID" */
    const char *title;   /* fqname, doc title/heading, dashboard or question, memory text */
    const char *snippet; /* description or text excerpt (may be "") */
    const char *uri;     /* source link for docs, else NULL */
    double score;
    const char *const *why; /* matched terms with fields, signals applied */
    size_t n_why;
    const char *const *caveats; /* deprecated → use X, stale, lookalike of Y, copy */
    size_t n_caveats;
} scout_search_hit;

typedef struct scout_search_results scout_search_results;

/* Ranks the documents for question. A malformed question (empty, over
 * SCOUT_SEARCH_QUESTION_MAX bytes, not UTF-8, or with no searchable words)
 * fails with SCOUT_EUSER and a message saying which. Results are owned by
 * the caller (scout_search_results_free); zero hits is success. */
scout_rc scout_search_query(scout_search *s, const char *question, const scout_search_opts *opts,
                            scout_search_results **out, scout_err *err);

size_t scout_search_results_count(const scout_search_results *r);

/* The i-th hit, best first. Borrowed from r. */
const scout_search_hit *scout_search_results_hit(const scout_search_results *r, size_t i);

/* The query terms as understood (with expansions), e.g. "income→revenue". */
const char *scout_search_results_terms(const scout_search_results *r);

/* How dense retrieval took part: NULL when no embedder was given, else
 * e.g. "model m, 384 dims, 1200 vectors, fused by reciprocal rank (k=60)"
 * or "off: <why>; lexical only". Borrowed from r. */
const char *scout_search_results_dense(const scout_search_results *r);

/* {"question":..,"terms":..,"dense":..(only with an
 * embedder),"hits":[{kind,key,title,snippet,uri?,score,why[],caveats[]}]}. New reference owned by
 * the caller. */
json_t *scout_search_results_json(const scout_search_results *r);

void scout_search_results_free(scout_search_results *r);

#endif
